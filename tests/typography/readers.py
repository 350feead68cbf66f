"""The text of a PDF as four independent readers extract it: poppler, pypdf, pdfium and MuPDF."""
from __future__ import annotations

import subprocess
from pathlib import Path


def poppler(path: Path) -> str:
    return subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout


def pypdf_text(path: Path) -> str:
    import pypdf

    return "\n".join(page.extract_text() for page in pypdf.PdfReader(path).pages)


def pdfium(path: Path) -> str:
    import pypdfium2

    document = pypdfium2.PdfDocument(str(path))
    try:
        return "\n".join(document[i].get_textpage().get_text_range() for i in range(len(document)))
    finally:
        document.close()


def mupdf(path: Path) -> str:
    import pymupdf

    with pymupdf.open(path) as document:
        return "\n".join(page.get_text() for page in document)


READERS = {"pdftotext": poppler, "pypdf": pypdf_text, "pdfium": pdfium, "mupdf": mupdf}


def reader_texts(path: Path) -> dict[str, str]:
    return {name: read(path) for name, read in READERS.items()}
