"""The files the readers open, each built once per test run: the corpus in both variants and its
edition, the two default publications, three regional editions in print (with padding pages)."""
from __future__ import annotations

from dataclasses import dataclass
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
def built_files(make_builder, builder, press_release, annual_report) -> dict[str, Built]:
    """Every file of FILES, built once; a build that fails is recorded, not raised, so the readers
    still read every file that did build."""
    corpus = make_builder("readers-corpus", content=CORPUS)
    seeds = {("communique-2024", v): r for v, r in press_release.items()}
    seeds.update({(REPORT, v): r for v, r in annual_report.items()})
    editions = builder  # warm from the national report: the editions share its laid-out units
    files: dict[str, Built] = {}
    for file_id, name, variant, edition, in_corpus in FILES:
        if (name, variant) in seeds and edition is None:
            files[file_id] = Built(file_id, variant, seeds[(name, variant)].path)
            continue
        builder = corpus if in_corpus else editions
        try:
            result = builder.build(name, variant, edition)
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
