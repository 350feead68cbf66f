"""Preflight rule for screen files: text contrast (WCAG 2.2 1.4.3, RGAA 3.2).

Every text operator of every page is read with its fill colour, its size on the page and the colour of
the rectangle painted under it (the page is white where nothing is). Text under 4.5:1 — 3:1 when large:
18 pt, or 14 pt bold — is reported, one line per page and colour pair. Text in an artifact counts too:
a running head must be readable. Images under text are not seen (a person checks photos with text).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterator

Matrix = tuple[float, float, float, float, float, float]
IDENTITY: Matrix = (1, 0, 0, 1, 0, 0)
WHITE = (1.0, 1.0, 1.0)
NORMAL_MINIMUM, LARGE_MINIMUM = 4.5, 3.0
LARGE_PT, LARGE_BOLD_PT = 18.0, 14.0
TEXT_OPERATORS = {"Tj", "TJ", "'", '"'}


@dataclass(frozen=True)
class LowContrast:
    page: int
    ratio: float
    text: tuple[float, float, float]
    background: tuple[float, float, float]
    size: float
    minimum: float

    def message(self) -> str:
        return (f"text {_hex(self.text)} on {_hex(self.background)} at {self.size:.1f} pt has contrast "
                f"{self.ratio:.2f}:1, under {self.minimum:g}:1: use the theme's screen-safe colour for "
                "small text (`rgb_text` in theme.yaml)")


def relative_luminance(rgb: tuple[float, float, float]) -> float:
    def channel(c: float) -> float:
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4
    r, g, b = (channel(c) for c in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast_ratio(a: tuple[float, float, float], b: tuple[float, float, float]) -> float:
    la, lb = sorted((relative_luminance(a), relative_luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def low_contrast_text(pdf: Any) -> list[LowContrast]:
    """Text under its minimum contrast, once per page, colours and minimum (the smallest size kept)."""
    found: dict[tuple, LowContrast] = {}
    for number, page in enumerate(pdf.pages, start=1):
        for colour, background, size, bold in _page_text(page):
            large = size >= LARGE_PT or (bold and size >= LARGE_BOLD_PT)
            minimum = LARGE_MINIMUM if large else NORMAL_MINIMUM
            ratio = contrast_ratio(colour, background)
            if ratio < minimum:
                key = (number, colour, background, minimum)
                if key not in found or size < found[key].size:
                    found[key] = LowContrast(number, ratio, colour, background, size, minimum)
    return list(found.values())


@dataclass
class _State:
    ctm: Matrix = IDENTITY
    fill: tuple[float, float, float] = (0.0, 0.0, 0.0)


@dataclass
class _Reader:
    resources: Any
    backgrounds: list[tuple[float, float, float, float, tuple[float, float, float]]] = field(default_factory=list)


def _page_text(page: Any) -> Iterator[tuple[tuple[float, float, float], tuple[float, float, float], float, bool]]:
    import pikepdf

    reader = _Reader(page.obj.get("/Resources"))
    stack: list[_State] = []
    state = _State()
    path: list[tuple[float, float, float, float]] = []
    font_size, font_bold, text_matrix, invisible = 0.0, False, IDENTITY, False
    for operands, operator in pikepdf.parse_content_stream(page):
        op = str(operator)
        if op == "q":
            stack.append(_State(state.ctm, state.fill))
        elif op == "Q" and stack:
            state = stack.pop()
        elif op == "cm":
            state.ctm = _mul(tuple(float(v) for v in operands), state.ctm)
        elif op in ("rg", "sc", "scn") and len(operands) == 3:
            state.fill = tuple(float(v) for v in operands)
        elif op == "g" and len(operands) == 1:
            state.fill = (float(operands[0]),) * 3
        elif op == "re":
            path.append(tuple(float(v) for v in operands))
        elif op in ("f", "f*", "F", "B", "b"):
            if len(path) == 1:  # one rectangle filled: a background (borders are two, filled even-odd)
                reader.backgrounds.append((*_device_box(path[0], state.ctm), state.fill))
            path = []
        elif op in ("n", "S", "s"):
            path = []
        elif op == "BT":
            text_matrix = IDENTITY
        elif op == "Tf":
            font_size = float(operands[1])
            font_bold = _is_bold(reader.resources, operands[0])
        elif op == "Tm":
            text_matrix = tuple(float(v) for v in operands)
        elif op == "Tr":
            invisible = int(operands[0]) in (3, 7)  # neither filled nor stroked: nothing to read
        elif op in TEXT_OPERATORS and not invisible:
            matrix = _mul(text_matrix, state.ctm)
            scale = (abs(matrix[0] * matrix[3] - matrix[1] * matrix[2])) ** 0.5
            x, y = matrix[4], matrix[5]
            yield state.fill, _background_at(reader.backgrounds, x, y), font_size * scale, font_bold


def _is_bold(resources: Any, name: Any) -> bool:
    try:
        base = str(resources.Font[str(name)].get("/BaseFont", ""))
    except (AttributeError, KeyError, TypeError):
        return False
    return any(word in base for word in ("Bold", "Black", "Heavy"))


def _background_at(backgrounds: list, x: float, y: float) -> tuple[float, float, float]:
    """The last rectangle painted under the point (painters' order), white if none."""
    for x0, y0, x1, y1, colour in reversed(backgrounds):
        if x0 <= x <= x1 and y0 <= y <= y1:
            return colour
    return WHITE


def _device_box(rect: tuple[float, float, float, float], ctm: Matrix) -> tuple[float, float, float, float]:
    x, y, w, h = rect
    points = [_apply(ctm, px, py) for px, py in ((x, y), (x + w, y), (x, y + h), (x + w, y + h))]
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    return min(xs), min(ys), max(xs), max(ys)


def _mul(m: Any, n: Any) -> Matrix:
    a, b, c, d, e, f = m
    A, B, C, D, E, F = n
    return (a * A + b * C, a * B + b * D, c * A + d * C, c * B + d * D, e * A + f * C + E, e * B + f * D + F)


def _apply(m: Matrix, x: float, y: float) -> tuple[float, float]:
    return (m[0] * x + m[2] * y + m[4], m[1] * x + m[3] * y + m[5])


def _hex(rgb: tuple[float, float, float]) -> str:
    return "#" + "".join(f"{round(c * 255):02x}" for c in rgb)
