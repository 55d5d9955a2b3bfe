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

Beside the sheets, the ledger keeps the model's docket (:class:`certctl.model.docket.Docket`): every
clock before any day judges it, in tables ``clocks``, ``clock_actions`` and ``clock_certificates``, so
that ``certctl overdue --ledger`` judges the obligations on any day (:func:`read_docket`) without
reading a form — the ``obligations`` table is the judgement of the merge's own day only. And what the
report sums beside the obligations (:class:`ReportInputs`): the units' counts that no day changes, the
unit each certificate with clocks counts under, and what the cleanup's cases are judged from, in tables
``report_units``, ``survey_certificates``, ``survey_rows`` and ``survey_units``, so that ``certctl report
--ledger`` judges them on any day (:func:`read_report_inputs`) by the functions the model uses.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import json
import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Iterator

from .outputs import OutputRefused
from .pathnames import TEMP_ROOM, fit_name
from .atomic import sync_dir, sync_file
from .state import file_mode
from .oserror import why

__all__ = ["APPLICATION_ID", "TABLES", "COLUMNS", "write_sqlite", "check_sqlite_output", "is_sqlite_ledger",
           "SCHEMA_VERSION", "read_docket", "read_report_inputs", "StoredDocket", "StoredReport", "ReportInputs",
           "LedgerUnusable"]

APPLICATION_ID = 0x43455254  # "CERT": PRAGMA application_id of every SQLite ledger certctl writes
# PRAGMA user_version; raised when a table or column changes (2: the docket, meta.written_at; 3: what the report
# judges on another day — report_units, clock_certificates.unit, survey_certificates, survey_rows, survey_units;
# 4: files.rows_superseded)
SCHEMA_VERSION = 4

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
              "rows_rejected", "rows_superseded", "status"),
}
#: the columns that are counts (INTEGER); every other column is TEXT
_INTEGER = {"events.source_row", "obligations.working_days_late", "obligations.working_days_left",
            "units.holders", "units.certificates", "units.red", "units.yellow", "units.green", "units.forms_received",
            "files.rows_read", "files.rows_merged", "files.rows_rejected",
            "files.rows_superseded"}
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
    from .outputs import check_name

    p = Path(path)
    check_name(p, "ledger")  # the clerk's own name, too long: said plainly
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


# ------------------------------------------------------------------------------------ the docket
#: clocks: one row per clock of the docket, certificates' first (in the docket's order), then the units'
_CLOCK_COLUMNS = ("scope", "owner", "kind", "unit", "owed", "owed_en", "since", "deadline", "start", "until",
                  "name", "id_number", "cert", "path", "sheet", "source_row")


