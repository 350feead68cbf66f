"""Draw a chart block with matplotlib into an SVG string, in the theme's fonts and colours.

matplotlib is imported inside the functions: importing `toolkit.charts` stays cheap, and a
cached chart never loads it.
"""
from __future__ import annotations

import hashlib
import io
import json
from pathlib import Path
from typing import Any

from ..errors import ContentError, Problem
from ..typography import french_text
from .models import ChartBlock, ChartData, Where, load_chart_data
from .style import ChartStyle, ColorBook
from .describe import chart_alternative
from .svg import CLASS_GID, finish_svg

MM_PER_PT = 25.4 / 72
LINE_HEIGHT = 1.2  # × font size
CAP_HEIGHT = 0.66  # Source Sans 3: cap height / em, to centre a line on a point
HASH_SALT = "toolkit-charts"
_registered_fonts: set[str] = set()


class LayoutError(ValueError):
    """The chart cannot be drawn legibly at its size (the message says what to change)."""


def render_chart(block: ChartBlock, style: ChartStyle, data_dir: Path, *, where: Where | None = None) -> str:
    """The chart as an `<svg>` element to inline in HTML (no XML prolog).

    Data problems raise `ContentError` (`path:line: error: message`); `where` is the block's
    file and line. Same block, data and style: byte-identical SVG.
    """
    where = where or (Path(f"chart {block.title!r}"), 0)
    data = load_chart_data(block, data_dir, where)
    try:
        return draw(block, data, style)
    except LayoutError as error:
        raise ContentError([Problem(where[0], where[1], str(error))]) from None


def draw(block: ChartBlock, data: ChartData, style: ChartStyle) -> str:
    """Draw checked data (see `load_chart_data`) and finish the SVG."""
    import matplotlib

    from . import bars, maps, parts

    colors = ColorBook(style)
    with matplotlib.rc_context(_rc(style)):
        setup_fonts(style)
        canvas = Canvas(block.width_mm, block.height_mm, style, colors)
        drawer = {"bar": bars.draw_bar, "column": bars.draw_column, "grouped": bars.draw_grouped,
                  "donut": parts.draw_donut, "waffle": parts.draw_waffle, "map": maps.draw_map}[block.type]
        drawer(canvas, block, data)
        raw = canvas.to_svg()
    # The SVG title becomes the Figure's /Alt in the screen file: the whole alternative, figures included.
    return finish_svg(raw, title=french_text(chart_alternative(block, data)), desc=french_text(block.alt),
                      width_mm=block.width_mm,
                      height_mm=block.height_mm, id_prefix=_id_prefix(block, data, style),
                      colors=colors, font_family=style.font_family)


def _rc(style: ChartStyle) -> dict[str, Any]:
    return {
        
        
        "svg.fonttype": "none",  # text stays text, set by WeasyPrint through @font-face
        "svg.hashsalt": HASH_SALT,  # stable clip-path ids
        "font.family": [style.font_family],
        "font.size": style.font_size_pt,
        "text.hinting": "none",  # hinted advances at 72 dpi measure text 4 % short
        "axes.unicode_minus": False,
        "text.usetex": False,
    }


def _id_prefix(block: ChartBlock, data: ChartData, style: ChartStyle) -> str:
    payload = json.dumps([block.model_dump(mode="json"), data.as_json(), style.variant], sort_keys=True)
    return "chart-" + hashlib.sha256(payload.encode()).hexdigest()[:10]


def setup_fonts(style: ChartStyle) -> None:
    """Register the theme's font files with matplotlib and check it measures text with them."""
    from matplotlib import font_manager

    for path in style.font_files:
        if str(path) not in _registered_fonts:
            if not Path(path).is_file():
                raise FileNotFoundError(f"chart font file not found: {path}")
            font_manager.fontManager.addfont(str(path))
            _registered_fonts.add(str(path))
    allowed = {Path(p).resolve() for p in style.font_files}
    for weight in (400, 600, 700):
        props = font_manager.FontProperties(family=style.font_family, weight=weight)
        found = Path(font_manager.findfont(props, fallback_to_default=False)).resolve()
        if found not in allowed:
            raise RuntimeError(f"matplotlib would set {style.font_family!r} ({weight}) with {found}, "
                               "not with a font file of the theme")


