"""The writers' docs stay true: the accent colours of each theme, the chart examples, the quoting rules."""
from __future__ import annotations

import re
from pathlib import Path

from ruamel.yaml import YAML

from toolkit.paths import CONTENT, LAYOUTS, ROOT
from toolkit.theme import THEME_FILE, load_theme
from toolkit.validate import load_publication

DOCS = ROOT / "docs"


def section(path: Path, heading: str) -> str:
    text = path.read_text(encoding="utf-8")
    start = text.index(f"\n## {heading}\n")
    end = text.find("\n## ", start + 1)
    return text[start:] if end < 0 else text[start:end]


def test_every_theme_lists_its_complete_colours() -> None:
    rows = {}
    for line in section(DOCS / "content-format.md", "Accent colours").splitlines():
        found = re.match(r"^\| `([\w-]+)` \| (.+) \|$", line)
        if found:
            rows[found[1]] = re.findall(r"`([\w-]+)`", found[2])
    themes = sorted(path.parent.name for path in LAYOUTS.glob(f"*/{THEME_FILE}"))
    assert sorted(rows) == themes
    for name in themes:
        assert rows[name] == list(load_theme(name).tokens["colors"]), name


def fenced(text: str, info: str) -> list[tuple[str, str]]:
    """(the rest of the info string, the code) of each fenced block whose language is `info`."""
    return re.findall(rf"^```{info}([^\n]*)\n(.*?)^```$", text, flags=re.M | re.S)


def test_the_chart_examples_load_as_written(tmp_path: Path) -> None:
    text = (DOCS / "charts.md").read_text(encoding="utf-8")
    charts = [code for _, code in fenced(text, "markdown")]
    files = {name.strip(): code for name, code in fenced(text, "csv")}
    assert len(charts) >= 5 and files
    root = tmp_path / "pub"
    (root / "sections").mkdir(parents=True)
    (root / "publication.yaml").write_text("title: T\norganisation: O\nkind: report\nparts: [01.md]\n",
                                           encoding="utf-8")
    tagged = ":::: article\ntitle: A\nregion: Bretagne\n---\nTexte.\n::::\n"  # for the map of région tags
    (root / "sections" / "01.md").write_text("---\ntitle: Un\n---\n" + tagged + "\n".join(charts),
                                             encoding="utf-8")
    for name, code in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(code, encoding="utf-8")
    publication, problems = load_publication(root)
    assert not problems.items
    kinds = [block.type for block in publication.parts[0].body if block.kind == "chart"]
    assert len(kinds) == len(charts) and {"column", "grouped", "map"} <= set(kinds)
    # The CSV shown is the one the press release reads.
    for name, code in files.items():
        assert (CONTENT / "communique-2024" / name).read_text(encoding="utf-8") == code


def test_a_default_publication_reads_a_csv_from_data() -> None:
    read = []
    for publication in sorted(CONTENT.iterdir()):
        for part in sorted((publication / "sections").glob("*.md")):
            for name in re.findall(r"^file: (\S+\.csv)$", part.read_text(encoding="utf-8"), flags=re.M):
                assert (publication / "data" / name).is_file(), (part, name)
                read.append(name)
    assert read


def test_the_quoting_examples_parse_to_the_text_they_show() -> None:
    rules = section(DOCS / "tutorial.md", "Quoting in YAML").replace("`` ` ``", "")  # a backtick, quoted
    examples = [code for code in re.findall(r"`([^`]+)`", rules) if re.match(r"^[a-z_]+: ['\"]", code)]
    assert len(examples) >= 8
    for example in examples:
        key, _, raw = example.partition(": ")
        value = YAML(typ="safe").load(example)[key]
        assert isinstance(value, str) and value, example
        assert value == raw[1:-1].replace("\\\\", "\\").replace('\\"', '"').replace("''", "'"), example
