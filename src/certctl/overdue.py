"""Obligations and their state on a date: who is late, who is due soon (SPEC 4; Qidong 一、二; Zhashui 四.3).

``find_obligations(ws, cfg, as_of)`` walks a :class:`certctl.workspace.Workspace` (every form below the
forms directory, validated once) and returns one :class:`Obligation` per thing a unit owes the bureau,
each with its working-day deadline (the ONE calendar, ``certctl.config.make_calendar``) and its state
on ``as_of``. Nothing here prints.

What is owed (``kind``):

``loss_report``  a lost certificate (annex 4 证件遗失时间, or a survey row whose 备注/处理意见 says 遗失 with a
                 date) must be reported on annex 4 within ``deadlines.report_days`` working days.
                 Done on the annex 4 form's 填报时间.
``system_entry`` a revocation (annex 2), replacement (annex 3) or reissue (annex 4) must be entered in the
                 system and filed on annex 1 within ``deadlines.system_entry_days`` working days of the
                 event (变动日期 when the form has it, else the form's 填报时间). Done by an annex 1 row for
                 the same certificate number or ID whose 情况 is 注销 (revocation) or 录入归集/修改
                 (replacement, reissue) and whose 数据录入时间 is not before the event.
``revocation``   a survey holder who left post (在岗状态 not 在岗, 离岗日期) must have the certificate revoked
                 within ``deadlines.report_days`` working days: done by an annex 2 row (or, for 调离, an
                 annex 3 row) for the same ID or certificate, on that form's 填报时间; a survey row whose
                 处理意见 already says 已注销/已收回… counts as done (date unknown).
``survey``, ``training_plan``, ``cleanup_report``
                 every unit of the registry of enforcement bodies (执法主体清单) marked 是否需报送 = 是 owes
                 the cleanup survey by ``deadlines.survey_due``, the annual training plan by
                 ``deadlines.training_plan_due`` and the cleanup report by ``deadlines.report_due``.
                 No form exists for the plan or the report, so any file below the forms directory whose
                 name contains 培训计划 (plan) or 清理工作报告 / 自查自纠 (report) counts, attributed to the
                 registry unit whose full name or 简称 appears in its path (file name or folder), received on
                 the date written in its file name (2024-06-03, 20240603, 2024年6月3日…) or, without one,
                 received in time. The survey counts for a unit when its 填报单位, a 单位 sheet row or a
                 人员 sheet 所属单位 names the unit (full name or 简称); received on the form's 填报时间
                 (or the 单位 sheet's 报送日期).

States on ``as_of`` (an action dated after ``as_of`` has not happened yet on ``as_of``; an event dated
after ``as_of`` owes nothing yet):

``overdue``    not done and the deadline has passed; ``late`` = working days in (deadline, as_of], at
               least 1 (a deadline that passed on Friday is 1 working day late on Saturday).
``due_today``  not done and the deadline is ``as_of``.
``due_soon``   not done, due within the next ``deadlines.due_soon_days`` working days.
``open``       not done, due later.
``done``       done on time (or on an unknown date).
``done_late``  done, but after the deadline: ``late`` = working days late, counted as validation counts
               T001/T002 (in (deadline, action]). These are validation findings, not overdue: the CLI
               does not list them as overdue and they never make the exit status 1.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import operator
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable

from .normalize import compact, mask_id

__all__ = [
    "Obligation",
    "Found",
    "find_obligations",
    "obligations_in",
    "load_forms",
    "KINDS",
    "STATES",
    "PENDING_STATES",
    "PLAN_WORDS",
    "REPORT_WORDS",
]

KINDS = ("loss_report", "system_entry", "revocation", "survey", "training_plan", "cleanup_report")
STATES = ("overdue", "due_today", "due_soon", "open", "done", "done_late")
PENDING_STATES = ("due_today", "due_soon")  # listed apart as "due soon"
PLAN_WORDS = ("培训计划",)
REPORT_WORDS = ("清理工作报告", "自查自纠")
LOSS_WORDS = ("遗失", "丢失")
HELD_DONE_WORDS = ("已注销", "已收回", "已上交", "已交回", "已办理注销", "已缴销")

STATE_LABELS = {
    "overdue": ("逾期", "overdue"),
    "due_today": ("今日到期", "due today"),
    "due_soon": ("即将到期", "due soon"),
    "open": ("未到期", "not yet due"),
    "done": ("已办结", "done"),
    "done_late": ("逾期办结", "done late"),
}


@dataclass
class Obligation:
    """One thing a unit owes, and its state on the as-of date."""

    kind: str
    state: str
    unit: str
    owed: str  # what is owed, Chinese
    owed_en: str
    deadline: dt.date
    since: dt.date | None = None  # the event date (None for the campaign items)
    late: int = 0  # working days late (overdue: up to as_of; done_late: up to the action)
    days_left: int = 0  # working days until the deadline (due_soon / open)
    name: str = ""
    id: str = ""
    cert: str = ""
    path: str = ""  # source file, relative to the forms directory
    sheet: str | None = None
    row: int | None = None
    done_on: dt.date | None = None
    done_by: str = ""  # where the action was found (file and row)

    @property
    def source(self) -> str:
        s = self.path
        if self.sheet:
            s += f" {self.sheet}"
        if self.row:
            s += f"!{self.row}" if self.sheet else f" 第{self.row}行"
        return s

    def shown_id(self, show_id: bool = False) -> str:
        return self.id if show_id else mask_id(self.id)

    def owed_text(self, lang: str = "zh") -> str:
        return self.owed_en if lang == "en" else self.owed

    def state_label(self, lang: str = "zh") -> str:
        zh, en = STATE_LABELS[self.state]
        return en if lang == "en" else zh

    def to_dict(self, show_id: bool = False, lang: str = "zh") -> dict[str, Any]:
        return {
            "kind": self.kind,
            "state": self.state,
            "unit": self.unit,
            "name": self.name,
            "id": self.shown_id(show_id),
            "cert": self.cert,
            "owed": self.owed_text(lang),
            "since": self.since.isoformat() if self.since else None,
            "deadline": self.deadline.isoformat(),
            "late": self.late,
            "days_left": self.days_left,
            "done_on": self.done_on.isoformat() if self.done_on else None,
            "done_by": self.done_by,
            "source": self.source,
            "path": self.path,
            "sheet": self.sheet,
            "row": self.row,
        }


# ------------------------------------------------------------------------------------------ loading
def load_forms(root: str | os.PathLike[str], opts: Any = None, cache: Any = None) -> Any:
    """The workspace of ``root`` (every form below it, duplicate contents read once)."""
    from .workspace import load_workspace

    return load_workspace(root, opts, cache=cache)


@dataclass
class Found:
    """What ``certctl overdue`` needs of a forms folder: the obligations, how many forms were read,
    the files that could not be read (path as found, reason) and the calendar's warnings."""

    obligations: list[Obligation]
    files: int
    unreadable: list[tuple[str, str]]
    calendar_warnings: list[str]
    cached: bool = False  # served from the cache (the folder, options and date unchanged)

    # pickled as plain tuples: 40,000 obligations in ~0.05 s instead of ~0.4 s through __reduce_ex__
    def __getstate__(self) -> dict[str, Any]:
        state = dict(self.__dict__)
        state["obligations"] = [_OB_FIELDS(o) for o in self.obligations]
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        state = dict(state)
        state["obligations"] = [Obligation(*t) for t in state["obligations"]]
        self.__dict__.update(state)


