"""Adapters against payloads in the real platforms' formats, served on 127.0.0.1."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from newmedia_fakes import Answer, LocalFetcher, PayloadServer, ScriptedFetcher, ok, payload

from monitor.checks.accounts import evaluate_account
from monitor.fetch.result import FetchResult, Outcome
from monitor.models import Account
from monitor.newmedia.observations import observation_from_result
from monitor.newmedia.pacing import PoliteFetcher, platform_key
from monitor.newmedia.sources import SourceOptions, latest_posts, parse_source
from monitor.rulebook import Rulebook

SHANGHAI = ZoneInfo("Asia/Shanghai")
AS_OF = datetime(2022, 12, 20, 10, 0, tzinfo=SHANGHAI)
WEIBO_PATH = "/api/container/getIndex?containerid=107603{uid}"


# The capture day of the real payload (MANIFEST): m.weibo.cn wrote '昨天 12:25' on 2019-09-11.
CAPTURED_DATE = "Wed, 11 Sep 2019 06:00:00 GMT"


def _without_mids() -> bytes:
    """The real payload with its post ids blanked: only the printed relative times are left."""
    data = json.loads(payload("weibo_getIndex_107603_eprom_2019-09_stablog.json"))
    for card in data["data"]["cards"]:
        for key in ("id", "mid"):
            card["mblog"].pop(key, None)
    return json.dumps(data, ensure_ascii=False).encode("utf-8")


def account(source: str, platform: str = "新浪微博") -> Account:
    return Account(name="测试账号", platform=platform, region="成都", subject="市州部门", source=source, id=1)


@pytest.fixture
def server() -> Iterator[PayloadServer]:
    routes = {
        "/rsshub/weibo/user/1935396210": Answer(payload("rsshub_weibo_user_1935396210_2025-07.xml"),
                                                content_type="application/xml; charset=utf-8"),
        "/wewe/jtt.atom": Answer(payload("atom_dept_feed.xml"), content_type="application/atom+xml"),
        "/feeds/county.json": Answer(payload("jsonfeed_county.json"), content_type="application/feed+json"),
        "/not-a-feed": Answer(b"<html><body><p>\xe6\xac\xa2\xe8\xbf\x8e</p></body></html>", content_type="text/html"),
        "/wechat/list": Answer(payload("wechat_mp_appmsg_list_ex_query_response.json")),
        "/wechat/throttled": Answer(payload("wechat_mp_appmsg_freq_control_error.json")),
        "/rsshub/down": Answer(b"Service Unavailable", 503, "text/plain"),
        "/zwxmt/": Answer(payload("page_listing_wechat_column.html"), content_type="text/html; charset=utf-8"),
        WEIBO_PATH.format(uid="1245161127"): Answer(payload("weibo_getIndex_107603_eprom_2019-09_stablog.json"),
                                                    headers={"Date": CAPTURED_DATE}),
        WEIBO_PATH.format(uid="1245161128"): Answer(_without_mids(), headers={"Date": CAPTURED_DATE}),
        WEIBO_PATH.format(uid="1245161129"): Answer(_without_mids(), headers={"Date": ""}),
        WEIBO_PATH.format(uid="1111111111"): Answer(payload("weibo_getIndex_pinned_old.json")),
        WEIBO_PATH.format(uid="2222222222"): Answer(payload("weibo_getIndex_pinned_new.json")),
        WEIBO_PATH.format(uid="3333333333"): Answer(payload("weibo_getIndex_ok0.json")),
        WEIBO_PATH.format(uid="4444444444"): Answer(b"", 418, "text/html"),
        WEIBO_PATH.format(uid="5555555555"): Answer(b"<html>Forbidden</html>", 403, "text/html"),
        WEIBO_PATH.format(uid="6666666666"): Answer(b"", 302, "text/html",
                                                    {"Location": "/signin/login?entry=mweibo&r=x"}),
        "/signin/login?entry=mweibo&r=x": Answer("<html><title>登录 - 新浪微博</title></html>".encode(),
                                                 content_type="text/html; charset=utf-8"),
        "/x/polymer/web-dynamic/v1/feed/space?host_mid=2095498218": Answer(
            payload("bilibili_dynamic_feed_space_bilibili-API-collect.json")),
        "/x/polymer/web-dynamic/v1/feed/space?host_mid=1": Answer(
            '{"code":-352,"message":"风控校验失败","ttl":1,"data":{"v_voucher":"voucher_x"}}'.encode()),
    }
    with PayloadServer(routes) as running:
        yield running


async def posts_of(server: PayloadServer, source: str, as_of: datetime = AS_OF, platform: str = "新浪微博"):
    options = SourceOptions(weibo_base=server.base, bilibili_base=server.base)
    async with LocalFetcher() as fetcher:
        return await latest_posts(account(source, platform), fetcher, as_of=as_of, options=options)


# -- feeds --------------------------------------------------------------------------------------------
async def test_rsshub_rss_feed(server: PayloadServer) -> None:
    result = await posts_of(server, server.url("/rsshub/weibo/user/1935396210"))
    assert result.outcome == "ok" and result.source_kind == "feed"
    assert [p.published_at for p in result.posts] == [
        datetime(2025, 7, 4, 7, 51, 28, tzinfo=UTC), datetime(2025, 7, 4, 7, 39, 56, tzinfo=UTC)]
    assert result.posts[0].url == "https://weibo.com/1935396210/PzxMFDdIO"
    assert result.posts[0].title.startswith("『致不灭的你』动画第三季")
    assert not any(p.pinned for p in result.posts)


async def test_atom_feed_keeps_offsets(server: PayloadServer) -> None:
    result = await posts_of(server, "feed:" + server.url("/wewe/jtt.atom"), platform="微信订阅号")
    assert result.outcome == "ok"
    assert result.posts[0].published_at == datetime(2022, 12, 6, 9, 30, tzinfo=SHANGHAI)
    assert result.posts[0].title == "全省高速公路冬季除冰保畅工作部署"
    assert result.posts[1].url == "https://mp.weixin.qq.com/s/ZyXwVu9876543210"


async def test_json_feed(server: PayloadServer) -> None:
    result = await posts_of(server, server.url("/feeds/county.json"), platform="今日头条")
    assert result.outcome == "ok"
    assert result.posts[0].published_at == datetime(2022, 12, 9, 16, 45, tzinfo=SHANGHAI)
    assert result.posts[1].published_at == datetime(2022, 11, 24, 8, 0, tzinfo=UTC)
    assert result.posts[1].title == "关于开展2022年度农村低保核查工作的通知"  # title empty: content_text


async def test_html_page_is_not_a_feed(server: PayloadServer) -> None:
    result = await posts_of(server, server.url("/not-a-feed"))
    assert result.outcome == "failed"
    assert "not an RSS/Atom feed" in result.error


async def test_bridge_down_is_failed_not_blocked(server: PayloadServer) -> None:
    result = await posts_of(server, server.url("/rsshub/down"))
    assert result.outcome == "failed"
    assert "HTTP 503" in result.error


async def test_wechat_back_end_list_and_freq_control(server: PayloadServer) -> None:
    listed = await posts_of(server, server.url("/wechat/list"), platform="微信订阅号")
    assert listed.outcome == "ok" and listed.source_kind == "wechat"
    assert listed.posts[0].published_at == datetime(2017, 11, 7, 12, 51, 57, tzinfo=SHANGHAI)
    assert "<em>" not in listed.posts[0].title and "帕克" in listed.posts[0].title
    throttled = await posts_of(server, server.url("/wechat/throttled"), platform="微信订阅号")
    assert throttled.outcome == "blocked"
    assert "freq control" in throttled.error and "200013" in throttled.error


def test_feed_item_without_date_fails_the_whole_answer() -> None:
    xml = ("<rss version='2.0'><channel><title>t</title><item><title>无日期</title><link>https://x/1</link>"
           "</item></channel></rss>")
    from monitor.newmedia.feeds import parse_feed

    result = parse_feed(xml, "https://x/feed")
    assert result.outcome == "failed" and "without a readable date" in result.error


# -- Weibo --------------------------------------------------------------------------------------------
async def test_real_weibo_payload_with_relative_times(server: PayloadServer) -> None:
    captured = datetime(2019, 9, 11, 14, 0, tzinfo=SHANGHAI)  # the capture day (MANIFEST)
    result = await posts_of(server, "weibo:1245161127", as_of=captured)
    assert result.outcome == "ok" and result.source_kind == "weibo"
    assert len(result.posts) == 10
    newest = max(result.posts, key=lambda p: p.published_at)
    assert newest.published_at == datetime(2019, 9, 10, 12, 25, 12, tzinfo=SHANGHAI)  # '昨天 12:25' + mid
    assert newest.url == "https://m.weibo.cn/status/I6gUwexYv"
    oldest = min(result.posts, key=lambda p: p.published_at)
    assert oldest.published_at == datetime(2019, 9, 10, 9, 7, 33, tzinfo=SHANGHAI)  # '昨天 09:07'
    assert server.requests == [WEIBO_PATH.format(uid="1245161127")]


async def test_weibo_times_do_not_move_with_the_check_moment(server: PayloadServer) -> None:
    """Checked three weeks after the answer was written, '昨天 12:25' is still 2019-09-10: from the mid,
    or, without mids, from the answer's Date header; never the day before --as-of."""
    later = datetime(2019, 10, 2, 10, 0, tzinfo=SHANGHAI)
    with_mids = await posts_of(server, "weibo:1245161127", as_of=later)
    assert max(p.published_at for p in with_mids.posts) == datetime(2019, 9, 10, 12, 25, 12, tzinfo=SHANGHAI)
    printed_only = await posts_of(server, "weibo:1245161128", as_of=later)
    assert printed_only.outcome == "ok"
    assert max(p.published_at for p in printed_only.posts) == datetime(2019, 9, 10, 12, 25, tzinfo=SHANGHAI)
    assert min(p.published_at for p in printed_only.posts) == datetime(2019, 9, 10, 9, 7, tzinfo=SHANGHAI)
    rule = Rulebook(Path(__file__).resolve().parent.parent / "rules").rule("account_stale")
    for result in (with_mids, printed_only):  # 22 days silent: 不合格, not "updated yesterday"
        verdict = evaluate_account(observation_from_result(result, account("weibo:1245161127"), later), rule, later)
        assert (verdict.state, verdict.days_silent) == ("stale", 22)


