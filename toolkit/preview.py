"""Previews: PNG pages and a contact sheet of spreads (the cover alone, then facing pages)."""
from __future__ import annotations

from pathlib import Path
from typing import Any, Iterable

SPREADS_PER_ROW = 4
GAP = 12


def render_pages(pdf: Path, scale: float, pages: Iterable[int] | None = None) -> list[Any]:
    """PIL images of the pages (0-based indexes), drawn by pdfium."""
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(str(pdf))
    try:
        indexes = list(pages) if pages is not None else range(len(document))
        return [document[i].render(scale=scale).to_pil().convert("RGB") for i in indexes]
    finally:
        document.close()


def spreads(count: int) -> list[tuple[int | None, int | None]]:
    """Facing pages as (left, right) indexes: page 1 is a right-hand page on its own."""
    pairs: list[tuple[int | None, int | None]] = [(None, 0)] if count else []
    for left in range(1, count, 2):
        pairs.append((left, left + 1 if left + 1 < count else None))
    return pairs


def contact_sheet(images: list[Any], labels: list[str] | None = None) -> Any:
    """All pages as thumbnails laid out in spreads, four spreads to a row."""
    from PIL import Image, ImageDraw

    width, height = images[0].size
    rows = [spreads(len(images))[i:i + SPREADS_PER_ROW] for i in range(0, len(spreads(len(images))), SPREADS_PER_ROW)]
    sheet = Image.new("RGB", (SPREADS_PER_ROW * (2 * width + GAP) + GAP, len(rows) * (height + 2 * GAP) + GAP),
                      (120, 120, 128))
    draw = ImageDraw.Draw(sheet)
    for row_index, row in enumerate(rows):
        y = GAP + row_index * (height + 2 * GAP)
        for spread_index, (left, right) in enumerate(row):
            x = GAP + spread_index * (2 * width + GAP)
            for offset, index in ((0, left), (width, right)):
                if index is None:
                    continue
                sheet.paste(images[index], (x + offset, y))
                label = labels[index] if labels else str(index + 1)
                draw.text((x + offset + 3, y + height + 1), label, fill=(255, 255, 255))
    return sheet


def write_previews(pdf: Path, folder: Path, pages: list[int] | None = None, scale: float = 1.0,
                   thumb_scale: float = 0.25) -> tuple[list[Path], Path]:
    """PNG files of the chosen pages (1-based) and a contact sheet of every page."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    indexes = [p - 1 for p in pages] if pages else None
    for index, image in zip(indexes or range(10_000), render_pages(pdf, scale, indexes)):
        path = folder / f"page-{index + 1:03d}.png"
        image.save(path)
        written.append(path)
    sheet_path = folder / "contact-sheet.png"
    contact_sheet(render_pages(pdf, thumb_scale)).save(sheet_path)
    return written, sheet_path