_OB_FIELDS = operator.attrgetter(*(f.name for f in dataclasses.fields(Obligation)))


def obligations_in(root: str | os.PathLike[str], opts: Any, cfg: Any, as_of: dt.date, *, cache: Any = None,
                   lang: str | None = None) -> Found:
    """Read the forms below ``root`` (through ``cache`` when given) and find the obligations on ``as_of``.

    The result is a pure function of the folder (every form's path and content, and the names of the
    other files: training plans and reports count by name), the options, the config, ``as_of`` and
    certctl itself; with a cache it is kept under that key, so a second run on an unchanged folder
    only hashes the files."""
    from .config import make_calendar
    from .workspace import inputs_key, load_workspace, rel_path, scan_forms

    root_p = Path(root)
    scan = scan_forms(root_p)
    name = f"overdue:{root_p.resolve()}"
    key = ""
    if cache is not None and scan.complete:
        listing = "\n".join(rel_path(scan.root, p) for p in _all_files(root_p))
        key = inputs_key(scan, opts, cfg, as_of, "overdue", lang, listing)
        hit = cache.get_derived(name, key)
        if isinstance(hit, Found):
            hit.unreadable = [(str(scan.root / rel), why) for rel, why in hit.unreadable]
            hit.cached = True
            return hit
    ws = load_workspace(root_p, opts, cache=cache, scan=scan)
    cal = make_calendar(cfg, lang=lang, as_of=as_of)  # says a missing next year (from 1 November)
    obs = find_obligations(ws, cfg, as_of, calendar=cal)
    bad = [r for r in ws.results if getattr(r, "read_error", None) is not None]
    if key:
        cache.put_derived(name, key, Found(obs, len(ws.results), [(ws.rel(r.path), str(r.read_error)) for r in bad],
                                           list(cal.warnings)))
    return Found(obs, len(ws.results), [(r.path, str(r.read_error)) for r in bad], list(cal.warnings))


