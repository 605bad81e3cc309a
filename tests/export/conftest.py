"""A small ledger for the export tests: hand-written reports (a flood and a farmers' protest in
invented places) plus the examples/ folder, analysed once per test session."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from crosscheck.api import add_sources
from crosscheck.export.json import export_ledger
from crosscheck.ledger import Ledger

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"

REPORTS = {
    "valley": (
        "Valley Courier",
        "2031-05-12",
        "https://valley-courier.example/2031/05/12/flood",
        "Floodwaters force thousands from homes near Cusco\n\n"
        "At least 12 people were killed when the Vilcanota river burst its banks near Cusco on "
        "Sunday, the regional civil defence office said. The Red Cross said 3,400 families had "
        "been displaced.\n\n"
        "Ana Torres, a spokeswoman for the Red Cross, said rescue teams had reached the town of "
        "Pisac.\n",
    ),
    "farmers": (
        "Highland Post",
        "2031-05-14",
        None,
        "Farmers block highway as protest over water rights grows\n\n"
        "Hundreds of farmers protested in Arequipa on Tuesday against a dam project, the Highland "
        "Farmers Federation said. Police fired tear gas at the protesters and arrested 25 people, "
        "according to the Ombudsman's Office.\n\n"
        "Luis Mamani, the leader of the Highland Farmers Federation, said the protests would "
        "continue. "
        "The Interior Ministry denied that police had used excessive force.\n",
    ),
    "wire": (
        "Andes Wire",
        "2031-05-15",
        "https://andes-wire.example/flood-toll",
        "Flood toll rises to 15\n\n"
        "The death toll from the floods near Cusco rose to 15, the regional civil defence office "
        "said on Wednesday. At least 12 were killed on Sunday alone, officials said.\n",
    ),
}


def write_reports(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, (outlet, published, url, text) in REPORTS.items():
        (folder / f"{name}.txt").write_text(text, encoding="utf-8")
        meta = {"outlet": outlet, "published": published, "language": "en", "url": url}
        (folder / f"{name}.meta.json").write_text(json.dumps({k: v for k, v in meta.items() if v}), encoding="utf-8")
    return folder


@pytest.fixture(scope="session")
def export_ledger_path(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    root = tmp_path_factory.mktemp("export")
    path = root / "ledger.db"
    with Ledger.open(path) as ledger:
        summary = add_sources(ledger, [str(write_reports(root / "reports")), str(EXAMPLES)])
        assert summary.added >= 3 and summary.failed == 0
    yield path


@pytest.fixture(scope="session")
def export_data(export_ledger_path: Path) -> dict[str, Any]:
    """The whole ledger as `export_ledger` gives it."""
    with Ledger.open(export_ledger_path, readonly=True) as ledger:
        return export_ledger(ledger)
