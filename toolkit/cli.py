"""Command line: `toolkit build`, `list`, `schema`. Imports of heavy libraries stay inside commands."""
from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click

from .errors import ContentError
from .paths import CONTENT, OUT

VARIANT_CHOICES = click.Choice(["print", "screen", "all"])


def _variants(choice: str) -> list[str]:
    return ["print", "screen"] if choice == "all" else [choice]


def _report_problems(error: ContentError) -> None:
    for problem in error.problems:
        click.secho(str(problem), fg="red", err=True)
    click.secho(f"{len(error.problems)} problem(s): nothing was written for this publication.", err=True)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """Build print-ready and screen PDFs from YAML + Markdown publications."""
    import os

    from .deadline import ENV, limit_problem

    if os.environ.get(ENV) and (problem := limit_problem(os.environ[ENV])):
        raise click.UsageError(problem)


@main.command("list")
@click.option("--content", type=click.Path(path_type=Path, file_okay=False, exists=True), default=CONTENT,
              show_default=True, help="Folder holding the publications.")
def list_command(content: Path) -> None:
    """List the publications found in the content folder."""
    from .build import publication_names

    for name in publication_names(content):
        click.echo(name)


@main.command()
@click.argument("publications", nargs=-1)
@click.option("--variant", type=VARIANT_CHOICES, default="all", show_default=True,
              help="print: PDF/X-4 for the printer; screen: tagged PDF/UA-1 for the web.")
@click.option("--out", type=click.Path(path_type=Path, file_okay=False), default=OUT, show_default=True,
              help="Output folder; files go to OUT/<publication>/<publication>-<variant>.pdf.")
@click.option("--content", type=click.Path(path_type=Path, file_okay=False, exists=True), default=CONTENT,
              show_default=True, help="Folder holding the publications.")
@click.option("--theme", default=None, help="Build with another theme than publication.yaml names.")
@click.option("--strict", is_flag=True, help="Treat warnings as errors.")
@click.option("--layouts", type=click.Path(path_type=Path, file_okay=False, exists=True), default=None,
              help="A folder of template overrides searched before the theme (blocks/, parts/).")
@click.option("--single-pass", is_flag=True, help="Lay out the print file in one WeasyPrint pass instead of in parts.")
@click.option("--proof", is_flag=True, help="Overlay margins, columns, baseline grid and a BROUILLON mark; "
                                            "written as <name>-<variant>-proof.pdf, never over a final file.")
@click.option("--edition", "editions", multiple=True,
              help="Build regional editions: a name from content/<publication>/editions/, 'all' for every one, "
                   "'national' for the base publication. Repeat the option for several.")
@click.option("--executor", type=click.Choice(["auto", "local", "process", "dask"]), default="auto",
              show_default=True,
              help="Where editions are built: this process (its workers lay out the parts), a process pool "
                   "(editions side by side), a Dask cluster; auto: a process pool for more than two editions.")
@click.option("--scheduler", default=None, help="Dask scheduler address (tcp://host:8786); default: a local cluster.")
@click.option("--html", "html_folder", type=click.Path(path_type=Path, file_okay=False), default=None,
              help="Also write the whole HTML WeasyPrint lays out, with its CSS, fonts and images beside it, to "
                   "HTML_FOLDER/<publication>-<variant>.html: `weasyprint` on it is one pass over the publication.")
