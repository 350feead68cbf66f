"""Other readers' view of the file: Ghostscript, pypdfium2, pypdf, pdftotext and `qpdf --check`."""
from __future__ import annotations

import re
import shutil
import subprocess
import unicodedata
from pathlib import Path

from .report import Finding, Report, SUBPROCESS_TIMEOUT
from .pdfutil import _first_lines, _short




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
        raise RuntimeError(f"pdftotext exit {done.returncode}: {_short(done.stderr.decode(errors='replace'))}")
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
