"""certctl cleanup — the bureau's own cleanup documents for a date (issue 18): 待注销收回清单 (one sheet per
unit), 身份核查名单 for 编办 / 组织部 / 人社局, and the draft campaign summary. The statistics are in
``certctl report``.

Exit status: 0 written and no cleanup case overdue; 1 written and a case overdue (or a form or folder
unreadable); 2 error (bad date, no such directory, bad config, output not writable, lock held).
"""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from ..locking import DEFAULT_LOCK_TIMEOUT, LockBusy, run_lock
from ..state import beside
from .app import app
from .common import (AS_OF_HELP, CONFIG_HELP, DIR_HELP, LANG_HELP, LOCK_HELP, LOG_HELP, Lang, Run, console,
                     gather_model, load, parse_as_of, resolve_dir)
from .streams import failer, guard

LOCK_NAME = "cleanup.lock"  # in OUT/.certctl/


@app.command("cleanup")
def cleanup_cmd(
    out: Path = typer.Option(..., "--out", "-o", metavar="DIR", help="输出文件夹 / output directory", show_default=False),
    as_of: Optional[str] = typer.Option(None, "--as-of", metavar="DATE", help=AS_OF_HELP, show_default=False),
    directory: Optional[Path] = typer.Option(None, "--dir", "-d", help=DIR_HELP, show_default=False),
    config: Optional[Path] = typer.Option(None, "--config", "-c", help=CONFIG_HELP),
    lang: Optional[Lang] = typer.Option(None, "--lang", help=LANG_HELP),
    show_id: bool = typer.Option(False, "--show-id", help="显示完整身份证号码（默认打码）/ full ID numbers"),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="不输出写出的文件名 / print nothing on success"),
    log_file: Optional[Path] = typer.Option(None, "--log-file", metavar="PATH", help=LOG_HELP),
    lock_timeout: float = typer.Option(DEFAULT_LOCK_TIMEOUT, "--lock-timeout", metavar="SECONDS", help=LOCK_HELP),
) -> None:
    """专项清理材料：OUT/待注销收回清单-日期.xlsx（每单位一页）、身份核查名单-日期.xlsx（编办、组织部、人社局核查）、
    专项清理工作总结草稿-日期.md。Write the cleanup's revocation list, cross-check roster and draft summary.

    退出状态 / exit status: 0 已生成且无逾期未整改 written, nothing overdue; 1 已生成且有逾期未整改（或有表格、文件夹
    无法读取）written, a case overdue (or unreadable); 2 出错 error.
    """
    from ..deliverables import cleanup_statistics
    from ..deliverables.write import cleanup_paths, write_cleanup

    cfg, lg = load(config, lang)
    forms = directory if directory is not None else Path(getattr(cfg, "forms_dir", "ledger"))
    guard(log_file, "log", [forms], failer(lg, "certctl cleanup"))
    run = Run("cleanup", lg, log_file)
    day = parse_as_of(run, as_of)
    d = resolve_dir(run, cfg, directory)
    if out.exists() and not out.is_dir():
        run.fail(f"--out {out} 不是文件夹", f"--out {out} is not a directory")
    for p in cleanup_paths(out, day):  # the files it replaces must be certctl's, never forms
        guard(p, "cleanup", [d], run.fail)
    try:
        out.mkdir(parents=True, exist_ok=True)
        with run_lock(beside(out) / LOCK_NAME, lock_timeout):
            ws, model = gather_model(run, cfg, lg, d, day, with_workspace=True)
            stats = cleanup_statistics(model, ws, cfg)
            paths = write_cleanup(model, ws, cfg, out, lg, show_id, stats=stats)
    except LockBusy as e:
        run.fail(str(e), str(e))
    except OSError as e:
        run.fail(f"无法写出到 {out}：{e.strerror or e}", f"cannot write to {out}: {e.strerror or e}")
    overdue = sum(stats.total.n(k, "overdue") for k in stats.total.counts)
    unreadable = any(f.status == "unreadable" for f in model.files)
    code = 1 if overdue or unreadable else 0
    run.log.write(f"as_of={day.isoformat()} dir={d} out={out} overdue={overdue} "
                  f"wrote={','.join(p.name for p in paths)} exit={code}")
    if not quiet:
        con = console()
        for p in paths:
            con.print(run.t(f"已写出 {p}", f"wrote {p}"), markup=False)
        con.print(run.t(f"截至 {day.isoformat()}：逾期未整改 {overdue} 项。",
                        f"On {day.isoformat()}: {overdue} cleanup cases overdue."), markup=False)
    raise typer.Exit(run.finish(code))
