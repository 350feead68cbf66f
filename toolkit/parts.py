"""Render a print publication in parts: units laid out apart (in parallel, cached), then assembled.

A unit is a part that starts a new page with the `section` parts that follow it. Each unit is laid
out by WeasyPrint on its own, in a worker process, and cached on disk by the hash of its HTML, CSS
and options: a rebuild after an edit renders only the units whose inputs changed.

What a unit cannot know alone is settled at assembly:
- its side: under the theme's `openers: recto`, a chapter that would open on a left-hand page pulls
  its first case study, quote or key figures onto that page, facing the opener (a second rendering
  of the unit, also cached); a chapter with nothing to pull, and every chapter under `openers: any`,
  opens on the side it lands on, as other units do: no page is a filler (toolkit/pagination.py).
  Units are laid out once, as if they opened on a right-hand page, and placed on a left one shifted
  by the margins' difference (toolkit/sides.py says when that is not possible: then they are laid out
  for the left side too);
- its folios and running heads: units are laid out without folios, their margin boxes' text is
  taken out, and one "folio sheet" laid over the pages draws both on the side each page lands on;
- the contents: laid out last, with the page numbers of the assembled document;
- the outline, rebuilt for the assembled page order (links are not kept: the print file has none);
- one subset tag per font program, as units each embed their own subsets.
"""
from __future__ import annotations

import hashlib
import json
import os
from concurrent.futures import FIRST_COMPLETED, Executor, Future, wait
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from .html import assign_anchors, build_html, document_date, slugify
from .models import Part, Publication
from .pagination import copyfits, follows_on, is_runt, lead_block, openers, tight_css
from .cache import damaged, digest, read_entry
from .paths import CACHE, IMAGE_CACHE
from .pdf import write_atomic
from .long_tables import lay_out_long_table
from .merge import folio_sheet, merge
from .sides import (NO_FOLIOS, margin_texts_on_side, mirror_shifts, page_names, probe_html, probe_table,
                    take_margin_texts)

START_LEFT = "html { break-before: left; }"


@dataclass(frozen=True)
class Unit:
    """Consecutive parts laid out together: the first starts a new page, the others are sections."""

    index: int
    parts: tuple[Part, ...]
    recto_openers: bool = True  # the theme's `openers: recto`


    @property
    def first(self) -> Part:
        return self.parts[0]

    @property
    def is_chapter(self) -> bool:
        return self.first.meta.layout == "chapter"

    @property
    def can_lead(self) -> bool:
        """A chapter that waits for a right-hand page, with a piece to pull onto the verso before it."""
        return self.recto_openers and lead_block(self.first) is not None

    @property
    def layout(self) -> str:
        return self.first.meta.layout


def split_units(publication: Publication, openers: str = "recto") -> list[Unit]:
    units: list[list[Part]] = []
    previous = None
    for part in publication.parts:
        if follows_on(part, previous, openers == "flow") and units:
            units[-1].append(part)
        else:
            units.append([part])
        previous = part
    return [Unit(index, tuple(parts), openers == "recto") for index, parts in enumerate(units)]


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
    copyfit: bool = False  # a chapter or page unit: laid out tighter when that saves a runt last page
    margin_texts: bool = True  # take the margin boxes' text out for the folio sheet (not in the sheet itself)


@dataclass
class Laid:
    """A unit laid out: its PDF, and per page the anchors and bookmarks it carries."""

    pdf: bytes
    anchors: list[list[str]]
    bookmarks: list[list[tuple[int, str]]]
    blank: list[bool]
    margins: list[dict[str, str]] = field(default_factory=list)  # per page: margin box → its text
    mirror: list[float] | None = None  # per page, the shift placing it on the other side; None: cannot
    shifted: bool = False  # this is a unit laid out for one side placed on the other (shifted by `mirror`)
    tight: bool = False  # copyfitted (toolkit/pagination.py)

    @property
    def pages(self) -> int:
        return len(self.anchors)

    def on_other_side(self) -> Laid:
        return Laid(self.pdf, self.anchors, self.bookmarks, self.blank, self.margins, self.mirror, True, self.tight)

    def margin_texts(self, index: int) -> dict[str, str]:
        """The margin texts of one page, for the side it is placed on."""
        return margin_texts_on_side(self.margins[index] if self.margins else {}, self.shifted)


