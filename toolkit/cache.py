"""Cache entries that cannot lie: each carries the hash of its content, checked when it is read.

A damaged entry (truncated by a full disk, swapped, edited by hand, of another shape) is reported as a
warning through the `toolkit.cache` logger and rebuilt; the build collects those warnings for its
summary. Writes are atomic (pdf.write_atomic): a reader never sees half an entry."""
from __future__ import annotations

import hashlib
import logging
from pathlib import Path

from .errors import Problem

LOG = logging.getLogger("toolkit.cache")
# No entry is this large (a unit's PDF is a few MB, a CMYK photo at most the 60 MB of its source): a
# larger file in the cache (a sparse file, a link to a disk image) would be read whole into memory.
MAX_ENTRY_BYTES = 256 * 2**20


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def damaged(path: Path, reason: str, remedy: str = "rebuilt") -> None:
    """Report a cache entry that failed its check; the caller then rebuilds it."""
    problem = Problem(path, 0, f"damaged cache entry ({reason}): {remedy}", "warning")
    LOG.warning("%s", problem, extra={"problem": problem})


def read_entry(path: Path) -> bytes | None:
    """The bytes of a cache file, or None when there is none. Only regular files are read: a named pipe
    or a folder in the cache would block or raise."""
    try:
        if not path.is_file():
            return None
        if path.stat().st_size > MAX_ENTRY_BYTES:
            damaged(path, f"larger than {MAX_ENTRY_BYTES // 2**20} MB")
            return None
        return path.read_bytes()
    except OSError as error:
        damaged(path, error.strerror or type(error).__name__)
        return None


class CacheWarnings(logging.Handler):
    """Collects the damaged-entry warnings of one build."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.problems: list[Problem] = []

    def emit(self, record: logging.LogRecord) -> None:
        problem = getattr(record, "problem", None)
        if problem is not None and problem not in self.problems:
            self.problems.append(problem)
