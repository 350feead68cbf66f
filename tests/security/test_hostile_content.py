"""Hostile content: every case ends in a PDF or a located user error, and nothing is fetched or read
outside the publication, its theme and fonts/.

Each test writes a tiny publication under tmp_path and builds it (screen variant) through the Python
API or the CLI. Three witnesses watch every build:
  - a loopback HTTP server (127.0.0.1, port 0) whose hit count must stay zero; content points at it
    from every place a URL can go;
  - a Python audit hook that records every file opened and every socket connection during the build:
    no file of the `outside` folder (which holds the secrets) may be opened, no socket connected;
  - the secret marker must not appear in the PDF (bytes and extracted text).
docs/security.md lists every case and what the user sees.
"""
from __future__ import annotations

import base64
import http.server
import io
import os
import re
import struct
import sys
import textwrap
import threading
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from toolkit.build import Builder
from toolkit.cli import main
from toolkit.errors import ContentError
from toolkit.resources import short

SECRET = "SECRET-7f3a9c0e"
META = "title: T\norganisation: A\nkind: report\nparts: [01.md]\n"
FRONT = "---\ntitle: Un\n---\n"

# ---------------------------------------------------------------- witnesses


class Server:
    """A loopback HTTP server counting the requests it gets (it answers with the secret)."""

    def __init__(self) -> None:
        hits = self.hits = []

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802
                hits.append(self.path)
                body = f"body {{ background: red }} /* {SECRET} */".encode()
                self.send_response(200)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            do_POST = do_HEAD = do_GET

            def log_message(self, *args: Any) -> None:
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def url(self, name: str) -> str:
        return f"http://127.0.0.1:{self.port}/{name}"


@dataclass
class Watch:
    """Files opened and sockets connected while `active` (a process-wide audit hook feeds it)."""

    active: bool = False
    opened: list[str] = field(default_factory=list)
    connected: list[Any] = field(default_factory=list)

    def hook(self, event: str, args: tuple[Any, ...]) -> None:
        if not self.active:
            return
        if event == "open" and isinstance(args[0], (str, bytes, os.PathLike)):
            self.opened.append(os.fsdecode(args[0]))
        elif event in ("socket.connect", "socket.getaddrinfo", "urllib.Request"):
            self.connected.append((event, args[1] if event == "socket.connect" else args[0]))


WATCH = Watch()
sys.addaudithook(WATCH.hook)  # audit hooks cannot be removed: it does nothing while inactive


@pytest.fixture(scope="module")
def server() -> Server:
    server = Server()
    yield server
    server.httpd.shutdown()


@pytest.fixture
def outside(tmp_path: Path) -> Path:
    """A folder outside the project holding secrets that content tries to reach."""
    from PIL import Image

    folder = tmp_path / "outside"
    folder.mkdir()
    (folder / "secret.txt").write_text(SECRET + "\n", encoding="utf-8")
    (folder / "secret.md").write_text(f"---\ntitle: {SECRET}\n---\n{SECRET}\n", encoding="utf-8")
    (folder / "secret.csv").write_text(f"label,value\n{SECRET},3\n", encoding="utf-8")
    (folder / "secret.css").write_text(f"body::before {{ content: '{SECRET}' }}\n", encoding="utf-8")
    Image.new("RGB", (8, 8), "red").save(folder / "secret.png")
    (folder / "templates").mkdir()
    (folder / "templates" / "document.html").write_text(f"<html><body>{SECRET}</body></html>", encoding="utf-8")
    return folder


@dataclass
class Outcome:
    """What one build did: its result or its error, and what the witnesses saw."""

    root: Path
    result: Any = None
    error: ContentError | None = None
    html: list[str] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)
    opened: list[str] = field(default_factory=list)
    connected: list[Any] = field(default_factory=list)

    def messages(self) -> list[str]:
        """Problems as the user reads them, with paths relative to the publication folder."""
        lines = [str(p) for p in self.error.problems] if self.error else list(self.result.warnings)
        return [line.replace(f"{self.root}/", "") for line in lines]

    @property
    def pdf(self) -> bytes:
        return self.result.path.read_bytes()


def publication(tmp_path: Path, body: str | bytes, meta: str = META, files: dict[str, Any] | None = None) -> Path:
    """content/pub/ with publication.yaml, sections/01.md and extra files (bytes, text or a callable)."""
    root = tmp_path / "content" / "pub"
    (root / "sections").mkdir(parents=True)
    (root / "publication.yaml").write_text(meta, encoding="utf-8")
    part = root / "sections" / "01.md"
    part.write_bytes(body if isinstance(body, bytes) else body.encode("utf-8"))
    for name, value in (files or {}).items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if callable(value):
            value(path)
        elif isinstance(value, bytes):
            path.write_bytes(value)
        else:
            path.write_text(value, encoding="utf-8")
    return root


