"""Names given on the command line — publication, edition, theme — are names, not paths: `../../x`
must not read outside content/ (or layouts/) nor write outside out/. docs/security.md, "Names"."""
from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from test_hostile_content import FRONT, META, SECRET, publication
from toolkit.build import Builder
from toolkit.cli import main
from toolkit.errors import ContentError


def run(tmp_path: Path, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, [*args, "--content", str(tmp_path / "content"), "--out", str(tmp_path / "out")])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.output


@pytest.fixture
def project(tmp_path, monkeypatch) -> Path:
    """content/pub with one edition, and beside content/ a publication and an overlay that must stay unread."""
    monkeypatch.chdir(tmp_path)
    root = publication(tmp_path, FRONT + "Texte.\n", files={"editions/bretagne.yaml": "region: Bretagne\n"})
    outside = tmp_path / "outside"
    (outside / "sections").mkdir(parents=True)
    (outside / "publication.yaml").write_text(META.replace("title: T", f"title: {SECRET}"), encoding="utf-8")
    (outside / "sections" / "01.md").write_text(f"---\ntitle: {SECRET}\n---\n{SECRET}\n", encoding="utf-8")
    (outside / "x.yaml").write_text(f"region: Bretagne\nchapter_title: {SECRET}\n", encoding="utf-8")
    return root


def written(tmp_path: Path) -> list[Path]:
    return sorted(p for p in tmp_path.rglob("*.pdf"))


def test_publication_path_is_refused(tmp_path, project) -> None:
    code, output = run(tmp_path, "build", "../outside", "--variant", "screen")
    assert code == 1
    assert ("content: error: publication '../outside' is not a name: give the name of a folder of content/ "
            "(letters, digits, '-' and '_'; no '/' nor '..')") in output
    assert written(tmp_path) == []


@pytest.mark.parametrize("name", ["../../../outside/x", "/tmp/x", "a/b", "..", "-x", "x\0y"])
def test_edition_path_is_refused(tmp_path, project, name) -> None:
    code, output = run(tmp_path, "build", "pub", "--edition", name, "--variant", "screen", "--executor", "local")
    assert code == 1, output
    assert (f"content/pub: error: edition '{name}' is not a name: give the name of a file of pub/editions/ "
            "(letters, digits, '-' and '_'; no '/' nor '..')") in output
    assert "Traceback" not in output
    assert written(tmp_path) == [] and not (tmp_path / "out" / "pub" / "manifest.json").exists()


def test_edition_path_is_refused_by_the_api(tmp_path, project) -> None:
    builder = Builder(content=tmp_path / "content", out=tmp_path / "out")
    with pytest.raises(ContentError) as caught:
        builder.build("pub", "screen", edition="../../../outside/x")
    assert "edition '../../../outside/x' is not a name" in str(caught.value)
    assert written(tmp_path) == []


def test_theme_path_is_refused(tmp_path, project) -> None:
    code, output = run(tmp_path, "build", "pub", "--theme", "../../outside", "--variant", "screen")
    assert code == 1
    assert "error: theme '../../outside' is not a name: give the name of a folder of layouts/" in output
    assert written(tmp_path) == []


def test_plain_names_still_build(tmp_path, project) -> None:
    code, output = run(tmp_path, "build", "pub", "--edition", "bretagne", "--variant", "screen",
                       "--executor", "local")
    assert code == 0, output
    assert [p.name for p in written(tmp_path)] == ["pub-bretagne-screen.pdf"]


def test_a_relative_content_folder_builds(tmp_path, monkeypatch) -> None:
    """`toolkit build --content tests/corpus`: a relative folder is the user's working folder's."""
    import shutil

    from click.testing import CliRunner

    from toolkit.cli import main
    from toolkit.paths import CONTENT

    shutil.copytree(CONTENT / "communique-2024", tmp_path / "contenu" / "communique-2024")
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["build", "communique-2024", "--variant", "screen", "--content", "contenu",
                                       "--out", "sortie"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "sortie" / "communique-2024" / "communique-2024-screen.pdf").is_file()


@pytest.mark.parametrize("command, refused", [
    (["watch", "../outside"], "content: error: publication '../outside' is not a name"),
    (["preview", "../outside", "--variant", "screen"], "content: error: publication '../outside' is not a name"),
    (["watch", "pub", "--theme", "../../outside"], "layouts: error: theme '../../outside' is not a name"),
    (["preview", "pub", "--theme", "../../outside"], "layouts: error: theme '../../outside' is not a name"),
])
def test_watch_and_preview_take_names(tmp_path, project, command, refused) -> None:
    """`watch ../outside` used to watch (and build) the folder beside content/ for ever. Run as a process
    with a time-out: a regression must fail, not hang the suite."""
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-m", "toolkit", *command, "--content", str(tmp_path / "content"),
                           "--out", str(tmp_path / "out")], capture_output=True, text=True, timeout=120)
    assert done.returncode == 1, done.stdout + done.stderr
    assert refused in done.stderr and "Traceback" not in done.stderr
    assert written(tmp_path) == [] and not (tmp_path / "out").exists()
