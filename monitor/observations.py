"""What a crawl saw, with times: the input of the pure website rules (monitor/checks/).

The crawler (monitor/crawl.py) fills these from fetched pages via the extractors (monitor/extract/);
the rules read them as of a moment and never fetch anything themselves.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime


@dataclass(frozen=True, slots=True)
class ListingItem:
    """One entry of a column listing (or a home-page block)."""

    title: str
    url: str
    date: date | None
    date_source: str = ""  # "list" (shown beside the item), "pubdate" (article meta), "url" (path), ""
    raw_date: str = ""  # the text the date was read from, for evidence


@dataclass(frozen=True, slots=True)
class ColumnLink:
    """A column (栏目) found in navigation, a "更多" link or a column hub."""

    name: str
    url: str
    level: int = 1  # 1 = first-level column, 2 = sub-column (二级栏目)
    found_on: str = ""  # URL of the page the link was found on


@dataclass(frozen=True, slots=True)
class PageFailure:
    """Why a page was not read, as the crawler recorded it: evidence words it, nothing parses it back.

    `kind` is a fetch outcome (timeout, http_status … of monitor/fetch/result.Outcome, with the HTTP
    status), a reason the crawler gives ("list loaded by script: …", worded in monitor/evidence.py),
    or "" when `detail` says it all (a page not read whole, a check over its deadline).
    """

    kind: str = ""
    status: int | None = None
    detail: str = ""

    def text(self) -> str:
        """One line for logs, stored page visits and scripts: "http_status 500: Internal Server Error"."""
        if not self.kind:
            return self.detail
        head = self.kind if self.status is None else f"{self.kind} {self.status}"
        return f"{head}: {self.detail}" if self.detail else head


@dataclass(slots=True)
class ColumnObservation:
    name: str
    url: str
    level: int
    category: str  # a category of rules/columns.toml, or "unknown"
    fetched: bool  # the column page answered with content we could read
    status: int | None = None
    failure: PageFailure | None = None  # why it could not be fetched or read
    items: list[ListingItem] = field(default_factory=list)  # newest first, capped
    item_count: int = 0
    undated_count: int = 0
    blank: bool = False  # answered, but carries no content at all
    blank_reason: str = ""  # the placeholder text seen ("暂无信息"), or 空列表 / 空页面
    pages_read: int = 1  # listing pages read (first page plus next pages)
    ignored_dates: list[str] = field(default_factory=list)  # future or absurd dates, noted
    rendered: bool = False  # its list was read from the DOM after the page's scripts ran (headless browser)
    partial: bool = False  # answered, but not read whole (cut at the size cap, not text): nothing on it was seen

    @property
    def error(self) -> str:
        return self.failure.text() if self.failure else ""

    @property
    def newest(self) -> ListingItem | None:
        dated = [item for item in self.items if item.date is not None]
        return max(dated, key=lambda item: item.date) if dated else None  # type: ignore[arg-type, return-value]


@dataclass(frozen=True, slots=True)
class LinkObservation:
    """An outbound link on a page, with how it was hidden, if it was."""

    page_url: str
    href: str
    text: str
    hidden: str = ""  # hiding technique: display:none, visibility:hidden, offscreen, zero-size,
    #                   overflow-hidden, marquee, document.write, noscript; "" when visible
    snippet: str = ""
    element: str = "a"  # where the page links from: a, area, option, onclick, iframe, frame, form,
    #                     meta-refresh, script (a location/window.open redirect)


@dataclass(frozen=True, slots=True)
class ExternalVerdict:
    """What was learned about one external link target."""

    host: str
    listed: str = ""  # name of the rules/illegal_domains list that has it, "" when none
    benign: bool = False  # on rules/benign_domains.txt (or a government domain)
    fetched: bool = False
    title: str = ""
    score: int = 0  # spam score of its title and own text on the rules/spam/ lexicons (title counts double)
    keywords: tuple[str, ...] = ()
    error: str = ""
    government: str = ""  # why it is judged as a government site ("已登记网站", "政府域名", "网站标识码 …"), or ""
    decisive: str = ""  # the brand that decided it ("标题: …", "主办/承办: …"), or ""


@dataclass(frozen=True, slots=True)
class JiucuoEntry:
    """The "我为政府网站找错" entry as found (or not) on one page."""

    page_url: str
    present: bool
    form: str = ""  # "script", "link", "backend-link", "image"
    site_code: str = ""  # the code the entry carries
    visible: bool = True


@dataclass(frozen=True, slots=True)
class FooterIdentity:
    site_code: str = ""  # 网站标识码 as written in the footer
    icp: str = ""  # ICP备案编号
    gongan: str = ""  # 公安机关备案号
    conac: bool = False  # 党政机关网站标识
    sponsor: str = ""  # 主办单位
    meta_site_code: str = ""  # <meta name="SiteIDCode">


@dataclass(frozen=True, slots=True)
class WordingMatch:
    """A term of the wording lexicon (rules/wording/) found on a page."""

    page_url: str
    phrase: str  # the term as written
    correction: str
    snippet: str  # the sentence with the term between 【 and 】
    category: str = ""  # the lexicon category's label
    severity: str = "veto"  # "veto" or "suspect" (疑似, for a reviewer)


@dataclass(frozen=True, slots=True)
class PrivacyExposure:
    """Personal data one page or attachment shows. Numbers are masked here already: never the raw value."""

    url: str  # the page or attachment showing the data
    document: str  # "网页", "PDF", "XLSX", "XLS", "DOCX"
    title: str  # page title, or the text of the link to the attachment
    found_on: str = ""  # for an attachment: the page linking it
    counts: tuple[tuple[str, int], ...] = ()  # (kind, how many), e.g. ("身份证号码", 12)
    samples: tuple[tuple[str, str, str], ...] = ()  # (kind, masked number, masked snippet), a few


@dataclass(frozen=True, slots=True)
class UnreadAttachment:
    """An attachment whose text could not be read whole, and why (scanned, too big, damaged, .doc …)."""

    url: str
    found_on: str
    document: str
    reason: str


@dataclass(frozen=True, slots=True)
class ArticleObservation:
    """One article page read by the crawl (the newest of each column, and those linked from the home page).

    The page's links, 找错 entry and wording are recorded with the site's other pages; this keeps what
    content checks need on top: what the article is, when it says it was published, and its text.
    """

    url: str
    title: str  # the article's own heading (ArticleTitle meta, h1, else the list title)
    column: str  # the column it was listed in; "首页" for an article linked from the home page
    listed_on: str  # the page listing it
    listed_date: date | None  # date shown beside it in the list
    shown_date: date | None  # publication date the article page shows (PubDate meta or 发布时间 label)
    text: str  # visible text of the page, cut at crawl.article_text_chars


@dataclass(frozen=True, slots=True)
class DeadLink:
    url: str
    outcome: str  # "http_404", "timeout", "dns", ...
    status: int | None
    found_on: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Message:
    """One letter of a 互动交流 message list (留言/信箱/咨询), as the list shows it."""

    title: str  # digits masked: letters may carry a writer's phone or ID number
    url: str
    asked: date | None  # 来信时间
    replied: date | None = None  # 回复时间, when the list shows it
    state: str = ""  # "replied", "pending" or "" (the list says neither)
    state_text: str = ""  # the status as written (已回复, 办理中 …)


@dataclass(slots=True)
class MessageBoard:
    """A 互动交流 channel (留言/信箱/咨询 …) as found and read by the crawl.

    `readable` False: the page answered but its list could not be read (filled by script, cut short);
    `opens` False: the page did not open at all. A page that opens but shows no message list (a
    letter form, a hub) is a channel whose messages are not public here: `listed` False.
    """

    name: str
    url: str
    opens: bool = True
    readable: bool = True
    listed: bool = False  # a message list (with its header, or messages) was found on the page
    reason: str = ""  # why it does not open or could not be read
    failure: PageFailure | None = None  # the fetch failure, when it did not open
    messages: list[Message] = field(default_factory=list)
    reply_shown: bool = False  # the list shows a status or a reply date for its letters
    offsite: bool = False  # the channel is on another host (a shared platform): its list is not read


@dataclass(slots=True)
class InteractionObservation:
    """The site's 互动交流 channels: where they were looked for, and what their lists show."""

    boards: list[MessageBoard] = field(default_factory=list)
    looked: bool = False  # the crawl looked for channels (an observation made otherwise says nothing of them)
    searched_whole: bool = False  # home page and navigation were read whole: "no channel" can be said
    search_note: str = ""  # why not, when not


