"""The ledger is the clerk's working file too (SPEC 5): what a clerk types into it is carried or kept.

``证件台账`` has a ``处理情况`` column (empty when certctl writes it). Its values, and those of any column a
clerk adds to ``证件台账``, are read back from the existing ledger before a merge replaces it and are
written into the new ledger on the row of the same certificate number (:class:`ClerkColumns`, appended
after certctl's own columns, 处理情况 first, then the added columns in their order).

Everything else in the ledger is certctl's: derived from the forms and written anew by every merge. An
edit there cannot be carried, so before the ledger is replaced it is copied aside (same folder, same
permissions: ``台账.2024-06-05T0930.bak.xlsx``) whenever the existing ledger shows one:

- a row of 证件台账 deleted whose certificate is still in the new ledger;
- a certificate number edited (a number certctl did not write), or a cell certctl wrote changed;
- a column certctl wrote deleted, another sheet edited, added or deleted (a sheet named like a part,
  证件台账(2), that certctl's copy does not have is the clerk's own: added);
- 证件台账 renamed (证件台账6月): found by its header, its notes carried;
- cells merged in 证件台账: read as seen, the merged value in each of its rows;
- fill or font colours, conditional formatting, drop-down lists (数据有效性) or sheet protection a clerk
  set: certctl writes none, and a ledger written anew has none;
- rows typed above 证件台账's header (a title for printing), or above the header of a part of it
  (证件台账(2) …): the header is found below them, within its first rows, and the notes carried all the
  same (:mod:`certctl.ledger_sheets`; a part's columns placed under the first part's by title);
- a note (处理情况 or an added column) on a certificate that is no longer in the ledger;
- a comment (批注) on any cell: certctl writes none, and comments are not values to carry;
- a formula in any cell: certctl writes no cell as a formula (a clerk's column is carried as the
  value the formula last computed, the formula itself kept in the copy aside);
- two rows of one certificate with different notes; a ledger that cannot be read back, or one saved as
  Excel 97-2003 or .ods under its .xlsx name (read back, its notes carried, but formulas and comments in
  it cannot be looked for).

To know what it wrote, certctl keeps beside the ledger, in the private ``.certctl/`` folder (0700),
a byte copy of the ledger as it wrote it, ``.certctl/<ledger name>.written.xlsx``, and a note,
``.certctl/<ledger name>.json`` (both mode 0600): the file's SHA-256, certctl's own titles of 证件台账,
whether any clerk column held a value, and the copy's name. A ledger whose hash is the note's was not
edited; only when it differs is the copy read back and each row's certctl cells compared with the
ledger's (a digest of each row, and of each other sheet, rows in any order). Without the note or the
copy (a ledger from an older certctl, either deleted, or the copy not written) the edits cannot be
checked, and an existing ledger is copied aside; so too when they are in a ``.certctl/`` folder that is
not private (others can write it, or it is not this user's) or either is not this user's own regular file
(a link to elsewhere): another user could have written them to hide a clerk's edits (said once, as the
reason for the copy). A merge that cannot write the note (a ``.certctl/``
others can write, a full disk) removes the previous note and copy, which describe the ledger before it,
and says so. A note of the previous format (certctl before the copy: a digest of every row in the note
itself) is still read as it was.
Sorting or filtering a sheet, hiding rows or columns, frozen panes, or widths and fonts are not edits
certctl looks for (values are compared; such formatting is not kept). A sheet hidden (shown again) and a
clerk's column inserted among certctl's (carried, at the end) are said (:attr:`Carry.said`), not copied aside.

Public API: :func:`carry` (before writing), :func:`remember` (after), :func:`back_up`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import itertools
import json
import operator
import os
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Iterator

from . import state
from .ledger_file import (back_up, backup_pattern, colours, comments, formulas, hidden_sheets, open_ledger,
                          removed_on_failure, saved_as, short)
from .ledger_sheets import CERT_TITLES as _CERT_TITLES
from .ledger_sheets import LEDGER_SHEET, continued
from .ledger_sheets import bases as _bases
from .ledger_sheets import grid as _grid
from .ledger_sheets import header_row as _header_row
from .ledger_sheets import moved_columns
from .ledger_sheets import read_sheets
from .ledger_sheets import renamed as renamed_sheet
from .pathnames import TEMP_ROOM, fit_name

__all__ = ["NOTES_HEADERS", "ClerkColumns", "Carry", "Note", "carry", "remember", "back_up", "backup_pattern",
           "note_path", "copy_path"]

NOTES_HEADERS = {"zh": "处理情况", "en": "Action taken"}
_FORMAT = 2  # the note beside a kept copy
_OLD_FORMAT = 1  # the note holding a digest of every row (certctl before the copy)
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")  # dropped by the writer (not XML 1.0)


@dataclass
class ClerkColumns:
    """Columns of 证件台账 that belong to the clerk: titles in order, values by certificate number."""

    headers: list[str]
    by_cert: dict[str, list[Any]] = field(default_factory=dict)

    @classmethod
    def default(cls, lang: str = "zh") -> "ClerkColumns":
        return cls([NOTES_HEADERS["en" if lang == "en" else "zh"]])

    def values(self, cert: Any) -> list[Any]:
        if not self.by_cert:  # no clerk's value anywhere (the usual ledger): no key made a row
            return [None] * len(self.headers)
        got = self.by_cert.get(cert_key(cert))
        return list(got) if got is not None else [None] * len(self.headers)

    @property
    def notes(self) -> int:
        """How many certificates carry a value in some clerk column."""
        return sum(1 for v in self.by_cert.values() if any(_filled(x) for x in v))


@dataclass
class Carry:
    """What a merge takes from the existing ledger: the clerk's columns, and the edits it cannot carry
    ((zh, en) each). ``backup`` is set once the old ledger has been copied aside."""

    clerk: ClerkColumns
    problems: list[tuple[str, str]] = field(default_factory=list)
    backup: Path | None = None
    said: list[tuple[str, str]] = field(default_factory=list)  # changes in the new ledger, nothing lost: no copy

    def summary(self, ledger: Path, lang: str = "zh") -> str:
        """The merge summary's line on the old ledger copied aside, then one on what is only said (empty
        when neither)."""
        en = lang == "en"
        lines = [(f"The ledger {ledger}: " + "; ".join(e for _, e in self.said) + ".") if en else
                 (f"台账 {ledger}：" + "；".join(z for z, _ in self.said) + "。")] if self.said else []
        if self.backup is None:
            return "\n".join(lines)
        if en:
            why = "; ".join(e for _, e in self.problems)
            return "\n".join([f"The ledger {ledger} had edits certctl cannot carry ({why}); it was copied to "
                              f"{self.backup} first.", *lines])
        why = "；".join(zh for zh, _ in self.problems)
        return "\n".join([f"台账 {ledger} 中有无法带入新台账的改动（{why}），原台账已另存为 {self.backup}。", *lines])


# ------------------------------------------------------------------------------------------ values
def cert_key(v: Any) -> str:
    """A certificate number as a key: text, trimmed, upper case; a number typed in a cell as digits."""
    if v is None:
        return ""
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    s = str(v).strip()
    up = s.upper()
    return s if up == s else up  # the text itself when already upper case: not a copy per row held


def _filled(v: Any) -> bool:
    return v is not None and v != ""


def _any_filled(values: list[Any]) -> bool:
    """``any(map(_filled, values))`` (a test says so), counted in C: a clerk's column is mostly empty."""
    return values.count(None) + values.count("") != len(values)


