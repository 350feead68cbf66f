"""Shared fixtures: each real publication is built once per test run and checked by many tests."""
from __future__ import annotations

import os

import pytest


@pytest.fixture(scope="session")
def make_builder(tmp_path_factory: pytest.TempPathFactory):
    """Builders writing to a fresh folder each; their worker processes end with the test run."""
    from toolkit.build import Builder

    os.environ.setdefault("SOURCE_DATE_EPOCH", "1700000000")
    made: list[Builder] = []

    def make(name: str, **options) -> Builder:
        made.append(Builder(out=tmp_path_factory.mktemp(name), **options))
        return made[-1]

    yield make
    for builder in made:
        builder.close()


@pytest.fixture(scope="session")
def builder(make_builder):
    return make_builder("out")


@pytest.fixture(scope="session")
def press_release(builder):
    """Both variants of the press release: {variant: BuildResult}."""
    return {variant: builder.build("communique-2024", variant) for variant in ("print", "screen")}


@pytest.fixture(scope="session")
def annual_report(builder):
    """Both variants of the annual report: {variant: BuildResult}."""
    return {variant: builder.build("rapport-annuel-2023", variant) for variant in ("print", "screen")}


@pytest.fixture(scope="session")
def corpus_builds(make_builder):
    """The test corpus's press release and report (tests/corpus), both variants: {(name, variant): BuildResult}."""
    from pathlib import Path

    corpus = make_builder("corpus", content=Path(__file__).parent / "corpus")
    return {(name, variant): corpus.build(name, variant)
            for name in ("corpus-communique", "corpus-rapport") for variant in ("print", "screen")}
