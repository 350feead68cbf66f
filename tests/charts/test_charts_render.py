"""Each chart type renders to a valid, accessible, deterministic SVG in the theme's font and colours."""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from toolkit.typography import french_text
from charts_testlib import (  # noqa: F401 (fixtures)
    ROOT, SPECS, block, local, parse, print_style, screen_style, style_of,
)

from toolkit.charts import ChartBlock, render_chart
from toolkit.charts.render import setup_fonts
from toolkit.errors import ContentError

HEX = re.compile(r"#[0-9a-fA-F]{3,8}\b")


@pytest.mark.parametrize("name", sorted(SPECS))
def test_each_type_renders_a_valid_accessible_svg(name, screen_style, tmp_path):
    chart = block(name)
    svg = render_chart(chart, screen_style, tmp_path)
    assert svg.startswith("<svg ") and "<?xml" not in svg and "<!DOCTYPE" not in svg
    root = parse(svg)
    # What is read aloud is typeset as the text is (a fixed space before ':', grouped digits).
    alt, title = french_text(chart.alt), french_text(chart.title)
    assert root.get("role") == "img" and root.get("aria-label") == alt
    assert root.get("width") == "80mm" and root.get("height") == "55mm"
    assert [local(e.tag) for e in root[:2]] == ["title", "desc"]
    # The title is the Figure's /Alt in the screen file: a complex image gives its figures in full.
    assert root[0].text.startswith(f"{title}. {alt}") and root[1].text == alt
    assert chart.is_locator_map or " Données\u202f: " in root[0].text
    assert not any(local(e.tag) in ("metadata", "style", "script") for e in root.iter())
    texts = [e for e in root.iter() if local(e.tag) == "text"]
    assert texts, "direct labels are text, not paths"


@pytest.mark.parametrize("name", sorted(SPECS))
def test_text_is_source_sans_3_at_7pt_or_more(name, screen_style, tmp_path):
    root = parse(render_chart(block(name), screen_style, tmp_path))
    families, sizes = set(), []
    for element in root.iter():
        style = style_of(element)
        if "font-family" in style or element.get("font-family"):
            families.add(style.get("font-family", element.get("font-family")))
        if "font-size" in style:
            sizes.append(float(style["font-size"].removesuffix("px")))
    assert families == {"'Source Sans 3'"}
    # the viewBox is in points (226.77 wide for 80 mm), so a font-size in user units is in pt
    assert sizes and min(sizes) >= 7


def test_matplotlib_measures_with_the_theme_files(screen_style):
    from matplotlib import font_manager

    setup_fonts(screen_style)
    for weight in (400, 600, 700):
        found = font_manager.findfont(font_manager.FontProperties(family="Source Sans 3", weight=weight),
                                      fallback_to_default=False)
        assert Path(found).parent == ROOT / "fonts" / "source-sans-3"


@pytest.mark.parametrize("name", sorted(SPECS))
def test_print_variant_has_only_cmyk_colours(name, print_style, tmp_path):
    svg = render_chart(block(name), print_style, tmp_path)
    assert not HEX.search(svg) and "rgb(" not in svg
    colours = re.findall(r"(?:fill|stroke)(?:=\"|: )([^\";]+)", svg)
    assert colours and all(c == "none" or c.startswith("device-cmyk(") for c in colours)


def test_print_colours_are_the_theme_cmyk(print_style, tmp_path):
    svg = render_chart(block("bar"), print_style, tmp_path)
    assert "device-cmyk(1 0.85 0.1 0.2)" in svg  # primary: 100 85 10 20
    assert "device-cmyk(0 1 0.7 0)" in svg  # accent (the highlighted bar): 0 100 70 0
    assert 'fill="device-cmyk(0 0 0 0.95)"' in svg  # ink, the default fill: black ink only


def test_a_colour_outside_the_theme_is_an_error_in_print(print_style):
    from toolkit.charts.style import ColorBook
    from toolkit.charts.svg import finish_svg

    raw = ('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10">'
           '<path d="M 0 0" style="fill: #123456"/></svg>')
    with pytest.raises(ValueError, match="#123456 is not a theme colour"):
        finish_svg(raw, title="t", desc="d", width_mm=10, height_mm=10, id_prefix="c",
                   colors=ColorBook(print_style), font_family="Source Sans 3")


def test_same_input_same_bytes(screen_style, print_style, tmp_path):
    for style in (screen_style, print_style):
        for name in ("donut", "map"):
            assert render_chart(block(name), style, tmp_path) == render_chart(block(name), style, tmp_path)


