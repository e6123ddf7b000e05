"""Worker processes that read pages, so parsing and extraction use every core and never hold the event loop.

A page reader is a pure function `func(html, *args)`: a module-level function, or a method of an object that
pickles. Each page goes to the least busy worker. The heavy read-only arguments of readers (a wording lexicon,
a name vocabulary: instances of classes deriving from `SentOnce`) are sent to each worker once and named by
a number afterwards: pickling them with every page would cost more than reading the page.

`crawl.page_workers` sets how many: -1 one per CPU core, 0 none (pages are read in the checking process,
a very big one on a thread of its own).
"""

from __future__ import annotations

import asyncio
import io
import multiprocessing
import os
import pickle
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from functools import partial
from typing import Any, TypeVar

T = TypeVar("T")

BIG_PAGE_CHARS = 512_000  # without workers, pages this big are read on a thread, not on the event loop
MANY_LINKS = 1000  # and pages with this many links (reading each link costs more than its bytes suggest)
MAX_SENT_ONCE = 256  # distinct SentOnce objects remembered; past this the workers start afresh
# Imported once by the process the workers are forked from, so a new worker starts at once.
_PRELOAD = ["monitor.crawl.site"]


class SentOnce:
    """Marks a read-only object (vocabulary, lexicon) sent to each page worker once, not with every page."""

    __slots__ = ()


class PageReaderDied(RuntimeError):
    """The worker reading a page ended abruptly (killed, out of memory): that page is not read."""


# -- in the worker ----------------------------------------------------------------------------------
_received: dict[int, object] = {}


class _Unpickler(pickle.Unpickler):
    def persistent_load(self, pid: Any) -> object:
        return _received[pid]


def _keep(number: int, payload: bytes) -> None:
    _received[number] = pickle.loads(payload)


def _read(payload: bytes) -> object:
    func, html, args = _Unpickler(io.BytesIO(payload)).load()
    return func(html, *args)


# -- in the checking process ------------------------------------------------------------------------
class _Pickler(pickle.Pickler):
    """Pickles a page and its reader's arguments, naming each SentOnce object by its number."""

    def __init__(self, file: io.BytesIO, number_of: Callable[[object], int], used: dict[int, object]):
        super().__init__(file, protocol=pickle.HIGHEST_PROTOCOL)
        self._number_of = number_of
        self._used = used

    def persistent_id(self, obj: Any) -> int | None:
        if not isinstance(obj, SentOnce):
            return None
        number = self._number_of(obj)
        self._used[number] = obj
        return number


class _Worker:
    """One process (a pool of one: its tasks run in the order given) and what it has been sent."""

    def __init__(self, context: multiprocessing.context.BaseContext):
        self.executor = ProcessPoolExecutor(max_workers=1, mp_context=context)
        self.holds: set[int] = set()
        self.busy = 0


class PageWorkers:
    """A fixed set of worker processes reading pages; see the module docstring."""

    def __init__(self, size: int):
        self.size = size
        self._context = multiprocessing.get_context("forkserver")
        self._context.set_forkserver_preload(_PRELOAD)
        self._workers: list[_Worker] = []
        self._numbers: dict[int, tuple[int, object]] = {}  # id -> (number, the object, kept so its id stays its own)
        self._next_number = 0

    async def read(self, func: Callable[..., T], html: str, *args: object) -> T:
        """`func(html, *args)` in the least busy worker."""
        if len(self._numbers) > MAX_SENT_ONCE:
            self.close()
        if not self._workers:
            self._workers = [_Worker(self._context) for _ in range(self.size)]
        worker = min(self._workers, key=lambda w: w.busy)
        buffer, used = io.BytesIO(), dict[int, object]()
        _Pickler(buffer, self._number_of, used).dump((func, html, args))
        for number, obj in used.items():
            if number not in worker.holds:  # sent ahead of the page: the worker runs its tasks in order
                worker.executor.submit(_keep, number, pickle.dumps(obj, pickle.HIGHEST_PROTOCOL))
                worker.holds.add(number)
        worker.busy += 1
        try:
            answer: T = await asyncio.wrap_future(worker.executor.submit(_read, buffer.getvalue()))  # type: ignore[arg-type]
            return answer
        except BrokenProcessPool as exc:
            self._replace(worker)
            raise PageReaderDied(f"the process reading the page ended abruptly: {exc}") from exc
        finally:
            worker.busy -= 1

    def close(self) -> None:
        for worker in self._workers:
            worker.executor.shutdown(wait=False, cancel_futures=True)
        self._workers = []
        self._numbers.clear()

    def _number_of(self, obj: object) -> int:
        entry = self._numbers.get(id(obj))
        if entry is None:
            entry = self._numbers[id(obj)] = (self._next_number, obj)
            self._next_number += 1
        return entry[0]

    def _replace(self, worker: _Worker) -> None:
        if worker in self._workers:
            worker.executor.shutdown(wait=False, cancel_futures=True)
            self._workers[self._workers.index(worker)] = _Worker(self._context)


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
