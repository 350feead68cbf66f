"""Small helpers over pikepdf objects: matrices, boxes, colour spaces, XMP, names, messages."""
from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from typing import Any

from .report import NS_RDF


# --------------------------------------------------------------------------- the checker


Matrix = tuple[float, float, float, float, float, float]
IDENTITY: Matrix = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)


def _mul(m: Matrix, n: Matrix) -> Matrix:
    """m then n (PDF row-vector convention: `cm` makes CTM' = M x CTM)."""
    a, b, c, d, e, f = m
    A, B, C, D, E, F = n
    return (a * A + b * C, a * B + b * D, c * A + d * C, c * B + d * D, e * A + f * C + E, e * B + f * D + F)


def _apply(m: Matrix, x: float, y: float) -> tuple[float, float]:
    return x * m[0] + y * m[2] + m[4], x * m[1] + y * m[3] + m[5]


def _page_ranges(pages: list[int]) -> str:
    ranges: list[str] = []
    start = previous = None
    for page in sorted(set(pages)):
        if start is None:
            start = previous = page
        elif page == previous + 1:
            previous = page
        else:
            ranges.append(f"{start}" if start == previous else f"{start}-{previous}")
            start = previous = page
    if start is not None:
        ranges.append(f"{start}" if start == previous else f"{start}-{previous}")
    return ", ".join(ranges)


def _parse_xmp(data: bytes) -> dict[str, str]:
    """Flatten XMP: '{namespace}name' -> text (first rdf:li of an Alt/Seq/Bag), attributes included."""
    start = data.find(b"<x:xmpmeta")
    if start < 0:
        start = data.find(b"<rdf:RDF")
    if start < 0:
        raise ValueError("no x:xmpmeta nor rdf:RDF element")
    end_tag = b"</x:xmpmeta>" if data[start:start + 10] == b"<x:xmpmeta" else b"</rdf:RDF>"
    end = data.find(end_tag, start)
    if end < 0:
        raise ValueError("unterminated XMP packet")
    root = ET.fromstring(data[start:end + len(end_tag)])
    values: dict[str, str] = {}
    for description in root.iter(f"{{{NS_RDF}}}Description"):
        for key, value in description.attrib.items():
            if not key.startswith(f"{{{NS_RDF}}}"):
                values.setdefault(key, value)
        for child in description:
            items = [li.text or "" for li in child.iter(f"{{{NS_RDF}}}li")]
            text = items[0] if items else (child.text or "")
            values.setdefault(child.tag, text.strip())
    return values


def _icc_space(profile: Any) -> str | None:
    """The colour space signature in an ICC profile header ('CMYK', 'RGB', 'GRAY', 'Lab')."""
    try:
        header = profile.read_bytes()[16:20]
    except Exception:  # noqa: BLE001
        return None
    return header.decode("ascii", errors="replace").strip() or None


def _rgb_space(space: Any, resources: Any, depth: int = 0) -> str | None:
    """A description if `space` (name, resource name or array) is RGB or rests on RGB, else None."""
    import pikepdf

    if space is None or depth > 8:
        return None
    if isinstance(space, pikepdf.Name):
        name = str(space)
        if name in ("/DeviceRGB", "/RGB"):
            return "DeviceRGB"
        if name in ("/DeviceCMYK", "/CMYK", "/DeviceGray", "/G", "/Pattern", "/Indexed", "/I"):
            return None
        resolved = _lookup(resources, "/ColorSpace", space)
        if resolved is None:
            return None
        inner = _rgb_space(resolved, resources, depth + 1)
        return f"{inner} (colour space {name})" if inner else None
    if isinstance(space, pikepdf.Array) and len(space) > 0:
        family = str(space[0])
        if family == "/ICCBased" and len(space) > 1:
            stream = space[1]
            n = int(stream.get("/N", 0)) if isinstance(stream, pikepdf.Stream) else 0
            if n == 3:
                signature = _icc_space(stream)
                if signature in (None, "RGB"):
                    return "ICCBased RGB (N 3)"
            return None
        if family == "/CalRGB":
            return "CalRGB"
        if family in ("/Indexed", "/I") and len(space) > 1:
            base = _rgb_space(space[1], resources, depth + 1)
            return f"Indexed on {base}" if base else None
        if family == "/Separation" and len(space) > 2:
            alternate = _rgb_space(space[2], resources, depth + 1)
            return f"Separation {space[1]} with {alternate} alternate" if alternate else None
        if family == "/DeviceN" and len(space) > 2:
            alternate = _rgb_space(space[2], resources, depth + 1)
            return f"DeviceN with {alternate} alternate" if alternate else None
        if family == "/Pattern" and len(space) > 1:
            base = _rgb_space(space[1], resources, depth + 1)
            return f"uncoloured pattern on {base}" if base else None
        if family in ("/DeviceRGB", "/RGB"):
            return "DeviceRGB"
    return None


