"""Reading workbooks safely: tell the format by content, refuse hostile files, return plain cell grids.

xlsx/xlsm/xls (and WPS files that are really one of those) and OpenDocument spreadsheets (.ods, as
LibreOffice saves them) are read with python-calamine. Before any
XML is parsed, a zip container is checked for decompression bombs (declared sizes and ratios) and its
XML parts for DOCTYPE/ENTITY declarations, which no genuine Excel or WPS file contains.
"""

from __future__ import annotations

import errno
import hashlib
import io
import itertools
import os
import re
import stat
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Iterator

from .pathnames import undecodable

MAX_FILE_BYTES = 200 * 1024 * 1024  # on disk
MAX_UNCOMPRESSED = 1024 * 1024 * 1024  # declared total of all parts
MAX_PART = 512 * 1024 * 1024  # declared size of one part
MAX_RATIO = 200  # declared / compressed, for parts above 10 MB
MAX_MEMBERS = 20000
MAX_TOTAL_RATIO = 100  # declared / compressed over the whole container, when above 64 MB declared
MAX_PROLOG = 1024 * 1024  # bytes of XML prolog (before the root element) we are willing to scan

EXTENSIONS = (".xlsx", ".xlsm", ".xls", ".et", ".xltx", ".xltm", ".ods")
ODS_MIME = b"application/vnd.oasis.opendocument.spreadsheet"


class ReadError(Exception):
    """A file that cannot be read. ``code`` is the rule (F001 unreadable, F006 refused for safety)."""

    def __init__(self, code: str, zh: str, en: str):
        super().__init__(en)
        self.code = code
        self.zh = zh
        self.en = en

    def reason(self, lang: str) -> str:
        return self.en if lang == "en" else self.zh


@dataclass(slots=True)
class SheetData:
    name: str
    rows: list[list[object]]  # row-major from A1; "" for an empty cell
    merged: list[tuple[int, int, int, int]] = field(default_factory=list)  # r1, c1, r2, c2 (0-based, inclusive)
    uncached_formulas: int = 0  # formula cells saved without a computed value (read as empty)
    hidden: bool = False  # hidden in Excel/WPS (the clerk who opens the file does not see it)
    # formula error cells (row, column, text) in the sheet's XML, which calamine reads as empty (xlsx,
    # read_workbook(error_cells=True)); None: not looked for (certctl.validate.errorcells)
    error_cells: list[tuple[int, int, str]] | None = None
    # rows hidden in Excel/WPS (hidden by hand or by a filter), 0-based: found with error_cells (xlsx)
    hidden_rows: frozenset[int] = frozenset()


@dataclass(slots=True)
class WorkbookData:
    path: str
    format: str  # xlsx | xls | ods
    sha256: str
    sheets: list[SheetData]
    mark: str | None = None  # certctl's own output: its kind (certctl.marks)


_FOREIGN = (  # magic bytes of files that land in a clerk's inbox under an Excel name
    (b"%PDF", "PDF 文档", "a PDF document"),
    (b"\x89PNG", "PNG 图片", "a PNG image"),
    (b"\xff\xd8\xff", "JPEG 图片（照片或扫描件）", "a JPEG image (photo or scan)"),
    (b"GIF8", "GIF 图片", "a GIF image"),
    (b"Rar!", "RAR 压缩包", "a RAR archive"),
    (b"7z\xbc\xaf\x27\x1c", "7z 压缩包", "a 7z archive"),
    (b"\x1f\x8b", "gzip 压缩包", "a gzip archive"),
    (b"{\\rtf", "RTF 文档", "an RTF document"),
)


def foreign_kind(head: bytes) -> tuple[str, str] | None:
    """(zh, en) description of a well-known non-spreadsheet format, from its magic bytes."""
    for magic, zh, en in _FOREIGN:
        if head.startswith(magic):
            return zh, en
    return None


def sniff(head: bytes) -> str:
    """Format from the first bytes: zip, ole, foreign (PDF, image, other archive), html, text, empty
    or binary."""
    if not head:
        return "empty"
    if foreign_kind(head):
        return "foreign"
    if head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06"):
        return "zip"
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return "ole"
    probe = head[:2048].lstrip(b"\xef\xbb\xbf\xff\xfe\xfe\xff \t\r\n").lower()
    if probe.startswith((b"<!doctype html", b"<html", b"<table", b"<?xml")) or b"<html" in probe[:512]:
        return "html"
    if b"\x00" not in head[:4096]:
        return "text"
    return "binary"


