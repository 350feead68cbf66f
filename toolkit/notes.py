"""Footnotes: definitions gathered from the whole part, references checked, notes numbered.

A writer puts `[^label]` in the text and `[^label]: the note` anywhere in the same file (usually at
its end), even in another run of text or inside a block's body. Validation takes the definitions out
of the text and gives each text the notes it calls (so a block copied into an edition's regional
chapter carries its notes). The HTML stage numbers them from the whole publication, never from the
units being laid out, so every unit of a parts build agrees on numbers and ids.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator

from .errors import Problems
from .resources import short

# `[^label]: text` at the start of a line (up to 3 spaces in, as Markdown allows); the note goes on
# over the following indented lines.
DEFINITION = re.compile(r"^ {0,3}\[\^([^\]\s]+)\]:[ \t]*(.*)$")
FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
# About a third of a page of notes in one column: longer, WeasyPrint moves it (and the notes after it
# on that page) to the next page, away from its call.
LONG_NOTE_WORDS = 150


@dataclass(frozen=True)
class Definition:
    """A note as the writer defined it: its Markdown text and where."""

    label: str
    text: str
    path: Path
    line: int


def split_definitions(text: str, path: Path, first_line: int) -> tuple[str, list[Definition]]:
    """The text with its definition lines blanked (line numbers stay true) and the definitions."""
    lines = text.split("\n")
    found: list[Definition] = []
    fence: str | None = None
    i = 0
    while i < len(lines):
        opening = FENCE.match(lines[i])
        if opening and (fence is None or opening.group(1)[0] == fence):
            fence = None if fence else opening.group(1)[0]
        match = DEFINITION.match(lines[i]) if fence is None else None
        if not match:
            i += 1
            continue
        start, note = i, [match.group(2).strip()]
        lines[i] = ""
        i += 1
        while i < len(lines) and (lines[i][:1] in (" ", "\t")) and lines[i].strip() \
                and not DEFINITION.match(lines[i]):
            note.append(lines[i].strip())
            lines[i] = ""
            i += 1
        found.append(Definition(match.group(1), " ".join(n for n in note if n), path, first_line + start))
    return "\n".join(lines), found


@dataclass
class PartNotes:
    """The definitions of one part and which of them the text uses."""

    definitions: dict[str, Definition] = field(default_factory=dict)
    used: set[str] = field(default_factory=set)

    def add(self, definition: Definition, problems: Problems) -> None:
        first = self.definitions.get(definition.label)
        if first is not None:
            problems.error(definition.path, definition.line,
                           f"footnote [^{short(definition.label)}] is defined twice (first on line {first.line}): "
                           "give this note its own label")
            return
        if not definition.text:
            problems.error(definition.path, definition.line,
                           f"footnote [^{short(definition.label)}] has no text: write the note after the ':'")
        words = len(definition.text.split())
        if words > LONG_NOTE_WORDS:
            problems.warning(definition.path, definition.line,
                             f"footnote [^{short(definition.label)}] is {words} words long: a note that long "
                             "does not fit the foot of its page and pushes the notes after it to the next "
                             "page; put it in the text or in a zoom box")
        self.definitions[definition.label] = definition

    def report_unused(self, problems: Problems) -> None:
        for label, definition in self.definitions.items():
            if label not in self.used:
                problems.warning(definition.path, definition.line,
                                 f"footnote [^{short(label)}] is defined but the text never calls it: put "
                                 f"[^{short(label)}] where the note belongs, or remove the definition")


# ---------------------------------------------------------------- numbering (HTML stage)


@dataclass(frozen=True)
class Note:
    """A note as printed: its number, its unique anchor, its Markdown, and whether this text places it
    (a second call of the same note only links to it)."""

    number: int
    anchor: str
    text: str
    place: bool

    @property
    def call_anchor(self) -> str:
        return f"{self.anchor}_call"


def _prose_in(blocks: list[Any]) -> Iterator[Any]:
    from .html import walk_blocks

    for block in walk_blocks(blocks):
        if block.kind == "prose" and block.notes:
            yield block


def number_notes(publication: Any) -> dict[int, dict[str, Note]]:
    """Each text's notes (keyed by object identity, then label).

    Numbers follow the reading order, through the publication or restarting at each chapter
    (`footnotes: chapter`). Anchors are given as heading anchors are: parts an edition adds come last,
    so the base parts keep their ids (and their cached layout) in every edition."""
    from .markdown import note_labels

    calls: dict[int, list[tuple[str, tuple[int, str, str]]]] = {}
    for index, part in enumerate(publication.parts):
        for prose in _prose_in(part.body):
            # A note is one per part and label; copies of blocks (an edition's regional chapter) may
            # bring the same label from two files, so the text is part of the key.
            calls[id(prose)] = [(label, (index, label, prose.notes[label]))
                                for label in note_labels(prose.text) if label in prose.notes]
    anchors: dict[tuple[int, str, str], str] = {}
    for index, part in sorted(enumerate(publication.parts), key=lambda item: item[1].origin == "edition"):
        for prose in _prose_in(part.body):
            for _, key in calls[id(prose)]:
                # '_' is never in a heading's anchor (slugify): an article titled "Note 1" keeps its own.
                anchors.setdefault(key, f"note_{len(anchors) + 1}")
    numbers: dict[tuple[int, str, str], int] = {}
    per_chapter = publication.meta.footnotes == "chapter"
    found: dict[int, dict[str, Note]] = {}
    count = 0
    for part in publication.parts:
        if per_chapter and part.meta.layout == "chapter":
            count = 0
        for prose in _prose_in(part.body):
            notes = found.setdefault(id(prose), {})
            for label, key in calls[id(prose)]:
                if label in notes:
                    continue
                place = key not in numbers
                if place:
                    count += 1
                    numbers[key] = count
                notes[label] = Note(numbers[key], anchors[key], key[2], place)
    return found
