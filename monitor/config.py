"""Typed settings from config.toml: packaged defaults < --config/GOVMON_CONFIG < command-line flags.

Every default lives in the packaged config.toml; this module only reads, merges and checks types,
so an unknown key or a value of the wrong type is reported once, naming the key and the file.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from monitor.paths import default_config_path


class ConfigError(Exception):
    """A configuration file the user wrote is wrong; the message names file and key."""


@dataclass(frozen=True)
class CrawlSettings:
    user_agent: str
    per_host_concurrency: int
    per_host_delay_s: float
    global_concurrency: int
    connect_timeout_s: float
    read_timeout_s: float
    max_response_bytes: int
    max_pages_per_site: int
    max_depth: int
    max_next_pages: int
    max_redirects: int
    retries: int
    retry_backoff_s: float
    respect_robots: bool
    allow_private_targets: bool
    max_external_checks: int
    host_overrides: dict[str, str] = field(default_factory=dict)
    # platform group name -> host patterns ("*.example.gov.cn"): hosts served by one platform share politeness
    platform_groups: dict[str, list[str]] = field(default_factory=dict)
    dead_host_memory_s: float = 300.0  # a server that never answered is not asked again for this long
    site_memory_mb: float = 4.0  # estimated memory of one site check in flight
    memory_budget_mb: float = 192.0  # memory the site checks in flight may use together
    max_sites_at_once: int = 32  # what one process's CPU serves without its own queue stretching every fetch
    page_workers: int = -1  # processes reading pages: -1 one per CPU core, 0 none (see monitor/page_workers.py)
    fetch_deadline_s: float = 60.0  # one fetch, all hops and retries, headers and body
    site_deadline_s: float = 1800.0  # one site check, politeness pauses included
    max_crawl_delay_s: float = 10.0  # a longer robots.txt Crawl-delay is cut to this
    max_robots_bytes: int = 512_000  # robots.txt read up to this size (as the big search engines do)
    max_links_per_page: int = 5000  # anchors read from one page
    articles_per_column: int = 3  # newest articles of each column read for content checks (0: none)
    max_home_articles: int = 20  # articles linked from the home page read for content checks
    article_text_chars: int = 20_000  # visible text kept per article read
    extra_ca_files: tuple[str, ...] = ()  # PEM files of CAs trusted besides the system's (a private CA)


@dataclass(frozen=True)
class ProbeSettings:
    timeout_s: float
    per_day: int
    jitter_s: float
    canary_url: str


@dataclass(frozen=True)
class ScheduleSettings:
    site_check_interval_h: float
    account_check_interval_h: float
    report_hour: int
    retry_after_min: float = 10.0  # a failed or abandoned check is tried again this soon, doubling
    full_check_within_h: float = 6.0  # every site's full check falls within a window this long


@dataclass(frozen=True)
class AccountSettings:
    sample_rate: float
    sample_seed: str
    platform_delay_s: float
    weibo_api_base: str
    bilibili_api_base: str


@dataclass(frozen=True)
class RenderSettings:
    browser: str  # "auto", "off" or a path
    page_timeout_s: float
    max_pages_per_site: int
    concurrent_pages: int
    memory_limit_mb: int
    screenshots: bool


@dataclass(frozen=True)
class WebSettings:
    host: str
    port: int
    secret_key: str
    secure_cookies: bool
    session_hours: int
    login_failures: int
    login_window_s: int


@dataclass(frozen=True)
class AlertSettings:
    digest_hour: int
    targets: dict[str, list[str]] = field(default_factory=dict)


@dataclass(frozen=True)
class Settings:
    """Everything configurable, resolved: paths absolute, time zone loaded."""

    database: Path
    keep_pages_days: int
    timezone: ZoneInfo
    province: str  # whose 市(州) are the report's regions: a name or a GB/T 2260 code
    region_order: tuple[str, ...]  # empty: the province's official order (see Rulebook.places)
    province_row_label: str
    rules_dir: Path
    crawl: CrawlSettings
    probe: ProbeSettings
    schedule: ScheduleSettings
    accounts: AccountSettings
    report_dir: Path
    report_formats: tuple[str, ...]
    log_file: Path | None
    log_level: str
    render: RenderSettings
    web: WebSettings
    alerts: AlertSettings
    source_files: tuple[Path, ...] = ()

    def with_database(self, database: Path) -> Settings:
        from dataclasses import replace

        return replace(self, database=database)


def read_toml(path: Path, error: type[Exception] = ConfigError) -> dict[str, Any]:
    """A TOML file as a dict; a missing or malformed file raises `error` naming the file."""
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except FileNotFoundError as exc:
        raise error(f"{path}: file not found") from exc
    except IsADirectoryError as exc:
        raise error(f"{path}: is a folder, not a file") from exc
    except OSError as exc:
        raise error(f"{path}: cannot be read: {exc.strerror or exc}") from exc
    except UnicodeDecodeError as exc:
        raise error(f"{path}: not UTF-8 text (byte {exc.start}); save it as UTF-8") from exc
    except tomllib.TOMLDecodeError as exc:
        raise error(f"{path}: not valid TOML: {exc}") from exc


# Keys whose value is a table of free-form entries (not checked key by key).
_FREE_TABLES = {"crawl.host_overrides", "crawl.platform_groups", "alerts.targets"}
# Keys holding paths, resolved against the folder of the file that set them.
_PATH_KEYS = {"store.database", "rules.directory", "report.output_dir", "log.file"}
_PATH_LIST_KEYS = {"crawl.extra_ca_files"}


@dataclass(frozen=True)
class _Range:
    low: float
    high: float | None = None
    above: bool = False  # the value must be greater than `low`, not equal to it

    def holds(self, value: float) -> bool:
        low_ok = value > self.low if self.above else value >= self.low
        return low_ok and (self.high is None or value <= self.high)

    def __str__(self) -> str:
        low = f"greater than {self.low:g}" if self.above else f"at least {self.low:g}"
        return f"{low} and at most {self.high:g}" if self.high is not None else low


_POSITIVE = _Range(0, above=True)
_AT_LEAST_ONE = _Range(1)
# The allowed range of each numeric setting; any other number must be >= 0.
_RANGES: dict[str, _Range] = {
    "store.keep_pages_days": _AT_LEAST_ONE,
    "crawl.per_host_concurrency": _Range(1, 64), "crawl.global_concurrency": _Range(1, 65536),
    "crawl.site_memory_mb": _Range(0.1, 4096), "crawl.max_sites_at_once": _Range(1, 100_000), "crawl.memory_budget_mb": _Range(16, 1_048_576),
    "crawl.dead_host_memory_s": _Range(0, 86400), "crawl.page_workers": _Range(-1, 256),
    "crawl.connect_timeout_s": _POSITIVE, "crawl.read_timeout_s": _POSITIVE,
    "crawl.fetch_deadline_s": _POSITIVE, "crawl.site_deadline_s": _POSITIVE,
    "crawl.max_response_bytes": _Range(1024), "crawl.max_robots_bytes": _Range(1024),
    "crawl.max_pages_per_site": _AT_LEAST_ONE, "crawl.max_depth": _Range(1, 10),
    "crawl.max_redirects": _Range(0, 30), "crawl.retries": _Range(0, 10),
    "crawl.max_links_per_page": _AT_LEAST_ONE,
    "probe.timeout_s": _POSITIVE, "probe.per_day": _Range(1, 1440),
    "schedule.site_check_interval_h": _POSITIVE, "schedule.account_check_interval_h": _POSITIVE,
    "schedule.report_hour": _Range(0, 23), "schedule.retry_after_min": _POSITIVE,
    "schedule.full_check_within_h": _Range(0.25, 8760),
    "accounts.sample_rate": _Range(0, 1),
}
_NON_NEGATIVE = _Range(0)


def _merge(defaults: dict[str, Any], override: dict[str, Any], source: Path, prefix: str = "") -> None:
    """Overlay `override` on `defaults` in place, rejecting keys and types the defaults do not know."""
    for key, value in override.items():
        dotted = f"{prefix}{key}"
        if key not in defaults:
            raise ConfigError(f"{source}: unknown key '{dotted}'")
        current = defaults[key]
        if dotted in _FREE_TABLES:
            if not isinstance(value, dict):
                raise ConfigError(f"{source}: '{dotted}' must be a table")
            for name, entry in value.items():
                if dotted == "alerts.targets":  # lists of notification URLs, checked by _alert_targets
                    continue
                if dotted == "crawl.platform_groups":
                    if not isinstance(entry, list) or not entry or not all(isinstance(p, str) and p for p in entry):
                        raise ConfigError(f"{source}: '{dotted}.{name}' must be a list of host patterns such as "
                                          f"[\"*.example.gov.cn\"], got {entry!r}")
                    continue
                if not isinstance(entry, str) or not entry:
                    raise ConfigError(f"{source}: '{dotted}.{name}' must be a string such as \"127.0.0.1:8080\", "
                                      f"got {entry!r}")
            defaults[key] = dict(value)
        elif isinstance(current, dict):
            if not isinstance(value, dict):
                raise ConfigError(f"{source}: '{dotted}' must be a table")
            _merge(current, value, source, f"{dotted}.")
        else:
            defaults[key] = _checked_value(current, value, dotted, source)


def _checked_value(default: Any, value: Any, dotted: str, source: Path) -> Any:
    if isinstance(default, bool) or isinstance(value, bool):
        if not isinstance(value, bool) or not isinstance(default, bool):
            raise ConfigError(f"{source}: '{dotted}' must be true or false, got {value!r}")
        return value
    if isinstance(default, float) and isinstance(value, int):
        value = float(value)
    if type(default) is not type(value):
        raise ConfigError(f"{source}: '{dotted}' must be a {type(default).__name__}, got {value!r}")
    if isinstance(value, int | float):
        allowed = _RANGES.get(dotted, _NON_NEGATIVE)
        if not allowed.holds(value):
            raise ConfigError(f"{source}: '{dotted}' must be {allowed}, got {value!r}")
    if isinstance(value, list) and not all(isinstance(item, str) and item for item in value):
        raise ConfigError(f"{source}: '{dotted}' must be a list of names (strings), got {value!r}")
    if dotted in _PATH_KEYS and value:
        return str((source.parent / value).resolve())
    if dotted in _PATH_LIST_KEYS:
        return [str((source.parent / item).resolve()) for item in value]
    return value


def _resolve_default_paths(data: dict[str, Any], source: Path) -> None:
    for dotted in _PATH_KEYS:
        section, key = dotted.split(".")
        value = data[section][key]
        if value:
            data[section][key] = str((source.parent / value).resolve())


def _without_packaged_paths(user: dict[str, Any], packaged: dict[str, Any]) -> dict[str, Any]:
    """A user's file that repeats a packaged path as written (a copy of config.toml, `directory = "rules"`)
    keeps the packaged meaning: the relative value is the installation's, not the copy's folder's."""
    for dotted, value in packaged.items():
        section, key = dotted.split(".")
        table = user.get(section)
        if isinstance(table, dict) and table.get(key) == value:
            del table[key]
    return user


