"""Batches that survive a dying worker: real kills (SIGKILL) inside real workers, the rest goes on.

A task that wraps `build_one` kills its own worker process when it builds the edition named in
`<tmp>/kill.txt` (`edition count`: the first `count` attempts die). The process pool and a Dask local
cluster must retry the lost edition, build the others, and report the edition failed when every attempt
dies; the manifest lists what was built. Then: workers die with their parent, a batch updates the
manifest, Dask gets absolute paths and the client's cache, and gives up when no worker is left.
"""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from toolkit import batch, paths
from toolkit.batch import Entry, ProcessPool, build_one, run_editions, write_manifest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "editions"))
from test_editions import small_publication  # noqa: E402

EDITIONS = [None, "bretagne", "occitanie"]


def build_or_die(content: str, out: str, publication: str, edition: str | None, variant: str,
                 theme: str | None = None, environment: dict[str, str] | None = None) -> Entry:
    """build_one, except that the chosen edition's first attempts kill the worker running them."""
    order = Path(out).parent / "kill.txt"
    victim, _, count = order.read_text().partition(" ") if order.is_file() else ("", "", "0")
    if edition == victim:
        tally = Path(out).parent / "kills"
        with tally.open("a") as handle:
            handle.write("x")
        if tally.stat().st_size <= int(count):
            os.kill(os.getpid(), signal.SIGKILL)
    return build_one(content, out, publication, edition, variant, theme, environment=environment)


def batch_folder(tmp: Path, victim: str = "", count: int = 0) -> tuple[Path, Path]:
    small_publication(tmp / "content")
    (tmp / "content" / "mini" / "editions" / "cassee.yaml").unlink()
    if victim:
        (tmp / "kill.txt").write_text(f"{victim} {count}")
    return tmp / "content", tmp / "out"


def statuses(entries: list[Entry]) -> dict[str | None, str]:
    return {e.edition: e.status for e in entries}


@pytest.mark.parametrize("count, expected", [(1, "ok"), (3, "failed")])
def test_a_killed_pool_worker_is_retried_then_reported_and_the_others_are_built(tmp_path: Path, count: int,
                                                                                expected: str) -> None:
    content, out = batch_folder(tmp_path, "occitanie", count)
    pool = ProcessPool(2)
    try:
        entries = run_editions("mini", EDITIONS, ["screen"], content=content, out=out, executor=pool,
                               task=build_or_die)
    finally:
        pool.shutdown()
    assert statuses(entries) == {None: "ok", "bretagne": "ok", "occitanie": expected}
    assert len((tmp_path / "kills").read_text()) == min(count + (expected == "ok"), 3)
    if expected == "failed":
        (problem,) = entries[2].problems
        assert problem.startswith("not built: the worker building it was lost 3 times (BrokenProcessPool")
    manifest = json.loads(write_manifest(out, "mini", entries).read_text())
    assert [b["status"] for b in manifest["builds"]] == [e.status for e in entries]
    assert all(Path(e.file).is_file() for e in entries if e.status == "ok")


def test_a_batch_updates_the_manifest_entries_it_built(tmp_path: Path) -> None:
    content, out = batch_folder(tmp_path)
    first = run_editions("mini", ["bretagne", "occitanie"], ["screen"], content=content, out=out)
    write_manifest(out, "mini", first)
    again = run_editions("mini", ["occitanie"], ["screen"], content=content, out=out)
    manifest = json.loads(write_manifest(out, "mini", again).read_text())
    assert [(b["edition"], b["variant"]) for b in manifest["builds"]] == [("bretagne", "screen"),
                                                                          ("occitanie", "screen")]
    # A typo in --edition builds nothing and keeps the manifest.
    before = (out / "mini" / "manifest.json").read_bytes()
    result = CliRunner().invoke(batch_cli(), ["build", "mini", "--edition", "occitanei", "--content",
                                              str(content), "--out", str(out)])
    assert result.exit_code == 2, result.output
    assert "no edition 'occitanei' in mini (known: national, all, bretagne, occitanie)" in result.output
    assert (out / "mini" / "manifest.json").read_bytes() == before


def batch_cli():
    from toolkit.cli import main

    return main


def test_edition_all_without_editions_is_an_error(tmp_path: Path) -> None:
    content, out = batch_folder(tmp_path)
    for overlay in (content / "mini" / "editions").iterdir():
        overlay.unlink()
    result = CliRunner().invoke(batch_cli(), ["build", "mini", "--edition", "all", "--content", str(content),
                                              "--out", str(out)])
    assert result.exit_code == 1
    assert "Error: mini has no editions: --edition all builds the files of" in result.output
    assert not (out / "mini" / "manifest.json").exists()


WORKERS_OF_A_KILLED_BATCH = r"""
import sys, time
from toolkit.workers import process_pool
pool = process_pool(2)
pids = [pool.submit(__import__("os").getpid).result() for _ in range(4)]
print(" ".join(map(str, sorted(set(pool._processes)))), flush=True)
time.sleep(60)
"""


