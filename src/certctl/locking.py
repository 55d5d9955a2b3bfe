"""Unattended runs: a run lock so overlapping cron jobs do not collide, and an append-only log file.

``run_lock(path, timeout)`` takes an exclusive ``fcntl.flock`` on ``path`` (created when missing), waiting
at most ``timeout`` seconds; it raises :class:`LockBusy` when another run still holds it. The lock is
released when the ``with`` block ends or the process dies (the kernel drops flock locks with the file
descriptor), so a killed run never leaves a stale lock behind. The lock file itself is left in place
(empty except for the holder's pid and start time, for whoever investigates).

``RunLog(path)`` appends timestamped lines (``2024-06-05T07:30:01+08:00 certctl overdue: …``); every
ID number in a line is masked, whatever ``--show-id`` says.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import time
from pathlib import Path
from typing import Iterator

from .normalize import mask_ids_in_text

try:  # pragma: no cover - fcntl is POSIX only
    import fcntl
except ImportError:  # pragma: no cover
    fcntl = None  # type: ignore[assignment]

__all__ = ["LockBusy", "run_lock", "RunLog", "DEFAULT_LOCK_TIMEOUT"]

DEFAULT_LOCK_TIMEOUT = 60.0


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


@contextlib.contextmanager
def run_lock(path: str | os.PathLike[str], timeout: float = DEFAULT_LOCK_TIMEOUT,
             poll: float = 0.1) -> Iterator[Path]:
    """Hold an exclusive lock on ``path`` for the ``with`` block; wait at most ``timeout`` seconds."""
    p = Path(path)
    p.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(p, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        if fcntl is not None:
            deadline = time.monotonic() + max(0.0, timeout)
            while True:
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() >= deadline:
                        raise LockBusy(p, timeout, _holder(p)) from None
                    time.sleep(poll)
        try:
            os.ftruncate(fd, 0)
            os.write(fd, f"pid {os.getpid()} since {_now()}\n".encode())
        except OSError:  # pragma: no cover - a read-only lock file still locks
            pass
        yield p
    finally:
        os.close(fd)  # releases the flock


def _holder(p: Path) -> str:
    try:
        return p.read_text(encoding="utf-8", errors="replace").strip()[:80]
    except OSError:  # pragma: no cover
        return ""


def _now() -> str:
    return dt.datetime.now().astimezone().isoformat(timespec="seconds")


class RunLog:
    """Append timestamped, ID-masked lines to a log file (no-op when ``path`` is None)."""

    def __init__(self, path: str | os.PathLike[str] | None, command: str = "certctl") -> None:
        self.path = Path(path) if path else None
        self.command = command
        if self.path is not None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            # fail early (clean exit 2 in the CLI) when the log cannot be written
            with open(self.path, "a", encoding="utf-8"):
                pass

    def __call__(self, message: str) -> None:
        self.write(message)

    def write(self, message: str) -> None:
        if self.path is None:
            return
        stamp = _now()
        lines = [mask_ids_in_text(line) for line in str(message).splitlines() or [""]]
        with open(self.path, "a", encoding="utf-8") as fh:
            for line in lines:
                fh.write(f"{stamp} {self.command}: {line}\n")
