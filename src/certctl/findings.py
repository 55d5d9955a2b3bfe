"""Findings are data: one problem, where it is, which rule it breaks. Renderers turn them into text."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field as dc_field
from typing import Any

from . import rules as R
from .normalize import mask_id, mask_ids_in_text

SEVERITY_ORDER = {R.ERROR: 0, R.WARNING: 1, R.INFO: 2}
_ID_PARAMS = ("id", "id2")


MAX_SHOWN = 120  # characters of a cell value quoted in a message


def _clip(text: str) -> str:
    """Keep messages readable when a cell holds a huge value (a 100,000-character ID cell)."""
    if len(text) <= MAX_SHOWN:
        return text
    return f"{text[:MAX_SHOWN]}…（共 {len(text)} 字 / {len(text)} chars）"


def col_letter(index: int) -> str:
    """0-based column index -> Excel letters (0 -> A, 26 -> AA)."""
    s = ""
    n = index + 1
    while n:
        n, r = divmod(n - 1, 26)
        s = chr(65 + r) + s
    return s


_PLAIN_SHEET = re.compile(r"[^\W\d]\w*")  # a sheet name Excel writes without quotes (letters, CJK, digits, _)
_LOOKS_LIKE_CELL = re.compile(r"[A-Za-z]{1,3}\d+|[Rr]\d*[Cc]\d*")


def cell_ref(sheet: str | None, row: int | None = None, col: int | None = None) -> str:
    """A place in a workbook, written as Excel writes it (what its Name Box accepts): 人员!K5 for the
    cell at Excel row 5, 0-based column 10; 人员!5:5 for a whole row; 人员 for the whole sheet. A sheet
    name that needs quotes gets them ('第 2 页'!A1). Without a sheet, just K5 (or "")."""
    if col is not None and row is not None:
        place = f"{col_letter(col)}{row}"
    elif row is not None:
        place = f"{row}:{row}"
    else:
        place = ""
    if not sheet:
        return place
    name = _sheet_name(sheet)
    return f"{name}!{place}" if place else name


@functools.lru_cache(maxsize=256)
def _sheet_name(sheet: str) -> str:
    """A sheet's name as a reference writes it, quoted when it must be (asked once a sheet: the
    ledger's sources name a handful of sheets 10^5 times, issue 15)."""
    return sheet if _PLAIN_SHEET.fullmatch(sheet) and not _LOOKS_LIKE_CELL.fullmatch(sheet) else (
        "'" + sheet.replace("'", "''") + "'")


@dataclass(slots=True)
class Finding:
    code: str
    path: str = ""
    sheet: str | None = None
    row: int | None = None  # Excel row number (1-based)
    col: int | None = None  # 0-based column index
    field: str | None = None  # canonical column title
    value: str | None = None  # the cell's text as read (not masked here)
    params: dict[str, Any] = dc_field(default_factory=dict)
    sensitive: bool = False  # value is an ID number: mask when printed
    severity_override: str | None = None

    @property
    def rule(self) -> R.Rule:
        return R.RULES[self.code]

    @property
    def severity(self) -> str:
        return self.severity_override or self.rule.severity

    @property
    def column(self) -> str | None:
        return col_letter(self.col) if self.col is not None else None

    @property
    def cell(self) -> str | None:
        if self.col is None or self.row is None:
            return None
        return f"{col_letter(self.col)}{self.row}"

    @property
    def ref(self) -> str:
        """Where the finding is, as 人员!K5 (see cell_ref); "" for a finding about the whole file."""
        return cell_ref(self.sheet, self.row, self.col)

    def shown_value(self, show_id: bool = False) -> str | None:
        if self.value is None:
            return None
        if self.sensitive and not show_id:
            return _clip(mask_id(self.value))
        return _clip(self.value if show_id else mask_ids_in_text(self.value))

    def _params(self, show_id: bool) -> dict[str, Any]:
        p = dict(self.params)
        p.setdefault("field", self.field or "")
        if "value" not in p:
            p["value"] = self.shown_value(show_id) or ""
        if not show_id:
            for k in _ID_PARAMS:
                if p.get(k):
                    p[k] = mask_id(str(p[k]))
        for k, v in p.items():
            if isinstance(v, str):
                p[k] = _clip(v)
        return p

    def message(self, lang: str = "zh", show_id: bool = False) -> str:
        return self.rule.message(lang, **self._params(show_id))

    def hint(self, lang: str = "zh", show_id: bool = False) -> str:
        return self.rule.hint(lang, **self._params(show_id))

    def sort_key(self) -> tuple:
        return (self.path, self.sheet or "", self.row or 0, self.col if self.col is not None else -1, self.code)

    def to_dict(self, lang: str = "zh", show_id: bool = False) -> dict[str, Any]:
        return {
            "code": self.code,
            "severity": self.severity,
            "sheet": self.sheet,
            "row": self.row,
            "column": self.column,
            "cell": self.cell,
            "ref": self.ref or None,
            "field": self.field,
            "value": self.shown_value(show_id),
            "message": self.message(lang, show_id),
            "hint": self.hint(lang, show_id) or None,
        }


def count(findings: list[Finding], severity: str) -> int:
    return sum(1 for f in findings if f.severity == severity)
