"""Markdown to HTML for content text: CommonMark, tables, footnote calls; raw HTML limited to a safe few tags."""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from html import escape
from typing import Any

from markdown_it import MarkdownIt

# Inline tags a writer may type in Markdown; anything else is shown as text, never interpreted.
SAFE_INLINE_HTML = re.compile(r"^</?(sup|sub|br|small|abbr)\s*/?>$", re.IGNORECASE)
SAFE_LINK = re.compile(r"^(https?://|mailto:|tel:|#)", re.IGNORECASE)
# No word of a real text is this long; a longer one (pasted data, a missing space) cannot be laid out
# and takes WeasyPrint seconds per 100 000 characters before overflowing the page.
MAX_WORD = 200
LONG_WORD = re.compile(r"\S{%d,}" % (MAX_WORD + 1))
# Lists and quotes inside each other. markdown-it stops at 20 levels of tokens (about 9 lists) and
# silently drops the rest of the text; WeasyPrint slows down steeply on deep boxes well before that.
MAX_DEPTH = 8
CONTAINERS = ("bullet_list_open", "ordered_list_open", "blockquote_open")


def _html_inline(renderer, tokens, idx, options, env) -> str:  # type: ignore[no-untyped-def]
    content = tokens[idx].content
    return content if SAFE_INLINE_HTML.match(content.strip()) else escape(content)


def _html_block(renderer, tokens, idx, options, env) -> str:  # type: ignore[no-untyped-def]
    return f"<p>{escape(tokens[idx].content.strip())}</p>\n"


def _image(renderer, tokens, idx, options, env) -> str:  # type: ignore[no-untyped-def]
    # Photos are blocks (checked files of images/); a Markdown image would make WeasyPrint fetch its
    # URL, so only its alternative text is printed. Validation reports it with its file and line.
    return escape(tokens[idx].content)


# ---------------------------------------------------------------- footnote calls

# `[^label]` calls a note; the definitions (`[^label]: text`) are taken out of the text by validation
# (toolkit/notes.py) because they may stand anywhere in the part, not only in the same run of text.
NOTE_CALL = re.compile(r"\[\^([^\]\s]+)\]")


def _note_call_rule(state, silent: bool) -> bool:  # type: ignore[no-untyped-def]
    match = NOTE_CALL.match(state.src, state.pos)
    if not match:
        return False
    if not silent:
        token = state.push("note_call", "", 0)
        token.meta = {"label": match.group(1)}
        token.content = match.group(0)
    state.pos = match.end()
    return True


def _note_call(renderer, tokens, idx, options, env) -> str:  # type: ignore[no-untyped-def]
    """The call, a link to the note; at the note's first call, the note itself, which the print and
    screen stylesheets float to the foot of the page (`float: footnote`), with a link back."""
    label = tokens[idx].meta["label"]
    note = (env or {}).get("notes", {}).get(label)
    if note is None:  # a call in a field, or a text shown apart: printed as typed
        return escape(tokens[idx].content)
    placed = env.setdefault("placed", set())
    first_call = note.place and label not in placed
    placed.add(label)
    call_id = f' id="{note.call_anchor}"' if first_call else ""
    html = (f'<a class="note-call" href="#{note.anchor}"{call_id} role="doc-noteref">'
            f'{note.number}</a>')
    if first_call:
        text = parser().renderInline(note.text, {})
        html += (f'<span class="note" id="{note.anchor}" role="doc-footnote">'
                 f'<a class="note-number" href="#{note.call_anchor}">{note.number}</a> {text}</span>')
    return html


# ---------------------------------------------------------------- tables

# The width of one text column of a two-column part (A4, the base theme's margins and gap) and the
# table text's average character width (7.5 pt Source Sans): a table whose columns cannot get their
# longest word, nor a short line of text each, in one column crosses the columns (`wide-auto`).
COLUMN_WIDTH_MM = 83
TEXT_WIDTH_MM = 173
CHAR_MM = 1.45
CELL_PADDING_MM = 2.5
COMFORT_CHARS = 18


def table_width_mm(tokens: list[Any], start: int, comfortable: bool = True) -> float:
    """The width the table opening at tokens[start] needs, in millimetres: each column its longest
    word and, when `comfortable`, a short line of text."""
    widths: dict[int, tuple[int, int]] = {}  # per column: (longest word, whole cell), in characters
    for column, _, text in _cells(tokens, start):
        longest, whole = widths.get(column, (0, 0))
        words = max((len(word) for word in text.split()), default=0)
        widths[column] = (max(longest, words), max(whole, len(text)))
    return sum(max(longest, min(whole, COMFORT_CHARS) if comfortable else 0) * CHAR_MM + CELL_PADDING_MM
               for longest, whole in widths.values())


