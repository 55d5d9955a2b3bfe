"""`certctl calendar` — which years' holiday schedules are known and where from;
`certctl calendar import FILE|-` — add a year from the State Council's notice to certctl.toml.

Exit status of import: 0 written (or nothing to change); 2 refused or could not (unreadable notice,
not confirmed, a config file that cannot be rewritten safely).
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from enum import Enum
from pathlib import Path
from typing import Any, Optional

import typer
from rich import box
from rich.table import Table
from rich.text import Text

from ..calendar_file import CalendarFileError, render_year, write_years
from ..config import CONFIG_FILENAME, ConfigError, config_from_dict, make_calendar
from ..holiday_notice import STATUTORY_SOURCE, WEEKDAYS as WEEKDAY_ZH, NoticeError, Schedule, decode_notice, parse_notice
from ..workdays import CC_MAX_YEAR, CC_MIN_YEAR, CC_VERSION, WorkCalendar, YearSpec, calendar_notice
from .app import Typer, app
from .common import Lang, as_of_option, format_option, config_option, console, fail, fail_in, lang_option, load, read_date
from ..oserror import why

class Fmt(str, Enum):
    table = "table"
    json = "json"


calendar_app = Typer(name="calendar", invoke_without_command=True, no_args_is_help=False)
app.add_typer(calendar_app, name="calendar")


def _t(lang: str, zh: str, en: str) -> str:
    return en if lang == "en" else zh


def _day(d: dt.date, lang: str, year: int | None = None) -> str:
    """A date as the notice writes it (1月4日（周日）), so the table reads against the notice; the
    year is shown only when it is not the notice's."""
    if lang == "en":
        return f"{d.isoformat()[5:] if d.year == year else d.isoformat()} ({d.strftime('%a')})"
    y = f"{d.year}年" if d.year != year else ""
    return f"{y}{d.month}月{d.day}日（周{WEEKDAY_ZH[d.weekday()]}）"


def _config_path(config: Optional[Path]) -> Path:
    return config if config is not None else Path(CONFIG_FILENAME)


# ------------------------------------------------------------------------------ certctl calendar
@calendar_app.callback()
def calendar_cmd(
    ctx: typer.Context,
    as_of: Optional[str] = as_of_option("按哪一天判断是否缺少明年的安排（默认今天）/ the day to judge on (default today)"),
    config: Optional[Path] = config_option(),
    lang: Optional[Lang] = lang_option(),
    fmt: Fmt = format_option(Fmt.table, "table 或 json"),
) -> None:
    """工作日日历：列出已知哪些年份的节假日安排及其来源；calendar import 导入国务院办公厅的放假通知。
    Which years' holiday schedules are known and where from (chinese-calendar, certctl.toml, or the
    Monday–Friday fallback); `certctl calendar import FILE` adds a year from the State Council's notice.
    """
    if ctx.invoked_subcommand is not None:
        return
    cfg, ui = load(config, lang)
    day = dt.date.today()
    if as_of:
        day = read_date(as_of, "--as-of", ui, fail_in(ui))
    cal = make_calendar(cfg, lang=ui)
    rows = _sources(cal, str(_config_path(config)), ui)
    note = calendar_notice(day, cal, ui)
    if fmt == Fmt.json:
        typer.echo(json.dumps({"years": [dict(zip(("first", "last", "source", "content"), r[1:])) for r in rows],
                               "note": note or None}, ensure_ascii=False, indent=2))
        return
    table = Table(title=_t(ui, "工作日日历：各年份节假日安排的来源", "Working-day calendar: where each year's schedule comes from"),
                  title_justify="left")
    for h in (_t(ui, "年份", "years"), _t(ui, "来源", "source"), _t(ui, "内容", "content")):
        table.add_column(h)
    for years, _first, _last, source, content in rows:
        _row(table, years, source, content)
    _row(table, _t(ui, "其他年份", "other years"), _t(ui, "无", "none"),
                  _t(ui, "按周一至周五计算，用到时警告一次", "counted Monday–Friday, with one warning when used"))
    con = console()
    con.print(table)
    if note:
        con.print(_t(ui, "注意：", "Note: ") + note, markup=False)
    con.print(_t(ui, "导入新一年的安排：certctl calendar import 通知.txt（或 - 从标准输入读入）",
                 "To add a year: certctl calendar import NOTICE.txt (or - to read standard input)"), markup=False)


