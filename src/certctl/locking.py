"""Unattended runs: a run lock so overlapping cron jobs do not collide, and an append-only log file.

``run_lock(path, timeout)`` holds an exclusive lock on ``path`` (created when missing) through the
`filelock <https://py-filelock.readthedocs.io>`_ library, on every platform: an ``flock`` on Linux and
macOS, a ``msvcrt`` lock on Windows, and where neither exists a lock file whose holder (pid, host) is
checked, so a lock left by a killed run is taken over. It waits at most ``timeout`` seconds and raises
:class:`LockBusy` when another run still holds it. The lock is released when the ``with`` block ends or
the process dies, so a killed run never leaves a lock to delete by hand. The lock file holds the
holder's pid and start time, for whoever investigates.

``RunLog(path)`` appends timestamped lines (``2024-06-05T07:30:01+08:00 certctl overdue: …``); every
ID number in a line is masked, whatever ``--show-id`` says. A log that cannot be written any more (a
full disk) does not stop the run: the first failure is kept in ``RunLog.error`` and nothing more is
written; the command reports it and exits 2.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import warnings
from pathlib import Path
from typing import Iterator

from .normalize import mask_ids_in_text

with warnings.catch_warnings():  # "only soft file lock is available": said in the docs, not on stderr
    warnings.simplefilter("ignore")
    import filelock

__all__ = ["LockBusy", "run_lock", "RunLog", "DEFAULT_LOCK_TIMEOUT"]

DEFAULT_LOCK_TIMEOUT = 60.0
_NATIVE = filelock.FileLock in (filelock.UnixFileLock, filelock.WindowsFileLock)


class LockBusy(Exception):
    """Another run holds the lock; ``str()`` is a bilingual message naming the lock file."""

    def __init__(self, path: Path, timeout: float, holder: str = "") -> None:
        self.path = path
        self.timeout = timeout
        self.holder = holder
        who = f"（{holder}）" if holder else ""
        super().__init__(
            f"另一个 certctl 任务正在运行{who}，等待 {timeout:g} 秒后仍未结束，本次退出；锁文件 {path}"
            f" / another certctl run holds the lock {path}; gave up after {timeout:g} s"
        )


def _note_holder(fd: int) -> None:
    """Write who holds the lock into the (native) lock file."""
    try:
        os.ftruncate(fd, 0)
        os.write(fd, f"pid {os.getpid()} since {_now()}\n".encode())
    except OSError:  # pragma: no cover - a lock file that cannot be written still locks
        pass


@contextlib.contextmanager
def run_lock(path: str | os.PathLike[str], timeout: float = DEFAULT_LOCK_TIMEOUT,
             poll: float = 0.1) -> Iterator[Path]:
    """Hold an exclusive lock on ``path`` for the ``with`` block; wait at most ``timeout`` seconds.
    OSError when the lock file cannot be created (a folder that is not writable)."""
    from .state import STATE_NAME, own_dir

    p = Path(path)
    if p.parent.name == STATE_NAME:  # .certctl/ beside a ledger or report: certctl's own, private (the ledger's copy)
        own_dir(p.parent)
    else:
        p.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    extra = {"on_acquired": _note_holder} if _NATIVE else {}
    lock = filelock.FileLock(str(p), mode=0o600, **extra)
    try:
        lock.acquire(timeout=max(0.0, timeout), poll_interval=poll)
    except filelock.Timeout:
        raise LockBusy(p, timeout, _holder(p)) from None
    try:
        yield p
    finally:
        lock.release()


def _holder(p: Path) -> str:
    try:
        text = p.read_text(encoding="utf-8", errors="replace").strip()
    except OSError:  # pragma: no cover - Windows: a locked file may not be readable
        return ""
    lines = text.splitlines()
    if lines and lines[0].isdigit():  # a soft lock: pid, host, start token
        return f"pid {lines[0]}" + (f" on {lines[1]}" if len(lines) > 1 else "")
    return text[:80]


def _now() -> str:
    return dt.datetime.now().astimezone().isoformat(timespec="seconds")


class RunLog:
    """Append timestamped, ID-masked lines to a log file (no-op when ``path`` is None).

    The file is created with the mode of personal-data files (:func:`certctl.state.file_mode`).
    Opening raises OSError (the CLI exits 2 at once); a later write that fails (disk full, file too
    large) sets ``error`` and stops logging instead of raising."""

    def __init__(self, path: str | os.PathLike[str] | None, command: str = "certctl") -> None:
        self.path = Path(path) if path else None
        self.command = command
        self.error: OSError | None = None
        if self.path is not None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            # fail early (clean exit 2 in the CLI) when the log cannot be written
            os.close(self._open())

    def _open(self) -> int:
        from .state import file_mode

        return os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT | getattr(os, "O_BINARY", 0), file_mode())

    def __call__(self, message: str) -> None:
        self.write(message)

    def write(self, message: str) -> None:
        if self.path is None or self.error is not None:
            return
        stamp = _now()
        lines = [mask_ids_in_text(line) for line in str(message).splitlines() or [""]]
        data = "".join(f"{stamp} {self.command}: {line}\n" for line in lines).encode("utf-8")
        try:
            fd = self._open()
            try:
                view = memoryview(data)
                while view:
                    view = view[os.write(fd, view):]
            finally:
                os.close(fd)
        except OSError as e:
            self.error = e
