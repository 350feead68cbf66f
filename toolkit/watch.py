"""Watch a publication while designing it: rebuild on every save, refresh the previews of changed pages.

The loop is fed batches of file changes (from `watchfiles.watch` in the command line, from a list in
tests). For each batch it rebuilds with one long-lived `Builder` (fonts, stylesheets and worker processes
stay warm), compares the new PDF with the previous one (`toolkit.diff`) and writes PNG previews of the
changed pages only, plus the contact sheet, under OUT/<publication>/preview/.

A change that breaks the build (a content problem, a template syntax error, a crash) is reported and the
loop goes on: the last good PDF and its previews stay in place until the next good save.
"""
from __future__ import annotations

import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable

from .errors import ContentError, Problem

# Files the builder reads afresh on every build (content text, data, Jinja templates): their change
# needs no cache dropped. Stylesheets, theme tokens, fonts and images are kept by the warm renderer.
FRESH_EVERY_BUILD = {".md", ".yaml", ".yml", ".csv", ".html"}
PREVIEW_SCALE = 1.0
THUMB_SCALE = 0.25


@dataclass
class WatchEvent:
    """Something the loop did, for the caller to print or to check.

    kinds: `build` (a build starts), `change` (files changed), `built`, `failed` (content problems),
    `error` (any other exception), `previews` (PNG files refreshed; `seconds` counts from the change)."""

    kind: str
    message: str
    paths: list[tuple[str, Path]] = field(default_factory=list)
    seconds: float = 0.0
    result: Any = None                 # BuildResult of a successful build
    report: Any = None                 # DiffReport against the previous PDF
    problems: list[Problem] = field(default_factory=list)
    previews: list[Path] = field(default_factory=list)
    changed_pages: list[int] = field(default_factory=list)


@dataclass
class WatchStats:
    rebuilds: int = 0
    failures: int = 0
    timings: list[float] = field(default_factory=list)  # change seen → previews written, per good rebuild


def change_name(change: Any) -> str:
    """watchfiles' Change enum, or a plain string in tests."""
    return getattr(change, "name", str(change))


def needs_fresh_renderer(paths: Iterable[Path]) -> bool:
    """True when a changed file is one the warm renderer or the theme cache keeps: a stylesheet, a
    theme.yaml, a font, an image."""
    from .paths import LAYOUTS

    for path in map(Path, paths):
        suffix = path.suffix.lower()
        if suffix not in FRESH_EVERY_BUILD:
            return True
        if suffix != ".html" and path.resolve().is_relative_to(LAYOUTS.resolve()):
            return True  # theme.yaml
    return False


def forget_caches(builder: Any) -> None:
    """Drop what a warm builder remembers about themes, stylesheets, fonts and images."""
    builder.forget_theme()


class Session:
    """The state between two builds: the last good PDF, its copy to compare with, the thumbnails."""

    def __init__(self, builder: Any, publication: str, variant: str, pages: list[int] | None = None,
                 preview_dir: Path | None = None, scale: float = PREVIEW_SCALE, sheet: bool = True) -> None:
        from .build import output_path

        self.builder, self.publication, self.variant = builder, publication, variant
        self.pages = pages
        self.pdf = output_path(builder.out, publication, variant)
        self.previous = builder.out / ".cache" / "watch" / f"{publication}-{variant}.pdf"
        self.preview_dir = preview_dir or builder.out / publication / "preview"
        self.scale, self.sheet = scale, sheet
        self.thumbs: list[Any] = []

    def build(self) -> Any:
        return self.builder.build(self.publication, self.variant)

    def keep(self) -> None:
        """Remember the current PDF as the one the next build is compared with."""
        self.previous.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(self.pdf, self.previous)

    def changed_pages(self) -> tuple[list[int], Any]:
        from .diff import diff_pdfs

        if not self.previous.is_file():
            return list(range(1, _page_count(self.pdf) + 1)), None
        report = diff_pdfs(self.previous, self.pdf)
        return report.changed_pages, report

    def refresh(self, changed: list[int]) -> list[Path]:
        """PNG files of the changed pages (those of `pages` only, when given) and the contact sheet."""
        from .preview import contact_sheet, page_file, render_pages

        count = _page_count(self.pdf)
        self.preview_dir.mkdir(parents=True, exist_ok=True)
        wanted = [p for p in changed if p <= count and (self.pages is None or p in self.pages)]
        written = []
        for page, image in zip(wanted, render_pages(self.pdf, self.scale, [p - 1 for p in wanted])):
            path = page_file(self.preview_dir, self.variant, page)
            image.save(path)
            written.append(path)
        for stale in self.preview_dir.glob(f"{self.variant}-page-*.png"):  # pages the publication no longer has
            number = stale.stem.rpartition("-")[2]
            if number.isdigit() and int(number) > count:
                stale.unlink()
        if self.sheet:
            written.append(self._sheet(changed, count, contact_sheet, render_pages))
        return written

    def _sheet(self, changed: list[int], count: int, contact_sheet: Any, render_pages: Any) -> Path:
        """The contact sheet, redrawing only the thumbnails of changed pages (all of them when the
        page count changed: everything after the change has moved)."""
        if len(self.thumbs) != count:
            self.thumbs, stale = [None] * count, list(range(count))
        else:
            stale = [p - 1 for p in changed if p <= count]
        for index, image in zip(stale, render_pages(self.pdf, THUMB_SCALE, stale)):
            self.thumbs[index] = image
        from .preview import sheet_file

        path = sheet_file(self.preview_dir, self.variant)
        contact_sheet(self.thumbs).save(path)
        return path


