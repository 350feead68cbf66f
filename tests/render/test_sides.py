"""A unit laid out for a right-hand page is placed on a left-hand one only when nothing of its layout
depends on the side (toolkit/sides.py): real WeasyPrint layouts of small documents, with @page rules
that make the sides differ in each way that forbids it."""
from __future__ import annotations

import pytest
from weasyprint import CSS, HTML

from toolkit.sides import mirror_shifts, page_names, probe_html, probe_table, take_margin_texts

MM_PT = 72 / 25.4
FACING = """@page { size: A5; margin: 20mm 25mm 20mm 15mm; }
@page :left { margin-left: 25mm; margin-right: 15mm; }
@page :right { margin-left: 15mm; margin-right: 25mm; @top-right { content: "Recto " string(head); } }
h1 { string-set: head content(); }"""
TEXT = "<h1>Titre</h1>" + "<p>Un paragraphe qui remplit la page de texte courant.</p>" * 60


def lay_out(html: str, css: str):
    return HTML(string=html).render(stylesheets=[CSS(string=css)])


def shifts(html: str, css: str) -> list[float] | None:
    document = lay_out(html, css)
    texts, movable = take_margin_texts(document)
    if not movable:
        return None
    table = {}
    for name in page_names(document):
        table.update(probe_table(lay_out(probe_html(name), css)))
    return mirror_shifts(document, table)


def test_facing_pages_with_one_text_width_are_shifted_by_the_margins_difference() -> None:
    found = shifts(f"<html><body>{TEXT}</body></html>", FACING)
    assert found is not None and len(found) >= 3
    # A recto placed on a verso: its left margin of 15 mm becomes 25 mm; the next page the other way.
    assert found[0] == pytest.approx(10 * MM_PT, abs=0.01)
    assert found[1] == pytest.approx(-10 * MM_PT, abs=0.01)


@pytest.mark.parametrize("extra, html", [
    ("@page :left { margin-left: 30mm; }", TEXT),                                 # other text width
    ("@page :left { margin-top: 30mm; }", TEXT),                                  # other text height
    ("@page :left { size: A4; }", TEXT),                                          # other page size
    ("@page :right { background: #fed; }", TEXT),                                 # a background to uncover
    ("", TEXT[:300] + '<p style="break-before: left">Ouvre à gauche</p>' + TEXT[300:]),  # a side break
    ("@page :first { margin-left: 40mm; margin-right: 0; }", TEXT),               # a rule the probe misses
    ("@page :right { @top-left { content: url(data:image/svg+xml,%3Csvg%20xmlns%3D%22http%3A%2F%2Fwww.w3.org"
     "%2F2000%2Fsvg%22%20width%3D%2210%22%20height%3D%2210%22%2F%3E); } }", TEXT),  # an image in a margin box
])
def test_a_unit_whose_layout_depends_on_the_side_is_not_shifted(extra: str, html: str) -> None:
    assert shifts(f"<html><body>{html}</body></html>", FACING + extra) is None


def test_named_pages_are_compared_with_their_own_rules() -> None:
    """A chapter page whose first page has its own margins on each side: its group's first page is
    compared with a first page, its other pages with other pages."""
    css = FACING + """.chapter { page: chapter; }
    @page chapter:left { margin-left: 25mm; margin-right: 15mm; }
    @page :nth(1 of chapter) { margin-top: 0; }"""
    found = shifts(f'<html><body><div class="chapter">{TEXT}</div></body></html>', css)
    assert found is not None and found[0] == pytest.approx(10 * MM_PT, abs=0.01)
    narrower = css + "@page chapter:left { margin-left: 35mm; }"
    assert shifts(f'<html><body><div class="chapter">{TEXT}</div></body></html>', narrower) is None


def test_margin_texts_are_taken_out_of_the_pages() -> None:
    document = lay_out(f"<html><body>{TEXT}</body></html>", FACING)
    texts, movable = take_margin_texts(document)
    assert movable and texts[0] == {"@top-right": "Recto Titre"} and texts[1] == {}
    from weasyprint.formatting_structure.boxes import MarginBox
    assert not any(isinstance(box, MarginBox) for page in document.pages for box in page._page_box.children)
