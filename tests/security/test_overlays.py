"""Edition overlays are content too: every key goes through the checks publication.yaml and parts go
through (docs/security.md, "Edition overlays")."""
from __future__ import annotations

import pytest

from test_hostile_content import (FRONT, assert_error, assert_nothing_reached, build, outside,  # noqa: F401
                                  publication, server)

HEADING = "---\ntitle: Un\n---\nTexte.\n"


def test_overlay_layouts_symlinked_outside_is_refused(tmp_path, monkeypatch, server, outside) -> None:
    root = publication(tmp_path, HEADING, files={
        "editions/bzh.yaml": "region: Bretagne\npublication:\n  layouts: evil\n",
        "evil": lambda path: path.symlink_to(outside, target_is_directory=True)})
    outcome = build(root, monkeypatch, edition="bzh")
    assert_error(outcome, "editions/bzh.yaml:3: error: layouts: 'evil' leads outside the publication "
                          "(symbolic link): copy the file instead")
    assert_nothing_reached(outcome, server, outside)


def test_overlay_layouts_file_symlinked_outside_is_refused(tmp_path, monkeypatch, server, outside) -> None:
    root = publication(tmp_path, HEADING, files={
        "editions/bzh.yaml": "region: Bretagne\npublication:\n  layouts: mine\n",
        "mine/document.html": lambda path: path.symlink_to(outside / "templates" / "document.html")})
    outcome = build(root, monkeypatch, edition="bzh")
    assert_error(outcome, "editions/bzh.yaml:3: error: layouts: 'mine/document.html' leads outside the "
                          "publication (symbolic link): copy the file instead")
    assert_nothing_reached(outcome, server, outside)


@pytest.mark.parametrize("key, value, said", [
    ("layouts", "../../outside", "'layouts': folder '../../outside' must be a folder inside the publication "
                                 "(no URL, absolute path or '..')"),
    ("theme", "../../../outside", "'theme': '../../../outside' is not a theme name: the name of a folder of "
                                  "layouts/ (lowercase letters, digits, '-' and '_')"),
])
def test_overlay_keys_are_checked_at_their_line(tmp_path, monkeypatch, server, outside, key, value, said) -> None:
    root = publication(tmp_path, HEADING, files={
        "editions/bzh.yaml": f"region: Bretagne\npublication:\n  title: Bretagne\n  {key}: {value}\n"})
    outcome = build(root, monkeypatch, edition="bzh")
    assert_error(outcome, f"editions/bzh.yaml:4: error: publication: {said}")
    assert_nothing_reached(outcome, server, outside)


def test_overlay_text_goes_through_the_markdown_checks(tmp_path, monkeypatch, server, outside) -> None:
    root = publication(tmp_path, HEADING, files={
        "editions/bzh.yaml": f"region: Bretagne\nintroduction: \"![x]({server.url('a.png')}) texte\"\n"})
    outcome = build(root, monkeypatch, edition="bzh")
    assert_error(outcome, f"editions/bzh.yaml:2: error: Markdown image '{server.url('a.png')}' is not allowed: "
                          "use a photo block whose src names a file in images/ (nothing is fetched)")
    assert_nothing_reached(outcome, server, outside)


def test_edition_part_front_matter_goes_through_the_markdown_checks(tmp_path, monkeypatch, server, outside) -> None:
    root = publication(tmp_path, HEADING, files={
        "editions/bzh.yaml": "region: Bretagne\nparts: [extra.md]\n",
        "editions/bzh/extra.md": f"---\ntitle: \"![x]({server.url('b.png')})\"\n---\nTexte.\n"})
    outcome = build(root, monkeypatch, edition="bzh")
    assert_error(outcome, f"editions/bzh/extra.md:2: error: Markdown image '{server.url('b.png')}' is not "
                          "allowed: use a photo block whose src names a file in images/ (nothing is fetched)")


def test_edition_folder_symlinked_outside_is_refused(tmp_path, monkeypatch, server, outside) -> None:
    root = publication(tmp_path, HEADING, files={
        "editions/bzh.yaml": "region: Bretagne\nparts: [secret.md]\n",
        "editions/bzh": lambda path: path.symlink_to(outside, target_is_directory=True)})
    outcome = build(root, monkeypatch, edition="bzh")
    assert_error(outcome, "editions/bzh.yaml:2: error: part 'secret.md' is outside editions/bzh/: give a file "
                          "name inside that folder")
    assert_nothing_reached(outcome, server, outside)


def test_overlay_file_symlinked_outside_is_refused(tmp_path, monkeypatch, server, outside) -> None:
    (outside / "bzh.yaml").write_text("region: Bretagne\nchapter_title: SECRET-7f3a9c0e\n", encoding="utf-8")
    root = publication(tmp_path, HEADING, files={
        "editions/bzh.yaml": lambda path: path.symlink_to(outside / "bzh.yaml")})
    outcome = build(root, monkeypatch, edition="bzh")
    assert_error(outcome, "editions/bzh.yaml: error: edition 'bzh' leads outside the publication (symbolic "
                          "link): copy the file instead")
    assert_nothing_reached(outcome, server, outside)


def test_a_plain_overlay_still_builds(tmp_path, monkeypatch, server, outside) -> None:
    root = publication(tmp_path, HEADING, files={
        "editions/bzh.yaml": "region: Bretagne\npublication:\n  layouts: mine\n",
        "mine/blocks/prose.html": "<div class=\"mine\">{{ block.text | md }}</div>\n"})
    outcome = build(root, monkeypatch, edition="bzh")
    assert outcome.error is None, outcome.messages()
    assert '<div class="mine">' in outcome.html[-1]
