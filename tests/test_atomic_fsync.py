"""certctl.atomic flushes the temporary file to disk before renaming it into place, then the folder (was: no
fsync, so after a power cut a report or certctl.toml could be empty under its name). A power cut cannot be
tested; what is: which file is flushed and when, that the written workbook is whole, that a failed flush
fails the write and leaves the previous file, and that a file system without fsync is not an error."""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from certctl import atomic
from certctl.atomic import atomic_write
from certctl.cli import app
from certctl.templates import build_template, save_deterministic
from test_cleanup import build


def _record(monkeypatch: pytest.MonkeyPatch, fail: int | None = None, on_dir: bool = False) -> list[tuple[str, int]]:
    """os.fsync and os.replace as called by certctl.atomic, in order: ("file", inode), ("dir", inode),
    ("replace", 0); ``fail`` an errno raised by fsync (of the folder only with ``on_dir``)."""
    calls: list[tuple[str, int]] = []
    real_fsync, real_replace = os.fsync, os.replace

    def fsync(fd: int) -> None:
        st = os.fstat(fd)
        kind = "dir" if stat.S_ISDIR(st.st_mode) else "file"
        calls.append((kind, st.st_ino))
        if fail is not None and (kind == "dir") == on_dir:
            raise OSError(fail, os.strerror(fail))
        real_fsync(fd)

    def replace(a: str, b: str) -> None:
        calls.append(("replace", 0))
        real_replace(a, b)

    monkeypatch.setattr(atomic.os, "fsync", fsync)
    monkeypatch.setattr(atomic.os, "replace", replace)
    return calls


def test_the_workbook_is_flushed_before_the_rename_and_the_folder_after(tmp_path: Path,
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    calls = _record(monkeypatch)
    target = save_deterministic(build_template("annex2"), tmp_path / "附件2.xlsx")
    assert [k for k, _ in calls] == ["file", "replace", "dir"]
    assert calls[0][1] == target.stat().st_ino and calls[2][1] == tmp_path.stat().st_ino
    assert load_workbook(target).sheetnames  # whole: opens
    assert [p.name for p in tmp_path.iterdir()] == ["附件2.xlsx"]  # no temporary file left


def test_a_failed_flush_fails_the_write_and_keeps_the_previous_file(tmp_path: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    target = save_deterministic(build_template("annex2"), tmp_path / "附件2.xlsx")
    before = target.read_bytes()
    _record(monkeypatch, fail=errno.EIO)
    with pytest.raises(OSError) as e:
        save_deterministic(build_template("annex4"), target)
    assert e.value.errno == errno.EIO
    assert target.read_bytes() == before and [p.name for p in tmp_path.iterdir()] == ["附件2.xlsx"]


@pytest.mark.parametrize("code,on_dir", [(errno.EINVAL, False), (errno.EOPNOTSUPP, False), (errno.EIO, True)])
def test_a_file_system_without_fsync_or_a_folder_that_cannot_be_flushed_is_no_error(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, code: int, on_dir: bool) -> None:
    calls = _record(monkeypatch, fail=code, on_dir=on_dir)
    target = atomic_write(tmp_path / "附件4.xlsx", lambda p: build_template("annex4").save(p))
    assert load_workbook(target).sheetnames and ("dir" in [k for k, _ in calls])


def test_cleanup_says_a_failed_flush_and_writes_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    forms = build(tmp_path)
    _record(monkeypatch, fail=errno.EIO)
    out = tmp_path / "专项清理"
    r = CliRunner().invoke(app, ["cleanup", "-d", str(forms), "-o", str(out), "--as-of", "2024-07-02"])
    assert r.exit_code == 2 and "无法写出" in r.output and "Traceback" not in r.output, r.output
    assert not list(out.glob("*.xlsx")) and not list(out.glob(".*.tmp"))