class Canvas:
    """A figure whose coordinates are millimetres from the top left corner (y down)."""

    def __init__(self, width_mm: float, height_mm: float, style: ChartStyle, colors: ColorBook):
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure

        self.width, self.height = width_mm, height_mm
        self.style, self.colors = style, colors
        self.figure = Figure(figsize=(width_mm / 25.4, height_mm / 25.4), dpi=72)
        self.figure.patch.set_visible(False)
        FigureCanvasAgg(self.figure)
        self.renderer = self.figure.canvas.get_renderer()
        self.ax = self.figure.add_axes((0, 0, 1, 1))
        self.ax.set_xlim(0, width_mm)
        self.ax.set_ylim(height_mm, 0)
        self.ax.set_axis_off()
        self._charmap = _charmap(tuple(str(p) for p in style.font_files))
        self.size = style.font_size_pt

    # text ---------------------------------------------------------------------------------
    def _props(self, size: float, weight: int):
        from matplotlib.font_manager import FontProperties

        return FontProperties(family=self.style.font_family, size=size, weight=weight)

    def check_glyphs(self, text: str) -> None:
        missing = sorted({ch for ch in text if ord(ch) not in self._charmap and ch not in "\n"})
        if missing:
            names = ", ".join(f"{ch!r} (U+{ord(ch):04X})" for ch in missing)
            raise LayoutError(f"the theme font {self.style.font_family!r} has no glyph for {names} "
                              f"in {text!r}")

    def measure(self, text: str, size: float | None = None, weight: int = 400) -> float:
        """Width of `text` in mm."""
        self.check_glyphs(text)
        props = self._props(size or self.size, weight)
        width, _, _ = self.renderer.get_text_width_height_descent(text, props, ismath=False)
        return width * MM_PER_PT

    def line_height(self, size: float | None = None) -> float:
        return (size or self.size) * LINE_HEIGHT * MM_PER_PT

    def wrap(self, text: str, width: float, size: float | None = None, weight: int = 400) -> list[str]:
        """Greedy word wrap to `width` mm (a word longer than the width stays whole)."""
        lines: list[str] = []
        for word in text.replace("\n", " ").split(" "):  # not str.split(): no-break spaces hold
            if not word:
                continue
            if lines and self.measure(f"{lines[-1]} {word}", size, weight) <= width:
                lines[-1] = f"{lines[-1]} {word}"
            else:
                lines.append(word)
        return lines or [""]

    def text(self, x: float, y: float, text: str, *, size: float | None = None, weight: int = 400,
             color: str | None = None, ha: str = "left", middle: bool = False) -> None:
        """One line of text; `y` is the baseline, or the line's middle with `middle=True`."""
        size = size or self.size
        if size < 7:
            raise LayoutError(f"text below 7 pt ({size:g} pt) would not be legible in print")
        text = french_text(text)  # the typography stage does not reach the SVG's text
        self.check_glyphs(text)
        if middle:
            y += size * CAP_HEIGHT * MM_PER_PT / 2
        self.ax.text(x, y, text, fontsize=size, fontweight=weight, color=color or self.colors[self.style.ink],
                     ha=ha, va="baseline", parse_math=False, clip_on=False,
                     fontfamily=self.style.font_family)

    def lines(self, x: float, y_middle: float, lines: list[str], **kwargs: Any) -> None:
        """Several lines centred vertically on `y_middle`."""
        step = self.line_height(kwargs.get("size"))
        top = y_middle - step * (len(lines) - 1) / 2
        for i, line in enumerate(lines):
            self.text(x, top + i * step, line, middle=True, **kwargs)

    # shapes --------------------------------------------------------------------------------
    def rect(self, x: float, y: float, w: float, h: float, color: str, *, gid: str | None = None,
             edge: str | None = None, edge_pt: float = 0) -> None:
        from matplotlib.patches import Rectangle

        patch = Rectangle((x, y), w, h, facecolor=color, edgecolor=edge or "none",
                          linewidth=edge_pt, clip_on=False)
        if gid:
            patch.set_gid(CLASS_GID + gid)
        self.ax.add_patch(patch)

    def line(self, x0: float, y0: float, x1: float, y1: float, color: str, width_pt: float = 0.5) -> None:
        self.ax.plot([x0, x1], [y0, y1], color=color, linewidth=width_pt, solid_capstyle="butt",
                     clip_on=False)

    def add(self, artist: Any, gid: str | None = None) -> None:
        artist.set_clip_on(False)
        if gid:
            artist.set_gid(CLASS_GID + gid)
        self.ax.add_artist(artist)

    def to_svg(self) -> str:
        buffer = io.StringIO()
        self.figure.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None},
                            transparent=True)
        return buffer.getvalue()


_CHARMAPS: dict[tuple[str, ...], set[int]] = {}


def _charmap(files: tuple[str, ...]) -> set[int]:
    """Code points every theme font file has (a glyph missing in one weight is missing)."""
    if files not in _CHARMAPS:
        from matplotlib.font_manager import get_font

        maps = [set(get_font(f).get_charmap()) for f in files]
        _CHARMAPS[files] = set.intersection(*maps)
    return _CHARMAPS[files]


def format_value(block: ChartBlock, value: float) -> str:
    """A value label: the unit follows short units (`%`, `M€`); long ones go in a caption."""
    from .numbers import format_number

    return format_number(value, block.unit if short_unit(block.unit) else None)


def short_unit(unit: str | None) -> bool:
    return unit is not None and len(unit) <= 3


def unit_caption(canvas: Canvas, block: ChartBlock) -> float:
    """Write a long unit (`nombre de projets`) above the plot; return the height it takes."""
    if not block.unit or short_unit(block.unit):
        return 0.0
    canvas.text(0, canvas.line_height() * 0.8, block.unit, size=7, color=canvas.colors[canvas.style.muted])
    return canvas.line_height() * 1.25
