"""Regional editions and the parts build: overlays, regional chapters, isolation, cache keys, Dask."""
from __future__ import annotations

import re
import shutil
import textwrap
from pathlib import Path

import pytest

from support import normalise, page_texts
from toolkit.batch import run_editions
from toolkit.build import Builder
from toolkit.editions import apply_edition, edition_names, load_overlay, region_officers, story_regions
from toolkit.html import build_html, walk_blocks
from toolkit.models import REGIONS, Article, CaseStudy, Chart, Figure, Figures, Prose
from toolkit.paths import CONTENT
from toolkit.theme import deep_merge
from toolkit.validate import load_publication

REPORT = CONTENT / "rapport-annuel-2023"


@pytest.fixture(scope="module")
def report():
    return load_publication(REPORT)[0]


def test_one_overlay_per_region() -> None:
    regions = sorted(load_overlay(REPORT, name)[0].region for name in edition_names(REPORT))
    assert regions == sorted(REGIONS)


def test_overlay_merge_rules(report) -> None:
    assert deep_merge({"a": {"b": 1, "c": 2}, "k": [1, 2]}, {"a": {"c": 3}, "k": [3]}) == {"a": {"b": 1, "c": 3}, "k": [3]}
    edition = apply_edition(report, "occitanie")
    assert edition.meta.title == report.meta.title                 # kept from the base
    assert edition.meta.subtitle == "Édition Occitanie"            # set by the edition
    assert edition.meta.keywords == ["ANCT", "rapport annuel 2023", "Occitanie"]  # replaced, lists are not merged
    assert len(edition.parts) == len(report.parts) + 1
    assert report.parts[0].meta.subtitle is None                   # the base is not modified


@pytest.mark.parametrize("name", edition_names(REPORT))
def test_each_edition_cover_names_its_region(report, name) -> None:
    from toolkit.theme import load_theme

    region = load_overlay(REPORT, name)[0].region
    edition = apply_edition(report, name)
    cover = edition.parts[0]
    html = build_html(edition, load_theme("agence"), "screen", only=[cover],
                      chart_svg=lambda block: f"<svg data-highlight='{block.highlight}'></svg>").html
    text = re.sub(r"<[^>]+>", "", html)  # compounds are in span.nobr
    assert f"Édition {region}" in text.replace("\u00a0", " ").replace("\u2019", "'")
    assert f"data-highlight='{region}'" in html.replace("&#39;", "'")


@pytest.mark.parametrize("name", ["occitanie", "corse", "grand-est", "mayotte", "bretagne"])
def test_the_regional_chapter_holds_exactly_the_content_about_the_region(report, name) -> None:
    region = load_overlay(REPORT, name)[0].region
    tagged = [b.title for part in report.parts for b in walk_blocks(part.body)
              if isinstance(b, (CaseStudy, Article)) and region in story_regions(b)]
    edition = apply_edition(report, name)
    chapter = next(part for part in edition.parts if part.origin == "edition")
    assert [b.title for b in chapter.body if isinstance(b, (CaseStudy, Article))] == tagged
    texts = " ".join(getattr(b, "text", "") for b in chapter.body)
    assert "Aucun projet" not in texts and "rapport ne" not in texts  # never a sentence about what it lacks
    maps = [b for b in chapter.body if isinstance(b, Chart) and b.type == "map"]
    assert [m.highlight for m in maps] == [region] and maps[0].credit  # the région on its map, credited
    officers = [p.name for b in chapter.body if getattr(b, "kind", "") == "directory" for p in b.entries]
    assert officers == [p.name for p in region_officers(report, region)]


def test_shared_and_overseas_officers(report) -> None:
    assert [p.name for p in region_officers(report, "Pays de la Loire")] == ["Sylvie Cabassot"]
    assert [p.name for p in region_officers(report, "Corse")] == ["Juliette Paradis"]
    assert [p.name for p in region_officers(report, "Mayotte")] == ["Éric Lenoir"]


def test_an_edition_keeps_the_national_ids_so_shared_parts_are_not_laid_out_again(report) -> None:
    """Editions share what they do not change: the pages before the insert with the national file, and
    the national chapters (one unit after the insert under `openers: flow`) between editions."""
    from toolkit.build import Builder
    from toolkit.theme import load_theme

    builder = Builder(parts=True)
    theme = load_theme("agence")
    national = builder.assembler(report, theme, "print")
    editions = [builder.assembler(apply_edition(report, name), theme, "print") for name in ("occitanie", "bretagne")]

    def keys(assembler):
        return {part.id: assembler.job(unit, False, False).key for unit in assembler.units for part in unit.parts}

    national_keys, (one, two) = keys(national), (keys(edition) for edition in editions)
    shared_with_national = [part for part, key in national_keys.items() if one.get(part) == key]
    assert "02-edito" in shared_with_national and "03-interview" in shared_with_national
    assert "00-couverture" not in shared_with_national and "01-sommaire" not in shared_with_national
    shared_by_editions = [part for part, key in one.items() if two.get(part) == key]
    assert "21-logement-habitat" in shared_by_editions and "16-transition-ecologique" in shared_by_editions
    assert "00-couverture" not in shared_by_editions


