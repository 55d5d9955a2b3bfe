"""The dated report a person opens (issue 6): an xlsx with a summary sheet and native Excel charts, and a
plain-text summary fit for an e-mail body.

``build_report(ws, cfg, as_of)`` gathers the numbers from the model (:func:`certctl.model.build_model`)
— per unit: holders and 红/黄/绿 counts exactly as the ledger's 单位汇总 shows them, the overdue and
due-soon items exactly as ``certctl overdue`` lists them — and ``write_report(report, out_dir)`` writes
``证件管理报告-YYYY-MM-DD.xlsx`` and ``证件管理报告-YYYY-MM-DD.txt`` (the e-mail body: plain text, one item
a few lines, no table syntax, so any mail client shows it as it is). Each file is written to a
temporary file in ``out_dir`` and renamed into place, so re-running for the same date replaces that
date's report (and nothing else; a same-date report under the old names ``certctl-report-…xlsx/.md``
is replaced too) and a reader never sees a half-written file. The workbook prints on A4 landscape, one
page wide, each chart whole on a page.

The workbook is a pure function of its input (fixed document timestamps = the as-of date), cells from
the forms are always written as text (never as formulas), and ID numbers are masked unless asked.
"""

from __future__ import annotations

from .marks import mark_openpyxl
from .atomic import atomic_write

import datetime as dt
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .model.clocks import PENDING_STATES, Obligation
from .normalize import mask_ids_in_text
from .paper import print_setup, row_height, text_lines

__all__ = ["UnitRow", "Report", "build_report", "build_report_from_ledger", "write_report", "report_paths", "legacy_report_paths",
           "render_text", "render_xlsx", "REPORT_PREFIX"]

REPORT_PREFIX = "证件管理报告-"
LEGACY_PREFIX = "certctl-report-"  # the names reports had before; a same-date one is replaced
FILL = {"红": "C00000", "黄": "FFC000", "绿": "00B050"}  # chart bars
CELL_FILL = {"红": "FFC7CE", "黄": "FFEB9C", "绿": "C6EFCE"}  # table cells: light fill, dark text
CELL_FONT = {"红": "9C0006", "黄": "9C5700", "绿": "006100"}


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
    notes: list[tuple[str, str]] = field(default_factory=list)  # (zh, en) lines under the summary
    closed: list[Obligation] = field(default_factory=list)  # an ended campaign's items never done (closing summary)
    campaign: str = ""  # the ended campaign's name and notice
    campaign_end: dt.date | None = None
    cleanup: Any = None  # certctl.deliverables.CleanupStats: the cleanup statistics (issue 18)

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
    from .config import make_calendar
    from .deliverables import cleanup_statistics
    from .model import build_model

    as_of = as_of or dt.date.today()
    if model is None:
        model = build_model(ws, cfg, as_of, calendar=calendar, findings=False)
    cal = calendar if calendar is not None else make_calendar(cfg)
    cleanup = cleanup_statistics(model, ws, cfg, cal)  # ws: the survey's cells
    return _report(as_of, model.units, model.obligations, model.forms,
                   [str(f.path) for f in model.files if f.status == "unreadable"], model.campaign, cleanup, cal)


