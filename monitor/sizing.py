"""How many site checks run at once: as many as the registry needs for its full checks to fit in the
window (`schedule.full_check_within_h`), never more than memory, open files and CPU allow.

Politeness is per server (monitor.fetch.servers), so more sites at once never means more load on one
server; what bounds them is this process: sockets (RLIMIT_NOFILE), memory, and the CPU that parses
pages (`max_sites_at_once`: past it, fetches wait in this process's own queue until their deadlines run out). Pure but for reading
the open-files limit; the caller passes measured check times.
"""

from __future__ import annotations

import math
import resource
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from monitor.config import CrawlSettings

# Descriptors kept for the database, log files, the browser's pipes and the console's socket.
FD_RESERVE = 64
# Sockets one request in flight may hold: the verified and the certificate-tolerant client each pool.
SOCKETS_PER_REQUEST = 2
# The daemon never checks fewer sites at once than this (a site waiting on a slow server holds its slot).
MIN_SITES_AT_ONCE = 8
# A site never checked yet is expected to take this long.
UNMEASURED_CHECK_S = 120.0
_UNLIMITED_FILES = 1_048_576


def open_files_limit() -> int:
    """The soft RLIMIT_NOFILE of this process (what `ulimit -n` and systemd's LimitNOFILE set)."""
    soft, _hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    return _UNLIMITED_FILES if soft == resource.RLIM_INFINITY else int(soft)


@dataclass(frozen=True)
class Ceiling:
    """The most this process may take on at once, and which bound decides it."""

    sites: int
    requests: int
    by_memory: int
    by_files: int
    by_cpu: int
    open_files: int
    memory_budget_mb: float
    site_memory_mb: float

    def reason(self) -> str:
        if self.by_cpu < min(self.by_memory, self.by_files):
            return f"CPU：max_sites_at_once {self.by_cpu}"
        if self.by_memory <= self.by_files:
            return f"内存：memory_budget_mb {self.memory_budget_mb:g} ÷ site_memory_mb {self.site_memory_mb:g}"
        return f"文件描述符：RLIMIT_NOFILE {self.open_files}"


def ceiling(crawl: CrawlSettings, open_files: int | None = None) -> Ceiling:
    """Requests in flight (`global_concurrency`, within the sockets the open-files limit leaves) and
    sites at once (those requests shared out per server, and the memory budget per site)."""
    files = open_files if open_files is not None else open_files_limit()
    requests = max(1, min(crawl.global_concurrency, (files - FD_RESERVE) // SOCKETS_PER_REQUEST))
    by_files = max(1, requests // crawl.per_host_concurrency)
    by_memory = max(1, int(crawl.memory_budget_mb // crawl.site_memory_mb))
    by_cpu = max(1, crawl.max_sites_at_once)
    return Ceiling(min(by_files, by_memory, by_cpu), requests, by_memory, by_files, by_cpu, files,
                   crawl.memory_budget_mb, crawl.site_memory_mb)


@dataclass(frozen=True)
class ServerLoad:
    """Pages one server (or platform group) is asked for in a full pass, and the pause between them."""

    server: str
    sites: int
    pages: int
    delay_s: float

    @property
    def least_s(self) -> float:
        """No faster than one request per delay: the server's own floor, whatever runs at once."""
        return self.pages * self.delay_s


@dataclass(frozen=True)
class WindowPlan:
    """Whether the registry's full checks fit in the window, how many sites at once it takes, and why not."""

    window_h: float
    sites: int
    work_s: float  # every site's expected check time, one after the other
    ceiling: Ceiling
    busiest: ServerLoad | None = None
    measured: int = 0  # sites whose time comes from a stored run
    problems: tuple[str, ...] = ()

    @property
    def needed(self) -> int:
        """Sites at once for the work to fit in the window."""
        return max(1, math.ceil(self.work_s / (self.window_h * 3600))) if self.sites else 0

    @property
    def at_once(self) -> int:
        """What the daemon runs: what the window needs (at least MIN_SITES_AT_ONCE), within the ceiling."""
        return min(self.ceiling.sites, max(MIN_SITES_AT_ONCE, self.needed))

    @property
    def expected_h(self) -> float:
        """Hours a full pass takes at `at_once` sites at once."""
        spread = self.work_s / max(1, min(self.at_once, self.sites or 1)) / 3600
        floor = self.busiest.least_s / 3600 if self.busiest else 0.0
        return max(spread, floor)

    @property
    def meets(self) -> bool:
        return not self.problems


def plan_window(site_ids: Iterable[int], durations: Mapping[int, float], window_h: float, limit: Ceiling,
                loads: Iterable[ServerLoad] = ()) -> WindowPlan:
    """The plan for one full pass over `site_ids`; `durations` are measured check times (seconds) of the
    sites' last runs, `loads` the pages per server of those runs."""
    ids = list(site_ids)
    work = sum(durations.get(sid, UNMEASURED_CHECK_S) for sid in ids)
    busiest = max(loads, key=lambda load: load.least_s, default=None)
    measured = sum(1 for sid in ids if sid in durations)
    draft = WindowPlan(window_h, len(ids), work, limit, busiest, measured)
    problems: list[str] = []
    if draft.needed > limit.sites:
        problems.append(
            f"{len(ids)} 个网站每个约 {work / len(ids):.0f} 秒，{window_h:g} 小时内完成需同时检查 {draft.needed} 个，"
            f"上限 {limit.sites} 个（{limit.reason()}）")
    if busiest is not None and busiest.least_s > window_h * 3600:
        problems.append(
            f"服务器 {busiest.server} 上 {busiest.sites} 个网站共 {busiest.pages} 页，请求间隔 {busiest.delay_s:g} 秒，"
            f"至少需要 {busiest.least_s / 3600:.1f} 小时，超过 {window_h:g} 小时的窗口")
    return WindowPlan(window_h, len(ids), work, limit, busiest, measured, tuple(problems))
