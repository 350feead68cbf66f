"""Property-based tests: arbitrary Unicode through every stage ends in a result or a located user error.

Stages: the loader (read_part, split_blocks) and validation on whole files, the pydantic models on
arbitrary nested YAML data, the typography stage, the Markdown stage, and a few real builds. "Never a
traceback": anything but success or a `ContentError` whose problems all read `path:line: level: ...`
fails the test. About 1 500 examples in all (see EXAMPLES); the folder runs in well under a minute.
"""
from __future__ import annotations

import atexit
import io
import os
import re
import shutil
import tempfile
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from ruamel.yaml import YAML

from toolkit.errors import ContentError, Problems
from toolkit.load import RawBlock, parse_yaml, split_blocks, split_lines
from toolkit.markdown import SAFE_LINK, to_html
from toolkit.models import BLOCKS, PartMeta, PublicationMeta
from toolkit.typography import french_html, french_text
from toolkit.validate import Context, load_publication, validate_block, validate_located

# Examples per test; the sum is what CI runs (1 600, at least 1 000 across the stages).
# FUZZ_SCALE=20 multiplies them for a long local run.
SCALE = float(os.environ.get("FUZZ_SCALE", "1"))
EXAMPLES = {key: max(1, int(n * SCALE)) for key, n in {
    "files": 250, "meta": 150, "models": 250, "french_text": 200, "french_html": 200,
    "markdown": 250, "markdown_inline": 100, "build": 6}.items()}
