"""The cleanup campaign and its deliverables: described in one place.

The Zhashui 2024 cleanup (柞政司发〔2024〕52号) asks every bound unit for three deliverables: the
survey table and the annual training plan by 6月5日, the cleanup report by 7月25日 (四.3). Today the
campaign is built from ``cfg.deadlines`` by :func:`campaign_from_config`; every reader (overdue, the
ledger's 单位汇总 and 来源文件, the report) takes the deliverables from here, so that a campaign can
become a configuration entry without touching them.

A deliverable is credited only to the unit that sent it: the file's 填报单位, else the folder it is
filed in (else, for a file that is not a form, a unit named in its file name) — never a unit that is
merely named in rows of someone else's file. A survey counts when a survey form arrives; the plan
and the report count by file name (培训计划; 清理工作报告 / 自查自纠), in any format — .docx, .pdf, or an
.xlsx that is not one of the forms — and are received on the date written in their file name
(2024-06-03, 20240603, 2024年6月3日 …) or, without one, counted as received in time.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from .. import rules as R
from ..normalize import compact
from .rulesets import ZHASHUI_2024, RuleSet


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
class Campaign:
    key: str
    name: str
    name_en: str
    basis: str  # notice and clause
    ruleset: RuleSet
    deliverables: tuple[Deliverable, ...]

    def named(self, filename: str) -> Deliverable | None:
        """The deliverable a file is, by its name (a training plan, a cleanup report), if any."""
        text = compact(filename)
        for d in self.deliverables:
            if d.words and any(w in text for w in d.words):
                return d
        return None

    def of_kind(self, kind: str) -> Deliverable:
        return next(d for d in self.deliverables if d.kind == kind)


def campaign_from_config(cfg: Any) -> Campaign:
    """The Zhashui 2024 cleanup, with the due dates of ``cfg.deadlines`` (defaults: 6月5日, 7月25日)."""
    dl = getattr(cfg, "deadlines", None)
    survey_due = getattr(dl, "survey_due", dt.date(2024, 6, 5))
    plan_due = getattr(dl, "training_plan_due", dt.date(2024, 6, 5))
    report_due = getattr(dl, "report_due", dt.date(2024, 7, 25))
    year = plan_due.year
    return Campaign(
        "zhashui2024-cleanup", "行政执法人员资格证件专项清理", "enforcement certificate cleanup",
        R.ZS + " 四.3", ZHASHUI_2024,
        (
            Deliverable("survey", survey_due, "摸排统计表", "survey", "报送专项清理工作摸排统计表",
                        "send the cleanup survey (摸排统计表)", family="survey"),
            Deliverable("training_plan", plan_due, "培训计划", "training plan", f"报送{year}年度行政执法学习培训计划",
                        f"send the {year} annual training plan", words=("培训计划",)),
            Deliverable("cleanup_report", report_due, "清理工作报告", "cleanup report", "报送专项清理工作报告",
                        "send the cleanup report", words=("清理工作报告", "自查自纠")),
        ),
    )