# ---------------------------------------------------------------- batch, on a small publication


def small_publication(content: Path) -> None:
    root = content / "mini"
    (root / "sections").mkdir(parents=True)
    (root / "editions").mkdir()
    (root / "publication.yaml").write_text(textwrap.dedent("""\
        title: Mini rapport 2023
        organisation: Agence
        kind: report
        binding: none
        parts: [00.md, 01.md, 02.md]
        """), encoding="utf-8")
    (root / "sections" / "00.md").write_text("---\nlayout: cover\ntitle: Mini rapport 2023\n---\nAgence\n")
    (root / "sections" / "01.md").write_text("---\ntitle: Ouverture\n---\nUn texte.\n")
    (root / "sections" / "02.md").write_text(textwrap.dedent("""\
        ---
        layout: chapter
        title: Projets
        ---
        :::: article
        title: Une halle à Lodève
        region: Occitanie
        ---
        Texte.
        ::::
        """), encoding="utf-8")
    (root / "editions" / "occitanie.yaml").write_text('region: Occitanie\n', encoding="utf-8")
    (root / "editions" / "bretagne.yaml").write_text('region: Bretagne\n', encoding="utf-8")
    (root / "editions" / "cassee.yaml").write_text('region: Bretagne\ncolour: red\n', encoding="utf-8")


def test_a_broken_overlay_fails_alone(tmp_path: Path) -> None:
    small_publication(tmp_path / "content")
    entries = run_editions("mini", ["bretagne", "cassee", "occitanie"], ["screen"],
                           content=tmp_path / "content", out=tmp_path / "out")
    assert [e.status for e in entries] == ["ok", "failed", "ok"]
    assert any("cassee.yaml:2: error: unknown key 'colour'" in p for p in entries[1].problems)
    assert Path(entries[0].file).name == "mini-bretagne-screen.pdf"
    assert "Une halle à Lodève" in normalise_keep(page_texts(Path(entries[2].file)))
    bretagne = normalise_keep(page_texts(Path(entries[0].file)))
    assert "La région Bretagne" in bretagne and "Aucun projet" not in bretagne


def normalise_keep(texts: list[str]) -> str:
    return " ".join(" ".join(texts).replace("\u2019", "’").split()).replace("’", "’")