async def test_weibo_relative_times_without_a_date_header_are_not_guessed(server: PayloadServer) -> None:
    """No mid and no Date header: nothing dates '昨天', so the source is unreadable (待人工核查), never fresh."""
    result = await posts_of(server, "weibo:1245161129", as_of=datetime(2019, 10, 2, 10, 0, tzinfo=SHANGHAI))
    assert result.outcome == "failed" and "no Date header" in result.error


async def test_weibo_old_pinned_post_is_marked(server: PayloadServer) -> None:
    result = await posts_of(server, "https://weibo.com/u/1111111111")  # a profile URL works too
    assert result.outcome == "ok"
    pinned = [p for p in result.posts if p.pinned]
    assert [p.published_at.year for p in pinned] == [2021]
    assert max(p.published_at for p in result.posts if not p.pinned) == datetime(2022, 12, 15, 18, 30, 5,
                                                                                  tzinfo=SHANGHAI)


async def test_weibo_new_pinned_post_is_marked(server: PayloadServer) -> None:
    result = await posts_of(server, "weibo:2222222222")
    pinned = [p for p in result.posts if p.pinned]
    assert len(pinned) == 1 and pinned[0].published_at == datetime(2022, 12, 17, 8, 0, tzinfo=SHANGHAI)
    assert max(p.published_at for p in result.posts if not p.pinned).date().isoformat() == "2022-11-15"


