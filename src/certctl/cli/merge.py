"""certctl merge — every form below a folder, folded into the master ledger (台账)."""

from __future__ import annotations

import datetime as dt
import json
from enum import Enum
from pathlib import Path
from typing import Any, Optional

import typer

from .app import app
from .common import (Lang, as_of_option, busy, cache_option, config_option, console, fail, fail_in, format_option,
                     forms_dir_argument, lang_option, load, lock_timeout_option, one_of, output_option, progress_bar,
                     quiet_option, read_date, show_id_option)
from .streams import emit, failer
from ..oserror import why


class Fmt(str, Enum):
    table = "table"
    json = "json"


_STATUS = {
    "zh": {"ok": "已合并", "errors": "有错误", "unreadable": "无法读取", "duplicate": "重复", "reference": "参考名单",
           "deliverable": "交付材料", "output": "certctl 输出，已跳过", "superseded": "已被取代"},
    "en": {"ok": "merged", "errors": "errors", "unreadable": "unreadable", "duplicate": "duplicate",
           "reference": "reference", "deliverable": "deliverable", "output": "certctl output, skipped",
           "superseded": "superseded"},
}


def _unchanged(fc: Any, name: str, key: str, scan: Any, out: Path, opts: Any, sqlite: Path | None = None) -> Any:
    """The stored summary when the ledger was last built from exactly these inputs and the file at
    ``out`` is still the one written then (same sha256); otherwise None (rebuild)."""
    from ..reader import file_hash
    from ..workspace import options_key

    hit = fc.get_derived(name, key)
    if not isinstance(hit, dict) or "summary" not in hit or not out.is_file():
        return None
    try:
        if file_hash(out) != hit.get("sha256"):
            return None
        if sqlite is not None and (not sqlite.is_file() or file_hash(sqlite) != hit.get("sqlite_sha256")):
            return None  # the SQLite ledger asked for is missing or not the one written
    except OSError:
        return None
    from ..model.product import SUFFIXES

    for key in (options_key(opts), *(options_key(opts) + s for s in SUFFIXES)):  # in use: kept in the cache
        fc.touch([d for d in scan.digests if d], key)
    return hit["summary"]


