"""New-media accounts of the fixture province and the feeds the demo serves for them.

One account per case the freshness rule must tell apart: fresh (RSS and Weibo JSON), stale for more
than 14 days behind a months-old pinned post, never posted (an empty feed), and no data source at all.
Weibo post ids (mid) encode their creation second, exactly as m.weibo.cn's do.
"""

from __future__ import annotations

import json
from datetime import datetime
from email.utils import format_datetime
from html import escape
from zoneinfo import ZoneInfo

from monitor.demo.spec import AccountSpec, Page, SiteExpectation

SHANGHAI = ZoneInfo("Asia/Shanghai")
_MID_EPOCH_OFFSET = 515483463  # (mid >> 22) + offset = unix second of the post
_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")

Post = tuple[datetime, str, bool]  # (time, text, pinned)


def at(month: int, day: int, hour: int = 10, minute: int = 0) -> datetime:
    return datetime(2022, month, day, hour, minute, tzinfo=SHANGHAI)


def weibo_target(uid: str) -> str:
    return f"/api/container/getIndex?containerid=107603{uid}"


def weibo_created_at(moment: datetime) -> str:
    """'Tue Dec 27 18:00:00 +0800 2022', independent of the process locale."""
    return (
        f"{_DAYS[moment.weekday()]} {_MONTHS[moment.month - 1]} {moment.day:02d} "
        f"{moment:%H:%M:%S} {moment:%z} {moment.year}"
    )


def weibo_mid(moment: datetime, sequence: int) -> str:
    return str(((int(moment.timestamp()) - _MID_EPOCH_OFFSET) << 22) + sequence)


def weibo_page(uid: str, name: str, posts: list[Post]) -> Page:
    """A getIndex answer of the weibo tab: one type-9 card per post, pinned ones marked isTop."""
    cards = []
    for sequence, (moment, text, pinned) in enumerate(posts, start=1):
        mid = weibo_mid(moment, sequence)
        mblog = {
            "id": mid, "mid": mid, "bid": f"Demo{sequence}", "created_at": weibo_created_at(moment),
            "text": text, "isTop": 1 if pinned else 0, "user": {"id": int(uid), "screen_name": name},
        }
        if pinned:
            mblog["title"] = {"text": "置顶"}
        cards.append({"card_type": 9, "mblog": mblog})
    data = {"ok": 1, "data": {"cardlistInfo": {"containerid": f"107603{uid}", "page_type": "03", "page": 1},
                              "cards": cards}}
    return Page(json.dumps(data, ensure_ascii=False).encode("utf-8"), "application/json; charset=utf-8")


def rss_page(title: str, posts: list[Post]) -> Page:
    """An RSS 2.0 feed as RSSHub writes it; no items at all for an account that never posted."""
    items = "".join(
        f"<item><title>{escape(text)}</title><link>http://example.invalid/post/{n}</link>"
        f"<guid>demo-{n}</guid><pubDate>{format_datetime(moment)}</pubDate></item>"
        for n, (moment, text, _) in enumerate(posts, start=1)
    )
    xml = (
        '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel>'
        f"<title>{escape(title)}</title><link>http://example.invalid/</link><description>{escape(title)}"
        f"</description><generator>RSSHub</generator>{items}</channel></rss>"
    )
    return Page(xml.encode("utf-8"), "application/rss+xml; charset=utf-8")


FRESH = SiteExpectation(not_found=frozenset({"account_stale"}), passes=True)
STALE = SiteExpectation(found=frozenset({"account_stale"}))
UNCHECKED = SiteExpectation(not_found=frozenset({"account_stale"}), passes=None)

ACCOUNTS = (
    AccountSpec("四川发布（示例）", "新浪微博", "省政府办公厅", "政府", "weibo:7510000001", FRESH),
    AccountSpec("四川统计（示例）", "微信订阅号", "省统计局", "省直部门", "feed:/rss/sctj.xml", FRESH),
    AccountSpec("雅安教育（示例）", "新浪微博", "雅安市", "市州部门", "weibo:7518000012", STALE),
    AccountSpec("理县发布（示例）", "抖音短视频", "阿坝州", "政府", "feed:/rss/lixianfabu.xml", STALE),
    AccountSpec("四川应急（示例）", "今日头条", "应急厅", "省直部门", "", UNCHECKED),
)


def media_pages() -> dict[str, Page]:
    """Request target -> answer of the media server, for every account that has a source."""
    return {
        weibo_target("7510000001"): weibo_page("7510000001", "四川发布（示例）", [
            (at(12, 27, 18), "【提醒】元旦假期高速公路免费通行时间公布", False),
            (at(12, 26, 9, 15), "全省冬季农业生产工作会议召开", False),
            (at(12, 24, 20), "今冬明春森林草原防灭火工作部署", False),
        ]),
        "/rss/sctj.xml": rss_page("四川统计（示例）", [
            (at(12, 26), "11月全省经济运行情况", False),
            (at(12, 20, 16), "统计开放日活动回顾", False),
            (at(12, 12), "第五次全国经济普查宣传", False),
        ]),
        weibo_target("7518000012"): weibo_page("7518000012", "雅安教育（示例）", [
            (at(6, 1, 8), "欢迎关注雅安教育官方微博", True),
            (at(12, 1, 9, 30), "全市中小学冬季安全教育工作部署", False),
            (at(11, 20, 15), "雅安市第二届中小学生艺术节开幕", False),
        ]),
        "/rss/lixianfabu.xml": rss_page("理县发布（示例）", []),
    }
