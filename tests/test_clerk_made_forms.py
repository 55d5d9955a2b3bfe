"""Forms as clerks make them by hand (title row, metadata spread over cells, headers with line breaks,
merged cells), each built cell by cell with openpyxl the way the case was found: valid rows must give
no false alarm."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any, Sequence

from openpyxl import Workbook, load_workbook

from tests.fixtures.builders import codes, pid, run

A1_HEAD = ["序\n号", "姓名", "所属主体（受委托\n组织）全称", "身份证号码", "性别", "行政执法（监督）\n证件号码",
           "数据录入归集、\n注销、修改情况", "数据录入\n时间", "备注"]
A4_HEAD = ["序\n号", "姓名", "所属主体（受委托\n组织）全称", "身份证号码", "性别", "行政执法（监督）\n证件号码",
           "证件遗失\n时间", "领证机关声明作废情况（申\n明作废方式、时间等）", "备注"]


def hand_made(path: Path, title: str, meta: Sequence[Any], head: Sequence[str], rows: Sequence[Sequence[Any]],
              merge: Sequence[str] = ()) -> Path:
    """Title merged over the width, the metadata line spread over cells, one header row, data rows."""
    wb = Workbook()
    ws = wb.active
    ws.append([title])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(head))
    ws.append(list(meta))
    ws.append(list(head))
    for row in rows:
        ws.append(list(row))
    for rng in merge:
        ws.merge_cells(rng)
    wb.save(path)
    return path


def test_annex1_revoke_and_reenter_one_person_is_a_replacement_not_a_duplicate(tmp_path):
    """启依法办发〔2020〕15号 一: the old card's 注销 and the new card's 录入归集 filed together; the first ID
    typed with spaces, the unit merged over both rows."""
    unit, who = "启东市城市管理局", pid("320622", dt.date(1960, 3, 2), True)
    spaced = f"{who[:6]} {who[6:14]} {who[14:]}"
    meta = ["填报单位（盖章）：" + unit, None, None, "填报人员：张三", None, "联系电话：0513-83123456", None,
            "填报时间：2024年6月3日"]
    rows = [[1, "王建国", unit, spaced, "男", "320681000101", "注销", "2024.5.20", None],
            [2, "王建国", None, who, "男", "320681000201", "录入归集", "2024.5.21", "换证"]]
    res = run(hand_made(tmp_path / "附件1.xlsx", "附件1 备案表", meta, A1_HEAD, rows, merge=["C4:C5"]))
    assert "U001" not in codes(res) and res.errors == 0
    twice = [r[:6] + [r[6] if i == 0 else "注销"] + r[7:] for i, r in enumerate(rows)]  # 注销 twice: a duplicate
    res = run(hand_made(tmp_path / "附件1-重复.xlsx", "附件1 备案表", meta, A1_HEAD, twice, merge=["C4:C5"]))
    assert codes(res).count("U001") == 1


def test_a_phone_typed_with_a_chinese_ime_dash_is_a_phone(tmp_path):
    """0513—83123456: shift+minus in a Chinese input method gives an em dash (or two)."""
    unit = "启东市汇龙镇人民政府"
    rows = [[1, "郑成功", unit, pid("320681", dt.date(1978, 4, 4), True, 40), "男", "320681000501", "2024年5月31日",
             "2024年6月1日 南通日报登报声明作废", None]]
    for phone in ("0513—83123456", "0513——8312 3456", "0513–83123456"):
        meta = ["填报单位（盖章）：" + unit, None, None, "填报人员：郑六", None, "联系电话：" + phone, None, "填报时间：",
                "2024年6月3日"]
        res = run(hand_made(tmp_path / "附件4.xlsx", "附件4 补发表", meta, A4_HEAD, rows))
        assert "M005" not in codes(res), phone
    meta[5] = "联系电话：0513—8312"  # too short stays a finding
    assert "M005" in codes(run(hand_made(tmp_path / "附件4.xlsx", "附件4 补发表", meta, A4_HEAD, rows)))


def test_the_annotated_copy_keeps_no_formula_of_the_form(tmp_path):
    """A name typed as =HYPERLINK(...) (cached value saved, as Excel and LibreOffice save it): the copy
    that goes back to the unit holds the value the form showed, never the formula."""
    from tests.corpus.make_corpus import form_rows, write_xlsx

    from certctl.annotate import annotate_results

    rows = form_rows()
    name = rows[3][1]
    rows[3][1] = ("f", f'HYPERLINK("http://example.com/x","{name}")', name)
    rows[4][0] = ("f", "1+1", 2)
    res = run(write_xlsx(tmp_path / "附件1.xlsx", rows))
    assert res.read_error is None and res.errors == 0
    annotate_results([res], tmp_path / "退回.xlsx", "zh")
    ws = load_workbook(tmp_path / "退回.xlsx")["附件1"]
    assert [c.coordinate for row in ws.iter_rows() for c in row if c.data_type == "f"] == []
    assert ws["B4"].value == name and ws["A5"].value == 2


SURVEY_HEAD = ["序号", "所属单位", "执法主体全称", "姓名", "性别", "身份证号码", "证件号码", "证件类别", "证件版本", "人员身份",
               "在岗状态", "离岗\n日期", "本年度培训学时", "新执法领域\n培训学时", "法律职业资格", "证件状态", "处理意见", "备注"]
ZS = "柞水县乾佑街道办事处"


def survey_row(i: int, **over: Any) -> list[Any]:
    male = i % 2 == 0
    row = dict(n=i + 1, ru="乾佑街道", unit=ZS, name="陈" + "一二三四五六七八九十"[i], sex="男" if male else "女",
               id=pid("610126", dt.date(1975 + i, 5, 5), male, 60 + i), cert=f"610000{i:02d}", cat="省级", ver="新版",
               pt="公务员", st="在岗", left=None, hours=64, new_hours=None, lq="否", colour="绿", opinion=None, remark=None)
    row.update(over)
    return list(row.values())


def hand_made_survey(path: Path, rows: Sequence[Sequence[Any]]) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.title = "人员"
    ws.append(["行政执法证件专项清理工作摸排统计表"])
    ws.append(["填报单位（盖章）：" + ZS, None, None, None, "填报人员：王五", None, None, "联系电话：13909147170", None,
               None, "填报时间：2024年6月3日"])
    ws.append(SURVEY_HEAD)
    for row in rows:
        ws.append(list(row))
    units = wb.create_sheet("单位")
    units.append(["单位全称", "机构编制数", "执法岗位数", "持证人数", "报送日期"])
    units.append([ZS, 20, 10, len(rows), "2024.6.3"])
    wb.save(path)
    return path


def test_a_slash_or_wu_in_a_date_or_hours_cell_that_does_not_apply_is_an_empty_cell(tmp_path):
    """离岗日期 of a holder still in post and 新执法领域培训学时 of one who did not move, marked / — 无 as
    clerks do: nothing to check (was D001 and V003 errors on valid rows)."""
    rows = [survey_row(0, left="/", new_hours="/", opinion="无", remark="无"), survey_row(1, left="—", new_hours="——"),
            survey_row(2, left="无", new_hours="无"), survey_row(3, left="／", new_hours="-")]
    res = run(hand_made_survey(tmp_path / "摸排统计表.xlsx", rows))
    assert [c for c in codes(res) if c != "S004"] == []
    retired = survey_row(0, st="退休", left="/", colour="红")  # where the date is owed, "/" is a missing date
    res = run(hand_made_survey(tmp_path / "摸排统计表2.xlsx", [retired]))
    assert "S008" in codes(res) and "D001" not in codes(res)


def test_a_recovered_card_marked_red_by_the_unit_is_not_told_to_be_green(tmp_path):
    """退休, 处理意见 已收回并注销, the unit's 证件状态 红: the card is counted by its state (已注销), not as a
    green holder, so there is no colour of the unit's to disagree with (was S007 'should be 绿')."""
    rows = [survey_row(0, st="退休", left="2024.3.1", colour="红", opinion="已收回并注销"),
            survey_row(1, st="调离", left="2024年5月6日", colour="绿", opinion="拟注销")]  # still held: S002, S007
    res = run(hand_made_survey(tmp_path / "摸排统计表.xlsx", rows))
    s007 = [f.row for f in res.findings if f.code == "S007"]
    assert s007 == [5] and "S002" in codes(res)


