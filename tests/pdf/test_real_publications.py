"""The real publications pass the preflight, and independent readers open them and read the same text."""
from __future__ import annotations

import pytest

from toolkit.preflight import check_pdf, ghostscript_opens, normalise_text, readers_text


@pytest.fixture(scope="module")
def built(press_release, annual_report):
    return {(name, variant): result for name, results in (("communique-2024", press_release),
                                                          ("rapport-annuel-2023", annual_report))
            for variant, result in results.items()}


@pytest.mark.parametrize("name, binding", [("communique-2024", "sheets"), ("rapport-annuel-2023", "saddle-stitch")])
@pytest.mark.parametrize("variant", ["print", "screen"])
def test_preflight_passes(built, name, binding, variant) -> None:
    report = check_pdf(built[(name, variant)].path, binding=binding if variant == "print" else None)
    assert report.ok, [f for f in report.findings if f.level == "error"]
    assert report.variant == variant
    rules = {finding.rule for finding in report.findings if finding.level in ("error", "warning")}
    # The annual report's photos have no files yet: the check lists them (one warning each), nothing else.
    assert not rules - {"missing-photo"}, report.findings


@pytest.mark.parametrize("name", ["communique-2024", "rapport-annuel-2023"])
@pytest.mark.parametrize("variant", ["print", "screen"])
def test_three_independent_readers_open_the_file_and_read_the_same_text(built, name, variant) -> None:
    path = built[(name, variant)].path
    errors: dict[str, str] = {}
    texts = readers_text(path, errors)
    assert {"pypdfium2", "pypdf", "pdftotext"} <= set(texts), errors
    opened, output = ghostscript_opens(path)
    assert opened, output
    # The same characters whatever the reader (order inside a line and spacing may differ).
    letters = {reader: sorted(normalise_text(text).replace(" ", "")) for reader, text in texts.items()}
    reference = letters["pypdfium2"]
    for reader, found in letters.items():
        assert found == reference, reader