def build(root: Path, monkeypatch: pytest.MonkeyPatch, builder: Builder | None = None,
          edition: str | None = None) -> Outcome:
    """Build content/pub (screen) with the witnesses on; the HTML given to WeasyPrint is kept."""
    from toolkit.render import Renderer

    outcome = Outcome(root)
    original = Renderer.document

    def spy(self: Renderer, html: str, *args: Any, **kwargs: Any) -> Any:
        outcome.html.append(html)
        return original(self, html, *args, **kwargs)

    monkeypatch.setattr(Renderer, "document", spy)
    builder = builder or Builder(content=root.parent, out=root.parent.parent / "out")
    WATCH.opened.clear()
    WATCH.connected.clear()
    WATCH.active = True
    try:
        outcome.result = builder.build(root.name, "screen", edition=edition)
    except ContentError as error:
        outcome.error = error
    finally:
        WATCH.active = False
        getattr(builder, "close", lambda: None)()  # worker processes, where the builder has them
    outcome.opened, outcome.connected = list(WATCH.opened), list(WATCH.connected)
    outcome.refused = list(builder.renderer.refused)
    return outcome


def pdf_text(data: bytes) -> str:
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(data)
    try:
        return "\n".join(document[i].get_textpage().get_text_range() for i in range(len(document)))
    finally:
        document.close()


def link_targets(data: bytes) -> list[str]:
    import pikepdf

    with pikepdf.open(io.BytesIO(data)) as pdf:
        return [str(annot.A.get("/URI", annot.A.get("/S", ""))) for page in pdf.pages
                for annot in page.get("/Annots", []) if "/A" in annot]


def assert_nothing_reached(outcome: Outcome, server: Server, outside: Path) -> None:
    """No request to the server, no socket, no file of `outside` opened, the secret nowhere."""
    assert server.hits == [], server.hits
    assert outcome.connected == [], outcome.connected
    read = [p for p in outcome.opened if Path(p).resolve().is_relative_to(outside.resolve())]
    assert read == [], f"files outside the project were opened: {read}"
    if outcome.result is not None:
        assert SECRET.encode() not in outcome.pdf
        assert SECRET not in pdf_text(outcome.pdf)
    for html in outcome.html:
        assert SECRET not in html


def assert_error(outcome: Outcome, *expected: str) -> None:
    """The build stopped with exactly these problems (among possible others) and wrote nothing."""
    assert outcome.error is not None, f"the build should have failed; warnings: {outcome.result.warnings}"
    messages = outcome.messages()
    for message in expected:
        assert message in messages, f"\nexpected: {message}\ngot:\n" + "\n".join(messages)
    assert not list((outcome.root.parent.parent / "out").rglob("*.pdf")), "a PDF was written"


def html_elements(html: str) -> list[tuple[str, list[str]]]:
    """(tag, attribute names) of every element of the HTML."""
    from html.parser import HTMLParser

    found: list[tuple[str, list[str]]] = []

    class Parser(HTMLParser):
        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            found.append((tag, [name for name, _ in attrs]))

        handle_startendtag = handle_starttag

    parser = Parser()
    parser.feed(html)
    parser.close()
    return found


@pytest.fixture(autouse=True)
def quiet_server(server: Server) -> Any:
    server.hits.clear()
    yield
    assert server.hits == [], f"the loopback server was contacted: {server.hits}"


