"""Two or more annexes on one sheet, one under another — as a unit gets them by pasting the notice's
annexes (启依法办发〔2020〕15号 附件1—4 are printed one after another) into one sheet and filling in the
one or two it needs.

Before, one header per sheet was read — the one with the most columns. The tables above it were lost
without a word (the whole notice pasted with annex 1 filled in read as “附件3 换证表，0 行 — 表格中没有任何数据行”,
exit 0, and merge 读取 0 行); a table below it was read as more rows of it, column for column (an annex 2
row under annex 3: “性别”的值“启东市城市管理局”不在规定选项中, “执法种类”为必填项). Each table is now read as
its own form."""

from __future__ import annotations

from pathlib import Path

import openpyxl
from openpyxl import Workbook
from typer.testing import CliRunner

from certctl.cli import app

from fixtures.builders import annex_row, run
from test_unusual_forms import META, SPECS, build

ANNEXES = ("annex1", "annex2", "annex3", "annex4")
REMINDERS = {"A201", "A301", "A402", "T003"}


def notice_pasted(path: Path, filled: dict[str, int], n0: int = 0, meta_each: bool = True) -> Path:
    """The four annexes as the notice prints them (附件N：, title, metadata line, header, footer), one
    under another on one sheet; the ``filled`` ones have that many people."""
    wb = Workbook()
    ws = wb.active
    r = 1
    for k, fam in enumerate(ANNEXES, 1):
        spec = SPECS[fam]
        ws.cell(r, 1, f"附件{k}：")
        ws.cell(r + 1, 1, spec.title)
        r += 2
        if meta_each or k == 1:
            for i, t in enumerate(META):
                ws.cell(r, 1 + 2 * i, t)
            r += 1
        cols = [c for c in spec.columns if not c.optional or c.key == "seq"]
        for i, c in enumerate(cols, 1):
            ws.cell(r, i, c.title)
        r += 1
        for n in range(filled.get(fam, 0)):
            row = annex_row(fam, n0 + 10 * k + n)
            for i, c in enumerate(cols, 1):
                ws.cell(r, i, row.get(c.key, n + 1))
            r += 1
        if spec.footer:
            ws.cell(r, 1, spec.footer)
            r += 1
        r += 2
    wb.save(path)
    return path


def people(res) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for rec in res.records():
        out.setdefault(rec.kind, []).append(rec.values["name"])
    return out


def above_info(res) -> list[tuple[str, str | None]]:
    return [(f.code, f.cell) for f in res.findings if f.severity != "info" or f.code not in REMINDERS]


def test_the_notice_pasted_whole_with_annex1_filled_in_reads_annex1(tmp_path):
    res = run(notice_pasted(tmp_path / "f.xlsx", {"annex1": 3}))
    assert people(res) == {"annex1": [annex_row("annex1", 10 + n)["name"] for n in range(3)]}
    assert above_info(res) == []
    assert (res.meta.unit, res.meta.date.isoformat()) == ("启东市城市管理局", "2024-06-03")


def test_two_annexes_filled_in_are_both_read(tmp_path):
    res = run(notice_pasted(tmp_path / "f.xlsx", {"annex1": 2, "annex2": 2}, meta_each=False))
    assert {k: len(v) for k, v in people(res).items()} == {"annex1": 2, "annex2": 2}
    assert above_info(res) == []
    assert "annex1" in res.family and "annex2" in res.family


def test_annex4_over_annex1_reads_the_table_above_too(tmp_path):
    """The lower table's header (annex 1) could score as well as the upper one's: the upper is not lost."""
    res = run(build(tmp_path / "f.xlsx", "annex4", post=_stack("annex1")))
    assert {k: len(v) for k, v in people(res).items()} == {"annex4": 3, "annex1": 2}
    assert above_info(res) == []


def test_annex2_under_annex3_is_not_read_column_for_column_as_annex3(tmp_path):
    res = run(build(tmp_path / "f.xlsx", "annex3", post=_stack("annex2")))
    assert {k: len(v) for k, v in people(res).items()} == {"annex3": 3, "annex2": 2}
    assert above_info(res) == []  # was V002 “性别”的值“启东市城市管理局”, V001 “执法种类” on each annex 2 row


def test_the_stacked_tables_are_merged_whole(tmp_path):
    forms = tmp_path / "forms"
    forms.mkdir()
    notice_pasted(forms / "城管局.xlsx", {"annex1": 2, "annex2": 2})
    out = tmp_path / "台账.xlsx"
    r = CliRunner().invoke(app, ["merge", str(forms), "-o", str(out), "--as-of", "2024-06-05"])
    assert r.exit_code == 0, r.output
    src = list(openpyxl.load_workbook(out, read_only=True)["来源文件"].iter_rows(values_only=True))
    at = {h: i for i, h in enumerate(src[0])}
    assert [(row[at["读取行数"]], row[at["并入行数"]]) for row in src[1:]] == [(4, 4)]


def _stack(fam: str, n0: int = 10):
    """A post hook: ``fam``'s table (title, header, two people) two rows under the form's own."""
    def post(wb, ws):
        r = ws.max_row + 2
        ws.cell(r, 1, SPECS[fam].title)
        cols = [c for c in SPECS[fam].columns if not c.optional or c.key == "seq"]
        for i, c in enumerate(cols, 1):
            ws.cell(r + 1, i, c.title)
        for n in range(2):
            row = annex_row(fam, n0 + n)
            for i, c in enumerate(cols, 1):
                ws.cell(r + 2 + n, i, row.get(c.key, n + 1))
    return post
