"""The website veto rules: a crawl's observations in, findings out, judged as of a moment.

Pure functions: no I/O and no clock. Thresholds, severities and wording come from `rules/` through
the Rulebook, so a supervisor can change them without touching this file.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TypeVar

from monitor.checks.interaction import no_interaction
from monitor.checks.services import services_unusable
from monitor.checks.undetermined import undetermined, undetermined_rules
from monitor.content.redating import PastItem, SeenItem, redated, text_hash
from monitor.evidence import (
    BlankColumn,
    BlankColumnsEvidence,
    DeadLinkEntry,
    DeadLinksEvidence,
    FailedColumn,
    FetchFailedEvidence,
    FooterIdentityEvidence,
    HomepageStaleEvidence,
    IllegalLink,
    IllegalLinksEvidence,
    JiucuoCodeMismatchEvidence,
    JiucuoCodePage,
    MissingJiucuoEvidence,
    PrivacyExposureEvidence,
    SeriousWordingEvidence,
    StaleColumn,
    StaleColumnsEvidence,
    UnreadAttachment,
    UnreadAttachmentsEvidence,
    WordingMatchEntry,
    failure_evidence,
)
from monitor.extract.dates import labelled_date
from monitor.hosts import url_host
from monitor.models import Finding, Severity, Website
from monitor.observations import (
    ColumnObservation,
    LinkObservation,
    SiteObservation,
    WordingMatch,
)
from monitor.rulebook import ColumnCategory, Rulebook, RuleSpec

# Rules a crawl can judge. `unreachable` is judged from probes (monitor/checks/availability.py).
CRAWL_RULES = (
    "homepage_stale", "stale_columns", "stale_columns_long", "blank_columns", "illegal_links",
    "missing_jiucuo", "jiucuo_code_mismatch", "serious_wording", "dead_links", "footer_identity",
    "fetch_failed", "undetermined", "privacy_leak", "forged_dates", "no_interaction", "services_unusable",
)
EVIDENCE_LIST_CAP = 50  # evidence lists are cut here; counts stay exact


@dataclass
class SiteJudgement:
    findings: list[Finding] = field(default_factory=list)
    checked_rules: tuple[str, ...] = ()  # rules this judgement could decide (others keep their state)


@dataclass(frozen=True)
class ItemHistory:
    """What earlier checks saw of this site's articles (from the store): by URL, and by title-and-text hash."""

    by_url: dict[str, PastItem] = field(default_factory=dict)
    by_text: dict[str, list[PastItem]] = field(default_factory=dict)


