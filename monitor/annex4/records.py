"""The stored shapes of the 附件4 inputs: what each import wrote, and where it came from."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

JIUCUO, REPOSTS, RANKING = "jiucuo", "reposts", "ranking"
KIND_LABELS = {JIUCUO: "找错留言", REPOSTS: "转载任务", RANKING: "年度考核排名"}


@dataclass(frozen=True)
class ImportRecord:
    """One import of a file: the provenance a 附件4 row names."""

    id: int
    kind: str  # jiucuo, reposts, ranking
    file: str  # the file's name as the user gave it
    imported_at: datetime
    rows: int  # data rows the file held

    def describe(self) -> str:
        """jiucuo.csv（2023-01-05 10:00 导入，128 行）"""
        return f"{self.file}（{self.imported_at:%Y-%m-%d %H:%M} 导入，{self.rows} 行）"


@dataclass(frozen=True)
class JiucuoMessage:
    """One message of the "我为政府网站找错" platform about a registered website."""

    message_id: str
    website_id: int
    received_at: datetime
    closed_at: datetime | None
    status: str  # as exported
    import_id: int = 0


@dataclass(frozen=True)
class RequiredRepost:
    """An item every portal had to carry by its deadline."""

    title: str
    title_key: str
    deadline: date
    period: str  # as the list wrote it (2022Q4, 2022年11月, 2022-11-30)
    url: str = ""
    import_id: int = 0


@dataclass(frozen=True)
class RankingEntry:
    """A 市(州)'s place in the annual assessment of its government office's supervision work."""

    year: int
    region: str  # canonical 市(州)
    rank: int | None
    score: float | None
    import_id: int = 0


@dataclass(frozen=True)
class SeenTitle:
    """An article title govmon saw on a website (article history)."""

    website_id: int
    url: str
    title: str
