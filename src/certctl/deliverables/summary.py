"""The draft campaign summary (柞政司发〔2024〕52号 二 第三阶段: the bureau analyses the units' reports and
writes the summary): a few paragraphs in Chinese, Markdown, with every figure computed from the model —
units bound, each deliverable received on time / late / not received, the survey's holders, and the
problems found and resolved by category. The clerk edits it into the official report; the parts only a
person can write are marked as such, never filled with a figure."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from .cases import CATEGORIES
from .statistics import CleanupStats

TITLE = "行政执法人员资格证件专项清理工作总结（草稿）"
ON_TIME, LATE = "done", "done_late"


@dataclass
class Delivery:
    """How one deliverable of the campaign arrived from the bound units."""

    kind: str
    label: str
    due: dt.date
    on_time: list[str] = field(default_factory=list)
    late: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)  # past due and not received
    pending: list[str] = field(default_factory=list)  # not received, not yet due


def deliveries(model: Any) -> tuple[list[str], list[Delivery]]:
    """(the bound units, each deliverable with the units by how it arrived), from the units' campaign items."""
    camp = model.campaign
    out = {d.kind: Delivery(d.kind, d.label, d.due) for d in (camp.deliverables if camp else ())}
    bound = []
    for u in model.units:
        if not u.items:
            continue
        bound.append(u.unit)
        for o in u.items:
            d = out.get(o.kind)
            if d is None:
                continue
            {ON_TIME: d.on_time, LATE: d.late, "overdue": d.missing}.get(o.state, d.pending).append(u.unit)
    return bound, list(out.values())


def render_summary(model: Any, stats: CleanupStats) -> str:
    """The draft, Markdown (plain text that reads as it is)."""
    day = stats.as_of.isoformat()
    bound, items = deliveries(model)
    camp = model.campaign
    lines = [f"# {TITLE}", "",
             f"> 本稿由 certctl 根据截至 {day} 收到的表格自动生成，文中数字均由台账计算；请核对、补充后定稿。"
             f"依据：{camp.basis if camp else '柞政司发〔2024〕52号'}。", "",
             "## 一、工作开展情况", "",
             f"本次专项清理涉及 {len(bound)} 个单位（执法主体清单中需报送、受本次专项清理约束的单位）。截至 {day}，各单位报送材料情况如下：", ""]
    for d in items:
        text = (f"- {d.label}（应于 {d.due.isoformat()} 前报送）：按时报送 {len(d.on_time)} 个，逾期报送 {len(d.late)} 个，"
                f"未报送 {len(d.missing)} 个")
        text += f"（{'、'.join(d.missing)}）" if d.missing else ""
        lines.append(text + (f"，尚未到期未报送 {len(d.pending)} 个。" if d.pending else "。"))
    c = stats.cases
    lines += ["", "## 二、摸排发现的问题及整改情况", "",
              f"各单位摸排统计表共列证件 {sum(c.surveyed.values())} 个（{len(c.surveyed)} 个单位）；截至 {day}，"
              f"台账持证 {stats.total.holders} 人。按柞政司发〔2024〕52号 三.2、三.4 所列情形：", ""]
    t = stats.total
    for key, cat in CATEGORIES.items():
        found, done, still, late = (t.n(key, m) for m in ("found", "resolved", "open", "overdue"))
        unit_word = "人" if key != "over_quota" else "人（超出编制数或执法岗位数的人数）"
        fix = "已完成培训或证件已收回" if key == "training" else "已注销或换发"
        lines.append(f"- {cat.zh}（{cat.basis.replace('柞政司发〔2024〕52号 ', '')}）：发现 {found} {unit_word}，"
                     f"{fix} {done} 人，尚未整改 {still} 人（其中逾期 {late} 人）。")
    units = [u for u in stats.units if any(u.n(k, "open") for k in CATEGORIES)]
    if units:
        lines += ["", "尚有未整改问题的单位：" + "、".join(
            f"{u.unit}（{sum(u.n(k, 'open') for k in CATEGORIES)} 项）" for u in units) + "。"]
    lines += ["", "## 三、存在的问题及下一步工作", "",
              "（请根据各单位自查自纠工作报告填写：存在的问题、好的经验做法、解决办法和下一步工作安排。）", ""]
    return "\n".join(lines)