def norm(v: Any) -> str:
    """A cell value as text, the same whether it is a value certctl writes or one read back from the file
    (python-calamine: numbers as floats, dates as dates, empty cells as ""). The usual cells — printable
    text, a date, nothing — at once; the rest as :func:`_norm_plain` (the reference; a test says they agree)."""
    c = v.__class__
    if c is str:
        if v.isprintable():
            return v
    elif c is dt.date:
        return v.isoformat()
    elif v is None:
        return ""
    return _norm_plain(v)


def _norm_plain(v: Any) -> str:
    if v is None or v == "":
        return ""
    if isinstance(v, bool):
        return "b1" if v else "b0"
    if isinstance(v, (int, float)):
        f = float(v)
        return str(int(f)) if f.is_integer() else repr(f)
    if isinstance(v, dt.datetime):
        return v.date().isoformat() if v.time() == dt.time(0) else v.isoformat()
    if isinstance(v, dt.date):
        return v.isoformat()
    if isinstance(v, str):  # as an XML reader gives it back: no illegal characters, line ends as \n
        if v.isprintable():  # no control character at all (the usual cell): as it is
            return v
        return _ILLEGAL.sub("", v).replace("\r\n", "\n").replace("\r", "\n")
    return str(v)


def _row_digest(cells: Iterable[Any]) -> str:
    """Of a row's cells: the same for a row as certctl writes it and as read back from the file."""
    parts = [norm(v) for v in cells]
    while parts and parts[-1] == "":
        parts.pop()
    return hashlib.sha1("\x1f".join(parts).encode("utf-8", "surrogatepass")).hexdigest()[:20]


CHUNK = 2_000  # rows looked at once for a clerk's value


def _sheet_digest(rows: Iterable[Iterable[Any]]) -> str:
    """Of a whole sheet, rows in any order (a clerk sorting or filtering a sheet has not edited it)."""
    return _digests_digest([_row_digest(r) for r in rows])


def _digests_digest(row_digests: list[str]) -> str:
    digests = sorted(d for d in row_digests if d != _EMPTY)
    return hashlib.sha256("\n".join(digests).encode()).hexdigest()


