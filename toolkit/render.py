"""Render stage: WeasyPrint with one font configuration, parsed stylesheets and a closed URL fetcher."""
from __future__ import annotations

import logging
import mimetypes
import re
import traceback
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterator
from urllib.parse import unquote, urlsplit

from .deadline import ENV as TIME_LIMIT_ENV, TimeLimit, time_limit
from .errors import Problem
from .grid import on_grid
from .layout_memory import lean_html, release_after_paint, tags_after_paint
from .resources import MAX_RESOURCE_BYTES
from .theme import Theme
from .typography import without_page_turn_hyphens

# Print: PDF/X-4 with the CMYK output intent; screen: tagged PDF/UA-1.
VARIANT_OPTIONS: dict[str, dict[str, Any]] = {
    "print": {"pdf_variant": "pdf/x-4", "output_intent": "device-cmyk", "dpi": 300},
    "screen": {"pdf_variant": "pdf/ua-1", "dpi": 150, "jpeg_quality": 85, "optimize_images": True},
}


class RefusedResource(Exception):
    """A resource outside the publication, its theme and fonts/ was asked for."""


def closed_fetcher(roots: tuple[Path, ...], refused: list[str]) -> Any:
    """A WeasyPrint URL fetcher that serves local files under `roots` and nothing else (no network)."""
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    resolved_roots = tuple(root.resolve() for root in roots)

    class ClosedFetcher(URLFetcher):
        def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:
            if url[:5].lower() == "data:":
                return _data_url(url, refused)
            parts = urlsplit(url)
            path = Path(unquote(parts.path)).resolve() if parts.scheme == "file" else None
            if path is None or not any(path.is_relative_to(root) for root in resolved_roots):
                refused.append(url)
                raise RefusedResource(f"refused resource outside the project: {url[:120]}")
            # A named pipe would block the build forever, a device or a huge file exhaust it.
            if not path.is_file() or path.stat().st_size > MAX_RESOURCE_BYTES:
                refused.append(url)
                raise RefusedResource(f"refused resource (not a regular file, or larger than "
                                      f"{MAX_RESOURCE_BYTES // 2**20} MB): {url[:120]}")
            media_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            return URLFetcherResponse(path.as_uri(), path.read_bytes(), {"Content-Type": media_type})

    return ClosedFetcher()


# A `data:` URL of a template or a stylesheet (a small SVG icon, a pattern) carries its content: it is
# decoded here, never fetched; a large one is refused before decoding (it would be a file in disguise).
MAX_DATA_URL_BYTES = 256 * 1024


def _data_url(url: str, refused: list[str]) -> Any:
    from urllib.request import DataHandler, Request

    from weasyprint.urls import URLFetcherResponse

    if len(url) > MAX_DATA_URL_BYTES * 4 // 3 + 1024:  # base64 takes 4 characters for 3 bytes
        refused.append(url)
        raise RefusedResource(f"refused resource (a data: URL larger than {MAX_DATA_URL_BYTES // 1024} KB): {url[:120]}")
    try:
        response = DataHandler().data_open(Request(url))
        body = response.read()
    except (ValueError, OSError) as error:
        refused.append(url)
        raise RefusedResource(f"refused resource (a malformed data: URL, {error}): {url[:120]}") from None
    if len(body) > MAX_DATA_URL_BYTES:
        refused.append(url)
        raise RefusedResource(f"refused resource (a data: URL larger than {MAX_DATA_URL_BYTES // 1024} KB): {url[:120]}")
    return URLFetcherResponse(url, body, {"Content-Type": response.headers.get("Content-Type", "text/plain")})


