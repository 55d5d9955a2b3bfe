"""A clerk whose umask is 002 (the default for users on Ubuntu, Debian, UOS, Kylin): merge made the
ledger's ``.certctl/`` folder group-writable (0775), then refused to keep the ledger's note there (a folder
others can write is not trusted), so every later merge of a ledger with 处理情况 typed in said '找不到上次写出
台账时的记录' and copied the ledger aside — a .bak.xlsx of personal data a day from cron."""

from __future__ import annotations

import os
import shutil
import stat
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from certctl.cli import app
from test_ledger_elsewhere import _type_note

EXAMPLES = Path(__file__).parent.parent / "examples"
posix = pytest.mark.skipif(not hasattr(os, "geteuid"), reason="POSIX permission bits")


@pytest.fixture
def umask002(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    shutil.copytree(EXAMPLES / "ledger", tmp_path / "ledger")
    monkeypatch.chdir(tmp_path)
    old = os.umask(0o002)
    try:
        yield tmp_path
    finally:
        os.umask(old)


def merge(day: str) -> object:
    return CliRunner().invoke(app, ["merge", "ledger", "--as-of", day])


def _notes(ledger: Path) -> dict[str, object]:
    ws = openpyxl.load_workbook(ledger)["证件台账"]
    col = next(c.column for c in ws[1] if c.value == "处理情况")
    return {r[0].value: r[col - 1].value for r in ws.iter_rows(min_row=2) if r[col - 1].value}


@posix
def test_notes_are_carried_without_a_copy_aside_under_umask_002(umask002: Path) -> None:
    assert merge("2024-06-05").exit_code == 1
    state = umask002 / ".certctl"
    assert not stat.S_IMODE(state.stat().st_mode) & 0o022, oct(state.stat().st_mode)
    _type_note(umask002 / "台账.xlsx", "320681200002", "已电话催办 6/5")
    for day in ("2024-06-06", "2024-06-07"):
        r = merge(day)
        assert r.exit_code == 1 and "另存为" not in r.output, r.output
    assert _notes(umask002 / "台账.xlsx") == {"320681200002": "已电话催办 6/5"}
    assert not list(umask002.glob("*.bak.xlsx"))


@posix
def test_a_group_writable_state_folder_an_earlier_run_made_is_tightened(umask002: Path) -> None:
    state = umask002 / ".certctl"
    state.mkdir()
    os.chmod(state, 0o775)  # as certctl made it before under umask 002
    assert merge("2024-06-05").exit_code == 1
    assert stat.S_IMODE(state.stat().st_mode) & 0o022 == 0
    assert (state / "台账.xlsx.json").is_file()  # the note is kept
    _type_note(umask002 / "台账.xlsx", "320681200002", "已收回")
    r = merge("2024-06-06")
    assert "另存为" not in r.output, r.output
    assert _notes(umask002 / "台账.xlsx") == {"320681200002": "已收回"}


@posix
def test_a_report_lock_folder_is_private(umask002: Path) -> None:
    r = CliRunner().invoke(app, ["report", "ledger", "--as-of", "2024-06-05", "-o", "reports"])
    assert r.exit_code in (0, 1), r.output
    assert stat.S_IMODE((umask002 / "reports/.certctl").stat().st_mode) == 0o700


@posix
def test_a_note_that_cannot_be_kept_does_not_blame_the_clerk_for_certctls_changes(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    shutil.copytree(EXAMPLES / "ledger", tmp_path / "ledger")
    later = tmp_path / "ledger/启东市城市管理局/附件2_注销_2024-06-03.xlsx"
    held = tmp_path / "附件2.xlsx"
    later.rename(held)
    monkeypatch.chdir(tmp_path)
    assert merge("2024-06-05").exit_code == 1
    shared = tmp_path / "shared-state"  # .certctl/ made a link to a folder the group can write
    (tmp_path / ".certctl").rename(shared)
    os.chmod(shared, 0o775)
    (tmp_path / ".certctl").symlink_to(shared)
    held.rename(later)  # a form arrives: certctl rewrites rows and sheets, its note cannot be updated
    r = merge("2024-06-05")
    assert r.exit_code == 1 and "无法在" in r.output and "保存本次写出的台账的记录" in r.output, r.output
    assert not list(shared.iterdir()) or {f.name for f in shared.iterdir()} <= {"台账.xlsx.lock"}, list(shared.iterdir())
    _type_note(tmp_path / "台账.xlsx", "320681200002", "已电话催办")  # the clerk only types a note
    r = merge("2024-06-06")
    assert "改动了工作表" not in r.output and "由表格生成的内容" not in r.output, r.output


@posix
def test_a_state_folder_an_older_certctl_left_0755_is_made_private_by_any_merge_and_by_reading_the_ledger(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An older certctl made .certctl/ 0755 (umask 022): others could list which ledgers are merged there. A
    merge that finds nothing changed ("台账无变化") and overdue/report --ledger make it 0700 too, not only
    a merge that writes there."""
    shutil.copytree(EXAMPLES / "ledger", tmp_path / "ledger")
    monkeypatch.chdir(tmp_path)
    state = tmp_path / ".certctl"
    assert CliRunner().invoke(app, ["merge", "ledger", "--as-of", "2024-06-05", "--sqlite", "台账.sqlite"]).exit_code == 1
    os.chmod(state, 0o755)
    r = CliRunner().invoke(app, ["merge", "ledger", "--as-of", "2024-06-05", "--sqlite", "台账.sqlite"])
    assert "台账无变化" in r.output, r.output
    assert stat.S_IMODE(state.stat().st_mode) == 0o700
    for command in (["overdue", "--ledger", "台账.sqlite"], ["report", "--ledger", "台账.sqlite", "-o", "reports"]):
        os.chmod(state, 0o755)
        r = CliRunner().invoke(app, [*command, "--as-of", "2024-06-05"])
        assert r.exit_code in (0, 1), r.output
        assert stat.S_IMODE(state.stat().st_mode) == 0o700, command


@posix
def test_a_state_folder_of_another_user_or_a_link_is_not_changed(tmp_path: Path) -> None:
    from certctl.state import tighten

    shared = tmp_path / "shared"
    shared.mkdir(mode=0o755)
    os.chmod(shared, 0o755)
    (tmp_path / ".certctl").symlink_to(shared)
    tighten(tmp_path / ".certctl")  # a link: its target is not chmod-ed through it
    assert stat.S_IMODE(shared.stat().st_mode) == 0o755
    tighten(tmp_path / "absent")  # nothing made
    assert not (tmp_path / "absent").exists()
