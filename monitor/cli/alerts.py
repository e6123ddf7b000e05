"""`govmon alerts`: test the notification targets of `[alerts.targets]`, send today's digests."""

from __future__ import annotations

import typer

from monitor.alerts import notify, send_digests
from monitor.cli.common import EXIT_UNAVAILABLE, EXIT_USAGE, fail, state, stdout

alerts_app = typer.Typer(help="Alerts to units by e-mail and WeCom/DingTalk/Feishu robots (apprise).",
                         no_args_is_help=True)


def register(app: typer.Typer) -> None:
    """Add this module's commands to the root app."""
    app.add_typer(alerts_app, name="alerts")


@alerts_app.command("test")
def test_command(
    ctx: typer.Context,
    target: str | None = typer.Option(None, "--target", help="Only this unit or region of [alerts.targets]."),
    url: list[str] = typer.Option([], "--url", help="Send to this apprise URL instead (repeat)."),
) -> None:
    """Send a test message to every configured target (or to --url); exit 3 if any did not take it."""
    app = state(ctx)
    targets = {"--url": url} if url else dict(app.settings.alerts.targets)
    if target is not None:
        if target not in targets:
            fail(f"no alerts target {target!r} in [alerts.targets]", EXIT_USAGE)
        targets = {target: targets[target]}
    if not targets:
        fail("no alerts targets: add some to [alerts.targets] in config.toml, or give --url", EXIT_USAGE)
    moment = app.now().strftime("%Y-%m-%d %H:%M")
    failed = []
    for name, urls in targets.items():
        ok = notify(urls, "govmon 测试通知", f"这是 govmon 在 {moment} 发出的测试通知（目标：{name}）。收到即表示配置正确。")
        stdout.print(f"{name}: {'sent' if ok else 'FAILED'} ({len(urls)} URL)", highlight=False)
        if not ok:
            failed.append(name)
    if failed:
        raise typer.Exit(EXIT_UNAVAILABLE)


@alerts_app.command("send")
def send_command(ctx: typer.Context) -> None:
    """Send today's digests (at most one a day per target, from alerts.digest_hour): run it hourly."""
    app = state(ctx)
    store = app.open_store()
    try:
        stdout.print(send_digests(store, app.settings, app.now()), highlight=False)
    finally:
        store.close()
