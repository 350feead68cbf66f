"""Text contrast in screen files (WCAG 2.2 1.4.3, RGAA 3.2): the theme's small-text colours and the
`contrast` rule of `toolkit check`, on PDFs laid out by the real WeasyPrint."""
from __future__ import annotations

import re

import pytest

from toolkit.contrast import contrast_ratio
from toolkit.paths import CONTENT, LAYOUTS
from toolkit.preflight import check_pdf
from toolkit.theme import load_theme

THEMES = sorted(path.parent.name for path in LAYOUTS.glob("*/theme.yaml"))
# Colours set as text: the core ones and every chapter accent the publications name.
ACCENTS = {match for path in CONTENT.glob("*/**/*.md")
           for match in re.findall(r"^accent: *([\w-]+)", path.read_text(encoding="utf-8"), re.M)}


def rgb(hex_colour: str) -> tuple[float, float, float]:
    value = hex_colour.lstrip("#")
    return tuple(int(value[i:i + 2], 16) / 255 for i in (0, 2, 4))


def test_contrast_ratio_matches_wcag() -> None:
    assert contrast_ratio((0, 0, 0), (1, 1, 1)) == pytest.approx(21)
    assert contrast_ratio(rgb("#767676"), (1, 1, 1)) == pytest.approx(4.54, abs=0.01)
    assert contrast_ratio(rgb("#2f8a3b"), (1, 1, 1)) < 4.5  # the agency's green, as found in issue 13


@pytest.mark.parametrize("name", THEMES)
def test_every_text_colour_of_every_theme_is_readable_small_on_paper_and_tint(name) -> None:
    theme = load_theme(name)
    assert {"green", "orange", "ochre"} <= ACCENTS
    for colour in sorted({"ink", "muted", "primary", "accent", *ACCENTS} & set(theme.tokens["colors"])):
        small = rgb(theme.color(colour, "screen", small_text=True))
        for ground in ("paper", "tint"):
            ratio = contrast_ratio(small, rgb(theme.color(ground, "screen")))
            assert ratio >= 4.5, f"{name}: {colour} on {ground} is {ratio:.2f}:1"


HTML = """<html lang="fr"><head><title>Contraste</title></head><body>
<p style="font-size: 8pt; color: #2f8a3b">Petit texte vert.</p>
<p style="font-size: 20pt; color: #2f8a3b">Grand texte vert.</p>
<div style="background: #2f8a3b; padding: 2mm"><p style="font-size: 8pt; color: white">Blanc sur vert.</p></div>
<p style="font-size: 8pt; color: #2a7b35">Petit texte vert sûr.</p>
</body></html>"""


def test_check_reports_small_text_under_its_minimum_and_not_large_text(tmp_path) -> None:
    from weasyprint import HTML as Document

    path = tmp_path / "contrast-screen.pdf"
    Document(string=HTML).write_pdf(path, pdf_variant="pdf/ua-1")
    report = check_pdf(path, variant="screen")
    messages = [f.message for f in report.findings if f.rule == "contrast"]
    assert any(m.startswith("text #2f8a3b on #ffffff at 8.0 pt") for m in messages), messages
    assert any(m.startswith("text #ffffff on #2f8a3b at 8.0 pt") for m in messages), messages
    assert not any("20.0 pt" in m or "#2a7b35" in m for m in messages), messages
    assert len(messages) == 2
