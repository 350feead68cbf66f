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

from .editions import apply_edition, slug
from .errors import ContentError, Problem
from .html import assign_anchors, build_html, document_date
from .parts import (BLANK_VERSO, _is_blank, FOLIO_SHEET_CSS, NO_FOLIOS, START_LEFT, Job, Laid, UnitCache, _lay_out,
                    default_executor, files_digest, folio_sheet_html, job_key, merge, plan, split_units, wanted_forms)
from .models import Publication
from .paths import CACHE, CONTENT, FONTS, IMAGE_CACHE, LAYOUTS, OUT
from .pdf import PageRoles, postprocess, write_atomic
from .render import Renderer, WeasyWarnings
from .theme import Theme, load_theme
from .validate import load_publication

VARIANTS = ("print", "screen")
MAX_LAYOUT_PASSES = 4
MIN_UNITS_FOR_PARTS = 4
UNRESOLVED_ANCHOR = re.compile(r"^No anchor #[\w-]+ for internal URI reference")


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


def output_path(out: Path, name: str, variant: str, edition: str | None = None) -> Path:
    stem = f"{name}-{edition}" if edition else name
    return out / name / f"{stem}-{variant}.pdf"


class Builder:
    """Builds publications; keeps the renderer (fonts, stylesheets, images) warm between builds."""

    def __init__(self, content: Path = CONTENT, out: Path = OUT, theme_override: str | None = None,
                 strict: bool = False, parts: bool = True, executor: Any = None,
                 layouts: Path | None = None, proof: bool = False) -> None:
        self.content = content
        self.out = out
        self.theme_override = theme_override
        self.strict = strict
        self.renderer = Renderer(roots=(FONTS, LAYOUTS, IMAGE_CACHE))
        self.parts = parts
        self.layouts = layouts
        # Proofs are laid out whole with the proof overlay and written beside, never over, final files.
        self.proof = proof
        self._executor: Any = executor
        self.last_assembly: dict[str, Any] = {}

    def load(self, name: str, edition: str | None = None) -> tuple[Publication, Theme, list[Problem]]:
        root = self.content / name
        if not (root / "publication.yaml").is_file():
            raise ContentError([Problem(root, 0, f"no publication '{name}': expected {root}/publication.yaml "
                                                 f"(known: {', '.join(publication_names(self.content))})")])
        publication, problems = load_publication(root)
        if edition:
            publication = apply_edition(publication, edition)
        theme = load_theme(self.theme_override or publication.meta.theme)
        return publication, theme, problems.warnings

    def build(self, name: str, variant: str, edition: str | None = None) -> BuildResult:
        started = time.perf_counter()
        publication, theme, warnings = self.load(name, edition)
        # A part rendered alone links to anchors of other parts: the assembly rewrites those links.
        captured = WeasyWarnings(UNRESOLVED_ANCHOR if self.in_parts(publication, variant) else None)
        logger = logging.getLogger("weasyprint")
        logger.addHandler(captured)
        try:
            if self.in_parts(publication, variant):
                pdf, pages, identity = self.render_in_parts(publication, theme, variant)
            else:
                pdf, pages, identity = self.render_whole(publication, theme, variant)
        finally:
            logger.removeHandler(captured)
        located = [*warnings, *theme.warnings, *self.renderer.css_warnings]
        others = [m for m in captured.messages
                  if not any(m.startswith(p.message.split(",")[0]) for p in self.renderer.css_warnings)]
        all_warnings = [str(p) for p in located] + [f"weasyprint: {m}" for m in others]
        if self.strict and all_warnings:
            # --strict: a warning stops the build before anything is written, at the same place.
            raise ContentError([Problem(p.path, p.line, p.message) for p in located] +
                               [Problem(publication.root, 0, f"renderer: {m}") for m in others])
        roles = PageRoles(pages, _has_layout(publication, "cover", 0), _has_layout(publication, "back-cover", -1))
        pdf, blanks = postprocess(pdf, roles, publication.meta.binding, pad=(variant == "print"),
                                  identity=identity, marks=(variant == "print"),
                                  profile=theme.output_profile if variant == "print" else None)
        path = output_path(self.out, name, variant, edition)
        if self.proof:
            path = path.with_name(f"{path.stem}-proof.pdf")
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
        identity = _identifier(publication.name, variant, html_doc.html)
        pdf = self.renderer.write_pdf(document, variant, identifier=identity)
        check_headings(html_doc.headings, [sorted(page.anchors) for page in document.pages])
        return pdf, len(document.pages), identity

    def render_in_parts(self, publication: Publication, theme: Theme, variant: str) -> tuple[bytes, int, bytes]:
        """Units laid out apart (in parallel, from the cache when unchanged), then assembled."""
        assembler = Assembler(self, publication, theme, variant)
        pdf, page_anchors = assembler.run()
        check_headings(assign_anchors(publication)[1], page_anchors)
        self.last_assembly = assembler.stats
        return pdf, len(page_anchors), hashlib.sha256(pdf).hexdigest()[:32].encode()

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
        memory = self.out / ".cache" / f"lead-pages-{publication.name}-{theme.name}-{variant}.json"
        if leads is None:
            leads = _read_leads(memory) if variant == "print" else set()
        chart_svg = self.chart_renderer(publication, theme, variant)
        for _ in range(MAX_LAYOUT_PASSES):
            html_doc = build_html(publication, theme, variant, overrides=self._overrides(publication),
                                  chart_svg=chart_svg,
                                  extra_context={"document_date": document_date(publication), "lead_chapters": leads})
            document = self.renderer.document(html_doc.html, publication.root, theme, variant,
                                              extra_css_text=self._proof_css())
            wanted = lead_pages_wanted(document, html_doc.chapters, leads) if variant == "print" else leads
            if wanted == leads:
                break
            leads = wanted
        if variant == "print":
            write_atomic(memory, json.dumps(sorted(leads)).encode())
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
    try:
        return set(json.loads(path.read_text()))
    except (OSError, ValueError):
        return set()


