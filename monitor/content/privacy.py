"""Personal data exposed in page or attachment text (泄露个人隐私信息), found and masked.

What counts (the practice of the provincial notices): an 18-digit 公民身份号码 whose birth date and
check digit are valid, a 15-digit old number with a valid region and birth date written as an ID, a
mobile number beside a person's name or in a list of names, a bank card number (Luhn-valid) beside
a name. What never counts: masked numbers (510107********1234, 139****4567), office and hotline
numbers, 12345, unified social credit codes, document numbers, amounts and dates, a public contact
person's number ("联系人：王科长 13912345678" is how a notice asks to be called).

Every value leaves this module masked: govmon must not become a second copy of the leak, so the
unmasked number is never put in a finding, the store, a log line or a report.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from functools import cache, cached_property
from typing import Any

from stdnum import luhn
from stdnum.cn import ric, uscc

from monitor.page_workers import SentOnce

KIND_ID = "身份证号码"
KIND_MOBILE = "手机号码"
KIND_BANK_CARD = "银行卡号"
SNIPPET_CONTEXT = 16  # characters kept on each side of a hit in the (masked) evidence snippet
MAX_HITS = 200  # per text; counts beyond stay exact

# First two digits of the region code of every province-level division (GB/T 2260).
_PROVINCES = frozenset({
    "11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36", "37", "41", "42", "43",
    "44", "45", "46", "50", "51", "52", "53", "54", "61", "62", "63", "64", "65", "71", "81", "82",
})
# Digits and the letter X, standing alone: neither glued to other digits/letters nor part of a mask.
_ID18 = re.compile(r"(?<![0-9A-Za-z*＊])(\d{17}[\dXx])(?![0-9A-Za-z*＊])")
_ID15 = re.compile(r"(?<![0-9A-Za-z*＊])(\d{15})(?![0-9A-Za-z*＊])")
_MOBILE = re.compile(r"(?<![0-9A-Za-z*＊.])(?:\+?86[- ]?)?(1[3-9]\d)[- ]?(\d{4})[- ]?(\d{4})(?![0-9A-Za-z*＊]|\.\d)")
_CARD = re.compile(r"(?<![0-9A-Za-z*＊.])((?:\d[ -]?){15,18}\d)(?![0-9A-Za-z*＊]|\.\d)")
_ELEVEN_DIGITS = re.compile(r"\d(?:[ -]?\d){10}")
_LONG_DIGITS = re.compile(r"\d{4}(?:[ -]\d{4}){2,}\d*|\d{7,}[Xx]?")
_NOT_PERSONAL_LABEL = re.compile(r"(信用代码|纳税人识别号|组织机构代码|注册号|索引号|文号|编号|订单号|流水号|账号|帐号)\s*[:：]?\s*$")
_ID_LABEL = re.compile(r"(身份证|证件号|公民身份号码|身份号码)")
_AMOUNT_AFTER = re.compile(r"^\s*(元|万元|亿元|千元|%|％)")
_NAME_WINDOW = 24  # characters either side of a number in which a name makes it personal
_CONTACT_WINDOW = 40  # characters before a number in which a contact label makes it public


@dataclass(frozen=True)
class NameVocabulary(SentOnce):
    """How a person's name and a public contact are told apart (from rules/privacy.toml)."""

    surnames: str
    compound_surnames: tuple[str, ...]
    not_name_endings: str
    not_names: frozenset[str]
    contact_labels: tuple[str, ...]
    contact_honorifics: tuple[str, ...] = ()

    @cached_property
    def name_pattern(self) -> re.Pattern[str]:
        """A surname and one or two more characters, standing as a word of its own."""
        compound = "|".join(map(re.escape, self.compound_surnames)) or "(?!)"
        return re.compile(
            "(?:^|(?<=[\\s,，、:：;；()（）\\[\\]【】|\\d]))"
            f"((?:{compound})[\\u4e00-\\u9fff]{{1,2}}|[{re.escape(self.surnames)}][\\u4e00-\\u9fff]{{1,2}})"
            "(?=$|[\\s,，、:：;；()（）\\[\\]【】|\\d男女])"
        )

    @cached_property
    def contact_pattern(self) -> re.Pattern[str]:
        """A label with its colon (or its number right after it), or an honorific."""
        labels = "|".join(map(re.escape, self.contact_labels)) or "(?!)"
        honorifics = "|".join(map(re.escape, self.contact_honorifics)) or "(?!)"
        return re.compile(f"(?:{labels})\\s*(?:[:：]|(?=\\+?\\d))|{honorifics}")

    def has_name(self, fragment: str) -> bool:
        for match in self.name_pattern.finditer(fragment):
            name = match.group(1)
            if name[-1] not in self.not_name_endings and name not in self.not_names and name[:2] not in self.not_names:
                return True
        return False


@dataclass(frozen=True, slots=True)
class PersonalDatum:
    """One piece of personal data found in a text: its kind, the number masked, and where it stood (masked)."""

    kind: str
    masked: str
    snippet: str  # the surrounding text with every long number masked


def normalise(text: str) -> str:
    """Full-width digits and letters to ASCII (NFKC), so ０１２ and 012 read alike."""
    return unicodedata.normalize("NFKC", text)


def mask_id(number: str) -> str:
    """510107********1234: region and last four kept, birth date hidden."""
    return number[:6] + "*" * (len(number) - 10) + number[-4:]


def mask_mobile(number: str) -> str:
    """139****4567."""
    return number[:3] + "****" + number[-4:]


