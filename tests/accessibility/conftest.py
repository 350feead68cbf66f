"""The screen files the accessibility checks read, each built once per test run: both publications,
three regional editions, the corpus, `every-block/` (every block and layout) and `hostile/` (links in
every block and in a footer over several pages, long addresses, headings from level 3, a chart of each
type). With pytest-xdist the first worker builds them and the others read its list (a lock file)."""
from __future__ import annotations

import fcntl
import json
import os
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
TESTS = HERE.parent
CORPUS = TESTS / "corpus"
CONTENT = TESTS.parent / "content"
REPORT = "rapport-annuel-2023"
EDITIONS = ["bretagne", "corse", "guyane"]

# name → (publication, folder holding it, edition)
SCREEN_FILES: dict[str, tuple[str, Path, str | None]] = {
    "press release": ("communique-2024", CONTENT, None),
    "annual report": (REPORT, CONTENT, None),
    **{f"edition {e}": (REPORT, CONTENT, e) for e in EDITIONS},
    "every block": ("every-block", HERE, None),
    "hostile": ("hostile", HERE, None),
    **{name: (name, CORPUS, None) for name in ("corpus-rapport", "corpus-colonnes", "corpus-communique")},
}


def source_folder(name: str) -> Path:
    publication, folder, _edition = SCREEN_FILES[name]
    return folder / publication


@pytest.fixture(scope="session")
def screen_files(request, tmp_path_factory) -> dict[str, Path]:
    if not os.environ.get("PYTEST_XDIST_WORKER"):
        return _build_all(request)
    shared = tmp_path_factory.getbasetemp().parent / "accessibility-screen-files.json"
    with open(shared.with_suffix(".lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if shared.is_file():
            return {name: Path(path) for name, path in json.loads(shared.read_text()).items()}
        files = _build_all(request)
        shared.write_text(json.dumps({name: str(path) for name, path in files.items()}))
        return files


def _build_all(request) -> dict[str, Path]:
    make_builder = request.getfixturevalue("make_builder")
    seeds = {"communique-2024": request.getfixturevalue("press_release")["screen"].path,
             REPORT: request.getfixturevalue("annual_report")["screen"].path}
    builders = {CONTENT: request.getfixturevalue("builder"),  # warm from the national report
                HERE: make_builder("a11y-tests", content=HERE), CORPUS: make_builder("a11y-corpus", content=CORPUS)}
    files = {}
    for name, (publication, folder, edition) in SCREEN_FILES.items():
        if edition is None and publication in seeds:
            files[name] = seeds[publication]
        else:
            files[name] = builders[folder].build(publication, "screen", edition=edition).path
    return files
