"""Screenshots of every block and part for docs/designers.md.

Builds a small sample publication (one of each block, each on its own page, plus a cover, contents,
chapter, letterhead and back cover) in a temporary folder, lays it out with the toolkit, finds each
block's box in WeasyPrint's layout and crops it from the rendered page.

    .venv/bin/python docs/img/make_screenshots.py                          # agence: every block and the parts
    .venv/bin/python docs/img/make_screenshots.py --theme neutral --parts-only

Files: block-<name>.png (one per block) and parts.png (the parts as page thumbnails), with
`-<theme>` before `.png` for a theme other than agence. Each is a palette PNG kept under 60 KB.
"""
from __future__ import annotations

import argparse
import io
import os
import sys
import tempfile
from pathlib import Path
from typing import Any, Iterator

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent.parent))  # run from anywhere without installing

NAME = "exemple-blocs"
PX_TO_PT = 0.75          # WeasyPrint's layout unit is the CSS px (1/96 in); PDF pages are in points
SCALE = 150 / 72         # render at 150 dpi
MAX_WIDTH = 760          # px, wide blocks are scaled down to this
PAD = 8                  # pt of white around each block
MAX_BYTES = 60_000

PUBLICATION = """\
title: Exemple de blocs
subtitle: Un bloc de chaque sorte
organisation: Agence d'exemple
date: 2024-06-01
language: fr
kind: report
theme: agence
binding: none
website: exemple.gouv.fr
social: "@Exemple"
parts:
{parts}
"""

# (file stem, the block's root element class, front matter, body). One block per page part.
BLOCKS: list[tuple[str, str, str]] = [
    ("article", "article", """\
:::: article
kicker: UN SURTITRE EN CAPITALES
title: Un article de niveau 2
region: Bretagne
place: RENNES (ILLE-ET-VILAINE)
---
Le corps d'un article est du Markdown : des paragraphes, du **gras**, des listes et des blocs.
Il est listé dans le sommaire.

### Un intertitre

Les articles de niveau 3 et les intertitres découpent le texte.
::::
"""),
    ("case-study", "case-study", """\
::: case-study
location: SISTERON, ALPES-DE-HAUTE-PROVENCE (PROVENCE-ALPES-CÔTE D'AZUR)
title: Un projet mis en avant
region: Provence-Alpes-Côte d'Azur
quote:
  text: Une citation d'un acteur local sur le projet.
  author: Camille Martin
  role: maire
photo:
  alt: Une photo du projet
  credit: © Exemple
---
L'étude de cas réunit une photo, une citation, le lieu et un texte court sur une page ou une demi-page.
:::
"""),
    ("quote", "pull-quote", """\
::: quote
text: Une phrase qui ressort du texte, en grand, avec son auteur.
author: Dominique Durand
role: présidente
:::
"""),
    ("testimonial", "testimonial", """\
::: testimonial
intro: Le témoignage de
author: Alex Petit
role: chargé de mission
text: Un témoignage à la première personne, en italique, dans un encadré teinté.
:::
"""),
    ("figures", "figures", """\
::: figures
title: Chiffres clés
columns: 3
items:
  - value: "2 800"
    label: "**maisons France services**"
    detail: dont 143 bus
  - value: "80 %"
    label: des habitants couverts
  - value: 19,5
    unit: M€
    label: engagés en 2023
:::
"""),
    ("timeline", "timeline", """\
::: timeline
title: Une année en dates
items:
  - date: 2 février 2023
    text: "**Conseil national**, dans les Pyrénées."
  - date: 29 septembre 2023
    text: Une circulaire aux préfets.
  - date: 19 octobre 2023
    text: Un congrès.
:::
"""),
    ("zoom", "zoom", """\
::: zoom
kicker: ZOOM SUR
title: Un encadré teinté
---
Un texte en marge du propos principal : un dispositif, une définition, un chiffre.
:::
"""),
    ("card", "card", """\
::: card
type: guide
kicker: UN GUIDE POUR LES ÉLUS
title: Une publication présentée en fiche
---
*Titre du guide*, paru en 2023 : ce qu'il contient et où le trouver.
:::
"""),
    ("directory", "directory", """\
::: directory
title: Un annuaire par région
entries:
  - region: Bretagne
    name: Claude Bernard
    email: claude.bernard@exemple.gouv.fr
  - region: Normandie
    name: Sacha Leroy
    role: adjoint
    phone: 01 23 45 67 89
  - region: Occitanie
    name: Lou Garnier
:::
"""),
    ("photo", "photo", """\
::: photo
src: paysage.png
alt: Un paysage
caption: Une légende sous la photo.
credit: © Exemple
:::

::: photo
alt: "Une photo absente : le cadre dessiné garde le texte alternatif et le crédit"
credit: © Exemple
:::
"""),
    ("chart", "chart", """\
::: chart
type: grouped
title: De 2023 à 2024
alt: "Deux séries comparées : A 10 puis 12, B 7 puis 9, C 4 puis 6."
source: exemple
series: [2023, 2024]
width_mm: 80
height_mm: 45
data:
  - {label: A, values: {2023: 10, 2024: 12}}
  - {label: B, values: {2023: 7, 2024: 9}}
  - {label: C, values: {2023: 4, 2024: 6}}
:::
"""),
    ("contact", "contact", """\
::: contact
title: Contacts presse
entries:
  - name: Service presse
    email: presse@exemple.gouv.fr
    phone: 01 23 45 67 89
:::
"""),
    ("about", "about", """\
::: about
title: À propos de l'agence
---
Un bloc de fin de communiqué : qui publie, en quelques lignes.
:::
"""),
    ("signature", "signature", """\
::: signature
name: Dominique Durand
role: présidente de l'Agence d'exemple
:::
"""),
    ("callout", "callout", """\
::: callout
---
Un chapeau : le texte d'introduction d'un chapitre ou d'un communiqué, plus grand et plus gras.
:::
"""),
    ("questions", "interview", """\
::: questions
---
## Une question en intertitre ?

La réponse, en paragraphes ordinaires.

## Une deuxième question ?

Une deuxième réponse.
:::
"""),
]

