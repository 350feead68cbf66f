"""Themes: a folder of templates and CSS plus `theme.yaml` design tokens, with an optional parent."""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from .errors import Problems, ContentError
from .load import parse_yaml, read_text
from .messages import did_you_mean
from .paths import FONTS, LAYOUTS

THEME_FILE = "theme.yaml"
KNOWN_TOKEN_GROUPS = {"name", "parent", "description", "fonts", "colors", "chart_palette", "page", "type", "grid", "print"}


def deep_merge(base: dict[str, Any], overlay: dict[str, Any]) -> dict[str, Any]:
    """Overlay wins key by key; nested mappings merge, lists and scalars are replaced."""
    merged = dict(base)
    for key, value in overlay.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = deep_merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def _plain(value: Any) -> Any:
    """ruamel's round-trip containers → plain dicts and lists (hashable-friendly, picklable)."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


@dataclass(frozen=True)
class Theme:
    """A resolved theme: its folders from most specific to base, and its merged tokens."""

    name: str
    folders: tuple[Path, ...]
    tokens: dict[str, Any]
    warnings: tuple[Any, ...] = ()  # problems found in theme.yaml that do not stop a build

    @property
    def template_folders(self) -> list[Path]:
        return [folder / "templates" for folder in self.folders if (folder / "templates").is_dir()]

    @property
    def stylesheets(self) -> list[Path]:
        """CSS files, base first so that child themes override it."""
        return [folder / "style.css" for folder in reversed(self.folders) if (folder / "style.css").is_file()]

    @property
    def output_profile(self) -> Path:
        """The printer's ICC profile (`print.output_profile` token, relative to the theme that sets it)."""
        for folder in self.folders:
            candidate = folder / self.tokens.get("print", {}).get("output_profile", "")
            if candidate.is_file():
                return candidate
        return LAYOUTS / "base" / "icc" / "ISOcoated_v2_300_bas.icc"

    def variant_stylesheets(self, variant: str) -> list[Path]:
        """`print.css` or `screen.css` of each theme folder, base first."""
        return [folder / f"{variant}.css" for folder in reversed(self.folders)
                if (folder / f"{variant}.css").is_file()]

    def color(self, name: str, variant: str, small_text: bool = False) -> str:
        """A colour token as CSS: hex on screen, device-cmyk() in print. `small_text`: its screen-safe
        value for text under 18 pt (`rgb_text`, readable at 4.5:1), where the theme gives one."""
        token = self.tokens["colors"][name]
        if variant == "print":
            c, m, y, k = (round(v / 100, 4) for v in token["cmyk"])
            return f"device-cmyk({c:g} {m:g} {y:g} {k:g})"
        return str(token.get("rgb_text") or token["rgb"]) if small_text else str(token["rgb"])

    def font_files(self, family: str = "sans") -> list[Path]:
        return [FONTS / face["file"] for face in self.tokens["fonts"][family]["files"]]

    def css_tokens(self, variant: str) -> str:
        """Design tokens as CSS custom properties, and @font-face rules for the theme's fonts."""
        lines = [":root {"]
        for name in self.tokens["colors"]:
            lines.append(f"  --color-{name}: {self.color(name, variant)};")
            lines.append(f"  --color-{name}-text: {self.color(name, variant, small_text=True)};")
        for group in ("page", "type", "grid"):
            for name, value in self.tokens.get(group, {}).items():
                lines.append(f"  --{group}-{name.replace('_', '-')}: {value};")
        for key, font in self.tokens["fonts"].items():
            lines.append(f"  --font-{key}: \"{font['family']}\";")
        lines.append("}")
        for font in self.tokens["fonts"].values():
            for face in font["files"]:
                url = (FONTS / face["file"]).as_uri()
                lines.append(f"@font-face {{ font-family: \"{font['family']}\"; src: url(\"{url}\"); "
                             f"font-weight: {face['weight']}; font-style: {face['style']}; }}")
        return "\n".join(lines) + "\n"


def theme_chain(name: str, problems: Problems, layouts: Path = LAYOUTS) -> list[tuple[Path, dict[str, Any]]]:
    """The theme and its parents, most specific first; a loop or a missing parent is a problem."""
    chain: list[tuple[Path, dict[str, Any]]] = []
    current: str | None = name
    seen: set[str] = set()
    while current:
        folder = layouts / current
        if current in seen:
            problems.error(folder / THEME_FILE, 0, f"theme '{current}' is its own ancestor")
            break
        seen.add(current)
        text = read_text(folder / THEME_FILE, problems) if (folder / THEME_FILE).is_file() else None
        if text is None:
            themes = sorted(p.parent.name for p in layouts.glob(f"*/{THEME_FILE}"))
            problems.error(folder / THEME_FILE, 0, f"theme '{current}' not found{did_you_mean(current, themes)}: "
                                                   f"expected a folder layouts/{current}/ with a {THEME_FILE} "
                                                   f"(themes: {', '.join(themes)})")
            break
        located = parse_yaml(text, folder / THEME_FILE, 1, problems)
        tokens = _plain(located.value)
        for key in tokens:
            if key not in KNOWN_TOKEN_GROUPS:
                problems.warning(folder / THEME_FILE, located.line_of((key,)),
                                 f"unknown token group '{key}' (known: {', '.join(sorted(KNOWN_TOKEN_GROUPS))})")
        chain.append((folder, tokens))
        current = tokens.get("parent") or (None if current == "base" else "base")
    return chain


@lru_cache(maxsize=16)
def load_theme(name: str, layouts: Path = LAYOUTS) -> Theme:
    """Resolve a theme by name; raises ContentError naming the theme file at fault."""
    problems = Problems()
    chain = theme_chain(name, problems, layouts)
    tokens: dict[str, Any] = {}
    for _, layer in reversed(chain):
        tokens = deep_merge(tokens, layer)
    _check_tokens(tokens, chain, problems)
    problems.raise_if_any()
    return Theme(name, tuple(folder for folder, _ in chain), tokens, tuple(problems.warnings))


def _check_tokens(tokens: dict[str, Any], chain: list[tuple[Path, dict[str, Any]]], problems: Problems) -> None:
    where = chain[0][0] / THEME_FILE if chain else Path(THEME_FILE)
    for name, token in tokens.get("colors", {}).items():
        if not isinstance(token, dict) or "rgb" not in token or "cmyk" not in token:
            problems.error(where, 0, f"colour '{name}' needs both 'rgb' and 'cmyk' values")
        elif len(token["cmyk"]) != 4:
            problems.error(where, 0, f"colour '{name}': cmyk needs 4 percentages")
    for family in tokens.get("fonts", {}).values():
        for face in family.get("files", []):
            if not (FONTS / face["file"]).is_file():
                problems.error(where, 0, f"font file fonts/{face['file']} not found")
    openers = (tokens.get("page") or {}).get("openers", "recto")
    if openers not in ("recto", "any", "flow"):
        problems.error(where, 0, f"page.openers is '{openers}': write 'recto' (chapters open on a right-hand "
                                 "page), 'any' (chapters open on the next page) or 'flow' (chapters open "
                                 "where the text before them ends)")
    for name in tokens.get("chart_palette", []):
        if name not in tokens.get("colors", {}):
            problems.error(where, 0, f"chart_palette names unknown colour '{name}'")


__all__ = ["Theme", "load_theme", "deep_merge", "ContentError"]
