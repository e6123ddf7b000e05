"""A finding's evidence in Chinese lines a site operator can act on: the one renderer of the CLI and reports.

Evidence stays raw JSON in the store and in `--json` output (scripts read it); people read these lines.
Each rule has a short function in `RENDERERS`. Keys a rule function did not read (older or hand-made
evidence) are still shown by the generic renderer, with Chinese labels for common keys, so nothing is
hidden and a simple dict never shows as raw JSON. Output depends only on the finding: reports stay
byte-identical across runs.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, NotRequired, TypedDict, TypeVar, cast

from monitor.models import Finding, Source
from monitor.times import to_minute

if TYPE_CHECKING:
    from monitor.observations import PageFailure

TITLE_CHARS = 30  # titles and anchor texts are cut here; the URL next to them finds the rest
DETAIL_CHARS = 80  # error details and snippets
MAX_KEYWORDS = 6  # illegal-content keywords named per link

OUTCOME_LABELS = {
    "dns": "域名解析失败", "connect": "连接失败", "tls": "证书/TLS错误", "timeout": "超时",
    "http_status": "HTTP错误", "empty": "空页面", "too_large": "页面过大", "refused": "按规则未访问",
    "redirects": "重定向过多", "error": "访问出错", "ok": "正常",
}
_PHRASES = {  # English reasons written by the crawler, and blank reasons stored before they were Chinese
    "empty list": "空列表", "empty page": "空页面",
    "list loaded by script: not readable without a browser": "列表由脚本加载，需用浏览器人工核查",
    "list loaded by script: the browser could not render it": "列表由脚本加载，浏览器渲染失败",
    "list loaded by script: its data requests failed in the browser": "列表由脚本加载，浏览器中数据请求失败",
    "not fetched: not an http(s) URL": "未访问：不是 http(s) 网址",
    "not fetched: page budget reached": "未访问：已达本次抓取页数上限",
}
_HIDING = {
    "offscreen": "移出可视区域", "zero-size": "零尺寸", "overflow-hidden": "溢出隐藏", "marquee": "marquee 滚动",
    "document.write": "脚本写入（document.write）", "noscript": "noscript 标签内",
}
_ELEMENTS = {
    "option": "下拉菜单选项", "onclick": "点击脚本", "iframe": "内嵌框架", "frame": "框架", "form": "表单提交地址",
    "meta-refresh": "页面自动跳转", "script": "脚本跳转", "area": "图片热区",
}
_JIUCUO_FORMS = {"script": "脚本引入", "link": "链接", "backend-link": "后台链接", "image": "图片链接"}
_SOURCE_KINDS = {
    "feed": "RSS/Atom 订阅", "weibo": "微博接口", "bilibili": "B站接口", "wechat": "微信公众号",
    "page": "账号网页", "manual": "人工核查记录", "none": "无自动来源",
}
_DATE_SOURCES = {"list": "列表日期", "pubdate": "文章发布时间", "url": "网址中的日期"}
_LEVELS: dict[Any, str] = {1: "一级", 2: "二级"}
# Labels of the generic renderer, in the order keys are shown; keys not here follow, sorted, as they are.
LABELS = {
    "url": "网址", "page_url": "所在页面", "column": "栏目", "columns": "栏目", "name": "名称", "title": "标题",
    "snippet": "内容摘录", "latest": "最近发布", "latest_post": "最近发布", "latest_post_at": "最近发布时间",
    "last": "最近更新", "date": "日期", "newest_date": "最新信息日期", "newest_title": "最新信息标题",
    "newest_url": "最新信息网址", "days_since_update": "未更新天数", "days_silent": "未更新天数",
    "stale_days": "更新期限（天）", "count": "数量", "veto_count": "否决线", "level": "级别", "category": "栏目类别",
    "reason": "原因", "error": "错误", "outcome": "结果", "status": "HTTP状态码", "links": "链接", "href": "链接地址",
    "text": "文字", "pages": "页面", "found_on": "所在页面", "missing": "缺少", "keywords": "关键词",
    "site_code": "网站标识码", "registered_code": "注册网站标识码", "source": "来源", "checked_at": "检查时间",
    "at": "时间", "note": "说明", "judged_on": "判断范围", "items_seen": "读到的条目",
    "columns_read": "读到的栏目", "rendered": "经浏览器渲染后读取", "screenshot": "截图", "tls_certificate": "网站证书问题（已跳过校验继续检查）",
}


# -- evidence shapes --------------------------------------------------------------------------------
# The evidence a rule writes, as a TypedDict the check builds and its renderer below reads: a key
# renamed or retyped on one side fails mypy on the other. The store keeps the dict as JSON. A rule
# without a shape here still works through `Evidence.get` (and older stored evidence always does).
ProbeWindow = TypedDict("ProbeWindow", {"from": str, "to": str, "days": int})


class ProbeFailure(TypedDict):
    at: str
    outcome: str
    status: int | None
    error: str


class UnreachableEvidence(TypedDict, total=False):
    """站点无法访问: the window's probe tally against the rule's shares, and the failed probes."""

    window: ProbeWindow
    total: int
    failed: int
    share: float
    share_text: str
    veto_share: float
    warning_share: float
    level: str  # 否决 / 预警
    discarded: int  # probes of rounds discarded as an outage of the monitor itself
    failures: list[ProbeFailure]  # the first MAX_LISTED_FAILURES
    failures_not_listed: int
    note: str  # fewer probes than the rule asks for


class UndeterminedEvidence(TypedDict, total=False):
    """未能判断: which rule could not be judged, why, and where (a rule may add details of its own)."""

    rule: str
    rule_wording: str
    rule_severity: str
    reason: str
    url: str


class UnansweredLetter(TypedDict):
    title: str  # digits masked
    url: str
    asked: str
    state: str  # the status as the list writes it, or 未显示回复
    days_waiting: int


class UnansweredEvidence(TypedDict, total=False):
    """互动回应差: a channel's letters left without reply beyond the limit, with the channel's counts."""

    channel: str
    url: str
    count: int
    unanswered_days: int
    window_days: int
    letters_in_window: int
    replied_in_window: int
    median_reply_days: float | None
    letters: list[UnansweredLetter]


class IdleBoardEvidence(TypedDict, total=False):
    """互动回应差: a channel whose list shows no letter for the period."""

    channel: str
    url: str
    idle_days: int
    letters_seen: int
    newest_letter: str | None


class FailureEvidence(TypedDict, total=False):
    """Why a page was not read (observations.PageFailure): a fetch outcome with its HTTP status, a
    reason of the crawler, or "" when the detail says it all."""

    kind: str
    status: int | None
    detail: str


class FailureLine(TypedDict):
    """Why something listed did not work: a line for scripts, and the fetch failure when there was one
    (a reason of the crawler, 空页面 or 未访问, has none)."""

    error: str
    failure: NotRequired[FailureEvidence]


class DeadChannel(FailureLine):
    channel: str
    url: str


class NoChannelEvidence(TypedDict, total=False):
    """互动回应差: no working consultation channel (none found, or every one found does not open)."""

    url: str
    kind: str
    dead_channels: list[DeadChannel]


class DeadEntry(FailureLine):
    name: str
    url: str
    offsite: bool


class DeadEntriesEvidence(TypedDict, total=False):
    """服务不实用: 办事服务 entries that do not open, or open on nothing."""

    count: int
    entries: list[DeadEntry]


class GuideEvidence(TypedDict, total=False):
    """办事指南重点要素缺失: one guide and the required elements it lacks."""

    title: str
    url: str
    found_on: str
    missing: list[str]
    present: list[str]
    missing_count: int
    missing_elements: int
    required: list[str]


class NoServicesEvidence(TypedDict, total=False):
    """服务不实用: no 办事服务 entry on a site that must offer services."""

    url: str
    kind: str


class CertificateEvidence(TypedDict, total=False):
    """certificate_invalid: the certificate's fields and what is wrong with it as of the check."""

    url: str
    subject: str
    issuer: str
    not_before: str
    not_after: str
    names: list[str]
    problems: list[str]  # 自签名证书, 证书与域名不符, 证书颁发机构不受信任, 证书已过期, 证书尚未生效
    days_left: int
    warning_days: int  # set on the expiry warning
    checked_at: str
    detail: str


