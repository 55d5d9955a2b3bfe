"""certctl overdue — what is past its working-day deadline on a date (SPEC 4), for a clerk or for cron.

Exit status: 0 nothing overdue; 1 something overdue, or a form or folder unreadable; 2 error (bad date,
no such directory or an empty one, an output that would land on a form, a log that cannot be written, bad
config, another run holding the lock; with --ledger: a file that is missing, not a certctl SQLite ledger, of
another schema version or merged under other judging settings). Items done late are validation findings,
not overdue.

``--ledger 台账.sqlite`` judges the docket a merge kept in its SQLite ledger
(:func:`certctl.overdue.obligations_in_ledger`) instead of the forms; everything printed is the same but
the summary line, which names the ledger and when it was merged.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from enum import Enum
from pathlib import Path
from typing import Any, Optional

import typer
from rich.console import Group
from rich.padding import Padding
from rich.table import Table
from rich.cells import cell_len
from rich.text import Text

from ..findings import cell_ref
from ..render import shown_path
from ..locking import DEFAULT_LOCK_TIMEOUT, LockBusy, run_lock
from ..overdue import PENDING_STATES, STATES, Found, Obligation
from ..state import lock_file
from .app import app
from .common import (NARROW, Lang, Run, as_of_option, cache_option, config_option, console, dir_alias, format_option,
                     forms_dir_argument, gather_ledger_obligations, gather_obligations, lang_option, ledger_option, load,
                     lock_timeout_option, log_file_option, one_of, output_option, parse_as_of, quiet_option,
                     resolve_dir, show_id_option)
from .streams import emit, failer, guard
from ..oserror import why


class Fmt(str, Enum):
    table = "table"
    json = "json"
    csv = "csv"


# ------------------------------------------------------------------------------- rendering
HEADERS = {
    "zh": ("状态", "单位", "姓名", "身份证号码", "证件号码", "应办事项", "起算日期", "期限", "逾期工作日", "剩余工作日", "来源"),
    "en": ("state", "unit", "name", "ID number", "certificate", "what is owed", "since", "deadline",
           "working days late", "working days left", "source"),
}
COUNT_HEADER = {"zh": ("逾期\n工作日", "剩余\n工作日"), "en": ("days\nlate", "days\nleft")}


def place(o: Obligation, show_id: bool = False) -> str:
    """Where the item was found, in the one reference style (file 人员!10:10, see findings.cell_ref); an ID
    number in a file name (补发_王伟明320681….xlsx) masked like the ID column unless ``show_id``."""
    if o.sheet and o.row:
        return f"{shown_path(o.path, show_id)} {cell_ref(o.sheet, o.row)}"
    return shown_path(o.source, show_id)


def row_of(o: Obligation, lang: str, show_id: bool) -> list[str]:
    return [
        o.state_label(lang), o.unit, o.name, o.shown_id(show_id), o.cert, o.owed_text(lang),
        o.since.isoformat() if o.since else "", o.deadline.isoformat(),
        str(o.late) if o.state == "overdue" else "", str(o.days_left) if o.state in PENDING_STATES else "",
        place(o, show_id),
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
            all_obs: list[Obligation], lang: str, show_id: bool, files: int, ledger: dict[str, str] | None = None,
            unreadable: list[tuple[str, str]] = ()) -> str:
    """The JSON document; ``unreadable``: (path, reason) of each file or folder that could not be read —
    why the exit status is 1 when nothing is overdue."""
    counts = {s: sum(1 for o in all_obs if o.state == s) for s in STATES}
    doc: dict[str, object] = {
        "as_of": as_of.isoformat(),
        "dir": str(directory),
        "files": files,
        "unreadable": [{"path": path, "reason": why} for path, why in unreadable],
        "counts": counts,
        "overdue": [o.to_dict(show_id, lang) for o in overdue],
        "due_soon": [o.to_dict(show_id, lang) for o in soon],
    }
    if ledger is not None:  # judged from an SQLite ledger: which, and when it was merged
        doc["ledger"] = ledger
    return json.dumps(doc, ensure_ascii=False, indent=2)


def footer(run: Run, day: dt.date, overdue: int, soon: int, found: Found, d: Path) -> str:
    """The summary line: the counts, and where the obligations come from (the forms read, or the SQLite
    ledger and when it was merged)."""
    files, ledger = found.files, found.ledger
    if ledger:
        when = found.written_at[:16] or "?"  # to the minute; JSON has the second
        return run.t(f"截至 {day.isoformat()}：逾期 {overdue} 项，即将到期 {soon} 项（据 SQLite 台账 {ledger}，"
                     f"{when} 合并自 {d} 的 {files} 个表格；之后收到的表格不在其中）。",
                     f"On {day.isoformat()}: {overdue} overdue, {soon} due soon (from the SQLite ledger {ledger}, "
                     f"merged {when} from {files} forms in {d}; forms received since are not in it).")
    bad = len(found.unreadable)  # said here too: "nothing overdue" over files never read is not all clear
    return run.t(f"截至 {day.isoformat()}：逾期 {overdue} 项，即将到期 {soon} 项（读取 {files} 个表格，{d}"
                 + (f"；无法读取 {bad} 个，其内容未计入，见上方警告" if bad else "") + "）。",
                 f"On {day.isoformat()}: {overdue} overdue, {soon} due soon ({files} forms read in {d}"
                 + (f"; {bad} unreadable, not counted: see the warnings above" if bad else "") + ").")


def _count(o: Obligation, lang: str, late: bool) -> str:
    if late:
        return str(o.late)
    return o.state_label(lang) if o.state == "due_today" else str(o.days_left)


def _table(title: str, items: list[Obligation], lang: str, show_id: bool, late: bool) -> Table:
    """The wide layout (a terminal of NARROW columns or more): one row an item, grouped by unit. The ID
    sits over the certificate number and the start over the deadline, so that neither is ever broken."""
    h = HEADERS[lang]
    t = Table(title=title, title_justify="left", show_lines=False)
    t.add_column(h[1], overflow="fold", min_width=6, max_width=14)
    t.add_column(h[2], no_wrap=True)
    t.add_column(f"{h[3]}\n{h[4]}", no_wrap=True)
    t.add_column(h[5], overflow="fold", min_width=6, max_width=20)
    t.add_column(f"{h[6]}\n{h[7]}", no_wrap=True)
    t.add_column(COUNT_HEADER[lang][0 if late else 1], no_wrap=True)
    t.add_column(h[10], overflow="fold", min_width=max((cell_len(cell_ref(o.sheet, o.row)) for o in items if o.sheet and o.row),
                                                    default=6))
    unit = None
    for o in items:  # grouped by unit: the unit is printed once, a rule between units
        if unit is not None and o.unit != unit:
            t.add_section()
        ids = "\n".join(x for x in (o.shown_id(show_id), o.cert) if x)
        dates = "\n".join(x for x in (o.since.isoformat() if o.since else "", o.deadline.isoformat()) if x)
        t.add_row(*(Text(x) for x in (o.unit if o.unit != unit else "", o.name, ids, o.owed_text(lang), dates,
                                       _count(o, lang, late), _source_cell(o, show_id))))
        unit = o.unit
    return t


def _source_cell(o: Obligation, show_id: bool = False) -> str:
    """The source in a table cell: folder, file name and place each on a line of its own (the unit's
    own folder is the unit column already)."""
    if not (o.sheet and o.row):
        return shown_path(o.source, show_id)
    folder, _, rest = o.path.partition("/")
    path = rest if rest and o.unit and _same_name(folder, o.unit) else o.path
    return shown_path(path, show_id).replace("/", "/\n") + "\n" + cell_ref(o.sheet, o.row)


def _same_name(a: str, b: str) -> bool:
    """A folder named for the unit as the form names it, but for full-width or half-width parentheses and
    spaces (启东市…执法局（吕四港镇…） as a folder, 启东市…执法局(吕四港镇…) as the form's 填报单位)."""
    import unicodedata

    return "".join(unicodedata.normalize("NFKC", a).split()) == "".join(unicodedata.normalize("NFKC", b).split())


def _source_lines(label: str, where: str, width: int) -> str:
    """``label where`` — or, when that is wider than ``width``, the folder on the label's line and the
    file name with its place on the next, so that a long unit folder never cuts the file name (and the
    date in it) in two."""
    line = f"{label} {where}"
    cut = where.rfind("/", 0, where.find(" ") if " " in where else len(where))
    if cell_len(line) <= width or cut < 0:
        return line
    return f"{label} {where[:cut + 1]}\n{where[cut + 1:]}"


def _list(title: str, items: list[Obligation], lang: str, show_id: bool, late: bool, width: int = 80) -> Group:
    """The narrow layout: per unit a heading, per item a few short lines; no field is ever broken."""
    en = lang == "en"
    h = HEADERS[lang]
    parts: list[object] = [Text(title, style="italic")]
    unit = None
    for o in items:
        if o.unit != unit:
            unit = o.unit
            parts.append(Text(f"[{unit or '(no unit)'}]" if en else f"【{unit or '（未填单位）'}】", style="bold"))
        who = "  ".join(x for x in (o.name, o.shown_id(show_id), (f"{h[4]} " + o.cert) if o.cert else "") if x)
        count = _count(o, lang, late)
        n = (f"{h[8]} {count}" if late else (count if o.state == "due_today" else f"{h[9]} {count}"))
        when = "  ".join(x for x in ((f"{h[6]} {o.since.isoformat()}" if o.since else ""),
                                      f"{h[7]} {o.deadline.isoformat()}", n) if x)
        body = "\n".join(x for x in (who, o.owed_text(lang), when, _source_lines(h[10], place(o, show_id), width - 2))
                         if x)
        parts.append(Padding(Text(body), (0, 0, 0, 2), expand=False))
    return Group(*parts)


def sections_view(sections: list[tuple[str, list[Obligation], bool]], width: int, lang: str, show_id: bool,
                  show_all: bool) -> list[object]:
    """What the terminal shows: each section as a table (wide) or a list (narrow), at most TABLE_ROWS
    items a section unless --all."""
    out: list[object] = []
    for title, items, late in sections:
        shown = items if show_all else items[:TABLE_ROWS]
        out.append(_table(title, shown, lang, show_id, late) if width >= NARROW else
                   _list(title, shown, lang, show_id, late, width))
        if len(shown) < len(items):
            more = len(items) - len(shown)
            out.append(Text(f"... {more} more not shown; add --all to show them all, or export with --format csv."
                            if lang == "en" else f"……另有 {more} 项未显示；加 --all 显示全部，或用 --format csv 导出全部。"))
    return out


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
        fields = (o.name, o.shown_id(show_id), o.cert, o.owed_text(lang), o.since.isoformat() if o.since else "",
                  o.deadline.isoformat(), _count(o, lang, late), place(o, show_id))
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
    directory: Optional[Path] = forms_dir_argument(),
    as_of: Optional[str] = as_of_option(),
    fmt: Fmt = format_option(Fmt.table, "table、json 或 csv"),
    config: Optional[Path] = config_option(),
    lang: Optional[Lang] = lang_option(),
    show_id: bool = show_id_option(),
    quiet: bool = quiet_option("无逾期时不输出；有逾期时只输出逾期清单 / print nothing unless something is overdue"),
    log_file: Optional[Path] = log_file_option(),
    lock_timeout: float = lock_timeout_option(DEFAULT_LOCK_TIMEOUT),
    cache: bool = cache_option(),
    output: Optional[Path] = output_option(
        "写入文件而不是标准输出（CSV 为带 BOM 的 UTF-8，Excel 可直接打开）/ write to FILE instead of stdout"),
    show_all: bool = typer.Option(False, "--all", help=f"终端表格显示全部事项（默认每部分最多 {TABLE_ROWS} 行）"
                                                        f" / show every item in the terminal table (default {TABLE_ROWS} per section)"),
    ledger: Optional[Path] = ledger_option(),
    dir_old: Optional[Path] = dir_alias(),
) -> None:
    """列出截至某日已超过工作日期限的事项（另列即将到期事项）。List what is past its working-day deadline.

    输出到终端时为表格（每部分最多 200 行，--all 显示全部）；输出到文件、管道或 cron 时为纯文本，
    每项一行（制表符分隔），按单位分组。On a terminal: a table (200 rows per section unless --all);
    otherwise plain text, one tab-separated line per item, grouped by unit.

    --ledger 台账.sqlite：从 certctl merge --sqlite 写出的台账判定，不读表格，结果与判定合并时的表格文件夹
    相同；合并后收到的表格不在其中。With --ledger FILE: judged from the SQLite ledger a merge wrote, as the
    forms folder it merged would be (docs/ledger-schema.md).

    退出状态 / exit status: 0 无逾期 nothing overdue; 1 有逾期，或有表格、文件夹无法读取 something overdue,
    or a form or folder unreadable; 2 出错（日期、配置有误，文件夹不存在或为空，输出会覆盖表格，
    日志写不进去，输出管道断开，另一任务占用锁，或 --ledger 的台账不存在、不是 certctl 的 SQLite 台账、
    版本或设置不同）error.
    """
    cfg, lg = load(config, lang)
    directory = one_of("FORMS_DIR", directory, "--dir", dir_old, lg)
    if ledger is not None and directory is not None:
        failer(lg, "certctl overdue")("表格文件夹与 --ledger 只能给一个：从表格判定，或从 SQLite 台账判定",
                                      "give FORMS_DIR or --ledger, not both: judge the forms, or the SQLite ledger")
    forms = directory if directory is not None else Path(getattr(cfg, "forms_dir", "ledger"))
    from ..outputs import text_format_by_name

    fmt = Fmt(text_format_by_name(output, fmt.value))  # -o 逾期.csv: CSV, as its name says
    # never a log appended to a form (nor to the SQLite ledger: a file certctl's outputs never replace)
    guard(log_file, "log", [forms], failer(lg, "certctl overdue"))
    guard(output, {Fmt.csv: "csv", Fmt.json: "json"}.get(fmt, "text"), [forms], failer(lg, "certctl overdue"))
    run = Run("overdue", lg, log_file)
    day = parse_as_of(run, as_of)
    if ledger is not None:  # one file, replaced whole by each merge: no lock, no forms read
        found = gather_ledger_obligations(run, cfg, lg, ledger, day)
        d = Path(found.forms_dir)
    else:
        d, found = _judge_folder(run, cfg, lg, directory, day, cache, lock_timeout)

    obs = found.obligations
    overdue = by_unit([o for o in obs if o.state == "overdue"])
    soon = by_unit([o for o in obs if o.state in PENDING_STATES])
    files = found.files
    code = 1 if overdue or found.unreadable else 0  # a file or folder that could not be read is found too

    run.log.write(f"as_of={day.isoformat()} dir={d} files={files} overdue={len(overdue)} "
                  f"due_soon={len(soon)} exit={code}" + (f" ledger={found.ledger}" if found.ledger else ""))
    if overdue and run.log.path is not None:  # one write for every item, not one open per item
        run.log.write("\n".join(f"overdue item: {o.unit} {o.name} {o.shown_id(False)} {o.cert} {o.owed} "
                                f"deadline={o.deadline.isoformat()} late={o.late} source={o.source}" for o in overdue))

    if fmt == Fmt.json:
        if not (quiet and not overdue):
            source = {"path": found.ledger, "merged_at": found.written_at} if found.ledger else None
            emit(to_json(day, d, overdue, [] if quiet else soon, obs, lg, show_id, files, source, found.unreadable)
                 + "\n", output,
                 kind="json", fail=run.fail)
    elif fmt == Fmt.csv:
        if not (quiet and not overdue):
            emit(to_csv(overdue if quiet else overdue + soon, lg, show_id), output, kind="csv", fail=run.fail)
    else:
        _print_text(run, cfg, lg, day, overdue, soon, found, d, output=output, quiet=quiet, show_id=show_id,
                    show_all=show_all)
    raise typer.Exit(run.finish(code))


