"""Which rows below the header are data.

Below the header a form may hold blank rows, the header again (repeated at the top of each printed
page), and at the end notes (注：…), totals (合计) and signature lines (审核人：… 填表人：…). The rule,
row by row from the top:

- a row with nothing in any data column is not data;
- a row whose first filled cell starts a note, total or signature line is not data, and neither is
  any row after it that carries no ID number (dates, seals and names of signatories);
- a row in which 3 or more cells name their own column is the header again;
- a row whose filled data cells all say there is nothing to report (无, 没有, 本期无变动 …) or hold only
  a placeholder (/, —, 请选择, 男/女: an unused row of a template) is not data: a form of such rows only
  is an empty submission, received and clean;
- a row with column A blank and nothing of its own but a date (the form's date printed under the
  table, with no 盖章 or 填表人 line before it) is not data;
- a row whose filled data cells are all bracketed fill-in instructions (（必填） （18位） （年月日）, a line
  a template prints under its header) is not data;
- a row with nothing of its own but 备注 (序号 empty or blank; every other cell empty, or filled only
  from a range merged down from above) is not a person: it continues the row above. A long 备注 is
  often typed over two rows, or its cell merged down over a second row. Right below a data row (or
  below another such row) it is the continuation of that data row, its 备注 text appended to the data
  row's (``Rows.continued``); anywhere else (right below the header, a blank or skipped row) it
  continues nobody and is listed with its text (``Rows.orphans``);
- every other row is data.

A merged range below the header (one unit, one date, one 情况 for four people) holds its value in its
top-left cell only; ``spread_merged`` first gives that value to every cell the range covers, so every
row it covers reads it (validation, the merge and the annotated copy agree).

``data_rows`` applies this rule. Most rows of a long form are plainly data, so it first picks out,
column by column, the rows that might be anything else (``rows_to_look_at``), and applies the rule
to those only; ``data_rows_one_by_one`` is the same rule on every row, the reference it agrees with.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Iterable, Mapping, NamedTuple, Sequence

from .. import forms as F
from ..normalize import cell_text, clean_text, compact, parse_date
from .convert import CJK_ONLY
from .header import column_named, header_keys

_FOOTER = re.compile(r"^(注|备注|说明|填表说明|附注)\s*[:：]|审核人|负责人|填表人|制表人|签字|签名|盖章|^合计|^总计|^小计"
                     r"|^共计|^(以上)?共\s*\d+\s*[人名]|^以下(空白|无内容|无)|^(单位)?(公章|印章)")


_NOTHING = re.compile(r"^(本期|本月|本季度|本年度|本次)?(无|没有|暂无)(人员)?(变动|变化|数据|情况|记录|内容|注销|换证|补发"
                      r"|需报送(的)?(内容|事项|人员)?|需填报(的)?(内容|事项)?)?(情况)?[。.;；!！]?$")


_HINT = re.compile(r"^\([^()]*\)$")


def fill_in_hint(v: object) -> bool:
    """Whether a cell is a bracketed fill-in instruction printed under a header: （必填） （18位） （年月日）.
    A text of CJK ideographs only (a name, a unit: most cells looked at) has no bracket, cleaned or
    not: it is not cleaned (:func:`fill_in_hint_plain` is the reference)."""
    return v.__class__ is str and not CJK_ONLY.fullmatch(v) and fill_in_hint_plain(v)  # type: ignore[arg-type]


def fill_in_hint_plain(v: object) -> bool:
    return v.__class__ is str and "(" in (t := clean_text(v)) and bool(_HINT.match(t))  # type: ignore[arg-type]


# What a template or a clerk leaves in a cell of an unused row: a slash or dash (无内容的栏目划“/”), a
# drop-down's 请选择, the choice 男/女 printed for the clerk to keep one of.
_PLACEHOLDER = re.compile(r"^([/\\\-_‐-―−]+|[-—]*请选择[-—]*|男/女)$")


def says_nothing(v: object) -> bool:
    """Whether a cell says there is nothing to report: 无, 没有, 暂无, 本期无变动, 无人员变动 …, or holds
    only a placeholder (/, —, 请选择, 男/女)."""
    if v.__class__ is not str:
        return False
    if "无" not in v and "没有" not in v:  # type: ignore[operator]
        # most cells: no regular expression run
        return len(v) <= 12 and bool(_PLACEHOLDER.match(compact(clean_text(v))))  # type: ignore[arg-type]
    return bool(_NOTHING.match(compact(clean_text(v))))  # type: ignore[arg-type]


def _a_date(v: object) -> bool:
    """A date cell, or a text that is a date (2024年6月3日): not a bare number, which may be anything."""
    if isinstance(v, dt.date):
        return True
    return isinstance(v, str) and any(ch.isdigit() for ch in v) and parse_date(v)[0] is not None


@dataclass(frozen=True)
class Body:
    """What the rule needs to know about the sheet's columns."""

    spec: F.FormSpec
    cols: tuple[tuple[str, int], ...]  # (column key, 0-based sheet column) of the form's columns, in order
    data_cols: tuple[int, ...]  # the sheet columns of every column but 序号
    id_col: int | None
    remark_col: int | None = None  # the sheet column of 备注 (None: no row continues another)
    seq_col: int | None = None
    # row index (below the header) -> the sheet columns spread_merged filled in that row from a range
    # merged down from above: those cells are not the row's own
    spread: Mapping[int, frozenset[int]] = field(default_factory=dict)


