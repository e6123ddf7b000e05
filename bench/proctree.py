"""What Linux says about a process and the processes it started (/proc).

govmon reads pages in worker processes (`crawl.page_workers`); a benchmark that measured only the process it
started would leave their CPU and memory out. PSS (proportional set size) shares each shared page among the
processes mapping it: the workers are forked from one process and share most of their memory, which a sum of
RSS would count once per process.
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass, field

_TICKS = os.sysconf("SC_CLK_TCK")


def descendants(root: int) -> list[int]:
    """Processes started by `root`, directly or not, that are still running."""
    parents: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as handle:
                    parents[int(entry)] = int(handle.read().rsplit(")", 1)[1].split()[1])
            except OSError:
                continue
    found, frontier = [], [root]
    while frontier:
        children = [pid for pid, parent in parents.items() if parent in frontier]
        found += children
        frontier = children
    return found


def _status_kb(pid: int, path: str, key: str) -> float:
    with open(f"/proc/{pid}/{path}") as handle:
        return float(next((line.split()[1] for line in handle if line.startswith(key)), "0"))


@dataclass(frozen=True)
class Usage:
    """One process now: its own CPU seconds (not its children's), peak RSS and PSS in MB."""

    cpu_s: float
    peak_rss_mb: float
    pss_mb: float


def usage_of(pid: int) -> Usage | None:
    """None when the process is gone (or not ours to read)."""
    try:
        with open(f"/proc/{pid}/stat") as handle:
            fields = handle.read().rsplit(")", 1)[1].split()
        peak = _status_kb(pid, "status", "VmHWM:")
        pss = _status_kb(pid, "smaps_rollup", "Pss:")
    except OSError:
        return None
    return Usage((int(fields[11]) + int(fields[12])) / _TICKS, peak / 1024, pss / 1024)


def descendants_usage(root: int) -> Usage:
    """The processes `root` started, summed: CPU seconds, peak RSS, PSS now."""
    found = [u for u in map(usage_of, descendants(root)) if u is not None]
    return Usage(sum(u.cpu_s for u in found), sum(u.peak_rss_mb for u in found), sum(u.pss_mb for u in found))


@dataclass
class TreeSampler:
    """Samples a process and its descendants every `interval_s` on a thread of its own, until `stop()`:
    the peak of their summed PSS, and the last CPU seen of each descendant (they end with the root, when
    /proc no longer has them)."""

    root: int
    interval_s: float = 1.0
    peak_pss_mb: float = 0.0
    descendant_cpu_s: dict[int, float] = field(default_factory=dict)
    _stopping: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None

    def start(self) -> TreeSampler:
        self._thread = threading.Thread(target=self._run, name="tree-sampler", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopping.set()
        if self._thread is not None:
            self._thread.join()

    @property
    def workers_cpu_s(self) -> float:
        return sum(self.descendant_cpu_s.values())

    def sample(self) -> None:
        root = usage_of(self.root)
        if root is None:
            return
        total = root.pss_mb
        for pid in descendants(self.root):
            usage = usage_of(pid)
            if usage is not None:
                total += usage.pss_mb
                self.descendant_cpu_s[pid] = usage.cpu_s
        self.peak_pss_mb = max(self.peak_pss_mb, total)

    def _run(self) -> None:
        while not self._stopping.is_set():
            self.sample()
            self._stopping.wait(self.interval_s)
