"""Finding the header: which row (or two rows) names the columns, and which form they belong to.

Real forms put a title, a metadata line and sometimes blank rows above the header; header texts
carry line breaks, full-width parentheses and required-markers; a header may be two rows (group
titles above, sub-titles below) held together by merged cells, or up to three when a title printed on
three lines in the notice (原所属主体 / （受委托组 / 织）全称, annex 3) is pasted a line per row. A header cell matches a column of
a form when its header_key (normalize.header_key) equals one of the column's keys, or does so once
parenthesised parts are dropped on both sides.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Iterable

from .. import forms as F
from ..normalize import cell_text, clean_text, compact, header_key
from ..reader import SheetData
from .convert import CJK_ONLY

MAX_SCAN = 60  # non-empty rows looked at from the top
MAX_MERGED_CELLS = 4000  # a merged range larger than this is not spread over its cells

Fill = dict[tuple[int, int], object]  # (row, col) inside a merged range -> its top-left value


@dataclass
class Header:
    spec: F.FormSpec
    row: int  # 0-based index of the first header row
    nrows: int  # 1, 2 or 3
    colmap: dict[str, int]  # column key -> 0-based column
    dupes: dict[str, list[int]]  # column key -> every column naming it, when more than one does
    unknown: list[tuple[int, str]]  # header cells that name no column of the form
    score: tuple


# ------------------------------------------------------------------------------ naming a column
_PARENS = re.compile(r"\([^)]*\)")


def _without_parens(key: str) -> str:
    return _PARENS.sub("", key)


_KEYS: dict[str, tuple[dict[str, str], dict[str, str]]] = {}


def header_keys(spec: F.FormSpec) -> tuple[dict[str, str], dict[str, str]]:
    """(exact, loose) header keys of a form -> column key; loose keys have their parentheses removed."""
    if spec.kind not in _KEYS:
        exact: dict[str, str] = {}
        loose: dict[str, str] = {}
        for col in spec.columns:
            for k in col.keys:
                exact.setdefault(k, col.key)
                loose.setdefault(_without_parens(k), col.key)
        _KEYS[spec.kind] = exact, loose
    return _KEYS[spec.kind]


def column_named(spec: F.FormSpec, text: str) -> str | None:
    """The key of the column of ``spec`` that a header text names, or None."""
    if not text:
        return None
    k = header_key(text)
    if not k:
        return None
    exact, loose = header_keys(spec)
    hit = exact.get(k)
    return hit if hit is not None else loose.get(_without_parens(k))


@lru_cache(maxsize=1)
def _catalogue_keys() -> tuple[frozenset[str], frozenset[str]]:
    return (frozenset(k for s in F.SPECS for k in header_keys(s)[0]),
            frozenset(k for s in F.SPECS for k in header_keys(s)[1]))


def names_some_column(text: str) -> bool:
    """Whether a header text names a column of any form of the catalogue. A text of CJK ideographs
    only is its own header key, and an ASCII text's key is ASCII, which no key of the catalogue is
    (``_ascii_free``): neither is cleaned (:func:`names_some_column_plain` is the reference)."""
    if CJK_ONLY.fullmatch(text):
        exact, loose = _catalogue_keys()
        return text in exact or text in loose
    if text.isascii() and _ascii_free():
        return False
    return names_some_column_plain(text)


@lru_cache(maxsize=65536)
def names_some_column_plain(text: str) -> bool:
    k = header_key(text) if text else ""
    if not k:
        return False
    exact, loose = _catalogue_keys()
    return k in exact or _without_parens(k) in loose


@lru_cache(maxsize=1)
def _ascii_free() -> bool:
    """No header key of the catalogue, exact or loose, is ASCII (nor empty)."""
    exact, loose = _catalogue_keys()
    return not any(k.isascii() for k in exact | loose)


# ------------------------------------------------------------------------------ merged cells
def merged_fill(sheet: SheetData) -> Fill:
    """Cells covered by a merged range (other than its top-left) -> the top-left value."""
    fill: Fill = {}
    for r1, c1, r2, c2 in sheet.merged:
        if (r2 - r1 + 1) * (c2 - c1 + 1) > MAX_MERGED_CELLS:
            continue
        try:
            v = sheet.rows[r1][c1]
        except IndexError:
            continue
        for r in range(r1, r2 + 1):
            for c in range(c1, c2 + 1):
                if (r, c) != (r1, c1):
                    fill[(r, c)] = v
    return fill


def cell_at(rows: list[list[object]], r: int, c: int, fill: Fill | None = None) -> object:
    """A cell's value; an empty cell inside a merged range shows the range's value."""
    try:
        v = rows[r][c]
    except IndexError:
        v = ""
    if (v == "" or v is None) and fill:
        v = fill.get((r, c), "")
    return v


MAX_HEADER_ROWS = 3


def _candidates(rows: list[list[object]], r: int, c: int, n: int, fill: Fill) -> list[str]:
    """The texts a header cell of an ``n``-row header may be read as: the cell; for a two-row header
    the sub-title, the group title and sub-title joined, then the group title; for three rows the
    lines from the bottom one up joined (织）全称, （受委托组织）全称, 原所属主体（受委托组织）全称), then
    the top lines joined. Only the top row reads merged ranges (group titles held over columns); the
    rows below read their own cells, so a title merged down the header is not read twice."""
    top = cell_text(cell_at(rows, r, c, fill))
    if n == 1:
        return [top]
    parts = [top] + [cell_text(cell_at(rows, r + k, c, None)) for k in range(1, n)]
    out: list[str] = []
    for k in range(n - 1, -1, -1):  # joins ending with the bottom line, shortest first
        if parts[k]:
            out.append("".join(parts[k:]))
    for k in range(n - 1, 0, -1):  # then the top lines alone
        if parts[k - 1]:
            out.append("".join(parts[:k]))
    out.append(_before_or_after(parts[0], parts[-1]))
    return list(dict.fromkeys(t for t in out if t)) or [top]


def _before_or_after(group: str, sub: str) -> str:
    """A group title 原… / 现… (原证件信息, 现工作单位) over a sub-title read as 原 / 现 + the sub-title:
    annex 3 names its columns in pairs (原所属主体 / 现所属主体), and a unit typing the sub-title twice
    under two group titles means one of each; "" when the group title is neither."""
    head = clean_text(group)
    return head[0] + sub if head[:1] in ("原", "现") and sub else ""


def _header_like(row: list[object]) -> bool:
    """Whether a row may be the third row of a header: texts only, no digits (a data row has its 序号,
    ID number or dates)."""
    return all(v == "" or v is None or (isinstance(v, str) and not any(ch.isdigit() for ch in v)) for v in row)


# ------------------------------------------------------------------------------ scoring rows
def read_header(spec: F.FormSpec, rows: list[list[object]], r: int, two: bool | int,
                fill: Fill) -> tuple[dict[str, int], dict[str, list[int]], list[tuple[int, str]]]:
    """Rows r.. (``two``: True or 2 for two rows, 3 for three) read as the header of ``spec``:
    (colmap, dupes, unknown)."""
    n = 2 if two is True else max(1, int(two))
    width = max(len(rows[k]) for k in range(r, min(r + n, len(rows))))
    colmap: dict[str, int] = {}
    dupes: dict[str, list[int]] = {}
    unknown: list[tuple[int, str]] = []
    last: tuple[int, str | None] = (-2, None)  # the column before and the key it named
    for c in range(width):
        texts = _candidates(rows, r, c, n, fill)
        key = next((k for k in (column_named(spec, t) for t in texts) if k), None)
        if key is None:
            label = clean_text(texts[0])
            if label:
                unknown.append((c, label))
        elif key in colmap:
            if not (last == (c - 1, key) and _merged_on(rows, r, c, n, fill)):
                dupes.setdefault(key, [colmap[key]]).append(c)
        else:
            colmap[key] = c
        last = (c, key)
    return colmap, dupes, unknown


def _merged_on(rows: list[list[object]], r: int, c: int, n: int, fill: Fill) -> bool:
    """Whether column ``c`` of an ``n``-row header holds nothing of its own, its title coming from a
    range merged across from the column before (a wide title merged over two columns, 所属主体（受委托组织）
    全称 over C:D): one header cell, not the column named twice."""
    return (r, c) in fill and all(blank_cell(cell_at(rows, r + k, c, None)) for k in range(n))


def blank_cell(v: object) -> bool:
    return v is None or (isinstance(v, str) and not v.strip())


class Lines:
    """Each row's cell texts as a header line reads them (cell_text; the top line with the merged
    ranges' values), made once: locate_header reads a row as the top, second and third line."""

    def __init__(self, rows: list[list[object]], fill: Fill):
        self.rows, self.fill, self.got = rows, fill, {}

    def __call__(self, k: int, width: int, top: bool) -> list[str]:
        key = (k, top and bool(self.fill))
        texts = self.got.get(key)
        if texts is None or len(texts) < width:
            fill = self.fill if top else None
            texts = self.got[key] = [cell_text(cell_at(self.rows, k, c, fill)) for c in range(width)]
        return texts


