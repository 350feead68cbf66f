"""Tables, photos, charts and figures that cross the columns, and photos of every size.

One publication is built once in both variants: tables at the top of a two-column part and inside an
article, a table kept in its column, a long table over pages, and each photo size in two and one
columns, a cropped photo and its focus."""
from __future__ import annotations

import io
import re

import pytest

from blocks_testlib import LOREM, box_of, front, words_on_pages, write_publication

MM = 72 / 25.4
ROWS = "".join(f"| Rég{n} | Alimentation principale du réseau | Chaleur renouvelable | {n * 1234} | {n},5 % |\n"
               for n in range(1, 61))
WIDE_TABLE = ("| Région | Alimentation principale | Source d'énergie renouvelable | Montant (€) | Part |\n"
              "|---|---|---|---:|---:|\n| Wta | Réseau de chaleur urbain | Biomasse forestière | 12 000 | 3 % |\n"
              "| Wtb | Réseau communal | Géothermie profonde | 8 500 | 2 % |\n")
PARTS = {
    "01.md": front("Tableaux") + f"{LOREM * 3}\n\n{WIDE_TABLE}\n{LOREM * 2}\n\n"
             "| Région | Projets |\n|---|---|\n| Nta | 12 |\n| Ntb | 1 234 |\n\n"
             f"::: article\ntitle: Un article\n---\n{LOREM * 2}\n\n"
             "| Région | Alimentation principale | Source d'énergie renouvelable | Montant | Part |\n"
             f"|---|---|---|---:|---:|\n{ROWS}\n{LOREM} Fin de l'article Zfin.\n:::\n\n"
             "::: table\ntitle: Tableau Ttitre\nwide: false\nsource: Agence Tsource\n---\n"
             "| Région | Alimentation principale | Source | Montant |\n|---|---|---|---:|\n"
             "| Kta | Réseau de chaleur | Biomasse | 12 000 |\n:::\n\n"
             f":::: article\ntitle: Chiffres\n---\n{LOREM}\n\n::: figures\nwide: true\ncolumns: 4\nitems:\n"
             + "".join(f"  - {{value: '{n}', label: Figure Fig{n}}}\n" for n in range(1, 5)) + f":::\n\n{LOREM}\n::::\n",
    "02.md": front("Photos") + "".join(
        f"{LOREM * 2}\n\n::: photo\nsrc: photo.jpg\nalt: Une photo {size}\nsize: {size}\ncaption: Cap2{size}\n:::\n\n"
        for size in ("column", "half", "full", "bleed")) + f"{LOREM * 2}\n",
    "03.md": front("Photos pleine page", columns=1) + "".join(
        f"{LOREM * 6}\n\n::: photo\nsrc: photo.jpg\nalt: Une photo {size}\nsize: {size}\ncaption: Cap1{size}\n:::\n\n"
        for size in ("column", "half", "full", "bleed")) + f"{LOREM}\n",
    "04.md": front("Recadrages", columns=1) + "".join(
        f"::: photo\nsrc: photo.jpg\nalt: Recadrée {name}\nsize: full\nheight_mm: 50\n{focus}caption: Crop{name}\n:::\n\n"
        f"{LOREM * 8}\n\n" for name, focus in (("center", ""), ("low", "focus: 50% 30%\n"))),
}


