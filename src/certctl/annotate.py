"""The annotated copy a clerk sends back: the submitted workbook, untouched, with every problem marked.

Each cell with a finding is filled (red for errors, yellow for warnings, light blue for notes) and
carries one Excel comment listing its messages, one per line. A ``问题清单`` sheet, placed first,
lists every finding (file-level ones too) with a link to its cell. A unit opening the copy in Excel
or WPS sees at once what to fix.

On paper comments do not show, so the reasons are printed too: each form sheet gets a ``问题说明``
column right of everything the unit filled in, holding beside each flagged row what is wrong there
and what to do. Every sheet prints on A4 landscape, one page wide, its header row repeated on each
page, page numbers in the footer; the 问题清单 wraps its long columns so nothing is cut.

The original is opened with openpyxl so values and formatting are kept; nothing from the form is
ever written as a formula. ``.xls`` files (which openpyxl cannot open) are rebuilt value by value
into a new workbook, and the 问题清单 says so.

Public API: :func:`annotate_results`, :func:`annotate_result`, :data:`ISSUES_SHEET`.
"""

from __future__ import annotations

from .atomic import atomic_write

import io
from collections import defaultdict
from pathlib import Path
from typing import Any, Iterable

from . import rules as R
from .findings import Finding
from .pathnames import fit
from .paper import print_setup, row_height, text_lines

ISSUES_SHEET = "问题清单"
ISSUES_SHEETS = {"zh": ISSUES_SHEET, "en": "Problems"}  # its name in each language (outputs.py knows both)
NOTE_HEADER = {"zh": "问题说明", "en": "Problems"}
NOTE_WIDTH = 44  # Excel columns of the 问题说明 column
FONT = "宋体"
# 问题清单 columns: width and whether the column wraps
ISSUE_WIDTHS = (5, 6, 7, 10, 8, 14, 18, 46, 34, 22)
SUFFIX = ".检查结果.xlsx"
FILLS = {R.ERROR: "FFFF9999", R.WARNING: "FFFFEB84", R.INFO: "FFDDEBF7"}
SEV_ORDER = {R.ERROR: 0, R.WARNING: 1, R.INFO: 2}
AUTHOR = "certctl"

_SEV = {"zh": {R.ERROR: "错误", R.WARNING: "警告", R.INFO: "提示"},
        "en": {R.ERROR: "error", R.WARNING: "warning", R.INFO: "note"}}


def _t(lang: str, zh: str, en: str) -> str:
    return en if lang == "en" else zh


def set_text(cell: Any, value: Any) -> None:
    """Write a value; text always as a string cell (never a formula, whatever its first character)."""
    cell.value = value
    if isinstance(value, str):
        cell.data_type = "s"


class TargetError(ValueError):
    """An annotated copy's name that cannot be used, said in each language."""

    def __init__(self, zh: str, en: str) -> None:
        super().__init__(en)
        self.zh, self.en = zh, en

    def message(self, lang: str = "zh") -> str:
        return self.en if lang == "en" else self.zh


def output_paths(results: list[Any], out: Path) -> list[Path]:
    """Where each annotated copy goes: one input -> ``out`` itself when it names an .xlsx file, else (a
    folder, or a name without an extension: a folder to make — a folder of forms may hold only one)
    ``out/<stem>.检查结果.xlsx``; several -> ``out/<stem>.检查结果.xlsx`` (stems made unique)."""
    out = Path(out)
    if len(results) == 1 and not out.is_dir() and (out.suffix or out.exists()):
        if out.suffix.lower() != ".xlsx":
            raise TargetError(f"标注副本应为 .xlsx 文件，或一个文件夹：{out}",
                              f"the annotated copy must be an .xlsx file or a folder: {out}")
        return [out]
    if out.exists() and not out.is_dir():
        raise TargetError(f"多个文件时 {out} 应为文件夹", f"with several files, {out} must be a folder")
    paths: list[Path] = []
    used: set[str] = set()
    for r in results:
        stem = Path(r.path).stem
        name = fit(stem, SUFFIX)  # a long form name is shortened, kept apart by a hash (pathnames.fit)
        k = 2
        while name.lower() in used:
            name = fit(stem, f"-{k}{SUFFIX}")
            k += 1
        used.add(name.lower())
        paths.append(out / name)
    return paths


