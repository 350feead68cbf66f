"""Helpers and fixtures for the charts tests: small chart specs, the agency theme, SVG inspection.

No `conftest.py` here: another one named `conftest` would shadow `tests/conftest.py`, which other
tests import by name. Test modules import the fixtures they use from this module.
"""
from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from ruamel.yaml import YAML

from toolkit.charts import ChartBlock, ChartStyle, chart_style_from_theme

ROOT = Path(__file__).resolve().parents[2]
FONTS = ROOT / "fonts"

SPECS: dict[str, dict] = {
    "bar": {"type": "bar", "title": "Projets accompagnés", "alt": "Barres : 1 733 projets en ingénierie.",
            "data": [{"label": "Ingénierie territoriale", "value": 1733},
                     {"label": "France services", "value": 2700},
                     {"label": "Petites villes de demain", "value": "1 645"}],
            "highlight": "France services"},
    "column": {"type": "column", "title": "Taux", "alt": "63 %, 88 %, 87 %.", "unit": "%",
               "data": [{"label": "Communes couvertes", "value": 63},
                        {"label": "Moins de 3 500 habitants", "value": 88},
                        {"label": "Locaux fibrés", "value": "87 %"}]},
    "grouped": {"type": "grouped", "title": "Budgets", "alt": "2023 et 2024.", "unit": "M€",
                "data": [{"label": "Ingénierie", "values": {"2023": 19.5, "2024": 21}},
                         {"label": "Numérique", "values": {"2023": "8,4", "2024": 9.1}}]},
    "donut": {"type": "donut", "title": "Agents", "alt": "389 agents.",
              "data": [{"label": "Titulaires", "value": 95},
                       {"label": "Contractuels de droit public", "value": 215},
                       {"label": "Contractuels de droit privé", "value": 40}]},
    "waffle": {"type": "waffle", "title": "Femmes et hommes", "alt": "250 femmes, 139 hommes.",
               "unit": "personnes",
               "data": [{"label": "Femmes", "value": 250}, {"label": "Hommes", "value": 139}]},
    "map": {"type": "map", "title": "Projets par région", "alt": "Occitanie en tête.", "unit": "projets",
            "data": {"Occitanie": 120, "Bretagne": 45, "Île-de-France": 210, "Normandie": 0,
                     "La Réunion": 30},
            "highlight": "Occitanie"},
}


def merged_theme(name: str = "agence") -> dict:
    """The theme's tokens merged over its parent's (as the theme stage does)."""
    yaml = YAML(typ="safe")
    tokens = yaml.load((ROOT / "layouts" / name / "theme.yaml").read_text(encoding="utf-8"))
    parent = tokens.get("parent")
    if not parent:
        return tokens
    base = merged_theme(parent)
    merged = {**base, **{k: v for k, v in tokens.items() if k != "colors"}}
    merged["colors"] = {**base.get("colors", {}), **tokens.get("colors", {})}
    return merged


@pytest.fixture(scope="session")
def screen_style() -> ChartStyle:
    return chart_style_from_theme(merged_theme(), FONTS, "screen")


@pytest.fixture(scope="session")
def print_style() -> ChartStyle:
    return chart_style_from_theme(merged_theme(), FONTS, "print")


def block(name: str, **changes) -> ChartBlock:
    return ChartBlock.model_validate({**SPECS[name], **changes})


def parse(svg: str) -> ET.Element:
    root = ET.fromstring(svg)
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    return root


def local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def style_of(element: ET.Element) -> dict[str, str]:
    pairs = (d.split(":", 1) for d in element.get("style", "").split(";") if ":" in d)
    return {k.strip(): v.strip() for k, v in pairs}
