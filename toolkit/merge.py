"""Merge stage of a parts build: the laid-out units concatenated in the plan's order, each page on its
side, the folio sheet (folios and running heads) laid over them, one tag per font program, the outline
rebuilt for the assembled page order."""
from __future__ import annotations

import hashlib
import io
import re
from typing import TYPE_CHECKING, Any

from .sides import FOLIO_BOXES, folio_page_rules, shift_page

if TYPE_CHECKING:
    from .parts import Laid, Plan


def merge(plan_: Plan, folios: bytes, folio_pages: list[bool]) -> bytes:
    """Concatenate the laid-out units, lay the folio sheet over them, rebuild the outline.

    Links are not carried over: the print file has none (they belong to the screen file)."""
    import pikepdf

    first = plan_.slots[0].laid
    assert first is not None
    merged = pikepdf.open(io.BytesIO(first.pdf))
    _place_on_side(merged, list(merged.pages), first)
    for slot in plan_.slots[1:]:
        assert slot.laid is not None
        with pikepdf.open(io.BytesIO(slot.laid.pdf)) as source:
            for page in source.pages:  # append(), not extend(): no warning about dropped named destinations
                merged.pages.append(page)
        _place_on_side(merged, list(merged.pages)[-slot.laid.pages:], slot.laid)
    with pikepdf.open(io.BytesIO(folios)) as sheet:
        for index, page in enumerate(merged.pages):
            if folio_pages[index]:
                _overlay(merged, page, sheet.pages[index], pikepdf.Name(f"/Folio{index + 1}"))
    _one_tag_per_font_program(merged)
    _rebuild_outline(merged, plan_)
    out = io.BytesIO()
    # Deterministic /ID: the same units give the same bytes. The pdf stage compresses, once.
    merged.save(out, compress_streams=False, deterministic_id=True)
    return out.getvalue()


def _place_on_side(document: Any, pages: list[Any], laid: Laid) -> None:
    """Shift the pages of a unit laid out for the other side to their place on this one."""
    if laid.shifted and laid.mirror is not None:
        for page, dx in zip(pages, laid.mirror):
            shift_page(document, page, dx)


def _overlay(document: Any, page: Any, other: Any, name: Any) -> None:
    """Draw `other` (same page size) over `page` under a stable name: pikepdf's add_overlay picks random
    resource names, and the same input must give the same bytes."""
    import pikepdf

    form = document.copy_foreign(other.as_form_xobject())
    page.add_resource(form, pikepdf.Name.XObject, name)
    page.contents_add(document.make_stream(b"q\n"), prepend=True)
    page.contents_add(document.make_stream(b"Q\nq " + bytes(name) + b" Do Q\n"))


SUBSET_TAG = re.compile(r"^/[A-Z]{6}\+")


def _one_tag_per_font_program(document: Any) -> None:
    """Each unit embeds its own subset of a font, and WeasyPrint tags a subset from the font's name,
    so different programs came out under one `ABCDEF+Name` (ISO 32000-1 §9.6.4 wants a tag per subset;
    a RIP caching fonts by name prints wrong glyphs). The tag is derived from the program's bytes
    instead, and identical programs (the same glyphs used in two units) are stored once."""
    import pikepdf

    programs: dict[str, Any] = {}  # digest → the first stream holding that program
    for font in [obj for obj in document.objects if isinstance(obj, pikepdf.Dictionary)
                 and obj.get("/Type") == pikepdf.Name.Font and "/BaseFont" in obj]:
        descendant = font.DescendantFonts[0] if "/DescendantFonts" in font else font
        descriptor = descendant.get("/FontDescriptor") or pikepdf.Dictionary()
        key = next((k for k in ("/FontFile2", "/FontFile3", "/FontFile") if k in descriptor), None)
        if key is None or not SUBSET_TAG.match(str(descriptor.get("/FontName", ""))):
            continue  # not an embedded subset: its name is the font's own
        data = descriptor[key].read_bytes()
        digest = hashlib.sha256(data).hexdigest()
        descriptor[key] = programs.setdefault(digest, descriptor[key])
        tag = _subset_tag(digest)
        for holder, field_name in ((descriptor, "/FontName"), (descendant, "/BaseFont"), (font, "/BaseFont")):
            holder[field_name] = pikepdf.Name(SUBSET_TAG.sub(f"/{tag}+", str(holder[field_name])))


def _subset_tag(digest: str) -> str:
    """Six capital letters from a hex digest (26**6 tags: two programs of one font do not meet)."""
    number = int(digest[:16], 16)
    letters = []
    for _ in range(6):
        number, rest = divmod(number, 26)
        letters.append(chr(ord("A") + rest))
    return "".join(letters)


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


def folio_sheet(numbered: list[bool], texts: list[dict[str, str]]) -> tuple[str, str]:
    """HTML and CSS of one empty page per page of the document: numbered ones show the theme's folio,
    each its margin texts (running heads) in the boxes of the side it is on. Each page has a page name
    of its own, whose @page rule says what its margin boxes hold."""
    pages = "".join(f'<div class="folio-page" style="page: folio-{index}"></div>'
                    for index in range(len(numbered)))
    rules = "\n".join(folio_page_rules(index, page_texts, number, FOLIO_BOXES)
                       for index, (number, page_texts) in enumerate(zip(numbered, texts)))
    return f'<html class="variant-print folio-sheet"><body>{pages}</body></html>', FOLIO_SHEET_CSS + rules


FOLIO_SHEET_CSS = """
.folio-page { break-after: page; height: 1px; }
@page { background: none; }
"""
