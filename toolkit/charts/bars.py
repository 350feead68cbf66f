"""Bar charts: horizontal (`bar`), vertical (`column`) and grouped, labelled directly."""
from __future__ import annotations

import math
from dataclasses import dataclass

from .models import ChartBlock, ChartData
from .render import Canvas, LayoutError, format_value, unit_caption

GAP = 1.0  # mm between a bar's end and its value
SERIES_GAP = 0.35  # mm between the bars of one group
MIN_BAR = 2.3  # mm: thinner bars cannot carry a value label beside them


def draw_bar(c: Canvas, block: ChartBlock, data: ChartData) -> None:
    _horizontal(c, block, data, unit_caption(c, block))


def draw_column(c: Canvas, block: ChartBlock, data: ChartData) -> None:
    top = unit_caption(c, block)
    _draw_vertical(c, block, data, _plan_vertical(c, block, data, top))


def draw_grouped(c: Canvas, block: ChartBlock, data: ChartData) -> None:
    """Columns side by side per label when they fit, horizontal bars otherwise."""
    _check_palette(c, data)
    top = unit_caption(c, block)
    top += legend(c, [(c.colors[c.style.palette[j]], s) for j, s in enumerate(data.series)], top, c.width)
    try:
        plan = _plan_vertical(c, block, data, top)
    except LayoutError:
        _horizontal(c, block, data, top)
    else:
        _draw_vertical(c, block, data, plan)


def legend(c: Canvas, items: list[tuple[str, str]], top: float, width: float, x0: float = 0.0) -> float:
    """Swatches and names in a row (wrapping); returns the height used."""
    swatch, step = 2.6, c.line_height(7)
    x, y = x0, top + step / 2
    for color, name in items:
        need = swatch + 1.0 + c.measure(name, 7)
        if x > x0 and x + need > x0 + width:
            x, y = x0, y + step
        c.rect(x, y - swatch / 2, swatch, swatch, color)
        c.text(x + swatch + 1.0, y, name, size=7, middle=True)
        x += need + 3.5
    return y - top + step / 2 + 1.2


def _check_palette(c: Canvas, data: ChartData) -> None:
    if len(data.series) > len(c.style.palette):
        raise LayoutError(f"{len(data.series)} series but only {len(c.style.palette)} colours in the "
                          "theme's chart palette")


def _bar_color(c: Canvas, block: ChartBlock, data: ChartData, i: int, j: int) -> str:
    if len(data.series) > 1:
        return c.colors[c.style.palette[j]]
    if data.highlight is not None and data.labels[i] == data.highlight:
        return c.colors[c.style.accent]
    return c.colors[c.style.palette[0]]


def _label_weight(data: ChartData, i: int) -> int:
    return 600 if data.highlight is not None and data.labels[i] == data.highlight else 400


def _extent(data: ChartData) -> tuple[float, float]:
    flat = [v for row in data.values for v in row]
    return min(0.0, min(flat)), max(0.0, max(flat))


def _horizontal(c: Canvas, block: ChartBlock, data: ChartData, top: float) -> None:
    _check_palette(c, data)
    n, k = len(data.labels), len(data.series)
    label_max = c.width * 0.4
    lines = [c.wrap(label, label_max, weight=_label_weight(data, i)) for i, label in enumerate(data.labels)]
    label_w = max(c.measure(line, weight=_label_weight(data, i)) for i, ls in enumerate(lines) for line in ls)
    if label_w > c.width * 0.5:
        raise LayoutError(f"a label is too long for a chart {c.width:g} mm wide: "
                          "shorten it or widen the chart")
    texts = [[format_value(block, v) for v in row] for row in data.values]
    value_w = max(c.measure(t, weight=600) for row in texts for t in row)
    vmin, vmax = _extent(data)
    x_a = label_w + 2.5 + (value_w + GAP if vmin < 0 else 0)
    x_b = c.width - (value_w + GAP if vmax > 0 else 0) - 0.3
    if x_b - x_a < 12:
        raise LayoutError(f"the bars have no room in {c.width:g} mm: widen the chart or shorten the labels")
    scale = (x_b - x_a) / (vmax - vmin) if vmax > vmin else 0.0
    x0 = x_a - vmin * scale
    group = (c.height - top) / n
    line_h = c.line_height()
    need = max(max(len(ls) for ls in lines) * line_h, k * MIN_BAR + (k - 1) * SERIES_GAP) + 1.0
    if group < need:
        raise LayoutError(f"{n} bars do not fit in a chart {c.height:g} mm high: "
                          f"set height_mm to at least {math.ceil(top + n * need)}")
    thick = min(group * 0.62, 7.0) if k == 1 else min((group * 0.78 - (k - 1) * SERIES_GAP) / k, 4.5)
    for i in range(n):
        middle = top + (i + 0.5) * group
        span = k * thick + (k - 1) * SERIES_GAP
        for j, value in enumerate(data.values[i]):
            y = middle - span / 2 + j * (thick + SERIES_GAP)
            end = x0 + value * scale
            c.rect(min(x0, end), y, abs(end - x0), thick, _bar_color(c, block, data, i, j))
            if value >= 0:
                c.text(end + GAP, y + thick / 2, texts[i][j], weight=600, middle=True)
            else:
                c.text(end - GAP, y + thick / 2, texts[i][j], weight=600, middle=True, ha="right")
        c.lines(0, middle, lines[i], weight=_label_weight(data, i))
    c.line(x0, top + group * 0.1, x0, c.height - group * 0.1, c.colors[c.style.muted], 0.6)


