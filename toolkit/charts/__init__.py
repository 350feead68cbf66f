"""Charts stage: a chart block and its data -> an inline SVG in the theme's fonts and colours.

Importing this package does not import matplotlib; rendering does, a cache hit does not.
"""
from .cache import DEFAULT_CACHE_DIR, cache_key, render_chart_cached
from .models import ChartBlock, ChartData, load_chart_data
from .render import render_chart
from .style import ChartStyle, chart_style_from_theme

__all__ = [
    "DEFAULT_CACHE_DIR",
    "ChartBlock",
    "ChartData",
    "ChartStyle",
    "cache_key",
    "chart_style_from_theme",
    "load_chart_data",
    "render_chart",
    "render_chart_cached",
]
