"""The workbooks ``certctl cleanup`` writes (待注销收回清单, 身份核查名单) carry certctl's mark (certctl.marks), like
the ledger, the report and the annotated copy: copied into the forms folder, merge and validate skip them with
F008 (was: 身份核查名单 read back as a survey, its rows all errors, and 待注销收回清单 as another form)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from openpyxl import load_workbook
from typer.testing import CliRunner

from certctl.cli import app
from certctl.validate import validate_file
from test_cleanup import build

AS_OF = "2024-07-02"
NAMES = (f"待注销收回清单-{AS_OF}.xlsx", f"身份核查名单-{AS_OF}.xlsx")


def _merge(forms: Path, out: Path) -> dict:
    r = CliRunner().invoke(app, ["merge", str(forms), "-o", str(out), "--as-of", AS_OF, "--format", "json"])
    assert r.exit_code in (0, 1), r.output
    return json.loads(r.stdout)


def test_cleanup_workbooks_in_the_forms_folder_are_skipped_as_certctl_outputs(tmp_path: Path) -> None:
    forms = build(tmp_path)
    before = _merge(forms, tmp_path / "台账-前.xlsx")
    out = tmp_path / "专项清理"
    r = CliRunner().invoke(app, ["cleanup", "-d", str(forms), "-o", str(out), "--as-of", AS_OF, "-q"])
    assert r.exit_code == 1, r.output
    for name in NAMES:
        shutil.copy(out / name, forms / name)
        res = validate_file(forms / name)
        assert (res.output, [f.code for f in res.findings], res.rows) == ("cleanup", ["F008"], 0), name
    # a clerk opens one and saves it again (openpyxl keeps the workbook's defined names): still marked
    wb = load_workbook(forms / NAMES[1])
    wb.save(forms / "身份核查名单-另存.xlsx")
    assert validate_file(forms / "身份核查名单-另存.xlsx").output == "cleanup"
    after = _merge(forms, tmp_path / "台账-后.xlsx")
    status = {f["path"]: f["status"] for f in after["files"]}
    assert [status[n] for n in (*NAMES, "身份核查名单-另存.xlsx")] == ["output"] * 3
    assert dict(after["totals"], files=0) == dict(before["totals"], files=0)  # rows, errors, holders: unchanged
    for lang, said in (("zh", "certctl 生成的专项清理材料"), ("en", "certctl cleanup document")):
        r = CliRunner().invoke(app, ["validate", str(forms / NAMES[1]), "--lang", lang])
        assert r.exit_code == 0 and "F008" in r.output and said in r.output, r.output
