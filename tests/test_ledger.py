"""build_ledger on small workspaces: yellow reasons (deadline due soon, incomplete data), statuses."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from certctl.ledger import build_ledger
from certctl.samples import write_form
from certctl.validate import Options
from certctl.workspace import load_workspace
from test_merge import A, P, a1, meta


def ledger(root: Path, as_of: str):
    return build_ledger(load_workspace(root, Options()), None, dt.date.fromisoformat(as_of))


def test_system_entry_due_soon_is_yellow(tmp_path: Path) -> None:
    write_form(tmp_path / "a2.xlsx", "annex2", [
        {**P[2], "unit": A, "cert": "QD0002", "reason": "退休", "destination": "退休", "change_date": dt.date(2024, 5, 31)},
    ], meta(A))
    # the card is handed back with the annex 2 (填报时间 06-03), so the system entry and the annex 1
    # filing are due 10 working days after 06-03 (端午 06-10 off): 2024-06-18
    c = ledger(tmp_path, "2024-06-13").by_cert()["QD0002"]
    assert c.status == "已注销" and c.colour == "黄"
    assert c.colour_reasons == ["系统录入期限 2024-06-18 将至"]
    # a week earlier nothing is due soon: a revoked card is counted by its state, never green
    c = ledger(tmp_path, "2024-06-05").by_cert()["QD0002"]
    assert (c.status, c.colour, c.colour_reasons) == ("已注销", "", [])
    # the annex 1 revocation arrives: nothing left to do
    write_form(tmp_path / "a1.xlsx", "annex1", [a1(P[2], "QD0002", action="注销", day=31)], meta(A, dt.date(2024, 6, 12)))
    c = ledger(tmp_path, "2024-06-13").by_cert()["QD0002"]
    assert (c.colour, c.last_event) == ("", "注销")


def test_incomplete_row_is_merged_and_yellow(tmp_path: Path) -> None:
    row = a1(P[1], "QD0001")
    row.pop("sex")
    write_form(tmp_path / "a1.xlsx", "annex1", [row], meta(A))
    led = ledger(tmp_path, "2024-06-06")
    (f,) = led.files
    assert (f.rows_read, f.rows_merged, f.rows_rejected) == (1, 1, 0)
    c = led.by_cert()["QD0001"]
    assert c.colour == "黄" and c.colour_reasons[0].startswith("资料不完整")
    assert any(p.startswith("V001") for p in c.problems)


def test_modify_keeps_status_and_updates_facts(tmp_path: Path) -> None:
    write_form(tmp_path / "a.xlsx", "annex1", [a1(P[1], "QD0001")], meta(A))
    write_form(tmp_path / "b.xlsx", "annex1", [a1({**P[1], "name": "王改名"}, "QD0001", action="修改", day=28)], meta(A))
    c = ledger(tmp_path, "2024-06-06").by_cert()["QD0001"]
    assert (c.status, c.name, c.last_event) == ("有效", "王改名", "修改")
    assert [e.kind for e in c.events] == ["录入归集", "修改"]
