"""A sheet never holds more than 1,048,576 rows (SPEC 5): a longer table continues on 证件台账(2) …

The first test writes a real table one row longer than a sheet holds (streamed from a generator, as the
ledger's rows are) and opens every sheet with openpyxl and python-calamine; it takes ~20-40 s on this
machine (``-m "not slow"`` leaves it out). The others make the limit small to check the merge itself:
the summary, the clerk's columns carried across sheets, and the note of what was written.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import zipfile
from pathlib import Path

import openpyxl
import pytest
from python_calamine import CalamineWorkbook
from typer.testing import CliRunner

from certctl import ledger_xlsx
from certctl.cli import app
from certctl.ledger_xlsx import MAX_ROWS, sheet_parts, write_sheets
from certctl.samples import write_form
from test_merge import AS_OF, A, P, a1, meta


def _sheet_xml(path: Path) -> dict[str, str]:
    """Each sheet's name -> the start and end of its XML (views, dimension, autofilter)."""
    with zipfile.ZipFile(path) as z:
        wb = z.read("xl/workbook.xml").decode()
        names = re.findall(r'<sheet name="([^"]+)"', wb)
        out = {}
        for i, name in enumerate(names, 1):
            with z.open(f"xl/worksheets/sheet{i}.xml") as fh:
                head = fh.read(4000).decode("utf-8", "ignore")
            info = z.getinfo(f"xl/worksheets/sheet{i}.xml")
            with z.open(info) as fh:  # the tail: autoFilter after sheetData
                fh.seek(max(0, info.file_size - 4000))
                tail = fh.read().decode("utf-8", "ignore")
            out[name] = head + tail
        return out


def test_sheet_parts() -> None:
    assert sheet_parts("证件台账", 1_048_575) == [("证件台账", 1_048_575)]
    assert sheet_parts("证件台账", 1_048_576) == [("证件台账", 1_048_575), ("证件台账(2)", 1)]
    assert sheet_parts("变动记录", 2_500_000) == [("变动记录", 1_048_575), ("变动记录(2)", 1_048_575),
                                               ("变动记录(3)", 402_850)]
    assert sheet_parts("x", 0) == [("x", 0)]


@pytest.mark.slow
def test_a_table_longer_than_a_sheet_is_split_and_every_sheet_opens(tmp_path: Path) -> None:
    n = MAX_ROWS + 1  # header excluded: the first sheet takes 1,048,575, the second 2
    day = dt.date(2024, 6, 3)
    rows = ledger_xlsx.Rows(lambda: ([f"QD{i:07d}", day, i] for i in range(n)), n)
    out = tmp_path / "big.xlsx"
    write_sheets(out, [("证件台账", ["证件号码", "日期", "序号"], rows, {0}, None),
                       ("单位汇总", ["单位", "持证人数"], [["A", 1]], set(), None)], "t")
    names = ["证件台账", "证件台账(2)", "单位汇总"]
    xml = _sheet_xml(out)
    assert list(xml) == names
    for name, last in (("证件台账", MAX_ROWS), ("证件台账(2)", 3), ("单位汇总", 2)):
        assert 'state="frozen"' in xml[name] and 'ySplit="1"' in xml[name]  # the header stays in view
        assert f'<autoFilter ref="A1:{"C" if name != "单位汇总" else "B"}{last}"/>' in xml[name]
    # python-calamine reads every row of every sheet
    wb = CalamineWorkbook.from_path(str(out))
    assert wb.sheet_names == names
    first = wb.get_sheet_by_name("证件台账").to_python()
    assert len(first) == MAX_ROWS and first[0] == ["证件号码", "日期", "序号"]
    assert first[1] == ["QD0000000", day, 0.0] and first[-1][0] == f"QD{MAX_ROWS - 2:07d}"
    second = wb.get_sheet_by_name("证件台账(2)").to_python()
    assert second == [["证件号码", "日期", "序号"], [f"QD{n - 2:07d}", day, float(n - 2)],
                      [f"QD{n - 1:07d}", day, float(n - 1)]]
    del first
    wb.close()
    # openpyxl (read-only) opens the workbook, sees each sheet's size and reads the continuation
    wb = openpyxl.load_workbook(out, read_only=True)
    try:
        assert wb.sheetnames == names
        assert wb["证件台账"].max_row == MAX_ROWS and wb["证件台账(2)"].max_row == 3
        assert [c.value for c in next(wb["证件台账"].iter_rows(max_row=1))] == ["证件号码", "日期", "序号"]
        got = [list(r) for r in wb["证件台账(2)"].iter_rows(values_only=True)]
        assert got[0] == ["证件号码", "日期", "序号"] and got[2][0] == f"QD{n - 1:07d}"
        assert wb["单位汇总"].max_row == 2
    finally:
        wb.close()


