"""`toolkit new`: a commented starter that builds at once, in both variants, for each kind."""
from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from toolkit.cli import main
from toolkit.models import BLOCKS, PartMeta

KIND_LAYOUTS = {
    "report": {"cover", "contents", "page", "section", "chapter", "back-cover"},
    "press-release": {"letterhead"},
}
COMMON_BLOCKS = {"callout", "figures", "quote", "photo", "chart", "article", "zoom", "case-study", "timeline",
                 "card", "testimonial", "questions", "signature", "about", "contact"}


@pytest.fixture(scope="module")
def started(tmp_path_factory: pytest.TempPathFactory, make_builder):
    """A report and a press release made by `toolkit new`, each built in both variants."""
    content = tmp_path_factory.mktemp("content")
    made = {}
    for kind in KIND_LAYOUTS:
        result = CliRunner().invoke(main, ["new", f"mon-{kind}", "--kind", kind, "--content", str(content)])
        assert result.exit_code == 0, result.output
        made[kind] = result.output
    builder = make_builder("new", content=content)
    built = {(kind, variant): builder.build(f"mon-{kind}", variant)
             for kind in KIND_LAYOUTS for variant in ("print", "screen")}
    return content, built, builder


@pytest.mark.parametrize("kind", list(KIND_LAYOUTS))
@pytest.mark.parametrize("variant", ["print", "screen"])
def test_new_publication_builds_without_a_warning_and_passes_preflight(started, kind: str, variant: str) -> None:
    from toolkit.preflight import check_pdf

    _, built, _ = started
    result = built[(kind, variant)]
    # The starter's photos await their files: the build lists them (and leaves them out), nothing else.
    others = [w for w in result.warnings if "warning: photo '" not in w or "is missing" not in w]
    assert others == []
    assert result.pages >= 1 and result.path.is_file()
    report = check_pdf(result.path, binding="sheets" if kind == "press-release" else "saddle-stitch")
    assert report.ok, [f for f in report.findings if f.level == "error"]


@pytest.mark.parametrize("kind", list(KIND_LAYOUTS))
def test_new_publication_shows_its_layouts_and_blocks_with_comments(started, kind: str) -> None:
    content, _, builder = started
    publication, _, _ = builder.load(f"mon-{kind}")
    assert publication.meta.kind == kind
    layouts = {part.meta.layout for part in publication.parts}
    assert layouts == KIND_LAYOUTS[kind]
    assert set(PartMeta.model_fields["layout"].annotation.__args__) == set().union(*KIND_LAYOUTS.values())

    def kinds(body) -> set[str]:
        found = set()
        for block in body:
            found.add(block.kind)
            found |= kinds(getattr(block, "body", []))
        return found

    used = set().union(*(kinds(part.body) for part in publication.parts)) - {"prose"}
    assert used <= set(BLOCKS)
    if kind == "report":
        assert COMMON_BLOCKS - {"about", "contact"} <= used
    else:
        assert {"callout", "figures", "quote", "about", "contact"} <= used
    root = content / f"mon-{kind}"
    texts = [root / "publication.yaml", *sorted((root / "sections").glob("*.md"))]
    assert all("# " in path.read_text(encoding="utf-8") for path in texts)  # every file explains itself
    assert (root / "images").is_dir() and (root / "data").is_dir()


def test_new_refuses_an_existing_name_and_a_name_that_is_not_plain(tmp_path: Path) -> None:
    runner = CliRunner()
    assert runner.invoke(main, ["new", "pub", "--content", str(tmp_path)]).exit_code == 0
    before = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*"))
    (tmp_path / "pub" / "sections" / "02-edito.md").write_text("mine", encoding="utf-8")
    again = runner.invoke(main, ["new", "pub", "--content", str(tmp_path)])
    assert again.exit_code == 1 and "already exists" in again.output
    assert (tmp_path / "pub" / "sections" / "02-edito.md").read_text(encoding="utf-8") == "mine"
    for bad in ("Mon Rapport", "../dehors", "a/b", "x-", "_x", "", "é", "x" * 65, ".cache"):
        result = runner.invoke(main, ["new", bad, "--content", str(tmp_path)])
        assert result.exit_code == 1, bad
        assert "not a plain publication name" in result.output and "Traceback" not in result.output
    spaced = runner.invoke(main, ["new", "Rapport Été 2025", "--content", str(tmp_path)])
    assert "(e.g. 'rapport-ete-2025')" in spaced.output
    assert sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*")) == before
    assert not (tmp_path.parent / "dehors").exists()


def test_new_says_why_it_cannot_write(tmp_path: Path) -> None:
    (tmp_path / "a-file").write_text("x", encoding="utf-8")
    result = CliRunner().invoke(main, ["new", "pub", "--content", str(tmp_path / "a-file" / "content")])
    assert result.exit_code == 1 and "cannot write" in result.output and "Traceback" not in result.output
    assert (tmp_path / "a-file").read_text(encoding="utf-8") == "x"
