"""Messages a writer can act on: YAML syntax errors said in words with the fix, and "did you mean ...?".

The YAML parser reports what confused it (`mapping values are not allowed here`, `expected <block end>,
but found '<block mapping start>'`); here the text around its mark is read again to say what the writer
typed and what to type instead.
"""
from __future__ import annotations

import difflib
import re
import unicodedata
from typing import Any, Iterable

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


def explain_yaml_error(error: Any, text: str) -> tuple[int, str]:
    """(0-based line in `text`, message) for a ruamel MarkedYAMLError."""
    lines = text.split("\n")
    problem = str(getattr(error, "problem", "") or error)
    mark = getattr(error, "problem_mark", None) or getattr(error, "context_mark", None)
    context_mark = getattr(error, "context_mark", None)
    line = mark.line if mark else 0
    if "mapping values are not allowed" in problem and mark is not None:
        return line, _colon_or_indentation(lines, mark.line, mark.column)
    if problem.startswith("expected <block end>") and mark is not None:
        return line, _indentation(lines, mark.line)
    if "while parsing a flow" in str(getattr(error, "context", "")) and context_mark is not None:
        opened = lines[context_mark.line][context_mark.column:context_mark.column + 1] or "["
        closing = {"[": "]", "{": "}"}.get(opened, "]")
        return context_mark.line, (f"invalid YAML: the '{opened}' on this line is never closed with '{closing}': "
                                   f"close it, or put the value in quotes if '{opened}' is part of the text"
                                   + _fixed_line(lines, context_mark.line))
    if "found duplicate key" in problem:
        name = re.search(r'duplicate key "(.*?)" with', problem)
        return line, (f"invalid YAML: the key '{name[1] if name else '?'}' is given twice here: keep one")
    if "'\\t'" in problem or "\t" in problem:  # before the other characters that cannot start a value
        return line, "invalid YAML: a tab indents this line: YAML indents with spaces only; replace the tab by spaces"
    if "could not find expected ':'" in problem and context_mark is not None:
        # The parser marks the line after; the line without its colon is where the key started.
        where = context_mark.line
        typed = lines[where].strip() if where < len(lines) else ""
        return where, (f"invalid YAML: '{_short(typed)}' is not a 'key: value' line: add ': ' after the key, "
                       "or if it continues the value above, put that value in quotes")
    if "found undefined alias" in problem:
        return line, ("invalid YAML: a value starting with '*' is read as a reference (alias): put the value "
                      "in quotes" + _fixed_line(lines, line))
    character = re.search(r"found character '(.+?)' that cannot start any token", problem)
    if character:
        return line, (f"invalid YAML: a value cannot start with '{character[1]}': put the value in quotes"
                      + _fixed_line(lines, line))
    return line, f"invalid YAML: {problem}"


def _colon_or_indentation(lines: list[str], row: int, column: int) -> str:
    """`mapping values are not allowed here` at a colon: either a ': ' inside an unquoted value (the French
    'Rapport 2022 : le bilan'), or a `key:` line indented under a key that already has a value."""
    text = lines[row] if row < len(lines) else ""
    key = _key_of(text)
    if key and column > key.end("key"):  # `key: value`, and the colon at fault is in the value
        return (f"invalid YAML: the value of '{_key_name(key)}' contains a colon and a space, which YAML "
                f"reads as the start of another key: put the value in quotes" + _fixed_line(lines, row))
    above = _value_line_above(lines, row)
    if key and above is not None:
        return _indentation(lines, row, more=True)
    if above is not None:  # a value that goes on over several lines, with ': ' in its continuation
        return (f"invalid YAML: the value of '{above[1]}' (line {above[0] + 1}) goes on over several lines and "
                "contains ': ', which YAML reads as the start of another key: put the whole value in quotes")
    return "invalid YAML: a ': ' in a value is read as the start of another key: put the value in quotes"


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


def _indentation(lines: list[str], row: int, more: bool = False) -> str:
    """A line whose indentation fits no key above it: say how far it is indented and where it could go."""
    text = lines[row] if row < len(lines) else ""
    spaces = len(text) - len(text.lstrip(" "))
    typed = _key_of(text)
    what = f"'{_key_name(typed)}'" if typed else "this line"
    options = [f"by {column} spaces to go with '{name}' (line {index + 1})"
               for column, name, index in _key_columns_above(lines, row) if column != spaces]
    message = f"invalid YAML: wrong indentation: {what} is indented by {spaces} spaces"
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


def _key_name(match: re.Match[str]) -> str:
    return match["key"].strip().strip("\"'")


def _fixed_line(lines: list[str], row: int) -> str:
    """`: write title: "Rapport 2022 : le bilan"`, the line with its value quoted (an end comment kept out)."""
    text = lines[row] if row < len(lines) else ""
    key = KEY_LINE.match(text)
    if not key:
        return ""
    value, comment = text[key.end():].strip(), ""
    if " #" in value:
        value, _, rest = value.partition(" #")
        value, comment = value.rstrip(), "  #" + rest
    if not value or value[0] in "\"'":
        return ""
    if '"' not in value:
        quoted = '"' + value.replace("\\", "\\\\") + '"'
    else:
        quoted = "'" + value.replace("'", "''") + "'"
    return f", like this: {text[:key.end()].strip()} {quoted}{comment}"


def _short(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