def annex2_three_header_rows(path: Path) -> Path:
    """Annex 2 for holders born 1936–1951 who retired; three header rows, the third a line of fill-in
    hints (（必填） （18位） （年月日）) as templates print under the header."""
    wb = Workbook()
    ws = wb.active
    ws.title = "第1页"
    ws.append(["启东市行政执法（监督）证件注销表"])
    ws.append(["填报单位（盖章）：启东市城市管理局    填报人员：张三    联系电话：0513-83123456    填报时间：2024年6月3日"])
    ws.append(["序号", "被注销人员基本情况", None, None, None, "原证件信息", "注销情况", None, None, "备注"])
    ws.append([None, "姓名", "所属主体（受委托组织）全称", "身份证号码", "性别", "原行政执法（监督）证件号码", "注销原因",
               "被注销人员去向", "变动日期", None])
    ws.append([None, "（必填）", "（全称）", "（18位）", None, None, None, None, "（年月日）", None])
    for rng in ("A3:A5", "B3:E3", "G3:I3", "J3:J5"):
        ws.merge_cells(rng)
    for i, (born, left) in enumerate([(1936, "2024.05.31"), (1945, "2024年5月31号"), (1951, "20240531")]):
        ws.append([i + 1, "刘" + "一二三"[i], "启东市城市管理局", pid("320681", dt.date(born, 2, 3), True, 80 + i), "男",
                   f"3206810009{i:02d}", "退休", "退休", left, None])
    wb.save(path)
    return path


