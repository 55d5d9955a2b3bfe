"""A long 备注 written over two rows: the second row holds 备注 alone (序号 empty or blank, or the 备注
cell merged down over it). It continues the row above (F010, info), its text joins that row's 备注 and
reaches the ledger, and it is not a person; 备注 alone below no person row is listed (F011, info).
Rows with a name or an ID and nothing else are still errors. Every form is a real .xlsx built here."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from certctl.cli import app
from certctl.validate.body import Body, data_rows, data_rows_one_by_one
from fixtures.builders import CLEAN_INFO, annex_row, build, codes, one, problems, run
from typer.testing import CliRunner

FAMILIES = ("annex1", "annex2", "annex3", "annex4", "survey")
FIRST = 4  # the first data row of a form from samples.write_form (title, metadata, header)
LONG = "该同志因工作调动，原证件已于2024年5月28日交回，"
REST = "新证待签收。"


def _remark_col(ws: Any) -> int:
    return next(c.column for c in ws[FIRST - 1] if str(c.value or "").startswith("备注"))


def form_with(tmp_path: Path, family: str, edit: Any, rows: int = 2, name: str | None = None, **first: Any) -> Path:
    """A valid form of ``rows`` people (the first with 备注 LONG), then ``edit(ws, remark column)``."""
    data = [annex_row(family, 0, remark=LONG, **first)] + [annex_row(family, n) for n in range(1, rows)]
    p = build(tmp_path, family, data, name=name or f"{family}.xlsx")
    wb = load_workbook(p)
    ws = wb.worksheets[0]
    edit(ws, _remark_col(ws))
    wb.save(p)
    return p


def typed_below(seq: Any = None, at: int = FIRST + 1):
    def edit(ws: Any, rc: int) -> None:
        ws.insert_rows(at)
        ws.cell(at, rc).value = REST
        if seq is not None:
            ws.cell(at, 1).value = seq
    return edit


def merged_below(ws: Any, rc: int) -> None:
    ws.insert_rows(FIRST + 1)
    ws.cell(FIRST, rc).value = LONG + REST
    ws.merge_cells(start_row=FIRST, start_column=rc, end_row=FIRST + 1, end_column=rc)


def remark_of(res: Any, row: int) -> str:
    rec = next(r for r in res.records() if r.row == row)
    return rec.raw.get("remark", "")


@pytest.mark.parametrize("family", FAMILIES)
@pytest.mark.parametrize("seq", [None, "", "  "])
def test_remark_typed_on_the_next_row_joins_the_row_above(tmp_path, family, seq):
    res = run(form_with(tmp_path, family, typed_below(seq)))
    assert problems(res, CLEAN_INFO | {"F010"}) == []
    assert res.rows == 2  # two people, not three
    f = one(res, "F010")
    assert (f.severity, f.cell, f.field, f.value) == ("info", f"{_letter(res)}{FIRST + 1}", "备注", REST)
    assert f.message() == f"第{FIRST + 1}行只填了备注“{REST}”，已并入第{FIRST}行的备注，不另算一人。"
    assert f.message("en") == (f"Row {FIRST + 1} has only 备注 '{REST}'; it was joined to row {FIRST}'s 备注, "
                               "not read as another person.")
    assert remark_of(res, FIRST) == LONG + REST
    assert [r.row for r in res.records()] == [FIRST, FIRST + 2]


def _letter(res: Any) -> str:
    from certctl.findings import col_letter

    return col_letter(res.sheets[0].colmap["remark"])


@pytest.mark.parametrize("family", FAMILIES)
def test_remark_cell_merged_down_over_a_second_row_is_one_remark(tmp_path, family):
    res = run(form_with(tmp_path, family, merged_below))
    assert problems(res, CLEAN_INFO | {"F010"}) == []
    assert res.rows == 2
    f = one(res, "F010")
    assert f.value is None and f.message() == f"第{FIRST + 1}行只有与上方合并的备注单元格，已并入第{FIRST}行的备注，不另算一人。"
    assert remark_of(res, FIRST) == LONG + REST  # once, not twice


def test_remark_over_three_rows_all_join_the_first(tmp_path):
    def edit(ws: Any, rc: int) -> None:
        ws.insert_rows(FIRST + 1, 2)
        ws.cell(FIRST + 1, rc).value = "新证"
        ws.cell(FIRST + 2, rc).value = "待签收。"
    res = run(form_with(tmp_path, "annex2", edit))
    assert [f.cell for f in res.findings if f.code == "F010"] == [f"J{FIRST + 1}", f"J{FIRST + 2}"]
    assert [f.params["prev"] for f in res.findings if f.code == "F010"] == [FIRST, FIRST]
    assert remark_of(res, FIRST) == LONG + "新证待签收。"
    assert res.rows == 2 and res.errors == 0


def test_unit_merged_over_the_people_and_the_remark_row_between_them(tmp_path):
    """The unit's cell merged down over three rows, the middle one a 备注 continuation: still 备注 alone."""
    def edit(ws: Any, rc: int) -> None:
        typed_below()(ws, rc)
        for r in (FIRST + 1, FIRST + 2):
            ws.cell(r, 3).value = None
        ws.merge_cells(start_row=FIRST, start_column=3, end_row=FIRST + 2, end_column=3)
    res = run(form_with(tmp_path, "annex1", edit))
    assert problems(res, {"F010"}) == []
    assert res.rows == 2 and remark_of(res, FIRST) == LONG + REST
    assert [r.values["unit"] for r in res.records()] == ["启东市城市管理局"] * 2


