"""certctl report: the workbook's charts read back (count axes in whole steps from 0), its numbers equal
the ledger's, the mail body is plain text, same-date re-runs replace only that date's files (old names
too), formula-looking text stays text, the CLI's exit statuses."""

from __future__ import annotations

import datetime as dt
import os
import time
import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from certctl.cli import app
from certctl.config import Config
from certctl.ledger import build_ledger
from certctl.locking import run_lock
from certctl.overdue import load_forms
from certctl.report import build_report, report_paths, write_report
from certctl.samples import write_form
from certctl.validate import Options
from test_overdue import A, B, C, META, P_LOST, P_RETIRED, P_STAY, build_campaign, survey_row

D = dt.date


@pytest.fixture(scope="module")
def ws(tmp_path_factory):
    return load_forms(build_campaign(tmp_path_factory.mktemp("rep")), Options())


def run(*args: str):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(app, ["report", *args])


def test_numbers_equal_the_ledger(ws) -> None:
    day = D(2024, 6, 5)
    ledger = build_ledger(ws, Config(), day)
    rep = build_report(ws, Config(), day)
    got = {u.unit: (u.holders, u.certificates, u.red, u.yellow, u.green) for u in rep.units}
    want = {u.unit: (u.holders, u.certificates, u.red, u.yellow, u.green) for u in ledger.units}
    assert got == want
    # and the colour totals equal the ledger's certificates
    t = rep.totals
    cols = [c.colour for c in ledger.certificates]
    assert (t.red, t.yellow, t.green, t.certificates) == (cols.count("红"), cols.count("黄"), cols.count("绿"), len(cols))
    assert {u.unit: (u.overdue, u.due_soon) for u in rep.units} == {A: (1, 2), B: (0, 0), C: (0, 0)}


def test_workbook_has_charts_and_the_ledger_numbers(ws, tmp_path: Path) -> None:
    day = D(2024, 6, 5)
    rep = build_report(ws, Config(), day)
    xlsx, txt = write_report(rep, tmp_path)
    assert (xlsx.name, txt.name) == ("证件管理报告-2024-06-05.xlsx", "证件管理报告-2024-06-05.txt")
    with zipfile.ZipFile(xlsx) as z:
        charts = sorted(n for n in z.namelist() if n.startswith("xl/charts/chart"))
        assert charts == ["xl/charts/chart1.xml", "xl/charts/chart2.xml"]
        c1 = z.read("xl/charts/chart1.xml").decode()
        assert 'grouping val="stacked"' in c1 and "C00000" in c1 and "00B050" in c1
        for chart in charts:  # count axes: from 0, whole steps, no decimals
            xml = z.read(chart).decode()
            assert '<min val="0"' in xml and '<majorUnit val="1"' in xml and 'formatCode="0"' in xml, chart
    wb = load_workbook(xlsx)
    assert wb.sheetnames == ["汇总", "逾期事项", "即将到期", "清理统计"]
    s = wb["汇总"]
    assert len(s._charts) == 2
    rows = [[c.value for c in r] for r in s.iter_rows()]
    head = next(i for i, r in enumerate(rows) if r[0] == "单位")
    table = {r[0]: r[1:6] for r in rows[head + 1:] if r[0]}
    ledger = build_ledger(ws, Config(), day)
    for u in ledger.units:
        assert table[u.unit] == [u.holders, u.certificates, u.red, u.yellow, u.green]
    assert table["合计"][2:5] == [sum(u.red for u in ledger.units), sum(u.yellow for u in ledger.units),
                                 sum(u.green for u in ledger.units)]
    over = [[c.value for c in r] for r in wb["逾期事项"].iter_rows(min_row=2)]
    assert [(r[0], r[1], r[6], r[7]) for r in over] == [(A, "王伟", "2024-05-27", 7)]
    assert all(P_LOST["id"] not in str(v) for r in over for v in r)
    text = txt.read_text(encoding="utf-8")
    assert "逾期 1 项，即将到期 2 项" in text
    assert f"1. {A}  王伟\n   身份证号码 610933********{P_LOST['id'][-4:]}，证件号码 " in text
    assert "|" not in text and "---" not in text and "#" not in text  # no Markdown in a mail body
    # the colour counts are light fills with dark text (no black on dark red)
    s = wb["汇总"]
    red = next(c for row in s.iter_rows() for c in row if c.column == 4 and isinstance(c.value, int) and c.value > 0
               and c.fill.fgColor.rgb.endswith("FFC7CE"))
    assert red.font.color.rgb.endswith("9C0006")


def test_before_the_campaign_nothing_is_overdue(ws, tmp_path: Path) -> None:
    rep = build_report(ws, Config(), D(2024, 5, 1))
    assert rep.overdue == []
    # the loss of 04-30 is due 05-08: on May Day 3 working days are left (05-06, 05-07, 05-08)
    assert [(o.kind, o.deadline, o.days_left) for o in rep.due_soon] == [("loss_report", D(2024, 5, 8), 3)]
    xlsx, txt = write_report(rep, tmp_path)
    assert "一、逾期事项（0 项）\n\n无。" in txt.read_text(encoding="utf-8")
    assert len(load_workbook(xlsx)["汇总"]._charts) == 2


