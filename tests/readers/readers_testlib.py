"""Independent readers of the built files: Ghostscript, MuPDF, PDF.js, poppler and qpdf.

Each function opens every page of a file and returns what that reader complained about, as
sentences naming the reader, the file and the page: a reader's warning is a failure. The texts are
compared as words, after normalising whitespace and line-end hyphenation only, so that a hyphen
typed '-' that extracts as U+2010 or U+2011, or a heading that extracts letter by letter, shows.

PyMuPDF (AGPL) is a test-only dependency: `toolkit/` never imports it.
"""
from __future__ import annotations

import json
import re
import subprocess
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
PDFJS_SCRIPT = HERE / "pdfjs_read.mjs"
TIMEOUT = 300

# A hyphen at a line end that hyphenation added, in the forms readers give it: the hyphen then the
# line break (pdftotext, MuPDF, PDF.js), or pdfium's U+FFFE / U+0002 marks.
LINE_END_HYPHEN = re.compile(r"[-\u2010\u00ad][^\S\n]*\n\s*|[\ufffe\x02]\s*")


def _run(args: list[str]) -> subprocess.CompletedProcess:
    return subprocess.run(args, capture_output=True, text=True, errors="replace", timeout=TIMEOUT, check=False)


def _name(path: Path) -> str:
    return Path(path).name


# ------------------------------------------------------------------------- the readers


def ghostscript(path: Path) -> list[str]:
    """Ghostscript interprets every page and stops at the first error, as a RIP would."""
    done = _run(["gs", "-q", "-dNOPAUSE", "-dBATCH", "-dSAFER", "-dPDFSTOPONERROR", "-sDEVICE=nullpage",
                 "--", str(path)])
    output = (done.stdout + done.stderr).strip()
    if done.returncode == 0 and not output:
        return []
    return [f"Ghostscript, {_name(path)}: exit {done.returncode}: {' | '.join(output.splitlines()[:6])}"]


def mupdf(path: Path) -> tuple[list[str], list[str]]:
    """MuPDF loads every page and extracts its text; its warnings (e.g. `premature end of data in
    flate filter`) are problems. Returns (page texts, problems)."""
    import pymupdf

    pymupdf.TOOLS.mupdf_warnings()  # forget what earlier files left
    pymupdf.TOOLS.mupdf_display_errors(False)
    problems: list[str] = []
    texts: list[str] = []
    try:
        document = pymupdf.open(path)
    except Exception as exc:  # noqa: BLE001 - the failure is the information
        return [], [f"MuPDF, {_name(path)}: cannot open: {exc}"]
    with document:
        if document.is_repaired:
            problems.append(f"MuPDF, {_name(path)}: the file had to be repaired to open")
        for page in document:
            try:
                texts.append(page.get_text())
                page.get_pixmap(dpi=10)  # draws the page: every stream, font and image is decoded
            except Exception as exc:  # noqa: BLE001
                problems.append(f"MuPDF, {_name(path)}, page {page.number + 1}: {exc}")
                texts.append("")
            warnings = pymupdf.TOOLS.mupdf_warnings()
            if warnings:
                problems.append(f"MuPDF, {_name(path)}, page {page.number + 1}: {' | '.join(warnings.splitlines())}")
    return texts, problems


def pdfjs(paths: list[Path]) -> dict[Path, tuple[list[str], list[str]]]:
    """PDF.js under node, one run for all the files: {path: (page texts, problems)}."""
    done = _run(["node", str(PDFJS_SCRIPT), *map(str, paths)])
    if done.returncode != 0:
        failure = f"PDF.js: node exit {done.returncode}: {done.stderr.strip()[-500:]}"
        return {Path(p): ([], [failure]) for p in paths}
    results = json.loads(done.stdout)
    return {Path(p): (results[str(p)]["pages"],
                      [f"PDF.js, {_name(p)}, {problem}" for problem in results[str(p)]["problems"]])
            for p in paths}


