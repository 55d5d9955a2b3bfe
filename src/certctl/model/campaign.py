"""Campaigns and their deliverables: configuration, not code (SPEC 4).

A campaign — the Zhashui 2024 cleanup (柞政司发〔2024〕52号) is one, next year's will be another — is one
``[campaign]`` entry of certctl.toml (:class:`certctl.config.CampaignCfg`): its name, source notice and
rule set, the units it binds (name patterns; a registry unit marked 是否需报送 是), its deliverables and
due dates, its phases, the deadline for what the survey finds (the end of 自查自纠) and its end. The
shipped entry is the Zhashui cleanup: survey table and training plan by 6月5日, cleanup report by 7月25日
(四.3), phases 5月22日—7月31日 (二). :func:`campaign_from_config` turns the entry into a :class:`Campaign`;
every reader (overdue, the ledger's 单位汇总 and 来源文件, the report) takes the deliverables from here.

A deliverable is owed only by a unit the campaign binds, and credited only to the unit that sent it:
the file's 填报单位, else the folder it is filed in (else, for a file that is not a form, a unit named in
its file name) — never a unit that is merely named in rows of someone else's file. A survey counts
when a survey form arrives; the plan and the report count by file name (培训计划; 清理工作报告 / 自查自纠),
in any format — .docx, .pdf, or an .xlsx that is not one of the forms — and are received on the date
written in their file name (2024-06-03, 20240603, 2024年6月3日 …) or, without one, counted as received
in time. Once the campaign has ended, what never arrived is no longer a daily overdue item: it is
listed in the campaign's closing summary (``certctl report``), state ``closed``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from fnmatch import fnmatchcase
from typing import Any

from .. import rules as R
from ..normalize import compact
from .rulesets import RULESETS, ZHASHUI_2024, RuleSet


@dataclass(frozen=True)
class Deliverable:
    kind: str  # an obligation kind (certctl.model.clocks.KINDS)
    due: dt.date
    label: str  # short name (单位汇总 未报送, 来源文件)
    label_en: str
    owed: str
    owed_en: str
    family: str | None = None  # a form family whose arrival is the deliverable
    words: tuple[str, ...] = ()  # words of a file name that make a file this deliverable


@dataclass(frozen=True)
class Phase:
    name: str
    start: dt.date
    end: dt.date


@dataclass(frozen=True)
class Campaign:
    key: str
    name: str
    name_en: str
    basis: str  # notice and clause
    ruleset: RuleSet
    deliverables: tuple[Deliverable, ...]
    units: tuple[str, ...] = ("*",)  # name patterns of the units it binds (fnmatch, on the registry's full name)
    start: dt.date | None = None
    end: dt.date | None = None  # after this day nothing of the campaign is a daily item
    phases: tuple[Phase, ...] = ()
    followup_due: dt.date | None = None  # what the survey finds is revoked or replaced by (end of 自查自纠)
    notice: str = ""

    def binds(self, unit: str) -> bool:
        """Does the campaign bind ``unit`` (a registry full name)?"""
        return any(fnmatchcase(unit, pat) or compact(pat) == compact(unit) for pat in self.units)

    def ended(self, day: dt.date) -> bool:
        return self.end is not None and day > self.end

    def named(self, filename: str) -> Deliverable | None:
        """The deliverable a file is, by its name (a training plan, a cleanup report), if any."""
        text = compact(filename)
        for d in self.deliverables:
            if d.words and any(w in text for w in d.words):
                return d
        return None

    def of_kind(self, kind: str) -> Deliverable:
        return next(d for d in self.deliverables if d.kind == kind)


_KIND_TEXT = {  # kind -> (label, label_en, owed, owed_en, family, words); {year}: the due date's year
    "survey": ("摸排统计表", "survey", "报送专项清理工作摸排统计表", "send the cleanup survey (摸排统计表)", "survey", ()),
    "training_plan": ("培训计划", "training plan", "报送{year}年度行政执法学习培训计划", "send the {year} annual training plan",
                      None, ("培训计划",)),
    "cleanup_report": ("清理工作报告", "cleanup report", "报送专项清理工作报告", "send the cleanup report", None,
                       ("清理工作报告", "自查自纠")),
}


def _deliverable(kind: str, due: dt.date, label: str = "", words: tuple[str, ...] = (), cal: Any = None) -> Deliverable:
    """``due`` as configured; a day off moves it to the next working day of ``cal`` (民法典 203: a survey
    due on a Saturday is due on Monday, not 1 working day late that Monday)."""
    lab, lab_en, owed, owed_en, family, dwords = _KIND_TEXT[kind]
    if cal is not None:
        try:
            due = cal.next_workday(due)
        except (OverflowError, ValueError):
            pass
    return Deliverable(kind, due, label or lab, lab_en, owed.format(year=due.year), owed_en.format(year=due.year),
                       family=family, words=words or dwords)


def campaign_from_config(cfg: Any) -> Campaign:
    """The ``[campaign]`` entry of ``cfg`` (default: the Zhashui 2024 cleanup). Deliverables not listed in
    the entry take their due dates from ``[deadlines]`` (survey_due, training_plan_due, report_due)."""
    c = getattr(cfg, "campaign", None)
    dl = getattr(cfg, "deadlines", None)
    cal = _calendar(cfg)
    if c is not None and c.deliverables:
        items = tuple(_deliverable(d.kind, d.due, d.label or "", tuple(d.words), cal) for d in c.deliverables)
    else:
        items = (_deliverable("survey", getattr(dl, "survey_due", dt.date(2024, 6, 5)), cal=cal),
                 _deliverable("training_plan", getattr(dl, "training_plan_due", dt.date(2024, 6, 5)), cal=cal),
                 _deliverable("cleanup_report", getattr(dl, "report_due", dt.date(2024, 7, 25)), cal=cal))
    if c is None:
        return Campaign("zhashui2024-cleanup", "行政执法人员资格证件专项清理", "enforcement certificate cleanup",
                        R.ZS + " 四.3", ZHASHUI_2024, items, ("*",), dt.date(2024, 5, 22), dt.date(2024, 7, 31),
                        (), dt.date(2024, 6, 30), R.ZS)
    return Campaign(c.key, c.name, c.name_en or c.name, f"{c.notice} {c.clause}".strip(), RULESETS[c.ruleset], items,
                    tuple(c.units) or ("*",), c.start, c.end, tuple(Phase(p.name, p.start, p.end) for p in c.phases),
                    c.followup_due, c.notice)


def _calendar(cfg: Any) -> Any:
    """The working days of ``cfg`` (its [calendar.YYYY] years), to move a due date off a day off. Silent:
    a year it does not know is said by the calendar that counts the clocks."""
    from ..config import Config, make_calendar

    return make_calendar(cfg if isinstance(cfg, Config) else None, warn=lambda _msg: None)
