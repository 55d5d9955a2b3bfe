"""Obligations (SPEC 4): what a unit owes the bureau after an event, by when, and whether it was done.

A :class:`Clock` is an obligation as the forms define it — who owes what since which event, the
deadline, and the actions (form rows, files) that discharge it — and does not depend on the day it is
judged on. :func:`evaluate` judges a clock on a day and gives an :class:`Obligation` with its state.
The clocks, each from the event the notice names:

==================  =====================================================  ===========================
kind                clock                                                  discharged by
==================  =====================================================  ===========================
``change_report``   annex 2 / 3 变动日期 (the holder left or moved) +        the annex 2 / 3 itself
                    ``report_days`` working days (启依法办发〔2020〕15号 二)   (its 填报时间)
``loss_report``     annex 4 证件遗失时间, or a loss dated in a survey        an annex 4 for that loss
                    row's 备注/处理意见 + ``report_days`` (二)                 (its 填报时间)
``system_entry``    the card recovered — handed back with the annex 2 / 3,  an annex 1 注销 (annex 3:
                    so its 填报时间 — + ``system_entry_days`` (一)            注销 or 修改) of that card
``new_card_entry``  a new card signed for (签收), where a 签收 date is       an annex 1 录入归集 / 修改
                    recorded + ``system_entry_days`` (一); otherwise not      of the new card
                    checkable — never a clock started at a filing date
``revocation``      a holder the survey marks red — left post, non-staff,   an annex 2 (调离, 旧版: or 3)
                    old version — by the end of the self-correction phase   for that certificate;
                    (the campaign's ``followup_due``, 2024-06-30, moved to  处理意见 已注销 (undated)
                    the next working day; 柞政司发〔2024〕52号 二、三.2、三.3);
                    one who left after it: by the campaign's end
``survey`` …        the campaign's deliverables (see :mod:`.campaign`)      the file the unit sent
==================  =====================================================  ===========================

An action discharges a clock when the notice's action was done, whatever the order of the papers: an
annex 1 注销 entered the day before the annex 2 went out discharges the annex 2's system entry. Only
actions that cannot be about this event are left out (an annex 1 修改 from before the holder moved;
an annex 4 for an earlier loss; a row about another certificate of the same person).

States on a day (an action dated after it has not happened yet; an event dated after it owes nothing
yet): ``overdue`` (``late`` working days in (deadline, day], at least 1), ``due_today``, ``due_soon``
(within ``due_soon_days`` working days), ``open``, ``done``, ``done_late`` (``late`` = working days
from the deadline to the action, at least 1 — a day off right after the deadline is late too; validation
reports these as T001/T002, they are never overdue) and
``not_checkable`` (the event's date is not recorded: info, never overdue) and ``closed`` (a campaign's item
never done by the end of the campaign: no longer a daily item, listed in its closing summary).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Callable, Iterable

from .. import rules as R
from ..findings import cell_ref
from ..normalize import mask_id
from ..validate import HELD_DONE_WORDS  # a survey's 处理意见 saying the card is already revoked
from ..validate.rules.deadline import revocation_due  # the one rule for when a survey's find is due
from .events import (COLOUR_EN, E_ENTER, E_LOSS, E_MODIFY, E_REPLACE, E_REVOKE, E_SIGN, E_SURVEY, STATUS_EN, Event,
                     loss_in_survey)
from .rulesets import QIDONG_2020, ZHASHUI_2024, RuleSet


@dataclass(frozen=True)
class Kind:
    kind: str
    ruleset: RuleSet
    basis: str  # document number and clause
    zh: str  # short name, as a colour reason says it ("系统录入期限 … 将至")
    en: str


KINDS: dict[str, Kind] = {k.kind: k for k in (
    Kind("loss_report", QIDONG_2020, R.QD + " 二", "报送补发表", "annex 4 filing"),
    Kind("change_report", QIDONG_2020, R.QD + " 二", "报送注销/换证表", "annex 2/3 filing"),
    Kind("system_entry", QIDONG_2020, R.QD + " 一", "系统录入", "system entry"),
    Kind("new_card_entry", QIDONG_2020, R.QD + " 一", "新证系统录入", "new card's system entry"),
    Kind("revocation", ZHASHUI_2024, R.ZS + " 二（自查自纠）、三.2、三.3", "注销", "revocation"),
    Kind("survey", ZHASHUI_2024, R.ZS + " 四.3", "摸排统计表", "cleanup survey"),
    Kind("training_plan", ZHASHUI_2024, R.ZS + " 三.4、四.3", "培训计划", "training plan"),
    Kind("cleanup_report", ZHASHUI_2024, R.ZS + " 二、四.3", "清理工作报告", "cleanup report"),
)}
KIND_ORDER = {k: i for i, k in enumerate(KINDS)}
STATES = ("overdue", "due_today", "due_soon", "open", "done", "done_late", "not_checkable", "closed")
STATE_ORDER = {s: i for i, s in enumerate(STATES)}
PENDING_STATES = ("due_today", "due_soon")  # listed apart as "due soon"
ATTENTION = frozenset(("overdue", "due_today", "due_soon"))  # what makes a certificate 黄
STATE_LABELS = {
    "overdue": ("逾期", "overdue"),
    "due_today": ("今日到期", "due today"),
    "due_soon": ("即将到期", "due soon"),
    "open": ("未到期", "not yet due"),
    "done": ("已办结", "done"),
    "done_late": ("逾期办结", "done late"),
    "not_checkable": ("无法核对", "not checkable"),
    "closed": ("专项工作已结束，未办结", "campaign ended, not done"),
}


@dataclass(slots=True)
class Obligation:
    """One thing a unit owes, and its state on the day it was judged."""

    kind: str
    state: str
    unit: str
    owed: str  # what is owed, Chinese
    owed_en: str
    deadline: dt.date | None  # None: not checkable (the event's date is not recorded)
    since: dt.date | None = None  # the event the clock starts at (None for the campaign items)
    late: int = 0  # working days late (overdue: up to the day; done_late: up to the action)
    days_left: int = 0  # working days until the deadline (due_soon / open)
    name: str = ""
    id: str = ""
    cert: str = ""
    path: str = ""  # source file, relative to the forms directory
    sheet: str | None = None
    row: int | None = None
    done_on: dt.date | None = None
    done_by: str = ""  # where the action was found (file and row)
    status: str = ""  # the certificate's 证件状态 on the day (person items)
    colour: str = ""  # the certificate's 红黄绿 on the day ("" when it has none)

    @property
    def source(self) -> str:
        if self.sheet and self.row:
            return f"{self.path} {cell_ref(self.sheet, self.row)}"  # the one reference style: 人员!10:10
        s = self.path
        if self.sheet:
            s += f" {self.sheet}"
        if self.row:
            s += f" 第{self.row}行"
        return s

    @property
    def ruleset(self) -> RuleSet:
        return KINDS[self.kind].ruleset

    @property
    def basis(self) -> str:
        return KINDS[self.kind].basis

    def shown_id(self, show_id: bool = False) -> str:
        return self.id if show_id else mask_id(self.id)

    def owed_text(self, lang: str = "zh") -> str:
        return self.owed_en if lang == "en" else self.owed

    def state_label(self, lang: str = "zh") -> str:
        zh, en = STATE_LABELS[self.state]
        return en if lang == "en" else zh

    def to_dict(self, show_id: bool = False, lang: str = "zh") -> dict[str, Any]:
        en = lang == "en"
        return {
            "kind": self.kind,
            "state": self.state,
            "unit": self.unit,
            "name": self.name,
            "id": self.shown_id(show_id),
            "cert": self.cert,
            "owed": self.owed_text(lang),
            "since": self.since.isoformat() if self.since else None,
            "deadline": self.deadline.isoformat() if self.deadline else None,
            "late": self.late,
            "days_left": self.days_left,
            "done_on": self.done_on.isoformat() if self.done_on else None,
            "done_by": self.done_by,
            "status": (STATUS_EN.get(self.status, self.status) if en else self.status) or None,
            "colour": (COLOUR_EN.get(self.colour, self.colour) if en else self.colour) or None,
            "rule_set": self.ruleset.key,
            "basis": self.basis,
            "source": self.source,
            "path": self.path,
            "sheet": self.sheet,
            "row": self.row,
        }


def sort_key(o: Obligation) -> tuple:
    return (STATE_ORDER[o.state], o.unit, o.deadline or dt.date.max, KIND_ORDER[o.kind], o.name, o.path, o.row or 0)


class Action:
    """An action that discharges a clock: its date (None: not known, counts as done in time) and where
    it was found — text, or the :class:`Event` whose ``where`` it is (formatted only when asked for:
    most actions never discharge anything)."""

    __slots__ = ("date", "_where")

    def __init__(self, date: dt.date | None, where: "str | Event") -> None:
        self.date = date
        self._where = where

    @property
    def where(self) -> str:
        w = self._where
        return w if isinstance(w, str) else w.where


@dataclass(slots=True)
class Clock:
    kind: str
    unit: str
    owed: str
    owed_en: str
    since: dt.date | None
    deadline: dt.date | None
    start: dt.date | None  # owed from this day on (None: always)
    actions: list[Action]
    name: str = ""
    id: str = ""
    cert: str = ""
    path: str = ""
    sheet: str | None = None
    row: int | None = None
    until: dt.date | None = None  # a campaign's item: after this day (its end) no longer daily, but ``closed``


def evaluate(c: Clock, day: dt.date, cal: Any, due_soon_days: int) -> Obligation | None:
    """The state of ``c`` on ``day`` (None: nothing is owed yet on that day)."""
    if c.start is not None and c.start > day:
        return None
    dl = c.deadline
    first: Action | None = None
    for a in c.actions:
        if a.date is None:
            first = a
            break
        if a.date <= day and (first is None or a.date < first.date):  # type: ignore[operator]
            first = a
    late = left = 0
    done_on: dt.date | None = None
    done_by = ""
    if first is not None:
        done_on, done_by = first.date, first.where
        # done on a day off after the deadline is late all the same: the deadline's day ended (民法典 201–203),
        # and ``overdue`` said 1 working day late that very day
        late = max(1, cal.workdays_between(dl, done_on)) if dl is not None and done_on and done_on > dl else 0
        state = "done_late" if late > 0 else "done"
    elif dl is None:
        state = "not_checkable"
    elif c.until is not None and day > c.until:
        state = "closed"
    elif dl < day:
        state, late = "overdue", max(1, cal.workdays_between(dl, day))
    elif dl == day:
        state = "due_today"
    else:
        left = cal.workdays_between(day, dl)
        state = "due_soon" if left <= due_soon_days else "open"
    return Obligation(c.kind, state, c.unit, c.owed, c.owed_en, dl, c.since, late, left, c.name, c.id, c.cert, c.path,
                      c.sheet, c.row, done_on, done_by)


# ------------------------------------------------------------------------------------ person clocks
class _Index:
    """Events that can discharge a clock, by ID number and by certificate number. ``rows``: how many
    events name each certificate number (of all the forms), shared by the indexes."""

    def __init__(self, rows: dict[str, int]) -> None:
        self.by_id: dict[str, list[Event]] = {}
        self.by_cert: dict[str, list[Event]] = {}
        self.rows = rows

    def find(self, pid: str, cert: str, since: dt.date | None = None) -> list[Event]:
        """The events about certificate ``cert`` of ``pid``: those naming ``cert``, and those of the same
        person naming no number or a number no other row names (a typo), dated from ``since`` on. A row
        about another certificate of the person the forms know (an older card revoked years before, a
        second card) is not about this one and discharges nothing of it."""
        b = self.by_cert.get(cert, [])
        a = [e for e in self.by_id.get(pid, ()) if e.cert != cert and (not e.cert or self.rows.get(e.cert, 0) <= 1)
             and (since is None or e.date is None or e.date >= since)]
        return b + a if a else b


def _filed_action(ev: Event) -> Action:
    """The filing of ``ev``'s form: on its 填报时间 (an annex 1 without one: its 数据录入时间)."""
    return Action(ev.filed if ev.family != "annex1" else (ev.filed or ev.date), ev)


