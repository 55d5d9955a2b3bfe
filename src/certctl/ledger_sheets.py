"""The ledger's sheets read back as tables, for :mod:`certctl.ledger_edits`: a table too long for one sheet
joined again from its parts (``证件台账``, ``证件台账(2)`` …, SPEC 5), and the header of 证件台账 found
below the rows a clerk may insert above it (a title for printing).

- :func:`read_sheets`: every sheet (or one) of the ledger, each continued table as one grid. A part of
  证件台账 is joined by its own header, as the first part is read: rows a clerk inserted above it are
  said, not read as certificates, and its columns are placed under the first part's by their titles
  (a column the clerk inserted in one part only shifts nothing in the others);
- cells a clerk merged in 证件台账 (one 处理情况 for three rows of one unit) read as what the clerk sees:
  the merged cell's value in each of its rows, and said (the new ledger merges none);
- :func:`renamed`: the sheet 证件台账 became when a clerk renamed it (证件台账6月), found by its header;
- :func:`grid`: one table of a workbook certctl wrote (its kept copy: every header in its first row);
- :func:`continued`, :func:`bases`: which sheets continue which; :func:`header_row`: where 证件台账's
  header is.
"""

from __future__ import annotations

import itertools
import re
from pathlib import Path
from typing import Any, Iterable

__all__ = ["LEDGER_SHEET", "CERT_TITLES", "HEADER_ROWS", "read_sheets", "renamed", "grid", "continued", "bases",
           "header_row", "moved_columns"]

LEDGER_SHEET = "证件台账"
CERT_TITLES = ("证件号码", "Certificate")  # the first column of 证件台账
HEADER_ROWS = 10  # rows of 证件台账 looked at for its header: a clerk may insert a title above it

_PART = re.compile(r"(.+)\((\d+)\)")


def continued(name: str, earlier: Iterable[str], parts: set[str] | None = None) -> str | None:
    """The sheet ``name`` continues (``证件台账(2)`` continues ``证件台账``, SPEC 5), when that sheet came
    before it — and, ``parts`` given (the parts certctl wrote), it is one of them; else None."""
    m = _PART.fullmatch(name)
    if m is None or int(m.group(2)) < 2 or m.group(1) not in earlier or (parts is not None and name not in parts):
        return None
    return m.group(1)


def bases(names: Iterable[str], parts: set[str] | None = None) -> list[str]:
    """The sheets of a workbook named ``names``, those continuing another (:func:`continued`) left out."""
    out: list[str] = []
    for name in names:
        if continued(name, out, parts) is None:
            out.append(name)
    return out


def grid(book: Any, name: str, parts: set[str] | None = None) -> list[list[Any]]:
    """Sheet ``name`` of the workbook ``book`` with the parts that continue it (header once, as certctl
    writes them)."""
    rows = book.get_sheet_by_name(name).to_python(skip_empty_area=False)
    for other in book.sheet_names:
        if continued(other, [name], parts) == name:
            rows.extend(book.get_sheet_by_name(other).to_python(skip_empty_area=False)[1:])
    return rows


def header_row(rows: list[list[Any]], own_titles: list[str]) -> int:
    """The row of 证件台账 ``rows`` that holds certctl's titles: the first row, unless a clerk inserted rows
    above it (a title for printing) — then the first of the first few holding the certificate column's."""
    found = _found_header(rows, own_titles)
    return 0 if found is None else found


def _found_header(rows: list[list[Any]], own_titles: list[str]) -> int | None:
    cert = {*own_titles[:1], *CERT_TITLES}
    for i, row in enumerate(rows[:HEADER_ROWS]):
        if any(v.__class__ is str and v.strip() in cert for v in row):
            return i
    return None


def read_sheets(p: Path, only: str | None, problems: list[tuple[str, str]],
                parts: set[str] | None = None) -> dict[str, list[list[Any]]]:
    """The ledger at ``p``'s sheets (``only``: that one alone), each continued table as one grid (``parts``:
    the parts certctl wrote, when known: another sheet so named is a sheet of its own); what cannot be
    carried from a part of 证件台账 (rows above its header) added to ``problems``."""
    from .ledger_file import open_ledger

    wb = open_ledger(p)
    try:
        out: dict[str, list[list[Any]]] = {}
        for name in wb.sheet_names:
            base = continued(name, out, parts)
            if only is not None and (base or name) != only:
                continue
            sheet = wb.get_sheet_by_name(name)
            rows = sheet.to_python(skip_empty_area=False)
            if (base or name) in (LEDGER_SHEET, only):
                _unmerged(rows, sheet.merged_cell_ranges or [], name, problems)
            if base is not None and base in (LEDGER_SHEET, only):  # (only None: every sheet read)
                out[base].extend(_part_rows(out[base], rows, name, problems))
            elif base is not None:  # a table too long for one sheet, read back as one
                out[base].extend(rows[1:])
            else:
                out[name] = rows
        return out
    finally:
        wb.close()


