"""Helpers shared by the designers' tests."""
from __future__ import annotations

import shutil
from pathlib import Path

from support import pdf_text  # noqa: F401  (re-exported for the designers' tests)

from toolkit.paths import CONTENT

PRESS_RELEASE = "communique-2024"
REPORT = "rapport-annuel-2023"
PRESS_RELEASE_PART = "sections/01-communique.md"


def copy_publication(name: str, destination: Path) -> Path:
    """A copy of content/<name> under destination/content/, to edit freely; returns that content folder."""
    content = destination / "content"
    shutil.copytree(CONTENT / name, content / name)
    return content


def replace_in(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{old!r} should occur once in {path}"
    path.write_text(text.replace(old, new), encoding="utf-8")


def cmyk_fills(pdf_path: Path) -> set[tuple[float, ...]]:
    """Every colour set in the pages' content streams and their forms, as operand tuples
    (the registration colour of the crop marks left out)."""
    import pikepdf

    found: set[tuple[float, ...]] = set()
    seen: set[tuple[int, int]] = set()

    def scan(obj: object) -> None:
        for operands, operator in pikepdf.parse_content_stream(obj):
            if str(operator) in ("k", "K", "sc", "scn", "SC", "SCN", "g", "G", "rg", "RG"):
                values = tuple(round(float(v), 4) for v in operands if not isinstance(v, pikepdf.Name))
                if len(values) != 1:  # one component: a separation (registration) or grey tint
                    found.add(values)
                elif str(operator) in ("g", "G"):
                    found.add(("grey",) + values)  # type: ignore[arg-type]
        resources = obj.get("/Resources")  # type: ignore[attr-defined]
        if resources is not None and "/XObject" in resources:
            for xobject in resources.XObject.values():
                if xobject.get("/Subtype") == "/Form" and xobject.objgen not in seen:
                    seen.add(xobject.objgen)
                    scan(xobject)

    with pikepdf.open(pdf_path) as pdf:
        for page in pdf.pages:
            scan(page)
    return found


def squeeze(text: str) -> str:
    """Text to compare whatever the spaces, hyphenation and apostrophes: letters and digits only."""
    import re
    import unicodedata

    text = unicodedata.normalize("NFKC", text).replace("\u2019", "'").replace("\u00ad", "")
    return re.sub(r"[\s\u2010\u2011\-]+", "", text).casefold()
