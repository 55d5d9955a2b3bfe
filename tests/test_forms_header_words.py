"""Column names as units word them when they retype the notice's header (启依法办发〔2020〕15号 附件1—4;
柞政司发〔2024〕52号 附件, whose columns the notice does not publish): 编号 for 号码, 单位名称 for
所属主体全称, 理由 for 原因. Each was a whole column “missing” (F003, an error on a correct form) with every
cell of it unchecked. A spelling certctl still does not know is pointed at in the F003 message: the
clerk sees which header cell to rename, not only what is missing."""

from __future__ import annotations

import pytest

from fixtures.builders import annex_row, run
from test_unusual_forms import SPECS, assert_clean, build
from test_unusual_forms import test_header_spellings_name_their_column as reads_its_column


@pytest.mark.parametrize("fam,key,typed", [
    ("annex1", "cert", "执法证件编号"),
    ("annex1", "cert", "执法证编号"),
    ("annex1", "cert", "证件编号"),
    ("annex4", "cert", "行政执法证号"),
    ("annex1", "unit", "单位名称"),
    ("annex1", "unit", "工作单位"),
    ("annex2", "unit", "所属单位名称"),
    ("annex1", "name", "持证人姓名"),
    ("annex1", "action", "录入归集/注销/修改"),
    ("annex2", "cert", "原执法证件号码"),
    ("annex3", "cert", "原执法证件编号"),
    ("annex2", "reason", "注销理由"),
    ("annex3", "reason", "换证理由"),
    ("annex4", "declaration", "声明作废方式、时间"),
    ("survey", "unit", "执法主体名称"),
    ("survey", "cert", "执法证件编号"),
    ("survey", "cert", "执法证件号码"),
])
def test_a_column_worded_otherwise_is_read(tmp_path, fam, key, typed):
    reads_its_column(tmp_path, fam, key, typed)  # the form clean, the column found, its value read


def _f003(tmp_path, fam: str, key: str, typed: str):
    title = SPECS[fam].column(key).title
    res = run(build(tmp_path / "f.xlsx", fam, hdr=lambda t: typed if t == title else t, extra=("民族", "联系电话")))
    return [f for f in res.findings if f.code == "F003"]


def test_an_unknown_wording_is_pointed_at_in_the_missing_column_message(tmp_path):
    (f,) = _f003(tmp_path, "annex1", "cert", "执法证书编号")
    assert f.message() == ("表头（第 3 行）中缺少必填列“行政执法（监督）证件号码”，该列的内容都无法核对。"
                           "第 F 列的“执法证书编号”如果就是这一列，请把列名改为“行政执法（监督）证件号码”。")
    assert f.message("en") == ("Required column '行政执法（监督）证件号码' is missing from the header (row 3); nothing in it "
                               "can be checked. If column F ('执法证书编号') is this column, rename it '行政执法（监督）证件号码'.")


def test_a_column_nothing_like_the_missing_one_is_not_suggested(tmp_path):
    """民族 and 联系电话 (extra columns) share nothing with 注销原因: the message only says what is missing."""
    (f,) = _f003(tmp_path, "annex2", "reason", "情形")
    assert f.message() == "表头（第 3 行）中缺少必填列“注销原因”，该列的内容都无法核对。"


def _wide(merge_data: bool):
    """所属主体（受委托组织）全称 given two columns (C:D), its title merged across both, as a wide column is
    laid out; the people's cells merged across too, or typed in the first."""
    def post(wb, ws):
        ws.insert_cols(4)
        ws.merge_cells(start_row=3, start_column=3, end_row=3, end_column=4)
        if merge_data:
            for r in range(4, ws.max_row):
                if ws.cell(r, 2).value:
                    ws.merge_cells(start_row=r, start_column=3, end_row=r, end_column=4)
    return post


@pytest.mark.parametrize("merge_data", [True, False], ids=["cells-merged-too", "typed-in-the-first"])
@pytest.mark.parametrize("fam", ["annex1", "annex2", "annex4"])
def test_a_title_merged_across_two_columns_is_one_column_not_two(tmp_path, fam, merge_data):
    """Was F004 “列“所属主体（受委托组织）全称”出现两次（C3、D3），只读取了第一列” — 请删除重复的列 — on a correct form."""
    res = run(build(tmp_path / "f.xlsx", fam, post=_wide(merge_data)))
    assert_clean(res, fam)
    assert res.sheets[0].colmap["unit"] == 2
    assert [r.values["unit"] for r in res.records()] == [annex_row(fam, i)["unit"] for i in range(3)]


def test_a_column_really_named_twice_is_still_said(tmp_path):
    def twice(wb, ws):
        ws.cell(3, 10, "姓名")
        for r in range(4, 7):
            ws.cell(r, 10, "王五")
    res = run(build(tmp_path / "f.xlsx", "annex1", post=twice))
    assert [(f.code, f.cell) for f in res.findings if f.code == "F004"] == [("F004", "J3")]
