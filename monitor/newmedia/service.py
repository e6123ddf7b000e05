"""Checking accounts end to end: read posts, store the observation, judge, store the findings.

The verdict is recorded only when it is known: an account whose platform blocked us keeps its
previous findings untouched (neither resolved nor renewed) and goes on the manual-check list.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from monitor.checks.accounts import AccountObservation, AccountVerdict, evaluate_account, pick_observation
from monitor.config import Settings
from monitor.fetch.result import Fetcher
from monitor.models import Account, Finding, SubjectKind, iso, wall_clock
from monitor.newmedia.observations import manual_observations, observation_from_result, save_observation
from monitor.newmedia.pacing import Sleep, polite
from monitor.newmedia.posts import SourceResult
from monitor.newmedia.sampling import ensure_sample, sampled_accounts
from monitor.newmedia.sources import SourceOptions, latest_posts, source_options
from monitor.rulebook import Rulebook
from monitor.store import Store

Clock = Callable[[], datetime]

RULE_ID = "account_stale"
RUN_KIND = "account"


@dataclass
class AccountCheck:
    """One account checked: what the adapter answered (`result`, `observation`), and the verdict, which
    may rest on a manual observation instead (`verdict.observation`)."""

    account: Account
    result: SourceResult
    observation: AccountObservation | None
    verdict: AccountVerdict
    findings: list[Finding] = field(default_factory=list)  # as stored (ids, first_seen); empty when unknown

    @property
    def state(self) -> str:
        return self.verdict.state

    def summary(self) -> dict[str, object]:
        """The JSON shape of `govmon check-account --json`."""
        obs = self.verdict.observation
        return {
            "account": {"id": self.account.id, "name": self.account.name, "platform": self.account.platform,
                        "region": self.account.region, "subject": self.account.subject,
                        "source": self.account.source},
            "state": self.state,
            "verdict": "不合格" if self.state == "stale" else ("合格" if self.state == "updated" else "待人工核查"),
            "days_silent": self.verdict.days_silent,
            "reason": self.verdict.reason,
            "source_outcome": self.result.outcome, "source_kind": self.result.source_kind, "error": self.result.error,
            "judged_on": obs.source_kind if obs else None,
            "latest_post": None if obs is None or obs.latest_post_at is None else {
                "at": iso(obs.latest_post_at), "title": obs.latest_title, "url": obs.latest_url},
            "findings": [f.summary() for f in (self.findings or self.verdict.findings)],
        }


async def check_account(store: Store, rulebook: Rulebook, settings: Settings, account: Account, as_of: datetime,
                        *, fetcher: Fetcher, options: SourceOptions | None = None, clock: Clock | None = None,
                        ) -> AccountCheck:
    """Check one account as of `as_of`. An account without an id (ad hoc) is judged but not stored.

    `clock` says when the check actually ran (default: the wall clock), recorded apart from as_of."""
    rule = rulebook.rule(RULE_ID)
    options = options or source_options(settings)
    result = await latest_posts(account, fetcher, as_of=as_of, options=options)
    current = observation_from_result(result, account, as_of)
    if account.id is None:
        verdict = evaluate_account(pick_observation(current, [], rule, as_of), rule, as_of)
        return AccountCheck(account, result, current, verdict)
    save_observation(store, current, result)
    manual = manual_observations(store, account.id)
    verdict = evaluate_account(pick_observation(current, manual, rule, as_of), rule, as_of)
    stored: list[Finding] = []
    if verdict.state != "unknown":
        stored = store.record_findings(SubjectKind.ACCOUNT, account.id, verdict.findings,
                                       checked_rules=[RULE_ID], seen_at=iso(as_of))
    ran_at = clock() if clock else wall_clock(as_of)
    _record_run(store, account.id, as_of, ran_at, result, verdict)
    return AccountCheck(account, result, current, verdict, stored)


def _record_run(store: Store, account_id: int, as_of: datetime, ran_at: datetime, result: SourceResult,
                verdict: AccountVerdict) -> None:
    """A check_runs row, so the daemon can tell when an account was last looked at (by when it ran)."""
    run_id = store.start_run(SubjectKind.ACCOUNT, account_id, RUN_KIND, as_of=iso(as_of), started_at=iso(ran_at))
    store.finish_run(run_id, finished_at=iso(ran_at), outcome=result.outcome, error=result.error,
                     summary={"state": verdict.state, "days_silent": verdict.days_silent,
                              "source_kind": result.source_kind})


async def check_accounts(store: Store, rulebook: Rulebook, settings: Settings, accounts: list[Account],
                         as_of: datetime, *, fetcher: Fetcher, progress: Callable[[AccountCheck], None] | None = None,
                         options: SourceOptions | None = None, sleep: Sleep = asyncio.sleep,
                         clock: Clock | None = None) -> list[AccountCheck]:
    """Check many accounts, politely: one request at a time per platform, platform_delay_s apart,
    each URL fetched once per run. Results come back in the order of `accounts`."""
    paced = polite(fetcher, settings.accounts.platform_delay_s, sleep=sleep)

    async def one(account: Account) -> AccountCheck:
        # Platforms proceed side by side; the pacing lock queues the accounts of one platform.
        check = await check_account(store, rulebook, settings, account, as_of, fetcher=paced, options=options,
                                    clock=clock)
        if progress is not None:
            progress(check)
        return check

    return list(await asyncio.gather(*(one(account) for account in accounts)))


async def run_sampled_account_checks(store: Store, rulebook: Rulebook, settings: Settings, quarter: str,
                                     as_of: datetime, fetcher: Fetcher, *,
                                     options: SourceOptions | None = None,
                                     clock: Clock | None = None) -> list[AccountCheck]:
    """`govmon check --accounts`: the quarter's sample (drawn and stored on first use), each checked."""
    ensure_sample(store, settings, quarter, now=as_of)
    accounts = [a for a in sampled_accounts(store, quarter) if not a.retired_at]  # closed since the draw
    return await check_accounts(store, rulebook, settings, accounts, as_of, fetcher=fetcher, options=options,
                                clock=clock)


def manual_check_list(checks: list[AccountCheck]) -> list[AccountCheck]:
    """Accounts whose freshness could not be established automatically: to be checked by hand."""
    return [check for check in checks if check.state == "unknown"]
