"""A long table (an annual report's appendix) is laid out whole and readable, with bounded styles per
row: docs/security.md, "Memory of long tables". The 10 000-row measurement is bench/long_table.py."""
from __future__ import annotations

import gc
import re
import subprocess
from pathlib import Path

import pytest

from support import build_both_variants

ROWS = 800
HEADER = re.compile(r"N°\s+Projet\s+Commune\s+Montant \(k€\)")
ROW = re.compile(r"Projet numéro (\d+) de rénovation")
META = "title: Annexe\norganisation: A\nkind: report\nlanguage: fr\nparts: [01.md, 02.md, 03.md, 04.md]\n"
CHAPTER = "---\ntitle: Chapitre {n}\nlayout: chapter\n---\nTexte du chapitre {n}.\n"


def table(rows: int) -> str:
    return ("::: table\ntitle: Liste des projets\n---\n| N° | Projet | Commune | Montant (k€) |\n|---|---|---|---:|\n"
            + "".join(f"| {n} | Projet numéro {n} de rénovation | Commune {n % 97} | {n * 3 % 1000},{n % 10} |\n"
                      for n in range(1, rows + 1)) + ":::\n")


def write_publication(content: Path, rows: int) -> None:
    root = content / "annexe"
    (root / "sections").mkdir(parents=True)
    (root / "publication.yaml").write_text(META, encoding="utf-8")
    for n in range(1, 5):
        text = CHAPTER.format(n=n) + ("\n" + table(rows) if n == 3 else "")
        (root / "sections" / f"0{n}.md").write_text(text, encoding="utf-8")


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> dict:
    """Built once in both variants: print in parts (the table's unit in a worker), screen whole."""
    folder = tmp_path_factory.mktemp("long-table")
    write_publication(folder / "content", ROWS)
    return build_both_variants(folder / "content", "annexe", folder / "out")


def pages_text(path: Path) -> list[str]:
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout
    return text.split("\f")


@pytest.mark.parametrize("variant", ["print", "screen"])
def test_every_row_once_and_the_header_on_every_page(built, variant) -> None:
    pages = [page for page in pages_text(built[variant].path) if ROW.search(page)]
    assert len(pages) >= 8, f"{ROWS} rows should take several pages, got {len(pages)}"
    numbers = [int(n) for page in pages for n in ROW.findall(page)]
    # Sorted: the table runs down the chapter's two columns, which `pdftotext -layout` reads side by side.
    assert sorted(numbers) == list(range(1, ROWS + 1)), "a row is lost or duplicated"
    without_header = [i for i, page in enumerate(pages) if not HEADER.search(page)]
    assert not without_header, f"pages of the table without its header: {without_header}"


@pytest.mark.parametrize("variant", ["print", "screen"])
def test_right_aligned_column_still_right_aligned(built, variant) -> None:
    """The alignment moved from an inline style to a class: the amounts still end at one edge."""
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(str(built[variant].path))
    try:
        page = next(p for p in (document[i] for i in range(len(document))) if "Projet numéro 500" in
                    p.get_textpage().get_text_range())
        textpage = page.get_textpage()
        rights = []
        for n in (500, 501, 502, 503):
            amount = f"{n * 3 % 1000},{n % 10}"
            found = textpage.search(amount, match_whole_word=True)
            box = found.get_next()
            assert box is not None, amount
            start, count = box
            rights.append(textpage.get_charbox(start + count - 1)[2])
        assert max(rights) - min(rights) < 0.5, rights
    finally:
        document.close()


def test_styles_do_not_grow_with_the_rows(tmp_path, monkeypatch) -> None:
    """Cells share their computed styles: 600 rows more add (almost) no style. WeasyPrint's universal
    pseudo-element rules and the cells' inline alignment styles used to give each row about 30."""
    import weasyprint.document
    from weasyprint.css import ComputedStyle

    from toolkit.build import Builder

    counts = []

    def count_then_stop(*args, **kwargs):
        gc.collect()
        counts.append(sum(isinstance(o, ComputedStyle) for o in gc.get_objects()))
        raise KeyboardInterrupt  # not an Exception: nothing converts it, the layout stops here

    monkeypatch.setattr(weasyprint.document, "build_formatting_structure", count_then_stop)
    for rows in (50, 650):
        write_publication(tmp_path / f"c{rows}", rows)
        builder = Builder(content=tmp_path / f"c{rows}", out=tmp_path / "out", parts=False)
        with pytest.raises(KeyboardInterrupt):
            builder.build("annexe", "screen")
    assert counts[1] - counts[0] < 60, f"styles for 50 rows: {counts[0]}, for 650: {counts[1]}"


# ---------------------------------------------------------------- print: laid out in chunks of rows

WIDE = "Commune-de-Saint-Rémy-en-Bouzemont-Saint-Genest-et-Isson"  # min-content wider than any other cell


