"""Converting cells: one converter per column type (forms.Column.type).

A converter takes a cell as read (str, float, int, bool, date or datetime) and returns its
normalised value — what Record.values holds — and the problems found in it. The value is None when
the cell is empty or unusable. ``convert_cell`` first deals with what every type shares: a formula
error (#REF! …) and an empty cell. Columns are converted in columns.py.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from dataclasses import dataclass
from typing import Any, Callable, NamedTuple

from .. import forms as F
from .. import rules as R
from ..idcard import IdResult, check_char, check_id
from ..normalize import (DASHES, cell_text, clean_text, compact, normalise_name, parse_date, parse_number,
                         unquoted)
from .errorcells import is_error_value


class Problem(NamedTuple):
    """A problem found in one cell: the finding to report at it."""

    code: str
    value: str  # the value the finding quotes
    severity: str | None = None  # None: the rule's own severity
    sensitive: bool = False  # the value is an ID number: masked when printed
    params: dict[str, Any] = {}  # message parameters (never modified)


class IdValue(NamedTuple):
    """The value of an ID cell: the normalised number, whether it is valid, and (when valid) the
    birth date and sex it encodes. Record.values keeps them as id, id_ok, _birth and _male."""

    id: str | None
    ok: bool | None
    birth: dt.date | None
    male: bool | None


NO_ID = IdValue(None, None, None, None)  # an empty (or unreadable) ID cell


@dataclass(frozen=True)
class FormFacts:
    """What converting a cell depends on besides its column."""

    form_date: dt.date | None  # the form's 填报时间 (dates after it are an error)
    lang: str


Converted = tuple[Any, tuple[Problem, ...]]  # (value, problems)
Converter = Callable[[Any, F.Column, FormFacts], Converted]


def is_empty(raw: object) -> bool:
    """Nothing in the cell but spaces, invisible characters or punctuation-free blanks."""
    return raw is None or raw == "" or (isinstance(raw, str) and not raw[:1].isalnum() and not clean_text(raw))


_NOT_APPLICABLE = re.compile(rf"[/\\\-_{DASHES}]+|无|暂无|没有|不适用|n/?a", re.I)


def not_applicable(raw: object) -> bool:
    """A date or number cell a clerk marked as not applying to the row: / — - 无 (离岗日期 of a holder
    still in post, 新执法领域培训学时 of one who did not move). It reads as an empty cell."""
    return isinstance(raw, str) and _NOT_APPLICABLE.fullmatch(compact(clean_text(raw))) is not None


def convert_cell(raw: object, col: F.Column, facts: FormFacts) -> Converted:
    """The value of one cell of column ``col`` and its problems."""
    if is_error_value(raw):
        # a formula error: say so, never "empty" or "bad checksum" (a warning in an optional column)
        return None, (Problem("F007", clean_text(cell_text(raw)), None if col.required else R.WARNING),)
    if is_empty(raw) or (col.type in ("date", "number") and not_applicable(raw)):
        return None, ((Problem(col.empty_code, ""),) if col.required else ())
    return CONVERTERS[col.type](raw, col, facts)


# ------------------------------------------------------------------------------ ID numbers
_QUOTES = ("'", "‘", "’", "`")  # typed in front to keep a number as text, as in Excel's '320681…


def convert_id(raw: Any, col: F.Column, facts: FormFacts) -> Converted:
    """GB 11643-1999: see idcard.check_id. A quote typed in front is accepted (noted as I007)."""
    quoted = isinstance(raw, str) and raw.lstrip()[:1] in _QUOTES
    res = check_id(raw.lstrip().lstrip("'‘’`") if quoted else raw)
    if quoted:
        res.changed = True
    ok = res.problem is None
    value = IdValue(res.value, ok, res.birth if ok else None, res.male if ok else None)
    return value, id_problems(cell_text(raw), res)


def id_problems(text: str, res: IdResult) -> tuple[Problem, ...]:
    """The findings of one ID cell (I002–I009) from check_id's outcome."""
    v = res.value
    if res.problem is None:
        notes = []
        if res.changed:
            notes.append(Problem("I007", text, None, True, {"id": v}))
        if res.area_unknown:
            notes.append(Problem("I009", v, None, True, {"id": v, "area": v[:6]}))
        return tuple(notes)
    p = res.problem
    if p == "number":
        return (Problem("I006", text, None, True, {"id": v}),)
    if p == "legacy15":
        return (Problem("I003", v, None, True, {"id": v}),)
    if p in ("length", "chars"):
        return (Problem("I002", v, None, True, {"id": v, "length": len(v)}),)
    if p == "province":
        return (Problem("I008", v, None, True, {"id": v, "prefix": v[:2]}),)
    if p == "birth":
        return (Problem("I005", v, None, True, {"id": v, "birth": f"{v[6:10]}-{v[10:12]}-{v[12:14]}"}),)
    if p == "checksum":
        return (Problem("I004", v, None, True, {"id": v, "expected": check_char(v[:17])}),)
    if p == "empty":
        return (Problem("I001", ""),)
    return ()