def _fill_docket(db: sqlite3.Connection, docket: Any, meta: dict[str, Any], units: list[Any]) -> None:
    from .codec import encode

    cols = ", ".join(f'"{c}" {"INTEGER" if c == "source_row" else "TEXT"}' for c in _CLOCK_COLUMNS)
    db.execute(f'CREATE TABLE "clocks" ("row" INTEGER PRIMARY KEY, {cols})')
    db.execute('CREATE TABLE "clock_actions" ("row" INTEGER PRIMARY KEY, "clock" INTEGER, "date" TEXT, "done_by" TEXT)')
    db.execute('CREATE TABLE "clock_certificates" ("row" INTEGER PRIMARY KEY, "cert" TEXT, "status" TEXT, '
               '"colour_inputs" TEXT, "unit_row" INTEGER)')
    if docket is None:
        return
    counted_in = {cert: n for n, u in enumerate(units, start=1) for cert in u.judged}  # report_units.row

    def every_clock() -> Iterator[tuple[str, str, Any]]:  # (scope, owner, clock), in the docket's order
        for cert, entry in docket.certs.items():
            for c in entry.clocks:
                yield "certificate", cert, c
        for unit, cs in docket.units.items():
            for c in cs:
                yield "unit", unit, c

    # streamed to SQLite (a national docket holds 10^6 clocks): clocks, then their actions, then owners
    db.executemany(f'INSERT INTO "clocks" VALUES ({", ".join("?" * (len(_CLOCK_COLUMNS) + 1))})',
                   ((n, scope, owner, c.kind, c.unit, c.owed, c.owed_en, _value(c.since), _value(c.deadline),
                     _value(c.start), _value(c.until), c.name, c.id, c.cert, c.path, c.sheet, c.row)
                    for n, (scope, owner, c) in enumerate(every_clock(), start=1)))
    db.executemany('INSERT INTO "clock_actions" ("clock", "date", "done_by") VALUES (?, ?, ?)',
                   ((n, _value(a.date), a.where) for n, (_, _, c) in enumerate(every_clock(), start=1)
                    for a in c.actions))
    db.executemany('INSERT INTO "clock_certificates" VALUES (?, ?, ?, ?, ?)',
                   ((n, cert, entry.status, json.dumps(encode([entry.facts, list(entry.flags), list(entry.incomplete)]),
                                                       ensure_ascii=False), counted_in.get(cert))
                    for n, (cert, entry) in enumerate(docket.certs.items(), start=1)))
    db.execute('CREATE INDEX "clock_actions_clock" ON "clock_actions" ("clock")')
    db.execute('CREATE INDEX "clocks_cert" ON "clocks" ("cert")')
    meta["docket"] = json.dumps({"forms": docket.forms, "unreadable": [list(u) for u in docket.unreadable],
                                 "due_soon_days": docket.due_soon_days, "annual_hours": docket.annual_hours,
                                 "new_field_hours": docket.new_field_hours}, ensure_ascii=False)
    meta["rows.clocks"] = db.execute('SELECT count(*) FROM "clocks"').fetchone()[0]


# ------------------------------------------------------------------------------------ the report's inputs
@dataclass
class ReportInputs:
    """What ``certctl report`` sums beside the docket, before any day judges it: the model's units (their
    counts no day changes, and the certificates whose colour the day judges) and the cleanup's inputs
    (:class:`certctl.deliverables.cases.CleanupInputs`)."""

    units: list[Any]  # certctl.model.UnitAccount
    cleanup: Any  # certctl.deliverables.cases.CleanupInputs


def report_inputs(model: Any, ws: Any = None) -> ReportInputs:
    """The :class:`ReportInputs` of ``model`` (any day's); ``ws``: its workspace, for the survey cells."""
    from .deliverables.cases import cleanup_inputs

    return ReportInputs(model.units, cleanup_inputs(model, ws))


_UNIT_COLUMNS = ("unit", "holders", "certificates", "forms", "last_form_date", "must_report", "in_registry", "red",
                 "yellow", "green", "states")
_SURVEYED_COLUMNS = ("cert", "name", "id_number", "status", "resolved", "done_on", "done_by")
_SURVEY_ROW_COLUMNS = ("cert", "date", "unit", "source", "sheet", "source_row", "facts")
_SURVEY_SHEET_COLUMNS = ("source", "sheet", "columns")
_SURVEY_UNIT_COLUMNS = ("unit", "establishment", "posts", "holders", "date", "source", "cell")
_REAL = {"establishment", "posts"}
_INT = {"holders", "certificates", "forms", "must_report", "in_registry", "red", "yellow", "green", "resolved",
        "source_row"}


def _table(db: sqlite3.Connection, name: str, columns: tuple[str, ...]) -> None:
    cols = ", ".join(f'"{c}" {"REAL" if c in _REAL else "INTEGER" if c in _INT else "TEXT"}' for c in columns)
    db.execute(f'CREATE TABLE "{name}" ("row" INTEGER PRIMARY KEY, {cols})')


