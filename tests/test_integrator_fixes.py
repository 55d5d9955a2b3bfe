"""A302 (same original and new unit) warns on a move, not on a card replaced for its own sake."""

from __future__ import annotations

import datetime as dt
import random

from certctl.samples import fake_person, write_form
from certctl.validate import validate_file

META = dict(unit="启东市城市管理局", reporter="王芳", phone="0513-83123456", date=dt.date(2024, 6, 3))


def _row(reason: str) -> dict:
    p = fake_person(random.Random(7), 1970, 1990)
    p.update(orig_unit="启东市城市管理局", unit="启东市城市管理局", cert="32068100000123", reason=reason,
             post="科员", field="城市管理", new_field_hours=24, change_date=dt.date(2024, 6, 3))
    return p


def test_same_unit_on_a_transfer_warns(tmp_path):
    res = validate_file(write_form(tmp_path / "a3.xlsx", "annex3", [_row("调动")], META))
    assert [f.cell for f in res.findings if f.code == "A302"] == ["H4"]


def test_same_unit_for_an_old_version_or_damaged_card_is_fine(tmp_path):
    for i, reason in enumerate(("旧版换新版", "证件损坏", "信息变更")):
        res = validate_file(write_form(tmp_path / f"a3_{i}.xlsx", "annex3", [_row(reason)], META))
        assert not [f for f in res.findings if f.code == "A302"], reason


def test_huge_cell_values_are_clipped_in_messages():
    from certctl.findings import Finding

    f = Finding("I002", value="1" * 100000, params={"id": "1" * 100000, "length": 100000}, sensitive=True)
    assert len(f.message()) < 400 and "100000" in f.message()
    assert len(f.to_dict()["value"]) < 200


def test_merge_names_file_sheet_and_cell_of_cross_form_findings(tmp_path):
    from pathlib import Path

    from typer.testing import CliRunner

    from certctl.cli import app

    ledger = Path(__file__).resolve().parents[1] / "examples" / "ledger"
    res = CliRunner().invoke(app, ["merge", str(ledger), "-o", str(tmp_path / "台账.xlsx"),
                                   "--as-of", "2024-06-05", "--no-cache"])
    assert res.exit_code == 1, res.output
    assert "摸排统计表_2024-06-03.xlsx 人员!G7 张海燕 X004" in res.output  # file, cell, whom, code