def test_same_bytes_in_another_process(screen_style, tmp_path):
    """Nothing random or process-dependent (hash seeds, ids, dates) reaches the SVG."""
    script = (
        "import sys; sys.path[:0] = [sys.argv[1], sys.argv[2]]\n"
        "from charts_testlib import block, merged_theme, FONTS\n"
        "from toolkit.charts import render_chart, chart_style_from_theme\n"
        "from pathlib import Path\n"
        "style = chart_style_from_theme(merged_theme(), FONTS, 'screen')\n"
        "sys.stdout.write(render_chart(block('waffle'), style, Path(sys.argv[3])))\n"
    )
    env = {"PYTHONHASHSEED": "12345", "PATH": "/usr/bin:/bin"}
    args = [str(ROOT), str(Path(__file__).parent), str(tmp_path)]
    other = subprocess.run([sys.executable, "-c", script, *args], capture_output=True, text=True, check=True,
                           env=env).stdout
    assert other == render_chart(block("waffle"), screen_style, tmp_path)


def test_ids_are_unique_per_chart(screen_style, tmp_path):
    svgs = [render_chart(block(name), screen_style, tmp_path) for name in sorted(SPECS)]
    ids = [i for svg in svgs for i in re.findall(r' id="([^"]+)"', svg)]
    assert len(ids) == len(set(ids))


def test_french_numbers_in_labels(screen_style, tmp_path):
    svg = render_chart(block("bar"), screen_style, tmp_path)
    assert ">1\u202f733<" in svg and ">2\u202f700<" in svg
    grouped = render_chart(block("grouped"), screen_style, tmp_path)
    assert ">19,5\u00a0M€<" in grouped and ">8,4\u00a0M€<" in grouped
    column = render_chart(block("column"), screen_style, tmp_path)
    assert ">63\u202f%<" in column


def test_highlighted_bar_uses_the_accent(screen_style, tmp_path):
    svg = render_chart(block("bar"), screen_style, tmp_path)
    fills = re.findall(r'<path d="[^"]*" style="fill: (#[0-9a-f]{6})"', svg)
    assert fills.count("#e4003a") == 1 and fills.count("#1d2b6b") == 2


def test_donut_total_in_the_hole(screen_style, tmp_path):
    svg = render_chart(block("donut"), screen_style, tmp_path)
    assert ">350<" in svg and ">au total<" in svg
    assert len(re.findall(r'class="slice ', svg)) == 3
    highlighted = render_chart(block("donut", highlight="Titulaires"), screen_style, tmp_path)
    assert ">27\u202f%<" in highlighted  # 95 of 350


def test_waffle_counts_are_honest(screen_style, tmp_path):
    """250 + 139 with 1 square = 5 persons: 50 squares, then 27 whole and one 4/5 square."""
    svg = render_chart(block("waffle"), screen_style, tmp_path)
    assert ">1\u00a0carré = 5\u00a0personnes<" in svg and ">carré partiel au prorata<" in svg
    assert len(re.findall(r'class="cell cell-femmes"', svg)) == 50
    assert len(re.findall(r'class="cell cell-hommes"', svg)) == 27
    assert len(re.findall(r'class="cell cell-hommes partial"', svg)) == 1
    shares = ChartBlock(type="waffle", title="t", alt="a", unit="%",
                        data=[{"label": "Communes couvertes", "value": 63}])
    percent = render_chart(shares, screen_style, tmp_path)
    assert len(re.findall(r'class="cell cell-communes-couvertes"', percent)) == 63
    assert len(re.findall(r'class="cell cell-empty"', percent)) == 37
    assert ">1\u00a0carré = 1\u202f%<" in percent


def test_layout_problems_are_content_errors(screen_style, tmp_path):
    many = [{"label": f"Programme numéro {i}", "value": i} for i in range(1, 30)]
    chart = ChartBlock(type="bar", title="t", alt="a", data=many)
    with pytest.raises(ContentError, match="set height_mm to at least"):
        render_chart(chart, screen_style, tmp_path, where=(Path("x.md"), 7))
    wide = ChartBlock(type="column", title="t", alt="a", data=many[:12])
    with pytest.raises(ContentError, match="use type: bar"):
        render_chart(wide, screen_style, tmp_path)


def test_missing_glyph_is_reported(screen_style, tmp_path):
    chart = ChartBlock(type="bar", title="t", alt="a", data=[{"label": "北京", "value": 1}])
    with pytest.raises(ContentError, match="no glyph"):
        render_chart(chart, screen_style, tmp_path)


def test_grouped_falls_back_to_horizontal_bars(screen_style, tmp_path):
    data = [{"label": f"Région {i}", "values": {"2023": 1000 + i, "2024": 2000 + i}} for i in range(6)]
    svg = render_chart(ChartBlock(type="grouped", title="t", alt="a", data=data), screen_style, tmp_path)
    root = parse(svg)
    starts = [e for e in root.iter() if local(e.tag) == "text" and "text-anchor: start" in e.get("style", "")]
    assert len(starts) > 6  # labels on the left and values after the bars: horizontal layout
