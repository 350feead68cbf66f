"""Models stage: pydantic models of a publication; every field is described, unknown keys are errors."""
from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Annotated, Any, Literal, Union

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, field_validator

REGIONS = (
    "Auvergne-Rhône-Alpes", "Bourgogne-Franche-Comté", "Bretagne", "Centre-Val de Loire", "Corse",
    "Grand Est", "Hauts-de-France", "Île-de-France", "Normandie", "Nouvelle-Aquitaine", "Occitanie",
    "Pays de la Loire", "Provence-Alpes-Côte d'Azur", "Guadeloupe", "Martinique", "Guyane",
    "La Réunion", "Mayotte",
)

Markdown = Annotated[str, Field(description="Markdown text")]
# Names that end up in CSS or in a path: a token name, a theme folder name, nothing more.
TOKEN_NAME = re.compile(r"^[a-z][a-z0-9-]{0,40}$")
THEME_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,40}$")
_PLACE = r"(center|top|bottom|left|right)"
FOCUS = re.compile(rf"^({_PLACE}( {_PLACE})?|(100|\d{{1,2}})% (100|\d{{1,2}})%)$")
WIDE_HELP = ("Across both columns of a two-column part: true, or false to keep it in one column; "
             "left out, it crosses them when it cannot fit a column")


def _short(value: str) -> str:
    from .resources import short

    return short(value)


class Strict(BaseModel):
    """Base of every content model: unknown keys are errors, values are not coerced silently."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    # The block's file and line, set by validation: the HTML carries it (data-source) so that a
    # renderer failure can name the block it was laying out.
    _where: tuple[Path, int] | None = PrivateAttr(default=None)


def _check_region(value: str | None) -> str | None:
    if value is not None and value not in REGIONS:
        from .messages import did_you_mean

        raise ValueError(f"unknown région '{value}'{did_you_mean(value, REGIONS)}; use one of: {', '.join(REGIONS)}")
    return value


class Place(Strict):
    """Where a story happens: the regional editions and the map are built from these tags."""

    region: str | None = Field(None, description="The région, one of the 18 régions of France")
    departement: str | None = Field(None, description="The département, as the text names it")

    _region = field_validator("region")(_check_region)


# ---------------------------------------------------------------- small blocks


class Photo(Strict):
    """A photo: an image file from images/, or a designed frame with its credit when the file is absent."""

    kind: Literal["photo"] = Field("photo", description="Block name")
    src: str | None = Field(None, description="Image file name inside the publication's images/ folder")
    credit: str | None = Field(None, description="Photo credit, as printed (e.g. '© iStock')")
    alt: str = Field(..., min_length=1, description="Alternative text read by screen readers")
    caption: str | None = Field(None, description="Caption printed under the photo")
    size: Literal["column", "half", "full", "bleed", "wide"] = Field(
        "column", description="Width on the page: column (one text column), half (half the text width), "
                              "full (the whole text width, across the columns), bleed (the whole page, to "
                              "the bleed edge in print); wide is another name for full")
    height_mm: float | None = Field(None, gt=10, le=280, description="Crop the photo to this height in "
                                    "millimetres, keeping the part around `focus`; left out, the photo keeps "
                                    "its proportions")
    focus: str = Field("center", json_schema_extra={"pattern": FOCUS.pattern},
                       description="What a crop keeps: center, top, bottom, left, right, 'top left'..., or "
                                   "'X% Y%' (from the left, from the top)")

    @field_validator("focus")
    @classmethod
    def _focus_point(cls, value: str) -> str:
        # Written into a style attribute (object-position): keywords and percentages only.
        if not FOCUS.match(value):
            raise ValueError(f"'{_short(value)}' is not a focus: use center, top, bottom, left, right, "
                             "two of them ('top left'), or two percentages ('30% 20%')")
        return value

    @field_validator("src")
    @classmethod
    def _plain_file_name(cls, value: str | None) -> str | None:
        from .resources import image_name_problem

        problem = image_name_problem(value) if value else None
        if problem:
            raise ValueError(problem)
        return value


class Quote(Strict):
    """A pull quote that stands out from the text."""

    kind: Literal["quote"] = Field("quote", description="Block name")
    text: str = Field(..., min_length=1, description="The quoted words, without the « » marks")
    author: str | None = Field(None, description="Who said it")
    role: str | None = Field(None, description="The author's role")


class Testimonial(Place):
    """A first-person testimony introduced by the witness's name."""

    kind: Literal["testimonial"] = Field("testimonial", description="Block name")
    intro: str | None = Field(None, description="Introduction line, e.g. 'Le témoignage de'")
    author: str = Field(..., description="The witness's name")
    role: str | None = Field(None, description="The witness's role")
    text: str = Field(..., min_length=1, description="The testimony, without the « » marks")


