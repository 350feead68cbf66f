"""Editions: a regional edition is an overlay on a base publication, never a copy.

`content/<publication>/editions/<name>.yaml` is deep-merged over `publication.yaml`, names its région,
and may add parts of its own (Markdown files in `editions/<name>/`). The build then gives the
edition its own cover (the région named, located on a map) and a regional chapter gathering, from the
content itself, the case studies and articles tagged with the région and the région's officer from
the directory. Every other part is the national report's, unchanged: its laid-out units come from
the cache that the national build and the other editions filled.
"""
from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import Any

from pydantic import Field, ValidationError, field_validator

from .errors import ContentError, Problem, Problems
from .html import slugify, walk_blocks
from .load import Located, RawPublication, parse_yaml, read_part, read_text
from .messages import did_you_mean
from .models import (Article, CaseStudy, Chart, Directory, Figure, Figures, Part, PartMeta, Person, Prose,
                     Publication, PublicationMeta, Strict, _check_region)
from .resources import plain_name_problem
from .theme import deep_merge
from .validate import (Context, check_fields, check_layouts_folder, describe_error, validate_located,
                       validate_part_body)

OVERSEAS = ("Guadeloupe", "Martinique", "Guyane", "La Réunion", "Mayotte")
EDITIONS = "editions"


class EditionOverlay(Strict):
    """`editions/<name>.yaml`: what a regional edition changes in its base publication."""

    region: str = Field(..., description="The région of this edition, one of the 18 régions")
    publication: dict[str, Any] = Field(default_factory=dict, description=(
        "Keys of publication.yaml to change (deep-merged): title, subtitle, keywords, ..."))
    chapter_title: str | None = Field(None, description="Title of the regional chapter (default: the région)")
    introduction: str | None = Field(None, description="Markdown text opening the regional chapter")
    insert_after: str | None = Field(None, description=(
        "The part file after which the regional chapter goes (default: after the key figures, or first "
        "after the contents)"))
    parts: list[str] = Field(default_factory=list, description=(
        "Extra Markdown parts of this edition, in editions/<name>/, added at the end of its chapter"))

    _region = field_validator("region")(_check_region)


def edition_names(root: Path) -> list[str]:
    folder = root / EDITIONS
    return sorted(p.stem for p in folder.glob("*.yaml")) if folder.is_dir() else []


def load_overlay(root: Path, name: str) -> tuple[EditionOverlay, Any]:
    """Read and validate an edition overlay; problems are reported with the overlay's file and line."""
    problems = Problems()
    refused = plain_name_problem("edition", name, f"file of {root.name}/{EDITIONS}/")
    if refused:
        raise ContentError([Problem(root / EDITIONS, 0, refused)])
    path = root / EDITIONS / f"{name}.yaml"
    if not path.is_file():
        known = ", ".join(edition_names(root)) or "none"
        guess = did_you_mean(name, edition_names(root))
        raise ContentError([Problem(path, 0, f"no edition '{name}'{guess} (known: {known})")])
    if not path.resolve().is_relative_to(root.resolve()):
        raise ContentError([Problem(path, 0, f"edition '{name}' leads outside the publication (symbolic link): "
                                             "copy the file instead")])
    text = read_text(path, problems)
    located = parse_yaml(text or "", path, 1, problems)
    overlay = validate_located(EditionOverlay, located, problems) if not problems.errors else None
    if overlay is not None:
        check_fields(located, problems)  # the Markdown checks of any content field (introduction, titles...)
    problems.raise_if_any()
    assert isinstance(overlay, EditionOverlay)
    return overlay, located


def apply_edition(publication: Publication, name: str) -> Publication:
    """The publication as the edition `name` prints it."""
    overlay, located = load_overlay(publication.root, name)
    meta = _merged_meta(publication, overlay, located)
    chapter = regional_chapter(publication, overlay, name, located)
    parts = [_cover_for(part, overlay) if part.meta.layout == "cover" else part for part in publication.parts]
    at = _insertion_index(parts, overlay, located)
    parts.insert(at, chapter)
    return publication.model_copy(update={"meta": meta, "parts": parts, "name": publication.name})


