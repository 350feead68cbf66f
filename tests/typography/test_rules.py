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
    ("Contacts presse :", f"Contacts presse{NBSP}:"),
    ("« bonjour »", f"«{NNBSP}bonjour{NNBSP}»"),
    ("«bonjour»", f"«{NNBSP}bonjour{NNBSP}»"),
    ("l'ANCT", "l\u2019ANCT"),
    ("aujourd'hui", "aujourd\u2019hui"),
    ("etc...", "etc\u2026"),
    ("1 733 projets", f"1{NNBSP}733 projets"),
    ("18 088 jeunes", f"18{NNBSP}088 jeunes"),
    ("63 %", f"63{NBSP}%"),
    ("88% des Français", f"88{NBSP}% des Français"),
    ("19,5 M€", f"19,5{NBSP}M€"),
    ("2 Mds€", f"2{NBSP}Mds€"),
    ("43,2 ans", f"43,2{NBSP}ans"),
    ("54 millions", f"54{NBSP}millions"),
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
    ('<p title="l\'a : b ?">l\'ANCT : oui</p>', f'<p title="l\'a : b ?">l\u2019ANCT{NBSP}: oui</p>'),
    ("<a href=\"https://x.fr/?a=1\">Lien ?</a>", f"<a href=\"https://x.fr/?a=1\">Lien{NNBSP}?</a>"),
    ("<p><b>« oui »</b> !</p>", f"<p><b>«{NNBSP}oui{NNBSP}»</b>{NNBSP}!</p>"),
    ("<style>a:hover { x: 1 }</style>", "<style>a:hover { x: 1 }</style>"),
    ("<svg><text>a : b</text></svg>", "<svg><text>a : b</text></svg>"),
    ("<p>l&#39;Agence</p>", "<p>l\u2019Agence</p>"),
    ("<p>R&amp;D : 3 &lt; 4</p>", f"<p>R&amp;D{NBSP}: 3 &lt; 4</p>"),
    ("<p>5<sup>e</sup> année</p>", "<p>5<sup>e</sup> année</p>"),
])
def test_french_html_touches_text_nodes_only(source: str, expected: str) -> None:
    assert french_html(source) == expected


def test_numbers_through_babel() -> None:
    assert format_number(1733) == f"1{NNBSP}733"
    assert format_number(19.5) == "19,5"
    assert format_money(19.5, "M€") == f"19,5{NBSP}M€"
    assert format_percent(0.63) == f"63{NBSP}%"
