"""`certctl deadline DATE N` — the Nth working day after DATE (SPEC section 4).

stdout carries only the ISO date (so scripts can use it); with --explain a table of every day
walked comes first and the date is the last line. Warnings and errors go to stderr; a bad
argument or a bad config exits with status 2, never a traceback.
"""

from __future__ import annotations

import json
from enum import Enum
from pathlib import Path
from typing import Optional

import typer

from ..config import make_calendar
from ..workdays import parse_date
from .app import app
from .common import Lang, config_option, format_option, lang_option, load
from .streams import say


class Fmt(str, Enum):
    table = "table"
    json = "json"


_MAX_N = 100_000


def _fail(zh: str, en: str, lang: str) -> "typer.Exit":
    message = f"错误：{zh}" if lang != "en" else f"error: {en}"  # one language, as every command
    say(message)
    return typer.Exit(2)


@app.command(
    "deadline",
    help=(
        "计算 DATE 之后第 N 个工作日（按国务院节假日安排，当天不计），输出 ISO 日期。\n\n"
        "Print the date N working days after DATE (the day of DATE itself does not count; "
        "weekends and public holidays are skipped, makeup working days 调休上班 count)."
    ),
)
def deadline_cmd(
    date: str = typer.Argument(
        ...,
        metavar="DATE",
        help="事件日期，如 2024-06-03、2024/6/3、2024.6.3、2024年6月3日、20240603 / date of the event",
        show_default=False,
    ),
    n: str = typer.Argument(
        ...,
        metavar="N",
        help="工作日数（非负整数）/ number of working days (a non-negative integer)",
        show_default=False,
    ),
    explain: bool = typer.Option(
        False,
        "--explain",
        help="逐日列出计入或跳过的原因 / list every day walked, counted or skipped and why",
    ),
    config: Optional[Path] = config_option(),
    lang: Optional[Lang] = lang_option(),
    fmt: Fmt = format_option(Fmt.table, "table 或 json"),
) -> None:
    cfg, ui = load(config, lang)

    try:
        start = parse_date(date)
    except ValueError as exc:
        if str(exc).startswith("impossible"):
            raise _fail(
                f"日期 {date!r} 不存在", f"{date!r} is not a real calendar date", ui
            ) from None
        raise _fail(
            f"无法识别的日期 {date!r}，请写作 2024-06-03、2024/6/3、2024.6.3、2024年6月3日 或 20240603",
            f"not a valid date {date!r}; write 2024-06-03, 2024/6/3, 2024.6.3, 2024年6月3日 or 20240603",
            ui,
        ) from None

    text = n.strip().translate(str.maketrans("０１２３４５６７８９", "0123456789"))
    if not text.isdigit() or not text.isascii():
        raise _fail(
            f"工作日数 N 必须是非负整数，而不是 {n!r}",
            f"N must be a non-negative integer number of working days, got {n!r}",
            ui,
        )
    count = int(text)
    if count > _MAX_N:
        raise _fail(
            f"工作日数 N 过大（最多 {_MAX_N}）", f"N is too large (at most {_MAX_N})", ui
        )

    def warn(message: str) -> None:
        say(message)

    cal = make_calendar(cfg, warn=warn, lang=ui, as_of=start)  # from 1 November: is next year known?
    try:
        due = cal.add_workdays(start, count)
        steps = cal.explain(start, count) if explain else []
    except (OverflowError, ValueError):
        raise _fail("期限超出可计算的日期范围", "the deadline falls outside the supported dates", ui) from None

    if fmt == Fmt.json:
        doc: dict = {"date": start.isoformat(), "n": count, "due": due.isoformat()}
        if explain:
            doc["days"] = [{"date": st.date.isoformat(), "counted": st.counted, "reason": st.label} for st in steps]
        typer.echo(json.dumps(doc, ensure_ascii=False, indent=2))
        return
    if explain:
        _print_table(start, count, due, steps, ui)
    typer.echo(due.isoformat())


def _print_table(start, count, due, steps, ui: str) -> None:  # type: ignore[no-untyped-def]
    from rich.console import Console
    from rich.table import Table

    console = Console(markup=False, highlight=False, emoji=False, soft_wrap=False)
    zh = ui != "en"
    weekdays = "一二三四五六日" if zh else None
    title = (
        f"{start.isoformat()} 之后第 {count} 个工作日 = {due.isoformat()}（当天不计）"
        if zh
        else f"{count} working days after {start.isoformat()} = {due.isoformat()} (the day itself does not count)"
    )
    table = Table(title=title, title_justify="left")
    if zh:
        headers = ("日期", "星期", "计入", "第几个工作日", "原因")
    else:
        headers = ("date", "weekday", "counted", "working day #", "reason")
    for h in headers:
        table.add_column(h)
    k = 0
    for step in steps:
        if step.counted:
            k += 1
        wd = f"周{weekdays[step.date.weekday()]}" if zh else step.date.strftime("%a")
        mark = ("计入" if step.counted else "跳过") if zh else ("counted" if step.counted else "skipped")
        table.add_row(step.date.isoformat(), wd, mark, str(k) if step.counted else "", step.label)
    console.print(table)


