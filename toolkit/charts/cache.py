"""Rendered charts kept on disk, keyed by everything that changes their bytes.

A hit reads one file: matplotlib is not imported.
"""
from __future__ import annotations

import hashlib
import json
import os
import tempfile
from functools import lru_cache
from pathlib import Path

from ..cache import damaged, digest, read_entry
from . import render
from .models import ChartBlock, Where, load_chart_data
from .style import ChartStyle

PACKAGE = Path(__file__).resolve().parent
DEFAULT_CACHE_DIR = PACKAGE.parents[1] / "out" / ".cache" / "charts"


@lru_cache(maxsize=1)
def code_version() -> str:
    """Digest of the charts package's source and map data: an edit invalidates the cache."""
    digest = hashlib.sha256()
    # (typography.py too: chart texts are typeset with its rules)
    files = sorted(PACKAGE.rglob("*.py")) + [PACKAGE / "geodata" / "france.json", PACKAGE.parent / "typography.py"]
    for path in files:
        digest.update(str(path.relative_to(PACKAGE.parent)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


@lru_cache(maxsize=1)
def matplotlib_version() -> str:
    from importlib.metadata import version  # package metadata: does not import matplotlib

    return version("matplotlib")


def cache_key(block: ChartBlock, style: ChartStyle, data_dir: Path, where: Where | None = None) -> str:
    """sha256 of (block without its data source, normalised data, style, variant, versions)."""
    where = where or (Path(f"chart {block.title!r}"), 0)
    data = load_chart_data(block, data_dir, where)
    payload = {
        "type": block.type,
        "block": block.model_dump(mode="json", exclude={"data", "file"}),
        "data": data.as_json(),
        "style": style.fingerprint(),
        "variant": style.variant,
        "matplotlib": matplotlib_version(),
        "code": code_version(),
    }
    return hashlib.sha256(json.dumps(payload, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def render_chart_cached(block: ChartBlock, style: ChartStyle, data_dir: Path,
                        cache_dir: Path | None = None, *, where: Where | None = None) -> str:
    """`render_chart`, through a disk cache (default `out/.cache/charts`)."""
    cache_dir = Path(cache_dir) if cache_dir is not None else DEFAULT_CACHE_DIR
    key = cache_key(block, style, data_dir, where)
    path = cache_dir / key[:2] / f"{key}.svg"
    cached = _read_checked(path)
    if cached is not None:
        return cached
    svg = render.render_chart(block, style, data_dir, where=where)
    _write_atomic(path, svg + f"{SEAL}{digest(svg.encode())} -->\n")
    return svg


# Each cached SVG ends with the hash of what comes before: a truncated or edited file is drawn again.
SEAL = "\n<!-- toolkit-cache sha256="


def _read_checked(path: Path) -> str | None:
    data = read_entry(path)
    if data is None:
        return None
    svg, _, seal = data.decode("utf-8", "replace").rpartition(SEAL)
    if not svg or seal != f"{digest(svg.encode())} -->\n":
        damaged(path, "its content does not match its hash", "drawn again")
        return None
    return svg


def _write_atomic(path: Path, text: str) -> None:
    """Write beside the target then rename: readers never see half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=".svg")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
