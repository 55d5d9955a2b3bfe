"""Outputs never land on an input: the one check every command makes before it writes a file.

``check_output(path, kind, inputs)`` raises :class:`OutputRefused` when writing ``path`` would destroy
something that is not certctl's to destroy:

- ``path`` is a form in one of the scanned trees ``inputs`` (the same file by name, by a symbolic link
  or by a hard link) — a ledger written over a unit's 附件2, a log appended to a form;
- ``path`` exists and is not a certctl output of that ``kind`` (a ledger is replaced only by a ledger,
  a log is appended to only when it is a certctl log…), is a folder, or is not a regular file (a log
  may go to a device such as /dev/null);

``kind`` is one of :data:`KINDS`. The message names the output and the form (or file) it would hit; the
command line exits 2 with it. Nothing is written or created here.

``write_text(path, text, bom=False)`` writes a text output (CSV, JSON, plain lines) atomically, UTF-8
(with a byte-order mark for CSV, which Excel needs), with the mode of personal-data files.
"""

from __future__ import annotations

import os
import re
import stat
import zipfile
from pathlib import Path
from typing import Iterable

from .atomic import atomic_write_bytes
from .reader import EXTENSIONS
from .oserror import why
from .pathnames import shown, too_long

__all__ = ["KINDS", "OutputRefused", "check_output", "is_certctl_output", "through_link", "write_text"]

#: what each kind of output is called in a message (zh, en)
KINDS: dict[str, tuple[str, str]] = {
    "ledger": ("台账", "ledger"),
    "report": ("报告", "report"),
    "annotated": ("标注副本", "annotated copy"),
    "template": ("空白模板", "blank template"),
    "log": ("日志", "log"),
    "csv": ("CSV 文件", "CSV file"),
    "json": ("JSON 文件", "JSON file"),
    "text": ("文本输出", "text output"),
    "cleanup": ("专项清理材料", "cleanup document"),  # certctl cleanup: the list, the roster, the draft
}
LEDGER_SHEETS = ("证件台账", "来源文件")  # certctl's ledger has these; no submitted form does
ISSUES_SHEETS = ("问题清单", "Problems")  # the first sheet of an annotated copy (Chinese, English: annotate.ISSUES_SHEETS)
_LOG_LINE = re.compile(r"^\d{4}-\d{2}-\d{2}T\S+ certctl\b")


class OutputRefused(Exception):
    """An output that would overwrite an input or a file certctl did not write."""

    def __init__(self, zh: str, en: str) -> None:
        super().__init__(en)
        self.zh = zh
        self.en = en

    def message(self, lang: str = "zh") -> str:
        return self.en if lang == "en" else self.zh


