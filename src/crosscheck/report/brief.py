"""What the brief says: the ledger read once and shaped into sections, before any rendering.

`gather_brief` reads the whole-ledger export, narrows it to the reports in scope (`since`) and
the claims about a topic (`topic`), and numbers a footnote for every sentence the brief cites,
so HTML and Markdown render the same brief with the same notes. Statuses are the ledger's, set
on all its reports: a cluster in scope is shown with every claim behind its status.

Each section is ranked (statements by independent origins, then recency, then the figures they
carry) and cut at its `Limits`; what is cut is kept in the section's `rest` for the appendix,
and its notes are numbered after everything shown. The timeline holds the dated events within
the reports' window (first to last publication, with a margin); earlier or later dates are
background. "What changed last" reads the ledger's status changes by publication time.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Callable
from datetime import UTC, datetime
from functools import partial
from typing import Any
from urllib.parse import quote

from crosscheck.export.json import export_ledger
from crosscheck.ledger import Ledger
from crosscheck.nlp.timex import is_background, story_window
from crosscheck.queries import chain_text, parse_since
from crosscheck.report.model import (
    ActorItem,
    Brief,
    ClusterItem,
    FigureRow,
    Limits,
    Note,
    Section,
    SourceItem,
    TimelineItem,
)

__all__ = [
    "ActorItem",
    "Brief",
    "ClusterItem",
    "FigureRow",
    "Limits",
    "Note",
    "Section",
    "SourceItem",
    "TimelineItem",
    "gather_brief",
]

CATEGORY_ORDER = (
    "killed",
    "injured",
    "arrested",
    "missing",
    "displaced",
    "executed",
    "deployed",
    "under_investigation",
    "protests",
    "locations",
    "money",
    "duration",
)
GRAPH_PREDICATES = ("part_of", "member_of", "leader_of", "affiliated_with", "spokesperson_of")
ACTOR_TYPES = ("PERSON", "ORG", "NORP", "GPE")
_WORD = re.compile(r"\w+", re.UNICODE)
_SENTENCE_END = re.compile(r"[.!?]\s|\n")


def safe_url(url: str | None) -> str | None:
    """`url` when it is a plain http(s) address, else None (never javascript: or data:)."""
    if not url:
        return None
    text = url.strip()
    return text if re.match(r"https?://[^\s<>\"']+$", text, re.I) else None


def _fragment(sentence: str) -> str:
    """A text fragment (`#:~:text=`) that points a browser at `sentence` in the original page."""
    words = sentence.split()

    def enc(part: list[str]) -> str:
        return quote(" ".join(part), safe="").replace("-", "%2D")

    if len(words) <= 10:
        return f"#:~:text={enc(words)}"
    return f"#:~:text={enc(words[:5])},{enc(words[-4:])}"


def _sentence_around(text: str, start: int, end: int) -> tuple[int, int]:
    """Bounds of the sentence of `text` holding `start:end` (for figures without a claim)."""
    lo = max((m.end() for m in _SENTENCE_END.finditer(text, 0, start)), default=0)
    m = _SENTENCE_END.search(text, end)
    hi = m.start() + 1 if m else len(text)
    return lo, min(hi, len(text))


class _Notes:
    """Footnote numbers, one per cited sentence and marked part, in order of first use."""

    def __init__(self, docs: dict[str, dict[str, Any]]) -> None:
        self.docs = docs
        self.by_key: dict[tuple[str, int, int, int, int], Note] = {}

    def cite(self, doc: str, sent: tuple[int, int], mark: tuple[int, int], **extra: Any) -> int:
        key = (doc, *sent, *mark)
        if key in self.by_key:
            return self.by_key[key].number
        d = self.docs.get(doc, {})
        text = str(d.get("text") or "")
        sentence = text[sent[0] : sent[1]]
        stripped = sentence.strip()
        lead = len(sentence) - len(sentence.lstrip())
        at = (mark[0] - sent[0] - lead, mark[1] - sent[0] - lead)
        inside = 0 <= at[0] < at[1] <= len(stripped)
        url = safe_url(d.get("url"))
        note = Note(
            number=len(self.by_key) + 1,
            doc=doc,
            sentence=stripped,
            mark=at if inside else None,
            outlet=d.get("outlet"),
            published=d.get("published"),
            url=url,
            link=url + _fragment(stripped) if url and stripped else url,
            **extra,
        )
        self.by_key[key] = note
        return note.number

    def claim(self, c: dict[str, Any]) -> int:
        s, span = c.get("sentence") or c["span"], c["span"]
        return self.cite(
            c["doc"],
            (s["start"], s["end"]),
            (span["start"], span["end"]),
            stance=c.get("stance"),
            chain=_chain(c),
            origin=c.get("origin"),
            certainty=c.get("certainty"),
        )

    def all(self) -> list[Note]:
        return sorted(self.by_key.values(), key=lambda n: n.number)


def _chain(c: dict[str, Any]) -> str:
    return chain_text(c["source"]["text"], c.get("via") or [])


def _doc_date(d: dict[str, Any]) -> str:
    return str(d.get("published") or d.get("added_at") or "")[:10]


def _topic_match(words: list[str], *texts: str | None) -> bool:
    have = {w.lower() for t in texts if t for w in _WORD.findall(t)}
    return all(any(h.startswith(w) for h in have) for w in words)


def _fmt_value(f: dict[str, Any]) -> str:
    def num(x: float) -> str:
        return f"{x:,.0f}" if float(x).is_integer() else f"{x:,.2f}"

    lo, hi = f.get("low"), f.get("high")
    if lo is not None and hi is not None and lo != hi:
        return f"{num(lo)}–{num(hi)}"
    return num(f["value"])


def gather_brief(
    ledger: Ledger,
    *,
    topic: str | None = None,
    since: str | None = None,
    limits: Limits | None = None,
) -> Brief:
    """Read the ledger and shape what the brief says (see the module docstring)."""
    lim = limits or Limits()
    data = export_ledger(ledger)
    docs = {d["id"]: d for d in data["documents"]}
    since_at = parse_since(since)[:10] if since else None
    in_docs = {i for i, d in docs.items() if not since_at or _doc_date(d) >= since_at}
    words = [w.lower() for w in _WORD.findall(topic or "")]
    clusters = {k["id"]: k for k in data["clusters"]}
    claims = {c["id"]: c for c in data["claims"]}
    in_claims = {
        i
        for i, c in claims.items()
        if c["doc"] in in_docs
        and (
            not words
            or _topic_match(
                words,
                (c.get("sentence") or c["span"])["text"],
                c["source"]["text"],
                clusters.get(c.get("cluster") or "", {}).get("proposition"),
            )
        )
    }
    if words:
        in_docs = {claims[i]["doc"] for i in in_claims}
    notes = _Notes(docs)
    ents = {e["id"]: e for e in data["entities"]}

    # -- clusters by status: ranked and capped before any footnote is numbered ------------------
    raw: dict[str, list[tuple[dict[str, Any], list[dict[str, Any]]]]] = defaultdict(list)
    for k in data["clusters"]:
        if not any(c in in_claims for c in k["claims"]):
            continue
        members = [claims[c] for c in k["claims"] if c in claims]
        if members and not all(c.get("kind") == "no_comment" for c in members):
            raw[k["status"]].append((k, members))

    claim_figs = Counter(f.get("claim") for f in data["figures"] if f.get("claim"))
    later: list[Callable[[], None]] = []  # appendix items, numbered after everything shown

    def rank(
        entries: list[tuple[dict[str, Any], list[dict[str, Any]]]],
    ) -> list[tuple[dict[str, Any], list[dict[str, Any]]]]:
        """Most independent origins first, then the most recently reported, then those
        carrying figures, then the largest."""

        def score(entry: tuple[dict[str, Any], list[dict[str, Any]]]) -> tuple[int, str, int, int]:
            k, members = entry
            return (
                len(k.get("origins") or []) + len(k.get("refuted_by") or []),
                max((_doc_date(docs[c["doc"]]) for c in members if c["doc"] in docs), default=""),
                sum(claim_figs[c["id"]] for c in members),
                len(members),
            )

        return sorted(sorted(entries, key=lambda e: e[0]["proposition"]), key=score, reverse=True)

    def cluster_item(k: dict[str, Any], members: list[dict[str, Any]]) -> ClusterItem:
        sup = [notes.claim(c) for c in members if c.get("stance") == "supports"]
        ref = [notes.claim(c) for c in members if c.get("stance") == "refutes"]
        lead = (ref or sup) if k["status"] in ("contested", "denied") else (sup or ref)
        return ClusterItem(
            id=k["id"],
            proposition=k["proposition"],
            status=k["status"],
            reason=k.get("reason") or "",
            origins=list(k.get("origins") or []),
            refuted_by=list(k.get("refuted_by") or []),
            size=len(members),
            supports=sorted(set(sup)),
            refutes=sorted(set(ref)),
            status_note=lead[0] if lead else None,
        )

    def items(*statuses: str) -> Section:
        entries = rank([e for st in statuses for e in raw[st]])
        section = Section(
            items=[cluster_item(k, m) for k, m in entries[: lim.clusters]], more=max(0, len(entries) - lim.clusters)
        )
        later.append(lambda: section.rest.extend(cluster_item(k, m) for k, m in entries[lim.clusters :]))
        return section

    corroborated = items("corroborated")
    single_source = items("single_source")
    unattributed = items("unattributed")
    contested = items("contested", "denied")
    silent = sorted(
        (c for i, c in claims.items() if i in in_claims and c.get("kind") == "no_comment"),
        key=lambda c: (_doc_date(docs[c["doc"]]), c["doc"], c["span"]["start"]),
    )

    def silent_item(c: dict[str, Any]) -> ClusterItem:
        return ClusterItem(
            id=c["id"],
            proposition=c["span"]["text"],
            status="no_comment",
            reason=_chain(c),
            origins=[c.get("origin") or c["source"]["text"]],
            refuted_by=[],
            size=1,
            supports=[notes.claim(c)],
            refutes=[],
            status_note=None,
        )

    silent.sort(key=lambda c: _doc_date(docs[c["doc"]]), reverse=True)  # the latest silence first
    no_comment = Section(
        items=[silent_item(c) for c in silent[: lim.clusters]], more=max(0, len(silent) - lim.clusters)
    )
    later.append(lambda: no_comment.rest.extend(silent_item(c) for c in silent[lim.clusters :]))

    # -- figures, series, competing figures ---------------------------------------------------
    figs = {f["id"]: f for f in data["figures"]}
    in_figs = [f for f in data["figures"] if (f.get("claim") in in_claims if words else f["doc"] in in_docs)]
    fig_note: dict[str, int] = {}

    def cite_figure(f: dict[str, Any]) -> int:
        if f["id"] not in fig_note:
            c = claims.get(f.get("claim") or "")
            sent = (c.get("sentence") or c["span"]) if c else None
            bounds = (
                (sent["start"], sent["end"])
                if sent
                else _sentence_around(docs[f["doc"]]["text"], f["span"]["start"], f["span"]["end"])
            )
            fig_note[f["id"]] = notes.cite(
                f["doc"],
                bounds,
                (f["span"]["start"], f["span"]["end"]),
                chain=_chain(c) if c else None,
                origin=c.get("origin") if c else None,
            )
        return fig_note[f["id"]]

    cat_figs: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for f in sorted(in_figs, key=lambda f: (f.get("as_of") or _doc_date(docs[f["doc"]]), f["value"]), reverse=True):
        cat_figs[f["category"]].append(f)  # the latest first

    def figure_row(f: dict[str, Any]) -> FigureRow:
        c = claims.get(f.get("claim") or "")
        return FigureRow(
            value=_fmt_value(f),
            qualifier=f.get("qualifier"),
            what=f["what"],
            as_of=f.get("as_of"),
            according_to=(c.get("origin") or _chain(c)) if c else (docs[f["doc"]].get("outlet") or "?"),
            outlet=docs[f["doc"]].get("outlet"),
            doc=f["doc"],
            note=cite_figure(f),
        )

    order: list[str] = [c for c in CATEGORY_ORDER if c in cat_figs]
    order += sorted(set(cat_figs) - set(order) - {"other"}) + (["other"] if "other" in cat_figs else [])
    quota = dict.fromkeys(order, 0)
    left = lim.figures
    while left > 0 and any(quota[c] < len(cat_figs[c]) for c in order):
        for cat in order:  # one row per category in turn, so every count is seen
            if left > 0 and quota[cat] < len(cat_figs[cat]):
                quota[cat] += 1
                left -= 1
    figures: dict[str, Section] = {}
    for cat in order:
        figures[cat] = Section(
            items=[figure_row(f) for f in cat_figs[cat][: quota[cat]]], more=len(cat_figs[cat]) - quota[cat]
        )
        later.append(partial(_fill, figures[cat].rest, figure_row, cat_figs[cat][quota[cat] :]))

    in_fig_ids = {f["id"] for f in in_figs}
    series = _series(data["series"], figs, in_fig_ids, cite_figure, lim.series_charts)
    competing, headline = _competing(in_figs, claims, cite_figure)

    # -- places, actors, graph, timeline, sources ---------------------------------------------
    place_ids = {p for i in in_claims for p in claims[i].get("places") or []}
    places = []
    for p in data["places"]:
        n = sum(1 for m in p.get("mentions") or [] if m["doc"] in in_docs)
        if p.get("lat") is None or p.get("lon") is None or not n or (words and p["id"] not in place_ids):
            continue
        places.append(
            {
                "name": p["name"],
                "country": p.get("country") or "?",
                "lat": p["lat"],
                "lon": p["lon"],
                "mentions": n,
                "feature": p.get("feature"),
            }
        )
    places.sort(key=lambda p: (-p["mentions"], p["name"]))
    places = places[: lim.places]

    mentions = Counter({e["id"]: sum(1 for m in e.get("mentions") or [] if m["doc"] in in_docs) for e in ents.values()})
    by_actor: dict[str, list[dict[str, Any]]] = defaultdict(list)
    about: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for i in sorted(in_claims, key=lambda i: (claims[i]["doc"], claims[i]["span"]["start"])):
        c = claims[i]
        src = c["source"].get("entity")
        if src:
            by_actor[src].append(c)
        for e in dict.fromkeys(c.get("entities") or []):
            if e != src:
                about[e].append(c)
    ranked = [
        e for e, n in mentions.most_common() if n and ents[e]["type"] in ACTOR_TYPES and (by_actor[e] or about[e])
    ]
    actors = []
    for e in ranked[: lim.actors]:
        by_c, ab_c = by_actor[e], about[e]
        actors.append(
            ActorItem(
                id=e,
                name=ents[e]["name"],
                type=ents[e]["type"],
                mentions=mentions[e],
                by=[(c["span"]["text"], notes.claim(c)) for c in by_c[: lim.actor_claims]],
                about=[(c["span"]["text"], notes.claim(c)) for c in ab_c[: lim.actor_claims]],
                more_by=max(0, len(by_c) - lim.actor_claims),
                more_about=max(0, len(ab_c) - lim.actor_claims),
            )
        )
    graph = _graph(data["relations"], ents, mentions, in_docs, lim.graph_nodes)

    dates = sorted(str(docs[i]["published"])[:10] for i in in_docs if docs[i].get("published"))
    window = story_window(dates)
    dated = [claims[i] for i in in_claims if (claims[i].get("when") or {}).get("start")]
    inside = [c for c in dated if not is_background(c["when"]["start"], window)]
    outside = [c for c in dated if is_background(c["when"]["start"], window)]

    def weight(c: dict[str, Any]) -> tuple[int, int, str]:
        k = clusters.get(c.get("cluster") or "") or {}
        return (len(k.get("origins") or []), bool(c.get("event_type")), _doc_date(docs[c["doc"]]))

    def chrono(cs: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return sorted(cs, key=lambda c: (c["when"]["start"], c["when"].get("end") or "", c["doc"], c["span"]["start"]))

    def timeline_item(c: dict[str, Any]) -> TimelineItem:
        return TimelineItem(
            start=c["when"]["start"],
            end=c["when"].get("end"),
            when=c["when"].get("text"),
            text=c["span"]["text"],
            event_type=c.get("event_type"),
            source=c.get("origin") or _chain(c),
            note=notes.claim(c),
        )

    def ranked_cut(cs: list[dict[str, Any]], cap: int) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        """The `cap` weightiest of `cs` and the rest, each in date order."""
        top = {id(c) for c in sorted(chrono(cs), key=weight, reverse=True)[:cap]}
        return chrono([c for c in cs if id(c) in top]), chrono([c for c in cs if id(c) not in top])

    shown_t, rest_t = ranked_cut(inside, lim.timeline)
    timeline = Section(items=[timeline_item(c) for c in shown_t], more=len(rest_t))
    shown_b, rest_b = ranked_cut(outside, lim.background)
    background = Section(items=[timeline_item(c) for c in shown_b], more=len(rest_b))
    later.append(lambda: timeline.rest.extend(timeline_item(c) for c in rest_t))
    later.append(lambda: background.rest.extend(timeline_item(c) for c in rest_b))

    contributed: dict[str, Counter[str]] = defaultdict(Counter)
    for i in in_claims:
        c = claims[i]
        contributed[c["doc"]]["claims"] += 1
        k = clusters.get(c.get("cluster") or "")
        if k and c.get("stance") in ("supports", "refutes"):
            contributed[c["doc"]][f"status:{k['status']}"] += 1
            contributed[c["doc"]][f"cluster:{k['id']}"] = 1
    for f in in_figs:
        contributed[f["doc"]]["figures"] += 1
    sources = [
        SourceItem(
            id=d["id"],
            outlet=d.get("outlet"),
            title=d.get("title"),
            published=d.get("published"),
            url=safe_url(d.get("url")),
            claims=contributed[d["id"]]["claims"],
            figures=contributed[d["id"]]["figures"],
            clusters=sum(1 for k in contributed[d["id"]] if k.startswith("cluster:")),
            statuses={k[7:]: v for k, v in contributed[d["id"]].items() if k.startswith("status:")},
            duplicate_of=d.get("duplicate_of"),
        )
        for d in sorted((docs[i] for i in in_docs), key=lambda d: (_doc_date(d), d.get("outlet") or ""))
    ]
    # the reports that weigh most first: statements they take part in, figures, then the latest
    sources.sort(key=lambda x: (x.clusters, x.figures, x.claims, x.published or ""), reverse=True)
    for fill in later:
        fill()
    latest = _latest(ledger, since_at, {k["id"] for entries in raw.values() for k, _ in entries}, lim.latest)

    statuses = Counter(st for st, entries in raw.items() for _ in entries)
    summary = {
        "reports": len(in_docs),
        "outlets": len({docs[i].get("outlet") for i in in_docs if docs[i].get("outlet")}),
        "origins": len({claims[i].get("origin") for i in in_claims if claims[i].get("origin")}),
        "claims": len(in_claims),
        "figures": len(in_figs),
        "clusters": sum(statuses.values()),
        "statuses": dict(statuses),
        "first": dates[0] if dates else None,
        "last": dates[-1] if dates else None,
        "undated": sum(1 for i in in_docs if not docs[i].get("published")),
    }
    title = f"Brief: {topic}" if topic else "Brief"
    return Brief(
        title=title,
        generated=datetime.now(UTC).isoformat(timespec="minutes"),
        topic=topic,
        since=since_at,
        summary=summary,
        corroborated=corroborated,
        single_source=single_source,
        unattributed=unattributed,
        contested=contested,
        no_comment=no_comment,
        figures=figures,
        series=series,
        competing=competing,
        places=places,
        graph=graph,
        actors=actors,
        timeline=timeline,
        sources=sources,
        notes=notes.all(),
        latest=latest,
        headline=headline,
        background=background,
        sources_shown=min(len(sources), lim.sources),
        places_listed=lim.places_listed,
        clock="published",
    )


def _series(
    all_series: list[dict[str, Any]],
    figs: dict[str, dict[str, Any]],
    in_scope: set[str],
    cite: Callable[[dict[str, Any]], int],
    cap: int,
    origins: int = 8,
    points: int = 40,
) -> list[dict[str, Any]]:
    """Series grouped by counted thing and place (one chart each, one line per origin), the
    ones with most origins first; only the points shown get footnotes."""
    groups: dict[tuple[str, str], dict[tuple[str, str], list[dict[str, Any]]]] = defaultdict(lambda: defaultdict(list))
    undated: Counter[tuple[str, str]] = Counter()  # figures with no date cannot be charted: counted
    for s in all_series:
        pts = [p for p in s["points"] if p["figure"] in in_scope and p.get("as_of")]
        undated[(s["category"], s["what"].lower())] += sum(
            1 for p in s["points"] if p["figure"] in in_scope and not p.get("as_of")
        )
        if pts:
            groups[(s["category"], s["what"].lower())][(s.get("source") or "?", s.get("place") or "")].extend(pts)
    ranked = sorted(groups.items(), key=lambda kv: (-len(kv[1]), -sum(map(len, kv[1].values())), kv[0]))
    out = []
    for (category, what), lines in ranked[:cap]:
        rows = []
        places = Counter(origin for origin, _ in lines)
        for (origin, place), pts in sorted(lines.items(), key=lambda kv: (-len(kv[1]), kv[0]))[:origins]:
            label = f"{origin} ({place.split(':')[-1]})" if places[origin] > 1 and place else origin
            for p in sorted(pts, key=lambda p: p["as_of"])[-points:]:
                f = figs[p["figure"]]
                rows.append(
                    {
                        "as_of": p["as_of"],
                        "value": p["value"],
                        "origin": label,
                        "what": f["what"],
                        "qualifier": f.get("qualifier") or "exactly",
                        "note": cite(f),
                    }
                )
        out.append(
            {
                "category": category,
                "what": rows[0]["what"],
                "points": rows,
                "origins": len({o for o, _ in lines}),
                "undated": undated[(category, what)],
            }
        )
    return out


def _fill(rest: list[Any], make: Callable[[Any], Any], source: list[Any]) -> None:
    rest.extend(make(x) for x in source)


def _competing(
    figs: list[dict[str, Any]],
    claims: dict[str, dict[str, Any]],
    cite: Callable[[dict[str, Any]], int],
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Per category, the latest figure each origin gives for each counted thing, where two or
    more origins give one: the figures that compete."""
    latest: dict[tuple[str, str, str], dict[str, Any]] = {}
    for f in figs:
        if f["category"] in ("other", "duration", "money") or f.get("part_of"):
            continue
        c = claims.get(f.get("claim") or "")
        origin = (c.get("origin") if c else None) or "?"
        key = (f["category"], origin, f["what"].lower())
        if key not in latest or (f.get("as_of") or "") >= (latest[key].get("as_of") or ""):
            latest[key] = f | {"origin": origin}
    by_cat: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for (cat, origin, _), f in latest.items():
        by_cat[cat].append(
            {
                "origin": origin,
                "what": f["what"],
                "value": f["value"],
                "low": f.get("low") or f["value"],
                "high": f.get("high") or f["value"],
                "qualifier": f.get("qualifier") or "exactly",
                "as_of": f.get("as_of"),
                "figure": f,
            }
        )
    out = []
    for cat, rows in sorted(by_cat.items(), key=lambda kv: (kv[0] not in CATEGORY_ORDER, kv[0])):
        if len({r["origin"] for r in rows}) < 2:
            continue
        shown = sorted(rows, key=lambda r: -r["value"])[:15]
        out.append(
            {
                "category": cat,
                "rows": [{**{k: v for k, v in r.items() if k != "figure"}, "note": cite(r["figure"])} for r in shown],
            }
        )
    return out[:3], _headline(by_cat, cite)


