"""Writes the test corpus: publications made to break the layout, not to read well.

    .venv/bin/python tests/corpus/generate.py      # rewrites tests/corpus/*/ (commit the result)

Every block type is set in 1- and 2-column parts that open with 0, 3, 5, 6 or 8 filler paragraphs,
one paragraph between blocks, in an order rotated by the offset, so that each block reaches the end
of a column and of a page at several places; photos reuse the same files at several printed sizes; tables, footnotes, long URLs, long
titles, every layout, an edition (padded for the binding) and a short press release. The prose is
invented for testing; the figures are test values, not anyone's statistics.
"""
from __future__ import annotations

from pathlib import Path

HERE = Path(__file__).resolve().parent
REPORT = "corpus-rapport"      # every layout, one-column blocks, chapters, an edition
COLUMNS = "corpus-colonnes"    # two-column blocks: its own publication, so a crash there spares the rest
PRESS = "corpus-communique"
OFFSETS = {1: (0, 5, 8), 2: (0, 3, 5, 6, 8)}  # one-column parts are longer: fewer offsets

FILLER = (
    "Paragraphe de remplissage {n}. Ce texte d'essai sert à pousser le bloc suivant vers le bas de la "
    "colonne et de la page : il parle d'un atelier de quartier à Saint-Martin-des-Champs, d'une "
    "maison de services au public et d'un porte-parole qui relit les comptes rendus. Les mots "
    "composés (Île-de-France, Pierrefitte-sur-Seine, arc-en-ciel, peut-être) doivent se lire "
    "et se chercher tels qu'ils ont été tapés. Une phrase un peu longue, pour que la "
    "césure ait de quoi couper, termine le paragraphe sans rien affirmer d'autre."
)

