"""Unusual but correct forms, as towns and departments really fill them in Excel and WPS: none may get a
finding above info, and every row must reach the ledger.

Each form is built cell by cell with openpyxl (title and metadata lines, header, three valid people) and
then varied the one way its id says: the header (colons, asterisks, full-width spaces, line breaks, two
rows, columns reordered or added), the rows around the table (subtitles, 合计, 以下空白, signatures,
bordered empty rows), the sheets (renamed, a blank template or notes beside it), the values (dates,
序号, certificate numbers), the metadata line, and the XML parts other writers use (inline and rich
strings, shared formulas, cells without a reference, style-only rows)."""

from __future__ import annotations

import datetime as dt
import json
import re
import zipfile
from pathlib import Path
from typing import Any, Callable

import openpyxl
import pytest
from openpyxl import Workbook
from openpyxl.styles import Border, Side
from typer.testing import CliRunner

from certctl import forms as F
from certctl.cli import app

from fixtures.builders import annex_row, run

SPECS = {"annex1": F.ANNEX1, "annex2": F.ANNEX2, "annex3": F.ANNEX3, "annex4": F.ANNEX4, "survey": F.SURVEY_PEOPLE}
META = ["填报单位（盖章）：启东市城市管理局", "填报人员：张三", "联系电话：0513-83123456", "填报时间：2024年6月3日"]
ZMETA = ["填报单位（盖章）：柞水县乾佑街道办事处", "填报人员：李四", "联系电话：0914-4321234", "填报时间：2024年6月3日"]
# the reminders every clean annex 2 / 3 / 4 gets, and annex 2 / 3 without a 变动日期 column
REMINDERS = {"A201", "A301", "A402", "T003"}
THIN = Side(style="thin")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)


def build(path: Path, fam: str, *, n0: int = 0, rows: list[dict[str, Any]] | None = None,
          keys: list[str] | None = None, hdr: Callable[[str], str] = lambda t: t, extra: tuple[str, ...] = (),
          title: bool = True, subtitle: tuple[str, ...] = (), meta: list[str] | None = None,
          two_row: bool = False, sheet: str = "Sheet1", post: Callable[[Any, Any], Any] | None = None) -> Path:
    """A title row, the metadata line, one header row (or two: 身份信息 over 性别 and 身份证号码), three
    valid people (from ``n0``), the notice's footer; ``post(wb, ws)`` varies it further."""
    spec = SPECS[fam]
    cols = ([c for c in spec.columns if not c.optional or c.key == "seq"] if keys is None
            else [spec.column(k) for k in keys])
    rows = rows if rows is not None else [annex_row(fam, n0 + i) for i in range(3)]
    wb = Workbook()
    ws = wb.active
    ws.title = sheet
    r = 1
    if title:
        ws.cell(r, 1, spec.title)
        ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(cols) + len(extra))
        r += 1
    for line in subtitle:
        ws.cell(r, 1, line)
        r += 1
    m = meta if meta is not None else (ZMETA if fam == "survey" else META)
    for i, t in enumerate(m):
        ws.cell(r, 1 + 2 * i, t)
    r += 1 if m else 0
    heads = [hdr(c.title) for c in cols] + list(extra)
    if two_row:
        for i, h in enumerate(heads, 1):
            if i <= len(cols) and cols[i - 1].key in ("sex", "id"):
                ws.cell(r + 1, i, h)
            else:
                ws.cell(r, i, h)
                ws.merge_cells(start_row=r, start_column=i, end_row=r + 1, end_column=i)
        p = [i for i, c in enumerate(cols, 1) if c.key in ("sex", "id")]
        ws.cell(r, p[0], "身份信息")
        ws.merge_cells(start_row=r, start_column=p[0], end_row=r, end_column=p[-1])
        r += 2
    else:
        for i, h in enumerate(heads, 1):
            ws.cell(r, i, h)
        r += 1
    for n, d in enumerate(rows, 1):
        for i, c in enumerate(cols, 1):
            v = d.get(c.key, n if c.key == "seq" else None)
            if v is None:
                continue
            cell = ws.cell(r, i, v)
            cell.border = BORDER
            if c.type in ("id", "cert") and isinstance(v, str):
                cell.number_format = "@"
        for j, e in enumerate(extra, len(cols) + 1):
            ws.cell(r, j, d.get(e, "13812345678" if e == "联系电话" else None))
        r += 1
    if spec.footer:
        ws.cell(r + 1, 1, spec.footer)
    if post:
        post(wb, ws)
    wb.save(path)
    return path


