"""The `chart` block: its fields, and its data read and checked into one normal shape.

Data shapes (inline under `data:`, or the same shape in a YAML file named by `file:`):

- `bar`, `column`, `donut`, `waffle`: a list of `{label, value}`.
  CSV: a header row with `label` and `value` columns (or `label` and one other column,
  or name the value column with `series: [column]`).
- `grouped`: a list of `{label, values: {series: number}}`, e.g.
  `{label: Ingénierie, values: {"2023": 1733, "2024": 1810}}`; every item has the same series;
  `series:` gives their order (default: the order of the first item).
  CSV: `label` then one column per series (`label,2023,2024`); `series:` picks and orders them.
- `map`: a mapping `{région: number}` or a list of `{region, value}`
  (`{departement, value}` with `level: departement`; a département by name or code).
  CSV: `region` (or `departement`) and `value` columns.
  With `highlight` and no data: a locator map that only shows where the highlighted région is.

Numbers may be YAML numbers or text as the source gives them (`"1 733"`, `"19,5"`, `"63 %"`).
CSV files are UTF-8 (a BOM is fine), comma- or semicolon-separated.
"""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from ..errors import ContentError, Problem
from ..resources import MAX_TEXT_BYTES
from . import geo
from .numbers import NotANumber, parse_number

ChartType = Literal["bar", "column", "grouped", "donut", "waffle", "map"]
SINGLE_SERIES = ("bar", "column", "donut", "waffle")
# Column names accepted in CSV headers (lower case, accents or not) -> the field they fill.
COLUMN_ALIASES = {
    "label": "label", "libellé": "label", "libelle": "label",
    "value": "value", "valeur": "value",
    "region": "region", "région": "region",
    "departement": "departement", "département": "departement", "code": "departement",
}

Where = tuple[Path, int]
NOT_A_MAPPING = "\x00item"  # marks a data item that is not a mapping


