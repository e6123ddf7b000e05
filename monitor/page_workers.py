"""Worker processes that read pages, so parsing and extraction use every core and never hold the event loop.

A page reader is a pure function `func(html, *args)`: a module-level function, or a method of an object that
pickles. Each page goes to the least busy worker. The heavy read-only arguments of readers (a wording lexicon,
a name vocabulary: instances of classes deriving from `SentOnce`) are sent to each worker once and named by
a number afterwards: pickling them with every page would cost more than reading the page.

`crawl.page_workers` sets how many: -1 one per CPU core, 0 none (pages are read in the checking process,
a very big one on a thread of its own).

A read that takes longer than `READ_DEADLINE_S` (a page no size cap foresaw, a runaway pattern) costs that
page only: its worker is stopped, the page is reported unread, and the reads queued behind it go to a fresh
worker.
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import multiprocessing
import os
import pickle
import signal
import socket
import struct
import sys
import types
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import partial
from typing import Any, TypeVar

T = TypeVar("T")

BIG_PAGE_CHARS = 512_000  # without workers, pages this big are read on a thread, not on the event loop
MANY_LINKS = 1000  # and pages with this many links (reading each link costs more than its bytes suggest)
READ_DEADLINE_S = 60.0  # a page's read in a worker; capped pages take well under a second (bench/hostile_pages.py)
MAX_SENT_ONCE = 256  # distinct SentOnce objects remembered; past this the workers start afresh
_MAX_BUFFERED = 4 * 2**20  # bytes queued to one worker before a read waits for the pipe to drain
# Imported once by the process the workers are forked from, so a new worker starts at once.
_PRELOAD = ["monitor.crawl.site"]


class SentOnce:
    """Marks a read-only object (vocabulary, lexicon) sent to each page worker once, not with every page."""

    __slots__ = ()


class PageReaderDied(RuntimeError):
    """The worker reading a page ended abruptly (killed, out of memory): that page is not read."""


class PageReadTimedOut(PageReaderDied):
    """Reading one page took longer than the deadline: its worker was stopped and the page is not read."""


# -- in the worker ----------------------------------------------------------------------------------
# Frames both ways: one byte of kind, four of length, the payload. To a worker: KEEP (8-byte number, a
# pickled SentOnce object) and READ (pickled reader, page and arguments); back: OK or ERROR (pickled).
_HEAD = struct.Struct(">cI")
_KEEP, _READ, _OK, _ERROR = b"K", b"R", b"O", b"E"
_received: dict[int, object] = {}


def _sent(number: int) -> object:
    """A SentOnce object this worker was sent earlier (how the checking process pickles one)."""
    return _received[number]


def _serve(connection: socket.socket) -> None:
    """A worker's life: read frames until the checking process closes its end (or ends)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl+C is the checking process's to handle
    with connection, connection.makefile("rb") as incoming:
        while head := incoming.read(_HEAD.size):
            kind, size = _HEAD.unpack(head)
            payload = incoming.read(size)
            if kind == _KEEP:
                with contextlib.suppress(Exception):  # a read naming it then fails with a KeyError
                    _received[int.from_bytes(payload[:8], "big")] = pickle.loads(payload[8:])
                continue
            try:
                func, html, args = pickle.loads(payload)
                kind, answer = _OK, pickle.dumps(func(html, *args), pickle.HIGHEST_PROTOCOL)
            except Exception as exc:
                kind, answer = _ERROR, _pickled_error(exc)
            connection.sendall(_HEAD.pack(kind, len(answer)) + answer)


def _pickled_error(exc: Exception) -> bytes:
    try:
        return pickle.dumps(exc, pickle.HIGHEST_PROTOCOL)
    except Exception:
        return pickle.dumps(RuntimeError(f"{type(exc).__name__}: {exc}"), pickle.HIGHEST_PROTOCOL)


# -- in the checking process ------------------------------------------------------------------------
class _Pickler(pickle.Pickler):
    """Pickles a page and its reader's arguments, naming each SentOnce object by its number.

    `reducer_override` is not asked about strings and containers (`persistent_id` would be, for each
    one): a page and a set of URLs pickle at C speed."""

    def __init__(self, file: io.BytesIO, number_of: Callable[[object], int], used: dict[int, object]):
        super().__init__(file, protocol=pickle.HIGHEST_PROTOCOL)
        self._number_of = number_of
        self._used = used

    def reducer_override(self, obj: Any) -> Any:
        if not isinstance(obj, SentOnce):
            return NotImplemented
        number = self._number_of(obj)
        self._used[number] = obj
        return _sent, (number,)


@dataclass
class _Read:
    """A page sent to a worker and not yet answered, kept so it can be sent again if its worker is stopped."""

    future: asyncio.Future[Any]
    payload: bytes
    kept: dict[int, object]  # the SentOnce objects it names, by number


