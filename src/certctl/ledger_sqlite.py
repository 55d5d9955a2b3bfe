"""The master ledger as an SQLite database (``台账.sqlite``): the workbook's tables, row for row.

A national ledger does not fit in a spreadsheet a clerk can scroll, but it fits in one SQLite file that
any SQL tool opens (sqlite3, DB Browser for SQLite, Python, R, Excel through ODBC). ``certctl merge
--sqlite 台账.sqlite`` writes it beside the workbook from the same rows (:func:`certctl.ledger_xlsx.
ledger_sheets`): one table per sheet, one row per sheet row, in the same order (``row`` = the row's
place in the table, 1 = the first row under the header), with indexes on certificate number, ID
number and unit. docs/ledger-schema.md describes the tables; docs/postgresql.md plans the same tables
in a provincial PostgreSQL server.

Written like the workbook: to a temporary file beside it, then renamed into place (an interrupted merge
leaves the previous database), with the mode of personal-data files. An existing file is replaced only
when certctl wrote it (its ``application_id``); anything else there is refused (:class:`OutputRefused`).
Values: text as text, numbers as numbers, dates as ISO text ``YYYY-MM-DD`` (SQLite has no date type;
ISO dates sort and compare as dates), empty cells as NULL.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import sqlite3
from pathlib import Path
from typing import Any, Iterable, Iterator

from .outputs import OutputRefused
from .state import file_mode

__all__ = ["APPLICATION_ID", "TABLES", "COLUMNS", "write_sqlite", "check_sqlite_output", "is_sqlite_ledger",
           "SCHEMA_VERSION"]

APPLICATION_ID = 0x43455254  # "CERT": PRAGMA application_id of every SQLite ledger certctl writes
SCHEMA_VERSION = 1  # PRAGMA user_version; raised when a table or column changes

#: sheet name -> table name
TABLES: dict[str, str] = {"证件台账": "certificates", "期限事项": "obligations", "变动记录": "events",
                          "问题清单": "findings", "单位汇总": "units", "来源文件": "files"}
#: table -> its columns, in the sheet's order (the sheet's titles: certctl.ledger_xlsx.HEADERS)
COLUMNS: dict[str, tuple[str, ...]] = {
    "certificates": ("cert", "name", "id_number", "sex", "unit", "category", "status", "colour", "colour_reasons",
                     "last_change", "last_change_date", "sources", "problems"),
    "obligations": ("state", "unit", "name", "id_number", "cert", "owed", "since", "deadline", "working_days_late",
                    "working_days_left", "done_on", "done_by", "basis", "source"),
    "events": ("date", "change", "cert", "name", "id_number", "unit", "form", "source", "file", "sheet",
               "source_row", "details"),
    "findings": ("file", "sheet", "cell", "code", "severity", "problem", "what_to_do"),
    "units": ("unit", "holders", "certificates", "red", "yellow", "green", "forms_received", "last_form_date",
              "must_report", "missing"),
    "files": ("file", "sha256", "form_kind", "reporting_unit", "form_date", "rows_read", "rows_merged",
              "rows_rejected", "status"),
}
#: the columns that are counts (INTEGER); every other column is TEXT
_INTEGER = {"events.source_row", "obligations.working_days_late", "obligations.working_days_left",
            "units.holders", "units.certificates", "units.red", "units.yellow", "units.green", "units.forms_received",
            "files.rows_read", "files.rows_merged", "files.rows_rejected"}
#: indexes: certificate number, ID number and unit wherever a table has them (SPEC 5, issue 15)
_INDEXED = ("cert", "id_number", "unit")
_BATCH = 5000


def _value(v: Any) -> Any:
    t = type(v)
    if t is str:  # most cells: checked first, by exact type (this runs for every cell)
        return v or None
    if v is None or t is int:
        return v
    if v == "":
        return None
    if isinstance(v, dt.datetime):
        return v.date().isoformat() if v.time() == dt.time(0) else v.isoformat(sep=" ")
    if isinstance(v, dt.date):
        return v.isoformat()
    if isinstance(v, bool):
        return int(v)
    if isinstance(v, float) and v.is_integer():
        return int(v)
    return v if isinstance(v, (int, float, str)) else str(v)


def is_sqlite_ledger(path: str | os.PathLike[str]) -> bool:
    """Whether ``path`` is an SQLite ledger certctl wrote (so it may be replaced)."""
    try:
        with open(path, "rb") as fh:
            head = fh.read(100)
    except OSError:
        return False
    if len(head) == 0:
        return True  # an empty file: nothing to lose
    # the SQLite header: magic, then application_id at offset 68 (big-endian)
    return head[:16] == b"SQLite format 3\x00" and int.from_bytes(head[68:72], "big") == APPLICATION_ID


def check_sqlite_output(path: str | os.PathLike[str]) -> None:
    """Raise :class:`OutputRefused` when ``path`` exists and is not a certctl SQLite ledger."""
    p = Path(path)
    if not p.exists():
        return
    if p.is_dir():
        raise OutputRefused(f"SQLite 台账的输出位置 {p} 是一个文件夹", f"the SQLite ledger output {p} is a folder")
    if not p.is_file() or not is_sqlite_ledger(p):
        raise OutputRefused(
            f"{p} 已存在，但不是 certctl 写出的 SQLite 台账，为免覆盖别人的文件未写入；请换一个文件名，或先移走该文件",
            f"{p} exists and is not an SQLite ledger written by certctl; not overwritten: choose another name or "
            f"move that file away")


def _create(db: sqlite3.Connection, table: str, extra: list[str]) -> None:
    cols = ", ".join(f'"{c}" {"INTEGER" if f"{table}.{c}" in _INTEGER else "TEXT"}' for c in COLUMNS[table])
    more = "".join(f', "{c}" TEXT' for c in extra)
    db.execute(f'CREATE TABLE "{table}" ("row" INTEGER PRIMARY KEY, {cols}{more})')


def _insert(db: sqlite3.Connection, table: str, ncol: int, rows: Iterable[list[Any]]) -> int:
    sql = f'INSERT INTO "{table}" VALUES ({", ".join("?" * (ncol + 1))})'
    n = 0
    batch: list[tuple[Any, ...]] = []
    for n, row in enumerate(rows, start=1):
        batch.append((n, *map(_value, row[:ncol]), *([None] * (ncol - len(row)))))
        if len(batch) >= _BATCH:
            db.executemany(sql, batch)
            batch = []
    if batch:
        db.executemany(sql, batch)
    return n


def _clerk_rows(rows: Iterable[list[Any]], own: int, titles: list[str]) -> Iterator[tuple[str, str, Any]]:
    """(cert, column title, value) of every filled clerk's cell of 证件台账."""
    for row in rows:
        for title, v in zip(titles, row[own:]):
            if v is not None and v != "":
                yield (row[0], title, _value(v))


