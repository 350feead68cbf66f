"""Parts of a whole: `donut` (total in the hole) and `waffle` (one square = N units)."""
from __future__ import annotations

import math

from .geo import slug
from .models import ChartBlock, ChartData
from .numbers import NBSP, format_number
from .render import MM_PER_PT, Canvas, LayoutError, format_value

SWATCH = 2.8  # mm
# Units per square a waffle may use: round numbers a reader can multiply in their head.
PER_SQUARE = (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 2500, 5000, 10000)
MAX_SQUARES = 100


def _slice_colors(c: Canvas, data: ChartData) -> list[str]:
    if len(data.labels) > len(c.style.palette):
        raise LayoutError(f"{len(data.labels)} parts but only {len(c.style.palette)} colours in the theme's "
                          "chart palette: group the smallest parts")
    return [c.colors[c.style.palette[i]] for i in range(len(data.labels))]


def _paper(c: Canvas) -> str:
    return c.style.hex("paper") if "paper" in c.style.colors else "#ffffff"


def _legend(c: Canvas, data: ChartData, colors: list[str], values: list[str], shares: list[str] | None,
            x0: float, middle: float) -> float:
    """Rows of swatch, label, value (and share), centred on `middle`; returns the bottom."""
    value_w = max(c.measure(v, weight=600) for v in values)
    share_w = max(c.measure(s, size=7) for s in shares) + 1.5 if shares else 0.0
    room = c.width - x0 - SWATCH - 1.2 - value_w - share_w - 2.5
    if room < 10:
        raise LayoutError(f"the legend has no room in {c.width:g} mm: widen the chart")
    rows = [c.wrap(label, room, weight=_weight(data, i)) for i, label in enumerate(data.labels)]
    label_w = max(c.measure(line, weight=_weight(data, i)) for i, lines in enumerate(rows) for line in lines)
    right = x0 + SWATCH + 1.2 + label_w + 2.5 + value_w  # values close to their labels
    line_h, spacing = c.line_height(), 1.3
    height = sum(len(r) * line_h for r in rows) + spacing * (len(rows) - 1)
    if height > c.height:
        raise LayoutError(f"the legend needs {math.ceil(height)} mm: make the chart taller")
    y = middle - height / 2
    for i, lines in enumerate(rows):
        row_h = len(lines) * line_h
        center = y + line_h / 2
        c.rect(x0, center - SWATCH / 2, SWATCH, SWATCH, colors[i])
        c.lines(x0 + SWATCH + 1.2, y + row_h / 2, lines, weight=_weight(data, i))
        c.text(right, center, values[i], weight=600, ha="right", middle=True)
        if shares:
            c.text(right + share_w, center, shares[i], size=7, ha="right", middle=True,
                   color=c.colors[c.style.muted])
        y += row_h + spacing
    return y


def _weight(data: ChartData, i: int) -> int:
    return 600 if data.highlight is not None and data.labels[i] == data.highlight else 400


def draw_donut(c: Canvas, block: ChartBlock, data: ChartData) -> None:
    from matplotlib.patches import Wedge

    values = data.column(0)
    colors = _slice_colors(c, data)
    total = sum(values)
    diameter = min(c.height - 1.0, c.width * 0.46)
    radius, ring = diameter / 2, diameter / 2 * 0.36
    cx, cy = radius + 0.5, c.height / 2
    angle = -90.0  # 12 o'clock, then clockwise (the y axis points down)
    for i, value in enumerate(values):
        sweep = 360.0 * value / total
        if sweep > 0:
            wedge = Wedge((cx, cy), radius, angle, angle + sweep, width=ring, facecolor=colors[i],
                          edgecolor=_paper(c), linewidth=0.8)
            c.add(wedge, gid=f"slice slice-{slug(data.labels[i])}")
        angle += sweep
    _hole(c, block, data, (cx, cy), radius - ring)
    percent = block.unit == "%"
    texts = [format_value(block, v) for v in values]
    shares = None if percent else [format_number(round(100 * v / total), "%") for v in values]
    _legend(c, data, colors, texts, shares, diameter + 4.0, cy)