def tables_wider_than_the_page(text: str) -> list[tuple[int, float]]:
    """(line from 0, width in mm) of each table whose longest words alone pass the text width."""
    tokens = parser().parse(text)
    return [(token.map[0] if token.map else 0, width) for index, token in enumerate(tokens)
            if token.type == "table_open"
            and (width := table_width_mm(tokens, index, comfortable=False)) > TEXT_WIDTH_MM]


# A cell that is a number as typed in French reports: 1 234, 19,5, 63 %, 12 M€, -3, +4,2 pts.
NUMBER = re.compile(r"^[+\-−–]?\d[\d\s\u00a0\u202f.,]*(\s*(%|€|M€|k€|Md€|Mds€|pts?|points?))?$")


def _cells(tokens: list[Any], start: int) -> list[tuple[int, Any, str]]:
    """(column, opening token, text) of every cell of the table opening at tokens[start]."""
    cells, column = [], 0
    for index in range(start + 1, len(tokens)):
        token = tokens[index]
        if token.type == "table_close":
            break
        if token.type == "tr_open":
            column = 0
        elif token.type in ("th_open", "td_open"):
            cells.append((column, token, tokens[index + 1].content if index + 1 < len(tokens) else ""))
            column += 1
    return cells


def align_numbers(tokens: list[Any], start: int) -> None:
    """Columns left without an alignment whose body cells are all numbers are right-aligned, as
    `---:` would do: numbers are compared by their last digits."""
    cells = _cells(tokens, start)
    numeric: dict[int, bool] = {}
    for column, token, text in cells:
        if token.type == "td_open" and text.strip():
            numeric[column] = numeric.get(column, True) and bool(NUMBER.match(text.strip()))
    for column, token, _ in cells:
        if numeric.get(column) and not token.attrGet("style"):
            token.attrSet("style", "text-align:right")
    # A column of figures, not of years: its 1234 gets its thin space like the 2 468 below it.
    years = {column for column in numeric if numeric[column] and all(
        re.fullmatch(r"1\d{3}|20\d{2}|2100", text.strip()) for c, token, text in cells
        if c == column and token.type == "td_open" and text.strip())}
    for column, token, _ in cells:
        if numeric.get(column) and column not in years and token.type == "td_open":
            token.attrSet("data-figures", "")


MARKDOWN_ALIGNMENT = re.compile(r"^text-align:(left|right|center)$")


def alignment_as_class(tokens: list[Any], start: int) -> None:
    """A cell's alignment as a class, not the inline style markdown-it writes: WeasyPrint shares the
    computed style of cells whose parent and rules are the same, never of cells with a style attribute,
    so each aligned cell of a long table had styles of its own (a fifth of the table's memory)."""
    for _, token, _ in _cells(tokens, start):
        if (style := token.attrGet("style")) and (aligned := MARKDOWN_ALIGNMENT.match(str(style))):
            del token.attrs["style"]
            token.attrSet("class", f"align-{aligned[1]}")


def _table_open(renderer, tokens, idx, options, env) -> str:  # type: ignore[no-untyped-def]
    align_numbers(tokens, idx)
    alignment_as_class(tokens, idx)
    wide = " wide-auto" if table_width_mm(tokens, idx) > COLUMN_WIDTH_MM else ""
    return f'<div class="table{wide}">\n' + renderer.renderToken(tokens, idx, options, env)


def _table_close(renderer, tokens, idx, options, env) -> str:  # type: ignore[no-untyped-def]
    return renderer.renderToken(tokens, idx, options, env) + "</div>\n"


def _heading_open(renderer, tokens, idx, options, env) -> str:  # type: ignore[no-untyped-def]
    # A heading that calls a note: its bookmark is its text without the note's number.
    inline = tokens[idx + 1] if idx + 1 < len(tokens) else None
    if inline is not None and any(child.type == "note_call" for child in inline.children or []):
        label = "".join(child.content for child in inline.children if child.type in ("text", "code_inline"))
        tokens[idx].attrSet("data-bookmark", label.strip())
    return renderer.renderToken(tokens, idx, options, env)


def _setup(md: MarkdownIt) -> MarkdownIt:
    # Bare addresses are links: https://…, www.…, agence.gouv.fr (a known top-level domain: not
    # rapport.pdf) and name@domain (mailto:).
    md.enable(["table", "strikethrough", "linkify"])
    md.inline.ruler.before("link", "note_call", _note_call_rule)
    return md