def _keys(fam: str) -> list[str]:
    return [c.key for c in SPECS[fam].columns if not c.optional or c.key == "seq"]


def _with(fam: str, field: str, values: list[Any]) -> Callable[[int], list[dict[str, Any]]]:
    return lambda n0: [dict(annex_row(fam, n0 + i), **{field: v}) for i, v in enumerate(values)]


def _trailing_bordered_rows(wb: Any, ws: Any) -> None:
    for r in range(ws.max_row + 1, ws.max_row + 6):
        for c in range(1, 10):
            ws.cell(r, c).border = BORDER


def _unit_merged_down(wb: Any, ws: Any) -> None:
    col = next(c.column for c in ws[3] if c.value and "主体" in str(c.value))
    ws.cell(5, col).value = ws.cell(6, col).value = None
    ws.merge_cells(start_row=4, start_column=col, end_row=6, end_column=col)


def _blank_template_beside(wb: Any, ws: Any) -> None:
    blank = wb.create_sheet("Sheet2")
    for c in range(1, ws.max_column + 1):
        blank.cell(1, c, ws.cell(3, c).value)


def _header_repeated(wb: Any, ws: Any) -> None:  # a page break with the header printed again
    ws.insert_rows(6)
    for c in range(1, ws.max_column + 1):
        ws.cell(6, c, ws.cell(3, c).value)


def _column_in_the_middle(wb: Any, ws: Any) -> None:
    ws.insert_cols(3)
    for r, v in ((3, "民族"), (4, "汉族"), (5, "回族"), (6, "维吾尔族")):
        ws.cell(r, 3, v)


