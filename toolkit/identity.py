"""The organisation's logo artwork.

`identity: {logo: logo.svg}` in publication.yaml names an SVG file of the publication's images/ folder.
It is drawn on the covers and the press release letterhead where the organisation's name would be
typeset; without it the typeset name stays. The file is read once, at validation, and cleaned: drawing
elements and their geometry only (no script, style sheet, link, embedded image or foreign content, no
reference outside the file), colours written as presentation attributes. In print every colour becomes
CMYK as the charts' do: a theme colour takes the theme's CMYK value, a grey black ink only, any other
colour its value in the printer's profile.
"""
from __future__ import annotations

import copy
import re
import xml.etree.ElementTree as ET
from functools import lru_cache
from pathlib import Path
from typing import Any

from markupsafe import Markup

from .errors import Problems
from .resources import image_name_problem

SVG_NS = "http://www.w3.org/2000/svg"
MAX_LOGO_BYTES = 512 * 1024
LOGO_HEIGHT_MM = 14  # the theme's CSS may change it (svg.identity-logo)

DRAWING = {"svg", "g", "path", "rect", "circle", "ellipse", "line", "polyline", "polygon", "defs", "use",
           "symbol", "clipPath", "mask", "title", "desc"}
# WeasyPrint 70 writes an SVG gradient's colours as RGB whatever they are: in CMYK it draws nothing.
GRADIENTS = {"linearGradient", "radialGradient", "pattern"}
# Text needs a font the build does not have: a printer asks for logos with their text in outlines.
TEXT = {"text", "tspan", "textPath", "font", "font-face"}
COLOR_PROPERTIES = {"fill", "stroke", "stop-color", "flood-color", "color"}
PRESENTATION = COLOR_PROPERTIES | {
    "fill-opacity", "fill-rule", "stroke-width", "stroke-linecap", "stroke-linejoin", "stroke-miterlimit",
    "stroke-dasharray", "stroke-dashoffset", "stroke-opacity", "stop-opacity", "opacity", "clip-rule",
    "clip-path", "mask", "display", "visibility"}
GEOMETRY = {"d", "x", "y", "width", "height", "rx", "ry", "cx", "cy", "r", "x1", "y1", "x2", "y2", "fx", "fy",
            "points", "transform", "viewBox", "preserveAspectRatio", "id", "offset", "gradientUnits",
            "gradientTransform", "spreadMethod", "clipPathUnits", "maskUnits", "maskContentUnits", "href"}
NAMED_COLORS = {"black": "#000000", "white": "#ffffff", "red": "#ff0000", "blue": "#0000ff",
                "green": "#008000", "gray": "#808080", "grey": "#808080"}
UNPAINTED = {"none", "transparent", "currentcolor", "inherit"}


def logo_problems(root: Path, name: str, where: tuple[Path, int], problems: Problems) -> None:
    """Report why `name` (from `identity: logo:`) cannot be the logo; every problem at once."""
    refused = image_name_problem(name)
    path = root / "images" / name
    if refused:
        problems.error(*where, "identity: logo: " + refused.replace("image", "logo", 1))
    elif not name.lower().endswith(".svg"):
        problems.error(*where, f"identity: logo: '{name}' is not an .svg file: export the logo as SVG")
    elif not path.is_file():
        problems.error(*where, f"identity: logo: no file '{name}' in images/: copy the logo's SVG file there")
    elif not path.resolve().is_relative_to((root / "images").resolve()) \
            or not path.resolve().is_relative_to(root.resolve()):
        problems.error(*where, f"identity: logo: '{name}' leads outside the publication (symbolic link): "
                               "copy the file instead")
    elif path.stat().st_size > MAX_LOGO_BYTES:
        problems.error(*where, f"identity: logo: '{name}' is larger than {MAX_LOGO_BYTES // 1024} KB: "
                               "simplify the artwork")
    else:
        try:
            clean_logo(path)
        except LogoError as error:
            problems.error(path, error.line, error.message)


class LogoError(Exception):
    def __init__(self, line: int, message: str):
        super().__init__(message)
        self.line, self.message = line, message


class Logo:
    """The publication's logo, cleaned and coloured for the variant; `svg(place)` gives the element for
    one place of the document (its ids are that place's: the logo is drawn on several pages)."""

    def __init__(self, svg: ET.Element, organisation: str):
        self.element, self.organisation = svg, organisation

    def svg(self, place: str) -> Markup:
        svg = copy.deepcopy(self.element)
        _rename_ids(svg, f"logo-{place}")
        svg.set("role", "img")
        svg.set("aria-label", self.organisation)
        title = ET.Element("title")
        title.text = self.organisation
        svg.insert(0, title)
        return Markup(ET.tostring(svg, encoding="unicode"))


