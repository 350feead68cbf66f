"""The screen file reflows: no line ends in a hyphen the writer did not type (the screen variant is set
ragged right without automatic hyphenation: layouts/base/screen.css), and letter-spaced headings come
back as words, in pdftotext and in MuPDF, over every screen file of conftest.py."""
from __future__ import annotations

import pytest

from conftest import SCREEN_FILES, source_folder
from reflow import READERS, letter_by_letter, source_text, untyped_line_end_hyphens


@pytest.fixture(scope="module")
def lines(screen_files) -> dict[str, dict[str, list[str]]]:
    return {name: {reader: read(path) for reader, read in READERS.items()} for name, path in screen_files.items()}


@pytest.mark.parametrize("name", list(SCREEN_FILES))
def test_no_line_ends_in_a_hyphen_the_writer_did_not_type(lines, name) -> None:
    source = source_text(source_folder(name))
    for reader, read in lines[name].items():
        assert read, reader
        found = untyped_line_end_hyphens(read, source)
        assert not found, (reader, found[:8])


@pytest.mark.parametrize("name", list(SCREEN_FILES))
def test_letter_spaced_headings_read_as_words(lines, name) -> None:
    for reader, read in lines[name].items():
        assert not letter_by_letter(read), (reader, letter_by_letter(read)[:5])


def test_the_checks_find_hyphenation_and_letter_by_letter_text(tmp_path) -> None:
    """Justified, hyphenated text and a heading spaced wide enough to read letter by letter fail both."""
    from weasyprint import HTML

    words = "La cohésion des territoires accompagne les intercommunalités dans leur revitalisation. " * 12
    html = (f'<html lang="fr"><body style="width: 60mm; hyphens: auto; text-align: justify">'
            f'<h2 style="letter-spacing: 0.6em">CHIFFRES CLÉS</h2><p>{words}</p></body></html>')
    path = tmp_path / "hyphenated.pdf"
    HTML(string=html).write_pdf(path)
    for reader, read in READERS.items():
        found = read(path)
        assert untyped_line_end_hyphens(found, source_text(tmp_path) + words.casefold()), reader
        assert letter_by_letter(found), reader
