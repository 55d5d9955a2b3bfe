"""Rows of the validated forms as dated events of a certificate, each with its source.

One accepted row is one event — an annex 4 row is two (the loss, then the reissue once the form is
filed), and a row whose 备注 records when a new card was signed for (签收) adds that too. Dates are the
dates of what happened, as the notices name them:

============  =========================  ==================================================
event         from                       dated
============  =========================  ==================================================
录入归集/修改   annex 1                     数据录入时间 (else the form's 填报时间)
注销           annex 1 注销                数据录入时间 (the system revocation)
注销           annex 2                     the form's 填报时间: the card is handed back with
                                         the form (启依法办发〔2020〕15号 二, 附件2 注) — not
                                         the 变动日期 (the leaving day, the 3-day clock's start)
换发           annex 3                     the form's 填报时间 (the old card handed back)
挂失 / 补发     annex 4                     证件遗失时间 / the form's 填报时间
签收           a 签收 date in 备注          that date (the new card signed for)
摸排           survey 人员 sheet            the form's 填报时间
============  =========================  ==================================================

A form without 填报时间 still places its rows by their own date (变动日期 …) so nothing is lost; the
dates a clock needs are then unknown and the clock is not checkable.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from operator import itemgetter
from typing import Any, Sequence

from ..findings import cell_ref
from ..normalize import compact
from ..validate.results import Values

_item = tuple.__getitem__

# certificate states (证件状态)
VALID, REVOKED, REPLACED, REISSUED, LOST = "有效", "已注销", "已换发", "已补发", "挂失"
STATUSES = (VALID, REVOKED, REPLACED, REISSUED, LOST)
IN_FORCE = frozenset((VALID, LOST))  # the card itself is still the holder's
CLOSED = frozenset((REVOKED, REPLACED, REISSUED))  # counted by state, never as a green holder
STATUS_EN = {VALID: "valid", REVOKED: "revoked", REPLACED: "replaced", REISSUED: "reissued", LOST: "lost"}

# 红黄绿 (the colours themselves are judged in .accounts)
RED, YELLOW, GREEN = "红", "黄", "绿"
COLOURS = (RED, YELLOW, GREEN)
COLOUR_EN = {RED: "red", YELLOW: "yellow", GREEN: "green"}

# event kinds (变动记录 / 最近变动)
E_SIGN, E_ENTER, E_MODIFY, E_REVOKE, E_REPLACE, E_LOSS, E_REISSUE, E_SURVEY = (
    "签收", "录入归集", "修改", "注销", "换发", "挂失", "补发", "摸排")
EVENT_KINDS = (E_SIGN, E_ENTER, E_MODIFY, E_REVOKE, E_REPLACE, E_LOSS, E_REISSUE, E_SURVEY)
EVENT_EN = {E_SIGN: "signed for", E_ENTER: "entered", E_MODIFY: "modified", E_REVOKE: "revoked",
            E_REPLACE: "replaced", E_LOSS: "lost", E_REISSUE: "reissued", E_SURVEY: "surveyed"}

CERT_KINDS = ("annex1", "annex2", "annex3", "annex4", "survey_people")
REFERENCE_KINDS = ("registry", "national", "survey_units")

LOSS_WORDS = ("遗失", "丢失")
SIGN_WORDS = ("签收",)


def source_text(rel: str, row: int | None, lang: str = "zh", sheet: str | None = None) -> str:
    """Where a row is: the file and, with its sheet, the row as findings.cell_ref writes it (人员!4:4)."""
    if row is None:
        return rel
    if sheet:
        return f"{rel} {cell_ref(sheet, row)}"
    return f"{rel} row {row}" if lang == "en" else f"{rel} 第{row}行"


@dataclass(slots=True)
class Event:
    kind: str  # one of EVENT_KINDS
    date: dt.date
    cert: str
    id: str
    name: str
    unit: str  # the unit the row is about (annex 3: the original unit)
    path: str  # file path as read
    rel: str  # path relative to the workspace root
    sheet: str
    row: int  # Excel row
    values: dict[str, Any]  # the record's normalised values
    family: str  # form kind of the row (annex1 … survey_people)
    filed: dt.date | None = None  # the form's 填报时间
    sub: int = 1  # order of events from one row (signing 0, loss 0, the row's own 1, …)
    record: Any = None  # certctl.validate.Record, when the caller keeps it (the model does not: issue 15)
    signed: dt.date | None = None  # a 签收 date the row records (the new card signed for)
    codes: tuple[str, ...] = ()  # the row's validation codes (Record.codes), in order
    loss: tuple[bool, dt.date | None] | None = None  # survey: loss_in_survey of the row

    def row_codes(self) -> Sequence[str]:
        """The row's validation codes: its own, else its record's (an event made by hand)."""
        rec = self.record
        return self.codes if self.codes or rec is None else rec.codes

    @property
    def source(self) -> str:
        return source_text(self.rel, self.row, sheet=self.sheet)

    @property
    def where(self) -> str:
        return source_text(self.rel, self.row, sheet=self.sheet)

    def sort_key(self) -> tuple:
        """Oldest first; on one day signing and entry first, then the paper forms of a change, then the
        annex 1 filings of it (注销/修改), then surveys."""
        k = self.kind
        rank = 0 if k == E_ENTER or k == E_SIGN else 3 if k == E_SURVEY else 2 if self.family == "annex1" else 1
        return (self.date, rank, self.path, self.sheet, self.row, self.sub)


# ------------------------------------------------------------------------------------ text
_DATE_IN_TEXT = re.compile(
    r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})|(?<!\d)(20\d{2})(\d{2})(\d{2})(?!\d)"
)
_CLAUSES = re.compile(r"[，,；;。\n]")
_MONTH_DAY = re.compile(r"(?<![\d年./-])(\d{1,2})\s*月\s*(\d{1,2})\s*[日号]")


def date_in_text(text: str) -> dt.date | None:
    """The first real date written in free text or a file name (2024-06-03, 2024.6.3, 2024年6月3日, 20240603)."""
    for m in _DATE_IN_TEXT.finditer(compact(text or "")):
        g = m.groups()
        y, mo, d = (g[0], g[1], g[2]) if g[0] else (g[3], g[4], g[5])
        try:
            return dt.date(int(y), int(mo), int(d))
        except ValueError:
            continue
    return None


def dated_mention(text: str, words: tuple[str, ...], ref: dt.date | None = None) -> tuple[bool, dt.date | None]:
    """Does ``text`` mention one of ``words`` (遗失, 签收 …), and on which date: the date written in the
    same clause (“2024年6月1日登报声明作废，6月10日签收” → the clause “6月10日签收” has no year, so the
    date of the whole text is not taken for it). A clause with a month and day but no year (“9月27日签收”,
    as clerks write in 备注) is dated by ``ref``, the form's 填报时间: the last such day on or before it."""
    if not text or not any(w in text for w in words):
        return False, None
    for clause in _CLAUSES.split(text):
        if any(w in clause for w in words):
            d = date_in_text(clause)
            if d is None and ref is not None:
                d = _month_day(clause, ref)
            if d is not None:
                return True, d
    return True, None


