"""Typography stage: French spacing and punctuation rules, applied to text nodes only."""
from __future__ import annotations

import re
from decimal import Decimal
from html.parser import HTMLParser
from html import escape, unescape
from typing import Any, Callable

NNBSP = "\u202f"  # narrow no-break space: before : ; ! ? and inside « »
NBSP = "\u00a0"   # no-break space: between a number and its unit, a day and its month
# Before ':' the space is a narrow no-break space too: WeasyPrint stretches U+00A0 like a word space in
# justified lines, and a colon drifting away from its word reads badly; U+202F keeps its width.
COLON_SPACE = NNBSP
MONTHS = "janvier|février|mars|avril|mai|juin|juillet|août|septembre|octobre|novembre|décembre"

# Elements whose text is code or data, never prose.
RAW_TEXT_ELEMENTS = {"script", "style", "code", "pre", "svg", "math", "kbd", "samp"}
# Elements whose text gets the rules but no markup (it is metadata, or inside a kept compound).
PLAIN_TEXT_ELEMENTS = {"title", "textarea", "option"}

_SPACES = "[ \u00a0\u202f]"
# A reference, not a quantity, follows these: "n° 1362", "réf. 12345", "p. 1024".
REFERENCE_BEFORE = re.compile(r"(?:\bn[°º]|\bN[°º]|\bno\.|\bréf\.|\bart\.|\bpp?\.)[ \u00a0\u202f]?$", re.IGNORECASE)
YEARS = range(1000, 2101)
# A number from 1000 to 2100 is a year ("en 2023", "2023 et 2024", "le 9 mars 2023") unless a noun or
# a unit follows it: in French a quantity comes before what it counts ("1362 personnes", "1500 €").
FUNCTION_WORDS = {"et", "ou", "à", "au", "aux", "de", "des", "du", "en", "le", "la", "les", "l", "un", "une",
                  "pour", "par", "sur", "dans", "avec", "sans", "a", "ont", "est", "sont", "était", "fut",
                  "qui", "que", "où", "puis", "mais", "donc", "car", "ni", "se", "s", "il", "elle", "on",
                  "nous", "vous", "ils", "elles", "ce", "cette", "ces", "contre", "vers", "entre", *MONTHS.split("|")}
QUANTITY_AFTER = re.compile(r",\d|[ \u00a0\u202f]?(?:[%‰€$£]|M€|k€|Md)|[ \u00a0]([a-zà-ÿ]+)")
YEAR_BEFORE = re.compile(rf"\b(?:en|depuis|dès|jusqu[’']en|avant|après|année|années|an|fin|début|{MONTHS})"
                         r"[ \u00a0]$", re.IGNORECASE)


def _is_year(text: str, start: int, end: int) -> bool:
    if YEAR_BEFORE.search(text[max(0, start - 12):start]):
        return True
    after = QUANTITY_AFTER.match(text, end)
    return after is None or (after.group(1) is not None and after.group(1) in FUNCTION_WORDS)


def _group_digits(match: re.Match[str], years: bool = True) -> str:
    """1362 → 1 362, 18088 → 18 088 (U+202F), but not a year (1000 to 2100), a number starting with 0
    (phone, code), a postcode (five digits before a capitalised name) or a numbered reference."""
    digits, text = match.group(0), match.string
    if digits[0] == "0" or (years and len(digits) == 4 and int(digits) in YEARS
                            and _is_year(text, match.start(), match.end())):
        return digits
    if len(digits) == 5 and re.match(r"[ \u00a0][A-ZÀ-Ý]", text[match.end():match.end() + 2]):
        return digits
    if REFERENCE_BEFORE.search(text[max(0, match.start() - 6):match.start()]):
        return digits
    head = len(digits) % 3 or 3
    return NNBSP.join([digits[:head]] + [digits[i:i + 3] for i in range(head, len(digits), 3)])


DIGITS = re.compile(r"(?<![\w/.,:@#=?&+\u2212-])\d{4,9}(?![\w/@#-]|[.:]\d)")