def evaluate_site(obs: SiteObservation, website: Website, rulebook: Rulebook, as_of: datetime,
                  history: ItemHistory | None = None) -> SiteJudgement:
    """Apply every crawl rule to one site's observation (and its article history, when stored)."""
    if not obs.homepage_ok:  # the site is 未能检查: nothing else is judged, earlier findings keep their state
        spec = rulebook.rule("fetch_failed")
        evidence: FetchFailedEvidence = {"url": obs.url, "error": obs.homepage_error, "checked_at": as_of.isoformat()}
        if obs.homepage_failure is not None:
            evidence["failure"] = failure_evidence(obs.homepage_failure)
        if obs.over_deadline:  # an unfinished crawl says nothing about any rule, fetch_failed included
            return SiteJudgement([_finding(spec, evidence, key="deadline", wording=spec["deadline_wording"])], ())
        wording = spec["partial_homepage_wording"] if obs.homepage_partial else spec["homepage_wording"]
        return SiteJudgement([_finding(spec, evidence, key="homepage", wording=wording)], ("fetch_failed",))
    today = as_of.date()
    categories = {c.name: c for c in rulebook.column_categories}
    unsure = rulebook.rule("undetermined")
    rules: list[Callable[[], Iterable[Finding]]] = [
        lambda: homepage_stale(obs, rulebook.rule("homepage_stale"), today, unsure),
        lambda: stale_columns(obs.columns, categories, rulebook.rule("stale_columns"), today, unsure, obs.url),
        lambda: stale_columns_long(obs.columns, categories, rulebook.rule("stale_columns_long"), today, unsure,
                                   obs.url),
        lambda: blank_columns(obs.columns, rulebook.rule("blank_columns"), unsure, obs.url),
        lambda: unfetched_columns(obs.columns, rulebook.rule("fetch_failed")),
        lambda: illegal_links(obs, rulebook.rule("illegal_links"), unsure),
        lambda: missing_jiucuo(obs, rulebook.rule("missing_jiucuo"), unsure),
        lambda: jiucuo_code_mismatch(obs, website, rulebook.rule("jiucuo_code_mismatch")),
        lambda: serious_wording(obs, rulebook.rule("serious_wording"), rulebook.wording.allowed(obs.url), unsure),
        lambda: dead_links(obs, rulebook.rule("dead_links")),
        lambda: footer_identity(obs, website, rulebook.rule("footer_identity")),
        lambda: privacy_leak(obs, rulebook.rule("privacy_leak"), unsure),
        lambda: forged_dates(seen_items(obs), history or ItemHistory(), rulebook.rule("forged_dates"), today),
        lambda: no_interaction(obs.interaction, obs.url, website.kind, rulebook.interaction_words,
                               rulebook.rule("no_interaction"), unsure, today),
        lambda: services_unusable(obs.services, obs.url, website.kind, rulebook.service_words,
                                  rulebook.rule("services_unusable"), unsure),
    ]
    findings = [finding for rule in rules for finding in rule()]
    if obs.tls_error:  # a broken certificate is common on these sites: a detail of each finding, not a crash
        for finding in findings:
            finding.evidence["tls_certificate"] = obs.tls_error
    return SiteJudgement(findings, checked_rules(findings))


def checked_rules(findings: list[Finding]) -> tuple[str, ...]:
    """The crawl rules this judgement decided: a rule that could not be judged keeps its earlier findings."""
    unsure = undetermined_rules(findings)
    return tuple(rule for rule in CRAWL_RULES if rule not in unsure)


# -- freshness --------------------------------------------------------------------------------------
def homepage_stale(obs: SiteObservation, spec: RuleSpec, today: date, unsure: RuleSpec) -> list[Finding]:
    """首页不更新: newest dated home-page item older than stale_days (warning from warning_days).

    When the home page is only a navigation entrance, the newest item of the second-level pages counts.
    No dated item seen anywhere proves nothing (script-filled or undated lists): 未能判断, never a veto.
    """
    items = obs.homepage_items
    source = "首页"
    if obs.homepage_is_entrance or not any(item.date for item in items):
        items = [item for column in obs.columns for item in column.items]
        source = "二级页面（首页为导航入口）"
    dated = [item for item in items if item.date is not None]
    newest = max(dated, key=lambda item: item.date) if dated else None  # type: ignore[arg-type, return-value]
    if newest is None or newest.date is None:
        return [undetermined(unsure, spec, "未读到任何带日期的条目", obs.url, judged_on=source,
                             items_seen=len(items), columns_read=sum(1 for c in obs.columns if c.fetched))]
    age = (today - newest.date).days
    if age <= spec["warning_days"]:
        return []
    evidence: HomepageStaleEvidence = {
        "url": obs.url, "judged_on": source, "newest_date": newest.date.isoformat(), "newest_title": newest.title,
        "newest_url": newest.url, "date_source": newest.date_source, "days_since_update": age,
        "stale_days": spec["stale_days"], "dated_items_seen": len(dated),
    }
    if obs.homepage_rendered:
        evidence["rendered"] = True
    if age <= spec["stale_days"]:
        evidence["level"] = "预警"
        return [_finding(spec, evidence, warning=True)]
    return [_finding(spec, evidence)]


def _column_age(column: ColumnObservation, today: date) -> int | None:
    newest = column.newest
    return (today - newest.date).days if newest and newest.date else None