_EMPTY = hashlib.sha1(b"").hexdigest()[:20]


def _carried(v: Any) -> Any:
    """A clerk's value as the writer can write it (a date-time keeps its time, as text)."""
    if isinstance(v, dt.datetime) and v.time() != dt.time(0):
        return v.strftime("%Y-%m-%d %H:%M")
    if isinstance(v, float) and v.is_integer():
        return int(v)
    return None if v == "" else v


# ------------------------------------------------------------------------------------------ the note
def note_path(ledger: str | os.PathLike[str]) -> Path:
    """Where certctl notes what it last wrote to ``ledger``."""
    p = Path(ledger)
    return state.beside(p) / fit_name(p.name, tail=".json")


def copy_path(ledger: str | os.PathLike[str]) -> Path:
    """Where certctl keeps a byte copy of the ledger it last wrote (personal data: mode 0600, in the
    private ``.certctl/`` folder), its name short enough for its temporary name to fit."""
    p = Path(ledger)
    return state.beside(p) / fit_name(p.name, tail=COPY_TAIL, room=TEMP_ROOM)


COPY_TAIL = ".written.xlsx"


class Note:
    """What certctl writes to a ledger: whether a clerk column holds a value, noted as the rows go by
    (:meth:`tap`, given to :func:`certctl.ledger_xlsx.write_ledger`); :meth:`save` once the ledger is in
    place keeps a byte copy of it and its hash."""

    def __init__(self) -> None:
        self.doc: dict[str, Any] = {"format": _FORMAT}
        self.unkept: tuple[str, str] | None = None  # (zh, en): why the note could not be kept, when it could not

    def tap(self, name: str, headers: list[str], rows: Iterable[list[Any]]) -> Iterable[list[Any]]:
        """``rows``, unchanged (those of 证件台账 looked at for a clerk's value as they pass)."""
        if name != LEDGER_SHEET:
            return rows
        clerk = _clerk_indexes(headers)
        self.doc["headers"] = [h for i, h in enumerate(headers) if i not in clerk]
        self.doc["notes"] = False
        return self._noting(rows, clerk) if clerk else rows

    def _noting(self, rows: Iterable[list[Any]], clerk: list[int]) -> Iterator[list[Any]]:
        it = iter(rows)
        while chunk := list(itertools.islice(it, CHUNK)):
            if not self.doc["notes"]:
                self.doc["notes"] = any(_any_filled([r[i] for r in chunk if i < len(r)]) for i in clerk)
            yield from chunk
            del chunk

    def save(self, ledger: str | os.PathLike[str]) -> None:
        """Keep the copy and write the note beside ``ledger``. Best effort: without the note the next
        merge copies an existing ledger aside rather than checking it; without the copy, an edited one.
        A note that cannot be written is not left as it was: the previous one, and its copy, describe
        another ledger (certctl's own changes since would read as the clerk's edits) and are removed;
        :attr:`unkept` says why, for the merge to say."""
        from .atomic import atomic_write_bytes
        from .reader import file_hash

        p = Path(ledger)
        copy = copy_path(p)
        try:
            state.private_dir(copy.parent)
        except OSError as e:
            self._lost(p, e)
            return
        try:
            _keep_copy(p, copy)
            self.doc["sha256"], self.doc["copy"] = file_hash(copy), copy.name
        except OSError:
            try:
                copy.unlink(missing_ok=True)  # an older copy must not stand for this ledger
                self.doc["sha256"], self.doc["copy"] = file_hash(p), None
            except OSError as e:
                self._lost(p, e)
                return
        self.doc["ledger"] = p.name
        try:
            atomic_write_bytes(note_path(p), json.dumps(self.doc, ensure_ascii=False).encode("utf-8"))
        except OSError as e:
            self._lost(p, e)
        _forget_gone(copy.parent, p)

    def _lost(self, ledger: Path, e: OSError) -> None:
        """The note of ``ledger`` could not be written (``e``): the previous note and copy removed (as far
        as they can be), and why said in :attr:`unkept`."""
        from .oserror import why

        gone = True
        for f in (note_path(ledger), copy_path(ledger)):
            try:
                f.unlink(missing_ok=True)  # a link in their place is removed, not what it points to
            except OSError:
                gone = gone and not os.path.lexists(f)
        folder = note_path(ledger).parent
        zh = why(e) if not isinstance(e, state.UnsafeDir) else f"该文件夹其他用户可写或不属于您：{getattr(e, 'zh', e)}"
        then_zh = "下次合并时若台账被改过，会先另存一份副本" if gone else "上次的记录也无法删除，下次合并可能把 certctl 自己的改动当作台账中的改动"
        then_en = ("the next merge copies an edited ledger aside" if gone else
                   "the previous note could not be removed either: the next merge may take certctl's own changes for edits")
        self.unkept = (f"无法在 {folder} 中保存本次写出的台账的记录（{zh}），{then_zh}",
                       f"the note of the ledger just written cannot be kept in {folder} ({why(e, 'en')}); {then_en}")


