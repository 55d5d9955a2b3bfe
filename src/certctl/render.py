"""Renderers: findings (data) -> terminal table, JSON. The annotated workbook lives in annotate.py."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any, Iterable

from . import rules as R
from .pathnames import shown
from .forms import family_label
from .normalize import mask_ids_in_text
from .validate import FormResult

if TYPE_CHECKING:
    from rich.console import Console

_SEV_STYLE = {R.ERROR: "bold red", R.WARNING: "yellow", R.INFO: "cyan"}
_SEV_LABEL = {"zh": {R.ERROR: "错误", R.WARNING: "警告", R.INFO: "提示"},
              "en": {R.ERROR: "error", R.WARNING: "warning", R.INFO: "info"}}


def sev_label(sev: str, lang: str) -> str:
    return _SEV_LABEL["en" if lang == "en" else "zh"][sev]


def result_dict(res: FormResult, lang: str = "zh", show_id: bool = False) -> dict[str, Any]:
    return {
        "path": shown(res.path),
        "form": res.family if res.read_error is None else None,
        "rows": res.rows,
        "errors": res.errors,
        "warnings": res.warnings,
        "findings": [f.to_dict(lang, show_id) for f in res.findings],
    }


def to_json(results: Iterable[FormResult], lang: str = "zh", show_id: bool = False) -> str:
    return json.dumps({"files": [result_dict(r, lang, show_id) for r in results]}, ensure_ascii=False, indent=2)


def shown_path(path: str, show_id: bool = False) -> str:
    """A file path for the terminal: an ID number in a file name (张三320681….xlsx) is masked too.
    JSON keeps the real path so scripts can find the file. Undecodable bytes of a name (GBK) are
    escaped (certctl.pathnames.shown), in JSON too."""
    path = shown(path)
    return path if show_id else mask_ids_in_text(path)


def summary_line(res: FormResult, lang: str = "zh", show_id: bool = False) -> str:
    path = shown_path(res.path, show_id)
    if res.read_error is not None:
        return (f"{path}: cannot be read — {res.read_error.reason('en')}" if lang == "en"
                else f"{path}：无法读取 — {res.read_error.reason('zh')}")
    form = family_label(res.family, lang) if "+" not in res.family else " + ".join(
        family_label(f, lang) for f in res.family.split("+"))
    if lang == "en":
        return f"{path}: {form}, {res.rows} rows, {res.errors} errors, {res.warnings} warnings, {res.infos} notes"
    return f"{path}：{form}，{res.rows} 行，错误 {res.errors}，警告 {res.warnings}，提示 {res.infos}"


def total_line(results: list[FormResult], lang: str = "zh") -> str:
    """One closing line when several files were checked."""
    n = len(results)
    bad = sum(1 for r in results if r.read_error is not None)
    err_files = sum(1 for r in results if r.errors and r.read_error is None)
    errors = sum(r.errors for r in results if r.read_error is None)
    warnings = sum(r.warnings for r in results)
    rows = sum(r.rows for r in results)
    if lang == "en":
        s = f"{n} files, {rows} rows: {errors} errors in {err_files} files, {warnings} warnings"
        return s + (f"; {bad} files could not be read" if bad else "")
    s = f"共 {n} 个文件，{rows} 行：{err_files} 个文件有错误（共 {errors} 个），警告 {warnings} 个"
    return s + (f"；{bad} 个文件无法读取" if bad else "")


def print_results(results: list[FormResult], console: Console, lang: str = "zh", show_id: bool = False,
                  min_severity: str = R.INFO) -> None:
    """A table per file, grouped by file, then its one-line summary."""
    from rich.table import Table  # imported here: `validate -q` and JSON output need no table
    from rich.text import Text

    rank = {R.ERROR: 0, R.WARNING: 1, R.INFO: 2}
    for res in results:
        shown = [f for f in res.findings if rank[f.severity] <= rank[min_severity]]
        if shown:
            table = Table(title=shown_path(res.path, show_id), title_justify="left", show_lines=False, expand=False)
            if lang == "en":
                cols = ("Cell", "Level", "Code", "Problem", "What to do")
            else:
                cols = ("单元格", "级别", "代码", "问题", "处理建议")
            for c in cols:
                table.add_column(c, overflow="fold")
            for f in shown:
                table.add_row(
                    f.ref or "—",
                    Text(sev_label(f.severity, lang), style=_SEV_STYLE[f.severity]),
                    f.code,
                    f.message(lang, show_id),
                    f.hint(lang, show_id),
                )
            console.print(table)
        style = "red" if res.errors or res.read_error else ("yellow" if res.warnings else "green")
        console.print(Text(summary_line(res, lang, show_id), style=style))
    if len(results) > 1:
        console.print(Text(total_line(results, lang), style="bold"))
