"""Blank forms, laid out as the notices print them, generated from the declarative specs in ``forms``.

Most errors in these forms are born in the blank form: an ID column formatted as a number loses its
last three digits, a free-typed 注销原因 never matches. The templates built here prevent that: ID and
certificate columns are text, date columns are dates, every enumerated column has a drop-down,
every column with a hint shows it as an input message.

Many units print the blank form and fill it in by hand, so it is laid out for paper too: A4
landscape, one page wide, the header row repeated on every page, page numbers in the footer, data
rows about 9 mm high on paper, an ID column wide enough for 18 handwritten digits (≈ 60 mm), and 序号
numbered 1, 2, 3 … down the blank rows (a row holding only its 序号 is a blank row to certctl).

Nothing per form is hard-coded: the columns, titles, enumerations, suggestions, hints, widths and
footer all come from :mod:`certctl.forms`. Output is deterministic (fixed workbook properties and
zip timestamps), so regenerating gives byte-identical files.

Public API: :data:`TEMPLATE_FILES`, :func:`layout`, :func:`build_template`, :func:`write_template`,
:func:`write_all`, :func:`fill_template`.
"""

from __future__ import annotations

from .atomic import atomic_write_bytes

import datetime as dt
import io
import math
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Mapping

from . import forms as F
from .paper import print_setup

# Fixed names for `certctl template all` and templates/xlsx/.
TEMPLATE_FILES: dict[str, str] = {
    "annex1": "附件1_人员数据录入归集注销修改备案表.xlsx",
    "annex2": "附件2_行政执法证件注销表.xlsx",
    "annex3": "附件3_行政执法证件换证表.xlsx",
    "annex4": "附件4_行政执法证件补发表.xlsx",
    "survey": "行政执法证件专项清理工作摸排统计表.xlsx",
    "registry": "行政执法主体清单.xlsx",
    "national": "国家部委行政执法证件持证人员名单.xlsx",
}

DATA_ROWS = 30  # pre-formatted data rows
FIXED_TIME = dt.datetime(2024, 1, 1, 0, 0, 0)  # workbook created/modified: deterministic output
CREATOR = "certctl"
DATE_FORMAT = "yyyy-mm-dd"
META_DATE_FORMAT = 'yyyy"年"m"月"d"日"'
TEXT_FORMAT = "@"

META_LABELS: tuple[tuple[str, str], ...] = (
    ("unit", "填报单位（盖章）："),
    ("reporter", "填报人员："),
    ("phone", "联系电话："),
    ("date", "填报时间："),
)
META_HINTS = {
    "unit": ("填报单位", "填写单位全称并盖章，不用简称"),
    "reporter": ("填报人员", "经办人姓名"),
    "phone": ("联系电话", "手机号码，或带区号的固定电话，如 0513-83123456"),
    "date": ("填报时间", "填写报送日期，如 2024-06-03（显示为 2024年6月3日）"),
}
META_DATE_PLACEHOLDER = "    年  月  日"

OPTIONAL_NOTE = "选填：原通知附件表格中没有这一列，不清楚的可以空着不填"

# Paper: A4 landscape, margins in inches; an Excel column unit (the width of a digit of the default
# font, 11-point Calibri, plus padding) prints about 1.96 mm wide at 100 %.
PAGE_WIDTH_MM = 297.0
MARGIN_IN = 0.3
MM_PER_UNIT = 1.96
ROW_MM = 9.0  # a handwritten data row, as printed
# Widths (Excel column units) for handwriting, where the spec's screen width is too narrow:
# 18 handwritten digits need ≈ 60 mm, a certificate number ≈ 45 mm, a date ≈ 26 mm.
PAPER_WIDTHS = {"id": 36, "cert": 24, "date": 14}

_TYPE_HINTS = {
    "date": "日期，如 2024-06-03",
    "number": "填写数字",
    "sex": "男 / 女",
}


@dataclass(frozen=True)
class SheetLayout:
    """Where everything is on one generated sheet (1-based rows and columns)."""

    kind: str
    sheet: str
    title_row: int
    meta_row: int | None
    meta_cells: dict[str, tuple[int, int]]  # unit/reporter/phone/date -> (row, col) of the value cell
    meta_labels: dict[str, tuple[int, int, int]]  # key -> (row, first col, last col) of the label
    header_row: int
    first_data_row: int
    last_data_row: int
    footer_row: int | None
    columns: dict[str, int] = field(default_factory=dict)  # column key -> 1-based column

    @property
    def ncols(self) -> int:
        return len(self.columns)


