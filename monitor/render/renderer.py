"""Rendering pages in headless Chromium, bounded: a pool of pages, a time limit per page, a budget
per site, a memory cap, and a restart when the browser misbehaves.

The browser starts on the first page that needs it (a check that meets no script-filled page never
starts one) and every request it makes goes through `GuardedRouter`. A failure is a value
(`Rendered.error`), never an exception: the column it was for is then recorded as not read.
"""

from __future__ import annotations

import asyncio
import logging
import time
from contextlib import AsyncExitStack, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from monitor.config import CrawlSettings, RenderSettings
from monitor.render.browser import BrowserUnavailable, LaunchedBrowser, launch
from monitor.render.guard import GuardedRouter, Pace, Preloaded, RequestLog

if TYPE_CHECKING:
    from playwright.async_api import FloatRect, Page

log = logging.getLogger(__name__)

SETTLE_S = 3.0  # after "load": wait this long at most for the page's data requests to finish
QUIET_S = 0.2  # the page is settled once no request has been in flight, nor the DOM changed, for this long
# Records when the page's DOM last changed (nodes or text), so settling waits for scripts that fill the page
# from a response that has arrived but not yet been handled (a busy machine can delay that past QUIET_S).
_WATCH_MUTATIONS = """
window.__govmonLastChange = performance.now();
new MutationObserver(() => { window.__govmonLastChange = performance.now(); })
  .observe(document, {childList: true, subtree: true, characterData: true});
"""
_DOM_QUIET_FOR = "() => performance.now() - (window.__govmonLastChange || 0)"
VIEWPORT = (1280, 900)
SHOT_HEIGHT = 1600  # pixels of page shown: the top of the page, or around the outlined element
MAX_HTML_CHARS = 5_000_000


@dataclass
class Rendered:
    """The DOM of a page after its scripts ran, or why it could not be had."""

    url: str
    html: str = ""
    error: str = ""
    elapsed_s: float = 0.0
    requests: RequestLog = field(default_factory=RequestLog)

    @property
    def ok(self) -> bool:
        return not self.error


@dataclass
class RenderBudget:
    """Pages one site may render in one check."""

    limit: int
    used: int = 0
    refused: int = 0  # pages that wanted rendering after the budget was spent

    def take(self) -> bool:
        if self.used >= self.limit:
            self.refused += 1
            return False
        self.used += 1
        return True


@dataclass(frozen=True)
class Outline:
    """What to outline on a screenshot: a link by its target, or the element showing a text."""

    href: str = ""
    text: str = ""


class Renderer:
    """One browser for the process, at most `concurrent_pages` pages at once."""

    def __init__(self, render: RenderSettings, crawl: CrawlSettings, executable: Path, *,
                 router: GuardedRouter | None = None, pace: Pace | None = None):
        self.settings = render
        self._crawl = crawl
        self._executable = executable
        self._router = router or GuardedRouter(crawl, pace=pace)
        self._slots = asyncio.Semaphore(max(1, min(2, render.concurrent_pages)))
        self._start_lock = asyncio.Lock()
        self._stack: AsyncExitStack | None = None
        self._browser: LaunchedBrowser | None = None
        self._open_pages = 0
        self._unusable = ""  # why the browser cannot start at all (then every render fails fast)
        self.restarts = 0
        self.pages_rendered = 0
        self.peak_memory_mb = 0.0

    def budget(self) -> RenderBudget:
        return RenderBudget(self.settings.max_pages_per_site)

    async def __aenter__(self) -> Renderer:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self._stop()
        await self._router.aclose()

    async def render(self, url: str, *, preloaded: Preloaded | None = None) -> Rendered:
        """The DOM of `url` after its scripts ran (images, media and fonts not loaded)."""
        result = Rendered(url)
        started = time.monotonic()

        async def work(page: Page) -> None:
            await self._open(page, url, preloaded, result.requests, with_images=False)
            html = await page.content()
            result.html = html[:MAX_HTML_CHARS]

        result.error = await self._with_page(work, url)
        result.elapsed_s = round(time.monotonic() - started, 3)
        if result.ok:
            self.pages_rendered += 1
        return result

    async def screenshot(self, url: str, *, outline: Outline | None = None) -> bytes | None:
        """A PNG of `url` (images loaded), the outlined element scrolled into view; None on failure."""
        shot: dict[str, bytes] = {}

        async def work(page: Page) -> None:
            await self._open(page, url, None, RequestLog(), with_images=True)
            target = await _outline(page, outline) if outline else None
            height = int(await page.evaluate("document.documentElement.scrollHeight") or VIEWPORT[1])
            top = 0.0 if target is None else max(0.0, min(target - 300, height - SHOT_HEIGHT))
            clip: FloatRect = {"x": 0, "y": top, "width": VIEWPORT[0], "height": max(1, min(SHOT_HEIGHT, height - top))}
            shot["png"] = await page.screenshot(type="png", full_page=True, clip=clip, animations="disabled")

        error = await self._with_page(work, url)
        if error:
            log.info("screenshot of %s not taken: %s", url, error)
        return shot.get("png")

    # -- pages ----------------------------------------------------------------------------------------
    async def _with_page(self, work: Any, url: str) -> str:
        """Run `work(page)` on a new page within the time limit; the error text, "" on success."""
        async with self._slots:
            try:
                browser = await self._ensure()
            except BrowserUnavailable as exc:
                return f"浏览器不可用: {exc}"
            page = None
            try:
                async with asyncio.timeout(self.settings.page_timeout_s):
                    self._open_pages += 1
                    page = await browser.context.new_page()
                    await work(page)
                return ""
            except TimeoutError:
                return f"渲染超过 {self.settings.page_timeout_s:g} 秒"
            except Exception as exc:
                message = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
                if _browser_gone(exc):
                    await self._restart(f"browser failed on {url}: {message}")
                return f"渲染失败: {message}"
            finally:
                self._open_pages -= 1
                if page is not None:
                    try:
                        await page.close()
                    except Exception as exc:
                        log.debug("closing page %s: %s", url, exc)
                await self._check_memory()

    async def _open(self, page: Page, url: str, preloaded: Preloaded | None, requests: RequestLog,
                    *, with_images: bool) -> None:
        documents = {preloaded.url: preloaded} if preloaded else {}

        async def handle(route: Any) -> None:
            await self._router.handle(route, preloaded=documents, log_to=requests, with_images=with_images)

        await page.route("**/*", handle)
        await page.add_init_script(_WATCH_MUTATIONS)
        await page.goto(url, wait_until="load")
        await _settle(page, requests)

    # -- the browser ------------------------------------------------------------------------------------
    async def _ensure(self) -> LaunchedBrowser:
        async with self._start_lock:
            if self._browser is not None:
                return self._browser
            if self._unusable:
                raise BrowserUnavailable(self._unusable)
            stack = AsyncExitStack()
            try:
                browser = await stack.enter_async_context(
                    launch(self._executable, memory_limit_mb=self.settings.memory_limit_mb))
            except BrowserUnavailable as exc:
                await stack.aclose()
                self._unusable = str(exc)
                log.warning("browser rendering unavailable: %s", exc)
                raise
            await browser.context.route("**/*", _refuse)  # anything a page route did not answer
            if hasattr(browser.context, "route_web_socket"):
                await browser.context.route_web_socket("**/*", _close_socket)
            browser.context.on("page", self._popup)
            self._stack, self._browser = stack, browser
            log.info("browser started: %s", self._executable)
            return browser

    def _popup(self, page: Any) -> None:
        """Pages a site opens by itself (window.open, target=_blank) are closed at once; they have no
        page route, so the context's route refuses whatever they ask meanwhile."""
        asyncio.get_running_loop().create_task(_close_popup(page))

    async def _check_memory(self) -> None:
        browser = self._browser
        if browser is None:
            return
        used = browser.memory_mb()
        self.peak_memory_mb = max(self.peak_memory_mb, used)
        if self.settings.memory_limit_mb > 0 and used > self.settings.memory_limit_mb and not self._open_pages:
            await self._restart(f"browser used {used:.0f} MB > render.memory_limit_mb")

    async def _restart(self, reason: str) -> None:
        """Close the browser; the next page starts a new one (with a new empty profile)."""
        log.warning("restarting the browser: %s", reason)
        self.restarts += 1
        await self._stop()

    async def _stop(self) -> None:
        async with self._start_lock:
            stack, self._stack, self._browser = self._stack, None, None
        if stack is not None:
            try:
                await stack.aclose()
            except Exception as exc:
                log.debug("stopping the browser: %s", exc)


