"""Batch builds of editions: progress per edition, failures isolated, a manifest of what was written.

The runner takes a `concurrent.futures` executor. By default ("local") the editions are built one
after the other in this process by one Builder, whose worker processes lay out the units in parallel
and whose cache lets every edition reuse the parts it shares with the others. With an executor
(a process pool, or a Dask distributed client), each edition is a task of its own.
"""
from __future__ import annotations

import hashlib
import json
import time
import traceback
from concurrent.futures import Executor, Future, as_completed
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable

from .errors import ContentError


@dataclass
class Entry:
    """One line of the manifest."""

    edition: str | None
    variant: str
    status: str                      # "ok" or "failed"
    file: str | None = None
    pages: int = 0
    bytes: int = 0
    sha256: str | None = None
    seconds: float = 0.0
    warnings: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


class SerialExecutor(Executor):
    """Runs each submitted call at once, in this process (for the units of a build inside a task)."""

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        future: Future[Any] = Future()
        try:
            future.set_result(fn(*args, **kwargs))
        except BaseException as error:  # the caller reads it from the future, as with any executor
            future.set_exception(error)
        return future


def build_one(content: str, out: str, publication: str, edition: str | None, variant: str,
              theme: str | None = None, builder: Any = None) -> Entry:
    """Build one edition and describe it; a content problem becomes a failed entry, not an exception."""
    from .build import Builder

    started = time.perf_counter()
    own = builder is None
    builder = builder or Builder(content=Path(content), out=Path(out), theme_override=theme,
                                 executor=SerialExecutor())
    try:
        result = builder.build(publication, variant, edition=edition)
    except ContentError as error:
        return Entry(edition, variant, "failed", seconds=time.perf_counter() - started,
                     problems=[str(p) for p in error.problems])
    except Exception as error:  # an internal error in one edition must not stop the others
        return Entry(edition, variant, "failed", seconds=time.perf_counter() - started,
                     problems=[f"internal error: {error!r}", *traceback.format_exc().splitlines()[-3:]])
    finally:
        if own:
            builder.close()
    data = result.path.read_bytes()
    return Entry(edition, variant, "ok", str(result.path), result.pages, len(data),
                 hashlib.sha256(data).hexdigest(), round(result.seconds, 3), result.warnings)


def run_editions(publication: str, editions: Iterable[str | None], variants: Iterable[str], *,
                 content: Path, out: Path, theme: str | None = None, executor: Executor | None = None,
                 builder: Any = None, on_done: Callable[[int, int, Entry], None] | None = None) -> list[Entry]:
    """Build every (edition, variant); return the manifest entries in the order they were asked."""
    jobs = [(edition, variant) for edition in editions for variant in variants]
    entries: dict[tuple[str | None, str], Entry] = {}
    if executor is None:
        from .build import Builder

        local = builder or Builder(content=content, out=out, theme_override=theme)
        try:
            for index, (edition, variant) in enumerate(jobs, 1):
                entries[(edition, variant)] = build_one(str(content), str(out), publication, edition, variant,
                                                        theme, builder=local)
                if on_done:
                    on_done(index, len(jobs), entries[(edition, variant)])
        finally:
            if builder is None:
                local.close()
    else:
        futures = {executor.submit(build_one, str(content), str(out), publication, edition, variant, theme):
                   (edition, variant) for edition, variant in jobs}
        for index, future in enumerate(as_completed(futures), 1):
            entries[futures[future]] = future.result()
            if on_done:
                on_done(index, len(jobs), entries[futures[future]])
    return [entries[job] for job in jobs]


def write_manifest(out: Path, publication: str, entries: list[Entry]) -> Path:
    """`out/<publication>/manifest.json`, written atomically."""
    from .pdf import write_atomic

    path = out / publication / "manifest.json"
    write_atomic(path, (json.dumps({"publication": publication, "builds": [asdict(e) for e in entries]},
                                   ensure_ascii=False, indent=2) + "\n").encode())
    return path


def make_executor(kind: str, scheduler: str | None) -> tuple[Executor | None, Callable[[], None]]:
    """The executor named on the command line, and how to close it."""
    if kind == "local":
        return None, lambda: None
    if kind == "process":
        from concurrent.futures import ProcessPoolExecutor

        pool = ProcessPoolExecutor()
        return pool, pool.shutdown
    if kind == "dask":
        from distributed import Client

        client = Client(scheduler) if scheduler else Client(processes=True)
        return client.get_executor(), client.close
    raise ValueError(f"unknown executor {kind!r}")
