"""A socket-free Fetcher and page builders for the crawler tests."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from monitor.config import CrawlSettings
from monitor.crawl.urls import normalise_url
from monitor.fetch.result import FetchResult, Outcome
from monitor.models import Website
from monitor.rulebook import Rulebook

RULES_DIR = Path(__file__).resolve().parents[1] / "rules"
AS_OF = datetime(2024, 6, 10, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
SITE = "http://www.demo.gov.cn"
JIUCUO = (
    '<script id="_jiucuo_" sitecode="9900000001" src="https://zfwzgl.www.gov.cn/exposure/jiucuo.js"></script>'
)


@dataclass(frozen=True)
class Failure:
    """A transport failure the fake serves instead of a page."""

    outcome: Outcome
    error: str = ""


class FakeFetcher:
    """Serves an in-memory site: URL -> (status, html) or Failure; unknown URLs answer 404."""

    def __init__(self, pages: dict[str, tuple[int, str] | Failure]):
        self._pages = {normalise_url(url): page for url, page in pages.items()}
        self.calls: list[str] = []
        self.robots_flags: dict[str, bool] = {}

    def count(self, url: str) -> int:
        return Counter(normalise_url(u) for u in self.calls)[normalise_url(url)]

    async def fetch(self, url: str, *, respect_robots: bool = True) -> FetchResult:
        self.calls.append(url)
        self.robots_flags[normalise_url(url)] = respect_robots
        page = self._pages.get(normalise_url(url), (404, "<html><body>404 Not Found</body></html>"))
        if isinstance(page, Failure):
            return FetchResult(url=url, outcome=page.outcome, error=page.error)
        status, html = page
        outcome = Outcome.OK if status < 400 else Outcome.HTTP_STATUS
        if status < 400 and not html:
            outcome = Outcome.EMPTY
        return FetchResult(
            url=url, outcome=outcome, final_url=url, status=status, text=html, body=html.encode()
        )


def settings(**changes: object) -> CrawlSettings:
    values: dict[str, object] = {
        "user_agent": "govmon-test",
        "per_host_concurrency": 2,
        "per_host_delay_s": 0.0,
        "global_concurrency": 8,
        "connect_timeout_s": 2.0,
        "read_timeout_s": 2.0,
        "max_response_bytes": 1_000_000,
        "max_pages_per_site": 400,
        "max_depth": 2,
        "max_next_pages": 2,
        "max_redirects": 5,
        "retries": 0,
        "retry_backoff_s": 0.0,
        "respect_robots": True,
        "allow_private_targets": True,
        "max_external_checks": 40,
    }
    values.update(changes)
    return CrawlSettings(**values)  # type: ignore[arg-type]


def rulebook() -> Rulebook:
    return Rulebook(RULES_DIR)


def website(url: str = SITE + "/") -> Website:
    return Website(name="演示市人民政府", url=url, region="演示市", kind="市级门户", site_code="9900000001")


def page(title: str, body: str, *, head: str = "", footer: str = JIUCUO) -> str:
    """A government-style page: top menu, the given body, a footer (找错 entry by default)."""
    return f"""<html><head><meta charset="utf-8"><title>{title}</title>{head}</head><body>
<div class="header"><a href="/">首页</a></div>
<div class="nav"><ul>
<li><a href="/gzdt/">工作动态</a></li><li><a href="/tzgg/">通知公告</a></li>
<li><a href="/zwgk/">政务公开</a></li><li><a href="/bmdt/">部门动态</a></li>
</ul></div>
<div class="main">{body}</div>
<div class="footer">主办单位：演示市人民政府办公室 网站标识码：9900000001 {footer}</div>
</body></html>"""


def listing(items: list[tuple[str, str, str]], extra: str = "") -> str:
    """A <ul class="list"> of (href, title, date) rows; an empty date writes no date."""
    rows = "".join(
        f'<li><a href="{href}">{title}</a><span class="date">{day}</span></li>' for href, title, day in items
    )
    return f'<ul class="list">{rows}</ul>{extra}'
