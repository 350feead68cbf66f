"""Hostile and careless content, templates and command lines end in `file:line: error: message` (or
one `Error:` line of the command), never in a traceback. Each case failed with a traceback or an
unclear message before; docs/security.md lists them with the message the user sees."""
from __future__ import annotations

import logging
import os
import resource
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pikepdf
import pytest
from click.testing import CliRunner

from toolkit.build import Builder
from toolkit.cli import main
from toolkit.errors import ContentError

ROOT = Path(__file__).resolve().parents[2]
META = "title: T\norganisation: Agence\nkind: report\nbinding: none\nparts: [01.md]\n"
CHART = "---\ntitle: Un\n---\nTexte.\n\n::: chart\ntype: column\ntitle: Essai\nalt: Un essai\n{file}data:\n{data}:::\n"
QUOTE_PART = "---\ntitle: Un\n---\nTexte.\n\n::: quote\ntext: Oui\nauthor: Moi\n:::\n"


def publication(root: Path, part: str, meta: str = META, data: dict[str, str] | None = None,
                template: str | None = None) -> Path:
    """content/p with one part (written with lone surrogates kept as typed), data files, an override."""
    (root / "p" / "sections").mkdir(parents=True)
    (root / "p" / "publication.yaml").write_text(meta + ("layouts: gabarits\n" if template else ""))
    (root / "p" / "sections" / "01.md").write_bytes(part.encode("utf-8", "surrogatepass"))
    for name, text in (data or {}).items():
        (root / "p" / "data").mkdir(exist_ok=True)
        (root / "p" / "data" / name).write_text(text)
    if template is not None:
        (root / "p" / "gabarits" / "blocks").mkdir(parents=True)
        (root / "p" / "gabarits" / "blocks" / "quote.html").write_text(template)
    return root


def problems(tmp_path: Path, **case: object) -> list[str]:
    content = publication(tmp_path / "content", **case)  # type: ignore[arg-type]
    builder = Builder(content=content, out=tmp_path / "out")
    try:
        with pytest.raises(ContentError) as caught:
            builder.build("p", "screen")
    finally:
        builder.close()
    assert not (tmp_path / "out" / "p").exists()  # nothing written
    return [str(p).replace(str(content) + "/", "") for p in caught.value.problems]


TAG_ADVICE = "is not allowed: remove it (content is text, numbers, lists and mappings)"
CASES = {
    "chart value 1e25": (
        dict(part=CHART.format(file="", data="  - {label: a, value: 1e25}\n")),
        ["p/sections/01.md:6: error: chart block: data[0]: value 1e+25 is too large to chart (at most 10^15 in "
         "absolute value): give it in a larger unit (M€, Md€) and name the unit"]),
    "chart value of 29 digits": (
        dict(part=CHART.format(file="", data="  - {label: a, value: 12345678901234567890123456789}\n")),
        ["p/sections/01.md:6: error: chart block: data[0]: value 12345678901234567890123456789 is too large to "
         "chart (at most 10^15 in absolute value): give it in a larger unit (M€, Md€) and name the unit"]),
    "tagged sequence in front matter": (
        dict(part="---\ntitle: Un\nkeywords: !liste [a, b]\n---\nTexte.\n"),
        [f"p/sections/01.md:3: error: 'keywords': the YAML tag '!liste' {TAG_ADVICE}"]),
    "tagged sequence in a block field": (
        dict(part="---\ntitle: Un\n---\nTexte.\n\n::: quote\ntext: !liste [a, b]\nauthor: x\n:::\n"),
        [f"p/sections/01.md:7: error: 'text': the YAML tag '!liste' {TAG_ADVICE}"]),
    "tagged scalar (was quoted as TaggedScalar(...))": (
        dict(part=CHART.format(file="", data="  - {label: a, value: !nombre 3}\n")),
        [f"p/sections/01.md:11: error: 'data.0.value': the YAML tag '!nombre' {TAG_ADVICE}"]),
    "tagged key (was quoted as TaggedScalar(...))": (
        dict(part="---\ntitle: Un\n!cle zz: 1\n---\nTexte.\n"),
        ["p/sections/01.md:3: error: key 'zz': a key is a plain name: remove the YAML tag"]),
    "lone surrogate in chart data": (
        dict(part=CHART.format(file="", data='  - {label: "a\\ud800", value: 1}\n')),
        ["p/sections/01.md:11: error: 'data.0.label': '\\ud800' is half of a character (a lone surrogate "
         "escape), not a character: remove it"]),
    "lone surrogate in a chart data file": (
        dict(part=CHART.format(file="file: d.yaml\n", data="").replace("data:\n", ""),
             data={"d.yaml": '- {label: "a\\udfff", value: 1}\n'}),
        ["p/data/d.yaml:1: error: '0.label': '\\udfff' is half of a character (a lone surrogate escape), not a "
         "character: remove it"]),
    "chart data file nested 5000 deep": (
        dict(part=CHART.format(file="file: d.yaml\n", data="").replace("data:\n", ""),
             data={"d.yaml": "- {label: a, value: " + "[" * 5000 + "]" * 5000 + "}\n"}),
        ["p/data/d.yaml:1: error: invalid YAML: values nested too deeply (more than 100 levels of [ ] or { })"]),
    "chart data file nested 1500 deep by indentation": (
        dict(part=CHART.format(file="file: d.yaml\n", data="").replace("data:\n", ""),
             data={"d.yaml": "".join(" " * i + "-\n" for i in range(1500))}),
        ["p/data/d.yaml:1: error: invalid YAML: values nested too deeply"]),
    "NUL in front matter (was two lines)": (
        dict(part="---\ntitle: Un\x00deux\n---\nTexte.\n"),
        ["p/sections/01.md:2: error: invalid YAML: the character U+0000 is not allowed (a control character): "
         "remove it"]),
    "template: undefined attribute": (
        dict(part=QUOTE_PART, template="<p>\n{{ block.nope.x }}</p>\n"),
        ["p/gabarits/blocks/quote.html:2: error: template error: 'toolkit.models.Quote object' has no attribute "
         "'nope' (UndefinedError)"]),
    "template: division by zero": (
        dict(part=QUOTE_PART, template="<p>\n\n{{ 1 / 0 }}</p>\n"),
        ["p/gabarits/blocks/quote.html:3: error: template error: division by zero (ZeroDivisionError)"]),
    "template: endless recursion": (
        dict(part=QUOTE_PART, template="{% macro f() %}{{ f() }}{% endmacro %}\n{{ f() }}\n"),
        ["p/gabarits/blocks/quote.html:1: error: template error: a template or macro calls itself without end "
         "(RecursionError)"]),
    "template: missing include (was located at the theme)": (
        dict(part=QUOTE_PART, template="<p>\n{% include 'absent.html' %}</p>\n"),
        ["p/gabarits/blocks/quote.html:2: error: template 'absent.html' not found (searched "]),
}