class HttpsEvidence(TypedDict, total=False):
    """https_missing: one sub-point (no_https, no_redirect, no_hsts) and what was seen."""

    url: str
    point: str
    error: str  # the failure in one line, for scripts
    failure: FailureEvidence
    final_url: str
    hsts: str


class Ipv6Checked(TypedDict):
    level: str
    url: str


class Ipv6Failed(FailureLine):
    level: str
    url: str


class Ipv6Evidence(TypedDict, total=False):
    """no_ipv6: the AAAA records and the pages that did not answer over IPv6."""

    url: str
    aaaa: list[str]
    failed: list[Ipv6Failed]
    checked: list[Ipv6Checked]


class DomainEvidence(TypedDict, total=False):
    url: str
    host: str
    kind: str
    problems: list[str]


class MetadataPage(TypedDict):
    url: str
    missing: list[str]


class MetadataEvidence(TypedDict, total=False):
    """metadata_tags: pages of one role (home, column, article) missing meta tags."""

    role: str
    count: int
    pages: list[MetadataPage]
    meta_code: str
    registered_code: str


class TamperEvidence(TypedDict, total=False):
    """tampered: the sign, and the before/after it was judged on."""

    url: str
    sign: str
    snippet: str
    target: str
    before: str
    after: str
    before_seen_at: str
    keywords: list[str]
    score: int
    first_check: bool
    level: str


ShapeT = TypeVar("ShapeT")  # a TypedDict of this module
EntryT = TypeVar("EntryT")  # a TypedDict of one listed item


@dataclass
class Lines:
    """What a rule function says: summary lines, one line per listed item, and the true item count."""

    head: list[str] = field(default_factory=list)
    items: list[str] = field(default_factory=list)
    total: int = 0  # evidence lists are capped while counts stay exact: the real number of items


class Evidence:
    """The evidence dict, remembering which keys a rule function read (the rest go to the generic renderer)."""

    def __init__(self, data: dict[str, Any]):
        self.data = data
        self.read: set[str] = set()

    def get(self, key: str, default: Any = None) -> Any:
        self.read.add(key)
        value = self.data.get(key)
        return default if value is None else value

    def skip(self, *keys: str) -> None:
        """Keys deliberately not shown (repeated elsewhere in the lines)."""
        self.read.update(keys)

    def entries(self, key: str) -> list[Any]:
        value = self.get(key, [])
        return list(value) if isinstance(value, list | tuple) else [value]

    def leave(self, *keys: str) -> None:
        """Keys the rule function does not show: the generic renderer shows them as they are."""
        self.read.difference_update(keys)

    def rest(self) -> dict[str, Any]:
        return {k: v for k, v in self.data.items() if k not in self.read}

    def shaped(self, shape: type[ShapeT], *, leave: tuple[str, ...] = ()) -> ShapeT:
        """The evidence as the rule's shape; its keys count as read (the rule's renderer shows them),
        except those in `leave`."""
        self.read.update(getattr(shape, "__annotations__", {}))
        self.leave(*leave)
        return cast(ShapeT, self.data)


Renderer = Callable[[Evidence], Lines]


def _needs(*keys: str) -> Callable[[Renderer], Renderer]:
    """A rule function speaks only when its evidence has one of `keys`; otherwise the generic renderer does."""

    def wrap(render: Renderer) -> Renderer:
        def guarded(ev: Evidence) -> Lines:
            return render(ev) if any(k in ev.data for k in keys) else Lines()

        guarded.__doc__ = render.__doc__
        return guarded

    return wrap


def describe_evidence(finding: Finding, *, limit: int | None = None) -> list[str]:
    """The evidence of `finding` as Chinese lines; with `limit`, at most that many lines before "……共 N 项".

    Summary lines always stay; item lines are cut. The reviewer's note ends the lines as 复核意见.
    """
    data = finding.evidence if isinstance(finding.evidence, dict) else {"evidence": finding.evidence}
    render = _manual if finding.source == Source.MANUAL else RENDERERS.get(finding.rule, _nothing)
    evidence = Evidence(data)
    try:
        lines = render(evidence)
    except (AttributeError, KeyError, TypeError, ValueError):  # odd hand-made evidence: show it as it is
        evidence, lines = Evidence(data), Lines()
    extra = generic(evidence.rest())
    lines.total = max(lines.total, len(lines.items)) + extra.total
    lines.head += extra.head
    lines.items += extra.items
    tail = [f"复核意见：{finding.note}"] if finding.note else []
    return _cut(lines, tail, limit)


def _cut(lines: Lines, tail: list[str], limit: int | None) -> list[str]:
    total = max(lines.total, len(lines.items))
    shown = lines.items if limit is None else lines.items[:max(limit - len(lines.head) - len(tail), 0)]
    more = [f"……共 {total} 项"] if len(shown) < total else []
    return [*lines.head, *shown, *more, *tail]


# -- shared wording ---------------------------------------------------------------------------------
moment = to_minute  # 2022-12-10T10:00:00+08:00 -> 2022-12-10 10:00; a date stays a date


