"""页面被挂马、内容被篡改: the home page compared with the site's earlier checks, and script signatures
that need no history. Pure: the observation, the baseline fingerprint from the store, the Rulebook.

- always: obfuscated inline script (packer, long \\x/\\u escapes, document.write of decoded text), a
  script redirect to a foreign non-government domain, a title or footer scoring on the rules/spam/ lexicons;
- against the baseline (the newest untampered fingerprint of an earlier check): external script or frame
  hosts and hidden links that were not there before. Those are 疑似 (a warning a reviewer confirms) unless
  the host is on a rules/illegal_domains list: a site may add a statistics script on purpose.
Every finding carries the before and after it was judged on.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from monitor.evidence import TamperEvidence
from monitor.extract.spam import score_page
from monitor.hosts import is_government_host, parent_domains, same_owner, url_host
from monitor.models import Finding, Severity
from monitor.observations import HomeFingerprint, SiteObservation
from monitor.rulebook import Rulebook, RuleSpec

REDIRECT_ELEMENTS = ("script",)  # location/window.open in a script: the page sends its visitors away
_SIGNS = {"packer": "脚本经 eval(function(p,a,c,k,e,d)) 加壳混淆", "escaped-string": "脚本含超长 \\x/\\u 转义字符串",
          "encoded-write": "脚本以 document.write 写出解码后的内容"}


@dataclass(frozen=True)
class Baseline:
    """The home page as an earlier check saw it, and when."""

    seen_at: datetime
    fingerprint: HomeFingerprint


def tampered(obs: SiteObservation, rulebook: Rulebook, baseline: Baseline | None) -> list[Finding]:
    """Every tampering sign of one check; none when the home page was not read (nothing to compare)."""
    spec = rulebook.rule("tampered")
    now = obs.fingerprint
    if now is None:
        return []
    findings = [_finding(spec, {"url": sign.page_url, "sign": _SIGNS.get(sign.kind, sign.kind),
                                "snippet": sign.snippet, "first_check": baseline is None}, f"sign:{sign.kind}")
                for sign in obs.script_signs]
    findings += _foreign_redirects(obs, rulebook, spec)
    findings += _spam_text(obs.url, now, baseline, rulebook, spec)
    if baseline is not None:
        findings += _new_hosts(obs.url, now, baseline, rulebook, spec)
    return findings


def _known(host: str, site_host: str, rulebook: Rulebook) -> bool:
    """A host a government page may load from or send to: its own, a government one, a benign one."""
    return (same_owner(host, site_host) or is_government_host(host)
            or any(parent in rulebook.benign_domains for parent in parent_domains(host)))


def _listed(host: str, rulebook: Rulebook) -> bool:
    return any(parent in rulebook.illegal_domains for parent in parent_domains(host))


def _foreign_redirects(obs: SiteObservation, rulebook: Rulebook, spec: RuleSpec) -> list[Finding]:
    site_host = url_host(obs.final_url or obs.url)
    found: dict[str, Finding] = {}
    for link in obs.links:
        host = url_host(link.href)
        if link.element not in REDIRECT_ELEMENTS or not host or host in found or _known(host, site_host, rulebook):
            continue
        found[host] = _finding(spec, {"url": link.page_url, "sign": "脚本跳转至外部非政府域名", "target": link.href,
                                      "snippet": link.snippet}, f"redirect:{host}")
    return list(found.values())


def _spam_text(url: str, now: HomeFingerprint, baseline: Baseline | None, rulebook: Rulebook,
               spec: RuleSpec) -> list[Finding]:
    threshold = int(spec["spam_score"])
    findings = []
    for part, label in (("title", "标题"), ("footer", "底部")):
        text = getattr(now, part)
        if not text or (baseline is not None and text == getattr(baseline.fingerprint, part)):
            continue  # nothing to read, or the text of an untampered earlier check
        score = score_page(text if part == "title" else "", text if part == "footer" else "", rulebook.spam_lexicon,
                           threshold=threshold)
        if score.score < threshold:
            continue
        evidence: TamperEvidence = {"url": url, "sign": f"首页{label}含违法违规内容", "after": text,
                                    "keywords": list(score.matched), "score": score.score}
        if baseline is not None:
            evidence["before"] = getattr(baseline.fingerprint, part)
            evidence["before_seen_at"] = baseline.seen_at.isoformat()
        findings.append(_finding(spec, dict(evidence), part))
    return findings


def _new_hosts(url: str, now: HomeFingerprint, baseline: Baseline, rulebook: Rulebook,
               spec: RuleSpec) -> list[Finding]:
    site_host = url_host(url)
    before = baseline.fingerprint
    findings = []
    kinds = (("script", "新增外部脚本来源", now.script_hosts, before.script_hosts),
             ("iframe", "新增外部框架来源", now.iframe_hosts, before.iframe_hosts))
    for kind, sign, hosts, earlier in kinds:
        for host in hosts:
            if host in earlier or _known(host, site_host, rulebook):
                continue
            evidence: TamperEvidence = {"url": url, "sign": sign, "after": host, "before": "、".join(earlier) or "（无）",
                                        "before_seen_at": baseline.seen_at.isoformat()}
            findings.append(_finding(spec, dict(evidence), f"{kind}:{host}", suspect=not _listed(host, rulebook)))
    for href in now.hidden_links:
        if href in before.hidden_links or _known(url_host(href), site_host, rulebook):
            continue
        evidence = {"url": url, "sign": "新增隐藏链接", "after": href,
                    "before": "、".join(before.hidden_links) or "（无）", "before_seen_at": baseline.seen_at.isoformat()}
        findings.append(_finding(spec, dict(evidence), f"hidden:{href}", suspect=not _listed(url_host(href), rulebook)))
    return findings


def is_tampered(findings: list[Finding]) -> bool:
    """Whether a check's findings say the home page was tampered with (its fingerprint is then no baseline)."""
    return any(f.rule == "tampered" for f in findings)


def _finding(spec: RuleSpec, evidence: dict[str, object], key: str, *, suspect: bool = False) -> Finding:
    if suspect:
        evidence["level"] = "疑似"
    return Finding(rule=spec.id, severity=Severity.WARNING if suspect else spec.severity, wording=spec.wording,
                   evidence=evidence, key=key)
