"""Helpers shared by the tests: the seed documents, PDF text, text normalisation."""
from __future__ import annotations

import re
import unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# The source texts travel with the tests: a clone alone must pass them.
SOURCES = ROOT / "tests" / "sources"
PRESS_RELEASE_SEED = SOURCES / "communique-2024.txt"
REPORT_SEED = SOURCES / "rapport-annuel-2023.txt"


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


def build_both_variants(content: Path, name: str, out: Path):
    """A publication written by a test, built once in print and screen: {variant: BuildResult}. The
    builder's worker processes end before the results are handed over."""
    from toolkit.build import Builder

    builder = Builder(content=content, out=out)
    try:
        return {variant: builder.build(name, variant) for variant in ("print", "screen")}
    finally:
        builder.close()
