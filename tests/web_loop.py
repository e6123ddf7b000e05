"""The rectification scene shared by the loop tests: two county sites without the 找错 entry, registered
and checked through the CLI, a supervisor and the counties' operator made with `govmon users add`."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from web_console import PASSWORD, cli
from web_sites import Site, SwitchableSites

from monitor.config import Settings, load_settings

FIXED, NOT_FIXED = "理县人民政府", "汶川县人民政府"
CHECKED_AT = "2026-03-20T10:00"


def serve_counties() -> SwitchableSites:
    return SwitchableSites([Site(FIXED, "5132220001"), Site(NOT_FIXED, "5132210001")])


def checked_province(tmp_path: Path, sites: SwitchableSites) -> Settings:
    """Registry imported and every site checked with `govmon check --all` (local targets allowed)."""
    (tmp_path / "websites.csv").write_text(
        "网站名称,网址,所属地方或部门,网站类型,网站标识码,主办单位\n"
        + "".join(f"{s.name},{s.url},阿坝州,县级门户,{s.code},{s.name}办公室\n" for s in sites.sites),
        encoding="utf-8",
    )
    config = tmp_path / "config.toml"
    config.write_text('[store]\ndatabase = "console.db"\n[crawl]\nallow_private_targets = true\n'
                      "per_host_delay_s = 0.0\nretries = 0\n[render]\nbrowser = \"off\"\n", encoding="utf-8")
    settings = load_settings(config, cwd_default=False)
    cli(settings, "registry", "import", str(tmp_path / "websites.csv"))
    result = cli_check(settings)
    assert "不合格 2 个" in result.output, result.output
    cli(settings, "users", "add", "zhang", "--role", "supervisor", "--password-stdin", stdin=PASSWORD + "\n")
    cli(settings, "users", "add", "aba-ops", "--role", "operator", "--site", FIXED, "--site", NOT_FIXED,
        "--password-stdin", stdin=PASSWORD + "\n")
    return settings


def cli_check(settings: Settings, as_of: str = CHECKED_AT):
    from typer.testing import CliRunner

    from monitor.cli import app

    result = CliRunner().invoke(app, ["--config", str(settings.source_files[-1]), "check", "--all",
                                      "--as-of", as_of])
    assert result.exit_code in (0, 1), result.output
    return result


def later(settings: Settings, day: int, hour: int = 10) -> datetime:
    return datetime(2026, 3, day, hour, 0, tzinfo=settings.timezone)
