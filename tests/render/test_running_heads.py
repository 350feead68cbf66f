"""Running heads name the section in which the page's first line stands, with the typography of the
text (curly apostrophes), in the print file (laid out in parts) and in the screen file (one pass)."""
from __future__ import annotations

import pytest

from support import normalise

MM = 72 / 25.4
HEAD_BAND = 21 * MM    # the running head sits in the top margin (22 mm), above the type area
FOOT_BAND = 19 * MM    # folios and footers below the type area
HEAD_SIZE = 8.5        # running heads are small type; opener titles reaching into the band are not


def page_lines(page) -> list[tuple[float, float, str]]:
    """(middle, font size, text) of every line of a page, top to bottom, measured from the trim box."""
    top = page.trimbox.y0 if page.trimbox else page.rect.y0
    lines = []
    for block in page.get_text("dict")["blocks"]:
        for line in block.get("lines", []):
            text = "".join(span["text"] for span in line["spans"]).strip()
            if text:
                lines.append(((line["bbox"][1] + line["bbox"][3]) / 2 - top, max(s["size"] for s in line["spans"]), text))
    return sorted(lines)


def running_head(page) -> str:
    return " ".join(text for y, size, text in page_lines(page) if y < HEAD_BAND and size <= HEAD_SIZE)


def body_lines(page) -> list[tuple[float, float, str]]:
    height = (page.trimbox or page.rect).height
    return [line for line in page_lines(page) if HEAD_BAND <= line[0] < height - FOOT_BAND]


def section_starts(document, parts) -> list[tuple[int, float, str]]:
    """(page index, top of the heading, expected running head) of every titled part, found by its
    bookmark (the page) and its printed kicker or title (the place on the page)."""
    by_title = {normalise(part.meta.title): part for part in parts if part.meta.title}
    starts = []
    for level, label, page_number in document.get_toc():
        part = by_title.get(normalise(label))
        if level != 1 or part is None:
            continue
        page = document[page_number - 1]
        wanted = [normalise(t) for t in (part.meta.kicker, part.meta.title) if t]
        lines = body_lines(page) + [(HEAD_BAND, 0, "")]
        tops = [y for y, size, text in lines if normalise(text) and any(w.startswith(normalise(text)) for w in wanted)]
        assert tops, (label, page_number)
        top = min(tops)
        # A chapter's number ("02") stands on its own line over its title: the chapter starts there.
        numbers = [y for y, size, text in lines if text.strip().isdigit() and top - 20 * MM <= y < top]
        starts.append((page_number - 1, min(numbers, default=top), part.meta.running_title or part.meta.title))
    return starts


def heads_and_expected(path, parts) -> list[tuple[int, str, str]]:
    """(page number, printed running head, title of the section at the top of the page)."""
    import pymupdf

    document = pymupdf.open(path)
    starts = section_starts(document, parts)
    found = []
    for index, page in enumerate(document):
        head = running_head(page)
        lines = body_lines(page)
        if not head or not lines:
            continue
        first_line = lines[0][0]
        # The section whose heading is the last one before the page's first line (2 mm of slack: a
        # heading at the top of the page is that line).
        current = [title for page_index, top, title in starts
                   if (page_index, top) <= (index, first_line + 2 * MM)]
        found.append((index + 1, head, current[-1] if current else ""))
    return found


@pytest.mark.parametrize("variant", ["print", "screen"])
def test_running_head_names_the_section_at_the_top_of_the_page(annual_report, builder, variant) -> None:
    publication, _, _ = builder.load("rapport-annuel-2023")
    found = heads_and_expected(annual_report[variant].path, publication.parts)
    assert len(found) > 20, found  # the report has running heads on most of its pages
    wrong = [(page, head, expected) for page, head, expected in found if normalise(head) != normalise(expected)]
    assert not wrong, wrong


@pytest.mark.parametrize("variant", ["print", "screen"])
def test_running_heads_have_curly_apostrophes(annual_report, builder, variant) -> None:
    publication, _, _ = builder.load("rapport-annuel-2023")
    found = heads_and_expected(annual_report[variant].path, publication.parts)
    assert any("\u2019" in head for page, head, expected in found)
    assert not [(page, head) for page, head, expected in found if "'" in head]
