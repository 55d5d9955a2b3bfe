"""One way to lay out a printable table on a sheet (the statistics, the revocation list, the roster):
a title, lines under it, a header row repeated on every page, bordered cells that wrap and rows tall
enough to show them whole, A4 landscape one page wide (:func:`certctl.paper.print_setup`). Text from
the forms is always written as a text cell, never a formula."""

from __future__ import annotations

import datetime as dt
from typing import Any, Sequence

from ..paper import print_setup, row_height, text_lines

FONT = "宋体"


def put(ws: Any, row: int, col: int, value: Any) -> Any:
    """Write a cell; text is always a string cell (a value starting with = stays text)."""
    cell = ws.cell(row=row, column=col, value=value)
    if isinstance(value, str) and value:
        cell.data_type = "s"
    return cell


def write_table(ws: Any, title: str, lines: Sequence[str], headers: Sequence[str], rows: Sequence[Sequence[Any]],
                widths: Sequence[int], lang: str, *, bold_last: bool = False) -> None:
    """``title`` and ``lines`` above a bordered table of ``headers`` and ``rows``, laid out to print."""
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter

    ncol = len(headers)
    last_col = get_column_letter(ncol)
    thin = Side(style="thin", color="FF808080")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    plain, bold = Font(name=FONT), Font(name=FONT, bold=True)
    full = sum(widths)
    for r, (text, font) in enumerate([(title, Font(name=FONT, bold=True, size=14)), *[(t, plain) for t in lines]],
                                     start=1):
        put(ws, r, 1, text).font = font
        ws.cell(r, 1).alignment = Alignment(wrap_text=True, vertical="top")
        ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=ncol)
        ws.row_dimensions[r].height = row_height(text_lines(text, full - 2), font.sz or 11)
    head = len(lines) + 2
    for c, h in enumerate(headers, start=1):
        cell = put(ws, head, c, h)
        cell.font, cell.border = bold, border
        cell.fill = PatternFill("solid", fgColor="FFF2F2F2")
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    ws.row_dimensions[head].height = row_height(max(text_lines(h, w - 1) for h, w in zip(headers, widths)))
    for i, row in enumerate(rows, start=head + 1):
        tall = 1
        for c, v in enumerate(row, start=1):
            if isinstance(v, dt.date):
                v = v.isoformat()
            cell = put(ws, i, c, v)
            cell.font = bold if bold_last and i == head + len(rows) else plain
            cell.border = border
            cell.alignment = Alignment(vertical="top", wrap_text=True)
            if isinstance(v, str):
                tall = max(tall, text_lines(v, widths[c - 1] - 1))
        if tall > 1:
            ws.row_dimensions[i].height = row_height(tall)
    for c, w in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(c)].width = w
    ws.freeze_panes = f"A{head + 1}"
    print_setup(ws, f"{head}:{head}", f"A1:{last_col}{head + max(len(rows), 1)}", lang)


def stamp(wb: Any, title: str, day: dt.date) -> None:
    """certctl's document properties: fixed timestamps (the as-of date), so a re-run gives the same file; and
    certctl's mark, so that a copy put among the forms is skipped as certctl's output (F008), not read back."""
    from ..marks import mark_openpyxl

    when = dt.datetime.combine(day, dt.time(0, 0))
    wb.properties.created = wb.properties.modified = when
    wb.properties.creator = wb.properties.lastModifiedBy = "certctl"
    wb.properties.title = title
    mark_openpyxl(wb, "cleanup")


def sheet_title(name: str, taken: set[str]) -> str:
    """A valid, unique sheet name (31 characters, none of []:*?/\\) for ``name``."""
    clean = "".join("_" if ch in "[]:*?/\\" else ch for ch in name).strip("'") or "Sheet"
    base, n = clean[:31], 2
    out = base
    while out in taken:
        suffix = f"({n})"
        out = base[: 31 - len(suffix)] + suffix
        n += 1
    taken.add(out)
    return out