def _rebuild(root: Path, out: Path, opts: Any, cfg: Any, day: Any, lg: str, fc: Any, scan: Any,
             no_progress: bool, en: bool, sqlite: Path | None = None) -> Any:
    """Read (or take from the cache) every form, build the ledger, write it keeping the clerk's columns
    (and a copy of the old ledger when it has edits that cannot be carried); (summary, carry)."""
    from .. import ledger_edits
    from ..ledger import build_ledger, merge_summary
    from ..ledger_xlsx import write_ledger
    from ..model.product import NeedRecords
    from ..render import file_problems
    from ..workspace import load_workspace, options_key

    plain_sha = ledger_edits.plain(out)  # the old ledger's note read now, not beside the model (issue 15)

    def load(products: bool) -> Any:
        prog = progress_bar(not no_progress)
        cb = None
        if prog is not None:
            prog.start()
            task = prog.add_task("读取表格" if not en else "reading forms", total=len(scan.files))

            def cb(done: int, total: int, path: str) -> None:
                prog.update(task, completed=done)
        try:  # slim: memory, issue 15; products: the model's of each unchanged form (model/product.py)
            ws = load_workspace(root, opts, progress=cb, cache=fc, scan=scan, slim=True, products=products)
        finally:
            if prog is not None:
                prog.stop()
        if fc is not None:
            ws.product_sink = _keep_product(fc, options_key(opts))
        return ws

    for products in ((True, True, False) if fc is not None else (False,)):
        ws = load(products)
        try:
            ledger = build_ledger(ws, cfg, day, release=True)
            break
        except NeedRecords as e:  # forms that came as their product are needed whole (versions of another)
            from ..model.product import SUFFIXES

            for suffix in SUFFIXES:
                fc.drop(e.digests, options_key(opts) + suffix)
    carry = ledger_edits.carry(out, (c.cert for c in ledger.certificates), lg, plain_sha=plain_sha)
    if carry.problems:
        try:
            carry.backup = ledger_edits.back_up(out)
        except OSError as e:
            fail(f"the ledger {out} has edits certctl cannot carry, and it cannot be copied aside ({e.strerror or e}); "
                 "nothing written" if en else
                 f"台账 {out} 中有无法带入新台账的改动，但无法另存副本（{why(e)}），未写出新台账")
    note = ledger_edits.Note()  # what was written, noted as the rows go by

    def written(sheets: Any) -> None:
        note.save(out)
        if sqlite is not None:  # the same rows, as a database (ledger_sqlite)
            from ..ledger_sqlite import report_inputs, write_sqlite

            try:
                from ..config import judging_settings

                write_sqlite(sheets, sqlite, as_of=ledger.as_of, lang=lg, docket=ledger.docket, forms_dir=root,
                             settings=judging_settings(cfg), report=report_inputs(ledger, ws))
            except OSError as e:
                fail(f"cannot write the SQLite ledger {sqlite}: {e.strerror or e}" if en
                     else f"无法写出 SQLite 台账 {sqlite}：{why(e)}")
    try:
        with busy(not no_progress, f"writing the ledger {out} ..." if en else f"正在写出台账 {out} ……"):
            write_ledger(ledger, out, lg, lock=False, clerk=carry.clerk, written=written, tap=note.tap)
    except OSError as e:
        fail(f"cannot write the ledger {out}: {e.strerror or e}" if en else f"无法写出台账 {out}：{why(e)}")
    if note.unkept is not None:  # said now: the next merge cannot check the ledger's edits
        _warn(f"note: {note.unkept[1]}" if en else f"注意：{note.unkept[0]}")
    summary = merge_summary(ledger)
    # shown on the terminal, with the person's name; those a correction retired apart (not counted)
    live = {id(f) for f in ledger.findings}
    versioned = {f.path for f in ledger.files if f.supersedes or f.superseded_by}

    def retired(rel: str, f: Any) -> bool:
        return rel in versioned and id(f) not in live

    summary.problems = file_problems(ws.readable, ws.rel, keep=lambda rel, f: not retired(rel, f))
    summary.retired = file_problems(ws.readable, ws.rel, keep=retired)
    return summary, carry


def _keep_product(fc: Any, key: str) -> Any:
    """Where the model hands a form's product: the cache, beside the form's records (model/product.py)."""
    from ..cache import holds_any_day
    from ..model.product import EVENTS_SUFFIX, OKEY_SUFFIX, split

    def sink(res: Any, made: Any) -> None:
        if res.sha256:
            head, events = split(made)
            fc.put(res.sha256, key + EVENTS_SUFFIX, events, dated=holds_any_day(res))
            fc.put(res.sha256, key + OKEY_SUFFIX, head, dated=holds_any_day(res))

    return sink


def _warn(message: str) -> None:
    console(stderr=True).print(message, markup=False, highlight=False)


