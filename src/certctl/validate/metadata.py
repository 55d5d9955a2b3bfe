"""The metadata line above the header (every Qidong annex prints it):

    填报单位（盖章）：…    填报人员：…    联系电话：…    填报时间：  年  月  日

Units type it in one cell, spread it over several, or put each label in one cell and its value in
the next. The line is read as one text (its cells joined), split at the labels; each value
remembers the cell it came from, so a finding about it points at that cell.
"""

from __future__ import annotations

import re
from bisect import bisect_right

from ..normalize import cell_text, clean_text, parse_date
from .results import Metadata

_LABELS = (
    ("unit", r"填报单位(?:\((?:盖章|公章|签章|章)\))?"),
    ("reporter", r"填报人员|填报人|填表人"),
    ("phone", r"联系电话|联系方式|电话(?=\s*[:：])"),
    ("date", r"填报时间|填报日期|填表时间|填表日期"),
)
_LABEL = re.compile("|".join(f"(?P<{k}>{p})" for k, p in _LABELS))
_BLANK_DATE = re.compile(r"年?月?日?")  # the printed 年 月 日 with nothing filled in


def parse_metadata(rows: list[list[object]], upto: int,
                   merged: list[tuple[int, int, int, int]] | None = None, start: int = 0) -> Metadata:
    """The metadata found in the rows above ``upto`` (the header; from row index ``start``); ``found``
    says whether any label was there. A later line overrides the date; other values keep the first one
    found. ``merged`` (the sheet's merged ranges) tells where an empty value's cell is."""
    meta = Metadata()
    for r in range(start, min(upto, len(rows))):
        line = _Line(rows[r], [(c1, c2) for r1, c1, r2, c2 in merged or () if r1 <= r <= r2])
        matches = list(_LABEL.finditer(line.text))
        if not matches:
            continue
        meta.found = True
        meta.row = r + 1
        for i, m in enumerate(matches):
            end = matches[i + 1].start() if i + 1 < len(matches) else len(line.text)
            _take(meta, m.lastgroup or "", line, m, end, r + 1)
    return meta


FOOTER_ROWS = 12  # the last rows of a sheet looked at for what the line above the header lacks


def fill_from_footer(meta: Metadata, rows: list[list[object]], first: int,
                     merged: list[tuple[int, int, int, int]] | None = None) -> None:
    """What the line above the header lacks, taken from the sheet's last rows below the header
    (row index ``first`` on): many units print 填表人：… 联系电话：… 填报时间：… under the table."""
    missing = [k for k in ("unit", "reporter", "phone") if not getattr(meta, k)]
    missing += [] if meta.date or meta.date_text else ["date"]
    if not missing or len(rows) <= first:
        return
    tail = parse_metadata(rows, len(rows), merged, start=max(first, len(rows) - FOOTER_ROWS))
    for key in [k for k in missing if getattr(tail, k) or (k == "date" and tail.date_text)]:
        if key == "date":
            meta.date_text = tail.date_text
        setattr(meta, key, getattr(tail, key))
        meta.cells[key] = tail.cells[key]
        meta.found = True


def _take(meta: Metadata, key: str, line: "_Line", label: re.Match[str], end: int, excel_row: int) -> None:
    """Store the value that follows ``label`` (up to ``end``) and the cell it is in."""
    raw = line.text[label.end():end]
    value = raw.strip().lstrip(":：").strip()
    if value:
        cell = (excel_row, line.column_at(label.end() + raw.find(value)))
    else:
        cell = (excel_row, line.empty_value_column(line.column_at(label.start()), end))
    if key == "date":
        meta.date_text = value
        meta.cells["date"] = cell
        probe = re.sub(r"\s+", "", value)
        if _BLANK_DATE.fullmatch(probe):
            meta.date_text = ""
        else:
            # spaces dropped (2024 年 6 月 3 日), but not the one before a time (2024-06-03 10:22:00)
            meta.date = parse_date(probe)[0] or parse_date(value)[0]
    elif not getattr(meta, key):
        setattr(meta, key, value)
        meta.cells[key] = cell


class _Line:
    """One row's non-empty cells joined with spaces (cleaned: full-width to half-width, runs of
    space collapsed), and where each cell's text starts in it."""

    def __init__(self, row: list[object], spans: list[tuple[int, int]]):
        self.row = row
        self.spans = spans  # (first, last) column of each merged range crossing the row
        pieces = [(c, clean_text(cell_text(v))) for c, v in enumerate(row) if v != "" and v is not None]
        pieces = [(c, t) for c, t in pieces if t]
        self.cols = [c for c, _ in pieces]
        self.starts: list[int] = []
        at = 0
        for _, t in pieces:
            self.starts.append(at)
            at += len(t) + 1
        self.text = " ".join(t for _, t in pieces)

    def column_at(self, offset: int) -> int:
        """The 0-based column of the cell whose text holds character ``offset`` of the line."""
        return self.cols[max(bisect_right(self.starts, offset) - 1, 0)]

    def empty_value_column(self, label_col: int, end: int) -> int:
        """Where an empty value belongs: when its label is the last thing in its cell (``end``, where
        the next label or the line ends, lies beyond it), the empty cell right of the label — past a
        merged range the label spans — if there is one; else the label's own cell."""
        ends_cell = end >= len(self.text) or self.column_at(end) != label_col
        nxt = max([c2 for c1, c2 in self.spans if c1 <= label_col <= c2], default=label_col) + 1
        if ends_cell and nxt < len(self.row) and (self.row[nxt] == "" or self.row[nxt] is None):
            return nxt
        return label_col