def _keep_copy(ledger: Path, copy: Path) -> None:
    """Copy ``ledger`` to ``copy`` through a temporary file created 0600 (a killed merge's one removed
    first: the caller holds the ledger's lock); nothing half-written is left, even on SIGTERM."""
    import glob

    for t in copy.parent.glob(f".{glob.escape(copy.name)}.*.tmp"):
        t.unlink(missing_ok=True)
    with removed_on_failure(copy.with_name(f".{copy.name}.{os.getpid()}.tmp")) as tmp:
        with open(ledger, "rb") as src, open(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb") as dst:
            shutil.copyfileobj(src, dst, 1 << 20)
        os.replace(tmp, copy)


def _forget_gone(folder: Path, ledger: Path) -> None:
    """Remove the copies of ledgers no longer in ``folder``'s parent — renamed or deleted: a copy is
    personal data, kept only to check its own ledger. Their notes (no personal data) stay: a ledger given
    back its name is still known as certctl's. A ledger being merged (locked) is left alone."""
    from .ledger_xlsx import LedgerLocked, ledger_lock

    for n in folder.glob("*.json"):
        try:
            doc = json.loads(n.read_text(encoding="utf-8"))
            name = doc.get("ledger") if isinstance(doc, dict) and doc.get("format") == _FORMAT else None
            gone = folder.parent / name if isinstance(name, str) and name == Path(name).name else None
            if gone is None or gone == ledger or note_path(gone) != n or os.path.lexists(gone):
                continue
            if not os.path.lexists(copy_path(gone)):
                continue
            with ledger_lock(gone):
                if not os.path.lexists(gone):
                    copy_path(gone).unlink(missing_ok=True)
        except (OSError, ValueError, LedgerLocked):
            continue


def remember(ledger: str | os.PathLike[str], sheets: list[Any]) -> None:
    """Note what was just written to ``ledger`` (the sheets as :func:`certctl.ledger_xlsx.write_ledger`
    passes them: name, headers, rows, …), walking the rows once more; :class:`Note` notes them as they
    are written instead."""
    note = Note()
    for name, headers, rows, *_ in sheets:
        for _ in note.tap(name, headers, rows):
            pass
    note.save(ledger)


def _clerk_indexes(headers: list[str]) -> list[int]:
    """Columns of certctl's 证件台账 that are the clerk's: 处理情况 and everything after it."""
    for i, h in enumerate(headers):
        if h in NOTES_HEADERS.values():
            return list(range(i, len(headers)))
    return []


def _read_note(ledger: Path) -> dict[str, Any] | None:
    try:
        doc = json.loads(note_path(ledger).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not (isinstance(doc, dict) and isinstance(doc.get("headers"), list) and isinstance(doc.get("sha256"), str)):
        return None
    if doc.get("format") == _FORMAT:
        return doc if doc.get("copy") is None or isinstance(doc.get("copy"), str) else None
    ok = (doc.get("format") == _OLD_FORMAT and isinstance(doc.get("certs"), list)  # a digest of each row in it
          and isinstance(doc.get("rows"), list) and isinstance(doc.get("sheets"), dict)
          and len(doc["certs"]) == len(doc["rows"]))
    return doc if ok else None


def has_trusted_note(ledger: str | os.PathLike[str]) -> bool:
    """certctl's note of writing ``ledger`` is there and only this user could have put it there
    (:func:`_untrusted`): what the merge takes, and what may call a file certctl's own ledger."""
    return note_path(ledger).is_file() and _untrusted(Path(ledger)) is None


def _untrusted(ledger: Path) -> tuple[str, str] | None:
    """(zh, en) why the note and copy beside ``ledger`` are not taken, when they are there but another user
    could have written them — their ``.certctl/`` folder not private (others can write it, or it is not
    this user's), or either file not this user's own regular file (a link to elsewhere): such a note
    could hide a clerk's edits. None when they can be taken (or there are none)."""
    note, copy = note_path(ledger), copy_path(ledger)
    try:
        there = [f for f in (note, copy) if os.path.lexists(f)]
        if not there:
            return None
        why = state.unsafe(note.parent, folder=True)
        for f in there:
            why = why or state.unsafe(f, folder=False, links=False, bits=False)
    except OSError as e:  # (cannot be looked at: not taken either)
        from .oserror import why as reason

        why = (reason(e), reason(e, "en"))
    if why is None:
        return None
    return (f"上次写出台账时的记录可能被其他用户改过，不予采用：{why[0]}，无法核对改动",
            f"the note of what certctl last wrote there is not taken: another user could have written it ({why[1]}),"
            " so edits cannot be checked")


class _Written:
    """What certctl last wrote to a ledger, to check an edited one against: certctl's titles of 证件台账;
    from the copy, its rows of 证件台账 (certctl's cells first) and its other sheets, read when asked; from a
    note of the previous format, the digests of each certificate's rows and of each other sheet."""

    def __init__(self, headers: list[str], *, rows: list[list[Any]] | None = None, book: Any = None,
                 wrote: dict[str, set[str]] | None = None, sheets: dict[str, str] | None = None) -> None:
        self.headers, self.rows, self.book, self._wrote, self._sheets = headers, rows, book, wrote, sheets

    def wrote(self) -> dict[str, set[str]]:
        """Each certificate's rows' digests (from the copy's rows, made once when asked)."""
        if self._wrote is None:
            self._wrote = {}
            k = len(self.headers)
            for r in self.rows or ():
                self._wrote.setdefault(cert_key(r[0] if r else None), set()).add(_row_digest(r[:k]))
        return self._wrote

    def sheet_names(self) -> list[str]:
        """The other sheets written (a sheet split in parts by its first part's name)."""
        if self._sheets is not None:
            return list(self._sheets)
        return [n for n in _bases(self.book.sheet_names) if n != LEDGER_SHEET]

    def parts(self) -> set[str] | None:
        """The sheets written as parts of a longer table (证件台账(2) …): a sheet so named that certctl did not
        write is a clerk's (a copy of 证件台账 in WPS/Excel); None when not known (a note of the previous format)."""
        if self.book is None:
            return None
        names = list(self.book.sheet_names)
        return {n for n in names if continued(n, names) is not None}

    def same_sheet(self, name: str, grid: list[list[Any]]) -> bool:
        """Whether the ledger's sheet ``grid`` holds the rows written there, in any order."""
        if self._sheets is not None:
            return _sheet_digest(grid) == self._sheets[name]
        wrote = _grid(self.book, name)
        return _same_cells(grid, wrote) or _sheet_digest(grid) == _sheet_digest(wrote)


def _same_cells(a: Iterable[list[Any]], b: Iterable[list[Any]]) -> bool:
    """Rows ``a`` and ``b`` are the same, cell by cell and of the same types, so their digests
    (:func:`_row_digest`) are too — compared at once, not digested (a test says so): ``1 == True``."""
    for ra, rb in itertools.zip_longest(a, b):
        if ra is None or rb is None or ra != rb or not all(map(operator.is_, map(type, ra), map(type, rb))):
            return False
    return True


def _written(ledger: Path, note: dict[str, Any]) -> _Written | None:
    """From the note of the previous format, which holds it; else read back from the copy kept beside
    the ledger (left open: :func:`carry` closes it) — None when there is no copy, or it is not the file
    the note's hash says."""
    from python_calamine import CalamineWorkbook

    from .reader import check_zip, file_hash

    if note["format"] == _OLD_FORMAT:
        wrote: dict[str, set[str]] = {}
        for cert, digest in zip(note["certs"], note["rows"]):
            wrote.setdefault(cert, set()).add(digest)
        return _Written(note["headers"], wrote=wrote, sheets=note["sheets"])
    copy = copy_path(ledger)
    if note.get("copy") != copy.name:
        return None
    try:
        if file_hash(copy) != note["sha256"]:
            return None
        check_zip(copy)
        book = CalamineWorkbook.from_path(str(copy))
    except Exception:  # noqa: BLE001 - a copy that cannot be read is no copy
        return None
    try:
        rows = _grid(book, LEDGER_SHEET)
        head = [norm(h) for h in (rows.pop(0) if rows else [])]
        own = len(head) - len(_clerk_indexes(head))  # certctl's columns first, the clerk's after them
        return _Written(head[:own], rows=rows, book=book)
    except Exception:  # noqa: BLE001
        book.close()
        return None


# ------------------------------------------------------------------------------------------ reading back
def plain(ledger: str | os.PathLike[str]) -> str | None:
    """The sha256 of ``ledger`` when it is as certctl wrote it, without a clerk's values (:func:`carry`
    then has nothing to read), else None. A merge asks before it reads the forms, while the note of a
    10^6-row ledger costs nothing held beside the model (issue 15)."""
    from .reader import file_hash

    p = Path(ledger)
    note = _read_note(p) if p.is_file() and _untrusted(p) is None else None
    try:
        if note is not None and not note.get("notes") and file_hash(p) == note.get("sha256"):
            return str(note["sha256"])
    except OSError:
        pass
    return None


def carry(ledger: str | os.PathLike[str], new_certs: Iterable[Any], lang: str = "zh", *,
          plain_sha: str | None = None) -> Carry:
    """Read the existing ``ledger`` (if any) back: the clerk's columns to carry into a ledger holding
    ``new_certs``, and the edits that cannot be carried. Nothing is written here. ``plain_sha``: what
    :func:`plain` said earlier; the ledger still has that hash: nothing to read."""
    p = Path(ledger)
    clerk = ClerkColumns.default(lang)
    if not p.is_file():
        return Carry(clerk)
    from .reader import file_hash

    if plain_sha is not None:
        try:
            if file_hash(p) == plain_sha:
                return Carry(clerk)
        except OSError:
            pass
    distrust = _untrusted(p)
    note = _read_note(p) if distrust is None else None

    try:
        same = note is not None and file_hash(p) == note.get("sha256")
    except OSError:
        same = False
    if same and not note.get("notes"):  # as certctl wrote it, no clerk values in it: nothing to read
        return Carry(clerk)
    from .gcpause import gc_paused

    with gc_paused():  # the sheets read back: millions of cells, no cycles (certctl/gcpause.py)
        return _read_back(p, note, same, new_certs, clerk, lang, distrust)


def _read_back(p: Path, note: dict[str, Any] | None, same: bool, new_certs: Iterable[Any], clerk: ClerkColumns,
               lang: str, distrust: tuple[str, str] | None = None) -> Carry:
    """:func:`carry` once the ledger has to be read: ``same``, it is as certctl wrote it (with a
    clerk's values); else edited since, or no note (``distrust``: why the one there was not taken)."""
    # edited: checked against what certctl wrote (as certctl wrote it: nothing to check)
    written = _written(p, note) if note is not None and not same else None
    if note is not None and not same and written is None:
        note = None  # no copy to check against: as without a note
    parts: list[tuple[str, str]] = []  # rows above the header of 证件台账(2) …
    try:  # with a note, the other sheets are read later, one at a time (memory: issue 15)
        sheets = read_sheets(p, LEDGER_SHEET if note is not None else None, parts,
                             written.parts() if written is not None else None)
    except Exception as e:  # noqa: BLE001 - any failure to read back is a reason to keep a copy
        if written is not None and written.book is not None:
            written.book.close()
        return Carry(clerk, _unreadable(e))
    new = {cert_key(c) for c in new_certs}
    problems: list[tuple[str, str]] = []
    said: list[tuple[str, str]] = []  # nothing lost: said, not a reason for a copy
    if note is None:
        problems.append(distrust or (f"找不到上次写出台账时的记录，无法核对改动（{state.STATE_NAME} 文件夹被删除了，或台账是从别处拷来的？）",
                                     f"no note of what certctl last wrote there, so edits cannot be checked (the "
                                     f"{state.STATE_NAME} folder deleted, or the ledger copied from elsewhere?)"))
    grid, renamed = sheets.get(LEDGER_SHEET), None
    if grid is None:
        renamed, grid = _renamed(p, note, parts, problems)
    if grid is None:
        problems.append((f"工作表“{LEDGER_SHEET}”被删除或改名", f"sheet {LEDGER_SHEET} deleted or renamed"))
        if written is not None and written.book is not None:
            written.book.close()
        return Carry(clerk, problems)
    try:
        clerk = _clerk_of(grid, note["headers"] if note is not None else None, written, lang, new, problems, said)
        problems += parts
        if written is not None:
            written.rows = grid = sheets = None  # type: ignore[assignment]  # (memory)
            try:
                _other_sheets(p, written, problems, renamed)
            except Exception as e:  # noqa: BLE001 - as when the whole ledger cannot be read back
                return Carry(ClerkColumns.default(lang), _unreadable(e))
    finally:
        if written is not None and written.book is not None:
            written.book.close()
    if not same and (fmt := saved_as(p)) is not None:  # read back, but formulas and comments not seen
        problems.append((f"台账被另存为 {fmt[0]}，其中的公式和批注无法核对",
                         f"the ledger was saved as {fmt[1]}: formulas and comments in it cannot be checked"))
    elif not same:
        rules: dict[str, set[tuple[str, str]]] = {}  # conditional formatting, drop-down lists: certctl writes none
        count, cells = formulas(p, rules=rules)  # certctl writes none: each is the clerk's, values alone lose it
        if count:
            problems.append((f"有 {count} 个单元格是公式（{_few(cells)}），新台账中只有值，没有公式",
                             f"{count} formula cell(s) ({', '.join(cells[:3])}): the new ledger holds their values only"))
        for sheet, set_ in rules.items():
            problems.append((f"在 {sheet} 中设置了{'和'.join(sorted(zh for zh, _ in set_))}，新台账中没有",
                             f"{' and '.join(sorted(en for _, en in set_))} set in {sheet}: not in the new ledger"))
        if hidden := hidden_sheets(p):  # shown again: a view setting, like hidden rows (nothing lost)
            said.append((f"隐藏的工作表 {'、'.join(hidden)} 在新台账中重新显示",
                         f"hidden sheet(s) {', '.join(hidden)} shown again in the new ledger"))
    if written is not None:
        cells = comments(p)  # certctl writes none: every one is the clerk's, and values alone would lose it
        if cells:
            problems.append((f"加了 {len(cells)} 个批注（{_few(cells)}）",
                             f"{len(cells)} comment(s) added ({', '.join(cells[:3])})"))
        if written.book is not None and colours(p) - colours(copy_path(p)):  # (a copy to compare with) formatting
            # is not carried: a clerk's colours are kept only in the ledger copied aside
            problems.append(("给单元格加了颜色（填充色或字体颜色），新台账中没有这些颜色",
                             "cells coloured (fill or font colour): the new ledger does not have those colours"))
    return Carry(clerk, problems, said=said)


def _clerk_of(grid: list[list[Any]], noted: list[str] | None, written: _Written | None, lang: str, new: set[str],
              problems: list[tuple[str, str]], said: list[tuple[str, str]] | None = None) -> ClerkColumns:
    """The clerk's columns of the ledger's 证件台账 ``grid``; ``noted``: certctl's titles as the note has
    them; ``written``: what certctl wrote, when the ledger was edited since."""
    own_titles = noted if noted is not None else _own_titles()
    top = _header_row(grid, own_titles)
    above = [t for r in grid[:top] for t in (norm(v).strip() for v in r) if t]
    if above:  # a title typed above the header, for printing: not in the ledger certctl writes
        problems.append((f"在表头上方插入了 {top} 行（“{above[0]}”），新台账中没有",
                         f"{top} row(s) inserted above the header ({above[0]}): not in the new ledger"))
    headers = [norm(h).strip() for h in (grid[top] if grid else [])]
    body = [r for r in grid[top + 1:] if any(_filled(v) for v in r)]
    own: dict[str, int] = {}
    clerk_cols: list[int] = []
    for i, h in enumerate(headers):
        if h in own_titles and h not in own:
            own[h] = i
        elif h or any(_filled(r[i]) for r in body if i < len(r)):
            clerk_cols.append(i)
    missing = [h for h in own_titles if h not in own]
    if said is not None:  # a column inserted among certctl's: carried, but at the end
        said += moved_columns(headers, own, clerk_cols)
    if noted is not None and missing:
        problems.append((f"删除了 certctl 的列：{'、'.join(missing)}", f"certctl's columns deleted: {', '.join(missing)}"))
    cert_col = next((own[h] for h in (*own_titles[:1], *_CERT_TITLES) if h in own), None)
    if cert_col is None:
        problems.append(("找不到证件号码列，备注无法按证件带入", "no certificate column: notes cannot be carried"))
        return ClerkColumns.default(lang)
    notes_first = sorted(clerk_cols, key=lambda i: (headers[i] not in NOTES_HEADERS.values(), i))
    titles = [NOTES_HEADERS["en" if lang == "en" else "zh"] if headers[i] in NOTES_HEADERS.values() else headers[i]
              for i in notes_first]
    if not any(t == NOTES_HEADERS["en" if lang == "en" else "zh"] for t in titles):
        titles.insert(0, NOTES_HEADERS["en" if lang == "en" else "zh"])
        notes_first.insert(0, -1)
    by_cert: dict[str, list[Any]] = {}
    orphans: list[str] = []
    clash: list[str] = []
    for r in body:
        cert = cert_key(r[cert_col] if cert_col < len(r) else None)
        vals = [_carried(r[i]) if 0 <= i < len(r) else None for i in notes_first]
        if not any(_filled(v) for v in vals):
            continue
        if cert not in new:
            orphans.append(cert or "（空）")
            continue
        if cert in by_cert and by_cert[cert] != vals:
            clash.append(cert)
            continue
        by_cert[cert] = vals
    if orphans:
        problems.append((f"{len(orphans)} 条备注所属的证件已不在台账中（{_few(orphans)}）",
                         f"{len(orphans)} note(s) on certificates no longer in the ledger ({_few(orphans)})"))
    if clash:
        problems.append((f"同一证件有两行不同的备注（{_few(clash)}）", f"two rows of one certificate with different notes ({_few(clash)})"))
    if written is not None:
        _rows_against(body, own, cert_col, written, new, problems)
    return ClerkColumns(titles, by_cert)


def _rows_against(body: list[list[Any]], own: dict[str, int], cert_col: int, written: _Written, new: set[str],
                  problems: list[tuple[str, str]]) -> None:
    """Rows deleted, certificate numbers edited, certctl's cells changed — against what was written."""
    idx = [own.get(h) for h in written.headers]
    if written.rows is not None and idx[:1] == [cert_col]:
        k = len(idx)  # certctl's columns where it wrote them (the usual ledger): the rows cut, not a list a cell
        cells = ((r[:k] for r in body) if idx == list(range(k)) else
                 ([r[i] if i is not None and i < len(r) else None for i in idx] for r in body))
        if _same_cells(cells, (r[:k] for r in written.rows)):
            return  # every row where it was written, certctl's cells as written (the usual edit: a note typed)
    wrote = written.wrote()
    present: set[str] = set()
    edited_numbers: list[str] = []
    changed: list[str] = []
    for r in body:
        cert = cert_key(r[cert_col] if cert_col < len(r) else None)
        present.add(cert)
        if cert not in wrote:
            edited_numbers.append(cert or "（空）")
            continue
        digest = _row_digest(r[i] if i is not None and i < len(r) else None for i in idx)
        if digest not in wrote[cert]:
            changed.append(cert)
    deleted = [c for c in wrote if c not in present and c in new]
    if deleted:
        problems.append((f"删除了 {len(deleted)} 行，其证件仍在台账中（{_few(deleted)}）",
                         f"{len(deleted)} row(s) deleted whose certificate is still in the ledger ({_few(deleted)})"))
    if edited_numbers:
        problems.append((f"有 {len(edited_numbers)} 个证件号码不是 certctl 写出的（被改动或新加：{_few(edited_numbers)}）",
                         f"{len(edited_numbers)} certificate number(s) certctl did not write (edited or added: {_few(edited_numbers)})"))
    if changed:
        problems.append((f"改动了 {len(changed)} 行中由表格生成的内容（{_few(changed)}）",
                         f"cells certctl derives from the forms changed on {len(changed)} row(s) ({_few(changed)})"))


def _renamed(p: Path, note: dict[str, Any] | None, parts: list[tuple[str, str]],
             problems: list[tuple[str, str]]) -> tuple[str | None, list[list[Any]] | None]:
    """(name, rows) of the sheet 证件台账 was renamed to (:func:`certctl.ledger_sheets.renamed`), said in
    ``problems``; (None, None) when there is none (deleted)."""
    from .ledger_xlsx import HEADERS

    titles = ([list(note["headers"])] if note is not None else
              [[h for h, _ in HEADERS[LEDGER_SHEET]], [h for _, h in HEADERS[LEDGER_SHEET]]])
    try:
        found = renamed_sheet(p, titles, [n for n in HEADERS if n != LEDGER_SHEET], parts)
    except Exception:  # noqa: BLE001 - read once already: as when there is none
        found = None
    if found is None:
        return None, None
    problems.append((f"工作表“{LEDGER_SHEET}”改名为“{found[0]}”（其中填写的内容已带入，新台账中仍名为“{LEDGER_SHEET}”）",
                     f"sheet {LEDGER_SHEET} renamed {found[0]} (what was typed there is carried; the new ledger names it "
                     f"{LEDGER_SHEET})"))
    return found


def _other_sheets(p: Path, written: _Written, problems: list[tuple[str, str]], renamed: str | None = None) -> None:
    """The ledger's sheets other than 证件台账 (or ``renamed``, what it was renamed to) against those
    written, read a sheet at a time."""
    book = open_ledger(p)
    try:
        parts = written.parts()  # (a sheet named as a part that certctl did not write is the clerk's)
        theirs = [n for n in _bases(book.sheet_names, parts) if n not in (LEDGER_SHEET, renamed)]
        wrote = written.sheet_names()
        edited = [n for n in wrote if n in theirs and not written.same_sheet(n, _grid(book, n, parts))]
    finally:
        book.close()
    gone = [n for n in wrote if n not in theirs]
    added = [n for n in theirs if n not in wrote]
    if edited:
        problems.append((f"改动了工作表 {'、'.join(edited)}", f"sheet(s) edited: {', '.join(edited)}"))
    if gone:
        problems.append((f"删除了工作表 {'、'.join(gone)}", f"sheet(s) deleted: {', '.join(gone)}"))
    if added:
        problems.append((f"新加了工作表 {'、'.join(added)}", f"sheet(s) added: {', '.join(added)}"))


def _unreadable(e: Exception) -> list[tuple[str, str]]:
    """Why the ledger cannot be read back: a reader's own words (ReadError: Chinese and English), else the
    library's text."""
    zh, en = (getattr(e, "zh", None), getattr(e, "en", None))
    if not (isinstance(zh, str) and isinstance(en, str)):
        zh = en = short(e)
    return [(f"无法读回原台账：{zh}", f"the ledger cannot be read back: {en}")]


def _own_titles() -> list[str]:
    """certctl's titles of 证件台账 (both languages), when there is no note to say which were written."""
    from .ledger_xlsx import HEADERS

    zh = [h for h, _ in HEADERS[LEDGER_SHEET]]
    en = [h for _, h in HEADERS[LEDGER_SHEET]]
    return zh + [h for h in en if h not in zh]


def _few(items: list[str], n: int = 3) -> str:
    shown = "、".join(items[:n])
    return shown + (f" 等 {len(items)} 个" if len(items) > n else "")