def _space_name(space: Any) -> str:
    import pikepdf

    if space is None:
        return "no colour space"
    if isinstance(space, pikepdf.Name):
        return str(space)[1:]
    if isinstance(space, pikepdf.Array) and len(space):
        family = str(space[0])[1:]
        if family == "ICCBased" and isinstance(space[1], pikepdf.Stream):
            return f"ICCBased N {int(space[1].get('/N', 0))}"
        return family
    return "?"


def _key(obj: Any) -> tuple[int, int]:
    """Identity of a PDF object: its object number, or the Python id of a direct object."""
    return obj.objgen if obj.objgen != (0, 0) else (id(obj), -1)


def _lookup(resources: Any, category: str, name: Any) -> Any:
    if resources is None:
        return None
    try:
        group = resources.get(category)
        return None if group is None else group.get(name)
    except Exception:  # noqa: BLE001
        return None


def _inherited(page: Any, key: str) -> Any:
    node, hops = page, 0
    while node is not None and hops < 64:
        if key in node:
            return node[key]
        node = node.get("/Parent")
        hops += 1
    return None


def _filters(stream: Any) -> list[str]:
    import pikepdf

    value = stream.get("/Filter")
    if value is None:
        return []
    return [str(v) for v in value] if isinstance(value, pikepdf.Array) else [str(value)]


def _named_destinations(pdf: Any, pk: Any) -> dict[str, Any]:
    """Every named destination: /Names /Dests (a name tree of strings) and the old /Dests dictionary."""
    named: dict[str, Any] = {}
    root = pdf.Root
    old = root.get("/Dests")
    if isinstance(old, pk.Dictionary):
        for key, value in old.items():
            named[key.removeprefix("/")] = value
    names = root.get("/Names")
    tree = names.get("/Dests") if isinstance(names, pk.Dictionary) else None
    seen: set[tuple] = set()
    stack = [tree] if isinstance(tree, pk.Dictionary) else []
    while stack:
        node = stack.pop()
        if node.objgen != (0, 0):
            if node.objgen in seen:
                continue
            seen.add(node.objgen)
        pairs = node.get("/Names")
        if isinstance(pairs, pk.Array):
            items = list(pairs)
            for i in range(0, len(items) - 1, 2):
                named.setdefault(str(items[i]), items[i + 1])
        kids = node.get("/Kids")
        if isinstance(kids, pk.Array):
            stack.extend(k for k in kids if isinstance(k, pk.Dictionary))
    return named


def _resolve_role(tag: Any, rolemap: Any) -> Any:
    seen = set()
    while tag in rolemap and str(tag) not in seen and len(seen) < 16:
        seen.add(str(tag))
        tag = rolemap[tag]
    return tag


def _matrix(value: Any) -> Matrix | None:
    try:
        if value is not None and len(value) == 6:
            return tuple(float(v) for v in value)  # type: ignore[return-value]
    except (TypeError, ValueError):
        pass
    return None


def _box(value: Any) -> list[float]:
    x0, y0, x1, y1 = (float(v) for v in list(value)[:4])
    return [min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1)]


def _fmt_box(box: list[float]) -> str:
    return "[" + " ".join(f"{v:.2f}" for v in box) + "]"


def _version_number(text: str) -> float:
    match = re.match(r"(\d+)\.(\d+)", text)
    return float(f"{match.group(1)}.{match.group(2)}") if match else 0.0


def _human_size(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{size / 1024 / 1024:.1f} MiB"
    if size >= 1024:
        return f"{size / 1024:.0f} KiB"
    return f"{size} bytes"


def _short(value: Any, limit: int = 300) -> str:
    text = str(value).replace("\n", " ").strip()
    return text if len(text) <= limit else text[:limit - 3] + "..."


def _first_lines(text: str, count: int) -> str:
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return _short(" | ".join(lines[:count]) + (" | ..." if len(lines) > count else ""), 500)

