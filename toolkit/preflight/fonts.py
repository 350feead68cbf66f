"""Fonts met by the walk: embedded, subset, Type3."""
from __future__ import annotations

import re
from typing import Any

from .report import Finding
from .pdfutil import IDENTITY, _key
from .walk import _Stream


class FontChecks:
    """Fonts met by the walk: embedded, subset."""

    # fonts

    def _collect_fonts(self, resources: Any, page: int) -> None:
        if resources is None:
            return
        fonts = resources.get("/Font")
        if not isinstance(fonts, self.pk.Dictionary):
            return
        for name, font in fonts.items():
            if not isinstance(font, self.pk.Dictionary):
                continue
            key = _key(font)
            if key in self.fonts:
                continue
            self.fonts[key] = (font, name, page)
            if font.get("/Subtype") == "/Type3":
                self._walk_type3(font, name, resources, page)

    def _walk_type3(self, font: Any, name: str, resources: Any, page: int) -> None:
        procs = font.get("/CharProcs")
        if not isinstance(procs, self.pk.Dictionary):
            return
        glyph_resources = font.get("/Resources") or resources
        for glyph, proc in procs.items():
            if isinstance(proc, self.pk.Stream):
                where = _Stream(page, f"Type3 font {name} glyph {glyph}", False)
                self._walk_form(proc, glyph_resources, where, IDENTITY, depth=1)

    def _check_fonts(self) -> None:
        subset = re.compile(r"^[A-Z]{6}\+")
        for key, (font, name, page) in self.fonts.items():
            page = self.font_pages.get(key, page)
            subtype = str(font.get("/Subtype", ""))
            base = str(font.get("/BaseFont", name))
            base = base.removeprefix("/")
            if subtype == "/Type3":
                self.findings.append(Finding("warning", "type3-font",
                                             f"Type3 font {name} ({base}): glyphs are content streams, "
                                             f"embedded by nature but unhinted and often rasterised", page))
                continue
            descendants = [font]
            if subtype == "/Type0":
                descendants = [d for d in (font.get("/DescendantFonts") or [])
                               if isinstance(d, self.pk.Dictionary)]
                if not descendants:
                    self.findings.append(Finding("error", "font-embedded",
                                                 f"Type0 font {base} has no DescendantFonts", page))
                    continue
            for descendant in descendants:
                dbase = str(descendant.get("/BaseFont", base))
                dbase = dbase.removeprefix("/")
                descriptor = descendant.get("/FontDescriptor")
                if not isinstance(descriptor, self.pk.Dictionary):
                    kind = str(descendant.get("/Subtype", subtype))[1:]
                    self.findings.append(Finding(
                        "error", "font-embedded",
                        f"font {dbase} ({kind}) has no FontDescriptor: not embedded (a standard-14 font?)",
                        page))
                    continue
                files = [k for k in ("/FontFile", "/FontFile2", "/FontFile3") if k in descriptor]
                if not files:
                    self.findings.append(Finding(
                        "error", "font-embedded",
                        f"font {dbase} is not embedded (no FontFile/FontFile2/FontFile3)", page))
                    continue
                if "/FontFile3" in files:
                    fontfile = descriptor["/FontFile3"]
                    if isinstance(fontfile, self.pk.Stream) and fontfile.get("/Subtype") == "/OpenType":
                        self._feature(1.6, "OpenType font program")
                    else:
                        self._feature(1.2, "compact font program")
                if not subset.match(dbase):
                    self.findings.append(Finding("warning", "font-subset",
                                                 f"font {dbase} is embedded whole, not subset", page))
