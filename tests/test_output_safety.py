"""Text from a form that looks like a formula (= + - @) is written to every output as text, never as
a formula; CSV cells are defused (OWASP: a leading single quote); ID numbers are masked on the
terminal by default."""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from openpyxl import load_workbook

from certctl.idcard import make_id
from certctl.normalize import mask_id
from certctl.samples import write_form

CERTCTL = str(Path(sys.executable).parent / "certctl")
PAYLOADS = ['=HYPERLINK("http://x","y")', "=cmd|' /C calc'!A0", "+1+1", "-2+3", "@SUM(1)", "=1+1"]
META = {"unit": "启东市城市管理局", "reporter": "张三", "phone": "0513-83123456", "date": dt.date(2024, 6, 3)}
IDS = [make_id("320681", dt.date(1980 + i, 3, 4 + i), 10 + 2 * i + 1) for i in range(len(PAYLOADS))]


def env() -> dict[str, str]:
    e = dict(os.environ)
    e.update(NO_COLOR="1", COLUMNS="200")
    return e


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([CERTCTL, *args], capture_output=True, text=True, env=env(), timeout=120, cwd=cwd)


def has_command(name: str) -> bool:
    return run(name, "--help").returncode == 0


@pytest.fixture(scope="module")
def forms(tmp_path_factory) -> Path:
    d = tmp_path_factory.mktemp("forms")
    rows1, rows4 = [], []
    for i, (p, pid) in enumerate(zip(PAYLOADS, IDS)):
        male = int(pid[16]) % 2 == 1
        base = {"name": p, "sex": "男" if male else "女", "id": pid, "remark": p}
        rows1.append(dict(base, unit=p, cert=f"3206810{i:05d}", action="录入归集", entry_date=dt.date(2024, 5, 6)))
        rows4.append(dict(base, unit="启东市城市管理局", cert=f"3206819{i:05d}", lost_date=dt.date(2024, 5, 6),
                          declaration=p))
    survey = []
    for i, (p, pid) in enumerate(zip(PAYLOADS, IDS)):
        male = int(pid[16]) % 2 == 1
        survey.append({"reporting_unit": p, "unit": "柞水县乾佑街道办事处", "name": p, "sex": "男" if male else "女",
                       "id": pid, "cert": f"61{i:08d}", "category": "省级", "version": "新版", "person_type": "公务员",
                       "status": "退休", "leave_date": dt.date(2024, 5, 6), "hours": 64, "legal_qual": "否",
                       "colour": "红", "opinion": p, "remark": p})
    for name, family, rows in (("annex1", "annex1", rows1), ("annex4", "annex4", rows4),
                               ("survey", "survey", {"survey_people": survey})):
        as_text(write_form(d / f"{name}.xlsx", family, rows, META))
    return d


def as_text(path: Path) -> Path:
    """openpyxl takes a str beginning with '=' for a formula: make every such cell the text a clerk
    typed (as Excel stores it after typing '=... with a leading apostrophe or in a Text column)."""
    wb = load_workbook(path)
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for c in row:
                if c.data_type == "f":
                    c.data_type = "s"
    wb.save(path)
    wb.close()
    wb = load_workbook(path)
    assert not any(c.data_type == "f" for ws in wb.worksheets for row in ws.iter_rows() for c in row)
    return path


def assert_no_input_formulas(path: Path) -> None:
    wb = load_workbook(path)  # not read-only: data_type is what was written
    found: set[str] = set()
    try:
        for ws in wb.worksheets:
            for row in ws.iter_rows():
                for c in row:
                    v = c.value
                    if c.data_type == "f":
                        text = str(v)
                        for p in PAYLOADS:
                            assert p.lstrip("=+-@") not in text, f"{path.name}!{ws.title}!{c.coordinate} is a formula: {text}"
                    elif isinstance(v, str):
                        for p in PAYLOADS:
                            if p in v:
                                found.add(p)
    finally:
        wb.close()
    assert found == set(PAYLOADS), f"{path.name}: text lost: {set(PAYLOADS) - found}"


