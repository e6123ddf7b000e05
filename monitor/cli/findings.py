"""`govmon findings`: what the checks found, and the reviewer's word on it.

A reviewer confirms or dismisses automatic findings (a dismissed one never counts in reports) and
enters the problems only a person can see, such as a 严重表述错误 read on a page.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import typer
from rich.markup import escape
from rich.table import Table

from monitor import review
from monitor.cli.common import (
    EXIT_OK,
    EXIT_PROBLEMS,
    EXIT_USAGE,
    AppState,
    console,
    fail,
    parse_moment,
    print_json,
    state,
    stdout,
)
from monitor.evidence import describe_evidence
from monitor.manual_findings import EntryError, add_reviewer_finding, import_findings
from monitor.models import SEVERITY_LABELS, Account, Finding, Source, Status, SubjectKind, Website
from monitor.registry import normalise_platform
from monitor.store import FindingFilter, Store
from monitor.times import optional_iso

findings_app = typer.Typer(
    help="List findings, confirm or dismiss them, and add findings a reviewer made by hand.",
    no_args_is_help=True,
)

CLI_ACTOR = "命令行用户"  # the audit trail's name for a reviewer who gave no --reviewer
STATUS_LABELS = {"open": "待复核", "resolved": "已消除", "confirmed": "已确认", "dismissed": "已驳回"}

SITE_HELP = "Website: id, URL, 网站标识码 or name."
EVIDENCE_LINES = 5  # per finding in the table; `--json` has the full evidence
ACCOUNT_HELP = "Account: id or name (add --platform when a name repeats across platforms)."


@contextmanager
def _open(app_state: AppState) -> Iterator[Store]:
    store = app_state.open_store()
    try:
        yield store
    finally:
        store.close()


def _target(store: Store, site: str | None, account: str | None,
            platform: str | None) -> tuple[SubjectKind, Website | Account] | None:
    """The website or account a command names (None when neither was given); unknown → exit 2."""
    if site and account:
        fail("give --site or --account, not both", EXIT_USAGE)
    if site:
        website = store.find_website(site)
        if website is None:
            fail(f"no website matches {site!r} (give its id, URL, 网站标识码 or name)", EXIT_USAGE)
        return SubjectKind.WEBSITE, website
    if account:
        found = store.find_account(account, platform)
        if found is None:
            fail(f"no account matches {account!r}" + (f" on {platform}" if platform else ""), EXIT_USAGE)
        return SubjectKind.ACCOUNT, found
    return None


def _platform(app_state: AppState, platform: str | None) -> str | None:
    """--platform as the registry stores it (微博 → 新浪微博)."""
    if not platform:
        return None
    try:
        return normalise_platform(app_state.rulebook, platform)
    except ValueError:
        return platform


def _subject_names(store: Store, findings: list[Finding]) -> dict[tuple[str, int | None], str]:
    names: dict[tuple[str, int | None], str] = {}
    for f in findings:
        ident = (str(f.subject_kind), f.subject_id)
        if ident not in names and f.subject_id is not None:
            subject = store.website(f.subject_id) if f.subject_kind == SubjectKind.WEBSITE else store.account(f.subject_id)
            names[ident] = subject.name if subject else f"#{f.subject_id}"
    return names


def finding_json(finding: Finding, subject: str) -> dict[str, Any]:
    """The JSON shape of one finding in `govmon findings ... --json`."""
    return {
        "id": finding.id, "subject_kind": str(finding.subject_kind), "subject_id": finding.subject_id,
        "subject": subject, "rule": finding.rule, "key": finding.key, "severity": str(finding.severity),
        "wording": finding.wording, "status": str(finding.status), "source": str(finding.source),
        "first_seen": optional_iso(finding.first_seen), "last_seen": optional_iso(finding.last_seen),
        "resolved_at": optional_iso(finding.resolved_at),
        "note": finding.note, "evidence": finding.evidence,
    }


def _checked_status(status: str | None) -> Status | None:
    if status is None:
        return None
    try:
        return Status(status)
    except ValueError:
        fail(f"--status must be one of {', '.join(s.value for s in Status)}, got {status!r}", EXIT_USAGE)


def _checked_rule(app_state: AppState, rule: str | None) -> str | None:
    if rule is not None and rule not in app_state.rulebook.rule_ids:
        fail(f"unknown rule {rule!r}; rules: {', '.join(app_state.rulebook.rule_ids)}", EXIT_USAGE)
    return rule


@findings_app.command("list")
def list_command(
    ctx: typer.Context,
    site: str | None = typer.Option(None, "--site", help=SITE_HELP),
    account: str | None = typer.Option(None, "--account", help=ACCOUNT_HELP),
    platform: str | None = typer.Option(None, "--platform", help="Platform of --account."),
    rule: str | None = typer.Option(None, "--rule", help="Rule id (see rules/rules.toml)."),
    status: str | None = typer.Option(None, "--status", help="open, resolved, confirmed or dismissed."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """List findings, oldest first."""
    app_state = state(ctx)
    flt_status, flt_rule = _checked_status(status), _checked_rule(app_state, rule)
    with _open(app_state) as store:
        target = _target(store, site, account, _platform(app_state, platform))
        flt = FindingFilter(
            subject_kind=target[0] if target else None, subject_id=target[1].id if target else None,
            rule=flt_rule, status=flt_status,
        )
        findings = store.findings(flt)
        names = _subject_names(store, findings)
    rows = [finding_json(f, names.get((str(f.subject_kind), f.subject_id), "")) for f in findings]
    if as_json:
        print_json(rows)
    else:
        stdout.print(_findings_table(rows, [describe_evidence(f, limit=EVIDENCE_LINES) for f in findings]))


@findings_app.command("show")
def show_command(
    ctx: typer.Context,
    finding_id: int = typer.Argument(..., help="Finding id (see `govmon findings list`)."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """One finding in full: its evidence line by line and the path of its screenshot, if one was taken."""
    app_state = state(ctx)
    with _open(app_state) as store:
        finding = store.finding(finding_id)
        if finding is None:
            fail(f"no finding with id {finding_id}", EXIT_USAGE)
        name = _subject_names(store, [finding]).get((str(finding.subject_kind), finding.subject_id), "")
    row = finding_json(finding, name)
    if as_json:
        print_json(row)
        return
    status = STATUS_LABELS.get(row["status"], row["status"]) + ("（人工）" if finding.source == Source.MANUAL else "")
    lines = [
        f"#{finding.id} {name} — {finding.wording}",
        f"类别：{SEVERITY_LABELS.get(finding.severity, str(finding.severity))}　状态：{status}　规则：{finding.rule}",
        f"首次发现：{optional_iso(finding.first_seen) or ''}　最近发现：{optional_iso(finding.last_seen) or ''}",
        "证据：",
        *(f"  {line}" for line in describe_evidence(finding)),
    ]
    shot = finding.evidence.get("screenshot") if isinstance(finding.evidence, dict) else None
    if shot and not Path(str(shot)).is_file():
        lines.append(f"截图文件已不在：{shot}")
    for line in lines:
        stdout.print(line, markup=False, highlight=False, soft_wrap=True)


def _findings_table(rows: list[dict[str, Any]], evidence: list[list[str]]) -> Table:
    """One row per finding; the 证据 column ends with the reviewer's note (复核意见)."""
    table = Table(title=f"问题（{len(rows)}）")
    for column in ("ID", "对象", "问题", "类别", "状态", "首次发现", "证据"):
        table.add_column(column, overflow="fold", min_width=10 if column == "首次发现" else None)
    for r, lines in zip(rows, evidence, strict=True):
        status = STATUS_LABELS.get(r["status"], r["status"]) + ("（人工）" if r["source"] == Source.MANUAL else "")
        cells = [
            str(r["id"]), r["subject"], r["wording"], SEVERITY_LABELS.get(r["severity"], r["severity"]), status,
            (r["first_seen"] or "")[:10], "\n".join(lines),
        ]
        table.add_row(*(escape(c) for c in cells))
    return table


