"""The account of one certificate: its events folded into a state, a unit and the facts the latest
survey reported, and — from those and its obligations on a day — its 红黄绿 with reasons.

Folding (oldest event first):

=============================  ==================================================================
event                          afterwards
=============================  ==================================================================
annex 1 录入归集                 有效
annex 1 修改                     unchanged (有效 when it is the first event)
annex 1 注销, annex 2           已注销; the revocation's own date is the annex 2 填报时间 or the
                               annex 1 数据录入时间, whichever is earlier
annex 3                        已换发; the unit becomes the annex 3's 现所属主体
annex 4                        挂失, then 已补发 once the form is filed
签收                             unchanged (the clock of the new card's system entry starts)
survey row (摸排)                facts updated (unit, category, version, person type, post …);
                               a row reporting the card held after its revocation: X004
=============================  ==================================================================

Colour (柞政司发〔2024〕52号 三.3 names the mechanism; the definitions are certctl's, SPEC 5):

- 红: must be revoked or stopped — non-staff holder, left post but still held, old version (from the
  latest survey, while the card is in force), Jiangsu + national card (X001), a number shared by two
  people (X002), revoked but reported held after the revocation (X004).
- 黄: needs action — any obligation of the certificate overdue, due today or due soon; lost and
  awaiting reissue; training short; data incomplete.
- 绿: a card in force with none of the above.
- A revoked, replaced or reissued card has no colour unless something above applies to it: it is
  counted by its state, never as a green holder.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Callable, Sequence

from .. import forms as F
from .. import rules as R
from ..findings import Finding
from ..validate import HELD_DONE_WORDS
from .clocks import ATTENTION, KINDS, Clock, Obligation
from .events import (COLOUR_EN, COLOURS, E_ENTER, E_LOSS, E_MODIFY, E_REISSUE, E_REPLACE, E_REVOKE, E_SIGN, E_SURVEY,
                     GREEN, IN_FORCE, LOST, RED, REISSUED, REPLACED, REVOKED, VALID, YELLOW, Event)

# codes on a row that make the certificate's data incomplete (yellow)
INCOMPLETE_CODES = frozenset(("V001", "N001", "V002", "V003", "D001", "S008", "I010"))

# colour reasons: key -> (zh, en); parameters ending in _en are used for English
REASONS: dict[str, tuple[str, str]] = {
    "non_staff": ("非在编人员持证（{value}）", "non-staff holder ({value})"),
    "left_post": ("已离岗仍持证（{value}）", "left post but still holds it ({value})"),
    "old_version": ("旧版证件仍持有", "old-version certificate still held"),
    "dual": ("同时持有省级和国家部委证件", "holds both a provincial and a national-ministry certificate"),
    "shared": ("证件号码对应两个身份证号码", "certificate number shared by two people"),
    "revoked_active": ("已注销仍报告为持有", "revoked but still reported as held"),
    "training": ("本年度培训学时不足（{value}）", "annual training below requirement ({value} h)"),
    "new_field": ("新执法领域培训不足（{value}）", "new-field training below requirement ({value} h)"),
    "overdue": ("{what}已逾期 {late} 个工作日（期限 {value}）", "{what} overdue by {late} working days (due {value})"),
    "due_soon": ("{what}期限 {value} 将至", "{what} due on {value}"),
    "incomplete": ("资料不完整（{value}）", "data incomplete ({value})"),
    "lost": ("挂失待补发", "lost, awaiting reissue"),
}
RED_REASONS = frozenset(("non_staff", "left_post", "old_version", "dual", "shared", "revoked_active"))

Reason = tuple[str, dict[str, Any]]


def reason_text(key: str, params: dict[str, Any], lang: str = "zh") -> str:
    zh, en = REASONS[key]
    tpl = en if lang == "en" else zh
    p = params
    if lang == "en":
        p = dict(params)
        for k in list(p):
            if k.endswith("_en"):
                p[k[:-3]] = p[k]
    try:
        return tpl.format(**p)
    except (KeyError, IndexError):
        return tpl


@dataclass(slots=True)
class Facts:
    """What the latest survey row said about the certificate."""

    held: bool
    category: str | None
    version: str | None
    person_type: str | None
    post_status: str | None
    leave_date: dt.date | None
    hours: float | None
    new_field_hours: float | None
    reported_colour: str | None
    hours_final: bool = True  # 本年度培训学时 reported from 1 October: short of the year's requirement is 黄


def survey_facts(ev: Event) -> Facts:
    v = ev.values
    op = str(v.get("opinion") or "")
    return Facts(not any(w in op for w in HELD_DONE_WORDS), v.get("category"), v.get("version"), v.get("person_type"),
                 v.get("status"), v.get("leave_date"), v.get("hours"), v.get("new_field_hours"), v.get("colour"),
                 ev.date is None or ev.date.month >= 10)


@dataclass(slots=True)
class Snapshot:
    """A survey row with the unit's own colour, and the account as it stood when the row was filed."""

    event: Event
    status: str
    facts: Facts
    flags: list[Reason]
    incomplete: list[str]


