"""Where things sit in real workbooks: title rows, merged cells, two-row headers, metadata in odd
layouts, footers and signatures, pre-numbered blank rows, several sheets, form kinds, --form."""

from __future__ import annotations

import datetime as dt

import pytest
from openpyxl import Workbook, load_workbook

from certctl import forms as F
from certctl.samples import header_text
from certctl.validate import Options, validate_file

from fixtures.builders import CLEAN_INFO, FORM_DATE, META, annex_row, build, check, codes, col_of, problems, run


def _write(tmp_path, name, grid, merges=()):
    wb = Workbook()
    ws = wb.active
    ws.title = "Sheet1"
    for r, row in enumerate(grid, start=1):
        for c, v in enumerate(row, start=1):
            if v is not None and v != "":
                cell = ws.cell(r, c, v)
                if isinstance(v, str):
                    cell.data_type = "s"
    for m in merges:
        ws.merge_cells(m)
    p = tmp_path / name
    wb.save(p)
    return p


def _header(family):
    spec = F.specs_for_family(family)[0]
    return spec, [c for c in spec.columns if not c.optional or c.key == "seq"]


def _data(cols, row):
    return [row.get(c.key, n) if c.key != "seq" else n for n, c in enumerate(cols, start=1)][:len(cols)]


@pytest.mark.parametrize("family", ["annex1", "annex2", "annex3", "annex4"])
@pytest.mark.parametrize("title", [True, False])
def test_kind_recognised_from_headers_alone(tmp_path, family, title):
    res = check(tmp_path, family, [annex_row(family, 0), annex_row(family, 1)], title=title)
    assert res.family == family
    assert res.rows == 2


@pytest.mark.parametrize("family", ["annex1", "annex2", "annex3", "annex4"])
def test_kind_recognised_without_title_or_metadata_or_optional_columns(tmp_path, family):
    spec, cols = _header(family)
    grid = [[header_text(c) for c in cols], _data(cols, annex_row(family, 0))]
    res = run(_write(tmp_path, "bare.xlsx", grid))
    assert res.family == family and res.rows == 1


@pytest.mark.parametrize("family", ["annex1", "annex2", "annex3", "annex4"])
def test_two_row_header_with_merged_cells(tmp_path, family):
    res = check(tmp_path, family, [annex_row(family, n) for n in range(3)], two_row_header=True)
    assert res.family == family and res.rows == 3
    assert res.sheets[0].header_rows == 2
    assert [r.row for r in res.records()] == [5, 6, 7]
    assert problems(res, CLEAN_INFO) == []


def test_header_text_with_line_breaks_fullwidth_parens_and_spaces(tmp_path):
    spec, cols = _header("annex4")
    heads = {"seq": "序\n号", "name": "姓  名", "unit": "所属主体\n（受委托组织）\n全称", "id": "身份证\n号码",
             "sex": "性\n别", "cert": "行政执法(监督)\n证件号码", "lost_date": "证件遗失\r\n时间",
             "declaration": "领证机关声明作废情况\n（申明作废方式、\n时间等）", "remark": "备 注"}
    meta = "填报单位（盖章）：启东市城市管理局    填报人员：张三   联系电话：0513-83123456   填报时间：2024年6月3日"
    grid = [["行政执法（监督）证件补发表"], [meta], [heads[c.key] for c in cols],
            _data(cols, annex_row("annex4", 0))]
    p = _write(tmp_path, "odd.xlsx", grid, merges=["A1:I1", "A2:I2"])
    res = run(p)
    assert res.family == "annex4"
    assert set(res.sheets[0].colmap) >= {c.key for c in cols}
    assert res.meta.unit == "启东市城市管理局" and res.meta.reporter == "张三"
    assert res.meta.date == FORM_DATE and res.meta.phone == "0513-83123456"
    assert problems(res, CLEAN_INFO) == []


def _meta_form(tmp_path, meta_rows, merges=(), name="meta.xlsx"):
    spec, cols = _header("annex1")
    grid = [["“行政执法主体和人员管理系统”人员数据录入归集、注销、修改备案表"], *meta_rows,
            [header_text(c) for c in cols], _data(cols, annex_row("annex1", 0))]
    return run(_write(tmp_path, name, grid, merges=["A1:I1", *merges]))


