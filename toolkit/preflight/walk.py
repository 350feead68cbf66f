"""The content walk: every page's content stream, its forms, patterns, soft masks and annotation
appearances, interpreted once for the colour, image and font checks."""
from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from .report import Finding, MAX_OPERATORS
from .pdfutil import IDENTITY, Matrix, _apply, _box, _inherited, _key, _lookup, _matrix, _mul, _rgb_space, _short


@dataclass
class _Stream:
    """Where a content stream sits, for messages: page and a readable location."""

    page: int
    where: str
    geometry: bool = True  # False for Type3 glyphs: coordinates are not page coordinates


@dataclass
class _RgbUse:
    page: int
    where: str
    what: str
    count: int = 0
    ops: dict[str, int] = field(default_factory=dict)
    bbox: list[float] | None = None  # union of what is painted in RGB, page space
    pieces: int = 0  # paint operations using the RGB colour
    inside: bool = False  # one of them reaches into the TrimBox (or its extent is unknown)
    text: bool = False
    geometry: bool = True


@dataclass
class _Gfx:
    ctm: Matrix = IDENTITY
    fill_rgb: str | None = None  # description of the RGB space, None when not RGB
    stroke_rgb: str | None = None
    fill_key: tuple | None = None
    stroke_key: tuple | None = None


_XOBJECT_NAME = re.compile(r"(?<=Form XObject )/\S+")


def _natural(text: str) -> list:
    return [int(part) if part.isdigit() else part for part in re.split(r"(\d+)", text)]


class _OutOfBudget(Exception):
    pass



