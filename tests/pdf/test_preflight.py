"""Preflight checker: tiny PDFs made here with WeasyPrint or pikepdf, each failing for one reason."""
from __future__ import annotations

import base64
import io
import json
import shutil
import zlib
from pathlib import Path

import pikepdf
import pytest
from pikepdf import Dictionary, Name

from toolkit import preflight
from toolkit.preflight import Finding, Report, check_pdf, format_table, normalise_text

ROOT = Path(__file__).resolve().parents[2]
ICC = ROOT / "layouts/base/icc/ISOcoated_v2_300_bas.icc"
FONT = ROOT / "fonts/source-sans-3/SourceSans3-Regular.ttf"

PRINT_CSS = """
@color-profile device-cmyk {{ src: url({icc}); components: cyan, magenta, yellow, black; }}
@font-face {{ font-family: Test; src: url({font}); }}
@page {{ size: A6; bleed: 3mm; marks: {marks}; }}
body {{ font-family: Test; color: device-cmyk(0 0 0 1); }}
h1 {{ color: device-cmyk(0 1 0.7 0); }}
"""
SCREEN_CSS = """
@font-face {{ font-family: Test; src: url({font}); }}
@page {{ size: A6; }}
body {{ font-family: Test; }}
"""


def render(path: Path, body: str, *, variant: str = "print", marks: str = "none", css: str = "") -> Path:
    from weasyprint import CSS, HTML

    html = f"<!doctype html><html lang='fr'><head><title>Essai</title></head><body>{body}</body></html>"
    if variant == "print":
        profiles: dict = {}
        sheet = CSS(string=PRINT_CSS.format(icc=ICC.as_uri(), font=FONT.as_uri(), marks=marks) + css,
                    color_profiles=profiles)
        document = HTML(string=html).render(stylesheets=[sheet], color_profiles=profiles,
                                            output_intent="device-cmyk")
        document.write_pdf(path, pdf_variant="pdf/x-4")
    else:
        sheet = CSS(string=SCREEN_CSS.format(font=FONT.as_uri()) + css)
        HTML(string=html).render(stylesheets=[sheet]).write_pdf(path, pdf_variant="pdf/ua-1")
    return path


def png_uri(width: int = 60, height: int = 40, mode: str = "RGB") -> str:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new(mode, (width, height), (255, 0, 0) if mode == "RGB" else 128).save(buffer, "PNG")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()


def errors(report: Report) -> set[str]:
    return report.rules("error")


def by_rule(report: Report, rule: str) -> list[Finding]:
    return [f for f in report.findings if f.rule == rule]


TEXT = "<h1>Bonjour</h1><p>L’été, un texte simple&#8239;!</p>"


# --------------------------------------------------------------------------- WeasyPrint PDF/X-4


def test_clean_pdfx4_without_marks_passes(tmp_path):
    report = check_pdf(render(tmp_path / "clean.pdf", TEXT))
    assert report.variant == "print"
    assert report.ok, format_table([report])
    assert report.pages == 1 and report.bytes == (tmp_path / "clean.pdf").stat().st_size
    assert report.rules("warning") == set()
    assert "output-intent" in report.rules("info")


def test_weasyprint_crop_marks_are_flagged_as_rgb(tmp_path):
    """WeasyPrint 70 draws crop marks with `0 0 0 rg` / `0 0 0 RG` in a Form XObject: DeviceRGB."""
    report = check_pdf(render(tmp_path / "marks.pdf", TEXT, marks="crop"))
    assert not report.ok
    assert errors(report) == {"rgb-colour"}
    [finding] = by_rule(report, "rgb-colour")
    assert finding.page == 1
    assert "DeviceRGB" in finding.message and "Form XObject" in finding.message
    assert "outside the TrimBox" in finding.message


def test_rgb_text_colour_fails(tmp_path):
    report = check_pdf(render(tmp_path / "red.pdf", "<p style='color: #ff0000'>Rouge</p>"))
    assert errors(report) == {"rgb-colour"}
    [finding] = by_rule(report, "rgb-colour")
    assert finding.page == 1 and "page content" in finding.message
    assert "outside the TrimBox" not in finding.message


