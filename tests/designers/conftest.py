"""Fixtures of the designers' tests: builds with the neutral theme, once per test session."""
from __future__ import annotations


import pytest

from designers_testlib import PRESS_RELEASE, REPORT


@pytest.fixture(scope="session")
def neutral_builder(make_builder):
    return make_builder("neutral", theme_override="neutral")


@pytest.fixture(scope="session")
def neutral_press_release(neutral_builder):
    """Both variants of the press release in the neutral theme: {variant: BuildResult}."""
    return {variant: neutral_builder.build(PRESS_RELEASE, variant) for variant in ("print", "screen")}


@pytest.fixture(scope="session")
def neutral_report(neutral_builder):
    """The report's screen variant in the neutral theme (the print variant takes much longer)."""
    return neutral_builder.build(REPORT, "screen")
