"""Cases an outside tester found on forms built the way units send them (redteam3): each is a real
.xlsx written in the test, run through the library or the CLI as a clerk would run it."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from certctl.cli import app
from certctl.config import Config
from certctl.samples import write_form
from certctl.validate import Options, validate_file

from test_rulesets import ZA, meta, overdue_json, person, survey_row

D = dt.date


def revoked_pair(a: dict, b: dict, unit: str, cert_a: str, cert_b: str) -> list[dict]:
    """Two holders' annex 2 rows (retired on 2024-06-03): ``b``'s certificate number is what versions differ in."""
    return [{**p, "unit": unit, "cert": cert, "reason": "退休", "destination": "退休", "change_date": D(2024, 6, 3)}
            for p, cert in ((a, cert_a), (b, cert_b))]


# -------------------------------------------------------------- a holder who left after 自查自纠
def test_a_holder_who_left_after_the_self_correction_phase_is_not_late_before_leaving(tmp_path: Path) -> None:
    """As found: a survey of 2024-07-10 with a holder who moved away on 07-08 said T004 “应在自查自纠阶段内
    （2024-07-01 前）办结 … 已逾期 7 个工作日” and overdue listed 起算 07-08, 期限 07-01: a deadline before
    the event. 柞政司发〔2024〕52号 三.3 says 及时收回并注销; one who leaves after the phase has until the
    campaign's end (07-31); one who leaves after the campaign owes the campaign nothing."""
    root = tmp_path / "ledger"
    p, q = person(1), person(2, male=False)
    write_form(root / ZA / "摸排统计表.xlsx", "survey", {"survey_people": [
        survey_row(p, "SX0001", ZA, status="调离", leave_date=D(2024, 7, 8), colour="红"),
        survey_row(q, "SX0002", ZA, status="退休", leave_date=D(2024, 6, 20), colour="红"),
    ]}, meta(ZA, D(2024, 7, 10)))
    res = validate_file(root / ZA / "摸排统计表.xlsx", Options.from_config(Config()))
    t004 = [f for f in res.findings if f.code == "T004"]
    assert [f.params["event"] for f in t004] == ["2024-06-20"]  # the one who left in June: late since 07-01
    assert "自查自纠阶段内（2024-07-01 前" in t004[0].message()
    assert {f.code for f in res.findings if f.row == t004[0].row - 1} >= {"S002"}  # the July leaver: still red

    def revocation(day: str) -> dict[str, dict]:
        doc = overdue_json(root, day)[1]
        return {o["name"]: o for o in doc["overdue"] + doc["due_soon"] if o["kind"] == "revocation"}

    july10 = revocation("2024-07-10")
    assert july10[q["name"]]["deadline"] == "2024-07-01" and july10[q["name"]]["late"] == 7
    assert p["name"] not in july10  # not yet due on 07-10: due 07-31
    doc = overdue_json(root, "2024-07-31")[1]
    mine = [o for o in doc["due_soon"] if o["name"] == p["name"]]
    assert [(o["since"], o["deadline"], o["state"]) for o in mine] == [("2024-07-08", "2024-07-31", "due_today")]

    # a survey after the campaign's end: a holder who left after it is S002, but no campaign deadline
    write_form(root / ZA / "摸排统计表.xlsx", "survey", {"survey_people": [
        survey_row(p, "SX0001", ZA, status="调离", leave_date=D(2024, 8, 5), colour="红")]}, meta(ZA, D(2024, 8, 20)))
    codes = {f.code for f in validate_file(root / ZA / "摸排统计表.xlsx", Options.from_config(Config())).findings}
    assert "S002" in codes and "T004" not in codes
    assert not [o for o in overdue_json(root, "2024-08-20")[1]["overdue"] if o["kind"] == "revocation"]


def test_a_july_leaver_late_after_the_campaign_end_is_told_the_campaign_end(tmp_path: Path) -> None:
    """A holder who left on 07-08, still held on a survey of 08-02: T004 counts from the campaign's end."""
    p = person(3)
    write_form(tmp_path / "s.xlsx", "survey", {"survey_people": [
        survey_row(p, "SX0003", ZA, status="辞职", leave_date=D(2024, 7, 8), colour="红")]}, meta(ZA, D(2024, 8, 2)))
    (t004,) = [f for f in validate_file(tmp_path / "s.xlsx", Options.from_config(Config())).findings
               if f.code == "T004"]
    assert t004.params["deadline"] == "2024-07-31" and t004.params["late"] == 2
    assert "专项清理结束前" in t004.message() and "by the end of the cleanup" in t004.message("en")


