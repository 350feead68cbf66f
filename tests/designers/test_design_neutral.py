"""The neutral theme: a complete second identity that builds both publications, in greys only."""
from __future__ import annotations

import re

from designers_testlib import cmyk_fills, pdf_text, squeeze as normalise
from toolkit.paths import CONTENT, LAYOUTS
from toolkit.theme import load_theme

CONTENT_ACCENTS = ("green", "orange", "blue", "teal", "red", "purple", "ochre", "pink", "primary", "accent")


def test_neutral_builds_the_press_release_in_greys_only(neutral_press_release) -> None:
    for variant, result in neutral_press_release.items():
        assert result.path.is_file() and result.pages == 2, variant
        text = normalise(pdf_text(result.path))
        assert normalise("publie son rapport annuel 2024") in text
        assert normalise("Contacts presse") in text
    # Print: every colour is black ink alone (c = m = y = 0); RGB never appears.
    fills = cmyk_fills(neutral_press_release["print"].path)
    assert fills, "no colour operator found"
    assert all(len(f) == 4 and f[:3] == (0, 0, 0) for f in fills), sorted(fills)


def test_neutral_builds_the_report(neutral_report) -> None:
    assert neutral_report.path.is_file()
    assert neutral_report.pages > 30
    text = normalise(pdf_text(neutral_report.path))
    for title in ("Transition écologique et résilience", "Et pour demain ?", "Sommaire"):
        assert normalise(title) in text
    assert not [w for w in neutral_report.warnings if "error" in w.lower()]


def test_neutral_defines_every_accent_the_content_uses_as_a_pure_k_grey() -> None:
    theme = load_theme("neutral")
    used = set()
    for part in CONTENT.glob("*/sections/*.md"):
        used.update(re.findall(r"^accent:\s*(\S+)", part.read_text(encoding="utf-8"), re.M))
    assert used <= set(CONTENT_ACCENTS)
    for name in (*CONTENT_ACCENTS, *used):
        assert name in theme.tokens["colors"], name
    for name, token in theme.tokens["colors"].items():
        c, m, y, _ = token["cmyk"]
        assert (c, m, y) == (0, 0, 0), f"{name} is not pure K"
        rgb = token["rgb"].lstrip("#")
        assert rgb[0:2] == rgb[2:4] == rgb[4:6], f"{name} is not a grey on screen"
    for name in theme.tokens["chart_palette"]:
        assert name in theme.tokens["colors"]


def test_neutral_custom_properties_differ_from_agence() -> None:
    neutral, agence = load_theme("neutral"), load_theme("agence")
    assert neutral.folders[0] == LAYOUTS / "neutral" and neutral.folders[-1] == LAYOUTS / "base"
    n_css, a_css = neutral.css_tokens("screen"), agence.css_tokens("screen")
    assert n_css != a_css
    assert "--color-green: #000000;" in n_css and "--color-green: #2f8a3b;" in a_css
    assert "--color-primary: device-cmyk(0 0 0 1);" in neutral.css_tokens("print")
    assert "--type-h1: 34pt;" in n_css and "--type-h1: 30pt;" in a_css
    # Same fonts, its own stylesheet after base's.
    assert neutral.font_files() == agence.font_files()
    assert neutral.stylesheets == [LAYOUTS / "base" / "style.css", LAYOUTS / "neutral" / "style.css"]
