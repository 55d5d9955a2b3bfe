"""Issue 19: one account of each certificate. Each test is a case a clerk found, built as it was found
(real forms in a folder, run through `certctl merge`, `certctl overdue` and `certctl report` on the
same date), and checks that the three give one answer.

Calendar facts used (State Council 2024 schedule): May Day 05-01..05-05 with makeup working days
04-28 (Sun) and 05-11 (Sat); 端午 06-10.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from typer.testing import CliRunner

from certctl.cli import app
from certctl.idcard import make_id
from certctl.report import report_paths
from certctl.samples import write_form
from certctl.validate import Options, validate_file

D = dt.date
QA = "启东市城市管理局"
QB = "启东市市场监督管理局"
ZA = "柞水县交通运输局"
ZB = "柞水县乾佑街道办事处"
XB = "示例县乾佑街道办事处"  # a unit neither notice names: both rule sets judge it (SPEC 6)


def person(n: int, male: bool = True) -> dict[str, Any]:
    return {"name": "王李张刘陈杨黄赵"[n % 8] + "伟芳娜敏静强磊军"[n % 8], "sex": "男" if male else "女",
            "id": make_id("320681", D(1970 + n, 1 + n % 12, 1 + n % 28), n * 2 + (1 if male else 0))}


def meta(unit: str, date: dt.date | None) -> dict[str, Any]:
    return {"unit": unit, "reporter": "张三", "phone": "0513-83123456", "date": date}


def entry(p: dict, cert: str, unit: str = QA, action: str = "录入归集", day: dt.date = D(2024, 3, 18), **kw: Any) -> dict:
    return {**p, "unit": unit, "cert": cert, "action": action, "entry_date": day, **kw}


def survey_row(p: dict, cert: str, unit: str = ZB, **kw: Any) -> dict:
    row = {**p, "reporting_unit": ZB, "unit": unit, "cert": cert, "category": "省级", "version": "新版",
           "person_type": "公务员", "status": "在岗", "hours": 64, "legal_qual": "否", "colour": "绿"}
    row.update(kw)
    return row


def registry(root: Path, *units: str) -> None:
    write_form(root / "参考名单" / "执法主体清单.xlsx", "registry",
               [{"unit": u, "short": u[3:7], "must_report": "是"} for u in units])


# ------------------------------------------------------------------------------ the three commands
def merge(root: Path, day: str, tmp: Path) -> dict[str, list[dict[str, Any]]]:
    out = tmp / f"台账-{day}.xlsx"
    res = CliRunner().invoke(app, ["merge", str(root), "-o", str(out), "--as-of", day, "--no-cache", "-q"])
    assert res.exit_code in (0, 1), res.output
    wb = openpyxl.load_workbook(out)
    sheets = {}
    for ws in wb:
        rows = list(ws.iter_rows(values_only=True))
        sheets[ws.title] = [dict(zip(rows[0], r)) for r in rows[1:]]
    return sheets


def overdue(root: Path, day: str) -> dict[str, Any]:
    res = CliRunner().invoke(app, ["overdue", "--dir", str(root), "--as-of", day, "--format", "json", "--no-cache",
                                   "--show-id"])
    assert res.exit_code in (0, 1), res.output
    return json.loads(res.stdout)


def report_units(root: Path, day: str, tmp: Path) -> dict[str, list[Any]]:
    out = tmp / "reports"
    res = CliRunner().invoke(app, ["report", "--dir", str(root), "--as-of", day, "--out", str(out), "-q"])
    assert res.exit_code in (0, 1), res.output
    ws = openpyxl.load_workbook(report_paths(out, D.fromisoformat(day))[0])["汇总"]
    rows = [[c.value for c in r] for r in ws.iter_rows()]
    head = next(i for i, r in enumerate(rows) if r[0] == "单位")
    return {r[0]: r[1:] for r in rows[head + 1:] if r[0]}


def cert_row(led: dict, cert: str) -> dict[str, Any]:
    (row,) = [r for r in led["证件台账"] if r["证件号码"] == cert]
    return row


# ------------------------------------------------------------------------------ case 1
def test_missing_the_deadline_never_turns_a_certificate_green(tmp_path: Path) -> None:
    """1 working day late in overdue on 05-13 and 绿 in the ledger (黄 “将至” on 05-08)."""
    root = tmp_path / "forms"
    p = person(1)
    write_form(root / QA / "附件1.xlsx", "annex1", [entry(p, "QD0001")], meta(QA, D(2024, 3, 20)))
    write_form(root / QA / "附件2.xlsx", "annex2", [
        {**p, "unit": QA, "cert": "QD0001", "reason": "退休", "destination": "退休", "change_date": D(2024, 4, 24)},
    ], meta(QA, D(2024, 4, 25)))
    # the card came back with the annex 2 on 04-25: system entry due 10 working days later, counting the
    # makeup days 04-28 and 05-11 and skipping May Day: 2024-05-11 (a Saturday that is a working day)
    soon = merge(root, "2024-05-08", tmp_path)
    row = cert_row(soon, "QD0001")
    assert (row["证件状态"], row["红黄绿"], row["红黄绿原因"]) == ("已注销", "黄", "系统录入期限 2024-05-11 将至")
    doc = overdue(root, "2024-05-08")
    assert [(o["kind"], o["state"], o["days_left"], o["colour"], o["status"]) for o in doc["due_soon"]] == [
        ("system_entry", "due_soon", 3, "黄", "已注销")]

    late = merge(root, "2024-05-13", tmp_path)
    row = cert_row(late, "QD0001")
    assert (row["证件状态"], row["红黄绿"]) == ("已注销", "黄")
    assert row["红黄绿原因"] == "系统录入已逾期 1 个工作日（期限 2024-05-11）"
    doc = overdue(root, "2024-05-13")
    assert [(o["kind"], o["deadline"], o["late"], o["colour"], o["status"]) for o in doc["overdue"]] == [
        ("system_entry", "2024-05-11", 1, "黄", "已注销")]
    # the ledger's 期限事项 sheet lists the same item the same way
    (item,) = [r for r in late["期限事项"] if r["状态"] == "逾期"]
    assert (item["证件号码"], item["期限"], item["逾期工作日"]) == ("QD0001", dt.datetime(2024, 5, 11), 1)
    # the report counts it yellow, not green
    units = report_units(root, "2024-05-13", tmp_path)
    assert units[QA][2:5] == [0, 1, 0]  # red, yellow, green
    # the annex 1 注销 arrives (late, 05-14): done late, nothing left to do, and the card has no colour
    write_form(root / QA / "附件1-注销.xlsx", "annex1", [entry(p, "QD0001", action="注销", day=D(2024, 5, 14))],
               meta(QA, D(2024, 5, 14)))
    done = merge(root, "2024-05-15", tmp_path)
    assert (cert_row(done, "QD0001")["红黄绿"], cert_row(done, "QD0001")["证件状态"]) == (None, "已注销")
    assert [r["状态"] for r in done["期限事项"] if r["证件号码"] == "QD0001" and "系统" in r["应办事项"]] == ["逾期办结"]


# ------------------------------------------------------------------------------ case 2
def test_loss_in_a_survey_row_is_yellow_exactly_when_overdue_lists_it(tmp_path: Path) -> None:
    """A loss recorded in a survey row: late in overdue, 绿 in the ledger, and S007/X007 told the unit
    its correct 黄 was wrong."""
    root = tmp_path / "forms"
    p, q = person(2), person(3, male=False)
    write_form(root / XB / "摸排统计表.xlsx", "survey", {"survey_people": [
        survey_row(p, reporting_unit=XB, unit=XB, cert="SX0002", remark="证件于2024年6月3日遗失", colour="黄"),
        survey_row(q, reporting_unit=XB, unit=XB, cert="SX0003"),
    ]}, meta(XB, D(2024, 6, 4)))
    for day, state in (("2024-06-04", "due_soon"), ("2024-06-12", "overdue")):
        led = merge(root, day, tmp_path)
        doc = overdue(root, day)
        listed = doc["overdue"] + doc["due_soon"]
        assert [(o["cert"], o["kind"], o["state"], o["colour"]) for o in listed] == [
            ("SX0002", "loss_report", state, "黄")]
        assert cert_row(led, "SX0002")["红黄绿"] == "黄" and "报送补发表" in cert_row(led, "SX0002")["红黄绿原因"]
        assert cert_row(led, "SX0003")["红黄绿"] == "绿"
        # the unit said 黄 and the model agrees: neither S007 nor X007 on the row
        codes = {r["代码"] for r in led["问题清单"] if r["单元格"] and r["单元格"].endswith("4")}
        assert not codes & {"S007", "X007"}, codes
    # 06-12: 06-03 + 3 working days = 06-06; 6/7, 6/11, 6/12 late (端午 06-10)
    assert overdue(root, "2024-06-12")["overdue"][0]["late"] == 3
    # the form on its own (certctl validate, the annotated copy sent back) judges the row the same way
    res = validate_file(root / XB / "摸排统计表.xlsx", Options())
    assert "S007" not in {f.code for f in res.findings}
    assert [r.colour for r in res.records("survey_people")] == ["黄", "绿"]
    # once the annex 4 arrives nothing is listed and the card is lost, awaiting reissue
    write_form(root / XB / "附件4.xlsx", "annex4", [
        {**p, "unit": XB, "cert": "SX0002", "lost_date": D(2024, 6, 3), "declaration": "2024年6月5日 登报声明作废"},
    ], meta(XB, D(2024, 6, 13)))
    doc = overdue(root, "2024-06-14")
    assert [o for o in doc["overdue"] + doc["due_soon"] if o["kind"] == "loss_report"] == []


def test_a_green_survey_row_that_is_late_gets_the_model_colour(tmp_path: Path) -> None:
    """The unit reported 绿 for the lost card: S007 on the row names the model's 黄 and why."""
    root = tmp_path / "forms"
    write_form(root / XB / "摸排统计表.xlsx", "survey", {"survey_people": [
        survey_row(person(4), reporting_unit=XB, unit=XB, cert="SX0004", remark="证件于2024年5月20日遗失", colour="绿"),
    ]}, meta(XB, D(2024, 6, 4)))
    led = merge(root, "2024-06-04", tmp_path)
    s007 = [r for r in led["问题清单"] if r["代码"] == "S007"]
    assert len(s007) == 1 and "按规则应为“黄”" in s007[0]["问题"] and "报送补发表已逾期" in s007[0]["问题"]
    (own,) = [f for f in validate_file(root / XB / "摸排统计表.xlsx", Options()).findings if f.code == "S007"]
    assert own.params["expected"] == "黄" and "补发表" in own.params["reason"]


