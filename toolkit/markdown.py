"""Markdown to HTML for content text: CommonMark, tables, footnotes; raw HTML limited to a safe few tags."""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from html import escape

from markdown_it import MarkdownIt
from mdit_py_plugins.footnote import footnote_plugin

# Inline tags a writer may type in Markdown; anything else is shown as text, never interpreted.
SAFE_INLINE_HTML = re.compile(r"^</?(sup|sub|br|small|abbr)\s*/?>$", re.IGNORECASE)
SAFE_LINK = re.compile(r"^(https?://|mailto:|tel:|#)", re.IGNORECASE)
# No word of a real text is this long; a longer one (pasted data, a missing space) cannot be laid out
# and takes WeasyPrint seconds per 100 000 characters before overflowing the page.
MAX_WORD = 200
LONG_WORD = re.compile(r"\S{%d,}" % (MAX_WORD + 1))


def _html_inline(renderer, tokens, idx, options, env) -> str:  # type: ignore[no-untyped-def]
    content = tokens[idx].content
    return content if SAFE_INLINE_HTML.match(content.strip()) else escape(content)


def _html_block(renderer, tokens, idx, options, env) -> str:  # type: ignore[no-untyped-def]
    return f"<p>{escape(tokens[idx].content.strip())}</p>\n"


def _image(renderer, tokens, idx, options, env) -> str:  # type: ignore[no-untyped-def]
    # Photos are blocks (checked files of images/); a Markdown image would make WeasyPrint fetch its
    # URL, so only its alternative text is printed. Validation reports it with its file and line.
    return escape(tokens[idx].content)


def _setup(md: MarkdownIt) -> MarkdownIt:
    md.enable(["table", "strikethrough"])
    md.use(footnote_plugin)
    return md


@lru_cache(maxsize=1)
def parser() -> MarkdownIt:
    md = _setup(MarkdownIt("commonmark", {"html": True, "typographer": False, "linkify": False}))
    md.add_render_rule("html_inline", _html_inline)
    md.add_render_rule("html_block", _html_block)
    md.add_render_rule("image", _image)
    # Links may go to the web, mail or phone; file: and javascript: links are dropped.
    md.validateLink = lambda url: bool(SAFE_LINK.match(url.strip()))  # type: ignore[method-assign]
    return md


def to_html(text: str, inline: bool = False) -> str:
    """Render Markdown; `inline` renders one line without the surrounding paragraph."""
    if inline:
        return parser().renderInline(text)
    return parser().render(text)


# ---------------------------------------------------------------- findings for validation


@dataclass(frozen=True)
class Finding:
    """Something in a Markdown text that is refused or not printed as the writer meant.

    `line` counts from 0 at the text's first line; `kind` is 'image', 'link', 'html' or 'word'."""

    line: int
    kind: str
    value: str


@lru_cache(maxsize=1)
def _scanner() -> MarkdownIt:
    # The same syntax as `parser()`, but every link is kept as a link token, so that refused ones
    # can be reported (the renderer leaves them as plain text).
    md = _setup(MarkdownIt("commonmark", {"html": True, "typographer": False, "linkify": False}))
    md.validateLink = lambda url: True  # type: ignore[method-assign]
    return md


def findings(text: str) -> list[Finding]:
    """Markdown images, refused links, raw HTML that is printed as text, and overlong words."""
    found: list[Finding] = []
    line = 0
    for token in _scanner().parse(text):
        if token.map:
            line = token.map[0]
        if token.type == "html_block":
            found.append(Finding(line, "html", token.content.strip()))
        if token.type in ("html_block", "fence", "code_block"):  # printed as typed
            found.extend(Finding(line, "word", word) for word in LONG_WORD.findall(token.content))
        for child in token.children or []:
            found.extend(_child_findings(child, line))
            line += child.content.count("\n") + (child.type in ("softbreak", "hardbreak"))
    return found


def _child_findings(child, line: int) -> list[Finding]:  # type: ignore[no-untyped-def]
    if child.type == "image":
        return [Finding(line, "image", str(child.attrs.get("src", "")))]
    if child.type == "link_open" and not SAFE_LINK.match(str(child.attrs.get("href", "")).strip()):
        return [Finding(line, "link", str(child.attrs.get("href", "")))]
    if child.type == "html_inline" and not SAFE_INLINE_HTML.match(child.content.strip()):
        return [Finding(line, "html", child.content),
                *(Finding(line, "word", word) for word in LONG_WORD.findall(child.content))]
    if child.type in ("text", "code_inline", "html_inline"):
        return [Finding(line, "word", word) for word in LONG_WORD.findall(child.content)]
    return []
