"""The readers catch what they are there for: each check fails on a small file that has the defect."""
from __future__ import annotations

import io
from pathlib import Path

import pikepdf
import pytest
from PIL import Image

import readers_testlib as readers


def _write(pdf: pikepdf.Pdf, path: Path) -> Path:
    # Streams are written as they are: qpdf would otherwise decode and rewrite the broken ones.
    pdf.save(path, stream_decode_level=pikepdf.StreamDecodeLevel.none, compress_streams=False)
    return path


def _raw_pdf(objects: list[bytes]) -> bytes:
    """A PDF written byte by byte (qpdf would repair what these tests break), with a valid xref."""
    out = bytearray(b"%PDF-1.7\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


@pytest.fixture(scope="module")
def empty_flate(tmp_path_factory) -> Path:
    """A page drawn as the padding pages were: q, a stream declared FlateDecode with 0 bytes, Q."""
    path = tmp_path_factory.mktemp("flate") / "empty-flate.pdf"
    path.write_bytes(_raw_pdf([
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] /Contents [4 0 R 5 0 R 6 0 R] >>",
        b"<< /Length 2 >>\nstream\nq\n\nendstream",
        b"<< /Length 0 /Filter /FlateDecode >>\nstream\n\nendstream",
        b"<< /Length 16 >>\nstream\nQ 0 0 1 1 re f\n\nendstream",
    ]))
    return path


@pytest.fixture(scope="module")
def wrong_image(tmp_path_factory) -> Path:
    """An image XObject declaring 40×20 px whose JPEG data is 20×10 px (another copy's stream)."""
    data = io.BytesIO()
    Image.new("RGB", (20, 10), (200, 30, 30)).save(data, "JPEG")
    pdf = pikepdf.new()
    pdf.add_blank_page(page_size=(200, 200))
    image = pikepdf.Stream(pdf, data.getvalue())
    image.Type, image.Subtype = pikepdf.Name.XObject, pikepdf.Name.Image
    image.Width, image.Height, image.BitsPerComponent = 40, 20, 8
    image.ColorSpace, image.Filter = pikepdf.Name.DeviceRGB, pikepdf.Name.DCTDecode
    page = pdf.pages[0]
    page.Resources = pikepdf.Dictionary(XObject=pikepdf.Dictionary(Im1=pdf.make_indirect(image)))
    page.Contents = pdf.make_stream(b"q 40 0 0 20 10 10 cm /Im1 Do Q")
    return _write(pdf, tmp_path_factory.mktemp("image") / "wrong-image.pdf")


def test_ghostscript_stops_on_an_empty_flate_stream(empty_flate) -> None:
    problems = readers.ghostscript(empty_flate)
    assert problems and "empty-flate.pdf" in problems[0]


def test_mupdf_warns_on_an_empty_flate_stream(empty_flate) -> None:
    _, problems = readers.mupdf(empty_flate)
    assert any("page 1" in p and "flate" in p for p in problems), problems


def test_pdfjs_warns_on_an_empty_flate_stream(empty_flate) -> None:
    _, problems = readers.pdfjs([empty_flate])[empty_flate]
    assert any("page 1" in p and "FlateDecode" in p for p in problems), problems


def test_an_image_with_another_copys_data_is_caught(wrong_image) -> None:
    problems = readers.images(wrong_image)
    assert any("declares 40×20 px" in p and "20×10" in p and "page 1" in p for p in problems), problems


def test_words_keep_a_non_breaking_hyphen_apart_from_a_typed_one() -> None:
    assert readers.words("Île-de-France") != readers.words("Île\u2011de\u2011France")
    assert readers.words("hyphé-\nnation et\u00a0espaces") == readers.words("hyphénation  et espaces")


def test_differences_name_the_page_and_the_characters() -> None:
    texts = {"pdftotext": ["un", "Île-de-France"], "PDF.js": ["un", "Île\u2010de\u2010France"]}
    problems = readers.differences(texts, "x.pdf")
    assert len(problems) == 1 and "page 2" in problems[0] and "U+2010" not in problems[0].split("e.g.")[0]
    assert "'\u2010'" in problems[0]


def test_a_heading_read_letter_by_letter_is_reported() -> None:
    texts = {"pdftotext": ["CHIFFRES CLÉS"], "MuPDF": ["C H I F F R E S CLÉS"]}
    problems = readers.differences(texts, "x.pdf")
    assert any("letter by letter" in p and "C H I F F R E S" in p for p in problems), problems


def test_hyphens_not_typed_are_reported() -> None:
    assert readers.hyphens_not_typed(["Pierrefitte\u2011sur\u2011Seine"], "x.pdf", "MuPDF")
    assert not readers.hyphens_not_typed(["Pierrefitte-sur-Seine, 2010\u20132011"], "x.pdf", "MuPDF")


def test_pdffonts_sees_one_subset_name_on_two_font_programs(tmp_path) -> None:
    """Two renders merged page by page, as the parts build does: each has its own subset, named alike."""
    from weasyprint import HTML

    for name, text in (("a", "Bonjour"), ("b", "Zèbre quartz wagon")):
        HTML(string=f"<p style='font-family: serif'>{text}</p>").write_pdf(tmp_path / f"{name}.pdf")
    with pikepdf.open(tmp_path / "a.pdf") as merged, pikepdf.open(tmp_path / "b.pdf") as other:
        merged.pages.extend(other.pages)
        merged.save(tmp_path / "merged.pdf")
    assert not readers.poppler_fonts(tmp_path / "a.pdf")
    problems = readers.poppler_fonts(tmp_path / "merged.pdf")
    assert any("is used by 2 font objects" in p and "merged.pdf" in p for p in problems), problems
