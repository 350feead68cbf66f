"""A unit holding a long table laid out in chunks of rows, each its own WeasyPrint document, merged:
the memory of the layout no longer grows with the rows (docs/security.md, "Memory of long tables").

WeasyPrint keeps every laid-out box of a document until its file is written: about 27 KB a row of a
4-column table, 680 MB at 10 000 rows. Here chunk k is the unit's HTML with only rows [a_k, b_k) of
the table; chunk 0 keeps what precedes the table, the last chunk what follows it. The pages come out
the same as one whole layout because:

- each chunk's last page is dropped and the rows that stood on it open the next chunk (a chunk's last
  page is the only one that knows where its rows end);
- a later chunk keeps what precedes the table down to the part's own element (the part before it,
  the chapter opener: the running head's string, the page name and its group stay the same), then
  turns to a new page on the side the dropped page was on; the pages before that turn are dropped.
  The elements between the part and the table start on that page as the continuation they are in the
  whole layout: without their top margin, padding and border, the table without its caption;
- the table's columns get the widths of the whole table: `table-layout: auto` sizes a column from
  its widest cell, which another chunk may hold. A first pass over the chunks records, per column, the
  cells' widest min- and max-content widths (WeasyPrint stops at the table, no page is laid out);
  every chunk's table is then sized from those.

Not chunked (laid out whole, as before): tables with cells spanning rows or columns (their widths do
not add up per column), rows holding a footnote (its call and body would be laid out twice), a
unit's second long table (it stays in the last chunk). What is not the same: a `:nth(n of group)`
page rule with n > 1 counts the group's pages from the turn; a word kept whole at a page turn of one
chunk (toolkit/typography.py) is not kept whole in the others.
"""
from __future__ import annotations

import io
import os
import re
import tempfile
import threading
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterator

# Rows a chunk lays out: a few pages' worth more than the carried rows. Its memory is what bounds the
# peak; fewer rows mean more chunks, hence more repeated layout of what precedes the table.
ROWS_PER_CHUNK = int(os.environ.get("TOOLKIT_TABLE_CHUNK_ROWS", "600"))
TABLE_MARK = "data-long-table"
ROW_MARK = "data-row"
TOP_MARK = "data-chunk-top"
CHUNK_CSS = (f"[{TOP_MARK}] {{ margin-top: 0 !important; padding-top: 0 !important; "
             f"border-top-width: 0 !important; }} [{TABLE_MARK}] > caption {{ display: none; }}")
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
TAG = re.compile(r"<!--.*?-->|<(/?)([a-zA-Z][\w:-]*)([^>]*)>", re.S)
TR = re.compile(r"<tr\b[^>]*>.*?</tr>\s*", re.S)


@dataclass
class Table:
    """Where a long table stands in a unit's HTML (offsets into the HTML string)."""

    ancestors: list[tuple[str, int, int]]  # (tag, start, end of the open tag), from <html> down
    table: tuple[int, int]  # its open tag
    body: tuple[int, int]  # the tbody's content
    rows: list[tuple[int, int]]


def find_long_table(html: str, min_rows: int) -> Table | None:
    """The first table with more than `min_rows` body rows that can be chunked, or None."""
    stack: list[tuple[str, int, int]] = []
    for match in TAG.finditer(html):
        closing, name = match.group(1), (match.group(2) or "").lower()
        if not name:
            continue
        if closing:
            while stack and stack.pop()[0] != name:
                pass
            continue
        if name == "table":
            found = _table_at(html, match, list(stack), min_rows)
            if found is not None:
                return found
        if name not in VOID and not match.group(3).rstrip().endswith("/"):
            stack.append((name, match.start(), match.end()))
    return None


