"""Pages laid out for one side of the spread, placed on the other (issue 16: each unit laid out once).

A unit is laid out as if it opened on a right-hand page. When it lands on a left-hand page and both
sides give its pages the same type area, the same pages are reused: each is translated by the
difference of the left margins, and what depends on the side is drawn by the folio sheet: the text
of the margin boxes (running heads) is taken out of every unit's pages, and the folio sheet draws it
again in the box of the side the page lands on (top-right on a recto, top-left on a verso).

A unit is laid out again for the other side, rather than reused, when its layout could depend on the
side: a page whose type area or size differs on the other side (as the theme's @page rules give it,
measured on a small probe document), a break to a given side, a page WeasyPrint left blank, a page
background that a shift would uncover, a margin box holding more than text.
"""
from __future__ import annotations

from typing import Any

# Units are laid out without folios; the folio sheet draws them for the whole document at once.
NO_FOLIOS = ("@page :left { @bottom-left { content: none; } } "
             "@page :right { @bottom-right { content: none; } }")
FOLIO_BOXES = ("@bottom-left", "@bottom-right")  # the boxes NO_FOLIOS empties
PX_TO_PT = 0.75  # WeasyPrint lays out in CSS pixels (1/96 in); PDF user space is in points (1/72 in)
SIDE_BREAKS = ("left", "right", "recto", "verso")
# Facing pages mirror the margin boxes: what sits top-right on a recto sits top-left on a verso.
MIRRORED_BOX = {
    "@top-left-corner": "@top-right-corner", "@top-left": "@top-right",
    "@bottom-left-corner": "@bottom-right-corner", "@bottom-left": "@bottom-right",
    "@left-top": "@right-top", "@left-middle": "@right-middle", "@left-bottom": "@right-bottom",
}
MIRRORED_BOX.update({right: left for left, right in list(MIRRORED_BOX.items())})
MARGIN_BOXES = ("@top-left-corner", "@top-left", "@top-center", "@top-right", "@top-right-corner",
                "@right-top", "@right-middle", "@right-bottom", "@bottom-right-corner", "@bottom-right",
                "@bottom-center", "@bottom-left", "@bottom-left-corner", "@left-bottom", "@left-middle",
                "@left-top")
PROBE_PAGE = "toolkit-probe"


# ---------------------------------------------------------------- worker side: margin texts


def take_margin_texts(document: Any) -> tuple[list[dict[str, str]], bool]:
    """Per page, the text of each margin box, taken out of the page so that the folio sheet draws it
    on the side the page lands on. A margin box holding anything but text (an image) stays where it
    is; the second value is then False: the unit cannot be reused on the other side."""
    from weasyprint.formatting_structure.boxes import MarginBox

    texts: list[dict[str, str]] = []
    movable = True
    for page in document.pages:
        box = page._page_box
        found: dict[str, str] = {}
        kept = []
        for child in box.children:
            if not isinstance(child, MarginBox):
                kept.append(child)
                continue
            text = _text_only(child)
            if text is None:
                kept.append(child)
                movable = False
            elif text:
                found[child.at_keyword] = text
        box.children = kept
        texts.append(found)
    return texts, movable


def _text_only(margin_box: Any) -> str | None:
    """The text of a margin box, its lines joined by a space; None when it holds a replaced box."""
    from weasyprint.formatting_structure.boxes import LineBox, ReplacedBox, TextBox

    lines: list[str] = []
    for box in margin_box.descendants():
        if isinstance(box, ReplacedBox):
            return None
        if isinstance(box, LineBox):
            lines.append("".join(text.text for text in box.descendants() if isinstance(text, TextBox)))
    return " ".join(line.strip() for line in lines if line.strip())


# ---------------------------------------------------------------- worker side: can it be reused


def geometry(page_box: Any) -> tuple[float, ...]:
    """Page size, the type area's top, width and height (CSS px, rounded to be compared), then its left
    edge (as it is: the shift is the difference of two of them)."""
    values = (page_box.margin_width(), page_box.margin_height(), page_box.content_box_y(), page_box.width,
              page_box.height)
    return (*(round(value, 3) for value in values), page_box.content_box_x())


def probe_html(name: str) -> str:
    """Two pages of one page name (one group: one element), starting on each side in turn; a page of
    another name first (it takes the document's :first rules) and between the groups."""
    group = (f'<div style="page: {name or "auto"}; break-before: {{side}}"><div>x</div>'
             '<div style="break-before: page">x</div></div>')
    separator = f'<div style="page: {PROBE_PAGE}; break-before: page">x</div>'
    return (f'<html class="variant-print"><body><div style="page: {PROBE_PAGE}">x</div>'
            f'{group.format(side="right")}{separator}{group.format(side="left")}</body></html>')


