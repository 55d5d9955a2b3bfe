"""The cleanup's cases, statistics, revocation list, roster and draft on a built campaign: every 三.2
category and a training shortfall, resolved by annex 2 and annex 3, judged on the days around the
self-correction deadline (2024-06-30 is a Sunday: overdue from 07-02); rows that are fine, or already
revoked, count nowhere; the lists open in openpyxl and python-calamine, print on A4, mask IDs."""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path

import pytest
from openpyxl import load_workbook
from python_calamine import CalamineWorkbook
from typer.testing import CliRunner

from certctl.cli import app
from certctl.config import Config
from certctl.deliverables import cleanup_statistics
from certctl.deliverables.revocation import revocation_cases
from certctl.model import build_model
from certctl.overdue import load_forms
from certctl.report import build_report, write_report
from certctl.samples import write_form
from certctl.validate import Options
from test_overdue import META, pid
from test_overdue import survey_row as _survey_row

D = dt.date
A = "柞水县交通运输局"
B = "柞水县乾佑街道办事处"
P = {n: {"name": name, "sex": "男", "id": pid(n)} for n, name in enumerate(
    ("", "赵一", "钱二", "孙三", "李四", "周五", "吴六", "郑七", "王八", "冯九"), start=0) if n}
CERT = {n: f"6100{n:04d}" for n in P}


def survey_row(p: dict, cert: str, **over: object) -> dict:
    return _survey_row(p, cert, **{"unit": B, **over})  # the holders are B's (a 柞水 unit: the Zhashui notice)


def build(root: Path) -> Path:
    ledger = root / "ledger"
    write_form(ledger / "执法主体清单.xlsx", "registry", [
        {"unit": A, "short": "交通局", "must_report": "是"}, {"unit": B, "short": "乾佑街道", "must_report": "是"}])
    write_form(ledger / B / "摸排统计表.xlsx", "survey", {
        "survey_people": [
            survey_row(P[1], CERT[1]),  # fine: counts nowhere
            survey_row(P[2], CERT[2], person_type="劳务派遣", colour="红"),  # non-staff, revoked by annex 2
            survey_row(P[3], CERT[3], version="旧版", colour="红"),  # old version, open
            survey_row(P[4], CERT[4], status="退休", leave_date=D(2024, 5, 27), colour="红"),  # left, due 05-30
            survey_row(P[5], CERT[5], hours=30, colour="绿"),  # training short
            survey_row(P[6], CERT[6], status="辞职", leave_date=D(2024, 5, 20), opinion="已注销", colour="绿"),
            survey_row(P[7], CERT[7], status="退休", leave_date=D(2024, 5, 31), hours=10, colour="红"),  # left only
            survey_row(P[8], CERT[8], status="调离", leave_date=D(2024, 6, 3), colour="红"),  # moved: annex 3
            survey_row(P[9], CERT[9], person_type="合同制", version="旧版", colour="红"),  # two categories
        ],
        "survey_units": [{"unit": B, "establishment": 10, "posts": 5, "holders": 9, "report_date": D(2024, 6, 3)}],
    }, dict(META, unit=B, date=D(2024, 6, 3)))
    write_form(ledger / B / "附件2-注销.xlsx", "annex2", [
        dict(P[2], unit=B, cert=CERT[2], reason="辞退", destination="辞退", change_date=D(2024, 6, 17))],
        dict(META, unit=B, date=D(2024, 6, 20)))
    write_form(ledger / A / "附件3-换证.xlsx", "annex3", [
        dict(P[8], orig_unit=B, cert=CERT[8], reason="调动", unit=A, post="科员", field="交通运输",
             new_field_hours=24, change_date=D(2024, 6, 5))], dict(META, unit=A, date=D(2024, 6, 6)))
    return ledger


@pytest.fixture(scope="module")
def forms(tmp_path_factory):
    return build(tmp_path_factory.mktemp("cleanup"))


@pytest.fixture(scope="module")
def ws(forms):
    return load_forms(forms, Options())


def stats_on(ws, day):
    return cleanup_statistics(build_model(ws, Config(), day, findings=False), ws, Config())


def table(s, unit=B):
    u = next(x for x in s.units if x.unit == unit)
    return {k: [u.n(k, m) for m in ("found", "resolved", "open", "overdue")] for k in u.counts if u.n(k, "found")}