def _stale_entry(column: ColumnObservation, category: ColumnCategory, today: date) -> StaleColumn:
    newest = column.newest
    entry: StaleColumn = {
        "column": column.name, "url": column.url, "level": column.level, "category": category.label,
        "newest_date": newest.date.isoformat() if newest and newest.date else None,
        "newest_title": newest.title if newest else "", "newest_url": newest.url if newest else "",
        "days_since_update": _column_age(column, today), "stale_days": category.stale_days,
        "items_seen": column.item_count, "undated_items": column.undated_count,
    }
    if column.rendered:
        entry["rendered"] = True
    return entry


def unreadable(column: ColumnObservation) -> bool:
    """Answered, but its content could not be read (a list only a browser fills, a page cut short):
    it may be blank or stale, nothing says which."""
    return not column.fetched and column.status is not None and column.status < 400


def _stale_columns_of(columns: list[ColumnObservation], categories: dict[str, ColumnCategory],
                      names: tuple[str, ...], today: date) -> tuple[list[StaleColumn], list[str]]:
    """(columns of the given categories whose newest dated item is older than the category allows,
    columns of those categories that could not be judged).

    A column whose items carry no date, or whose page could not be read, proves neither freshness nor
    staleness: it is named among those not judged. Blank columns are judged by their own rule.
    """
    stale: list[StaleColumn] = []
    unknown: list[str] = []
    for column in columns:
        category = categories.get(column.category)
        if category is None or category.name not in names or column.blank:
            continue
        if category.first_level_only and column.level != 1:
            continue
        if not column.fetched:
            if unreadable(column):
                unknown.append(column.name or column.url)
            continue
        age = _column_age(column, today)
        if age is None:
            if column.item_count:
                unknown.append(column.name or column.url)
        elif age > category.stale_days:
            stale.append(_stale_entry(column, category, today))
    return stale, unknown


def stale_column_counts(obs: SiteObservation, rulebook: Rulebook, today: date) -> dict[str, int]:
    """How many columns each freshness rule found stale, below its veto line too (a measurement the
    half-year assessment deducts from)."""
    categories = {c.name: c for c in rulebook.column_categories}
    return {
        "stale_columns": len(_stale_columns_of(obs.columns, categories, ("news", "notice", "policy"), today)[0]),
        "stale_columns_long": len(_stale_columns_of(obs.columns, categories, ("should_update",), today)[0]),
    }


def stale_columns(columns: list[ColumnObservation], categories: dict[str, ColumnCategory],
                  spec: RuleSpec, today: date, unsure: RuleSpec | None = None, site_url: str = "") -> list[Finding]:
    """栏目不更新 (a): 动态要闻 older than 2 weeks plus first-level 通知公告/政策文件 older than 6 months."""
    stale, unknown = _stale_columns_of(columns, categories, ("news", "notice", "policy"), today)
    return _count_finding(spec, stale, _stale_evidence, unknown, unsure, site_url,
                          "栏目条目无日期或页面未能读取" + _partial_reasons(columns, unknown))


def stale_columns_long(columns: list[ColumnObservation], categories: dict[str, ColumnCategory],
                       spec: RuleSpec, today: date, unsure: RuleSpec | None = None,
                       site_url: str = "") -> list[Finding]:
    """栏目不更新 (b): columns that should be updated yearly (人事, 规划计划, 统计, 财政 ...) but were not."""
    stale, unknown = _stale_columns_of(columns, categories, ("should_update",), today)
    return _count_finding(spec, stale, _stale_evidence, unknown, unsure, site_url,
                          "栏目条目无日期或页面未能读取" + _partial_reasons(columns, unknown))


def _stale_evidence(count: int, line: int, listed: list[StaleColumn]) -> StaleColumnsEvidence:
    return {"count": count, "veto_count": line, "stale_columns": listed}


