"""Entry points: check one file or many, print the reports, the exit code of `toolkit check`."""
from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from pathlib import Path

from .report import BINDING_MULTIPLE, LEVELS, VARIANTS, Finding, Report
from .pdfutil import _human_size, _page_ranges, _short
from .readers import _check_readers, _qpdf_check
from .checker import _Checker
from .sources import default_images_folder




def check_pdf(path: Path, variant: str | None = None, binding: str | None = None, *,
              readers: bool = False, images: Path | None = None) -> Report:
    """Preflight one file. Never raises for a bad file: problems become error findings.

    `variant` ("print" | "screen") overrides what the XMP says; `binding` ("saddle-stitch" |
    "sheets" | "none") checks the page count; `readers=True` also runs Ghostscript and compares the
    text of three independent readers (slower); `images` is the publication's images/ folder, so that
    findings name an image by its source file (default: content/<folder of the file>/images)."""
    _validate_arguments(variant, binding)
    path = Path(path)
    report = Report(path=str(path), variant=variant, pages=0, bytes=0)
    if not path.is_file():
        what = "is a directory" if path.is_dir() else "does not exist"
        report.findings.append(Finding("error", "file-missing", f"{path} {what}"))
        return report
    try:
        report.bytes = path.stat().st_size
    except OSError as exc:
        report.findings.append(Finding("error", "file-missing", f"cannot stat {path}: {exc}"))
        return report

    import pikepdf

    try:
        pdf = pikepdf.open(path)
    except pikepdf.PasswordError:
        report.findings.append(Finding("error", "open", "the file is encrypted with a user password"))
        return report
    except Exception as exc:  # noqa: BLE001 - any failure to open is a finding
        report.findings.append(Finding("error", "open", f"pikepdf cannot open the file: {_short(exc)}"))
        return report

    with pdf:
        folder = images if images is not None else default_images_folder(path)
        checker = _Checker(pdf, path, report, variant, binding, images=folder)
        try:
            checker.run()
        except Exception as exc:  # noqa: BLE001 - last safety net: a finding, never a traceback
            report.findings.append(Finding("error", "internal", f"the checks stopped: {_short(exc)}"))
    if readers:
        _check_readers(path, report)
    _qpdf_check(path, report)
    report.findings = _merge_pages(report.findings)
    return report


def check_files(paths: Iterable[Path | str], variant: str | None = None, binding: str | None = None, *,
                binding_of: Callable[[str], str | None] | None = None, readers: bool = False) -> list[Report]:
    """Check each file. When `binding` is None, `binding_of(path)` (if given) names each file's binding,
    e.g. from the publication it was built from; None from it skips the page-count rule."""
    reports = []
    for path in paths:
        file_binding, note = binding, None
        if file_binding is None and binding_of is not None:
            try:
                file_binding = binding_of(str(path))
            except Exception as exc:  # noqa: BLE001 - the lookup failing only skips the page-count rule
                file_binding, note = None, f"binding not known ({_short(exc)}): page count not checked"
            if file_binding is not None and file_binding not in BINDING_MULTIPLE:
                note = f"unknown binding {file_binding!r}: page count not checked"
                file_binding = None
        report = check_pdf(Path(path), variant=variant, binding=file_binding, readers=readers)
        if note:
            report.findings.append(Finding("info", "page-count", note))
        reports.append(report)
    return reports


def format_table(reports: list[Report]) -> str:
    """A plain-text table per file, errors first."""
    order = {level: i for i, level in enumerate(LEVELS)}
    blocks: list[str] = []
    for report in reports:
        status = "OK" if report.ok else "FAIL"
        head = (f"{report.path}: {status} - variant {report.variant or 'unknown'}, "
                f"{report.pages} page{'s' if report.pages != 1 else ''}, {_human_size(report.bytes)}; "
                f"{report.count('error')} error(s), {report.count('warning')} warning(s), "
                f"{report.count('info')} info")
        rows = [(f.rule, f.level, "" if f.page is None else str(f.page), f.message)
                for f in sorted(report.findings, key=lambda f: order.get(f.level, 9))]
        lines = [head]
        if rows:
            widths = [max(len(h), *(len(r[i]) for r in rows))
                      for i, h in enumerate(("rule", "level", "page"))]
            header = ("rule", "level", "page", "message")
            fmt = f"  {{:<{widths[0]}}}  {{:<{widths[1]}}}  {{:>{widths[2]}}}  {{}}"
            lines.append(fmt.format(*header))
            lines.append(fmt.format("-" * widths[0], "-" * widths[1], "-" * widths[2], "-------"))
            lines.extend(fmt.format(*row) for row in rows)
        else:
            lines.append("  no findings")
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks)


def main(paths: list[str], as_json: bool = False, variant: str | None = None, binding: str | None = None,
         *, binding_of: Callable[[str], str | None] | None = None, readers: bool = False) -> int:
    """Print the reports; exit code 0 (clean), 1 (an error finding), 2 (a file missing or unreadable).

    `binding_of(path)` gives each file's binding when `binding` is None (see `check_files`)."""
    import sys

    try:
        _validate_arguments(variant, binding)
    except ValueError as exc:
        print(f"toolkit check: {exc}", file=sys.stderr)
        return 2
    reports = check_files(paths, variant=variant, binding=binding, binding_of=binding_of, readers=readers)
    if as_json:
        print(json.dumps([r.to_dict() for r in reports], ensure_ascii=False, indent=2))
    else:
        print(format_table(reports))
    return exit_code(reports)


def exit_code(reports: list[Report]) -> int:
    if any(f.rule in ("file-missing", "open") for r in reports for f in r.findings):
        return 2
    return 0 if all(r.ok for r in reports) else 1


def _validate_arguments(variant: str | None, binding: str | None) -> None:
    if variant is not None and variant not in VARIANTS:
        raise ValueError(f"unknown variant {variant!r} (expected one of {', '.join(VARIANTS)})")
    if binding is not None and binding not in BINDING_MULTIPLE:
        raise ValueError(f"unknown binding {binding!r} (expected one of {', '.join(BINDING_MULTIPLE)})")


def _merge_pages(findings: list[Finding]) -> list[Finding]:
    """The same finding on many pages becomes one line: 'message (pages 1-3, 7)'."""
    groups: dict[tuple[str, str, str], list[int | None]] = {}
    for finding in findings:
        groups.setdefault((finding.level, finding.rule, finding.message), []).append(finding.page)
    merged: list[Finding] = []
    for (level, rule, message), pages in groups.items():
        numbered = sorted({p for p in pages if p is not None})
        if len(numbered) > 1:
            merged.append(Finding(level, rule, f"{message} (pages {_page_ranges(numbered)})", numbered[0]))
        elif numbered:
            merged.append(Finding(level, rule, message, numbered[0]))
        if None in pages and not numbered:
            merged.append(Finding(level, rule, message, None))
    return merged