def png_header(width: int, height: int) -> bytes:
    """A PNG file whose header claims width × height pixels (the pixel data is a few bytes)."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\0" * 64)) \
        + chunk(b"IEND", b"")


def image_bytes(kind: str, size: tuple[int, int] = (64, 48)) -> bytes:
    from PIL import Image

    image = Image.effect_noise(size, 64).convert("RGB")
    out = io.BytesIO()
    image.save(out, kind)
    return out.getvalue()


PHOTO = "::: photo\nsrc: {src}\nalt: Une photo\n:::\n"


# ================================================================ resource access: Markdown text


def test_markdown_image_url_is_refused_at_its_line(tmp_path, monkeypatch, server, outside) -> None:
    url = server.url("a.png")
    root = publication(tmp_path, FRONT + f"Un texte.\n\nVoici ![une image]({url}) dans le texte.\n")
    outcome = build(root, monkeypatch)
    assert_error(outcome, f"sections/01.md:6: error: Markdown image '{url}' is not allowed: use a photo block "
                          "whose src names a file in images/ (nothing is fetched)")
    assert_nothing_reached(outcome, server, outside)


@pytest.mark.parametrize("kind", ["file-url", "absolute", "dotdot"])
def test_markdown_image_of_a_local_file_outside_is_refused(tmp_path, monkeypatch, server, outside, kind) -> None:
    src = {"file-url": (outside / "secret.png").as_uri(), "absolute": str(outside / "secret.png"),
           "dotdot": "../../../outside/secret.png"}[kind]
    root = publication(tmp_path, FRONT + f"![x]({src})\n")
    outcome = build(root, monkeypatch)
    assert_error(outcome, f"sections/01.md:4: error: Markdown image '{short(src)}' is not allowed: use a photo block "
                          "whose src names a file in images/ (nothing is fetched)")
    assert_nothing_reached(outcome, server, outside)


def test_markdown_image_in_a_block_field_is_refused_at_the_field(tmp_path, monkeypatch, server, outside) -> None:
    url = server.url("f.png")
    root = publication(tmp_path, FRONT + f'::: figures\nitems:\n  - value: "3"\n    label: "![x]({url}) projets"\n:::\n')
    outcome = build(root, monkeypatch)
    assert_error(outcome, f"sections/01.md:7: error: Markdown image '{url}' is not allowed: use a photo block "
                          "whose src names a file in images/ (nothing is fetched)")
    assert_nothing_reached(outcome, server, outside)


@pytest.mark.parametrize("size", [100, 2_000_000])
def test_data_url_image_small_or_huge_is_refused_quickly(tmp_path, monkeypatch, server, outside, size) -> None:
    data = base64.b64encode(b"\0" * size).decode()
    root = publication(tmp_path, FRONT + f"![x](data:image/png;base64,{data})\n")
    outcome = build(root, monkeypatch)
    shown = f"data:image/png;base64,{data}"[:119] + "…"  # messages quote 120 characters at most
    assert_error(outcome, f"sections/01.md:4: error: Markdown image '{shown}' is not allowed: use a photo block "
                          "whose src names a file in images/ (nothing is fetched)")
    assert max(len(m) for m in outcome.messages()) < 300
    assert_nothing_reached(outcome, server, outside)


def test_web_link_is_a_link_and_is_not_fetched(tmp_path, monkeypatch, server, outside) -> None:
    url = server.url("page.html")
    root = publication(tmp_path, FRONT + f"Voir [le site]({url}) et <{server.url('auto')}>.\n")
    outcome = build(root, monkeypatch)
    assert outcome.error is None and outcome.result.warnings == []
    assert url in link_targets(outcome.pdf) and server.url("auto") in link_targets(outcome.pdf)
    assert_nothing_reached(outcome, server, outside)


@pytest.mark.parametrize("target", ["javascript:alert(1)", "file:///etc/passwd", "data:text/html;base64,PHNjcmlwdD4="])
def test_unsafe_link_is_printed_as_text_with_a_warning(tmp_path, monkeypatch, server, outside, target) -> None:
    root = publication(tmp_path, FRONT + f"Un texte.\n[cliquer]({target})\n")
    outcome = build(root, monkeypatch)
    assert outcome.messages() == [
        f"sections/01.md:5: warning: link '{target}' is not allowed (only https://, http://, mailto:, tel: and "
        "#anchors): it is printed as text"]
    assert not [t for t in link_targets(outcome.pdf) if not t.startswith(("/", "http"))], link_targets(outcome.pdf)
    assert b"/JavaScript" not in outcome.pdf and b"/JS " not in outcome.pdf and b"/Launch" not in outcome.pdf
    assert "cliquer" in pdf_text(outcome.pdf)
    assert_nothing_reached(outcome, server, outside)


RAW_HTML = {
    "script": ("<script>fetch('{url}')</script>", "<script>fetch('{url}')</script>"),
    "img-onerror": ("Texte <img src=\"{url}\" onerror=\"alert(1)\"> fin", "<img src=\"{url}\" onerror=\"alert(1)\">"),
    "iframe": ("<iframe src=\"{url}\"></iframe>", "<iframe src=\"{url}\"></iframe>"),
    "link": ("<link rel=\"stylesheet\" href=\"{url}\">", "<link rel=\"stylesheet\" href=\"{url}\">"),
    "style-import": ("<style>@import url({url});</style>", "<style>@import url({url});</style>"),
    "event-attribute": ("Du <b onmouseover=\"alert(1)\">gras</b>", "<b onmouseover=\"alert(1)\">"),
    "object": ("Un <object data=\"{url}\"></object> en ligne", "<object data=\"{url}\">"),
}


@pytest.mark.parametrize("case", sorted(RAW_HTML))
def test_raw_html_is_printed_as_text_never_run_nor_fetched(tmp_path, monkeypatch, server, outside, case) -> None:
    url = server.url(f"{case}.css")
    text, shown = (t.format(url=url) for t in RAW_HTML[case])
    root = publication(tmp_path, FRONT + "Avant.\n\n" + text + "\n")
    outcome = build(root, monkeypatch)
    assert f"sections/01.md:6: warning: raw HTML '{short(shown)}' is not allowed (only <sup>, <sub>, <br>, " \
           "<small>, <abbr> without attributes): it is printed as text" in outcome.messages()
    elements = [e for html in outcome.html for e in html_elements(html)]
    assert not [t for t, _ in elements if t in ("script", "iframe", "object", "embed", "img", "link")], elements
    assert not [t for t, attrs in elements if any(a.startswith("on") for a in attrs)]
    style_elements = [html.count("<style") for html in outcome.html]
    assert style_elements == [0] * len(outcome.html)
    assert outcome.refused == []
    assert_nothing_reached(outcome, server, outside)


def test_markup_in_plain_fields_is_escaped_by_jinja(tmp_path, monkeypatch, server, outside) -> None:
    """Titles, names and alt texts go through Jinja's autoescape, in text and in attributes."""
    url = server.url("attr.png")
    attack = f'"><img src="{url}" onerror="alert(1)"><script>x</script>'
    root = publication(tmp_path, f"---\ntitle: '{attack}'\n---\nTexte.\n\n::: quote\ntext: Oui\n"
                                 f"author: '{attack}'\n:::\n\n::: photo\nalt: '{attack}'\n:::\n")
    outcome = build(root, monkeypatch)
    assert outcome.error is None
    elements = [e for html in outcome.html for e in html_elements(html)]
    assert not [t for t, _ in elements if t in ("img", "script")], elements
    assert not [t for t, attrs in elements if "onerror" in attrs]
    assert outcome.refused == []
    assert_nothing_reached(outcome, server, outside)


