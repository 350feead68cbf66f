"""Every block type pushed to the end of a column and of a page, in 1- and 2-column parts, builds
(WeasyPrint 70 crashed on a wide block split across pages); whatever the renderer raises reaches the
writer as `file:line: error:` at the block it was laying out, with nothing written."""
from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from blocks_at_breaks import BLOCKS, FILLER, META, write_publication
from support import page_texts
from toolkit.errors import ContentError

HERE = Path(__file__).resolve().parent


@pytest.fixture(scope="session")
def blocks_build(make_builder, tmp_path_factory):
    """The screen file of the publication of every block at many heights (one pass, all parts)."""
    content = tmp_path_factory.mktemp("blocks-content")
    write_publication(content, list(BLOCKS))
    builder = make_builder("blocks", content=content)
    return content / "blocs", builder.build("blocs", "screen")


def test_every_block_at_every_height_builds_in_one_and_two_columns(blocks_build) -> None:
    root, result = blocks_build
    parts = len(list((root / "sections").glob("*.md")))
    assert result.path.is_file() and result.pages >= parts
    text = "".join(page_texts(result.path))
    # Nothing dropped: every directory entry and the last filler of every part are printed.
    assert text.count("p13@example.fr") == parts
    assert text.count("Personne 13") >= parts


def test_wide_blocks_are_set_across_both_columns(blocks_build) -> None:
    import fitz

    root, result = blocks_build
    with fitz.open(result.path) as document:
        page = next(p for p in document if "Contacts en région" in p.get_text() and "colonnes" in p.get_text())
        width = page.rect.width
        directory_words = [w for w in page.get_text("words") if re.fullmatch(r"p\d+@example\.fr", w[4])]
        regions = [w for w in page.get_text("words") if w[4] == "Bretagne"]
    # The directory's columns (region … e-mail) run across the page, not inside one text column.
    assert directory_words and regions
    assert max(w[2] for w in directory_words) - min(w[0] for w in regions) > width * 0.55


# ---------------------------------------------------------------- renderer failures

# A designer override that lays the part body out as one multi-column box with the directory in
# `column-span: all`: the layout that made WeasyPrint 70 stop with `assert not page_is_empty`.
OLD_COLUMNS = """{% macro part_body(part, blocks) %}
<div class="part-body" style="columns: 2">
{% for block in blocks %}{{ render(block) }}{% endfor %}
</div>
{% endmacro %}
"""


def crashing_publication(root: Path, units: int, fillers: int = 6) -> tuple[Path, Path, int]:
    """A publication whose third part makes the renderer crash on its directory: (folder, part, line)."""
    folder = root / "crash"
    sections = folder / "sections"
    sections.mkdir(parents=True)
    people = "".join(f"  - region: Bretagne\n    name: Personne {i}\n    email: p{i}@example.fr\n"
                     for i in range(10))
    body = "\n\n".join([FILLER * 4] * fillers)
    text = f"---\nlayout: page\ntitle: Contacts\n---\n{body}\n\n::: directory\ntitle: Contacts\nentries:\n{people}:::\n"
    (sections / "crash.md").write_text(text, encoding="utf-8")
    line = text.splitlines().index("::: directory") + 1
    files = []
    for index in range(units):
        name = "crash.md" if index == min(2, units - 1) else f"{index}.md"
        if name != "crash.md":
            (sections / name).write_text(f"---\nlayout: page\ntitle: Partie {index}\n---\nUn texte.\n", encoding="utf-8")
        files.append(name)
    (folder / "publication.yaml").write_text(META + "".join(f"  - {f}\n" for f in files), encoding="utf-8")
    overrides = folder / "gabarits"
    (overrides / "parts").mkdir(parents=True)
    (overrides / "blocks").mkdir()
    (overrides / "parts" / "_columns.html").write_text(OLD_COLUMNS, encoding="utf-8")
    directory = (HERE.parents[1] / "layouts/base/templates/blocks/directory.html").read_text(encoding="utf-8")
    (overrides / "blocks" / "directory.html").write_text(
        directory.replace('<section class="directory">', '<section class="directory" style="column-span: all">'),
        encoding="utf-8")
    with (folder / "publication.yaml").open("a", encoding="utf-8") as meta:
        meta.write("layouts: gabarits\n")
    return folder, sections / "crash.md", line


@pytest.mark.parametrize("single_pass", [True, False], ids=["single-pass", "parts"])
def test_a_renderer_crash_is_an_error_at_the_block_and_nothing_is_written(make_builder, tmp_path, single_pass) -> None:
    folder, part, line = crashing_publication(tmp_path, units=4)
    builder = make_builder("crash", content=tmp_path, parts=not single_pass)
    target = builder.out / "crash" / "crash-print.pdf"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(b"%PDF- the previous file")
    with pytest.raises(ContentError) as caught:
        builder.build("crash", "print")
    assert builder.in_parts(builder.load("crash")[0], "print") is not single_pass
    (problem,) = caught.value.problems
    assert Path(problem.path) == part and problem.line == line, str(problem)
    assert "renderer" in problem.message and "AssertionError" in problem.message
    assert "Traceback" not in str(caught.value)
    assert target.read_bytes() == b"%PDF- the previous file"
    assert not list(target.parent.glob("*.tmp*"))


def test_the_cli_prints_the_located_error_and_no_traceback(tmp_path) -> None:
    from click.testing import CliRunner

    from toolkit.cli import main

    folder, part, line = crashing_publication(tmp_path, units=1)
    result = CliRunner().invoke(main, ["build", "crash", "--content", str(tmp_path), "--out", str(tmp_path / "out"),
                                       "--variant", "screen"])
    assert result.exit_code != 0
    assert re.search(rf"crash\.md:{line}: error: the renderer", result.output), result.output
    assert "Traceback" not in result.output
    assert not (tmp_path / "out" / "crash" / "crash-screen.pdf").exists()
