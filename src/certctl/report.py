"""The dated report a person opens (issue 6): an xlsx with a summary sheet and native Excel charts, and a
Markdown summary fit for an email body.

``build_report(ws, cfg, as_of)`` gathers the numbers from the model (:func:`certctl.model.build_model`)
— per unit: holders and 红/黄/绿 counts exactly as the ledger's 单位汇总 shows them, the overdue and
due-soon items exactly as ``certctl overdue`` lists them — and ``write_report(report, out_dir)`` writes
``certctl-report-YYYY-MM-DD.xlsx`` and ``certctl-report-YYYY-MM-DD.md``. Each file is written to a temporary
file in ``out_dir`` and renamed into place, so re-running for the same date replaces that date's report
(and nothing else) and a reader never sees a half-written file.

The workbook is a pure function of its input (fixed document timestamps = the as-of date), cells from
the forms are always written as text (never as formulas), and ID numbers are masked unless asked.
"""

from __future__ import annotations

from .atomic import atomic_write

import datetime as dt
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

from .model.clocks import PENDING_STATES, Obligation

__all__ = ["UnitRow", "Report", "build_report", "write_report", "report_paths", "REPORT_PREFIX"]

REPORT_PREFIX = "certctl-report-"
FILL = {"红": "C00000", "黄": "FFC000", "绿": "00B050"}


@dataclass
class UnitRow:
    unit: str
    holders: int = 0  # active certificates (ledger)
    certificates: int = 0  # every certificate of the unit (ledger)
    red: int = 0
    yellow: int = 0
    green: int = 0
    overdue: int = 0
    due_soon: int = 0
    forms: int = 0  # forms received
    missing: bool = False  # must report (registry) and sent nothing


@dataclass
class Report:
    as_of: dt.date
    units: list[UnitRow]
    overdue: list[Obligation]
    due_soon: list[Obligation]
    files: int = 0
    unreadable: list[str] = field(default_factory=list)
    done_late: int = 0

    @property
    def totals(self) -> UnitRow:
        t = UnitRow("合计")
        for u in self.units:
            for k in ("holders", "certificates", "red", "yellow", "green", "overdue", "due_soon", "forms"):
                setattr(t, k, getattr(t, k) + getattr(u, k))
        return t


def build_report(ws: Any, cfg: Any = None, as_of: dt.date | None = None, *, model: Any = None,
                 calendar: Any = None) -> Report:
    """Numbers of the report for ``as_of``: the model's unit counts and obligations (``model``: one
    already built for that day, else it is built here)."""
    from .model import build_model
    from .overdue import forms_read

    as_of = as_of or dt.date.today()
    if model is None:
        model = build_model(ws, cfg, as_of, calendar=calendar, findings=False)
    obs = model.obligations
    rows: dict[str, UnitRow] = {}
    for u in model.units:
        rows[u.unit] = UnitRow(u.unit, u.holders, u.certificates, u.red, u.yellow, u.green,
                               forms=u.forms, missing=bool(u.missing))
    overdue = sorted((o for o in obs if o.state == "overdue"), key=_order)
    soon = sorted((o for o in obs if o.state in PENDING_STATES), key=_order)
    for o in overdue:
        rows.setdefault(o.unit, UnitRow(o.unit)).overdue += 1
    for o in soon:
        rows.setdefault(o.unit, UnitRow(o.unit)).due_soon += 1
    return Report(
        as_of=as_of,
        units=sorted(rows.values(), key=lambda u: u.unit),
        overdue=overdue,
        due_soon=soon,
        files=forms_read(model),
        unreadable=[str(f.path) for f in model.files if f.status == "unreadable"],
        done_late=sum(1 for o in obs if o.state == "done_late"),
    )


def _order(o: Obligation) -> tuple:
    return (o.unit, o.deadline, o.kind, o.name, o.source)


def report_paths(out_dir: str | os.PathLike[str], as_of: dt.date) -> tuple[Path, Path]:
    base = Path(out_dir) / f"{REPORT_PREFIX}{as_of.isoformat()}"
    return base.with_suffix(".xlsx"), base.with_suffix(".md")


# ------------------------------------------------------------------------------------------ text
_T = {
    "title": ("行政执法证件情况报告（截至 {d}）", "Enforcement certificates report ({d})"),
    "summary": ("截至 {d}：逾期 {o} 项，即将到期 {s} 项；证件 {c} 个（持证 {h} 人；红 {r}，黄 {y}，绿 {g}）；读取表格 {f} 个。",
                "On {d}: {o} overdue, {s} due soon; {c} certificates ({h} held; red {r}, yellow {y}, green {g}); {f} forms read."),
    "units": ("各单位情况", "By unit"),
    "overdue": ("逾期事项", "Overdue"),
    "soon": ("即将到期", "Due soon"),
    "none": ("无。", "None."),
    "unit_headers": (("单位", "持证人数", "证件数", "红", "黄", "绿", "逾期事项", "即将到期", "收到表格", "应报未报"),
                     ("unit", "holders", "certificates", "red", "yellow", "green", "overdue", "due soon", "forms", "missing")),
    "item_headers": (("单位", "姓名", "身份证号码", "证件号码", "应办事项", "起算日期", "期限", "逾期工作日", "剩余工作日", "来源"),
                     ("unit", "name", "ID number", "certificate", "what is owed", "since", "deadline",
                      "working days late", "working days left", "source")),
    "chart_colour": ("各单位证件红黄绿", "Certificates by unit and colour"),
    "chart_overdue": ("各单位逾期事项", "Overdue items by unit"),
    "total": ("合计", "Total"),
    "yes": ("是", "yes"),
    "unreadable": ("无法读取、未计入的文件：", "Files that could not be read (not counted): "),
    "done_late": ("另有 {n} 项已逾期办结（见 certctl validate / merge 的问题清单）。",
                  "{n} more items were done late (see the findings of certctl validate / merge)."),
}


