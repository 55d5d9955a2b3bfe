"""Submissions as they really arrive (issue 12): merged data cells, headers pasted over three rows,
forms with nothing to report, file names in undecodable bytes, certctl's own outputs among the forms,
.ods files, and corrected resubmissions. Every case is a real workbook built the way it was found."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pytest

from certctl.annotate import annotate_result
from certctl.ledger import build_ledger
from certctl.validate import Options, validate_file
from certctl.workspace import load_workspace

from fixtures.builders import annex_row, build, codes, pid, run
from test_clerk_made_forms import A4_HEAD, hand_made

AS_OF = dt.date(2024, 6, 6)


def _merge_down(path: Path, cols: str, first: int, last: int, out: Path) -> Path:
    """Merge each of ``cols`` over rows first..last, as a unit does for one unit / one date."""
    wb = openpyxl.load_workbook(path)
    ws = wb.active
    for col in cols:
        for r in range(first + 1, last + 1):
            ws[f"{col}{r}"] = None
        ws.merge_cells(f"{col}{first}:{col}{last}")
    wb.save(out)
    return out


# ------------------------------------------------------------------------------ 1. merged data cells
def test_merged_data_cells_fill_every_row_they_cover(tmp_path: Path) -> None:
    (tmp_path / "src").mkdir()
    src = build(tmp_path / "src", "annex1", [annex_row("annex1", n) for n in range(4)])
    forms = tmp_path / "forms"
    forms.mkdir()
    p = _merge_down(src, "CGH", 4, 7, forms / "附件1.xlsx")
    assert {"C4:C7", "G4:G7", "H4:H7"} <= {str(m) for m in openpyxl.load_workbook(p).active.merged_cells.ranges}
    res = validate_file(p)
    assert res.errors == 0 and codes(res) == [], codes(res)
    assert res.rows == 4
    led = build_ledger(load_workspace(forms, Options()), None, AS_OF)
    assert len(led.accounts) == 4
    assert {a.unit for a in led.accounts} == {"启东市城市管理局"}
    (fs,) = led.files
    assert (fs.rows_read, fs.rows_merged, fs.rows_rejected) == (4, 4, 0)


def test_a_bad_value_in_a_merged_range_is_marked_on_the_range(tmp_path: Path) -> None:
    rows = [annex_row("annex1", n, action="录入") for n in range(4)]  # not one of 录入归集/注销/修改
    (tmp_path / "src").mkdir()
    src = build(tmp_path / "src", "annex1", rows)
    p = _merge_down(src, "G", 4, 7, tmp_path / "附件1.xlsx")
    res = validate_file(p)
    bad = [f for f in res.findings if f.col == 6]
    assert [f.row for f in bad] == [4, 5, 6, 7]  # every holder the range covers
    out = annotate_result(res, tmp_path / "out.xlsx")
    ws = openpyxl.load_workbook(out)["附件1"]
    assert "G4:G7" in {str(m) for m in ws.merged_cells.ranges}
    assert ws["G4"].comment is not None and ws["G4"].fill.fgColor.rgb.endswith("9999")


# ------------------------------------------------------------------------------ 2. three-row headers
# annex 3 as the notice prints it: titles broken over up to three lines, pasted a line per row
NOTICE_LINES = {"序号": ["序", "号"], "性别": ["性", "别"],
                "原所属主体(受委托组织)全称": ["原所属主体", "（受委托组", "织）全称"],
                "现所属主体(受委托组织)全称": ["现所属主体", "（受委托组", "织）全称"],
                "原行政执法(监督)证件号码": ["原行政执法（监督）", "证件号码"],
                "工作岗位及职务": ["工作岗位", "及职务"]}


def _pasted_three_rows(src: Path, out: Path, merge_single: bool = False) -> Path:
    from certctl.normalize import header_key

    wb = openpyxl.load_workbook(src)
    ws = wb.active
    heads = [c.value for c in ws[3]]
    ws.insert_rows(4, 2)
    for i, h in enumerate(heads, start=1):
        lines = NOTICE_LINES.get(header_key(h) if h else "", [h])
        for k in range(3):
            ws.cell(3 + k, i).value = lines[k] if k < len(lines) else None
        if merge_single and len(lines) == 1:
            ws.merge_cells(start_row=3, start_column=i, end_row=5, end_column=i)
    wb.save(out)
    return out


@pytest.mark.parametrize("merge_single", [False, True], ids=["pasted", "one-line-titles-merged-down"])
def test_three_row_header_pasted_from_the_notice(tmp_path: Path, merge_single: bool) -> None:
    (tmp_path / "src").mkdir()
    src = build(tmp_path / "src", "annex3", [annex_row("annex3", n) for n in range(3)])
    p = _pasted_three_rows(src, tmp_path / "附件3.xlsx", merge_single)
    assert openpyxl.load_workbook(p).active["E5"].value == "织）全称"
    res = validate_file(p)
    (sheet,) = res.sheets
    assert (sheet.header_rows, sheet.header_row) == (3, 5)
    assert res.rows == 3 and res.errors == 0 and res.warnings == 0, codes(res)
    assert {f.row for f in res.findings} == {None}  # only the form's reminder (A301), no row read as data
    assert [r.values["orig_unit"] for r in sheet.records] == ["启东市城市管理局"] * 3


def test_two_row_header_is_not_stretched_over_the_first_data_row(tmp_path: Path) -> None:
    res = validate_file(build(tmp_path, "annex3", [annex_row("annex3", n) for n in range(3)]))
    assert res.sheets[0].header_rows == 1 and res.rows == 3 and res.errors == 0


# ------------------------------------------------------------------------------ 3. nothing to report
def _nothing_forms(folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    keys = list(annex_row("annex2", 0))
    nil_row = build(folder, "annex2", [{k: "无" for k in keys}], name="附件2-无.xlsx")
    mixed = build(folder, "annex3", [{k: ("没有" if i % 2 else "本期无变动") for i, k in enumerate(annex_row("annex3", 0))}],
                  name="附件3-本期无变动.xlsx")
    no_rows = build(folder, "annex4", [], name="附件4-空表.xlsx")
    # "本期无变动" typed once and merged across the whole row
    merged = build(folder, "annex1", [{"seq": 1, "name": "本期无变动"}], name="附件1-合并.xlsx")
    wb = openpyxl.load_workbook(merged)
    wb.active.merge_cells("B4:I4")
    wb.save(merged)
    return [nil_row, mixed, no_rows, merged]


def test_a_form_saying_nothing_to_report_is_a_clean_empty_submission(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from certctl.cli import app

    forms = _nothing_forms(tmp_path / "forms")
    for p in forms:
        res = validate_file(p)
        assert res.rows == 0 and res.errors == 0 and res.warnings == 0, (p.name, codes(res))
        assert codes(res) == ["F005"]  # a note that the form has no rows, nothing else
    out = CliRunner().invoke(app, ["validate", *map(str, forms)])
    assert out.exit_code == 0, out.output
    led = build_ledger(load_workspace(tmp_path / "forms", Options()), None, AS_OF)
    assert led.accounts == []
    assert {f.status for f in led.files} == {"ok"} and len(led.files) == 4
    (unit,) = [u for u in led.units if u.unit == "启东市城市管理局"]
    assert unit.forms == 4 and unit.last_form_date == dt.date(2024, 6, 3)


def test_a_real_row_with_one_cell_of_none_is_still_data(tmp_path: Path) -> None:
    """备注 无, 被注销人员去向 无: a holder's row that says 无 in a cell or two is data like any other."""
    row = annex_row("annex2", 0, remark="无", destination="无")
    res = validate_file(build(tmp_path, "annex2", [row]))
    assert res.rows == 1 and res.errors == 0, codes(res)


