"""The contents an art director signs off (one page, two levels, numbered chapters, case studies listed,
nothing twice) and headings with one style per level (a kicker repeating its heading is not printed).

A small publication written here, built in print (in parts: the contents is laid out last with the
real page numbers) and screen, and the default annual report."""
from __future__ import annotations

import re
import textwrap
from pathlib import Path

import pikepdf
import pytest

from support import build_both_variants, page_texts, pdf_text

NAME = "sommaire"
FILLER = "Un paragraphe de texte courant qui remplit la page et pousse les titres plus loin dans le document. " * 6


def write_publication(content: Path) -> Path:
    root = content / NAME
    (root / "sections").mkdir(parents=True)
    (root / "publication.yaml").write_text(textwrap.dedent("""\
        title: Essai de sommaire
        organisation: Agence de test
        date: 2024-06-01
        language: fr
        kind: report
        theme: agence
        binding: none
        parts: [00-couverture.md, 01-sommaire.md, 02-edito.md, 03-chapitre.md, 04-section.md, 05-chapitre.md,
                06-dos.md]
        """), encoding="utf-8")
    parts = {
        "00-couverture.md": "---\nlayout: cover\ntitle: Essai de sommaire\n---\n",
        "01-sommaire.md": "---\nlayout: contents\ntitle: Sommaire\n---\n",
        "02-edito.md": f"---\nlayout: page\ntitle: Édito\nkicker: EDITO\n---\n{FILLER}\n",
        "03-chapitre.md": f"---\nlayout: chapter\ntitle: Premier chapitre\nkicker: Le premier chapitre\n---\n{FILLER}\n",
        "04-section.md": textwrap.dedent(f"""\
            ---
            layout: section
            title: Essai
            ---
            :::: article
            title: L'Essai
            kicker: Un surtitre qui dit autre chose
            ---
            {FILLER}
            ::::
            """),
        "05-chapitre.md": textwrap.dedent(f"""\
            ---
            layout: chapter
            title: Deuxième chapitre
            accent: blue
            ---
            ::: case-study
            location: PARIS (ÎLE-DE-FRANCE)
            title: Une étude de cas
            kicker: Une étude de cas
            ---
            {FILLER}
            :::

            :::: article
            title: Premier article
            kicker: L'ARTICLE PREMIER
            ---
            {FILLER}
            ::::

            :::: article
            title: UN ARTICLE TAPÉ EN CAPITALES
            ---
            {FILLER}
            ::::

            :::: article
            title: Un essai
            ---
            Un article au titre déjà listé (« Essai », la section du premier chapitre) : listé une fois.
            ::::

            :::: article
            title: Un sous-article
            level: 3
            ---
            {FILLER}
            ::::
            """),
        "06-dos.md": "---\nlayout: back-cover\ntitle: Dos\n---\n",
    }
    for name, text in parts.items():
        (root / "sections" / name).write_text(text, encoding="utf-8")
    return root


# Level 1 and, under each, level 2, as the contents must list them (number, label, title).
EXPECTED = [
    ("Édito", []),
    ("1 Premier chapitre", ["Essai"]),
    ("2 Deuxième chapitre", ["Étude de cas Une étude de cas", "Premier article", "UN ARTICLE TAPÉ EN CAPITALES"]),
]


@pytest.fixture(scope="session")
def contents_content(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("contents-content")
    write_publication(folder)
    return folder


@pytest.fixture(scope="session")
def contents_builds(contents_content, tmp_path_factory):
    return build_both_variants(contents_content, NAME, tmp_path_factory.mktemp("contents-out"))


def contents_html(content: Path) -> str:
    from toolkit.build import Builder
    from toolkit.html import build_html

    publication, theme, _ = Builder(content=content).load(NAME)
    return build_html(publication, theme, "screen").html


def words(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).replace("\u2019", "'").split())


def test_contents_has_two_levels_numbered_chapters_and_nothing_twice(contents_content) -> None:
    html = contents_html(contents_content)
    nav = re.search(r'<nav class="contents.*?</nav>', html, re.S).group(0)
    tree = []
    for item in re.findall(r'<li class="contents-entry level-1.*?(?=<li class="contents-entry level-1|</ol>\s*</nav>)',
                           nav, re.S):
        head = words(re.match(r".*?</a>", item, re.S).group(0))
        children = [words(child) for child in re.findall(r'<li class="contents-entry level-2[^>]*>(.*?)</li>', item,
                                                         re.S)]
        tree.append((head, children))
    assert tree == EXPECTED


