"""Preflight: check a finished PDF without veraPDF (see docs PRINT.md, "Checking a PDF without veraPDF").

Pure functions, no CLI. `check_pdf` reads one file with pikepdf (plus `qpdf --check`) and returns a
`Report` of findings; `main` is what the `toolkit check` command calls.

Variants:
- print  (PDF/X-4): XMP and output intent, no RGB anywhere (content streams, Form XObjects, annotation
  appearances, patterns, shadings, images, inline images, transparency groups, soft masks), page
  boxes with 3 mm bleed, page count for the binding, image resolution >= 300 ppi.
- screen (PDF/UA-1): structure tree, MarkInfo, Lang, title shown, pdfuaid, Figure alt text, outlines.
- every file: opens, fonts embedded and subset, links point somewhere, PDF version covers the features.

`readers_text`, `ghostscript_opens` and `normalise_text` compare what independent readers make of
the file ("opens everywhere": several readers open it without error and extract the same text).
"""
from __future__ import annotations

import json
import math
import re
import shutil
import subprocess
import unicodedata
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

LEVELS = ("error", "warning", "info")
VARIANTS = ("print", "screen")
BINDING_MULTIPLE = {"saddle-stitch": 4, "sheets": 2, "none": 1}

MM = 72 / 25.4
BLEED_MM = 3.0
BLEED_TOLERANCE_MM = 0.1
PRINT_MIN_PPI = 300
PPI_TOLERANCE = 0.99  # 299 ppi after float rounding of a 300 ppi image is fine
SUBPROCESS_TIMEOUT = 120
MAX_OPERATORS = 5_000_000  # content operators interpreted per file before the walk gives up

NS_RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
NS_DC = "http://purl.org/dc/elements/1.1/"
NS_PDF = "http://ns.adobe.com/pdf/1.3/"
NS_PDFX = "http://ns.adobe.com/pdfx/1.3/"
NS_PDFXID = "http://www.npes.org/pdfx/ns/id/"
NS_PDFUAID = "http://www.aiim.org/pdfua/ns/id/"

# One line per rule, for `toolkit check --help`-style listings and the docs.
RULES: dict[str, str] = {
    "file-missing": "the path does not exist or is not a file",
    "open": "pikepdf cannot open the file (not a PDF, corrupt, password)",
    "repaired": "pikepdf had to repair the file to open it",
    "qpdf-check": "`qpdf --check` reports errors (error) or warnings (warning)",
    "encrypted": "the file is encrypted (not allowed in PDF/X, a hurdle for assistive technology)",
    "xmp": "the XMP metadata stream cannot be parsed",
    "variant": "the variant cannot be detected from XMP, or differs from the one asked for",
    "pdf-version": "the declared PDF version is lower than the features used need",
    "font-embedded": "a font has no FontFile/FontFile2/FontFile3 (not embedded)",
    "font-subset": "a font is embedded whole, not subset (no ABCDEF+ prefix)",
    "type3-font": "a Type3 font (glyphs drawn as content streams)",
    "link-dest": "a link annotation whose destination does not exist",
    "pdfx-version": "print: XMP does not say PDF/X-4 (error); pdfxid: or pdf:Trapped missing (warning)",
    "output-intent": "print: no /GTS_PDFX output intent with a CMYK (N 4) DestOutputProfile",
    "rgb-colour": "print: an RGB colour operator, colour space or shading (rg/RG, cs/CS, sh, patterns)",
    "rgb-image": "print: an RGB image (Image XObject or inline image)",
    "rgb-group": "print: a transparency group or soft mask blending in RGB",
    "page-boxes": "print: a page without TrimBox or BleedBox",
    "bleed": "print: BleedBox is not TrimBox + 3 mm on every side",
    "mediabox": "print: MediaBox does not contain the BleedBox",
    "trim-size": "print: trim size of the pages (info), or pages of different trim sizes (warning)",
    "page-count": "print: page count is not a multiple of 4 (saddle-stitch) or 2 (sheets)",
    "image-resolution": "effective image resolution on the page (print: warning below 300 ppi)",
    "struct-tree": "screen: no /StructTreeRoot",
    "mark-info": "screen: /MarkInfo /Marked is not true",
    "lang": "screen: no /Lang in the catalog",
    "title": "screen: no document title in XMP dc:title or /Info /Title",
    "display-doc-title": "screen: /ViewerPreferences /DisplayDocTitle is not true",
    "pdfua-id": "screen: XMP does not have pdfuaid:part 1",
    "figure-alt": "screen: a /Figure structure element without /Alt (or /ActualText)",
    "outlines": "screen: no /Outlines or an empty outline",
    "gs-open": "with readers=True: Ghostscript fails to interpret the file",
    "reader-text": "with readers=True: pypdfium2, pypdf and pdftotext extract different text (warning), "
                   "or the same text with other spaces or in another reading order (info)",
    "missing-photo": "a photo the content names was left out for want of its file (recorded by the build)",
    "internal": "a check itself failed on this file (malformed object): reported instead of a traceback",
}


@dataclass
class Finding:
    level: str  # "error" | "warning" | "info"
    rule: str
    message: str
    page: int | None = None  # 1-based


@dataclass
class Report:
    path: str
    variant: str | None
    pages: int
    bytes: int
    findings: list[Finding] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not any(f.level == "error" for f in self.findings)

    def count(self, level: str) -> int:
        return sum(1 for f in self.findings if f.level == level)

    def rules(self, level: str | None = None) -> set[str]:
        return {f.rule for f in self.findings if level is None or f.level == level}

    def to_dict(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "variant": self.variant,
            "pages": self.pages,
            "bytes": self.bytes,
            "ok": self.ok,
            "findings": [asdict(f) for f in self.findings],
        }


# --------------------------------------------------------------------------- public entry points


def check_pdf(path: Path, variant: str | None = None, binding: str | None = None, *,
              readers: bool = False) -> Report:
    """Preflight one file. Never raises for a bad file: problems become error findings.

    `variant` ("print" | "screen") overrides what the XMP says; `binding` ("saddle-stitch" |
    "sheets" | "none") checks the page count; `readers=True` also runs Ghostscript and compares the
    text of three independent readers (slower)."""
    _validate_arguments(variant, binding)
    path = Path(path)
    report = Report(path=str(path), variant=variant, pages=0, bytes=0)
    if not path.is_file():
        what = "is a directory" if path.is_dir() else "does not exist"
        report.findings.append(Finding("error", "file-missing", f"{path} {what}"))
        return report
    try:
        report.bytes = path.stat().st_size
    except OSError as exc:
        report.findings.append(Finding("error", "file-missing", f"cannot stat {path}: {exc}"))
        return report

    import pikepdf

    try:
        pdf = pikepdf.open(path)
    except pikepdf.PasswordError:
        report.findings.append(Finding("error", "open", "the file is encrypted with a user password"))
        return report
    except Exception as exc:  # noqa: BLE001 - any failure to open is a finding
        report.findings.append(Finding("error", "open", f"pikepdf cannot open the file: {_short(exc)}"))
        return report

    with pdf:
        checker = _Checker(pdf, path, report, variant, binding)
        try:
            checker.run()
        except Exception as exc:  # noqa: BLE001 - last safety net: a finding, never a traceback
            report.findings.append(Finding("error", "internal", f"the checks stopped: {_short(exc)}"))
    if readers:
        _check_readers(path, report)
    _qpdf_check(path, report)
    report.findings = _merge_pages(report.findings)
    return report


def check_files(paths: Iterable[Path | str], variant: str | None = None, binding: str | None = None, *,
                binding_of: Callable[[str], str | None] | None = None, readers: bool = False) -> list[Report]:
    """Check each file. When `binding` is None, `binding_of(path)` (if given) names each file's binding,
    e.g. from the publication it was built from; None from it skips the page-count rule."""
    reports = []
    for path in paths:
        file_binding, note = binding, None
        if file_binding is None and binding_of is not None:
            try:
                file_binding = binding_of(str(path))
            except Exception as exc:  # noqa: BLE001 - the lookup failing only skips the page-count rule
                file_binding, note = None, f"binding not known ({_short(exc)}): page count not checked"
            if file_binding is not None and file_binding not in BINDING_MULTIPLE:
                note = f"unknown binding {file_binding!r}: page count not checked"
                file_binding = None
        report = check_pdf(Path(path), variant=variant, binding=file_binding, readers=readers)
        if note:
            report.findings.append(Finding("info", "page-count", note))
        reports.append(report)
    return reports


