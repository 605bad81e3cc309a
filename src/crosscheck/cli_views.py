"""CLI commands over the analysis: entities, places, claims, figures, clusters, origins,
changes, and the user's corrections (merge, split, stance, status, undo).

Each command parses its options and calls one function of `crosscheck.queries` or
`crosscheck.ledger.corrections`; listings take `--json`. Report text is never read as markup,
and its control characters are shown, never sent to the terminal (`crosscheck.output.visible`).
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Annotated, Any

import typer
from rich.markup import escape
from rich.table import Table
from rich.text import Text
from typer.core import TyperGroup

from crosscheck import queries
from crosscheck.cli import JsonOpt, _open, app
from crosscheck.errors import CrosscheckError
from crosscheck.output import console, err_console, print_rows, safe_text, visible, write_json

STYLE = {"content": "bold", "source": "bold cyan", "cue": "magenta", "mention": "bold yellow"}
STANCE_STYLE = {"supports": "green", "refutes": "red", "discusses": "yellow"}
STATUS_STYLE = {
    "corroborated": "green",
    "single_source": "cyan",
    "contested": "yellow",
    "denied": "red",
    "unattributed": "dim",
}


@contextmanager
def _errors() -> Iterator[None]:
    """Crosscheck errors as one line on stderr and the error's exit code."""
    try:
        yield
    except CrosscheckError as exc:
        err_console.print(f"crosscheck: {escape(str(exc))}")
        raise typer.Exit(exc.exit_code) from None


def _dump(data: Any) -> None:
    write_json(data)


def _field(label: str, value: object, style: str = "") -> None:
    line = safe_text(f"{label}: ", style="bold")
    line.append("" if value is None else visible(str(value)), style=style)
    console.print(line)


def _marked(text: str, spans: Sequence[tuple[Sequence[int] | None, str]]) -> Text:
    shown = visible(text)
    out = Text(shown if len(shown) == len(text) else text)  # spans stay true; the console shows the rest
    for span, style in spans:
        if span:
            out.stylize(style, span[0], span[1])
    return out


def _table(*columns: str, title: str | None = None) -> Table:
    table = Table(title=title)
    for col in columns:
        table.add_column(col, overflow="fold", no_wrap=col == "id")
    return table


# -- analysis ----------------------------------------------------------------------------------


@app.command()
def reanalyse(
    stale: Annotated[bool, typer.Option("--stale", help="Only documents analysed by another version.")] = False,
    watchlist: Annotated[
        str | None, typer.Option("--watchlist", help="YAML or CSV of known actors: name, aliases, kind, type.")
    ] = None,
) -> None:
    """Re-run the analysis over stored documents, then re-apply the user's corrections."""
    from crosscheck.api import reanalyse as run
    from crosscheck.ledger.corrections import reapply

    failed: list[str] = []

    def on_event(kind: str, payload: object) -> None:
        if kind == "error":
            failed.append(str(payload))
            err_console.print(f"error: {escape(str(payload))}")

    with _errors(), _open() as ledger:
        done = run(ledger, only_stale=stale, watchlist=watchlist, on_event=on_event)
        again = reapply(ledger)
    console.print(f"re-analysed {done} documents; {again} corrections re-applied")
    if failed:
        raise typer.Exit(1)


# -- entities and places ---------------------------------------------------------------------


@app.command()
def entities(
    type_: Annotated[str | None, typer.Option("--type", help="PERSON, ORG, GPE, NORP, LOC, FAC ...")] = None,
    kind: Annotated[str | None, typer.Option(help="armed_group, government, military, media, ngo, party ...")] = None,
    limit: Annotated[int, typer.Option(help="Show at most this many (0: all).")] = 0,
    as_json: JsonOpt = False,
) -> None:
    """List actors (entities merged across reports), most mentioned first."""
    with _errors(), _open(readonly=True) as ledger:
        rows = queries.list_entities(ledger, type=type_, kind=kind, limit=limit or None)
    if not as_json:
        rows = [{**r, "aliases": ", ".join(r["aliases"])} for r in rows]
    print_rows(rows, ["id", "name", "type", "kind", "mentions", "docs", "aliases"], as_json=as_json)


