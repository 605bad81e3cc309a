"""Watch feeds and pages: poll them, add what is new, and tell what changed as it happens.

Each poll adds a source through the same path as `crosscheck add` (`api.add_sources`, so the
same fetch guards: http(s) only, private addresses refused unless allowed, redirects and size
capped). Documents are deduplicated by the ledger, so a restarted watch adds nothing twice.
Around each poll that added something, a snapshot of the ledger through `queries` (cluster
statuses and origins, figures) is compared with the one before: a cluster whose status changed,
a new origin for a statement, a new competing figure are each one change. A source that fails
is retried with growing delays and reported; it never stops the others. Per-source state
(polls, failures, when to retry, the documents it brought) lives in the ledger's
`watch_feeds` table.
"""

from __future__ import annotations

import json
import re
import shlex
import subprocess
import threading
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from crosscheck import queries
from crosscheck.api import add_sources
from crosscheck.errors import InputError
from crosscheck.ingest import IngestOptions
from crosscheck.ledger import Ledger

__all__ = ["Snapshot", "Watcher", "diff", "parse_every", "run_notify", "snapshot"]

RETRY_FIRST = 30.0  # seconds before the first retry of a failing source
SEEN_CAP = 2000  # document ids kept per source
NOTIFY_TIMEOUT = 30.0
_EVERY = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([smhd]?)\s*$", re.I)

Change = dict[str, Any]


def parse_every(text: str) -> float:
    """Seconds in `15m`, `30s`, `2h`, `1d` or a bare number of seconds (at least one second)."""
    m = _EVERY.match(text)
    if not m:
        raise InputError(text, "not an interval (use 30s, 15m, 2h, 1d)")
    seconds = float(m.group(1)) * {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400}[m.group(2).lower()]
    if not 1 <= seconds <= 30 * 86400:
        raise InputError(text, "interval must be between 1 second and 30 days")
    return seconds


# -- snapshots and their differences --------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Snapshot:
    """What a change is measured against: each cluster's status, proposition and origins, and
    the values each origin gives for each category and counted thing."""

    clusters: dict[str, tuple[str, str, frozenset[str]]]
    figures: dict[tuple[str, str], dict[str, set[float]]]


def snapshot(ledger: Ledger) -> Snapshot:
    """The ledger's statements and figures now, read through `queries`."""
    clusters = {
        k["id"]: (k["status"], k["proposition"], frozenset(k["origins"])) for k in queries.list_clusters(ledger)
    }
    figures: dict[tuple[str, str], dict[str, set[float]]] = defaultdict(lambda: defaultdict(set))
    for f in queries.list_figures(ledger):
        if f["category"] in ("other", "duration", "money") or f.get("part_of"):
            continue
        origin = f.get("origin") or f.get("source") or f.get("outlet") or "?"
        figures[(f["category"], str(f["what"]).lower())][origin].add(float(f["value"]))
    return Snapshot(clusters=clusters, figures={k: dict(v) for k, v in figures.items()})


def diff(before: Snapshot, after: Snapshot) -> list[Change]:
    """The changes from `before` to `after`: status changes (and new statements that are
    already corroborated, contested or denied), new origins for a statement, and new values
    for a count that two or more origins give differently."""
    out: list[Change] = []
    for cid, (status, prop, origins) in after.clusters.items():
        old = before.clusters.get(cid)
        if old is None:
            if status in queries.NOTABLE:
                out.append({"kind": "status", "cluster": cid, "proposition": prop, "before": None, "after": status})
            continue
        if old[0] != status:
            out.append({"kind": "status", "cluster": cid, "proposition": prop, "before": old[0], "after": status})
        for origin in sorted(origins - old[2]):
            out.append({"kind": "origin", "cluster": cid, "proposition": prop, "origin": origin, "status": status})
    for (category, what), by_origin in sorted(after.figures.items()):
        values = {v for vs in by_origin.values() for v in vs}
        if len(by_origin) < 2 or len(values) < 2:
            continue
        old_by = before.figures.get((category, what), {})
        for origin, vs in sorted(by_origin.items()):
            for value in sorted(vs - old_by.get(origin, set())):
                others = {o: sorted(v) for o, v in by_origin.items() if o != origin}
                out.append(
                    {
                        "kind": "figure",
                        "category": category,
                        "what": what,
                        "origin": origin,
                        "value": value,
                        "others": others,
                    }
                )
    return out


def describe(change: Change) -> str:
    """One line for a change."""
    if change["kind"] == "status":
        return f"status: {change['proposition']!r}: {change['before'] or 'new'} -> {change['after']}"
    if change["kind"] == "origin":
        return f"new origin: {change['origin']} for {change['proposition']!r} ({change['status']})"
    others = "; ".join(f"{o}: {', '.join(f'{v:g}' for v in vs)}" for o, vs in change["others"].items())
    return f"competing figure: {change['category']} {change['what']}: {change['value']:g} from {change['origin']} (vs {others})"