def check_output(path: str | os.PathLike[str], kind: str, inputs: Iterable[str | os.PathLike[str]] = ()) -> None:
    """Raise :class:`OutputRefused` when ``path`` must not be written as a ``kind`` output (module doc)."""
    zh_kind, en_kind = KINDS[kind]
    out = Path(path)
    check_name(out, kind)
    if kind == "ledger" and out.suffix.lower() != ".xlsx":
        # the ledger is an .xlsx workbook whatever its name: 台账.xls, 台账.csv or 台账 held one, which Excel
        # refuses or shows as gibberish, and 台账.csv looked like the CSV export it is not
        raise OutputRefused(
            f"台账须是 .xlsx 文件（Excel 工作簿）：{out}；请写成 {out.stem if out.suffix else out.name}.xlsx"
            f"（逾期清单的 CSV 用 certctl overdue --format csv，SQLite 台账用 merge --sqlite）",
            f"the ledger must be an .xlsx file (Excel workbook): {out}; name it "
            f"{out.stem if out.suffix else out.name}.xlsx (a CSV of the overdue list: certctl overdue --format csv; "
            f"an SQLite ledger: merge --sqlite)")
    if kind in ("csv", "json", "text") and out.suffix.lower() in WORKBOOK_SUFFIXES:
        raise OutputRefused(
            f"输出的{zh_kind}是文本，不是 Excel 工作簿：{out} 这样的名字 Excel 打不开；请用 .csv（Excel 可直接打开）"
            f"{'、.json' if kind == 'json' else ''}或 .txt",
            f"the {en_kind} is text, not an Excel workbook: Excel will not open it as {out}; name it .csv (Excel "
            f"opens it){', .json' if kind == 'json' else ''} or .txt")
    try:
        st = out.stat()
    except FileNotFoundError:
        return  # nothing there: nothing to destroy (a new file in a forms folder is not a form yet)
    except OSError as e:
        raise OutputRefused(f"无法检查输出位置 {out}：{why(e)}",
                            f"cannot check the output {out}: {e.strerror or e}") from None
    form = _input_form(out, st, inputs)
    if form is not None and not is_certctl_output(out, kind):
        root, rel = form
        raise OutputRefused(
            f"输出的{zh_kind} {out} 就是表格文件夹 {root} 中报送的表格 {rel}；certctl 不会写入报送的表格，请另选输出位置",
            f"the {en_kind} {out} is the submitted form {rel} in the forms folder {root}; certctl never writes a "
            f"submitted form: choose another output")
    if stat.S_ISDIR(st.st_mode):
        raise OutputRefused(f"输出的{zh_kind} {out} 是一个文件夹", f"the {en_kind} output {out} is a folder")
    if not stat.S_ISREG(st.st_mode):
        if kind == "log" and stat.S_ISCHR(st.st_mode):
            return  # /dev/null, /dev/full…: appending to a device destroys nothing
        raise OutputRefused(f"输出的{zh_kind} {out} 不是普通文件（设备或管道），不能替换",
                            f"the {en_kind} output {out} is not a regular file (a device or pipe)")
    if not is_certctl_output(out, kind):
        raise OutputRefused(
            f"{out} 已存在，但不是 certctl 写出的{zh_kind}，为免覆盖别人的文件未写入；请换一个文件名，或先移走该文件",
            f"{out} exists and is not a {en_kind} written by certctl; not overwritten: choose another name or "
            f"move that file away")


#: names a clerk gives a file, not a folder: what report -o / cleanup -o would make a folder of
FILE_SUFFIXES = (".xlsx", ".xls", ".xlsm", ".ods", ".et", ".csv", ".txt", ".md", ".json", ".pdf", ".doc", ".docx")
#: workbooks: a text output (CSV, JSON, lines) under such a name is a file Excel refuses to open
WORKBOOK_SUFFIXES = (".xlsx", ".xls", ".xlsm", ".xlsb", ".ods", ".et")


def check_folder_name(path: str | os.PathLike[str], what: tuple[str, str]) -> None:
    """Raise :class:`OutputRefused` when the output folder ``path`` (report -o, cleanup -o) does not exist
    and is named like a file (``-o 报告.xlsx``): it was made a folder of that name, which Excel cannot open.
    ``what``: (zh, en) of what is written in it."""
    p = Path(path)
    if p.suffix.lower() in FILE_SUFFIXES and not p.is_dir():
        raise OutputRefused(
            f"-o 要的是文件夹（{what[0]}写在其中），{p} 看来是文件名：请写文件夹名，如 -o reports",
            f"-o takes a folder ({what[1]} are written in it); {p} looks like a file name: give a folder, "
            f"such as -o reports")


def text_format_by_name(path: str | os.PathLike[str] | None, asked: str) -> str:
    """The format of a text output: ``asked``, or — when the default (``table``) was left and ``path`` ends
    in .csv or .json — that format: ``overdue -o 逾期.csv`` wrote tab-separated lines with a title under a
    name Excel opens as CSV, every item in one column."""
    if asked != "table" or path is None:
        return asked
    return {".csv": "csv", ".json": "json"}.get(Path(path).suffix.lower(), asked)


def through_link(path: str | os.PathLike[str]) -> Path:
    """The file an output name stands for: ``path`` itself or, when it is a symbolic link (a link on the
    desktop to the ledger on a shared folder), the file it points to — so that the file is replaced, with
    its lock and note beside it, not the link (which became a file of its own, the ledger behind it left
    as it was). A relative link stays relative (``台账.xlsx`` -> ``data/台账.xlsx``)."""
    p = Path(path)
    for _ in range(40):  # the kernel's own limit on links followed
        try:
            if not p.is_symlink():
                return p
            target = Path(os.readlink(p))
        except OSError:
            return p
        p = target if target.is_absolute() else p.parent / target
    return p