# ================================================================ resource access: photo blocks


@pytest.mark.parametrize("kind, message", [
    ("url", "image '{src}' is a URL: copy the file into the publication's images/ folder and give its name"),
    ("file-url", "image '{src}' is a URL: copy the file into the publication's images/ folder and give its name"),
    ("absolute", "image '{src}' is an absolute path: give a file name inside the publication's images/ folder"),
    ("dotdot", "image '{src}' is not a plain file name inside images/ (no '..', no special characters)"),
])
def test_photo_src_outside_images_is_refused(tmp_path, monkeypatch, server, outside, kind, message) -> None:
    src = {"url": server.url("photo.jpg"), "file-url": (outside / "secret.png").as_uri(),
           "absolute": str(outside / "secret.png"), "dotdot": "../../../outside/secret.png"}[kind]
    root = publication(tmp_path, FRONT + "Texte.\n\n" + PHOTO.format(src=src))
    outcome = build(root, monkeypatch)
    assert_error(outcome, "sections/01.md:7: error: photo block: 'src': " + message.format(src=short(src)))
    assert_nothing_reached(outcome, server, outside)


def test_photo_symlink_leading_outside_is_refused_unread(tmp_path, monkeypatch, server, outside) -> None:
    root = publication(tmp_path, FRONT + PHOTO.format(src="photo.png"),
                       files={"images/photo.png": lambda p: p.symlink_to(outside / "secret.png")})
    outcome = build(root, monkeypatch)
    assert_error(outcome, "sections/01.md:5: error: image 'photo.png' leads outside the publication (symbolic "
                          "link): copy the file instead")
    assert_nothing_reached(outcome, server, outside)


def test_images_folder_symlink_leading_outside_is_refused_unread(tmp_path, monkeypatch, server, outside) -> None:
    root = publication(tmp_path, FRONT + PHOTO.format(src="secret.png"),
                       files={"images": lambda p: p.symlink_to(outside, target_is_directory=True)})
    outcome = build(root, monkeypatch)
    assert_error(outcome, "sections/01.md:5: error: image 'secret.png' leads outside the publication (symbolic "
                          "link): copy the file instead")
    assert_nothing_reached(outcome, server, outside)


@pytest.mark.parametrize("name, data, message", [
    ("photo.jpg", b"Ceci n'est pas une image, mais un texte.\n" * 20,
     "image 'photo.jpg' is not a JPEG, PNG, WebP or GIF image (checked by its content, whatever its extension): "
     "export it in one of these formats"),
    ("photo.png", '<svg xmlns="http://www.w3.org/2000/svg"><image href="{url}"/></svg>'.encode(),
     "image 'photo.png' is not a JPEG, PNG, WebP or GIF image (checked by its content, whatever its extension): "
     "export it in one of these formats"),
    ("bomb.png", png_header(20_000, 20_000),
     "image 'bomb.png' is too large to decode safely (decompression bomb?)"),
    ("huge.png", png_header(10_000, 7_000),
     "image 'huge.png' has 10000×7000 pixels: too large to print, reduce it"),
    ("cut.png", image_bytes("PNG")[:600],
     "image 'cut.png' is not a readable image (OSError): export it again"),
    ("cut.jpg", image_bytes("JPEG")[:700],
     "image 'cut.jpg' is truncated (no JPEG end marker): copy or export it again"),
], ids=["text-as-jpg", "svg-as-png", "decompression-bomb", "too-many-pixels", "truncated-png", "truncated-jpeg"])
def test_bad_image_files_are_refused_by_content(tmp_path, monkeypatch, server, outside, name, data, message) -> None:
    data = data.replace(b"{url}", server.url("svg.png").encode())
    root = publication(tmp_path, FRONT + PHOTO.format(src=name), files={f"images/{name}": data})
    outcome = build(root, monkeypatch)
    assert_error(outcome, f"sections/01.md:5: error: {message}")
    assert_nothing_reached(outcome, server, outside)


def test_a_good_photo_is_printed(tmp_path, monkeypatch, server, outside) -> None:
    """The control case: the checks let a real photo through, fetched from images/ only."""
    root = publication(tmp_path, FRONT + PHOTO.format(src="photo.jpg"), files={"images/photo.jpg": image_bytes("JPEG")})
    outcome = build(root, monkeypatch)
    assert outcome.error is None and outcome.result.warnings == [] and outcome.refused == []
    assert b"/Subtype /Image" in outcome.pdf or b"/Subtype/Image" in outcome.pdf
    assert_nothing_reached(outcome, server, outside)


# ================================================================ resource access: themes and templates