def _fill_report(db: sqlite3.Connection, report: ReportInputs | None, meta: dict[str, Any]) -> None:
    from .model.accounts import GREEN, RED, YELLOW

    _table(db, "report_units", _UNIT_COLUMNS)
    _table(db, "survey_certificates", _SURVEYED_COLUMNS)
    _table(db, "survey_rows", _SURVEY_ROW_COLUMNS)
    _table(db, "survey_sheets", _SURVEY_SHEET_COLUMNS)
    _table(db, "survey_units", _SURVEY_UNIT_COLUMNS)
    if report is None:
        return
    db.executemany(f'INSERT INTO "report_units" VALUES ({", ".join("?" * (len(_UNIT_COLUMNS) + 1))})',
                   ((n, u.unit, u.holders, u.certificates, u.forms, _value(u.last_form_date), int(u.must_report),
                     int(u.in_registry), u.day_free.get(RED, 0), u.day_free.get(YELLOW, 0), u.day_free.get(GREEN, 0),
                     json.dumps(u.states, ensure_ascii=False))
                    for n, u in enumerate(report.units, start=1)))
    cleanup = report.cleanup
    db.executemany(f'INSERT INTO "survey_certificates" VALUES ({", ".join("?" * (len(_SURVEYED_COLUMNS) + 1))})',
                   ((n, c.cert, c.name, c.id, c.status, int(c.resolution is not None),
                     _value(c.resolution[0]) if c.resolution else None, c.resolution[1] if c.resolution else None)
                    for n, c in enumerate(cleanup.surveyed, start=1)))
    sheets: dict[tuple[str, str], dict[str, int]] = {}  # (file, sheet) -> its columns (one dict a sheet)
    for c in cleanup.surveyed:
        for r in c.rows:
            sheets.setdefault((r.source, r.sheet), r.columns)
    db.executemany(f'INSERT INTO "survey_rows" VALUES ({", ".join("?" * (len(_SURVEY_ROW_COLUMNS) + 1))})',
                   ((n, cert, _value(r.date), r.unit, r.source, r.sheet, r.row, _facts_text(r.facts))
                    for n, (cert, r) in enumerate(((c.cert, r) for c in cleanup.surveyed for r in c.rows), start=1)))
    db.executemany('INSERT INTO "survey_sheets" ("source", "sheet", "columns") VALUES (?, ?, ?)',
                   ((source, sheet, json.dumps(cols, ensure_ascii=False)) for (source, sheet), cols in sheets.items()))
    db.executemany(f'INSERT INTO "survey_units" VALUES ({", ".join("?" * (len(_SURVEY_UNIT_COLUMNS) + 1))})',
                   ((n, u.unit, u.establishment, u.posts, u.reported, _value(u.date), u.source, u.cell)
                    for n, u in enumerate(cleanup.unit_lines, start=1)))
    db.execute('CREATE INDEX "survey_rows_cert" ON "survey_rows" ("cert")')
    meta["report"] = json.dumps({"holders": cleanup.holders}, ensure_ascii=False)
    meta["rows.survey_rows"] = db.execute('SELECT count(*) FROM "survey_rows"').fetchone()[0]


def _facts_text(facts: Any) -> str:
    """A survey row's :class:`certctl.model.accounts.Facts` as a JSON list of its fields' values (codec)."""
    from .codec import encode

    return json.dumps(encode([getattr(facts, f.name) for f in dataclasses.fields(facts)]), ensure_ascii=False)


def _facts(text: str) -> Any:
    from .codec import CodecError, decode
    from .model.accounts import Facts

    values = decode(text)
    if not isinstance(values, list) or len(values) != len(dataclasses.fields(Facts)):
        raise CodecError("not the fields of Facts")
    return Facts(*values)


