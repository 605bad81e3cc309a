"""Reads that stay fast (issue 12): listings page in SQL by an index, in the same order as the
whole list; the kept sort keys (cluster board facts, actor mention counts) stay right through
corrections and re-analysis; exports stream the same bytes in flat memory."""

from __future__ import annotations

import hashlib
import io
import json
import random
import sqlite3
import tracemalloc
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import whole_export as stored
from crosscheck import queries
from crosscheck.export.json import SCHEMA_ID, write_json
from crosscheck.ledger import Ledger
from crosscheck.ledger import corrections as fix
from crosscheck.records import Analysis, Claim, Document, EntityRecord, Figure, Source, Span, content_id
from crosscheck.web import data

ACTORS = ["Harbour Police", "Port Authority", "Red Crescent", "Dock Union", "Coast Guard", "Élan Group"]
OUTLETS = ["Wire A", "Wire B", "Times C", None]
TOPICS = [["fire", "warehouse"], ["strike", "wages"], ["arrests", "march"], ["flood", "river"], ["curfew", "night"]]


def _report(i: int, rng: random.Random) -> tuple[Document, Analysis]:
    """A hand-made report of three attributed claims (no NLP): actors, topics, dates and
    outlets vary, so clusters differ in size, origins and recency."""
    sentences, records = [], []
    pos = 0
    for j in range(3):
        actor = rng.choice(ACTORS)
        topic = rng.choice(TOPICS)
        value = rng.randint(2, 40)
        body = f"{topic[0]} at the {topic[1]} hurt {value} people"
        sentences.append(f"{actor} said {body}.")
        records.append((pos, actor, pos + len(actor) + 6, body, topic, value, j))
        pos += len(sentences[-1]) + 1
    text = "\n".join(sentences) + f"\nReport {i}."
    sha = hashlib.sha256(text.encode()).hexdigest()
    doc = f"d{sha[:15]}"
    published = None if i % 9 == 0 else f"2025-03-{1 + i % 27:02d}"
    document = Document(
        id=doc, sha256=sha, text=text, origin=f"t/{i}", outlet=OUTLETS[i % 4], published=published, language="en"
    )
    entities: dict[str, EntityRecord] = {}
    claims, figures = [], []
    for start, actor, bstart, body, topic, value, _j in records:
        old = entities.get(actor)
        ent_id = old.id if old else content_id("e", doc, "ORG", actor)
        mention = Span(doc=doc, start=start, end=start + len(actor), text=actor)
        entities[actor] = EntityRecord(
            id=ent_id, doc=doc, name=actor, type="ORG", mentions=(*(old.mentions if old else ()), mention)
        )
        cid = content_id("c", doc, bstart)
        num = str(value)
        at = bstart + body.index(f" {num} ") + 1
        fid = content_id("f", doc, at)
        figures.append(
            Figure(
                id=fid,
                doc=doc,
                span=Span(doc=doc, start=at, end=at + len(num), text=num),
                value=value,
                low=None,
                high=None,
                qualifier=None,
                category="injured",
                what="people",
                as_of=published,
                claim=cid,
            )
        )
        claims.append(
            Claim(
                id=cid,
                doc=doc,
                span=Span(doc=doc, start=bstart, end=bstart + len(body), text=body),
                sentence=Span(
                    doc=doc, start=start, end=bstart + len(body) + 1, text=text[start : bstart + len(body) + 1]
                ),
                source=Source(text=actor, kind="named", entity=ent_id, span=mention),
                cue="said",
                terms=tuple(topic),
                figures=(fid,),
            )
        )
    analysis = Analysis(
        doc=doc, version="t", entities=tuple(entities.values()), claims=tuple(claims), figures=tuple(figures)
    )
    return document, analysis


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("paging") / "l.db"
    rng = random.Random(12)
    with Ledger.open(path) as ledger:
        for i in range(45):
            ledger.add(*_report(i, rng))
    return path


