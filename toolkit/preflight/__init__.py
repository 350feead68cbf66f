"""Preflight: check a finished PDF without veraPDF (see docs PRINT.md, "Checking a PDF without veraPDF").

A package, one module per concern; every rule is registered in `registry`. `check_pdf` reads one file with pikepdf (plus `qpdf --check`) and returns a
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

from .readers import ghostscript_opens, normalise_text, readers_text
from .registry import RULES
from .report import Finding, Report
from .run import check_files, check_pdf, exit_code, format_table, main

__all__ = [
    "RULES", "Finding", "Report", "check_files", "check_pdf", "exit_code", "format_table",
    "ghostscript_opens", "main", "normalise_text", "readers_text",
]
