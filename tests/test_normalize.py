"""Value normalisers: text, names, phones, dates, numbers, masking. Pure functions that never raise."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings, strategies as st

from certctl.normalize import (cell_text, clean_text, compact, header_key, mask_id, mask_ids_in_text,
                               normalise_name, parse_date, parse_number, phone_ok)


def test_clean_text_invisible_and_fullwidth():
    assert clean_text("\u00a0 启东\u200b市\u3000城管局 \t") == "启东 市 城管局"
    assert compact("ＡＢＣ　１２３") == "ABC123"
    assert clean_text("a\x07b") == "ab"


def test_header_key_ignores_breaks_spaces_and_width():
    assert header_key("所属主体\n（受委托组织）\n全称") == header_key("所属主体(受委托组织)全称")
    assert header_key("序\n号") == "序号" and header_key(" *姓 名 ") == "姓名"
    assert header_key("【备注】") == "(备注)"


def test_cell_text():
    assert cell_text(12.0) == "12" and cell_text(None) == "" and cell_text(True) == "是"
    assert cell_text(dt.datetime(2024, 6, 3)) == "2024-06-03"
    assert cell_text(float("nan")) == ""


@pytest.mark.parametrize("raw,name,bad", [
    ("买买提·艾力", "买买提·艾力", False), ("买买提•艾力", "买买提·艾力", False), ("买买提・艾力", "买买提·艾力", False),
    ("买买提．艾力", "买买提·艾力", False), ("买买提.艾力", "买买提·艾力", False), ("·王芳·", "王芳", False),
    ("王 芳", "王芳", False), ("张3", "张3", True), ("Li Ming", "Li Ming", True),
])
def test_names(raw, name, bad):
    assert normalise_name(raw) == (name, bad)


@pytest.mark.parametrize("phone,ok", [
    ("13812345678", True), ("138-1234-5678", True), ("+8613812345678", True), ("8613812345678", True),
    ("0513-83123456", True), ("(0513)83123456", True), ("0513 8312 3456", True), ("010-12345678", True),
    ("0513-83123456-801", True), ("0513-83123456转801", True), ("13812345678/0513-83123456", True),
    ("83123456", False), ("12812345678", False), ("1381234567", False), ("", False), ("无", False),
    ("0513-831", False), (13812345678, True), (13812345678.0, True),
])
def test_phone(phone, ok):
    assert phone_ok(phone) is ok


@pytest.mark.parametrize("raw", [
    dt.date(2024, 6, 3), dt.datetime(2024, 6, 3, 15, 0), 45446, 45446.0, "45446", "2024-06-03", "2024/6/3",
    "2024.6.3", "2024年6月3日", "2024年6月3号", "2024 年 6 月 3 日", "20240603", 20240603, "二〇二四年六月三日",
    "２０２４年６月３日", "2024-06-03 00:00:00", "2024-6-3T08:30",
])
def test_dates(raw):
    assert parse_date(raw) == (dt.date(2024, 6, 3), None)


def test_date_months_with_ten():
    assert parse_date("二〇二四年十二月三十一日")[0] == dt.date(2024, 12, 31)
    assert parse_date("二〇二四年十月十日")[0] == dt.date(2024, 10, 10)


@pytest.mark.parametrize("raw,problem", [
    ("2024-02-30", "impossible"), ("2023年2月29日", "impossible"), ("20241301", "impossible"),
    ("六月初", "format"), ("2024/6", "format"), ("", "empty"), (None, "empty"), (True, "format"),
])
def test_bad_dates(raw, problem):
    assert parse_date(raw) == (None, problem)


@given(st.one_of(st.text(max_size=20), st.integers(), st.floats(allow_nan=True), st.none()))
@settings(max_examples=300, deadline=None)
def test_parsers_never_raise(v):
    parse_date(v)
    parse_number(v)
    phone_ok(v)
    normalise_name(v)


@pytest.mark.parametrize("raw,val", [(24, 24.0), ("24", 24.0), ("24.5学时", 24.5), (" 60 小时 ", 60.0)])
def test_numbers(raw, val):
    assert parse_number(raw) == (val, None)


def test_numbers_bad():
    assert parse_number("很多") == (None, "format") and parse_number("") == (None, "empty")


def test_masking():
    v = "11010519491231002X"
    assert mask_id(v) == "110105********002X"
    assert mask_id("110105491231002") == "110105*****1002"
    t = mask_ids_in_text(f"另见 {v} 与 110105491231002；电话 13812345678")
    assert v not in t and "19491231" not in t and "491231" not in t and "13812345678" in t