# -------------------------------------------------------------- formulas saved by openpyxl, never computed
def test_a_form_whose_formulas_openpyxl_saved_without_values_is_refused_not_read_as_empty(tmp_path: Path) -> None:
    """As found: a form written by a script (openpyxl), whose 序号, 姓名 and 身份证号码 are formulas
    (=A4+1, =B4, =D4) never computed, was read with those cells empty: “姓名为空”, “身份证号码为空”,
    “数据录入时间为必填项” — wrong about the cells. openpyxl writes such a formula as <f>…</f><v />,
    which the check for values not saved missed; now it is F001 with what to do."""
    import openpyxl

    unit = "启东市惠萍镇人民政府"
    p = person(4, "320681")
    path = tmp_path / "附件1.xlsx"
    write_form(path, "annex1", [{**p, "unit": unit, "cert": "JS201", "action": "录入归集", "entry_date": D(2024, 6, 3)},
                                {**person(5, "320681"), "unit": unit, "cert": "JS202", "action": "录入归集",
                                 "entry_date": D(2024, 6, 3)}],
               {"unit": unit, "reporter": "张三", "phone": "13812345678", "date": D(2024, 6, 5)})
    wb = openpyxl.load_workbook(path)
    ws = wb.worksheets[0]
    head = next(r for r in range(1, 10) if str(ws.cell(r, 2).value or "").strip() == "姓名")
    first = head + 1
    for col in (1, 2, 4):  # the second person's 序号, 姓名, 身份证号码 copied down by formula
        letter = "ABD"[(1, 2, 4).index(col)]
        ws.cell(first + 1, col).value = f"={letter}{first}" if col != 1 else f"=A{first}+1"
    wb.save(path)
    res = validate_file(path, Options.from_config(Config()))
    codes = [f.code for f in res.findings]
    assert codes == ["F001"], [(f.code, f.ref, f.message()) for f in res.findings]
    assert "公式单元格没有保存计算结果" in res.findings[0].message() and "Excel 或 WPS 中打开后保存" in res.findings[0].message()


# -------------------------------------------------------------- a correction of a form also kept as a copy
def test_a_correction_is_recognised_when_the_first_version_is_also_kept_as_a_copy(tmp_path: Path) -> None:
    """As found: a unit's 附件2_注销表.xlsx, a byte-identical copy of it in the unit's 旧/ folder (merged once,
    under the copy's path, which sorts first) and 附件2_注销表（更正版）.xlsx correcting one certificate
    number. The correction was not recognised — X008 said “文件名却未标明更正版” of a file named （更正版）
    — and the typo number stayed in 证件台账 as a third revoked certificate. The copy's names are the
    original's names: the correction replaces the row."""
    import openpyxl

    unit = "启东市近海镇人民政府"
    root = tmp_path / "ledger"
    a, b = person(6, "320681"), person(7, "320681", male=False)

    def rows(cert_b: str) -> list[dict]:
        return revoked_pair(a, b, unit, "JS0001", cert_b)

    first = root / unit / "附件2_注销表.xlsx"
    write_form(first, "annex2", rows("JS0002"), {**meta(unit, D(2024, 6, 5)), "phone": "0513-83312345"})
    (root / unit / "旧").mkdir()
    (root / unit / "旧" / "注销表副本.xlsx").write_bytes(first.read_bytes())
    write_form(root / unit / "附件2_注销表（更正版）.xlsx", "annex2", rows("JS0003"),
               {**meta(unit, D(2024, 6, 6)), "phone": "0513-83312345"})
    out = tmp_path / "台账.xlsx"
    res = CliRunner().invoke(app, ["merge", str(root), "-o", str(out), "--as-of", "2024-06-06", "--no-cache", "-q"])
    assert res.exit_code in (0, 1), res.output
    wb = openpyxl.load_workbook(out)
    certs = [r[0] for r in wb["证件台账"].iter_rows(min_row=2, values_only=True) if r[0]]
    assert sorted(certs) == ["JS0001", "JS0003"]
    codes = [r[3] for r in wb["问题清单"].iter_rows(min_row=2, values_only=True) if r[0]]
    assert "X008" not in codes and "X009" in codes and "X005" in codes