@app.command("merge")
def merge_cmd(
    directory: Optional[Path] = forms_dir_argument(),
    output: Optional[Path] = output_option("台账输出路径（默认配置中的 ledger，即 台账.xlsx）/ ledger path (default: config ledger)"),
    as_of: Optional[str] = as_of_option("判定期限的日期（默认今天），如 2024-06-05、2024年6月5日 / date deadlines are judged on"),
    lock_timeout: Optional[float] = lock_timeout_option(
        None, "台账被另一个合并任务锁定时最多等待的秒数（默认 0：立即以退出状态 2 结束）"
              " / seconds to wait for another merge's lock (default 0: exit 2 at once)"),
    fmt: Fmt = format_option(Fmt.table),
    show_id: bool = show_id_option("终端输出中显示完整身份证号码（默认打码）/ print ID numbers in full"),
    quiet: bool = quiet_option("只输出合计 / totals only"),
    verbose: bool = typer.Option(False, "--verbose", "-v", help="列出全部文件（默认只列有问题的文件）/ list every file, not only those with problems"),
    lang: Optional[Lang] = lang_option(),
    config: Optional[Path] = config_option(),
    cache: bool = cache_option(),
    wait: Optional[float] = typer.Option(None, "--wait", min=0, hidden=True),
    sqlite: Optional[Path] = typer.Option(
        None, "--sqlite",
        help="同时把台账写成 SQLite 数据库（如 台账.sqlite，表结构见 docs/ledger-schema.md）"
             " / also write the ledger as an SQLite database (schema: docs/ledger-schema.md)"),
) -> None:
    """合并文件夹中的全部表格，生成总台账。Merge every form below FORMS_DIR into the master ledger.

    台账含 证件台账、期限事项、变动记录、问题清单、单位汇总、来源文件 六个工作表；台账中身份证号码为全号，
    终端输出打码。先写入同目录的临时文件再替换，中断不会损坏原台账；同一台账同时只能有一个合并任务写入
    （锁文件 .certctl/<台账>.lock，另一个任务立即退出，或用 --lock-timeout 等待）。证件台账的“处理情况”列和
    您自己加的列按证件号码带入新台账；其他改动无法带入时，先把原台账另存为 台账.日期T时分.bak.xlsx。

    The ledger is written to a temporary file and renamed into place; a lock file
    (.certctl/<ledger>.lock) keeps two merges from writing at once: the second exits 2, or waits up to
    --lock-timeout seconds. The 处理情况 column and columns a clerk adds to 证件台账 are carried into the new
    ledger by certificate number; a ledger with other edits is first copied aside (.bak.xlsx).

    退出状态 / exit status: 0 无错误 no errors; 1 有错误或有文件无法读取 errors found or a file unreadable;
    2 参数、配置错误、没有表格或台账被锁定 bad arguments/config, no forms, or the ledger is locked.
    """
    cfg, lg = load(config, lang)
    en = lg == "en"
    wait = one_of("--lock-timeout", lock_timeout, "--wait", wait, lg) or 0
    from ..ledger_edits import backup_pattern
    from ..validate import Options
    from ..workspace import find_forms

    root = directory if directory is not None else Path(getattr(cfg, "forms_dir", "ledger") if cfg else "ledger")
    out = output if output is not None else Path(getattr(cfg, "ledger", "台账.xlsx") if cfg else "台账.xlsx")
    out, sqlite = _checked_outputs(root, out, sqlite, lg)
    day = read_date(as_of, "--as-of", lg, fail_in(lg)) if as_of and as_of.strip() else None
    out_abs = out.resolve()
    backups = backup_pattern(out)  # copies of an edited ledger kept beside it are not forms
    listing = find_forms([root])
    files = [p for p in listing.files if p.resolve() != out_abs
             and not (backups.fullmatch(p.name) and p.parent.resolve() == out_abs.parent)]
    if not files and not listing.unreadable:
        fail(f"no spreadsheet files found in {root}" if en else f"{root} 中没有找到 Excel 表格文件")
    for p in _csv_forms(listing.others):  # not read: said, so that no one thinks its rows are in the ledger
        console(stderr=True).print(
            f"note: {p} is a CSV file and was not merged; if a unit sent it as its form, open it in Excel or WPS "
            f"and save it as .xlsx" if en else
            f"注意：{p} 是 CSV 文件，没有合并；如果是报送的表格，请在 Excel/WPS 中打开后另存为 .xlsx",
            markup=False, highlight=False)
    opts = Options.from_config(cfg, lang=lg, today=day)
    from ..config import make_calendar
    from ..workdays import calendar_warning

    notice = calendar_warning(day or dt.date.today(), make_calendar(cfg, lang=lg))  # next year's holidays unknown?
    if notice:
        console(stderr=True).print(notice, markup=False, highlight=False)
    from ..ledger_elsewhere import elsewhere

    moved = elsewhere(out, lg)  # the clerk's notes in a renamed, moved or re-saved ledger: said, before it is written
    summary, unchanged, carry = _merge(root, out, files, listing.unreadable, opts, cfg, day, lg, wait, cache,
                                       quiet or fmt != Fmt.table, sqlite)
    for line in moved:
        console(stderr=True).print(line, markup=False, highlight=False)
    if fmt == Fmt.json:
        _print_json(summary, out, unchanged, lg, show_id, carry, sqlite)
    else:
        _print_table(summary, out, unchanged, lg, show_id, quiet, carry, verbose)
        if sqlite is not None:
            console().print((f"SQLite ledger: {sqlite}" if en else f"SQLite 台账：{sqlite}")
                            + ("" if not unchanged else (" (unchanged)" if en else "（无变化）")),
                            markup=False, highlight=False)
    totals = summary.totals
    if totals["unreadable"] or totals["errors"]:
        raise typer.Exit(1)


