"""What every command shares: settings, the store, the clock, exit codes and output helpers.

This is the only place that reads the wall clock: commands pass `as_of` down, logic never calls now().
"""

from __future__ import annotations

import json
import logging
import sys
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path
from typing import Any, NoReturn

import typer
from rich.console import Console

from monitor.config import ConfigError, Settings, load_settings
from monitor.gazetteer import ProvincePlaces
from monitor.rulebook import Rulebook, RulesError
from monitor.store import NotADatabase, Store, StoreError
from monitor.times import in_zone

# Exit codes: the same meaning in every command.
EXIT_OK = 0  # done; nothing wrong found
EXIT_PROBLEMS = 1  # done; problems found (a 不合格 verdict, bad registry rows, ...)
EXIT_USAGE = 2  # the command line, a file or the configuration is wrong
EXIT_UNAVAILABLE = 3  # could not do the work (database locked, feature not available)

console = Console(stderr=True, soft_wrap=True)  # messages stay one line each, whatever the width
stdout = Console()


@dataclass
class AppState:
    config_path: Path | None = None
    database: Path | None = None
    _settings: Settings | None = None
    _rulebook: Rulebook | None = None

    @property
    def settings(self) -> Settings:
        if self._settings is None:
            try:
                settings = load_settings(self.config_path)
            except ConfigError as exc:
                fail(str(exc), EXIT_USAGE)
            if self.database is not None:
                settings = settings.with_database(self.database.resolve())
            self._settings = settings
        return self._settings

    @property
    def rulebook(self) -> Rulebook:
        if self._rulebook is None:
            try:
                self._rulebook = Rulebook(self.settings.rules_dir)
            except RulesError as exc:
                fail(str(exc), EXIT_USAGE)
        return self._rulebook

    @property
    def places(self) -> ProvincePlaces:
        """The configured province's 市(州) and county-level names ([regions] province and order)."""
        try:
            return self.rulebook.places(self.settings.province, self.settings.region_order)
        except RulesError as exc:
            source = self.settings.source_files[-1] if self.settings.source_files else "config"
            fail(f"{source}: [regions] province {self.settings.province!r} / order: {exc}", EXIT_USAGE)

    def open_store(self) -> Store:
        path = self.settings.database
        try:
            return Store.open(path)
        except NotADatabase as exc:  # a wrong --db or store.database
            fail(f"{exc} (give the database file with --db or store.database)", EXIT_USAGE)
        except StoreError as exc:
            fail(str(exc), EXIT_UNAVAILABLE)
        except OSError as exc:
            fail(f"{path}: cannot be opened: {exc.strerror or exc}", EXIT_UNAVAILABLE)

    def warn_if_empty(self, store: Store) -> None:
        """A report or assessment of a database with nothing registered is a wrong --db far more often than
        a real province: say so, on one line, before writing an empty one."""
        if not store.websites(include_retired=True) and not store.accounts(include_retired=True):
            console.print(f"[yellow]warning:[/] {self.settings.database}: no websites or accounts are registered "
                          "there, so the result is empty (give the right database with --db, or run "
                          "govmon registry import first)", highlight=False)

    def now(self) -> datetime:
        """The wall clock, in the configured time zone. Only commands call this."""
        return datetime.now(self.settings.timezone).replace(microsecond=0)

    def as_of(self, text: str | None) -> datetime:
        """--as-of DATE or DATETIME in the configured zone (a bare date, 2022-12-28 or 20221228, means the end
        of that day)."""
        if not text:
            return self.now()
        return parse_moment(text, self.settings)


def parse_moment(text: str, settings: Settings) -> datetime:
    try:
        if len(text) in (8, 10) and text.replace("-", "").isdigit():  # 2022-12-28 and 20221228 alike
            day = date.fromisoformat(text)
            return datetime.combine(day, time(23, 59, 59), settings.timezone)
        moment = datetime.fromisoformat(text)
    except ValueError:
        fail(f"not a date: {text!r} (use YYYY-MM-DD or YYYY-MM-DDTHH:MM)", EXIT_USAGE)
    return in_zone(moment, settings.timezone)


def state(ctx: typer.Context) -> AppState:
    root = ctx.find_root()
    if root.obj is None:
        root.obj = AppState()
    return root.obj


def fail(message: str, code: int = EXIT_USAGE) -> NoReturn:
    console.print(f"[bold red]error:[/] {message}", highlight=False, soft_wrap=True)
    raise typer.Exit(code)


def print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n")


def setup_logging(settings: Settings, verbose: bool = False) -> None:
    """Log to stderr (and the configured file): one line per event, with time and level."""
    handlers: list[logging.Handler] = [logging.StreamHandler(sys.stderr)]
    if settings.log_file:
        try:
            settings.log_file.parent.mkdir(parents=True, exist_ok=True)
            handlers.append(logging.FileHandler(settings.log_file, encoding="utf-8"))
        except OSError as exc:
            fail(f"{settings.log_file}: log file cannot be created ('log.file'): {exc.strerror or exc}", EXIT_USAGE)
    logging.basicConfig(
        level=logging.DEBUG if verbose else getattr(logging, settings.log_level.upper(), logging.INFO),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        handlers=handlers,
        force=True,
    )