def _month_day(clause: str, ref: dt.date) -> dt.date | None:
    """“9月27日” in ``clause`` as the last such day on or before ``ref`` (None: none, or no such day)."""
    m = _MONTH_DAY.search(compact(clause))
    if m is None:
        return None
    month, day = int(m.group(1)), int(m.group(2))
    for year in (ref.year, ref.year - 1):
        try:
            d = dt.date(year, month, day)
        except ValueError:
            continue
        if d <= ref:
            return d
    return None


def row_text(rec: Any, keys: tuple[str, ...] = ("remark", "opinion")) -> str:
    return " ".join(str(rec.values.get(k) or rec.raw.get(k) or "") for k in keys)


def loss_in_survey(rec: Any, ref: dt.date | None = None) -> tuple[bool, dt.date | None]:
    """A survey row whose 备注/处理意见 records a loss (遗失/丢失), and its date when written (a day without
    its year: dated by ``ref``, the survey's 填报时间)."""
    return dated_mention(row_text(rec), LOSS_WORDS, ref)


def signed_on(rec: Any, ref: dt.date | None = None) -> dt.date | None:
    """The day a new card was signed for (签收): the optional 签收日期 column, else a date the row's 备注
    gives with 签收 (启依法办发〔2020〕15号 一: 签收 … 后 10 个工作日内; a day without its year: dated by
    ``ref``, the form's 填报时间)."""
    v = rec.values
    return _signed(v.get("sign_date"), v.get("remark"), rec, ref)