# ------------------------------------------------------------------------------ 4. GBK file names
def _gbk_folder(tmp_path: Path) -> tuple[Path, str]:
    """A forms folder as unzipping a Windows archive leaves it: names in GBK bytes, on disk."""
    import os
    import shutil

    (tmp_path / "src").mkdir()
    src = build(tmp_path / "src", "annex1", [annex_row("annex1", n) for n in range(2)])
    forms = tmp_path / "forms"
    forms.mkdir()
    base = os.fsencode(forms) + b"/"
    shutil.copy(src, base + "城管".encode("gbk") + b".xlsx")  # b'\xb3\xc7\xb9\xdc.xlsx'
    shutil.copy(src, base + "城管副本".encode("gbk") + b".xlsx")  # the same content again
    with open(base + "损坏".encode("gbk") + b".xlsx", "wb") as fh:
        fh.write(b"PK\x03\x04 truncated")
    assert b"\xb3\xc7\xb9\xdc.xlsx" in os.listdir(os.fsencode(forms))
    return forms, "\\xb3ǹ\\xdc.xlsx"


def test_gbk_file_names_are_read_and_shown_escaped(tmp_path: Path) -> None:
    import os

    from typer.testing import CliRunner

    from certctl.cli import app

    forms, shown_name = _gbk_folder(tmp_path)
    name = os.fsdecode(os.fsencode(forms) + b"/\xb3\xc7\xb9\xdc.xlsx")
    res = validate_file(name)
    assert res.read_error is None and res.rows == 2 and res.errors == 0
    run = CliRunner()
    out = run.invoke(app, ["validate", name])
    assert out.exit_code == 0 and shown_name in out.output, out.output
    ledger = tmp_path / "out" / "台账.xlsx"
    out = run.invoke(app, ["merge", str(forms), "-o", str(ledger), "--as-of", "2024-06-06"])
    assert out.exception is None or isinstance(out.exception, SystemExit), out.output
    assert out.exit_code == 1 and shown_name in out.output  # 1: the truncated file is unreadable
    files = {r[0]: r for r in openpyxl.load_workbook(ledger)["来源文件"].iter_rows(min_row=2, values_only=True)}
    assert shown_name in files
    assert len(openpyxl.load_workbook(ledger)["证件台账"]["A"]) == 3  # header + 2 certificates, once
    for cmd in (["overdue", "-d", str(forms), "--as-of", "2024-06-06"],
                ["report", "-d", str(forms), "--as-of", "2024-06-06", "-o", str(tmp_path / "rep")]):
        out = run.invoke(app, cmd)
        assert out.exception is None or isinstance(out.exception, SystemExit), (cmd, out.output)
        assert "内部错误" not in out.output, (cmd, out.output)
        assert out.exit_code == 1, (cmd, out.output)  # the truncated file, unreadable; not the good one
    from certctl.model import build_model
    from certctl.pathnames import shown

    model = build_model(load_workspace(forms, Options()), None, AS_OF, findings=False)
    expect = {shown(b"\xb3\xc7\xb9\xdc.xlsx"): "ok", shown("城管副本".encode("gbk") + b".xlsx"): "duplicate",
              shown("损坏".encode("gbk") + b".xlsx"): "unreadable"}
    assert {f.path: f.status for f in model.files} == expect


