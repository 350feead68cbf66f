"""Links, the screen file's catalog and structure tree, and the PDF version the features need."""
from __future__ import annotations

from typing import Any

from .report import Finding, NS_DC, NS_PDFUAID
from .pdfutil import _named_destinations, _resolve_role, _short, _version_number


class CatalogChecks:
    """Links, the screen file's catalog and tags, the PDF version."""

    # links

    def _check_links(self) -> None:
        level = "error" if self.variant == "screen" else "warning"
        named = _named_destinations(self.pdf, self.pk)
        for number, page in enumerate(self.pdf.pages, start=1):
            for annot in page.obj.get("/Annots", None) or []:
                if not isinstance(annot, self.pk.Dictionary) or annot.get("/Subtype") != "/Link":
                    continue
                problem = self._link_problem(annot, named)
                if problem:
                    self.findings.append(Finding(level, "link-dest", problem, number))

    def _link_problem(self, annot: Any, named: dict[str, Any]) -> str | None:
        pk = self.pk
        if "/Dest" in annot:
            return self._dest_problem(annot["/Dest"], named)
        action = annot.get("/A")
        if not isinstance(action, pk.Dictionary):
            return "link without /Dest or /A action"
        kind = action.get("/S")
        if kind == "/URI":
            uri = action.get("/URI")
            if not isinstance(uri, pk.String) or not str(uri).strip():
                return "URI link with an empty /URI"
            return None
        if kind == "/GoTo":
            if "/D" not in action:
                return "GoTo link without /D"
            return self._dest_problem(action["/D"], named)
        if kind == "/JavaScript":
            return "JavaScript link action (not allowed in PDF/X or PDF/UA files)"
        if kind in ("/GoToR", "/Launch", "/Named", "/GoToE", "/SubmitForm"):
            return None
        return f"link action {kind} not understood"

    def _dest_problem(self, dest: Any, named: dict[str, Any]) -> str | None:
        pk = self.pk
        if isinstance(dest, (pk.String, pk.Name)):
            key = str(dest)
            key = key[1:] if isinstance(dest, pk.Name) else key
            if key not in named:
                return f"link to named destination {key!r}, which does not exist"
            target = named[key]
            if isinstance(target, pk.Dictionary):
                target = target.get("/D")
            problem = self._explicit_problem(target)
            return f"named destination {key!r}: {problem}" if problem else None
        return self._explicit_problem(dest)

    def _explicit_problem(self, dest: Any) -> str | None:
        pk = self.pk
        if not isinstance(dest, pk.Array) or len(dest) == 0:
            return f"destination is not a page array: {_short(dest)}"
        target = dest[0]
        if isinstance(target, pk.Dictionary):
            if target.objgen in self.page_index:
                return None
            return "destination page is not a page of this document"
        if isinstance(target, int):
            if 0 <= int(target) < len(self.pdf.pages):
                return None
            return f"destination page number {int(target)} is outside the document"
        return f"destination does not start with a page: {_short(target)}"

    # screen

    def _check_screen_catalog(self) -> None:
        root, pk = self.pdf.Root, self.pk
        if "/StructTreeRoot" not in root:
            self.findings.append(Finding("error", "struct-tree",
                                         "no /StructTreeRoot: the file is not tagged"))
        mark = root.get("/MarkInfo")
        if not (isinstance(mark, pk.Dictionary) and mark.get("/Marked") is True):
            self.findings.append(Finding("error", "mark-info", "/MarkInfo /Marked is not true"))
        lang = root.get("/Lang")
        if lang is None or not str(lang).strip():
            self.findings.append(Finding("error", "lang", "no /Lang in the catalog"))
        title = self.xmp.get(f"{{{NS_DC}}}title")
        info = self.pdf.trailer.get("/Info")
        has_info_title = isinstance(info, pk.Dictionary) and "/Title" in info
        info_title = str(info["/Title"]).strip() if has_info_title else None
        if not (title and title.strip()) and not info_title:
            self.findings.append(Finding("error", "title", "no title in XMP dc:title nor /Info /Title"))
        elif not (title and title.strip()):
            self.findings.append(Finding("warning", "title",
                                         "title only in /Info: PDF/UA wants XMP dc:title"))
        prefs = root.get("/ViewerPreferences")
        if not (isinstance(prefs, pk.Dictionary) and prefs.get("/DisplayDocTitle") is True):
            self.findings.append(Finding("error", "display-doc-title",
                                         "/ViewerPreferences /DisplayDocTitle is not true"))
        part = self.xmp.get(f"{{{NS_PDFUAID}}}part")
        if part is None:
            self.findings.append(Finding("error", "pdfua-id", "XMP has no pdfuaid:part"))
        elif part.strip() != "1":
            self.findings.append(Finding("error", "pdfua-id", f"XMP pdfuaid:part is {part!r}, expected 1"))
        outlines = root.get("/Outlines")
        if not isinstance(outlines, pk.Dictionary) or not isinstance(outlines.get("/First"), pk.Dictionary):
            self.findings.append(Finding("error", "outlines", "no /Outlines entries (bookmarks)"))

    def _check_figures(self) -> None:
        pk = self.pk
        tree = self.pdf.Root.get("/StructTreeRoot")
        if not isinstance(tree, pk.Dictionary):
            return
        rolemap = tree.get("/RoleMap")
        rolemap = rolemap if isinstance(rolemap, pk.Dictionary) else pk.Dictionary()
        figures = missing = 0
        seen: set[tuple] = set()
        stack: list[Any] = [tree.get("/K")]
        while stack:
            node = stack.pop()
            if isinstance(node, pk.Array):
                stack.extend(reversed(list(node)))
                continue
            if not isinstance(node, pk.Dictionary):
                continue
            if node.objgen != (0, 0):
                if node.objgen in seen:
                    continue
                seen.add(node.objgen)
            if node.get("/Type") in ("/MCR", "/OBJR") or "/S" not in node:
                continue
            role = _resolve_role(node["/S"], rolemap)
            if role == "/Figure":
                figures += 1
                alt = node.get("/Alt")
                actual = node.get("/ActualText")
                has_alt = alt is not None and str(alt).strip()
                has_actual = actual is not None and str(actual).strip()
                if not (has_alt or has_actual):
                    missing += 1
                    what = "an empty /Alt" if alt is not None else "no /Alt"
                    tag = str(node["/S"]) + ("" if role == node["/S"] else f" (role {role})")
                    self.findings.append(Finding("error", "figure-alt",
                                                 f"{tag} structure element with {what}",
                                                 self._struct_page(node)))
            kids = node.get("/K")
            if kids is not None:
                stack.append(kids)
        if figures and not missing:
            self.findings.append(Finding("info", "figure-alt",
                                         f"{figures} figure(s), all with alternative text"))

    def _struct_page(self, node: Any) -> int | None:
        pk = self.pk
        todo = [node]
        for _ in range(64):
            if not todo:
                break
            current = todo.pop(0)
            if isinstance(current, pk.Dictionary):
                page = current.get("/Pg")
                if isinstance(page, pk.Dictionary) and page.objgen in self.page_index:
                    return self.page_index[page.objgen]
                kids = current.get("/K")
                if kids is not None:
                    todo.append(kids)
            elif isinstance(current, pk.Array):
                todo.extend(current)
        return None

    # version

    def _feature(self, version: float, what: str) -> None:
        if what not in self.features or self.features[what][0] < version:
            self.features[what] = (version, what)

    def _check_version(self) -> None:
        declared = _version_number(str(self.pdf.pdf_version))
        catalog = self.pdf.Root.get("/Version")
        if catalog is not None:
            declared = max(declared, _version_number(str(catalog).lstrip("/")))
        needed = [(v, what) for v, what in self.features.values() if v > declared + 1e-9]
        if needed:
            top = max(v for v, _ in needed)
            whats = ", ".join(sorted({what for v, what in needed}))
            self.findings.append(Finding(
                "warning", "pdf-version",
                f"the file declares PDF {declared:.1f} but uses {whats} (PDF {top:.1f}); "
                + ("PDF/X-4 files are PDF 1.6" if self.variant == "print"
                   else "strict readers may refuse them")))
        elif self.variant == "print" and declared > 1.6 + 1e-9:
            self.findings.append(Finding(
                "info", "pdf-version", f"the file declares PDF {declared:.1f}; PDF/X-4 is based on PDF 1.6"))
