"""What the walk met in colour: RGB operators, spaces, groups and shadings; images and their resolution."""
from __future__ import annotations

import math
from typing import Any

from .report import Finding, MM, PPI_TOLERANCE, PRINT_MIN_PPI
from .pdfutil import IDENTITY, Matrix, _apply, _box, _filters, _lookup, _matrix, _page_ranges, _rgb_space, _space_name
from .walk import _Gfx, _RgbUse, _Stream, _XOBJECT_NAME, _natural


class ColourChecks:
    """RGB colours, transparency groups and images met by the walk (print: none allowed)."""

    # colour bookkeeping

    def _rgb_colour(self, where: _Stream, op: str, what: str, gfx: _Gfx, stroke: bool) -> None:
        key = (where.page, where.where, what)
        use = self.rgb.get(key)
        if use is None:
            use = self.rgb[key] = _RgbUse(where.page, where.where, what, geometry=where.geometry)
        use.count += 1
        use.ops[op.split()[0]] = use.ops.get(op.split()[0], 0) + 1
        if stroke:
            gfx.stroke_rgb, gfx.stroke_key = what, key
        else:
            gfx.fill_rgb, gfx.fill_key = what, key

    def _rgb_thing(self, where: _Stream, op: str, what: str, bbox: list[float] | None = None) -> None:
        key = (where.page, where.where, what)
        use = self.rgb.get(key)
        if use is None:
            use = self.rgb[key] = _RgbUse(where.page, where.where, what, geometry=where.geometry)
        use.count += 1
        use.ops[op] = use.ops.get(op, 0) + 1
        if bbox:
            self._painted(use, [(bbox[0], bbox[1]), (bbox[2], bbox[3])])
        else:
            use.text = True  # unknown extent: never claim it is outside the trim

    def _painted(self, use: _RgbUse, points: list[tuple[float, float]]) -> None:
        """One paint operation in RGB: grow the extent, note whether it reaches into the TrimBox."""
        if not points:
            return
        use.pieces += 1
        xs, ys = [p[0] for p in points], [p[1] for p in points]
        box = [min(xs), min(ys), max(xs), max(ys)]
        _extend(use, points)
        trim = self.trimboxes.get(use.page)
        epsilon = 0.01
        if trim is None or not (box[2] <= trim[0] + epsilon or box[0] >= trim[2] - epsilon
                                or box[3] <= trim[1] + epsilon or box[1] >= trim[3] - epsilon):
            use.inside = True

    def _check_group(self, obj: Any, where: _Stream) -> None:
        group = obj.get("/Group")
        if not isinstance(group, self.pk.Dictionary):
            return
        if group.get("/S") == "/Transparency":
            self._feature(1.4, "transparency group")
        cs = group.get("/CS")
        if cs is None:
            return
        rgb = _rgb_space(cs, None)
        key = (where.page, where.where, "group")
        if rgb and self.variant == "print" and key not in self.seen_groups:
            self.seen_groups.add(key)
            self.findings.append(Finding(
                "error", "rgb-group", f"{where.where}: transparency group blends in {rgb} (/Group /CS)",
                where.page))

    def _ext_gstate(self, state: Any, name: Any, resources: Any, where: _Stream, ctm: Matrix,
                    depth: int) -> None:
        for key in ("/ca", "/CA"):
            value = state.get(key)
            if value is not None and float(value) < 1:
                self._feature(1.4, "transparency (constant alpha)")
        if "/BM" in state and state["/BM"] not in ("/Normal", "/Compatible"):
            self._feature(1.4, "blend mode")
        smask = state.get("/SMask")
        if isinstance(smask, self.pk.Dictionary):
            self._feature(1.4, "soft mask")
            group = smask.get("/G")
            if isinstance(group, self.pk.Stream):
                label = f"soft mask of ExtGState {name}"
                self._walk_form(group, resources, _Stream(where.page, label, where.geometry), ctm, depth + 1)

    def _pattern(self, name: Any, resources: Any, where: _Stream, ctm: Matrix, depth: int) -> None:
        pattern = _lookup(resources, "/Pattern", name)
        if pattern is None or depth > 32:
            return
        kind = int(pattern.get("/PatternType", 0))
        if kind == 1 and isinstance(pattern, self.pk.Stream):
            self._walk_form(pattern, resources, _Stream(where.page, f"tiling pattern {name}", where.geometry),
                            IDENTITY, depth + 1)
        elif kind == 2:
            shading = pattern.get("/Shading")
            if shading is not None:
                self._shading(shading, resources, where, f"shading pattern {name}", "scn", ctm, pattern)

    def _shading(self, shading: Any, resources: Any, where: _Stream, label: str, op: str, ctm: Matrix,
                 pattern: Any) -> None:
        rgb = _rgb_space(shading.get("/ColorSpace"), resources)
        if not rgb:
            return
        bbox = None  # `sh` paints the current clip, a pattern without /BBox its whole area: extent unknown
        if pattern is not None and "/BBox" in shading:
            matrix = _matrix(pattern.get("/Matrix")) or IDENTITY  # pattern space -> default page space
            b = _box(shading["/BBox"])
            corners = ((b[0], b[1]), (b[2], b[1]), (b[0], b[3]), (b[2], b[3]))
            points = [_apply(matrix, x, y) for x, y in corners]
            bbox = [min(p[0] for p in points), min(p[1] for p in points),
                    max(p[0] for p in points), max(p[1] for p in points)]
        self._rgb_thing(where, op, f"{rgb} in {label}", bbox)

    # images

    def _image(self, image: Any, name: str, resources: Any, where: _Stream, ctm: Matrix) -> None:
        if image.get("/ImageMask") is True:
            return
        if "/SMask" in image:
            self._feature(1.4, "image soft mask")
        width, height = int(image.get("/Width", 0)), int(image.get("/Height", 0))
        colour_space = image.get("/ColorSpace")
        rgb = _rgb_space(colour_space, resources) if colour_space is not None else None
        if colour_space is None and "/JPXDecode" in _filters(image):
            rgb = "JPEG 2000 with its colour space inside the codestream: check it is not RGB"
        label = f"image {name}"
        self._record_image(image.objgen, label, width, height, colour_space, rgb, where, ctm)

    def _inline_image(self, inline: Any, resources: Any, where: _Stream, ctm: Matrix) -> None:
        try:
            info = inline.obj
        except Exception:  # noqa: BLE001
            return
        if info.get("/ImageMask") is True:
            return
        colour_space = info.get("/ColorSpace")
        rgb = _rgb_space(colour_space, resources) if colour_space is not None else None
        width, height = int(info.get("/Width", 0)), int(info.get("/Height", 0))
        self._record_image((id(inline), -1), "inline image (BI ... ID)", width, height, colour_space, rgb,
                           where, ctm)

    def _record_image(self, objgen: tuple, label: str, width: int, height: int, colour_space: Any,
                      rgb: str | None, where: _Stream, ctm: Matrix) -> None:
        w_pt, h_pt = math.hypot(ctm[0], ctm[1]), math.hypot(ctm[2], ctm[3])
        ppi = None
        if w_pt > 0 and h_pt > 0 and width and height:
            ppi = min(width / (w_pt / 72), height / (h_pt / 72))
        key = (where.page, objgen, where.where)
        points = [_apply(ctm, x, y) for x, y in ((0, 0), (1, 0), (0, 1), (1, 1))]
        bbox = [min(p[0] for p in points), min(p[1] for p in points), max(p[0] for p in points),
                max(p[1] for p in points)]
        record = self.images.get(key)
        if record is None:
            self.images[key] = record = {
                "page": where.page, "where": where.where, "label": label, "width": width, "height": height,
                "space": _space_name(colour_space), "rgb": rgb, "ppi": ppi, "w_pt": w_pt, "h_pt": h_pt,
                "bbox": bbox, "geometry": where.geometry,
            }
        elif ppi is not None and (record["ppi"] is None or ppi < record["ppi"]):
            record.update(ppi=ppi, w_pt=w_pt, h_pt=h_pt)

    def _report_images(self) -> None:
        lowest: dict[str, Any] | None = None
        for record in self.images.values():
            if record["ppi"] is not None and record["geometry"] and (lowest is None or record["ppi"] < lowest["ppi"]):
                lowest = record
        if self.variant == "print" and lowest is not None and lowest["ppi"] >= PRINT_MIN_PPI * PPI_TOLERANCE:
            self.findings.append(Finding(
                "info", "image-resolution",
                f"{len(self.images)} image placement(s), all at {PRINT_MIN_PPI} ppi or more "
                f"(lowest {lowest['ppi']:.0f} ppi, page {lowest['page']})"))
        for record in self.images.values():
            page, where = record["page"], record["where"]
            inside = "" if where == "page content" else f" in {where}"
            size = f"{record['width']}x{record['height']} px"
            if record["rgb"] and self.variant == "print":
                level = "warning" if record["rgb"].startswith("JPEG 2000") else "error"
                self.findings.append(Finding(
                    level, "rgb-image", f"{record['label']}{inside} ({size}) is {record['rgb']}", page))
            ppi = record["ppi"]
            if ppi is None or not record["geometry"]:
                continue
            drawn = f"{record['w_pt'] / MM:.1f} x {record['h_pt'] / MM:.1f} mm"
            message = (f"{record['label']}{inside} ({size}, {record['space']}) drawn {drawn}: "
                       f"{ppi:.0f} ppi")
            if self.variant == "print":
                if ppi < PRINT_MIN_PPI * PPI_TOLERANCE:
                    self.findings.append(Finding("warning", "image-resolution",
                                                 f"{message} (< {PRINT_MIN_PPI})", page))
            else:
                self.findings.append(Finding("info", "image-resolution", message, page))

    def _report_rgb(self) -> None:
        """One finding per kind of RGB use; the same use on many pages (WeasyPrint's crop marks are one
        Form XObject per page, /x0, /x1, ...) becomes one line listing the pages."""
        if self.variant != "print":
            return
        groups: dict[tuple[str, str], list[_RgbUse]] = {}
        for use in self.rgb.values():
            ops = ", ".join(f"{op} x{n}" for op, n in sorted(use.ops.items()))
            where = _XOBJECT_NAME.sub("/…", use.where)
            message = f"{use.what} ({ops}) in {where}"
            hint = self._outside_trim(use)
            if hint:
                message += f"; {hint}"
            groups.setdefault((message, where), []).append(use)
        for (message, where), uses in groups.items():
            names = sorted({_XOBJECT_NAME.findall(u.where)[-1] for u in uses if _XOBJECT_NAME.search(u.where)},
                           key=_natural)
            if len(uses) == 1:
                message = message.replace(f" in {where}", f" in {uses[0].where}", 1)
            elif names:
                shown = ", ".join(names) if len(names) <= 4 else f"{names[0]}, {names[1]} ... {names[-1]}"
                head, _, tail = where.rpartition("Form XObject /…")
                message = message.replace(f" in {where}", f" in {head}Form XObjects {shown}{tail}", 1)
            pages = sorted({u.page for u in uses})
            if len(pages) > 1:
                message += f" (pages {_page_ranges(pages)})"
            self.findings.append(Finding("error", "rgb-colour", message, pages[0]))

    def _outside_trim(self, use: _RgbUse) -> str:
        if not use.geometry or use.text:
            return ""
        if use.pieces == 0:
            return "nothing is painted with it"
        if use.inside or use.page not in self.trimboxes:
            return ""
        return (f"all {use.pieces} shapes painted with it lie outside the TrimBox: printer's marks "
                f"(WeasyPrint draws its crop marks in RGB)")


def _extend(use: _RgbUse, points: list[tuple[float, float]]) -> None:
    if not points:
        return
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    box = [min(xs), min(ys), max(xs), max(ys)]
    if use.bbox is None:
        use.bbox = box
    else:
        use.bbox = [min(use.bbox[0], box[0]), min(use.bbox[1], box[1]),
                    max(use.bbox[2], box[2]), max(use.bbox[3], box[3])]