# -------------------------------------------------------------- an event before the notice was issued
def test_a_change_before_the_qidong_notice_is_counted_from_its_issue(tmp_path: Path) -> None:
    """As found: an annex 2 whose holder left on 2020-10-01, filed 2020-12-01, was T002 “逾期 36 个工作日”
    from 2020-10-12 — a 3-working-day duty of 启依法办发〔2020〕15号 二 before that notice was issued
    (2020-11-25). It is counted from the issue: due 2020-11-30 (26, 27, 30 November), 1 day late; a loss
    of 2020-11-20 reported on 2020-11-30 is on time."""
    from certctl.overdue import find_obligations, load_forms

    unit = "启东市吕四港镇人民政府"
    root = tmp_path / "ledger"
    p, q = person(8, "320681"), person(9, "320681")
    write_form(root / unit / "附件2.xlsx", "annex2", [
        {**p, "unit": unit, "cert": "JS0101", "reason": "调离", "destination": "县公安局", "change_date": D(2020, 10, 1)},
    ], {**meta(unit, D(2020, 12, 1)), "phone": "0513-83312345"})
    write_form(root / unit / "附件4.xlsx", "annex4", [
        {**q, "unit": unit, "cert": "JS0102", "lost_date": D(2020, 11, 20), "declaration": "2020年11月21日登报声明作废"},
    ], {**meta(unit, D(2020, 11, 30)), "phone": "0513-83312345"})
    opts = Options.from_config(Config())
    (t002,) = [f for f in validate_file(root / unit / "附件2.xlsx", opts).findings if f.code == "T002"]
    assert (t002.params["deadline"], t002.params["late"]) == ("2020-11-30", 1)
    assert "2020-11-25 印发之前，期限自印发之日起算" in t002.message() and "before 启依法办发" in t002.message("en")
    assert "T001" not in {f.code for f in validate_file(root / unit / "附件4.xlsx", opts).findings}
    obs = {o.kind: o for o in find_obligations(load_forms(root, opts), Config(), D(2020, 12, 31))
           if o.kind in ("change_report", "loss_report")}
    assert (obs["change_report"].deadline, obs["change_report"].state, obs["change_report"].late) == \
        (D(2020, 11, 30), "done_late", 1)
    assert (obs["loss_report"].deadline, obs["loss_report"].state) == (D(2020, 11, 30), "done")


# -------------------------------------------------------------- a folder that cannot be listed
def test_a_folder_that_cannot_be_listed_is_said_in_chinese(tmp_path: Path, monkeypatch: Any) -> None:
    """As left: a sub-folder that failed with a disk error (EIO on a network share) was reported as
    “无法打开文件夹（Input/output error）” — the system's English inside the Chinese sentence. Now the cause
    is said in Chinese (磁盘读写出错), the system's text kept in brackets; English mode keeps the system's."""
    import errno
    import os

    from certctl import workspace

    unit = "启东市惠萍镇人民政府"
    root = tmp_path / "ledger"
    write_form(root / unit / "附件1.xlsx", "annex1", [
        {**person(10, "320681"), "unit": unit, "cert": "JS301", "action": "录入归集", "entry_date": D(2024, 6, 3)}],
        {**meta(unit, D(2024, 6, 5)), "phone": "0513-83312345"})
    (root / "共享盘").mkdir()
    real = os.scandir

    def scandir(path: Any) -> Any:
        if Path(path).name == "共享盘":
            raise OSError(errno.EIO, "Input/output error", str(path))
        return real(path)

    monkeypatch.setattr(workspace.os, "scandir", scandir)
    listing = workspace.find_forms([root])
    assert [p.name for p in listing.files] == ["附件1.xlsx"]
    ((folder, err),) = listing.unreadable
    assert folder.name == "共享盘"
    assert err.reason("zh") == "无法打开文件夹：磁盘读写出错（Input/output error），其中的表格都未读取"
    assert "Input/output error" in err.reason("en") and "磁盘" not in err.reason("en")