LAYOUTS: dict[str, dict[str, Any]] = {
    "no-title": dict(title=False),
    "subtitle": dict(subtitle=("（2024年第二季度）",)),
    "two-row-header": dict(two_row=True),
    "header-asterisk": dict(hdr=lambda t: t + "*"),
    "header-colon": dict(hdr=lambda t: t + "："),  # 姓名：
    "header-half-width-colon": dict(hdr=lambda t: t + ":"),
    "header-full-width-space": dict(hdr=lambda t: "\u3000".join(t[:2]) + t[2:] if len(t) <= 4 else t),
    "header-half-width-brackets": dict(hdr=lambda t: t.replace("（", "(").replace("）", ")")),
    "header-a-line-per-character": dict(hdr=lambda t: "\n".join(t)),
    "extra-columns": dict(extra=("联系电话", "备注2")),
    "sheet-renamed": dict(sheet="附件1（修改）"),
    "another-annex-sheet-name": dict(sheet="附件2"),
    "second-empty-sheet": dict(post=lambda wb, ws: wb.create_sheet("Sheet2")),
    "trailing-bordered-rows": dict(post=_trailing_bordered_rows),
    "total-row": dict(post=lambda wb, ws: (ws.cell(7, 1, "合计"), ws.cell(7, 2, "3人"))),
    "nothing-below": dict(post=lambda wb, ws: ws.cell(7, 2, "以下空白")),
    "signatures-and-notes": dict(post=lambda wb, ws: (ws.cell(9, 1, "审核人："), ws.cell(9, 4, "单位负责人（签字）："),
                                                      ws.cell(10, 1, "填表说明：1.身份证号码请设置为文本格式。"))),
    "table-shifted-right": dict(post=lambda wb, ws: ws.insert_cols(1)),
    "blank-row-inside": dict(post=lambda wb, ws: ws.insert_rows(5)),
    "blank-template-on-sheet2": dict(post=_blank_template_beside),
    "notes-sheet": dict(post=lambda wb, ws: wb.create_sheet("填表说明").cell(1, 1, "身份证号码请设置为文本格式。")),
    "header-repeated": dict(post=_header_repeated),
    "column-added-in-the-middle": dict(post=_column_in_the_middle),
    "unit-merged-down": dict(post=_unit_merged_down),
    "seq-labelled-bianhao": dict(post=lambda wb, ws: ws.cell(3, 1, "编 号")),
    "title-cell-unmerged": dict(post=lambda wb, ws: ws.unmerge_cells(start_row=1, start_column=1, end_row=1,
                                                                     end_column=ws.max_column)),
}
ROWS: dict[str, Callable[[str, int], list[dict[str, Any]]]] = {
    "seq-as-text": lambda fam, n0: _with(fam, "seq", ["1", "2.", "3、"])(n0),
    "seq-blank": lambda fam, n0: _with(fam, "seq", ["", "", ""])(n0),
    "seq-chinese": lambda fam, n0: _with(fam, "seq", ["一", "（2）", "3"])(n0),
    "minority-and-spaced-names": lambda fam, n0: _with(fam, "name", ["阿依古丽·买买提", "张  三", "欧阳\u3000娜"])(n0),
    "cert-full-width": lambda fam, n0: [dict(annex_row(fam, n0 + i), cert=f"ＪＳ３２０６{n0 + i:04d}") for i in range(3)],
    "cert-lower-case": lambda fam, n0: [dict(annex_row(fam, n0 + i), cert=f"js3206{n0 + i:04d}") for i in range(3)],
    "cert-as-number": lambda fam, n0: [dict(annex_row(fam, n0 + i), cert=3206810000 + n0 + i) for i in range(3)],
    "id-apostrophe": lambda fam, n0: [dict(r, id="'" + r["id"]) for r in (annex_row(fam, n0 + i) for i in range(3))],
    "id-lower-x-and-spaces": lambda fam, n0: [dict(r, id=f"{r['id'][:6]} {r['id'][6:14]} {r['id'][14:]}".lower())
                                              for r in (annex_row(fam, n0 + i) for i in range(3))],
}
FAMILIES = ("annex1", "annex2", "annex3", "annex4", "survey")
CASES = [(fam, name) for fam in FAMILIES for name in (*LAYOUTS, *ROWS)]


def _build_case(tmp: Path, fam: str, name: str, n0: int) -> Path:
    path = tmp / f"{fam}-{name}.xlsx"
    if name in ROWS:
        return build(path, fam, rows=ROWS[name](fam, n0))
    return build(path, fam, n0=n0, **LAYOUTS[name])


def assert_clean(res: Any, fam: str, people: int = 3) -> None:
    above_info = [(f.code, f.cell, f.message()) for f in res.findings if f.severity != "info"]
    assert above_info == []
    assert res.family == fam
    assert res.sheets[0].record_count == people
    assert {f.code for f in res.findings} <= REMINDERS | {"I007"}  # I007: an ID accepted after normalising


@pytest.mark.parametrize("fam,name", CASES, ids=[f"{f}-{n}" for f, n in CASES])
def test_unusual_but_correct_form_has_no_finding_above_info(tmp_path, fam, name):
    res = run(_build_case(tmp_path, fam, name, 0))
    assert_clean(res, fam)
    if name == "minority-and-spaced-names":
        assert [r.values["name"] for r in res.records()] == ["阿依古丽·买买提", "张三", "欧阳娜"]


def test_the_reversed_column_order_reads_every_column(tmp_path):
    for fam in FAMILIES:
        keys = _keys(fam)
        res = run(build(tmp_path / f"{fam}.xlsx", fam, keys=[keys[0], *reversed(keys[1:])]))
        assert_clean(res, fam)
        assert res.records()[0].values["id"] == annex_row(fam, 0)["id"]


