"""Render a print publication in parts: units laid out apart (in parallel, cached), then assembled.

A unit is a part that starts a new page with the `section` parts that follow it. Each unit is laid
out by WeasyPrint on its own, in a worker process, and cached on disk by the hash of its HTML, CSS
and options: a rebuild after an edit renders only the units whose inputs changed.

What a unit cannot know alone is settled at assembly:
- its side: a chapter opens on a right-hand page; when it would open on a left one, its first case
  study is laid out as a lead page facing the opener (a second rendering of the unit, also cached),
  or, with no case study, a tinted blank verso is inserted; other units are laid out for the side
  they land on;
- its folios: units are laid out without folios and one "folio sheet" is laid over the pages;
- the contents: laid out last, with the page numbers of the assembled document;
- the outline and internal links, rebuilt for the assembled page order.
"""
from __future__ import annotations

import hashlib
import io
import json
import os
from concurrent.futures import Executor, ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .models import CaseStudy, Part, Publication

# Units are laid out without folios; `folio_sheet` draws them for the whole document at once.
NO_FOLIOS = ("@page :left { @bottom-left { content: none; } } "
             "@page :right { @bottom-right { content: none; } }")
START_LEFT = "html { break-before: left; }"
BLANK_VERSO = '<html class="variant-print"><body><div class="blank-verso"></div></body></html>'


@dataclass(frozen=True)
class Unit:
    """Consecutive parts laid out together: the first starts a new page, the others are sections."""

    index: int
    parts: tuple[Part, ...]

    @property
    def first(self) -> Part:
        return self.parts[0]

    @property
    def is_chapter(self) -> bool:
        return self.first.meta.layout == "chapter"

    @property
    def can_lead(self) -> bool:
        """A chapter whose body opens with a case study can move it to a lead page."""
        return self.is_chapter and bool(self.first.body) and isinstance(self.first.body[0], CaseStudy)

    @property
    def layout(self) -> str:
        return self.first.meta.layout


def split_units(publication: Publication) -> list[Unit]:
    units: list[list[Part]] = []
    for part in publication.parts:
        if part.meta.layout == "section" and units:
            units[-1].append(part)
        else:
            units.append([part])
    return [Unit(index, tuple(parts)) for index, parts in enumerate(units)]


@dataclass(frozen=True)
class Job:
    """Everything a worker needs to lay out one unit: plain data, so it crosses process boundaries."""

    html: str
    base: str
    theme: str
    layouts: str
    variant: str
    extra_css: str
    key: str


@dataclass
class Laid:
    """A unit laid out: its PDF, and per page the anchors and bookmarks it carries."""

    pdf: bytes
    anchors: list[list[str]]
    bookmarks: list[list[tuple[int, str]]]
    blank: list[bool]

    @property
    def pages(self) -> int:
        return len(self.anchors)


# ---------------------------------------------------------------- workers

_WORKER_RENDERER: Any = None


def _lay_out(job: Job) -> Laid:
    """Worker side: lay out and write one unit, keeping WeasyPrint's font configuration warm."""
    global _WORKER_RENDERER
    from .paths import FONTS, IMAGE_CACHE, LAYOUTS
    from .render import Renderer
    from .theme import load_theme

    if _WORKER_RENDERER is None:
        _WORKER_RENDERER = Renderer(roots=(FONTS, LAYOUTS, IMAGE_CACHE))
    theme = load_theme(job.theme, Path(job.layouts))
    document = _WORKER_RENDERER.document(job.html, Path(job.base), theme, job.variant, extra_css_text=job.extra_css)
    pdf = _WORKER_RENDERER.write_pdf(document, job.variant, identifier=job.key[:32].encode())
    return Laid(pdf, [sorted(page.anchors) for page in document.pages],
                [[(level, label) for level, label, _, _ in page.bookmarks] for page in document.pages],
                [_is_blank(page) for page in document.pages])


def _is_blank(page: Any) -> bool:
    # WeasyPrint marks the pages it adds for `break-before: right|left` with a blank page type.
    page_type = getattr(getattr(page, "_page_box", None), "page_type", None)
    return bool(page_type and page_type.blank)


