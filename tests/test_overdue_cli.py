"""`certctl overdue`: exit statuses, formats (table / JSON / CSV), quiet, log file, the run lock."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from certctl.cli import app
from certctl.locking import LockBusy, RunLog, run_lock
from certctl.samples import write_form
from test_overdue import A, B, META, P_LOST, P_RETIRED, P_STAY, build_campaign, survey_row

import datetime as dt

BIN = Path(sys.executable).parent / "certctl"


@pytest.fixture()
def campaign_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    build_campaign(tmp_path)  # writes tmp_path/ledger, the default forms_dir
    monkeypatch.chdir(tmp_path)  # no certctl.toml: defaults
    return tmp_path


def run(*args: str):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(app, ["overdue", *args])


@pytest.mark.parametrize("text", ["2024-06-05", "2024/6/5", "2024.6.5", "2024年6月5日"])
def test_default_dir_and_date_spellings_exit_1(campaign_dir: Path, text: str) -> None:
    r = run("--as-of", text)
    assert r.exit_code == 1, r.output
    assert "截至 2024-06-05 逾期事项（1 项）" in r.stdout
    assert "即将到期" in r.stdout and "今日到期" in r.stdout
    assert P_RETIRED["id"] not in r.stdout and "610933********" in r.stdout
    assert "Traceback" not in r.output


def test_nothing_overdue_exits_0(campaign_dir: Path) -> None:
    r = run("--as-of", "2024-05-01")
    assert r.exit_code == 0, r.output
    assert "逾期 0 项" in r.stdout


def test_quiet_prints_nothing_when_nothing_is_overdue(campaign_dir: Path) -> None:
    r = run("--as-of", "2024-05-01", "--quiet")
    assert (r.exit_code, r.stdout) == (0, "")
    r = run("--as-of", "2024-06-05", "--quiet")
    assert r.exit_code == 1
    assert "逾期事项" in r.stdout and "即将到期" not in r.stdout


@pytest.mark.parametrize("args, needle", [
    (["--as-of", "2024-13-01"], "不存在"),
    (["--as-of", "yesterday"], "无法识别"),
    (["--as-of", "2024-06-05", "--dir", "nowhere"], "nowhere 不存在"),
    (["--as-of", "2024-06-05", "--config", "missing.toml"], "配置"),
])
def test_errors_exit_2_without_traceback(campaign_dir: Path, args: list[str], needle: str) -> None:
    r = run(*args)
    assert r.exit_code == 2, r.output
    assert needle in r.output
    assert r.exception is None or isinstance(r.exception, SystemExit)


def test_bad_config_value_exits_2(campaign_dir: Path) -> None:
    (campaign_dir / "certctl.toml").write_text('[deadlines]\nreport_days = "abc"\n', encoding="utf-8")
    r = run("--as-of", "2024-06-05")
    assert r.exit_code == 2 and "report_days" in r.output


def test_config_forms_dir(campaign_dir: Path) -> None:
    (campaign_dir / "ledger").rename(campaign_dir / "forms")
    assert run("--as-of", "2024-06-05").exit_code == 2
    (campaign_dir / "certctl.toml").write_text('forms_dir = "forms"\n', encoding="utf-8")
    assert run("--as-of", "2024-06-05").exit_code == 1


def test_json_shape(campaign_dir: Path) -> None:
    r = run("--as-of", "2024-06-05", "--format", "json")
    assert r.exit_code == 1
    doc = json.loads(r.stdout)
    assert doc["as_of"] == "2024-06-05" and doc["files"] == 5
    assert [(o["unit"], o["name"], o["deadline"], o["late"]) for o in doc["overdue"]] == [
        (A, "王伟", "2024-05-27", 7)]
    # 李娜's revocation is due by the end of 自查自纠 (2024-07-01), not 3 working days after she left
    assert sorted((o["kind"], o["state"]) for o in doc["due_soon"]) == [("survey", "due_today"),
                                                                        ("training_plan", "due_today")]
    assert doc["counts"]["overdue"] == 1 and doc["counts"]["done_late"] == 1 and doc["counts"]["closed"] == 0
    assert "*" in doc["overdue"][0]["id"]
    full = json.loads(run("--as-of", "2024-06-05", "--format", "json", "--show-id").stdout)
    assert full["overdue"][0]["id"] == P_LOST["id"]


def test_csv_bom_header_and_rows(campaign_dir: Path) -> None:
    r = run("--as-of", "2024-06-05", "--format", "csv", "--lang", "en")
    raw = r.stdout_bytes
    assert raw.startswith("\ufeff".encode("utf-8"))
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0][:3] == ["state", "unit", "name"]
    assert [(x[0], x[2], x[8], x[9]) for x in rows[1:]] == [
        ("overdue", "王伟", "7", ""), ("due today", "", "", "0"), ("due today", "", "", "0")]


def test_csv_formula_cells_are_quoted(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    ledger = tmp_path / "ledger"
    write_form(ledger / "摸排.xlsx", "survey", {"survey_people": [
        survey_row(P_STAY, "61000002", name="-王伟", unit="@SUM(1+1)", status="退休",
                   leave_date=dt.date(2024, 5, 27), colour="红"),
    ]}, dict(META, unit=B, date=dt.date(2024, 6, 3)))
    monkeypatch.chdir(tmp_path)
    r = run("--as-of", "2024-07-02", "--format", "csv")  # past the end of 自查自纠 (07-01)
    rows = list(csv.reader(io.StringIO(r.stdout_bytes.decode("utf-8-sig"))))
    assert r.exit_code == 1
    assert rows[1][1:3] == ["'@SUM(1+1)", "'-王伟"]


def test_csv_safe() -> None:
    from certctl.cli.overdue import csv_safe

    assert [csv_safe(x) for x in ("=1+2", "+1", "-1", "@A1", "王伟", "", "2024-06-05")] == [
        "'=1+2", "'+1", "'-1", "'@A1", "王伟", "", "2024-06-05"]


def test_log_file_masks_ids_and_appends(campaign_dir: Path) -> None:
    log = campaign_dir / "logs" / "overdue.log"
    run("--as-of", "2024-06-05", "--quiet", "--log-file", str(log), "--show-id")
    run("--as-of", "2024-05-01", "--quiet", "--log-file", str(log))
    text = log.read_text(encoding="utf-8")
    lines = text.splitlines()
    assert "overdue=1" in lines[0] and "exit=1" in lines[0]
    assert len([x for x in lines if "overdue item: " in x]) == 1
    assert "exit=0" in lines[-1]
    assert P_LOST["id"] not in text and "610933********" + P_LOST["id"][-4:] in text
    assert all(x[:4] == "2024" or x[:2] == "20" for x in lines)  # timestamped


def test_error_is_logged(campaign_dir: Path) -> None:
    log = campaign_dir / "o.log"
    assert run("--as-of", "bad", "--log-file", str(log)).exit_code == 2
    assert "exit 2" in log.read_text(encoding="utf-8")


def test_second_run_waits_then_exits_2(campaign_dir: Path) -> None:
    from certctl.state import lock_file

    lock = lock_file("overdue", campaign_dir / "ledger")
    assert not str(lock).startswith(str(campaign_dir / "ledger"))  # not in the forms folder
    with run_lock(lock, 0):
        t0 = time.monotonic()
        r = run("--as-of", "2024-06-05", "--lock-timeout", "0.3")
        assert r.exit_code == 2
        assert "另一个 certctl 任务正在运行" in r.output
        assert time.monotonic() - t0 >= 0.3
    assert run("--as-of", "2024-06-05").exit_code == 1  # released


def test_lock_is_released_when_the_holder_dies(tmp_path: Path) -> None:
    lock = tmp_path / "x.lock"
    code = f"import time; from certctl.locking import run_lock\nwith run_lock({str(lock)!r}, 0):\n    print('held', flush=True); time.sleep(30)\n"
    p = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    try:
        assert p.stdout.readline().strip() == "held"
        with pytest.raises(LockBusy):
            with run_lock(lock, 0.2):
                pass
    finally:
        p.kill()
        p.wait()
    with run_lock(lock, 1):
        pass


def test_real_process_not_a_tty_has_no_colour(campaign_dir: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("FORCE_COLOR", "TERM")}
    p = subprocess.run([str(BIN), "overdue", "--as-of", "2024-06-05"], capture_output=True, text=True,
                       cwd=campaign_dir, env=env, timeout=60)
    assert p.returncode == 1
    assert "\x1b[" not in p.stdout and "逾期事项" in p.stdout
    p = subprocess.run([str(BIN), "overdue", "--as-of", "2024-99-99"], capture_output=True, text=True,
                       cwd=campaign_dir, env=env, timeout=60)
    assert p.returncode == 2 and "Traceback" not in p.stderr and p.stdout == ""


def test_runlog_noop_without_path(tmp_path: Path) -> None:
    RunLog(None).write("nothing")  # no error, no file
    assert list(tmp_path.iterdir()) == []