@app.command()
def entity(
    name: Annotated[str, typer.Argument(help="Entity id, id prefix, name or alias.")],
    why: Annotated[
        bool, typer.Option("--why", help="Show the judgement edges that merged it, with their features.")
    ] = False,
    as_json: JsonOpt = False,
) -> None:
    """Show an actor: aliases, mentions in context, relations (and why it was merged)."""
    with _errors(), _open(readonly=True) as ledger:
        data = queries.entity_detail(ledger, name, why=why)
    if as_json:
        _dump(data)
        return
    _field("actor", f"{data['name']} ({data['id']})")
    _field("type", data["type"] + (f", {data['kind']}" if data["kind"] else ""))
    _field("aliases", ", ".join(data["aliases"]) or "-")
    for other in data["others"]:
        _field("also named so", f"{other['name']} ({other['id']})", "dim")
    table = _table("doc", "outlet", "mention")
    for m in data["mentions"]:
        table.add_row(
            m["doc"], m["outlet"] or "", _marked(" ".join(m["context"].split("\n")), [(m["at"], STYLE["mention"])])
        )
    table.title = f"{len(data['mentions'])} mentions in {len({m['doc'] for m in data['mentions']})} reports"
    console.print(table)
    if data["relations"]:
        rel = _table("subject", "relation", "object", "evidence", title="relations")
        for r in data["relations"]:
            rel.add_row(
                safe_text(r["subject"]), r["predicate"], safe_text(r["object"]), safe_text(r["evidence"].strip())
            )
        console.print(rel)
    if why:
        edges = _table("id", "entity", "entity ", "decision", "score", "features", "by", title="judgements")
        for j in data["judgements"]:
            feats = ", ".join(f"{k}={v:.2f}" if isinstance(v, float) else f"{k}={v}" for k, v in j["features"].items())
            edges.add_row(
                str(j["id"]),
                safe_text(f"{j['a_name']} ({j['a_doc']})"),
                safe_text(f"{j['b_name']} ({j['b_doc']})"),
                j["decision"] + (" (undone)" if j["undone"] else ""),
                "" if j["score"] is None else f"{j['score']:.2f}",
                safe_text(feats),
                j["author"],
            )
        console.print(edges if data["judgements"] else "no judgement edges: it was never merged")


def _correction(action: str, *args: Any) -> None:
    from crosscheck.ledger import corrections

    with _errors(), _open() as ledger:
        done = getattr(corrections, action)(ledger, *args)
    hint = "" if action == "undo" else f" (judgement {done.judgement}; undo with `crosscheck undo {done.judgement}`)"
    console.print(safe_text(done.summary + hint))


@app.command()
def merge(
    a: Annotated[str, typer.Argument(help="Entity id or name.")],
    b: Annotated[str, typer.Argument(help="Entity id or name.")],
) -> None:
    """Say two entities are one actor (kept across re-analysis; undoable)."""
    _correction("merge_entities", a, b)


@app.command()
def split(
    a: Annotated[str, typer.Argument(help="Entity id or name.")],
    b: Annotated[str, typer.Argument(help="Entity id or name.")],
) -> None:
    """Say two entities are different actors, for good (kept across re-analysis; undoable)."""
    _correction("split_entities", a, b)


@app.command()
def places(
    country: Annotated[str | None, typer.Option(help="ISO 3166-1 alpha-2 country code.")] = None,
    as_json: JsonOpt = False,
) -> None:
    """List places with their gazetteer entry, most mentioned first."""
    with _errors(), _open(readonly=True) as ledger:
        rows = queries.list_places(ledger, country=country)
    if not as_json:
        rows = [
            {
                **r,
                "lat/lon": "" if r["lat"] is None else f"{r['lat']:.3f}, {r['lon']:.3f}",
                "names": ", ".join(r["names"]),
            }
            for r in rows
        ]
    print_rows(
        rows,
        ["name", "country", "admin1", "feature", "lat/lon", "mentions", "docs", "gazetteer_id", "names"],
        as_json=as_json,
    )


# -- claims and figures -------------------------------------------------------------------------


