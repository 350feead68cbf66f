"""Models stage, second half: turn loaded data into models, mapping pydantic errors to file:line."""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from pydantic import BaseModel, ValidationError

from .errors import ContentError, Problem, Problems, location
from .load import Located, RawBlock, RawPart, RawProse, RawPublication, read_publication
from .models import (BLOCKS, BODY_BLOCKS, REGIONS, Article, CaseStudy, Chart, ColophonMeta, Part, PartMeta, Photo,
                     Prose, Publication, PublicationMeta)
from .messages import did_you_mean
from .markdown import MAX_DEPTH, MAX_WORD, TEXT_WIDTH_MM, findings, has_table, tables_wider_than_the_page
from .notes import PartNotes, split_definitions
from .resources import MAX_TEXT_BYTES, image_file_problem, short
from .theme import load_theme
from .typography import typed_in_capitals


def describe_error(error: dict[str, Any], model: type[BaseModel]) -> str:
    """A pydantic error said the way a content author understands it."""
    loc = ".".join(str(part) for part in error["loc"])
    kind = error["type"]
    if kind == "extra_forbidden":
        names = _field_names(model, error["loc"][:-1])
        allowed = ", ".join(names)
        return (f"unknown key '{loc}'" + did_you_mean(error["loc"][-1], names)
                + (f" (allowed here: {allowed})" if allowed else ""))
    if kind == "literal_error":
        choices = re.findall(r"'((?:[^']|'(?=\w))*)'", error.get("ctx", {}).get("expected", ""))
        return f"'{loc}': {error['msg']}" + did_you_mean(error.get("input"), choices)
    if kind == "missing":
        help_text = _field_description(model, error["loc"])
        return f"missing required key '{loc}'" + (f" ({help_text})" if help_text else "")
    message = error["msg"]
    if message.startswith("Value error, "):
        message = message[len("Value error, "):]
    return f"'{loc}': {message}" if loc else message


def _field_names(model: type[BaseModel], loc: tuple[Any, ...]) -> list[str]:
    """Names of the keys allowed at `loc` inside `model`, for 'did you mean' style help."""
    current: Any = model
    for key in loc:
        if isinstance(key, int):
            continue
        field = getattr(current, "model_fields", {}).get(key)
        if field is None:
            return []
        current = _inner_model(field.annotation)
        if current is None:
            return []
    fields = getattr(current, "model_fields", {})
    return [field.alias or name for name, field in fields.items() if name not in ("kind", "body")]


def _field_description(model: type[BaseModel], loc: tuple[Any, ...]) -> str | None:
    current: Any = model
    for key in loc[:-1]:
        if isinstance(key, int):
            continue
        field = getattr(current, "model_fields", {}).get(key)
        current = _inner_model(field.annotation) if field else None
        if current is None:
            return None
    field = getattr(current, "model_fields", {}).get(loc[-1])
    return field.description if field else None


def _inner_model(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()):
        found = _inner_model(arg)
        if found is not None:
            return found
    return None


def validate_located(model: type[BaseModel], data: Located, problems: Problems,
                     extra: dict[str, Any] | None = None, anchor: int | None = None,
                     context: str = "") -> BaseModel | None:
    """Validate YAML data against `model`; each error is reported at the line of the key at fault."""
    if data.broken:
        return None  # its YAML error is reported; 'missing key' errors on the empty value would mislead
    if not isinstance(data.value, dict):
        problems.error(data.path, anchor or data.line,
                       f"expected key: value fields here, found {type(data.value).__name__}")
        return None
    try:
        return model.model_validate({**data.value, **(extra or {})})
    except ValidationError as error:
        for item in error.errors():
            line = data.line_of(item["loc"]) if item["loc"] and item["loc"][0] in data.value else (anchor or data.line)
            problems.error(data.path, line, context + describe_error(item, model))
        return None