def test_dask_local_cluster_builds_two_editions(tmp_path: Path) -> None:
    distributed = pytest.importorskip("distributed")
    small_publication(tmp_path / "content")
    with distributed.LocalCluster(n_workers=1, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as cluster, distributed.Client(cluster) as client:
        entries = run_editions("mini", ["bretagne", "occitanie"], ["screen"], content=tmp_path / "content",
                               out=tmp_path / "out", executor=client.get_executor())
    assert [e.status for e in entries] == ["ok", "ok"]
    assert all(Path(e.file).is_file() and e.sha256 for e in entries)


# ---------------------------------------------------------------- cache keys


def test_unit_cache_key_follows_content_templates_css_and_fonts(tmp_path: Path, report) -> None:
    from toolkit.parts import job_key

    css = tmp_path / "style.css"
    font = tmp_path / "font.ttf"
    css.write_text("p { color: red }")
    font.write_bytes(b"font-1")
    key = job_key("<p>a</p>", "", "print", [css, font])
    assert job_key("<p>a</p>", "", "print", [css, font]) == key          # nothing changed
    assert job_key("<p>b</p>", "", "print", [css, font]) != key          # content or template → HTML
    assert job_key("<p>a</p>", "", "screen", [css, font]) != key         # variant
    css.write_text("p { color: blue }")
    assert job_key("<p>a</p>", "", "print", [css, font]) != key          # theme CSS
    css.write_text("p { color: red }")
    font.write_bytes(b"font-2")
    assert job_key("<p>a</p>", "", "print", [css, font]) != key          # font file


def test_editing_one_chapter_changes_only_that_units_html(tmp_path: Path) -> None:
    from toolkit.theme import load_theme

    shutil.copytree(REPORT, tmp_path / "rapport-annuel-2023")
    chapter = tmp_path / "rapport-annuel-2023" / "sections" / "21-logement-habitat.md"
    builder = Builder(content=tmp_path)
    theme = load_theme("agence")
    before = builder.assembler(builder.load("rapport-annuel-2023")[0], theme, "print")
    keys_before = {tuple(p.id for p in u.parts): before.job(u, False, False).key for u in before.units
                   if u.layout != "contents"}
    chapter.write_text(chapter.read_text(encoding="utf-8").replace("Sisteron va inaugurer",
                                                                   "Sisteron inaugurera"), encoding="utf-8")
    after = builder.assembler(builder.load("rapport-annuel-2023")[0], theme, "print")
    keys_after = {tuple(p.id for p in u.parts): after.job(u, False, False).key for u in after.units
                  if u.layout != "contents"}
    changed = [k for k in keys_before if keys_before[k] != keys_after[k]]
    # One unit: under `openers: flow` the chapter is laid out with the chapters around it.
    assert len(changed) == 1 and "21-logement-habitat" in changed[0], changed


# ---------------------------------------------------------------- parts vs one pass


def test_part_rendered_print_matches_a_single_pass_build(annual_report, builder) -> None:
    """Same pages, same text on every page (folios, contents numbers, running heads included)."""
    import json

    from toolkit.html import assign_anchors
    from toolkit.paths import CACHE

    publication, theme, _ = builder.load("rapport-annuel-2023")
    anchors, _ = assign_anchors(publication)
    plan = json.loads((CACHE / "plan-rapport-annuel-2023--agence-print.json").read_text())
    units = __import__("toolkit.parts", fromlist=["split_units"]).split_units(publication)
    leads = {anchors[id(units[int(i)].first)] for i, (lead, _) in plan.items() if lead}
    whole = Builder(out=builder.out, parts=False)
    html_doc, document = whole.lay_out(publication, theme, "print", leads=leads)
    single = [page for page in document.pages]
    parts_texts = page_texts(annual_report["print"].path)
    padding = annual_report["print"].blanks_added
    assert len(single) + padding == len(parts_texts)
    pdf = whole.renderer.write_pdf(document, "print", identifier=b"x" * 32)
    path = builder.out / "single.pdf"
    path.write_bytes(pdf)
    single_texts = page_texts(path)
    # The binding's blank pages go before the back cover: compare around them.
    pairs = list(zip(single_texts[:-1], parts_texts)) + [(single_texts[-1], parts_texts[-1])]
    for number, (one, two) in enumerate(pairs, 1):
        assert sorted(normalise(one)) == sorted(normalise(two)), number


def test_a_story_belongs_to_its_tag_and_to_the_regions_its_text_names(report) -> None:
    titles = {b.title: b for part in report.parts for b in walk_blocks(part.body) if isinstance(b, (CaseStudy, Article))}
    # "conduit pendant trois ans en régions Bretagne et Pays de la Loire", with no region: tag
    assert story_regions(titles["Expérimentation Data & Quartiers"]) == {"Bretagne", "Pays de la Loire"}
    chapter = next(part for part in apply_edition(report, "bretagne").parts if part.origin == "edition")
    assert "Expérimentation Data & Quartiers" in [getattr(b, "title", None) for b in chapter.body]
    assert not any("Aucun projet" in getattr(b, "text", "") for b in chapter.body)
    story = Article(title="Un programme national", region="Corse", body=[]).model_copy(update={"body": [
        Prose(text="Lancé en Bretagne, en Normandie, en Occitanie et dans le Grand Est.")]})
    assert story_regions(story) == {"Corse"}  # naming many régions makes a national story


def test_a_region_named_inside_a_compound_is_not_named(report) -> None:
    """"l'agence de l'eau Loire-Bretagne" is not about Bretagne (the moulin de Saint-Gaultier is in the
    Indre); "Pays de la Loire", "Provence-Alpes-Côte d'Azur" and "Île-de-France" as typed still are."""
    titles = {b.title: b for part in report.parts for b in walk_blocks(part.body) if isinstance(b, (CaseStudy, Article))}
    moulin = next(t for t in titles if "Saint-Gaultier" in t)
    assert story_regions(titles[moulin]) == {"Centre-Val de Loire"}

    def named(text: str) -> set[str]:
        return story_regions(Article(title="Un projet", body=[Prose(text=text)]))

    assert named("avec l'agence de l'eau Loire-Bretagne et Seine-Normandie") == set()
    assert named("en Pays de la Loire") == {"Pays de la Loire"}
    assert named("en Provence-Alpes-Côte d’Azur et en Ile de France") == {"Provence-Alpes-Côte d'Azur", "Île-de-France"}
    assert named("la Bretagne.") == {"Bretagne"}


def test_the_edition_cover_carries_no_technical_note(report) -> None:
    """The cover's locator map prints no credit line (the regional chapter's map carries it)."""
    cover = apply_edition(report, "bretagne").parts[0]
    locators = [b for b in cover.body if isinstance(b, Chart)]
    assert [b.credit for b in locators] == [False]
    assert all(block in cover.body for block in report.parts[0].body)  # the national identity block kept


def test_the_regional_chapter_gathers_the_figures_naming_the_region(report) -> None:
    figures = Figures(title="Chiffres", items=[Figure(value="12", label="projets en Bretagne"),
                                               Figure(value="3", label="projets en Normandie")])
    part = report.parts[4].model_copy(update={"body": [*report.parts[4].body, figures]})
    extended = report.model_copy(update={"parts": [*report.parts[:4], part, *report.parts[5:]]})
    chapter = next(p for p in apply_edition(extended, "bretagne").parts if p.origin == "edition")
    gathered = [item.label for b in chapter.body if isinstance(b, Figures) for item in b.items]
    assert gathered == ["projets en Bretagne"]