def _read_report(db: sqlite3.Connection, docket: Any, meta: dict[str, str]) -> ReportInputs:
    """The :class:`ReportInputs` of an open ledger whose ``docket`` is read already."""
    from .deliverables.cases import CleanupInputs, Surveyed, SurveyRow, UnitFacts
    from .model.accounts import GREEN, RED, YELLOW
    from .model.units import UnitAccount

    judged: dict[int, list[str]] = {}
    for cert, n in db.execute('SELECT "cert", "unit_row" FROM "clock_certificates" WHERE "unit_row" IS NOT NULL '
                              'ORDER BY "row"'):
        judged.setdefault(n, []).append(cert)
    units = []
    for n, unit, holders, certs, forms, last, must, in_reg, red, yellow, green, states in db.execute(
            f'SELECT "row", {", ".join(chr(34) + c + chr(34) for c in _UNIT_COLUMNS)} FROM "report_units" '
            'ORDER BY "row"'):
        free = {k: x for k, x in ((RED, red), (YELLOW, yellow), (GREEN, green)) if x}
        units.append(UnitAccount(unit, holders, certs, states=json.loads(states), forms=forms,
                                 last_form_date=_date(last), must_report=bool(must), in_registry=bool(in_reg),
                                 day_free=free, judged=judged.pop(n, [])))
    if judged:
        raise ValueError(f"clock_certificates.unit_row not in report_units: {sorted(judged)[:3]}")
    columns = {(source, sheet): json.loads(cols)
               for source, sheet, cols in db.execute('SELECT "source", "sheet", "columns" FROM "survey_sheets"')}
    rows: dict[str, list[SurveyRow]] = {}
    for cert, date, unit, source, sheet, row, facts in db.execute(
            'SELECT "cert", "date", "unit", "source", "sheet", "source_row", "facts" FROM "survey_rows" ORDER BY "row"'):
        rows.setdefault(cert, []).append(SurveyRow(_date(date), unit or "", source or "", sheet or "", row,
                                                   _facts(facts), columns[(source, sheet)]))
    surveyed = []
    for cert, name, pid, status, resolved, done_on, done_by in db.execute(
            'SELECT "cert", "name", "id_number", "status", "resolved", "done_on", "done_by" FROM "survey_certificates" '
            'ORDER BY "row"'):
        entry = docket.certs.get(cert)
        revocation = [c for c in entry.clocks if c.kind == "revocation"] if entry is not None else []
        surveyed.append(Surveyed(cert, name or "", pid or "", status or "",
                                 (_date(done_on), done_by or "") if resolved else None, rows.pop(cert, []), revocation))
    lines = [UnitFacts(unit or "", est, posts, reported, _date(date), source or "", cell or "")
             for unit, est, posts, reported, date, source, cell in db.execute(
                 f'SELECT {", ".join(chr(34) + c + chr(34) for c in _SURVEY_UNIT_COLUMNS)} FROM "survey_units" '
                 'ORDER BY "row"')]
    holders = json.loads(meta["report"])["holders"]
    return ReportInputs(units, CleanupInputs(surveyed, lines, holders))


class LedgerUnusable(Exception):
    """A file ``certctl overdue --ledger`` cannot judge: missing, not a certctl SQLite ledger, another
    schema version, or without a docket. ``zh`` / ``en`` say why and what to do."""

    def __init__(self, zh: str, en: str) -> None:
        super().__init__(en)
        self.zh, self.en = zh, en

    def message(self, lang: str = "zh") -> str:
        return self.en if lang == "en" else self.zh


@dataclass
class StoredDocket:
    """The docket of an SQLite ledger and what its ``meta`` says about the merge that wrote it (and,
    read by :func:`read_report_inputs`, what the report judges beside it)."""

    docket: Any  # certctl.model.docket.Docket
    meta: dict[str, str]
    report: ReportInputs | None = None

    @property
    def written_at(self) -> str:
        """When the merge wrote the file (local time, ISO, to the second)."""
        return self.meta.get("written_at", "")

    @property
    def merged_on(self) -> dt.date | None:
        try:
            return dt.date.fromisoformat(self.written_at[:10])
        except ValueError:
            return None

    @property
    def forms_dir(self) -> str:
        return self.meta.get("forms_dir", "")

    @property
    def settings(self) -> dict[str, Any]:
        """The judging settings the merge ran under (:func:`certctl.config.judging_settings`)."""
        try:
            value = json.loads(self.meta.get("settings", ""))
        except ValueError:
            return {}
        return value if isinstance(value, dict) else {}


_REMERGE = ("请用 certctl merge 表格文件夹 --sqlite {p} 重新生成", "write it again with certctl merge FORMS_DIR --sqlite {p}")


