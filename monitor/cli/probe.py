"""`govmon probe TARGET`: probe one site's home page N times and judge the share of failures.

The same probe the daemon takes 20+ times a day, on demand: to confirm an 站点无法访问 finding, or to
show a site owner what the monitor sees.
"""

from __future__ import annotations

import asyncio
from typing import Any

import typer

from monitor.checks.availability import AvailabilityTally
from monitor.config import Settings
from monitor.fetch.client import HttpFetcher
from monitor.models import Website, iso
from monitor.probe import ProbeResult, probe_crawl_settings, probe_url, record_probe_round
from monitor.rulebook import RuleSpec
from monitor.store import Store

from .common import EXIT_OK, EXIT_PROBLEMS, AppState, fail, print_json, state, stdout


def register(app: typer.Typer) -> None:
    """Add this module's commands to the root app."""
    app.command("probe")(probe_command)


def probe_command(
    ctx: typer.Context,
    target: str = typer.Argument(..., help="Website URL, name or site code (an unregistered http(s) URL works too)."),
    count: int = typer.Option(1, "--count", "-n", min=1, help="Number of probes."),
    interval: float = typer.Option(1.0, "--interval", min=0.0, help="Seconds between two probes."),
    timeout: float | None = typer.Option(None, "--timeout", min=0.1, help="Probe time limit in seconds "
                                         "(default: probe.timeout_s, the official 15 s)."),
    as_json: bool = typer.Option(False, "--json", help="Print the probes and the tally as JSON."),
    record: bool = typer.Option(False, "--record", help="Store the probes (registered sites only)."),
) -> None:
    """Probe a site's home page; exit 1 if the failure share reaches the 站点无法访问 line (5%)."""
    app_state = state(ctx)
    settings = app_state.settings
    rule = app_state.rulebook.rule("unreachable")
    limit = timeout if timeout is not None else settings.probe.timeout_s
    # Probing a bare URL must work (and leave no database behind) where no registry exists yet.
    store = app_state.open_store() if record or settings.database.exists() else None
    try:
        website = _target_site(store, target)
        if record and website.id is None:
            fail(f"--record needs a registered website; {target} is not in the registry")
        probes = asyncio.run(_run(settings, website, count, interval, limit, app_state, as_json))
        if record and store is not None:
            for number, probe in enumerate(probes, start=1):
                round_id = f"cli:{iso(probes[0].at)}:{number}"
                record_probe_round(store, [(website, probe)], round_id=round_id, rule=rule, canary_ok=None)
    finally:
        if store is not None:
            store.close()
    tally = _tally(probes, rule)
    if as_json:
        print_json({"target": target, "website": _site_json(website), "timeout_s": limit,
                    "probes": [_probe_json(p) for p in probes], **tally})
    else:
        _print_tally(tally)
    raise typer.Exit(EXIT_PROBLEMS if tally["verdict"] == "不合格" else EXIT_OK)


def _target_site(store: Store | None, target: str) -> Website:
    """A registered website, or a stand-in for an unregistered http(s) URL."""
    website = store.find_website(target) if store is not None else None
    if website is not None:
        return website
    if target.lower().startswith(("http://", "https://")):
        return Website(name=target, url=target, region="", kind="", site_code="")
    fail(f"no registered website matches {target!r} (give a URL, a name or a site code)")


async def _run(settings: Settings, website: Website, count: int, interval: float, timeout_s: float,
               app_state: AppState, quiet: bool) -> list[ProbeResult]:
    probes: list[ProbeResult] = []
    async with HttpFetcher(probe_crawl_settings(settings.crawl)) as fetcher:
        for number in range(1, count + 1):
            if number > 1 and interval:
                await asyncio.sleep(interval)
            probe = await probe_url(fetcher, website.url, timeout_s=timeout_s, clock=app_state.now)
            probes.append(probe)
            if not quiet:
                _print_probe(number, count, probe)
    return probes


_VERDICTS = {"veto": "不合格", "warning": "预警", None: "合格"}


def _tally(probes: list[ProbeResult], rule: RuleSpec) -> dict[str, Any]:
    tally = AvailabilityTally(total=len(probes), failed=sum(1 for p in probes if not p.ok))
    return {"total": tally.total, "ok": tally.total - tally.failed, "failed": tally.failed,
            "share": round(tally.share, 4), "veto_share": rule["veto_share"], "verdict": _VERDICTS[tally.level(rule)],
            "rule": rule.wording}


def _print_probe(number: int, count: int, probe: ProbeResult) -> None:
    colour = "green" if probe.ok else "red"
    status = probe.status if probe.status is not None else "-"
    detail = f"  {probe.error}" if probe.error else ""
    stdout.print(
        f"{number}/{count} {iso(probe.at)} [{colour}]{probe.outcome}[/] {status} {probe.latency_ms} ms "
        f"{probe.final_url}{detail}", highlight=False, soft_wrap=True,
    )


def _print_tally(tally: dict[str, Any]) -> None:
    colour = {"不合格": "red", "预警": "yellow"}.get(tally["verdict"], "green")
    stdout.print(
        f"成功 {tally['ok']} / 失败 {tally['failed']} / 共 {tally['total']} 次，无法访问比例 {tally['share']:.1%}"
        f"（否决线 {tally['veto_share']:.0%}）：[{colour}]{tally['verdict']}[/]", highlight=False,
    )


def _site_json(website: Website) -> dict[str, Any]:
    return {"id": website.id, "name": website.name, "url": website.url, "site_code": website.site_code}


def _probe_json(probe: ProbeResult) -> dict[str, Any]:
    return {"at": iso(probe.at), "outcome": probe.outcome, "status": probe.status,
            "latency_ms": probe.latency_ms, "final_url": probe.final_url, "error": probe.error}
