"""Load stage: read a publication folder into plain data that remembers each value's file and line."""
from __future__ import annotations

import hashlib

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq, TaggedScalar
from ruamel.yaml.error import MarkedYAMLError
from ruamel.yaml.reader import ReaderError

from .errors import Problems
from .messages import explain_yaml_error
from .resources import MAX_TEXT_BYTES, short

BLOCK_OPEN = re.compile(r"^(?P<colons>:{3,})\s*(?P<name>[A-Za-z][\w-]*)\s*$")
BLOCK_CLOSE = re.compile(r"^(?P<colons>:{3,})\s*$")
FRONT_MATTER = "---"


@dataclass
class Located:
    """A YAML value with the file and the line its mapping starts on (1-based)."""

    value: Any
    path: Path
    line: int
    broken: bool = False  # the YAML did not parse: its problem is reported, the (empty) value is not checked

    def line_of(self, loc: tuple[Any, ...]) -> int:
        """The line of the value at `loc` (a pydantic error location) inside this YAML value."""
        return self.line + yaml_line_offset(self.value, loc)


@dataclass
class RawProse:
    """A run of Markdown text between blocks."""

    text: str
    path: Path
    line: int


@dataclass
class RawBlock:
    """A `:::` block: its name, YAML fields and the parsed Markdown body after `---`."""

    name: str
    fields: Located
    body: list[RawProse | RawBlock]
    path: Path
    line: int
    has_body: bool = False


@dataclass
class RawPart:
    """One Markdown file of a publication: front matter and body."""

    path: Path
    front: Located
    body: list[RawProse | RawBlock]


@dataclass
class RawPublication:
    """Everything read from a publication folder, not yet validated."""

    root: Path
    meta: Located
    parts: list[RawPart] = field(default_factory=list)


def yaml_line_offset(node: Any, loc: tuple[Any, ...]) -> int:
    """Lines between the start of `node` and the deepest key of `loc` that exists in it (0-based)."""
    best = 0
    for key in loc:
        if isinstance(node, CommentedMap) and key in node:
            position = node.lc.key(key)
        elif isinstance(node, CommentedSeq) and isinstance(key, int) and 0 <= key < len(node):
            position = node.lc.item(key)
        else:
            break
        if position is None:  # ruamel records no positions inside some nodes (a tagged sequence)
            break
        best = position[0]
        node = node[key]
    return best


def _yaml() -> YAML:
    yaml = YAML(typ="rt")
    yaml.allow_duplicate_keys = False
    return yaml


MAX_FLOW_DEPTH = 100
FLOW_BRACKET = re.compile(r"[\[\]{}]")


def _too_deep(text: str) -> int | None:
    """The 0-based line where `[ {` nesting passes MAX_FLOW_DEPTH, or None. ruamel takes seconds on
    `[[[[...` (it fails at Python's recursion limit, after quadratic work): refuse it before parsing."""
    depth = 0
    for match in FLOW_BRACKET.finditer(text):
        depth += 1 if match.group() in "[{" else -1
        if depth > MAX_FLOW_DEPTH:
            return text.count("\n", 0, match.start())
    return None


def parse_yaml(text: str, path: Path, first_line: int, problems: Problems) -> Located:
    """Parse YAML text that starts at `first_line` of `path`; syntax errors become problems."""
    deep = _too_deep(text)
    if deep is not None:
        problems.error(path, first_line + deep, f"invalid YAML: values nested too deeply (more than "
                                                f"{MAX_FLOW_DEPTH} levels of [ ] or {{ }})")
        return Located(CommentedMap(), path, first_line, broken=True)
    before = len(problems.items)
    try:
        value = _yaml().load(text) if text.strip() else CommentedMap()
    except RecursionError:  # `[[[[...` thousands deep: the parser recurses once per level
        problems.error(path, first_line, "invalid YAML: values nested too deeply")
        value = CommentedMap()
    except MarkedYAMLError as error:
        row, message = explain_yaml_error(error, text, first_line)  # said in words, with the fix
        problems.error(path, first_line + row, message)
        value = CommentedMap()
    except ReaderError as error:  # a control character (NUL, ...): at its line, in one line
        line = first_line + text.count("\n", 0, max(0, error.position))
        code = error.character if isinstance(error.character, int) else ord(error.character)
        problems.error(path, line, f"invalid YAML: the character U+{code:04X} is not allowed "
                                   "(a control character): remove it")
        value = CommentedMap()
    except Exception as error:  # ruamel raises several unmarked types (duplicate keys, ...)
        problems.error(path, first_line, f"invalid YAML: {str(error).splitlines()[0] if str(error) else error!r}")
        value = CommentedMap()
    if len(problems.items) == before and _expanded_size(value) > MAX_VALUES:
        problems.error(path, first_line, f"invalid YAML: aliases (*name) expand to more than {MAX_VALUES} "
                                         "values: repeat less")
        value = CommentedMap()
    if len(problems.items) == before:
        value = _plain_values(value, path, first_line, (), problems, set())
    # Node positions are relative to the text; `first_line` anchors them in the file.
    return Located(value, path, first_line, broken=len(problems.items) > before)