def probe_table(document: Any) -> dict[tuple[str, str, int], tuple[float, ...]]:
    """(page name, side, first of its group or not) → geometry, from a laid-out probe document."""
    table = {}
    for page in document.pages:
        page_type = page._page_box.page_type
        if page_type.blank or page_type.name == PROBE_PAGE:
            continue
        table.setdefault(_probe_key(page_type, page_type.side), geometry(page._page_box))
    return table


def _probe_key(page_type: Any, side: str) -> tuple[str, str, int]:
    """Pages are told apart by name, side and, for named pages, being the first of their group
    (`:nth(1 of chapter)`); auto pages belong to no group."""
    first = any(group == page_type.name and index == 0 for group, index in page_type.groups)
    return (page_type.name, side, int(first))


def page_names(document: Any) -> list[str]:
    return sorted({page._page_box.page_type.name for page in document.pages})


def mirror_shifts(document: Any, table: dict[tuple[str, str, int], tuple[float, ...]]) -> list[float] | None:
    """Per page, the horizontal shift (PDF points) that places it on the other side, or None when the
    unit cannot be placed there unchanged (see the module's docstring)."""
    shifts = []
    for page in document.pages:
        box = page._page_box
        page_type = box.page_type
        if page_type.blank or _breaks_to_a_side(box):
            return None
        other_side = "left" if page_type.side == "right" else "right"
        own = geometry(box)
        same = table.get(_probe_key(page_type, page_type.side))
        other = table.get(_probe_key(page_type, other_side))
        # The probe must give this page its own geometry (no :first or :nth rule the probe misses).
        if same is None or other is None or not same[:5] == other[:5] == own[:5] \
                or abs(same[5] - own[5]) > 0.01:
            return None
        shift = other[5] - own[5]
        backgrounds = (getattr(box, "background", None), getattr(box, "canvas_background", None))
        if shift and any(_paints(background) for background in backgrounds):
            return None  # the page's background reaches the bleed: a shift would uncover a strip
        shifts.append(shift * PX_TO_PT)
    return shifts


def _paints(background: Any) -> bool:
    """A WeasyPrint background that draws something: a colour that is not transparent, or an image."""
    if background is None:
        return False
    color = getattr(background, "color", None)
    return (color is None or getattr(color, "alpha", 1) > 0) or \
        any(getattr(layer, "image", None) is not None for layer in getattr(background, "layers", ()))


def _breaks_to_a_side(page_box: Any) -> bool:
    return any(getattr(box, "style", None) is not None and not box.is_for_root_element and
               (box.style["break_before"] in SIDE_BREAKS or box.style["break_after"] in SIDE_BREAKS)
               for box in page_box.descendants())


# ---------------------------------------------------------------- assembly side


def shift_page(document: Any, page: Any, dx: float) -> None:
    """Translate a page's drawing (and its annotations) horizontally by `dx` points."""
    import pikepdf

    if not dx:
        return
    page.contents_add(document.make_stream(f"q 1 0 0 1 {dx:.6f} 0 cm\n".encode()), prepend=True)
    page.contents_add(document.make_stream(b"Q\n"))
    for annotation in page.obj.get("/Annots", []):
        if "/Rect" in annotation:
            x0, y0, x1, y1 = (float(v) for v in annotation.Rect)
            annotation.Rect = pikepdf.Array([x0 + dx, y0, x1 + dx, y1])


def margin_texts_on_side(texts: dict[str, str], mirrored: bool) -> dict[str, str]:
    """The margin texts of a page laid out for one side, for the side it is placed on."""
    return {MIRRORED_BOX.get(box, box) if mirrored else box: text for box, text in texts.items()}


def css_string(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\A ").replace("\r", "")
    return f'"{escaped}"'


def folio_page_rules(index: int, texts: dict[str, str], numbered: bool, folio_boxes: tuple[str, ...]) -> str:
    """The @page rule of one page of the folio sheet: its margin texts, its folio (drawn by the theme's
    own rules) when it is numbered, nothing in the other margin boxes."""
    boxes = []
    for box in MARGIN_BOXES:
        if box in texts:
            boxes.append(f"{box} {{ content: {css_string(texts[box])}; }}")
        elif not (numbered and box in folio_boxes):
            boxes.append(f"{box} {{ content: none; }}")
    return f"@page folio-{index} {{ {' '.join(boxes)} }}"
