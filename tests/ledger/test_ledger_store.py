"""The ledger store: one document per text, near-duplicates linked, migrations, check."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest

from crosscheck.api import add_sources
from crosscheck.ingest import Draft, make_document
from crosscheck.ledger import Ledger
from crosscheck.ledger.check import check_ledger
from crosscheck.ledger.schema import MIGRATIONS
from helpers import ledger_rows

ORIGINAL = """Dam operators open spillways as reservoir nears record level

Operators of the Kestrel Gorge dam opened three spillways on Sunday as the reservoir rose to
within half a metre of its highest recorded level, the national water authority said.
Towns downstream along the Ambray river were told to move livestock and vehicles to higher
ground, and the authority said it expected the river to peak late on Monday night.
Engineers inspected the dam wall overnight and found no damage, a spokesperson said, adding
that the decision to release water was a precaution after a week of heavy rain in the hills.
Schools in four districts will stay closed on Monday, and the railway line along the valley
has been suspended until the water level falls. Residents were asked to follow updates from
the local civil protection office and to avoid the riverbanks.
"""

SYNDICATED = """Water released from Kestrel Gorge dam after week of rain

Operators of the Kestrel Gorge dam opened three spillways on Sunday as the reservoir rose to
within half a metre of its highest recorded level, the national water authority said.
Towns downstream along the Ambray river were told to move livestock and vehicles to higher
ground, and the authority said it expected the river to peak late on Monday night.
Engineers inspected the dam wall overnight and found no damage, a spokesperson said, adding
that the decision to release water was a precaution after a week of heavy rain in the hills.
Schools in four districts will stay closed on Monday, and the railway line along the valley
has been suspended until the water level falls. Residents were asked to follow updates from
the local civil protection office and to avoid the riverbanks.
Farmers in the lower valley said they had begun moving grain stores on Saturday evening.
"""

UNRELATED = """Opposition calls for recount after close mayoral vote

The opposition alliance in the coastal city of Brannock demanded a recount on Sunday after
the incumbent mayor was declared the winner by fewer than 400 votes, saying that ballot
boxes from two districts had arrived late at the counting centre. The electoral commission
said the count had been observed by representatives of every party and that any complaint
would be examined within seven days. Turnout was 58 per cent, slightly higher than at the
last election, and the result leaves the city council evenly split between the two blocs.
"""


def doc(text: str, origin: str, **meta: str) -> Any:
    return make_document(Draft(text=text, origin=origin, meta=dict(meta)))


@pytest.fixture
def ledger(tmp_path: Path) -> Any:
    with Ledger.open(tmp_path / "ledger.db") as opened:
        yield opened


def test_ledger_same_text_is_one_document(ledger: Any) -> None:
    first = ledger.add(doc(ORIGINAL, "a.txt"))
    again = ledger.add(doc(ORIGINAL.replace("\n", "\r\n") + "\n\n", "copy-of-a.txt"))
    assert first.status == "added" and again.status == "exists"
    assert again.doc == first.doc
    assert ledger.count("documents") == 1
    assert ledger_rows(Path(ledger.path)) == ["a.txt"]


def test_ledger_near_duplicate_linked_unrelated_not(ledger: Any) -> None:
    original = ledger.add(doc(ORIGINAL, "wire.txt"))
    copy = ledger.add(doc(SYNDICATED, "paper.txt"))
    other = ledger.add(doc(UNRELATED, "vote.txt"))
    assert copy.status == "added" and copy.duplicate_of == original.doc
    assert other.status == "added" and other.duplicate_of is None
    # a copy of the copy points to the first report, not to the copy
    third = ledger.add(doc("Dam update\n" + SYNDICATED.split("\n", 1)[1], "third.txt"))
    assert third.duplicate_of == original.doc
    rows = dict(ledger.conn.execute("SELECT origin, duplicate_of FROM documents").fetchall())
    assert rows == {"wire.txt": None, "paper.txt": original.doc, "vote.txt": None, "third.txt": original.doc}


def test_ledger_short_different_texts_not_linked(ledger: Any) -> None:
    a = ledger.add(doc("Curfew lifted in Halvik.", "a"))
    b = ledger.add(doc("Curfew extended in Halvik.", "b"))
    assert a.duplicate_of is None and b.duplicate_of is None


def test_ledger_api_reports_duplicates(tmp_path: Path, ledger: Any) -> None:
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.txt").write_text(ORIGINAL)
    (tmp_path / "in" / "b.txt").write_text(SYNDICATED)
    (tmp_path / "in" / "c.txt").write_text(ORIGINAL)
    events: list[tuple[str, Any]] = []
    summary = add_sources(ledger, [str(tmp_path / "in")], analyse=False, on_event=lambda k, p: events.append((k, p)))
    assert (summary.added, summary.duplicates, summary.near_duplicates, summary.failed) == (2, 1, 1, 0)
    assert [p.status for k, p in events if k == "document"].count("exists") == 1
    again = add_sources(ledger, [str(tmp_path / "in")], analyse=False)
    assert (again.added, again.duplicates) == (0, 3)


def test_ledger_schema_wal_foreign_keys_migrations(tmp_path: Path) -> None:
    path = tmp_path / "ledger.db"
    with Ledger.open(path) as ledger:
        assert ledger.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert ledger.conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    names = ledger_rows(path, "SELECT name FROM _migrations ORDER BY name")
    assert names == sorted(name for name, _ in MIGRATIONS)
    with Ledger.open(path):  # re-opening applies nothing twice
        pass
    assert ledger_rows(path, "SELECT name FROM _migrations ORDER BY name") == names
    with pytest.raises(sqlite3.IntegrityError), Ledger.open(path) as ledger, ledger.transaction():
        ledger.conn.execute("INSERT INTO document_bands VALUES (1, 'dmissing')")


def test_ledger_search_and_lookup(ledger: Any) -> None:
    added = ledger.add(doc(ORIGINAL, "folder/dam.txt", outlet="River Post"))
    ledger.add(doc(UNRELATED, "folder/vote.txt"))
    hits = ledger.search("spillways")
    assert [h["id"] for h in hits] == [added.doc]
    assert "[spillways]" in hits[0]["snippet"]
    assert ledger.search('recount" OR "dam') == []  # user text is never FTS syntax
    assert ledger.document(added.doc[:6])["id"] == added.doc
    assert ledger.document("dam.txt")["outlet"] == "River Post"
    assert ledger.document("nothing-like-this") is None


def test_ledger_check_passes_and_finds_tampering(ledger: Any) -> None:
    ledger.add(doc(ORIGINAL, "a.txt"))
    ledger.add(doc(UNRELATED, "b.txt"))
    assert check_ledger(ledger) == []
    with ledger.transaction():
        ledger.conn.execute("UPDATE documents SET text = text || ' edited' WHERE origin = 'a.txt'")
    problems = check_ledger(ledger)
    assert len(problems) == 1 and "does not match its sha256" in problems[0]


def test_ledger_check_cli_exit_code(tmp_path: Path, cli: Any) -> None:
    path = tmp_path / "ledger.db"
    with Ledger.open(path) as ledger:
        ledger.add(doc(ORIGINAL, "a.txt"))
    assert cli("--ledger", path, "check").out.strip() == "ok"
    conn = sqlite3.connect(path)
    conn.execute("UPDATE documents SET id = 'x' || id")
    conn.commit()
    conn.close()
    result = cli("--ledger", path, "check")
    assert result.code == 3
    assert "id is not derived from its sha256" in result.err
