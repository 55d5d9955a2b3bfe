"""Renderers: findings (data) -> terminal table, JSON. The annotated workbook lives in annotate.py."""

from __future__ import annotations

import functools
import json
import re
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
    names = person_names([res])
    return {
        "path": shown(res.path),
        "form": res.family if res.read_error is None else None,
        "rows": res.rows,
        "errors": res.errors,
        "warnings": res.warnings,
        "findings": [dict(f.to_dict(lang, show_id), name=name_of(f, names) or None) for f in res.findings],
    }


def to_json(results: Iterable[FormResult], lang: str = "zh", show_id: bool = False) -> str:
    return json.dumps({"files": [result_dict(r, lang, show_id) for r in results]}, ensure_ascii=False, indent=2)


def shown_path(path: str, show_id: bool = False) -> str:
    """A file path for the terminal: an ID number in a file name (张三320681….xlsx) is masked too.
    JSON keeps the real path so scripts can find the file. Undecodable bytes of a name (GBK) are
    escaped (certctl.pathnames.shown), in JSON too."""
    path = shown(path)
    return path if show_id else mask_ids_in_text(path)


def counted(n: int, word: str) -> str:
    """"1 error", "2 errors": an English count with its noun."""
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def summary_line(res: FormResult, lang: str = "zh", show_id: bool = False) -> str:
    path = shown_path(res.path, show_id)
    if res.read_error is not None:
        return (f"{path}: cannot be read — {res.read_error.reason('en')}" if lang == "en"
                else f"{path}：无法读取 — {res.read_error.reason('zh')}")
    form = family_label(res.family, lang) if "+" not in res.family else " + ".join(
        family_label(f, lang) for f in res.family.split("+"))
    if not res.family and res.output:  # certctl's own output, skipped (F008): say what it is, not ""
        from .outputs import KINDS

        zh, en = KINDS.get(res.output, (res.output, res.output))
        form = f"certctl's own {en}, not read as a form" if lang == "en" else f"certctl 生成的{zh}，未作为表格读取"
    if lang == "en":
        return (f"{path}: {form}, {counted(res.rows, 'row')}, {counted(res.errors, 'error')}, "
                f"{counted(res.warnings, 'warning')}, {counted(res.infos, 'note')}")
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
        s = (f"{counted(n, 'file')}, {counted(rows, 'row')}: {counted(errors, 'error')} in "
             f"{counted(err_files, 'file')}, {counted(warnings, 'warning')}")
        return s + (f"; {counted(bad, 'file')} could not be read" if bad else "")
    s = f"共 {n} 个文件，{rows} 行：{err_files} 个文件有错误（共 {errors} 个），警告 {warnings} 个"
    return s + (f"；{bad} 个文件无法读取" if bad else "")


#: below this many columns a terminal gets a list, one finding a few lines, instead of a crushed table
NARROW = 100


def person_names(results: Iterable[FormResult]) -> dict[tuple[str, str, int], str]:
    """(path, sheet, row) -> the 姓名 of the person on that row, for every row that names one."""
    names: dict[tuple[str, str, int], str] = {}
    for res in results:
        for sheet in res.sheets:
            for rec in sheet.records:
                name = rec.values.get("name") or rec.raw.get("name")
                if name:
                    names[(res.path, rec.sheet, rec.row)] = str(name).strip()
    return names


def name_of(f: Any, names: dict[tuple[str, str, int], str]) -> str:
    """The person a finding is about ("" for a finding about a unit, a sheet or the file)."""
    if f.sheet is None or f.row is None:
        return ""
    return names.get((f.path, f.sheet, f.row), "")


#: errors shown per file by `certctl merge` (the rest are in the ledger's 问题清单)
PROBLEMS_SHOWN = 10


def file_problems(results: Iterable[FormResult], rel: Any, limit: int = PROBLEMS_SHOWN,
                  keep: Any = None) -> list[tuple[str, Any, str]]:
    """The first ``limit`` errors of each file with errors: (path by ``rel``, finding, person's name);
    ``keep(path, finding)``: only the errors it keeps."""
    results = list(results)
    names = person_names(results)
    out: list[tuple[str, Any, str]] = []
    for res in results:
        errors = [f for f in res.findings if f.severity == R.ERROR and (keep is None or keep(rel(res.path), f))]
        out.extend((rel(res.path), f, name_of(f, names)) for f in errors[:limit])
    return out


class Hints:
    """A hint is said once: the next finding with the same advice points back to the first."""

    def __init__(self, lang: str) -> None:
        self.lang = lang
        self.first: dict[str, str] = {}  # hint text -> code of the finding it was first said for

    def __call__(self, f: Any, show_id: bool) -> str:
        text = f.hint(self.lang, show_id)
        if not text:
            return ""
        if text in self.first:
            code = self.first[text]
            return f"as for {code} above" if self.lang == "en" else f"同前 {code}"
        self.first[text] = f.code
        return text


_NAMED = re.compile(r"[^\s（“《]*(?:[/\\!]|\.(?:xlsx|xlsm|xls|csv|txt|md|toml|db))[^\s，。；）”》]*")


