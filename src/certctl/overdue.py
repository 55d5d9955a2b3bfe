"""What is owed on a date: who is late, who is due soon (SPEC 4; 启依法办发〔2020〕15号 一、二; 柞政司发〔2024〕52号 四.3).

``find_obligations(ws, cfg, as_of)`` is the obligations of the model (:func:`certctl.model.build_model`)
of a :class:`certctl.workspace.Workspace`, judged on ``as_of``: one :class:`Obligation` per thing a
unit owes the bureau, each with its working-day deadline (the ONE calendar,
``certctl.config.make_calendar``), its state on ``as_of`` and, for a certificate's items, the
certificate's 证件状态 and 红黄绿 — the very values the ledger shows. The clocks and what discharges
them are described in :mod:`certctl.model.clocks`, the campaign's deliverables in
:mod:`certctl.model.campaign`. Nothing here prints.

States: ``overdue`` (``late`` working days, at least 1), ``due_today``, ``due_soon`` (within
``deadlines.due_soon_days`` working days), ``open``, ``done``, ``done_late`` (validation findings, never
overdue, never exit status 1) and ``not_checkable`` (the event's date is not recorded: info).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import operator
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .model.clocks import KINDS as _KINDS
from .model.docket import Docket
from .model.clocks import PENDING_STATES, STATE_LABELS, STATES, Obligation
from .model.events import date_in_text

__all__ = [
    "Obligation",
    "Found",
    "find_obligations",
    "obligations_in",
    "obligations_in_ledger",
    "load_forms",
    "date_in_text",
    "KINDS",
    "STATES",
    "STATE_LABELS",
    "PENDING_STATES",
    "as_of_warning",
]

KINDS = tuple(_KINDS)


def load_forms(root: str | os.PathLike[str], opts: Any = None, cache: Any = None) -> Any:
    """The workspace of ``root`` (every form below it, duplicate contents read once)."""
    from .workspace import load_workspace

    return load_workspace(root, opts, cache=cache)


def find_obligations(ws: Any, cfg: Any = None, as_of: dt.date | None = None, *,
                     calendar: Any = None) -> list[Obligation]:
    """Every obligation of ``ws`` and its state on ``as_of`` (default today), sorted by state (overdue
    first), unit, deadline, kind, name: the model's (its docket judged on ``as_of``; the items that need
    attention carry their certificate's 证件状态 and 红黄绿). ``calendar``: the WorkCalendar to use
    (default ``make_calendar(cfg)``; pass one built with ``warn=`` to hear about years without holiday
    data)."""
    from .config import make_calendar
    from .model import build_docket

    cal = calendar if calendar is not None else make_calendar(cfg)
    return build_docket(ws, cfg, calendar=cal).judge(as_of or dt.date.today(), cal)


@dataclass
class Found:
    """What ``certctl overdue`` needs of a forms folder: the obligations, how many forms were read,
    the files that could not be read (path as found, reason) and the calendar's warnings."""

    obligations: list[Obligation]
    files: int
    unreadable: list[tuple[str, str]]
    calendar_warnings: list[str]
    cached: bool = False  # served from the cache (the folder, options and date unchanged)
    ledger: str = ""  # judged from this SQLite ledger (certctl overdue --ledger), not from the forms
    written_at: str = ""  # when the merge wrote that ledger (local time, ISO)
    forms_dir: str = ""  # the forms folder that merge read

    # kept in the cache (certctl.codec) as plain tuples: one list of values per obligation
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
    certctl itself. With a cache, two things are kept under that key: the result for the day (a second
    run that day only hashes the files) and, without the day, the model's docket (:mod:`certctl.model.
    docket`) — a new day's run judges the docket again without reading the forms."""
    from .config import make_calendar
    from .model import build_docket
    from .workspace import inputs_key, load_workspace, scan_forms

    root_p = Path(root)
    scan = scan_forms(root_p)
    name = f"overdue:{root_p.resolve()}"
    key = docket_key = ""
    docket = None
    if cache is not None and scan.complete:
        key = inputs_key(scan, opts, cfg, as_of, "overdue", lang)
        hit = cache.get_derived(name, key)
        if isinstance(hit, Found):
            hit.unreadable = [(str(scan.root / rel), why) for rel, why in hit.unreadable]
            hit.cached = True
            return hit
        docket_key = inputs_key(scan, opts, cfg, "any day", "docket", lang)
        kept = cache.get_derived(f"docket:{root_p.resolve()}", docket_key)
        if isinstance(kept, tuple) and len(kept) == 2 and isinstance(kept[0], Docket):
            docket, warnings = kept
    cal = make_calendar(cfg, lang=lang, as_of=as_of)  # says a missing next year (from 1 November)
    if docket is None:
        ws = load_workspace(root_p, opts, cache=cache, scan=scan)
        docket = build_docket(ws, cfg, calendar=cal)
        warnings = list(cal.warnings)
        if docket_key and scan.complete:  # (not when a form was replaced while it was read)
            cache.put_derived(f"docket:{root_p.resolve()}", docket_key, (docket, warnings))
    obs = docket.judge(as_of, cal)
    warnings = list(dict.fromkeys([*warnings, *cal.warnings]))
    bad = [(rel, en if lang == "en" else zh) for rel, zh, en in docket.unreadable]
    if key and scan.complete:
        cache.put_derived(name, key, Found(obs, docket.forms, bad, warnings))
    return Found(obs, docket.forms, [(str(scan.root / rel), why) for rel, why in bad], warnings)


def check_ledger_settings(stored: Any, cfg: Any, path: str | os.PathLike[str], command: str = "overdue") -> None:
    """:class:`certctl.ledger_sqlite.LedgerUnusable` when the ledger ``stored`` (read from ``path``) was
    merged under other judging settings (:func:`certctl.config.judging_settings`: deadlines, campaign,
    calendar …) than ``cfg``'s — its deadlines were worked out under those, and would differ from the
    forms judged today."""
    from .config import JUDGING_SECTIONS, judging_settings
    from .ledger_sqlite import LedgerUnusable

    then, now = stored.settings, judging_settings(cfg)
    differ = [k for k in JUDGING_SECTIONS if then.get(k) != now.get(k)]
    if differ:
        zh = "、".join(f"[{k}]" for k in differ)
        do_zh, do_en = ("从表格文件夹生成报告", "report on") if command == "report" else ("判定表格文件夹", "judge")
        raise LedgerUnusable(
            f"SQLite 台账 {path} 合并时的设置与当前配置不同（{zh}），其中的期限按当时的设置算出，与按当前设置判定的结果会不一致；"
            f"请先用当前配置重新合并（certctl merge 表格文件夹 --sqlite {path}），或直接{do_zh}（certctl {command} 表格文件夹）",
            f"the SQLite ledger {path} was merged under other settings than the current config ({', '.join(differ)}): "
            f"its deadlines were worked out under those; merge again with the current config (certctl merge "
            f"FORMS_DIR --sqlite {path}), or {do_en} the forms folder "
            f"(certctl {command} FORMS_DIR)")


def ledger_calendar(docket: Any, cfg: Any, as_of: dt.date, lang: str | None = None) -> Any:
    """The working-day calendar a stored docket is judged with on ``as_of``, its ``warnings`` those a
    merge of the forms says (the years its deadlines walked through, a missing next year)."""
    from .config import make_calendar

    cal = make_calendar(cfg, lang=lang, as_of=as_of)  # says a missing next year (from 1 November)
    for clocks in [*(e.clocks for e in docket.certs.values()), *docket.units.values()]:
        for c in clocks:  # the years the merge's deadlines walked through: their fallback warnings, as a merge says them
            for d in (c.since, c.deadline):
                if d is not None:
                    cal.is_workday(d)
    return cal


def obligations_in_ledger(path: str | os.PathLike[str], cfg: Any, as_of: dt.date, *,
                          lang: str | None = None) -> Found:
    """The obligations on ``as_of`` of the SQLite ledger ``path`` (``certctl merge --sqlite``), judged
    from the docket it keeps: the clocks the merge built from the forms, judged on ``as_of`` with the
    working-day calendar of ``cfg`` — what :func:`obligations_in` gives on the folder as it was merged
    (an action dated after ``as_of`` has not happened yet on ``as_of``; an item done stays done).

    :class:`certctl.ledger_sqlite.LedgerUnusable` when the file is missing, not a certctl SQLite ledger,
    of another schema version, or merged under other judging settings (:func:`certctl.config.
    judging_settings`: deadlines, campaign, calendar …) than ``cfg``'s — its deadlines were worked out
    under those, and would differ from the forms judged today."""
    from .ledger_sqlite import read_docket

    stored = read_docket(path)
    check_ledger_settings(stored, cfg, path)
    docket = stored.docket
    cal = ledger_calendar(docket, cfg, as_of, lang)
    obs = docket.judge(as_of, cal)
    bad = [(str(Path(stored.forms_dir) / rel), en if lang == "en" else zh) for rel, zh, en in docket.unreadable]
    return Found(obs, docket.forms, bad, list(dict.fromkeys(cal.warnings)), ledger=str(path),
                 written_at=stored.written_at, forms_dir=stored.forms_dir)


def as_of_warning(as_of: dt.date, lang: str = "zh", today: dt.date | None = None) -> str | None:
    """One warning line when ``as_of`` is before the earlier notice was issued (启依法办发〔2020〕15号,
    2020-11-25): no deadline of either notice had started, so nothing can be overdue — most likely a
    mistyped year (2004 for 2024), which it names when one digit changed gives a year since then."""
    from .rules import QD, QD_ISSUED

    if as_of >= QD_ISSUED:
        return None
    last = (today or dt.date.today()).year
    typed = f"{as_of.year:04d}"
    near = [y for y in range(QD_ISSUED.year, max(last, QD_ISSUED.year) + 1)
            if sum(a != b for a, b in zip(f"{y:04d}", typed)) == 1 and as_of.year < QD_ISSUED.year]
    if lang == "en":
        return (f"warning: --as-of {as_of.isoformat()} is before {QD} was issued ({QD_ISSUED.isoformat()}): none of "
                f"the notices' deadlines had started, so nothing can be overdue; "
                + (f"did you mean {near[-1]}?" if near else "is the year mistyped?"))
    return (f"警告：--as-of {as_of.isoformat()} 早于{QD}的印发日期（{QD_ISSUED.isoformat()}），通知规定的期限都还没有开始，"
            "不会有逾期事项；" + (f"年份是否应为 {near[-1]}？" if near else "年份是否输错了？"))