# ------------------------------------------------------------------------------ case 3
def test_a_survey_is_credited_only_to_the_unit_that_sent_it(tmp_path: Path) -> None:
    """ZA sent no survey; ZB's survey lists ZA's holder and has a 单位 row for ZA."""
    root = tmp_path / "forms"
    registry(root, ZA, ZB)
    write_form(root / ZB / "摸排统计表.xlsx", "survey", {
        "survey_people": [survey_row(person(5), "SX0005", unit=ZA), survey_row(person(6), "SX0006")],
        "survey_units": [{"unit": ZB, "establishment": 30, "posts": 20, "holders": 1, "report_date": D(2024, 6, 3)},
                         {"unit": ZA, "establishment": 30, "posts": 20, "holders": 1, "report_date": D(2024, 6, 3)}],
    }, meta(ZB, D(2024, 6, 3)))
    day = "2024-06-06"
    doc = overdue(root, day)
    surveys = {o["unit"]: o["state"] for o in doc["overdue"] if o["kind"] == "survey"}
    assert surveys == {ZA: "overdue"}
    led = merge(root, day, tmp_path)
    units = {u["单位"]: u for u in led["单位汇总"]}
    # both owe the plan; only ZA owes the survey
    assert units[ZA]["未报送"] == "摸排统计表、培训计划" and units[ZB]["未报送"] == "培训计划"
    assert units[ZA]["收到表格"] == 0 and units[ZB]["收到表格"] == 1
    assert units[ZA]["持证人数"] == 1  # its holder is still its holder
    rep = report_units(root, day, tmp_path)
    assert rep[ZA][5] == 2 and rep[ZA][-1] == "是"  # overdue items (survey, plan), 应报未报