def format_table(reports: list[Report]) -> str:
    """A plain-text table per file, errors first."""
    order = {level: i for i, level in enumerate(LEVELS)}
    blocks: list[str] = []
    for report in reports:
        status = "OK" if report.ok else "FAIL"
        head = (f"{report.path}: {status} - variant {report.variant or 'unknown'}, "
                f"{report.pages} page{'s' if report.pages != 1 else ''}, {_human_size(report.bytes)}; "
                f"{report.count('error')} error(s), {report.count('warning')} warning(s), "
                f"{report.count('info')} info")
        rows = [(f.rule, f.level, "" if f.page is None else str(f.page), f.message)
                for f in sorted(report.findings, key=lambda f: order.get(f.level, 9))]
        lines = [head]
        if rows:
            widths = [max(len(h), *(len(r[i]) for r in rows))
                      for i, h in enumerate(("rule", "level", "page"))]
            header = ("rule", "level", "page", "message")
            fmt = f"  {{:<{widths[0]}}}  {{:<{widths[1]}}}  {{:>{widths[2]}}}  {{}}"
            lines.append(fmt.format(*header))
            lines.append(fmt.format("-" * widths[0], "-" * widths[1], "-" * widths[2], "-------"))
            lines.extend(fmt.format(*row) for row in rows)
        else:
            lines.append("  no findings")
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks)


def main(paths: list[str], as_json: bool = False, variant: str | None = None, binding: str | None = None,
         *, binding_of: Callable[[str], str | None] | None = None, readers: bool = False) -> int:
    """Print the reports; exit code 0 (clean), 1 (an error finding), 2 (a file missing or unreadable).

    `binding_of(path)` gives each file's binding when `binding` is None (see `check_files`)."""
    import sys

    try:
        _validate_arguments(variant, binding)
    except ValueError as exc:
        print(f"toolkit check: {exc}", file=sys.stderr)
        return 2
    reports = check_files(paths, variant=variant, binding=binding, binding_of=binding_of, readers=readers)
    if as_json:
        print(json.dumps([r.to_dict() for r in reports], ensure_ascii=False, indent=2))
    else:
        print(format_table(reports))
    return exit_code(reports)


def exit_code(reports: list[Report]) -> int:
    if any(f.rule in ("file-missing", "open") for r in reports for f in r.findings):
        return 2
    return 0 if all(r.ok for r in reports) else 1


# --------------------------------------------------------------------------- readers


def readers_text(path: Path | str, errors: dict[str, str] | None = None) -> dict[str, str]:
    """The whole text as extracted by pypdfium2, pypdf and poppler's pdftotext (pages joined by "\\n").

    A reader that fails, or that is not installed (pdftotext), is left out of the result; pass a dict
    as `errors` to learn why."""
    path = Path(path)
    texts: dict[str, str] = {}
    errors = {} if errors is None else errors
    for name, reader in (("pypdfium2", _text_pdfium), ("pypdf", _text_pypdf), ("pdftotext", _text_pdftotext)):
        try:
            text = reader(path)
        except Exception as exc:  # noqa: BLE001 - a reader failing is the information
            errors[name] = _short(exc)
            continue
        if text is not None:
            texts[name] = text
        else:
            errors[name] = "not installed"
    return texts


def ghostscript_opens(path: Path | str) -> tuple[bool, str]:
    """Ghostscript interprets every page (nullpage device) and stops on the first error."""
    gs = shutil.which("gs")
    if gs is None:
        return False, "ghostscript (gs) is not installed"
    try:
        done = subprocess.run(
            [gs, "-q", "-dNOPAUSE", "-dBATCH", "-dSAFER", "-sDEVICE=nullpage", "-dPDFSTOPONERROR",
             "--", str(path)],
            check=False, capture_output=True, text=True, errors="replace", timeout=SUBPROCESS_TIMEOUT)
    except subprocess.TimeoutExpired:
        return False, f"ghostscript did not finish within {SUBPROCESS_TIMEOUT} s"
    output = (done.stdout + done.stderr).strip()
    ok = done.returncode == 0 and "error" not in output.lower()
    return ok, output


_SPACES = re.compile(r"\s+")
_HYPHEN_BREAK = re.compile(r"[-\u2010\u00ad]\s*[\r\n]\s*|[\ufffe\x02]\s*")  # pdfium marks a
# hyphenation break with U+FFFE (older builds U+0002)
_INVISIBLE = dict.fromkeys(map(ord, "\u00ad\u200b\u200c\u200d\u2060\ufeff\x02"), None)
_APOSTROPHES = dict.fromkeys(map(ord, "\u2019\u2018\u02bc\u2032"), "'")


def normalise_text(text: str) -> str:
    """Reader-independent form of a text: NFKC, line-end hyphenation and soft hyphens removed, every
    run of whitespace (incl. U+00A0, U+202F) one space, typographic apostrophes as '."""
    text = unicodedata.normalize("NFKC", text)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _HYPHEN_BREAK.sub("", text)
    text = text.translate(_INVISIBLE).translate(_APOSTROPHES)
    return _SPACES.sub(" ", text).strip()


def _text_pdfium(path: Path) -> str:
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(str(path))
    try:
        parts = []
        for index in range(len(document)):
            page = document[index]
            textpage = page.get_textpage()
            parts.append(textpage.get_text_range())
            textpage.close()
            page.close()
        return "\n".join(parts)
    finally:
        document.close()


def _text_pypdf(path: Path) -> str:
    from pypdf import PdfReader

    reader = PdfReader(str(path))
    return "\n".join(page.extract_text() or "" for page in reader.pages)


def _text_pdftotext(path: Path) -> str | None:
    exe = shutil.which("pdftotext")
    if exe is None:
        return None
    done = subprocess.run([exe, "-enc", "UTF-8", "-q", str(path), "-"], check=False, capture_output=True,
                          timeout=SUBPROCESS_TIMEOUT)
    if done.returncode != 0:
        message = done.stderr.decode(errors="replace").strip()
        raise RuntimeError(f"pdftotext exit {done.returncode}: {message}")
    return done.stdout.decode("utf-8", errors="replace")


def _check_readers(path: Path, report: Report) -> None:
    ok, output = ghostscript_opens(path)
    if not ok:
        report.findings.append(Finding("error", "gs-open", f"Ghostscript: {_first_lines(output, 3)}"))
    errors: dict[str, str] = {}
    texts = readers_text(path, errors)
    for name, why in errors.items():
        level = "info" if why == "not installed" else "error"
        report.findings.append(Finding(level, "reader-text", f"{name}: {why}"))
    normalised = {name: normalise_text(text) for name, text in texts.items()}
    names = list(normalised)
    for name in names[1:]:
        kind, detail = _compare_texts(normalised[names[0]], normalised[name])
        if kind == "same":
            continue
        level = "warning" if kind == "different" else "info"
        report.findings.append(Finding(level, "reader-text", f"{names[0]} and {name}: {detail}"))


def _compare_texts(reference: str, other: str) -> tuple[str, str]:
    """'same', 'spacing' (only spaces differ), 'order' (same characters, another reading order) or
    'different', with a description of the first difference (spaces ignored)."""
    if reference == other:
        return "same", ""
    left = [(i, c) for i, c in enumerate(reference) if c != " "]
    right = [(i, c) for i, c in enumerate(other) if c != " "]
    if [c for _, c in left] == [c for _, c in right]:
        return "spacing", "the same text except for spaces (letter-spacing, justification)"
    at = next((k for k, (a, b) in enumerate(zip(left, right, strict=False)) if a[1] != b[1]),
              min(len(left), len(right)))
    i = left[at][0] if at < len(left) else len(reference)
    j = right[at][0] if at < len(right) else len(other)
    context = f"{reference[max(0, i - 30):i + 40]!r} vs {other[max(0, j - 30):j + 40]!r}"
    if sorted(c for _, c in left) == sorted(c for _, c in right):
        return "order", f"the same characters in another reading order (columns, tables), from {context}"
    counts = f"{len(left)} vs {len(right)} characters without spaces"
    return "different", f"different text ({counts}), from {context}"


# --------------------------------------------------------------------------- the checker


Matrix = tuple[float, float, float, float, float, float]
IDENTITY: Matrix = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)


def _mul(m: Matrix, n: Matrix) -> Matrix:
    """m then n (PDF row-vector convention: `cm` makes CTM' = M x CTM)."""
    a, b, c, d, e, f = m
    A, B, C, D, E, F = n
    return (a * A + b * C, a * B + b * D, c * A + d * C, c * B + d * D, e * A + f * C + E, e * B + f * D + F)


def _apply(m: Matrix, x: float, y: float) -> tuple[float, float]:
    return x * m[0] + y * m[2] + m[4], x * m[1] + y * m[3] + m[5]


@dataclass
class _Stream:
    """Where a content stream sits, for messages: page and a readable location."""

    page: int
    where: str
    geometry: bool = True  # False for Type3 glyphs: coordinates are not page coordinates


