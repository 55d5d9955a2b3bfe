"""Where certctl keeps its own files, and with which permissions it creates files holding personal data.

State is what certctl writes for itself, never what a clerk reads: locks and the cache of results.
None of it is needed inside the forms folder, so a read-only forms share works:

- the cache and the lock of ``overdue`` live in the *state folder*: ``state_dir`` in certctl.toml, else
  ``$CERTCTL_STATE_DIR``, else the user's cache folder (``~/.cache/certctl`` on Linux, honouring
  ``$XDG_CACHE_HOME``; ``%LOCALAPPDATA%\\certctl\\Cache`` on Windows — platformdirs), else, when that
  cannot be created, ``certctl-<uid>`` in the system's temporary folder;
- what belongs to one output lives in a ``.certctl/`` folder beside it: the ledger's lock, a byte copy
  of the ledger certctl last wrote there and the note of it (``台账.xlsx.lock``, ``台账.xlsx.written.xlsx``,
  ``台账.xlsx.json``), the report folder's lock.

Files certctl writes that hold personal data (ledger, annotated copies, reports, logs, CSV/JSON output,
the cache) are created with mode 0600 less the umask, unless certctl.toml says otherwise::

    [output]
    mode = "0640"

:func:`configure` is called once by the command line with the loaded config; library users may call it
too. :func:`file_mode` is the mode to create a file with (umask applied).
"""

from __future__ import annotations

import hashlib
import os
import stat as S
import tempfile
from pathlib import Path
from typing import Any

__all__ = ["STATE_ENV", "DEFAULT_MODE", "configure", "state_dir", "beside", "own_dir", "tighten", "file_mode", "umask",
           "private_dir", "check_private", "unsafe", "key_of", "lock_file"]

STATE_ENV = "CERTCTL_STATE_DIR"
STATE_NAME = ".certctl"
DEFAULT_MODE = 0o600

_settings: dict[str, Any] = {"state_dir": None, "mode": DEFAULT_MODE}


def configure(cfg: Any = None, *, state_dir: str | os.PathLike[str] | None = None, mode: int | None = None) -> None:
    """Take ``state_dir`` and ``[output] mode`` from a :class:`certctl.config.Config` (or given directly)."""
    if cfg is not None:
        state_dir = state_dir if state_dir is not None else getattr(cfg, "state_dir", None)
        out = getattr(cfg, "output", None)
        if mode is None and out is not None:
            mode = getattr(out, "file_mode", None)
    _settings["state_dir"] = Path(state_dir).expanduser() if state_dir else None
    _settings["mode"] = DEFAULT_MODE if mode is None else mode


def umask() -> int:
    """The process's umask (read without changing it where the system allows)."""
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    old = os.umask(0o077)
    os.umask(old)
    return old


def file_mode(mode: int | None = None) -> int:
    """The permission bits to create a personal-data file with: the configured mode (0600 by default)
    less the umask."""
    want = _settings["mode"] if mode is None else mode
    return want & ~umask() & 0o777


def state_dir() -> Path:
    """The state folder (see the module doc); not created here."""
    explicit = _settings["state_dir"] or os.environ.get(STATE_ENV)
    if explicit:
        return Path(explicit).expanduser()
    try:
        from platformdirs import user_cache_dir

        return Path(user_cache_dir("certctl", appauthor=False))
    except Exception:  # pragma: no cover - platformdirs always answers on supported systems
        return fallback_dir()


def fallback_dir() -> Path:
    """``certctl-<user>`` in the system's temporary folder: for when the user's cache folder cannot be made."""
    who = str(os.getuid()) if hasattr(os, "getuid") else (os.environ.get("USERNAME") or "user")
    return Path(tempfile.gettempdir()) / f"certctl-{who}"


def lock_file(name: str, about: str | os.PathLike[str]) -> Path:
    """The lock of a run about ``about`` (e.g. ``overdue`` of a forms folder), in the state folder —
    or, when the default one cannot be created (no home folder), in :func:`fallback_dir`. OSError when
    there is nowhere to put it (the message names the folder)."""
    places = [state_dir()]
    if not (_settings["state_dir"] or os.environ.get(STATE_ENV)):
        places.append(fallback_dir())
    error: OSError | None = None
    for d in places:
        try:
            d.mkdir(parents=True, exist_ok=True, mode=0o700)
        except OSError as e:
            error = error or e
            continue
        return d / f"{name}-{key_of(about)}.lock"
    assert error is not None
    raise error


