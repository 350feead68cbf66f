"""`toolkit new`: start a publication from a commented starter that builds at once.

The starters are in `toolkit/starter/<kind>/`: a report uses every part layout and the common blocks,
a press release is one letterhead part. Their comments say what each key does; placeholders say what
to write (a figure is `XX` until the writer gives the one from the source: nothing is made up).
"""
from __future__ import annotations

import re
import shutil
from pathlib import Path

STARTERS = Path(__file__).resolve().parent / "starter"
KINDS = ("report", "press-release")
# A publication name is a folder name and the stem of its PDF files: keep it plain.
PLAIN_NAME = re.compile(r"^[a-z0-9]+(?:[-_][a-z0-9]+)*$")
MAX_NAME = 64


class NewPublicationError(ValueError):
    """The publication cannot be created; the message says what to change."""


def name_problem(name: str, content: Path) -> str | None:
    """Why `name` cannot be a new publication in `content`, or None."""
    from .html import slugify

    if not PLAIN_NAME.match(name) or len(name) > MAX_NAME:
        suggestion = slugify(name)[:MAX_NAME].strip("-")
        hint = f" (e.g. '{suggestion}')" if suggestion and suggestion != "x" else ""
        return (f"'{name}' is not a plain publication name: use lowercase letters, digits and '-', "
                f"at most {MAX_NAME} characters{hint}")
    if (content / name).exists() or (content / name).is_symlink():
        return f"{content / name} already exists: choose another name (nothing was changed)"
    return None


def create_publication(content: Path, name: str, kind: str = "report") -> list[Path]:
    """Copy the starter of `kind` to `content/name`; returns the files written. Refuses an existing or
    unplain name before writing anything; the folder appears whole or not at all."""
    if kind not in KINDS:
        raise NewPublicationError(f"unknown kind '{kind}': {' or '.join(KINDS)}")
    problem = name_problem(name, content)
    if problem:
        raise NewPublicationError(problem)
    staging = content / f".{name}.new"
    try:
        content.mkdir(parents=True, exist_ok=True)
        shutil.rmtree(staging, ignore_errors=True)
        shutil.copytree(STARTERS / kind, staging)
        (staging / "images").mkdir(exist_ok=True)
        (staging / "data").mkdir(exist_ok=True)
        staging.rename(content / name)
    except OSError as error:
        shutil.rmtree(staging, ignore_errors=True)
        raise NewPublicationError(f"cannot write {content / name}: {error.strerror or error}") from None
    return sorted(p for p in (content / name).rglob("*") if p.is_file())
