"""Maps of France: régions (or départements) coloured by value, or a locator map.

The five overseas régions are drawn as insets beside the map, each at its own scale, with its name.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

from . import geo
from .models import ChartBlock, ChartData
from .numbers import format_number, nice_step
from .render import Canvas, LayoutError, short_unit

SWATCH = 2.8  # mm
INSET = 6.0  # mm, the largest side of an overseas inset when there is room
NO_DATA = "non renseigné"
SIMPLIFY_MM = 0.08  # outlines are simplified to this, about the width of their white borders


@dataclass(frozen=True)
class Scale:
    """Classes of equal, round width from 0: (upper bound, colour, label)."""

    classes: tuple[tuple[float, str, str], ...]
    zero: str  # colour of 0
    missing: str  # colour of a région with no value (paper, outlined with the rule colour)

    def color(self, value: float | None) -> str:
        if value is None:
            return self.missing
        if value <= 0:
            return self.zero
        for upper, color, _ in self.classes:
            if value <= upper + 1e-9:
                return color
        return self.classes[-1][1]


def build_scale(c: Canvas, block: ChartBlock, values: list[float]) -> Scale:
    """Sequential colours from the theme's tint to its first palette colour, round breaks."""
    tint, dark = c.style.tint, c.style.palette[0]
    positives = [v for v in values if v > 0]
    classes = []
    if positives:
        top = max(positives)
        integers = all(float(v).is_integer() for v in values)
        step = nice_step(top, 5)
        if integers:
            step = float(max(1, math.ceil(step)))  # 1 à 3, 4 à 6: no half persons
        count = max(1, math.ceil(top / step - 1e-9))
        for i in range(count):
            t = 1.0 if count == 1 else 0.25 + 0.75 * i / (count - 1)
            low, high = step * i, step * (i + 1)
            classes.append((high, c.colors.mix(tint, dark, t), _class_label(low, high, integers, i == 0)))
    return Scale(tuple(classes), c.colors[tint], _paper(c))


def _class_label(low: float, high: float, integers: bool, first: bool) -> str:
    if integers:
        low_text = format_number(low + 1)
        return low_text if low + 1 == high else f"{low_text} à {format_number(high)}"
    if first:
        return f"jusqu’à {format_number(high)}"
    return f"de {format_number(low)} à {format_number(high)}"


def draw_map(c: Canvas, block: ChartBlock, data: ChartData) -> None:
    level = block.level
    g = geo.geodata()
    areas = g.regions if level == "region" else g.departements
    values = dict(zip(data.labels, data.column(0))) if data.labels else {}
    locator = not values
    scale = None if locator else build_scale(c, block, list(values.values()))

    attribution = g.attribution  # (typeset when drawn: a fixed space before ":")
    notes = c.wrap(attribution, c.width, size=7) if block.credit else []
    band = len(notes) * c.line_height(7) + 0.8 if notes else 0.0
    overseas = [a for a in areas if a.overseas]
    right_w = _right_column_width(c, block, scale, values, overseas)
    box_w, box_h = c.width - right_w - 2.0, c.height - band
    if box_w < 25 or box_h < 20:
        raise LayoutError(f"the map has no room in {c.width:g} × {c.height:g} mm: make the chart larger")
    x0, y0, x1, y1 = g.view_box
    k = min(box_w / (x1 - x0), box_h / (y1 - y0))
    origin = (0.0, (box_h - (y1 - y0) * k) / 2)

    for area in areas:
        if area.overseas:
            continue
        color = _fill(c, scale, values, area.name, data.highlight)
        edge = c.colors[c.style.rule] if locator else _paper(c)
        c.add(_patch(area.rings, g.scale, k, origin, color, edge, 0.3 if level == "departement" else 0.45),
              gid=f"{level} {level}-{area.slug}")
    if level == "departement":
        for region in g.regions:
            if not region.overseas:
                c.add(_patch(region.rings, g.scale, k, origin, "none", _paper(c), 0.9), gid="region-border")
    if not locator:  # areas without a value are paper-white: outline them over their neighbours' edges
        for area in areas:
            if not area.overseas and area.name not in values:
                c.add(_patch(area.rings, g.scale, k, origin, "none", c.colors[c.style.rule], 0.45),
                      gid="no-data-outline")
    if data.highlight is not None:
        target = next(a for a in areas if a.name == data.highlight)
        if not target.overseas:
            c.add(_patch(target.rings, g.scale, k, origin, "none", c.colors[c.style.accent], 1.3),
                  gid=f"highlight highlight-{target.slug}")

    x_right = min(c.width - right_w, (x1 - x0) * k + 3.0)  # the legend beside the map
    y = 0.0
    if scale is not None:
        y = _legend(c, block, scale, values, x_right)
    _overseas(c, overseas, scale, values, data.highlight, x_right, y, box_h, level)
    step = c.line_height(7)
    for n, line in enumerate(notes):
        c.text(0, c.height - band + 0.8 + step * (n + 0.5), line, size=7, middle=True,
               color=c.colors[c.style.muted])


def _paper(c: Canvas) -> str:
    return c.style.hex("paper") if "paper" in c.style.colors else "#ffffff"