class ChartBlock(BaseModel):
    """A chart: its type, its data (inline or from a file in `data/`) and how it is described."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    type: ChartType = Field(description=(
        "bar: horizontal bars; column: vertical bars; grouped: bars grouped by label, one per series "
        "(e.g. 2023 vs 2024); donut: shares of a whole, total in the hole; waffle: squares, each "
        "standing for a stated number of units; map: régions (or départements) of France coloured "
        "by value."))
    title: str = Field(min_length=1, description=(
        "Title of the chart, shown above it and read by screen readers."))
    alt: str = Field(min_length=1, description=(
        "Alternative text: what the chart shows and its key numbers, for readers who cannot see it."))
    source: str | None = Field(None, description="Source of the numbers, printed under the chart.")
    unit: str | None = Field(None, description=(
        "Unit of the values, printed after each number: `M€`, `%`, `projets`. For a waffle, what one "
        "square counts (`personnes`)."))
    data: list[Any] | dict[Any, Any] | None = Field(None, description=(
        "Inline data. bar/column/donut/waffle: list of {label, value}. grouped: list of "
        "{label, values: {series: number}}. map: {région: number} or list of {region, value}."))
    file: str | None = Field(None, description=(
        "A CSV (header row) or YAML file in the publication's data/ folder, instead of `data`."))
    series: list[str] | None = Field(None, description=(
        "grouped: the series to draw, in order (default: all, in the data's order). "
        "Other types with a CSV file: the one column holding the values."))
    level: Literal["region", "departement"] = Field("region", description=(
        "map: colour régions (default) or départements."))
    width_mm: float = Field(80, gt=20, le=400, description="Width of the chart in millimetres.")
    height_mm: float = Field(55, gt=15, le=400, description="Height of the chart in millimetres.")
    highlight: str | None = Field(None, description=(
        "A label (or région) to emphasise. A map with `highlight` and no data is a locator map."))
    credit: bool = Field(True, description=(
        "map: print the credit of the map's outlines under it (their licence asks for it); leave it out "
        "only where another map of the same publication prints it."))
    note: str | None = Field(None, description=(
        "A short note printed under the chart, e.g. what the data leaves out."))

    @field_validator("title", "alt")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("must not be empty")
        return value

    @field_validator("series", mode="before")
    @classmethod
    def _series_names(cls, value: Any) -> Any:
        """`series: [2023, 2024]` in YAML gives numbers: they name series like strings."""
        if isinstance(value, list):
            return [str(v) if isinstance(v, (int, float)) and not isinstance(v, bool) else v for v in value]
        return value

    @field_validator("file")
    @classmethod
    def _data_file_name(cls, value: str | None) -> str | None:
        if value is None:
            return value
        if not value.lower().endswith((".csv", ".yaml", ".yml")):
            raise ValueError(f"data file {value!r} must be a .csv, .yaml or .yml file")
        return value

    @model_validator(mode="after")
    def _check_data(self) -> ChartBlock:
        messages = [m for m in _block_messages(self)]
        if not messages and self.file is None:
            rows = _inline_rows(self, (Path("<chart>"), 0))
            messages = [p.message for p in _normalise(self, rows, (Path("<chart>"), 0))[1]]
        if messages:
            raise ValueError("; ".join(messages))
        return self

    @property
    def is_locator_map(self) -> bool:
        return self.type == "map" and self.highlight is not None and not self.data and not self.file


@dataclass(frozen=True)
class ChartData:
    """Data in one shape for every chart type: `values[i][j]` is label i in series j.

    Maps: labels are canonical région (or département) names; `highlight` is canonical too.
    """

    labels: tuple[str, ...]
    series: tuple[str, ...]
    values: tuple[tuple[float, ...], ...]
    highlight: str | None = None

    def column(self, j: int = 0) -> tuple[float, ...]:
        return tuple(row[j] for row in self.values)

    def as_json(self) -> dict[str, Any]:
        return {"labels": list(self.labels), "series": list(self.series),
                "values": [list(r) for r in self.values], "highlight": self.highlight}


@dataclass(frozen=True)
class _Row:
    fields: dict[str, Any]
    where: Where
    name: str  # how to name this row in a message: "data[2]", "row 4"


def load_chart_data(block: ChartBlock, data_dir: Path, where: Where) -> ChartData:
    """Read and check the block's data; raise `ContentError` with every problem found.

    `where` is the block's file and line: problems in inline data point there, problems in a
    data file point to the file and line of the offending row.
    """
    problems = [Problem(where[0], where[1], m) for m in _block_messages(block)]
    if problems:
        raise ContentError(problems)
    if block.file is not None:
        rows, problems = _file_rows(block, data_dir, where)
    else:
        rows = _inline_rows(block, where)
    data = None
    if rows or not problems:  # check the rows that could be read, too: all problems in one round
        data, more = _normalise(block, rows, where)
        problems += more
    if problems or data is None:
        raise ContentError(problems)
    return data


def _block_messages(block: ChartBlock) -> list[str]:
    """Problems of the block's fields taken together, before its data is read."""
    messages = []
    if block.data and block.file:
        messages.append("give either `data` or `file`, not both")
    elif not block.data and not block.file and not (block.type == "map" and block.highlight):
        messages.append("the chart has no data: give `data` (a non-empty list) or `file`"
                        + (" (or `highlight` alone for a locator map)" if block.type == "map" else ""))
    if "level" in block.model_fields_set and block.type != "map":
        messages.append("`level` is only used by maps")
    if block.series is not None and block.type not in ("grouped",) and not block.file:
        messages.append("`series` is only used by grouped charts, or to pick the value column of a CSV file")
    if block.series is not None and block.type == "map":
        messages.append("`series` is not used by maps")
    if block.series is not None and len(set(block.series)) != len(block.series):
        messages.append("`series` names a series twice")
    if isinstance(block.data, dict) and block.type != "map":
        messages.append(f"`data` of a {block.type} chart is a list of items, not a mapping")
    return messages


def _inline_rows(block: ChartBlock, where: Where) -> list[_Row]:
    data = block.data or []
    if isinstance(data, dict):  # map: {région: value}
        key = "departement" if block.level == "departement" else "region"
        return [_Row({key: str(k), "value": v}, where, f"data[{str(k)!r}]") for k, v in data.items()]
    return [_Row(item if isinstance(item, dict) else {NOT_A_MAPPING: item}, where, f"data[{i}]")
            for i, item in enumerate(data)]