def _table_at(html: str, match: re.Match[str], ancestors: list[tuple[str, int, int]],
              min_rows: int) -> Table | None:
    end = html.find("</table>", match.end())
    inner = html[match.end():end]
    opened, closed = inner.find("<tbody"), inner.find("</tbody>")
    if end < 0 or opened < 0 or "<table" in inner or inner.count("<tbody") != 1:
        return None
    body = (match.end() + inner.index(">", opened) + 1, match.end() + closed)
    text = html[body[0]:body[1]]
    rows = [(body[0] + row.start(), body[0] + row.end()) for row in TR.finditer(text)]
    spans = re.search(r"\b(colspan|rowspan)\s*=\s*['\"]?(?!1\b)\d", inner)
    if len(rows) <= min_rows or spans or 'class="note' in text or "footnote" in text \
            or [a[0] for a in ancestors[:2]] != ["html", "body"] or len(ancestors) < 3:
        return None
    return Table(ancestors, (match.start(), match.end()), body, rows)


def chunk_html(html: str, table: Table, first: int, last: int, side: str | None) -> str:
    """The unit's HTML with rows [first, last) only; `side` (for every chunk but the first) is the
    side of the page the rows open, turned to after what precedes the table at the part's level."""
    rows = "".join(_marked_row(html, table.rows[i], i) for i in range(first, last))
    opening = html[table.table[0]:table.table[1] - 1] + f" {TABLE_MARK}>"
    head = html[table.table[1]:table.body[0]]
    if side is None:
        prefix = html[:table.table[0]] + opening + head
    else:
        cut = table.ancestors[3][1] if len(table.ancestors) > 3 else table.table[0]
        deeper = [a for a in table.ancestors if a[1] >= cut]
        prefix = (html[:cut] + f'<div style="break-after: {side}"></div>'
                  + "".join(html[start:end - 1] + f" {TOP_MARK}>" for _, start, end in deeper)
                  + opening[:-1] + f" {TOP_MARK}>" + re.sub(r"<caption\b.*?</caption>", "", head, flags=re.S))
    if last >= len(table.rows):
        return prefix + rows + html[table.body[1]:]
    return prefix + rows + "</tbody></table>" + "".join(f"</{a[0]}>" for a in reversed(table.ancestors))


def _marked_row(html: str, span: tuple[int, int], index: int) -> str:
    text = html[span[0]:span[1]]
    return text[:3] + f' {ROW_MARK}="{index}"' + text[3:]


# ---------------------------------------------------------------- the columns of the whole table

_columns = threading.local()


@contextmanager
def whole_table_columns(widths: dict[int, list[float]] | None,
                        top: list[float] | None = None) -> Iterator[dict[int, list[float]]]:
    """While laying out: the long table's columns sized from `widths` (column → [min, max] content
    width over the whole table), and the widths of this chunk's cells recorded into the result.
    `top`: per column, the collapsed border above the chunk's first row in the whole table (the
    previous row's bottom border, not the header's), which sets where the row's content starts."""
    import weasyprint.formatting_structure.build as build
    from weasyprint.layout import preferred

    seen: dict[int, list[float]] = {}
    original_table, original_cell = preferred.table_and_columns_preferred_widths, \
        preferred.table_cell_min_max_content_width

    def table_widths(context: Any, box: Any, outer: bool = True) -> Any:
        table = box.get_wrapped_table()
        ours = table.element is not None and table.element.get(TABLE_MARK) is not None
        before, _columns.ours = getattr(_columns, "ours", False), ours
        try:
            return original_table(context, box, outer)
        finally:
            _columns.ours = before

    def cell_widths(context: Any, cell: Any, outer: bool = True) -> Any:
        low, high = original_cell(context, cell, outer)
        if getattr(_columns, "ours", False) and cell.colspan == 1 and outer:
            column = seen.setdefault(cell.grid_x, [0.0, 0.0])
            column[0], column[1] = max(column[0], low), max(column[1], high)
            if widths is not None and cell.grid_x in widths:
                low, high = max(low, widths[cell.grid_x][0]), max(high, widths[cell.grid_x][1])
        return low, high

    original_borders = build.collapse_table_borders

    def borders(table: Any, grid_width: int, grid_height: int) -> Any:
        grid = original_borders(table, grid_width, grid_height)
        if top is not None and table.element is not None and table.element.get(TABLE_MARK) is not None:
            body = next((group for group in table.children if not group.is_header and group.children), None)
            for cell in body.children[0].children if body is not None else ():
                cell.border_top_width = top[cell.grid_x] / 2  # as collapse_table_borders sets it
        return grid

    preferred.table_and_columns_preferred_widths = table_widths
    preferred.table_cell_min_max_content_width = cell_widths
    import weasyprint.layout.table as table_module
    table_module.table_and_columns_preferred_widths = table_widths
    build.collapse_table_borders = borders
    try:
        yield seen
    finally:
        preferred.table_and_columns_preferred_widths = original_table
        preferred.table_cell_min_max_content_width = original_cell
        table_module.table_and_columns_preferred_widths = original_table
        build.collapse_table_borders = original_borders