RULES: list[tuple[re.Pattern[str], Any]] = [
    # Typographic apostrophe (l'ANCT → l’ANCT), between letters or ending an elision before markup
    # ("l'" then <strong>Agence</strong>).
    (re.compile(r"(?<=\w)'(?=\w|$)"), "\u2019"),
    # Straight double quotes → guillemets (their spaces come with the next rules).
    (re.compile(r'(?<![^\s(\[\u00a0\u202f])"(?=[^\s"])'), "«"),
    (re.compile(r'(?<=\S)"(?!\w)'), "»"),
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
    (re.compile(rf"^{_SPACES}:(?=\s|$)"), COLON_SPACE + ":"),
    # No-break space before a colon that ends a word (not in times 10:30 or URLs http://).
    # (Not after another colon: '::' would gain a space at each pass.)
    (re.compile(rf"(?<=[^\s\u00a0\u202f\d:]){_SPACES}?:(?=\s|$)"), COLON_SPACE + ":"),
    (re.compile(rf"(?<=\d){_SPACES}:(?=\s|$)"), COLON_SPACE + ":"),
    # Thousands: digit groups separated by a space become narrow no-break spaces (1 733, 18 088).
    (re.compile(r"(?<=\d)[ \u00a0](?=\d{3}(?!\d))"), NNBSP),
    # Before % and ‰ a narrow no-break space, fixed in justified lines like the one before ':'.
    (re.compile(r"(?<=\d)[ \u00a0\u202f]?([%‰])"), NNBSP + r"\1"),
    # Units after a number: 19,5 M€, 2 Mds€, 43,2 ans stay on the number's line.
    (re.compile(r"(?<=\d)[ \u202f]?(€|M€|Mds€|Md€|k€)(?!\w)"), NBSP + r"\1"),
    (re.compile(r"(?<=\d) (millions?|milliards?|ans|agents|km|m²|ha)\b"), NBSP + r"\1"),
    # A day stays with its month: "9 et 10 novembre", "1er janvier" never end a line before the month.
    (re.compile(rf"(?<![\d,.])(\d{{1,2}}(?:er)?) ({MONTHS})\b", re.IGNORECASE), r"\1" + NBSP + r"\2"),
    # … and a range of days with them: "9 et 10 novembre", "du 25 au 30 octobre".
    (re.compile(rf"(?<![\d,.])(\d{{1,2}}(?:er)?) (et|au) (?=\d{{1,2}}(?:er)?\u00a0(?:{MONTHS})\b)", re.IGNORECASE),
     r"\1" + NBSP + r"\2" + NBSP),
    # Ordinal and honorific abbreviations keep their word: n° 3, M. Dupont.
    (re.compile(r"\b(n°|N°|M\.|Mme|Dr) (?=\w)"), r"\1" + NBSP),
    # Numbers of four to nine digits typed without their thin space (longer ones are identifiers);
    # not inside a code, an address, a date or a decimal part: 1362 → 1 362, A1362, 3,14159, 12/2023.
    (DIGITS, _group_digits),
    # Dash between spaces: the space before it must not break.
    (re.compile(r" ([–—]) "), NBSP + r"\1 "),
]


# Compounds typed with '-' keep that character, so that what a reader searches and copies is what the
# writer typed (a non-breaking hyphen U+2011 extracts as U+2010 or U+2011 depending on the font
# subset). Short ones are kept on one line by markup instead: WeasyPrint 70 mis-breaks justified lines
# at the hyphen of a compound ("centres-" then "villes," alone on a line), and a reader that joins a
# line-end hyphen reads "Pierrefittesur-Seine". Longer ones may still break after a hyphen.
COMPOUND = re.compile(r"(?<![\w/.@-])[^\W_]+(?:-[^\W_]+)+(?![\w/@-]|\.\w)")
LONGEST_UNBROKEN_COMPOUND = 24
NOBR_CLASS = "nobr"


def _keep_compound(match: re.Match[str]) -> str:
    word = match.group(0)
    if len(word) > LONGEST_UNBROKEN_COMPOUND:
        return word
    return f'<span class="{NOBR_CLASS}">{word}</span>'


APOSTROPHE = RULES[0][0]


def curly_apostrophes(text: str) -> str:
    """l'ANCT → l’ANCT: for text drawn outside the HTML (chart labels)."""
    return APOSTROPHE.sub("\u2019", text)


def french_text(text: str, figures: bool = False) -> str:
    """Apply the French rules to plain text (no markup inside). `figures`: the text is a cell of a
    column of figures, where a number from 1000 to 2100 is a quantity like its neighbours, not a year."""
    if figures:
        text = DIGITS.sub(lambda match: _group_digits(match, years=False), text)
    for pattern, replacement in RULES:
        text = pattern.sub(replacement, text)
    return text


# Web and mail addresses in text: with a scheme, from www., or a bare domain (agence.gouv.fr),
# without the punctuation that ends the sentence after them.
URL = re.compile(r"""(?<![\w@/.-])(?:(?:https?://|mailto:|www\.)[^\s<>"]+?|[\w.+-]+@[\w-]+(?:\.[\w-]+)+|"""
                 r"""[\w-]+(?:\.[\w-]+)*\.[a-z]{2,6}(?:/[^\s<>"]*?)?)(?=[.,;:!?)\]»\u202f\u00a0]*(?:\s|$))""")
