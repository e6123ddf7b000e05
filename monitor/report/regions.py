"""Where a website or account belongs in the report: one of the 市(州), or the province-level row.

Canonical region names, their order, spellings and the display name the notice writes (达州市,
阿坝州) come from the configured province's places (monitor/gazetteer.py).
"""

from __future__ import annotations

from dataclasses import dataclass

from monitor.gazetteer import ProvincePlaces
from monitor.models import PROVINCE_LEVEL_KINDS, Account, Website

PROVINCE_SUBJECT = "省直部门"


@dataclass(frozen=True)
class Regions:
    order: tuple[str, ...]
    aliases: dict[str, str]  # any spelling -> canonical
    display: dict[str, str]  # canonical -> as the notice writes it
    province_label: str

    @classmethod
    def build(cls, order: tuple[str, ...], aliases: dict[str, str], province_label: str,
              display: dict[str, str] | None = None) -> Regions:
        shown = {name: (display or {}).get(name) or display_name(name, aliases) for name in order}
        return cls(order, aliases, shown, province_label)

    @classmethod
    def of_province(cls, places: ProvincePlaces, province_label: str) -> Regions:
        return cls.build(places.order, places.aliases, province_label, places.display)

    def canonical(self, region: str) -> str | None:
        """The 市(州) a registry spelling names, or None when it is not one of them."""
        name = self.aliases.get(region.strip(), region.strip())
        return name if name in self.order else None

    def of_website(self, website: Website) -> str | None:
        """None means the province-level row (省政府门户, 省级部门, or a region outside the 市(州))."""
        return None if website.kind in PROVINCE_LEVEL_KINDS else self.canonical(website.region)

    def of_account(self, account: Account) -> str | None:
        return None if account.subject == PROVINCE_SUBJECT else self.canonical(account.region)

    def rank(self, region: str | None) -> int:
        """Sort key of 附件2: province-level units first, then the 市(州) in configured order."""
        return 0 if region is None else self.order.index(region) + 1

    def unit(self, region: str | None, registry_region: str, sponsor: str = "") -> str:
        """所属地方或部门: the region's display name, or the department of a province-level unit."""
        if region is not None:
            return self.display[region]
        own = registry_region.strip()
        if own and own != self.province_label and self.canonical(own) is None:
            return own
        return sponsor.strip() or self.province_label


def display_name(canonical: str, aliases: dict[str, str]) -> str:
    """达州 -> 达州市, 阿坝 -> 阿坝州: the first alias that adds 市 or 州, else the name plus 市."""
    for alias, target in aliases.items():
        if target == canonical and alias in (canonical + "市", canonical + "州"):
            return alias
    return canonical + "市"
