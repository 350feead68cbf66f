"""toolkit/tags.py on small documents laid out by the real WeasyPrint: margin boxes, running elements
whose text changes, links split over lines, tables with row headers, skipped heading levels."""
from __future__ import annotations

from pathlib import Path

import pikepdf
import pytest

from tag_rules import all_findings, elements, kids
from toolkit.tags import finish_tags, link_descriptions

HTML = """<html lang="fr"><head><title>Essai</title><style>
@page { size: A6; margin: 20mm 10mm;
  @top-center { content: string(running); font-size: 7pt; }
  @bottom-right { content: counter(page); }
  @bottom-center { content: element(foot); } }
h1 { string-set: running content(); break-before: page; font-size: 14pt; }
.foot { position: running(foot); font-size: 7pt; }
a.wide { display: block; width: 20mm; }
a.toc::after { content: leader('.') target-counter(attr(href), page); }
</style></head><body>
<h1>Premier</h1>
<div class="foot"><h2>Pied un</h2><a href="https://example.org/un">example.org/un</a></div>
<h3>Un niveau sauté</h3>
<p>Voir <a class="wide" href="#second">le second chapitre, bien plus loin</a>.</p>
<table><thead><tr><th>Région</th><th>Projets</th></tr></thead>
<tbody><tr><th>Bretagne</th><td>12</td></tr></tbody></table>
<p><a class="toc" href="#second">Second, dans le sommaire</a></p>
<h1 id="second">Second</h1>
<div class="foot"><h2>Pied deux</h2><a href="https://example.org/deux"> <span class="url">example.<wbr>org/<wbr>deux</span></a></div>
<p>Fin.</p>
<h1>Troisième</h1>
<p>Le pied deux se répète ici : une copie en artefact, ses liens toujours cliquables.</p>
</body></html>"""


@pytest.fixture(scope="module")
def files(tmp_path_factory) -> dict[str, Path]:
    from weasyprint import HTML as Document

    folder = tmp_path_factory.mktemp("tags")
    raw = Document(string=HTML).write_pdf(pdf_variant="pdf/ua-1")
    described = Document(string=HTML).write_pdf(pdf_variant="pdf/ua-1", finisher=link_descriptions)
    (folder / "raw.pdf").write_bytes(raw)
    (folder / "finished.pdf").write_bytes(finish_tags(described))
    return {"raw": folder / "raw.pdf", "finished": folder / "finished.pdf"}


def test_weasyprint_alone_fails_the_rules(files) -> None:
    findings = all_findings(files["raw"])
    for rule in ("text tagged or artifact", "links under Link", "no link in a link",
                 "one annotation per link and line", "link text", "heading order", "TH scope"):
        assert findings[rule], rule


def test_finished_file_passes_every_rule(files) -> None:
    findings = {rule: found for rule, found in all_findings(files["finished"]).items() if found}
    assert not findings, findings


def test_running_elements_are_tagged_once_each_text_and_heads_are_artifacts(files) -> None:
    with pikepdf.open(files["finished"]) as pdf:
        tree = [e for top in kids(pdf.Root.StructTreeRoot) for e in elements(top)]
        roles = [str(e.S) for e in tree]
        # Two different footers (their texts differ): both read, each once; H3 became H2.
        assert roles.count("/H2") == 3 and "/H3" not in roles and roles.count("/H1") == 3
        texts = [str(a.Contents) for page in pdf.pages for a in page.obj.Annots]
    assert "le second chapitre, bien plus loin" in texts
    assert {"example.org/un", "example.org/deux"} <= set(texts)


def test_row_and_column_headers_get_their_scope(files) -> None:
    with pikepdf.open(files["finished"]) as pdf:
        tree = [e for top in kids(pdf.Root.StructTreeRoot) for e in elements(top)]
        scopes = [str(e.A.Scope) for e in tree if e.S == "/TH"]
    assert scopes == ["/Column", "/Column", "/Row"]


def test_repeated_running_links_are_one_annotation_each_under_the_tagged_link(files) -> None:
    """A running element's link whose address has break opportunities (<wbr>, a span inside the <a>)
    is one annotation per page, described by its text, and every copy's annotation is a kid of the one
    tagged Link: the repeats are artifacts, their links stay clickable and are never orphans."""
    with pikepdf.open(files["finished"]) as pdf:
        tree = [e for top in kids(pdf.Root.StructTreeRoot) for e in elements(top)]
        owners = {kid.Obj.objgen: e for e in tree if e.S == "/Link" for kid in kids(e)
                  if isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") == "/OBJR"}
        per_page = [[a for a in page.obj.Annots if "deux" in str(a.A.get("/URI", ""))]
                    for page in pdf.pages[1:]]
        assert [len(found) for found in per_page] == [1, 1]
        assert all(str(a.Contents) == "example.org/deux" for found in per_page for a in found)
        assert len({owners[a.objgen].objgen for found in per_page for a in found}) == 1


def test_a_contents_entry_is_one_link_with_one_annotation(files) -> None:
    """The ::after of a link (leaders and page number) is a Link of its own for WeasyPrint, with its own
    annotation: it becomes part of the entry's link, read and clicked once."""
    with pikepdf.open(files["finished"]) as pdf:
        entry = [a for a in pdf.pages[0].obj.Annots if str(a.get("/Contents", "")).startswith("Second, dans")]
        assert len(entry) == 1 and str(entry[0].Contents) == "Second, dans le sommaire, page 2"
