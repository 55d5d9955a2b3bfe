"""The cleanup's cases: every holder the Zhashui survey finds who must lose the card, and every training
shortfall, read from the model (one account per certificate) — never from the forms again.

A case is found on the first survey row that reports the certificate held with the problem
(柞政司发〔2024〕52号 三.2: 一 non-staff, 二 left post, 四 old-version card; 三.4: training short), and
is **resolved** once the certificate is revoked or replaced (annex 2 / 3, or the annex 1 注销 entry),
with that form's date and row. A training shortfall is resolved by a later survey that reports
enough hours, or by the card being closed. Over quota (三.2 三) is a unit's case: holders counted on
the survey's 单位 sheet above the smaller of 机构编制数 and 执法岗位数; it is resolved as far as the
unit's holders today are back within it.

Deadlines: the end of the self-correction phase (二 第二阶段, 2024-06-30, moved to the next working day
when it is a day off — the campaign's ``followup_due``, certctl.toml ``[campaign]``); for a holder who
left post, the model's revocation clock, which runs to the same day; a
training shortfall — the end of the survey's year (the requirement is for the whole year). An open
case is overdue after its deadline.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from .. import forms as F
from .. import rules as R
from ..findings import cell_ref
from ..model.accounts import Account, Facts, survey_facts
from ..model.clocks import Clock
from ..model.events import E_REPLACE, E_SURVEY, IN_FORCE, REPLACED, REVOKED
from ..normalize import compact, mask_id

SELF_CORRECTION_DUE = dt.date(2024, 6, 30)  # 柞政司发〔2024〕52号 二, 第二阶段 自查自纠（6月1日—6月30日）
RESOLVED, OPEN, OVERDUE = "resolved", "open", "overdue"
STATE_LABELS = {RESOLVED: ("已整改", "resolved"), OPEN: ("未整改", "open"), OVERDUE: ("逾期未整改", "overdue")}


@dataclass(frozen=True)
class Category:
    key: str
    zh: str
    en: str
    basis: str  # notice and clause
    revoke: bool  # the card must be revoked or recovered (三.2)


CATEGORIES: dict[str, Category] = {c.key: c for c in (
    Category("non_staff", "非在编人员持证", "non-staff holder", R.ZS + " 三.2（一）", True),
    Category("left_post", "离岗未注销", "left post, not revoked", R.ZS + " 三.2（二）", True),
    Category("over_quota", "超编制数、超执法岗位数持证", "over quota or posts", R.ZS + " 三.2（三）", True),
    Category("old_version", "旧版证件未换发", "old-version card", R.ZS + " 三.2（四）", True),
    Category("training", "年度培训学时不足", "training short", R.ZS + " 三.4；国办发〔2023〕27号", False),
)}


@dataclass
class Case:
    category: str
    unit: str
    found_on: dt.date | None  # the survey's date
    source: str  # file (relative)
    cell: str  # 人员!J5 (findings.cell_ref)
    detail: str  # what the survey said: 劳务派遣, 退休 2024-05-15, 持证 18 人 / 编制 15 …
    due: dt.date | None
    state: str  # resolved | open | overdue
    cert: str = ""
    name: str = ""
    id: str = ""
    count: int = 1  # over quota: the holders above the limit
    resolved: int = 0  # over quota: how many of them are gone
    done_on: dt.date | None = None
    done_by: str = ""  # the form and row that resolved it
    status: str = ""  # the certificate's 证件状态 on the day
    row: int = 0  # the survey row (the list's order)

    def shown_id(self, show_id: bool = False) -> str:
        return self.id if show_id else mask_id(self.id)

    def state_label(self, lang: str = "zh") -> str:
        zh, en = STATE_LABELS[self.state]
        return en if lang == "en" else zh

    @property
    def open_count(self) -> int:
        return self.count - self.resolved


@dataclass
class UnitFacts:
    """A unit's line on the survey's 单位 sheet (the latest one that names it)."""

    unit: str
    establishment: float | None = None
    posts: float | None = None
    reported: int = 0  # 持证人数 as the unit reported it, or the rows counted if more
    date: dt.date | None = None
    source: str = ""
    cell: str = ""


@dataclass
class CleanupCases:
    as_of: dt.date
    cases: list[Case]
    units: dict[str, UnitFacts] = field(default_factory=dict)  # by unit (model's name)
    holders: dict[str, int] = field(default_factory=dict)  # unit -> holders on as_of (model)
    surveyed: dict[str, int] = field(default_factory=dict)  # unit -> certificates on its survey rows


@dataclass
class SurveyRow:
    """A survey row about a certificate, as the cleanup reads it (the same on every day)."""

    date: dt.date
    unit: str  # the unit the row names (the model's name), else the certificate's
    source: str  # file (relative)
    sheet: str
    row: int
    facts: Facts  # :func:`certctl.model.accounts.survey_facts`
    columns: dict[str, int]  # the sheet's columns of the survey fields that show a problem (one dict a sheet)

    def cell(self, category: str) -> str:
        """The cell that shows the ``category`` problem (人员!J5; the row without the column's place)."""
        return cell_ref(self.sheet, self.row, self.columns.get(_COLUMN[category]))


@dataclass
class Surveyed:
    """A certificate with survey rows: what its cases are judged from on any day (:func:`judge_cases`)."""

    cert: str
    name: str
    id: str
    status: str  # 证件状态 (the forms' latest)
    resolution: tuple[dt.date | None, str] | None  # when and where it was revoked or replaced
    rows: list[SurveyRow]
    revocation: list[Clock] = field(default_factory=list)  # its revocation clocks (the model's)

    @property
    def in_force(self) -> bool:
        return self.status in IN_FORCE


@dataclass
class CleanupInputs:
    """What the cleanup's cases are judged from, before any day judges them: kept in the SQLite ledger
    (certctl.ledger_sqlite), so that ``certctl report --ledger`` judges them on any day."""

    surveyed: list[Surveyed]
    unit_lines: list[UnitFacts]  # every line of a survey's 单位 sheet, in the order read
    holders: dict[str, int]  # unit -> holders (the model's)


def collect_cases(model: Any, ws: Any = None, cfg: Any = None, calendar: Any = None) -> CleanupCases:
    """Every case of the cleanup in ``model`` (judged on ``model.as_of``); ``ws``: the workspace the model
    was built from, for the cells' columns (without it, rows only)."""
    return judge_cases(cleanup_inputs(model, ws), model.as_of, cfg, calendar)


def cleanup_inputs(model: Any, ws: Any = None) -> CleanupInputs:
    """What :func:`judge_cases` judges, from ``model`` (any day's): the surveyed certificates and the
    survey's 单位 lines (:attr:`certctl.model.Model.survey_units`)."""
    names = _UnitNames(model.units)
    colmaps = _colmaps(ws)
    shown = set(_COLUMN.values())
    columns: dict[tuple[str, str], dict[str, int]] = {}  # one dict a sheet
    surveyed = []
    for acc in model.accounts:
        surveys = [ev for ev in acc.events if ev.kind == E_SURVEY]
        if not surveys:
            continue
        rows = []
        for ev in surveys:
            cols = columns.get((ev.path, ev.sheet))
            if cols is None:
                cm = colmaps.get((ev.path, ev.sheet), {})
                cols = columns[(ev.path, ev.sheet)] = {k: c for k, c in cm.items() if k in shown}
            rows.append(SurveyRow(ev.date, names.of(ev.values.get("unit") or acc.unit), ev.rel, ev.sheet, ev.row,
                                  survey_facts(ev), cols))
        surveyed.append(Surveyed(acc.cert, acc.name, acc.id, acc.status, _resolution(acc), rows,
                                 [c for c in acc.clocks if c.kind == "revocation"]))
    lines = [UnitFacts(names.of(unit), est, posts, reported, when, path, cell)
             for unit, est, posts, reported, when, path, cell in getattr(model, "survey_units", ())]
    return CleanupInputs(surveyed, lines, {u.unit: u.holders for u in model.units})


def judge_cases(inputs: CleanupInputs, day: dt.date, cfg: Any = None, calendar: Any = None) -> CleanupCases:
    """Every case of the cleanup on ``day``: a survey row dated after the day has not been sent yet, a
    revocation or replacement dated after it has not happened yet."""
    from ..config import Config, make_calendar
    from ..model.clocks import Counts, judge

    cfg = cfg if cfg is not None else Config()
    cal = calendar if calendar is not None else make_calendar(cfg)
    due = _due_day(cfg, cal)
    counts, soon = Counts(cal), cfg.deadlines.due_soon_days
    out = CleanupCases(day, [], holders=dict(inputs.holders))
    annual = cfg.training.annual_hours
    for s in inputs.surveyed:
        surveys = [r for r in s.rows if r.date <= day]  # none after the day
        if not surveys:
            continue
        out.surveyed[surveys[-1].unit] = out.surveyed.get(surveys[-1].unit, 0) + 1
        revocation = judge(s.revocation, day, counts, soon) if s.revocation else []
        for key, r, detail in _found(surveys, annual):
            # the unit the survey row names (an annex 3 moves the holder, not the case)
            case = Case(key, r.unit, r.date, r.source, r.cell(key), detail, None, OPEN,
                        s.cert, s.name, s.id, status=s.status, row=r.row)
            _judge(case, s, surveys, annual, due, day, revocation)
            out.cases.append(case)
    out.units = _unit_facts(inputs.unit_lines, day)
    for u in out.units.values():
        case = _over_quota(u, out.holders.get(u.unit, 0), due, day)
        if case is not None:
            out.cases.append(case)
    order = {k: i for i, k in enumerate(CATEGORIES)}
    out.cases.sort(key=lambda c: (c.unit, order[c.category], c.source, c.row))
    return out


# the survey column that shows each problem
_COLUMN = {"non_staff": "person_type", "left_post": "status", "old_version": "version", "training": "hours"}


def _found(surveys: list[SurveyRow], annual: float) -> list[tuple[str, SurveyRow, str]]:
    """(category, first survey row that shows it, what it said) for each problem of the certificate."""
    seen: dict[str, tuple[str, SurveyRow, str]] = {}
    for r in surveys:
        f = r.facts
        if not f.held:
            continue
        hits = []
        if f.person_type in F.NON_STAFF:
            hits.append(("non_staff", f.person_type))
        if f.post_status and f.post_status != "在岗":
            hits.append(("left_post", f.post_status + (f" {f.leave_date.isoformat()}" if f.leave_date else "")))
        if f.version == "旧版":
            hits.append(("old_version", "旧版"))
        if f.hours is not None and f.hours < annual and f.post_status in (None, "在岗"):
            hits.append(("training", f"{num_text(f.hours)} 学时"))
        for key, detail in hits:
            seen.setdefault(key, (key, r, detail))
    return list(seen.values())


def _judge(case: Case, s: Surveyed, surveys: list[SurveyRow], annual: float, due: dt.date, day: dt.date,
           obligations: list[Any]) -> None:
    """The case's deadline and its state on ``day`` (``obligations``: the certificate's revocation on it)."""
    if case.category == "training":
        case.due = dt.date(case.found_on.year, 12, 31) if case.found_on else None
        last = surveys[-1].facts
        short = last.held and last.hours is not None and last.hours < annual
        if not short or not s.in_force:
            case.state, case.done_on = RESOLVED, surveys[-1].date if not short else None
            return
    else:
        clock = next((o for o in obligations if o.kind == "revocation"), None)
        case.due = clock.deadline if case.category == "left_post" and clock and clock.deadline else due
        done = s.resolution
        if done is not None and (done[0] is None or done[0] <= day):  # a form dated after the day: not yet
            case.state, case.resolved = RESOLVED, 1
            case.done_on, case.done_by = done
            return
    case.state = OVERDUE if case.due is not None and day > case.due else OPEN


def _resolution(acc: Account) -> tuple[dt.date | None, str] | None:
    """When and where the certificate was revoked or replaced, if it was."""
    if acc.status == REVOKED:
        return acc.revoked_on, acc.revoked_source
    if acc.status == REPLACED:
        ev = next(e for e in reversed(acc.events) if e.kind == E_REPLACE)
        return ev.filed or ev.date, ev.source
    return None


def _over_quota(u: UnitFacts, holders_now: int, due: dt.date, day: dt.date) -> Case | None:
    limits = [x for x in (u.establishment, u.posts) if x is not None]
    if not limits:
        return None
    limit = int(min(limits))
    excess = u.reported - limit
    if excess <= 0:
        return None
    still = min(excess, max(0, holders_now - limit))
    state = RESOLVED if still == 0 else OVERDUE if day > due else OPEN
    detail = f"持证 {u.reported} 人，机构编制数 {num_text(u.establishment)}，执法岗位数 {num_text(u.posts)}"
    return Case("over_quota", u.unit, u.date, u.source, u.cell, detail, due, state, count=excess,
                resolved=excess - still)


def _unit_facts(lines: list[UnitFacts], day: dt.date) -> dict[str, UnitFacts]:
    """Each unit's latest line on a survey's 单位 sheet sent by ``day``."""
    out: dict[str, UnitFacts] = {}
    for line in lines:
        when = line.date
        if when and when > day:
            continue  # sent after the day
        old = out.get(line.unit)
        if old is not None and old.date and when and when < old.date:
            continue
        out[line.unit] = line
    return out


def survey_unit_lines(res: Any, rel: str) -> list[tuple]:
    """The lines of a read form's survey 单位 sheet, with the holders the survey counted for each unit:
    (unit as written, 机构编制数, 执法岗位数, holders, date, ``rel``: the path relative to the root, cell) — taken by the model while it reads
    the form (:attr:`certctl.model.Model.survey_units`), before its records are let go."""
    if res.read_error is not None:
        return []
    rows = list(res.records("survey_units"))
    if not rows:
        return []
    counted = _counted(res)
    out = []
    for rec in rows:
        v = rec.values
        if not v.get("unit"):
            continue
        reported = max(int(v.get("holders") or 0), counted.get(compact(v["unit"]), 0))
        out.append((v["unit"], v.get("establishment"), v.get("posts"), reported, v.get("report_date") or res.meta.date,
                    rel, cell_ref(rec.sheet, rec.row)))
    return out


def _counted(res: Any) -> dict[str, int]:
    """Survey rows of the file still held, per 所属单位 — else per 执法主体 (compact names)."""
    by_reporting: dict[str, int] = {}
    by_unit: dict[str, int] = {}
    for rec in res.records("survey_people"):
        v = rec.values
        if not v.get("cert"):
            continue
        for key, table in (("reporting_unit", by_reporting), ("unit", by_unit)):
            if v.get(key):
                table[compact(v[key])] = table.get(compact(v[key]), 0) + 1
    return {**by_unit, **by_reporting}


class _UnitNames:
    """The model's name of a unit written in a form (same name without spaces), else as written."""

    def __init__(self, units: list[Any]) -> None:
        self.names = {compact(u.unit): u.unit for u in units}

    def of(self, name: str) -> str:
        return self.names.get(compact(name or ""), name or "")


def _colmaps(ws: Any) -> dict[tuple[str, str], dict[str, int]]:
    out = {}
    for res in getattr(ws, "results", None) or []:
        for s in getattr(res, "sheets", None) or []:
            out[(res.path, s.sheet)] = s.colmap
    return out


def _due_day(cfg: Any, cal: Any) -> dt.date:
    """The self-correction phase's end, moved to the next working day when it is a day off."""
    day = (getattr(getattr(cfg, "campaign", None), "followup_due", None)
           or getattr(getattr(cfg, "deadlines", None), "self_correction_due", None) or SELF_CORRECTION_DUE)
    return cal.next_workday(day)


def num_text(x: float | None) -> str:
    if x is None:
        return "—"
    return str(int(x)) if float(x).is_integer() else str(x)
