"""CLI command for the local web app (`crosscheck serve`)."""

from __future__ import annotations

from typing import Annotated

import typer

from crosscheck.cli import _fail, _state, app
from crosscheck.output import err_console

__all__ = ["serve"]


@app.command()
def serve(
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    host: Annotated[str, typer.Option(help="Address to bind (anything but loopback needs --token).")] = "127.0.0.1",
    token: Annotated[
        str | None,
        typer.Option(
            envvar="CROSSCHECK_TOKEN", help="Access token every request must carry (Bearer header, or ?token= once)."
        ),
    ] = None,
    allow_private: Annotated[
        bool, typer.Option("--allow-private", help="Let URL fetches reach loopback and private addresses.")
    ] = False,
    max_mb: Annotated[float, typer.Option("--max-mb", help="Size cap per upload, in MB.")] = 10.0,
    analyse: Annotated[bool, typer.Option("--analyse/--no-analyse", help="Analyse reports added from the web.")] = True,
) -> None:
    """Serve the local web app over the ledger (browse, search, correct, add reports)."""
    import uvicorn

    from crosscheck.web.app import create_app
    from crosscheck.web.security import is_loopback

    if token is not None and not token.strip():
        raise _fail("--token (or CROSSCHECK_TOKEN) is blank: give a long random string, or leave it unset", 2)
    if not is_loopback(host) and not token:
        raise _fail(f"refusing to bind {host} without a token: pass --token or set CROSSCHECK_TOKEN", 2)
    web = create_app(
        _state.get("ledger", "crosscheck.db"),
        token=token,
        host=host,
        allow_private=allow_private,
        max_upload=int(max_mb * 1e6),
        analyse=analyse,
    )
    shown = f"[{host}]" if ":" in host else host
    err_console.print(
        f"crosscheck: serving {_state.get('ledger')} on http://{shown}:{port}/" + (" (token required)" if token else "")
    )
    uvicorn.run(web, host=host, port=port, log_level="warning", access_log=False)