def build(publications: tuple[str, ...], variant: str, out: Path, content: Path, theme: str | None,
          strict: bool, layouts: Path | None, single_pass: bool, proof: bool, editions: tuple[str, ...],
          executor: str, scheduler: str | None, html_folder: Path | None) -> None:
    """Build PUBLICATIONS (default: all of them)."""
    from .build import Builder, RenderError, publication_names
    from .export import write_html_folder

    if editions and html_folder:
        raise click.UsageError("--html writes one publication's HTML: build it without --edition")
    if editions:
        sys.exit(_build_editions(publications, editions, _variants(variant), out, content, theme, executor,
                                 scheduler))
    names = list(publications) or publication_names(content)
    builder = Builder(content=content, out=out, theme_override=theme, strict=strict, layouts=layouts,
                      parts=not single_pass, proof=proof)
    failed: set[str] = set()
    jobs = [(name, v) for name in names for v in _variants(variant)]
    for index, (name, v) in enumerate(jobs, 1):
        if name in failed:
            continue  # its content problems are already reported
        click.echo(f"[{index}/{len(jobs)}] {name} ({v}) ...", nl=False)
        try:
            result = builder.build(name, v)
            html = write_html_folder(builder, name, v, html_folder) if html_folder else None
        except ContentError as error:
            click.echo(" failed")
            _report_problems(error)
            failed.add(name)
            continue
        except RenderError as error:
            click.echo(" failed")
            click.secho(f"{name}: error: {error}", fg="red", err=True)
            failed.add(name)
            continue
        except OSError as error:  # a full or read-only output folder: nothing half-written, said in one line
            click.echo(" failed")
            click.secho(f"error: {_failure(name, error)}", fg="red", err=True)
            failed.add(name)
            continue
        padding = f", {result.blanks_added} notes page(s) added for the binding" if result.blanks_added else ""
        click.echo(f" {result.pages} pages, {result.bytes / 1024:.0f} KB, {result.seconds:.1f} s{padding}"
                   f" → {result.path}")
        if html:
            click.echo(f"  HTML for one WeasyPrint pass → {html}")
        for warning in result.warnings:
            click.secho(f"  {warning}", fg="yellow", err=True)
        if strict and result.warnings:
            failed.add(name)
    sys.exit(1 if failed else 0)


@main.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path, dir_okay=False))
@click.option("--json", "as_json", is_flag=True, help="Print the reports as JSON.")
@click.option("--variant", type=click.Choice(["print", "screen"]), default=None,
              help="Rules to apply (default: read from each file's XMP).")
@click.option("--binding", type=click.Choice(["saddle-stitch", "sheets", "none", "auto"]), default="auto",
              show_default=True, help="Page-count rule; auto reads it from the publication the file was built from.")
def check(files: tuple[Path, ...], as_json: bool, variant: str | None, binding: str) -> None:
    """Preflight FILES: fonts, colours, boxes and page count for print; tags, Alt, links for screen."""
    from .preflight import main as preflight

    sys.exit(preflight([str(f) for f in files], as_json, variant, None if binding == "auto" else binding,
                       binding_of=_binding_of if binding == "auto" else None))


def _binding_of(path: str) -> str | None:
    """out/<publication>/<publication>-<variant>.pdf → the binding declared in content/<publication>."""
    from .models import PublicationMeta
    from ruamel.yaml import YAML

    meta = CONTENT / Path(path).parent.name / "publication.yaml"
    if not meta.is_file():
        return None
    data = YAML(typ="safe").load(meta.read_text(encoding="utf-8")) or {}
    return data.get("binding", PublicationMeta.model_fields["binding"].default)


def _build_editions(publications: tuple[str, ...], editions: tuple[str, ...], variants: list[str], out: Path,
                    content: Path, theme: str | None, executor_kind: str, scheduler: str | None) -> int:
    """Editions in batch: progress per edition, a broken one reported and skipped, a manifest."""
    from .batch import SchedulerError, make_executor, run_editions, write_manifest

    if len(publications) != 1:
        raise click.UsageError("--edition needs exactly one PUBLICATION")
    publication = publications[0]
    from .build import name_problems

    refused = name_problems(content, publication, [e for e in editions if e not in ("all", "national")], theme)
    if refused:
        _report_problems(ContentError(refused))
        return 1
    names = _edition_list(content / publication, publication, editions)

    def progress(index: int, total: int, entry: Any) -> None:
        label = entry.edition or "national"
        if entry.status == "ok":
            click.echo(f"[{index}/{total}] {label} ({entry.variant}): {entry.pages} pages, "
                       f"{entry.bytes / 1024:.0f} KB, {entry.seconds:.1f} s")
        else:
            click.secho(f"[{index}/{total}] {label} ({entry.variant}): failed", fg="red")
            for problem in entry.problems:
                click.secho(f"  {problem}", fg="red", err=True)

    if executor_kind == "auto":
        # Measured on 2 cores: national + 18 editions, cold cache, 95 s in this process, 65 s side by side.
        executor_kind = "process" if len(names) * len(variants) > 2 else "local"
    try:
        executor, close, alive = make_executor(executor_kind, scheduler)
    except SchedulerError as error:
        raise click.ClickException(str(error)) from None
    try:
        entries = run_editions(publication, names, variants, content=content, out=out, theme=theme,
                               executor=executor, on_done=progress, alive=alive)
    finally:
        close()
    manifest = write_manifest(out, publication, entries)
    failed = [e for e in entries if e.status != "ok"]
    click.echo(f"{len(entries) - len(failed)} built, {len(failed)} failed; manifest: {manifest}")
    return 1 if failed else 0


