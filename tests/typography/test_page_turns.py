"""No page ends with a word hyphenated across the turn: WeasyPrint cuts it, the build keeps it whole
and lays the text out again (toolkit.typography.without_page_turn_hyphens)."""
from __future__ import annotations

import re

import pymupdf
import pytest

from toolkit.paths import FONTS
from toolkit.typography import keep_whole, page_turn_words, without_page_turn_hyphens

# Long words on small pages: several pages end inside a word when nothing keeps it whole.
PROSE = "Les intercommunalités accompagnent la revitalisation des centres anciens et la contractualisation. " * 8


def lay_out(html: str):
    from weasyprint import HTML

    font = next(FONTS.rglob("SourceSans3-Regular.ttf"))
    style = (f"<style>@font-face {{ font-family: S; src: url('{font.as_uri()}') }} @page {{ size: 55mm 32mm; "
             "margin: 5mm } p { font: 11pt S; hyphens: auto; text-align: justify; hyphenate-character: '-' }"
             " .whole { hyphens: manual }</style>")
    return HTML(string=f'<html lang="fr">{style}<body><p>{html}</p></body></html>').render()


def test_words_cut_across_a_page_turn_are_kept_whole() -> None:
    plain = lay_out(PROSE)
    assert page_turn_words(plain.pages, PROSE), "the test needs pages that end inside a word"
    document = without_page_turn_hyphens(lay_out, PROSE)
    assert not page_turn_words(document.pages, PROSE)
    text = "".join(box_text(page) for page in document.pages)
    assert re.sub(r"[\s-]", "", text) == re.sub(r"\s", "", PROSE)  # nothing lost, nothing added


def box_text(page) -> str:
    """The text of a laid-out page, line by line."""
    from weasyprint.formatting_structure import boxes

    def texts(box):
        if isinstance(box, boxes.TextBox):
            yield box.text
        for child in getattr(box, "children", None) or []:
            yield from texts(child)

    return " ".join(texts(page._page_box))


def test_keep_whole_touches_running_text_only() -> None:
    html = ('<title>revitalisation</title><p data-x="revitalisation">la revitalisation, pré-revitalisation'
            '</p><svg><text>revitalisation</text></svg><p>revitalisations</p>')
    assert keep_whole(html, {"revitalisation"}) == (
        '<title>revitalisation</title><p data-x="revitalisation">la <span class="whole">revitalisation</span>, '
        'pré-revitalisation</p><svg><text>revitalisation</text></svg><p>revitalisations</p>')


def page_end_hyphens(path) -> list[tuple[int, str]]:
    """(page, last line) for each page but the last whose last line of text ends inside a word."""
    found = []
    with pymupdf.open(path) as pdf:
        for number, page in enumerate(pdf, 1):
            lines = [(line["bbox"], "".join(span["text"] for span in line["spans"]).strip())
                     for block in page.get_text("dict")["blocks"] for line in block.get("lines", [])
                     if max((span["size"] for span in line["spans"]), default=0) >= 8]  # not folios, notes
            lines = [(bbox, text) for bbox, text in lines if text and not text.isdigit()]
            if lines and number < len(pdf):
                # The flow's end: the lowest line of the rightmost column.
                right = max(bbox[0] for bbox, _ in lines)
                column = [(bbox, text) for bbox, text in lines if bbox[0] > right - 40 * 72 / 25.4]
                text = max(column, key=lambda item: item[0][3])[1]
                if re.search(r"[a-zà-ÿ]-$", text):
                    found.append((number, text[-30:]))
    return found


def test_no_page_of_the_print_report_ends_inside_a_word(annual_report) -> None:
    assert not page_end_hyphens(annual_report["print"].path)


@pytest.mark.parametrize("name", ["corpus-rapport", "corpus-communique"])
def test_no_page_of_the_corpus_ends_inside_a_word(corpus_builds, name) -> None:
    assert not page_end_hyphens(corpus_builds[(name, "print")].path)