def _rel(root: Path, path: str | os.PathLike[str]) -> str:
    key = (root, path)
    hit = _REL_MEMO.get(key)  # called once per record: 150,000 Path parses for a province
    if hit is None:
        if len(_REL_MEMO) > 10_000:
            _REL_MEMO.clear()
        hit = _REL_MEMO[key] = _rel_uncached(root, path)
    return hit


_REL_MEMO: dict[tuple[Any, Any], str] = {}


def _rel_uncached(root: Path, path: str | os.PathLike[str]) -> str:
    p = Path(path)
    try:
        return p.relative_to(root).as_posix()
    except ValueError:
        try:
            return p.resolve().relative_to(root.resolve()).as_posix()
        except (ValueError, OSError):
            return p.as_posix()


# ------------------------------------------------------------------------------------------ helpers
def _key(text: Any) -> str:
    return compact(str(text)) if text else ""


def _ukey(text: Any) -> str:
    if not text:
        return ""
    s = text if type(text) is str else str(text)
    if s.isascii() and s.isalnum():  # the usual ID or certificate number: nothing to clean
        return s.upper()
    return compact(s).upper()


def _person_keys(rec: Any) -> tuple[str, str]:
    """(ID, certificate number) of a record, normalised (raw text when the value did not validate)."""
    v = rec.values
    return _ukey(v.get("id") or rec.raw.get("id")), _ukey(v.get("cert") or rec.raw.get("cert"))


_DATE_IN_TEXT = re.compile(
    r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})|(?<!\d)(20\d{2})(\d{2})(\d{2})(?!\d)"
)


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


class _Action:
    """An action that discharges an obligation: its date (None: not known, counts as done in time)
    and where it was found. ``where`` may be given as (ctx, res, rec) and is then only formatted when
    asked for: most of the 100,000 annex 1 rows indexed never discharge anything."""

    __slots__ = ("date", "_where")

    def __init__(self, date: dt.date | None, where: Any) -> None:
        self.date = date
        self._where = where

    @property
    def where(self) -> str:
        w = self._where
        if type(w) is tuple:
            w = self._where = _where(*w)
        return w


