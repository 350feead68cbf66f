"""Bounded time: a template loop or a part that would keep the build busy for hours stops at the time
limit (TOOLKIT_TIME_LIMIT, toolkit/deadline.py) with a located `file:line: error:` naming the template
line or the block being laid out (docs/security.md, "Time limits"). The tests set a small limit."""
from __future__ import annotations

import re
import signal
import time

import pytest
from click.testing import CliRunner

from test_hostile_content import FRONT, META, build, publication
from toolkit.build import Builder
from toolkit.cli import main
from toolkit.deadline import TimeLimit, time_limit

ENDLESS_LOOP = "{% for i in range(100000) %}{% for j in range(100000) %}{{ j }}{% endfor %}{% endfor %}"


def rows(count: int) -> str:
    return "| N° | Projet | Montant |\n|---|---|---:|\n" + "".join(
        f"| {n} | Projet numéro {n} de rénovation urbaine | {n * 7 % 1000},5 |\n" for n in range(1, count + 1))


def timed(outcome_of, most: float):
    started = time.perf_counter()
    outcome = outcome_of()
    assert time.perf_counter() - started < most, "the limit did not stop the work in time"
    return outcome


@pytest.mark.parametrize("template, line", [
    ("mine/document.html", 2),
    ("mine/blocks/quote.html", 3),
])
def test_an_endless_template_loop_stops_at_its_line(tmp_path, monkeypatch, template, line) -> None:
    monkeypatch.setenv("TOOLKIT_TIME_LIMIT", "1")
    files = {"mine/document.html": f"<html><body>\n<p>{ENDLESS_LOOP}</p>\n</body></html>\n"} \
        if template.endswith("document.html") else \
        {"mine/blocks/quote.html": f"<blockquote>\n{{{{ block.text }}}}\n{ENDLESS_LOOP}\n</blockquote>\n"}
    root = publication(tmp_path, FRONT + "::: quote\ntext: Bonjour\n:::\n", meta=META + "layouts: mine\n",
                       files=files)
    outcome = timed(lambda: build(root, monkeypatch), 15)
    assert outcome.error is not None
    [message] = outcome.messages()
    assert message.endswith(f"{template}:{line}: error: template: rendering took more than 1 s (the time limit, "
                            "TOOLKIT_TIME_LIMIT): a loop of the template runs too long; loop over the content "
                            "given, not over large ranges"), message
    assert not list((tmp_path / "out").rglob("*.pdf"))


def test_a_layout_past_the_limit_names_the_block(tmp_path, monkeypatch) -> None:
    """The screen file is laid out whole in this process: the limit stops WeasyPrint inside the table."""
    monkeypatch.setenv("TOOLKIT_TIME_LIMIT", "4")  # the HTML is made in about a second, the layout in 20
    root = publication(tmp_path, FRONT + "Texte.\n\n::: table\ntitle: Liste\n---\n" + rows(1500) + ":::\n")
    outcome = timed(lambda: build(root, monkeypatch), 30)
    assert outcome.error is not None
    [message] = outcome.messages()
    assert message.startswith("sections/01.md:9: error: laying out took more than 4 s (the time limit of one "
                              "layout, TOOLKIT_TIME_LIMIT) while at the block at this line; nothing was written"), message
    assert not list((tmp_path / "out").rglob("*.pdf"))


def test_a_unit_past_the_limit_in_a_worker_names_its_part(tmp_path, monkeypatch) -> None:
    """In a parts build (print) units are laid out in worker processes: the limit holds there too."""
    monkeypatch.setenv("TOOLKIT_TIME_LIMIT", "4")
    monkeypatch.setenv("TOOLKIT_CACHE", str(tmp_path / "cache"))
    chapter = "---\ntitle: Chapitre {n}\nlayout: chapter\n---\nTexte {n}.\n"
    parts = {f"sections/0{n}.md": chapter.format(n=n) for n in range(2, 5)}
    parts["sections/03.md"] += "\n" + rows(1500)
    root = publication(tmp_path, chapter.format(n=1), files=parts,
                       meta=META.replace("parts: [01.md]", "parts: [01.md, 02.md, 03.md, 04.md]"))
    builder = Builder(content=root.parent, out=tmp_path / "out")
    try:
        from toolkit.errors import ContentError
        with pytest.raises(ContentError) as raised:
            timed(lambda: builder.build("pub", "print"), 60)
    finally:
        builder.close()
    [problem] = raised.value.problems
    # Located in the part laid out: at its first line, or at the block being laid out.
    assert re.match(re.escape(f"{root}/sections/03.md:") + r"\d+: error: laying out took more than 4 s \(the time limit "
                    r"of one layout, TOOLKIT_TIME_LIMIT\) while at (this part|the block at this line); nothing was written",
                    str(problem)), str(problem)
    assert not list((tmp_path / "out").rglob("*.pdf"))


