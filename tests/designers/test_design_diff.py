"""toolkit.diff and `toolkit diff`: the pages whose text or rendering changed between two builds."""
from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from designers_testlib import PRESS_RELEASE, PRESS_RELEASE_PART, copy_publication, replace_in
from toolkit.diff import diff_pdfs, normalise_text


@pytest.fixture(scope="module")
def three_builds(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The press release (screen) built twice unchanged, and once with one word changed on page 2."""
    from toolkit.build import Builder

    os.environ.setdefault("SOURCE_DATE_EPOCH", "1700000000")
    root = tmp_path_factory.mktemp("diff")
    content = copy_publication(PRESS_RELEASE, root)
    builder = Builder(content=content, out=root / "out")
    paths = {}
    for name in ("first", "again"):
        result = builder.build(PRESS_RELEASE, "screen")
        paths[name] = result.path.rename(root / f"{name}.pdf")
    replace_in(content / PRESS_RELEASE / PRESS_RELEASE_PART, "lancement réussi", "lancement remarqué")
    paths["edited"] = builder.build(PRESS_RELEASE, "screen").path
    return paths


def test_an_unchanged_rebuild_has_no_changed_page(three_builds, tmp_path: Path) -> None:
    report = diff_pdfs(three_builds["first"], three_builds["again"], tmp_path / "diff")
    assert report.changed_pages == [] and report.unchanged
    assert report.old_pages == report.new_pages >= 2  # the screen file carries the chart data tables too
    assert not list((tmp_path / "diff").glob("page-*"))
    assert json.loads((tmp_path / "diff" / "diff.json").read_text())["changed_pages"] == []


def test_a_one_word_change_is_found_on_its_page(three_builds, tmp_path: Path) -> None:
    report = diff_pdfs(three_builds["first"], three_builds["edited"], tmp_path / "diff")
    assert report.changed_pages == [2]
    page = report.page(2)
    assert page.status == "changed" and page.text_changed and page.pixels_changed > 0
    lines = page.text_diff.splitlines()
    added = [line for line in lines if line.startswith("+") and not line.startswith("+++")]
    removed = [line for line in lines if line.startswith("-") and not line.startswith("---")]
    assert any("remarqué" in line for line in added) and any("réussi" in line for line in removed)
    assert page.image == tmp_path / "diff" / "page-002.png" and page.image.is_file()
    assert (tmp_path / "diff" / "page-002.diff").read_text(encoding="utf-8").startswith("--- old/page-2")
    # The red of the highlighted changes is where the word is: inside the changed box.
    from PIL import Image

    image = Image.open(page.image).convert("RGB")
    red = [(x, y) for x in range(image.width) for y in range(0, image.height, 2)
           if image.getpixel((x, y)) == (230, 0, 0)]
    assert red
    x0, y0, x1, y1 = page.box
    scale = image.width / 595.3
    assert all(x0 * scale - 3 <= x <= x1 * scale + 3 and y0 * scale - 3 <= y <= y1 * scale + 3
               for x, y in red)


def test_a_removed_page_is_a_changed_page(three_builds, tmp_path: Path) -> None:
    import pikepdf

    shorter = tmp_path / "shorter.pdf"
    with pikepdf.open(three_builds["first"]) as pdf:
        last = len(pdf.pages)
        del pdf.pages[-1]
        pdf.save(shorter)
    report = diff_pdfs(three_builds["first"], shorter)
    assert report.changed_pages == [last] and report.page(last).status == "removed"
    assert diff_pdfs(shorter, three_builds["first"]).page(last).status == "added"


def test_text_is_compared_whatever_the_spaces() -> None:
    assert normalise_text("Un  mot\u00a0:\n\n deux\u202f%  \n") == ["Un mot :", "deux %"]
    assert normalise_text("exem\u00adple") == ["exemple"]


def test_the_diff_command(three_builds, tmp_path: Path) -> None:
    from click.testing import CliRunner

    import toolkit.cli_design  # noqa: F401  (registers `diff` and `watch` on the main group)
    from toolkit.cli import main

    runner = CliRunner()
    same = runner.invoke(main, ["diff", str(three_builds["first"]), str(three_builds["again"]), "--json"])
    assert same.exit_code == 0, same.output
    assert json.loads(same.output)["changed_pages"] == [] and json.loads(same.output)["pages"] == {}

    changed = runner.invoke(main, ["diff", str(three_builds["first"]), str(three_builds["edited"]), "--json",
                                   "--out", str(tmp_path / "d")])
    assert changed.exit_code == 0, changed.output
    data = json.loads(changed.output)
    assert data["changed_pages"] == [2] and list(data["pages"]) == ["2"]
    assert data["pages"]["2"]["text_changed"] and (tmp_path / "d" / "page-002.png").is_file()

    text = runner.invoke(main, ["diff", str(three_builds["first"]), str(three_builds["edited"])])
    assert text.exit_code == 0 and "page 2: changed, text" in text.output and "+" in text.output
    assert runner.invoke(main, ["diff", str(three_builds["first"]), str(three_builds["edited"]),
                                "--exit-code"]).exit_code == 1
