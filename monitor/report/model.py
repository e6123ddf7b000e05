"""The quarterly report as plain values: computed once by `data.build_report`, rendered by each writer.

Writers never query the store or judge anything; two writers given one `QuarterReport` agree.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from monitor.quarter import Quarter


@dataclass(frozen=True)
class Summary:
    """The numbers of 一、总体情况."""

    websites_checked: int
    websites_with_problems: int
    website_pass_rate: str  # "99.38%"
    regions_websites_passed: int  # 市(州) whose websites all passed
    accounts_total: int
    accounts_planned: int  # the quarter's sample (all accounts when none was drawn)
    accounts_planned_unchecked: int  # planned accounts without a verdict dated in the quarter
    accounts_checked: int  # accounts with a verdict dated in the quarter
    check_rate: str  # "50.71%"
    accounts_full_coverage: int
    accounts_sampled: int
    accounts_with_problems: int
    account_pass_rate: str
    regions_accounts_passed: int
    paragraph: str  # draft of the notice's first paragraph

    def as_dict(self) -> dict[str, int | str]:
        """The JSON shape of `govmon report --json` (`summary`)."""
        return {name: getattr(self, name) for name in self.__dataclass_fields__}


@dataclass(frozen=True)
class Annex1Row:
    """One line of 附件1. Kind columns are None on the province row (shown as —)."""

    unit: str
    is_region: bool
    websites: int
    city_portals: int | None
    city_departments: int | None
    county_portals: int | None
    website_problems: int
    accounts: int
    account_problems: int

    def cells(self) -> tuple[str | int, ...]:
        """The eight values after 单位, as the notice prints them."""
        dash = "—"
        return (
            self.websites,
            dash if self.city_portals is None else self.city_portals,
            dash if self.city_departments is None else self.city_departments,
            dash if self.county_portals is None else self.county_portals,
            self.website_problems,
            self.accounts,
            self.account_problems,
        )


@dataclass(frozen=True)
class WebsiteProblem:
    """附件2 表1 line: one website and its problems in official wording, joined with ；."""

    number: int
    unit: str
    name: str
    problems: str
    url: str
    website_id: int


@dataclass(frozen=True)
class AccountProblem:
    """附件2 表2 line."""

    number: int
    unit: str
    name: str
    platform: str
    problems: str
    account_id: int


@dataclass(frozen=True)
class UncheckedAccount:
    """Coverage appendix line: an account of the quarter's plan that got no verdict in it."""

    number: int
    unit: str
    name: str
    platform: str
    plan: str  # 全覆盖 / 抽查
    account_id: int
    reason: str = ""  # 本季度无检查记录, or why the source could not be read


@dataclass(frozen=True)
class EvidenceItem:
    """One counted finding with what a site operator needs to fix it."""

    number: int
    subject: str  # 网站 / 政务新媒体
    unit: str
    name: str
    address: str  # URL of a website, platform of an account
    wording: str
    rule: str
    source: str  # 自动监测 / 人工录入
    status: str
    first_seen: str
    last_seen: str
    details: tuple[str, ...]  # Chinese lines from the finding's evidence (monitor/evidence.py)
    finding_id: int
    screenshot: str = ""  # PNG of the page behind the finding, when one was taken and is still there


@dataclass(frozen=True)
class Annex4Row:
    """One line of 附件4: 工作成效, the 市(州) that earned it, and where the data came from."""

    label: str
    units: str  # 、-joined display names; 无 when none qualifies; 未导入 when the input is absent
    source: str


@dataclass(frozen=True)
class JiucuoRegionRow:
    """找错 messages of one 市(州) (or the province-level row) received in the quarter."""

    unit: str
    received: int
    on_time: int
    late: int
    overdue: int
    pending: int
    excluded: int
    rate: str  # on time / judged, "—" when nothing could be judged


@dataclass(frozen=True)
class RepostRegionRow:
    """Required reposts of the quarter in one 市(州): sites judged and (site, item) pairs carried."""

    unit: str
    sites: int  # sites that must carry the items
    judged: int  # of them, sites whose articles govmon read in the quarter
    required: int  # judged sites x items
    carried: int
    share: str  # carried / required, "—" when no site was judged


@dataclass(frozen=True)
class RepostItemRow:
    number: int
    title: str
    deadline: str
    carried: int  # judged sites carrying it
    judged: int
    missing: str  # judged sites where it was not seen, 、-joined


@dataclass(frozen=True)
class RankingRow:
    place: int
    unit: str
    rank: str
    score: str


@dataclass(frozen=True)
class Annex4:
    rows: tuple[Annex4Row, ...]
    jiucuo: tuple[JiucuoRegionRow, ...] = ()
    reposts: tuple[RepostRegionRow, ...] = ()
    repost_items: tuple[RepostItemRow, ...] = ()
    ranking: tuple[RankingRow, ...] = ()
    ranking_year: int = 0


@dataclass(frozen=True)
class QuarterReport:
    quarter: Quarter
    summary: Summary
    annex1: tuple[Annex1Row, ...]
    websites: tuple[WebsiteProblem, ...]
    accounts: tuple[AccountProblem, ...]
    regions_all_passed: tuple[str, ...]  # 附件4: display names, region order
    evidence: tuple[EvidenceItem, ...]
    province_row_label: str
    unchecked: tuple[UncheckedAccount, ...] = ()  # coverage appendix
    generated_at: datetime | None = None  # only for document metadata; never in md/csv bodies
    annex4: Annex4 | None = None  # the four rows of 附件4 with their details
