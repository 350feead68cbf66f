"""HTML stage, last step: blocks that span the text columns are lifted out of the runs of columns.

A wide table, photo, chart or figures grid inside an article (or a zoom, or a list) of a two-column
part is moved out of its multi-column box: the boxes around it, the run of columns included, are
closed before it and opened again after it (without their ids, marked `continued`), so it crosses
the page where the writer put it, between two runs of columns. `column-span: all` is not used:
WeasyPrint 70 loses its place in a spanning block split across pages and crashes.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

# Marked by the templates and the Markdown renderer: `wide` always spans; `wide-auto` spans unless a
# box around it decided (`wide` or `wide-never`, e.g. a table block with `wide: false`).
WIDE = {"wide", "wide-auto"}
DECIDED = {"wide", "wide-never"}
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
EMPTY_CONTINUED = re.compile(r"<(\w+)[^>]*\bdata-continued\b[^>]*>\s*</\1>")


@dataclass
class _Open:
    tag: str
    classes: set[str]
    start_text: str
    wide: bool = False  # a lifted element: its end tag reopens the boxes


@dataclass
class _Lifter(HTMLParser):
    offsets: list[int] = field(default_factory=list)
    stack: list[_Open] = field(default_factory=list)
    edits: list[tuple[int, str]] = field(default_factory=list)  # (offset, text to insert)
    pending: list[list[_Open]] = field(default_factory=list)   # boxes to reopen, one list per lifted element

    def __post_init__(self) -> None:
        super().__init__(convert_charrefs=False)

    def _offset(self) -> int:
        line, column = self.getpos()
        return self.offsets[line - 1] + column

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in VOID:
            return
        classes = set((dict(attrs).get("class") or "").split())
        element = _Open(tag, classes, self.get_starttag_text() or f"<{tag}>")
        boxes = self._boxes_to_cross() if classes & WIDE else None
        if boxes:
            self.edits.append((self._offset(), "".join(f"</{box.tag}>" for box in reversed(boxes))))
            self.pending.append(boxes)
            element.wide = True
        self.stack.append(element)

    def handle_endtag(self, tag: str) -> None:
        if tag in VOID or not self.stack:
            return
        # Well-formed HTML from the templates and markdown-it: the end tag closes the innermost box.
        element = self.stack.pop()
        if element.wide:
            end = self._offset() + len(f"</{tag}>")
            self.edits.append((end, "".join(_reopen(box) for box in self.pending.pop())))

    def _boxes_to_cross(self) -> list[_Open] | None:
        """The boxes between the element and its column container, or None when there is nothing to
        do: no container (one column), already its child, or inside a box that decided its width."""
        for depth in range(len(self.stack) - 1, -1, -1):
            box = self.stack[depth]
            if box.wide or box.classes & DECIDED:
                return None
            if _is_column_container(self.stack, depth):
                return self.stack[depth + 1:] or None
        return None


def _is_column_container(stack: list[_Open], depth: int) -> bool:
    """The box that holds the runs of columns: a 2-column part's body (its children are `column-run`
    boxes and wide blocks), or a 2-column article of a 1-column part (its body is the run)."""
    box = stack[depth]
    if {"part-body", "columns-2"} <= box.classes:
        return True
    inside_columns = any({"part-body", "columns-2"} <= outer.classes for outer in stack[:depth])
    return not inside_columns and {"article", "columns-2"} <= box.classes


def _reopen(box: _Open) -> str:
    """The box's start tag again, without its id (ids are unique), marked as continued."""
    text = re.sub(r'\s+id="[^"]*"', "", box.start_text)
    if 'class="' in text:
        text = text.replace('class="', 'class="continued ', 1)
    else:
        text = text[:-1].rstrip("/") + ' class="continued">'
    return text[:-1] + " data-continued>"


def lift_wide_blocks(html: str) -> str:
    """The HTML with every wide block a direct child of its column container."""
    if "wide" not in html:
        return html
    lifter = _Lifter()
    lifter.offsets = [0]
    for line in html.split("\n"):
        lifter.offsets.append(lifter.offsets[-1] + len(line) + 1)
    lifter.feed(html)
    lifter.close()
    if not lifter.edits:
        return html
    pieces, last = [], 0
    for offset, text in sorted(lifter.edits, key=lambda edit: edit[0]):
        pieces += [html[last:offset], text]
        last = offset
    pieces.append(html[last:])
    result = "".join(pieces)
    # A box reopened after a block that ended it holds nothing: no empty article after the table.
    while True:
        shorter = EMPTY_CONTINUED.sub("", result)
        if shorter == result:
            return result
        result = shorter
