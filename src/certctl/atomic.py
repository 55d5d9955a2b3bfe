"""One way to replace an output file: write a temporary file beside it, then rename it into place.

An interrupted run (crash, kill, full disk) leaves the previous file untouched. The temporary name
starts with a dot and ends in ``.tmp``, so it is never mistaken for a workbook by a folder scan.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Callable


def atomic_write(target: str | os.PathLike[str], write: Callable[[Path], None], mode: int = 0o644) -> Path:
    """Call ``write(tmp_path)`` and rename the result onto ``target``; clean up on any failure."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    os.close(fd)
    try:
        write(Path(tmp))
        os.chmod(tmp, mode)
        os.replace(tmp, target)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
    return target


def atomic_write_bytes(target: str | os.PathLike[str], data: bytes) -> Path:
    return atomic_write(target, lambda p: p.write_bytes(data))