def test_the_day_before_the_deadline_moved_off_sunday(ws) -> None:
    s = stats_on(ws, D(2024, 7, 1))  # 06-30 is a Sunday: due 07-01, nothing of it overdue yet
    assert table(s) == {"non_staff": [2, 1, 1, 0], "left_post": [3, 1, 2, 0], "over_quota": [4, 3, 1, 0],
                        "old_version": [2, 0, 2, 0], "training": [1, 0, 1, 0]}
    assert table(s, A) == {}  # the moved holder's case is counted where the survey found it
    u = next(x for x in s.units if x.unit == B)
    assert (u.holders, u.establishment, u.posts) == (6, 10, 5)


def test_overdue_from_the_second_of_july(ws) -> None:
    s = stats_on(ws, D(2024, 7, 2))
    assert table(s) == {"non_staff": [2, 1, 1, 1], "left_post": [3, 1, 2, 2], "over_quota": [4, 3, 1, 1],
                        "old_version": [2, 0, 2, 2], "training": [1, 0, 1, 0]}
    assert [s.total.n("old_version", m) for m in ("found", "resolved", "open", "overdue")] == [2, 0, 2, 2]


def test_before_the_annex_2_the_non_staff_holder_is_open(ws) -> None:
    s = stats_on(ws, D(2024, 6, 5))
    assert table(s)["non_staff"] == [2, 0, 2, 0]
    # every leaver is due by the end of 自查自纠 (柞政司发〔2024〕52号 二; 06-30 is a Sunday: 07-01), not
    # 3 working days after leaving (the Qidong notice's rule)
    assert table(s)["left_post"] == [3, 0, 3, 0]
    case = next(c for c in s.cases.cases if c.name == "郑七")
    assert (case.due, case.state) == (D(2024, 7, 1), "open")


def test_each_case_names_its_cell_deadline_and_resolution(ws) -> None:
    s = stats_on(ws, D(2024, 7, 2))
    by = {(c.name, c.category): c for c in s.cases.cases}
    c = by[("钱二", "non_staff")]
    assert (c.cell, c.detail, c.state, c.done_on) == ("人员!J5", "劳务派遣", "resolved", D(2024, 6, 20))
    assert c.done_by.endswith("附件2-注销.xlsx 附件2!4:4")  # the row as findings.cell_ref writes it
    assert by[("王八", "left_post")].state == "resolved" and by[("王八", "left_post")].done_by.startswith(A)
    assert by[("李四", "left_post")].due == D(2024, 7, 1)  # the model's revocation clock: end of 自查自纠
    assert by[("孙三", "old_version")].due == D(2024, 7, 1)
    assert by[("周五", "training")].due == D(2024, 12, 31)
    assert ("郑七", "training") not in by and ("吴六", "left_post") not in by and not any(n == "赵一" for n, _ in by)
    assert {k for n, k in by if n == "冯九"} == {"non_staff", "old_version"}


def test_revocation_list_leaves_training_out(ws) -> None:
    s = stats_on(ws, D(2024, 7, 2))
    lists = revocation_cases(s.cases)
    assert list(lists) == [B]
    assert [(c.name, c.category) for c in lists[B]] == [
        ("钱二", "non_staff"), ("冯九", "non_staff"), ("李四", "left_post"), ("郑七", "left_post"),
        ("王八", "left_post"), ("", "over_quota"), ("孙三", "old_version"), ("冯九", "old_version")]


def run(*args: str):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(app, ["cleanup", *args])


