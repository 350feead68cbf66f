"""Typography stage: French spacing and punctuation rules, applied to text nodes only."""
from __future__ import annotations

import re
from decimal import Decimal
from html.parser import HTMLParser
from html import escape

NNBSP = "\u202f"  # narrow no-break space: before ; ! ? and inside « »
NBSP = "\u00a0"   # no-break space: before : and between a number and its unit

# Elements whose text is code or data, never prose.
RAW_TEXT_ELEMENTS = {"script", "style", "code", "pre", "svg", "math", "kbd", "samp"}

_SPACES = "[ \u00a0\u202f]"
RULES: list[tuple[re.Pattern[str], str]] = [
    # Typographic apostrophe (l'ANCT → l’ANCT), only between letters.
    (re.compile(r"(?<=\w)'(?=\w)"), "\u2019"),
    # Three dots → ellipsis.
    (re.compile(r"\.\.\."), "\u2026"),
    # Guillemets: narrow no-break space inside « ». (Before the rules on ; ! ? : , which look at
    # the space that follows: the same text gives the same result when typeset twice.)
    (re.compile(rf"«{_SPACES}*"), "«" + NNBSP),
    (re.compile(rf"{_SPACES}*»"), NNBSP + "»"),
    # Narrow no-break space before ; ! ? (replacing any space there, adding one if missing).
    (re.compile(rf"(?<=[^\s\u00a0\u202f(\[]){_SPACES}?([;!?])(?![\w/=&])"), NNBSP + r"\1"),
    # The same at the start of a text node, after an inline tag: "<b>oui</b> !".
    (re.compile(rf"^{_SPACES}([;!?])(?![\w/=&])"), NNBSP + r"\1"),
    (re.compile(rf"^{_SPACES}:(?=\s|$)"), NBSP + ":"),
    # No-break space before a colon that ends a word (not in times 10:30 or URLs http://).
    # (Not after another colon: '::' would gain a space at each pass.)
    (re.compile(rf"(?<=[^\s\u00a0\u202f\d:]){_SPACES}?:(?=\s|$)"), NBSP + ":"),
    (re.compile(rf"(?<=\d){_SPACES}:(?=\s|$)"), NBSP + ":"),
    # Thousands: digit groups separated by a space become narrow no-break spaces (1 733, 18 088).
    (re.compile(r"(?<=\d)[ \u00a0](?=\d{3}(?!\d))"), NNBSP),
    # Units and signs after a number: 63 %, 19,5 M€, 2 Mds€, 43,2 ans stay on the number's line.
    (re.compile(r"(?<=\d)[ \u202f]?(%|‰|€|M€|Mds€|Md€|k€)(?!\w)"), NBSP + r"\1"),
    (re.compile(r"(?<=\d) (millions?|milliards?|ans|agents|km|m²|ha)\b"), NBSP + r"\1"),
    # Ordinal and honorific abbreviations keep their word: n° 3, M. Dupont.
    (re.compile(r"\b(n°|N°|M\.|Mme|Dr) (?=\w)"), r"\1" + NBSP),
    # Dash between spaces: the space before it must not break.
    (re.compile(r" ([–—]) "), NBSP + r"\1 "),
]


NBHY = "\u2011"  # non-breaking hyphen
COMPOUND = re.compile(r"\b[^\W\d_]+(?:-[^\W\d_]+)+\b")
SHORT_COMPOUND = 18


def _keep_compound(match: re.Match[str]) -> str:
    # WeasyPrint 70 mis-breaks justified lines at the hyphen of a compound word ("centres-" then
    # "villes," alone on a line): short compounds stay whole; long ones may still break at a hyphen.
    word = match.group(0)
    return word.replace("-", NBHY) if len(word) <= SHORT_COMPOUND else word


def french_text(text: str) -> str:
    """Apply the French rules to plain text (no markup inside)."""
    for pattern, replacement in RULES:
        text = pattern.sub(replacement, text)
    return COMPOUND.sub(_keep_compound, text)