def line_breaks(text: str, width: int, between_chinese: bool = True) -> list[int]:
    """Where ``text`` is cut into lines of at most ``width`` cells: at a space, between two Chinese
    characters (not with ``between_chinese``: in English a Chinese run is a name, kept whole) or after
    Chinese punctuation, never before ，。 nor after （“, never inside a Latin word, number, date or ID;
    a single piece wider than ``width`` is cut where it must be. (rich itself breaks only at spaces and
    cuts a space-less Chinese sentence anywhere, "Exce|l".)"""
    from rich.cells import cell_len

    from .cli.helpfmt import may_break

    # a file path or a sheet!cell between spaces is a name: broken only at its spaces, as a word is
    named = [False] * len(text)
    for m in _NAMED.finditer(text):
        named[m.start():m.end()] = [True] * (m.end() - m.start())
    points = [i for i in range(1, len(text)) if not text[i].isspace() and (
        text[i - 1].isspace() or not named[i] and may_break(text[i - 1], text[i], between_chinese))] + [len(text)]
    cuts: list[int] = []
    start, best, k = 0, 0, 0
    while k < len(points):
        p = points[k]
        if cell_len(text[start:p].rstrip()) <= width:
            best, k = p, k + 1
        elif best > start:
            cuts.append(best)
            start = best
        else:  # one piece longer than the line: cut it at the width
            n, cut = 0, p
            for j in range(start, p):
                n += cell_len(text[j])
                if n > width:
                    cut = max(j, start + 1)
                    break
            cuts.append(cut)
            start = best = cut
    return cuts


def prose(text: str, lang: str) -> Any:
    """``text`` as rich Text that wraps by :func:`line_breaks` (a table cell, a finding in the list)."""
    t = _prose_class()(text)
    t.between_chinese = lang != "en"
    return t


@functools.lru_cache(maxsize=1)
def _prose_class() -> Any:
    from rich.containers import Lines
    from rich.text import Text

    class Prose(Text):
        between_chinese = True

        def wrap(self, console: Any, width: int, *, justify: Any = None, overflow: Any = None,  # type: ignore[override]
                 tab_size: int = 8, no_wrap: Any = None) -> Lines:
            if no_wrap or self.no_wrap or "\t" in self.plain:
                return super().wrap(console, width, justify=justify, overflow=overflow, tab_size=tab_size,
                                    no_wrap=no_wrap)
            lines = Lines()
            for line in self.split(allow_blank=True):
                parts = line.divide(line_breaks(line.plain, width, self.between_chinese))
                for part in parts:
                    part.rstrip()
                    part.truncate(width, overflow="fold")
                parts.justify(console, width, justify=justify or self.justify or "default", overflow="fold")
                lines.extend(parts)
            return lines

    return Prose


def findings_view(findings: list[Any], width: int, lang: str, show_id: bool,
                  names: dict[tuple[str, str, int], str], title: str | None = None) -> Any:
    """Findings for the terminal: a table at ``width`` >= NARROW columns, else a list. Places, names,
    codes and values like IDs and dates are never broken over two lines; a repeated hint is said once."""
    from rich.console import Group
    from rich.padding import Padding
    from rich.table import Table
    from rich.text import Text

    hint = Hints(lang)
    en = lang == "en"
    if width >= NARROW:
        table = Table(title=title, title_justify="left", show_lines=False, expand=False)
        for c in (("Cell", "Name", "Level", "Code", "Problem", "What to do") if en
                  else ("单元格", "姓名", "级别", "代码", "问题", "处理建议")):
            wraps = c in ("Problem", "What to do", "问题", "处理建议")
            table.add_column(c, no_wrap=not wraps, overflow="fold", ratio=(3 if c in ("Problem", "问题") else 2) if wraps else None)
        for f in findings:
            table.add_row(Text(f.ref or "—"), Text(name_of(f, names)),
                          Text(sev_label(f.severity, lang), style=_SEV_STYLE[f.severity]), Text(f.code),
                          prose(f.message(lang, show_id), lang), prose(hint(f, show_id), lang))
        return table
    parts: list[Any] = [Text(title, style="italic")] if title else []
    for f in findings:
        head = Text(f.ref or "—")
        who = name_of(f, names)
        if who:
            head.append("  " + who)
        head.append("  ")
        head.append(sev_label(f.severity, lang), style=_SEV_STYLE[f.severity])
        head.append(" " + f.code)
        parts.append(head)
        advice = hint(f, show_id)
        # "→" joined to a Chinese hint: with a space the terminal may leave the arrow alone on its line
        body = prose(f.message(lang, show_id) + ((("\n→ " if en else "\n→") + advice) if advice else ""), lang)
        parts.append(Padding(body, (0, 0, 0, 2), expand=False))
    return Group(*parts)


def print_results(results: list[FormResult], console: Console, lang: str = "zh", show_id: bool = False,
                  min_severity: str = R.INFO) -> None:
    """Summary first (the total over several files), then per file its line and its findings."""
    from rich.text import Text  # imported here: `validate -q` and JSON output need no table

    rank = {R.ERROR: 0, R.WARNING: 1, R.INFO: 2}
    if len(results) > 1:
        console.print(Text(total_line(results, lang), style="bold"))
    names = person_names(results)
    for res in results:
        style = "red" if res.errors or res.read_error else ("yellow" if res.warnings else "green")
        console.print(Text(summary_line(res, lang, show_id), style=style))
        shown = [f for f in res.findings if rank[f.severity] <= rank[min_severity]]
        if shown:
            console.print(findings_view(shown, console.width, lang, show_id, names))
