"""The screen files pass PDF/UA-1 checks read by independent readers: the PyPI `pdfua` checker, PDF.js's
structure tree (the browsers' reader) and our own rules (tag_rules.py) for what both leave out.

Files (conftest.py, each built once per test run): both publications, three regional editions, the
corpus, `every-block/` (every block and layout) and `hostile/` (content written to be hard on the tags).
"""
from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pikepdf
import pytest

from conftest import SCREEN_FILES
from tag_rules import all_findings

HERE = Path(__file__).resolve().parent
PDFJS_SCRIPT = HERE / "pdfjs_struct_tree.mjs"


@pytest.fixture(scope="session")
def pdfjs_reading(screen_files) -> dict[str, dict]:
    node = shutil.which("node")
    if node is None or not (HERE.parent / "readers" / "node_modules" / "pdfjs-dist").is_dir():
        pytest.fail("PDF.js is not installed: make tests/readers/node_modules/.installed")
    output = subprocess.run([node, str(PDFJS_SCRIPT), *map(str, screen_files.values())], check=True,
                            capture_output=True, text=True, timeout=300).stdout
    readings = [json.loads(line) for line in output.splitlines()]
    return dict(zip(screen_files, readings))


@pytest.mark.parametrize("name", list(SCREEN_FILES))
def test_our_rules_find_nothing(screen_files, name) -> None:
    findings = {rule: found for rule, found in all_findings(screen_files[name]).items() if found}
    assert not findings, findings


@pytest.mark.parametrize("name", list(SCREEN_FILES))
def test_pdfua_checker_finds_nothing(screen_files, name) -> None:
    from pdfua import Validator, ValidatorOptions
    from pdfua.rules import ALL_RULES, RuleRegistry

    # UA-14-001 (empty headings) raises on these files (pdfua 0.1.3 asks an Array for `is_integer`):
    # tag_rules.empty_headings checks the same thing.
    rules = RuleRegistry([rule for rule in ALL_RULES if rule.id != "UA-14-001"])
    report = Validator(ValidatorOptions(registry=rules)).validate(str(screen_files[name]))
    assert not report.skipped, [(o.rule.id, o.error) for o in report.skipped]
    assert not report.findings, [(f.rule_id, f.message) for f in report.findings]


@pytest.mark.parametrize("name", list(SCREEN_FILES))
def test_pdfjs_reads_a_whole_tag_tree(screen_files, pdfjs_reading, name) -> None:
    reading = pdfjs_reading[name]
    assert reading["findings"] == []
    with pikepdf.open(screen_files[name]) as pdf:
        links = sum(1 for page in pdf.pages for a in page.obj.get("/Annots", []) if a.get("/Subtype") == "/Link")
    # PDF.js saw every link and heading: the checks above ran over something.
    assert reading["links"] == links and reading["headings"] > 0


@pytest.mark.parametrize("name", list(SCREEN_FILES))
def test_toolkit_check_finds_nothing_on_screen_files(screen_files, name) -> None:
    """The preflight's screen rules (tags, Alt, title, links, contrast...): no error, no warning but
    photos left out for want of their file (the corpus and test publications name absent files)."""
    from toolkit.preflight import check_pdf

    report = check_pdf(screen_files[name], variant="screen")
    found = [(f.rule, f.message) for f in report.findings
             if f.level in ("error", "warning") and f.rule != "missing-photo"]
    assert not found, found


def test_contents_links_say_heading_and_page(annual_report) -> None:
    with pikepdf.open(annual_report["screen"].path) as pdf:
        labels = pdf.Root.PageLabels
        texts = [str(a.Contents) for a in pdf.pages[1].obj.Annots]
    assert texts and all(", page " in text for text in texts), texts
    assert "Une année de consolidation pour l\u2019ANCT, page 3" in texts  # after the one-page contents
    assert labels is not None


def test_press_contact_is_read_once_and_clickable_on_every_page(press_release) -> None:
    with pikepdf.open(press_release["screen"].path) as pdf:
        for page in pdf.pages:
            emails = [a for a in page.obj.Annots if "mailto:" in str(a.get("/A", {}).get("/URI", ""))]
            assert emails and all(str(a.Contents) == "relations.presse@anct.gouv.fr" for a in emails)
    from tag_rules import elements, kids
    with pikepdf.open(press_release["screen"].path) as pdf:
        tree = [e for top in kids(pdf.Root.StructTreeRoot) for e in elements(top)]
        headings = [e for e in tree if str(e.S).startswith("/H")]
        # The footer's "Contact presse" heading is in the tree once, not once per page.
        assert len([h for h in headings if h.objgen]) == len({h.objgen for h in headings})
        links = [e for e in tree if e.S == "/Link"]
        mail_link = [link for link in links if any(
            isinstance(k, pikepdf.Dictionary) and "mailto:" in str(k.get("/Obj", {}).get("/A", {}).get("/URI", ""))
            for k in kids(link))]
        # One annotation per page (none for the pieces between the address's break opportunities).
        annotations = [k for k in kids(mail_link[0]) if isinstance(k, pikepdf.Dictionary) and k.get("/Type") == "/OBJR"]
        assert len(mail_link) == 1 and len(annotations) == len(pdf.pages) >= 2


