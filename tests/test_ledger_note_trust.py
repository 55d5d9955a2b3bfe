"""The ledger's note and its kept copy are taken only from a private ``.certctl/`` folder, and only when
each is this user's own regular file: another user who can write the folder could otherwise plant a note
that says the clerk's edited ledger is as certctl wrote it — the edits then lost unsaid, no copy aside."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from certctl.cli import app
from certctl.ledger_edits import copy_path, note_path
from certctl.reader import file_hash

EXAMPLES = Path(__file__).parent.parent / "examples"
posix = pytest.mark.skipif(not hasattr(os, "geteuid"), reason="POSIX owners and permission bits")


def merge() -> object:
    return CliRunner().invoke(app, ["merge", "ledger", "--as-of", "2024-06-05"])


@pytest.fixture
def edited(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A merged ledger whose clerk then changed a cell certctl wrote (an edit that cannot be carried)."""
    shutil.copytree(EXAMPLES / "ledger", tmp_path / "ledger")
    monkeypatch.chdir(tmp_path)
    assert merge().exit_code == 1
    ledger = tmp_path / "台账.xlsx"
    wb = openpyxl.load_workbook(ledger)
    wb["证件台账"]["B2"].value = "改过的姓名"
    wb.save(ledger)
    return ledger


def _plant(ledger: Path, folder: Path) -> None:
    """A note and copy in ``folder`` saying the edited ledger is as certctl wrote it."""
    shutil.copyfile(ledger, folder / copy_path(ledger).name)
    note = json.loads(note_path(ledger).read_text(encoding="utf-8"))
    note.update(sha256=file_hash(ledger), notes=False)
    (folder / note_path(ledger).name).write_text(json.dumps(note, ensure_ascii=False), encoding="utf-8")


def _said_and_copied(ledger: Path, r: object) -> None:
    assert r.exit_code == 1, r.output
    assert r.output.count("不予采用") == 1, r.output
    assert "no note" not in r.output and "not taken" not in r.output  # Chinese only
    assert list(ledger.parent.glob("台账.*.bak.xlsx")), r.output  # the clerk's edit kept aside


def test_a_note_planted_in_the_private_folder_as_is_hides_nothing_it_is_checked(edited: Path) -> None:
    """(Control: the same planted note in the user's own private folder is taken — the attack works
    only where another user could write.)"""
    _plant(edited, edited.parent / ".certctl")
    r = merge()
    assert not list(edited.parent.glob("台账.*.bak.xlsx")) and "不予采用" not in r.output, r.output


@posix
def test_a_note_in_a_folder_others_can_write_is_not_taken(edited: Path) -> None:
    state = edited.parent / ".certctl"
    shared = edited.parent / "shared"
    state.rename(shared)
    os.chmod(shared, 0o777)
    state.symlink_to(shared)  # (a link: certctl tightens only a real folder of the user's own)
    _plant(edited, shared)
    _said_and_copied(edited, merge())


@posix
@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0, reason="chown to another user needs root")
def test_a_note_in_a_folder_another_user_owns_is_not_taken(edited: Path) -> None:
    state = edited.parent / ".certctl"
    _plant(edited, state)
    os.chown(state, 65534, 65534)
    os.chmod(state, 0o777)
    _said_and_copied(edited, merge())


@posix
@pytest.mark.parametrize("which", ["note", "copy"])
def test_a_note_or_copy_that_is_a_link_to_elsewhere_is_not_taken(edited: Path, tmp_path: Path, which: str) -> None:
    state = edited.parent / ".certctl"
    _plant(edited, state)
    target = note_path(edited) if which == "note" else copy_path(edited)
    elsewhere = tmp_path / f"elsewhere-{which}"
    target.rename(elsewhere)
    target.symlink_to(elsewhere)
    _said_and_copied(edited, merge())