def _open_ledger(p: Path) -> sqlite3.Connection:
    redo_zh, redo_en = (x.format(p=p) for x in _REMERGE)
    if not p.exists():
        raise LedgerUnusable(f"SQLite 台账 {p} 不存在；{redo_zh}", f"the SQLite ledger {p} does not exist; {redo_en}")
    if p.is_dir():
        raise LedgerUnusable(f"{p} 是文件夹，不是 SQLite 台账", f"{p} is a folder, not an SQLite ledger")
    try:
        empty = p.stat().st_size == 0
    except OSError as e:
        raise LedgerUnusable(f"无法读取 SQLite 台账 {p}：{why(e)}",
                             f"cannot read the SQLite ledger {p}: {e.strerror or e}") from None
    if empty or not is_sqlite_ledger(p):
        raise LedgerUnusable(f"{p} 不是 certctl 写出的 SQLite 台账（certctl merge --sqlite 写出的文件）",
                             f"{p} is not an SQLite ledger written by certctl (certctl merge --sqlite)")
    try:
        db = sqlite3.connect(p.resolve().as_uri() + "?mode=ro", uri=True)
        version = db.execute("PRAGMA user_version").fetchone()[0]
    except (OSError, sqlite3.Error) as e:
        raise LedgerUnusable(f"无法读取 SQLite 台账 {p}：{e}", f"cannot read the SQLite ledger {p}: {e}") from None
    if version != SCHEMA_VERSION:
        db.close()
        if version < SCHEMA_VERSION:
            raise LedgerUnusable(
                f"SQLite 台账 {p} 由较早版本的 certctl 写出（表结构版本 {version}，本版本需要 {SCHEMA_VERSION}），"
                f"表结构与本版本不同；{redo_zh}",
                f"the SQLite ledger {p} was written by an older certctl (schema version {version}, this one needs "
                f"{SCHEMA_VERSION}), whose tables differ from this one's; {redo_en}")
        raise LedgerUnusable(
            f"SQLite 台账 {p} 由较新版本的 certctl 写出（表结构版本 {version}，本版本只认 {SCHEMA_VERSION}）；"
            f"请升级 certctl，或用本版本重新合并",
            f"the SQLite ledger {p} was written by a newer certctl (schema version {version}, this one reads "
            f"{SCHEMA_VERSION}); upgrade certctl or merge again with this one")
    return db


def read_docket(path: str | os.PathLike[str]) -> StoredDocket:
    """The docket an SQLite ledger keeps, and its ``meta``: the very clocks the merge built, so that
    ``docket.judge(day, calendar)`` gives what ``certctl overdue`` on the merged folder gives on ``day``.
    :class:`LedgerUnusable` when the file cannot be judged from."""
    return _read_stored(path, False)


def read_report_inputs(path: str | os.PathLike[str]) -> StoredDocket:
    """:func:`read_docket`, with what ``certctl report`` judges beside the docket (``.report``)."""
    return _read_stored(path, True)


