"""PDF stage: what WeasyPrint does not do — binding padding, page labels, reproducible bytes, no links in
print, streams every reader decodes, atomic writes.

pikepdf (qpdf) does the work: it edits XMP in place, shares identical streams and saves with a
deterministic /ID, which pypdf cannot all do.
"""
from __future__ import annotations

import hashlib
import io
import os
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

BINDING_MULTIPLE = {"saddle-stitch": 4, "sheets": 2, "none": 1}
RANDOM_DOCUMENT_ID = re.compile(rb"xmp\.did:[0-9a-f-]{36}")


@dataclass(frozen=True)
class PageRoles:
    """Which pages are the covers, so labels and padding put things where a printer expects them."""

    count: int
    front_cover: bool
    back_cover: bool


# The document information entry that lists the photos without their file, one `file:line: message` a line.
MISSING_PHOTOS_KEY = "/ToolkitMissingPhotos"


def padding_needed(pages: int, binding: str) -> int:
    return (-pages) % BINDING_MULTIPLE[binding]


def postprocess(pdf: bytes, roles: PageRoles, binding: str, pad: bool, identity: bytes,
                marks: bool = False, profile: Path | None = None, links: bool = True,
                missing_photos: list[str] | None = None,
                padding_page: Callable[[], bytes] | None = None) -> tuple[bytes, int]:
    """Pad for the binding before the back cover (with `padding_page`, a one-page PDF made on demand,
    else blank pages), label pages, make the file reproducible, record the
    photos left out for want of their file (`toolkit check` lists them).

    `identity` is a digest of the inputs: it replaces WeasyPrint's random XMP DocumentID. Without
    `links` (the print file) no annotation is kept. Returns the new PDF and the number of blank pages added."""
    import pikepdf

    with pikepdf.open(io.BytesIO(pdf)) as document:
        blanks = padding_needed(len(document.pages), binding) if pad else 0
        _insert_blanks(document, blanks, before_last=roles.back_cover,
                       model=padding_page() if blanks and padding_page else None)
        _label_pages(document, len(document.pages), roles)
        if not links:
            _remove_annotations(document)
        _stable_image_names(document)
        if marks:
            draw_crop_marks(document)
        _stable_document_id(document, identity)
        tag_notes(document)
        if missing_photos:
            document.docinfo[MISSING_PHOTOS_KEY] = "\n".join(missing_photos)
        if profile is not None:
            _one_printer_profile(document, profile)
        _no_empty_compressed_stream(document)
        out = io.BytesIO()
        document.save(out, deterministic_id=True, compress_streams=True,
                      object_stream_mode=pikepdf.ObjectStreamMode.generate)
    return out.getvalue(), blanks


def _insert_blanks(document: Any, blanks: int, before_last: bool, model: bytes | None = None) -> None:
    """Padding pages go before the back cover: the printer expects the cover pair to stay outside.
    They are copies of `model`'s pages (a right-hand then a left-hand notes page), or blank without one."""
    import pikepdf

    if not blanks:
        return
    at = len(document.pages) - 1 if before_last else len(document.pages)
    if model is not None:
        from .merge import _one_tag_per_font_program

        with pikepdf.open(io.BytesIO(model)) as source:
            for offset in range(blanks):  # page `at + offset + 1` is a right-hand page when odd
                document.pages.insert(at + offset, source.pages[(at + offset) % 2 if len(source.pages) > 1 else 0])
        # The notes page was laid out apart: its font subsets carry the same tags as the document's.
        _one_tag_per_font_program(document)
        return
    model = document.pages[0]
    for _ in range(blanks):
        # No /Contents: a page without content is blank (an empty content stream came out compressed to
        # 0 bytes, which Ghostscript, MuPDF and PDF.js reject).
        page = pikepdf.Dictionary(Type=pikepdf.Name.Page, Resources=pikepdf.Dictionary())
        for box in ("/MediaBox", "/TrimBox", "/BleedBox"):
            if box in model:
                page[box] = model[box]
        document.pages.insert(at, pikepdf.Page(document.make_indirect(page)))


# Annotations a print file may carry (ISO 15930-7): marks for the printer, none for a reader.
PRINTER_ANNOTATIONS = ("/PrinterMark", "/TrapNet")


