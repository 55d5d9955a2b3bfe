"""certctl merge: a directory of real forms from several units -> the ledger workbook, read back."""

from __future__ import annotations

import re
import datetime as dt
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from typer.testing import CliRunner

from certctl.cli import app
from certctl.ledger import build_ledger
from certctl.ledger_xlsx import LedgerLocked, ledger_lock, write_ledger
from certctl.normalize import mask_id
from certctl.samples import fake_person, write_form
from certctl.validate import Options
from certctl.workspace import load_workspace

A = "启东市城市管理局"
B = "启东市市场监督管理局"
C = "柞水县乾佑街道办事处"
D = "启东市吕四港镇人民政府"  # in the registry, must report, sends nothing
AS_OF = "2024-06-06"


def _people(n: int) -> list[dict[str, Any]]:
    rng = random.Random(20240603)
    out, seen = [], set()
    while len(out) < n:
        p = fake_person(rng, 1970, 1995)
        if p["id"] not in seen:
            seen.add(p["id"])
            out.append(p)
    return out


P = _people(16)


def meta(unit: str, date: dt.date | None = dt.date(2024, 6, 3)) -> dict[str, Any]:
    return {"unit": unit, "reporter": "张三", "phone": "0513-83123456", "date": date}


def a1(p: dict, cert: str, unit: str = A, action: str = "录入归集", day: int = 20, **kw: Any) -> dict:
    return {**p, "unit": unit, "cert": cert, "action": action, "entry_date": dt.date(2024, 5, day), **kw}


def survey_row(p: dict, cert: str, **kw: Any) -> dict:
    row = {**p, "reporting_unit": "乾佑街道", "unit": C, "cert": cert, "category": "省级", "version": "新版",
           "person_type": "公务员", "status": "在岗", "hours": 64, "legal_qual": "否", "colour": "绿"}
    row.update(kw)
    return row


def _as_text_cells(path: Path) -> None:
    wb = openpyxl.load_workbook(path)
    for ws in wb:
        for row in ws.iter_rows():
            for c in row:
                if c.data_type == "f":
                    c.data_type = "s"
    wb.save(path)


def build_dir(root: Path) -> Path:
    """Forms from three units, the registry and the national list (see the test names for the plot)."""
    bad_id = {**P[14], "id": "32068119800101001"}  # 17 characters: rejected
    write_form(root / "A" / "附件1.xlsx", "annex1", [
        a1(P[1], "QD0001"), a1(P[2], "QD0002"), a1(P[3], "QD0003"), a1(P[4], "QD0004"),
        a1(P[5], "QD0005", unit="城管局"),  # a short name (R001)
        a1(P[6], "QD0006", unit="启东市不存在局"),  # not in the registry (R002)
        a1(P[7], "QD0008", remark="=HYPERLINK(\"http://x\",\"点我\")"),
        a1(bad_id, "QD0014"),
        a1(P[15], None),  # no certificate number: rejected
    ], meta(A))
    _as_text_cells(root / "A" / "附件1.xlsx")  # the remark is a string that starts with "=", not a formula
    write_form(root / "A" / "附件2.xlsx", "annex2", [
        {**P[2], "unit": A, "cert": "QD0002", "reason": "退休", "destination": "退休", "change_date": dt.date(2024, 5, 31)},
    ], meta(A))
    write_form(root / "A" / "附件3.xlsx", "annex3", [
        {**P[3], "orig_unit": A, "cert": "QD0003", "reason": "调动", "unit": B, "post": "科员", "field": "市场监管",
         "new_field_hours": 24, "change_date": dt.date(2024, 5, 31)},
    ], meta(A))
    write_form(root / "A" / "附件4.xlsx", "annex4", [
        {**P[4], "unit": A, "cert": "QD0004", "lost_date": dt.date(2024, 5, 31), "declaration": "2024年6月1日 南通日报登报声明作废"},
    ], meta(A))
    write_form(root / "A" / "附件4-未填日期.xlsx", "annex4", [
        {**P[5], "unit": A, "cert": "QD0005", "lost_date": dt.date(2024, 6, 1), "declaration": "2024年6月2日 登报声明作废"},
    ], meta(A, date=None))
    write_form(root / "B" / "附件1.xlsx", "annex1", [
        a1(P[1], "QD0007", unit=B, day=21),  # P1 active under A and B (X003)
        a1(P[13], "QD0008", unit=B, day=21),  # QD0008 already belongs to P7 (X002)
        a1(P[12], "QD0013", unit=B, day=21),  # P12 is on the national list (X001)
    ], meta(B))
    write_form(root / "C" / "摸排统计表.xlsx", "survey", {"survey_people": [
        survey_row(P[2], "QD0002"),  # revoked 05-31, survey of 06-05 says held (X004)
        survey_row(P[9], "SX0009", category="国家部委"),
        survey_row(P[9], "SX0010"),  # provincial + national in one survey (X001)
        survey_row(P[10], "SX0011", person_type="劳务派遣", colour="红"),  # non-staff: red
        survey_row(P[11], "SX0012", hours=30),  # training short: yellow, reported green
    ]}, meta(C, dt.date(2024, 6, 5)))
    write_form(root / "参考" / "执法主体清单.xlsx", "registry", [
        {"unit": A, "short": "城管局", "must_report": "是"},
        {"unit": B, "short": "市场局", "must_report": "是"},
        {"unit": C, "short": "乾佑街道", "must_report": "是"},
        {"unit": D, "short": "吕四港镇", "must_report": "是"},
    ])
    write_form(root / "参考" / "国家部委名单.xlsx", "national", [
        {**P[12], "cert": "GJ0001", "issuer": "交通运输部"},
    ])
    (root / "A" / "坏文件.xlsx").write_text("这不是表格")
    (root / "重复").mkdir()
    shutil.copy(root / "A" / "附件2.xlsx", root / "重复" / "附件2 - 副本.xlsx")
    return root


