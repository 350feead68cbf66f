"""--proof: the overlay and the draft mark go into a -proof.pdf file, never into a final file."""
from __future__ import annotations

from support import pdf_text


def test_proof_is_written_beside_the_final_file_and_marked(tmp_path) -> None:
    from toolkit.build import Builder

    final = Builder(out=tmp_path).build("communique-2024", "screen")
    before = final.path.read_bytes()
    proof = Builder(out=tmp_path, proof=True).build("communique-2024", "screen")
    assert proof.path.name == "communique-2024-screen-proof.pdf"
    assert final.path.read_bytes() == before
    assert "BROUILLON" in pdf_text(proof.path)
    assert "BROUILLON" not in pdf_text(final.path)
