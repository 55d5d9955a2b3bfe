"""Cells far outside a form's table, before python-calamine lays the sheet out.

python-calamine reads a sheet into one dense grid from A1 to its farthest cell holding a value. A
space typed by accident into XFD1048576 (Ctrl+↓, Ctrl+→, a key pressed) asks it for 17 billion cells:
the process is killed outright, with every other form of the run. One in Z1048576 costs 27 million
cells (over a GB), one in XFD20 two seconds of work on 16,384-column rows. So, before calamine, a sheet
whose declared used range (its ``<dimension>``, in the first bytes of its XML) holds far more cells
than its XML could describe has its XML read once for where its values really are:

- blank cells (a space, an empty text, a style only) far out are left out of what calamine is given —
  an in-memory copy; the submitted file is never written. They are empty to certctl anyway;
- a sheet whose cells holding a value span more than MAX_AREA is refused (F001), naming the far cells
  for the unit to delete.

Every other workbook (the usual case) costs opening the zip and reading 4 KB of each sheet.
"""

from __future__ import annotations

import html
import io
import re
import zipfile
from pathlib import Path
from typing import Iterator

from .normalize import clean_text
from .reader import ReadError, sheet_parts

#: Cells (rows × columns, from A1) a sheet's values may span: a full-height sheet of 16 columns. No form
#: comes near it; calamine's grid of that size takes about 800 MB.
MAX_AREA = 1 << 24
#: A sheet declaring more cells than this, and more than a quarter of its XML's bytes (a cell takes 15
#: bytes or more: most of what it declares must be empty), is looked at for blank cells far out.
TRIM_AREA = 1 << 16
#: A sheet without a declared used range is looked at when its XML is no bigger than this.
UNDECLARED_LOOK = 2 << 20

_DIMENSION = re.compile(rb'<(?:\w+:)?dimension\b[^>]*?\bref="([^"]*)"')
_LAST_REF = re.compile(rb"\$?([A-Z]{1,3})\$?(\d+)")
_ROW_EL = re.compile(rb"<(?:\w+:)?row\b([^>]*?)(?:/>|>(.*?)</(?:\w+:)?row>)", re.S)
_CELL_EL = re.compile(rb"<(?:\w+:)?c\b([^>]*?)(?:/>|>(.*?)</(?:\w+:)?c>)", re.S)
_ROW_NUM = re.compile(rb'\br="(\d+)"')
_CELL_REF = re.compile(rb'\br="\$?([A-Z]{1,3})\$?(\d+)"')
_CELL_TYPE = re.compile(rb'\bt="(\w+)"')
_SI_EL = re.compile(rb"<(?:\w+:)?si\b[^>]*?(?:/>|>(.*?)</(?:\w+:)?si>)", re.S)
_TEXT_EL = re.compile(rb"<(?:\w+:)?t\b[^>]*?(?:/>|>([^<]*)</(?:\w+:)?t>)")
_PHONETIC = re.compile(rb"<(?:\w+:)?rPh\b.*?</(?:\w+:)?rPh>", re.S)
_V_EL = re.compile(rb"<(?:\w+:)?v\b[^>]*>([^<]*)</(?:\w+:)?v>")
_FORMULA = re.compile(rb"<(?:\w+:)?f\b")


def column_number(letters: bytes) -> int:
    """b"A" -> 1, b"XFD" -> 16384."""
    n = 0
    for ch in letters:
        n = n * 26 + (ch - 64)
    return n


def column_letters(n: int) -> str:
    """1 -> "A", 16384 -> "XFD"."""
    s = ""
    while n:
        n, r = divmod(n - 1, 26)
        s = chr(65 + r) + s
    return s


def declared_area(head: bytes) -> int | None:
    """Rows × columns of a worksheet's declared used range (its <dimension>); None when it has none."""
    m = _DIMENSION.search(head)
    last = m and _LAST_REF.fullmatch(m.group(1).split(b":")[-1].strip())
    return column_number(last.group(1)) * int(last.group(2)) if last else None


def _text(raw: bytes) -> str:
    return clean_text(html.unescape(raw.decode("utf-8", "replace")))


def _runs(xml: bytes) -> bytes:
    return b"".join(t.group(1) or b"" for t in _TEXT_EL.finditer(_PHONETIC.sub(b"", xml)))


def blank_strings(zf: zipfile.ZipFile) -> set[int]:
    """Indices of the shared strings holding only spaces or nothing (a space typed into a cell)."""
    part = {n.lower(): n for n in zf.namelist()}.get("xl/sharedstrings.xml")
    if part is None:
        return set()
    return {i for i, m in enumerate(_SI_EL.finditer(zf.read(part))) if not _text(_runs(m.group(1) or b""))}


def holds_value(attrs: bytes, body: bytes | None, blank: set[int]) -> bool:
    """Whether a cell element holds more than spaces: style-only and blank cells do not; a formula does."""
    if not body:
        return False
    if _FORMULA.search(body):
        return True
    kind = _CELL_TYPE.search(attrs)
    kind_s = kind.group(1) if kind else b"n"
    if kind_s == b"inlineStr":
        return bool(_text(_runs(body)))
    v = _V_EL.search(body)
    if v is None:
        return False
    if kind_s == b"s":
        index = v.group(1).strip()
        return not index.isdigit() or int(index) not in blank
    return bool(_text(v.group(1)))


Cells = list[tuple[re.Match[bytes], int]]


