"""File names as they can be shown and written.

A file name unzipped from a Windows archive is often in GBK bytes (``b'\\xb3\\xc7\\xb9\\xdc.xlsx'`` for
城管.xlsx), not UTF-8. Python keeps such a name as a str with "surrogate" characters, which opens the
file fine but cannot be printed, hashed as UTF-8 or written into a workbook. ``shown`` gives the name
with each undecodable byte escaped (``\\xb3ǹ\\xdc.xlsx``): the same on every run, readable, and safe in
every output. The file itself is always opened by its real name, never by the shown one.
"""

from __future__ import annotations

import os


def shown(path: str | bytes | os.PathLike) -> str:
    """``path`` as text that every output can take: undecodable bytes escaped as ``\\xNN``."""
    raw = os.fspath(path)
    if isinstance(raw, bytes):
        return raw.decode("utf-8", "backslashreplace")
    try:
        raw.encode("utf-8")
        return raw
    except UnicodeEncodeError:
        return raw.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


def undecodable(path: str | os.PathLike) -> bool:
    """Whether the name holds bytes that are not UTF-8 (shown escaped)."""
    return shown(path) != os.fspath(path)