def _signed(when: Any, remark: Any, rec: Any, ref: dt.date | None = None) -> dt.date | None:
    """:func:`signed_on` from the row's 签收日期 and 备注 values (taken with the others: :meth:`Slim.take`)."""
    if isinstance(when, dt.date):
        return when
    text = remark or rec.raw.get("remark")
    if not text or not any(w in text for w in SIGN_WORDS):
        return None
    return dated_mention(str(text), SIGN_WORDS, ref)[1]


# ------------------------------------------------------------------------------------ rows
def event_date(kind: str, rec: Any, res: Any) -> dt.date | None:
    v = rec.values
    form_date = res.meta.date
    if kind == "annex1":
        return v.get("entry_date") or form_date
    if kind in ("annex2", "annex3"):
        return form_date or v.get("change_date")
    if kind == "annex4":
        return v.get("lost_date") or form_date
    return form_date


def reject_reason(kind: str, rec: Any, res: Any) -> tuple[str, str, str | None] | None:
    """(zh, en, column key) when the row cannot be placed in the ledger."""
    v = rec.values
    if kind in CERT_KINDS or kind == "national":
        if not v.get("id_ok"):
            if not rec.raw.get("id"):
                return "身份证号码为空", "the ID number is empty", "id"
            return "身份证号码无效", "the ID number is invalid", "id"
        if not v.get("cert"):
            if not rec.raw.get("cert"):
                return "证件号码为空", "the certificate number is empty", "cert"
            return "证件号码无效", "the certificate number is invalid", "cert"
    if kind == "annex1" and not v.get("action"):
        return "“数据录入归集、注销、修改情况”为空或无效", "the entry/revocation/modification action is empty or invalid", "action"
    if kind in ("registry", "survey_units") and not v.get("unit"):
        return "单位全称为空", "the unit's full name is empty", "unit"
    if kind in CERT_KINDS and event_date(kind, rec, res) is None:
        return "没有可用的日期（行内日期和填报时间都缺失或无效）", "no usable date (neither the row's date nor the form's 填报时间)", None
    return None


_ANNEX1 = {"录入归集": E_ENTER, "注销": E_REVOKE, "修改": E_MODIFY}


#: keys of Record.values an event never needs: held by the event itself (cert, id, name), or used
#: only to make it (annex 1 action, entry and signing dates; the ID's derived birth date and sex)
_NOT_KEPT = frozenset(("cert", "id", "id_ok", "_birth", "_male", "name", "action", "entry_date", "sign_date"))


#: the values :func:`events_of` reads of a row, taken at once (:meth:`Slim.take`)
HEAD = ("cert", "id", "name", "unit", "action", "sign_date", "remark", "orig_unit")
_AFTER = (None,)  # put after a slim row's values: where a key its map lacks is read


class Slim:
    """What an event keeps of its row's values: the keys not in ``_NOT_KEPT`` whose value is not None
    (``.get`` answers None for the rest, as before); equal dicts are shared, so the usual annex 1 row
    (unit and sex) costs nothing per row (issue 15). Nobody changes an event's values."""

    def __init__(self) -> None:
        self.memo: dict[tuple, dict[str, Any]] = {}
        # id(key map) -> (it, kept places, a getter of the HEAD values): found once a key map
        self.places: dict[int, tuple[Any, tuple[tuple[str, int], ...], Any]] = {}

    def _places(self, index: dict[str, int]) -> tuple[Any, tuple[tuple[str, int], ...], Any]:
        got = self.places.get(id(index))
        if got is None or got[0] is not index:
            absent = len(index) + 1  # the None of _AFTER
            got = self.places[id(index)] = (index, tuple((k, i) for k, i in index.items() if k not in _NOT_KEPT),
                                            itemgetter(*[index.get(k, absent) for k in HEAD]))
        return got

    def __call__(self, values: dict[str, Any]) -> dict[str, Any]:
        if values.__class__ is Values:  # a slim record's (issue 15): the kept keys' places found once a key map
            _, places, _ = self._places(_item(values, 0))
            items = tuple([(k, x) for k, i in places if (x := _item(values, i)) is not None])
        else:
            items = self.kept(values)
        return self._shared(items)

    def take(self, values: dict[str, Any]) -> tuple[dict[str, Any], tuple]:
        """What an event keeps of ``values`` (as called) and their :data:`HEAD` values, in one step: of a
        slim record's by their places (issue 15); :meth:`head` is the plain reference."""
        if values.__class__ is not Values:
            return self(values), self.head(values)
        _, places, head = self._places(_item(values, 0))
        items = tuple([(k, x) for k, i in places if (x := _item(values, i)) is not None])
        return self._shared(items), head(values + _AFTER)

    @staticmethod
    def kept(values: Any) -> tuple:
        """The items kept, in order: the plain reference of the fast path for Values above."""
        return tuple((k, v) for k, v in values.items() if v is not None and k not in _NOT_KEPT)

    @staticmethod
    def head(values: Any) -> tuple:
        """The :data:`HEAD` values (None when absent): the plain reference of :meth:`take`'s."""
        return tuple(map(values.get, HEAD))

    def _shared(self, items: tuple) -> dict[str, Any]:
        try:
            got = self.memo.get(items)
        except TypeError:  # an unhashable value: not shared
            return dict(items)
        if got is None:
            got = self.memo[items] = dict(items)
        return got


