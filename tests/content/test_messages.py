"""Messages say what to change: YAML mistakes in words with the fix, the block left open, unknown names
with "did you mean", data problems naming their chart. Content is written here, as a writer would."""
from __future__ import annotations

import re
import textwrap
from pathlib import Path

import pytest
from ruamel.yaml import YAML

from toolkit.errors import ContentError
from toolkit.validate import load_publication

META = """\
title: Test
organisation: Agence
kind: report
parts: [01.md]
"""
FRONT = "---\ntitle: Un\n---\n"


def problems_of(root: Path, theme: str | None = None) -> list[str]:
    with pytest.raises(ContentError) as caught:
        load_publication(root, theme)
    return [str(p) for p in caught.value.problems]


def publication(tmp_path: Path, part: str, meta: str = META, files: dict[str, str] | None = None) -> Path:
    root = tmp_path / "pub"
    (root / "sections").mkdir(parents=True)
    (root / "publication.yaml").write_text(meta, encoding="utf-8")
    (root / "sections" / "01.md").write_text(part, encoding="utf-8")
    for name, text in (files or {}).items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    return root


def only(problems: list[str]) -> str:
    assert len(problems) == 1, problems
    return problems[0]


def parses(line: str) -> object:
    """The line the message proposes, read by YAML: it must parse and keep the whole value."""
    return YAML(typ="safe").load(line)


# ---------------------------------------------------------------- an unquoted ": " in any field

COLON_CASES = [
    # (where the value is, file text, 1-based line of the value, key, value)
    ("publication.yaml", META.replace("title: Test", "title: Rapport 2022 : le bilan"), 1, "title",
     "Rapport 2022 : le bilan"),
    ("publication.yaml", META + "subject: Rapport d'activité : l'année 2023\n", 5, "subject",
     "Rapport d'activité : l'année 2023"),
    ("01.md", "---\nlayout: chapter\ntitle: Cohésion : les territoires\n---\n", 3, "title",
     "Cohésion : les territoires"),
    ("01.md", FRONT + '::: quote\ntext: Nous avons dit "oui" : enfin\nauthor: Moi\n:::\n', 5, "text",
     'Nous avons dit "oui" : enfin'),
    ("01.md", FRONT + "::: figures\nitems:\n  - value: 3\n    label: Taux : en hausse\n:::\n", 7, "label",
     "Taux : en hausse"),
    ("01.md", FRONT + "::: quote\ntext: Oui\nauthor: M. X, directeur :\n:::\n", 6, "author",
     "M. X, directeur :"),
]


@pytest.mark.parametrize("where, text, line, key, value", COLON_CASES)
def test_a_colon_in_a_value_says_to_quote_it_and_shows_the_line(tmp_path: Path, where: str, text: str,
                                                                 line: int, key: str, value: str) -> None:
    root = publication(tmp_path, text if where == "01.md" else FRONT + "Texte.\n",
                       meta=text if where == "publication.yaml" else META)
    message = only(problems_of(root))
    assert f"{where}:{line}: error: invalid YAML: the value of '{key}'" in message
    assert "put the value in quotes" in message and "mapping values" not in message
    fixed = message.split("like this: ", 1)[1]
    assert parses(fixed) == {key: value}


# ---------------------------------------------------------------- indentation in words

INDENT_CASES = [
    # (part text, line at fault, key at fault, the (indentation, file line of the key to line up with) proposed)
    (FRONT + "::: figures\nitems:\n  - value: 3\n    label: x\n   detail: y\n:::\n", 8, "detail", [(4, 7), (0, 5)]),
    (FRONT + "::: figures\nitems:\n  - value: 3\n  label: x\n:::\n", 7, "label", [(4, 6), (0, 5)]),
    (FRONT + "::: case-study\ntitle: T\nlocation: L\nquote:\n    text: a\n  author: b\n:::\n", 9, "author",
     [(4, 8), (0, 7)]),
    ("---\ntitle: Un\n  subtitle: Deux\n---\n", 3, "subtitle", [(0, 2)]),
    (FRONT + "::: photo\nalt: x\n  credit: y\n:::\n", 6, "credit", [(0, 5)]),
    ("---\nlayout: page\nphoto:\n  alt: x\n    credit: y\n---\n", 5, "credit", [(2, 4), (0, 3)]),
]


