"""Designers' commands: `toolkit diff` and `toolkit watch`, registered on the main command group.

`toolkit/cli.py` imports this module at its end (`from . import cli_design`), so that these commands
are part of `toolkit`; heavy libraries are imported inside the commands, as in cli.py.
"""
from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import click

from .cli import _check_publication, _pages_option, main
from .paths import CONTENT, OUT


@main.command()
@click.argument("old", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.argument("new", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True,
              help='Print {"changed_pages": [...], "pages": {...}} as JSON.')
@click.option("--out", type=click.Path(path_type=Path, file_okay=False), default=None,
              help="Write page-NNN.png (changes in red over the faded page) and page-NNN.diff "
                   "for each changed page.")
@click.option("--dpi", type=click.FloatRange(10, 300), default=50, show_default=True,
              help="Resolution of the pixel comparison.")
@click.option("--tolerance", type=click.IntRange(0, 255), default=48, show_default=True,
              help="Per-channel difference below which a pixel is antialiasing noise.")
@click.option("--exit-code", is_flag=True, help="Exit 1 when some page changed (for scripts), 0 otherwise.")
def diff(old: Path, new: Path, as_json: bool, out: Path | None, dpi: float, tolerance: int,
         exit_code: bool) -> None:
    """List the pages of NEW that differ from OLD, in their text or their rendering."""
    from .diff import UnreadablePdf, diff_pdfs

    try:
        report = diff_pdfs(old, new, out, dpi=dpi, tolerance=tolerance)
    except UnreadablePdf as error:
        raise click.ClickException(str(error)) from None
    if as_json:
        click.echo(json.dumps(report.as_json(), ensure_ascii=False, indent=2))
    else:
        click.echo(f"{old} → {new}: {report.summary()}")
        for page in report.pages:
            what = [page.status]
            if page.text_changed:
                what.append("text")
            if page.pixels_changed:
                what.append(f"{page.pixels_changed} px")
            where = f" in {page.box}" if page.box else ""
            image = f" → {page.image}" if page.image else ""
            click.secho(f"page {page.page}: {', '.join(what)}{where}{image}", bold=True)
            if page.text_diff:
                for line in page.text_diff.splitlines():
                    colour = "green" if line.startswith("+") else "red" if line.startswith("-") else None
                    click.secho(f"  {line}", fg=colour)
    sys.exit(1 if exit_code and report.pages else 0)


@main.command()
@click.argument("publication")
@click.option("--variant", type=click.Choice(["print", "screen"]), default="screen", show_default=True)
@click.option("--pages", default=None, callback=_pages_option,
              help="Pages to keep PNG previews of, e.g. 1-3 or 1,4-6 (default: all).")
@click.option("--out", type=click.Path(path_type=Path, file_okay=False), default=OUT, show_default=True)
@click.option("--content", type=click.Path(path_type=Path, file_okay=False, exists=True), default=CONTENT,
              show_default=True)
@click.option("--theme", default=None, help="Build with another theme than publication.yaml names.")
@click.option("--no-sheet", is_flag=True, help="Do not refresh the contact sheet after each build.")
def watch(publication: str, variant: str, pages: list[int] | None, out: Path, content: Path, theme: str | None,
          no_sheet: bool) -> None:
    """Rebuild PUBLICATION on every save and refresh the previews of the pages that changed.

    Watches content/PUBLICATION, layouts/ and fonts/. Previews go to OUT/PUBLICATION/preview/.
    A save that breaks the build is reported; the last good PDF stays. Ctrl-C stops."""
    from .build import Builder
    from .watch import watch as run, watched_paths

    _check_publication(content, publication, theme)
    builder = Builder(content=content, out=out, theme_override=theme)
    watched = ", ".join(_short(p) for p in watched_paths(builder, publication))
    click.echo(f"watching {watched} — Ctrl-C to stop")
    try:
        stats = run(builder, publication, variant, _print_event, pages=pages, sheet=not no_sheet)
    finally:
        close = getattr(builder, "close", None)
        if callable(close):
            close()
    click.echo(f"\nstopped after {stats.rebuilds} rebuild(s), {stats.failures} failed")


def _print_event(event: object) -> None:
    kind, message = getattr(event, "kind"), getattr(event, "message")
    stamp = time.strftime("%H:%M:%S")
    if kind == "change":
        click.secho(f"[{stamp}] {message}", bold=True)
    elif kind == "build":
        click.echo(f"[{stamp}] {message}")
    elif kind == "built":
        click.echo(f"  {message}")
        for warning in getattr(event, "result").warnings:
            click.secho(f"  {warning}", fg="yellow")
    elif kind == "failed":
        for problem in getattr(event, "problems"):
            click.secho(f"  {problem}", fg="red")
        click.secho(f"  {message}", fg="red")
    elif kind == "error":
        click.secho(f"  {message}", fg="red")
    elif kind == "previews":
        click.secho(f"  {message}", fg="green")
        report = getattr(event, "report")
        for page in (report.pages if report is not None else []):
            for line in page.text_diff.splitlines()[2:12]:
                click.echo(f"    {line}")


def _short(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)