def events_of(kind: str, rec: Any, res: Any, rel: str, d: dt.date | None = None,
              slim: Slim | None = None) -> list[Event]:
    """The events of one accepted row (see the module docstring); ``d``: its :func:`event_date`;
    ``slim``: keep only what the model reads of the values (:class:`Slim`), not the record."""
    v = rec.values
    if d is None:
        d = event_date(kind, rec, res)
    assert d is not None
    if slim is None:
        kv, head, keep, codes, loss = v, Slim.head(v), rec, (), None
    else:  # the record not kept: its codes and (survey) loss are
        (kv, head), keep, codes = slim.take(v), None, tuple(rec.codes)
        loss = loss_in_survey(rec, res.meta.date) if kind == "survey_people" else None
    return _events_of(kind, rec, kv, head, d, res.meta.date, res.path, rel, keep, codes, loss)


def _events_of(kind: str, rec: Any, kv: dict[str, Any], head: tuple, d: dt.date, filed: dt.date | None, path: str,
               rel: str, keep: Any, codes: tuple[str, ...], loss: tuple[bool, dt.date | None] | None) -> list[Event]:
    """The events of :func:`events_of`, each made once with what it keeps (``keep``: the record or None)."""
    cert, pid, name, unit, action, sign_date, remark, orig_unit = head
    name, unit, sheet, row = name or "", unit or "", rec.sheet, rec.row
    if kind == "annex1":
        k = _ANNEX1[action]
        signed = _signed(sign_date, remark, rec, filed) if k == E_ENTER else None
        main = Event(k, d, cert, pid, name, unit, path, rel, sheet, row, kv, kind, filed, 1, keep, signed, codes, loss)
        if signed is None:
            return [main]
        return [Event(E_SIGN, signed, cert, pid, name, unit, path, rel, sheet, row, kv, kind, filed, 0, keep, signed,
                      codes, loss), main]
    if kind == "annex2":
        return [Event(E_REVOKE, d, cert, pid, name, unit, path, rel, sheet, row, kv, kind, filed, 1, keep, None, codes,
                      loss)]
    if kind == "survey_people":
        return [Event(E_SURVEY, d, cert, pid, name, unit, path, rel, sheet, row, kv, kind, filed, 1, keep, None, codes,
                      loss)]
    signed = _signed(sign_date, remark, rec, filed)
    if kind == "annex3":
        out = [Event(E_REPLACE, d, cert, pid, name, orig_unit or "", path, rel, sheet, row, kv, kind, filed, 1,
                     keep, signed, codes, loss)]
    else:  # annex 4: the loss, then the reissue once the form is filed
        out = [Event(E_LOSS, d, cert, pid, name, unit, path, rel, sheet, row, kv, kind, filed, 0, keep, signed, codes,
                     loss)]
        if filed is not None:
            out.append(Event(E_REISSUE, max(filed, d), cert, pid, name, unit, path, rel, sheet, row, kv, kind, filed, 1,
                             keep, signed, codes, loss))
    if signed is not None:
        out.append(Event(E_SIGN, signed, cert, pid, name, unit, path, rel, sheet, row, kv, kind, filed, 2, keep, signed,
                         codes, loss))
    return out
