"""certctl overdue — what is past its working-day deadline on a date (SPEC 4), for a clerk or for cron.

Exit status: 0 nothing overdue; 1 something overdue; 2 error (bad date, no such directory, bad
config, another run holding the lock). Items done late are validation findings, not overdue.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from enum import Enum
from pathlib import Path
from typing import Any, NoReturn, Optional

import typer
from rich.table import Table

from ..locking import DEFAULT_LOCK_TIMEOUT, LockBusy, RunLog, run_lock
from ..overdue import PENDING_STATES, Found, Obligation, find_obligations, load_forms, obligations_in
from .app import app
from .common import CONFIG_HELP, LANG_HELP, Lang, console, load

LOCK_NAME = ".certctl-overdue.lock"
AS_OF_HELP = "截止日期（默认今天），如 2024-06-05、2024/6/5、2024.6.5、2024年6月5日 / as-of date (default today)"
DIR_HELP = "表格所在文件夹（默认取配置 forms_dir，即 ledger）/ forms directory (default: config forms_dir)"
LOG_HELP = "追加写入带时间戳的运行日志（身份证号码打码）/ append timestamped log lines (IDs masked)"
LOCK_HELP = "另一任务运行时最多等待的秒数 / seconds to wait for another run's lock"


class Fmt(str, Enum):
    table = "table"
    json = "json"
    csv = "csv"


# ------------------------------------------------------------------------------- shared helpers
class Run:
    """What overdue and report share: language, log, clean failures."""

    def __init__(self, command: str, lang: str, log_file: Path | None) -> None:
        self.command = command
        self.lang = lang
        try:
            self.log = RunLog(log_file, f"certctl {command}")
        except OSError as e:
            self.log = RunLog(None)
            self.fail(f"无法写入日志文件 {log_file}：{e.strerror or e}", f"cannot write the log file {log_file}: {e.strerror or e}")

    def t(self, zh: str, en: str) -> str:
        return en if self.lang == "en" else zh

    def fail(self, zh: str, en: str, code: int = 2) -> NoReturn:
        msg = self.t(zh, en)
        self.log.write(f"{'error' if self.lang == 'en' else '错误'}: {msg} (exit {code})")
        console(stderr=True).print(f"certctl {self.command}: {msg}", markup=False, highlight=False)
        raise typer.Exit(code)

    def warn(self, message: str) -> None:
        self.log.write(message)
        console(stderr=True).print(message, markup=False, highlight=False)


def parse_as_of(run: Run, text: str | None) -> dt.date:
    if text is None or not text.strip():
        return dt.date.today()
    from ..workdays import parse_date

    try:
        return parse_date(text)
    except ValueError as e:
        if str(e).startswith("impossible"):
            run.fail(f"--as-of 日期 {text!r} 不存在", f"--as-of {text!r} is not a real calendar date")
        run.fail(
            f"无法识别的 --as-of 日期 {text!r}，请写作 2024-06-05、2024/6/5、2024.6.5 或 2024年6月5日",
            f"cannot read --as-of {text!r}; write 2024-06-05, 2024/6/5, 2024.6.5 or 2024年6月5日",
        )


def resolve_dir(run: Run, cfg: Any, directory: Path | None) -> Path:
    d = directory if directory is not None else Path(getattr(cfg, "forms_dir", "ledger"))
    if not d.exists():
        run.fail(
            f"表格文件夹 {d} 不存在；请用 --dir 指定，或在 certctl.toml 中设置 forms_dir",
            f"forms directory {d} does not exist; pass --dir or set forms_dir in certctl.toml",
        )
    if not d.is_dir():
        run.fail(f"{d} 不是文件夹", f"{d} is not a directory")
    return d


def gather(run: Run, cfg: Any, lang: str, directory: Path, as_of: dt.date,
           cache: bool = True) -> tuple[Any, list[Obligation]]:
    """Read the forms and find the obligations; unreadable files are warned about on stderr."""
    from ..config import make_calendar
    from ..validate import Options

    opts = Options.from_config(cfg, lang=lang)
    from ..cache import open_cache

    fc = open_cache(directory, cache)  # results of unchanged forms, keyed by content
    try:
        ws = load_forms(directory, opts, cache=fc)
    except OSError as e:
        run.fail(f"无法读取表格文件夹 {directory}：{e}", f"cannot read the forms directory {directory}: {e}")
    finally:
        if fc is not None:
            fc.close()
    for r in getattr(ws, "results", []):
        if getattr(r, "read_error", None) is not None:
            run.warn(run.t(f"警告：无法读取 {r.path}，其内容未计入：{r.read_error}",
                           f"warning: cannot read {r.path}; not counted: {r.read_error}"))
    cal = make_calendar(cfg, warn=run.warn, lang=lang, as_of=as_of)  # says a missing next year
    return ws, find_obligations(ws, cfg, as_of, calendar=cal)


def gather_obligations(run: Run, cfg: Any, lang: str, directory: Path, as_of: dt.date,
                       cache: bool = True) -> Found:
    """The obligations (from the cache when the folder, options and date are unchanged); unreadable
    files and calendar fallbacks are warned about on stderr, as :func:`gather` does."""
    from ..cache import open_cache
    from ..validate import Options

    opts = Options.from_config(cfg, lang=lang)
    fc = open_cache(directory, cache)
    try:
        found = obligations_in(directory, opts, cfg, as_of, cache=fc, lang=lang)
    except OSError as e:
        run.fail(f"无法读取表格文件夹 {directory}：{e}", f"cannot read the forms directory {directory}: {e}")
    finally:
        if fc is not None:
            fc.close()
    for path, why in found.unreadable:
        run.warn(run.t(f"警告：无法读取 {path}，其内容未计入：{why}", f"warning: cannot read {path}; not counted: {why}"))
    for message in found.calendar_warnings:
        run.warn(message)
    return found


# ------------------------------------------------------------------------------- rendering
HEADERS = {
    "zh": ("状态", "单位", "姓名", "身份证号码", "证件号码", "应办事项", "起算日期", "期限", "逾期工作日", "剩余工作日", "来源"),
    "en": ("state", "unit", "name", "ID number", "certificate", "what is owed", "since", "deadline",
           "working days late", "working days left", "source"),
}


def row_of(o: Obligation, lang: str, show_id: bool) -> list[str]:
    return [
        o.state_label(lang), o.unit, o.name, o.shown_id(show_id), o.cert, o.owed_text(lang),
        o.since.isoformat() if o.since else "", o.deadline.isoformat(),
        str(o.late) if o.state == "overdue" else "", str(o.days_left) if o.state in PENDING_STATES else "",
        o.source,
    ]


def csv_safe(value: str) -> str:
    """A cell a spreadsheet would read as a formula (= + - @ first) gets a leading single quote."""
    return "'" + value if value[:1] in ("=", "+", "-", "@") else value


def to_csv(items: list[Obligation], lang: str, show_id: bool) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(HEADERS[lang])
    for o in items:
        w.writerow([csv_safe(v) for v in row_of(o, lang, show_id)])
    return "\ufeff" + buf.getvalue()


def to_json(as_of: dt.date, directory: Path, overdue: list[Obligation], soon: list[Obligation],
            all_obs: list[Obligation], lang: str, show_id: bool, files: int) -> str:
    counts = {s: sum(1 for o in all_obs if o.state == s) for s in ("overdue", "due_today", "due_soon", "open", "done", "done_late")}
    doc = {
        "as_of": as_of.isoformat(),
        "dir": str(directory),
        "files": files,
        "counts": counts,
        "overdue": [o.to_dict(show_id, lang) for o in overdue],
        "due_soon": [o.to_dict(show_id, lang) for o in soon],
    }
    return json.dumps(doc, ensure_ascii=False, indent=2)


def _table(title: str, items: list[Obligation], lang: str, show_id: bool, late: bool) -> Table:
    h = HEADERS[lang]
    t = Table(title=title, title_justify="left", show_lines=False)
    cols = [h[1], h[2], h[3], h[4], h[5], h[6], h[7], h[8] if late else h[9], h[10]]
    for c in cols:
        t.add_column(c, overflow="fold")
    unit = None
    for o in items:  # grouped by unit: the unit is printed once, a rule between units
        if unit is not None and o.unit != unit:
            t.add_section()
        r = row_of(o, lang, show_id)
        count = r[8] if late else (r[0] if o.state == "due_today" else r[9])
        t.add_row(o.unit if o.unit != unit else "", r[2], r[3], r[4], r[5], r[6], r[7], count, r[10])
        unit = o.unit
    return t


def _flat(value: str) -> str:
    """One field of a plain line: no tabs or line breaks from a form cell."""
    return value.replace("\t", " ").replace("\r", " ").replace("\n", " ") if value else value


def plain_lines(title: str, items: list[Obligation], lang: str, show_id: bool, late: bool) -> list[str]:
    """The items as plain text for cron mail, pipes and files: a title line, a column line, then per
    unit a heading line (【单位】N 项) and one tab-separated line per item."""
    h = HEADERS[lang]
    en = lang == "en"
    out = [title, "\t".join((h[2], h[3], h[4], h[5], h[6], h[7], h[8] if late else h[9], h[10]))]
    counts: dict[str, int] = {}
    for o in items:
        counts[o.unit] = counts.get(o.unit, 0) + 1
    unit = None
    for o in items:
        if o.unit != unit:
            unit = o.unit
            name = unit or ("(no unit)" if en else "（未填单位）")
            out.append(f"[{name}] {counts[unit]} item{'s' if counts[unit] != 1 else ''}" if en
                       else f"【{name}】{counts[unit]} 项")
        count = str(o.late) if late else (o.state_label(lang) if o.state == "due_today" else str(o.days_left))
        fields = (o.name, o.shown_id(show_id), o.cert, o.owed_text(lang), o.since.isoformat() if o.since else "",
                  o.deadline.isoformat(), count, o.source)
        line = "\t".join(fields)
        if line.count("\t") != 7 or "\n" in line or "\r" in line:  # a tab or line break inside a field
            line = "\t".join(_flat(x) for x in fields)
        out.append(line)
    return out


#: rows per section in the terminal table (the rest: --all, or --format csv)
TABLE_ROWS = 200


def by_unit(items: list[Obligation]) -> list[Obligation]:
    return sorted(items, key=lambda o: (o.unit, o.deadline, o.kind, o.name, o.source))


# ------------------------------------------------------------------------------- command
@app.command("overdue")
def overdue_cmd(
    as_of: Optional[str] = typer.Option(None, "--as-of", metavar="DATE", help=AS_OF_HELP, show_default=False),
    directory: Optional[Path] = typer.Option(None, "--dir", "-d", help=DIR_HELP, show_default=False),
    fmt: Fmt = typer.Option(Fmt.table, "--format", "-f", help="输出格式 table、json 或 csv / output format"),
    config: Optional[Path] = typer.Option(None, "--config", "-c", help=CONFIG_HELP),
    lang: Optional[Lang] = typer.Option(None, "--lang", help=LANG_HELP),
    show_id: bool = typer.Option(False, "--show-id", help="显示完整身份证号码（默认打码）/ print ID numbers in full"),
    quiet: bool = typer.Option(False, "--quiet", "-q",
                               help="无逾期时不输出；有逾期时只输出逾期清单 / print nothing unless something is overdue"),
    log_file: Optional[Path] = typer.Option(None, "--log-file", metavar="PATH", help=LOG_HELP),
    lock_timeout: float = typer.Option(DEFAULT_LOCK_TIMEOUT, "--lock-timeout", metavar="SECONDS", help=LOCK_HELP),
    cache: bool = typer.Option(True, "--cache/--no-cache",
                               help="复用未改动表格的校验结果（.certctl-cache/）/ reuse results of unchanged forms"),
    show_all: bool = typer.Option(False, "--all", help=f"终端表格显示全部事项（默认每部分最多 {TABLE_ROWS} 行）"
                                                        f" / show every item in the terminal table (default {TABLE_ROWS} per section)"),
) -> None:
    """列出截至某日已超过工作日期限的事项（另列即将到期事项）。List what is past its working-day deadline.

    输出到终端时为表格（每部分最多 200 行，--all 显示全部）；输出到文件、管道或 cron 时为纯文本，
    每项一行（制表符分隔），按单位分组。On a terminal: a table (200 rows per section unless --all);
    otherwise plain text, one tab-separated line per item, grouped by unit.

    退出状态 / exit status: 0 无逾期 nothing overdue; 1 有逾期 something overdue;
    2 出错（日期、文件夹、配置有误或另一任务占用锁）error.
    """
    cfg, lg = load(config, lang)
    run = Run("overdue", lg, log_file)
    day = parse_as_of(run, as_of)
    d = resolve_dir(run, cfg, directory)
    try:
        with run_lock(d / LOCK_NAME, lock_timeout):
            found = gather_obligations(run, cfg, lg, d, day, cache)
    except LockBusy as e:
        run.fail(str(e), str(e))
    except OSError as e:
        run.fail(f"无法创建锁文件 {d / LOCK_NAME}：{e.strerror or e}", f"cannot create the lock file {d / LOCK_NAME}: {e.strerror or e}")

    obs = found.obligations
    overdue = by_unit([o for o in obs if o.state == "overdue"])
    soon = by_unit([o for o in obs if o.state in PENDING_STATES])
    files = found.files
    code = 1 if overdue else 0

    run.log.write(f"as_of={day.isoformat()} dir={d} files={files} overdue={len(overdue)} "
                  f"due_soon={len(soon)} exit={code}")
    if overdue and run.log.path is not None:  # one write for every item, not one open per item
        run.log.write("\n".join(f"overdue item: {o.unit} {o.name} {o.shown_id(False)} {o.cert} {o.owed} "
                                f"deadline={o.deadline.isoformat()} late={o.late} source={o.source}" for o in overdue))

    if fmt == Fmt.json:
        if not (quiet and not overdue):
            typer.echo(to_json(day, d, overdue, [] if quiet else soon, obs, lg, show_id, files))
    elif fmt == Fmt.csv:
        if not (quiet and not overdue):
            typer.echo(to_csv(overdue if quiet else overdue + soon, lg, show_id), nl=False)
    else:
        con = console()
        sections = []
        if overdue:
            sections.append((run.t(f"截至 {day.isoformat()} 逾期事项（{len(overdue)} 项）",
                                   f"Overdue on {day.isoformat()} ({len(overdue)})"), overdue, True))
        if soon and not quiet:
            sections.append((run.t(f"即将到期（今日或 {cfg.deadlines.due_soon_days} 个工作日内，{len(soon)} 项）",
                                   f"Due soon (today or within {cfg.deadlines.due_soon_days} working days, {len(soon)})"),
                             soon, False))
        footer = run.t(
            f"截至 {day.isoformat()}：逾期 {len(overdue)} 项，即将到期 {len(soon)} 项（读取 {files} 个表格，{d}）。",
            f"On {day.isoformat()}: {len(overdue)} overdue, {len(soon)} due soon ({files} forms read in {d}).",
        )
        if not con.is_terminal:  # cron, a pipe, a file: plain lines (a rich table of 27,000 rows takes minutes)
            lines: list[str] = []
            for i, (title, items, late) in enumerate(sections):
                if i:
                    lines.append("")
                lines.extend(plain_lines(title, items, lg, show_id, late))
            if not quiet:
                if lines:
                    lines.append("")
                lines.append(footer)
            if lines:
                typer.echo("\n".join(lines))
        else:
            for title, items, late in sections:
                shown = items if show_all else items[:TABLE_ROWS]
                con.print(_table(title, shown, lg, show_id, late))
                if len(shown) < len(items):
                    more = len(items) - len(shown)
                    con.print(run.t(f"……另有 {more} 项未显示；加 --all 显示全部，或用 --format csv 导出全部。",
                                    f"... {more} more not shown; add --all to show them all, or export with --format csv."),
                              markup=False)
            if not quiet:
                con.print(footer, markup=False)
    raise typer.Exit(code)
