"""`certctl overdue --ledger 台账.sqlite`: the obligations judged from the SQLite ledger a merge wrote
print what `certctl overdue FORMS_DIR` prints for the folder it merged, on any as-of day — same lines,
JSON, CSV, exit status and ID masking; only the summary line (and JSON's "ledger") says where they came
from. A file that is not a current certctl SQLite ledger, or one merged under other settings, is refused
with exit 2 and a Chinese message."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import shutil
import sqlite3
from pathlib import Path
from typing import Any, Iterator

import pytest
from typer.testing import CliRunner

from certctl.cli import app
from certctl.config import make_calendar
from certctl.ledger_sqlite import SCHEMA_VERSION, read_docket
from certctl.model import build_docket
from certctl.overdue import load_forms
from certctl.validate import Options
from test_merge import build_dir
from test_overdue import build_campaign

ROOT = Path(__file__).resolve().parent.parent
MERGED_ON = "2024-06-06"  # the day the merge judged on (its own obligations table)
DAYS = ["2024-05-09", "2024-05-27", "2024-06-03", "2024-06-05", "2024-06-06", "2024-06-11", "2024-07-26",
        "2024-08-01"]


def invoke(*args: str):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(app, list(args))


def _campaign(tmp: Path) -> Path:
    return build_campaign(tmp)  # overdue, due soon, due today, done and done-late items, campaign items


def _merge_test(tmp: Path) -> Path:
    return build_dir(tmp / "forms")  # cross-form findings, an unreadable file, a duplicate


def _examples(tmp: Path) -> Path:
    return ROOT / "examples" / "ledger"


def _merge(forms: Path, tmp: Path) -> Path:
    db = tmp / "out" / "台账.sqlite"
    r = invoke("merge", str(forms), "-o", str(tmp / "out" / "台账.xlsx"), "--sqlite", str(db), "--as-of", MERGED_ON,
               "-q")
    assert r.exit_code in (0, 1), r.output
    assert db.is_file()
    return db


@pytest.fixture(scope="module", params=[_examples, _campaign, _merge_test], ids=["examples", "campaign", "merge"])
def merged(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    tmp = tmp_path_factory.mktemp("ledger")
    forms = request.param(tmp).resolve()
    with pytest.MonkeyPatch.context() as mp:
        mp.chdir(tmp)  # no certctl.toml: the defaults, for the merge and every overdue run
        mp.setenv("XDG_CACHE_HOME", str(tmp / "xdg"))
        return forms, _merge(forms, tmp)


@pytest.fixture()
def here(merged: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path]:
    monkeypatch.chdir(merged[1].parent.parent)
    return merged


def _both(forms: Path, db: Path, *args: str):  # type: ignore[no-untyped-def]
    a = invoke("overdue", str(forms), *args)
    b = invoke("overdue", "--ledger", str(db), *args)
    assert a.exception is None or isinstance(a.exception, SystemExit), a.output
    assert b.exception is None or isinstance(b.exception, SystemExit), b.output
    assert a.exit_code == b.exit_code, (a.output, b.output)
    assert a.stderr == b.stderr  # the same warnings (the files the merge could not read …)
    return a, b


@pytest.mark.parametrize("day", DAYS)
def test_text_is_the_folders_but_the_summary_line(here: tuple[Path, Path], day: str) -> None:
    forms, db = here
    a, b = _both(forms, db, "--as-of", day)
    la, lb = a.stdout.splitlines(), b.stdout.splitlines()
    assert la[:-1] == lb[:-1]
    head = la[-1].split("（")[0]
    assert lb[-1].startswith(head + "（据 SQLite 台账 " + str(db) + "，")
    assert f"合并自 {forms} 的 " in lb[-1] and "之后收到的表格不在其中" in lb[-1]


@pytest.mark.parametrize("day", DAYS)
@pytest.mark.parametrize("extra", [[], ["--show-id"], ["--lang", "en"], ["--quiet"]])
def test_json_is_the_folders(here: tuple[Path, Path], day: str, extra: list[str]) -> None:
    forms, db = here
    a, b = _both(forms, db, "--as-of", day, "--format", "json", *extra)
    if not a.stdout:
        assert b.stdout == ""  # --quiet, nothing overdue
        return
    ja, jb = json.loads(a.stdout), json.loads(b.stdout)
    source = jb.pop("ledger")
    assert ja == jb
    assert source["path"] == str(db) and source["merged_at"][:10] == dt.date.today().isoformat()


@pytest.mark.parametrize("day", ["2024-05-27", "2024-06-05", "2024-07-26"])
@pytest.mark.parametrize("extra", [[], ["--show-id"], ["--quiet"], ["--lang", "en"]])
def test_csv_and_quiet_text_are_the_folders(here: tuple[Path, Path], day: str, extra: list[str]) -> None:
    forms, db = here
    a, b = _both(forms, db, "--as-of", day, "--format", "csv", *extra)
    assert a.stdout == b.stdout
    a, b = _both(forms, db, "--as-of", day, "--quiet", *extra)
    assert a.stdout == b.stdout  # no summary line: the very same text


def test_ids_masked_unless_asked(here: tuple[Path, Path]) -> None:
    forms, db = here
    b = invoke("overdue", "--ledger", str(db), "--as-of", "2024-06-11", "--format", "json", "--show-id")
    shown = [o["id"] for o in json.loads(b.stdout)["overdue"] if o["id"]]
    b = invoke("overdue", "--ledger", str(db), "--as-of", "2024-06-11", "--format", "json")
    masked = [o["id"] for o in json.loads(b.stdout)["overdue"] if o["id"]]
    assert len(shown) == len(masked)
    assert all("*" in m and m != s for m, s in zip(masked, shown))


def test_every_day_judged_as_the_forms_are(merged: tuple[Path, Path]) -> None:
    """The docket read back from the file is the one the forms give: the same obligations, states,
    working days late and left, 证件状态 and 红黄绿, on every day from before the first form to after
    the campaign's end — before the merge's own day too (an action dated later has not happened yet)."""
    forms, db = merged
    cal = make_calendar()
    stored = read_docket(db).docket
    fresh = build_docket(load_forms(forms, Options()), None, calendar=cal)
    day, seen = dt.date(2024, 4, 20), set()
    while day <= dt.date(2024, 8, 10):
        got = [o.to_dict(True) for o in stored.judge(day, cal)]
        assert got == [o.to_dict(True) for o in fresh.judge(day, cal)], day
        seen.update(o["state"] for o in got)
        day += dt.timedelta(days=1)
    assert {"overdue", "due_today", "due_soon", "done"} <= seen  # the test can tell them apart


def test_obligations_table_is_the_merge_days_judgement(merged: tuple[Path, Path]) -> None:
    """The stored table and the stored clocks agree on the merge's day."""
    forms, db = merged
    con = sqlite3.connect(db)
    rows = con.execute("SELECT cert, deadline, working_days_late, working_days_left FROM obligations ORDER BY row")
    table = sorted((c or "", d or "", late or 0, left or 0) for c, d, late, left in rows)
    con.close()
    obs = read_docket(db).docket.judge(dt.date.fromisoformat(MERGED_ON), make_calendar())
    judged = sorted((o.cert, o.deadline.isoformat() if o.deadline else "",
                     o.late if o.state in ("overdue", "done_late") else 0,
                     o.days_left if o.state in ("due_soon", "open") else 0) for o in obs)
    assert table == judged


