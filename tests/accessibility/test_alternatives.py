"""An image without an alternative never reaches the screen file: an empty or blank `alt` on a photo or
a chart is an error at its file and line, every one at once, and nothing is written."""
from __future__ import annotations

from pathlib import Path

import pytest

from toolkit.errors import ContentError

SECTION = """---
layout: page
title: Des images sans alternative
---
::: photo
alt: "   "
credit: Photo X
:::

::: chart
type: bar
title: Un graphique
alt: ""
data:
  - {label: Bretagne, value: 12}
:::
"""


def test_empty_alternatives_are_located_errors(make_builder, tmp_path: Path) -> None:
    folder = tmp_path / "sans-alt"
    (folder / "sections").mkdir(parents=True)
    (folder / "publication.yaml").write_text(
        "title: Sans alternative\norganisation: Test\nkind: report\ntheme: agence\nlanguage: fr\n"
        "parts: [01-page.md]\n", encoding="utf-8")
    (folder / "sections" / "01-page.md").write_text(SECTION, encoding="utf-8")
    builder = make_builder("sans-alt", content=tmp_path)
    with pytest.raises(ContentError) as raised:
        builder.build("sans-alt", "screen")
    messages = [str(problem) for problem in raised.value.problems]
    located = [m for m in messages if "01-page.md:" in m and "alt" in m]
    assert len(located) == 2, messages
    assert not list(builder.out.rglob("*.pdf"))
