"""The checker: one file, its variant, and the registered checks run over it (see registry)."""
from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

from .report import BINDING_MULTIPLE, BLEED_MM, BLEED_TOLERANCE_MM, Finding, MAX_OPERATORS, MM, NS_PDF, NS_PDFUAID, NS_PDFX, NS_PDFXID, Report
from .pdfutil import _box, _fmt_box, _icc_space, _page_ranges, _parse_xmp, _short
from .catalog import CatalogChecks
from .colours import ColourChecks
from .fonts import FontChecks
from .registry import CHECKS, check
from .sources import Source, load_sources
from .walk import ContentWalk, _RgbUse


class _Checker(ContentWalk, ColourChecks, FontChecks, CatalogChecks):
    """State shared by the checks of one file; the checks themselves are registered functions."""

    def __init__(self, pdf: Any, path: Path, report: Report, variant: str | None, binding: str | None,
                 images: Path | None = None):
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
        self.sources: list[Source] = load_sources(images)  # the publication's image files, to name images
        self.image_names: dict[tuple[int, int], str] = {}
        self.placements: dict[tuple[int, int], tuple[Any, list[int]]] | None = None  # images and their pages

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

        from . import rules  # noqa: F401 - registers the checks of rules.py after the ones below

        for registered in CHECKS:
            if registered.applies(variant):
                self._guard(registered.rule, lambda: registered.run(self))

    def image_name(self, image: Any, pages: list[int] | None = None) -> str:
        """'atelier.jpg, page 4': the image named by its source file (see sources)."""
        from .rules import image_name

        return image_name(self, image, pages)

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


# The checks of the checker's own methods, in the order they run; rules.py registers more after them.
PRINT = ("print",)
SCREEN = ("screen",)
check("pdfx-version", PRINT)(_Checker._check_pdfx)
check("output-intent", PRINT)(_Checker._check_output_intent)
check("page-boxes", PRINT)(_Checker._check_boxes)
check("page-count", PRINT)(_Checker._check_page_count)
check("rgb-colour")(_Checker._walk_pages)
check("font-embedded")(_Checker._check_fonts)
check("rgb-colour")(_Checker._report_rgb)
check("image-resolution")(_Checker._report_images)
check("link-dest")(_Checker._check_links)
check("struct-tree", SCREEN)(_Checker._check_screen_catalog)
check("figure-alt", SCREEN)(_Checker._check_figures)
check("pdf-version")(_Checker._check_version)
