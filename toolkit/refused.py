"""Refused resources located in the template or stylesheet that asks for them.

WeasyPrint reports a resource the closed fetcher refused (render.closed_fetcher) without a place:
`Failed to load image at 'http://…'`. The override templates, the theme's templates and stylesheets
are searched for the reference that resolves to the refused URL, so that the warning (and, under
`--strict`, the error raised before anything is written) reads `file:line: warning: …`."""
from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urljoin

from .errors import Problem

REFERENCE = re.compile(r"""(?:\b(?:src|href|data|xlink:href|poster)\s*=\s*["']([^"']+)["']"""
                       r"""|url\(\s*["']?([^"')\s]+)["']?\s*\)|@import\s+["']([^"']+)["'])""", re.I)
REFUSED_MESSAGE = re.compile(r"RefusedResource: refused resource[^:]*: (\S+)$")
SUFFIXES = (".html", ".css", ".svg")


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
                    if any(url == resolved or (len(url) >= 100 and resolved.startswith(url)) for url in urls):
                        shown = reference if len(reference) <= 120 else reference[:119] + "…"
                        problems.append(Problem(path, number, f"resource '{shown}' refused: the renderer reads only "
                                                "regular files of the publication, its theme and fonts/ (at most "
                                                "64 MB; data: URLs up to 256 KB), nothing from the network",
                                                "warning"))
    return problems
