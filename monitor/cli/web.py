"""`govmon web`: serve the console with uvicorn, on the loopback address unless told otherwise."""

from __future__ import annotations

import typer

from monitor.cli.common import setup_logging, state


def register(app: typer.Typer) -> None:
    """Add this module's commands to the root app."""
    app.command("web")(web_command)


def web_command(
    ctx: typer.Context,
    host: str | None = typer.Option(None, "--host", help="Address to bind (default web.host, 127.0.0.1)."),
    port: int | None = typer.Option(None, "--port", help="Port (default web.port, 8080)."),
) -> None:
    """The web console for supervisors, region officers and site operators (behind nginx for HTTPS)."""
    import uvicorn

    from monitor.web.app import create_app

    app_state = state(ctx)
    settings = app_state.settings
    setup_logging(settings)
    app = create_app(settings, app_state.rulebook, now=app_state.now)
    uvicorn.run(app, host=host or settings.web.host, port=port or settings.web.port, proxy_headers=True,
                forwarded_allow_ips="127.0.0.1", log_level=settings.log_level.lower(), access_log=False)
