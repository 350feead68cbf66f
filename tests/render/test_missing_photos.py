"""A photo without its file: left out of final files (the page reflows), listed by the build and by
`toolkit check`, fatal with --strict; proofs and previews keep its frame so designers can plan.

A small publication written here (one photo present, others missing in a block, a case study and a
chapter opener), and the default annual report, whose photos have no files yet."""
from __future__ import annotations

import textwrap
from pathlib import Path

import pikepdf
import pytest
from PIL import Image

from support import build_both_variants, pdf_text

NAME = "photos"
FILLER = "Un paragraphe de texte courant pour remplir la page autour des photos de la publication. " * 4


def write_publication(content: Path) -> Path:
    root = content / NAME
    (root / "sections").mkdir(parents=True)
    (root / "images").mkdir()
    Image.new("RGB", (600, 400), (40, 120, 200)).save(root / "images" / "presente.jpg", quality=90)
    (root / "publication.yaml").write_text(textwrap.dedent("""\
        title: Essai de photos
        organisation: Agence de test
        date: 2024-06-01
        language: fr
        kind: report
        theme: agence
        binding: none
        parts: [01-page.md, 02-chapitre.md]
        """), encoding="utf-8")
    (root / "sections" / "01-page.md").write_text(textwrap.dedent(f"""\
        ---
        layout: page
        title: Une page
        ---
        {FILLER}

        ::: photo
        src: presente.jpg
        credit: © Présente
        alt: Cadre de la photo présente
        :::

        ::: photo
        src: absente.jpg
        credit: © Absente
        alt: Cadre de la photo absente
        size: full
        :::

        {FILLER}
        """), encoding="utf-8")
    (root / "sections" / "02-chapitre.md").write_text(textwrap.dedent(f"""\
        ---
        layout: chapter
        title: Un chapitre
        photo:
          src: ouverture.jpg
          credit: © Ouverture
          alt: Cadre de la photo ouverture
        ---
        ::: case-study
        location: PARIS (ÎLE-DE-FRANCE)
        title: Une étude de cas
        photo:
          src: etude.jpg
          credit: © Étude
          alt: Cadre de la photo étude
        ---
        {FILLER}
        :::
        """), encoding="utf-8")
    return root


MISSING = {  # file name → (part, line of its src, credit)
    "absente.jpg": ("01-page.md", 14, "© Absente"),
    "ouverture.jpg": ("02-chapitre.md", 5, "© Ouverture"),
    "etude.jpg": ("02-chapitre.md", 13, "© Étude"),
}
FRAMES = ("Cadre de la photo absente", "Cadre de la photo ouverture", "Cadre de la photo étude")


@pytest.fixture(scope="session")
def photo_content(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("photo-content")
    write_publication(folder)
    return folder


@pytest.fixture(scope="session")
def final_builds(photo_content, tmp_path_factory):
    return build_both_variants(photo_content, NAME, tmp_path_factory.mktemp("photo-out"))


def missing_lines(result) -> list[str]:
    return [w for w in result.warnings if "photo '" in w]


@pytest.mark.parametrize("variant", ["print", "screen"])
def test_final_files_leave_missing_photos_out(final_builds, variant) -> None:
    result = final_builds[variant]
    text = pdf_text(result.path)
    for frame in FRAMES:
        assert frame not in text
    for _, _, credit in MISSING.values():
        assert credit not in text  # neither the frame nor its caption is printed
    assert "© Présente" in text
    with pikepdf.open(result.path) as pdf:
        images = {obj.objgen for page in pdf.pages for obj in page.resources.get("/XObject", {}).values()
                  if obj.get("/Subtype") == "/Image"}
    assert len(images) == 1  # the photo that has its file


def test_the_build_lists_each_missing_photo_at_its_line_with_its_credit(final_builds) -> None:
    lines = missing_lines(final_builds["print"])
    assert len(lines) == len(MISSING)
    for src, (part, line, credit) in MISSING.items():
        assert any(f"{part}:{line}: warning: photo '{src}' is missing" in w and f"(credit {credit})" in w
                   for w in lines), (src, lines)


def test_check_lists_the_missing_photos_recorded_in_the_file(final_builds) -> None:
    from toolkit.preflight import check_pdf

    for variant in ("print", "screen"):
        report = check_pdf(final_builds[variant].path)
        found = [f.message for f in report.findings if f.rule == "missing-photo"]
        assert len(found) == len(MISSING)
        for src, (part, line, credit) in MISSING.items():
            assert any(m.startswith(f"{NAME}/sections/{part}:{line}: photo '{src}' is missing") and credit in m
                       for m in found), (src, found)
        assert all(f.level == "warning" for f in report.findings if f.rule == "missing-photo")


def test_strict_fails_on_missing_photos_and_keeps_the_previous_file(photo_content, final_builds) -> None:
    from toolkit.build import Builder
    from toolkit.errors import ContentError

    path = final_builds["screen"].path
    before = path.read_bytes()
    with pytest.raises(ContentError) as raised:
        Builder(content=photo_content, out=path.parent.parent, strict=True).build(NAME, "screen")
    messages = [str(p) for p in raised.value.problems]
    assert sum("is missing from images/" in m for m in messages) == len(MISSING)
    assert path.read_bytes() == before


@pytest.mark.parametrize("options, suffix", [({"proof": True}, "proof"), ({"photo_frames": True}, "preview")])
def test_proofs_and_previews_keep_the_frames_beside_the_final_file(photo_content, final_builds, options,
                                                                   suffix) -> None:
    from toolkit.build import Builder

    final = final_builds["screen"].path
    before = final.read_bytes()
    builder = Builder(content=photo_content, out=final.parent.parent, **options)
    framed = builder.build(NAME, "screen")
    assert framed.path.name == f"{NAME}-screen-{suffix}.pdf"
    text = pdf_text(framed.path)
    for frame in FRAMES:
        assert frame in text
    assert final.read_bytes() == before


def test_the_annual_report_prints_no_frame(annual_report) -> None:
    """Its photos have no files yet: none is printed, every one is listed, the audit counts 0 frames."""
    import sys

    from toolkit.paths import CONTENT
    from toolkit.preflight import check_pdf

    sources = list((CONTENT / "rapport-annuel-2023").rglob("*.md"))
    photos = sum(text.count("::: photo") + text.count("\nphoto:") for text in
                 (path.read_text(encoding="utf-8") for path in sources))
    assert photos > 10
    for variant in ("print", "screen"):
        result = annual_report[variant]
        assert len(missing_lines(result)) == photos
        assert "Photo : l'ANCTour au palais des congrès de Paris" not in pdf_text(result.path)
        assert sum(f.rule == "missing-photo" for f in check_pdf(result.path).findings) == photos
    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
    from page_audit import placeholder_frames

    assert placeholder_frames(annual_report["print"].path) == 0
    assert placeholder_frames(annual_report["print"].path.with_name("rapport-annuel-2023-print-proof.pdf")) > 10