def test_rgb_image_fails_and_low_resolution_is_a_warning(tmp_path):
    body = f"<p>Image</p><img src='{png_uri()}' alt='carré rouge' style='width: 20mm'>"
    report = check_pdf(render(tmp_path / "image.pdf", body))
    assert "rgb-image" in errors(report)
    [resolution] = by_rule(report, "image-resolution")
    assert resolution.level == "warning" and resolution.page == 1
    assert "76 ppi" in resolution.message  # 60 px over 20 mm


def test_binding_page_count(tmp_path):
    path = render(tmp_path / "one.pdf", TEXT)
    assert "page-count" in errors(check_pdf(path, binding="saddle-stitch"))
    assert "page-count" in errors(check_pdf(path, binding="sheets"))
    assert check_pdf(path, binding="none").ok
    assert "page-count" not in check_pdf(path).rules()
    with pytest.raises(ValueError):
        check_pdf(path, binding="perfect")
    # per-file binding, as `toolkit check --binding auto` finds it from the publication
    [report] = preflight.check_files([path], binding_of=lambda p: "saddle-stitch")
    assert "page-count" in errors(report)
    [report] = preflight.check_files([path], binding_of=lambda p: None)
    assert report.ok
    [report] = preflight.check_files([path], binding_of=lambda p: "perfect")
    assert report.ok and by_rule(report, "page-count")[0].level == "info"


def test_unembedded_and_unsubset_fonts(tmp_path):
    path = render(tmp_path / "clean.pdf", TEXT)
    with pikepdf.open(path) as pdf:
        for font in pdf.pages[0].Resources.Font.values():
            for descendant in font.get("/DescendantFonts", [font]):
                descriptor = descendant.FontDescriptor
                for key in ("/FontFile", "/FontFile2", "/FontFile3"):
                    if key in descriptor:
                        del descriptor[key]
                descendant.BaseFont = Name("/SourceSans3-Regular")
        pdf.save(tmp_path / "nofont.pdf")
    report = check_pdf(tmp_path / "nofont.pdf")
    assert errors(report) == {"font-embedded"}
    assert by_rule(report, "font-embedded")[0].page == 1
    assert "font-subset" not in report.rules()  # not embedded at all: one error, not also a warning


# --------------------------------------------------------------------------- screen, PDF/UA-1


def test_screen_figure_without_alt_fails(tmp_path):
    good = check_pdf(render(tmp_path / "alt.pdf", f"<h1>T</h1><img src='{png_uri()}' alt='carré'>",
                            variant="screen"))
    assert good.variant == "screen" and good.ok, format_table([good])
    bad = check_pdf(render(tmp_path / "noalt.pdf", f"<h1>T</h1><img src='{png_uri()}'>", variant="screen"))
    assert errors(bad) == {"figure-alt"}
    assert by_rule(bad, "figure-alt")[0].page == 1
    assert "rgb-image" not in bad.rules()  # RGB is fine on screen
    assert by_rule(bad, "image-resolution")[0].level == "info"


def test_screen_catalog_requirements(tmp_path):
    path = render(tmp_path / "ua.pdf", TEXT, variant="screen")
    with pikepdf.open(path) as pdf:
        del pdf.Root["/Lang"]
        del pdf.Root["/ViewerPreferences"]
        del pdf.Root["/MarkInfo"]
        del pdf.Root["/StructTreeRoot"]
        pdf.save(tmp_path / "stripped.pdf")
    report = check_pdf(tmp_path / "stripped.pdf")
    assert {"lang", "display-doc-title", "mark-info", "struct-tree"} <= errors(report)


