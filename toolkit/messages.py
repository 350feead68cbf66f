"""Messages a writer can act on: YAML syntax errors said in words with the fix, and "did you mean ...?".

The YAML parser reports what confused it (`mapping values are not allowed here`, `expected <block end>,
but found '<block mapping start>'`); here the text around its mark is read again to say what the writer
typed and what to type instead.
"""
from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass
from typing import Any, Iterable, Optional

# `key:` at the start of a line, after its indentation and any `- ` list markers.
KEY_LINE = re.compile(r"^(?P<indent> *)(?P<dashes>(?:- +)*)(?P<key>[^\s:#\-\"'{\[][^:#]*?|\"[^\"]*\"|'[^']*'):(?: |$)")


CLOSE_ENOUGH = 0.6  # difflib's ratio: 'chaptre' → 'chapter' is 0.86, 'poster' → 'photo' 0.55


def did_you_mean(name: Any, choices: Iterable[str]) -> str:
    """` (did you mean 'chapter'?)` for a name close to one of `choices`, else ''. Case and accents are
    ignored when comparing: `ile-de-france` finds `Île-de-France`."""
    if not isinstance(name, str) or not name.strip():
        return ""
    choices = list(choices)
    folded = {_fold(choice): choice for choice in choices}
    wanted = _fold(name)
    scored = sorted(((difflib.SequenceMatcher(None, wanted, key).ratio(), key) for key in folded), reverse=True)
    # The best guess, and a second one only when it is as close: 'agense' is 'agence', not 'base'.
    close = [key for score, key in scored if score >= CLOSE_ENOUGH and score >= scored[0][0] - 0.05][:2]
    found = [folded[c] for c in close if folded[c] != name]
    if not found:
        return ""
    return " (did you mean " + " or ".join(f"'{c}'" for c in found) + "?)"


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


# ---------------------------------------------------------------- YAML syntax errors


LINE_BREAK = re.compile("\r\n|[\r\n\x85\u2028\u2029]")


def explain_yaml_error(error: Any, text: str, first_line: int = 1) -> tuple[int, str]:
    """(0-based line in `text`, message) for a ruamel MarkedYAMLError: the first explanation that fits,
    else the parser's own words. `first_line`: the file line `text` starts on, for the lines named in
    the message."""
    lines = LINE_BREAK.split(text)  # as the parser counts lines, so that its marks index this list
    found = Found(str(getattr(error, "problem", "") or error), str(getattr(error, "context", "") or ""),
                  getattr(error, "problem_mark", None) or getattr(error, "context_mark", None),
                  getattr(error, "context_mark", None), lines, first_line)
    for explain in EXPLANATIONS:
        explained = explain(found)
        if explained is not None:
            return explained[0], "invalid YAML: " + explained[1]
    return found.row, f"invalid YAML: {found.problem}"


@dataclass
class Found:
    """What the parser said, and the text it said it about."""

    problem: str
    context: str
    mark: Any          # where it stopped
    context_mark: Any  # where the construct it was reading started
    lines: list[str]
    first_line: int    # the file line of lines[0]

    @property
    def row(self) -> int:
        return self.mark.line if self.mark is not None else 0


Explained = Optional[tuple[int, str]]


def _colon(found: Found) -> Explained:
    if "mapping values are not allowed" not in found.problem or found.mark is None:
        return None
    return found.row, _colon_or_indentation(found.lines, found.row, found.mark.column, found.first_line)


def _block_end(found: Found) -> Explained:
    if not found.problem.startswith("expected <block end>") or found.mark is None:
        return None
    text = _line(found.lines, found.row)
    key = _key_of(text)
    if key and found.mark.column >= key.end() and text[key.end():key.end() + 1] in "\"'":
        return found.row, (f"the value of '{_key_name(key)}' goes on after its closing quote: put the whole "
                           "value in quotes" + _fixed_line(found.lines, found.row, requote=True))
    return found.row, _indentation(found.lines, found.row, found.first_line)


def _document_start(found: Found) -> Explained:
    """The first line indented, the next ones not: the parser thinks a second document starts."""
    if "expected '<document start>'" not in found.problem or found.mark is None:
        return None
    first = next((t for t in found.lines if t.strip() and not t.lstrip().startswith("#")), "")
    indent = len(first) - len(first.lstrip(" "))
    here = _line(found.lines, found.row)
    if indent <= len(here) - len(here.lstrip(" ")):
        return None
    return found.row, (f"wrong indentation: the first line is indented by {indent} spaces and this one by "
                       f"{len(here) - len(here.lstrip(' '))}: start the first keys at the beginning of the line")


