"""Benchmark the print build: one WeasyPrint pass over the whole HTML vs the parts build (cold, warm).

Run: .venv/bin/python bench/bench_build.py [--runs 3]. Prints medians and ratios measured in one run.
"""
from __future__ import annotations

import argparse
import os
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


def single_pass_seconds() -> float:
    """The reference: the same publication's HTML laid out and written in one WeasyPrint pass."""
    from toolkit.build import Builder, document_date
    from toolkit.html import build_html

    builder = Builder(parts=False)
    publication, theme, _ = builder.load(PUBLICATION)
    html = build_html(publication, theme, "print", chart_svg=builder.chart_renderer(publication, theme, "print"),
                      extra_context={"document_date": document_date(publication)}).html
    started = time.perf_counter()
    document = builder.renderer.document(html, publication.root, theme, "print")
    builder.renderer.write_pdf(document, "print", identifier=b"x" * 32)
    return time.perf_counter() - started


def cli_build_seconds(cache: Path, out: Path) -> float:
    """A fresh `toolkit build` process (start-up included) with the given cache folder."""
    env = {**os.environ, "TOOLKIT_CACHE": str(cache)}
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "toolkit", "build", PUBLICATION, "--variant", "print", "--out", str(out)],
                   check=True, env=env, cwd=ROOT, stdout=subprocess.DEVNULL)
    return time.perf_counter() - started


def warm_edit_seconds(cache: Path) -> float:
    """Edit one paragraph of one chapter, rebuild with the Python API in a warm process."""
    os.environ["TOOLKIT_CACHE"] = str(cache)
    import importlib

    import toolkit.paths
    importlib.reload(toolkit.paths)
    from toolkit import build as build_module
    importlib.reload(build_module)
    with tempfile.TemporaryDirectory() as folder:
        content = Path(folder) / "content"
        shutil.copytree(ROOT / "content" / PUBLICATION, content / PUBLICATION)
        builder = build_module.Builder(content=content, out=Path(folder) / "out")
        builder.build(PUBLICATION, "print")  # warm: workers started, cache filled for this content
        chapter = content / PUBLICATION / "sections" / "21-logement-habitat.md"
        chapter.write_text(chapter.read_text(encoding="utf-8").replace(
            "Sisteron va inaugurer", "Sisteron inaugurera bientôt"), encoding="utf-8")
        started = time.perf_counter()
        builder.build(PUBLICATION, "print")
        elapsed = time.perf_counter() - started
        builder.close()
        return elapsed


def cli_edit_seconds(cache: Path, out: Path) -> float:
    """Edit one paragraph, then a fresh `toolkit build` process (start-up included) on that content."""
    with tempfile.TemporaryDirectory() as folder:
        content = Path(folder)
        shutil.copytree(ROOT / "content" / PUBLICATION, content / PUBLICATION)
        env = {**os.environ, "TOOLKIT_CACHE": str(cache)}
        command = [sys.executable, "-m", "toolkit", "build", PUBLICATION, "--variant", "print", "--out", str(out),
                   "--content", str(content)]
        subprocess.run(command, check=True, env=env, cwd=ROOT, stdout=subprocess.DEVNULL)  # fill the cache
        chapter = content / PUBLICATION / "sections" / "21-logement-habitat.md"
        chapter.write_text(chapter.read_text(encoding="utf-8").replace(
            "Sisteron va inaugurer", "Sisteron inaugurera sous peu"), encoding="utf-8")
        started = time.perf_counter()
        subprocess.run(command, check=True, env=env, cwd=ROOT, stdout=subprocess.DEVNULL)
        return time.perf_counter() - started


def editions_seconds(cache: Path, out: Path) -> tuple[float, float]:
    """National print edition then all regional ones, cold cache; and the largest process's peak RSS (MB)."""
    import resource

    env = {**os.environ, "TOOLKIT_CACHE": str(cache)}
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "toolkit", "build", PUBLICATION, "--variant", "print", "--out", str(out),
                    "--edition", "national", "--edition", "all"], check=True, env=env, cwd=ROOT,
                   stdout=subprocess.DEVNULL)
    elapsed = time.perf_counter() - started
    return elapsed, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--editions", action="store_true", help="also time the 18 regional editions")
    arguments = parser.parse_args()
    single, cold, warm_cli, edit, edit_cli = [], [], [], [], []
    for _ in range(arguments.runs):
        single.append(single_pass_seconds())
        with tempfile.TemporaryDirectory() as folder:
            cache, out = Path(folder) / "cache", Path(folder) / "out"
            cold.append(cli_build_seconds(cache, out))
            warm_cli.append(cli_build_seconds(cache, out))
            edit_cli.append(cli_edit_seconds(cache, out))
            edit.append(warm_edit_seconds(cache))
    med = statistics.median
    reference = med(single)
    print(f"runs: {arguments.runs}; medians; ratios to one WeasyPrint pass over the same HTML")
    print(f"single WeasyPrint pass (reference):          {reference:6.2f} s")
    print(f"parts build, cold cache, fresh process:      {med(cold):6.2f} s  ratio {med(cold) / reference:.2f}")
    print(f"parts build, nothing changed, fresh process: {med(warm_cli):6.2f} s  ratio {med(warm_cli) / reference:.2f}")
    print(f"one paragraph edited, fresh process:         {med(edit_cli):6.2f} s  ratio {med(edit_cli) / reference:.2f}")
    print(f"one paragraph edited, warm process (API):    {med(edit):6.2f} s  ratio {med(edit) / reference:.2f}")
    if arguments.editions:
        with tempfile.TemporaryDirectory() as folder:
            seconds, peak = editions_seconds(Path(folder) / "cache", Path(folder) / "out")
        print(f"national + 18 regional editions, cold cache: {seconds:6.2f} s  "
              f"ratio to the national cold build {seconds / med(cold):.2f}; peak RSS of a process {peak:.0f} MB")


if __name__ == "__main__":
    main()
