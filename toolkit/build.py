"""Compose the stages: load → models → theme → html → render → pdf, for one publication and variant."""
from __future__ import annotations

import hashlib
import json
import re
import logging
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .cache import LOG as cache_log, CacheWarnings, damaged, read_entry
from .editions import apply_edition
from .errors import ContentError, Problem
from .messages import did_you_mean
from .html import assign_anchors, build_html, document_date
from .pagination import Copyfit, openers, tight_css
from .parts import Assembler, _is_blank, default_executor, split_units, without_cache_folder
from .models import Publication
from .paths import CACHE, CONTENT, FONTS, IMAGE_CACHE, LAYOUTS, OUT
from .endmatter import notes_page_pdf
from .pdf import PageRoles, postprocess, write_atomic
from .tags import finish_tags, link_descriptions
from .render import Renderer, RendererFailure, WeasyWarnings
from .resources import plain_name_problem
from .refused import forget_printed, locate_refused, refused_urls
from .theme import Theme, load_theme
from .validate import MISSING_PHOTO, load_publication

VARIANTS = ("print", "screen")
MAX_LAYOUT_PASSES = 4
MIN_UNITS_FOR_PARTS = 4
# A unit laid out alone links to, and counts pages of, anchors of other units: the assembly settles both.
UNRESOLVED_ANCHOR = re.compile(r"^(No anchor #[\w-]+ for internal URI reference"
                               r"|Content discarded: target points to undefined anchor)")


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
    edition: str | None = None


def publication_names(content: Path = CONTENT) -> list[str]:
    return sorted(p.name for p in content.iterdir() if (p / "publication.yaml").is_file())


def name_problems(content: Path, publication: str, editions: list[str], theme: str | None) -> list[Problem]:
    """Names given on the command line are names: `../../x` would read outside content/ or layouts/ and
    write outside out/."""
    found = [("publication", publication, f"folder of {content.name}/", content)]
    found += [("edition", edition, f"file of {publication}/editions/", content / publication) for edition in editions]
    if theme is not None:
        found.append(("theme", theme, "folder of layouts/", LAYOUTS))
    return [Problem(place, 0, message) for kind, name, where, place in found
            if (message := plain_name_problem(kind, name, where))]


def output_path(out: Path, name: str, variant: str, edition: str | None = None) -> Path:
    stem = f"{name}-{edition}" if edition else name
    return out / name / f"{stem}-{variant}.pdf"