def build_report_from_ledger(stored: Any, cfg: Any = None, as_of: dt.date | None = None, *,
                             calendar: Any = None, judging: Any = None) -> Report:
    """The report for ``as_of`` from an SQLite ledger (``stored``: :func:`certctl.ledger_sqlite.
    read_report_inputs`) — what :func:`build_report` gives on the forms folder it merged, judged by the
    same functions: the docket's obligations on the day, each unit's colours and campaign items on the
    day (:func:`certctl.model.units.units_on`), the cleanup's cases on the day
    (:func:`certctl.deliverables.cases.judge_cases`). ``judging``: the calendar the obligations are
    judged with (as ``certctl report`` builds the model with; default ``calendar``)."""
    from .config import make_calendar
    from .deliverables import cleanup_statistics
    from .deliverables.cases import judge_cases
    from .model import campaign_from_config
    from .model.units import units_on

    as_of = as_of or dt.date.today()
    cal = calendar if calendar is not None else make_calendar(cfg)
    judging = judging if judging is not None else cal
    docket, inputs = stored.docket, stored.report
    campaign = campaign_from_config(cfg if cfg is not None else _default_config())
    units = units_on(inputs.units, docket, as_of, judging, campaign)
    cleanup = cleanup_statistics(None, None, cfg, cal, cases=judge_cases(inputs.cleanup, as_of, cfg, cal))
    return _report(as_of, units, docket.judge(as_of, judging), docket.forms, [u[0] for u in docket.unreadable],
                   campaign, cleanup, cal)


def _default_config() -> Any:
    from .config import Config

    return Config()


def _report(as_of: dt.date, units: list[Any], obs: list[Obligation], forms: int, unreadable: list[str],
            campaign: Any, cleanup: Any, cal: Any) -> Report:
    """The report's numbers from a model's (or a stored ledger's) units and obligations on ``as_of``."""
    from .workdays import calendar_notice

    rows: dict[str, UnitRow] = {}
    for u in units:
        rows[u.unit] = UnitRow(u.unit, u.holders, u.certificates, u.red, u.yellow, u.green,
                               forms=u.forms, missing=bool(u.missing))
    overdue = sorted((o for o in obs if o.state == "overdue"), key=_order)
    soon = sorted((o for o in obs if o.state in PENDING_STATES), key=_order)
    for o in overdue:
        rows.setdefault(o.unit, UnitRow(o.unit)).overdue += 1
    for o in soon:
        rows.setdefault(o.unit, UnitRow(o.unit)).due_soon += 1
    zh_note = calendar_notice(as_of, cal, "zh")  # a year's holidays not known yet (next year from 1 November)
    notes = [(zh_note, calendar_notice(as_of, cal, "en") or "")] if zh_note else []
    return Report(
        as_of=as_of,
        units=sorted(rows.values(), key=lambda u: u.unit),
        overdue=overdue,
        due_soon=soon,
        files=forms,
        unreadable=unreadable,
        done_late=sum(1 for o in obs if o.state == "done_late"),
        notes=notes,
        closed=sorted((o for o in obs if o.state == "closed"), key=_order),
        campaign=_campaign_name(campaign),
        campaign_end=getattr(campaign, "end", None),
        cleanup=cleanup,
    )


def _campaign_name(c: Any) -> str:
    if c is None:
        return ""
    return f"{c.name}（{c.notice}）" if getattr(c, "notice", "") else c.name


def _order(o: Obligation) -> tuple:
    return (o.unit, o.deadline, o.kind, o.name, o.source)


def report_paths(out_dir: str | os.PathLike[str], as_of: dt.date) -> tuple[Path, Path]:
    """The as-of date's report files in ``out_dir``: (workbook, e-mail body as plain text)."""
    base = Path(out_dir) / f"{REPORT_PREFIX}{as_of.isoformat()}"
    return base.with_suffix(".xlsx"), base.with_suffix(".txt")


def legacy_report_paths(out_dir: str | os.PathLike[str], as_of: dt.date) -> tuple[Path, Path]:
    """Where older certctl versions put the same date's report (xlsx, Markdown)."""
    base = Path(out_dir) / f"{LEGACY_PREFIX}{as_of.isoformat()}"
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
    "closed": ("专项工作结束小结", "Campaign closing summary"),
    "closed_head": ("{c}已于 {d} 结束。以下材料未报送、事项未办结，不再列为每日逾期事项：",
                    "{c} ended on {d}. These never arrived or were never done; they are no longer daily overdue items:"),
    "done_late": ("另有 {n} 项已逾期办结（见 certctl validate / merge 的问题清单）。",
                  "Also done late, after the deadline: {n} (see the findings of certctl validate / merge)."),
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
            _shown(o.source, show_id)]


