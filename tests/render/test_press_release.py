"""The 2024 press release, built once per run: complete text, two pages, theme fonts only."""
from __future__ import annotations

import re

import pikepdf
import pytest

from support import PRESS_RELEASE_SEED, normalise, pdf_text


def source_sentences() -> list[str]:
    """Every sentence of the seed, split at sentence ends; the letterhead line 'Communiqué de presse' too."""
    sentences = []
    for line in PRESS_RELEASE_SEED.read_text(encoding="utf-8").splitlines():
        line = line.strip().lstrip("- ")
        if not line:
            continue
        for sentence in re.split(r"(?<=[.!?»])\s+(?=[A-ZÀÉ«])|\s:\s", line):
            if len(normalise(sentence)) > 2:
                sentences.append(sentence)
    return sentences


@pytest.mark.parametrize("variant", ["print", "screen"])
def test_every_sentence_and_figure_of_the_source_is_in_the_pdf(press_release, variant) -> None:
    text = normalise(pdf_text(press_release[variant].path))
    missing = [s for s in source_sentences() if normalise(s) not in text]
    assert not missing, missing
    for figure in ["2 800", "143", "80 %", "54 millions", "507", "209", "84", "18 088", "2 545", "43 M€",
                   "946", "592", "354", "1 600", "9 millions", "97 %", "244", "33 000", "2 812", "8 500",
                   "2 498", "120", "80%"]:
        assert normalise(figure) in text, figure


def test_two_pages_in_print(press_release) -> None:
    # The screen file may take a third page: it also carries each chart's data as a table.
    assert press_release["print"].pages == 2
    assert len(pikepdf.open(press_release["print"].path).pages) == 2
    assert press_release["screen"].pages == len(pikepdf.open(press_release["screen"].path).pages) <= 3


@pytest.mark.parametrize("variant", ["print", "screen"])
def test_every_font_is_embedded_and_from_the_theme(press_release, variant) -> None:
    fonts = {}
    with pikepdf.open(press_release[variant].path) as pdf:
        for page in pdf.pages:
            for font in page.Resources.get("/Font", {}).values():
                descriptor = font.get("/FontDescriptor") or font.DescendantFonts[0].FontDescriptor
                embedded = any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3"))
                fonts[str(font.BaseFont)] = embedded
    assert fonts and all(fonts.values()), fonts
    # Subset names look like /ABCDEF+Source-Sans-3-Bold: nothing fell back to a system font.
    assert all(re.fullmatch(r"/[A-Z]{6}\+Source-Sans-3[-,\w]*", name) for name in fonts), fonts


def test_contacts_are_in_the_footer_of_both_pages(press_release) -> None:
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(str(press_release["screen"].path))
    for index in range(len(document)):
        assert "relations.presse@anct.gouv.fr" in document[index].get_textpage().get_text_range()


def test_metadata_and_language(press_release) -> None:
    with pikepdf.open(press_release["screen"].path) as pdf:
        assert str(pdf.Root.Lang) == "fr"
        assert str(pdf.docinfo.Title).startswith("L\u2019Agence nationale de la cohésion des territoires publie")
        assert str(pdf.docinfo.Author) == "Agence nationale de la cohésion des territoires"
        assert "/StructTreeRoot" in pdf.Root


def test_same_input_gives_byte_identical_files(press_release, builder, tmp_path) -> None:
    from toolkit.build import Builder

    again = Builder(out=tmp_path).build("communique-2024", "print")
    assert again.path.read_bytes() == press_release["print"].path.read_bytes()
