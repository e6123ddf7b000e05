"""Personal data detection: what counts, what never counts, and that only masked values come out."""

from __future__ import annotations

import pytest
from stdnum import luhn

from monitor.content import privacy
from monitor.content.privacy import KIND_BANK_CARD, KIND_ID, KIND_MOBILE, mask_digits, summarise
from monitor.rulebook import Rulebook
from tests.conftest import REPO

NAMES = Rulebook(REPO / "rules").privacy_names


def find_personal_data(text: str) -> list[privacy.PersonalDatum]:
    return privacy.find_personal_data(text, NAMES)


VALID_ID = "11010519491231002X"  # the format's published example: valid region, birth date, check digit
VALID_ID_2 = "510107198001011235"
CARD = "622202100111588888" + luhn.calc_check_digit("622202100111588888")


def test_the_second_example_id_is_valid_and_a_changed_digit_is_not():
    assert [d.kind for d in find_personal_data(f"身份证号：{VALID_ID_2}")] == [KIND_ID]
    assert find_personal_data(f"身份证号：{VALID_ID_2[:-1]}7") == []


def test_a_name_list_with_ids_and_mobiles():
    text = (
        "2022年第四季度城乡低保对象公示\n序号 姓名 身份证号 联系电话\n"
        f"1 张三 {VALID_ID} 13912345678\n2 欧阳小明 {VALID_ID_2} 15808001234\n"
    )
    found = find_personal_data(text)
    assert summarise(found) == {KIND_ID: 2, KIND_MOBILE: 2}
    assert [d.masked for d in found] == ["110105********002X", "139****5678", "510107********1235", "158****1234"]


@pytest.mark.parametrize("decoy", [
    "身份证号：510107********1234",  # masked ID
    "张三 139****4567",  # masked mobile
    "张三 139 **** 4567",
    "咨询电话：028-86123456，监督电话：12345",  # office phone, hotline
    "联系人：王科长，联系电话：13812345678",  # a public contact person
    "统一社会信用代码：91510100MA61R8XU5K",
    "统一社会信用代码：915101006863917020",
    "索引号：11510000008264011K/2022-00123",
    "川府发〔2025〕12号 关于印发《四川省2025年民生实事》的通知",
    "合同金额13912345678元，支付日期20221228",
    "王五 3.1415926535897932",  # a decimal, not a number standing alone
    "成都市高新区 13912345678",  # a place, not a person
    f"{VALID_ID}0",  # 19 digits: not an ID (and not a card beside a name)
    "身份证号 11010519491331002X",  # month 13
    "身份证号 99010519491231002X",  # no such province
])
def test_decoys_never_count(decoy):
    assert find_personal_data(decoy) == []


def test_old_15_digit_id_counts_only_when_written_as_an_id():
    assert [d.masked for d in find_personal_data("身份证号码：110105491231002")] == ["110105*****1002"]
    assert find_personal_data("订单 110105491231002") == []


def test_full_width_digits_are_read():
    wide = "".join(chr(ord(c) + 0xFEE0) for c in VALID_ID)
    assert [d.kind for d in find_personal_data(f"李四 {wide}")] == [KIND_ID]


def test_bank_card_beside_a_name_counts_alone_it_does_not():
    spaced = " ".join(CARD[i : i + 4] for i in range(0, len(CARD), 4))
    assert [d.kind for d in find_personal_data(f"收款人 刘德明 卡号 {spaced}")] == [KIND_BANK_CARD]
    assert find_personal_data(f"专户 {CARD} 余额") == []


def test_a_table_header_is_not_a_contact_label_but_a_procurement_contact_is():
    rows = f"姓名 身份证号 联系电话 张建华 {VALID_ID} 13981234567 李秀英 139****6789"
    assert [d.kind for d in find_personal_data(rows)] == [KIND_ID, KIND_MOBILE]
    contact = "采购单位联系方式 易女士 邱先生;18975079580 18627455418 代理机构名称"
    assert find_personal_data(contact) == []
    assert find_personal_data("联系人：张三 13912345678") == []


def test_mobile_beside_a_name_in_prose():
    found = find_personal_data("经核实，李建国（13608001234）户籍所在地为某村。")
    assert [d.kind for d in found] == [KIND_MOBILE]


def test_evidence_never_repeats_a_number_unmasked():
    text = f"公示：张三 {VALID_ID} 13912345678，李四 {VALID_ID_2}，附其他号码 6217001234567890123"
    for datum in find_personal_data(text):
        for secret in (VALID_ID, VALID_ID_2, "13912345678", "6217001234567890123", "19491231", "19800101"):
            assert secret not in datum.snippet and secret not in datum.masked


def test_mask_digits_masks_grouped_and_plain_runs():
    assert mask_digits("6222 0210 0111 5888 8885 与 13912345678") == "622202**********8885 与 139****5678"


def test_a_privacy_finding_is_never_photographed():
    from monitor.models import Finding, Severity
    from monitor.render.screenshots import shot_target

    finding = Finding("privacy_leak", Severity.VETO, "泄露个人隐私信息", {"url": "http://a.gov.cn/gs/1.html"})
    assert shot_target(finding) is None
