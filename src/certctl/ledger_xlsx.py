"""Writing the master ledger workbook (SPEC 5): five sheets, safely.

- Rows streamed from the model as they are written (:class:`Rows`; never a list per sheet); a table
  longer than a sheet holds (1,048,576 rows with the header, Excel, WPS and LibreOffice alike) continues
  on ``证件台账(2)`` … (:func:`sheet_parts`), each with the header, frozen and filtered (SPEC 5).
- A small streaming xlsx writer of its own (below), header frozen, autofilter on,
  column widths from the content (CJK counted double), dates as real dates, IDs and certificate
  numbers as text, every string written as a string (a form cell "=HYPERLINK(…)" stays text).
- Deterministic bytes: fixed workbook timestamps and fixed zip entry times, so the same ledger gives
  the same file.
- Atomic: written to ``.<name>.<pid>.tmp`` in the output's directory and renamed over the ledger with
  ``os.replace``; an interrupted run leaves the previous ledger untouched. The temp name does not end
  in ``.xlsx``, so it is never mistaken for the ledger nor read back as a form; stale ones are removed by
  the next merge that holds the lock. The ledger gets the mode of personal-data files (0600 less the
  umask by default, :func:`certctl.state.file_mode`).
- Locked: :func:`certctl.locking.run_lock` (filelock, every platform) on ``.certctl/<name>.lock``
  beside the output; a second writer gets :class:`LedgerLocked` at once (or after ``timeout`` seconds).
- The clerk's columns: ``clerk`` (:class:`certctl.ledger_edits.ClerkColumns`) adds the 处理情况 column
  and the columns a clerk added to 证件台账, with their values by certificate number.
"""

from __future__ import annotations

import contextlib
import functools
import glob
import itertools
import re
import datetime as dt
import os
import shutil
import time
import zipfile
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator

from . import rules as R
from .marks import defined_name_xml
from .forms import family_label
from .gcpause import gc_paused
from .write_beside import write_beside
from .paper import page_text
from .ledger import COLOUR_EN, EVENT_EN, RED, STATUS_EN, YELLOW, GREEN, Ledger, finding_message, superseded_note
from .model.clocks import KINDS as OBLIGATION_KINDS
from .pathnames import TEMP_ROOM, fit_name
from .atomic import sync_dir, sync_file
from .state import file_mode

FIXED_TIME = dt.datetime(2000, 1, 1, 0, 0, 0)
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)
SLOW_ENV = "CERTCTL_TEST_SLOW_WRITE"  # test hook: seconds to sleep with the temp file written

FILLS = {RED: "FFC7CE", YELLOW: "FFEB9C", GREEN: "C6EFCE"}
FONTS = {RED: "9C0006", YELLOW: "9C5700", GREEN: "006100"}

SheetSpec = tuple[str, list[str], Iterable[list[Any]], set[int], int | None]  # name, headers, rows, text, colour
SHEETS = ("证件台账", "期限事项", "变动记录", "问题清单", "单位汇总", "来源文件")

HEADERS: dict[str, list[tuple[str, str]]] = {
    "证件台账": [("证件号码", "Certificate"), ("姓名", "Name"), ("身份证号码", "ID number"), ("性别", "Sex"),
             ("所属主体", "Unit"), ("证件类别", "Category"), ("证件状态", "Status"), ("红黄绿", "Colour"),
             ("红黄绿原因", "Colour reasons"), ("最近变动", "Last change"), ("最近变动日期", "Last change date"),
             ("来源", "Sources"), ("问题", "Problems")],
    "期限事项": [("状态", "State"), ("单位", "Unit"), ("姓名", "Name"), ("身份证号码", "ID number"),
             ("证件号码", "Certificate"), ("应办事项", "What is owed"), ("起算日期", "Since"), ("期限", "Deadline"),
             ("逾期工作日", "Working days late"), ("剩余工作日", "Working days left"), ("办结日期", "Done on"),
             ("办结依据", "Done by"), ("依据", "Basis"), ("来源", "Source")],
    "变动记录": [("日期", "Date"), ("变动", "Change"), ("证件号码", "Certificate"), ("姓名", "Name"),
             ("身份证号码", "ID number"), ("所属主体", "Unit"), ("表格", "Form"), ("来源", "Source"),
             ("文件", "File"), ("工作表", "Sheet"), ("行号", "Row"), ("说明", "Details")],
    "问题清单": [("文件", "File"), ("工作表", "Sheet"), ("单元格", "Cell"), ("代码", "Code"), ("级别", "Severity"),
             ("问题", "Problem"), ("处理建议", "What to do")],
    "单位汇总": [("单位", "Unit"), ("持证人数", "Holders"), ("证件数", "Certificates"), ("红", "Red"), ("黄", "Yellow"),
             ("绿", "Green"), ("收到表格", "Forms received"), ("最近填报时间", "Last form date"),
             ("是否需报送", "Must report"), ("未报送", "Missing")],
    "来源文件": [("文件", "File"), ("SHA-256", "SHA-256"), ("表格类型", "Form kind"), ("填报单位", "Reporting unit"),
             ("填报时间", "Form date"), ("读取行数", "Rows read"), ("并入行数", "Rows merged"),
             ("未并入行数", "Rows rejected"), ("重复或被取代行数", "Rows repeated or superseded"), ("状态", "Status")],
}
TEXT_COLS = {("证件台账", 0), ("证件台账", 2), ("期限事项", 3), ("期限事项", 4), ("变动记录", 2), ("变动记录", 4),
             ("来源文件", 1)}
