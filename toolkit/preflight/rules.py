"""Checks that see what independent readers see (Ghostscript, MuPDF, PDF.js, a RIP): streams that do
not decode, images holding another copy's data, one subset name for several font programs, links
inside a print file's trim, hyphens that do not search. Each message names the page, and the image
by its source file, and says what to do."""
from __future__ import annotations

import hashlib
import re
import zlib
from typing import Any

from .pdfutil import _box, _filters, _page_ranges, _short
from .readers import _text_pdftotext
from .registry import check
from .report import Finding
from .sources import best_source

# Filters pikepdf decodes itself; images (DCT, JPX, JBIG2, CCITT) are decoded by the image check.
GENERAL_FILTERS = {"/FlateDecode", "/Fl", "/LZWDecode", "/LZW", "/ASCII85Decode", "/A85",
                   "/ASCIIHexDecode", "/AHx", "/RunLengthDecode", "/RL"}
# Defects of the toolkit, not of the content: say so, and what gets a good file meanwhile.
INFLATE_CHUNK = 1 << 20
REBUILD = "this comes from the build, not from the content: rebuild with `toolkit build --single-pass` and report it"
TOOLKIT = "this comes from the toolkit, not from the content: nothing to change there; report it"
HIDDEN = 2  # annotation flag bit 2: not shown nor printed
TYPED_HYPHEN = re.compile(r"\w+(?:[-\u2010\u2011]\w+)*[\u2010\u2011]\w+(?:[-\u2010\u2011]\w+)*")


# --------------------------------------------------------------------------- streams


@check("stream-decode")
def streams_decode(checker: Any) -> None:
    """Every stream decodes; a stream declared compressed with no data at all stops Ghostscript
    (`/ioerror`), MuPDF and PDF.js (`Empty "FlateDecode" stream`)."""
    pk = checker.pk
    places = stream_places(checker)
    for obj in checker.pdf.objects:
        if not isinstance(obj, pk.Stream):
            continue
        filters = _filters(obj)
        if not filters:
            continue
        raw = obj.read_raw_bytes()
        problem = None
        if not raw:
            problem = f"is declared {filters[0][1:]} but holds no data"
        elif filters[0] in ("/FlateDecode", "/Fl"):
            problem = _inflate_problem(raw)
        elif all(f in GENERAL_FILTERS for f in filters):
            try:
                obj.read_bytes()
            except Exception as exc:  # noqa: BLE001 - the failure is the finding
                problem = f"does not decode ({_short(exc, 120)})"
        if problem:
            what, pages = places.get(obj.objgen, (f"object {obj.objgen[0]}", []))
            checker.findings.append(Finding("error", "stream-decode",
                                            f"{what} {problem}: printers' RIPs stop there; {TOOLKIT}",
                                            pages[0] if pages else None))


def _inflate_problem(raw: bytes) -> str | None:
    """Inflate in chunks, keeping nothing (a small stream may inflate to gigabytes): the data must
    be valid and complete, as MuPDF wants it (`premature end of data in flate filter`)."""
    inflater = zlib.decompressobj()
    pending = raw
    try:
        while pending and not inflater.eof:
            inflater.decompress(pending, INFLATE_CHUNK)
            pending = inflater.unconsumed_tail
    except zlib.error as exc:
        return f"does not decode (FlateDecode: {exc})"
    return None if inflater.eof else "ends before its compressed data does (FlateDecode)"


def stream_places(checker: Any) -> dict[tuple[int, int], tuple[str, list[int]]]:
    """Where each stream is used, in words a writer understands: a page's drawing, an image..."""
    pk = checker.pk
    places: dict[tuple[int, int], tuple[str, list[int]]] = {}
    for number, page in enumerate(checker.pdf.pages, start=1):
        contents = page.obj.get("/Contents")
        for stream in (contents if isinstance(contents, pk.Array) else [contents]):
            if isinstance(stream, pk.Stream):
                places.setdefault(stream.objgen, (f"page {number}: the page's drawing", [number]))
    for objgen, (image, pages) in image_placements(checker).items():
        places.setdefault(objgen, (f"{checker.image_name(image, pages)}: the image", pages))
    return places


# --------------------------------------------------------------------------- images


