"""What WeasyPrint makes of a print chart: DeviceCMYK only, text set in the embedded theme font."""
from __future__ import annotations

import re

import pytest
from charts_testlib import FONTS, block, print_style  # noqa: F401 (fixtures)

from toolkit.charts import render_chart

weasyprint = pytest.importorskip("weasyprint")


def _pdf(svgs: list[str]) -> bytes:
    faces = "".join(
        f'@font-face {{ font-family: "Source Sans 3"; src: url("{(FONTS / "source-sans-3" / f).as_uri()}"); '
        f"font-weight: {w}; }}"
        for f, w in (("SourceSans3-Regular.ttf", 400), ("SourceSans3-Semibold.ttf", 600),
                     ("SourceSans3-Bold.ttf", 700)))
    html = (f"<html lang='fr'><head><style>{faces} @page {{ size: 100mm 140mm; margin: 5mm }}</style></head>"
            f"<body>{''.join(svgs)}</body></html>")
    return weasyprint.HTML(string=html).write_pdf(uncompressed_pdf=True, pdf_variant="pdf/x-4")


def test_print_charts_come_out_cmyk(print_style, tmp_path):
    pdf = _pdf([render_chart(block(name), print_style, tmp_path) for name in ("bar", "map")])
    streams = b"\n".join(re.findall(rb"stream\n(.*?)endstream", pdf, re.S))
    assert len(re.findall(rb"/DeviceCMYK (?:cs|CS)", streams)) > 20
    assert not re.search(rb"\n[\d. ]+ (?:rg|RG|g|G)\n", streams)
    assert b"/DeviceRGB" not in streams
    fonts = set(re.findall(rb"/BaseFont\s*/([A-Z]{6}\+)?([\w-]+)", pdf))
    assert fonts and all(name.startswith(b"Source-Sans-3") for _, name in fonts)
