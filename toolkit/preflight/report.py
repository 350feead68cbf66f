"""Findings and reports, and the constants the rules share."""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


LEVELS = ("error", "warning", "info")
VARIANTS = ("print", "screen")
BINDING_MULTIPLE = {"saddle-stitch": 4, "sheets": 2, "none": 1}

MM = 72 / 25.4
BLEED_MM = 3.0
BLEED_TOLERANCE_MM = 0.1
PRINT_MIN_PPI = 300
PPI_TOLERANCE = 0.99  # 299 ppi after float rounding of a 300 ppi image is fine
SUBPROCESS_TIMEOUT = 120
MAX_OPERATORS = 5_000_000  # content operators interpreted per file before the walk gives up

NS_RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
NS_DC = "http://purl.org/dc/elements/1.1/"
NS_PDF = "http://ns.adobe.com/pdf/1.3/"
NS_PDFX = "http://ns.adobe.com/pdfx/1.3/"
NS_PDFXID = "http://www.npes.org/pdfx/ns/id/"
NS_PDFUAID = "http://www.aiim.org/pdfua/ns/id/"


@dataclass
class Finding:
    level: str  # "error" | "warning" | "info"
    rule: str
    message: str
    page: int | None = None  # 1-based


@dataclass
class Report:
    path: str
    variant: str | None
    pages: int
    bytes: int
    findings: list[Finding] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not any(f.level == "error" for f in self.findings)

    def count(self, level: str) -> int:
        return sum(1 for f in self.findings if f.level == level)

    def rules(self, level: str | None = None) -> set[str]:
        return {f.rule for f in self.findings if level is None or f.level == level}

    def to_dict(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "variant": self.variant,
            "pages": self.pages,
            "bytes": self.bytes,
            "ok": self.ok,
            "findings": [asdict(f) for f in self.findings],
        }