@pytest.mark.parametrize("values", [
    [45442, 45442.0, 45443],                                          # Excel serials
    ["2024.5.30", "2024.05.30", "2024.5.31"],
    ["2024年5月30日", "2024年05月30日", "2024 年 5 月 31 日"],
    ["2024/05/30", "2024/5/30", "2024/5/31"],
    ["20240530", 20240530, "20240531"],
    ["2024-5-30 00:00:00", "2024-05-30 00:00:00", "2024-05-31 0:00"],
    [dt.datetime(2024, 5, 30, 9, 30), dt.datetime(2024, 6, 3, 17, 45), dt.datetime(2024, 5, 31, 8, 15, 3)],
    ["2024—5—30", "2024——5——31", "2024–05–30"],                        # "-" typed in a Chinese IME
    ["2024。5。30", "2024-06-03 17:45", "2024/6/3 8:00:00"],
], ids=["serial", "dots", "chinese", "slashes", "compact", "midnight", "datetime", "ime-dash", "mixed"])
@pytest.mark.parametrize("fam,field", [("annex1", "entry_date"), ("annex4", "lost_date")])
def test_date_spellings_in_the_rows(tmp_path, fam, field, values):
    res = run(build(tmp_path / "f.xlsx", fam, rows=_with(fam, field, values)(0)))
    assert_clean(res, fam)
    assert all(isinstance(r.values[field], dt.date) for r in res.records())


DATE_CELL = dt.datetime(2024, 6, 3, 10, 22)


def _label_and_value_cells(wb: Any, ws: Any) -> None:
    """The metadata line as label cell + value cell, 填报时间 a date with a time of day (WPS 'now')."""
    for c in range(1, ws.max_column + 1):
        ws.cell(2, c).value = None
    for c, v in enumerate(("填报单位（盖章）：", "启东市城市管理局", "填报人员：", "张三", "联系电话：",
                           "0513-83123456", "填报时间：", DATE_CELL), 1):
        ws.cell(2, c, v)


@pytest.mark.parametrize("meta,post", [
    (["填报单位（盖章）：启东市城市管理局", "填报人员：张三", "联系电话：0513-83123456", "填报日期：2024.6.3"], None),
    (["填报单位(盖章):启东市城市管理局", "填报人:张三", "联系电话:138-1234-5678", "填报时间:2024-6-3"], None),
    (["填报单位（盖章）：启东市城市管理局\u3000\u3000填报人员：张三\u3000\u3000联系电话：0513-83123456\u3000\u3000"
      "填报时间：2024 年 6 月 3 日"], None),
    (["填报单位（盖章）：启东市城市管理局", "填报人员：张三", "联系电话：0513-83123456", "填报时间：2024-06-03 10:22"], None),
    (None, _label_and_value_cells),
], ids=["date-label", "half-width", "one-cell", "date-with-time-text", "date-with-time-cell"])
def test_metadata_line_spellings(tmp_path, meta, post):
    res = run(build(tmp_path / "f.xlsx", "annex1", meta=meta, post=post))
    assert_clean(res, "annex1")
    assert (res.meta.unit, res.meta.reporter, res.meta.date) == ("启东市城市管理局", "张三", dt.date(2024, 6, 3))


@pytest.mark.parametrize("field,typed,read", [
    ("person_type", "参公", "参照公务员法管理"),
    ("person_type", "参照公务员管理", "参照公务员法管理"),
    ("person_type", "事业编", "事业编制"),
    ("legal_qual", "√", "是"),
    ("colour", "绿色", "绿"),
])
def test_survey_words_units_write_for_a_value(tmp_path, field, typed, read):
    res = run(build(tmp_path / "f.xlsx", "survey", rows=_with("survey", field, [typed, typed, typed])(0)))
    assert_clean(res, "survey")
    assert {r.values[field] for r in res.records()} == {read}


def test_annex1_action_in_the_notices_own_words(tmp_path):
    """启依法办发〔2020〕15号 一: “人员数据的录入归集、注销、修改” — 数据录入归集 is 录入归集."""
    res = run(build(tmp_path / "f.xlsx", "annex1", rows=_with("annex1", "action", ["数据录入归集"] * 3)(0)))
    assert_clean(res, "annex1")
    assert {r.values["action"] for r in res.records()} == {"录入归集"}


