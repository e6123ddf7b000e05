"""Alerts through apprise to local sinks: `govmon alerts test` by e-mail (SMTP) and webhook, and the
daily digest per unit (new vetoes, overdue rectifications), sent at most once a day."""

from __future__ import annotations

from datetime import datetime
from email.header import decode_header, make_header
from pathlib import Path

import pytest
from sinks import SMTPSink, WebhookSink
from typer.testing import CliRunner
from web_console import SHANGHAI, build_province

from monitor import review
from monitor.alerts import send_digests
from monitor.cli import app
from monitor.config import load_settings
from monitor.rulebook import Rulebook
from monitor.store import Store


@pytest.fixture
def sinks():
    smtp, hook = SMTPSink(), WebhookSink()
    yield smtp, hook
    smtp.close()
    hook.close()


def _configure(tmp_path: Path, smtp: SMTPSink, hook: WebhookSink) -> Path:
    config = tmp_path / "alerts.toml"
    config.write_text(
        f'[store]\ndatabase = "console.db"\n[alerts]\ndigest_hour = 8\n[alerts.targets]\n'
        f'"*" = ["mailto://127.0.0.1:{smtp.port}?from=govmon@example.gov.cn&to=jgc@example.gov.cn"]\n'
        f'"理县人民政府办公室" = ["json://127.0.0.1:{hook.port}/robot"]\n',
        encoding="utf-8",
    )
    return config


def test_alerts_test_reaches_smtp_and_a_robot_webhook(tmp_path, sinks):
    smtp, hook = sinks
    config = _configure(tmp_path, smtp, hook)
    result = CliRunner().invoke(app, ["--config", str(config), "alerts", "test"])
    assert result.exit_code == 0, result.output
    assert len(smtp.messages) == 1
    assert "测试通知" in str(make_header(decode_header(smtp.messages[0]["Subject"])))
    assert hook.bodies[0]["title"] == "govmon 测试通知"
    broken = CliRunner().invoke(app, ["--config", str(config), "alerts", "test", "--url", "json://127.0.0.1:9/nothing"])
    assert broken.exit_code == 3 and "FAILED" in broken.output


def test_daily_digest_per_unit_once_a_day(tmp_path, sinks):
    smtp, hook = sinks
    build_province(tmp_path)  # findings first seen 2026-03-19 10:00
    settings = load_settings(_configure(tmp_path, smtp, hook), cwd_default=False)
    store = Store.open(settings.database)
    rulebook = Rulebook(settings.rules_dir)
    site = store.find_website("理县人民政府")
    stale = next(f for f in store.findings() if f.subject_id == site.id and f.rule == "homepage_stale")
    review.confirm(store, rulebook, stale, site, review.Actor("zhang"), datetime(2026, 3, 19, 12, tzinfo=SHANGHAI))
    early = datetime(2026, 3, 20, 7, tzinfo=SHANGHAI)
    assert "from 8:00" in send_digests(store, settings, early) and not hook.bodies
    morning = datetime(2026, 3, 20, 9, tzinfo=SHANGHAI)
    assert send_digests(store, settings, morning).startswith("digests: 2 sent")
    unit_message = hook.bodies[0]["message"]
    assert "理县人民政府：首页不更新" in unit_message and "雅安" not in unit_message
    assert "新发现的单项否决问题" in unit_message
    assert send_digests(store, settings, morning.replace(hour=15)).startswith("digests: 0 sent")  # once a day
    assert len(hook.bodies) == 1 and len(smtp.messages) == 1
    # days later the confirmed finding is past its deadline (homepage_stale: 7 days) and only that is said
    later = datetime(2026, 3, 28, 9, tzinfo=SHANGHAI)
    send_digests(store, settings, later)
    overdue = hook.bodies[-1]["message"]
    assert "逾期未整改" in overdue and "期限 2026-03-26" in overdue and "新发现" not in overdue
    store.close()


def test_a_target_that_is_not_a_list_of_urls_is_a_config_error(tmp_path):
    config = tmp_path / "bad.toml"
    config.write_text('[alerts.targets]\n"*" = [1, 2]\n', encoding="utf-8")
    result = CliRunner().invoke(app, ["--config", str(config), "alerts", "test"])
    assert result.exit_code == 2 and "alerts.targets.*" in result.output