@app.command()
def claims(
    doc: Annotated[str | None, typer.Option(help="Document id, id prefix or origin.")] = None,
    source: Annotated[str | None, typer.Option(help="Words of the source, or the name of its entity.")] = None,
    entity: Annotated[str | None, typer.Option(help="An entity the claim mentions or is sourced to.")] = None,
    certainty: Annotated[str | None, typer.Option(help="certain, probable, possible, unknown.")] = None,
    polarity: Annotated[str | None, typer.Option(help="positive or negative.")] = None,
    kind: Annotated[str | None, typer.Option(help="assertion, question, no_comment ...")] = None,
    limit: Annotated[int, typer.Option(help="Show at most this many (0: all).")] = 0,
    as_json: JsonOpt = False,
) -> None:
    """List claims: text, source, cue, certainty, polarity."""
    with _errors(), _open(readonly=True) as ledger:
        rows = queries.list_claims(
            ledger,
            doc=doc,
            source=source,
            entity=entity,
            certainty=certainty,
            polarity=polarity,
            kind=kind,
            limit=limit or None,
        )
    print_rows(rows, ["id", "text", "source", "cue", "certainty", "polarity", "stance"], as_json=as_json)


@app.command()
def claim(
    claim_id: Annotated[str, typer.Argument(metavar="ID", help="Claim id or unique prefix.")], as_json: JsonOpt = False
) -> None:
    """Show a claim: its sentence with content, source and cue marked, and its source chain."""
    with _errors(), _open(readonly=True) as ledger:
        data = queries.claim_detail(ledger, claim_id)
    if as_json:
        _dump(data)
        return
    _field("claim", data["id"])
    _field("report", f"{data['outlet'] or '?'}, {data['published'] or 'undated'} ({data['doc']})")
    console.print(
        _marked(
            data["sentence"],
            [
                (data["content_at"], STYLE["content"]),
                (data["source_at"], STYLE["source"]),
                (data["cue_at"], STYLE["cue"]),
            ],
        )
    )
    legend = Text("  ")
    for label in ("content", "source", "cue"):
        legend.append(label, style=STYLE[label]).append("  ")
    console.print(legend)
    _field("content", data["text"], STYLE["content"])
    _field("source", f"{data['source']} ({data['source_kind']})", STYLE["source"])
    _field("cue", data["cue"] or "-", STYLE["cue"])
    _field("via", " ← ".join(v["text"] for v in data["via"]) or "-")
    _field("chain", data["chain"])
    _field("origin", f"{data['origin']} ({data['origin_kind']})")
    _field("certainty", data["certainty"])
    _field("polarity", data["polarity"])
    _field("quote", data["quote"])
    if data["when"]:
        _field("when", f"{data['when']} ({data['when_start']} .. {data['when_end']})")
    if data["cluster"]:
        _field("cluster", f"{data['cluster']} [{data['status']}], {data['stance']}: {data['proposition']}")
    for f in data["figures"]:
        _field("figure", f"{f['text']} = {f['value']:g} {f['category']} ({f['what']}, as of {f['as_of'] or '?'})")


@app.command()
def figures(
    category: Annotated[str | None, typer.Option(help="killed, injured, arrested, deployed ...")] = None,
    series: Annotated[
        bool, typer.Option("--series", help="Print the series (one category and origin over time) with their flags.")
    ] = False,
    limit: Annotated[int, typer.Option(help="Show at most this many (0: all).")] = 0,
    as_json: JsonOpt = False,
) -> None:
    """List figures with their source, or (--series) figure series with their flags."""
    with _errors(), _open(readonly=True) as ledger:
        if series:
            rows = queries.list_series(ledger, category=category, limit=limit or None)
        else:
            rows = queries.list_figures(ledger, category=category, limit=limit or None)
    if series:
        if not as_json:
            rows = [{**r, "flags": "; ".join(r["flags"])} for r in rows]
        print_rows(rows, ["category", "what", "source", "values", "flags"], as_json=as_json)
    else:
        print_rows(rows, ["id", "text", "value", "category", "what", "as_of", "origin", "outlet"], as_json=as_json)


# -- clusters -----------------------------------------------------------------------------------