MAX_WIDTH = 60
MAX_ROWS = 1_048_576  # rows a sheet holds in Excel, WPS and LibreOffice, the header included (SPEC 5)
WIDTH_SAMPLE = 20_000  # rows of a table its column widths are taken from

_SEV = {"zh": {R.ERROR: "错误", R.WARNING: "警告", R.INFO: "提示"},
        "en": {R.ERROR: "error", R.WARNING: "warning", R.INFO: "info"}}
_FILE_STATUS = {
    "ok": ("已合并", "merged"), "errors": ("已合并（有错误）", "merged (with errors)"),
    "unreadable": ("无法读取", "unreadable"), "duplicate": ("重复文件（同 {other}）", "duplicate of {other}"),
    "reference": ("参考名单", "reference list"), "deliverable": ("交付材料", "deliverable"),
    "output": ("certctl 输出文件，未作为表格读取", "certctl output, not read as a form"),
    "superseded": ("已被更正版取代（{other}）", "superseded by {other}"),
    "partly superseded": ("部分行被更正版取代（{other}）", "partly superseded by {other}"),  # some rows still merged
}


class LedgerLocked(Exception):
    """Another merge holds the ledger's lock."""

    def __init__(self, path: Path):
        super().__init__(str(path))
        self.path = path

    def message(self, lang: str = "zh") -> str:
        if lang == "en":
            return f"another merge is writing {self.path} (lock {lock_path(self.path)}); try again when it has finished"
        return f"另一个合并任务正在写入 {self.path}（锁文件 {lock_path(self.path)}），请等它完成后再运行"


# ------------------------------------------------------------------------------------ locking
def lock_path(path: str | os.PathLike[str]) -> Path:
    from .state import beside

    p = Path(path)
    return beside(p) / fit_name(p.name, tail=".lock")


@contextlib.contextmanager
def ledger_lock(path: str | os.PathLike[str], timeout: float = 0) -> Iterator[Path]:
    """Hold the ledger's lock (``<path>.lock``) for the block. Raises :class:`LedgerLocked` when
    another process holds it for longer than ``timeout`` seconds (0: do not wait)."""
    from .locking import LockBusy, run_lock

    p = Path(path)
    try:
        with run_lock(lock_path(p), timeout) as lp:
            yield lp
    except LockBusy:
        raise LedgerLocked(p) from None


def temp_name(path: Path) -> str:
    """The ledger's name as its temporary file ``.<name>.<pid>.tmp`` holds it: shortened when long
    (:func:`certctl.pathnames.fit_name`), so that the temporary name fits in 255 bytes."""
    return fit_name(path.name, room=TEMP_ROOM)


def temp_glob(path: Path) -> str:
    return f".{glob.escape(temp_name(path))}.*.tmp"


def remove_stale_temps(path: Path) -> list[Path]:
    """Temp files left by a killed merge of this ledger (call only while holding its lock)."""
    gone = []
    mine = re.compile(re.escape(f".{temp_name(path)}.") + r"\d+\.tmp")
    for t in sorted(path.parent.glob(temp_glob(path))):
        if not mine.fullmatch(t.name):
            continue
        try:
            t.unlink()
            gone.append(t)
        except OSError:
            pass
    return gone


# ------------------------------------------------------------------------------------ zip
# zlib level 3, not zipfile's default 6: at 10^5 certificates the sheets' 186 MB of XML deflate in
# 0.57 s instead of 1.34 s of CPU, the ledger 16.2 MB instead of 13.8 MB (docs/performance.md, issue 15).
DEFLATE_LEVEL = 3


def _entry(name: str) -> zipfile.ZipInfo:
    """A zip entry of the ledger: the fixed time (equal content, equal bytes), deflated at
    :data:`DEFLATE_LEVEL`, mode 0600."""
    zi = zipfile.ZipInfo(name, date_time=_ZIP_TIME)
    zi.compress_type = zipfile.ZIP_DEFLATED
    zi.external_attr = 0o600 << 16
    zi._compresslevel = DEFLATE_LEVEL  # type: ignore[attr-defined]  # (compress_level from 3.13, this a property of it)
    return zi


class _FixedZip(zipfile.ZipFile):
    """ZipFile whose entries all carry one fixed timestamp (byte-identical output for equal content)."""

    def writestr(self, zinfo_or_arcname: Any, data: Any, compress_type: Any = None, compresslevel: Any = None) -> None:
        if not isinstance(zinfo_or_arcname, zipfile.ZipInfo):
            zinfo_or_arcname = _entry(zinfo_or_arcname)
        super().writestr(zinfo_or_arcname, data, compress_type, compresslevel)

    def write(self, filename: Any, arcname: Any = None, compress_type: Any = None, compresslevel: Any = None) -> None:
        with open(filename, "rb") as src, self.open(_entry(arcname or os.path.basename(filename)), "w",
                                                    force_zip64=True) as dst:
            shutil.copyfileobj(src, dst, 1 << 20)


# ------------------------------------------------------------------------------------ cells
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")  # not allowed in XML 1.0
_NARROW = re.compile(r"[\u0000-\u10ff\uff61-\uffdc]+")  # what is not double width in Excel


def _safe_text(s: str) -> str:
    return _ILLEGAL.sub("", s) if s else s