def image_placements(checker: Any) -> dict[tuple[int, int], tuple[Any, list[int]]]:
    """Each image XObject (forms and soft masks included) with the pages it is drawn on."""
    if checker.placements is not None:
        return checker.placements
    pk = checker.pk
    found: dict[tuple[int, int], tuple[Any, list[int]]] = {}

    def visit(node: Any, number: int, depth: int) -> None:
        resources = node.get("/Resources")
        xobjects = resources.get("/XObject") if isinstance(resources, pk.Dictionary) else None
        if not isinstance(xobjects, pk.Dictionary) or depth > 16:
            return
        for xobject in xobjects.values():
            if not isinstance(xobject, pk.Stream):
                continue
            if xobject.get("/Subtype") == "/Image":
                for image in (xobject, xobject.get("/SMask")):
                    if isinstance(image, pk.Stream):
                        pages = found.setdefault(image.objgen, (image, []))[1]
                        if number not in pages:
                            pages.append(number)
            elif xobject.get("/Subtype") == "/Form":
                visit(xobject, number, depth + 1)

    for number, page in enumerate(checker.pdf.pages, start=1):
        visit(page.obj, number, 0)
    checker.placements = found
    return found


@check("image-decode")
def images_decode(checker: Any) -> None:
    """Every image decodes to the size its dictionary declares: one holding another copy's data
    (declared 2000×1300 px, 980×637 px of data) prints as stripes."""
    from pikepdf import PdfImage

    for image, pages in image_placements(checker).values():
        declared = (int(image.get("/Width", 0)), int(image.get("/Height", 0)))
        name = checker.image_name(image, pages)
        try:
            decoded = PdfImage(image).as_pil_image().size
        except Exception as exc:  # noqa: BLE001
            checker.findings.append(Finding("error", "image-decode",
                                            f"{name}: the image data does not decode ({_short(exc, 120)}); "
                                            f"{REBUILD}", pages[0]))
            continue
        if decoded != declared:
            checker.findings.append(Finding(
                "error", "image-decode",
                f"{name}: the printed image holds {decoded[0]}×{decoded[1]} px of data where "
                f"{declared[0]}×{declared[1]} px are declared, so it prints as stripes (the data of "
                f"another copy of the photo); {REBUILD}", pages[0]))


def image_name(checker: Any, image: Any, pages: list[int] | None = None) -> str:
    """'atelier.jpg, page 4' when the image matches a file of the publication's images/ folder,
    else 'the 1200×780 px image on page 4'."""
    key = image.objgen
    names = checker.image_names
    if key not in names:
        width, height = int(image.get("/Width", 0)), int(image.get("/Height", 0))
        source = None
        if checker.sources and width and height:
            source = best_source(checker.sources, width / height, _pixels(image))
        names[key] = source or f"the {width}×{height} px image"
    pages = pages if pages is not None else image_placements(checker).get(key, (None, []))[1]
    where = f"page {pages[0]}" if len(pages) == 1 else f"pages {_page_ranges(pages)}" if pages else ""
    if not where:
        return names[key]
    return f"{names[key]}, {where}" if not names[key].startswith("the ") else f"{names[key]} on {where}"


def _pixels(image: Any) -> Any | None:
    from pikepdf import PdfImage

    try:
        return PdfImage(image).as_pil_image()
    except Exception:  # noqa: BLE001 - an image that does not decode is named by its proportions
        return None


# --------------------------------------------------------------------------- fonts


@check("font-subset-name")
def subset_names_unique(checker: Any) -> None:
    """One subset tag per font program (ISO 32000-1 §9.6.4): files assembled from parts laid out
    apart can name different subsets alike, and a RIP that caches fonts by name prints wrong glyphs."""
    pk = checker.pk
    programs: dict[str, dict[str, list[int]]] = {}
    for key, (font, _name, page) in checker.fonts.items():
        page = checker.font_pages.get(key, page)
        descendants = font.get("/DescendantFonts") if font.get("/Subtype") == "/Type0" else [font]
        for descendant in descendants or []:
            descriptor = descendant.get("/FontDescriptor") if isinstance(descendant, pk.Dictionary) else None
            if not isinstance(descriptor, pk.Dictionary):
                continue
            program = next((descriptor[k] for k in ("/FontFile", "/FontFile2", "/FontFile3") if k in descriptor),
                           None)
            if not isinstance(program, pk.Stream):
                continue
            base = str(descendant.get("/BaseFont", "")).removeprefix("/")
            digest = hashlib.sha256(program.read_raw_bytes()).hexdigest()
            programs.setdefault(base, {}).setdefault(digest, []).append(page)
    for base, variants in sorted(programs.items()):
        if "+" in base and len(variants) > 1:
            pages = sorted({p for ps in variants.values() for p in ps})
            checker.findings.append(Finding(
                "error", "font-subset-name",
                f"font {base.split('+', 1)[1]}: {len(variants)} different subsets share the name {base} "
                f"(pages {_page_ranges(pages)}): a printer that caches fonts by name prints wrong letters; "
                f"{REBUILD}", pages[0]))