# ------------------------------------------------------------------------------------ refusals
def _refused(args: list[str], needle: str) -> None:
    r = invoke("overdue", *args, "--as-of", "2024-06-05")
    assert r.exit_code == 2, r.output
    assert needle in r.stderr and r.stdout == ""
    assert r.exception is None or isinstance(r.exception, SystemExit)
    assert "Traceback" not in r.output


@pytest.fixture()
def one(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path]:
    monkeypatch.chdir(tmp_path)
    forms = _campaign(tmp_path)
    return forms, _merge(forms, tmp_path)


def unusable_ledgers(forms: Path, db: Path, tmp_path: Path, damage: str) -> list[tuple[list[str], str]]:
    """(arguments, what the refusal says) for every file or call that must be refused with exit 2: a
    missing file, an empty one, text, a workbook, someone else's database, a folder, an older and a newer
    schema, ``db`` damaged by the SQL ``damage``, and a forms folder given with --ledger."""
    (tmp_path / "空.sqlite").write_bytes(b"")
    (tmp_path / "文本.sqlite").write_text("台账", encoding="utf-8")
    other = sqlite3.connect(tmp_path / "别人的.sqlite")
    other.execute("CREATE TABLE t (x)")
    other.close()
    out = [(["--ledger", str(tmp_path / "无.sqlite")], "不存在")]
    out += [(["--ledger", str(f)], "不是 certctl 写出的 SQLite 台账")
            for f in (tmp_path / "空.sqlite", tmp_path / "文本.sqlite", db.with_suffix(".xlsx"), tmp_path / "别人的.sqlite")]
    out.append((["--ledger", str(tmp_path)], "是文件夹"))
    for version, needle in ((SCHEMA_VERSION - 1, "较早版本"), (SCHEMA_VERSION + 1, "较新版本")):
        old = tmp_path / f"v{version}.sqlite"
        shutil.copy(db, old)
        con = sqlite3.connect(old)
        con.execute(f"PRAGMA user_version = {version}")
        con.close()
        out.append((["--ledger", str(old)], needle))
    damaged = tmp_path / "改过.sqlite"
    shutil.copy(db, damaged)
    con = sqlite3.connect(damaged)
    con.execute(damage)
    con.commit()
    con.close()
    out.append((["--ledger", str(damaged)], "已损坏或被改动"))
    out.append(([str(forms), "--ledger", str(db)], "只能给一个"))
    return out