def _display_width(text: str) -> int:
    """Approximate Excel width units: CJK and full-width characters count 2."""
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in text)


def paper_width(col: F.Column) -> int:
    """The column's width in the template: the spec's, widened where handwriting needs room."""
    return max(col.width, PAPER_WIDTHS.get(col.type, 0))


def print_scale(spec: F.FormSpec) -> float:
    """The scale the fit-to-width print setup shrinks the sheet to (1.0 when it fits as it is)."""
    printable = PAGE_WIDTH_MM - 2 * MARGIN_IN * 25.4
    return min(1.0, printable / (MM_PER_UNIT * sum(paper_width(c) for c in spec.columns)))


def data_row_height(spec: F.FormSpec) -> float:
    """Row height in points that prints about :data:`ROW_MM` high once the sheet is scaled to fit."""
    return round(ROW_MM / (25.4 / 72) / print_scale(spec), 1)


def sheet_name(spec: F.FormSpec) -> str:
    return spec.sheet_name or spec.label_zh.split(" ")[0]


def _meta_groups(spec: F.FormSpec) -> tuple[dict[str, tuple[int, int, int]], dict[str, tuple[int, int]]]:
    """Split the columns into four contiguous groups of similar total width; in each group the label
    spans as many columns as it needs and the value cell the rest."""
    widths = [paper_width(c) for c in spec.columns]
    n = len(widths)
    total = sum(widths)
    bounds: list[int] = [0]
    cum = [0]
    for w in widths:
        cum.append(cum[-1] + w)
    for k in range(1, 4):
        lo = bounds[-1] + 2  # every group needs a label column and a value column
        hi = n - 2 * (4 - k)
        j = lo
        while j < hi and cum[j] < total * k / 4:
            j += 1
        bounds.append(max(lo, min(j, hi)))
    bounds.append(n)
    labels: dict[str, tuple[int, int, int]] = {}
    values: dict[str, tuple[int, int]] = {}
    for g, (key, label) in enumerate(META_LABELS):
        a, b = bounds[g], bounds[g + 1]  # 0-based [a, b)
        need = _display_width(label) + 1
        end = a + 1
        w = widths[a]
        while w < need and end < b - 1:
            w += widths[end]
            end += 1
        labels[key] = (a + 1, end, b)  # label cols a+1..end (1-based), group ends at b
        values[key] = (end + 1, b)
    return labels, values


def layout(spec: F.FormSpec, data_rows: int = DATA_ROWS) -> SheetLayout:
    row = 1
    title_row = row
    row += 1
    meta_row = None
    meta_cells: dict[str, tuple[int, int]] = {}
    meta_labels: dict[str, tuple[int, int, int]] = {}
    if spec.metadata:
        meta_row = row
        labels, values = _meta_groups(spec)
        for key in labels:
            a, end, _b = labels[key]
            meta_labels[key] = (meta_row, a, end)
            meta_cells[key] = (meta_row, values[key][0])
        row += 1
    header_row = row
    first = header_row + 1
    last = header_row + max(data_rows, 1)
    footer_row = last + 1 if spec.footer else None
    cols = {c.key: i for i, c in enumerate(spec.columns, start=1)}
    return SheetLayout(spec.kind, sheet_name(spec), title_row, meta_row, meta_cells, meta_labels,
                       header_row, first, last, footer_row, cols)


def layouts(family: str) -> list[SheetLayout]:
    return [layout(s) for s in F.specs_for_family(family)]


def _check_family(family: str) -> None:
    if family not in F.FAMILIES:
        raise ValueError(f"未知的表格类型 {family!r}（可选：{' / '.join(F.FAMILIES)}） / unknown form kind")


def _hint(col: F.Column) -> str:
    parts = []
    if col.hint:
        parts.append(col.hint)
    if col.enum and not col.hint:
        parts.append("从下拉列表中选择：" + " / ".join(col.enum))
    elif col.choices:
        parts.append("可从下拉列表选择，也可直接填写：" + " / ".join(col.choices))
    if not parts and col.type in _TYPE_HINTS:
        parts.append(_TYPE_HINTS[col.type])
    if col.type == "date" and col.hint:
        parts.append("日期，如 2024-06-03")
    if col.optional and col.type != "seq":
        parts.append(OPTIONAL_NOTE)
    if not col.required and not col.optional and col.type not in ("seq", "text"):
        parts.append("（可空）")
    return "；".join(parts)