def _review(ctx: typer.Context, finding_id: int, status: Status, note: str, reviewer: str, as_json: bool) -> None:
    """Set a reviewer's verdict; the note says why, so the next reviewer need not ask."""
    app_state = state(ctx)
    actor = review.Actor(reviewer or CLI_ACTOR, "命令行")
    with _open(app_state) as store:
        finding = store.finding(finding_id)
        subject = review.subject_of(store, finding) if finding is not None else None
        if finding is None or subject is None:
            fail(f"no finding with id {finding_id}", EXIT_USAGE)
        try:
            if status == Status.CONFIRMED:
                finding = review.confirm(store, app_state.rulebook, finding, subject, actor, app_state.now(), note)
            else:
                finding = review.dismiss(store, finding, actor, app_state.now(), note)
        except review.ReviewError as exc:
            fail(f"finding {finding_id}: {exc}", EXIT_USAGE)
        name = _subject_names(store, [finding]).get((str(finding.subject_kind), finding.subject_id), "")
    _print_one(finding_json(finding, name), as_json, "已确认" if status == Status.CONFIRMED else "已驳回")


def _print_one(row: dict[str, Any], as_json: bool, verb: str) -> None:
    if as_json:
        print_json(row)
    else:
        stdout.print(f"{verb} #{row['id']}: {row['subject']} — {row['wording']}", markup=False, highlight=False)