def test_a_person_two_rows_high_every_cell_merged_down_is_one_person(tmp_path):
    def edit(ws: Any, rc: int) -> None:
        ws.insert_rows(FIRST + 1)
        for c in range(1, rc + 1):
            ws.merge_cells(start_row=FIRST, start_column=c, end_row=FIRST + 1, end_column=c)
    res = run(form_with(tmp_path, "annex4", edit))
    assert problems(res, CLEAN_INFO | {"F010"}) == []  # no U001: not the same person twice
    assert res.rows == 2
    assert one(res, "F010").message() == f"第{FIRST + 1}行的内容都在与上方合并的单元格中，已并入第{FIRST}行，不另算一人。"


def test_remark_alone_right_below_the_header_continues_nobody(tmp_path):
    res = run(form_with(tmp_path, "annex1", typed_below(at=FIRST)))
    assert problems(res, {"F011"}) == []
    f = one(res, "F011")
    assert (f.cell, f.value, f.severity) == (f"I{FIRST}", REST, "info")
    assert f.message() == f"第{FIRST}行只填了备注“{REST}”，上面没有人员行可以续写，未作为人员读取。"
    assert res.rows == 2 and remark_of(res, FIRST + 1) == LONG


def test_remark_alone_after_a_blank_row_continues_nobody(tmp_path):
    def edit(ws: Any, rc: int) -> None:
        ws.insert_rows(FIRST + 1, 2)
        ws.cell(FIRST + 2, rc).value = REST
    res = run(form_with(tmp_path, "annex2", edit))
    assert "F010" not in codes(res) and one(res, "F011").cell == f"J{FIRST + 2}"
    assert remark_of(res, FIRST) == LONG and res.rows == 2


def test_bracketed_remark_below_a_person_is_a_continuation_not_a_fill_in_hint(tmp_path):
    def edit(ws: Any, rc: int) -> None:
        ws.insert_rows(FIRST + 1)
        ws.cell(FIRST + 1, rc).value = "（原证件已交回）"
    res = run(form_with(tmp_path, "annex2", edit))
    assert remark_of(res, FIRST) == LONG + "（原证件已交回）" and codes(res).count("F010") == 1


@pytest.mark.parametrize("family", FAMILIES)
def test_a_name_alone_or_an_id_alone_is_still_a_person_with_errors(tmp_path, family):
    def edit(ws: Any, rc: int) -> None:
        ws.insert_rows(FIRST + 1, 2)
        head = [str(c.value or "") for c in ws[FIRST - 1]]
        ws.cell(FIRST + 1, head.index("姓名") + 1).value = "李四"
        ws.cell(FIRST + 1, rc).value = REST
        ws.cell(FIRST + 2, head.index("身份证号码") + 1).value = annex_row(family, 7)["id"]
    res = run(form_with(tmp_path, family, edit))
    assert res.rows == 4 and "F010" not in codes(res) and "F011" not in codes(res)
    rows_with_errors = {f.row for f in res.findings if f.severity == "error"}
    assert {FIRST + 1, FIRST + 2} <= rows_with_errors
    assert "N001" in [f.code for f in res.findings if f.row == FIRST + 2]  # the ID alone: no name
    assert remark_of(res, FIRST) == LONG


