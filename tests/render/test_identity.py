"""The logo slot: `identity: logo:` in publication.yaml, an SVG of images/ drawn on the covers and the
press release letterhead. The corpus's fictional logo (tests/corpus/generate.py) is built for real;
hostile and broken artwork is refused or cleaned."""
from __future__ import annotations

import textwrap
import xml.etree.ElementTree as ET
from pathlib import Path

import pikepdf
import pytest

from support import page_texts
from toolkit.errors import ContentError
from toolkit.identity import clean_logo, print_color
from toolkit.preflight import check_pdf
from toolkit.theme import load_theme
from toolkit.validate import load_publication

CORPUS = Path(__file__).parents[1] / "corpus"
LOGO_COLOURS = {"#1d2b6b": "theme primary", "#3c9a5f": "not a theme colour", "#f2b134": "not a theme colour",
                "#000000": "black", "#8c8c8c": "grey"}


@pytest.fixture(scope="module")
def corpus_logo_builds(corpus_builds):
    """The corpus's press release (letterhead) and report (covers), both variants."""
    return corpus_builds


def page_colours(pdf: pikepdf.Pdf, index: int) -> list[tuple[str, tuple[float, ...]]]:
    """(operator or colour space, operands) of every colour set on a page and the forms it draws."""
    found: list[tuple[str, tuple[float, ...]]] = []

    def walk(stream, resources) -> None:
        for operands, operator in pikepdf.parse_content_stream(stream):
            name = str(operator)
            if name in ("rg", "RG", "k", "K", "g", "G", "sc", "scn", "SC", "SCN"):
                found.append((name, tuple(float(v) for v in operands if not isinstance(v, pikepdf.Name))))
            elif name in ("cs", "CS"):
                found.append((name + str(operands[0]), ()))
            elif name == "Do":
                xobject = resources.get("/XObject", {}).get(operands[0])
                if xobject is not None and xobject.get("/Subtype") == "/Form":
                    walk(xobject, xobject.get("/Resources", resources))

    page = pdf.pages[index]
    walk(page, page.Resources)
    return found


def cmyk_of(colour: str) -> tuple[float, ...]:
    theme = load_theme("agence")
    value = print_color(colour, theme.tokens["colors"], theme.output_profile)
    return tuple(float(v) for v in value[len("device-cmyk("):-1].split())


@pytest.mark.parametrize("name, page", [("corpus-communique", 0), ("corpus-rapport", 0), ("corpus-rapport", -1)])
def test_the_logo_prints_in_cmyk_where_the_name_was(corpus_logo_builds, name, page) -> None:
    result = corpus_logo_builds[(name, "print")]
    with pikepdf.open(result.path) as pdf:
        colours = page_colours(pdf, page)
    assert not [c for c in colours if c[0] in ("rg", "RG", "csDeviceRGB", "CSDeviceRGB")], colours
    values = {operands for _, operands in colours}
    for colour, what in LOGO_COLOURS.items():
        assert tuple(round(v, 3) for v in cmyk_of(colour)) in {tuple(round(v, 3) for v in o) for o in values}, what
    assert cmyk_of("#1d2b6b") == (1, 0.85, 0.1, 0.2)       # the theme's own CMYK value
    assert cmyk_of("#8c8c8c")[:3] == (0, 0, 0)             # greys in black ink only
    assert all(cmyk_of(c)[:3] != (0, 0, 0) for c in ("#3c9a5f", "#f2b134"))  # colours through the profile
    # The artwork replaces the typeset name; nothing else of the page is lost.
    text = page_texts(result.path)[page]
    assert "Organisme fictif de test" not in text
    assert not [w for w in result.warnings if "Anchor defined twice" in w]  # ids are unique per place


def test_the_files_with_a_logo_pass_the_preflight(corpus_logo_builds) -> None:
    for (name, variant), result in corpus_logo_builds.items():
        report = check_pdf(result.path, images=CORPUS / name / "images")
        assert report.ok, (name, variant, [f for f in report.findings if f.level == "error"])


def test_the_screen_logo_is_a_figure_named_after_the_organisation(corpus_logo_builds) -> None:
    with pikepdf.open(corpus_logo_builds[("corpus-communique", "screen")].path) as pdf:
        alts = [str(element.get("/Alt")) for element in _structure(pdf.Root.StructTreeRoot)
                if element.get("/S") == "/Figure"]
    assert "Organisme fictif de test" in alts


def _structure(node):
    kids = node.get("/K")
    if kids is None:
        return
    for kid in (kids if isinstance(kids, pikepdf.Array) else [kids]):
        if isinstance(kid, pikepdf.Dictionary) and kid.get("/S") is not None:
            yield kid
            yield from _structure(kid)


# ---------------------------------------------------------------- cleaning

HOSTILE = """\
<?xml version="1.0"?>
<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="120" height="40"
     onload="alert(1)">
  <style>.a { fill: #123456; background: url(http://127.0.0.1:9/s.png) } @import url(http://127.0.0.1:9/x.css);</style>
  <script>fetch('http://127.0.0.1:9/')</script>
  <a href="http://127.0.0.1:9/"><rect width="10" height="10"/></a>
  <image href="file:///etc/passwd" width="5" height="5"/>
  <image xlink:href="http://127.0.0.1:9/i.png" width="5" height="5"/>
  <use xlink:href="http://127.0.0.1:9/o.svg#x"/>
  <use href="#keep"/>
  <foreignObject width="5" height="5"><div xmlns="http://www.w3.org/1999/xhtml">x</div></foreignObject>
  <path id="keep" class="a" d="M0 0 H10 V10 Z" onclick="x()" style="fill: url(http://127.0.0.1:9/f.svg#p); stroke: #ff0000"/>
  <rect x="20" width="10" height="10" fill="url(#keep)" filter="url(http://127.0.0.1:9/f.svg#b)"/>
</svg>
"""