def test_rerun_replaces_only_that_date(ws, tmp_path: Path) -> None:
    other = tmp_path / "证件管理报告-2024-06-04.xlsx"
    other.write_bytes(b"yesterday")
    older = tmp_path / "certctl-report-2024-06-03.xlsx"  # another day under the old name: kept
    older.write_bytes(b"older")
    for name in ("certctl-report-2024-06-05.xlsx", "certctl-report-2024-06-05.md"):  # same day, old names
        (tmp_path / name).write_bytes(b"old name")
    keep = tmp_path / "notes.txt"
    keep.write_text("mine", encoding="utf-8")
    first = write_report(build_report(ws, Config(), D(2024, 6, 5)), tmp_path)
    stale = first[1].read_text(encoding="utf-8")
    first[1].write_text("old", encoding="utf-8")
    second = write_report(build_report(ws, Config(), D(2024, 6, 5)), tmp_path)
    assert first == second
    assert second[1].read_text(encoding="utf-8") == stale  # same input, same report
    xlsx = second[0].read_bytes()
    props = load_workbook(second[0]).properties  # the as-of day, not the save time openpyxl would stamp
    assert props.created == props.modified == dt.datetime(2024, 6, 5)
    time.sleep(1.1)
    assert write_report(build_report(ws, Config(), D(2024, 6, 5)), tmp_path) == second
    assert second[0].read_bytes() == xlsx
    assert other.read_bytes() == b"yesterday" and keep.read_text(encoding="utf-8") == "mine"
    assert older.read_bytes() == b"older"
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "certctl-report-2024-06-03.xlsx", "notes.txt", "证件管理报告-2024-06-04.xlsx", "证件管理报告-2024-06-05.txt",
        "证件管理报告-2024-06-05.xlsx"]


def test_formula_text_is_written_as_text(tmp_path: Path) -> None:
    ledger = tmp_path / "ledger"
    write_form(ledger / "摸排.xlsx", "survey", {"survey_people": [
        survey_row(P_STAY, "61000002", name="-王伟", unit="@SUM(1+1)", status="退休",
                   leave_date=D(2024, 5, 27), colour="红"),
    ]}, dict(META, unit=B, date=D(2024, 6, 3)))
    # 07-02: past the end of 自查自纠 (06-30, a Sunday -> 07-01), the survey's revocation is overdue
    xlsx, txt = write_report(build_report(load_forms(ledger, Options()), Config(), D(2024, 7, 2)), tmp_path / "out")
    s = load_workbook(xlsx)["逾期事项"]
    assert (s["A2"].value, s["A2"].data_type, s["B2"].value, s["B2"].data_type) == ("@SUM(1+1)", "s", "-王伟", "s")
    with zipfile.ZipFile(xlsx) as z:
        assert "<f>" not in z.read("xl/worksheets/sheet2.xml").decode()


def test_cli_writes_the_dated_report_and_exits_1(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    build_campaign(tmp_path)
    monkeypatch.chdir(tmp_path)
    r = run("--as-of", "2024年6月5日", "--out", "reports")
    assert r.exit_code == 1, r.output
    assert sorted(p.name for p in (tmp_path / "reports").iterdir() if not p.name.startswith(".")) == [
        "证件管理报告-2024-06-05.txt", "证件管理报告-2024-06-05.xlsx"]
    assert run("--as-of", "2024-05-01", "--out", "reports", "--quiet").stdout == ""
    assert (tmp_path / "reports" / "证件管理报告-2024-05-01.xlsx").exists()


@pytest.mark.parametrize("args, needle", [
    (["--as-of", "2024-02-30", "--out", "r"], "不存在"),
    (["--as-of", "2024-06-05", "--out", "r", "--dir", "none"], "none 不存在"),
    (["--as-of", "2024-06-05", "--out", "ledger/执法主体清单.xlsx"], "不是文件夹"),
])
def test_cli_errors_exit_2(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, args: list[str], needle: str) -> None:
    build_campaign(tmp_path)
    monkeypatch.chdir(tmp_path)
    r = run(*args)
    assert r.exit_code == 2 and needle in r.output, r.output


def test_cli_missing_out_is_a_usage_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert run("--as-of", "2024-06-05").exit_code == 2


def test_cli_lock_held_exits_2_and_leaves_the_report_alone(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    build_campaign(tmp_path)
    monkeypatch.chdir(tmp_path)
    out = tmp_path / "reports"
    out.mkdir()
    with run_lock(out / ".certctl" / "report.lock", 0):
        r = run("--as-of", "2024-06-05", "--out", str(out), "--lock-timeout", "0.2",
                "--log-file", str(tmp_path / "r.log"))
    assert r.exit_code == 2 and "另一个 certctl 任务正在运行" in r.output
    assert not report_paths(out, D(2024, 6, 5))[0].exists()
    assert "exit 2" in (tmp_path / "r.log").read_text(encoding="utf-8")
