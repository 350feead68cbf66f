"""Baseline grid: every block of the text flow ends on a whole number of baselines.

CSS alone cannot keep text on a grid: a caption, a chart, a table or a two-line heading has a height
that is no multiple of the leading, and every body line after it drifts (facing columns then disagree
by a millimetre or two). WeasyPrint 70 has no `block-step`, so this module adds it to the layout:
after a block of the flow is laid out, its bottom padding grows to the next grid line, counted from
the top of the page's type area. Body paragraphs, whose line height is the baseline, are already on
it; the next block's margins are whole baselines (the theme's CSS), so its text lands on the grid too.

The baseline is the inherited custom property `--grid-baseline` (the theme token `grid.baseline`);
`--grid-baseline: none` takes a block and what it holds off the grid. Blocks laid out by another
formatting context (table cells, flex and grid items, floats, inline blocks, footnotes, page margin
boxes) are left as they are: their parent block is snapped as a whole.
"""
from __future__ import annotations

import hashlib
import math
import threading
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator

# CSS units in WeasyPrint's layout unit (the CSS pixel).
_PIXELS_PER_UNIT = {"px": 1.0, "pt": 4 / 3, "pc": 16.0, "in": 96.0, "cm": 96 / 2.54, "mm": 96 / 25.4}
# Layout rounding: a bottom this close to a grid line is on it.
_TOLERANCE = 0.01

# Part of the parts cache's key: a change of this module lays units out again.
GRID_LAYOUT = hashlib.sha256(Path(__file__).read_bytes()).hexdigest()[:16]

_state = threading.local()


def baseline_of(style: Any) -> float | None:
    """The box's baseline in CSS pixels, or None when it is off the grid (`none`, unset, not a length)."""
    tokens = [token for token in (style["__grid_baseline"] or ()) if token.type != "whitespace"]
    if len(tokens) != 1 or tokens[0].type != "dimension":
        return None
    token = tokens[0]
    factor = _PIXELS_PER_UNIT.get(token.unit.lower())
    return token.value * factor if factor and token.value > 0 else None


def next_grid_line(bottom: float, origin: float, baseline: float) -> float:
    """The first grid line at or below `bottom` (grid lines every `baseline` from `origin`)."""
    return origin + math.ceil((bottom - origin - _TOLERANCE) / baseline) * baseline


def _starts_free_context(box: Any, containing_block: Any) -> bool:
    """Boxes whose content is laid out by another formatting context, outside the flow of lines."""
    from weasyprint.formatting_structure import boxes
    free_parents = (boxes.InlineBlockBox, boxes.TableCellBox, boxes.FlexContainerBox,
                    boxes.GridContainerBox, boxes.MarginBox, boxes.FootnoteAreaBox)
    free_boxes = (boxes.TableBox, boxes.FlexContainerBox, boxes.GridContainerBox, boxes.FootnoteAreaBox,
                  boxes.BlockReplacedBox)
    return (isinstance(containing_block, free_parents) or isinstance(box, free_boxes)
            or containing_block.is_floated() or containing_block.is_absolutely_positioned()
            or box.is_floated() or box.is_absolutely_positioned() or box.is_running())


def _snap(box: Any, resume_at: Any) -> None:
    """Grow the box's bottom padding so that its bottom border edge lies on a grid line."""
    baseline = baseline_of(box.style)
    origin = getattr(_state, "origin", None)
    # A box that goes on on the next page ends at the page's foot: nothing follows it here.
    if baseline is None or origin is None or resume_at is not None or box.height in (None, "auto"):
        return
    bottom = box.border_box_y() + box.border_height()
    if bottom <= box.border_box_y():  # an empty box takes no line
        return
    padding = next_grid_line(bottom, origin, baseline) - bottom
    if padding > _TOLERANCE:
        box.padding_bottom += padding


def _round_margins(box: Any) -> None:
    """Vertical margins of a block of the flow to the nearest whole baseline (negative ones, which pull
    a block into the bleed, are kept): margins stand between snapped blocks, so whole baselines keep
    the next block's text on the grid, whatever a stylesheet wrote."""
    baseline = baseline_of(box.style)
    if baseline is None:
        return
    for side in ("margin_top", "margin_bottom"):
        value = getattr(box, side)
        if isinstance(value, (int, float)) and value > 0:
            setattr(box, side, math.floor(value / baseline + 0.5) * baseline)


def _grid_percentages(original: Any) -> Any:
    def resolve_percentages(box: Any, containing_block: Any, *args: Any, **kwargs: Any) -> Any:
        result = original(box, containing_block, *args, **kwargs)
        if getattr(_state, "active", False):
            # The box being entered may start a free context: its own margins still stand in the flow.
            depth = _state.free_depth - (1 if box is getattr(_state, "free_box", None) else 0)
            if depth == 0 and box.is_in_normal_flow() and not box.is_for_root_element:
                from weasyprint.formatting_structure import boxes
                if isinstance(box, boxes.BlockLevelBox):
                    _round_margins(box)
        return result
    resolve_percentages.grid_original = original  # type: ignore[attr-defined]
    return resolve_percentages


def _grid_layout(original: Any) -> Any:
    def block_level_layout(context: Any, box: Any, bottom_space: Any, skip_stack: Any,
                           containing_block: Any, *args: Any, **kwargs: Any) -> Any:
        if not getattr(_state, "active", False):
            return original(context, box, bottom_space, skip_stack, containing_block, *args, **kwargs)
        if box.is_for_root_element:
            _state.origin = box.position_y  # the top of this page's type area
        free = _starts_free_context(box, containing_block)
        _state.free_depth = getattr(_state, "free_depth", 0) + (1 if free else 0)
        _state.free_box = box if free else None
        try:
            result = original(context, box, bottom_space, skip_stack, containing_block, *args, **kwargs)
        finally:
            _state.free_depth -= 1 if free else 0
        new_box, resume_at = result[0], result[1]
        if new_box is not None and not free and _state.free_depth == 0 and not box.is_for_root_element:
            _snap(new_box, resume_at)
        return result
    block_level_layout.grid_original = original  # type: ignore[attr-defined]
    return block_level_layout


def _install() -> None:
    """Route WeasyPrint's block layout through the grid (once per process; inactive outside `on_grid`)."""
    from weasyprint.layout import block, column, page
    if not hasattr(block.block_level_layout, "grid_original"):
        block.block_level_layout = _grid_layout(block.block_level_layout)
        block.resolve_percentages = _grid_percentages(block.resolve_percentages)
        column.resolve_percentages = _grid_percentages(column.resolve_percentages)
    page.block_level_layout = block.block_level_layout


@contextmanager
def on_grid() -> Iterator[None]:
    """Lay out documents inside this block with their flow on the baseline grid."""
    _install()
    previous = getattr(_state, "active", False)
    _state.active, _state.origin, _state.free_depth = True, None, 0
    try:
        yield
    finally:
        _state.active = previous