@dataclass
class _RgbUse:
    page: int
    where: str
    what: str
    count: int = 0
    ops: dict[str, int] = field(default_factory=dict)
    bbox: list[float] | None = None  # union of what is painted in RGB, page space
    pieces: int = 0  # paint operations using the RGB colour
    inside: bool = False  # one of them reaches into the TrimBox (or its extent is unknown)
    text: bool = False
    geometry: bool = True


@dataclass
class _Gfx:
    ctm: Matrix = IDENTITY
    fill_rgb: str | None = None  # description of the RGB space, None when not RGB
    stroke_rgb: str | None = None
    fill_key: tuple | None = None
    stroke_key: tuple | None = None


_XOBJECT_NAME = re.compile(r"(?<=Form XObject )/\S+")


def _natural(text: str) -> list:
    return [int(part) if part.isdigit() else part for part in re.split(r"(\d+)", text)]


class _OutOfBudget(Exception):
    pass


class _Checker:
    def __init__(self, pdf: Any, path: Path, report: Report, variant: str | None, binding: str | None):
        import pikepdf

        self.pk = pikepdf
        self.pdf = pdf
        self.path = path
        self.report = report
        self.asked_variant = variant
        self.binding = binding
        self.findings = report.findings
        self.page_index: dict[tuple[int, int], int] = {}
        self.fonts: dict[tuple[int, int], tuple[Any, str, int]] = {}
        self.font_pages: dict[tuple[int, int], int] = {}  # first page where a font is selected (Tf)
        self.parsed: dict[tuple[int, int], list] = {}
        self.rgb: dict[tuple, _RgbUse] = {}
        self.images: dict[tuple, dict[str, Any]] = {}
        self.seen_groups: set[tuple] = set()
        self.features: dict[str, tuple[float, str]] = {}
        self.xmp: dict[str, str] = {}
        self.trimboxes: dict[int, list[float]] = {}
        self.active_forms: set[tuple[int, int]] = set()  # forms being walked: a form drawing itself
        self.budget = MAX_OPERATORS

    # -- driver

    def run(self) -> None:
        pdf = self.pdf
        self.report.pages = len(pdf.pages)
        for warning in pdf.get_warnings():
            self.findings.append(Finding("warning", "repaired", f"pikepdf: {_short(warning)}"))
        self.page_index = {page.obj.objgen: i + 1 for i, page in enumerate(pdf.pages)}
        self._guard("xmp", self._read_xmp)
        variant = self._detect_variant()
        self.report.variant = variant
        self.variant = variant
        if pdf.is_encrypted:
            level = "error" if variant == "print" else "warning"
            self.findings.append(Finding(level, "encrypted", "the file is encrypted"))

        if variant == "print":
            self._guard("pdfx-version", self._check_pdfx)
            self._guard("output-intent", self._check_output_intent)
            self._guard("page-boxes", self._check_boxes)
            self._guard("page-count", self._check_page_count)
        self._guard("rgb-colour", self._walk_pages)
        self._guard("font-embedded", self._check_fonts)
        self._report_rgb()
        self._report_images()
        self._guard("link-dest", self._check_links)
        if variant == "screen":
            self._guard("struct-tree", self._check_screen_catalog)
            self._guard("figure-alt", self._check_figures)
        self._guard("pdf-version", self._check_version)
        self._guard("missing-photo", self._report_missing_photos)

    def _report_missing_photos(self) -> None:
        """The build records the photos it left out (their file is missing): the file cannot say it itself."""
        from .pdf import MISSING_PHOTOS_KEY

        recorded = self.pdf.docinfo.get(MISSING_PHOTOS_KEY) if self.pdf.trailer.get("/Info") is not None else None
        for line in str(recorded or "").splitlines():
            self.findings.append(Finding("warning", "missing-photo", line))

    def _guard(self, rule: str, check: Any) -> None:
        try:
            check()
        except Exception as exc:  # noqa: BLE001 - a malformed file must not crash the report
            self.findings.append(Finding("error", "internal", f"check {rule!r} failed: {_short(exc)}"))

    # -- metadata and variant

    def _read_xmp(self) -> None:
        stream = self.pdf.Root.get("/Metadata")
        if stream is None:
            return
        try:
            self.xmp = _parse_xmp(stream.read_bytes())
        except (ET.ParseError, ValueError) as exc:
            self.findings.append(Finding("warning", "xmp", f"XMP metadata cannot be parsed: {_short(exc)}"))

    def _pdfx_version(self) -> str | None:
        return (self.xmp.get(f"{{{NS_PDFXID}}}GTS_PDFXVersion")
                or self.xmp.get(f"{{{NS_PDFX}}}GTS_PDFXVersion"))

    def _detect_variant(self) -> str | None:
        detected = []
        if self._pdfx_version():
            detected.append("print")
        if self.xmp.get(f"{{{NS_PDFUAID}}}part"):
            detected.append("screen")
        if self.asked_variant:
            if detected and self.asked_variant not in detected:
                self.findings.append(Finding(
                    "warning", "variant",
                    f"checked as {self.asked_variant} but the XMP claims {' and '.join(detected)}"))
            return self.asked_variant
        if len(detected) == 1:
            return detected[0]
        if not detected:
            self.findings.append(Finding(
                "warning", "variant",
                "neither pdfx:GTS_PDFXVersion nor pdfuaid:part in the XMP: only the common checks ran "
                "(give the variant explicitly)"))
            return None
        self.findings.append(Finding("info", "variant",
                                     "the XMP claims both PDF/X and PDF/UA: checked as print"))
        return "print"

    # -- print: conformance claims

    def _check_pdfx(self) -> None:
        version = self._pdfx_version()
        if not version:
            self.findings.append(Finding("error", "pdfx-version",
                                         "XMP has no pdfxid:GTS_PDFXVersion (nor pdfx:GTS_PDFXVersion)"))
        elif not version.strip().startswith("PDF/X-4"):
            self.findings.append(Finding("error", "pdfx-version", f"XMP says {version!r}, expected PDF/X-4"))
        elif not self.xmp.get(f"{{{NS_PDFXID}}}GTS_PDFXVersion"):
            self.findings.append(Finding(
                "warning", "pdfx-version",
                "PDF/X-4 requires pdfxid:GTS_PDFXVersion in the XMP (only pdfx: found)"))
        trapped = self.xmp.get(f"{{{NS_PDF}}}Trapped")
        if version and (trapped or "").strip() not in ("True", "False"):
            self.findings.append(Finding("warning", "pdfx-version",
                                         f"XMP pdf:Trapped is {trapped!r}: PDF/X wants True or False"))

    def _check_output_intent(self) -> None:
        intents = self.pdf.Root.get("/OutputIntents")
        if intents is None or len(intents) == 0:
            self.findings.append(Finding("error", "output-intent", "no /OutputIntents in the catalog"))
            return
        pdfx = [i for i in intents if isinstance(i, self.pk.Dictionary) and i.get("/S") == "/GTS_PDFX"]
        if not pdfx:
            self.findings.append(Finding("error", "output-intent", "no output intent with /S /GTS_PDFX"))
            return
        if len(pdfx) > 1:
            self.findings.append(Finding("error", "output-intent", f"{len(pdfx)} /GTS_PDFX output intents"))
        intent = pdfx[0]
        profile = intent.get("/DestOutputProfile")
        condition = str(intent.get("/OutputConditionIdentifier", "")) or None
        info = str(intent.get("/Info", "")) or None
        if profile is None or not isinstance(profile, self.pk.Stream):
            if condition:  # a registered condition without an embedded profile is allowed by PDF/X-4
                self.findings.append(Finding("warning", "output-intent",
                                             f"no embedded DestOutputProfile (condition {condition!r})"))
            else:
                self.findings.append(Finding("error", "output-intent",
                                             "the output intent has no DestOutputProfile"))
            return
        n = int(profile.get("/N", 0))
        space = _icc_space(profile)
        if n != 4 or (space and space != "CMYK"):
            detail = f" ({space})" if space else ""
            self.findings.append(Finding(
                "error", "output-intent",
                f"DestOutputProfile has N {n}{detail}: expected a CMYK profile (N 4)"))
            return
        if not condition:
            self.findings.append(Finding("warning", "output-intent", "no OutputConditionIdentifier"))
        described = " ".join(part for part in (condition, f"({info})" if info and info != condition else None)
                             if part)
        self.findings.append(Finding("info", "output-intent", f"CMYK output intent {described}".strip()))

    # -- print: boxes and pages

    def _check_boxes(self) -> None:
        bleed_pt, tolerance = BLEED_MM * MM, BLEED_TOLERANCE_MM * MM
        sizes: dict[tuple[float, float], list[int]] = {}
        for number, page in enumerate(self.pdf.pages, start=1):
            obj = page.obj
            media = _box(page.mediabox)
            missing = [name for name in ("/TrimBox", "/BleedBox") if name not in obj]
            if missing:
                self.findings.append(Finding("error", "page-boxes", f"no {' and no '.join(missing)}", number))
                continue
            trim, bleed = _box(obj["/TrimBox"]), _box(obj["/BleedBox"])
            self.trimboxes[number] = trim
            size = (round((trim[2] - trim[0]) / MM, 1), round((trim[3] - trim[1]) / MM, 1))
            sizes.setdefault(size, []).append(number)
            margins = (trim[0] - bleed[0], trim[1] - bleed[1], bleed[2] - trim[2], bleed[3] - trim[3])
            if any(abs(m - bleed_pt) > tolerance for m in margins):
                sides = ("left", "bottom", "right", "top")
                text = ", ".join(f"{side} {m / MM:.2f}" for side, m in zip(sides, margins, strict=True))
                self.findings.append(Finding(
                    "error", "bleed", f"BleedBox is not TrimBox + {BLEED_MM:g} mm: bleed (mm) {text}",
                    number))
            epsilon = 0.01
            if (media[0] > bleed[0] + epsilon or media[1] > bleed[1] + epsilon
                    or media[2] < bleed[2] - epsilon or media[3] < bleed[3] - epsilon):
                self.findings.append(Finding(
                    "error", "mediabox",
                    f"MediaBox {_fmt_box(media)} does not contain BleedBox {_fmt_box(bleed)}", number))
        if len(sizes) == 1:
            (w, h), _ = next(iter(sizes.items()))
            self.findings.append(Finding("info", "trim-size", f"trim size {w:g} x {h:g} mm on every page"))
        elif len(sizes) > 1:
            text = "; ".join(f"{w:g} x {h:g} mm on {_page_ranges(p)}" for (w, h), p in sizes.items())
            self.findings.append(Finding("warning", "trim-size", f"pages of different trim sizes: {text}"))

    def _check_page_count(self) -> None:
        if self.binding is None:
            return
        multiple = BINDING_MULTIPLE[self.binding]
        count = len(self.pdf.pages)
        if count % multiple:
            self.findings.append(Finding(
                "error", "page-count",
                f"{count} pages: {self.binding} binding needs a multiple of {multiple} "
                f"({(-count) % multiple} blank page(s) missing)"))

    # -- content walk (colours, images, fonts)

    def _walk_pages(self) -> None:
        for number, page in enumerate(self.pdf.pages, start=1):
            try:
                self._walk_page(number, page)
            except _OutOfBudget:
                self.findings.append(Finding(
                    "warning", "internal",
                    f"more than {MAX_OPERATORS} content operators: colours and images checked up to here",
                    number))
                return
            except Exception as exc:  # noqa: BLE001 - one malformed page must not hide the others
                self.findings.append(Finding("error", "internal",
                                             f"page content cannot be walked: {_short(exc)}", number))

    def _walk_page(self, number: int, page: Any) -> None:
        obj = page.obj
        resources = _inherited(obj, "/Resources")
        if resources is None:
            resources = self.pk.Dictionary()
        self._check_group(obj, _Stream(number, "page"))
        self._collect_fonts(resources, number)
        try:
            instructions = self.pk.parse_content_stream(page)
        except Exception as exc:  # noqa: BLE001
            self.findings.append(Finding("error", "internal",
                                         f"page content stream cannot be parsed: {_short(exc)}", number))
            instructions = []
        self._interpret(instructions, resources, _Stream(number, "page content"), IDENTITY, depth=0)
        for index, annot in enumerate(obj.get("/Annots", None) or []):
            if not isinstance(annot, self.pk.Dictionary):
                continue
            subtype = str(annot.get("/Subtype", "/Annot"))[1:]
            appearances = annot.get("/AP")
            if not isinstance(appearances, self.pk.Dictionary):
                continue
            for state_key in ("/N", "/R", "/D"):
                entry = appearances.get(state_key)
                streams = []
                if isinstance(entry, self.pk.Stream):
                    streams.append(("", entry))
                elif isinstance(entry, self.pk.Dictionary):
                    streams.extend((str(k), v) for k, v in entry.items() if isinstance(v, self.pk.Stream))
                for state, stream in streams:
                    where = f"{subtype} annotation #{index + 1} appearance {state_key[1:]}{state}"
                    rect = _box(annot["/Rect"]) if "/Rect" in annot else [0, 0, 0, 0]
                    self._walk_form(stream, resources, _Stream(number, where),
                                    (1.0, 0.0, 0.0, 1.0, rect[0], rect[1]), depth=1)

    def _parse(self, stream: Any) -> list:
        key = stream.objgen
        if key != (0, 0) and key in self.parsed:
            return self.parsed[key]
        instructions = list(self.pk.parse_content_stream(stream))
        if key != (0, 0):
            self.parsed[key] = instructions
        return instructions

    def _walk_form(self, form: Any, parent_resources: Any, where: _Stream, ctm: Matrix, depth: int) -> None:
        key = _key(form)
        if depth > 32 or key in self.active_forms:
            return
        self.active_forms.add(key)
        try:
            self._walk_form_body(form, parent_resources, where, ctm, depth)
        finally:
            self.active_forms.discard(key)

    def _walk_form_body(self, form: Any, parent_resources: Any, where: _Stream, ctm: Matrix,
                        depth: int) -> None:
        resources = form.get("/Resources")
        if resources is None:
            resources = parent_resources  # old files inherit the page's resources
        matrix = _matrix(form.get("/Matrix")) or IDENTITY
        self._check_group(form, where)
        self._collect_fonts(resources, where.page)
        try:
            instructions = self._parse(form)
        except Exception as exc:  # noqa: BLE001
            self.findings.append(Finding("error", "internal", f"{where.where}: cannot parse: {_short(exc)}",
                                         where.page))
            return
        self._interpret(instructions, resources, where, _mul(matrix, ctm), depth)

    def _interpret(self, instructions: Iterable, resources: Any, where: _Stream, ctm: Matrix,
                   depth: int) -> None:
        pk = self.pk
        gfx = _Gfx(ctm=ctm)
        stack: list[_Gfx] = []
        path: list[tuple[float, float]] = []
        xobjects = resources.get("/XObject") if resources is not None else None
        for operands, operator in instructions:
            self.budget -= 1
            if self.budget < 0:
                raise _OutOfBudget
            op = str(operator)
            if op == "q":
                stack.append(_Gfx(gfx.ctm, gfx.fill_rgb, gfx.stroke_rgb, gfx.fill_key, gfx.stroke_key))
            elif op == "Q":
                if stack:
                    gfx = stack.pop()
            elif op == "cm" and len(operands) == 6:
                gfx.ctm = _mul(tuple(float(v) for v in operands), gfx.ctm)  # type: ignore[arg-type]
            elif op in ("rg", "RG"):
                self._rgb_colour(where, op, "DeviceRGB", gfx, stroke=(op == "RG"))
            elif op in ("g", "k"):
                gfx.fill_rgb, gfx.fill_key = None, None
            elif op in ("G", "K"):
                gfx.stroke_rgb, gfx.stroke_key = None, None
            elif op in ("cs", "CS") and operands:
                rgb = _rgb_space(operands[0], resources)
                if rgb:
                    self._rgb_colour(where, f"{op} {operands[0]}", rgb, gfx, stroke=(op == "CS"))
                elif op == "cs":
                    gfx.fill_rgb, gfx.fill_key = None, None
                else:
                    gfx.stroke_rgb, gfx.stroke_key = None, None
            elif op in ("scn", "SCN") and operands and isinstance(operands[-1], pk.Name):
                self._pattern(operands[-1], resources, where, gfx.ctm, depth)
            elif op == "sh" and operands:
                shading = _lookup(resources, "/Shading", operands[0])
                if shading is not None:
                    self._shading(shading, resources, where, f"shading {operands[0]}", "sh", gfx.ctm, None)
            elif op == "gs" and operands:
                state = _lookup(resources, "/ExtGState", operands[0])
                if isinstance(state, pk.Dictionary):
                    self._ext_gstate(state, operands[0], resources, where, gfx.ctm, depth)
            elif op in ("m", "l") and len(operands) >= 2:
                path.append(_apply(gfx.ctm, float(operands[-2]), float(operands[-1])))
            elif op in ("c", "v", "y"):
                values = [float(v) for v in operands]
                path.extend(_apply(gfx.ctm, values[i], values[i + 1]) for i in range(0, len(values) - 1, 2))
            elif op == "re" and len(operands) == 4:
                x, y, w, h = (float(v) for v in operands)
                corners = ((x, y), (x + w, y), (x, y + h), (x + w, y + h))
                path.extend(_apply(gfx.ctm, px, py) for px, py in corners)
            elif op in ("f", "F", "f*", "B", "B*", "b", "b*", "S", "s", "n"):
                if op != "n":
                    fill = op not in ("S", "s")
                    stroke = op in ("S", "s", "B", "B*", "b", "b*")
                    keys = {key for uses, key in ((fill, gfx.fill_key), (stroke, gfx.stroke_key))
                            if uses and key is not None and key in self.rgb}
                    for key in keys:
                        self._painted(self.rgb[key], path)
                path = []
            elif op == "Tf" and operands:
                font = _lookup(resources, "/Font", operands[0])
                if isinstance(font, pk.Dictionary):
                    self.font_pages.setdefault(_key(font), where.page)
            elif op in ("Tj", "TJ", "'", '"'):
                if gfx.fill_key is not None and gfx.fill_key in self.rgb:
                    self.rgb[gfx.fill_key].text = True
            elif op == "Do" and operands and xobjects is not None:
                name = operands[0]
                xobject = xobjects.get(name)
                if not isinstance(xobject, pk.Stream):
                    continue
                subtype = xobject.get("/Subtype")
                if subtype == "/Image":
                    self._image(xobject, str(name), resources, where, gfx.ctm)
                elif subtype == "/Form":
                    label = f"Form XObject {name}"
                    if where.where != "page content":
                        label = f"{where.where} > {label}"
                    self._walk_form(xobject, resources, _Stream(where.page, label, where.geometry),
                                    gfx.ctm, depth + 1)
            elif op == "INLINE IMAGE" and operands:
                self._inline_image(operands[0], resources, where, gfx.ctm)

    # colour bookkeeping

    def _rgb_colour(self, where: _Stream, op: str, what: str, gfx: _Gfx, stroke: bool) -> None:
        key = (where.page, where.where, what)
        use = self.rgb.get(key)
        if use is None:
            use = self.rgb[key] = _RgbUse(where.page, where.where, what, geometry=where.geometry)
        use.count += 1
        use.ops[op.split()[0]] = use.ops.get(op.split()[0], 0) + 1
        if stroke:
            gfx.stroke_rgb, gfx.stroke_key = what, key
        else:
            gfx.fill_rgb, gfx.fill_key = what, key

    def _rgb_thing(self, where: _Stream, op: str, what: str, bbox: list[float] | None = None) -> None:
        key = (where.page, where.where, what)
        use = self.rgb.get(key)
        if use is None:
            use = self.rgb[key] = _RgbUse(where.page, where.where, what, geometry=where.geometry)
        use.count += 1
        use.ops[op] = use.ops.get(op, 0) + 1
        if bbox:
            self._painted(use, [(bbox[0], bbox[1]), (bbox[2], bbox[3])])
        else:
            use.text = True  # unknown extent: never claim it is outside the trim

    def _painted(self, use: _RgbUse, points: list[tuple[float, float]]) -> None:
        """One paint operation in RGB: grow the extent, note whether it reaches into the TrimBox."""
        if not points:
            return
        use.pieces += 1
        xs, ys = [p[0] for p in points], [p[1] for p in points]
        box = [min(xs), min(ys), max(xs), max(ys)]
        _extend(use, points)
        trim = self.trimboxes.get(use.page)
        epsilon = 0.01
        if trim is None or not (box[2] <= trim[0] + epsilon or box[0] >= trim[2] - epsilon
                                or box[3] <= trim[1] + epsilon or box[1] >= trim[3] - epsilon):
            use.inside = True

    def _check_group(self, obj: Any, where: _Stream) -> None:
        group = obj.get("/Group")
        if not isinstance(group, self.pk.Dictionary):
            return
        if group.get("/S") == "/Transparency":
            self._feature(1.4, "transparency group")
        cs = group.get("/CS")
        if cs is None:
            return
        rgb = _rgb_space(cs, None)
        key = (where.page, where.where, "group")
        if rgb and self.variant == "print" and key not in self.seen_groups:
            self.seen_groups.add(key)
            self.findings.append(Finding(
                "error", "rgb-group", f"{where.where}: transparency group blends in {rgb} (/Group /CS)",
                where.page))

    def _ext_gstate(self, state: Any, name: Any, resources: Any, where: _Stream, ctm: Matrix,
                    depth: int) -> None:
        for key in ("/ca", "/CA"):
            value = state.get(key)
            if value is not None and float(value) < 1:
                self._feature(1.4, "transparency (constant alpha)")
        if "/BM" in state and state["/BM"] not in ("/Normal", "/Compatible"):
            self._feature(1.4, "blend mode")
        smask = state.get("/SMask")
        if isinstance(smask, self.pk.Dictionary):
            self._feature(1.4, "soft mask")
            group = smask.get("/G")
            if isinstance(group, self.pk.Stream):
                label = f"soft mask of ExtGState {name}"
                self._walk_form(group, resources, _Stream(where.page, label, where.geometry), ctm, depth + 1)

    def _pattern(self, name: Any, resources: Any, where: _Stream, ctm: Matrix, depth: int) -> None:
        pattern = _lookup(resources, "/Pattern", name)
        if pattern is None or depth > 32:
            return
        kind = int(pattern.get("/PatternType", 0))
        if kind == 1 and isinstance(pattern, self.pk.Stream):
            self._walk_form(pattern, resources, _Stream(where.page, f"tiling pattern {name}", where.geometry),
                            IDENTITY, depth + 1)
        elif kind == 2:
            shading = pattern.get("/Shading")
            if shading is not None:
                self._shading(shading, resources, where, f"shading pattern {name}", "scn", ctm, pattern)

    def _shading(self, shading: Any, resources: Any, where: _Stream, label: str, op: str, ctm: Matrix,
                 pattern: Any) -> None:
        rgb = _rgb_space(shading.get("/ColorSpace"), resources)
        if not rgb:
            return
        bbox = None  # `sh` paints the current clip, a pattern without /BBox its whole area: extent unknown
        if pattern is not None and "/BBox" in shading:
            matrix = _matrix(pattern.get("/Matrix")) or IDENTITY  # pattern space -> default page space
            b = _box(shading["/BBox"])
            corners = ((b[0], b[1]), (b[2], b[1]), (b[0], b[3]), (b[2], b[3]))
            points = [_apply(matrix, x, y) for x, y in corners]
            bbox = [min(p[0] for p in points), min(p[1] for p in points),
                    max(p[0] for p in points), max(p[1] for p in points)]
        self._rgb_thing(where, op, f"{rgb} in {label}", bbox)

    # images

    def _image(self, image: Any, name: str, resources: Any, where: _Stream, ctm: Matrix) -> None:
        if image.get("/ImageMask") is True:
            return
        if "/SMask" in image:
            self._feature(1.4, "image soft mask")
        width, height = int(image.get("/Width", 0)), int(image.get("/Height", 0))
        colour_space = image.get("/ColorSpace")
        rgb = _rgb_space(colour_space, resources) if colour_space is not None else None
        if colour_space is None and "/JPXDecode" in _filters(image):
            rgb = "JPEG 2000 with its colour space inside the codestream: check it is not RGB"
        label = f"image {name}"
        self._record_image(image.objgen, label, width, height, colour_space, rgb, where, ctm)

    def _inline_image(self, inline: Any, resources: Any, where: _Stream, ctm: Matrix) -> None:
        try:
            info = inline.obj
        except Exception:  # noqa: BLE001
            return
        if info.get("/ImageMask") is True:
            return
        colour_space = info.get("/ColorSpace")
        rgb = _rgb_space(colour_space, resources) if colour_space is not None else None
        width, height = int(info.get("/Width", 0)), int(info.get("/Height", 0))
        self._record_image((id(inline), -1), "inline image (BI ... ID)", width, height, colour_space, rgb,
                           where, ctm)

    def _record_image(self, objgen: tuple, label: str, width: int, height: int, colour_space: Any,
                      rgb: str | None, where: _Stream, ctm: Matrix) -> None:
        w_pt, h_pt = math.hypot(ctm[0], ctm[1]), math.hypot(ctm[2], ctm[3])
        ppi = None
        if w_pt > 0 and h_pt > 0 and width and height:
            ppi = min(width / (w_pt / 72), height / (h_pt / 72))
        key = (where.page, objgen, where.where)
        points = [_apply(ctm, x, y) for x, y in ((0, 0), (1, 0), (0, 1), (1, 1))]
        bbox = [min(p[0] for p in points), min(p[1] for p in points), max(p[0] for p in points),
                max(p[1] for p in points)]
        record = self.images.get(key)
        if record is None:
            self.images[key] = record = {
                "page": where.page, "where": where.where, "label": label, "width": width, "height": height,
                "space": _space_name(colour_space), "rgb": rgb, "ppi": ppi, "w_pt": w_pt, "h_pt": h_pt,
                "bbox": bbox, "geometry": where.geometry,
            }
        elif ppi is not None and (record["ppi"] is None or ppi < record["ppi"]):
            record.update(ppi=ppi, w_pt=w_pt, h_pt=h_pt)

    def _report_images(self) -> None:
        lowest: dict[str, Any] | None = None
        for record in self.images.values():
            if record["ppi"] is not None and record["geometry"] and (lowest is None or record["ppi"] < lowest["ppi"]):
                lowest = record
        if self.variant == "print" and lowest is not None and lowest["ppi"] >= PRINT_MIN_PPI * PPI_TOLERANCE:
            self.findings.append(Finding(
                "info", "image-resolution",
                f"{len(self.images)} image placement(s), all at {PRINT_MIN_PPI} ppi or more "
                f"(lowest {lowest['ppi']:.0f} ppi, page {lowest['page']})"))
        for record in self.images.values():
            page, where = record["page"], record["where"]
            inside = "" if where == "page content" else f" in {where}"
            size = f"{record['width']}x{record['height']} px"
            if record["rgb"] and self.variant == "print":
                level = "warning" if record["rgb"].startswith("JPEG 2000") else "error"
                self.findings.append(Finding(
                    level, "rgb-image", f"{record['label']}{inside} ({size}) is {record['rgb']}", page))
            ppi = record["ppi"]
            if ppi is None or not record["geometry"]:
                continue
            drawn = f"{record['w_pt'] / MM:.1f} x {record['h_pt'] / MM:.1f} mm"
            message = (f"{record['label']}{inside} ({size}, {record['space']}) drawn {drawn}: "
                       f"{ppi:.0f} ppi")
            if self.variant == "print":
                if ppi < PRINT_MIN_PPI * PPI_TOLERANCE:
                    self.findings.append(Finding("warning", "image-resolution",
                                                 f"{message} (< {PRINT_MIN_PPI})", page))
            else:
                self.findings.append(Finding("info", "image-resolution", message, page))

    def _report_rgb(self) -> None:
        """One finding per kind of RGB use; the same use on many pages (WeasyPrint's crop marks are one
        Form XObject per page, /x0, /x1, ...) becomes one line listing the pages."""
        if self.variant != "print":
            return
        groups: dict[tuple[str, str], list[_RgbUse]] = {}
        for use in self.rgb.values():
            ops = ", ".join(f"{op} x{n}" for op, n in sorted(use.ops.items()))
            where = _XOBJECT_NAME.sub("/…", use.where)
            message = f"{use.what} ({ops}) in {where}"
            hint = self._outside_trim(use)
            if hint:
                message += f"; {hint}"
            groups.setdefault((message, where), []).append(use)
        for (message, where), uses in groups.items():
            names = sorted({_XOBJECT_NAME.findall(u.where)[-1] for u in uses if _XOBJECT_NAME.search(u.where)},
                           key=_natural)
            if len(uses) == 1:
                message = message.replace(f" in {where}", f" in {uses[0].where}", 1)
            elif names:
                shown = ", ".join(names) if len(names) <= 4 else f"{names[0]}, {names[1]} ... {names[-1]}"
                head, _, tail = where.rpartition("Form XObject /…")
                message = message.replace(f" in {where}", f" in {head}Form XObjects {shown}{tail}", 1)
            pages = sorted({u.page for u in uses})
            if len(pages) > 1:
                message += f" (pages {_page_ranges(pages)})"
            self.findings.append(Finding("error", "rgb-colour", message, pages[0]))

    def _outside_trim(self, use: _RgbUse) -> str:
        if not use.geometry or use.text:
            return ""
        if use.pieces == 0:
            return "nothing is painted with it"
        if use.inside or use.page not in self.trimboxes:
            return ""
        return (f"all {use.pieces} shapes painted with it lie outside the TrimBox: printer's marks "
                f"(WeasyPrint draws its crop marks in RGB)")

    # fonts

    def _collect_fonts(self, resources: Any, page: int) -> None:
        if resources is None:
            return
        fonts = resources.get("/Font")
        if not isinstance(fonts, self.pk.Dictionary):
            return
        for name, font in fonts.items():
            if not isinstance(font, self.pk.Dictionary):
                continue
            key = _key(font)
            if key in self.fonts:
                continue
            self.fonts[key] = (font, name, page)
            if font.get("/Subtype") == "/Type3":
                self._walk_type3(font, name, resources, page)

    def _walk_type3(self, font: Any, name: str, resources: Any, page: int) -> None:
        procs = font.get("/CharProcs")
        if not isinstance(procs, self.pk.Dictionary):
            return
        glyph_resources = font.get("/Resources") or resources
        for glyph, proc in procs.items():
            if isinstance(proc, self.pk.Stream):
                where = _Stream(page, f"Type3 font {name} glyph {glyph}", False)
                self._walk_form(proc, glyph_resources, where, IDENTITY, depth=1)

    def _check_fonts(self) -> None:
        subset = re.compile(r"^[A-Z]{6}\+")
        for key, (font, name, page) in self.fonts.items():
            page = self.font_pages.get(key, page)
            subtype = str(font.get("/Subtype", ""))
            base = str(font.get("/BaseFont", name))
            base = base.removeprefix("/")
            if subtype == "/Type3":
                self.findings.append(Finding("warning", "type3-font",
                                             f"Type3 font {name} ({base}): glyphs are content streams, "
                                             f"embedded by nature but unhinted and often rasterised", page))
                continue
            descendants = [font]
            if subtype == "/Type0":
                descendants = [d for d in (font.get("/DescendantFonts") or [])
                               if isinstance(d, self.pk.Dictionary)]
                if not descendants:
                    self.findings.append(Finding("error", "font-embedded",
                                                 f"Type0 font {base} has no DescendantFonts", page))
                    continue
            for descendant in descendants:
                dbase = str(descendant.get("/BaseFont", base))
                dbase = dbase.removeprefix("/")
                descriptor = descendant.get("/FontDescriptor")
                if not isinstance(descriptor, self.pk.Dictionary):
                    kind = str(descendant.get("/Subtype", subtype))[1:]
                    self.findings.append(Finding(
                        "error", "font-embedded",
                        f"font {dbase} ({kind}) has no FontDescriptor: not embedded (a standard-14 font?)",
                        page))
                    continue
                files = [k for k in ("/FontFile", "/FontFile2", "/FontFile3") if k in descriptor]
                if not files:
                    self.findings.append(Finding(
                        "error", "font-embedded",
                        f"font {dbase} is not embedded (no FontFile/FontFile2/FontFile3)", page))
                    continue
                if "/FontFile3" in files:
                    fontfile = descriptor["/FontFile3"]
                    if isinstance(fontfile, self.pk.Stream) and fontfile.get("/Subtype") == "/OpenType":
                        self._feature(1.6, "OpenType font program")
                    else:
                        self._feature(1.2, "compact font program")
                if not subset.match(dbase):
                    self.findings.append(Finding("warning", "font-subset",
                                                 f"font {dbase} is embedded whole, not subset", page))

    # links

    def _check_links(self) -> None:
        level = "error" if self.variant == "screen" else "warning"
        named = _named_destinations(self.pdf, self.pk)
        for number, page in enumerate(self.pdf.pages, start=1):
            for annot in page.obj.get("/Annots", None) or []:
                if not isinstance(annot, self.pk.Dictionary) or annot.get("/Subtype") != "/Link":
                    continue
                problem = self._link_problem(annot, named)
                if problem:
                    self.findings.append(Finding(level, "link-dest", problem, number))

    def _link_problem(self, annot: Any, named: dict[str, Any]) -> str | None:
        pk = self.pk
        if "/Dest" in annot:
            return self._dest_problem(annot["/Dest"], named)
        action = annot.get("/A")
        if not isinstance(action, pk.Dictionary):
            return "link without /Dest or /A action"
        kind = action.get("/S")
        if kind == "/URI":
            uri = action.get("/URI")
            if not isinstance(uri, pk.String) or not str(uri).strip():
                return "URI link with an empty /URI"
            return None
        if kind == "/GoTo":
            if "/D" not in action:
                return "GoTo link without /D"
            return self._dest_problem(action["/D"], named)
        if kind == "/JavaScript":
            return "JavaScript link action (not allowed in PDF/X or PDF/UA files)"
        if kind in ("/GoToR", "/Launch", "/Named", "/GoToE", "/SubmitForm"):
            return None
        return f"link action {kind} not understood"

    def _dest_problem(self, dest: Any, named: dict[str, Any]) -> str | None:
        pk = self.pk
        if isinstance(dest, (pk.String, pk.Name)):
            key = str(dest)
            key = key[1:] if isinstance(dest, pk.Name) else key
            if key not in named:
                return f"link to named destination {key!r}, which does not exist"
            target = named[key]
            if isinstance(target, pk.Dictionary):
                target = target.get("/D")
            problem = self._explicit_problem(target)
            return f"named destination {key!r}: {problem}" if problem else None
        return self._explicit_problem(dest)

    def _explicit_problem(self, dest: Any) -> str | None:
        pk = self.pk
        if not isinstance(dest, pk.Array) or len(dest) == 0:
            return f"destination is not a page array: {_short(dest)}"
        target = dest[0]
        if isinstance(target, pk.Dictionary):
            if target.objgen in self.page_index:
                return None
            return "destination page is not a page of this document"
        if isinstance(target, int):
            if 0 <= int(target) < len(self.pdf.pages):
                return None
            return f"destination page number {int(target)} is outside the document"
        return f"destination does not start with a page: {_short(target)}"

    # screen

    def _check_screen_catalog(self) -> None:
        root, pk = self.pdf.Root, self.pk
        if "/StructTreeRoot" not in root:
            self.findings.append(Finding("error", "struct-tree",
                                         "no /StructTreeRoot: the file is not tagged"))
        mark = root.get("/MarkInfo")
        if not (isinstance(mark, pk.Dictionary) and mark.get("/Marked") is True):
            self.findings.append(Finding("error", "mark-info", "/MarkInfo /Marked is not true"))
        lang = root.get("/Lang")
        if lang is None or not str(lang).strip():
            self.findings.append(Finding("error", "lang", "no /Lang in the catalog"))
        title = self.xmp.get(f"{{{NS_DC}}}title")
        info = self.pdf.trailer.get("/Info")
        has_info_title = isinstance(info, pk.Dictionary) and "/Title" in info
        info_title = str(info["/Title"]).strip() if has_info_title else None
        if not (title and title.strip()) and not info_title:
            self.findings.append(Finding("error", "title", "no title in XMP dc:title nor /Info /Title"))
        elif not (title and title.strip()):
            self.findings.append(Finding("warning", "title",
                                         "title only in /Info: PDF/UA wants XMP dc:title"))
        prefs = root.get("/ViewerPreferences")
        if not (isinstance(prefs, pk.Dictionary) and prefs.get("/DisplayDocTitle") is True):
            self.findings.append(Finding("error", "display-doc-title",
                                         "/ViewerPreferences /DisplayDocTitle is not true"))
        part = self.xmp.get(f"{{{NS_PDFUAID}}}part")
        if part is None:
            self.findings.append(Finding("error", "pdfua-id", "XMP has no pdfuaid:part"))
        elif part.strip() != "1":
            self.findings.append(Finding("error", "pdfua-id", f"XMP pdfuaid:part is {part!r}, expected 1"))
        outlines = root.get("/Outlines")
        if not isinstance(outlines, pk.Dictionary) or not isinstance(outlines.get("/First"), pk.Dictionary):
            self.findings.append(Finding("error", "outlines", "no /Outlines entries (bookmarks)"))

    def _check_figures(self) -> None:
        pk = self.pk
        tree = self.pdf.Root.get("/StructTreeRoot")
        if not isinstance(tree, pk.Dictionary):
            return
        rolemap = tree.get("/RoleMap")
        rolemap = rolemap if isinstance(rolemap, pk.Dictionary) else pk.Dictionary()
        figures = missing = 0
        seen: set[tuple] = set()
        stack: list[Any] = [tree.get("/K")]
        while stack:
            node = stack.pop()
            if isinstance(node, pk.Array):
                stack.extend(reversed(list(node)))
                continue
            if not isinstance(node, pk.Dictionary):
                continue
            if node.objgen != (0, 0):
                if node.objgen in seen:
                    continue
                seen.add(node.objgen)
            if node.get("/Type") in ("/MCR", "/OBJR") or "/S" not in node:
                continue
            role = _resolve_role(node["/S"], rolemap)
            if role == "/Figure":
                figures += 1
                alt = node.get("/Alt")
                actual = node.get("/ActualText")
                has_alt = alt is not None and str(alt).strip()
                has_actual = actual is not None and str(actual).strip()
                if not (has_alt or has_actual):
                    missing += 1
                    what = "an empty /Alt" if alt is not None else "no /Alt"
                    tag = str(node["/S"]) + ("" if role == node["/S"] else f" (role {role})")
                    self.findings.append(Finding("error", "figure-alt",
                                                 f"{tag} structure element with {what}",
                                                 self._struct_page(node)))
            kids = node.get("/K")
            if kids is not None:
                stack.append(kids)
        if figures and not missing:
            self.findings.append(Finding("info", "figure-alt",
                                         f"{figures} figure(s), all with alternative text"))

    def _struct_page(self, node: Any) -> int | None:
        pk = self.pk
        todo = [node]
        for _ in range(64):
            if not todo:
                break
            current = todo.pop(0)
            if isinstance(current, pk.Dictionary):
                page = current.get("/Pg")
                if isinstance(page, pk.Dictionary) and page.objgen in self.page_index:
                    return self.page_index[page.objgen]
                kids = current.get("/K")
                if kids is not None:
                    todo.append(kids)
            elif isinstance(current, pk.Array):
                todo.extend(current)
        return None

    # version

    def _feature(self, version: float, what: str) -> None:
        if what not in self.features or self.features[what][0] < version:
            self.features[what] = (version, what)

    def _check_version(self) -> None:
        declared = _version_number(str(self.pdf.pdf_version))
        catalog = self.pdf.Root.get("/Version")
        if catalog is not None:
            declared = max(declared, _version_number(str(catalog).lstrip("/")))
        needed = [(v, what) for v, what in self.features.values() if v > declared + 1e-9]
        if needed:
            top = max(v for v, _ in needed)
            whats = ", ".join(sorted({what for v, what in needed}))
            self.findings.append(Finding(
                "warning", "pdf-version",
                f"the file declares PDF {declared:.1f} but uses {whats} (PDF {top:.1f}); "
                + ("PDF/X-4 files are PDF 1.6" if self.variant == "print"
                   else "strict readers may refuse them")))
        elif self.variant == "print" and declared > 1.6 + 1e-9:
            self.findings.append(Finding(
                "info", "pdf-version", f"the file declares PDF {declared:.1f}; PDF/X-4 is based on PDF 1.6"))