def _has_layout(publication: Publication, layout: str, index: int) -> bool:
    return bool(publication.parts) and publication.parts[index].meta.layout == layout


def _identifier(name: str, variant: str, html: str) -> bytes:
    """A stable PDF identifier: the same input gives the same file, byte for byte."""
    return hashlib.sha256(f"{name}\0{variant}\0{html}".encode()).hexdigest()[:32].encode()


class RenderError(Exception):
    """The PDF is not what the content asked for (pages dropped by the renderer): nothing is written."""


def check_headings(headings: dict[str, str], page_anchors: list[list[str]]) -> None:
    """WeasyPrint has dropped pages upstream: every heading must be on a page, or the build fails loudly.
    The page count must also be plausible: at least one page per part that starts a page."""
    placed = {anchor for anchors in page_anchors for anchor in anchors}
    missing = [title for anchor, title in headings.items() if anchor not in placed]
    if missing:
        raise RenderError(f"{len(missing)} heading(s) missing from the rendered pages (WeasyPrint dropped "
                          f"content?): {', '.join(missing[:5])}; the previous PDF is kept")
    if not page_anchors:
        raise RenderError("the renderer produced no page; the previous PDF is kept")


class Assembler:
    """Lays out the units a plan needs (cache first, then the workers), plans, merges."""

    def __init__(self, builder: Builder, publication: Publication, theme: Theme, variant: str) -> None:
        self.builder, self.publication, self.theme, self.variant = builder, publication, theme, variant
        self.units = split_units(publication)
        self.anchors, _ = assign_anchors(publication)
        self.cache = UnitCache(CACHE / "units")
        self.forms: dict[tuple[Any, bool, bool], Laid] = {}
        self.chart_svg = builder.chart_renderer(publication, theme, variant)
        self.theme_files = files_digest([*theme.stylesheets, *theme.variant_stylesheets(variant),
                                         *theme.font_files()])
        # The forms each unit took last time: a rebuild lays out what it needs in one wave.
        self.memory = CACHE / f"plan-{publication.name}-{slug(publication.meta.subtitle or '')}-{theme.name}-{variant}.json"
        self.stats = {"units": len(self.units), "rendered": 0, "cached": 0, "waves": 0}

    def laid_for(self, unit: Any, lead: bool, start_left: bool) -> Laid | None:
        return self.forms.get((None if unit is None else unit.index, lead, start_left))

    def job(self, unit: Any, lead: bool, start_left: bool, page_numbers: dict[str, int] | None = None) -> Job:
        css = (START_LEFT if start_left else "") + NO_FOLIOS
        if unit is None:
            html = BLANK_VERSO
        else:
            leads = {self.anchors[id(unit.first)]} if lead else set()
            html = build_html(self.publication, self.theme, self.variant, self.builder._overrides(self.publication),
                              chart_svg=self.chart_svg, only=list(unit.parts),
                              extra_context={"document_date": document_date(self.publication),
                                             "lead_chapters": leads, "page_numbers": page_numbers,
                                             # an edition's metadata must not make every part differ
                                             "document_metadata": unit.index == 0}).html
        key = job_key(html, css, self.variant, self.theme_files)
        return Job(html, str(self.publication.root), self.theme.name, str(self.theme.folders[-1].parent),
                   self.variant, css, key)

    def lay_out(self, requests: dict[tuple[Any, bool, bool], Job]) -> None:
        """Fill `forms` for the requested forms: from the disk cache, else from the worker processes."""
        missing = {}
        for form, job in requests.items():
            laid = self.cache.get(job.key)
            if laid is None:
                missing[form] = job
            else:
                self.forms[form] = laid
                self.stats["cached"] += 1
        if not missing:
            return
        self.stats["waves"] += 1
        if len(missing) > 1:
            results = list(self.builder.executor.map(_lay_out, missing.values()))
        else:
            results = [_lay_out(job) for job in missing.values()]  # one unit: no process hop
        for (form, job), laid in zip(missing.items(), results):
            self.cache.put(job.key, laid)
            self.forms[form] = laid
            self.stats["rendered"] += 1

    def run(self) -> tuple[bytes, list[list[str]]]:
        guesses = self._read_guesses()
        self.lay_out({(None, False, True): self.job(None, False, True)})
        for _ in range(len(self.units) + 1):
            wanted = wanted_forms(self.units, self.laid_for, guesses)
            if not wanted:
                break
            self.lay_out({form: self.job(self.units[form[0]], form[1], form[2]) for form in wanted})
        the_plan = plan(self.units, self.laid_for)
        assert the_plan is not None
        for _ in range(3):  # the contents, with the page numbers of the assembled document
            numbers = the_plan.page_numbers()
            changed = False
            for slot in the_plan.slots:
                if slot.unit is not None and slot.unit.layout == "contents":
                    form = (slot.unit.index, slot.lead, slot.start_left)
                    self.lay_out({form: self.job(slot.unit, slot.lead, slot.start_left, page_numbers=numbers)})
                    changed |= self.forms[form].pages != slot.laid.pages
                    slot.laid = self.forms[form]
            if not changed:
                break
            the_plan = plan(self.units, self.laid_for) or the_plan
        self._write_guesses(the_plan)
        numbered = [self._numbered(slot, index) for slot in the_plan.slots for index in range(slot.laid.pages)]
        pdf = merge(the_plan, self._folio_sheet(numbered), numbered, the_plan.page_numbers())
        return pdf, [anchors for slot in the_plan.slots for anchors in slot.laid.anchors]

    @staticmethod
    def _numbered(slot: Any, index: int) -> bool:
        """Covers, blank versos and pages WeasyPrint left blank carry no folio."""
        if slot.unit is None or slot.laid.blank[index]:
            return False
        return slot.unit.layout not in ("cover", "back-cover")

    def _folio_sheet(self, numbered: list[bool]) -> bytes:
        # Laid out like a unit, and cached like one.
        html = folio_sheet_html(numbered)
        job = Job(html, str(self.publication.root), self.theme.name, str(self.theme.folders[-1].parent),
                  self.variant, FOLIO_SHEET_CSS, job_key(html, FOLIO_SHEET_CSS, self.variant, self.theme_files))
        return _lay_out(job).pdf

    def _read_guesses(self) -> dict[int, tuple[bool, bool]]:
        try:
            return {int(k): (bool(v[0]), bool(v[1])) for k, v in json.loads(self.memory.read_text()).items()}
        except (OSError, ValueError):
            return {}

    def _write_guesses(self, the_plan: Any) -> None:
        forms = {slot.unit.index: [slot.lead, slot.start_left] for slot in the_plan.slots if slot.unit is not None}
        write_atomic(self.memory, json.dumps(forms).encode())