class _Ctx:
    def __init__(self, ws: Any, cfg: Any, as_of: dt.date, calendar: Any = None) -> None:
        from .config import Config, make_calendar

        self.ws = ws
        self.cfg = cfg if cfg is not None else Config()
        self.as_of = as_of
        self.cal = calendar if calendar is not None else make_calendar(self.cfg)
        self.root = Path(getattr(ws, "root", "."))
        self.out: list[Obligation] = []
        self.names: dict[str, str] = {}  # compact full name or 简称 of a registry unit -> full name

    def unit(self, name: Any) -> str:
        """The registry's full name for ``name`` (full name or 简称), else ``name`` as written."""
        if not name:
            return ""
        return self.names.get(_key(name), str(name))

    def rel(self, path: str) -> str:
        return _rel(self.root, path)

    def add(self, ob: Obligation, actions: Iterable[_Action]) -> None:
        """Decide the state of ``ob`` on as_of from the actions that would discharge it."""
        as_of, cal, dl = self.as_of, self.cal, ob.deadline
        taken = [a for a in actions if a.date is None or a.date <= as_of]
        if taken:
            dated = [a for a in taken if a.date is not None]
            undated = [a for a in taken if a.date is None]
            first = undated[0] if undated else min(dated, key=lambda a: a.date)  # type: ignore[arg-type,return-value]
            ob.done_on, ob.done_by = first.date, first.where
            late = cal.workdays_between(dl, first.date) if first.date and first.date > dl else 0
            ob.state, ob.late = ("done_late", late) if late > 0 else ("done", 0)
        elif dl < as_of:
            ob.state, ob.late = "overdue", max(1, cal.workdays_between(dl, as_of))
        elif dl == as_of:
            ob.state = "due_today"
        else:
            ob.days_left = cal.workdays_between(as_of, dl)
            ob.state = "due_soon" if ob.days_left <= self.cfg.deadlines.due_soon_days else "open"
        self.out.append(ob)


def _where(ctx: _Ctx, res: Any, rec: Any) -> str:
    return f"{ctx.rel(res.path)} {rec.sheet}!{rec.row}"


def _results(ws: Any) -> list[Any]:
    return [r for r in getattr(ws, "results", []) if getattr(r, "read_error", None) is None]


def _records(results: list[Any], kind: str) -> Iterable[tuple[Any, Any]]:
    for res in results:
        for rec in res.records(kind):
            yield res, rec


def _index(pairs: Iterable[tuple[Any, Any, _Action | Any]]) -> tuple[dict[str, list[Any]], dict[str, list[Any]]]:
    by_id: dict[str, list[Any]] = {}
    by_cert: dict[str, list[Any]] = {}
    for pid, cert, item in pairs:
        if pid:
            by_id.setdefault(pid, []).append(item)
        if cert:
            by_cert.setdefault(cert, []).append(item)
    return by_id, by_cert


def _lookup(by_id: dict[str, list[Any]], by_cert: dict[str, list[Any]], pid: str, cert: str) -> list[Any]:
    seen: dict[int, Any] = {}
    for item in by_id.get(pid, []) if pid else []:
        seen[id(item)] = item
    for item in by_cert.get(cert, []) if cert else []:
        seen[id(item)] = item
    return list(seen.values())


# ------------------------------------------------------------------------------------------ main
def find_obligations(ws: Any, cfg: Any = None, as_of: dt.date | None = None, *,
                     calendar: Any = None) -> list[Obligation]:
    """Every obligation found in ``ws`` and its state on ``as_of`` (default today), sorted by state
    (overdue first), unit, deadline, name. ``calendar``: the WorkCalendar to use (default
    ``make_calendar(cfg)``; pass one built with ``warn=`` to hear about years without holiday data)."""
    import gc

    was = gc.isenabled()
    gc.disable()  # ~10^5 small acyclic objects: GC passes cost as much as the work itself
    try:
        return _find_obligations(ws, cfg, as_of, calendar)
    finally:
        if was:
            gc.enable()


def _find_obligations(ws: Any, cfg: Any, as_of: dt.date | None, calendar: Any) -> list[Obligation]:
    ctx = _Ctx(ws, cfg, as_of or dt.date.today(), calendar)
    results = _results(ws)
    for _res, rec in _records(results, "registry"):
        full = rec.values.get("unit")
        if full:
            ctx.names.setdefault(_key(full), full)
            if rec.values.get("short"):
                ctx.names.setdefault(_key(rec.values["short"]), full)
    _people_obligations(ctx, results)
    _campaign_obligations(ctx, results)
    order = {s: i for i, s in enumerate(STATES)}
    kind_order = {k: i for i, k in enumerate(KINDS)}
    ctx.out.sort(key=lambda o: (order[o.state], o.unit, o.deadline, kind_order[o.kind], o.name, o.path, o.row or 0))
    return ctx.out