@app.command()
def clusters(
    status: Annotated[
        str | None, typer.Option(help="corroborated, single_source, contested, denied, unattributed.")
    ] = None,
    entity: Annotated[str | None, typer.Option(help="An entity the cluster's claims mention.")] = None,
    place: Annotated[
        str | None, typer.Option(help="A place (name or gazetteer id) the cluster's claims mention.")
    ] = None,
    min_size: Annotated[int, typer.Option("--min-size", help="Only clusters with at least this many claims.")] = 1,
    limit: Annotated[int, typer.Option(help="Show at most this many (0: all).")] = 0,
    as_json: JsonOpt = False,
) -> None:
    """List clusters of claims with their status, largest first."""
    with _errors(), _open(readonly=True) as ledger:
        rows = queries.list_clusters(
            ledger, status=status, entity=entity, place=place, min_size=min_size, limit=limit or None
        )
    if not as_json:
        rows = [{**r, "origins": len(r["origins"])} for r in rows]
    print_rows(rows, ["id", "status", "size", "origins", "proposition"], as_json=as_json)


class _DefaultShow(TyperGroup):
    """`crosscheck cluster ID` means `crosscheck cluster show ID`."""

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        if args and args[0] not in self.commands and args[0] not in ("--help", "-h"):
            args = ["show", *args]
        return super().parse_args(ctx, args)


cluster_app = typer.Typer(
    cls=_DefaultShow,
    no_args_is_help=True,
    help="Show a cluster (`cluster ID`), or correct one: merge, split, stance, status.",
)
app.add_typer(cluster_app, name="cluster")


@cluster_app.command("show")
def cluster_show(
    cluster_id: Annotated[str, typer.Argument(metavar="ID", help="Cluster id or unique prefix.")],
    as_json: JsonOpt = False,
) -> None:
    """Show a cluster: proposition, status and reason, every claim with stance, chain and sentence."""
    with _errors(), _open(readonly=True) as ledger:
        data = queries.cluster_detail(ledger, cluster_id)
    if as_json:
        _dump(data)
        return
    _field("cluster", data["id"])
    _field("proposition", data["proposition"], "bold")
    _field("status", data["status"], STATUS_STYLE.get(data["status"], ""))
    _field("reason", data["reason"])
    table = _table("claim", "stance", "source chain", "report", "sentence")
    for c in data["claims"]:
        at = c["sentence"].find(c["text"])
        sentence = _marked(c["sentence"].strip(), [((at, at + len(c["text"])) if at >= 0 else None, STYLE["content"])])
        table.add_row(
            c["id"],
            safe_text(c["stance"], style=STANCE_STYLE.get(c["stance"], "")),
            safe_text(c["chain"]),
            safe_text(f"{c['outlet'] or '?'} {c['published'] or ''}".strip()),
            sentence,
        )
    console.print(table)
    for j in data["corrections"]:
        console.print(
            Text(
                f"correction {j['id']}: {j['kind']} {j['decision']}" + (" (undone)" if j["undone"] else ""), style="dim"
            )
        )


@cluster_app.command("merge")
def cluster_merge(
    a: Annotated[str, typer.Argument(help="Cluster that stays.")],
    b: Annotated[str, typer.Argument(help="Cluster whose claims join it.")],
) -> None:
    """Say two clusters assert one proposition."""
    _correction("merge_clusters", a, b)


@cluster_app.command("split")
def cluster_split(
    cluster_id: Annotated[str, typer.Argument(metavar="CLUSTER")],
    claim_ids: Annotated[list[str], typer.Argument(metavar="CLAIM...", help="Claims that leave it (together).")],
) -> None:
    """Take claims out of a cluster into a new one of their own."""
    _correction("split_cluster", cluster_id, claim_ids)


@cluster_app.command("stance")
def cluster_stance(
    claim_id: Annotated[str, typer.Argument(metavar="CLAIM")],
    stance: Annotated[str, typer.Argument(help="supports, refutes or discusses.")],
) -> None:
    """Set a claim's stance toward its cluster."""
    _correction("set_stance", claim_id, stance)


@cluster_app.command("status")
def cluster_status(
    cluster_id: Annotated[str, typer.Argument(metavar="CLUSTER")],
    status: Annotated[str, typer.Argument(help="corroborated, single_source, contested, denied, unattributed.")],
    note: Annotated[str, typer.Option(help="Why (shown in the reason).")] = "",
) -> None:
    """Set a cluster's status by hand (overrides the computed one until undone)."""
    _correction("set_status", cluster_id, status, note)