def _shown(path: str, show_id: bool) -> str:
    """A file name as the report shows it: an ID number in it (补发_王伟明320681….xlsx) masked like the ID
    column, unless ``show_id``."""
    return path if show_id else mask_ids_in_text(path)


def _unit_row(u: UnitRow, lang: str) -> list[Any]:
    return [u.unit, u.holders, u.certificates, u.red, u.yellow, u.green, u.overdue, u.due_soon, u.forms,
            _t("yes", lang) if u.missing else ""]


def _summary(r: Report, lang: str) -> str:
    t = r.totals
    return _t("summary", lang, d=r.as_of.isoformat(), o=len(r.overdue), s=len(r.due_soon), c=t.certificates,
              h=t.holders, r=t.red, y=t.yellow, g=t.green, f=r.files)


# ------------------------------------------------------------------------------------------ plain text
_TXT = {
    "sections": (("一、", "二、", "三、", "四、", "五、"), ("1. ", "2. ", "3. ", "4. ", "5. ")),
    "closed_due": ("期限 {d}，截至专项工作结束仍未办结", "deadline {d}, not done when the campaign ended"),
    "count": ("（{n} 项）", " ({n})"),
    "id_cert": ("身份证号码 {i}，证件号码 {c}", "ID {i}, certificate {c}"),
    "owed": ("应办事项：{v}", "Owed: {v}"),
    "since": ("起算日期 {s}，", "since {s}, "),
    "late": ("期限 {d}，已逾期 {n} 个工作日", "deadline {d}, {n} working days late"),
    "left": ("期限 {d}，还剩 {n} 个工作日", "deadline {d}, {n} working days left"),
    "today": ("期限 {d}（今日到期）", "deadline {d} (due today)"),
    "source": ("来源：{v}", "Source: {v}"),
    "unit_line": ("持证 {h} 人，证件 {c} 个（红 {r}，黄 {y}，绿 {g}）；逾期 {o} 项，即将到期 {s} 项；收到表格 {f} 个",
                  "{h} holders, {c} certificates (red {r}, yellow {y}, green {g}); {o} overdue, {s} due soon; {f} forms"),
    "missing": ("；应报未报", "; has not reported"),
    "footer": ("（本邮件由 certctl 生成，详细名单和图表见附件 {f}。）", "(Written by certctl; the full lists and charts are in {f}.)"),
}


def _tt(key: str, lang: str, **kw: Any) -> Any:
    zh, en = _TXT[key]
    v = en if lang == "en" else zh
    return v.format(**kw) if kw and isinstance(v, str) else v


def _one_line(v: Any) -> str:
    return " ".join(str(v if v is not None else "").split())


def _item_lines(n: int, o: Obligation, lang: str, show_id: bool) -> list[str]:
    """One obligation as a numbered entry of a few short lines (reads in any mail client)."""
    who = _one_line(o.name)
    lines = [f"{n}. {_one_line(o.unit)}  {who}".rstrip()]
    ids = []
    if o.id or o.cert:
        ids.append(_tt("id_cert", lang, i=o.shown_id(show_id) or "—", c=o.cert or "—"))
    lines += ["   " + x for x in ids]
    lines.append("   " + _tt("owed", lang, v=_one_line(o.owed_text(lang))))
    if o.state == "overdue":
        when = _tt("late", lang, d=o.deadline.isoformat(), n=o.late)
    elif o.state == "due_today":
        when = _tt("today", lang, d=o.deadline.isoformat())
    else:
        when = _tt("left", lang, d=o.deadline.isoformat(), n=o.days_left)
    if o.since:
        when = _tt("since", lang, s=o.since.isoformat()) + when
    lines.append("   " + when)
    if o.source:
        lines.append("   " + _tt("source", lang, v=_one_line(_shown(o.source, show_id))))
    return lines