@pytest.fixture
def ledger(built: Path, tmp_path: Path) -> Iterator[Ledger]:
    copy = tmp_path / "l.db"
    src = sqlite3.connect(built)
    dst = sqlite3.connect(copy)
    src.backup(dst)
    src.close()
    dst.close()
    with Ledger.open(copy) as led:
        yield led


def _pages(fetch: Any, size: int) -> list[Any]:
    out, offset = [], 0
    while True:
        page = fetch(limit=size, offset=offset)
        out += page
        if len(page) < size:
            return out
        offset += size


# -- the cluster board --------------------------------------------------------------------------


def _old_board(ledger: Ledger, sort: str) -> list[tuple[str, int, int, str]]:
    """The board as it was computed before: every cluster's facts from its reports, sorted in Python."""
    conn = ledger.conn
    rows = []
    for k in conn.execute("SELECT id, size, origins FROM clusters ORDER BY size DESC, id"):
        last = conn.execute(
            "SELECT max(d.published) FROM memberships m JOIN claims c ON c.id = m.claim JOIN documents d ON d.id = c.doc "
            "WHERE m.cluster = ?",
            (k["id"],),
        ).fetchone()[0]
        rows.append((k["id"], len(json.loads(k["origins"])), k["size"], last or ""))
    if sort == "recency":
        rows.sort(key=lambda r: (r[3], r[2]), reverse=True)
    else:
        rows.sort(key=lambda r: (r[1], r[2], r[3]), reverse=True)
    return rows


@pytest.mark.parametrize("sort", ["origins", "recency"])
def test_board_pages_are_the_old_order(ledger: Ledger, sort: str) -> None:
    expected = [r[0] for r in _old_board(ledger, sort)]
    assert len(expected) > 20
    whole = data.board(ledger, sort=sort, limit=1000)
    assert [r["id"] for r in whole] == expected
    paged = _pages(lambda **kw: data.board(ledger, sort=sort, **kw), 7)
    assert [r["id"] for r in paged] == expected
    facts = {r["id"]: r for r in whole}
    for cid, n_origins, size, last in _old_board(ledger, sort):
        assert (facts[cid]["n_origins"], facts[cid]["size"], facts[cid]["last"] or "") == (n_origins, size, last)


def test_board_filters_match_the_facts_of_each_cluster(ledger: Ledger) -> None:
    everything = data.board(ledger, limit=1000)
    assert [r["id"] for r in data.board(ledger, outlet="wire", limit=1000)] == [
        r["id"] for r in everything if any("wire" in o.lower() for o in r["outlets"])
    ]
    since, until = "2025-03-10", "2025-03-20"
    assert [r["id"] for r in data.board(ledger, since=since, until=until, limit=1000)] == [
        r["id"] for r in everything if (r["last"] or "") >= since and (r["first"] or "9999") <= until + "\uffff"
    ]
    assert {r["id"] for r in data.board(ledger, status="single_source", limit=1000)} == {
        r["id"] for r in everything if r["status"] == "single_source"
    }


def test_list_clusters_pages(ledger: Ledger) -> None:
    whole = queries.list_clusters(ledger)
    assert _pages(lambda **kw: queries.list_clusters(ledger, **kw), 5) == whole
    assert [k["size"] for k in whole] == sorted((k["size"] for k in whole), reverse=True)


def _plans(ledger: Ledger, call: Any) -> list[str]:
    """The query plans of the SELECTs on clusters that `call` runs."""
    sqls: list[str] = []
    ledger.conn.set_trace_callback(sqls.append)
    try:
        call()
    finally:
        ledger.conn.set_trace_callback(None)
    plans = []
    for sql in sqls:
        if sql.lstrip().upper().startswith("SELECT") and "FROM clusters" in sql:
            rows = ledger.conn.execute("EXPLAIN QUERY PLAN " + sql).fetchall()
            plans.append(" | ".join(r[3] for r in rows))
    return plans


