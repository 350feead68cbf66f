"""Pagination rules shared by the single-pass build, the parts build and the templates.

No page of a print file is a filler:
- the theme's `page.openers` token says where chapters open: `recto` (a right-hand page, the book
  rule) or `any` (the next page, whichever side). Under `recto`, a chapter landing on a left-hand page
  pulls a piece of its content (its first case study, quote, testimonial or key figures) onto that
  verso, facing the opener; a chapter with nothing to pull opens on the verso rather than leaving a
  blank page before it;
- binding padding is not blank: see `end_matter_pages` (toolkit/endmatter.py) and toolkit/pdf.py.
"""
from __future__ import annotations

from typing import Any

OPENERS = ("recto", "any")
# Blocks that stand alone on a page and read as the start of their chapter. A photo is not one: in a
# final file a photo without its file is left out, and its lead page would be empty.
PULLABLE = ("case-study", "quote", "testimonial", "figures")


def openers(theme: Any) -> str:
    """The theme's rule for chapter openers (`page.openers`, validated by the theme loader)."""
    return str((theme.tokens.get("page") or {}).get("openers", "recto"))


def lead_block(part: Any) -> Any | None:
    """The block of a chapter that can face its opener on a verso: its first pullable one."""
    if part.meta.layout != "chapter":
        return None
    return next((block for block in part.body if getattr(block, "kind", None) in PULLABLE), None)


def opens_on_recto(part: Any, theme: Any) -> bool:
    """A chapter waits for a right-hand page only when the theme asks and it has a piece to pull onto
    the verso before it: otherwise the verso would be a filler."""
    return openers(theme) == "recto" and lead_block(part) is not None


def follows_on(part: Any) -> bool:
    """Parts that follow the previous one on its page: sections, and the colophon, which fills the end
    of the last page of text rather than standing alone on a page."""
    return part.meta.layout in ("section", "colophon")