def names_three_columns(rows: list[list[object]], r: int, fill: Fill, lines: Lines | None = None) -> bool:
    """Whether 3 or more cells of row r (alone, or joined with row r+1 as a two-row header would be)
    name a column of some form. A row that does not cannot be scored by any form of the catalogue,
    so locate_header skips it without scoring it 16 times. Every text ``_candidates`` gives a 2- or
    3-row header is one of the lines, lines joined or ``_before_or_after``: each tested once, the rows'
    texts made once (``lines``; :func:`names_three_columns_plain` is the reference)."""
    ns = [n for n in (2, 3) if r + n - 1 < len(rows)] or [1]
    h = ns[-1]
    width = max(len(rows[k]) for k in range(r, r + h))
    lines = lines or Lines(rows, fill)
    texts = [lines(r, width, True)] + [lines(r + k, width, False) for k in range(1, h)]
    hits = 0
    for parts in zip(*texts):
        if h == 1:
            joins: tuple[str, ...] = parts
        elif h == 2:
            joins = (*parts, parts[0] + parts[1], _before_or_after(parts[0], parts[1]))
        else:
            a, b, c = parts
            joins = (a, b, c, a + b, b + c, a + b + c, _before_or_after(a, c))
        if any(t and names_some_column(t) for t in joins):
            hits += 1
            if hits >= 3:
                return True
    return False


