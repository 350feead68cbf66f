"""The contact sheet: one thumbnail per page, laid out in spreads."""
from __future__ import annotations

from pathlib import Path

from toolkit.preview import contact_sheet, render_pages, spreads


def solid_pages(count: int, size: tuple[int, int] = (20, 28)) -> list:
    from PIL import Image

    return [Image.new("RGB", size, (10 + 20 * i, 200 - 15 * i, 40 + 17 * i)) for i in range(count)]


def test_contact_sheet_has_one_thumbnail_per_page() -> None:
    for count in (1, 2, 5, 12):
        pages = solid_pages(count)
        sheet = contact_sheet(pages)
        colours = dict((colour, n) for n, colour in sheet.getcolors(maxcolors=100_000))
        for index, page in enumerate(pages):
            colour = page.getpixel((0, 0))
            # Each page is pasted exactly once, whole (a label may cover none of it: labels go below).
            assert colours.get(colour) == page.width * page.height, (count, index)


def test_contact_sheet_of_a_real_file(neutral_press_release) -> None:
    images = render_pages(neutral_press_release["screen"].path, 0.1)
    assert len(images) == neutral_press_release["screen"].pages
    sheet = contact_sheet(images)
    width, height = images[0].size
    assert sheet.height > height and sheet.width > 2 * width
    assert spreads(len(images)) == [(None, 0), (1, None)]


def test_previews_are_named_by_variant_and_stale_pages_go(press_release, tmp_path: Path) -> None:
    from toolkit.preview import write_previews

    folder = tmp_path / "preview"
    folder.mkdir()
    # Left by an earlier build: a longer publication, and the unnamed files of earlier versions.
    for name in ("print-page-009.png", "page-001.png", "contact-sheet.png", "screen-page-001.png"):
        (folder / name).write_bytes(b"stale")
    written, sheet = write_previews(press_release["print"].path, folder, "print", scale=0.2, thumb_scale=0.05)
    count = press_release["print"].pages
    assert [p.name for p in written] == [f"print-page-{n:03d}.png" for n in range(1, count + 1)]
    assert sheet.name == "print-contact-sheet.png"
    names = sorted(p.name for p in folder.iterdir())
    # The screen variant's previews are not this run's business: they stay.
    assert names == sorted([p.name for p in written] + [sheet.name, "screen-page-001.png"])
    # A print page is drawn with its bleed and marks: larger than the screen page at the same scale.
    from PIL import Image

    screen, _ = write_previews(press_release["screen"].path, folder, "screen", pages=[1], scale=0.2,
                               thumb_scale=0.05)
    assert Image.open(written[0]).size > Image.open(screen[0]).size
    assert (folder / "screen-page-001.png").read_bytes() != b"stale"
    # A range leaves only the pages asked for.
    write_previews(press_release["print"].path, folder, "print", pages=[2], scale=0.2, thumb_scale=0.05)
    assert sorted(p.name for p in folder.glob("print-page-*.png")) == ["print-page-002.png"]


def test_preview_command_writes_both_variants_by_default(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from toolkit.cli import main

    result = CliRunner().invoke(main, ["preview", "communique-2024", "--out", str(tmp_path), "--pages", "1"])
    assert result.exit_code == 0, result.output
    names = sorted(p.name for p in (tmp_path / "communique-2024" / "preview").iterdir())
    assert names == ["print-contact-sheet.png", "print-page-001.png", "screen-contact-sheet.png",
                     "screen-page-001.png"]
