"""Serve the fixture province on 127.0.0.1: one server per site, one for feeds, one virtual host.

Each site gets its own ephemeral port (port 0) under its own gov.cn name (`crawl.host_overrides` sends
the name there), answering plain HTTP and HTTPS on that one port (the first byte of a connection tells
a TLS handshake apart), and on ::1 as well as 127.0.0.1 unless it is built to lack IPv6. A healthy site
redirects http to https and sends HSTS, as the guideline asks; its certificate comes from the demo CA.
Outside hosts (a gambling site, www.gov.cn) are answered by one virtual-host server that dispatches
on the Host header; `crawl.host_overrides` sends those hostnames to it. Pages come from memory.
Stopping is clean: every server's loop is shut down, its handler threads and its thread joined.
"""

from __future__ import annotations

import logging
import socket
import ssl
import threading
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from tempfile import TemporaryDirectory
from urllib.parse import urlsplit

from monitor.demo.certs import DemoAuthority, make_authority
from monitor.demo.province import build_province
from monitor.demo.registry_files import write_registry
from monitor.demo.spec import NOT_FOUND, DemoSite, Page, Province

log = logging.getLogger(__name__)

Resolver = Callable[[str, str], Page]  # (host, request target) -> answer


class _Handler(BaseHTTPRequestHandler):
    """Answers GET and HEAD from the server's resolver; one response per connection (HTTP/1.0)."""

    server: _PageServer
    timeout = 10  # a client that connects and says nothing must not hold shutdown up
    server_version = "govmon-demo/1.0"

    def do_GET(self) -> None:
        self._answer(with_body=True)

    def do_HEAD(self) -> None:
        self._answer(with_body=False)

    def _answer(self, *, with_body: bool) -> None:
        host = (self.headers.get("Host") or "").strip().lower()
        host = host.rsplit(":", 1)[0] if host.count(":") == 1 else host
        target = self.path
        if target.startswith(("http://", "https://")):  # absolute form, as sent to a proxy
            parts = urlsplit(target)
            host, target = parts.hostname or host, parts.path + (f"?{parts.query}" if parts.query else "")
        secure = self.server.tls is not None and self.server.secure
        if secure and not isinstance(self.connection, ssl.SSLSocket):
            self._redirect(f"https://{self.headers.get('Host') or host}{target or '/'}")
            return
        page = self.server.resolve(host, target or "/")
        try:
            self.send_response(page.status)
            if secure:
                self.send_header("Strict-Transport-Security", "max-age=31536000")
            self.send_header("Content-Type", page.content_type)
            self.send_header("Content-Length", str(len(page.body)))
            self.end_headers()
            if with_body:
                self.wfile.write(page.body)
        except (BrokenPipeError, ConnectionResetError):
            log.debug("client went away during %s", target)

    def _redirect(self, location: str) -> None:
        try:
            self.send_response(301)
            self.send_header("Location", location)
            self.send_header("Content-Length", "0")
            self.end_headers()
        except (BrokenPipeError, ConnectionResetError):
            log.debug("client went away before the redirect to %s", location)

    def log_message(self, format: str, *args: object) -> None:
        log.debug("%s %s", self.address_string(), format % args)


class _PageServer(ThreadingHTTPServer):
    """A threading server whose handler threads are joined on close (no daemon threads left)."""

    daemon_threads = False
    block_on_close = True

    def __init__(self, resolve: Resolver, address: str = "127.0.0.1", port: int = 0,
                 tls: ssl.SSLContext | None = None, secure: bool = False):
        """`tls`: also answer TLS on this port with that context; `secure`: redirect plain requests to
        https and send HSTS."""
        self.address_family = socket.AF_INET6 if ":" in address else socket.AF_INET
        super().__init__((address, port), _Handler)
        self.resolve = resolve
        self.tls = tls
        self.secure = secure

    def finish_request(self, request: socket.socket | tuple[bytes, socket.socket],
                       client_address: object) -> None:
        """Answer one connection, over TLS when it opens with a handshake record (first byte 0x16)."""
        if self.tls is None or not isinstance(request, socket.socket):
            super().finish_request(request, client_address)
            return
        try:
            request.settimeout(_Handler.timeout)
            if request.recv(1, socket.MSG_PEEK) != b"\x16":
                super().finish_request(request, client_address)
                return
            wrapped = self.tls.wrap_socket(request, server_side=True)
        except OSError as exc:  # ssl.SSLError included: a client that gave up on our certificate
            log.debug("TLS handshake from %s failed: %s", client_address, exc)
            return
        try:
            super().finish_request(wrapped, client_address)
        finally:
            wrapped.close()

    @property
    def port(self) -> int:
        return int(self.server_address[1])


@dataclass
class _Running:
    server: _PageServer
    thread: threading.Thread

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=10)


def _start(resolve: Resolver, name: str, address: str = "127.0.0.1", port: int = 0,
           tls: ssl.SSLContext | None = None, secure: bool = False) -> _Running:
    server = _PageServer(resolve, address, port, tls, secure)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1},
                              name=f"demo-{name}", daemon=True)
    thread.start()
    return _Running(server, thread)


def _site_resolver(site: DemoSite) -> Resolver:
    return lambda host, target: site.resolve(target)