class Builder:
    """Builds publications; keeps the renderer (fonts, stylesheets, images) warm between builds."""

    def __init__(self, content: Path = CONTENT, out: Path = OUT, theme_override: str | None = None,
                 strict: bool = False, parts: bool = True, executor: Any = None,
                 layouts: Path | None = None, proof: bool = False, photo_frames: bool = False) -> None:
        # Absolute from here on: WeasyPrint's base URL and the fetcher's roots are file URIs.
        self.content = Path(content).absolute()
        self.out = Path(out).absolute()
        self.theme_override = theme_override
        self.strict = strict
        self.renderer = Renderer(roots=(FONTS, LAYOUTS, IMAGE_CACHE))
        self.parts = parts
        self.layouts = layouts
        # Proofs are laid out whole with the proof overlay and written beside, never over, final files.
        self.proof = proof
        # A photo without its file is left out of final files; proofs and previews keep its frame, and
        # are written beside the final file (-proof.pdf, -preview.pdf), never over it.
        self.photo_frames = proof or photo_frames
        self._executor: Any = executor
        self.last_assembly: dict[str, Any] = {}
        # Chapters the last build gave a lead page: the HTML written by --html lays out the same pages.
        self.last_leads: set[str] = set()
        self.last_copyfit = ""  # the copyfitting CSS of the last print build (for --html)

    def load(self, name: str, edition: str | None = None) -> tuple[Publication, Theme, list[Problem]]:
        refused = name_problems(self.content, name, [edition] if edition else [], self.theme_override)
        if refused:
            raise ContentError(refused)
        root = self.content / name
        if not (root / "publication.yaml").is_file():
            known = publication_names(self.content) if self.content.is_dir() else []
            raise ContentError([Problem(root, 0, f"no publication '{name}'{did_you_mean(name, known)}: expected "
                                                 f"{root}/publication.yaml (known: {', '.join(known)})")])
        publication, problems = load_publication(root, self.theme_override, load_theme)
        if edition:
            publication = apply_edition(publication, edition)
        theme = load_theme(self.theme_override or publication.meta.theme)
        return publication, theme, problems.warnings

    def build(self, name: str, variant: str, edition: str | None = None) -> BuildResult:
        started = time.perf_counter()
        publication, theme, warnings = self.load(name, edition)
        in_parts = self.in_parts(publication, variant)
        # A part rendered alone links to anchors of other parts: the assembly rewrites those links.
        captured = WeasyWarnings(UNRESOLVED_ANCHOR if in_parts else None)
        logger = logging.getLogger("weasyprint")
        logger.addHandler(captured)
        cache_warnings = CacheWarnings()
        cache_log.addHandler(cache_warnings)
        refused_before = len(self.renderer.refused)
        forget_printed()
        try:
            render = self.render_in_parts if in_parts else self.render_whole
            pdf, pages, identity = render(publication, theme, variant)
        except RendererFailure as failure:
            # In parts builds it comes back from a worker process, located there.
            raise ContentError([failure.problem(publication.root, publication.root / "publication.yaml")]) from None
        finally:
            logger.removeHandler(captured)
            cache_log.removeHandler(cache_warnings)
        # A refused resource at the template or stylesheet line asking for it (it is also in the summary as
        # WeasyPrint reports it); under --strict it stops the build below, before anything is written.
        refused = locate_refused(refused_urls(self.renderer.refused[refused_before:], captured.messages),
                                 [*self._overrides(publication), *theme.folders], publication.root)
        located = [*warnings, *theme.warnings, *self.renderer.stylesheet_warnings(theme, variant), *refused]
        # A damaged cache entry was rebuilt: reported, but not a problem of the content (--strict ignores it).
        all_warnings = [str(p) for p in [*located, *cache_warnings.problems]] + \
            [f"weasyprint: {m}" for m in captured.messages]
        if self.strict and (located or captured.messages):
            # --strict: a warning stops the build before anything is written, at the same place.
            raise ContentError([Problem(p.path, p.line, p.message) for p in located] +
                               [Problem(publication.root, 0, f"renderer: {m}") for m in captured.messages])
        if variant == "screen":
            pdf = finish_tags(pdf)
        roles = PageRoles(pages, _has_layout(publication, "cover", 0), _has_layout(publication, "back-cover", -1))
        pdf, blanks = postprocess(pdf, roles, publication.meta.binding, pad=(variant == "print"),
                                  identity=identity, marks=(variant == "print"), links=(variant != "print"),
                                  profile=theme.output_profile if variant == "print" else None,
                                  missing_photos=missing_photos(warnings, self.content),
                                  padding_page=lambda: notes_page_pdf(publication, theme, variant))
        path = output_path(self.out, name, variant, edition)
        if self.proof or self.photo_frames:
            path = path.with_name(f"{path.stem}-{'proof' if self.proof else 'preview'}.pdf")
        write_atomic(path, pdf)
        return BuildResult(name, variant, path, pages + blanks, len(pdf),
                           time.perf_counter() - started, blanks, all_warnings, edition)

    def in_parts(self, publication: Publication, variant: str) -> bool:
        """Print files of several units are rendered in parts; the screen file stays whole so that its
        tag tree (reading order, headings, links) is one piece."""
        return (self.parts and not self.proof and variant == "print"
                and len(split_units(publication)) >= MIN_UNITS_FOR_PARTS)

    def render_whole(self, publication: Publication, theme: Theme, variant: str) -> tuple[bytes, int, bytes]:
        """One WeasyPrint pass over the whole publication."""
        html_doc, document = self.lay_out(publication, theme, variant)
        identity = _identifier(publication.name, variant, without_cache_folder(html_doc.html))
        finisher = link_descriptions if variant == "screen" else None
        pdf = self.renderer.write_pdf(document, variant, identifier=identity, finisher=finisher)
        check_headings(html_doc.headings, [sorted(page.anchors) for page in document.pages],
                       starts=len(split_units(publication, openers(theme))))
        return pdf, len(document.pages), identity

    def render_in_parts(self, publication: Publication, theme: Theme, variant: str) -> tuple[bytes, int, bytes]:
        """Units laid out apart (in parallel, from the cache when unchanged), then assembled."""
        assembler = self.assembler(publication, theme, variant)
        pdf, page_anchors = assembler.run()
        check_headings(assign_anchors(publication)[1], page_anchors, starts=len(assembler.units))
        self.last_assembly = assembler.stats
        self.last_leads = set(assembler.leads)
        self.last_copyfit = tight_css([f"part-{part}" for part in assembler.tight]) if assembler.tight else ""
        return pdf, len(page_anchors), assembler.identity

    def assembler(self, publication: Publication, theme: Theme, variant: str) -> Assembler:
        """The parts build of this publication, with this builder's templates, charts and workers."""
        return Assembler(publication, theme, variant, overrides=self._overrides(publication),
                         chart_svg=self.chart_renderer(publication, theme, variant),
                         executor=lambda: self.executor, photo_frames=self.photo_frames)

    def forget_theme(self) -> None:
        """After an edit of CSS, theme.yaml or fonts: drop every parsed stylesheet and the warm workers."""
        load_theme.cache_clear()
        self.renderer = Renderer(roots=self.renderer.roots)
        self.close()

    @property
    def executor(self) -> Any:
        """Worker processes, started on first use and kept for the builder's life (warm WeasyPrint)."""
        if self._executor is None:
            self._executor = default_executor()
        return self._executor

    def close(self) -> None:
        if self._executor is not None:
            self._executor.shutdown()
            self._executor = None

    def lay_out(self, publication: Publication, theme: Theme, variant: str,
                leads: set[str] | None = None) -> tuple[Any, Any]:
        """The publication's HTML and its pages (a WeasyPrint Document).

        In print, a chapter opens on a right-hand page. When the page before its opener would be left
        blank, the chapter's first case study moves there as a lead page facing the opener. Moving it
        changes the chapter's length, so the next chapter may change side: the layout is repeated until
        nothing moves. The decisions are remembered, so a rebuild usually lays out once."""
        memory = CACHE / f"lead-pages-{publication.name}-{theme.name}-{variant}.json"
        if leads is None:
            leads = _read_leads(memory) if variant == "print" else set()
        chart_svg = self.chart_renderer(publication, theme, variant)
        document: Any = None
        # Copyfitting (print, not proofs): units laid out tighter, and those for which it saved nothing.
        fitting = Copyfit(split_units(publication, openers(theme))) if variant == "print" and not self.proof else None
        for _ in range(MAX_LAYOUT_PASSES + 2):
            html_doc = build_html(publication, theme, variant, overrides=self._overrides(publication),
                                  chart_svg=chart_svg, photo_frames=self.photo_frames,
                                  extra_context={"document_date": document_date(publication), "lead_chapters": leads,
                                                 "chart_table": self.chart_tables(publication)})
            # The previous pass's pages are let go before the next layout, not after it: two laid-out
            # documents at once doubled the peak memory of a long publication (about 85 KB a table row).
            document = None
            document = self.renderer.document(html_doc.html, publication.root, theme, variant,
                                              extra_css_text=self._proof_css() + (fitting.css() if fitting else ""))
            wanted = lead_pages_wanted(document, html_doc.chapters, leads) if variant == "print" else leads
            refitted = fitting.update(document, assign_anchors(publication)[0], leads) if fitting else False
            if wanted == leads and not refitted:
                break
            leads = wanted
        if variant == "print":
            write_atomic(memory, json.dumps(sorted(leads)).encode())
        self.last_leads = set(leads)
        self.last_copyfit = fitting.css() if fitting else ""
        return html_doc, document

    def _proof_css(self) -> str:
        if not self.proof:
            return ""
        stamp = time.strftime("%Y-%m-%d %H:%M")
        return f':root {{ --proof-date: "{stamp}"; }}\n' + (LAYOUTS / "base" / "proof.css").read_text(encoding="utf-8")

    def chart_renderer(self, publication: Publication, theme: Theme, variant: str) -> Any:
        """Charts as inline SVG in the theme's fonts and colours, from the disk cache when unchanged."""
        from .charts import chart_style_from_theme, render_chart_cached

        style = chart_style_from_theme(theme.tokens, FONTS, variant)
        # Validation records where each chart was written, so layout problems name the file and line.
        return lambda block: render_chart_cached(block, style, publication.root / "data", CACHE / "charts",
                                                 where=getattr(block, "_where", None))

    def chart_tables(self, publication: Publication) -> Any:
        """A chart's data as a table (charts.describe.ChartTable): the screen file shows it under the chart."""
        from .charts import load_chart_data
        from .charts.describe import chart_table

        def table(block: Any) -> Any:
            where = getattr(block, "_where", None) or (publication.root, 0)
            return chart_table(block, load_chart_data(block, publication.root / "data", where))
        return table

    def _overrides(self, publication: Publication) -> list[Path]:
        """Template folders searched before the theme: --layouts DIR, then publication.yaml `layouts:`."""
        folders = [self.layouts] if self.layouts else []
        if publication.meta.layouts:
            folders.append(publication.root / publication.meta.layouts)
        return folders


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


