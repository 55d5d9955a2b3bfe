"""The annotated copy: every original value kept, one comment per finding cell, fills by severity,
and a 问题清单 sheet with a row and a link per finding."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import subprocess
from collections import defaultdict
from pathlib import Path

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from certctl.annotate import FILLS, ISSUES_SHEET, ISSUES_SHEETS, annotate_results
from certctl.cli import app
from certctl.validate import Options, validate_file

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
MANIFEST = json.loads((EXAMPLES / "manifest.json").read_text(encoding="utf-8"))
FILES = sorted(k for k in MANIFEST if k.endswith(".xlsx"))
OPTS = Options(today=dt.date(2024, 6, 5))


def _values(wb, skip=()) -> dict:
    return {(ws.title, c.coordinate): (c.value, c.data_type, c.number_format)
            for ws in wb.worksheets if ws.title not in skip
            for row in ws.iter_rows() for c in row if c.value is not None}


def _note_cells(ann, orig) -> dict[tuple[str, str], str]:
    """The 问题说明 column's cells (its header too) of each form sheet: {(sheet, coord): text}, checking
    that the column stands right of every cell the form used."""
    out = {}
    for ws in orig.worksheets:
        a = ann[ws.title]
        heads = [c for row in a.iter_rows() for c in row if str(c.value).startswith("问题说明") and c.font.b]
        if not heads:
            continue
        col = heads[0].column
        used = max([c.column for row in ws.iter_rows() for c in row if c.value is not None]
                   + [m.max_col for m in ws.merged_cells.ranges] + [1])
        assert col == used + 1, (ws.title, col, used)
        for row in a.iter_rows(min_col=col, max_col=col):
            if row[0].value is not None:
                out[(ws.title, row[0].coordinate)] = row[0].value
    return out


def _marked_row(ann, f) -> int:
    """The row the finding's mark is on (a cell inside a merged range is marked at its top-left)."""
    ws = ann[f.sheet]
    for m in ws.merged_cells.ranges:
        if f.col is not None and m.min_row <= f.row <= m.max_row and m.min_col <= f.col + 1 <= m.max_col:
            return m.min_row
    return f.row


def _issue_rows(ws) -> list[tuple]:
    rows = list(ws.iter_rows(values_only=False))
    start = next(i for i, r in enumerate(rows) if r[0].value in ("序号", "No."))
    return [r for r in rows[start + 1:] if isinstance(r[0].value, int)]


