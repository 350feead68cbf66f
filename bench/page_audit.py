"""Audit the pages of print files as an art director would count them.

    .venv/bin/python bench/page_audit.py out/rapport-annuel-2023/*-print.pdf [--json]
    .venv/bin/python bench/page_audit.py --build rapport-annuel-2023 [--editions all|bretagne,guyane]

`--build` builds the national print file and every edition (or those named) into a scratch folder
(the unit cache makes editions cheap), then audits them all in one table.

For each file, it prints:
- blank or tint-only pages (a page whose type area holds nothing but one flat colour), target 0;
- pages over 40 % empty: the share of the type area farther than 7.5 mm from any ink, covers
  (first and last page) left out, target at most 3;
- placeholder photo frames (`photo-missing` in the HTML of the publication the file was built from,
  when its name is that of a publication of content/), target 0 in final files;
- text runs in four-colour black or three-colour grey (text painted with a neutral CMYK colour that
  uses C, M or Y ink), target 0: printers want small text in black ink only.
"""
from __future__ import annotations

import argparse
import json
import re
import sys
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

MM = 72 / 25.4
DPI = 36
REACH_MM = 7.5
EMPTY_LIMIT = 0.40
# The base theme's type area (layouts/base/theme.yaml `page:`): top, bottom, inner, outer, in mm.
MARGINS = (20, 22, 20, 17)


@dataclass
class Audit:
    file: str
    pages: int
    blank_or_tint_only: list[int] = field(default_factory=list)
    over_40_percent_empty: list[int] = field(default_factory=list)
    emptiness: dict[int, float] = field(default_factory=dict)
    placeholder_frames: int | None = None
    four_colour_text_runs: int = 0
    four_colour_examples: list[str] = field(default_factory=list)


def type_area(width: float, height: float, page_number: int) -> tuple[float, float, float, float]:
    """Left, top, right, bottom of the type area in points, the inner margin on the binding side."""
    top, bottom, inner, outer = (value * MM for value in MARGINS)
    left, right = (inner, outer) if page_number % 2 else (outer, inner)
    return left, top, width - right, height - bottom


def dilate(mask: np.ndarray, radius: int) -> np.ndarray:
    """Cells within `radius` cells of a true cell (square neighbourhood), with summed-area tables."""
    padded = np.pad(mask.astype(np.int32), radius)
    table = padded.cumsum(0).cumsum(1)
    table = np.pad(table, ((1, 0), (1, 0)))
    size = 2 * radius + 1
    window = table[size:, size:] - table[:-size, size:] - table[size:, :-size] + table[:-size, :-size]
    return window > 0


def page_emptiness(pdf_page, page_number: int) -> tuple[float, bool]:
    """(share of the type area far from ink, whether the page is one flat colour)."""
    left, top, right, bottom = _trim(pdf_page)
    bitmap = pdf_page.render(scale=DPI / 72, grayscale=True, crop=(left, bottom, right, top)).to_numpy()
    grey = bitmap[..., 0] if bitmap.ndim == 3 else bitmap
    width, height = (pdf_page.get_width() - left - right), (pdf_page.get_height() - top - bottom)
    x0, y0, x1, y1 = (int(v * DPI / 72) for v in type_area(width, height, page_number))
    area = grey[y0:y1, x0:x1].astype(np.int16)
    flat = int(area.max()) - int(area.min()) <= 6 if area.size else True
    background = int(np.bincount(area.ravel()).argmax()) if area.size else 255
    ink = np.abs(grey.astype(np.int16) - background) > 10
    near = dilate(ink, round(REACH_MM * DPI / 25.4))[y0:y1, x0:x1]
    return (1 - near.mean()) if near.size else 1.0, flat


def _trim(pdf_page) -> tuple[float, float, float, float]:
    """Crop amounts (left, top, right, bottom) from the media box to the trim box."""
    media = pdf_page.get_mediabox()
    trim = pdf_page.get_trimbox()
    return trim[0] - media[0], media[3] - trim[3], media[2] - trim[2], trim[1] - media[1]


