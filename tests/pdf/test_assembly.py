"""The print assembly is correct: a test publication, written here, built in parts and in one pass.

The publication uses one photo at several printed sizes in different units (a column photo, a half
photo, the case study of a chapter opener, which may become a lead page), links of every kind, and
a page count the binding must pad. Each build is made once per test run and read by independent
readers: pikepdf for the objects, Ghostscript with -dPDFSTOPONERROR, MuPDF with its warnings,
poppler's pdffonts and pdftotext.
"""
from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import textwrap
import warnings
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pikepdf
import pytest
from PIL import Image, ImageChops, ImageDraw, ImageStat

NAME = "assemblage"
FILLER = ("Un paragraphe de texte courant, écrit pour remplir la colonne et pousser les blocs qui suivent "
          "plus loin dans la page, avec des mots assez longs pour être coupés. ") * 5


def write_publication(content: Path) -> Path:
    root = content / NAME
    (root / "sections").mkdir(parents=True)
    (root / "images").mkdir()
    photo = Image.new("RGB", (2000, 1300))
    draw = ImageDraw.Draw(photo)
    for x in range(0, 2000, 100):
        draw.rectangle([x, 0, x + 99, 1300], fill=((x * 7) % 256, (x // 8) % 256, 255 - (x // 8) % 256))
    draw.ellipse([600, 300, 1400, 1000], fill=(250, 220, 30))
    photo.save(root / "images" / "photo.jpg", quality=90)
    (root / "publication.yaml").write_text(textwrap.dedent("""\
        title: Essai d'assemblage
        organisation: Agence de test
        date: 2024-06-01
        language: fr
        kind: report
        theme: agence
        binding: saddle-stitch
        colophon:
          director: Camille Test
          issn: 0317-8471
        parts: [00-couverture.md, 01-sommaire.md, 02-page.md, 03-chapitre.md, 04-page.md,
                05-chapitre.md, 06-page.md, 06-suite.md, 07-dos.md]
        """), encoding="utf-8")
    photo_block = "::: photo\nsrc: photo.jpg\nsize: {size}\ncredit: © Test\nalt: La photo en {size}\n:::\n"
    parts = {
        "00-couverture.md": "---\nlayout: cover\ntitle: Essai d'assemblage\n---\n",
        "01-sommaire.md": "---\nlayout: contents\ntitle: Sommaire\n---\n",
        "02-page.md": (f"---\nlayout: page\ntitle: Une page\n---\n{FILLER}\n\n{photo_block.format(size='column')}\n"
                       "Écrire à <mailto:contact@example.org>, appeler le [01 23 45 67 89](tel:+33123456789), "
                       "voir [le site](https://example.org) ou [l'étude de cas](#une-etude-de-cas).\n"),
        "03-chapitre.md": f"---\nlayout: chapter\ntitle: Premier chapitre\naccent: green\n---\n{FILLER}\n\n{FILLER}\n",
        "04-page.md": f"---\nlayout: page\ntitle: Autre page\n---\n{FILLER}\n\n{photo_block.format(size='half')}\n",
        "05-chapitre.md": textwrap.dedent(f"""\
            ---
            layout: chapter
            title: Deuxième chapitre
            accent: blue
            ---
            ::: case-study
            location: PARIS (ÎLE-DE-FRANCE)
            title: Une étude de cas
            region: Île-de-France
            photo:
              src: photo.jpg
              credit: © Test
              alt: La photo de l'étude de cas
            ---
            {FILLER}
            :::

            {FILLER}
            """),
        "06-page.md": f"---\nlayout: page\ntitle: Dernière page\n---\n{FILLER}\n\n{photo_block.format(size='full')}\n",
        "06-suite.md": f"---\nlayout: page\ntitle: Une suite\n---\n{FILLER}\n",
        "07-dos.md": "---\nlayout: back-cover\ntitle: Dos\n---\n",
    }
    for name, text in parts.items():
        (root / "sections" / name).write_text(text, encoding="utf-8")
    return root


def write_one_photo_publication(content: Path, name: str, size: str) -> None:
    """One page, the test photo at `size` (column: 83 mm, full: the text width): two of them are two
    documents sharing a photo file, printed at two sizes."""
    root = content / name
    (root / "sections").mkdir(parents=True)
    (root / "images").mkdir()
    (root / "images" / "photo.jpg").write_bytes((content / NAME / "images" / "photo.jpg").read_bytes())
    (root / "publication.yaml").write_text(f"title: {name}\norganisation: A\nkind: report\nbinding: none\n"
                                           "parts: [01.md]\n", encoding="utf-8")
    photo = f"::: photo\nsrc: photo.jpg\nsize: {size}\ncredit: © Test\nalt: La photo\n:::\n"
    (root / "sections" / "01.md").write_text(f"---\ntitle: Photo\ncolumns: 1\n---\n{FILLER}\n\n{photo}",
                                             encoding="utf-8")


@pytest.fixture(scope="session")
def content(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("assembly-content")
    write_publication(folder)
    write_one_photo_publication(folder, "photo-petite", size="column")
    write_one_photo_publication(folder, "photo-grande", size="full")
    return folder


@pytest.fixture(scope="session")
def parts_build(content, tmp_path_factory):
    """Print and screen, the print file in parts. One worker lays out every unit, in order, as a
    one-core machine does: the units that share a photo are laid out by the same process."""
    from toolkit.build import Builder

    os.environ.setdefault("SOURCE_DATE_EPOCH", "1700000000")
    builder = Builder(content=content, out=tmp_path_factory.mktemp("assembly-parts"),
                      executor=ProcessPoolExecutor(max_workers=1))
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            results = {variant: builder.build(NAME, variant) for variant in ("print", "screen")}
        assert builder.last_assembly["units"] >= 4, "the test publication must be built in parts"
    finally:
        builder.close()
    return results, [str(w.message) for w in caught]


@pytest.fixture(scope="session")
def single_pass_build(content, tmp_path_factory):
    from toolkit.build import Builder

    os.environ.setdefault("SOURCE_DATE_EPOCH", "1700000000")
    builder = Builder(content=content, out=tmp_path_factory.mktemp("assembly-single"), parts=False)
    try:
        return builder.build(NAME, "print")
    finally:
        builder.close()


@pytest.fixture(scope="session", params=["parts", "single-pass"])
def print_file(request, parts_build, single_pass_build) -> Path:
    return parts_build[0]["print"].path if request.param == "parts" else single_pass_build.path


# ---------------------------------------------------------------- images


def image_xobjects(pdf: pikepdf.Pdf) -> list[pikepdf.Stream]:
    """Every image of the file, wherever it is drawn from (pages, forms, patterns)."""
    masks = {obj.SMask.objgen for obj in pdf.objects if isinstance(obj, pikepdf.Stream) and "/SMask" in obj}
    return [obj for obj in pdf.objects if isinstance(obj, pikepdf.Stream) and obj.get("/Subtype") == "/Image"
            and obj.objgen not in masks]


def difference(image: Image.Image, source: Path) -> float:
    """Mean difference per channel (0-255) to the source file, at the image's size, in RGB."""
    with Image.open(source) as original:
        expected = original.convert("RGB").resize(image.size)
    return sum(ImageStat.Stat(ImageChops.difference(image.convert("RGB"), expected)).mean) / 3


def test_every_image_decodes_to_its_declared_size_and_looks_like_its_source(print_file, content) -> None:
    with pikepdf.open(print_file) as pdf:
        images = image_xobjects(pdf)
        assert images
        for image in images:
            decoded = pikepdf.PdfImage(image).as_pil_image()
            declared = (int(image.Width), int(image.Height))
            assert decoded.size == declared, f"image {image.objgen}: declared {declared}, holds {decoded.size}"
            # CMYK through the printer's profile, back to RGB naively: only a loose match is possible,
            # but another picture, stripes or white are far off.
            assert difference(decoded, content / NAME / "images" / "photo.jpg") < 40


def test_one_builder_gives_each_document_its_own_copy_of_a_photo(content, tmp_path_factory) -> None:
    """A builder renders many documents (watch, editions, several publications): a photo printed small
    in one must not lend its downsampled copy to the next one, which prints it large."""
    from toolkit.build import Builder

    builder = Builder(content=content, out=tmp_path_factory.mktemp("assembly-two-documents"), parts=False)
    try:
        small, large = (builder.build(name, "print").path for name in ("photo-petite", "photo-grande"))
    finally:
        builder.close()
    widths = []
    for path in (small, large):
        with pikepdf.open(path) as pdf:
            for image in image_xobjects(pdf):
                decoded = pikepdf.PdfImage(image).as_pil_image()
                assert decoded.size == (int(image.Width), int(image.Height)), path.name
                widths.append(decoded.width)
    assert widths[0] < widths[1] == 2000  # printed small then large: two resolutions


def test_the_photo_is_kept_at_the_resolution_each_size_needs(parts_build) -> None:
    """The same file printed at several sizes: each use keeps what 300 ppi needs, no more."""
    with pikepdf.open(parts_build[0]["print"].path) as pdf:
        images = image_xobjects(pdf)
        widths = {int(image.Width) for image in images}
    # column, half, case study, full: sizes that need fewer pixels get a smaller copy (a unit holding
    # two sizes of the same need embeds it once)
    assert len(images) >= 3 and len(widths) >= 2
    assert 2000 in widths and min(widths) < 2000


# ---------------------------------------------------------------- streams and readers


def test_the_binding_adds_blank_pages(parts_build) -> None:
    assert parts_build[0]["print"].blanks_added > 0, "the test publication must need padding pages"


def test_no_stream_is_empty_and_compressed_and_every_stream_decodes(print_file) -> None:
    with pikepdf.open(print_file) as pdf:
        for obj in pdf.objects:
            if isinstance(obj, pikepdf.Stream):
                if "/Filter" in obj:
                    assert len(obj.read_raw_bytes()) > 0, f"stream {obj.objgen} is compressed and empty"
                obj.read_bytes(decode_level=pikepdf.StreamDecodeLevel.all)


def test_ghostscript_reads_every_page_without_error(print_file) -> None:
    done = subprocess.run(["gs", "-q", "-dNOPAUSE", "-dBATCH", "-dSAFER", "-dPDFSTOPONERROR",
                           "-sDEVICE=nullpage", str(print_file)], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0 and "rror" not in done.stdout + done.stderr, done.stdout + done.stderr


def test_mupdf_renders_every_page_without_warning(print_file) -> None:
    import pymupdf

    pymupdf.TOOLS.mupdf_warnings()  # forget what earlier files said
    with pymupdf.open(print_file) as document:
        for page in document:
            page.get_pixmap(dpi=20)
            page.get_text()
    assert pymupdf.TOOLS.mupdf_warnings() == ""


# ---------------------------------------------------------------- fonts


def font_programs(pdf: pikepdf.Pdf) -> dict[str, set[str]]:
    """BaseFont name → digests of the font programs published under it."""
    programs: dict[str, set[str]] = {}
    for obj in pdf.objects:
        if isinstance(obj, pikepdf.Dictionary) and obj.get("/Type") == "/FontDescriptor":
            program = obj.get("/FontFile2") or obj.get("/FontFile3") or obj.get("/FontFile")
            if program is not None:
                programs.setdefault(str(obj.FontName), set()).add(hashlib.sha256(program.read_bytes()).hexdigest())
    return programs


def test_a_subset_name_names_one_font_program(print_file) -> None:
    with pikepdf.open(print_file) as pdf:
        programs = font_programs(pdf)
        reused = {name: len(digests) for name, digests in programs.items() if len(digests) > 1}
        assert programs and not reused
        # the font dictionaries name what their descriptors name
        for obj in pdf.objects:
            if isinstance(obj, pikepdf.Dictionary) and obj.get("/Type") == "/Font" and "/FontDescriptor" in obj:
                assert str(obj.BaseFont) == str(obj.FontDescriptor.FontName)
            if isinstance(obj, pikepdf.Dictionary) and obj.get("/Subtype") == "/Type0":
                assert str(obj.BaseFont).split("-Identity")[0] == str(obj.DescendantFonts[0].BaseFont)


def test_identical_subsets_are_stored_once(print_file) -> None:
    with pikepdf.open(print_file) as pdf:
        streams = {program.objgen: hashlib.sha256(program.read_raw_bytes()).hexdigest() for obj in pdf.objects
                   if isinstance(obj, pikepdf.Dictionary) and obj.get("/Type") == "/FontDescriptor"
                   for program in [obj.get("/FontFile2") or obj.get("/FontFile3") or obj.get("/FontFile")]
                   if program is not None}
    assert streams and len(streams) == len(set(streams.values()))


def test_poppler_lists_every_font_embedded_and_extracts_the_text(print_file) -> None:
    fonts = subprocess.run(["pdffonts", str(print_file)], capture_output=True, text=True, check=True).stdout
    rows = [row.split() for row in fonts.splitlines()[2:]]
    assert rows and all(row[-5] == "yes" for row in rows), fonts  # columns: ... emb sub uni object gen
    text = subprocess.run(["pdftotext", str(print_file), "-"], capture_output=True, text=True, check=True).stdout
    for words in ("Premier chapitre", "Une étude de cas", "Dernière page"):
        assert words in text


# ---------------------------------------------------------------- annotations


def page_annotations(path: Path) -> list[tuple[int, str]]:
    with pikepdf.open(path) as pdf:
        return [(number, str(annotation.get("/Subtype"))) for number, page in enumerate(pdf.pages, 1)
                for annotation in page.obj.get("/Annots", [])
                if annotation.get("/Subtype") not in ("/PrinterMark", "/TrapNet")]


def test_a_print_file_carries_no_annotation(print_file) -> None:
    assert page_annotations(print_file) == []


def test_the_default_publications_print_files_carry_no_annotation(press_release, annual_report) -> None:
    assert page_annotations(press_release["print"].path) == []
    assert page_annotations(annual_report["print"].path) == []


def test_links_stay_in_the_screen_file(parts_build) -> None:
    with pikepdf.open(parts_build[0]["screen"].path) as pdf:
        targets = [str(a.A.get("/URI", "")) for page in pdf.pages for a in page.obj.get("/Annots", [])
                   if "/A" in a]
    assert "mailto:contact@example.org" in targets and "tel:+33123456789" in targets


# ---------------------------------------------------------------- what writers see


def test_developer_warnings_do_not_reach_writers(parts_build) -> None:
    results, python_warnings = parts_build
    shown = [*python_warnings, *results["print"].warnings, *results["screen"].warnings]
    assert not [m for m in shown if "anchor" in m.lower() or "PageCopy" in m or "pages.extend" in m], shown


# ---------------------------------------------------------------- reproducible


def cli_build(content: Path, out: Path, cache: Path) -> subprocess.Popen:
    env = {**os.environ, "TOOLKIT_CACHE": str(cache), "SOURCE_DATE_EPOCH": "1700000000"}
    return subprocess.Popen([sys.executable, "-m", "toolkit", "build", NAME, "--content", str(content),
                             "--out", str(out)], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


@pytest.fixture(scope="session")
def three_builds(content, tmp_path_factory) -> list[tuple[Path, str]]:
    """Two builds at once, each with its own empty cache, then a rebuild with the first one's warm cache."""
    folder = tmp_path_factory.mktemp("assembly-repro")
    first = cli_build(content, folder / "a", folder / "cache-a")
    second = cli_build(content, folder / "b", folder / "cache-b")
    outputs = [(folder / "a", first.communicate(timeout=600)[0]), (folder / "b", second.communicate(timeout=600)[0])]
    warm = cli_build(content, folder / "c", folder / "cache-a")
    outputs.append((folder / "c", warm.communicate(timeout=600)[0]))
    return outputs


@pytest.mark.parametrize("variant", ["print", "screen"])
def test_same_input_same_bytes_whatever_the_cache(three_builds, variant) -> None:
    files = [out / NAME / f"{NAME}-{variant}.pdf" for out, _ in three_builds]
    assert all(f.is_file() for f in files), [log for _, log in three_builds]
    digests = [hashlib.sha256(f.read_bytes()).hexdigest() for f in files]
    assert digests[0] == digests[1] == digests[2]


def test_the_cli_output_carries_no_developer_warning(three_builds) -> None:
    for _, log in three_builds:
        assert "Warning" not in log and "anchor" not in log.lower(), log


def test_a_rebuild_with_nothing_changed_lays_nothing_out(content, tmp_path_factory, monkeypatch) -> None:
    """Every unit, the contents and the folio sheet come from the cache: WeasyPrint is not called."""
    from toolkit import parts
    from toolkit.build import Builder

    builder = Builder(content=content, out=tmp_path_factory.mktemp("assembly-rebuild"),
                      executor=ProcessPoolExecutor(max_workers=1))
    try:
        first = builder.build(NAME, "print")
        calls = []
        real = parts._lay_out
        monkeypatch.setattr(parts, "_lay_out", lambda job: calls.append(job) or real(job))
        second = builder.build(NAME, "print")
    finally:
        builder.close()
    assert builder.last_assembly["rendered"] == 0 and calls == [], [job.html[:80] for job in calls]
    assert first.path.read_bytes() == second.path.read_bytes()


# ---------------------------------------------------------------- sides


def placed_words(page) -> list[tuple[str, float, float]]:
    return [(word[4], word[0], word[1]) for word in page.get_text("words")]


def unmatched(words: list[tuple[str, float, float]], expected: list[tuple[str, float, float]]) -> list:
    """The expected words with no word of the same text within half a point of their place."""
    left = list(words)
    missing = []
    for text, x, y in expected:
        match = next((w for w in left if w[0] == text and abs(w[1] - x) <= 0.5 and abs(w[2] - y) <= 0.5), None)
        if match is None:
            missing.append((text, round(x, 1), round(y, 1)))
        else:
            left.remove(match)
    return missing + [("extra", *word) for word in left]


def test_the_parts_build_prints_every_word_where_the_single_pass_does(parts_build, single_pass_build) -> None:
    """Units placed on a left-hand page after being laid out for a right-hand one, and running heads
    drawn by the folio sheet: every word (running heads and folios too) at its single-pass place."""
    import pymupdf

    parts, single = pymupdf.open(parts_build[0]["print"].path), pymupdf.open(single_pass_build.path)
    assert parts.page_count == single.page_count
    for number, (mine, reference) in enumerate(zip(parts, single), start=1):
        wrong = unmatched(placed_words(mine), placed_words(reference))
        assert not wrong, (number, wrong[:4])


def test_a_unit_on_a_left_hand_page_is_its_right_hand_layout_shifted(content, parts_build, tmp_path) -> None:
    """Each unit is laid out once: one that lands on a left-hand page is not laid out for it again
    (only a chapter's lead page is another layout)."""
    from toolkit.build import Builder
    from toolkit.parts import plan

    builder = Builder(content=content, out=tmp_path, executor=ProcessPoolExecutor(max_workers=1))
    try:
        publication, theme, _ = builder.load(NAME)
        assembler = builder.assembler(publication, theme, "print")
        assembler.run()
    finally:
        builder.close()
    the_plan = plan(assembler.units, assembler.laid_for)
    shifted = [slot.unit.layout for slot in the_plan.slots if slot.laid.shifted]
    assert "contents" in shifted and "page" in shifted, shifted  # the contents lands on page 2
    laid_for_the_left = [form for form in assembler.forms if form[0] is not None and form[2] and not form[1]]
    assert laid_for_the_left == []


def test_a_renderer_dropping_pages_fails_the_build(content) -> None:
    """Every heading on a page is not enough: a unit starts a page, so fewer pages than units means the
    renderer lost some (the previous PDF is kept, the message says so)."""
    from toolkit.build import Builder, RenderError, check_headings
    from toolkit.html import assign_anchors
    from toolkit.pagination import openers
    from toolkit.parts import split_units

    builder = Builder(content=content, out=content.parent / "out-dropped")
    publication, theme, _ = builder.load(NAME)
    units = split_units(publication, openers(theme))
    headings = assign_anchors(publication)[1]
    one_page_for_all = [sorted(headings)]
    with pytest.raises(RenderError, match=rf"1 page\(s\) for {len(units)} parts that each start a page"):
        check_headings(headings, one_page_for_all, starts=len(units))
    check_headings(headings, one_page_for_all + [[]] * (len(units) - 1), starts=len(units))