def _headline(
    by_cat: dict[str, list[dict[str, Any]]], cite: Callable[[dict[str, Any]], int], groups: int = 4, per: int = 4
) -> list[dict[str, Any]]:
    """The competing figures for the main counts: per category and counted thing that two or
    more origins give different values for, the latest value of each origin, side by side."""
    found = []
    for cat, rows in by_cat.items():
        what: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for r in rows:
            what[r["what"].lower()].append(r)
        for rs in what.values():
            if len({r["origin"] for r in rs}) >= 2 and len({r["value"] for r in rs}) >= 2:
                rank = CATEGORY_ORDER.index(cat) if cat in CATEGORY_ORDER else len(CATEGORY_ORDER)
                found.append((rank, -len(rs), cat, rs))
    out = []
    for _, _, cat, rs in sorted(found, key=lambda x: x[:3])[:groups]:
        shown = sorted(rs, key=lambda r: (r.get("as_of") or "", r["value"]), reverse=True)[:per]
        out.append(
            {
                "category": cat,
                "what": shown[0]["what"],
                "rows": [
                    {
                        "value": _fmt_value(r["figure"]),
                        "origin": r["origin"],
                        "as_of": r.get("as_of"),
                        "note": cite(r["figure"]),
                    }
                    for r in shown
                ],
            }
        )
    return out