# --------------------------------------------------------------------------- print annotations


@check("print-annotation", ("print",))
def no_annotation_in_print_trim(checker: Any) -> None:
    """PDF/X-4: no annotation inside the BleedBox but printer's marks (and hidden ones)."""
    pk = checker.pk
    for number, page in enumerate(checker.pdf.pages, start=1):
        obj = page.obj
        area = _box(obj.get("/BleedBox") or obj.get("/TrimBox") or page.mediabox)
        for annot in obj.get("/Annots", None) or []:
            if not isinstance(annot, pk.Dictionary) or annot.get("/Subtype") == "/PrinterMark":
                continue
            if int(annot.get("/F", 0)) & HIDDEN or "/Rect" not in annot:
                continue
            rect = _box(annot["/Rect"])
            if rect[0] < area[2] and rect[2] > area[0] and rect[1] < area[3] and rect[3] > area[1]:
                checker.findings.append(Finding(
                    "error", "print-annotation",
                    f"page {number}: {_annotation_words(annot, pk)} sits on the printed page: a print file "
                    f"carries no links (they belong to the screen file); {TOOLKIT}", number))


def _annotation_words(annot: Any, pk: Any) -> str:
    action = annot.get("/A")
    if annot.get("/Subtype") == "/Link" and isinstance(action, pk.Dictionary) and "/URI" in action:
        return f"the link to {str(action['/URI'])!r}"
    if annot.get("/Subtype") == "/Link":
        return "an internal link"
    return f"a {str(annot.get('/Subtype', '/Annot'))[1:]} annotation"


# --------------------------------------------------------------------------- text


@check("typed-hyphen")
def hyphens_extract_as_typed(checker: Any) -> None:
    """Words that extract with U+2010 or U+2011: the writer typed '-', and a reader searching with
    '-' (pdftotext, pypdf, MuPDF, PDF.js) does not find them. The text comes from poppler's
    pdftotext in its own process, so that a hostile file cannot take the checker down with it."""
    pages = _pdftotext_pages(checker.path)
    if pages is None:
        checker.findings.append(Finding("info", "typed-hyphen", "pdftotext (poppler) is not installed: "
                                                                "hyphens not checked"))
        return
    for number, text in enumerate(pages, start=1):
        words = sorted(set(TYPED_HYPHEN.findall(text)))
        if words:
            shown = ", ".join(repr(w.replace("\u2011", "-").replace("\u2010", "-")) for w in words[:4])
            checker.findings.append(Finding(
                "warning", "typed-hyphen",
                f"page {number}: {len(words)} word(s) with a hyphen typed '-' extract as U+2010 or "
                f"U+2011 ({shown}{', ...' if len(words) > 4 else ''}): searching and copying them fails; "
                f"{TOOLKIT}", number))


def _pdftotext_pages(path: Any) -> list[str] | None:
    """pdftotext's text of each page (it ends a page with a form feed), or None without pdftotext."""
    text = _text_pdftotext(path)
    return None if text is None else text.split("\f")


# --------------------------------------------------------------------------- contrast (screen)


@check("contrast", ("screen",))
def text_contrast(checker: Any) -> None:
    """WCAG 1.4.3 / RGAA 3.2: text against the colour painted under it (toolkit/contrast.py)."""
    from ..contrast import low_contrast_text

    for low in low_contrast_text(checker.pdf):
        checker.findings.append(Finding("error", "contrast", low.message(), page=low.page))


# --------------------------------------------------------------------------- photos left out


@check("missing-photo")
def missing_photos(checker: Any) -> None:
    """The build records the photos it left out (their file is missing): the file cannot say it itself."""
    from ..pdf import MISSING_PHOTOS_KEY

    pdf = checker.pdf
    recorded = pdf.docinfo.get(MISSING_PHOTOS_KEY) if pdf.trailer.get("/Info") is not None else None
    for line in str(recorded or "").splitlines():
        checker.findings.append(Finding("warning", "missing-photo", line))
