"""The Python API behind the CLI: add sources to a ledger, batch by batch."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from crosscheck.errors import InputError
from crosscheck.ingest import Draft, IngestOptions, Skipped, iter_drafts, make_document
from crosscheck.ingest.language import detect_language
from crosscheck.ledger import AddResult, Ledger

__all__ = ["AddSummary", "add_sources"]

Event = Callable[[str, object], None]


@dataclass(slots=True)
class AddSummary:
    """Counts for the summary line of `crosscheck add`, and the errors met."""

    added: int = 0
    duplicates: int = 0
    near_duplicates: int = 0
    skipped: int = 0
    failed: int = 0
    errors: list[str] = field(default_factory=list)
    docs: list[str] = field(default_factory=list)

    def line(self) -> str:
        return (f"added {self.added}, duplicates {self.duplicates}, near-duplicates "
                f"{self.near_duplicates}, skipped {self.skipped}, failed {self.failed}")


def add_sources(
    ledger: Ledger,
    sources: Iterable[str],
    options: IngestOptions | None = None,
    *,
    on_event: Event | None = None,
) -> AddSummary:
    """Read every source and store each report in its own transaction. Bad input is
    counted and reported through `on_event("error", message)`; the batch goes on."""
    options = options or IngestOptions()
    summary = AddSummary()
    emit = on_event or (lambda kind, payload: None)
    for source in sources:
        for item in iter_drafts(source, options):
            if isinstance(item, Skipped):
                summary.skipped += 1
                emit("skipped", item)
            elif isinstance(item, InputError):
                summary.failed += 1
                summary.errors.append(str(item))
                emit("error", str(item))
            else:
                result = add_draft(ledger, item, summary)
                if result is not None:
                    emit("document", result)
    return summary


def add_draft(ledger: Ledger, draft: Draft, summary: AddSummary) -> AddResult | None:
    """Normalise, identify the language of, and store one draft."""
    try:
        document = make_document(draft)
    except InputError as exc:
        summary.failed += 1
        summary.errors.append(str(exc))
        return None
    if not document.text.strip():
        summary.failed += 1
        summary.errors.append(f"{draft.origin}: no text after normalisation")
        return None
    existing = ledger.has_sha(document.sha256)
    if existing:
        summary.duplicates += 1
        return AddResult("exists", existing)
    if document.language is None:
        from dataclasses import replace

        document = replace(document, language=detect_language(document.text))
    result = ledger.add(document)
    if result.status == "added":
        summary.added += 1
        summary.docs.append(result.doc)
        if result.duplicate_of:
            summary.near_duplicates += 1
    else:
        summary.duplicates += 1
    return result