def _file_rows(block: ChartBlock, data_dir: Path, where: Where) -> tuple[list[_Row], list[Problem]]:
    name = block.file or ""
    relative = Path(name[len("data/"):] if name.startswith("data/") else name)
    path = data_dir / relative
    if relative.is_absolute() or ".." in relative.parts:
        return [], [Problem(where[0], where[1], f"data file {name!r} must be inside the data/ folder")]
    if not path.is_file():
        return [], [Problem(where[0], where[1], f"data file {name!r} not found in {data_dir}")]
    if path.stat().st_size > MAX_TEXT_BYTES:
        return [], [Problem(path, 0, f"the file is larger than {MAX_TEXT_BYTES // 2**20} MB: split it")]
    text = path.read_text(encoding="utf-8-sig")
    if path.suffix.lower() == ".csv":
        return _csv_rows(block, path, text)
    return _yaml_rows(block, path, text)


def _csv_rows(block: ChartBlock, path: Path, text: str) -> tuple[list[_Row], list[Problem]]:
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    header = next(reader, None)
    if not header or not any(h.strip() for h in header):
        return [], [Problem(path, 1, "the CSV file is empty: it needs a header row and data rows")]
    columns, problems = _csv_columns(block, [h.strip() for h in header], path)
    if problems:
        return [], problems
    rows: list[_Row] = []
    line = reader.line_num
    for record in reader:
        start, line = line + 1, reader.line_num
        if not any(cell.strip() for cell in record):
            continue
        if len(record) != len(header):
            problems.append(Problem(path, start,
                                    f"row {start}: {len(record)} cells, the header has {len(header)}"))
            continue
        fields = _csv_fields(block, columns, record)
        rows.append(_Row(fields, (path, start), f"row {start}"))
    return rows, problems


def _csv_columns(block: ChartBlock, header: list[str], path: Path) -> tuple[dict[str, int], list[Problem]]:
    """Which column fills which field: {"label": 0, "value": 1} or {"label": 0, "2023": 1, ...}."""
    canonical = [COLUMN_ALIASES.get(h.lower(), h) for h in header]
    found = ", ".join(repr(h) for h in header)
    if len(set(canonical)) != len(canonical):
        return {}, [Problem(path, 1, f"the header names a column twice: {found}")]
    key = {"map": "departement" if block.level == "departement" else "region"}.get(block.type, "label")
    if key not in canonical:
        return {}, [Problem(path, 1, f"no {key!r} column in the header (found {found})")]
    columns = {key: canonical.index(key)}
    others = [c for c in canonical if c != key]
    wanted = block.series if block.series is not None else None
    if block.type == "grouped":
        for name in wanted if wanted is not None else others:
            if name not in canonical:
                return {}, [Problem(path, 1, f"no column for series {name!r} (found {found})")]
            columns[name] = canonical.index(name)
        if len(columns) == 1:
            return {}, [Problem(path, 1, f"a grouped chart needs one column per series after {key!r}")]
        return columns, []
    if wanted is not None:
        if len(wanted) != 1 or wanted[0] not in canonical:
            return {}, [Problem(path, 1, f"`series` must name the one value column (found {found})")]
        columns["value"] = canonical.index(wanted[0])
    elif "value" in canonical:
        columns["value"] = canonical.index("value")
    elif len(others) == 1:
        columns["value"] = canonical.index(others[0])
    else:
        return {}, [Problem(path, 1, f"no 'value' column in the header (found {found}); "
                                     "name it `value` or pick it with `series: [column]`")]
    return columns, []


def _csv_fields(block: ChartBlock, columns: dict[str, int], record: list[str]) -> dict[str, Any]:
    if block.type == "grouped":
        return {"label": record[columns["label"]].strip(),
                "values": {k: record[i] for k, i in columns.items() if k != "label"}}
    return {k: record[i].strip() for k, i in columns.items()}


