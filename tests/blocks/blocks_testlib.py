"""Small publications written by the tests of writers' blocks (footnotes, wide blocks, photo sizes)."""
from __future__ import annotations

from pathlib import Path
from typing import Any

LOREM = ("Le programme accompagne les communes dans leurs projets de revitalisation, avec des moyens "
         "d'ingénierie, des crédits et un suivi au plus près des élus qui portent les projets. ")


def write_publication(content: Path, name: str, parts: dict[str, str], meta: str = "",
                      files: dict[str, Any] | None = None) -> Path:
    """content/<name>/ with publication.yaml listing `parts` (file name → text) in order."""
    root = content / name
    (root / "sections").mkdir(parents=True)
    listing = "".join(f"  - {part}\n" for part in parts)
    (root / "publication.yaml").write_text(
        f"title: Essai {name}\norganisation: Agence\nkind: report\ntheme: agence\n{meta}parts:\n{listing}",
        encoding="utf-8")
    for part, text in parts.items():
        (root / "sections" / part).write_text(text, encoding="utf-8")
    for file, value in (files or {}).items():
        path = root / file
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(value) if isinstance(value, bytes) else path.write_text(value, encoding="utf-8")
    return root


def front(title: str, layout: str = "page", columns: int = 2) -> str:
    return f"---\nlayout: {layout}\ntitle: {title}\ncolumns: {columns}\n---\n"


def words_on_pages(path: Path) -> list[list[tuple[float, float, float, float, str]]]:
    """Every word of every page with its box (x0, y0, x1, y1, word), y growing downwards, in points."""
    import pymupdf

    with pymupdf.open(path) as document:
        return [[tuple(w[:5]) for w in page.get_text("words")] for page in document]


def page_of(words: list[list[Any]], word: str) -> list[int]:
    """The 0-based pages where `word` is printed."""
    return [n for n, page in enumerate(words) if any(w[4].strip(".,;:") == word for w in page)]


def box_of(words: list[list[Any]], word: str) -> tuple[int, tuple[float, float, float, float]]:
    """The page and box of the first occurrence of `word`."""
    for n, page in enumerate(words):
        for w in page:
            if w[4].strip(".,;:") == word:
                return n, tuple(w[:4])
    raise AssertionError(f"{word} is not printed")
