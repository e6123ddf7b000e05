"""Numbers as the notice prints them, and the draft of its 一、总体情况 paragraph."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from monitor.report.quarter import Quarter


def percent(part: int, whole: int) -> str:
    """99.38% — two decimals, rounded half up as people do by hand; — when nothing was checked."""
    if whole <= 0:
        return "—"
    value = (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    return f"{value}%"


def overview_paragraph(
    quarter: Quarter,
    *,
    websites: int,
    website_problems: int,
    website_rate: str,
    website_regions: int,
    accounts_checked: int,
    check_rate: str,
    full_coverage: int,
    sampled: int,
    account_problems: int,
    account_rate: str,
    account_regions: int,
) -> str:
    """The first paragraph of 一、总体情况, modelled on the reference notice (numbers only, no praise)."""
    website_part = (
        f"在{quarter.name}检查中，依据单项否决指标全覆盖检查了全省运行的{websites}个政府网站，"
        f"发现存在突出问题的网站{website_problems}个，总体合格率{website_rate}，"
        f"{website_regions}个市(州)合格率100%"
    )
    account_part = f"检查政务新媒体账号{accounts_checked}个，检查率达{check_rate}"
    if sampled:
        account_part += (
            f"，其中全覆盖检查了代表主体为各级政府以及省直部门（单位）账号{full_coverage}个，"
            f"抽查市(州)及县(市、区)部门账号{sampled}个"
        )
    account_part += (
        f"，发现存在突出问题的账号{account_problems}个，合格率达{account_rate}，"
        f"{account_regions}个市(州)合格率100%"
    )
    return f"{website_part}；{account_part}。"