def check_photos(model: BaseModel, fields: Located, images: Path, problems: Problems) -> None:
    """Image files named by a block (itself a photo, or its `photo` field) exist and are real images.
    A photo without its file is a warning of kind `missing-photo`: final files leave it out and record it."""
    for key, photo in (((), model), (("photo",), getattr(model, "photo", None))):
        if not isinstance(photo, Photo):
            continue
        if not photo.src or not (images / photo.src).is_file():
            line = fields.line_of((*key, "src") if photo.src else key)
            problems.warning(fields.path, line, missing_photo_message(photo, images), kind=MISSING_PHOTO)
            continue
        found = image_file_problem(images, photo.src)
        if found:
            getattr(problems, found[0])(fields.path, fields.line_of((*key, "src")), found[1])


MISSING_PHOTO = "missing-photo"


def check_heading_case(title: Any, fields: Located, problems: Problems) -> None:
    """A heading typed in capitals would stand out among its level's sentence-case headings (parts,
    articles, case studies; the smaller levels are set in capitals by the theme's CSS, whatever typed)."""
    if isinstance(title, str) and typed_in_capitals(title):
        problems.warning(fields.path, fields.line_of(("title",)),
                         f"title '{short(title, 60)}' is typed in capitals: type it in sentence case, as it "
                         "reads in a sentence (the theme sets the capitals of each heading level)")


def missing_photo_message(photo: Photo, images: Path) -> str:
    """What a writer needs to find the photo: its name (or alt text), its credit, where it should go."""
    what = f"photo '{photo.src}' is missing from {images.name}/" if photo.src else \
        f"photo '{short(photo.alt, 60)}' is missing: no src names its file in {images.name}/"
    credit = f" (credit {photo.credit})" if photo.credit else ""
    return f"{what}{credit}: it is left out of final files (proofs and previews show its frame)"


# ---------------------------------------------------------------- text: Markdown that would fetch or cannot print

MAX_FINDINGS = 10  # per kind and text: a pasted web page should not bury the other problems


def check_markdown(text: str, path: Path, line: int, problems: Problems, lines_match: bool = True) -> None:
    """Markdown images (which would make WeasyPrint fetch a URL), refused links, raw HTML and
    overlong words, each reported at its own line; `line` is the text's first line in `path`.
    A YAML value's lines do not match the file's (folding, escapes): `lines_match=False` keeps `line`."""
    counts: Counter[str] = Counter()
    for found in dict.fromkeys(findings(text)):
        counts[found.kind] += 1
        if counts[found.kind] > MAX_FINDINGS:
            continue
        where = line + (found.line if lines_match else 0)
        if found.kind == "image":
            problems.error(path, where, f"Markdown image '{short(found.value)}' is not allowed: use a photo block "
                                        "whose src names a file in images/ (nothing is fetched)")
        elif found.kind == "link":
            problems.warning(path, where, f"link '{short(found.value)}' is not allowed (only https://, http://, "
                                          "mailto:, tel: and #anchors): it is printed as text")
        elif found.kind == "html":
            problems.warning(path, where, f"raw HTML '{short(found.value)}' is not allowed (only <sup>, <sub>, "
                                          "<br>, <small>, <abbr> without attributes): it is printed as text")
        elif found.kind == "nesting":
            problems.error(path, where, f"lists and quotes nested more than {MAX_DEPTH} levels deep: the text "
                                        "inside would not be printed; nest less")
        elif found.kind == "note" and not lines_match:
            problems.error(path, where, f"footnote [^{short(found.value)}] is in a field: notes are called "
                                        "from the text (after the '---' line of a block, or between blocks)")
        elif found.kind == "word":
            problems.error(path, where, f"a word of {len(found.value)} characters ('{short(found.value, 30)}') is "
                                        f"longer than {MAX_WORD}: it cannot be laid out; add spaces, or put a "
                                        "long address in a link [text](address)")


def check_fields(fields: Located, problems: Problems) -> None:
    """The Markdown checks on every text value of a block or front matter, at the line of its key."""
    def walk(value: Any, loc: tuple[Any, ...]) -> None:
        if isinstance(value, str):
            check_markdown(value, fields.path, fields.line_of(loc), problems, lines_match=False)
        elif isinstance(value, dict):
            for key, item in value.items():
                walk(item, (*loc, key))
        elif isinstance(value, list):
            for index, item in enumerate(value):
                walk(item, (*loc, index))
    walk(fields.value, ())