# One snippet per block type; `{n}` numbers the occurrence so that texts stay distinct.
BLOCKS: dict[str, str] = {
    "photo-full": """\
::: photo
src: atelier.jpg
size: full
alt: "Photo d'essai : un dégradé de couleurs, pleine largeur ({n})"
caption: Photo d'essai pleine largeur, fichier atelier.jpg
credit: © Corpus de test
:::""",
    "photo-column": """\
::: photo
src: atelier.jpg
size: column
alt: "Photo d'essai : le même fichier à la largeur d'une colonne ({n})"
credit: © Corpus de test
:::""",
    "photo-half": """\
::: photo
src: riviere.jpg
size: half
alt: "Photo d'essai : un second fichier en demi-largeur ({n})"
caption: Demi-largeur, fichier riviere.jpg
:::""",
    "photo-frame": """\
::: photo
alt: "Cadre sans fichier, avec son crédit ({n})"
credit: © Corpus de test
size: wide
:::""",
    "quote": """\
::: quote
text: Une citation d'essai assez longue pour passer sur plusieurs lignes, avec un trait d'union dans sous-préfecture et dans vice-présidente ({n}).
author: Camille Essai
role: vice-présidente d'une association fictive
:::""",
    "testimonial": """\
::: testimonial
intro: Le témoignage de
author: Dominique Exemple
role: animateur d'un tiers-lieu imaginaire
region: Bretagne
text: "Un témoignage inventé pour le corpus de test ({n}) : il raconte une réunion publique, un atelier du samedi matin et la remise d'un rapport au conseil municipal."
:::""",
    "figures": """\
::: figures
title: Valeurs d'essai {n}
columns: 3
items:
  - value: "1 234"
    label: "**valeur d'essai** sans signification"
    detail: chiffre inventé pour le test
  - value: "56 %"
    label: une part inventée
  - value: "7,8 M€"
    label: un montant fictif
    detail: "dont **9** d'essai"
:::""",
    "timeline": """\
::: timeline
title: Calendrier d'essai {n}
items:
  - date: 3 janvier
    text: "Première étape d'essai, à **Saint-Brieuc**."
  - date: 14 mars
    text: Deuxième étape, une réunion du comité de suivi.
  - date: 2 et 3 octobre
    text: 2<sup>e</sup> rencontre d'essai des porteurs de projet.
:::""",
    "directory": """\
::: directory
title: Annuaire d'essai {n}
entries:
  - region: Bretagne
    name: Alex Premier
    role: chargé de mission fictif
    email: alex.premier@example.org
    phone: 01 23 45 67 89
  - region: Normandie
    name: Sam Second
    email: sam.second@example.org
    phone: 01 98 76 54 32
  - region: Occitanie
    name: Lou Troisième
    role: chargée de mission fictive
    email: lou.troisieme@example.org
  - region: Corse
    name: Noa Quatrième
    phone: 04 00 00 00 00
:::""",
    "contact": """\
::: contact
title: Contacts d'essai
entries:
  - name: Service de test {n}
    email: contact@example.org
    phone: 01 00 00 00 00
:::""",
    "signature": """\
::: signature
name: Claude Signataire
role: directrice d'un organisme fictif ({n})
photo:
  src: riviere.jpg
  alt: Portrait d'essai
:::""",
    "zoom": """\
:::: zoom
kicker: ZOOM D'ESSAI
title: Un encadré teinté {n}
---
Le texte de l'encadré parle d'un programme imaginaire et de ses étapes.

- une liste à puces ;
- une deuxième puce avec un lien vers [un site d'exemple](https://example.org/un/chemin/assez/long/pour/couper).
::::""",
    "about": """\
::: about
title: À propos du corpus {n}
---
Ce bloc présente un organisme fictif créé pour les essais de mise en page.
:::""",
    "callout": """\
::: callout
---
Un chapeau d'essai ({n}) : quelques lignes mises en valeur qui introduisent la partie.
:::""",
    "card": """\
::: card
type: Guide
title: Un guide d'essai {n}
kicker: PUBLICATION FICTIVE
---
Une carte qui présente un guide inventé, avec une adresse : https://example.org/guides/un-guide-d-essai-au-nom-vraiment-tres-long-{n}.pdf
:::""",
    "questions": """\
::: questions
title: Entretien d'essai {n}
---
## Pourquoi ce corpus ?

Pour que chaque bloc arrive en bas d'une colonne et d'une page.

## Et ensuite ?

Les lecteurs indépendants ouvrent chaque page et comparent les mots.
:::""",
    "article": """\
:::: article
kicker: ARTICLE D'ESSAI
title: Un article de test numéro {n}
region: Normandie
departement: Calvados
place: CAEN (NORMANDIE)
photo:
  src: plan.png
  alt: "Image d'essai : un plan en PNG ({n})"
---
Le corps de l'article raconte une histoire inventée, avec un appel de note[^a{n}].

::: quote
text: Une citation dans l'article.
author: Personne Fictive
:::

[^a{n}]: Une note de bas de page d'essai, rattachée à l'article {n}.
::::""",
    "chart-bar": """\
::: chart
type: bar
title: Barres d'essai {n}
alt: "Barres d'essai : A 30, B 20, C 10 (valeurs inventées)."
source: valeurs inventées pour le test
width_mm: 70
height_mm: 35
data:
  - {{label: Premier, value: 30}}
  - {{label: Deuxième, value: 20}}
  - {{label: Troisième, value: 10}}
:::""",
    "chart-donut": """\
::: chart
type: donut
title: Anneau d'essai {n}
alt: "Anneau d'essai : 60 et 40 (valeurs inventées)."
width_mm: 70
height_mm: 40
data:
  - {{label: Une part, value: 60}}
  - {{label: L'autre part, value: 40}}
:::""",
    "table": """\
| Ligne d'essai {n} | Colonne A | Colonne B |
|---|---:|---:|
| Saint-Martin-des-Champs | 12 | 3,5 |
| Pierrefitte-sur-Seine | 7 | 1,25 |
| Une ligne dont le libellé est assez long pour passer sur deux lignes | 1 000 | 0 |""",
}


def filler(count: int, start: int) -> list[str]:
    return [FILLER.format(n=start + i) for i in range(count)]


def offset_part(columns: int, offset: int) -> str:
    """Every block, each after `offset` filler paragraphs, in an order rotated by the offset."""
    names = list(BLOCKS)
    shift = (offset * 3 + columns) % len(names)
    names = names[shift:] + names[:shift]
    pieces: list[str] = []
    for index, name in enumerate(names):
        # The offset shifts the whole part; one paragraph between blocks keeps the part short.
        pieces += filler(1 if index else offset, index * 10)
        pieces.append(BLOCKS[name].format(n=f"{columns}{offset}{index}"))
    layout = "page" if offset % 2 == 0 else "section"
    head = (f"---\nlayout: {layout}\ncolumns: {columns}\ntitle: Blocs en {columns} colonne"
            f"{'s' if columns > 1 else ''}, après {offset} paragraphe{'s' if offset > 1 else ''}\n---\n")
    return head + "\n\n".join(pieces) + "\n"


