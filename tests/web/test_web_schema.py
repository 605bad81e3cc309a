"""schemathesis against the app's OpenAPI schema: no request it generates makes a server error."""

from __future__ import annotations

from pathlib import Path

import pytest

schemathesis = pytest.importorskip("schemathesis")
from hypothesis import HealthCheck, settings  # noqa: E402
from schemathesis.checks import not_a_server_error  # noqa: E402


def test_web_openapi_has_every_page(built_ledger: Path, tmp_path: Path) -> None:
    from fastapi.testclient import TestClient

    from crosscheck.web.app import create_app

    schema = (
        TestClient(create_app(built_ledger, analyse=False), base_url="http://127.0.0.1").get("/openapi.json").json()
    )
    paths = set(schema["paths"])
    for path in (
        "/api/overview",
        "/api/clusters",
        "/api/clusters/{cluster}",
        "/api/entities/{entity}",
        "/api/figures",
        "/api/places",
        "/api/documents/{doc}",
        "/api/search",
        "/api/changes",
        "/api/add",
        "/api/corrections/merge-entities",
        "/api/corrections/undo",
    ):
        assert path in paths


def test_web_schemathesis_finds_no_server_errors(built_ledger: Path, tmp_path: Path) -> None:
    import shutil

    from crosscheck.web.app import create_app

    path = tmp_path / "fuzz.db"
    shutil.copy(built_ledger, path)
    app = create_app(path, analyse=False)

    async def loopback(scope: dict, receive: object, send: object) -> None:  # type: ignore[type-arg]
        """The app as a browser on 127.0.0.1 reaches it (the ASGI client says `testserver`)."""
        if scope["type"] == "http":
            headers = [(k, v) for k, v in scope["headers"] if k != b"host"]
            scope = {**scope, "headers": [*headers, (b"host", b"127.0.0.1")]}
        await app(scope, receive, send)  # type: ignore[arg-type]

    schema = schemathesis.openapi.from_asgi("/openapi.json", loopback)
    failures: list[str] = []
    calls: list[int] = []
    for operation in schema.get_all_operations():
        op = operation.ok()

        @settings(
            max_examples=8, deadline=None, database=None, derandomize=True, suppress_health_check=list(HealthCheck)
        )
        def run(case: object) -> None:
            response = case.call()  # type: ignore[attr-defined]
            calls.append(response.status_code)
            if response.status_code >= 500:
                failures.append(f"{case.method} {case.formatted_path}: {response.status_code}")  # type: ignore[attr-defined]

        from hypothesis import given

        given(case=op.as_strategy())(run)()  # type: ignore[attr-defined]
    app.state.jobs.shutdown()
    assert failures == []
    assert len(calls) > 60 and any(code == 200 for code in calls)
    assert not_a_server_error  # the check these calls stand for
