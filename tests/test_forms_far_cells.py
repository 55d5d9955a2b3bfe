"""A cell far outside a form's table: a space typed into XFD1048576 by accident (Ctrl+↓ Ctrl+→ and a
key pressed), a value left in a far corner.

python-calamine lays a sheet out from A1 to its farthest cell holding a value. Before certctl.sheet_extent
a space in XFD1048576 asked it for 17 billion cells and the process was killed (SIGABRT, a Rust
backtrace) with every other form of the run unreported; one in Z1048576 took over a GB. A blank far
cell is now an empty cell (the form reads as if it were not there); a value far out is refused with
the cell named."""

from __future__ import annotations

import json
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from openpyxl.utils import column_index_from_string

from certctl.reader import read_workbook
from certctl.sheet_extent import MAX_AREA, TRIM_AREA, declared_area

from fixtures.builders import annex_row, run
from test_corpus import clean_env
from test_unusual_forms import _rewrite_sheet, assert_clean, build

# validate in a process of its own, its address space bounded to 1 GiB as the corpus's bombs are
BOUNDED = """
import resource, sys
resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))
sys.argv = ["certctl", "validate", "--format", "json", *sys.argv[1:]]
from certctl.cli import main
main()
"""


def stray(path: Path, ref: str, value: object, fam: str = "annex1") -> Path:
    """A clean three-person form with ``value`` typed into ``ref`` (openpyxl declares the used range up
    to it, as Excel and WPS do)."""
    col = column_index_from_string(ref.rstrip("0123456789"))
    row = int(ref[len(ref.rstrip("0123456789")):])
    return build(path, fam, post=lambda wb, ws: ws.cell(row, col, value))


def _bounded(*paths: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", BOUNDED, *map(str, paths)], capture_output=True, text=True,
                          env=clean_env(), timeout=120)


@pytest.mark.parametrize("ref", ["Z1048576", "XFD20", "A1048576"])  # XFD1048576: in a process of its own, below
@pytest.mark.parametrize("value", [" ", "\u3000", "\u00a0 "], ids=["space", "ideographic-space", "nbsp"])
def test_a_space_far_outside_the_table_is_an_empty_cell(tmp_path, ref, value):
    path = stray(tmp_path / f"附件1-{ref}.xlsx", ref, value)
    with zipfile.ZipFile(path) as zf:  # the form says its used range reaches the far cell, as Excel's do
        assert declared_area(zf.read("xl/worksheets/sheet1.xml")[:4096]) > TRIM_AREA
    grid = read_workbook(path).sheets[0].rows  # the table, not a grid out to the far cell
    assert len(grid) <= 10 and max(map(len, grid)) == 9
    res = run(path)
    assert_clean(res, "annex1")
    assert [r.values["name"] for r in res.records()] == [annex_row("annex1", i)["name"] for i in range(3)]


def test_a_folder_with_a_space_in_xfd1048576_is_read_whole_in_bounded_memory(tmp_path):
    """The run that used to be killed (SIGABRT, the other forms unreported) under a 1 GiB bound."""
    good = build(tmp_path / "附件1-城管局.xlsx", "annex1")
    far = stray(tmp_path / "附件1-市场监管局.xlsx", "XFD1048576", " ", "annex1")
    p = _bounded(good, far)
    assert p.returncode == 0, p.stderr[-2000:]
    files = {Path(f["path"]).name: f for f in json.loads(p.stdout)["files"]}
    assert {n: (f["rows"], f["errors"]) for n, f in files.items()} == {good.name: (3, 0), far.name: (3, 0)}


def test_a_value_far_outside_the_table_is_refused_naming_its_cell(tmp_path):
    good = build(tmp_path / "附件1-城管局.xlsx", "annex1")
    far = stray(tmp_path / "附件1-市场监管局.xlsx", "XFD1048576", "x")
    p = _bounded(good, far)
    assert p.returncode == 2, p.stderr[-2000:]  # 2: a file could not be read; the other one still was
    files = {Path(f["path"]).name: f for f in json.loads(p.stdout)["files"]}
    assert (files[good.name]["rows"], files[good.name]["errors"]) == (3, 0)
    (f,) = files[far.name]["findings"]
    assert f["code"] == "F001"
    assert f["message"] == ("文件无法读取：工作表“Sheet1”的单元格 XFD1048576 有内容，远在表格之外（使用范围达 1,048,576 行"
                            " × 16,384 列），无法读取；请删除该单元格内容（Ctrl+End 可跳到该处）后保存再报送")


def test_the_refusal_in_english(tmp_path):
    far = stray(tmp_path / "f.xlsx", "XFD1048576", "备注")
    p = _bounded("--lang", "en", far)
    assert p.returncode == 2, p.stderr[-2000:]
    (f,) = json.loads(p.stdout)["files"][0]["findings"]
    assert f["message"] == ("File cannot be read: sheet 'Sheet1': XFD1048576 has a value far outside the table "
                            "(1,048,576 × 16,384 cells); delete it (Ctrl+End), resend")


def test_values_far_apart_name_both_far_cells(tmp_path):
    def two(wb, ws):
        ws.cell(1048576, 1, "以下空白")
        ws.cell(3, 16384, "x")
    p = _bounded(build(tmp_path / "f.xlsx", "annex1", post=two))
    (f,) = json.loads(p.stdout)["files"][0]["findings"]
    assert f["code"] == "F001" and "的单元格 XFD3、A1048576 有内容" in f["message"]


def test_a_wps_inline_space_far_out(tmp_path):
    """WPS writes text inline (t="inlineStr"), not as a shared string."""
    base = stray(tmp_path / "base.xlsx", "XFD1048576", "以下空白")

    def inline_blank(s: str) -> str:
        i = s.index('<c r="XFD1048576"')
        j = s.index("</c>", i) + 4
        return s[:i] + '<c r="XFD1048576" t="inlineStr"><is><t xml:space="preserve">  </t></is></c>' + s[j:]

    p = _bounded(_rewrite_sheet(base, tmp_path / "wps.xlsx", inline_blank))
    assert p.returncode == 0, p.stderr[-2000:]
    f = json.loads(p.stdout)["files"][0]
    assert (f["rows"], f["errors"]) == (3, 0)


def test_a_big_form_declaring_its_own_range_is_not_rewritten(tmp_path, monkeypatch):
    """The usual form (its used range is its table) costs 4 KB of its sheet: nothing is looked at."""
    import certctl.sheet_extent as X

    def never(*a, **k):
        raise AssertionError("a form without far cells was scanned")

    monkeypatch.setattr(X, "value_extent", never)
    rows = [annex_row("annex1", i) for i in range(3000)]
    res = run(build(tmp_path / "big.xlsx", "annex1", rows=rows))
    assert res.sheets[0].record_count == 3000
    assert MAX_AREA > TRIM_AREA