@pytest.mark.parametrize("name", CASES)
def test_located_error(tmp_path: Path, name: str) -> None:
    case, expected = CASES[name]
    found = problems(tmp_path, **case)
    assert len(found) == len(expected), found
    for message, wanted in zip(found, expected):
        # A data file's problem ends with the chart that reads it: "(read by the chart 'x' at file:line)".
        assert message.startswith(wanted), found


# ---------------------------------------------------------------- the command line


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Path]:
    """A one-page publication built once: (content, out, its PDF)."""
    tmp = tmp_path_factory.mktemp("cli")
    content = publication(tmp / "content", "---\ntitle: Un\n---\nTexte.\n")
    result = CliRunner().invoke(main, ["build", "p", "--variant", "screen", "--content", str(content),
                                       "--out", str(tmp / "out")])
    assert result.exit_code == 0, result.output
    return content, tmp / "out", tmp / "out" / "p" / "p-screen.pdf"


def run_process(*args: str, timeout: float = 120) -> tuple[int, str]:
    """The command in its own process, for the cases that used to block forever (the test fails, not hangs)."""
    process = subprocess.run([sys.executable, "-m", "toolkit", *args], capture_output=True, text=True, cwd=ROOT,
                             timeout=timeout)
    assert "Traceback" not in process.stderr
    return process.returncode, (process.stdout + process.stderr).strip()


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.output.strip()


@pytest.mark.parametrize("pages, expected", [
    ("0", "Error: Invalid value for '--pages': pages count from 1: there is no page 0"),
    ("-1", "Error: Invalid value for '--pages': '-1' is not a page or a range of pages: write e.g. 3, 3-5 or "
           "1,4-6 (pages count from 1)"),
    ("abc", "Error: Invalid value for '--pages': 'abc' is not a page or a range of pages: write e.g. 3, 3-5 "
            "or 1,4-6 (pages count from 1)"),
    ("3-1", "Error: Invalid value for '--pages': '3-1' goes backwards: write 1-3"),
    ("1-1000000000", "Error: Invalid value for '--pages': page 1000000000: at most 10000"),
])
def test_preview_and_watch_pages_are_parsed_before_building(built, pages: str, expected: str) -> None:
    content, out, _ = built
    for command in ("preview", "watch"):
        code, output = run(command, "p", "--pages", pages, "--content", str(content), "--out", str(out / "x"))
        assert code == 2 and output.endswith(expected), output
        assert not (out / "x").exists()  # nothing built


def test_preview_pages_past_the_last_page(built) -> None:
    content, out, pdf = built
    code, output = run("preview", "p", "--pages", "99-100", "--content", str(content), "--out", str(out))
    assert code == 1
    assert "Error: --pages: p has 1 page(s) in print, there is no page 99; the PDF is built (" in output
    assert output.rstrip().endswith("p-print-preview.pdf), no preview was written")
    assert not (out / "p" / "preview").exists()


def test_watch_of_an_unknown_publication_stops_at_once(built) -> None:
    content, out, _ = built
    code, output = run_process("watch", "absente", "--content", str(content), "--out", str(out), timeout=60)
    assert code == 1 and output == f"Error: no publication 'absente' in {content} (known: p)"


