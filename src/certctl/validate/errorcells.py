"""Formula error cells (#REF!, #N/A …) put back into a grid read from an xlsx file.

python-calamine reads a cell holding a formula error as empty (python-calamine issue #105), which
would turn a broken formula into a misleading "required cell is empty". The error text is in the
sheet XML (``<c r="D7" t="e"><f>…</f><v>#REF!</v></c>``): this module finds those cells and writes
the text back into the grid, where the converters report it as F007.
"""

from __future__ import annotations

import re
import zipfile
from typing import Iterable, Iterator

from ..normalize import clean_text
from ..reader import SheetData, WorkbookData, sheet_parts

ERROR_VALUES = frozenset({
    "#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A", "#GETTING_DATA", "#SPILL!",
    "#CALC!", "#FIELD!", "#BLOCKED!", "#CONNECT!", "#BUSY!", "#UNKNOWN!", "#EXTERNAL!", "#PYTHON!",
})

_ERROR_MARK = b't="e"'
_ERROR_CELL = re.compile(rb'<(?:\w+:)?c\b([^>]*?\bt="e"[^>]*)>(.*?)</(?:\w+:)?c>', re.S)
_REF = re.compile(rb'\br="([A-Z]{1,3})(\d+)"')
_VALUE = re.compile(rb"<(?:\w+:)?v>([^<]*)</(?:\w+:)?v>")
SLICE = 1 << 20  # bytes of sheet XML inflated at a time


def is_error_value(value: object) -> bool:
    """Whether a cell value is a formula error text (#REF!, ＃N/A …)."""
    return (isinstance(value, str) and 2 <= len(value) <= 16 and value[:1] in "#＃"
            and clean_text(value).upper() in ERROR_VALUES)


def restore_error_cells(wb: WorkbookData) -> int:
    """Put the text of every formula error cell back into ``wb``'s grids. Returns the cells restored.
    The cells are those the reader found (``read_workbook(..., error_cells=True)``: each sheet's XML
    inflated once for this and its check for formulas without values); a workbook read without them
    has its sheets' XML read here. The container was already checked for bombs and entities by the
    reader. Best effort: a part that cannot be read leaves its sheet as calamine read it."""
    if wb.sheets and all(sheet.error_cells is not None for sheet in wb.sheets):
        return sum(put_back(sheet, iter(sheet.error_cells or ())) for sheet in wb.sheets)
    restored = 0
    try:
        with zipfile.ZipFile(wb.path) as zf:
            parts = sheet_parts(zf)
            for sheet in wb.sheets:
                part = parts.get(sheet.name)
                if part is not None:
                    restored += put_back(sheet, error_cells(zf, part))
    except Exception:
        return restored
    return restored


def put_back(sheet: SheetData, cells: Iterator[tuple[int, int, str]]) -> int:
    """Write each (row, column, text) into an empty cell of the grid. Error cells lie inside the range
    calamine read (they are cells, only their value is lost), so a reference outside it is ignored."""
    restored = 0
    for r, c, text in cells:
        if r >= len(sheet.rows) or c >= len(sheet.rows[r]):
            continue
        row = sheet.rows[r]
        if row[c] in ("", None):
            row[c] = text
            restored += 1
    return restored


def error_cells(zf: zipfile.ZipFile, part: str) -> Iterator[tuple[int, int, str]]:
    """(row, column, error text), 0-based, of every cell of type "e" in a worksheet part. The part is
    inflated a slice at a time (a 100,000-row sheet is ~50 MB of XML) and cut after the last complete
    row of each slice, so no cell is split between two slices."""
    with zf.open(part) as stream:
        yield from cells_in_slices(iter(lambda: stream.read(SLICE), b""))


def cells_in_slices(slices: Iterable[bytes]) -> Iterator[tuple[int, int, str]]:
    """The error cells of a worksheet part's XML given a slice at a time (see error_cells)."""
    carry = b""
    for chunk in slices:
        xml = carry + chunk
        end = _after_last_row(xml)
        yield from _cells_in(xml, end)
        carry = xml[end:]
    yield from _cells_in(carry, len(carry))


def _after_last_row(xml: bytes) -> int:
    """The offset just after the last ``</row>`` (or ``</x:row>``) in ``xml``; 0 when there is none.
    Searched from the end for ``row>``, which the last row's end tag is a few hundred bytes from."""
    i = xml.rfind(b"row>")
    while i >= 1 and not (xml[i - 1:i] == b":" or xml[i - 2:i] == b"</"):
        i = xml.rfind(b"row>", 0, i)
    return i + 4 if i >= 1 else 0


def _cells_in(xml: bytes, end: int) -> Iterator[tuple[int, int, str]]:
    """The error cells in xml[:end]: found by their t="e" attribute, read from the tag holding it. Every
    error text starts with "#" (ERROR_VALUES), which the rest of a sheet's XML hardly holds (its texts
    are in the shared strings): a slice without one has no error cell and is not searched further."""
    if xml.find(b"#", 0, end) < 0:
        return
    at = xml.find(_ERROR_MARK, 0, end)
    while at >= 0:
        m = _ERROR_CELL.match(xml, xml.rfind(b"<", 0, at), end)
        ref = m and _REF.search(m.group(1))
        value = m and _VALUE.search(m.group(2))
        if ref and value and value.group(1).lstrip().startswith(b"#"):
            yield (int(ref.group(2)) - 1, _column_index(ref.group(1)),
                   value.group(1).decode("utf-8", "replace").strip())
        at = xml.find(_ERROR_MARK, at + 1, end)


def _column_index(letters: bytes) -> int:
    """b"A" -> 0, b"AA" -> 26."""
    n = 0
    for ch in letters:
        n = n * 26 + (ch - 64)
    return n - 1
