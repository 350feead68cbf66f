"""Chart blocks and their data: one normal shape, and every problem at its file and line."""
from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from toolkit.charts import ChartBlock, load_chart_data
from toolkit.charts.numbers import format_number, parse_number
from toolkit.errors import ContentError

from charts_testlib import SPECS, block

WHERE = (Path("content/rapport/sections/03.md"), 42)


def problems(chart: ChartBlock, data_dir: Path) -> list[str]:
    """The problems as printed: `path:line: error: message`."""
    with pytest.raises(ContentError) as caught:
        load_chart_data(chart, data_dir, WHERE)
    return [str(p) for p in caught.value.problems]


def file_block(tmp_path: Path, name: str, text: str, **fields) -> ChartBlock:
    (tmp_path / name).write_text(text, encoding="utf-8")
    return ChartBlock(title="t", alt="a", file=name, **{"type": "bar", **fields})


@pytest.mark.parametrize("name", sorted(SPECS))
def test_specs_normalise(name, tmp_path):
    data = load_chart_data(block(name), tmp_path, WHERE)
    assert data.labels and all(len(row) == len(data.series) for row in data.values)


def test_numbers_as_authors_type_them():
    assert parse_number("1 733") == 1733
    assert parse_number("1\u202f733") == 1733
    assert parse_number("19,5") == 19.5
    assert parse_number("63 %", "%") == 63
    assert parse_number(-4) == -4
    for bad in ("abc", "", True, None, "1,2,3", float("nan")):
        with pytest.raises(ValueError):
            parse_number(bad)


def test_french_number_format():
    assert format_number(1733) == "1\u202f733"
    assert format_number(19.5, "M€") == "19,5\u00a0M€"
    assert format_number(63, "%") == "63\u202f%"
    assert format_number(-4.25) == "\u22124,25"


def test_grouped_shape_and_series_order(tmp_path):
    data = load_chart_data(block("grouped"), tmp_path, WHERE)
    assert data.series == ("2023", "2024")
    assert data.values == ((19.5, 21.0), (8.4, 9.1))
    reordered = load_chart_data(block("grouped", series=["2024", "2023"]), tmp_path, WHERE)
    assert reordered.values == ((21.0, 19.5), (9.1, 8.4))


def test_map_names_are_canonical(tmp_path):
    chart = ChartBlock(type="map", title="t", alt="a", data=[{"region": "occitanie", "value": 2},
                                                             {"region": "Réunion", "value": 1}])
    data = load_chart_data(chart, tmp_path, WHERE)
    assert data.labels == ("Occitanie", "La Réunion")
    departements = ChartBlock(type="map", title="t", alt="a", level="departement",
                              data={"34": 3, "2a": 1, "Finistère": 2})
    assert load_chart_data(departements, tmp_path, WHERE).labels == ("Finistère", "Corse-du-Sud", "Hérault")


def test_locator_map_needs_no_data(tmp_path):
    chart = ChartBlock(type="map", title="Occitanie", alt="Carte", highlight="occitanie")
    data = load_chart_data(chart, tmp_path, WHERE)
    assert chart.is_locator_map and data.labels == () and data.highlight == "Occitanie"


ONE = [{"label": "a", "value": 1}]


