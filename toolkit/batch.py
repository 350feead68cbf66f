"""Batch builds of editions: progress per edition, failures isolated, a manifest of what was written.

The runner takes a `concurrent.futures` executor. By default ("local") the editions are built one
after the other in this process by one Builder, whose worker processes lay out the units in parallel
and whose cache lets every edition reuse the parts it shares with the others. With an executor
(a process pool, or a Dask distributed client), each edition is a task of its own.
"""
from __future__ import annotations

import hashlib
import json
import os
import time
import traceback
from concurrent.futures import FIRST_COMPLETED, BrokenExecutor, Executor, Future, wait
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable

from .errors import ContentError
from .workers import process_pool

Job = tuple[str | None, str]
MAX_ATTEMPTS = 3          # a task whose worker died runs again, alone the last time
POLL_SECONDS = 1.0
NO_WORKER_SECONDS = 60.0  # a Dask cluster without workers for this long: the rest is reported failed
CONNECT_SECONDS = 10


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
              theme: str | None = None, builder: Any = None, environment: dict[str, str] | None = None,
              parallel: bool = False) -> Entry:
    """Build one edition and describe it; a content problem becomes a failed entry, not an exception.
    `environment` is the client's (cache folder, build date), for a worker started elsewhere;
    `parallel` lays its units out in worker processes of its own (else in this process)."""
    from .build import Builder
    from .paths import use_environment

    if environment:
        use_environment(environment)
    started = time.perf_counter()
    own = builder is None
    builder = builder or Builder(content=Path(content), out=Path(out), theme_override=theme,
                                 executor=None if parallel else SerialExecutor())
    try:
        result = builder.build(publication, variant, edition=edition)
    except ContentError as error:
        return Entry(edition, variant, "failed", seconds=time.perf_counter() - started,
                     problems=[str(p) for p in error.problems])
    except OSError as error:  # a full or read-only output folder: nothing half-written, said in one line
        where = f" {error.filename}" if error.filename else ""
        return Entry(edition, variant, "failed", seconds=time.perf_counter() - started,
                     problems=[f"cannot write{where}: {error.strerror or error}"])
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
                 builder: Any = None, on_done: Callable[[int, int, Entry], None] | None = None,
                 task: Callable[..., Entry] = build_one, alive: Callable[[], bool] | None = None) -> list[Entry]:
    """Build every (edition, variant); return the manifest entries in the order they were asked.

    `task` builds one edition (`build_one`; tests pass one that kills its worker). `alive` tells whether
    the executor still has somewhere to run (Dask workers): when it stays false, the rest fails."""
    jobs = [(edition, variant) for edition in editions for variant in variants]
    # Paths and caches leave this process resolved: a Dask worker runs in another folder and environment.
    content, out = Path(content).resolve(), Path(out).resolve()
    if executor is None:
        entries = _run_here(publication, jobs, content, out, theme, builder, on_done)
    else:
        entries = _run_on(executor, task, publication, jobs, content, out, theme, on_done, alive)
    return [entries[job] for job in jobs]


def _run_here(publication: str, jobs: list[Job], content: Path, out: Path, theme: str | None, builder: Any,
              on_done: Callable[[int, int, Entry], None] | None) -> dict[Job, Entry]:
    """One after the other in this process, with one warm Builder (its workers lay out the units)."""
    from .build import Builder

    entries: dict[Job, Entry] = {}
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
    return entries