def _read_leads(path: Path) -> set[str]:
    """The chapters that had a lead page last time (a guess that the layout loop confirms)."""
    data = read_entry(path)
    if data is None:
        return set()
    leads = None
    try:
        leads = json.loads(data)
    except ValueError:
        pass
    if not isinstance(leads, list) or not all(isinstance(anchor, str) for anchor in leads):
        damaged(path, "not a list of chapter anchors", "decided again")
        return set()
    return set(leads)


def missing_photos(warnings: list[Problem], content: Path) -> list[str]:
    """The photos without their file, as `publication/file.md:line: message`: recorded in the PDF for
    `toolkit check`, with paths from the content folder so that the file does not depend on where it was built."""
    found = []
    for problem in warnings:
        if problem.kind == MISSING_PHOTO:
            path, folder = Path(problem.path).resolve(), content.resolve()
            where = path.relative_to(folder) if path.is_relative_to(folder) else Path(path.name)
            found.append(f"{where}:{problem.line}: {problem.message}")
    return found


def _has_layout(publication: Publication, layout: str, index: int) -> bool:
    return bool(publication.parts) and publication.parts[index].meta.layout == layout


def _identifier(name: str, variant: str, html: str) -> bytes:
    """A stable PDF identifier: the same input gives the same file, byte for byte."""
    return hashlib.sha256(f"{name}\0{variant}\0{html}".encode()).hexdigest()[:32].encode()


class RenderError(Exception):
    """The PDF is not what the content asked for (pages dropped by the renderer): nothing is written."""


def check_headings(headings: dict[str, str], page_anchors: list[list[str]], starts: int = 1) -> None:
    """WeasyPrint has dropped pages upstream: every heading must be on a page, or the build fails loudly.
    The page count must also be plausible: at least one page per unit (`starts`: the parts that start a
    page, each with the parts that follow it on its pages)."""
    placed = {anchor for anchors in page_anchors for anchor in anchors}
    missing = [title for anchor, title in headings.items() if anchor not in placed]
    if missing:
        raise RenderError(f"{len(missing)} heading(s) missing from the rendered pages (WeasyPrint dropped "
                          f"content?): {', '.join(missing[:5])}; the previous PDF is kept")
    if not page_anchors:
        raise RenderError("the renderer produced no page; the previous PDF is kept")
    if len(page_anchors) < starts:
        raise RenderError(f"the renderer produced {len(page_anchors)} page(s) for {starts} parts that each start "
                          f"a page (WeasyPrint dropped pages?); the previous PDF is kept")