def mask_card(number: str) -> str:
    """622202*********8882: the issuer prefix and last four, as card slips print them."""
    return number[:6] + "*" * (len(number) - 10) + number[-4:]


def mask_digits(text: str) -> str:
    """Every run of 7 or more digits in `text` masked: what evidence snippets show."""

    def _mask(match: re.Match[str]) -> str:
        digits = re.sub(r"[ -]", "", match.group(0))
        if len(digits) >= 15:
            return mask_id(digits)
        return digits[:3] + "*" * (len(digits) - 7) + digits[-4:]

    return _LONG_DIGITS.sub(_mask, text)


def find_personal_data(text: str, names: NameVocabulary) -> list[PersonalDatum]:
    """Every ID number, personal mobile and personal bank card in `text`, masked, in order of position."""
    text = normalise(text)
    if not _ELEVEN_DIGITS.search(text):  # every kind below is at least 11 digits, at most one separator apart
        return []
    hits: list[tuple[int, int, str, str]] = []  # start, end, kind, masked
    taken: list[tuple[int, int]] = []

    def overlaps(start: int, end: int) -> bool:
        return any(start < e and s < end for s, e in taken)

    for match in _ID18.finditer(text):
        number = match.group(1).upper()
        if _valid_id18(number) and not _labelled_not_personal(text, match.start(), number):
            hits.append((match.start(), match.end(), KIND_ID, mask_id(number)))
            taken.append(match.span())
    for match in _ID15.finditer(text):
        if overlaps(*match.span()):
            continue
        number = match.group(1)
        if _valid_id15(number) and _ID_LABEL.search(_line_before(text, match.start(), 40)):
            hits.append((match.start(), match.end(), KIND_ID, mask_id(number)))
            taken.append(match.span())
    for match in _MOBILE.finditer(text):
        if overlaps(*match.span()):
            continue
        number = "".join(match.group(1, 2, 3))
        if _personal(text, match.start(), match.end(), names):
            hits.append((match.start(), match.end(), KIND_MOBILE, mask_mobile(number)))
            taken.append(match.span())
    for match in _CARD.finditer(text):
        if overlaps(*match.span()):
            continue
        number = re.sub(r"[ -]", "", match.group(1))
        if 16 <= len(number) <= 19 and number[0] in "3456" and luhn.is_valid(number) \
                and not _labelled_not_personal(text, match.start(), number) and _personal(text, *match.span(), names):
            hits.append((match.start(), match.end(), KIND_BANK_CARD, mask_card(number)))
            taken.append(match.span())
    hits.sort()
    return [
        PersonalDatum(kind, masked, _snippet(text, start, end)) for start, end, kind, masked in hits[:MAX_HITS]
    ]


def summarise(data: list[PersonalDatum]) -> dict[str, int]:
    """How many of each kind: {"身份证号码": 3, "手机号码": 1}."""
    return dict(Counter(datum.kind for datum in data))


def _valid_id18(number: str) -> bool:
    """Check digit, a real birth date and a known region code.

    stdnum's own `is_valid` also wants the county to have existed in the birth year; numbers are
    assigned where a person registers, often in a county created after their birth, so that test
    would miss real leaks: the region must only be a code that ever existed.
    """
    if number[:2] not in _PROVINCES or ric.calc_check_digit(number) != number[17]:
        return False
    return _real_birth_date(number) and _known_region(number[:6])


def _valid_id15(number: str) -> bool:
    return number[:2] in _PROVINCES and _real_birth_date(f"{number[:6]}19{number[6:]}0") and _known_region(number[:6])


def _real_birth_date(number18: str) -> bool:
    try:
        return ric.get_birth_date(number18).year >= 1900
    except Exception:
        return False


def _known_region(code: str) -> bool:
    return any(props.get("county") or props.get("prefecture") for _, props in _region_db().info(code))


@cache
def _region_db() -> Any:
    from stdnum import numdb

    return numdb.get("cn/loc")


def _line_before(text: str, at: int, width: int) -> str:
    start = max(0, at - width)
    line = text[start:at]
    return line.rsplit("\n", 1)[-1]


def _line_after(text: str, at: int, width: int) -> str:
    return text[at : at + width].split("\n", 1)[0]


def _labelled_not_personal(text: str, start: int, number: str) -> bool:
    """A credit code, index or document number, or a valid credit code labelled as one."""
    if _NOT_PERSONAL_LABEL.search(_line_before(text, start, 20)):
        return True
    return len(number) == 18 and uscc.is_valid(number) and "信用代码" in _line_before(text, start, 40)


def _personal(text: str, start: int, end: int, names: NameVocabulary) -> bool:
    """A person's number: a name stands beside it on the same line, and it is not a public contact."""
    before, after = _line_before(text, start, _NAME_WINDOW), _line_after(text, end, _NAME_WINDOW)
    if _AMOUNT_AFTER.match(after):
        return False
    if names.contact_pattern.search(_line_before(text, start, _CONTACT_WINDOW)):
        return False
    return names.has_name(before) or names.has_name(after)


def _snippet(text: str, start: int, end: int) -> str:
    """The hit with its neighbourhood, widened so no number is cut in half, every long number masked."""
    left, right = max(0, start - SNIPPET_CONTEXT), min(len(text), end + SNIPPET_CONTEXT)
    while left > 0 and text[left - 1].isalnum() and text[left - 1].isascii():
        left -= 1
    while right < len(text) and text[right].isalnum() and text[right].isascii():
        right += 1
    return " ".join(mask_digits(text[left:right]).split())