class ContentWalk:
    """Walks every page's content, forms, patterns and annotations' appearances."""

    # -- content walk (colours, images, fonts)

    def _walk_pages(self) -> None:
        for number, page in enumerate(self.pdf.pages, start=1):
            try:
                self._walk_page(number, page)
            except _OutOfBudget:
                self.findings.append(Finding(
                    "warning", "internal",
                    f"more than {MAX_OPERATORS} content operators: colours and images checked up to here",
                    number))
                return
            except Exception as exc:  # noqa: BLE001 - one malformed page must not hide the others
                self.findings.append(Finding("error", "internal",
                                             f"page content cannot be walked: {_short(exc)}", number))

    def _walk_page(self, number: int, page: Any) -> None:
        obj = page.obj
        resources = _inherited(obj, "/Resources")
        if resources is None:
            resources = self.pk.Dictionary()
        self._check_group(obj, _Stream(number, "page"))
        self._collect_fonts(resources, number)
        try:
            instructions = self.pk.parse_content_stream(page)
        except Exception as exc:  # noqa: BLE001
            self.findings.append(Finding("error", "internal",
                                         f"page content stream cannot be parsed: {_short(exc)}", number))
            instructions = []
        self._interpret(instructions, resources, _Stream(number, "page content"), IDENTITY, depth=0)
        for index, annot in enumerate(obj.get("/Annots", None) or []):
            if not isinstance(annot, self.pk.Dictionary):
                continue
            subtype = str(annot.get("/Subtype", "/Annot"))[1:]
            appearances = annot.get("/AP")
            if not isinstance(appearances, self.pk.Dictionary):
                continue
            for state_key in ("/N", "/R", "/D"):
                entry = appearances.get(state_key)
                streams = []
                if isinstance(entry, self.pk.Stream):
                    streams.append(("", entry))
                elif isinstance(entry, self.pk.Dictionary):
                    streams.extend((str(k), v) for k, v in entry.items() if isinstance(v, self.pk.Stream))
                for state, stream in streams:
                    where = f"{subtype} annotation #{index + 1} appearance {state_key[1:]}{state}"
                    rect = _box(annot["/Rect"]) if "/Rect" in annot else [0, 0, 0, 0]
                    self._walk_form(stream, resources, _Stream(number, where),
                                    (1.0, 0.0, 0.0, 1.0, rect[0], rect[1]), depth=1)

    def _parse(self, stream: Any) -> list:
        key = stream.objgen
        if key != (0, 0) and key in self.parsed:
            return self.parsed[key]
        instructions = list(self.pk.parse_content_stream(stream))
        if key != (0, 0):
            self.parsed[key] = instructions
        return instructions

    def _walk_form(self, form: Any, parent_resources: Any, where: _Stream, ctm: Matrix, depth: int) -> None:
        key = _key(form)
        if depth > 32 or key in self.active_forms:
            return
        self.active_forms.add(key)
        try:
            self._walk_form_body(form, parent_resources, where, ctm, depth)
        finally:
            self.active_forms.discard(key)

    def _walk_form_body(self, form: Any, parent_resources: Any, where: _Stream, ctm: Matrix,
                        depth: int) -> None:
        resources = form.get("/Resources")
        if resources is None:
            resources = parent_resources  # old files inherit the page's resources
        matrix = _matrix(form.get("/Matrix")) or IDENTITY
        self._check_group(form, where)
        self._collect_fonts(resources, where.page)
        try:
            instructions = self._parse(form)
        except Exception as exc:  # noqa: BLE001
            self.findings.append(Finding("error", "internal", f"{where.where}: cannot parse: {_short(exc)}",
                                         where.page))
            return
        self._interpret(instructions, resources, where, _mul(matrix, ctm), depth)

    def _interpret(self, instructions: Iterable, resources: Any, where: _Stream, ctm: Matrix,
                   depth: int) -> None:
        pk = self.pk
        gfx = _Gfx(ctm=ctm)
        stack: list[_Gfx] = []
        path: list[tuple[float, float]] = []
        xobjects = resources.get("/XObject") if resources is not None else None
        for operands, operator in instructions:
            self.budget -= 1
            if self.budget < 0:
                raise _OutOfBudget
            op = str(operator)
            if op == "q":
                stack.append(_Gfx(gfx.ctm, gfx.fill_rgb, gfx.stroke_rgb, gfx.fill_key, gfx.stroke_key))
            elif op == "Q":
                if stack:
                    gfx = stack.pop()
            elif op == "cm" and len(operands) == 6:
                gfx.ctm = _mul(tuple(float(v) for v in operands), gfx.ctm)  # type: ignore[arg-type]
            elif op in ("rg", "RG"):
                self._rgb_colour(where, op, "DeviceRGB", gfx, stroke=(op == "RG"))
            elif op in ("g", "k"):
                gfx.fill_rgb, gfx.fill_key = None, None
            elif op in ("G", "K"):
                gfx.stroke_rgb, gfx.stroke_key = None, None
            elif op in ("cs", "CS") and operands:
                rgb = _rgb_space(operands[0], resources)
                if rgb:
                    self._rgb_colour(where, f"{op} {operands[0]}", rgb, gfx, stroke=(op == "CS"))
                elif op == "cs":
                    gfx.fill_rgb, gfx.fill_key = None, None
                else:
                    gfx.stroke_rgb, gfx.stroke_key = None, None
            elif op in ("scn", "SCN") and operands and isinstance(operands[-1], pk.Name):
                self._pattern(operands[-1], resources, where, gfx.ctm, depth)
            elif op == "sh" and operands:
                shading = _lookup(resources, "/Shading", operands[0])
                if shading is not None:
                    self._shading(shading, resources, where, f"shading {operands[0]}", "sh", gfx.ctm, None)
            elif op == "gs" and operands:
                state = _lookup(resources, "/ExtGState", operands[0])
                if isinstance(state, pk.Dictionary):
                    self._ext_gstate(state, operands[0], resources, where, gfx.ctm, depth)
            elif op in ("m", "l") and len(operands) >= 2:
                path.append(_apply(gfx.ctm, float(operands[-2]), float(operands[-1])))
            elif op in ("c", "v", "y"):
                values = [float(v) for v in operands]
                path.extend(_apply(gfx.ctm, values[i], values[i + 1]) for i in range(0, len(values) - 1, 2))
            elif op == "re" and len(operands) == 4:
                x, y, w, h = (float(v) for v in operands)
                corners = ((x, y), (x + w, y), (x, y + h), (x + w, y + h))
                path.extend(_apply(gfx.ctm, px, py) for px, py in corners)
            elif op in ("f", "F", "f*", "B", "B*", "b", "b*", "S", "s", "n"):
                if op != "n":
                    fill = op not in ("S", "s")
                    stroke = op in ("S", "s", "B", "B*", "b", "b*")
                    keys = {key for uses, key in ((fill, gfx.fill_key), (stroke, gfx.stroke_key))
                            if uses and key is not None and key in self.rgb}
                    for key in keys:
                        self._painted(self.rgb[key], path)
                path = []
            elif op == "Tf" and operands:
                font = _lookup(resources, "/Font", operands[0])
                if isinstance(font, pk.Dictionary):
                    self.font_pages.setdefault(_key(font), where.page)
            elif op in ("Tj", "TJ", "'", '"'):
                if gfx.fill_key is not None and gfx.fill_key in self.rgb:
                    self.rgb[gfx.fill_key].text = True
            elif op == "Do" and operands and xobjects is not None:
                name = operands[0]
                xobject = xobjects.get(name)
                if not isinstance(xobject, pk.Stream):
                    continue
                subtype = xobject.get("/Subtype")
                if subtype == "/Image":
                    self._image(xobject, str(name), resources, where, gfx.ctm)
                elif subtype == "/Form":
                    label = f"Form XObject {name}"
                    if where.where != "page content":
                        label = f"{where.where} > {label}"
                    self._walk_form(xobject, resources, _Stream(where.page, label, where.geometry),
                                    gfx.ctm, depth + 1)
            elif op == "INLINE IMAGE" and operands:
                self._inline_image(operands[0], resources, where, gfx.ctm)
