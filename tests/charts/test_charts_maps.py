"""Maps colour exactly the régions they are given; overseas régions are insets with their real outlines."""
from __future__ import annotations

import json
import re

import pytest
from charts_testlib import (  # noqa: F401 (fixtures)
    block, local, parse, print_style, screen_style, style_of,
)

from toolkit.charts import ChartBlock, render_chart
from toolkit.charts.geo import GEODATA, area_names, geodata, resolve

MAINLAND = 13
OVERSEAS = ["Guadeloupe", "Martinique", "Guyane", "La Réunion", "Mayotte"]


def fills_by_class(svg: str, prefix: str) -> dict[str, str]:
    """{"region-occitanie": "#rrggbb", ...} from the groups the map gives a class."""
    found = {}
    for element in parse(svg).iter():
        classes = element.get("class", "").split()
        if len(classes) >= 2 and classes[0] == prefix.split("-")[0]:
            shape = element if local(element.tag) != "g" else element[0]
            found[classes[1]] = style_of(shape).get("fill", shape.get("fill"))
    return found


def test_geodata_is_small_and_complete():
    assert GEODATA.stat().st_size < 300_000
    data = geodata()
    assert len([r for r in data.regions if r.rings and not r.overseas]) == MAINLAND
    assert [r.name for r in data.regions if r.overseas] == OVERSEAS
    assert len([d for d in data.departements if d.rings and not d.overseas]) == 96
    for area in (a for a in data.regions if a.overseas):  # real outlines, in kilometres
        assert max(len(ring) for ring in area.rings) >= 40, area.name  # 20 points or more
        assert 20 < max(area.size_km) < 450, area.name
    assert json.loads(GEODATA.read_text())["attribution"] == "Fonds de carte : MapSVG (CC BY 4.0), Natural Earth"
    assert set(area_names("region")) == {d.region for d in data.departements}


def test_licences_beside_the_data():
    folder = GEODATA.parent
    readme = (folder / "README.md").read_text()
    assert "CC BY 4.0" in readme and "Licence Ouverte" in readme and "build_geodata.py" in readme
    assert "Natural Earth" in readme and "public domain" in readme
    assert "Attribution 4.0 International" in (folder / "LICENSE-MapSVG-CC-BY-4.0.md").read_text()


def test_map_colours_exactly_the_given_regions(screen_style, tmp_path):
    svg = render_chart(block("map"), screen_style, tmp_path)
    fills = fills_by_class(svg, "region")
    assert len(fills) == MAINLAND + len(OVERSEAS)
    tint, paper = screen_style.hex("tint"), "#ffffff"
    given = {"region-occitanie", "region-bretagne", "region-ile-de-france", "region-la-reunion"}
    assert fills["region-normandie"] == tint  # 0
    assert all(fills[name] not in (tint, paper) for name in given)
    assert {name for name, fill in fills.items() if fill == paper} == {
        n for n in fills if n not in given | {"region-normandie"}}  # no value: paper, outlined
    # a larger value never gets a lighter class: Île-de-France (210) is the primary colour
    assert fills["region-ile-de-france"] == screen_style.hex("primary")
    assert len({fills["region-occitanie"], fills["region-bretagne"], fills["region-ile-de-france"]}) == 3


def test_map_highlight_outline_and_notes(screen_style, tmp_path):
    svg = render_chart(block("map"), screen_style, tmp_path)
    outline = [e for e in parse(svg).iter() if e.get("class") == "highlight highlight-occitanie"]
    assert len(outline) == 1
    stroke = style_of(outline[0][0] if local(outline[0].tag) == "g" else outline[0])
    assert stroke["fill"] == "none" and stroke["stroke"] == screen_style.hex("accent")
    assert ">Fonds de carte\u202f: MapSVG (CC BY 4.0), Natural Earth<" in svg  # the credit, typeset
    assert "géométrie" not in svg and "carrés" not in svg  # no note about what the map cannot draw
    for name in OVERSEAS:
        assert f">{name}<" in svg


def test_legend_classes(screen_style, tmp_path):
    svg = render_chart(block("map"), screen_style, tmp_path)
    for label in ("0", "1 à 50", "201 à 250", "non renseigné", "projets"):
        assert f">{label}<" in svg


def test_locator_map(screen_style, tmp_path):
    chart = ChartBlock(type="map", title="L'Occitanie", alt="Carte de France, l'Occitanie en couleur.",
                       highlight="Occitanie")
    fills = fills_by_class(render_chart(chart, screen_style, tmp_path), "region")
    assert fills.pop("region-occitanie") == screen_style.hex("primary")
    assert set(fills.values()) == {screen_style.hex("tint")}
    overseas = ChartBlock(type="map", title="Guyane", alt="Carte", highlight="guyane")
    svg = render_chart(overseas, screen_style, tmp_path)
    assert fills_by_class(svg, "region")["region-guyane"] == screen_style.hex("primary")
    assert [e for e in parse(svg).iter() if e.get("class") == "highlight highlight-guyane"]


def test_departement_map(screen_style, tmp_path):
    chart = ChartBlock(type="map", title="t", alt="a", level="departement", data={"34": 10, "Gard": 4})
    fills = fills_by_class(render_chart(chart, screen_style, tmp_path), "departement")
    assert len(fills) == 96 + len(OVERSEAS)
    coloured = {name for name, fill in fills.items() if fill != "#ffffff"}
    assert coloured == {"departement-herault", "departement-gard"}


@pytest.mark.parametrize("typed, canonical", [
    ("Provence-Alpes-Cote d’Azur", "Provence-Alpes-Côte d'Azur"), ("ILE DE FRANCE", "Île-de-France"),
    ("Réunion", "La Réunion"), ("centre-val-de-loire", "Centre-Val de Loire"), ("Atlantide", None)])
def test_region_names(typed, canonical):
    assert resolve(typed, "region") == canonical


def test_print_map_is_cmyk(print_style, tmp_path):
    svg = render_chart(block("map"), print_style, tmp_path)
    assert not re.search(r"#[0-9a-fA-F]{6}", svg)
    assert "device-cmyk(1 0.85 0.1 0.2)" in svg  # primary, the darkest class