def test_contents_page_numbers_are_those_of_the_pages(contents_builds) -> None:
    """In print (laid out in parts, the contents last) and screen: each entry's number is its page."""
    from toolkit.typography import heading_key

    for variant, result in contents_builds.items():
        pages = page_texts(result.path)
        contents = next(i for i, text in enumerate(pages) if "Sommaire" in text)
        lines = pages[contents].replace("\r", "")
        listed = re.findall(r"^(?:\d+[ \t]+)?(?:ÉTUDE DE CAS[ \t]+)?(.+?)[ \t.…]+(\d+)[ \t]*$", lines, re.M)
        assert len(listed) == 7, (variant, listed)
        for title, page in listed:
            target = pages[int(page) - 1]
            assert heading_key(title) in heading_key(target), (variant, title, page)


def test_a_kicker_repeating_its_heading_is_not_printed(contents_builds) -> None:
    for result in contents_builds.values():
        text = pdf_text(result.path).upper().replace("\u2019", "'")
        assert "LE PREMIER CHAPITRE" not in text
        assert "EDITO" not in text.replace("ÉDITO", "")
        assert text.count("UNE ÉTUDE DE CAS") == 2  # the contents and the heading, no kicker
        assert "UN SURTITRE QUI DIT AUTRE CHOSE" in text
        assert "L'ARTICLE PREMIER" in text  # not the same words: printed


def test_headings_typed_in_capitals_are_reported_and_small_levels_set_in_capitals(contents_builds) -> None:
    warnings = [w for w in contents_builds["print"].warnings if "typed in capitals" in w]
    assert len(warnings) == 1
    assert re.search(r"05-chapitre\.md:22: warning: title 'UN ARTICLE TAPÉ EN CAPITALES' is typed in capitals",
                     warnings[0])
    for result in contents_builds.values():
        text = pdf_text(result.path).replace("\u2011", "-")  # the typography's no-break hyphen
        assert "UN SOUS-ARTICLE" in text and "Un sous-article" not in text  # level 3: capitals by the CSS


@pytest.mark.parametrize("variant", ["print", "screen"])
def test_the_annual_report_contents(annual_report, variant) -> None:
    from toolkit.build import Builder
    from toolkit.html import assign_anchors, contents_entries
    from toolkit.models import CaseStudy
    from toolkit.html import walk_blocks
    from toolkit.typography import heading_key

    result = annual_report[variant]
    with pikepdf.open(result.path) as pdf:
        with pdf.open_outline() as outline:
            top = [(item.title, pdf.pages.index(item.destination_page) if hasattr(item, "destination_page")
                    else None) for item in outline.root]
    publication, _, _ = Builder().load("rapport-annuel-2023")
    entries = contents_entries(publication, assign_anchors(publication)[0])
    chapters = [part for part in publication.parts if part.meta.layout == "chapter"]
    cases = [block for part in publication.parts for block in walk_blocks(part.body) if isinstance(block, CaseStudy)]
    # One page: the contents' page holds every chapter, and the next page is the first page it lists.
    pages = page_texts(result.path)
    contents = next(i for i, text in enumerate(pages) if text.lstrip().upper().startswith("SOMMAIRE"))
    page = pages[contents]
    for number, chapter in enumerate(chapters, 1):
        assert re.search(rf"(?m)^{number}\s+{re.escape(chapter.meta.title[:12])}", page.replace("\u2019", "'")), \
            chapter.meta.title
    assert heading_key(entries[0].title) in heading_key(pages[contents + 1])
    assert page.count("ÉTUDE DE CAS") == len(cases) >= 8
    assert heading_key(page).count("anctour") == 1
    keys = [heading_key(entry.title) for entry in entries]
    assert len(keys) == len(set(keys))
    assert len(entries) < 90 and top  # the outline is still there
    assert not [w for w in result.warnings if "typed in capitals" in w]
