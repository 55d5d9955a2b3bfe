"""A content-keyed cache of validation results, so cron runs on an unchanged folder do not re-read it.

:class:`FormCache` is a SQLite file (stdlib ``sqlite3``) holding one :class:`~certctl.validate.FormResult`
per ``(file sha256, options_key, certctl version)``. A file that is edited has a new sha256 and is read
again; a file that is renamed or copied elsewhere keeps its sha256 and is served from the cache, with
its path (and every finding's path) re-pointed by the caller (``certctl.workspace.load_workspace``) or
by ``get(..., path=...)``.

Entries are data, never code: JSON through :mod:`certctl.codec` (no pickle), so an entry someone else
planted can at worst be a wrong answer, and anything the codec does not know is a miss. On top of that
the cache is used only where only the current user can write: its folder must belong to the user
running certctl and not be writable by group or others, and so must the database file; otherwise it is
not used at all (one warning, see :func:`open_cache`) and the run goes on without it.

It never makes a run fail: a cache that cannot be opened, is locked too long, or is corrupt is
discarded (and rebuilt when possible) and the form is simply validated again. Several processes may
use one cache at once (WAL journal, busy timeout). The file is size-bounded: least recently used
entries are dropped beyond ``max_bytes``.

Besides per-file results it keeps a few *derived* results of a whole folder (``get_derived`` /
``put_derived``): one entry per name (e.g. ``ledger:<output path>``), holding the key of the inputs it
was computed from (:func:`certctl.workspace.inputs_key`) and the value, through the same codec. A lookup
with another key is a miss, so a changed folder, option or date always recomputes.

Where it lives: ``cache.sqlite3`` in the state folder (:func:`certctl.state.state_dir` — the user's
cache folder by default, ``state_dir`` in certctl.toml), never inside the forms folder.
"""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
import time
from pathlib import Path
from typing import Any, Callable

from . import __version__
from . import codec
from . import state

DB_NAME = "cache.sqlite3"
CACHE_ENV = "CERTCTL_CACHE_DIR"  # a cache folder of its own (tests, benchmarks); else the state folder
DEFAULT_MAX_BYTES = 512 * 1024 * 1024
_SCHEMA = 2  # 1: pickles (never read: the file was forms.sqlite3); 2: codec JSON


def holds_any_day(result: Any) -> bool:
    """Whether a form's result holds on any day: it has a 填报时间 (ages and deadlines are judged on it,
    not on the day it was read) and that is not after today (M007 says so only until that day)."""
    date = getattr(getattr(result, "meta", None), "date", None)
    return date is not None and date <= dt.date.today()


def options_key(opts: Any) -> str:
    """A short digest of every validation option that changes a result (config, --form, --lang…).
    The same as :func:`certctl.workspace.options_key`, so the cache and the merge agree."""
    from .workspace import options_key as _key

    return _key(opts)


def default_cache_dir(forms_root: str | os.PathLike[str] | None = None) -> Path:
    """The folder the CLI keeps its cache in: ``$CERTCTL_CACHE_DIR``, else the state folder. The forms
    folder (``forms_root``, kept for callers of older versions) plays no part: the folder units drop their
    forms into never holds the cache, and a read-only share works."""
    return Path(os.environ.get(CACHE_ENV) or state.state_dir())


def open_cache(forms_root: str | os.PathLike[str] | None = None, enabled: bool = True,
               cache_dir: str | os.PathLike[str] | None = None, *,
               warn: Callable[[str], None] | None = None, lang: str = "zh") -> "FormCache | None":
    """The cache the CLI uses (``None`` when disabled or refused). A cache folder or file that another
    user could have written is refused: ``warn`` gets one message saying so, and the run goes on
    without a cache. A cache folder that cannot be created is silently done without."""
    if not enabled:
        return None
    explicit = cache_dir or os.environ.get(CACHE_ENV)
    where = Path(explicit) if explicit else default_cache_dir()
    fc = FormCache(where)
    why = fc.check()
    if why is not None and not explicit and not isinstance(why, state.UnsafeDir):
        fc = FormCache(state.fallback_dir())  # e.g. no home folder: the per-user temporary one
        why = fc.check()
    if why is None:
        return fc
    if isinstance(why, state.UnsafeDir) and warn is not None:
        warn(f"警告：缓存 {fc.path.parent} 不安全，本次不使用缓存（{why}）。请删除该文件夹，或在 certctl.toml 中用 "
             f"state_dir 指定只有本用户能写入的文件夹。" if lang != "en" else
             f"warning: not using the cache {fc.path.parent}: {why}. Delete that folder, or set state_dir in "
             f"certctl.toml to a folder only this user can write.")
    return None