@pytest.mark.parametrize(
    "kwargs", [{}, {"sort": "recency"}, {"status": "corroborated"}, {"status": "contested", "sort": "recency"}]
)
def test_board_query_reads_an_index_without_sorting(ledger: Ledger, kwargs: dict[str, str]) -> None:
    plans = _plans(ledger, lambda: data.board(ledger, limit=50, **kwargs))
    assert plans, "the board asked nothing of clusters"
    for plan in plans:
        assert "TEMP B-TREE" not in plan, plan
        assert "USING INDEX" in plan or "USING COVERING INDEX" in plan, plan


def test_list_clusters_and_entities_read_an_index(ledger: Ledger) -> None:
    for plan in _plans(ledger, lambda: queries.list_clusters(ledger, limit=10)):
        assert "TEMP B-TREE" not in plan and "INDEX" in plan, plan
    sqls: list[str] = []
    ledger.conn.set_trace_callback(sqls.append)
    queries.list_entities(ledger, limit=10)
    ledger.conn.set_trace_callback(None)
    board = [s for s in sqls if "FROM actor_board" in s]
    assert board
    plan = " | ".join(r[3] for r in ledger.conn.execute("EXPLAIN QUERY PLAN " + board[0]).fetchall())
    assert "TEMP B-TREE" not in plan and "INDEX" in plan, plan


# -- entities: the kept mention counts ------------------------------------------------------------


def _old_entities(ledger: Ledger) -> list[tuple[str, int, int]]:
    """Actors, mentions and reports counted from scratch, in the listing's order."""
    conn = ledger.conn
    groups: dict[str, dict[str, Any]] = {}
    for r in conn.execute(
        "SELECT e.id, e.doc, e.name, coalesce(a.actor, e.id) AS actor, "
        "(SELECT count(*) FROM entity_mentions m WHERE m.entity = e.id) AS n FROM entities e "
        "LEFT JOIN actors a ON a.entity = e.id ORDER BY e.rowid"
    ):
        g = groups.setdefault(r["actor"], {"name": r["name"], "n": 0, "docs": set()})
        if r["id"] == r["actor"]:
            g["name"] = r["name"]
        g["n"] += r["n"]
        g["docs"].add(r["doc"])
    out = [(a, g["n"], len(g["docs"]), g["name"].lower()) for a, g in groups.items()]
    out.sort(key=lambda t: (-t[1], t[3], t[0]))
    return [t[:3] for t in out]


def _entities(ledger: Ledger, **kw: Any) -> list[tuple[str, int, int]]:
    return [(g["id"], g["mentions"], g["docs"]) for g in queries.list_entities(ledger, **kw)]


def test_entity_pages_are_the_whole_order(ledger: Ledger) -> None:
    expected = _old_entities(ledger)
    assert _entities(ledger) == expected
    assert _pages(lambda **kw: _entities(ledger, **kw), 2) == expected
    assert _entities(ledger, type="ORG", limit=3, offset=1) == expected[1:4]
    assert _entities(ledger, type="PERSON") == []


def test_entity_counts_follow_corrections_and_reanalysis(ledger: Ledger) -> None:
    groups = queries.list_entities(ledger)
    a, b = groups[0], groups[1]
    fix.merge_entities(ledger, a["id"], b["id"])
    assert _entities(ledger) == _old_entities(ledger)
    assert len(queries.list_entities(ledger)) == len(groups) - 1
    fix.undo(ledger)
    assert _entities(ledger) == _old_entities(ledger)
    # a report analysed again: its entities and mentions are replaced
    doc = ledger.conn.execute("SELECT id FROM documents ORDER BY rowid LIMIT 1").fetchone()[0]
    document, analysis = _report(0, random.Random(12))
    assert document.id == doc
    fewer = Analysis(doc=doc, version="t2", entities=analysis.entities[:1], claims=(), figures=())
    ledger.replace_analysis(fewer)
    assert _entities(ledger) == _old_entities(ledger)
    ledger.replace_analysis(analysis)
    assert _entities(ledger) == _old_entities(ledger)


