"""Shared fixtures: each real publication is built once per test run and checked by many tests."""
from __future__ import annotations

import os
from pathlib import Path

import pytest


@pytest.fixture(scope="session")
def out_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("out")


@pytest.fixture(scope="session")
def builder(out_dir: Path):
    from toolkit.build import Builder

    os.environ.setdefault("SOURCE_DATE_EPOCH", "1700000000")
    builder = Builder(out=out_dir)
    yield builder
    builder.close()  # its worker processes end with the test run


@pytest.fixture(scope="session")
def press_release(builder):
    """Both variants of the press release: {variant: BuildResult}."""
    return {variant: builder.build("communique-2024", variant) for variant in ("print", "screen")}


@pytest.fixture(scope="session")
def annual_report(builder):
    """Both variants of the annual report: {variant: BuildResult}."""
    return {variant: builder.build("rapport-annuel-2023", variant) for variant in ("print", "screen")}
