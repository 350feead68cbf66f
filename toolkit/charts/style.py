"""The theme as the charts see it: fonts, colour tokens (RGB and CMYK), palette, variant."""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal, Mapping

CMYK = tuple[float, float, float, float]  # percentages, as in theme.yaml
# Colours matplotlib may write without being asked (defaults): their print values.
DEFAULT_CMYK: dict[str, CMYK] = {"#000000": (0, 0, 0, 100), "#ffffff": (0, 0, 0, 0)}


@dataclass(frozen=True)
class ChartStyle:
    """Everything about the theme a chart needs; `cmyk` is set in the print variant."""

    font_files: tuple[Path, ...]
    font_family: str
    colors: dict[str, str]  # token -> "#rrggbb"
    palette: tuple[str, ...]  # tokens for series, in order
    cmyk: dict[str, CMYK] | None = None  # token -> (c, m, y, k) percentages
    ink: str = "ink"
    muted: str = "muted"
    rule: str = "rule"
    tint: str = "tint"  # lightest colour: empty squares, map scale start
    accent: str = "accent"  # emphasis (`highlight`)
    variant: Literal["print", "screen"] = "screen"
    font_size_pt: float = 7.5  # labels; never below 7 pt anywhere

    def __post_init__(self) -> None:
        tokens = [self.ink, self.muted, self.rule, self.tint, self.accent, *self.palette]
        missing = [t for t in tokens if t not in self.colors]
        if missing:
            raise ValueError(f"chart style: colour token(s) {', '.join(missing)} not in the theme colours")
        if not self.palette:
            raise ValueError("chart style: the palette is empty")
        if self.variant == "print":
            if self.cmyk is None:
                raise ValueError("chart style: the print variant needs the CMYK value of every colour")
            lacking = [t for t in self.colors if t not in self.cmyk]
            if lacking:
                raise ValueError(f"chart style: no CMYK value for colour token(s) {', '.join(lacking)}")
        if not self.font_files:
            raise ValueError("chart style: no font files")

    def hex(self, token: str) -> str:
        return self.colors[token].lower()

    def fingerprint(self) -> str:
        """A stable digest of everything that changes the drawing (fonts by content)."""
        payload = {
            "fonts": [_file_digest(str(p)) for p in self.font_files],
            "family": self.font_family,
            "colors": sorted(self.colors.items()),
            "cmyk": sorted((k, list(v)) for k, v in (self.cmyk or {}).items()),
            "palette": list(self.palette),
            "roles": [self.ink, self.muted, self.rule, self.tint, self.accent],
            "variant": self.variant,
            "size": self.font_size_pt,
        }
        return hashlib.sha256(json.dumps(payload, sort_keys=True, default=str).encode()).hexdigest()


@lru_cache(maxsize=64)
def _file_digest(path: str) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def chart_style_from_theme(theme: Mapping[str, Any], fonts_dir: Path,
                           variant: Literal["print", "screen"] = "screen") -> ChartStyle:
    """A `ChartStyle` from a theme's tokens (theme.yaml merged with its parents).

    Uses `colors` ({token: {rgb, cmyk}}), `chart_palette` and `fonts.sans` ({family, files}).
    """
    colors = {name: str(value["rgb"]).lower() for name, value in theme["colors"].items()}
    cmyk = {name: tuple(float(v) for v in value["cmyk"]) for name, value in theme["colors"].items()
            if value.get("cmyk") is not None}
    sans = theme["fonts"]["sans"]
    files = tuple(fonts_dir / f["file"] for f in sans["files"]
                  if str(f["file"]).lower().endswith((".ttf", ".otf")))
    return ChartStyle(
        font_files=files,
        font_family=sans["family"],
        colors=colors,
        cmyk=cmyk if variant == "print" else None,
        palette=tuple(theme.get("chart_palette") or ("primary",)),
        variant=variant,
    )


class ColorBook:
    """Colours a chart may use, with their print values; mixes are added as they are made."""

    def __init__(self, style: ChartStyle):
        self.style = style
        self.cmyk_by_hex: dict[str, CMYK] = dict(DEFAULT_CMYK)
        for token, hex_value in style.colors.items():
            value = (style.cmyk or {}).get(token)
            if value is not None:
                self._add(hex_value.lower(), value)

    def _add(self, hex_value: str, value: CMYK) -> None:
        known = self.cmyk_by_hex.get(hex_value)
        if known is not None and tuple(known) != tuple(value) and hex_value not in DEFAULT_CMYK:
            raise ValueError(f"colour {hex_value} has two CMYK values ({known} and {value}) in the theme")
        self.cmyk_by_hex.setdefault(hex_value, tuple(value))

    def __getitem__(self, token: str) -> str:
        return self.style.hex(token)

    def mix(self, light: str, dark: str, t: float) -> str:
        """The colour `t` of the way from token `light` to token `dark` (RGB; CMYK mixed alike)."""
        a, b = _rgb(self[light]), _rgb(self[dark])
        hex_value = "#" + "".join(f"{round(x + (y - x) * t):02x}" for x, y in zip(a, b))
        if self.style.cmyk is not None:
            ca, cb = self.style.cmyk[light], self.style.cmyk[dark]
            mixed = tuple(round(x + (y - x) * t, 1) for x, y in zip(ca, cb))
            if hex_value in self.cmyk_by_hex and self.cmyk_by_hex[hex_value] != mixed:
                return self.mix(light, dark, t + 0.004)  # keep one print value per colour
            self._add(hex_value, mixed)
        return hex_value

    def device_cmyk(self, hex_value: str) -> str:
        """`device-cmyk(c m y k)` with components from 0 to 1, as WeasyPrint reads it."""
        try:
            value = self.cmyk_by_hex[hex_value.lower()]
        except KeyError:
            raise ValueError(f"colour {hex_value} is not a theme colour: it has no CMYK value "
                             "for the print variant") from None
        return "device-cmyk(" + " ".join(_fraction(v) for v in value) + ")"


def _rgb(hex_value: str) -> tuple[int, int, int]:
    h = hex_value.lstrip("#")
    return int(h[0:2], 16), int(h[2:4], 16), int(h[4:6], 16)


def _fraction(percent: float) -> str:
    return f"{percent / 100:.4f}".rstrip("0").rstrip(".") or "0"
