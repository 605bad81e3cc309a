"""The CLI: add (stdin, options, re-adding), docs, show, search, export, stats, check, and the
example corpus of issue 2 scored by ../shared/tools/score.py."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from helpers import ledger_rows

ROOT = Path(__file__).resolve().parents[1]

FERRY = (
    "Ferry services to the northern islands resumed on Friday after a three-day storm, the "
    "port authority in Esker Bay said, adding that 14 crossings had been cancelled."
)
STRIKE = (
    "Teachers in the province of Zarentsi began an indefinite strike on Monday over pay, "
    "closing more than 200 schools, according to the teachers' union."
)


@pytest.fixture
def ledger(tmp_path: Path, cli: Any) -> Path:
    path = tmp_path / "ledger.db"
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "ferry.txt").write_text(FERRY)
    (folder / "ferry.meta.json").write_text(json.dumps({"outlet": "Harbour News", "published": "2031-06-06"}))
    (folder / "strike.md").write_text(f"---\noutlet: Zarentsi Today\nlanguage: en\n---\n{STRIKE}\n")
    result = cli("--ledger", path, "add", "--no-analyse", folder)
    assert result.code == 0, result
    assert "added 2, duplicates 0, near-duplicates 0, skipped 0, failed 0" in result.out
    return path


def test_cli_add_again_changes_nothing(ledger: Path, tmp_path: Path, cli: Any) -> None:
    before = ledger_rows(ledger, "SELECT id || added_at FROM documents ORDER BY id")
    result = cli("--ledger", ledger, "add", "--no-analyse", tmp_path / "in")
    assert result.code == 0
    assert result.err.count("already in the ledger") == 2
    assert "added 0, duplicates 2" in result.out
    assert ledger_rows(ledger, "SELECT id || added_at FROM documents ORDER BY id") == before


def test_cli_docs_json(ledger: Path, cli: Any) -> None:
    rows = json.loads(cli("--ledger", ledger, "docs", "--json").out)
    assert [(r["outlet"], r["published"], r["language"], r["origin"]) for r in rows] == [
        ("Harbour News", "2031-06-06", "en", "in/ferry.txt"),
        ("Zarentsi Today", None, "en", "in/strike.md"),
    ]
    assert set(rows[0]) >= {"id", "outlet", "published", "language", "title", "duplicate_of"}


def test_cli_docs_table(ledger: Path, cli: Any) -> None:
    out = cli("--ledger", ledger, "docs").out
    assert "Harbour" in out and "Zarentsi" in out and "2031-06" in out  # cells wrap


def test_cli_show(ledger: Path, cli: Any) -> None:
    result = cli("--ledger", ledger, "show", "in/ferry.txt")
    assert result.code == 0
    assert "Harbour News" in result.out and "three-day storm" in result.out
    data = json.loads(cli("--ledger", ledger, "show", "ferry.txt", "--json").out)[0]
    assert data["text"] == FERRY
    missing = cli("--ledger", ledger, "show", "no-such-doc")
    assert missing.code == 1 and "no-such-doc: no such document" in missing.err


def test_cli_search(ledger: Path, cli: Any) -> None:
    hits = json.loads(cli("--ledger", ledger, "search", "indefinite strike", "--json").out)
    assert len(hits) == 1 and hits[0]["outlet"] == "Zarentsi Today"
    assert "[indefinite]" in hits[0]["snippet"]
    assert json.loads(cli("--ledger", ledger, "search", "volcano", "--json").out) == []


def test_cli_stats(ledger: Path, cli: Any) -> None:
    stats = {r["what"]: r["count"] for r in json.loads(cli("--ledger", ledger, "stats", "--json").out)}
    assert stats["documents"] == 2 and stats["near-duplicates"] == 0 and stats["language en"] == 2


def test_cli_check(ledger: Path, cli: Any) -> None:
    result = cli("--ledger", ledger, "check")
    assert (result.code, result.out.strip()) == (0, "ok")


def test_cli_export_json_validates(ledger: Path, tmp_path: Path, cli: Any, shared: Path) -> None:
    jsonschema = pytest.importorskip("jsonschema")
    out = tmp_path / "ledger.json"
    assert cli("--ledger", ledger, "export", "--format", "json", "-o", out).code == 0
    data = json.loads(out.read_text())
    jsonschema.validate(data, json.loads((shared / "contract" / "ledger.schema.json").read_text()))
    assert len(data["documents"]) == 2
    assert {d["origin"] for d in data["documents"]} == {"in/ferry.txt", "in/strike.md"}
    stdout = json.loads(cli("--ledger", ledger, "export").out)
    assert stdout == data


def test_cli_export_csv(ledger: Path, tmp_path: Path, cli: Any) -> None:
    folder = tmp_path / "csv"
    assert cli("--ledger", ledger, "export", "--format", "csv", "-o", folder).code == 0
    text = (folder / "documents.csv").read_text()
    assert "Harbour News" in text and text.count("\n") >= 3
    assert cli("--ledger", ledger, "export", "--format", "xml").code == 2


def test_cli_add_stdin_with_options(tmp_path: Path, cli: Any) -> None:
    path = tmp_path / "ledger.db"
    result = cli(
        "--ledger",
        path,
        "add",
        "--no-analyse",
        "--outlet",
        "Piped Press",
        "--published",
        "2031-07-01",
        "--title",
        "Ferries resume",
        "--url",
        "https://piped.example/1",
        "--language",
        "en",
        "-",
        stdin=FERRY.encode("utf-8"),
    )
    assert result.code == 0, result
    row = json.loads(cli("--ledger", path, "show", "stdin", "--json").out)[0]
    assert (row["outlet"], row["published"], row["title"], row["url"], row["language"], row["origin"]) == (
        "Piped Press",
        "2031-07-01",
        "Ferries resume",
        "https://piped.example/1",
        "en",
        "stdin",
    )


def test_cli_options_override_sidecar_and_front_matter(tmp_path: Path, cli: Any) -> None:
    path = tmp_path / "ledger.db"
    md = tmp_path / "a.md"
    md.write_text(f"---\noutlet: Front\npublished: 2031-01-01\n---\n{FERRY}\n")
    (tmp_path / "a.meta.json").write_text(json.dumps({"outlet": "Sidecar", "published": "2031-02-02"}))
    assert cli("--ledger", path, "add", "--no-analyse", "--outlet", "Cli", md).code == 0
    row = json.loads(cli("--ledger", path, "docs", "--json").out)[0]
    assert (row["outlet"], row["published"]) == ("Cli", "2031-02-02")


def test_cli_ledger_from_environment(tmp_path: Path, cli: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CROSSCHECK_LEDGER", str(tmp_path / "env.db"))
    assert cli("add", "--no-analyse", "-", stdin=STRIKE.encode()).code == 0
    assert ledger_rows(tmp_path / "env.db", "SELECT count(*) FROM documents") == [1]


def test_cli_module_entry_point() -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    result = subprocess.run(
        [sys.executable, "-m", "crosscheck", "--help"], capture_output=True, text=True, env=env, timeout=60
    )
    assert result.returncode == 0
    for command in ("add", "docs", "show", "search", "export", "stats", "check"):
        assert command in result.stdout


def test_cli_corpus_documents(tmp_path: Path, cli: Any, shared: Path) -> None:
    """Issue 2: the example corpus gives 10 documents (the feed 3), the `documents` part of
    score.py is 1.0, and re-adding changes nothing."""
    corpus = shared / "corpus" / "iran-2026"
    score = shared / "tools" / "score.py"
    if not corpus.is_dir() or not score.is_file():
        pytest.skip("corpus or score.py not present")
    path = tmp_path / "ledger.db"
    result = cli("--ledger", path, "add", "--no-analyse", corpus)
    assert result.code == 0, result
    assert "added 10," in result.out
    assert ledger_rows(path, "SELECT count(*) FROM documents WHERE origin LIKE '%.xml#%'") == [3]
    out = tmp_path / "ledger.json"
    assert cli("--ledger", path, "export", "-o", out).code == 0
    scored = subprocess.run(
        [sys.executable, str(score), str(out), str(corpus / "gold.json")], capture_output=True, text=True, timeout=120
    )
    match = re.search(r"^documents\s+([\d.]+)$", scored.stdout, re.M)
    assert match and float(match.group(1)) == 1.0, scored.stdout[-3000:]
    before = out.read_text()
    again = cli("--ledger", path, "add", "--no-analyse", corpus)
    assert "added 0, duplicates 10" in again.out
    assert cli("--ledger", path, "export", "-o", out).code == 0
    assert out.read_text() == before


def test_cli_copy_of_corpus_folder_is_relative(tmp_path: Path, cli: Any, shared: Path) -> None:
    corpus = shared / "corpus" / "iran-2026"
    if not corpus.is_dir():
        pytest.skip("corpus not present")
    copy = tmp_path / "reports"
    shutil.copytree(corpus, copy)
    path = tmp_path / "ledger.db"
    cli("--ledger", path, "add", "--no-analyse", copy)
    origins = ledger_rows(path)
    assert origins and all(o.startswith("reports/") for o in origins)
