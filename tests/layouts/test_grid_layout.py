"""The baseline grid in WeasyPrint's own layout (toolkit/grid.py), on hostile HTML a theme or content
could give: blocks of odd heights, odd margins, a two-line heading on an odd leading, a table, side by
side inline blocks, a float; the paragraph after each one starts on the grid again."""
from __future__ import annotations

import pytest

BASELINE_PT = 13.5
PX_PER_PT = 4 / 3
ODD_BLOCKS = [
    '<div style="height: 17pt; background: #ccc"></div>',
    '<p style="margin: 7mm 0 3.3mm">A paragraph with margins in millimetres.</p>',
    '<h2 style="font-size: 17pt; line-height: 1.12">A heading long enough to take two lines in this '
    'narrow measure of the test page</h2>',
    '<figure style="margin: 2mm 0"><div style="height: 41pt"></div><figcaption style="font-size: 6.5pt; '
    'line-height: 1.25">A caption in small text, on its own leading</figcaption></figure>',
    '<table style="font-size: 7.5pt; line-height: 1.3"><tr><td>a</td><td>b</td></tr><tr><td>c</td>'
    '<td>d</td></tr></table>',
    '<div><span style="display: inline-block; height: 23pt; width: 30pt"></span> '
    '<span style="display: inline-block; height: 31pt; width: 30pt"></span></div>',
    '<div style="padding: 2.7mm; border-top: 1.3pt solid"><p>Inside a box with odd padding.</p></div>',
]


def document(blocks: list[str], extra_css: str = "") -> str:
    body = "".join(f'{block}<p class="after">After the block, a line of body text.</p>' for block in blocks)
    return (f"<style>@page {{ size: 120mm 400mm; margin: 17mm 10mm }} :root {{ --grid-baseline: {BASELINE_PT}pt }}"
            f" html {{ font-size: 9.5pt; line-height: var(--grid-baseline) }} p {{ margin: 0 }} {extra_css}</style>"
            f"{body}")


def line_tops(html: str) -> tuple[float, list[float]]:
    """(top of the type area, top of each line of the paragraphs `p.after`), in points."""
    import weasyprint
    from toolkit.grid import on_grid

    with on_grid():
        page = weasyprint.HTML(string=html).render().pages[0]._page_box
    tops: dict[int, float] = {}

    def walk(box):
        if getattr(box, "element_tag", None) == "p" and "after" in (box.element.get("class") or ""):
            tops.update((id(line), line.position_y / PX_PER_PT) for line in box.children)
        for child in getattr(box, "children", []):
            walk(child)
    walk(page)
    return page.content_box_y() / PX_PER_PT, sorted({round(top, 3) for top in tops.values()})


def off_grid(top: float, origin: float) -> float:
    phase = (top - origin) % BASELINE_PT
    return min(phase, BASELINE_PT - phase)


@pytest.mark.parametrize("block", ODD_BLOCKS, ids=range(len(ODD_BLOCKS)))
def test_the_text_after_any_block_is_back_on_the_grid(block):
    origin, tops = line_tops(document([block] * 3))
    assert len(tops) == 3
    assert all(off_grid(top, origin) < 0.05 for top in tops), [round(t - origin, 2) for t in tops]


def test_off_the_grid_when_the_theme_says_none():
    """`--grid-baseline: none` leaves a part as laid out: the odd block shifts the text after it."""
    origin, tops = line_tops(document([ODD_BLOCKS[0]], ":root { --grid-baseline: none }"))
    assert off_grid(tops[0], origin) > 1, tops


def test_outside_on_grid_nothing_changes():
    """The layout is patched once per process, but only documents laid out inside `on_grid()` snap."""
    import weasyprint

    html = document([ODD_BLOCKS[0]])
    with_grid = line_tops(html)[1]
    page = weasyprint.HTML(string=html).render().pages[0]._page_box
    assert with_grid[0] != pytest.approx(_first_after_top(page))


def _first_after_top(page) -> float:
    stack = [page]
    while stack:
        box = stack.pop(0)
        if getattr(box, "element_tag", None) == "p" and "after" in (box.element.get("class") or ""):
            return box.children[0].position_y / PX_PER_PT
        stack.extend(getattr(box, "children", []))
    raise AssertionError("no p.after")
