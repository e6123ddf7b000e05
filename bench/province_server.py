"""Serve the benchmark province from ONE process: a listening socket per server address, HTTP/1.1 keep-alive.

    python -m bench.province_server --sites 800 --log requests.tsv --summary summary.json

Prints one JSON line when every socket listens: {"ports": {address: port}, "refused": {address: port}}.
Pages are the demo's (monitor/demo/pages.py renders each site on first request; a bounded cache keeps
recent ones). Healthy servers answer after SERVICE_S, slow ones after SLOW_DELAY_S, hung servers read the request and never
answer, refused addresses have nothing listening (a port bound once to find it free, then closed).

The server's own record of politeness: each request is in flight from its request head read to its answer
written (or, unanswered, until the client closes the connection). Per server address it counts requests in
flight and keeps the maximum; every request is logged with the count it saw. On SIGTERM or SIGINT it writes
the summary ({address: {"requests", "max_in_flight", "hosts"}}) and exits.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import signal
import socket
import sys
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, TextIO

from bench.province_plan import SERVICE_S, SLOW_DELAY_S, Mix, ProvincePlan, plan_province
from monitor.config import load_settings
from monitor.demo.pages import render_site
from monitor.demo.province import external_hosts
from monitor.demo.spec import NOT_FOUND, DemoSite, Page

HEAD_LIMIT = 65536


@dataclass
class GroupCount:
    """Requests at one server address: how many so far, how many in flight now and at most."""

    requests: int = 0
    in_flight: int = 0
    max_in_flight: int = 0
    hosts: Counter[str] = field(default_factory=Counter)


class RequestLog:
    """In-flight counts per server address, and a line per request: start and end (seconds), address, host,
    path, status (0: never answered), in flight at its start, and the sequence numbers of its start and end."""

    def __init__(self, out: TextIO, clock: Callable[[], float] = time.monotonic):
        self.groups: dict[str, GroupCount] = {}
        self._out = out
        self._clock = clock
        self._origin = clock()
        self._events = 0  # begins and ends so far: orders them exactly, where times to the ms may tie

    def begin(self, address: str, host: str) -> tuple[float, int, int]:
        group = self.groups.setdefault(address, GroupCount())
        group.requests += 1
        group.in_flight += 1
        group.hosts[host] += 1
        group.max_in_flight = max(group.max_in_flight, group.in_flight)
        self._events += 1
        return self._clock() - self._origin, group.in_flight, self._events

    def end(self, address: str, host: str, path: str, status: int, started: tuple[float, int, int]) -> None:
        self.groups[address].in_flight -= 1
        self._events += 1
        at, seen, first = started
        self._out.write(f"{at:.3f}\t{self._clock() - self._origin:.3f}\t{address}\t{host}\t{path}\t{status}\t{seen}"
                        f"\t{first}\t{self._events}\n")

    def summary(self) -> dict[str, Any]:
        return {address: {"requests": g.requests, "max_in_flight": g.max_in_flight, "hosts": len(g.hosts)}
                for address, g in sorted(self.groups.items())}


class ProvinceServer:
    """Answers every server address of the plan from memory."""

    def __init__(self, plan: ProvincePlan, log: RequestLog):
        self.plan = plan
        self.log = log
        self.outside = {host: stand_in.page for host, stand_in in external_hosts().items()}
        self.behaviour = plan.servers()
        self._site = lru_cache(maxsize=256)(self._render)

    def _render(self, host: str) -> DemoSite | None:
        planned = self.plan.by_host.get(host)
        return render_site(planned.spec) if planned is not None else None

    def page(self, host: str, target: str) -> Page:
        if host in self.outside:
            return self.outside[host]
        site = self._site(host)
        return site.resolve(target) if site is not None else NOT_FOUND

    async def handle(self, address: str, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while await self._one_request(address, reader, writer):
                pass
        except (ConnectionError, asyncio.IncompleteReadError, asyncio.LimitOverrunError):
            pass
        finally:
            writer.close()

    async def _one_request(self, address: str, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> bool:
        """Serve one request of a connection; False when the connection is done."""
        head = await reader.readuntil(b"\r\n\r\n")
        method, target, headers = _parse_head(head)
        host = headers.get("host", "").rsplit(":", 1)[0].lower()
        started = self.log.begin(address, host)
        delay = {"normal": SERVICE_S, "slow": SLOW_DELAY_S}.get(self.behaviour.get(address, "normal"))
        if not await _wait_unless_closed(reader, delay):
            self.log.end(address, host, target, 0, started)  # the client gave up first
            return False
        page = self.page(host, target)
        keep = headers.get("connection", "").lower() != "close"
        writer.write(_response(page, with_body=method != "HEAD", keep_alive=keep))
        try:
            await writer.drain()
        finally:
            self.log.end(address, host, target, page.status, started)
        return keep


async def _wait_unless_closed(reader: asyncio.StreamReader, delay_s: float | None) -> bool:
    """Wait `delay_s` (forever when None); False as soon as the client closes the connection."""
    try:
        data = await asyncio.wait_for(reader.read(HEAD_LIMIT), timeout=delay_s)
    except TimeoutError:
        return True
    return bool(data)  # a client that sends more while waiting (no client here pipelines) is still there


def _parse_head(head: bytes) -> tuple[str, str, dict[str, str]]:
    lines = head.decode("latin-1").split("\r\n")
    method, target, _version = (lines[0].split(" ") + ["", "", ""])[:3]
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        if value:
            headers[name.strip().lower()] = value.strip()
    return method, target or "/", headers


def _response(page: Page, *, with_body: bool, keep_alive: bool) -> bytes:
    reason = {200: "OK", 404: "Not Found", 500: "Internal Server Error"}.get(page.status, "Status")
    head = (f"HTTP/1.1 {page.status} {reason}\r\nContent-Type: {page.content_type}\r\n"
            f"Content-Length: {len(page.body)}\r\nConnection: {'keep-alive' if keep_alive else 'close'}\r\n\r\n")
    return head.encode("latin-1") + (page.body if with_body else b"")


def closed_port(address: str) -> int:
    """A port nothing listens on at `address`: bound once by us to find it free, then released."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((address, 0))
        return int(probe.getsockname()[1])


async def serve(plan: ProvincePlan, log_path: Path, summary_path: Path, ready: TextIO) -> None:
    with log_path.open("w", encoding="utf-8", buffering=1 << 16) as out:
        log = RequestLog(out)
        server = ProvinceServer(plan, log)
        listeners = []
        ports = {}
        for address in server.behaviour:
            listener = await asyncio.start_server(
                lambda r, w, a=address: server.handle(a, r, w), address, 0, limit=HEAD_LIMIT, backlog=256)
            listeners.append(listener)
            ports[address] = listener.sockets[0].getsockname()[1]
        refused = {address: closed_port(address) for address in plan.refused()}
        ready.write(json.dumps({"ports": ports, "refused": refused}) + "\n")
        ready.flush()
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(signum, stop.set)
        await stop.wait()
        for listener in listeners:
            listener.close()
        summary_path.write_text(json.dumps(log.summary(), indent=1), encoding="utf-8")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--mix", required=True, help="sites,slow,hung,refused,platform")
    parser.add_argument("--log", type=Path, required=True)
    parser.add_argument("--summary", type=Path, required=True)
    args = parser.parse_args(argv)
    sites, slow, hung, refused, platform = (int(x) for x in args.mix.split(","))
    plan = plan_province(Mix(sites, slow, hung, refused, platform), load_settings(cwd_default=False).rules_dir)
    asyncio.run(serve(plan, args.log, args.summary, sys.stdout))


if __name__ == "__main__":
    main()
