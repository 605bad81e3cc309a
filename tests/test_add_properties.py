"""Issue 14: `add` on random input. Random bytes, random Unicode (lone surrogates, controls,
bidi marks) and random JSON Lines never raise; every item is accounted for once; each bad item
gives one printable line naming it; every good record is stored; and the ledger checks clean."""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
import unicodedata
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crosscheck.api import add_sources
from crosscheck.ingest import normalise_text
from crosscheck.ledger import Ledger
from crosscheck.ledger.check import check_ledger

# Characters that break a line or act on a terminal: never in a message.
HIDDEN = {"Cc", "Cf", "Cs", "Zl", "Zp"}
# Any code point, lone surrogates and controls included.
UNICODE = st.text(alphabet=st.characters(min_codepoint=0, max_codepoint=0x10FFFF), max_size=80)
WORDS = st.text(alphabet=st.sampled_from(list("Velmora floods rose \u00ad\u200f\u202e\x00\x1b\u0301é")), max_size=60)
META = st.one_of(
    st.none(),
    UNICODE,
    st.integers(),
    st.lists(st.integers(), max_size=2),
    st.sampled_from(["2026-02-31", "9999-99-99", "2025-01-02", "yesterday", "not a date"]),
)
RECORD = st.fixed_dictionaries(
    {"text": st.one_of(UNICODE, WORDS)},
    optional={"id": st.one_of(UNICODE, st.integers()), "outlet": META, "title": META, "published": META},
)
# Lines that are not records: no line breaks (str.splitlines would cut them) and no NUL (the
# whole file would be binary).
JUNK = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc", "Zl", "Zp"), blacklist_characters="\x85"), max_size=40
)
LINE = st.one_of(RECORD.map(json.dumps), JUNK, st.just("[1, 2]"), st.just('{"text": 5}'))
ITEM = st.one_of(
    st.tuples(st.just("bytes"), st.binary(max_size=200)),
    st.tuples(st.just("jsonl"), st.lists(LINE, min_size=1, max_size=6)),
    st.tuples(st.just("name"), st.binary(min_size=1, max_size=8)),
)


def _write(folder: Path, items: list[tuple[str, Any]]) -> tuple[list[str], int, set[str]]:
    """Files for the items: the sources to add, how many items they hold, and the sha256 of
    every text that must end up stored."""
    sources: list[str] = []
    count = 0
    stored: set[str] = set()
    for i, (kind, value) in enumerate(items):
        if kind == "bytes":
            path = folder / f"raw{i}.txt"
            path.write_bytes(value)
            count += 1
        elif kind == "jsonl":
            path = folder / f"batch{i}.jsonl"
            path.write_text("\n".join(value) + "\n", encoding="utf-8")
            lines = [line for line in value if line.strip()]
            count += max(1, len(lines))  # a file of blank lines is one failure: empty
            for line in lines:
                try:
                    record = json.loads(line)
                except ValueError:
                    continue
                if isinstance(record, dict) and isinstance(record.get("text"), str):
                    text = record["text"]
                    if _utf8(text) and normalise_text(text):
                        stored.add(hashlib.sha256(normalise_text(text).encode()).hexdigest())
        else:  # a good report under a file name made of random bytes, most of them not UTF-8
            name = b"%d-" % i + value.replace(b"/", b"_").replace(b"\x00", b"_").replace(b".", b"_") + b".txt"
            text = f"Report {i} on the floods in Velmora, where the river rose overnight."
            with open(os.fsencode(folder) + b"/" + name, "wb") as fh:
                fh.write(text.encode())
            path = Path(os.fsdecode(os.fsencode(folder) + b"/" + name))
            count += 1
            stored.add(hashlib.sha256(text.encode()).hexdigest())
        sources.append(str(path))
    return sources, count, stored


def _utf8(text: str) -> bool:
    """True unless the text holds a lone surrogate."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _add(items: list[tuple[str, Any]], analyse: bool) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        sources, count, must_store = _write(folder, items)
        events: list[tuple[str, object]] = []
        with Ledger.open(folder / "l.db") as ledger:
            summary = add_sources(ledger, sources, analyse=analyse, on_event=lambda k, p: events.append((k, p)))
            shas = {row["sha256"] for row in ledger.conn.execute("SELECT sha256 FROM documents")}
            assert check_ledger(ledger) == []
        assert summary.added + summary.duplicates + summary.failed + summary.skipped == count, (summary, events)
        errors = [str(p) for k, p in events if k == "error"]
        assert len(errors) == summary.failed
        for line in errors + [str(p) for k, p in events if k == "warning"]:
            assert not any(unicodedata.category(ch) in HIDDEN for ch in line), line  # one line, inert
            assert line.startswith(str(folder)), line  # names the input
        assert must_store <= shas


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(ITEM, min_size=1, max_size=5))
def test_issue14_add_random_input_never_raises(items: list[tuple[str, Any]]) -> None:
    _add(items, analyse=False)


# English reports with random words, marks and characters inside, so the pipeline reads them.
REPORT = st.builds(
    lambda a, b: json.dumps(
        {"text": f"Hez{a}bollah fighters shelled Velmora on Monday, officials said. {b}", "language": "en"}
    ),
    WORDS,
    UNICODE,
)


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.just("jsonl"), st.lists(st.one_of(REPORT, LINE), min_size=1, max_size=3)), max_size=2))
def test_issue14_add_random_input_with_analysis(items: list[tuple[str, Any]]) -> None:
    _add(items, analyse=True)
