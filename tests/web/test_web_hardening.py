"""Issue 14 hardening of the web app: the URL field never reads the server's files, malformed or
huge parameters answer 400, upload names are checked early, job messages hold no server paths,
and job folders do not outlive the server. Also the CLI side: `changes`, `undo`, `serve --token`."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from test_web_app import csrf_of

from crosscheck.web.jobs import JobRunner

SECRET = "The minister said 41 people were secretly detained in the north. " * 3


def _docs(client: Any) -> int:
    return len(client.get("/api/documents").json())


def _local_sources(tmp_path: Path) -> list[str]:
    report = tmp_path / "server-secret.txt"
    report.write_text(SECRET, encoding="utf-8")
    folder = tmp_path / "folder"
    folder.mkdir()
    (folder / "inside.txt").write_text(SECRET, encoding="utf-8")
    return [
        str(report),
        str(folder),
        str(tmp_path / "missing.txt"),
        "-",
        f"file://{report}",
        f"FILE://{report}",
        "file:///etc/passwd",
        "server-secret.txt",
        "http:/etc/passwd",
        "http://",
        "https:///etc/passwd",
        "ftp://example.org/report.txt",
        "javascript:alert(1)",
        "http://exa mple.org/",
    ]


def test_web_url_field_refuses_local_paths_in_the_json_api(
    make_client: Callable[..., Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    client = make_client(analyse=False)
    monkeypatch.chdir(tmp_path)  # so the bare name "server-secret.txt" would exist for the reader too
    before = _docs(client)
    details = set()
    for source in _local_sources(tmp_path):
        got = client.post("/api/add", json={"url": source})
        assert got.status_code == 400, (source, got.status_code, got.text)
        details.add(got.json()["detail"])
        assert client.app.state.jobs.jobs == {}, source  # no job was queued at all
    assert len(details) == 1  # one message: an existing path and a missing one answer alike
    assert str(tmp_path) not in details.pop()
    assert _docs(client) == before


def test_web_url_field_refuses_local_paths_in_the_form(
    make_client: Callable[..., Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    client = make_client(analyse=False)
    monkeypatch.chdir(tmp_path)
    token = csrf_of(client)
    before = _docs(client)
    bodies = set()
    for source in _local_sources(tmp_path):
        got = client.post("/add", data={"csrf": token, "url": source})
        assert got.status_code == 400, (source, got.status_code)
        bodies.add(got.text)
        # a file upload next to a bad URL does not make the URL acceptable
        with_file = client.post(
            "/add", data={"csrf": token, "url": source}, files={"file": ("a.txt", b"Text.", "text/plain")}
        )
        assert with_file.status_code == 400, source
    assert len(bodies) == 1
    assert str(tmp_path) not in bodies.pop()
    assert client.app.state.jobs.jobs == {}
    assert _docs(client) == before


def test_web_job_runner_never_takes_a_local_path(tmp_path: Path) -> None:
    runner = JobRunner(str(tmp_path / "l.db"), threading.Lock(), allow_private=False, max_bytes=1000, analyse=False)
    try:
        for source in ("-", str(tmp_path), "file:///etc/passwd", "relative/path.txt"):
            with pytest.raises(ValueError):
                runner.submit_url(source, {})
        assert runner.jobs == {}
    finally:
        runner.shutdown()


def test_web_fetchable_url_keeps_only_absolute_http() -> None:
    from crosscheck.web.security import fetchable_url

    assert fetchable_url(" https://example.org/a?b=1 ") == "https://example.org/a?b=1"
    assert fetchable_url("HTTP://Example.org:8080/x") == "HTTP://Example.org:8080/x"
    for bad in (
        "",
        "-",
        "/etc/passwd",
        "file:///etc/passwd",
        "http://",
        "http://:80/",
        "http://a b/",
        "http://x:99999/",
    ):
        assert fetchable_url(bad) is None, bad


def test_web_url_fetch_still_refuses_private_addresses(make_client: Callable[..., Any]) -> None:
    client = make_client(analyse=False)
    got = client.post("/api/add", json={"url": "http://10.0.0.1:9/report.html"})
    assert got.status_code == 202
    runner = client.app.state.jobs
    job = runner.wait(runner.get(got.json()["id"]), 20)
    assert job.state == "failed" and job.added == 0


@pytest.mark.parametrize("since", ["999999d", "99999999999999999999w", "9" * 40, "2026-99-99", "x"])
def test_web_changes_since_malformed_is_400(make_client: Callable[..., Any], since: str) -> None:
    client = make_client()
    got = client.get("/api/changes", params={"since": since})
    assert got.status_code == 400, got.text
    assert since[:10] in got.json()["detail"]
    page = client.get("/changes", params={"since": since})
    assert page.status_code == 200 and ("not a date" in page.text or "too far" in page.text)


def test_web_undo_judgement_malformed_is_400(make_client: Callable[..., Any]) -> None:
    client = make_client()
    token = csrf_of(client)
    pair = [e["id"] for e in client.get("/api/entities").json()][:2]  # any two different actors
    assert client.post("/api/corrections/merge-entities", json={"a": pair[0], "b": pair[1]}).status_code == 200
    for value in (10**23, 2**63, 0, -1):
        got = client.post("/api/corrections/undo", json={"judgement": value})
        assert got.status_code == 400 and "not a judgement id" in got.json()["detail"], got.text
    for wrong in (1e23, "1e23", "abc"):  # not an integer at all: the schema's 422, with its reason
        assert client.post("/api/corrections/undo", json={"judgement": wrong}).status_code == 422
    for raw in ("1e23", "1" * 30, "abc", "²", "-1", "0"):
        got = client.post("/corrections/undo", data={"csrf": token, "judgement": raw})
        assert got.status_code == 400, (raw, got.status_code)
    # nothing above undid the merge (a malformed id used to undo the latest correction)
    assert client.get("/api/judgements").json()[0]["undone"] is False


def test_web_upload_names_checked_early(make_client: Callable[..., Any]) -> None:
    client = make_client(analyse=False)
    token = csrf_of(client)
    for name in (".txt", "..txt", "_.md", "dir/.txt", ". .html"):
        got = client.post("/add", data={"csrf": token}, files={"file": (name, b"Some report text.", "text/plain")})
        assert got.status_code == 400, (name, got.status_code)
        assert "/tmp" not in got.text and "crosscheck-web" not in got.text
    assert client.app.state.jobs.jobs == {}


def test_web_job_messages_hold_no_server_paths(
    make_client: Callable[..., Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    import crosscheck.api

    client = make_client(analyse=False)
    runner = client.app.state.jobs
    bad = runner.submit_file("bad.jsonl", b"{not json}\n", {})
    runner.wait(bad, 20)
    assert bad.state == "failed" and bad.errors, bad

    def unreadable(ledger: object, sources: list[str], *args: object, **kwargs: object) -> None:
        raise PermissionError(13, "Permission denied", sources[0])

    monkeypatch.setattr(crosscheck.api, "add_sources", unreadable)
    job = runner.submit_file("locked.txt", b"Some text.", {})
    runner.wait(job, 20)
    assert job.state == "failed" and job.errors, job
    for message in [*bad.errors, *job.errors, job.label]:
        assert "crosscheck-web" not in message and "/tmp" not in message and runner.path not in message, message


def test_web_job_folders_removed_after_each_job_and_on_shutdown(tmp_path: Path) -> None:
    lock = threading.Lock()
    runner = JobRunner(str(tmp_path / "l.db"), lock, allow_private=False, max_bytes=10_000, analyse=False)
    done = runner.submit_text("The mayor said the bridge was closed.", {})
    runner.wait(done, 30)
    assert done.state == "done", done
    assert not any(runner.folder.iterdir())  # the job's folder went with it
    with lock:  # hold the writer: the first job waits on the lock, the others stay queued
        first = runner.submit_text("The mayor said the road was closed.", {})
        queued = [runner.submit_file(f"r{i}.txt", b"The police said the port was shut.", {}) for i in range(3)]
        end = time.monotonic() + 10
        while first.state != "running" and time.monotonic() < end:
            time.sleep(0.02)
        assert len(list(runner.folder.iterdir())) == 4
        runner.shutdown(wait=False)
        assert [j.state for j in queued] == ["cancelled"] * 3
        assert len(list(runner.folder.iterdir())) == 1  # only the running job's folder is left
    runner.shutdown()
    assert first.state == "done"
    assert not runner.folder.exists()


def test_web_app_shutdown_cleans_job_folders(ledger_path: Path) -> None:
    from fastapi.testclient import TestClient

    from crosscheck.web.app import create_app

    app = create_app(ledger_path, analyse=False)
    runner = app.state.jobs
    with TestClient(app, base_url="http://127.0.0.1"):  # leaving it runs the app's shutdown
        jobs = [runner.submit_file(f"r{i}.txt", b"The police said the port was shut.", {}) for i in range(3)]
        folder = runner.folder
        assert folder.exists()
    assert not folder.exists()
    assert {j.state for j in jobs} <= {"cancelled", "done"}
    with pytest.raises(RuntimeError):  # the runner takes no more work
        runner.submit_text("The mayor said so.", {})


# -- the CLI side --------------------------------------------------------------------------------


def _ledger(tmp_path: Path) -> Path:
    from crosscheck.ledger import Ledger

    path = tmp_path / "x.db"
    Ledger.open(path).close()
    return path


def test_cli_changes_since_out_of_range_is_one_line(cli: Callable[..., Any], tmp_path: Path) -> None:
    db = _ledger(tmp_path)
    for since in ("999999d", "9" * 30 + "h"):
        result = cli("--ledger", db, "changes", "--since", since)
        assert result.code != 0
        assert "Traceback" not in result.err and "OverflowError" not in result.err
        assert result.err.strip().count("\n") == 0 and since in result.err, result.err


def test_cli_undo_malformed_or_huge_is_one_line(cli: Callable[..., Any], tmp_path: Path) -> None:
    db = _ledger(tmp_path)
    for raw in ("1e23", "1" * 30, "abc", "0"):
        result = cli("--ledger", db, "undo", raw)
        assert result.code != 0, raw
        assert "Traceback" not in result.err and "OverflowError" not in result.err
        lines = [line for line in result.err.splitlines() if line.strip()]
        assert len(lines) == 1 and raw in lines[0], result.err


@pytest.mark.parametrize("token", ["", " ", "\t \n"])
def test_cli_serve_refuses_blank_token(
    cli: Callable[..., Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, token: str
) -> None:
    monkeypatch.delenv("CROSSCHECK_TOKEN", raising=False)
    import uvicorn

    monkeypatch.setattr(uvicorn, "run", lambda *a, **k: pytest.fail("served with a blank token"))
    result = cli("--ledger", tmp_path / "x.db", "serve", "--token", token)
    assert result.code == 2 and "token" in result.err and "blank" in result.err
    with pytest.raises(ValueError):
        from crosscheck.web.app import create_app

        create_app(tmp_path / "y.db", token=token)