def test_validate_annotate_writes_text(forms, tmp_path):
    out = tmp_path / "annotated"
    r = run("validate", str(forms / "annex1.xlsx"), str(forms / "annex4.xlsx"), str(forms / "survey.xlsx"),
            "--annotate", str(out))
    assert "Traceback" not in r.stdout + r.stderr
    if "annotate" in r.stderr and not out.exists():
        pytest.skip("certctl.annotate not built yet")
    written = sorted(out.rglob("*.xlsx"))
    assert len(written) == 3, r.stderr
    for p in written:
        assert_no_input_formulas(p)


def test_merge_ledger_writes_text(forms, tmp_path):
    if not has_command("merge"):
        pytest.skip("certctl merge not built yet")
    out = tmp_path / "台账.xlsx"
    r = run("merge", str(forms), "-o", str(out), "--as-of", "2024-06-05")
    assert "Traceback" not in r.stdout + r.stderr
    assert out.exists(), r.stdout + r.stderr
    assert_no_input_formulas(out)


def test_overdue_csv_is_defused(forms):
    if not has_command("overdue"):
        pytest.skip("certctl overdue not built yet")
    r = run("overdue", "--dir", str(forms), "--as-of", "2024-07-02", "--format", "csv", "--show-id")
    assert "Traceback" not in r.stdout + r.stderr
    assert r.returncode in (0, 1), r.stderr
    rows = list(csv.reader(io.StringIO(r.stdout.lstrip("\ufeff"))))
    assert len(rows) > 1, r.stdout
    seen = set()
    for row in rows:
        for field in row:
            assert not field.startswith(("=", "+", "-", "@", "\r")) or field.lstrip("-").replace(".", "").isdigit(), \
                f"CSV field would be read as a formula: {field!r}"
            for p in PAYLOADS:
                if field in ("'" + p, "\t" + p) or (p in field and field[:1] in "'\t"):
                    seen.add(p)
    assert seen, "no payload reached the CSV (test data did not produce overdue rows?)"


def test_report_outputs_write_text(forms, tmp_path):
    if not has_command("report"):
        pytest.skip("certctl report not built yet")
    out = tmp_path / "report"
    r = run("report", "--dir", str(forms), "--as-of", "2024-06-05", "-o", str(out))
    assert "Traceback" not in r.stdout + r.stderr
    for p in sorted(out.rglob("*.xlsx")) if out.is_dir() else ([out] if out.suffix == ".xlsx" and out.exists() else []):
        assert_no_input_formulas(p)


# ------------------------------------------------------------------------------ ID masking
def _assert_masked(text: str) -> None:
    for pid in IDS:
        assert pid not in text, "full ID number printed"


def test_validate_masks_ids_by_default(forms):
    r = run("validate", str(forms / "annex1.xlsx"), str(forms / "annex4.xlsx"), "--format", "json")
    _assert_masked(r.stdout + r.stderr)
    # make one ID wrong so it is named in a finding
    from certctl.samples import write_form as wf

    bad = IDS[0][:17] + ("0" if IDS[0][17] != "0" else "1")
    p = forms.parent / "bad_id.xlsx"
    wf(p, "annex1", [{"name": "王伟", "sex": "男", "id": bad, "unit": "启东市城市管理局", "cert": "320681000001",
                      "action": "录入归集", "entry_date": dt.date(2024, 5, 6)}], META)
    r = run("validate", str(p))
    assert bad not in r.stdout + r.stderr and mask_id(bad) in r.stdout
    r = run("validate", str(p), "--show-id")
    assert bad in r.stdout


def test_merge_masks_ids_by_default(forms, tmp_path):
    if not has_command("merge"):
        pytest.skip("certctl merge not built yet")
    for fmt in ("table", "json"):
        r = run("merge", str(forms), "-o", str(tmp_path / f"l-{fmt}.xlsx"), "--as-of", "2024-06-05", "--format", fmt)
        _assert_masked(r.stdout + r.stderr)


def test_overdue_masks_ids_by_default(forms, tmp_path):
    if not has_command("overdue"):
        pytest.skip("certctl overdue not built yet")
    log = tmp_path / "run.log"
    for fmt in ("table", "json", "csv"):
        r = run("overdue", "--dir", str(forms), "--as-of", "2024-06-05", "--format", fmt, "--log-file", str(log))
        _assert_masked(r.stdout + r.stderr)
    if log.exists():
        _assert_masked(log.read_text(encoding="utf-8"))
