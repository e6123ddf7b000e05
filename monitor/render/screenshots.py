"""Screenshots as evidence: for each veto finding on a page, a PNG of that page with the offending
link or column outlined where it can be located, saved beside the database.

The finding's evidence gets `screenshot` (the file's path); without a browser nothing is taken and
the finding is stored as it is.
"""

from __future__ import annotations

import asyncio
import logging
import re
from datetime import datetime
from pathlib import Path
from typing import Any

from monitor.models import Finding, Severity
from monitor.render.renderer import Outline, Renderer

log = logging.getLogger(__name__)

MAX_SHOTS_PER_SITE = 8
SHOTS_TIME_PAGES = 3  # all screenshots of one site end within this many per-page time limits
_UNSAFE = re.compile(r"[^A-Za-z0-9_.-]+")
_LIST_KEYS = ("stale_columns", "blank_columns", "links", "matches", "pages", "columns")
# Never photographed: a picture of a page showing ID numbers would be an unmasked copy of the leak.
NO_SCREENSHOT_RULES = frozenset({"privacy_leak"})


def screenshot_folder(database: Path) -> Path:
    """Screenshots live beside the database: govmon.db → govmon-screenshots/."""
    return database.parent / f"{database.stem}-screenshots"


def shot_target(finding: Finding) -> tuple[str, Outline] | None:
    """The page to photograph for `finding`, and what to outline on it (None: no page to show)."""
    if finding.rule in NO_SCREENSHOT_RULES:
        return None
    ev: dict[str, Any] = finding.evidence if isinstance(finding.evidence, dict) else {}
    for key in _LIST_KEYS:
        entries = ev.get(key)
        if isinstance(entries, list) and entries and isinstance(entries[0], dict):
            first = entries[0]
            url = first.get("page_url") or first.get("url")
            if not url:
                continue
            if key == "links":
                return str(url), Outline(href=str(first.get("href") or ""))
            if key == "matches":
                return str(url), Outline(text=str(first.get("phrase") or ""))
            if key == "blank_columns":
                reason = str(first.get("reason") or "")
                return str(url), Outline(text=reason if reason not in ("空列表", "空页面") else "")
            return str(url), Outline(href=str(first.get("newest_url") or ""))
    url = ev.get("url") or ev.get("home_page") or ev.get("page_url")
    if isinstance(url, str) and url.startswith(("http://", "https://")):
        return url, Outline(href=str(ev.get("newest_url") or ""))
    return None


def shot_path(folder: Path, subject_id: int, finding: Finding, as_of: datetime) -> Path:
    name = "-".join(part for part in (as_of.strftime("%Y%m%d"), finding.rule, finding.key) if part)
    return folder / str(subject_id) / f"{_UNSAFE.sub('_', name)[:120]}.png"


async def attach_screenshots(findings: list[Finding], renderer: Renderer, folder: Path, subject_id: int,
                             as_of: datetime) -> int:
    """Photograph the page of each veto finding; `evidence["screenshot"]` names the file. Returns the count.

    A page that cannot be photographed leaves its finding as it is (the failure is logged); all of a
    site's screenshots end within SHOTS_TIME_PAGES per-page limits (those taken by then are kept)."""
    taken = 0
    try:
        async with asyncio.timeout(renderer.settings.page_timeout_s * SHOTS_TIME_PAGES):
            for finding in findings:
                if await _photograph(finding, renderer, folder, subject_id, as_of, taken):
                    taken += 1
    except TimeoutError:
        log.info("screenshots of site %s stopped at the time limit (%d taken)", subject_id, taken)
    return taken


async def _photograph(finding: Finding, renderer: Renderer, folder: Path, subject_id: int, as_of: datetime,
                      taken: int) -> bool:
    if finding.severity != Severity.VETO or taken >= MAX_SHOTS_PER_SITE:
        return False
    target = shot_target(finding)
    if target is None:
        return False
    url, outline = target
    png = await renderer.screenshot(url, outline=outline)
    if png is None:
        return False
    path = shot_path(folder, subject_id, finding, as_of)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(png)
    except OSError as exc:
        log.warning("screenshot %s not saved: %s", path, exc)
        return False
    finding.evidence["screenshot"] = str(path)
    return True