def sheet_rows(path: Path, name: str) -> list[dict[str, Any]]:
    wb = openpyxl.load_workbook(path)
    ws = wb[name]
    rows = list(ws.iter_rows(values_only=True))
    head = rows[0]
    return [dict(zip(head, r)) for r in rows[1:]]


def all_values(path: Path) -> dict[str, list[tuple]]:
    wb = openpyxl.load_workbook(path)
    return {ws.title: list(ws.iter_rows(values_only=True)) for ws in wb}


def run(args: list[str], cwd: Path | None = None) -> Any:
    return CliRunner().invoke(app, ["merge", *args, "--as-of", AS_OF])


@pytest.fixture(scope="module")
def merged(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Any]:
    tmp = tmp_path_factory.mktemp("merge")
    forms = build_dir(tmp / "forms")
    out = tmp / "out" / "台账.xlsx"
    res = run([str(forms), "-o", str(out)])
    return forms, out, res


@pytest.fixture(scope="module")
def certs(merged: Any) -> dict[str, dict[str, Any]]:
    return {r["证件号码"]: r for r in sheet_rows(merged[1], "证件台账")}


def test_exit_status_and_sheets(merged: Any) -> None:
    forms, out, res = merged
    assert res.exit_code == 1, res.output  # errors found and one unreadable file
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == ["证件台账", "期限事项", "变动记录", "问题清单", "单位汇总", "来源文件"]
    ws = wb["证件台账"]
    assert [c.value for c in ws[1]] == ["证件号码", "姓名", "身份证号码", "性别", "所属主体", "证件类别", "证件状态",
                                        "红黄绿", "红黄绿原因", "最近变动", "最近变动日期", "来源", "问题", "处理情况"]
    for w in wb:
        assert w.freeze_panes == "A2", w.title
        assert w.auto_filter.ref and w.auto_filter.ref.startswith("A1:"), w.title
        assert w.column_dimensions["A"].width >= 6


