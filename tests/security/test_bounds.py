"""Bounded work: every input has a size, depth or count bound with a located message, answered at
once, and a message never quotes more than a line of the input (docs/security.md, "Bounds")."""
from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from test_hostile_content import FRONT, META, assert_error, build, outside, publication, server  # noqa: F401
from toolkit.cli import _page_range


def assert_error_starting(outcome, expected: str) -> None:
    """The build stopped on a problem that starts so (a data file's problem names the chart after it)."""
    assert outcome.error is not None, f"the build should have failed; warnings: {outcome.result.warnings}"
    messages = outcome.messages()
    assert any(m.startswith(expected) for m in messages), f"\nexpected: {expected}\ngot:\n" + "\n".join(messages)
from toolkit.errors import Problem

LAUGHS = "\n".join(["- &a0 [x, x, x, x, x, x, x, x, x, x]"]
                   + [f"- &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]" for i in range(1, 9)]) + "\n"
CHART = "::: chart\ntype: bar\ntitle: Essai\nalt: Un graphique\nfile: {name}\n:::\n"


def chart_with(tmp_path: Path, name: str, data: str | bytes) -> Path:
    return publication(tmp_path, FRONT + CHART.format(name=name), files={f"data/{name}": data})


def quick(outcome_of, seconds: float = 10) -> object:
    started = time.perf_counter()
    outcome = outcome_of()
    assert time.perf_counter() - started < seconds
    return outcome


def test_billion_laughs_chart_data_is_refused_at_once(tmp_path, monkeypatch) -> None:
    root = chart_with(tmp_path, "chiffres.yaml", LAUGHS)
    outcome = quick(lambda: build(root, monkeypatch))
    assert_error_starting(outcome, "data/chiffres.yaml:1: error: invalid YAML: aliases (*name) expand to more than 100000 "
                          "values: repeat less")
    assert all(len(m) < 300 for m in outcome.messages())


def test_deeply_nested_chart_data_is_refused_at_once(tmp_path, monkeypatch) -> None:
    root = chart_with(tmp_path, "chiffres.yaml", "[" * 5000 + "]" * 5000 + "\n")
    outcome = quick(lambda: build(root, monkeypatch))
    assert_error_starting(outcome, "data/chiffres.yaml:1: error: invalid YAML: values nested too deeply (more than 100 "
                          "levels of [ ] or { })")


def test_huge_part_is_refused_unread(tmp_path, monkeypatch) -> None:
    root = publication(tmp_path, FRONT + ("Une phrase de texte courant. " * 40 + "\n\n") * 5000)
    outcome = quick(lambda: build(root, monkeypatch))
    assert_error(outcome, "sections/01.md: error: the file is larger than 4 MB: split it into several parts")


@pytest.mark.parametrize("name", ["chiffres.csv", "chiffres.yaml"])
def test_huge_chart_data_file_is_refused(tmp_path, monkeypatch, name) -> None:
    rows = "label,value\n" + "".join(f"ligne {n},{n}\n" for n in range(400_000)) if name.endswith("csv") else \
        "".join(f"- {{label: ligne {n}, value: {n}}}\n" for n in range(200_000))
    root = chart_with(tmp_path, name, rows)
    outcome = quick(lambda: build(root, monkeypatch))
    assert_error(outcome, f"data/{name}: error: the file is larger than 4 MB: split it")


def test_part_that_is_a_named_pipe_does_not_block(tmp_path, monkeypatch) -> None:
    root = publication(tmp_path, FRONT + "Texte.\n")
    (root / "sections" / "01.md").unlink()
    os.mkfifo(root / "sections" / "01.md")
    outcome = quick(lambda: build(root, monkeypatch))
    assert_error(outcome, "publication.yaml:4: error: part '01.md' is not a regular file: give a text file")


def test_named_pipe_reached_by_a_template_does_not_block(tmp_path) -> None:
    """The URL fetcher reads regular files only: a pipe under the publication used to block it forever."""
    root = publication(tmp_path, FRONT + "Texte.\n", meta=META + "layouts: mine\n", files={
        "mine/blocks/prose.html": '<img src="pipe.png" alt="">{{ block.text | md }}\n'})
    os.mkfifo(root / "pipe.png")
    command = [sys.executable, "-m", "toolkit", "build", "pub", "--variant", "screen",
               "--content", str(root.parent), "--out", str(tmp_path / "out")]
    done = subprocess.run(command, capture_output=True, text=True, timeout=120, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "RefusedResource: refused resource (not a regular file, or larger than 64 MB)" in done.stderr
    assert (tmp_path / "out" / "pub" / "pub-screen.pdf").is_file()


def test_a_message_is_one_bounded_line() -> None:
    problem = Problem("sections/01.md", 3, "value '" + "x\n" * 5_000_000 + "' is wrong")
    text = str(problem)
    assert "\n" not in text and len(text) < 700 and text.startswith("sections/01.md:3: error: value 'x x x")


def test_preview_page_range_is_bounded() -> None:
    """`--pages 1-1000000000` is refused at once, before any list of pages is made."""
    import click

    started = time.perf_counter()
    with pytest.raises(click.BadParameter, match="page 1000000000: at most 10000"):
        _page_range("1-1000000000,3")
    assert time.perf_counter() - started < 1
    assert _page_range("1-3,3") == [1, 2, 3]