def _checked_outputs(root: Path, out: Path, sqlite: Path | None, lg: str) -> tuple[Path, Path | None]:
    """The ledger and the SQLite ledger to write, followed through a link; the forms folder there, the names
    the clerk's own, neither over a form nor over a file certctl did not write, the ledger not open in
    Excel/WPS (exit 2 with the reason otherwise)."""
    from ..outputs import OutputRefused, check_name, check_output, office_lock, through_link

    en = lg == "en"
    named = out  # opened in Excel through a link, its lock file is beside the link
    out = through_link(out)  # a link to the ledger: the ledger is replaced, not the link
    sqlite = through_link(sqlite) if sqlite is not None else None
    if not root.exists():
        from .common import no_forms_dir

        zh, en_text = no_forms_dir(root)
        fail(en_text if en else zh)
    try:
        check_name(out, "ledger")  # the clerk's own name: said plainly, never shortened for them
    except OutputRefused as e:
        fail(e.message(lg))
    if out.exists() and out.is_dir():
        fail(f"--output is a folder: {out}" if en else f"--output 指向的是文件夹：{out}")
    try:
        check_output(out, "ledger", [root])  # never over a submitted form, nor a file certctl did not write
        if sqlite is not None:
            from ..ledger_sqlite import check_sqlite_output

            check_sqlite_output(sqlite)
    except OutputRefused as e:
        fail(e.message(lg))
    lock = (office_lock(out) or office_lock(named)) if out.exists() else None
    if lock is not None:  # the clerk may be typing in it: what is unsaved would not be carried, and saving would undo the merge
        fail(f"the ledger {out} is open in Excel/WPS (its lock file {lock.name} is beside it): save and close it, then "
             f"merge again; if it is not open, delete the hidden lock file {lock}" if en else
             f"台账 {out} 正在 Excel/WPS 中打开（旁边有锁文件 {lock.name}）：请先保存并关闭台账再合并，否则正在填写、"
             f"尚未保存的内容不会带入新台账，关闭时保存还会盖掉新台账；如果台账并没有打开，删除这个隐藏的锁文件 {lock} 即可")
    if sqlite is not None and sqlite.resolve() == out.resolve():
        fail(f"--sqlite and --output name the same file {out}: give the SQLite ledger its own name (台账.sqlite)"
             if en else f"--sqlite 与 -o 是同一个文件 {out}：SQLite 台账请另起文件名（如 台账.sqlite）")
    return out, sqlite