# -------------------------------------------------------------- the annotated copy in English
def test_the_annotated_copy_in_english_names_its_list_in_english_and_can_be_written_again(tmp_path: Path) -> None:
    """As left: `validate --annotate --lang en` named the findings sheet 问题清单. Now “Problems”; a second
    run over the same copy still knows it as certctl's annotated copy (replaced, not refused)."""
    import openpyxl

    unit = "启东市南阳镇人民政府"
    form = tmp_path / "附件4.xlsx"
    write_form(form, "annex4", [{**person(11, "320681"), "unit": unit, "cert": "JS401", "lost_date": D(2024, 5, 6),
                                 "declaration": ""}], {**meta(unit, D(2024, 6, 3)), "phone": "0513-83312345"})
    out = tmp_path / "returned.xlsx"
    for _ in range(2):
        res = CliRunner().invoke(app, ["validate", str(form), "--annotate", str(out), "--lang", "en"])
        assert res.exit_code == 1, res.output
        assert openpyxl.load_workbook(out).sheetnames[0] == "Problems"
    zh = tmp_path / "退回.xlsx"
    assert CliRunner().invoke(app, ["validate", str(form), "--annotate", str(zh)]).exit_code == 1
    assert openpyxl.load_workbook(zh).sheetnames[0] == "问题清单"


# -------------------------------------------------------------- a ledger the clerk copied among the forms
def test_a_ledger_copied_among_the_forms_is_named_on_its_summary_line(tmp_path: Path) -> None:
    """As found: a clerk's copy of the ledger (台账-6月备份.xlsx) in the forms folder was skipped (F008) with
    the summary line “台账-6月备份.xlsx：，0 行，…” — an empty form name. It says what the file is."""
    unit = "启东市近海镇人民政府"
    root = tmp_path / "ledger"
    write_form(root / unit / "附件2.xlsx", "annex2", [
        {**person(12, "320681"), "unit": unit, "cert": "JS0012", "reason": "退休", "destination": "退休",
         "change_date": D(2024, 6, 3)}], {**meta(unit, D(2024, 6, 5)), "phone": "0513-83312345"})
    ledger = tmp_path / "台账.xlsx"
    assert CliRunner().invoke(app, ["merge", str(root), "-o", str(ledger), "-q", "--no-cache"]).exit_code in (0, 1)
    copy = root / "台账-6月备份.xlsx"
    copy.write_bytes(ledger.read_bytes())
    res = CliRunner().invoke(app, ["validate", str(copy)])
    first = res.stdout.splitlines()[0]
    assert res.exit_code == 0 and "：，" not in first and "certctl 生成的台账，未作为表格读取" in first, res.stdout
    en = CliRunner().invoke(app, ["validate", str(copy), "--lang", "en"]).stdout.splitlines()[0]
    assert "certctl's own ledger" in en and ": ," not in en


# -------------------------------------------------------------- a 签收 day written without its year
def test_a_signing_day_written_without_its_year_starts_the_ten_day_clock(tmp_path: Path) -> None:
    """As found: an annex 1 row whose 备注 says “9月27日签收新证” (as clerks write it) started no clock:
    only a date with its year was read, so a filing 11 working days after the signing was never late.
    The year is the form's: the last 9月27日 on or before its 填报时间 (a January form's “12月28日” is
    the year before). 2024-09-27 + 10 working days (29 Sept and 12 Oct are makeup working days) is
    2024-10-16: filed 10-17, one day late (启依法办发〔2020〕15号 一)."""
    from certctl.overdue import find_obligations, load_forms

    unit = "启东市王鲍镇人民政府"
    root = tmp_path / "ledger"
    p, q = person(13, "320681"), person(14, "320681")
    phone = "0513-83312345"
    write_form(root / unit / "附件1_10月.xlsx", "annex1", [
        {**p, "unit": unit, "cert": "JS1301", "action": "录入归集", "entry_date": D(2024, 10, 17),
         "remark": "9月27日签收新证"}], {**meta(unit, D(2024, 10, 17)), "phone": phone})
    write_form(root / unit / "附件1_1月.xlsx", "annex1", [
        {**q, "unit": unit, "cert": "JS1401", "action": "录入归集", "entry_date": D(2025, 1, 10),
         "remark": "新证已于12月28日签收"}], {**meta(unit, D(2025, 1, 10)), "phone": phone})
    obs = {o.cert: o for o in find_obligations(load_forms(root, Options.from_config(Config())), Config(), D(2025, 2, 1))
           if o.kind == "new_card_entry"}
    assert (obs["JS1301"].since, obs["JS1301"].deadline, obs["JS1301"].state, obs["JS1301"].late) == \
        (D(2024, 9, 27), D(2024, 10, 16), "done_late", 1)
    assert obs["JS1401"].since == D(2024, 12, 28) and obs["JS1401"].state == "done"