def text_width(value: Any) -> int:
    """Display width in Excel columns: CJK and full-width characters count double."""
    if value is None:
        return 0
    if isinstance(value, (dt.date, dt.datetime)):
        return 10
    s = str(value)
    lines = s.split("\n") if "\n" in s else (s,)
    if s.isascii():
        return max(map(len, lines))
    return max(len(x) + len(_NARROW.sub("", x)) for x in lines)


def _colour_label(c: str, lang: str) -> str:
    return COLOUR_EN.get(c, c) if lang == "en" else c


class Rows:
    """A sheet's rows, made again each time they are iterated (never held as a list): the writer, the
    note of what was written (:func:`certctl.ledger_edits.remember`) and the SQLite ledger each walk
    them once. ``len`` is known beforehand (one row per item of the model), so the sheets a long table
    is split into are known before it is written."""

    __slots__ = ("_make", "_n")

    def __init__(self, make: Callable[[], Iterable[list[Any]]], n: int) -> None:
        self._make = make
        self._n = n

    def __iter__(self) -> Iterator[list[Any]]:
        return iter(self._make())

    def __len__(self) -> int:
        return self._n


def _cert_rows(ledger: Ledger, lang: str) -> Iterator[list[Any]]:
    en = lang == "en"
    sep = "; " if en else "；"
    for c in ledger.certificates:
        problems = c.problems if not en else [p.split(" ", 1)[0] + " " + R.RULES[p.split(" ", 1)[0]].en
                                              if p.split(" ", 1)[0] in R.RULES else p for p in c.problems]
        yield [
            c.cert, c.name, c.id, c.sex, c.unit, c.category,
            STATUS_EN.get(c.status, c.status) if en else c.status,
            _colour_label(c.colour, lang),
            sep.join(c.reasons(lang)) if c.colour_codes else "",  # most certificates: no reasons
            EVENT_EN.get(c.last_event, c.last_event) if en else c.last_event,
            c.last_event_date,
            c.source if not en else _ROW_ZH.sub(r" row \1", c.source.replace("；", "; ")),
            "\n".join(problems),
        ]


def _event_details(e: Any, en: bool) -> str:
    v = e.values
    if e.kind == "签收":
        parts = ["new card signed for" if en else "新证签收"] if e.family != "annex1" else []
    elif e.family == "annex2":
        parts = [v.get("reason"), v.get("destination"), _changed(v, en)]
    elif e.family == "annex3":
        parts = [v.get("reason"), ("→ " + v["unit"]) if v.get("unit") else None, v.get("field"), _changed(v, en)]
    elif e.family == "annex4":
        parts = [v.get("declaration")] if e.kind == "补发" else [
            v["lost_date"].isoformat() + (" lost" if en else " 遗失") if v.get("lost_date") else None]
    elif e.family == "survey_people":
        parts = [v.get("category"), v.get("version"), v.get("person_type"), v.get("status"),
                 (("reported " if en else "自报") + v["colour"]) if v.get("colour") else None]
    else:  # annex 1, most rows: the remark alone
        remark = v.get("remark")
        return str(remark) if remark else ""
    parts.append(v.get("remark"))
    return ("; " if en else "；").join(str(p) for p in parts if p)


def _event_rows(ledger: Ledger, lang: str) -> Iterator[list[Any]]:
    en = lang == "en"
    rel = functools.lru_cache(maxsize=1024)(ledger.rel)  # a few forms, 10^5 events each
    label = functools.lru_cache(maxsize=None)(lambda family: family_label(_family_of(family), lang))
    for e in ledger.events:
        yield [
            e.date, EVENT_EN.get(e.kind, e.kind) if en else e.kind, e.cert, e.name, e.id, e.unit,
            label(e.family), _ROW_ZH.sub(r" row \1", e.source) if en else e.source,
            rel(e.path), e.sheet, e.row, _event_details(e, en),
        ]


def _problem_rows(ledger: Ledger, lang: str) -> Iterator[list[Any]]:
    sev = _SEV["en" if lang == "en" else "zh"]
    rel = ledger.rel
    for f in ledger.findings:
        yield [
            rel(f.path), f.sheet or "", f.cell or (str(f.row) if f.row else ""), f.code, sev[f.severity],
            finding_message(f, lang, show_id=True), f.hint(lang, True) or "",
        ]


def _unit_rows(ledger: Ledger, lang: str) -> Iterator[list[Any]]:
    en = lang == "en"
    yes = "yes" if en else "是"
    for u in ledger.units:
        yield [u.unit, u.holders, u.certificates, u.red, u.yellow, u.green, u.forms, u.last_form_date,
               (yes if u.must_report else ("no" if en else "否")) if u.in_registry else "",
               (", " if en else "、").join(u.missing_en if en else u.missing)]


def _file_rows(ledger: Ledger, lang: str) -> Iterator[list[Any]]:
    en = lang == "en"
    for fs in ledger.files:
        key = "partly superseded" if fs.status == "superseded" and fs.rows_merged else fs.status
        zh, en_t = _FILE_STATUS.get(key, (fs.status, fs.status))
        status = (en_t if en else zh).format(other=fs.duplicate_of or fs.superseded_by) + superseded_note(fs, lang)
        if fs.status == "unreadable":
            status += "：" + fs.read_error if not en else ": " + fs.read_error_en
        if fs.status == "deliverable" and ledger.campaign is not None:
            d = ledger.campaign.of_kind(fs.deliverable)
            fam = d.label_en if en else d.label
        else:
            fam = " + ".join(family_label(x, lang) for x in fs.family.split("+")) if fs.family and fs.status != "unreadable" else ""
        yield [fs.path, fs.sha256, fam, fs.unit, fs.form_date, fs.rows_read, fs.rows_merged, fs.rows_rejected,
               fs.rows_superseded, status]