def test_broken_links_are_reported_with_their_page(tmp_path):
    path = render(tmp_path / "ua.pdf", "<h1 id='top'>T</h1><p><a href='#top'>haut</a></p>", variant="screen")
    assert check_pdf(path).ok
    with pikepdf.open(path) as pdf:
        page = pdf.pages[0]
        other = Dictionary(Type=Name.Page, MediaBox=[0, 0, 10, 10])
        rect = [0, 0, 10, 10]
        links = [
            Dictionary(Type=Name.Annot, Subtype=Name.Link, Rect=rect,
                               Dest=pikepdf.String("nowhere")),
            Dictionary(Type=Name.Annot, Subtype=Name.Link, Rect=rect,
                               Dest=[pdf.make_indirect(other), Name.Fit]),
            Dictionary(Type=Name.Annot, Subtype=Name.Link, Rect=rect,
                               A=Dictionary(S=Name.URI, URI=pikepdf.String("https://anct.gouv.fr"))),
            Dictionary(Type=Name.Annot, Subtype=Name.Link, Rect=rect,
                               A=Dictionary(S=Name.GoTo, D=[page.obj, Name.Fit])),
        ]
        page.obj.Annots.extend(pdf.make_indirect(link) for link in links)
        pdf.save(tmp_path / "links.pdf")
    report = check_pdf(tmp_path / "links.pdf")
    broken = by_rule(report, "link-dest")
    assert errors(report) == {"link-dest"}
    assert [f.page for f in broken] == [1, 1]
    assert "'nowhere'" in broken[0].message and "not a page of this document" in broken[1].message


# --------------------------------------------------------------------------- bad files