def test_a_numbered_row_with_remark_alone_is_still_a_person(tmp_path):
    """序号 filled: the unit numbered a person and left them empty, not a continuation."""
    res = run(form_with(tmp_path, "annex1", typed_below(seq=2)))
    assert "F010" not in codes(res) and res.rows == 3
    assert "N001" in [f.code for f in res.findings if f.row == FIRST + 1]


def test_merge_takes_the_whole_remark_to_the_ledger_and_reads_no_extra_row(tmp_path):
    folder = tmp_path / "ledger" / "启东市城市管理局"
    form_with(folder, "annex2", typed_below(""))
    out = tmp_path / "台账.xlsx"
    r = CliRunner().invoke(app, ["merge", str(tmp_path / "ledger"), "-o", str(out), "--as-of", "2024-06-05"])
    assert r.exit_code == 0, r.output
    assert "读取 2 行 = 并入 2 + 未并入 0" in r.output
    wb = load_workbook(out, read_only=True)
    events = [row for row in wb["变动记录"].iter_rows(values_only=True) if row and "王伟明" in row]
    assert len(events) == 1 and str(events[0][-1]).endswith("新证待签收。")
    issues = [row for row in wb["问题清单"].iter_rows(values_only=True) if row and "F010" in row]
    assert len(issues) == 1 and f"J{FIRST + 1}" in issues[0]


def test_validate_cli_says_it_in_chinese_and_in_english(tmp_path):
    p = form_with(tmp_path, "annex4", typed_below())
    zh = CliRunner().invoke(app, ["validate", str(p), "-f", "json"])
    en = CliRunner().invoke(app, ["validate", str(p), "-f", "json", "--lang", "en"])
    assert zh.exit_code == 0 and en.exit_code == 0
    assert "已并入第4行的备注" in zh.output and "joined to row 4's 备注" in en.output


# ---------------------------------------------------------------------- the rule, row by row
BODY = Body(__import__("certctl.forms", fromlist=["ANNEX2"]).ANNEX2,
            (("seq", 0), ("name", 1), ("unit", 2), ("id", 3), ("remark", 4)), (1, 2, 3, 4), 3, 4, 0)
ID = annex_row("annex2", 0)["id"]
PERSON = [1, "王伟", "启东市城市管理局", ID, "甲"]
MORE = ["", "", "", "", "乙"]


@pytest.mark.parametrize("rows,continued,orphans", [
    ([PERSON, MORE], [(1, 0)], []),
    ([PERSON, MORE, MORE], [(1, 0), (2, 0)], []),
    ([MORE, PERSON], [], [0]),
    ([PERSON, [""] * 5, MORE], [], [2]),
    ([PERSON, ["序\n号", "姓名", "所属主体全称", "身份证号码", "备注"], MORE], [], [2]),
    ([PERSON, [2, "", "", "", "乙"]], [], []),
])
def test_the_rule_on_plain_rows(rows, continued, orphans):
    columns = [[r[c] for r in rows] for c in range(5)]
    found = data_rows(rows, columns, BODY)
    assert (list(found.continued), list(found.orphans)) == (continued, orphans)
    assert found == data_rows_one_by_one(rows, BODY)


def test_remark_below_a_person_with_errors_follows_that_person(tmp_path):
    """The row above is a person with an error (rejected in a merge): the 备注 still continues that
    person — it goes where the person goes (listed with its reason), and the row is no second person."""
    res = run(form_with(tmp_path, "annex2", typed_below(), id="32068119800517001"))
    assert res.rows == 2 and one(res, "F010").params["prev"] == FIRST
    assert remark_of(res, FIRST) == LONG + REST
    assert {f.row for f in res.findings if f.severity == "error"} == {FIRST}


def test_remark_alone_that_is_a_formula_error_is_said_as_one_and_not_appended(tmp_path):
    def edit(ws: Any, rc: int) -> None:
        ws.insert_rows(FIRST + 1)
        ws.cell(FIRST + 1, rc).value = "#REF!"
    res = run(form_with(tmp_path, "annex1", edit))
    f = one(res, "F007")
    assert (f.cell, f.severity, f.value) == (f"I{FIRST + 1}", "warning", "#REF!")
    assert res.rows == 2 and res.errors == 0 and "F010" not in codes(res)
    assert remark_of(res, FIRST) == LONG
