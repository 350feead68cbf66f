"""Pagination rules shared by the single-pass build, the parts build and the templates.

No page of a print file is a filler:
- the theme's `page.openers` token says where chapters open: `recto` (a right-hand page, the book
  rule), `any` (the next page, whichever side) or `flow` (where the text before it ends, on the same
  page when its opener and a few lines fit there: a chapter end never leaves half a page empty, the
  magazine rule). Under `recto`, a chapter landing on a left-hand page
  pulls a piece of its content (its first case study, quote, testimonial or key figures) onto that
  verso, facing the opener; a chapter with nothing to pull opens on the verso rather than leaving a
  blank page before it;
- binding padding is not blank: see `end_matter_pages` (toolkit/endmatter.py) and toolkit/pdf.py.
"""
from __future__ import annotations

from typing import Any

OPENERS = ("recto", "any", "flow")
# Parts after which a chapter in the flow opens on the same page: text pages, not covers or contents.
FLOWS_AFTER = ("chapter", "page", "section")
# Blocks that stand alone on a page and read as the start of their chapter. A photo is not one: in a
# final file a photo without its file is left out, and its lead page would be empty.
PULLABLE = ("case-study", "quote", "testimonial", "figures")


def openers(theme: Any) -> str:
    """The theme's rule for chapter openers (`page.openers`, validated by the theme loader)."""
    return str((theme.tokens.get("page") or {}).get("openers", "recto"))


def lead_block(part: Any) -> Any | None:
    """The block of a chapter that can face its opener on a verso: its first pullable one."""
    if part.meta.layout != "chapter":
        return None
    return next((block for block in part.body if getattr(block, "kind", None) in PULLABLE), None)


def opens_on_recto(part: Any, theme: Any) -> bool:
    """A chapter waits for a right-hand page only when the theme asks and it has a piece to pull onto
    the verso before it: otherwise the verso would be a filler."""
    return openers(theme) == "recto" and lead_block(part) is not None


def flowing_chapters(parts: list[Any], theme: Any) -> set[int]:
    """id() of the chapters that open where the part before them ends, in the publication's order:
    the parts build lays each out with the part before it (toolkit/parts.py split_units), the
    templates give them `.in-flow`."""
    flow = openers(theme) == "flow"
    return {id(part) for previous, part in zip(parts, parts[1:])
            if part.meta.layout == "chapter" and follows_on(part, previous, flow)}


def follows_on(part: Any, previous: Any = None, flow: bool = False) -> bool:
    """Parts that follow the previous one on its page: sections; the colophon, which fills the end of
    the last page of text rather than standing alone on a page; and, under `openers: flow`, a chapter
    after a page of text (`previous`, a part: after a cover or the contents it starts a page)."""
    if part.meta.layout in ("section", "colophon"):
        return True
    # An edition's regional insert may follow the text before it, but what follows the insert starts a
    # page: the national chapters are then one same unit in every edition (laid out once for a batch).
    return (flow and part.meta.layout == "chapter" and previous is not None
            and previous.meta.layout in FLOWS_AFTER and previous.origin != "edition")


# ---------------------------------------------------------------- copyfitting chapter ends
#
# A unit (a chapter or page with the sections that follow it) whose last page holds a few lines
# (a "runt": under RUNT_LIMIT of the type area used) is laid out again with less space between its
# blocks and paragraphs and text tracked a hair tighter; the tighter layout is kept when it saves
# that page. The leading is not touched (the baseline grid stays), nor the type size. The parts build decides per unit in the worker,
# the single pass per unit of the whole document: the same pages either way.

RUNT_LIMIT = 0.40
COPYFIT_LAYOUTS = ("chapter", "page")


def copyfits(unit: Any) -> bool:
    """A unit copyfitting may lay out again: a chapter or page, not chapters in the flow laid out
    together (`openers: flow`), whose end pages the next chapter fills; laying out a whole run of
    chapters again to save one page cost more than the rest of the build."""
    return unit.layout in COPYFIT_LAYOUTS and not any(part.meta.layout == "chapter" for part in unit.parts[1:])