# --------------------------------------------------------------------------- helpers


def _validate_arguments(variant: str | None, binding: str | None) -> None:
    if variant is not None and variant not in VARIANTS:
        raise ValueError(f"unknown variant {variant!r} (expected one of {', '.join(VARIANTS)})")
    if binding is not None and binding not in BINDING_MULTIPLE:
        raise ValueError(f"unknown binding {binding!r} (expected one of {', '.join(BINDING_MULTIPLE)})")


def _qpdf_check(path: Path, report: Report) -> None:
    exe = shutil.which("qpdf")
    if exe is None:
        report.findings.append(Finding("info", "qpdf-check",
                                       "qpdf is not installed: structural check skipped"))
        return
    try:
        done = subprocess.run([exe, "--check", str(path)], check=False, capture_output=True, text=True,
                              errors="replace", timeout=SUBPROCESS_TIMEOUT)
    except subprocess.TimeoutExpired:
        report.findings.append(Finding("warning", "qpdf-check",
                                       f"qpdf --check did not finish in {SUBPROCESS_TIMEOUT} s"))
        return
    output = (done.stdout + "\n" + done.stderr).strip()
    interesting = [line for line in output.splitlines()
                   if re.search(r"(?i)warning|error|damaged|invalid", line)
                   and "No syntax or stream" not in line]
    if done.returncode == 0:
        return
    level = "warning" if done.returncode == 3 else "error"
    report.findings.append(Finding(level, "qpdf-check",
                                   f"qpdf --check exit {done.returncode}: "
                                   f"{_first_lines(chr(10).join(interesting) or output, 4)}"))


