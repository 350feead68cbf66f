"""The disk cache: hits skip matplotlib entirely, keys change with anything that changes the SVG."""
from __future__ import annotations

import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest
from charts_testlib import ROOT, block, print_style, screen_style  # noqa: F401 (fixtures)

from toolkit.charts import cache, render, render_chart, render_chart_cached


def test_second_call_is_a_hit_without_matplotlib(screen_style, tmp_path, monkeypatch):
    first = render_chart_cached(block("bar"), screen_style, tmp_path, tmp_path / "cache")

    def fail(*args, **kwargs):
        raise AssertionError("the renderer ran on a cache hit")

    monkeypatch.setattr(render, "render_chart", fail)
    assert render_chart_cached(block("bar"), screen_style, tmp_path, tmp_path / "cache") == first
    with pytest.raises(AssertionError, match="renderer ran"):
        render_chart_cached(block("column"), screen_style, tmp_path, tmp_path / "cache")


def test_cached_svg_is_the_rendered_svg(screen_style, tmp_path):
    cached = render_chart_cached(block("donut"), screen_style, tmp_path, tmp_path / "cache")
    assert cached == render_chart(block("donut"), screen_style, tmp_path)
    files = list((tmp_path / "cache").rglob("*"))
    assert [f.suffix for f in files if f.is_file()] == [".svg"]  # no temporary file left


def test_key_changes_with_what_changes_the_drawing(screen_style, print_style, tmp_path):
    key = cache.cache_key(block("bar"), screen_style, tmp_path)
    assert key == cache.cache_key(block("bar"), screen_style, tmp_path)
    changed = [
        cache.cache_key(block("bar", data=[{"label": "Ingénierie", "value": 1734}], highlight=None),
                        screen_style, tmp_path),
        cache.cache_key(block("bar", title="Autre titre"), screen_style, tmp_path),
        cache.cache_key(block("bar", width_mm=120), screen_style, tmp_path),
        cache.cache_key(block("bar"), print_style, tmp_path),
        cache.cache_key(block("bar"), replace(screen_style, palette=("blue",)), tmp_path),
        cache.cache_key(block("bar"), replace(screen_style, colors={**screen_style.colors,
                                                                    "primary": "#000080"}), tmp_path),
    ]
    assert len({key, *changed}) == len(changed) + 1


def test_key_follows_the_data_file(screen_style, tmp_path):
    (tmp_path / "d.csv").write_text("label,value\nA,1\n")
    chart = block("bar", data=None, file="d.csv", highlight=None)
    before = cache.cache_key(chart, screen_style, tmp_path)
    (tmp_path / "d.csv").write_text("label,value\nA,2\n")
    assert cache.cache_key(chart, screen_style, tmp_path) != before


def test_key_includes_versions(screen_style, tmp_path, monkeypatch):
    key = cache.cache_key(block("bar"), screen_style, tmp_path)
    monkeypatch.setattr(cache, "matplotlib_version", lambda: "0.0")
    assert cache.cache_key(block("bar"), screen_style, tmp_path) != key
    monkeypatch.undo()
    monkeypatch.setattr(cache, "code_version", lambda: "edited")
    assert cache.cache_key(block("bar"), screen_style, tmp_path) != key


def test_import_and_cache_hit_do_not_load_matplotlib(screen_style, tmp_path):
    cache_dir = tmp_path / "cache"
    expected = render_chart_cached(block("map"), screen_style, tmp_path, cache_dir)
    script = (
        "import sys; sys.path[:0] = [sys.argv[1], sys.argv[2]]\n"
        "from pathlib import Path\n"
        "import toolkit.charts as charts\n"
        "assert 'matplotlib' not in sys.modules, 'import toolkit.charts loaded matplotlib'\n"
        "from charts_testlib import block, merged_theme, FONTS\n"
        "style = charts.chart_style_from_theme(merged_theme(), FONTS, 'screen')\n"
        "svg = charts.render_chart_cached(block('map'), style, Path(sys.argv[3]), Path(sys.argv[4]))\n"
        "assert 'matplotlib' not in sys.modules, 'a cache hit loaded matplotlib'\n"
        "sys.stdout.write(svg)\n"
    )
    args = [str(ROOT), str(Path(__file__).parent), str(tmp_path), str(cache_dir)]
    result = subprocess.run([sys.executable, "-c", script, *args], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout == expected


def test_default_cache_dir():
    assert cache.DEFAULT_CACHE_DIR == ROOT / "out" / ".cache" / "charts"