def _sources(cal: WorkCalendar, where: str, ui: str) -> list[tuple[str, int, int, str, str]]:
    """(years shown, first, last, source, content) for each run of years known from one source."""
    out = []
    for first, last, src in _runs(cal):
        years = str(first) if first == last else f"{first}–{last}"
        if src == "library":
            out.append((years, first, last, f"chinese-calendar {CC_VERSION}",
                        _t(ui, "内置的国务院放假安排", "built-in State Council schedule")))
            continue
        spec = cal.extra_years[first]
        replaces = CC_MIN_YEAR <= first <= CC_MAX_YEAR
        out.append((years, first, last,
                    f"{where} [calendar.{first}]" + (_t(ui, "（代替内置数据）", " (replaces the built-in data)") if replaces else ""),
                    _t(ui, f"放假 {len(spec.holidays)} 天（其中工作日 {_weekdays(spec.holidays)} 天），调休上班 {len(spec.workdays)} 天",
                       f"{len(spec.holidays)} days off ({_weekdays(spec.holidays)} weekdays), {len(spec.workdays)} makeup working days")))
    return out


def _row(table: Table, *cells: str) -> None:
    table.add_row(*(Text(c) for c in cells))  # plain text: "[calendar.2027]" is not markup


def _weekdays(days: Any) -> int:
    return sum(1 for d in days if d.weekday() < 5)


def _runs(cal: WorkCalendar) -> list[tuple[int, int, str]]:
    """Consecutive years by source: library runs (split by config years), each config year alone."""
    years = sorted(set(range(CC_MIN_YEAR, CC_MAX_YEAR + 1)) | set(cal.extra_years))
    out: list[tuple[int, int, str]] = []
    for y in years:
        src = cal.source(y)
        if src == "library" and out and out[-1][2] == "library" and out[-1][1] == y - 1:
            out[-1] = (out[-1][0], y, src)
        else:
            out.append((y, y, src))
    return out


# ------------------------------------------------------------------------------ certctl calendar import
@calendar_app.command("import")
def import_cmd(
    source: str = typer.Argument(..., metavar="FILE|-",
                                 help="通知全文：文本文件或保存的网页；- 从标准输入读入 / the notice: a text or saved web page file, - for stdin",
                                 show_default=False),
    yes: bool = typer.Option(False, "--yes", "-y", help="不询问，直接写入（脚本用）/ write without asking (for scripts)"),
    year: Optional[int] = typer.Option(None, "--year", metavar="YYYY",
                                       help="通知的年份（文本中没有标题时）/ the notice's year, when the text has no title",
                                       show_default=False),
    config: Optional[Path] = config_option(),
    lang: Optional[Lang] = lang_option(),
) -> None:
    """读取国务院办公厅《关于XXXX年部分节假日安排的通知》，列表核对后写入 certctl.toml 的 [calendar.XXXX]。
    Read the State Council's notice on a year's holidays, show what was understood, and on
    confirmation write it to certctl.toml as [calendar.YYYY], keeping the rest of the file.

    退出状态 / exit status: 0 已写入或无需改动 written or nothing to change; 2 无法读取、未确认或无法写入
    refused or could not.
    """
    cfg, ui = load(config, lang)
    path = _config_path(config)
    data = _read(source, ui)
    try:
        schedule = parse_notice(decode_notice(data), year)
    except NoticeError as e:
        fail(e.message(ui) + _t(ui, "。请对照通知原文改正后重试；certctl 不会猜测。",
                                ". Correct the text against the published notice and run again; certctl does not guess."))
    current = make_calendar(cfg, lang=ui)
    tables, changes = _plan(schedule, current, ui)
    con = console()
    con.print(_schedule_table(schedule, ui, con.width))
    for line in _summary(schedule, current, changes, ui):
        con.print(line, markup=False)
    if not tables:
        con.print(_t(ui, f"{schedule.year} 年的安排已是如此，{path} 无需改动。",
                     f"{schedule.year} is already known this way; {path} left unchanged."), markup=False)
        raise typer.Exit(0)
    names = "、".join(f"[calendar.{y}]" for y in tables) if ui != "en" else ", ".join(f"[calendar.{y}]" for y in tables)
    if not yes:
        if not _stdin_is_terminal():
            fail(_t(ui, f"未确认，未写入 {path}。核对上表无误后，加 --yes 再运行一次即可写入 {names}。",
                    f"not confirmed; {path} not written. When the table above is right, run again with --yes to write {names}."))
        if not typer.confirm(_t(ui, f"写入 {path} 的 {names}？", f"Write {names} to {path}?"), default=False):
            fail(_t(ui, f"未写入 {path}。", f"{path} not written."))
    where = str(path)
    try:
        written = write_years(path, tables, validate=lambda d: config_from_dict(d, where))
    except CalendarFileError as e:
        fail(e.message(ui))
    except ConfigError as e:
        fail(_t(ui, f"写入后的配置无效，未改动 {path}：{e.zh}", f"the result would not be a valid config; {path} unchanged: {e.en}"))
    if written:
        con.print(_t(ui, f"已写入 {path}：{names}。{schedule.year} 年的期限从此按通知计算。",
                     f"wrote {names} to {path}; deadlines in {schedule.year} now follow the notice."), markup=False)
    else:
        con.print(_t(ui, f"{path} 已是这样，未改动。", f"{path} already says this; unchanged."), markup=False)


