"""Names and outlines of the régions and départements, read from `geodata/france.json`."""
from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

GEODATA = Path(__file__).resolve().parent / "geodata" / "france.json"

# Other spellings people type, after `name_key` normalisation.
_ALIASES = {
    "reunion": "La Réunion",
    "ile de la reunion": "La Réunion",
    "paca": "Provence-Alpes-Côte d'Azur",
    "idf": "Île-de-France",
    "centre": "Centre-Val de Loire",
}


@dataclass(frozen=True)
class Area:
    """A région or a département: its name, stable slug and outline rings.

    Mainland rings share the map's coordinates; an overseas area's rings are in its own frame
    (tenths of a kilometre), drawn as an inset at its own scale, and `size_km` is its extent."""

    name: str
    slug: str
    code: str
    region: str
    rings: tuple[tuple[int, ...], ...]
    size_km: tuple[float, float] | None = None

    @property
    def overseas(self) -> bool:
        return self.size_km is not None


@dataclass(frozen=True)
class GeoData:
    view_box: tuple[float, float, float, float]
    scale: float
    attribution: str
    regions: tuple[Area, ...]  # mainland first, then overseas (insets)
    departements: tuple[Area, ...]


def slug(name: str) -> str:
    """`Provence-Alpes-Côte d'Azur` -> `provence-alpes-cote-d-azur`."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")


def name_key(name: str) -> str:
    """What two spellings of one name have in common: no case, accents or punctuation."""
    return slug(name.replace("’", "'")).replace("-", " ")


@lru_cache(maxsize=1)
def geodata() -> GeoData:
    raw = json.loads(GEODATA.read_text(encoding="utf-8"))

    def rings(item: dict) -> tuple[tuple[int, ...], ...]:
        return tuple(tuple(ring) for ring in item["rings"])

    overseas = raw["overseas"]
    regions = [Area(r["name"], r["slug"], r["code"], r["name"], rings(r)) for r in raw["regions"]] + [
        Area(o["region"], slug(o["region"]), o["code"], o["region"], rings(o), tuple(o["size_km"]))
        for o in overseas]
    departements = [Area(d["name"], slug(d["name"]), d["code"], d["region"], rings(d)) for d in raw["departements"]] + [
        Area(o["name"], slug(o["name"]), o["code"], o["region"], rings(o), tuple(o["size_km"])) for o in overseas]
    return GeoData(tuple(raw["viewBox"]), float(raw["scale"]), raw["attribution"],
                   tuple(regions), tuple(departements))


@lru_cache(maxsize=2)
def _index(level: str) -> dict[str, str]:
    """Every accepted spelling (name, code) -> the canonical name, for one level."""
    areas = geodata().regions if level == "region" else geodata().departements
    index: dict[str, str] = {}
    for area in areas:
        index[name_key(area.name)] = area.name
        if level == "departement":
            index[area.code.lower()] = area.name
            if area.code.isdigit() and len(area.code) == 2:
                index[str(int(area.code))] = area.name
    if level == "region":
        index.update(_ALIASES)
    return index


def area_names(level: str) -> tuple[str, ...]:
    """The canonical names, mainland first, in a stable order."""
    areas = geodata().regions if level == "region" else geodata().departements
    return tuple(a.name for a in areas)


def resolve(name: object, level: str) -> str | None:
    """The canonical name for what an author typed (`occitanie`, `2A`, `Réunion`), or None."""
    text = str(name).strip()
    index = _index(level)
    return index.get(text.lower()) or index.get(name_key(text))


def suggest(name: object, level: str) -> str | None:
    """The closest canonical name, for a "did you mean" hint."""
    import difflib

    keys = {name_key(n): n for n in area_names(level)}
    match = difflib.get_close_matches(name_key(str(name)), list(keys), n=1, cutoff=0.6)
    return keys[match[0]] if match else None
