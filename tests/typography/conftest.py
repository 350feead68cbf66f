"""A short publication written to test what readers extract: compounds, hyphenation, letter-spaced
headings, addresses of every form, and justified paragraphs with bold text; built once per run."""
from __future__ import annotations

import pytest

COMPOUNDS = ["Île-de-France", "Pierrefitte-sur-Seine", "centres-villes", "tiers-lieux", "peut-être",
             "Bourgogne-Franche-Comté", "Saint-Rémy-de-Provence", "2023-2027", "Provence-Alpes-Côte"]
LONG_WORDS = ("intercommunalités déconcentration revitalisation accompagnement territorialisation "
              "professionnalisation contractualisation ")
URLS = {
    # As typed → the link target the screen file must carry.
    "https://www.agence-cohesion-territoires.gouv.fr/ressources-documentaires-et-publications?theme=ingenierie&page=2":
        "https://www.agence-cohesion-territoires.gouv.fr/ressources-documentaires-et-publications?theme=ingenierie&page=2",
    "https://www.data.gouv.fr/fr/organizations/agence-nationale-de-la-cohesion-des-territoires/":
        "https://www.data.gouv.fr/fr/organizations/agence-nationale-de-la-cohesion-des-territoires/",
    "www.france-services.gouv.fr": "http://www.france-services.gouv.fr",
    "contact.presse@anct.gouv.fr": "mailto:contact.presse@anct.gouv.fr",
}
HEADINGS = ["Chiffres clés 2024", "Accompagnement en ingénierie"]

META = """title: Textes à extraire
organisation: Agence nationale de la cohésion des territoires
language: fr
kind: report
theme: agence
binding: sheets
parts:
  - 01-texte.md
"""


def paragraph(index: int) -> str:
    """Prose whose compounds, long words and addresses land at many places of the lines."""
    lead = "Les élus " + "des communes " * (index % 5)
    compounds = ", ".join(COMPOUNDS[index % 3:] + COMPOUNDS[: index % 3])
    url, other = list(URLS)[index % 2], list(URLS)[2 + index % 2]
    return (f"{lead}accompagnés en {compounds} portent des projets de {LONG_WORDS * 2}Les ressources sont "
            f"sur {url} et sur <{list(URLS)[(index + 1) % 2]}>, ou à demander à {other} pour les "
            f"{LONG_WORDS}et les {compounds}.")


def publication_text() -> str:
    body = "\n\n".join(paragraph(i) for i in range(10))
    bold = "\n\n".join(
        "La " + "**Fabrique des territoires** accompagne " * 1 + "les " + "collectivités " * (i % 4)
        + "**dans leurs projets de revitalisation** des centres anciens et des quartiers prioritaires." for i in range(8))
    figures = ("::: figures\ntitle: Chiffres clés 2024\ncolumns: 3\nitems:\n"
               "  - value: \"2 800\"\n    label: maisons France services\n"
               "  - value: \"80 %\"\n    label: des Français\n"
               "  - value: \"507\"\n    label: tiers-lieux\n:::\n")
    article = (":::: article\ntitle: Ingénierie\nkicker: Accompagnement en ingénierie\n---\n"
               f"{paragraph(3)}\n::::\n")
    chart = ("::: chart\ntype: bar\ntitle: Projets de l'Agence\nalt: \"Projets : 3 dans l'Ain, 2 dans l'Aude.\"\n"
             "source: l'Agence\ndata:\n  - {label: \"l'Ain\", value: 3}\n  - {label: \"l'Aude\", value: 2}\n:::\n")
    return (f"---\nlayout: page\ntitle: Des textes de l'Agence\nrunning_title: L'Agence et ses textes\n"
            f"columns: 2\n---\n{figures}\n{chart}\n{body}\n\n{article}\n{bold}\n")


@pytest.fixture(scope="session")
def text_build(make_builder, tmp_path_factory):
    """Both variants of the text publication: {variant: BuildResult}."""
    content = tmp_path_factory.mktemp("text-content")
    root = content / "textes"
    (root / "sections").mkdir(parents=True)
    (root / "publication.yaml").write_text(META, encoding="utf-8")
    (root / "sections" / "01-texte.md").write_text(publication_text(), encoding="utf-8")
    builder = make_builder("textes", content=content)
    return {variant: builder.build("textes", variant) for variant in ("print", "screen")}
