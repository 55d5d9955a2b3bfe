"""Versions of one submission: which file corrects which, row by row (docs/versions.md).

A unit sends 附件2-注销申请表（6月）.xls, finds a typo in a certificate number and sends
附件2-注销申请表（6月）（更正版）.xlsx the next day. Both are in the forms folder; merged as two forms the
typo becomes a fifth certificate, every obligation is owed twice and the corrected form looks late.

Two files are versions of one submission when they come from the same unit (its 填报单位, else the
folder, as ``Registry.sender`` says; a 简称 and the full name, a department and its teams are one sender:
``units.abbreviates``, ``units.part_of``) and are the same form kind, and the later one either carries a
version mark in its name (（更正版）, （修改版）, （第二次）…) on the earlier one's name — or, when it is no
earlier file's name marked, the mark alone with people in common — or covers some of the same people.
Files are ordered by
填报时间, then an unmarked name before a marked one and a marked one by its number
(最终版 < 最终版2 < 最终版(3) < 最终版10: :func:`mark_rank`), then by name.
Rows are matched by person: the ID number (and, in annex 1, the 情况, since one person may be revoked
and entered again in one form).

- A marked later file sharing people with the earlier one is a **correction**: each of its rows
  replaces the earlier row of the same person. Rows about people it leaves out stay (X009 says how many);
  rows about new people are additions, dated by the later file.
- A corrected row keeps the first version's 填报时间 (the card was handed back with the first form):
  its events are dated by it, and the deadline findings of the first version stand.
- Shared people without a mark: a row equal to the earlier one in every value is the same fact sent
  again and counts once; a row that differs could be a correction or an addition: X008 (warning), both
  kept. A mark without shared people (a second batch?) is X008 too.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import Any, Callable, Iterable

from ..normalize import compact

RowKey = tuple[str, str, int]  # (path, sheet, Excel row)

# a word mark may carry a number (最终版2, 最终版(2) after 最终版: the office habit of numbering the "final"
# ones), never a date (更正版6月5日)
_MARK = re.compile(r"[（(\[【]?\s*((?:更正版?|修改版|修正版|修订版|更新版|订正版|重报|补正|最终版|正确版|新版本)"
                   r"(?:\s*[0-9]{1,2}(?![0-9月日号])|\s*[（(]\s*[0-9]{1,2}\s*[)）])?"
                   r"|第\s*[二三四五六七八九十2-9]\s*[次版稿]|[vV]\s*[2-9])\s*[）)\]】]?")
_SEP = re.compile(r"[\s_\-—－·.]+$|^[\s_\-—－·.]+")


def version_mark(name: str) -> str:
    """The version mark in a file name (更正版, 第二次 …), or "". (修改 alone is no mark: annex 1's own
    title says 录入归集、注销、修改备案表.)"""
    m = _MARK.search(PurePosixPath(name).stem)
    return m.group(1) if m else ""


_NTH = {c: i for i, c in enumerate("一二三四五六七八九十", start=1)}


def mark_rank(name: str) -> int:
    """Where a name's version mark puts it among versions of one day: 0 unmarked, 1 a bare mark (更正版),
    else the mark's number (最终版2 → 2, 最终版(3) → 3, 第二次 → 2, v2 → 2) — by number, not by name:
    最终版10 comes after 最终版9, 最终版(2) after 最终版."""
    mark = version_mark(name)
    if not mark:
        return 0
    digits = re.findall(r"[0-9]+", mark)
    if digits:
        return max(int(digits[-1]), 1)
    nth = [_NTH[c] for c in mark if c in _NTH]
    return nth[0] if nth else 1


def _marked_on(later: str, earlier: str) -> bool:
    """The later name is the earlier one with a version mark the earlier lacks."""
    mark = version_mark(later)
    return bool(mark) and mark != version_mark(earlier) and base_name(later) == base_name(earlier)


def _marked_on_any(later: tuple[str, ...], earlier: tuple[str, ...]) -> bool:
    """:func:`_marked_on` for files known by several names (the same bytes kept twice: a copy in a
    sub-folder, a renamed copy): any name of the later on any name of the earlier."""
    return any(_marked_on(a, b) for a in later for b in earlier)


def base_name(name: str) -> str:
    """A file name without its extension, version marks and separators: what two versions share."""
    stem = _MARK.sub("", PurePosixPath(name).stem)
    return compact(_SEP.sub("", stem)).lower()


@dataclass
class Versions:
    """What the versions change in the merge."""

    replaced: dict[RowKey, RowKey] = field(default_factory=dict)  # earlier row -> the row that replaces it
    repeats: dict[RowKey, RowKey] = field(default_factory=dict)  # later row, same fact again -> the earlier
    first_date: dict[RowKey, dt.date] = field(default_factory=dict)  # correcting row -> first version's date
    superseded_by: dict[str, str] = field(default_factory=dict)  # path -> the path that corrects it
    kept: dict[tuple[str, str], int] = field(default_factory=dict)  # (earlier, later) -> rows the later left out
    ambiguous: list[tuple[str, str, str]] = field(default_factory=list)  # (later, earlier, why)

    def skipped(self, key: RowKey) -> RowKey | None:
        """The row that holds this row's fact instead of it, or None."""
        return self.replaced.get(key) or self.repeats.get(key)

    def dated(self, res: Any, key: RowKey) -> Any:
        """``res`` as the row ``key`` is to be read: with the first version's 填报时间 for a correcting row."""
        first = self.first_date.get(key)
        if first is None or first == res.meta.date:
            return res
        return dataclasses.replace(res, meta=dataclasses.replace(res.meta, date=first))