def _run_on(executor: Executor, task: Callable[..., Entry], publication: str, jobs: list[Job], content: Path,
            out: Path, theme: str | None, on_done: Callable[[int, int, Entry], None] | None,
            alive: Callable[[], bool] | None) -> dict[Job, Entry]:
    """Each edition a task of the executor. A task whose worker died (a killed process, a Dask
    KilledWorker) is submitted again, alone in a fresh worker the last time, then reported failed."""
    environment = worker_environment()
    entries: dict[Job, Entry] = {}
    losses: dict[Job, list[str]] = {job: [] for job in jobs}

    # In a process pool on this machine, the first job (the national edition, when it is asked for) is
    # built alone, its units laid out in parallel by workers of its own: it fills the cache with the
    # units every edition shares, which editions started side by side on a cold cache would each lay
    # out again. The other jobs start once it is done.
    first = jobs[0] if isinstance(executor, ProcessPool) and task is build_one and len(jobs) > 1 else None

    def submit(job: Job) -> Future[Entry]:
        isolated = len(losses[job]) == MAX_ATTEMPTS - 1 and hasattr(executor, "isolated")
        runner = executor.isolated() if isolated else executor  # type: ignore[attr-defined]
        options = {"parallel": True} if job == first and not losses[job] else {}
        return runner.submit(task, str(content), str(out), publication, *job, theme, environment=environment,
                             **options)

    def finish(job: Job, entry: Entry) -> None:
        entries[job] = entry
        if on_done:
            on_done(len(entries), len(jobs), entry)

    pending: dict[Future[Entry], Job] = {}

    def start(job: Job) -> None:
        try:
            pending[submit(job)] = job
        except Exception as error:  # the executor itself is gone (a closed Dask client, a lost scheduler)
            finish(job, Entry(*job, "failed", problems=[f"not built: it could not be started ({_why_lost(error)})"]))

    waiting = list(jobs)
    for job in [waiting.pop(0)] if first is not None else []:
        start(job)
    orphaned_since: float | None = None
    while pending or waiting:
        if waiting and (first is None or first in entries):
            for job in waiting:
                start(job)
            waiting.clear()
            continue
        done, _ = wait(pending, timeout=POLL_SECONDS, return_when=FIRST_COMPLETED)
        for future in done:
            job = pending.pop(future)
            entry = _entry_of(future, job, losses[job])
            if entry is None:
                start(job)
            else:
                finish(job, entry)
        orphaned_since = None if alive is None or alive() else (orphaned_since or time.monotonic())
        if pending and orphaned_since is not None and time.monotonic() - orphaned_since > NO_WORKER_SECONDS:
            for future, job in list(pending.items()):
                future.cancel()
                finish(job, Entry(*job, "failed", problems=[
                    f"not built: no worker left to build it for {NO_WORKER_SECONDS:.0f} s "
                    "(start Dask workers on the scheduler, or use --executor process)"]))
            pending.clear()
    return entries


def _entry_of(future: Future[Entry], job: Job, losses: list[str]) -> Entry | None:
    """The task's entry; None when its worker was lost and it should run again."""
    try:
        return future.result()
    except Exception as error:  # BrokenProcessPool, KilledWorker, a lost connection: the worker is gone
        losses.append(_why_lost(error))
    if len(losses) < MAX_ATTEMPTS:
        return None
    return Entry(*job, "failed", problems=[
        f"not built: the worker building it was lost {len(losses)} times ({losses[-1]}); it was killed "
        "or ran out of memory: the other editions are built"])


def _why_lost(error: BaseException) -> str:
    text = str(error).splitlines()[0] if str(error) else ""
    return f"{type(error).__name__}: {text}"[:200] if text else type(error).__name__


def worker_environment() -> dict[str, str]:
    """What a worker must see as this process does: the cache folder (resolved) and the build date."""
    from .paths import CACHE

    environment = {"TOOLKIT_CACHE": str(CACHE.resolve())}
    if "SOURCE_DATE_EPOCH" in os.environ:
        environment["SOURCE_DATE_EPOCH"] = os.environ["SOURCE_DATE_EPOCH"]
    return environment


def write_manifest(out: Path, publication: str, entries: list[Entry]) -> Path:
    """`out/<publication>/manifest.json`, written atomically. A batch updates the entries of the
    editions it built and keeps the others: building one edition never loses the rest."""
    from .pdf import write_atomic

    path = out / publication / "manifest.json"
    built = {(e.edition, e.variant) for e in entries}
    kept = [e for e in _read_manifest(path) if (e.get("edition"), e.get("variant")) not in built]
    write_atomic(path, (json.dumps({"publication": publication, "builds": kept + [asdict(e) for e in entries]},
                                   ensure_ascii=False, indent=2) + "\n").encode())
    return path