def _list_formula(values: tuple[str, ...]) -> str:
    f = '"' + ",".join(values) + '"'
    if len(f) > 255:  # Excel's limit for an inline list
        raise ValueError(f"drop-down list too long for an inline list: {values}")
    return f


_FONT = "宋体"


def _build_sheet(wb: Any, spec: F.FormSpec, data_rows: int = DATA_ROWS) -> Any:
    """One form's sheet: title, metadata row, header, pre-formatted data rows, drop-downs, footer, print setup."""
    from openpyxl.utils import get_column_letter

    lay = layout(spec, data_rows)
    ws = wb.create_sheet(lay.sheet)
    n = len(spec.columns)
    _title(ws, spec, lay, n)
    if lay.meta_row is not None:
        _meta_row(ws, spec, lay)
    _header_row(ws, spec, lay)
    _data_rows(ws, spec, lay)
    _validations(ws, spec, lay)
    if lay.footer_row is not None:
        _footer(ws, spec, lay, n)
    # view and print setup
    ws.freeze_panes = f"A{lay.first_data_row}"
    ws.sheet_view.zoomScale = 100
    ws.print_options.horizontalCentered = True
    end_row = lay.footer_row or lay.last_data_row
    print_setup(ws, f"{lay.header_row}:{lay.header_row}", f"A1:{get_column_letter(n)}{end_row}", "zh",
                side_margin=MARGIN_IN)
    return ws


def _border() -> Any:
    from openpyxl.styles import Border, Side

    thin = Side(style="thin", color="000000")
    return Border(left=thin, right=thin, top=thin, bottom=thin)


def _title(ws: Any, spec: F.FormSpec, lay: SheetLayout, n: int) -> None:
    from openpyxl.styles import Alignment, Font

    t = ws.cell(lay.title_row, 1, spec.title)
    t.font = Font(name=_FONT, size=16, bold=True)
    t.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    ws.merge_cells(start_row=lay.title_row, start_column=1, end_row=lay.title_row, end_column=n)
    ws.row_dimensions[lay.title_row].height = 36


def _meta_row(ws: Any, spec: F.FormSpec, lay: SheetLayout) -> None:
    """Label cells, then an empty value cell (merged over the rest of its group) with a hint."""
    from openpyxl.styles import Alignment, Font
    from openpyxl.worksheet.datavalidation import DataValidation

    labels, values = _meta_groups(spec)
    for key, label in META_LABELS:
        a, end, b = labels[key]
        c = ws.cell(lay.meta_row, a, label)
        c.font = Font(name=_FONT, size=11)
        c.alignment = Alignment(horizontal="left", vertical="center", shrink_to_fit=True)
        if end > a:
            ws.merge_cells(start_row=lay.meta_row, start_column=a, end_row=lay.meta_row, end_column=end)
        vcol, vend = values[key]
        v = ws.cell(lay.meta_row, vcol)
        v.font = Font(name=_FONT, size=11)
        v.alignment = Alignment(horizontal="left", vertical="center")
        v.number_format = META_DATE_FORMAT if key == "date" else TEXT_FORMAT
        if key == "date":
            v.value = META_DATE_PLACEHOLDER
        if vend > vcol:
            ws.merge_cells(start_row=lay.meta_row, start_column=vcol, end_row=lay.meta_row, end_column=vend)
        title, prompt = META_HINTS[key]
        dv = DataValidation(allow_blank=True, showInputMessage=True, showErrorMessage=False,
                            promptTitle=title, prompt=prompt)
        dv.add(v.coordinate)
        ws.add_data_validation(dv)
    ws.row_dimensions[lay.meta_row].height = 24


def _header_row(ws: Any, spec: F.FormSpec, lay: SheetLayout) -> None:
    """Column titles, shaded and wrapped; column widths for paper; the row as tall as its longest title."""
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    header_fill = PatternFill("solid", fgColor="FFF2F2F2")
    border = _border()
    max_lines = 1
    for i, col in enumerate(spec.columns, start=1):
        c = ws.cell(lay.header_row, i, col.title)
        c.font = Font(name=_FONT, size=11, bold=True)
        c.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        c.border = border
        c.fill = header_fill
        ws.column_dimensions[get_column_letter(i)].width = paper_width(col)
        lines = math.ceil(_display_width(col.title) / max(paper_width(col) - 2, 1))  # cell padding
        max_lines = max(max_lines, lines)
    ws.row_dimensions[lay.header_row].height = 15 * max_lines + 8


