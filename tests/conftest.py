"""Shared fixtures: the packaged rulebook and settings, a fresh store per test."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from monitor.config import Settings, load_settings
from monitor.rulebook import Rulebook
from monitor.store import Store

SHANGHAI = ZoneInfo("Asia/Shanghai")
REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def rulebook() -> Rulebook:
    return Rulebook(REPO / "rules")


@pytest.fixture
def settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Settings:
    monkeypatch.delenv("GOVMON_CONFIG", raising=False)
    monkeypatch.chdir(tmp_path)
    return load_settings()


@pytest.fixture
def store(tmp_path: Path) -> Store:
    opened = Store.open(tmp_path / "govmon.db")
    yield opened
    opened.close()


@pytest.fixture
def counties():
    """The console tests' two county sites without the 找错 entry, served on 127.0.0.1 (web_loop.py)."""
    from web_loop import serve_counties

    sites = serve_counties()
    yield sites
    sites.close()


@pytest.fixture
def checked_settings(tmp_path: Path, counties) -> Settings:
    """The counties registered and checked through the CLI, with the console's users (web_loop.py)."""
    from web_loop import checked_province

    return checked_province(tmp_path, counties)


def add_rows(store: Store, table: str, rows: Iterable[dict[str, object]]) -> list[int]:
    """Registry rows (websites or accounts) added as the registry import adds them; their ids."""
    return [store.insert_registry_row(table, dict(row)) for row in rows]


def shanghai(year: int, month: int, day: int, hour: int = 10, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=SHANGHAI)


@pytest.fixture(scope="session")
def chromium() -> Path:
    """The system's Chromium for tests marked `browser`: skipped when absent, but under CI it must be there."""
    import os

    from monitor.render.browser import driver_installed, find_browser

    found = find_browser("auto")
    if found is None or not driver_installed():
        if os.environ.get("CI"):
            pytest.fail("CI must have Chromium (/usr/bin/chromium) and playwright for the browser tests")
        pytest.skip("no Chromium installed (apt-get install chromium)")
    return found


@pytest.fixture
def wide_output(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tables printed 200 cells wide, so evidence lines are asserted unwrapped. The console's width is set
    directly: it read COLUMNS when monitor.cli was first imported, which a later setenv cannot change."""
    from monitor.cli.common import stdout

    monkeypatch.setattr(stdout, "width", 200)
