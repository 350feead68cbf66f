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