def test_a_hostile_logo_is_reduced_to_its_drawing(tmp_path: Path) -> None:
    path = tmp_path / "logo.svg"
    path.write_text(HOSTILE, encoding="utf-8")
    svg = clean_logo(path)
    written = ET.tostring(svg, encoding="unicode")
    tags = {element.tag for element in svg.iter()}
    assert tags <= {"svg", "path", "rect", "use"}, tags
    assert "http" not in written.replace("http://www.w3.org/2000/svg", "") and "file:" not in written
    assert "on" not in {key[:2] for element in svg.iter() for key in element.attrib}
    assert "style" not in written and "filter" not in written
    path_element = next(svg.iter("path"))
    assert path_element.get("stroke") == "#ff0000" and path_element.get("fill") == "#123456"
    assert [u.get("href") for u in svg.iter("use")] == ["#keep"]
    assert svg.get("class") == "identity-logo" and svg.get("height") == "14mm" and svg.get("width") == "42.00mm"


@pytest.mark.parametrize("text, line, message", [
    ('<svg xmlns="http://www.w3.org/2000/svg">\n<text x="1">OFT</text></svg>', 2,
     "the logo holds text (<text>): convert its text to outlines"),
    ('<svg xmlns="http://www.w3.org/2000/svg"><defs>\n<linearGradient id="g"/></defs></svg>', 2,
     "the logo paints with a <linearGradient>, which the print file cannot draw in CMYK"),
    ('<?xml version="1.0"?>\n<!DOCTYPE svg [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]>\n<svg>&b;</svg>', 2,
     "the logo declares entities"),
    ('<svg xmlns="http://www.w3.org/2000/svg"><rect fill="hsl(0, 50%, 50%)"/></svg>', 0,
     "the logo gives colour 'hsl(0, 50%, 50%)'"),
    ('<svg xmlns="http://www.w3.org/2000/svg"><rect>\n</svg>', 2, "the logo is not readable SVG"),
    ('<html><body/></html>', 1, "the logo's root element is <html>, not <svg>"),
])
def test_artwork_that_cannot_be_printed_is_a_located_error(tmp_path: Path, text, line, message) -> None:
    root = publication_with_logo(tmp_path, "logo.svg")
    (root / "images" / "logo.svg").write_text(text, encoding="utf-8")
    problems = [str(p) for p in load_problems(root)]
    assert len(problems) == 1 and message in problems[0], problems
    assert problems[0].startswith(f"{root / 'images' / 'logo.svg'}{':' + str(line) if line else ''}: error:") or \
        problems[0].startswith(f"images/logo.svg{':' + str(line) if line else ''}: error:"), problems


@pytest.mark.parametrize("name, message", [
    ("absent.svg", "identity: logo: no file 'absent.svg' in images/"),
    ("logo.png", "identity: logo: 'logo.png' is not an .svg file"),
    ("../outside.svg", "not a plain file name inside images/"),
    ("http://127.0.0.1:9/logo.svg", "is a URL"),
    ("lien.svg", "leads outside the publication (symbolic link)"),
])
def test_a_logo_the_publication_cannot_use_is_reported_at_its_line(tmp_path: Path, name, message) -> None:
    outside = tmp_path / "outside.svg"
    outside.write_text('<svg xmlns="http://www.w3.org/2000/svg"/>', encoding="utf-8")
    root = publication_with_logo(tmp_path, name)
    (root / "images" / "lien.svg").symlink_to(outside)
    (root / "images" / "logo.png").write_bytes(b"\x89PNG")
    problems = [str(p) for p in load_problems(root)]
    assert len(problems) == 1 and message in problems[0], problems
    assert problems[0].endswith(".svg") or "publication.yaml:5: error: identity: logo:" in problems[0], problems


def test_every_problem_is_reported_at_once(tmp_path: Path) -> None:
    root = publication_with_logo(tmp_path, "absent.svg")
    (root / "sections" / "01.md").write_text("---\ntitle: T\ncolumns: 7\n---\nTexte.\n", encoding="utf-8")
    problems = [str(p) for p in load_problems(root)]
    assert any("identity: logo:" in p for p in problems) and any("'columns'" in p for p in problems), problems


def publication_with_logo(tmp_path: Path, logo: str) -> Path:
    root = tmp_path / "avec-logo"
    (root / "sections").mkdir(parents=True)
    (root / "images").mkdir()
    (root / "publication.yaml").write_text(textwrap.dedent(f"""\
        title: T
        organisation: Agence
        kind: report
        identity:
          logo: "{logo}"
        parts: [01.md]
        """), encoding="utf-8")
    (root / "sections" / "01.md").write_text("---\ntitle: T\n---\nTexte.\n", encoding="utf-8")
    return root


def load_problems(root: Path) -> list:
    with pytest.raises(ContentError) as raised:
        load_publication(root)
    return raised.value.problems