def _people_obligations(ctx: _Ctx, results: list[Any]) -> None:
    dl_cfg = ctx.cfg.deadlines
    cal, as_of = ctx.cal, ctx.as_of

    # annex 4 filings (discharge loss reports), annex 2/3 filings (discharge revocations)
    annex4 = [(*_person_keys(rec), _Action(res.meta.date, (ctx, res, rec))) for res, rec in _records(results, "annex4")]
    a4_id, a4_cert = _index(annex4)
    revocations = []
    for kind in ("annex2", "annex3"):
        for res, rec in _records(results, kind):
            revocations.append((*_person_keys(rec), (kind, _Action(res.meta.date, (ctx, res, rec)))))
    rv_id, rv_cert = _index(revocations)
    # annex 1 system entries: (action, date, where)
    entries = []
    for res, rec in _records(results, "annex1"):
        when = rec.values.get("entry_date") or res.meta.date
        entries.append((*_person_keys(rec), (rec.values.get("action"), when, (ctx, res, rec))))
    a1_id, a1_cert = _index(entries)

    def unit_of(res: Any, rec: Any) -> str:
        return ctx.unit(rec.values.get("unit") or rec.values.get("reporting_unit") or res.meta.unit)

    def loss_report(res: Any, rec: Any, lost: dt.date) -> Obligation:
        """Annex 4 owed within report_days working days of a loss (Qidong 二)."""
        pid, cert = _person_keys(rec)
        return Obligation(
            "loss_report", "", unit_of(res, rec), "报送证件补发表（附件4）", "file annex 4 (reissue) for the lost certificate",
            cal.add_workdays(lost, dl_cfg.report_days), since=lost, name=rec.values.get("name") or "",
            id=pid, cert=cert, path=ctx.rel(res.path), sheet=rec.sheet, row=rec.row,
        )

    # (a) lost certificates reported on annex 4
    for res, rec in _records(results, "annex4"):
        lost = rec.values.get("lost_date")
        if not lost or lost > as_of:
            continue
        ob = loss_report(res, rec, lost)
        ctx.add(ob, [_Action(res.meta.date, _where(ctx, res, rec))])

    # (a) losses known from the survey only (备注 / 处理意见 mention 遗失 with a date)
    for res, rec in _records(results, "survey_people"):
        text = " ".join(str(rec.values.get(k) or rec.raw.get(k) or "") for k in ("remark", "opinion"))
        if not any(w in text for w in LOSS_WORDS):
            continue
        lost = date_in_text(text)
        if not lost or lost > as_of:
            continue
        ob = loss_report(res, rec, lost)
        ctx.add(ob, _lookup(a4_id, a4_cert, ob.id, ob.cert))

    # (b) revocations, replacements and reissues awaiting the annex 1 system entry
    needs = {
        "annex2": (("注销",), "在系统中办理注销并报送备案表（附件1）", "enter the revocation in the system and file annex 1"),
        "annex3": (("录入归集", "修改"), "在系统中录入换发证件并报送备案表（附件1）", "enter the replacement in the system and file annex 1"),
        "annex4": (("录入归集", "修改"), "在系统中录入补发证件并报送备案表（附件1）", "enter the reissue in the system and file annex 1"),
    }
    for kind, (wanted, owed, owed_en) in needs.items():
        for res, rec in _records(results, kind):
            event = rec.values.get("change_date") or res.meta.date
            if not event or event > as_of:
                continue
            pid, cert = _person_keys(rec)
            actions = [
                _Action(when, where)
                for action, when, where in _lookup(a1_id, a1_cert, pid, cert)
                if action in wanted and (when is None or when >= event)
            ]
            ob = Obligation(
                "system_entry", "", unit_of(res, rec), owed, owed_en,
                cal.add_workdays(event, dl_cfg.system_entry_days), since=event,
                name=rec.values.get("name") or "", id=pid, cert=cert,
                path=ctx.rel(res.path), sheet=rec.sheet, row=rec.row,
            )
            ctx.add(ob, actions)

    # (c) survey holders who left post: revocation within report_days
    for res, rec in _records(results, "survey_people"):
        status, left = rec.values.get("status"), rec.values.get("leave_date")
        if not status or status == "在岗" or not left or left > as_of:
            continue
        pid, cert = _person_keys(rec)
        allowed = ("annex2", "annex3") if status == "调离" else ("annex2",)
        actions = [a for k, a in _lookup(rv_id, rv_cert, pid, cert) if k in allowed]
        opinion = str(rec.values.get("opinion") or "")
        if any(w in opinion for w in HELD_DONE_WORDS):
            actions.append(_Action(None, _where(ctx, res, rec)))
        owed, owed_en = (
            ("办理证件注销或换证（附件2/附件3）", "revoke or replace the certificate (annex 2 / annex 3)")
            if status == "调离"
            else ("办理证件注销（附件2）", "revoke the certificate (annex 2)")
        )
        ob = Obligation(
            "revocation", "", unit_of(res, rec), f"{status}：{owed}", f"{status}: {owed_en}",
            cal.add_workdays(left, dl_cfg.report_days), since=left,
            name=rec.values.get("name") or "", id=pid, cert=cert,
            path=ctx.rel(res.path), sheet=rec.sheet, row=rec.row,
        )
        ctx.add(ob, actions)


