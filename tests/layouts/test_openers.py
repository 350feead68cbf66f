"""Chapter openers: one system for every chapter. A band of the same height whatever the title's
length (long titles are set smaller and stay inside it), the chapter's number, and the introduction
and key figure only when the content gives them (an `intro:` or `key_figure:` field, or a first
callout without a title, moved into the opener rather than printed twice).

A publication written here, with titles from 8 to about 230 characters, built once in print."""
from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from support import normalise

NAME = "ouvertures"
FILLER = "Un paragraphe de texte courant pour remplir la colonne sous l'ouverture du chapitre. " * 6
TITLES = [
    "Un titre",
    "Un titre de longueur moyenne pour un chapitre ordinaire",
    "Un titre de chapitre nettement plus long que les autres, qui doit tenir dans le même bandeau "
    "sans en déborder",
    "Un titre de chapitre démesuré, écrit pour éprouver le système d'ouverture : il court sur plusieurs "
    "lignes même en petit corps, et le bandeau garde pourtant sa hauteur, sans que le titre ne déborde "
    "ni ne soit coupé",
]
INTRO = "Une introduction donnée par le champ intro du chapitre."
CALLOUT = "Une introduction écrite comme premier encadré du chapitre, sans titre."
FIGURE = ("4 321", "projets suivis dans le chapitre")
TYPE_AREA_TOP = 22 * 72 / 25.4  # the top margin of the agence pages, from the trim box


def chapter(index: int, title: str) -> str:
    front = [f"layout: chapter", f"title: \"{title}\"", "accent: green"]
    body = FILLER
    if index == 1:
        front.append(f"intro: \"{INTRO}\"")
        front += ["key_figure:", f"  value: \"{FIGURE[0]}\"", f"  label: {FIGURE[1]}"]
    if index == 2:
        body = f"::: callout\n---\n{CALLOUT}\n:::\n\n{FILLER}"
    return "---\n" + "\n".join(front) + "\n---\n" + body + "\n"


def write_publication(content: Path) -> None:
    root = content / NAME
    (root / "sections").mkdir(parents=True)
    parts = [f"{index:02d}-chapitre.md" for index in range(len(TITLES))]
    (root / "publication.yaml").write_text(textwrap.dedent(f"""\
        title: Essai d'ouvertures
        organisation: Agence de test
        date: 2024-06-01
        language: fr
        kind: report
        theme: agence
        binding: none
        parts: [{", ".join(parts)}]
        """), encoding="utf-8")
    for index, (part, title) in enumerate(zip(parts, TITLES)):
        (root / "sections" / part).write_text(chapter(index, title), encoding="utf-8")


@pytest.fixture(scope="module")
def openers(tmp_path_factory):
    """(page text, band rectangle, title lines) of each chapter's opener page, in chapter order."""
    import pymupdf
    from toolkit.build import Builder

    content = tmp_path_factory.mktemp("openers-content")
    write_publication(content)
    builder = Builder(content=content, out=tmp_path_factory.mktemp("openers-out"))
    try:
        path = builder.build(NAME, "print").path
    finally:
        builder.close()
    found = []
    with pymupdf.open(path) as document:
        for level, label, page_number in document.get_toc():
            page = document[page_number - 1]
            if level != 1 or normalise(label) not in {normalise(title) for title in TITLES}:
                continue
            # The band: the largest filled rectangle under the title's first line (several chapters
            # may open on one page under `openers: flow`; titles may begin with the same words).
            lines = [(line["bbox"], max(s["size"] for s in line["spans"]), "".join(s["text"] for s in line["spans"]))
                     for block in page.get_text("dict")["blocks"] for line in block.get("lines", [])
                     if any(s["text"].strip() for s in line["spans"])]
            starts = [(len(normalise(text)), pymupdf.Rect(bbox)) for bbox, size, text in lines
                      if size >= 11.5 and normalise(text) and normalise(label).startswith(normalise(text))]
            assert starts, f"title {label!r} not found on its page {page_number}"
            first_line = max(starts, key=lambda found: found[0])[1]
            centre = pymupdf.Point((first_line.x0 + first_line.x1) / 2, (first_line.y0 + first_line.y1) / 2)
            fills = [d["rect"] for d in page.get_drawings() if d.get("fill") and d["rect"].contains(centre)]
            band = max(fills, key=lambda rect: rect.width * rect.height)
            title = [pymupdf.Rect(bbox) for bbox, size, _ in lines
                     if size >= 11.5 and band.y0 <= bbox[1] < band.y1]
            found.append((page, band, title))
        full_text = "".join(page.get_text() for page in document)
        assert len(found) == len(TITLES), f"{len(found)} openers found for {len(TITLES)} chapters"
        # Each opener's text: from its band to the next band on the same page, or the foot of the page.
        openers_found = []
        for page, band, title in found:
            below = [other.y0 for other_page, other, _ in found
                     if other_page.number == page.number and other.y0 > band.y0]
            clip = pymupdf.Rect(page.rect.x0, band.y0, page.rect.x1, min(below, default=page.rect.y1))
            # The band's height in the type area (a band opening a page also covers the margin above).
            in_type_area = band.y1 - max(band.y0, page.trimbox.y0 + TYPE_AREA_TOP)
            openers_found.append((page.get_text(clip=clip), band, title, in_type_area))
    return openers_found, full_text


def test_the_band_has_one_height_whatever_the_title(openers):
    """Measured in the type area: a band opening a page also covers the top margin and its bleed, one
    opening under text (`openers: flow`) stands in the type area; both are the same 9 baselines."""
    pages, _ = openers
    heights = [round(height, 1) for _, _, _, height in pages]
    assert max(heights) - min(heights) < 0.5, heights


def test_every_title_stays_inside_its_band(openers):
    pages, _ = openers
    for text, band, title, _ in pages:
        assert title, f"no title line found in the band: {text[:80]!r}"
        for line in title:
            assert band.contains(line), (text[:60], line, band)


def test_openers_print_the_chapter_number(openers):
    pages, _ = openers
    for number, (text, _, _, _) in enumerate(pages, 1):
        assert f"{number:02d}" in text.split(), (number, text[:80])


def test_introduction_and_key_figure_come_from_the_content_only(openers):
    pages, full_text = openers
    squeeze = lambda text: " ".join(text.split()).replace("\u202f", " ").replace("\u00a0", " ")
    assert INTRO.split(" champ")[0] in squeeze(pages[1][0])
    assert FIGURE[0].replace(" ", "") in pages[1][0].replace("\u202f", "").replace(" ", "")
    assert FIGURE[1].split()[0] in pages[1][0]
    # The callout opening chapter 3 becomes its introduction, printed once, on the opener.
    assert CALLOUT.split(",")[0] in squeeze(pages[2][0])
    assert squeeze(full_text).count(CALLOUT.split(",")[0]) == 1
    # Chapters that give neither print neither.
    for text, *_ in (pages[0], pages[3]):
        assert INTRO.split(" champ")[0] not in squeeze(text) and FIGURE[0] not in text