def blank_columns(columns: list[ColumnObservation], spec: RuleSpec, unsure: RuleSpec | None = None,
                  site_url: str = "") -> list[Finding]:
    """空白栏目: column pages that answer but carry no content at all."""
    blank = [_blank_entry(c) for c in columns if c.fetched and c.blank]
    unknown = [c.name or c.url for c in columns if unreadable(c)]
    return _count_finding(spec, blank, _blank_evidence, unknown, unsure, site_url,
                          "栏目页面未能读取" + _partial_reasons(columns, unknown))


def _blank_entry(column: ColumnObservation) -> BlankColumn:
    entry: BlankColumn = {"column": column.name, "url": column.url, "level": column.level,
                          "reason": column.blank_reason or "空列表"}
    if column.rendered:
        entry["rendered"] = True
    return entry


def _blank_evidence(count: int, line: int, listed: list[BlankColumn]) -> BlankColumnsEvidence:
    return {"count": count, "veto_count": line, "blank_columns": listed}


def _partial_reasons(columns: list[ColumnObservation], named: Sequence[str]) -> str:
    """Why the named columns' pages were not read whole ("（其中 2 个页面超过大小上限被截断）"), or ""."""
    wanted = set(named)
    partial = [c for c in columns if c.partial and (c.name or c.url) in wanted]
    return f"（其中 {_counted_reasons(partial)}）" if partial else ""


def _counted_reasons(pages: list[ColumnObservation]) -> str:
    """"2 个页面超过大小上限被截断，1 个…": how many pages failed for each reason."""
    return "，".join(f"{count} 个{reason}" for reason, count in Counter(c.error for c in pages).items())


def partial_pages(obs: SiteObservation) -> list[ColumnObservation]:
    """Column pages that answered but were not read whole: their links and 找错 entry were never seen."""
    return [c for c in obs.columns if c.partial]


def _unseen_on_partial(spec: RuleSpec, unsure: RuleSpec | None, obs: SiteObservation, what: str) -> list[Finding]:
    """未能判断 for a rule that found nothing on the pages read, while some column pages were not read whole."""
    partial = partial_pages(obs)
    if unsure is None or not partial:
        return []
    why = _counted_reasons(partial)
    return [undetermined(unsure, spec, f"{len(partial)} 个栏目页面未能完整读取（{why}），其上的{what}未能检查", obs.url,
                         columns=[{"column": c.name, "url": c.url, "reason": c.error} for c in partial][:EVIDENCE_LIST_CAP],
                         count=len(partial))]


def unfetched_columns(columns: list[ColumnObservation], spec: RuleSpec) -> list[Finding]:
    """Column pages that could not be opened: not blank, not stale — their own finding."""
    failed = [_failed_entry(c) for c in columns if not c.fetched]
    if not failed:
        return []
    evidence: FetchFailedEvidence = {"count": len(failed), "columns": failed[:EVIDENCE_LIST_CAP]}
    return [_finding(spec, evidence, key="columns")]


def _failed_entry(column: ColumnObservation) -> FailedColumn:
    entry = FailedColumn(column=column.name, url=column.url, status=column.status, error=column.error)
    if column.failure is not None:
        entry["failure"] = failure_evidence(column.failure)
    return entry


Entry = TypeVar("Entry", StaleColumn, BlankColumn)


def _count_finding(spec: RuleSpec, entries: list[Entry],
                   evidence_of: Callable[[int, int, list[Entry]], StaleColumnsEvidence | BlankColumnsEvidence],
                   unknown: Sequence[str] = (), unsure: RuleSpec | None = None, site_url: str = "",
                   reason: str = "") -> list[Finding]:
    """The finding of a count rule; when the count is under the line but the columns that could not be
    judged would reach it, 未能判断 (the veto may be hiding there), never a pass taken for granted.
    `evidence_of(count, line, listed entries)` is the rule's evidence."""
    line = spec["veto_count"]
    if len(entries) >= line:
        return [_finding(spec, evidence_of(len(entries), line, entries[:EVIDENCE_LIST_CAP]))]
    if unsure is not None and unknown and len(entries) + len(unknown) >= line:
        return [undetermined(unsure, spec, f"{len(unknown)} 个{reason}，已确认 {len(entries)} 个（否决线 {line} 个）",
                             site_url, columns=list(unknown)[:EVIDENCE_LIST_CAP], count=len(entries), veto_count=line)]
    return []