@pytest.mark.parametrize("text, line, key, indents", INDENT_CASES)
def test_wrong_indentation_is_said_in_words_with_the_indentation_expected(tmp_path: Path, text: str, line: int,
                                                                          key: str, indents: list[int]) -> None:
    message = only(problems_of(publication(tmp_path, text)))
    assert f"01.md:{line}: error: invalid YAML: wrong indentation: '{key}' is indented by" in message
    assert "<block" not in message and "mapping values" not in message
    proposed = [(int(spaces), int(line)) for spaces, line in re.findall(r"by (\d+) spaces to go with '[\w-]+' "
                                                                        r"\(line (\d+)\)", message)]
    assert proposed == indents, message


@pytest.mark.parametrize("text, line, expected", [
    # a list item out of line with the items above it
    (FRONT + "::: figures\nitems:\n  - value: 1\n    label: a\n   - value: 2\n     label: b\n:::\n", 8,
     "the list item '- value: 2' is indented by 3 spaces; indent it by 2 spaces to line up with the item on line 6"),
    (FRONT + "::: figures\nitems:\n  - value: 1\n    label: a\n    - value: 2\n:::\n", 8,
     "indented by 4 spaces; indent it by 2 spaces to line up with the item on line 6"),
    # the first key indented, the next ones not
    ("---\n  title: Un\nlayout: page\n---\n", 3, "the first line is indented by 2 spaces and this one by 0"),
])
def test_list_items_and_first_lines_out_of_line_are_said_in_words(tmp_path: Path, text: str, line: int,
                                                                  expected: str) -> None:
    message = only(problems_of(publication(tmp_path, text)))
    assert f"01.md:{line}: error: invalid YAML: wrong indentation: " in message and expected in message


def test_quotes_left_open_or_closed_too_early_are_said_in_words(tmp_path: Path) -> None:
    unclosed = only(problems_of(publication(tmp_path / "a", '---\ntitle: "Rapport\nlayout: page\n---\n')))
    assert '01.md:2: error: invalid YAML: the " on this line opens a quoted value that is never closed' in unclosed
    early = only(problems_of(publication(tmp_path / "b", '---\ntitle: "Rapport" 2022\n---\n')))
    assert "01.md:2: error: invalid YAML: the value of 'title' goes on after its closing quote" in early
    assert parses(early.split("like this: ", 1)[1]) == {"title": '"Rapport" 2022'}


HOSTILE_YAML = ["\r[\t- :", "a: b\r  c: d", "- a\n- b: c\n - d", "a: [b, {c: d]", "a: 'b\n", "&x a: *x *y",
"\u2028title: a : b", "a:\n\t- b", "a: |\n  b\n c: d", "- - - a: b: c"]


@pytest.mark.parametrize("text", HOSTILE_YAML)
def test_any_broken_yaml_gets_a_located_message_and_no_traceback(text: str) -> None:
    from toolkit.errors import Problems
    from toolkit.load import parse_yaml

    problems = Problems()
    located = parse_yaml(text, Path("x.md"), 2, problems)
    assert located.broken and len(problems.items) == 1
    problem = problems.items[0]
    assert problem.message.startswith("invalid YAML: ") and 2 <= problem.line <= 2 + len(text)


def test_a_tab_and_a_line_without_colon_are_said_in_words(tmp_path: Path) -> None:
    tab = only(problems_of(publication(tmp_path / "a", "---\ntitle: Un\n\tsubtitle: Deux\n---\n")))
    assert "01.md:3: error: invalid YAML: a tab indents this line" in tab
    no_colon = only(problems_of(publication(tmp_path / "b", "---\ntitle: Un\nsubtitle Deux\nlayout: page\n---\n")))
    assert "01.md:3: error: invalid YAML: 'subtitle Deux' is not a 'key: value' line" in no_colon