def _t(key: str, lang: str, **kw: Any) -> Any:
    zh, en = _T[key]
    v = en if lang == "en" else zh
    return v.format(**kw) if kw and isinstance(v, str) else v


def _item_row(o: Obligation, lang: str, show_id: bool) -> list[Any]:
    return [o.unit, o.name, o.shown_id(show_id), o.cert, o.owed_text(lang),
            o.since.isoformat() if o.since else "", o.deadline.isoformat(),
            o.late if o.state == "overdue" else "",
            (o.state_label(lang) if o.state == "due_today" else o.days_left) if o.state in PENDING_STATES else "",
            o.source]


def _unit_row(u: UnitRow, lang: str) -> list[Any]:
    return [u.unit, u.holders, u.certificates, u.red, u.yellow, u.green, u.overdue, u.due_soon, u.forms,
            _t("yes", lang) if u.missing else ""]


def _summary(r: Report, lang: str) -> str:
    t = r.totals
    return _t("summary", lang, d=r.as_of.isoformat(), o=len(r.overdue), s=len(r.due_soon), c=t.certificates,
              h=t.holders, r=t.red, y=t.yellow, g=t.green, f=r.files)


# ------------------------------------------------------------------------------------------ markdown
def _md_cell(v: Any) -> str:
    s = "" if v is None else str(v)
    return s.replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ").replace("\r", " ")


def _md_table(headers: Iterable[str], rows: Iterable[list[Any]]) -> list[str]:
    h = list(headers)
    out = ["| " + " | ".join(h) + " |", "|" + "|".join(" --- " for _ in h) + "|"]
    out += ["| " + " | ".join(_md_cell(v) for v in row) + " |" for row in rows]
    return out


def render_markdown(r: Report, lang: str = "zh", show_id: bool = False) -> str:
    lines = [f"# {_t('title', lang, d=r.as_of.isoformat())}", "", _summary(r, lang), ""]
    if r.done_late:
        lines += [_t("done_late", lang, n=r.done_late), ""]
    if r.unreadable:
        lines += [_t("unreadable", lang) + "、".join(r.unreadable) if lang != "en"
                  else _t("unreadable", lang) + ", ".join(r.unreadable), ""]
    lines += [f"## {_t('overdue', lang)}（{len(r.overdue)}）" if lang != "en" else f"## {_t('overdue', lang)} ({len(r.overdue)})", ""]
    heads = _t("item_headers", lang)
    if r.overdue:
        keep = [0, 1, 2, 3, 4, 5, 6, 7, 9]
        lines += _md_table([heads[i] for i in keep], ([row[i] for i in keep] for row in (_item_row(o, lang, show_id) for o in r.overdue)))
    else:
        lines.append(_t("none", lang))
    lines += ["", f"## {_t('soon', lang)}（{len(r.due_soon)}）" if lang != "en" else f"## {_t('soon', lang)} ({len(r.due_soon)})", ""]
    if r.due_soon:
        keep = [0, 1, 2, 3, 4, 5, 6, 8, 9]
        lines += _md_table([heads[i] for i in keep], ([row[i] for i in keep] for row in (_item_row(o, lang, show_id) for o in r.due_soon)))
    else:
        lines.append(_t("none", lang))
    lines += ["", f"## {_t('units', lang)}", ""]
    lines += _md_table(_t("unit_headers", lang),
                       [_unit_row(u, lang) for u in r.units] + [_unit_row(_named(r.totals, _t("total", lang)), lang)])
    lines.append("")
    return "\n".join(lines)


def _named(u: UnitRow, name: str) -> UnitRow:
    u.unit = name
    return u


# ------------------------------------------------------------------------------------------ xlsx
def _put(ws: Any, row: int, col: int, value: Any) -> Any:
    """Write a cell; text is always a string cell, never a formula."""
    cell = ws.cell(row=row, column=col, value=value)
    if isinstance(value, str) and value:
        cell.data_type = "s"
    return cell