def annotate_results(results: list[Any], out: str | Path, lang: str = "zh", *, show_id: bool = False) -> list[Path]:
    """Write one annotated copy per validated form (see module doc). Returns the paths written.
    Raises ValueError for an unusable ``out`` (e.g. it would overwrite a submitted file) and OSError
    when a copy cannot be written."""
    results = list(results)
    if not results:
        return []
    targets = output_paths(results, Path(out))
    inputs = {_resolved(r.path) for r in results}
    for t in targets:
        if _resolved(t) in inputs:
            raise TargetError(f"不能覆盖报送的原始文件：{t}", f"refusing to overwrite a submitted file: {t}")
    written = []
    for r, t in zip(results, targets):
        written.append(annotate_result(r, t, lang, show_id=show_id))
    return written


def _resolved(p: Any) -> str:
    try:
        return str(Path(p).resolve())
    except OSError:
        return str(p)


def _open_original(result: Any, lang: str) -> tuple[Any, str | None]:
    """(workbook, note). The original opened with openpyxl when it can be; else rebuilt from values."""
    from openpyxl import Workbook, load_workbook

    if result.read_error is None and result.format != "xls":
        try:
            with open(result.path, "rb") as fh:  # a file object: openpyxl then ignores the extension (.et)
                data = fh.read()
            wb = load_workbook(io.BytesIO(data), keep_vba=False, keep_links=False, rich_text=True)
            return _formulas_as_values(wb, data), None
        except Exception:
            pass  # fall through: rebuild from the values
    wb = Workbook()
    wb.remove(wb.active)
    if result.read_error is not None:
        return wb, _t(lang, "原文件无法读取，本副本只有问题清单。", "The original could not be read; this copy holds only the list of problems.")
    from .reader import read_workbook

    try:
        data = read_workbook(result.path)
    except Exception:
        return wb, _t(lang, "原文件无法再次读取，本副本只有问题清单。", "The original could not be read again; this copy holds only the list of problems.")
    for sheet in data.sheets:
        ws = wb.create_sheet(_safe_title(sheet.name))
        for r, row in enumerate(sheet.rows, start=1):
            for c, v in enumerate(row, start=1):
                if v is None or v == "":
                    continue
                cell = ws.cell(r, c)
                if isinstance(v, (int, float, str)) or hasattr(v, "isoformat"):
                    set_text(cell, v)
                else:
                    set_text(cell, str(v))
        for r1, c1, r2, c2 in sheet.merged:
            if (r1, c1) != (r2, c2):
                ws.merge_cells(start_row=r1 + 1, start_column=c1 + 1, end_row=r2 + 1, end_column=c2 + 1)
    fmt = result.format or "xls"
    return wb, _t(lang, f"原文件为 {fmt} 格式，本副本按单元格内容重建，原有格式（字体、边框、列宽等）未保留。",
                  f"The original is an {fmt} file; this copy was rebuilt from its cell values, without the original formatting.")


def _formulas_as_values(wb: Any, data: bytes) -> Any:
    """Each formula the unit's form holds (=HYPERLINK(...) in a name, say) replaced by the value it saved:
    the copy goes back to the unit and is opened again, a formula from the form must not run there."""
    cells = [c for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.data_type == "f"]
    if not cells:
        return wb
    from openpyxl import load_workbook

    saved = load_workbook(io.BytesIO(data), data_only=True, keep_links=False)
    for c in cells:
        set_text(c, saved[c.parent.title][c.coordinate].value)
    return wb


def _safe_title(name: str) -> str:
    bad = '[]:*?/\\'
    t = "".join("_" if ch in bad else ch for ch in name)[:31]
    return t or "Sheet"


def _sheet_for(wb: Any, name: str | None) -> Any:
    if name is None:
        return None
    if name in wb.sheetnames:
        return wb[name]
    safe = _safe_title(name)
    return wb[safe] if safe in wb.sheetnames else None


def _cell_for(ws: Any, row: int, col: int) -> Any:
    """The cell to mark: for a cell inside a merged range, its top-left (the one that shows)."""
    for m in ws.merged_cells.ranges:
        if m.min_row <= row <= m.max_row and m.min_col <= col <= m.max_col:
            return ws.cell(m.min_row, m.min_col)
    return ws.cell(row, col)


def _line(f: Finding, lang: str, show_id: bool) -> str:
    return f"[{_SEV.get(lang, _SEV['zh'])[f.severity]} {f.code}] {f.message(lang, show_id)}"


