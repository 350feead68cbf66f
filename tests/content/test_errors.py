"""Content problems are reported as path:line: error: message, all at once, never as a traceback."""
from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

from toolkit.cli import main
from toolkit.errors import ContentError
from toolkit.validate import load_publication


def write_publication(root: Path, meta: str, parts: dict[str, str]) -> Path:
    (root / "sections").mkdir(parents=True)
    (root / "publication.yaml").write_text(textwrap.dedent(meta), encoding="utf-8")
    for name, text in parts.items():
        (root / "sections" / name).write_text(textwrap.dedent(text), encoding="utf-8")
    return root


GOOD_META = """\
    title: Test
    organisation: Agence
    kind: report
    parts: [01.md]
    """


def problems_of(root: Path) -> list[str]:
    with pytest.raises(ContentError) as caught:
        load_publication(root)
    return [str(p) for p in caught.value.problems]


def test_valid_publication_loads(tmp_path: Path) -> None:
    root = write_publication(tmp_path / "pub", GOOD_META, {"01.md": """\
        ---
        title: Un
        ---
        Bonjour.

        ::: quote
        text: Oui
        author: Moi
        :::
        """})
    publication, problems = load_publication(root)
    assert [block.kind for block in publication.parts[0].body] == ["prose", "quote"]
    assert publication.parts[0].body[1].author == "Moi"
    assert not problems.items


@pytest.mark.parametrize("meta, expected", [
    (GOOD_META + "colour: red\n", "publication.yaml:5: error: unknown key 'colour'"),
    (GOOD_META.replace("kind: report", "kind: poster"), "publication.yaml:3: error: 'kind': Input should be"),
    (GOOD_META.replace("    title: Test\n", ""), "publication.yaml:1: error: missing required key 'title'"),
    (GOOD_META.replace("[01.md]", "[01.md, 02.md]"), "publication.yaml:4: error: part '02.md' not found"),
    (GOOD_META + "date: demain\n", "publication.yaml:5: error: 'date': Input should be a valid date"),
    (GOOD_META + "title: twice\n", "publication.yaml:5: error: invalid YAML"),
])
def test_publication_yaml_errors_name_the_line(tmp_path: Path, meta: str, expected: str) -> None:
    root = write_publication(tmp_path / "pub", meta, {"01.md": "---\ntitle: Un\n---\nTexte.\n"})
    assert any(expected in problem for problem in problems_of(root)), problems_of(root)


@pytest.mark.parametrize("body, expected", [
    ("---\ntittle: Un\n---\n", "01.md:2: error: unknown key 'tittle'"),
    ("---\nlayout: poster\n---\n", "01.md:2: error: 'layout': Input should be"),
    ("Pas de front matter\n", "01.md:1: error: the file must start with front matter"),
    ("---\ntitle: Un\n---\n\n::: photo\ncredit: © X\n:::\n", "01.md:5: error: photo block: missing required key 'alt'"),
    ("---\ntitle: Un\n---\n::: quote\nauthor: X\n:::\n", "01.md:4: error: quote block: missing required key 'text'"),
    ("---\ntitle: Un\n---\n::: figures\nitems:\n  - value: 3\n    labl: x\n:::\n",
     "01.md:7: error: figures block: unknown key 'items.0.labl'"),
    ("---\ntitle: Un\n---\n::: poster\n:::\n", "01.md:4: error: unknown block 'poster'"),
    ("---\ntitle: Un\n---\n::: quote\ntext: x\n", "01.md:4: error: block 'quote' is never closed"),
    ("---\ntitle: Un\n---\n::: zoom\ntitle: [x\n---\ntexte\n:::\n", "01.md:5: error: invalid YAML"),
    ("---\ntitle: Un\n---\n:::: article\ntitle: T\nregion: Gondwana\n::::\n", "01.md:6: error: article block: 'region': unknown région"),
    ("---\ntitle: Un\n---\n::: quote\ntext: x\n---\ntexte\n:::\n", "01.md:4: error: block 'quote' takes no text"),
])
def test_part_errors_name_the_line(tmp_path: Path, body: str, expected: str) -> None:
    root = write_publication(tmp_path / "pub", GOOD_META, {"01.md": body})
    problems = problems_of(root)
    assert any(expected in problem for problem in problems), problems


def test_every_problem_is_reported_at_once(tmp_path: Path) -> None:
    root = write_publication(tmp_path / "pub", GOOD_META.replace("[01.md]", "[01.md, 02.md]") + "colour: x\n", {
        "01.md": "---\ntittle: Un\n---\n::: photo\ncredit: x\n:::\n",
        "02.md": "---\ntitle: Deux\n---\n::: quote\nauthor: x\n:::\n",
    })
    problems = problems_of(root)
    assert len(problems) == 4
    assert [p.split(":")[0].rsplit("/", 1)[-1] for p in problems] == ["publication.yaml", "01.md", "01.md", "02.md"]


def test_bad_utf8_is_reported_with_its_line(tmp_path: Path) -> None:
    root = write_publication(tmp_path / "pub", GOOD_META, {"01.md": "---\ntitle: Un\n---\n"})
    (root / "sections" / "01.md").write_bytes(b"---\ntitle: Un\n---\n\xff\xfe oops\n")
    assert any("01.md:4: error: not valid UTF-8" in p for p in problems_of(root))


def test_cli_prints_problems_without_traceback_and_keeps_previous_pdf(tmp_path: Path) -> None:
    content = tmp_path / "content"
    write_publication(content / "pub", GOOD_META, {"01.md": "---\ntittle: Un\n---\n"})
    previous = tmp_path / "out" / "pub" / "pub-print.pdf"
    previous.parent.mkdir(parents=True)
    previous.write_bytes(b"%PDF-previous good file")
    result = CliRunner().invoke(main, ["build", "pub", "--content", str(content), "--out", str(tmp_path / "out")])
    assert result.exit_code == 1
    assert "01.md:2: error: unknown key 'tittle'" in result.output
    assert "Traceback" not in result.output
    assert previous.read_bytes() == b"%PDF-previous good file"
    assert not list(previous.parent.glob("*.part"))
