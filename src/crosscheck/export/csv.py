"""The CSV export: one file per table in a folder, with fixed headers.

Every table has a fixed list of columns (`COLUMNS`, documented in docs/exports.md), so a
spreadsheet or a script can rely on them whatever the ledger holds. A span becomes `doc`,
`start`, `end`, `text` columns; lists and objects become JSON cells; a missing value is an
empty cell.

Text cells are made safe for spreadsheets (`safe_cell`): one that starts with `=`, `+`, `-`,
`@`, a tab or a carriage return gets a leading `'`, so it is shown as text rather than run as a
formula (OWASP's advice on CSV injection). Numbers the exporter writes stay numbers.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

from crosscheck.export.stream import iter_part
from crosscheck.ledger import Ledger

__all__ = ["COLUMNS", "FORMULA_STARTS", "TABLES", "safe_cell", "safe_row", "table_rows", "write_csv"]

Row = dict[str, Any]

COLUMNS: dict[str, tuple[str, ...]] = {
    "documents": (
        "id",
        "outlet",
        "title",
        "url",
        "published",
        "language",
        "author",
        "sha256",
        "origin",
        "duplicate_of",
        "added_at",
        "text",
    ),
    "entities": ("id", "name", "type", "kind", "aliases", "mention_count", "docs", "mentions"),
    "relations": (
        "id",
        "subject",
        "predicate",
        "object",
        "doc",
        "start",
        "end",
        "text",
        "evidence",
    ),
    "places": (
        "id",
        "name",
        "country",
        "admin1",
        "feature",
        "gazetteer_id",
        "lat",
        "lon",
        "mention_count",
        "mentions",
    ),
    "claims": (
        "id",
        "doc",
        "start",
        "end",
        "text",
        "sentence",
        "source_text",
        "source_kind",
        "source_entity",
        "via",
        "cue",
        "quote",
        "certainty",
        "polarity",
        "kind",
        "event_type",
        "when_start",
        "when_end",
        "when_precision",
        "when_text",
        "when_background",
        "entities",
        "places",
        "figures",
        "cluster",
        "stance",
        "origin",
    ),
    "figures": (
        "id",
        "doc",
        "start",
        "end",
        "text",
        "value",
        "low",
        "high",
        "qualifier",
        "category",
        "what",
        "as_of",
        "place",
        "claim",
        "part_of",
    ),
    "clusters": (
        "id",
        "proposition",
        "status",
        "reason",
        "claim_count",
        "claims",
        "origins",
        "refuted_by",
    ),
    "series": ("id", "category", "what", "place", "source", "point_count", "points", "flags"),
    "events": ("id", "type", "actor", "target", "place", "when_start", "when_end", "claims"),
}
TABLES = tuple(COLUMNS)
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
"""First characters that make a spreadsheet read a cell as a formula (OWASP, CSV injection)."""


def safe_cell(value: Any) -> Any:
    """A cell a spreadsheet shows as it is: a text cell starting with one of `FORMULA_STARTS`
    gets a leading `'`. Numbers (int, float) are returned unchanged: only text is neutralised."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def safe_row(row: Row) -> Row:
    """`safe_cell` applied to every cell of a row."""
    return {key: safe_cell(value) for key, value in row.items()}


def _span(span: Row | None) -> Row:
    span = span or {}
    return {
        "doc": span.get("doc"),
        "start": span.get("start"),
        "end": span.get("end"),
        "text": span.get("text"),
    }


def _when(when: Row | None) -> Row:
    when = when or {}
    return {
        "when_start": when.get("start"),
        "when_end": when.get("end"),
        "when_precision": when.get("precision"),
        "when_text": when.get("text"),
        "when_background": when.get("background"),
    }


def _entity(e: Row) -> Row:
    return {**e, "mention_count": len(e.get("mentions", []))}


def _relation(r: Row) -> Row:
    evidence = r.get("evidence") or []
    return {**r, **_span(evidence[0] if evidence else None)}


def _place(p: Row) -> Row:
    return {**p, "mention_count": len(p.get("mentions", []))}


def _claim(c: Row) -> Row:
    source = c.get("source") or {}
    return {
        **c,
        **_span(c.get("span")),
        **_when(c.get("when")),
        "doc": c.get("doc"),
        "sentence": (c.get("sentence") or {}).get("text"),
        "source_text": source.get("text"),
        "source_kind": source.get("kind"),
        "source_entity": source.get("entity"),
    }


def _figure(f: Row) -> Row:
    return {**f, **_span(f.get("span")), "doc": f.get("doc")}


def _cluster(k: Row) -> Row:
    return {**k, "claim_count": len(k.get("claims", []))}


def _series(s: Row) -> Row:
    return {**s, "point_count": len(s.get("points", []))}


def _event(e: Row) -> Row:
    return {**e, **_when(e.get("when"))}


_FLATTEN: dict[str, Callable[[Row], Row]] = {
    "documents": dict,
    "entities": _entity,
    "relations": _relation,
    "places": _place,
    "claims": _claim,
    "figures": _figure,
    "clusters": _cluster,
    "series": _series,
    "events": _event,
}


def _cell(value: Any) -> Any:
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return "" if value is None else value


def table_rows(data: Row, table: str) -> list[Row]:
    """The rows of one table of an export (`export_ledger`'s dict), flattened to its columns."""
    return list(_rows(data.get(table) or [], table))


def _rows(records: Iterable[Row], table: str) -> Iterator[Row]:
    columns = COLUMNS[table]
    flatten = _FLATTEN[table]
    for flat in map(flatten, records):
        yield {col: _cell(flat.get(col)) for col in columns}


def write_csv(ledger: Ledger, folder: Path) -> list[Path]:
    """Write documents.csv, entities.csv, ... (one per table in `TABLES`) into `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for table in TABLES:
        path = folder / f"{table}.csv"
        with path.open("w", newline="", encoding="utf-8") as fh:
            writer = csv.DictWriter(fh, fieldnames=COLUMNS[table])
            writer.writeheader()
            writer.writerows(map(safe_row, _rows(iter_part(ledger, table), table)))  # a record at a time
        written.append(path)
    return written