class Rows(NamedTuple):
    """What the rule makes of the rows below the header."""

    keep: list[int]  # the data rows
    skipped: int  # non-blank rows that are not data (blank rows are not counted)
    continued: Sequence[tuple[int, int]] = ()  # (row, the data row whose 备注 it continues)
    orphans: Sequence[int] = ()  # rows of 备注 alone that continue no data row


def blank(v: object) -> bool:
    return v == "" or v is None


def has_id(row: Sequence[object], id_col: int | None) -> bool:
    """Whether the row's ID cell holds something that looks like an ID number (15+ characters led by
    6 digits, or a number of 15+ digits)."""
    if id_col is None or id_col >= len(row):
        return False
    v = row[id_col]
    if isinstance(v, (int, float)) and not isinstance(v, bool):
        return v >= 1e14
    idv = compact(cell_text(v))
    return len(idv) >= 15 and idv[:6].isdigit()


def starts_footer(v: object) -> bool:
    """Whether a cell's text starts a note, total or signature line."""
    return isinstance(v, str) and bool(_FOOTER.search(clean_text(v)))


def is_footer(row: Sequence[object], id_col: int | None) -> bool:
    """The row's first filled cell starts a note, total or signature line (and it has no ID)."""
    first = next((v for v in row if not blank(v)), "")
    return starts_footer(first) and not has_id(row, id_col)


def names_column(spec: F.FormSpec, key: str, v: object) -> bool:
    """Whether a cell's text names column ``key`` of the form, as its header does. Every header key
    has a Chinese character, so numbers and ASCII texts never do; a text of CJK ideographs only is
    its own header key."""
    if not isinstance(v, str) or v.isascii():
        return False
    if CJK_ONLY.fullmatch(v):
        exact, loose = header_keys(spec)
        return exact.get(v, loose.get(v)) == key
    return column_named(spec, v) == key


def header_again(row: Sequence[object], body: Body) -> bool:
    """3 or more cells of the row name their own column."""
    hits = sum(1 for key, ci in body.cols if ci < len(row) and names_column(body.spec, key, row[ci]))
    return hits >= 3


MAX_SPREAD = 5_000_000  # cells filled from merged ranges per sheet, at most