def _photo() -> bytes:
    """3:2, a blue-to-olive gradient with a red disc in the middle (found again on the page)."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (1200, 800))
    draw = ImageDraw.Draw(image)
    for y in range(800):
        draw.line([(0, y), (1200, y)], fill=(40 + y // 8, 160, 220 - y // 5))  # saturated throughout
    draw.ellipse([500, 300, 700, 500], fill=(230, 40, 30))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=90)
    return out.getvalue()


@pytest.fixture(scope="session")
def wide_build(tmp_path_factory, make_builder):
    content = tmp_path_factory.mktemp("wide-content")
    write_publication(content, "wide", PARTS, files={"images/photo.jpg": _photo()})
    builder = make_builder("wide", content=content)
    return {variant: builder.build("wide", variant) for variant in ("print", "screen")}


@pytest.fixture(scope="session")
def print_words(wide_build):
    return words_on_pages(wide_build["print"].path)


def _pages(path):
    import pymupdf

    return pymupdf.open(path)


def _text_width(words, page: int) -> tuple[float, float]:
    """Left and right edges of the running text of a page (its widest lines)."""
    body = [w for w in words[page] if len(w[4]) > 2]
    return min(w[0] for w in body), max(w[2] for w in body)


def _row_extent(words, marker: str) -> tuple[int, float, float]:
    """The page and horizontal extent of the table row whose first cell is `marker`."""
    page, box = box_of(words, marker)
    row = [w for w in words[page] if abs(w[1] - box[1]) < 2]
    return page, min(w[0] for w in row), max(w[2] for w in row)


@pytest.mark.parametrize("marker", ["Wta", "Rég1"])
def test_a_table_that_cannot_fit_a_column_crosses_both_even_inside_an_article(print_words, marker) -> None:
    page, left, right = _row_extent(print_words, marker)
    assert right - left > 140 * MM, f"row {marker} is {(right - left) / MM:.0f} mm wide: it stayed in a column"


@pytest.mark.parametrize("marker", ["Nta", "Kta"])
def test_a_narrow_table_and_a_table_kept_wide_false_stay_in_one_column(print_words, marker) -> None:
    page, left, right = _row_extent(print_words, marker)
    assert right - left < 84 * MM, f"row {marker} is {(right - left) / MM:.0f} mm wide"


def test_table_block_prints_its_title_and_source(print_words) -> None:
    assert box_of(print_words, "Ttitre") and box_of(print_words, "Tsource")


def test_headers_and_cells_are_never_hyphenated(wide_build) -> None:
    import pymupdf

    with pymupdf.open(wide_build["print"].path) as document:
        text = "".join(page.get_text() for page in document)
    for word in ("Alimentation", "principale", "renouvelable", "Géothermie", "forestière"):
        assert not re.search(word[:5] + r"\w*[-\u2010\u00ad]\s*\n", text), f"{word} is hyphenated in a table"
    assert "Alimentation" in text and "renouvelable" in text


def test_numbers_of_a_right_aligned_column_share_their_right_edge(print_words) -> None:
    first_page = box_of(print_words, "Rég1")[0]
    edges = []
    for n in range(1, 61):
        page, box = box_of(print_words, f"Rég{n}")
        if page != first_page:
            break
        number = next(w for w in print_words[page] if abs(w[1] - box[1]) < 2 and w[4] == grouped(n * 1234))
        edges.append((number[0], number[2]))
    assert len(edges) >= 10 and max(e[1] for e in edges) - min(e[1] for e in edges) < 0.5, edges
    assert max(e[0] for e in edges) - min(e[0] for e in edges) > 3, "the numbers are not right-aligned"


def test_a_column_of_numbers_is_right_aligned_without_being_told(print_words) -> None:
    # The narrow table's second column has no `---:`: its numbers still end at the same place.
    rights = []
    for marker in ("Nta", "Ntb"):
        page, box = box_of(print_words, marker)
        rights.append(max(w[2] for w in print_words[page] if abs(w[1] - box[1]) < 2))
    assert abs(rights[0] - rights[1]) < 0.5, rights


def test_a_long_table_breaks_between_rows_and_repeats_its_header(print_words) -> None:
    pages = sorted({box_of(print_words, f"Rég{n}")[0] for n in range(1, 61)})
    assert len(pages) >= 2, "the long table fits a page: make it longer"
    for page in pages:
        headers = [w for w in print_words[page] if w[4] == "Montant"]
        first_row = min(w[1] for w in print_words[page] if re.fullmatch(r"Rég\d+", w[4]))
        assert any(h[1] < first_row for h in headers), f"no header over the rows on page {page + 1}"
    for n in range(1, 61):
        page, box = box_of(print_words, f"Rég{n}")
        row = {w[4] for w in print_words[page] if abs(w[1] - box[1]) < 2}
        assert {grouped(n * 1234), "Chaleur"} <= row, f"row {n} is cut"  # each row whole on one line


def grouped(number: int) -> str:
    """The figure as a reader finds it: grouped with U+202F, one word (1 234, 24 680: a column of
    figures is grouped, its 1234 too)."""
    return f"{number:,}".replace(",", "\u202f")


def test_figures_wide_true_cross_the_columns_from_an_article(print_words) -> None:
    first, last = box_of(print_words, "Fig1"), box_of(print_words, "Fig4")
    assert first[0] == last[0] and last[1][2] - first[1][0] > 130 * MM


def _image_over(document, words, caption: str) -> tuple[int, tuple[float, float, float, float]]:
    """The page and drawn box of the image over its caption (a cropped image is drawn larger than
    its box: the box ends at the caption)."""
    page, box = box_of(words, caption)
    images = [info["bbox"] for info in document[page].get_image_info()
              if info["bbox"][1] < box[1] and info["bbox"][0] <= box[2] and info["bbox"][2] >= box[0]]
    assert images, f"no image over {caption}"
    return page, max(images, key=lambda b: b[1])


# Expected widths in millimetres: a column is 83 mm, the text 173 mm (A4, the base theme's margins).
WIDTHS = {"Cap2column": 83, "Cap2half": 83, "Cap2full": 173, "Cap1column": 83, "Cap1half": 86.5, "Cap1full": 173}


@pytest.mark.parametrize("caption", WIDTHS)
def test_each_photo_size_has_the_width_its_name_says(wide_build, print_words, caption) -> None:
    with _pages(wide_build["print"].path) as document:
        _, box = _image_over(document, print_words, caption)
    assert abs((box[2] - box[0]) / MM - WIDTHS[caption]) < 1.5, f"{caption}: {(box[2] - box[0]) / MM:.1f} mm"


def _boxes(path, page: int) -> tuple[list[float], list[float]]:
    """The trim and bleed boxes of a page, in MuPDF's coordinates (from the media box's left edge)."""
    import pikepdf

    with pikepdf.open(path) as pdf:
        raw = pdf.pages[page].obj
        media_x = float(raw.MediaBox[0])
        return ([float(v) - media_x for v in raw.TrimBox[::2]], [float(v) - media_x for v in raw.BleedBox[::2]])


@pytest.mark.parametrize("caption", ["Cap2bleed", "Cap1bleed"])
def test_a_bleed_photo_reaches_the_bleed_edge_outside_and_the_fold_inside(wide_build, print_words, caption) -> None:
    path = wide_build["print"].path
    with _pages(path) as document:
        page, box = _image_over(document, print_words, caption)
    trim, bleed = _boxes(path, page)
    left_page = (page + 1) % 2 == 0
    outer, fold = (box[0], box[2]) if left_page else (box[2], box[0])
    assert abs(outer - (bleed[0] if left_page else bleed[1])) < 1.5, (caption, box, bleed)
    assert abs(fold - (trim[1] if left_page else trim[0])) < 1.5, (caption, box, trim)


def test_a_bleed_photo_on_screen_spans_the_page_without_leaving_it_blank(wide_build) -> None:
    words = words_on_pages(wide_build["screen"].path)
    with _pages(wide_build["screen"].path) as document:
        page, box = _image_over(document, words, "Cap1bleed")
        width = document[page].rect.width
    assert box[2] - box[0] >= width - 4 * MM


def _visible_photo(path, caption: str) -> tuple[float, float]:
    """The height (mm) of the photo seen over `caption`, and where its red disc's middle is in it (0–1)."""
    import pymupdf

    words = words_on_pages(path)
    with pymupdf.open(path) as document:
        page, box = _image_over(document, words, caption)
        top_of_caption = box_of(words, caption)[1][1]
        area = pymupdf.Rect(box[0], box[1], box[2], top_of_caption)
        pixmap = document[page].get_pixmap(dpi=50, clip=area, colorspace=pymupdf.csRGB)
    rows = [pixmap.pixel(pixmap.width // 2, y) for y in range(pixmap.height)]
    # The photo is the only saturated thing there: text is grey, the paper white.
    seen = [y for y, (r, g, b) in enumerate(rows) if max(r, g, b) - min(r, g, b) > 40]
    red = [y for y, (r, g, b) in enumerate(rows) if r > 150 and g < 110]
    top, bottom = min(seen), max(seen) + 1
    return (bottom - top) * 25.4 / 50, (sum(red) / len(red) + 0.5 - top) / (bottom - top)


def test_height_mm_crops_the_photo_and_focus_chooses_what_stays(wide_build) -> None:
    path = wide_build["print"].path
    height, middle = _visible_photo(path, "Cropcenter")
    assert abs(height - 50) < 2, f"cropped photo is {height:.1f} mm high"
    assert abs(middle - 0.5) < 0.08
    height, middle = _visible_photo(path, "Croplow")
    # 30 % from the top of a 115 mm high drawing cut to 50 mm: the disc is at about 0.76 of the crop.
    assert abs(height - 50) < 2 and middle > 0.65, f"focus 30% should bring the disc low: {middle:.2f}"


@pytest.mark.parametrize("variant", ["print", "screen"])
def test_the_file_with_wide_blocks_passes_the_preflight(wide_build, variant) -> None:
    from toolkit.preflight import check_pdf

    report = check_pdf(wide_build[variant].path)
    assert report.ok, [f for f in report.findings if f.level == "error"]


def test_a_table_wider_than_the_page_is_a_warning_at_its_line(tmp_path) -> None:
    from toolkit.validate import load_publication

    header = "| " + " | ".join(f"Colonne{n}longue" for n in range(12)) + " |\n"
    rule = "|" + "---|" * 12 + "\n"
    root = write_publication(tmp_path, "pub", {"01.md": front("Un") + "Texte.\n\n" + header + rule + header})
    _, problems = load_publication(root)
    messages = [str(p).replace(f"{root}/", "") for p in problems.items]
    assert len(messages) == 1 and messages[0].startswith("sections/01.md:8: warning: this table needs about "), messages
