"""The memory of a long layout (a 10 000-row table appendix): fewer styles, boxes let go once drawn.

WeasyPrint computes, before laying out anything, a style for every element and for every
pseudo-element a rule of any stylesheet matches. Its user-agent stylesheet has six rules on every
element (`::marker`, `::footnote-call`, `::footnote-marker`, `::note-call`, `::note-marker`,
`::note-callback`), so each element of the document got six pseudo-element styles of its own (styles
of elements are shared between siblings; these are not). In a 2 000-row table that was 60 000 styles,
about half of the memory of the whole layout (docs/security.md, "Memory of long tables").

Those pseudo-elements mean something only for list items, footnotes and notes. Here the same rules
stand for every element except the parts of a table: a row or a cell is never a list item, a
footnote or a note (a footnote *inside* a cell is a span, which keeps them).
"""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

# The parts of a table, whose pseudo-element styles nothing ever uses.
TABLE_PARTS = "table, caption, colgroup, col, thead, tbody, tfoot, tr, td, th"
UNIVERSAL_PSEUDO_RULE = re.compile(
    r"^::(marker|footnote-call|footnote-marker|note-call|note-marker|note-callback)\b", re.MULTILINE)


def lean_user_agent_css(css: str) -> str:
    """WeasyPrint's user-agent CSS with its rules on every element's pseudo-elements kept off tables."""
    return UNIVERSAL_PSEUDO_RULE.sub(rf":not({TABLE_PARTS})::\1", css)


@lru_cache(maxsize=1)
def lean_user_agent_stylesheet() -> Any:
    from weasyprint import CSS
    from weasyprint.css.counters import CounterStyle
    from weasyprint.html import UA

    # A dictionary of its own: the user-agent counter styles (disc, decimal…) are already in
    # WeasyPrint's UA_COUNTER_STYLE, which the layout uses; parsing them into it again is refused with
    # a warning ("Invalid counter style name ' disc '") that every build then printed.
    return CSS(string=lean_user_agent_css(UA), counter_style=CounterStyle())


def lean_html(**kwargs: Any) -> Any:
    """A WeasyPrint HTML document laid out with the lean user-agent stylesheet."""
    from weasyprint import HTML

    class LeanHTML(HTML):
        def _ua_stylesheets(self, forms: bool = False) -> list[Any]:
            return [lean_user_agent_stylesheet(), *super()._ua_stylesheets(forms)[1:]]

    return LeanHTML(**kwargs)


class _DrawnPage:
    """What is still read of a page's box tree once it is drawn: its page type (blank or not)."""

    def __init__(self, page_box: Any) -> None:
        self.page_type = getattr(page_box, "page_type", None)


def release_after_paint(document: Any) -> None:
    """Each page of an untagged file lets its boxes go as soon as it is drawn, instead of all pages
    keeping them until the file is written: drawing a long table no longer adds to the layout's peak.
    (A tagged file reads every page's boxes after drawing, for its structure tree: not for it.)"""
    for page in document.pages:
        paint = page.paint

        def paint_then_release(stream: Any, scale: float = 1, page: Any = page, paint: Any = paint) -> None:
            paint(stream, scale)
            page._page_box = _DrawnPage(page._page_box)

        page.paint = paint_then_release