class ClockMaker:
    """Builds the clocks of every certificate event (the person obligations) from the sorted events."""

    def __init__(self, events: list[Event], cal: Any, report_days: int, entry_days: int,
                 unit_of: Callable[[Event], str], campaign: Any = None) -> None:
        self.cal = cal
        self.campaign = campaign  # the survey's follow-up deadline and end (None: no follow-up clocks)
        self.report_days = report_days
        self.entry_days = entry_days
        self.unit_of = unit_of
        self._deadlines: dict[tuple[dt.date, int], dt.date | None] = {}
        # what a survey found is owed once: a later survey (the 7月 one after the 6月 one) finding the same
        # holder, or the same loss, starts no second clock (the events come oldest first)
        self._found: set[tuple] = set()
        rows: dict[str, int] = {}
        for ev in events:
            rows[ev.cert] = rows.get(ev.cert, 0) + 1
        self.entries = _Index(rows)  # annex 1 录入归集 / 修改
        self.removals = _Index(rows)  # annex 1 注销
        self.papers = _Index(rows)  # annex 2 / 3
        self.losses = _Index(rows)  # annex 4 (loss events)
        # the IDs and numbers a clock can ask about (of the events that start one): only those are indexed
        asked_ids, asked_certs = set(), set()
        for ev in events:
            fam, k = ev.family, ev.kind
            if (fam in ("annex2", "annex3") and k in (E_REVOKE, E_REPLACE)) or (fam == "annex4" and k == E_LOSS) \
                    or k == E_SURVEY:
                asked_ids.add(ev.id)
                asked_certs.add(ev.cert)
        for ev in events:
            if ev.id not in asked_ids and ev.cert not in asked_certs:
                continue
            fam, k = ev.family, ev.kind
            if fam == "annex1":
                index = self.removals if k == E_REVOKE else (self.entries if k != E_SIGN else None)
            elif fam == "annex2" or fam == "annex3":
                index = self.papers if k == E_REVOKE or k == E_REPLACE else None
            elif fam == "annex4":
                index = self.losses if k == E_LOSS else None
            else:
                index = None
            if index is not None:
                index.by_id.setdefault(ev.id, []).append(ev)
                index.by_cert.setdefault(ev.cert, []).append(ev)

    def _due(self, since: dt.date | None, days: int) -> dt.date | None:
        if since is None:
            return None
        key = (since, days)
        if key not in self._deadlines:  # forms share their dates: one walk of the calendar per date
            try:
                self._deadlines[key] = self.cal.add_workdays(since, days)
            except (OverflowError, ValueError):
                self._deadlines[key] = None
        return self._deadlines[key]

    def _clock(self, kind: str, ev: Event, owed: tuple[str, str], since: dt.date | None, days: int,
               start: dt.date | None, actions: list[Action]) -> Clock:
        # a Qidong working-day clock counts from the notice's issue at the earliest: no duty ran before it
        counted = max(since, R.QD_ISSUED) if since is not None and KINDS[kind].ruleset is QIDONG_2020 else since
        return Clock(kind, self.unit_of(ev), owed[0], owed[1], since, self._due(counted, days), start, actions,
                     ev.name, ev.id, ev.cert, ev.rel, ev.sheet, ev.row)

    def clocks_of(self, ev: Event) -> list[Clock]:
        """The clocks an event starts (most events start none)."""
        k, fam = ev.kind, ev.family
        if fam in ("annex2", "annex3") and k in (E_REVOKE, E_REPLACE):
            return self._paper(ev)
        if fam == "annex4" and k == E_LOSS:
            return self._loss(ev)
        if fam == "annex1" and k == E_ENTER:
            signed = ev.signed
            if signed is None:
                return []
            return [self._clock("new_card_entry", ev, _OWED["new_card_entry"]["annex1"], signed, self.entry_days,
                                signed, [_filed_action(ev)])]
        if k == E_SURVEY:
            return self._survey(ev)
        return []

    def _earliest_change(self, ev: Event) -> dt.date:
        """The earliest day the change of an annex 2 / 3 row can have happened: its 变动日期, else (the
        date not recorded) ``report_days`` working days before the form was filed."""
        changed = ev.values.get("change_date")
        if changed is not None:
            return changed
        if ev.filed is not None:
            try:
                return self.cal.add_workdays(ev.filed, -self.report_days)
            except (OverflowError, ValueError):
                return ev.filed
        return ev.date

    def _paper(self, ev: Event) -> list[Clock]:
        """annex 2 / 3: reported within report_days of the change; the recovered card entered in the
        system within entry_days of the filing; (annex 3) the new card entered once signed for."""
        fam = ev.family
        changed = ev.values.get("change_date")
        out = [self._clock("change_report", ev, _OWED["change_report"][fam], changed, self.report_days,
                           ev.filed or changed, [_filed_action(ev)])]
        since_change = self._earliest_change(ev)
        removals = self.removals.find(ev.id, ev.cert, since_change)
        if fam == "annex3":
            mods = [e for e in self.entries.by_cert.get(ev.cert, ())
                    if e.kind == E_MODIFY and e.date >= since_change]
            removals = removals + mods
        out.append(self._clock("system_entry", ev, _OWED["system_entry"][fam], ev.filed, self.entry_days,
                               ev.filed or ev.date, [_filed_action(e) for e in removals]))
        if fam == "annex3":
            signed = ev.signed
            news = [e for e in self.entries.by_id.get(ev.id, ())
                    if e.date >= since_change and (e.cert != ev.cert or e.kind == E_ENTER)]
            out.append(self._clock("new_card_entry", ev, _OWED["new_card_entry"][fam], signed, self.entry_days,
                                   ev.filed or ev.date, [_filed_action(e) for e in news]))
        return out

    def _loss(self, ev: Event) -> list[Clock]:
        """annex 4: the loss reported within report_days; the reissued card entered once signed for."""
        lost = ev.values.get("lost_date")
        out = [self._clock("loss_report", ev, _OWED["loss_report"]["annex4"], lost, self.report_days, lost or ev.filed,
                           [_filed_action(ev)])]
        signed = ev.signed
        after = lost or ev.filed or ev.date
        news = [e for e in self.entries.by_id.get(ev.id, ()) if e.date >= after]
        out.append(self._clock("new_card_entry", ev, _OWED["new_card_entry"]["annex4"], signed, self.entry_days,
                               ev.filed or ev.date, [_filed_action(e) for e in news]))
        return out

    def _survey(self, ev: Event) -> list[Clock]:
        loss = ev.loss if ev.loss is not None or ev.record is None else loss_in_survey(ev.record, ev.filed)
        v = ev.values
        out: list[Clock] = []
        if loss is not None:
            mentioned, lost = loss
            if mentioned and self._first(("loss", ev.id, ev.cert, lost)):
                found = [e for e in self.losses.find(ev.id, ev.cert, lost)
                         if lost is None or e.values.get("lost_date") == lost or (e.filed and e.filed >= lost)]
                out.append(self._clock("loss_report", ev, _OWED["loss_report"]["survey"], lost, self.report_days,
                                       lost or ev.filed, [_filed_action(e) for e in found]))
        follow = self._follow_up(ev)
        if follow is not None:
            out.append(follow)
        return out

    def _first(self, key: tuple) -> bool:
        """Is this the first survey finding ``key``? (It is then remembered.)"""
        if key in self._found:
            return False
        self._found.add(key)
        return True

    def _follow_up(self, ev: Event) -> Clock | None:
        """A holder the survey marks red (left post, non-staff, old version): the certificate revoked or
        replaced by the end of the self-correction phase (柞政司发〔2024〕52号 二; 三.2 一律…收回, 三.3 及时
        收回并注销 — no day count), closed by an annex 2 (or 3, where a replacement will do) for it."""
        camp = self.campaign
        why = _red_reason(ev.values)
        if why is None or camp is None or camp.followup_due is None or not self._first(("revocation", ev.id, ev.cert)):
            return None
        v = ev.values
        label, label_en, allowed, owed = why
        left = v.get("leave_date")
        papers = [e for e in self.papers.find(ev.id, ev.cert, left or camp.start) if e.family in allowed
                  and (e.family == "annex2" or e.cert == ev.cert or left is None or e.date >= left)]
        actions = [_filed_action(e) for e in papers]
        if any(w in str(v.get("opinion") or "") for w in HELD_DONE_WORDS):
            actions.append(Action(None, ev))
        zh, en = _OWED["revocation"][owed]
        try:  # a day off moves to the next working day (民法典 203); one who left later: the campaign's end
            due = revocation_due(self.cal, camp.followup_due, camp.end, left)
        except (OverflowError, ValueError):
            due = camp.followup_due
        if due is None:  # left after the campaign ended: the campaign owes nothing for it
            return None
        return Clock("revocation", self.unit_of(ev), f"{label}：{zh}", f"{label_en}: {en}", left or ev.filed, due,
                     ev.filed or ev.date, actions, ev.name, ev.id, ev.cert, ev.rel, ev.sheet, ev.row, until=camp.end)