def check_name(path: str | os.PathLike[str], kind: str) -> None:
    """Raise :class:`OutputRefused` when a name in ``path`` (the clerk's own choice) is longer than a file
    system takes (255 bytes of UTF-8, about 85 Chinese characters): said plainly, before anything is read."""
    part = too_long(path)
    if part is not None:
        zh_kind, en_kind = KINDS[kind]
        if os.name == "nt":
            n, zh_unit, en_unit = len(part), "个字符", "characters"
        else:
            n, zh_unit, en_unit = len(os.fsencode(part)), "字节", "bytes"
        raise OutputRefused(
            f"输出的{zh_kind}文件名或路径太长：{shown(path)}（其中一个名字有 {n} {zh_unit}，文件系统最多 255，约 85 个汉字）；"
            f"请改用短一些的名字",
            f"the {en_kind} output's name is too long: {shown(path)} (one name in it has {n} {en_unit}; file systems "
            f"take at most 255); choose a shorter name")


def _input_form(out: Path, st: os.stat_result, inputs: Iterable[str | os.PathLike[str]]) -> tuple[Path, str] | None:
    """(root, path relative to it) when ``out`` is one of the forms below ``inputs``, by any name."""
    try:
        real = out.resolve()
    except OSError:
        real = out.absolute()
    for raw in inputs:
        root = Path(raw)
        try:
            rroot = root.resolve()
        except OSError:
            continue
        if rroot == real:
            return root, out.name
        try:
            rel = real.relative_to(rroot if rroot.is_dir() else rroot.parent)
        except ValueError:
            rel = None
        if rel is not None and (rroot.is_dir() or rroot == real) and _looks_like_form(real, rroot):
            return root, rel.as_posix()
        if st.st_nlink > 1 and stat.S_ISREG(st.st_mode):  # a hard link to a form elsewhere in the tree
            hit = _same_file(st, rroot)
            if hit is not None:
                return root, hit
    return None


def office_lock(path: str | os.PathLike[str]) -> Path | None:
    """The lock file Excel, WPS or LibreOffice keeps beside ``path`` while it is open in them, if any:
    ``~$台账.xlsx`` (Excel and WPS; Excel drops the first two characters of a long name), ``.~lock.台账.xlsx#``
    (LibreOffice), ``.~台账.xlsx`` (WPS on Linux)."""
    p = Path(path)
    name = p.name
    names = ["~$" + name, f".~lock.{name}#", ".~" + name]
    if len(p.stem) > 7:
        names.append("~$" + name[2:])
    for n in names:
        lock = p.with_name(n)
        try:
            if lock.is_file():
                return lock
        except OSError:
            continue
    return None


def _looks_like_form(p: Path, root: Path) -> bool:
    """A file a scan of ``root`` reads as a form: a spreadsheet name, not hidden, not an Office lock file,
    not in a hidden folder below the root."""
    if p.suffix.lower() not in EXTENSIONS or p.name.startswith(("~$", ".")):
        return False
    try:
        parts = p.relative_to(root).parts[:-1]
    except ValueError:
        return False
    return not any(part.startswith(".") for part in parts)


def _same_file(st: os.stat_result, root: Path) -> str | None:
    if not root.is_dir():
        return None
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = [d for d in dirnames if not d.startswith(".")]
        for name in filenames:
            f = Path(dirpath) / name
            try:
                o = f.stat()
            except OSError:
                continue
            if (o.st_dev, o.st_ino) == (st.st_dev, st.st_ino) and _looks_like_form(f, root):
                return f.relative_to(root).as_posix()
    return None