@dataclass(frozen=True, slots=True)
class ServiceEntry:
    """An 办事服务 entry (办事服务, 政务服务, 网上办事 …) linked from the site, and whether it opens."""

    name: str
    url: str
    offsite: bool = False
    outcome: str = ""  # "" opens; else why not ("http_status 404", "dns", "空页面" …)
    checked: bool = True  # False: not opened (page budget spent, refused): neither working nor dead
    failure: PageFailure | None = None  # the fetch failure, when it did not open


@dataclass(frozen=True, slots=True)
class ServiceGuide:
    """A 办事指南 page read by the crawl, with the required elements it shows and lacks."""

    title: str
    url: str
    found_on: str
    present: tuple[str, ...] = ()
    missing: tuple[str, ...] = ()
    readable: bool = True
    reason: str = ""  # why it could not be read


@dataclass(slots=True)
class ServicesObservation:
    entries: list[ServiceEntry] = field(default_factory=list)
    guides: list[ServiceGuide] = field(default_factory=list)
    looked: bool = False  # the crawl looked for entries
    searched_whole: bool = False  # as for interaction: "no 办事服务 at all" can be said
    search_note: str = ""


@dataclass(frozen=True, slots=True)
class Certificate:
    """The certificate a site presented, and what verification said of it apart from its dates
    (expiry is judged by the rule against `as_of`)."""

    subject: str
    issuer: str
    not_before: str  # ISO 8601, UTC
    not_after: str
    names: tuple[str, ...]  # DNS names of subjectAltName (the common name when there are none)
    problem: str = ""  # "", "self_signed", "wrong_host", "untrusted"
    detail: str = ""  # OpenSSL's words for the problem


