"""Print text is in black ink only: no neutral colour built with C, M or Y ink (they misregister)."""
from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
from page_audit import is_process_black, text_colours  # noqa: E402


def test_the_rule_tells_rich_black_and_greys_from_colours() -> None:
    assert is_process_black((0.3, 0.2, 0.0, 0.9))      # rich black
    assert is_process_black((0.4, 0.4, 0.4, 0.0))      # three-colour grey
    assert not is_process_black((0.0, 0.0, 0.0, 0.95))  # black ink only
    assert not is_process_black((1.0, 0.85, 0.1, 0.2))  # the agency's navy
    assert not is_process_black((0.0, 1.0, 0.7, 0.0))   # a red accent


def test_press_release_text_is_black_ink_only(press_release) -> None:
    colours = text_colours(press_release["print"].path)
    assert colours, "no text colour found: the walk reads nothing"
    process = sorted({colour for _, colour in colours if is_process_black(colour)})
    assert not process, f"text in process colours: {process}"


def test_annual_report_text_is_black_ink_only(annual_report) -> None:
    process = sorted({(page, colour) for page, colour in text_colours(annual_report["print"].path)
                      if is_process_black(colour)})
    assert not process, f"text in process colours: {process[:5]}"


def test_a_changed_colour_token_is_a_new_unit_key(tmp_path) -> None:
    """Unit caches are keyed by everything that shapes them: theme.yaml's tokens reach the CSS."""
    from toolkit.build import Builder
    from toolkit.theme import load_theme

    builder = Builder(out=tmp_path)
    publication, theme, _ = builder.load("rapport-annuel-2023")
    before = builder.assembler(publication, theme, "print").theme_files
    theme.tokens["colors"]["ink"] = {**theme.tokens["colors"]["ink"], "cmyk": [0, 0, 0, 80]}
    after = builder.assembler(publication, theme, "print").theme_files
    load_theme.cache_clear()
    assert before != after