def _yaml_rows(block: ChartBlock, path: Path, text: str) -> tuple[list[_Row], list[Problem]]:
    from ..errors import Problems
    from ..load import parse_yaml

    # The content's own YAML reader: the same limits (nesting, aliases) and refusals (tags, lone
    # surrogates), located in the data file.
    found = Problems()
    data = parse_yaml(text, path, 1, found).value
    if found.errors:
        return [], found.errors
    if isinstance(data, dict) and set(data) == {"data"}:
        data = data["data"]  # a file may wrap its data in `data:`
    if isinstance(data, dict):
        if block.type != "map":
            return [], [Problem(path, 1, f"a {block.type} chart needs a list of items, not a mapping")]
        key = "departement" if block.level == "departement" else "region"
        return [_Row({key: str(k), "value": v}, (path, data.lc.key(k)[0] + 1), repr(str(k)))
                for k, v in data.items()], []
    if not isinstance(data, list):
        return [], [Problem(path, 1, "the file must hold a list of items (or a mapping for a map)")]
    rows = [_Row(item if isinstance(item, dict) else {NOT_A_MAPPING: item}, (path, data.lc.item(i)[0] + 1),
                 f"item {i + 1}") for i, item in enumerate(data)]
    return rows, []


def _normalise(block: ChartBlock, rows: list[_Row], where: Where) -> tuple[ChartData | None, list[Problem]]:
    if block.type == "map":
        return _normalise_map(block, rows, where)
    if not rows:
        return None, [Problem(where[0], where[1], "the chart's data is empty")]
    if block.type == "grouped":
        data, problems = _normalise_grouped(block, rows)
    else:
        data, problems = _normalise_single(block, rows)
    if data is not None and not problems:
        problems += _check_highlight(block, data.labels, where)
        data = ChartData(data.labels, data.series, data.values, block.highlight)
    return data, problems


def _label(row: _Row, problems: list[Problem]) -> str | None:
    label = row.fields.get("label")
    if label is None or not str(label).strip():
        problems.append(Problem(*row.where, f"{row.name}: missing `label`"))
        return None
    return str(label).strip()


def _number(raw: object, row: _Row, what: str, unit: str | None, problems: list[Problem]) -> float | None:
    try:
        return parse_number(raw.strip() if isinstance(raw, str) else raw, unit)
    except NotANumber as error:
        problems.append(Problem(*row.where, f"{row.name}: {what} {error}"))
        return None


def _is_item(row: _Row, allowed: set[str], problems: list[Problem]) -> bool:
    """Report a row that is not a mapping (False: skip it) or has unknown keys."""
    if NOT_A_MAPPING in row.fields:
        keys, item = ", ".join(sorted(allowed)), row.fields[NOT_A_MAPPING]
        problems.append(Problem(*row.where, f"{row.name}: an item is a mapping with {keys}, not {item!r}"))
        return False
    extra = [k for k in row.fields if k not in allowed]
    if extra:
        problems.append(Problem(*row.where, f"{row.name}: unknown key {extra[0]!r} "
                                            f"(an item has {', '.join(sorted(allowed))})"))
    return True


def _check_labels(labels: list[str], rows: list[_Row], problems: list[Problem]) -> None:
    seen: set[str] = set()
    for label, row in zip(labels, rows):
        if label in seen:
            problems.append(Problem(*row.where, f"{row.name}: label {label!r} appears twice"))
        seen.add(label)


def _normalise_single(block: ChartBlock, rows: list[_Row]) -> tuple[ChartData | None, list[Problem]]:
    problems: list[Problem] = []
    labels, values = [], []
    for row in rows:
        if not _is_item(row, {"label", "value"}, problems):
            continue
        label = _label(row, problems)
        if "value" not in row.fields:
            problems.append(Problem(*row.where, f"{row.name}: missing `value`"))
            continue
        value = _number(row.fields["value"], row, "value", block.unit, problems)
        if value is not None and value < 0 and block.type in ("donut", "waffle"):
            problems.append(Problem(*row.where, f"{row.name}: negative value {value:g} in a {block.type} "
                                                "chart (its parts must add up to a whole)"))
        if label is not None and value is not None:
            labels.append(label)
            values.append(value)
    if not problems:
        _check_labels(labels, rows, problems)
    if not problems and block.type in ("donut", "waffle") and sum(values) <= 0:
        problems.append(Problem(*rows[0].where, f"the values of a {block.type} chart add up to 0"))
    if not problems and block.type == "waffle" and block.unit == "%" and sum(values) > 100.5:
        problems.append(Problem(*rows[0].where,
                                f"the percentages add up to {sum(values):g} %, more than 100 %"))
    if problems:
        return None, problems
    return ChartData(tuple(labels), ("value",), tuple((v,) for v in values)), []


