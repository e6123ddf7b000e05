"""`[render]` settings and browser discovery (no browser needed)."""

from __future__ import annotations

from pathlib import Path

import pytest

from monitor.config import ConfigError, load_settings
from monitor.render.browser import BrowserUnavailable, browser_flags, find_browser


def test_find_browser_reads_the_setting(tmp_path: Path) -> None:
    assert find_browser("off") is None
    with pytest.raises(BrowserUnavailable, match="not an executable"):
        find_browser(str(tmp_path / "nope"))


def test_flags_keep_the_browser_off_the_network_and_cap_its_heap() -> None:
    flags = browser_flags(512)
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"):
        assert flag in flags
    assert "--host-resolver-rules=MAP * ~NOTFOUND" in flags
    assert "--js-flags=--max-old-space-size=256" in flags


def test_render_defaults_and_range_checks(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("GOVMON_CONFIG", raising=False)
    monkeypatch.chdir(tmp_path)
    render = load_settings().render
    assert render.browser == "auto" and render.concurrent_pages == 2 and render.screenshots
    bad = tmp_path / "bad.toml"
    bad.write_text("[render]\nconcurrent_pages = 3\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="render.concurrent_pages"):
        load_settings(bad)