def _rows(ledger: Ledger, lang: str) -> dict[str, Rows]:
    """Each sheet's rows, made on demand from the model (one row per certificate, obligation, event …)."""
    def rows(make: Callable[[Ledger, str], Iterator[list[Any]]], items: Any) -> Rows:
        return Rows(lambda: make(ledger, lang), len(items))

    return {"证件台账": rows(_cert_rows, ledger.certificates), "期限事项": rows(_obligation_rows, ledger.obligations),
            "变动记录": rows(_event_rows, ledger.events), "问题清单": rows(_problem_rows, ledger.findings),
            "单位汇总": rows(_unit_rows, ledger.units), "来源文件": rows(_file_rows, ledger.files)}


def _obligation_rows(ledger: Ledger, lang: str) -> Iterator[list[Any]]:
    """Every obligation on the ledger's day, as ``certctl overdue`` judges it (same objects)."""
    for o in ledger.obligations:
        yield [o.state_label(lang), o.unit, o.name, o.id, o.cert, o.owed_text(lang), o.since, o.deadline,
               o.late if o.state in ("overdue", "done_late") else None,
               o.days_left if o.state in ("due_soon", "open") else None, o.done_on, o.done_by,
               OBLIGATION_KINDS[o.kind].basis, o.source]


def _changed(v: dict[str, Any], en: bool) -> str | None:
    d = v.get("change_date")
    if d is None:
        return None
    return f"changed {d.isoformat()}" if en else f"变动日期 {d.isoformat()}"


def _clerk_columns(sheets: list[Any], clerk: Any, lang: str) -> None:
    """Append the clerk's columns (处理情况 and the ones a clerk added) to 证件台账, by certificate."""
    from .ledger_edits import LEDGER_SHEET as clerk_sheet, ClerkColumns

    clerk = clerk if clerk is not None else ClerkColumns.default(lang)
    i = next(i for i, s in enumerate(sheets) if s[0] == clerk_sheet)
    name, headers, rows, text_cols, colour_col = sheets[i]
    headers.extend(clerk.headers)
    sheets[i] = (name, headers, Rows(lambda: (row + clerk.values(row[0]) for row in rows), len(rows)), text_cols,
                 colour_col)


def _family_of(kind: str) -> str:
    return "survey" if kind.startswith("survey") else kind


def ledger_sheets(ledger: Ledger, lang: str = "zh", clerk: Any = None) -> list[SheetSpec]:
    """The ledger's tables as (name, headers, rows, text columns, colour column), 证件台账 with the
    clerk's columns; the rows are :class:`Rows`, made again on each pass (the workbook and the SQLite
    ledger write the same rows)."""
    sheets = _sheets(ledger, lang)
    _clerk_columns(sheets, clerk, lang)
    return sheets


def _sheets(ledger: Ledger, lang: str) -> list[SheetSpec]:
    data = _rows(ledger, lang)
    idx = 1 if lang == "en" else 0
    out = []
    for name in SHEETS:
        headers = [h[idx] for h in HEADERS[name]]
        text_cols = {i for (s, i) in TEXT_COLS if s == name}
        out.append((name, headers, data[name], text_cols, 7 if name == "证件台账" else None))
    return out


# A small streaming xlsx writer: openpyxl spends ~25 µs per cell, this ~2 µs, and the ledger of
# 1,000 forms has millions of cells. Strings are inline strings (never formulas), dates are serials
# with a date style, IDs and certificate numbers carry the text format "@".
_XML_ESC = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;"})
_EPOCH = dt.date(1899, 12, 30)
# style ids (cellXfs order below)
_S_HEAD, _S_DATE, _S_TEXT, _S_RED, _S_YELLOW, _S_GREEN, _S_WRAP = 1, 2, 3, 4, 5, 6, 7
_COLOUR_STYLE = {RED: _S_RED, YELLOW: _S_YELLOW, GREEN: _S_GREEN,
                 COLOUR_EN[RED]: _S_RED, COLOUR_EN[YELLOW]: _S_YELLOW, COLOUR_EN[GREEN]: _S_GREEN}
_ROW_ZH = re.compile(r" 第(\d+)行")