@lru_cache(maxsize=1)
def parser() -> MarkdownIt:
    md = _setup(MarkdownIt("commonmark", {"html": True, "typographer": False, "linkify": True}))
    md.add_render_rule("html_inline", _html_inline)
    md.add_render_rule("html_block", _html_block)
    md.add_render_rule("image", _image)
    md.add_render_rule("note_call", _note_call)
    md.add_render_rule("table_open", _table_open)
    md.add_render_rule("heading_open", _heading_open)
    md.add_render_rule("table_close", _table_close)
    # Links may go to the web, mail or phone; file: and javascript: links are dropped.
    md.validateLink = lambda url: bool(SAFE_LINK.match(url.strip()))  # type: ignore[method-assign]
    return md


def to_html(text: str, inline: bool = False, notes: dict[str, Any] | None = None) -> str:
    """Render Markdown; `inline` renders one line without the surrounding paragraph. `notes` are the
    numbered notes the text calls (label → toolkit.notes.Note)."""
    env = {"notes": notes or {}}
    if inline:
        return parser().renderInline(text, env)
    return parser().render(text, env)


def has_table(text: str) -> bool:
    return any(token.type == "table_open" for token in parser().parse(text))


def note_labels(text: str) -> list[str]:
    """The labels of the notes a text calls, in order (calls in code are not calls)."""
    return [found.value for found in findings(text) if found.kind == "note"]


# ---------------------------------------------------------------- findings for validation


@dataclass(frozen=True)
class Finding:
    """Something in a Markdown text that is refused or not printed as the writer meant.

    `line` counts from 0 at the text's first line; `kind` is 'image', 'link', 'html', 'word',
    'nesting' or 'note' (a footnote call, checked against the part's definitions)."""

    line: int
    kind: str
    value: str


@lru_cache(maxsize=1)
def _scanner() -> MarkdownIt:
    # The same syntax as `parser()`, but every link is kept as a link token, so that refused ones
    # can be reported (the renderer leaves them as plain text).
    md = _setup(MarkdownIt("commonmark", {"html": True, "typographer": False, "linkify": True}))
    md.validateLink = lambda url: True  # type: ignore[method-assign]
    tokenize = md.block.tokenize

    def watch_nesting(state, start: int, end: int, *args):  # type: ignore[no-untyped-def]
        # The block parser gives up at maxNesting and skips to the end of the text: note where.
        if state.level >= md.options["maxNesting"] and any(state.getLines(start, end, 0, False).split()):
            state.env.setdefault("too_deep", start)
        return tokenize(state, start, end, *args)

    md.block.tokenize = watch_nesting  # type: ignore[method-assign]
    return md


def findings(text: str) -> list[Finding]:
    """Markdown images, refused links, raw HTML that is printed as text, overlong words, and nesting
    deeper than MAX_DEPTH (or deep enough for markdown-it to drop the rest of the text)."""
    found: list[Finding] = []
    line = depth = 0
    env: dict[str, int] = {}
    for token in _scanner().parse(text, env):
        if token.map:
            line = token.map[0]
        if token.type in CONTAINERS:
            depth += 1
            if depth == MAX_DEPTH + 1:
                found.append(Finding(line, "nesting", str(depth)))
        elif token.type.replace("_close", "_open") in CONTAINERS:
            depth -= 1
        if token.type == "html_block":
            found.append(Finding(line, "html", token.content.strip()))
        if token.type in ("html_block", "fence", "code_block"):  # printed as typed
            found.extend(Finding(line, "word", word) for word in LONG_WORD.findall(token.content))
        for child in token.children or []:
            found.extend(_child_findings(child, line))
            line += child.content.count("\n") + (child.type in ("softbreak", "hardbreak"))
    if "too_deep" in env and not any(f.kind == "nesting" for f in found):
        found.append(Finding(env["too_deep"], "nesting", "20"))
    return found


def _child_findings(child, line: int) -> list[Finding]:  # type: ignore[no-untyped-def]
    if child.type == "image":
        return [Finding(line, "image", str(child.attrs.get("src", "")))]
    if child.type == "note_call":
        return [Finding(line, "note", child.meta["label"])]
    if child.type == "link_open" and not SAFE_LINK.match(str(child.attrs.get("href", "")).strip()):
        return [Finding(line, "link", str(child.attrs.get("href", "")))]
    if child.type == "html_inline" and not SAFE_INLINE_HTML.match(child.content.strip()):
        return [Finding(line, "html", child.content),
                *(Finding(line, "word", word) for word in LONG_WORD.findall(child.content))]
    if child.type in ("text", "code_inline", "html_inline"):
        return [Finding(line, "word", word) for word in LONG_WORD.findall(child.content)]
    return []