# -------------------------------------------------------------- a 填表示例 sheet beside the form
def test_an_example_sheet_beside_the_form_is_not_merged_as_a_person(tmp_path: Path) -> None:
    """As found: a unit's annex 2 kept its template's 填表示例 sheet (the header and one made-up row, 张三
    of XX镇人民政府): the example was read as a second sheet of data and merged into 证件台账 as a revoked
    certificate. A sheet named as an example or instructions is left out when another sheet holds the
    form (F012, info, with its row count); a form whose only sheet is so named is still read."""
    import openpyxl

    unit = "启东市东海镇人民政府"
    root = tmp_path / "ledger"
    path = root / unit / "附件2.xlsx"
    real, example = person(15, "320681"), person(16, "320681")
    write_form(path, "annex2", [{**real, "unit": unit, "cert": "JS1501", "reason": "退休", "destination": "退休",
                                 "change_date": D(2024, 6, 3)}], {**meta(unit, D(2024, 6, 5)), "phone": "0513-83312345"})
    wb = openpyxl.load_workbook(path)
    src = wb.worksheets[0]
    ex = wb.copy_worksheet(src)
    ex.title = "填表示例"
    head = next(r for r in range(1, 10) if str(src.cell(r, 2).value or "").strip() == "姓名")
    for col, value in ((2, example["name"]), (3, "XX镇人民政府"), (4, example["id"]), (6, "JS0000")):
        ex.cell(head + 1, col).value = value
    wb.save(path)
    res = validate_file(path, Options.from_config(Config()))
    assert res.rows == 1
    (f012,) = [f for f in res.findings if f.code == "F012"]
    assert f012.sheet == "填表示例" and f012.params["rows"] >= 1 and "未作为报送数据读取" in f012.message()
    out = tmp_path / "台账.xlsx"
    assert CliRunner().invoke(app, ["merge", str(root), "-o", str(out), "--no-cache", "-q"]).exit_code in (0, 1)
    certs = [r[0] for r in openpyxl.load_workbook(out)["证件台账"].iter_rows(min_row=2, values_only=True) if r[0]]
    assert certs == ["JS1501"]
    # the form sent on its template's 示例 sheet alone: read
    wb = openpyxl.load_workbook(path)
    del wb["Sheet1" if "Sheet1" in wb.sheetnames else wb.sheetnames[0]]
    wb.save(path)
    alone = validate_file(path, Options.from_config(Config()))
    assert alone.rows == 1 and "F012" not in {f.code for f in alone.findings}


# -------------------------------------------------------------- the same row sent again, no correction
def test_a_row_sent_again_is_not_called_superseded_by_a_correction(tmp_path: Path) -> None:
    """As found: a unit sent one person's annex 1 row in two unmarked files (10-16, then again with another
    person on 10-17); merge's totals said “被更正版取代 1” though no file is a correction. It says
    “重复报送或被更正版取代 1” (the row is counted once either way)."""
    unit = "启东市王鲍镇人民政府"
    root = tmp_path / "ledger"
    p, q = person(17, "320681"), person(18, "320681")
    phone = "0513-83312345"
    row = {**p, "unit": unit, "cert": "JS1701", "action": "录入归集", "entry_date": D(2024, 10, 16)}
    write_form(root / unit / "附件1_a.xlsx", "annex1", [row], {**meta(unit, D(2024, 10, 16)), "phone": phone})
    write_form(root / unit / "附件1_b.xlsx", "annex1", [row, {**q, "unit": unit, "cert": "JS1801", "action": "录入归集",
                                                              "entry_date": D(2024, 10, 17)}],
               {**meta(unit, D(2024, 10, 17)), "phone": phone})
    res = CliRunner().invoke(app, ["merge", str(root), "-o", str(tmp_path / "台账.xlsx"), "--no-cache", "--as-of",
                                   "2024-10-20"])
    assert res.exit_code == 0, res.output
    assert "读取 3 行 = 并入 2 + 未并入 0 + 重复报送或被更正版取代 1" in res.output, res.output
    assert "更正版：" not in res.output


