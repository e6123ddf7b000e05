"""Numbers of one benchmark run: per-site time percentiles, politeness per server group, the national arithmetic."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

NATIONAL_SITES = 14_000
NATIONAL_GOAL_H = 12.0


def percentile(values: Sequence[float], share: float) -> float:
    """Nearest-rank percentile (0 for no values): the value at or below which `share` of them lie."""
    if not values:
        return 0.0
    ordered = sorted(values)
    rank = max(1, math.ceil(share * len(ordered)))
    return ordered[rank - 1]


@dataclass(frozen=True)
class GroupCheck:
    """One server group (a server address) as its own log saw it, against the politeness limit."""

    address: str
    name: str
    requests: int
    hosts: int
    max_in_flight: int
    limit: int

    @property
    def over(self) -> bool:
        return self.max_in_flight > self.limit


def group_checks(summary: Mapping[str, Mapping[str, int]], limit: int, name_of: Any) -> list[GroupCheck]:
    """Every group the server saw, busiest first: `summary` is the server's {address: counts}."""
    checks = [GroupCheck(address, name_of(address), counts["requests"], counts["hosts"], counts["max_in_flight"],
                         limit) for address, counts in summary.items()]
    return sorted(checks, key=lambda g: (-g.max_in_flight, -g.requests, g.address))


def max_in_flight_from_log(lines: Sequence[str]) -> dict[str, int]:
    """Recount the most requests in flight at once per address from the request log (each line's address,
    and the sequence numbers of its start and end): the server's running counts must agree with its own log."""
    events: dict[str, list[tuple[int, int]]] = {}
    for line in lines:
        fields = line.split("\t")
        events.setdefault(fields[2], []).extend([(int(fields[7]), 1), (int(fields[8]), -1)])
    most = {}
    for address, marks in events.items():
        now = peak = 0
        for _seq, step in sorted(marks):
            now += step
            peak = max(peak, now)
        most[address] = peak
    return most


def national_estimate(durations: Sequence[float], wall_s: float, cpu_s: float, *, workers_cpu_s: float = 0.0,
                      cores: int = 1) -> dict[str, float]:
    """Scale a measured run to the national registry.

    Waiting-bound: the run kept `concurrency` sites in flight on average (sum of per-site times / wall), so
    14,000 sites of the same mean cost take 14,000 x mean / concurrency. CPU-bound: the govmon process runs
    its Python on one core (`cpu_s`) and its page workers share the machine's cores with it, so 14,000 x the
    larger of (its CPU, all CPU / cores) per site is a floor whatever the concurrency. The estimate is the
    larger; `concurrency_for_goal` is how many sites must be in flight for the waiting to fit in 12 h."""
    sites = len(durations)
    if not sites or wall_s <= 0:
        return {}
    mean = sum(durations) / sites
    concurrency = sum(durations) / wall_s
    waiting_h = NATIONAL_SITES * mean / max(concurrency, 1e-9) / 3600
    cpu_h = NATIONAL_SITES * max(cpu_s, (cpu_s + workers_cpu_s) / max(cores, 1)) / sites / 3600
    return {
        "sites": NATIONAL_SITES, "mean_site_s": round(mean, 2), "concurrency": round(concurrency, 2),
        "cpu_per_site_s": round(cpu_s / sites, 3), "waiting_bound_h": round(waiting_h, 2),
        "cpu_bound_h": round(cpu_h, 2), "estimate_h": round(max(waiting_h, cpu_h), 2),
        "concurrency_for_goal": math.ceil(NATIONAL_SITES * mean / (NATIONAL_GOAL_H * 3600)),
    }
