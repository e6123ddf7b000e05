"""Headless Chromium for pages only a browser can read, and screenshots as evidence (optional)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from monitor.config import Settings
from monitor.fetch.result import Fetcher
from monitor.render.browser import browser_for
from monitor.render.guard import SharesSlots
from monitor.render.renderer import Outline, RenderBudget, Rendered, Renderer

__all__ = ["Outline", "RenderBudget", "Rendered", "Renderer", "renderer_for"]


@asynccontextmanager
async def renderer_for(settings: Settings, fetcher: Fetcher | None = None) -> AsyncIterator[Renderer | None]:
    """The process's renderer per `[render] browser`, or None when there is no browser to use.

    The browser's requests share `fetcher`'s per-server request slots (when it has them), so the crawl and
    the browser together keep each server's politeness limit. Nothing starts until a page needs
    rendering; the browser is closed on exit."""
    executable = browser_for(settings.render.browser)
    if executable is None:
        yield None
        return
    pace = fetcher.share_of if isinstance(fetcher, SharesSlots) else None
    async with Renderer(settings.render, settings.crawl, executable, pace=pace) as renderer:
        yield renderer