def _merge_pages(findings: list[Finding]) -> list[Finding]:
    """The same finding on many pages becomes one line: 'message (pages 1-3, 7)'."""
    groups: dict[tuple[str, str, str], list[int | None]] = {}
    for finding in findings:
        groups.setdefault((finding.level, finding.rule, finding.message), []).append(finding.page)
    merged: list[Finding] = []
    for (level, rule, message), pages in groups.items():
        numbered = sorted({p for p in pages if p is not None})
        if len(numbered) > 1:
            merged.append(Finding(level, rule, f"{message} (pages {_page_ranges(numbered)})", numbered[0]))
        elif numbered:
            merged.append(Finding(level, rule, message, numbered[0]))
        if None in pages and not numbered:
            merged.append(Finding(level, rule, message, None))
    return merged


def _page_ranges(pages: list[int]) -> str:
    ranges: list[str] = []
    start = previous = None
    for page in sorted(set(pages)):
        if start is None:
            start = previous = page
        elif page == previous + 1:
            previous = page
        else:
            ranges.append(f"{start}" if start == previous else f"{start}-{previous}")
            start = previous = page
    if start is not None:
        ranges.append(f"{start}" if start == previous else f"{start}-{previous}")
    return ", ".join(ranges)


def _parse_xmp(data: bytes) -> dict[str, str]:
    """Flatten XMP: '{namespace}name' -> text (first rdf:li of an Alt/Seq/Bag), attributes included."""
    start = data.find(b"<x:xmpmeta")
    if start < 0:
        start = data.find(b"<rdf:RDF")
    if start < 0:
        raise ValueError("no x:xmpmeta nor rdf:RDF element")
    end_tag = b"</x:xmpmeta>" if data[start:start + 10] == b"<x:xmpmeta" else b"</rdf:RDF>"
    end = data.find(end_tag, start)
    if end < 0:
        raise ValueError("unterminated XMP packet")
    root = ET.fromstring(data[start:end + len(end_tag)])
    values: dict[str, str] = {}
    for description in root.iter(f"{{{NS_RDF}}}Description"):
        for key, value in description.attrib.items():
            if not key.startswith(f"{{{NS_RDF}}}"):
                values.setdefault(key, value)
        for child in description:
            items = [li.text or "" for li in child.iter(f"{{{NS_RDF}}}li")]
            text = items[0] if items else (child.text or "")
            values.setdefault(child.tag, text.strip())
    return values