def _read_stored(path: str | os.PathLike[str], with_report: bool) -> StoredDocket:
    from .codec import CodecError, decode
    from .model.accounts import Facts
    from .model.clocks import Action, Clock
    from .model.docket import Docket, DocketEntry

    from . import state

    p = Path(path)
    db = _open_ledger(p)
    state.tighten(state.beside(p))  # certctl's folder there, left 0755 by an earlier certctl (not made here)
    try:
        meta = dict(db.execute('SELECT "key", "value" FROM "meta"'))
        if "docket" not in meta:
            raise LedgerUnusable(f"SQLite 台账 {p} 中没有期限数据；" + _REMERGE[0].format(p=p),
                                 f"the SQLite ledger {p} holds no docket; " + _REMERGE[1].format(p=p))
        head = json.loads(meta["docket"])
        acts: dict[int, list[Action]] = {}
        for clock, date, where in db.execute('SELECT "clock", "date", "done_by" FROM "clock_actions" ORDER BY "row"'):
            acts.setdefault(clock, []).append(Action(_date(date), where or ""))
        certs: dict[str, DocketEntry] = {}
        for cert, status, inputs in db.execute(
                'SELECT "cert", "status", "colour_inputs" FROM "clock_certificates" ORDER BY "row"'):
            facts, flags, incomplete = decode(inputs)
            if facts is not None and not isinstance(facts, Facts):
                raise CodecError("not Facts")
            certs[cert] = DocketEntry([], status or "", facts, [tuple(f) for f in flags], list(incomplete))
        units: dict[str, list[Clock]] = {}
        for r in db.execute(f'SELECT "row", {", ".join(f"{chr(34)}{c}{chr(34)}" for c in _CLOCK_COLUMNS)} '
                            'FROM "clocks" ORDER BY "row"'):
            n, scope, owner, kind, unit, owed, owed_en, since, deadline, start, until, name, pid, cert, path_, sheet, \
                row = r
            c = Clock(kind, unit or "", owed or "", owed_en or "", _date(since), _date(deadline), _date(start),
                      acts.get(n, []), name or "", pid or "", cert or "", path_ or "", sheet, row, _date(until))
            if scope == "certificate":
                certs[owner].clocks.append(c)
            else:
                units.setdefault(owner, []).append(c)
        docket = Docket(certs, units, int(head["forms"]), [tuple(u) for u in head["unreadable"]],
                        int(head["due_soon_days"]), head["annual_hours"], head["new_field_hours"])
        report = None
        if with_report:
            if "report" not in meta:
                raise LedgerUnusable(f"SQLite 台账 {p} 中没有报告所需的数据；" + _REMERGE[0].format(p=p),
                                     f"the SQLite ledger {p} holds nothing for the report; " + _REMERGE[1].format(p=p))
            report = _read_report(db, docket, meta)
    except (sqlite3.Error, ValueError, KeyError, TypeError, CodecError) as e:
        raise LedgerUnusable(f"SQLite 台账 {p} 已损坏或被改动，无法读取（{e}）；" + _REMERGE[0].format(p=p),
                             f"the SQLite ledger {p} is damaged or was edited ({e}); " + _REMERGE[1].format(p=p)) \
            from None
    finally:
        db.close()
    return StoredDocket(docket, meta, report)


def _date(v: Any) -> dt.date | None:
    return dt.date.fromisoformat(v) if v else None


def write_sqlite(sheets: list[Any], path: str | os.PathLike[str], *, as_of: dt.date | None = None,
                 lang: str = "zh", docket: Any = None, forms_dir: str | os.PathLike[str] | None = None,
                 settings: dict[str, Any] | None = None, report: ReportInputs | None = None) -> Path:
    """Write the ledger's ``sheets`` (as :func:`certctl.ledger_xlsx.ledger_sheets` gives them) to the
    SQLite database ``path``, atomically, with the model's ``docket`` (its clocks, for judging another
    day), the forms folder merged and the judging ``settings`` (:func:`certctl.config.judging_settings`)
    in ``meta``, and what the report judges beside the docket (``report``: :func:`report_inputs`). The caller holds the ledger's lock. OSError or :class:`OutputRefused` when it cannot be
    written."""
    from . import __version__

    p = Path(path)
    check_sqlite_output(p)
    p.parent.mkdir(parents=True, exist_ok=True)
    tmp = p.with_name(f".{fit_name(p.name, room=TEMP_ROOM)}.{os.getpid()}.tmp")
    with contextlib.suppress(FileNotFoundError):
        tmp.unlink()
    meta: dict[str, Any] = {"writer": "certctl", "certctl_version": __version__, "lang": lang,
                            "as_of": as_of.isoformat() if as_of else "", "schema_version": SCHEMA_VERSION,
                            "written_at": dt.datetime.now().isoformat(sep=" ", timespec="seconds"),
                            "forms_dir": str(Path(forms_dir).absolute()) if forms_dir is not None else ""}
    if settings is not None:
        meta["settings"] = json.dumps(settings, sort_keys=True, ensure_ascii=False)
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
            _fill_docket(db, docket, meta, report.units if report is not None else [])
            _fill_report(db, report, meta)
            _fill(db, sheets, meta)
            db.execute("COMMIT")
        finally:
            db.close()
        sync_file(tmp)
        os.replace(tmp, p)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
    sync_dir(p.parent)
    return p