def names_three_columns_plain(rows: list[list[object]], r: int, fill: Fill) -> bool:
    ns = [n for n in (2, 3) if r + n - 1 < len(rows)] or [1]
    width = max(len(rows[k]) for k in range(r, r + ns[-1]))
    hits = 0
    for c in range(width):
        if any(names_some_column_plain(t) for n in ns for t in _candidates(rows, r, c, n, fill)):
            hits += 1
            if hits >= 3:
                return True
    return False


def _title_bonus(spec: F.FormSpec, rows: list[list[object]], upto: int, sheet_name: str) -> int:
    """Title words of the form (附件2, 注销表 …) above the header or in the sheet name."""
    text = sheet_name + " " + " ".join(cell_text(v) for row in rows[: max(upto, 0)] for v in row if v != "")
    text = compact(text)
    return sum(1 for w in spec.signature_words if w in text) + (
        1 if spec.sheet_name and spec.sheet_name in sheet_name else 0)


def _score(spec: F.FormSpec, sheet: SheetData, r: int, n: int, fill: Fill) -> Header | None:
    """Rows r..r+n-1 read as the header of ``spec``; None when too few of its columns are there (fewer
    than 3 columns, or fewer than half the mandatory ones). Fewer rows win a tie."""
    colmap, dupes, unknown = read_header(spec, sheet.rows, r, n, fill)
    mandatory = [c.key for c in spec.columns if not c.optional]
    need = sum(1 for k in mandatory if k in colmap)
    if len(colmap) < 3 or need * 2 < len(mandatory):
        return None
    score = (len(colmap) + need, need / len(mandatory), -_lines_left(spec, sheet.rows, r, n, fill), 1 - n, _title_bonus(spec, sheet.rows, r, sheet.name), -r)
    return Header(spec, r, n, colmap, dupes, unknown, score)