# ------------------------------------------------------------------ XML parts other writers produce
def _rewrite_sheet(src: Path, dst: Path, edit: Callable[[str], str]) -> Path:
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                new = edit(data.decode())
                assert new != data.decode(), "the variation must change the sheet"
                data = new.encode()
            zout.writestr(item, data)
    return dst


def _shared_formula_seq(s: str) -> str:
    s = re.sub(r'<c r="A5"([^>]*?) t="n"><v>2</v></c>', r'<c r="A5"\1><f t="shared" ref="A5:A6" si="0">A4+1</f><v>2</v></c>', s)
    return re.sub(r'<c r="A6"([^>]*?) t="n"><v>3</v></c>', r'<c r="A6"\1><f t="shared" si="0"/><v>3</v></c>', s)


def _style_only_rows(s: str) -> str:
    rows = "".join(f'<row r="{r}">' + "".join(f'<c r="{c}{r}" s="1"/>' for c in "ABCDEFGHI") + "</row>"
                   for r in range(12, 300))
    return re.sub(r'<dimension ref="[^"]*"\s*/>', '<dimension ref="A1:Z300"/>', s.replace("</sheetData>", rows + "</sheetData>"))


XML_VARIANTS: dict[str, Callable[[str], str]] = {
    "cells-without-reference": lambda s: re.sub(r' r="[A-Z]+\d+"', "", s),
    "rows-and-cells-without-reference": lambda s: re.sub(r'<row r="\d+"', "<row", re.sub(r' r="[A-Z]+\d+"', "", s)),
    "shared-formula-seq": _shared_formula_seq,
    "style-only-rows-below": _style_only_rows,
    "no-dimension": lambda s: re.sub(r'<dimension ref="[^"]*"\s*/>', "", s),
    "rich-text-header": lambda s: s.replace("<is><t>姓名</t></is>",
                                            '<is><r><t>姓名</t></r><r><rPr><color rgb="FFFF0000"/></rPr><t>*</t></r></is>'),
    "formula-string-names": lambda s: re.sub(r'<c r="B(\d)"([^>]*) t="inlineStr"><is><t>(王[^<]*)</t></is></c>',
                                             r'<c r="B\1"\2 t="str"><f>TRIM(" \3 ")</f><v>\3</v></c>', s),
    "iso-date-cells": lambda s: re.sub(r'<c r="H(\d)"([^>]*) t="n"><v>45432</v></c>',
                                       r'<c r="H\1"\2 t="d"><v>2024-05-20T00:00:00</v></c>', s),
}


@pytest.mark.parametrize("variant", list(XML_VARIANTS))
def test_unusual_but_valid_xlsx_parts(tmp_path, variant):
    base = build(tmp_path / "base.xlsx", "annex1")
    res = run(_rewrite_sheet(base, tmp_path / f"{variant}.xlsx", XML_VARIANTS[variant]))
    assert_clean(res, "annex1")
    assert [r.values["name"] for r in res.records()] == [annex_row("annex1", i)["name"] for i in range(3)]


# ------------------------------------------------------------------ merge: nothing lost
def test_merge_of_every_unusual_form_loses_no_row(tmp_path):
    forms = tmp_path / "ledger"
    forms.mkdir()
    for k, (fam, name) in enumerate(CASES):  # different people in every file: no row replaces another
        _build_case(forms, fam, name, 3 * k)
    out = tmp_path / "台账.xlsx"
    result = CliRunner().invoke(app, ["merge", str(forms), "-o", str(out), "--as-of", "2024-06-05"])
    assert result.exit_code == 0, result.output
    wb = openpyxl.load_workbook(out, read_only=True)
    src = list(wb["来源文件"].iter_rows(values_only=True))
    head, body = src[0], src[1:]
    at = {h: i for i, h in enumerate(head)}
    assert len(body) == len(CASES)
    for row in body:
        assert (row[at["读取行数"]], row[at["并入行数"]], row[at["未并入行数"]]) == (3, 3, 0), row
    problems = [r for r in list(wb["问题清单"].iter_rows(values_only=True))[1:] if r and "X006" in map(str, r)]
    assert problems == []