PARTS = [
    ("00-cover", "---\nlayout: cover\ntitle: Rapport annuel 2023\ntoc: false\n---\nRÉPUBLIQUE FRANÇAISE\n"),
    ("01-contents", "---\nlayout: contents\n---\n"),
    ("02-chapter", "---\nlayout: chapter\ntitle: Un chapitre\nkicker: CHAPITRE 1\naccent: green\n---\n"
                   "::: callout\n---\nLe chapitre ouvre sur un titre dans sa couleur d'accent.\n:::\n\n"
                   "Un texte courant en deux colonnes.\n"),
    ("03-page", "---\nlayout: page\ntitle: Une page\n---\n:::: article\ntitle: Un article\n---\n"
                "Une partie `page` commence sur une nouvelle page.\n::::\n"),
    ("04-section", "---\nlayout: section\ntitle: Une section\n---\n"
                   ":::: article\ntitle: Un autre article\n---\n"
                   "Une partie `section` suit la précédente sur la même page, sous une rubrique.\n::::\n"),
]
TAIL = [
    ("90-letterhead", "---\nlayout: letterhead\ntitle: Un communiqué de presse\n"
                      "kicker: Communiqué de presse\n---\n"
                      "::: callout\n---\nLe chapeau du communiqué.\n:::\n\nLe texte du communiqué.\n\n"
                      "::: contact\nentries:\n  - name: Service presse\n"
                      "    email: presse@exemple.gouv.fr\n:::\n"),
    ("99-back-cover", "---\nlayout: back-cover\ntoc: false\n---\nSUIVEZ-NOUS SUR LES RÉSEAUX SOCIAUX\n"),
]
# Blocks of running text shown across the measure rather than flowing into two columns.
ONE_COLUMN = {"article", "questions"}
PART_LABELS = {"00-cover": "cover", "01-contents": "contents", "02-chapter": "chapter",
               "03-page": "page + section",
               "90-letterhead": "letterhead", "99-back-cover": "back-cover"}


def write_sample(root: Path) -> None:
    """The sample publication, with a generated landscape for the photo block."""
    from PIL import Image, ImageDraw

    sections = root / "sections"
    sections.mkdir(parents=True)
    files = []
    for stem, text in PARTS:
        (sections / f"{stem}.md").write_text(text, encoding="utf-8")
        files.append(stem)
    for index, (name, _, body) in enumerate(BLOCKS):
        stem = f"{10 + index:02d}-{name}"
        columns = 1 if name in ONE_COLUMN else 2
        front = f"---\nlayout: page\ncolumns: {columns}\ntoc: false\nrunning_title: bloc {name}\n---\n"
        (sections / f"{stem}.md").write_text(front + body, encoding="utf-8")
        files.append(stem)
    for stem, text in TAIL:
        (sections / f"{stem}.md").write_text(text, encoding="utf-8")
        files.append(stem)
    (root / "publication.yaml").write_text(
        PUBLICATION.format(parts="\n".join(f"  - {f}.md" for f in files)), encoding="utf-8")
    (root / "images").mkdir()
    image = Image.new("RGB", (900, 500), (170, 200, 225))
    draw = ImageDraw.Draw(image)
    draw.polygon([(0, 330), (250, 220), (520, 300), (900, 190), (900, 500), (0, 500)], fill=(92, 130, 88))
    draw.polygon([(0, 420), (400, 350), (900, 400), (900, 500), (0, 500)], fill=(60, 98, 64))
    draw.ellipse((690, 60, 780, 150), fill=(250, 236, 190))
    image.save(root / "images" / "paysage.png")


def walk(box: Any, part: str | None = None) -> Iterator[tuple[Any, str | None]]:
    """Every layout box with the id of the part (`<section class="part ... part-<id>">`) it belongs to."""
    element = getattr(box, "element", None)
    classes = (element.get("class") or "").split() if element is not None and hasattr(element, "get") else []
    if "part" in classes and getattr(box, "element_tag", "") == "section":
        part = next((c[5:] for c in classes[2:] if c.startswith("part-")), part)
    yield box, part
    for child in getattr(box, "children", []) or []:
        yield from walk(child, part)