def _normalise_grouped(block: ChartBlock, rows: list[_Row]) -> tuple[ChartData | None, list[Problem]]:
    problems: list[Problem] = []
    first = rows[0].fields.get("values") if NOT_A_MAPPING not in rows[0].fields else None
    series = list(block.series) if block.series else (
        [str(k) for k in first] if isinstance(first, dict) else [])
    if not series:
        return None, [Problem(*rows[0].where, f"{rows[0].name}: `values` must map each series to a number, "
                                               "e.g. values: {\"2023\": 12, \"2024\": 15}")]
    labels, table = [], []
    for row in rows:
        if not _is_item(row, {"label", "values"}, problems):
            continue
        label = _label(row, problems)
        values = row.fields.get("values")
        if not isinstance(values, dict):
            problems.append(Problem(*row.where, f"{row.name}: `values` must map each series to a number"))
            continue
        values = {str(k): v for k, v in values.items()}
        missing = [s for s in series if s not in values]
        extra = [s for s in values if s not in series]
        if missing:
            problems.append(Problem(*row.where, f"{row.name}: no value for series {missing[0]!r}"))
        if extra and not block.series:
            problems.append(Problem(*row.where, f"{row.name}: unknown series {extra[0]!r} "
                                                f"(the series are {', '.join(series)})"))
        numbers = [_number(values[s], row, f"value of {s!r}", block.unit, problems)
                   for s in series if s in values]
        if label is not None and not missing and None not in numbers:
            labels.append(label)
            table.append(tuple(numbers))
    if not problems:
        _check_labels(labels, rows, problems)
    if problems:
        return None, problems
    return ChartData(tuple(labels), tuple(series), tuple(table)), []


def _normalise_map(block: ChartBlock, rows: list[_Row],
                   where: Where) -> tuple[ChartData | None, list[Problem]]:
    problems: list[Problem] = []
    key = "departement" if block.level == "departement" else "region"
    what = "département" if key == "departement" else "région"
    values: dict[str, float] = {}
    for row in rows:
        if not _is_item(row, {key, "value"}, problems):
            continue
        raw = row.fields.get(key)
        if raw is None or not str(raw).strip():
            problems.append(Problem(*row.where, f"{row.name}: missing `{key}`"))
            continue
        name = geo.resolve(raw, block.level)
        if name is None:
            hint = geo.suggest(raw, block.level)
            problems.append(Problem(*row.where, f"{row.name}: unknown {what} {str(raw)!r}"
                                                + (f" (did you mean {hint!r}?)" if hint else "")))
            continue
        if name in values:
            problems.append(Problem(*row.where, f"{row.name}: {what} {name!r} appears twice"))
            continue
        if "value" not in row.fields:
            problems.append(Problem(*row.where, f"{row.name}: missing `value`"))
            continue
        value = _number(row.fields["value"], row, "value", block.unit, problems)
        if value is not None and value < 0:
            problems.append(Problem(*row.where, f"{row.name}: negative value {value:g} (a map's colour scale "
                                                "starts at 0)"))
        elif value is not None:
            values[name] = value
    highlight = None
    if block.highlight is not None:
        highlight = geo.resolve(block.highlight, block.level)
        if highlight is None:
            hint = geo.suggest(block.highlight, block.level)
            problems.append(Problem(where[0], where[1], f"highlight: unknown {what} {block.highlight!r}"
                                                        + (f" (did you mean {hint!r}?)" if hint else "")))
    if not rows and block.highlight is None:
        problems.append(Problem(where[0], where[1], "the chart's data is empty"))
    if problems:
        return None, problems
    order = [n for n in geo.area_names(block.level) if n in values]
    return ChartData(tuple(order), ("value",), tuple((values[n],) for n in order), highlight), []


def _check_highlight(block: ChartBlock, labels: tuple[str, ...], where: Where) -> list[Problem]:
    if block.highlight is None or block.highlight in labels:
        return []
    return [Problem(where[0], where[1], f"highlight {block.highlight!r} is not one of the labels "
                                        f"({', '.join(repr(label) for label in labels)})")]