def _lines_left(spec: F.FormSpec, rows: list[list[object]], r: int, n: int, fill: Fill) -> int:
    """Cells of the header rows below the top that no column title read in an ``n``-row header takes
    up: a second line of a title left over (（受委托组 under 原所属主体) says the header is taller, a
    data row read as a header line says it is shorter."""
    if n == 1:
        return 0
    left = 0
    width = max(len(rows[k]) for k in range(r, r + n))
    for c in range(width):
        texts = _candidates(rows, r, c, n, fill)
        used = next((t for t in texts if column_named(spec, t)), "")
        left += sum(1 for k in range(1, n) if (p := cell_text(cell_at(rows, r + k, c, None))) and p not in used)
    return left


def _worth_scoring(sheet: SheetData, r: int, fill: Fill, catalogue_only: bool, lines: Lines) -> bool:
    row = sheet.rows[r]
    if sum(1 for v in row if v != "" and v is not None) < 2 and not any(fill.get((r, c)) for c in range(len(row))):
        return False
    return not catalogue_only or names_three_columns(sheet.rows, r, fill, lines)


def header_at(sheet: SheetData, r: int, specs: Iterable[F.FormSpec]) -> Header | None:
    """The best-scoring header of any of ``specs`` whose top row is row ``r`` (0-based), or None."""
    rows, fill = sheet.rows, merged_fill(sheet)
    if r >= len(rows) or not _worth_scoring(sheet, r, fill, all(s in F.SPECS for s in specs), Lines(rows, fill)):
        return None
    heights = [n for n in range(1, MAX_HEADER_ROWS + 1) if r + n - 1 < len(rows) and (n < 3 or _header_like(rows[r + 2]))]
    found = (_score(spec, sheet, r, n, fill) for spec in specs for n in heights)
    best = max((h for h in found if h is not None), key=lambda h: h.score, default=None)
    return _two_rows_if_merged(sheet, best, fill) if best is not None else None


def locate_header(sheet: SheetData, specs: Iterable[F.FormSpec], max_scan: int = MAX_SCAN) -> Header | None:
    """The best-scoring header row (or two rows) of any of ``specs`` among the first ``max_scan``
    non-empty rows: title rows, metadata rows and blank runs above the header are passed over."""
    rows = sheet.rows
    fill = merged_fill(sheet)
    specs = tuple(specs)
    catalogue_only = all(s in F.SPECS for s in specs)  # names_three_columns knows the catalogue's keys
    best: Header | None = None
    lines = Lines(rows, fill)
    nonempty = (r for r in range(len(rows)) if any(v != "" and v is not None for v in rows[r]))
    for _, r in zip(range(max_scan), nonempty):
        if not _worth_scoring(sheet, r, fill, catalogue_only, lines):
            continue
        heights = [n for n in range(1, MAX_HEADER_ROWS + 1) if r + n - 1 < len(rows)
                   and (n < 3 or _header_like(rows[r + 2]))]
        for spec in specs:
            for n in heights:
                h = _score(spec, sheet, r, n, fill)
                if h is not None and (best is None or h.score > best.score):
                    best = h
    return _two_rows_if_merged(sheet, best, fill) if best is not None else None


def _two_rows_if_merged(sheet: SheetData, best: Header, fill: Fill) -> Header:
    """A one-row match that only works because vertical merges from the row above fill it in is
    really a two-row header (group titles above, sub-titles below)."""
    r = best.row
    if best.nrows != 1 or r == 0:
        return best
    if any(r1 == r - 1 and r2 >= r and c1 <= ci <= c2 for r1, c1, r2, c2 in sheet.merged for ci in best.colmap.values()):
        colmap, dupes, unknown = read_header(best.spec, sheet.rows, r - 1, True, fill)
        if len(colmap) >= len(best.colmap):
            return Header(best.spec, r - 1, 2, colmap, dupes, unknown, best.score)
    return best