@dataclass(frozen=True)
class _VerticalPlan:
    slot: float
    bar_w: float
    group_w: float
    y0: float  # y of the value 0
    scale: float  # mm per unit, upwards
    lines: list[list[str]]
    texts: list[list[str]]
    label_top: float


def _plan_vertical(c: Canvas, block: ChartBlock, data: ChartData, top: float) -> _VerticalPlan:
    _check_palette(c, data)
    n, k = len(data.labels), len(data.series)
    slot = c.width / n
    lines = [c.wrap(label, slot - 1.2, weight=_label_weight(data, i)) for i, label in enumerate(data.labels)]
    widest = max(c.measure(line, weight=_label_weight(data, i)) for i, ls in enumerate(lines) for line in ls)
    if widest > slot - 0.6 or max(len(ls) for ls in lines) > 3:
        raise LayoutError(f"the labels do not fit under {n} columns in {c.width:g} mm: "
                          "use type: bar, shorter labels or a wider chart")
    group_w = slot * (0.62 if k == 1 else 0.84)
    bar_w = (group_w - (k - 1) * SERIES_GAP) / k
    texts = [[format_value(block, v) for v in row] for row in data.values]
    value_w = max(c.measure(t, weight=600) for row in texts for t in row)
    if value_w > (slot - 1.0 if k == 1 else bar_w + SERIES_GAP * 0.8):
        raise LayoutError(f"the values do not fit above {n * k} columns in {c.width:g} mm: "
                          "use type: bar or a wider chart")
    line_h = c.line_height()
    label_top = c.height - max(len(ls) for ls in lines) * line_h - 0.8
    vmin, vmax = _extent(data)
    y_a = top + (line_h + 0.4 if vmax > 0 else 0.5)
    y_b = label_top - 1.2 - (line_h if vmin < 0 else 0)
    if y_b - y_a < 8:
        raise LayoutError(f"the columns have no room in {c.height:g} mm: make the chart taller")
    scale = (y_b - y_a) / (vmax - vmin) if vmax > vmin else 0.0
    return _VerticalPlan(slot, bar_w, group_w, y_a + vmax * scale, scale, lines, texts, label_top)


def _draw_vertical(c: Canvas, block: ChartBlock, data: ChartData, p: _VerticalPlan) -> None:
    cap = c.size * 0.66 * 25.4 / 72
    for i, row in enumerate(data.values):
        center = (i + 0.5) * p.slot
        for j, value in enumerate(row):
            x = center - p.group_w / 2 + j * (p.bar_w + SERIES_GAP)
            end = p.y0 - value * p.scale
            c.rect(x, min(end, p.y0), p.bar_w, abs(p.y0 - end), _bar_color(c, block, data, i, j))
            y = end - GAP if value >= 0 else end + GAP + cap
            c.text(x + p.bar_w / 2, y, p.texts[i][j], weight=600, ha="center")
        line_h = c.line_height()
        for n, line in enumerate(p.lines[i]):
            c.text(center, p.label_top + line_h * (n + 0.5), line, weight=_label_weight(data, i),
                   ha="center", middle=True)
    c.line(0, p.y0, c.width, p.y0, c.colors[c.style.muted], 0.6)