def test_missing_and_corrupt_files_are_findings_not_tracebacks(tmp_path, capsys):
    missing = tmp_path / "missing.pdf"
    garbage = tmp_path / "garbage.pdf"
    garbage.write_bytes(b"this is not a PDF at all\n" * 10)
    truncated = tmp_path / "truncated.pdf"
    whole = render(tmp_path / "whole.pdf", TEXT).read_bytes()
    truncated.write_bytes(whole[: len(whole) // 3])

    assert errors(check_pdf(missing)) == {"file-missing"}
    assert errors(check_pdf(garbage)) == {"open"}
    assert not check_pdf(truncated).ok
    assert errors(check_pdf(tmp_path)) == {"file-missing"}  # a directory

    paths = [str(missing), str(garbage), str(truncated)]
    code = preflight.main(paths, as_json=True, variant=None, binding=None)
    assert code == 2
    data = json.loads(capsys.readouterr().out)
    assert [d["ok"] for d in data] == [False, False, False]
    assert set(data[0]) == {"path", "variant", "pages", "bytes", "ok", "findings"}
    assert data[0]["findings"][0]["rule"] == "file-missing"


def test_main_exit_codes_and_table(tmp_path, capsys):
    clean = render(tmp_path / "clean.pdf", TEXT)
    marks = render(tmp_path / "marks.pdf", TEXT, marks="crop")
    assert preflight.main([str(clean)], as_json=False, variant=None, binding=None) == 0
    assert preflight.main([str(clean), str(marks)], as_json=False, variant="print", binding=None) == 1
    out = capsys.readouterr().out
    assert "clean.pdf: OK" in out and "marks.pdf: FAIL" in out and "rgb-colour" in out
    assert preflight.main([str(clean)], as_json=False, variant="ebook", binding=None) == 2


# --------------------------------------------------------------------------- colour walk, pikepdf-made


def _page_pdf(content: bytes, resources: dict | None = None, **page_keys) -> pikepdf.Pdf:
    pdf = pikepdf.new()
    pdf.add_blank_page(page_size=(200, 200))
    page = pdf.pages[0]
    page.obj.Contents = pdf.make_stream(content)
    page.obj.Resources = Dictionary(resources or {})
    for key, value in page_keys.items():
        page.obj[Name("/" + key)] = value
    return pdf


def _rgb_rules(pdf: pikepdf.Pdf, path: Path) -> set[str]:
    pdf.save(path)
    report = check_pdf(path, variant="print")
    return {f.rule for f in report.findings if f.rule.startswith("rgb-")}


def test_colour_spaces_are_resolved(tmp_path):
    pdf = pikepdf.new()
    icc_rgb = pdf.make_stream(b"\0" * 16 + b"RGB " + b"\0" * 108, N=3)
    icc_cmyk = pdf.make_stream(b"\0" * 16 + b"CMYK" + b"\0" * 108, N=4)
    spaces = {
        "/Icc3": pikepdf.Array([Name.ICCBased, icc_rgb]),
        "/Icc4": pikepdf.Array([Name.ICCBased, icc_cmyk]),
        "/Cal": pikepdf.Array([Name.CalRGB, Dictionary(WhitePoint=[0.95, 1, 1.09])]),
        "/Idx": pikepdf.Array([Name.Indexed, Name.DeviceRGB, 0, pikepdf.String(b"\xff\0\0")]),
        "/Sep": pikepdf.Array([Name.Separation, Name("/Gold"), Name.DeviceRGB,
                               Dictionary(FunctionType=2, Domain=[0, 1], N=1, C0=[0, 0, 0], C1=[1, 1, 0])]),
        "/SepK": pikepdf.Array([Name.Separation, Name("/Gold"), Name.DeviceCMYK,
                                Dictionary(FunctionType=2, Domain=[0, 1], N=1, C0=[0, 0, 0, 0],
                                                   C1=[0, 0, 1, 0])]),
    }
    fine = [b"/Icc4 cs 0 0 0 1 scn", b"/SepK CS 1 SCN", b"0 0 0 1 k", b"0.5 g", b"/DeviceCMYK cs 0 0 0 1 sc"]
    bad = [b"1 0 0 rg", b"1 0 0 RG", b"/DeviceRGB cs 1 0 0 sc", b"/Icc3 cs 1 0 0 scn", b"/Cal CS 1 0 0 SCN",
           b"/Idx cs 0 scn", b"/Sep cs 1 scn"]
    for index, snippet in enumerate(fine + bad):
        doc = _page_pdf(snippet + b" 0 0 10 10 re f")
        doc.pages[0].Resources.ColorSpace = doc.copy_foreign(pdf.make_indirect(Dictionary(spaces)))
        rules = _rgb_rules(doc, tmp_path / f"cs{index}.pdf")
        assert rules == (set() if snippet in fine else {"rgb-colour"}), snippet


def test_rgb_in_forms_annotations_shadings_groups_and_inline_images(tmp_path):
    pdf = _page_pdf(b"q 1 0 0 1 10 10 cm /Outer Do Q")
    inner = pdf.make_stream(b"0 1 0 RG 0 0 m 5 5 l S", Type=Name.XObject, Subtype=Name.Form,
                            BBox=[0, 0, 10, 10])
    outer = pdf.make_stream(b"/Inner Do", Type=Name.XObject, Subtype=Name.Form, BBox=[0, 0, 10, 10],
                            Resources=Dictionary(XObject=Dictionary(Inner=inner)))
    pdf.pages[0].Resources.XObject = Dictionary(Outer=outer)
    assert _rgb_rules(pdf, tmp_path / "nested.pdf") == {"rgb-colour"}
    report = check_pdf(tmp_path / "nested.pdf", variant="print")
    assert "Form XObject /Outer > Form XObject /Inner" in by_rule(report, "rgb-colour")[0].message

    pdf = _page_pdf(b"")
    appearance = pdf.make_stream(b"1 0 0 rg 0 0 5 5 re f", Type=Name.XObject, Subtype=Name.Form,
                                 BBox=[0, 0, 5, 5])
    pdf.pages[0].obj.Annots = pdf.make_indirect(pikepdf.Array([pdf.make_indirect(Dictionary(
        Type=Name.Annot, Subtype=Name.Square, Rect=[0, 0, 5, 5],
        AP=Dictionary(N=appearance)))]))
    assert _rgb_rules(pdf, tmp_path / "annot.pdf") == {"rgb-colour"}

    def shading() -> Dictionary:
        # A fresh object each time: pikepdf ties a direct object to the first Pdf it is put in.
        return Dictionary(ShadingType=2, ColorSpace=Name.DeviceRGB, Coords=[0, 0, 1, 0],
                          Function=Dictionary(FunctionType=2, Domain=[0, 1], N=1, C0=[1, 0, 0], C1=[0, 0, 1]))

    pdf = _page_pdf(b"/Sh0 sh", {"/Shading": Dictionary(Sh0=shading())})
    assert _rgb_rules(pdf, tmp_path / "sh.pdf") == {"rgb-colour"}
    pattern = Dictionary(PatternType=2, Shading=shading())
    pdf = _page_pdf(b"/Pattern cs /P0 scn 0 0 10 10 re f", {"/Pattern": Dictionary(P0=pattern)})
    assert _rgb_rules(pdf, tmp_path / "pattern.pdf") == {"rgb-colour"}

    pdf = _page_pdf(b"/Pattern cs /T0 scn 0 0 10 10 re f")
    tile = pdf.make_stream(b"0 0 1 rg 0 0 2 2 re f", PatternType=1, PaintType=1, TilingType=1,
                           BBox=[0, 0, 4, 4], XStep=4, YStep=4, Resources=Dictionary())
    pdf.pages[0].Resources.Pattern = Dictionary(T0=tile)
    assert _rgb_rules(pdf, tmp_path / "tiling.pdf") == {"rgb-colour"}

    group = Dictionary(Type=Name.Group, S=Name.Transparency, CS=Name.DeviceRGB)
    assert _rgb_rules(_page_pdf(b"", Group=group), tmp_path / "group.pdf") == {"rgb-group"}

    inline = b"q 10 0 0 10 0 0 cm BI /W 2 /H 2 /CS /RGB /BPC 8 ID " + bytes(12) + b" EI Q"
    assert _rgb_rules(_page_pdf(inline), tmp_path / "inline.pdf") == {"rgb-image"}
    inline_cmyk = b"q 10 0 0 10 0 0 cm BI /W 2 /H 2 /CS /CMYK /BPC 8 ID " + bytes(16) + b" EI Q"
    assert _rgb_rules(_page_pdf(inline_cmyk), tmp_path / "inline-cmyk.pdf") == set()


def test_image_resolution_from_the_ctm(tmp_path):
    pdf = _page_pdf(b"q 72 0 0 72 10 10 cm /Low Do Q q 0 36 -36 0 100 100 cm /High Do Q")
    low = pdf.make_stream(zlib.compress(bytes(100 * 100 * 4)), Type=Name.XObject,
                          Subtype=Name.Image, Width=100, Height=100, ColorSpace=Name.DeviceCMYK,
                          BitsPerComponent=8, Filter=Name.FlateDecode)
    high = pdf.make_stream(zlib.compress(bytes(200 * 200)), Type=Name.XObject,
                           Subtype=Name.Image, Width=200, Height=200, ColorSpace=Name.DeviceGray,
                           BitsPerComponent=8, Filter=Name.FlateDecode)
    pdf.pages[0].Resources.XObject = Dictionary(Low=low, High=high)
    pdf.save(tmp_path / "ppi.pdf")
    report = check_pdf(tmp_path / "ppi.pdf", variant="print")
    [warning] = by_rule(report, "image-resolution")  # the rotated 200 px in half an inch is 400 ppi
    assert warning.level == "warning" and warning.page == 1 and "/Low" in warning.message
    assert "100 ppi" in warning.message
    screen = check_pdf(tmp_path / "ppi.pdf", variant="screen")
    assert {f.level for f in by_rule(screen, "image-resolution")} == {"info"}
    assert any("400 ppi" in f.message for f in by_rule(screen, "image-resolution"))


def test_boxes(tmp_path):
    mm = 72 / 25.4
    trim = [10 * mm, 10 * mm, 110 * mm, 160 * mm]
    good_bleed = [trim[0] - 3 * mm, trim[1] - 3 * mm, trim[2] + 3 * mm, trim[3] + 3 * mm]
    short_bleed = [trim[0] - 2 * mm, trim[1] - 3 * mm, trim[2] + 3 * mm, trim[3] + 3 * mm]
    media = [0, 0, 120 * mm, 170 * mm]

    def rules(name, **boxes):
        pdf = _page_pdf(b"")
        for key, value in boxes.items():
            pdf.pages[0].obj[Name("/" + key)] = value
        pdf.save(tmp_path / name)
        report = check_pdf(tmp_path / name, variant="print")
        return report.rules("error") & {"page-boxes", "bleed", "mediabox"}

    assert rules("good.pdf", MediaBox=media, TrimBox=trim, BleedBox=good_bleed) == set()
    assert rules("short.pdf", MediaBox=media, TrimBox=trim, BleedBox=short_bleed) == {"bleed"}
    assert rules("notrim.pdf", MediaBox=media, BleedBox=good_bleed) == {"page-boxes"}
    assert rules("small.pdf", MediaBox=trim, TrimBox=trim, BleedBox=good_bleed) == {"mediabox"}


# --------------------------------------------------------------------------- readers


def test_readers_agree_on_a_simple_file(tmp_path):
    path = render(tmp_path / "text.pdf", "<h1>Rapport annuel</h1><p>L’Agence publie son rapport&#8239;; "
                                         "il compte 1&#8239;733 pages.</p>", variant="screen")
    errors_seen: dict[str, str] = {}
    texts = preflight.readers_text(path, errors_seen)
    expected = {"pypdfium2", "pypdf"} | ({"pdftotext"} if shutil.which("pdftotext") else set())
    assert set(texts) == expected, errors_seen
    normalised = {name: normalise_text(text) for name, text in texts.items()}
    assert set(normalised.values()) == {"Rapport annuel L'Agence publie son rapport ; il compte 1 733 pages."}
    if shutil.which("gs"):
        ok, output = preflight.ghostscript_opens(path)
        assert ok, output
        assert preflight.ghostscript_opens(tmp_path / "missing.pdf")[0] is False
    report = check_pdf(path, readers=True)
    assert report.ok and "reader-text" not in report.rules(), format_table([report])


def test_normalise_text():
    assert normalise_text("co\u00adhé-\nsion  des\u202fterri\u2010\r\ntoires\u00a0: l’an ﬁn") == \
        "cohésion des territoires : l'an fin"
    assert normalise_text("  a\n\n\tb\f c ") == "a b c"
    assert normalise_text("désor\ufffe\r\nmais pro\ufffejets") == "désormais projets"  # pdfium's break mark


def test_fonts_in_forms_and_type3_fonts(tmp_path):
    pdf = _page_pdf(b"/Fm0 Do")
    helvetica = pdf.make_indirect(Dictionary(Type=Name.Font, Subtype=Name.Type1,
                                                     BaseFont=Name.Helvetica))
    glyph = pdf.make_stream(b"500 0 0 0 500 500 d1 0 0 500 500 re f")
    type3 = pdf.make_indirect(Dictionary(
        Type=Name.Font, Subtype=Name.Type3, FontBBox=[0, 0, 500, 500],
        FontMatrix=[0.001, 0, 0, 0.001, 0, 0], CharProcs=Dictionary(square=glyph),
        Encoding=Dictionary(Differences=[65, Name.square]), FirstChar=65, LastChar=65,
        Widths=[500]))
    form = pdf.make_stream(b"BT /F1 12 Tf (A) Tj /F2 12 Tf (A) Tj ET", Type=Name.XObject,
                           Subtype=Name.Form, BBox=[0, 0, 100, 100],
                           Resources=Dictionary(Font=Dictionary(F1=helvetica, F2=type3)))
    pdf.pages[0].Resources.XObject = Dictionary(Fm0=form)
    pdf.save(tmp_path / "fonts.pdf")
    report = check_pdf(tmp_path / "fonts.pdf")
    [missing] = by_rule(report, "font-embedded")
    assert missing.level == "error" and missing.page == 1 and "Helvetica" in missing.message
    assert [f.level for f in by_rule(report, "type3-font")] == ["warning"]


def test_malformed_content_is_a_finding(tmp_path):
    pdf = _page_pdf(b"/Self Do")
    form = pdf.make_indirect(pdf.make_stream(b"0 0 1 rg 0 0 1 1 re f /Self Do /Self Do",
                                             Type=Name.XObject, Subtype=Name.Form, BBox=[0, 0, 10, 10]))
    form.Resources = Dictionary(XObject=Dictionary(Self=form))  # a form drawing itself, twice
    pdf.pages[0].Resources.XObject = Dictionary(Self=form)
    pdf.add_blank_page(page_size=(200, 200))
    pdf.pages[1].obj.Contents = pdf.make_stream(b"(a) (b) (c) (d) (e) (f) cm 1 0 0 rg")
    pdf.save(tmp_path / "odd.pdf")
    report = check_pdf(tmp_path / "odd.pdf", variant="print")
    assert [f.page for f in by_rule(report, "rgb-colour")] == [1]
    assert [f.page for f in by_rule(report, "internal")] == [2]


# --------------------------------------------------------------------------- what independent readers see

NEW_RULES = {"stream-decode", "image-decode", "font-subset-name", "print-annotation", "typed-hyphen"}


def raw_pdf(objects: list[bytes]) -> bytes:
    """A PDF written byte by byte (pikepdf would repair what these tests break), with a valid xref."""
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


def photo(seed: int, size: tuple[int, int]):
    """A small picture with shapes, different for each seed."""
    import random

    from PIL import Image, ImageDraw

    rng = random.Random(seed)
    image = Image.new("RGB", size, (240, 240, 240))
    draw = ImageDraw.Draw(image)
    for _ in range(12):
        x, y, r = rng.randrange(size[0]), rng.randrange(size[1]), rng.randrange(5, size[1] // 2)
        draw.ellipse([x - r, y - r, x + r, y + r], fill=tuple(rng.randrange(256) for _ in range(3)))
    return image


def test_a_padding_page_with_an_empty_flate_stream_is_an_error_on_its_page(tmp_path):
    path = tmp_path / "padding.pdf"
    path.write_bytes(raw_pdf([
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R 4 0 R] /Count 2 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] /Contents 5 0 R >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] /Contents [5 0 R 6 0 R] >>",
        b"<< /Length 8 >>\nstream\n0 0 1 1 re f\n\nendstream",
        b"<< /Length 0 /Filter /FlateDecode >>\nstream\n\nendstream",
    ]))
    found = by_rule(check_pdf(path), "stream-decode")
    assert [(f.level, f.page) for f in found] == [("error", 2)], found
    assert "page 2" in found[0].message and "FlateDecode but holds no data" in found[0].message