# ------------------------------------------------------------------------------ names
def convert_name(raw: Any, col: F.Column, facts: FormFacts) -> Converted:
    """姓名: spaces typed for alignment dropped, middle dots unified (少数民族 names); a digit or
    Latin letter is a warning (N002)."""
    name, odd = normalise_name(raw)
    return name, ((Problem("N002", name),) if odd else ())


CJK_ONLY = re.compile(r"[\u4e00-\u9fff]+")  # CJK unified ideographs: text NFKC and cleaning leave as it is


# ------------------------------------------------------------------------------ certificates
def convert_cert(raw: Any, col: F.Column, facts: FormFacts) -> Converted:
    """A certificate number: letters and digits only, upper-cased; a number cell that lost digits
    (a fraction, 15+ digits, 3.2E+13 typed as text) is C003, anything else odd C002."""
    text = cell_text(raw)
    if isinstance(raw, (int, float)):
        if isinstance(raw, float) and (not raw.is_integer() or abs(raw) >= 1e15):
            return None, (Problem("C003", text),)
        return str(int(raw)), ()
    # a character Excel and WPS do not show (a zero-width space pasted from a web page or a chat) is no
    # character of the number: dropped, not turned into a space the clerk cannot see (“JS​0003” is JS0003);
    # nor is the quote an export leaves in front to keep the number as text ('320680000001, as an ID's)
    v = text if text.isascii() and text.isalnum() else unquoted(clean_text(text.translate(_UNSEEN)))
    if _EXPONENT.fullmatch(v):  # 3.20681E+13, as Excel shows a long number: its digits are lost
        return None, (Problem("C003", text),)
    if not _LETTERS_DIGITS.fullmatch(v):
        return None, (Problem("C002", text),)
    return v.upper(), ()


_EXPONENT = re.compile(r"\d(\.\d+)?E\+?\d+", re.I)
_UNSEEN = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"), None)  # zero-width, BOM, soft hyphen
_LETTERS_DIGITS = re.compile(r"[0-9A-Za-z]+")


# ------------------------------------------------------------------------------ choices


def convert_choice(raw: Any, col: F.Column, facts: FormFacts) -> Converted:
    """A value from the column's list (性别, 情况, 证件类别 …); anything else is V002 with the closest
    allowed value suggested."""
    text = cell_text(raw)
    v = F.canonical(compact(text), col.enum)  # one vocabulary (forms.SAME): 男性 is 男, 在职 is 在岗; √ in 是/否 is 是
    if v in col.enum:
        return v, ()
    return None, (Problem("V002", text, params={"allowed": " / ".join(col.enum),
                                                "suggest": suggest(v, col.enum, facts.lang)}),)