def _cell_format(col: Any) -> str:
    if col.type in ("id", "cert", "name", "unit", "text", "enum", "sex"):
        return TEXT_FORMAT
    if col.type == "date":
        return DATE_FORMAT
    if col.type == "number":
        return "0.##"
    return "General"


def _data_rows(ws: Any, spec: F.FormSpec, lay: SheetLayout) -> None:
    """Pre-formatted data rows, tall enough to write in by hand; 序号 numbered down the blank rows."""
    from openpyxl.styles import Alignment, Font

    body_font = Font(name=_FONT, size=11)
    border = _border()
    row_height = data_row_height(spec)
    for r in range(lay.first_data_row, lay.last_data_row + 1):
        ws.row_dimensions[r].height = row_height
    for i, col in enumerate(spec.columns, start=1):
        fmt = _cell_format(col)
        horiz = "center" if col.type in ("seq", "sex", "enum", "date", "number") else "left"
        for r in range(lay.first_data_row, lay.last_data_row + 1):
            c = ws.cell(r, i)
            c.number_format = fmt
            c.border = border
            c.font = body_font
            c.alignment = Alignment(horizontal=horiz, vertical="center", wrap_text=col.type in ("text", "unit"))
            if col.type == "seq":
                c.value = r - lay.first_data_row + 1


def _validations(ws: Any, spec: F.FormSpec, lay: SheetLayout) -> None:
    """Data validations down each column's blank rows: drop-downs, hints, soft checks."""
    from openpyxl.utils import get_column_letter

    for i, col in enumerate(spec.columns, start=1):
        dv = _validation(col)
        if dv is None:
            continue
        letter = get_column_letter(i)
        dv.add(f"{letter}{lay.first_data_row}:{letter}{lay.last_data_row}")
        ws.add_data_validation(dv)


def _validation(col: Any) -> Any:
    """The data validation of one column, or None when it needs none."""
    from openpyxl.worksheet.datavalidation import DataValidation

    hint = _hint(col)
    kw: dict[str, Any] = {"allow_blank": True}
    if hint:
        kw.update(showInputMessage=True, promptTitle=col.title[:32], prompt=hint[:255])
    if col.enum:
        return DataValidation(type="list", formula1=_list_formula(col.enum), showDropDown=False,
                              showErrorMessage=True, errorStyle="stop", errorTitle="请从下拉列表选择",
                              error=("只能填写：" + " / ".join(col.enum))[:255], **kw)
    if col.choices:
        return DataValidation(type="list", formula1=_list_formula(col.choices), showDropDown=False,
                              showErrorMessage=False, **kw)
    if col.type == "id":
        return DataValidation(type="textLength", operator="equal", formula1="18", showErrorMessage=True,
                              errorStyle="warning", errorTitle="身份证号码位数",
                              error="身份证号码应为 18 位（最后一位可为 X）。请核对。", **kw)
    if col.type == "date":
        return DataValidation(type="date", operator="between", formula1="DATE(1950,1,1)",
                              formula2="DATE(2099,12,31)", showErrorMessage=True, errorStyle="warning",
                              errorTitle="日期", error="请填写有效日期，如 2024-06-03。", **kw)
    if col.type == "number":
        return DataValidation(type="decimal", operator="greaterThanOrEqual", formula1="0",
                              showErrorMessage=True, errorStyle="warning", errorTitle="数字",
                              error="请填写不小于 0 的数字。", **kw)
    if hint:
        return DataValidation(showErrorMessage=False, **kw)
    return None


def _footer(ws: Any, spec: F.FormSpec, lay: SheetLayout, n: int) -> None:
    from openpyxl.styles import Alignment, Font

    f = ws.cell(lay.footer_row, 1, spec.footer)
    f.font = Font(name=_FONT, size=11)
    f.alignment = Alignment(horizontal="left", vertical="center", wrap_text=True)
    ws.merge_cells(start_row=lay.footer_row, start_column=1, end_row=lay.footer_row, end_column=n)
    ws.row_dimensions[lay.footer_row].height = 24


def build_template(family: str, data_rows: Mapping[str, int] | None = None) -> Any:
    """The blank form of ``family`` as an openpyxl Workbook (one sheet per spec of the family).
    ``data_rows`` may ask for more pre-formatted rows per sheet kind than the default 30."""
    from openpyxl import Workbook

    _check_family(family)
    wb = Workbook()
    wb.remove(wb.active)
    for spec in F.specs_for_family(family):
        _build_sheet(wb, spec, max(DATA_ROWS, (data_rows or {}).get(spec.kind, 0)))
    wb.active = 0
    props = wb.properties
    props.creator = CREATOR
    props.lastModifiedBy = CREATOR
    props.created = FIXED_TIME
    props.modified = FIXED_TIME
    props.title = F.specs_for_family(family)[0].title
    return wb


