"""French typography: a table of input → output, text nodes only."""
from __future__ import annotations

import pytest

from toolkit.typography import NBSP, NNBSP, format_money, format_number, format_percent, french_html, french_text

CASES = [
    ("Vraiment ?", f"Vraiment{NNBSP}?"),
    ("Vraiment?", f"Vraiment{NNBSP}?"),
    # Hyphens stay as typed (U+002D): the html stage keeps short compounds on one line with markup.
    ("Oui ! Non ; peut-être", f"Oui{NNBSP}! Non{NNBSP}; peut-être"),
    ("centres-villes", "centres-villes"),
    ("Provence-Alpes-Côte d'Azur", "Provence-Alpes-Côte d\u2019Azur"),
    # Before ':' a narrow no-break space, which justification does not stretch.
    ("Contacts presse :", f"Contacts presse{NNBSP}:"),
    ("Contacts presse\u00a0:", f"Contacts presse{NNBSP}:"),
    # A day stays with its month, a range of days too.
    ("les 9 et 10 novembre", f"les 9{NBSP}et{NBSP}10{NBSP}novembre"),
    ("du 25 au 30 octobre 2023", f"du 25{NBSP}au{NBSP}30{NBSP}octobre 2023"),
    ("le 1er janvier", f"le 1er{NBSP}janvier"),
    ("en 2023 mars", "en 2023 mars"),
    ("« bonjour »", f"«{NNBSP}bonjour{NNBSP}»"),
    ("«bonjour»", f"«{NNBSP}bonjour{NNBSP}»"),
    ("l'ANCT", "l\u2019ANCT"),
    ("aujourd'hui", "aujourd\u2019hui"),
    ("etc...", "etc\u2026"),
    ("1 733 projets", f"1{NNBSP}733 projets"),
    ("18 088 jeunes", f"18{NNBSP}088 jeunes"),
    # Before % and ‰ the narrow no-break space too (a fixed width: justification does not stretch it).
    ("63 %", f"63{NNBSP}%"),
    ("88% des Français", f"88{NNBSP}% des Français"),
    ("63\u00a0%", f"63{NNBSP}%"),
    ("19,5 M€", f"19,5{NBSP}M€"),
    ("2 Mds€", f"2{NBSP}Mds€"),
    ("43,2 ans", f"43,2{NBSP}ans"),
    ("54 millions", f"54{NBSP}millions"),
    # Numbers get their thin space from four digits on, wherever they are typed...
    ("1362 personnes", f"1{NNBSP}362 personnes"),
    ("soit 18088 jeunes et 2150 élus", f"soit 18{NNBSP}088 jeunes et 2{NNBSP}150 élus"),
    ("1362,5 km", f"1{NNBSP}362,5{NBSP}km"),
    ("1500 € et 1500€", f"1{NNBSP}500{NBSP}€ et 1{NNBSP}500{NBSP}€"),
    ("(1362 visiteurs)", f"(1{NNBSP}362 visiteurs)"),
    ("en 2023, 1362 élus", f"en 2023, 1{NNBSP}362 élus"),
    ("1234567 habitants", f"1{NNBSP}234{NNBSP}567 habitants"),
    # ... but not years, nor references: codes, decimals, postcodes, phone numbers, numbered items.
    ("en 1998, 2023 et 2100", "en 1998, 2023 et 2100"),
    ("le 9 mars 2023 les élus", f"le 9{NBSP}mars 2023 les élus"),
    ("(2023)", "(2023)"),
    ("depuis 1362 déjà", "depuis 1362 déjà"),
    ("3,14159", "3,14159"),
    ("75007 Paris", "75007 Paris"),
    ("0123456789", "0123456789"),
    ("la loi n° 2014-173 et le décret n° 1362", f"la loi n°{NBSP}2014-173 et le décret n°{NBSP}1362"),
    ("code A1362, ISSN 1234-5679, réf. 12345", "code A1362, ISSN 1234-5679, réf. 12345"),
    ("version 3.1415", "version 3.1415"),
    ("SIRET 13000000000000", "SIRET 13000000000000"),
    # Straight quotes become guillemets; an elision before markup takes its apostrophe.
    ('il a dit "bonjour" hier', f"il a dit «{NNBSP}bonjour{NNBSP}» hier"),
    ('"Oui !", dit-il', f"«{NNBSP}Oui{NNBSP}!{NNBSP}», dit-il"),
    ("l'", "l’"),
    # Left alone: URLs, times, handles, numbers that are not thousands.
    ("https://agence-cohesion-territoires.gouv.fr", "https://agence-cohesion-territoires.gouv.fr"),
    ("à 10:30", "à 10:30"),
    ("en 2023 2024", "en 2023 2024"),
    ("@ANCTerritoires", "@ANCTerritoires"),
]


@pytest.mark.parametrize("source, expected", CASES)
def test_french_text(source: str, expected: str) -> None:
    assert french_text(source) == expected


def test_rules_are_idempotent() -> None:
    for source, expected in CASES:
        assert french_text(expected) == expected