def _hole(c: Canvas, block: ChartBlock, data: ChartData, center: tuple[float, float], inner: float) -> None:
    """The total in the hole; a share and its label when a part is highlighted or values are %."""
    values = data.column(0)
    if data.highlight is not None:
        i = data.labels.index(data.highlight)
        big, small = format_value(block, values[i]), data.labels[i]
        if block.unit != "%":
            big = format_number(round(100 * values[i] / sum(values)), "%")
    elif block.unit == "%":
        big, small = format_value(block, values[0]), data.labels[0]
    else:
        big, small = format_value(block, sum(values)), "au total"
    room = inner * 2 * 0.86
    size = 14.0
    while size > 8 and c.measure(big, size, 700) > room:
        size -= 0.5
    lines = c.wrap(small, room * 0.95, size=7)[:3]
    big_h, small_h = size * 0.66 * MM_PER_PT, c.line_height(7) * len(lines)
    top = center[1] - (big_h + 1.0 + small_h) / 2
    c.text(center[0], top + big_h, big, size=size, weight=700, ha="center")
    for n, line in enumerate(lines):
        c.text(center[0], top + big_h + 1.0 + c.line_height(7) * (n + 0.5), line, size=7, ha="center",
               middle=True, color=c.colors[c.style.muted])


def squares_for(values: tuple[float, ...], percent: bool) -> int:
    """How many units one square stands for: 1 % for shares, else the smallest round number
    that keeps the waffle at `MAX_SQUARES` squares or fewer."""
    if percent:
        return 1
    for per in PER_SQUARE:
        if sum(math.ceil(v / per - 1e-9) for v in values) <= MAX_SQUARES:
            return per
    raise LayoutError(f"the values are too large for a waffle (more than {PER_SQUARE[-1] * MAX_SQUARES:g})")


def draw_waffle(c: Canvas, block: ChartBlock, data: ChartData) -> None:
    values = data.column(0)
    colors = _slice_colors(c, data)
    percent = block.unit == "%"
    per = squares_for(values, percent)
    cells = [math.ceil(v / per - 1e-9) for v in values]
    total = 100 if percent else sum(cells)
    cols = 10
    rows = math.ceil(total / cols)
    legend_min = 38.0
    pitch = min((c.height - 0.5) / rows, (c.width - legend_min - 4) / cols, 6.0)
    if pitch < 2.0:
        raise LayoutError(f"the squares would be {pitch:.1f} mm wide: make the chart larger")
    side = pitch * 0.84
    top = (c.height - rows * pitch) / 2 + (pitch - side) / 2
    tint = c.colors[c.style.tint]
    index, partial = 0, False
    for j, value in enumerate(values):
        whole = math.floor(value / per + 1e-9)
        fraction = value / per - whole
        for n in range(cells[j]):
            x, y = (index % cols) * pitch, top + (index // cols) * pitch
            gid = f"cell cell-{slug(data.labels[j])}"
            if n < whole:
                c.rect(x, y, side, side, colors[j], gid=gid)
            else:  # the last square of a part that is not a multiple of `per`: filled pro rata
                partial = True
                c.rect(x, y, side, side, tint)
                c.rect(x, y, side * fraction, side, colors[j], gid=gid + " partial")
            index += 1
    for rest in range(index, total):
        c.rect((rest % cols) * pitch, top + (rest // cols) * pitch, side, side, tint, gid="cell cell-empty")
    texts = [format_number(v, "%") if percent else format_number(v) for v in values]
    x0 = cols * pitch + 4.0
    bottom = _legend(c, data, colors, texts, None, x0, c.height / 2 - c.line_height(7))
    _scale_note(c, block, per, partial, x0, bottom + 0.6)


def _scale_note(c: Canvas, block: ChartBlock, per: int, partial: bool, x0: float, y: float) -> None:
    """Say what a square counts: the reader must be able to check the arithmetic."""
    unit = block.unit or ""
    if per == 1 and len(unit) > 2 and unit.endswith("s"):
        unit = unit[:-1]  # 1 personne, 1 agent
    if unit == "%":
        what = format_number(per, "%")
    else:
        what = format_number(per) + (f"{NBSP}{unit}" if unit else "")
    lines = [f"1{NBSP}carré = {what}"]
    if partial:
        lines.append("carré partiel au prorata")
    step = c.line_height(7)
    for n, line in enumerate(lines):
        c.text(x0, y + step * (n + 0.75), line, size=7, color=c.colors[c.style.muted])