# -- integrity --------------------------------------------------------------------------------------
def _articles(obs: SiteObservation) -> dict[str, str]:
    """Article URL -> title, so evidence found on an article names it."""
    return {article.url: article.title for article in obs.articles}


Located = TypeVar("Located", IllegalLink, WordingMatchEntry)


def _with_article(entry: Located, page_url: str, articles: dict[str, str]) -> Located:
    if page_url in articles:
        entry["article"] = articles[page_url]
    return entry


def _link_is_illegal(link: LinkObservation, obs: SiteObservation, threshold: int) -> IllegalLink | None:
    verdict = obs.external.get(url_host(link.href))
    if verdict is None or verdict.benign:
        return None
    if not verdict.listed and verdict.score < threshold:
        return None
    return {
        "page_url": link.page_url, "href": link.href, "text": link.text, "hidden": link.hidden, "element": link.element,
        "listed_in": verdict.listed, "target_title": verdict.title, "score": verdict.score,
        "keywords": list(verdict.keywords), "decisive": verdict.decisive, "snippet": link.snippet,
    }


def illegal_links(obs: SiteObservation, spec: RuleSpec, unsure: RuleSpec | None = None) -> list[Finding]:
    """链接非法网站 / 存在网站暗链: outbound links whose target is listed or scores as illegal.

    None found while some column pages were not read whole: 未能判断 (a link may sit in the part unread)."""
    articles = _articles(obs)
    bad = [_with_article(entry, link.page_url, articles)
           for link in obs.links if (entry := _link_is_illegal(link, obs, spec["keyword_score"]))]
    findings = []
    visible = [entry for entry in bad if not entry["hidden"]]
    hidden = [entry for entry in bad if entry["hidden"]]
    if visible:
        shown: IllegalLinksEvidence = {"count": len(visible), "links": visible[:EVIDENCE_LIST_CAP]}
        findings.append(_finding(spec, shown, key="visible"))
    if hidden:
        evidence: IllegalLinksEvidence = {"count": len(hidden), "links": hidden[:EVIDENCE_LIST_CAP],
                                          "techniques": sorted({str(entry["hidden"]) for entry in hidden})}
        findings.append(_finding(spec, evidence, key="hidden", wording=spec["hidden_wording"]))
    return findings or _unseen_on_partial(spec, unsure, obs, "链接")


def missing_jiucuo(obs: SiteObservation, spec: RuleSpec, unsure: RuleSpec | None = None) -> list[Finding]:
    """未规范添加"我为政府网站找错"入口: absent (or hidden) on the home page, or on too many inner pages.

    Column pages not read whole are left out of the share; when counting them as pages without the
    entry would cross the allowed share, 未能判断."""
    if not obs.jiucuo:
        return []
    home, inner = obs.jiucuo[0], obs.jiucuo[1:]
    home_ok = home.present and home.visible
    without = [entry.page_url for entry in inner if not (entry.present and entry.visible)]
    share = len(without) / len(inner) if inner else 0.0
    if home_ok and share <= spec["inner_share"]:
        unread = len(partial_pages(obs))
        if unread and (len(without) + unread) / (len(inner) + unread) > spec["inner_share"]:
            return _unseen_on_partial(spec, unsure, obs, "找错入口")
        return []
    evidence: MissingJiucuoEvidence = {
        "home_page": home.page_url, "home_present": home.present, "home_visible": home.visible,
        "inner_pages_checked": len(inner), "inner_pages_without": len(without),
        "inner_share_without": round(share, 4), "pages_without": without[:EVIDENCE_LIST_CAP],
    }
    return [_finding(spec, evidence)]