MAX_VALUES = 100_000
CORE_TAG = "tag:yaml.org,2002:"
LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def _plain_values(value: Any, path: Path, first_line: int, loc: tuple[Any, ...], problems: Problems,
                  seen: set[int], line: int = 0) -> Any:
    """Content is text, numbers, lists and mappings. A YAML tag (`!thing`, `!!python/...`) or a lone
    surrogate (`"\\ud800"`, not a character) is reported where it is, instead of being quoted later as
    `TaggedScalar(...)` or ending in an encoding error; `!!str 12` is the text '12'. ruamel's positions
    count from the start of the text: `first_line` anchors them in the file."""
    line = line or first_line
    where = ".".join(str(k) for k in loc)
    label = f"'{where}': " if where else ""
    if isinstance(value, TaggedScalar):
        tag = str(value.tag.value or "")
        if tag == CORE_TAG + "str":
            value = str(value.value)
        else:
            problems.error(path, line, f"{label}the YAML tag '{tag.replace(CORE_TAG, '!!')}' is not allowed: "
                                       "remove it (content is text, numbers, lists and mappings)")
            return value
    if isinstance(value, str):
        if LONE_SURROGATE.search(value):
            problems.error(path, line, f"{label}'\\u{ord(LONE_SURROGATE.search(value).group()):x}' is half "
                                       "of a character (a lone surrogate escape), not a character: remove it")
        return value
    if not isinstance(value, (CommentedMap, CommentedSeq)) or id(value) in seen:
        return value  # a number, a boolean, null; or an alias already checked
    seen.add(id(value))
    tag = getattr(getattr(value, "tag", None), "value", None)
    if tag:
        problems.error(path, line, f"{label}the YAML tag '{str(tag).replace(CORE_TAG, '!!')}' is not allowed: "
                                   "remove it (content is text, numbers, lists and mappings)")
        return value
    keys = list(value.keys()) if isinstance(value, CommentedMap) else range(len(value))
    for key in keys:
        position = value.lc.key(key) if isinstance(value, CommentedMap) else value.lc.item(key)
        at = first_line + position[0] if position else line
        if isinstance(value, CommentedMap) and not isinstance(key, (str, int, float, bool)):
            problems.error(path, at, f"key {_plain_key(key)}: a key is a plain name: remove the YAML tag")
            continue
        value[key] = _plain_values(value[key], path, first_line, (*loc, key), problems, seen, at)
    return value


def _plain_key(key: Any) -> str:
    return repr(str(getattr(key, "value", key)))


def _expanded_size(value: Any, memo: dict[int, int] | None = None) -> int:
    """How many values the data holds once aliases are expanded ('billion laughs': 9 lines, 10⁹ values).
    ruamel shares one object per anchor, so counting each object once is fast."""
    memo = {} if memo is None else memo
    if not isinstance(value, (dict, list)):
        return 1
    if id(value) in memo:
        return memo[id(value)]
    memo[id(value)] = MAX_VALUES + 1  # a recursive alias counts as too many
    children = value.values() if isinstance(value, dict) else value
    total = 1
    for child in children:
        total += _expanded_size(child, memo)
        if total > MAX_VALUES:
            break
    memo[id(value)] = total
    return total