def suggest(value: str, allowed: tuple[str, ...], lang: str) -> str:
    """'是否应为“X”？' naming the allowed value closest to ``value`` (what the vocabulary says it means,
    forms.SAME / NEAR; a value that contains it or is contained in it; else the closest spelling); ""
    when none is close. A word the vocabulary knows is never answered by spelling alone."""
    best = F.meant(value)
    if best is not None and best not in allowed:
        return ""  # it means a value this column does not have: no guess that could reverse it
    if best is None:
        best = next((a for a in allowed if a and value and (a in value or value in a)), None)
    if best is None:
        close = difflib.get_close_matches(value, allowed, n=1, cutoff=0.3)
        best = close[0] if close else None
    if not best:
        return ""
    return f" Did you mean '{best}'?" if lang == "en" else f"是否应为“{best}”？"


# ------------------------------------------------------------------------------ dates, numbers, text
def convert_date(raw: Any, col: F.Column, facts: FormFacts) -> Converted:
    """A date (Excel date or serial, 2024-06-03, 2024/6/3, 2024.6.3, 2024年6月3日, 20240603); D001
    when it is none or does not exist, D002 when it is after the form's 填报时间."""
    d, problem = parse_date(raw)
    if d is not None and d.year < 1950 and isinstance(raw, (int, float)) and not isinstance(raw, bool):
        d, problem = None, "format"  # 5.2 (5.20 typed into a number cell) is no serial of an event's day
    if d is None and problem == "format" and facts.form_date is not None and isinstance(raw, str):
        d = month_day(raw, facts.form_date)  # (not a number cell: 5.20 typed there is 5.2, its day lost)
        if d is not None:  # 5月20日: the year the form's date gives it, said
            return d, (Problem("D003", cell_text(raw), params={"date": d.isoformat(),
                                                                 "form_date": facts.form_date.isoformat()}),)
    if d is None:
        return None, (Problem("D001", cell_text(raw), params={"why": _why_not_a_date(problem or "format", facts.lang)}),)
    if facts.form_date and d > facts.form_date and not col.after_form:
        return d, (Problem("D002", d.isoformat(), params={"form_date": facts.form_date.isoformat()}),)
    return d, ()


_MONTH_DAY = re.compile(r"(\d{1,2})\s*(?:月\s*(\d{1,2})\s*[日号]?|[./-]\s*(\d{1,2}))")


def month_day(text: str, form_date: dt.date) -> dt.date | None:
    """A day written without its year (5月20日, 5月20号, 5.20, 5-20, 5/20) as the last such day on or
    before the form's 填报时间 — as a day without its year in 备注 is dated (certctl.model.events); None
    for anything else, or a day that does not exist."""
    m = _MONTH_DAY.fullmatch(clean_text(text).replace("。", "."))
    if m is None:
        return None
    month, day = int(m.group(1)), int(m.group(2) or m.group(3))
    for year in (form_date.year, form_date.year - 1):
        try:
            d = dt.date(year, month, day)
        except ValueError:
            return None
        if d <= form_date:
            return d
    return None


def _why_not_a_date(problem: str, lang: str) -> str:
    if lang == "en":
        return "is not a real date" if problem == "impossible" else "cannot be read as a date"
    return "是不存在的日期" if problem == "impossible" else "无法识别为日期"


def convert_number(raw: Any, col: F.Column, facts: FormFacts) -> Converted:
    """Hours and counts: a number not below 0 (24, 24.5, "24学时"); else V003."""
    n, _ = parse_number(raw)
    if n is None or n < 0:
        return None, (Problem("V003", cell_text(raw)),)
    return n, ()


def convert_text(raw: Any, col: F.Column, facts: FormFacts) -> Converted:
    """Free text and unit names: cleaned (full-width to half-width, spaces collapsed); a reason with
    drop-down choices reads a word of the vocabulary as the choice it means (岗位调整 is 岗位调动)."""
    text = clean_text(cell_text(raw))
    if col.choices and text:
        text = F.canonical(text)
    return text, ()


CONVERTERS: dict[str, Converter] = {
    "id": convert_id, "name": convert_name, "cert": convert_cert, "sex": convert_choice,
    "enum": convert_choice, "date": convert_date, "number": convert_number, "unit": convert_text,
    "text": convert_text,
}