def test_cli_writes_three_files_that_open_print_and_mask(forms, tmp_path: Path) -> None:
    out = tmp_path / "out"
    res = run("-d", str(forms), "-o", str(out), "--as-of", "2024-07-02")
    assert res.exit_code == 1, res.output  # cases overdue
    rev, ros, draft = (out / n for n in ("待注销收回清单-2024-07-02.xlsx", "身份核查名单-2024-07-02.xlsx",
                                          "专项清理工作总结草稿-2024-07-02.md"))
    full = P[4]["id"]  # on both lists
    for f in (rev, ros):
        wb = load_workbook(f)
        for sheet in wb.worksheets:
            assert int(sheet.page_setup.paperSize) == 9 and sheet.page_setup.orientation == "landscape"
            assert sheet.sheet_properties.pageSetUpPr.fitToPage and sheet.page_setup.fitToWidth == 1
            assert sheet.print_title_rows
        cal = CalamineWorkbook.from_path(str(f))
        text = repr([cal.get_sheet_by_name(n).to_python() for n in cal.sheet_names])
        assert full not in text and full[:6] + "********" + full[-4:] in text
    cal = CalamineWorkbook.from_path(str(rev))
    assert cal.sheet_names == [B]
    rows = cal.get_sheet_by_name(B).to_python()
    head = next(i for i, r in enumerate(rows) if r[0] == "序号")
    assert rows[head + 1][1:5] == ["钱二", rows[head + 1][2], CERT[2], "非在编人员持证"]
    assert rows[head + 1][9] == "已整改" and rows[head + 1][10].startswith("2024-06-20 ")
    assert rows[head + 2][9:] == ["逾期未整改", ""]
    roster = CalamineWorkbook.from_path(str(ros))
    names = [r[2] for r in roster.get_sheet_by_name(roster.sheet_names[0]).to_python()[3:]]
    assert sorted(names) == sorted(["赵一", "孙三", "李四", "周五", "郑七", "冯九", "王八"])
    assert draft.read_text(encoding="utf-8").startswith("# 行政执法人员资格证件专项清理工作总结（草稿）")
    # the documents' times are the as-of day, not the save time (openpyxl stamps 'now'): a re-run, the same bytes
    for f in (rev, ros):
        props = load_workbook(f).properties
        assert props.created == props.modified == dt.datetime(2024, 7, 2), f.name
    before = (rev.read_bytes(), ros.read_bytes())
    time.sleep(1.1)
    assert run("-d", str(forms), "-o", str(out), "--as-of", "2024-07-02", "-q").exit_code == 1
    assert (rev.read_bytes(), ros.read_bytes()) == before
    # --show-id: the full number; a re-run replaces the same date's files
    res = run("-d", str(forms), "-o", str(out), "--as-of", "2024-07-02", "--show-id", "-q")
    assert res.exit_code == 1 and res.output == ""
    assert full in repr(CalamineWorkbook.from_path(str(ros)).get_sheet_by_name("核查名单").to_python())


def test_cli_never_overwrites_a_file_it_did_not_write(forms, tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    mine = out / "专项清理工作总结草稿-2024-07-02.md"
    mine.write_text("我的总结\n", encoding="utf-8")
    res = run("-d", str(forms), "-o", str(out), "--as-of", "2024-07-02")
    assert res.exit_code == 2
    assert mine.read_text(encoding="utf-8") == "我的总结\n"
    assert run("-d", str(forms), "-o", str(out), "--as-of", "2024-06-01").exit_code == 0  # nothing overdue yet


def test_report_carries_the_statistics(ws, tmp_path: Path) -> None:
    rep = build_report(ws, Config(), D(2024, 7, 2))
    xlsx, txt = write_report(rep, tmp_path)
    rows = [[c.value for c in r] for r in load_workbook(xlsx)["清理统计"].iter_rows()]
    got = {(r[0], r[4]): r[6:10] for r in rows if r[0] == B}
    assert got[(B, "旧版证件未换发")] == [2, 0, 2, 2] and got[(B, "超编制数、超执法岗位数持证")] == [4, 3, 1, 1]
    text = txt.read_text(encoding="utf-8")
    assert "四、行政执法证件专项清理统计（截至 2024-07-02）" in text
    assert "   旧版证件未换发：发现 2，已整改 0，尚未整改 2（其中逾期 2）" in text


def test_text_from_the_forms_never_becomes_a_formula(tmp_path: Path) -> None:
    from openpyxl import Workbook

    from certctl.deliverables.sheets import write_table

    wb = Workbook()
    write_table(wb.active, "标题", ["=1+1"], ["姓名"], [["=HYPERLINK(\"http://x\",\"y\")"]], [20], "zh")
    wb.save(tmp_path / "t.xlsx")
    cells = [c for r in load_workbook(tmp_path / "t.xlsx").active.iter_rows() for c in r if c.value]
    assert {c.data_type for c in cells} == {"s"} and cells[-1].value.startswith("=HYPERLINK")


def test_before_the_survey_arrives_nothing_is_found(ws) -> None:
    s = stats_on(ws, D(2024, 6, 1))  # the survey is dated 06-03
    assert s.cases.cases == [] and not s.any_found
    assert next(u for u in s.units if u.unit == B).establishment is None
