"""站点 basics from the guideline (政府网站发展指引): HTTPS and its certificate, IPv6, the domain name, the
page meta tags. Pure functions of the observation, the registry row, the Rulebook and `as_of`.

A fact the crawl could not read (a certificate behind a timeout, a name that did not resolve, a monitor
without IPv6 of its own) makes its rule 未能判断, never a finding on the site.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from datetime import datetime

from monitor.checks.undetermined import undetermined, undetermined_rules
from monitor.evidence import (
    CertificateEvidence,
    DomainEvidence,
    HttpsEvidence,
    Ipv6Evidence,
    Ipv6Failed,
    MetadataEvidence,
    MetadataPage,
    failure_evidence,
)
from monitor.hosts import GOV_SUFFIXES, is_government_host, is_ip, normalize_host, parent_domains, url_host
from monitor.models import Finding, Severity, Website
from monitor.observations import HttpsFacts, Ipv6Facts, Ipv6Page, SiteObservation
from monitor.rulebook import Rulebook, RuleSpec

BASICS_RULES = ("certificate_invalid", "https_missing", "no_ipv6", "domain_rule", "metadata_tags")
PORTAL_KINDS = ("省政府门户", "市级门户", "县级门户")
HOME_TAGS = ("SiteName", "SiteDomain", "SiteIDCode")
COLUMN_TAGS = ("ColumnName", "ColumnType")
ARTICLE_TAGS = ("ArticleTitle", "PubDate", "ContentSource")
EVIDENCE_PAGES = 20  # pages listed per role; counts stay exact
_MAX_AGE = re.compile(r"max-age\s*=\s*\"?(\d+)", re.I)
_PROBLEMS = {"self_signed": "自签名证书", "wrong_host": "证书与域名不符", "untrusted": "证书颁发机构不受信任",
             "expired": "证书已过期", "not_yet_valid": "证书尚未生效"}


def judge_site_basics(obs: SiteObservation, website: Website, rulebook: Rulebook,
                      as_of: datetime) -> tuple[list[Finding], tuple[str, ...]]:
    """(findings, rules decided) of the site-basics rules; a rule whose facts were not observed at all
    (a fetcher that cannot read the transport) is neither found nor decided."""
    unsure = rulebook.rule("undetermined")
    rules: dict[str, Callable[[], list[Finding]]] = {
        "domain_rule": lambda: domain_rule(website, rulebook.rule("domain_rule"), rulebook.domain_exceptions),
        "metadata_tags": lambda: metadata_tags(obs, website, rulebook.rule("metadata_tags")),
    }
    if obs.https is not None:
        https = obs.https
        rules["https_missing"] = lambda: https_missing(https, rulebook.rule("https_missing"), unsure)
        rules["certificate_invalid"] = lambda: certificate_invalid(
            https, rulebook.rule("certificate_invalid"), unsure, as_of)
    if obs.ipv6 is not None:
        ipv6 = obs.ipv6
        rules["no_ipv6"] = lambda: no_ipv6(ipv6, rulebook.rule("no_ipv6"), unsure)
    findings = [finding for rule in rules.values() for finding in rule()]
    unsure_rules = undetermined_rules(findings)
    return findings, tuple(rule for rule in rules if rule not in unsure_rules)


# -- HTTPS ------------------------------------------------------------------------------------------
def certificate_invalid(https: HttpsFacts, spec: RuleSpec, unsure: RuleSpec, as_of: datetime) -> list[Finding]:
    """HTTPS 证书无效: self-signed, another host's, an untrusted issuer, expired or not yet valid as of
    `as_of`; a warning when it expires within `expiry_warning_days`. No HTTPS at all is https_missing's."""
    cert = https.certificate
    if cert is None:
        if https.unreachable_https:
            return []
        return [undetermined(unsure, spec, f"未能读取证书（{https.https_error}）", https.https_url)]
    not_after, not_before = datetime.fromisoformat(cert.not_after), datetime.fromisoformat(cert.not_before)
    problems = [cert.problem] if cert.problem else []
    if not_after < as_of:
        problems.append("expired")
    if not_before > as_of:
        problems.append("not_yet_valid")
    days_left = (not_after - as_of).days
    evidence: CertificateEvidence = {
        "url": https.https_url, "subject": cert.subject, "issuer": cert.issuer, "not_before": cert.not_before,
        "not_after": cert.not_after, "names": list(cert.names), "problems": [_PROBLEMS[p] for p in problems],
        "days_left": days_left, "checked_at": as_of.isoformat(),
    }
    if cert.detail:
        evidence["detail"] = cert.detail
    if problems:
        return [_finding(spec, dict(evidence), key="invalid")]
    if days_left <= spec["expiry_warning_days"]:
        evidence["warning_days"] = int(spec["expiry_warning_days"])
        return [_finding(spec, dict(evidence), key="expiring", warning=True, wording=spec["expiring_wording"])]
    return []