def _remove_annotations(document: Any) -> None:
    """Links belong to the screen file: in print, a PDF/X preflight flags any annotation in the trim."""
    import pikepdf

    for page in document.pages:
        if "/Annots" not in page.obj:
            continue
        kept = [a for a in page.obj.Annots if a.get("/Subtype") in PRINTER_ANNOTATIONS]
        if kept:
            page.obj.Annots = pikepdf.Array(kept)
        else:
            del page.obj.Annots
    if "/AcroForm" in document.Root:  # its fields were annotations
        del document.Root.AcroForm


# WeasyPrint names an image after the hash of its URL, and a print photo's URL is its CMYK copy in the
# cache folder: the name, so the bytes, changed with the cache location.
URL_IMAGE_NAME = re.compile(r"^/i[0-9a-f]{32}[01]$")


def _stable_image_names(document: Any) -> None:
    """Images drawn under a name taken from their pixels, wherever the photo copies were cached."""
    import pikepdf

    renamed: dict[tuple[int, int], dict[bytes, bytes]] = {}  # shared XObject dictionary → its renames
    forms_done: set[tuple[int, int]] = set()

    def new_names(xobjects: Any) -> dict[bytes, bytes]:
        names: dict[bytes, bytes] = {}
        for name in list(xobjects.keys()):
            xobject = xobjects[name]
            if URL_IMAGE_NAME.match(name) and xobject.get("/Subtype") == pikepdf.Name.Image:
                stable = f"/Im{hashlib.sha256(xobject.read_raw_bytes()).hexdigest()[:16]}{name[-1]}"
                while stable in xobjects or stable.encode() in names.values():
                    stable += "x"
                names[name.encode()] = stable.encode()
        for old, new in names.items():
            xobjects[new.decode()] = xobjects[old.decode()]
            del xobjects[old.decode()]
        return names

    def rename(holder: Any) -> None:
        """`holder` is a page or a form XObject: its resources' image names, and its content."""
        resources = holder.get("/Resources")
        xobjects = resources.get("/XObject") if resources is not None else None
        if xobjects is None:
            return
        for xobject in xobjects.values():
            if xobject.get("/Subtype") == pikepdf.Name.Form and xobject.objgen not in forms_done:
                forms_done.add(xobject.objgen)
                rename(xobject)
        # Pages may share one resource dictionary: it is renamed once, and every content using it follows.
        shared = xobjects.objgen if xobjects.is_indirect else resources.objgen if resources.is_indirect else None
        if shared is None:
            names = new_names(xobjects)
        elif shared not in renamed:
            names = renamed[shared] = new_names(xobjects)
        else:
            names = renamed[shared]
        if names:
            _rename_in_content(holder, names)

    for page in document.pages:
        rename(page.obj)


def _rename_in_content(holder: Any, names: dict[bytes, bytes]) -> None:
    """Replace resource names in the content of a page or form (a name ends at a delimiter)."""
    import pikepdf

    pattern = re.compile(rb"(" + rb"|".join(re.escape(old) for old in names) + rb")(?![^\s/\[\]()<>{}%])")
    if isinstance(holder, pikepdf.Stream):
        streams = [holder]
    else:
        contents = holder.get("/Contents")
        streams = list(contents) if isinstance(contents, pikepdf.Array) else [contents] if contents is not None else []
    for stream in streams:
        stream.write(pattern.sub(lambda m: names[m.group(1)], stream.read_bytes()))


MM = 72 / 25.4
SLUG = 10 * MM        # paper around the trimmed page for the marks
MARK_GAP = 3 * MM     # marks start at the bleed edge...
MARK_LENGTH = 5 * MM  # ...and stop before the paper's edge