def check_layouts_folder(meta: PublicationMeta, raw: RawPublication, problems: Problems,
                         where: tuple[Path, int] | None = None) -> None:
    """`layouts:` templates are read as they are: the folder and every file in it stay inside the
    publication (a symbolic link to /etc would otherwise put any readable file into the PDF).
    `where`: the file and line that set `layouts:` when it is not publication.yaml (an edition overlay)."""
    if not meta.layouts:
        return
    path_, line = where or (raw.meta.path, raw.meta.line_of(("layouts",)))
    root = raw.root.resolve()
    folder = raw.root / meta.layouts
    if not folder.is_dir():
        problems.error(path_, line, f"layouts folder '{short(meta.layouts)}' not found in the publication")
        return
    for path in [folder, *folder.rglob("*")]:
        if not path.resolve().is_relative_to(root):
            problems.error(path_, line, f"layouts: '{short(str(path.relative_to(raw.root)))}' leads outside the "
                                        "publication (symbolic link): copy the file instead")
            return


@dataclass
class Context:
    """What block validation needs beyond the block: the publication folder, counts derived from it,
    and the footnotes defined in the part being validated."""

    root: Path
    region_counts: dict[str, int] = field(default_factory=dict)
    notes: PartNotes = field(default_factory=PartNotes)


TAGGED_BLOCKS = ("article", "case-study")


def count_region_tags(items: list[RawProse | RawBlock]) -> Counter[str]:
    """Articles and case studies per région tag, read from the raw content (before validation)."""
    counts: Counter[str] = Counter()
    for item in items:
        if isinstance(item, RawBlock):
            region = item.fields.value.get("region") if isinstance(item.fields.value, dict) else None
            if item.name in TAGGED_BLOCKS and region in REGIONS:
                counts[str(region)] += 1
            counts.update(count_region_tags(item.body))
    return counts


def validate_part_body(items: list[RawProse | RawBlock], problems: Problems, context: Context) -> list[Any]:
    """The body of a part (a file): its footnote definitions may stand anywhere in it."""
    context.notes = PartNotes()
    for text in _texts(items):
        for definition in split_definitions(text.text, text.path, text.line)[1]:
            check_markdown(definition.text, definition.path, definition.line, problems)
            context.notes.add(definition, problems)
    body = validate_body(items, problems, context)
    context.notes.report_unused(problems)
    return body


def _texts(items: list[RawProse | RawBlock]) -> Any:
    for item in items:
        if isinstance(item, RawProse):
            yield item
        else:
            yield from _texts(item.body)


def validate_prose(item: RawProse, problems: Problems, context: Context) -> Prose:
    """A run of text, its footnote definitions taken out; each call must have a definition."""
    text = split_definitions(item.text, item.path, item.line)[0]
    check_markdown(text, item.path, item.line, problems)
    for line, width in tables_wider_than_the_page(text):
        problems.warning(item.path, item.line + line,
                         f"this table needs about {width:.0f} mm for its longest words alone, more than the "
                         f"page's {TEXT_WIDTH_MM} mm of text: it runs into the margin; split it in two, or "
                         "shorten its headers and cells")
    notes: dict[str, str] = {}
    for found in findings(text):
        if found.kind != "note":
            continue
        definition = context.notes.definitions.get(found.value)
        if definition is None:
            problems.error(item.path, item.line + found.line,
                           f"footnote [^{short(found.value)}] has no definition: add a line "
                           f"'[^{short(found.value)}]: the text of the note' in this file (usually at its end)")
            continue
        context.notes.used.add(found.value)
        notes[found.value] = definition.text
    return Prose(text=text, notes=notes)


def validate_body(items: list[RawProse | RawBlock], problems: Problems, context: Context) -> list[Any]:
    """Validate the blocks of a body, in order; prose stays Markdown text."""
    body: list[Any] = []
    for item in items:
        if isinstance(item, RawProse):
            body.append(validate_prose(item, problems, context))
            body[-1]._where = (item.path, item.line)
            continue
        block = validate_block(item, problems, context)
        if block is not None:
            body.append(block)
    return body