def file_hash(path: str | os.PathLike[str]) -> str:
    """SHA-256 of the file at ``path``. OSError when it is not a regular file: a FIFO named 附件1.xlsx
    would otherwise block the run for ever (nothing ever writes to it), as would some devices."""
    h = hashlib.sha256()
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    with os.fdopen(fd, "rb") as fh:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise OSError(errno.EINVAL, "不是普通文件（设备或管道） / not a regular file", os.fspath(path))
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def check_zip(path: str | os.PathLike[str] | io.BytesIO) -> str:
    """Refuse zip bombs and XML entity tricks without inflating more than a few KB of any part.
    ``path``: a file, or a workbook's bytes in a BytesIO. Returns the format: "xlsx" or "ods"."""
    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError, OSError) as e:
        raise ReadError("F001", f"文件不完整或已损坏（可能下载或拷贝时中断；{e}），请让报送单位重新发送",
                        f"the file is truncated or corrupt (an interrupted download or copy? {e}); ask for it again") from None
    with zf:
        infos = zf.infolist()
        if len(infos) > MAX_MEMBERS:
            raise ReadError("F006", f"包含 {len(infos)} 个部件，数量异常", f"{len(infos)} parts in the container")
        total = 0
        for info in infos:
            total += info.file_size
            if info.file_size > MAX_PART or (
                info.file_size > 10 * 1024 * 1024 and info.file_size > MAX_RATIO * max(info.compress_size, 1)
            ):
                raise ReadError(
                    "F006",
                    f"部件 {info.filename} 解压后声明为 {info.file_size:,} 字节（压缩后 {info.compress_size:,}），疑似压缩炸弹",
                    f"part {info.filename} declares {info.file_size:,} bytes from {info.compress_size:,}: a zip bomb",
                )
        packed = sum(i.compress_size for i in infos)
        if total > MAX_UNCOMPRESSED or (total > 64 * 1024 * 1024 and total > MAX_TOTAL_RATIO * max(packed, 1)):
            raise ReadError("F006", f"解压后总大小声明为 {total:,} 字节（压缩后 {packed:,}），疑似压缩炸弹",
                            f"declares {total:,} bytes uncompressed from {packed:,}: a zip bomb")
        names = {i.filename for i in infos}
        fmt = "ods" if _opendocument(zf, names) == "spreadsheet" else "xlsx"
        if fmt == "xlsx" and "xl/workbook.xml" not in names and "xl/workbook.bin" not in names:
            if "EncryptedPackage" in names:
                raise ReadError("F001", "文件已加密（设置了打开密码）", "the workbook is password-protected")
            if _opendocument(zf, names):
                raise ReadError("F001", "这是 OpenDocument 文本或演示文稿（.odt/.odp），不是表格",
                                "an OpenDocument text or presentation (.odt/.odp), not a spreadsheet")
            raise ReadError("F001", "是压缩包但不是 Excel 工作簿（可能是 Word 文档或其他文件）",
                            "a zip file that is not an Excel workbook (a Word document or other file?)")
        if "xl/workbook.bin" in names:
            raise ReadError("F001", "是 .xlsb 二进制工作簿，请另存为 .xlsx", "an .xlsb binary workbook; save it as .xlsx")
        for info in infos:
            if info.is_dir() or info.file_size == 0:
                continue
            try:
                with zf.open(info) as fh:
                    bad = _prolog_declares_dtd(fh, info.filename.lower().endswith((".xml", ".rels", ".vml")))
            except ReadError:
                raise
            except Exception as e:  # bad CRC, unsupported compression, truncated data…
                raise ReadError("F001", f"部件 {info.filename} 无法解压，文件已损坏（{_short(e)}）",
                                f"part {info.filename} cannot be inflated: the file is corrupt ({_short(e)})") from None
            if bad:
                raise ReadError("F006", f"部件 {info.filename} 含有 XML 实体/DOCTYPE 声明（XXE 或实体膨胀攻击）",
                                f"part {info.filename} declares a DOCTYPE/ENTITY (XXE or billion laughs)")
    return fmt