def draw_crop_marks(document: Any) -> None:
    """Crop marks in the registration colour (all plates), outside the bleed, on top of everything.

    WeasyPrint 70 draws its marks in DeviceRGB, under the page content and inside the bleed, where a
    full-bleed background hides them: a PDF/X preflight rejects that, so the marks are drawn here."""
    import pikepdf

    registration = document.make_indirect(pikepdf.Array([
        pikepdf.Name.Separation, pikepdf.Name.All, pikepdf.Name.DeviceCMYK,
        pikepdf.Dictionary(FunctionType=2, Domain=[0, 1], C0=[0, 0, 0, 0], C1=[1, 1, 1, 1], N=1)]))
    for page in document.pages:
        x0, y0, x1, y1 = (float(v) for v in page.obj.get("/TrimBox", page.mediabox))
        page.obj.MediaBox = pikepdf.Array([x0 - SLUG, y0 - SLUG, x1 + SLUG, y1 + SLUG])
        if "/Resources" not in page.obj:
            page.obj.Resources = pikepdf.Dictionary()
        if "/ColorSpace" not in page.obj.Resources:
            page.obj.Resources.ColorSpace = pikepdf.Dictionary()
        page.obj.Resources.ColorSpace.Registration = registration
        page.contents_add(document.make_stream(b"q\n"), prepend=True)
        page.contents_add(document.make_stream(b"Q\n" + _marks(x0, y0, x1, y1)))


def _marks(x0: float, y0: float, x1: float, y1: float) -> bytes:
    near, far = MARK_GAP, MARK_GAP + MARK_LENGTH
    lines = []
    for x, sign_x in ((x0, -1), (x1, 1)):
        for y, sign_y in ((y0, -1), (y1, 1)):
            lines.append(f"{x + sign_x * near:.2f} {y:.2f} m {x + sign_x * far:.2f} {y:.2f} l S")
            lines.append(f"{x:.2f} {y + sign_y * near:.2f} m {x:.2f} {y + sign_y * far:.2f} l S")
    return ("q /Registration CS 1 SCN 0.25 w 0 J\n" + "\n".join(lines) + "\nQ\n").encode()


def _label_pages(document: Any, total: int, roles: PageRoles) -> None:
    """Labels match the printed folios; the covers are named instead of numbered."""
    import pikepdf

    nums: list[Any] = []
    first_numbered = 1 if roles.front_cover else 0
    if roles.front_cover:
        nums += [0, pikepdf.Dictionary(P=pikepdf.String("Couverture"))]
    if total - (1 if roles.back_cover else 0) > first_numbered:
        nums += [first_numbered, pikepdf.Dictionary(S=pikepdf.Name.D, St=first_numbered + 1)]
    if roles.back_cover and total > 1:
        nums += [total - 1, pikepdf.Dictionary(P=pikepdf.String("Dos de couverture"))]
    document.Root.PageLabels = pikepdf.Dictionary(Nums=pikepdf.Array(nums))


NOTE_BACK_LINK = re.compile(r"^(note_\d+)_call$")


def tag_notes(document: Any) -> None:
    """Footnotes become `Note` structure elements with their ID (PDF/UA-1 asks for one on each note).

    WeasyPrint tags the floated `span.note` as a plain Span; a note is the Span whose link goes back
    to a call (`#note_N_call`, written by the Markdown renderer). Files without tags are left alone."""
    import pikepdf

    tree = document.Root.get("/StructTreeRoot")
    if tree is None:
        return
    found: dict[str, Any] = {}
    pending = [tree.get("/K")]
    while pending:
        element = pending.pop()
        kids = list(element) if isinstance(element, pikepdf.Array) else [element]
        for kid in kids:
            if not isinstance(kid, pikepdf.Dictionary) or "/S" not in kid:
                continue
            anchor = _note_anchor(kid) if kid.S == pikepdf.Name.Span else None
            if anchor and anchor not in found:
                kid.S = pikepdf.Name.Note
                kid.ID = pikepdf.String(anchor)
                found[anchor] = kid
            if "/K" in kid:
                pending.append(kid.K)
    if found:
        names = pikepdf.Array()
        for anchor in sorted(found):  # a name tree's keys are sorted
            names.extend([pikepdf.String(anchor), found[anchor]])
        tree.IDTree = pikepdf.Dictionary(Names=names)


