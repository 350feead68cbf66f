"""The files the readers open, each built once per test run: the corpus in both variants and its
edition, the two default publications, three regional editions in print (with padding pages)."""
from __future__ import annotations

import fcntl
import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path

import pytest

from files_read import CORPUS, FILES, REPORT


@dataclass
class Built:
    """One built file, or why it could not be built."""

    file_id: str
    variant: str
    path: Path | None
    error: str | None = None

    def require(self) -> Path:
        assert self.path is not None, f"{self.file_id} was not built: {self.error}"
        return self.path


@pytest.fixture(scope="session")
def built_files(request, tmp_path_factory) -> dict[str, Built]:
    """Every file of FILES, built once per test run: with pytest-xdist, the first worker builds them
    and the others read its list (a lock file), so that -n 2 does not build everything twice."""
    if not os.environ.get("PYTEST_XDIST_WORKER"):
        return _build_all(request)
    shared = tmp_path_factory.getbasetemp().parent / "readers-built.json"
    with open(shared.with_suffix(".lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if shared.is_file():
            return {k: Built(**{**v, "path": v["path"] and Path(v["path"])})
                    for k, v in json.loads(shared.read_text()).items()}
        files = _build_all(request)
        shared.write_text(json.dumps({k: {**asdict(v), "path": v.path and str(v.path)} for k, v in files.items()}))
        return files


def _build_all(request) -> dict[str, Built]:
    """A build that fails is recorded, not raised, so the readers still read every file that built."""
    corpus = request.getfixturevalue("make_builder")("readers-corpus", content=CORPUS)
    seeds = {("communique-2024", v): r for v, r in request.getfixturevalue("press_release").items()}
    seeds.update({(REPORT, v): r for v, r in request.getfixturevalue("annual_report").items()})
    editions = request.getfixturevalue("builder")  # warm from the national report: shared units
    files: dict[str, Built] = {}
    for file_id, name, variant, edition, in_corpus in FILES:
        if (name, variant) in seeds and edition is None:
            files[file_id] = Built(file_id, variant, seeds[(name, variant)].path)
            continue
        try:
            result = (corpus if in_corpus else editions).build(name, variant, edition)
        except Exception as exc:  # noqa: BLE001 - a failing build is a test failure of its own
            files[file_id] = Built(file_id, variant, None, f"{type(exc).__name__}: {str(exc)[:2000]}")
        else:
            files[file_id] = Built(file_id, variant, result.path)
    return files


@pytest.fixture(scope="session")
def pdfjs_results(built_files) -> dict[Path, tuple[list[str], list[str]]]:
    """PDF.js over every built file in one node run."""
    from readers_testlib import pdfjs

    paths = [b.path for b in built_files.values() if b.path is not None]
    return pdfjs(paths)


@pytest.fixture(scope="session")
def mupdf_results(built_files) -> dict[Path, tuple[list[str], list[str]]]:
    from readers_testlib import mupdf

    return {b.path: mupdf(b.path) for b in built_files.values() if b.path is not None}


@pytest.fixture(scope="session")
def poppler_results(built_files) -> dict[Path, tuple[list[str], list[str]]]:
    from readers_testlib import poppler_text

    return {b.path: poppler_text(b.path) for b in built_files.values() if b.path is not None}