def test_a_line_of_fill_in_hints_under_the_header_is_not_a_person(tmp_path):
    res = run(annex2_three_header_rows(tmp_path / "附件2.xlsx"))
    assert res.rows == 3 and not {"I002", "V001", "C001", "D001"} & set(codes(res)), codes(res)


def test_revoking_an_old_holders_card_asks_no_over_65_question(tmp_path):
    """I012 ('still in post? if retired, revoke the card') is answered by an annex 2 row, an annex 1 注销
    and a survey row of a holder who left; a holder still in post is asked."""
    res = run(annex2_three_header_rows(tmp_path / "附件2.xlsx"))
    assert "I012" not in codes(res)
    old = pid("610126", dt.date(1950, 5, 5), True, 70)
    rows = [survey_row(0, id=old, st="退休", left="2024.3.1", opinion="已收回并注销"),
            survey_row(2, id=pid("610126", dt.date(1951, 5, 5), True, 71))]
    res = run(hand_made_survey(tmp_path / "摸排统计表.xlsx", rows))
    assert [f.row for f in res.findings if f.code == "I012"] == [5]


def test_a_phone_with_a_word_around_it_is_a_phone(tmp_path):
    """联系电话：13912345678（手机） / 办公室0513-83123456: the number is there, the words are the clerk's."""
    unit = "启东市汇龙镇人民政府"
    rows = [[1, "郑成功", unit, pid("320681", dt.date(1978, 4, 4), True, 40), "男", "320681000501", "2024年5月31日",
             "2024年6月1日 南通日报登报声明作废", None]]
    for phone in ("13912345678（手机）", "办公室0513-83123456", "电话 13912345678"):
        meta = ["填报单位（盖章）：" + unit, None, None, "填报人员：郑六", None, "联系电话：" + phone, None,
                "填报时间：2024年6月3日"]
        assert "M005" not in codes(run(hand_made(tmp_path / "附件4.xlsx", "附件4", meta, A4_HEAD, rows))), phone
    meta[5] = "联系电话：1391234567（手机）"  # a digit short stays a finding
    assert "M005" in codes(run(hand_made(tmp_path / "附件4.xlsx", "附件4", meta, A4_HEAD, rows)))