def _forms(root: Path) -> Path:
    rows = [a1(P[i], f"QD{i:04d}") for i in range(1, 8)]
    write_form(root / "a.xlsx", "annex1", rows, meta(A))
    return root


def test_merge_splits_the_ledger_says_so_and_carries_notes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ledger_xlsx, "MAX_ROWS", 4)  # 3 rows a sheet below the header
    forms, out = _forms(tmp_path / "f"), tmp_path / "台账.xlsx"
    res = CliRunner().invoke(app, ["merge", str(forms), "-o", str(out), "--as-of", AS_OF])
    assert res.exit_code == 0, res.output
    assert "证件台账（7 行）分在 证件台账、证件台账(2)、证件台账(3) 3 个工作表中" in res.output
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames[:3] == ["证件台账", "证件台账(2)", "证件台账(3)"]
    heads = [[c.value for c in wb[s][1]] for s in wb.sheetnames[:3]]
    assert heads[0] == heads[1] == heads[2] and heads[0][-1] == "处理情况"
    for s in wb.sheetnames[:3]:
        assert wb[s].freeze_panes == "A2" and wb[s].auto_filter.ref.startswith("A1:")
    certs = [r[0] for s in wb.sheetnames[:3] for r in wb[s].iter_rows(min_row=2, values_only=True)]
    assert sorted(certs) == [f"QD{i:04d}" for i in range(1, 8)]
    # a note on the third sheet is carried by certificate into the next merge; nothing copied aside
    ws = wb["证件台账(3)"]
    note_col = heads[0].index("处理情况") + 1
    ws.cell(2, note_col, "已催办")
    noted = ws.cell(2, 1).value
    wb.save(out)
    write_form(forms / "b.xlsx", "annex1", [a1(P[9], "QD0009")], meta(A))
    res = CliRunner().invoke(app, ["merge", str(forms), "-o", str(out), "--as-of", AS_OF, "-f", "json"])
    assert res.exit_code == 0, res.output
    doc = json.loads(res.output)
    assert doc["backup"] is None and doc["split_sheets"][0]["sheets"] == ["证件台账", "证件台账(2)", "证件台账(3)"]
    wb = openpyxl.load_workbook(out, read_only=True)
    notes = {r[0]: r[note_col - 1] for s in wb.sheetnames if s.startswith("证件台账")
             for r in wb[s].iter_rows(min_row=2, values_only=True)}
    assert notes[noted] == "已催办" and sum(1 for v in notes.values() if v) == 1 and len(notes) == 8
    assert not list(tmp_path.glob("*.bak.xlsx"))


def test_an_edit_on_a_continuation_sheet_is_seen(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ledger_xlsx, "MAX_ROWS", 4)
    forms, out = _forms(tmp_path / "f"), tmp_path / "台账.xlsx"
    assert CliRunner().invoke(app, ["merge", str(forms), "-o", str(out), "--as-of", AS_OF]).exit_code == 0
    wb = openpyxl.load_workbook(out)
    wb["变动记录(2)"].cell(2, 4, "改过的名字")  # certctl's sheet, edited on its second part
    wb.save(out)
    res = CliRunner().invoke(app, ["merge", str(forms), "-o", str(out), "--as-of", AS_OF, "--no-cache"])
    assert res.exit_code == 0, res.output
    assert "改动了工作表 变动记录" in res.output and len(list(tmp_path.glob("台账.*.bak.xlsx"))) == 1


