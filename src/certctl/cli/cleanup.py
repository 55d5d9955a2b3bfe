"""certctl cleanup — the bureau's own cleanup documents for a date (issue 18): 待注销收回清单 (one sheet per
unit), 身份核查名单 for 编办 / 组织部 / 人社局, and the draft campaign summary. The statistics are in
``certctl report``.

Exit status: 0 written and no cleanup case overdue; 1 written and a case overdue (or a form or folder
unreadable); 2 error (bad date, no such directory, bad config, output not writable, lock held).
"""

from __future__ import annotations

import json
from enum import Enum
from pathlib import Path
from typing import Optional

import typer

from ..locking import DEFAULT_LOCK_TIMEOUT, LockBusy, run_lock
from ..state import beside
from .app import app
from .common import (Lang, as_of_option, config_option, console, dir_alias, format_option,
                    forms_dir_argument, gather_model, lang_option, lock_timeout_option,
                    log_file_option, output_option, quiet_option, show_id_option, start_folder_job)
from .streams import emit
from ..oserror import why


class Fmt(str, Enum):
    table = "table"
    json = "json"


LOCK_NAME = "cleanup.lock"  # in OUT/.certctl/


@app.command("cleanup")
def cleanup_cmd(
    directory: Optional[Path] = forms_dir_argument(),
    out: Optional[Path] = output_option("输出文件夹（必填）/ output folder (required)", metavar="DIR"),
    as_of: Optional[str] = as_of_option(),
    config: Optional[Path] = config_option(),
    lang: Optional[Lang] = lang_option(),
    show_id: bool = show_id_option("显示完整身份证号码（默认打码）/ full ID numbers"),
    quiet: bool = quiet_option("不输出写出的文件名 / print nothing on success"),
    fmt: Fmt = format_option(Fmt.table, "table 或 json（写出的文件和计数）"),
    log_file: Optional[Path] = log_file_option(),
    lock_timeout: float = lock_timeout_option(DEFAULT_LOCK_TIMEOUT),
    dir_old: Optional[Path] = dir_alias(),
    out_old: Optional[Path] = typer.Option(None, "--out", hidden=True),
) -> None:
    """专项清理材料：OUT/待注销收回清单-日期.xlsx（每单位一页）、身份核查名单-日期.xlsx（编办、组织部、人社局核查）、
    专项清理工作总结草稿-日期.md。Write the cleanup's revocation list, cross-check roster and draft summary.

    退出状态 / exit status: 0 已生成且无逾期未整改 written, nothing overdue; 1 已生成且有逾期未整改（或有表格、文件夹
    无法读取）written, a case overdue (or unreadable); 2 出错 error.
    """
    from ..deliverables import cleanup_statistics
    from ..deliverables.write import cleanup_paths, write_cleanup

    cfg, lg, run, day, d, out = start_folder_job("cleanup", config, lang, directory, dir_old, out, out_old, as_of,
                                                 log_file, cleanup_paths)
    try:
        with run_lock(beside(out) / LOCK_NAME, lock_timeout):
            ws, model = gather_model(run, cfg, lg, d, day, with_workspace=True)
            stats = cleanup_statistics(model, ws, cfg)
            paths = write_cleanup(model, ws, cfg, out, lg, show_id, stats=stats)
    except LockBusy as e:
        run.fail(str(e), str(e))
    except OSError as e:
        run.fail(f"无法写出到 {out}：{why(e)}", f"cannot write to {out}: {e.strerror or e}")
    overdue = sum(stats.total.n(k, "overdue") for k in stats.total.counts)
    unreadable = sum(1 for f in model.files if f.status == "unreadable")
    code = 1 if overdue or unreadable else 0
    run.log.write(f"as_of={day.isoformat()} dir={d} out={out} overdue={overdue} "
                  f"wrote={','.join(p.name for p in paths)} exit={code}")
    if fmt == Fmt.json:
        doc = {"as_of": day.isoformat(), "dir": str(d), "written": [str(p) for p in paths], "overdue": overdue,
               "unreadable": [str(f.path) for f in model.files if f.status == "unreadable"]}
        emit(json.dumps(doc, ensure_ascii=False, indent=2) + "\n", None, kind="json", fail=run.fail)
    elif not quiet:
        from ..render import counted

        con = console()
        con.print(run.t(f"截至 {day.isoformat()}：逾期未整改 {overdue} 项"
                        + (f"；无法读取 {unreadable} 个，其内容未计入，见上方警告" if unreadable else "") + "。",
                        f"On {day.isoformat()}: {counted(overdue, 'cleanup case')} overdue"
                        + (f"; {unreadable} unreadable, not counted: see the warnings above" if unreadable else "") + "."),
                  markup=False)
        for p in paths:
            con.print(run.t(f"已写出 {p}", f"wrote {p}"), markup=False)
    raise typer.Exit(run.finish(code))