def test_a_stream_that_does_not_inflate_is_an_error(tmp_path):
    path = tmp_path / "garbage.pdf"
    path.write_bytes(raw_pdf([
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] /Contents 4 0 R >>",
        b"<< /Length 9 /Filter /FlateDecode >>\nstream\nnot zlib!\nendstream",
    ]))
    found = by_rule(check_pdf(path), "stream-decode")
    assert found and found[0].page == 1 and "does not decode" in found[0].message


def test_a_flate_stream_cut_short_is_an_error(tmp_path):
    """What MuPDF calls `premature end of data in flate filter`."""
    cut = zlib.compress(b"0 0 1 1 re f\n" * 50)[:-8]
    path = tmp_path / "cut.pdf"
    path.write_bytes(raw_pdf([
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] /Contents 4 0 R >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(cut) + cut + b"\nendstream",
    ]))
    found = by_rule(check_pdf(path), "stream-decode")
    assert found and found[0].page == 1 and "ends before" in found[0].message, found


def test_an_image_holding_another_copys_data_is_named_by_its_source_file(tmp_path):
    images = tmp_path / "images"
    images.mkdir()
    photo(1, (300, 200)).save(images / "atelier.jpg")
    photo(2, (300, 200)).save(images / "autre.jpg")       # same proportions, other pixels
    photo(3, (200, 300)).save(images / "portrait.jpg")
    smaller = io.BytesIO()
    photo(1, (300, 200)).resize((150, 100)).save(smaller, "JPEG")   # the other copy's data
    pdf = pikepdf.new()
    pdf.add_blank_page(page_size=(300, 300))
    pdf.add_blank_page(page_size=(300, 300))
    image = pikepdf.Stream(pdf, smaller.getvalue())
    image.Type, image.Subtype, image.Filter = Name.XObject, Name.Image, Name.DCTDecode
    image.Width, image.Height, image.BitsPerComponent, image.ColorSpace = 300, 200, 8, Name.DeviceRGB
    page = pdf.pages[1]
    page.Resources = Dictionary(XObject=Dictionary(Im7=pdf.make_indirect(image)))
    page.Contents = pdf.make_stream(b"q 150 0 0 100 10 10 cm /Im7 Do Q")
    pdf.save(tmp_path / "photo.pdf")
    found = by_rule(check_pdf(tmp_path / "photo.pdf", images=images), "image-decode")
    assert len(found) == 1 and found[0].level == "error" and found[0].page == 2
    assert found[0].message.startswith("atelier.jpg, page 2: "), found[0].message
    assert "150×100 px" in found[0].message and "300×200 px" in found[0].message
    assert "/Im7" not in found[0].message
    unnamed = by_rule(check_pdf(tmp_path / "photo.pdf"), "image-decode")
    assert unnamed[0].message.startswith("the 300×200 px image on page 2"), unnamed[0].message