@dataclass
class _File:
    res: Any
    kind: str
    name: str
    rows: dict[tuple[str, str], Any]  # person key -> its first record
    unsure: dict[tuple[str, str], Any]  # (certificate, 情况) -> a record whose ID number is wrong or missing
    names: tuple[str, ...] = ()  # every name of its bytes: its own first, then its duplicates'

    def at(self, rec: Any) -> RowKey:
        return (self.res.path, rec.sheet, rec.row)

    def order(self, last: dt.date) -> tuple:
        """Its place among the versions, ``last`` the latest 填报时间 among them: a file without 填报时间 is
        first, or last when its name marks a version (an undated （更正版） still corrects the dated form)."""
        rank = mark_rank(self.name)
        d = self.res.meta.date or (last if rank else dt.date.min)
        return (d, rank, self.name)


def _person(kind: str, values: dict) -> tuple[str, str] | None:
    pid = values.get("id")
    if not pid:
        return None
    return (pid, values.get("action") or "") if kind == "annex1" else (pid, "")


def _files(results: Iterable[Any], sender: Callable[[Any], str], rel: Callable[[str], str],
           kinds: frozenset[str], copies: dict[str, list[str]]) -> Iterable[list[_File]]:
    """Readable single-kind forms of the given kinds, grouped by (sending unit, kind); only the groups of
    two files or more, whose rows are then indexed by person (a unit's only form costs nothing) — one
    group at a time, so only one group's index is ever held (issue 15). ``copies``: the paths of the
    byte-identical copies of a form (merged once, under the first path), whose names are its names too."""
    def name(path: str) -> str:
        return PurePosixPath(rel(path)).name

    return ([_File(res, kind, name(res.path), *_rows(res, kind),
                   names=(name(res.path), *(name(c) for c in copies.get(res.path, ()))))
             for res in members]
            for kind, members in version_groups(results, sender, kinds))


def version_groups(results: Iterable[Any], sender: Callable[[Any], str],
                   kinds: Iterable[str]) -> list[tuple[str, list[Any]]]:
    """(kind, forms) of every group of two forms or more that may be versions of one submission (the
    forms whose rows :func:`find_versions` reads), from the forms' metadata alone."""
    kinds = frozenset(kinds)
    groups: dict[tuple[str, str], list[Any]] = {}
    for res in results:
        if res.read_error is not None or getattr(res, "output", "") or len(res.sheets) == 0:
            continue
        kind_set = {s.spec.kind for s in res.sheets}
        if len(kind_set) != 1 or not (kind_set <= kinds):
            continue
        unit = sender(res)
        if unit:
            groups.setdefault((unit, next(iter(kind_set))), []).append(res)
    return [(kind, members) for (_, kind), members in _fold_short_names(groups).items() if len(members) > 1]


def _fold_short_names(groups: dict[tuple[str, str], list[Any]]) -> dict[tuple[str, str], list[Any]]:
    """``groups`` with units that may be one sender taken as one (no registry to say so): a unit written
    short in one form and in full in another (启东市城管局 / 启东市城市管理局: ``units.abbreviates``), and a
    department whose file collects its teams' rows with a team correcting its own (``units.part_of``) — a
    更正版 is then still a correction, and the same rows sent twice count once. Only versions are grouped
    so; the units' accounts keep the names as written (a registry's 简称 joins them). Shorter names
    first, so a department is its teams' group; the groups stay in their first order. Names are compared
    only within (kind, first two characters, last character), and departments found by prefix."""
    from .units import abbreviates

    by_prefix: dict[tuple[str, str], str] = {}  # (kind, compact name) -> the group's unit
    alike: dict[tuple[str, str, str], list[str]] = {}  # (kind, head, last character) -> the groups' units
    canon: dict[tuple[str, str], tuple[str, str]] = {}
    for unit, kind in sorted(groups, key=lambda k: (k[1], len(k[0]), k[0])):
        c = compact(unit)
        rep = next((by_prefix[(kind, c[:n])] for n in range(5, len(c)) if (kind, c[:n]) in by_prefix), None)
        bucket = alike.setdefault((kind, c[:2], c[-1:]), [])
        if rep is None:
            rep = next((r for r in bucket if abbreviates(r, unit)), None)
        if rep is None:
            rep = unit
            bucket.append(unit)
            by_prefix.setdefault((kind, c), unit)
        canon[(unit, kind)] = (rep, kind)
    out: dict[tuple[str, str], list[Any]] = {}
    for key, members in groups.items():
        out.setdefault(canon[key], []).extend(members)
    return out