def _flow(found: Found) -> Explained:
    opened = _char_at(found.lines, found.context_mark)
    if "while parsing a flow" not in found.context or opened not in ("[", "{"):
        return None
    row = found.context_mark.line
    closing = {"[": "]", "{": "}"}[opened]
    return row, (f"the '{opened}' on this line is never closed with '{closing}': close it, or put the value in "
                 f"quotes if '{opened}' is part of the text" + _fixed_line(found.lines, row))


def _quoted(found: Found) -> Explained:
    quote = _char_at(found.lines, found.context_mark)
    if "while scanning a quoted scalar" not in found.context or quote not in ("\"", "'"):
        return None
    return found.context_mark.line, (f"the {quote} on this line opens a quoted value that is never closed: "
                                     f"add the closing {quote} at the end of the value")


def _duplicate(found: Found) -> Explained:
    name = re.search(r'duplicate key "(.*?)" with', found.problem)
    if not name:
        return None
    here = _line(found.lines, found.row)
    first = next((index for index in range(found.row - 1, -1, -1)
                  if (key := _key_of(found.lines[index])) and _key_name(key) == name[1]
                  and len(key["indent"]) + len(key["dashes"]) == len(here) - len(here.lstrip(" -"))), None)
    where = f" (first on line {first + found.first_line})" if first is not None else ""
    return found.row, f"the key '{name[1]}' is given twice here{where}: keep one"


def _tab(found: Found) -> Explained:
    if "'\\t'" not in found.problem and "\t" not in found.problem:
        return None
    return found.row, "a tab indents this line: YAML indents with spaces only; replace the tab by spaces"


def _no_colon(found: Found) -> Explained:
    if "could not find expected ':'" not in found.problem or found.context_mark is None:
        return None
    row = found.context_mark.line  # the parser marks the line after; the key started here
    typed = _line(found.lines, row).strip()
    return row, (f"'{_short(typed)}' is not a 'key: value' line: add ': ' after the key, or if it continues "
                 "the value above, put that value in quotes")


def _alias(found: Found) -> Explained:
    if "found undefined alias" not in found.problem:
        return None
    return found.row, ("a value starting with '*' is read as a reference (alias): put the value in quotes"
                       + _fixed_line(found.lines, found.row))


def _indicator(found: Found) -> Explained:
    character = re.search(r"found character '(.+?)' that cannot start any token", found.problem)
    if not character:
        return None
    return found.row, (f"a value cannot start with '{character[1]}': put the value in quotes"
                       + _fixed_line(found.lines, found.row))


# In order: a tab is also "a character that cannot start any token".
EXPLANATIONS = (_colon, _block_end, _document_start, _flow, _quoted, _duplicate, _tab, _no_colon, _alias,
                _indicator)


def _line(lines: list[str], row: int) -> str:
    return lines[row] if 0 <= row < len(lines) else ""


def _char_at(lines: list[str], mark: Any) -> str:
    if mark is None:
        return ""
    return _line(lines, mark.line)[mark.column:mark.column + 1]


def _colon_or_indentation(lines: list[str], row: int, column: int, first_line: int) -> str:
    """`mapping values are not allowed here` at a colon: either a ': ' inside an unquoted value (the French
    'Rapport 2022 : le bilan'), or a `key:` line indented under a key that already has a value."""
    text = _line(lines, row)
    key = _key_of(text)
    if key and column > key.end("key"):  # `key: value`, and the colon at fault is in the value
        return (f"the value of '{_key_name(key)}' contains a colon and a space, which YAML "
                f"reads as the start of another key: put the value in quotes" + _fixed_line(lines, row))
    above = _value_line_above(lines, row)
    if key and above is not None:
        return _indentation(lines, row, first_line, more=True)
    if above is not None:  # a value that goes on over several lines, with ': ' in its continuation
        return (f"the value of '{above[1]}' (line {above[0] + first_line}) goes on over several lines and "
                "contains ': ', which YAML reads as the start of another key: put the whole value in quotes")
    return "a ': ' in a value is read as the start of another key: put the value in quotes"


