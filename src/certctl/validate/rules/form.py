"""Form rules: the file, its layout and its metadata line.

F002 no form recognised · F003 a required column missing · F004 a column header twice · F005 no data
rows · M001–M004 a metadata value missing (填报单位, 填报人员, 联系电话, 填报时间: every Qidong annex
asks for them) · M005 a 联系电话 that is no phone number · M006 a 填报时间 that is no date · M007 one after today.
(F001/F006, a file that cannot or may not be read, come from the reader; F007 is a cell check.)
"""

from __future__ import annotations

import datetime as dt

from ... import forms as F
from ...findings import col_letter
from ...normalize import header_key, phone_ok
from ..context import FileCheck
from ..header import Header
from ..results import Metadata


def columns_in_header(check: FileCheck, sheet: str, hdr: Header) -> None:
    """F003: a required column the header lacks (a sheet-level finding: there is no cell to point
    at; the message names the header row). F004: a column named twice (only the first is read)."""
    spec, first_row = hdr.spec, hdr.row + 1
    for col in spec.columns:
        if col.key not in hdr.colmap and not col.optional:
            meant = _likely_meant(col, hdr.unknown)
            check.add("F003", sheet, None, None, col.title, column=col.title, header_row=first_row,
                      meant=f"第 {col_letter(meant[0])} 列的“{meant[1]}”如果就是这一列，请把列名改为“{col.title}”。"
                      if meant else "",
                      meant_en=f" If column {col_letter(meant[0])} ('{meant[1]}') is this column, rename it "
                      f"'{col.title}'." if meant else "")
    for key, cols in hdr.dupes.items():
        col = spec.column(key)
        title = col.title if col else key
        check.add("F004", sheet, first_row, cols[1], title, column=title,
                  cells="、".join(f"{col_letter(c)}{first_row}" for c in cols))


def _likely_meant(col: F.Column, unknown: list[tuple[int, str]]) -> tuple[int, str] | None:
    """The header cell certctl did not recognise that most likely names ``col`` (a spelling no alias
    has, 执法证件编号 for 行政执法（监督）证件号码): the one sharing the most characters with one of the
    column's names, two at least; None when none does."""
    names = [set(k) - set("()、") for k in col.keys]
    best = max(((max(len(set(header_key(text)) & n) for n in names), -c, text) for c, text in unknown),
               default=None)
    return (-best[1], best[2]) if best and best[0] >= 2 else None


def no_form(check: FileCheck, family: str | None, sheets: int) -> None:
    """F002: no sheet has the header of any form (or of the one forced with --form)."""
    if family:
        what = F.family_label(family, check.lang)
    else:
        what = "annex 1-4, the survey or a reference list" if check.lang == "en" else "附件1—4、摸排统计表或参考名单"
    check.add("F002", what=what, sheets=sheets)


def metadata_complete(check: FileCheck, meta: Metadata, sheet: str | None) -> None:
    """M001–M007 on the metadata line; each finding points at the cell holding the value (or, when
    the value is empty, its label), else at column A of the line."""
    def add(code: str, key: str, title: str, value: str) -> None:
        row, col = meta.cells.get(key, (meta.row, 0 if meta.row else None))
        check.add(code, sheet, row, col, title, value)

    if not meta.unit:
        add("M001", "unit", "填报单位", "")
    if not meta.reporter:
        add("M002", "reporter", "填报人员", "")
    if not meta.phone:
        add("M003", "phone", "联系电话", "")
    elif not phone_ok(meta.phone):
        add("M005", "phone", "联系电话", meta.phone)
    if not meta.date_text and meta.date is None:
        add("M004", "date", "填报时间", "")
    elif meta.date is None:
        add("M006", "date", "填报时间", meta.date_text)
    elif meta.date > (today := dt.date.today()):  # the real today (a result holding this: cache.holds_any_day)
        row, col = meta.cells.get("date", (meta.row, 0 if meta.row else None))
        check.add("M007", sheet, row, col, "填报时间", meta.date_text, date=meta.date.isoformat(),
                  today=today.isoformat())
