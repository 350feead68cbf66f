"""Markdown to HTML for content text: CommonMark, tables, footnotes; raw HTML limited to a safe few tags."""
from __future__ import annotations

import re
from functools import lru_cache
from html import escape

from markdown_it import MarkdownIt
from mdit_py_plugins.footnote import footnote_plugin

# Inline tags a writer may type in Markdown; anything else is shown as text, never interpreted.
SAFE_INLINE_HTML = re.compile(r"^</?(sup|sub|br|small|abbr)\s*/?>$", re.IGNORECASE)
SAFE_LINK = re.compile(r"^(https?://|mailto:|tel:|#)", re.IGNORECASE)


def _html_inline(renderer, tokens, idx, options, env) -> str:  # type: ignore[no-untyped-def]
    content = tokens[idx].content
    return content if SAFE_INLINE_HTML.match(content.strip()) else escape(content)


def _html_block(renderer, tokens, idx, options, env) -> str:  # type: ignore[no-untyped-def]
    return f"<p>{escape(tokens[idx].content.strip())}</p>\n"


@lru_cache(maxsize=1)
def parser() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": True, "typographer": False, "linkify": False})
    md.enable(["table", "strikethrough"])
    md.use(footnote_plugin)
    md.add_render_rule("html_inline", _html_inline)
    md.add_render_rule("html_block", _html_block)
    # Links may go to the web, mail or phone; file: and javascript: links are dropped.
    md.validateLink = lambda url: bool(SAFE_LINK.match(url.strip()))  # type: ignore[method-assign]
    return md


def to_html(text: str, inline: bool = False) -> str:
    """Render Markdown; `inline` renders one line without the surrounding paragraph."""
    if inline:
        return parser().renderInline(text)
    return parser().render(text)
