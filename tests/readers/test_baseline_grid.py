"""Body text on the baseline grid, read back by MuPDF: in every report-like print file (the national
report, its editions, the corpus), the baselines of body lines lie on one grid of `grid.baseline`
counted from the top of the type area, on every page, in both columns and on facing pages alike; and
no body line crosses both columns (the lead page facing an opener sets two columns too)."""
from __future__ import annotations

from collections import Counter

import pytest

from files_read import FILES

MM = 72 / 25.4
TYPE_AREA_TOP = 22 * MM   # @page margin-top of layouts/base/style.css
TOLERANCE = 0.3           # pt
ON_GRID_SHARE = 0.95
# The report-like print files (the press release has a tighter grid of its own).
REPORT_PRINT_FILES = [file_id for file_id, name, variant, _, _ in FILES
                      if variant == "print" and "communique" not in name]


def grid_tokens(theme: str = "agence") -> tuple[float, float]:
    """(body size, baseline) in points, from the theme's tokens."""
    from toolkit.theme import load_theme

    tokens = load_theme(theme).tokens
    return float(tokens["type"]["base_size"].removesuffix("pt")), float(tokens["grid"]["baseline"].removesuffix("pt"))


def body_lines(path, body_size: float) -> list[tuple[int, float, float]]:
    """(page number, baseline from the top of the type area, line width in mm) of every line set wholly
    in the body size, horizontal."""
    import pymupdf

    lines = []
    with pymupdf.open(path) as document:
        for page in document:
            top = page.trimbox.y0 + TYPE_AREA_TOP
            for block in page.get_text("dict")["blocks"]:
                for line in block.get("lines", []):
                    spans = [span for span in line["spans"] if span["text"].strip()]
                    if spans and line["dir"] == (1.0, 0.0) and all(abs(s["size"] - body_size) < 0.05 for s in spans):
                        width = (line["bbox"][2] - line["bbox"][0]) / MM
                        lines.append((page.number + 1, spans[0]["origin"][1] - top, width))
    return lines


def off_grid(phase: float, reference: float, baseline: float) -> float:
    distance = abs(phase - reference) % baseline
    return min(distance, baseline - distance)


def grid_report(lines, baseline: float) -> tuple[float, float, dict[int, int]]:
    """(the most common phase, the share of lines within the tolerance of it, off-grid lines per page)."""
    phases = Counter(round(y % baseline, 1) for _, y, _ in lines)
    reference = phases.most_common(1)[0][0]
    bad: Counter[int] = Counter(page for page, y, _ in lines if off_grid(y % baseline, reference, baseline) > TOLERANCE)
    return reference, 1 - sum(bad.values()) / len(lines), dict(bad)


@pytest.mark.parametrize("file_id", REPORT_PRINT_FILES)
def test_body_lines_lie_on_the_baseline_grid(built_files, file_id):
    body_size, baseline = grid_tokens()
    lines = body_lines(built_files[file_id].require(), body_size)
    assert len(lines) > 100, f"{file_id}: too few body lines found ({len(lines)}) to judge the grid"
    reference, share, bad = grid_report(lines, baseline)
    assert share >= ON_GRID_SHARE, (f"{file_id}: {share:.0%} of {len(lines)} body lines on the {baseline} pt "
                                    f"grid; off-grid lines per page: {bad}")


def test_every_report_file_shares_one_grid(built_files):
    """Same theme, same type area: the grid's phase (where the first baseline sits under the top of the
    type area) is the same in every file, so it is the grid of the type area and not of one file."""
    body_size, baseline = grid_tokens()
    phases = {file_id: grid_report(body_lines(built_files[file_id].require(), body_size), baseline)[0]
              for file_id in REPORT_PRINT_FILES}
    reference = next(iter(phases.values()))
    assert all(off_grid(p, reference, baseline) <= TOLERANCE for p in phases.values()), phases


@pytest.mark.parametrize("file_id", [f for f in REPORT_PRINT_FILES if f.startswith("rapport-annuel")])
def test_no_body_line_crosses_both_columns(built_files, file_id):
    """Case studies across the measure (under the opener or on the lead page facing it) and every other
    text of the report's two-column parts set lines one column wide, never 170 mm."""
    body_size, _ = grid_tokens()
    wide = sorted({(page, round(width)) for page, _, width in body_lines(built_files[file_id].require(), body_size)
                   if width > 120})
    assert not wide, f"{file_id}: body lines across the type area (page, mm): {wide}"