def test_xingzheng_bianzhi_is_pointed_at_gongwuyuan_not_shiye_bianzhi(tmp_path):
    """行政编制 is where civil servants sit: the suggestion is 公务员 (it was 事业编制, by spelling alone)."""
    res = run(build(tmp_path / "f.xlsx", "survey", rows=_with("survey", "person_type", ["行政编制", "公务员", "公务员"])(0)))
    v002 = [f for f in res.findings if f.code == "V002"]
    assert len(v002) == 1 and "是否应为“公务员”" in v002[0].message()


@pytest.mark.parametrize("fam,key,typed", [
    ("annex1", "action", "数据录入归集/注销/修改情况"),     # the notice's 、 typed as / or ，
    ("annex1", "action", "数据录入归集，注销，修改情况"),
    ("annex1", "entry_date", "数据录入日期"),
    ("annex1", "entry_date", "录入日期"),
    ("annex1", "id", "公民身份证号码"),
    ("annex1", "id", "身份证号码（18位）"),
    ("annex1", "sex", "性别（男/女）"),
    ("annex3", "orig_unit", "原所属单位"),
    ("annex3", "unit", "现所属单位"),
    ("annex4", "lost_date", "遗失日期（年月日）"),
    # the survey's columns are not published (柞政司发〔2024〕52号 names the table only): units name them
    ("survey", "hours", "2024年度培训学时"),
    ("survey", "hours", "培训学时"),
    ("survey", "colour", "红黄绿状态"),
    ("survey", "status", "在岗情况"),
    ("survey", "person_type", "人员类别"),
    ("survey", "legal_qual", "是否具有法律职业资格（是/否）"),
])
def test_header_spellings_name_their_column(tmp_path, fam, key, typed):
    title = SPECS[fam].column(key).title
    res = run(build(tmp_path / "f.xlsx", fam, hdr=lambda t: typed if t == title else t))
    assert_clean(res, fam)
    assert key in res.sheets[0].colmap
    assert res.records()[0].values[key] == annex_row(fam, 0)[key]


def _grouped_annex3(path: Path, groups: list[tuple[str | None, list[tuple[str, str]]]]) -> Path:
    """Annex 3 with a two-row header: group titles merged over their columns, single titles merged down."""
    wb = Workbook()
    ws = wb.active
    ws.append([F.ANNEX3.title])
    ws.append([META[0], None, META[1], None, META[2], None, META[3]])
    col, order = 1, []
    for parent, kids in groups:
        if parent is None:
            for text, key in kids:
                ws.cell(3, col, text)
                ws.merge_cells(start_row=3, start_column=col, end_row=4, end_column=col)
                order.append(key)
                col += 1
            continue
        ws.cell(3, col, parent)
        ws.merge_cells(start_row=3, start_column=col, end_row=3, end_column=col + len(kids) - 1)
        for text, key in kids:
            ws.cell(4, col, text)
            order.append(key)
            col += 1
    for i in range(3):
        row = annex_row("annex3", i)
        for c, key in enumerate(order, 1):
            ws.cell(5 + i, c, i + 1 if key == "seq" else row.get(key))
    wb.save(path)
    return path


@pytest.mark.parametrize("before,after", [("原证件信息", "现证件信息"), ("原", "现"), ("原单位及证件", "现单位及岗位")])
def test_annex3_grouped_under_before_and_after_titles(tmp_path, before, after):
    """One sub-title (所属主体（受委托组织）全称) twice, under 原… and under 现…: each names its own column."""
    unit = "所属主体（受委托组织）全称"
    path = _grouped_annex3(tmp_path / "f.xlsx", [
        (None, [("序号", "seq")]), ("人员基本信息", [("姓名", "name"), ("性别", "sex"), ("身份证号码", "id")]),
        (before, [(unit, "orig_unit"), ("行政执法（监督）证件号码", "cert")]), (None, [("换证原因", "reason")]),
        (after, [(unit, "unit"), ("工作岗位及职务", "post"), ("执法种类", "field")]), (None, [("备注", "remark")])])
    res = run(path)
    assert_clean(res, "annex3")
    v = res.records()[0].values
    assert (v["orig_unit"], v["unit"], v["cert"]) == ("启东市城市管理局", "启东市市场监督管理局", annex_row("annex3", 0)["cert"])


