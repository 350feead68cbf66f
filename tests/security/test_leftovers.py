"""Items of docs/security.md's "Still open" list checked against the code when they were closed."""
from __future__ import annotations

import os
import time

from toolkit.pdf import STALE_SECONDS, write_atomic


def test_stray_part_files_of_killed_builds_are_removed_by_the_next_write(tmp_path) -> None:
    """A build killed while writing leaves `.<name>.<random>.part`; an old one is litter, a recent one
    may be a concurrent build's own temporary file and stays."""
    target = tmp_path / "p-screen.pdf"
    old, recent, other = (tmp_path / ".p-screen.pdf.abc.part", tmp_path / ".p-screen.pdf.def.part",
                          tmp_path / ".p-print.pdf.ghi.part")
    for path in (old, recent, other):
        path.write_bytes(b"%PDF-1.7 half")
    long_ago = time.time() - STALE_SECONDS - 60
    os.utime(old, (long_ago, long_ago))
    os.utime(other, (long_ago, long_ago))
    write_atomic(target, b"%PDF-1.7 whole")
    assert target.read_bytes() == b"%PDF-1.7 whole"
    assert not old.exists() and recent.exists()
    assert other.exists(), "another file's temporaries are its own write's business"


def test_a_huge_file_in_the_cache_is_not_read(tmp_path, caplog) -> None:
    """A sparse file of 300 MB (or a link to a disk image) where a cache entry should be: it would be
    read whole into memory before its hash is checked; it is reported and rebuilt instead."""
    from toolkit.cache import read_entry

    entry = tmp_path / "units" / "abc.pdf"
    entry.parent.mkdir()
    with entry.open("wb") as handle:
        handle.truncate(300 * 2**20)
    (tmp_path / "link.pdf").symlink_to(entry)
    with caplog.at_level("WARNING", logger="toolkit.cache"):
        assert read_entry(entry) is None
        assert read_entry(tmp_path / "link.pdf") is None
    assert [r.getMessage().split(": warning: ")[1] for r in caplog.records] == [
        "damaged cache entry (larger than 256 MB): rebuilt"] * 2


def test_a_refused_resource_is_located_in_its_template_and_strict_stops_before_writing(tmp_path, monkeypatch) -> None:
    """WeasyPrint names the URL only; the warning gives the template line asking for it."""
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).parent))
    from test_hostile_content import FRONT, META, build, publication
    from toolkit.build import Builder
    from toolkit.errors import ContentError

    root = publication(tmp_path, FRONT + "Texte.\n", meta=META + "layouts: mine\n", files={
        "mine/document.html": "<html><head>\n<style>body { background: url('http://127.0.0.1:9/bg.png') }</style>\n"
                              "</head><body>\n<img src=\"../../outside/secret.png\">\n"
                              "{% for part in parts %}{% include 'parts/' ~ part.meta.layout ~ '.html' %}{% endfor %}"
                              "</body></html>\n"})
    outcome = build(root, monkeypatch)
    located = [m for m in outcome.messages() if ": warning: resource " in m]
    assert located == [
        "mine/document.html:2: warning: resource 'http://127.0.0.1:9/bg.png' refused: the renderer reads only regular "
        "files of the publication, its theme and fonts/ (at most 64 MB; data: URLs up to 256 KB), nothing from the network",
        "mine/document.html:4: warning: resource '../../outside/secret.png' refused: the renderer reads only regular "
        "files of the publication, its theme and fonts/ (at most 64 MB; data: URLs up to 256 KB), nothing from the network"]
    strict = Builder(content=root.parent, out=tmp_path / "strict-out", strict=True)
    outcome = build(root, monkeypatch, builder=strict)
    assert outcome.error is not None
    assert any(m.startswith("mine/document.html:4: error: resource '../../outside/secret.png'") for m in outcome.messages())
    assert not list((tmp_path / "strict-out").rglob("*.pdf"))


def test_a_refused_url_built_from_values_is_located_where_the_value_is_printed(tmp_path, monkeypatch) -> None:
    """`src="{{ base }}/x.png"` is not in the template's text: the warning names the line printing the value."""
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).parent))
    from test_hostile_content import FRONT, META, build, publication

    root = publication(tmp_path, FRONT + "Texte.\n", meta=META + "layouts: mine\n", files={
        "mine/document.html": "<html><head>\n{% set base = 'http://127.0.0.1:9' %}\n</head><body>\n"
                              "<p>{{ 'texte : sans URL' }}</p>\n"
                              "<img src=\"{{ base }}/x.png\">\n"
                              "{% for part in parts %}{% include 'parts/' ~ part.meta.layout ~ '.html' %}{% endfor %}"
                              "</body></html>\n"})
    outcome = build(root, monkeypatch)
    located = [m for m in outcome.messages() if ": warning: resource " in m]
    assert located == [
        "mine/document.html:5: warning: resource 'http://127.0.0.1:9/x.png' refused (built from the value "
        "'http://127.0.0.1:9' printed here): the renderer reads only regular files of the publication, its theme "
        "and fonts/ (at most 64 MB; data: URLs up to 256 KB), nothing from the network"]