class UnitCache:
    """Laid-out units on disk, keyed by the hash of everything that shapes them."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def get(self, key: str) -> Laid | None:
        pdf, meta = self.folder / f"{key}.pdf", self.folder / f"{key}.json"
        if not (pdf.is_file() and meta.is_file()):
            return None
        data = json.loads(meta.read_text())
        return Laid(pdf.read_bytes(), data["anchors"], [[tuple(b) for b in p] for p in data["bookmarks"]],
                    data["blank"])

    def put(self, key: str, laid: Laid) -> None:
        from .pdf import write_atomic

        write_atomic(self.folder / f"{key}.pdf", laid.pdf)
        write_atomic(self.folder / f"{key}.json", json.dumps(
            {"anchors": laid.anchors, "bookmarks": laid.bookmarks, "blank": laid.blank}).encode())


def files_digest(paths: list[Path]) -> str:
    """One hash of the theme's CSS and font files, read once per build rather than once per unit."""
    digest = hashlib.sha256()
    for path in paths:
        digest.update(path.read_bytes())
    return digest.hexdigest()


def job_key(html: str, extra_css: str, variant: str, theme_files: list[Path] | str) -> str:
    """Hash of a unit's inputs: its HTML (content, templates, charts), the theme's CSS and fonts, options.
    `theme_files` is the list of files or their `files_digest`."""
    from .render import weasyprint_version

    digest = hashlib.sha256()
    files = theme_files if isinstance(theme_files, str) else files_digest(theme_files)
    for text in (html, extra_css, variant, weasyprint_version(), files):
        digest.update(text.encode())
        digest.update(b"\0")
    return digest.hexdigest()


# ---------------------------------------------------------------- assembly plan


@dataclass
class Placed:
    """One slot of the assembled document: a unit in a given form, or a blank verso."""

    unit: Unit | None
    lead: bool = False
    start_left: bool = False
    laid: Laid | None = None


@dataclass
class Plan:
    slots: list[Placed] = field(default_factory=list)

    def page_numbers(self) -> dict[str, int]:
        """anchor → page number (1-based) in the assembled document."""
        numbers: dict[str, int] = {}
        page = 1
        for slot in self.slots:
            assert slot.laid is not None
            for anchors in slot.laid.anchors:
                for anchor in anchors:
                    numbers.setdefault(anchor, page)
                page += 1
        return numbers


def plan(units: list[Unit], laid_for: Any) -> Plan | None:
    """Walk the units in order, choosing each one's form from the side it lands on.

    `laid_for(unit, lead, start_left)` returns the laid-out unit or None when it is not rendered
    yet; the plan is then incomplete (None) and the missing forms are what to render next."""
    result = Plan()
    page = 1
    for unit in units:
        lands_left = page % 2 == 0
        if unit.is_chapter and lands_left:
            if unit.can_lead:
                slot = Placed(unit, lead=True, start_left=True)
            else:
                result.slots.append(Placed(None, laid=laid_for(None, False, True)))
                page += 1
                slot = Placed(unit)
        else:
            slot = Placed(unit, start_left=lands_left and not unit.is_chapter)
        slot.laid = laid_for(unit, slot.lead, slot.start_left)
        if slot.laid is None:
            return None
        result.slots.append(slot)
        page += slot.laid.pages
    return result


def wanted_forms(units: list[Unit], laid_for: Any, guesses: dict[int, tuple[bool, bool]]) -> set[tuple[int, bool, bool]]:
    """The forms to render next, all at once so the workers run in parallel.

    The units are walked in order, each landing on the side the pages before it leave. A form not
    laid out yet is asked for, and the walk goes on with an estimate of its length taken from another
    form of the same unit (a lead page adds one page). Where nothing is known of a unit yet, the walk
    stops and the remaining units are asked in the form the previous build used, or their usual one:
    a cold build lays out every unit once, then the forms the plan needs, then what the estimates got
    wrong (usually nothing)."""
    wanted: set[tuple[int, bool, bool]] = set()
    page = 1
    walking = True
    for unit in units:
        if not walking:
            lead, start_left = guesses.get(unit.index, (False, False))
            if laid_for(unit, lead, start_left) is None:
                wanted.add((unit.index, lead, start_left))
            continue
        lands_left = page % 2 == 0
        lead = unit.is_chapter and lands_left and unit.can_lead
        start_left = lead or (lands_left and not unit.is_chapter)
        if unit.is_chapter and lands_left and not unit.can_lead:
            page += 1  # a blank verso goes first
        laid = laid_for(unit, lead, start_left)
        if laid is not None:
            page += laid.pages
            continue
        wanted.add((unit.index, lead, start_left))
        other = next((f for f in (laid_for(unit, False, False), laid_for(unit, False, True),
                                  laid_for(unit, True, True)) if f is not None), None)
        if other is None:
            walking = False
        else:
            page += other.pages + (1 if lead else 0)
    return wanted