# -------------------------------------------------------------- a form dated in the future
def test_a_form_dated_after_today_is_said_and_its_result_is_kept_for_the_day_only(tmp_path: Path) -> None:
    """As found: an annex 4 whose 填报时间 was next month (a wrong year is the usual cause) validated without a
    word, its deadlines counted from that date. M007 (warning) says so; its cached result holds for the
    day only, so the warning goes once the date is reached."""
    from certctl.cache import holds_any_day

    unit = "启东市吕四港镇人民政府"
    later = dt.date.today() + dt.timedelta(days=40)
    path = tmp_path / "附件4.xlsx"
    write_form(path, "annex4", [{**person(19, "320681"), "unit": unit, "cert": "JS1901", "lost_date": later,
                                 "declaration": "已登报声明作废"}], {**meta(unit, later), "phone": "0513-83312345"})
    res = validate_file(path, Options.from_config(Config()))
    (m007,) = [f for f in res.findings if f.code == "M007"]
    assert m007.severity == "warning" and m007.params["date"] == later.isoformat()
    assert f"晚于今天（{dt.date.today().isoformat()}）" in m007.message() and m007.ref.startswith("附件4!")
    assert not holds_any_day(res)
    write_form(path, "annex4", [{**person(19, "320681"), "unit": unit, "cert": "JS1901", "lost_date": dt.date.today(),
                                 "declaration": "已登报声明作废"}], {**meta(unit, dt.date.today()), "phone": "0513-83312345"})
    today = validate_file(path, Options.from_config(Config()))
    assert "M007" not in {f.code for f in today.findings} and holds_any_day(today)


# -------------------------------------------------------------- --annotate for a folder that holds one form
def test_annotating_a_folder_of_one_form_into_a_new_folder(tmp_path: Path) -> None:
    """As found: `validate 收件箱 --annotate 退回` on a folder that held a single form was exit 2, “标注副本应为
    .xlsx 文件 / the annotated copy must be an .xlsx file” — the clerk cannot know how many forms a folder
    holds, and the message was in both languages at once. A name without an extension is a folder (made);
    the refusal of another extension is said in the run's language."""
    import openpyxl

    unit = "启东市南阳镇人民政府"
    inbox = tmp_path / "收件箱"
    write_form(inbox / "附件4.xlsx", "annex4", [{**person(20, "320681"), "unit": unit, "cert": "JS2001",
                                                "lost_date": D(2024, 5, 6), "declaration": ""}],
               {**meta(unit, D(2024, 6, 3)), "phone": "0513-83312345"})
    out = tmp_path / "退回"
    res = CliRunner().invoke(app, ["validate", str(inbox), "--annotate", str(out)])
    assert res.exit_code == 1, res.output
    assert openpyxl.load_workbook(out / "附件4.检查结果.xlsx").sheetnames[0] == "问题清单"
    en = CliRunner().invoke(app, ["validate", str(inbox), "--annotate", str(tmp_path / "x.txt"), "--lang", "en"])
    assert en.exit_code == 2 and "must be an .xlsx file or a folder" in en.output and "标注" not in en.output
    zh = CliRunner().invoke(app, ["validate", str(inbox), "--annotate", str(tmp_path / "x.txt")])
    assert zh.exit_code == 2 and "标注副本应为 .xlsx 文件，或一个文件夹" in zh.output and "must be" not in zh.output


