"""End matter: the colophon's photo credits and the notes pages that complete the binding.

A saddle-stitched file needs a multiple of 4 pages. The pages that complete it, before the back
cover, are not left blank: each is a ruled "Notes" page for the reader (laid out once from the
theme, cached like a unit). The colophon, when publication.yaml gives one, is a part of its own
(toolkit/validate.py `with_colophon`, template parts/colophon.html).
"""
from __future__ import annotations

from typing import Any

NOTES_TITLE = {"fr": "Notes", "en": "Notes"}
NOTES_LINES = 26  # ruled lines on a notes page: 8 mm apart over the type area


def photo_credits(publication: Any) -> list[str]:
    """The credits of the photos printed (those whose file exists), each once, in reading order: a
    photo left out for want of its file is not credited."""
    from .html import walk_blocks

    images = publication.root / "images"
    credits: list[str] = []
    for part in publication.parts:
        photos = [part.meta.photo] + [block if getattr(block, "kind", None) == "photo" else getattr(block, "photo", None)
                                      for block in walk_blocks(part.body)]
        for photo in photos:
            if photo is not None and photo.credit and photo.src and (images / photo.src).is_file() \
                    and photo.credit not in credits:
                credits.append(photo.credit)
    return credits


def notes_page_html(language: str) -> str:
    """A right-hand then a left-hand notes page (their margins mirror each other)."""
    title = NOTES_TITLE.get(language[:2], "Notes")
    lines = '<div class="notes-line"></div>' * NOTES_LINES
    page = f'<section class="notes-page"><h2 class="notes-title">{title}</h2>{lines}</section>'
    return f'<html lang="{language}" class="variant-print"><body>{page}{page}</body></html>'


# The notes page carries no running head and no folio: it is not part of the text.
NOTES_PAGE_CSS = "".join(f"@page{side} {{ @top-left {{ content: none; }} @top-right {{ content: none; }} "
                         f"@bottom-left {{ content: none; }} @bottom-right {{ content: none; }} }}"
                         for side in ("", " :left", " :right")) + ".notes-page + .notes-page { break-before: page; }"


def notes_page_pdf(publication: Any, theme: Any, variant: str) -> bytes:
    """A right-hand and a left-hand notes page laid out with the theme (from the unit cache when laid out before)."""
    import hashlib

    from .parts import Job, UnitCache, _lay_out, files_digest, job_key
    from .paths import CACHE

    html = notes_page_html(publication.meta.language)
    theme_files = files_digest([*theme.stylesheets, *theme.variant_stylesheets(variant), *theme.font_files()]) \
        + hashlib.sha256(theme.css_tokens(variant).encode()).hexdigest()
    key = job_key(html, NOTES_PAGE_CSS, variant, theme_files)
    cache = UnitCache(CACHE / "units")
    laid = cache.get(key)
    if laid is None:
        laid = _lay_out(Job(html, str(publication.root), theme.name, str(theme.folders[-1].parent), variant,
                            NOTES_PAGE_CSS, key))
        cache.put(key, laid)
    return laid.pdf
