"""Our own PDF/UA-1 rules for what the pdfua checker and PDF.js do not look at, read with pikepdf alone.

Each rule returns findings as short strings ("page 3: ..."); an empty list is a pass.
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Iterator

import pikepdf
from pikepdf import Array, Dictionary, Name

TEXT_OPERATORS = {"Tj", "TJ", "'", '"'}
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)+$")
HEADING = re.compile(r"^/H([1-6])$")


def kids(element: Any) -> list[Any]:
    value = element.get("/K")
    if value is None:
        return []
    return list(value) if isinstance(value, Array) else [value]


def elements(node: Any) -> Iterator[Any]:
    yield node
    for kid in kids(node):
        if isinstance(kid, Dictionary) and "/S" in kid:
            yield from elements(kid)


def all_findings(path: Path) -> dict[str, list[str]]:
    """Every rule's findings for one file (the rules share one opening of it)."""
    with pikepdf.open(path) as pdf:
        tree = [e for top in kids(pdf.Root.StructTreeRoot) for e in elements(top)]
        return {
            "text tagged or artifact": untagged_text(pdf, tree),
            "links under Link": link_parents(pdf, tree),
            "no link in a link": nested_links(tree),
            "one annotation per link and line": nested_annotations(pdf),
            "link text": link_texts(pdf),
            "heading order": heading_order(tree),
            "headings not empty": empty_headings(tree),
            "TH scope": header_scopes(tree),
        }


def untagged_text(pdf: Any, tree: list[Any]) -> list[str]:
    """Every text operator is inside marked content whose MCID the tree reaches, or an /Artifact."""
    reached = {e.objgen for e in tree}
    nums = pdf.Root.StructTreeRoot.ParentTree.Nums
    parent_tree = {int(nums[i]): nums[i + 1] for i in range(0, len(nums), 2)}
    findings = []
    for index, page in enumerate(pdf.pages):
        marks = parent_tree.get(index)
        tagged = {n for n, e in enumerate(marks) if isinstance(e, Dictionary) and e.objgen in reached} \
            if isinstance(marks, Array) else set()
        bad = _untagged_operators(page, page.obj.get("/Resources"), tagged, [], depth=0)
        if bad:
            findings.append(f"page {index + 1}: {bad} text operators neither tagged nor artifact")
    return findings


def _untagged_operators(container: Any, resources: Any, tagged: set[int], stack: list[str], depth: int) -> int:
    bad = 0
    for operands, operator in pikepdf.parse_content_stream(container):
        op = str(operator)
        if op in ("BDC", "BMC"):
            tag = str(operands[0])
            mcid = operands[1].get("/MCID") if op == "BDC" and isinstance(operands[1], Dictionary) else None
            stack.append("artifact" if tag == "/Artifact" else
                         "tagged" if mcid is not None and int(mcid) in tagged else "lost")
        elif op == "EMC" and stack:
            stack.pop()
        elif op in TEXT_OPERATORS:
            covered = "artifact" in stack or (stack and stack[-1] == "tagged")
            bad += 0 if covered else 1
        elif op == "Do" and depth < 8 and resources is not None and "/XObject" in resources:
            xobject = resources.XObject.get(str(operands[0]))
            if xobject is not None and xobject.get("/Subtype") == Name.Form and \
                    not ("artifact" in stack or (stack and stack[-1] == "tagged")):
                bad += _untagged_operators(xobject, xobject.get("/Resources", resources), tagged,
                                           list(stack), depth + 1)
    return bad


def link_parents(pdf: Any, tree: list[Any]) -> list[str]:
    """Every link annotation is an OBJR kid of a Link element the tree reaches (veraPDF 7.18.5-1)."""
    owner = {}
    for element in tree:
        for kid in kids(element):
            if isinstance(kid, Dictionary) and kid.get("/Type") == Name.OBJR:
                owner[kid.Obj.objgen] = str(element.S)
    findings = []
    for index, page in enumerate(pdf.pages):
        for annotation in page.obj.get("/Annots", []):
            if annotation.get("/Subtype") == Name.Link and owner.get(annotation.objgen) != "/Link":
                findings.append(f"page {index + 1}: link under {owner.get(annotation.objgen, 'nothing')}")
    return findings