FIXED_PARTS: dict[str, str] = {
    "00-couverture.md": """\
---
layout: cover
title: Corpus d'essai de la chaîne de publication
subtitle: Un rapport fictif pour éprouver la mise en page
toc: false
---
ORGANISME FICTIF

*Document de test*
""",
    "01-sommaire.md": """\
---
layout: contents
title: Sommaire
toc: false
---
""",
    "02-titre-long.md": """\
---
layout: page
columns: 1
title: Un titre de partie délibérément très long pour vérifier que la césure, les filets et le sommaire tiennent sur plusieurs lignes sans déborder
running_title: Titre long
---
Un paragraphe d'introduction en une colonne. Il cite une adresse longue, https://example.org/un/chemin/extremement/long/qui/ne/contient/aucune/espace/et/doit/pourtant/tenir/dans/la/colonne/sans/deborder/index.html, puis une adresse électronique : contact.test.corpus@example.org.

Un appel de note[^1] et un second[^2], suivis d'un tableau.

| Territoire d'essai | Nombre | Part |
|---|---:|---:|
| Saint-Martin-des-Champs | 12 | 3,5 % |
| Pierrefitte-sur-Seine | 7 | 1,2 % |
| Île-de-France (ligne d'essai) | 1 000 | 50 % |

::: photo
src: atelier.jpg
size: half
alt: "Photo d'essai : atelier.jpg en demi-largeur"
caption: Le même fichier qu'ailleurs, à une autre taille
:::

[^1]: Première note d'essai, avec un lien : [exemple](https://example.org/notes/premiere).
[^2]: Seconde note d'essai, assez longue pour passer sur deux lignes au bas de la page en une colonne.
""",
    "03-chapitre.md": """\
---
layout: chapter
title: Un chapitre d'essai et son étude de cas
accent: green
---
::: case-study
location: SAINT-MARTIN-DES-CHAMPS (BRETAGNE)
title: Une étude de cas inventée pour le test
region: Bretagne
departement: Finistère
quote:
  text: "Une citation d'essai d'un acteur local fictif, sur un projet qui n'existe pas."
  author: Morgan Fictif
  role: maire d'une commune imaginaire
photo:
  src: atelier.jpg
  alt: "Photo d'essai : atelier.jpg dans l'étude de cas"
  credit: © Corpus de test
---
L'étude de cas décrit un projet imaginaire : un atelier partagé, une halle rénovée et un jardin. Elle peut devenir la page d'ouverture du chapitre quand la page précédente resterait blanche.
:::

Le chapitre continue avec un paragraphe ordinaire, puis un second chapitre suit plus loin.
""",
    "90-second-chapitre.md": """\
---
layout: chapter
title: Un second chapitre, pour changer de côté
accent: blue
---
::: case-study
location: CAEN (NORMANDIE)
title: Une seconde étude de cas d'essai
region: Normandie
photo:
  src: riviere.jpg
  alt: "Photo d'essai : riviere.jpg dans la seconde étude de cas"
---
Un court texte d'étude de cas.
:::

Un paragraphe de fin de chapitre.
""",
    "99-quatrieme.md": """\
---
layout: back-cover
toc: false
---
CORPUS D'ESSAI

Retrouvez l'exemple sur [example.org](https://example.org)
""",
}


PUBLICATION = """\
# Generated by tests/corpus/generate.py: a publication written for the tests, not a real report.
title: Corpus d'essai de la chaîne de publication
subtitle: Un rapport fictif pour éprouver la mise en page
organisation: Organisme fictif de test
short_name: OFT
date: 2024-01-15
language: fr
kind: report
theme: agence
binding: {binding}
author: Organisme fictif de test
subject: Corpus de test de la chaîne de publication
keywords: [test, corpus]
website: example.org
identity:
  logo: logo.svg
parts:
{parts}
"""

EDITION = """\
# Generated by tests/corpus/generate.py: the corpus's regional edition (padded for the binding).
region: Bretagne
publication:
  keywords: [test, corpus, Bretagne]
introduction: Une introduction d'essai pour le chapitre régional.
"""

PRESS_PUBLICATION = """\
# Generated by tests/corpus/generate.py: a short press release written for the tests.
title: Un communiqué d'essai annonce un document fictif
organisation: Organisme fictif de test
short_name: OFT
date: 2024-01-15
language: fr
kind: press-release
theme: agence
binding: sheets
author: Organisme fictif de test
subject: Communiqué de presse d'essai
keywords: [test, communiqué]
website: example.org
identity:
  logo: logo.svg
parts:
  - 01-communique.md
"""

PRESS_PART = """\
---
layout: letterhead
kicker: Communiqué de presse
title: Un communiqué d'essai annonce un document fictif
---
::: callout
---
Un chapeau d'essai pour le communiqué, avec des mots composés tapés avec un tiret : Île-de-France, porte-parole.
:::

Un paragraphe d'essai qui renvoie vers https://example.org/communiques/un-communique-d-essai-au-nom-tres-long.html et vers contact@example.org.

::: contact
title: "Contacts presse :"
entries:
  - name: Service de presse fictif
    email: presse@example.org
    phone: 01 00 00 00 00
:::
"""


