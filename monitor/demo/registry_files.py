"""The registry of the fixture province as CSV files in the official column layout.

Written once the servers run, because the 网址 column carries the real 127.0.0.1 ports; the import
itself is `monitor.registry.import_registry`'s job, these are just its input files.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Mapping
from pathlib import Path

from monitor.demo.spec import Province, SiteSpec

WEBSITE_HEADER = ("网站名称", "网址", "所属地方或部门", "网站类型", "网站标识码", "主办单位", "备注")
ACCOUNT_HEADER = ("账号名称", "类型", "所属地方或部门", "主体类型", "数据源")


def website_rows(province: Province, site_urls: Mapping[str, str]) -> list[tuple[str, ...]]:
    """One row per site; `site_urls` maps site name to its served URL."""
    return spec_rows((s.spec for s in province.sites), site_urls)


def spec_rows(specs: Iterable[SiteSpec], site_urls: Mapping[str, str]) -> list[tuple[str, ...]]:
    """One row per site spec (the benchmark province renders its sites only when served)."""
    return [(s.name, site_urls[s.name], s.region, s.kind, s.site_code, s.sponsor, s.note) for s in specs]


def account_rows(province: Province, media_url: str) -> list[tuple[str, ...]]:
    """One row per account; the data source points at the demo's media server (empty when none)."""
    return [
        (a.name, a.platform, a.region, a.subject, a.registry_source(media_url))
        for a in province.accounts
    ]


def write_rows(path: Path, header: tuple[str, ...], rows: list[tuple[str, ...]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def write_registry(province: Province, site_urls: Mapping[str, str], media_url: str,
                   folder: Path) -> tuple[Path, Path]:
    """Write websites.csv and accounts.csv into `folder`; returns their paths."""
    folder.mkdir(parents=True, exist_ok=True)
    websites = write_rows(folder / "websites.csv", WEBSITE_HEADER, website_rows(province, site_urls))
    accounts = write_rows(folder / "accounts.csv", ACCOUNT_HEADER, account_rows(province, media_url))
    return websites, accounts