def _facts(ledger: Ledger, cluster: str) -> tuple[Any, ...]:
    r = ledger.conn.execute(
        "SELECT min(d.published), max(d.published), count(DISTINCT d.id), "
        "(SELECT json_group_array(o) FROM (SELECT DISTINCT d2.outlet AS o FROM memberships m2 "
        "JOIN claims c2 ON c2.id = m2.claim JOIN documents d2 ON d2.id = c2.doc "
        "WHERE m2.cluster = ?1 AND d2.outlet IS NOT NULL ORDER BY o)) "
        "FROM memberships m JOIN claims c ON c.id = m.claim JOIN documents d ON d.id = c.doc WHERE m.cluster = ?1",
        (cluster,),
    ).fetchone()
    return (r[0], r[1], r[2], json.loads(r[3]))


def test_board_facts_follow_new_reports(ledger: Ledger) -> None:
    before = {r["id"]: r for r in data.board(ledger, limit=1000)}
    rng = random.Random(3)
    for i in range(1000, 1006):
        ledger.add(*_report(i, rng))
    after = data.board(ledger, sort="recency", limit=1000)
    assert [r["id"] for r in after] == [r[0] for r in _old_board(ledger, "recency")]
    assert {r["id"] for r in after} != set(before)
    for r in after:
        assert (r["first"], r["last"], r["docs"], r["outlets"]) == _facts(ledger, r["id"]), r["id"]


def test_figures_and_series_pages(ledger: Ledger) -> None:
    whole = queries.list_figures(ledger)
    assert _pages(lambda **kw: queries.list_figures(ledger, **kw), 11) == whole
    series = queries.list_series(ledger)
    assert series
    assert _pages(lambda **kw: queries.list_series(ledger, **kw), 1) == series


# -- exports ---------------------------------------------------------------------------------------


def _reference_json(ledger: Ledger) -> str:
    """The JSON export as it was written before it streamed: all of it in one dict."""
    whole = {"schema": SCHEMA_ID, "documents": [], **stored.export_parts(ledger)}
    whole["documents"] = [
        {k: r[k] for k in ("id", "outlet", "title", "url", "published", "language", "author", "sha256", "origin")}
        | {"text": r["text"], "duplicate_of": r["duplicate_of"], "added_at": r["added_at"]}
        for r in ledger.documents()
    ]
    return json.dumps(whole, ensure_ascii=False, indent=1, sort_keys=True) + "\n"


def test_streamed_json_is_the_same_bytes(ledger: Ledger) -> None:
    fix.merge_entities(ledger, queries.list_entities(ledger)[0]["id"], queries.list_entities(ledger)[2]["id"])
    out = io.StringIO()
    write_json(ledger, out)
    assert out.getvalue() == _reference_json(ledger)


def test_streamed_json_of_an_empty_ledger(tmp_path: Path) -> None:
    with Ledger.open(tmp_path / "e.db") as empty:
        out = io.StringIO()
        write_json(empty, out)
        assert out.getvalue() == _reference_json(empty)
        assert json.loads(out.getvalue())["claims"] == []


def test_json_export_memory_is_flat(tmp_path: Path) -> None:
    """Five megabytes of reports: the export holds about one at a time, not all of them."""
    rng = random.Random(5)
    with Ledger.open(tmp_path / "big.db") as led:
        rows = []
        for i in range(120):  # stored directly: shingling 5 MB would only slow the test
            text = f"Report {i}. " + " ".join(f"w{rng.randint(0, 500)}" for _ in range(10000))
            sha = hashlib.sha256(text.encode()).hexdigest()
            rows.append((f"d{sha[:15]}", sha, text, f"m/{i}", "en", "2025-01-01T00:00:00+00:00"))
        with led.transaction() as conn:
            conn.executemany(
                "INSERT INTO documents (id, sha256, text, origin, language, added_at) VALUES (?, ?, ?, ?, ?, ?)", rows
            )
        del rows
        total = led.conn.execute("SELECT sum(length(text)) FROM documents").fetchone()[0]
        sink = open(tmp_path / "out.json", "w", encoding="utf-8")  # noqa: SIM115
        tracemalloc.start()
        try:
            write_json(led, sink)
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
            sink.close()
    assert total > 4_000_000
    assert peak < total / 10, (peak, total)