def _closed_lines(n: int, o: Obligation, lang: str, show_id: bool) -> list[str]:
    """An item of the closing summary: who, what never arrived or was never done, by when, where from."""
    lines = [f"{n}. {_one_line(o.unit)}  {_one_line(o.name)}".rstrip()]
    if o.id or o.cert:
        lines.append("   " + _tt("id_cert", lang, i=o.shown_id(show_id) or "—", c=o.cert or "—"))
    lines.append("   " + _tt("owed", lang, v=_one_line(o.owed_text(lang))))
    if o.deadline:
        lines.append("   " + _tt("closed_due", lang, d=o.deadline.isoformat()))
    return lines


def render_text(r: Report, lang: str = "zh", show_id: bool = False, attachment: str = "") -> str:
    """The e-mail body: plain text, headings and numbered entries, no table syntax (a government mail
    client shows it as it is, in a proportional font). ``attachment`` names the workbook it goes with."""
    heads = _tt("sections", lang)
    count = (lambda n: _tt("count", lang, n=n))
    title = _t("title", lang, d=r.as_of.isoformat())
    lines = [title, "", _summary(r, lang)]
    lines += [en if lang == "en" else zh for zh, en in r.notes]
    if r.done_late:
        lines.append(_t("done_late", lang, n=r.done_late))
    if r.unreadable:
        sep = ", " if lang == "en" else "、"
        lines.append(_t("unreadable", lang) + sep.join(_shown(u, show_id) for u in r.unreadable))
    lines.append("")
    for head, key, items in ((heads[0], "overdue", r.overdue), (heads[1], "soon", r.due_soon)):
        lines += [f"{head}{_t(key, lang)}{count(len(items))}", ""]
        if items:
            for n, o in enumerate(items, start=1):
                lines += _item_lines(n, o, lang, show_id)
                lines.append("")
        else:
            lines += [_t("none", lang), ""]
    lines += [f"{heads[2]}{_t('units', lang)}", ""]
    for u in [*r.units, _named(r.totals, _t("total", lang))]:
        text = _tt("unit_line", lang, h=u.holders, c=u.certificates, r=u.red, y=u.yellow, g=u.green,
                   o=u.overdue, s=u.due_soon, f=u.forms)
        if u.missing:
            text += _tt("missing", lang)
        lines.append(f"{_one_line(u.unit)}：{text}" if lang != "en" else f"{_one_line(u.unit)}: {text}")
    if r.cleanup is not None:
        from .deliverables.statistics import statistics_lines, statistics_title

        lines += ["", f"{heads[3]}{statistics_title(r.cleanup, lang)}", "", *statistics_lines(r.cleanup, lang)]
    if r.closed:
        lines += ["", f"{heads[4 if r.cleanup is not None else 3]}{_t('closed', lang)}{count(len(r.closed))}", "",
                  _t("closed_head", lang, c=r.campaign, d=r.campaign_end.isoformat() if r.campaign_end else ""), ""]
        for n, o in enumerate(r.closed, start=1):
            lines += _closed_lines(n, o, lang, show_id)
    if attachment:
        lines += ["", _tt("footer", lang, f=attachment)]
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


ROW_CM = 15 * 2.54 / 72  # a default row (15 points) in centimetres
PAGE_CM = 16.5  # printable height of an A4 landscape page inside the margins and the footer
# The summary table is ≈ 25 cm wide (133 Excel columns: 24.6 cm in LibreOffice, 26 cm in Excel), inside the
# 27.6 cm of the page, so fitting the width never shrinks it. The two charts stand side by side below it,
# 12 cm wide each: the first at column A, the second at column E (67 columns ≈ 12.4–13.1 cm in).
SUMMARY_WIDTHS = (34, 12, 12, 9, 9, 9, 12, 12, 12, 12)
CHART_W_CM, CHART_MIN_CM, CHART_MAX_CM = 12.0, 9.0, 16.0
SECOND_CHART_COL = 5


