"""The clerk's ledger over weeks of use, each edit saved as a clerk saves it (openpyxl here, LibreOffice
where installed), then merged again: every note is carried into the new ledger, or the old ledger is
copied aside, and the clerk is told which in Chinese."""

from __future__ import annotations

import shutil
from pathlib import Path

import openpyxl
import pytest
from openpyxl.styles import Font, PatternFill
from typer.testing import CliRunner

from certctl.cli import app
from test_ledger_elsewhere import _type_note

EXAMPLES = Path(__file__).parent.parent / "examples"
CERT = "320681200002"


def merge(*args: str) -> object:
    return CliRunner().invoke(app, ["merge", "ledger", "--as-of", "2024-06-05", "--no-cache", *args])


@pytest.fixture
def ledger(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    shutil.copytree(EXAMPLES / "ledger", tmp_path / "ledger")
    monkeypatch.chdir(tmp_path)
    assert merge().exit_code == 1
    _type_note(tmp_path / "台账.xlsx", CERT, "已电话催办")
    return tmp_path / "台账.xlsx"


def _notes(ledger: Path) -> dict[str, str]:
    ws = openpyxl.load_workbook(ledger)["证件台账"]
    col = next(c.column for c in ws[1] if c.value == "处理情况")
    return {r[0].value: r[col - 1].value for r in ws.iter_rows(min_row=2) if r[col - 1].value}


def _backups(ledger: Path) -> list[Path]:
    return sorted(ledger.parent.glob("台账.*.bak.xlsx"))


def test_a_renamed_ledger_sheet_keeps_its_notes(ledger: Path) -> None:
    """证件台账 renamed 证件台账6月: its notes were not carried at all ('被删除或改名'), only kept in the copy."""
    wb = openpyxl.load_workbook(ledger)
    wb["证件台账"].title = "证件台账6月"
    wb.save(ledger)
    r = merge()
    assert "工作表“证件台账”改名为“证件台账6月”（其中填写的内容已带入" in r.output, r.output
    assert "新加了工作表" not in r.output and "被删除或改名" not in r.output, r.output
    assert _notes(ledger) == {CERT: "已电话催办"}
    backup, = _backups(ledger)
    assert "证件台账6月" in openpyxl.load_workbook(backup).sheetnames
    r = CliRunner().invoke(app, ["--lang", "en", "merge", "ledger", "--as-of", "2024-06-05", "--no-cache"])
    assert "renamed" not in r.output  # the new ledger has its own name back: nothing to say


def test_a_renamed_ledger_sheet_with_the_state_folder_deleted_is_left_alone(ledger: Path) -> None:
    """Without the note the file is no longer known as certctl's: it is not replaced (certctl.outputs)."""
    shutil.rmtree(ledger.parent / ".certctl")
    wb = openpyxl.load_workbook(ledger)
    wb["证件台账"].title = "台账（在用）"
    wb.save(ledger)
    before = ledger.read_bytes()
    r = merge()
    assert r.exit_code == 2 and "为免覆盖别人的文件未写入" in r.output, r.output
    assert ledger.read_bytes() == before


def test_a_sheet_of_certctls_renamed_is_not_taken_for_the_ledger_sheet(ledger: Path) -> None:
    wb = openpyxl.load_workbook(ledger)
    del wb["证件台账"]
    wb["变动记录"].title = "变动"  # shares 证件号码, 姓名 … with 证件台账, but not four in five of its titles
    wb.save(ledger)
    r = merge()
    assert "工作表“证件台账”被删除或改名" in r.output and "改名为" not in r.output, r.output
    assert len(_backups(ledger)) == 1


@pytest.mark.parametrize("colour", ["fill", "font"])
def test_cells_the_clerk_coloured_are_kept_in_the_copy_aside(ledger: Path, colour: str) -> None:
    """A clerk marks rows yellow, or a name in red: the ledger written anew has no such colour, and it was
    lost without a word (values alone were compared)."""
    wb = openpyxl.load_workbook(ledger)
    ws = wb["证件台账"]
    if colour == "fill":
        ws.cell(4, 2).fill = PatternFill("solid", fgColor="FFFF00")
    else:
        ws.cell(5, 2).font = Font(color="FF0000")
    wb.save(ledger)
    r = merge()
    assert "给单元格加了颜色（填充色或字体颜色），新台账中没有这些颜色" in r.output, r.output
    backup, = _backups(ledger)
    got = openpyxl.load_workbook(backup)["证件台账"]
    assert (got.cell(4, 2).fill.fgColor.rgb == "00FFFF00") if colour == "fill" else (got.cell(5, 2).font.color.rgb == "00FF0000")
    assert _notes(ledger) == {CERT: "已电话催办"}


def test_a_filter_left_on_hidden_rows_and_columns_are_not_edits(ledger: Path) -> None:
    """Saved with the filter on (rows hidden) and a column hidden: every note carried, nothing copied aside."""
    wb = openpyxl.load_workbook(ledger)
    ws = wb["证件台账"]
    ws.auto_filter.ref = ws.dimensions
    ws.row_dimensions[3].hidden = True  # the row of CERT, filtered out of view
    ws.column_dimensions["C"].hidden = True
    wb.save(ledger)
    r = merge()
    assert "另存为" not in r.output and not _backups(ledger), r.output
    assert _notes(ledger) == {CERT: "已电话催办"}


SOFFICE = shutil.which("soffice")


@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) not installed")
def test_a_ledger_saved_by_libreoffice_with_a_note_only_is_not_taken_for_coloured(ledger: Path) -> None:
    """LibreOffice writes the styles anew (certctl's colours kept, unused ones dropped): no colour of the clerk's."""
    import subprocess

    out = ledger.parent / "lo"
    proc = subprocess.run([SOFFICE, f"-env:UserInstallation=file://{ledger.parent}/profile", "--headless",
                           "--convert-to", "xlsx", "--outdir", str(out), str(ledger)], capture_output=True, text=True,
                          timeout=120)
    assert proc.returncode == 0, proc.stderr
    shutil.rmtree(ledger.parent / "profile", ignore_errors=True)
    shutil.move(out / "台账.xlsx", ledger)
    r = merge()
    assert "颜色" not in r.output and "另存为" not in r.output and not _backups(ledger), r.output
    assert _notes(ledger) == {CERT: "已电话催办"}