# ------------------------------------------------------------------------------ 5. certctl's own outputs
def test_certctl_outputs_among_the_forms_are_skipped_with_a_note(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from certctl.cli import app
    from certctl.marks import NAME

    forms = tmp_path / "forms"
    forms.mkdir()
    build(forms, "annex1", [annex_row("annex1", n) for n in range(3)], name="附件1.xlsx")
    bad = build(forms, "annex2", [annex_row("annex2", 7, id="123")], name="附件2.xlsx")
    run = CliRunner()
    out = run.invoke(app, ["merge", str(forms), "-o", str(forms / "台账.xlsx"), "--as-of", "2024-06-06"])
    assert out.exit_code in (0, 1), out.output
    run.invoke(app, ["report", "-d", str(forms), "--as-of", "2024-06-06", "-o", str(forms / "报告")])
    run.invoke(app, ["validate", str(bad), "--annotate", str(forms / "附件2.检查结果.xlsx")])
    (report,) = (forms / "报告").glob("*.xlsx")
    # a clerk opens the ledger and saves it again (openpyxl here, Excel alike): the mark stays
    wb = openpyxl.load_workbook(forms / "台账.xlsx")
    assert NAME in wb.defined_names
    wb.save(forms / "台账-另存.xlsx")
    outputs = {"台账.xlsx": "ledger", "台账-另存.xlsx": "ledger", f"报告/{report.name}": "report",
               "附件2.检查结果.xlsx": "annotated"}
    for rel, kind in outputs.items():
        res = validate_file(forms / rel)
        assert (res.output, codes(res), res.rows) == (kind, ["F008"], 0), rel
    led = build_ledger(load_workspace(forms, Options()), None, AS_OF)
    status = {f.path: f.status for f in led.files}
    assert {p: status[p] for p in outputs} == {p: "output" for p in outputs}
    assert sum(f.rows_read for f in led.files) == 4  # the two forms' rows, once
    assert len(led.accounts) == 3  # the annex 2 row with a bad ID is rejected (X006), as before
    out = run.invoke(app, ["validate", str(forms / "台账-另存.xlsx")])
    assert out.exit_code == 0 and "F008" in out.output


def test_a_form_saved_by_openpyxl_is_not_taken_for_an_output(tmp_path: Path) -> None:
    p = build(tmp_path, "annex1", [annex_row("annex1", 0)])
    wb = openpyxl.load_workbook(p)
    wb.save(p)
    res = validate_file(p)
    assert res.output == "" and res.rows == 1


# ------------------------------------------------------------------------------ 6. .ods
ODS = Path(__file__).parent / "fixtures" / "ods"  # 附件2-注销表.xlsx and the .ods LibreOffice saved of it


def test_ods_saved_by_libreoffice_reads_like_the_xlsx_it_came_from(tmp_path: Path) -> None:
    import shutil

    ods, xlsx = validate_file(ODS / "附件2-注销表.ods"), validate_file(ODS / "附件2-注销表.xlsx")
    assert ods.format == "ods" and ods.read_error is None
    assert (ods.family, ods.rows, ods.meta.unit, ods.meta.date) == ("annex2", 3, "启东市城市管理局", dt.date(2024, 6, 3))
    assert [(f.code, f.row, f.col) for f in ods.findings] == [(f.code, f.row, f.col) for f in xlsx.findings]
    assert ("I010", 6, 4) in [(f.code, f.row, f.col) for f in ods.findings]  # the one mistake, at its cell
    assert [r.values for r in ods.records("annex2")] == [r.values for r in xlsx.records("annex2")]
    forms = tmp_path / "forms"
    forms.mkdir()
    shutil.copy(ODS / "附件2-注销表.ods", forms)
    led = build_ledger(load_workspace(forms, Options()), None, AS_OF)
    assert [(f.path, f.status, f.rows_merged) for f in led.files] == [("附件2-注销表.ods", "errors", 3)]  # merged, its I010 listed
    assert len(led.accounts) == 3


def test_an_opendocument_text_is_told_apart(tmp_path: Path) -> None:
    import zipfile

    p = tmp_path / "附件2.ods"
    with zipfile.ZipFile(p, "w") as zf:
        zf.writestr("mimetype", "application/vnd.oasis.opendocument.text")
        zf.writestr("content.xml", "<office:document-content/>")
    res = validate_file(p)
    assert res.read_error is not None and "OpenDocument" in res.read_error.reason("zh")


# ------------------------------------------------------------------------------ 7. versions
ORIG = "附件2-注销申请表（6月）.xlsx"
CORR = "附件2-注销申请表（6月）（更正版）.xlsx"


def _meta(day: int) -> dict:
    return {"unit": "启东市城市管理局", "reporter": "张三", "phone": "0513-83123456", "date": dt.date(2024, 6, day)}


def _annex2_rows(typo: bool) -> list[dict]:
    """Four holders who left on Wed 29 May: the annex 2 is due by Mon 3 June (3 working days)."""
    rows = [annex_row("annex2", n, change_date=dt.date(2024, 5, 29)) for n in range(4)]
    if typo:
        rows[1]["cert"] = "320680000010"  # 320680000001 mistyped
    return rows


def _versions_folder(tmp_path: Path, corrected_name: str = CORR, corrected_rows: list | None = None) -> Path:
    forms = tmp_path / "forms"
    forms.mkdir()
    build(forms, "annex2", _annex2_rows(typo=True), meta=_meta(3), name=ORIG)  # on the deadline day
    build(forms, "annex2", corrected_rows if corrected_rows is not None else _annex2_rows(typo=False),
          meta=_meta(4), name=corrected_name)  # the next day
    return forms


def test_a_corrected_resubmission_replaces_the_rows_it_corrects(tmp_path: Path) -> None:
    from certctl.ledger_xlsx import write_ledger
    from certctl.model import build_model

    forms = _versions_folder(tmp_path)
    ws = load_workspace(forms, Options())
    led = build_ledger(ws, None, dt.date(2024, 6, 20))
    certs = sorted(a.cert for a in led.accounts)
    assert certs == [f"32068{n:07d}" for n in range(4)]  # each once; the typo 320680000010 gone
    files = {f.path: f for f in led.files}
    assert (files[ORIG].status, files[ORIG].superseded_by) == ("superseded", CORR)
    assert files[CORR].supersedes == ORIG
    assert (files[ORIG].rows_read, files[ORIG].rows_merged, files[ORIG].rows_superseded) == (4, 0, 4)
    assert (files[CORR].rows_read, files[CORR].rows_merged) == (4, 4)
    # each obligation once: the system 注销 of each card, 10 working days from the first version
    entry = [o for o in led.obligations if o.kind == "system_entry"]
    assert sorted(o.cert for o in entry) == certs and {o.state for o in entry} == {"overdue"}
    assert {o.deadline for o in entry} == {dt.date(2024, 6, 18)}  # from 6-3, the first version (6-4: 6-19; 6-10 is 端午)
    # the 3-day report judged on the first version's date: on time, not one day late
    reports = [o for a in led.accounts for o in a.obligations if o.kind == "change_report"]
    assert reports == [] or {o.state for o in reports} <= {"done"}
    assert not [f for f in led.findings if f.code in ("T001", "T002")]
    assert [f.code for f in led.findings if f.code in ("X008", "X009")] == ["X009"]
    out = write_ledger(led, tmp_path / "台账.xlsx")
    wb = openpyxl.load_workbook(out)
    sources = {r[0]: r for r in wb["来源文件"].iter_rows(min_row=2, values_only=True)}
    assert any(CORR in str(v) for v in sources[ORIG])  # 来源文件 names which file superseded it
    assert len(list(wb["证件台账"].iter_rows(min_row=2))) == 4
    # overdue, as the clerk runs it: each obligation once
    model = build_model(load_workspace(forms, Options()), None, dt.date(2024, 6, 20), findings=False)
    due = [(o.cert, o.kind) for o in model.obligations if o.state == "overdue"]
    assert len(due) == len(set(due)) == 4


def test_merge_summary_says_which_file_superseded_which(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from certctl.cli import app

    forms = _versions_folder(tmp_path)
    out = CliRunner().invoke(app, ["merge", str(forms), "-o", str(tmp_path / "台账.xlsx"), "--as-of", "2024-06-06"])
    assert f"更正版：{CORR} 取代 {ORIG}" in out.output, out.output
    assert "有错误" not in out.output  # the corrected file's T002 is judged on the first version's date
    assert "重复报送或被更正版取代 4" in out.output
    import json

    out = CliRunner().invoke(app, ["overdue", "-d", str(forms), "--as-of", "2024-06-20", "--format", "json"])

    doc = json.loads(out.output)
    assert doc["counts"]["overdue"] == 4 and doc["counts"]["done"] == 4 and doc["counts"]["done_late"] == 0
    owed = [(o["cert"], o["kind"]) for o in doc["overdue"] + doc["due_soon"]]
    assert len(owed) == len(set(owed)) == 4 and "320680000010" not in {c for c, _ in owed}
    assert {o["since"] for o in doc["overdue"]} == {"2024-06-03"}  # the first version's date


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_merge_lists_the_errors_a_correction_retired_as_not_counted(tmp_path: Path, lang: str) -> None:
    """The summary says 错误 0: the 更正版's T002 (judged on the first version's date instead) are still
    listed, under a title saying the correction retired them, never as the file's errors."""
    from typer.testing import CliRunner

    from certctl.cli import app

    forms = _versions_folder(tmp_path)
    res = CliRunner().invoke(app, ["merge", str(forms), "-o", str(tmp_path / "台账.xlsx"), "--as-of", "2024-06-06",
                                   "--lang", lang])
    text = res.output
    assert res.exit_code == 0 and ("0 errors" if lang == "en" else "错误 0，") in text, text
    title = (f"{CORR} (4 errors below no longer count because of the corrected version" if lang == "en"
             else f"{CORR}（以下 4 个错误因更正版不再计入")
    assert title in text and text.count("│ T002 │") == 4 and text.index("T002") > text.index(title), text


def test_a_correction_of_one_row_keeps_the_others(tmp_path: Path) -> None:
    rows = _annex2_rows(typo=False)[1:2]  # only the corrected holder
    forms = _versions_folder(tmp_path, corrected_rows=rows)
    led = build_ledger(load_workspace(forms, Options()), None, AS_OF)
    assert sorted(a.cert for a in led.accounts) == [f"32068{n:07d}" for n in range(4)]
    files = {f.path: f for f in led.files}
    assert (files[ORIG].rows_merged, files[ORIG].rows_superseded) == (3, 1)
    (x9,) = [f for f in led.findings if f.code == "X009"]
    assert x9.params["kept"] == 3 and x9.params["n"] == 1


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_sources_sheet_counts_the_rows_a_correction_superseded(tmp_path: Path, lang: str) -> None:
    """来源文件 of a folder whose 更正版 corrects one row of four: the first form reads 4 = merged 3 +
    rejected 0 + superseded 1, and says only some of its rows were superseded; the SQLite ledger and the
    terminal's file table (--verbose) agree."""
    import sqlite3

    from typer.testing import CliRunner

    from certctl.cli import app

    forms = _versions_folder(tmp_path, corrected_rows=_annex2_rows(typo=False)[1:2])
    out, db = tmp_path / "台账.xlsx", tmp_path / "台账.sqlite"
    res = CliRunner().invoke(app, ["merge", str(forms), "-o", str(out), "--sqlite", str(db), "--as-of", "2024-06-20",
                                   "--lang", lang, "--verbose"])
    assert res.exit_code in (0, 1), res.output
    # the terminal's file table says the same: a column for them, and "partly"
    line = next(x for x in res.output.splitlines() if f"│ {ORIG}" in x)
    assert [c.strip() for c in line.split("│")[3:7]] == ["4", "3", "0", "1"], line
    assert ("partly superseded" if lang == "en" else "部分行被取代") in line, line
    rows = list(openpyxl.load_workbook(out)["来源文件"].iter_rows(values_only=True))
    head, sources = rows[0], {r[0]: dict(zip(rows[0], r)) for r in rows[1:]}
    read, merged, rejected, superseded, status = (
        ("Rows read", "Rows merged", "Rows rejected", "Rows repeated or superseded", "Status") if lang == "en"
        else ("读取行数", "并入行数", "未并入行数", "重复或被取代行数", "状态"))
    first, corr = sources[ORIG], sources[CORR]
    assert (first[read], first[merged], first[rejected], first[superseded]) == (4, 3, 0, 1)
    assert (corr[read], corr[merged], corr[rejected], corr[superseded]) == (1, 1, 0, 0)
    for r in sources.values():
        assert r[read] == r[merged] + r[rejected] + r[superseded], r
    assert first[status].startswith("partly superseded by" if lang == "en" else "部分行被更正版取代"), first[status]
    with sqlite3.connect(db) as con:
        stored = con.execute("SELECT rows_read, rows_merged, rows_rejected, rows_superseded, status FROM files "
                             "WHERE file = ?", (ORIG,)).fetchone()
    assert stored == (4, 3, 0, 1, first[status])
    assert len(head) == 10


def test_sources_sheet_of_a_form_wholly_superseded(tmp_path: Path) -> None:
    """Every row corrected: 4 = 0 + 0 + 4, and the status says the whole form was superseded."""
    from certctl.ledger_xlsx import write_ledger

    led = build_ledger(load_workspace(_versions_folder(tmp_path), Options()), None, AS_OF)
    wb = openpyxl.load_workbook(write_ledger(led, tmp_path / "台账.xlsx"))
    row = next(r for r in wb["来源文件"].iter_rows(min_row=2, values_only=True) if r[0] == ORIG)
    assert row[5:9] == (4, 0, 0, 4) and row[9].startswith("已被更正版取代"), row


@pytest.mark.parametrize("name,why", [("附件2-注销申请表（补充）.xlsx", "rows"), (CORR, "mark")])
def test_a_later_file_that_could_be_a_correction_or_an_addition_is_said_so(tmp_path: Path, name: str, why: str) -> None:
    """No mark but the same people with other values; or a mark on other people: both kept, X008."""
    rows = _annex2_rows(typo=False) if why == "rows" else [annex_row("annex2", n) for n in range(20, 22)]
    forms = _versions_folder(tmp_path, corrected_name=name, corrected_rows=rows)
    led = build_ledger(load_workspace(forms, Options()), None, AS_OF)
    (x8,) = [f for f in led.findings if f.code == "X008"]
    assert x8.path.endswith(name) and x8.params["other"] == ORIG
    assert {f.status for f in led.files} <= {"ok", "errors"}  # nothing superseded on a guess
    # "rows": 3 of its rows equal the first file's (the same fact, once); the differing one is kept beside
    # the first file's, shown both ways. "mark": two other people, both merged.
    assert sum(f.rows_merged for f in led.files) == (4 + 1 if why == "rows" else 4 + 2)
    assert len(led.accounts) == (5 if why == "rows" else 6)


def test_the_same_rows_sent_again_count_once(tmp_path: Path) -> None:
    forms = tmp_path / "forms"
    forms.mkdir()
    build(forms, "annex2", _annex2_rows(typo=False), meta=_meta(3), name="附件2.xlsx")
    build(forms, "annex2", _annex2_rows(typo=False), meta=_meta(4), name="附件2-再次发送.xlsx")
    led = build_ledger(load_workspace(forms, Options()), None, dt.date(2024, 6, 20))
    assert len(led.accounts) == 4 and not [f for f in led.findings if f.code == "X008"]
    entry = [(o.cert, o.kind) for o in led.obligations]
    assert len(entry) == len(set(entry))
    assert {f.path: f.rows_superseded for f in led.files} == {"附件2.xlsx": 0, "附件2-再次发送.xlsx": 4}


def test_version_marks_in_names() -> None:
    from certctl.model.versions import base_name, version_mark

    assert version_mark(CORR) == "更正版" and version_mark("附件3（第二次）.xls") == "第二次"
    assert version_mark("附件2（修改版）.xlsx") == "修改版" and version_mark(ORIG) == ""
    assert base_name(CORR) == base_name(ORIG.replace(".xlsx", ".xls"))
    assert base_name("附件3（第二次）.xls") == base_name("附件3.xlsx")


def test_forms_of_two_months_named_alike_are_two_submissions(tmp_path: Path) -> None:
    """附件1 is titled 录入归集、注销、修改备案表: 修改 in both names is no version mark; a survey sent again
    a month later is a new snapshot, not a correction."""
    from certctl.model.versions import version_mark

    name = "附件1-人员数据录入归集、注销、修改备案表.xlsx"
    assert version_mark(name) == ""
    forms = tmp_path / "forms"
    for month, day in (("5月", 20), ("6月", 27)):
        (forms / month).mkdir(parents=True)
        build(forms / month, "annex1", [annex_row("annex1", 0, entry_date=dt.date(2024, 5, day))], name=name,
              meta=_meta(3 if month == "5月" else 28))
        build(forms / month, "survey", [annex_row("survey", 0, hours=10 + day)], name="摸排统计表.xlsx",
              meta={**_meta(3 if month == "5月" else 28), "unit": "柞水县乾佑街道办事处"})
    led = build_ledger(load_workspace(forms, Options()), None, AS_OF)
    assert {f.status for f in led.files} <= {"ok", "errors"}
    assert sum(f.rows_merged for f in led.files) == 4 and sum(f.rows_superseded for f in led.files) == 0
    assert [f.code for f in led.findings if f.code in ("X008", "X009")] == ["X008"]  # annex 1: one person entered in both, other dates: said, both kept


def test_ods_merged_data_cells_fill_every_row_they_cover(tmp_path: Path) -> None:
    """The merged-cells form of case 1 saved by LibreOffice as .ods: calamine gives no merged ranges for
    .ods, the reader takes them from content.xml."""
    from certctl.reader import read_workbook

    p = ODS / "附件1-合并单元格.ods"
    (sheet,) = read_workbook(p).sheets
    assert {(3, 2, 6, 2), (3, 6, 6, 6), (3, 7, 6, 7)} <= set(sheet.merged)  # C4:C7, G4:G7, H4:H7
    res = validate_file(p)
    assert res.rows == 4 and codes(res) == []
    assert {r.values["unit"] for r in res.records("annex1")} == {"启东市城市管理局"}


def test_the_case_as_found_an_xls_then_its_xlsx_correction(tmp_path: Path) -> None:
    """The unit's first version is a genuine .xls from old Excel (kept under tests/fixtures/versions,
    saved by LibreOffice from the typo form above); the correction comes as .xlsx the next day."""
    import shutil

    forms = tmp_path / "forms"
    forms.mkdir()
    first = "附件2-注销申请表（6月）.xls"
    shutil.copy(Path(__file__).parent / "fixtures" / "versions" / first, forms / first)
    build(forms, "annex2", _annex2_rows(typo=False), meta=_meta(4), name=CORR)
    led = build_ledger(load_workspace(forms, Options()), None, dt.date(2024, 6, 20))
    assert sorted(a.cert for a in led.accounts) == [f"32068{n:07d}" for n in range(4)]
    files = {f.path: f for f in led.files}
    assert (files[first].status, files[first].superseded_by, files[CORR].supersedes) == ("superseded", CORR, first)
    owed = [(o.cert, o.kind) for o in led.obligations if o.state in ("overdue", "due_soon", "due_today")]
    assert len(owed) == len(set(owed)) == 4
    assert not [o for o in led.obligations if o.state == "done_late"]


def test_a_hidden_sheet_with_an_old_copy_is_read_and_said(tmp_path):
    """A unit keeps last month's list on a hidden sheet. Its rows are read (dropping hidden sheets could
    lose real rows), and F009 says which sheet is hidden, so the clerk is not left with unexplained
    duplicates; the same sheet shown draws no F009."""
    unit = "启东市汇龙镇人民政府"
    meta = ["填报单位（盖章）：" + unit, None, None, "填报人员：郑六", None, "联系电话：0513-83123456", None,
            "填报时间：2024年6月3日"]
    rows = [[1, "郑成功", unit, pid("320681", dt.date(1978, 4, 4), True, 40), "男", "320681000501", "2024年5月31日",
             "2024年6月1日 南通日报登报声明作废", None]]
    path = hand_made(tmp_path / "附件4.xlsx", "附件4 补发表", meta, A4_HEAD, rows)
    assert "F009" not in codes(run(path))
    wb = openpyxl.load_workbook(path)
    old = wb.copy_worksheet(wb.active)
    old.title = "5月（旧）"
    old.sheet_state = "hidden"
    wb.save(path)
    res = run(path)
    hidden = [f for f in res.findings if f.code == "F009"]
    assert [(f.sheet, f.severity) for f in hidden] == [("5月（旧）", "warning")]
    assert "“5月（旧）”是隐藏的，其中的 1 行" in hidden[0].message("zh")
    assert "U001" in codes(res)  # its rows were read: the person is there twice
    wb = openpyxl.load_workbook(path)
    wb["5月（旧）"].sheet_state = "visible"
    wb.save(path)
    assert "F009" not in codes(run(path))