def run_notify(command: str, change: Change) -> str | None:
    """Run `command` (split like a shell would, but never run by one) with the change as
    JSON on stdin; an error message, or None when it exited 0."""
    try:
        argv = shlex.split(command)
    except ValueError as exc:
        return f"--notify {command!r}: {exc}"
    if not argv:
        return "--notify: empty command"
    try:
        done = subprocess.run(  # noqa: S603 - the user's own command, as an argument list, no shell
            argv,
            input=json.dumps(change, ensure_ascii=False).encode(),
            capture_output=True,
            timeout=NOTIFY_TIMEOUT,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        return f"--notify {argv[0]}: {exc}"
    if done.returncode:
        return f"--notify {argv[0]}: exit code {done.returncode}"
    return None


# -- per-source state -----------------------------------------------------------------------


@dataclass(slots=True)
class FeedState:
    source: str
    polls: int = 0
    failures: int = 0
    added: int = 0
    last_ok: str | None = None
    last_error: str | None = None
    next_at: str | None = None
    seen: list[str] = field(default_factory=list)


def _load(ledger: Ledger, source: str) -> FeedState:
    row = ledger.conn.execute("SELECT * FROM watch_feeds WHERE source = ?", (source,)).fetchone()
    if row is None:
        return FeedState(source)
    return FeedState(
        source=source,
        polls=row["polls"],
        failures=row["failures"],
        added=row["added"],
        last_ok=row["last_ok"],
        last_error=row["last_error"],
        next_at=row["next_at"],
        seen=json.loads(row["seen"]),
    )


def _save(ledger: Ledger, s: FeedState) -> None:
    with ledger.transaction() as conn:
        conn.execute(
            "INSERT OR REPLACE INTO watch_feeds (source, polls, failures, added, last_ok, last_error, next_at, seen) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                s.source,
                s.polls,
                s.failures,
                s.added,
                s.last_ok,
                s.last_error,
                s.next_at,
                json.dumps(s.seen[-SEEN_CAP:]),
            ),
        )


def _now() -> datetime:
    return datetime.now(UTC)


# -- the loop ---------------------------------------------------------------------------------

Report = Callable[[str, Any], None]


@dataclass
class Watcher:
    """Polls `sources` every `every` seconds until `stop` is set (or once)."""

    ledger: Ledger
    sources: Sequence[str]
    every: float
    options: IngestOptions = field(default_factory=IngestOptions)
    notify: str | None = None
    analyse: bool = True
    report: Report = lambda kind, payload: None  # noqa: E731 - a default callback
    stop: threading.Event = field(default_factory=threading.Event)

    def poll(self) -> list[Change]:
        """One round: every source that is due, in order; returns the changes seen."""
        changes: list[Change] = []
        base = snapshot(self.ledger)
        for source in dict.fromkeys(self.sources):
            if self.stop.is_set():
                break
            state = _load(self.ledger, source)
            if state.next_at and state.next_at > _now().isoformat():
                self.report("waiting", {"source": source, "until": state.next_at, "failures": state.failures})
                continue
            added = self._poll_source(state)
            if added:
                after = snapshot(self.ledger)
                for change in diff(base, after):
                    change = {"at": _now().isoformat(timespec="seconds"), "source": source, **change}
                    changes.append(change)
                    self.report("change", change)
                    if self.notify:
                        error = run_notify(self.notify, change)
                        if error:
                            self.report("error", error)
                base = after
        return changes

    def _poll_source(self, state: FeedState) -> int:
        errors: list[str] = []
        docs: list[str] = []

        def on_event(kind: str, payload: object) -> None:
            if kind == "error":
                errors.append(str(payload))

        try:
            summary = add_sources(self.ledger, [state.source], self.options, analyse=self.analyse, on_event=on_event)
        except Exception as exc:  # one source must never stop the others
            summary = None
            errors.append(f"{state.source}: {exc.__class__.__name__}: {exc}")
        state.polls += 1
        now = _now()
        if summary is not None:
            docs = summary.docs
        if summary is None or (summary.failed and not (summary.added or summary.duplicates)):
            state.failures += 1
            delay = min(self.every, RETRY_FIRST * 2 ** (state.failures - 1))
            state.next_at = (now + timedelta(seconds=delay)).isoformat(timespec="seconds")
            state.last_error = errors[0] if errors else "failed"
            self.report(
                "failed",
                {"source": state.source, "error": state.last_error, "failures": state.failures, "retry": state.next_at},
            )
        else:
            state.failures = 0
            state.next_at = None
            state.last_ok = now.isoformat(timespec="seconds")
            state.added += len(docs)
            state.seen.extend(docs)
            for error in errors:
                self.report("error", error)
            self.report(
                "polled",
                {"source": state.source, "added": summary.added, "duplicates": summary.duplicates},
            )
        _save(self.ledger, state)
        return len(docs)

    def run(self, *, once: bool = False) -> None:
        """Poll until `stop` is set (Ctrl-C), or one round with `once`."""
        while not self.stop.is_set():
            self.poll()
            if once:
                return
            self.stop.wait(self._pause())

    def _pause(self) -> float:
        """Seconds until the next round: `every`, or sooner when a failing source is due."""
        pause = self.every
        now = _now()
        for source in self.sources:
            state = _load(self.ledger, source)
            if state.next_at:
                due = (datetime.fromisoformat(state.next_at) - now).total_seconds()
                pause = min(pause, max(due, 1.0))
        return pause