def read_text(path: Path, problems: Problems) -> str | None:
    """Read a UTF-8 file, reporting a missing file or bad encoding instead of raising."""
    try:
        # A named pipe or a device would block the read; a huge file would take minutes to lay out.
        if path.exists() and not path.is_file():
            problems.error(path, 0, "not a regular file: give a text file")
            return None
        if path.is_file() and path.stat().st_size > MAX_TEXT_BYTES:
            problems.error(path, 0, f"the file is larger than {MAX_TEXT_BYTES // 2**20} MB: split it into "
                                    "several parts")
            return None
        # utf-8-sig: a byte order mark (some Windows editors add one) is dropped, not read as text
        # that hides the front matter's first '---'.
        return path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        problems.error(path, 0, "file not found")
    except UnicodeDecodeError as error:
        line = path.read_bytes()[: error.start].count(b"\n") + 1
        problems.error(path, line, "not valid UTF-8 text: save the file as UTF-8")
    except OSError as error:
        problems.error(path, 0, f"cannot read file: {error.strerror}")
    return None


def split_lines(text: str) -> list[str]:
    """Lines as editors count them. Not str.splitlines(): it also cuts at U+2028, U+0085, form feeds...
    (pasted from word processors), which would shift every line number and cut YAML strings in two."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return lines[:-1] if lines and lines[-1] == "" else lines


# Blocks inside blocks: three levels is what content needs (article > zoom > figures); WeasyPrint's
# pagination slows down steeply through deeply nested boxes.
MAX_BLOCK_DEPTH = 5


def split_blocks(lines: list[str], path: Path, first_line: int, problems: Problems,
                 depth: int = 1) -> list[RawProse | RawBlock]:
    """Cut Markdown lines into prose runs and `:::` blocks (recursively for block bodies)."""
    items: list[RawProse | RawBlock] = []
    prose: list[str] = []
    prose_start = first_line
    i = 0
    while i < len(lines):
        opening = BLOCK_OPEN.match(lines[i])
        if not opening:
            if BLOCK_CLOSE.match(lines[i]):
                problems.error(path, first_line + i, "closing ':::' without an opening block")
            if not prose:
                prose_start = first_line + i
            prose.append(lines[i])
            i += 1
            continue
        if "".join(prose).strip():
            items.append(RawProse("\n".join(prose), path, prose_start))
        prose = []
        end, cut = _closing_line(lines, i, len(opening["colons"]))
        if end is None:
            # Its content is not read: the lines it swallowed would give misleading errors further down.
            problems.error(path, first_line + i, _never_closed(opening, lines, cut, first_line))
            i = len(lines) if cut is None else cut
            continue
        if depth > MAX_BLOCK_DEPTH:
            problems.error(path, first_line + i, f"block '{opening['name']}' is nested {depth} blocks deep: "
                                                 f"at most {MAX_BLOCK_DEPTH}")
            i = end + 1
            continue
        items.append(_read_block(opening["name"], lines[i + 1:end], path, first_line + i, problems, depth))
        i = end + 1
    if "".join(prose).strip():
        items.append(RawProse("\n".join(prose), path, prose_start))
    return items


def _closing_line(lines: list[str], start: int, colons: int) -> tuple[int | None, int | None]:
    """(the row of the block's closing line, None), or (None, the row of the next block that opens with as
    many colons or more, which cannot be inside it: a block inside another has fewer colons). (None, None):
    the block runs to the end unclosed."""
    for j in range(start + 1, len(lines)):
        closing = BLOCK_CLOSE.match(lines[j])
        if closing and len(closing["colons"]) == colons:
            return j, None
        opening = BLOCK_OPEN.match(lines[j])
        if opening and len(opening["colons"]) >= colons:
            return None, j
    return None, None


def _never_closed(opening: re.Match[str], lines: list[str], cut: int | None, first_line: int) -> str:
    name, colons = opening["name"], opening["colons"]
    if cut is None:
        return f"block '{name}' is never closed: add a line '{colons}' after its last line"
    other = BLOCK_OPEN.match(lines[cut])
    assert other is not None
    return (f"block '{name}' is never closed: add a line '{colons}' before line {first_line + cut}, where block "
            f"'{other['name']}' opens (to put '{other['name']}' inside '{name}' instead, give '{name}' more colons "
            f"than '{other['name']}': '{other['colons']}:' around '{other['colons']}')")


def _read_block(name: str, inner: list[str], path: Path, line: int, problems: Problems, depth: int = 1) -> RawBlock:
    """A block's lines: YAML fields, then an optional `---` line and its Markdown body."""
    split = next((k for k, text in enumerate(inner) if text.rstrip() == FRONT_MATTER), None)
    head = inner if split is None else inner[:split]
    fields = parse_yaml("\n".join(head), path, line + 1, problems)
    body: list[RawProse | RawBlock] = []
    if split is not None:
        body = split_blocks(inner[split + 1:], path, line + split + 2, problems, depth + 1)
    return RawBlock(name, fields, body, path, line, has_body=split is not None)


