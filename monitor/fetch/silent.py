"""Servers that did not answer in this run: asked once, not again by every page and site that links them.

A server that refused, timed out or did not resolve before it ever answered is remembered for
`crawl.dead_host_memory_s`: further fetches to it end at once with the first failure, so a hung site
costs one deadline, not one per page, retry and linking site. A server that answered once in that time
is alive: a slow page on it is a slow page, never a reason to give up on the server.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from monitor.fetch.result import Outcome

SILENT_OUTCOMES = frozenset({Outcome.TIMEOUT, Outcome.CONNECT, Outcome.DNS})


class ServerSilent(Exception):
    """A fetch not tried: its server did not answer earlier in this run."""

    def __init__(self, outcome: Outcome, message: str):
        super().__init__(message)
        self.outcome = outcome


@dataclass
class _Silence:
    outcome: Outcome
    error: str
    until: float


class SilentServers:
    """Per-run memory of the servers that never answered and of those that did, keyed by address."""

    def __init__(self, keep_s: float, clock: Callable[[], float] = time.monotonic):
        self._keep_s = keep_s
        self._clock = clock
        self._answered: dict[str, float] = {}  # address -> until when it counts as alive
        self._silent: dict[str, _Silence] = {}

    def answered(self, address: str) -> None:
        self._answered[address] = self._clock() + self._keep_s
        self._silent.pop(address, None)

    def alive(self, address: str) -> bool:
        """Answered within the memory time: a timeout there is worth one more try."""
        return self._answered.get(address, float("-inf")) > self._clock()

    def failed(self, address: str, outcome: Outcome, error: str) -> None:
        """Remember a connect, DNS or timeout failure of a server that has not answered lately."""
        if self._keep_s <= 0 or outcome not in SILENT_OUTCOMES or self.alive(address):
            return
        self._silent[address] = _Silence(outcome, error, self._clock() + self._keep_s)

    def check(self, address: str, host: str) -> None:
        """Raise `ServerSilent` when the server of `host` did not answer earlier in this run."""
        silence = self._silent.get(address)
        if silence is None:
            return
        if silence.until <= self._clock():
            del self._silent[address]
            return
        raise ServerSilent(silence.outcome, f"not tried again: {host} did not answer earlier in this run "
                                            f"({silence.error})")
