"""Benchmark the builds against one WeasyPrint pass over the same HTML (issue 16), every ratio in one run.

Run: .venv/bin/python bench/bench_build.py [--runs 3] [--no-editions]

The reference is a fresh `weasyprint` process on the HTML `toolkit build --html` writes (assets beside
it); each `toolkit build` is a fresh process too, with its own empty cache where it says "cold". Every
fresh process runs under /usr/bin/time -v: the peak RSS is that of the largest process of its tree
(a worker or the parent). The machine is shared: compare ratios of one run, not seconds across runs.
"""
from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("SOURCE_DATE_EPOCH", "1700000000")
PUBLICATION = "rapport-annuel-2023"
EDITED = ("sections/21-logement-habitat.md", "Sisteron va inaugurer")
WEASYPRINT_OPTIONS = {"print": ["--pdf-variant", "pdf/x-4", "--dpi", "300"],
                      "screen": ["--pdf-variant", "pdf/ua-1", "--dpi", "150"]}
peaks: list[float] = []  # MB, one per fresh process measured


def timed(command: list[str], cache: Path | None = None) -> float:
    """Seconds of a fresh process (start-up included); its peak RSS goes to `peaks`."""
    env = {**os.environ, **({"TOOLKIT_CACHE": str(cache)} if cache else {})}
    with tempfile.NamedTemporaryFile("r") as report:
        started = time.perf_counter()
        subprocess.run(["/usr/bin/time", "-v", "-o", report.name, *command], check=True, env=env, cwd=ROOT,
                       stdout=subprocess.DEVNULL)
        elapsed = time.perf_counter() - started
        peaks.append(int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", report.read())[1]) / 1024)
    return elapsed


def toolkit(*arguments: str | Path) -> list[str]:
    return [sys.executable, "-m", "toolkit", "build", PUBLICATION, *map(str, arguments)]


def weasyprint(html: Path, variant: str, pdf: Path) -> list[str]:
    return [sys.executable, "-m", "weasyprint", *WEASYPRINT_OPTIONS[variant], "--quiet", str(html), str(pdf)]


def edit(content: Path, words: str) -> None:
    chapter = content / PUBLICATION / EDITED[0]
    chapter.write_text(chapter.read_text(encoding="utf-8").replace(EDITED[1], words, 1), encoding="utf-8")


def warm_edit_seconds(cache: Path, folder: Path) -> float:
    """One paragraph edited, rebuilt by a warm Builder (what `watch` does): workers and cache warm."""
    os.environ["TOOLKIT_CACHE"] = str(cache)
    import importlib

    import toolkit.paths
    importlib.reload(toolkit.paths)
    from toolkit import build as build_module
    importlib.reload(build_module)
    content = folder / "warm-content"
    shutil.copytree(ROOT / "content" / PUBLICATION, content / PUBLICATION)
    builder = build_module.Builder(content=content, out=folder / "warm-out")
    try:
        builder.build(PUBLICATION, "print")
        edit(content, "Sisteron inaugurera bientôt")
        started = time.perf_counter()
        builder.build(PUBLICATION, "print")
        return time.perf_counter() - started
    finally:
        builder.close()


def one_run(folder: Path) -> dict[str, float]:
    html, out = folder / "html", folder / "out"
    # The reference HTML, from a build of its own (its cache is not used by anything timed).
    subprocess.run(toolkit("--variant", "all", "--out", out, "--html", html), check=True, cwd=ROOT,
                   env={**os.environ, "TOOLKIT_CACHE": str(folder / "cache-html")}, stdout=subprocess.DEVNULL)
    figures = {}
    for variant in ("print", "screen"):
        figures[f"single {variant}"] = timed(weasyprint(html / f"{PUBLICATION}-{variant}.html", variant,
                                                        folder / f"single-{variant}.pdf"))
        figures[f"cold {variant}"] = timed(toolkit("--variant", variant, "--out", out), folder / f"cache-{variant}")
    cache = folder / "cache-print"
    figures["unchanged"] = timed(toolkit("--variant", "print", "--out", out), cache)
    content = folder / "content"
    shutil.copytree(ROOT / "content" / PUBLICATION, content / PUBLICATION)
    edited = toolkit("--variant", "print", "--out", out, "--content", content)
    subprocess.run(edited, check=True, cwd=ROOT, env={**os.environ, "TOOLKIT_CACHE": str(cache)},
                   stdout=subprocess.DEVNULL)  # the cache holds this content's units
    edit(content, "Sisteron inaugurera sous peu")
    figures["edit fresh"] = timed(edited, cache)
    figures["edit warm"] = warm_edit_seconds(cache, folder)
    return figures


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=1, help="runs of each measure; medians are printed")
    parser.add_argument("--no-editions", action="store_true", help="skip national + 18 editions (the longest)")
    arguments = parser.parse_args()
    runs = []
    for _ in range(arguments.runs):
        with tempfile.TemporaryDirectory() as folder:
            runs.append(one_run(Path(folder)))
    med = {key: statistics.median(run[key] for run in runs) for key in runs[0]}
    single, cold = med["single print"], med["cold print"]
    print(f"runs: {arguments.runs} (medians); ratios to one fresh `weasyprint` pass over the same HTML")
    print(f"single WeasyPrint pass, print (reference):    {single:6.2f} s")
    print(f"parts build, cold cache, fresh process:       {cold:6.2f} s  ratio {cold / single:.2f}  (target 0.5)")
    print(f"parts build, nothing changed, fresh process:  {med['unchanged']:6.2f} s  ratio {med['unchanged'] / single:.2f}")
    print(f"one paragraph edited, fresh process:          {med['edit fresh']:6.2f} s  "
          f"ratio {med['edit fresh'] / single:.2f}  (target 0.25)")
    print(f"one paragraph edited, warm process (watch):   {med['edit warm']:6.2f} s  (target 0.5 s)")
    print(f"screen: single WeasyPrint pass {med['single screen']:6.2f} s; build, cold cache {med['cold screen']:6.2f} s  "
          f"ratio {med['cold screen'] / med['single screen']:.2f}")
    print(f"peak RSS of the largest process of any run:   {max(peaks):6.0f} MB  (target 250)", flush=True)
    if not arguments.no_editions:
        with tempfile.TemporaryDirectory() as folder:
            seconds = timed(toolkit("--variant", "print", "--out", Path(folder) / "out", "--edition", "national",
                                    "--edition", "all"), Path(folder) / "cache")
        print(f"national + 18 editions, cold cache:           {seconds:6.2f} s  "
              f"ratio to the national cold build {seconds / cold:.2f}  (target 2.5); peak RSS {peaks[-1]:.0f} MB")


if __name__ == "__main__":
    main()