class _TextOnly(HTMLParser):
    """Re-emits HTML unchanged except its text nodes, which get the French rules."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.out: list[str] = []
        self.raw_depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in RAW_TEXT_ELEMENTS:
            self.raw_depth += 1
        self.out.append(self.get_starttag_text() or "")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.out.append(self.get_starttag_text() or "")

    def handle_endtag(self, tag: str) -> None:
        if tag in RAW_TEXT_ELEMENTS and self.raw_depth:
            self.raw_depth -= 1
        self.out.append(f"</{tag}>")

    def handle_data(self, data: str) -> None:
        self.out.append(data if self.raw_depth else escape(french_text(data), quote=False))

    def handle_entityref(self, name: str) -> None:
        self.out.append(f"&{name};")

    def handle_charref(self, name: str) -> None:
        self.out.append(f"&#{name};")

    def handle_comment(self, data: str) -> None:
        self.out.append(f"<!--{data}-->")

    def handle_decl(self, decl: str) -> None:
        self.out.append(f"<!{decl}>")

    def handle_pi(self, data: str) -> None:
        self.out.append(f"<?{data}>")


def french_html(html: str) -> str:
    """Apply the French rules to the text nodes of an HTML fragment; tags and attributes are kept."""
    parser = _TextOnly()
    # Jinja escapes apostrophes as &#39;: make them plain so the rule sees the word around them
    # (a bare ' is valid both in text and in double-quoted attributes).
    parser.feed(html.replace("&#39;", "'"))
    parser.close()
    # An unclosed raw-text element (`<style>` without `</style>`) is left unparsed by HTMLParser,
    # which would drop it: keep it as it was.
    return "".join(parser.out) + parser.rawdata


def format_number(value: float | int | Decimal, decimals: int | None = None, locale: str = "fr_FR") -> str:
    """A number the French way through Babel: 1733 → '1 733', 19.5 → '19,5'."""
    from babel.numbers import format_decimal

    pattern = None if decimals is None else "#,##0." + "0" * decimals if decimals else "#,##0"
    return format_decimal(value, format=pattern, locale=locale)


def format_money(value: float | int | Decimal, unit: str = "€", locale: str = "fr_FR") -> str:
    """An amount with its unit, kept together: 19.5, 'M€' → '19,5 M€'."""
    return f"{format_number(value, locale=locale)}{NBSP}{unit}"


def format_percent(value: float | int | Decimal, locale: str = "fr_FR") -> str:
    """A percentage from a ratio through Babel: 0.63 → '63 %'."""
    from babel.numbers import format_percent as babel_percent

    return babel_percent(value, locale=locale)


# ---------------------------------------------------------------- headings

# Leading articles a kicker or a section name may add or drop ("ANCTour" / "L'ANCTour").
_LEADING_ARTICLE = re.compile(r"^(l['\u2019]\s*|(le|la|les|un|une|des|the|a|an)\s+)", re.I)


def heading_key(text: str | None) -> str:
    """A heading reduced to what a reader compares: no case, accents, Markdown, leading article or
    punctuation. Two headings with the same key say the same thing."""
    import unicodedata

    plain = unicodedata.normalize("NFKD", re.sub(r"<[^>]*>|[*_`]", "", text or ""))
    plain = "".join(c for c in plain if not unicodedata.combining(c)).casefold().strip()
    plain = _LEADING_ARTICLE.sub("", plain)
    return re.sub(r"\W+", "", plain)


def same_heading(first: str | None, second: str | None) -> bool:
    """`first` repeats `second` (a kicker equal to its heading, an article named as its part)."""
    return bool(first and second) and heading_key(first) == heading_key(second)


def typed_in_capitals(text: str | None) -> bool:
    """A heading typed all in capitals (not an acronym alone): the theme sets capitals per level."""
    words = re.findall(r"[^\W\d_]{2,}", re.sub(r"<[^>]*>", "", text or ""))
    return len(words) >= 2 and all(word.isupper() for word in words)
