"""Visual diff of two PDFs: which pages changed, in their text or in their rendering.

Pages are compared by position (page n of the old file with page n of the new one). For each page:

- text: the text pdfium extracts, normalised (spaces, soft hyphens, Unicode forms), compared line by line;
  a change gives a unified diff of that page;
- rendering: both pages drawn at low resolution (50 dpi by default) and compared pixel by pixel; a pixel
  counts as changed when a channel differs by more than `tolerance` (antialiasing noise stays below it),
  and a page as changed when more than `min_pixels` pixels did.

Pages only one file has are changed (`added` or `removed`). With `out_dir`, every changed page gets
`page-NNN.png` (the new page faded, changed pixels in red) and `page-NNN.diff` (its text diff).
"""
from __future__ import annotations

import difflib
import json
import re
import unicodedata
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Iterable

DEFAULT_DPI = 50
DEFAULT_TOLERANCE = 48   # 0–255 per channel
DEFAULT_MIN_PIXELS = 4   # at 50 dpi a changed letter is dozens of pixels
RED = (230, 0, 0)


@dataclass
class PageDiff:
    """One page that differs. `page` is 1-based, in the new file's numbering (the old one's if removed)."""

    page: int
    status: str                     # "changed" | "added" | "removed"
    text_changed: bool = False
    pixels_changed: int = 0         # at the comparison resolution
    box: tuple[int, int, int, int] | None = None  # changed area in points (x0, y0, x1, y1), top-left origin
    text_diff: str = ""             # unified diff of the page's text lines
    image: Path | None = None       # the highlighted diff image, when out_dir was given

    def as_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["image"] = str(self.image) if self.image else None
        data["box"] = list(self.box) if self.box else None
        return data


@dataclass
class DiffReport:
    """Pages that differ between two PDFs."""

    old: Path
    new: Path
    old_pages: int
    new_pages: int
    pages: list[PageDiff] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def changed_pages(self) -> list[int]:
        """1-based page numbers that changed, added or went away."""
        return [p.page for p in self.pages]

    @property
    def unchanged(self) -> bool:
        return not self.pages

    def page(self, number: int) -> PageDiff | None:
        return next((p for p in self.pages if p.page == number), None)

    def as_json(self) -> dict[str, Any]:
        return {"old": str(self.old), "new": str(self.new), "old_pages": self.old_pages,
                "new_pages": self.new_pages, "changed_pages": self.changed_pages,
                "pages": {str(p.page): p.as_json() for p in self.pages}}

    def summary(self) -> str:
        if not self.pages:
            return f"no change ({self.new_pages} pages)"
        pages = ", ".join(str(n) for n in self.changed_pages)
        count = "" if self.old_pages == self.new_pages else f", {self.old_pages} → {self.new_pages} pages"
        return f"{len(self.pages)} page(s) changed: {pages}{count}"


# ---------------------------------------------------------------- text


def normalise_text(text: str) -> list[str]:
    """A page's text as lines to compare: NFC, no soft hyphens, spaces collapsed, blank lines dropped."""
    text = unicodedata.normalize("NFC", text).replace("\u00ad", "").replace("\ufffe", "")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    lines = []
    for line in text.split("\n"):
        line = re.sub(r"[\s\u00a0\u202f\u2009]+", " ", line).strip()
        if line:
            lines.append(line)
    return lines


def text_diff(old: list[str], new: list[str], page: int) -> str:
    return "\n".join(difflib.unified_diff(old, new, f"old/page-{page}", f"new/page-{page}", lineterm="", n=1))


# ---------------------------------------------------------------- pixels


def changed_mask(old: Any, new: Any, tolerance: int = DEFAULT_TOLERANCE) -> Any:
    """A 1-bit-like 'L' image: 255 where the pages differ by more than `tolerance` in some channel."""
    from PIL import ImageChops

    if old.size != new.size:
        # A page that changed size changed everywhere; compare on the new page's frame.
        old = old.resize(new.size)
    difference = ImageChops.difference(old.convert("RGB"), new.convert("RGB"))
    channels = difference.split()
    strongest = channels[0]
    for channel in channels[1:]:
        strongest = ImageChops.lighter(strongest, channel)
    return strongest.point(lambda v: 255 if v > tolerance else 0)


def count_pixels(mask: Any) -> int:
    return mask.histogram()[255]


def highlight(page: Any, mask: Any | None) -> Any:
    """The page faded towards white with the changed pixels (slightly grown, to be seen) in red."""
    from PIL import Image, ImageFilter

    faded = Image.blend(page.convert("RGB"), Image.new("RGB", page.size, (255, 255, 255)), 0.7)
    if mask is None:  # a page that was added or removed: tint it all
        return Image.blend(faded, Image.new("RGB", page.size, RED), 0.18)
    if mask.size != page.size:
        mask = mask.resize(page.size)
    grown = mask.filter(ImageFilter.MaxFilter(3))
    faded.paste(Image.new("RGB", page.size, RED), (0, 0), grown)
    return faded


# ---------------------------------------------------------------- the diff


