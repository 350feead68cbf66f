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


def page_file(folder: Path, variant: str, page: int) -> Path:
    """`print-page-001.png`: the variant in the name, so that both variants' previews sit side by side."""
    return folder / f"{variant}-page-{page:03d}.png"


def sheet_file(folder: Path, variant: str) -> Path:
    return folder / f"{variant}-contact-sheet.png"


def remove_stale(folder: Path, variant: str, keep: Iterable[Path]) -> None:
    """Pages of this variant not written now (the publication got shorter, another --pages range), and
    the unnamed `page-NNN.png` of earlier versions, which no longer say which variant they show."""
    kept = {path.name for path in keep}
    for stale in [*folder.glob(f"{variant}-page-*.png"), *folder.glob("page-*.png"), folder / "contact-sheet.png"]:
        if stale.name not in kept and stale.is_file():
            stale.unlink()


def write_previews(pdf: Path, folder: Path, variant: str, pages: list[int] | None = None, scale: float = 1.0,
                   thumb_scale: float = 0.25) -> tuple[list[Path], Path]:
    """PNG files of the chosen pages (1-based; all by default) and a contact sheet of every page, named by
    variant; previews of this variant left from an earlier build are removed."""
    folder.mkdir(parents=True, exist_ok=True)
    thumbs = render_pages(pdf, thumb_scale)
    wanted = [p for p in pages if 1 <= p <= len(thumbs)] if pages else list(range(1, len(thumbs) + 1))
    written = []
    for page, image in zip(wanted, render_pages(pdf, scale, [p - 1 for p in wanted])):
        path = page_file(folder, variant, page)
        image.save(path)
        written.append(path)
    remove_stale(folder, variant, written)
    sheet_path = sheet_file(folder, variant)
    contact_sheet(thumbs).save(sheet_path)
    return written, sheet_path