# ------------------------------------------------------------------------------------------ the cache
class FormCache:
    """``FormCache(path)``: ``path`` is a directory (the database is ``cache.sqlite3`` inside it) or a
    ``.sqlite3``/``.sqlite``/``.db`` file. ``get``/``put`` never raise."""

    def __init__(self, path: str | os.PathLike[str], *, max_bytes: int = DEFAULT_MAX_BYTES,
                 version: str = __version__, timeout: float = 30.0) -> None:
        p = Path(path)
        self.path = p if p.suffix.lower() in (".sqlite3", ".sqlite", ".db") else p / DB_NAME
        self.max_bytes = max_bytes
        self.version = version
        self.timeout = timeout
        self.hits = 0
        self.misses = 0
        self.errors: list[str] = []  # what went wrong (for --verbose style diagnostics), never raised
        self._conn: sqlite3.Connection | None = None
        self._disabled = False
        self.refused: OSError | None = None  # why the cache is not used (someone else could write it)
        self._touched: list[tuple[float, str, str]] = []
        self._puts = 0

    # -- connection ---------------------------------------------------------------------------------
    def _connect(self) -> sqlite3.Connection | None:
        if self._conn is not None or self._disabled:
            return self._conn
        for attempt in (1, 2):
            try:
                self._conn = self._open()
                return self._conn
            except sqlite3.OperationalError as e:  # locked too long, cannot open…: run without a cache
                self.errors.append(f"cache {self.path} unusable: {e}")
                self._close_quietly()
                if _corrupt(e) and attempt == 1 and self._discard():
                    continue
                break
            except sqlite3.DatabaseError as e:  # not a database / malformed: throw it away, start anew
                self.errors.append(f"cache {self.path} discarded: {e}")
                self._close_quietly()
                if attempt == 1 and not self._discard():
                    break
            except (OSError, sqlite3.Error) as e:
                self.errors.append(f"cache {self.path} unusable: {e}")
                self._close_quietly()
                break
        self._disabled = True
        return None

    def check(self) -> OSError | None:
        """Make the cache folder (0700) and check that only this user can write it and the database;
        the reason when not (:class:`certctl.state.UnsafeDir` when someone else could have written it).
        A refused cache stays disabled."""
        try:
            state.private_dir(self.path.parent)
            for suffix in ("", "-wal", "-shm", "-journal"):
                f = Path(str(self.path) + suffix)
                if f.exists() or f.is_symlink():
                    state.check_private(f, folder=False)
        except OSError as e:
            self.errors.append(f"cache {self.path} refused: {e}")
            self.refused = e
            self._disabled = True
            return e
        return None

    def _open(self) -> sqlite3.Connection:
        if self.refused is not None or self.check() is not None:
            raise sqlite3.OperationalError(f"refused: {self.refused}")
        if not self.path.exists():  # created with the mode of personal-data files (never writable by others),
            try:                      # before SQLite opens it
                os.close(os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_EXCL, state.file_mode() & ~0o022))
            except FileExistsError:  # another certctl made it meanwhile
                pass
        conn = sqlite3.connect(str(self.path), timeout=self.timeout, isolation_level=None)
        self._conn = conn
        conn.execute(f"PRAGMA busy_timeout = {int(self.timeout * 1000)}")
        mode = conn.execute("PRAGMA journal_mode").fetchone()
        if mode is None:
            raise sqlite3.DatabaseError("journal mode not set")
        deadline = time.monotonic() + self.timeout
        while str(mode[0]).lower() != "wal":
            # switching to WAL needs a moment alone with the file, and SQLite answers "locked" at
            # once (no busy handler) when another process is opening the new cache too: retry
            try:
                mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()
                if mode is None:
                    raise sqlite3.DatabaseError("journal mode not set")
                break
            except sqlite3.OperationalError as e:
                if "locked" not in str(e).lower() or time.monotonic() >= deadline:
                    raise
                time.sleep(0.05)
        conn.execute("PRAGMA synchronous = NORMAL")
        conn.execute(
            "CREATE TABLE IF NOT EXISTS forms ("
            " sha256 TEXT NOT NULL, okey TEXT NOT NULL, version TEXT NOT NULL,"
            " blob BLOB NOT NULL, size INTEGER NOT NULL, day TEXT NOT NULL, dated INTEGER NOT NULL,"
            " used REAL NOT NULL, PRIMARY KEY (sha256, okey, version))")
        conn.execute("CREATE INDEX IF NOT EXISTS forms_used ON forms (used)")
        conn.execute(
            "CREATE TABLE IF NOT EXISTS derived ("
            " name TEXT PRIMARY KEY, key TEXT NOT NULL, version TEXT NOT NULL, blob BLOB NOT NULL,"
            " used REAL NOT NULL)")
        conn.execute(f"PRAGMA user_version = {_SCHEMA}")
        conn.execute("SELECT count(*) FROM forms WHERE 0").fetchone()  # a corrupt file fails here
        return conn

    def _discard(self) -> bool:
        ok = True
        for suffix in ("", "-wal", "-shm", "-journal"):
            f = Path(str(self.path) + suffix)
            try:
                f.unlink()
            except FileNotFoundError:
                pass
            except OSError as e:
                self.errors.append(f"cannot remove {f}: {e}")
                ok = False
        return ok

    def _close_quietly(self) -> None:
        if self._conn is not None:
            try:
                self._conn.close()
            except sqlite3.Error:
                pass
        self._conn = None

    def _broken(self, e: Exception) -> None:
        """An error while in use: a corrupt database is discarded; anything else just disables."""
        self.errors.append(f"cache {self.path}: {e}")
        self._close_quietly()
        if _corrupt(e):
            self._discard()
        self._disabled = True

    # -- API ----------------------------------------------------------------------------------------
    def get(self, sha256: str, options_key: str, path: str | os.PathLike[str] | None = None) -> Any:
        """The cached result for this content and these options, or None. With ``path``, the result
        and its findings are re-pointed to it (the same content may sit under another name)."""
        conn = self._connect()
        if conn is None:
            return None
        try:
            row = conn.execute("SELECT blob, day, dated FROM forms WHERE sha256 = ? AND okey = ? AND version = ?",
                               (sha256, options_key, self.version)).fetchone()
        except sqlite3.Error as e:
            self._broken(e)
            return None
        if row is None:
            self.misses += 1
            return None
        blob, day, dated = row
        if not dated and day != dt.date.today().isoformat():
            # no 填报时间 on the form: ages and deadlines were judged on the day it was read
            self.misses += 1
            return None
        try:
            result = _load_result(blob)
        except Exception as e:  # a damaged or foreign entry: drop it
            self.errors.append(f"cache entry {sha256[:12]} unreadable: {e}")
            self._delete(sha256, options_key)
            self.misses += 1
            return None
        if path is not None:
            repoint(result, str(path))
        self.hits += 1
        self._touched.append((time.time(), sha256, options_key))
        return result

    def get_many(self, sha256s: list[str], options_key: str, *, decode: bool = True) -> dict[str, Any]:
        """``{sha256: result}`` for every given content found, in one read transaction (a merge of a
        thousand files asks once, not a thousand times). Counts hits and misses like :meth:`get`.
        ``decode=False``: ``{sha256: stored blob}``, each decoded when wanted by :meth:`decode` (a merge
        then never holds every form's decoded records at once: issue 15)."""
        out: dict[str, Any] = {}
        conn = self._connect()
        if conn is None:
            return out
        rows: list[tuple] = []
        today = dt.date.today().isoformat()
        try:
            conn.execute("BEGIN")
            try:
                for i in range(0, len(sha256s), 500):
                    chunk = sha256s[i:i + 500]
                    marks = ",".join("?" * len(chunk))
                    rows.extend(conn.execute(
                        f"SELECT sha256, blob, day, dated FROM forms WHERE okey = ? AND version = ? AND sha256 IN ({marks})",
                        (options_key, self.version, *chunk)).fetchall())
            finally:
                conn.execute("COMMIT")
        except sqlite3.Error as e:
            self._rollback(conn)
            self._broken(e)
            return {}
        now = time.time()
        if not decode:
            blobs = {sha: blob for sha, blob, day, dated in rows if dated or day == today}
            self.misses += len(set(sha256s)) - len(blobs)
            return blobs
        for sha, blob, day, dated in rows:
            if not dated and day != today:
                continue
            try:
                out[sha] = _load_result(blob)
            except Exception as e:
                self.errors.append(f"cache entry {sha[:12]} unreadable: {e}")
                self._delete(sha, options_key)
                continue
            self._touched.append((now, sha, options_key))
        self.hits += len(out)
        self.misses += len(set(sha256s)) - len(out)
        return out

    def decode(self, sha256: str, options_key: str, blob: bytes) -> Any:
        """The result a blob of ``get_many(…, decode=False)`` holds; None (a miss, the entry dropped) when
        it cannot be read. Counted like :meth:`get_many`."""
        try:
            result = _load_result(blob)
        except Exception as e:
            self.errors.append(f"cache entry {sha256[:12]} unreadable: {e}")
            self._delete(sha256, options_key)
            self.misses += 1
            return None
        self._touched.append((time.time(), sha256, options_key))
        self.hits += 1
        return result

    def drop(self, sha256s: list[str], options_key: str) -> None:
        """Forget these entries (a merge that found a form's product no longer of use)."""
        for sha in sha256s:
            self._delete(sha, options_key)

    def touch(self, sha256s: list[str], options_key: str) -> None:
        """Mark entries as used (they were relied on without being loaded), for the size bound."""
        now = time.time()
        self._touched.extend((now, s, options_key) for s in sha256s if s)

    def get_derived(self, name: str, key: str) -> Any:
        """The value stored under ``name`` when it was computed from inputs with this ``key``, else None."""
        conn = self._connect()
        if conn is None:
            return None
        try:
            row = conn.execute("SELECT blob FROM derived WHERE name = ? AND key = ? AND version = ?",
                               (name, key, self.version)).fetchone()
        except sqlite3.Error as e:
            self._broken(e)
            return None
        if row is None:
            return None
        try:
            return codec.loads(row[0])
        except Exception as e:
            self.errors.append(f"cache entry {name} unreadable: {e}")
            return None

    def put_derived(self, name: str, key: str, value: Any) -> None:
        """Store ``value`` under ``name`` (replacing what was there), computed from inputs ``key``."""
        conn = self._connect()
        if conn is None:
            return
        try:
            blob = codec.dumps(value)
        except Exception as e:
            self.errors.append(f"cannot store {name}: {e}")
            return
        try:
            conn.execute("INSERT OR REPLACE INTO derived VALUES (?, ?, ?, ?, ?)",
                         (name, key, self.version, blob, time.time()))
        except sqlite3.Error as e:
            self._broken(e)

    def drop_derived(self, name: str) -> None:
        conn = self._connect()
        if conn is not None:
            try:
                conn.execute("DELETE FROM derived WHERE name = ?", (name,))
            except sqlite3.Error as e:
                self._broken(e)

    def put(self, sha256: str, options_key: str, result: Any, *, dated: bool | None = None) -> None:
        """Store a result (not results of unreadable files: those are cheap to find again). ``dated``:
        whether it holds for any day (default: the result's form has a 填报时间)."""
        if getattr(result, "read_error", None) is not None:
            return
        conn = self._connect()
        if conn is None:
            return
        try:
            blob = codec.dumps(result)
        except Exception as e:
            self.errors.append(f"cannot store {getattr(result, 'path', '?')}: {e}")
            return
        dated = int(holds_any_day(result) if dated is None else dated)
        try:
            conn.execute("BEGIN IMMEDIATE")
            conn.execute("INSERT OR REPLACE INTO forms VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                         (sha256, options_key, self.version, blob, len(blob), dt.date.today().isoformat(), dated,
                          time.time()))
            self._flush_touched(conn)
            conn.execute("COMMIT")
        except sqlite3.Error as e:
            self._rollback(conn)
            self._broken(e)
            return
        self._puts += 1
        if self._puts % 200 == 0:
            self.trim()

    def trim(self) -> None:
        """Drop least recently used entries until the cache is under 80 % of ``max_bytes``."""
        conn = self._connect()
        if conn is None:
            return
        try:
            total = conn.execute("SELECT coalesce(sum(size), 0) FROM forms").fetchone()[0]
            if total <= self.max_bytes:
                return
            goal = total - int(self.max_bytes * 0.8)
            conn.execute("BEGIN IMMEDIATE")
            freed = 0
            doomed = []
            for sha, okey, ver, size in conn.execute("SELECT sha256, okey, version, size FROM forms ORDER BY used"):
                if freed >= goal:
                    break
                doomed.append((sha, okey, ver))
                freed += size
            conn.executemany("DELETE FROM forms WHERE sha256 = ? AND okey = ? AND version = ?", doomed)
            conn.execute("COMMIT")
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            if freed > self.max_bytes // 4:
                conn.execute("VACUUM")
        except sqlite3.Error as e:
            self._rollback(conn)
            self._broken(e)

    def close(self) -> None:
        """Record which entries were used (for the size bound), trim, and close."""
        conn = self._connect() if self._touched else self._conn
        if conn is not None:
            try:
                if self._touched:
                    conn.execute("BEGIN IMMEDIATE")
                    self._flush_touched(conn)
                    conn.execute("COMMIT")
            except sqlite3.Error as e:
                self._rollback(conn)
                self.errors.append(f"cache {self.path}: {e}")
            if self._puts:
                self.trim()
        self._close_quietly()

    def __enter__(self) -> "FormCache":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def __len__(self) -> int:
        conn = self._connect()
        if conn is None:
            return 0
        try:
            return conn.execute("SELECT count(*) FROM forms").fetchone()[0]
        except sqlite3.Error:
            return 0

    def clear(self) -> None:
        conn = self._connect()
        if conn is not None:
            try:
                conn.execute("DELETE FROM forms")
                conn.execute("DELETE FROM derived")
            except sqlite3.Error as e:
                self._broken(e)

    # -- helpers ------------------------------------------------------------------------------------
    def _flush_touched(self, conn: sqlite3.Connection) -> None:
        if self._touched:
            conn.executemany("UPDATE forms SET used = ? WHERE sha256 = ? AND okey = ?", self._touched)
            self._touched.clear()

    def _delete(self, sha256: str, options_key: str) -> None:
        conn = self._conn
        if conn is None:
            return
        try:
            conn.execute("DELETE FROM forms WHERE sha256 = ? AND okey = ?", (sha256, options_key))
        except sqlite3.Error as e:
            self._broken(e)

    @staticmethod
    def _rollback(conn: sqlite3.Connection) -> None:
        try:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
        except sqlite3.Error:
            pass


def _load_result(blob: bytes) -> Any:
    """A stored FormResult; anything else in its place is refused (a miss)."""
    from .validate import FormResult

    result = codec.loads(blob)
    if type(result) is not FormResult:
        raise codec.CodecError(f"expected a FormResult, found {type(result).__name__}")
    return result


def _corrupt(e: Exception) -> bool:
    if isinstance(e, sqlite3.DatabaseError) and not isinstance(e, sqlite3.OperationalError):
        return not isinstance(e, (sqlite3.IntegrityError, sqlite3.ProgrammingError, sqlite3.InterfaceError))
    text = str(e).lower()
    return "malformed" in text or "not a database" in text or "disk image" in text


def repoint(result: Any, path: str) -> Any:
    """Give a cached result the path it was found under now (result and every finding)."""
    result.path = path
    for f in getattr(result, "findings", ()):
        f.path = path
    return result