def jiucuo_code_mismatch(obs: SiteObservation, website: Website, spec: RuleSpec) -> list[Finding]:
    """The entry's site code must equal the registered 网站标识码."""
    if not website.site_code:
        return []
    wrong = [
        JiucuoCodePage(page_url=entry.page_url, entry_code=entry.site_code, form=entry.form)
        for entry in obs.jiucuo if entry.present and entry.site_code and entry.site_code != website.site_code
    ]
    if not wrong:
        return []
    evidence: JiucuoCodeMismatchEvidence = {"registered_code": website.site_code, "count": len(wrong),
                                            "pages": wrong[:EVIDENCE_LIST_CAP]}
    return [_finding(spec, evidence)]


def serious_wording(obs: SiteObservation, spec: RuleSpec, allowed: frozenset[str] = frozenset(),
                    unsure: RuleSpec | None = None) -> list[Finding]:
    """严重表述错误: one finding per lexicon term seen on the site (rules/wording/), with each sentence;
    nothing seen while column pages were not read whole: 未能判断.

    One finding per term lets a reviewer dismiss a term for a site for good: a dismissed finding stays
    dismissed whenever the same term is seen there again. Terms of a 疑似 category are warnings.
    """
    by_term: dict[str, list[WordingMatch]] = {}
    for match in obs.wording:
        if match.phrase not in allowed:
            by_term.setdefault(match.phrase, []).append(match)
    findings = []
    articles = _articles(obs)
    for term, matches in by_term.items():
        first = matches[0]
        evidence: SeriousWordingEvidence = {
            "phrase": term, "correction": first.correction, "category": first.category, "count": len(matches),
            "matches": [_with_article(WordingMatchEntry(page_url=m.page_url, phrase=m.phrase, snippet=m.snippet),
                                      m.page_url, articles) for m in matches[:EVIDENCE_LIST_CAP]],
        }
        suspect = first.severity != "veto"
        if suspect:
            evidence["level"] = "疑似"
        findings.append(_finding(spec, evidence, key=f"term:{term}", warning=suspect))
    return findings or _unseen_on_partial(spec, unsure, obs, "文字表述")


def dead_links(obs: SiteObservation, spec: RuleSpec) -> list[Finding]:
    """错链、断链: links of the site that do not open, with the pages that carry them."""
    if not obs.dead_links:
        return []
    links = [
        DeadLinkEntry(url=d.url, outcome=d.outcome, status=d.status, found_on=list(d.found_on)[:5])
        for d in obs.dead_links
    ]
    evidence: DeadLinksEvidence = {"count": len(links), "links": links[:EVIDENCE_LIST_CAP]}
    return [_finding(spec, evidence)]


def footer_identity(obs: SiteObservation, website: Website, spec: RuleSpec) -> list[Finding]:
    """底部功能区: 网站标识码, ICP备案, 公安备案 and 党政机关标识 should all be shown."""
    footer = obs.footer
    missing = [
        label for label, present in (
            ("网站标识码", footer.site_code), ("ICP备案编号", footer.icp), ("公安机关备案号", footer.gongan),
            ("党政机关网站标识", footer.conac),
        ) if not present
    ]
    wrong_code = bool(footer.site_code and website.site_code and footer.site_code != website.site_code)
    if not missing and not wrong_code:
        return []
    evidence: FooterIdentityEvidence = {"url": obs.url, "missing": missing}
    if wrong_code:
        evidence["footer_code"], evidence["registered_code"] = footer.site_code, website.site_code
    return [_finding(spec, evidence)]


