"""The SQLite ledger (``merge --sqlite``): the workbook's tables row for row, indexed, replaced safely."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from pathlib import Path

import openpyxl
import pytest
from python_calamine import CalamineWorkbook
from typer.testing import CliRunner

from certctl import ledger_xlsx
from certctl.cli import app
from certctl.ledger_sqlite import APPLICATION_ID, COLUMNS, TABLES
from certctl.samples import write_form
from test_merge import AS_OF, build_dir


def _merge(*args: str) -> object:
    return CliRunner().invoke(app, ["merge", *args, "--as-of", AS_OF])


def _cell(v: object) -> object:
    """A workbook cell as the database stores it."""
    if v is None or v == "":
        return None
    if isinstance(v, dt.datetime):
        return v.date().isoformat()
    if isinstance(v, dt.date):
        return v.isoformat()
    if isinstance(v, float) and v.is_integer():
        return int(v)
    return v


def _workbook_tables(path: Path) -> dict[str, list[list[object]]]:
    wb = CalamineWorkbook.from_path(str(path))
    out: dict[str, list[list[object]]] = {}
    for name in wb.sheet_names:
        grid = wb.get_sheet_by_name(name).to_python(skip_empty_area=False)
        base = name.split("(")[0]
        rows = [[_cell(v) for v in r] for r in grid[1:]]
        out.setdefault(base, []).extend(rows)
    return out


@pytest.mark.parametrize("max_rows", [None, 5])
def test_sqlite_and_workbook_agree_row_for_row(tmp_path: Path, max_rows: int | None,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    if max_rows:  # the workbook split over several sheets, the database one table each
        monkeypatch.setattr(ledger_xlsx, "MAX_ROWS", max_rows)
    forms = build_dir(tmp_path / "forms")
    out, db_path = tmp_path / "台账.xlsx", tmp_path / "台账.sqlite"
    res = _merge(str(forms), "-o", str(out), "--sqlite", str(db_path))
    assert res.exit_code in (0, 1), res.output
    assert f"SQLite 台账：{db_path}" in res.output
    sheets = _workbook_tables(out)
    db = sqlite3.connect(db_path)
    assert db.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
    for sheet, table in TABLES.items():
        cols = [r[1] for r in db.execute(f'PRAGMA table_info("{table}")')]
        assert cols[0] == "row" and cols[1:len(COLUMNS[table]) + 1] == list(COLUMNS[table])
        got = [list(r[1:]) for r in db.execute(f'SELECT * FROM "{table}" ORDER BY "row"')]
        want = sheets[sheet]
        assert len(got) == len(want) > 0, sheet
        for g, w in zip(got, want):
            assert g == w[:len(g)] + [None] * (len(g) - len(w)), (sheet, g, w)
    # indexed where a clerk's query looks: certificate number, ID number, unit
    idx = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}
    assert {"certificates_cert", "certificates_id_number", "certificates_unit", "events_cert", "events_id_number",
            "events_unit", "obligations_cert"} <= idx
    plan = " ".join(str(r) for r in db.execute("EXPLAIN QUERY PLAN SELECT * FROM events WHERE id_number = 'x'"))
    assert "USING INDEX events_id_number" in plan
    meta = dict(db.execute("SELECT key, value FROM meta"))
    assert meta["as_of"] == AS_OF and int(meta["rows.events"]) == len(sheets["变动记录"])
    db.close()


def test_unchanged_and_rebuilt_when_the_database_is_gone(tmp_path: Path) -> None:
    forms = build_dir(tmp_path / "forms")
    out, db_path = tmp_path / "台账.xlsx", tmp_path / "台账.sqlite"
    _merge(str(forms), "-o", str(out), "--sqlite", str(db_path))
    res = _merge(str(forms), "-o", str(out), "--sqlite", str(db_path), "-f", "json")
    assert json.loads(res.output)["unchanged"] is True
    db_path.unlink()
    res = _merge(str(forms), "-o", str(out), "--sqlite", str(db_path), "-f", "json")
    doc = json.loads(res.output)
    assert doc["unchanged"] is False and doc["sqlite"] == str(db_path) and db_path.is_file()


def test_a_new_schema_version_writes_the_database_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Same forms, same day, a certctl writing another schema: not "unchanged" (else the old file stays
    and overdue --ledger keeps refusing it)."""
    from certctl import ledger_sqlite

    forms = build_dir(tmp_path / "forms")
    out, db_path = tmp_path / "台账.xlsx", tmp_path / "台账.sqlite"
    _merge(str(forms), "-o", str(out), "--sqlite", str(db_path))
    monkeypatch.setattr(ledger_sqlite, "SCHEMA_VERSION", ledger_sqlite.SCHEMA_VERSION + 1)
    res = _merge(str(forms), "-o", str(out), "--sqlite", str(db_path), "-f", "json")
    assert json.loads(res.output)["unchanged"] is False
    db = sqlite3.connect(db_path)
    assert db.execute("PRAGMA user_version").fetchone()[0] == ledger_sqlite.SCHEMA_VERSION
    db.close()


def test_a_file_certctl_did_not_write_is_not_replaced(tmp_path: Path) -> None:
    forms = build_dir(tmp_path / "forms")
    other = tmp_path / "别人的.sqlite"
    db = sqlite3.connect(other)
    db.execute("CREATE TABLE t (x)")
    db.commit()
    db.close()
    before = other.read_bytes()
    res = _merge(str(forms), "-o", str(tmp_path / "台账.xlsx"), "--sqlite", str(other))
    assert res.exit_code == 2 and "不是 certctl 写出的 SQLite 台账" in res.output
    assert other.read_bytes() == before and not (tmp_path / "台账.xlsx").exists()


def test_clerk_notes_go_to_the_database(tmp_path: Path) -> None:
    forms = build_dir(tmp_path / "forms")
    out, db_path = tmp_path / "台账.xlsx", tmp_path / "台账.sqlite"
    _merge(str(forms), "-o", str(out))
    wb = openpyxl.load_workbook(out)
    ws = wb["证件台账"]
    head = [c.value for c in ws[1]]
    col = head.index("处理情况") + 1
    ws.cell(1, col + 1, "联系人")
    ws.cell(2, col, "已催办")
    ws.cell(2, col + 1, "李科长")
    cert = ws.cell(2, 1).value
    wb.save(out)
    res = _merge(str(forms), "-o", str(out), "--sqlite", str(db_path))
    assert "原台账已另存为" not in res.output, res.output
    db = sqlite3.connect(db_path)
    assert db.execute("SELECT action_taken FROM certificates WHERE cert = ?", (cert,)).fetchone() == ("已催办",)
    assert db.execute("SELECT title, value FROM clerk_notes WHERE cert = ?", (cert,)).fetchall() == [("联系人", "李科长")]
    db.close()