def test_css_injection_through_accent_is_refused(tmp_path, monkeypatch, server, outside) -> None:
    url = server.url("accent.png")
    root = publication(tmp_path, f'---\ntitle: Un\naccent: "blue); background: url({url}"\n---\nTexte.\n')
    outcome = build(root, monkeypatch)
    assert_error(outcome, f"sections/01.md:3: error: 'accent': 'blue); background: url({url}' is not a colour "
                          "name of the theme (lowercase letters, digits and '-', e.g. blue)")
    assert_nothing_reached(outcome, server, outside)


@pytest.mark.parametrize("value", ["{outside}", "../../outside", "http://127.0.0.1/x"])
def test_layouts_folder_outside_the_publication_is_refused(tmp_path, monkeypatch, server, outside, value) -> None:
    value = value.format(outside=outside / "templates")
    root = publication(tmp_path, FRONT + "Texte.\n", meta=META + f"layouts: {value}\n")
    outcome = build(root, monkeypatch)
    assert_error(outcome, f"publication.yaml:5: error: 'layouts': folder '{value}' must be a folder inside the "
                          "publication (no URL, absolute path or '..')")
    assert_nothing_reached(outcome, server, outside)


def test_layouts_file_symlinked_outside_is_refused(tmp_path, monkeypatch, server, outside) -> None:
    root = publication(tmp_path, FRONT + "Texte.\n", meta=META + "layouts: mine\n", files={
        "mine/document.html": lambda p: p.symlink_to(outside / "templates" / "document.html")})
    outcome = build(root, monkeypatch)
    assert_error(outcome, "publication.yaml:5: error: layouts: 'mine/document.html' leads outside the publication "
                          "(symbolic link): copy the file instead")
    assert_nothing_reached(outcome, server, outside)


def test_theme_name_leading_outside_is_refused(tmp_path, monkeypatch, server, outside) -> None:
    root = publication(tmp_path, FRONT + "Texte.\n", meta=META + "theme: ../../../outside\n")
    outcome = build(root, monkeypatch)
    assert_error(outcome, "publication.yaml:5: error: 'theme': '../../../outside' is not a theme name: the name of "
                          "a folder of layouts/ (lowercase letters, digits, '-' and '_')")
    assert_nothing_reached(outcome, server, outside)


def test_designer_templates_cannot_fetch_or_read_outside(tmp_path, monkeypatch, server, outside) -> None:
    """A `layouts:` override template pointing at the server and at the secret from every place HTML
    has for a URL: WeasyPrint asks the closed fetcher, which refuses each one; the PDF is still made."""
    u = server.url
    secret = (outside / "secret.txt").as_uri()
    template = textwrap.dedent(f"""\
        <section class="part part-page">
        <h1 id="{{{{ anchor(part) }}}}">{{{{ part.meta.title }}}}</h1>
        <link rel="stylesheet" href="{u('link.css')}"><link rel="stylesheet" href="{(outside / 'secret.css').as_uri()}">
        <style>@import url({u('import.css')}); .b {{ background: url({u('bg.png')}) }}</style>
        <div class="b">b</div>
        <img src="{u('img.png')}" alt="a"><img src="{secret}" alt="b"><img src="../../outside/secret.png" alt="c">
        <iframe src="{u('frame.html')}"></iframe><object data="{u('object.svg')}"></object><embed src="{u('embed.svg')}">
        <a rel="attachment" href="{u('attachment.bin')}">pièce jointe</a><a rel="attachment" href="{secret}">pj</a>
        <div style="background: url({u('style.png')})">s</div>
        <svg width="10" height="10"><image href="{u('svg.png')}" width="10" height="10"/></svg>
        <script src="{u('script.js')}"></script>
        </section>
        """)
    root = publication(tmp_path, FRONT + "Texte.\n", meta=META + "layouts: mine\n",
                       files={"mine/parts/page.html": template})
    outcome = build(root, monkeypatch)
    assert outcome.error is None
    expected = {u(n) for n in ("link.css", "import.css", "bg.png", "img.png", "object.svg", "embed.svg",
                               "attachment.bin", "style.png", "svg.png")}
    expected |= {secret, (outside / "secret.css").as_uri(), (outside / "secret.png").as_uri()}
    assert expected <= set(outcome.refused), expected - set(outcome.refused)
    assert any(u("img.png") in w and "refused resource outside the project" in w for w in outcome.result.warnings)
    assert_nothing_reached(outcome, server, outside)


