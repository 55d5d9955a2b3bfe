"""Cleanup statistics (柞政司发〔2024〕52号 三.2, 三.4): per unit and in total, for each category — found,
resolved (annex 2 / 3 received), still open, of which overdue — with holders, staffing quota and
enforcement posts, as of a date. The cases (:mod:`.cases`) are counted with a pandas pivot table by
unit and category; the result is plain numbers (:class:`CleanupStats`), which the report writes as a
sheet and as lines of its e-mail text.

pandas is imported only here, when the statistics are made (its import alone costs about 0.85 s of
CPU: see bench/README.md) — never by validate, merge or overdue.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from .cases import CATEGORIES, OVERDUE, RESOLVED, CleanupCases, collect_cases, num_text

MEASURES = ("found", "resolved", "open", "overdue")
MEASURE_LABELS = {"found": ("发现", "found"), "resolved": ("已整改", "resolved"),
                  "open": ("尚未整改", "still open"), "overdue": ("其中逾期", "of which overdue")}


@dataclass
class UnitLine:
    unit: str
    holders: int = 0  # holders on the day (the model's)
    establishment: float | None = None  # 机构编制数 (survey 单位 sheet)
    posts: float | None = None  # 执法岗位数
    counts: dict[str, dict[str, int]] = field(default_factory=dict)  # category -> measure -> n

    def n(self, category: str, measure: str) -> int:
        return self.counts.get(category, {}).get(measure, 0)


@dataclass
class CleanupStats:
    as_of: dt.date
    units: list[UnitLine]
    total: UnitLine
    cases: CleanupCases

    @property
    def any_found(self) -> bool:
        return any(self.total.n(c, "found") for c in CATEGORIES)


def cleanup_statistics(model: Any, ws: Any = None, cfg: Any = None, calendar: Any = None,
                       cases: CleanupCases | None = None) -> CleanupStats:
    """The statistics of ``model`` on its as-of date (``cases``: already collected, else collected here)."""
    import pandas as pd

    cases = cases if cases is not None else collect_cases(model, ws, cfg, calendar)
    records = [{"unit": c.unit, "category": c.category, "found": c.count, "resolved": c.resolved
                if c.category == "over_quota" else int(c.state == RESOLVED),
                "overdue": c.open_count if c.state == OVERDUE else 0} for c in cases.cases]
    frame = pd.DataFrame.from_records(records, columns=["unit", "category", "found", "resolved", "overdue"])
    frame["open"] = frame["found"] - frame["resolved"]
    pivot = frame.pivot_table(index="unit", columns="category", values=list(MEASURES), aggfunc="sum",
                              fill_value=0)
    units = sorted(set(cases.holders) | set(cases.units) | set(frame["unit"]))
    lines = []
    for unit in units:
        facts = cases.units.get(unit)
        line = UnitLine(unit, cases.holders.get(unit, 0), facts.establishment if facts else None,
                        facts.posts if facts else None)
        for cat in CATEGORIES:
            line.counts[cat] = {m: _cell(pivot, unit, m, cat) for m in MEASURES}
        lines.append(line)
    total = UnitLine("合计", sum(u.holders for u in lines), _sum(u.establishment for u in lines),
                     _sum(u.posts for u in lines))
    totals = frame.groupby("category")[list(MEASURES)].sum()
    for cat in CATEGORIES:
        total.counts[cat] = {m: int(totals.at[cat, m]) if cat in totals.index else 0 for m in MEASURES}
    return CleanupStats(cases.as_of, lines, total, cases)


def _cell(pivot: Any, unit: str, measure: str, category: str) -> int:
    if unit not in pivot.index or (measure, category) not in pivot.columns:
        return 0
    return int(pivot.at[unit, (measure, category)])


def _sum(values: Any) -> float | None:
    vals = [v for v in values if v is not None]
    return sum(vals) if vals else None


# ------------------------------------------------------------------------------------------ text
def statistics_lines(s: CleanupStats, lang: str = "zh") -> list[str]:
    """The statistics as plain lines (an e-mail body): the total, then each unit with a case."""
    en = lang == "en"
    lines = []
    for u in [s.total, *[u for u in s.units if any(u.n(c, "found") for c in CATEGORIES)]]:
        name = ("Total" if en else "合计") if u is s.total else u.unit
        lines.append(f"{name}{': ' if en else '：'}{_staffing(u, lang)}")
        for key, cat in CATEGORIES.items():
            if u is not s.total and not u.n(key, "found"):
                continue
            nums = [u.n(key, m) for m in MEASURES]
            if en:
                lines.append(f"   {cat.en}: found {nums[0]}, resolved {nums[1]}, open {nums[2]} ({nums[3]} overdue)")
            else:
                lines.append(f"   {cat.zh}：发现 {nums[0]}，已整改 {nums[1]}，尚未整改 {nums[2]}（其中逾期 {nums[3]}）")
    return lines


def _staffing(u: UnitLine, lang: str) -> str:
    q, p = num_text(u.establishment), num_text(u.posts)
    if lang == "en":
        return f"{u.holders} holders, staffing quota {q}, enforcement posts {p}"
    return f"持证 {u.holders} 人，机构编制数 {q}，执法岗位数 {p}"



# ------------------------------------------------------------------------------------------ sheet
SHEET = ("清理统计", "Cleanup statistics")
_HEAD = (("单位", "持证人数", "机构编制数", "执法岗位数", "问题类别", "依据", "发现", "已整改", "尚未整改", "其中逾期"),
         ("unit", "holders", "staffing quota", "enforcement posts", "category", "basis", "found", "resolved",
          "still open", "of which overdue"))
_WIDTHS = (30, 8, 9, 9, 24, 26, 7, 8, 9, 9)


def statistics_title(s: CleanupStats, lang: str = "zh") -> str:
    if lang == "en":
        return f"Certificate cleanup statistics (as of {s.as_of.isoformat()})"
    return f"行政执法证件专项清理统计（截至 {s.as_of.isoformat()}）"


def statistics_rows(s: CleanupStats, lang: str = "zh") -> list[list[Any]]:
    """One row per unit and category found (a unit with none: one row), then the total per category."""
    en = lang == "en"
    rows: list[list[Any]] = []
    for u in [*s.units, s.total]:
        name = ("Total" if en else "合计") if u is s.total else u.unit
        head = [name, u.holders, _blank(u.establishment), _blank(u.posts)]
        cats = [k for k in CATEGORIES if u is s.total or u.n(k, "found")]
        if not cats:
            rows.append(head + ["—", "", 0, 0, 0, 0])
        for k in cats:
            cat = CATEGORIES[k]
            rows.append(head + [cat.en if en else cat.zh, cat.basis, *[u.n(k, m) for m in MEASURES]])
    return rows


def write_statistics_sheet(wb: Any, s: CleanupStats, lang: str = "zh") -> Any:
    """The statistics as a printable sheet of ``wb``."""
    from .sheets import write_table

    en = lang == "en"
    ws = wb.create_sheet(SHEET[1] if en else SHEET[0])
    note = ("Found on the cleanup survey (柞政司发〔2024〕52号 三.2, 三.4); resolved: revoked or replaced (annex 2 / 3, "
            "or the annex 1 revocation entry); overdue: open after its deadline." if en else
            "发现：摸排统计表所列（柞政司发〔2024〕52号 三.2、三.4）；已整改：已注销或换发（附件2、3，或附件1注销录入）；"
            "其中逾期：过期限仍未整改。持证人数为截至当日的台账人数；机构编制数、执法岗位数取自摸排统计表（单位）。")
    write_table(ws, statistics_title(s, lang), [note], _HEAD[1] if en else _HEAD[0], statistics_rows(s, lang),
                _WIDTHS, lang)
    return ws


def _blank(x: float | None) -> Any:
    if x is None:
        return ""
    return int(x) if float(x).is_integer() else x
