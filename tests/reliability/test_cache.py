"""A cache that cannot lie: a damaged entry — swapped, truncated, of the wrong shape, not a regular
file — is reported as a warning and rebuilt, and the file built is the one a clean cache gives.
docs/security.md, "Caches"."""
from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

import toolkit.build
import toolkit.parts
from toolkit.build import Builder

CHART = ("::: chart\ntype: bar\ntitle: Essai\nalt: Un graphique\nsource: Source de l’essai\n"
         "data:\n  - label: A\n    value: 3\n  - label: B\n    value: 5\n:::\n")


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    """Five pages laid out in parts (print), one with a chart; its cache and a first, clean build."""
    tmp = tmp_path_factory.mktemp("cache")
    root = tmp / "content" / "pub"
    (root / "sections").mkdir(parents=True)
    names = [f"{n:02}.md" for n in range(1, 6)]
    (root / "publication.yaml").write_text(f"title: T\norganisation: A\nkind: report\nparts: {names}\n",
                                           encoding="utf-8")
    for index, name in enumerate(names):
        body = CHART if index == 2 else "Texte de la page.\n"
        (root / "sections" / name).write_text(f"---\nlayout: page\ntitle: Page {index}\n---\n{body}",
                                              encoding="utf-8")
    cache = tmp / "cache"
    patch = pytest.MonkeyPatch()
    patch.setenv("SOURCE_DATE_EPOCH", "1700000000")  # the same input gives the same bytes
    for module in (toolkit.build, toolkit.parts):
        patch.setattr(module, "CACHE", cache)
    builder = Builder(content=tmp / "content", out=tmp / "out")
    first = builder.build("pub", "print")
    reference = first.path.read_bytes()
    yield builder, cache, reference
    builder.close()
    patch.undo()


def rebuild(project) -> tuple[list[str], bytes]:
    builder, _, _ = project
    result = builder.build("pub", "print")
    return [w for w in result.warnings if "damaged cache entry" in w], result.path.read_bytes()


def units(cache: Path) -> list[Path]:
    return sorted((cache / "units").glob("*.pdf"), key=lambda p: p.stat().st_size)


def test_clean_rebuild_is_silent_and_identical(project) -> None:
    _, cache, reference = project
    damaged, pdf = rebuild(project)
    assert damaged == [] and pdf == reference
    assert len(units(cache)) >= 5


def test_swapped_unit_pdf_is_laid_out_again(project) -> None:
    _, cache, reference = project
    small, large = units(cache)[0], units(cache)[-1]
    small.write_bytes(large.read_bytes())
    damaged, pdf = rebuild(project)
    assert pdf == reference
    assert len(damaged) == 1 and damaged[0].endswith(
        f"{small.stem}.json: warning: damaged cache entry (its PDF or its page list does not match its hash and "
        "key): laid out again")


@pytest.mark.parametrize("suffix", [".pdf", ".json"])
def test_truncated_unit_is_laid_out_again(project, suffix) -> None:
    _, cache, reference = project
    entry = units(cache)[-1].with_suffix(suffix)
    entry.write_bytes(entry.read_bytes()[: entry.stat().st_size // 2])
    damaged, pdf = rebuild(project)
    assert pdf == reference and len(damaged) == 1


@pytest.mark.parametrize("text", ['[1, 2]', '{"0": 5}', '{"0": [true]}', '{"x": [1, 1]}', '{"anchors": ', "\0"])
def test_plan_of_the_wrong_shape_is_planned_again(project, text) -> None:
    _, cache, reference = project
    (plan,) = cache.glob("plan-pub-*-print.json")
    plan.write_text(text)
    damaged, pdf = rebuild(project)
    assert pdf == reference
    assert damaged == [f"{plan}: warning: damaged cache entry (not a plan of unit forms): planned again"]


def test_unit_json_of_the_wrong_shape_is_laid_out_again(project) -> None:
    _, cache, reference = project
    entry = units(cache)[0].with_suffix(".json")
    data = json.loads(entry.read_text())
    entry.write_text(json.dumps({**data, "bookmarks": 5}))
    damaged, pdf = rebuild(project)
    assert pdf == reference and len(damaged) == 1


def test_named_pipe_in_the_cache_does_not_block(project) -> None:
    _, cache, reference = project
    entry = units(cache)[0]
    entry.unlink()
    os.mkfifo(entry)
    damaged, pdf = rebuild(project)
    assert pdf == reference and entry.is_file()


def test_truncated_chart_svg_is_drawn_again(project) -> None:
    _, cache, reference = project
    (svg,) = (cache / "charts").rglob("*.svg")
    whole = svg.read_bytes()
    svg.write_bytes(whole[: len(whole) * 2 // 3])
    damaged, pdf = rebuild(project)
    assert pdf == reference
    assert damaged == [f"{svg}: warning: damaged cache entry (its content does not match its hash): drawn again"]
    assert svg.read_bytes() == whole


def test_lead_pages_memory_of_the_wrong_shape(tmp_path, monkeypatch) -> None:
    """The print file laid out whole remembers its lead pages: a memory of another shape is decided again."""
    monkeypatch.setattr(toolkit.build, "CACHE", tmp_path)
    memory = tmp_path / "lead-pages-communique-2024-agence-print.json"
    memory.write_text('{"a": [1]}')
    builder = Builder(out=tmp_path / "out", parts=False)
    result = builder.build("communique-2024", "print")
    assert f"{memory}: warning: damaged cache entry (not a list of chapter anchors): decided again" in \
        result.warnings
    assert json.loads(memory.read_text()) == []


def test_truncated_print_image_is_converted_again(tmp_path) -> None:
    from PIL import Image

    from toolkit.paths import LAYOUTS
    from toolkit.resources import print_ready_image

    photo = tmp_path / "photo.png"
    Image.new("RGB", (64, 48), "teal").save(photo)
    profile = LAYOUTS / "base" / "icc" / "ISOcoated_v2_300_bas.icc"
    first = print_ready_image(photo, profile, tmp_path / "images")
    whole = first.read_bytes()
    first.write_bytes(whole[: len(whole) // 2])
    again = print_ready_image(photo, profile, tmp_path / "images")
    assert again == first and again.read_bytes() == whole
