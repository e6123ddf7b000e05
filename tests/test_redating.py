"""forged_dates: URL dates, the three signs, conservative thresholds, and the real pages that must not trip it."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest

from monitor.checks.website import ItemHistory, forged_dates, seen_items
from monitor.content.redating import PastItem, SeenItem, redated, text_hash, url_date
from monitor.extract.listing import extract_listing
from monitor.extract.text import title_and_text
from monitor.observations import ColumnObservation, ListingItem, SiteObservation
from tests.conftest import SHANGHAI

REALWORLD = Path("/work/shared/realworld/gov_pages")
LIMITS = {"tolerance_days": 3, "url_gap_days": 180, "recent_days": 30}
TODAY = date(2022, 12, 28)


@pytest.mark.parametrize(("url", "day"), [
    ("http://www.wanzai.gov.cn/wzxrmzf/tjgb/201705/9c059bf058ef4db8b3c8f920e22186fe.shtml", date(2017, 5, 31)),
    ("http://www.shanxi.gov.cn/yw/sxyw/201909/t20190918_693227.shtml", date(2019, 9, 18)),
    ("http://www.zjdpc.gov.cn/art/2016/11/22/art_1621004_30332664.html", date(2016, 11, 22)),
    ("http://www.sc.gov.cn/10462/10464/10465/10595/2020/9/15/e651244f5f89400a95c651e2f53de7fe.shtml", date(2020, 9, 15)),
    ("http://a.gov.cn/2023/0516/c123a456.html", date(2023, 5, 16)),
    ("http://a.gov.cn/col/col1234/index.html", None),
    ("http://a.gov.cn/202213/t_1.html", None),  # month 13: not a date
])
def test_dates_in_article_urls(url, day):
    assert url_date(url) == day


def test_old_url_shown_as_new_is_flagged_only_while_recent_and_far_apart():
    old = SeenItem("http://a.gov.cn/tjgb/201705/abc.shtml", "万载县2015年统计公报", date(2022, 12, 20))
    (entry,) = redated([old], {}, {}, today=TODAY, **LIMITS)
    assert entry["sign"] == "url_date" and entry["url_date"] == "2017-05-31" and entry["shown_date"] == "2022-12-20"
    assert redated([old], {}, {}, today=date(2023, 3, 1), **LIMITS) == []  # no longer what makes a column fresh
    near = SeenItem("http://a.gov.cn/tzgg/202210/t20221015_1.html", "通知", date(2022, 12, 20))
    assert redated([near], {}, {}, today=TODAY, **LIMITS) == []  # 66 days: drafts are often published late
    shown_older = SeenItem("http://a.gov.cn/201811/t20181102_1.html", "年报", date(2018, 3, 26))
    assert redated([shown_older], {}, {}, today=date(2018, 4, 1), **LIMITS) == []


def test_a_date_later_than_first_seen_is_flagged_with_both_dates():
    item = SeenItem("http://a.gov.cn/news/1.html", "会议", date(2022, 12, 26))
    past = PastItem(item.url, "会议", datetime(2022, 11, 1, 10, tzinfo=SHANGHAI), date(2022, 10, 28))
    (entry,) = redated([item], {item.url: past}, {}, today=TODAY, **LIMITS)
    assert (entry["sign"], entry["first_seen"], entry["first_shown_date"]) == ("first_seen", "2022-11-01", "2022-10-28")
    same = SeenItem(item.url, "会议", date(2022, 11, 3))  # within the tolerance: a time zone, a late edit
    assert redated([same], {item.url: past}, {}, today=TODAY, **LIMITS) == []


def test_same_title_and_text_seen_before_under_an_older_date():
    digest = text_hash("关于做好安全生产工作的通知", "各乡镇：现将有关事项通知如下。")
    item = SeenItem("http://a.gov.cn/tzgg/2.html", "关于做好安全生产工作的通知", date(2022, 12, 20), digest)
    earlier = PastItem("http://a.gov.cn/tzgg/1.html", item.title, datetime(2021, 12, 21, tzinfo=SHANGHAI),
                       date(2021, 12, 20), digest)
    (entry,) = redated([item], {}, {digest: [earlier]}, today=TODAY, **LIMITS)
    assert entry["sign"] == "same_text" and entry["earlier_date"] == "2021-12-20"
    assert text_hash("标题", "正文  第二段") == text_hash("标题", "正文 第二段")


def test_rule_uses_list_dates_only_and_keys_each_article(rulebook):
    obs = SiteObservation(url="http://a.gov.cn/", observed_at=datetime(2022, 12, 28, 10, tzinfo=SHANGHAI),
                          homepage_ok=True)
    obs.columns.append(ColumnObservation("统计公报", "http://a.gov.cn/tjgb/", 1, "should_update", True, items=[
        ListingItem("2015年统计公报", "http://a.gov.cn/tjgb/201705/a.shtml", date(2022, 12, 20), "list"),
        ListingItem("2016年统计公报", "http://a.gov.cn/tjgb/201706/b.shtml", date(2022, 12, 21), "pubdate"),
    ]))
    findings = forged_dates(seen_items(obs), ItemHistory(), rulebook.rule("forged_dates"), TODAY)
    assert [(f.rule, f.key, f.severity) for f in findings] == [
        ("forged_dates", "http://a.gov.cn/tjgb/201705/a.shtml", "warning")]


def _listing_items(name: str, url: str, today: date) -> list[SeenItem]:
    html = (REALWORLD / name).read_text(encoding="utf-8")
    items = extract_listing(html, url, reference=today)
    return [SeenItem(i.url, i.title, i.date) for i in items if i.date is not None and i.date_source == "list"]


@pytest.mark.skipif(not REALWORLD.is_dir(), reason="shared/realworld not present")
@pytest.mark.parametrize(("name", "url"), [
    ("ordos_engebei_xxgknb_list_nhp.html", "http://www.engebei.gov.cn/xxgk/xxgknb/"),
    ("yichun_home_2023-10-11_raw.html", "https://www.yichun.gov.cn/"),
    ("handan_xxgk_list_saved.jsp", "http://hdzfxxgk.hd.gov.cn/"),
])
def test_real_listing_pages_raise_no_false_alarm_even_judged_the_day_after(name, url):
    """Each list judged the day after its newest item, when every item is 'recent': nothing is re-dated."""
    items = _listing_items(name, url, date(2023, 10, 11))
    assert items
    newest = max(item.shown for item in items)
    assert redated(items, {}, {}, today=newest, **LIMITS) == []


ARTICLES = [  # real article pages and the address each was saved from (shared/realworld/MANIFEST.tsv)
    ("gov_pages/wanzai_tjgb2015_article_saved.html",
     "http://www.wanzai.gov.cn/wzxrmzf/tjgb/201705/9c059bf058ef4db8b3c8f920e22186fe.shtml"),
    ("gov_pages/wanzai_tjgb2022_article_saved.html",
     "http://www.wanzai.gov.cn/wzxrmzf/tjsja/202305/7215380191c5400397df5d7d0b5fd06b.shtml"),
    ("gov_pages/yichun_tjgb2022_article_saved.html",
     "https://www.yichun.gov.cn/ycsrmzf/tjgb/202305/36796cdc82d04268913f2884cf2fe579.shtml"),
    ("gov_pages/yichun_jxtjgb2022_article_saved.html",
     "https://www.yichun.gov.cn/ycsrmzf/tjgb/202304/3f093ec317ba4609b241d0c79175c7cd.shtml"),
    ("gov_pages/shanxi_gov_article_gne.html", "http://www.shanxi.gov.cn/yw/sxyw/201909/t20190918_693227.shtml"),
    ("gov_pages/zj_fzggw_article_gne.html", "http://www.zjdpc.gov.cn/art/2016/11/22/art_1621004_30332664.html"),
    ("gov_pages/ccgp_hebei_zbgg_detail_saved.html",
     "http://www.ccgp-hebei.gov.cn/cd/cd_wc/cggg/zhbggAAAA/202110/t20211011_1485252.html"),
    ("counterfeit_gov/mhxqwer_zysc.gov.cn_index.html",
     "http://www.sc.gov.cn/10462/10464/10465/10595/2020/9/15/e651244f5f89400a95c651e2f53de7fe.shtml"),
]


def _article_item(name: str, url: str) -> SeenItem | None:
    from monitor.extract.dates import labelled_date

    title, text = title_and_text((REALWORLD.parent / name).read_text(encoding="utf-8", errors="replace"))
    shown = labelled_date(text)
    return SeenItem(url, title, shown, text_hash(title, text)) if shown else None


@pytest.mark.skipif(not REALWORLD.is_dir(), reason="shared/realworld not present")
@pytest.mark.parametrize(("name", "url"), ARTICLES)
def test_real_articles_raise_no_false_alarm_even_judged_the_day_after_their_date(name, url):
    item = _article_item(name, url)
    if item is None:
        pytest.skip("the page shows no labelled date")
    assert redated([item], {}, {}, today=item.shown, **LIMITS) == []


@pytest.mark.skipif(not REALWORLD.is_dir(), reason="shared/realworld not present")
def test_the_republished_2015_bulletin_shows_its_2017_date_and_is_not_flagged():
    """Its PubDate meta says 2022-04-24 (the page's 页面生成时间); the page shows 发布日期 2017-05-15,
    which matches its /201705/ address: regenerated by the CMS, not re-dated for readers."""
    item = _article_item(*ARTICLES[0])
    assert item is not None and item.shown == date(2017, 5, 15)
    assert redated([item], {}, {}, today=date(2022, 4, 25), **LIMITS) == []