@pytest.mark.parametrize("source, expected", [
    ('<p title="l\'a : b ?">l\'ANCT : oui</p>', f'<p title="l\'a : b ?">l\u2019ANCT{NNBSP}: oui</p>'),
    ("<a href=\"https://x.fr/?a=1\">Lien ?</a>", f"<a href=\"https://x.fr/?a=1\">Lien{NNBSP}?</a>"),
    ("<p><b>« oui »</b> !</p>", f"<p><b>«{NNBSP}oui{NNBSP}»</b>{NNBSP}!</p>"),
    ("<style>a:hover { x: 1 }</style>", "<style>a:hover { x: 1 }</style>"),
    ("<svg><text>a : b</text></svg>", "<svg><text>a : b</text></svg>"),
    ("<p>l&#39;Agence</p>", "<p>l\u2019Agence</p>"),
    ("<p>R&amp;D : 3 &lt; 4</p>", f"<p>R&amp;D{NNBSP}: 3 &lt; 4</p>"),
    ("<p>5<sup>e</sup> année</p>", "<p>5<sup>e</sup> année</p>"),
    # What screen readers read aloud gets the rules too: alt texts and labels.
    ('<img alt="l\'Agence : 1362 projets" src="a.png">', f'<img alt="l’Agence{NNBSP}: 1{NNBSP}362 projets" src="a.png">'),
    ('<div role="img" aria-label="Carte &quot;France&quot;"></div>', f'<div role="img" aria-label="Carte «{NNBSP}France{NNBSP}»"></div>'),
    # A number alone from 1000 to 2100 may be a year: it is left as typed (2023 in a table's header).
    ("<td>13620</td><td>1362 projets</td><td>2023</td><td>l'an 2023</td>",
     f"<td>13{NNBSP}620</td><td>1{NNBSP}362 projets</td><td>2023</td><td>l’an 2023</td>"),
    ("<p>l'<strong>Agence</strong></p>", "<p>l’<strong>Agence</strong></p>"),
    ('<a href="https://x.fr/a/12345?id=1362">12345</a>', f'<a href="https://x.fr/a/12345?id=1362">12{NNBSP}345</a>'),
])
def test_french_html_touches_text_nodes_only(source: str, expected: str) -> None:
    assert french_html(source) == expected


def test_numbers_through_babel() -> None:
    assert format_number(1733) == f"1{NNBSP}733"
    assert format_number(19.5) == "19,5"
    assert format_money(19.5, "M€") == f"19,5{NBSP}M€"
    assert format_percent(0.63) in (f"63{NBSP}%", f"63{NNBSP}%")
    assert french_text(format_percent(0.63)) == f"63{NNBSP}%"


@pytest.mark.parametrize("source, expected", [
    # Hyphens stay U+002D; short compounds are kept whole by markup, long ones may break.
    ("<p>centres-villes</p>", '<p><span class="nobr">centres-villes</span></p>'),
    ("<p>Pierrefitte-sur-Seine, 2023-2027</p>",
     '<p><span class="nobr">Pierrefitte-sur-Seine</span>, <span class="nobr">2023-2027</span></p>'),
    ("<p>Bourgogne-Franche-Comté-Centre-Val</p>", "<p>Bourgogne-Franche-Comté-Centre-Val</p>"),
    # Addresses: a break after / . ? & = @ only, never after '-', whatever their form.
    ("<p>https://a-b.fr/x?y=1&amp;z=2</p>",
     '<p><span class="url">https://<wbr><span class="nobr">a-b.</span><wbr>fr/<wbr>x?<wbr>y=<wbr>1&amp;<wbr>z=<wbr>2</span></p>'),
    ("<p>Voir www.anct.fr.</p>", '<p>Voir <span class="url">www.<wbr>anct.<wbr>fr</span>.</p>'),
    ("<p>Écrire à presse@anct.gouv.fr</p>",
     '<p>Écrire à <span class="url">presse@<wbr>anct.<wbr>gouv.<wbr>fr</span></p>'),
    # The space before an inline element goes inside it (WeasyPrint left a word alone on its line).
    ("<p>le « <strong>Prix</strong> »</p>", f"<p>le «<strong>{NNBSP}Prix</strong>{NNBSP}»</p>"),
    ("<p>les élus <b>locaux</b></p>", "<p>les élus<b> locaux</b></p>"),
    # Metadata gets the rules but no markup.
    ("<title>Île-de-France : https://a.fr</title>", f"<title>Île-de-France{NNBSP}: https://a.fr</title>"),
])
def test_french_html_markup(source: str, expected: str) -> None:
    assert french_html(source) == expected
    assert french_html(expected) == expected


def test_no_hyphen_but_the_typed_one_is_ever_produced() -> None:
    text = "<p>Île-de-France, peut-être, sous-préfecture, https://x-y.fr/a-b, a-b-c-d-e-f-g-h-i-j-k-l-m</p>"
    assert not set("\u2010\u2011") & set(french_html(text))
    assert french_html(text).count("-") == text.count("-")


def test_a_column_of_figures_is_grouped_and_a_column_of_years_is_not() -> None:
    from toolkit.markdown import to_html

    table = "| Année | Montant |\n|---|---|\n| 2022 | 1234 |\n| 2023 | 24680 |\n"
    html = french_html(to_html(table))
    assert f">1{NNBSP}234<" in html and f">24{NNBSP}680<" in html
    assert ">2022<" in html and ">2023<" in html