def _short(text: Any, chars: int = TITLE_CHARS) -> str:
    text = " ".join(str(text or "").split())
    return text if len(text) <= chars else text[:chars] + "…"


def phrase(text: Any) -> str:
    """A crawler reason in Chinese (unknown text is kept as it is)."""
    return _PHRASES.get(str(text), str(text))


def failure_evidence(failure: PageFailure) -> FailureEvidence:
    return {"kind": failure.kind, "status": failure.status, "detail": failure.detail}


def failure_words(failure: FailureEvidence) -> str:
    """timeout + "read timed out" -> 超时：read timed out; http_status 404 + "Not Found" -> HTTP错误 404：Not Found;
    a crawler reason in Chinese with its detail; a failure without kind is its detail."""
    kind, status, detail = failure.get("kind") or "", failure.get("status"), failure.get("detail") or ""
    if kind in _PHRASES:
        return f"{_PHRASES[kind]}：{_short(detail, DETAIL_CHARS)}" if detail else _PHRASES[kind]
    if kind in OUTCOME_LABELS:
        label = OUTCOME_LABELS[kind] + (f" {status}" if status is not None else "")
        said = detail if detail != f"HTTP {status}" else ""  # "http_status 500: HTTP 500" says it once
        return f"{label}：{_short(said, DETAIL_CHARS)}" if said else label
    return detail or kind or (f"HTTP错误 {status}" if status else "无法打开")


def _days(days: Any, limit: Any) -> str:
    return f"已 {days} 天未更新（要求 {limit} 天内更新）" if limit is not None else f"已 {days} 天未更新"


def _newest(date: Any, title: Any, days: Any, limit: Any) -> str:
    """最新信息 2022-12-01「标题」，已 27 天未更新（要求 14 天内更新）"""
    if not date:
        return "未识别到带日期的信息，视为未更新"
    shown = f"「{_short(title)}」" if title else ""
    return f"最新信息 {date}{shown}，{_days(days, limit)}"


def _at(url: Any) -> str:
    return f"：{url}" if url else ""


def _count_head(ev: Evidence, what: str, key: str) -> Lines:
    entries = ev.entries(key)
    if key not in ev.data and "count" not in ev.data:
        return Lines()
    count = ev.get("count", len(entries))
    veto = ev.get("veto_count")
    return Lines([f"{what} {count} 个" + (f"（否决线 {veto} 个）" if veto is not None else "")], total=int(count))


def _each(entries: list[Any], render: Callable[[EntryT], str]) -> list[str]:
    """Each listed item through `render` (items of the rule's shape), anything else as words."""
    return [render(cast(EntryT, e)) if isinstance(e, dict) else value_text(e) for e in entries]


def _given(value: Any, default: Any) -> Any:
    """`value`, or `default` when the evidence holds nothing (None) there."""
    return default if value is None else value


# -- website rules ----------------------------------------------------------------------------------
class HomepageStaleEvidence(TypedDict, total=False):
    """首页不更新: the newest dated item seen, where it was looked for and how old it is."""

    url: str  # the home page
    judged_on: str  # 首页, or the second-level pages when the home page is a navigation entrance
    newest_date: str
    newest_title: str
    newest_url: str
    date_source: str  # list, pubdate, url (see observations.ListingItem)
    days_since_update: int
    stale_days: int
    dated_items_seen: int
    rendered: bool  # read in the headless browser (shown by the generic renderer)
    level: str  # 预警 below the veto line


@_needs("newest_date", "days_since_update")
def _homepage_stale(ev: Evidence) -> Lines:
    data = ev.shaped(HomepageStaleEvidence, leave=("rendered",))
    prefix = "【预警】" if data.get("level") == "预警" else ""
    where = _given(data.get("judged_on"), "首页")
    newest = _newest(data.get("newest_date"), data.get("newest_title"), data.get("days_since_update"),
                     data.get("stale_days"))
    head = [f"{prefix}{where}{newest}" + _at(data.get("newest_url") or data.get("url"))]
    basis = f"判断依据：识别到带日期的信息 {_given(data.get('dated_items_seen'), 0)} 条"
    source = data.get("date_source")
    if source:
        basis += f"，日期取自{_DATE_SOURCES.get(source, source)}"
    return Lines([*head, basis + (f"；网站首页 {data.get('url')}" if data.get("url") else "")])


class StaleColumn(TypedDict, total=False):
    """One column of 栏目不更新: its newest dated item and how old it is."""

    column: str
    url: str
    level: int  # 1 first-level, 2 sub-column
    category: str  # the category's label (动态要闻类 …)
    newest_date: str | None
    newest_title: str
    newest_url: str
    days_since_update: int | None
    stale_days: int
    items_seen: int
    undated_items: int
    rendered: bool


class StaleColumnsEvidence(TypedDict, total=False):
    """栏目不更新 (stale_columns and stale_columns_long): how many, the line, the columns."""

    count: int
    veto_count: int
    stale_columns: list[StaleColumn]


def _stale_column(entry: StaleColumn) -> str:
    about = [x for x in (entry.get("category"), _LEVELS.get(entry.get("level"), "")) if x]
    name = f"栏目「{entry.get('column', '')}」" + (f"（{'，'.join(about)}）" if about else "")
    newest = _newest(entry.get("newest_date"), entry.get("newest_title"), entry.get("days_since_update"),
                     entry.get("stale_days"))
    if not entry.get("newest_date") and entry.get("items_seen"):
        newest = f"{entry['items_seen']} 条信息均无日期，视为未更新"
    return f"{name}{newest}{_at(entry.get('url'))}{_rendered(entry)}"


def _rendered(entry: StaleColumn | BlankColumn) -> str:
    """Said of a list read in the headless browser after the page's scripts filled it."""
    return "（页面经浏览器渲染后读取）" if entry.get("rendered") else ""


def _stale_columns(ev: Evidence) -> Lines:
    ev.shaped(StaleColumnsEvidence)
    lines = _count_head(ev, "不更新栏目", "stale_columns")
    lines.items = _each(ev.entries("stale_columns"), _stale_column)
    return lines


def _stale_columns_long(ev: Evidence) -> Lines:
    ev.shaped(StaleColumnsEvidence)
    lines = _count_head(ev, "应更新但长期未更新栏目", "stale_columns")
    lines.items = _each(ev.entries("stale_columns"), _stale_column)
    return lines


class BlankColumn(TypedDict, total=False):
    """One column of 空白栏目 and what it showed instead of content."""

    column: str
    url: str
    level: int
    reason: str  # the placeholder seen (暂无信息 …), or 空列表 / 空页面
    rendered: bool