def _latest(ledger: Ledger, since: str | None, in_scope: set[str], cap: int) -> list[dict[str, Any]]:
    """The statements whose status changed most recently, by the publication date of the
    report that changed it (the story's time), one line per statement."""
    from crosscheck.queries import changes_since

    rows = changes_since(ledger, since or "0001-01-01", every=True, by="published")["statuses"]
    out: dict[str, dict[str, Any]] = {}
    for r in sorted(rows, key=lambda r: (str(r.get("published") or r["at"]), r["at"]), reverse=True):
        if r["cluster"] in in_scope and r["cluster"] not in out:
            out[r["cluster"]] = {
                "cluster": r["cluster"],
                "proposition": r["proposition"],
                "before": r["before"],
                "after": r["after"],
                "when": str(r.get("published") or r["at"])[:10],
            }
        if len(out) >= cap:
            break
    return list(out.values())


def _graph(
    relations: list[dict[str, Any]],
    ents: dict[str, dict[str, Any]],
    mentions: Counter[str],
    docs: set[str],
    cap: int,
) -> dict[str, list[dict[str, Any]]]:
    """Nodes and edges of the actor graph: relations between actors, found in reports in scope."""
    edges: dict[tuple[str, str, str], int] = {}
    for r in relations:
        if r["predicate"] not in GRAPH_PREDICATES or r["subject"] == r["object"]:
            continue
        if not any(e["doc"] in docs for e in r.get("evidence") or []):
            continue
        if r["subject"] in ents and r["object"] in ents:
            key = (r["subject"], r["predicate"], r["object"])
            edges[key] = edges.get(key, 0) + 1
    degree = Counter(x for s, _, o in edges for x in (s, o))
    keep = {n for n, _ in sorted(degree.items(), key=lambda kv: (-kv[1], -mentions[kv[0]]))[:cap]}
    return {
        "nodes": [
            {"id": n, "name": ents[n]["name"], "type": ents[n]["type"], "mentions": mentions[n]} for n in sorted(keep)
        ],
        "edges": [
            {"source": s, "predicate": p, "target": o, "count": c}
            for (s, p, o), c in edges.items()
            if s in keep and o in keep
        ],
    }