def render_xlsx(r: Report, path: Path, lang: str = "zh", show_id: bool = False) -> None:
    from openpyxl import Workbook
    from openpyxl.chart import BarChart, Reference
    from openpyxl.styles import Alignment, Font, PatternFill

    wb = Workbook()
    ws = wb.active
    ws.title = "汇总" if lang != "en" else "Summary"
    bold = Font(bold=True)
    _put(ws, 1, 1, _t("title", lang, d=r.as_of.isoformat())).font = Font(bold=True, size=14)
    _put(ws, 2, 1, _summary(r, lang))
    line = 3
    if r.done_late:
        _put(ws, line, 1, _t("done_late", lang, n=r.done_late))
        line += 1
    if r.unreadable:
        _put(ws, line, 1, _t("unreadable", lang) + "; ".join(r.unreadable))
        line += 1
    head = line + 1
    for c, h in enumerate(_t("unit_headers", lang), start=1):
        _put(ws, head, c, h).font = bold
    for i, u in enumerate(r.units, start=1):
        for c, v in enumerate(_unit_row(u, lang), start=1):
            _put(ws, head + i, c, v)
        for c, colour in ((4, "红"), (5, "黄"), (6, "绿")):
            if getattr(u, ("red", "yellow", "green")[c - 4]):
                ws.cell(head + i, c).fill = PatternFill("solid", fgColor=FILL[colour])
    last = head + len(r.units)
    total = _named(r.totals, _t("total", lang))
    for c, v in enumerate(_unit_row(total, lang), start=1):
        _put(ws, last + 1, c, v).font = bold
    widths = (30, 10, 10, 6, 6, 6, 10, 10, 10, 10)
    for c, w in enumerate(widths, start=1):
        ws.column_dimensions[_letter(c)].width = w

    if r.units:
        cats = Reference(ws, min_col=1, min_row=head + 1, max_row=last)
        colour_chart = BarChart()
        colour_chart.type = "col"
        colour_chart.grouping = "stacked"
        colour_chart.overlap = 100
        colour_chart.title = _t("chart_colour", lang)
        colour_chart.y_axis.title = "证件数" if lang != "en" else "certificates"
        colour_chart.add_data(Reference(ws, min_col=4, max_col=6, min_row=head, max_row=last), titles_from_data=True)
        colour_chart.set_categories(cats)
        for series, colour in zip(colour_chart.series, ("红", "黄", "绿")):
            series.graphicalProperties.solidFill = FILL[colour]
            series.graphicalProperties.line.solidFill = FILL[colour]
        colour_chart.width, colour_chart.height = 18, 9
        ws.add_chart(colour_chart, f"L{head}")

        overdue_chart = BarChart()
        overdue_chart.type = "bar"
        overdue_chart.title = _t("chart_overdue", lang)
        overdue_chart.add_data(Reference(ws, min_col=7, max_col=7, min_row=head, max_row=last), titles_from_data=True)
        overdue_chart.set_categories(cats)
        overdue_chart.legend = None
        overdue_chart.series[0].graphicalProperties.solidFill = FILL["红"]
        overdue_chart.width, overdue_chart.height = 18, 9
        ws.add_chart(overdue_chart, f"L{head + 20}")

    for key, items, keep in (("overdue", r.overdue, [0, 1, 2, 3, 4, 5, 6, 7, 9]),
                             ("soon", r.due_soon, [0, 1, 2, 3, 4, 5, 6, 8, 9])):
        sheet = wb.create_sheet(_t(key, lang))
        heads = _t("item_headers", lang)
        for c, i in enumerate(keep, start=1):
            _put(sheet, 1, c, heads[i]).font = bold
        for n, o in enumerate(items, start=2):
            row = _item_row(o, lang, show_id)
            for c, i in enumerate(keep, start=1):
                _put(sheet, n, c, row[i])
        for c, w in enumerate((28, 10, 21, 14, 40, 12, 12, 10, 44), start=1):
            sheet.column_dimensions[_letter(c)].width = w
        sheet.freeze_panes = "A2"
        if items:
            sheet.auto_filter.ref = f"A1:{_letter(len(keep))}{len(items) + 1}"
        for rowc in sheet.iter_rows(min_row=2):
            for cell in rowc:
                cell.alignment = Alignment(vertical="top")

    stamp = dt.datetime.combine(r.as_of, dt.time(0, 0))
    wb.properties.created = stamp
    wb.properties.modified = stamp
    wb.properties.creator = "certctl"
    wb.properties.title = _t("title", lang, d=r.as_of.isoformat())
    wb.save(path)


def _letter(c: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(c)


# ------------------------------------------------------------------------------------------ writing
def _atomic(target: Path, write: Any) -> None:
    atomic_write(target, write)


def write_report(r: Report, out_dir: str | os.PathLike[str], lang: str = "zh", show_id: bool = False) -> list[Path]:
    """Write (or replace) the as-of date's report files in ``out_dir``; returns [xlsx, md]."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    xlsx, md = report_paths(out, r.as_of)
    _atomic(xlsx, lambda p: render_xlsx(r, p, lang, show_id))
    text = render_markdown(r, lang, show_id)
    _atomic(md, lambda p: p.write_text(text, encoding="utf-8"))
    return [xlsx, md]