class BlankColumnsEvidence(TypedDict, total=False):
    """空白栏目: how many, the line, the columns."""

    count: int
    veto_count: int
    blank_columns: list[BlankColumn]


def _blank_column(entry: BlankColumn) -> str:
    reason = phrase(entry.get("reason") or "空列表")
    return f"栏目「{entry.get('column', '')}」空白（{reason}）{_at(entry.get('url'))}{_rendered(entry)}"


def _blank_columns(ev: Evidence) -> Lines:
    ev.shaped(BlankColumnsEvidence)
    lines = _count_head(ev, "空白栏目", "blank_columns")
    lines.items = _each(ev.entries("blank_columns"), _blank_column)
    return lines


class FailedColumn(TypedDict, total=False):
    """One column page that could not be fetched or read whole."""

    column: str
    url: str
    status: int | None
    error: str  # the failure in one line, for scripts
    failure: FailureEvidence


class FetchFailedEvidence(TypedDict, total=False):
    """栏目页面无法打开: the home page that failed (url, error, checked_at) or the columns that did."""

    url: str
    error: str  # the failure in one line, for scripts
    failure: FailureEvidence
    checked_at: str
    count: int
    columns: list[FailedColumn]


def _failed_column(entry: FailedColumn) -> str:
    return f"栏目「{entry.get('column', '')}」无法打开（{_why_not_read(entry)}）{_at(entry.get('url'))}"


def _why_not_read(evidence: FailedColumn | FetchFailedEvidence) -> str:
    """The recorded failure in words; evidence stored before failures were recorded shows its error line."""
    failure = evidence.get("failure")
    if failure is not None:
        return failure_words(failure)
    status = evidence.get("status") if "column" in evidence else None
    return evidence.get("error") or (f"HTTP错误 {status}" if status else "无法打开")


@_needs("error", "columns")
def _fetch_failed(ev: Evidence) -> Lines:
    data = ev.shaped(FetchFailedEvidence)
    if "columns" not in data:
        head = [f"网站首页无法打开（{_why_not_read(data)}）{_at(data.get('url'))}"]
        if data.get("checked_at"):
            head.append(f"检查时间：{moment(data.get('checked_at'))}")
        return Lines(head)
    lines = _count_head(ev, "无法打开的栏目", "columns")
    lines.items = _each(ev.entries("columns"), _failed_column)
    return lines


class IllegalLink(TypedDict, total=False):
    """One link to an illegal site: where it is, how it is hidden, and what decided its target."""

    page_url: str
    href: str
    text: str
    hidden: str  # the hiding technique, "" when visible
    element: str  # a, area, option, onclick, iframe …
    listed_in: str  # the rules/illegal_domains list naming the target, "" when none
    target_title: str
    score: int
    keywords: list[str]
    decisive: str  # the brand that decided it, or ""
    snippet: str
    article: str  # the title of the article carrying it


class IllegalLinksEvidence(TypedDict, total=False):
    """链接非法网站 / 存在网站暗链: the links (visible or hidden ones, one finding each) and the techniques."""

    count: int
    links: list[IllegalLink]
    techniques: list[str]


def _why_illegal(entry: IllegalLink) -> str:
    if entry.get("listed_in"):
        return "列入非法域名名单"
    parts = [f"目标页面标题「{_short(entry['target_title'])}」"] if entry.get("target_title") else []
    if entry.get("decisive"):
        parts.append(f"判定依据 {entry['decisive']}")
    keywords = [str(k) for k in entry.get("keywords") or []]
    if keywords:
        more = f"等 {len(keywords)} 个" if len(keywords) > MAX_KEYWORDS else ""
        parts.append(f"命中关键词：{'、'.join(keywords[:MAX_KEYWORDS])}{more}")
    parts.append(f"得分 {entry.get('score', 0)}")
    return "，".join(parts)


def _illegal_link(entry: IllegalLink) -> str:
    hidden, element = entry.get("hidden"), _ELEMENTS.get(entry.get("element") or "a", "")
    kind = f"隐藏链接（{_HIDING.get(hidden, hidden)}）" if hidden else "链接"
    kind = f"{element}{kind}" if element else kind
    parts = [f"{kind}指向 {entry.get('href', '')}（{_why_illegal(entry)}）", f"所在页面 {entry.get('page_url', '')}"]
    if entry.get("article"):
        parts[-1] += f"（文章「{_short(entry['article'])}」）"
    if entry.get("text"):
        parts.append(f"锚文本「{_short(entry['text'])}」")
    return "；".join(parts)


def _illegal_links(ev: Evidence) -> Lines:
    ev.shaped(IllegalLinksEvidence)
    techniques = [_HIDING.get(t, t) for t in ev.entries("techniques")]
    what = "暗链" if techniques or any(isinstance(e, dict) and e.get("hidden") for e in ev.entries("links")) \
        else "指向非法网站的链接"
    lines = _count_head(ev, what, "links")
    if techniques:
        lines.head[0] += f"（隐藏方式：{'、'.join(techniques)}）"
    lines.items = _each(ev.entries("links"), _illegal_link)
    return lines


class MissingJiucuoEvidence(TypedDict, total=False):
    """未规范添加找错入口: the home page's entry, and the share of inner pages without one."""

    home_page: str
    home_present: bool
    home_visible: bool
    inner_pages_checked: int
    inner_pages_without: int
    inner_share_without: float
    pages_without: list[str]


@_needs("home_present", "pages_without")
def _missing_jiucuo(ev: Evidence) -> Lines:
    data = ev.shaped(MissingJiucuoEvidence)
    home, present = _given(data.get("home_page"), ""), _given(data.get("home_present"), True)
    visible = _given(data.get("home_visible"), True)
    if not present:
        state = "未添加“我为政府网站找错”入口"
    elif not visible:
        state = "“我为政府网站找错”入口存在但被隐藏"
    else:
        state = "“我为政府网站找错”入口正常"
    head = [f"首页{state}{_at(home)}"]
    checked, without = _given(data.get("inner_pages_checked"), 0), _given(data.get("inner_pages_without"), 0)
    share = _given(data.get("inner_share_without"), 0)
    if checked:
        head.append(f"抽查内页 {checked} 个，其中 {without} 个无入口（占 {float(share):.1%}）")
    pages = ev.entries("pages_without")
    return Lines(head, [f"无入口页面：{value_text(p)}" for p in pages], total=int(without or len(pages)))


class JiucuoCodePage(TypedDict, total=False):
    """A page whose 找错 entry carries another site's code."""

    page_url: str
    entry_code: str
    form: str  # script, link, backend-link, image