def _opendocument(zf: zipfile.ZipFile, names: set[str]) -> str:
    """The OpenDocument kind a zip is ("spreadsheet", "text" …) from its ``mimetype`` part, or ""."""
    if "mimetype" not in names or zf.getinfo("mimetype").file_size > 200:
        return ""
    try:
        mime = zf.read("mimetype").strip()
    except Exception:
        return ""
    prefix = b"application/vnd.oasis.opendocument."
    return mime[len(prefix):].decode("ascii", "replace") if mime.startswith(prefix) else ""


def _prolog_declares_dtd(fh, is_xml: bool) -> bool:
    """Scan an XML part's prolog (everything before the root element) for <!DOCTYPE or <!ENTITY.
    Entities can only be declared there, so the rest of the part need not be read. Parts that do not
    start like XML (images, vbaProject.bin) are skipped unless their name says XML. UTF-16 parts are
    decoded first. A prolog longer than MAX_PROLOG is refused: no genuine file has one."""
    import codecs

    head = fh.read(4096)
    if not head:
        return False
    if head.startswith((b"\xff\xfe", b"\xfe\xff")) or (len(head) > 1 and (head[0] == 0 or head[1] == 0)):
        enc = "utf-16" if head.startswith((b"\xff\xfe", b"\xfe\xff")) else ("utf-16-be" if head[0] == 0 else "utf-16-le")
    else:
        enc = "utf-8"
    dec = codecs.getincrementaldecoder(enc)(errors="replace")
    text = dec.decode(head)
    if not is_xml and not text.lstrip("\ufeff \t\r\n").startswith("<"):
        return False
    seen = len(head)
    while True:
        i = 0
        t = text
        # skip the prolog: BOM, whitespace, <?…?>, <!--…-->
        while True:
            while i < len(t) and t[i] in "\ufeff \t\r\n":
                i += 1
            if t.startswith("<?", i):
                j, end = t.find("?>", i + 2), 2
            elif t.startswith("<!--", i):
                j, end = t.find("-->", i + 4), 3
            else:
                break
            if j < 0:
                i = -1
                break
            i = j + end
        if i >= 0 and i < len(t) - 9:
            probe = t[i:i + 9].upper()
            return probe.startswith(("<!DOCTYPE", "<!ENTITY", "<!ELEMENT", "<!ATTLIST"))
        chunk = fh.read(65536)
        if not chunk:
            probe = t[i:].upper() if i >= 0 else ""
            return "<!DOCTYPE" in probe or "<!ENTITY" in probe
        seen += len(chunk)
        if seen > MAX_PROLOG:
            raise ReadError("F006", "XML 部件开头的声明部分异常冗长，拒绝读取", "an XML part has an abnormally long prolog")
        text += dec.decode(chunk)


def _ole_streams(path: str | os.PathLike[str] | bytes) -> set[str]:
    """Names of the well-known streams of an OLE2 compound file (directory entries are UTF-16LE;
    a cheap scan of the first 2 MB, enough for the directory of any genuine file of this kind).
    ``path``: a file, or its bytes."""
    if isinstance(path, bytes):
        data = path[:2 * 1024 * 1024]
    else:
        with open(path, "rb") as fh:
            data = fh.read(2 * 1024 * 1024)
    found = set()
    for name in ("EncryptedPackage", "EncryptionInfo", "Workbook", "Book", "WordDocument", "PowerPoint Document"):
        if (name + "\x00").encode("utf-16-le") in data:
            found.add(name)
    return found


def _ole_encrypted(path: str | os.PathLike[str]) -> bool:
    return "EncryptedPackage" in _ole_streams(path)


# a formula with no value after it: nothing, or an empty value element as openpyxl writes it (<v />, <v></v>)
_UNCACHED_RE = re.compile(rb"(?:</(?:\w+:)?f>|<(?:\w+:)?f\b[^>]*/>)\s*"
                          rb"(?:<(?:\w+:)?v\s*/>|<(?:\w+:)?v\s*>\s*</(?:\w+:)?v>)?\s*</(?:\w+:)?c>")


UNCACHED_SCAN = 1 << 20  # bytes of each worksheet part scanned for formulas without values


