"""Verdicts on external link targets: listed, government, benign, or fetched once and scored.

A host linked from a hundred pages is judged once per crawl. Unknown hosts are fetched (hidden-link
hosts first, they are the 暗链 suspects) up to `crawl.max_external_checks`, without robots.txt: the
question is what the link shows a visitor, not whether a crawler may index it.

A target that is a registered website, a government domain or a page carrying a 网站标识码 is judged as
a government site: its own problems are found when it is checked itself, never charged to the sites
that link to it (only a gambling or porn brand as its title or organiser overrides a copied 标识码). Any
fetched target is scored on its own title and visible text (`monitor.extract.target`), not on the
anchor texts of the links it carries.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field, replace

from monitor.crawl.session import CrawlSession, describe_failure
from monitor.crawl.urls import is_http_url
from monitor.extract.links import domain_verdict
from monitor.extract.spam import score_short_text
from monitor.extract.target import judge_target
from monitor.hosts import is_government_host, normalize_host, url_host
from monitor.observations import ExternalVerdict, LinkObservation
from monitor.page_workers import read_page
from monitor.rulebook import Rulebook

LISTED_NAME = "illegal_domains"
MAX_HIDDEN_TEXTS = 20
MAX_HREFS = 3
CHECK_CONCURRENCY = 4


@dataclass
class _HostLinks:
    """What the crawl saw linking to one external host."""

    hrefs: list[str]  # the first few targets, to fetch one not fetched yet
    hidden: bool = False
    hidden_texts: list[str] = field(default_factory=list)


class ExternalLinks:
    """Collects external links per host while pages are read, then judges each host once."""

    def __init__(self, rulebook: Rulebook, max_checks: int, registered_hosts: frozenset[str] = frozenset()):
        self._rulebook = rulebook
        self._lexicon = rulebook.spam_lexicon
        self._threshold = int(rulebook.rule("illegal_links")["keyword_score"])
        self._max_checks = max_checks
        self._registered = frozenset(_registry_key(h) for h in registered_hosts)
        self._hosts: dict[str, _HostLinks] = {}

    def add(self, link: LinkObservation) -> None:
        host = url_host(link.href)
        if not host or not is_http_url(link.href):
            return
        entry = self._hosts.setdefault(host, _HostLinks(hrefs=[]))
        if link.href not in entry.hrefs and len(entry.hrefs) < MAX_HREFS:
            entry.hrefs.append(link.href)
        if link.hidden:
            entry.hidden = True
            if (
                link.text
                and link.text not in entry.hidden_texts
                and len(entry.hidden_texts) < MAX_HIDDEN_TEXTS
            ):
                entry.hidden_texts.append(link.text)

    async def judge(self, session: CrawlSession) -> tuple[dict[str, ExternalVerdict], list[str]]:
        """Verdict per host, plus notes on hosts left unchecked."""
        verdicts = {host: self._static_verdict(host) for host in self._hosts}
        to_fetch = self._hosts_to_fetch(verdicts)
        checked, skipped = to_fetch[: self._max_checks], to_fetch[self._max_checks :]
        semaphore = asyncio.Semaphore(CHECK_CONCURRENCY)
        results = await asyncio.gather(
            *(self._fetched_verdict(h, verdicts[h], session, semaphore) for h in checked)
        )
        verdicts.update(zip(checked, results, strict=True))
        notes = (
            [f"{len(skipped)} external hosts not fetched: max_external_checks={self._max_checks}"]
            if skipped
            else []
        )
        return verdicts, notes

    def _static_verdict(self, host: str) -> ExternalVerdict:
        """Verdict from the registry and the domain lists, with the anchor text of hidden links scored."""
        listed, benign = domain_verdict(host, self._rulebook.illegal_domains, self._rulebook.benign_domains)
        government = ""
        if self._is_registered(host):
            government, listed, benign = "已登记网站", False, True
        elif is_government_host(host):
            government = "政府域名"
        score, words = score_short_text(" ".join(self._hosts[host].hidden_texts), self._lexicon)
        return ExternalVerdict(
            host=host, listed=LISTED_NAME if listed else "", benign=benign, score=score, keywords=words,
            government=government,
        )

    def _is_registered(self, host: str) -> bool:
        """The host of a registered website, or a subdomain of one (www. aside)."""
        key = _registry_key(host)
        labels = key.split(".")
        return any(".".join(labels[start:]) in self._registered for start in range(len(labels) - 1 or 1))

    def _hosts_to_fetch(self, verdicts: dict[str, ExternalVerdict]) -> list[str]:
        """Neither listed nor benign; hosts of hidden links first."""
        unknown = [h for h, v in verdicts.items() if not v.listed and not v.benign]
        return sorted(unknown, key=lambda h: not self._hosts[h].hidden)

    async def _fetched_verdict(
        self, host: str, verdict: ExternalVerdict, session: CrawlSession, semaphore: asyncio.Semaphore
    ) -> ExternalVerdict:
        """Fetch one linked page of `host` once and add its keyword score to the verdict."""
        href = next((h for h in self._hosts[host].hrefs if not session.seen(h)), "")
        if not href:
            return _replace(verdict, error="not fetched: its linked pages were already fetched as site pages")
        async with semaphore:
            result = await session.fetch(href, tail=True, robots=False, traps=False)
        if result is None:
            return _replace(verdict, error="not fetched: page budget reached")
        if not result.ok:
            return _replace(verdict, error=describe_failure(result))
        judged = await read_page(judge_target, result.text, result.final_url or href, self._lexicon, self._threshold)
        merged = tuple(dict.fromkeys(verdict.keywords + judged.score.matched))
        return _replace(
            verdict, fetched=True, title=judged.page.title[:200], score=verdict.score + judged.score.score,
            keywords=merged, decisive=judged.score.decisive, government=judged.government,
            benign=bool(judged.government),
        )


def _registry_key(host: str) -> str:
    return normalize_host(host).removeprefix("www.")


def _replace(verdict: ExternalVerdict, **changes: object) -> ExternalVerdict:
    return replace(verdict, **changes)  # type: ignore[arg-type]
