"""Footnotes: at the foot of their call's page, numbered through the publication, checked, linked.

One publication is built once (print in parts, screen whole); its notes are placed from all over the
part: the end of the file, another run of text, a block's body, a label reused in another file."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from blocks_testlib import LOREM, box_of, front, words_on_pages, write_publication
from toolkit.errors import ContentError
from toolkit.preflight import check_pdf
from toolkit.validate import load_publication

# Marker words: each is printed with its call number glued to it ("Zqa" + "1" → "Zqa1").
MANY = [f"Zm{n:02d}x" for n in range(1, 15)]
PARTS = {
    "01.md": front("Premier") + f"{LOREM * 3} Zqa[^a] {LOREM * 2}\n\n::: quote\ntext: Une citation.\n:::\n\n"
             f"{LOREM} Zqb[^b] et encore Zqc[^a]. {LOREM * 2}\n\n::: zoom\ntitle: Encadré\n---\n"
             f"{LOREM} Zqd[^dans-bloc] {LOREM}\n:::\n\n{LOREM * 3}\n\n"
             "[^a]: Texte de la note Nta.\n[^b]: Texte de la note Ntb, sur\n    deux lignes Ntb2.\n"
             "[^dans-bloc]: Texte de la note Ntd.\n",
    "02.md": front("Beaucoup", columns=1) + "".join(f"{LOREM * 4} {m}[^{n}] {LOREM}\n\n" for n, m in enumerate(MANY))
             + "".join(f"[^{n}]: Texte de la note Nt{m}.\n" for n, m in enumerate(MANY)),
    "03.md": front("Chapitre", layout="chapter") + f"{LOREM * 2} Zqe[^a] {LOREM * 5}\n\n[^a]: Texte de la note Nte.\n",
    "04.md": front("Dernier", columns=1) + f"[^x]: Texte de la note Ntf.\n\n{LOREM} Zqf[^x] {LOREM}\n\n"
             f"## Intertitre Zqg[^y]\n\n{LOREM}\n\n[^y]: Texte de la note Ntg.\n",
}
# In reading order: (marker, number printed); Zqc calls note 1 again.
EXPECTED = [("Zqa", 1), ("Zqb", 2), ("Zqc", 1), ("Zqd", 3), *((m, n + 4) for n, m in enumerate(MANY)),
            ("Zqe", 4 + len(MANY)), ("Zqf", 5 + len(MANY)), ("Zqg", 6 + len(MANY))]
NOTES = {"Zqa": "Nta", "Zqb": "Ntb", "Zqd": "Ntd", **{m: f"Nt{m}" for m in MANY}, "Zqe": "Nte", "Zqf": "Ntf",
         "Zqg": "Ntg"}


@pytest.fixture(scope="session")
def notes_build(tmp_path_factory, make_builder):
    content = tmp_path_factory.mktemp("notes-content")
    write_publication(content, "notes", PARTS)
    builder = make_builder("notes", content=content)
    publication = builder.load("notes")[0]
    assert builder.in_parts(publication, "print"), "the print file must be laid out in units"
    return {variant: builder.build("notes", variant) for variant in ("print", "screen")}


@pytest.mark.parametrize("variant", ["print", "screen"])
def test_each_note_is_at_the_foot_of_the_page_of_its_call_with_its_number(notes_build, variant) -> None:
    words = words_on_pages(notes_build[variant].path)
    import pymupdf

    with pymupdf.open(notes_build[variant].path) as document:
        height = document[0].rect.height
    for marker, number in EXPECTED:
        call_page, call = box_of(words, f"{marker}{number}")
        if marker not in NOTES:
            continue
        note_page, note = box_of(words, NOTES[marker])
        assert note_page == call_page, f"note {number} ({marker}) is on page {note_page + 1}, its call on {call_page + 1}"
        assert note[1] > height * 0.6 and note[1] > call[3], f"note {number} is not at the foot of the page"
        line = sorted((w for w in words[note_page] if abs(w[1] - note[1]) < 2), key=lambda w: w[0])
        assert line[0][4] == str(number), f"note {NOTES[marker]} is not numbered {number}: {line[0][4]}"


@pytest.mark.parametrize("variant", ["print", "screen"])
def test_notes_are_printed_once_and_nothing_of_the_markdown_shows(notes_build, variant) -> None:
    text = " ".join(w[4] for page in words_on_pages(notes_build[variant].path) for w in page)
    for note in NOTES.values():
        assert len(re.findall(rf"\b{note}\b", text)) == 1, note
    assert "Ntb2" in text  # the definition's second line
    assert "[^" not in text and "↩" not in text


def test_screen_links_go_from_each_call_to_its_note_and_back(notes_build) -> None:
    import pymupdf

    result = notes_build["screen"]
    assert not [w for w in result.warnings if "Anchor defined twice" in w], result.warnings
    with pymupdf.open(result.path) as document:
        names = document.resolve_names()
        links = [(page.number, link["nameddest"]) for page in document for link in page.get_links()
                 if link.get("nameddest", "").startswith("note_")]
    to_notes = {name for _, name in links if not name.endswith("_call")}
    back = {name for _, name in links if name.endswith("_call")}
    # One anchor per note (all calls going to note 1 was the defect), and a link back from each note.
    assert len(to_notes) == len(NOTES) and back == {f"{name}_call" for name in to_notes}
    for page, name in links:
        # Every call and its note share a page here: each link lands on the page it is on.
        assert names[name]["page"] == page, (page, name)


@pytest.mark.parametrize("variant", ["print", "screen"])
def test_the_files_with_notes_pass_the_preflight(notes_build, variant) -> None:
    report = check_pdf(notes_build[variant].path)
    assert report.ok, [f for f in report.findings if f.level == "error"]
    assert not report.rules("warning"), report.findings


def _problems(tmp_path: Path, parts: dict[str, str], meta: str = "") -> list[str]:
    root = write_publication(tmp_path, "pub", parts, meta)
    try:
        _, problems = load_publication(root)
    except ContentError as error:
        return [str(p).replace(f"{root}/", "") for p in error.problems]
    return [str(p).replace(f"{root}/", "") for p in problems.items]


def test_a_call_without_definition_is_an_error_at_its_line_and_every_problem_is_told(tmp_path) -> None:
    messages = _problems(tmp_path, {"01.md": front("Un") + "Texte.\n\nUne note[^manque] ici.\n\n"
                                    "[^vu]: Note vue.\n\nEt[^vu].\n[^vu]: Encore.\n"})
    assert any(m.startswith("sections/01.md:8: error: footnote [^manque] has no definition") for m in messages), messages
    assert any(m.startswith("sections/01.md:13: error: footnote [^vu] is defined twice (first on line 10)")
               for m in messages), messages


def test_a_definition_never_called_is_a_warning_at_its_line(tmp_path) -> None:
    messages = _problems(tmp_path, {"01.md": front("Un") + "Texte[^vu].\n\n[^vu]: Vue.\n[^seule]: Jamais appelée.\n"})
    assert [m for m in messages if "footnote" in m] == [
        "sections/01.md:9: warning: footnote [^seule] is defined but the text never calls it: put [^seule] "
        "where the note belongs, or remove the definition"]


def test_a_note_too_long_for_the_foot_of_a_page_is_a_warning(tmp_path) -> None:
    messages = _problems(tmp_path, {"01.md": front("Un") + "Texte[^long].\n\n[^long]: " + "mot " * 200 + "\n"})
    assert [m for m in messages if "footnote" in m] == [
        "sections/01.md:8: warning: footnote [^long] is 200 words long: a note that long does not fit the foot "
        "of its page and pushes the notes after it to the next page; put it in the text or in a zoom box"]


def test_a_call_in_a_field_is_an_error_not_printed_as_typed(tmp_path) -> None:
    messages = _problems(tmp_path, {"01.md": front("Un") + "::: quote\ntext: Une citation[^1].\n:::\n\n[^1]: Note.\n"})
    assert any(m.startswith("sections/01.md:7: error: footnote [^1] is in a field") for m in messages), messages


def test_a_definition_in_code_is_code_and_a_call_in_code_is_not_a_call(tmp_path) -> None:
    messages = _problems(tmp_path, {"01.md": front("Un") + "Voir `[^a]` ici.\n\n```\n[^b]: pas une note\n```\n"})
    assert messages == []


def _note_numbers(tmp_path: Path, meta: str) -> list[str]:
    from toolkit.html import build_html
    from toolkit.theme import load_theme

    root = write_publication(tmp_path, "pub", {
        "01.md": front("Un") + "A[^1] B[^2]\n\n::: article\ntitle: Note 1\n---\nTexte.\n:::\n\n[^1]: un\n[^2]: deux\n",
        "02.md": front("Chapitre", layout="chapter") + "C[^1]\n\n[^1]: trois\n",
        "03.md": front("Suite", layout="section") + "D[^1]\n\n[^1]: quatre\n"}, meta)
    publication, _ = load_publication(root)
    html = build_html(publication, load_theme("agence"), "screen").html
    ids = re.findall(r'<span class="note" id="([^"]+)"', html)
    assert len(ids) == len(set(ids)) == 4
    every_id = re.findall(r' id="([^"]+)"', html)  # an article titled "Note 1" keeps apart from note 1
    assert len(every_id) == len(set(every_id)), every_id
    return re.findall(r'class="note-number" href="#[^"]+">(\d+)</a> (\w+)', html)


def test_numbers_run_through_the_publication_or_restart_at_each_chapter(tmp_path) -> None:
    assert _note_numbers(tmp_path / "a", "") == [("1", "un"), ("2", "deux"), ("3", "trois"), ("4", "quatre")]
    assert _note_numbers(tmp_path / "b", "footnotes: chapter\n") == [
        ("1", "un"), ("2", "deux"), ("1", "trois"), ("2", "quatre")]


def test_screen_notes_are_note_structure_elements_with_their_ids(notes_build) -> None:
    import pikepdf

    with pikepdf.open(notes_build["screen"].path) as pdf:
        tree = pdf.Root.StructTreeRoot
        notes, pending = [], [tree.K]
        while pending:
            element = pending.pop()
            for kid in (list(element) if isinstance(element, pikepdf.Array) else [element]):
                if isinstance(kid, pikepdf.Dictionary) and "/S" in kid:
                    if kid.S == pikepdf.Name.Note:
                        notes.append(str(kid.ID))
                    pending.append(kid.get("/K"))
        ids = [str(tree.IDTree.Names[i]) for i in range(0, len(tree.IDTree.Names), 2)]
    assert sorted(notes) == sorted(ids) and len(set(notes)) == len(NOTES), notes


def test_a_heading_that_calls_a_note_is_bookmarked_without_the_number(notes_build) -> None:
    import pymupdf

    with pymupdf.open(notes_build["screen"].path) as document:
        titles = [title for _, title, _ in document.get_toc()]
    assert "Intertitre Zqg" in titles, titles