def _icc_space(profile: Any) -> str | None:
    """The colour space signature in an ICC profile header ('CMYK', 'RGB', 'GRAY', 'Lab')."""
    try:
        header = profile.read_bytes()[16:20]
    except Exception:  # noqa: BLE001
        return None
    return header.decode("ascii", errors="replace").strip() or None


def _rgb_space(space: Any, resources: Any, depth: int = 0) -> str | None:
    """A description if `space` (name, resource name or array) is RGB or rests on RGB, else None."""
    import pikepdf

    if space is None or depth > 8:
        return None
    if isinstance(space, pikepdf.Name):
        name = str(space)
        if name in ("/DeviceRGB", "/RGB"):
            return "DeviceRGB"
        if name in ("/DeviceCMYK", "/CMYK", "/DeviceGray", "/G", "/Pattern", "/Indexed", "/I"):
            return None
        resolved = _lookup(resources, "/ColorSpace", space)
        if resolved is None:
            return None
        inner = _rgb_space(resolved, resources, depth + 1)
        return f"{inner} (colour space {name})" if inner else None
    if isinstance(space, pikepdf.Array) and len(space) > 0:
        family = str(space[0])
        if family == "/ICCBased" and len(space) > 1:
            stream = space[1]
            n = int(stream.get("/N", 0)) if isinstance(stream, pikepdf.Stream) else 0
            if n == 3:
                signature = _icc_space(stream)
                if signature in (None, "RGB"):
                    return "ICCBased RGB (N 3)"
            return None
        if family == "/CalRGB":
            return "CalRGB"
        if family in ("/Indexed", "/I") and len(space) > 1:
            base = _rgb_space(space[1], resources, depth + 1)
            return f"Indexed on {base}" if base else None
        if family == "/Separation" and len(space) > 2:
            alternate = _rgb_space(space[2], resources, depth + 1)
            return f"Separation {space[1]} with {alternate} alternate" if alternate else None
        if family == "/DeviceN" and len(space) > 2:
            alternate = _rgb_space(space[2], resources, depth + 1)
            return f"DeviceN with {alternate} alternate" if alternate else None
        if family == "/Pattern" and len(space) > 1:
            base = _rgb_space(space[1], resources, depth + 1)
            return f"uncoloured pattern on {base}" if base else None
        if family in ("/DeviceRGB", "/RGB"):
            return "DeviceRGB"
    return None