# ---------------------------------------------------------------- workers

_WORKER_RENDERER: Any = None
_PROBED: dict[tuple[str, str, str, str], dict[tuple[str, str, int], tuple[float, ...]]] = {}


def _lay_out(job: Job) -> Laid:
    """Worker side: lay out and write one unit, keeping WeasyPrint's font configuration warm."""
    global _WORKER_RENDERER
    from .paths import FONTS, IMAGE_CACHE, LAYOUTS
    from .render import Renderer
    from .theme import load_theme

    if _WORKER_RENDERER is None:
        _WORKER_RENDERER = Renderer(roots=(FONTS, LAYOUTS, IMAGE_CACHE))
    theme = load_theme(job.theme, Path(job.layouts))
    if (chunked := lay_out_long_table(job, _WORKER_RENDERER, theme, _probe)) is not None:
        return chunked  # a long table, laid out in chunks of rows (toolkit/long_tables.py)
    document = _WORKER_RENDERER.document(job.html, Path(job.base), theme, job.variant, extra_css_text=job.extra_css)
    fitted = False
    if job.copyfit and is_runt(document.pages):
        tight = _WORKER_RENDERER.document(job.html, Path(job.base), theme, job.variant,
                                          extra_css_text=job.extra_css + tight_css([]))
        if len(tight.pages) < len(document.pages):
            document, fitted = tight, True
    margins, movable = take_margin_texts(document) if job.margin_texts else ([], False)
    mirror = mirror_shifts(document, _probe(job, theme, page_names(document))) if movable else None
    pdf = _WORKER_RENDERER.write_pdf(document, job.variant, identifier=job.key[:32].encode())
    return Laid(pdf, [sorted(page.anchors) for page in document.pages],
                [[(level, label) for level, label, _, _ in page.bookmarks] for page in document.pages],
                [_is_blank(page) for page in document.pages], margins, mirror, tight=fitted)


def _probe(job: Job, theme: Any, names: list[str]) -> dict[tuple[str, str, int], tuple[float, ...]]:
    """The geometry the theme gives pages of these names on each side, laid out once per process."""
    table = {}
    for name in names:
        key = (job.theme, job.layouts, job.variant, name)
        if key not in _PROBED:
            probe = _WORKER_RENDERER.document(probe_html(name), Path(job.base), theme, job.variant,
                                              extra_css_text=NO_FOLIOS)
            _PROBED[key] = probe_table(probe)
        table.update(_PROBED[key])
    return table


def _is_blank(page: Any) -> bool:
    # WeasyPrint marks the pages it adds for `break-before: right|left` with a blank page type.
    page_type = getattr(getattr(page, "_page_box", None), "page_type", None)
    return bool(page_type and page_type.blank)


