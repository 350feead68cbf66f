"""A chart in words and as a table: charts are complex images, so their alternative gives every figure,
and the screen file carries the same data as a table in its tag tree (WCAG 1.1.1, RGAA 1.6 and 1.8)."""
from __future__ import annotations

from dataclasses import dataclass

from .models import ChartBlock, ChartData
from .numbers import format_number


@dataclass(frozen=True)
class ChartTable:
    """The data as the reader of a table wants it: a header row, then one row per label."""

    caption: str
    headers: tuple[str, ...]
    rows: tuple[tuple[str, tuple[str, ...]], ...]


def chart_table(block: ChartBlock, data: ChartData) -> ChartTable | None:
    """None for a locator map: it shows a place, not numbers (its alternative names the place)."""
    if not data.labels or not data.values:
        return None
    first = "Région" if block.type == "map" and block.level == "region" else "Département" \
        if block.type == "map" else "Libellé"
    series = data.series if len(data.series) > 1 or block.type == "grouped" else (block.unit or "Valeur",)
    rows = tuple((label, tuple(format_number(v, block.unit) for v in values))
                 for label, values in zip(data.labels, data.values))
    return ChartTable(block.title, (first, *series), rows)


def chart_alternative(block: ChartBlock, data: ChartData) -> str:
    """Title, the writer's description, then every figure: `Bretagne : 12 ; Corse : 3.`"""
    text = f"{block.title.rstrip('.')}. {block.alt.strip()}"
    table = chart_table(block, data)
    if table is None:
        return text
    several = len(table.headers) > 2
    figures = " ; ".join(
        f"{label} : " + (", ".join(f"{name} {value}" for name, value in zip(table.headers[1:], values))
                         if several else values[0])
        for label, values in table.rows)
    ending = "" if text.endswith((".", "!", "?")) else "."
    return f"{text}{ending} Données : {figures}."