@pytest.mark.parametrize(("uid", "words"), [
    ("3333333333", ["ok=0", "这里还没有内容"]),
    ("4444444444", ["HTTP 418", "anti-crawling"]),
    ("5555555555", ["HTTP 403"]),
    ("6666666666", ["log in"]),
])
async def test_weibo_refusals_are_blocked(server: PayloadServer, uid: str, words: list[str]) -> None:
    result = await posts_of(server, f"weibo:{uid}")
    assert result.outcome == "blocked"
    assert result.posts == []
    for word in words:
        assert word in result.error


async def test_weibo_unreadable_time_fails() -> None:
    url = "https://m.weibo.cn/api/container/getIndex?containerid=1076039"
    body = '{"ok":1,"data":{"cards":[{"card_type":9,"mblog":{"created_at":"上周","id":"x","text":"a"}}]}}'
    result = await latest_posts(account("weibo:9"), ScriptedFetcher({url: ok(url, body)}), as_of=AS_OF)
    assert result.outcome == "failed" and "上周" in result.error


async def test_weibo_card_group_layout() -> None:
    url = "https://m.weibo.cn/api/container/getIndex?containerid=1076039"
    body = ('{"ok":1,"data":{"cards":[{"card_type":11,"card_group":[{"card_type":9,"mblog":'
            '{"created_at":"12-01","id":"77","bid":"Abc","text":"<a href=\'/n/x\'>@x</a> 通知"}}]}]}}')
    answer = ok(url, body, date="Tue, 20 Dec 2022 02:00:00 GMT")  # '12-01' takes its year from the answer
    result = await latest_posts(account("weibo:9"), ScriptedFetcher({url: answer}), as_of=AS_OF)
    assert result.outcome == "ok"
    assert result.posts[0].published_at == datetime(2022, 12, 1, tzinfo=SHANGHAI)
    assert result.posts[0].date_only and result.posts[0].title == "@x 通知"