class UnitCache:
    """Laid-out units on disk, keyed by the hash of everything that shapes them."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def get(self, key: str) -> Laid | None:
        """The entry, or None when there is none or it fails its checks (then it is reported)."""
        meta_path = self.folder / f"{key}.json"
        meta, pdf = read_entry(meta_path), read_entry(self.folder / f"{key}.pdf")
        if meta is None or pdf is None:
            return None
        try:
            data = json.loads(meta)
            mirror = data["mirror"]
            laid = Laid(pdf, data["anchors"], [[(int(b[0]), str(b[1])) for b in p] for p in data["bookmarks"]],
                        data["blank"], [{str(k): str(v) for k, v in m.items()} for m in data["margins"]],
                        None if mirror is None else [float(x) for x in mirror], tight=bool(data.get("tight", False)))
            checked = data["key"] == key and data["pdf_sha256"] == digest(pdf) and laid.pages > 0 \
                and len(laid.bookmarks) == len(laid.blank) == laid.pages \
                and len(laid.margins) in (0, laid.pages) and (mirror is None or len(mirror) == laid.pages)
        except (ValueError, TypeError, KeyError, IndexError, AttributeError):
            checked = False
        if not checked:
            damaged(meta_path, "its PDF or its page list does not match its hash and key", "laid out again")
            return None
        return laid

    def put(self, key: str, laid: Laid) -> None:
        """The PDF first, then its description with the PDF's hash: an entry is complete once both are."""
        write_atomic(self.folder / f"{key}.pdf", laid.pdf)
        write_atomic(self.folder / f"{key}.json", json.dumps(
            {"key": key, "pdf_sha256": digest(laid.pdf), "anchors": laid.anchors, "bookmarks": laid.bookmarks,
             "blank": laid.blank, "margins": laid.margins, "mirror": laid.mirror, "tight": laid.tight}).encode())


def files_digest(paths: list[Path]) -> str:
    """One hash of the theme's CSS and font files, read once per build rather than once per unit."""
    hashed = hashlib.sha256()  # (not `digest`: that is toolkit.cache's function, imported here)
    for path in paths:
        hashed.update(path.read_bytes())
    return hashed.hexdigest()


# Bumped when what a cached unit holds changes: entries written before are not reused (units written
# before format 2 could hold a photo's downsampled copy under its full size; format 3 takes the margin
# texts out of the pages and says whether a unit can be placed on the other side; format 4 copyfits
# runt last pages, toolkit/pagination.py).
UNIT_FORMAT = "4"


def job_key(html: str, extra_css: str, variant: str, theme_files: list[Path] | str) -> str:
    """Hash of a unit's inputs: its HTML (content, templates, charts), the theme's CSS and fonts, options.
    `theme_files` is the list of files or their `files_digest`. The cache's own folder is not an input:
    the photo copies in it are named by their content, so the same content gives the same key whatever
    the cache location (the key is the file's identity too)."""
    from .grid import GRID_LAYOUT
    from .render import weasyprint_version

    digest = hashlib.sha256()
    files = theme_files if isinstance(theme_files, str) else files_digest(theme_files)
    # The grid's layout code and the copyfitting rules are code, not theme files: a change to them is a new key too.
    for text in (without_cache_folder(html), extra_css, variant, weasyprint_version(), GRID_LAYOUT, files, UNIT_FORMAT,
                 tight_css([])):
        digest.update(text.encode())
        digest.update(b"\0")
    return digest.hexdigest()


def without_cache_folder(html: str) -> str:
    return html.replace(IMAGE_CACHE.as_uri(), "cache:")


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
        lead, start_left = unit_form(unit, page)
        slot = Placed(unit, lead=lead, start_left=start_left)
        slot.laid = laid_for(unit, slot.lead, slot.start_left)
        if slot.laid is None:
            return None
        result.slots.append(slot)
        page += slot.laid.pages
    return result


def unit_form(unit: Unit, page: int) -> tuple[bool, bool]:
    """(lead page, starts on a left-hand page) of a unit whose first page is `page`: every unit opens
    on the side it lands on, a chapter that waits for a recto by pulling a piece onto the verso."""
    lands_left = page % 2 == 0
    return unit.is_chapter and lands_left and unit.can_lead, lands_left


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
                wanted.add(_to_lay_out(unit, lead, start_left, laid_for))
            continue
        lead, start_left = unit_form(unit, page)
        laid = laid_for(unit, lead, start_left)
        if laid is not None:
            page += laid.pages
            continue
        wanted.add(_to_lay_out(unit, lead, start_left, laid_for))
        other = next((f for f in (laid_for(unit, False, False), laid_for(unit, False, True),
                                  laid_for(unit, True, True)) if f is not None), None)
        if other is None:
            walking = False
        else:
            page += other.pages + (1 if lead else 0)
    return wanted


