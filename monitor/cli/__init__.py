"""The `govmon` command line: a thin layer that parses arguments, calls the library and prints."""

from __future__ import annotations

import logging
import sys
from pathlib import Path

import typer

from monitor import __version__
from monitor.cli import (
    accounts,
    alerts,
    assess,
    check,
    daemon,
    demo,
    findings,
    probe,
    registry,
    report,
    users,
    web,
)
from monitor.cli import annex4 as annex4_commands
from monitor.cli.common import AppState

app = typer.Typer(
    name="govmon",
    help=(
        "govmon — 政府网站与政务新媒体监管. Checks government websites and new-media accounts against the "
        "national check indicators (单项否决), keeps findings with evidence, and writes the quarterly "
        "report in the annex format of the notice."
    ),
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode="rich",
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"govmon {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    ctx: typer.Context,
    config: Path | None = typer.Option(
        None, "--config", "-c", envvar="GOVMON_CONFIG", help="Configuration file (over the packaged defaults)."
    ),
    database: Path | None = typer.Option(None, "--db", help="SQLite database (overrides store.database)."),
    verbose: bool = typer.Option(False, "--verbose", "-v", help="Log what happens (to stderr)."),
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True, help="Print the version."),
) -> None:
    logging.basicConfig(level=logging.INFO if verbose else logging.WARNING, stream=sys.stderr,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    ctx.obj = AppState(config_path=config, database=database)


for module in (registry, findings, check, probe, daemon, accounts, report, assess, demo, users, web, alerts):
    module.register(app)
annex4_commands.register(app)  # jiucuo, reposts, ranking: the 附件4 inputs


def main() -> None:
    """The `govmon` entry point: a file or database problem no command foresaw is still one line, exit 3."""
    from monitor.cli.common import EXIT_UNAVAILABLE, console
    from monitor.store import StoreError

    try:
        app()
    except (OSError, StoreError) as exc:
        where = getattr(exc, "filename", None)
        detail = getattr(exc, "strerror", None) or str(exc)
        console.print(f"[bold red]error:[/] {where + ': ' if where else ''}{detail}", highlight=False)
        sys.exit(EXIT_UNAVAILABLE)