@dataclass
class Renderer:
    """Keeps WeasyPrint's font configuration and parsed stylesheets across documents of one process."""

    roots: tuple[Path, ...]
    refused: list[str] = field(default_factory=list)
    _font_config: Any = None
    _css: dict[tuple[str, str, tuple[Path, ...]], list[Any]] = field(default_factory=dict)
    # What WeasyPrint ignored in each set of stylesheets, located in its CSS file (its messages have none).
    _css_problems: dict[tuple[str, str, tuple[Path, ...]], list[Problem]] = field(default_factory=dict)
    # Filled by `@color-profile` rules while stylesheets are parsed; render() needs the same dict,
    # one per variant so that the screen file never carries the printer's profile.
    _color_profiles: dict[str, dict[str, Any]] = field(default_factory=dict)

    @property
    def font_config(self) -> Any:
        if self._font_config is None:
            from weasyprint.text.fonts import FontConfiguration
            self._font_config = FontConfiguration()
        return self._font_config

    def stylesheets(self, theme: Theme, variant: str, extra: tuple[Path, ...] = ()) -> list[Any]:
        key = (theme.name, variant, extra)
        if key not in self._css:
            from weasyprint import CSS
            fetcher = closed_fetcher(self.roots, self.refused)
            common = {"font_config": self.font_config, "url_fetcher": fetcher,
                      "color_profiles": self._color_profiles.setdefault(variant, {})}
            sheets = [CSS(string=theme.css_tokens(variant), **common)]
            problems: list[Problem] = []
            for path in [*theme.stylesheets, *theme.variant_stylesheets(variant), *extra]:
                with font_face_reasons(self.refused), located_warnings(path) as found:
                    sheets.append(CSS(filename=str(path), **common))
                problems.extend(found)
            self._css[key] = sheets
            self._css_problems[key] = problems
        return self._css[key]

    def stylesheet_warnings(self, theme: Theme, variant: str, extra: tuple[Path, ...] = ()) -> list[Problem]:
        """What WeasyPrint ignored in the theme's CSS (parsed here if it was not yet: a build in parts
        lays out in worker processes, whose warnings do not come back)."""
        self.stylesheets(theme, variant, extra)
        return self._css_problems[(theme.name, variant, extra)]

    def document(self, html: str, base: Path, theme: Theme, variant: str, extra_css: tuple[Path, ...] = (),
                 extra_css_text: str = "") -> Any:
        """Lay out the HTML into pages (a WeasyPrint Document)."""
        from weasyprint import CSS
        fetcher = closed_fetcher(self.roots + (base,), self.refused)
        sheets = list(self.stylesheets(theme, variant, extra_css))
        if extra_css_text:
            # Its own profiles dict: re-registering the theme's profile here would make the output
            # intent a second object and the next file different (same input, other bytes).
            sheets.append(CSS(string=extra_css_text, font_config=self.font_config, url_fetcher=fetcher,
                              color_profiles={}))
        # A fresh image cache per document: WeasyPrint replaces a cached image's data by its downsampled
        # copy when it writes a document where the image is printed small, keeping the original size,
        # so a later document printing it larger got the small copy's pixels under the large size.
        def lay_out(text: str) -> Any:
            # lean_html: six pseudo-element styles fewer per table cell (the memory of a long table).
            return lean_html(string=text, base_url=base.as_uri() + "/", url_fetcher=fetcher).render(
                stylesheets=sheets, font_config=self.font_config,
                color_profiles=self._color_profiles.setdefault(variant, {}), cache={},
                **_layout_options(variant))

        with font_face_reasons(self.refused), renderer_failures(), on_grid(), time_limit():
            # In print, no page ends with a word hyphenated across the turn (the screen file scrolls).
            return without_page_turn_hyphens(lay_out, html) if variant == "print" else lay_out(html)

    def write_pdf(self, document: Any, variant: str, identifier: bytes, finisher: Any = None) -> bytes:
        """An uncompressed PDF: the pdf stage compresses every file once, at the end. Compressing each
        part's copy of the megabyte ICC profile was most of a small part's time, and WeasyPrint keeps
        the compression of the profile it wrote last in process-wide state, so mixing both settings
        made the same input give other bytes."""
        options = {k: v for k, v in VARIANT_OPTIONS[variant].items() if k not in _layout_options(variant)}
        if variant == "print":  # untagged: no page's boxes are read after it is drawn
            release_after_paint(document)
        # A PDF/UA file is tagged: each page's tags are built once it is drawn, then its boxes let go.
        tagged = tags_after_paint(document) if "ua" in str(options.get("pdf_variant")) else nullcontext()
        with renderer_failures(), tagged:
            return document.write_pdf(pdf_identifier=identifier, finisher=finisher, uncompressed_pdf=True, **options)


