"""PDF stage, screen file: finish WeasyPrint's tag tree so that PDF/UA-1 checkers and screen readers pass it.

WeasyPrint 70 tags the flow well but leaves these, fixed here for any content:
- margin boxes (running heads, folios, running elements) are marked content the tree never reaches:
  text from `string()` and counters becomes a pagination artifact; a running element (real structure,
  such as a press contact) joins the tree once, at its end, and its repeats become artifacts whose
  links point to the one tagged copy;
- a link annotation sits under the Span or NonStruct of the text inside the link: it moves to its Link;
  a Link inside a Link (an `a::after`) becomes part of the outer one;
- every box inside a link (a span, each <wbr> of an address) has its own annotation: one inside
  another of the same Link on its page is dropped (one tab stop per link and line);
- heading levels follow the outline (an H3 right after an H1 is an H2 for a screen reader);
- header cells get /Scope (Column in a header row, Row otherwise);
- `/Contents` of each link is the link's visible text (`link_descriptions`, a WeasyPrint finisher,
  because the text lives in the layout boxes).
"""
from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from typing import Any, Iterator

import pikepdf
from pikepdf import Array, Dictionary, Name

# Roles a margin box produces from generated text alone (running heads, folios).
GENERATED_ROLES = {"/NonStruct", "/Span"}
HEADING = re.compile(r"^/H([1-6])$")
LEADERS = re.compile(r"[.·…\s\u00a0\u202f]+")


def finish_tags(pdf: bytes) -> bytes:
    """The screen PDF with its tag tree finished (see the module's docstring)."""
    with pikepdf.open(io.BytesIO(pdf)) as document:
        if "/StructTreeRoot" not in document.Root:
            return pdf
        tree = TagTree(document)
        tree.adopt_margin_content()
        tree.put_links_under_link_elements()
        tree.drop_nested_link_annotations()
        tree.follow_outline_levels()
        tree.scope_header_cells()
        out = io.BytesIO()
        document.save(out)
    return out.getvalue()


def kids(element: Any) -> list[Any]:
    value = element.get("/K")
    if value is None:
        return []
    return list(value) if isinstance(value, Array) else [value]


def is_element(node: Any) -> bool:
    return isinstance(node, Dictionary) and "/S" in node


def is_objr(node: Any) -> bool:
    return isinstance(node, Dictionary) and node.get("/Type") == Name.OBJR


def walk(element: Any) -> Iterator[Any]:
    """The element and its descendant structure elements, in reading order."""
    yield element
    for kid in kids(element):
        if is_element(kid):
            yield from walk(kid)


