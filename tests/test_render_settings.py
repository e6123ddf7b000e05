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


@pytest.mark.parametrize("html", [
    "<ul id=list></ul><script>fetch('/api/list.json').then(fill)</script>",
    "<script>$.ajax({url: '/api/news', success: fill})</script>",
    '<div id="app"></div><script src="/js/app.3f2a.js"></script>',
    '<li v-for="item in items">{{ item.title }}</li>',
    "<script>new XMLHttpRequest()</script>",
])
def test_pages_filled_by_script_are_recognised(html: str) -> None:
    from monitor.crawl.column_reader import looks_scripted

    assert looks_scripted(f"<html><body>{html}</body></html>")


def test_a_plain_page_is_not_taken_for_a_scripted_one() -> None:
    from monitor.crawl.column_reader import looks_scripted

    assert not looks_scripted('<html><body><div id="app"><ul><li>通知</li></ul></div></body></html>')


def test_without_chromium_auto_says_so_once(monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    import logging

    import monitor.render.browser as browser

    monkeypatch.setattr(browser.shutil, "which", lambda name: None)
    monkeypatch.setattr(browser, "_warned_missing", False)
    with caplog.at_level(logging.INFO, logger="monitor.render.browser"):
        assert browser.browser_for("auto") is None and browser.browser_for("auto") is None
    assert [r.getMessage() for r in caplog.records].count(
        "browser rendering off: no Chromium found (apt-get install chromium); "
        "pages filled by script are reported as not judged") == 1
