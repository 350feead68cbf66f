"""Name the images of a PDF by their source files: WeasyPrint keeps no file name in the PDF, so an
image is matched by its pixels (a small grey thumbnail, compared by correlation after the colour
conversion) and its proportions against the files of the publication's images/ folder."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".gif", ".webp", ".tif", ".tiff")
THUMBNAIL = (16, 16)
MIN_CORRELATION = 0.8   # CMYK conversion, resampling and JPEG shift tones: loose on purpose
MAX_RATIO_GAP = 0.03    # the proportions of a photo survive every conversion


@dataclass(frozen=True)
class Source:
    name: str
    ratio: float
    thumbnail: tuple[float, ...]


def thumbnail(image: Any) -> tuple[float, ...]:
    """A PIL image as 256 grey levels, centred and scaled (so that a darker print still matches)."""
    grey = image.convert("RGB").convert("L").resize(THUMBNAIL)
    values = [float(v) for v in grey.tobytes()]
    mean = sum(values) / len(values)
    spread = (sum((v - mean) ** 2 for v in values) / len(values)) ** 0.5 or 1.0
    return tuple((v - mean) / spread for v in values)


def load_sources(folder: Path | None) -> list[Source]:
    """The publication's image files, as thumbnails; a file Pillow cannot read is left out."""
    if folder is None or not folder.is_dir():
        return []
    from PIL import Image

    sources = []
    for path in sorted(folder.iterdir()):
        if path.suffix.lower() not in IMAGE_SUFFIXES:
            continue
        try:
            with Image.open(path) as image:
                sources.append(Source(path.name, image.width / image.height, thumbnail(image)))
        except Exception:  # noqa: BLE001 - an unreadable file simply names nothing
            continue
    return sources


def best_source(sources: list[Source], ratio: float, pixels: Any | None) -> str | None:
    """The source file this image was made from: same proportions, and the closest pixels when the
    image decodes (or the only file of those proportions when it does not)."""
    candidates = [s for s in sources if abs(s.ratio - ratio) / ratio <= MAX_RATIO_GAP]
    if pixels is None:
        return candidates[0].name if len(candidates) == 1 else None
    try:
        mine = thumbnail(pixels)
    except Exception:  # noqa: BLE001
        return None
    scored = [(sum(a * b for a, b in zip(mine, s.thumbnail)) / len(mine), s.name) for s in candidates]
    scored = [pair for pair in scored if pair[0] >= MIN_CORRELATION]
    return max(scored)[1] if scored else None


def default_images_folder(pdf_path: Path) -> Path | None:
    """out/<publication>/<file>.pdf → content/<publication>/images, when it exists."""
    from ..paths import CONTENT

    folder = CONTENT / Path(pdf_path).resolve().parent.name / "images"
    return folder if folder.is_dir() else None