def test_figures_page_draws_one_page_of_series(ledger: Ledger, monkeypatch: pytest.MonkeyPatch) -> None:
    """The figures page draws a page of series charts and a page of figures, with a next-page
    link while more remain; the pages together hold every series once."""
    from fastapi.testclient import TestClient

    from crosscheck.web import pages
    from crosscheck.web.app import create_app

    monkeypatch.setattr(pages, "SERIES_PER_PAGE", 1)
    monkeypatch.setattr(pages, "FIGURES_PER_PAGE", 3)
    every = [s["id"] for s in queries.list_series(ledger)]
    assert len(every) >= 2
    app = create_app(Path(ledger.path))
    with TestClient(app, base_url="http://127.0.0.1") as client:
        seen = []
        for n in range(1, len(every) + 1):
            got = client.get(f"/figures?page={n}")
            assert got.status_code == 200
            assert got.text.count('<section class="box">') == 1
            assert got.text.count("<tr><td>") <= 3
            if n < len(every):
                assert "next page" in got.text
            seen.append(got.text)
        last = client.get(f"/figures?page={len(every) + 1000}")
        assert '<section class="box">' not in last.text
        assert "next page" not in last.text
        assert client.get("/figures?page=0").status_code == 422
    assert len(seen) == len(every)


# -- the overview's counts --------------------------------------------------------------------------


def test_overview_counts_stay_exact_and_read_no_whole_table(ledger: Ledger) -> None:
    """The overview's counts (655 ms at a million claims) are those counted from scratch,
    through a merge, its undo and a re-analysis; outlets and languages are counted from an index,
    not from every document's row (with its text), actors from the kept actor board."""
    conn = ledger.conn

    def scratch() -> dict[str, int]:
        one = lambda sql: conn.execute(sql).fetchone()[0]  # noqa: E731
        rows = conn.execute("SELECT coalesce(language, '?'), count(*) FROM documents GROUP BY 1").fetchall()
        return {
            "actors": one("SELECT count(DISTINCT actor) FROM actors"),
            "outlets": one("SELECT count(DISTINCT outlet) FROM documents"),
            **{f"language {lang}": n for lang, n in rows},
            **{f"clusters {s}": n for s, n in conn.execute("SELECT status, count(*) FROM clusters GROUP BY status")},
        }

    def shown() -> dict[str, int]:
        o = data.overview(ledger)
        keys = ("actors", "outlets", "language ")
        counts = {k: int(v) for k, v in o["counts"].items() if k.startswith(keys)}
        return {**counts, **{f"clusters {s}": n for s, n in o["statuses"].items() if n}}

    assert shown() == scratch()
    groups = queries.list_entities(ledger)
    fix.merge_entities(ledger, groups[0]["id"], groups[1]["id"])
    assert shown() == scratch()
    assert shown()["actors"] == len(groups) - 1
    fix.undo(ledger)
    assert shown() == scratch()
    doc = conn.execute("SELECT id FROM documents ORDER BY rowid LIMIT 1").fetchone()[0]
    document, analysis = _report(0, random.Random(12))
    ledger.replace_analysis(Analysis(doc=doc, version="t2", entities=analysis.entities[:1], claims=(), figures=()))
    assert shown() == scratch()
    sqls: list[str] = []
    conn.set_trace_callback(sqls.append)
    data.overview(ledger)
    conn.set_trace_callback(None)
    for sql in (s for s in sqls if "LIMIT" not in s):  # the newest rows: a scan that stops early
        plan = " | ".join(r[3] for r in conn.execute("EXPLAIN QUERY PLAN " + sql))
        assert "SCAN actors" not in plan, (sql, plan)
        assert "SCAN documents" not in plan or "INDEX" in plan, (sql, plan)
