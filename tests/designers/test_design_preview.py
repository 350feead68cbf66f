"""The contact sheet: one thumbnail per page, laid out in spreads."""
from __future__ import annotations

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