# The fictional organisation's logo, as a drawing program exports it (a DOCTYPE, a style sheet of
# classes, text in outlines): a mark in a theme colour (primary), a colour the theme does not
# hold (green and orange, converted through the printer's profile), a grey rule and a wordmark in black.
LOGO = """\
<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" "http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd">
<!-- Logo of the Organisme fictif de test, drawn for the test corpus. -->
<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" version="1.1"
     viewBox="0 0 300 90" width="300px" height="90px">
  <style type="text/css">
    .mark {{ fill: #1d2b6b; }}
    .leaf {{ fill: #3c9a5f; }}
    .word, .word-2 {{ fill: #000000; }}
  </style>
  <defs>
    <clipPath id="disc"><circle cx="45" cy="45" r="42"/></clipPath>
  </defs>
  <circle class="mark" cx="45" cy="45" r="42"/>
  <circle cx="45" cy="34" r="14" style="fill:#f2b134"/>
  <path class="leaf" clip-path="url(#disc)" d="M14 64 C30 48 60 48 76 64 C60 74 30 74 14 64 Z"/>
  <g id="wordmark">
    <path class="word" d="M104 22 h26 v8 h-17 v8 h15 v8 h-15 v16 h-9 z"/>
    <path class="word" d="M136 22 h9 v32 h16 v8 h-25 z"/>
    <path class="word-2" d="M168 22 h9 v40 h-9 z M184 22 h28 v8 h-10 v32 h-9 v-32 h-9 z"/>
  </g>
  <rect x="104" y="70" width="180" height="3" style="fill:#8c8c8c"/>
</svg>
"""


def write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def generate() -> None:
    root = HERE / REPORT
    sections = root / "sections"
    for old in sections.glob("*.md"):
        old.unlink()
    parts = list(FIXED_PARTS)
    for name, text in FIXED_PARTS.items():
        write(sections / name, text)
    parts = parts[:4] + offset_parts(sections, 1) + parts[4:]
    write(root / "publication.yaml", PUBLICATION.format(binding="saddle-stitch", parts=listing(parts)))
    write(root / "editions" / "bretagne.yaml", EDITION)
    make_images(root / "images")
    write(root / "images" / "logo.svg", LOGO.format())

    columns = HERE / COLUMNS
    for old in (columns / "sections").glob("*.md"):
        old.unlink()
    parts = ["00-couverture.md", *offset_parts(columns / "sections", 2), "99-quatrieme.md"]
    for name in (parts[0], parts[-1]):
        write(columns / "sections" / name, FIXED_PARTS[name])
    write(columns / "publication.yaml", PUBLICATION.format(binding="sheets", parts=listing(parts)))
    make_images(columns / "images")
    write(columns / "images" / "logo.svg", LOGO.format())
    write(HERE / PRESS / "publication.yaml", PRESS_PUBLICATION)
    write(HERE / PRESS / "sections" / "01-communique.md", PRESS_PART)
    write(HERE / PRESS / "images" / "logo.svg", LOGO.format())


def offset_parts(sections: Path, columns: int) -> list[str]:
    names = []
    for offset in OFFSETS[columns]:
        names.append(f"5{columns}-{columns}col-decalage-{offset}.md")
        write(sections / names[-1], offset_part(columns, offset))
    return names


def listing(parts: list[str]) -> str:
    return "\n".join(f"  - {part}" for part in parts)


def make_images(folder: Path) -> None:
    """Small real photos: smooth gradients with some noise, JPEG and PNG, at different pixel sizes."""
    import random

    from PIL import Image, ImageDraw

    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(11)
    for name, size, colours in (("atelier.jpg", (1200, 780), ((200, 80, 40), (30, 90, 160))),
                                ("riviere.jpg", (640, 420), ((20, 140, 90), (240, 220, 120))),
                                ("plan.png", (360, 240), ((250, 250, 250), (60, 60, 60)))):
        image = Image.new("RGB", size)
        draw = ImageDraw.Draw(image)
        (r1, g1, b1), (r2, g2, b2) = colours
        for x in range(size[0]):
            t = x / (size[0] - 1)
            draw.line([(x, 0), (x, size[1])], fill=(round(r1 + (r2 - r1) * t), round(g1 + (g2 - g1) * t),
                                                      round(b1 + (b2 - b1) * t)))
        for _ in range(40):  # shapes, so that a wrong or shifted stream shows
            x, y = rng.randrange(size[0]), rng.randrange(size[1])
            radius = rng.randrange(10, size[1] // 4)
            draw.ellipse([x - radius, y - radius, x + radius, y + radius],
                         fill=tuple(rng.randrange(256) for _ in range(3)))
        if name.endswith(".jpg"):
            image.save(folder / name, quality=70, optimize=True)
        else:
            image.quantize(16).convert("RGB").save(folder / name, optimize=True)


if __name__ == "__main__":
    generate()