def load_settings(config_path: Path | None = None, *, cwd_default: bool = True) -> Settings:
    """Load defaults, then the user's file: `config_path`, else $GOVMON_CONFIG, else ./config.toml."""
    default_path = default_config_path()
    data = read_toml(default_path)
    packaged = {dotted: data[dotted.split(".")[0]][dotted.split(".")[1]] for dotted in _PATH_KEYS}
    _resolve_default_paths(data, default_path)
    # Relative paths of the packaged defaults (database, reports) belong in the working folder.
    data["store"]["database"] = str(Path.cwd() / "govmon.db")
    data["report"]["output_dir"] = str(Path.cwd() / "reports")
    sources = [default_path]
    user_path = config_path or (Path(os.environ["GOVMON_CONFIG"]) if os.environ.get("GOVMON_CONFIG") else None)
    if user_path is None and cwd_default and Path("config.toml").is_file():
        candidate = Path("config.toml").resolve()
        if candidate != default_path.resolve():
            user_path = candidate
    if user_path is not None:
        user_path = user_path.resolve()
        _merge(data, _without_packaged_paths(read_toml(user_path), packaged), user_path)
        sources.append(user_path)
    return _build(data, sources[-1], tuple(sources))


def _build(data: dict[str, Any], source: Path, sources: tuple[Path, ...]) -> Settings:
    try:
        timezone = ZoneInfo(data["time"]["timezone"])
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ConfigError(f"{source}: 'time.timezone' is not a known time zone: {data['time']['timezone']!r}") from exc
    crawl = dict(data["crawl"])
    schedule = data["schedule"]
    if schedule["full_check_within_h"] > schedule["site_check_interval_h"]:
        raise ConfigError(f"{source}: 'schedule.full_check_within_h' must be at most 'schedule.site_check_interval_h' "
                          f"({schedule['site_check_interval_h']:g}), got {schedule['full_check_within_h']:g}")
    _require_positive(crawl, ("per_host_concurrency", "global_concurrency", "max_pages_per_site"), "crawl", source)
    crawl["extra_ca_files"] = tuple(crawl["extra_ca_files"])
    for path in crawl["extra_ca_files"]:
        if not Path(path).is_file():
            raise ConfigError(f"{source}: 'crawl.extra_ca_files' names {path}, which is not a file")
    probe = data["probe"]
    if probe["per_day"] < 1:
        raise ConfigError(f"{source}: 'probe.per_day' must be at least 1")
    accounts = data["accounts"]
    if not 0.0 <= accounts["sample_rate"] <= 1.0:
        raise ConfigError(f"{source}: 'accounts.sample_rate' must be between 0 and 1")
    render = data["render"]
    if not 1 <= render["concurrent_pages"] <= 2:
        raise ConfigError(f"{source}: 'render.concurrent_pages' must be 1 or 2")
    if render["page_timeout_s"] <= 0:
        raise ConfigError(f"{source}: 'render.page_timeout_s' must be positive")
    formats = tuple(data["report"]["formats"])
    unknown = set(formats) - {"xlsx", "docx", "md", "csv"}
    if unknown:
        raise ConfigError(f"{source}: 'report.formats' has unknown formats {sorted(unknown)}")
    web = data["web"]
    if not 0 < web["port"] < 65536:
        raise ConfigError(f"{source}: 'web.port' must be between 1 and 65535")
    _require_positive(web, ("session_hours", "login_failures", "login_window_s"), "web", source)
    alerts = data["alerts"]
    if not 0 <= alerts["digest_hour"] <= 23:
        raise ConfigError(f"{source}: 'alerts.digest_hour' must be between 0 and 23")
    targets = _alert_targets(alerts.get("targets", {}), source)
    return Settings(
        database=Path(data["store"]["database"]),
        keep_pages_days=data["store"]["keep_pages_days"],
        timezone=timezone,
        province=data["regions"]["province"],
        region_order=tuple(data["regions"]["order"]),
        province_row_label=data["regions"]["province_row_label"],
        rules_dir=Path(data["rules"]["directory"]),
        crawl=CrawlSettings(**crawl),
        probe=ProbeSettings(**probe),
        schedule=ScheduleSettings(**data["schedule"]),
        accounts=AccountSettings(**accounts),
        report_dir=Path(data["report"]["output_dir"]),
        report_formats=formats,
        log_file=Path(data["log"]["file"]) if data["log"]["file"] else None,
        log_level=data["log"]["level"],
        render=RenderSettings(**render),
        web=WebSettings(**web),
        alerts=AlertSettings(digest_hour=alerts["digest_hour"], targets=targets),
        source_files=sources,
    )


def _require_positive(section: dict[str, Any], keys: tuple[str, ...], name: str, source: Path) -> None:
    for key in keys:
        if section[key] < 1:
            raise ConfigError(f"{source}: '{name}.{key}' must be at least 1")


def _alert_targets(table: dict[str, Any], source: Path) -> dict[str, list[str]]:
    """`[alerts.targets]`: each unit or region names a list of apprise URLs."""
    targets: dict[str, list[str]] = {}
    for unit, urls in table.items():
        if isinstance(urls, str):
            urls = [urls]
        if not isinstance(urls, list) or not all(isinstance(url, str) for url in urls):
            raise ConfigError(f"{source}: 'alerts.targets.{unit}' must be a list of notification URLs")
        targets[str(unit)] = list(urls)
    return targets