@pytest.mark.parametrize("fields, message", [
    ({"type": "bar", "data": []}, "the chart has no data"),
    ({"type": "bar"}, "the chart has no data"),
    ({"type": "bar", "data": [{"label": "a", "value": "beaucoup"}]},
     "data[0]: value 'beaucoup' is not a number"),
    ({"type": "bar", "data": [{"label": "a"}]}, "data[0]: missing `value`"),
    ({"type": "bar", "data": [{"label": "a", "value": 1, "colour": "red"}]}, "unknown key 'colour'"),
    ({"type": "bar", "data": [3]}, "data[0]: an item is a mapping with label, value, not 3"),
    ({"type": "donut", "data": [{"label": "a", "value": -3}]}, "negative value -3 in a donut chart"),
    ({"type": "waffle", "data": [{"label": "a", "value": 0}]}, "add up to 0"),
    ({"type": "waffle", "unit": "%", "data": [{"label": "a", "value": 70}, {"label": "b", "value": 40}]},
     "more than 100 %"),
    ({"type": "map", "data": {"Bretagne": 3, "Normandy": 2}},
     "unknown région 'Normandy' (did you mean 'Normandie'?)"),
    ({"type": "map", "data": {"Bretagne": -3}}, "negative value"),
    ({"type": "map", "highlight": "Atlantide"}, "highlight: unknown région 'Atlantide'"),
    ({"type": "grouped", "data": [{"label": "a", "values": {"2023": 1, "2024": 2}},
                                  {"label": "b", "values": {"2023": 1}}]},
     "data[1]: no value for series '2024'"),
    ({"type": "bar", "data": ONE, "highlight": "b"}, "highlight 'b' is not one of the labels"),
    ({"type": "bar", "data": ONE + [{"label": "a", "value": 2}]}, "label 'a' appears twice"),
    ({"type": "bar", "data": ONE, "file": "x.csv"}, "either `data` or `file`"),
    ({"type": "bar", "data": ONE, "level": "departement"}, "`level` is only used by maps"),
    ({"type": "bar", "data": ONE, "series": ["a"]}, "`series` is only used by grouped charts"),
    ({"type": "bar", "data": {"a": 1}}, "not a mapping"),
])
def test_bad_inline_data_is_refused_with_a_clear_message(fields, message):
    with pytest.raises(ValidationError) as caught:
        ChartBlock(title="t", alt="a", **fields)
    assert message in str(caught.value)


def test_bad_fields():
    with pytest.raises(ValidationError, match="alt"):
        ChartBlock(type="bar", title="t", alt="  ", data=[{"label": "a", "value": 1}])
    with pytest.raises(ValidationError, match="Extra inputs are not permitted"):
        ChartBlock(type="bar", title="t", alt="a", data=[{"label": "a", "value": 1}], colour="red")
    with pytest.raises(ValidationError, match="type"):
        ChartBlock(type="pie", title="t", alt="a", data=[{"label": "a", "value": 1}])
    with pytest.raises(ValidationError, match=".csv, .yaml or .yml"):
        ChartBlock(type="bar", title="t", alt="a", file="data.xlsx")


def test_every_field_is_described():
    schema = ChartBlock.model_json_schema()
    assert all(prop.get("description") for prop in schema["properties"].values())


def test_inline_problems_point_to_the_block(tmp_path):
    # as the load stage would hold it if it skipped validation: the problem points to the block
    chart = ChartBlock.model_construct(type="bar", title="t", alt="a", data=[{"label": "a", "value": "x"}])
    assert problems(chart, tmp_path) == [
        "content/rapport/sections/03.md:42: error: data[0]: value 'x' is not a number"]


def test_csv_problems_point_to_the_row(tmp_path):
    text = "label,value\nA,12\nB,abc\n\nC,\"1 733\"\nD,-4\nE\n"
    chart = file_block(tmp_path, "agents.csv", text, type="donut")
    with pytest.raises(ContentError) as caught:
        load_chart_data(chart, tmp_path, WHERE)
    where = [(p.path, p.line) for p in caught.value.problems]
    assert where == [(tmp_path / "agents.csv", line) for line in (3, 6, 7)]
    found = problems(chart, tmp_path)
    assert [p.split(": error: ")[1] for p in found] == [
        "row 3: value 'abc' is not a number",
        "row 6: negative value -4 in a donut chart (its parts must add up to a whole)",
        "row 7: 1 cells, the header has 2",
    ]


def test_csv_quoted_newlines_keep_line_numbers(tmp_path):
    text = 'label,value\n"Deux\nlignes",1\nB,x\n'
    chart = file_block(tmp_path, "multi.csv", text)
    with pytest.raises(ContentError) as caught:
        load_chart_data(chart, tmp_path, WHERE)
    assert [(p.line, p.message) for p in caught.value.problems] == [(4, "row 4: value 'x' is not a number")]