def test_metadata_labels_and_values_in_separate_cells(tmp_path):
    res = _meta_form(tmp_path, [["填报单位（盖章）：", "启东市城市管理局", "", "填报人员：", "张三", "联系电话：",
                                 "0513-83123456", "填报时间：", dt.datetime(2024, 6, 3)]])
    m = res.meta
    assert (m.unit, m.reporter, m.phone, m.date) == ("启东市城市管理局", "张三", "0513-83123456", FORM_DATE)
    assert problems(res) == []


def test_metadata_phone_as_number_and_date_as_serial(tmp_path):
    res = _meta_form(tmp_path, [["填报单位（盖章）", "启东市城市管理局", "填报人员", "张三", "联系电话", 13812345678,
                                 "填报时间", 45446]])
    m = res.meta
    assert (m.unit, m.reporter, m.phone, m.date) == ("启东市城市管理局", "张三", "13812345678", FORM_DATE)
    assert problems(res) == []


def test_metadata_in_one_merged_cell(tmp_path):
    text = "填报单位（盖章）：启东市城市管理局　　填报人员：张三　　联系电话：0513-83123456　　填报时间：2024年 6月 3日"
    res = _meta_form(tmp_path, [[text]], merges=["A2:I2"])
    m = res.meta
    assert (m.unit, m.reporter, m.phone, m.date) == ("启东市城市管理局", "张三", "0513-83123456", FORM_DATE)


def test_metadata_over_two_rows(tmp_path):
    res = _meta_form(tmp_path, [["填报单位（盖章）：启东市城市管理局", "", "", "", "填报人员：张三"],
                                ["联系电话：0513-83123456", "", "", "", "填报时间：2024.6.3"]])
    m = res.meta
    assert (m.unit, m.reporter, m.phone, m.date) == ("启东市城市管理局", "张三", "0513-83123456", FORM_DATE)
    assert problems(res) == []


def test_metadata_blank_template_labels_give_m001_to_m004(tmp_path):
    res = _meta_form(tmp_path, [["填报单位（盖章）：", "", "", "填报人员：", "", "联系电话：", "", "填报时间：    年  月  日"]])
    assert {"M001", "M002", "M003", "M004"} <= set(codes(res))
    assert "M006" not in codes(res)


def test_footer_and_signature_rows_are_not_data(tmp_path):
    spec, cols = _header("annex2")
    grid = [["行政执法（监督）证件注销表"],
            ["填报单位（盖章）：启东市城市管理局 填报人员：张三 联系电话：13812345678 填报时间：2024年6月3日"],
            [header_text(c) for c in cols],
            _data(cols, annex_row("annex2", 0)),
            _data(cols, annex_row("annex2", 1)),
            [3], [4], [5],  # pre-numbered blank rows
            ["合计", "2人"],
            ["注：报送表格时，领证单位应当将原行政执法（监督）证件同时交还市司法局。"],
            ["审核人：", "", "李四", "", "填表人：", "张三"],
            ["", "单位负责人（签字）：", "", "", "", "", "（盖章）"],
            ["", "", "", "", "", "", "2024年6月3日"]]
    res = run(_write(tmp_path, "footer.xlsx", grid))
    assert res.rows == 2
    assert problems(res, CLEAN_INFO) == []


def test_prenumbered_blank_rows_only(tmp_path):
    spec, cols = _header("annex1")
    grid = [["“行政执法主体和人员管理系统”人员数据录入归集、注销、修改备案表"],
            ["填报单位（盖章）：启东市城市管理局 填报人员：张三 联系电话：13812345678 填报时间：2024年6月3日"],
            [header_text(c) for c in cols], *[[n] for n in range(1, 11)]]
    res = run(_write(tmp_path, "blank.xlsx", grid))
    assert res.rows == 0 and codes(res) == ["F005"]


def test_data_row_that_starts_with_a_footer_word_is_still_data(tmp_path):
    """A holder whose 姓名 begins with 注 is a person, not a footer."""
    res = check(tmp_path, "annex1", [annex_row("annex1", 0, name="注明")])
    assert res.rows == 1


def test_repeated_header_on_second_printed_page_is_skipped(tmp_path):
    spec, cols = _header("annex1")
    hdr = [header_text(c) for c in cols]
    grid = [["“行政执法主体和人员管理系统”人员数据录入归集、注销、修改备案表"],
            ["填报单位（盖章）：启东市城市管理局 填报人员：张三 联系电话：13812345678 填报时间：2024年6月3日"],
            hdr, _data(cols, annex_row("annex1", 0)), hdr, _data(cols, annex_row("annex1", 1))]
    res = run(_write(tmp_path, "pages.xlsx", grid))
    assert res.rows == 2 and problems(res) == []


