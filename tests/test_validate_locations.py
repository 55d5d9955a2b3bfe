"""Where a finding points: one style (Sheet!K5, findings.cell_ref) at the cell that holds the value —
for metadata too, whether the value shares its label's cell or sits in the next one — in the
terminal, the JSON and the annotated copy alike. And the validator's shape: no long functions."""

from __future__ import annotations

import ast
import json
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook
from typer.testing import CliRunner

from certctl import forms as F
from certctl.annotate import annotate_results
from certctl.cli import app
from certctl.findings import Finding, cell_ref
from certctl.samples import header_text
from certctl.validate import Options, validate_file

from fixtures.builders import FORM_DATE, META, annex_row, build

VALIDATE = Path(__file__).resolve().parents[1] / "src" / "certctl" / "validate"


def _form_with_meta_cells(tmp_path: Path, meta_row: list[object], name: str = "labels.xlsx") -> Path:
    """An annex 1 whose metadata line is laid out cell by cell as given (row 2)."""
    wb = Workbook()
    ws = wb.active
    ws.title = "附件1"
    ws.append([F.ANNEX1.title])
    ws.append(meta_row)
    ws.append([header_text(c) for c in F.ANNEX1.columns])
    row = annex_row("annex1", 0)
    ws.append([1] + [row.get(c.key) for c in F.ANNEX1.columns[1:]])
    path = tmp_path / name
    wb.save(path)
    return path


LABELS_APART = ["填报单位（盖章）：", "启东市城市管理局", "", "填报人员：", "张三", "", "联系电话：", "8312345",
                "填报时间：2024年6月3日"]


def test_bad_phone_in_the_cell_after_its_label_is_reported_there(tmp_path):
    res = validate_file(_form_with_meta_cells(tmp_path, LABELS_APART), Options(today=FORM_DATE))
    (f,) = [f for f in res.findings if f.code == "M005"]
    assert (f.cell, f.ref, f.value) == ("H2", "附件1!H2", "8312345")


def test_bad_phone_in_its_label_cell_is_reported_there(tmp_path):
    path = build(tmp_path, "annex1", [annex_row("annex1", 0)], dict(META, phone="8312345"))
    res = validate_file(path, Options(today=FORM_DATE))
    (f,) = [f for f in res.findings if f.code == "M005"]
    ws = load_workbook(path).active
    assert str(ws[f.cell].value).startswith("联系电话：8312345")


def test_missing_value_points_at_the_empty_cell_after_its_label(tmp_path):
    row = ["填报单位（盖章）：", "启东市城市管理局", "", "填报人员：", "", "", "联系电话：", "", "填报时间：2024年6月3日"]
    res = validate_file(_form_with_meta_cells(tmp_path, row), Options(today=FORM_DATE))
    assert {f.code: f.cell for f in res.findings if f.code.startswith("M")} == {"M002": "E2", "M003": "H2"}


def test_missing_label_points_at_the_metadata_line(tmp_path):
    row = ["填报单位（盖章）：启东市城市管理局", "", "", "填报人员：张三", "", "", "", "", "填报时间：2024年6月3日"]
    res = validate_file(_form_with_meta_cells(tmp_path, row), Options(today=FORM_DATE))
    assert [(f.code, f.cell) for f in res.findings if f.code.startswith("M")] == [("M003", "A2")]


def test_terminal_json_and_annotated_copy_name_the_same_cell(tmp_path):
    path = _form_with_meta_cells(tmp_path, LABELS_APART)
    runner = CliRunner()
    table = runner.invoke(app, ["validate", str(path)], env={"COLUMNS": "200"})
    assert "附件1!H2" in table.stdout and "M005" in table.stdout
    doc = json.loads(runner.invoke(app, ["validate", str(path), "--format", "json"]).stdout)
    (m005,) = [x for x in doc["files"][0]["findings"] if x["code"] == "M005"]
    assert (m005["cell"], m005["ref"]) == ("H2", "附件1!H2")
    res = validate_file(path, Options(today=FORM_DATE))
    (copy,) = annotate_results([res], tmp_path / "out.xlsx")
    ws = load_workbook(copy)["附件1"]
    assert ws["H2"].comment is not None and "M005" in ws["H2"].comment.text
    assert ws["G2"].comment is None


@pytest.mark.parametrize("args, ref", [
    (("人员", 5, 10), "人员!K5"),
    (("人员", 5, None), "人员!5:5"),
    (("人员", None, None), "人员"),
    ((None, 5, 10), "K5"),
    ((None, None, None), ""),
    (("第 2 页", 1, 0), "'第 2 页'!A1"),
    (("it's", 1, 0), "'it''s'!A1"),
    (("A1", 2, 2), "'A1'!C2"),
    (("2024", 1, 27), "'2024'!AB1"),
    (("Sheet1", 3, 3), "Sheet1!D3"),
])
def test_cell_ref(args, ref):
    assert cell_ref(*args) == ref


def test_finding_ref_and_json():
    f = Finding("I004", "x.xlsx", "附件1", 7, 3)
    assert f.ref == "附件1!D7" and f.to_dict()["ref"] == "附件1!D7"
    assert Finding("F002", "x.xlsx").to_dict()["ref"] is None


# ------------------------------------------------------------------------------ the validator's shape
def _functions(path: Path) -> list[tuple[str, int]]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [(f"{path.relative_to(VALIDATE)}:{node.name}", node.end_lineno - node.lineno + 1)
            for node in ast.walk(tree) if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))]


def test_no_function_in_the_validator_is_longer_than_60_lines():
    long = [(name, n) for p in sorted(VALIDATE.rglob("*.py")) for name, n in _functions(p) if n > 60]
    assert long == []


def test_public_names_stay_importable():
    import certctl.validate as v

    for name in ("Options", "FormResult", "SheetResult", "Record", "Metadata", "validate_file", "HELD_DONE_WORDS",
                 "validate_workbook", "locate_header", "parse_metadata", "restore_error_cells", "is_error_value"):
        assert hasattr(v, name), name
