"""A publication that pushes every block type to the end of a column and of a page, in 1- and 2-column
parts: shared by the tests of column breaks and of renderer errors."""
from __future__ import annotations

from pathlib import Path

FILLER = ("Les collectivités accompagnées par l'Agence portent des projets de revitalisation des centres "
          "des petites villes, avec les services de l'État et leurs partenaires locaux. ")

PEOPLE = "".join(f"  - region: Bretagne\n    name: Personne {i}\n    email: p{i}@example.fr\n"
                 f"    phone: 01 02 03 04 {i:02d}\n" for i in range(14))
LONG_TEXT = "\n\n".join([FILLER * 3] * 3)

# One sample of every block, long enough to reach across a column or page end when pushed there.
BLOCKS: dict[str, str] = {
    "prose": f"{LONG_TEXT}\n",
    "directory": f"::: directory\ntitle: Contacts en région\nentries:\n{PEOPLE}:::\n",
    "contact": "::: contact\ntitle: Contacts presse\nentries:\n" + "".join(
        f"  - name: Personne {i}\n    email: p{i}@example.fr\n    phone: 01 02 03 04 {i:02d}\n" for i in range(6)) + ":::\n",
    "case-study": ("::: case-study\nlocation: BOURGES (CENTRE-VAL DE LOIRE)\ntitle: Une candidature culturelle\n"
                   "quote:\n  text: \"Le projet est intervenu au moment opportun pour la ville.\"\n"
                   f"  author: Céline Devaux\n  role: responsable\n---\n{LONG_TEXT}\n:::\n"),
    "callout": f"::: callout\n---\n{FILLER * 4}\n:::\n",
    "figures": "::: figures\ntitle: Chiffres clés\ncolumns: 3\nitems:\n" + "".join(
        f"  - value: \"{i} 800\"\n    label: \"**maisons France services**\"\n    detail: déployées en {2020 + i}\n"
        for i in range(6)) + ":::\n",
    "figures-2": "::: figures\ncolumns: 2\nitems:\n" + "".join(
        f"  - value: \"{i}0 %\"\n    label: des Français\n    detail: couverts\n" for i in range(4)) + ":::\n",
    "timeline": "::: timeline\ntitle: Une année\nitems:\n" + "".join(
        f"  - date: {i} avril 2023\n    text: Adoption de la feuille de route numéro {i}.\n" for i in range(1, 12)) + ":::\n",
    "quote": "::: quote\ntext: \"Un engagement qui se traduit par l'accompagnement de projets de territoires.\"\n"
             "author: Le directeur\nrole: ANCT\n:::\n",
    "testimonial": ("::: testimonial\nintro: Le témoignage de\nauthor: Une élue\nrole: maire\n"
                    f"text: \"{FILLER * 2}\"\n:::\n"),
    "zoom": f"::: zoom\ntitle: Zoom sur\nkicker: Un programme\n---\n{LONG_TEXT}\n:::\n",
    "card": f"::: card\ntype: guide\ntitle: Un guide\nkicker: Pour les collectivités\n---\n{FILLER * 3}\n:::\n",
    "about": f"::: about\ntitle: À propos\n---\n{FILLER * 3}\n:::\n",
    "signature": "::: signature\nname: Stanislas Bourron\nrole: directeur général\n:::\n",
    "questions": f"::: questions\n---\n## Une question ?\n\n{FILLER * 3}\n\n## Une autre ?\n\n{FILLER * 3}\n:::\n",
    "photo": "::: photo\ncredit: © Ville\nalt: \"Photo : une rue\"\ncaption: Une rue\n:::\n",
    "chart": ("::: chart\ntype: bar\ntitle: Projets\nalt: \"Projets : 1 en A, 2 en B, 3 en C.\"\nsource: essai\n"
              "data:\n  - {label: A, value: 1}\n  - {label: B, value: 2}\n  - {label: C, value: 3}\n:::\n"),
    "article": f":::: article\ntitle: Un article\nkicker: Un sujet\n---\n{LONG_TEXT}\n::::\n",
    "article-2": f":::: article\ntitle: Un article en colonnes\ncolumns: 2\n---\n{LONG_TEXT}\n::::\n",
}

# Each part starts a page with some filler paragraphs, then every block follows the one before,
# each after a filler of 1 to 4 sentences: blocks land at many heights, and the shifts move them all
# again, so that each kind reaches the end of a column and of a page somewhere.
SHIFTS = (0, 3, 7)

META = """title: Blocs en fin de colonne
organisation: Agence
language: fr
kind: report
theme: agence
binding: sheets
parts:
"""


def part_text(kinds: list[str], shift: int, columns: int) -> str:
    lines = [f"---\nlayout: page\ntitle: Blocs après {shift} paragraphes en {columns} colonnes\n"
             f"columns: {columns}\n---\n"]
    lines += [FILLER * 2 + "\n"] * shift
    for index, kind in enumerate(kinds):
        lines += [FILLER * (index % 4 + 1) + "\n", BLOCKS[kind]]
    return "\n".join(lines) + "\n" + FILLER + "\n"


def write_publication(root: Path, kinds: list[str], shifts: tuple[int, ...] = SHIFTS,
                      columns: tuple[int, ...] = (1, 2), name: str = "blocs") -> Path:
    """A publication with one part per (columns, shift), each holding every block of `kinds`."""
    folder = root / name
    (folder / "sections").mkdir(parents=True, exist_ok=True)
    files = []
    for count in columns:
        for shift in shifts:
            file = f"{count}-colonnes-{shift:02d}.md"
            (folder / "sections" / file).write_text(part_text(kinds, shift, count), encoding="utf-8")
            files.append(file)
    (folder / "publication.yaml").write_text(META + "".join(f"  - {f}\n" for f in files), encoding="utf-8")
    return folder
