"""toolkit.watch: rebuild on change with a warm builder, previews of the changed pages, survive bad saves."""
from __future__ import annotations

import os
import threading
import time
from pathlib import Path

import pytest

from designers_testlib import PRESS_RELEASE, PRESS_RELEASE_PART, copy_publication, replace_in
from toolkit.watch import WatchEvent, needs_fresh_renderer, watch, watch_loop

BROKEN_BLOCK = "::: quote\nauthor: Personne\n:::\n"   # a quote without its text


@pytest.fixture()
def workspace(tmp_path: Path):
    from toolkit.build import Builder

    os.environ.setdefault("SOURCE_DATE_EPOCH", "1700000000")
    content = copy_publication(PRESS_RELEASE, tmp_path)
    builder = Builder(content=content, out=tmp_path / "out")
    yield builder, content / PRESS_RELEASE / PRESS_RELEASE_PART
    close = getattr(builder, "close", None)
    if callable(close):
        close()


def test_watch_loop_rebuilds_previews_changed_pages_and_survives_a_bad_save(workspace) -> None:
    builder, part = workspace
    events: list[WatchEvent] = []
    pdf = builder.out / PRESS_RELEASE / f"{PRESS_RELEASE}-screen.pdf"
    preview = builder.out / PRESS_RELEASE / "preview"
    snapshots: dict[str, bytes] = {}

    def batches():
        # 1. a one-word change on page 2
        replace_in(part, "lancement réussi", "lancement remarqué")
        yield {("modified", str(part))}
        # 2. a broken block: reported, the last good PDF stays
        snapshots["good"] = pdf.read_bytes()
        part.write_text(part.read_text(encoding="utf-8") + "\n" + BROKEN_BLOCK, encoding="utf-8")
        yield {("modified", str(part))}
        snapshots["after-bad"] = pdf.read_bytes()
        # 3. fixed again
        part.write_text(part.read_text(encoding="utf-8").replace("\n" + BROKEN_BLOCK, ""), encoding="utf-8")
        yield {("modified", str(part))}
        yield set()  # an empty batch does nothing

    stats = watch_loop(builder, PRESS_RELEASE, "screen", batches(), events.append)

    kinds = [e.kind for e in events]
    assert kinds == ["build", "built", "previews",                       # the first build
                     "change", "build", "built", "previews",             # 1
                     "change", "build", "failed",                        # 2
                     "change", "build", "built", "previews"], kinds      # 3
    assert stats.rebuilds == 2 and stats.failures == 1 and len(stats.timings) == 2
    first, one_word, fixed = [e for e in events if e.kind == "previews"]
    assert len(first.changed_pages) >= 2 and first.changed_pages == list(range(1, len(first.changed_pages) + 1))
    assert one_word.changed_pages == [2] and one_word.report.page(2).text_changed
    assert fixed.changed_pages == []  # the same text as before the bad save
    failed = next(e for e in events if e.kind == "failed")
    assert any(PRESS_RELEASE_PART.split("/")[-1] in str(p.path) for p in failed.problems)
    assert snapshots["after-bad"] == snapshots["good"]
    assert sorted(p.name for p in preview.iterdir()) == ["screen-contact-sheet.png"] + [
        f"screen-page-{n:03d}.png" for n in first.changed_pages]


def test_watch_loop_reports_a_template_error_and_goes_on(workspace, tmp_path: Path) -> None:
    builder, part = workspace
    events: list[WatchEvent] = []
    overrides = part.parent.parent / "gabarits"
    (overrides / "blocks").mkdir(parents=True)
    meta = part.parent.parent / "publication.yaml"
    meta.write_text(meta.read_text(encoding="utf-8") + "layouts: gabarits\n", encoding="utf-8")
    template = overrides / "blocks" / "quote.html"

    def batches():
        template.write_text("{% if %}", encoding="utf-8")  # a syntax error
        yield {("added", str(template))}
        template.write_text('<p class="mine">{{ block.text }}</p>', encoding="utf-8")
        yield {("modified", str(template))}

    stats = watch_loop(builder, PRESS_RELEASE, "screen", batches(), events.append, sheet=False)
    # A template syntax error is a designer's problem, reported with its file and line, not a crash.
    errors = [e for e in events if e.kind in ("error", "failed")]
    assert len(errors) == 1
    problems = [str(p) for p in errors[0].problems]
    assert any("quote.html:1" in p and "template syntax" in p for p in problems), problems
    assert stats.rebuilds == 1 and events[-1].kind == "previews" and events[-1].changed_pages


def test_only_theme_files_fonts_and_images_drop_the_warm_caches(tmp_path: Path) -> None:
    from toolkit.paths import LAYOUTS

    assert not needs_fresh_renderer([tmp_path / "sections" / "01.md", tmp_path / "data" / "x.csv"])
    assert not needs_fresh_renderer([LAYOUTS / "neutral" / "templates" / "blocks" / "quote.html"])
    assert needs_fresh_renderer([LAYOUTS / "neutral" / "style.css"])
    assert needs_fresh_renderer([LAYOUTS / "neutral" / "theme.yaml"])
    assert needs_fresh_renderer([tmp_path / "images" / "photo.jpg"])