class JiucuoCodeMismatchEvidence(TypedDict, total=False):
    """入口网站标识码与注册不一致: the registered code and the pages whose entry carries another."""

    registered_code: str
    count: int
    pages: list[JiucuoCodePage]


def _code_page(entry: JiucuoCodePage) -> str:
    form = _JIUCUO_FORMS.get(entry.get("form", ""), entry.get("form", ""))
    return f"入口标识码 {entry.get('entry_code', '')}" + (f"（{form}）" if form else "") + _at(entry.get("page_url"))


@_needs("pages", "registered_code")
def _jiucuo_code_mismatch(ev: Evidence) -> Lines:
    data = ev.shaped(JiucuoCodeMismatchEvidence)
    pages = ev.entries("pages")
    count = _given(data.get("count"), len(pages))
    head = [f"注册网站标识码 {_given(data.get('registered_code'), '')}，找错入口标识码不一致的页面 {count} 个"]
    return Lines(head, _each(pages, _code_page), total=int(count))


class WordingMatchEntry(TypedDict, total=False):
    """One sentence carrying a wrong term, on a page or in an article."""

    page_url: str
    phrase: str
    snippet: str  # the sentence with the term between 【 and 】
    article: str
    correction: str  # in evidence stored as one finding for all terms


class SeriousWordingEvidence(TypedDict, total=False):
    """严重表述错误: one term on one site, its correction and category, and each sentence."""

    phrase: str
    correction: str
    category: str
    count: int
    matches: list[WordingMatchEntry]
    level: str  # 疑似 for the suspect categories


def _wording_match(entry: WordingMatchEntry) -> str:
    correct = f"应为「{entry['correction']}」" if entry.get("correction") else ""
    snippet = f"：{_short(entry['snippet'], DETAIL_CHARS)}" if entry.get("snippet") else ""
    where = f"（{entry['page_url']}）" if entry.get("page_url") else ""
    if entry.get("article"):
        where = f"（文章「{_short(entry['article'])}」{entry.get('page_url', '')}）"
    return f"「{entry.get('phrase', '')}」{correct}{snippet}{where}"


@_needs("matches")
def _serious_wording(ev: Evidence) -> Lines:
    matches = ev.entries("matches")
    count = ev.get("count", len(matches))
    if not ev.data.get("phrase"):  # evidence of one finding for all terms
        return Lines([f"严重表述错误 {count} 处"], _each(matches, _wording_match), total=int(count))
    data = ev.shaped(SeriousWordingEvidence)
    correct = f"，应为「{data.get('correction')}」" if data.get("correction") else ""
    category = f"（{data.get('category')}）" if data.get("category") else ""
    level = "疑似" if data.get("level") == "疑似" else ""
    head = [f"{level}表述错误「{data.get('phrase')}」{correct}{category}，共 {count} 处"]
    return Lines(head, _each(matches, _wording_sentence), total=int(count))


def _wording_sentence(entry: WordingMatchEntry) -> str:
    article = f"文章「{_short(entry['article'])}」" if entry.get("article") else ""
    return f"{_short(entry.get('snippet', ''), DETAIL_CHARS * 2)}（{article}{entry.get('page_url', '')}）"


class DeadLinkEntry(TypedDict, total=False):
    """One same-site link that does not open, and the pages carrying it (the first few)."""

    url: str
    outcome: str  # http_404, timeout, dns …
    status: int | None
    found_on: list[str]


class DeadLinksEvidence(TypedDict, total=False):
    """存在错链、断链: how many, and the links."""

    count: int
    links: list[DeadLinkEntry]


def _dead_link(entry: DeadLinkEntry) -> str:
    pages = entry.get("found_on") or []
    where = f"；所在页面：{'、'.join(map(str, pages))}" if pages else ""
    status, outcome = entry.get("status"), entry.get("outcome") or ""
    why = f"HTTP错误 {status}" if status is not None and status >= 400 else OUTCOME_LABELS.get(outcome, outcome)
    return f"{entry.get('url', '')} 无法打开（{why or '无法打开'}）{where}"


@_needs("links")
def _dead_links(ev: Evidence) -> Lines:
    ev.shaped(DeadLinksEvidence)
    links = ev.entries("links")
    count = ev.get("count", len(links))
    return Lines([f"错链、断链 {count} 个"], _each(links, _dead_link), total=int(count))


class PrivacySample(TypedDict, total=False):
    """One masked number and the masked sentence around it."""

    kind: str  # 身份证号码, 手机号码, 银行卡号
    masked: str
    snippet: str


class PrivacyExposureEvidence(TypedDict, total=False):
    """泄露个人隐私信息: a page or attachment showing personal data (masked), and the article it is in."""

    url: str
    document: str  # 网页, PDF, XLSX, XLS, DOCX
    title: str
    kinds: dict[str, int]  # kind -> how many
    count: int
    samples: list[PrivacySample]
    found_on: str  # for an attachment: the page linking it
    column: str
    article_title: str
    article_date: str | None


class UnreadAttachment(TypedDict, total=False):
    """An attachment that could not be read, so was not looked at for personal data."""

    url: str
    document: str
    reason: str
    found_on: str


class UnreadAttachmentsEvidence(TypedDict, total=False):
    """泄露个人隐私信息, 未能判断: the attachments not read."""

    level: str  # 未能判断
    count: int
    attachments: list[UnreadAttachment]


def _privacy_sample(entry: PrivacySample) -> str:
    snippet = f"：{_short(entry['snippet'], DETAIL_CHARS)}" if entry.get("snippet") else ""
    return f"{entry.get('kind', '')} {entry.get('masked', '')}{snippet}"


def _unread_attachment(entry: UnreadAttachment) -> str:
    where = f"（链接所在页面 {entry['found_on']}）" if entry.get("found_on") else ""
    return f"{entry.get('document', '')}附件 {entry.get('url', '')} 未能读取：{phrase(entry.get('reason', ''))}{where}"


