"""The HTML WeasyPrint lays out, written to a folder with its assets beside it.

`toolkit build NAME --variant print --html DIR` writes DIR/<name>-<variant>.html, its stylesheets in
DIR/css/ (named by theme and variant: the theme's tokens and @font-face rules first, then the theme's CSS, as the build uses them)
and every file they reach, named by content, (fonts, photos, the ICC profile) in DIR/assets/, all by relative URLs. So
`weasyprint DIR/<name>-print.html out.pdf` is the one WeasyPrint pass a parts build is compared with,
and a designer can open the file in a browser's inspector. Charts are inline SVG already.
"""
from __future__ import annotations

import hashlib
import re
import shutil
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote, urlsplit

from .html import build_html, document_date
from .pdf import write_atomic

# src="…" or href="…" in the HTML, url(…) in CSS and inline styles.
HTML_URL = re.compile(r'(?P<attribute>\b(?:src|href)=")(?P<url>[^"]*)(?P<end>")')
CSS_URL = re.compile(r"""(?P<attribute>url\(\s*['"]?)(?P<url>[^'")]*)(?P<end>['"]?\s*\))""")
NOT_FILES = ("#", "data:", "mailto:", "tel:", "http:", "https:")


class Assets:
    """Files copied into DIR/assets/, each once, under a name that cannot clash (its digest)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.copied: dict[Path, str] = {}

    def local(self, url: str, base: Path) -> str | None:
        """The asset's path under DIR for a URL of a local file (absolute file:// or relative to `base`),
        or None for what is not a local file (anchors, links, data: URLs)."""
        if not url or url.startswith(NOT_FILES):
            return None
        parts = urlsplit(url)
        source = Path(unquote(parts.path)) if parts.scheme == "file" else base / unquote(parts.path)
        if parts.scheme not in ("", "file") or not source.is_file():
            return None
        source = source.resolve()
        if source not in self.copied:
            digest = hashlib.sha256(source.read_bytes()).hexdigest()[:10]
            name = f"{source.stem}-{digest}{source.suffix}"
            self.folder.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, self.folder / name)
            self.copied[source] = name
        return f"assets/{quote(self.copied[source])}"


def relocate(text: str, pattern: re.Pattern[str], base: Path, assets: Assets, prefix: str) -> str:
    """Every local URL of `text` pointed at its copy in DIR/assets/ (`prefix` climbs from the file)."""
    def replace(match: re.Match[str]) -> str:
        local = assets.local(match["url"], base)
        return match.group(0) if local is None else f"{match['attribute']}{prefix}{local}{match['end']}"
    return pattern.sub(replace, text)


def write_html_folder(builder: Any, name: str, variant: str, folder: Path, edition: str | None = None) -> Path:
    """Write the publication's whole HTML with the lead pages of the builder's last build of it."""
    publication, theme, _ = builder.load(name, edition)
    html_doc = build_html(publication, theme, variant, overrides=builder._overrides(publication),
                          chart_svg=builder.chart_renderer(publication, theme, variant),
                          extra_context={"document_date": document_date(publication),
                                         "lead_chapters": builder.last_leads})
    assets = Assets(folder / "assets")
    # Named by theme and variant: publications of other themes can share the folder.
    prefix = f"{theme.name}-{variant}"
    sheets = [(f"{prefix}-00-tokens.css", theme.css_tokens(variant), folder)]
    for index, path in enumerate([*theme.stylesheets, *theme.variant_stylesheets(variant)], 1):
        sheets.append((f"{prefix}-{index:02d}-{path.parent.name}-{path.name}", path.read_text(encoding="utf-8"),
                       path.parent))
    if getattr(builder, "last_copyfit", ""):  # the units the build laid out tighter
        sheets.append((f"{prefix}-99-copyfit.css", builder.last_copyfit, folder))
    links = []
    for file_name, text, base in sheets:
        write_atomic(folder / "css" / file_name, relocate(text, CSS_URL, base, assets, "../").encode())
        links.append(f'<link rel="stylesheet" href="css/{file_name}">')
    html = relocate(html_doc.html, HTML_URL, publication.root, assets, "")
    html = relocate(html, CSS_URL, publication.root, assets, "")
    html = html.replace("</head>", "\n".join(links) + "\n</head>", 1)
    stem = f"{name}-{edition}" if edition else name
    path = folder / f"{stem}-{variant}.html"
    write_atomic(path, html.encode())
    return path