def save_deterministic(wb: Any, path: str | Path) -> Path:
    """Save without the current time anywhere: openpyxl stamps ``modified`` and the zip entries with
    'now'; both are fixed here so the same workbook always gives the same bytes. Atomic replace."""
    from openpyxl.writer.excel import ExcelWriter

    modified = wb.properties.modified
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as archive:
        wb.properties.modified = modified
        ExcelWriter(wb, archive).save()
    out = io.BytesIO()
    with zipfile.ZipFile(buf) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            zi = zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0))
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.external_attr = 0o600 << 16
            dst.writestr(zi, src.read(info.filename))
    return _atomic_write(Path(path), out.getvalue())


def _atomic_write(p: Path, data: bytes) -> Path:
    return atomic_write_bytes(p, data)


def write_template(family: str, path: str | Path) -> Path:
    """Write the blank form of ``family`` to ``path`` (.xlsx)."""
    return save_deterministic(build_template(family), path)


def write_all(directory: str | Path, families: Iterable[str] = F.FAMILIES) -> list[Path]:
    """Write every blank form into ``directory`` under its fixed name (:data:`TEMPLATE_FILES`)."""
    d = Path(directory)
    d.mkdir(parents=True, exist_ok=True)
    return [write_template(f, d / TEMPLATE_FILES[f]) for f in families]


# ------------------------------------------------------------------------------------------ filling
def set_text(cell: Any, value: str) -> None:
    """Write text as a string cell, never as a formula (text may begin with = + - @)."""
    cell.value = value
    cell.data_type = "s"


def fill_template(
    family: str,
    rows: Mapping[str, Iterable[Mapping[str, Any]]] | Iterable[Mapping[str, Any]],
    meta: Mapping[str, Any] | None = None,
    path: str | Path | None = None,
    *,
    as_number: Iterable[str] = (),
    raw: bool = False,
) -> Any:
    """Type rows into a blank template the way a clerk would: each value into its pre-formatted cell.

    ``rows`` maps a sheet kind to its rows (dicts by column key), or is a plain list for a
    single-sheet family. ``meta`` has unit, reporter, phone, date (a date or typed text; omit a key
    to leave that cell blank). ``as_number`` names column keys whose digit strings are typed as
    numbers (a common mistake: an ID typed into a number cell). ``raw`` leaves 序号 empty where a row
    gives none (the blank form numbers its rows). Rows beyond the pre-formatted ones
    are pre-formatted too (the footer moves down). Returns the workbook; saves it when ``path`` is given.
    """
    specs = F.specs_for_family(family)
    if not isinstance(rows, Mapping):
        rows = {specs[0].kind: list(rows)}
    rows = {k: list(v) for k, v in rows.items()}
    counts = {k: len(v) for k, v in rows.items()}
    wb = build_template(family, counts)
    as_num = set(as_number)
    for spec in specs:
        lay = layout(spec, max(DATA_ROWS, counts.get(spec.kind, 0)))
        ws = wb[lay.sheet]
        if lay.meta_row is not None and meta is not None:
            for key, (r, c) in lay.meta_cells.items():
                v = meta.get(key)
                cell = ws.cell(r, c)
                if v is None:
                    if key == "date":
                        cell.value = None
                    continue
                if isinstance(v, str):
                    set_text(cell, v)
                else:
                    cell.value = v
        data = rows.get(spec.kind, [])
        for n, values in enumerate(data):
            r = lay.first_data_row + n
            for col in spec.columns:
                ci = lay.columns[col.key]
                v = values.get(col.key, n + 1 if col.key == "seq" and not raw else None)
                cell = ws.cell(r, ci)
                if v is None:
                    if col.key == "seq":
                        cell.value = None  # raw: no 序号 unless given (the blank form numbers its rows)
                    continue
                if col.key in as_num and isinstance(v, str) and v.isdigit():
                    v = float(v) if len(v) > 15 else int(v)  # what Excel keeps of a long number
                    cell.value = v
                    cell.number_format = "General"
                elif isinstance(v, (int, float)) and col.type in ("id", "cert"):
                    cell.value = v
                    cell.number_format = "General"
                elif isinstance(v, str):
                    set_text(cell, v)
                else:
                    cell.value = v
    if path is not None:
        save_deterministic(wb, path)
    return wb
