"""Problems in content, themes or files, reported as `path:line: level: message`."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class Problem:
    """One problem found in a source file; `line` is 1-based, 0 when unknown."""

    path: Path | str
    line: int
    message: str
    level: str = "error"
    kind: str = ""  # what the problem is about, for the stages that act on some ("missing-photo")

    def __str__(self) -> str:
        return f"{location(self.path, self.line)}: {self.level}: {one_line(self.message)}"


def location(path: Path | str, line: int) -> str:
    """`sections/01.md:12`, or the path alone when the line is unknown (0)."""
    readable = _readable(Path(path))
    return f"{readable}:{line}" if line else readable


MAX_MESSAGE = 600  # characters: a message quotes values, never pages of the input


def one_line(message: str) -> str:
    """A message as one line of bounded length, whatever the values it quotes."""
    text = " ".join(message.split())
    return text if len(text) <= MAX_MESSAGE else text[:MAX_MESSAGE - 1] + "…"


def _readable(path: Path) -> str:
    """Paths relative to the working folder when they are inside it: shorter and clickable."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except (ValueError, OSError):
        return str(path)


class ContentError(Exception):
    """Raised with every problem found, so the user fixes them all in one round."""

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(problems, key=lambda p: (str(p.path), p.line))
        super().__init__("\n".join(str(p) for p in self.problems))


@dataclass
class Problems:
    """Collects problems while a stage goes on; `raise_if_any` stops at the end of the stage."""

    items: list[Problem] = field(default_factory=list)

    def error(self, path: Path | str, line: int, message: str) -> None:
        self.items.append(Problem(path, line, message, "error"))

    def warning(self, path: Path | str, line: int, message: str, kind: str = "") -> None:
        self.items.append(Problem(path, line, message, "warning", kind))

    def extend(self, problems: list[Problem]) -> None:
        self.items.extend(problems)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.items if p.level == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.items if p.level == "warning"]

    def raise_if_any(self) -> None:
        if self.errors:
            raise ContentError(self.errors)