def test_lifecycle(certs: dict) -> None:
    assert certs["QD0001"]["证件状态"] == "有效" and certs["QD0001"]["最近变动"] == "录入归集"
    assert certs["QD0001"]["最近变动日期"] == dt.datetime(2024, 5, 20)
    assert certs["QD0002"]["证件状态"] == "已注销"
    assert certs["QD0003"]["证件状态"] == "已换发" and certs["QD0003"]["最近变动"] == "换发"
    assert certs["QD0004"]["证件状态"] == "已补发" and certs["QD0004"]["最近变动"] == "补发"
    assert certs["QD0004"]["最近变动日期"] == dt.datetime(2024, 6, 3)
    # annex 4 without 填报时间: lost, awaiting reissue -> yellow
    assert certs["QD0005"]["证件状态"] == "挂失"
    assert certs["QD0005"]["红黄绿"] == "黄" and "挂失待补发" in certs["QD0005"]["红黄绿原因"]
    # survey rows update facts
    assert certs["SX0009"]["证件类别"] == "国家部委" and certs["SX0010"]["证件类别"] == "省级"
    assert certs["SX0011"]["所属主体"] == C
    # full IDs (the bureau's own ledger), as text
    assert certs["QD0001"]["身份证号码"] == P[1]["id"]
    assert re.search(r"附件1\.xlsx \S+!\d+:\d+", certs["QD0001"]["来源"]), certs["QD0001"]["来源"]  # a row as cell_ref writes it


def test_cell_types_and_fill(merged: Any) -> None:
    wb = openpyxl.load_workbook(merged[1])
    ws = wb["证件台账"]
    for row in ws.iter_rows(min_row=2):
        cert, idc, colour, last_date = row[0], row[2], row[7], row[10]
        assert cert.data_type == "s" and idc.data_type == "s" and idc.number_format == "@"
        assert last_date.is_date
        if colour.value is None:  # a closed certificate with nothing to do: counted by its state
            assert row[6].value in ("已注销", "已换发", "已补发") and colour.fill.fill_type is None
            continue
        want = {"红": "FFC7CE", "黄": "FFEB9C", "绿": "C6EFCE"}[colour.value]
        assert colour.fill.fgColor.rgb.endswith(want)
    # a remark that looks like a formula stays text
    ev = wb["变动记录"]
    cells = [c for r in ev.iter_rows(min_row=2) for c in r if isinstance(c.value, str) and "HYPERLINK" in c.value]
    assert cells and all(c.data_type == "s" for c in cells)
    assert cells[0].value.startswith("=HYPERLINK")


def test_cross_form_rules(merged: Any, certs: dict) -> None:
    problems = sheet_rows(merged[1], "问题清单")
    by_code: dict[str, list[dict]] = {}
    for p in problems:
        by_code.setdefault(p["代码"], []).append(p)
    # X001 once: a Jiangsu card and the national list (启依法办发〔2020〕15号 二). The Shaanxi survey's
    # provincial + national pair is not a Jiangsu card: the Qidong notice does not bind it (issue 11)
    (x001,) = by_code["X001"]
    assert re.search(r"国家部委名单\.xlsx \S+!\d+:\d+", x001["问题"]) and "《江苏省行政执法证》QD0013" in x001["问题"]
    assert certs["SX0010"]["红黄绿"] != "红" and "X001" not in (certs["SX0010"]["问题"] or "")
    assert certs["QD0013"]["红黄绿"] == "红" and "X001" in certs["QD0013"]["问题"]
    # X002: QD0008 on two IDs, both sources named
    (x002,) = by_code["X002"]
    assert x002["文件"] == "B/附件1.xlsx" and re.search(r"A/附件1\.xlsx \S+!\d+:\d+", x002["问题"])
    assert P[7]["id"] in x002["问题"] and P[13]["id"] in x002["问题"]  # the ledger holds full IDs
    assert certs["QD0008"]["红黄绿"] == "红" and "证件号码对应两个身份证号码" in certs["QD0008"]["红黄绿原因"]
    # X003: P1 active under A and B
    (x003,) = by_code["X003"]
    assert A in x003["问题"] and B in x003["问题"] and re.search(r"附件1\.xlsx \S+!\d+:\d+", x003["问题"])
    assert "X003" in certs["QD0007"]["问题"]
    # X004: revoked by the annex 2 filed 06-03 (the holder left 05-31), survey of 06-05 reports it held
    (x004,) = by_code["X004"]
    assert x004["文件"] == "C/摸排统计表.xlsx" and re.search(r"A/附件2\.xlsx \S+!\d+:\d+", x004["问题"]) and "2024-06-03" in x004["问题"]
    assert certs["QD0002"]["红黄绿"] == "红" and "已注销仍报告为持有" in certs["QD0002"]["红黄绿原因"]
    # registry: short name and unknown unit
    assert any(p["代码"] == "R001" and A in p["问题"] for p in problems)
    assert any(p["代码"] == "R002" and "启东市不存在局" in p["问题"] for p in problems)


