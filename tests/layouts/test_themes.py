"""Themes: the template search path order, tokens as CSS custom properties, block overrides."""
from __future__ import annotations

from pathlib import Path

import pytest

from toolkit.errors import ContentError
from toolkit.html import make_environment, search_path
from toolkit.paths import LAYOUTS
from toolkit.theme import deep_merge, load_theme


def test_search_path_is_overrides_then_theme_then_base(tmp_path: Path) -> None:
    theme = load_theme("agence")
    overrides = tmp_path / "mine"
    overrides.mkdir()
    path = search_path(theme, [overrides])
    assert path[0] == overrides
    assert path[-1] == LAYOUTS / "base" / "templates"
    assert path.index(LAYOUTS / "base" / "templates") > 0


def test_override_replaces_one_block_and_can_extend_the_original(tmp_path: Path) -> None:
    theme = load_theme("agence")
    (tmp_path / "blocks").mkdir()
    (tmp_path / "blocks" / "quote.html").write_text(
        '<div class="mine">{% include "!base/blocks/quote.html" %}</div>', encoding="utf-8")
    env = make_environment(theme, [tmp_path])
    assert env.get_template("blocks/quote.html").filename == str(tmp_path / "blocks" / "quote.html")
    assert env.get_template("blocks/zoom.html").filename == str(LAYOUTS / "base" / "templates" / "blocks" / "zoom.html")
    from toolkit.models import Quote
    html = env.get_template("blocks/quote.html").render(block=Quote(text="Oui", author="A"))
    assert html.startswith('<div class="mine">') and "pull-quote" in html


def test_child_theme_tokens_win_and_become_css_properties() -> None:
    theme = load_theme("agence")
    assert theme.tokens["colors"]["primary"]["rgb"] == "#1d2b6b"        # agence
    assert theme.tokens["page"]["bleed"] == "3mm"                        # inherited from base
    assert "--color-primary: #1d2b6b;" in theme.css_tokens("screen")
    assert "--color-primary: device-cmyk(1 0.85 0.1 0.2);" in theme.css_tokens("print")
    assert 'font-family: "Source Sans 3"' in theme.css_tokens("screen")


def test_deep_merge() -> None:
    assert deep_merge({"a": {"b": 1, "c": 2}, "l": [1]}, {"a": {"b": 3}, "l": [2]}) == {"a": {"b": 3, "c": 2}, "l": [2]}


def test_unknown_theme_names_the_missing_file() -> None:
    with pytest.raises(ContentError) as caught:
        load_theme("does-not-exist")
    assert "layouts/does-not-exist/theme.yaml" in str(caught.value)


def test_css_that_weasyprint_ignores_is_reported_with_its_file_and_line(tmp_path: Path) -> None:
    from toolkit.paths import FONTS, LAYOUTS
    from toolkit.render import Renderer

    css = tmp_path / "mine.css"
    css.write_text("p { color: red; }\n.x { colr: blue; }\n.y { margin: banana; }\n", encoding="utf-8")
    renderer = Renderer(roots=(FONTS, LAYOUTS, tmp_path))
    found = [str(problem) for problem in renderer.stylesheet_warnings(load_theme("agence"), "screen", extra=(css,))
             if problem.path == css]
    assert any(f"{css}:2: warning: Ignored `colr: blue`" in f for f in found), found
    assert any(f"{css}:3: warning: Ignored `margin: banana`" in f for f in found), found


def test_unknown_token_group_is_a_located_warning(tmp_path: Path) -> None:
    (tmp_path / "base").symlink_to(LAYOUTS / "base")
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "theme.yaml").write_text("name: mine\nparent: base\ncolours: {}\n", encoding="utf-8")
    theme = load_theme("mine", tmp_path)
    assert [str(w).split("theme.yaml")[1] for w in theme.warnings] == [
        ":3: warning: unknown token group 'colours' (known: chart_palette, colors, description, fonts, "
        "grid, name, page, parent, print, type)"]
