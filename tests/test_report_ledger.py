"""`certctl report --ledger 台账.sqlite`: the report made from the SQLite ledger a merge wrote is the report
of the forms folder it merged, on any as-of day — the e-mail body byte for byte, every part of the
workbook (every cell, style, chart) but the save time openpyxl stamps, the exit status and the
warnings; only the terminal's lines (and JSON's "ledger") say where it came from. A file that is not a
current certctl SQLite ledger, one merged under other settings, or a forms folder given with it, is
refused with exit 2 and a Chinese message."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook

from certctl.ledger_sqlite import SCHEMA_VERSION
# the folders merged (examples/ledger, a campaign, the merge tests' folder), as overdue --ledger is tested on
from test_overdue_ledger import _merge, here, invoke, merged, one, unusable_ledgers  # noqa: F401

# before the first form, May Day, during the campaign, either side of the Dragon Boat Festival (06-10),
# the campaign's end (06-30, a Sunday: 07-01) and after it, the next year
DAYS = ["2024-04-30", "2024-05-06", "2024-06-05", "2024-06-07", "2024-06-11", "2024-07-01", "2024-07-02",
        "2024-08-01", "2025-01-02"]
EXTRA = [[], ["--lang", "en"], ["--show-id"], ["--lang", "en", "--show-id"]]


def _parts(xlsx: Path) -> dict[str, bytes]:
    """Every part of the workbook (docProps/core.xml too: its timestamps are the as-of day, not 'now')."""
    with zipfile.ZipFile(xlsx) as z:
        return {n: z.read(n) for n in z.namelist()}


def _cells(xlsx: Path) -> dict[str, list[list[object]]]:
    wb = load_workbook(xlsx)
    return {s.title: [[c.value for c in row] for row in s.iter_rows()] for s in wb.worksheets}


def _both(forms: Path, db: Path, out: Path, *args: str):  # type: ignore[no-untyped-def]
    a = invoke("report", str(forms), "-o", str(out / "forms"), *args)
    b = invoke("report", "--ledger", str(db), "-o", str(out / "ledger"), *args)
    assert a.exception is None or isinstance(a.exception, SystemExit), a.output
    assert b.exception is None or isinstance(b.exception, SystemExit), b.output
    assert a.exit_code == b.exit_code and a.exit_code in (0, 1), (a.output, b.output)
    assert a.stderr == b.stderr  # the same warnings (the files the merge could not read …)
    return a, b


@pytest.mark.parametrize("day", DAYS)
def test_the_report_is_the_folders(here: tuple[Path, Path], day: str, tmp_path: Path) -> None:
    forms, db = here
    extra = EXTRA[DAYS.index(day) % len(EXTRA)]
    a, b = _both(forms, db, tmp_path, "--as-of", day, *extra)
    names = sorted(p.name for p in (tmp_path / "forms").iterdir() if not p.name.startswith("."))
    assert names == [f"证件管理报告-{day}.txt", f"证件管理报告-{day}.xlsx"]
    assert sorted(p.name for p in (tmp_path / "ledger").iterdir() if not p.name.startswith(".")) == names
    txt, xlsx = (Path("forms") / names[0], Path("forms") / names[1])
    mine = tmp_path / "ledger"
    assert (mine / txt.name).read_bytes() == (tmp_path / txt).read_bytes()
    assert _cells(mine / xlsx.name) == _cells(tmp_path / xlsx)
    assert _parts(mine / xlsx.name) == _parts(tmp_path / xlsx)
    # the terminal says where it came from; the rest is the same
    la, lb = a.stdout.splitlines(), b.stdout.splitlines()
    assert la[0] == lb[0]
    assert lb[1].startswith(("据 SQLite 台账 " if "en" not in extra else "From the SQLite ledger ") + str(db))
    assert [x.replace("/forms/", "/ledger/") for x in la[1:]] == lb[2:]


def test_the_days_differ(here: tuple[Path, Path], tmp_path: Path) -> None:
    """The comparison above can fail: the report of one day is not another's."""
    forms, db = here
    texts = set()
    for day in ("2024-05-06", "2024-06-11", "2024-08-01"):
        invoke("report", "--ledger", str(db), "-o", str(tmp_path), "--as-of", day, "-q")
        texts.add((tmp_path / f"证件管理报告-{day}.txt").read_text(encoding="utf-8").split("\n", 1)[1])
    assert len(texts) == 3


def test_json_names_the_ledger(here: tuple[Path, Path], tmp_path: Path) -> None:
    forms, db = here
    a, b = _both(forms, db, tmp_path, "--as-of", "2024-06-11", "--format", "json")
    ja, jb = json.loads(a.stdout), json.loads(b.stdout)
    source = jb.pop("ledger")
    assert source["path"] == str(db) and source["merged_at"][:10] == dt.date.today().isoformat()
    assert jb.pop("dir") == str(forms) == ja.pop("dir")
    assert [Path(p).name for p in ja.pop("written")] == [Path(p).name for p in jb.pop("written")]
    assert ja == jb


# ------------------------------------------------------------------------------------ refusals
def _refused(args: list[str], needle: str, out: Path) -> None:
    r = invoke("report", *args, "-o", str(out), "--as-of", "2024-06-05")
    assert r.exit_code == 2, r.output
    assert needle in r.stderr and r.stdout == ""
    assert r.exception is None or isinstance(r.exception, SystemExit)
    assert "Traceback" not in r.output
    assert not [p for p in out.glob("证件管理报告-*")]  # nothing written