def _merged_meta(publication: Publication, overlay: EditionOverlay, located: Any) -> PublicationMeta:
    """publication.yaml with the overlay's `publication:` keys, checked as publication.yaml is: each
    problem at the overlay's line of the key at fault."""
    base = publication.meta.model_dump(mode="python")
    merged = deep_merge(base, {"subtitle": f"Édition {overlay.region}", **overlay.publication})
    problems = Problems()
    try:
        meta = PublicationMeta.model_validate(merged)
    except ValidationError as error:
        for item in error.errors():
            problems.error(located.path, located.line_of(("publication", *item["loc"])),
                           "publication: " + describe_error(item, PublicationMeta))
        raise ContentError(problems.items) from None
    if "layouts" in overlay.publication:
        raw = RawPublication(publication.root, Located({}, publication.root / "publication.yaml", 1))
        check_layouts_folder(meta, raw, problems, where=(located.path, located.line_of(("publication", "layouts"))))
    problems.raise_if_any()
    return meta


def regional_chapter(publication: Publication, overlay: EditionOverlay, name: str, located: Any) -> Part:
    """An insert about the région, from the content as it is: the région on its map, its officer, the
    key figures that name it, and the case studies and articles about it. Nothing is said of what the
    content does not give (no "no project here")."""
    region = overlay.region
    stories = [block.model_copy(deep=True) for part in publication.parts for block in walk_blocks(part.body)
               if isinstance(block, (CaseStudy, Article)) and region in story_regions(block)]
    officers = region_officers(publication, region)
    body: list[Any] = [Prose(text=overlay.introduction or _introduction(region, bool(stories), bool(officers))),
                       region_map(region)]
    if officers:
        body.append(Directory(title=f"Votre interlocuteur en {region}" if len(officers) == 1
                              else f"Vos interlocuteurs en {region}", entries=officers))
    figures = region_figures(publication, region)
    if figures:
        body.append(Figures(title=f"Chiffres clés en {region}", columns=min(3, len(figures)), items=figures))
    body.extend(stories)
    body.extend(_extra_parts_body(publication.root, name, overlay, located))
    meta = PartMeta(layout="chapter", title=overlay.chapter_title or f"L’ANCT en {region}",
                    kicker="Édition régionale", accent="accent", columns=2)
    return Part(id=f"edition-{slugify(region)}", source=publication.root / EDITIONS / f"{name}.yaml",
                meta=meta, body=body, origin="edition")


def _introduction(region: str, stories: bool, officers: bool) -> str:
    said = [what for what, given in (("les projets et les initiatives du rapport qui concernent la région "
                                      f"{region}", stories),
                                     ("l’interlocuteur de l’Agence pour la région", officers)) if given]
    if not said:
        return f"Ce chapitre situe la région {region}."
    return "Ce chapitre présente " + " et ".join(said) + "."


def region_map(region: str, credit: bool = True) -> Chart:
    """The région located on the map of France (overseas régions in their insets)."""
    return Chart(type="map", highlight=region, title=f"La région {region}", credit=credit,
                 alt=f"Carte de France situant la région {region}.", width_mm=62, height_mm=54)


def region_figures(publication: Publication, region: str) -> list[Figure]:
    """The key figures of the content whose text names the région (outside the stories gathered, which
    bring their own)."""
    found = []
    for part in publication.parts:
        for block in walk_blocks(part.body):
            if isinstance(block, Figures) and not _inside_story(part, block):
                found += [item.model_copy() for item in block.items
                          if region in regions_named(" ".join(_strings(item.model_dump(mode="python"))))]
    return found


def _inside_story(part: Part, figures: Figures) -> bool:
    return any(figures is inner for story in walk_blocks(part.body) if isinstance(story, (CaseStudy, Article))
               for inner in walk_blocks(story.body))


def story_regions(block: Any) -> set[str]:
    """The régions a story concerns: its `region:` tag, and every région its text names ("conduit en
    régions Bretagne et Pays de la Loire"): a story about two régions belongs in both editions."""
    tagged = {block.region} if block.region else set()
    named = regions_named(" ".join(_strings(block.model_dump(mode="python"))))
    # A text naming many régions is about the country (a directory, a national programme), not theirs.
    return tagged | named if len(named) <= MAX_NAMED_REGIONS else tagged