@dataclass(eq=False, slots=True)
class Account:
    """One certificate: its events, state, unit, obligations and colour. (Slotted, and the lists most
    certificates never fill are empty tuples until they do: a county has 10^5 accounts.)"""

    cert: str
    name: str = ""
    id: str = ""
    sex: str = ""
    unit: str = ""
    category: str = "省级"
    status: str = VALID
    colour: str = ""  # 红 / 黄 / 绿, or "" for a closed certificate with nothing to do
    colour_codes: Sequence[Reason] = ()
    last_event: str = ""
    last_event_date: dt.date | None = None
    facts: Facts | None = None  # the latest survey row's
    revoked_on: dt.date | None = None  # the revocation's own date
    revoked_source: str = ""
    new_unit: str = ""  # annex 3: the unit the holder moved to
    flags: Sequence[Reason] = ()  # red reasons found across forms
    findings: Sequence[Finding] = ()  # model findings about it
    events: list[Event] = field(default_factory=list)
    more_ids: tuple[str, ...] = ()  # ID numbers seen after the first event's, in order (see ids)
    clocks: Sequence[Clock] = ()
    obligations: Sequence[Obligation] = ()  # on the model's day
    snapshots: Sequence[Snapshot] = ()
    problems: Sequence[str] = ()  # Chinese, one per problem (ledger)
    problem_codes: Sequence[str] = ()

    def add_finding(self, f: Finding | None) -> None:
        if f is not None:
            self.findings = [*self.findings, f]

    def add_flag(self, key: str) -> None:
        self.flags = [*self.flags, (key, {})]

    @property
    def in_force(self) -> bool:
        return self.status in IN_FORCE

    active = in_force

    @property
    def ids(self) -> tuple[str, ...]:
        """Every ID number seen, in order (the first event's, then any other: X002)."""
        return (self.events[0].id, *self.more_ids) if self.events else ()

    @property
    def first_source(self) -> str:
        """Where the first ID number was seen: the first event's source (made when asked: issue 15)."""
        return self.events[0].source if self.events else ""

    @property
    def source(self) -> str:
        """Every source of the certificate, "file 第N行", joined with "；"."""
        events = self.events
        if len(events) == 1:  # most certificates: the one event's (issue 15)
            return events[0].source
        return "；".join(dict.fromkeys(e.source for e in events))

    @property
    def colour_reasons(self) -> list[str]:
        return self.reasons("zh")

    def reasons(self, lang: str = "zh") -> list[str]:
        return [reason_text(k, p, lang) for k, p in self.colour_codes]

    # ---------------------------------------------------------------- folding
    def apply(self, ev: Event, add: Callable[..., Finding | None]) -> None:
        v = ev.values
        self.events.append(ev)
        first = self.events[0].id
        if ev.id != first and ev.id not in self.more_ids:
            self.add_finding(add("X002", ev, "cert", "证件号码", ev.cert, cert=ev.cert, id=first, id2=ev.id,
                                 other=self.first_source))
            self.add_flag("shared")
            self.more_ids = (*self.more_ids, ev.id)
        self.id = ev.id
        if ev.name:
            self.name = ev.name
        if v.get("sex"):
            self.sex = v["sex"]
        k = ev.kind
        if k == E_SURVEY:
            facts = survey_facts(ev)
            first = len(self.events) == 1
            self.facts = facts
            if v.get("unit"):
                self.unit = v["unit"]
            if facts.category:
                self.category = facts.category
            if first:
                self.status = VALID if facts.held else REVOKED
            elif (facts.held and self.status == REVOKED and self.revoked_on is not None
                  and ev.date > self.revoked_on):
                self.add_finding(add("X004", ev, "cert", "证件号码", ev.cert, cert=ev.cert,
                                     date=self.revoked_on.isoformat(), other=self.revoked_source))
                self.add_flag("revoked_active")
            if facts.reported_colour:
                self.snapshots = [*self.snapshots, Snapshot(ev, self.status, facts, list(self.flags),
                                                            self.incomplete(ev))]
        elif k == E_SIGN:
            pass  # the new card's clock starts; the state of this card does not change
        else:
            if k == E_REPLACE:
                self.unit = v.get("unit") or ev.unit or self.unit
            elif ev.unit:
                self.unit = ev.unit
            if k == E_ENTER:
                self.status = VALID
            elif k == E_MODIFY:
                if len(self.events) == 1:
                    self.status = VALID
            elif k == E_REVOKE:
                self.status = REVOKED
                on = ev.date if ev.family == "annex1" else ev.filed
                if on is not None and (self.revoked_on is None or on < self.revoked_on):
                    self.revoked_on, self.revoked_source = on, ev.source
            elif k == E_REPLACE:
                self.status = REPLACED
                self.new_unit = v.get("unit") or ""
            elif k == E_LOSS:
                self.status = LOST
            elif k == E_REISSUE:
                self.status = REISSUED
        self.last_event = k
        self.last_event_date = ev.date

    def incomplete(self, last: Event | None = None) -> list[str]:
        """What is missing from the certificate's data (yellow while it is in force)."""
        last = last or (self.events[-1] if self.events else None)
        codes = last.row_codes() if last is not None else ()
        if self.name and self.sex and self.unit and not codes:
            return []  # the usual case
        missing = [w for w, val in (("姓名", self.name), ("性别", self.sex), ("所属主体", self.unit)) if not val]
        if codes:
            bad = [c for c in codes if c in INCOMPLETE_CODES]
            missing += [R.RULES[c].zh for c in dict.fromkeys(bad)]
        return list(dict.fromkeys(missing))