def _print_text(run: Run, cfg: Any, lg: str, day: Any, overdue: list[Any], soon: list[Any], found: Any, d: Path, *,
                output: Optional[Path], quiet: bool, show_id: bool, show_all: bool) -> None:
    """The overdue and due-soon sections and the summary: a table on a terminal (summary first), plain
    tab-separated lines for cron, a pipe or a file (a rich table of 27,000 rows takes minutes)."""
    con = console()
    sections = []
    if overdue:
        sections.append((run.t(f"截至 {day.isoformat()} 逾期事项（{len(overdue)} 项）",
                               f"Overdue on {day.isoformat()} ({len(overdue)})"), overdue, True))
    if soon and not quiet:
        sections.append((run.t(f"即将到期（今日或 {cfg.deadlines.due_soon_days} 个工作日内，{len(soon)} 项）",
                               f"Due soon (today or within {cfg.deadlines.due_soon_days} working days, {len(soon)})"),
                         soon, False))
    summary = footer(run, day, len(overdue), len(soon), found, d)
    if output is None and con.is_terminal:  # summary first, details after
        if not quiet:
            con.print(summary, markup=False)
        for part in sections_view(sections, con.width, lg, show_id, show_all):
            con.print(part)
        return
    lines: list[str] = []
    for i, (title, items, late) in enumerate(sections):
        if i:
            lines.append("")
        lines.extend(plain_lines(title, items, lg, show_id, late))
    if not quiet:
        if lines:
            lines.append("")
        lines.append(summary)
    if lines or output is not None:
        emit("\n".join(lines) + "\n" if lines else "", output, kind="text", fail=run.fail)


def _judge_folder(run: Run, cfg: object, lg: str, directory: Optional[Path], day: dt.date, cache: bool,
                  lock_timeout: float) -> tuple[Path, Found]:
    """(the forms folder, its obligations on ``day``), under the folder's overdue lock."""
    d = resolve_dir(run, cfg, directory)
    lock = None
    try:
        lock = lock_file("overdue", d)  # in the state folder: a read-only forms share works
        with run_lock(lock, lock_timeout):
            return d, gather_obligations(run, cfg, lg, d, day, cache)
    except LockBusy as e:
        run.fail(str(e), str(e))
    except OSError as e:
        where = lock or getattr(e, "filename", None) or "state_dir"
        run.fail(f"无法创建锁文件 {where}：{why(e)}（可在 certctl.toml 中用 state_dir 指定可写的文件夹）",
                 f"cannot create the lock file {where}: {e.strerror or e} (set state_dir in certctl.toml to a writable folder)")
