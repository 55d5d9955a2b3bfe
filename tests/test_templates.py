"""Blank templates: layout from the specs, filled the obvious way they validate, committed copies do
not drift from the generator, and LibreOffice opens them."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
import time
from pathlib import Path

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from certctl import forms as F
from certctl import templates as T
from certctl.cli import app
from certctl.idcard import make_id
from certctl.validate import Options, validate_file

ROOT = Path(__file__).resolve().parents[1]
COMMITTED = ROOT / "templates" / "xlsx"
FORM_DATE = dt.date(2024, 6, 3)


def _pid(n: int, male: bool) -> str:
    return make_id("320681", dt.date(1975 + n, 1 + n, 10 + n), 100 + 2 * n + (1 if male else 0))


def _row(kind: str, n: int) -> dict:
    """One correct row of any sheet kind, by column key."""
    male = n % 2 == 0
    p = {"name": "王" + "伟芳"[n % 2] + "明", "sex": "男" if male else "女", "id": _pid(n, male)}
    cert = f"3206810{n:05d}"
    if kind == "annex1":
        p.update(unit="启东市城市管理局", cert=cert, action="录入归集", entry_date=dt.date(2024, 5, 31))
    elif kind == "annex2":
        p.update(unit="启东市城市管理局", cert=cert, reason="退休", destination="退休",
                 change_date=dt.date(2024, 5, 31))
    elif kind == "annex3":
        p.update(orig_unit="启东市城市管理局", cert=cert, reason="调动", unit="启东市市场监督管理局",
                 post="科员", field="市场监管", new_field_hours=24, change_date=dt.date(2024, 5, 31))
    elif kind == "annex4":
        p.update(unit="启东市城市管理局", cert=cert, lost_date=dt.date(2024, 5, 31),
                 declaration="2024年6月1日 南通日报登报声明作废")
    elif kind == "survey_people":
        p.update(reporting_unit="柞水县乾佑街道办事处", unit="柞水县乾佑街道办事处", cert=f"6110{n:06d}",
                 category="省级", version="新版", person_type="公务员", status="在岗", hours=64,
                 legal_qual="否", colour="绿")
    elif kind == "survey_units":
        return {"unit": "柞水县乾佑街道办事处", "establishment": 40, "posts": 20, "holders": 2,
                "report_date": FORM_DATE}
    elif kind == "registry":
        return {"unit": ["启东市城市管理局", "柞水县乾佑街道办事处"][n % 2], "short": ["城管局", "乾佑街道"][n % 2],
                "must_report": "是"}
    elif kind == "national":
        p.update(cert=f"GA{n:08d}", issuer="公安部")
    return p


def fill_obviously(src: Path, dst: Path, n_rows: int = 2) -> None:
    """What a clerk does: open the blank form, type into the cells under the header, save.
    The ID is typed as text (the column is text-formatted), dates as dates, numbers as numbers."""
    wb = load_workbook(src)
    for spec in F.specs_for_family(_family_of(src)):
        ws = wb[T.sheet_name(spec)]
        # find the header row by its titles, the metadata cells by their labels
        header = next(r for r in range(1, 10) if ws.cell(r, 2).value in {c.title for c in spec.columns})
        cols = {ws.cell(header, c).value: c for c in range(1, ws.max_column + 1)}
        if spec.metadata:
            meta = {"填报单位": "启东市城市管理局", "填报人员": "张三", "联系电话": "0513-83123456", "填报时间": FORM_DATE}
            for r in range(1, header):
                for c in range(1, ws.max_column + 1):
                    label = ws.cell(r, c).value
                    if isinstance(label, str) and label.rstrip("：").split("（")[0] in meta:
                        # the value goes into the first cell right of the (merged) label
                        nxt = c + 1
                        while any(ws.cell(r, nxt).coordinate in m for m in ws.merged_cells.ranges
                                  if ws.cell(r, c).coordinate in m):
                            nxt += 1
                        ws.cell(r, nxt).value = meta[label.rstrip("：").split("（")[0]]
        for n in range(n_rows):
            values = _row(spec.kind, n)
            for col in spec.columns:
                v = n + 1 if col.key == "seq" else values.get(col.key)
                if v is not None:
                    ws.cell(header + 1 + n, cols[col.title]).value = v
    wb.save(dst)


def _family_of(path: Path) -> str:
    return next(f for f, name in T.TEMPLATE_FILES.items() if name == path.name)


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    d = tmp_path_factory.mktemp("templates")
    T.write_all(d)
    return d


# ------------------------------------------------------------------------------------- layout
@pytest.mark.parametrize("family", F.FAMILIES)
def test_layout_follows_the_specs(generated: Path, family: str) -> None:
    wb = load_workbook(generated / T.TEMPLATE_FILES[family])
    specs = F.specs_for_family(family)
    assert wb.sheetnames == [T.sheet_name(s) for s in specs]
    for spec in specs:
        lay = T.layout(spec)
        ws = wb[lay.sheet]
        n = len(spec.columns)
        # title merged over the whole width, bold and large
        assert ws.cell(1, 1).value == spec.title
        from openpyxl.utils import get_column_letter

        assert f"A1:{get_column_letter(n)}1" in {str(m) for m in ws.merged_cells.ranges}
        assert ws.cell(1, 1).font.b and ws.cell(1, 1).font.sz >= 14
        # metadata row
        if spec.metadata:
            texts = [ws.cell(2, c).value for c in range(1, n + 1) if ws.cell(2, c).value]
            assert texts[:4] == ["填报单位（盖章）：", "填报人员：", "联系电话：", "填报时间："][: len(texts[:4])]
            assert "年  月  日" in texts[-1]
        # header: every column of the spec, in order, wrapped, bordered
        assert [ws.cell(lay.header_row, i).value for i in range(1, n + 1)] == [c.title for c in spec.columns]
        h = ws.cell(lay.header_row, 2)
        assert h.alignment.wrap_text and h.border.left.style == "thin"
        assert ws.freeze_panes == f"A{lay.first_data_row}"
        assert lay.last_data_row - lay.first_data_row + 1 == T.DATA_ROWS
        # number formats, widths, drop-downs and hints per column
        dvs = list(ws.data_validations.dataValidation)
        for i, col in enumerate(spec.columns, start=1):
            cell = ws.cell(lay.first_data_row, i)
            last = ws.cell(lay.last_data_row, i)
            if col.type in ("id", "cert"):
                assert cell.number_format == "@" and last.number_format == "@", col.title
            if col.type == "date":
                assert cell.number_format == "yyyy-mm-dd", col.title
            assert ws.column_dimensions[cell.column_letter].width == T.paper_width(col) >= col.width
            mine = [dv for dv in dvs if cell.coordinate in dv.sqref and last.coordinate in dv.sqref]
            if col.enum:
                assert mine and mine[0].type == "list" and mine[0].showErrorMessage, col.title
                assert mine[0].formula1 == '"' + ",".join(col.enum) + '"'
            if col.choices:
                assert mine and mine[0].type == "list" and not mine[0].showErrorMessage, col.title
                assert mine[0].formula1 == '"' + ",".join(col.choices) + '"'
            if col.hint:
                assert mine and mine[0].showInputMessage and col.hint in mine[0].prompt, col.title
        # footer note below the data rows
        if spec.footer:
            assert ws.cell(lay.footer_row, 1).value == spec.footer
        # print setup
        assert ws.page_setup.orientation == "landscape"
        assert str(ws.page_setup.paperSize) == "9"  # A4
        assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToWidth == 1
        assert ws.print_title_rows == f"${lay.header_row}:${lay.header_row}"


def test_optional_columns_on_annexes_2_and_3() -> None:
    titles = {f: [c.title for c in F.specs_for_family(f)[0].columns] for f in ("annex2", "annex3")}
    assert "变动日期" in titles["annex2"] and "变动日期" in titles["annex3"]
    assert "新执法领域培训学时" in titles["annex3"]
    wb = load_workbook(COMMITTED / T.TEMPLATE_FILES["annex3"])
    assert "新执法领域培训学时" in [c.value for c in wb.active[3]]


def test_blank_template_is_recognised(generated: Path) -> None:
    for family in F.FAMILIES:
        res = validate_file(generated / T.TEMPLATE_FILES[family])
        assert res.family == family
        assert res.rows == 0
        assert not [f for f in res.findings if f.code.startswith(("F00", "I", "C", "V"))
                    and f.code != "F005"], res.findings


# ------------------------------------------------------------------------------- filled, obvious
@pytest.mark.parametrize("family", F.FAMILIES)
def test_filled_the_obvious_way_validates_clean(generated: Path, tmp_path: Path, family: str) -> None:
    out = tmp_path / f"{family}-filled.xlsx"
    fill_obviously(generated / T.TEMPLATE_FILES[family], out)
    res = validate_file(out, Options(today=FORM_DATE))
    assert res.family == family
    assert res.rows == 2 * len(F.specs_for_family(family))
    errors = [(f.code, f.cell, f.message()) for f in res.findings if f.severity == "error"]
    warnings = [(f.code, f.cell, f.message()) for f in res.findings if f.severity == "warning"]
    assert errors == [] and warnings == []
    if family in ("annex1", "annex2", "annex3", "annex4", "survey"):
        assert res.meta.unit == "启东市城市管理局" and res.meta.date == FORM_DATE and res.meta.phone


@pytest.mark.parametrize("family", ["annex1", "annex2", "annex3", "annex4", "survey", "national"])
def test_id_typed_as_text_keeps_18_digits(generated: Path, tmp_path: Path, family: str) -> None:
    from python_calamine import CalamineWorkbook

    out = tmp_path / "filled.xlsx"
    fill_obviously(generated / T.TEMPLATE_FILES[family], out, n_rows=1)
    spec = F.specs_for_family(family)[0]
    lay = T.layout(spec)
    wb = CalamineWorkbook.from_path(str(out))
    rows = wb.get_sheet_by_name(lay.sheet).to_python(skip_empty_area=False)
    got = rows[lay.first_data_row - 1][lay.columns["id"] - 1]
    assert got == _pid(0, True) and isinstance(got, str) and len(got) == 18
    # and openpyxl sees a text cell in a text-formatted column
    ws = load_workbook(out)[lay.sheet]
    c = ws.cell(lay.first_data_row, lay.columns["id"])
    assert c.data_type == "s" and c.number_format == "@"


def test_fill_template_more_rows_than_preformatted(tmp_path: Path) -> None:
    rows = [_row("annex1", n % 20) | {"id": _pid(n % 20, n % 2 == 0)} for n in range(3)] * 15
    for i, r in enumerate(rows):
        r = dict(r)
        rows[i] = r
    wb = T.fill_template("annex1", rows, {"unit": "启东市城市管理局", "reporter": "张三",
                                          "phone": "13912345678", "date": FORM_DATE}, tmp_path / "a.xlsx")
    ws = wb.active
    lay = T.layout(F.ANNEX1, len(rows))
    assert lay.last_data_row - lay.first_data_row + 1 == 45
    assert ws.cell(lay.last_data_row, lay.columns["id"]).number_format == "@"
    res = validate_file(tmp_path / "a.xlsx")
    assert res.rows == 45


def test_fill_template_never_writes_a_formula(tmp_path: Path) -> None:
    row = _row("annex1", 0) | {"remark": "=HYPERLINK(\"http://x\")", "name": "+王明"}
    T.fill_template("annex1", [row], {"unit": "=1+1"}, tmp_path / "f.xlsx")
    ws = load_workbook(tmp_path / "f.xlsx").active
    lay = T.layout(F.ANNEX1)
    assert ws.cell(lay.first_data_row, lay.columns["remark"]).data_type == "s"
    assert ws.cell(*lay.meta_cells["unit"]).data_type == "s"


# ------------------------------------------------------------------------------------- drift
def _content(path: Path) -> dict:
    wb = load_workbook(path)
    out: dict = {"sheets": wb.sheetnames, "props": (wb.properties.creator, wb.properties.created,
                                                     wb.properties.modified)}
    for ws in wb.worksheets:
        out[ws.title] = {
            "cells": [(c.coordinate, c.value, c.number_format, c.font.b, c.border.left.style, c.alignment.wrap_text)
                      for row in ws.iter_rows() for c in row],
            "merged": sorted(str(m) for m in ws.merged_cells.ranges),
            "dv": sorted((str(dv.sqref), dv.type, dv.formula1, dv.formula2, dv.showErrorMessage, dv.errorStyle,
                          dv.prompt, dv.promptTitle) for dv in ws.data_validations.dataValidation),
            "widths": {k: v.width for k, v in ws.column_dimensions.items()},
            "freeze": ws.freeze_panes,
            "print": (ws.page_setup.orientation, ws.page_setup.paperSize, ws.print_title_rows, ws.print_area),
        }
    return out


@pytest.mark.parametrize("family", F.FAMILIES)
def test_committed_templates_match_the_generator(generated: Path, family: str) -> None:
    name = T.TEMPLATE_FILES[family]
    committed = COMMITTED / name
    assert committed.exists(), f"{committed} missing: run `certctl template all -o templates/xlsx --force`"
    assert _content(generated / name) == _content(committed), (
        f"{name} drifted from the generator: run `certctl template all -o templates/xlsx --force`")


def test_regeneration_is_byte_identical(tmp_path: Path) -> None:
    a = T.write_template("annex2", tmp_path / "a.xlsx").read_bytes()
    time.sleep(1.1)  # a different second: nothing may depend on the clock
    b = T.write_template("annex2", tmp_path / "b.xlsx").read_bytes()
    assert a == b


# ------------------------------------------------------------------------------------------ CLI
def test_cli_template_one_and_all(tmp_path: Path) -> None:
    runner = CliRunner()
    r = runner.invoke(app, ["template", "annex2", "-o", str(tmp_path / "注销表.xlsx")])
    assert r.exit_code == 0, r.output
    assert validate_file(tmp_path / "注销表.xlsx").family == "annex2"
    r = runner.invoke(app, ["template", "annex2", "-o", str(tmp_path / "注销表.xlsx")])
    assert r.exit_code == 2 and "--force" in r.output and "Traceback" not in r.output
    r = runner.invoke(app, ["template", "all", "-o", str(tmp_path / "all")])
    assert r.exit_code == 0, r.output
    assert sorted(p.name for p in (tmp_path / "all").iterdir()) == sorted(T.TEMPLATE_FILES.values())
    r = runner.invoke(app, ["template", "annex9"])
    assert r.exit_code == 2 and "未知的表格类型" in r.output
    r = runner.invoke(app, ["template", "annex1", "-o", str(tmp_path / "x.csv")])
    assert r.exit_code == 2 and ".xlsx" in r.output


# ------------------------------------------------------------------------------------ LibreOffice
SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")


@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed: "
                    "apt-get install -y --no-install-recommends libreoffice-calc")
def test_libreoffice_opens_every_template(tmp_path: Path) -> None:
    """Headless conversion of every committed template to CSV (all sheets, UTF-8): it must succeed,
    print no error, and LibreOffice must see the same header texts. A check that Excel/WPS accept them."""
    files = sorted(COMMITTED.glob("*.xlsx"))
    assert len(files) == len(F.FAMILIES)
    out = tmp_path / "out"
    env = dict(os.environ, HOME=str(tmp_path))
    t0 = time.perf_counter()
    proc = subprocess.run(
        [SOFFICE, f"-env:UserInstallation=file://{tmp_path}/profile", "--headless", "--norestore",
         "--convert-to", "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1",
         "--outdir", str(out), *map(str, files)],
        capture_output=True, text=True, timeout=180, env=env)
    elapsed = time.perf_counter() - t0
    noise = ("javaldx", "java may not function")
    err = [ln for ln in proc.stderr.splitlines() if ln.strip() and not any(n in ln for n in noise)]
    assert proc.returncode == 0 and err == [], (proc.returncode, proc.stderr)
    assert "Error" not in proc.stdout, proc.stdout
    for family, name in T.TEMPLATE_FILES.items():
        for spec in F.specs_for_family(family):
            csv = out / f"{Path(name).stem}-{T.sheet_name(spec)}.csv"
            assert csv.exists(), (csv, sorted(p.name for p in out.iterdir()))
            text = csv.read_text(encoding="utf-8")
            assert spec.title in text
            assert all(c.title in text for c in spec.columns), spec.kind
    print(f"LibreOffice converted {len(files)} templates in {elapsed:.1f} s")