class _Measured(BaseException):
    """Raised once the long table's columns are measured: nothing of the chunk is laid out further."""


@contextmanager
def stop_after_columns() -> Iterator[None]:
    from weasyprint.layout import table as table_module

    original = table_module.auto_table_layout

    def measured(context: Any, box: Any, containing_block: Any) -> Any:
        result = original(context, box, containing_block)
        if box.element is not None and box.element.get(TABLE_MARK) is not None:
            raise _Measured
        return result

    table_module.auto_table_layout = measured
    try:
        yield
    finally:
        table_module.auto_table_layout = original


# ---------------------------------------------------------------- laying out in chunks


def row_numbers(page: Any) -> list[int]:
    """The long table's rows on a page, in the order they are laid out."""
    from weasyprint.formatting_structure.boxes import TableRowBox

    return [int(box.element.get(ROW_MARK)) for box in page._page_box.descendants()
            if isinstance(box, TableRowBox) and box.element is not None and box.element.get(ROW_MARK)]


def lay_out_long_table(job: Any, renderer: Any, theme: Any, probe: Callable[..., Any],
                       rows_per_chunk: int | None = None) -> Any:
    """The unit laid out in chunks (a parts.Laid), or None when it holds no long table to chunk."""
    size = rows_per_chunk or ROWS_PER_CHUNK
    table = find_long_table(job.html, size)
    if table is None:
        return None
    from .deadline import time_limit
    from .pagination import tight_css
    from .render import LayoutTimeLimit, renderer_failures

    # One time limit for the whole unit too (each chunk's layout has its own): a table of a million
    # rows is stopped, as it was when laid out whole, at most a chunk's layout after the limit.
    try:
        with renderer_failures(), time_limit():
            laid, runt = _chunked(job, renderer, theme, probe, table, size, job.extra_css)
            if laid is not None and job.copyfit and runt:  # as parts._lay_out copyfits a whole unit
                tight, _ = _chunked(job, renderer, theme, probe, table, size, job.extra_css + tight_css([]))
                if tight is not None and tight.pages < laid.pages:
                    tight.tight = True
                    return tight
            return laid
    except LayoutTimeLimit as stopped:
        if stopped.where:
            raise
        # Stopped between two chunks, where no box says where: at the table, the block being laid out.
        raise LayoutTimeLimit(_source(job.html, table), stopped.detail) from stopped


def _source(html: str, table: Table) -> str:
    """The `data-source` (file:line) of the table's nearest ancestor that has one."""
    for _, start, end in reversed(table.ancestors):
        found = re.search(r'\bdata-source="([^"]*)"', html[start:end])
        if found:
            return found.group(1)
    return ""