def beside(output: str | os.PathLike[str]) -> Path:
    """The ``.certctl/`` folder beside ``output`` (a file) — or inside it when ``output`` is a folder."""
    p = Path(output)
    return (p if p.is_dir() else p.parent) / STATE_NAME


def key_of(path: str | os.PathLike[str]) -> str:
    """A short name for a folder or file, for state files about it kept elsewhere."""
    p = Path(path)
    try:
        p = p.resolve()
    except OSError:
        p = p.absolute()
    return hashlib.sha256(str(p).encode("utf-8", "surrogatepass")).hexdigest()[:16]


def own_dir(path: str | os.PathLike[str]) -> Path:
    """certctl's own folder beside an output (``.certctl/``: the ledger's lock and note, a report's lock):
    created 0700, and one there already tightened to 0700 (:func:`tighten`). OSError when it cannot be made."""
    p = Path(path)
    p.mkdir(parents=True, exist_ok=True, mode=0o700)
    tighten(p)
    return p


def tighten(path: str | os.PathLike[str]) -> None:
    """Make ``path``, certctl's own ``.certctl/`` folder, 0700 when this user owns it and group or others
    have any access: one made by an earlier certctl (0755, or 0775 under a umask of 002, the default for
    users on many Linux desktops). A folder others can write is not trusted with the ledger's note
    (:func:`private_dir`: every merge of a ledger with 处理情况 typed in then copied it aside as
    unchecked); one others can read or list shows the names of the ledgers merged there. Nothing is
    made, and nothing is said when it cannot be changed (said where it matters: the note is not kept,
    the ledger copied aside); a link, or another user's folder, is left as it is."""
    if not hasattr(os, "geteuid"):
        return
    try:
        st = os.lstat(path)
        if S.S_ISDIR(st.st_mode) and st.st_uid == os.geteuid() and st.st_mode & 0o077:
            os.chmod(path, S.S_IMODE(st.st_mode) & ~0o077)
    except OSError:
        pass


class UnsafeDir(OSError):
    """A state folder certctl must not use: owned by someone else, or writable by others."""


def private_dir(path: str | os.PathLike[str]) -> Path:
    """Create ``path`` (mode 0700) if needed and check that only this user can write it: owned by the
    current user, not writable by group or others, not a symlink owned by someone else. Raises
    :class:`UnsafeDir` (or another OSError when it cannot be created)."""
    p = Path(path)
    try:
        p.mkdir(parents=True, exist_ok=True, mode=0o700)
    except FileExistsError:
        raise UnsafeDir(f"{p} exists and is not a folder") from None
    check_private(p, folder=True)
    return p


def check_private(path: Path, folder: bool) -> None:
    """Raise :class:`UnsafeDir` when ``path`` could have been written by another user (its ``zh``: the
    reason in Chinese)."""
    reason = unsafe(path, folder)
    if reason is not None:
        e = UnsafeDir(reason[1])
        e.zh = reason[0]  # type: ignore[attr-defined]
        raise e


def unsafe(path: Path, folder: bool, *, links: bool = True, bits: bool = True) -> tuple[str, str] | None:
    """(zh, en): why ``path`` could have been written by another user — not this user's, writable by
    group or others (``bits=False``: not looked at, for a file in a folder checked private), a link
    someone else made (``links=False``: any link), not a folder (``folder``) or not a regular file; None
    when only this user could have written it. OSError when it cannot be looked at."""
    if not hasattr(os, "geteuid"):  # Windows: folders under the user's profile are private by ACL
        return None
    me = os.geteuid()
    st = os.lstat(path)
    if S.S_ISLNK(st.st_mode):
        if not links:
            return f"{path} 是一个链接，不是普通文件", f"{path} is a link, not a regular file"
        if st.st_uid not in (me, 0):
            return f"{path} 是其他用户（uid {st.st_uid}）建立的链接", f"{path} is a link owned by uid {st.st_uid}"
        st = os.stat(path)
    if folder and not S.S_ISDIR(st.st_mode):
        return f"{path} 不是文件夹", f"{path} is not a folder"
    if not folder and not S.S_ISREG(st.st_mode):
        return f"{path} 不是普通文件", f"{path} is not a regular file"
    if st.st_uid != me:
        return (f"{path} 属于其他用户（uid {st.st_uid}），不属于运行 certctl 的用户（uid {me}）",
                f"{path} belongs to uid {st.st_uid}, not to the user running certctl (uid {me})")
    if bits and st.st_mode & 0o022:
        mode = f"{S.S_IMODE(st.st_mode):04o}"
        return f"{path} 其他用户可以写入（权限 {mode}）", f"{path} can be written by other users (mode {mode})"
    return None
