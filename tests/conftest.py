"""Shared fixtures: each real publication is built once per test run and checked by many tests."""
from __future__ import annotations

import os
import re
import unicodedata
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT.parent / "shared" / "seeds"
PRESS_RELEASE_SEED = SEEDS / "002_2f293569e7ce092f.txt"
REPORT_SEED = SEEDS / "000_1d9e8f4f18db67a8.txt"


@pytest.fixture(scope="session")
def out_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("out")


@pytest.fixture(scope="session")
def builder(out_dir: Path):
    from toolkit.build import Builder

    os.environ.setdefault("SOURCE_DATE_EPOCH", "1700000000")
    return Builder(out=out_dir)


@pytest.fixture(scope="session")
def press_release(builder):
    """Both variants of the press release: {variant: BuildResult}."""
    return {variant: builder.build("communique-2024", variant) for variant in ("print", "screen")}


@pytest.fixture(scope="session")
def annual_report(builder):
    """Both variants of the annual report: {variant: BuildResult}."""
    return {variant: builder.build("rapport-annuel-2023", variant) for variant in ("print", "screen")}


def page_texts(path: Path) -> list[str]:
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(str(path))
    try:
        return [document[i].get_textpage().get_text_range() for i in range(len(document))]
    finally:
        document.close()


def normalise(text: str) -> str:
    """Compare texts whatever the spaces, hyphenation, apostrophes, case, accents and Markdown marks."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = text.replace("\u2019", "'").replace("\u2026", "...").replace("\u00ad", "").replace("\ufffe", "")
    text = re.sub(r"[\u2010\u2011\-]", "", text)          # hyphens: typed, line-end or non-breaking
    text = re.sub(r"\*\*|<sup>|</sup>|\[|\]\(#\)|\[|\]", "", text)
    text = re.sub(r"[«»\"]", "", text)
    # Spaces go entirely: justified, letter-spaced and hyphenated lines extract with spaces in
    # different places in each reader, and U+202F/U+00A0 are spaces too.
    text = re.sub(r"\s+", "", text)
    return text.casefold()


def pdf_text(path: Path) -> str:
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(str(path))
    try:
        return "\n".join(document[i].get_textpage().get_text_range() for i in range(len(document)))
    finally:
        document.close()