def _part_rows(first: list[list[Any]], rows: list[list[Any]], name: str,
               problems: list[tuple[str, str]]) -> list[list[Any]]:
    """The rows of ``name``, a part of 证件台账, below its own header, in the columns of ``first`` (the
    table read so far) by title: a title only this part has becomes a column at the end of ``first``'s
    header. Rows above its header are said in ``problems``; a part without a header is all rows."""
    from .ledger_edits import norm

    top = _found_header(rows, [])
    if top is None:
        return rows
    above = [t for r in rows[:top] for t in (norm(v).strip() for v in r) if t]
    if above:
        problems.append((f"在 {name} 的表头上方插入了 {top} 行（“{above[0]}”），新台账中没有",
                         f"{top} row(s) inserted above the header of {name} ({above[0]}): not in the new ledger"))
    mine = [norm(h).strip() for h in rows[top]]
    head = first[header_row(first, [])] if first else []
    theirs = [norm(h).strip() for h in head]
    body = rows[top + 1:]
    if _trimmed(mine) == _trimmed(theirs):
        return body  # the usual part: the first part's columns, where certctl wrote them
    where: list[int] = []
    for j, title in enumerate(mine):
        k = next((i for i, h in enumerate(theirs) if h == title and i not in where), None)
        if k is None:  # a column of this part alone (an untitled one too: its values are the clerk's)
            head.append(title)
            theirs.append(title)
            k = len(theirs) - 1
        where.append(k)
    out = []
    for r in body:
        placed: list[Any] = [""] * len(theirs)
        for j, v in enumerate(r[:len(where)]):
            placed[where[j]] = v
        out.append(placed)
    return out


def _trimmed(titles: list[str]) -> list[str]:
    end = len(titles)
    while end and not titles[end - 1]:
        end -= 1
    return titles[:end]


def renamed(p: Path, titles: list[list[str]], skip: Iterable[str],
            problems: list[tuple[str, str]]) -> tuple[str, list[list[Any]]] | None:
    """(name, rows) of the sheet 证件台账 was renamed to in the ledger at ``p``: the first sheet, not one of
    ``skip`` (the names of certctl's other sheets), whose header — within its first :data:`HEADER_ROWS`
    rows — holds the certificate column's title and four in five of certctl's titles of 证件台账 (one
    list of ``titles``: as the note has them, or each language's); None when there is none."""
    from .ledger_edits import norm
    from .ledger_file import open_ledger

    wb = open_ledger(p)
    try:
        found = None
        for name in bases(wb.sheet_names):
            if name in skip or name == LEDGER_SHEET:
                continue
            for row in itertools.islice(wb.get_sheet_by_name(name).iter_rows(), HEADER_ROWS):
                cells = {norm(v).strip() for v in row}
                if any(t and t[0] in cells and 5 * sum(h in cells for h in t) >= 4 * len(t) for t in titles):
                    found = name
                    break
            if found is not None:
                break
    finally:
        wb.close()
    return None if found is None else (found, read_sheets(p, found, problems)[found])


def _unmerged(rows: list[list[Any]], ranges: list[Any], name: str, problems: list[tuple[str, str]]) -> None:
    """Each cell of a merged range of sheet ``name`` given the range's value (python-calamine reads it in the
    first cell alone): a note typed once for three rows is the note of each, and certctl's cells merged
    for grouping (所属主体) are not read as emptied. The ranges said in ``problems``."""
    refs = []
    for (r1, c1), (r2, c2) in sorted(ranges):
        if r1 >= len(rows):
            continue
        value = rows[r1][c1] if c1 < len(rows[r1]) else ""
        for r in range(r1, min(r2, len(rows) - 1) + 1):
            row = rows[r]
            if len(row) <= c2:
                row.extend([""] * (c2 + 1 - len(row)))
            row[c1:c2 + 1] = [value] * (c2 - c1 + 1)
        refs.append(f"{_column(c1)}{r1 + 1}:{_column(c2)}{r2 + 1}")
    if refs:
        few = "、".join(refs[:3]) + (f" 等 {len(refs)} 处" if len(refs) > 3 else "")
        problems.append((f"在 {name} 中合并了单元格（{few}），新台账中不合并：合并处的内容已填入其中每一行",
                         f"cells merged in {name} ({', '.join(refs[:3])}): not merged in the new ledger; "
                         f"their value is filled into each of their rows"))


def moved_columns(headers: list[str], own: dict[str, int], clerk: list[int]) -> list[tuple[str, str]]:
    """(zh, en) naming the clerk's columns of 证件台账 (``clerk``: their indexes) that stand before one of
    certctl's (``own``: title -> index), inserted among them: carried, but the new ledger has every clerk
    column after certctl's. Said, nothing copied aside: nothing is lost. Empty when there is none."""
    last = max(own.values(), default=-1)
    moved = [headers[i] or f"{_column(i)}" for i in clerk if i < last]
    if not moved:
        return []
    zh = "、".join(f"“{t}”" for t in moved)
    return [(f"在 {LEDGER_SHEET} 中插入的列{zh}已带入新台账，位置移到了最后（在 certctl 的各列之后）",
             f"column(s) {', '.join(moved)} inserted among certctl's in {LEDGER_SHEET}: carried, now at the end")]


def _column(i: int) -> str:
    """Column letters of the 0-based column ``i`` (0 -> A, 26 -> AA)."""
    out = ""
    i += 1
    while i:
        i, k = divmod(i - 1, 26)
        out = chr(65 + k) + out
    return out
