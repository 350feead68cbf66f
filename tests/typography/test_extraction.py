"""What the writer typed is what readers extract, in both variants and with four readers: hyphens as
U+002D, letter-spaced headings as words, addresses exactly, and every address a link on screen."""
from __future__ import annotations

import re

import pikepdf
import pytest

from conftest import COMPOUNDS, HEADINGS, URLS
from readers import reader_texts

VARIANTS = ["print", "screen"]


@pytest.fixture(scope="module")
def texts(text_build):
    return {variant: reader_texts(result.path) for variant, result in text_build.items()}


@pytest.mark.parametrize("variant", VARIANTS)
def test_no_reader_finds_a_hyphen_other_than_the_one_typed(texts, variant) -> None:
    for reader, text in texts[variant].items():
        assert not re.search("[\u2010\u2011]", text), (reader, re.findall(".{20}[\u2010\u2011].{5}", text)[:5])


@pytest.mark.parametrize("variant", VARIANTS)
def test_compounds_are_found_as_typed(texts, variant) -> None:
    for reader, text in texts[variant].items():
        flat = re.sub(r"\s+", " ", text)
        missing = [word for word in COMPOUNDS if word not in flat]
        assert not missing, (reader, missing)


@pytest.mark.parametrize("variant", VARIANTS)
def test_letter_spaced_headings_extract_as_words(texts, variant) -> None:
    for reader, text in texts[variant].items():
        flat = re.sub(r"\s+", " ", text).casefold()
        missing = [heading for heading in HEADINGS if heading.casefold() not in flat]
        assert not missing, (reader, missing, re.findall(r"c h i.{30}", flat)[:2])


@pytest.mark.parametrize("variant", VARIANTS)
def test_addresses_extract_exactly_as_typed(texts, variant) -> None:
    for reader, text in texts[variant].items():
        # A line break is the only thing a reader may put inside an address (pdfium marks a break it
        # takes for a hyphenation with U+FFFE: there must be none).
        joined = re.sub(r"\r?\n", "", text)
        missing = [url for url in URLS if url not in joined]
        assert not missing, (reader, missing)


def link_targets(path) -> set[str]:
    with pikepdf.open(path) as pdf:
        return {str(annot.A.URI) for page in pdf.pages for annot in page.get("/Annots", [])
                if annot.get("/Subtype") == "/Link" and "/A" in annot and "/URI" in annot.A}


def test_every_form_of_address_is_a_link_on_screen(text_build) -> None:
    targets = link_targets(text_build["screen"].path)
    assert set(URLS.values()) <= targets, set(URLS.values()) - targets


@pytest.mark.parametrize("variant", VARIANTS)
def test_apostrophes_are_curly_everywhere_even_in_running_heads_and_charts(texts, variant) -> None:
    for reader, text in texts[variant].items():
        assert "'" not in text, (reader, re.findall(r".{15}'.{15}", text)[:5])
    pages = texts[variant]["pdftotext"].split("\f")
    assert any("l’agence et ses textes" in page.casefold() for page in pages[1:])  # the running head
    assert "l’Ain" in texts[variant]["pdftotext"]  # a chart label