def test_subsets_laid_out_apart_under_one_name_are_an_error(tmp_path):
    """Two renders merged page by page, as the parts build does: WeasyPrint names each subset after
    the font alone, so the two different subsets carry one name."""
    first = render(tmp_path / "a.pdf", "<p>Bonjour</p>")
    second = render(tmp_path / "b.pdf", "<p>Zèbre quartz wagon</p>")
    with pikepdf.open(first) as merged, pikepdf.open(second) as other:
        merged.pages.extend(other.pages)
        merged.save(tmp_path / "apart.pdf")
    found = by_rule(check_pdf(tmp_path / "apart.pdf"), "font-subset-name")
    assert len(found) == 1 and found[0].level == "error", found
    assert "2 different subsets share the name" in found[0].message and "pages 1-2" in found[0].message
    assert not by_rule(check_pdf(first), "font-subset-name")


def test_a_link_inside_a_print_files_trim_is_an_error_but_not_in_screen(tmp_path):
    body = "<p>Écrire à <a href='mailto:presse@example.org'>presse@example.org</a></p>"
    found = by_rule(check_pdf(render(tmp_path / "print.pdf", body)), "print-annotation")
    assert found and found[0].level == "error" and found[0].page == 1
    assert "'mailto:presse@example.org'" in found[0].message
    assert not by_rule(check_pdf(render(tmp_path / "screen.pdf", body, variant="screen")), "print-annotation")


def test_hyphens_that_do_not_extract_as_typed_are_reported(tmp_path):
    found = by_rule(check_pdf(render(tmp_path / "nb.pdf", "<p>Île&#8209;de&#8209;France et ceux&#8208;ci</p>",
                                     variant="screen")), "typed-hyphen")
    assert found and found[0].page == 1 and "'Île-de-France'" in found[0].message, found
    typed = check_pdf(render(tmp_path / "typed.pdf", "<p>Île-de-France, 2010–2011</p>", variant="screen"))
    assert not by_rule(typed, "typed-hyphen")


def test_a_clean_print_file_with_a_photo_passes_the_reader_rules(tmp_path):
    body = f"<h1>Bonjour</h1><p>Île-de-France</p><img src='{png_uri()}' style='width: 20mm'>"
    report = check_pdf(render(tmp_path / "clean.pdf", body))
    assert not report.rules() & NEW_RULES, format_table([report])
