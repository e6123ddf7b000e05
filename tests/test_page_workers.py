"""Pages are read in worker processes: heavy vocabularies sent once, failures reported, none without workers."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import textwrap
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from monitor.page_workers import (
    BIG_PAGE_CHARS,
    PageReaderDied,
    PageReadTimedOut,
    PageWorkers,
    SentOnce,
    configure,
    read_page,
)

_unpickled = 0  # in a worker: how many times a vocabulary arrived there


@dataclass(frozen=True)
class Vocabulary(SentOnce):
    words: tuple[str, ...]

    def __setstate__(self, state: dict[str, object]) -> None:
        global _unpickled
        _unpickled += 1
        object.__setattr__(self, "words", state["words"])


def count_words(html: str, vocabulary: Vocabulary) -> tuple[int, int, int]:
    """(worker pid, words of the vocabulary on the page, times a vocabulary reached this worker)."""
    return os.getpid(), sum(html.count(word) for word in vocabulary.words), _unpickled


def refuse(html: str) -> None:
    raise ValueError(f"odd markup: {html}")


def die(html: str) -> None:
    os._exit(3)


def hang(html: str) -> None:
    time.sleep(3600)


def thread_of(html: str) -> int:
    return threading.get_ident()


async def test_pages_are_read_in_other_processes_and_a_vocabulary_reaches_each_once() -> None:
    workers = PageWorkers(2)
    vocabulary = Vocabulary(("通知", "公告"))
    try:
        answers = [await workers.read(count_words, f"<p>通知{'公告' * n}</p>", vocabulary) for n in range(8)]
    finally:
        workers.close()
    assert [found for _, found, _ in answers] == [1 + n for n in range(8)]
    assert os.getpid() not in {pid for pid, _, _ in answers}
    assert {arrived for _, _, arrived in answers} == {1}  # sent with the first page of each worker only


async def test_a_reader_failing_or_dying_costs_that_page_only() -> None:
    workers = PageWorkers(1)
    try:
        with pytest.raises(ValueError, match="odd markup: <p>x</p>"):
            await workers.read(refuse, "<p>x</p>")
        dying = asyncio.ensure_future(workers.read(die, "<p>x</p>"))
        behind = [asyncio.ensure_future(workers.read(count_words, "<p>通知</p>", Vocabulary(("通知",))))
                  for _ in range(3)]
        with pytest.raises(PageReaderDied):
            await dying
        answers = await asyncio.gather(*behind)  # queued behind the page that killed its worker: read by the next
    finally:
        workers.close()
    assert [found for _, found, _ in answers] == [1, 1, 1]


async def test_a_read_past_its_deadline_costs_that_page_only_and_the_reads_queued_behind_it_are_answered() -> None:
    workers = PageWorkers(1, read_deadline_s=2.0)
    vocabulary = Vocabulary(("通知",))
    try:
        first_pid, _, _ = await workers.read(count_words, "<p>通知</p>", vocabulary)
        stuck = asyncio.ensure_future(workers.read(hang, "<p>x</p>"))
        behind = [asyncio.ensure_future(workers.read(count_words, "<p>通知通知</p>", vocabulary)) for _ in range(3)]
        with pytest.raises(PageReadTimedOut, match="longer than 2 s"):
            await stuck
        answers = await asyncio.gather(*behind)
    finally:
        workers.close()
    assert [found for _, found, _ in answers] == [2, 2, 2]
    assert {pid for pid, _, _ in answers} - {first_pid} == {pid for pid, _, _ in answers}  # a fresh worker
    assert {arrived for _, _, arrived in answers} == {1}  # the vocabulary went to it with the first page resent


def test_workers_do_not_import_the_main_script_of_the_process_that_starts_them(tmp_path: Path) -> None:
    # the `govmon` script imports the whole command line; a worker has no use for it
    script = tmp_path / "checker.py"
    script.write_text(textwrap.dedent("""
        import asyncio
        from monitor.cli import main as govmon  # as the `govmon` script does
        from monitor.page_workers import PageWorkers

        async def main():
            workers = PageWorkers(1)
            try:
                print(await workers.read(eval, "'monitor.cli' in __import__('sys').modules"))
            finally:
                workers.close()

        if __name__ == "__main__":
            asyncio.run(main())
    """), encoding="utf-8")
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "False"


async def test_without_workers_ordinary_pages_are_read_inline_and_big_ones_on_the_parse_thread() -> None:
    configure(0)
    try:
        here = threading.get_ident()
        assert await read_page(thread_of, "<p>small</p>") == here
        big = await read_page(thread_of, "x" * BIG_PAGE_CHARS)
        assert big != here
        assert await read_page(thread_of, "y" * BIG_PAGE_CHARS) == big  # one dedicated thread
    finally:
        configure(-1)