@pytest.mark.parametrize("rel", FILES)
def test_annotated_copy_of_each_example(rel: str, tmp_path: Path) -> None:
    src = EXAMPLES / rel
    res = validate_file(src, OPTS)
    out = tmp_path / "out.xlsx"
    assert annotate_results([res], out, "zh") == [out]
    orig = load_workbook(src)
    ann = load_workbook(out)
    # the list comes first; the form's sheets follow unchanged
    assert ann.sheetnames == [ISSUES_SHEET, *orig.sheetnames]
    # every original cell keeps its value; new cells are only in the 问题说明 column right of the form
    before, after = _values(orig), _values(ann, skip=(ISSUES_SHEET,))
    assert {k: after.get(k) for k in before} == before
    notes = _note_cells(ann, orig)
    assert set(after) - set(before) == set(notes)
    for ws in orig.worksheets:
        a = ann[ws.title]
        note_col = {k[1].rstrip("0123456789") for k in notes if k[0] == ws.title}
        assert sorted(map(str, a.merged_cells.ranges)) == sorted(map(str, ws.merged_cells.ranges))
        assert len(a.data_validations.dataValidation) == len(ws.data_validations.dataValidation)
        widths = {k: v.width for k, v in a.column_dimensions.items() if k not in note_col}
        assert widths == {k: v.width for k, v in ws.column_dimensions.items() if k not in note_col}
    # one comment per finding cell, holding every message for that cell
    comments = {(ws.title, c.coordinate): c for ws in ann.worksheets if ws.title != ISSUES_SHEET
                for row in ws.iter_rows() for c in row if c.comment is not None}
    issues = _issue_rows(ann[ISSUES_SHEET])
    assert len(issues) == len(res.findings)
    per_cell: dict[tuple[str, str], list] = defaultdict(list)
    for f, row in zip(sorted(res.findings, key=lambda f: ({"error": 0, "warning": 1, "info": 2}[f.severity], f.sort_key())),
                      issues):
        assert row[2].value == f.code and row[7].value == f.message("zh")
        if f.sheet is not None:
            assert row[4].hyperlink is not None and row[4].hyperlink.location.startswith(f"'{f.sheet}'!")
        if f.row is not None and f.col is not None:
            per_cell[(f.sheet, row[4].value)].append(f)
            assert row[4].hyperlink.location == f"'{f.sheet}'!{row[4].value}"
    assert set(comments) == set(per_cell)
    # on paper: beside each flagged row, the 问题说明 cell says what is wrong in that row
    for f in res.findings:
        if f.sheet is not None and f.row is not None:
            text = next(v for (t, coord), v in notes.items()
                        if t == f.sheet and int(coord.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ")) == _marked_row(ann, f))
            assert f.message("zh") in text, (f.code, text)
    for key, fs in per_cell.items():
        cell = comments[key]
        text = cell.comment.text
        for f in fs:
            assert f"{f.code}] {f.message('zh')}" in text
        worst = min(fs, key=lambda f: {"error": 0, "warning": 1, "info": 2}[f.severity]).severity
        assert cell.fill.fgColor.rgb == FILLS[worst]
    # cells without findings keep their fill
    for ws in orig.worksheets:
        for row in ws.iter_rows():
            for c in row:
                if (ws.title, c.coordinate) not in per_cell:
                    assert ann[ws.title][c.coordinate].fill.fgColor.rgb == c.fill.fgColor.rgb
    if MANIFEST[rel]["clean"]:
        assert not [k for k, fs in per_cell.items() if any(f.severity == "error" for f in fs)]


def test_ids_masked_in_comments_unless_asked(tmp_path: Path) -> None:
    src = EXAMPLES / "forms/附件1_备案表_有错误.xlsx"
    res = validate_file(src, OPTS)
    f = next(f for f in res.findings if f.code == "I004")
    annotate_results([res], tmp_path / "a.xlsx", "zh")
    annotate_results([res], tmp_path / "b.xlsx", "zh", show_id=True)
    masked = load_workbook(tmp_path / "a.xlsx")[f.sheet][f.cell].comment.text
    full = load_workbook(tmp_path / "b.xlsx")[f.sheet][f.cell].comment.text
    assert f.value not in masked and "*" in masked and f.value in full


def test_never_writes_a_formula(tmp_path: Path) -> None:
    from certctl import templates as T
    from certctl.idcard import make_id

    row = {"name": "王明", "sex": "男", "id": make_id("320681", dt.date(1980, 1, 1), 11), "unit": "=1+1",
           "cert": "320681200001", "action": "@SUM(A1)", "entry_date": dt.date(2024, 5, 1), "remark": "-3+4"}
    T.fill_template("annex1", [row], {"unit": "+启东", "reporter": "张三", "phone": "13912345678",
                                      "date": dt.date(2024, 6, 3)}, tmp_path / "f.xlsx")
    res = validate_file(tmp_path / "f.xlsx", OPTS)
    annotate_results([res], tmp_path / "a.xlsx", "zh")
    wb = load_workbook(tmp_path / "a.xlsx")
    for ws in wb.worksheets:
        for r in ws.iter_rows():
            for c in r:
                assert c.data_type != "f", (ws.title, c.coordinate, c.value)
    assert wb["附件1"]["C4"].value == "=1+1"


def test_several_inputs_go_to_a_folder(tmp_path: Path) -> None:
    a = validate_file(EXAMPLES / "forms/附件2_注销表_有错误.xlsx", OPTS)
    b = validate_file(EXAMPLES / "forms/附件4_补发表_有错误.xlsx", OPTS)
    out = annotate_results([a, b], tmp_path / "返回", "en")
    assert [p.name for p in out] == ["附件2_注销表_有错误.检查结果.xlsx", "附件4_补发表_有错误.检查结果.xlsx"]
    ws = load_workbook(out[0])[ISSUES_SHEETS["en"]]  # in English, the list is named in English
    assert any(r[0].value == "No." for r in ws.iter_rows())
    with pytest.raises(ValueError):
        annotate_results([a, b], out[0], "zh")  # a file where a folder is needed
    with pytest.raises(ValueError):
        annotate_results([a], tmp_path / "x.csv", "zh")


def test_refuses_to_overwrite_the_submitted_file(tmp_path: Path) -> None:
    src = tmp_path / "f.xlsx"
    shutil.copy(EXAMPLES / "forms/附件1_备案表_有错误.xlsx", src)
    res = validate_file(src, OPTS)
    before = src.read_bytes()
    with pytest.raises(ValueError):
        annotate_results([res], src, "zh")
    assert src.read_bytes() == before


def test_unreadable_file_gets_a_list_only(tmp_path: Path) -> None:
    bad = tmp_path / "坏文件.xlsx"
    bad.write_text("not a workbook", encoding="utf-8")
    res = validate_file(bad, OPTS)
    out = annotate_results([res], tmp_path / "o.xlsx", "zh")[0]
    wb = load_workbook(out)
    assert wb.sheetnames == [ISSUES_SHEET]
    assert [r[2].value for r in _issue_rows(wb[ISSUES_SHEET])] == ["F001"]


def test_wps_et_extension_opened_as_xlsx(tmp_path: Path) -> None:
    src = tmp_path / "报表.et"
    shutil.copy(EXAMPLES / "forms/附件3_换证表_有错误.xlsx", src)
    res = validate_file(src, OPTS)
    out = annotate_results([res], tmp_path / "o.xlsx", "zh")[0]
    wb = load_workbook(out)
    orig = load_workbook(EXAMPLES / "forms/附件3_换证表_有错误.xlsx")
    assert _values(wb, skip=(ISSUES_SHEET,)) == _values(orig) | {
        (ws, coord): (text, "s", "General") for (ws, coord), text in _note_cells(wb, orig).items()}


SOFFICE = shutil.which("soffice")


@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) not installed: needed to make an .xls input")
def test_xls_input_is_rebuilt_from_values(tmp_path: Path) -> None:
    src = EXAMPLES / "forms/附件1_备案表_有错误.xlsx"
    proc = subprocess.run([SOFFICE, f"-env:UserInstallation=file://{tmp_path}/profile", "--headless",
                           "--convert-to", "xls", "--outdir", str(tmp_path), str(src)],
                          capture_output=True, text=True, timeout=120)
    xls = tmp_path / (src.stem + ".xls")
    assert proc.returncode == 0 and xls.exists(), proc.stderr
    res = validate_file(xls, OPTS)
    assert res.format == "xls" and res.findings
    out = annotate_results([res], tmp_path / "o.xlsx", "zh")[0]
    wb = load_workbook(out)
    notes = [c.value for r in wb[ISSUES_SHEET].iter_rows(max_row=4) for c in r if c.value]
    assert any("重建" in str(v) for v in notes)
    f = next(f for f in res.findings if f.code == "I004")
    assert wb[f.sheet][f.cell].comment is not None
    assert wb[f.sheet][f.cell].value == f.value


def test_cli_validate_annotate(tmp_path: Path) -> None:
    out = tmp_path / "退回.xlsx"
    r = CliRunner().invoke(app, ["validate", str(EXAMPLES / "forms/附件4_补发表_有错误.xlsx"), "--annotate", str(out)])
    assert r.exit_code == 1, r.output
    assert out.exists()
    wb = load_workbook(out)
    assert wb.sheetnames[0] == ISSUES_SHEET