def _chunked(job: Any, renderer: Any, theme: Any, probe: Callable[..., Any], table: Table, size: int,
             css: str) -> tuple[Any, bool]:
    """The unit laid out in chunks and whether its last page is a runt; (None, False) when a chunk
    does not fill a page."""
    from .pagination import is_runt
    from .parts import Laid, _is_blank
    from .sides import mirror_shifts, page_names, take_margin_texts

    base, css = Path(job.base), css + CHUNK_CSS
    widths: dict[int, list[float]] = {}
    for first in range(0, len(table.rows), size):  # the columns of the whole table, chunk by chunk
        with whole_table_columns(None) as seen, stop_after_columns():
            try:
                renderer.document(chunk_html(job.html, table, first, min(first + size, len(table.rows)),
                                             "right" if first else None),
                                  base, theme, job.variant, extra_css_text=css)
            except _Measured:
                pass
        for column, (low, high) in seen.items():
            known = widths.setdefault(column, [0.0, 0.0])
            known[0], known[1] = max(known[0], low), max(known[1], high)
    merged = _Pages()
    pages: list[tuple[list[str], list[tuple[int, str]], bool, dict[str, str]]] = []
    shifts: list[float] | None = []
    first, side, runt, top = 0, None, False, None
    while True:
        last = min(first + size, len(table.rows))
        with whole_table_columns(widths, top):
            document = renderer.document(chunk_html(job.html, table, first, last, side), base, theme,
                                         job.variant, extra_css_text=css)
        numbers = [row_numbers(page) for page in document.pages]
        start = 0 if side is None else next((i for i, n in enumerate(numbers) if first in n), None)
        if start is None:
            return None, False
        end = len(document.pages)
        if last < len(table.rows):  # drop the last page: back to one opening on a row of its own
            end = next((i for i in range(end - 1, start, -1) if numbers[i] and numbers[i][0] > max(
                [n for page in numbers[:i] for n in page], default=-1)), start)
            if end == start or numbers[end][0] <= first:
                return None, False  # a chunk that does not fill a page: lay the unit out whole
        kept = document.copy(document.pages[start:end])
        margins, movable = take_margin_texts(kept) if job.margin_texts else ([{}] * len(kept.pages), False)
        if shifts is not None:
            shift = mirror_shifts(kept, probe(job, theme, page_names(kept))) if movable else None
            shifts = None if shift is None else shifts + shift
        pages += [(sorted(page.anchors), [(level, label) for level, label, _, _ in page.bookmarks],
                   _is_blank(page), margin) for page, margin in zip(kept.pages, margins)]
        if last >= len(table.rows):
            runt = is_runt(document.pages)
            merged.add(renderer.write_pdf(kept, job.variant, identifier=job.key[:32].encode()))
            break
        side = document.pages[end]._page_box.page_type.side
        top = _border_above(document.pages[end], numbers[end][0] - first)
        merged.add(renderer.write_pdf(kept, job.variant, identifier=job.key[:32].encode()))
        first = numbers[end][0]
        del document, kept
    return Laid(merged.pdf(), [p[0] for p in pages], [p[1] for p in pages], [p[2] for p in pages],
                [p[3] for p in pages] if job.margin_texts else [], shifts), runt


def _border_above(page: Any, body_row: int) -> list[float] | None:
    """Per column, the width of the collapsed border above the long table's `body_row`-th body row
    (None when its borders are not collapsed)."""
    from weasyprint.formatting_structure.boxes import TableBox

    table = next((box for box in page._page_box.descendants() if isinstance(box, TableBox)
                  and box.element is not None and box.element.get(TABLE_MARK) is not None), None)
    grid = getattr(table, "collapsed_border_grid", None)
    if not grid or not grid[1]:
        return None
    header = sum(len(group.children) for group in table.children if group.is_header)
    return [width for _, (_, width, _) in grid[1][header + body_row]]


class _Pages:
    """The chunks' files, kept on disk until the last is written, then joined in one PDF (the first
    chunk's catalog: its output intent, metadata). Joined as each was written, they stayed in memory
    whole, their colour profile with them: qpdf reads a copied page's streams from its source file
    only when it writes the result, so each source stays open, here a file rather than bytes."""

    def __init__(self) -> None:
        self.folder = tempfile.TemporaryDirectory(prefix="toolkit-chunks-")
        self.paths: list[Path] = []

    def add(self, data: bytes) -> None:
        path = Path(self.folder.name) / f"{len(self.paths)}.pdf"
        path.write_bytes(data)
        self.paths.append(path)

    def pdf(self) -> bytes:
        import pikepdf

        sources = [pikepdf.open(path) for path in self.paths]
        try:
            merged = sources[0]
            for source in sources[1:]:
                for page in source.pages:  # append(), not extend(): no warning about named destinations
                    merged.pages.append(page)
            out = io.BytesIO()
            merged.save(out, compress_streams=False, deterministic_id=True)
            return out.getvalue()
        finally:
            for source in sources:
                source.close()
            self.folder.cleanup()