@_needs("kinds", "attachments")
def _privacy_leak(ev: Evidence) -> Lines:
    """Which page or attachment shows which personal data, how many, with masked samples only."""
    if ev.data.get("attachments"):
        unread = ev.shaped(UnreadAttachmentsEvidence)
        attachments = ev.entries("attachments")
        count = _given(unread.get("count"), len(attachments))
        return Lines([f"未能判断：{count} 个附件无法读取，未检查其中是否含个人信息"],
                     _each(attachments, _unread_attachment), total=int(count))
    data = ev.shaped(PrivacyExposureEvidence)
    kinds = _given(data.get("kinds"), {})
    what = "、".join(f"{kind} {number} 个" for kind, number in kinds.items())
    document = _given(data.get("document"), "")
    where = f"{'网页' if document == '网页' else document + '附件'} {_given(data.get('url'), '')}"
    title = f"「{_short(data.get('title'), TITLE_CHARS)}」" if data.get("title") else ""
    head = [f"{where}{title}公开了未脱敏的个人信息：{what}（证据中已脱敏）"]
    if data.get("found_on"):
        head.append(f"附件链接所在页面：{data.get('found_on')}")
    if data.get("article_title"):
        date = f"（{data.get('article_date')}）" if data.get("article_date") else ""
        column = _given(data.get("column"), "")
        head.append(f"所在文章：栏目「{column}」「{_short(data.get('article_title'), TITLE_CHARS)}」{date}")
    else:  # no article named: its column and date, if any, are shown as they are
        ev.leave("column", "article_date")
    samples = ev.entries("samples")
    return Lines(head, _each(samples, _privacy_sample), total=len(samples))


class ForgedDatesEvidence(TypedDict, total=False):
    """伪造发稿日期 (疑似): the article, the date it shows, and the sign that contradicts it."""

    url: str
    title: str
    shown_date: str
    sign: str  # url_date, first_seen, same_text
    gap_days: int | None
    url_date: str  # sign url_date: the date in the URL
    first_seen: str  # sign first_seen: when govmon first saw the article
    first_shown_date: str | None  # … and the date it showed then
    earlier_url: str  # sign same_text: the same article under an older date
    earlier_date: str | None
    level: str  # 疑似


@_needs("sign")
def _forged_dates(ev: Evidence) -> Lines:
    """The displayed date against the date that contradicts it."""
    data = ev.shaped(ForgedDatesEvidence)
    title = f"「{_short(data.get('title'), TITLE_CHARS)}」" if data.get("title") else "文章"
    shown = f"{title}显示发布日期 {data.get('shown_date')}"
    sign, gap = data.get("sign"), data.get("gap_days")
    if sign == "url_date":
        line = f"{shown}，而其网址中的日期为 {data.get('url_date')}（相差 {gap} 天），疑似旧稿新发"
    elif sign == "first_seen":
        before = f"（当时显示日期 {data.get('first_shown_date')}）" if data.get("first_shown_date") else ""
        line = f"{shown}，但本系统已于 {data.get('first_seen')} 见到该文章{before}，疑似改动发稿日期"
    else:
        line = f"{shown}，相同标题和正文的文章已于 {data.get('earlier_date')} 发布（{data.get('earlier_url')}），疑似旧稿新发"
    return Lines([f"{line}：{data.get('url')}"])


class FooterIdentityEvidence(TypedDict, total=False):
    """底部功能区要素不全: what the footer lacks, and a footer code other than the registered one."""

    url: str
    missing: list[str]
    footer_code: str
    registered_code: str


@_needs("missing", "footer_code")
def _footer_identity(ev: Evidence) -> Lines:
    data = ev.shaped(FooterIdentityEvidence)
    head = []
    missing = ev.entries("missing")
    if missing:
        head.append(f"网站底部缺少：{'、'.join(map(str, missing))}{_at(data.get('url'))}")
    if data.get("footer_code"):
        head.append(f"底部网站标识码 {data.get('footer_code')} 与注册的 {_given(data.get('registered_code'), '')} 不一致"
                    + ("" if missing else _at(data.get("url"))))
    return Lines(head or [f"网站底部要素不全{_at(data.get('url'))}"])


# -- site basics and tampering ----------------------------------------------------------------------
@_needs("subject", "problems")
def _certificate_invalid(ev: Evidence) -> Lines:
    data = ev.shaped(CertificateEvidence)
    problems = "、".join(data.get("problems") or [])
    if problems:
        head = [f"证书问题：{problems}{_at(data.get('url'))}"]
    else:
        head = [f"证书将于 {moment(data.get('not_after'))} 过期，剩余 {data.get('days_left')} 天"
                f"（提前 {data.get('warning_days')} 天预警）{_at(data.get('url'))}"]
    head.append(f"证书主体：{data.get('subject', '')}；颁发者：{data.get('issuer', '')}")
    head.append(f"有效期：{moment(data.get('not_before'))} 至 {moment(data.get('not_after'))}"
                + (f"（检查时点 {moment(data.get('checked_at'))}）" if data.get("checked_at") else ""))
    if data.get("names"):
        head.append(f"证书所列域名：{'、'.join(data.get('names') or [])}")
    if data.get("detail"):
        head.append(f"校验信息：{_short(data.get('detail'), DETAIL_CHARS)}")
    return Lines(head)


_HTTPS_POINTS = {"no_https": "HTTPS 无法访问，未启用HTTPS", "no_redirect": "HTTP 访问未跳转至 HTTPS",
                 "no_hsts": "HTTPS 首页未返回有效的 Strict-Transport-Security（HSTS）响应头"}


@_needs("point")
def _https_missing(ev: Evidence) -> Lines:
    data = ev.shaped(HttpsEvidence)
    point = str(data.get("point", ""))
    head = [f"{_HTTPS_POINTS.get(point, point)}{_at(data.get('url'))}"]
    if data.get("error"):
        head.append(f"访问结果：{_failure_or_reason(data)}")
    if data.get("final_url"):
        head.append(f"最终停留在：{data.get('final_url')}")
    if data.get("hsts"):
        head.append(f"收到的 HSTS 头：{data.get('hsts')}")
    return Lines(head)


@_needs("aaaa", "failed")
def _no_ipv6(ev: Evidence) -> Lines:
    data = ev.shaped(Ipv6Evidence)
    aaaa = data.get("aaaa") or []
    if not aaaa:
        return Lines([f"域名 {data.get('url', '')} 无 IPv6 地址（AAAA 记录）"])
    failed = data.get("failed") or []
    head = [f"域名 {data.get('url', '')} 的 IPv6 地址 {'、'.join(aaaa)}：{len(failed)} 个页面经 IPv6 无法访问"]
    items = [f"{f.get('level', '')}{_at(f.get('url'))}（{_failure_or_reason(f)}）" for f in failed]
    checked = data.get("checked") or []
    if checked:
        head.append("经 IPv6 检查：" + "、".join(str(page.get("level", "")) for page in checked))
    return Lines(head, items, total=len(items))


@_needs("problems", "host")
def _domain_rule(ev: Evidence) -> Lines:
    data = ev.shaped(DomainEvidence)
    return Lines([f"{data.get('kind', '')}网址 {data.get('url', '')}：{'；'.join(data.get('problems') or [])}"])


_ROLES = {"home": "首页", "column": "栏目页", "article": "文章页"}