def _uncached_formulas(zf: zipfile.ZipFile, part: str, limit: int = UNCACHED_SCAN) -> tuple[int, int]:
    """(formula cells saved without a value, rows holding two or more of them) in the first ``limit``
    bytes of a worksheet part (the header and first rows: enough to tell, and cheap on big files).
    Such files come from programs, never from Excel or WPS."""
    try:
        with zf.open(part) as fh:
            return _uncached_in(fh.read(limit))
    except Exception:
        return 0, 0


def _uncached_in(head: bytes) -> tuple[int, int]:
    """_uncached_formulas of the head of a worksheet part, already inflated."""
    n = rows = 0
    if not _f_element(head):
        return n, rows
    last_row_start = -1
    per_row = 0
    for m in _UNCACHED_RE.finditer(head):
        n += 1
        rs = max(head.rfind(b"<row", 0, m.start()), head.rfind(b":row", 0, m.start()))
        if rs != last_row_start or rs < 0:
            last_row_start, per_row = rs, 0
        per_row += 1
        if per_row == 2:
            rows += 1
    return n, rows


def _f_element(xml: bytes) -> bool:
    """Whether ``xml`` may hold a formula element (``<f``, ``<x:f``)."""
    return b"<f" in xml or b":f" in xml


def _scan_part(zf: zipfile.ZipFile, part: str) -> tuple[int, int, list[tuple[int, int, str]] | None, frozenset[int]]:
    """A worksheet part inflated once: _uncached_formulas of its head, its formula error cells (None
    when the part could not be read to its end, or is refused: errorcells reads it again) and its
    hidden rows."""
    from .validate.errorcells import SLICE, cells_in_slices

    try:
        fh = zf.open(part)
    except Exception:
        return 0, 0, None, frozenset()
    with fh:
        try:
            head = fh.read(UNCACHED_SCAN)
        except Exception:
            return 0, 0, None, frozenset()
        n, rows = _uncached_in(head)
        if n >= 3 and rows >= 1:
            return n, rows, None, frozenset()
        hidden: set[int] = set()
        try:
            slices = hidden_rows_in(itertools.chain([head], iter(lambda: fh.read(SLICE), b"")), hidden)
            return n, rows, list(cells_in_slices(slices)), frozenset(hidden)
        except Exception:
            return n, rows, None, frozenset(hidden)


_HIDDEN_ROW = re.compile(rb'<(?:\w+:)?row\b[^>]*?\bhidden="(?:1|true)"[^>]*>')


def hidden_rows_in(slices: Iterable[bytes], found: set[int]) -> Iterator[bytes]:
    """The slices of a worksheet part's XML passed on unchanged; the 0-based numbers of its hidden rows
    (``<row r="5" hidden="1">``: hidden by hand or by a filter) added to ``found`` on the way. A row
    tag cut between two slices is found whole with the last 256 bytes of the slice before."""
    tail = b""
    for chunk in slices:
        xml = tail + chunk
        if b"hidden=" in xml:
            for m in _HIDDEN_ROW.finditer(xml):
                r = re.search(rb'\br="(\d+)"', m.group(0))
                if r:
                    found.add(int(r.group(1)) - 1)
        tail = chunk[-256:]
        yield chunk


