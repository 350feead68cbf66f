"""The rules of `toolkit check`: their names and descriptions, and the checks in the order they run.

A check is a small function of the file being checked (a `Checker`: the pikepdf file, the variant,
what the content walk found) that appends findings. `@check(name, variants)` registers it; the
checker runs every registered check that applies to the file's variant, each guarded so that a
malformed object becomes an `internal` finding, never a traceback.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

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
    "contrast": "screen: text under 4.5:1 against what is painted under it (3:1 from 18 pt, or 14 pt bold)",
    "gs-open": "with readers=True: Ghostscript fails to interpret the file",
    "reader-text": "with readers=True: pypdfium2, pypdf and pdftotext extract different text (warning), "
                   "or the same text with other spaces or in another reading order (info)",
    "stream-decode": "a stream that does not decode (e.g. declared FlateDecode with no data): RIPs stop there",
    "image-decode": "an image whose data does not decode to the size it declares (another copy's data)",
    "font-subset-name": "one subset name (ABCDEF+Name) used for different font programs (ISO 32000-1 9.6.4)",
    "print-annotation": "print: an annotation (link) inside the BleedBox; only printer's marks may be there",
    "typed-hyphen": "text that extracts with U+2010 or U+2011 where '-' was typed: search and copy miss it",
    "missing-photo": "a photo the content names was left out for want of its file (recorded by the build)",
    "internal": "a check itself failed on this file (malformed object): reported instead of a traceback",
}


ALL = ("print", "screen", None)  # None: a file whose variant is unknown gets the common checks


@dataclass(frozen=True)
class Check:
    rule: str
    variants: tuple[str | None, ...]
    run: Callable[[Any], None]

    def applies(self, variant: str | None) -> bool:
        return variant in self.variants


CHECKS: list[Check] = []


def check(rule: str, variants: tuple[str | None, ...] = ALL) -> Callable[[Callable[[Any], None]], Callable[[Any], None]]:
    """Register a check under its rule name; checks run in the order they are registered."""
    assert rule in RULES, f"describe rule {rule!r} in RULES"

    def register(function: Callable[[Any], None]) -> Callable[[Any], None]:
        CHECKS.append(Check(rule, variants, function))
        return function

    return register