def _fill(db: sqlite3.Connection, sheets: list[Any], meta: dict[str, Any]) -> None:
    db.execute('CREATE TABLE "meta" ("key" TEXT PRIMARY KEY, "value" TEXT)')
    db.execute('CREATE TABLE "columns" ("table_name" TEXT, "position" INTEGER, "column_name" TEXT, "title" TEXT)')
    db.execute('CREATE TABLE "clerk_notes" ("cert" TEXT, "title" TEXT, "value" TEXT)')
    for name, headers, rows, *_ in sheets:
        table = TABLES[name]
        own = len(COLUMNS[table])
        # 证件台账: 处理情况 (the first clerk's column) is a column; columns a clerk added are clerk_notes
        extra = ["action_taken"] if table == "certificates" else []
        _create(db, table, extra)
        titles = list(headers[:own + len(extra)])
        db.executemany('INSERT INTO "columns" VALUES (?, ?, ?, ?)',
                       [(table, i, c, t) for i, (c, t) in enumerate(zip((*COLUMNS[table], *extra), titles), 1)])
        meta[f"rows.{table}"] = _insert(db, table, own + len(extra), rows)
        if table == "certificates" and len(headers) > own + 1:
            db.executemany('INSERT INTO "clerk_notes" VALUES (?, ?, ?)',
                           _clerk_rows(rows, own + 1, list(headers[own + 1:])))
        for col in _INDEXED:
            if col in COLUMNS[table]:
                db.execute(f'CREATE INDEX "{table}_{col}" ON "{table}" ("{col}")')
    db.execute('CREATE INDEX "clerk_notes_cert" ON "clerk_notes" ("cert")')
    db.executemany('INSERT INTO "meta" VALUES (?, ?)', [(k, str(v)) for k, v in sorted(meta.items())])


def write_sqlite(sheets: list[Any], path: str | os.PathLike[str], *, as_of: dt.date | None = None,
                 lang: str = "zh") -> Path:
    """Write the ledger's ``sheets`` (as :func:`certctl.ledger_xlsx.ledger_sheets` gives them) to the
    SQLite database ``path``, atomically. The caller holds the ledger's lock. OSError or
    :class:`OutputRefused` when it cannot be written."""
    from . import __version__

    p = Path(path)
    check_sqlite_output(p)
    p.parent.mkdir(parents=True, exist_ok=True)
    tmp = p.with_name(f".{p.name}.{os.getpid()}.tmp")
    with contextlib.suppress(FileNotFoundError):
        tmp.unlink()
    meta: dict[str, Any] = {"writer": "certctl", "certctl_version": __version__, "lang": lang,
                            "as_of": as_of.isoformat() if as_of else "", "schema_version": SCHEMA_VERSION}
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, file_mode())
        os.close(fd)
        db = sqlite3.connect(tmp, isolation_level=None)
        try:
            db.execute("PRAGMA journal_mode = OFF")  # a temporary file: nothing to roll back to
            db.execute("PRAGMA synchronous = OFF")
            db.execute(f"PRAGMA application_id = {APPLICATION_ID}")
            db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
            db.execute("BEGIN")
            _fill(db, sheets, meta)
            db.execute("COMMIT")
        finally:
            db.close()
        with open(tmp, "rb") as fh:
            os.fsync(fh.fileno())
        os.replace(tmp, p)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
    return p
