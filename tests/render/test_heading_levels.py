"""Over the default publications and the corpus: one style per heading level (levels set as typed hold
no title typed in capitals; levels in capitals get them from the CSS), and no kicker repeats its heading."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from toolkit.build import Builder
from toolkit.html import build_html
from toolkit.typography import same_heading, typed_in_capitals

CORPUS = Path(__file__).parents[1] / "corpus"
PUBLICATIONS = [(None, "rapport-annuel-2023"), (None, "communique-2024"), (CORPUS, "corpus-rapport"),
                (CORPUS, "corpus-colonnes"), (CORPUS, "corpus-communique")]
HEADING = re.compile(r'<(h[1-4])\b[^>]*class="([^"]*)"[^>]*>(.*?)</\1>', re.S)
# A kicker is printed over its heading or, in articles, just after it (the heading comes first in the tags).
KICKER_THEN_HEADING = re.compile(r'class="[^"]*kicker[^"]*"[^>]*>(.*?)</p>\s*<(h[1-4])\b[^>]*>(.*?)</\2>', re.S)
HEADING_THEN_KICKER = re.compile(r'<(h[1-4])\b[^>]*>(.*?)</\1>\s*<p class="[^"]*kicker[^"]*"[^>]*>(.*?)</p>', re.S)


def plain(html: str) -> str:
    return re.sub(r"<[^>]+>", "", html).strip()


@pytest.fixture(scope="module", params=PUBLICATIONS, ids=[name for _, name in PUBLICATIONS])
def document(request):
    content, name = request.param
    builder = Builder(content=content) if content else Builder()
    publication, theme, _ = builder.load(name)
    return build_html(publication, theme, "print").html


def test_levels_set_as_typed_hold_no_title_in_capitals(document) -> None:
    typed_levels = ("part-title", "article-title", "case-study-title", "cover-title")
    shouting = [(tag, plain(text)) for tag, classes, text in HEADING.findall(document)
                if tag in ("h1", "h2") and set(classes.split()) & set(typed_levels) and typed_in_capitals(plain(text))]
    assert not shouting


def test_no_kicker_repeats_its_heading(document) -> None:
    pairs = [(kicker, heading) for kicker, _, heading in KICKER_THEN_HEADING.findall(document)]
    pairs += [(kicker, heading) for _, heading, kicker in HEADING_THEN_KICKER.findall(document)]
    repeated = [(plain(kicker), plain(heading)) for kicker, heading in pairs if same_heading(plain(kicker), plain(heading))]
    assert not repeated


def test_the_pairing_finds_the_kickers() -> None:
    """The check can fail: a kicker equal to its heading, written as the templates write them, is found."""
    html = '<h2 class="article-title">L’ANCTour</h2>\n<p class="kicker">ANCTour</p>'
    assert [same_heading(plain(k), plain(h)) for _, h, k in HEADING_THEN_KICKER.findall(html)] == [True]
