"""Writing the master ledger workbook (SPEC 5): five sheets, safely.

- openpyxl write-only mode (streams rows; fine for 100,000 events), header frozen, autofilter on,
  column widths from the content (CJK counted double), dates as real dates, IDs and certificate
  numbers as text, every string written as a string (a form cell "=HYPERLINK(…)" stays text).
- Deterministic bytes: fixed workbook timestamps and fixed zip entry times, so the same ledger gives
  the same file.
- Atomic: written to ``.<name>.<pid>.tmp`` in the output's directory and renamed over the ledger with
  ``os.replace``; an interrupted run leaves the previous ledger untouched. The temp name does not end
  in ``.xlsx``, so it is never mistaken for the ledger nor read back as a form; stale ones are removed by
  the next merge that holds the lock.
- Locked: ``fcntl.flock`` on ``<output>.lock``; a second writer gets :class:`LedgerLocked` at once (or
  after ``timeout`` seconds of waiting).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import shutil
import time
import unicodedata
import zipfile
from pathlib import Path
from typing import Any, Iterable, Iterator, Sequence

from . import rules as R
from .forms import family_label
from .ledger import COLOUR_EN, EVENT_EN, RED, STATUS_EN, YELLOW, GREEN, Ledger, finding_message

FIXED_TIME = dt.datetime(2000, 1, 1, 0, 0, 0)
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)
SLOW_ENV = "CERTCTL_TEST_SLOW_WRITE"  # test hook: seconds to sleep with the temp file written

FILLS = {RED: "FFC7CE", YELLOW: "FFEB9C", GREEN: "C6EFCE"}
FONTS = {RED: "9C0006", YELLOW: "9C5700", GREEN: "006100"}

SHEETS = ("证件台账", "变动记录", "问题清单", "单位汇总", "来源文件")

HEADERS: dict[str, list[tuple[str, str]]] = {
    "证件台账": [("证件号码", "Certificate"), ("姓名", "Name"), ("身份证号码", "ID number"), ("性别", "Sex"),
             ("所属主体", "Unit"), ("证件类别", "Category"), ("证件状态", "Status"), ("红黄绿", "Colour"),
             ("红黄绿原因", "Colour reasons"), ("最近变动", "Last change"), ("最近变动日期", "Last change date"),
             ("来源", "Sources"), ("问题", "Problems")],
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
             ("未并入行数", "Rows rejected"), ("状态", "Status")],
}
TEXT_COLS = {("证件台账", 0), ("证件台账", 2), ("变动记录", 2), ("变动记录", 4), ("来源文件", 1)}
MAX_WIDTH = 60

_SEV = {"zh": {R.ERROR: "错误", R.WARNING: "警告", R.INFO: "提示"},
        "en": {R.ERROR: "error", R.WARNING: "warning", R.INFO: "info"}}
_FILE_STATUS = {
    "ok": ("已合并", "merged"), "errors": ("已合并（有错误）", "merged (with errors)"),
    "unreadable": ("无法读取", "unreadable"), "duplicate": ("重复文件（同 {other}）", "duplicate of {other}"),
    "reference": ("参考名单", "reference list"),
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
    p = Path(path)
    return p.with_name(p.name + ".lock")


@contextlib.contextmanager
def ledger_lock(path: str | os.PathLike[str], timeout: float = 0) -> Iterator[Path]:
    """Hold the ledger's lock (``<path>.lock``) for the block. Raises :class:`LedgerLocked` when
    another process holds it for longer than ``timeout`` seconds (0: do not wait)."""
    import fcntl

    p = Path(path)
    lp = lock_path(p)
    lp.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(lp, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        deadline = time.monotonic() + max(timeout, 0)
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except (BlockingIOError, PermissionError):
                if time.monotonic() >= deadline:
                    raise LedgerLocked(p) from None
                time.sleep(0.1)
        try:
            yield lp
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


def temp_glob(path: Path) -> str:
    return f".{path.name}.*.tmp"


def remove_stale_temps(path: Path) -> list[Path]:
    """Temp files left by a killed merge (call only while holding the lock)."""
    gone = []
    for t in sorted(path.parent.glob(temp_glob(path))):
        try:
            t.unlink()
            gone.append(t)
        except OSError:
            pass
    return gone


# ------------------------------------------------------------------------------------ zip
class _FixedZip(zipfile.ZipFile):
    """ZipFile whose entries all carry one fixed timestamp (byte-identical output for equal content)."""

    def writestr(self, zinfo_or_arcname: Any, data: Any, compress_type: Any = None, compresslevel: Any = None) -> None:
        if not isinstance(zinfo_or_arcname, zipfile.ZipInfo):
            zi = zipfile.ZipInfo(zinfo_or_arcname, date_time=_ZIP_TIME)
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.external_attr = 0o600 << 16
            zinfo_or_arcname = zi
        super().writestr(zinfo_or_arcname, data, compress_type, compresslevel)

    def write(self, filename: Any, arcname: Any = None, compress_type: Any = None, compresslevel: Any = None) -> None:
        zi = zipfile.ZipInfo(arcname or os.path.basename(filename), date_time=_ZIP_TIME)
        zi.compress_type = zipfile.ZIP_DEFLATED
        zi.external_attr = 0o600 << 16
        with open(filename, "rb") as src, self.open(zi, "w", force_zip64=True) as dst:
            shutil.copyfileobj(src, dst, 1 << 20)


# ------------------------------------------------------------------------------------ cells
def _illegal() -> Any:
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    return ILLEGAL_CHARACTERS_RE


_ILLEGAL = None


def _safe_text(s: str) -> str:
    global _ILLEGAL
    if _ILLEGAL is None:
        _ILLEGAL = _illegal()
    return _ILLEGAL.sub("", s) if s else s


def text_width(value: Any) -> int:
    if value is None:
        return 0
    if isinstance(value, (dt.date, dt.datetime)):
        return 10
    s = str(value)
    longest = 0
    for line in s.split("\n"):
        w = sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in line)
        longest = max(longest, w)
    return longest


class _SheetWriter:
    def __init__(self, wb: Any, title: str, headers: Sequence[str], rows: list[list[Any]],
                 text_cols: Iterable[int] = (), colour_col: int | None = None):
        from openpyxl.cell import WriteOnlyCell
        from openpyxl.styles import Alignment, Font, PatternFill
        from openpyxl.utils import get_column_letter

        ws = wb.create_sheet(title)
        ncol = len(headers)
        widths = [text_width(h) for h in headers]
        for row in rows:
            for i, v in enumerate(row):
                w = text_width(v)
                if w > widths[i]:
                    widths[i] = w
        for i, w in enumerate(widths):
            ws.column_dimensions[get_column_letter(i + 1)].width = max(6, min(MAX_WIDTH, w + 2))
        ws.freeze_panes = "A2"
        last = get_column_letter(ncol)
        ws.auto_filter.ref = f"A1:{last}{len(rows) + 1}"
        bold = Font(bold=True)
        head_fill = PatternFill("solid", fgColor="DDEBF7")
        header_cells = []
        for h in headers:
            c = WriteOnlyCell(ws, value=h)
            c.font = bold
            c.fill = head_fill
            c.alignment = Alignment(vertical="center")
            header_cells.append(c)
        ws.append(header_cells)
        text_cols = set(text_cols)
        fills = {k: PatternFill("solid", fgColor=v) for k, v in FILLS.items()}
        fonts = {k: Font(color=v, bold=True) for k, v in FONTS.items()}
        for row in rows:
            out = []
            for i, v in enumerate(row):
                if isinstance(v, str):
                    c = WriteOnlyCell(ws, value=_safe_text(v))
                    c.data_type = "s"  # never a formula, whatever the text starts with
                    if i in text_cols:
                        c.number_format = "@"
                    if i == colour_col and v in fills:
                        c.fill = fills[v]
                        c.font = fonts[v]
                    out.append(c)
                elif isinstance(v, dt.date):
                    c = WriteOnlyCell(ws, value=v)
                    c.number_format = "yyyy-mm-dd"
                    out.append(c)
                else:
                    out.append(v)
            ws.append(out)


def _colour_label(c: str, lang: str) -> str:
    return COLOUR_EN.get(c, c) if lang == "en" else c


def _rows(ledger: Ledger, lang: str) -> dict[str, list[list[Any]]]:
    en = lang == "en"
    rel = ledger.rel
    sep = "; " if en else "；"
    certs = []
    for c in ledger.certificates:
        problems = c.problems if not en else [p.split(" ", 1)[0] + " " + R.RULES[p.split(" ", 1)[0]].en
                                              if p.split(" ", 1)[0] in R.RULES else p for p in c.problems]
        certs.append([
            c.cert, c.name, c.id, c.sex, c.unit, c.category,
            STATUS_EN.get(c.status, c.status) if en else c.status,
            _colour_label(c.colour, lang) if en else c.colour,
            sep.join(c.reasons(lang)),
            EVENT_EN.get(c.last_event, c.last_event) if en else c.last_event,
            c.last_event_date,
            c.source if not en else c.source.replace("；", "; "),
            "\n".join(problems),
        ])
    events = []
    for e in ledger.events:
        v = e.values
        if e.family == "annex2":
            parts = [v.get("reason"), v.get("destination")]
        elif e.family == "annex3":
            parts = [v.get("reason"), ("→ " + v["unit"]) if v.get("unit") else None, v.get("field")]
        elif e.family == "annex4":
            parts = [v.get("declaration")] if e.sub == 1 else [
                v["lost_date"].isoformat() + (" lost" if en else " 遗失") if v.get("lost_date") else None]
        elif e.family == "survey_people":
            parts = [v.get("category"), v.get("version"), v.get("person_type"), v.get("status"),
                     (("reported " if en else "自报") + v["colour"]) if v.get("colour") else None]
        else:
            parts = []
        parts.append(v.get("remark"))
        details = sep.join(str(p) for p in parts if p)
        events.append([
            e.date, EVENT_EN.get(e.kind, e.kind) if en else e.kind, e.cert, e.name, e.id, e.unit,
            family_label(_family_of(e.family), lang), e.source, rel(e.path), e.sheet, e.row, details,
        ])
    sev = _SEV["en" if en else "zh"]
    problems_rows = []
    for f in ledger.findings:
        problems_rows.append([
            rel(f.path), f.sheet or "", f.cell or (str(f.row) if f.row else ""), f.code, sev[f.severity],
            finding_message(f, lang, show_id=True), f.hint(lang, True) or "",
        ])
    units = []
    for u in ledger.units:
        yes, no = ("yes", "") if en else ("是", "")
        units.append([u.unit, u.holders, u.certificates, u.red, u.yellow, u.green, u.forms, u.last_form_date,
                      (yes if u.must_report else ("no" if en else "否")) if u.in_registry else "",
                      ("missing" if en else "未报送") if u.missing else no])
    files = []
    for fs in ledger.files:
        zh, en_t = _FILE_STATUS.get(fs.status, (fs.status, fs.status))
        status = (en_t if en else zh).format(other=fs.duplicate_of)
        if fs.status == "unreadable":
            status += "：" + fs.read_error if not en else ": " + fs.read_error_en
        fam = " + ".join(family_label(x, lang) for x in fs.family.split("+")) if fs.family and fs.status != "unreadable" else ""
        files.append([fs.path, fs.sha256, fam, fs.unit, fs.form_date, fs.rows_read, fs.rows_merged,
                      fs.rows_rejected, status])
    return {"证件台账": certs, "变动记录": events, "问题清单": problems_rows, "单位汇总": units, "来源文件": files}


def _family_of(kind: str) -> str:
    return "survey" if kind.startswith("survey") else kind


def _build_workbook(ledger: Ledger, lang: str) -> Any:
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    wb.properties.created = FIXED_TIME
    wb.properties.modified = FIXED_TIME
    wb.properties.creator = "certctl"
    wb.properties.title = "行政执法证件合并台账" if lang != "en" else "Master ledger of enforcement certificates"
    data = _rows(ledger, lang)
    idx = 1 if lang == "en" else 0
    for name in SHEETS:
        headers = [h[idx] for h in HEADERS[name]]
        text_cols = [i for (s, i) in TEXT_COLS if s == name]
        _SheetWriter(wb, name, headers, data[name], text_cols, colour_col=7 if name == "证件台账" else None)
    return wb


def _save(wb: Any, target: Path) -> None:
    from openpyxl.writer.excel import ExcelWriter

    archive = _FixedZip(target, "w", zipfile.ZIP_DEFLATED, allowZip64=True)
    wb.properties.modified = FIXED_TIME
    ExcelWriter(wb, archive).save()


def write_ledger(ledger: Ledger, path: str | os.PathLike[str], lang: str = "zh", *, lock: bool = True,
                 timeout: float = 0) -> Path:
    """Write the ledger workbook atomically. ``lock=False`` when the caller already holds
    :func:`ledger_lock` for ``path``. Raises :class:`LedgerLocked`, or OSError when the directory
    cannot be written."""
    p = Path(path)
    p.parent.mkdir(parents=True, exist_ok=True)
    ctx = ledger_lock(p, timeout) if lock else contextlib.nullcontext()
    with ctx:
        remove_stale_temps(p)
        tmp = p.with_name(f".{p.name}.{os.getpid()}.tmp")
        try:
            wb = _build_workbook(ledger, lang)
            _save(wb, tmp)
            with open(tmp, "rb") as fh:
                os.fsync(fh.fileno())
            slow = os.environ.get(SLOW_ENV)
            if slow:
                time.sleep(float(slow))
            os.replace(tmp, p)
            try:
                dfd = os.open(p.parent, os.O_RDONLY)
                try:
                    os.fsync(dfd)
                finally:
                    os.close(dfd)
            except OSError:
                pass
        except BaseException:
            with contextlib.suppress(OSError):
                tmp.unlink()
            raise
    return p
