"""The memory of a long layout (a 10 000-row table appendix): fewer styles, boxes let go once drawn.

WeasyPrint computes, before laying out anything, a style for every element and for every
pseudo-element a rule of any stylesheet matches. Its user-agent stylesheet has six rules on every
element (`::marker`, `::footnote-call`, `::footnote-marker`, `::note-call`, `::note-marker`,
`::note-callback`), so each element of the document got six pseudo-element styles of its own (styles
of elements are shared between siblings; these are not). In a 2 000-row table that was 60 000 styles,
about half of the memory of the whole layout (docs/security.md, "Memory of long tables").

Those pseudo-elements mean something only for list items, footnotes and notes. Here the same rules
stand for every element except the parts of a table: a row or a cell is never a list item, a
footnote or a note (a footnote *inside* a cell is a span, which keeps them).
"""
from __future__ import annotations

import re
from contextlib import contextmanager
from functools import lru_cache
from typing import Any, Iterator

# The parts of a table, whose pseudo-element styles nothing ever uses.
TABLE_PARTS = "table, caption, colgroup, col, thead, tbody, tfoot, tr, td, th"
UNIVERSAL_PSEUDO_RULE = re.compile(
    r"^::(marker|footnote-call|footnote-marker|note-call|note-marker|note-callback)\b", re.MULTILINE)


def lean_user_agent_css(css: str) -> str:
    """WeasyPrint's user-agent CSS with its rules on every element's pseudo-elements kept off tables."""
    return UNIVERSAL_PSEUDO_RULE.sub(rf":not({TABLE_PARTS})::\1", css)


@lru_cache(maxsize=1)
def lean_user_agent_stylesheet() -> Any:
    from weasyprint import CSS
    from weasyprint.css.counters import CounterStyle
    from weasyprint.html import UA

    # A dictionary of its own: the user-agent counter styles (disc, decimal…) are already in
    # WeasyPrint's UA_COUNTER_STYLE, which the layout uses; parsing them into it again is refused with
    # a warning ("Invalid counter style name ' disc '") that every build then printed.
    return CSS(string=lean_user_agent_css(UA), counter_style=CounterStyle())


def lean_html(**kwargs: Any) -> Any:
    """A WeasyPrint HTML document laid out with the lean user-agent stylesheet."""
    from weasyprint import HTML

    class LeanHTML(HTML):
        def _ua_stylesheets(self, forms: bool = False) -> list[Any]:
            return [lean_user_agent_stylesheet(), *super()._ua_stylesheets(forms)[1:]]

    return LeanHTML(**kwargs)


class _DrawnPage:
    """What is still read of a page's box tree once it is drawn: its page type (blank or not)."""

    def __init__(self, page_box: Any) -> None:
        self.page_type = getattr(page_box, "page_type", None)


def release_after_paint(document: Any) -> None:
    """Each page of an untagged file lets its boxes go as soon as it is drawn, instead of all pages
    keeping them until the file is written: drawing a long table no longer adds to the layout's peak.
    (A tagged file reads every page's boxes after drawing, for its structure tree: not for it.)"""
    for page in document.pages:
        paint = page.paint

        def paint_then_release(stream: Any, scale: float = 1, page: Any = page, paint: Any = paint) -> None:
            paint(stream, scale)
            page._page_box = _DrawnPage(page._page_box)

        page.paint = paint_then_release


@contextmanager
def tags_after_paint(document: Any) -> Iterator[None]:
    """A tagged file built page by page: each page's part of the structure tree right after the page
    is drawn, then its boxes let go (as `release_after_paint` does for an untagged file).

    WeasyPrint 70 draws every page, then walks every page's boxes again for the tag tree
    (`weasyprint.pdf.tags.add_tags`): all pages' boxes stay alive while the file is drawn, the drawn
    streams with them. Its walk is page by page (a page's elements, MCIDs and annotations depend on
    that page only), so the same walk runs here right after each page is drawn, in the same order,
    and `add_tags` then only adds what follows the pages (annotations' parents, catalog entries).
    The link boxes a finisher reads stay reachable through `page.links`."""
    import pydyf
    import weasyprint.pdf as weasy_pdf
    from weasyprint.logger import LOGGER
    from weasyprint.pdf import tags as weasy_tags

    state: dict[str, Any] = {}
    original_links, original_add_tags = weasy_pdf.add_links, weasy_pdf.add_tags

    def add_links(links: Any, matrix: Any, pdf: Any, *args: Any) -> Any:
        state["pdf"] = pdf  # the file being written: add_links gets it just before each page is drawn
        return original_links(links, matrix, pdf, *args)

    def root(pdf: Any) -> dict[str, Any]:
        if "document" not in state:  # as add_tags begins
            mapping = pydyf.Dictionary({})
            pdf.add_object(mapping)
            structure_root = pydyf.Dictionary({"Type": "/StructTreeRoot", "ParentTree": mapping.reference})
            pdf.add_object(structure_root)
            structure = pydyf.Dictionary({"Type": "/StructElem", "S": "/Document", "K": pydyf.Array(),
                                          "P": structure_root.reference})
            pdf.add_object(structure)
            structure_root["K"] = pydyf.Array([structure.reference])
            pdf.catalog["StructTreeRoot"] = structure_root.reference
            mapping["Nums"] = pydyf.Array()
            state.update(mapping=mapping, root=structure_root, document=structure, annotations=[], page=0)
        return state

    for page in document.pages:
        paint = page.paint

        def paint_then_tag(stream: Any, scale: float = 1, page: Any = page, paint: Any = paint) -> None:
            paint(stream, scale)
            tree = root(state["pdf"])
            number, tags, nums = tree["page"], stream._tags, {}
            tree["mapping"]["Nums"].extend([number, pydyf.Array()])
            for element in weasy_tags._build_box_tree(page._page_box, tree["document"], state["pdf"], number,
                                                      nums, tree["annotations"], tags):
                tree["document"]["K"].append(element.reference)
            assert not tags
            tree["mapping"]["Nums"][-1].extend([reference for _, reference in sorted(nums.items())])
            tree["page"] += 1
            page._page_box = _DrawnPage(page._page_box)

        page.paint = paint_then_tag

    def add_tags(pdf: Any, document_: Any, pdf_version: Any, page_streams: Any) -> None:
        """What add_tags does after its walk of the pages."""
        tree = root(pdf)
        if str(pdf_version) >= "2.0":
            namespace = pydyf.Dictionary({"Type": "/Namespace", "NS": pydyf.String("http://iso.org/pdf2/ssn")})
            pdf.add_object(namespace)
            tree["root"]["Namespaces"] = pydyf.Array([namespace.reference])
            tree["document"]["NS"] = namespace.reference
        for index, (reference, annotation) in enumerate(tree["annotations"], start=len(document_.pages)):
            tree["mapping"]["Nums"].extend([index, reference])
            annotation["StructParent"] = index
        pdf.catalog["ViewerPreferences"] = pydyf.Dictionary({"DisplayDocTitle": "true"})
        pdf.catalog["MarkInfo"] = pydyf.Dictionary({"Marked": "true"})
        if "Lang" not in pdf.catalog:
            LOGGER.error('Missing required "lang" attribute at the root of the document')
            pdf.catalog["Lang"] = pydyf.String()

    weasy_pdf.add_links, weasy_pdf.add_tags = add_links, add_tags
    try:
        yield
    finally:
        weasy_pdf.add_links, weasy_pdf.add_tags = original_links, original_add_tags
        for page in document.pages:
            page.__dict__.pop("paint", None)