_PARTS_READ: dict[Path, tuple[str, RawPart | None, list[Any]]] = {}


def read_part(path: Path, problems: Problems) -> RawPart | None:
    """Read one Markdown part. A warm process (watch, batch of editions) keeps what it parsed and parses
    again only the files whose content changed: YAML parsing was most of a rebuild. Change is decided by
    a hash of the bytes, never by size and modification time, which `cp -p`, `rsync -t` or tar keep."""
    try:
        stamp = hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        stamp = None
    cached = _PARTS_READ.get(path)
    if stamp is not None and cached is not None and cached[0] == stamp:
        problems.extend(cached[2])
        return cached[1]
    found = Problems()
    part = _read_part(path, found)
    problems.extend(found.items)
    if stamp is not None:
        _PARTS_READ[path] = (stamp, part, list(found.items))
    return part


def _read_part(path: Path, problems: Problems) -> RawPart | None:
    """Read one Markdown part: its front matter (between `---` lines) and its body."""
    text = read_text(path, problems)
    if text is None:
        return None
    lines = split_lines(text)
    if not text.strip():
        problems.error(path, 1, "the file is empty: it must start with front matter: a '---' line, "
                                "'layout: ...', 'title: ...', then '---'")
        return None
    if lines[0].rstrip() != FRONT_MATTER:
        problems.error(path, 1, "the file must start with front matter: a '---' line, 'layout: ...', "
                                "'title: ...', then '---'")
        return RawPart(path, Located(CommentedMap(), path, 1), split_blocks(lines, path, 1, problems))
    end = next((k for k in range(1, len(lines)) if lines[k].rstrip() == FRONT_MATTER), None)
    if end is None:
        problems.error(path, 1, "front matter is never closed: add a '---' line after it")
        end = len(lines)
    front = parse_yaml("\n".join(lines[1:end]), path, 2, problems)
    body = split_blocks(lines[end + 1:], path, end + 2, problems)
    return RawPart(path, front, body)


def read_publication(root: Path, problems: Problems) -> RawPublication | None:
    """Read `publication.yaml` and every part it lists, collecting every problem on the way."""
    meta_path = root / "publication.yaml"
    text = read_text(meta_path, problems)
    if text is None:
        return None
    meta = parse_yaml(text, meta_path, 1, problems)
    publication = RawPublication(root, meta)
    parts = meta.value.get("parts") if isinstance(meta.value, CommentedMap) else None
    if not isinstance(parts, list):
        return publication  # the model reports the missing or malformed list
    seen: dict[str, int] = {}
    for index, name in enumerate(parts):
        if not isinstance(name, str):
            continue
        line = meta.line_of(("parts", index))
        # The same file twice would print it twice: surely a slip when editing the list.
        if name in seen:
            problems.error(meta_path, line, f"part '{short(name)}' is listed twice (first on line {seen[name]})")
            continue
        seen[name] = line
        part_path = (root / "sections" / name)
        if "\0" in name or not _inside(part_path, root):
            problems.error(meta_path, line, f"part '{short(name)}' is outside the publication folder")
            continue
        if part_path.exists() and not _is_file(part_path):  # a named pipe would block the read
            problems.error(meta_path, line, f"part '{short(name)}' is not a regular file: give a text file")
            continue
        if not _is_file(part_path):
            problems.error(meta_path, meta.line_of(("parts", index)),
                           f"part '{short(name)}' not found: expected a file sections/{short(name)}")
            continue
        part = read_part(part_path, problems)
        if part is not None:
            publication.parts.append(part)
    return publication


def _is_file(path: Path) -> bool:
    try:
        return path.is_file()
    except OSError:  # a name too long for the file system raises instead of answering False
        return False


def _inside(path: Path, root: Path) -> bool:
    try:
        path.resolve().relative_to(root.resolve())
    except ValueError:
        return False
    return True