@contextlib.contextmanager
def _main_module_hidden() -> Iterator[None]:
    """While a worker is started, a bare stand-in takes the place of this process's main module.

    multiprocessing makes a new process import its parent's main module, so that what was defined there can
    be unpickled. Page readers live in monitor's own modules, and the main of the `govmon` script imports the
    whole command line (reports, store, console): about 35 MB in every worker for nothing."""
    main = sys.modules["__main__"]
    sys.modules["__main__"] = types.ModuleType("__main__")
    try:
        yield
    finally:
        sys.modules["__main__"] = main


class _Worker:
    """One worker process, the connection to it and the reads it owes, in the order sent.

    The worker reads in that order, so the oldest read owed is the one being read: a timer runs on it."""

    def __init__(self, context: multiprocessing.context.ForkServerContext, loop: asyncio.AbstractEventLoop,
                 deadline_s: float, on_stuck: Callable[[list[_Read]], None]):
        ours, theirs = socket.socketpair()
        self.process = context.Process(target=_serve, args=(theirs,), daemon=True, name="govmon-page-worker")
        with _main_module_hidden():
            self.process.start()
        theirs.close()
        self.connection = ours
        self.loop = loop
        self.pending: deque[_Read] = deque()
        self.holds: set[int] = set()
        self.writer: asyncio.StreamWriter | None = None
        self.answers: asyncio.Task[None] | None = None
        self._deadline_s = deadline_s
        self._on_stuck = on_stuck
        self._timer: asyncio.TimerHandle | None = None
        self.closed = False

    async def connect(self) -> None:
        reader, self.writer = await asyncio.open_unix_connection(sock=self.connection)
        self.answers = asyncio.create_task(self._read_answers(reader))

    @property
    def alive(self) -> bool:
        return not self.closed and self.answers is not None and not self.answers.done()

    def submit(self, read: _Read) -> None:
        """Send a read, preceded by the SentOnce objects it names that this worker does not hold yet."""
        for number, obj in read.kept.items():
            if number not in self.holds:  # the worker reads its frames in order
                self._send(_KEEP, number.to_bytes(8, "big") + pickle.dumps(obj, pickle.HIGHEST_PROTOCOL))
                self.holds.add(number)
        self.pending.append(read)
        self._send(_READ, read.payload)
        if len(self.pending) == 1:
            self._watch()

    def _send(self, kind: bytes, payload: bytes) -> None:
        assert self.writer is not None
        self.writer.write(_HEAD.pack(kind, len(payload)) + payload)  # one system call, not two

    def _watch(self) -> None:
        """Time the read now at the head of the queue (the one the worker is reading)."""
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        if self.pending:
            self._timer = self.loop.call_later(self._deadline_s, self._stuck, self.pending[0])

    def _stuck(self, read: _Read) -> None:
        if self.pending and self.pending[0] is read:
            self._give_up(PageReadTimedOut(
                f"reading the page took longer than {self._deadline_s:g} s; the process reading it was stopped"))

    def _give_up(self, error: PageReaderDied) -> None:
        """The read at the head (the page being read) fails with `error`; the worker is stopped and the reads
        queued behind it go to the others."""
        head = self.pending.popleft()
        if not head.future.done():
            head.future.set_exception(error)
        rest = [r for r in self.pending if not r.future.done()]
        self.pending.clear()
        self.close()
        if self.process.is_alive():
            self.process.kill()
        self._on_stuck(rest)

    async def _read_answers(self, reader: asyncio.StreamReader) -> None:
        try:
            while True:
                kind, size = _HEAD.unpack(await reader.readexactly(_HEAD.size))
                body = await reader.readexactly(size)
                future = self.pending.popleft().future
                self._watch()
                if future.done():  # its reader gave up (the site check ran out of time)
                    continue
                if kind == _OK:
                    future.set_result(pickle.loads(body))
                else:
                    future.set_exception(pickle.loads(body))
        except (asyncio.IncompleteReadError, ConnectionError) as exc:
            self.closed = True
            if self.pending:
                self._give_up(PageReaderDied(f"the process reading the page ended abruptly (exit code "
                                             f"{self.process.exitcode}): {type(exc).__name__}"))

    def fail(self, error: Exception) -> None:
        while self.pending:
            future = self.pending.popleft().future
            if not future.done():
                future.set_exception(error)

    def close(self) -> None:
        """End the worker: it exits when it reads the end of its input; one still reading is killed."""
        busy = bool(self.pending)
        self.closed = True
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        if self.loop.is_closed():  # its loop is gone, and with it the reads owed
            self.pending.clear()
            self.connection.close()
        else:
            if self.answers is not None:
                self.answers.cancel()
            if self.writer is not None:
                self.writer.close()
            else:
                self.connection.close()
            self.fail(PageReaderDied("page workers closed"))
        if busy and self.process.is_alive():
            self.process.kill()


