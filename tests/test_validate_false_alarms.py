"""Valid but unusual rows: nothing may fire on them (at most an I007 info for a normalised ID)."""

from __future__ import annotations

import datetime as dt

import pytest

from certctl.idcard import make_id
from certctl.normalize import parse_date, phone_ok

from fixtures.builders import CLEAN_INFO, META, annex_row, check, codes, col_of, pid, problems

FIRST = 4


def _ids_with_x(n: int = 3, **kw) -> list[str]:
    out, seq = [], 0
    while len(out) < n:
        v = pid(seq=seq, **kw)
        if v.endswith("X"):
            out.append(v)
        seq += 1
    return out


@pytest.mark.parametrize("area,birth", [
    ("320624", dt.date(1962, 3, 9)),   # 南通县: retired long ago, valid for life
    ("320683", dt.date(1968, 11, 30)),  # 通州市: retired 2009
    ("612301", dt.date(1960, 2, 29)),   # 汉中市 (old prefecture-level code), leap-day birth
    ("320622", dt.date(1965, 7, 1)),    # 如东县 old code
])
def test_older_holders_with_retired_area_codes(tmp_path, area, birth):
    male = True
    row = annex_row("annex1", 0, id=make_id(area, birth, 21), sex="男" if male else "女")
    res = check(tmp_path, "annex1", [row, annex_row("annex1", 1)])
    assert problems(res) == []


def test_holder_born_in_the_1950s_gets_only_the_over_65_warning(tmp_path):
    row = annex_row("annex1", 0, id=make_id("320624", dt.date(1957, 8, 8), 33), sex="男")
    res = check(tmp_path, "annex1", [row])
    assert codes(res) == ["I012"]


@pytest.mark.parametrize("name,stored", [
    ("买买提·艾力", "买买提·艾力"),
    ("阿依古丽・买买提", "阿依古丽·买买提"),   # katakana middle dot
    ("努尔•阿不都", "努尔·阿不都"),         # bullet
    ("热依拉．吐尔逊", "热依拉·吐尔逊"),     # full-width full stop
    ("米热阿依.赛买提", "米热阿依·赛买提"),   # ASCII dot
    ("欧阳 晓东", "欧阳晓东"),             # spaces typed for alignment
    ("王\u3000芳", "王芳"),                 # ideographic space
])
def test_minority_and_spaced_names(tmp_path, name, stored):
    res = check(tmp_path, "annex2", [annex_row("annex2", 0, name=name)])
    assert problems(res, CLEAN_INFO) == []
    assert res.records()[0].values["name"] == stored


@pytest.mark.parametrize("variant", ["x_upper", "x_lower", "spaces", "fullwidth", "nbsp_zw", "tab", "apostrophe"])
def test_id_variants_accepted(tmp_path, variant):
    v = _ids_with_x(1)[0] if variant.startswith("x") else pid(seq=5)
    typed = {
        "x_upper": v,
        "x_lower": v[:17] + "x",
        "spaces": f"{v[:6]} {v[6:14]} {v[14:]}",
        "fullwidth": v.translate(str.maketrans("0123456789X", "０１２３４５６７８９Ｘ")),
        "nbsp_zw": "\u00a0" + v + "\u200b",
        "tab": v + "\t",
        "apostrophe": "'" + v,
    }[variant]
    res = check(tmp_path, "annex1", [annex_row("annex1", 0, id=typed, sex="男")])
    assert res.errors == 0 and res.warnings == 0, problems(res)
    if variant == "x_upper":
        assert codes(res) == []
    else:
        assert codes(res) == ["I007"]
        assert res.findings[0].cell == f"{col_of(res, 'id')}{FIRST}"
    assert res.records()[0].values["id"] == v


@pytest.mark.parametrize("value", [
    dt.date(2024, 5, 20), dt.datetime(2024, 5, 20, 0, 0), dt.datetime(2024, 5, 20, 9, 30), 45432,
    "45432", "2024-05-20", "2024/5/20", "2024.5.20", "2024年5月20日", "2024 年 5 月 20 日", "20240520",
    20240520, "二〇二四年五月二十日", "2024年05月20号", "２０２４－０５－２０",
])
def test_date_spellings(tmp_path, value):
    res = check(tmp_path, "annex1", [annex_row("annex1", 0, entry_date=value)])
    assert problems(res) == []
    assert res.records()[0].values["entry_date"] == dt.date(2024, 5, 20)


@pytest.mark.parametrize("value", ["2024.6.3", "2024年6月3日", "2024/6/3", "20240603", "二〇二四年六月三日",
                                   "2024-06-03", "2024 年 6 月 3 日"])
def test_form_date_spellings(tmp_path, value):
    res = check(tmp_path, "annex1", [annex_row("annex1", 0)], dict(META, date=value))
    assert problems(res) == []
    assert res.meta.date == dt.date(2024, 6, 3)


def test_form_date_excel_serial_and_real_date():
    assert parse_date(45446) == (dt.date(2024, 6, 3), None)
    assert parse_date(45446.0) == (dt.date(2024, 6, 3), None)


@pytest.mark.parametrize("phone", [
    "0513-83123456", "0513 83123456", "051383123456", "(0513)83123456", "（0513）83123456",
    "0513－83123456", "0914-4321234", "029-88881234", "010-12345678", "13812345678", "138 1234 5678",
    "+86 138 1234 5678", "0513-83123456转801", "0513-83123456/13812345678", "0513-83123456、13812345678",
])
def test_phone_spellings(tmp_path, phone):
    assert phone_ok(phone), phone
    res = check(tmp_path, "annex1", [annex_row("annex1", 0)], dict(META, phone=phone))
    assert problems(res) == []


def test_id_ending_in_x_many_rows_and_female_holders(tmp_path):
    ids = _ids_with_x(3, male=False)
    rows = [annex_row("annex1", n, id=i, sex="女") for n, i in enumerate(ids)]
    res = check(tmp_path, "annex1", rows)
    assert problems(res) == []


def test_sex_spelled_out(tmp_path):
    res = check(tmp_path, "annex1", [annex_row("annex1", 0, sex="男性"), annex_row("annex1", 1, sex=" 女 ")])
    assert problems(res) == []


def test_numeric_short_cert_and_hours_as_text(tmp_path):
    rows = [annex_row("survey", 0, cert=6100012345, hours="64学时"), annex_row("survey", 1, hours=" 72 ")]
    res = check(tmp_path, "survey", rows)
    assert problems(res) == []


def test_survey_revoked_holder_not_flagged(tmp_path):
    row = annex_row("survey", 0, status="退休", leave_date=dt.date(2024, 5, 6), opinion="已收回并注销", colour="绿")
    res = check(tmp_path, "survey", [row])
    assert problems(res) == [], problems(res)