def test_a_block_too_long_to_turn_into_html_is_named(tmp_path, monkeypatch) -> None:
    """Time spent on the content (Markdown of a huge table) is the block's, not the template's."""
    monkeypatch.setenv("TOOLKIT_TIME_LIMIT", "0.3")
    # 20 000 rows: turning them into HTML takes seconds on any machine, so the limit falls there (with
    # 3 000 a fast machine got through to the layout, where the limit fell at another place).
    root = publication(tmp_path, FRONT + "Texte.\n\n::: table\ntitle: Liste\n---\n" + rows(20000) + ":::\n")
    outcome = timed(lambda: build(root, monkeypatch), 30)
    assert outcome.error is not None
    [message] = outcome.messages()
    assert message == ("sections/01.md:9: error: turning this block into HTML took more than 0.3 s (the time "
                       "limit, TOOLKIT_TIME_LIMIT): split it into smaller blocks or parts, or raise TOOLKIT_TIME_LIMIT")


def test_an_invalid_limit_is_refused_by_the_command_line(tmp_path, monkeypatch) -> None:
    root = publication(tmp_path, FRONT + "Texte.\n")
    result = CliRunner().invoke(main, ["build", "pub", "--content", str(root.parent), "--out", str(tmp_path / "out")],
                                env={"TOOLKIT_TIME_LIMIT": "beaucoup"})
    assert result.exit_code == 2, result.output
    assert "TOOLKIT_TIME_LIMIT='beaucoup' is not a number of seconds (e.g. 600; 0 for no limit)" in result.output
    assert "Traceback" not in result.output


def test_the_limit_gives_back_a_timer_set_before() -> None:
    """A timer of the caller (a test runner's time-out) goes on after the limited work."""
    fired = []
    previous = signal.signal(signal.SIGALRM, lambda *_: fired.append(True))
    try:
        signal.setitimer(signal.ITIMER_REAL, 0.6)
        with time_limit(5):
            pass
        with pytest.raises(TimeLimit):
            with time_limit(0.05):
                while True:
                    pass
        time.sleep(0.8)
        assert fired == [True]
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


# ---------------------------------------------------------------- in a thread (a Dask worker's)

def in_thread(work):
    """`work()` run in a thread, as a Dask worker runs a build; what it returned or raised."""
    import threading

    done: list = []

    def run() -> None:
        try:
            done.append(work())
        except BaseException as error:  # noqa: BLE001 - handed to the test
            done.append(error)
    thread = threading.Thread(target=run, name="dask-like-worker", daemon=True)  # a failure must not hang the run
    thread.start()
    thread.join(60)
    assert not thread.is_alive(), "the limit did not stop the work in the thread"
    return done[0]


@pytest.mark.parametrize("loop", [ENDLESS_LOOP, ENDLESS_LOOP.replace("{{ j }}", "")], ids=["printing", "empty"])
def test_an_endless_template_loop_stops_in_a_thread(tmp_path, monkeypatch, loop) -> None:
    """A signal never reaches a thread: there, a watchdog raises the limit in the working thread."""
    monkeypatch.setenv("TOOLKIT_TIME_LIMIT", "1")
    root = publication(tmp_path, FRONT + "Texte.\n", meta=META + "layouts: mine\n",
                       files={"mine/document.html": f"<html><body>\n<p>{loop}</p>\n</body></html>\n"})
    outcome = timed(lambda: in_thread(lambda: build(root, monkeypatch)), 15)
    assert outcome.error is not None
    assert outcome.messages() == ["mine/document.html:2: error: template: rendering took more than 1 s (the time "
                                  "limit, TOOLKIT_TIME_LIMIT): a loop of the template runs too long; loop over the "
                                  "content given, not over large ranges"]


def test_a_layout_past_the_limit_stops_in_a_thread(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("TOOLKIT_TIME_LIMIT", "4")
    root = publication(tmp_path, FRONT + "Texte.\n\n::: table\ntitle: Liste\n---\n" + rows(1500) + ":::\n")
    outcome = timed(lambda: in_thread(lambda: build(root, monkeypatch)), 30)
    assert outcome.error is not None
    [message] = outcome.messages()
    assert message.startswith("sections/01.md:9: error: laying out took more than 4 s (the time limit of one "
                              "layout, TOOLKIT_TIME_LIMIT) while at the block at this line; nothing was written"), message
    assert not list((tmp_path / "out").rglob("*.pdf"))


def test_no_limit_reaches_a_thread_after_its_work() -> None:
    """Once the limited work is over, the thread goes on undisturbed, whether the time ran out or not."""
    def work() -> list[str]:
        seen = []
        with time_limit(5):
            sum(range(1000))
        try:
            with time_limit(0.2):
                while True:
                    pass
        except TimeLimit as error:
            seen.append(str(error))
        deadline = time.monotonic() + 2.5  # well past the watchdog's repeats (every 0.25 s)
        while time.monotonic() < deadline:
            pass
        return seen + ["undisturbed"]
    assert in_thread(work) == ["took more than 0.2 s", "undisturbed"]


def test_a_located_failure_of_a_nested_layout_passes_the_outer_boundary_unchanged() -> None:
    """A long table's chunk is laid out inside the unit's own boundary: its located time limit must
    not come out as a "renderer defect" wrapping it (seen in CI when the chunk's limit fell first)."""
    from toolkit.render import LayoutTimeLimit, renderer_failures

    with pytest.raises(LayoutTimeLimit) as raised:
        with renderer_failures():
            with renderer_failures():
                raise LayoutTimeLimit("sections/03.md:9", "4.0")
    assert type(raised.value) is LayoutTimeLimit and raised.value.where == "sections/03.md:9"