def _merge(root: Path, out: Path, files: list[Path], unreadable: list[Any], opts: Any, cfg: Any,
           day: dt.date | None, lg: str, wait: float, cache: bool, no_progress: bool,
           sqlite: Path | None = None) -> tuple[Any, bool, Any]:
    """(summary, unchanged, carry): the ledger rebuilt under its lock, or the stored summary when the
    forms, options and date are those it was last built from and the file is still the one written then
    (carry None: nothing was written). ``unreadable``: folders find_forms could not list."""
    from ..cache import open_cache
    from ..ledger_xlsx import LedgerLocked, ledger_lock, lock_path
    from ..reader import file_hash
    from ..state import own_dir
    from ..workspace import inputs_key, scan_forms

    en = lg == "en"
    lock_dir = lock_path(out).parent.absolute()
    try:
        own_dir(lock_dir)  # 0700 (a loose one tightened): the lock, the note, the ledger's copy
    except OSError as e:
        fail(f"cannot create the ledger's lock in {lock_dir} ({e.strerror or e}); write the ledger to a "
             f"folder you can write with -o" if en else
             f"无法在 {lock_dir} 创建台账的锁文件（{why(e)}）；请用 -o 把台账写到有写入权限的文件夹")
    try:
        with ledger_lock(out, wait):
            fc = open_cache(enabled=cache, warn=_warn, lang=lg)
            try:
                scan = scan_forms(root, files=files, unreadable=unreadable)
                name = f"ledger:{out.resolve()}"
                key = inputs_key(scan, opts, cfg, day or dt.date.today(), "ledger")
                if sqlite is not None:  # (a file of another schema version is written again)
                    from ..ledger_sqlite import SCHEMA_VERSION

                    key += f"|sqlite:{sqlite.resolve()}|schema:{SCHEMA_VERSION}"
                summary = (_unchanged(fc, name, key, scan, out, opts, sqlite) if fc is not None and scan.complete
                           else None)
                if summary is not None:
                    return summary, True, None
                summary, carry = _rebuild(root, out, opts, cfg, day, lg, fc, scan, no_progress, en, sqlite)
                if fc is not None and scan.complete:
                    try:
                        fc.put_derived(name, key, {"sha256": file_hash(out), "summary": summary,
                                                   "sqlite_sha256": file_hash(sqlite) if sqlite else None})
                    except OSError:
                        pass
                return summary, False, carry
            finally:
                if fc is not None:
                    fc.close()
    except LedgerLocked as e:
        fail(e.message(lg))
    except OSError as e:
        fail(f"cannot write the ledger {out}: {e.strerror or e}" if en else f"无法写出台账 {out}：{why(e)}")


def _csv_forms(others: list[Path]) -> list[Path]:
    """The .csv files among the non-spreadsheets below the forms folder, but certctl's own exports
    (``certctl overdue -f csv -o …``, known by their header)."""
    from .overdue import HEADERS

    own = tuple(",".join(h).encode("utf-8") for h in HEADERS.values())
    out = []
    for p in others:
        if p.suffix.lower() != ".csv":
            continue
        try:
            with open(p, "rb") as fh:
                head = fh.read(4096).removeprefix(b"\xef\xbb\xbf")
        except OSError:
            head = b""
        if not head.startswith(own):
            out.append(p)
    return out


def _print_json(summary: Any, out: Path, unchanged: bool, lg: str, show_id: bool, carry: Any,
                sqlite: Path | None = None) -> None:
    from ..ledger import finding_message

    backup = carry.backup if carry is not None else None
    doc = {
        "output": str(out),
        "sqlite": str(sqlite) if sqlite is not None else None,
        "unchanged": unchanged,
        "files": [{"path": f.path, "form": f.family or None, "status": f.status, "rows_read": f.rows_read,
                   "rows_merged": f.rows_merged, "rows_rejected": f.rows_rejected,
                   "rows_superseded": f.rows_superseded,
                   "duplicate_of": f.duplicate_of or None} for f in summary.files],
        "totals": summary.totals,
        "split_sheets": [{"table": name, "rows": n, "sheets": parts} for name, n, parts in summary.split],
        "backup": str(backup) if backup else None,
        "backup_reasons": [(why_en if lg == "en" else why_zh) for why_zh, why_en in carry.problems] if backup else [],
        "ledger_notes": [(en if lg == "en" else zh) for zh, en in carry.said] if carry is not None else [],
        "cross_form": [dict(f.to_dict(lg, show_id), path=rel, name=name, message=finding_message(f, lg, show_id))
                       for (rel, f), name in zip(summary.cross, _cross_names(summary))],
    }
    emit(json.dumps(doc, ensure_ascii=False, indent=2) + "\n", None, kind="json", fail=failer(lg))


