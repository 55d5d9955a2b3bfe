"""certctl template — write blank forms laid out as the notices print them."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from .. import forms as F
from .app import app
from .common import Lang, console, fail, lang_option, output_option
from ..oserror import why

KINDS = (*F.FAMILIES, "all")


@app.command("template")
def template_cmd(
    kind: str = typer.Argument(..., help="表格类型 / form kind: " + " | ".join(KINDS), show_default=False),
    output: Optional[Path] = output_option(
        "输出文件（all 时为文件夹；默认当前目录下的标准文件名）/ output file (a folder for 'all')", metavar="PATH"),
    force: bool = typer.Option(False, "--force", help="覆盖已有文件 / overwrite existing files"),
    lang: Lang = lang_option(Lang.zh),
) -> None:
    """生成空白表格模板（附件1—4、摸排统计表、执法主体清单、国家部委持证名单）。
    Write a blank form: ID and certificate columns as text, dates as dates, drop-downs, hints, A4 print setup.

    certctl template annex2 -o 注销表.xlsx ；certctl template all -o 模板/
    """
    from ..templates import TEMPLATE_FILES, write_all, write_template

    en = lang.value == "en"
    k = kind.strip().lower()
    if k not in KINDS:
        fail((f"unknown form kind '{kind}'; choose one of: " if en else f"未知的表格类型“{kind}”，可选：") + " / ".join(KINDS))
    con = console()
    try:
        if k == "all":
            d = output or Path(".")
            if d.exists() and not d.is_dir():
                fail((f"{d} is a file; 'all' needs a folder" if en else f"{d} 是文件；all 需要指定文件夹"))
            targets = [d / TEMPLATE_FILES[f] for f in F.FAMILIES]
            _refuse_overwrite(targets, force, en)
            written = write_all(d)
        else:
            p = output or Path(TEMPLATE_FILES[k])
            if p.is_dir():
                p = p / TEMPLATE_FILES[k]
            if p.suffix.lower() != ".xlsx":
                fail(f"output must end in .xlsx: {p}" if en else f"输出文件的扩展名应为 .xlsx：{p}")
            _refuse_overwrite([p], force, en)
            written = [write_template(k, p)]
    except OSError as e:
        fail((f"cannot write the template: {e.strerror or e}" if en else f"无法写出模板：{why(e)}"))
    for w in written:
        con.print(("written: " if en else "已生成：") + str(w), markup=False)


def _refuse_overwrite(paths: list[Path], force: bool, en: bool) -> None:
    existing = [p for p in paths if p.exists()]
    if existing and not force:
        names = "、".join(str(p) for p in existing)
        fail(f"{names} already exists; use --force to overwrite" if en else f"文件已存在：{names}；如需覆盖请加 --force")
    from ..outputs import OutputRefused, check_output

    for p in existing:  # --force replaces a blank template, never a filled-in form or another file
        try:
            check_output(p, "template")
        except OutputRefused as e:
            fail(e.message("en" if en else "zh"))
