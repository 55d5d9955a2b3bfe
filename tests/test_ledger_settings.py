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
