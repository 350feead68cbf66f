"""The 2023 annual report, built once per run (print in parts, screen whole): complete, and its
contents, chapter openers and folios right."""
from __future__ import annotations

import re
import unicodedata
from collections import Counter

import pikepdf
import pytest

from support import REPORT_SEED, normalise, page_texts

SOMMAIRE = re.compile(r"# Sommaire.*?(?=\n# 2023)", re.S)  # the source's contents: generated here instead


def words(text: str) -> Counter[str]:
    text = unicodedata.normalize("NFKD", text.replace("\u2019", "'").replace("\u2011", "-"))
    text = "".join(c for c in text if not unicodedata.combining(c)).casefold()
    text = re.sub(r"</?sup>", "", text)
    # Words hyphenated at a line end: readers give '-', U+2010 or U+FFFE before the line break.
    # pdfium marks a hyphenation point with U+FFFE, with or without the line break after it.
    text = re.sub(r"\ufffe\s*|[-\u2010\u00ad]\s*\r?\n\s*", "", text)
    return Counter(re.findall(r"[^\W_]+", text))


def test_at_least_99_percent_of_the_source_words_are_in_each_pdf(annual_report) -> None:
    source = words(SOMMAIRE.sub("", REPORT_SEED.read_text(encoding="utf-8")))
    for result in annual_report.values():
        found = words("\n".join(page_texts(result.path)))
        present = sum(min(count, found[word]) for word, count in source.items())
        assert present / sum(source.values()) >= 0.99, (result.variant, present / sum(source.values()))


def test_every_heading_of_the_content_is_in_the_pdf(annual_report, builder) -> None:
    from toolkit.html import assign_anchors

    publication, _, _ = builder.load("rapport-annuel-2023")
    _, headings = assign_anchors(publication)
    for result in annual_report.values():
        text = normalise("".join(page_texts(result.path)))
        missing = [title for title in headings.values()
                   if normalise(re.sub(r"<[^>]+>|\*", "", title)) not in text]
        assert not missing, (result.variant, missing)


def contents_entries(texts: list[str]) -> list[tuple[str, int]]:
    """(title, page number) read back from the printed contents pages: 'Title ..... 12'."""
    entries = []
    for text in (t for t in texts[:4] if "sommaire" in t[:300].casefold()):
        for line in text.splitlines():
            match = re.match(r"^(.*?)[\s.…]*\s(\d{1,3})\s*$", line.strip())
            if match and "." in line and len(match.group(1)) > 3:
                # A chapter's number and a case study's label come before the title.
                title = re.sub(r"^(\d{1,2}\s+)?(ÉTUDE DE CAS\s+)?", "", match.group(1).strip(" ."))
                entries.append((title, int(match.group(2))))
    return entries


@pytest.mark.parametrize("variant", ["print", "screen"])
def test_contents_page_numbers_point_at_the_pages_where_the_headings_are(annual_report, variant) -> None:
    texts = page_texts(annual_report[variant].path)
    entries = contents_entries(texts)
    assert len(entries) >= 30  # the entries read back whole (a wrapped title is skipped)
    normalised = [normalise(text) for text in texts]
    first_after_contents = next(i for i, t in enumerate(texts) if i > 1 and "Sommaire" not in t[:200])
    wrong = []
    for title, number in entries:
        wanted = normalise(title)[:40]
        pages = [i + 1 for i, t in enumerate(normalised) if i >= first_after_contents and wanted in t]
        if number not in pages:
            wrong.append((title, number, pages[:3]))
    assert not wrong, wrong


def test_every_chapter_opener_is_where_the_theme_says_in_print(annual_report, builder) -> None:
    """Under `openers: recto` a chapter with a piece to pull opens on an odd page; under `any` (agence)
    on the next page: either way it starts its page, and the page before it is not blank."""
    from toolkit.pagination import opens_on_recto

    publication, theme, _ = builder.load("rapport-annuel-2023")
    chapters = [part.meta.title for part in publication.parts if part.meta.layout == "chapter"]
    recto = {part.meta.title for part in publication.parts if opens_on_recto(part, theme)}
    with pikepdf.open(annual_report["print"].path) as pdf:
        outline = {}
        with pdf.open_outline() as tree:
            for item in tree.root:
                page = pikepdf.Page(item.destination[0]) if item.destination else None
                outline[normalise(item.title)] = pdf.pages.index(page) + 1 if page is not None else None
    texts = page_texts(annual_report["print"].path)
    for title in chapters:
        number = outline[normalise(title)]
        if title in recto:
            assert number % 2 == 1, (title, number)
        assert normalise(title) in normalise(texts[number - 1]), (title, number)
        assert normalise(texts[number - 2]), (title, number)  # no blank page before it


def test_print_page_count_fits_the_saddle_stitch(annual_report) -> None:
    assert annual_report["print"].pages % 4 == 0


def test_folios_are_printed_on_the_outside_edge(annual_report) -> None:
    """Page 5 is a right-hand page: its folio '5' is the last thing at the bottom right."""
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(str(annual_report["print"].path))
    for index in (4, 5):  # pages 5 (right) and 6 (left)
        page = document[index]
        textpage = page.get_textpage()
        width = page.get_width()
        boxes = [textpage.get_charbox(i) for i in range(textpage.count_chars())]
        chars = textpage.get_text_range()
        folio = str(index + 1)
        spots = [boxes[i] for i in range(len(chars) - len(folio) + 1) if chars[i:i + len(folio)] == folio]
        lowest = min(spots, key=lambda box: box[1])  # pdfium: y grows upwards
        on_right = lowest[0] > width / 2
        assert on_right == (index % 2 == 0), (index + 1, lowest)
