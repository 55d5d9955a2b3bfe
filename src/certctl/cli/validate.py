"""certctl validate — check submitted forms cell by cell."""

from __future__ import annotations

import sys
from enum import Enum
from pathlib import Path
from typing import List, Optional

import typer

from ..pathnames import shown
from .. import forms as F
from ..render import print_results, summary_line, to_json, total_line
from ..validate import Options, validate_file
from ..workspace import unreadable_result
from .app import app
from .common import (Lang, config_option, console, fail, form_files, format_option, lang_option, load, progress_bar,
                     quiet_option, show_id_option)
from .streams import emit, failer


class Fmt(str, Enum):
    table = "table"
    json = "json"


FormKind = Enum("FormKind", {f: f for f in F.FAMILIES}, type=str)  # type: ignore[misc]


@app.command("validate")
def validate_cmd(
    paths: List[Path] = typer.Argument(..., help="表格文件或文件夹（可多个）/ form files or folders", show_default=False),
    form: Optional[FormKind] = typer.Option(None, "--form", help="强制指定表格类型 / force the form kind"),
    fmt: Fmt = format_option(Fmt.table),
    strict: bool = typer.Option(False, "--strict", help="有警告也返回 1 / exit 1 on warnings too"),
    show_id: bool = show_id_option(),
    errors_only: bool = typer.Option(False, "--errors-only", help="只显示错误 / show errors only"),
    annotate: Optional[Path] = typer.Option(
        None, "--annotate", "-a",
        help="输出标注问题的表格副本（多个文件时为文件夹）/ write an annotated copy (a folder for several files)"),
    lang: Optional[Lang] = lang_option(),
    config: Optional[Path] = config_option(),
    quiet: bool = quiet_option("只输出每个文件的一行汇总 / one summary line per file"),
) -> None:
    """校验报送的表格，逐个单元格列出问题。Validate forms: every problem, cell by cell.

    退出状态 / exit status: 0 无错误 no errors; 1 有错误 errors found (--strict: or warnings);
    2 文件无法读取或参数错误 a file could not be read or bad arguments.
    """
    cfg, lg = load(config, lang)
    opts = Options.from_config(cfg, lang=lg, form=form.value if form else None)
    # a path mistyped is the clerk's to fix, said apart (JSON keeps listing it as an unreadable file)
    missing = [] if fmt == Fmt.json else [p for p in paths if not p.exists() and not p.is_symlink()]
    found = [p for p in paths if p not in missing]
    if not found:
        _no_such(missing, lg)
        raise typer.Exit(2)
    listing = form_files(found, lg)
    if annotate is not None:
        _check_annotate(listing.files, annotate, paths, lg)
    results = _validate_all(listing.files, opts, lg, show=fmt != Fmt.json and not quiet)
    results += [unreadable_result(d, err, lg) for d, err in listing.unreadable]  # a folder it could not open
    if fmt == Fmt.json:
        emit(to_json(results, lg, show_id) + "\n", None, kind="json", fail=failer(lg))  # UTF-8 whatever the console
    elif quiet:  # console lines, no table: no rich console (its import is a tenth of the start-up)
        lines = [summary_line(r, lg, show_id) for r in results]
        lines += [total_line(results, lg)] if len(results) > 1 else []
        sys.stdout.write("".join(line + "\n" for line in lines))  # the console's encoding, "?" for what it lacks
    else:
        print_results(results, console(), lg, show_id, "error" if errors_only else "info")
    if annotate is not None:
        from ..annotate import annotate_results  # only when a copy is asked for

        try:
            written = annotate_results(results, annotate, lg)
        except (OSError, ValueError) as e:
            fail(_cannot_annotate(e, lg, annotate))
        if fmt != Fmt.json:
            for w in written:
                console(stderr=True).print(("annotated copy: " if lg == "en" else "已写出标注副本：") + shown(w), markup=False)
    _no_such(missing, lg)
    if missing or any(r.read_error is not None for r in results):
        raise typer.Exit(2)
    if any(r.errors for r in results) or (strict and any(r.warnings for r in results)):
        raise typer.Exit(1)


def _no_such(missing: list[Path], lg: str) -> None:
    for p in missing:
        console(stderr=True).print(
            f"certctl validate: {p} does not exist; check the file or folder name (Tab completes it)" if lg == "en"
            else f"certctl validate: 找不到 {p}；请检查文件名和所在文件夹是否写对（可按 Tab 键补全）", markup=False)


def _validate_all(files: list[Path], opts: Options, lg: str, show: bool) -> list:
    """Every file validated; a progress bar on stderr while a folder of several is read (a terminal only)."""
    prog = progress_bar(show and len(files) > 1)
    if prog is None:
        return [validate_file(p, opts) for p in files]
    results = []
    with prog:
        task = prog.add_task("reading forms" if lg == "en" else "读取表格", total=len(files))
        for p in files:
            results.append(validate_file(p, opts))
            prog.advance(task)
    return results


def _check_annotate(files: list[Path], annotate: Path, inputs: list[Path], lg: str) -> None:
    """Before anything is read: never an annotated copy over a form, nor over a file certctl did not write."""
    from types import SimpleNamespace

    from ..annotate import output_paths
    from ..outputs import OutputRefused, check_name, check_output

    try:
        check_name(annotate, "annotated")  # the clerk's own name: said plainly, never shortened for them
        for target in output_paths([SimpleNamespace(path=str(p)) for p in files], annotate):
            check_output(target, "annotated", inputs)
    except OutputRefused as e:
        fail(e.message(lg))
    except (ValueError, OSError) as e:
        fail(_cannot_annotate(e, lg, annotate))


def _cannot_annotate(e: Exception, lg: str, out: object) -> str:
    """Why the annotated copy could not be written, in the clerk's language (Permission denied, not
    [Errno 13] and the name of a temporary file)."""
    from ..oserror import why

    reason = e.message(lg) if hasattr(e, "message") else why(e, "en" if lg == "en" else "zh")  # annotate.TargetError
    return f"cannot write the annotated copy {out}: {reason}" if lg == "en" else f"无法写出标注副本 {out}：{reason}"
