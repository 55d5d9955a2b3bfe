"""Settings a clerk gives the ledger's sheets, and columns a clerk inserts: what the next merge keeps, says,
or copies aside (saved by openpyxl, as the clerk's Excel/WPS would save them)."""

from __future__ import annotations

from pathlib import Path

import openpyxl
from typer.testing import CliRunner

from certctl.cli import app
from test_ledger_weeks import CERT, _backups, _notes, ledger, merge  # noqa: F401 - ledger: the fixture


def _edit(ledger: Path, how: object) -> None:
    wb = openpyxl.load_workbook(ledger)
    how(wb)  # type: ignore[operator]
    wb.save(ledger)


def test_a_sheet_the_clerk_protected_is_said_and_kept_in_the_copy_aside(ledger: Path) -> None:
    """证件台账 protected with a password (审阅 → 保护工作表): the ledger written anew was open to anyone, without
    a word."""
    def protect(wb: openpyxl.Workbook) -> None:
        wb["证件台账"].protection.sheet = True
        wb["证件台账"].protection.password = "1234"
    _edit(ledger, protect)
    r = merge()
    assert "在 证件台账 中设置了工作表保护，新台账中没有" in r.output, r.output
    assert _notes(ledger) == {CERT: "已电话催办"}
    backup, = _backups(ledger)
    assert openpyxl.load_workbook(backup)["证件台账"].protection.sheet
    _edit(ledger, protect)
    r = CliRunner().invoke(app, ["--lang", "en", "merge", "ledger", "--as-of", "2024-06-05", "--no-cache"])
    assert "sheet protection set in 证件台账: not in the new ledger" in r.output, r.output


def test_a_sheet_the_clerk_hid_is_said_shown_again_without_a_copy(ledger: Path) -> None:
    """问题清单 hidden (右键 → 隐藏): the new ledger shows it again. Nothing is lost (a view setting, like hidden
    rows), so no copy aside: a clerk who hides it after every merge would otherwise get a copy every time."""
    def hide(wb: openpyxl.Workbook) -> None:
        wb["问题清单"].sheet_state = "hidden"
    _edit(ledger, hide)
    r = merge()
    assert "台账 台账.xlsx：隐藏的工作表 问题清单 在新台账中重新显示。" in r.output, r.output
    assert not _backups(ledger) and _notes(ledger) == {CERT: "已电话催办"}
    assert openpyxl.load_workbook(ledger)["问题清单"].sheet_state == "visible"
    _edit(ledger, hide)
    r = CliRunner().invoke(app, ["--lang", "en", "merge", "ledger", "--as-of", "2024-06-05", "--no-cache"])
    assert "hidden sheet(s) 问题清单 shown again in the new ledger" in r.output, r.output
    r = merge()
    assert "隐藏" not in r.output, r.output  # shown since: nothing to say


def test_frozen_panes_moved_are_neither_said_nor_copied_aside(ledger: Path) -> None:
    """The clerk freezes 证件号码 and 姓名 as well (C2): the new ledger freezes its header row again. A view
    setting, reset like a column's width: saying it (and copying the ledger aside) every merge would be noise."""
    def freeze(wb: openpyxl.Workbook) -> None:
        wb["证件台账"].freeze_panes = "C2"
    _edit(ledger, freeze)
    r = merge()
    assert "另存为" not in r.output and "台账 台账.xlsx：" not in r.output and not _backups(ledger), r.output
    assert _notes(ledger) == {CERT: "已电话催办"}


def test_a_column_the_clerk_inserted_among_certctls_is_carried_to_the_end_and_said(ledger: Path) -> None:
    """联系电话 inserted after 姓名: its values were carried, but the column moved to the end without a word."""
    def insert(wb: openpyxl.Workbook) -> None:
        ws = wb["证件台账"]
        ws.insert_cols(3)
        ws.cell(1, 3).value = "联系电话"
        row = next(r for r in range(2, ws.max_row + 1) if ws.cell(r, 1).value == CERT)
        ws.cell(row, 3).value = "13800000000"
    _edit(ledger, insert)
    r = merge()
    assert "台账 台账.xlsx：在 证件台账 中插入的列“联系电话”已带入新台账，位置移到了最后（在 certctl 的各列之后）。" in r.output, r.output
    assert not _backups(ledger) and "另存为" not in r.output, r.output  # nothing lost
    ws = openpyxl.load_workbook(ledger)["证件台账"]
    titles = [c.value for c in ws[1]]
    assert titles[-2:] == ["处理情况", "联系电话"], titles
    assert {r[0].value: r[-1].value for r in ws.iter_rows(min_row=2) if r[-1].value} == {CERT: "13800000000"}
    assert _notes(ledger) == {CERT: "已电话催办"}
    r = merge()
    assert "插入的列" not in r.output, r.output  # at the end now: nothing to say


def test_a_column_the_clerk_added_at_the_end_is_not_said(ledger: Path) -> None:
    def add(wb: openpyxl.Workbook) -> None:
        ws = wb["证件台账"]
        ws.cell(1, ws.max_column + 1).value = "联系电话"
    _edit(ledger, add)
    r = merge()
    assert "插入的列" not in r.output and not _backups(ledger), r.output


def test_excels_name_for_a_copied_sheet_is_the_clerks_sheet_not_a_part(ledger: Path) -> None:
    """Excel names a copy of 证件台账 "证件台账 (2)" (a space before the bracket; certctl's parts have none):
    said as a sheet added, copied aside with its notes, which are not merged into 证件台账's rows."""
    def copy(wb: openpyxl.Workbook) -> None:
        ws = wb.copy_worksheet(wb["证件台账"])
        ws.title = "证件台账 (2)"
        col = next(c.column for c in ws[1] if c.value == "处理情况")
        row = next(r for r in range(2, ws.max_row + 1) if ws.cell(r, 1).value != CERT)
        ws.cell(row, col).value = "副本里写的"
    _edit(ledger, copy)
    r = merge()
    assert "中有无法带入新台账的改动（新加了工作表 证件台账 (2)），原台账已另存为" in r.output, r.output
    assert _notes(ledger) == {CERT: "已电话催办"}  # the copy's note is not taken for 证件台账's
    backup, = _backups(ledger)
    assert "副本里写的" in [c.value for row in openpyxl.load_workbook(backup)["证件台账 (2)"].iter_rows() for c in row]
    assert openpyxl.load_workbook(ledger).sheetnames.count("证件台账 (2)") == 0


def test_what_is_only_said_is_in_merges_json_too(ledger: Path) -> None:
    """A cron job reading `merge --json` gets the lines a clerk reads (``ledger_notes``), not only the reasons
    for a copy aside."""
    import json

    _edit(ledger, lambda wb: setattr(wb["问题清单"], "sheet_state", "hidden"))
    r = CliRunner().invoke(app, ["merge", "ledger", "--as-of", "2024-06-05", "--no-cache", "--format", "json"])
    doc = json.loads(r.stdout)
    assert doc["ledger_notes"] == ["隐藏的工作表 问题清单 在新台账中重新显示"], doc
    assert doc["backup"] is None and doc["backup_reasons"] == []