def test_designer_theme_css_cannot_fetch_or_read_outside(tmp_path, monkeypatch, server, outside) -> None:
    """A theme's style.css with @import and url() to the server, to a file outside and a data: URL."""
    import toolkit.build
    from toolkit.paths import LAYOUTS
    from toolkit.theme import load_theme

    layouts = tmp_path / "layouts"
    (layouts / "evil").mkdir(parents=True)
    (layouts / "base").symlink_to(LAYOUTS / "base", target_is_directory=True)
    (layouts / "evil" / "theme.yaml").write_text("name: evil\nparent: base\n", encoding="utf-8")
    (layouts / "evil" / "style.css").write_text(textwrap.dedent(f"""\
        @import url({server.url('theme-import.css')});
        @import url({(outside / 'secret.css').as_uri()});
        body {{ background: url({server.url('theme-bg.png')}) }}
        h1 {{ background: url({(outside / 'secret.png').as_uri()}) }}
        p {{ background: url(data:image/png;base64,{base64.b64encode(image_bytes('PNG', (4, 4))).decode()}),
                         url(data:image/png;base64,{base64.b64encode(b"x" * 300_000).decode()}) }}
        """), encoding="utf-8")
    monkeypatch.setattr(toolkit.build, "load_theme", lambda name: load_theme(name, layouts))
    root = publication(tmp_path, FRONT + "Texte.\n", meta=META + "theme: evil\n")
    outcome = build(root, monkeypatch)
    assert outcome.error is None
    expected = {server.url("theme-import.css"), (outside / "secret.css").as_uri(), server.url("theme-bg.png"),
                (outside / "secret.png").as_uri()}
    assert expected <= set(outcome.refused), expected - set(outcome.refused)
    # A small data: URL carries its content and is decoded (never fetched); one over 256 KB is refused
    # unread, a malformed one refused.
    small = [w for w in outcome.result.warnings if "data: URL" in w]
    assert any("a data: URL larger than 256 KB" in w for w in small), small
    assert len([url for url in outcome.refused if url.startswith("data:")]) <= 2
    assert not any(url.startswith("data:image/png;base64,iVBOR") for url in outcome.refused)
    assert_nothing_reached(outcome, server, outside)


def test_chart_labels_cannot_inject_svg_markup(tmp_path, monkeypatch, server, outside) -> None:
    """Chart text ends up in inline SVG (inserted as is): markup in it must come out escaped."""
    markup = f'<image href="{server.url("chart.png")}"/>'
    root = publication(tmp_path, FRONT + textwrap.dedent(f"""\
        ::: chart
        type: bar
        title: '{markup}'
        alt: Un graphique
        source: '{markup}'
        data:
          - label: '<i/>'
            value: 3
          - label: '<b>'
            value: 5
        :::
        """))
    outcome = build(root, monkeypatch)
    assert outcome.error is None, outcome.messages()
    elements = [t for html in outcome.html for t, _ in html_elements(html)]
    assert "svg" in elements and "image" not in elements
    assert outcome.refused == []
    assert_nothing_reached(outcome, server, outside)


# ================================================================ files outside: parts and data


@pytest.mark.parametrize("kind", ["dotdot", "absolute", "symlink"])
def test_part_outside_the_publication_is_refused_unread(tmp_path, monkeypatch, server, outside, kind) -> None:
    name = {"dotdot": "../../../outside/secret.md", "absolute": str(outside / "secret.md"), "symlink": "02.md"}[kind]
    root = publication(tmp_path, FRONT + "Texte.\n", meta=META.replace("[01.md]", f"[01.md, '{name}']"),
                       files={"sections/02.md": lambda p: p.symlink_to(outside / "secret.md")})
    outcome = build(root, monkeypatch)
    assert_error(outcome, f"publication.yaml:4: error: part '{name}' is outside the publication folder")
    assert_nothing_reached(outcome, server, outside)


def test_chart_data_file_symlinked_outside_is_refused_unread(tmp_path, monkeypatch, server, outside) -> None:
    root = publication(tmp_path, FRONT + "::: chart\ntype: bar\ntitle: T\nalt: Un graphique\nfile: chiffres.csv\n:::\n",
                       files={"data/chiffres.csv": lambda p: p.symlink_to(outside / "secret.csv")})
    outcome = build(root, monkeypatch)
    assert_error(outcome, "sections/01.md:8: error: data file 'chiffres.csv' leads outside the publication "
                          "(symbolic link): copy the file instead")
    assert_nothing_reached(outcome, server, outside)


def test_chart_data_file_with_broken_utf8_is_reported(tmp_path, monkeypatch, server, outside) -> None:
    root = publication(tmp_path, FRONT + "::: chart\ntype: bar\ntitle: T\nalt: Un graphique\nfile: chiffres.csv\n:::\n",
                       files={"data/chiffres.csv": b"label,value\nR\xe9gion,3\n"})
    outcome = build(root, monkeypatch)
    assert_error(outcome, "data/chiffres.csv:2: error: not valid UTF-8 text: save the file as UTF-8")
    assert_nothing_reached(outcome, server, outside)


def test_edition_part_outside_the_publication_is_refused_unread(tmp_path, monkeypatch, server, outside) -> None:
    root = publication(tmp_path, FRONT + "Texte.\n", files={
        "editions/bzh.yaml": "region: Bretagne\nparts: [../../../../outside/secret.md]\n"})
    outcome = build(root, monkeypatch, edition="bzh")
    assert_nothing_reached(outcome, server, outside)
    assert outcome.error is not None and any(m.startswith("editions/bzh.yaml:2: error: ") and "outside" in m
                                             for m in outcome.messages())


