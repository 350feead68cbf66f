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