def test_a_date_typed_with_a_chinese_full_stop_is_a_date(tmp_path):
    """2024。5。20 ("." typed with a Chinese input method on) and 2024.05.21. (a full stop after it)."""
    unit = "启东市城市管理局"
    meta = ["填报单位（盖章）：" + unit, None, None, "填报人员：张三", None, "联系电话：0513-83123456", None,
            "填报时间：2024。6。3"]
    rows = [[1, "王建国", unit, pid("320681", dt.date(1970, 3, 2), True), "男", "320681000201", "录入归集", "2024。5。20", None],
            [2, "李秀英", unit, pid("320681", dt.date(1972, 3, 2), False), "女", "320681000202", "录入归集", "2024.05.21.",
             None]]
    res = run(hand_made(tmp_path / "附件1.xlsx", "附件1", meta, A1_HEAD, rows))
    assert res.errors == 0 and "D001" not in codes(res) and "M004" not in codes(res), codes(res)


A2_HEAD = ["序号", "姓名", "所属主体（受委托组织）全称", "身份证号码", "性别", "原行政执法（监督）证件号码", "注销原因",
           "被注销人员去向", "备注"]


def test_a_correction_of_a_mistyped_id_number_replaces_the_row_with_the_typo(tmp_path):
    """The unit sends 附件2 with one ID number mistyped (rejected: I004), then (更正版) with it right. The
    row is the same card: the correction replaces it, and nothing is left rejected (it was kept as an
    error and the merge exited 1 although the unit had put it right)."""
    from certctl.ledger import build_ledger
    from certctl.validate import Options
    from certctl.workspace import load_workspace

    unit, forms = "启东市城市管理局", tmp_path / "ledger" / "城管局"
    forms.mkdir(parents=True)
    good = [pid("320681", dt.date(1970 + i, 1, 1), True, i) for i in range(3)]
    typo = good[1][:-2] + good[1][-1] + good[1][-2]  # two digits swapped
    for name, ids, day in (("附件2-注销表（6月）.xlsx", [good[0], typo, good[2]], 3),
                           ("附件2-注销表（6月）(更正版).xlsx", good, 4)):
        meta = ["填报单位（盖章）：" + unit, None, None, "填报人员：张三", None, "联系电话：0513-83123456", None,
                f"填报时间：2024年6月{day}日"]
        rows = [[i + 1, "甲乙丙"[i], unit, who, "男", f"32068100070{i}", "退休", "退休", None] for i, who in enumerate(ids)]
        hand_made(forms / name, "启东市行政执法（监督）证件注销表", meta, A2_HEAD, rows)
    assert "I004" in codes(run(forms / "附件2-注销表（6月）.xlsx"))
    led = build_ledger(load_workspace(tmp_path / "ledger", Options()), None, dt.date(2024, 6, 10))
    first = next(f for f in led.files if "更正版" not in f.path)
    assert (first.rows_read, first.rows_merged, first.rows_rejected, first.rows_superseded) == (3, 0, 0, 3)
    assert not [f for f in led.findings if f.severity == "error"]
    assert sorted(a.cert for a in led.accounts) == [f"32068100070{i}" for i in range(3)]


def test_reporter_phone_and_date_printed_under_the_table_are_read(tmp_path):
    """填报单位 above the header, 填表人 / 联系电话 / 填报时间 under the table (many units' own templates):
    was M002–M004 'missing above the header' on a form that has them; a bad phone there is pointed at."""
    unit = "启东市城市管理局"
    rows = [[1, "王一", unit, pid("320681", dt.date(1970, 1, 1), True, 1), "男", "320681000801", "录入归集",
             dt.datetime(2024, 5, 20), None],
            [2, "王二", unit, pid("320681", dt.date(1971, 1, 1), False, 2), "女", "320681000802", "录入归集",
             dt.datetime(2024, 5, 20), None],
            [None], ["填表人：张三", None, "联系电话：0513-83123456", None, None, None, "填报时间：2024年6月3日"]]
    path = hand_made(tmp_path / "附件1.xlsx", "附件1", ["填报单位（盖章）：" + unit], A1_HEAD, rows)
    res = run(path)
    assert res.rows == 2 and codes(res) == [] and res.meta.date == dt.date(2024, 6, 3), codes(res)
    rows[-1][2] = "联系电话：8312"
    res = run(hand_made(tmp_path / "附件1.xlsx", "附件1", ["填报单位（盖章）：" + unit], A1_HEAD, rows))
    assert [f.ref for f in res.findings if f.code == "M005"] == ["Sheet!C7"]