def _stdin_is_terminal() -> bool:
    """Whether someone can answer at the keyboard (False when stdin is closed: ``<&-``, a service)."""
    try:
        return sys.stdin is not None and sys.stdin.isatty()
    except (ValueError, OSError):
        return False


def _read(source: str, ui: str) -> bytes:
    if source == "-":
        if sys.stdin is None:  # started with stdin closed (`<&-`, a service without one)
            fail(_t(ui, "标准输入已关闭，读不到通知；请把通知存为文本文件，写文件名代替 -",
                    "standard input is closed, so there is no notice to read; save it as a text file and name it instead of -"))
        if _stdin_is_terminal():
            console(stderr=True).print(_t(ui, "请粘贴通知全文，然后另起一行按 Ctrl-D 结束：",
                                          "Paste the notice, then press Ctrl-D on a new line:"), markup=False)
        return sys.stdin.buffer.read()
    p = Path(source)
    if not p.exists():
        fail(_t(ui, f"文件不存在：{source}", f"no such file: {source}"))
    if not p.is_file():
        fail(_t(ui, f"不是文件：{source}", f"not a file: {source}"))
    try:
        return p.read_bytes()
    except OSError as e:
        fail(_t(ui, f"无法读取 {source}：{why(e)}", f"cannot read {source}: {e.strerror or e}"))


def _plan(schedule: Schedule, current: WorkCalendar, ui: str) -> tuple[dict[int, str], dict[int, list[dt.date]]]:
    """The tables to write ({year: TOML}) and, per year, the days whose working status changes."""
    tables: dict[int, str] = {}
    changes: dict[int, list[dt.date]] = {}
    off = schedule.holidays()
    work = schedule.workdays()
    stamp = dt.date.today().isoformat()
    ref = f"（{schedule.reference}）" if schedule.reference else ""
    for y in schedule.years():
        if y == schedule.year:
            spec = schedule.year_spec()
        else:  # 元旦 reaching back into December: the rest of that year as it is known now
            if current.source(y) == "fallback":
                fail(_t(ui, f"通知还调整了 {y} 年 12 月的日子，但 {y} 年的安排未知；请先导入 {y} 年的通知。",
                        f"the notice also changes days of December {y}, whose schedule is not known; import {y}'s notice first."))
            base = current.year_spec(y)
            mine_off = {d: n for d, n in off.items() if d.year == y}
            mine_work = {d for d in work if d.year == y}
            spec = YearSpec(
                holidays=frozenset((set(base.holidays) - mine_work) | set(mine_off)),
                workdays=frozenset((set(base.workdays) - set(mine_off)) | mine_work),
                names={**{d: n for d, n in base.names.items() if d not in mine_work}, **mine_off},
            )
        new = WorkCalendar({y: spec})
        days = [dt.date(y, 1, 1) + dt.timedelta(days=i) for i in range((dt.date(y + 1, 1, 1) - dt.date(y, 1, 1)).days)]
        changed = [d for d in days if new.is_workday(d) != current.is_workday(d)]
        if changed:
            changes[y] = changed
        known = current.source(y)
        if y != schedule.year and not changed:
            continue  # the previous year already has these days
        if known == "library" and not changed and _named_alike(schedule, current, y):
            continue  # chinese-calendar already agrees on every day
        if known == "config" and current.extra_years[y] == spec:
            continue
        comments = [f"{schedule.title}{ref}（certctl calendar import，{stamp} 写入）" if y == schedule.year
                    else f"{y} 年按原有日历写出，并按{schedule.title}调整了 12 月（certctl calendar import，{stamp} 写入）"]
        tables[y] = render_year(y, spec, comments, workday_names={d: n for d, n in work.items() if d.year == y})
    return tables, changes


def _named_alike(schedule: Schedule, current: WorkCalendar, year: int) -> bool:
    """Whether every day the notice names as a day off carries one of its festival's names already."""
    for d, name in schedule.holidays().items():
        if d.year == year and current.day_kind(d, "zh")[1] not in name.split("、"):
            return False
    return True


