"""A small ledger about an invented story (floods in a made-up country), with hostile text."""

from __future__ import annotations

from pathlib import Path

import pytest

HOSTILE = "<script>alert(1)</script> <img src=x onerror=alert(2)> [link](javascript:alert(3))"

REPORTS = {
    "r1-valley.md": """---
outlet: Valley Herald
url: https://valleyherald.example/floods/day-two
title: "Floods in Norvania <script>alert('t')</script>"
published: 2031-03-02
language: en
---

Floodwaters swept through the river town of Eastmere on Monday. At least 40 people have been killed,
the Norvanian Red Cross said on Monday. The Interior Ministry said 1,200 people were displaced.
A spokesman for the Delta Power Company declined to comment.
""",
    "r2-coast.md": """---
outlet: Coastal Times
url: javascript:alert(document.cookie)
title: Flood toll rises
published: 2031-03-04
language: en
---

At least 55 people have been killed in the floods, the Norvanian Red Cross said on Wednesday.
Residents said the dam at Eastmere failed before dawn. The Interior Ministry denied that the dam failed.
The ministry said <script>alert(1)</script> that 2,000 people were displaced. <img src=x onerror=alert(2)>
""",
    "r3-wire.md": """---
outlet: North Wire
url: https://northwire.example/a?b=1&c="2"
title: Norvania floods
published: 2031-03-05
language: en
---

Some 60 people have been killed, the Norvanian Red Cross said on Thursday. Residents said the dam failed
before dawn, and engineers said the dam failed after heavy rain. The Delta Power Company has not commented.
""",
}


@pytest.fixture(scope="session")
def flood_ledger(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from crosscheck.api import add_sources
    from crosscheck.ingest import IngestOptions
    from crosscheck.ledger import Ledger

    folder = tmp_path_factory.mktemp("reports")
    for name, text in REPORTS.items():
        (folder / name).write_text(text, encoding="utf-8")
    path = folder.parent / "flood.db"
    with Ledger.open(path) as ledger:
        add_sources(ledger, [str(folder)], IngestOptions(), analyse=True)
    return path


@pytest.fixture(scope="session")
def demo_ledger(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The ledger `make demo` builds from examples/ (skips when examples/ is absent)."""
    from crosscheck.api import add_sources
    from crosscheck.ingest import IngestOptions
    from crosscheck.ledger import Ledger

    examples = Path(__file__).resolve().parents[2] / "examples"
    if not examples.is_dir():
        pytest.skip("examples/ is not present")
    path = tmp_path_factory.mktemp("demo") / "demo.db"
    with Ledger.open(path) as ledger:
        add_sources(ledger, [str(examples)], IngestOptions(), analyse=True)
    return path


@pytest.fixture(scope="session")
def flood_reports() -> dict[str, str]:
    """The flood story's reports, by file name."""
    return dict(REPORTS)