def test_merge_refuses_one_file_for_both_the_ledger_and_its_sqlite_copy(tmp_path):
    """merge -o 台账.xlsx --sqlite 台账.xlsx (a slip of the keyboard) was an 内部错误 naming an English
    exception, after writing the xlsx; now refused up front, exit 2, in Chinese."""
    from typer.testing import CliRunner

    from certctl.cli import app

    forms = tmp_path / "ledger" / "城管局"
    forms.mkdir(parents=True)
    unit = "启东市城市管理局"
    meta = ["填报单位（盖章）：" + unit, None, None, "填报人员：张三", None, "联系电话：0513-83123456", None,
            "填报时间：2024年6月3日"]
    rows = [[1, "王建国", unit, pid("320681", dt.date(1970, 3, 2), True), "男", "320681000201", "录入归集", "2024.5.21", None]]
    hand_made(forms / "附件1.xlsx", "附件1", meta, A1_HEAD, rows)
    out = tmp_path / "台账.xlsx"
    r = CliRunner().invoke(app, ["merge", str(tmp_path / "ledger"), "-o", str(out), "--sqlite", str(out)])
    assert r.exit_code == 2 and "同一个文件" in r.output and "内部错误" not in r.output, r.output
    assert not out.exists()


def test_a_survey_holder_of_a_provincial_and_a_ministry_card_has_two_rows(tmp_path):
    """证件类别 省级 on one row, 国家部委 on the next, same person: two certificates, not a duplicate (U001 was
    an error). The same person twice with the same category still is."""
    both = [survey_row(0), survey_row(0, n=2, cert="GB1234567", cat="国家部委"), survey_row(2)]
    assert "U001" not in codes(run(hand_made_survey(tmp_path / "摸排统计表.xlsx", both)))
    twice = [survey_row(0), survey_row(0, n=2, cert="61000099"), survey_row(2)]
    assert codes(run(hand_made_survey(tmp_path / "摸排统计表2.xlsx", twice))).count("U001") == 1


def test_an_annotated_copy_that_cannot_be_written_is_said_in_chinese(tmp_path, monkeypatch):
    """A folder the clerk may not write: the message was '无法写出标注文件 / cannot write the annotated
    copy: [Errno 13] Permission denied: …/.a.xlsx.xyz.tmp' — two languages and a temporary file's name."""
    from typer.testing import CliRunner

    from certctl import annotate
    from certctl.cli import app

    unit = "启东市城市管理局"
    meta = ["填报单位（盖章）：" + unit, None, None, "填报人员：张三", None, "联系电话：0513-83123456", None,
            "填报时间：2024年6月3日"]
    rows = [[1, "王建国", unit, pid("320681", dt.date(1970, 3, 2), True), "男", "320681000201", "录入归集", "2024.5.21", None]]
    form = hand_made(tmp_path / "附件1.xlsx", "附件1", meta, A1_HEAD, rows)

    def refused(*a, **k):
        raise PermissionError(13, "Permission denied", str(tmp_path / "out" / ".退回.xlsx.abc.tmp"))

    monkeypatch.setattr(annotate, "annotate_results", refused)
    out = tmp_path / "out" / "退回.xlsx"
    r = CliRunner().invoke(app, ["validate", str(form), "--annotate", str(out), "-q"])
    assert r.exit_code == 2 and f"无法写出标注副本 {out}：没有权限（Permission denied）" in r.output, r.output
    assert "Errno" not in r.output and ".tmp" not in r.output and "cannot" not in r.output