def sheet_parts(zf: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name -> worksheet part, from workbook.xml and its relationships."""
    import html

    names = set(zf.namelist())
    try:
        wbxml = zf.read("xl/workbook.xml")
        rels = zf.read("xl/_rels/workbook.xml.rels") if "xl/_rels/workbook.xml.rels" in names else b""
    except Exception:
        return {}
    targets: dict[bytes, str] = {}
    for m in re.finditer(rb"<(?:\w+:)?Relationship\b[^>]*>", rels):
        i = re.search(rb'\bId="([^"]+)"', m.group(0))
        t = re.search(rb'\bTarget="([^"]+)"', m.group(0))
        if i and t:
            tgt = t.group(1).decode("utf-8", "replace")
            tgt = tgt.lstrip("/") if tgt.startswith("/") else "xl/" + tgt
            targets[i.group(1)] = tgt
    out = {}
    for m in re.finditer(rb"<(?:\w+:)?sheet\b[^>]*>", wbxml):
        nm = re.search(rb'\bname="([^"]*)"', m.group(0))
        rid = re.search(rb'\br:id="([^"]+)"', m.group(0)) or re.search(rb'\bid="([^"]+)"', m.group(0))
        if nm and rid and targets.get(rid.group(1)) in names:
            out[html.unescape(nm.group(1).decode("utf-8", "replace"))] = targets[rid.group(1)]
    return out


def _hidden_sheets(wb: Any) -> set[str]:
    """Names of the sheets hidden (or very hidden) in the workbook; empty when the format does not say."""
    from python_calamine import SheetVisibleEnum

    try:
        return {m.name for m in wb.sheets_metadata if m.visible != SheetVisibleEnum.Visible}
    except Exception:  # a format or file that does not say: every sheet counts as shown
        return set()


def read_workbook(path: str | os.PathLike[str], data: bytes | None = None, *,
                  error_cells: bool = False) -> WorkbookData:
    """Read every sheet of a workbook into cell grids. Raises ReadError with a clear reason.

    ``data``: the file's bytes, when the caller has already read them (certctl.workspace.validate_once
    hashes exactly what is validated): the file is then not opened at all, ``path`` only names it.
    ``error_cells``: an xlsx sheet's XML, whose head is looked at for formulas without values, is read
    whole, once, for its formula error cells too (SheetData.error_cells; certctl.validate.errorcells)."""
    p = Path(path)
    if data is None:
        size, head = size_and_head(p)
    else:
        size, head = len(data), data[:8192]
    if size > MAX_FILE_BYTES:
        raise ReadError("F006", f"文件大小 {size:,} 字节，超过上限", f"file is {size:,} bytes, over the limit")
    fmt = workbook_format(p, data, head)
    digest = file_hash(p) if data is None else hashlib.sha256(data).hexdigest()
    fitted = None
    if fmt == "xlsx":  # cells far outside the table: certctl.sheet_extent
        from .sheet_extent import fit_to_values

        fitted = fit_to_values(p if data is None else io.BytesIO(data))
    sheets = _read_sheets(open_calamine(p, data if fitted is None else fitted, fmt))
    mark = None
    if fmt == "ods":  # calamine gives no merged ranges for .ods: read them from content.xml
        for sh in sheets:
            sh.merged = sh.merged or []
        _ods_merged(p if data is None else io.BytesIO(data), sheets)
    if fmt == "xlsx":
        _check_uncached(p if data is None else io.BytesIO(data), sheets, error_cells)
        mark = _certctl_mark(p if data is None else io.BytesIO(data), sheets)
    return WorkbookData(str(p), fmt, digest, sheets, mark)


def workbook_format(p: Path, data: bytes | None, head: bytes) -> str:
    """xlsx, ods or xls, told by content (a zip checked for bombs and entities, an OLE file for its
    streams); anything else, encrypted or empty is refused with the reason (ReadError)."""
    kind = sniff(head)
    if kind == "foreign":
        zh, en = foreign_kind(head) or ("其他格式", "another format")
        raise ReadError("F001", f"这是{zh}，不是 Excel 工作簿；请报送 .xlsx 表格",
                        f"this is {en}, not an Excel workbook; send the .xlsx form")
    if kind == "empty":
        raise ReadError("F001", "文件是空的（0 字节）", "the file is empty (0 bytes)")
    if kind == "html":
        raise ReadError("F001", "这是网页（HTML）文件，只是扩展名为 Excel；请在 Excel/WPS 中打开后另存为 .xlsx",
                        "an HTML page with an Excel extension; open it in Excel/WPS and save as .xlsx")
    if kind == "text":
        raise ReadError("F001", "这是文本/CSV 文件，不是 Excel 工作簿；请在 Excel/WPS 中打开后另存为 .xlsx",
                        "a text/CSV file, not an Excel workbook; open it in Excel/WPS and save as .xlsx")
    if kind == "binary":
        raise ReadError("F001", "不是 Excel 文件（无法识别的文件格式）", "not an Excel file (unknown format)")
    if kind == "zip":
        return check_zip(p if data is None else io.BytesIO(data))
    streams = _ole_streams(p if data is None else data)
    if "EncryptedPackage" in streams or "EncryptionInfo" in streams:
        raise ReadError("F001", "文件已加密（设置了打开密码），请让报送单位取消密码后重新报送",
                        "the workbook is password-protected; ask the unit to remove the password")
    if "WordDocument" in streams:
        raise ReadError("F001", "这是 Word 文档（.doc），不是 Excel 工作簿", "a Word document (.doc), not an Excel workbook")
    if "PowerPoint Document" in streams:
        raise ReadError("F001", "这是 PowerPoint 文档，不是 Excel 工作簿", "a PowerPoint file, not an Excel workbook")
    if not ({"Workbook", "Book"} & streams):
        raise ReadError("F001", "是 Office 复合文档但不是 Excel 工作簿", "an Office compound file but not an Excel workbook")
    return "xls"


def open_calamine(p: Path, data: bytes | None, fmt: str) -> Any:
    """The workbook opened by python-calamine — by content, not by name: an .xls that is really xlsx, a
    WPS .et, an .xlsx that is really .xls all read fine. from_path trusts the extension, so it is used
    only when they agree."""
    try:
        from python_calamine import CalamineWorkbook

        ext = p.suffix.lower()
        if data is not None:
            return CalamineWorkbook.from_filelike(io.BytesIO(data))
        if ((fmt == "xlsx" and ext in (".xlsx", ".xlsm", ".xltx", ".xltm")) or (fmt == "xls" and ext == ".xls")) \
                and not undecodable(p):  # calamine cannot open a name in GBK bytes: Python opens it
            return CalamineWorkbook.from_path(str(p))
        with open(p, "rb") as fh:
            return CalamineWorkbook.from_filelike(fh)
    except Exception as e:  # calamine raises its own error types for broken content
        raise _calamine_error(e, None) from None


def _read_sheets(wb: Any) -> list[SheetData]:
    """Every sheet's cells, merged ranges and visibility; the workbook closed after."""
    sheets: list[SheetData] = []
    hidden = _hidden_sheets(wb)
    try:
        for name in wb.sheet_names:
            try:
                ws = wb.get_sheet_by_name(name)
                rows = ws.to_python(skip_empty_area=False)
            except Exception as e:
                raise _calamine_error(e, name) from None
            merged: list[tuple[int, int, int, int]] = []
            try:
                for (r1, c1), (r2, c2) in ws.merged_cell_ranges or []:
                    merged.append((r1, c1, r2, c2))
            except Exception:
                merged = []
            sheets.append(SheetData(name, rows, merged, hidden=name in hidden))
    finally:
        try:
            wb.close()
        except Exception:
            pass
    return sheets