TIGHT_RULES = (
    # In whole baselines, and never more than the theme gives: the grid (toolkit/grid.py) rounds any
    # other margin up to the next baseline, so millimetre margins made the "tighter" layout longer.
    ".part-heading {{ margin-bottom: var(--grid-baseline); }}",
    ".case-study {{ margin-bottom: var(--grid-baseline); }}",
    ".article {{ margin-bottom: 0; }}",
    "p {{ orphans: 2; widows: 2; }}",
    # Tracking a hair tighter, the copyfitter's oldest tool: a long paragraph loses a line or two.
    "p, li {{ letter-spacing: -0.01em; }}",
)


def tight_css(scopes: list[str]) -> str:
    """The tighter spacing, for the parts given by their CSS class (all the document when empty)."""
    prefixes = [f".{scope} " for scope in scopes] or [".variant-print "]
    rules = []
    for rule in TIGHT_RULES:
        selectors, body = rule.split(" {{")
        scoped = ", ".join(prefix + selector.strip() for prefix in prefixes for selector in selectors.split(","))
        rules.append(f"{scoped} {{{body}".replace("}}", "}"))
    return "\n".join(rules)


def used_share(page: Any) -> float:
    """How far down the type area a laid-out page's text and images go (0 to 1), running heads and
    folios aside."""
    from weasyprint.formatting_structure import boxes

    page_box = page._page_box
    top, height = page_box.content_box_y(), page_box.height
    bottom = top
    stack = [child for child in page_box.children if not isinstance(child, boxes.MarginBox)]
    while stack:
        box = stack.pop()
        if isinstance(box, (boxes.LineBox, boxes.ReplacedBox)):
            bottom = max(bottom, box.position_y + box.margin_height())
        elif isinstance(box, boxes.ParentBox):
            stack.extend(box.children)
    return (bottom - top) / height if height else 1.0


def is_runt(pages: list[Any]) -> bool:
    """A unit of several pages whose last page is mostly empty."""
    return len(pages) > 1 and used_share(pages[-1]) < RUNT_LIMIT


class Copyfit:
    """The single pass's copyfitting, unit by unit as the parts build's workers decide it: a unit whose
    last page is a runt is tried tighter; it stays tight when that saved pages, else it is set back."""

    def __init__(self, units: list[Any]) -> None:
        self.units = units
        self.tight: set[int] = set()
        self.trying: dict[int, int] = {}  # unit index → its page count before it was tried tighter
        self.settled: set[int] = set()

    def css(self) -> str:
        scopes = [f"part-{part.id}" for unit in self.units if unit.index in self.tight for part in unit.parts]
        return tight_css(scopes) if scopes else ""

    def update(self, document: Any, anchors: dict[int, str], leads: set[str]) -> bool:
        """Settle the units tried in this pass, try the new runts: whether the CSS changed."""
        pages = unit_pages(document, self.units, anchors, leads)
        changed = False
        for unit in self.units:
            laid = pages.get(unit.index)
            if laid is None or unit.index in self.settled or not copyfits(unit):
                continue
            if unit.index in self.trying:
                if len(laid) >= self.trying.pop(unit.index):
                    self.tight.discard(unit.index)
                    changed = True
                self.settled.add(unit.index)
            elif is_runt(laid):
                self.trying[unit.index] = len(laid)
                self.tight.add(unit.index)
                changed = True
            else:
                self.settled.add(unit.index)
        return changed


def unit_pages(document: Any, units: list[Any], anchors: dict[int, str], leads: set[str]) -> dict[int, list[Any]]:
    """Each unit's pages in the whole document: from its first part's anchor (or its lead page) to the
    page before the next unit."""
    page_of: dict[str, int] = {}
    for index, page in enumerate(document.pages):
        for anchor in page.anchors:
            page_of.setdefault(anchor, index)
    starts = []
    for unit in units:
        anchor = anchors[id(unit.first)]
        starts.append(page_of.get(f"lead-{anchor}" if anchor in leads else anchor, page_of.get(anchor)))
    found = {}
    for position, unit in enumerate(units):
        start = starts[position]
        end = next((s for s in starts[position + 1:] if s is not None), len(document.pages))
        if start is not None:
            found[unit.index] = document.pages[start:end]
    return found
