"""Every kind of bad input: one line on stderr naming the input and the problem, the rest of
the batch goes on, the exit code is non-zero, and nothing already in the ledger is lost."""

from __future__ import annotations

import os
import random
import resource
import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from helpers import CliResult, ledger_rows

BEFORE = (
    "Harbour workers in Port Amsel walked out on Monday over unpaid wages, halting ferry "
    "traffic to the islands, the dockers' union said in a statement."
)
FIRST = (
    "Flood waters rose overnight in the river town of Velmora, forcing about 300 families "
    "from their homes, the regional emergency service said on Tuesday."
)
LAST = (
    "A magnitude 5.8 earthquake shook the mountain province of Karsal early on Wednesday, "
    "damaging dozens of houses, according to the national seismology institute."
)

BOMB = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<rss version="2.0"><channel><title>&lol9;</title>
<item><title>&lol9;</title><link>https://bomb.example/1</link><description>&lol9;</description></item>
</channel></rss>
"""


@dataclass
class Batch:
    ledger: Path
    first: Path
    last: Path
    tmp: Path
    cli: Any

    def add(self, *sources: object, options: tuple[str, ...] = ()) -> CliResult:
        """`add` the good first file, the given sources, then the good last file."""
        return self.cli("--ledger", self.ledger, "add", "--no-analyse", *options, self.first, *sources, self.last)

    def origins(self) -> list[str]:
        return ledger_rows(self.ledger)


@pytest.fixture
def batch(tmp_path: Path, cli: Any) -> Batch:
    """A ledger already holding one report, and two good reports to put around a bad one."""
    ledger = tmp_path / "ledger.db"
    before = tmp_path / "before.txt"
    before.write_text(BEFORE, encoding="utf-8")
    assert cli("--ledger", ledger, "add", "--no-analyse", before).code == 0
    (tmp_path / "good").mkdir()
    first, last = tmp_path / "good" / "first.txt", tmp_path / "good" / "last.txt"
    first.write_text(FIRST, encoding="utf-8")
    last.write_text(LAST, encoding="utf-8")
    return Batch(ledger, first, last, tmp_path, cli)


def refused(batch: Batch, result: CliResult, name: str, problem: str) -> str:
    """The batch failed with one stderr line naming `name` and `problem`, and the ledger holds
    the earlier report plus both good ones."""
    assert result.code == 1, result
    lines = [line for line in result.error_lines() if name in line]
    assert len(lines) == 1, result.err
    assert problem in lines[0], lines[0]
    origins = batch.origins()
    assert len(origins) == 3, origins
    assert origins[0].endswith("before.txt")
    assert {Path(o).name for o in origins[1:]} == {"first.txt", "last.txt"}
    assert "failed 1" in result.out
    return lines[0]


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def test_ingest_missing_file(batch: Batch) -> None:
    missing = batch.tmp / "nowhere" / "report.txt"
    refused(batch, batch.add(missing), "report.txt", "no such file or directory")


def test_ingest_directory_without_reports(batch: Batch) -> None:
    folder = batch.tmp / "photos"
    folder.mkdir()
    (folder / "flood.png").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(200))
    (folder / "notes.json").write_text('{"a": 1}')
    (folder / "only.meta.json").write_text('{"outlet": "Nobody"}')
    result = batch.add(folder)
    refused(batch, result, "photos", "no readable reports")
    assert "skipped 2" in result.out


def test_ingest_binary_file(batch: Batch) -> None:
    scan = batch.tmp / "scan.txt"
    scan.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 20)
    refused(batch, batch.add(scan), "scan.txt", "binary file")


def test_ingest_unsupported_type_named_explicitly(batch: Batch) -> None:
    archive = batch.tmp / "bundle.zip"
    archive.write_bytes(b"PK\x03\x04" + bytes(100))
    refused(batch, batch.add(archive), "bundle.zip", "unsupported file type '.zip'")


def test_ingest_random_bytes_refused(batch: Batch) -> None:
    noise = batch.tmp / "noise.txt"
    rng = random.Random(7)
    noise.write_bytes(bytes(rng.choice(range(1, 256)) for _ in range(6000)))
    line = refused(batch, batch.add(noise), "noise.txt", "noise.txt: ")
    assert "binary file" in line or "cannot decode" in line


def test_ingest_broken_utf16_refused(batch: Batch) -> None:
    broken = batch.tmp / "broken.txt"
    broken.write_bytes(b"\xff\xfe" + "Storm warning".encode("utf-16-le") + b"\x00\xd8")
    refused(batch, batch.add(broken), "broken.txt", "invalid UTF-16")


@pytest.mark.parametrize(
    ("encoding", "text"),
    [
        ("cp1252", "Le maire de Besançon a annoncé « la fermeture des écoles » — coût : 40 000 €."),
        ("latin-1", "Die Bürgermeisterin von Köln äußerte sich zur Überschwemmung: Straßen gesperrt."),
        ("cp1250", "Rząd w Warszawie ogłosił stan klęski żywiołowej po powodzi na południu kraju."),
        ("cp1251", "Правительство объявило режим чрезвычайной ситуации после наводнения на юге."),
    ],
)
def test_ingest_legacy_encoding_decoded(batch: Batch, encoding: str, text: str) -> None:
    legacy = batch.tmp / f"legacy-{encoding}.txt"
    legacy.write_bytes(text.encode(encoding))
    result = batch.add(legacy)
    assert result.code == 0, result
    assert result.error_lines() == []
    stored = ledger_rows(batch.ledger, "SELECT text FROM documents WHERE origin LIKE '%/legacy-%'")
    assert stored == [text]
    assert len(batch.origins()) == 4


@pytest.mark.parametrize("content", [b"", b"  \n\n\t \r\n"])
def test_ingest_empty_file(batch: Batch, content: bytes) -> None:
    empty = batch.tmp / "empty.md"
    empty.write_bytes(content)
    refused(batch, batch.add(empty), "empty.md", "empty file")


def test_ingest_html_without_main_text(batch: Batch) -> None:
    page = batch.tmp / "shell.html"
    page.write_text(
        '<html><head><title>Daily Courier</title><meta property="og:site_name" content="Daily Courier">'
        '</head><body><nav><a href="/">Home</a> <a href="/world">World</a></nav>'
        '<div id="cookies">We use cookies. <button>Accept</button></div>'
        "<script>window.track = {page: 1};</script></body></html>",
        encoding="utf-8",
    )
    refused(batch, batch.add(page), "shell.html", "HTML page has no main text")


def test_ingest_html_nav_only_not_taken_as_text(batch: Batch) -> None:
    page = batch.tmp / "menu.html"
    page.write_text('<html><body><nav><a href="/">Home</a></nav></body></html>', encoding="utf-8")
    refused(batch, batch.add(page), "menu.html", "no main text")


def test_ingest_huge_file_refused_without_reading(batch: Batch) -> None:
    huge = batch.tmp / "huge.txt"
    with huge.open("wb") as fh:
        fh.truncate(200 * 1024 * 1024)
    peak = _peak_mb()
    start = time.perf_counter()
    result = batch.add(huge)
    assert time.perf_counter() - start < 10
    refused(batch, result, "huge.txt", "over the 10 MB cap")
    assert _peak_mb() - peak < 50


def test_ingest_endless_file_refused_unread(batch: Batch) -> None:
    """A file whose size says nothing (a device behind a symlink) is refused before any read."""
    if not Path("/dev/zero").exists():
        pytest.skip("no /dev/zero")
    endless = batch.tmp / "endless.txt"
    endless.symlink_to("/dev/zero")
    refused(
        batch, batch.add(endless, options=("--max-mb", "1")), "endless.txt", "not a regular file (a character device)"
    )


def test_ingest_malformed_xml(batch: Batch) -> None:
    feed = batch.tmp / "broken.xml"
    feed.write_text(
        '<?xml version="1.0"?><rss version="2.0"><channel><title>Wire</title>'
        "<item><title>Dam breach</item></channel></rss>",
        encoding="utf-8",
    )
    refused(batch, batch.add(feed), "broken.xml", "malformed XML")


def test_ingest_xml_that_is_not_a_feed(batch: Batch) -> None:
    note = batch.tmp / "note.xml"
    note.write_text('<?xml version="1.0"?><note><to>desk</to></note>', encoding="utf-8")
    refused(batch, batch.add(note), "note.xml", "not an RSS or Atom feed")


def test_ingest_billion_laughs_not_expanded(batch: Batch) -> None:
    bomb = batch.tmp / "bomb.rss"
    bomb.write_bytes(BOMB)
    peak = _peak_mb()
    start = time.perf_counter()
    result = batch.add(bomb)
    assert time.perf_counter() - start < 5
    refused(batch, result, "bomb.rss", "entity bomb")
    assert _peak_mb() - peak < 50
    assert "lollol" not in " ".join(ledger_rows(batch.ledger, "SELECT text FROM documents"))


def test_ingest_billion_laughs_on_stdin(batch: Batch) -> None:
    result = batch.cli("--ledger", batch.ledger, "add", "--no-analyse", "-", stdin=BOMB)
    assert result.code == 1
    assert any(line.startswith("error: stdin:") and "entity" in line for line in result.error_lines())
    assert len(batch.origins()) == 1


def test_ingest_external_entity_refused(batch: Batch) -> None:
    xxe = batch.tmp / "xxe.xml"
    xxe.write_text(
        '<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        "<rss><channel><title>&x;</title><item><title>a</title></item></channel></rss>"
    )
    refused(batch, batch.add(xxe), "xxe.xml", "refused")
    assert "root:" not in " ".join(ledger_rows(batch.ledger, "SELECT text FROM documents"))


def test_ingest_feed_with_10000_items(tmp_path: Path, cli: Any) -> None:
    items = "".join(
        f"<item><title>Shelter update {i}</title><link>https://relief.example/u/{i}</link>"
        f"<pubDate>Tue, 04 Mar 2031 {i % 24:02d}:{i % 60:02d}:00 GMT</pubDate>"
        f"<description>&lt;p&gt;Shelter {i} in district {i % 97} now houses {i * 7 % 1000} "
        f"people and needs {i % 13} more water tanks.&lt;/p&gt;</description></item>"
        for i in range(10_000)
    )
    feed = tmp_path / "relief.rss"
    feed.write_text(
        '<?xml version="1.0"?><rss version="2.0"><channel><title>Relief Desk</title>'
        f"<language>en</language>{items}</channel></rss>",
        encoding="utf-8",
    )
    ledger = tmp_path / "ledger.db"
    result = cli("--ledger", ledger, "add", "--no-analyse", feed)
    assert result.code == 0, result.err[-2000:]
    assert "added 10000" in result.out
    assert ledger_rows(ledger, "SELECT count(*) FROM documents") == [10_000]
    assert ledger_rows(ledger, "SELECT count(DISTINCT outlet) FROM documents") == [1]


# -- URLs ---------------------------------------------------------------------------------


def test_ingest_unreachable_url(batch: Batch) -> None:
    import socket

    with socket.socket() as sock:  # a loopback port that nothing listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    url = f"http://127.0.0.1:{port}/report"
    refused(batch, batch.add(url, options=("--allow-private",)), url, "cannot fetch")


@pytest.mark.parametrize(("url", "scheme"), [("file:///etc/hostname", "file"), ("ftp://127.0.0.1/report.txt", "ftp")])
def test_ingest_url_scheme_refused(batch: Batch, url: str, scheme: str) -> None:
    refused(batch, batch.add(url, options=("--allow-private",)), url, f"scheme '{scheme}' refused")


def test_ingest_loopback_url_refused_then_allowed(batch: Batch, server: Any) -> None:
    url = server.route("/story.txt", FIRST.replace("Velmora", "Lutovo"), Content_Type="text/plain")
    line = refused(batch, batch.add(url), url, "loopback")
    assert "--allow-private" in line
    assert server.hits == []  # refused before any request
    result = batch.add(url, options=("--allow-private",))
    assert result.code == 0, result
    assert server.hits == ["/story.txt"]
    assert url in batch.origins()


def test_ingest_redirect_followed_with_allow_private(batch: Batch, server: Any) -> None:
    target = server.route(
        "/final.html",
        "<html><head><title>Ferry capsizes off Halvik</title></head><body>"
        "<article><p>" + LAST.replace("Karsal", "Halvik") * 3 + "</p></article></body></html>",
        Content_Type="text/html; charset=utf-8",
    )
    start = server.redirect("/moved", target)
    refused(batch, batch.add(start), start, "loopback")
    result = batch.add(start, options=("--allow-private",))
    assert result.code == 0, result
    assert server.hits == ["/moved", "/final.html"]
    url = ledger_rows(batch.ledger, f"SELECT url FROM documents WHERE origin = '{start}'")
    assert url == [target]


def test_ingest_redirect_loop_stops(batch: Batch, server: Any) -> None:
    loop = server.redirect("/loop", "/loop")
    refused(batch, batch.add(loop, options=("--allow-private",)), loop, "more than 5 redirects")
    assert len(server.hits) == 6


def test_ingest_response_over_cap(batch: Batch, server: Any) -> None:
    url = server.route("/big.txt", b"word " * 300_000, Content_Type="text/plain")
    refused(batch, batch.add(url, options=("--allow-private", "--max-mb", "1")), url, "over the 1 MB cap")


# -- the ledger itself --------------------------------------------------------------------


def test_ledger_path_in_missing_directory(tmp_path: Path, cli: Any) -> None:
    target = tmp_path / "absent" / "ledger.db"
    report = tmp_path / "a.txt"
    report.write_text(FIRST)
    result = cli("--ledger", target, "add", "--no-analyse", report)
    assert result.code == 3
    assert result.error_lines() == [f"crosscheck: {target}: directory {target.parent} does not exist"]
    assert not target.parent.exists()


@pytest.mark.parametrize("content", [b"these are my notes, not a database\n" * 20, os.urandom(4096)])
def test_ledger_file_not_sqlite(tmp_path: Path, cli: Any, content: bytes) -> None:
    target = tmp_path / "notes.db"
    target.write_bytes(content)
    report = tmp_path / "a.txt"
    report.write_text(FIRST)
    for args in (("add", "--no-analyse", report), ("docs",), ("check",)):
        result = cli("--ledger", target, *args)
        assert result.code == 3, args
        assert len(result.error_lines()) == 1
        assert result.error_lines()[0].startswith(f"crosscheck: {target}: not a crosscheck ledger")
    assert target.read_bytes() == content
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.txt", "notes.db"]


def test_ledger_sqlite_file_of_another_program(tmp_path: Path, cli: Any) -> None:
    target = tmp_path / "other.db"
    conn = sqlite3.connect(target)
    conn.execute("CREATE TABLE contacts (name TEXT)")
    conn.commit()
    conn.close()
    result = cli("--ledger", target, "add", "--no-analyse", "-", stdin=FIRST.encode())
    assert result.code == 3
    assert "not a crosscheck ledger" in result.err
    assert ledger_rows(target, "SELECT name FROM sqlite_master") == ["contacts"]


def test_ledger_from_newer_schema(batch: Batch) -> None:
    conn = sqlite3.connect(batch.ledger)
    conn.execute("INSERT INTO _migrations VALUES ('9999_from_the_future', '2040-01-01')")
    conn.commit()
    conn.close()
    for args in (("add", "--no-analyse", batch.first), ("docs", "--json"), ("check",)):
        result = batch.cli("--ledger", batch.ledger, *args)
        assert result.code == 3, (args, result)
        assert result.error_lines() == [
            f"crosscheck: {batch.ledger}: written by a newer crosscheck (unknown migration "
            "9999_from_the_future); upgrade crosscheck to open it"
        ]
    assert [Path(o).name for o in batch.origins()] == ["before.txt"]
