"""`page.openers: flow` (the agence theme): a chapter opens where the text before it ends, on the same
page when its band, introduction and first lines fit there, else at the top of the next page with
them. Built with the publication of test_pagination.py (chapters of one paragraph to several pages, a
page of text before them, a colophon), in parts and in one pass.
"""
from __future__ import annotations

from pathlib import Path

import pymupdf
import pytest

from support import normalise, page_texts
from test_pagination import NAME, write_publication

MM = 72 / 25.4
CHAPTERS = ["Premier chapitre", "Chapitre avec étude", "Chapitre avec citation", "Chapitre sans rien",
            "Dernier chapitre", "Chapitre serré"]


@pytest.fixture(scope="module")
def flow_builds(tmp_path_factory):
    from toolkit.build import Builder

    content = tmp_path_factory.mktemp("flow-content")
    write_publication(content, "agence")
    results = {}
    for mode, parts in (("parts", True), ("single", False)):
        builder = Builder(content=content, out=tmp_path_factory.mktemp(f"flow-{mode}"), parts=parts)
        try:
            results[mode] = builder.build(NAME, "print").path
        finally:
            builder.close()
    return results


def bands(path: Path) -> list[tuple[int, pymupdf.Rect, str]]:
    """(page index, band rectangle, chapter title) of every chapter opener, in reading order."""
    found = []
    with pymupdf.open(path) as document:
        for level, label, page_number in document.get_toc():
            if level != 1 or normalise(label) not in {normalise(t) for t in CHAPTERS}:
                continue
            page = document[page_number - 1]
            hit = page.search_for(label)
            assert hit, (label, page_number)
            centre = pymupdf.Point((hit[0].x0 + hit[0].x1) / 2, (hit[0].y0 + hit[0].y1) / 2)
            fills = [d["rect"] for d in page.get_drawings() if d.get("fill") and d["rect"].contains(centre)]
            found.append((page_number - 1, max(fills, key=lambda rect: rect.width * rect.height), label))
    return found


def test_a_chapter_opens_on_the_page_where_the_one_before_ends_when_it_fits(flow_builds) -> None:
    found = bands(flow_builds["parts"])
    assert len(found) == len(CHAPTERS)
    # "Dernier chapitre" is one paragraph: the next chapter opens under it, on its page.
    last, tight = next(b for b in found if b[2] == "Dernier chapitre"), next(b for b in found if b[2] == "Chapitre serré")
    assert tight[0] == last[0] and tight[1].y0 > last[1].y1
    # At least one chapter opens mid-page (under text), not at the top of the type area.
    assert any(band.y0 > 60 * MM for _, band, _ in found), found


def test_no_band_is_left_alone_at_the_foot_of_a_page(flow_builds) -> None:
    """Under a band there is text of its chapter on the same page: at least two lines."""
    with pymupdf.open(flow_builds["parts"]) as document:
        for page_index, band, label in bands(flow_builds["parts"]):
            page = document[page_index]
            below = [line for block in page.get_text("dict")["blocks"] for line in block.get("lines", [])
                     if line["bbox"][1] > band.y1 and any(s["text"].strip() for s in line["spans"])
                     and line["bbox"][3] < page.trimbox.y1 - 20 * MM]
            assert len(below) >= 2, (label, page_index + 1, len(below))


def test_every_band_has_the_same_height_wherever_it_opens(flow_builds) -> None:
    heights = {round(band.height, 1) for _, band, _ in bands(flow_builds["parts"])}
    assert max(heights) - min(heights) < 0.5, heights


def test_the_parts_build_and_the_single_pass_give_the_same_pages(flow_builds) -> None:
    parts, single = (page_texts(flow_builds[mode]) for mode in ("parts", "single"))
    assert len(parts) == len(single)
    for number, (one, two) in enumerate(zip(parts, single), 1):
        assert one == two, number