def _page_count(pdf: Path) -> int:
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(str(pdf))
    try:
        return len(document)
    finally:
        document.close()


def watch_loop(builder: Any, publication: str, variant: str, changes: Iterable[set[tuple[Any, str]]],
               on_event: Callable[[WatchEvent], None], *, pages: list[int] | None = None,
               initial: bool = True, preview_dir: Path | None = None, scale: float = PREVIEW_SCALE,
               sheet: bool = True) -> WatchStats:
    """Build once (unless `initial` is false), then rebuild for every batch of changes until `changes` ends.

    `changes` yields sets of (change, path) as `watchfiles.watch` does. Every step is reported through
    `on_event`. A failing build is reported and the loop goes on with the last good PDF."""
    session = Session(builder, publication, variant, pages, preview_dir, scale, sheet)
    stats = WatchStats()
    if initial:
        _rebuild(session, [], time.perf_counter(), on_event, stats, first=True)
    elif session.pdf.is_file():
        session.keep()
    for batch in changes:
        seen = time.perf_counter()
        paths = without_transients(sorted((change_name(c), Path(p)) for c, p in batch))
        if not paths:
            continue
        names = ", ".join(f"{kind} {_short(path)}" for kind, path in paths[:5])
        more = f" and {len(paths) - 5} more" if len(paths) > 5 else ""
        on_event(WatchEvent("change", f"{names}{more}", paths))
        if needs_fresh_renderer(p for _, p in paths):
            forget_caches(builder)
        _rebuild(session, paths, seen, on_event, stats)
    return stats


def without_transients(paths: list[tuple[str, Path]]) -> list[tuple[str, Path]]:
    """Drop the files an editor or a tool created and removed within one batch (`sed -i`, atomic
    saves): they are not part of the publication."""
    added = {path for kind, path in paths if kind == "added"}
    deleted = {path for kind, path in paths if kind == "deleted"}
    transient = {path for path in added & deleted if not path.exists()}
    return [(kind, path) for kind, path in paths if path not in transient]


def _rebuild(session: Session, paths: list[tuple[str, Path]], seen: float,
             on_event: Callable[[WatchEvent], None], stats: WatchStats, first: bool = False) -> None:
    on_event(WatchEvent("build", f"building {session.publication} ({session.variant}) ...", paths))
    try:
        result = session.build()
    except ContentError as error:
        stats.failures += 1
        kept = " (the last good PDF stays)" if session.pdf.is_file() else ""
        on_event(WatchEvent("failed", f"{len(error.problems)} problem(s){kept}", paths,
                            time.perf_counter() - seen, problems=list(error.problems)))
        return
    except Exception as error:  # a template syntax error, a WeasyPrint crash: keep watching
        stats.failures += 1
        on_event(WatchEvent("error", describe(error), paths, time.perf_counter() - seen))
        return
    stats.rebuilds += 0 if first else 1
    on_event(WatchEvent("built", f"rebuilt in {result.seconds:.1f} s: {result.pages} pages → {result.path}",
                        paths, result.seconds, result=result))
    try:
        changed, report = session.changed_pages() if not first else (
            list(range(1, _page_count(session.pdf) + 1)), None)
        written = session.refresh(changed)
        session.keep()
    except Exception as error:  # a preview that cannot be drawn does not stop the watch
        on_event(WatchEvent("error", f"previews: {type(error).__name__}: {error}", paths,
                            time.perf_counter() - seen))
        return
    elapsed = time.perf_counter() - seen
    if not first:
        stats.timings.append(elapsed)
    what = report.summary() if report is not None else f"{len(changed)} page(s)"
    on_event(WatchEvent("previews", f"{what}; previews refreshed {elapsed:.1f} s after the change", paths,
                        elapsed, result=result, report=report, previews=written, changed_pages=changed))


def describe(error: Exception) -> str:
    """An exception as one line; template errors as `file:line: error: ...` like content problems."""
    line = getattr(error, "lineno", None)
    where = getattr(error, "filename", None) or getattr(error, "name", None)
    if line and where:
        message = getattr(error, "message", None) or error
        return f"{_short(Path(where))}:{line}: error: {type(error).__name__}: {message}"
    return f"{type(error).__name__}: {error}"


def _short(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except (ValueError, OSError):
        return str(path)


def watched_paths(builder: Any, publication: str) -> list[Path]:
    """What a publication is made of: its content folder, the themes, the fonts."""
    from .paths import FONTS, LAYOUTS

    return [path for path in (builder.content / publication, LAYOUTS, FONTS) if path.exists()]


def watch(builder: Any, publication: str, variant: str, on_event: Callable[[WatchEvent], None], *,
          pages: list[int] | None = None, stop_event: Any = None, debounce_ms: int = 400, step_ms: int = 50,
          paths: list[Path] | None = None, **options: Any) -> WatchStats:
    """Watch the publication's files with watchfiles until interrupted or `stop_event` is set."""
    import watchfiles

    changes = watchfiles.watch(*(paths or watched_paths(builder, publication)), debounce=debounce_ms,
                               step=step_ms, stop_event=stop_event, rust_timeout=500, yield_on_timeout=False,
                               raise_interrupt=False)
    return watch_loop(builder, publication, variant, changes, on_event, pages=pages, **options)


__all__ = ["WatchEvent", "WatchStats", "watch_loop", "watch", "watched_paths", "forget_caches"]