def _red_reason(v: dict) -> tuple[str, str, tuple[str, ...], str] | None:
    """Why a survey row's holder must lose the card: (label, label en, forms that close it, what is owed)."""
    from ..forms import NON_STAFF

    status = v.get("status")
    if status and status != "在岗":
        return (status, STATUS_WORDS_EN.get(status, status), ("annex2", "annex3") if status == "调离" else ("annex2",),
                "调离" if status == "调离" else "other")
    if v.get("person_type") in NON_STAFF:
        return (v["person_type"], "not permanent staff", ("annex2",), "other")
    if v.get("version") == "旧版":
        return ("旧版证件", "old-version card", ("annex2", "annex3"), "old")
    return None


STATUS_WORDS_EN = {"退休": "retired", "调离": "moved away", "辞职": "resigned", "辞退": "dismissed", "其他离岗": "left post"}


_OWED: dict[str, dict[str, tuple[str, str]]] = {
    "change_report": {
        "annex2": ("报送证件注销表（附件2）", "file the revocation form (annex 2)"),
        "annex3": ("报送证件换证表（附件3）", "file the replacement form (annex 3)"),
    },
    "loss_report": {
        "annex4": ("报送证件补发表（附件4）", "file annex 4 (reissue) for the lost certificate"),
        "survey": ("报送证件补发表（附件4）", "file annex 4 (reissue) for the lost certificate"),
    },
    "system_entry": {
        "annex2": ("在系统中办理注销并报送备案表（附件1）", "enter the revocation in the system and file annex 1"),
        "annex3": ("在系统中注销或修改原证件并报送备案表（附件1）",
                   "deregister or update the old certificate in the system and file annex 1"),
    },
    "new_card_entry": {
        "annex1": ("签收后在系统中录入归集并报送备案表（附件1）", "enter the card signed for in the system and file annex 1"),
        "annex3": ("在系统中录入换发的新证并报送备案表（附件1）", "enter the replacement in the system and file annex 1"),
        "annex4": ("在系统中录入补发的新证并报送备案表（附件1）", "enter the reissue in the system and file annex 1"),
    },
    "revocation": {
        "调离": ("办理证件注销或换证（附件2/附件3）", "revoke or replace the certificate (annex 2 / annex 3)"),
        "other": ("办理证件注销（附件2）", "revoke the certificate (annex 2)"),
        "old": ("办理换证或注销（附件3/附件2）", "replace or revoke the certificate (annex 3 / annex 2)"),
    },
}


class Counts:
    """A calendar's ``workdays_between``, remembered: the clocks of a county share a few hundred
    deadlines, and counting is the costly part of judging them."""

    __slots__ = ("cal", "memo")

    def __init__(self, cal: Any) -> None:
        self.cal = cal
        self.memo: dict[tuple[dt.date, dt.date], int] = {}

    def workdays_between(self, start: dt.date, end: dt.date) -> int:
        key = (start, end)
        n = self.memo.get(key)
        if n is None:
            n = self.memo[key] = self.cal.workdays_between(start, end)
        return n


def judge(clocks: Iterable[Clock], day: dt.date, cal: Any, due_soon_days: int) -> list[Obligation]:
    """The clocks' states on ``day`` (those owed by then). ``cal``: a calendar, or its :class:`Counts`."""
    out = []
    for c in clocks:
        ob = evaluate(c, day, cal, due_soon_days)
        if ob is not None:
            out.append(ob)
    return out