def _step(top: int) -> int:
    """A whole major unit for a count axis whose largest value is ``top``: 1, 2, 5, 10, 20, 50 …,
    at most six steps up to ``top``."""
    step = 1
    while True:
        for k in (1, 2, 5):
            if top <= 6 * step * k:
                return step * k
        step *= 10


def _count_axis(axis: Any, top: int, title: str | None = None) -> None:
    """A value axis for counts: from 0, whole steps, no decimals."""
    axis.scaling.min = 0
    axis.scaling.max = max(1, -(-top // _step(top)) * _step(top))
    axis.majorUnit = _step(top)
    axis.number_format = "0"
    axis.delete = False
    if title:
        axis.title = title


def render_xlsx(r: Report, path: Path, lang: str = "zh", show_id: bool = False) -> None:
    """The report workbook: 汇总 (title, summary, the unit table, two charts), the overdue and due-soon
    lists, an ended campaign's closing list, and the cleanup statistics when a campaign is configured."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "汇总" if lang != "en" else "Summary"
    head = _banners(ws, r, lang, show_id) + 2  # a blank row between the notes and the table
    end = _unit_table(ws, r, head, lang)
    title_rows = f"{head}:{head}"
    if r.units:
        end, title_rows = _charts(ws, r, head, end, lang)
    print_setup(ws, title_rows, f"A1:{_letter(len(SUMMARY_WIDTHS))}{end}", lang)
    lists = [("overdue", r.overdue, [0, 1, 2, 3, 4, 5, 6, 7, 9]), ("soon", r.due_soon, [0, 1, 2, 3, 4, 5, 6, 8, 9])]
    if r.closed:  # the ended campaign's closing summary: what never arrived
        lists.append(("closed", r.closed, [0, 1, 2, 3, 4, 6, 9]))
    for key, items, keep in lists:
        _item_sheet(wb.create_sheet(_t(key, lang)), items, keep, lang, show_id)
    if r.cleanup is not None:
        from .deliverables.statistics import write_statistics_sheet

        write_statistics_sheet(wb, r.cleanup, lang)
    stamp = dt.datetime.combine(r.as_of, dt.time(0, 0))
    wb.properties.created = stamp
    wb.properties.modified = stamp
    wb.properties.creator = "certctl"
    wb.properties.title = _t("title", lang, d=r.as_of.isoformat())
    mark_openpyxl(wb, "report")  # certctl.marks: never read back as a form
    from .templates import save_deterministic

    save_deterministic(wb, path)  # openpyxl's save would stamp 'now' as modified


_FONT = "宋体"


def _border() -> Any:
    from openpyxl.styles import Border, Side

    thin = Side(style="thin", color="FF808080")
    return Border(left=thin, right=thin, top=thin, bottom=thin)


def _header_cell(cell: Any) -> None:
    from openpyxl.styles import Alignment, Font, PatternFill

    cell.font = Font(name=_FONT, bold=True)
    cell.border = _border()
    cell.fill = PatternFill("solid", fgColor="FFF2F2F2")
    cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)


def _banners(ws: Any, r: Report, lang: str, show_id: bool = False) -> int:
    """Title, summary and notes over the table's width, one row each; returns the last row used."""
    from openpyxl.styles import Alignment, Font

    ncol, table_w = len(SUMMARY_WIDTHS), sum(SUMMARY_WIDTHS)
    plain = Font(name=_FONT)

    def banner(row: int, text: str, f: Any) -> None:
        _put(ws, row, 1, text).font = f
        ws.cell(row, 1).alignment = Alignment(wrap_text=True, vertical="top")
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=ncol)
        lines = text_lines(text, table_w - 2)
        if lines > 1 or (f.sz or 11) > 11:
            ws.row_dimensions[row].height = row_height(lines, f.sz or 11)

    banner(1, _t("title", lang, d=r.as_of.isoformat()), Font(name=_FONT, bold=True, size=14))
    banner(2, _summary(r, lang), plain)
    texts = [en if lang == "en" else zh for zh, en in r.notes]
    if r.done_late:
        texts.append(_t("done_late", lang, n=r.done_late))
    if r.unreadable:
        texts.append(_t("unreadable", lang) + "; ".join(_shown(u, show_id) for u in r.unreadable))
    for line, text in enumerate(texts, start=3):
        banner(line, text, plain)
    return 2 + len(texts)


def _unit_table(ws: Any, r: Report, head: int, lang: str) -> int:
    """One row per unit under a header at ``head``, colour counts filled in their colour, a total row;
    returns the total row."""
    from openpyxl.styles import Alignment, Font, PatternFill

    widths = SUMMARY_WIDTHS
    plain, bold, border = Font(name=_FONT), Font(name=_FONT, bold=True), _border()
    for c, h in enumerate(_t("unit_headers", lang), start=1):
        _header_cell(_put(ws, head, c, h))
    for i, u in enumerate(r.units, start=1):
        for c, v in enumerate(_unit_row(u, lang), start=1):
            cell = _put(ws, head + i, c, v)
            cell.font = plain
            cell.border = border
            cell.alignment = Alignment(vertical="top", wrap_text=c == 1)
        for c, colour in ((4, "红"), (5, "黄"), (6, "绿")):
            if getattr(u, ("red", "yellow", "green")[c - 4]):
                cell = ws.cell(head + i, c)
                cell.fill = PatternFill("solid", fgColor=CELL_FILL[colour])
                cell.font = Font(name=_FONT, bold=True, color=CELL_FONT[colour])
        if text_lines(u.unit, widths[0] - 1) > 1:
            ws.row_dimensions[head + i].height = row_height(text_lines(u.unit, widths[0] - 1))
    last = head + len(r.units)
    total = _named(r.totals, _t("total", lang))
    for c, v in enumerate(_unit_row(total, lang), start=1):
        cell = _put(ws, last + 1, c, v)
        cell.font = bold
        cell.border = border
    for c, w in enumerate(widths, start=1):
        ws.column_dimensions[_letter(c)].width = w
    return last + 1


def _charts(ws: Any, r: Report, head: int, end: int, lang: str) -> tuple[int, str | None]:
    """The two charts side by side below the table, both whole on one page: on the table's page when
    they fit below it, else on the next page (a manual page break before them). Returns the last row
    they cover and the rows to repeat on each printed page (the header, when the table runs over pages)."""
    from openpyxl.chart import BarChart, Reference
    from openpyxl.worksheet.pagebreak import Break

    last = end - 1  # the last unit's row
    height = min(CHART_MAX_CM, max(CHART_MIN_CM, 2.5 + 0.45 * len(r.units)))
    rows_high = int(height / ROW_CM) + 2
    table_cm = sum((ws.row_dimensions[i].height or 15) for i in range(1, end + 1)) * 2.54 / 72
    title_rows = None
    if table_cm + ROW_CM + height > PAGE_CM:
        ws.row_breaks.append(Break(id=end))
        if table_cm > PAGE_CM:  # the table itself runs over pages: repeat its header row
            title_rows = f"{head}:{head}"
    start = end + 2
    cats = Reference(ws, min_col=1, min_row=head + 1, max_row=last)
    colour_chart = BarChart()
    colour_chart.type = "col"
    colour_chart.grouping = "stacked"
    colour_chart.overlap = 100
    colour_chart.title = _t("chart_colour", lang)
    colour_chart.add_data(Reference(ws, min_col=4, max_col=6, min_row=head, max_row=last), titles_from_data=True)
    colour_chart.set_categories(cats)
    for series, colour in zip(colour_chart.series, ("红", "黄", "绿")):
        series.graphicalProperties.solidFill = FILL[colour]
        series.graphicalProperties.line.solidFill = FILL[colour]
    _count_axis(colour_chart.y_axis, max([u.red + u.yellow + u.green for u in r.units] + [0]),
                "证件数" if lang != "en" else "certificates")
    colour_chart.x_axis.delete = False
    colour_chart.legend.position = "b"
    colour_chart.width, colour_chart.height = CHART_W_CM, height
    ws.add_chart(colour_chart, f"A{start}")

    overdue_chart = BarChart()
    overdue_chart.type = "bar"
    overdue_chart.title = _t("chart_overdue", lang)
    overdue_chart.add_data(Reference(ws, min_col=7, max_col=7, min_row=head, max_row=last), titles_from_data=True)
    overdue_chart.set_categories(cats)
    overdue_chart.legend = None
    overdue_chart.series[0].graphicalProperties.solidFill = FILL["红"]
    _count_axis(overdue_chart.y_axis, max([u.overdue for u in r.units] + [0]),
                "逾期事项数" if lang != "en" else "overdue items")
    overdue_chart.x_axis.delete = False
    overdue_chart.width, overdue_chart.height = CHART_W_CM, height
    ws.add_chart(overdue_chart, f"{_letter(SECOND_CHART_COL)}{start}")
    return start + rows_high, title_rows


_ITEM_WIDTHS = (24, 8, 20, 14, 30, 11, 11, 9, 34)


def _item_sheet(sheet: Any, items: list[Any], keep: list[int], lang: str, show_id: bool) -> None:
    """A list of obligations (overdue, due soon, or never arrived): the columns in ``keep``, filtered, printable."""
    from openpyxl.styles import Alignment, Font

    plain, border = Font(name=_FONT), _border()
    heads = _t("item_headers", lang)
    for c, i in enumerate(keep, start=1):
        _header_cell(_put(sheet, 1, c, heads[i]))
    sheet.row_dimensions[1].height = 36
    for n, o in enumerate(items, start=2):
        row = _item_row(o, lang, show_id)
        lines = 1
        for c, i in enumerate(keep, start=1):
            cell = _put(sheet, n, c, row[i])
            cell.font = plain
            cell.border = border
            cell.alignment = Alignment(vertical="top", wrap_text=True)
            if isinstance(row[i], str):
                lines = max(lines, text_lines(row[i], _ITEM_WIDTHS[c - 1] - 1))
        if lines > 1:
            sheet.row_dimensions[n].height = row_height(lines)
    for c, w in enumerate(_ITEM_WIDTHS, start=1):
        sheet.column_dimensions[_letter(c)].width = w
    sheet.freeze_panes = "A2"
    if items:
        sheet.auto_filter.ref = f"A1:{_letter(len(keep))}{len(items) + 1}"
    print_setup(sheet, "1:1", f"A1:{_letter(len(keep))}{max(len(items) + 1, 2)}", lang)


def _letter(c: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(c)


# ------------------------------------------------------------------------------------------ writing
def _atomic(target: Path, write: Any) -> None:
    atomic_write(target, write)


def write_report(r: Report, out_dir: str | os.PathLike[str], lang: str = "zh", show_id: bool = False) -> list[Path]:
    """Write (or replace) the as-of date's report files in ``out_dir``; returns [xlsx, txt]. A report
    of the same date under the old names (certctl-report-DATE.xlsx / .md) is removed once the new one
    is in place, so a re-run never leaves two reports for one day."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    xlsx, txt = report_paths(out, r.as_of)
    _atomic(xlsx, lambda p: render_xlsx(r, p, lang, show_id))
    text = render_text(r, lang, show_id, attachment=xlsx.name)
    _atomic(txt, lambda p: p.write_text(text, encoding="utf-8"))
    for old in legacy_report_paths(out, r.as_of):
        try:
            old.unlink()
        except FileNotFoundError:
            pass
    return [xlsx, txt]
