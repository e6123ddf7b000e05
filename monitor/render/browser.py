"""Launching headless Chromium: where the browser is, the flags it runs with, a fresh empty profile.

One place for every part of govmon that drives a browser (the renderer of script-filled pages, the
web console's browser tests). The browser is the system's Chromium (Debian's `chromium` package),
driven by Playwright with `executable_path`: nothing is downloaded at run time.
"""

from __future__ import annotations

import logging
import os
import shutil
import tempfile
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from playwright.async_api import BrowserContext

log = logging.getLogger(__name__)

# Where distributions put Chromium; "auto" takes the first that exists.
CANDIDATES = ("chromium", "chromium-browser", "google-chrome-stable", "google-chrome")
# A server browser: no GPU, no sandbox (runs as a service user), no background traffic of its own.
BASE_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-default-apps",
    "--disable-extensions",
    "--disable-dev-shm-usage",
    "--mute-audio",
    "--no-default-browser-check",
)
# Every request the page makes is answered by the route handler; anything that would escape it
# (a DNS prefetch, a connection the handler never saw) meets a resolver that knows no name and a
# proxy that does not exist, so the browser cannot reach the network on its own.
ISOLATION_FLAGS = (
    "--host-resolver-rules=MAP * ~NOTFOUND",
    "--proxy-server=http://127.0.0.1:9",
    "--proxy-bypass-list=<-loopback>",
    "--dns-prefetch-disable",
)
_warned_missing = False


class BrowserUnavailable(Exception):
    """No usable browser: not installed, switched off, or the driver library is missing."""


def find_browser(setting: str) -> Path | None:
    """The browser executable for `[render] browser`: "off" → None, "auto" → the system's Chromium if
    installed (None otherwise), anything else → that path (BrowserUnavailable when it is not there)."""
    value = setting.strip()
    if value == "off":
        return None
    if value in ("", "auto"):
        for name in CANDIDATES:
            found = shutil.which(name)
            if found:
                return Path(found)
        return None
    path = Path(value).expanduser()
    if not (path.is_file() and os.access(path, os.X_OK)):
        raise BrowserUnavailable(f"render.browser: {value} is not an executable file")
    return path


def browser_for(setting: str) -> Path | None:
    """`find_browser` that logs once per process when "auto" finds nothing or the driver is missing."""
    global _warned_missing
    try:
        path = find_browser(setting)
    except BrowserUnavailable as exc:
        log.warning("%s; pages filled by script are reported as not judged", exc)
        return None
    if path is not None and not driver_installed():
        path = None
        reason = "the playwright package is not installed"
    else:
        reason = "no Chromium found (apt-get install chromium)"
    if path is None and setting.strip() != "off" and not _warned_missing:
        _warned_missing = True
        log.info("browser rendering off: %s; pages filled by script are reported as not judged", reason)
    return path


def driver_installed() -> bool:
    try:
        import playwright.async_api  # noqa: F401
    except ImportError:
        return False
    return True


def browser_flags(memory_limit_mb: int = 0, extra: Sequence[str] = ()) -> list[str]:
    """Flags for one launch; `memory_limit_mb` caps each page's JavaScript heap."""
    flags = [*BASE_FLAGS, *ISOLATION_FLAGS]
    if memory_limit_mb > 0:
        flags.append(f"--js-flags=--max-old-space-size={max(64, memory_limit_mb // 2)}")
    return [*flags, *extra]


@dataclass
class LaunchedBrowser:
    """A running browser: its context (one empty profile) and the profile folder removed at close."""

    context: BrowserContext
    profile: Path

    def processes(self) -> list[int]:
        """Process ids of this browser: those started with its profile folder, and their descendants."""
        roots = [pid for pid in _pids() if f"--user-data-dir={self.profile}" in _cmdline(pid)]
        found = set(roots)
        for root in roots:
            found.update(descendants(root))
        return sorted(found)

    def memory_mb(self) -> float:
        """Memory of all browser processes as PSS (shared pages counted once; Linux /proc, 0 elsewhere)."""
        return sum(pss_mb(pid) for pid in self.processes())


@asynccontextmanager
async def launch(executable: Path, *, memory_limit_mb: int = 0, extra_flags: Sequence[str] = (),
                 isolated: bool = True, **context_options: Any) -> AsyncIterator[LaunchedBrowser]:
    """Start Chromium with a new empty profile; closed and the profile deleted on exit.

    Downloads are refused, service workers blocked, no permission granted. `isolated=False` leaves
    out the network isolation flags (a caller whose pages talk to a local server directly, such as a
    browser test of the web console)."""
    try:
        from playwright.async_api import async_playwright
    except ImportError as exc:
        raise BrowserUnavailable("the playwright package is not installed") from exc
    profile = Path(tempfile.mkdtemp(prefix="govmon-browser-"))
    flags = browser_flags(memory_limit_mb, extra_flags)
    if not isolated:
        flags = [flag for flag in flags if flag not in ISOLATION_FLAGS]
    options: dict[str, Any] = {"accept_downloads": False, "service_workers": "block", "permissions": [],
                               "locale": "zh-CN", "timezone_id": "Asia/Shanghai",
                               "viewport": {"width": 1280, "height": 900}}
    options.update(context_options)
    try:
        async with async_playwright() as driver:
            try:
                context = await driver.chromium.launch_persistent_context(
                    str(profile), executable_path=str(executable), headless=True, args=flags,
                    chromium_sandbox=False, handle_sigint=False, handle_sigterm=False, handle_sighup=False,
                    **options,
                )
            except Exception as exc:
                raise BrowserUnavailable(f"{executable} did not start: {str(exc).splitlines()[0]}") from exc
            try:
                yield LaunchedBrowser(context, profile)
            finally:
                try:
                    await context.close()
                except Exception as exc:  # a crashed browser cannot be closed politely
                    log.debug("closing the browser failed: %s", exc)
    finally:
        shutil.rmtree(profile, ignore_errors=True)


def _pids() -> list[int]:
    proc = Path("/proc")
    return [int(entry.name) for entry in proc.iterdir() if entry.name.isdigit()] if proc.is_dir() else []


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


def descendants(root: int) -> list[int]:
    """All descendants of process `root` (Linux /proc)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir() if Path("/proc").is_dir() else ():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[-1].split()
        if len(fields) > 1:
            children.setdefault(int(fields[1]), []).append(int(entry.name))
    found: list[int] = []
    stack = list(children.get(root, []))
    while stack:
        pid = stack.pop()
        found.append(pid)
        stack += children.get(pid, [])
    return found


def pss_mb(pid: int) -> float:
    """Proportional set size of one process in MB (its RSS where smaps_rollup is missing; 0 when gone)."""
    for name, key in (("smaps_rollup", "Pss:"), ("status", "VmRSS:")):
        try:
            for line in Path(f"/proc/{pid}/{name}").read_text().splitlines():
                if line.startswith(key):
                    return int(line.split()[1]) / 1024
        except (OSError, ValueError):
            continue
    return 0.0