def spread_merged(rows: list[list[object]], merged: Sequence[tuple[int, int, int, int]], first: int,
                  below: dict[int, set[int]] | None = None) -> int:
    """Fill every cell of each merged range lying wholly below the header (row index ``first`` on)
    with the range's top-left value, in place. Returns the number of cells filled. ``below``, when
    given, gets for each row index the columns filled from a range whose top is in a row above."""
    filled = 0
    for r1, c1, r2, c2 in merged:
        if r1 < first or r1 >= len(rows) or (r1 == r2 and c1 == c2):
            continue
        top = rows[r1]
        v = top[c1] if c1 < len(top) else ""
        if blank(v):
            continue
        filled += (min(r2, len(rows) - 1) - r1 + 1) * (c2 - c1 + 1)
        if filled > MAX_SPREAD:
            break
        for r in range(r1, min(r2, len(rows) - 1) + 1):
            row = rows[r]
            if len(row) <= c2:
                row.extend([""] * (c2 + 1 - len(row)))
            for c in range(c1, c2 + 1):
                if blank(row[c]):
                    row[c] = v
                    if below is not None and r > r1:
                        below.setdefault(r, set()).add(c)
    return filled


# ------------------------------------------------------------------------------ the rule
def _verdict(row: Sequence[object], body: Body, in_footer: bool, i: int = -1) -> str:
    """'data', 'blank' (nothing at all), 'continues' (nothing of its own but 备注: see continues), or
    why the row is skipped: 'empty', 'footer', 'signature', 'header', 'nothing' (every filled data
    cell says there is nothing to report), 'hint' (all fill-in instructions), 'date' (column A blank and
    nothing but a date of its own: the form's date printed under the table). ``i``: the row's index."""
    filled = [row[ci] for ci in body.data_cols if ci < len(row) and not blank(row[ci])]
    if not filled:
        return "empty" if any(not blank(v) for v in row) else "blank"
    if all(says_nothing(v) for v in filled):
        return "nothing"
    if all(fill_in_hint(v) for v in filled):
        return "hint"
    if (not row or blank(row[0])) and i not in body.spread and all(_a_date(v) for v in filled):
        return "date"
    if is_footer(row, body.id_col):
        return "footer"
    if in_footer and not has_id(row, body.id_col):
        return "signature"
    if header_again(row, body):
        return "header"
    if continues(row, body, i):
        return "continues"
    return "data"


def _void(v: object) -> bool:
    return blank(v) or (v.__class__ is str and not v.strip())  # type: ignore[attr-defined]


def continues(row: Sequence[object], body: Body, i: int) -> bool:
    """Whether row ``i`` has nothing of its own but 备注: its 序号 empty or blank, every other cell of
    the form empty or filled from a range merged down from above (spread_merged)."""
    rc = body.remark_col
    if rc is None:
        return False
    spread = body.spread.get(i, ())
    n = len(row)
    for ci in body.data_cols:  # most rows looked at are people: their first data cell ends this
        if ci != rc and ci < n and ci not in spread:
            v = row[ci]
            if v is not None and v != "" and (v.__class__ is not str or v.strip()):  # not _void(v)
                return False
    seq = body.seq_col
    return seq is None or seq >= n or seq in spread or _void(row[seq])


def data_rows(rows: Sequence[Sequence[object]], columns: Sequence[Sequence[object]], body: Body) -> Rows:
    """The data rows, the non-blank rows skipped and the rows continuing a 备注 (:class:`Rows`).
    ``columns`` are the rows' first columns, column by column (up to the last column of the form)."""
    return _apply(rows, rows_to_look_at(columns, body), body)


def data_rows_one_by_one(rows: Sequence[Sequence[object]], body: Body) -> Rows:
    """The reference: the rule applied to every row."""
    return _apply(rows, range(len(rows)), body)


def _apply(rows: Sequence[Sequence[object]], look_at: Iterable[int], body: Body) -> Rows:
    """The rule applied to the rows in ``look_at`` and, from the first note or signature line on, to
    every row; the other rows are data. A row continuing a 备注 continues the data row right above
    it, or the one that row continues."""
    keep: list[int] = []
    skipped = 0
    continued: list[tuple[int, int]] = []
    orphans: list[int] = []
    head: int | None = None  # the data row a 备注 on row ``start`` would continue
    start = 0  # rows from here up to the next one looked at are data
    for i in sorted(look_at):
        keep.extend(range(start, i))
        if i > start:
            head = i - 1
        verdict = _verdict(rows[i], body, False, i)
        if verdict == "hint" and head is not None and continues(rows[i], body, i):
            verdict = "continues"  # （…） in 备注 alone, right below a person: part of that person's 备注
        if verdict == "footer":
            return Rows(keep, skipped + 1 + _after_footer(rows, i + 1, body, keep), continued, orphans)
        if verdict == "data":
            keep.append(i)
            head = i
        elif verdict == "continues":
            if head is None:
                orphans.append(i)
            else:
                continued.append((i, head))
        else:
            head = None
            if verdict != "blank":
                skipped += 1
        start = i + 1
    keep.extend(range(start, len(rows)))
    return Rows(keep, skipped, continued, orphans)