def annotate_result(result: Any, out: str | Path, lang: str = "zh", *, show_id: bool = False) -> Path:
    """Write the annotated copy of one validated form to ``out``."""
    wb, note = _open_original(result, lang)
    names = wb.sheetnames  # annotating an annotated copy (either language): replace the old list
    for old in [ISSUES_SHEET] + ([ISSUES_SHEETS["en"]] if names and names[0] == ISSUES_SHEETS["en"] else []):
        if old in names:
            del wb[old]
    findings: list[Finding] = sorted(result.findings, key=lambda f: (SEV_ORDER.get(f.severity, 3), f.sort_key()))
    per_cell, where = _locate(wb, findings)
    _mark_cells(wb, per_cell, lang, show_id)
    # the reasons beside the flagged rows, for paper
    for title in dict.fromkeys(ws.title for ws, cell in where.values() if cell is not None):
        _note_column(wb[title], result, [f for f in findings if id(f) in where and where[id(f)][0].title == title
                                         and where[id(f)][1] is not None], where, lang, show_id)
    _issues_sheet(wb, result, findings, where, note, lang, show_id)
    return _save(wb, Path(out))


def _locate(wb: Any, findings: list[Finding]) -> tuple[dict[tuple[str, str], list[Finding]], dict[int, tuple[Any, Any]]]:
    """The cell each finding points at: findings grouped per (sheet, cell), and id(finding) -> (ws, cell or None)."""
    per_cell: dict[tuple[str, str], list[Finding]] = defaultdict(list)
    where: dict[int, tuple[Any, Any]] = {}
    for f in findings:
        ws = _sheet_for(wb, f.sheet)
        if ws is None:
            continue
        if f.row is not None and f.col is not None:
            cell = _cell_for(ws, f.row, f.col + 1)
            per_cell[(ws.title, cell.coordinate)].append(f)
            where[id(f)] = (ws, cell)
        elif f.row is not None:
            where[id(f)] = (ws, ws.cell(f.row, 1))
        else:
            where[id(f)] = (ws, None)
    return per_cell, where