def judge_colour(status: str, facts: Facts | None, flags: Sequence[Reason], obligations: Sequence[Obligation],
                 incomplete: list[str], annual_hours: float, new_field_hours: float) -> tuple[str, list[Reason]]:
    """红黄绿 and its reasons, from the account's state, facts, red flags and obligations on a day."""
    in_force = status in IN_FORCE
    reds: list[Reason] = []
    yellows: list[Reason] = []
    for k, p in flags:
        if k != "dual" or in_force:
            reds.append((k, p))
    if in_force and facts is not None and facts.held:
        if facts.person_type in F.NON_STAFF:
            reds.append(("non_staff", {"value": facts.person_type}))
        if facts.post_status and facts.post_status != "在岗":
            reds.append(("left_post", {"value": facts.post_status}))
        if facts.version == "旧版":
            reds.append(("old_version", {}))
        if (facts.hours is not None and facts.hours < annual_hours and facts.post_status in (None, "在岗")
                and facts.hours_final):  # hours so far, before October, are not the year's (SPEC 3)
            yellows.append(("training", {"value": _num(facts.hours)}))
        if facts.new_field_hours is not None and facts.new_field_hours < new_field_hours:
            yellows.append(("new_field", {"value": _num(facts.new_field_hours)}))
    for o in obligations:
        if o.state not in ATTENTION or o.deadline is None:
            continue
        kind = KINDS[o.kind]
        p = {"what": kind.zh, "what_en": kind.en, "value": o.deadline.isoformat()}
        if o.state == "overdue":
            yellows.append(("overdue", dict(p, late=o.late)))
        else:
            yellows.append(("due_soon", p))
    if status == LOST:
        yellows.append(("lost", {}))
    if in_force and incomplete:
        yellows.append(("incomplete", {"value": "、".join(incomplete)}))
    if reds:
        return RED, _unique(reds)
    if yellows:
        return YELLOW, _unique(yellows)
    return (GREEN if in_force else ""), []


def _unique(reasons: list[Reason]) -> list[Reason]:
    seen: dict[tuple[str, str], Reason] = {}
    for k, p in reasons:
        seen.setdefault((k, str(p.get("what", ""))), (k, p))
    return list(seen.values())


def _num(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else str(x)