# A URL may break after these, with no hyphen added. Not after '-': readers take a '-' at a line end
# for a hyphenation and drop it ("agencecohesion"), so the address would not copy as typed; the
# pieces with a '-' are kept whole (a line may break after a '-' otherwise, hyphens: none or not).
URL_BREAK_AFTER = re.compile(r"(?:(?<=[&.?=@])|(?<=/)(?!/))(?!$)")


def _url(address: str) -> str:
    pieces = [escape(piece, quote=False) for piece in URL_BREAK_AFTER.split(address)]
    kept = [f'<span class="{NOBR_CLASS}">{piece}</span>' if "-" in piece else piece for piece in pieces]
    return '<span class="url">' + "<wbr>".join(kept) + "</span>"


def _prose(text: str) -> str:
    return COMPOUND.sub(_keep_compound, escape(text, quote=False))


def text_markup(text: str) -> str:
    """Running text as HTML: addresses break only after / . ? & = @ (class url: not hyphenated),
    short compounds are kept on one line (class nobr), the rest escaped."""
    pieces = []
    last = 0
    for match in URL.finditer(text):
        pieces += [_prose(text[last:match.start()]), _url(match.group(0))]
        last = match.end()
    pieces.append(_prose(text[last:]))
    return "".join(pieces)


VOID_ELEMENTS = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
                 "track", "wbr"}
MARKED_SPANS = {"nobr", "url"}
READ_ALOUD = {"alt", "aria-label"}
FIGURES_CELL = "#figures"  # a mark in the open elements: inside a cell of a column of figures  # attributes whose text a reader hears: they get the rules too  # made here: their text has had the rules already
INLINE_ELEMENTS = {"a", "abbr", "b", "cite", "del", "em", "i", "ins", "mark", "q", "s", "small", "span",
                   "strong", "sub", "sup", "u"}
# The spaces that end a text right before an inline element ("par le «\u202f<strong>Prix", "les
# collectivités <strong>dans") go inside that element: WeasyPrint 70 measures the trailing space that
# Pango leaves out, so it finds a text that fits too wide, and keeps only its first word on the line
# (the lone "La", "Deveco," or a hyphenated "accom-", the rest on the next line).
TRAILING_SPACE = re.compile("[ \t\n\u00a0\u202f]+$")