def validate_block(raw: RawBlock, problems: Problems, context: Context) -> BaseModel | None:
    model = BLOCKS.get(raw.name)
    if model is None:
        known = ", ".join(sorted(BLOCKS))
        problems.error(raw.path, raw.line, f"unknown block '{raw.name}'{did_you_mean(raw.name, BLOCKS)}; "
                                           f"known blocks: {known}")
        return None
    check_fields(raw.fields, problems)
    extra: dict[str, Any] = {"kind": raw.name}
    if raw.name in BODY_BLOCKS:
        extra["body"] = validate_body(raw.body, problems, context)
    elif raw.has_body:
        problems.error(raw.path, raw.line, f"block '{raw.name}' takes no text after '---': "
                                           "put its text in a field")
    if raw.name == "table" and not any(has_table(text.text) for text in _texts(raw.body)):
        problems.error(raw.path, raw.line, "table block: write the Markdown table after a '---' line "
                                           "(a header row, a '|---|---:|' line, then the rows)")
    if raw.name == "chart" and isinstance(raw.fields.value, dict) and raw.fields.value.get("data_from"):
        extra["data"] = derived_data(raw.fields.value["data_from"], context)
    block = validate_located(model, raw.fields, problems, extra, anchor=raw.line, context=f"{raw.name} block: ")
    if block is not None:
        block._where = (raw.path, raw.line)
        check_photos(block, raw.fields, context.root / "images", problems)
        if isinstance(block, CaseStudy) or (isinstance(block, Article) and block.level == 2):
            check_heading_case(block.title, raw.fields, problems)
    if isinstance(block, Chart):
        check_chart_data(block, raw, context, problems)
    return block


def derived_data(source: str, context: Context) -> Any:
    """Data a chart takes from the content itself instead of typed numbers."""
    if source == "region-tags":
        return dict(sorted(context.region_counts.items()))
    return None  # the model reports the unknown source


def check_chart_data(block: Any, raw: RawBlock, context: Context, problems: Problems) -> None:
    """Read the chart's data now (files in data/ included), so its problems come with the others."""
    from .charts import load_chart_data

    if not data_file_readable(block, raw, context, problems):
        return
    try:
        load_chart_data(block, context.root / "data", (raw.path, raw.line))
    except ContentError as error:
        problems.extend([read_by(problem, block, raw) for problem in error.problems])


def read_by(problem: Problem, block: Any, raw: RawBlock) -> Problem:
    """A problem in a data file says which chart reads it: the file may be shared, or its name forgotten."""
    if Path(problem.path) == Path(raw.path):
        return problem
    return Problem(problem.path, problem.line, f"{problem.message} (read by the chart '{short(block.title)}' at "
                                               f"{location(raw.path, raw.line)})", problem.level)


def data_file_readable(block: Any, raw: RawBlock, context: Context, problems: Problems) -> bool:
    """A chart's data file is a UTF-8 file inside data/: a symbolic link out of the publication or
    bytes that are not UTF-8 are reported here (the charts stage would read or raise)."""
    name = getattr(block, "file", None)
    if not name:
        return True
    relative = Path(name[len("data/"):] if name.startswith("data/") else name)
    if relative.is_absolute() or ".." in relative.parts:
        return True  # the charts stage reports it without reading anything
    data_dir = context.root / "data"
    path = data_dir / relative
    line = raw.fields.line_of(("file",))
    try:
        if not path.is_file():
            return True  # reported as not found
        resolved = path.resolve()
        if not resolved.is_relative_to(data_dir.resolve()) or not resolved.is_relative_to(context.root.resolve()):
            problems.error(raw.path, line, f"data file '{short(name)}' leads outside the publication "
                                           "(symbolic link): copy the file instead")
            return False
        if resolved.stat().st_size > MAX_TEXT_BYTES:
            problems.error(path, 0, f"the file is larger than {MAX_TEXT_BYTES // 2**20} MB: split it")
            return False
        data = resolved.read_bytes()
    except OSError as error:
        problems.error(raw.path, line, f"data file '{short(name)}' cannot be read: {error.strerror}")
        return False
    try:
        data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        problems.error(path, data[: error.start].count(b"\n") + 1, "not valid UTF-8 text: save the file as UTF-8")
        return False
    return True


