"""Normalisation and scoring of spam pages on the lexicons of rules/spam/."""

from __future__ import annotations

from pathlib import Path

import pytest

from monitor.extract.spam import LexiconError, compact, load_lexicon, normalise, score_page, score_short_text
from monitor.extract.target import judge_target, read_target
from monitor.rulebook import Rulebook, RulesError

RULES = Path(__file__).resolve().parents[1] / "rules"


@pytest.fixture(scope="module")
def rulebook() -> Rulebook:
    return Rulebook(RULES)


@pytest.fixture(scope="module")
def threshold(rulebook: Rulebook) -> int:
    return int(rulebook.rule("illegal_links")["keyword_score"])


def test_traditional_characters_become_simplified() -> None:
    assert normalise("國產視頻 體育 娛樂城 註冊送") == "国产视频 体育 娱乐城 注册送"


def test_full_width_letters_and_digits_become_half_width_and_lower_case() -> None:
    assert normalise("ＡＶ在线 ８８８ＢＥＴ") == "av在线 888bet"


def test_zero_width_characters_and_emoji_are_removed() -> None:
    assert normalise("百\u200b家\u200d乐🎰🔥\ufe0f") == "百家乐"


def test_spaced_out_and_punctuated_characters_join() -> None:
    assert compact("澳 门 · 新 葡 京｜真-人-娱-乐") == "澳门新葡京真人娱乐"


def test_a_brand_in_the_title_is_decisive(rulebook: Rulebook, threshold: int) -> None:
    score = score_page("開雲體育 - 首页", "", rulebook.spam_lexicon, threshold=threshold)
    assert score.decisive == "标题: 开云体育" and score.score >= threshold and score.category == "gambling"


def test_a_casino_organiser_in_a_cloned_government_footer_is_decisive(rulebook: Rulebook, threshold: int) -> None:
    body = "某某县人民政府 政务公开 通知公告 县政府召开常务会议 主办单位：澳门永利娱乐 网站标识码：5132220001"
    score = score_page("某某县人民政府", body, rulebook.spam_lexicon, threshold=threshold)
    assert score.decisive.startswith("主办/承办") and score.score >= threshold


def test_porn_phrases_in_the_title_over_copied_government_text_score(rulebook: Rulebook, threshold: int) -> None:
    body = "县人民政府召开常务会议，研究部署今冬明春农田水利建设工作。" * 20
    score = score_page("国产精品 一区二区 高清无码", body, rulebook.spam_lexicon, threshold=threshold)
    assert score.score >= threshold and score.category == "porn" and score.decisive.startswith("标题: ")


def test_the_title_weighs_double(rulebook: Rulebook) -> None:
    lexicon = rulebook.spam_lexicon
    in_body = score_page("首页", "百家乐", lexicon, threshold=3).score
    in_title = score_page("百家乐", "", lexicon, threshold=3).score
    assert in_title == 2 * in_body


def test_a_government_notice_about_gambling_is_not_a_gambling_page(rulebook: Rulebook, threshold: int) -> None:
    title = "我县开展打击网络赌博违法犯罪专项行动"
    body = "公安机关严厉打击六合彩、百家乐等赌博活动，严禁组织网络赌博，群众可举报赌博网站。"
    assert score_page(title, body, rulebook.spam_lexicon, threshold=threshold).score < threshold


def test_single_weak_words_of_government_text_do_not_score(rulebook: Rulebook, threshold: int) -> None:
    body = "全民健身 体育彩票公益金 文化娱乐 视频会议 棋牌室管理 亚洲运动会"
    assert score_page("县体育局", body, rulebook.spam_lexicon, threshold=threshold).score < threshold


def test_hidden_anchor_texts_score_like_a_body(rulebook: Rulebook) -> None:
    score, matched = score_short_text("真人荷官 在线下注", rulebook.spam_lexicon)
    assert score >= 3 and "真人荷官" in matched


def test_a_target_is_read_without_hidden_text_and_outbound_anchors() -> None:
    html = (
        "<html><head><title>旅游攻略</title></head><body><p>九寨沟行程</p>"
        '<a href="http://casino.example/">百家乐</a><a href="/about.html">关于我们</a>'
        '<div style="display:none">真人荷官</div><div>网站标识码：5132220099</div></body></html>'
    )
    page = read_target(html, "http://travel.example/")
    assert page.title == "旅游攻略" and page.site_code == "5132220099"
    assert "关于我们" in page.text and "百家乐" not in page.text and "真人荷官" not in page.text


def test_a_bad_lexicon_line_names_file_and_line(tmp_path: Path) -> None:
    (tmp_path / "phrases.txt").write_text("# header\n百家乐\tthree\tgambling\n", encoding="utf-8")
    with pytest.raises(LexiconError, match=r"phrases.txt:2: weight"):
        load_lexicon(tmp_path)


def test_a_bad_lexicon_is_a_rules_error(tmp_path: Path) -> None:
    (tmp_path / "rules.toml").write_text((RULES / "rules.toml").read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "spam").mkdir()
    (tmp_path / "spam" / "patterns.txt").write_text("(unclosed\tlabel\t3\n", encoding="utf-8")
    with pytest.raises(RulesError, match="patterns.txt:1"):
        _ = Rulebook(tmp_path).spam_lexicon


COPIED_FOOTER = "<div>主办单位：某县人民政府办公室 网站标识码：5132220001</div>"


def _html(title: str, body: str) -> str:
    return f"<html><head><title>{title}</title></head><body><p>{body}</p>{COPIED_FOOTER}</body></html>"


def test_a_page_with_a_site_code_is_a_government_page(rulebook: Rulebook, threshold: int) -> None:
    html = _html("某县人民政府", "县政府召开常务会议。体育彩票公益金使用情况公告。")
    judged = judge_target(html, "http://copy.example/", rulebook.spam_lexicon, threshold)
    assert judged.government == "网站标识码 5132220001" and not judged.illegal


def test_a_copied_government_page_under_a_porn_title_is_illegal(rulebook: Rulebook, threshold: int) -> None:
    html = _html("中文字幕乱码人妻一区二区三区_亚洲精品国产精品", "县政府召开常务会议，研究部署农田水利建设。")
    judged = judge_target(html, "http://copy.example/", rulebook.spam_lexicon, threshold)
    assert judged.illegal and not judged.government and judged.score.decisive.startswith("标题: ")


def test_a_copied_government_page_run_by_a_casino_is_illegal(rulebook: Rulebook, threshold: int) -> None:
    html = _html("某县人民政府", "县政府召开常务会议。").replace("某县人民政府办公室", "澳门金沙娱乐场")
    judged = judge_target(html, "http://copy.example/", rulebook.spam_lexicon, threshold)
    assert judged.illegal and judged.score.decisive == "主办/承办: 金沙娱乐"
