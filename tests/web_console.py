"""A console for tests: a province of two regions imported from registry files, users made with
`govmon users add`, findings recorded as a check records them, and an httpx client on the app.

Use from a test module: `from web_console import Console, console_for` (tests/ is on sys.path).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import httpx
from typer.testing import CliRunner

from monitor.cli import app as cli_app
from monitor.config import Settings, load_settings
from monitor.models import Finding, Severity, SubjectKind
from monitor.registry import import_registry
from monitor.rulebook import Rulebook
from monitor.store import Store
from monitor.web.app import create_app

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 3, 20, 10, 0, tzinfo=SHANGHAI)
SEEN = "2026-03-19T10:00:00+08:00"
PASSWORD = "correct horse 42"

WEBSITES = """网站名称,网址,所属地方或部门,网站类型,网站标识码,主办单位
阿坝州人民政府,https://www.abazhou.gov.cn/,阿坝州,市级门户,5132000001,阿坝州人民政府办公室
理县人民政府,https://www.ablixian.gov.cn/,阿坝州,县级门户,5132220001,理县人民政府办公室
雅安市人民政府,https://www.yaan.gov.cn/,雅安市,市级门户,5118000001,雅安市人民政府办公室
雅安市教育局,https://edu.yaan.gov.cn/,雅安市,市级部门,5118000012,雅安市教育局
"""
ACCOUNTS = """账号名称,类型,所属地方或部门,主体类型,数据源
阿坝发布,新浪微博,阿坝州,政府,
雅安发布,新浪微博,雅安市,政府,
"""


class Clock:
    """The console's clock: a moment the test moves by hand."""

    def __init__(self, moment: datetime = NOW):
        self.moment = moment

    def __call__(self) -> datetime:
        return self.moment


@dataclass
class Console:
    settings: Settings
    app: object
    clock: Clock

    def client(self) -> httpx.AsyncClient:
        return httpx.AsyncClient(transport=httpx.ASGITransport(app=self.app), base_url="http://testserver")

    def store(self) -> Store:
        return self.app.state.console.store  # type: ignore[attr-defined]


def cli(settings: Settings, *args: str, stdin: str | None = None):
    config = ["--config", str(settings.source_files[-1])] if len(settings.source_files) > 1 else []
    result = CliRunner().invoke(cli_app, [*config, "--db", str(settings.database), *args], input=stdin)
    assert result.exit_code == 0, result.output
    return result


def build_province(tmp_path: Path) -> Settings:
    """Registry files imported, two findings per website and one per account, as a check stores them."""
    settings = load_settings(cwd_default=False).with_database(tmp_path / "console.db")
    rulebook = Rulebook(settings.rules_dir)
    (tmp_path / "websites.csv").write_text(WEBSITES, encoding="utf-8")
    (tmp_path / "accounts.csv").write_text(ACCOUNTS, encoding="utf-8")
    store = Store.open(settings.database)
    try:
        import_registry(store, rulebook, [tmp_path / "websites.csv", tmp_path / "accounts.csv"], now=NOW,
                        places=rulebook.places(settings.province, settings.region_order))
        for website in store.websites():
            store.record_findings(SubjectKind.WEBSITE, website.id, [
                Finding("homepage_stale", Severity.VETO, "首页不更新",
                        {"newest": "2026-02-01", "title": f"{website.name}的旧闻", "url": website.url}),
                Finding("dead_links", Severity.DEDUCTION, "存在错链、断链",
                        {"links": [{"url": website.url + "gone.html", "pages": [website.url]}]}),
            ], checked_rules=["homepage_stale", "dead_links"], seen_at=SEEN)
        for account in store.accounts():
            store.record_findings(SubjectKind.ACCOUNT, account.id, [
                Finding("account_stale", Severity.VETO, "监测时间点内2周未更新", {"latest_post": "2026-01-01"}),
            ], checked_rules=["account_stale"], seen_at=SEEN)
    finally:
        store.close()
    return settings


def add_users(settings: Settings) -> None:
    cli(settings, "users", "add", "admin", "--role", "admin", "--password-stdin", stdin=PASSWORD + "\n")
    cli(settings, "users", "add", "aba", "--role", "region", "--region", "阿坝州", "--password-stdin",
        stdin=PASSWORD + "\n")
    cli(settings, "users", "add", "lixian", "--role", "operator", "--site", "理县人民政府", "--password-stdin",
        stdin=PASSWORD + "\n")


def console_for(settings: Settings, clock: Clock | None = None, recheck=None) -> Console:
    clock = clock or Clock()
    ticks = iter(range(10**9))
    app = create_app(settings, Rulebook(settings.rules_dir), now=clock, recheck=recheck,
                     monotonic=lambda: float(next(ticks)) * 0.001)
    return Console(settings, app, clock)


CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


async def csrf_of(client: httpx.AsyncClient, path: str = "/login") -> str:
    match = CSRF.search((await client.get(path)).text)
    assert match, f"no CSRF token on {path}"
    return match.group(1)


async def login(client: httpx.AsyncClient, name: str, password: str = PASSWORD) -> httpx.Response:
    token = await csrf_of(client)
    return await client.post("/login", data={"username": name, "password": password, "csrf_token": token})