@dataclass(frozen=True, slots=True)
class HttpsFacts:
    """What the site's HTTPS looks like: the certificate, the http → https redirect, the HSTS header."""

    https_url: str  # the https origin asked
    certificate: Certificate | None = None
    https_failure: PageFailure | None = None  # why the https origin gave no certificate or page
    unreachable_https: bool = False  # nothing answered TLS there: HTTPS not enabled
    http_url: str = ""  # the http origin asked
    http_final_url: str = ""  # where http ended after redirects ("" when it failed)
    hsts: str | None = None  # Strict-Transport-Security of the https home page; None: not read

    @property
    def https_error(self) -> str:
        return self.https_failure.text() if self.https_failure else ""


@dataclass(frozen=True, slots=True)
class Ipv6Page:
    url: str
    level: str  # 首页 / 二级页面 / 三级页面
    failure: PageFailure | None = None  # None: it answered over IPv6

    @property
    def ok(self) -> bool:
        return self.failure is None

    @property
    def error(self) -> str:
        return self.failure.text() if self.failure else ""


@dataclass(frozen=True, slots=True)
class Ipv6Facts:
    """The site's AAAA records and its pages fetched over IPv6 only."""

    host: str
    addresses: tuple[str, ...] = ()
    dns_error: str = ""  # the name did not resolve at all: not judged
    monitor_without_ipv6: bool = False  # the monitor itself has no IPv6 route: not judged
    pages: tuple[Ipv6Page, ...] = ()


@dataclass(frozen=True, slots=True)
class PageMeta:
    """The 政府网站 meta tags (SiteName, ColumnName, ArticleTitle …) one fetched page carries."""

    url: str
    tags: tuple[tuple[str, str], ...]  # (name as the guideline writes it, content)


@dataclass(frozen=True, slots=True)
class ScriptSign:
    """A script obfuscation signature seen on a page (packer, long escapes, encoded writes, redirects)."""

    page_url: str
    kind: str  # packer, escaped-string, encoded-write, foreign-redirect
    snippet: str


@dataclass(frozen=True, slots=True)
class HomeFingerprint:
    """What a defacement changes on a home page, compared across checks (kept in the store)."""

    title: str = ""
    footer: str = ""  # visible text of the footer area, whitespace folded, capped
    script_hosts: tuple[str, ...] = ()  # hosts of external <script src>
    iframe_hosts: tuple[str, ...] = ()  # hosts of external <iframe>/<frame src>
    hidden_links: tuple[str, ...] = ()  # hrefs of hidden external links


@dataclass(slots=True)
class SiteObservation:
    """Everything one crawl of one website saw."""

    url: str
    observed_at: datetime
    homepage_ok: bool
    homepage_failure: PageFailure | None = None  # why the home page could not be read
    over_deadline: bool = False  # the check outlasted crawl.site_deadline_s: nothing was judged
    homepage_partial: bool = False  # the home page answered but could not be read whole (cut, not text)
    final_url: str = ""
    tls_error: str = ""  # certificate problem seen (the crawl went on without verification)
    homepage_items: list[ListingItem] = field(default_factory=list)
    homepage_is_entrance: bool = False  # home page is only a navigation entrance (no dated items)
    homepage_rendered: bool = False  # home page items were read after its scripts ran (headless browser)
    columns: list[ColumnObservation] = field(default_factory=list)
    links: list[LinkObservation] = field(default_factory=list)  # external links only
    external: dict[str, ExternalVerdict] = field(default_factory=dict)  # host -> verdict
    jiucuo: list[JiucuoEntry] = field(default_factory=list)  # one per page checked
    footer: FooterIdentity = field(default_factory=FooterIdentity)
    wording: list[WordingMatch] = field(default_factory=list)
    dead_links: list[DeadLink] = field(default_factory=list)
    privacy: list[PrivacyExposure] = field(default_factory=list)
    unread_attachments: list[UnreadAttachment] = field(default_factory=list)
    attachments_read: int = 0
    articles: list[ArticleObservation] = field(default_factory=list)
    pages_fetched: int = 0
    pages_rendered: int = 0  # pages read in the headless browser (their fetch is counted above)
    trap_urls: list[str] = field(default_factory=list)  # URLs refused as crawler traps
    interaction: InteractionObservation = field(default_factory=InteractionObservation)
    services: ServicesObservation = field(default_factory=ServicesObservation)
    notes: list[str] = field(default_factory=list)
    https: HttpsFacts | None = None  # None: the transport was not examined (a fetcher without it)
    ipv6: Ipv6Facts | None = None
    page_meta: list[PageMeta] = field(default_factory=list)  # home, column and article pages read
    fingerprint: HomeFingerprint | None = None  # the home page's, None when it was not read
    script_signs: list[ScriptSign] = field(default_factory=list)

    @property
    def homepage_error(self) -> str:
        return self.homepage_failure.text() if self.homepage_failure else ""
