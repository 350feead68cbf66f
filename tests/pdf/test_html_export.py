"""`toolkit build --html DIR`: the whole HTML with its assets beside it, laid out by `weasyprint` alone.

The folder is moved away from the project before WeasyPrint reads it, so a URL still pointing into
the project (a font, the photo, the ICC profile) is a missing file, and WeasyPrint says so."""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from support import normalise, page_texts
from test_assembly import NAME, write_publication

ROOT = Path(__file__).resolve().parents[2]
URL = re.compile(r"""(?:\b(?:src|href)="([^"]*)")|(?:url\(\s*['"]?([^'")]*)['"]?\s*\))""")


@pytest.fixture(scope="session")
def exported(tmp_path_factory):
    """A fresh `toolkit build --html` of the test publication, its folder moved, then `weasyprint` on it."""
    work = tmp_path_factory.mktemp("html-export")
    write_publication(work / "content")
    env = {**os.environ, "TOOLKIT_CACHE": str(work / "cache"), "SOURCE_DATE_EPOCH": "1700000000"}
    built = subprocess.run([sys.executable, "-m", "toolkit", "build", NAME, "--variant", "print",
                            "--content", str(work / "content"), "--out", str(work / "out"),
                            "--html", str(work / "html")], env=env, cwd=ROOT, capture_output=True, text=True)
    assert built.returncode == 0, built.stderr
    moved = work / "elsewhere" / "html"
    shutil.move(work / "html", moved)
    shutil.rmtree(work / "content")  # nothing of the publication may be read any more
    shutil.rmtree(work / "cache")
    pdf = work / "single.pdf"
    weasy = subprocess.run([sys.executable, "-m", "weasyprint", "--pdf-variant", "pdf/x-4", "--dpi", "300",
                            str(moved / f"{NAME}-print.html"), str(pdf)], capture_output=True, text=True)
    assert weasy.returncode == 0, weasy.stderr
    return moved, pdf, weasy.stderr, work / "out" / NAME / f"{NAME}-print.pdf", built.stdout


def test_every_url_of_the_folder_is_relative_and_reaches_a_file_in_it(exported) -> None:
    folder = exported[0]
    files = [folder / f"{NAME}-print.html", *sorted((folder / "css").glob("*.css"))]
    assert len(files) >= 3, "the HTML, the tokens and the theme's CSS"
    local = 0
    for path in files:
        for match in URL.finditer(path.read_text(encoding="utf-8")):
            url = match.group(1) or match.group(2)
            if not url or url.startswith(("#", "data:", "mailto:", "tel:", "https:", "http:")):
                continue
            assert not urlsplit(url).scheme and not url.startswith("/"), f"{path.name}: {url}"
            target = (path.parent / unquote(url)).resolve()
            assert target.is_file() and target.is_relative_to(folder.resolve()), f"{path.name}: {url}"
            local += 1
    assert local >= 4, "fonts, the photo and the ICC profile are reached through the folder"


def test_weasyprint_alone_finds_every_font_and_image(exported) -> None:
    _, pdf, stderr, _, stdout = exported
    assert "HTML for one WeasyPrint pass" in stdout
    assert not re.search(r"(?i)failed to load|cannot be loaded|not found|error", stderr), stderr
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
    names = [line.split()[0] for line in fonts.splitlines()[2:]]
    assert names and all("+Source-Sans-3" in name for name in names), fonts  # the theme's font, no fallback
    assert subprocess.run(["pdfimages", "-list", str(pdf)], capture_output=True, text=True,
                          check=True).stdout.count("\n") > 2, "the photo is drawn"


def test_one_pass_over_the_html_gives_the_pages_of_the_parts_build(exported) -> None:
    """Same pages, same text on each (folios, contents numbers, lead page), but the binding's notes pages."""
    _, pdf, _, parts_pdf, _ = exported
    single, parts = page_texts(pdf), page_texts(parts_pdf)
    assert len(single) <= len(parts) <= len(single) + 3
    padding = len(parts) - len(single)
    pairs = list(zip(single[:-1], parts)) + [(single[-1], parts[-1])]
    # The binding's padding: notes pages
    assert padding == 0 or all(normalise(text) == "notes" for text in parts[len(single) - 1:-1])
    for number, (one, two) in enumerate(pairs, 1):
        assert sorted(normalise(one)) == sorted(normalise(two)), number