def _ods_merged(src: Path | io.BytesIO, sheets: list[SheetData]) -> None:
    """Add each .ods sheet's merged ranges (cells with number-rows/columns-spanned in content.xml,
    already checked for entities by check_zip) to its SheetData. Best effort: nothing on failure."""
    import xml.etree.ElementTree as ET

    t = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
    by_name = {s.name: s for s in sheets}
    try:
        with zipfile.ZipFile(src) as zf, zf.open("content.xml") as fh:
            sheet, r, c = None, 0, 0
            for ev, el in ET.iterparse(fh, events=("start", "end")):
                tag = el.tag
                if ev == "start":
                    if tag == t + "table":
                        sheet, r = by_name.get(el.get(t + "name") or ""), 0
                    elif tag == t + "table-row":
                        c = 0
                    elif tag in (t + "table-cell", t + "covered-table-cell"):
                        rs, cs = int(el.get(t + "number-rows-spanned", 1)), int(el.get(t + "number-columns-spanned", 1))
                        if sheet is not None and tag == t + "table-cell" and (rs > 1 or cs > 1):
                            sheet.merged.append((r, c, r + rs - 1, c + cs - 1))
                        c += int(el.get(t + "number-columns-repeated", 1))
                elif tag == t + "table-row":
                    r += int(el.get(t + "number-rows-repeated", 1))
                    el.clear()
    except Exception:  # best effort: the cells themselves were read
        return


def _certctl_mark(p: Path | io.BytesIO, sheets: list[SheetData]) -> str | None:
    """The kind of certctl output the workbook is (its mark, or a ledger's sheets), or None."""
    from .marks import mark_in

    names = {s.name for s in sheets}
    if {"证件台账", "来源文件", "问题清单"} <= names:
        return "ledger"
    try:
        with zipfile.ZipFile(p) as zf:
            info = zf.getinfo("xl/workbook.xml")
            if info.file_size > 4 << 20:
                return None
            return mark_in(zf.read(info))
    except (KeyError, zipfile.BadZipFile, OSError, ValueError):
        return None