def https_missing(https: HttpsFacts, spec: RuleSpec, unsure: RuleSpec) -> list[Finding]:
    """未启用HTTPS / HTTP访问未跳转HTTPS / 未启用HSTS: one finding per sub-point, each with its own state."""
    if https.unreachable_https:
        evidence: HttpsEvidence = {"url": https.https_url, "point": "no_https", "error": https.https_error}
        if https.https_failure is not None:
            evidence["failure"] = failure_evidence(https.https_failure)
        return [_finding(spec, dict(evidence), key="no_https")]
    if https.certificate is None:
        return [undetermined(unsure, spec, f"HTTPS 未能访问（{https.https_error}）", https.https_url)]
    findings = []
    if https.http_final_url.startswith("http://"):
        redirect: HttpsEvidence = {"url": https.http_url, "point": "no_redirect", "final_url": https.http_final_url}
        findings.append(_finding(spec, dict(redirect), key="no_redirect", wording=spec["redirect_wording"]))
    if https.hsts is not None and not hsts_enabled(https.hsts):
        hsts: HttpsEvidence = {"url": https.https_url, "point": "no_hsts", "hsts": https.hsts}
        findings.append(_finding(spec, dict(hsts), key="no_hsts", wording=spec["hsts_wording"]))
    if https.hsts is None and https.https_error:
        findings.append(undetermined(unsure, spec, f"HTTPS 首页未能读取（{https.https_error}）", https.https_url))
    return findings


def hsts_enabled(header: str) -> bool:
    """A Strict-Transport-Security header that asks browsers to remember HTTPS (max-age above 0)."""
    found = _MAX_AGE.search(header)
    return found is not None and int(found[1]) > 0


# -- IPv6 -------------------------------------------------------------------------------------------
def no_ipv6(ipv6: Ipv6Facts, spec: RuleSpec, unsure: RuleSpec) -> list[Finding]:
    """IPv6 不可访问: no AAAA record, or the home page, a second- or a third-level page not answering
    over IPv6. A name that does not resolve, or a monitor without IPv6 itself, proves nothing."""
    if ipv6.dns_error:
        return [undetermined(unsure, spec, f"域名解析失败（{ipv6.dns_error}）", ipv6.host)]
    if ipv6.monitor_without_ipv6:
        return [undetermined(unsure, spec, "监测服务器本身无 IPv6 网络", ipv6.host)]
    if not ipv6.addresses:
        evidence: Ipv6Evidence = {"url": ipv6.host, "aaaa": [], "failed": [], "checked": []}
        return [_finding(spec, dict(evidence), key="no_aaaa")]
    failed = [_ipv6_failed(p) for p in ipv6.pages if not p.ok]
    if not failed:
        return []
    evidence = {"url": ipv6.host, "aaaa": list(ipv6.addresses), "failed": failed,
                "checked": [{"level": p.level, "url": p.url} for p in ipv6.pages]}
    return [_finding(spec, dict(evidence), key="pages")]