@_needs("role", "pages")
def _metadata_tags(ev: Evidence) -> Lines:
    data = ev.shaped(MetadataEvidence)
    role = _ROLES.get(str(data.get("role", "")), str(data.get("role", "")))
    pages = data.get("pages") or []
    head = [f"{role}缺少元数据标签 {data.get('count', len(pages))} 个页面"] if pages else []
    if data.get("meta_code"):
        head.append(f"{role} SiteIDCode {data.get('meta_code')} 与注册的网站标识码 {data.get('registered_code', '')} 不一致")
    items = [f"{page.get('url', '')}：缺少 {'、'.join(page.get('missing') or [])}" for page in pages]
    return Lines(head, items, total=int(data.get("count", len(items))))


@_needs("sign")
def _tampered(ev: Evidence) -> Lines:
    data = ev.shaped(TamperEvidence)
    prefix = "【疑似】" if data.get("level") == "疑似" else ""
    head = [f"{prefix}{data.get('sign', '')}{_at(data.get('url'))}"]
    if data.get("target"):
        head.append(f"跳转目标：{data.get('target')}")
    if "before" in data:
        since = f"（{moment(data.get('before_seen_at'))} 检查时）" if data.get("before_seen_at") else ""
        head.append(f"此前{since}：{_short(data.get('before'), DETAIL_CHARS) or '（空）'}")
    if data.get("after"):
        head.append(f"本次：{_short(data.get('after'), DETAIL_CHARS)}")
    if data.get("keywords"):
        head.append(f"命中词：{'、'.join((data.get('keywords') or [])[:MAX_KEYWORDS])}")
    if data.get("snippet"):
        head.append(f"代码摘录：{_short(data.get('snippet'), DETAIL_CHARS)}")
    if data.get("first_check"):
        head.append("首次检查：仅依据无需历史比对的特征判断")
    return Lines(head)


# -- availability and accounts ----------------------------------------------------------------------
def _share(value: Any) -> str:
    return f"{float(value) * 100:g}%" if isinstance(value, int | float) else str(value)


def _probe_failure(entry: ProbeFailure) -> str:
    outcome = str(entry.get("outcome", ""))
    label = OUTCOME_LABELS.get(outcome, outcome or "失败")
    if entry.get("status") is not None and outcome == "http_status":
        label += f" {entry['status']}"
    detail = f"：{_short(entry['error'], DETAIL_CHARS)}" if entry.get("error") else ""
    return f"{moment(entry.get('at'))} {label}{detail}"


@_needs("total", "failures")
def _unreachable(ev: Evidence) -> Lines:
    data = ev.shaped(UnreachableEvidence)
    window = data.get("window")
    failures = list(data.get("failures") or [])
    failed, total = data.get("failed", len(failures)), data.get("total", 0)
    veto_share, warning_share = data.get("veto_share"), data.get("warning_share")
    limits = [f"否决线 {_share(veto_share)}"] if veto_share is not None else []
    if warning_share is not None:
        limits.append(f"预警线 {_share(warning_share)}")
    share = data.get("share_text") or _share(data.get("share", 0))
    line = f"近 {window.get('days', '') if window else ''} 天监测 {total} 次，失败 {failed} 次，失败率 {share}"
    line += (f"（{'，'.join(limits)}）" if limits else "") + (f"，判定：{data['level']}" if data.get("level") else "")
    head = [line]
    if window and window.get("from"):
        head.append(f"监测时段：{moment(window['from'])} 至 {moment(window.get('to'))}")
    if data.get("discarded"):
        head.append(f"另有 {data.get('discarded')} 次因监测方网络故障作废，不计入")
    if data.get("note"):
        head.append(str(data.get("note")))
    listed = len(failures) + int(data.get("failures_not_listed", 0))
    return Lines(head, [_probe_failure(f) for f in failures], total=listed)


class AccountStaleEvidence(TypedDict, total=False):
    """监测时间点内2周未更新: the latest regular post (if any), how long the account was silent, the source."""

    latest_post_at: str | None  # a date when the source gives only dates
    latest_post_title: str
    latest_post_url: str
    days_silent: int | None
    stale_days: int
    source: str
    source_kind: str  # feed, weibo, bilibili, wechat, page, manual, none
    checked_at: str
    pinned_ignored: int
    pinned_post_at: str  # a pinned post newer than the latest regular one (never counted)
    note: str  # 空壳, 僵尸账号, 仅有置顶内容


@_needs("latest_post_at", "days_silent", "note")
def _account_stale(ev: Evidence) -> Lines:
    data = ev.shaped(AccountStaleEvidence)  # title, URL and limit are shown with the latest post, if any
    note = _given(data.get("note"), "")
    latest, days = data.get("latest_post_at"), data.get("days_silent")
    if latest:
        title = f"「{_short(data.get('latest_post_title'))}」" if data.get("latest_post_title") else ""
        zombie = "，属僵尸账号" if note == "僵尸账号" else ""
        head = [f"最近发布 {moment(latest)}{title}，{_days(days, data.get('stale_days'))}{zombie}"
                f"{_at(data.get('latest_post_url'))}"]
    elif note == "仅有置顶内容":
        head = ["仅有置顶内容，无常规发布（置顶内容不计入更新）"]
    else:
        head = ["未发现任何发布内容（空壳账号）" if note == "空壳" or not note else f"未发现发布内容（{note}）"]
    if note and note not in ("僵尸账号", "仅有置顶内容", "空壳") and latest:
        head.append(f"说明：{note}")
    if data.get("pinned_ignored"):
        head.append(f"已忽略置顶内容 {data.get('pinned_ignored')} 条（置顶不计入更新）")
    if data.get("pinned_post_at"):
        head.append(f"置顶内容最近发布于 {moment(data.get('pinned_post_at'))}，不计入更新")
    kind = _given(data.get("source_kind"), "")
    basis = _SOURCE_KINDS.get(kind, kind) + (f"（{data.get('source')}）" if data.get("source") else "")
    checked = data.get("checked_at")
    if basis or checked:
        head.append(f"核查依据：{basis or '—'}" + (f"，检查于 {moment(checked)}" if checked else ""))
    return Lines(head)


def _letter(entry: dict[str, Any]) -> str:
    return (f"{entry.get('asked', '')}「{_short(entry.get('title'))}」{entry.get('state', '')}，"
            f"已 {entry.get('days_waiting', '')} 天未回复{_at(entry.get('url'))}")