_STYLES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    '<numFmts count="1"><numFmt numFmtId="164" formatCode="yyyy-mm-dd"/></numFmts>'
    '<fonts count="5"><font><sz val="11"/><name val="宋体"/><family val="2"/></font>'
    '<font><b/><sz val="11"/><name val="宋体"/><family val="2"/></font>'
    f'<font><b/><sz val="11"/><color rgb="FF{FONTS[RED]}"/><name val="宋体"/><family val="2"/></font>'
    f'<font><b/><sz val="11"/><color rgb="FF{FONTS[YELLOW]}"/><name val="宋体"/><family val="2"/></font>'
    f'<font><b/><sz val="11"/><color rgb="FF{FONTS[GREEN]}"/><name val="宋体"/><family val="2"/></font></fonts>'
    '<fills count="6"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill>'
    '<fill><patternFill patternType="solid"><fgColor rgb="FFDDEBF7"/><bgColor indexed="64"/></patternFill></fill>'
    f'<fill><patternFill patternType="solid"><fgColor rgb="FF{FILLS[RED]}"/><bgColor indexed="64"/></patternFill></fill>'
    f'<fill><patternFill patternType="solid"><fgColor rgb="FF{FILLS[YELLOW]}"/><bgColor indexed="64"/></patternFill></fill>'
    f'<fill><patternFill patternType="solid"><fgColor rgb="FF{FILLS[GREEN]}"/><bgColor indexed="64"/></patternFill></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" applyAlignment="1"><alignment vertical="top"/></xf></cellStyleXfs>'
    # data cells are top-aligned: a row made tall by a wrapped 问题 reads from its top line
    '<cellXfs count="8"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0" applyAlignment="1">'
    '<alignment vertical="top"/></xf>'
    '<xf numFmtId="0" fontId="1" fillId="2" borderId="0" xfId="0" applyFont="1" applyFill="1" applyAlignment="1">'
    '<alignment vertical="center" wrapText="1"/></xf>'
    '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1" applyAlignment="1">'
    '<alignment vertical="top"/></xf>'
    '<xf numFmtId="49" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1" applyAlignment="1">'
    '<alignment vertical="top"/></xf>'
    '<xf numFmtId="0" fontId="2" fillId="3" borderId="0" xfId="0" applyFont="1" applyFill="1" applyAlignment="1">'
    '<alignment vertical="top"/></xf>'
    '<xf numFmtId="0" fontId="3" fillId="4" borderId="0" xfId="0" applyFont="1" applyFill="1" applyAlignment="1">'
    '<alignment vertical="top"/></xf>'
    '<xf numFmtId="0" fontId="4" fillId="5" borderId="0" xfId="0" applyFont="1" applyFill="1" applyAlignment="1">'
    '<alignment vertical="top"/></xf>'
    '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0" applyAlignment="1">'
    '<alignment vertical="top" wrapText="1"/></xf></cellXfs>'
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    '</styleSheet>'
)

# Print setup (issue 14): every sheet on A4 landscape, as many pages tall as it needs but one page
# wide, the header row repeated on each page, grid lines printed (the ledger has no borders), the
# page number in the footer. Long text columns wrap at a fixed width instead of widening the sheet
# (which would shrink the whole page to fit): header text -> width in Excel columns.
WRAP_WIDTHS: dict[str, int] = {
    "红黄绿原因": 20, "Colour reasons": 20, "来源": 24, "Sources": 24, "Source": 24, "问题": 30, "Problems": 30,
    "Problem": 30, "说明": 24, "Details": 24, "处理建议": 28, "What to do": 28, "文件": 28, "File": 28,
    "SHA-256": 34, "所属主体": 22, "Unit": 22, "单位": 22, "状态": 16, "Status": 16,
    "应办事项": 24, "What is owed": 24, "办结依据": 24, "Done by": 24, "依据": 16, "Basis": 16,
    "处理情况": 24, "Action taken": 24,
}
LINE_HEIGHT = 16.0  # points per line of 11-point text (宋体 in Excel, Noto Sans CJK in LibreOffice)
MAX_LINES = 24  # Excel's row height stops at 409 points
_PAGE_SETUP = (
    '<printOptions gridLines="1"/>'
    '<pageMargins left="0.4" right="0.4" top="0.6" bottom="0.6" header="0.3" footer="0.3"/>'
    '<pageSetup paperSize="9" orientation="landscape" fitToWidth="1" fitToHeight="0"/>'
    '<headerFooter><oddHeader>&amp;L{title} - &amp;A</oddHeader><oddFooter>&amp;C{page}</oddFooter></headerFooter>'
)


def _col_letter(i: int) -> str:
    s, n = "", i + 1
    while n:
        n, r = divmod(n - 1, 26)
        s = chr(65 + r) + s
    return s