def publication_logo(publication: Any, theme: Any, variant: str) -> Logo | None:
    """The logo `identity: logo:` names, its colours in CMYK for print; None without one."""
    identity = publication.meta.identity
    if identity is None or not identity.logo:
        return None
    svg = clean_logo(publication.root / "images" / identity.logo)
    if variant == "print":
        for element in svg.iter():
            for key in COLOR_PROPERTIES & set(element.attrib):
                element.set(key, print_color(element.get(key, ""), theme.tokens["colors"], theme.output_profile))
    return Logo(svg, publication.meta.organisation)


def _rename_ids(svg: ET.Element, prefix: str) -> None:
    """Ids the drawing refers to get the prefix; the others go (an id must be unique in the document)."""
    text = " ".join(value for element in svg.iter() for value in element.attrib.values())
    used = set(re.findall(r"url\(#([\w.:-]+)\)", text)) | set(re.findall(r"(?:^|\s)#([\w.:-]+)", text))
    for element in svg.iter():
        for key, value in list(element.attrib.items()):
            if key == "id":
                if value in used:
                    element.set("id", f"{prefix}-{value}")
                else:
                    del element.attrib["id"]
            elif key == "href" and value[1:] in used:
                element.set(key, f"#{prefix}-{value[1:]}")
            elif "url(#" in value:
                element.set(key, re.sub(r"url\(#([\w.:-]+)\)", rf"url(#{prefix}-\1)", value))


def clean_logo(path: Path) -> ET.Element:
    """The file's `<svg>` element, cleaned and sized; LogoError (with the line) for what cannot be drawn."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise LogoError(0, "the logo is not UTF-8 text: export it again as SVG") from None
    # Entities could expand without bound ("billion laughs") or read files: a DOCTYPE with an internal
    # subset is refused, a plain one removed.
    if re.search(r"<!DOCTYPE[^>]*\[|<!ENTITY", text):
        raise LogoError(_line_of(text, "<!"), "the logo declares entities (<!DOCTYPE … [ … ]>): export it "
                                              "again as plain SVG")
    text = re.sub(r"<!DOCTYPE[^>]*>", "", text)
    try:
        svg = ET.fromstring(text)
    except ET.ParseError as error:
        raise LogoError(error.position[0], f"the logo is not readable SVG: {error}") from None
    if _local(svg.tag) != "svg":
        raise LogoError(1, f"the logo's root element is <{_local(svg.tag)}>, not <svg>")
    for element in svg.iter():
        tag = _local(element.tag)
        if tag in TEXT:
            raise LogoError(_line_of(text, f"<{tag}"), f"the logo holds text (<{tag}>): convert its text to "
                                                       "outlines in the drawing program")
        if tag in GRADIENTS:
            raise LogoError(_line_of(text, f"<{tag}"), f"the logo paints with a <{tag}>, which the print file "
                                                       "cannot draw in CMYK: use flat colours")
    rules = _class_rules(svg)
    _keep_drawing(svg)
    for element in svg.iter():
        _clean_attributes(element, rules)
    colors = {element.get(key, "") for element in svg.iter() for key in COLOR_PROPERTIES & set(element.attrib)}
    unknown = sorted(value for value in colors if _rgb(value) is None and not _unpainted(value))
    if unknown:
        raise LogoError(0, f"the logo gives colour '{unknown[0]}', which is not #rrggbb, rgb() or a basic "
                           "colour name: export it with hexadecimal colours")
    svg.set("fill", svg.get("fill", "#000000"))  # SVG's default, written so that print converts it
    _size(svg)
    return svg


def print_color(value: str, theme_colors: dict, profile: Path) -> str:
    """`device-cmyk(...)` for a colour of the logo: the theme's value for a theme colour, black ink for a
    grey, the printer's profile for the rest."""
    rgb = _rgb(value)
    if rgb is None:
        return value  # none, url(#gradient), currentColor (the text colour, CMYK already)
    for token in theme_colors.values():
        if _rgb(str(token["rgb"])) == rgb:
            return _device_cmyk(tuple(float(v) for v in token["cmyk"]))
    if rgb[0] == rgb[1] == rgb[2]:
        return _device_cmyk((0, 0, 0, round(100 - rgb[0] / 2.55, 1)))
    return _device_cmyk(_profile_cmyk(rgb, str(profile)))


def _device_cmyk(cmyk: tuple[float, ...]) -> str:
    return "device-cmyk(" + " ".join(f"{round(v / 100, 4):g}" for v in cmyk) + ")"


@lru_cache(maxsize=256)
def _profile_cmyk(rgb: tuple[int, int, int], profile: str) -> tuple[float, ...]:
    from PIL import Image, ImageCms

    transform = ImageCms.buildTransform(ImageCms.createProfile("sRGB"), ImageCms.getOpenProfile(profile),
                                        "RGB", "CMYK",
                                        renderingIntent=ImageCms.Intent.RELATIVE_COLORIMETRIC)
    pixel = ImageCms.applyTransform(Image.new("RGB", (1, 1), rgb), transform).getpixel((0, 0))
    return tuple(round(v / 2.55, 1) for v in pixel)


