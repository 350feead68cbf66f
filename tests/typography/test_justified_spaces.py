"""The spaces the French rules put before punctuation and signs keep their width in justified lines:
real WeasyPrint stretches U+0020 and U+00A0 to justify a line, not U+202F, which the rules use there."""
from __future__ import annotations

import pytest

from toolkit.paths import FONTS
from toolkit.typography import french_html

# Short words then a long one: the first line is loose and justification widens its spaces a lot.
TEXT = "Un mot : oui ; non ! quoi ? « cité » 63 % puis anticonstitutionnellement encore une fois pour finir."
MARKS = ":;!?»%"


def gaps_before(text: str, align: str) -> dict[str, float]:
    """Width (pt) of the space before each mark on the first line, as WeasyPrint sets it."""
    import pymupdf
    from weasyprint import HTML

    font = next(FONTS.rglob("SourceSans3-Regular.ttf"))
    html = (f"<style>@font-face {{ font-family: S; src: url('{font.as_uri()}') }}"
            f"@page {{ size: 90mm 40mm; margin: 5mm }} p {{ font: 10pt S; text-align: {align};"
            f" text-align-last: {align}; margin: 0; hyphens: none }}</style><p>{french_html(text)}</p>")
    with pymupdf.open(stream=HTML(string=html).write_pdf(), filetype="pdf") as document:
        chars = [char for block in document[0].get_text("rawdict")["blocks"] for line in block["lines"][:1]
                 for span in line["spans"] for char in span["chars"]]
    gaps = {}
    for index, char in enumerate(chars):
        if char["c"] in MARKS + "x" and index >= 2 and not chars[index - 1]["c"].strip():
            gaps[char["c"]] = char["bbox"][0] - chars[index - 2]["bbox"][2]
    return gaps


@pytest.fixture(scope="module")
def measured():
    return {align: gaps_before(TEXT, align) for align in ("justify", "left")}


@pytest.mark.parametrize("mark", list(MARKS))
def test_space_before_a_mark_does_not_stretch_when_justified(measured, mark) -> None:
    loose, set_left = measured["justify"], measured["left"]
    assert mark in loose and mark in set_left, (loose, set_left)
    assert abs(loose[mark] - set_left[mark]) < 0.2, (mark, loose[mark], set_left[mark])


def test_the_word_spaces_of_that_line_do_stretch() -> None:
    """The measure can fail: justification does widen the ordinary spaces of the same line."""
    loose, set_left = (gaps_before(TEXT.replace(" :", " x"), align) for align in ("justify", "left"))
    assert loose["x"] > set_left["x"] + 1, (loose, set_left)
