"""Worker processes that never outlive the process that started them.

A batch or a build killed with SIGKILL cannot shut its pool down: its workers would go on laying out
and writing files nobody asked for any more. Every pool of the toolkit starts its workers with
`die_with_parent`, which ends a worker as soon as its parent is gone.
"""
from __future__ import annotations

import os
import threading
import time
from concurrent.futures import ProcessPoolExecutor

WATCH_SECONDS = 0.2


def die_with_parent() -> None:
    """Pool initializer: a watchdog thread ends the worker once its parent process is gone.

    Not prctl(PR_SET_PDEATHSIG): that signal fires when the *thread* that started the worker ends,
    which in a pool (or a `watch` run from a thread) happens while the parent lives on."""
    parent = os.getppid()
    threading.Thread(target=_watch_parent, args=(parent,), name="die-with-parent", daemon=True).start()


def _watch_parent(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(WATCH_SECONDS)
    os._exit(1)


def process_pool(workers: int | None = None) -> ProcessPoolExecutor:
    """A process pool whose workers end with this process."""
    return ProcessPoolExecutor(max_workers=workers, initializer=die_with_parent)
