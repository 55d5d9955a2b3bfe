"""certctl report — the dated report (xlsx with charts + plain text for an e-mail body), for cron.

Exit status: 0 report written and nothing overdue; 1 report written and something overdue (or a form or
folder unreadable); 2 error
(bad date, no such directory, bad config, output not writable, another run holding the lock; with --ledger:
a file that is missing, not a certctl SQLite ledger, of another schema version or merged under other
judging settings).

``--ledger 台账.sqlite`` makes the same report from the SQLite ledger a merge wrote
(:func:`certctl.report.build_report_from_ledger`) instead of the forms: the same workbook and e-mail body
as the forms folder it merged gives on that day; only the terminal's lines name the ledger.
"""

from __future__ import annotations

import json
from enum import Enum
from pathlib import Path
from typing import Optional

import typer

from ..locking import DEFAULT_LOCK_TIMEOUT, LockBusy, run_lock
from ..report import build_report, report_paths, write_report
from ..state import beside
from .app import app
from .common import (Lang, as_of_option, config_option, console, dir_alias, format_option,
                    forms_dir_argument, gather_ledger_report, gather_model, lang_option, ledger_option,
                    lock_timeout_option, log_file_option, output_option, quiet_option, show_id_option,
                    start_folder_job)
from .streams import emit, guard
from ..oserror import why


class Fmt(str, Enum):
    table = "table"
    json = "json"


LOCK_NAME = "report.lock"  # in OUT/.certctl/


@app.command("report")
def report_cmd(
    directory: Optional[Path] = forms_dir_argument(),
    out: Optional[Path] = output_option("报告输出文件夹（必填）/ output folder (required)", metavar="DIR"),
    as_of: Optional[str] = as_of_option(),
    config: Optional[Path] = config_option(),
    lang: Optional[Lang] = lang_option(),
    show_id: bool = show_id_option("报告中显示完整身份证号码（默认打码）/ full ID numbers in the report"),
    quiet: bool = quiet_option("不输出写出的文件名 / print nothing on success"),
    fmt: Fmt = format_option(Fmt.table, "table 或 json（写出的文件和计数）"),
    log_file: Optional[Path] = log_file_option(),
    lock_timeout: float = lock_timeout_option(DEFAULT_LOCK_TIMEOUT),
    ledger: Optional[Path] = ledger_option("从 SQLite 台账（certctl merge --sqlite 写出）生成，不再逐一读取表格"
                                           " / report from an SQLite ledger (merge --sqlite), not the forms"),
    dir_old: Optional[Path] = dir_alias(),
    out_old: Optional[Path] = typer.Option(None, "--out", hidden=True),
) -> None:
    """生成某日的报告：OUT/证件管理报告-日期.xlsx（汇总表和图表）与 .txt（邮件正文）；同日重跑则替换。
    Write the dated report (xlsx with a summary sheet and charts, plain text for an e-mail body).

    --ledger 台账.sqlite：从 certctl merge --sqlite 写出的台账生成，不读表格，报告与从合并时的表格文件夹
    生成的相同；合并后收到的表格不在其中。With --ledger FILE: the same report from the SQLite ledger a merge
    wrote, as the forms folder it merged would give (docs/ledger-schema.md).

    退出状态 / exit status: 0 已生成且无逾期 written, nothing overdue; 1 已生成且有逾期（或有表格、文件夹
    无法读取）written, something overdue (or unreadable); 2 出错 error（--ledger 的台账不存在、不是 certctl
    的 SQLite 台账、版本或设置不同，也是 2）.
    """
    cfg, lg, run, day, d, out = start_folder_job("report", config, lang, directory, dir_old, out, out_old, as_of,
                                                 log_file, report_paths, ledger)
    stored = None
    try:
        with run_lock(beside(out) / LOCK_NAME, lock_timeout):
            if ledger is not None:  # one file, replaced whole by each merge: no forms read
                report, stored = gather_ledger_report(run, cfg, lg, ledger, day)
                d = Path(stored.forms_dir)
                for p in report_paths(out, day):  # never a report written into the forms folder merged
                    guard(p, "report", [d, ledger], run.fail)
            else:
                ws, model = gather_model(run, cfg, lg, d, day, with_workspace=True)
                report = build_report(ws, cfg, day, model=model)
            paths = write_report(report, out, lg, show_id)
    except LockBusy as e:
        run.fail(str(e), str(e))
    except OSError as e:
        run.fail(f"无法写出报告到 {out}：{why(e)}", f"cannot write the report to {out}: {e.strerror or e}")
    code = 1 if report.overdue or report.unreadable else 0  # a file or folder that could not be read is found too
    run.log.write(f"as_of={day.isoformat()} dir={d} out={out} files={report.files} overdue={len(report.overdue)} "
                  f"due_soon={len(report.due_soon)} wrote={','.join(p.name for p in paths)} exit={code}"
                  + (f" ledger={ledger}" if ledger is not None else ""))
    if fmt == Fmt.json:
        doc = {"as_of": day.isoformat(), "dir": str(d), "written": [str(p) for p in paths], "files": report.files,
               "unreadable": list(report.unreadable), "overdue": len(report.overdue), "due_soon": len(report.due_soon)}
        if stored is not None:  # made from an SQLite ledger: which, and when it was merged
            doc["ledger"] = {"path": str(ledger), "merged_at": stored.written_at}
        emit(json.dumps(doc, ensure_ascii=False, indent=2) + "\n", None, kind="json", fail=run.fail)
    elif not quiet:
        con = console()
        bad = len(report.unreadable)  # why the exit status is 1 when nothing is overdue
        con.print(run.t(f"截至 {day.isoformat()}：逾期 {len(report.overdue)} 项，即将到期 {len(report.due_soon)} 项"
                        + (f"；无法读取 {bad} 个，其内容未计入，见上方警告" if bad else "") + "。",
                        f"On {day.isoformat()}: {len(report.overdue)} overdue, {len(report.due_soon)} due soon"
                        + (f"; {bad} unreadable, not counted: see the warnings above" if bad else "") + "."),
                  markup=False)
        if stored is not None:
            when = stored.written_at[:16] or "?"
            con.print(run.t(f"据 SQLite 台账 {ledger}（{when} 合并自 {d} 的 {report.files} 个表格；之后收到的表格不在其中）。",
                            f"From the SQLite ledger {ledger} (merged {when} from {report.files} forms in {d}; "
                            f"forms received since are not in it)."), markup=False)
        for p in paths:
            con.print(run.t(f"已写出 {p}", f"wrote {p}"), markup=False)
    raise typer.Exit(run.finish(code))