@app.command()
def origins(
    cluster_id: Annotated[str, typer.Argument(metavar="CLUSTER", help="Cluster id or unique prefix.")],
    as_json: JsonOpt = False,
) -> None:
    """Each independent origin of a cluster, with the chains and reports behind it."""
    with _errors(), _open(readonly=True) as ledger:
        data = queries.cluster_origins(ledger, cluster_id)
    if as_json:
        _dump(data)
        return
    _field("cluster", f"{data['id']}: {data['proposition']}")
    _field("status", data["status"], STATUS_STYLE.get(data["status"], ""))
    _field("reason", data["reason"])
    for g in data["origins"]:
        stances = ", ".join(f"{k} {v}" for k, v in g["stances"].items())
        table = _table("claim", "stance", "chain", "report", "note", title=f"{g['origin']} ({g['kind']}; {stances})")
        for c in g["claims"]:
            note = []
            if c["copy_of"]:
                note.append(f"copy of {c['copy_of_outlet'] or c['copy_of']}")
            if c["counted_with"]:
                note.append("counted with the named source of the same report")
            table.add_row(
                c["id"],
                safe_text(c["stance"], style=STANCE_STYLE.get(c["stance"], "")),
                safe_text(c["chain"]),
                safe_text(f"{c['outlet'] or '?'} {c['published'] or ''} ({c['doc']})"),
                safe_text("; ".join(note)),
            )
        console.print(table)


# -- history and corrections -----------------------------------------------------------------------


@app.command()
def changes(
    since: Annotated[str, typer.Option(help="2026-01-09, 2026-01-09T10:00, 3d, 12h, today, yesterday.")] = "1d",
    by: Annotated[
        str,
        typer.Option(help="published: when the reports behind a change were published (story time); added: ingest."),
    ] = "published",
    every: Annotated[
        bool, typer.Option("--all", help="Every status change, not only to or from corroborated, contested, denied.")
    ] = False,
    as_json: JsonOpt = False,
) -> None:
    """What changed since DATE: statuses, figures that moved, corrections, and why."""
    with _errors(), _open(readonly=True) as ledger:
        data = queries.changes_since(ledger, since, every=every, by=by)
    if as_json:
        _dump(data)
        return
    clock = "reports published" if by == "published" else "reports added"
    err_console.print(f"changes from {clock} since {escape(data['since'])}")
    table = _table("when", "cluster", "change", "proposition", "why", title="status changes")
    for s in data["statuses"]:
        change = safe_text(f"{s['before'] or 'new'} → ")
        change.append(s["after"] or "gone", style=STATUS_STYLE.get(s["after"] or "", ""))
        table.add_row(s["at"], s["cluster"], change, safe_text(s["proposition"] or ""), safe_text(s["reason"] or ""))
    console.print(table)
    moved = _table("category", "what", "source", "moved", "report", "flags", title="figures that moved")
    for f in data["figures"]:
        moved.add_row(
            f["category"],
            safe_text(f["what"]),
            safe_text(f["source"] or ""),
            f"{f['before']:g} ({f['before_as_of'] or '?'}) → {f['after']:g} ({f['as_of'] or '?'})",
            safe_text(f"{f['outlet'] or '?'} ({f['doc']})"),
            safe_text("; ".join(f["flags"])),
        )
    console.print(moved)
    if data["corrections"]:
        fixes = _table("when", "subject", "correction", title="corrections")
        for c in data["corrections"]:
            fixes.add_row(c["at"], c["subject"], safe_text(c["reason"] or ""))
        console.print(fixes)


@app.command()
def corrections(as_json: JsonOpt = False) -> None:
    """List the user's corrections (judgements), newest first."""
    with _errors(), _open(readonly=True) as ledger:
        rows = queries.list_judgements(ledger)
    if not as_json:
        rows = [
            {**r, "features": json.dumps(r["features"], ensure_ascii=False), "undone": "yes" if r["undone"] else ""}
            for r in rows
        ]
    print_rows(rows, ["id", "kind", "decision", "a", "b", "created_at", "undone"], as_json=as_json)


@app.command()
def undo(
    judgement: Annotated[str | None, typer.Argument(help="Judgement id (default: the latest correction).")] = None,
) -> None:
    """Undo a correction and derive again what it changed."""
    from crosscheck.ledger.corrections import judgement_id

    with _errors():
        number = None if judgement is None else judgement_id(judgement)
    _correction("undo", number)