def _space_name(space: Any) -> str:
    import pikepdf

    if space is None:
        return "no colour space"
    if isinstance(space, pikepdf.Name):
        return str(space)[1:]
    if isinstance(space, pikepdf.Array) and len(space):
        family = str(space[0])[1:]
        if family == "ICCBased" and isinstance(space[1], pikepdf.Stream):
            return f"ICCBased N {int(space[1].get('/N', 0))}"
        return family
    return "?"


def _key(obj: Any) -> tuple[int, int]:
    """Identity of a PDF object: its object number, or the Python id of a direct object."""
    return obj.objgen if obj.objgen != (0, 0) else (id(obj), -1)


def _lookup(resources: Any, category: str, name: Any) -> Any:
    if resources is None:
        return None
    try:
        group = resources.get(category)
        return None if group is None else group.get(name)
    except Exception:  # noqa: BLE001
        return None


def _inherited(page: Any, key: str) -> Any:
    node, hops = page, 0
    while node is not None and hops < 64:
        if key in node:
            return node[key]
        node = node.get("/Parent")
        hops += 1
    return None


def _filters(stream: Any) -> list[str]:
    import pikepdf

    value = stream.get("/Filter")
    if value is None:
        return []
    return [str(v) for v in value] if isinstance(value, pikepdf.Array) else [str(value)]


