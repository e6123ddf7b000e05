"""Numbers as the notice prints them, and the draft of its 一、总体情况 paragraph."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from monitor.quarter import Quarter
from monitor.report.model import Summary


def percent(part: int, whole: int) -> str:
    """99.38% — two decimals, rounded half up as people do by hand; — when nothing was checked."""
    if whole <= 0:
        return "—"
    value = (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    return f"{value}%"


def overview_paragraph(quarter: Quarter, s: Summary) -> str:
    """The first paragraph of 一、总体情况, modelled on the reference notice (numbers only, no praise)."""
    website_part = (
        f"在{quarter.name}检查中，依据单项否决指标全覆盖检查了全省运行的{s.websites_checked}个政府网站，"
        f"发现存在突出问题的网站{s.websites_with_problems}个，总体合格率{s.website_pass_rate}，"
        f"{s.regions_websites_passed}个市(州)合格率100%"
    )
    account_part = f"检查政务新媒体账号{s.accounts_checked}个，检查率达{s.check_rate}"
    if s.accounts_checked < s.accounts_total:  # a sample was drawn: say how it was made up
        account_part += (
            f"，其中全覆盖检查了代表主体为各级政府以及省直部门（单位）账号{s.accounts_full_coverage}个，"
            f"抽查市(州)及县(市、区)部门账号{s.accounts_sampled}个"
        )
    account_part += (
        f"，发现存在突出问题的账号{s.accounts_with_problems}个，合格率达{s.account_pass_rate}，"
        f"{s.regions_accounts_passed}个市(州)合格率100%"
    )
    return f"{website_part}；{account_part}。"
