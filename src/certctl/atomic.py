"""One way to replace an output file: write a temporary file beside it, then rename it into place.

An interrupted run (crash, kill, full disk) leaves the previous file untouched. The temporary name
starts with a dot and ends in ``.tmp``, so it is never mistaken for a workbook by a folder scan; it is
unique (``tempfile.mkstemp``), so two runs never remove each other's. A long name is shortened in the
temporary one (:func:`certctl.pathnames.fit_name`) so that it too fits in 255 bytes.

The file gets the mode of personal-data files (:func:`certctl.state.file_mode`: 0600 less the umask
unless certctl.toml's ``[output] mode`` says otherwise); a caller may pass an exact ``mode``, e.g. to
keep the mode of the file it replaces.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Callable

from .pathnames import TEMP_ROOM, fit_name
from .state import file_mode


def atomic_write(target: str | os.PathLike[str], write: Callable[[Path], None], mode: int | None = None) -> Path:
    """Call ``write(tmp_path)`` and rename the result onto ``target``; clean up on any failure."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{fit_name(target.name, room=TEMP_ROOM)}.", suffix=".tmp", dir=target.parent)
    os.close(fd)
    try:
        write(Path(tmp))
        os.chmod(tmp, file_mode() if mode is None else mode)
        os.replace(tmp, target)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
    return target


def atomic_write_bytes(target: str | os.PathLike[str], data: bytes, mode: int | None = None) -> Path:
    return atomic_write(target, lambda p: p.write_bytes(data), mode)