# ------------------------------------------------------------------------------ case 4
def test_a_training_plan_in_any_format_is_a_deliverable_not_an_error(tmp_path: Path) -> None:
    root = tmp_path / "forms"
    registry(root, ZA, ZB)
    plan = openpyxl.Workbook()
    plan.active.append(["序号", "培训内容", "学时", "时间"])
    plan.active.append([1, "行政处罚法", 8, "2024年7月"])
    (root / ZB).mkdir(parents=True)
    plan.save(root / ZB / "2024年度行政执法学习培训计划.xlsx")
    (root / ZA).mkdir(parents=True)
    (root / ZA / "交通局清理工作报告-2024-07-20.docx").write_bytes(b"PK\x03\x04 a report")
    other = openpyxl.Workbook()
    other.active.append(["随便什么"])
    other.save(root / ZA / "通讯录.xlsx")  # not a form, not a deliverable: still F002
    day = "2024-07-26"
    led = merge(root, day, tmp_path)
    files = {f["文件"]: f for f in led["来源文件"]}
    plan_row = files[f"{ZB}/2024年度行政执法学习培训计划.xlsx"]
    assert (plan_row["状态"], plan_row["表格类型"], plan_row["填报单位"]) == ("交付材料", "培训计划", ZB)
    report_row = files[f"{ZA}/交通局清理工作报告-2024-07-20.docx"]
    assert (report_row["状态"], report_row["表格类型"], report_row["填报时间"]) == (
        "交付材料", "清理工作报告", dt.datetime(2024, 7, 20))
    f002 = [r["文件"] for r in led["问题清单"] if r["代码"] == "F002"]
    assert f002 == [f"{ZA}/通讯录.xlsx"]
    doc = overdue(root, day)
    owed = sorted((o["unit"], o["kind"]) for o in doc["overdue"])
    assert owed == sorted([(ZA, "survey"), (ZA, "training_plan"), (ZB, "survey"), (ZB, "cleanup_report")])
    units = {u["单位"]: u for u in led["单位汇总"]}
    assert units[ZA]["未报送"] == "摸排统计表、培训计划" and units[ZB]["未报送"] == "摸排统计表、清理工作报告"


