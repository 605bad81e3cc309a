"""The evaluation gate: the scorer's floors on the sample story and on the test story.

Floors only go up. The sample story and the scorer live in ../shared (skip when absent); the
test story is in tests/eval/corpus/ and needs only the scorer.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from crosscheck.api import add_sources
from crosscheck.export.json import export_ledger
from crosscheck.ledger import Ledger

ROOT = Path(__file__).resolve().parents[2]
SHARED = ROOT.parent / "shared"
SCORER = SHARED / "tools" / "score.py"

STORIES = ROOT / "tests" / "eval" / "corpus"


def _gate(folder: Path, overall: float, part: float) -> tuple[Path, Path, float, float]:
    return folder, folder / "gold.json", overall, part


# corpus -> (folder, gold file, overall floor, per-part floor)
GATES = {
    # The sample story's propositions fell from 0.865 to about 0.6 when the word lists written from
    # its own sentences (data/concepts.yaml, its counter-claim patterns) and the thresholds fitted
    # to the first six stories were removed (issue 10); the overall floor stays.
    "iran-2026": _gate(SHARED / "corpus" / "iran-2026", 0.95, 0.55),
    "dam-2031": _gate(STORIES / "dam-2031", 0.95, 0.90),
    "ceasefire-2032": _gate(STORIES / "ceasefire-2032", 0.92, 0.40),
    "election-2033": _gate(STORIES / "election-2033", 0.95, 0.90),
    "strike-2034": _gate(STORIES / "strike-2034", 0.94, 0.50),
    "quake-2035": _gate(STORIES / "quake-2035", 0.94, 0.50),
    # written and annotated before their first run (EVALUATION.md, "Unseen stories, first runs"):
    # floors a little below their latest run (floors only go up), so they guard against regressions only
    "blast-2036": _gate(STORIES / "blast-2036", 0.75, 0.0),
    "border-2037": _gate(STORIES / "border-2037", 0.72, 0.0),
    "riot-2038": _gate(STORIES / "riot-2038", 0.73, 0.0),
    # the three written at the same time and first run after the verdicts rebuild
    "ferry-2039": _gate(STORIES / "ferry-2039", 0.74, 0.0),
    "militia-2040": _gate(STORIES / "militia-2040", 0.71, 0.0),
    "depot-2041": _gate(STORIES / "depot-2041", 0.84, 0.0),
    # written and annotated before the reading work of issue 11, first run after it (EVALUATION.md)
    "magat-2042": _gate(STORIES / "magat-2042", 0.71, 0.0),
    "nara-2043": _gate(STORIES / "nara-2043", 0.66, 0.0),
    "trujillo-2044": _gate(STORIES / "trujillo-2044", 0.70, 0.0),
}


@pytest.mark.parametrize("name", sorted(GATES))
def test_score_gate(name: str, tmp_path: Path) -> None:
    folder, gold, overall, part_floor = GATES[name]
    if not SCORER.exists() or not folder.exists():
        pytest.skip("../shared (scorer or corpus) is not present")
    with Ledger.open(tmp_path / "l.db") as ledger:
        add_sources(ledger, [str(folder)])
        data = export_ledger(ledger)
    export = tmp_path / "l.json"
    export.write_text(json.dumps(data), encoding="utf-8")
    out = subprocess.run(
        [sys.executable, str(SCORER), str(export), str(gold), "--json"], capture_output=True, text=True, check=True
    )
    result = json.loads(out.stdout)
    low = {part: value for part, value in result["parts"].items() if value < part_floor}
    assert result["score"] >= overall, (result["score"], result["notes"])
    assert not low, (low, result["notes"])