#: statuses of a file that need the clerk (the others are listed with --verbose)
PROBLEM_STATUSES = ("errors", "unreadable", "duplicate")


def _print_table(summary: Any, out: Path, unchanged: bool, lg: str, show_id: bool, quiet: bool, carry: Any,
                 verbose: bool = False) -> None:
    """Summary first (totals, a copy kept aside), then the files that need the clerk (every file with
    --verbose), the errors of files with errors, whom each is about, and the cross-form findings."""
    from rich.console import Group

    from ..ledger import finding_message
    from ..render import PROBLEMS_SHOWN, findings_view, prose, shown_path

    en = lg == "en"
    con = console()
    con.print(_totals_line(summary.totals, out, unchanged, en), markup=False, highlight=False)
    from ..model.versions import merge_line

    if corrected := merge_line(summary.files, lg, show_id):  # one line naming the corrected versions
        con.print(corrected, markup=False, highlight=False)
    kept = carry.summary(out, lg) if carry is not None else ""  # the old ledger copied aside, and why
    if kept:
        con.print(kept, markup=False, highlight=False)
    from ..ledger import split_text

    if summary.split:  # a table too long for one sheet went on several
        con.print(split_text(summary.split, lg), markup=False, highlight=False)
    if quiet:
        return
    files = summary.files if verbose else [f for f in summary.files if f.status in PROBLEM_STATUSES]
    if files:
        con.print(_files_view(files, len(summary.files), verbose, en, con.width, show_id))
    by_file: dict[str, list[Any]] = {}
    names: dict[tuple[str, str, int], str] = {}
    for rel, f, name in getattr(summary, "problems", []):
        by_file.setdefault(rel, []).append(f)
        if name and f.sheet is not None and f.row is not None:
            names[(f.path, f.sheet, f.row)] = name
    errors = {f.path: f.errors for f in summary.files}
    for rel, found in by_file.items():
        more = errors.get(rel, len(found)) - len(found)
        shown = shown_path(rel, show_id)  # an ID number in the file name masked
        title = shown + (f" (first {PROBLEMS_SHOWN} errors; the rest are in 问题清单)" if en else
                         f"（前 {PROBLEMS_SHOWN} 个错误，其余 {more} 个见台账“问题清单”）") if more > 0 else shown
        con.print(findings_view(found, con.width, lg, show_id, names, title=title))
    _print_retired(summary, con, lg, show_id, names)
    for (rel, f), name in zip(summary.cross, _cross_names(summary)):
        who = f" {name}" if name else ""
        # wrapped between Chinese characters too: a Chinese message has no spaces to break at
        con.print(Group(prose(f"{shown_path(rel, show_id)} {f.ref}{who} {f.code} {finding_message(f, lg, show_id)}", lg)))