def _mark_cells(wb: Any, per_cell: dict[tuple[str, str], list[Finding]], lang: str, show_id: bool) -> None:
    """Fill each flagged cell with its worst severity's colour and comment it with every reason."""
    from openpyxl.comments import Comment
    from openpyxl.styles import PatternFill

    for (title, coord), fs in per_cell.items():
        cell = wb[title][coord]
        worst = min(fs, key=lambda f: SEV_ORDER.get(f.severity, 3)).severity
        cell.fill = PatternFill("solid", fgColor=FILLS[worst])
        lines = list(dict.fromkeys(_line(f, lang, show_id) for f in fs))
        text = "\n".join(lines)
        if cell.comment is not None and cell.comment.text:
            text = cell.comment.text.rstrip() + "\n——\n" + text
        c = Comment(text, AUTHOR)
        c.width = 360
        c.height = min(60 + 40 * len(lines) + 12 * sum(len(x) // 30 for x in lines), 600)
        cell.comment = c


def _issues_sheet(wb: Any, result: Any, findings: list[Finding], where: dict[int, tuple[Any, Any]], note: str | None,
                  lang: str, show_id: bool) -> None:
    """The list of problems as the first, active sheet: a title, the summary, a header and one row per finding."""
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter

    ws = wb.create_sheet(ISSUES_SHEETS["en" if lang == "en" else "zh"], 0)
    head = _ISSUE_HEAD["en" if lang == "en" else "zh"]
    ncol = len(head)
    row = _issues_banners(ws, result, note, lang, ncol) + 1
    header_row = row
    thin = Side(style="thin", color="FF808080")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    for i, h in enumerate(head, start=1):
        c = ws.cell(row, i)
        set_text(c, h)
        c.font = Font(name=FONT, bold=True)
        c.fill = PatternFill("solid", fgColor="FFF2F2F2")
        c.border = border
        c.alignment = Alignment(wrap_text=True, vertical="center")
    for n, f in enumerate(findings, start=1):
        row += 1
        _issue_row(ws, row, n, f, where.get(id(f)), lang, show_id, border)
    if not findings:
        set_text(ws.cell(row + 1, 1), _t(lang, "未发现问题。", "No problems found."))
        ws.cell(row + 1, 1).font = Font(name=FONT, size=11)
        row += 1
    for i, w in enumerate(ISSUE_WIDTHS, start=1):
        ws.column_dimensions[get_column_letter(i)].width = w
    ws.freeze_panes = f"A{header_row + 1}"
    print_setup(ws, f"{header_row}:{header_row}", f"A1:{get_column_letter(ncol)}{row}", lang)
    wb.active = 0
    for other in wb.worksheets[1:]:
        other.sheet_view.tabSelected = False
    ws.sheet_view.tabSelected = True


_ISSUE_HEAD = {"zh": ["序号", "级别", "代码", "工作表", "单元格", "列名", "内容", "问题说明", "处理建议", "依据"],
               "en": ["No.", "Severity", "Code", "Sheet", "Cell", "Column", "Value", "Problem", "What to do", "Basis"]}


def _issues_banners(ws: Any, result: Any, note: str | None, lang: str, ncol: int) -> int:
    """The title, the summary and the reader's note over the whole width; returns the last row used plus a gap."""
    from openpyxl.styles import Alignment, Font

    def banner(row: int, text: str, font: Any) -> None:
        """A line of text over the whole width of the table, wrapped, as tall as it needs."""
        c = ws.cell(row, 1)
        set_text(c, text)
        c.font = font
        c.alignment = Alignment(wrap_text=True, vertical="top")
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=ncol)
        ws.row_dimensions[row].height = row_height(text_lines(text, sum(ISSUE_WIDTHS) - 2), font.sz or 11)

    row = 1
    banner(row, _t(lang, f"检查结果：{Path(result.path).name}", f"Check result: {Path(result.path).name}"),
           Font(name=FONT, bold=True, size=14))
    row += 1
    summary = _t(lang, f"错误 {result.errors} 个，警告 {result.warnings} 个，提示 {result.infos} 个。"
                       "点击“单元格”一列可跳到对应位置；有问题的单元格已标色（红色为错误，黄色为警告），并附批注说明；"
                       "表格右侧的“问题说明”列逐行写明问题，打印出来也能看到。",
                 f"{result.errors} errors, {result.warnings} warnings, {result.infos} notes. Click a cell "
                 "reference to jump to it; marked cells are filled (red: error, yellow: warning) and carry a comment; "
                 "the “Problems” column right of the form says on each flagged row what is wrong, on paper too.")
    banner(row, summary, Font(name=FONT, size=11))
    row += 1
    if note:
        banner(row, note, Font(name=FONT, bold=True, color="FFC00000", size=11))
        row += 1
    return row


def _issue_row(ws: Any, row: int, n: int, f: Finding, target: tuple[Any, Any] | None, lang: str, show_id: bool,
               border: Any) -> None:
    """One finding on the list: its values, its severity's colour, and a link to the cell it is about."""
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.worksheet.hyperlink import Hyperlink

    sev = f.severity
    shown = target[1].coordinate if target is not None and target[1] is not None and f.col is not None else f.cell
    vals = [n, _SEV.get(lang, _SEV["zh"])[sev], f.code, f.sheet or "", shown or "", f.field or "",
            f.shown_value(show_id) or "", f.message(lang, show_id), f.hint(lang, show_id) or "", f.rule.source]
    top_wrap = Alignment(wrap_text=True, vertical="top")
    body = Font(name=FONT, size=11)
    for i, v in enumerate(vals, start=1):
        c = ws.cell(row, i)
        set_text(c, v)
        c.alignment = top_wrap
        c.border = border
        c.font = body
    ws.cell(row, 2).fill = PatternFill("solid", fgColor=FILLS[sev])
    if target is not None:
        tws, tcell = target
        coord = tcell.coordinate if tcell is not None else "A1"
        link = ws.cell(row, 5)
        if not link.value:
            set_text(link, coord if tcell is not None else _t(lang, "（整张表）", "(whole sheet)"))
        quoted = "'" + tws.title.replace("'", "''") + "'"
        link.hyperlink = Hyperlink(ref=link.coordinate, location=f"{quoted}!{coord}", display=str(link.value))
        link.font = Font(name=FONT, color="FF0563C1", underline="single")
    lines = max(text_lines(str(ws.cell(row, i).value or ""), w - 1) for i, w in enumerate(ISSUE_WIDTHS, start=1))
    ws.row_dimensions[row].height = row_height(lines)


# ------------------------------------------------------------------------------------------ paper
def _used_columns(ws: Any) -> int:
    """The last column holding a value or a merged range: the 问题说明 column goes right of it."""
    last = 0
    for row in ws.iter_rows(values_only=True):
        for i in range(len(row), last, -1):
            if row[i - 1] is not None and row[i - 1] != "":
                last = i
                break
    for m in ws.merged_cells.ranges:
        last = max(last, m.max_col)
    return max(last, 1)


def _note_column(ws: Any, result: Any, findings: list[Finding], where: dict[int, tuple[Any, Any]],
                 lang: str, show_id: bool) -> None:
    """Write beside each flagged row of ``ws`` what is wrong there (the 问题说明 column), for paper.
    Only new cells right of the form are written; the form's own cells keep their values."""
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter

    col = _used_columns(ws) + 1
    letter = get_column_letter(col)
    thin = Side(style="thin", color="FF000000")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    sheet = next((s for s in getattr(result, "sheets", []) if _safe_title(s.sheet) == ws.title or s.sheet == ws.title), None)
    header_row = getattr(sheet, "header_row", None) or None
    header_rows = getattr(sheet, "header_rows", 1) or 1
    first_header = header_row - header_rows + 1 if header_row else None
    font = (ws.cell(header_row, 1).font.name if header_row else None) or FONT
    per_row: dict[int, list[Finding]] = defaultdict(list)
    for f in findings:
        per_row[where[id(f)][1].row].append(f)
    label = NOTE_HEADER.get(lang, NOTE_HEADER["zh"])
    if header_row:
        h = ws.cell(first_header, col)
        set_text(h, label)
        h.font = Font(name=font, bold=True)
        h.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        h.fill = PatternFill("solid", fgColor="FFF2F2F2")
        for r in range(first_header, header_row + 1):
            ws.cell(r, col).border = border
        if header_rows > 1 and not any(first_header <= r <= header_row for r in per_row):
            ws.merge_cells(start_row=first_header, start_column=col, end_row=header_row, end_column=col)
    sev = _SEV.get(lang, _SEV["zh"])
    for r, fs in sorted(per_row.items()):
        lines: list[str] = []
        hints: list[str] = []
        for f in fs:
            cell = where[id(f)][1]
            place = cell.coordinate if f.col is not None else _t(lang, f"第{r}行", f"row {r}")
            what = f"{place} {f.field}：" if f.field and lang != "en" else (f"{place} {f.field}: " if f.field else f"{place} ")
            lines.append(f"【{sev[f.severity]}】{what}{f.message(lang, show_id)}" if lang != "en"
                         else f"[{sev[f.severity]}] {what}{f.message(lang, show_id)}")
            hint = f.hint(lang, show_id)
            if hint and hint not in hints:
                hints.append(hint)
        lines = list(dict.fromkeys(lines))
        lines += [_t(lang, "处理：", "To do: ") + h for h in hints]
        text = "\n".join(lines)
        c = ws.cell(r, col)
        if r == first_header:  # a finding on the header row itself (a duplicated column): under the label
            text = label + "\n" + text
        set_text(c, text)
        c.font = Font(name=font, size=10, bold=r == first_header,
                      color="FFC00000" if any(f.severity == R.ERROR for f in fs) else "FF000000")
        c.alignment = Alignment(wrap_text=True, vertical="top")
        c.border = border
        need = row_height(text_lines(text, (NOTE_WIDTH - 1) * 11 // 10), 10)  # 10-point text: more fits a line
        current = ws.row_dimensions[r].height
        if current is None or current < need:
            ws.row_dimensions[r].height = need
    ws.column_dimensions[letter].width = NOTE_WIDTH
    last_row = max([ws.max_row, *per_row])
    title_rows = f"{first_header}:{header_row}" if header_row and not ws.print_title_rows else None
    area = None
    if ws.print_area:  # the form's own print area, widened to take the new column
        from openpyxl.utils.cell import range_boundaries

        try:
            c1, r1, _c2, r2 = range_boundaries(str(ws.print_area).split(",")[0].split("!")[-1].replace("$", ""))
            area = f"{get_column_letter(c1)}{r1}:{letter}{max(r2, last_row)}"
        except (TypeError, ValueError):
            area = None
    print_setup(ws, title_rows, area, lang)


def _save(wb: Any, out: Path) -> Path:
    from .marks import mark_openpyxl

    mark_openpyxl(wb, "annotated")  # certctl.marks: never read back as a form
    return atomic_write(out, lambda tmp: wb.save(tmp))


def finding_cells(findings: Iterable[Finding]) -> set[tuple[str, int, int]]:
    """(sheet, row, 1-based col) of every finding that points at a cell (for tests and reports)."""
    return {(f.sheet, f.row, f.col + 1) for f in findings if f.sheet and f.row is not None and f.col is not None}
