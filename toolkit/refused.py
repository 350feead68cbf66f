"""Refused resources located in the template or stylesheet that asks for them.

WeasyPrint reports a resource the closed fetcher refused (render.closed_fetcher) without a place:
`Failed to load image at 'http://…'`. The override templates, the theme's templates and stylesheets
are searched for the reference that resolves to the refused URL, so that the warning (and, under
`--strict`, the error raised before anything is written) reads `file:line: warning: …`."""
from __future__ import annotations

import re
import sys
import threading
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

from .errors import Problem

REFERENCE = re.compile(r"""(?:\b(?:src|href|data|xlink:href|poster)\s*=\s*["']([^"']+)["']"""
                       r"""|url\(\s*["']?([^"')\s]+)["']?\s*\)|@import\s+["']([^"']+)["'])""", re.I)
REFUSED_MESSAGE = re.compile(r"RefusedResource: refused resource[^:]*: (\S+)$")
SUFFIXES = (".html", ".css", ".svg")
# Values a template printed that may be (part of) a URL: no space, a '/' or ':' in them. A URL the
# template builds from values (`src="{{ base }}/x.png"`) is not in the template's text; it is located
# at the line that printed its value. Bounded: a few lines per value, a few thousand values a build.
URL_LIKE = re.compile(r"[^\s<>\"']*[/:][^\s<>\"']*")
MAX_PRINTED, LINES_PER_VALUE = 4000, 3
_THREAD = threading.local()  # a build renders its templates in its own thread (Dask workers run several)


def printed() -> dict[str, list[tuple[str, int]]]:
    """This thread's values printed since `forget_printed`, each with the template lines printing it."""
    if not hasattr(_THREAD, "printed"):
        _THREAD.printed = {}
    return _THREAD.printed


def note_printed(value: Any) -> Any:
    """The templates' `finalize`: each `{{ value }}` printed that looks like a URL is noted with the
    template line printing it (Jinja's compiled code calls this from the template's own frame)."""
    if isinstance(value, str) and 4 <= len(value) <= 2000 and URL_LIKE.fullmatch(value) \
            and len(printed()) < MAX_PRINTED:
        frame = sys._getframe(1)
        template = frame.f_globals.get("__jinja_template__")
        if template is not None and template.filename:
            lines = printed().setdefault(value, [])
            place = (template.filename, template.get_corresponding_lineno(frame.f_lineno))
            if len(lines) < LINES_PER_VALUE and place not in lines:
                lines.append(place)
    return value


def forget_printed() -> None:
    """Before a build renders its templates."""
    printed().clear()


def refused_urls(urls: list[str], messages: list[str]) -> list[str]:
    """The URLs refused in this process, and those named by the renderer's messages (a parts build lays
    out in worker processes: only their messages come back, each URL cut at 120 characters)."""
    found = list(dict.fromkeys(urls))
    for message in messages:
        match = REFUSED_MESSAGE.search(message)
        if match and not any(url.startswith(match.group(1)) for url in found):
            found.append(match.group(1))
    return found


def locate_refused(urls: list[str], folders: list[Path], root: Path) -> list[Problem]:
    """A warning at each line of a template or stylesheet under `folders` whose reference resolves to
    one of `urls` (templates resolve against the publication folder, stylesheets against themselves)."""
    if not urls:
        return []
    problems: list[Problem] = []
    located: set[str] = set()
    base_html = root.resolve().as_uri() + "/"
    for folder in folders:
        if not folder.is_dir():
            continue
        for path in sorted(p for p in folder.rglob("*") if p.suffix in SUFFIXES and p.is_file()):
            base = path.resolve().as_uri() if path.suffix == ".css" else base_html
            try:
                lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
            except OSError:
                continue
            for number, line in enumerate(lines, 1):
                for match in REFERENCE.finditer(line):
                    reference = next(group for group in match.groups() if group)
                    resolved = urljoin(base, reference)
                    matched = [url for url in urls if url == resolved or (len(url) >= 100 and resolved.startswith(url))]
                    if matched:
                        located.update(matched)
                        shown = reference if len(reference) <= 120 else reference[:119] + "…"
                        problems.append(refused_at(path, number, shown))
    return problems + located_by_printed([url for url in urls if url not in located], base_html)


def refused_at(path: Path, line: int, shown: str, built: str = "") -> Problem:
    return Problem(path, line, f"resource '{shown}' refused{built}: the renderer reads only regular files of the "
                   "publication, its theme and fonts/ (at most 64 MB; data: URLs up to 256 KB), nothing from "
                   "the network", "warning")


def located_by_printed(urls: list[str], base_html: str) -> list[Problem]:
    """Refused URLs found in no template's text: at the lines that printed the longest value they hold
    (the URL was built from it), a line with a reference (`src=`, `href=`, `url(`) first."""
    problems: list[Problem] = []
    for url in urls:
        values = [value for value in printed() if value in url or urljoin(base_html, value) == url]
        if not values:
            continue
        value = max(values, key=len)
        places = sorted(printed()[value], key=lambda place: not _has_reference(*place))
        path, line = places[0]
        shown = url if len(url) <= 120 else url[:119] + "…"
        problems.append(refused_at(Path(path), line, shown, f" (built from the value '{_short(value)}' printed here)"))
    return problems


def _has_reference(path: str, line: int) -> bool:
    try:
        text = Path(path).read_text(encoding="utf-8", errors="replace").splitlines()[line - 1]
    except (OSError, IndexError):
        return False
    return bool(re.search(r"\b(?:src|href|data|poster)\s*=|url\(|@import", text, re.I))


def _short(value: str) -> str:
    return value if len(value) <= 60 else value[:59] + "…"