def test_refuses_what_is_not_a_current_ledger(one: tuple[Path, Path], tmp_path: Path) -> None:
    forms, db = one
    out = tmp_path / "reports"
    for args, needle in unusable_ledgers(forms, db, tmp_path, "UPDATE survey_rows SET facts = '{\"$o\": \"os:system\"}'"):
        _refused(args, needle, out)
    r = invoke("report", "--ledger", str(tmp_path / f"v{SCHEMA_VERSION - 1}.sqlite"), "-o", str(out))
    assert f"certctl merge 表格文件夹 --sqlite {tmp_path / f'v{SCHEMA_VERSION - 1}.sqlite'}" in r.stderr  # what to do


def test_a_ledger_without_the_reports_data_is_refused(one: tuple[Path, Path], tmp_path: Path) -> None:
    from certctl.ledger_sqlite import write_sqlite
    from certctl.model import build_model
    from certctl.overdue import load_forms

    forms, db = one
    bare = write_sqlite([], tmp_path / "无报告.sqlite", docket=build_model(load_forms(forms)).docket,
                        settings=json.loads(sqlite3.connect(db).execute(
                            "SELECT value FROM meta WHERE key = 'settings'").fetchone()[0]))
    assert invoke("overdue", "--ledger", str(bare), "--as-of", "2024-06-05").exit_code == 1  # overdue can
    _refused(["--ledger", str(bare)], "没有报告所需的数据", tmp_path / "reports")


def test_english_refusal(one: tuple[Path, Path], tmp_path: Path) -> None:
    r = invoke("report", "--ledger", str(tmp_path / "none.sqlite"), "-o", str(tmp_path / "r"), "--lang", "en")
    assert r.exit_code == 2 and "does not exist" in r.stderr


def test_other_settings_refused_until_merged_again(one: tuple[Path, Path], tmp_path: Path) -> None:
    forms, db = one
    out = tmp_path / "reports"
    (tmp_path / "certctl.toml").write_text("[deadlines]\nreport_days = 5\n", encoding="utf-8")
    _refused(["--ledger", str(db)], "[deadlines]", out)
    r = invoke("report", "--ledger", str(db), "-o", str(out))
    assert "certctl report 表格文件夹" in r.stderr
    (tmp_path / "certctl.toml").write_text("[calendar.2024]\nholidays = [2024-06-04]\n", encoding="utf-8")
    _refused(["--ledger", str(db)], "[calendar]", out)
    _merge(forms, tmp_path)  # merged again under the new calendar: the folder's report
    _both(forms, db, tmp_path, "--as-of", "2024-06-05")
    assert ((tmp_path / "ledger" / "证件管理报告-2024-06-05.txt").read_bytes()
            == (tmp_path / "forms" / "证件管理报告-2024-06-05.txt").read_bytes())


def test_never_writes_over_the_ledger_or_anyone_elses_file(one: tuple[Path, Path], tmp_path: Path) -> None:
    forms, db = one
    before = db.read_bytes()
    r = invoke("report", "--ledger", str(db), "--as-of", "2024-06-05", "-o", str(tmp_path / "r"), "--log-file", str(db))
    assert r.exit_code == 2 and "不是 certctl 写出的" in r.stderr, r.output
    theirs = tmp_path / "r" / "证件管理报告-2024-06-05.xlsx"
    theirs.parent.mkdir(exist_ok=True)
    theirs.write_bytes(b"not certctl's")
    r = invoke("report", "--ledger", str(db), "--as-of", "2024-06-05", "-o", str(tmp_path / "r"))
    assert r.exit_code == 2 and "不是 certctl 写出的" in r.stderr, r.output
    assert theirs.read_bytes() == b"not certctl's"
    assert db.read_bytes() == before


def test_log_names_the_ledger(one: tuple[Path, Path], tmp_path: Path) -> None:
    forms, db = one
    log = tmp_path / "report.log"
    r = invoke("report", "--ledger", str(db), "--as-of", "2024-06-05", "-o", str(tmp_path / "r"), "--log-file", str(log))
    assert r.exit_code == 1, r.output
    assert f"ledger={db}" in log.read_text(encoding="utf-8")


# ------------------------------------------------------------------------------------ property
from hypothesis import HealthCheck, given, settings  # noqa: E402

from test_model_properties import days, workspaces  # noqa: E402
from test_overdue_ledger import stored_folder  # noqa: E402


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(workspaces(), days)
def test_stored_report_is_the_model_on_any_day(ws: tuple, other: dt.date) -> None:
    """For random folders (dates around the holidays), what the report needs written to the SQLite file
    and read back, judged on another day than the merge's, gives the report of the model built on that
    day: units, colours, obligations, cleanup statistics, the e-mail body."""
    from certctl.ledger_sqlite import read_report_inputs
    from certctl.report import _item_row, build_report, build_report_from_ledger, render_text

    with stored_folder(ws, report=True) as (forms, db, _):
        got = build_report_from_ledger(read_report_inputs(db), None, other)
        want = build_report(forms, None, other)
        assert got.units == want.units
        for lang in ("zh", "en"):  # the items as the workbook lists them
            assert [_item_row(o, lang, True) for o in got.overdue + got.due_soon + got.closed] == \
                [_item_row(o, lang, True) for o in want.overdue + want.due_soon + want.closed]
        assert (got.cleanup.units, got.cleanup.total) == (want.cleanup.units, want.cleanup.total)
        for lang in ("zh", "en"):
            assert render_text(got, lang, True) == render_text(want, lang, True)