def test_several_sheets_one_blank_one_notes(tmp_path):
    p = build(tmp_path, "annex2", [annex_row("annex2", 0)])
    wb = load_workbook(p)
    wb.create_sheet("Sheet2")
    notes = wb.create_sheet("填表说明", 0)
    notes["A1"] = "填表说明：身份证号码列请设为文本格式。"
    wb.save(p)
    res = run(p)
    assert res.family == "annex2" and res.rows == 1 and [s.sheet for s in res.sheets] == ["附件2"]
    assert problems(res, CLEAN_INFO) == []


def test_survey_sheets_in_other_order_and_names(tmp_path):
    p = build(tmp_path, "survey", {"survey_people": [annex_row("survey", 0)],
                                   "survey_units": [{"unit": "乾佑街道办事处", "establishment": 9, "posts": 5,
                                                     "holders": 1, "report_date": FORM_DATE}]})
    wb = load_workbook(p)
    wb["人员"].title = "Sheet1"
    wb["单位"].title = "Sheet2"
    wb.move_sheet("Sheet2", offset=-1)
    wb.save(p)
    res = run(p)
    assert res.family == "survey" and {s.spec.kind for s in res.sheets} == {"survey_people", "survey_units"}
    assert problems(res) == []


@pytest.mark.parametrize("written,forced", [("annex2", "annex3"), ("annex1", "annex4")])
def test_form_option_forces_the_kind(tmp_path, written, forced):
    p = build(tmp_path, written, [annex_row(written, 0)])
    res = validate_file(p, Options(form=forced))
    assert res.family == forced
    assert "F003" in codes(res)  # the forced kind's own columns are missing


def test_form_option_on_a_form_without_title(tmp_path):
    p = build(tmp_path, "annex3", [annex_row("annex3", 0)], title=False)
    res = validate_file(p, Options(form="annex3"))
    assert res.family == "annex3" and problems(res, CLEAN_INFO) == []


def test_form_option_no_header_of_that_kind(tmp_path):
    p = build(tmp_path, "survey", [annex_row("survey", 0)])
    # the survey's 人员 sheet shares enough columns to be read as annex 1: its own columns are missing
    res = validate_file(p, Options(form="annex1"))
    assert res.family == "annex1" and "F003" in codes(res)
    # a sheet with nothing of annex 4 at all: F002 naming the forced kind
    wb = Workbook()
    wb.active.append(["项目", "金额"])
    q = tmp_path / "other.xlsx"
    wb.save(q)
    res = validate_file(q, Options(form="annex4"))
    assert res.family == "unknown" and codes(res) == ["F002"] and "附件4 补发表" in res.findings[0].message()
    res = validate_file(q, Options(form="annex4", lang="en"))
    assert "annex 4" in res.findings[0].message("en")


def test_records_carry_excel_rows_and_values(tmp_path):
    res = check(tmp_path, "annex1", [annex_row("annex1", n) for n in range(3)])
    recs = res.records("annex1")
    assert [r.row for r in recs] == [4, 5, 6]
    assert recs[0].values["action"] == "录入归集" and recs[0].values["entry_date"] == dt.date(2024, 5, 20)
    assert res.sheets[0].header_row == 3 and col_of(res, "id") == "D"


def test_list_continued_on_a_second_sheet_is_read_and_duplicates_seen_across(tmp_path):
    p = build(tmp_path, "annex2", [annex_row("annex2", 0), annex_row("annex2", 1)])
    wb = load_workbook(p)
    ws2 = wb.copy_worksheet(wb["附件2"])
    ws2.title = "第2页"
    wb.save(p)
    res = run(p)
    assert res.family == "annex2" and res.rows == 4 and [s.sheet for s in res.sheets] == ["附件2", "第2页"]
    u = [f for f in res.findings if f.code == "U001"]
    assert [(f.sheet, f.cell) for f in u] == [("第2页", f"D4"), ("第2页", "D5")]
    assert "工作表“附件2”第 4 行" in u[0].message()


def test_metadata_unit_label_variants(tmp_path):
    res = _meta_form(tmp_path, [["填报单位(公章):启东市城市管理局  填报人：张三  电话：13812345678  填报日期：2024-06-03"]])
    m = res.meta
    assert (m.unit, m.reporter, m.phone, m.date) == ("启东市城市管理局", "张三", "13812345678", FORM_DATE)
