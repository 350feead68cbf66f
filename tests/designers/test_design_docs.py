"""docs/designers.md stays true: every base template is in its tables, with classes the template emits,
and its screenshots exist and stay small."""
from __future__ import annotations

import re

from toolkit.paths import LAYOUTS, ROOT

DOC = ROOT / "docs" / "designers.md"
TEMPLATES = LAYOUTS / "base" / "templates"
TAGS = {"article", "aside", "blockquote", "div", "figcaption", "figure", "footer", "h1", "h2", "h3", "h4",
        "header", "html", "img", "li", "nav", "ol", "p", "section", "span", "table", "td", "ul", "a", "em",
        "strong", "sup"}
# Classes a filter writes rather than the template itself.
FROM_FILTERS = {"year": ROOT / "toolkit" / "html.py"}


def table_rows() -> dict[str, str]:
    """Template name → the 'classes it emits' cell, from the blocks and parts tables."""
    rows = {}
    for line in DOC.read_text(encoding="utf-8").splitlines():
        match = re.match(r"^\| `((?:blocks|parts)/[\w-]+\.html|document\.html)` \|", line)
        if match:
            rows[match.group(1)] = line.split(" | ")[2]
    return rows


def source_with_includes(name: str) -> str:
    text = (TEMPLATES / name).read_text(encoding="utf-8")
    for included in re.findall(r'{%\s*include\s+"([^"!]+)"', text):
        if (TEMPLATES / included).is_file():
            text += source_with_includes(included)
    return text


def classes_of(cell: str) -> set[str]:
    found = set()
    for segment in re.findall(r"`([^`]+)`", cell):
        if " " in segment or "<" in segment or segment.endswith(".html") or segment.startswith("--"):
            continue
        head, *classes = ["", *segment[1:].split(".")] if segment.startswith(".") else segment.split(".")
        if not classes and head not in TAGS:
            classes = [head]
        found.update(c for c in classes if c)
    return found


def test_every_base_template_is_in_the_tables() -> None:
    on_disk = {str(p.relative_to(TEMPLATES)) for p in TEMPLATES.rglob("*.html")}
    assert on_disk == set(table_rows()), on_disk ^ set(table_rows())


def test_the_classes_listed_are_those_the_templates_emit() -> None:
    for name, cell in table_rows().items():
        if "none of its own" in cell:
            continue
        source = source_with_includes(name)
        for css_class in classes_of(cell):
            if css_class in FROM_FILTERS:
                assert css_class in FROM_FILTERS[css_class].read_text(encoding="utf-8")
                continue
            stem = css_class.rsplit("-", 1)[0] + "-{{"
            assert css_class in source or stem in source, f"{name}: class {css_class!r} not in the template"


def test_screenshots_exist_and_are_small() -> None:
    images = re.findall(r"\]\((img/[^)]+\.png)\)", DOC.read_text(encoding="utf-8"))
    assert 15 <= len(images) <= 20
    for image in images:
        path = DOC.parent / image
        assert path.is_file(), image
        assert path.stat().st_size < 60_000, image
    assert (DOC.parent / "img" / "make_screenshots.py").is_file()
