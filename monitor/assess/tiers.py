"""Tiers (等次) of one group from its score sheets: cut-offs or ranks, as rules/assessment.toml says.

Reproducible: sites are ordered by total score, then deduction part, then name and URL; sites with
equal total scores are never split between tiers. 不合格 and 未评估 sites take no tier.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from monitor.assess.model import CUTOFFS, Group
from monitor.assess.scoring import ASSESSED, FAILED, UNASSESSED, ScoreSheet

TIE_RULE = "按总分从高到低排列；总分相同时按扣分指标得分、再按网站名称排列；总分相同的网站不分入不同等次"


@dataclass(frozen=True)
class GroupResult:
    group: Group
    tiers: tuple[tuple[str, tuple[ScoreSheet, ...]], ...]  # every tier of the group, possibly empty
    failed: tuple[ScoreSheet, ...]
    unassessed: tuple[ScoreSheet, ...]

    def tier_of(self) -> dict[int, tuple[str, int]]:
        """Website id -> (tier, rank in the group) for the sites that took a tier."""
        placed: dict[int, tuple[str, int]] = {}
        rank = 0
        for tier, sheets in self.tiers:
            for sheet in sheets:
                rank += 1
                placed[sheet.website.id or 0] = (tier, rank)
        return placed


def order_key(sheet: ScoreSheet) -> tuple[float, float, str, str]:
    return (-sheet.total, -sheet.deduction_part, sheet.website.name, sheet.website.url)


def place(group: Group, sheets: Sequence[ScoreSheet]) -> GroupResult:
    """Sort the group's assessed sites and give each its tier."""
    ranked = sorted((s for s in sheets if s.status == ASSESSED), key=order_key)
    buckets = _by_cutoffs(group, ranked) if group.method == CUTOFFS else _by_ranks(group, ranked)
    return GroupResult(
        group=group,
        tiers=tuple(zip(group.tiers, buckets, strict=True)),
        failed=tuple(sorted((s for s in sheets if s.status == FAILED), key=order_key)),
        unassessed=tuple(sorted((s for s in sheets if s.status == UNASSESSED), key=lambda s: (s.website.name, s.website.url))),
    )


def _by_cutoffs(group: Group, ranked: list[ScoreSheet]) -> list[tuple[ScoreSheet, ...]]:
    buckets: list[list[ScoreSheet]] = [[] for _ in group.tiers]
    for sheet in ranked:
        index = next((i for i, line in enumerate(group.cutoffs) if sheet.total >= line), len(group.cutoffs))
        buckets[index].append(sheet)
    return [tuple(b) for b in buckets]


def _by_ranks(group: Group, ranked: list[ScoreSheet]) -> list[tuple[ScoreSheet, ...]]:
    buckets: list[tuple[ScoreSheet, ...]] = []
    position = 0
    for size in group.ranks:
        end = min(position + size, len(ranked))
        while 0 < end < len(ranked) and end > position and ranked[end].total == ranked[end - 1].total:
            end += 1  # a tie with the last site of the tier joins it
        buckets.append(tuple(ranked[position:end]))
        position = end
    buckets.append(tuple(ranked[position:]))
    return buckets
