"""Reading workbooks safely: tell the format by content, refuse hostile files, return plain cell grids.

xlsx/xlsm/xls (and WPS files that are really one of those) are read with python-calamine. Before any
XML is parsed, a zip container is checked for decompression bombs (declared sizes and ratios) and its
XML parts for DOCTYPE/ENTITY declarations, which no genuine Excel or WPS file contains.
"""

from __future__ import annotations

import hashlib
import os
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

MAX_FILE_BYTES = 200 * 1024 * 1024  # on disk
MAX_UNCOMPRESSED = 1024 * 1024 * 1024  # declared total of all parts
MAX_PART = 512 * 1024 * 1024  # declared size of one part
MAX_RATIO = 200  # declared / compressed, for parts above 10 MB
MAX_MEMBERS = 20000

EXTENSIONS = (".xlsx", ".xlsm", ".xls", ".et", ".xltx", ".xltm")


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


@dataclass(slots=True)
class WorkbookData:
    path: str
    format: str  # xlsx | xls
    sha256: str
    sheets: list[SheetData]


def sniff(head: bytes) -> str:
    """Format from the first bytes: zip, ole, html, text, empty or binary."""
    if not head:
        return "empty"
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
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def check_zip(path: str | os.PathLike[str]) -> None:
    """Refuse zip bombs and XML entity tricks without inflating more than a few KB of any part."""
    try:
        zf = zipfile.ZipFile(path)
    except zipfile.BadZipFile as e:
        raise ReadError("F001", f"压缩包已损坏或不完整（{e}）", f"corrupt or truncated zip container ({e})") from None
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
        if total > MAX_UNCOMPRESSED:
            raise ReadError("F006", f"解压后总大小声明为 {total:,} 字节，疑似压缩炸弹",
                            f"declares {total:,} bytes uncompressed: a zip bomb")
        names = {i.filename for i in infos}
        if "xl/workbook.xml" not in names and "xl/workbook.bin" not in names:
            if "EncryptedPackage" in names:
                raise ReadError("F001", "文件已加密（设置了打开密码）", "the workbook is password-protected")
            raise ReadError("F001", "是压缩包但不是 Excel 工作簿（可能是 Word 文档或其他文件）",
                            "a zip file that is not an Excel workbook (a Word document or other file?)")
        if "xl/workbook.bin" in names:
            raise ReadError("F001", "是 .xlsb 二进制工作簿，请另存为 .xlsx", "an .xlsb binary workbook; save it as .xlsx")
        for info in infos:
            if not info.filename.endswith((".xml", ".rels", ".vml")):
                continue
            try:
                with zf.open(info) as fh:
                    head = fh.read(4096)
            except Exception as e:  # bad CRC, unsupported compression…
                raise ReadError("F001", f"部件 {info.filename} 无法解压（{e}）", f"part {info.filename} cannot be inflated ({e})") from None
            low = head.lower()
            if b"<!doctype" in low or b"<!entity" in low:
                raise ReadError("F006", f"部件 {info.filename} 含有 XML 实体/DOCTYPE 声明（XXE 或实体膨胀攻击）",
                                f"part {info.filename} declares a DOCTYPE/ENTITY (XXE or billion laughs)")


def _ole_encrypted(path: str | os.PathLike[str]) -> bool:
    needle = "EncryptedPackage".encode("utf-16-le")
    with open(path, "rb") as fh:
        data = fh.read(2 * 1024 * 1024)
    return needle in data


def read_workbook(path: str | os.PathLike[str]) -> WorkbookData:
    """Read every sheet of a workbook into cell grids. Raises ReadError with a clear reason."""
    p = Path(path)
    try:
        size = p.stat().st_size
        with open(p, "rb") as fh:
            head = fh.read(8192)
    except FileNotFoundError:
        raise ReadError("F001", "文件不存在", "no such file") from None
    except IsADirectoryError:
        raise ReadError("F001", "这是一个文件夹", "it is a directory") from None
    except PermissionError:
        raise ReadError("F001", "没有读取权限", "permission denied") from None
    except OSError as e:
        raise ReadError("F001", f"读取失败（{e.strerror}）", f"read failed ({e.strerror})") from None
    if size > MAX_FILE_BYTES:
        raise ReadError("F006", f"文件大小 {size:,} 字节，超过上限", f"file is {size:,} bytes, over the limit")
    kind = sniff(head)
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
        check_zip(p)
        fmt = "xlsx"
    else:
        if _ole_encrypted(p):
            raise ReadError("F001", "文件已加密（设置了打开密码）", "the workbook is password-protected")
        fmt = "xls"
    digest = file_hash(p)
    try:
        from python_calamine import CalamineWorkbook

        wb = CalamineWorkbook.from_path(str(p))
    except Exception as e:  # calamine raises its own error types for broken content
        raise ReadError("F001", f"无法解析工作簿内容（{_short(e)}）", f"cannot parse the workbook ({_short(e)})") from None
    sheets: list[SheetData] = []
    try:
        for name in wb.sheet_names:
            try:
                ws = wb.get_sheet_by_name(name)
                rows = ws.to_python(skip_empty_area=False)
            except Exception as e:
                raise ReadError("F001", f"工作表“{name}”无法读取（{_short(e)}）", f"sheet '{name}' cannot be read ({_short(e)})") from None
            merged: list[tuple[int, int, int, int]] = []
            try:
                for (r1, c1), (r2, c2) in ws.merged_cell_ranges or []:
                    merged.append((r1, c1, r2, c2))
            except Exception:
                merged = []
            sheets.append(SheetData(name, rows, merged))
    finally:
        try:
            wb.close()
        except Exception:
            pass
    return WorkbookData(str(p), fmt, digest, sheets)


def _short(e: Exception) -> str:
    s = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
    return s[:160]


def iter_form_files(paths: list[str | os.PathLike[str]]) -> list[Path]:
    """Expand files and directories (recursively) into the spreadsheet files to read, sorted.
    Office lock files (~$name.xlsx) and hidden files are skipped."""
    out: list[Path] = []
    for raw in paths:
        p = Path(raw)
        if p.is_dir():
            for f in sorted(p.rglob("*")):
                if f.is_file() and f.suffix.lower() in EXTENSIONS and not f.name.startswith(("~$", ".")):
                    out.append(f)
        else:
            out.append(p)
    return out
