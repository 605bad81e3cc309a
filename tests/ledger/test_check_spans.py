"""`check` finds spans that do not match their document's text, and stays fast on a report of
a million characters (SQLite's substr walked the text from its start for every span: minutes)."""

from __future__ import annotations

import hashlib
import re
import time
from pathlib import Path

from crosscheck.ledger import Ledger
from crosscheck.ledger.check import check_ledger


def test_check_of_spans_in_a_long_report(tmp_path: Path) -> None:
    text = "Officials said the convoy reached the border crossing. " * 18_200
    assert len(text) > 1_000_000
    sha = hashlib.sha256(text.encode()).hexdigest()
    doc = "d" + sha[:16]
    starts = [m.start() for m in re.finditer("convoy", text)]
    rows = [("e1", doc, s, s + 6, "convoy") for s in starts]
    rows.append(("e1", doc, 1, 7, "convoy"))  # a span that points at other characters
    with Ledger.open(tmp_path / "l.db") as ledger:
        with ledger.transaction() as conn:
            conn.execute(
                "INSERT INTO documents (id, sha256, text, origin, added_at) VALUES (?, ?, ?, 'long.txt', 'now')",
                (doc, sha, text),
            )
            conn.execute("INSERT INTO entities (id, doc, name, type) VALUES ('e1', ?, 'convoy', 'ORG')", (doc,))
            conn.executemany("INSERT INTO entity_mentions VALUES (?, ?, ?, ?, ?)", rows)
        began = time.perf_counter()
        problems = check_ledger(ledger)
        seconds = time.perf_counter() - began
    assert problems == ["entity_mentions: 1 spans do not match their document's text"]
    assert seconds < 10, seconds
