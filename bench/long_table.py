"""Peak memory and time of a long table appendix (docs/security.md, "Memory of long tables").

    .venv/bin/python bench/long_table.py --rows 10000,30000 [--variant screen|print|all] [--chunk-rows N]

Writes a four-chapter publication whose third chapter is one N-row, 4-column table into a temporary
folder, builds each variant with `toolkit build` under `/usr/bin/time -v` (a cold cache of its own)
and prints pages, seconds and the peak resident memory of the build process and its workers.
"""
from __future__ import annotations

import argparse
import re
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests" / "reliability"))
sys.path.insert(0, str(ROOT / "tests"))
from test_long_tables import write_publication  # noqa: E402


def measure(folder: Path, variant: str, chunk_rows: str | None) -> str:
    # This checkout's code, run by the interpreter running this script (a worktree has no .venv).
    env = {"TOOLKIT_CACHE": str(folder / f"cache-{variant}"), "PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT)}
    if chunk_rows:
        env["TOOLKIT_TABLE_CHUNK_ROWS"] = chunk_rows  # toolkit/long_tables.py
    done = subprocess.run(["/usr/bin/time", "-v", sys.executable, "-m", "toolkit", "build", "annexe",
                           "--variant", variant, "--content", str(folder / "content"), "--out", str(folder / "out")],
                          capture_output=True, text=True, env=env)
    peak = re.search(r"Maximum resident set size \(kbytes\): (\d+)", done.stderr)
    summary = re.search(r"\.\.\. (.*?) →", done.stdout)
    return (f"{variant}: {summary[1] if summary else 'failed: ' + done.stdout[-300:]}, "
            f"peak RSS {int(peak[1]) // 1024 if peak else '?'} MB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", default="10000", help="row counts, comma-separated: 10000,30000")
    parser.add_argument("--variant", choices=["print", "screen", "all"], default="all")
    parser.add_argument("--chunk-rows", help="rows per chunk of a long table (default: toolkit/long_tables.py)")
    args = parser.parse_args()
    for rows in [int(n) for n in args.rows.split(",")]:
        with tempfile.TemporaryDirectory() as name:
            folder = Path(name)
            write_publication(folder / "content", rows)
            for variant in (["print", "screen"] if args.variant == "all" else [args.variant]):
                print(f"{rows} rows, {measure(folder, variant, args.chunk_rows)}", flush=True)


if __name__ == "__main__":
    main()