def _read_manifest(path: Path) -> list[dict[str, Any]]:
    """The builds listed by a previous manifest (none when it is missing or unreadable)."""
    try:
        builds = json.loads(path.read_text(encoding="utf-8")).get("builds", [])
    except (OSError, ValueError, AttributeError):
        return []
    return [b for b in builds if isinstance(b, dict)] if isinstance(builds, list) else []


class ProcessPool(Executor):
    """A process pool that starts afresh when a worker died (a broken pool takes no more work), and
    runs a suspect edition alone in a pool of one worker, so that one edition's crash is its own."""

    def __init__(self, workers: int | None = None) -> None:
        self.workers = workers
        self._pool = process_pool(workers)
        self._alone: list[Executor] = []

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        try:
            return self._pool.submit(fn, *args, **kwargs)
        except BrokenExecutor:
            self._pool.shutdown(wait=False, cancel_futures=True)
            self._pool = process_pool(self.workers)
            return self._pool.submit(fn, *args, **kwargs)

    def isolated(self) -> Executor:
        self._alone.append(process_pool(1))
        return self._alone[-1]

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        for pool in (self._pool, *self._alone):
            pool.shutdown(wait=wait, cancel_futures=cancel_futures)


class SchedulerError(Exception):
    """The Dask scheduler cannot be reached: said in one line, no traceback."""


def make_executor(kind: str, scheduler: str | None) -> tuple[Executor | None, Callable[[], None], Any]:
    """The executor named on the command line, how to close it, and whether it still has workers."""
    if kind == "local":
        return None, lambda: None, None
    if kind == "process":
        pool = ProcessPool()
        return pool, pool.shutdown, None
    if kind == "dask":
        client, cluster = dask_client(scheduler)

        def close() -> None:
            client.close()
            if cluster is not None:
                cluster.close()
        return dask_executor(client), close, lambda: _has_workers(client)
    raise ValueError(f"unknown executor {kind!r}")


def _has_workers(client: Any) -> bool:
    try:
        return bool(client.scheduler_info().get("workers"))
    except Exception:  # the scheduler is gone: no worker either
        return False


def dask_executor(client: Any) -> Executor:
    """Tasks not pure: a resubmitted edition is a new task, not the failed one Dask remembers."""
    return client.get_executor(pure=False)


def dask_client(scheduler: str | None) -> tuple[Any, Any]:
    """A client of `scheduler`, or of a local cluster listening on 127.0.0.1 only, without dashboard
    (then the cluster too, to close after the client)."""
    import dask
    from distributed import Client, LocalCluster

    # A task nobody can run fails instead of waiting forever; retries are ours (see _run_on).
    dask.config.set({"distributed.scheduler.no-workers-timeout": f"{NO_WORKER_SECONDS}s"})
    try:
        if scheduler:
            return Client(scheduler, timeout=CONNECT_SECONDS), None
        # The scheduler always serves HTTP (health, metrics): on loopback, any free port, no dashboard.
        cluster = LocalCluster(host="127.0.0.1", processes=True, threads_per_worker=1,
                               n_workers=max(1, min(4, os.cpu_count() or 1)),
                               scheduler_kwargs={"dashboard": False, "dashboard_address": "127.0.0.1:0"})
        return Client(cluster, timeout=CONNECT_SECONDS), cluster
    except (OSError, TimeoutError, ValueError) as error:
        where = scheduler or "a local cluster"
        raise SchedulerError(f"cannot reach the Dask scheduler at {where} within {CONNECT_SECONDS} s "
                             f"({type(error).__name__}: {str(error).splitlines()[0] if str(error) else ''}): "
                             "check the address (tcp://host:8786) and that the scheduler runs") from None
