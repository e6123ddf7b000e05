"""China's administrative divisions (GB/T 2260 codes, `rules/gazetteer/divisions.csv`) and the places
of one province: its 市(州) in official order with their names as notices write them, and the
resolution of a registry's 所属地方 — a 市(州), a county-level name with or without its 市(州), or the
division code that opens a 网站标识码 — to the 市(州) row of 附件1 and the county.

In a municipality (北京, 重庆) or for counties a province governs directly (省直辖县级行政区划), the
county-level units themselves are the report's regions.
"""

from __future__ import annotations

import csv
import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

# Prefecture rows that only group county-level units (municipal districts, directly governed counties).
GROUPING_NAMES = frozenset({"市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"})
# Ethnic names inside the names of autonomous units: 阿坝藏族羌族自治州 is 阿坝 / 阿坝州.
_ETHNIC = re.compile(
    "藏族|羌族|彝族|朝鲜族|布依族|苗族|侗族|土家族|哈尼族|壮族|傣族|白族|景颇族|傈僳族|回族|蒙古族|蒙古|哈萨克|"
    "柯尔克孜|瑶族|黎族|畲族|满族|达斡尔族|鄂温克族|鄂伦春|仫佬族|毛南族|各族|水族|仡佬族|纳西族|拉祜族|佤族|"
    "独龙族|怒族|普米族|土族|撒拉族|保安族|东乡族|裕固族|锡伯族|塔吉克|维吾尔|京族|阿昌族|基诺族|布朗族|德昂族"
)
_BLANKS = " \t\r\n\u3000\xa0\ufeff"


class GazetteerError(Exception):
    """The gazetteer file is unreadable, or a province is not in it; the message names which."""


@dataclass(frozen=True)
class Division:
    code: str  # six digits
    name: str  # official name: 成都市, 阿坝藏族羌族自治州, 北川羌族自治县

    @property
    def level(self) -> str:
        """province (XX0000), prefecture (XXYY00) or county (anything else)."""
        if self.code.endswith("0000"):
            return "province"
        return "prefecture" if self.code.endswith("00") else "county"

    @property
    def province_code(self) -> str:
        return self.code[:2] + "0000"

    @property
    def prefecture_code(self) -> str:
        return self.code[:4] + "00"


def short_name(name: str) -> str:
    """成都市 -> 成都, 阿坝藏族羌族自治州 -> 阿坝, 北川羌族自治县 -> 北川, 阿里地区 -> 阿里, 四川省 -> 四川."""
    if "自治" in name:
        match = _ETHNIC.search(name)
        stem = name[: match.start()] if match and match.start() >= 2 else name.split("自治")[0]
        return stem
    for suffix in ("特别行政区", "地区", "省", "市", "州", "盟", "县", "区", "旗"):
        if name.endswith(suffix) and len(name) > len(suffix) + 1:
            return name[: -len(suffix)]
    return name


def display_name(division: Division) -> str:
    """How a notice writes a 市(州): 成都市, 阿坝州, 阿里地区, 兴安盟; a county as officially named."""
    if division.level == "prefecture" and division.name.endswith("自治州"):
        return short_name(division.name) + "州"
    return division.name


def spellings(division: Division) -> set[str]:
    """Every way a registry writes a division: official, short (two characters at least), and for
    autonomous units the short name plus its kind (阿坝州, 北川县)."""
    names = {division.name, display_name(division)}
    stem = short_name(division.name)
    if len(stem) >= 2:
        names.add(stem)
    if "自治" in division.name:
        kind = division.name[-1]  # 州, 县, 旗
        names.add(stem + kind)
    return names


@dataclass(frozen=True)
class Place:
    """Where a registry row belongs: its 市(州) (canonical name) and, when named, its county-level unit."""

    region: str
    county: str = ""
    note: str = ""  # why the county was not recognised, for a warning


@dataclass(frozen=True)
class Region:
    """One row of 附件1."""

    canonical: str  # the short name configs and reports key on: 成都, 阿坝
    display: str  # as the notice writes it: 成都市, 阿坝州
    division: Division
    counties: tuple[Division, ...]