def _no_interaction(ev: Evidence) -> Lines:
    """Unanswered letters of a channel, an idle channel, or no working channel."""
    if "letters" in ev.data:
        data = ev.shaped(UnansweredEvidence)
        median_days = data.get("median_reply_days")
        replied = f"，回复用时中位数 {median_days:g} 天" if isinstance(median_days, int | float) else ""
        head = [f"互动栏目「{data.get('channel', '')}」近 {data.get('window_days', '')} 天来信 "
                f"{data.get('letters_in_window', '')} 件，已回复 {data.get('replied_in_window', '')} 件{replied}；"
                f"超过 {data.get('unanswered_days', '')} 天未回复 {data.get('count', '')} 件{_at(data.get('url'))}"]
        letters = list(data.get("letters") or [])
        return Lines(head, _each(letters, _letter), total=int(data.get("count", len(letters))))
    if "idle_days" in ev.data:
        idle = ev.shaped(IdleBoardEvidence)
        newest = idle.get("newest_letter")
        seen = f"最近来信 {newest}，列表共 {idle.get('letters_seen', 0)} 件" if newest else "列表无任何来信"
        return Lines([f"互动栏目「{idle.get('channel', '')}」近 {idle.get('idle_days', '')} 天无来信（{seen}）"
                      f"{_at(idle.get('url'))}"])
    if "kind" in ev.data or "dead_channels" in ev.data:
        none = ev.shaped(NoChannelEvidence)
        dead = list(none.get("dead_channels") or [])
        if not dead:
            return Lines([f"未找到留言、信箱、咨询等互动交流渠道（{none.get('kind', '')}应提供）{_at(none.get('url'))}"])
        items = [f"「{d.get('channel', '')}」无法打开（{_failure_or_reason(d)}）{_at(d.get('url'))}" for d in dead]
        return Lines(["互动交流渠道均无法使用"], items, total=len(items))
    return Lines()


def _failure_or_reason(entry: FailureLine | HttpsEvidence) -> str:
    """The recorded fetch failure in words, or the crawler's reason (空页面 …) as it wrote it."""
    failure = entry.get("failure")
    return failure_words(failure) if failure is not None else phrase(entry.get("error", ""))


def _dead_entry(entry: DeadEntry) -> str:
    where = "（站外）" if entry.get("offsite") else ""
    return f"「{entry.get('name', '')}」{where}无法使用（{_failure_or_reason(entry)}）{_at(entry.get('url'))}"


def _services_unusable(ev: Evidence) -> Lines:
    """Dead entries, a guide lacking elements, or no 办事服务 at all."""
    if "entries" in ev.data:
        dead = ev.shaped(DeadEntriesEvidence)
        entries = list(dead.get("entries") or [])
        count = int(dead.get("count", len(entries)))
        return Lines([f"办事服务入口无法使用 {count} 个"], _each(entries, _dead_entry), total=count)
    if "missing" in ev.data:
        guide = ev.shaped(GuideEvidence)
        missing = list(guide.get("missing") or [])
        head = [f"办事指南「{_short(guide.get('title'))}」缺少 {len(missing)} 项重点要素"
                f"（缺少 {guide.get('missing_elements', '')} 项及以上即列出）：{'、'.join(missing)}{_at(guide.get('url'))}"]
        if guide.get("found_on") and guide.get("found_on") != guide.get("url"):
            head.append(f"指南链接所在页面：{guide.get('found_on')}")
        return Lines(head)
    if "kind" in ev.data:
        none = ev.shaped(NoServicesEvidence)
        return Lines([f"未找到办事服务入口（{none.get('kind', '')}应提供办事服务）{_at(none.get('url'))}"])
    return Lines()


@_needs("rule", "reason")
def _undetermined(ev: Evidence) -> Lines:
    """Which rule could not be judged, why, and where: a reader knows what to look at by hand."""
    data = ev.shaped(UndeterminedEvidence)
    rule = data.get("rule_wording") or data.get("rule", "")
    return Lines([f"无法判断「{rule}」：{phrase(data.get('reason', ''))}{_at(data.get('url'))}"])


@_needs("url", "snippet")
def _manual(ev: Evidence) -> Lines:
    """A reviewer's finding: the page and the offending text."""
    snippet = f"问题内容「{_short(ev.get('snippet'), DETAIL_CHARS)}」" if ev.get("snippet") else "人工发现的问题"
    return Lines([f"{snippet}{_at(ev.get('url'))}"])


def _nothing(ev: Evidence) -> Lines:
    return Lines()


RENDERERS: dict[str, Renderer] = {
    "homepage_stale": _homepage_stale,
    "stale_columns": _stale_columns,
    "stale_columns_long": _stale_columns_long,
    "blank_columns": _blank_columns,
    "fetch_failed": _fetch_failed,
    "illegal_links": _illegal_links,
    "missing_jiucuo": _missing_jiucuo,
    "jiucuo_code_mismatch": _jiucuo_code_mismatch,
    "serious_wording": _serious_wording,
    "dead_links": _dead_links,
    "footer_identity": _footer_identity,
    "privacy_leak": _privacy_leak,
    "forged_dates": _forged_dates,
    "no_interaction": _no_interaction,
    "services_unusable": _services_unusable,
    "certificate_invalid": _certificate_invalid,
    "https_missing": _https_missing,
    "no_ipv6": _no_ipv6,
    "domain_rule": _domain_rule,
    "metadata_tags": _metadata_tags,
    "tampered": _tampered,
    "unreachable": _unreachable,
    "account_stale": _account_stale,
    "undetermined": _undetermined,
}


# -- generic fallback -------------------------------------------------------------------------------
def _ordered(data: dict[str, Any]) -> list[str]:
    known = [k for k in LABELS if k in data]
    return known + sorted(k for k in data if k not in LABELS)


def _empty(value: Any) -> bool:
    return value is None or value == "" or value == [] or value == {} or value == ()


def value_text(value: Any) -> str:
    """A value as words: 是/否, short times, lists joined by 、, dicts as "标签 值" pairs — never JSON."""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, dict):
        return "；".join(f"{LABELS.get(k, k)} {value_text(value[k])}" for k in _ordered(value) if not _empty(value[k]))
    if isinstance(value, list | tuple):
        return "、".join(value_text(v) for v in value if not _empty(v))
    return phrase(moment(value))


def generic(data: dict[str, Any]) -> Lines:
    """Any evidence: "标签：值" lines, one per list item; keys in a fixed order."""
    lines = Lines()
    for key in _ordered(data):
        value, label = data[key], LABELS.get(key, key)
        if _empty(value):
            continue
        if isinstance(value, list | tuple):
            lines.items += [f"{label}：{value_text(v)}" for v in value if not _empty(v)]
        else:
            lines.head.append(f"{label}：{value_text(value)}")
    lines.total = len(lines.items)
    return lines