def poppler_text(path: Path) -> tuple[list[str], list[str]]:
    """pdftotext of the whole file, split at its form feeds: (page texts, problems)."""
    done = _run(["pdftotext", "-enc", "UTF-8", str(path), "-"])
    problems = [f"pdftotext, {_name(path)}: {line}" for line in done.stderr.splitlines() if line.strip()]
    if done.returncode != 0:
        problems.append(f"pdftotext, {_name(path)}: exit {done.returncode}")
    pages = done.stdout.split("\f")
    return (pages[:-1] if pages and not pages[-1].strip() else pages), problems


def poppler_fonts(path: Path) -> list[str]:
    """pdffonts: every font embedded, and one font object per subset name (a RIP caches fonts by
    that name: two subsets under one name print wrong glyphs), nothing said on stderr."""
    done = _run(["pdffonts", str(path)])
    problems = [f"pdffonts, {_name(path)}: {line}" for line in done.stderr.splitlines() if line.strip()]
    objects: dict[str, set[str]] = {}
    for line in done.stdout.splitlines()[2:]:
        # name type encoding emb sub uni object ID: the columns from the right are fixed.
        columns = line.split()
        if len(columns) < 7:
            continue
        if columns[-5] != "yes":
            problems.append(f"pdffonts, {_name(path)}: font {columns[0]} is not embedded")
        if re.match(r"^[A-Z]{6}\+", columns[0]):
            objects.setdefault(columns[0], set()).add(" ".join(columns[-2:]))
    programs = _font_programs(path)
    for name, ids in sorted(objects.items()):
        # Several font objects may share one subset program (the same glyphs used in two parts, stored
        # once): one name for one program is what ISO 32000-1 9.6.4 asks; two programs are the defect.
        if len(ids) > 1 and len(programs.get(name.rstrip(","), set())) != 1:
            problems.append(f"pdffonts, {_name(path)}: the subset name {name} is used by {len(ids)} font objects")
    return problems


def _font_programs(path: Path) -> dict[str, set[tuple[int, int]]]:
    """Subset name (as pdffonts prints it, without a style suffix) -> the font program streams it names."""
    import pikepdf

    found: dict[str, set[tuple[int, int]]] = {}
    with pikepdf.open(path) as pdf:
        for obj in pdf.objects:
            if isinstance(obj, pikepdf.Dictionary) and obj.get("/Type") == "/FontDescriptor":
                program = next((obj[k] for k in ("/FontFile2", "/FontFile3", "/FontFile") if k in obj), None)
                if program is not None:
                    name = str(obj.get("/FontName", ""))[1:].split(",")[0]
                    found.setdefault(name, set()).add(program.objgen)
    return found


def poppler_boxes(path: Path, print_file: bool) -> list[str]:
    """pdfinfo -box on every page; a print page must have a TrimBox and a BleedBox beyond it."""
    done = _run(["pdfinfo", "-box", "-f", "1", "-l", "100000", str(path)])
    problems = [f"pdfinfo, {_name(path)}: {line}" for line in done.stderr.splitlines() if line.strip()]
    if not print_file:
        return problems
    boxes: dict[tuple[int, str], list[float]] = {}
    for line in done.stdout.splitlines():
        match = re.match(r"Page\s+(\d+)\s+(MediaBox|CropBox|BleedBox|TrimBox|ArtBox):\s+(.*)", line)
        if match:
            boxes[(int(match[1]), match[2])] = [float(v) for v in match[3].split()]
    for (page, kind), trim in sorted(boxes.items()):
        if kind != "TrimBox":
            continue
        bleed = boxes.get((page, "BleedBox"), trim)
        if not (bleed[0] < trim[0] and bleed[1] < trim[1] and bleed[2] > trim[2] and bleed[3] > trim[3]):
            problems.append(f"pdfinfo, {_name(path)}, page {page}: BleedBox {bleed} does not go beyond "
                            f"TrimBox {trim}")
    return problems