def _print_retired(summary: Any, con: Any, lg: str, show_id: bool, names: dict[tuple[str, str, int], str]) -> None:
    """The errors a corrected version retired, each file's under a title saying they are not counted (the
    summary's 错误 leaves them out)."""
    from ..render import PROBLEMS_SHOWN, findings_view, shown_path

    by_file: dict[str, list[Any]] = {}
    for rel, f, name in getattr(summary, "retired", None) or []:
        by_file.setdefault(rel, []).append(f)
        if name and f.sheet is not None and f.row is not None:
            names[(f.path, f.sheet, f.row)] = name
    for rel, found in by_file.items():
        first = len(found) >= PROBLEMS_SHOWN  # only the first ones are listed
        n = (f"the first {len(found)}" if first else str(len(found))) if lg == "en" else \
            (f"前 {len(found)} 个" if first else f"{len(found)} 个")
        title = (f"{shown_path(rel, show_id)} ({n} errors below no longer count because of the corrected version: "
                 f"a corrected row stands for the row it replaces, and the correction's deadline is judged on the "
                 f"first version's date)" if lg == "en" else
                 f"{shown_path(rel, show_id)}（以下 {n}错误因更正版不再计入：被更正的行以更正版为准，"
                 f"更正版的报送期限按首次报送的日期判定）")
        con.print(findings_view(found, con.width, lg, show_id, names, title=title))


def _cross_names(summary: Any) -> list[str]:
    """The person's name beside each cross-form finding ("" for each when a cached summary has none)."""
    names = list(getattr(summary, "cross_names", None) or [])
    return names if len(names) == len(summary.cross) else [""] * len(summary.cross)


def _files_view(files: list[Any], total: int, verbose: bool, en: bool, width: int, show_id: bool = False) -> Any:
    """The files as a table (or, below NARROW columns, one line each); an ID number in a file name masked
    unless ``show_id``."""
    from rich.console import Group
    from rich.table import Table
    from rich.text import Text

    from ..ledger import superseded_note
    from ..normalize import mask_ids_in_text
    from ..render import NARROW, shown_path

    st = _STATUS["en" if en else "zh"]
    title = (("Files" if verbose else f"Files that need attention ({len(files)} of {total}; --verbose lists all)") if en
             else ("来源文件" if verbose else f"需要处理的文件（{len(files)} 个，共 {total} 个；--verbose 列出全部）"))
    rows = []
    for f in files:
        label = st.get(f.status, f.status)
        if f.status == "duplicate":
            label += f" ({f.duplicate_of})" if en else f"（同 {f.duplicate_of}）"
        elif f.status == "unreadable":
            label += f": {f.read_error_en}" if en else f"：{f.read_error}"
        elif f.status == "superseded":  # some rows still merged: only the others superseded
            label = ("partly superseded" if en else "部分行被取代") if f.rows_merged else label
            label += f" ({f.superseded_by})" if en else f"（由 {f.superseded_by}）"
        label += superseded_note(f, "en" if en else "zh")
        rows.append((shown_path(f.path, show_id), label if show_id else mask_ids_in_text(label), str(f.rows_read),
                     str(f.rows_merged), str(f.rows_rejected), str(f.rows_superseded)))
    heads = (("File", "Status", "Read", "Merged", "Rejected", "Repeated/superseded") if en
             else ("文件", "状态", "读取", "并入", "未并入", "重复/被取代"))  # read = merged + rejected + superseded
    if width < NARROW:
        lines = [Text(title, style="italic")]
        lines += [Text(f"{p}  {label}  {heads[2]} {a}  {heads[3]} {b}  {heads[4]} {c}  {heads[5]} {d}")
                  for p, label, a, b, c, d in rows]
        return Group(*lines)
    table = Table(title=title, title_justify="left")
    for i, c in enumerate(heads):
        table.add_column(c, overflow="fold", no_wrap=i >= 2, justify="right" if i >= 2 else "left")
    for r in rows:
        table.add_row(*(Text(x) for x in r))
    return table


def _totals_line(totals: dict[str, Any], out: Path, unchanged: bool, en: bool) -> str:
    from ..ledger import totals_text

    if en:
        return (totals_text(totals, "en") + " "
                + (f"Ledger unchanged (same forms, options and date), not rewritten: {out}" if unchanged
                   else f"Ledger written to {out}"))
    return (totals_text(totals)
            + (f"台账无变化（表格、选项和日期均与上次相同），未重写：{out}" if unchanged else f"台账已写出：{out}")
            + "（问题详见“问题清单”）")
