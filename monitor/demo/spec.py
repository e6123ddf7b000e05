"""The shapes of the fixture province: what a demo site is made of, and what it is expected to fail.

Specs (`SiteSpec`, `ColumnSpec`, `AccountSpec`) are written by hand in `monitor.demo.sites` and
`monitor.demo.media`; `monitor.demo.pages` renders them into `Page`s held in memory. Expectations sit
beside the specs they describe, so a defect and the rule it must trip are changed together.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Literal
from urllib.parse import parse_qsl, urlsplit

Style = Literal["hanweb", "trs", "ul"]  # CMS families whose listing markup differs
DateStyle = Literal["iso", "cn", "bracket"]  # 2022-12-26 / 2022年12月26日 / [12-26]
Content = Literal["list", "blank", "empty", "static", "calendar", "error", "services", "mailbox"]


@dataclass(frozen=True)
class Page:
    """One HTTP answer, already encoded: served as is, so charset tests see the real bytes."""

    body: bytes
    content_type: str = "text/html; charset=utf-8"
    status: int = 200


NOT_FOUND = Page(b"<html><body><h1>404 Not Found</h1></body></html>", status=404)


@dataclass(frozen=True)
class ColumnSpec:
    """A column (栏目) of a demo site. `dates` are the listed items' dates, newest first."""

    name: str
    slug: str
    content: Content = "list"
    dates: tuple[date, ...] = ()
    placeholder: str = ""  # shown instead of items when content == "blank"
    home_block: bool = False  # also shown as a block (with a 更多 link) on the home page
    guides: tuple[tuple[str, bool], ...] = ()  # content == "services": (事项, complete) 办事指南 it links
    letters: tuple[tuple[str, date, date | None], ...] = ()  # content == "mailbox": (title, 来信, 回复 or None)

    @property
    def newest(self) -> date | None:
        return max(self.dates) if self.dates else None


@dataclass(frozen=True)
class SiteExpectation:
    """What the checks must conclude about one subject at DEMO_AS_OF.

    `found`: rule ids that must be reported; `not_found`: rule ids that must not be (the just-under
    cases live here); `passes`: the verdict must be 合格 (True), 不合格 (False), or there is none (None:
    an account with no data source is left to a human).
    """

    found: frozenset[str] = frozenset()
    not_found: frozenset[str] = frozenset()
    passes: bool | None = False
    stale_columns: tuple[str, ...] = ()  # column names stale at DEMO_AS_OF (动态 > 14 d, 通知/政策 > 6 months)
    blank_columns: tuple[str, ...] = ()  # column names that load but show no content

    def mismatches(self, rules: Iterable[str], passed: bool | None) -> list[str]:
        """How a check's outcome (rule ids found; 合格 True, 不合格 False, no verdict None) departs
        from this expectation; empty when it matches."""
        seen = set(rules)
        problems = [f"missing {rule}" for rule in sorted(self.found - seen)]
        problems += [f"unexpected {rule}" for rule in sorted(self.not_found & seen)]
        if passed != self.passes:
            wanted = {True: "合格", False: "不合格", None: "no verdict"}[self.passes]
            problems.append(f"expected {wanted}")
        return problems


@dataclass(frozen=True)
class SiteSpec:
    """A demo website, with the defects it is built to show."""

    key: str  # short id used for logs and temp files
    name: str
    region: str  # 所属地方或部门
    kind: str  # 网站类型 (monitor.models.WEBSITE_KINDS)
    site_code: str  # registered 网站标识码
    sponsor: str
    style: Style
    columns: tuple[ColumnSpec, ...]
    expect: SiteExpectation
    date_style: DateStyle = "iso"
    encoding: Literal["utf-8", "gbk"] = "utf-8"
    jiucuo_code: str | None = None  # code carried by the 找错 entry; None: the entry is missing
    headline: str = ""  # a home-page headline (and its article), e.g. carrying a serious wording error
    headline_date: date | None = None
    dead_links: tuple[tuple[str, str], ...] = ()  # (text, path) links on the home page that answer 404
    home_extras: str = ""  # raw HTML appended to the home page (external links, hidden links)
    note: str = ""  # 备注 in the registry: what this site demonstrates
    host: str = ""  # the site's own name (served on 127.0.0.1 through crawl.host_overrides)
    certificate: Literal["valid", "expired"] = "valid"  # from the demo CA
    secure: bool = True  # registered as https, http redirects there, HSTS sent; False: http only registered, neither
    ipv6: bool = True  # also served on ::1 (an AAAA record through the override)
    missing_meta: tuple[str, ...] = ()  # guideline meta tags left out of every page (SiteDomain …)

    def column(self, name: str) -> ColumnSpec:
        return next(c for c in self.columns if c.name == name)