def _edition_list(root: Path, publication: str, editions: tuple[str, ...]) -> list[str | None]:
    """The editions asked for, checked before anything is built: a typo builds nothing and keeps the
    manifest as it is."""
    from .editions import edition_names

    if not (root / "publication.yaml").is_file():
        raise click.ClickException(f"no publication '{publication}': expected {root}/publication.yaml")
    known = edition_names(root)
    names: list[str | None] = []
    for edition in editions:
        if edition == "all":
            if not known:
                raise click.ClickException(
                    f"{publication} has no editions: --edition all builds the files of "
                    f"{root / 'editions'}/*.yaml, and there are none (build it without --edition)")
            names.extend(known)
        elif edition == "national":
            names.append(None)
        elif edition in known:
            names.append(edition)
        else:
            raise click.BadParameter(f"no edition '{edition}' in {publication} "
                                     f"(known: national, all, {', '.join(known) or 'no other'})",
                                     param_hint="'--edition'")
    return list(dict.fromkeys(names))  # each once, in the order asked


MAX_PAGE = 10_000  # no publication has more pages; a bigger number is a typo


def _page_range(text: str | None) -> list[int] | None:
    """'3-5,8' → [3, 4, 5, 8]; None for every page. Raises click.BadParameter saying what to write."""
    if text is None or not text.strip():
        return None
    pages: dict[int, None] = {}  # in the order asked, each once
    for chunk in text.split(","):
        first, dash, last = (part.strip() for part in chunk.partition("-"))
        if not (first.isdigit() and (last.isdigit() or not dash)):
            raise click.BadParameter(f"'{chunk.strip()}' is not a page or a range of pages: write e.g. 3, 3-5 "
                                     "or 1,4-6 (pages count from 1)", param_hint="'--pages'")
        start, end = int(first), int(last or first)
        if start < 1:
            raise click.BadParameter("pages count from 1: there is no page 0", param_hint="'--pages'")
        if end < start:
            raise click.BadParameter(f"'{chunk.strip()}' goes backwards: write {end}-{start}", param_hint="'--pages'")
        if end > MAX_PAGE:
            raise click.BadParameter(f"page {end}: at most {MAX_PAGE}", param_hint="'--pages'")
        pages.update(dict.fromkeys(range(start, end + 1)))
    return list(pages)


def _pages_option(ctx: click.Context, param: click.Parameter, value: str | None) -> list[int] | None:
    """--pages, parsed before anything is built."""
    return _page_range(value)


def _check_publication(content: Path, publication: str, theme: str | None = None) -> None:
    """A publication name that is not there is said at once, with the known ones; a path given for a
    name (`../x`) is refused before anything is read or watched outside content/ and layouts/."""
    from .build import name_problems, publication_names

    if refused := name_problems(content, publication, [], theme):
        _report_problems(ContentError(refused))
        sys.exit(1)
    if not (content / publication / "publication.yaml").is_file():
        known = ", ".join(publication_names(content)) or "none"
        raise click.ClickException(f"no publication '{publication}' in {content} (known: {known})")


@main.command()
@click.argument("publication")
@click.option("--variant", type=VARIANT_CHOICES, default="all", show_default=True,
              help="Which file to preview: lead pages, versos, bleed and crop marks exist only in print.")
@click.option("--pages", default=None, callback=_pages_option,
              help="Pages to write as PNG, e.g. 3-5 or 1,4-6 (default: all).")