class RendererFailure(Exception):
    """WeasyPrint stopped (an internal error, not a content problem it reports): `where` is the
    'file:line' of the block or part it was laying out ('' when unknown), `detail` what it raised.
    Plain arguments, so that it crosses back from the worker processes of a parts build."""

    def __init__(self, where: str, detail: str) -> None:
        super().__init__(where, detail)
        self.where = where
        self.detail = detail

    def located(self, root: Path, fallback: Path) -> tuple[Path, int, str]:
        """(file, line, what stood there) of `where`: the block's line, else the part's file."""
        path, _, line = self.where.rpartition(":")
        if not (path and line.isdigit()):
            return fallback, 0, "this part"
        return root / path, int(line), "the block at this line" if line != "1" else "this part"

    def problem(self, root: Path, fallback: Path) -> Problem:
        """The failure as a content problem at the block's line: what happened and what to do."""
        path, line, what = self.located(root, fallback)
        return Problem(path, line,
                       f"the renderer (WeasyPrint {weasyprint_version()}) stopped while laying out {what} "
                       f"({self.detail}); nothing was written. This is a renderer defect, not a mistake in the "
                       "text: moving this block, or changing the length of the text before it, avoids it "
                       "until it is fixed; please report it with this publication")


class LayoutTimeLimit(RendererFailure):
    """The layout went past its time limit (toolkit/deadline.py): `detail` is the limit in seconds."""

    def problem(self, root: Path, fallback: Path) -> Problem:
        path, line, what = self.located(root, fallback)
        return Problem(path, line,
                       f"laying out took more than {float(self.detail):g} s (the time limit of one layout, "
                       f"{TIME_LIMIT_ENV}) while at {what}; nothing was written: split the part or the table, "
                       f"or raise {TIME_LIMIT_ENV} (seconds, 0 for no limit)")


# Local variables of WeasyPrint's layout and drawing functions: the box being processed, and the
# root box with the place where the page being made resumes (a failure between boxes).
BOX_NAMES = ("box", "child", "new_box", "table", "line", "page")
RESUME_NAMES = (("initial_root_box", "initial_resume_at"), ("root_box", "resume_at"), ("box", "skip_stack"))


@contextmanager
def renderer_failures() -> Iterator[None]:
    """Whatever WeasyPrint raises becomes a RendererFailure located at the block it was laying out:
    the innermost box of the traceback whose element carries `data-source` (the html stage sets it
    on every block and part), else the box where the page being made resumes."""
    try:
        yield
    except (RefusedResource, RendererFailure):  # already located (a nested layout: a chunk of a long table)
        raise
    except TimeLimit as error:
        where = _failing_source(error) or _styled_source(error)
        raise LayoutTimeLimit(where, str(error.seconds)) from error
    except Exception as error:
        detail = f"{type(error).__name__}{': ' if str(error) else ''}{str(error)[:200]}"
        raise RendererFailure(_failing_source(error), detail) from error


def _failing_source(error: BaseException) -> str:
    for frame, _ in reversed(list(traceback.walk_tb(error.__traceback__))):
        names = frame.f_locals
        for name in BOX_NAMES:
            if source := _source_of(names.get(name)):
                return source
        for box_name, resume_name in RESUME_NAMES:
            if source := _resumed_source(names.get(box_name), names.get(resume_name)):
                return source
    return ""


def _styled_source(error: BaseException) -> str:
    """Before any box exists (styles being computed), the element being styled: the nearest
    `data-source` among it and its ancestors (cssselect2's element wrappers know their parent)."""
    for frame, _ in reversed(list(traceback.walk_tb(error.__traceback__))):
        element = frame.f_locals.get("element")
        while element is not None and hasattr(element, "etree_element"):
            if source := element.etree_element.get("data-source"):
                return str(source)
            element = element.parent
    return ""