def validate_publication(raw: RawPublication, problems: Problems, theme: str | None = None,
                         themes: Callable[[str], Any] = load_theme) -> Publication | None:
    """All parts are validated even when some fail, so every problem is reported in one run. `theme`
    overrides the one publication.yaml names (`--theme`); `themes` loads a theme by name."""
    meta = validate_located(PublicationMeta, raw.meta, problems)
    if isinstance(meta, PublicationMeta):
        check_layouts_folder(meta, raw, problems)
        if meta.identity and meta.identity.logo:
            from .identity import logo_problems

            logo_problems(raw.root, meta.identity.logo, (raw.meta.path, raw.meta.line_of(("identity", "logo"))),
                          problems)
    context = Context(raw.root, dict(sum((count_region_tags(p.body) for p in raw.parts), Counter())))
    parts: list[Part] = []
    accents: list[tuple[RawPart, str]] = []
    for raw_part in raw.parts:
        check_fields(raw_part.front, problems)
        part_meta = validate_located(PartMeta, raw_part.front, problems, anchor=1)
        if part_meta is not None:
            check_photos(part_meta, raw_part.front, raw.root / "images", problems)
            check_heading_case(part_meta.title, raw_part.front, problems)
            if part_meta.accent:
                accents.append((raw_part, part_meta.accent))
        body = validate_part_body(raw_part.body, problems, context)
        if part_meta is not None:
            parts.append(Part(id=raw_part.path.stem, source=raw_part.path, meta=part_meta, body=body))
    if isinstance(meta, PublicationMeta):
        try:
            check_theme_colours(themes(theme or meta.theme), accents, problems)
        except ContentError:
            pass  # a theme missing or broken is reported where the build loads it
    if meta is None or problems.errors:
        return None
    return Publication(name=raw.root.name, root=raw.root, meta=meta, parts=with_colophon(parts, meta, raw.root))


def with_colophon(parts: list[Part], meta: PublicationMeta, root: Path) -> list[Part]:
    """The colophon page, made from publication.yaml's `colophon:`, goes before the back cover."""
    if meta.colophon is None:
        return parts
    colophon = Part(id="colophon", source=root / "publication.yaml", origin="colophon",
                    meta=ColophonMeta(title=COLOPHON_TITLE.get(meta.language[:2], "Colophon"),
                                  toc=False))
    at = len(parts) - 1 if parts and parts[-1].meta.layout == "back-cover" else len(parts)
    return [*parts[:at], colophon, *parts[at:]]


COLOPHON_TITLE = {"fr": "Colophon", "en": "Colophon"}


def check_theme_colours(theme: Any, accents: list[tuple[RawPart, str]], problems: Problems) -> None:
    """Each part's `accent` is one of the theme's colours: an unknown one would leave the chapter's band
    without colour, its white title on white paper."""
    colours = list(theme.tokens.get("colors", {}))
    for part, accent in accents:
        if accent not in colours:
            problems.error(part.path, part.front.line_of(("accent",)),
                           f"'accent': the theme '{theme.name}' has no colour '{accent}'"
                           f"{did_you_mean(accent, colours)}; its colours: {', '.join(colours)}")


def load_publication(root: Path, theme: str | None = None,
                     themes: Callable[[str], Any] = load_theme) -> tuple[Publication, Problems]:
    """Read and validate a publication folder; raises ContentError listing every problem. `theme`: the
    theme it will be built with, when not the one publication.yaml names."""
    problems = Problems()
    raw = read_publication(root, problems)
    publication = validate_publication(raw, problems, theme, themes) if raw is not None else None
    problems.raise_if_any()
    assert publication is not None
    return publication, problems