# ------------------------------------------------------------------ colour of text runs

NEUTRAL_TOLERANCE = 0.06


def is_process_black(cmyk: tuple[float, ...]) -> bool:
    """A neutral colour built with C, M or Y ink: rich black (K + CMY) or a three-colour grey."""
    c, m, y, k = cmyk
    if c + m + y < 0.02:
        return False
    three_colour_grey = max(c, m, y) - min(c, m, y) < NEUTRAL_TOLERANCE
    rich_black = k >= 0.5
    return three_colour_grey or rich_black


def text_colours(pdf_path: Path) -> list[tuple[int, tuple[float, ...]]]:
    """(page number, CMYK fill colour) of every text-showing operator, forms followed."""
    import pikepdf

    found: list[tuple[int, tuple[float, ...]]] = []
    with pikepdf.open(pdf_path) as document:
        for number, page in enumerate(document.pages, 1):
            _walk(page.obj, page.obj.get("/Resources", pikepdf.Dictionary()), number, found, set())
    return found


def _walk(stream_owner, resources, number: int, found: list, seen: set) -> None:
    import pikepdf

    stack: list[tuple[float, ...] | None] = []
    fill: tuple[float, ...] | None = None
    space_n = 0
    try:
        instructions = pikepdf.parse_content_stream(stream_owner)
    except pikepdf.PdfError:
        return
    spaces = resources.get("/ColorSpace", pikepdf.Dictionary())
    for operands, operator in instructions:
        op = str(operator)
        if op == "q":
            stack.append(fill)
        elif op == "Q":
            fill = stack.pop() if stack else None
        elif op == "k":
            fill = tuple(float(v) for v in operands)
        elif op in ("g", "rg"):
            fill = None
        elif op == "cs":
            space_n = _components(spaces, operands[0])
            fill = None
        elif op in ("sc", "scn") and space_n == 4 and len(operands) == 4:
            fill = tuple(float(v) for v in operands)
        elif op in ("Tj", "TJ", "'", '"') and fill is not None:
            found.append((number, fill))
        elif op == "Do":
            xobject = resources.get("/XObject", {}).get(str(operands[0]))
            if xobject is not None and xobject.get("/Subtype") == "/Form" and xobject.objgen not in seen:
                seen.add(xobject.objgen)
                _walk(xobject, xobject.get("/Resources", resources), number, found, seen)


def _components(spaces, name) -> int:
    import pikepdf

    if str(name) == "/DeviceCMYK":
        return 4
    space = spaces.get(str(name))
    if isinstance(space, pikepdf.Array) and len(space) == 2 and space[0] == "/ICCBased":
        return int(space[1].get("/N", 0))
    return 0


# ------------------------------------------------------------------ placeholders


def placeholder_frames(pdf_path: Path) -> int | None:
    """Photo frames without their file in the HTML the file was built from: that of the publication
    the file is named after, framed only for proofs and previews (`-proof.pdf`, `-preview.pdf`)."""
    from toolkit.build import Builder, document_date
    from toolkit.html import build_html

    stem = re.sub(r"-(proof|preview)$", "", pdf_path.stem)
    framed = stem != pdf_path.stem
    match = re.match(r"(.+?)(?:-(?P<edition>[\w-]+))?-print$", stem)
    builder = Builder()
    names = {path.name for path in builder.content.iterdir()}
    name, edition = stem.removesuffix("-print"), None
    if name not in names and match:
        candidates = [n for n in names if stem.startswith(n + "-")]
        if not candidates:
            return None
        name = max(candidates, key=len)
        edition = stem[len(name) + 1:].removesuffix("-print") or None
    if name not in names:
        return None
    publication, theme, _ = builder.load(name, edition)
    html = build_html(publication, theme, "print", chart_svg=lambda block: "<svg/>", photo_frames=framed,
                      extra_context={"document_date": document_date(publication)}).html
    return html.count("photo-missing")