def test_a_form_sent_again_says_on_its_source_row_which_rows_were_not_counted_twice(tmp_path):
    """A unit sends its annex 2 again with one 备注 added and no （更正版） in the name: the rows that are the
    same fact are merged once, and 来源文件 says so on the file they were not counted for (read 3 =
    merged 1 + not counted twice 2; it said 已合并 with read 3, merged 1, rejected 0)."""
    forms = tmp_path / "ledger" / "启东市城市管理局"
    forms.mkdir(parents=True)
    build(forms / "附件2.xlsx", "annex2")
    build(forms / "附件2-重新发送.xlsx", "annex2", post=lambda wb, ws: ws.cell(4, 9, "已交回原证件"))
    out = tmp_path / "台账.xlsx"
    result = CliRunner().invoke(app, ["merge", str(tmp_path / "ledger"), "-o", str(out), "--as-of", "2024-06-05",
                                      "--format", "json"])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.output[result.output.index("{"):])
    counts = {Path(f["path"]).name: (f["rows_read"], f["rows_merged"], f["rows_rejected"], f["rows_superseded"])
              for f in doc["files"]}
    assert sorted(counts.values()) == [(3, 1, 0, 2), (3, 3, 0, 0)]
    rows = list(openpyxl.load_workbook(out, read_only=True)["来源文件"].iter_rows(values_only=True))
    status = {Path(r[0]).name: r[-1] for r in rows[1:]}
    partly = next(name for name, c in counts.items() if c[3])
    assert status[partly] == "已合并；另有 2 行与本单位另一版本相同或已被其更正，不重复计入"
    assert status[next(name for name in counts if name != partly)] == "已合并"


@pytest.mark.parametrize("fill", [
    {5: "男/女", 7: "请选择"},            # a template's printed choices left in its unused numbered rows
    {7: "--请选择--"},
    {9: "/"},                            # 无内容的栏目划“/”
    {c: "/" for c in range(2, 10)},
    {c: "—" for c in range(2, 10)},
])
def test_unused_numbered_rows_holding_only_placeholders_are_not_people(tmp_path, fill):
    def unused_rows(wb: Any, ws: Any) -> None:
        for r in range(7, 20):
            ws.cell(r, 1, r - 3)
            for c, v in fill.items():
                ws.cell(r, c, v)
    res = run(build(tmp_path / "f.xlsx", "annex1", post=unused_rows))
    assert_clean(res, "annex1")  # three people, not sixteen with six errors each


@pytest.mark.parametrize("col,text", [(1, "合计"), (2, "共计3人"), (2, "以上共3人"), (1, "共 3 人"), (2, "合计：3人")])
def test_a_count_line_under_the_people_is_not_a_person(tmp_path, col, text):
    res = run(build(tmp_path / "f.xlsx", "annex2", post=lambda wb, ws: ws.cell(7, col, text)))
    assert_clean(res, "annex2")


@pytest.mark.parametrize("col,value", [(9, "2024年6月3日"), (7, dt.datetime(2024, 6, 3)), (2, "2024.6.3"), (8, "2024-06-03")])
def test_the_forms_date_printed_under_the_table_is_not_a_person(tmp_path, col, value):
    """The date of the form typed under the people, with no 盖章 / 填表人 line before it (column A blank)."""
    res = run(build(tmp_path / "f.xlsx", "annex2", post=lambda wb, ws: ws.cell(7, col, value)))
    assert_clean(res, "annex2")


def test_a_numbered_row_with_only_a_date_is_still_a_person_with_its_empty_cells_said(tmp_path):
    res = run(build(tmp_path / "f.xlsx", "annex2", post=lambda wb, ws: (ws.cell(7, 1, 4), ws.cell(7, 9, "2024年6月3日"))))
    assert res.sheets[0].record_count == 4 and "N001" in {f.code for f in res.findings}