@findings_app.command("confirm")
def confirm_command(
    ctx: typer.Context,
    finding_id: int = typer.Argument(..., help="Finding id (see `govmon findings list`)."),
    note: str = typer.Option(..., "--note", help="Why: what the reviewer saw."),
    reviewer: str = typer.Option("", "--reviewer", help="Who reviewed it."),
    as_json: bool = typer.Option(False, "--json", help="Print the finding as JSON."),
) -> None:
    """Confirm a finding: a reviewer agrees it is a real problem."""
    _review(ctx, finding_id, Status.CONFIRMED, note, reviewer, as_json)


@findings_app.command("dismiss")
def dismiss_command(
    ctx: typer.Context,
    finding_id: int = typer.Argument(..., help="Finding id (see `govmon findings list`)."),
    note: str = typer.Option(..., "--note", help="Why it is not a problem (kept as evidence)."),
    reviewer: str = typer.Option("", "--reviewer", help="Who reviewed it."),
    as_json: bool = typer.Option(False, "--json", help="Print the finding as JSON."),
) -> None:
    """Dismiss a finding: it never counts in reports, and stays dismissed when seen again."""
    _review(ctx, finding_id, Status.DISMISSED, note, reviewer, as_json)


@findings_app.command("add")
def add_command(
    ctx: typer.Context,
    site: str | None = typer.Option(None, "--site", help=SITE_HELP),
    account: str | None = typer.Option(None, "--account", help=ACCOUNT_HELP),
    platform: str | None = typer.Option(None, "--platform", help="Platform of --account."),
    rule: str = typer.Option(..., "--rule", help="Rule id or its official wording, e.g. serious_wording."),
    evidence_url: str = typer.Option(..., "--evidence-url", help="The page where the problem is."),
    snippet: str = typer.Option(..., "--snippet", help="The offending text, as on the page."),
    seen_at: str | None = typer.Option(None, "--seen-at",
                                       help="When the problem was seen: YYYY-MM-DD or YYYY-MM-DDTHH:MM (default: now)."),
    note: str = typer.Option("", "--note", help="Reviewer's note."),
    reviewer: str = typer.Option("", "--reviewer", help="Who found it."),
    as_json: bool = typer.Option(False, "--json", help="Print the finding as JSON."),
) -> None:
    """Enter a finding a reviewer made by hand (confirmed at once; never resolved by a check).

    --seen-at dates it when the problem was seen, so a problem of December entered in January counts in
    the fourth quarter's report.
    """
    app_state = state(ctx)
    parts = urlsplit(evidence_url.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc:
        fail(f"--evidence-url must be an http(s) URL, got {evidence_url!r}", EXIT_USAGE)
    now = app_state.now()
    moment = parse_moment(seen_at, app_state.settings) if seen_at else now
    if seen_at and len(seen_at) == 10 and moment.date() == now.date():  # today's end is still to come
        moment = now
    with _open(app_state) as store:
        target = _target(store, site, account, _platform(app_state, platform))
        if target is None:
            fail("give --site or --account", EXIT_USAGE)
        kind, subject = target
        try:
            stored = add_reviewer_finding(store, app_state.rulebook, kind, subject, rule, seen_at=moment, now=now,
                                          evidence_url=evidence_url, snippet=snippet, note=note, reviewer=reviewer)
        except EntryError as exc:
            fail(str(exc), EXIT_USAGE)
    _print_one(finding_json(stored, subject.name), as_json, "已登记")


@findings_app.command("import")
def import_command(
    ctx: typer.Context,
    files: list[Path] = typer.Argument(..., help="CSV or XLSX sheets (网站名称 or 账号名称+类型, 问题, 证据网址, 摘录, "
                                                 "发现时间, 备注)."),
    reviewer: str = typer.Option("", "--reviewer", help="Who found them."),
    strict: bool = typer.Option(False, "--strict", help="Store nothing when any row is bad."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON instead of text."),
) -> None:
    """Enter reviewers' findings from a sheet, each dated by its 发现时间.

    Bad rows are reported as file:line: reason; exit code 1 when there are any. Importing the same
    sheet again adds nothing.
    """
    app_state = state(ctx)
    for path in files:
        if not path.is_file():
            fail(f"{path}: file not found")
    with _open(app_state) as store:
        report = import_findings(store, app_state.rulebook, files, zone=app_state.settings.timezone,
                                 now=app_state.now(), reviewer=reviewer, strict=strict)
    if as_json:
        print_json(report.summary())
    else:
        for error in report.errors:
            console.print(f"[red]{escape(str(error))}[/]", highlight=False, soft_wrap=True)
        stdout.print(f"登记人工发现的问题 {report.stored} 条，重复 {report.unchanged} 条，错误 {len(report.errors)} 行。",
                     highlight=False)
    raise typer.Exit(EXIT_PROBLEMS if report.errors else EXIT_OK)


def register(app: typer.Typer) -> None:
    """Add `govmon findings` to the root app."""
    app.add_typer(findings_app, name="findings")
