"""The files the readers open: the corpus in both variants and its edition, the two default
publications, three regional editions in print (with padding pages)."""
from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT / "tests" / "corpus"
VARIANTS = ("print", "screen")
CORPUS_PUBLICATIONS = ("corpus-rapport", "corpus-colonnes", "corpus-communique")
CORPUS_EDITION = ("corpus-rapport", "bretagne")
REPORT = "rapport-annuel-2023"
EDITIONS = ("corse", "guyane", "occitanie")

# (file id, publication, variant, edition, from the corpus)
FILES = (
    [(f"{name}-{variant}", name, variant, None, True) for name in CORPUS_PUBLICATIONS for variant in VARIANTS]
    + [(f"{CORPUS_EDITION[0]}-{CORPUS_EDITION[1]}-print", CORPUS_EDITION[0], "print", CORPUS_EDITION[1], True)]
    + [(f"{name}-{variant}", name, variant, None, False)
       for name in ("communique-2024", REPORT) for variant in VARIANTS]
    + [(f"{REPORT}-{edition}-print", REPORT, "print", edition, False) for edition in EDITIONS]
)
FILE_IDS = [file_id for file_id, *_ in FILES]