def _schedule_table(s: Schedule, ui: str, width: int = 200) -> Table:
    """Each festival: its days off as the notice writes them, the count checked against 共N天, the
    weekdays it takes off checked against the law, and its makeup working days."""
    zh = ui != "en"
    title = (f"{s.year} 年节假日安排（{s.title}{'，' + s.reference if s.reference else ''}）" if zh
             else f"{s.year} holidays as read from {s.title}{' (' + s.reference + ')' if s.reference else ''}")
    table = Table(title=title, title_justify="left", box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False)
    heads = (("", "节日", "放假", "天数", "工作日核对", "调休上班") if zh else
             ("", "festival", "days off", "days", "weekday check", "makeup working days"))
    for h in heads:
        table.add_column(h, overflow="fold")  # wrap, never cut a date off
    y = s.year
    to = ("至" if zh else " to ") if width >= 100 else ("\n至" if zh else "\nto ")  # narrow: one date a line
    for f in s.festivals:
        days = list(f.days_off)
        if len(days) == 1:
            span = _day(days[0], ui, y)
        else:
            end = _day(days[-1], ui, y)
            if zh and (days[-1].year, days[-1].month) == (days[0].year, days[0].month):
                end = end.split("月", 1)[1]  # as the notice writes it: 2月15日（周日）至23日（周一）
            span = f"{_day(days[0], ui, y)}{to}{end}"
        if f.stated_total is not None:
            said = f"共{f.stated_total}天 ✓" if zh else f"{f.stated_total} ✓"
        elif f.joined_weekend:
            said = f"{f.length}（与周末连休）" if zh else f"{f.length} (与周末连休)"
        else:
            said = str(f.length)
        if f.statutory is not None:
            check = f"{f.weekdays_off}={f.statutory}+{len(f.makeup)} ✓"
        else:
            check = f"{f.weekdays_off}（未核对）" if zh else f"{f.weekdays_off} (not checked)"
        makeup = "\n".join(_day(d, ui, y) for d in f.makeup)
        _row(table, f.number, f.name, span, said, check, makeup or "—")
    return table


def _summary(s: Schedule, current: WorkCalendar, changes: dict[int, list[dt.date]], ui: str) -> list[str]:
    zh = ui != "en"
    off = [d for d in s.holidays() if d.year == s.year]
    work = [d for d in s.workdays() if d.year == s.year]
    new = WorkCalendar({s.year: s.year_spec()})
    total = new.workdays_between(dt.date(s.year - 1, 12, 31), dt.date(s.year, 12, 31))
    lines = [
        f"{s.year} 年：放假 {len(off)} 天（其中工作日 {_weekdays(off)} 天），调休上班 {len(work)} 天，全年工作日 {total} 天。"
        f"“天数”核对通知所写的“共N天”；“工作日核对”按{STATUTORY_SOURCE}：放假占用的工作日数 = 法定假日数 + 调休上班日数。"
        if zh else
        f"{s.year}: {len(off)} days off ({_weekdays(off)} weekdays), {len(work)} makeup working days, {total} working "
        f"days in the year. 'days' is checked against the stated 共N天; 'weekday check' follows {STATUTORY_SOURCE}: "
        f"weekdays off = statutory days + makeup days."
    ]
    for f in s.festivals:
        if f.joined_weekend:
            a, b = f.joined_weekend
            lines.append(f"{f.name}与周末连休：{_day(a, ui, s.year)}、{_day(b, ui, s.year)}本来就是周末，不写入配置。" if zh
                         else f"{f.name} joins the weekend {a.isoformat()}, {b.isoformat()} (off anyway; not written).")
    for note in s.notes:
        lines.append(f"未计为放假（通知中为鼓励性安排）：{note}" if zh else f"not counted as a day off (the notice only encourages it): {note}")
    source = {"library": f"chinese-calendar {CC_VERSION}", "config": "certctl.toml", "fallback": ""}
    for y in s.years():
        src = current.source(y)
        n = len(changes.get(y, []))
        if src == "fallback":
            lines.append(f"{y} 年目前按周一至周五计算；导入后有 {n} 天的工作日/休息日会改变。" if zh
                         else f"{y} is counted Monday–Friday now; {n} days change once imported.")
        elif n:
            shown = "、".join(d.isoformat() for d in changes[y][:10]) + ("……" if n > 10 else "")
            lines.append(f"与现有的 {y} 年安排（{source[src]}）相比，{n} 天不同：{shown}" if zh
                         else f"{n} days differ from the {y} schedule now in use ({source[src]}): {shown}")
        else:
            lines.append(f"现有的 {y} 年安排（{source[src]}）与通知逐日一致。" if zh
                         else f"The {y} schedule now in use ({source[src]}) agrees with the notice on every day.")
    return lines
