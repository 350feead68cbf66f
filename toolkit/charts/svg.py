"""Turn matplotlib's SVG into the element the HTML inlines: accessible, compact, CMYK in print."""
from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from .style import ColorBook

SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"
COLOR_PROPERTIES = ("fill", "stroke", "stop-color", "flood-color", "lighting-color", "color")
CLASS_GID = "class:"  # a matplotlib gid starting with this becomes the element's class
_REF = re.compile(r"url\(#([^)]+)\)")
_HEX = re.compile(r"#[0-9a-fA-F]{6}\b")
_NO_ROTATION = re.compile(r"^rotate\(-?0(?:\.0+)? [^)]*\)$")
_KEEP_TEXT = {"text", "tspan", "title", "desc"}
_DECIMAL = re.compile(r"-?\d+\.\d+")



def finish_svg(raw: str, *, title: str, desc: str, width_mm: float, height_mm: float,
               id_prefix: str, colors: ColorBook, font_family: str) -> str:
    """The `<svg>` element (no XML prolog), with `<title>`, `<desc>`, role and aria-label.

    In the print variant (`colors.style.cmyk` set) every colour becomes `device-cmyk(...)`;
    a colour that is not a theme colour raises `ValueError`.
    """
    root = ET.fromstring(raw[raw.index("<svg"):])
    _drop(root, {"metadata", "style"})
    _rename_ids(root, id_prefix)
    _unwrap_groups(root)
    print_variant = colors.style.cmyk is not None
    for element in root.iter():
        _tidy(element)
        _check_font(element, font_family)
        if print_variant:
            _to_cmyk(element, colors)
    ink = colors[colors.style.ink]
    attrs = {
        "xmlns": SVG_NS,
        "width": f"{_num(width_mm)}mm", "height": f"{_num(height_mm)}mm", "viewBox": root.get("viewBox", ""),
        "version": "1.1", "role": "img", "aria-label": desc,
        "fill": colors.device_cmyk(ink) if print_variant else ink,
        "stroke-linejoin": "round", "stroke-linecap": "butt",
    }
    root.attrib.clear()
    root.attrib.update(attrs)
    for index, (tag, text) in enumerate((("title", title), ("desc", desc))):
        element = ET.Element(tag)
        element.text = text
        root.insert(index, element)
    # Plain tag names and an xmlns attribute: ET's prefix registry is global, and other
    # libraries (WeasyPrint's metadata) change it, which would give `ns0:svg`.
    for element in root.iter():
        element.tag = _local(element.tag)
    text = ET.tostring(root, encoding="unicode")
    if print_variant and (_HEX.search(text) or "rgb(" in text):
        raise ValueError("an RGB colour is left in a print chart")
    return text


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _drop(root: ET.Element, names: set[str]) -> None:
    """Remove the named elements, then the `<defs>` they leave empty."""
    for parent in list(root.iter()):
        for child in list(parent):
            if _local(child.tag) in names:
                parent.remove(child)
    for parent in list(root.iter()):
        for child in list(parent):
            if _local(child.tag) == "defs" and len(child) == 0:
                parent.remove(child)


def _rename_ids(root: ET.Element, prefix: str) -> None:
    """Keep only referenced ids, renamed `<prefix>-<n>` (unique across the charts of a page)."""
    href = f"{{{XLINK_NS}}}href"
    referenced: list[str] = []
    for element in root.iter():
        for name, value in element.attrib.items():
            found = _REF.findall(value)
            if name in (href, "href") and value.startswith("#"):
                found.append(value[1:])
            referenced += [f for f in found if f not in referenced]
    new = {old: f"{prefix}-{n}" for n, old in enumerate(referenced, 1)}
    for element in root.iter():
        old = element.get("id")
        if old is not None:
            del element.attrib["id"]
            if old.startswith(CLASS_GID):
                element.set("class", old[len(CLASS_GID):])
            elif old in new:
                element.set("id", new[old])
        for name, value in list(element.attrib.items()):
            if name in (href, "href"):  # SVG 2 `href`: no xlink prefix to keep in HTML
                del element.attrib[name]
                element.set("href", "#" + new.get(value[1:], value[1:]))
            elif "url(#" in value:
                element.set(name, _REF.sub(lambda m: f"url(#{new.get(m.group(1), m.group(1))})", value))


def _tidy(element: ET.Element) -> None:
    """Drop layout whitespace, line breaks inside paths and no-op rotations."""
    if _local(element.tag) not in _KEEP_TEXT and element.text is not None and not element.text.strip():
        element.text = None
    if element.tail is not None and not element.tail.strip():
        element.tail = None
    if "d" in element.attrib:  # 0.01 pt is 0.004 mm: enough, and a third of the bytes
        element.set("d", _DECIMAL.sub(_round, " ".join(element.get("d", "").split())))
    if _NO_ROTATION.match(element.get("transform", "")):
        del element.attrib["transform"]


def _round(match: re.Match[str]) -> str:
    text = f"{float(match.group()):.2f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def _unwrap_groups(parent: ET.Element) -> None:
    """Replace attribute-less `<g>` wrappers (matplotlib nests them) by their children."""
    index = 0
    while index < len(parent):
        child = parent[index]
        _unwrap_groups(child)
        if _local(child.tag) == "g" and not child.attrib:
            parent.remove(child)
            for offset, grandchild in enumerate(list(child)):
                parent.insert(index + offset, grandchild)
            index += len(child)
        else:
            index += 1


def _style(element: ET.Element) -> dict[str, str]:
    declarations = (d.split(":", 1) for d in element.get("style", "").split(";") if ":" in d)
    return {k.strip(): v.strip() for k, v in declarations}


def _check_font(element: ET.Element, family: str) -> None:
    if _local(element.tag) != "text":
        return
    used = _style(element).get("font-family", element.get("font-family", ""))
    if used.strip("'\"") != family:
        raise ValueError(f"chart text {element.text!r} is set in {used!r}, not in {family!r}")


def _to_cmyk(element: ET.Element, colors: ColorBook) -> None:
    for name in COLOR_PROPERTIES:
        value = element.get(name)
        if value is not None and value.startswith("#"):
            element.set(name, colors.device_cmyk(value))
    style = _style(element)
    if any(v.startswith("#") or v.startswith("rgb") for k, v in style.items() if k in COLOR_PROPERTIES):
        for key in COLOR_PROPERTIES:
            if style.get(key, "").startswith("#"):
                style[key] = colors.device_cmyk(style[key])
            elif style.get(key, "").startswith("rgb"):
                raise ValueError(f"colour {style[key]} is not a theme colour")
        element.set("style", "; ".join(f"{k}: {v}" for k, v in style.items()))


def _num(value: float) -> str:
    return f"{value:.3f}".rstrip("0").rstrip(".")