# -- domain -----------------------------------------------------------------------------------------
def domain_rule(website: Website, spec: RuleSpec, exceptions: Iterable[str]) -> list[Finding]:
    """域名不规范: a government site outside gov.cn (or .政务), or a portal not at www.<name>.gov.cn."""
    host = url_host(website.url)
    if not host or any(parent in set(exceptions) for parent in parent_domains(host)):
        return []
    problems = []
    if is_ip(host):
        problems.append("以 IP 地址访问，未使用域名")
    elif not is_government_host(host):
        problems.append(f"未使用 {'、'.join('.' + s for s in GOV_SUFFIXES)} 域名")
    elif website.kind in PORTAL_KINDS and not _portal_form(host):
        problems.append("门户网站域名应为 www.<名称>.gov.cn")
    if not problems:
        return []
    evidence: DomainEvidence = {"url": website.url, "host": host, "kind": website.kind, "problems": problems}
    return [_finding(spec, dict(evidence))]


def _portal_form(host: str) -> bool:
    """www.<one label>.gov.cn (or www.<name>.政务)."""
    labels = normalize_host(host).split(".")
    if labels[-1] == "政务":
        return len(labels) == 3 and labels[0] == "www"
    return len(labels) == 4 and labels[0] == "www" and labels[-2:] == ["gov", "cn"]


# -- meta tags --------------------------------------------------------------------------------------
def metadata_tags(obs: SiteObservation, website: Website, spec: RuleSpec) -> list[Finding]:
    """页面元数据缺失: SiteName/SiteDomain/SiteIDCode on the home page (SiteIDCode = the registered
    网站标识码), ColumnName/ColumnType on column pages, ArticleTitle/PubDate/ContentSource on articles.
    Read from the pages the crawl fetched; pages not read are not judged."""
    home_url = obs.final_url or obs.url
    columns = {c.url for c in obs.columns if c.fetched}
    articles = {a.url for a in obs.articles}
    pages: dict[str, list[MetadataPage]] = {"home": [], "column": [], "article": []}
    wrong_code = ""
    for meta in obs.page_meta:
        role, wanted = (("home", HOME_TAGS) if meta.url == home_url else ("column", COLUMN_TAGS)
                        if meta.url in columns else ("article", ARTICLE_TAGS) if meta.url in articles else ("", ()))
        if not role:
            continue
        tags = {name: value for name, value in meta.tags if value}
        missing = [name for name in wanted if name not in tags]
        if role == "home" and tags.get("SiteIDCode") and website.site_code and tags["SiteIDCode"] != website.site_code:
            wrong_code = tags["SiteIDCode"]
        if missing:
            pages[role].append({"url": meta.url, "missing": missing})
    findings = []
    for role, listed in pages.items():
        if role == "home" and (listed or wrong_code):
            evidence: MetadataEvidence = {"role": role, "count": len(listed), "pages": listed[:EVIDENCE_PAGES]}
            if wrong_code:
                evidence["meta_code"], evidence["registered_code"] = wrong_code, website.site_code
            findings.append(_finding(spec, dict(evidence), key=role))
        elif listed:
            evidence = {"role": role, "count": len(listed), "pages": listed[:EVIDENCE_PAGES]}
            findings.append(_finding(spec, dict(evidence), key=role))
    return findings


def _finding(spec: RuleSpec, evidence: dict[str, object], *, key: str = "", wording: str | None = None,
             warning: bool = False) -> Finding:
    return Finding(rule=spec.id, severity=Severity.WARNING if warning else spec.severity,
                   wording=wording or spec.wording, evidence=evidence, key=key)


def _ipv6_failed(page: Ipv6Page) -> Ipv6Failed:
    entry: Ipv6Failed = {"level": page.level, "url": page.url, "error": page.error}
    if page.failure is not None:
        entry["failure"] = failure_evidence(page.failure)
    return entry
