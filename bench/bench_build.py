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


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    runs = parser.parse_args().runs
    single, cold, warm_cli, edit = [], [], [], []
    for _ in range(runs):
        single.append(single_pass_seconds())
        with tempfile.TemporaryDirectory() as folder:
            cache, out = Path(folder) / "cache", Path(folder) / "out"
            cold.append(cli_build_seconds(cache, out))
            warm_cli.append(cli_build_seconds(cache, out))
            edit.append(warm_edit_seconds(cache))
    med = statistics.median
    print(f"single WeasyPrint pass (reference): {med(single):.2f} s")
    print(f"parts build, cold, fresh process:    {med(cold):.2f} s  ratio {med(cold) / med(single):.2f}")
    print(f"parts build, unchanged, fresh process: {med(warm_cli):.2f} s  ratio {med(warm_cli) / med(single):.2f}")
    print(f"one paragraph edited, warm process:  {med(edit):.2f} s  ratio {med(edit) / med(single):.2f}")


if __name__ == "__main__":
    main()