def test_csv_columns(tmp_path):
    chart = file_block(tmp_path, "cols.csv", "nom,valeur\nA,1\n")
    assert problems(chart, tmp_path) == [f"{tmp_path / 'cols.csv'}:1: error: no 'label' column in the header "
                                         "(found 'nom', 'valeur')"]
    two = file_block(tmp_path, "two.csv", "label,a,b\nX,1,2\n")
    assert "pick it with `series: [column]`" in problems(two, tmp_path)[0]
    picked = file_block(tmp_path, "two.csv", "label,a,b\nX,1,2\n", series=["b"])
    assert load_chart_data(picked, tmp_path, WHERE).values == ((2.0,),)
    french = file_block(tmp_path, "fr.csv", "Libellé;Valeur\nX;19,5\n")
    assert load_chart_data(french, tmp_path, WHERE).values == ((19.5,),)
    grouped = file_block(tmp_path, "g.csv", "label,2023,2024\nX,1,2\nY,3,4\n", type="grouped")
    data = load_chart_data(grouped, tmp_path, WHERE)
    assert data.series == ("2023", "2024") and data.values == ((1.0, 2.0), (3.0, 4.0))
    missing_series = file_block(tmp_path, "g.csv", "label,2023,2024\nX,1,2\n", type="grouped",
                                series=["2022"])
    assert "no column for series '2022'" in problems(missing_series, tmp_path)[0]


def test_map_csv(tmp_path):
    chart = file_block(tmp_path, "regions.csv", "région;valeur\nOccitanie;12\nOcitanie;4\n", type="map")
    assert problems(chart, tmp_path) == [
        f"{tmp_path / 'regions.csv'}:3: error: row 3: unknown région 'Ocitanie' (did you mean 'Occitanie'?)"]
    no_column = file_block(tmp_path, "r.csv", "label,value\nOccitanie,1\n", type="map")
    assert "no 'region' column" in problems(no_column, tmp_path)[0]


def test_yaml_file_lines(tmp_path):
    text = "- label: A\n  value: 3\n- label: B\n  value: x\n- 5\n"
    chart = file_block(tmp_path, "items.yaml", text)
    with pytest.raises(ContentError) as caught:
        load_chart_data(chart, tmp_path, WHERE)
    assert [(p.line, p.message) for p in caught.value.problems] == [
        (3, "item 2: value 'x' is not a number"),
        (5, "item 3: an item is a mapping with label, value, not 5")]
    mapping = file_block(tmp_path, "map.yaml", "Bretagne: 3\nNormandy: 2\n", type="map")
    with pytest.raises(ContentError) as caught:
        load_chart_data(mapping, tmp_path, WHERE)
    assert caught.value.problems[0].line == 2


def test_missing_or_escaping_file(tmp_path):
    chart = ChartBlock(type="bar", title="t", alt="a", file="absent.csv")
    assert problems(chart, tmp_path) == [f"content/rapport/sections/03.md:42: error: data file 'absent.csv' "
                                         f"not found in {tmp_path}"]
    escaping = ChartBlock(type="bar", title="t", alt="a", file="../secret.csv")
    assert "must be inside the data/ folder" in problems(escaping, tmp_path)[0]
    (tmp_path / "ok.csv").write_text("label,value\nA,1\n")
    prefixed = ChartBlock(type="bar", title="t", alt="a", file="data/ok.csv")
    assert load_chart_data(prefixed, tmp_path, WHERE).labels == ("A",)


def test_empty_csv(tmp_path):
    chart = file_block(tmp_path, "empty.csv", "")
    assert "the CSV file is empty" in problems(chart, tmp_path)[0]
    header_only = file_block(tmp_path, "header.csv", "label,value\n")
    assert "the chart's data is empty" in problems(header_only, tmp_path)[0]


def test_numbers_from_yaml_name_series_and_departements(tmp_path):
    """YAML reads `2023:` and `34:` as numbers; they still name a series or a département."""
    grouped = ChartBlock(type="grouped", title="t", alt="a", series=[2024, 2023],
                         data=[{"label": "x", "values": {2023: 1, 2024: 2}}])
    assert load_chart_data(grouped, tmp_path, WHERE).values == ((2.0, 1.0),)
    departements = ChartBlock(type="map", title="t", alt="a", level="departement", data={34: 3, 1: 2})
    assert load_chart_data(departements, tmp_path, WHERE).labels == ("Ain", "Hérault")