def _rgb(value: str) -> tuple[int, int, int] | None:
    value = NAMED_COLORS.get(value.strip().lower(), value.strip().lower())
    if match := re.fullmatch(r"#([0-9a-f]{3}|[0-9a-f]{6})", value):
        digits = match.group(1)
        digits = "".join(c * 2 for c in digits) if len(digits) == 3 else digits
        return tuple(int(digits[i:i + 2], 16) for i in (0, 2, 4))  # type: ignore[return-value]
    if match := re.fullmatch(r"rgb\(\s*(\d{1,3})\s*,\s*(\d{1,3})\s*,\s*(\d{1,3})\s*\)", value):
        channels = tuple(min(255, int(v)) for v in match.groups())
        return channels  # type: ignore[return-value]
    return None


def _unpainted(value: str) -> bool:
    value = value.strip().lower()
    return value in UNPAINTED or bool(re.fullmatch(r"url\(#[\w.:-]+\)", value))


def _class_rules(svg: ET.Element) -> dict[str, dict[str, str]]:
    """`.cls-1 { fill: #123456 }` of the file's `<style>` elements (as drawing programs export them):
    {class: {property: value}}. Other selectors are left out."""
    rules: dict[str, dict[str, str]] = {}
    for element in svg.iter():
        if _local(element.tag) != "style":
            continue
        for selectors, body in re.findall(r"([^{}]+)\{([^}]*)\}", element.text or ""):
            declarations = _declarations(body)
            for selector in selectors.split(","):
                if re.fullmatch(r"\s*\.[\w-]+\s*", selector):
                    rules.setdefault(selector.strip()[1:], {}).update(declarations)
    return rules


def _declarations(body: str) -> dict[str, str]:
    pairs = (item.split(":", 1) for item in body.split(";") if ":" in item)
    return {name.strip(): value.strip() for name, value in pairs
            if name.strip() in PRESENTATION and _inside_file(value)}


def _inside_file(value: str) -> bool:
    """No `url()` but to the file's own elements."""
    return "url(" not in value or bool(re.fullmatch(r"\s*url\(#[\w.:-]+\)\s*", value))


def _keep_drawing(svg: ET.Element) -> None:
    for parent in list(svg.iter()):
        for child in list(parent):
            name = _local(child.tag)
            # (a <use> of another file's element is dropped with it)
            if name not in DRAWING or (name == "use" and not _own_reference(child)):
                parent.remove(child)


def _own_reference(element: ET.Element) -> bool:
    return any(_local(key) == "href" and value.startswith("#") for key, value in element.attrib.items())


def _clean_attributes(element: ET.Element, rules: dict[str, dict[str, str]]) -> None:
    """Geometry and presentation attributes only; class rules and the style attribute become attributes
    (no `url()` but to the file's own elements, no `href` but `#id`)."""
    styled: dict[str, str] = {}
    for name in (element.get("class") or "").split():
        styled.update(rules.get(name, {}))
    styled.update(_declarations(element.get("style") or ""))
    attributes = {_local(key): value for key, value in element.attrib.items()}
    attributes.update(styled)
    element.attrib.clear()
    for key, value in attributes.items():
        if key not in GEOMETRY | PRESENTATION:
            continue
        if (key == "href" and not value.startswith("#")) or not _inside_file(value):
            continue
        element.set(key, value)
    element.tag = _local(element.tag)


def _size(svg: ET.Element) -> None:
    """A fixed height, the width from the artwork's proportions."""
    box = [float(v) for v in re.split(r"[\s,]+", svg.get("viewBox", "").strip()) if _number(v)]
    if len(box) != 4 or box[2] <= 0 or box[3] <= 0:
        width, height = (_length(svg.get(key), default) for key, default in (("width", 100), ("height", 40)))
        box = [0, 0, width, height]
        svg.set("viewBox", f"0 0 {width:g} {height:g}")
    svg.set("height", f"{LOGO_HEIGHT_MM}mm")
    svg.set("width", f"{LOGO_HEIGHT_MM * box[2] / box[3]:.2f}mm")
    svg.set("class", "identity-logo")
    svg.set("xmlns", SVG_NS)


def _number(text: str) -> bool:
    return bool(re.fullmatch(r"-?\d+(\.\d+)?", text))


def _length(value: str | None, default: float) -> float:
    match = re.match(r"\s*(\d+(?:\.\d+)?)", value or "")
    return float(match.group(1)) if match and float(match.group(1)) > 0 else default


def _line_of(text: str, needle: str) -> int:
    index = text.find(needle)
    return text.count("\n", 0, index) + 1 if index >= 0 else 0


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""