def _fill(c: Canvas, scale: Scale | None, values: dict[str, float], name: str, highlight: str | None) -> str:
    if scale is None:  # locator map: only the highlighted area stands out
        return c.colors[c.style.palette[0]] if name == highlight else c.colors[c.style.tint]
    return scale.color(values.get(name))


def _patch(rings, stored_scale: float, k: float, origin: tuple[float, float], face: str, edge: str,
           width_pt: float):
    """A patch of the rings, in mm, simplified to what print can show (0.08 mm)."""
    import numpy as np
    from matplotlib.patches import PathPatch
    from matplotlib.path import Path as MplPath
    from shapely import LineString

    tolerance = SIMPLIFY_MM / k  # in viewBox units
    vertices, codes = [], []
    for ring in rings:
        points = np.asarray(ring, dtype=float).reshape(-1, 2) / stored_scale
        points = np.asarray(LineString(np.vstack([points, points[:1]])).simplify(tolerance).coords)[:-1]
        if len(points) < 3:
            continue
        points = points * k + origin
        vertices.append(np.vstack([points, points[:1]]))
        codes += [MplPath.MOVETO] + [MplPath.LINETO] * (len(points) - 1) + [MplPath.CLOSEPOLY]
    path = MplPath(np.vstack(vertices), codes)
    return PathPatch(path, facecolor=face, edgecolor=edge, linewidth=width_pt, joinstyle="round")


def _legend_rows(block: ChartBlock, scale: Scale, values: dict[str, float],
                 level: str) -> list[tuple[str, str]]:
    rows = []
    if any(v <= 0 for v in values.values()):
        rows.append((scale.zero, "0"))
    rows += [(color, label) for _, color, label in scale.classes]
    if len(values) < len(geo.area_names(level)):
        rows.append((scale.missing, NO_DATA))
    return rows


def _legend_title(block: ChartBlock) -> str | None:
    if not block.unit:
        return None
    return f"En {block.unit}" if short_unit(block.unit) else block.unit


def _right_column_width(c: Canvas, block: ChartBlock, scale: Scale | None, values: dict[str, float],
                        overseas: list[geo.Area]) -> float:
    widths = [INSET + 1.2 + c.measure(a.name, 7) for a in overseas] + [c.measure("Outre-mer", 7, 600)]
    if scale is not None:
        rows = _legend_rows(block, scale, values, block.level)
        widths += [SWATCH + 1.2 + c.measure(label, 7) for _, label in rows]
        title = _legend_title(block)
        if title:
            widths.append(min(c.measure(title, 7, 600), c.width * 0.3))
    return max(widths) + 0.5


def _legend(c: Canvas, block: ChartBlock, scale: Scale, values: dict[str, float], x: float) -> float:
    step = c.line_height(7) * 1.05
    y = 0.0
    title = _legend_title(block)
    if title:
        for line in c.wrap(title, c.width - x, size=7, weight=600):
            c.text(x, y + step / 2, line, size=7, weight=600, middle=True)
            y += step
    for color, label in _legend_rows(block, scale, values, block.level):
        outline = c.colors[c.style.rule] if label == NO_DATA else None
        c.rect(x, y + step / 2 - SWATCH / 2, SWATCH, SWATCH, color, gid="legend-swatch",
               edge=outline, edge_pt=0.5 if outline else 0)
        c.text(x + SWATCH + 1.2, y + step / 2, label, size=7, middle=True)
        y += step
    return y + step * 0.5


def _overseas(c: Canvas, overseas: list[geo.Area], scale: Scale | None, values: dict[str, float],
              highlight: str | None, x: float, y_min: float, bottom: float, level: str) -> None:
    """The overseas régions as insets, each at its own scale, with their names, bottom-aligned with the map."""
    heading = c.line_height(7) * 1.05
    room = (bottom - y_min - heading) / max(1, len(overseas))
    inset = min(INSET, room - 0.8)
    if inset < SWATCH:
        raise LayoutError(f"the legend and the overseas régions do not fit in {c.height:g} mm: "
                          "make the map taller")
    step = inset + 0.8
    y = bottom - heading - step * len(overseas)
    c.text(x, y + heading / 2, "Outre-mer", size=7, weight=600, middle=True)
    stored = geo.geodata().scale
    for n, area in enumerate(overseas):
        top = y + heading + step * n
        width_km, height_km = area.size_km or (1.0, 1.0)
        k = inset / max(width_km, height_km)  # mm per km, one scale per inset
        origin = (x + (inset - width_km * k) / 2, top + (inset - height_km * k) / 2)
        highlighted = area.name == highlight
        c.add(_patch(area.rings, stored, k, origin, _fill(c, scale, values, area.name, highlight),
                     c.colors[c.style.rule], 0.3), gid=f"{level} {level}-{area.slug} overseas")
        if highlighted:
            c.add(_patch(area.rings, stored, k, origin, "none", c.colors[c.style.accent], 1.1),
                  gid=f"highlight highlight-{area.slug}")
        c.text(x + inset + 1.2, top + inset / 2, area.name, size=7, weight=600 if highlighted else 400,
               middle=True)