def _rows(res: Any, kind: str) -> tuple[dict[tuple[str, str], Any], dict[tuple[str, str], Any]]:
    """(person key -> first record, (certificate, 情况) -> first record whose ID number is wrong or missing)."""
    rows: dict[tuple[str, str], Any] = {}
    unsure: dict[tuple[str, str], Any] = {}
    for s in res.sheets:
        for rec in s.records:
            who = _person(kind, rec.values)
            if who is not None:
                rows.setdefault(who, rec)
            if not rec.values.get("id_ok") and rec.values.get("cert"):
                unsure.setdefault(_by_cert(kind, rec), rec)
    return rows, unsure


def _by_cert(kind: str, rec: Any) -> tuple[str, str]:
    return (rec.values.get("cert") or "", (rec.values.get("action") or "") if kind == "annex1" else "")


def _pairs(out: Versions, earlier: _File, later: _File, marked: bool) -> list[tuple[Any, Any]]:
    """(earlier record, later record) of one person: by ID number; and in a marked correction, for an
    earlier row whose ID number was wrong or missing — the typo the correction is sent for — by
    certificate number, when the later row's person is not in the earlier file otherwise."""
    live = {who: rec for who, rec in earlier.rows.items() if earlier.at(rec) not in out.replaced}
    pairs = [(live[who], rec) for who, rec in later.rows.items() if who in live]
    if marked and later.kind == "annex1":
        pairs += _other_action(live, later, {id(old) for old, _ in pairs})
    if not marked or not earlier.unsure:
        return pairs
    paired = {id(old) for old, _ in pairs}
    for who, rec in later.rows.items():
        old = earlier.unsure.get(_by_cert(later.kind, rec))
        if who not in live and old is not None and id(old) not in paired and earlier.at(old) not in out.replaced:
            pairs.append((old, rec))
            paired.add(id(old))
    return pairs


def _other_action(live: dict[tuple[str, str], Any], later: _File, paired: set[int]) -> list[tuple[Any, Any]]:
    """In a marked annex 1 correction, a person's one row with another 情况 than the one row of the earlier
    file (录入归集 corrected to 注销): the correction of that row, not a second fact about the person.
    A person with two rows in either file (revoked and entered again) is matched by 情况 only."""
    def by_id(rows: Iterable[tuple[tuple[str, str], Any]]) -> dict[str, list[Any]]:
        out: dict[str, list[Any]] = {}
        for (pid, _), rec in rows:
            out.setdefault(pid, []).append(rec)
        return out

    old_by, new_by = by_id(live.items()), by_id(later.rows.items())
    pairs = []
    for pid, news in new_by.items():
        olds = old_by.get(pid, [])
        if len(news) == 1 and len(olds) == 1 and id(olds[0]) not in paired \
                and (pid, news[0].values.get("action") or "") not in live:
            pairs.append((olds[0], news[0]))
    return pairs


def find_versions(results: Iterable[Any], sender: Callable[[Any], str], rel: Callable[[str], str],
                  kinds: Iterable[str], duplicates: Iterable[tuple[str, str]] = ()) -> Versions:
    """The versions among ``results`` (see the module's rule). ``sender(res)``: the unit that sent a
    form; ``rel(path)``: the path as shown; ``kinds``: the form kinds with rows about certificates;
    ``duplicates``: (copy, original) of the files merged once (the workspace's), whose names count for
    the original: 附件2.xlsx kept also as 旧/附件2副本.xlsx is still corrected by 附件2（更正版）.xlsx."""
    out = Versions()
    copies: dict[str, list[str]] = {}
    for copy, original in duplicates:
        copies.setdefault(original, []).append(copy)
    for files in _files(results, sender, rel, frozenset(kinds), copies):
        last = max((f.res.meta.date for f in files if f.res.meta.date), default=dt.date.min)
        files.sort(key=lambda f: f.order(last))
        for i, later in enumerate(files):
            # a marked name that is no earlier file's name marked (附件2（更正版）.xlsx after 近海镇注销表6月5日.xlsx):
            # its mark still says "correction" of the earlier files it shares people with
            loose = any(version_mark(n) for n in later.names or (later.name,)) and not any(
                _marked_on_any(later.names or (later.name,), e.names or (e.name,)) for e in files[:i])
            for earlier in files[:i]:
                _compare(out, earlier, later, rel, loose)
    return out