@click.option("--out", type=click.Path(path_type=Path, file_okay=False), default=OUT, show_default=True)
@click.option("--content", type=click.Path(path_type=Path, file_okay=False, exists=True), default=CONTENT,
              show_default=True)
@click.option("--theme", default=None, help="Build with another theme than publication.yaml names.")
@click.option("--layouts", type=click.Path(path_type=Path, file_okay=False, exists=True), default=None,
              help="A folder of template overrides searched before the theme.")
def preview(publication: str, variant: str, pages: list[int] | None, out: Path, content: Path,
            theme: str | None, layouts: Path | None) -> None:
    """Build PUBLICATION and write PNG pages and a contact sheet of spreads per variant under
    OUT/<publication>/preview/ (print-page-001.png, screen-contact-sheet.png...)."""
    from .build import Builder, RenderError
    from .preview import write_previews

    _check_publication(content, publication, theme)
    # Previews keep a frame where a photo has no file yet, so designers can plan the page; their PDF is
    # written beside the final one (-preview.pdf).
    builder = Builder(content=content, out=out, theme_override=theme, layouts=layouts, photo_frames=True)
    try:
        for one in _variants(variant):
            try:
                result = builder.build(publication, one)
            except ContentError as error:
                _report_problems(error)
                sys.exit(1)
            except (RenderError, OSError) as error:
                raise click.ClickException(_failure(publication, error)) from None
            beyond = [p for p in pages or [] if p > result.pages]
            if beyond:
                raise click.ClickException(f"--pages: {publication} has {result.pages} page(s) in {one}, there "
                                           f"is no page {beyond[0]}; the PDF is built ({result.path}), no "
                                           "preview was written")
            try:
                written, sheet = write_previews(result.path, out / publication / "preview", one, pages)
            except OSError as error:
                raise click.ClickException(_failure(publication, error)) from None
            click.echo(f"{one}: {len(written)} page(s) and the contact sheet written: {sheet}")
    finally:
        builder.close()  # its worker processes end here, not in a thread at exit


@main.command("new")
@click.argument("name")
@click.option("--kind", type=click.Choice(["report", "press-release"]), default="report", show_default=True,
              help="report: cover, contents, pages, a chapter and a back cover; press-release: a letterhead.")
@click.option("--content", type=click.Path(path_type=Path, file_okay=False), default=CONTENT,
              show_default=True, help="Folder holding the publications.")
def new_command(name: str, kind: str, content: Path) -> None:
    """Start a publication NAME in the content folder: commented parts that build at once."""
    from .new import NewPublicationError, create_publication

    try:
        files = create_publication(content, name, kind)
    except NewPublicationError as error:
        click.secho(f"error: {error}", fg="red", err=True)
        sys.exit(1)
    click.echo(f"{len(files)} files written in {content / name}; build it with: toolkit build {name}")
    click.echo("Next: docs/tutorial.md (your first publication).")


def _failure(publication: str, error: Exception) -> str:
    """A render or file-system failure in one line: what could not be written, and why."""
    if isinstance(error, OSError):
        where = f" {error.filename}" if error.filename else ""
        return f"{publication}: cannot write{where}: {error.strerror or error}; the previous files are kept"
    return f"{publication}: {error}"


@main.command()
@click.option("--output", "-o", type=click.Path(path_type=Path, dir_okay=False), default=None,
              help="Write the schema to this file instead of the terminal.")
def schema(output: Path | None) -> None:
    """Print the JSON Schema of publication.yaml, front matter and blocks (for editors)."""
    from .models import json_schema

    text = json.dumps(json_schema(), ensure_ascii=False, indent=2)
    if output:
        from .pdf import write_atomic

        if not output.parent.is_dir():
            raise click.ClickException(f"cannot write {output}: the folder {output.parent} does not exist")
        try:
            write_atomic(output, (text + "\n").encode())
        except OSError as error:
            raise click.ClickException(f"cannot write {output}: {error.strerror or error}; "
                                       "give -o a file in a folder you can write") from None
    else:
        click.echo(text)


from . import cli_design  # noqa: E402,F401  (registers `toolkit diff` and `toolkit watch`)

if __name__ == "__main__":
    main()