def sheet_parts(name: str, n_rows: int, max_rows: int = MAX_ROWS) -> list[tuple[str, int]]:
    """The sheets a table of ``n_rows`` rows (header not counted) is written on, as (name, rows): one
    sheet while it fits (``max_rows`` counts the header row), else ``证件台账``, ``证件台账(2)`` … each
    with the header and as many rows as fit."""
    per = max_rows - 1
    if n_rows <= per:
        return [(name, n_rows)]
    k = -(-n_rows // per)
    return [(name if i == 0 else f"{name}({i + 1})", min(per, n_rows - i * per)) for i in range(k)]


def _col_widths(headers: list[str], sample: Iterable[list[Any]]) -> list[int]:
    """Column widths from the header and the rows of ``sample`` (a long table's first rows: the same
    widths on every sheet it is split into)."""
    widths = [_header_width(h) for h in headers]
    wrap = {i: WRAP_WIDTHS[h] for i, h in enumerate(headers) if h in WRAP_WIDTHS}
    for i, cap in wrap.items():
        widths[i] = min(widths[i], cap)
    for row in sample:
        for i, v in enumerate(row):
            if v is None or v == "":
                continue
            cur = widths[i]
            if cur >= MAX_WIDTH or cur >= wrap.get(i, MAX_WIDTH):
                continue
            if isinstance(v, str) and len(v) * 2 <= cur:
                continue  # cannot be wider than what the column already needs
            w = text_width(v)
            if w > cur:
                widths[i] = min(w, wrap.get(i, w))
    return [max(6, min(MAX_WIDTH, w + 2)) for w in widths]


def _sheet_xml(headers: list[str], rows: Iterable[list[Any]], n_rows: int, col_w: list[int], text_cols: set[int],
               colour_col: int | None, page_setup: str = "") -> Iterator[str]:
    letters = [_col_letter(i) for i in range(len(headers))]
    last = f"{letters[-1]}{n_rows + 1}"
    yield ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
           '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
           'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
           '<sheetPr><pageSetUpPr fitToPage="1"/></sheetPr>'
           f'<dimension ref="A1:{last}"/>'
           '<sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>'
           '<selection pane="bottomLeft" activeCell="A2" sqref="A2"/></sheetView></sheetViews>'
           '<sheetFormatPr defaultRowHeight="15"/><cols>')
    yield "".join(f'<col min="{i + 1}" max="{i + 1}" width="{w}" customWidth="1"/>' for i, w in enumerate(col_w))
    yield "</cols><sheetData>"
    head_lines = max(_lines(h, col_w[i] - 1) for i, h in enumerate(headers))
    yield (f'<row r="1"{_height(head_lines)}>' + "".join(
        f'<c r="{letters[i]}1" t="inlineStr" s="{_S_HEAD}"><is><t xml:space="preserve">{_esc(h)}</t></is></c>'
        for i, h in enumerate(headers)) + "</row>")
    cols = _Columns(headers, col_w, text_cols, colour_col)
    it = iter(rows)
    n = 1  # the last row written
    while chunk := list(itertools.islice(it, CHUNK)):
        yield _rows_xml(chunk, n + 1, cols)
        n += len(chunk)
        del chunk
    if n != n_rows + 1:  # the model said how many rows there would be; a sheet must say the truth
        raise RuntimeError(f"sheet rows: {n - 1} written, {n_rows} announced")
    yield f'</sheetData><autoFilter ref="A1:{last}"/>'
    yield page_setup + "</worksheet>"


class _Columns:
    """What a sheet's columns need to write a row: each column's letter, style, wrap width (a wrapped
    cell of n lines makes its row n lines tall: Excel keeps the stored height), and for
    :func:`_rows_xml` each column's text cell made once up to its row number and after it."""

    def __init__(self, headers: list[str], col_w: list[int], text_cols: set[int], colour_col: int | None) -> None:
        self.letters = [_col_letter(i) for i in range(len(headers))]
        wrap = {i for i, h in enumerate(headers) if h in WRAP_WIDTHS}
        self.line_w = {i: max(col_w[i] - 1, 1) for i in wrap}
        self.text_cols, self.colour_col = text_cols, colour_col
        self.heads = [f'<c r="{x}' for x in self.letters]
        self.wrap_w = [self.line_w.get(i, 0) for i in range(len(headers))]
        styles = [_S_WRAP if i in wrap else _S_TEXT if i in text_cols else 0 for i in range(len(headers))]
        self.mids = [_text_mid(st) for st in styles]
        plain_colour = colour_col is not None and colour_col not in wrap and colour_col not in text_cols
        self.colour = colour_col if plain_colour else -1
        self.colour_mids = {v: _text_mid(st) for v, st in _COLOUR_STYLE.items()}


def _text_mid(style: int) -> str:
    """A text cell's XML between its row number and its text."""
    return '" t="inlineStr"' + (f' s="{style}"' if style else "") + '><is><t xml:space="preserve">'


_NONE = frozenset({type(None)})
_TEXT, _DATES, _NUMBERS = frozenset({str, type(None)}), frozenset({dt.date, type(None)}), frozenset({int, float, type(None)})
CHUNK = 2_000  # rows made into XML at once (and deflated at once, certctl.write_beside)


