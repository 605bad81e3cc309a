"""Issue 14: soft hyphens and bidi marks inside a name do not split one actor in two, and every
span still indexes the stored text, which keeps them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from crosscheck.ingest import Draft, make_document
from crosscheck.nlp.invisible import restore_offsets, strip_invisible
from crosscheck.records import Claim, Source, Span
from helpers import ledger_rows

SOFT = (
    "Hez\u00adbollah fighters fired rockets at the border town of Metula on Monday, the Israeli army said. "
    "Hezbollah said it had targeted a military post."
)
RLM = (
    "Hezbollah leader Hassan Nasr\u200fallah said on Tuesday the group would respond. "
    "Nas\u202erallah\u202c spoke in a televised address from Beirut, his office said."
)


def test_issue14_invisible_marks_inside_names_give_one_entity() -> None:
    from crosscheck.analyse import analyse_documents

    docs = [make_document(Draft(text=t, origin=f"t{i}")) for i, t in enumerate((SOFT, RLM))]
    assert "\u00ad" in docs[0].text and "\u200f" in docs[1].text  # the stored text keeps them
    (soft_doc, soft), (rlm_doc, rlm) = analyse_documents(docs)
    hez = [e for e in soft.entities if "bollah" in e.name]
    assert [e.name for e in hez] == ["Hezbollah"]
    assert [m.text for m in hez[0].mentions] == ["Hez\u00adbollah", "Hezbollah"]
    nasr = [e for e in rlm.entities if "rallah" in e.name]
    assert [e.name for e in nasr] == ["Hassan Nasrallah"]
    assert [m.text for m in nasr[0].mentions] == ["Hassan Nasr\u200fallah", "Nas\u202erallah"]
    for document, analysis in ((soft_doc, soft), (rlm_doc, rlm)):
        for span in _spans(analysis):
            assert document.text[span.start : span.end] == span.text


def test_issue14_invisible_marks_ledger_check_clean(tmp_path: Path, cli: Any) -> None:
    report = tmp_path / "soft.txt"
    report.write_text(SOFT, encoding="utf-8")
    (tmp_path / "rlm.txt").write_text(RLM, encoding="utf-8")
    ledger = tmp_path / "l.db"
    assert cli("--ledger", ledger, "add", report, tmp_path / "rlm.txt").code == 0
    names = ledger_rows(ledger, "SELECT name FROM entities WHERE name LIKE '%bollah%' OR name LIKE '%rallah%'")
    assert sorted(names) == ["Hassan Nasrallah", "Hezbollah", "Hezbollah"]
    mentions = ledger_rows(ledger, "SELECT text FROM entity_mentions WHERE text LIKE 'Hez%'")
    assert sorted(mentions) == sorted(["Hez\u00adbollah", "Hezbollah", "Hezbollah"])
    result = cli("--ledger", ledger, "check")
    assert result.code == 0 and result.out.strip() == "ok", result


def _spans(value: object) -> list[Span]:
    """Every span inside a record, however deep."""
    if isinstance(value, Span):
        return [value]
    if isinstance(value, tuple | list):
        return [s for v in value for s in _spans(v)]
    if hasattr(value, "__dataclass_fields__"):
        return [s for name in value.__dataclass_fields__ for s in _spans(getattr(value, name))]
    return []


MARKS = "\u00ad\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("ab c\n" + MARKS)), max_size=40), st.data())
def test_invisible_restore_maps_every_span_onto_the_raw_text(raw: str, data: st.DataObject) -> None:
    clean, positions = strip_invisible(raw)
    assert not any(ch in MARKS for ch in clean)
    start = data.draw(st.integers(0, len(clean)))
    end = data.draw(st.integers(start, len(clean)))
    span = Span(doc="d", start=start, end=end, text=clean[start:end])
    claim = Claim(id="c", doc="d", span=span, sentence=span, source=Source(text="x", kind="named", span=span))
    back = restore_offsets(claim, raw, positions)
    for restored in (back.span, back.sentence, back.source.span):
        assert restored is not None
        assert raw[restored.start : restored.end] == restored.text
        assert "".join(ch for ch in restored.text if ch not in MARKS) == clean[start:end]