def test_the_state_folder_deleted_between_merges_is_named(ledger: Path) -> None:
    """The clerk tidies the folder and deletes the hidden .certctl/: the notes are carried, the ledger copied
    aside, and the clerk told why, naming the folder (it said only '找不到上次写出台账时的记录')."""
    shutil.rmtree(ledger.parent / ".certctl")
    r = merge()
    assert "无法核对改动（.certctl 文件夹被删除了，或台账是从别处拷来的？）" in r.output, r.output
    assert _notes(ledger) == {CERT: "已电话催办"} and len(_backups(ledger)) == 1
    r = merge()  # the folder is made again with the new ledger's note: said once
    assert ".certctl" not in r.output and len(_backups(ledger)) == 1, r.output


def test_a_note_typed_once_in_merged_cells_is_carried_to_each_row(ledger: Path) -> None:
    """One 处理情况 for three certificates, in cells merged down: the merged cell's value was read in its first
    row alone, and the two others lost it without a word."""
    wb = openpyxl.load_workbook(ledger)
    ws = wb["证件台账"]
    col = next(c.column for c in ws[1] if c.value == "处理情况")
    certs = [ws.cell(r, 1).value for r in (3, 4, 5)]
    ws.cell(3, col).value = "同批已催办"
    ws.merge_cells(start_row=3, start_column=col, end_row=5, end_column=col)
    wb.save(ledger)
    r = merge()
    letter = openpyxl.utils.get_column_letter(col)
    assert f"在 证件台账 中合并了单元格（{letter}3:{letter}5），新台账中不合并：合并处的内容已填入其中每一行" in r.output, r.output
    assert _notes(ledger) == {c: "同批已催办" for c in certs} and len(_backups(ledger)) == 1


def test_certctls_cells_merged_for_grouping_are_not_read_as_emptied(ledger: Path) -> None:
    """所属主体 merged down over the rows of one unit, for reading: said as merged, not as '改动了 N 行中由表格
    生成的内容' (python-calamine reads a merged range's value in its first cell alone)."""
    wb = openpyxl.load_workbook(ledger)
    ws = wb["证件台账"]
    col = next(c.column for c in ws[1] if c.value == "所属主体")
    r = 2
    while r < ws.max_row:
        end = r
        while end < ws.max_row and ws.cell(end + 1, col).value == ws.cell(r, col).value:
            end += 1
        if end > r:
            ws.merge_cells(start_row=r, start_column=col, end_row=end, end_column=col)
        r = end + 1
    wb.save(ledger)
    r = merge()
    assert "中合并了单元格（" in r.output and "改动了" not in r.output, r.output
    assert _notes(ledger) == {CERT: "已电话催办"} and len(_backups(ledger)) == 1


def test_a_copy_of_the_ledger_sheet_named_like_a_part_is_the_clerks_sheet(ledger: Path) -> None:
    """The clerk copies 证件台账 to work on, and the copy is named 证件台账(2) (as certctl names a part of a
    table too long for one sheet): it was taken for such a part, and vanished from the new ledger without a
    word, its notes merged into 证件台账's rows. certctl wrote no such part: it is the clerk's own sheet."""
    wb = openpyxl.load_workbook(ledger)
    ws = wb["证件台账"]
    copy = wb.copy_worksheet(ws)
    copy.title = "证件台账(2)"
    col = next(c.column for c in ws[1] if c.value == "处理情况")
    copy.cell(4, col).value = "副本里写的"
    wb.save(ledger)
    r = merge()
    assert "新加了工作表 证件台账(2)" in r.output, r.output
    assert _notes(ledger) == {CERT: "已电话催办"}
    backup, = _backups(ledger)
    assert openpyxl.load_workbook(backup)["证件台账(2)"].cell(4, col).value == "副本里写的"


@pytest.mark.parametrize("rule", ["drop-down", "conditional"])
def test_a_drop_down_list_or_conditional_formatting_the_clerk_set_is_kept_in_the_copy_aside(ledger: Path, rule: str) -> None:
    """A drop-down list (数据有效性) on 处理情况, or 红 shown in red by a rule (条件格式): certctl writes neither,
    and the ledger written anew lost them without a word."""
    from openpyxl.formatting.rule import CellIsRule
    from openpyxl.worksheet.datavalidation import DataValidation

    wb = openpyxl.load_workbook(ledger)
    ws = wb["证件台账"]
    if rule == "drop-down":
        v = DataValidation(type="list", formula1='"已收回,未收回,已催办"')
        ws.add_data_validation(v)
        v.add("N2:N200")
    else:
        ws.conditional_formatting.add("H2:H200", CellIsRule(operator="equal", formula=['"红"'],
                                                            fill=PatternFill("solid", fgColor="FF0000")))
    wb.save(ledger)
    r = merge()
    said = "数据有效性（下拉列表等）" if rule == "drop-down" else "条件格式"
    assert f"在 证件台账 中设置了{said}，新台账中没有" in r.output, r.output
    assert _notes(ledger) == {CERT: "已电话催办"} and len(_backups(ledger)) == 1
