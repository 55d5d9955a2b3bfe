"""File names as they can be shown and written.

A file name unzipped from a Windows archive is often in GBK bytes (``b'\\xb3\\xc7\\xb9\\xdc.xlsx'`` for
城管.xlsx), not UTF-8. Python keeps such a name as a str with "surrogate" characters, which opens the
file fine but cannot be printed, hashed as UTF-8 or written into a workbook. ``shown`` gives the name
with each undecodable byte escaped (``\\xb3ǹ\\xdc.xlsx``): the same on every run, readable, and safe in
every output. The file itself is always opened by its real name, never by the shown one.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path


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


# ------------------------------------------------------------------------------ names certctl builds
#: the longest file name a file system takes: 255 bytes of UTF-8 (Linux ext4, macOS), 255 UTF-16 units
#: (Windows NTFS)
NAME_MAX = 255
#: room a temporary name takes around the name it stands for: ``.`` + name + ``.<pid>.tmp`` (a pid of up
#: to 10 digits) or ``.`` + name + ``.XXXXXXXX.tmp`` (:func:`tempfile.mkstemp`)
TEMP_ROOM = len(".") + len(".") + 10 + len(".tmp")
_MARK = 1 + 8  # "~" and 8 hex digits of the full name


def _bytes(s: str) -> bytes:
    try:
        return s.encode("utf-8", "surrogateescape")  # a GBK name read on Linux: each escape is one byte
    except UnicodeEncodeError:
        return s.encode("utf-8", "surrogatepass")


def _cost(s: str) -> int:
    """What ``s`` takes of a file name: the larger of its UTF-8 bytes and its UTF-16 units."""
    return max(len(_bytes(s)), len(s.encode("utf-16-le", "surrogatepass")) // 2)


def fit(stem: str, tail: str = "", *, head: str = "", room: int = 0) -> str:
    """``head + stem + tail``, a file name certctl builds around ``stem`` (the clerk's name), made to fit
    in :data:`NAME_MAX` bytes of UTF-8 and UTF-16 units less ``room`` (what a caller adds around it later).

    Unchanged when it fits. Otherwise ``head`` and ``tail`` (certctl's own parts, the extension) are kept
    whole and ``stem`` is cut at its end, on a character boundary, and given ``~`` and 8 hex digits of a
    hash of the whole ``stem`` — so two long names sharing their first characters stay two names, and the
    same name always gives the same short name (a later run finds its temp files, locks and backups).
    When even ``head + tail`` leave no room, the name is given back unchanged (the file system's "name too
    long" is then the clerk's message)."""
    whole = head + stem + tail
    limit = NAME_MAX - room
    if _cost(whole) <= limit:
        return whole
    budget = limit - _cost(head) - _cost(tail) - _MARK
    if budget < 0:
        return whole
    mark = "~" + hashlib.sha256(_bytes(stem)).hexdigest()[:8]
    return head + _cut(stem, budget) + mark + tail


def fit_name(name: str, *, head: str = "", tail: str = "", room: int = 0) -> str:
    """:func:`fit` for a whole file name ``name`` (e.g. ``台账.xlsx``): its stem is cut, its extension kept."""
    dot = name.rfind(".")
    ext = name[dot:] if 0 < dot and len(name) - dot <= 8 else ""  # .xlsx, .sqlite3: not a sentence after a dot
    return fit(name[: len(name) - len(ext)], ext + tail, head=head, room=room)


def _cut(s: str, budget: int) -> str:
    """The longest start of ``s`` costing at most ``budget`` (bytes and UTF-16 units): whole characters
    only — a Python str holds code points, so no UTF-8 sequence or surrogate pair is split."""
    b = u = 0
    for i, ch in enumerate(s):
        nb = len(_bytes(ch))
        nu = 2 if ord(ch) > 0xFFFF else 1
        if max(b + nb, u + nu) > budget:
            return s[:i]
        b += nb
        u += nu
    return s


def too_long(path: str | os.PathLike) -> str | None:
    """The part of ``path`` (a folder's or the file's name) longer than a file system takes, if any: a
    name the clerk chose, which certctl does not shorten for them."""
    for part in Path(path).parts:
        if _cost(part) > NAME_MAX:
            return part
    return None
