"""The Python API behind the CLI: add sources to a ledger, analyse, re-analyse."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from crosscheck.errors import InputError
from crosscheck.ingest import Draft, IngestOptions, Skipped, iter_drafts, make_document
from crosscheck.ingest.language import detect_language
from crosscheck.ledger import AddResult, Ledger
from crosscheck.records import Analysis, Document

if TYPE_CHECKING:
    from crosscheck.parallel import Analyser

__all__ = ["AddSummary", "add_sources", "reanalyse"]

Event = Callable[[str, object], None]


@dataclass(slots=True)
class AddSummary:
    """Counts for the summary line of `crosscheck add`, and the errors met."""

    added: int = 0
    duplicates: int = 0
    near_duplicates: int = 0
    skipped: int = 0
    failed: int = 0
    warnings: int = 0
    errors: list[str] = field(default_factory=list)
    docs: list[str] = field(default_factory=list)

    def line(self) -> str:
        warned = f", warnings {self.warnings}" if self.warnings else ""
        return (
            f"added {self.added}, duplicates {self.duplicates}, near-duplicates "
            f"{self.near_duplicates}, skipped {self.skipped}, failed {self.failed}{warned}"
        )


def add_sources(
    ledger: Ledger,
    sources: Iterable[str],
    options: IngestOptions | None = None,
    *,
    analyse: bool = True,
    watchlist: str | None = None,
    on_event: Event | None = None,
    analyser: Analyser | None = None,
) -> AddSummary:
    """Read every source and store each report, with its analysis, in its own transaction.
    Bad input is counted and reported through `on_event("error", message)`; the batch goes on.
    Metadata dropped as invalid is reported through `on_event("warning", message)`, and things
    a folder holds that cannot be read through `on_event("skipped", Skipped)`.
    `watchlist` names a YAML or CSV file of actors the analyst already knows. `analyser` says
    where analysis runs (default: this process; see `crosscheck.parallel`); reports are stored
    and resolved here, in the order read, wherever they were analysed."""
    options = options or IngestOptions()
    summary = AddSummary()
    emit = on_event or (lambda kind, payload: None)
    documents = _documents(ledger, sources, options, summary, emit)
    results: Iterator[tuple[Document, Analysis | Exception | None, int]]
    if analyse:
        from crosscheck.parallel import InProcess

        if watchlist:
            from crosscheck.nlp.watchlist import load_watchlist

            load_watchlist(watchlist)  # a bad file fails here, once, with its own message
        run = analyser or InProcess(watchlist)
        results = run(documents, on_part=lambda d, done, total: emit("part", (d, done, total)))
    else:
        results = ((d, None, 1) for d in documents)
    try:
        for document, analysis, _ in results:
            _store(ledger, document, analysis, summary, emit)
    finally:  # on an error or Ctrl-C the workers stop with the writer
        close = getattr(results, "close", None)
        if close is not None:
            close()
    return summary


def _documents(
    ledger: Ledger, sources: Iterable[str], options: IngestOptions, summary: AddSummary, emit: Event
) -> Iterator[Document]:
    """Every new report the sources hold, normalised; what cannot be read is counted and reported."""
    for source in sources:
        for item in iter_drafts(source, options):
            if isinstance(item, Skipped):
                summary.skipped += 1
                emit("skipped", item)
            elif isinstance(item, InputError):
                _failed(summary, str(item), emit)
            else:
                for note in item.notes:
                    summary.warnings += 1
                    emit("warning", f"{item.origin}: {note}")
                document = _prepare(ledger, item, summary, emit)
                del item  # the raw text is not kept beside the normalised one while storing
                if document is not None:
                    yield document


def _failed(summary: AddSummary, message: str, emit: Event) -> None:
    summary.failed += 1
    summary.errors.append(message)
    emit("error", message)


def _prepare(ledger: Ledger, draft: Draft, summary: AddSummary, emit: Event) -> Document | None:
    """Normalise a draft; None (and counted) when it is empty or already stored."""
    document = make_document(draft)
    if not document.text.strip():
        _failed(summary, f"{draft.origin}: no text", emit)
        return None
    existing = ledger.has_sha(document.sha256)
    if existing:
        summary.duplicates += 1
        emit("document", AddResult("exists", existing))
        return None
    if document.language is None:
        document = replace(document, language=detect_language(document.text))
    return document


def _store(
    ledger: Ledger, document: Document, analysis: Analysis | Exception | None, summary: AddSummary, emit: Event
) -> None:
    """Store a document with its analysis. A report whose analysis failed is stored without one
    (for `reanalyse`), and reported."""
    failure = analysis if isinstance(analysis, Exception) else None
    result = ledger.add(document, analysis=analysis if isinstance(analysis, Analysis) else None)
    if result.status == "added":
        summary.added += 1
        summary.docs.append(result.doc)
        summary.near_duplicates += bool(result.duplicate_of)
    else:
        summary.duplicates += 1
    if failure is not None and result.status == "added":
        _failed(summary, f"{document.origin}: {_analysis_failed(failure)}; stored without analysis", emit)
    emit("document", result)


def _analysis_failed(exc: Exception) -> str:
    from crosscheck.parallel import AnalysisFailed

    first = (str(exc).splitlines() or [""])[0]
    kind = exc.kind if isinstance(exc, AnalysisFailed) else type(exc).__name__
    return f"analysis failed ({kind}: {first})"


def reanalyse(
    ledger: Ledger, *, only_stale: bool = False, watchlist: str | None = None, on_event: Event | None = None
) -> int:
    """Re-run the analysis over stored documents (after an upgrade); returns how many."""
    from crosscheck.nlp.pipeline import ANALYSER_VERSION
    from crosscheck.parallel import InProcess

    emit = on_event or (lambda kind, payload: None)
    stale = ledger.documents_to_analyse(ANALYSER_VERSION if only_stale else None)
    done = 0
    results = InProcess(watchlist)(stale, on_part=lambda d, n, total: emit("part", (d, n, total)))
    for document, analysis, _ in results:
        if isinstance(analysis, Exception):
            emit("error", f"{document.origin}: {_analysis_failed(analysis)}; its records are unchanged")
            continue
        ledger.replace_analysis(analysis)
        done += 1
        emit("document", document.id)
    return done