# ------------------------------------------------------------------------------ case 5
def test_a_revocation_is_dated_when_the_card_is_revoked_not_when_the_holder_left(tmp_path: Path) -> None:
    """An annex 2 with 变动日期 dated the revocation to the leaving day: an earlier survey became X004 and
    the holder stayed 红 after the revocation, through 2025."""
    root = tmp_path / "forms"
    p = person(7)
    write_form(root / XB / "摸排统计表.xlsx", "survey", {"survey_people": [
        survey_row(p, reporting_unit=XB, unit=XB, cert="SX0007", status="退休", leave_date=D(2024, 5, 20), colour="红"),
    ]}, meta(XB, D(2024, 6, 3)))
    write_form(root / XB / "附件2.xlsx", "annex2", [
        {**p, "unit": XB, "cert": "SX0007", "reason": "退休", "destination": "退休", "change_date": D(2024, 5, 20)},
    ], meta(XB, D(2024, 6, 5)))
    led = merge(root, "2025-03-03", tmp_path)
    assert not [r for r in led["问题清单"] if r["代码"] == "X004"]
    row = cert_row(led, "SX0007")
    assert (row["证件状态"], row["红黄绿"]) == ("已注销", "黄")  # the system entry is still owed …
    assert row["红黄绿原因"].startswith("系统录入已逾期")
    write_form(root / XB / "附件1.xlsx", "annex1", [entry(p, "SX0007", unit=XB, action="注销", day=D(2024, 6, 12))],
               meta(XB, D(2024, 6, 12)))
    led = merge(root, "2025-03-03", tmp_path)
    assert (cert_row(led, "SX0007")["证件状态"], cert_row(led, "SX0007")["红黄绿"]) == ("已注销", None)  # … not 红
    # the survey's revocation was done — late: she left 05-20 (due 05-23), the annex 2 came 06-05
    doc = overdue(root, "2025-03-03")
    # the annex 2 came 06-05, 变动日期 05-20: late by Qidong 二's 3 working days; the survey's revocation was
    # due by the end of 自查自纠 (07-01, 柞政司发〔2024〕52号 二), so it was done in time
    assert doc["counts"]["overdue"] == 0 and doc["counts"]["done_late"] == 1
    # a survey after the revocation that still reports the card held: X004 names the revocation's date
    write_form(root / XB / "摸排统计表-更新.xlsx", "survey", {"survey_people": [
        survey_row(p, reporting_unit=XB, unit=XB, cert="SX0007", status="在岗", colour="绿"),
    ]}, meta(XB, D(2024, 6, 20)))
    led = merge(root, "2025-03-03", tmp_path)
    (x004,) = [r for r in led["问题清单"] if r["代码"] == "X004"]
    assert "已于 2024-06-05 报送" in x004["问题"] and cert_row(led, "SX0007")["红黄绿"] == "红"


# ------------------------------------------------------------------------------ case 6
def test_an_entry_the_day_before_the_paper_discharges_it(tmp_path: Path) -> None:
    """Annex 2 and annex 1 注销 filed together on 11-26, 数据录入时间 11-25: 15 working days late on 12-31."""
    root = tmp_path / "forms"
    p = person(8)
    write_form(root / QA / "附件1-录入.xlsx", "annex1", [entry(p, "QD0008")], meta(QA, D(2024, 3, 20)))
    write_form(root / QA / "附件2.xlsx", "annex2", [
        {**p, "unit": QA, "cert": "QD0008", "reason": "调离", "destination": "启东市财政局", "change_date": D(2024, 11, 22)},
    ], meta(QA, D(2024, 11, 26)))
    write_form(root / QA / "附件1-注销.xlsx", "annex1", [entry(p, "QD0008", action="注销", day=D(2024, 11, 25))],
               meta(QA, D(2024, 11, 26)))
    doc = overdue(root, "2024-12-31")
    assert doc["overdue"] == [] and doc["counts"]["overdue"] == 0
    led = merge(root, "2024-12-31", tmp_path)
    (item,) = [r for r in led["期限事项"] if r["证件号码"] == "QD0008" and "系统" in r["应办事项"]]
    assert (item["状态"], item["起算日期"], item["办结日期"]) == ("已办结", dt.datetime(2024, 11, 26),
                                                            dt.datetime(2024, 11, 26))
    row = cert_row(led, "QD0008")
    assert (row["证件状态"], row["红黄绿"]) == ("已注销", None)


