"""Compose the stages: load → models → theme → html → render → pdf, for one publication and variant."""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import logging
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import ContentError, Problem
from .html import build_html
from .models import Publication
from .paths import CACHE, CONTENT, FONTS, IMAGE_CACHE, LAYOUTS, OUT
from .pdf import PageRoles, postprocess, write_atomic
from .render import Renderer, WeasyWarnings
from .theme import Theme, load_theme
from .validate import load_publication

VARIANTS = ("print", "screen")
MAX_LAYOUT_PASSES = 4


@dataclass
class BuildResult:
    """What one build produced, for the summary and the manifest."""

    publication: str
    variant: str
    path: Path
    pages: int
    bytes: int
    seconds: float
    blanks_added: int = 0
    warnings: list[str] = field(default_factory=list)


def publication_names(content: Path = CONTENT) -> list[str]:
    return sorted(p.name for p in content.iterdir() if (p / "publication.yaml").is_file())


def output_path(out: Path, name: str, variant: str) -> Path:
    return out / name / f"{name}-{variant}.pdf"


class Builder:
    """Builds publications; keeps the renderer (fonts, stylesheets, images) warm between builds."""

    def __init__(self, content: Path = CONTENT, out: Path = OUT, theme_override: str | None = None,
                 strict: bool = False) -> None:
        self.content = content
        self.out = out
        self.theme_override = theme_override
        self.strict = strict
        self.renderer = Renderer(roots=(FONTS, LAYOUTS, IMAGE_CACHE))

    def load(self, name: str) -> tuple[Publication, Theme, list[Problem]]:
        root = self.content / name
        if not (root / "publication.yaml").is_file():
            raise ContentError([Problem(root, 0, f"no publication '{name}': expected {root}/publication.yaml "
                                                 f"(known: {', '.join(publication_names(self.content))})")])
        publication, problems = load_publication(root)
        theme = load_theme(self.theme_override or publication.meta.theme)
        return publication, theme, problems.warnings

    def build(self, name: str, variant: str) -> BuildResult:
        started = time.perf_counter()
        publication, theme, warnings = self.load(name)
        captured = WeasyWarnings()
        logger = logging.getLogger("weasyprint")
        logger.addHandler(captured)
        try:
            html_doc, document = self.lay_out(publication, theme, variant)
            html = html_doc.html
            identity = _identifier(name, variant, html)
            pdf = self.renderer.write_pdf(document, variant, identifier=identity)
        finally:
            logger.removeHandler(captured)
        roles = PageRoles(len(document.pages), _has_layout(publication, "cover", 0),
                          _has_layout(publication, "back-cover", -1))
        pdf, blanks = postprocess(pdf, roles, publication.meta.binding, pad=(variant == "print"),
                                  identity=identity, marks=(variant == "print"))
        check_headings(html_doc.headings, document)
        path = output_path(self.out, name, variant)
        write_atomic(path, pdf)
        all_warnings = [str(w) for w in warnings] + [f"weasyprint: {m}" for m in captured.messages]
        return BuildResult(name, variant, path, len(document.pages) + blanks, len(pdf),
                           time.perf_counter() - started, blanks, all_warnings)

    def lay_out(self, publication: Publication, theme: Theme, variant: str) -> tuple[Any, Any]:
        """The publication's HTML and its pages (a WeasyPrint Document).

        In print, a chapter opens on a right-hand page. When the page before its opener would be left
        blank, the chapter's first case study moves there as a lead page facing the opener. Moving it
        changes the chapter's length, so the next chapter may change side: the layout is repeated until
        nothing moves. The decisions are remembered, so a rebuild usually lays out once."""
        memory = self.out / ".cache" / f"lead-pages-{publication.name}-{theme.name}-{variant}.json"
        leads = _read_leads(memory) if variant == "print" else set()
        chart_svg = self.chart_renderer(publication, theme, variant)
        for _ in range(MAX_LAYOUT_PASSES):
            html_doc = build_html(publication, theme, variant, overrides=self._overrides(publication),
                                  chart_svg=chart_svg,
                                  extra_context={"document_date": document_date(publication), "lead_chapters": leads})
            document = self.renderer.document(html_doc.html, publication.root, theme, variant)
            wanted = lead_pages_wanted(document, html_doc.chapters, leads) if variant == "print" else leads
            if wanted == leads:
                break
            leads = wanted
        if variant == "print":
            write_atomic(memory, json.dumps(sorted(leads)).encode())
        return html_doc, document

    def chart_renderer(self, publication: Publication, theme: Theme, variant: str) -> Any:
        """Charts as inline SVG in the theme's fonts and colours, from the disk cache when unchanged."""
        from .charts import chart_style_from_theme, render_chart_cached

        style = chart_style_from_theme(theme.tokens, FONTS, variant)
        return lambda block: render_chart_cached(block, style, publication.root / "data", CACHE / "charts")

    def _overrides(self, publication: Publication) -> list[Path]:
        if publication.meta.layouts:
            return [publication.root / publication.meta.layouts]
        return []


def document_date(publication: Publication) -> str:
    """The PDF's dates: the publication's date, else SOURCE_DATE_EPOCH (reproducible builds), else now."""
    if publication.meta.date:
        return f"{publication.meta.date.isoformat()}T00:00:00Z"
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    moment = dt.datetime.fromtimestamp(int(epoch), dt.timezone.utc) if epoch and epoch.isdigit() \
        else dt.datetime.now(dt.timezone.utc)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def lead_pages_wanted(document: Any, chapters: list[str], leads: set[str]) -> set[str]:
    """Chapters that should get a lead page: those whose opener (or lead page) follows a blank page."""
    page_of: dict[str, int] = {}
    for index, page in enumerate(document.pages):
        for anchor in page.anchors:
            page_of.setdefault(anchor, index)
    wanted = set()
    for chapter in chapters:
        first = page_of.get(f"lead-{chapter}", page_of.get(chapter))
        if not first:
            continue
        # An opener after a blank page gets a lead page; a lead page that now follows a blank page
        # would itself leave a gap, so it goes back into its chapter.
        if (chapter in leads) != _is_blank(document.pages[first - 1]):
            wanted.add(chapter)
    return wanted


def _is_blank(page: Any) -> bool:
    # WeasyPrint marks the pages it adds for `break-before: right|left` with a blank page type.
    page_type = getattr(getattr(page, "_page_box", None), "page_type", None)
    return bool(page_type and page_type.blank)


def _read_leads(path: Path) -> set[str]:
    try:
        return set(json.loads(path.read_text()))
    except (OSError, ValueError):
        return set()


def _has_layout(publication: Publication, layout: str, index: int) -> bool:
    return bool(publication.parts) and publication.parts[index].meta.layout == layout


def _identifier(name: str, variant: str, html: str) -> bytes:
    """A stable PDF identifier: the same input gives the same file, byte for byte."""
    return hashlib.sha256(f"{name}\0{variant}\0{html}".encode()).hexdigest()[:32].encode()


def check_headings(headings: dict[str, str], document: Any) -> None:
    """WeasyPrint has dropped pages upstream: every heading must be on a page, or the build fails loudly."""
    placed: set[str] = set()
    for page in document.pages:
        placed.update(page.anchors)
    missing = [title for anchor, title in headings.items() if anchor not in placed]
    if missing:
        raise RuntimeError(f"{len(missing)} headings are missing from the rendered pages "
                           f"(WeasyPrint dropped content?): {missing[:5]}")
