"""互动回应差: the site's 互动交流 channels as the crawl found and read them, judged as of a day.

Three findings, each with its evidence: letters left unanswered beyond `unanswered_days` among those
sent within `window_days` (one finding per channel, with counts and the median reply time); a channel
whose list shows no letter for `idle_days`; no working channel at all on a site of a kind that must
have one. A list that could not be read, or a home page whose navigation was not read whole, makes the
rule 未能判断, never a veto. Pure: no I/O, no clock.
"""

from __future__ import annotations

from datetime import date, timedelta
from statistics import median

from monitor.checks.undetermined import undetermined
from monitor.evidence import (
    DeadChannel,
    IdleBoardEvidence,
    NoChannelEvidence,
    UnansweredEvidence,
    UnansweredLetter,
    failure_evidence,
)
from monitor.extract.messages import REPLIED, MessageVocabulary
from monitor.models import Finding, Severity
from monitor.observations import InteractionObservation, Message, MessageBoard
from monitor.rulebook import RuleSpec

EVIDENCE_LIST_CAP = 50


def no_interaction(obs: InteractionObservation, site_url: str, kind: str, words: MessageVocabulary,
                   spec: RuleSpec, unsure: RuleSpec, today: date) -> list[Finding]:
    """Every 互动回应差 finding of one site (and the 未能判断 ones), as of `today`."""
    if not obs.looked:
        return []
    findings: list[Finding] = []
    for board in obs.boards:
        if board.offsite or not board.opens:
            continue
        if not board.readable:
            findings.append(undetermined(unsure, spec, f"互动栏目「{board.name}」{board.reason}", board.url,
                                         channel=board.name))
            continue
        findings += unanswered(board, spec, today) + idle(board, spec, today)
    findings += no_channel(obs, site_url, kind, words, spec, unsure)
    return findings


def _waiting(message: Message, today: date) -> int | None:
    """Days a letter without a reply has waited; None when it was replied or its date is unknown."""
    if message.asked is None or message.state == REPLIED or message.replied is not None:
        return None
    return (today - message.asked).days


def unanswered(board: MessageBoard, spec: RuleSpec, today: date) -> list[Finding]:
    """Letters sent within the window and left without reply for longer than the limit."""
    if not board.reply_shown:  # a list of published answers only: nothing says what was left unanswered
        return []
    since = today - timedelta(days=int(spec["window_days"]))
    recent = [m for m in board.messages if m.asked is not None and since <= m.asked <= today]
    limit = int(spec["unanswered_days"])
    late = [(m, days) for m in recent if (days := _waiting(m, today)) is not None and days > limit]
    if not late:
        return []
    replies = [(m.replied - m.asked).days for m in recent if m.replied and m.asked and m.replied >= m.asked]
    letters: list[UnansweredLetter] = [
        {"title": m.title, "url": m.url, "asked": m.asked.isoformat() if m.asked else "",
         "state": m.state_text or "未显示回复", "days_waiting": days}
        for m, days in late[:EVIDENCE_LIST_CAP]
    ]
    evidence: UnansweredEvidence = {
        "channel": board.name, "url": board.url, "count": len(late), "unanswered_days": limit,
        "window_days": int(spec["window_days"]), "letters_in_window": len(recent),
        "replied_in_window": sum(1 for m in recent if m.state == REPLIED or m.replied is not None),
        "median_reply_days": median(replies) if replies else None, "letters": letters,
    }
    return [_finding(spec, dict(evidence), key=f"unanswered:{board.url}")]


def idle(board: MessageBoard, spec: RuleSpec, today: date) -> list[Finding]:
    """A message list that shows no letter sent within `idle_days` (every letter it shows dated)."""
    if not board.listed or any(m.asked is None for m in board.messages):
        return []
    newest = max((m.asked for m in board.messages if m.asked is not None), default=None)
    days = int(spec["idle_days"])
    if newest is not None and (today - newest).days <= days:
        return []
    evidence: IdleBoardEvidence = {
        "channel": board.name, "url": board.url, "idle_days": days, "letters_seen": len(board.messages),
        "newest_letter": newest.isoformat() if newest else None,
    }
    return [_finding(spec, dict(evidence), key=f"idle:{board.url}", warning=not int(spec["idle_veto"]))]


def no_channel(obs: InteractionObservation, site_url: str, kind: str, words: MessageVocabulary,
               spec: RuleSpec, unsure: RuleSpec) -> list[Finding]:
    """No working consultation channel: none found on a site that must have one, or every one dead."""
    boards = obs.boards
    if any(b.opens and (b.readable or b.offsite) for b in boards):
        return []
    if any(b.opens for b in boards):  # some were not opened (page budget, robots.txt): nothing is known
        return []
    dead = [_dead_channel(b) for b in boards]
    if not dead and kind not in words.required_kinds:
        return []
    if not obs.searched_whole:
        return [undetermined(unsure, spec, obs.search_note or "首页导航未能完整读取", site_url)]
    evidence: NoChannelEvidence = {"url": site_url, "kind": kind, "dead_channels": dead[:EVIDENCE_LIST_CAP]}
    return [_finding(spec, dict(evidence), key="no_channel")]


def _finding(spec: RuleSpec, evidence: dict[str, object], *, key: str, warning: bool = False) -> Finding:
    return Finding(rule=spec.id, severity=Severity.WARNING if warning else spec.severity, wording=spec.wording,
                   evidence=evidence, key=key)


def _dead_channel(board: MessageBoard) -> DeadChannel:
    entry: DeadChannel = {"channel": board.name, "url": board.url, "error": board.reason}
    if board.failure is not None:
        entry["failure"] = failure_evidence(board.failure)
    return entry