def test_chart_layout_error_names_the_file_and_line(tmp_path, monkeypatch, server, outside) -> None:
    label = "x" * 120
    root = publication(tmp_path, FRONT + f"Texte.\n\n::: chart\ntype: bar\ntitle: Essai\nalt: Un graphique\n"
                                         f"data:\n  - label: {label}\n    value: 3\n:::\n")
    outcome = build(root, monkeypatch)
    assert_error(outcome, "sections/01.md:6: error: a label is too long for a chart 80 mm wide: shorten it or "
                          "widen the chart")
    assert_nothing_reached(outcome, server, outside)


# ================================================================ broken files


@pytest.mark.parametrize("meta, expected", [
    (META + "subtitle: [non fermé\n", "publication.yaml:5: error: invalid YAML: the '[' on this line is never "
                                      "closed with ']'"),
    (META + "title: deux fois\n", "publication.yaml:5: error: invalid YAML: the key 'title' is given twice here "
                                  "(first on line 1): keep one"),
    (META + "subject: !!python/object/apply:os.system ['touch {flag}']\n",
     "publication.yaml:5: error: 'subject': the YAML tag '!!python/object/apply:os.system' is not allowed: "
     "remove it (content is text, numbers, lists and mappings)"),
    (META + "keywords: " + "[" * 5000 + "]" * 5000 + "\n",
     "publication.yaml:5: error: invalid YAML: values nested too deeply (more than 100 levels of [ ] or { })"),
], ids=["unclosed-bracket", "duplicate-key", "python-tag", "deep-nesting"])
def test_broken_publication_yaml(tmp_path, monkeypatch, server, outside, meta, expected) -> None:
    flag = tmp_path / "pwned"
    root = publication(tmp_path, FRONT + "Texte.\n", meta=meta.replace("{flag}", str(flag)))
    outcome = build(root, monkeypatch)
    assert outcome.error is not None
    assert any(m.startswith(expected) for m in outcome.messages()), outcome.messages()
    assert not flag.exists(), "a YAML tag ran a command"
    assert_nothing_reached(outcome, server, outside)


def test_billion_laughs_yaml_is_cheap(tmp_path, monkeypatch, server, outside) -> None:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]" for i in range(1, 9)]
    root = publication(tmp_path, FRONT + "::: quote\ntext: Oui\n" + "\n".join(lines) + "\n:::\n")
    outcome = build(root, monkeypatch)
    assert_error(outcome, "sections/01.md:5: error: invalid YAML: aliases (*name) expand to more than 100000 values: "
                          "repeat less")
    assert_nothing_reached(outcome, server, outside)


@pytest.mark.parametrize("body, expected", [
    (b"---\ntitle: Un\n---\nDeux lignes.\nR\xe9gion mal encod\xe9e\n",
     "sections/01.md:5: error: not valid UTF-8 text: save the file as UTF-8"),
    (b"", "sections/01.md:1: error: the file is empty: it must start with front matter: a '---' line, "
          "'layout: ...', 'title: ...', then '---'"),
    (b"Pas de front matter.\n", "sections/01.md:1: error: the file must start with front matter: a '---' line, "
                                "'layout: ...', 'title: ...', then '---'"),
    (b"---\ntitle: Un\ntitle: Deux\n---\n", "sections/01.md:3: error: invalid YAML: the key 'title' is given twice "
                                           "here (first on line 2): keep one"),
    (FRONT.encode() + b"::: poster\ntitle: x\n:::\n", "sections/01.md:4: error: unknown block 'poster'; known "
                                                       "blocks: about, article, callout, card, case-study, chart, "
                                                       "contact, directory, figures, photo, questions, quote, "
                                                       "signature, table, testimonial, timeline, zoom"),
    (FRONT.encode() + b"::: quote\ntext: Oui\n\nLa suite.\n", "sections/01.md:4: error: block 'quote' is never "
                                                              "closed: add a line ':::'"),
    (FRONT.encode() + b"::: figures\ncolumns: 99999999999999999999999999\nitems:\n  - value: 1e999999\n"
                      b"    label: 123456789012345678901234567890123456789\n:::\n",
     "sections/01.md:5: error: figures block: 'columns': Input should be less than or equal to 4"),
    (FRONT.encode() + b"x" * 1_000_000 + b"\n",
     "sections/01.md:4: error: a word of 1000000 characters ('xxxxxxxxxxxxxxxxxxxxxxxxxxxxx…') is longer than "
     "200: it cannot be laid out; add spaces, or put a long address in a link [text](address)"),
], ids=["broken-utf8", "empty", "no-front-matter", "duplicate-key", "unknown-block", "unclosed-block",
        "huge-numbers", "1MB-word"])
def test_broken_part_files(tmp_path, monkeypatch, server, outside, body, expected) -> None:
    root = publication(tmp_path, body)
    outcome = build(root, monkeypatch)
    assert outcome.error is not None
    messages = outcome.messages()
    assert any(m.startswith(expected) for m in messages), "\n".join(messages)
    assert not list((tmp_path / "out").rglob("*.pdf"))
    assert_nothing_reached(outcome, server, outside)