# -------------------------------------------------------------- a correction whose name is not the first one's
def test_a_correction_named_otherwise_than_the_first_version_is_still_a_correction(tmp_path: Path) -> None:
    """As found: 近海镇注销表6月5日.xlsx, then 附件2（更正版）.xlsx from the same unit correcting one certificate
    number: X008 said “文件名却未标明更正版” of a file named （更正版）, and the typo stayed in 证件台账. A
    version mark that is no earlier file's name marked still marks a correction of the earlier files it
    shares people with."""
    import openpyxl

    unit = "启东市近海镇人民政府"
    root = tmp_path / "ledger"
    a, b = person(21, "320681"), person(22, "320681", male=False)

    def rows(cert_b: str) -> list[dict]:
        return revoked_pair(a, b, unit, "JS2101", cert_b)

    phone = "0513-83312345"
    write_form(root / unit / "近海镇注销表6月5日.xlsx", "annex2", rows("JS2102"), {**meta(unit, D(2024, 6, 5)), "phone": phone})
    write_form(root / unit / "附件2（更正版）.xlsx", "annex2", rows("JS2103"), {**meta(unit, D(2024, 6, 6)), "phone": phone})
    out = tmp_path / "台账.xlsx"
    res = CliRunner().invoke(app, ["merge", str(root), "-o", str(out), "--as-of", "2024-06-07", "--no-cache", "-q"])
    assert res.exit_code in (0, 1), res.output
    wb = openpyxl.load_workbook(out)
    assert sorted(r[0] for r in wb["证件台账"].iter_rows(min_row=2, values_only=True) if r[0]) == ["JS2101", "JS2103"]
    codes = [r[3] for r in wb["问题清单"].iter_rows(min_row=2, values_only=True) if r[0]]
    assert "X008" not in codes and "X009" in codes


# -------------------------------------------------------------- merge of a folder with no certificate
def test_merge_of_forms_with_no_certificate_says_none_without_empty_brackets(tmp_path: Path) -> None:
    """As found: merging a folder whose only form had a header and no rows said “证件 0 本（）：红 0…” —
    an empty bracket where the states go. It says “证件 0 本：红 0…” (“0 certificates: red 0” in English)."""
    unit = "启东市惠萍镇人民政府"
    root = tmp_path / "ledger"
    write_form(root / unit / "附件1.xlsx", "annex1", [], {**meta(unit, D(2024, 6, 5)), "phone": "0513-83312345"})
    for lang, want, bad in (("zh", "证件 0 本：红 0", "（）"), ("en", "0 certificates: red 0", "()")):
        res = CliRunner().invoke(app, ["merge", str(root), "-o", str(tmp_path / f"台账-{lang}.xlsx"), "--as-of",
                                       "2024-06-06", "--no-cache", "--lang", lang])
        assert res.exit_code == 0, res.output
        first = res.output.splitlines()[0]
        assert want in first and bad not in first, first


# -------------------------------------------------------------- a zero-width space in a certificate number
def test_a_zero_width_character_in_a_certificate_number_is_dropped(tmp_path: Path) -> None:
    """As found: a certificate number pasted from a chat with a zero-width space (JS\\u200b0003) was C002
    “证件号码“JS​0003”含有字母和数字以外的字符” — the clerk sees JS0003 and nothing to correct (an ID number
    with the same character was accepted, I007). Characters Excel does not show are dropped; a visible
    space or a hyphen is still C002."""
    unit = "启东市汇龙镇人民政府"
    path = tmp_path / "附件1.xlsx"
    rows = [{**person(23 + k, "320681"), "unit": unit, "cert": cert, "action": "录入归集", "entry_date": D(2024, 6, 3)}
            for k, cert in enumerate(("JS\u200b0003", "\ufeffJS0004\u00ad", "JS 0005", "JS-0006"))]
    write_form(path, "annex1", rows, {**meta(unit, D(2024, 6, 5)), "phone": "0513-83312345"})
    res = validate_file(path, Options.from_config(Config()))
    c002 = sorted(f.value for f in res.findings if f.code == "C002")
    assert c002 == ["JS 0005", "JS-0006"]
    certs = [rec.values.get("cert") for s in res.sheets for rec in s.records]
    assert certs[:2] == ["JS0003", "JS0004"]