MAX_NAMED_REGIONS = 3


def regions_named(text: str) -> set[str]:
    """The régions a text names, however their hyphens, accents and apostrophes are typed, but not as a
    piece of a compound: "l'agence de l'eau Loire-Bretagne" or "Seine-Normandie" name a basin."""
    plain = _plain(text)
    return {name for name, pattern in _region_patterns() if pattern.search(plain)}


def _plain(text: str) -> str:
    """Lower case without accents; hyphens kept, every other mark a space."""
    import unicodedata

    spaced = re.sub(r"[^\w-]+", " ", text)  # (before the accents go: "d’Azur" is two words)
    ascii_text = unicodedata.normalize("NFKD", spaced).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9-]+", " ", ascii_text)


@lru_cache(maxsize=1)
def _region_patterns() -> tuple[tuple[str, re.Pattern[str]], ...]:
    from .charts.geo import area_names

    def pattern(name: str) -> re.Pattern[str]:
        words = _plain(name).replace("-", " ").split()
        return re.compile(r"(?<![\w-])" + r"[\s-]+".join(map(re.escape, words)) + r"(?![\w-])")

    return tuple((name, pattern(name)) for name in area_names("region"))


def _strings(value: Any) -> list[str]:
    """Every string of a dumped block, nested blocks, quotes and captions included (not directories:
    the officers' régions say nothing of the story)."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        if value.get("kind") == "directory":
            return []
        return [text for item in value.values() for text in _strings(item)]
    if isinstance(value, (list, tuple)):
        return [text for item in value for text in _strings(item)]
    return []


def region_officers(publication: Publication, region: str) -> list[Person]:
    """The directory's people for the région: by their région, or named in their role (shared
    régions, 'Outre-mer' for the five overseas régions)."""
    found = []
    for part in publication.parts:
        for block in walk_blocks(part.body):
            if not isinstance(block, Directory):
                continue
            for person in block.entries:
                role = (person.role or "").casefold()
                if person.region == region or region.casefold() in role or \
                        (region in OVERSEAS and "outre-mer" in role):
                    found.append(person.model_copy(update={"region": region}))
    return found


def _cover_for(cover: Part, overlay: EditionOverlay) -> Part:
    """The national cover plus the région's name and a locator map."""
    # No credit line on the cover: the regional chapter's map of the same geometry carries it.
    locator = region_map(overlay.region, credit=False)
    meta = cover.meta.model_copy(update={"subtitle": f"Édition {overlay.region}"})
    return cover.model_copy(update={"meta": meta, "body": [*cover.body, locator]})


def _insertion_index(parts: list[Part], overlay: EditionOverlay, located: Any) -> int:
    names = [part.source.name for part in parts]
    if overlay.insert_after:
        if overlay.insert_after not in names:
            raise ContentError([Problem(located.path, located.line_of(("insert_after",)),
                                        f"insert_after: no part '{overlay.insert_after}' in the publication")])
        return names.index(overlay.insert_after) + 1
    for index, part in enumerate(parts):
        if part.meta.layout == "chapter":
            return index  # before the first chapter: after the opening pages
    return len(parts)


def _extra_parts_body(root: Path, name: str, overlay: EditionOverlay, located: Any) -> list[Any]:
    """The edition's own parts: files of `editions/<name>/` only, never a path leading elsewhere."""
    problems = Problems()
    body: list[Any] = []
    folder = root / EDITIONS / name
    for index, file in enumerate(overlay.parts):
        path = folder / file
        resolved = path.resolve()
        # editions/<name>/ itself may be a symbolic link: the file must also be inside the publication.
        if not resolved.is_relative_to(folder.resolve()) or not resolved.is_relative_to(root.resolve()):
            problems.error(located.path, located.line_of(("parts", index)),
                           f"part '{file}' is outside editions/{name}/: give a file name inside that folder")
            continue
        raw = read_part(path, problems)
        if raw is not None:
            check_fields(raw.front, problems)
            body.extend(validate_part_body(raw.body, problems, Context(root)))
    problems.raise_if_any()
    return body