@dataclass
class TagTree:
    document: Any
    root: Any = None
    top: Any = None  # the /Document element
    parent_tree: dict[int, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.root = self.document.Root.StructTreeRoot
        self.top = kids(self.root)[0]
        nums = self.root.ParentTree.Nums
        self.parent_tree = {int(nums[i]): nums[i + 1] for i in range(0, len(nums), 2)}

    def reachable(self) -> set[tuple[int, int]]:
        return {element.objgen for element in walk(self.top)}

    # ----------------------------------------------------------------- margin boxes

    def adopt_margin_content(self) -> None:
        """Margin-box content: generated text → artifact; a running element → tagged once, at the end."""
        reached = self.reachable()
        kept: dict[str, Any] = {}  # signature of a running element → its tagged copy
        for index, page in enumerate(self.document.pages):
            artifacts: set[int] = set()
            subtrees = self._margin_subtrees(index, reached)
            shown = _shown_text(page) if subtrees else {}
            for subtree in subtrees:
                signature = _signature(subtree, shown)
                if _is_generated(subtree):
                    artifacts |= _mcids(subtree)
                elif signature not in kept:
                    kept[signature] = subtree
                    subtree.P = self.top
                    self.top.K = Array([*kids(self.top), subtree])
                else:
                    artifacts |= _mcids(subtree)
                    self._links_to(subtree, kept[signature])
            if artifacts:
                _mark_artifacts(self.document, page, artifacts)
                marks = self.parent_tree.get(index)
                for mcid in artifacts:
                    marks[mcid] = None

    def _margin_subtrees(self, page_index: int, reached: set[tuple[int, int]]) -> list[Any]:
        """Highest unreachable elements whose marked content is on this page, in content order."""
        found: list[Any] = []
        marks = self.parent_tree.get(page_index)
        if not isinstance(marks, Array):
            return found
        for element in marks:
            if not is_element(element) or element.objgen in reached:
                continue
            while "/P" in element and element.P.objgen not in reached and is_element(element.P):
                element = element.P
            if all(element.objgen != other.objgen for other in found):
                found.append(element)
        return found

    def _links_to(self, repeat: Any, tagged: Any) -> None:
        """The links of a repeated running element are still clickable: each of their annotations, wherever
        WeasyPrint put it in the copy (under the Link, or under a Span or NonStruct of the text inside it),
        becomes one more annotation of the tagged copy's link to the same target (a Link may have several).
        Dropping them instead would leave the later pages' footer unclickable for sighted readers."""
        links: dict[str, Any] = {}
        for holder in walk(tagged):
            for objr in (kid for kid in kids(holder) if is_objr(kid)):
                links.setdefault(_target(objr.Obj), _ancestor(holder, Name.Link, self_too=True) or holder)
        for holder in list(walk(repeat)):
            for objr in [kid for kid in kids(holder) if is_objr(kid)]:
                target = links.get(_target(objr.Obj))
                if target is None:
                    continue
                holder.K = Array([kid for kid in kids(holder) if kid is not objr and kid != objr])
                target.K = Array([*kids(target), objr])
                self._reparent_annotation(objr.Obj, target)

    def _reparent_annotation(self, annotation: Any, element: Any) -> None:
        if "/StructParent" in annotation:
            self.parent_tree[int(annotation.StructParent)] = element
            nums = self.root.ParentTree.Nums
            for i in range(0, len(nums), 2):
                if int(nums[i]) == int(annotation.StructParent):
                    nums[i + 1] = element

    # ----------------------------------------------------------------- links

    def put_links_under_link_elements(self) -> None:
        """An annotation's OBJR belongs to the outermost Link element: moved up to it, or its parent
        becomes one. A Link inside a Link (WeasyPrint tags an `a::after` as one, e.g. a contents entry's
        leaders and page number) is a Span of the outer link: a screen reader reads one link."""
        for element in list(walk(self.top)):
            objrs = [kid for kid in kids(element) if is_objr(kid) and kid.Obj.get("/Subtype") == Name.Link]
            link = _ancestor(element, Name.Link)
            if element.S == Name.Link and link is not None:
                element.S = Name.Span
            elif element.S == Name.Link or not objrs:
                continue
            if link is None:
                element.S = Name.Link
                continue
            element.K = Array([kid for kid in kids(element) if not (is_objr(kid) and kid in objrs)])
            for objr in objrs:
                link.K = Array([*kids(link), objr])
                self._reparent_annotation(objr.Obj, link)

    def drop_nested_link_annotations(self) -> None:
        """WeasyPrint writes one annotation per box inside a link (the <a>, a span in it, every <wbr> and
        its ::before): a keyboard user would tab through ten stops for one address. On each page, an
        annotation of a Link lying inside another of the same Link (a <wbr>'s is zero-wide) is dropped;
        a link over two lines keeps its two."""
        page_of = {annotation.objgen: index for index, page in enumerate(self.document.pages)
                   for annotation in page.obj.get("/Annots", [])}
        dropped: set[tuple[int, int]] = set()
        for link in (e for e in walk(self.top) if e.S == Name.Link):
            objrs = [kid for kid in kids(link) if is_objr(kid) and kid.Obj.objgen in page_of]
            kept: list[Any] = []
            for objr in sorted(objrs, key=lambda o: -_area(o.Obj)):
                same_page = [k for k in kept if page_of[k.Obj.objgen] == page_of[objr.Obj.objgen]]
                if any(_inside(objr.Obj, k.Obj) for k in same_page):
                    dropped.add(objr.Obj.objgen)
                else:
                    kept.append(objr)
            if len(kept) < len(objrs):
                link.K = Array([kid for kid in kids(link) if not (is_objr(kid) and kid.Obj.objgen in dropped)])
        if dropped:
            self._remove_annotations(dropped)

    def _remove_annotations(self, dropped: set[tuple[int, int]]) -> None:
        parents = set()
        for page in self.document.pages:
            annotations = page.obj.get("/Annots", [])
            parents |= {int(a.StructParent) for a in annotations if a.objgen in dropped and "/StructParent" in a}
            if any(a.objgen in dropped for a in annotations):
                page.obj.Annots = Array([a for a in annotations if a.objgen not in dropped])
        nums = self.root.ParentTree.Nums
        self.root.ParentTree.Nums = Array([value for i in range(0, len(nums), 2) if int(nums[i]) not in parents
                                           for value in (nums[i], nums[i + 1])])
        for key in parents:
            self.parent_tree.pop(key, None)

    # ----------------------------------------------------------------- headings

    def follow_outline_levels(self) -> None:
        """Heading levels never skip: each heading is one below the nearest lower-level heading before it
        (H1 H3 H4 H3 → H1 H2 H3 H2). Designers keep their visual scale; the outline stays whole."""
        stack: list[tuple[int, int]] = []  # (level in the HTML, level in the tree)
        for element in walk(self.top):
            match = HEADING.match(str(element.S))
            if not match:
                continue
            level = int(match.group(1))
            while stack and stack[-1][0] >= level:
                stack.pop()
            effective = stack[-1][1] + 1 if stack else 1
            stack.append((level, effective))
            if effective != level:
                element.S = Name(f"/H{effective}")

    # ----------------------------------------------------------------- tables

    def scope_header_cells(self) -> None:
        for row in (e for e in walk(self.top) if e.S == Name.TR):
            cells = [kid for kid in kids(row) if is_element(kid)]
            in_head = "/P" in row and row.P.get("/S") == Name.THead
            all_headers = all(cell.S == Name.TH for cell in cells)
            for cell in cells:
                if cell.S == Name.TH:
                    _set_scope(cell, Name.Column if in_head or all_headers else Name.Row)


def _set_scope(cell: Any, scope: Any) -> None:
    attributes = cell.get("/A")
    if isinstance(attributes, Array):
        table = next((a for a in attributes if isinstance(a, Dictionary) and a.get("/O") == Name.Table), None)
        if table is None:
            table = Dictionary(O=Name.Table)
            attributes.append(table)
    elif isinstance(attributes, Dictionary) and attributes.get("/O") == Name.Table:
        table = attributes
    else:
        table = Dictionary(O=Name.Table)
        cell.A = Array([attributes, table]) if attributes is not None else table
    if "/Scope" not in table:
        table.Scope = scope


def _ancestor(element: Any, role: Any, self_too: bool = False) -> Any:
    node = element if self_too else element.get("/P")
    while is_element(node):
        if node.S == role:
            return node
        node = node.get("/P")
    return None


def _rect(annotation: Any) -> tuple[float, float, float, float]:
    x1, y1, x2, y2 = (float(v) for v in annotation.Rect)
    return min(x1, x2), min(y1, y2), max(x1, x2), max(y1, y2)


def _area(annotation: Any) -> float:
    x1, y1, x2, y2 = _rect(annotation)
    return (x2 - x1) * (y2 - y1)


def _inside(inner: Any, outer: Any, slack: float = 0.5) -> bool:
    a, b = _rect(inner), _rect(outer)
    return a[0] >= b[0] - slack and a[1] >= b[1] - slack and a[2] <= b[2] + slack and a[3] <= b[3] + slack


def _target(annotation: Any) -> str:
    """Where a link annotation goes: its URI, or its destination."""
    action = annotation.get("/A")
    if isinstance(action, Dictionary) and "/URI" in action:
        return f"uri:{action.URI}"
    destination = annotation.get("/Dest", action.get("/D") if isinstance(action, Dictionary) else None)
    return f"dest:{destination!r}"


def _mcids(element: Any) -> set[int]:
    found: set[int] = set()
    for node in walk(element):
        found.update(int(kid) for kid in kids(node) if isinstance(kid, int))
    return found


def _is_generated(element: Any) -> bool:
    return all(str(node.S) in GENERATED_ROLES for node in walk(element))


def _signature(element: Any, shown: dict[int, bytes]) -> str:
    """The shape and text of a subtree, its MCIDs left out: the same running element on every page has
    one; a running element whose text changes (a chapter's name) is another element."""
    parts = []
    for kid in kids(element):
        if is_element(kid):
            parts.append(_signature(kid, shown))
        elif is_objr(kid):
            parts.append("OBJR")
        elif isinstance(kid, int):
            parts.append(shown.get(kid, b"").hex())
    return f"{element.S}({','.join(parts)})"


def _shown_text(page: Any) -> dict[int, bytes]:
    """The glyph strings each MCID of the page shows (same font objects in one file: same bytes)."""
    shown: dict[int, bytes] = {}
    current: list[int | None] = []
    for operands, operator in pikepdf.parse_content_stream(page):
        op = str(operator)
        if op == "BDC":
            properties = operands[1] if len(operands) == 2 else None
            current.append(int(properties.MCID) if isinstance(properties, Dictionary) and "/MCID" in properties
                           else None)
        elif op == "BMC":
            current.append(None)
        elif op == "EMC" and current:
            current.pop()
        elif op in ("Tj", "TJ", "'", '"') and current and current[-1] is not None:
            strings = operands[-1] if op != "TJ" else operands[0]
            pieces = [bytes(p) for p in strings if isinstance(p, pikepdf.String)] if op == "TJ" else [bytes(strings)]
            shown[current[-1]] = shown.get(current[-1], b"") + b"".join(pieces)
    return shown


def _mark_artifacts(document: Any, page: Any, mcids: set[int]) -> None:
    """Rewrite `/Tag <</MCID n>> BDC` as `/Artifact <</Type /Pagination>> BDC` for these MCIDs."""
    instructions = pikepdf.parse_content_stream(page)
    changed = False
    rewritten = []
    for operands, operator in instructions:
        if str(operator) == "BDC" and len(operands) == 2 and isinstance(operands[1], Dictionary) \
                and int(operands[1].get("/MCID", -1)) in mcids:
            operands = [Name.Artifact, Dictionary(Type=Name.Pagination)]
            changed = True
        rewritten.append(pikepdf.ContentStreamInstruction(operands, operator))
    if changed:
        page.obj.Contents = document.make_stream(pikepdf.unparse_content_stream(rewritten))


# --------------------------------------------------------------------- link text (WeasyPrint finisher)

def link_descriptions(document: Any, pdf: Any) -> None:
    """`/Contents` of every link annotation: the text the reader sees (WeasyPrint writes the target).
    Generated text after the link (a contents entry's page number) is part of what is seen."""
    import pydyf

    # One link drawn as several boxes (its lines, the span inside it, its ::after) has one description:
    # the longest of the texts read on the boxes of the same target and page that contain its own.
    for page in document.pages:
        read = [(target, box, visible_text(box)) for _kind, target, _rect, box in page.links
                if getattr(box, "link_annotation", None) is not None]
        for target, box, text in read:
            longest = max((other for t, _, other in read if t == target and text in other), key=len)
            if longest:
                box.link_annotation["Contents"] = pydyf.String(longest)


def visible_text(box: Any) -> str:
    element = getattr(box, "element", None)
    # Break opportunities (<wbr>, U+200B) of an address are not part of what is read.
    own = " ".join("".join(element.itertext()).replace("\u200b", "").split()) if element is not None else ""
    if not own and element is not None:
        own = next((element.get(k) for k in ("aria-label", "title") if element.get(k)), "")
        if not own:
            own = next((img.get("alt") for img in element.iter("img") if img.get("alt")), "")
    # <wbr> is drawn by WeasyPrint's `wbr::before { content: "\200B" }`: not generated text either.
    generated = LEADERS.sub(" ", " ".join(_generated_texts(box)).replace("\u200b", "")).strip()
    if generated and generated not in own:
        own = f"{own}, page {generated}" if generated.isdigit() else f"{own} {generated}".strip()
    return own


def _generated_texts(box: Any, inside_pseudo: bool = False) -> Iterator[str]:
    """Text of the ::before / ::after boxes under `box` (leaders included, removed by the caller)."""
    tag = getattr(box, "element_tag", "") or ""
    pseudo = inside_pseudo or "::" in tag
    text = getattr(box, "text", None)
    if pseudo and isinstance(text, str):
        yield text
    for child in getattr(box, "children", []) or []:
        yield from _generated_texts(child, pseudo)