Rect = tuple[float, float, float, float]


def block_boxes(document: Any, part_id: str, css_class: str) -> tuple[int, Rect] | None:
    """Page index and rectangle (points) around the blocks of class `css_class` in part `part_id`:
    every fragment of every such block on the first page that has one (a block split over two text
    columns is cropped whole)."""
    for index, page in enumerate(document.pages):
        rect = None
        for box, part in walk(page._page_box):
            element = getattr(box, "element", None)
            if part != part_id or element is None or not hasattr(box, "border_width"):
                continue
            if css_class in (element.get("class") or "").split() and box.element_tag == element.tag:
                x = box.position_x + box.margin_left
                y = box.position_y + box.margin_top
                r = (x, y, x + box.border_width(), y + box.border_height())
                rect = r if rect is None else (min(rect[0], r[0]), min(rect[1], r[1]),
                                               max(rect[2], r[2]), max(rect[3], r[3]))
        if rect is not None:
            return index, tuple(v * PX_TO_PT for v in rect)  # type: ignore[return-value]
    return None


def save_small(image: Any, path: Path) -> int:
    """A palette PNG under MAX_BYTES: fewer colours, then smaller, until it fits."""
    from PIL import Image

    if image.width > MAX_WIDTH:
        image = image.resize((MAX_WIDTH, round(image.height * MAX_WIDTH / image.width)), Image.LANCZOS)
    for colours in (64, 32, 16):
        buffer = io.BytesIO()
        image.quantize(colours, method=Image.Quantize.MEDIANCUT).save(buffer, "PNG", optimize=True)
        if buffer.tell() <= MAX_BYTES:
            break
    else:
        return save_small(image.resize((image.width * 4 // 5, image.height * 4 // 5), Image.LANCZOS), path)
    path.write_bytes(buffer.getvalue())
    return buffer.tell()


def parts_strip(pages: list[Any], labels: list[str], per_row: int = 3) -> Any:
    """Page thumbnails with their part layout's name, `per_row` to a row."""
    from PIL import Image, ImageDraw

    width, height = pages[0].size
    gap, label = 10, 16
    rows = (len(pages) + per_row - 1) // per_row
    size = (per_row * (width + gap) + gap, rows * (height + gap + label) + gap)
    strip = Image.new("RGB", size, (120, 120, 128))
    draw = ImageDraw.Draw(strip)
    for i, (page, text) in enumerate(zip(pages, labels)):
        x = gap + (i % per_row) * (width + gap)
        y = gap + (i // per_row) * (height + gap + label)
        strip.paste(page, (x, y))
        draw.text((x + 2, y + height + 3), text, fill=(255, 255, 255))
    return strip


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--theme", default="agence")
    parser.add_argument("--out", type=Path, default=HERE)
    parser.add_argument("--parts-only", action="store_true", help="Only the strip of parts.")
    args = parser.parse_args()
    suffix = "" if args.theme == "agence" else f"-{args.theme}"
    os.environ.setdefault("SOURCE_DATE_EPOCH", "1700000000")

    import pypdfium2 as pdfium
    from toolkit.build import Builder
    from toolkit.html import assign_anchors

    with tempfile.TemporaryDirectory(prefix="screenshots-") as tmp:
        content = Path(tmp) / "content"
        write_sample(content / NAME)
        builder = Builder(content=content, out=Path(tmp) / "out", theme_override=args.theme)
        publication, theme, _ = builder.load(NAME)
        _, document = builder.lay_out(publication, theme, "screen")
        pdf = pdfium.PdfDocument(builder.renderer.write_pdf(document, "screen", identifier=b"0" * 32))
        args.out.mkdir(parents=True, exist_ok=True)

        for index, (name, css_class, _) in enumerate([] if args.parts_only else BLOCKS):
            found = block_boxes(document, f"{10 + index:02d}-{name}", css_class)
            if found is None:
                print(f"block {name}: not found", file=sys.stderr)
                return 1
            page_index, (x0, y0, x1, y1) = found
            page = pdf[page_index].render(scale=SCALE).to_pil().convert("RGB")
            crop = page.crop(tuple(round(v * SCALE) for v in (x0 - PAD, y0 - PAD, x1 + PAD, y1 + PAD)))
            size = save_small(crop, args.out / f"block-{name}{suffix}.png")
            print(f"block-{name}{suffix}.png  page {page_index + 1}  {size // 1024} KB")

        anchors, _ = assign_anchors(publication)
        page_of = {}
        for index, page in enumerate(document.pages):
            for anchor in page.anchors:
                page_of.setdefault(anchor, index)
        thumbs, labels = [], []
        for part in publication.parts:
            if part.id in PART_LABELS:
                index = page_of[anchors[id(part)]]
                thumbs.append(pdf[index].render(scale=0.4).to_pil().convert("RGB"))
                labels.append(PART_LABELS[part.id])
        size = save_small(parts_strip(thumbs, labels), args.out / f"parts{suffix}.png")
        print(f"parts{suffix}.png  {size // 1024} KB")
        pdf.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