# ------------------------------------------------------------------------------ case 7
def test_certificates_are_counted_by_state_and_holders_follow_annex_3(tmp_path: Path) -> None:
    """Revoked certificates were counted 绿; a holder moved by annex 3 stayed under the old unit."""
    root = tmp_path / "forms"
    stay, gone, mover = person(9), person(10), person(11)
    write_form(root / QA / "附件1.xlsx", "annex1",
               [entry(stay, "QD0009"), entry(gone, "QD0010"), entry(mover, "QD0011")], meta(QA, D(2024, 3, 20)))
    write_form(root / QA / "附件2.xlsx", "annex2", [
        {**gone, "unit": QA, "cert": "QD0010", "reason": "退休", "destination": "退休", "change_date": D(2024, 5, 29)},
    ], meta(QA, D(2024, 5, 30)))
    write_form(root / QA / "附件1-注销.xlsx", "annex1", [entry(gone, "QD0010", action="注销", day=D(2024, 6, 3))],
               meta(QA, D(2024, 6, 3)))
    write_form(root / QB / "附件3.xlsx", "annex3", [
        {**mover, "orig_unit": QA, "cert": "QD0011", "reason": "调动", "unit": QB, "post": "科员", "field": "市场监管",
         "new_field_hours": 24, "change_date": D(2024, 5, 31)},
    ], meta(QB, D(2024, 6, 4)))
    res = CliRunner().invoke(app, ["merge", str(root), "-o", str(tmp_path / "台账.xlsx"), "--as-of", "2024-06-05",
                                   "--no-cache", "-q"])
    assert "证件 3 本（有效 1，已注销 1，已换发 1）：红 0，黄 0，绿 1" in res.output
    led = merge(root, "2024-06-05", tmp_path)
    units = {u["单位"]: u for u in led["单位汇总"]}
    assert (units[QA]["持证人数"], units[QA]["证件数"], units[QA]["绿"]) == (1, 2, 1)
    assert (units[QB]["持证人数"], units[QB]["证件数"]) == (1, 1)
    assert cert_row(led, "QD0011")["所属主体"] == QB
    rep = report_units(root, "2024-06-05", tmp_path)
    assert rep[QB][:2] == [1, 1] and rep[QA][:5] == [1, 2, 0, 0, 1]


# ------------------------------------------------------------------------------ the clocks of SPEC 4
def test_a_new_card_clock_starts_only_at_a_recorded_signing(tmp_path: Path) -> None:
    """启依法办发〔2020〕15号 一: 10 working days from 签收 — never from a filing date; unknown: not checkable."""
    root = tmp_path / "forms"
    p, q = person(12), person(13)
    write_form(root / QA / "附件4.xlsx", "annex4", [
        {**p, "unit": QA, "cert": "QD0012", "lost_date": D(2024, 5, 27), "declaration": "2024年5月28日 登报声明作废"},
        {**q, "unit": QA, "cert": "QD0013", "lost_date": D(2024, 5, 27), "declaration": "2024年5月28日 登报声明作废",
         "remark": "新证于2024年6月3日签收"},
    ], meta(QA, D(2024, 5, 29)))
    doc = overdue(root, "2024-07-01")
    assert [(o["cert"], o["since"], o["deadline"]) for o in doc["overdue"]] == [("QD0013", "2024-06-03", "2024-06-18")]
    assert doc["counts"]["not_checkable"] == 1  # QD0012: no 签收 recorded
    led = merge(root, "2024-07-01", tmp_path)
    nc = [r for r in led["期限事项"] if r["状态"] == "无法核对"]
    assert [r["证件号码"] for r in nc] == ["QD0012"] and nc[0]["期限"] is None
    # the new card entered (annex 1 录入归集 with its own number) discharges it, whenever it was filed
    write_form(root / QA / "附件1.xlsx", "annex1", [entry(q, "QD0113", day=D(2024, 6, 14))], meta(QA, D(2024, 6, 14)))
    doc = overdue(root, "2024-07-01")
    assert doc["overdue"] == []