class Figure(Strict):
    """One key figure: a big number and what it counts."""

    value: str = Field(..., min_length=1, description="The number as printed, e.g. '1 733' or '19,5 M€'")
    unit: str | None = Field(None, description="A unit set smaller after the number, e.g. 'ans'")
    label: str = Field(..., min_length=1, description="What the number counts (Markdown allowed)")
    detail: str | None = Field(None, description="A smaller line under the label (Markdown allowed)")

    @field_validator("value", mode="before")
    @classmethod
    def _number_as_text(cls, value: Any) -> Any:
        # `value: 84` in YAML is an int; figures are printed as written.
        return str(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else value


class Figures(Strict):
    """A grid of key-figure callouts."""

    kind: Literal["figures"] = Field("figures", description="Block name")
    title: str | None = Field(None, description="Heading over the grid")
    columns: int = Field(3, ge=1, le=4, description="Figures per row")
    wide: bool | None = Field(None, description=WIDE_HELP + " (3 or 4 figures per row)")
    items: list[Figure] = Field(..., min_length=1, description="The figures")


class TimelineItem(Strict):
    """One dated event."""

    date: str = Field(..., description="The date as printed, e.g. '2 février 2023'")
    text: Markdown = Field(..., description="What happened (Markdown)")


class Timeline(Strict):
    """Dated events in order."""

    kind: Literal["timeline"] = Field("timeline", description="Block name")
    title: str | None = Field(None, description="Heading over the timeline")
    items: list[TimelineItem] = Field(..., min_length=1, description="The events")


class Person(Strict):
    """A person in a directory or a contact card."""

    region: str | None = Field(None, description="The région this person covers")
    name: str = Field(..., description="Full name, or a service name")
    role: str | None = Field(None, description="Role or function")
    email: str | None = Field(None, description="E-mail address")
    phone: str | None = Field(None, description="Phone number as printed")

    _region = field_validator("region")(_check_region)


class Directory(Strict):
    """A list of people, for instance the regional officers by région."""

    kind: Literal["directory"] = Field("directory", description="Block name")
    title: str | None = Field(None, description="Heading over the directory")
    entries: list[Person] = Field(..., min_length=1, description="The people")


class Contact(Strict):
    """Press or service contacts."""

    kind: Literal["contact"] = Field("contact", description="Block name")
    title: str = Field("Contacts presse", description="Heading of the contact card")
    entries: list[Person] = Field(..., min_length=1, description="The contacts")


class Signature(Strict):
    """The signature under an editorial or the portrait line of an interview."""

    kind: Literal["signature"] = Field("signature", description="Block name")
    name: str = Field(..., description="Signatory's name")
    role: str | None = Field(None, description="Signatory's role")
    photo: Photo | None = Field(None, description="Portrait")


# ---------------------------------------------------------------- blocks with a body


class Prose(BaseModel):
    """Markdown text between blocks (made by the loader, not written as a block)."""

    model_config = ConfigDict(extra="forbid")
    _where: tuple[Path, int] | None = PrivateAttr(default=None)  # as in Strict
    kind: Literal["prose"] = Field("prose", description="Block name")
    text: Markdown = Field(..., description="Markdown text, footnote definitions taken out")
    notes: dict[str, str] = Field(default_factory=dict, description="The footnotes the text calls: label → "
                                                                    "Markdown of the note (from anywhere in the part)")


class Boxed(Strict):
    """Shared fields of blocks that carry a Markdown body."""

    title: str | None = Field(None, description="Heading of the block")
    kicker: str | None = Field(None, description="Small capitals line over the title ('surtitre')")
    body: list["Block"] = Field(default_factory=list, description="Text and blocks after the '---' line")


class Zoom(Boxed):
    """A tinted sidebar box ('zoom', 'focus')."""

    kind: Literal["zoom"] = Field("zoom", description="Block name")


class About(Boxed):
    """An 'about' box (À propos de ...)."""

    kind: Literal["about"] = Field("about", description="Block name")


class Callout(Boxed):
    """Highlighted lead text: a chapter's introduction or a press release's lead."""

    kind: Literal["callout"] = Field("callout", description="Block name")


class Card(Boxed):
    """A guide, study or publication presented as a card."""

    kind: Literal["card"] = Field("card", description="Block name")
    type_label: str | None = Field(None, alias="type", description="What it is: Guide, Étude, Publication...")


class Questions(Boxed):
    """An interview: `##` lines in the body are the questions, paragraphs the answers."""

    kind: Literal["questions"] = Field("questions", description="Block name")


class Article(Boxed, Place):
    """An article with a kicker and a heading, listed in the contents."""

    kind: Literal["article"] = Field("article", description="Block name")
    title: str = Field(..., min_length=1, description="Heading of the article")
    level: Literal[2, 3] = Field(2, description="2 for an article, 3 for a sub-article")
    place: str | None = Field(None, description="Place line printed over the title")
    columns: Literal[1, 2] = Field(1, description="Text columns for the body")
    photo: Photo | None = Field(None, description="Photo illustrating the article")


class CaseStudy(Boxed, Place):
    """A featured project: place line, title, body, a quote and a photo, given a page of its own."""

    kind: Literal["case-study"] = Field("case-study", description="Block name")
    title: str = Field(..., min_length=1, description="Heading of the case study")
    location: str = Field(..., description="The place line as printed, e.g. 'SISTERON (PROVENCE-ALPES-CÔTE D'AZUR)'")
    quote: Quote | None = Field(None, description="What a local actor says about the project")
    photo: Photo | None = Field(None, description="Photo of the project")


class Table(Boxed):
    """A Markdown table with its title and source; the body after '---' holds the table."""

    kind: Literal["table"] = Field("table", description="Block name")
    source: str | None = Field(None, description="Source of the numbers, printed under the table")
    wide: bool | None = Field(None, description=WIDE_HELP + " (too many or too long columns)")


try:
    from .charts.models import ChartBlock
except ImportError:  # pragma: no cover - only while the charts stage is absent
    class ChartBlock(Strict):  # type: ignore[no-redef]
        """Placeholder until the charts stage exists."""

        model_config = ConfigDict(extra="allow")


class Chart(ChartBlock):
    """A chart drawn from data by the charts stage."""

    # The block's file and line, set by validation: layout problems found when the chart is drawn
    # (a label too long, too few colours) are reported there (`render_chart_cached(..., where=)`).
    _where: tuple[Path, int] | None = PrivateAttr(default=None)

    kind: Literal["chart"] = Field("chart", description="Block name")
    wide: bool | None = Field(None, description=WIDE_HELP + " (width_mm more than a column)")
    data_from: Literal["region-tags"] | None = Field(
        None, description="Take the data from the content instead of typing it: region-tags counts the "
                          "articles and case studies tagged with each région (for a map)")


Block = Annotated[
    Union[Prose, Photo, Quote, Testimonial, Figures, Timeline, Directory, Contact, Signature,
          Zoom, About, Callout, Card, Questions, Article, CaseStudy, Chart, Table],
    Field(discriminator="kind"),
]

BLOCKS: dict[str, type[BaseModel]] = {
    "photo": Photo, "quote": Quote, "testimonial": Testimonial, "figures": Figures,
    "timeline": Timeline, "directory": Directory, "contact": Contact, "signature": Signature,
    "zoom": Zoom, "about": About, "callout": Callout, "card": Card, "questions": Questions,
    "article": Article, "case-study": CaseStudy, "chart": Chart, "table": Table,
}
for _model in (Boxed, Zoom, About, Callout, Card, Questions, Article, CaseStudy, Table):
    _model.model_rebuild()

BODY_BLOCKS = {name for name, model in BLOCKS.items() if issubclass(model, Boxed)}


# ---------------------------------------------------------------- parts and publication


class PartMeta(Strict):
    """Front matter of a part (one Markdown file)."""

    layout: Literal["cover", "contents", "page", "section", "chapter", "back-cover", "letterhead"] = Field(
        "page", description="How the part is laid out: page starts a new page, section follows the previous "
                            "part on the same page, chapter opens on a right-hand page")
    columns: Literal[1, 2] = Field(2, description="Text columns of the body")
    title: str | None = Field(None, description="Title of the part")
    kicker: str | None = Field(None, description="Line over the title")
    subtitle: str | None = Field(None, description="Line under the title")
    # A token name, nothing else: the value is written into a style attribute (`var(--color-<accent>)`),
    # so free text there would let content inject CSS such as `url(...)`.
    accent: str | None = Field(None, json_schema_extra={"pattern": TOKEN_NAME.pattern},
                               description="Colour token of the theme used as this part's accent")
    toc: bool | None = Field(None, description="Listed in the contents (default: yes for page and chapter)")
    running_title: str | None = Field(None, description="Running header text (default: the title)")
    photo: Photo | None = Field(None, description="Opening photo of the part")
    # A chapter's opener: its introduction and key figure come from the content only, never made up.
    intro: str | None = Field(None, description="A chapter's introduction, printed on its opener (Markdown "
                                                "allowed; default: the chapter's first block when it is a "
                                                "callout without a title)")
    key_figure: Figure | None = Field(None, description="One figure the chapter gives, printed on its opener")

    @field_validator("accent")
    @classmethod
    def _token_name(cls, value: str | None) -> str | None:
        if value is not None and not TOKEN_NAME.match(value):
            raise ValueError(f"'{_short(value)}' is not a colour name of the theme (lowercase letters, "
                             "digits and '-', e.g. blue)")
        return value


class ColophonMeta(PartMeta):
    """The colophon part's front matter: made by the build from publication.yaml, never typed."""

    layout: Literal["colophon"] = "colophon"  # type: ignore[assignment]


class Part(BaseModel):
    """A validated part: its front matter, its blocks and where it came from."""

    model_config = ConfigDict(extra="forbid", arbitrary_types_allowed=True)
    id: str = Field(..., description="Identifier made from the file name")
    source: Path = Field(..., description="The Markdown file")
    meta: PartMeta = Field(..., description="Front matter")
    body: list[Block] = Field(default_factory=list, description="Text and blocks")
    origin: Literal["content", "edition", "colophon"] = Field(
        "content", description="Written content, made by an edition, or the colophon made from publication.yaml")

    @property
    def in_contents(self) -> bool:
        if self.meta.toc is not None:
            return self.meta.toc
        return self.meta.layout in ("page", "section", "chapter") and bool(self.meta.title)


class Identity(Strict):
    """`identity:` in publication.yaml: the organisation's artwork."""

    logo: str | None = Field(None, description="The logo: an SVG file of images/ (text in outlines), drawn on "
                             "the covers and the press release letterhead instead of the typeset name")

ISSN = re.compile(r"^\d{4}-\d{3}[\dX]$")


class Colophon(Strict):
    """The colophon page before the back cover (print and screen): each line is printed only when its
    field is given. The publication date and web address come from publication.yaml's own fields, the
    photo credits from the photos printed."""

    publisher: str | None = Field(None, min_length=1, description="Publisher, as printed (default: the "
                                  "organisation)")
    address: str | None = Field(None, min_length=1, description="Publisher's postal address")
    director: str | None = Field(None, min_length=1, description="Director of publication (directeur ou "
                                 "directrice de la publication)")
    legal_deposit: str | None = Field(None, min_length=1, description="Legal deposit, as printed (e.g. "
                                      "'juin 2024')")
    issn: str | None = Field(None, description="ISSN, NNNN-NNNC (checked)")
    isbn: str | None = Field(None, min_length=10, description="ISBN, as printed")
    printer: str | None = Field(None, min_length=1, description="Printer (imprimeur), as printed")
    credits: list[str] = Field(default_factory=list, description="Other credit lines, as printed (e.g. "
                               "'Conception graphique : Studio X')")

    @field_validator("issn")
    @classmethod
    def _issn_checked(cls, value: str | None) -> str | None:
        if value is None:
            return value
        value = value.strip().upper()
        if not ISSN.match(value):
            raise ValueError(f"'{_short(value)}' is not an ISSN: write it as 4 digits, '-', 3 digits and a "
                             "check digit or X (e.g. 0317-8471)")
        digits = value.replace("-", "")
        total = sum(int(d) * w for d, w in zip(digits[:7], range(8, 1, -1)))
        check = (11 - total % 11) % 11
        if digits[7] != ("X" if check == 10 else str(check)):
            raise ValueError(f"ISSN {value}: its check digit should be {'X' if check == 10 else check}; "
                             "copy it again from the ISSN centre's notice")
        return value


class PublicationMeta(Strict):
    """`publication.yaml`: what the publication is and the order of its parts."""

    title: str = Field(..., min_length=1, description="Title of the publication")
    subtitle: str | None = Field(None, description="Subtitle")
    organisation: str = Field(..., description="Publishing organisation")
    short_name: str | None = Field(None, description="Organisation's acronym")
    date: dt.date | None = Field(None, description="Publication date (YYYY-MM-DD); printed and used as "
                                 "the PDF's creation date. Leave out when the source gives none")
    language: str = Field("fr", pattern=r"^[a-z]{2}(-[A-Z]{2})?$", description="Language code")
    kind: Literal["report", "press-release"] = Field(..., description="Kind of document")
    # Folder names only: `theme: ../x` or `layouts: /etc` would read templates and CSS from anywhere.
    theme: str = Field("agence", json_schema_extra={"pattern": THEME_NAME.pattern},
                       description="Theme folder name in layouts/")
    layouts: str | None = Field(None, description="A folder of template overrides, relative to the publication")
    binding: Literal["saddle-stitch", "sheets", "none"] = Field(
        "none", description="Binding: saddle-stitch pads to a multiple of 4 pages, sheets to 2")
    author: str | None = Field(None, description="Author in the PDF metadata")
    subject: str | None = Field(None, description="Subject in the PDF metadata")
    keywords: list[str] = Field(default_factory=list, description="Keywords in the PDF metadata")
    website: str | None = Field(None, description="Web address printed on the back cover")
    social: str | None = Field(None, description="Social network handle")
    identity: Identity | None = Field(None, description="The organisation's artwork (logo)")
    parts: list[str] = Field(..., min_length=1, description="Part files in sections/, in reading order")
    colophon: Colophon | None = Field(None, description="Colophon page before the back cover: publisher, "
                                      "director of publication, legal deposit, ISSN... (each line only "
                                      "when its field is given)")
    footnotes: Literal["publication", "chapter"] = Field(
        "publication", description="Footnote numbers run through the whole publication, or restart at "
                                   "each chapter")


    @field_validator("theme")
    @classmethod
    def _theme_name(cls, value: str) -> str:
        if not THEME_NAME.match(value):
            raise ValueError(f"'{_short(value)}' is not a theme name: the name of a folder of layouts/ "
                             "(lowercase letters, digits, '-' and '_')")
        return value

    @field_validator("layouts")
    @classmethod
    def _layouts_inside(cls, value: str | None) -> str | None:
        from .resources import folder_name_problem

        problem = folder_name_problem(value) if value is not None else None
        if problem:
            raise ValueError(problem)
        return value


class Publication(BaseModel):
    """A whole validated publication."""

    model_config = ConfigDict(extra="forbid", arbitrary_types_allowed=True)
    name: str = Field(..., description="Folder name")
    root: Path = Field(..., description="Publication folder")
    meta: PublicationMeta = Field(..., description="publication.yaml")
    parts: list[Part] = Field(..., description="Parts in reading order")


def json_schema() -> dict[str, Any]:
    """JSON Schema for editors: publication.yaml, part front matter and every block."""
    blocks = {name: model.model_json_schema() for name, model in sorted(BLOCKS.items())}
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "Publication content",
        "publication": PublicationMeta.model_json_schema(),
        "part_front_matter": PartMeta.model_json_schema(),
        "blocks": blocks,
    }