DynamicPage = Callable[[Mapping[str, str]], Page | None]


@dataclass(frozen=True)
class DemoSite:
    """A rendered site: pages by request target, plus dynamic pages that take a query (the calendar)."""

    spec: SiteSpec
    pages: Mapping[str, Page]
    dynamic: Mapping[str, DynamicPage] = field(default_factory=dict)

    @property
    def name(self) -> str:
        return self.spec.name

    def resolve(self, target: str) -> Page:
        """The answer for a request target ("/path?query"): exact, then dynamic, then by path alone."""
        if target in self.pages:
            return self.pages[target]
        parts = urlsplit(target)
        if parts.path in self.dynamic:
            return self.dynamic[parts.path](dict(parse_qsl(parts.query))) or NOT_FOUND
        return self.pages.get(parts.path, NOT_FOUND)


@dataclass(frozen=True)
class ExternalHost:
    """A host outside the province (gov.cn, a gambling site) answered by the demo's virtual host."""

    hostname: str
    page: Page  # the same page for every path: external checks only read a target's text
    illegal: bool = False


@dataclass(frozen=True)
class AccountSpec:
    """A new-media account and its data source (数据源) as the registry writes it.

    `source` is "weibo:<uid>" (read through the Weibo container API, which the media server imitates),
    "feed:<path>" (a feed on the media server; the registry gets its full URL) or "" (no source).
    """

    name: str
    platform: str  # 类型
    region: str
    subject: str  # 主体类型
    source: str = ""
    expect: SiteExpectation = SiteExpectation()

    def registry_source(self, media_url: str) -> str:
        """The 数据源 cell: feed paths become URLs on the media server."""
        if self.source.startswith("feed:"):
            return media_url.rstrip("/") + self.source.removeprefix("feed:")
        return self.source


@dataclass(frozen=True)
class ExpectedDefects:
    """The manifest tests assert against: subject name -> what the checks must conclude."""

    websites: Mapping[str, SiteExpectation]
    accounts: Mapping[str, SiteExpectation]
    unchecked_accounts: frozenset[str] = frozenset()  # no data source: no automatic verdict

    @property
    def must_pass(self) -> frozenset[str]:
        """Websites and accounts whose verdict must be 合格."""
        subjects = {**self.websites, **self.accounts}
        return frozenset(name for name, exp in subjects.items() if exp.passes is True)

    def rules(self, name: str) -> frozenset[str]:
        """Rule ids that must be found for a website or account name."""
        exp = self.websites.get(name) or self.accounts.get(name)
        if exp is None:
            raise KeyError(f"no demo subject named {name!r}")
        return exp.found


@dataclass(frozen=True)
class Province:
    """Everything the demo serves, fixed as of `as_of`."""

    as_of: datetime
    sites: tuple[DemoSite, ...]
    external: Mapping[str, ExternalHost]  # hostname -> stand-in
    media: Mapping[str, Page]  # request target -> feed or API answer on the media server
    accounts: tuple[AccountSpec, ...]
    expected: ExpectedDefects

    def site(self, key_or_name: str) -> DemoSite:
        return next(s for s in self.sites if key_or_name in (s.spec.key, s.spec.name))
