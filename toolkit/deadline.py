"""Time limits: a template loop or a part that would keep the build busy for hours stops instead.

Template rendering and each WeasyPrint layout (the whole file, or one unit of a parts build in its
worker) get `TOOLKIT_TIME_LIMIT` seconds each (default 3600: a 10 000-row table took 28 minutes
on a loaded two-core machine). When the time is up, `TimeLimit` is raised where the work is, so that the caller can name
the template line or the block being laid out.

In the main thread of a process (the command line, the workers of a parts build) the limit is a
timer signal. A signal only ever reaches the main thread, so in another thread (a build run by a Dask
worker) a watchdog thread raises TimeLimit in the working thread instead, through the interpreter's
asynchronous exceptions (PyThreadState_SetAsyncExc): like the signal, it lands at the next bytecode
the thread runs, in the template loop or the layout step where the time ran out, so the same code
names the place. A check in the toolkit's own hooks would miss loops that call none of them (a
template's empty nested loop, WeasyPrint laying out the rows of one table).
"""
from __future__ import annotations

import ctypes
import os
import signal
import sys
import threading
import time
import traceback
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator

ENV = "TOOLKIT_TIME_LIMIT"
DEFAULT_SECONDS = 3600.0
# Once the time is up, the signal comes back this often: code that catches every exception (WeasyPrint
# does, around images and fonts), or a finalizer the signal lands in (Python ignores what a __del__
# raises), cannot swallow the limit for good. Soon: a layout swallowing the first one may end before a
# slow repeat, and then run past its limit unreported.
REPEAT_SECONDS = 0.25


class TimeLimit(Exception):
    """The work went past its time limit."""

    def __init__(self, seconds: float) -> None:
        super().__init__(f"took more than {seconds:g} s")
        self.seconds = seconds


def limit_seconds() -> float:
    """The limit in seconds from TOOLKIT_TIME_LIMIT (0: none); the default when unset or not a number."""
    try:
        seconds = float(os.environ.get(ENV) or DEFAULT_SECONDS)
    except ValueError:
        return DEFAULT_SECONDS
    return seconds if seconds == seconds else DEFAULT_SECONDS  # NaN


def limit_problem(value: str) -> str:
    """What is wrong with a TOOLKIT_TIME_LIMIT value, '' when it is a number of seconds."""
    try:
        seconds = float(value)
    except ValueError:
        seconds = float("nan")
    if seconds != seconds or seconds < 0 or seconds == float("inf"):
        return f"{ENV}={value[:40]!r} is not a number of seconds (e.g. 600; 0 for no limit)"
    return ""


@contextmanager
def time_limit(seconds: float | None = None) -> Iterator[None]:
    """Raise TimeLimit in the code run inside once `seconds` (default: TOOLKIT_TIME_LIMIT) have passed."""
    seconds = limit_seconds() if seconds is None else seconds
    if seconds <= 0:
        yield
        return
    if threading.current_thread() is not threading.main_thread():
        with ThreadLimit(seconds):
            yield
        return

    def expired(signum: int, frame: object) -> None:
        if not isinstance(sys.exc_info()[1], TimeLimit):  # not while the limit is being reported
            raise TimeLimit(seconds)

    started = time.monotonic()
    previous = signal.signal(signal.SIGALRM, expired)
    outer = signal.setitimer(signal.ITIMER_REAL, seconds, REPEAT_SECONDS)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
        if outer[0] > 0:  # a timer set by someone else goes on with what it had left
            signal.setitimer(signal.ITIMER_REAL, max(outer[0] - (time.monotonic() - started), 0.001), outer[1])


class ThreadLimit:
    """The time limit of the thread that enters it, raised there by a watchdog thread (see the module's doc).

    Once it has left, no TimeLimit reaches the thread: the watchdog is stopped and one still pending is
    withdrawn under the same lock, and leaving is retried when the limit lands while leaving."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.target = threading.get_ident()
        self.stopped = threading.Event()
        self.lock = threading.Lock()
        self.live = True
        # The interpreter raises a class, made without arguments: one that knows its limit.
        self.raised = type("TimeLimit", (TimeLimit,), {"__init__": lambda error: TimeLimit.__init__(error, seconds),
                                                       "__reduce__": lambda error: (TimeLimit, (seconds,))})

    def __enter__(self) -> "ThreadLimit":
        threading.Thread(target=self._watch, name="toolkit-time-limit", daemon=True).start()
        return self

    def _watch(self) -> None:
        if self.stopped.wait(self.seconds):
            return
        while True:  # again every REPEAT_SECONDS: code catching every exception cannot swallow it
            with self.lock:
                if not self.live:
                    return
                _raise_in(self.target, self.raised)
            if self.stopped.wait(REPEAT_SECONDS):
                return

    def _stop(self) -> None:
        with self.lock:
            self.live = False
            _raise_in(self.target, None)  # one raised but not yet landed
        self.stopped.set()

    def __exit__(self, *exc: object) -> None:
        while True:
            try:
                self._stop()
                return
            except TimeLimit:  # landed before the watchdog could be stopped: stop it again
                continue


def _raise_in(thread_id: int, error: type[BaseException] | None) -> None:
    ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(thread_id), ctypes.py_object(error) if error else None)


PACKAGE = str(Path(__file__).parent)
# The html stage's own code (its sandbox, its helpers) runs for the templates, the signal handler for
# no one: neither side.
NEITHER_SIDE = (str(Path(__file__).parent / "html.py"), str(Path(__file__).parent / "sandbox.py"), __file__)


def interrupted_in_template(error: TimeLimit) -> bool:
    """Whether the time ran out in a template's own code (a loop), rather than in the toolkit turning a
    block of content into HTML (Markdown, typography, charts of a huge block): the innermost frame of
    either kind says."""
    for frame, _ in reversed(list(traceback.walk_tb(error.__traceback__))):
        filename = frame.f_code.co_filename
        if filename.endswith(".html"):
            return True
        if filename.startswith(PACKAGE) and filename not in NEITHER_SIDE:
            return False
    return True


def block_being_rendered(error: TimeLimit) -> Any:
    """The innermost content block (a local named `block` with its place) the interrupted code held."""
    for frame, _ in reversed(list(traceback.walk_tb(error.__traceback__))):
        block = frame.f_locals.get("block")
        if getattr(block, "_where", None):
            return block
    return None