def _source_of(box: Any) -> str:
    element = getattr(box, "element", None)
    return str(element.get("data-source") or "") if hasattr(element, "get") else ""


def _resumed_source(box: Any, skip_stack: Any) -> str:
    """The deepest `data-source` on the path a skip stack ({child index: its skip stack}) takes down
    the box tree: where WeasyPrint was resuming. An index past the children (WeasyPrint lost its
    place) stands for the last child."""
    found = ""
    while box is not None and isinstance(skip_stack, dict) and len(skip_stack) == 1:
        found = _source_of(box) or found
        (index, skip_stack), = skip_stack.items()
        children = getattr(box, "children", None) or []
        box = children[min(index, len(children) - 1)] if children and isinstance(index, int) else None
    return _source_of(box) or found


def _layout_options(variant: str) -> dict[str, Any]:
    """Options that must be known at layout time (image handling happens there)."""
    keep = ("dpi", "jpeg_quality", "optimize_images", "output_intent")
    return {k: v for k, v in VARIANT_OPTIONS[variant].items() if k in keep}


# Inline SVG charts carry SVG presentation properties in `style`: WeasyPrint's SVG renderer uses them,
# its HTML CSS parser warns about them. Those warnings are not the designer's concern.
SVG_PROPERTY_WARNING = re.compile(
    r"^Ignored `(fill|stroke|text-anchor|dominant-baseline|clip-path|paint-order|font-stretch|"
    r"stroke-[a-z]+|fill-[a-z]+|stop-[a-z]+)\s*:")


FONT_FACE_FAILED = "Font-face %r cannot be loaded"


@contextmanager
def font_face_reasons(refused: list[str]) -> Iterator[None]:
    """WeasyPrint says `Font-face 'X' cannot be loaded` without the URL or the reason (those go to its
    debug log): name the sources the closed fetcher refused since the last such message."""
    seen = [len(refused)]

    def explain(record: logging.LogRecord) -> bool:
        if record.msg == FONT_FACE_FAILED and record.args:
            urls = refused[seen[0]:]
            seen[0] = len(refused)
            reason = (f"refused resource outside the project: {', '.join(u[:120] for u in urls)} (put the font "
                      "in fonts/ and name it there)") if urls else "no source is a font file that can be read"
            record.msg, record.args = "Font-face %r cannot be loaded: %s", (*record.args, reason)
        return True

    logger = logging.getLogger("weasyprint")
    logger.filters.insert(0, explain)  # before the filters that take warnings for the summary
    try:
        yield
    finally:
        logger.removeFilter(explain)


CSS_POSITION = re.compile(r"^(?P<message>.*?) at (?P<line>\d+):(?P<column>\d+)(?P<rest>.*)$")


@contextmanager
def located_warnings(path: Path) -> Iterator[list[Problem]]:
    """WeasyPrint's warnings while it parses one stylesheet, as problems located in that file. A logger
    filter takes them, so no other handler reports them a second time without their place."""
    found: list[Problem] = []

    def take(record: logging.LogRecord) -> bool:
        if record.levelno < logging.WARNING:
            return True
        message = record.getMessage()
        position = CSS_POSITION.match(message)
        text = f"{position['message']}{position['rest']}" if position else message
        entry = Problem(path, int(position["line"]) if position else 0, text, "warning")
        if entry not in found:
            found.append(entry)
        return False

    logger = logging.getLogger("weasyprint")
    logger.addFilter(take)
    try:
        yield found
    finally:
        logger.removeFilter(take)


class WeasyWarnings(logging.Handler):
    """Collects WeasyPrint's warnings (ignored CSS, missing resources) for the build summary, once each."""

    def __init__(self, expected: re.Pattern[str] | None = None) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []
        self.expected = expected

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage()
        if SVG_PROPERTY_WARNING.match(message) or (self.expected and self.expected.match(message)):
            return
        if message not in self.messages:
            self.messages.append(message)


@lru_cache(maxsize=1)
def weasyprint_version() -> str:
    import weasyprint
    return weasyprint.__version__