def _note_anchor(span: Any) -> str | None:
    """The note's anchor when one of the Span's kids is a Link back to its call."""
    import pikepdf

    kids = span.get("/K")
    for kid in (list(kids) if isinstance(kids, pikepdf.Array) else [kids]):
        if not isinstance(kid, pikepdf.Dictionary) or kid.get("/S") != pikepdf.Name.Link:
            continue
        links = kid.get("/K")
        for part in (list(links) if isinstance(links, pikepdf.Array) else [links]):
            annotation = part.get("/Obj") if isinstance(part, pikepdf.Dictionary) else None
            target = annotation.get("/Dest") if annotation is not None else None
            if target is None and annotation is not None and "/A" in annotation:
                target = annotation.A.get("/D")
            match = NOTE_BACK_LINK.match(str(target)) if isinstance(target, pikepdf.String) else None
            if match:
                return match.group(1)
    return None


def _stable_document_id(document: Any, identity: bytes) -> None:
    """WeasyPrint writes a random XMP DocumentID: derive it from the content instead."""
    import pikepdf

    if "/Metadata" not in document.Root:
        return
    xmp = document.Root.Metadata.read_bytes()
    digest = hashlib.sha256(identity).hexdigest()
    stable = f"xmp.did:{digest[:8]}-{digest[8:12]}-{digest[12:16]}-{digest[16:20]}-{digest[20:32]}".encode()
    document.Root.Metadata = document.make_stream(RANDOM_DOCUMENT_ID.sub(stable, xmp),
                                                  Type=pikepdf.Name.Metadata, Subtype=pikepdf.Name.XML)


def _one_printer_profile(document: Any, profile: Path) -> None:
    """Every copy of the printer's ICC profile becomes one stream holding the profile file itself.

    WeasyPrint embeds the profile once per file (so once per part in an assembled file, a megabyte
    each), and re-serialises it through LittleCMS, whose output depends on what the process did before:
    the same input then gave other bytes. Copies left unreferenced are dropped when the file is saved."""
    import pikepdf

    intents = document.Root.get("/OutputIntents")
    if not intents:
        return
    stream = document.make_stream(profile.read_bytes(), N=4)
    shared = pikepdf.Array([pikepdf.Name.ICCBased, stream])
    for intent in intents:
        intent.DestOutputProfile = stream

    def is_cmyk_profile(value: Any) -> bool:
        return (isinstance(value, pikepdf.Array) and len(value) == 2 and value[0] == pikepdf.Name.ICCBased
                and value[1].get("/N") == 4)

    def visit(container: Any) -> None:
        # Colour spaces hide in resources, groups and images, often in direct (nested) dictionaries.
        keys = list(container.keys()) if isinstance(container, (pikepdf.Dictionary, pikepdf.Stream)) \
            else range(len(container))
        for key in keys:
            value = container[key]
            if is_cmyk_profile(value):
                container[key] = shared
            elif isinstance(value, (pikepdf.Dictionary, pikepdf.Array)) and not value.is_indirect:
                visit(value)

    for obj in list(document.objects):
        if isinstance(obj, (pikepdf.Dictionary, pikepdf.Stream, pikepdf.Array)):
            visit(obj)


def _no_empty_compressed_stream(document: Any) -> None:
    """qpdf compresses an empty stream to 0 bytes declared FlateDecode, which is not a valid Flate
    stream: Ghostscript with -dPDFSTOPONERROR stops, MuPDF warns. An empty stream gets the valid
    compressed form of nothing instead (qpdf keeps streams that are already compressed)."""
    import pikepdf
    import zlib

    for obj in document.objects:
        if isinstance(obj, pikepdf.Stream) and not obj.read_raw_bytes():
            obj.write(zlib.compress(b""), filter=pikepdf.Name.FlateDecode)


STALE_SECONDS = 600


def _remove_stale_temporaries(path: Path) -> None:
    """Temporary files of writes killed before their rename: old ones are only litter."""
    import time

    for temp in path.parent.glob(f".{path.name}.*.part"):
        try:
            if time.time() - temp.stat().st_mtime > STALE_SECONDS:
                temp.unlink()
        except OSError:
            continue


def write_atomic(path: Path, data: bytes) -> None:
    """Write next to the target then rename: a crash leaves the old file or the new one, never half."""
    path.parent.mkdir(parents=True, exist_ok=True)
    _remove_stale_temporaries(path)
    fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temp, 0o644)  # mkstemp makes private files; outputs are for everyone
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
