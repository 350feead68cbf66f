"""Renders the pictures of docs/content-format.md from a tiny publication: `python docs/images/make_images.py`.

Each photo size on a page of its own (two columns, print variant with its bleed and crop marks), a
wide table and footnotes; small PNGs written beside this script."""
from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent.parent))

TEXT = ("Le programme accompagne les communes dans leurs projets de revitalisation, avec des moyens "
        "d'ingénierie, des crédits et un suivi au plus près des élus qui portent les projets. ") * 3
SIZES = {"column": "", "half": "", "full": "", "bleed": "", "crop": "height_mm: 40\nfocus: 50% 30%\n"}


def photo() -> bytes:
    import io

    from PIL import Image, ImageDraw

    image = Image.new("RGB", (1200, 800))
    draw = ImageDraw.Draw(image)
    for y in range(800):
        draw.line([(0, y), (1200, y)], fill=(60 + y // 10, 140 + y // 12, 210 - y // 5))
    draw.polygon([(0, 800), (380, 420), (700, 620), (1000, 380), (1200, 560), (1200, 800)], fill=(60, 110, 60))
    draw.ellipse([820, 110, 940, 230], fill=(250, 210, 90))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=85)
    return out.getvalue()


def part(name: str, fields: str) -> str:
    size = "full" if name == "crop" else name
    note = " with height_mm and focus" if fields else ""
    return (f"---\nlayout: page\ntitle: 'size: {name}'\n---\n{TEXT}\n\n::: photo\nsrc: photo.jpg\nalt: Paysage\n"
            f"size: {size}\n{fields}caption: 'size: {size}{note}'\n:::\n\n"
            f"{TEXT}\n\n{TEXT}\n")


TABLE = ("---\nlayout: page\ntitle: Tables and notes\n---\n" + TEXT + "Une note[^1] appelée ici.\n\n"
         "| Région | Alimentation principale | Source d'énergie | Montant (€) | Part |\n|---|---|---|---:|---:|\n"
         + "".join(f"| Région {n} | Réseau de chaleur urbain | Biomasse forestière | {n * 1234} | {n},5 % |\n"
                   for n in range(1, 9))
         + "\n| Région | Projets |\n|---|---:|\n| Bretagne | 12 |\n| Corse | 3 |\n\n" + TEXT
         + "Une autre note[^2].\n\n[^1]: Le texte de la note, au pied de la page de son appel.\n"
           "[^2]: Les notes sont numérotées dans toute la publication.\n")


def main() -> None:
    from toolkit.build import Builder

    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder) / "content" / "images"
        (root / "sections").mkdir(parents=True)
        (root / "images").mkdir()
        (root / "images" / "photo.jpg").write_bytes(photo())
        parts = {f"{name}.md": part(name, fields) for name, fields in SIZES.items()}
        parts["table.md"] = TABLE
        listing = "".join(f"  - {name}\n" for name in parts)
        (root / "publication.yaml").write_text("title: Images\norganisation: Agence\nkind: report\n"
                                               f"theme: agence\nparts:\n{listing}", encoding="utf-8")
        for name, text in parts.items():
            (root / "sections" / name).write_text(text, encoding="utf-8")
        builder = Builder(content=root.parent, out=Path(folder) / "out", parts=False)
        try:
            result = builder.build("images", "print")
        finally:
            builder.close()
        for page, name in enumerate([*SIZES, "table"], start=1):
            target = HERE / f"{'photo-' if name != 'table' else ''}{name}"
            subprocess.run(["pdftoppm", "-r", "28", "-png", "-singlefile", "-f", str(page), "-l", str(page),
                            str(result.path), str(target)], check=True)
            print(f"{target}.png")


if __name__ == "__main__":
    main()