def _to_lay_out(unit: Unit, lead: bool, start_left: bool, laid_for: Any) -> tuple[int, bool, bool]:
    """A unit placed on a left-hand page is laid out for a right-hand one first: it can usually be
    shifted there unchanged (toolkit/sides.py); it is laid out for the left side only when it cannot."""
    if start_left and not lead and laid_for(unit, False, False) is None:
        return (unit.index, False, False)
    return (unit.index, lead, start_left)


class Assembler:
    """Lays out the units a plan needs (cache first, then the workers), plans, merges."""

    def __init__(self, publication: Publication, theme: Any, variant: str, overrides: list[Path],
                 chart_svg: Callable[[Any], str], executor: Callable[[], Executor], photo_frames: bool = False) -> None:
        """`executor` gives the worker pool when there is something to lay out (started on first use);
        `photo_frames` keeps a frame for each photo without its file (previews)."""
        self.publication, self.theme, self.variant = publication, theme, variant
        self.photo_frames = photo_frames
        self.overrides, self.chart_svg, self.executor = overrides, chart_svg, executor
        self.units = split_units(publication, openers(theme))
        self.anchors, _ = assign_anchors(publication)
        self.cache = UnitCache(CACHE / "units")
        self.forms: dict[tuple[Any, bool, bool], Laid] = {}
        self.keys: dict[tuple[Any, bool, bool], str] = {}  # the job key of each form laid out
        self.identity = b""  # digest of the inputs of the assembled file, set by run()
        self.leads: set[str] = set()  # chapters given a lead page by the plan, set by run()
        self.tight: list[str] = []  # ids of the parts laid out tighter (copyfitted), set by run()
        # The theme's tokens (theme.yaml colours, sizes) reach the CSS too: a changed token is a new key.
        self.theme_files = files_digest([*theme.stylesheets, *theme.variant_stylesheets(variant),
                                         *theme.font_files()]) + hashlib.sha256(
            theme.css_tokens(variant).encode()).hexdigest()
        # The forms each unit took last time: a rebuild lays out what it needs in one wave.
        edition = slugify(publication.meta.subtitle) if publication.meta.subtitle else ""
        self.memory = CACHE / f"plan-{publication.name}-{edition}-{theme.name}-{variant}.json"
        self.stats = {"units": len(self.units), "rendered": 0, "cached": 0}

    def laid_for(self, unit: Any, lead: bool, start_left: bool) -> Laid | None:
        """The unit laid out in this form, or laid out for a right-hand page when it goes on a left one
        and can be shifted there."""
        laid = self.forms.get((unit.index, lead, start_left))
        if laid is None and start_left and not lead:
            recto = self.forms.get((unit.index, False, False))
            if recto is not None and recto.mirror is not None:
                return recto.on_other_side()
        return laid

    def key_of(self, slot: Placed) -> str:
        if slot.laid is not None and slot.laid.shifted:
            return self.keys[(slot.unit.index, False, False)] + "-on-the-left"
        return self.keys[(slot.unit.index, slot.lead, slot.start_left)]

    def job(self, unit: Any, lead: bool, start_left: bool, page_numbers: dict[str, int] | None = None) -> Job:
        css = (START_LEFT if start_left else "") + NO_FOLIOS
        leads = {self.anchors[id(unit.first)]} if lead else set()
        html = build_html(self.publication, self.theme, self.variant, self.overrides,
                          chart_svg=self.chart_svg, only=list(unit.parts), photo_frames=self.photo_frames,
                          extra_context={"document_date": document_date(self.publication),
                                         "lead_chapters": leads, "page_numbers": page_numbers,
                                         # an edition's metadata must not make every part differ
                                         "document_metadata": unit.index == 0}).html
        key = job_key(html, css, self.variant, self.theme_files)
        return Job(html, str(self.publication.root), self.theme.name, str(self.theme.folders[-1].parent),
                   self.variant, css, key, copyfit=copyfits(unit))

    def from_cache(self, requests: dict[tuple[Any, bool, bool], Job]) -> dict[tuple[Any, bool, bool], Job]:
        """Fill `forms` from the disk cache; the requests it does not hold are returned."""
        missing = {}
        for form, job in requests.items():
            self.keys[form] = job.key
            laid = self.cache.get(job.key)
            if laid is None:
                missing[form] = job
            else:
                self.forms[form] = laid
                self.stats["cached"] += 1
        return missing

    def laid_out(self, form: tuple[Any, bool, bool], job: Job, laid: Laid) -> None:
        self.cache.put(job.key, laid)
        self.forms[form] = laid
        self.stats["rendered"] += 1

    def lay_out(self, requests: dict[tuple[Any, bool, bool], Job]) -> None:
        """Fill `forms` for the requested forms: from the disk cache, else in this process."""
        for form, job in self.from_cache(requests).items():
            self.laid_out(form, job, _lay_out(job))

    def lay_out_needed(self, guesses: dict[int, tuple[bool, bool]]) -> None:
        """Lay out every form the plan needs, in the workers, asking for the next forms as soon as one
        comes back rather than in waves: a unit whose side is known once the units before it are laid
        out does not wait for the slowest unit of the wave before it."""
        asked: set[tuple[Any, bool, bool]] = set()
        pending: dict[Future[Laid], tuple[tuple[Any, bool, bool], Job]] = {}
        while True:
            wanted = wanted_forms(self.units, self.laid_for, guesses) - asked
            if wanted:
                asked |= wanted
                missing = self.from_cache({form: self.job(self.units[form[0]], form[1], form[2])
                                           for form in sorted(wanted, key=_in_order)})
                if len(missing) == 1 and not pending:  # one unit (an edit): no process hop
                    [(form, job)] = missing.items()
                    self.laid_out(form, job, _lay_out(job))
                else:
                    pending.update({self.executor().submit(_lay_out, job): (form, job)
                                    for form, job in missing.items()})
                continue  # what the cache held may have moved the walk on
            if not pending:
                return
            done, _ = wait(pending, return_when=FIRST_COMPLETED)
            for future in done:
                form, job = pending.pop(future)
                self.laid_out(form, job, future.result())

    def run(self) -> tuple[bytes, list[list[str]]]:
        self.lay_out_needed(self._read_guesses())
        the_plan = plan(self.units, self.laid_for)
        assert the_plan is not None
        # The folio sheet is laid out in a worker while this process lays out the contents: their
        # numbers rarely change the contents' length, hence the pages to number.
        early = self._folio_job(the_plan)
        has_contents = any(slot.unit is not None and slot.unit.layout == "contents" for slot in the_plan.slots)
        speculative = (self.executor().submit(_lay_out, early)
                       if has_contents and self.cache.get(early.key) is None else None)
        the_plan = self._number_contents(the_plan)
        self._write_guesses(the_plan)
        self.leads = {self.anchors[id(slot.unit.first)] for slot in the_plan.slots if slot.lead}
        self.tight = [part.id for slot in the_plan.slots if slot.laid.tight for part in slot.unit.parts]
        folio_job = self._folio_job(the_plan)
        pdf = merge(the_plan, self._folio_sheet(folio_job, speculative if folio_job.key == early.key else None).pdf,
                    self._numbered_pages(the_plan))
        # The file's identity comes from its inputs (the units' keys), not from the bytes laid out:
        # WeasyPrint writes a random DocumentID in each unit, so cold and warm caches would differ.
        keys = [self.key_of(slot) for slot in the_plan.slots] + [folio_job.key]
        self.identity = hashlib.sha256("\0".join(keys).encode()).hexdigest()[:32].encode()
        return pdf, [anchors for slot in the_plan.slots for anchors in slot.laid.anchors]

    def _number_contents(self, the_plan: Plan) -> Plan:
        """The contents laid out again with the page numbers of the assembled document, until its
        length, hence the numbers, stay the same."""
        for _ in range(3):
            numbers = the_plan.page_numbers()
            changed = False
            for slot in the_plan.slots:
                if slot.unit is not None and slot.unit.layout == "contents":
                    laid = self._numbered_contents(slot, numbers)
                    changed |= laid.pages != slot.laid.pages
                    slot.laid = laid
            if not changed:
                break
            the_plan = plan(self.units, self.laid_for) or the_plan
        return the_plan

    def _numbered_contents(self, slot: Placed, numbers: dict[str, int]) -> Laid:
        """The contents with these numbers, in the form of its slot: laid out for a right-hand page and
        shifted when the unnumbered one was (and the numbered one can be), else for its own side."""
        unit = slot.unit
        assert unit is not None and slot.laid is not None
        if slot.laid.shifted:
            self.lay_out({(unit.index, False, False): self.job(unit, False, False, numbers)})
            laid = self.laid_for(unit, slot.lead, slot.start_left)
            if laid is not None:
                return laid
        form = (unit.index, slot.lead, slot.start_left)
        self.lay_out({form: self.job(unit, slot.lead, slot.start_left, numbers)})
        return self.forms[form]

    def _numbered_pages(self, the_plan: Plan) -> list[bool]:
        return [self._numbered(slot, index) for slot in the_plan.slots for index in range(slot.laid.pages)]

    def _folio_sheet(self, job: Job, speculative: Future[Laid] | None) -> Laid:
        """The folio sheet from the cache (an edit rarely moves a page), the worker, or this process."""
        laid = self.cache.get(job.key)
        if laid is None:
            laid = speculative.result() if speculative is not None else _lay_out(job)
            self.cache.put(job.key, laid)
        return laid

    @staticmethod
    def _numbered(slot: Any, index: int) -> bool:
        """Covers and pages WeasyPrint left blank carry no folio."""
        if slot.laid.blank[index]:
            return False
        return slot.unit.layout not in ("cover", "back-cover")

    def _folio_job(self, the_plan: Plan) -> Job:
        # Laid out like a unit, keeping its margin boxes.
        texts = [slot.laid.margin_texts(index) for slot in the_plan.slots for index in range(slot.laid.pages)]
        html, css = folio_sheet(self._numbered_pages(the_plan), texts)
        return Job(html, str(self.publication.root), self.theme.name, str(self.theme.folders[-1].parent),
                   self.variant, css, job_key(html, css, self.variant, self.theme_files), margin_texts=False)

    def _read_guesses(self) -> dict[int, tuple[bool, bool]]:
        """The forms of the previous build (only a guess: a wrong one costs a wave of layout)."""
        data = read_entry(self.memory)
        if data is None:
            return {}
        try:
            return {int(k): (bool(v[0]), bool(v[1])) for k, v in json.loads(data).items()}
        except (ValueError, TypeError, KeyError, IndexError, AttributeError):
            damaged(self.memory, "not a plan of unit forms", "planned again")
            return {}

    def _write_guesses(self, the_plan: Any) -> None:
        forms = {slot.unit.index: [slot.lead, slot.start_left] for slot in the_plan.slots if slot.unit is not None}
        write_atomic(self.memory, json.dumps(forms).encode())


def _in_order(form: tuple[Any, bool, bool]) -> tuple[int, bool, bool]:
    """Units are submitted in reading order: the walk of the plan needs the first ones first."""
    return (-1 if form[0] is None else form[0], form[1], form[2])


def default_executor() -> Executor:
    from .workers import process_pool

    return process_pool(max(1, min(4, os.cpu_count() or 1)))  # its workers end with this process
