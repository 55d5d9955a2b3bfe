"""Submissions as they really arrive (issue 12): merged data cells, headers pasted over three rows,
forms with nothing to report, file names in undecodable bytes, certctl's own outputs among the forms,
.ods files, and corrected resubmissions. Every case is a real workbook built the way it was found."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pytest

from certctl.annotate import annotate_result
from certctl.ledger import build_ledger
from certctl.validate import Options, validate_file
from certctl.workspace import load_workspace

from fixtures.builders import annex_row, build, codes

AS_OF = dt.date(2024, 6, 6)


def _merge_down(path: Path, cols: str, first: int, last: int, out: Path) -> Path:
    """Merge each of ``cols`` over rows first..last, as a unit does for one unit / one date."""
    wb = openpyxl.load_workbook(path)
    ws = wb.active
    for col in cols:
        for r in range(first + 1, last + 1):
            ws[f"{col}{r}"] = None
        ws.merge_cells(f"{col}{first}:{col}{last}")
    wb.save(out)
    return out


# ------------------------------------------------------------------------------ 1. merged data cells
def test_merged_data_cells_fill_every_row_they_cover(tmp_path: Path) -> None:
    (tmp_path / "src").mkdir()
    src = build(tmp_path / "src", "annex1", [annex_row("annex1", n) for n in range(4)])
    forms = tmp_path / "forms"
    forms.mkdir()
    p = _merge_down(src, "CGH", 4, 7, forms / "附件1.xlsx")
    assert {"C4:C7", "G4:G7", "H4:H7"} <= {str(m) for m in openpyxl.load_workbook(p).active.merged_cells.ranges}
    res = validate_file(p)
    assert res.errors == 0 and codes(res) == [], codes(res)
    assert res.rows == 4
    led = build_ledger(load_workspace(forms, Options()), None, AS_OF)
    assert len(led.accounts) == 4
    assert {a.unit for a in led.accounts} == {"启东市城市管理局"}
    (fs,) = led.files
    assert (fs.rows_read, fs.rows_merged, fs.rows_rejected) == (4, 4, 0)


def test_a_bad_value_in_a_merged_range_is_marked_on_the_range(tmp_path: Path) -> None:
    rows = [annex_row("annex1", n, action="录入") for n in range(4)]  # not one of 录入归集/注销/修改
    (tmp_path / "src").mkdir()
    src = build(tmp_path / "src", "annex1", rows)
    p = _merge_down(src, "G", 4, 7, tmp_path / "附件1.xlsx")
    res = validate_file(p)
    bad = [f for f in res.findings if f.col == 6]
    assert [f.row for f in bad] == [4, 5, 6, 7]  # every holder the range covers
    out = annotate_result(res, tmp_path / "out.xlsx")
    ws = openpyxl.load_workbook(out)["附件1"]
    assert "G4:G7" in {str(m) for m in ws.merged_cells.ranges}
    assert ws["G4"].comment is not None and ws["G4"].fill.fgColor.rgb.endswith("9999")
