"""What a reader reflowing a screen file gets back: its lines as poppler (pdftotext) and MuPDF give them,
and the two ways a line can read wrongly — a line-end hyphen the writer never typed (a word split by
hyphenation comes back as two pieces, or joined wrongly: "Pierrefittesur-Seine"), and a heading whose
letter-spacing makes it read letter by letter ("C H I F F R E S")."""
from __future__ import annotations

import html
import re
import subprocess
import unicodedata
from pathlib import Path

LINE = re.compile(r"<line\b[^>]*>(.*?)</line>", re.S)
WORD = re.compile(r"<word\b[^>]*>(.*?)</word>", re.S)
# The last word of a line when it ends in a hyphen ('-', or U+2010 and U+00AD as some fonts and
# readers give the hyphenation's): "Pierrefitte-" or "Pierrefitte-sur-".
HYPHENATED_END = re.compile(r"([^\W_](?:[\w’']*[^\W_])?(?:-[^\W_][\w’']*)*)[-\u2010\u00ad]$")
# Four single letters in a row, spaces between: a letter-spaced word read letter by letter.
LETTER_BY_LETTER = re.compile(r"(?<!\S)(?:[^\W\d_] ){3,}[^\W\d_](?!\S)")
SOURCE_SUFFIXES = {".md", ".yaml", ".yml"}


def poppler_lines(path: Path) -> list[str]:
    """pdftotext's lines as it groups them, without its own joining of line-end hyphens."""
    xhtml = subprocess.run(["pdftotext", "-enc", "UTF-8", "-bbox-layout", str(path), "-"], check=True,
                           capture_output=True, text=True, timeout=300).stdout
    return [" ".join(html.unescape(word) for word in WORD.findall(line)) for line in LINE.findall(xhtml)]


def mupdf_lines(path: Path) -> list[str]:
    import pymupdf

    with pymupdf.open(path) as document:
        return ["".join(span["text"] for span in line["spans"]).strip()
                for page in document for block in page.get_text("dict")["blocks"]
                for line in block.get("lines", [])]


READERS = {"pdftotext": poppler_lines, "mupdf": mupdf_lines}


def source_text(folder: Path) -> str:
    """Everything the writer typed for a publication (its Markdown and YAML), in one folded string."""
    texts = [p.read_text(encoding="utf-8") for p in sorted(folder.rglob("*")) if p.suffix in SOURCE_SUFFIXES]
    return fold(html.unescape("\n".join(texts)).replace("&shy;", "\u00ad"))


def fold(text: str) -> str:
    return unicodedata.normalize("NFKC", text).casefold().replace("'", "’")


def untyped_line_end_hyphens(lines: list[str], source: str) -> list[str]:
    """Lines ending in a hyphen that is not typed there in the source ('-' or a soft hyphen)."""
    found = []
    for line in lines:
        match = HYPHENATED_END.search(line.rstrip())
        if match is None:
            continue
        word = fold(match.group(1))
        if not re.search(re.escape(word) + r"[-\u00ad]\w", source):
            found.append(f"…{line[-40:]!s}")
    return found


def letter_by_letter(lines: list[str]) -> list[str]:
    return [line for line in lines if LETTER_BY_LETTER.search(line)]