def _compare(out: Versions, earlier: _File, later: _File, rel: Callable[[str], str], loose: bool = False) -> None:
    marked = _marked_on_any(later.names or (later.name,), earlier.names or (earlier.name,))
    if not marked and loose and not any(version_mark(n) for n in earlier.names or (earlier.name,)):
        marked = bool(_pairs(out, earlier, later, True))  # the mark alone, where the two share people
    if not marked and later.kind == "survey_people":
        return  # a later survey is a new snapshot of the same people, not a correction (only a mark says so)
    live = {earlier.at(rec) for rec in (*earlier.rows.values(), *earlier.unsure.values())} - out.replaced.keys()
    shared = _pairs(out, earlier, later, marked)
    e_path, l_path = rel(earlier.res.path), rel(later.res.path)
    if not shared:
        # a mark on people of the earlier file all corrected already (附件2、附件2（更正版）、附件2（第二次）):
        # the later corrects the correction, compared with it in turn; nothing ambiguous here
        if marked and not (later.rows.keys() & earlier.rows.keys()):
            out.ambiguous.append((l_path, e_path, "mark"))
        return
    if marked:
        for old, new in shared:
            old_key, new_key = earlier.at(old), later.at(new)
            out.replaced[old_key] = new_key
            first = out.first_date.get(old_key) or earlier.res.meta.date
            if first is not None:
                out.first_date[new_key] = first
        out.superseded_by.setdefault(earlier.res.path, later.res.path)
        out.kept[(earlier.res.path, later.res.path)] = len(live) - len(shared)
        return
    differ = 0
    for old, new in shared:
        if old.values == new.values:
            out.repeats.setdefault(later.at(new), earlier.at(old))
        else:
            differ += 1
    if differ:
        out.ambiguous.append((l_path, e_path, str(differ)))


DEADLINE_CODES = frozenset({"T001", "T002"})


def touched_paths(v: Versions) -> set[str]:
    """The files some of whose rows are skipped or re-dated."""
    return {k[0] for k in (*v.replaced, *v.repeats, *v.first_date)}


def version_findings(v: Versions, results: Iterable[Any], add: Callable[..., Any],
                     rel: Callable[[str], str]) -> set[int]:
    """Add X008 (correction or addition?) and X009 (rows superseded) through ``add(code, path, **params)``
    and return the id() of the validation findings the versions retire: those on rows another version
    holds (a corrected typo is no longer a problem), except a superseded row's deadline findings, which
    stand for the corrected row; and the corrected row's own deadline findings (judged on the first
    version's date instead)."""
    paths = touched_paths(v)
    drop: set[int] = set()
    for res in results:
        if res.path not in paths:
            continue
        for f in res.findings:
            if f.row is None:
                continue
            at = (f.path, f.sheet, f.row)
            if (at in v.replaced and f.code not in DEADLINE_CODES) or at in v.repeats \
                    or (at in v.first_date and f.code in DEADLINE_CODES):
                drop.add(id(f))
    for (earlier, later), kept in sorted(v.kept.items()):
        n = sum(1 for k, by in v.replaced.items() if k[0] == earlier and by[0] == later)
        add("X009", earlier, other=rel(later), n=n, kept=kept)
    for later, earlier, why in v.ambiguous:
        if why == "mark":
            detail = f"文件名标明是新版本，但与 {earlier} 没有一名相同的人员"
            detail_en = f"its name marks a new version, but it shares no one with {earlier}"
        else:
            detail = f"与 {earlier} 有 {why} 名相同人员的内容不同，文件名却未标明更正版"
            detail_en = f"{why} people also in {earlier} differ, and its name marks no correction"
        later_path = next((r.path for r in results if rel(r.path) == later), later)
        add("X008", later_path, other=earlier, detail=detail, detail_en=detail_en)
    return drop


def merge_line(files: Iterable[Any], lang: str = "zh", show_id: bool = False) -> str:
    """One line of the merge summary naming the corrections, or ""; an ID number in a file name masked
    unless ``show_id`` (as in merge's file table: certctl.render.shown_path)."""
    from ..render import shown_path

    pairs = [(shown_path(f.path, show_id), shown_path(f.superseded_by, show_id)) for f in files if f.superseded_by]
    if not pairs:
        return ""
    if lang == "en":
        return "Corrected versions: " + "; ".join(f"{new} supersedes {old}" for old, new in pairs) + \
            " (superseded rows not counted; see 来源文件)."
    return "更正版：" + "；".join(f"{new} 取代 {old}" for old, new in pairs) + "（被取代的行不重复计入，详见“来源文件”）。"