def _vhost_resolver(province: Province) -> Resolver:
    def resolve(host: str, target: str) -> Page:
        external = province.external.get(host)
        return external.page if external else NOT_FOUND

    return resolve


def _media_resolver(province: Province) -> Resolver:
    return lambda host, target: province.media.get(target, NOT_FOUND)


@dataclass(frozen=True)
class RunningSite:
    name: str
    key: str
    url: str  # the registered URL under the site's own name: https://www.x.gov.cn/ (http for a site without HTTPS)
    port: int  # where it answers, on 127.0.0.1 (and ::1 when `ipv6`)
    ipv6: bool = True

    @property
    def local_url(self) -> str:
        """The site reached by address: https://127.0.0.1:PORT/ (its certificate names the site, not the address)."""
        return f"https://127.0.0.1:{self.port}/"

    @property
    def address(self) -> str:
        """The `crawl.host_overrides` value sending the site's name here."""
        return f"127.0.0.1:{self.port},[::1]:{self.port}" if self.ipv6 else f"127.0.0.1:{self.port}"


@dataclass
class RunningProvince:
    """A served province: where each site answers, and how to reach the outside stand-ins."""

    province: Province
    sites: dict[str, RunningSite]  # by site name
    media_url: str
    vhost_port: int
    workdir: Path
    websites_csv: Path
    accounts_csv: Path
    ca_file: Path | None = None  # the demo CA the config trusts (crawl.extra_ca_files)
    _servers: list[_Running] = field(default_factory=list, repr=False)

    @property
    def urls(self) -> dict[str, str]:
        return {name: site.url for name, site in self.sites.items()}

    @property
    def ports(self) -> dict[str, int]:
        return {name: site.port for name, site in self.sites.items()}

    @property
    def host_overrides(self) -> dict[str, str]:
        """hostname -> address for `crawl.host_overrides`: each site's name, every outside host a page links."""
        return {**self.outside_overrides, **{urlsplit(s.url).hostname or "": s.address for s in self.sites.values()}}

    @property
    def outside_overrides(self) -> dict[str, str]:
        """The outside hosts a page links, all answered by the virtual host."""
        return {host: f"127.0.0.1:{self.vhost_port}" for host in self.province.external}

    @property
    def registry_paths(self) -> list[Path]:
        return [self.websites_csv, self.accounts_csv]

    def site(self, key_or_name: str) -> RunningSite:
        return next(s for s in self.sites.values() if key_or_name in (s.key, s.name))

    def stop(self) -> None:
        """Stop every server (idempotent)."""
        _stop_all(self._servers)
        self._servers.clear()


def _stop_all(servers: list[_Running]) -> None:
    """Stop servers side by side: each waits up to a poll interval for its loop to notice."""
    stoppers = [threading.Thread(target=running.stop, name="demo-stop") for running in servers]
    for thread in stoppers:
        thread.start()
    for thread in stoppers:
        thread.join()


def start_province(province: Province, workdir: Path) -> RunningProvince:
    """Start all servers and write the registry; on a failure, stop what was started."""
    started: list[_Running] = []
    try:
        authority = make_authority(workdir)
        sites = {}
        for site in province.sites:
            servers = _start_site(site, authority)
            started += servers
            spec = site.spec
            url = f"{'https' if spec.secure else 'http'}://{spec.host}/"
            sites[site.name] = RunningSite(site.name, spec.key, url, servers[0].server.port, spec.ipv6)
        media = _start(_media_resolver(province), "media")
        started.append(media)
        vhost = _start(_vhost_resolver(province), "vhost")
        started.append(vhost)
        media_url = f"http://127.0.0.1:{media.server.port}"
        paths = write_registry(province, {n: s.url for n, s in sites.items()}, media_url, workdir)
    except BaseException:
        _stop_all(started)
        raise
    return RunningProvince(province, sites, media_url, vhost.server.port, workdir, *paths,
                           ca_file=authority.ca_file, _servers=started)


def _start_site(site: DemoSite, authority: DemoAuthority) -> list[_Running]:
    """The site's server on 127.0.0.1 and, for a site with IPv6, one on ::1 at the same port."""
    spec = site.spec
    tls = authority.server_context(spec.host, expired=spec.certificate == "expired")
    for _attempt in range(5):  # the port free on 127.0.0.1 may be taken on ::1: try another
        four = _start(_site_resolver(site), spec.key, tls=tls, secure=spec.secure)
        if not spec.ipv6:
            return [four]
        try:
            return [four, _start(_site_resolver(site), f"{spec.key}-v6", "::1", four.server.port, tls, spec.secure)]
        except OSError:
            four.stop()
    raise OSError(f"no port free on both 127.0.0.1 and ::1 for {spec.host}")


@contextmanager
def serve_province(province: Province | None = None, workdir: Path | None = None) -> Iterator[RunningProvince]:
    """Serve the province for the duration of a `with` block; servers stop even on Ctrl-C.

    The registry CSVs go to `workdir` (a temporary folder, removed afterwards, when not given).
    """
    with ExitStack() as stack:
        if workdir is None:
            workdir = Path(stack.enter_context(TemporaryDirectory(prefix="govmon-demo-")))
        running = start_province(province or build_province(), workdir)
        stack.callback(running.stop)
        yield running