def _key_of(text: str) -> re.Match[str] | None:
    """The `key:` a line starts with, when it looks like a key (one word: `title`, `running_title`); words
    before a colon ('qui continue : ici') are the continuation of a value, not a key."""
    key = KEY_LINE.match(text)
    return key if key and re.fullmatch(r"[\w-]+", _key_name(key)) else None


def _value_line_above(lines: list[str], row: int) -> tuple[int, str] | None:
    """The nearest `key: value` line above `row` (its 0-based row and key), skipping blank lines."""
    for index in range(row - 1, -1, -1):
        if not lines[index].strip() or lines[index].lstrip().startswith("#"):
            continue
        key = _key_of(lines[index])
        if key and lines[index][key.end():].strip():
            return index, _key_name(key)
        return None
    return None


def _indentation(lines: list[str], row: int, first_line: int, more: bool = False) -> str:
    """A line whose indentation fits no key above it: say how far it is indented and where it could go."""
    text = _line(lines, row)
    spaces = len(text) - len(text.lstrip(" "))
    typed = _key_of(text)
    what = f"'{_key_name(typed)}'" if typed else "this line"
    options = [f"by {column} spaces to go with '{name}' (line {index + first_line})"
               for column, name, index in _key_columns_above(lines, row) if column != spaces]
    if text.lstrip(" ").startswith("- "):  # a list item: it lines up with the items above it
        what = f"the list item '{_short(text.strip(), 30)}'"
        options = [f"by {column} spaces to line up with the item on line {index + first_line}"
                   for column, index in _item_columns_above(lines, row) if column != spaces] or options
    message = f"wrong indentation: {what} is indented by {spaces} spaces"
    if more:
        message += (", under a key that already has its value on its line (a key indented further belongs "
                    "to the key above it, which then has no value of its own)")
    if options:
        message += "; indent it " + ", or ".join(options[:3])
    else:
        message += ", which does not fit the lines above it: line it up with the key it belongs with"
    return message


def _key_columns_above(lines: list[str], row: int) -> list[tuple[int, str, int]]:
    """The indentations a line at `row` may take: the column of each enclosing key above, nearest first,
    as (column, key, 0-based row)."""
    found: list[tuple[int, str, int]] = []
    limit = None
    for index in range(row - 1, -1, -1):
        text = lines[index]
        if not text.strip() or text.lstrip().startswith("#"):
            continue
        indent = len(text) - len(text.lstrip(" "))
        if limit is not None and indent >= limit:
            continue
        key = _key_of(text)
        if key:
            column = len(key["indent"]) + len(key["dashes"])
            if all(column != c for c, _, _ in found):
                found.append((column, _key_name(key), index))
        limit = indent
        if indent == 0:
            break
    return found


def _item_columns_above(lines: list[str], row: int) -> list[tuple[int, int]]:
    """The columns of the `- ` of the list items above `row`, nearest first, as (column, 0-based row)."""
    found: list[tuple[int, int]] = []
    for index in range(row - 1, -1, -1):
        text = lines[index]
        stripped = text.lstrip(" ")
        if not stripped or stripped.startswith("#"):
            continue
        column = len(text) - len(stripped)
        if stripped.startswith("- ") and all(column != c for c, _ in found):
            found.append((column, index))
        elif column == 0 and not stripped.startswith("- "):
            break  # a top-level key: the lists above it are not this one's
    return found


def _key_name(match: re.Match[str]) -> str:
    return match["key"].strip().strip("\"'")


def _fixed_line(lines: list[str], row: int, requote: bool = False) -> str:
    """`, like this: title: "Rapport 2022 : le bilan"`: the line with its value quoted (an end comment kept
    out). `requote`: the value starts with a quote that ends too early (`"Rapport" 2022`)."""
    text = _line(lines, row)
    key = KEY_LINE.match(text)
    if not key:
        return ""
    value, comment = text[key.end():].strip(), ""
    if " #" in value:
        value, _, rest = value.partition(" #")
        value, comment = value.rstrip(), "  #" + rest
    if not value or (value[0] in "\"'" and not requote):
        return ""
    if '"' not in value:
        quoted = '"' + value.replace("\\", "\\\\") + '"'
    else:
        quoted = "'" + value.replace("'", "''") + "'"
    return f", like this: {text[:key.end()].strip()} {quoted}{comment}"


def _short(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