def _named_destinations(pdf: Any, pk: Any) -> dict[str, Any]:
    """Every named destination: /Names /Dests (a name tree of strings) and the old /Dests dictionary."""
    named: dict[str, Any] = {}
    root = pdf.Root
    old = root.get("/Dests")
    if isinstance(old, pk.Dictionary):
        for key, value in old.items():
            named[key.removeprefix("/")] = value
    names = root.get("/Names")
    tree = names.get("/Dests") if isinstance(names, pk.Dictionary) else None
    seen: set[tuple] = set()
    stack = [tree] if isinstance(tree, pk.Dictionary) else []
    while stack:
        node = stack.pop()
        if node.objgen != (0, 0):
            if node.objgen in seen:
                continue
            seen.add(node.objgen)
        pairs = node.get("/Names")
        if isinstance(pairs, pk.Array):
            items = list(pairs)
            for i in range(0, len(items) - 1, 2):
                named.setdefault(str(items[i]), items[i + 1])
        kids = node.get("/Kids")
        if isinstance(kids, pk.Array):
            stack.extend(k for k in kids if isinstance(k, pk.Dictionary))
    return named


def _resolve_role(tag: Any, rolemap: Any) -> Any:
    seen = set()
    while tag in rolemap and str(tag) not in seen and len(seen) < 16:
        seen.add(str(tag))
        tag = rolemap[tag]
    return tag


def _matrix(value: Any) -> Matrix | None:
    try:
        if value is not None and len(value) == 6:
            return tuple(float(v) for v in value)  # type: ignore[return-value]
    except (TypeError, ValueError):
        pass
    return None


def _box(value: Any) -> list[float]:
    x0, y0, x1, y1 = (float(v) for v in list(value)[:4])
    return [min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1)]


def _extend(use: _RgbUse, points: list[tuple[float, float]]) -> None:
    if not points:
        return
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    box = [min(xs), min(ys), max(xs), max(ys)]
    if use.bbox is None:
        use.bbox = box
    else:
        use.bbox = [min(use.bbox[0], box[0]), min(use.bbox[1], box[1]),
                    max(use.bbox[2], box[2]), max(use.bbox[3], box[3])]


def _fmt_box(box: list[float]) -> str:
    return "[" + " ".join(f"{v:.2f}" for v in box) + "]"


def _version_number(text: str) -> float:
    match = re.match(r"(\d+)\.(\d+)", text)
    return float(f"{match.group(1)}.{match.group(2)}") if match else 0.0


def _human_size(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{size / 1024 / 1024:.1f} MiB"
    if size >= 1024:
        return f"{size / 1024:.0f} KiB"
    return f"{size} bytes"


def _short(value: Any, limit: int = 300) -> str:
    text = str(value).replace("\n", " ").strip()
    return text if len(text) <= limit else text[:limit - 3] + "..."


def _first_lines(text: str, count: int) -> str:
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return _short(" | ".join(lines[:count]) + (" | ..." if len(lines) > count else ""), 500)


__all__ = [
    "RULES", "Finding", "Report", "check_files", "check_pdf", "exit_code", "format_table",
    "ghostscript_opens", "main", "normalise_text", "readers_text",
]
