"""`govmon demo`: serve the built-in example province, check it and write its report, all offline."""

from __future__ import annotations

import threading
from collections.abc import Iterable
from pathlib import Path

import typer
from rich.table import Table

from monitor.cli.common import EXIT_OK, console, stdout
from monitor.demo import DEMO_AS_OF, RunningProvince, build_province, serve_province
from monitor.demo.pipeline import PipelineResult, SubjectOutcome, run_demo_pipeline
from monitor.demo.settings import DATABASE_NAME, demo_settings
from monitor.rulebook import Rulebook

EXIT_INTERRUPTED = 130  # Ctrl-C before the demo finished (servers are still stopped cleanly)


def register(app: typer.Typer) -> None:
    """Add this module's commands to the root app."""
    app.command("demo")(demo)


def demo(
    out: Path = typer.Option(Path("demo-out"), "--out", help="Folder for the demo database, registry, config and reports."),
    keep_serving: bool = typer.Option(False, "--keep-serving", help="Keep the sites up until Ctrl-C, to browse them."),
    check: bool = typer.Option(True, "--check/--no-check", help="Run the checks and the report (default) or only serve."),
) -> None:
    """Serve an example province of government sites with known problems on 127.0.0.1, import its
    registry, check every site and account as of 2022-12-28 10:00 and write the quarter's report."""
    out = out.resolve()
    _remove_old_database(out)
    try:
        with serve_province(build_province(), workdir=out) as running:
            settings = demo_settings(running, out)
            rulebook = Rulebook(settings.rules_dir)
            stdout.print(registry_table(running, rulebook))
            stdout.print(accounts_table(running, rulebook))
            console.print(f"demo config: {out / 'config.toml'}  (as of {DEMO_AS_OF.isoformat()})", highlight=False)
            if check:
                result = run_demo_pipeline(running, settings, DEMO_AS_OF, say=_say)
                _print_result(result, rulebook)
            if keep_serving:
                _serve_until_interrupted(running)
    except KeyboardInterrupt:
        console.print("interrupted: servers stopped")
        raise typer.Exit(EXIT_INTERRUPTED) from None
    raise typer.Exit(EXIT_OK)


def _remove_old_database(out: Path) -> None:
    """Each run serves on new ports, so an old demo database would only hold retired sites."""
    for suffix in ("", "-wal", "-shm"):
        (out / f"{DATABASE_NAME}{suffix}").unlink(missing_ok=True)


def _say(message: str) -> None:
    console.print(message, highlight=False, markup=False)


def _wordings(rules: Iterable[str], rulebook: Rulebook) -> str:
    return "、".join(rulebook.rule(r).wording for r in sorted(rules))


def registry_table(running: RunningProvince, rulebook: Rulebook) -> Table:
    """The served websites, with the problems each was built to show."""
    table = Table(title=f"示例省份：{len(running.sites)} 个政府网站")
    for header in ("网站名称", "网址", "网站类型", "所属地方或部门", "网站标识码", "预置问题"):
        table.add_column(header, overflow="fold")
    expected = running.province.expected.websites
    for site in running.province.sites:
        spec = site.spec
        problems = _wordings(expected[spec.name].found, rulebook) or "无（应合格）"
        table.add_row(spec.name, running.sites[spec.name].url, spec.kind, spec.region, spec.site_code, problems)
    return table


def accounts_table(running: RunningProvince, rulebook: Rulebook) -> Table:
    """The example accounts and where the demo serves their posts."""
    table = Table(title=f"示例省份：{len(running.province.accounts)} 个政务新媒体账号")
    for header in ("账号名称", "类型", "所属地方或部门", "主体类型", "数据源", "预置问题"):
        table.add_column(header, overflow="fold")
    for account in running.province.accounts:
        exp = account.expect
        problems = _wordings(exp.found, rulebook) or ("无（应合格）" if exp.passes else "无数据源（待人工核查）")
        table.add_row(account.name, account.platform, account.region, account.subject,
                      account.registry_source(running.media_url) or "—", problems)
    return table


def outcome_table(title: str, outcomes: list[SubjectOutcome], rulebook: Rulebook) -> Table:
    """Each checked subject: verdict, problems found, and whether that is what the province expects."""
    table = Table(title=title)
    for header in ("名称", "结论", "发现的问题", "与预期"):
        table.add_column(header, overflow="fold")
    for o in outcomes:
        match = "[green]相符[/]" if not o.mismatches else "[red]" + "; ".join(o.mismatches) + "[/]"
        table.add_row(o.name, o.verdict, _wordings(o.rules, rulebook) or "—", match)
    return table


def _print_result(result: PipelineResult, rulebook: Rulebook) -> None:
    if result.websites:
        stdout.print(outcome_table("网站检查结果", result.websites, rulebook))
    if result.accounts:
        stdout.print(outcome_table("政务新媒体检查结果", result.accounts, rulebook))
    for path in result.report_files:
        console.print(f"report: {path}", highlight=False)
    if result.websites and not result.as_expected:
        console.print("[yellow]some outcomes differ from what the example province expects (see 与预期)[/]")


def _serve_until_interrupted(running: RunningProvince) -> None:
    console.print("serving; press Ctrl-C to stop. Sites:", highlight=False)
    for name, site in running.sites.items():
        console.print(f"  {site.url}  at {site.local_url}  {name}", highlight=False, soft_wrap=True)
    if running.ca_file is not None:
        console.print(f"  certificates from the demo CA {running.ca_file}", highlight=False, soft_wrap=True)
    console.print(f"  outside hosts via 127.0.0.1:{running.vhost_port} (Host header)", highlight=False)
    stop = threading.Event()
    try:
        while not stop.wait(0.5):
            pass
    except KeyboardInterrupt:
        console.print("stopping servers")
