"""Render a `SiteSpec` into the pages of a `DemoSite`: home page, column listings, articles, calendar.

Pure: the same spec always yields the same bytes, and no page depends on the port it is served on
(every internal link is relative), so pages can be built before the servers start.
"""

from __future__ import annotations

import calendar
from collections.abc import Mapping
from datetime import date
from html import escape
from types import MappingProxyType

from monitor.demo import markup
from monitor.demo.markup import Item
from monitor.demo.spec import ColumnSpec, DemoSite, DynamicPage, Page, SiteSpec

PAGE_SIZE = {"hanweb": 45, "trs": 8, "ul": 10}  # items per listing page, as each CMS paginates
HANWEB_FIRST_ID = 41001
HOME_PATHS = {"hanweb": ("/", "/index.html"), "trs": ("/", "/index.shtml"), "ul": ("/", "/index.html")}


def column_path(site: SiteSpec, column: ColumnSpec) -> str:
    """Path of a column's first listing page, in the URL scheme of the site's CMS."""
    if site.style == "hanweb":
        return f"/col/col{_hanweb_id(site, column)}/index.html"
    suffix = "shtml" if site.style == "trs" else "html"
    return f"/{column.slug}/index.{suffix}"


def column_url(site: SiteSpec, column: ColumnSpec) -> str:
    """The link the menu carries: the calendar opens on the check month."""
    path = column_path(site, column)
    return f"{path}?year=2022&month=12" if column.content == "calendar" else path