def test_colours(certs: dict) -> None:
    assert certs["SX0011"]["红黄绿"] == "红" and "非在编人员" in certs["SX0011"]["红黄绿原因"]
    # 30 hours in a June survey are the hours so far, not the year's (国办发〔2023〕27号: 60 a year):
    # the unit's 绿 is right, and neither S007 nor X007 tells it otherwise (issue 11)
    assert certs["SX0012"]["红黄绿"] == "绿"
    assert not {"S007", "X007"} & set((certs["SX0012"]["问题"] or "").split())
    assert certs["QD0001"]["红黄绿"] == "绿" and not certs["QD0001"]["红黄绿原因"]


def test_rows_read_merged_rejected(merged: Any) -> None:
    files = {r["文件"]: r for r in sheet_rows(merged[1], "来源文件")}
    for r in files.values():
        assert r["读取行数"] == r["并入行数"] + r["未并入行数"], r
    a = files["A/附件1.xlsx"]
    assert (a["读取行数"], a["并入行数"], a["未并入行数"]) == (9, 7, 2)
    assert a["填报单位"] == A and a["填报时间"] == dt.datetime(2024, 6, 3) and len(a["SHA-256"]) == 64
    assert files["A/坏文件.xlsx"]["状态"].startswith("无法读取")
    rejected = [p for p in sheet_rows(merged[1], "问题清单") if p["代码"] == "X006"]
    assert len(rejected) == 2 and all(p["文件"] == "A/附件1.xlsx" for p in rejected)
    assert {p["问题"] for p in rejected} == {"该行未并入台账：身份证号码无效", "该行未并入台账：证件号码为空"}
    # each rejected row also has its validation finding at the same row
    probs = sheet_rows(merged[1], "问题清单")
    for r in rejected:
        row = "".join(ch for ch in r["单元格"] if ch.isdigit())
        assert any(p["文件"] == r["文件"] and p["代码"] in ("I002", "C001") and p["单元格"] and
                   p["单元格"].endswith(row) for p in probs)


def test_duplicate_file(merged: Any) -> None:
    files = {r["文件"]: r for r in sheet_rows(merged[1], "来源文件")}
    dup = files["重复/附件2 - 副本.xlsx"]
    assert dup["状态"] == "重复文件（同 A/附件2.xlsx）" and dup["并入行数"] == 0
    assert dup["SHA-256"] == files["A/附件2.xlsx"]["SHA-256"]
    x005 = [p for p in sheet_rows(merged[1], "问题清单") if p["代码"] == "X005"]
    assert len(x005) == 1 and x005[0]["文件"] == "重复/附件2 - 副本.xlsx" and "A/附件2.xlsx" in x005[0]["问题"]
    # merged once: one revocation event for QD0002
    events = [e for e in sheet_rows(merged[1], "变动记录") if e["证件号码"] == "QD0002" and e["变动"] == "注销"]
    assert len(events) == 1


def test_events_and_units(merged: Any) -> None:
    events = sheet_rows(merged[1], "变动记录")
    dates = [e["日期"] for e in events]
    assert dates == sorted(dates)
    kinds = {e["变动"] for e in events}
    assert kinds == {"录入归集", "注销", "换发", "挂失", "补发", "摸排"}
    units = {u["单位"]: u for u in sheet_rows(merged[1], "单位汇总")}
    # on 06-06 the plan (due 06-05) is missing at C, the Shaanxi unit the Zhashui campaign binds; the
    # Jiangsu units A and D owe nothing of it (issue 11), whatever they sent
    assert units[D]["未报送"] is None and units[D]["收到表格"] == 0
    assert units[A]["收到表格"] == 5 and units[A]["最近填报时间"] == dt.datetime(2024, 6, 3)
    assert units[A]["未报送"] is None and units[C]["未报送"] == "培训计划"
    assert units[C]["红"] >= 2


def test_terminal_summary_masks_ids(merged: Any) -> None:
    out = merged[2].output
    assert "读取" in out and "并入" in out and "未并入" in out
    assert P[1]["id"] not in out and mask_id(P[1]["id"]) in out