def audit(pdf_path: Path, with_placeholders: bool = True) -> Audit:
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(str(pdf_path))
    result = Audit(str(pdf_path), len(document))
    try:
        for index in range(len(document)):
            number = index + 1
            empty, flat = page_emptiness(document[index], number)
            result.emptiness[number] = round(float(empty), 3)
            is_cover = number in (1, len(document))
            if flat and not is_cover:
                result.blank_or_tint_only.append(number)
            elif empty > EMPTY_LIMIT and not is_cover:
                result.over_40_percent_empty.append(number)
    finally:
        document.close()
    runs = [(page, colour) for page, colour in text_colours(pdf_path) if is_process_black(colour)]
    result.four_colour_text_runs = len(runs)
    result.four_colour_examples = sorted({f"p. {page}: C{c:.0%} M{m:.0%} Y{y:.0%} K{k:.0%}"
                                          for page, (c, m, y, k) in runs})[:5]
    if with_placeholders:
        result.placeholder_frames = placeholder_frames(pdf_path)
    return result


def build_print_files(name: str, editions: list[str] | None, out: Path) -> list[Path]:
    """The national print file and the print file of each edition (all when `editions` is None)."""
    from toolkit.batch import run_editions
    from toolkit.build import Builder
    from toolkit.editions import edition_names

    builder = Builder(out=out)
    try:
        national = builder.build(name, "print").path
        names = edition_names(builder.content / name) if editions is None else editions
        entries = run_editions(name, names, ["print"], content=builder.content, out=out, builder=builder)
    finally:
        builder.close()
    failed = [entry.edition for entry in entries if entry.status != "ok"]
    if failed:
        raise SystemExit(f"editions failed: {', '.join(map(str, failed))}")
    return [national, *(Path(entry.file) if Path(entry.file).is_absolute() else out / entry.file
                        for entry in entries)]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("files", nargs="*", type=Path)
    parser.add_argument("--build", metavar="PUBLICATION", help="build the national print file and its editions, "
                                                               "then audit them")
    parser.add_argument("--editions", default="all", help="with --build: all, none, or names separated by commas")
    parser.add_argument("--out", type=Path, default=ROOT / "out" / "audit", help="with --build: where to build")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--no-placeholders", action="store_true", help="do not rebuild the HTML to count frames")
    options = parser.parse_args()
    files = list(options.files)
    if options.build:
        chosen = {"all": None, "none": []}.get(options.editions, options.editions.split(","))
        files += build_print_files(options.build, chosen, options.out)
    if not files:
        parser.error("give print files, or --build PUBLICATION")
    audits = [audit(path, not options.no_placeholders) for path in files]
    if options.json:
        print(json.dumps([asdict(a) for a in audits], indent=2, ensure_ascii=False))
        return 0
    print(f"{'file':48} {'pages':>5} {'blank/tint':>10} {'>40% empty':>10} {'frames':>6} {'CMY text':>8}")
    for a in audits:
        frames = "-" if a.placeholder_frames is None else str(a.placeholder_frames)
        print(f"{Path(a.file).name:48} {a.pages:5} {len(a.blank_or_tint_only):10} "
              f"{len(a.over_40_percent_empty):10} {frames:>6} {a.four_colour_text_runs:8}")
        if a.blank_or_tint_only:
            print(f"    blank or tint-only: pp. {', '.join(map(str, a.blank_or_tint_only))}")
        if a.over_40_percent_empty:
            pages = ", ".join(f"{p} ({a.emptiness[p]:.0%})" for p in a.over_40_percent_empty)
            print(f"    over 40 % empty: pp. {pages}")
        for example in a.four_colour_examples:
            print(f"    text in process colours: {example}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