def listing_page_paths(site: SiteSpec, column: ColumnSpec) -> list[str]:
    """Paths of every listing page of a column, first page first."""
    first = column_path(site, column)
    count = max(1, -(-len(column.dates) // PAGE_SIZE[site.style]))
    if site.style == "trs":
        return [first] + [first.replace("index.shtml", f"index_{k}.shtml") for k in range(1, count)]
    return [first] + [first.replace("index.html", f"index_{k + 1}.html") for k in range(1, count)]


def column_items(site: SiteSpec, column: ColumnSpec) -> list[Item]:
    """The items a column lists, newest first, each with the path of its article page."""
    return [
        Item(markup.item_title(column, i), _article_path(site, column, i, day), day, 9 + i % 8)
        for i, day in enumerate(column.dates)
    ]


def _hanweb_id(site: SiteSpec, column: ColumnSpec) -> int:
    return HANWEB_FIRST_ID + site.columns.index(column)


def _article_path(site: SiteSpec, column: ColumnSpec, index: int, day: date) -> str:
    if site.style == "hanweb":
        cid = _hanweb_id(site, column)
        return f"/art/{day.year}/{day.month}/{day.day}/art_{cid}_{cid * 100 + index}.html"
    if site.style == "trs":
        return f"/{column.slug}/{day:%Y%m}/t{day:%Y%m%d}_{1000 + index}.shtml"
    return f"/{column.slug}/{day:%Y%m}/content_{1000 + index}.html"


def headline_item(site: SiteSpec) -> Item:
    """The home page's headline as a listed item with its own article page."""
    day = site.headline_date or date(2022, 12, 28)
    return Item(site.headline, f"/xwzx/{day:%Y%m}/headline_{day:%Y%m%d}.html", day, 9)


class SiteRenderer:
    """Renders one site; keeps the menu links and the charset policy in one place."""

    def __init__(self, site: SiteSpec):
        self.site = site
        self.urls = {c.name: column_url(site, c) for c in site.columns}

    def render(self) -> DemoSite:
        pages: dict[str, Page] = {}
        home = self._home()
        for path in HOME_PATHS[self.site.style]:
            pages[path] = home
        for column in self.site.columns:
            pages.update(self._column(column))
        if self.site.headline:
            headline = headline_item(self.site)
            pages[headline.url] = self._article(headline, "要闻")
        dynamic = {
            column_path(self.site, c): self._calendar_page(c)
            for c in self.site.columns
            if c.content == "calendar"
        }
        return DemoSite(self.site, MappingProxyType(pages), MappingProxyType(dynamic))

    # -- encoding -----------------------------------------------------------------------------------
    def _page(self, title: str, meta: dict[str, str], main: str, *, home: bool = False) -> Page:
        """Encode a page. GBK sites say their charset in the HTTP header on the home page only,
        and only in `<meta charset="gb2312">` elsewhere, as many real sites do."""
        if self.site.encoding == "utf-8":
            html = markup.document(self.site, title, meta, "utf-8", main, self.urls)
            return Page(html.encode("utf-8"))
        if home:
            html = markup.document(self.site, title, meta, None, main, self.urls)
            return Page(html.encode("gbk"), "text/html; charset=gbk")
        html = markup.document(self.site, title, meta, "gb2312", main, self.urls)
        return Page(html.encode("gb2312"), "text/html")

    # -- home ---------------------------------------------------------------------------------------
    def _home(self) -> Page:
        parts = [self._headline_block()]
        parts += [
            markup.home_block(c, self.urls[c.name], column_items(self.site, c))
            for c in self.site.columns
            if c.home_block
        ]
        if self.site.dead_links:
            links = "".join(f'<li><a href="{escape(p)}">{escape(t)}</a></li>' for t, p in self.site.dead_links)
            parts.append(f'<div class="block"><h2>快速链接</h2><ul>{links}</ul></div>')
        parts.append(self.site.home_extras)
        return self._page(self.site.name, {}, "".join(parts), home=True)

    def _headline_block(self) -> str:
        if not self.site.headline:
            return ""
        item = headline_item(self.site)
        return f'<div class="headline">{markup.item_link(item)}<span class="time">{item.date:%m-%d}</span></div>'

    # -- columns ------------------------------------------------------------------------------------
    def _column(self, column: ColumnSpec) -> dict[str, Page]:
        path = column_path(self.site, column)
        if column.content == "error":
            return {path: Page(b"<html><body><h1>500 Internal Server Error</h1></body></html>", status=500)}
        if column.content == "calendar":
            return {}
        if column.content == "list":
            return self._listing_pages(column)
        if column.content == "services":
            return self._service_pages(column)
        if column.content == "mailbox":
            return self._mailbox_pages(column)
        return {path: self._column_page(column, self._placeholder_main(column))}

    def _column_page(self, column: ColumnSpec, body: str) -> Page:
        meta = {"ColumnName": column.name, "ColumnType": column.name}
        position = f'<div class="position">当前位置：<a href="/">首页</a> &gt; {escape(column.name)}</div>'
        return self._page(f"{column.name}_{self.site.name}", meta, position + body)

    def _placeholder_main(self, column: ColumnSpec) -> str:
        """Blank (a placeholder), empty (a list with nothing in it) or static (text, no dates)."""
        if column.content == "blank":
            return f'<div class="list-box"><p class="no-data">{escape(column.placeholder)}</p></div>'
        if column.content == "empty":
            return f'<div class="list-box">{self._listing_markup(column, [], 0, 1)}</div>'
        return (
            f'<div class="content"><h2>{escape(column.name)}</h2><p>{escape(self.site.sponsor)}是本级政府'
            "工作部门，主要职责是：贯彻执行有关法律法规和政策，拟订本行业发展规划并组织实施，"
            "负责本行业的监督管理和公共服务。内设办公室、政策法规科、业务科等机构。</p></div>"
        )

    def _listing_pages(self, column: ColumnSpec) -> dict[str, Page]:
        items = column_items(self.site, column)
        paths = listing_page_paths(self.site, column)
        size = PAGE_SIZE[self.site.style]
        pages = {}
        for number, path in enumerate(paths):
            chunk = items[number * size:(number + 1) * size]
            next_path = paths[number + 1] if number + 1 < len(paths) else ""
            body = self._listing_markup(column, chunk, number, len(paths), next_path)
            pages[path] = self._column_page(column, f'<div class="list-box">{body}</div>')
        for item in items:
            pages[item.url] = self._article(item, column.name)
        return pages

    def _listing_markup(self, column: ColumnSpec, items: list[Item], number: int, count: int,
                        next_path: str = "") -> str:
        style = self.site.date_style
        if self.site.style == "hanweb":
            return markup.hanweb_listing(_hanweb_id(self.site, column), items, style)
        if self.site.style == "trs":
            return markup.trs_listing(items, style, count, number)
        return markup.ul_listing(items, style, next_path)

    def _service_pages(self, column: ColumnSpec) -> dict[str, Page]:
        """A 办事服务 column listing 办事指南 pages, complete or not as the spec says."""
        links = [(f"{name}办事指南", f"/{column.slug}/bszn_{n + 1}.html") for n, (name, _) in enumerate(column.guides)]
        pages = {column_path(self.site, column): self._column_page(column, markup.guide_list(links))}
        for (title, url), (name, complete) in zip(links, column.guides, strict=True):
            pages[url] = self._page(title, self._article_meta(title, markup.GENERATED_AT[:16], column.name),
                                    markup.guide_main(name, complete, self.site.sponsor))
        return pages

    def _mailbox_pages(self, column: ColumnSpec) -> dict[str, Page]:
        """A 信箱 column: its table of letters and one page per letter."""
        letters = [(title, f"/{column.slug}/letter_{n + 1}.html", asked, replied)
                   for n, (title, asked, replied) in enumerate(column.letters)]
        pages = {column_path(self.site, column): self._column_page(column, markup.mailbox_table(letters))}
        for title, url, asked, replied in letters:
            pages[url] = self._page(title, self._article_meta(title, f"{asked.isoformat()} 09:00", column.name),
                                    markup.letter_main(title, asked, replied, self.site.sponsor))
        return pages

    # -- articles and calendar ----------------------------------------------------------------------
    def _article_meta(self, title: str, stamp: str, column_name: str) -> dict[str, str]:
        """The meta tags of a third-level page (an article, a letter, a guide), as templates write them."""
        return {"ArticleTitle": title, "PubDate": stamp, "ContentSource": self.site.sponsor, "ColumnName": column_name}

    def _article(self, item: Item, column_name: str) -> Page:
        stamp = f"{item.date.isoformat()} {item.hour:02d}:30"
        meta = self._article_meta(item.title, stamp, column_name)
        main = (
            f'<div class="article"><h1>{escape(item.title)}</h1>'
            f'<div class="info">发布时间：{stamp}　来源：{escape(self.site.sponsor)}</div>'
            f'<div class="content"><p>{item.date.year}年{item.date.month}月{item.date.day}日，'
            f"{escape(item.title)}。会议强调，要坚持以人民为中心，扎实做好各项工作。</p></div></div>"
        )
        return self._page(item.title, meta, main)

    def _calendar_page(self, column: ColumnSpec) -> DynamicPage:
        """A month view linking to the next and previous month forever: a crawler trap."""

        def page(query: Mapping[str, str]) -> Page | None:
            try:
                year, month = int(query.get("year", "")), int(query.get("month", ""))
            except ValueError:
                return None
            if not (1900 <= year <= 2999 and 1 <= month <= 12):
                return None
            return self._column_page(column, self._calendar_main(column, year, month))

        return page

    def _calendar_main(self, column: ColumnSpec, year: int, month: int) -> str:
        path = column_path(self.site, column)
        nxt = (year + month // 12, month % 12 + 1)
        prev = (year - (month == 1), (month - 2) % 12 + 1)
        days = "".join(f"<td>{d}</td>" for d in range(1, calendar.monthrange(year, month)[1] + 1))
        return (
            f'<table class="calendar"><caption>{year}年{month}月</caption><tr>{days}</tr></table>'
            f'<p>本月安排：政务服务大厅工作日正常开放。</p><a href="{path}?year={prev[0]}&amp;month={prev[1]}">上个月</a> '
            f'<a href="{path}?year={nxt[0]}&amp;month={nxt[1]}">下个月</a>'
        )


def render_site(site: SiteSpec) -> DemoSite:
    return SiteRenderer(site).render()
