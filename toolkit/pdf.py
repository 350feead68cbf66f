"""PDF stage: what WeasyPrint does not do — binding padding, page labels, metadata, atomic writes."""
from __future__ import annotations

import io
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

BINDING_MULTIPLE = {"saddle-stitch": 4, "sheets": 2, "none": 1}


@dataclass(frozen=True)
class PageRoles:
    """Which pages are the covers, so labels and padding put things where a printer expects them."""

    count: int
    front_cover: bool
    back_cover: bool


def padding_needed(pages: int, binding: str) -> int:
    multiple = BINDING_MULTIPLE[binding]
    return (-pages) % multiple


def postprocess(pdf: bytes, roles: PageRoles, binding: str, pad: bool) -> tuple[bytes, int]:
    """Pad with blank pages before the back cover (or at the end) and label pages; returns the blanks added."""
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import NameObject

    reader = PdfReader(io.BytesIO(pdf))
    writer = PdfWriter(clone_from=reader)
    blanks = padding_needed(len(reader.pages), binding) if pad else 0
    if blanks:
        model = writer.pages[0]
        at = len(writer.pages) - 1 if roles.back_cover else len(writer.pages)
        for _ in range(blanks):
            blank = writer.insert_blank_page(model.mediabox.width, model.mediabox.height, index=at)
            for box in ("/TrimBox", "/BleedBox"):
                if box in model:
                    blank[NameObject(box)] = model[box]
    total = len(writer.pages)
    _label_pages(writer, total, roles)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue(), blanks


def _label_pages(writer: object, total: int, roles: PageRoles) -> None:
    """Labels match the printed folios; covers are named instead of numbered."""
    first_numbered = 1 if roles.front_cover else 0
    last_numbered = total - 2 if roles.back_cover else total - 1
    if roles.front_cover:
        writer.set_page_label(0, 0, prefix="Couverture")  # type: ignore[attr-defined]
    if last_numbered >= first_numbered:
        writer.set_page_label(first_numbered, last_numbered, style="/D",  # type: ignore[attr-defined]
                              start=first_numbered + 1)
    if roles.back_cover and total > 1:
        writer.set_page_label(total - 1, total - 1, prefix="Dos de couverture")  # type: ignore[attr-defined]


def write_atomic(path: Path, data: bytes) -> None:
    """Write next to the target then rename: a crash leaves the old file or the new one, never half."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
