"""One form through the pipeline: read -> locate header -> metadata -> data rows -> convert columns
-> row rules -> form rules -> findings. docs/architecture.md walks a form through these steps."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Sequence

from .. import forms as F
from .. import rules as R
from ..findings import Finding
from ..gcpause import gc_paused
from ..marks import kind_label
from ..normalize import cell_text, compact
from ..reader import ReadError, SheetData, WorkbookData, read_workbook
from .body import Body, Rows, blank, data_rows, rows_naming, spread_merged
from .columns import IdColumns, convert_column
from .context import FileCheck
from .convert import FormFacts
from .errorcells import is_error_value, restore_error_cells
from .header import Header, header_at, locate_header
from .metadata import fill_from_footer, parse_metadata
from .options import Options
from .results import FormResult, SheetResult
from .rules import annex, check_rows, deadline, form, survey
from .table import ID_KEYS, Table


def validate_file(path: str | Path, opts: Options | None = None, *, data: bytes | None = None) -> FormResult:
    """Validate one file. Never raises for bad input: an unreadable file gives a result with
    ``read_error`` set and one F001/F006 finding. ``data``: the file's bytes, already read (the file
    is then not opened; see certctl.reader.read_workbook)."""
    opts = opts or Options()
    with gc_paused():  # millions of objects, no cycles (certctl/gcpause.py)
        return _read_and_validate(path, opts, data)  # the grid is freed before the collector is back


def _read_and_validate(path: str | Path, opts: Options, data: bytes | None) -> FormResult:
    try:
        wb = read_workbook(path, data, error_cells=True)  # the sheets' XML read once (errorcells)
    except ReadError as e:
        res = FormResult(str(path), read_error=e)
        res.findings = [Finding(e.code, str(path), params={"reason": e.reason(opts.lang)})]
        return res
    if wb.format == "xlsx":
        restore_error_cells(wb)
    return validate_workbook(wb, opts)


def validate_workbook(wb: WorkbookData, opts: Options | None = None) -> FormResult:
    """Validate a workbook already read (see validate_file)."""
    opts = opts or Options()
    check = FileCheck(wb.path, opts)
    result = FormResult(wb.path, sha256=wb.sha256, format=wb.format)
    if wb.mark:  # a ledger, report or annotated copy certctl wrote: not a form (certctl.marks)
        result.output, result.family = wb.mark, ""
        result.findings = [Finding("F008", wb.path, params={"kind": kind_label(wb.mark, opts.lang)})]
        return result
    located = locate_forms(wb, opts)
    located, examples = _without_examples(located)
    if not located:
        form.no_form(check, opts.form, len(wb.sheets))
        result.findings = check.findings
        return result
    families = list(dict.fromkeys(h.spec.family for _, h in located))
    result.family = families[0] if len(families) == 1 else "+".join(families)
    meta_sheet = read_metadata(located, result)
    check.meta = result.meta
    result.sheets = [check_sheet(check, sheet, hdr) for sheet, hdr in located]
    for (sheet, _), done in zip(located, result.sheets):
        if sheet.hidden and done.record_count:  # read, not dropped (rows would be lost), but said (issue 12)
            check.add("F009", sheet.name, name=sheet.name, rows=done.record_count)
        elif sheet.hidden_rows and done.record_count:
            hidden_rows(check, sheet.hidden_rows, done)
    for sheet, hdr in examples:  # 填表示例 beside the form: not data (its example person is nobody)
        rows = sum(1 for r in sheet.rows[hdr.row + hdr.nrows:] if any(v not in (None, "") for v in r))
        check.add("F012", sheet.name, name=sheet.name, rows=rows)
    if any(h.spec.metadata for _, h in located):
        form.metadata_complete(check, result.meta, meta_sheet)
    check_form(check, result)
    if result.rows == 0:
        check.add("F005", located[0][0].name)
    result.findings = sorted(check.findings, key=Finding.sort_key)
    return result


def hidden_rows(check: FileCheck, hidden: frozenset[int], done: SheetResult) -> None:
    """F013: people on rows hidden in Excel/WPS (by hand, or by a filter left on) — read like the others
    (dropping them could lose a person the unit meant to report), and said, since the clerk who opens
    the file does not see them and counts fewer people than certctl does."""
    rows = done.table.rows if done.table is not None else [r.row for r in done.records]
    shown = [r for r in rows if r - 1 in hidden]
    if shown:
        check.add("F013", done.sheet, shown[0], min(done.colmap.values()), count=len(shown), lines=_lines(shown, "、", "—"),
                  lines_en=_lines(shown, ", ", "-"))


def _lines(rows: list[int], sep: str, dash: str) -> str:
    """5、7—9、12: Excel row numbers, runs joined (at most eight parts shown)."""
    runs: list[list[int]] = []
    for r in rows:
        if runs and r == runs[-1][-1] + 1:
            runs[-1].append(r)
        else:
            runs.append([r])
    parts = [f"{run[0]}" if len(run) == 1 else f"{run[0]}{dash}{run[-1]}" for run in runs]
    return sep.join(parts[:8]) + ("…" if len(parts) > 8 else "")


def locate_forms(wb: WorkbookData, opts: Options) -> list[tuple[SheetData, Header]]:
    """Every sheet with a recognised header (a unit may continue a long list on a second sheet,
    第2页: dropping it would lose rows), kinds in catalogue order, sheets in workbook order."""
    specs = F.specs_for_family(opts.form) if opts.form else F.SPECS
    located = [pair for sheet in wb.sheets if (hdr := locate_header(sheet, specs)) is not None
               for pair in stacked_tables(sheet, hdr, specs)]
    order = {s.kind: i for i, s in enumerate(F.SPECS)}
    return [pair for _, pair in sorted(enumerate(located), key=lambda ip: (order[ip[1][1].spec.kind], ip[0]))]


def stacked_tables(sheet: SheetData, hdr: Header, specs: Sequence[F.FormSpec],
                   above_too: bool = True) -> list[tuple[SheetData, Header]]:
    """The tables of one sheet, top to bottom: the one whose header scored best, and the tables of other
    forms stacked above or below it (a unit pastes the notice's annexes one under another, 启依法办发〔2020〕15号
    附件1—4, and fills in one or two). A table above ends where the next begins: it is read from a copy of the
    sheet cut there (the cells are the same; nothing is written). The header of a table of the same
    form again below (a page's header printed again) is no other table."""
    above: list[tuple[SheetData, Header]] = []
    if above_too and hdr.row > 0:
        top = _cut(sheet, hdr.row)
        up = locate_header(top, specs)
        if up is not None and up.spec.kind != hdr.spec.kind:
            above = stacked_tables(top, up, specs)
    below = _next_table(sheet, hdr, specs)
    if below is None:
        return [*above, (sheet, hdr)]
    return [*above, (_cut(sheet, below.row - _title_rows(sheet, below.row)), hdr),
            *stacked_tables(sheet, below, specs, above_too=False)]


def _next_table(sheet: SheetData, hdr: Header, specs: Sequence[F.FormSpec]) -> Header | None:
    """The header of another form's table below ``hdr``'s: looked for on the rows whose cell under
    姓名 or 身份证号码 names that column again (the four annexes and the survey share them)."""
    first = hdr.row + hdr.nrows
    for key in ("name", "id"):
        c = hdr.colmap.get(key)
        if c is None:
            continue
        column = [row[c] if c < len(row) else "" for row in sheet.rows[first:]]
        for i in sorted(rows_naming(column, hdr.spec, key)):
            h = header_at(sheet, first + i, specs)
            if h is not None and h.spec.kind != hdr.spec.kind:
                return h
    return None


def _title_rows(sheet: SheetData, r: int) -> int:
    """The title and metadata rows right above a stacked table's header at row ``r`` (附件2：, the form's
    title, 填报单位…): rows of one filled cell, or of the metadata labels; they belong to that table."""
    k = 0
    while r - k - 1 >= 0:
        row = sheet.rows[r - k - 1]
        cells = [v for v in row if not blank(v)]
        if len(cells) > 1 and not any("填报" in cell_text(v) for v in cells):
            break
        if not cells and k:  # blank rows between the title and the table above: keep looking up once
            break
        k += 1
    return k


def _cut(sheet: SheetData, end: int) -> SheetData:
    """A copy of ``sheet`` holding its rows above row ``end`` (0-based) only: the same row lists,
    merged ranges cut at it."""
    merged = [(r1, c1, min(r2, end - 1), c2) for r1, c1, r2, c2 in sheet.merged if r1 < end]
    return dataclasses.replace(sheet, rows=sheet.rows[:end], merged=merged)


EXAMPLE_SHEET_WORDS = ("示例", "样例", "范例", "例表", "填表说明", "填写说明", "填报说明")


def _without_examples(located: list[tuple[SheetData, Header]]) -> tuple[list, list]:
    """(the located sheets that hold data, the example sheets beside them): a sheet whose name says it
    is an example or the instructions (填表示例, 填表说明…) is left out when another sheet holds the form —
    never when it is the only one (a form sent on its template's 示例 sheet is still read)."""
    examples = [pair for pair in located if any(w in compact(pair[0].name) for w in EXAMPLE_SHEET_WORDS)]
    if not examples or len(examples) == len(located):
        return located, []
    skip = {id(sheet) for sheet, _ in examples}
    return [pair for pair in located if id(pair[0]) not in skip], examples


def read_metadata(located: list[tuple[SheetData, Header]], result: FormResult) -> str:
    """The metadata line from the first sheet that has one above its header (a survey's 单位 sheet
    may carry the line its 人员 sheet lacks). Returns the name of the sheet it came from."""
    for sheet, hdr in located:
        meta = parse_metadata(sheet.rows, hdr.row, sheet.merged)
        fill_from_footer(meta, sheet.rows, hdr.row + hdr.nrows, sheet.merged)
        if meta.found:
            result.meta = meta
            return sheet.name
    return located[0][0].name


def check_sheet(check: FileCheck, sheet: SheetData, hdr: Header) -> SheetResult:
    """Type every data row of a located sheet and apply the cell and row rules."""
    spec = hdr.spec
    first = hdr.row + hdr.nrows  # index of the first row below the header
    res = SheetResult(sheet.name, spec, first, hdr.nrows, dict(hdr.colmap))
    form.columns_in_header(check, sheet.name, hdr)
    cols = [(c, hdr.colmap[c.key]) for c in spec.columns if c.key in hdr.colmap]
    merged_down: dict[int, set[int]] = {}
    spread_merged(sheet.rows, sheet.merged, first, merged_down)
    below = sheet.rows[first:]
    if not below:
        return res
    body = Body(spec, tuple((c.key, ci) for c, ci in cols), tuple(ci for c, ci in cols if c.type != "seq"),
                hdr.colmap.get("id"), hdr.colmap.get("remark"), hdr.colmap.get("seq"),
                {r - first: frozenset(cs) for r, cs in merged_down.items()})
    columns = transpose(below, max(ci for _, ci in cols) + 1)
    found = data_rows(below, columns, body)
    keep, res.skipped = found.keep, found.skipped
    if found.continued or found.orphans:
        columns = continue_remarks(check, sheet.name, first, below, columns, body, found)
    if not keep:
        return res
    columns = [_pick(column, keep) for column in columns]
    res.table = Table(check, spec, sheet.name, hdr.colmap, [first + i + 1 for i in keep],
                      {c.key: columns[ci] for c, ci in cols})
    convert_table(res.table, cols)
    check_rows(res.table)
    return res


def continue_remarks(check: FileCheck, sheet: str, first: int, below: Sequence[Sequence[object]],
                     columns: list[Sequence[object]], body: Body, found: Rows) -> list[Sequence[object]]:
    """Each row of 备注 alone appended to the 备注 of the data row it continues (a text merged down
    from that row's cell is already there) and said (F010, info); a row of 备注 alone below no data
    row said with its text (F011, info). Returns ``columns`` with the 备注 column so completed."""
    rc = body.remark_col
    assert rc is not None
    remarks = list(columns[rc])

    def own(i: int) -> str:
        v = below[i][rc] if rc < len(below[i]) else ""
        return "" if blank(v) or rc in body.spread.get(i, ()) else cell_text(v).strip()

    for i, head in found.continued:
        if is_error_value(text := own(i)):  # a broken formula: nothing to append, and said as such
            check.add("F007", sheet, first + i + 1, rc, "备注", text, severity=R.WARNING)
            continue
        if text:
            remarks[head] = (cell_text(remarks[head]) if not blank(remarks[head]) else "") + text
            said = {"what": f"只填了备注“{text}”", "what_en": f"has only 备注 '{text}'",
                    "part": "的备注", "part_en": "'s 备注"}
        elif all(blank(below[i][ci]) for ci in body.data_cols if ci != rc and ci < len(below[i])):
            said = {"what": "只有与上方合并的备注单元格", "what_en": "has only a 备注 cell merged down from above",
                    "part": "的备注", "part_en": "'s 备注"}
        else:  # every cell merged down from above: nothing of its own to add
            said = {"what": "的内容都在与上方合并的单元格中", "what_en": "holds only cells merged down from above",
                    "part": "", "part_en": ""}
        check.add("F010", sheet, first + i + 1, rc, "备注", text or None, line=first + i + 1, prev=first + head + 1,
                  **said)
    for i in found.orphans:
        if is_error_value(text := own(i)):
            check.add("F007", sheet, first + i + 1, rc, "备注", text, severity=R.WARNING)
        elif text:  # (a row of merged cells alone, below no person, holds nothing: a blank row)
            check.add("F011", sheet, first + i + 1, rc, "备注", text, line=first + i + 1, text=text)
    columns[rc] = remarks
    return columns


def transpose(rows: Sequence[Sequence[object]], width: int) -> list[Sequence[object]]:
    """The first ``width`` columns of ``rows``, column by column (short rows padded with "")."""
    if min(map(len, rows)) >= width:
        return list(zip(*rows))[:width]
    return [[row[c] if c < len(row) else "" for row in rows] for c in range(width)]


def _pick(column: Sequence[object], keep: list[int]) -> Sequence[object]:
    """The data rows of a column (``keep`` ascending: usually one run of rows, a slice)."""
    if keep[-1] - keep[0] + 1 == len(keep):
        return column[keep[0]:keep[-1] + 1]
    return [column[i] for i in keep]


def convert_table(t: Table, cols: list[tuple[F.Column, int]]) -> None:
    """Each column but 序号 converted (columns.py); every problem in a cell flagged at that cell."""
    facts = FormFacts(t.check.meta.date, t.check.lang)
    for col, ci in cols:
        if col.type == "seq":  # only its text is kept (Record.raw)
            continue
        values, problems = convert_column(t.raw[col.key], col, facts)
        if isinstance(values, IdColumns):
            t.ids = values
            t.values.update(zip(ID_KEYS, (values.ids, values.ok, values.birth, values.male)))
        else:
            t.values["name" if col.type == "name" else col.key] = values
        for k, found in problems.items():
            for p in found:
                t.flag(p.code, k, ci, col.title, p.value, sensitive=p.sensitive, severity=p.severity, **p.params)


def check_form(check: FileCheck, result: FormResult) -> None:
    """The rules about whole sheets: reminders, the deadline not checkable, the survey's unit quotas."""
    for s in result.sheets:
        annex.reminders(check, s.sheet, s.spec.kind, s.spec.checks, s.record_count)
        deadline.not_checkable(check, s.sheet, s.spec.kind, s.colmap, s.record_count)
        if s.spec.kind == "survey_units" and s.table is not None and result.sheet_of("survey_people"):
            people = [p.table for p in result.sheets if p.spec.kind == "survey_people" and p.table is not None]
            survey.unit_quota(check, people, s.table)