# ------------------------------------------------------------------------------------------ what it is
def is_certctl_output(path: str | os.PathLike[str], kind: str) -> bool:
    """Whether the existing file ``path`` is a certctl output of ``kind`` (so it may be replaced)."""
    p = Path(path)
    if kind == "cleanup":
        from .deliverables.write import is_cleanup_output

        xlsx = p.suffix.lower() == ".xlsx"
        return is_cleanup_output(_xlsx_info(p) if xlsx else None, None if xlsx else _text_head(p))
    if kind == "ledger" and _noted_ledger(p):
        return True  # certctl wrote a ledger here (its note says so), even if it is now damaged
    if kind in ("ledger", "annotated", "template") or (kind == "report" and p.suffix.lower() == ".xlsx"):
        info = _xlsx_info(p)
        if info is None:
            return False
        sheets, props = info
        if kind == "ledger":
            return all(s in sheets for s in LEDGER_SHEETS)
        if kind == "annotated":
            return bool(sheets) and sheets[0] in ISSUES_SHEETS and not all(s in sheets for s in LEDGER_SHEETS)
        if kind == "template":  # written by certctl and never saved by anyone since
            return props.get("creator") == "certctl" and props.get("lastModifiedBy") == "certctl"
        return props.get("creator") == "certctl" and props.get("title", "").startswith(_report_titles())
    head = _text_head(p)
    if head is None:
        return False
    if head == "":
        return True  # an empty file: nothing to lose
    first = head.splitlines()[0] if head else ""
    if kind == "log":
        return bool(_LOG_LINE.match(first))
    if kind == "csv":
        return head.startswith("\ufeff") and ("证件号码" in first or "certificate" in first)
    if kind == "json":
        return head.lstrip().startswith("{") and '"as_of"' in head
    if kind == "report":
        return first.lstrip("# ").startswith(_report_titles())
    return True  # "text": any text file that is not a form or another program's binary


def _noted_ledger(p: Path) -> bool:
    """certctl's note of writing ``p`` is there, and only this user could have put it there (the merge's
    own trust check, :func:`certctl.ledger_edits.has_trusted_note`): a note planted in a folder others can
    write must not make a clerk's own workbook of that name one certctl may replace."""
    from .ledger_edits import has_trusted_note

    return has_trusted_note(p)


def _report_titles() -> tuple[str, ...]:
    from .report import _T

    return tuple(t.split("{")[0].rstrip("（(") for t in _T["title"])


def _text_head(p: Path, size: int = 4096) -> str | None:
    """The start of a text file (None when it is not text: a workbook, a binary)."""
    try:
        with open(p, "rb") as fh:
            raw = fh.read(size)
    except OSError:
        return None
    if b"\x00" in raw or raw.startswith((b"PK\x03\x04", b"\xd0\xcf\x11\xe0")):
        return None
    text = raw.decode("utf-8", errors="ignore")
    return text


def _xlsx_info(p: Path) -> tuple[list[str], dict[str, str]] | None:
    """(sheet names in order, core properties) of an xlsx, reading only two small parts."""
    try:
        with zipfile.ZipFile(p) as zf:
            wb = _small(zf, "xl/workbook.xml")
            core = _small(zf, "docProps/core.xml") if "docProps/core.xml" in zf.namelist() else ""
    except (zipfile.BadZipFile, OSError, KeyError, ValueError, EOFError):
        return None
    if wb is None:
        return None
    import html

    sheets = [html.unescape(m) for m in re.findall(r'<(?:\w+:)?sheet\b[^>]*?\bname="([^"]*)"', wb)]
    props = {}
    for key in ("creator", "lastModifiedBy", "title"):
        m = re.search(rf"<(?:\w+:)?{key}>([^<]*)</", core or "")
        if m:
            props[key] = html.unescape(m.group(1))
    return sheets, props


def _small(zf: zipfile.ZipFile, name: str, limit: int = 4 << 20) -> str | None:
    info = zf.getinfo(name)
    if info.file_size > limit:
        return None
    with zf.open(info) as fh:
        return fh.read(limit).decode("utf-8", errors="replace")


# ------------------------------------------------------------------------------------------ writing
def write_text(path: str | os.PathLike[str], text: str, *, bom: bool = False) -> Path:
    """Write ``text`` to ``path`` atomically as UTF-8 (with a BOM when ``bom``), mode of personal data."""
    data = text.encode("utf-8")
    if bom and not text.startswith("\ufeff"):
        data = b"\xef\xbb\xbf" + data
    return atomic_write_bytes(path, data)