COMMON = dict(deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

LOCATED = re.compile(r"^.+:\d+: (error|warning): .+", re.DOTALL)
WORK = Path(tempfile.mkdtemp(prefix="fuzz-"))  # hypothesis and function-scoped tmp_path do not mix
atexit.register(shutil.rmtree, WORK, ignore_errors=True)

# ---------------------------------------------------------------- strategies

# Hostile text: RTL and bidi controls, emoji and ZWJ sequences, combining marks, NUL and controls,
# French punctuation, HTML and Markdown syntax, very long runs.
SPECIAL = ["\u202e", "\u200f", "\u061c", "مرحبا", "שלום", "👩‍👩‍👧", "🇫🇷", "e\u0301\u0301\u0301", "\ufeff", "\u0000",
           "\x1b[31m", "\u2028", "«", "»", " ; ", " : ", "!", "?", "'", "...", "1 733", "63 %",
           "<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "<iframe src=//x>", "<sup>e</sup>",
           "<!--", "-->", "&amp;", "&#39;", "&#x0;", "](javascript:alert(1))", "![x](http://127.0.0.1:1/a.png)",
           "[x](file:///etc/passwd)", "<http://x>", "**", "_", "`", "|", "[^1]", "> ", "- ", "1. ", "#"]
words = st.one_of(st.text(max_size=30), st.sampled_from(SPECIAL),
                  st.builds(lambda c, n: c * n, st.characters(), st.integers(1, 400)))
unicode_lines = st.lists(words, max_size=8).map("".join)

STRUCTURE = ["---", ":::", "::::", ":::::", "::: zoom", "::: quote", "::: figures", "::: photo", "::: poster",
             ":::: article", "::::: case-study", "::: chart", "title: Un", "text: x", "alt: y", "src: a.png",
             "src: http://127.0.0.1:1/a.png", "src: ../../etc/passwd", "layout: chapter", "layout: cover",
             "accent: blue", "accent: 'x); background: url(http://127.0.0.1:1/)'", "items:", "  - value: 3",
             "    label: x", "columns: 99999999999999999999999", "level: 2", "region: Bretagne", "region: Atlantide",
             "type: bar", "data: {a: 1}", "file: ../secret.csv", "kind: x", "title: [unclosed", "a: b: c",
             "title: a\ttab", "&a [*a]", "? complex", "!!python/object:os.system x", "- " * 40, "[" * 60]
part_lines = st.lists(st.one_of(st.sampled_from(STRUCTURE), unicode_lines), max_size=25)
part_texts = st.one_of(
    part_lines.map("\n".join),
    st.builds(lambda front, body: "---\n" + "\n".join(front) + "\n---\n" + "\n".join(body),
              st.lists(st.sampled_from(STRUCTURE[10:30]) | unicode_lines, max_size=5), part_lines),
)
raw_bytes = st.one_of(st.binary(max_size=300), part_texts.map(lambda t: t.encode("utf-8", "surrogatepass")),
                      st.builds(lambda t, b: t.encode("utf-8", "surrogatepass") + b, part_texts, st.binary(max_size=8)))

scalars = st.one_of(
    st.none(), st.booleans(), st.integers(), st.integers(min_value=10**30, max_value=10**60),
    st.floats(allow_nan=True, allow_infinity=True), unicode_lines, st.sampled_from(SPECIAL + STRUCTURE),
    st.dates().map(str),
)
FIELD_NAMES = sorted({name for model in (*BLOCKS.values(), PartMeta, PublicationMeta)
                      for name, field in model.model_fields.items()} | {"type", "body", "photo", "quote"})
keys = st.one_of(st.sampled_from(FIELD_NAMES), st.text(max_size=10))
nested = st.recursive(scalars, lambda inner: st.one_of(st.lists(inner, max_size=4),
                                                       st.dictionaries(keys, inner, max_size=5)), max_leaves=30)
mappings = st.dictionaries(keys, nested, max_size=8)


# ---------------------------------------------------------------- helpers


def assert_located(error: ContentError) -> None:
    assert error.problems, "a ContentError must carry its problems"
    for problem in error.problems:
        assert LOCATED.match(str(problem)), f"problem without path:line: {problem!s}"
        assert problem.line >= 1, f"problem without a line: {problem!s}"


def new_folder() -> Path:
    return Path(tempfile.mkdtemp(dir=WORK))


def write_publication(root: Path, part: bytes, meta: bytes | None = None) -> Path:
    (root / "sections").mkdir(parents=True, exist_ok=True)
    (root / "publication.yaml").write_bytes(meta if meta is not None else
                                            b"title: T\norganisation: A\nkind: report\nparts: [01.md]\n")
    (root / "sections" / "01.md").write_bytes(part)
    return root


def to_yaml(data: Any) -> str | None:
    """Round trip through ruamel so that the values carry line numbers like real content."""
    stream = io.StringIO()
    try:
        YAML(typ="rt").dump(data, stream)
    except Exception:  # a value ruamel cannot write (not the subject of these tests)
        return None
    return stream.getvalue()


class Tags(HTMLParser):
    """The elements, attributes and hrefs of an HTML fragment."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.attributes: list[str] = []
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        for name, value in attrs:
            self.attributes.append(name)
            if name in ("href", "src", "data", "action", "formaction", "background", "poster"):
                self.urls.append(value or "")

    handle_startendtag = handle_starttag


def parse_tags(html: str) -> Tags:
    parser = Tags()
    parser.feed(html)
    parser.close()
    return parser


# ---------------------------------------------------------------- (a) loader + validation on whole files


@settings(max_examples=EXAMPLES["files"], **COMMON)
@given(data=raw_bytes)
def test_any_part_file_loads_or_reports_located_problems(data: bytes) -> None:
    root = write_publication(new_folder() / "pub", data)
    try:
        load_publication(root)
    except ContentError as error:
        assert_located(error)


@settings(max_examples=EXAMPLES["meta"], **COMMON)
@given(meta=st.one_of(raw_bytes, mappings.map(lambda m: (to_yaml({**m, "parts": ["01.md"]}) or "").encode())))
def test_any_publication_yaml_loads_or_reports_located_problems(meta: bytes) -> None:
    root = write_publication(new_folder() / "pub", b"---\ntitle: Un\n---\nTexte.\n", meta)
    try:
        load_publication(root)
    except ContentError as error:
        assert_located(error)


@settings(max_examples=EXAMPLES["files"] // 2, **COMMON)
@given(lines=part_lines)
def test_split_blocks_keeps_every_line_and_locates_blocks(lines: list[str]) -> None:
    lines = split_lines("\n".join(lines))  # what read_part gives it
    problems = Problems()
    path = Path("x.md")
    items = split_blocks(lines, path, 1, problems)
    for problem in problems.items:
        assert LOCATED.match(str(problem)) and 1 <= problem.line <= len(lines) + 1, str(problem)

    def check(item: Any) -> None:
        assert 1 <= item.line <= max(1, len(lines) + 1)
        for inner in getattr(item, "body", []):
            check(inner)
    for item in items:
        check(item)


# ---------------------------------------------------------------- (b) models on arbitrary nested data


@settings(max_examples=EXAMPLES["models"], **COMMON)
@given(model=st.sampled_from(["publication", "part", *sorted(BLOCKS)]), data=mappings)
def test_models_accept_or_locate_any_yaml_data(model: str, data: dict[str, Any]) -> None:
    text = to_yaml(data)
    assume(text is not None)
    path = new_folder() / "x.md"
    problems = Problems()
    located = parse_yaml(text, path, 1, problems)
    if model == "publication":
        validate_located(PublicationMeta, located, problems)
    elif model == "part":
        validate_located(PartMeta, located, problems, anchor=1)
    else:
        validate_block(RawBlock(model, located, [], path, 1), problems, Context(path.parent))
    n_lines = text.count("\n") + 2
    for problem in problems.items:
        assert LOCATED.match(str(problem)), str(problem)
        assert 1 <= problem.line <= n_lines or Path(problem.path).parent.name == "data", str(problem)


# ---------------------------------------------------------------- (c) typography


@settings(max_examples=EXAMPLES["french_text"], **COMMON)
@given(text=unicode_lines)
def test_french_text_never_raises_and_is_idempotent(text: str) -> None:
    once = french_text(text)
    assert french_text(once) == once
    # Only spaces and punctuation change: the letters and digits are the writer's.
    assert [c for c in once if c.isalnum()] == [c for c in text if c.isalnum()]


# HTML as the templates make it: elements with double-quoted, escaped attributes around text.
attribute_values = unicode_lines.map(lambda v: v.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;"))
start_tags = st.builds(lambda tag, attrs: f"<{tag}" + "".join(f' {n}="{v}"' for n, v in attrs) + ">",
                       st.sampled_from(["p", "span", "a", "h1", "div", "code", "pre", "style", "svg", "em"]),
                       st.lists(st.tuples(st.sampled_from(["class", "href", "title", "data-running", "id"]),
                                          attribute_values), max_size=3))
text_nodes = unicode_lines.map(lambda t: t.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;"))
fragments = st.lists(st.one_of(start_tags, text_nodes, st.sampled_from(["</p>", "</span>", "</a>", "<br>",
                                                                        "<!-- a : b ! -->", "&nbsp;", "&#8217;"])),
                     max_size=15).map("".join)


def without_added_markup(html: str) -> str:
    """The HTML less what the typography stage adds: <wbr> and its span.nobr / span.url wrappers."""
    out, spans = [], []
    for piece in re.split(r"(<[^>]*>)", html):
        if piece == "<wbr>" or piece in ('<span class="nobr">', '<span class="url">'):
            if piece != "<wbr>":
                spans.append(True)
            continue
        if piece.startswith("<span"):
            spans.append(False)
        elif piece == "</span>" and spans and spans.pop():
            continue
        out.append(piece)
    return "".join(out)


@settings(max_examples=EXAMPLES["french_html"], **COMMON)
@given(html=fragments)
def test_french_html_keeps_tags_and_attributes_and_is_idempotent(html: str) -> None:
    once = french_html(html)
    assert french_html(once) == once
    once = without_added_markup(once)
    before, after = parse_tags(html.replace("&#39;", "'")), parse_tags(once)
    assert after.tags == before.tags
    assert after.attributes == before.attributes
    assert re.findall(r"<[^>]*>", once) == re.findall(r"<[^>]*>", html.replace("&#39;", "'"))


@settings(max_examples=EXAMPLES["french_html"] // 2, **COMMON)
@given(text=st.text())
def test_french_html_never_raises_on_any_text(text: str) -> None:
    french_html(text)


# ---------------------------------------------------------------- (d) Markdown

FORBIDDEN_ELEMENTS = {"script", "iframe", "object", "embed", "link", "style", "img", "meta", "base", "form",
                      "input", "svg", "math", "frame", "frameset", "applet", "audio", "video", "source"}


def assert_safe_html(html: str) -> None:
    tags = parse_tags(html)
    assert not FORBIDDEN_ELEMENTS & set(tags.tags), tags.tags
    assert not [a for a in tags.attributes if a.startswith("on")], tags.attributes
    assert all(SAFE_LINK.match(url.strip()) for url in tags.urls), tags.urls


@settings(max_examples=EXAMPLES["markdown"], **COMMON)
@given(text=st.one_of(part_lines.map("\n".join), st.text()))
def test_markdown_never_raises_nor_emits_active_html(text: str) -> None:
    assert_safe_html(to_html(text))


@settings(max_examples=EXAMPLES["markdown_inline"], **COMMON)
@given(text=unicode_lines)
def test_inline_markdown_never_raises_nor_emits_active_html(text: str) -> None:
    assert_safe_html(to_html(text, inline=True))
    assert_safe_html(french_html(to_html(text, inline=True)))


# ---------------------------------------------------------------- end to end


@pytest.fixture(scope="module")
def fuzz_builder():
    from toolkit.build import Builder

    os.environ.setdefault("SOURCE_DATE_EPOCH", "1700000000")
    content = WORK / "content"
    content.mkdir(exist_ok=True)
    builder = Builder(content=content, out=WORK / "out")
    yield builder
    getattr(builder, "close", lambda: None)()  # worker processes, where the builder has them


def yaml_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


# Mostly valid parts with fuzzed text (so that WeasyPrint lays out RTL, emoji, combining marks...),
# sometimes broken structure. No control characters here: YAML refuses them (tested above).
printable = st.characters(blacklist_categories=("Cc", "Cs", "Co"))
printable_lines = st.lists(st.one_of(st.text(printable, max_size=30),
                                     st.sampled_from([w for w in SPECIAL if w.isprintable() or w == "\ufeff"]),
                                     st.builds(lambda c, n: c * n, printable, st.integers(1, 60))),
                           max_size=6).map(" ".join)
fuzzed_parts = st.builds(
    lambda title, paragraphs, quote, label, broken: (
        f"---\ntitle: {yaml_string(title)}\n---\n" + "\n\n".join(paragraphs)
        + f"\n\n::: quote\ntext: {yaml_string(quote)}\n:::\n"
        + f"\n:::: article\ntitle: {yaml_string(title or 'x')}\n---\n::: figures\nitems:\n"
        + f"  - value: {yaml_string(label)}\n    label: {yaml_string(label)}\n:::\n::::\n"
        + "\n".join(broken)),
    printable_lines, st.lists(printable_lines, max_size=4), printable_lines.map(lambda t: "« " + t),
    printable_lines.map(lambda t: t + "1"), st.lists(st.sampled_from(STRUCTURE[:12]), max_size=1))


@settings(max_examples=EXAMPLES["build"], **COMMON)
@given(part=fuzzed_parts)
def test_fuzzed_content_builds_a_pdf_or_reports_located_problems(fuzz_builder, part: str) -> None:
    from hypothesis import event

    name = new_folder().name
    write_publication(fuzz_builder.content / name, part.encode("utf-8", "surrogatepass"))
    try:
        result = fuzz_builder.build(name, "screen")
    except ContentError as error:
        event("content error")
        assert_located(error)
        return
    event("pdf")
    data = result.path.read_bytes()
    assert data.startswith(b"%PDF-") and data.rstrip().endswith(b"%%EOF") and result.pages >= 1
    assert not fuzz_builder.renderer.refused
