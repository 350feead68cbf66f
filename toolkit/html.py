"""HTML stage: Jinja templates (overrides → theme → parents → base), one template per block."""
from __future__ import annotations

import hashlib
import traceback

import datetime as dt
import os
import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable

from jinja2 import (ChoiceLoader, Environment, FileSystemLoader, PrefixLoader, StrictUndefined, TemplateError,
                    TemplateNotFound, TemplateSyntaxError, pass_context)
from jinja2.exceptions import SecurityError
from markupsafe import Markup

from . import markdown
from .deadline import ENV as TIME_LIMIT_ENV, TimeLimit, block_being_rendered, interrupted_in_template, time_limit
from .errors import ContentError, Problem
from .models import Article, CaseStudy, Part, Publication
from .notes import number_notes
from .endmatter import photo_credits
from .pagination import flowing_chapters, lead_block, opens_on_recto
from .refused import note_printed
from .paths import IMAGE_CACHE
from .resources import print_ready_image, short
from .sandbox import MAX_TEMPLATE_VALUE, TemplateSandbox, TemplateTooLarge, bounded_range, counted_work  # noqa: F401
from .spanning import lift_wide_blocks
from .theme import Theme
from .identity import publication_logo
from .typography import french_html, french_text, heading_key, same_heading


def slugify(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-") or "x"


@dataclass
class ContentsEntry:
    """One line of the generated contents, and the anchor it points to.

    Level 1: a chapter (with its `number`) or a page; level 2: what a chapter holds (its sections,
    articles and case studies; `kind` says which)."""

    title: str
    anchor: str
    level: int
    accent: str | None = None
    number: int | None = None
    kind: str = "page"


@dataclass
class Anchors:
    """Unique ids for headings, stable across builds of the same content."""

    used: set[str] = field(default_factory=set)

    def make(self, *words: str) -> str:
        base = "-".join(slugify(word) for word in words if word)
        anchor, n = base, 2
        while anchor in self.used:
            anchor, n = f"{base}-{n}", n + 1
        self.used.add(anchor)
        return anchor


def search_path(theme: Theme, overrides: list[Path]) -> list[Path]:
    """Template folders in lookup order: overrides first, then the theme, its parents, base last."""
    return [*overrides, *theme.template_folders]


def make_environment(theme: Theme, overrides: list[Path]) -> Environment:
    """Jinja with autoescape; `!<theme>/name` reaches one theme's own template to extend it.

    One environment per theme and override folders, kept while their templates stay the same: it holds
    the compiled templates, and a parts build renders the HTML of every unit. Jinja notices neither a
    new template that would shadow another nor an edit that keeps the modification time (`cp -p`,
    tar), hence the listing of every template with a hash of its content in the key."""
    folders = tuple(search_path(theme, overrides))
    listing = tuple((str(path), hashlib.sha256(path.read_bytes()).hexdigest()) for folder in folders
                    if folder.is_dir() for path in sorted(folder.rglob("*.html")))
    return _environment(folders, tuple(theme.template_folders), listing)


@lru_cache(maxsize=16)
def _environment(folders: tuple[Path, ...], theme_folders: tuple[Path, ...], listing: tuple[Any, ...]) -> Environment:
    """`folders` in lookup order; each theme's own folder is also reachable as `!<theme>/`."""
    by_name = {f"!{folder.parent.name}": FileSystemLoader(folder) for folder in theme_folders}
    loader = ChoiceLoader([FileSystemLoader([str(p) for p in folders]), PrefixLoader(by_name, delimiter="/")])
    env = TemplateSandbox(loader=loader, autoescape=True, undefined=StrictUndefined,
                          trim_blocks=True, lstrip_blocks=True, finalize=note_printed)
    del env.globals["lipsum"]  # filler text: a page never carries invented words
    env.globals["range"] = bounded_range
    env.filters["md"] = lambda text, notes=None: Markup(markdown.to_html(text, notes=notes)) if text else ""
    env.filters["mdi"] = lambda text: Markup(markdown.to_html(text, inline=True)) if text else ""
    env.filters["french_date"] = french_date
    env.filters["year_apart"] = year_apart
    env.globals["render"] = _render_block
    env.globals["column_runs"] = column_runs
    env.filters["source_of"] = _mark_part
    # Text printed from an attribute (the running head's data-running): the typography stage only
    # sets text nodes, so the template applies the rules (curly apostrophes, no-break spaces).
    env.filters["typeset"] = lambda text: french_text(str(text)) if text else ""
    env.globals["contents_tree"] = contents_tree
    env.globals["same_heading"] = same_heading  # a kicker repeating its heading is not printed
    env.globals["lead_block"] = lead_block  # pagination: what a chapter pulls onto the verso before it
    env.globals["opens_on_recto"] = opens_on_recto
    env.globals["photo_credits"] = photo_credits  # the colophon credits the photos printed
    env.bound_filters()
    return env


# Blocks set across both columns of a 2-column part.
WIDE_BLOCKS = {"case-study", "callout", "directory"}


def spans_columns(block: Any) -> bool:
    """Whether a block of a 2-column part is set across the columns rather than in one of them."""
    return (block.kind in WIDE_BLOCKS or getattr(block, "wide", False)
            or (block.kind == "figures" and block.columns >= 3))


def column_runs(blocks: list[Any], columns: int) -> list[tuple[bool, list[Any]]]:
    """A part's body as (wide, blocks) runs: the blocks of a run share the text columns, a wide block
    stands alone between runs. Wide blocks are not `column-span: all` inside one multi-column box:
    WeasyPrint 70 loses its place in a spanning block that is split across pages (the skip stack of
    the spanning child is shifted by its index) and stops with `assert not page_is_empty` or an
    IndexError. Runs of columns alone break across pages correctly."""
    if columns < 2:
        return [(True, [block]) for block in blocks]
    runs: list[tuple[bool, list[Any]]] = []
    for block in blocks:
        if spans_columns(block):
            runs.append((True, [block]))
        elif runs and not runs[-1][0]:
            runs[-1][1].append(block)
        else:
            runs.append((False, [block]))
    return runs


def year_apart(title: str) -> Markup:
    """'Rapport annuel 2023' → the year in its own span, for covers that set it apart."""
    match = re.match(r"^(.*?)\s*(\d{4})$", title)
    if not match:
        return Markup.escape(title)
    return Markup('{} <span class="year">{}</span>').format(match.group(1), match.group(2))


def document_date(publication: Publication) -> str:
    """The PDF's dates: the publication's date, else SOURCE_DATE_EPOCH (reproducible builds), else now."""
    if publication.meta.date:
        return f"{publication.meta.date.isoformat()}T00:00:00Z"
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    moment = dt.datetime.fromtimestamp(int(epoch), dt.timezone.utc) if epoch and epoch.isdigit() \
        else dt.datetime.now(dt.timezone.utc)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def french_date(value: Any) -> str:
    from babel.dates import format_date

    return format_date(value, format="d MMMM y", locale="fr_FR")


def image_finder(publication: Publication, theme: Theme, variant: str) -> Callable[[str], str | None]:
    """URL of an image of the publication's images/ folder (a CMYK copy in print), or None when it is missing."""
    images = publication.root / "images"

    def find(src: str) -> str | None:
        if not (images / src).is_file():
            return None
        if variant == "print":
            return print_ready_image(images / src, theme.output_profile, IMAGE_CACHE).as_uri()
        return f"images/{src}"
    return find


@pass_context
def _render_block(context: Any, block: Any, **extra: Any) -> Markup:
    """Render one block with its own template `blocks/<kind>.html` (the designer's override point)."""
    env: Environment = context.environment
    template = env.get_template(f"blocks/{block.kind}.html")
    html = template.render({**context.get_all(), "block": block, **extra})
    return Markup(mark_source(html, getattr(block, "_where", None), context["publication"].root))


@pass_context
def _mark_part(context: Any, html: str, part: Part) -> Markup:
    """A part's HTML with its file on its first element (the part that starts there)."""
    return Markup(mark_source(html, (part.source, 1), context["publication"].root))


FIRST_TAG = re.compile(r"^(\s*(?:<!--.*?-->\s*)*<[a-zA-Z][\w-]*)", re.S)


def mark_source(html: str, where: tuple[Path, int] | None, root: Path) -> str:
    """The HTML of a block or part, its first element carrying `data-source="file:line"` (relative to
    the publication) so that a renderer failure names what it was laying out (render.py)."""
    if where is None:
        return html
    path, line = where
    path = Path(path)
    shown = path.relative_to(root) if path.is_relative_to(root) else Path(path.name)
    return FIRST_TAG.sub(lambda m: f'{m.group(1)} data-source="{escape_attribute(f"{shown}:{line}")}"', html,
                         count=1)


def escape_attribute(text: str) -> str:
    return str(Markup.escape(text))


def contents_entries(publication: Publication, anchors: dict[int, str]) -> list[ContentsEntry]:
    """Two levels: chapters (numbered) and pages, then what each chapter holds: its sections, articles
    and case studies. A section stands for its own articles, and an entry repeating the one above it (an
    article named as its part, 'ANCTour' / 'L'ANCTour') or one already listed (an edition's regional
    chapter gathers articles printed in their chapters too) is listed once, where it comes first."""
    entries: list[ContentsEntry] = []
    listed: set[str] = set()
    numbers = chapter_numbers(publication)
    in_chapter = False
    for part in publication.parts:
        if part.meta.layout == "chapter":
            in_chapter = True
        elif part.meta.layout != "section":
            in_chapter = False
        if not part.in_contents or not part.meta.title:
            continue
        level = 2 if part.meta.layout == "section" and in_chapter else 1
        listed.add(heading_key(part.meta.title))
        entries.append(ContentsEntry(part.meta.title, anchors[id(part)], level, part.meta.accent,
                                     numbers.get(id(part)), part.meta.layout))
        if level == 2:
            continue  # contents stay two levels deep: the section's entry stands for its articles
        for block in walk_blocks(part.body):
            wanted = isinstance(block, CaseStudy) or (isinstance(block, Article) and block.level == 2)
            if wanted and not same_heading(block.title, part.meta.title) and heading_key(block.title) not in listed:
                entries.append(ContentsEntry(block.title, anchors[id(block)], 2, part.meta.accent,
                                             kind=block.kind))
                listed.add(heading_key(block.title))
    return entries


def contents_tree(entries: list[ContentsEntry]) -> list[tuple[ContentsEntry, list[ContentsEntry]]]:
    """Each level-1 entry with the level-2 entries that follow it (nested lists in the contents)."""
    tree: list[tuple[ContentsEntry, list[ContentsEntry]]] = []
    for entry in entries:
        if entry.level == 1 or not tree:
            tree.append((entry, []))
        else:
            tree[-1][1].append(entry)
    return tree


def chapter_numbers(publication: Publication) -> dict[int, int]:
    """1, 2, 3... for the chapters in reading order, keyed by part identity (openers print it too).
    An edition's regional chapter is an insert without a number: the national chapters keep theirs in
    every edition, so their openers are the same and editions share their laid-out units."""
    chapters = [part for part in publication.parts if part.meta.layout == "chapter" and part.origin != "edition"]
    return {id(part): number for number, part in enumerate(chapters, 1)}


def walk_blocks(blocks: list[Any]) -> Any:
    """Every block of a body, depth first, in reading order."""
    for block in blocks:
        yield block
        yield from walk_blocks(getattr(block, "body", []) or [])


def assign_anchors(publication: Publication) -> tuple[dict[int, str], dict[str, str]]:
    """An id for every part and article (keyed by object identity), and each id's heading text."""
    anchors = Anchors()
    found: dict[int, str] = {}
    headings: dict[str, str] = {}
    # Parts an edition adds take their ids last: the base parts keep the ids they have in the national
    # publication, so their HTML — and their cached layout — is the same in every edition.
    for part in sorted(publication.parts, key=lambda p: p.origin == "edition"):
        found[id(part)] = anchors.make("part", part.meta.title or part.id)
        if part.meta.title:
            headings[found[id(part)]] = part.meta.title
        for block in walk_blocks(part.body):
            if isinstance(block, (Article, CaseStudy)):
                found[id(block)] = anchors.make(block.title)
                headings[found[id(block)]] = block.title
    return found, headings


@dataclass
class HtmlDocument:
    """The HTML of a publication and the anchor of every heading, to check the PDF against."""

    html: str
    headings: dict[str, str]  # anchor → heading text
    chapters: list[str]       # anchors of the chapter openers, in order


def build_html(publication: Publication, theme: Theme, variant: str,
               overrides: list[Path] | None = None, chart_svg: Callable[[Any], str] | None = None,
               extra_context: dict[str, Any] | None = None, only: list[Part] | None = None,
               photo_frames: bool = False) -> HtmlDocument:
    """The publication as one HTML document, French typography applied to its text.

    `photo_frames` draws a frame for each photo without its file (proofs, previews); final files leave
    such photos out.

    `only` renders some parts (a unit rendered apart); anchors and contents still come from them all,
    so every unit agrees on ids and on what the contents lists."""
    env = make_environment(theme, overrides or [])
    anchors, headings = assign_anchors(publication)
    notes = number_notes(publication)  # from the whole publication, whatever `only` lays out
    flowing = flowing_chapters(publication.parts, theme)
    if only is not None:
        headings = {a: t for a, t in headings.items() if a in _unit_anchors(only, anchors)}
    context = {
        "publication": publication, "meta": publication.meta,
        "parts": publication.parts if only is None else only,
        "theme": theme, "variant": variant, "anchor": lambda obj: anchors.get(id(obj), ""),
        "notes": lambda block: notes.get(id(block), {}),
        "column_width_mm": markdown.COLUMN_WIDTH_MM,
        "contents": contents_entries(publication, anchors),
        "chapter_number": lambda part: chapter_numbers(publication).get(id(part)),
        "chart_svg": chart_svg or (lambda block: ""),
        "image_url": image_finder(publication, theme, variant),
        "photo_frames": photo_frames,
        "lead_chapters": set(),  # chapters whose case study faces the opener (decided by the build)
        # `openers: flow`: the chapters that open where the part before them ends (not after a cover,
        # the contents or an edition's insert)
        "in_flow": lambda part: id(part) in flowing,
        "page_numbers": None,    # anchor → folio, when the contents is rendered apart from its targets
        "document_date": document_date(publication),
        "logo": publication_logo(publication, theme, variant),  # identity: logo:, or None
        "document_metadata": True,  # False for parts laid out apart: the first part carries the file's
        **(extra_context or {}),
    }
    try:
        with time_limit(), counted_work(content_bytes(publication)):
            html = env.get_template("document.html").render(context)
    except TemplateSyntaxError as error:
        raise ContentError([Problem(error.filename or error.name or "template", error.lineno,
                                    f"template syntax: {error.message}")])
    except ContentError:
        raise  # a chart or an image of the content, already located
    except Exception as error:  # a template failing while it runs: at its file and line, no traceback
        raise ContentError([template_problem(error, theme, overrides or [])]) from None
    chapters = [anchors[id(part)] for part in (only or publication.parts) if part.meta.layout == "chapter"]
    return HtmlDocument(french_html(lift_wide_blocks(html)), headings, chapters)


def content_bytes(publication: Publication) -> int:
    """The size of the parts' files: what the templates may build grows with it (sandbox.counted_work)."""
    return sum(part.source.stat().st_size for part in publication.parts if Path(part.source).is_file())


def template_problem(error: Exception, theme: Theme, overrides: list[Path]) -> Problem:
    """A runtime error of a template (an undefined attribute, a division by zero, endless recursion, a
    missing include, a sandbox refusal) located at the template line that raised it: Jinja puts the
    templates' own file and line in the traceback."""
    where: tuple[Path | str, int] = (theme.folders[0], 0)
    for frame in reversed(traceback.extract_tb(error.__traceback__)):
        if frame.filename.endswith(".html") and Path(frame.filename).is_file():
            where = (Path(frame.filename), frame.lineno or 0)
            break
    if isinstance(error, SecurityError):
        return Problem(*where, f"template: {short(str(error)).rstrip('.')}: a template may only use the "
                               "content and theme values it is given (no Python internals, no files)")
    if isinstance(error, TemplateNotFound):
        folders = ", ".join(str(p) for p in search_path(theme, overrides))
        return Problem(*where, f"template '{error.name}' not found (searched {folders})")
    if isinstance(error, TimeLimit):
        return slow_rendering_problem(error, where)
    if isinstance(error, TemplateTooLarge):
        return Problem(*where, f"template: {error}")
    if isinstance(error, RecursionError):
        return Problem(*where, "template error: a template or macro calls itself without end (RecursionError)")
    reason = str(error).splitlines()[0] if str(error) else ""
    return Problem(*where, f"template error: {reason} ({type(error).__name__})" if reason
                   else f"template error: {type(error).__name__}")


def slow_rendering_problem(error: TimeLimit, where: tuple[Path | str, int]) -> Problem:
    """Past the time limit: at the template line when a loop of the template ran on, else at the block
    whose content was being turned into HTML."""
    block = None if interrupted_in_template(error) else block_being_rendered(error)
    if block is None:
        return Problem(*where, f"template: rendering {error} (the time limit, {TIME_LIMIT_ENV}): a loop of the "
                               "template runs too long; loop over the content given, not over large ranges")
    return Problem(*block._where, f"turning this block into HTML {error} (the time limit, {TIME_LIMIT_ENV}): "
                                  f"split it into smaller blocks or parts, or raise {TIME_LIMIT_ENV}")


def _unit_anchors(parts: list[Part], anchors: dict[int, str]) -> set[str]:
    found = set()
    for part in parts:
        found.add(anchors[id(part)])
        found.update(anchors[id(block)] for block in walk_blocks(part.body) if id(block) in anchors)
    return found
