"""The fixture province for tests: served once per session, with settings that reach it.

Use it from a test module (tests/ is on sys.path when pytest runs):

    from fixture_province import province_settings, running_province  # noqa: F401 (fixtures)

    def test_something(running_province, province_settings):
        ...  # running_province.urls, .host_overrides, .province.expected; province_settings.database

`running_province` is session-scoped: read from it, never change it. `province_settings` gives each test
its own database and report folder. `settings_for(running, folder)` builds the same settings by hand.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from monitor.config import Settings
from monitor.demo import DEMO_AS_OF, RunningProvince, build_province, serve_province
from monitor.demo.settings import demo_settings

__all__ = ["DEMO_AS_OF", "province_settings", "running_province", "settings_for"]


def settings_for(running: RunningProvince, folder: Path) -> Settings:
    """Settings for checking the served province: private targets allowed, outside hosts sent to the
    demo's virtual host, no politeness delay, short timeouts, database and reports inside `folder`."""
    return demo_settings(running, folder)


@pytest.fixture(scope="session")
def running_province(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningProvince]:
    """The example province served on 127.0.0.1 for the whole session (registry CSVs included)."""
    with serve_province(build_province(), workdir=tmp_path_factory.mktemp("province")) as running:
        yield running


@pytest.fixture
def province_settings(running_province: RunningProvince, tmp_path: Path) -> Settings:
    """Settings for one test: a fresh database in the test's tmp_path."""
    return settings_for(running_province, tmp_path)