def qpdf(path: Path) -> list[str]:
    """qpdf --check: exit 0 and no WARNING line (exit 3 is warnings, 2 errors)."""
    done = _run(["qpdf", "--check", str(path)])
    said = [line for line in (done.stdout + done.stderr).splitlines() if re.search(r"WARNING|ERROR", line)]
    if done.returncode == 0 and not said:
        return []
    return [f"qpdf --check, {_name(path)}: exit {done.returncode}: {' | '.join(said[:6])}"]


def images(path: Path) -> list[str]:
    """Every image XObject decodes (pikepdf, then MuPDF) to the size its dictionary declares."""
    import pikepdf
    import pymupdf
    from pikepdf import PdfImage

    problems: list[str] = []
    seen: set[tuple[int, int]] = set()
    with pikepdf.open(path) as pdf, pymupdf.open(path) as document:
        for number, page in enumerate(pdf.pages, start=1):
            for name, image in _page_images(page.obj):
                if image.objgen in seen:
                    continue
                seen.add(image.objgen)
                declared = (int(image.Width), int(image.Height))
                where = f"{_name(path)}, page {number}, image {name} (object {image.objgen[0]})"
                try:
                    decoded = PdfImage(image).as_pil_image().size
                except Exception as exc:  # noqa: BLE001
                    problems.append(f"pikepdf, {where}: does not decode: {exc}")
                    continue
                if decoded != declared:
                    problems.append(f"pikepdf, {where}: declares {declared[0]}×{declared[1]} px, "
                                    f"its data decodes to {decoded[0]}×{decoded[1]}")
                pymupdf.TOOLS.mupdf_warnings()
                try:
                    pixmap = pymupdf.Pixmap(document, image.objgen[0])
                    if (pixmap.width, pixmap.height) != declared:
                        problems.append(f"MuPDF, {where}: declares {declared[0]}×{declared[1]} px, "
                                        f"decodes to {pixmap.width}×{pixmap.height}")
                except Exception as exc:  # noqa: BLE001
                    problems.append(f"MuPDF, {where}: does not decode: {exc}")
                warnings = pymupdf.TOOLS.mupdf_warnings()
                if warnings:
                    problems.append(f"MuPDF, {where}: {' | '.join(warnings.splitlines())}")
    return problems


def unmatched_images(path: Path, folder: Path) -> list[str]:
    """Every image of the file looks like one of the publication's image files (pixels after colour
    conversion and proportions, loosely): a photo holding another picture's data shows."""
    import pikepdf
    from pikepdf import PdfImage

    from toolkit.preflight.sources import best_source, load_sources

    sources = load_sources(folder)
    problems: list[str] = []
    with pikepdf.open(path) as pdf:
        for number, page in enumerate(pdf.pages, start=1):
            for name, image in _page_images(page.obj):
                if name.endswith("soft mask"):
                    continue
                width, height = int(image.Width), int(image.Height)
                try:
                    pixels = PdfImage(image).as_pil_image()
                except Exception:  # noqa: BLE001 - reported by images()
                    pixels = None
                if best_source(sources, width / height, pixels) is None:
                    problems.append(f"pikepdf, {_name(path)}, page {number}, image {name}: {width}×{height} px "
                                    f"matches no file of {folder}")
    return problems


def _page_images(node, depth: int = 0):
    """(name, image) for the image XObjects of a page or form, forms included."""
    import pikepdf

    resources = node.get("/Resources")
    xobjects = resources.get("/XObject") if resources is not None else None
    if xobjects is None or depth > 8:
        return
    for name, xobject in xobjects.items():
        if not isinstance(xobject, pikepdf.Stream):
            continue
        if xobject.get("/Subtype") == "/Image":
            yield name, xobject
            if "/SMask" in xobject:
                yield f"{name} soft mask", xobject.SMask
        elif xobject.get("/Subtype") == "/Form":
            yield from _page_images(xobject, depth + 1)