def test_idempotent(merged: Any, tmp_path: Path) -> None:
    forms, out, _ = merged
    again = tmp_path / "台账.xlsx"
    res = run([str(forms), "-o", str(again)])
    assert res.exit_code == 1
    assert all_values(again) == all_values(out)
    assert again.read_bytes() == out.read_bytes()


def test_library_api(merged: Any) -> None:
    ws = load_workspace(merged[0], Options())
    assert [r.path for r in ws.results] == sorted(r.path for r in ws.results)
    assert len(ws.duplicates) == 1 and ws.duplicates[0][0].endswith("副本.xlsx")
    led = build_ledger(ws, None, dt.date.fromisoformat(AS_OF))
    for f in led.files:
        assert f.rows_read == f.rows_merged + f.rows_rejected
    assert {c.status for c in led.certificates} == {"有效", "已注销", "已换发", "已补发", "挂失"}


# ------------------------------------------------------------------------------ safety
def _small_dir(root: Path) -> Path:
    write_form(root / "附件1.xlsx", "annex1", [a1(P[1], "QD0001"), a1(P[2], "QD0002")], meta(A))
    return root


def test_ledger_inside_forms_dir_is_not_read_back(tmp_path: Path) -> None:
    forms = _small_dir(tmp_path / "f")
    out = forms / "台账.xlsx"
    assert run([str(forms), "-o", str(out)]).exit_code == 0
    res = run([str(forms), "-o", str(out)])
    assert res.exit_code == 0, res.output
    files = [r["文件"] for r in sheet_rows(out, "来源文件")]
    assert files == ["附件1.xlsx"]


def test_no_files_and_bad_args(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    res = run([str(tmp_path / "empty"), "-o", str(tmp_path / "x.xlsx")])
    assert res.exit_code == 2 and "没有找到" in res.output
    assert run([str(tmp_path / "nope")]).exit_code == 2
    res = CliRunner().invoke(app, ["merge", str(tmp_path), "--as-of", "2024-13-40"])
    assert res.exit_code == 2


def test_locked_ledger_exit_2(tmp_path: Path) -> None:
    forms = _small_dir(tmp_path / "f")
    out = tmp_path / "台账.xlsx"
    with ledger_lock(out):
        res = run([str(forms), "-o", str(out)])
        assert res.exit_code == 2 and "另一个合并任务" in res.output
        led = build_ledger(load_workspace(forms, Options()), None, dt.date(2024, 6, 6))
        with pytest.raises(LedgerLocked):
            write_ledger(led, out)
    assert not out.exists()
    assert run([str(forms), "-o", str(out)]).exit_code == 0


def _cli(*args: str, env: dict | None = None) -> subprocess.Popen:
    code = "import sys; from certctl.cli import main; sys.argv[0] = 'certctl'; main()"
    return subprocess.Popen([sys.executable, "-c", code, "merge", *args, "--as-of", AS_OF],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env={**os.environ, **(env or {})})


def _wait_for(pred: Any, timeout: float = 20) -> None:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if pred():
            return
        time.sleep(0.05)
    raise AssertionError("timed out")


def test_killed_merge_leaves_previous_ledger(tmp_path: Path) -> None:
    forms = _small_dir(tmp_path / "f")
    outdir = tmp_path / "out"
    out = outdir / "台账.xlsx"
    assert run([str(forms), "-o", str(out)]).exit_code == 0
    before = out.read_bytes()
    write_form(forms / "附件1-二.xlsx", "annex1", [a1(P[3], "QD0003")], meta(A))  # the next ledger differs
    proc = _cli(str(forms), "-o", str(out), env={"CERTCTL_TEST_SLOW_WRITE": "30"})
    try:
        _wait_for(lambda: any(outdir.glob(".台账.xlsx.*.tmp")))
        # a second merge meanwhile cannot write either
        second = _cli(str(forms), "-o", str(out))
        _, err = second.communicate(timeout=60)
        assert second.returncode == 2 and "另一个合并任务" in err.decode()
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=10)
    assert out.read_bytes() == before
    assert sorted(p.name for p in outdir.glob("*.xlsx")) == ["台账.xlsx"]
    # the next merge cleans the stale temp file and writes the new ledger
    assert run([str(forms), "-o", str(out)]).exit_code == 0
    assert not list(outdir.glob(".台账.xlsx.*.tmp"))
    assert "QD0003" in [r["证件号码"] for r in sheet_rows(out, "证件台账")]
