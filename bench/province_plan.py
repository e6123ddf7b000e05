"""The benchmark province: N government websites made from the demo's site templates, and where each is served.

Pure and deterministic (same N and counts, same plan), so the serving process and the bench build the same
plan without passing it around. Every site is one of the demo's seven templates (monitor/demo/sites.py:
Hanweb, TRS and plain CMS markup, a GBK site, blank and stale columns, hidden links, a wording error, a
calendar trap, article pages) renamed for a real Sichuan county or city department, with its own host name.

How each site behaves on the wire is part of the plan: most answer at once, a few are slow (seconds per
response), hung (accept the connection, read the request, never answer) or refused (nothing listens), and a
share live on one 集约化 platform: many host names, one server address. Addresses are distinct loopback
addresses (Linux answers on all of 127.0.0.0/8), so grouping by server address is real.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path
from typing import Literal

from monitor.demo.province import external_hosts
from monitor.demo.sites import SITES
from monitor.demo.spec import SiteSpec
from monitor.gazetteer import Division, Gazetteer

Behaviour = Literal["normal", "slow", "hung", "refused", "platform"]

PROVINCE_CODE = "51"  # Sichuan, as the demo and the seed notice
PLATFORM_ADDRESS = "127.2.0.1"  # the shared 集约化 platform
SERVICE_S = 0.1  # seconds before each answer of a healthy server (a quick real one; makes overlap visible)
SLOW_DELAY_S = 2.0  # seconds before each answer of a slow site
DEPARTMENTS = ("发展和改革委员会", "教育局", "财政局", "人力资源和社会保障局", "自然资源局", "生态环境局",
               "住房和城乡建设局", "交通运输局", "农业农村局", "卫生健康委员会", "应急管理局", "市场监督管理局")


@dataclass(frozen=True)
class Mix:
    """How many sites of each kind: by default 2% slow, 1% hung, 1% refused, 10% on one platform."""

    sites: int
    slow: int
    hung: int
    refused: int
    platform: int

    @classmethod
    def default(cls, sites: int) -> Mix:
        return cls(sites, slow=round(sites * 0.02), hung=max(1, round(sites * 0.01)),
                   refused=max(1, round(sites * 0.01)), platform=max(2, round(sites * 0.10)))

    def __post_init__(self) -> None:
        special = self.slow + self.hung + self.refused + self.platform
        if self.sites < 1 or min(self.slow, self.hung, self.refused, self.platform) < 0 or special > self.sites:
            raise ValueError(f"a mix of {special} special sites does not fit in {self.sites} sites")


@dataclass(frozen=True)
class PlannedSite:
    index: int
    host: str  # the registry's host name; host_overrides send it to `address`
    spec: SiteSpec
    behaviour: Behaviour
    address: str  # the loopback address of the server answering it
    template: str  # key of the demo site it is made from

    @property
    def url(self) -> str:
        return f"http://{self.host}/"


@dataclass(frozen=True)
class ProvincePlan:
    mix: Mix
    sites: tuple[PlannedSite, ...]
    external: dict[str, str] = field(default_factory=dict)  # outside host -> its own server address

    @cached_property
    def by_host(self) -> dict[str, PlannedSite]:
        return {site.host: site for site in self.sites}

    def servers(self) -> dict[str, str]:
        """Address -> behaviour of each server that listens (refused sites have none)."""
        served = {s.address: ("slow" if s.behaviour == "slow" else "hung" if s.behaviour == "hung" else "normal")
                  for s in self.sites if s.behaviour != "refused"}
        served.update({address: "normal" for address in self.external.values()})
        return served

    def refused(self) -> list[str]:
        return [s.address for s in self.sites if s.behaviour == "refused"]

    def group_of(self, address: str) -> str:
        """A readable name of the server group at `address` (for the printed table)."""
        if address == PLATFORM_ADDRESS:
            return f"platform ({sum(1 for s in self.sites if s.address == address)} sites)"
        outside = next((host for host, a in self.external.items() if a == address), None)
        if outside:
            return f"outside {outside}"
        site = next(s for s in self.sites if s.address == address)
        return f"{site.behaviour} {site.host}"


def _divisions(rules_dir: Path) -> tuple[list[Division], list[Division]]:
    """Sichuan's counties and 市(州) from the gazetteer govmon itself reads."""
    divisions = Gazetteer.load(rules_dir / "gazetteer" / "divisions.csv").divisions.values()
    inside = sorted((d for d in divisions if d.code.startswith(PROVINCE_CODE)), key=lambda d: d.code)
    counties = [d for d in inside if d.level == "county"]
    prefectures = [d for d in inside if d.level == "prefecture"]
    return counties, prefectures


def _identities(count: int, rules_dir: Path) -> Iterator[tuple[str, str, str, str]]:
    """(name, region, kind, site_code) for `count` sites: every county's portal first, then city departments."""
    counties, prefectures = _divisions(rules_dir)
    by_code = {p.code: p for p in prefectures}
    for index in range(count):
        if index < len(counties):
            county = counties[index]
            city = by_code[county.prefecture_code]
            yield (f"{city.name}{county.name}人民政府（基准）", f"{city.name}{county.name}", "县级门户",
                   f"{county.code}0001")
            continue
        rest = index - len(counties)
        city = prefectures[rest % len(prefectures)]
        serial = rest // len(prefectures)
        department = DEPARTMENTS[serial % len(DEPARTMENTS)]
        yield (f"{city.name}{department}（基准{serial + 1}）", city.name, "市级部门",
               f"{city.code}{serial + 2:04d}")


def _behaviours(mix: Mix, seed: int) -> list[Behaviour]:
    """Each site's behaviour, the special ones scattered through the registry (not bunched at its end)."""
    kinds: list[Behaviour] = (["slow"] * mix.slow + ["hung"] * mix.hung + ["refused"] * mix.refused
                              + ["platform"] * mix.platform)
    kinds += ["normal"] * (mix.sites - len(kinds))
    random.Random(seed).shuffle(kinds)
    return kinds


def _own_address(index: int, behaviour: Behaviour) -> str:
    """127.1.x.y for a site's own server, 127.4.x.y for a refused one (nothing listens there)."""
    second = 4 if behaviour == "refused" else 1
    return f"127.{second}.{index // 250}.{index % 250 + 1}"


def plan_province(mix: Mix, rules_dir: Path, seed: int = 17) -> ProvincePlan:
    sites = []
    behaviours = _behaviours(mix, seed)
    for index, (identity, behaviour) in enumerate(zip(_identities(mix.sites, rules_dir), behaviours, strict=True)):
        name, region, kind, code = identity
        template = SITES[index % len(SITES)]
        # The template's 找错 entry keeps its defect: missing stays missing, a mismatched code stays mismatched.
        jiucuo = None if template.jiucuo_code is None else (
            code if template.jiucuo_code == template.site_code else f"{code[:-1]}9")
        spec = replace(template, key=f"s{index:05d}", name=name, region=region, kind=kind, site_code=code,
                       sponsor=name.replace("人民政府", "人民政府办公室"), jiucuo_code=jiucuo,
                       note=f"基准省份：{template.key} 模板，{behaviour}")
        host = f"www.sc{code}.gov.cn"
        address = PLATFORM_ADDRESS if behaviour == "platform" else _own_address(index, behaviour)
        sites.append(PlannedSite(index, host, spec, behaviour, address, template.key))
    external = {host: f"127.3.0.{number}" for number, host in enumerate(sorted(external_hosts()), start=1)}
    return ProvincePlan(mix, tuple(sites), external)
