"""Override templates are content: the `layouts:` folder of a publication is written by whoever writes
the publication. Every known way out of Jinja must end in a located `file:line: error:` — never in
code run, a file read, a socket opened or a traceback. docs/security.md, "Templates", lists them."""
from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from test_hostile_content import FRONT, META, SECRET, build, outside, publication, server  # noqa: F401
from toolkit.cli import main

RAN = "RAN-4b1d"  # a command that runs would create this file in the working folder

# (expression, what the message says after "template: ")
ESCAPES = [
    (f"cycler.__init__.__globals__.os.popen('touch {RAN}').read()",
     "access to attribute '__init__' of 'type' object is unsafe"),
    (f"joiner.__init__.__globals__.os.popen('touch {RAN}').read()",
     "access to attribute '__init__' of 'type' object is unsafe"),
    (f"namespace.__init__.__globals__.os.popen('touch {RAN}').read()",
     "access to attribute '__init__' of 'type' object is unsafe"),
    (f"lipsum.__globals__.os.popen('touch {RAN}').read()", "'lipsum' is undefined"),
    ("self.__init__.__globals__", "access to attribute '__init__' of 'TemplateReference' object is unsafe"),
    ("self._TemplateReference__context", "access to attribute '_TemplateReference__context'"),
    ("''.__class__.__mro__[1].__subclasses__()", "access to attribute '__class__' of 'str' object is unsafe"),
    ("().__class__.__base__.__subclasses__()", "access to attribute '__class__' of 'tuple' object is unsafe"),
    ("meta|attr('__class__')", "access to attribute '__class__' of 'PublicationMeta'"),
    ("'{0.__class__.__mro__}'.format(meta)", "access to attribute '__class__' of 'PublicationMeta'"),
    ("'{m.__class__}'.format_map({'m': meta})", "access to attribute '__class__' of 'PublicationMeta'"),
    ("anchor.__globals__", "access to attribute '__globals__' of 'function' object is unsafe"),
    ("image_url.__closure__", "access to attribute '__closure__' of 'function' object is unsafe"),
    ("meta.model_copy.__func__.__globals__", "access to attribute 'model_copy' of 'PublicationMeta' object is unsafe"),
    ("(publication.root / '../../outside/secret.txt').read_text()",
     "access to attribute 'read_text' of 'PosixPath' object is unsafe"),
    ("publication.parts[0].source.open().read()", "access to attribute 'open' of 'PosixPath' object is unsafe"),
    ("(publication.root / 'x.txt').write_text('x')", "access to attribute 'write_text' of 'PosixPath'"),
    ("theme.output_profile.read_bytes()", "access to attribute 'read_bytes' of 'PosixPath' object is unsafe"),
    ("meta.keywords.append('x')", "access to attribute 'append' of 'list' object is unsafe"),
    ("theme.tokens.update({})", "access to attribute 'update' of 'dict' object is unsafe"),
    # pydantic's machinery on the content's models: a 100 MB JSON at once, or a changed copy
    ("meta.model_dump_json(indent=100000000)", "access to attribute 'model_dump_json' of 'PublicationMeta'"),
    ("publication.parts[0].json(indent=100000000)", "access to attribute 'json' of 'Part' object is unsafe"),
    ("publication.model_copy(update={'name': 'x'})", "access to attribute 'model_copy' of 'Publication'"),
]
BOUNDS = [
    ("'x' * 100000000", "'*' would build a value of more than 10000000 characters or items"),
    ("9 ** 99999999", "'**' would give a number of more than 10000000 digits"),
    ("10.0 ** 1000", "'**': (34, 'Numerical result out of range')"),
    ("range(1000000000) | list | length", "Range too big"),
]


def override(tmp_path: Path, expression: str) -> Path:
    return publication(tmp_path, FRONT + "Texte.\n", meta=META + "layouts: mine\n", files={
        "mine/document.html": f"<html><body>\n<p>{{{{ {expression} }}}}</p>\n</body></html>\n"})


@pytest.mark.parametrize("expression, said", ESCAPES + BOUNDS, ids=[e for e, _ in ESCAPES + BOUNDS])
def test_template_escape_is_a_located_error(tmp_path, monkeypatch, server, outside, expression, said) -> None:
    monkeypatch.chdir(tmp_path)
    root = override(tmp_path, expression)
    outcome = build(root, monkeypatch)
    assert outcome.error is not None, f"{expression} rendered: {outcome.html[-1:]}"
    messages = outcome.messages()
    assert len(messages) == 1 and messages[0].startswith("content/pub/mine/document.html:2: error: template"), messages
    assert said in messages[0]
    assert not (tmp_path / RAN).exists(), "a command ran"
    assert not (root / "x.txt").exists(), "a file was written"
    assert not [p for p in outcome.opened if p.startswith(str(outside))]
    assert not outcome.connected and not server.hits
    assert all(SECRET not in html for html in outcome.html)


def test_escape_in_an_included_block_template_is_located_there(tmp_path, monkeypatch) -> None:
    """A block template rendered through `render(block)` is located in its own file, not the caller's."""
    root = publication(tmp_path, FRONT + "::: quote\ntext: Bonjour\n:::\n", meta=META + "layouts: mine\n", files={
        "mine/blocks/quote.html": "<blockquote>\n{{ block.text }}\n{{ block.__class__ }}\n</blockquote>\n"})
    outcome = build(root, monkeypatch)
    assert outcome.error is not None
    assert [m.split(": error: ")[0] for m in outcome.messages()] == ["mine/blocks/quote.html:3"]


def test_sandbox_through_the_command_line(tmp_path, monkeypatch) -> None:
    """`toolkit build` prints the located problem, no traceback, exit 1, nothing written."""
    monkeypatch.chdir(tmp_path)
    root = override(tmp_path, f"cycler.__init__.__globals__.os.popen('touch {RAN}').read()")
    result = CliRunner().invoke(main, ["build", "pub", "--variant", "screen", "--content", str(root.parent),
                                       "--out", str(tmp_path / "out")])
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output and result.exception is None or isinstance(result.exception, SystemExit)
    assert "content/pub/mine/document.html:2: error: template: access to attribute '__init__'" in result.output
    assert not (tmp_path / RAN).exists() and not (tmp_path / "out" / "pub").exists()


def test_sandbox_keeps_what_designers_use(tmp_path, monkeypatch) -> None:
    """The control case: loops, namespace, cycler, filters, a path's name, range within bounds."""
    template = ("<html><body>\n{% set ns = namespace(n=0) %}{% set c = cycler('a', 'b') %}"
                "{% for i in range(3) %}{% set ns.n = ns.n + i %}{{ c.next() }}{% endfor %}"
                "<p>total {{ ns.n }} {{ parts[0].source.stem }} {{ 'ab' * 3 }} {{ 2 ** 10 }}</p>\n"
                "{% for part in parts %}{% include 'parts/' ~ part.meta.layout ~ '.html' %}{% endfor %}"
                "</body></html>\n")
    root = publication(tmp_path, FRONT + "Texte.\n", meta=META + "layouts: mine\n",
                       files={"mine/document.html": template})
    outcome = build(root, monkeypatch)
    assert outcome.error is None, outcome.messages()
    assert "aba<p>total 3 01 ababab 1024</p>" in outcome.html[-1]
