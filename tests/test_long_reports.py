"""Long reports (issue 14): a report longer than spaCy's max_length (1,000,000 characters)
no longer aborts the run. It is analysed in parts cut at paragraph or sentence breaks, and
its records index the whole stored text (ids, sentences, `check` clean); `reanalyse` does the
same; a report whose analysis fails is reported on its own line while the batch goes on.

Analysis takes about 0.5 s per 1,000 characters here, so a real 1,000,001-character analysis
(~8 minutes) is not run: the tests lower the model's max_length (which bounds the parts) to
drive the same code path over a few thousand characters. The cutting itself is tested on a
text of just over 1,000,000 characters."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from helpers import ledger_rows

PARA = (
    "The ministry said 12 people were killed in Gaza on Monday. Officials in Kabul reported "
    "that 300 families had fled, according to the UN.\n\n"
)
SHORT = "Ferry services to the northern islands resumed on Friday, the port authority in Esker Bay said.\n"


def _document(text: str) -> Any:
    from crosscheck.records import Document

    digest = hashlib.sha256(text.encode()).hexdigest()
    return Document(id="d" + digest[:16], sha256=digest, text=text, origin="long.txt", published="2026-01-05")


@pytest.fixture
def small_model(monkeypatch: pytest.MonkeyPatch) -> Iterator[int]:
    """The pipeline with a max_length of 1,000 characters: longer texts raise E088 in spaCy."""
    from crosscheck.nlp.pipeline import load_pipeline

    nlp = load_pipeline()
    monkeypatch.setattr(nlp, "max_length", 1000)
    yield 1000


def test_cuts_of_a_text_over_a_million_characters() -> None:
    from crosscheck.nlp.pipeline import split_points

    sentence = "Officials said the convoy reached the border crossing on Tuesday. "
    text = sentence * (1_000_001 // len(sentence) + 1)
    assert len(text) > 1_000_000
    parts = split_points(text, 100_000)
    assert parts[0][0] == 0 and parts[-1][1] == len(text)
    assert all(a[1] == b[0] for a, b in zip(parts, parts[1:], strict=False))  # contiguous, nothing lost
    assert all(0 < stop - start <= 100_000 for start, stop in parts)
    assert all(text[stop - 2 : stop] == ". " for _, stop in parts[:-1])  # cut at sentence ends
    lines = "word " * 30 + "\n"
    para = (lines * 3 + "\n") * 2000
    assert all(para[stop - 2 : stop] == "\n\n" for _, stop in split_points(para, 5000)[:-1])  # paragraphs first
    assert split_points("x" * 25, 10) == [(0, 10), (10, 20), (20, 25)]  # no break at all: hard cuts


def test_long_report_in_parts_has_the_records_of_the_whole(small_model: int) -> None:
    from crosscheck.analyse import analyse_documents

    text = PARA * 20  # 2,740 characters: three parts of at most 1,000
    assert len(text) > small_model
    document = _document(text)
    seen: list[tuple[int, int]] = []
    [(_, parts)] = analyse_documents([document], on_part=lambda d, done, total: seen.append((done, total)))
    assert not isinstance(parts, Exception), parts
    assert seen == [(1, 3), (2, 3), (3, 3)] and "analysed-in-parts:3" in parts.flags
    from crosscheck.nlp.pipeline import load_pipeline

    load_pipeline().max_length = 1_000_000  # the fixture's monkeypatch restores it afterwards
    [(_, whole)] = analyse_documents([document])
    assert not isinstance(whole, Exception)
    assert parts.entities == whole.entities and parts.places == whole.places and parts.figures == whole.figures
    assert len(parts.claims) == len(whole.claims) == 40

    def shape(claims: Any) -> set[Any]:
        return {(c.id, c.span, c.sentence, c.source.span, c.figures, c.entities) for c in claims}

    assert shape(parts.claims) == shape(whole.claims)
    for c in parts.claims:
        assert text[c.span.start : c.span.end] == c.span.text
        assert text[c.sentence.start : c.sentence.end].startswith(("The ministry", "Officials"))


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    path = tmp_path / "in"
    path.mkdir()
    (path / "long.txt").write_text(PARA * 8)
    (path / "short.txt").write_text(SHORT)
    return path


def test_add_and_reanalyse_a_report_over_max_length(small_model: int, folder: Path, tmp_path: Path, cli: Any) -> None:
    ledger = tmp_path / "l.db"
    result = cli("--ledger", ledger, "add", folder)
    assert result.code == 0, result
    assert "Traceback" not in result.err and "error" not in result.err
    assert "added 2," in result.out
    assert "part 2 of 2 done" in result.err  # a plain progress line without a terminal
    long_doc = ledger_rows(ledger, "SELECT id FROM documents WHERE origin LIKE '%long.txt'")[0]
    starts = ledger_rows(ledger, f"SELECT start FROM claims WHERE doc = '{long_doc}' ORDER BY start")
    assert len(starts) == 16 and starts[-1] > small_model  # claims from every part, in whole-text offsets
    flags = json.loads(ledger_rows(ledger, f"SELECT flags FROM analyses WHERE doc = '{long_doc}'")[0])
    assert flags == ["analysed-in-parts:2"]
    check = cli("--ledger", ledger, "check")
    assert check.code == 0 and check.out.strip() == "ok", check
    again = cli("--ledger", ledger, "reanalyse")
    assert again.code == 0 and "re-analysed 2 documents" in again.out, again
    assert ledger_rows(ledger, f"SELECT start FROM claims WHERE doc = '{long_doc}' ORDER BY start") == starts
    assert cli("--ledger", ledger, "check").code == 0


def test_a_failing_analysis_fails_alone(
    folder: Path, tmp_path: Path, cli: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    import crosscheck.nlp.figures as figures

    real = figures.extract_figures

    def fragile(doc: Any) -> Any:  # a pipeline component that breaks on one report, inside nlp.pipe
        if "Esker" in doc.text:
            raise RuntimeError("the parser broke\nsecond line")
        return real(doc)

    monkeypatch.setattr(figures, "extract_figures", fragile)
    (folder / "long.txt").write_text(PARA * 2)
    (folder / "z.txt").write_text(PARA.replace("Gaza", "Rafah"))
    ledger = tmp_path / "l.db"
    result = cli("--ledger", ledger, "add", folder)
    assert result.code == 1
    errors = [line for line in result.error_lines() if line.startswith("error:")]
    assert len(errors) == 1 and "short.txt: analysis failed (RuntimeError: the parser broke)" in errors[0], errors
    assert len(ledger_rows(ledger)) == 3  # all stored; the failed one without analysis, for `reanalyse`
    assert ledger_rows(ledger, "SELECT count(DISTINCT doc) FROM claims") == [2]
    assert cli("--ledger", ledger, "check").code == 0
