"""Headless Chromium for pages only a browser can read, and screenshots as evidence (optional)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from monitor.config import Settings
from monitor.render.browser import browser_for
from monitor.render.renderer import Outline, RenderBudget, Rendered, Renderer

__all__ = ["Outline", "RenderBudget", "Rendered", "Renderer", "renderer_for"]


@asynccontextmanager
async def renderer_for(settings: Settings) -> AsyncIterator[Renderer | None]:
    """The process's renderer per `[render] browser`, or None when there is no browser to use.

    Nothing starts until a page needs rendering; the browser is closed on exit."""
    executable = browser_for(settings.render.browser)
    if executable is None:
        yield None
        return
    async with Renderer(settings.render, settings.crawl, executable) as renderer:
        yield renderer
