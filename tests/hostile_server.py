"""A hostile web server on 127.0.0.1 for the hardening tests: it drips, stalls, floods and lies.

It speaks raw HTTP/1.1 over asyncio streams in a thread of its own, so a test can script what a
well-behaved library server will not do: a body that never ends, one byte at a time, headers that
never come, a TLS port that accepts and then says nothing. `stop()` ends every connection at once,
so no test waits for a drip to finish.
"""

from __future__ import annotations

import asyncio
import threading
import zlib
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

Writer = asyncio.StreamWriter
Behaviour = Callable[[Writer, "HostileServer"], Awaitable[None]]


@dataclass
class Page:
    """An ordinary answer: status, content type, body (and extra headers)."""

    body: bytes
    content_type: str = "text/html; charset=utf-8"
    status: int = 200
    headers: tuple[tuple[str, str], ...] = ()

    async def __call__(self, writer: Writer, server: HostileServer) -> None:
        head = [f"HTTP/1.1 {self.status} X", f"Content-Type: {self.content_type}",
                f"Content-Length: {len(self.body)}", "Connection: close", *(f"{k}: {v}" for k, v in self.headers)]
        writer.write(("\r\n".join(head) + "\r\n\r\n").encode("latin-1") + self.body)
        await writer.drain()


def html_page(body: str, title: str = "测试") -> Page:
    return Page(f"<html><head><title>{title}</title></head><body>{body}</body></html>".encode())


async def drip(writer: Writer, server: HostileServer) -> None:
    """Headers at once, then one byte of body every `drip_s`, for ever (each byte resets a read timeout)."""
    writer.write(b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 100000000\r\n\r\n<html>")
    await writer.drain()
    while not server.stopping.is_set():
        await asyncio.sleep(server.drip_s)
        writer.write(b" ")
        await writer.drain()


async def drip_headers(writer: Writer, server: HostileServer) -> None:
    """The status line, then one header byte every `drip_s`: the response never gets its headers."""
    writer.write(b"HTTP/1.1 200 OK\r\nX-Slow: ")
    await writer.drain()
    while not server.stopping.is_set():
        await asyncio.sleep(server.drip_s)
        writer.write(b"a")
        await writer.drain()


async def silence(writer: Writer, server: HostileServer) -> None:
    """Accept, read the request, answer nothing."""
    while not server.stopping.is_set():
        await asyncio.sleep(0.05)


async def endless(writer: Writer, server: HostileServer) -> None:
    """A chunked HTML body that never ends, as fast as the client reads."""
    writer.write(b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nTransfer-Encoding: chunked\r\n\r\n")
    chunk = b"<p>" + b"x" * 16_000 + b"</p>"
    frame = f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n"
    while not server.stopping.is_set():
        writer.write(frame)
        await writer.drain()


def gzip_bomb(megabytes: int) -> Page:
    """`megabytes` MB of HTML whitespace, gzipped to a few hundred KB (built a megabyte at a time)."""
    packer = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    parts = [packer.compress(b"<html><body>")]
    block = b" " * 1_000_000
    parts += [packer.compress(block) for _ in range(megabytes)]
    parts.append(packer.flush())
    return Page(b"".join(parts), headers=(("Content-Encoding", "gzip"),))


class HostileServer:
    """Routes (path -> behaviour) served on an ephemeral port; use as a context manager."""

    def __init__(self, routes: dict[str, Behaviour], *, drip_s: float = 0.05):
        self.routes = routes
        self.drip_s = drip_s
        self.hits: Counter[str] = Counter()
        self.stopping = threading.Event()
        self.port = 0
        self._loop = asyncio.new_event_loop()
        self._ready = threading.Event()
        self._server: asyncio.base_events.Server | None = None
        self._thread = threading.Thread(target=self._run, daemon=True)

    def url(self, path: str = "/", scheme: str = "http") -> str:
        return f"{scheme}://127.0.0.1:{self.port}{path}"

    def __enter__(self) -> HostileServer:
        self._thread.start()
        self._ready.wait(5)
        return self

    def __exit__(self, *exc: object) -> None:
        self.stopping.set()
        asyncio.run_coroutine_threadsafe(self._shutdown(), self._loop).result(5)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(5)

    async def _shutdown(self) -> None:
        assert self._server is not None
        self._server.close()
        others = [task for task in asyncio.all_tasks() if task is not asyncio.current_task()]
        for task in others:
            task.cancel()
        await asyncio.gather(*others, return_exceptions=True)

    def _run(self) -> None:
        asyncio.set_event_loop(self._loop)
        self._server = self._loop.run_until_complete(asyncio.start_server(self._handle, "127.0.0.1", 0))
        self.port = self._server.sockets[0].getsockname()[1]
        self._ready.set()
        self._loop.run_forever()
        self._loop.close()

    async def _handle(self, reader: asyncio.StreamReader, writer: Writer) -> None:
        try:
            request = await reader.readuntil(b"\r\n\r\n")
            path = request.split(b" ", 2)[1].decode("latin-1").split("?", 1)[0]
            self.hits[path] += 1
            behaviour = self.routes.get(path) or Page(b"<html>not found</html>", status=404)
            await behaviour(writer, self)
        except (ConnectionError, asyncio.IncompleteReadError, asyncio.LimitOverrunError, IndexError,
                asyncio.CancelledError):
            pass
        finally:
            writer.close()
