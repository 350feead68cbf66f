"""Independent readers open every page of every built file with no error and no warning, extract the
same text, and decode every image to its declared size (see readers_testlib).

The files: the corpus (tests/corpus) in both variants and its edition, the two default publications,
three regional editions in print with their padding pages. Each failure names the reader, the file,
the page and what it said."""
from __future__ import annotations

import pytest

import readers_testlib as readers
from files_read import CORPUS, FILE_IDS, FILES

every_file = pytest.mark.parametrize("file_id", FILE_IDS)
corpus_files = pytest.mark.parametrize("file_id", [fid for fid, *_, in_corpus in FILES if in_corpus])


def _clean(problems: list[str]) -> None:
    assert not problems, "\n".join(problems)


@every_file
def test_the_file_builds(built_files, file_id) -> None:
    built_files[file_id].require()


@every_file
def test_ghostscript_interprets_every_page(built_files, file_id) -> None:
    _clean(readers.ghostscript(built_files[file_id].require()))


@every_file
def test_mupdf_loads_every_page_without_warning(built_files, mupdf_results, file_id) -> None:
    path = built_files[file_id].require()
    pages, problems = mupdf_results[path]
    assert pages, f"MuPDF, {path.name}: no page"
    _clean(problems)


@every_file
def test_pdfjs_reads_every_page_without_warning(built_files, pdfjs_results, file_id) -> None:
    path = built_files[file_id].require()
    pages, problems = pdfjs_results[path]
    assert pages, f"PDF.js, {path.name}: no page ({problems})"
    _clean(problems)


@every_file
def test_poppler_fonts_boxes_and_text(built_files, poppler_results, file_id) -> None:
    built = built_files[file_id]
    path = built.require()
    _, text_problems = poppler_results[path]
    _clean(readers.poppler_fonts(path) + readers.poppler_boxes(path, built.variant == "print") + text_problems)


@every_file
def test_qpdf_check(built_files, file_id) -> None:
    _clean(readers.qpdf(built_files[file_id].require()))


@every_file
def test_every_image_decodes_to_its_declared_size(built_files, file_id) -> None:
    _clean(readers.images(built_files[file_id].require()))


@every_file
def test_the_readers_extract_the_same_text(built_files, poppler_results, mupdf_results, pdfjs_results,
                                           file_id) -> None:
    path = built_files[file_id].require()
    texts = {"pdftotext": poppler_results[path][0], "MuPDF": mupdf_results[path][0],
             "PDF.js": pdfjs_results[path][0]}
    _clean(readers.differences(texts, path.name))


@every_file
def test_typed_hyphens_extract_as_typed(built_files, poppler_results, mupdf_results, pdfjs_results,
                                        file_id) -> None:
    path = built_files[file_id].require()
    texts = {"pdftotext": poppler_results[path][0], "MuPDF": mupdf_results[path][0],
             "PDF.js": pdfjs_results[path][0]}
    _clean([p for reader, pages in texts.items() for p in readers.hyphens_not_typed(pages, path.name, reader)])


@corpus_files  # the default publications have no image files: their photos are designed frames
def test_every_photo_of_the_corpus_shows_its_source_file(built_files, file_id) -> None:
    publication = next(name for fid, name, *_ in FILES if fid == file_id)
    _clean(readers.unmatched_images(built_files[file_id].require(), CORPUS / publication / "images"))
