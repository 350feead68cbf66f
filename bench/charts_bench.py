"""Benchmark of the charts stage: six representative charts, cold, warm and from the cache.

    .venv/bin/python bench/charts_bench.py [--runs 5] [--variant print]

- cold: a fresh Python process imports the toolkit and renders the six charts (matplotlib is
  imported by the first render: reported apart);
- warm: the same process renders them again (matplotlib loaded, fonts registered);
- cached: a fresh process reads the six charts from a warm disk cache (matplotlib never loaded),
  and the same hits again in-process.
Medians of `--runs` runs; each run of the cold and cached cases is a new process.
"""
from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

CHARTS = {
    "bar": {"type": "bar", "title": "Projets accompagnés", "alt": "x", "highlight": "France services",
            "data": [{"label": "Ingénierie territoriale et accompagnement", "value": 1733},
                     {"label": "France services", "value": 2700},
                     {"label": "Petites villes de demain", "value": 1645},
                     {"label": "Action cœur de ville", "value": 234}]},
    "column": {"type": "column", "title": "Taux", "alt": "x", "unit": "%",
               "data": [{"label": "Communes couvertes", "value": 63},
                        {"label": "Moins de 3 500 hab.", "value": 88},
                        {"label": "Locaux fibrés", "value": 87},
                        {"label": "Retours positifs", "value": 86}]},
    "grouped": {"type": "grouped", "title": "Budgets", "alt": "x", "unit": "M€",
                "data": [{"label": "Ingénierie", "values": {"2023": 19.5, "2024": 21}},
                         {"label": "Fonds verts", "values": {"2023": 12, "2024": 14.2}},
                         {"label": "Numérique", "values": {"2023": 8.4, "2024": 9.1}}]},
    "donut": {"type": "donut", "title": "Agents", "alt": "x",
              "data": [{"label": "Titulaires", "value": 95},
                       {"label": "Contractuels de droit public", "value": 215},
                       {"label": "Contractuels de droit privé", "value": 40},
                       {"label": "Mis à disposition", "value": 19}]},
    "waffle": {"type": "waffle", "title": "Femmes et hommes", "alt": "x", "unit": "personnes",
               "data": [{"label": "Femmes", "value": 250}, {"label": "Hommes", "value": 139}]},
    "map": {"type": "map", "title": "Projets par région", "alt": "x", "unit": "projets",
            "highlight": "Occitanie",
            "data": {"Occitanie": 120, "Bretagne": 45, "Île-de-France": 210, "Grand Est": 80, "Normandie": 0,
                     "Hauts-de-France": 95, "Nouvelle-Aquitaine": 150, "Auvergne-Rhône-Alpes": 175,
                     "Provence-Alpes-Côte d'Azur": 60, "Corse": 5, "Pays de la Loire": 70,
                     "Centre-Val de Loire": 40, "Bourgogne-Franche-Comté": 55, "Guadeloupe": 8,
                     "Martinique": 9, "Guyane": 12, "La Réunion": 30, "Mayotte": 3}},
}

# Runs in a fresh process: times in seconds, as JSON on stdout.
CHILD = r"""
import json, sys, time
t0 = time.perf_counter()
sys.path.insert(0, sys.argv[1])
from pathlib import Path
import toolkit.charts as charts
t_import = time.perf_counter() - t0
from ruamel.yaml import YAML

def theme():
    yaml = YAML(typ="safe")
    base = yaml.load(Path(sys.argv[1], "layouts/base/theme.yaml").read_text())
    agence = yaml.load(Path(sys.argv[1], "layouts/agence/theme.yaml").read_text())
    merged = {**base, **{k: v for k, v in agence.items() if k != "colors"}}
    merged["colors"] = {**base["colors"], **agence["colors"]}
    return merged

style = charts.chart_style_from_theme(theme(), Path(sys.argv[1], "fonts"), sys.argv[3])
blocks = {name: charts.ChartBlock.model_validate(spec) for name, spec in json.loads(sys.argv[2]).items()}
cache_dir = Path(sys.argv[4]) if len(sys.argv) > 4 else None
times, sizes = {}, {}
for name, block in blocks.items():
    t = time.perf_counter()
    if cache_dir is None:
        svg = charts.render_chart(block, style, Path("."))
    else:
        svg = charts.render_chart_cached(block, style, Path("."), cache_dir)
    times[name] = time.perf_counter() - t
    sizes[name] = len(svg.encode())
warm = {}
for name, block in blocks.items():
    t = time.perf_counter()
    if cache_dir is None:
        charts.render_chart(block, style, Path("."))
    else:
        charts.render_chart_cached(block, style, Path("."), cache_dir)
    warm[name] = time.perf_counter() - t
print(json.dumps({"import": t_import, "first": times, "again": warm, "sizes": sizes,
                  "total": time.perf_counter() - t0, "matplotlib": "matplotlib" in sys.modules}))
"""


def run_child(variant: str, cache_dir: Path | None) -> dict:
    args = [sys.executable, "-c", CHILD, str(ROOT), json.dumps(CHARTS), variant]
    if cache_dir is not None:
        args.append(str(cache_dir))
    start = time.perf_counter()
    out = subprocess.run(args, capture_output=True, text=True, check=True).stdout
    result = json.loads(out)
    result["process"] = time.perf_counter() - start
    return result


def median(values: list[float]) -> float:
    return statistics.median(values)


def ms(seconds: float) -> str:
    return f"{seconds * 1000:8.1f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--variant", choices=("screen", "print"), default="print")
    args = parser.parse_args()

    cold = [run_child(args.variant, None) for _ in range(args.runs)]
    with tempfile.TemporaryDirectory(prefix="charts-bench-") as folder:
        cache_dir = Path(folder)
        run_child(args.variant, cache_dir)  # fills the cache
        cached = [run_child(args.variant, cache_dir) for _ in range(args.runs)]
    assert not any(r["matplotlib"] for r in cached), "a cache hit imported matplotlib"

    print(f"charts bench: {len(CHARTS)} charts, variant {args.variant}, median of {args.runs} runs\n")
    print(f"{'chart':10} {'cold (1st)':>12} {'warm':>12} {'cache hit':>12} {'SVG':>9}")
    for name in CHARTS:
        print(f"{name:10} {ms(median([r['first'][name] for r in cold])):>12} "
              f"{ms(median([r['again'][name] for r in cold])):>12} "
              f"{ms(median([r['first'][name] for r in cached])):>12} "
              f"{cold[0]['sizes'][name] / 1024:7.1f} KB")
    print()
    rows = [
        ("import toolkit.charts (fresh process)", [r["import"] for r in cold]),
        ("6 charts cold, in process (incl. matplotlib import)", [sum(r["first"].values()) for r in cold]),
        ("  of which the first chart (imports matplotlib)", [r["first"]["bar"] for r in cold]),
        ("6 charts warm, in process", [sum(r["again"].values()) for r in cold]),
        ("6 charts from the cache, fresh process", [sum(r["first"].values()) for r in cached]),
        ("6 charts from the cache, again in process", [sum(r["again"].values()) for r in cached]),
        ("whole process, cold (python start included)", [r["process"] for r in cold]),
        ("whole process, cached (python start included)", [r["process"] for r in cached]),
    ]
    for label, values in rows:
        print(f"{label:52} {ms(median(values))}")

if __name__ == "__main__":
    main()