def _rows_xml(rows: list[list[Any]], first: int, cols: _Columns) -> str:
    """:func:`_row_xml_plain` of each of ``rows`` (numbered from ``first``), joined (a test says so), made a
    column at a time: a column of texts, of dates or of numbers (None and "" skipped) is one comprehension
    (2.6 million cells at 10^5 certificates: issue 15), escaped only when some text of it needs it; any
    other chunk row by row by the reference."""
    width = len(rows[0]) if rows else 0
    if not rows or any(len(r) != width for r in rows):
        return "".join([_row_xml_plain(r, n, cols) for n, r in enumerate(rows, first)])
    sns = list(map(str, range(first, first + len(rows))))
    cells: list[list[str]] = []
    lines: list[list[int]] = []
    for i, col in enumerate(zip(*rows)):
        kinds, head, mid = set(map(type, col)), cols.heads[i], cols.mids[i]
        if kinds == _NONE:
            continue
        if kinds <= _TEXT:
            cm = cols.colour_mids if i == cols.colour else {}
            text = [_esc(v) if v else v for v in col] if _NEEDS_ESC.search("".join(filter(None, col))) else col
            cells.append([f"{head}{sn}{cm.get(v, mid)}{t}</t></is></c>" if v else ""
                          for v, t, sn in zip(col, text, sns)])
            if w := cols.wrap_w[i]:
                lines.append([_lines(v, w) if v and ("\n" in v or len(v) > w // 2) else 1 for v in col])
        elif kinds <= _DATES:
            cells.append([f'{head}{sn}" s="{_S_DATE}"><v>{(v - _EPOCH).days}</v></c>' if v is not None else ""
                          for v, sn in zip(col, sns)])
        elif kinds <= _NUMBERS:
            cells.append([f'{head}{sn}"><v>{v!r}</v></c>' if v is not None else "" for v, sn in zip(col, sns)])
        else:  # booleans, date-times, anything else: the reference
            return "".join([_row_xml_plain(r, n, cols) for n, r in enumerate(rows, first)])
    tall = map(max, zip(*lines)) if lines else itertools.repeat(1)
    heads = [f'<row r="{sn}">' if k == 1 else f'<row r="{sn}"{_height(k)}>' for sn, k in zip(sns, tall)]
    return "".join(map("".join, zip(heads, *cells, itertools.repeat("</row>", len(rows)))))


def _row_xml_plain(row: list[Any], n: int, cols: _Columns) -> str:
    """A row of a sheet as XML: each cell by its type (the reference :func:`_rows_xml` agrees with)."""
    letters, line_w, text_cols, colour_col = cols.letters, cols.line_w, cols.text_cols, cols.colour_col
    parts = [""]
    lines = 1
    for i, v in enumerate(row):
        if v is None or v == "":
            continue
        ref = f"{letters[i]}{n}"
        if isinstance(v, str):
            if i in line_w:
                style = _S_WRAP
                if "\n" in v or len(v) > line_w[i] // 2:
                    lines = max(lines, _lines(v, line_w[i]))
            else:
                style = _S_TEXT if i in text_cols else (_COLOUR_STYLE.get(v, 0) if i == colour_col else 0)
            st = f' s="{style}"' if style else ""
            parts.append(f'<c r="{ref}" t="inlineStr"{st}><is><t xml:space="preserve">{_esc(v)}</t></is></c>')
        elif isinstance(v, bool):
            parts.append(f'<c r="{ref}" t="b"><v>{int(v)}</v></c>')
        elif isinstance(v, dt.date):
            d = v.date() if isinstance(v, dt.datetime) else v
            parts.append(f'<c r="{ref}" s="{_S_DATE}"><v>{(d - _EPOCH).days}</v></c>')
        elif isinstance(v, (int, float)):
            parts.append(f'<c r="{ref}"><v>{v!r}</v></c>')
        else:
            parts.append(f'<c r="{ref}" t="inlineStr"><is><t xml:space="preserve">{_esc(str(v))}</t></is></c>')
    parts[0] = f'<row r="{n}"{_height(lines)}>'
    parts.append("</row>")
    return "".join(parts)


def _header_width(h: str) -> int:
    """A long header wraps onto two lines rather than widen a column of short values (最近变动日期)."""
    w = text_width(h)
    return w if w <= 8 else -(-w // 2)


def _lines(text: str, width: int) -> int:
    """Lines a wrapped cell ``width`` columns wide needs for ``text`` (CJK counted double).

    The width of a line is taken from its UTF-8 length: ASCII is 1 byte and 1 column, CJK 3 bytes and
    2 columns, so ``len + (bytes - len) // 2`` is :func:`text_width` for such text at a fraction of its
    cost (this runs for every long cell of a ledger of 100,000 rows)."""
    width = max(width, 1)
    if "\n" not in text:
        w = len(text) + (len(text.encode("utf-8")) - len(text)) // 2
        return max(1, -(-w // width))
    n = 0
    for part in text.split("\n"):
        w = len(part) + (len(part.encode("utf-8")) - len(part)) // 2
        n += max(1, -(-w // width))
    return n


def _height(lines: int) -> str:
    """The row height attribute for a row of ``lines`` lines ('' for one line: the default)."""
    if lines <= 1:
        return ""
    return f' ht="{LINE_HEIGHT * min(lines, MAX_LINES) + 3:g}" customHeight="1"'


_NEEDS_ESC = re.compile(r"[&<>\"\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _esc(s: str) -> str:
    if _NEEDS_ESC.search(s) is None:
        return s
    return _safe_text(s).translate(_XML_ESC)


def _parts(sheets: list[SheetSpec], max_rows: int, tap: Any = None) -> Iterator[
        tuple[str, list[str], Iterable[list[Any]], int, list[int], set[int], int | None]]:
    """Each sheet as written: a table longer than a sheet holds split (:func:`sheet_parts`), its rows
    streamed — the first ``WIDTH_SAMPLE`` rows give the columns' widths, then one pass."""
    for name, headers, rows, text_cols, colour_col in sheets:
        it = iter(rows) if tap is None else iter(tap(name, headers, rows))
        sample = list(itertools.islice(it, WIDTH_SAMPLE))
        col_w = _col_widths(headers, sample)
        stream = itertools.chain(sample, it)
        del sample
        for part, count in sheet_parts(name, len(rows), max_rows):  # type: ignore[arg-type]
            yield part, headers, itertools.islice(stream, count), count, col_w, text_cols, colour_col
        if next(stream, None) is not None:
            raise RuntimeError(f"sheet {name}: more rows than announced")


def write_sheets(target: Path, sheets: list[SheetSpec], title: str, lang: str = "zh",
                 max_rows: int = MAX_ROWS, tap: Any = None) -> None:
    """Write ``sheets`` as an xlsx at ``target`` (not atomic: :func:`write_ledger` is). ``rows`` of each
    sheet: anything with ``len`` that can be walked once (a list, :class:`Rows`). ``tap(name, headers,
    rows)``: an iterator over the same rows, seeing each as it is written (the note of what was written,
    :class:`certctl.ledger_edits.Note`)."""
    # (name, headers, rows) of every sheet as written, a long table on several
    names = [(part, headers, count) for name, headers, rows, *_ in sheets
             for part, count in sheet_parts(name, len(rows), max_rows)]  # type: ignore[arg-type]
    n = len(names)
    ct = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
          '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
          '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
          '<Default Extension="xml" ContentType="application/xml"/>'
          '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
          + "".join(f'<Override PartName="/xl/worksheets/sheet{i}.xml" '
                    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
                    for i in range(1, n + 1))
          + '<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
          '<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>'
          '<Override PartName="/docProps/app.xml" ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/>'
          '</Types>')
    rels = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
            '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/>'
            '<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/extended-properties" Target="docProps/app.xml"/>'
            '</Relationships>')
    stamp = FIXED_TIME.strftime("%Y-%m-%dT%H:%M:%SZ")
    core = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
            'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
            'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
            f'<dc:title>{_esc(title)}</dc:title><dc:creator>certctl</dc:creator>'
            f'<dcterms:created xsi:type="dcterms:W3CDTF">{stamp}</dcterms:created>'
            f'<dcterms:modified xsi:type="dcterms:W3CDTF">{stamp}</dcterms:modified></cp:coreProperties>')
    app = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
           '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">'
           '<Application>certctl</Application></Properties>')
    wb = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
          '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
          'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>'
          + "".join(f'<sheet name="{_esc(s[0])}" sheetId="{i}" r:id="rId{i}"/>' for i, s in enumerate(names, 1))
          + "</sheets><definedNames>"
          + "".join(f'<definedName name="_xlnm._FilterDatabase" localSheetId="{i}" hidden="1">'
                    f"'{_esc(s[0])}'!$A$1:${_col_letter(len(s[1]) - 1)}${s[2] + 1}</definedName>"
                    for i, s in enumerate(names))
          + "".join(f'<definedName name="_xlnm.Print_Titles" localSheetId="{i}">\'{_esc(s[0])}\'!$1:$1</definedName>'
                    for i, s in enumerate(names))
          + defined_name_xml("ledger") + "</definedNames></workbook>")  # certctl.marks: not a form
    page_setup = _PAGE_SETUP.format(title=_esc(title.replace("&", "&&")), page=_esc(page_text(lang)))
    wbrels = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
              '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
              + "".join(f'<Relationship Id="rId{i}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
                        f'Target="worksheets/sheet{i}.xml"/>' for i in range(1, n + 1))
              + f'<Relationship Id="rId{n + 1}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" '
              'Target="styles.xml"/></Relationships>')
    with _FixedZip(target, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as z:
        z.writestr("[Content_Types].xml", ct)
        z.writestr("_rels/.rels", rels)
        z.writestr("docProps/core.xml", core)
        z.writestr("docProps/app.xml", app)
        z.writestr("xl/workbook.xml", wb)
        z.writestr("xl/_rels/workbook.xml.rels", wbrels)
        z.writestr("xl/styles.xml", _STYLES)
        for i, (_, headers, rows, count, col_w, text_cols, colour_col) in enumerate(_parts(sheets, max_rows, tap), 1):
            with z.open(_entry(f"xl/worksheets/sheet{i}.xml"), "w", force_zip64=True) as fh:
                write_beside(fh, _sheet_xml(headers, rows, count, col_w, text_cols, colour_col, page_setup))


def write_ledger(ledger: Ledger, path: str | os.PathLike[str], lang: str = "zh", *, lock: bool = True,
                 timeout: float = 0, clerk: Any = None, written: Any = None, max_rows: int | None = None,
                 tap: Any = None) -> Path:
    """Write the ledger workbook atomically. ``lock=False`` when the caller already holds
    :func:`ledger_lock` for ``path``. ``clerk``: the clerk's columns of 证件台账 to carry
    (:class:`certctl.ledger_edits.ClerkColumns`; the 处理情况 column, empty, when None). ``written``:
    called with the sheets (name, headers, rows, …) once they are written; their rows can be walked
    again. A table longer than ``max_rows`` (the header included) goes on several sheets. ``tap``: see
    :func:`write_sheets`. Raises
    :class:`LedgerLocked`, or OSError when the directory cannot be written. A ``path`` that is a symbolic
    link writes the file it points to (:func:`certctl.outputs.through_link`)."""
    from .outputs import through_link

    p = through_link(path)
    p.parent.mkdir(parents=True, exist_ok=True)
    ctx = ledger_lock(p, timeout) if lock else contextlib.nullcontext()
    with ctx:
        remove_stale_temps(p)
        tmp = p.with_name(f".{temp_name(p)}.{os.getpid()}.tmp")
        try:
            title = "Master ledger of enforcement certificates" if lang == "en" else "行政执法证件合并台账"
            with gc_paused():  # rows of acyclic lists, made and dropped one at a time
                sheets = ledger_sheets(ledger, lang, clerk)
                write_sheets(tmp, sheets, title, lang, max_rows or MAX_ROWS, tap)
            os.chmod(tmp, file_mode())
            sync_file(tmp)
            slow = os.environ.get(SLOW_ENV)
            if slow:
                time.sleep(float(slow))
            os.replace(tmp, p)
            if written is not None:
                written(sheets)
            sync_dir(p.parent)
        except BaseException:
            with contextlib.suppress(OSError):
                tmp.unlink()
            raise
    return p