def _after_footer(rows: Sequence[Sequence[object]], start: int, body: Body, keep: list[int]) -> int:
    """Below a note or signature line every row is looked at; returns how many were skipped."""
    skipped = 0
    for i in range(start, len(rows)):
        verdict = _verdict(rows[i], body, True)
        if verdict == "data":
            keep.append(i)
        elif verdict != "blank":
            skipped += 1
    return skipped


def rows_to_look_at(columns: Sequence[Sequence[object]], body: Body) -> set[int]:
    """Every row the rule might not call data: a blank or note-like first cell (column A), a blank
    or whitespace first data column, a cell naming its own column, or a cell filled from a range merged
    down (a row that continues a 备注 has its first data cell blank, whitespace or merged down)."""
    first, first_data = columns[0], columns[body.data_cols[0]]
    look = rows_holding(first, {v for v in distinct_texts(first) if blank(v) or starts_footer(v)})
    if not all(first_data):  # blank cells are among the falsy ones
        look |= {i for i, v in enumerate(first_data) if not v and blank(v)}
    look |= rows_holding(first_data, {v for v in _may_say_nothing(distinct_texts(first_data))
                                      if says_nothing(v) or fill_in_hint(v) or not v.strip()})  # (continues)
    for key, ci in body.cols:
        look |= rows_naming(columns[ci], body.spec, key)
    return look | body.spread.keys()


def _may_say_nothing(texts: set[str]) -> set[str]:
    """``texts`` but none when, joined, they are ideographs only without 无 or 没有 (a column of names):
    no such text says nothing, is a fill-in hint (see says_nothing, fill_in_hint) or is whitespace."""
    joined = "".join(texts)
    if "无" not in joined and "没有" not in joined and "请选择" not in joined and CJK_ONLY.fullmatch(joined):
        return set()
    return texts


def rows_naming(column: Sequence[object], spec: F.FormSpec, key: str) -> set[int]:
    """The rows whose cell names column ``key`` (see names_column). Seen through the column's texts
    joined: ASCII only (ID numbers, certificate numbers) names nothing; Chinese characters only
    (names) can hold only the column's own header keys; anything else is tested a distinct text at
    a time."""
    try:
        texts: Sequence[object] = column
        joined = "".join(column)  # type: ignore[arg-type]
    except TypeError:  # numbers or dates among the cells: only the texts can name a column
        texts = [v for v in column if v.__class__ is str]
        joined = "".join(texts)  # type: ignore[arg-type]
    if joined.isascii():
        return set()
    if CJK_ONLY.fullmatch(joined):
        return rows_holding(column, {k for k in _plain_keys(spec, key) if k in joined})
    return rows_holding(column, {v for v in set(texts) if v.__class__ is str and not v.isascii()  # type: ignore[attr-defined]
                                 and names_column(spec, key, v)})


def _plain_keys(spec: F.FormSpec, key: str) -> set[str]:
    """The header keys of Chinese characters only that name column ``key`` (as names_column reads them)."""
    exact, loose = header_keys(spec)
    return {k for k in {**loose, **exact} if CJK_ONLY.fullmatch(k) and names_column(spec, key, k)}


def distinct_texts(column: Sequence[object]) -> set[str]:
    return {v for v in set(column) if v.__class__ is str}  # type: ignore[misc]


def rows_holding(column: Sequence[object], values: set[str]) -> set[int]:
    """The rows holding one of ``values``."""
    return {i for i, v in enumerate(column) if v in values} if values else set()
