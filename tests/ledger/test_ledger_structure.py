"""Structure marks are stored with their document and come back for re-analysis."""

from __future__ import annotations

from pathlib import Path

from crosscheck.analyse import part_structure
from crosscheck.ingest import make_document
from crosscheck.ingest.normalize import Draft
from crosscheck.ledger import Ledger


def test_ledger_structure_marks_round_trip(tmp_path: Path) -> None:
    document = make_document(Draft(text="Title\n\nBy Ana Ruiz\n\nThe road reopened on Monday.", origin="a.txt"))
    assert [m.kind for m in document.structure] == ["credit"]
    with Ledger.open(tmp_path / "l.db") as ledger:
        ledger.add(document)
        (stored,) = ledger.documents_to_analyse()
    assert stored.structure == document.structure
    mark = stored.structure[0]
    assert stored.text[mark.start : mark.end] == "By Ana Ruiz"


def test_ledger_structure_shifted_into_parts_and_past_invisible_characters() -> None:
    text = "Title\n\nBy Ana\u00ad Ruiz\n\nThe road reopened."
    document = make_document(Draft(text=text, origin="a.txt"))
    (mark,) = document.structure
    start = 5  # a part that starts after the title
    part = document.text[start:]
    stripped = part.replace("\u00ad", "")
    positions = [i for i, ch in enumerate(part) if ch != "\u00ad"] + [len(part)]
    ((a, b, kind),) = part_structure(document, start, len(document.text), positions) or []
    assert kind == "credit" and stripped[a:b] == "By Ana Ruiz"
    assert part_structure(make_document(Draft(text="Title\n\nPlain text.", origin="b")), 0, 10, None) is None