# ------------------------------------------------------------------------- comparing texts


# A word: letters and digits, with the hyphens and apostrophes inside it. Punctuation around words
# (contents leaders, "1/2" folios) is not compared: readers attach it differently.
WORD = re.compile(r"\w+(?:[-\u2010\u2011'\u2019]\w+)*")


def words(text: str) -> list[str]:
    """The words of a page, whitespace and line-end hyphenation normalised, nothing else: a U+2010
    or U+2011 where the writer typed '-', or a word extracted letter by letter, stays different."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = LINE_END_HYPHEN.sub("", text)
    return WORD.findall(text)


def differences(texts: dict[str, list[str]], file: str) -> list[str]:
    """Where the readers disagree, page by page, as sentences. Whitespace is normalised away (readers
    infer spaces from gaps each in their own way) and so is line-end hyphenation; every other
    character counts, in any order (columns and tables are read in different orders): a U+2010 read
    where another reader reads '-' differs. A word that one reader reads letter by letter and another
    whole is reported too (letter-spaced headings that do not search)."""
    problems: list[str] = []
    names = list(texts)
    reference = names[0]
    counts = {name: len(pages) for name, pages in texts.items()}
    if len(set(counts.values())) > 1:
        problems.append(f"{file}: the readers see different page counts: {counts}")
    for page in range(min(counts.values())):
        letters = {name: Counter(characters(texts[name][page])) for name in names}
        spelled = {name: spelled_out(texts[name][page]) for name in names}
        for name in names[1:]:
            only_reference = letters[reference] - letters[name]
            only_other = letters[name] - letters[reference]
            if only_reference or only_other:
                problems.append(f"{file}, page {page + 1}: {reference} and {name} extract different text: "
                                f"{reference} only {_sample(only_reference)}, {name} only {_sample(only_other)}"
                                f"{_context(texts[reference][page], only_reference)}")
        for name, runs in spelled.items():
            whole = [w for other in names if other != name for w in words(texts[other][page])]
            split = [run for run in runs if run.replace(" ", "") in whole]
            if split:
                problems.append(f"{file}, page {page + 1}: {name} reads words letter by letter: {split[:4]!r}")
    return problems


def characters(text: str) -> str:
    return "".join(LINE_END_HYPHEN.sub("", text).split())


SPELLED = re.compile(r"(?<!\w)(?:[^\W\d_] ){2,}[^\W\d_](?!\w)|(?<!\w)(?:\d ){2,}\d(?!\w)")


def spelled_out(text: str) -> list[str]:
    """Runs of three or more single letters (or digits) separated by spaces: 'C H I F F R E S'."""
    return [m.group(0) for m in SPELLED.finditer(LINE_END_HYPHEN.sub("", text))]


def _context(text: str, bag: Counter) -> str:
    """Where the first differing character is, in the reference text."""
    for char in bag:
        at = text.find(char)
        if at >= 0:
            return f", e.g. {char!r} (U+{ord(char):04X}) in {text[max(0, at - 25):at + 25]!r}"
    return ""


def _sample(bag: Counter, limit: int = 8) -> str:
    return repr([word for word, _ in bag.most_common(limit)]) + (f" (+{len(bag) - limit})" if len(bag) > limit else "")


def hyphens_not_typed(pages: list[str], file: str, reader: str) -> list[str]:
    """U+2010 or U+2011 inside a word: the source typed '-', search and copy need U+002D."""
    problems = []
    for number, text in enumerate(pages, start=1):
        found = sorted({w for w in re.findall(r"\w+(?:[-\u2010\u2011]\w+)+", text) if re.search("[\u2010\u2011]", w)})
        if found:
            problems.append(f"{reader}, {file}, page {number}: {len(found)} word(s) with U+2010/U+2011 for a "
                            f"typed '-', e.g. {found[:5]!r}")
    return problems