class UnreadablePdf(ValueError):
    """A file `toolkit diff` cannot compare: said in one line with what to do."""


@dataclass
class _Pdf:
    """The pages of one PDF: their text lines and low-resolution renders, read once."""

    path: Path
    texts: list[list[str]]
    sizes: list[tuple[float, float]]
    document: Any

    @classmethod
    def open(cls, path: Path) -> "_Pdf":
        import pypdfium2 as pdfium

        if not path.is_file():  # a FIFO or a device would block the reader forever
            raise UnreadablePdf(f"{path}: not a regular file: give a PDF file")
        with path.open("rb") as handle:
            head = handle.read(1024)
        if b"%PDF-" not in head:
            kind = "an empty file" if not head else "not a PDF (it does not start with %PDF-)"
            raise UnreadablePdf(f"{path}: {kind}: give a PDF file")
        try:
            document = pdfium.PdfDocument(str(path))
        except pdfium.PdfiumError as error:
            reason = "encrypted (password protected): compare unprotected files" if "password" in str(error).lower() \
                else f"not a readable PDF, truncated or damaged ({error}): build or copy it again"
            raise UnreadablePdf(f"{path}: {reason}") from None
        texts, sizes = [], []
        for index in range(len(document)):
            page = document[index]
            textpage = page.get_textpage()
            texts.append(normalise_text(textpage.get_text_range()))
            sizes.append(tuple(page.get_size()))
            textpage.close()
            page.close()
        return cls(path, texts, sizes, document)

    def render(self, index: int, dpi: float) -> Any:
        page = self.document[index]
        try:
            return page.render(scale=dpi / 72).to_pil().convert("RGB")
        finally:
            page.close()

    def close(self) -> None:
        self.document.close()


def diff_pdfs(old: Path, new: Path, out_dir: Path | None = None, *, dpi: float = DEFAULT_DPI,
              tolerance: int = DEFAULT_TOLERANCE, min_pixels: int = DEFAULT_MIN_PIXELS,
              pages: Iterable[int] | None = None) -> DiffReport:
    """Compare two PDFs page by page; write a highlighted image and a text diff per changed page to
    `out_dir` when given. `pages` (1-based) limits the comparison to some pages."""
    import time

    started = time.perf_counter()
    a = _Pdf.open(Path(old))
    try:
        b = _Pdf.open(Path(new))
    except UnreadablePdf:
        a.close()
        raise
    try:
        report = DiffReport(Path(old), Path(new), len(a.texts), len(b.texts))
        wanted = set(pages) if pages is not None else None
        for index in range(max(len(a.texts), len(b.texts))):
            if wanted is not None and index + 1 not in wanted:
                continue
            found = _compare_page(a, b, index, dpi, tolerance, min_pixels, out_dir)
            if found is not None:
                report.pages.append(found)
        if out_dir is not None:
            out_dir.mkdir(parents=True, exist_ok=True)
            (out_dir / "diff.json").write_text(json.dumps(report.as_json(), ensure_ascii=False, indent=2),
                                               encoding="utf-8")
        report.seconds = time.perf_counter() - started
        return report
    finally:
        a.close()
        b.close()


def _compare_page(a: _Pdf, b: _Pdf, index: int, dpi: float, tolerance: int, min_pixels: int,
                  out_dir: Path | None) -> PageDiff | None:
    number = index + 1
    if index >= len(b.texts):  # removed
        found = PageDiff(number, "removed", text_changed=bool(a.texts[index]),
                         text_diff=text_diff(a.texts[index], [], number))
        image, mask = a.render(index, dpi), None
    elif index >= len(a.texts):  # added
        found = PageDiff(number, "added", text_changed=bool(b.texts[index]),
                         text_diff=text_diff([], b.texts[index], number))
        image, mask = b.render(index, dpi), None
    else:
        old_image, image = a.render(index, dpi), b.render(index, dpi)
        mask = changed_mask(old_image, image, tolerance)
        pixels = count_pixels(mask)
        text_changed = a.texts[index] != b.texts[index]
        resized = a.sizes[index] != b.sizes[index]
        if not text_changed and pixels <= min_pixels and not resized:
            return None
        found = PageDiff(number, "changed", text_changed, pixels,
                         _box(mask, dpi) if pixels else None,
                         text_diff(a.texts[index], b.texts[index], number) if text_changed else "")
    if out_dir is not None:
        out_dir.mkdir(parents=True, exist_ok=True)
        found.image = out_dir / f"page-{number:03d}.png"
        highlight(image, mask).save(found.image)
        if found.text_diff:
            (out_dir / f"page-{number:03d}.diff").write_text(found.text_diff + "\n", encoding="utf-8")
    return found


def _box(mask: Any, dpi: float) -> tuple[int, int, int, int] | None:
    box = mask.getbbox()
    if box is None:
        return None
    return tuple(round(v * 72 / dpi) for v in box)  # type: ignore[return-value]


__all__ = ["DiffReport", "PageDiff", "UnreadablePdf", "diff_pdfs", "normalise_text"]