def test_refuses_what_is_not_a_current_ledger(one: tuple[Path, Path], tmp_path: Path) -> None:
    forms, db = one
    for args, needle in unusable_ledgers(forms, db, tmp_path,
                                         "UPDATE clock_certificates SET colour_inputs = '{\"$o\": \"os:system\"}'"):
        _refused(args, needle)


def test_english_refusal(one: tuple[Path, Path], tmp_path: Path) -> None:
    r = invoke("overdue", "--ledger", str(tmp_path / "none.sqlite"), "--lang", "en")
    assert r.exit_code == 2 and "does not exist" in r.stderr


def test_other_settings_refused_until_merged_again(one: tuple[Path, Path], tmp_path: Path) -> None:
    forms, db = one
    ok = invoke("overdue", "--ledger", str(db), "--as-of", "2024-06-05")
    assert ok.exit_code == 1, ok.output
    (tmp_path / "certctl.toml").write_text("lang = \"zh\"\nledger = \"别处.xlsx\"\n", encoding="utf-8")
    assert invoke("overdue", "--ledger", str(db), "--as-of", "2024-06-05").exit_code == 1  # not a judging setting
    (tmp_path / "certctl.toml").write_text("[deadlines]\nreport_days = 5\n", encoding="utf-8")
    _refused(["--ledger", str(db)], "[deadlines]")
    (tmp_path / "certctl.toml").write_text("[calendar.2024]\nholidays = [2024-06-04]\n", encoding="utf-8")
    _refused(["--ledger", str(db)], "[calendar]")
    _merge(forms, tmp_path)  # merged again under the new calendar: judged, as the folder is
    a, b = _both(forms, db, "--as-of", "2024-06-05", "--format", "json")
    jb = json.loads(b.stdout)
    jb.pop("ledger")
    assert json.loads(a.stdout) == jb


def test_never_writes_over_the_ledger(one: tuple[Path, Path]) -> None:
    forms, db = one
    before = db.read_bytes()
    for opt in ("--output", "--log-file"):
        r = invoke("overdue", "--ledger", str(db), "--as-of", "2024-06-05", opt, str(db))
        assert r.exit_code == 2 and "不是 certctl 写出的" in r.stderr, r.output
    assert db.read_bytes() == before


def test_log_names_the_ledger(one: tuple[Path, Path], tmp_path: Path) -> None:
    forms, db = one
    log = tmp_path / "overdue.log"
    r = invoke("overdue", "--ledger", str(db), "--as-of", "2024-06-05", "--log-file", str(log))
    assert r.exit_code == 1
    assert f"ledger={db}" in log.read_text(encoding="utf-8")


# ------------------------------------------------------------------------------------ property
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from test_model_properties import days, workspaces, write  # noqa: E402


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(workspaces(), days)
def test_stored_docket_is_the_model_on_any_day(ws: tuple, other: dt.date) -> None:
    """For random folders (dates around the holidays), the docket written to the SQLite file and read
    back, judged on another day than the merge's, gives the obligations — states, working days,
    status and colour — of the model built on that day."""
    from certctl.model import build_model

    cal = make_calendar()
    with stored_folder(ws) as (forms, db, root):
        stored = read_docket(db)
        assert stored.forms_dir == str(root.absolute())
        got = [o.to_dict(True) for o in stored.docket.judge(other, cal)]
        want = [o.to_dict(True) for o in build_model(forms, None, other, calendar=cal).obligations]
        # a docket names status and colour on the items of a certificate that has one needing attention
        attention = {o["cert"] for o in want if o["state"] in ("overdue", "due_today", "due_soon")}
        for o in want:
            if o["cert"] not in attention:
                o["status"] = o["colour"] = None
        assert got == want
        assert any(o["status"] for o in got) or not any(o["state"] == "overdue" and o["cert"] for o in got)


@contextlib.contextmanager
def stored_folder(ws: tuple, report: bool = False) -> Iterator[tuple[Any, Path, Path]]:
    """A random folder (test_model_properties.workspaces) written and read, and its model's SQLite ledger
    written as a merge on the folder's own day writes it (``report``: with what the report needs):
    (workspace, the ledger, the folder)."""
    import tempfile

    from certctl.config import judging_settings
    from certctl.ledger_sqlite import report_inputs, write_sqlite
    from certctl.model import build_model

    rows, with_registry, as_of = ws
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "forms"
        write(root, rows, with_registry)
        forms = load_forms(root, Options())
        model = build_model(forms, None, as_of, calendar=make_calendar())
        db = write_sqlite([], Path(tmp) / "台账.sqlite", as_of=as_of, docket=model.docket, forms_dir=root,
                          settings=judging_settings(None), report=report_inputs(model, forms) if report else None)
        yield forms, db, root