def test_pool_workers_die_with_their_parent() -> None:
    process = subprocess.Popen([sys.executable, "-c", WORKERS_OF_A_KILLED_BATCH], stdout=subprocess.PIPE,
                               text=True, cwd=Path(__file__).resolve().parents[2])
    workers = [int(pid) for pid in process.stdout.readline().split()]
    assert workers and all(_running(pid) for pid in workers)
    process.kill()  # SIGKILL: the pool is never shut down
    process.wait(timeout=10)
    process.stdout.close()
    deadline = time.monotonic() + 5
    while any(_running(pid) for pid in workers) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not any(_running(pid) for pid in workers), "the pool's workers outlived the killed batch"


def _running(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


# ---------------------------------------------------------------- Dask


@pytest.fixture(scope="module")
def dask_cluster():
    """The toolkit's own local cluster; a task whose worker dies is KilledWorker at the first death."""
    dask = pytest.importorskip("dask")
    pytest.importorskip("distributed")
    with dask.config.set({"distributed.scheduler.allowed-failures": 0}):
        client, cluster = batch.dask_client(None)
    yield client, cluster
    # Generous time-outs: on a loaded machine closing the cluster has taken more than Dask's default 20 s.
    client.close(timeout=120)
    cluster.close(timeout=120)


def test_the_local_dask_cluster_listens_on_loopback_without_dashboard(dask_cluster) -> None:
    client, cluster = dask_cluster
    assert cluster.scheduler_address.startswith("tcp://127.0.0.1:")
    assert cluster.scheduler.http_server.address == "127.0.0.1"   # health and metrics only, on loopback
    assert "/status" not in str(cluster.scheduler.http_application.wildcard_router.rules)  # no dashboard
    assert all(address.startswith("tcp://127.0.0.1:") for address in client.scheduler_info()["workers"])


def test_dask_killed_worker_is_retried_with_absolute_paths_and_the_clients_cache(
        dask_cluster, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    client, _ = dask_cluster
    content, out = batch_folder(tmp_path, "occitanie", 1)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(paths, "CACHE", tmp_path / "cache")
    entries = run_editions("mini", EDITIONS, ["screen"], content=Path("content"), out=Path("out"),
                           executor=batch.dask_executor(client), task=build_or_die,
                           alive=lambda: bool(client.scheduler_info()["workers"]))
    assert statuses(entries) == {None: "ok", "bretagne": "ok", "occitanie": "ok"}, entries
    assert all(Path(e.file).is_absolute() and Path(e.file).is_relative_to(out.resolve()) for e in entries)
    assert all(Path(e.file).is_file() for e in entries)
    assert list((tmp_path / "cache" / "charts").iterdir()), "the workers did not use the client's cache"


def test_dask_without_workers_gives_up(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    distributed = pytest.importorskip("distributed")
    content, out = batch_folder(tmp_path)
    monkeypatch.setattr(batch, "NO_WORKER_SECONDS", 2.0)
    with distributed.LocalCluster(n_workers=0, host="127.0.0.1", dashboard_address=None) as cluster, \
            distributed.Client(cluster) as client:
        started = time.monotonic()
        entries = run_editions("mini", ["bretagne"], ["screen"], content=content, out=out,
                               executor=batch.dask_executor(client),
                               alive=lambda: bool(client.scheduler_info()["workers"]))
    assert time.monotonic() - started < 20
    assert entries[0].status == "failed"
    assert entries[0].problems == ["not built: no worker left to build it for 2 s (start Dask workers on the "
                                   "scheduler, or use --executor process)"]


def test_an_unreachable_scheduler_is_one_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("distributed")
    content, out = batch_folder(tmp_path)
    monkeypatch.setattr(batch, "CONNECT_SECONDS", 2)
    result = CliRunner().invoke(batch_cli(), ["build", "mini", "--edition", "bretagne", "--executor", "dask",
                                              "--scheduler", "tcp://127.0.0.1:9", "--content", str(content),
                                              "--out", str(out)])
    assert result.exit_code == 1
    assert result.output.startswith("Error: cannot reach the Dask scheduler at tcp://127.0.0.1:9 within 2 s")
    assert "Traceback" not in result.output and result.exception is None or isinstance(result.exception, SystemExit)


def test_a_batch_entry_carries_no_spurious_anchor_warnings(tmp_path: Path) -> None:
    """Parts laid out apart point at anchors of other parts (the contents, links): the assembly resolves
    them, so their warnings are not the user's concern, in a batch worker as in a build."""
    root = tmp_path / "content" / "livret"
    (root / "sections").mkdir(parents=True)
    chapters = ["Premier", "Deuxième", "Troisième", "Quatrième"]
    (root / "publication.yaml").write_text(
        "title: Livret\norganisation: Agence\nkind: report\nbinding: none\n"
        f"parts: [00.md, 01.md, {', '.join(f'c{i}.md' for i in range(len(chapters)))}]\n", encoding="utf-8")
    (root / "sections" / "00.md").write_text("---\nlayout: cover\ntitle: Livret\n---\nAgence\n")
    (root / "sections" / "01.md").write_text("---\nlayout: contents\ntitle: Sommaire\n---\n")
    for i, title in enumerate(chapters):
        (root / "sections" / f"c{i}.md").write_text(
            f"---\nlayout: chapter\ntitle: {title}\n---\nVoir [le premier chapitre](#part-premier).\n",
            encoding="utf-8")
    entry = build_one(str(tmp_path / "content"), str(tmp_path / "out"), "livret", None, "print")
    assert entry.status == "ok", entry.problems
    assert not [w for w in entry.warnings if "anchor" in w], entry.warnings