def seen_items(obs: SiteObservation) -> list[SeenItem]:
    """Articles with the date a reader sees: each article page read (its labelled 发布日期, else the date
    beside it in the list, with a hash of its title and text), then home page and column items.

    Dates read from the URL itself prove nothing against the URL. A PubDate meta is left out too: CMSs
    rewrite it whenever they regenerate a page (a 2015 bulletin at /201705/ showing 发布日期 2017-05-15
    carries PubDate 2022-04-24, its 页面生成时间), so it is not the date the article displays.
    """
    items: dict[str, SeenItem] = {}
    for article in obs.articles:
        shown = labelled_date(article.text) or article.listed_date
        if shown is not None and article.url not in items:
            items[article.url] = SeenItem(article.url, article.title, shown, text_hash(article.title, article.text))
    listed = [*obs.homepage_items, *(item for column in obs.columns for item in column.items)]
    for item in listed:
        if item.date is not None and item.date_source == "list" and item.url not in items:
            items[item.url] = SeenItem(item.url, item.title, item.date)
    return list(items.values())


def forged_dates(items: list[SeenItem], history: ItemHistory, spec: RuleSpec, today: date) -> list[Finding]:
    """伪造发稿日期 (疑似): one finding per article whose displayed date looks re-dated, with both dates."""
    entries = redated(
        items, history.by_url, history.by_text, today=today, tolerance_days=int(spec["tolerance_days"]),
        url_gap_days=int(spec["url_gap_days"]), recent_days=int(spec["recent_days"]),
    )
    return [_finding(spec, {**entry, "level": "疑似"}, key=entry["url"]) for entry in entries[:EVIDENCE_LIST_CAP]]


UNREAD_ATTACHMENTS = "unread-attachments"


def privacy_leak(obs: SiteObservation, spec: RuleSpec, unsure: RuleSpec | None = None) -> list[Finding]:
    """泄露个人隐私信息: one finding per page or attachment showing personal data (numbers masked).

    Attachments that could not be read (scanned, too big, damaged, .doc) are listed in one warning, so
    an operator knows what was not looked at; they do not make the site unjudgeable. Column pages not
    read whole do: with no exposure found elsewhere, 未能判断.
    """
    articles = {article.url: article for article in obs.articles}
    findings = []
    for exposure in obs.privacy:
        counts = dict(exposure.counts)
        evidence: PrivacyExposureEvidence = {
            "url": exposure.url, "document": exposure.document, "title": exposure.title,
            "kinds": counts, "count": sum(counts.values()),
            "samples": [{"kind": kind, "masked": masked, "snippet": snippet}
                        for kind, masked, snippet in exposure.samples],
        }
        if exposure.found_on:
            evidence["found_on"] = exposure.found_on
        article = articles.get(exposure.url) or articles.get(exposure.found_on)
        if article is not None:  # the article showing the data, or linking the attachment that does
            shown = labelled_date(article.text) or article.shown_date or article.listed_date
            evidence["column"], evidence["article_title"] = article.column, article.title
            evidence["article_date"] = shown.isoformat() if shown else None
        findings.append(_finding(spec, evidence, key=exposure.url))
    if obs.unread_attachments:
        unread = [UnreadAttachment(url=a.url, document=a.document, reason=a.reason, found_on=a.found_on)
                  for a in obs.unread_attachments]
        unread_evidence: UnreadAttachmentsEvidence = {"level": "未能判断", "count": len(unread),
                                                      "attachments": unread[:EVIDENCE_LIST_CAP]}
        findings.append(_finding(spec, unread_evidence, key=UNREAD_ATTACHMENTS, warning=True))
    if not obs.privacy:
        findings += _unseen_on_partial(spec, unsure, obs, "个人信息")
    return findings


def _finding(spec: RuleSpec, evidence: Mapping[str, object], *, key: str = "", wording: str | None = None,
             warning: bool = False) -> Finding:
    """A finding of `spec` with the rule's evidence (one of the shapes in monitor/evidence.py)."""
    return Finding(
        rule=spec.id, severity=Severity.WARNING if warning else spec.severity,
        wording=wording or spec.wording, evidence=dict(evidence), key=key,
    )