def _campaign_obligations(ctx: _Ctx, results: list[Any]) -> None:
    """(d) registry units owing the survey, the training plan and the cleanup report."""
    registry: list[tuple[Any, Any]] = [
        (res, rec) for res, rec in _records(results, "registry") if rec.values.get("must_report") == "是"
    ]
    if not registry:
        return
    names = ctx.names

    def unit_named(text: Any) -> str | None:
        return names.get(_key(text)) if text else None

    survey: dict[str, list[_Action]] = {}

    def got_survey(unit: str | None, when: dt.date | None, where: str) -> None:
        if unit:
            survey.setdefault(unit, []).append(_Action(when, where))

    for res in results:
        if "survey" not in str(getattr(res, "family", "")).split("+"):
            continue
        where = ctx.rel(res.path)
        got_survey(unit_named(res.meta.unit), res.meta.date, where)
        for rec in res.records("survey_units"):
            got_survey(unit_named(rec.values.get("unit")), rec.values.get("report_date") or res.meta.date, where)
        for rec in res.records("survey_people"):
            for k in ("reporting_unit", "unit"):
                got_survey(unit_named(rec.values.get(k)), res.meta.date, where)

    plans: dict[str, list[_Action]] = {}
    reports: dict[str, list[_Action]] = {}
    for path in _all_files(ctx.root):
        rel = ctx.rel(str(path))
        fname = compact(path.name)
        target = plans if any(w in fname for w in PLAN_WORDS) else (
            reports if any(w in fname for w in REPORT_WORDS) else None)
        if target is None:
            continue
        unit = _unit_in_path(rel, names)
        if unit:
            target.setdefault(unit, []).append(_Action(date_in_text(path.name), rel))

    dl = ctx.cfg.deadlines
    year = dl.training_plan_due.year
    items = (
        ("survey", dl.survey_due, survey, "报送专项清理工作摸排统计表", "send the cleanup survey (摸排统计表)"),
        ("training_plan", dl.training_plan_due, plans, f"报送{year}年度行政执法学习培训计划",
         f"send the {year} annual training plan"),
        ("cleanup_report", dl.report_due, reports, "报送专项清理工作报告", "send the cleanup report"),
    )
    seen: set[str] = set()
    for res, rec in registry:
        unit = rec.values.get("unit")
        if not unit or unit in seen:
            continue
        seen.add(unit)
        for kind, due, got, owed, owed_en in items:
            ob = Obligation(kind, "", unit, owed, owed_en, due, path=ctx.rel(res.path), sheet=rec.sheet, row=rec.row)
            ctx.add(ob, got.get(unit, []))


def _all_files(root: Path) -> list[Path]:
    if not root.is_dir():
        return []
    out = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for f in sorted(filenames):
            if not f.startswith((".", "~$")):
                out.append(Path(dirpath) / f)
    return out


def _unit_in_path(rel: str, names: dict[str, str]) -> str | None:
    """The registry unit whose full name or 简称 appears in the path (longest match wins)."""
    text = compact(rel)
    best: tuple[int, str] | None = None
    for key, full in names.items():
        if key and key in text and (best is None or len(key) > best[0]):
            best = (len(key), full)
    return best[1] if best else None
