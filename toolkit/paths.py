"""Where the project's folders are: content, layouts, fonts and outputs."""
from __future__ import annotations

import os
from pathlib import Path

# The project root holds toolkit/, content/, layouts/, fonts/; TOOLKIT_ROOT moves it (tests, other projects).
ROOT = Path(os.environ.get("TOOLKIT_ROOT", Path(__file__).resolve().parent.parent))
CONTENT = ROOT / "content"
LAYOUTS = ROOT / "layouts"
FONTS = ROOT / "fonts"
OUT = ROOT / "out"
# Caches of rendered charts, images and units; TOOLKIT_CACHE moves them (benchmarks, tests).
CACHE = Path(os.environ.get("TOOLKIT_CACHE", OUT / ".cache"))
IMAGE_CACHE = CACHE / "images"


def use_environment(environment: dict[str, str]) -> None:
    """Take a batch client's TOOLKIT_CACHE and SOURCE_DATE_EPOCH in a worker started elsewhere (Dask).

    The modules read CACHE and IMAGE_CACHE once, at import: those already imported are pointed at the
    client's folder too."""
    import sys

    os.environ.update(environment)
    cache = Path(environment.get("TOOLKIT_CACHE", CACHE))
    moved = {"CACHE": (CACHE, cache), "IMAGE_CACHE": (IMAGE_CACHE, cache / "images")}
    for name, module in list(sys.modules.items()):
        if name == "toolkit" or name.startswith("toolkit."):
            for attribute, (old, new) in moved.items():
                if getattr(module, attribute, None) == old:
                    setattr(module, attribute, new)