def nested_links(tree: list[Any]) -> list[str]:
    """A Link element holds no other Link (a screen reader would announce two links for one)."""
    def inside_link(element: Any) -> bool:
        node = element.get("/P")
        while isinstance(node, Dictionary) and "/S" in node:
            if node.S == Name.Link:
                return True
            node = node.get("/P")
        return False
    return [f"Link inside a Link" for e in tree if e.S == Name.Link and inside_link(e)]


def nested_annotations(pdf: Any) -> list[str]:
    """No link annotation lies inside another to the same target on its page: a keyboard user tabs
    once per link and line (WeasyPrint writes one per box inside the link: a span, each <wbr>)."""
    def rect(annotation: Any) -> tuple[float, ...]:
        x1, y1, x2, y2 = (float(v) for v in annotation.Rect)
        return min(x1, x2), min(y1, y2), max(x1, x2), max(y1, y2)

    def target(annotation: Any) -> str:
        action = annotation.get("/A")
        return repr(action.get("/URI") if isinstance(action, Dictionary) and "/URI" in action
                    else annotation.get("/Dest", action))

    findings = []
    for index, page in enumerate(pdf.pages):
        links = [a for a in page.obj.get("/Annots", []) if a.get("/Subtype") == Name.Link]
        for a in links:
            ra = rect(a)
            if any(b.objgen != a.objgen and target(b) == target(a) and all(
                    (ra[i] >= rb[i] - 0.5) if i < 2 else (ra[i] <= rb[i] + 0.5) for i in range(4))
                   for b in links for rb in [rect(b)]):
                findings.append(f"page {index + 1}: a link annotation inside another to {target(a)}")
    return findings


def link_texts(pdf: Any) -> list[str]:
    """/Contents says what the reader sees: present, not the anchor slug nor the destination name."""
    findings = []
    for index, page in enumerate(pdf.pages):
        for annotation in page.obj.get("/Annots", []):
            if annotation.get("/Subtype") != Name.Link:
                continue
            text = str(annotation.get("/Contents", "")).strip()
            dest = str(annotation.get("/Dest", ""))
            if not text or SLUG.match(text) or (dest and text == dest):
                findings.append(f"page {index + 1}: link text {text!r}")
    return findings


def heading_order(tree: list[Any]) -> list[str]:
    """Headings start at H1 and never go down more than one level at a time."""
    findings, previous = [], 0
    for element in tree:
        match = HEADING.match(str(element.S))
        if match:
            level = int(match.group(1))
            if level > previous + 1:
                findings.append(f"H{level} after H{previous or '-'}")
            previous = level
    return findings


def empty_headings(tree: list[Any]) -> list[str]:
    """The pdfua rule UA-14-001 crashes on these files (it asks an Array for is_integer): done here."""
    def marks_content(node: Any) -> bool:
        return any(isinstance(kid, int) or (isinstance(kid, Dictionary) and
                   (kid.get("/Type") == Name.MCR or ("/S" in kid and marks_content(kid))))
                   for kid in kids(node))
    return [f"empty {e.S}" for e in tree if HEADING.match(str(e.S)) and not marks_content(e)]


def header_scopes(tree: list[Any]) -> list[str]:
    def scope(cell: Any) -> Any:
        attributes = cell.get("/A")
        for a in (attributes if isinstance(attributes, Array) else [attributes]):
            if isinstance(a, Dictionary) and "/Scope" in a:
                return a.Scope
        return None
    return [f"TH without Scope" for e in tree if e.S == Name.TH and scope(e) is None]