async def _settle(page: Page, requests: RequestLog) -> None:
    """Wait until the page's scripts have fetched their data and put it in the page: every request passes
    the router, so it knows when none has been in flight for QUIET_S, and the page itself says when its DOM
    last changed (a polling or animated page is read after SETTLE_S)."""
    deadline = time.monotonic() + SETTLE_S
    while time.monotonic() < deadline:
        if requests.quiet_for() >= QUIET_S and await _dom_quiet_ms(page) >= QUIET_S * 1000 \
                and requests.quiet_for() >= QUIET_S:
            return
        await asyncio.sleep(0.05)


async def _dom_quiet_ms(page: Page) -> float:
    """Milliseconds since the page's DOM last changed; 0 when the page cannot answer (navigating, busy)."""
    try:
        return float(await page.evaluate(_DOM_QUIET_FOR))
    except Exception:
        return 0.0


def _browser_gone(exc: Exception) -> bool:
    text = str(exc).lower()
    return any(word in text for word in ("target closed", "browser has been closed", "crash", "disconnected",
                                         "connection closed"))


async def _refuse(route: Any) -> None:
    with suppress(Exception):
        await route.abort("accessdenied")


async def _close_socket(socket: Any) -> None:
    with suppress(Exception):
        await socket.close()


async def _close_popup(page: Any) -> None:
    try:
        if await page.opener() is not None:
            await page.close()
    except Exception:
        pass


_OUTLINE_JS = """([href, text]) => {
  let el = null;
  if (href) {
    el = [...document.querySelectorAll('a[href]')].find(a => a.href === href || a.getAttribute('href') === href);
  }
  if (!el && text) {
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    while (walker.nextNode()) {
      if (walker.currentNode.textContent.includes(text)) { el = walker.currentNode.parentElement; break; }
    }
  }
  if (!el) return -1;
  el.style.outline = '4px solid #e00';
  el.style.outlineOffset = '2px';
  let box = el.getBoundingClientRect();
  if (box.width === 0 || box.height === 0) {
    let p = el.parentElement;
    while (p && (p.getBoundingClientRect().width === 0 || p.getBoundingClientRect().height === 0)) p = p.parentElement;
    if (p) { p.style.outline = '4px dashed #e00'; box = p.getBoundingClientRect(); }
  }
  return box.top + window.scrollY;
}"""


async def _outline(page: Page, outline: Outline) -> float | None:
    """Outline the element; its distance from the top of the page (None when it was not found)."""
    if not (outline.href or outline.text):
        return None
    try:
        top = await page.evaluate(_OUTLINE_JS, [outline.href, outline.text])
    except Exception as exc:
        log.debug("outline failed: %s", exc)
        return None
    return float(top) if isinstance(top, int | float) and top >= 0 else None