def size_and_head(p: Path) -> tuple[int, bytes]:
    """The size of the file and its first 8 KB; ReadError for anything that is not a readable file."""
    try:
        st = p.stat()
        if stat.S_ISDIR(st.st_mode):
            raise IsADirectoryError(str(p))
        if not stat.S_ISREG(st.st_mode):  # a FIFO or device would block or never end
            raise ReadError("F001", "不是普通文件（设备或管道）", "not a regular file (a device or pipe)")
        with open(p, "rb") as fh:
            return st.st_size, fh.read(8192)
    except FileNotFoundError:
        raise ReadError("F001", "文件不存在", "no such file") from None
    except IsADirectoryError:
        raise ReadError("F001", "这是一个文件夹，不是表格文件（名字像文件而已）",
                        "it is a folder, not a spreadsheet (only its name looks like a file)") from None
    except PermissionError:
        raise ReadError("F001", "没有读取权限", "permission denied") from None
    except OSError as e:
        from .oserror import why

        raise ReadError("F001", f"读取失败（{why(e)}）", f"read failed ({e.strerror})") from None


def _check_uncached(p: Path | io.BytesIO, sheets: list[SheetData], error_cells: bool = False) -> None:
    """A workbook written by a program (not Excel/WPS) may hold formulas without computed values:
    they read as empty cells, and a form whose data are such formulas would look empty. Refuse it
    with a clear reason rather than report "no data" or "required cell empty" for every cell.
    ``error_cells``: each sheet's formula error cells found in the same reading of its XML."""
    try:
        with zipfile.ZipFile(p) as zf:
            parts = sheet_parts(zf)
            for sh in sheets:
                part = parts.get(sh.name)
                if part is None:
                    sh.error_cells = [] if error_cells else None  # nothing to restore (errorcells: the same)
                    continue
                if error_cells:
                    n, rows, sh.error_cells, sh.hidden_rows = _scan_part(zf, part)
                else:
                    n, rows = _uncached_formulas(zf, part)
                sh.uncached_formulas = n
                if n >= 3 and rows >= 1:
                    raise ReadError(
                        "F001",
                        f"工作表“{sh.name}”有{'至少' if zf.getinfo(part).file_size > UNCACHED_SCAN else ''} {n} 个公式单元格没有保存计算结果（文件由程序生成，未在 Excel/WPS 中保存过），"
                        "内容无法读取；请在 Excel 或 WPS 中打开后保存，再重新报送",
                        f"sheet '{sh.name}' has {n} formula cells saved without their values (written by a program, "
                        "never saved in Excel/WPS); open it in Excel or WPS, save, and send it again")
    except ReadError:
        raise
    except Exception:  # best effort: the workbook itself was already read
        return


def _calamine_error(e: Exception, sheet: str | None) -> ReadError:
    """A calamine failure as a clerk-readable ReadError."""
    msg = _short(e)
    low = msg.lower()
    where_zh = f"工作表“{sheet}”" if sheet else "工作簿"
    where_en = f"sheet '{sheet}'" if sheet else "the workbook"
    if "larger than its declared" in low:
        return ReadError("F006", f"{where_zh}的数据比声明的大小更大，疑似压缩炸弹", f"{where_en} inflates beyond its declared size: a zip bomb")
    if "checksum" in low or "crc" in low:
        return ReadError("F001", f"{where_zh}的数据校验失败，文件已损坏（{msg}），请让报送单位重新发送",
                         f"{where_en} fails its checksum: the file is corrupt ({msg}); ask for it again")
    if "entity" in low or "doctype" in low:
        return ReadError("F006", f"{where_zh}含有 XML 实体（{msg}），出于安全考虑拒绝读取", f"{where_en} uses XML entities ({msg})")
    if sheet and msg.strip() == sheet:
        return ReadError("F001", f"{where_zh}的数据部件缺失，文件不完整", f"{where_en} has no data part: the file is incomplete")
    if "workbook stream" in low:
        return ReadError("F001", "是 Office 复合文档但不是 Excel 工作簿", "an Office compound file but not an Excel workbook")
    return ReadError("F001", f"无法解析{where_zh}内容，文件可能已损坏（{msg}）", f"cannot parse {where_en}: the file may be corrupt ({msg})")


def _short(e: Exception) -> str:
    s = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
    return s[:160]
