"""Justified paragraphs with bold text, links and no-break spaces, laid out by WeasyPrint with the
theme's stylesheets at many widths: no line but the last holds a single word, and none overflows."""
from __future__ import annotations

from pathlib import Path

import pytest

from toolkit.paths import FONTS, IMAGE_CACHE, LAYOUTS
from toolkit.render import Renderer
from toolkit.theme import load_theme
from toolkit.typography import french_html

PARAGRAPHS = [
    "La <strong>Fabrique des territoires</strong> accompagne les collectivités <strong>dans leurs projets de "
    "revitalisation</strong> des centres anciens et des quartiers prioritaires.",
    "La <strong>plateforme numérique Deveco</strong>, récompensée par le « <strong>Prix de l'innovation "
    "territoriale</strong> », est utilisée par les développeurs économiques.",
    "La plateforme numérique Deveco, récompensée par le « <strong>Prix de l'innovation territoriale</strong> », "
    "est utilisée par les développeurs économiques.",
    "En 2023, <strong>l'Agence nationale de la cohésion des territoires</strong> a poursuivi sa mission auprès "
    "des élus locaux et des collectivités.",
    "Le <strong>taux de satisfaction de près de 97 %</strong> est mesuré auprès des usagers de France services.",
    "Ainsi, <strong>1 600 participants</strong> ont été réunis à <strong>Toulouse</strong> lors de l'ANCTour, "
    "avec <em>les partenaires</em> de l'Agence.",
    "Les ressources sont sur <a href=\"https://www.data.gouv.fr/\">le site des données publiques</a> et "
    "<strong>dans les centres-villes</strong> accompagnés : <strong>Île-de-France</strong>, Bretagne.",
    "Les élus des centres-villes et des tiers-lieux de l'Île-de-France accompagnent Pierrefitte-sur-Seine "
    "et Saint-Rémy-de-Provence, voir https://www.agence-cohesion-territoires.gouv.fr/ressources-et-outils.",
]
WIDTHS_MM = range(40, 92, 2)
MM = 72 / 25.4


@pytest.fixture(scope="module")
def paragraph_lines(tmp_path_factory):
    """[(paragraph, width in mm, [words of each line])] read back from the PDF with MuPDF."""
    import pymupdf

    paragraphs = [(text, width) for width in WIDTHS_MM for text in PARAGRAPHS]
    body = "".join(f'<p style="width: {width}mm; margin: 0 0 8mm; break-inside: avoid">{text}</p>' for text, width in paragraphs)
    # Justified and hyphenated: the print file's setting (the screen file is ragged right, unhyphenated).
    html = french_html(f'<html lang="fr" class="variant-print"><body><section class="part part-page">'
                       f'<div class="part-body columns-1">{body}</div></section></body></html>')
    renderer = Renderer(roots=(FONTS, LAYOUTS, IMAGE_CACHE))
    document = renderer.document(html, tmp_path_factory.mktemp("lines"), load_theme("agence"), "print")
    pdf = renderer.write_pdf(document, "print", b"0" * 32)
    found = []
    with pymupdf.open(stream=pdf) as reader:
        for page in reader:
            rows: dict[float, list] = {}
            for word in page.get_text("words"):
                if 20 * MM < word[1] and word[3] < page.rect.height - 18 * MM:  # not the running head, folio
                    rows.setdefault(round(word[3]), []).append(word)
            current: list[list] = []
            previous = None
            for baseline in sorted(rows):
                if previous is not None and baseline - previous > 20:  # 8 mm between paragraphs
                    found.append(current)
                    current = []
                current.append(sorted(rows[baseline], key=lambda w: w[0]))
                previous = baseline
            found.append(current)
    assert len(found) == len(paragraphs)
    return [(text, width, lines) for (text, width), lines in zip(paragraphs, found)]


def test_no_line_but_the_last_holds_a_single_word(paragraph_lines) -> None:
    """A line holding one word is wrong when the next line's first word would have fitted beside it."""
    lone = []
    for text, width, lines in paragraph_lines:
        left = min(w[0] for line in lines for w in line)
        for line, following in zip(lines, lines[1:]):
            word, after = line[0], following[0]
            if len(line) == 1 and word[2] - left + 3 + (after[2] - after[0]) <= width * MM:
                lone.append((width, word[4], " ".join(w[4] for w in following)[:40]))
    assert not lone, lone[:10]


def test_no_line_overflows_its_paragraph(paragraph_lines) -> None:
    over = []
    for text, width, lines in paragraph_lines:
        left = min(w[0] for line in lines for w in line)
        over += [(width, line[-1][4]) for line in lines if line[-1][2] - left > width * MM + 2]
    assert not over, over[:10]
