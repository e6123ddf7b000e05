"""未能判断: the finding a rule yields when its evidence is missing or partial.

No evidence is not evidence of a problem: a rule that could not read what it needs says so with the
reason, and is left out of the judgement's checked rules so its earlier findings keep their state.
"""

from __future__ import annotations

from collections.abc import Iterable

from monitor.evidence import UndeterminedEvidence
from monitor.models import UNDETERMINED, Finding
from monitor.rulebook import RuleSpec


def undetermined(spec: RuleSpec, undecided: RuleSpec, reason: str, url: str, **details: object) -> Finding:
    """A 未能判断 finding (`spec` is the `undetermined` rule) for the rule `undecided` at `url`.

    `reason` is a short Chinese reason ("未读到任何带日期的条目"); `details` add evidence a reader can
    check (counts, the pages not read). The severity of the undecided rule is kept in the evidence so
    the verdict knows whether a veto might be hiding behind it.
    """
    evidence: UndeterminedEvidence = {
        "rule": undecided.id, "rule_wording": undecided.wording, "rule_severity": str(undecided.severity),
        "reason": reason, "url": url,
    }
    return Finding(rule=spec.id, severity=spec.severity, wording=spec.wording, evidence={**evidence, **details},
                   key=f"{undecided.id}:{url}")


def undetermined_rules(findings: Iterable[Finding]) -> set[str]:
    """The rules that some finding says could not be judged."""
    return {str(f.evidence.get("rule", "")) for f in findings if f.rule == UNDETERMINED}