# ---------------------------------------------------------------- merge


def merge(plan_: Plan, folios: bytes, folio_pages: list[bool], links: dict[str, int]) -> bytes:
    """Concatenate the laid-out units, lay the folio sheet over them, rebuild outline and links."""
    import pikepdf

    first = plan_.slots[0].laid
    assert first is not None
    merged = pikepdf.open(io.BytesIO(first.pdf))
    for slot in plan_.slots[1:]:
        assert slot.laid is not None
        with pikepdf.open(io.BytesIO(slot.laid.pdf)) as source:
            merged.pages.extend(source.pages)
    with pikepdf.open(io.BytesIO(folios)) as sheet:
        for index, page in enumerate(merged.pages):
            if folio_pages[index]:
                _overlay(merged, page, sheet.pages[index], pikepdf.Name(f"/Folio{index + 1}"))
    _rewrite_internal_links(merged, links)
    _rebuild_outline(merged, plan_)
    out = io.BytesIO()
    # Deterministic /ID: the same units give the same bytes. The pdf stage compresses, once.
    merged.save(out, compress_streams=False, deterministic_id=True)
    return out.getvalue()


def _overlay(document: Any, page: Any, other: Any, name: Any) -> None:
    """Draw `other` (same page size) over `page` under a stable name: pikepdf's add_overlay picks random
    resource names, and the same input must give the same bytes."""
    import pikepdf

    form = document.copy_foreign(other.as_form_xobject())
    page.add_resource(form, pikepdf.Name.XObject, name)
    page.contents_add(document.make_stream(b"q\n"), prepend=True)
    page.contents_add(document.make_stream(b"Q\nq " + bytes(name) + b" Do Q\n"))


def _rewrite_internal_links(document: Any, links: dict[str, int]) -> None:
    """Links to named destinations of other units become links to pages of the assembled document."""
    import pikepdf

    for page in document.pages:
        for annotation in page.obj.get("/Annots", []):
            action = annotation.get("/A")
            target = annotation.get("/Dest") or (action.get("/D") if action is not None else None)
            if isinstance(target, pikepdf.String):
                name = str(target)
                if name in links:
                    destination = pikepdf.Array([document.pages[links[name] - 1].obj, pikepdf.Name.Fit])
                    if "/A" in annotation:
                        del annotation["/A"]
                    annotation.Dest = destination


def _rebuild_outline(document: Any, plan_: Plan) -> None:
    """Bookmarks from every unit, nested by level, pointing at their pages in the assembled order."""
    from pikepdf import OutlineItem

    page = 0
    stack: list[tuple[int, Any]] = []
    with document.open_outline() as outline:
        outline.root.clear()
        for slot in plan_.slots:
            assert slot.laid is not None
            for marks in slot.laid.bookmarks:
                for level, label in marks:
                    item = OutlineItem(label, page)
                    while stack and stack[-1][0] >= level:
                        stack.pop()
                    (stack[-1][1].children if stack else outline.root).append(item)
                    stack.append((level, item))
                page += 1


def folio_sheet_html(numbered: list[bool]) -> str:
    """One empty page per page of the document; numbered ones show the theme's folio."""
    pages = "".join(f'<div class="folio-page{"" if number else " folio-none"}"></div>' for number in numbered)
    return f'<html class="variant-print folio-sheet"><body>{pages}</body></html>'


FOLIO_SHEET_CSS = """
.folio-page { break-after: page; height: 1px; }
.folio-none { page: folio-none; }
@page folio-none { @bottom-left { content: none; } @bottom-right { content: none; } }
@page { background: none; @top-left { content: none; } @top-right { content: none; } }
"""


def default_executor() -> Executor:
    return ProcessPoolExecutor(max_workers=max(1, min(4, os.cpu_count() or 1)))