@dataclass
class ProvincePlaces:
    """The places of one province, and the resolution of registry spellings to them."""

    province: Division
    regions: tuple[Region, ...]
    extra_aliases: dict[str, str] = field(default_factory=dict)  # spelling -> canonical, from rules/regions.toml
    _regions: dict[str, str] = field(init=False)  # spelling -> canonical region
    _counties: dict[str, list[tuple[str, Division]]] = field(init=False)  # spelling -> [(region, county)]

    def __post_init__(self) -> None:
        self._regions = {}
        self._counties = defaultdict(list)
        for region in self.regions:
            for spelling in spellings(region.division) | {region.canonical, region.display}:
                self._regions.setdefault(spelling, region.canonical)
            for county in region.counties:
                for spelling in spellings(county):
                    self._counties[spelling].append((region.canonical, county))
        for spelling, canonical in self.extra_aliases.items():
            if canonical in self.order:
                self._regions.setdefault(spelling, canonical)

    @property
    def order(self) -> tuple[str, ...]:
        return tuple(region.canonical for region in self.regions)

    @property
    def aliases(self) -> dict[str, str]:
        """Every spelling of a 市(州) -> its canonical name."""
        return dict(self._regions)

    @property
    def display(self) -> dict[str, str]:
        return {region.canonical: region.display for region in self.regions}

    def resolve(self, text: str) -> Place | str:
        """The place a 所属地方 names, or the reason it names none (ambiguous or unknown).

        Accepted: 成都, 成都市, 阿坝藏族羌族自治州; 成都市青羊区, 甘孜州新龙县, 四川省绵阳市北川羌族自治县;
        a county-level name alone (新龙县) when only one 市(州) of the province has it.
        """
        text = text.strip(_BLANKS)
        rest = self._without_province(text)
        if rest in self._regions:
            region = self._regions[rest]
            division = next(r.division for r in self.regions if r.canonical == region)
            return Place(region, division.name if division.level == "county" else "")
        for spelling in sorted(self._regions, key=len, reverse=True):
            if rest.startswith(spelling) and len(rest) > len(spelling):
                region, county_text = self._regions[spelling], rest[len(spelling):]
                county = self._county_in(region, county_text)
                if county is not None:
                    return Place(region, county.name)
                return Place(region, county_text, f"{county_text!r} 不是{self.display[region]}的县(市、区)")
        found = {(region, county.code): county for region, county in self._counties.get(rest, [])}
        if len(found) == 1:
            (region, _code), county = next(iter(found.items()))
            return Place(region, county.name)
        if len(found) > 1:
            regions = "、".join(sorted({self.display[region] for region, _code in found}))
            return f"所属地方 {text!r} 在{regions}都有，请写明市(州)，如 {self.display[next(iter(found))[0]]}{text}"
        return f"所属地方 {text!r} 不是{self.province.name}已知的市(州)或县(市、区)（rules/gazetteer/divisions.csv）"

    def of_code(self, site_code: str) -> Place | None:
        """The place whose division code opens a 网站标识码 (5101040001 -> 成都市 锦江区); None when the
        code names the province itself, another province, or no division (bm... codes of departments)."""
        digits = site_code.strip(_BLANKS)[:6]
        if not digits.isdigit() or len(digits) < 6 or digits[:2] != self.province.code[:2]:
            return None
        for region in self.regions:
            if region.division.code == digits or region.division.code == digits[:4] + "00":
                county = next((c for c in region.counties if c.code == digits), None)
                return Place(region.canonical, county.name if county else "")
            county = next((c for c in region.counties if c.code == digits), None)
            if county is not None:
                return Place(region.canonical, county.name)
        return None

    def _without_province(self, text: str) -> str:
        for prefix in sorted(spellings(self.province), key=len, reverse=True):
            if text.startswith(prefix) and len(text) > len(prefix):
                return text[len(prefix):]
        return text

    def _county_in(self, region: str, text: str) -> Division | None:
        return next((county for r, county in self._counties.get(text, []) if r == region), None)


class Gazetteer:
    """Every division of `divisions.csv`, by code."""

    def __init__(self, divisions: dict[str, Division]):
        self.divisions = divisions

    @classmethod
    def load(cls, path: Path) -> Gazetteer:
        try:
            lines = [line for line in path.read_text(encoding="utf-8").splitlines() if not line.startswith("#")]
        except OSError as exc:
            raise GazetteerError(f"{path}: cannot read the gazetteer ({exc.strerror})") from exc
        divisions: dict[str, Division] = {}
        for number, row in enumerate(csv.DictReader(lines), start=2):
            code, name = (row.get("code") or "").strip(), (row.get("name") or "").strip()
            if not (len(code) == 6 and code.isdigit() and name):
                raise GazetteerError(f"{path}: row {number} is not a six-digit code and a name: {row}")
            divisions[code] = Division(code, name)
        return cls(divisions)

    def province(self, text: str) -> Division:
        """A province by name (浙江省, 浙江) or code (33, 330000)."""
        wanted = text.strip(_BLANKS)
        for division in self.divisions.values():
            if division.level != "province":
                continue
            if wanted in spellings(division) or wanted in (division.code, division.code[:2]):
                return division
        raise GazetteerError(f"province {text!r} is not in the gazetteer (a name such as 浙江省, or a code such as 33)")

    def places(self, province: str, *, order: tuple[str, ...] = (),
               extra_aliases: dict[str, str] | None = None) -> ProvincePlaces:
        """The province's places: its 市(州) in `order` (canonical names) when given, else in code order."""
        root = self.province(province)
        regions = self._regions(root)
        if order:
            by_name = {r.canonical: r for r in regions}
            for r in regions:
                for spelling in spellings(r.division) | {r.display}:
                    by_name.setdefault(spelling, r)
            unknown = [name for name in order if name not in by_name]
            if unknown:
                raise GazetteerError(f"regions {unknown} are not 市(州) of {root.name}")
            regions = [by_name[name] for name in order]
        return ProvincePlaces(root, tuple(regions), dict(extra_aliases or {}))

    def _regions(self, province: Division) -> list[Region]:
        prefix = province.code[:2]
        inside = sorted((d for d in self.divisions.values() if d.code.startswith(prefix)), key=lambda d: d.code)
        counties: dict[str, list[Division]] = defaultdict(list)
        for division in inside:
            if division.level == "county":
                counties[division.prefecture_code].append(division)
        regions: list[Region] = []
        for division in inside:
            if division.level != "prefecture":
                continue
            if division.name in GROUPING_NAMES:  # each county-level unit is a region of its own
                regions += [Region(short_name(c.name) if len(short_name(c.name)) >= 2 else c.name, c.name, c,
                                   (c,)) for c in counties[division.code]]
            else:
                regions.append(Region(short_name(division.name), display_name(division), division,
                                      tuple(counties[division.code])))
        return regions