def test_a_content_folder_that_does_not_exist(tmp_path: Path) -> None:
    for command in (["build"], ["list"], ["preview", "p"], ["watch", "p"]):
        code, output = run(*command, "--content", str(tmp_path / "absent"))
        assert code == 2, output
        assert output.endswith(f"Error: Invalid value for '--content': Directory '{tmp_path / 'absent'}' "
                               "does not exist."), output


def test_schema_to_an_unwritable_path(tmp_path: Path) -> None:
    code, output = run("schema", "-o", str(tmp_path / "absent" / "schema.json"))
    assert code == 1 and output == (f"Error: cannot write {tmp_path / 'absent' / 'schema.json'}: the folder "
                                    f"{tmp_path / 'absent'} does not exist")
    assert not (tmp_path / "absent").exists()
    code, output = run("schema", "-o", "/proc/version")
    assert code == 1 and output.startswith("Error: cannot write /proc/version: ")


def _unreadable(tmp: Path, pdf: Path) -> dict[str, tuple[Path, str]]:
    (tmp / "empty.pdf").write_bytes(b"")
    (tmp / "text.pdf").write_text("bonjour\n")
    (tmp / "cut.pdf").write_bytes(pdf.read_bytes()[:2000])
    with pikepdf.open(pdf) as document:
        document.save(tmp / "locked.pdf", encryption=pikepdf.Encryption(owner="o", user="u"))
    os.mkfifo(tmp / "fifo.pdf")
    return {
        "empty": (tmp / "empty.pdf", "an empty file: give a PDF file"),
        "not a PDF": (tmp / "text.pdf", "not a PDF (it does not start with %PDF-): give a PDF file"),
        "truncated": (tmp / "cut.pdf", "not a readable PDF, truncated or damaged (Failed to load document "
                                       "(PDFium: Data format error).): build or copy it again"),
        "encrypted": (tmp / "locked.pdf", "encrypted (password protected): compare unprotected files"),
        "FIFO (used to block forever)": (tmp / "fifo.pdf", "not a regular file: give a PDF file"),
    }


def test_diff_against_files_that_are_not_readable_pdfs(built, tmp_path: Path) -> None:
    _, _, pdf = built
    for name, (path, reason) in _unreadable(tmp_path, pdf).items():
        for old, new in ((pdf, path), (path, pdf)):
            code, output = (run_process if "FIFO" in name else run)("diff", str(old), str(new))
            assert code == 1 and output == f"Error: {path}: {reason}", (name, output)


FULL_DISK = r"""
import resource, signal, sys
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)     # a write past the limit fails with EFBIG, as on a full disk
resource.setrlimit(resource.RLIMIT_FSIZE, (4096, 4096))
from toolkit.cli import main
main()
"""


def test_a_full_output_folder_is_one_line_and_keeps_the_previous_pdf(built, tmp_path: Path) -> None:
    content, out, pdf = built
    previous = pdf.read_bytes()
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1", "TOOLKIT_CACHE": str(tmp_path / "cache"),
           "SOURCE_DATE_EPOCH": "1000000000"}  # another date: the new file would differ
    process = subprocess.run([sys.executable, "-c", FULL_DISK, "build", "p", "--variant", "screen", "--content",
                              str(content), "--out", str(out)], capture_output=True, text=True, cwd=ROOT,
                             env=env, timeout=300)
    assert process.returncode == 1
    assert "Traceback" not in process.stderr
    assert process.stderr.strip().splitlines()[-1].startswith("error: p: cannot write")
    assert "File too large; the previous files are kept" in process.stderr
    assert pdf.read_bytes() == previous and not list(pdf.parent.glob(".*.part"))  # nothing half-written


def test_an_output_folder_that_cannot_be_made(built, tmp_path: Path) -> None:
    content, _, _ = built
    (tmp_path / "a-file").write_text("x")
    code, output = run("build", "p", "--variant", "screen", "--content", str(content),
                       "--out", str(tmp_path / "a-file" / "out"))
    assert code == 1
    assert output.endswith(f"error: p: cannot write {tmp_path / 'a-file' / 'out' / 'p'}: Not a directory; "
                           "the previous files are kept")


def test_a_refused_font_face_names_its_url_and_the_reason(tmp_path: Path) -> None:
    from toolkit.paths import FONTS, LAYOUTS
    from toolkit.render import Renderer, WeasyWarnings
    from toolkit.theme import load_theme

    html = ("<style>@font-face { font-family: Lointaine; src: url(http://127.0.0.1:9/lointaine.woff2) }"
            "p { font-family: Lointaine }</style><p>Texte</p>")
    renderer = Renderer(roots=(FONTS, LAYOUTS))
    captured = WeasyWarnings()
    logger = logging.getLogger("weasyprint")
    logger.addHandler(captured)
    try:
        renderer.document(html, tmp_path, load_theme("agence"), "screen")
    finally:
        logger.removeHandler(captured)
    assert "Font-face 'Lointaine' cannot be loaded: refused resource outside the project: " \
           "http://127.0.0.1:9/lointaine.woff2 (put the font in fonts/ and name it there)" in captured.messages
