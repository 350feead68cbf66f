"""Overriding and extending block templates, and the messages a broken theme gives."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from designers_testlib import PRESS_RELEASE
from toolkit.errors import ContentError
from toolkit.html import build_html
from toolkit.paths import CONTENT, LAYOUTS
from toolkit.theme import load_theme
from toolkit.validate import load_publication

CONTEXT = {"document_date": "2024-01-01T00:00:00Z"}  # what the build adds to every document
def without_sources(html: str) -> str:
    """The HTML less the `data-source` attributes the html stage puts on each block and part."""
    return re.sub(r' data-source="[^"]*"', "", html)


BASE_QUOTE = re.compile(r'<figure class="pull-quote">.*?</figure>\n?', re.S)


@pytest.fixture(scope="module")
def press_release():
    publication, _ = load_publication(CONTENT / PRESS_RELEASE)
    return publication


def overrides(tmp_path: Path, files: dict[str, str]) -> Path:
    folder = tmp_path / "mine"
    for name, text in files.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def layouts_with(tmp_path: Path, name: str, theme_yaml: str, files: dict[str, str] | None = None) -> Path:
    """A layouts folder holding base (linked) and one theme of our own."""
    layouts = tmp_path / "layouts"
    layouts.mkdir()
    (layouts / "base").symlink_to(LAYOUTS / "base")
    (layouts / name / "templates").mkdir(parents=True)
    (layouts / name / "theme.yaml").write_text(theme_yaml, encoding="utf-8")
    for file, text in (files or {}).items():
        (layouts / name / "templates" / file).parent.mkdir(parents=True, exist_ok=True)
        (layouts / name / "templates" / file).write_text(text, encoding="utf-8")
    return layouts


def test_an_override_folder_replaces_that_block_only(press_release, tmp_path: Path) -> None:
    theme = load_theme("agence")
    before = without_sources(build_html(press_release, theme, "screen", extra_context=CONTEXT).html)
    replacement = '<div class="my-quote">{{ block.text }} — {{ block.author }}</div>\n'
    mine = overrides(tmp_path, {"blocks/quote.html": replacement})
    after = without_sources(build_html(press_release, theme, "screen", overrides=[mine], extra_context=CONTEXT).html)

    assert len(BASE_QUOTE.findall(before)) == 1 and "my-quote" not in before
    assert not BASE_QUOTE.findall(after) and after.count('<div class="my-quote">') == 1
    assert "Christophe Bouillon" in re.search(r'<div class="my-quote">.*?</div>', after, re.S).group(0)
    # Everything but the quote is the same, byte for byte.
    assert BASE_QUOTE.sub("", before) == re.sub(r'<div class="my-quote">.*?</div>\n?', "", after, flags=re.S)


def test_an_override_can_wrap_the_original_with_the_base_prefix(press_release, tmp_path: Path) -> None:
    theme = load_theme("agence")
    mine = overrides(tmp_path, {"blocks/quote.html":
                                '<div class="framed">{% include "!base/blocks/quote.html" %}</div>\n'})
    html = without_sources(build_html(press_release, theme, "screen", overrides=[mine], extra_context=CONTEXT).html)
    assert re.search(r'<div class="framed"><figure class="pull-quote">.*?</figure>\s*</div>', html, re.S)


def test_a_theme_of_its_own_extends_base_templates(press_release, tmp_path: Path) -> None:
    layouts = layouts_with(tmp_path, "mine", "name: mine\nparent: base\n", {
        # extends: the original as it is (base templates have no {% block %} to fill yet)
        "blocks/about.html": '{% extends "!base/blocks/about.html" %}',
        # include: the original inside a wrapper
        "blocks/quote.html": '<div class="framed">{% include "!base/blocks/quote.html" %}</div>\n',
    })
    theme = load_theme("mine", layouts)
    assert theme.folders == (layouts / "mine", layouts / "base")
    reference = without_sources(build_html(press_release, load_theme("base"), "screen", extra_context=CONTEXT).html)
    html = without_sources(build_html(press_release, theme, "screen", extra_context=CONTEXT).html)
    assert '<div class="framed"><figure class="pull-quote">' in html
    about = re.compile(r'<section class="about">.*?</section>', re.S)
    assert about.search(html).group(0) == about.search(reference).group(0)


def test_a_colour_without_cmyk_is_reported_with_the_theme_file(tmp_path: Path) -> None:
    # A new colour (an inherited one would keep its parent's cmyk: tokens merge key by key).
    theme_yaml = 'name: broken\nparent: base\ncolors:\n  brand: {rgb: "#123456"}\n'
    layouts = layouts_with(tmp_path, "broken", theme_yaml)
    with pytest.raises(ContentError) as caught:
        load_theme("broken", layouts)
    message = str(caught.value)
    assert "broken/theme.yaml" in message
    assert "colour 'brand' needs both 'rgb' and 'cmyk'" in message


def test_a_missing_template_is_reported_with_its_name(press_release, tmp_path: Path) -> None:
    theme = load_theme("agence")
    mine = overrides(tmp_path, {"blocks/quote.html": '{% include "blocks/quote-inner.html" %}'})
    with pytest.raises(ContentError) as caught:
        build_html(press_release, theme, "screen", overrides=[mine], extra_context=CONTEXT)
    message = str(caught.value)
    assert "template 'blocks/quote-inner.html' not found" in message
    assert str(mine) in message  # the search path, overrides first


def test_an_unknown_theme_token_group_is_a_warning_naming_the_file(tmp_path: Path) -> None:
    from toolkit.errors import Problems
    from toolkit.theme import theme_chain

    layouts = layouts_with(tmp_path, "typo", "name: typo\nparent: base\ncolours: {}\n")
    problems = Problems()
    theme_chain("typo", problems, layouts)
    assert [str(p) for p in problems.warnings if "typo/theme.yaml" in str(p) and "colours" in str(p)]