# -- Bilibili, pages, unsupported -----------------------------------------------------------------------
async def test_bilibili_space_dynamics_with_pinned_post(server: PayloadServer) -> None:
    result = await posts_of(server, "https://space.bilibili.com/2095498218", platform="哔哩哔哩")
    assert result.outcome == "ok" and len(result.posts) == 12
    assert [p.pinned for p in result.posts][:2] == [True, False]
    regular = max((p for p in result.posts if not p.pinned), key=lambda p: p.published_at)
    assert regular.published_at == datetime.fromtimestamp(1746266548, UTC)
    assert regular.title == "来自阿洛娜的权威"


async def test_bilibili_risk_control_is_blocked(server: PayloadServer) -> None:
    result = await posts_of(server, "bilibili:1", platform="哔哩哔哩")
    assert result.outcome == "blocked" and "-352" in result.error


async def test_listing_page_source(server: PayloadServer) -> None:
    result = await posts_of(server, "page:" + server.url("/zwxmt/"), platform="微信订阅号")
    assert result.outcome == "ok" and result.source_kind == "page"
    assert result.posts[0].published_at == datetime(2022, 12, 5, tzinfo=SHANGHAI)
    assert result.posts[0].date_only
    assert result.posts[0].url.endswith("/zwxmt/202212/t20221205_1001.html")


@pytest.mark.parametrize("source", ["", "wechat:gh_0123456789ab", "公众号：某某发布"])
async def test_sources_without_adapter_are_unsupported(source: str) -> None:
    result = await latest_posts(account(source, "微信订阅号"), ScriptedFetcher({}), as_of=AS_OF)
    assert result.outcome == "unsupported"
    assert "import-observations" in result.error


async def test_connection_refused_is_failed() -> None:
    fetcher = ScriptedFetcher({"https://rss.example.org/x": FetchResult("https://rss.example.org/x", Outcome.CONNECT,
                                                                        error="refused")})
    result = await latest_posts(account("https://rss.example.org/x"), fetcher, as_of=AS_OF)
    assert result.outcome == "failed" and "connect" in result.error


def test_parse_source_forms() -> None:
    assert parse_source("weibo:123456").kind == "weibo"
    assert parse_source("https://m.weibo.cn/u/1935396210").value == "1935396210"
    assert parse_source("https://m.weibo.cn/profile/1935396210").kind == "weibo"
    assert parse_source("page:https://a.gov.cn/x/").kind == "page"
    assert parse_source("https://rsshub.app/weibo/user/1").kind == "feed"
    assert parse_source("weibo:abc").kind == "none"
    api = parse_source("https://m.weibo.cn/api/container/getIndex?type=uid&value=1&containerid=1076031935396210")
    assert (api.kind, api.value) == ("weibo", "1935396210")


# -- pacing and cache ---------------------------------------------------------------------------------
async def test_pacing_per_platform_and_cache() -> None:
    now = [100.0]
    slept: list[float] = []

    async def sleep(seconds: float) -> None:
        slept.append(seconds)
        now[0] += seconds

    urls = ["https://m.weibo.cn/a", "https://m.weibo.cn/b", "https://rsshub.example/c", "https://m.weibo.cn/a"]
    inner = ScriptedFetcher({u: ok(u, "{}") for u in urls})
    fetcher = PoliteFetcher(inner, 2.0, sleep=sleep, clock=lambda: now[0])
    for url in urls:
        await fetcher.fetch(url)
    assert inner.urls == urls[:3]  # the repeated URL came from the cache
    assert slept == [2.0]  # only the second m.weibo.cn request waited; another platform did not
    now[0] += 1.5
    await fetcher.fetch("https://m.weibo.cn/d")
    assert slept == [2.0, pytest.approx(0.5)]  # only the part of the delay not yet passed
    assert platform_key("https://M.Weibo.cn:443/x") == "m.weibo.cn"


async def test_weibo_calls_send_the_mobile_site_headers(server: PayloadServer) -> None:
    options = SourceOptions(weibo_base=server.base, bilibili_base=server.base)
    async with LocalFetcher() as fetcher:
        await latest_posts(account("weibo:1111111111", "新浪微博"), fetcher, as_of=AS_OF, options=options)
    [headers] = fetcher.headers
    assert headers["MWeibo-Pwa"] == "1" and headers["X-Requested-With"] == "XMLHttpRequest"
    assert headers["Referer"] == f"{server.base}/u/1111111111"