# ---------------------------------------------------------------- the block left open, at any depth

UNCLOSED_CASES = [
    # the callout above the figures is left open: the callout is named, at its line
    (FRONT + "::: callout\n---\nTexte.\n\n::: figures\nitems:\n  - value: 3\n    label: x\n:::\n", "callout", 4, 8),
    # without a body: its fields would swallow the prose below
    (FRONT + "::: quote\ntext: Oui\n\nUn paragraphe : avec deux-points.\n\n::: photo\nalt: x\n:::\n", "quote", 4, 9),
    # inside an article, before the article's end
    (FRONT + ":::: article\ntitle: T\n---\nTexte.\n\n::: zoom\n---\nEncadré.\n::::\n", "zoom", 9, None),
    # two levels down, then another article
    (FRONT + ":::: article\ntitle: T\n---\n::: callout\n---\nA\n::::\n\n:::: article\ntitle: U\n---\nB\n::::\n",
     "callout", 7, None),
    # an outer article left open before the next article
    (FRONT + ":::: article\ntitle: T\n---\n::: quote\ntext: x\n:::\n\n:::: article\ntitle: U\n---\nB\n::::\n",
     "article", 4, 11),
    # the last block of the file
    (FRONT + "Texte.\n\n::: quote\ntext: x\n", "quote", 6, None),
]


@pytest.mark.parametrize("text, block, line, before", UNCLOSED_CASES)
def test_the_block_left_open_is_named_at_its_line(tmp_path: Path, text: str, block: str, line: int,
                                                  before: int | None) -> None:
    message = only(problems_of(publication(tmp_path, text)))
    assert f"01.md:{line}: error: block '{block}' is never closed" in message
    if before is not None:
        assert f"before line {before}," in message


def test_a_block_closed_after_an_unclosed_one_is_still_checked(tmp_path: Path) -> None:
    text = FRONT + "::: callout\n---\nTexte.\n\n::: quote\nauthor: X\n:::\n"
    problems = problems_of(publication(tmp_path, text))
    assert len(problems) == 2, problems
    assert "01.md:4: error: block 'callout' is never closed" in problems[0]
    assert "01.md:8: error: quote block: missing required key 'text'" in problems[1]


# ---------------------------------------------------------------- unknown names

def test_an_unknown_accent_is_an_error_with_the_theme_colours(tmp_path: Path) -> None:
    root = publication(tmp_path, "---\nlayout: chapter\ntitle: Un\naccent: gren\n---\nTexte.\n")
    message = only(problems_of(root))
    colours = list(YAML(typ="safe").load((Path("layouts/agence/theme.yaml")).read_text(encoding="utf-8"))["colors"])
    assert "01.md:4: error: 'accent': the theme 'agence' has no colour 'gren' (did you mean 'green'?)" in message
    listed = message.split("its colours: ")[1].split(", ")
    assert set(colours) <= set(listed)
    # The same accent with the theme given on the command line: the neutral theme has no 'gren' either.
    assert "the theme 'neutral' has no colour 'gren'" in only(problems_of(root, theme="neutral"))
    # The base theme has no chapter colours: a report built with it is told which accents it lacks.
    assert "the theme 'base' has no colour 'gren'" in only(problems_of(root, theme="base"))


