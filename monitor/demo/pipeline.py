"""What `govmon demo` does once the province is served: import, check sites, check accounts, report.

Each step imports its module late and is guarded: a module another engineer has not landed yet makes
the step say "not available yet" instead of failing the demo. (The integrator removes the guards once
every module is in.) Results are returned, not printed, apart from one line per step through `say`.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from monitor.config import Settings
from monitor.demo.server import RunningProvince
from monitor.demo.spec import SiteExpectation
from monitor.models import Status, SubjectKind, verdict
from monitor.rulebook import Rulebook
from monitor.store import FindingFilter, Store

log = logging.getLogger(__name__)

Say = Callable[[str], None]


@dataclass(frozen=True)
class SubjectOutcome:
    """One checked website or account, next to what the fixture province expected of it."""

    name: str
    verdict: str  # 合格 / 不合格 / 待人工核查 / 检查出错
    rules: tuple[str, ...]
    mismatches: tuple[str, ...]


@dataclass
class PipelineResult:
    imported: Any = None  # monitor.registry.ImportReport
    websites: list[SubjectOutcome] = field(default_factory=list)
    accounts: list[SubjectOutcome] = field(default_factory=list)
    report_files: list[Path] = field(default_factory=list)

    @property
    def as_expected(self) -> bool:
        return not any(o.mismatches for o in self.websites + self.accounts)


def run_demo_pipeline(running: RunningProvince, settings: Settings, as_of: datetime, *,
                      say: Say = log.info) -> PipelineResult:
    """Import the registry, check every site and account as of `as_of`, write the quarter's report."""
    result = PipelineResult()
    rulebook = Rulebook(settings.rules_dir)
    store = Store.open(settings.database)
    try:
        for step in (_import, _check_websites, _check_accounts, _write_report):
            step(running, settings, as_of, store, rulebook, result, say)
    finally:
        store.close()
    return result


def _import(running: RunningProvince, settings: Settings, as_of: datetime, store: Store, rulebook: Rulebook,
            result: PipelineResult, say: Say) -> None:
    from monitor.registry import import_registry

    places = rulebook.places(settings.province, settings.region_order)
    report = import_registry(store, rulebook, running.registry_paths, now=as_of, places=places)
    result.imported = report
    say(f"registry import: {len(store.websites())} websites, {len(store.accounts())} accounts, "
        f"{len(report.errors)} row errors")
    for error in report.errors:
        say(f"  {error.file}:{error.line}: {error.reason}")


def _check_websites(running: RunningProvince, settings: Settings, as_of: datetime, store: Store,
                    rulebook: Rulebook, result: PipelineResult, say: Say) -> None:
    from monitor.fetch.client import HttpFetcher
    from monitor.render import renderer_for
    from monitor.service import SiteCheck, check_websites

    websites = store.websites()

    async def check_all() -> list[SiteCheck | Exception]:
        async with HttpFetcher(settings.crawl) as fetcher, renderer_for(settings, fetcher) as renderer:
            return await check_websites(store, rulebook, settings, websites, as_of, fetcher=fetcher, renderer=renderer)

    expected = running.province.expected.websites
    for website, outcome in zip(websites, asyncio.run(check_all()), strict=True):
        if isinstance(outcome, Exception):  # a crawler bug on one site must not hide the others
            say(f"check of {website.name} failed: {type(outcome).__name__}: {outcome}")
            result.websites.append(SubjectOutcome(website.name, "检查出错", (), ("check failed",)))
            continue
        rules, passed = _standing(store, SubjectKind.WEBSITE, website.id)
        result.websites.append(_outcome(website.name, rules, passed, expected.get(website.name)))
    say(f"website checks: {len(result.websites)} sites checked as of {as_of.isoformat()}")


def _check_accounts(running: RunningProvince, settings: Settings, as_of: datetime, store: Store,
                    rulebook: Rulebook, result: PipelineResult, say: Say) -> None:
    from monitor.fetch.client import HttpFetcher
    from monitor.newmedia.service import check_accounts

    accounts = store.accounts()

    async def check_all() -> list[Any]:
        async with HttpFetcher(settings.crawl) as fetcher:
            return await check_accounts(store, rulebook, settings, accounts, as_of, fetcher=fetcher)

    expected = running.province.expected.accounts
    for check in asyncio.run(check_all()):
        rules, _ = _standing(store, SubjectKind.ACCOUNT, check.account.id)
        passed = {"updated": True, "stale": False}.get(check.state)  # anything else: a human must look
        result.accounts.append(_outcome(check.account.name, rules, passed, expected.get(check.account.name)))
    say(f"account checks: {len(result.accounts)} accounts checked")


def _write_report(running: RunningProvince, settings: Settings, as_of: datetime, store: Store,
                  rulebook: Rulebook, result: PipelineResult, say: Say) -> None:
    from monitor.quarter import quarter_containing
    from monitor.report import build_report, write_report

    quarter = quarter_containing(as_of.astimezone(settings.timezone))
    report = build_report(store, settings, quarter, rulebook=rulebook, generated_at=as_of)
    result.report_files = write_report(report, settings.report_dir, settings.report_formats)
    say(f"report: {len(result.report_files)} files in {settings.report_dir}")


def _standing(store: Store, kind: SubjectKind, subject_id: int | None) -> tuple[tuple[str, ...], bool]:
    """Rule ids of a subject's findings that still stand, and whether they leave it 合格."""
    findings = [f for f in store.findings(FindingFilter(subject_kind=kind, subject_id=subject_id))
                if f.status != Status.RESOLVED]
    return tuple(sorted({f.rule for f in findings})), verdict(findings) == "合格"


def _outcome(name: str, rules: tuple[str, ...], passed: bool | None,
             expectation: SiteExpectation | None) -> SubjectOutcome:
    """A checked subject next to the province's expectation (passed None: no verdict, a human must look)."""
    shown = {True: "合格", False: "不合格", None: "待人工核查"}[passed]
    mismatches = expectation.mismatches(rules, passed) if expectation else []
    return SubjectOutcome(name, shown, rules, tuple(mismatches))
