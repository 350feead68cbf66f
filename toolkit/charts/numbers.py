"""Chart numbers: read them as authors type them, print them the French way."""
from __future__ import annotations

import math
import re

NNBSP = "\u202f"  # narrow no-break space: thousands separator, before % (CLDR fr)
NBSP = "\u00a0"  # no-break space: between a number and its unit (19,5 M€)
MINUS = "\u2212"
MAX_NUMBER = 1e15

_SPACES = re.compile(r"[\s\u00a0\u202f\u2009]+")


class NotANumber(ValueError):
    """The value cannot be read as a number."""


def parse_number(value: object, unit: str | None = None) -> float:
    """`12`, `19.5`, `"19,5"`, `"1 733"`, `"63 %"` (with unit `%`) -> float.

    Booleans, empty strings, NaN and infinities are refused with `NotANumber`.
    """
    if isinstance(value, bool) or value is None:
        raise NotANumber(f"{value!r} is not a number")
    if isinstance(value, (int, float)):
        number = float(value)
    elif isinstance(value, str):
        number = _parse_text(value, unit)
    else:
        raise NotANumber(f"{value!r} is not a number")
    if not math.isfinite(number):
        raise NotANumber(f"{value!r} is not a finite number")
    if abs(number) > MAX_NUMBER:
        # Past 15 digits a float no longer holds every digit, and French formatting fails (1e25).
        raise NotANumber(f"{value!r} is too large to chart (at most 10^15 in absolute value): give it in a "
                         "larger unit (M€, Md€) and name the unit")
    return number


def _parse_text(text: str, unit: str | None) -> float:
    cleaned = text.strip()
    if unit and cleaned.endswith(unit):
        cleaned = cleaned[: -len(unit)]
    cleaned = _SPACES.sub("", cleaned).replace(MINUS, "-")
    if cleaned.count(",") == 1 and "." not in cleaned:
        cleaned = cleaned.replace(",", ".")
    try:
        return float(cleaned)
    except ValueError:
        raise NotANumber(f"{text!r} is not a number{_unit_hint(text, unit)}") from None


_NUMBER_THEN_UNIT = re.compile(r"^\s*(?P<number>[-\u2212]?\d[\d\s\u00a0\u202f\u2009,.]*?)\s*(?P<unit>[^\d\s,.].*?)\s*$")


def _unit_hint(text: str, unit: str | None) -> str:
    """`21 %` without `unit: %` on the chart: say where the unit goes."""
    found = _NUMBER_THEN_UNIT.match(text)
    if not found:
        return ""
    try:
        _parse_text(found["number"], None)
    except NotANumber:
        return ""
    given = f" (the chart's unit is '{unit}')" if unit else ""
    return (f": write the number alone ({found['number']}) and give the chart `unit: \"{found['unit']}\"`"
            + given)


def format_number(value: float, unit: str | None = None) -> str:
    """French number: `1 733`, `19,5`, `−4`, then the unit (`63 %`, `19,5 M€`)."""
    from babel.numbers import format_decimal  # Babel is only needed when drawing

    text = format_decimal(value, locale="fr_FR").replace("-", MINUS)
    if not unit:
        return text
    space = NNBSP if unit in ("%", "‰") else NBSP
    return f"{text}{space}{unit}"


def nice_step(span: float, count: int) -> float:
    """A round step (1, 2, 2.5 or 5 × 10ⁿ) that splits `span` in about `count` parts."""
    raw = span / max(count, 1)
    if raw <= 0:
        return 1.0
    power = 10 ** math.floor(math.log10(raw))
    for factor in (1, 2, 2.5, 5, 10):
        if factor * power >= raw - 1e-12:
            return factor * power
    return 10 * power
