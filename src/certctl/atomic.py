"""One way to replace an output file: write a temporary file beside it, then rename it into place.

An interrupted run (crash, kill, full disk) leaves the previous file untouched. The temporary name
starts with a dot and ends in ``.tmp``, so it is never mistaken for a workbook by a folder scan; it is
unique (``tempfile.mkstemp``), so two runs never remove each other's. A long name is shortened in the
temporary one (:func:`certctl.pathnames.fit_name`) so that it too fits in 255 bytes.

The file gets the mode of personal-data files (:func:`certctl.state.file_mode`: 0600 less the umask
unless certctl.toml's ``[output] mode`` says otherwise); a caller may pass an exact ``mode``, e.g. to
keep the mode of the file it replaces.

The temporary file is flushed to disk (fsync) before the rename, and the folder after it where the OS
allows (not Windows, not some network shares): after a power cut the name shows the old file or the whole
new one, never an empty report or certctl.toml. One fsync per file written, none per row. A file system
that does not do fsync (EINVAL, ENOTSUP: some FUSE and network mounts) is left to its OS; any other
error (EIO, ENOSPC) fails the write like an error writing it, the previous file untouched.
"""

from __future__ import annotations

import errno
import os
import tempfile
from pathlib import Path
from typing import Callable

from .pathnames import TEMP_ROOM, fit_name
from .state import file_mode

#: fsync errors meaning "this file system does not flush on demand": not a failed write
_NO_FSYNC = frozenset({errno.EINVAL, errno.ENOTSUP, errno.EOPNOTSUPP})


def atomic_write(target: str | os.PathLike[str], write: Callable[[Path], None], mode: int | None = None) -> Path:
    """Call ``write(tmp_path)`` and rename the result onto ``target``; clean up on any failure."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{fit_name(target.name, room=TEMP_ROOM)}.", suffix=".tmp", dir=target.parent)
    os.close(fd)
    try:
        write(Path(tmp))
        sync_file(tmp)  # before the chmod: Windows needs write access to flush, and the mode may deny it
        os.chmod(tmp, file_mode() if mode is None else mode)
        os.replace(tmp, target)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
    sync_dir(target.parent)
    return target


def sync_file(path: str | os.PathLike[str]) -> None:
    """Flush ``path``'s data to disk; OSError if the disk says it failed (module doc)."""
    fd = os.open(path, (os.O_RDWR if os.name == "nt" else os.O_RDONLY) | getattr(os, "O_BINARY", 0))
    try:
        os.fsync(fd)
    except OSError as e:
        if e.errno not in _NO_FSYNC:
            raise
    finally:
        os.close(fd)


def sync_dir(path: str | os.PathLike[str]) -> None:
    """Flush a folder's entries (the rename) to disk, best effort: the file is in place already, so a
    folder that cannot be opened (Windows) or flushed (some shares) is left to the OS, not an error."""
    if os.name == "nt":
        return
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def atomic_write_bytes(target: str | os.PathLike[str], data: bytes, mode: int | None = None) -> Path:
    return atomic_write(target, lambda p: p.write_bytes(data), mode)