def _split_ledger(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path, object, int]:
    """A ledger merged in parts of 3 rows (forms, ledger, the ledger opened in openpyxl, 处理情况's column)."""
    monkeypatch.setattr(ledger_xlsx, "MAX_ROWS", 4)
    forms, out = _forms(tmp_path / "f"), tmp_path / "台账.xlsx"
    assert CliRunner().invoke(app, ["merge", str(forms), "-o", str(out), "--as-of", AS_OF]).exit_code == 0
    wb = openpyxl.load_workbook(out)
    return forms, out, wb, [c.value for c in wb["证件台账"][1]].index("处理情况") + 1


def test_a_title_row_inserted_above_a_continuation_sheets_header_keeps_its_notes(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A clerk prints 证件台账(2) and inserts a title above its header, as on 证件台账 (ledger_edits.HEADER_ROWS):
    its header was read as a row of certificate '证件号码', its notes after a shifted column were lost."""
    forms, out, wb, note_col = _split_ledger(tmp_path, monkeypatch)
    ws = wb["证件台账(2)"]
    noted = {ws.cell(2, 1).value: "已催办", ws.cell(3, 1).value: "已收回"}
    ws.cell(2, note_col, "已催办")
    ws.cell(3, note_col, "已收回")
    ws.insert_rows(1)
    ws.cell(1, 1, "证件台账（续）——打印用")
    wb.save(out)
    res = CliRunner().invoke(app, ["merge", str(forms), "-o", str(out), "--as-of", AS_OF, "--no-cache"])
    assert res.exit_code == 0, res.output
    assert "在 证件台账(2) 的表头上方插入了 1 行（“证件台账（续）——打印用”），新台账中没有" in res.output, res.output
    assert "证件号码 不是" not in res.output and "已不在台账中" not in res.output, res.output  # the header is no row
    assert "改动了" not in res.output and "删除了" not in res.output, res.output
    wb = openpyxl.load_workbook(out, read_only=True)
    notes = {r[0]: r[note_col - 1] for s in wb.sheetnames if s.startswith("证件台账")
             for r in wb[s].iter_rows(min_row=2, values_only=True) if r[note_col - 1]}
    assert notes == noted
    assert len(list(tmp_path.glob("台账.*.bak.xlsx"))) == 1  # the title row kept in the copy aside


def test_a_column_the_clerk_inserted_on_the_first_sheet_only_does_not_shift_the_continuations_notes(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A column of the clerk's inserted in the middle of 证件台账 but not of 证件台账(2): the continuation's
    notes are read by its own titles, not by the first sheet's."""
    forms, out, wb, note_col = _split_ledger(tmp_path, monkeypatch)
    cont = wb["证件台账(2)"]
    cont.cell(2, note_col, "已催办")
    noted = cont.cell(2, 1).value
    first = wb["证件台账"]
    first.insert_cols(3)
    first.cell(1, 3, "联系电话")
    first.cell(2, 3, "0513-1234")
    phone_of = first.cell(2, 1).value
    wb.save(out)
    res = CliRunner().invoke(app, ["merge", str(forms), "-o", str(out), "--as-of", AS_OF, "--no-cache"])
    assert res.exit_code == 0, res.output
    assert "改动了" not in res.output and "不是 certctl 写出的" not in res.output, res.output
    wb = openpyxl.load_workbook(out, read_only=True)
    rows = [list(r) for s in wb.sheetnames if s.startswith("证件台账") for r in wb[s].iter_rows(values_only=True)]
    head = rows[0]
    by_cert = {r[0]: r for r in rows[1:] if r[0] != head[0]}
    assert by_cert[noted][head.index("处理情况")] == "已催办"
    assert by_cert[phone_of][head.index("联系电话")] == "0513-1234"
    assert sum(1 for r in by_cert.values() if r[head.index("处理情况")]) == 1
    assert not list(tmp_path.glob("台账.*.bak.xlsx"))
