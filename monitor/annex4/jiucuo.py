"""`govmon jiucuo import`: the "我为政府网站找错" platform's message export, and what each message counts as.

Columns: 留言编号, 网站 (name, 网址 or 网站标识码; separate 网址/网站标识码 columns are read too), 留言时间,
办结时间, 状态. Messages are kept by 留言编号: importing a later export updates them (a message closed
since), importing the same file again changes nothing.

A message counts as 按期办结 when its 办结时间 is within the working-day limit of rules/annex4.toml. A
message still open is 逾期未办结 only once its limit has passed by the time the export was imported (the
moment its status was known); before that it is 办理中 and counts neither way.
"""

from __future__ import annotations

from datetime import datetime, tzinfo
from pathlib import Path

from monitor.annex4.records import JIUCUO, JiucuoMessage
from monitor.annex4.settings import JiucuoRules
from monitor.annex4.sheet import (
    ImportSummary,
    RowProblem,
    count,
    header_reader,
    read_files,
    should_write,
    text,
)
from monitor.annex4.sites import SiteIndex
from monitor.annex4.workdays import WorkCalendar
from monitor.newmedia.timeparse import parse_full_date
from monitor.store import Store

COLUMNS: dict[str, tuple[str, ...]] = {
    "留言编号": ("编号", "留言id", "留言号", "工单编号", "id"),
    "网站": ("网站名称", "被留言网站", "留言网站", "网站名"),
    "网址": ("网站网址", "网站地址", "首页网址", "url"),
    "网站标识码": ("标识码", "site_code"),
    "留言时间": ("提交时间", "留言日期", "创建时间"),
    "办结时间": ("答复时间", "回复时间", "办理完成时间", "反馈时间"),
    "状态": ("办理状态", "留言状态", "处理状态"),
}
REQUIRED = ("留言编号", "留言时间", "办结时间", "状态")
SITE_COLUMNS = ("网站", "网址", "网站标识码")

ON_TIME, LATE, OVERDUE, PENDING, EXCLUDED = "按期办结", "逾期办结", "逾期未办结", "办理中", "不计入"


def import_jiucuo(store: Store, rules: JiucuoRules, paths: list[Path], *, zone: tzinfo, now: datetime,
                  skip_bad: bool = False) -> ImportSummary:
    """Read every file, then store its messages in one transaction (none when a row is bad, unless `skip_bad`).

    Raises SheetError naming the file when a file cannot be read at all.
    """
    sites = SiteIndex(store.websites(include_retired=True))
    summary, reads = read_files(
        paths, header_reader(COLUMNS, REQUIRED, SITE_COLUMNS), f"没有含 {'、'.join(REQUIRED)} 的表头行",
        lambda values: _message(values, sites, rules, zone, now), lambda m: m.message_id,
        lambda m, where: f"留言编号 {m.message_id} 与 {where} 重复")
    if not should_write(summary, skip_bad):
        return summary
    with store.transaction():
        for read in reads:
            record = store.record_import(JIUCUO, read.path.name, now, read.data_rows)
            messages: list[JiucuoMessage] = [message for _line, message in read.rows]
            before = store.jiucuo_messages_by_id(m.message_id for m in messages)
            for message in messages:
                old = before.get(message.message_id)
                count(summary, None if old is None else _content(old), _content(message))
                store.save_jiucuo_message(message, record.id)
    summary.written = True
    return summary


def _content(message: JiucuoMessage) -> tuple[object, ...]:
    return message.website_id, message.received_at, message.closed_at, message.status


def _message(values: dict[str, str], sites: SiteIndex, rules: JiucuoRules, zone: tzinfo,
             now: datetime) -> JiucuoMessage:
    message_id = text(values, "留言编号")
    if not message_id:
        raise RowProblem("留言编号 为空")
    site = sites.find(text(values, "网站"), text(values, "网址"), text(values, "网站标识码"))
    received = _moment(values, "留言时间", zone, required=True)
    closed = _moment(values, "办结时间", zone, required=False)
    status = "".join(text(values, "状态").split())
    kind = rules.status_kind(status)
    if kind is None:
        raise RowProblem(f"状态 {status!r} 无法识别（可用：{'、'.join(rules.known_statuses)}；"
                         "其他写法请加入 rules/annex4.toml [jiucuo]）" if status else "状态 为空")
    if received is None:
        raise RowProblem("留言时间 为空")
    if received > now:
        raise RowProblem(f"留言时间 {received:%Y-%m-%d %H:%M} 晚于导入时间")
    if kind == "closed" and closed is None:
        raise RowProblem(f"状态为 {status}，但 办结时间 为空")
    if kind == "open" and closed is not None:
        raise RowProblem(f"状态为 {status}，却填了 办结时间 {closed:%Y-%m-%d %H:%M}")
    if closed is not None and closed < received:
        raise RowProblem(f"办结时间 {closed:%Y-%m-%d %H:%M} 早于 留言时间 {received:%Y-%m-%d %H:%M}")
    return JiucuoMessage(message_id, site.id or 0, received, closed, status)


def _moment(values: dict[str, str], column: str, zone: tzinfo, *, required: bool) -> datetime | None:
    cell = text(values, column)
    if not cell:
        return None
    parsed = parse_full_date(cell, zone)
    if parsed is None:
        raise RowProblem(f"{column} {cell!r} 不是日期时间（如 2022-12-05 10:30）")
    moment, day_only = parsed
    if day_only and not required:  # a closing day without its hour: the end of that day, never earlier
        moment = moment.replace(hour=23, minute=59, second=59)
    return moment


def outcome(message: JiucuoMessage, rules: JiucuoRules, calendar: WorkCalendar, *, known_at: datetime,
            zone: tzinfo) -> str:
    """What the message counts as in the 按期办结率 (ON_TIME, LATE, OVERDUE, PENDING or EXCLUDED)."""
    kind = rules.status_kind(message.status)
    if kind == "excluded":
        return EXCLUDED
    deadline = calendar.deadline(message.received_at, rules.answer_working_days, zone)
    if message.closed_at is not None:
        return ON_TIME if message.closed_at < deadline else LATE
    return OVERDUE if known_at >= deadline else PENDING