def chunky_publication(content: Path, rows: int, wide_row: int) -> None:
    """A chapter of text, then the table (one row, far down, with the widest unbreakable cell: the
    columns of the whole table are not those of its first rows), then text after it."""
    write_publication(content, rows)
    body = "".join(f"| {n} | Projet numéro {n} de rénovation | {WIDE if n == wide_row else f'Commune {n % 97}'} "
                   f"| {n * 3 % 1000},{n % 10} |\n" for n in range(1, rows + 1))
    text = (CHAPTER.format(n=3) + "Un paragraphe avant le tableau, qui le présente en quelques lignes.\n\n"
            "::: table\ntitle: Liste des projets\n---\n| N° | Projet | Commune | Montant (k€) |\n|---|---|---|---:|\n"
            + body + ":::\n\n## Après le tableau\n\nLe texte qui suit le tableau, sur la même page que ses dernières"
            " lignes. " * 3 + "\n")
    (content / "annexe" / "sections" / "03.md").write_text(text, encoding="utf-8")


def table_job(content: Path, out: Path):
    """The print job of the table's unit, as the parts build gives it to a worker."""
    from toolkit.build import Builder

    builder = Builder(content=content, out=out)
    try:
        publication, theme, _ = builder.load("annexe", None)
        assembler = builder.assembler(publication, theme, "print")
        unit = next(u for u in assembler.units if any(p.id == "03" for p in u.parts))
        return assembler.job(unit, False, False)
    finally:
        builder.close()


def pdf_pages(pdf: bytes, tmp_path: Path) -> tuple[list[str], list[bytes]]:
    """Text (pdftotext -layout: positions to the character) and pixels of each page."""
    import pypdfium2 as pdfium

    path = tmp_path / "unit.pdf"
    path.write_bytes(pdf)
    document = pdfium.PdfDocument(str(path))
    try:
        pixels = [document[i].render(scale=0.75).to_pil().tobytes() for i in range(len(document))]
    finally:
        document.close()
    return pages_text(path)[:len(pixels)], pixels


def test_chunked_layout_is_the_whole_layout(tmp_path, monkeypatch) -> None:
    """600 rows in chunks of 150 (four documents, each last page dropped and its rows carried): the
    same pages, text and pixels, as one layout, and the same anchors, running heads and shifts."""
    from toolkit import long_tables, parts

    chunky_publication(tmp_path / "content", 600, wide_row=560)
    job = table_job(tmp_path / "content", tmp_path / "out")
    monkeypatch.setattr(long_tables, "ROWS_PER_CHUNK", 10 ** 9)
    whole = parts._lay_out(job)
    calls = []
    monkeypatch.setattr(long_tables, "ROWS_PER_CHUNK", 150)
    original = long_tables.chunk_html
    monkeypatch.setattr(long_tables, "chunk_html", lambda *a: calls.append(a[2:4]) or original(*a))
    chunked = parts._lay_out(job)
    assert len({first for first, _ in calls}) >= 4, f"not laid out in chunks: {calls}"
    assert chunked.pages == whole.pages >= 6
    (whole_text, whole_pixels), (chunked_text, chunked_pixels) = (pdf_pages(laid.pdf, tmp_path)
                                                                  for laid in (whole, chunked))
    for index, (a, b) in enumerate(zip(whole_text, chunked_text)):
        assert a == b, f"page {index + 1} differs:\n{a}\n---- chunked:\n{b}"
    assert WIDE.split("-")[0] in "".join(chunked_text)
    assert [i for i, (a, b) in enumerate(zip(whole_pixels, chunked_pixels)) if a != b] == []
    assert (chunked.anchors, chunked.bookmarks, chunked.blank, chunked.margins, chunked.mirror) == \
        (whole.anchors, whole.bookmarks, whole.blank, whole.margins, whole.mirror)


def test_tables_not_chunked() -> None:
    """Cells spanning columns and footnotes in rows keep a table whole (see toolkit/long_tables.py)."""
    from toolkit.long_tables import find_long_table

    def html(row: str) -> str:
        return f"<html><body><section><table><thead><tr><th>a</th></tr></thead><tbody>{row * 50}</tbody></table>"

    assert find_long_table(html("<tr><td>x</td><td>y</td></tr>"), 20) is not None
    assert find_long_table(html("<tr><td>x</td><td>y</td></tr>"), 60) is None  # not long
    assert find_long_table(html('<tr><td colspan="2">x</td></tr>'), 20) is None
    assert find_long_table(html('<tr><td>x<span class="note">n</span></td></tr>'), 20) is None


def test_what_a_chunk_leaves_behind_does_not_grow(tmp_path, monkeypatch) -> None:
    """1 500 rows in ten chunks: the objects alive once a chunk is written are as many after the ninth
    as after the second (the peak of the 10 000 and 30 000-row builds: bench/long_table.py)."""
    from toolkit import long_tables, parts

    write_publication(tmp_path / "content", 1500)
    job = table_job(tmp_path / "content", tmp_path / "out")
    monkeypatch.setattr(long_tables, "ROWS_PER_CHUNK", 150)
    alive = []
    add = long_tables._Pages.add

    def add_then_count(self, data: bytes) -> None:
        add(self, data)
        gc.collect()
        alive.append(len(gc.get_objects()))

    monkeypatch.setattr(long_tables._Pages, "add", add_then_count)
    laid = parts._lay_out(job)
    assert len(alive) >= 9 and laid.pages >= 15, (len(alive), laid.pages)
    assert alive[-2] - alive[1] < 2000, f"objects alive after each chunk: {alive}"