class PageWorkers:
    """A fixed set of worker processes reading pages; see the module docstring."""

    def __init__(self, size: int, read_deadline_s: float = READ_DEADLINE_S):
        self.size = size
        self._deadline_s = read_deadline_s
        self._context = multiprocessing.get_context("forkserver")
        self._context.set_forkserver_preload(_PRELOAD)
        self._workers: list[_Worker] = []
        self._numbers: dict[int, tuple[int, object]] = {}  # id -> (number, the object, kept so its id stays its own)
        self._next_number = 0
        self._loop: asyncio.AbstractEventLoop | None = None
        self._starting = asyncio.Lock()
        self._resending: set[asyncio.Task[None]] = set()

    async def read(self, func: Callable[..., T], html: str, *args: object) -> T:
        """`func(html, *args)` in the least busy worker."""
        worker = await self._least_busy()
        buffer, kept = io.BytesIO(), dict[int, object]()
        _Pickler(buffer, self._number_of, kept).dump((func, html, args))
        read = _Read(worker.loop.create_future(), buffer.getvalue(), kept)
        worker.submit(read)
        if worker.writer is not None and worker.writer.transport.get_write_buffer_size() > _MAX_BUFFERED:
            await worker.writer.drain()
        result: T = await read.future
        return result

    def close(self) -> None:
        for worker in self._workers:
            worker.close()
        self._workers = []
        self._numbers.clear()

    async def _least_busy(self) -> _Worker:
        """The worker with the fewest reads owed; workers are (re)started for this event loop as needed."""
        loop = asyncio.get_running_loop()
        if self._loop is not loop:  # a new event loop (tests run several): its own connections and processes
            self.close()
            self._loop, self._starting = loop, asyncio.Lock()
        elif len(self._numbers) > MAX_SENT_ONCE:
            self.close()
        if len(self._workers) < self.size or not all(w.alive for w in self._workers):
            async with self._starting:  # one at a time: two reads never replace the same worker twice
                for dead in [w for w in self._workers if not w.alive]:
                    dead.close()
                    self._workers.remove(dead)
                while len(self._workers) < self.size:
                    worker = _Worker(self._context, loop, self._deadline_s, self._send_again)
                    await worker.connect()
                    self._workers.append(worker)
        return min(self._workers, key=lambda w: len(w.pending))

    def _send_again(self, reads: list[_Read]) -> None:
        """Reads owed by a worker that was stopped or died go to the others (a fresh one takes its place)."""
        if reads:
            task = asyncio.get_running_loop().create_task(self._resend(reads))
            self._resending.add(task)
            task.add_done_callback(self._resending.discard)

    async def _resend(self, reads: list[_Read]) -> None:
        for read in reads:
            if read.future.done():
                continue
            try:
                worker = await self._least_busy()
            except Exception as exc:  # no worker could be started: the page is not read
                read.future.set_exception(PageReaderDied(f"no process to read the page: {exc}"))
                continue
            worker.submit(read)

    def _number_of(self, obj: object) -> int:
        entry = self._numbers.get(id(obj))
        if entry is None:
            entry = self._numbers[id(obj)] = (self._next_number, obj)
            self._next_number += 1
        return entry[0]


_workers: PageWorkers | None = None
_size = -1
_parse_thread: ThreadPoolExecutor | None = None


def configure(page_workers: int) -> None:
    """Set how many worker processes read pages (-1: one per CPU core; 0: none), from `crawl.page_workers`."""
    global _size, _workers
    size = (os.cpu_count() or 1) if page_workers < 0 else page_workers
    if size != _size and _workers is not None:
        _workers.close()
        _workers = None
    _size = size


def workers_in_use() -> int:
    """How many worker processes read pages (0: pages are read in this process)."""
    return (os.cpu_count() or 1) if _size < 0 else _size


async def read_page(func: Callable[..., T], html: str, *args: object) -> T:
    """Run a pure page reader `func(html, *args)` in a worker process (see the module docstring).

    Without workers, an ordinary page is read right here on the event loop (extraction is Python code
    holding the GIL: threads would only add hand-offs), and a very big page, or one with very many links,
    on one dedicated thread so the event loop keeps serving fetches meanwhile.
    """
    global _workers, _parse_thread
    size = workers_in_use()
    if size > 0:
        if _workers is None:
            _workers = PageWorkers(size)
        return await _workers.read(func, html, *args)
    if len(html) < BIG_PAGE_CHARS and html.count("href") < MANY_LINKS:
        return func(html, *args)
    if _parse_thread is None:
        _parse_thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="govmon-parse")
    return await asyncio.get_running_loop().run_in_executor(_parse_thread, partial(func, html, *args))