def test_watch_with_watchfiles_sees_a_save_and_rebuilds_once(workspace) -> None:
    builder, part = workspace
    events: list[WatchEvent] = []
    ready, rebuilt, stop = threading.Event(), threading.Event(), threading.Event()
    result: dict[str, object] = {}

    def on_event(event: WatchEvent) -> None:
        events.append(event)
        if event.kind == "previews":
            (rebuilt if ready.is_set() else ready).set()

    def run() -> None:
        result["stats"] = watch(builder, PRESS_RELEASE, "screen", on_event, stop_event=stop,
                                paths=[part.parent.parent], sheet=False)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    try:
        assert ready.wait(20), [e.message for e in events]
        time.sleep(0.3)  # the watcher is set up while the first build runs; let it settle
        replace_in(part, "lancement réussi", "lancement remarqué")
        assert rebuilt.wait(20), [e.message for e in events]
        time.sleep(0.5)  # no second rebuild follows
    finally:
        stop.set()
        thread.join(10)
    assert not thread.is_alive()
    stats = result["stats"]
    assert stats.rebuilds == 1, [e.message for e in events]  # type: ignore[attr-defined]
    change = next(e for e in events if e.kind == "change")
    assert any(path == part.resolve() or path == part for _, path in change.paths)
    assert events[-1].kind == "previews" and events[-1].changed_pages == [2]


def test_files_created_and_removed_within_a_batch_are_left_out(tmp_path: Path) -> None:
    from toolkit.watch import without_transients

    kept = tmp_path / "01.md"
    kept.write_text("x")
    gone = tmp_path / ".sedXYZ"
    batch = [("added", kept), ("added", gone), ("deleted", gone), ("deleted", tmp_path / "old.md")]
    assert without_transients(batch) == [("added", kept), ("deleted", tmp_path / "old.md")]


WATCH_A_STYLESHEET = """
import json, sys
from pathlib import Path
from toolkit.build import Builder
from toolkit.paths import LAYOUTS
from toolkit.watch import watch_loop

css = LAYOUTS / "neutral" / "style.css"
events = []

def batches():
    css.write_text(css.read_text() + "\\n.part-letterhead h1.part-title { font-size: 40pt; }\\n")
    yield {("modified", str(css))}

builder = Builder(theme_override="neutral")
watch_loop(builder, "communique-2024", "screen", batches(), events.append, sheet=False)
print(json.dumps([[e.kind, e.changed_pages] for e in events]))
"""


def test_a_stylesheet_saved_during_the_watch_is_read_again(tmp_path: Path) -> None:
    """Parsed stylesheets are cached by the warm renderer: a saved .css must drop them."""
    import json
    import shutil
    import subprocess
    import sys

    from toolkit.paths import CONTENT, FONTS, LAYOUTS

    root = tmp_path / "project"
    shutil.copytree(LAYOUTS, root / "layouts")
    (root / "fonts").symlink_to(FONTS)
    shutil.copytree(CONTENT / PRESS_RELEASE, root / "content" / PRESS_RELEASE)
    env = {**os.environ, "TOOLKIT_ROOT": str(root), "TOOLKIT_CACHE": str(tmp_path / "cache"),
           "SOURCE_DATE_EPOCH": "1700000000"}
    done = subprocess.run([sys.executable, "-c", WATCH_A_STYLESHEET], env=env, capture_output=True,
                          text=True, timeout=60, cwd=tmp_path)
    assert done.returncode == 0, done.stderr[-2000:]
    events = json.loads(done.stdout.strip().splitlines()[-1])
    previews = [pages for kind, pages in events if kind == "previews"]
    assert len(previews) == 2 and 1 in previews[1], events  # the title on page 1 grew


def _rewrite_keeping_size_and_mtime(path: Path, old: str, new: str) -> None:
    """What `cp -p`, `rsync -t`, tar and unzip do: new bytes, the same size, the old modification time."""
    assert len(old.encode()) == len(new.encode())
    before = path.stat()
    replace_in(path, old, new)
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert path.stat().st_size == before.st_size and path.stat().st_mtime_ns == before.st_mtime_ns


def test_watch_sees_edits_that_keep_size_and_mtime(workspace) -> None:
    """Change is decided by content, not by size and modification time: parts and templates."""
    from designers_testlib import pdf_text

    builder, part = workspace
    overrides = part.parent.parent / "gabarits"
    (overrides / "blocks").mkdir(parents=True)
    meta = part.parent.parent / "publication.yaml"
    meta.write_text(meta.read_text(encoding="utf-8") + "layouts: gabarits\n", encoding="utf-8")
    template = overrides / "blocks" / "quote.html"
    template.write_text('<p class="mine">AVANT {{ block.text }}</p>\n', encoding="utf-8")
    pdf = builder.out / PRESS_RELEASE / f"{PRESS_RELEASE}-screen.pdf"
    texts: list[str] = []

    def batches():
        texts.append(pdf_text(pdf))
        _rewrite_keeping_size_and_mtime(part, "lancement réussi", "lancement validé")
        yield {("modified", str(part))}
        texts.append(pdf_text(pdf))
        _rewrite_keeping_size_and_mtime(template, "AVANT", "APRES")
        yield {("modified", str(template))}
        texts.append(pdf_text(pdf))

    events: list[WatchEvent] = []
    watch_loop(builder, PRESS_RELEASE, "screen", batches(), events.append, sheet=False)
    assert "lancement réussi" in texts[0] and "AVANT" in texts[0]
    assert "lancement validé" in texts[1] and "lancement réussi" not in texts[1]
    assert "APRES" in texts[2] and "AVANT" not in texts[2]