class _TextOnly(HTMLParser):
    """Re-emits HTML unchanged except its text, which gets the French rules. The text between two tags
    is taken whole (entities decoded), so that a rule sees an address or a word across `&amp;`."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.out: list[str] = []
        self.text: list[str] = []  # the text since the last tag, as written
        # Open elements and how their text is treated: "raw" (code, data: left alone), "plain" (the rules
        # but no markup: metadata), None (running text).
        self.open: list[tuple[str, str | None]] = []
        self.carried = ""  # spaces moved to the start of the next inline element's text

    @property
    def in_figures(self) -> bool:
        """Inside a table cell of a column of figures (marked by the Markdown stage)."""
        return any(name == FIGURES_CELL for name, _ in self.open)

    @property
    def mode(self) -> str | None:
        modes = [mode for _, mode in self.open if mode]
        return "raw" if "raw" in modes else (modes[-1] if modes else None)

    def flush(self, next_tag: str | None = None) -> None:
        """Write the text since the last tag; `next_tag` is the start tag that follows it, if any."""
        written, self.text = "".join(self.text), []
        if not written and not self.carried:
            return
        if self.mode == "raw":
            self.out.append(self.carried + written)
            self.carried = ""
            return
        text = french_text(unescape(written), figures=self.in_figures)
        if self.carried:
            # (Typeset twice, the element's text already starts with them.)
            text = text if text[:1].isspace() else self.carried + text
            self.carried = ""
        if next_tag in INLINE_ELEMENTS and (space := TRAILING_SPACE.search(text)):
            text, self.carried = text[:space.start()], space.group(0)
        self.out.append(escape(text, quote=False) if self.mode == "plain" else text_markup(text))

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        marked = tag == "span" and dict(attrs).get("class") in MARKED_SPANS
        self.flush(None if marked else tag)  # (the space before a span made here stayed outside it)
        if tag not in VOID_ELEMENTS:
            self.open.append((tag, "raw" if tag in RAW_TEXT_ELEMENTS or marked
                              else "plain" if tag in PLAIN_TEXT_ELEMENTS else None))
            if tag in ("td", "th") and "data-figures" in dict(attrs):
                self.open.append((FIGURES_CELL, None))  # closed with its cell
        self.out.append(self.start_tag(tag, attrs))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.flush()
        self.out.append(self.start_tag(tag, attrs, "/>"))

    def start_tag(self, tag: str, attrs: list[tuple[str, str | None]], end: str = ">") -> str:
        """The tag as written, or, when it carries text read aloud (alt, aria-label) outside code,
        written again with that text typeset."""
        if self.mode == "raw" or not any(name in READ_ALOUD for name, _ in attrs):
            return self.get_starttag_text() or ""
        written = "".join(f" {name}" if value is None else
                          f' {name}="{escape(french_text(value) if name in READ_ALOUD else value)}"'
                          for name, value in attrs)
        return f"<{tag}{written}{end}"

    def handle_endtag(self, tag: str) -> None:
        self.flush()
        if self.open and self.open[-1][0] == FIGURES_CELL and tag in ("td", "th"):
            self.open.pop()
        names = [name for name, _ in self.open]
        if tag in names:
            del self.open[len(names) - 1 - names[::-1].index(tag):]
        self.out.append(f"</{tag}>")

    def handle_data(self, data: str) -> None:
        self.text.append(data)

    def handle_entityref(self, name: str) -> None:
        self.text.append(f"&{name};")

    def handle_charref(self, name: str) -> None:
        self.text.append(f"&#{name};")

    def handle_comment(self, data: str) -> None:
        self.flush()
        self.out.append(f"<!--{data}-->")

    def handle_decl(self, decl: str) -> None:
        self.flush()
        self.out.append(f"<!{decl}>")

    def handle_pi(self, data: str) -> None:
        self.flush()
        self.out.append(f"<?{data}>")


def french_html(html: str) -> str:
    """Apply the French rules to the text nodes of an HTML fragment; tags and attributes are kept."""
    parser = _TextOnly()
    # Jinja escapes apostrophes as &#39;: make them plain so the rule sees the word around them
    # (a bare ' is valid both in text and in double-quoted attributes).
    parser.feed(html.replace("&#39;", "'"))
    parser.close()
    parser.flush()
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


# ---------------------------------------------------------------- page turns

# A word hyphenated at the foot of a page is read in two halves a page turn apart. WeasyPrint has no
# `hyphenate-limit-last`: after the layout, the words cut there are kept whole (span.whole, not
# hyphenated) and the text laid out again, a few times at most (keeping a word whole moves the lines
# after it, which may cut another).
PAGE_TURN_TRIES = 3
WHOLE_CLASS = "whole"
_NOT_PROSE = re.compile(r"<(/?)(svg|style|script|title|textarea|code|pre|math)\b", re.IGNORECASE)


def without_page_turn_hyphens(lay_out: Callable[[str], Any], html: str) -> Any:
    """`lay_out(html)`, again with the words cut across a page turn kept whole, until none is."""
    document = lay_out(html)
    kept: set[str] = set()
    for _ in range(PAGE_TURN_TRIES):
        words = page_turn_words(document.pages, html) - kept
        if not words:
            break
        kept |= words
        document = lay_out(keep_whole(html, kept))
    return document


def page_turn_words(pages: list[Any], html: str) -> set[str]:
    """The words WeasyPrint hyphenated on the last line of a page (their end opens the next page);
    a line ending with a hyphen the writer typed (the word is not in the source without it) is not one."""
    words = set()
    for page, following in zip(pages, pages[1:]):
        last, first = _flow_texts(page._page_box, last=True), _flow_texts(following._page_box, last=False)
        head = re.search(r"(\w+)-$", last.text) if last is not None else None
        tail = re.match(r"\w+", first.text) if first is not None else None
        if head and tail and re.search(rf"(?<![\w-]){head.group(1)}{tail.group(0)}", html):
            words.add(head.group(1) + tail.group(0))
    return words


def _flow_texts(box: Any, last: bool) -> Any:
    """The last (or first) text box of the page's flow: not the running heads, folios or footnotes."""
    from weasyprint.formatting_structure import boxes

    if isinstance(box, (boxes.MarginBox, boxes.FootnoteAreaBox)):
        return None
    if isinstance(box, boxes.TextBox):
        return box if box.text.strip() else None
    children = list(getattr(box, "children", None) or [])
    for child in reversed(children) if last else children:
        found = _flow_texts(child, last)
        if found is not None:
            return found
    return None


def keep_whole(html: str, words: set[str]) -> str:
    """Every occurrence of `words` in the running text wrapped in `span.whole` (hyphens: manual)."""
    pattern = re.compile(r"(?<![\w-])(" + "|".join(sorted(map(re.escape, words))) + r")(?![\w-])")
    pieces = re.split(r"(<[^>]*>)", html)
    depth = 0
    for index, piece in enumerate(pieces):
        if piece.startswith("<"):
            if (tag := _NOT_PROSE.match(piece)) and not piece.endswith("/>"):
                depth += -1 if tag.group(1) else 1
        elif depth == 0 and piece:
            pieces[index] = pattern.sub(rf'<span class="{WHOLE_CLASS}">\1</span>', piece)
    return "".join(pieces)