@pytest.mark.parametrize("part, meta_extra, expected", [
    (FRONT + "::: figure\nitems: []\n:::\n", "", "01.md:4: error: unknown block 'figure' (did you mean 'figures'?)"),
    ("---\ntitel: Un\n---\n", "", "01.md:2: error: unknown key 'titel' (did you mean 'title'"),
    ("---\nlayout: chaptre\n---\n", "", "01.md:2: error: 'layout': Input should be"),
    ("---\nlayout: chaptre\n---\n", "", "(did you mean 'chapter'?)"),
    (FRONT + ":::: article\ntitle: T\nregion: Ile-de-France\n::::\n", "", "(did you mean 'Île-de-France'?)"),
    (FRONT + "::: photo\nalt: x\nsize: colum\n:::\n", "", "(did you mean 'column'?)"),
    (FRONT + "::: quote\ntext: x\nauthr: M\n:::\n", "", "unknown key 'authr' (did you mean 'author'?)"),
    (FRONT, "kind: rapport\n", "(did you mean 'report'?)"),
])
def test_unknown_names_get_did_you_mean(tmp_path: Path, part: str, meta_extra: str, expected: str) -> None:
    meta = META.replace("kind: report\n", "") + meta_extra if "kind" in meta_extra else META + meta_extra
    problems = problems_of(publication(tmp_path, part, meta=meta))
    assert any(expected in p for p in problems), problems


def test_an_unknown_theme_gets_did_you_mean(tmp_path: Path) -> None:
    from toolkit.build import Builder

    root = publication(tmp_path, FRONT, meta=META + "theme: agense\n")
    with pytest.raises(ContentError) as caught:
        Builder(content=root.parent, out=tmp_path / "out").load("pub")
    message = only([str(p) for p in caught.value.problems])
    assert "error: theme 'agense' not found (did you mean 'agence'?)" in message


def test_a_name_far_from_every_choice_gets_no_guess(tmp_path: Path) -> None:
    problems = problems_of(publication(tmp_path, FRONT + "::: poster\n:::\n"))
    assert "unknown block 'poster'; known blocks:" in only(problems)


# ---------------------------------------------------------------- chart data

CHART = textwrap.dedent("""\
    ::: chart
    type: bar
    title: Projets par volet
    alt: Projets par volet
    file: volets.csv
    :::
    """)


def test_a_data_file_problem_names_the_chart_that_reads_it_and_suggests_unit(tmp_path: Path) -> None:
    root = publication(tmp_path, FRONT + CHART, files={"data/volets.csv": "label,value\nIngénierie,21 %\n"})
    message = only(problems_of(root))
    assert "volets.csv:2: error: row 2: value '21 %' is not a number" in message
    assert 'give the chart `unit: "%"`' in message
    assert "(read by the chart 'Projets par volet' at " in message and "01.md:4)" in message


def test_inline_data_with_a_unit_suggests_unit_too(tmp_path: Path) -> None:
    chart = "::: chart\ntype: bar\ntitle: T\nalt: A\ndata:\n  - label: a\n    value: 19,5 M€\n:::\n"
    message = only(problems_of(publication(tmp_path, FRONT + chart)))
    assert "01.md:4: error:" in message and 'give the chart `unit: "M€"`' in message


def test_unknown_publication_and_edition_names_get_did_you_mean(tmp_path: Path) -> None:
    from toolkit.build import Builder
    from toolkit.editions import load_overlay
    from toolkit.paths import CONTENT

    with pytest.raises(ContentError) as caught:
        Builder(out=tmp_path).load("communique-2042")
    assert "no publication 'communique-2042' (did you mean 'communique-2024'?)" in str(caught.value)
    with pytest.raises(ContentError) as caught:
        load_overlay(CONTENT / "rapport-annuel-2023", "occitane")
    assert "no edition 'occitane' (did you mean 'occitanie'?)" in str(caught.value)


def test_a_yaml_data_file_error_is_said_in_words_and_names_its_chart(tmp_path: Path) -> None:
    chart = CHART.replace("volets.csv", "volets.yaml")
    root = publication(tmp_path, FRONT + chart,
                       files={"data/volets.yaml": "- label: Ingénierie : études\n  value: 3\n"})
    message = only(problems_of(root))
    assert "volets.yaml:1: error: invalid YAML: the value of 'label' contains a colon" in message
    assert "(read by the chart 'Projets par volet'" in message
