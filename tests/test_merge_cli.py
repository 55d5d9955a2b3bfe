"""certctl merge: command-line surface (English, JSON, --show-id, defaults from config, --wait)."""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path

import openpyxl
from typer.testing import CliRunner

from certctl.cli import app
from certctl.ledger_xlsx import ledger_lock, text_width
from certctl.normalize import mask_id
from test_merge import AS_OF, P, A, B, a1, meta
from certctl.samples import write_form


def _forms(root: Path) -> Path:
    write_form(root / "a.xlsx", "annex1", [a1(P[1], "QD0001"), a1(P[2], "QD0002")], meta(A))
    write_form(root / "b.xlsx", "annex1", [a1(P[1], "QD0003", unit=B, day=21)], meta(B))  # X003
    return root


def invoke(*args: str) -> object:
    return CliRunner().invoke(app, ["merge", *args, "--as-of", AS_OF])


def test_english_summary_and_ledger(tmp_path: Path) -> None:
    out = tmp_path / "ledger.xlsx"
    res = invoke(str(_forms(tmp_path / "f")), "-o", str(out), "--lang", "en")
    assert res.exit_code == 1  # X003 is an error
    assert "rows read 3 = merged 3 + rejected 0" in res.output
    assert "X003" in res.output and mask_id(P[1]["id"]) in res.output and P[1]["id"] not in res.output
    ws = openpyxl.load_workbook(out)["证件台账"]
    assert ws["A1"].value == "Certificate" and ws["G2"].value == "valid"
    assert ws["H2"].fill.fgColor.rgb.endswith(("FFC7CE", "FFEB9C", "C6EFCE"))


def test_show_id_and_json(tmp_path: Path) -> None:
    forms = _forms(tmp_path / "f")
    res = invoke(str(forms), "-o", str(tmp_path / "l.xlsx"), "--show-id")
    assert P[1]["id"] in res.output
    res = invoke(str(forms), "-o", str(tmp_path / "l.xlsx"), "--format", "json")
    doc = json.loads(res.output)
    assert doc["totals"]["rows_read"] == doc["totals"]["rows_merged"] + doc["totals"]["rows_rejected"] == 3
    assert [f["path"] for f in doc["files"]] == ["a.xlsx", "b.xlsx"]
    assert doc["cross_form"][0]["code"] == "X003" and P[1]["id"] not in res.output


def test_defaults_from_config(tmp_path: Path, monkeypatch) -> None:
    _forms(tmp_path / "收件")
    (tmp_path / "certctl.toml").write_text('forms_dir = "收件"\nledger = "总台账.xlsx"\n', encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    res = invoke("-q")
    assert res.exit_code == 1, res.output
    assert (tmp_path / "总台账.xlsx").exists()
    assert "未并入" in res.output


def test_wait_for_lock(tmp_path: Path) -> None:
    forms = _forms(tmp_path / "f")
    out = tmp_path / "l.xlsx"
    held = threading.Event()

    def hold() -> None:
        with ledger_lock(out):
            held.set()
            time.sleep(0.6)

    t = threading.Thread(target=hold)
    t.start()
    held.wait(5)
    assert invoke(str(forms), "-o", str(out)).exit_code == 2
    res = invoke(str(forms), "-o", str(out), "--wait", "10")
    t.join()
    assert res.exit_code == 1 and out.exists()


def test_text_width() -> None:
    assert text_width("abc") == 3 and text_width("启东市") == 6 and text_width("a\n启东") == 4


def _name_on_row(path: Path, sheet: str, row: int) -> str:
    """The 姓名 cell of ``row``, found by its header in the form itself (independent of certctl)."""
    ws = openpyxl.load_workbook(path, read_only=True)[sheet]
    rows = list(ws.iter_rows(min_row=1, max_row=row, values_only=True))
    for head in rows[:-1]:
        for i, v in enumerate(head):
            if isinstance(v, str) and v.replace("\n", "").strip() == "姓名":
                return str(rows[-1][i]).strip()
    return ""


def test_cross_form_findings_name_the_person(tmp_path: Path) -> None:
    """Issue 14: a cross-form finding (X001, X004 …) says whom it is about, on the terminal and in JSON."""
    root = Path(__file__).resolve().parents[1] / "examples" / "ledger"
    out = tmp_path / "台账.xlsx"
    r = CliRunner().invoke(app, ["merge", str(root), "-o", str(out), "--as-of", "2024-06-05", "--format", "json"])
    cross = json.loads(r.stdout)["cross_form"]
    assert {c["code"] for c in cross} >= {"X001", "X004"}
    for c in cross:
        expected = _name_on_row(root / c["path"], c["sheet"], c["row"])
        assert expected and c["name"] == expected, c
    r = CliRunner().invoke(app, ["merge", str(root), "-o", str(out), "--as-of", "2024-06-05"])
    lines = [line for line in r.stdout.splitlines() if " X001 " in line or " X004 " in line]
    assert len(lines) == len(cross)
    for c in cross:
        assert any(c["name"] in line and c["code"] in line for line in lines), (c, lines)