def rows_of(xml: bytes, last: list[int]) -> Iterator[tuple[re.Match[bytes], int, Cells]]:
    """Each row element of a slice of sheet XML (cut after a row's end) with its 1-based number and its
    cell elements with their 1-based columns; a row or cell without a reference follows the one before
    (``last``: the number of the row before, carried from slice to slice)."""
    for row in _ROW_EL.finditer(xml):
        num = _ROW_NUM.search(row.group(1))
        last[0] = int(num.group(1)) if num else last[0] + 1
        cells, col = [], 0
        for cell in _CELL_EL.finditer(row.group(2) or b""):
            ref = _CELL_REF.search(cell.group(1))
            col = column_number(ref.group(1)) if ref else col + 1
            cells.append((cell, col))
        yield row, last[0], cells


def row_slices(zf: zipfile.ZipFile, part: str) -> Iterator[bytes]:
    """A worksheet part's XML a slice at a time, each cut just after a row's end tag."""
    from .validate.errorcells import SLICE, _after_last_row

    carry = b""
    with zf.open(part) as fh:
        for chunk in iter(lambda: fh.read(SLICE), b""):
            xml = carry + chunk
            end = _after_last_row(xml)
            yield xml[:end]
            carry = xml[end:]
    yield carry


def value_extent(zf: zipfile.ZipFile, part: str, blank: set[int]) -> tuple[int, int, int, list[str]]:
    """(last row, last column) of the cells holding a value, the area (rows × columns) spanned by the
    cells holding anything at all, and the farthest cells holding a value (by row, by column)."""
    rows = cols = anything = 0
    far_row = far_col = ""
    last = [0]
    for xml in row_slices(zf, part):
        for _row, r, cells in rows_of(xml, last):
            for cell, c in cells:
                if cell.group(2):
                    anything = max(anything, r * c)
                if not holds_value(cell.group(1), cell.group(2), blank):
                    continue
                if r > rows:
                    rows, far_row = r, f"{column_letters(c)}{r}"
                if c > cols:
                    cols, far_col = c, f"{column_letters(c)}{r}"
    return rows, cols, anything, list(dict.fromkeys(ref for ref in (far_col, far_row) if ref))


def trimmed_part(zf: zipfile.ZipFile, part: str, rows: int, cols: int) -> Iterator[bytes]:
    """A worksheet part's XML without its cells beyond row ``rows`` or column ``cols`` (blank ones:
    the cells holding a value all lie inside)."""
    last = [0]
    for xml in row_slices(zf, part):
        out, at = [], 0
        for row, r, cells in rows_of(xml, last):
            out.append(xml[at:row.start()])
            at = row.end()
            if r > rows:
                continue
            inner = row.start(2) if row.group(2) is not None else row.end()
            out.append(xml[row.start():inner])
            for cell, c in cells:
                out.append(xml[inner:row.start(2) + cell.start()])
                inner = row.start(2) + cell.end()
                if c <= cols:
                    out.append(cell.group(0))
            out.append(xml[inner:row.end()])
        out.append(xml[at:])
        yield b"".join(out)


def fit_to_values(src: Path | io.BytesIO) -> bytes | None:
    """The workbook's bytes without the blank cells lying far outside its tables, when some sheet's
    cells would otherwise span more than MAX_AREA; None when none does. ReadError (F001) for a sheet
    whose cells holding a value span more than MAX_AREA. Best effort otherwise: None on a part that
    cannot be read (the reader says what is wrong with it)."""
    try:
        with zipfile.ZipFile(src) as zf:
            wide = {name: part for name, part in sheet_parts(zf).items() if _sparse(zf, part)}
            if not wide:
                return None
            blank = blank_strings(zf)
            trim = {}
            for name, part in wide.items():
                rows, cols, anything, far = value_extent(zf, part, blank)
                if rows * cols > MAX_AREA:
                    raise too_far(name, rows, cols, far)
                if anything > max(TRIM_AREA, rows * cols):
                    trim[part] = (rows, cols)
            return rewritten(zf, trim) if trim else None
    except ReadError:
        raise
    except Exception:
        return None


def _sparse(zf: zipfile.ZipFile, part: str) -> bool:
    """Whether a worksheet part declares far more cells than its XML could hold (or declares none and
    is small enough to look at): cells far outside its table, most likely."""
    size = zf.getinfo(part).file_size
    with zf.open(part) as fh:
        area = declared_area(fh.read(4096))
    if area is None:
        return size <= UNDECLARED_LOOK
    return area > TRIM_AREA and area > size // 4


def rewritten(zf: zipfile.ZipFile, trim: dict[str, tuple[int, int]]) -> bytes:
    """A copy of the workbook, in memory, with ``trim``'s worksheet parts cut to (rows, columns)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as out:
        for info in zf.infolist():
            if info.filename in trim:
                with out.open(info.filename, "w", force_zip64=True) as fh:
                    for piece in trimmed_part(zf, info.filename, *trim[info.filename]):
                        fh.write(piece)
            else:
                out.writestr(info, zf.read(info))
    return buf.getvalue()


def too_far(sheet: str, rows: int, cols: int, refs: list[str]) -> ReadError:
    """F001 for a sheet whose values reach ``refs``, far outside any form's table."""
    return ReadError(
        "F001",
        f"工作表“{sheet}”的单元格 {'、'.join(refs)} 有内容，远在表格之外（使用范围达 {rows:,} 行 × {cols:,} 列），"
        "无法读取；请删除该单元格内容（Ctrl+End 可跳到该处）后保存再报送",
        f"sheet '{sheet}': {', '.join(refs)} has a value far outside the table ({rows:,} × {cols:,} cells); "
        "delete it (Ctrl+End), resend")