def test_a_footer_over_many_pages_is_read_once_and_clickable_on_each(screen_files) -> None:
    """hostile/: a press release over three pages or more, two addresses in its running footer."""
    from tag_rules import elements, kids

    with pikepdf.open(screen_files["hostile"]) as pdf:
        tree = [e for top in kids(pdf.Root.StructTreeRoot) for e in elements(top)]
        owner = {k.Obj.objgen: e.objgen for e in tree if e.S == "/Link" for k in kids(e)
                 if isinstance(k, pikepdf.Dictionary) and k.get("/Type") == "/OBJR"}
        for address in ("mailto:cabinet@example.org", "mailto:une.adresse.de.presse.tres.longue@example.org"):
            per_page = [[a for a in page.obj.get("/Annots", []) if str(a.get("/A", {}).get("/URI", "")) == address]
                        for page in pdf.pages]
            pages = [found for found in per_page if found]
            assert len(pages) >= 3 and all(len(found) == 1 for found in pages), [len(f) for f in per_page]
            assert len({owner[found[0].objgen] for found in pages}) == 1
            assert str(pages[0][0].Contents) == address.removeprefix("mailto:")
        headings = [e for e in tree if e.S in ("/H1", "/H2", "/H3")]
        texts = [str(a.get("/Contents")) for page in pdf.pages for a in page.obj.get("/Annots", [])]
    assert headings and not any("\u200b" in text for text in texts)


def test_rules_catch_weasyprints_own_tag_tree(make_builder, monkeypatch) -> None:
    """Without the finishing step the same publication fails every rule above: they can fail."""
    import toolkit.build

    monkeypatch.setattr(toolkit.build, "finish_tags", lambda pdf: pdf)
    monkeypatch.setattr(toolkit.build, "link_descriptions", None)
    raw = make_builder("every-block-raw", content=HERE).build("every-block", "screen")
    findings = all_findings(raw.path)
    for rule in ("text tagged or artifact", "links under Link", "no link in a link",
                 "one annotation per link and line", "link text", "heading order", "TH scope"):
        assert findings[rule], rule


def chart_figures_and_tables(path: Path) -> tuple[list[str], list[dict]]:
    """The Alt of each chart (a Figure whose Alt gives its figures) and, for each Table, its roles:
    whether it has a Caption, and the Scope of its header cells."""
    from tag_rules import elements, kids

    with pikepdf.open(path) as pdf:
        tree = [e for top in kids(pdf.Root.StructTreeRoot) for e in elements(top)]
        # (The alternative is typeset as the text is: a narrow no-break space before ':' and ';'.)
        alts = [str(e.get("/Alt", "")).replace("\u202f", " ") for e in tree if e.S == "/Figure"]
        charts = [alt for alt in alts if " Données : " in alt]
        tables = []
        for table in (e for e in tree if e.S == "/Table"):
            inside = list(elements(table))
            scopes = [str(a.Scope) for cell in inside if cell.S == "/TH"
                      for a in (cell.A if isinstance(cell.A, pikepdf.Array) else [cell.A])
                      if isinstance(a, pikepdf.Dictionary) and "/Scope" in a]
            tables.append({"caption": any(e.S == "/Caption" for e in inside), "scopes": set(scopes)})
    return charts, tables


@pytest.mark.parametrize("name", list(SCREEN_FILES))
def test_charts_give_their_figures_in_the_alternative_and_as_a_table(screen_files, name) -> None:
    """Charts are complex images: every figure in the alternative, and the data as a visible table
    under the chart (caption "Données : <title>", column and row headers), read alike by two readers."""
    from reflow import READERS

    charts, tables = chart_figures_and_tables(screen_files[name])
    data_tables = [t for t in tables if t["caption"] and t["scopes"] == {"/Column", "/Row"}]
    assert len(data_tables) >= len(charts), (len(data_tables), len(charts))
    for reader, read in READERS.items():
        captions = [line for line in read(screen_files[name]) if re.match(r"Données\s*:", line)]
        assert len(captions) == len(charts), (reader, captions, len(charts))
    if name == "every block":
        assert charts == ["Projets par région. Barres horizontales des projets par région. "
                          "Données : Bretagne : 12 ; Corse : 3."]
    if name in ("annual report", "hostile"):
        assert len(charts) >= 5


def test_print_files_have_no_chart_data_table(press_release, annual_report) -> None:
    from reflow import READERS

    for result in (press_release["print"], annual_report["print"]):
        for reader, read in READERS.items():
            assert not [line for line in read(result.path) if re.match(r"Données\s*:", line)], reader
