"""Where the clerk's ledger may have gone, said before a merge writes a new one.

The ledger is the clerk's working file (SPEC 5): the 处理情况 column and the columns a clerk adds are
carried into the next merge from the file the merge writes (``-o``, default 台账.xlsx). A clerk who
saved it under another name or format and goes on typing there — ``另存为`` 台账.xls, 台账.ods or
台账.csv, or 台账-6月.xlsx — or who moved it to another folder, would find the next ledger without
those notes, and nothing said why. They are not lost (the other file is untouched), but they are not
carried either; :func:`elsewhere` says so, once a merge, naming the file:

- the ledger certctl last wrote here (its note in ``.certctl/`` says so) is no longer there: moved,
  renamed or deleted — with the certctl ledgers that are in the folder instead;
- a file beside the ledger, newer than it, that is the ledger saved in another format (the same name,
  ``.xls`` ``.ods`` ``.et`` ``.csv`` ``.xlsm``), or another certctl ledger that no merge writes by that name
  (not a ``.bak.xlsx`` copy, nor a second ledger merged beside it with a note of its own).

Nothing is read but names, times and, for an .xlsx newer than the ledger, its list of sheets. A note
silences a hint only when it passes the trust check a merge makes before taking it (:func:`_noted`).
"""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["elsewhere"]

#: the formats Excel, WPS and LibreOffice offer in 另存为 besides .xlsx
SAVED_AS = (".xls", ".ods", ".et", ".csv", ".xlsm", ".xlsb")


def elsewhere(ledger: str | os.PathLike[str], lang: str = "zh") -> list[str]:
    """Lines to tell the clerk before ``ledger`` is written: where their notes may be instead."""
    p = Path(ledger)
    en = lang == "en"
    if not p.exists():
        return _gone(p, en)
    try:
        mtime = p.stat().st_mtime
    except OSError:
        return []
    out = []
    for q in _newer_beside(p, mtime):
        if q.suffix.lower() != ".xlsx":
            out.append(
                f"note: {q} is newer than the ledger {p} (saved as {q.suffix}?): what was typed there is not carried "
                f"into the new ledger; if you work in it, save it in Excel/WPS as {p.name} (Excel workbook, .xlsx) "
                f"and merge again" if en else
                f"注意：{q} 比台账 {p} 新（另存为了 {q.suffix} 格式？）：在它上面填写的内容不会带入新台账；如果您是在它上面"
                f"填写的，请在 Excel/WPS 中把它另存为 {p.name}（Excel 工作簿 .xlsx）后再合并")
        else:
            out.append(
                f"note: {q} is a certctl ledger newer than the ledger {p}: what was typed there is not carried into "
                f"the new ledger; if you work in it, rename it {p.name} (or merge with -o {q}) and merge again" if en else
                f"注意：{q} 是 certctl 的台账，比台账 {p} 新：在它上面填写的内容不会带入新台账；如果您是在它上面填写的，"
                f"请把它改名为 {p.name}（或合并时用 -o {q}）后再合并")
    return out


def _gone(p: Path, en: bool) -> list[str]:
    """The ledger certctl last wrote at ``p`` (its note is still in .certctl/) is no longer there."""
    from .ledger_edits import note_path

    if not note_path(p).is_file():
        return []  # never written here: a first merge
    others = _ledgers_beside(p)
    if en:
        where = (f"; {', '.join(map(str, others))} in the same folder {'is a' if len(others) == 1 else 'are'} "
                 f"certctl ledger{'' if len(others) == 1 else 's'}" if others else "")
        return [f"note: the ledger {p} certctl wrote last time is no longer there (renamed, moved or deleted?){where}: "
                f"the new ledger has none of the 处理情况 or columns typed into it; if you work in another file, "
                f"rename it {p.name} or merge with -o naming it, and merge again"]
    where = f"，同一文件夹中的 {'、'.join(map(str, others))} 是 certctl 的台账" if others else ""
    return [f"注意：上次合并写出的台账 {p} 不在了（改了名、移走或删除了？）{where}：新台账中没有以前填写的“处理情况”和"
            f"自加的列；如果您在用的是别的文件，请把它改回 {p.name}（或合并时用 -o 指定它）后再合并"]


def _beside(p: Path) -> list[Path]:
    try:
        return sorted(q for q in p.parent.iterdir() if q.name != p.name and not q.name.startswith((".", "~$")))
    except OSError:
        return []


def _newer_beside(p: Path, mtime: float) -> list[Path]:
    """Files beside ``p`` newer than it: ``p`` saved in another format, or another certctl ledger."""
    from .ledger_edits import backup_pattern

    backups = backup_pattern(p)
    out = []
    for q in _beside(p):
        try:
            if not q.is_file() or q.stat().st_mtime <= mtime:
                continue
        except OSError:
            continue
        if q.suffix.lower() in SAVED_AS and q.stem == p.stem:
            out.append(q)
        elif q.suffix.lower() == ".xlsx" and not backups.fullmatch(q.name) and _is_ledger(q):
            out.append(q)
    return out


def _ledgers_beside(p: Path) -> list[Path]:
    """certctl ledgers beside ``p`` (not its .bak.xlsx copies), newest first, at most three."""
    from .ledger_edits import backup_pattern

    backups = backup_pattern(p)
    found = [q for q in _beside(p) if q.suffix.lower() == ".xlsx" and not backups.fullmatch(q.name) and _is_ledger(q)]

    def age(q: Path) -> float:
        try:
            return -q.stat().st_mtime
        except OSError:
            return 0.0

    return sorted(found, key=age)[:3]


def _is_ledger(q: Path) -> bool:
    """``q`` is a certctl ledger no merge writes under its name: a copy or a renamed ledger. One with a note of
    its own in ``.certctl/`` is merged there by that name (a bureau keeping 启东台账.xlsx and 柞水台账.xlsx side by
    side): not the clerk's ledger gone astray — when that note can be trusted (:func:`_noted`)."""
    from .outputs import LEDGER_SHEETS, _xlsx_info

    if _noted(q):
        return False
    info = _xlsx_info(q)
    return info is not None and all(s in info[0] for s in LEDGER_SHEETS)


def _noted(q: Path) -> bool:
    """``q`` has a note of its own that only this user could have written (the check the merge makes
    before taking a note, :func:`certctl.ledger_edits.has_trusted_note`). A note that silences a hint must be
    one certctl wrote: one in a folder others can write, or a link, could have been put there to hide a
    ledger the clerk works in. (A note that only makes a hint be said, :func:`_gone`, is taken as it is.)"""
    from .ledger_edits import has_trusted_note

    return has_trusted_note(q)