def test_part_listed_twice_is_refused(tmp_path, monkeypatch, server, outside) -> None:
    root = publication(tmp_path, FRONT + "Texte.\n", meta=META.replace("parts: [01.md]", "parts:\n  - 01.md\n  - 01.md"))
    outcome = build(root, monkeypatch)
    assert_error(outcome, "publication.yaml:6: error: part '01.md' is listed twice (first on line 5)")
    assert_nothing_reached(outcome, server, outside)


def test_byte_order_mark_is_ignored(tmp_path, monkeypatch, server, outside) -> None:
    root = publication(tmp_path, b"\xef\xbb\xbf" + (FRONT + "Texte avec BOM.\n").encode())
    (root / "publication.yaml").write_bytes(b"\xef\xbb\xbf" + META.encode())
    outcome = build(root, monkeypatch)
    assert outcome.error is None and outcome.result.warnings == []
    assert "Texte avec BOM" in pdf_text(outcome.pdf)
    assert_nothing_reached(outcome, server, outside)


def test_nesting_within_limits_and_hostile_unicode_build(tmp_path, monkeypatch, server, outside) -> None:
    """Lists and quotes 8 deep, blocks 5 deep, RTL, emoji, combining marks: a PDF, nothing lost."""
    lists = "".join("  " * i + f"- niveau {i}\n" for i in range(8))
    quotes = "> " * 8 + "citation profonde\n"
    blocks = "".join(":" * (3 + 5 - i) + " zoom\n---\n" for i in range(5)) + "au fond\n" + \
        "".join(":" * (3 + i + 1) + "\n" for i in range(5))
    unicode = "مرحبا بالعالم — שלום 👩‍👩‍👧 🇫🇷 e\u0301\u0301 \u202eà l'envers\u202c fin\n"
    root = publication(tmp_path, FRONT + lists + "\nsuite des listes\n\n" + quotes + "\n" + blocks + "\n" + unicode)
    outcome = build(root, monkeypatch)
    assert outcome.error is None, outcome.messages()
    # Narrow nested boxes break and hyphenate lines anywhere: compare without spaces and hyphens.
    # (pdfium marks a hyphenation point with U+FFFE)
    text = re.sub(r"[\s\-\u00ad\u2010\u2011\ufffe]", "", pdf_text(outcome.pdf))
    for words in ("niveau 7", "suite des listes", "citation profonde", "au fond", "שלום", "fin"):
        assert words.replace(" ", "") in text, words
    assert_nothing_reached(outcome, server, outside)


@pytest.mark.parametrize("body, expected", [
    ("Intro.\n\n" + "".join("  " * i + f"- niveau {i}\n" for i in range(40)) + "\nLa suite.\n",
     "sections/01.md:14: error: lists and quotes nested more than 8 levels deep: the text inside would not be "
     "printed; nest less"),
    ("> " * 60 + "citation\n", "sections/01.md:4: error: lists and quotes nested more than 8 levels deep: the text "
                               "inside would not be printed; nest less"),
    ("".join(":" * (3 + 30 - i) + " zoom\n---\n" for i in range(30)) + "au fond\n"
     + "".join(":" * (3 + i + 1) + "\n" for i in range(30)),
     "sections/01.md:14: error: block 'zoom' is nested 6 blocks deep: at most 5"),
], ids=["lists-40-deep", "quotes-60-deep", "blocks-30-deep"])
def test_too_deep_nesting_is_refused_not_silently_cut(tmp_path, monkeypatch, server, outside, body, expected) -> None:
    """markdown-it drops everything after its 20th level of nesting (and the rest of the text with it);
    WeasyPrint takes minutes over 30 nested blocks: both are refused at their line."""
    root = publication(tmp_path, FRONT + body)
    outcome = build(root, monkeypatch)
    assert_error(outcome, expected)
    assert_nothing_reached(outcome, server, outside)


# ================================================================ the command line


def test_cli_reports_hostile_content_without_traceback_and_keeps_the_previous_pdf(tmp_path, server, outside) -> None:
    url = server.url("cli.png")
    root = publication(tmp_path, FRONT + f"![x]({url})\n\n" + PHOTO.format(src=(outside / "secret.png").as_uri()))
    previous = tmp_path / "out" / "pub" / "pub-screen.pdf"
    previous.parent.mkdir(parents=True)
    previous.write_bytes(b"%PDF-previous good file")
    WATCH.opened.clear()
    WATCH.active = True
    try:
        result = CliRunner().invoke(main, ["build", "pub", "--variant", "screen", "--content", str(root.parent),
                                           "--out", str(tmp_path / "out")])
    finally:
        WATCH.active = False
    output = result.output.replace(f"{root}/", "")
    assert result.exit_code == 1
    assert f"sections/01.md:4: error: Markdown image '{url}' is not allowed" in output
    assert f"sections/01.md:7: error: photo block: 'src': image '{(outside / 'secret.png').as_uri()}' is a URL" in output
    assert "2 problem(s): nothing was written for this publication." in output
    assert "Traceback" not in output
    assert previous.read_bytes() == b"%PDF-previous good file"
    assert not [p for p in WATCH.opened if Path(p).resolve().is_relative_to(outside.resolve())]
    assert server.hits == []
