"""Write ``[calendar.YYYY]`` tables into certctl.toml without touching anything else in the file.

The file is edited as text: the ``[calendar.YYYY]`` table of each year written (and its sub-tables
such as ``[calendar.YYYY.names]``) is replaced where it stands, or appended at the end; every other
line — comments, other keys, other years, blank lines, the BOM and line endings — is kept as it was.
The result is then parsed back and must equal the old settings with only those years changed, and
must pass the config's own validation; otherwise nothing is written (:class:`CalendarFileError`).
The file is replaced atomically (temporary file + rename, its permissions kept).
"""

from __future__ import annotations

import datetime as _dt
import os
import re
import stat
import tomllib
from pathlib import Path
from typing import Any, Mapping

from .atomic import atomic_write
from .workdays import YearSpec
from .oserror import why

__all__ = ["CalendarFileError", "render_year", "update_text", "write_years"]


class CalendarFileError(Exception):
    """The config file cannot be updated safely; ``zh`` / ``en`` say why."""

    def __init__(self, zh: str, en: str) -> None:
        super().__init__(en)
        self.zh = zh
        self.en = en

    def message(self, lang: str = "zh") -> str:
        return self.en if lang == "en" else self.zh


def _groups(days: list[_dt.date], names: Mapping[_dt.date, str]) -> list[tuple[list[_dt.date], str]]:
    """Runs of days (in date order) with the same name, for one line each."""
    out: list[tuple[list[_dt.date], str]] = []
    for d in days:
        name = names.get(d, "")
        if out and out[-1][1] == name and len(out[-1][0]) < 10:
            out[-1][0].append(d)
        else:
            out.append(([d], name))
    return out


def _array(key: str, days: list[_dt.date], names: Mapping[_dt.date, str]) -> list[str]:
    if not days:
        return [f"{key} = []"]
    lines = [f"{key} = ["]
    for run, name in _groups(days, names):
        text = ", ".join(d.isoformat() for d in run) + ","
        lines.append(f"  {text}" + (f"  # {name}" if name else ""))
    lines.append("]")
    return lines


def render_year(year: int, spec: YearSpec, comments: list[str] = (),  # type: ignore[assignment]
                workday_names: Mapping[_dt.date, str] | None = None) -> str:
    """The TOML text of ``[calendar.YEAR]`` (and ``[calendar.YEAR.names]``), one line per holiday."""
    lines = [f"[calendar.{year}]"]
    lines += [f"# {c}" for c in comments]
    lines += _array("holidays", sorted(spec.holidays), spec.names)
    lines += _array("workdays", sorted(spec.workdays), workday_names or {})
    if spec.names:
        lines += ["", f"[calendar.{year}.names]"]
        lines += [f'"{d.isoformat()}" = "{_toml_str(n)}"' for d, n in sorted(spec.names.items())]
    return "\n".join(lines) + "\n"


def _toml_str(s: str) -> str:
    return s.replace("\\", "\\\\").replace('"', '\\"')


# ------------------------------------------------------------------------------ editing the text
_HEADER = re.compile(r"^\s*\[(\[)?\s*(.*?)\s*\](\])?\s*(?:#.*)?$")
_KEY_PART = re.compile(r"\s*(\"(?:[^\"\\]|\\.)*\"|'[^']*'|[A-Za-z0-9_-]+)\s*(\.|$)")


def _key_path(text: str) -> list[str] | None:
    parts: list[str] = []
    pos = 0
    while pos < len(text):
        m = _KEY_PART.match(text, pos)
        if not m or m.end() == pos:
            return None
        raw = m.group(1)
        parts.append(raw[1:-1] if raw[0] in "\"'" else raw)
        pos = m.end()
        if m.group(2) == "":
            break
    return parts


def _header(line: str) -> list[str] | None:
    """The key path of a table header line, ``None`` for any other line."""
    m = _HEADER.match(line)
    if not m:
        return None
    return _key_path(m.group(2)) or []


def update_text(text: str, tables: Mapping[int, str]) -> str:
    """``text`` with the ``[calendar.Y]`` table of each year in ``tables`` replaced by (or appended
    as) the given TOML text. Line endings of the file are kept."""
    newline = "\r\n" if "\r\n" in text else "\n"
    lines = text.splitlines()
    out: list[str] = []
    placed: set[int] = set()
    i = 0
    while i < len(lines):
        path = _header(lines[i])
        year = _year_of(path)
        if year is None or year not in tables:
            out.append(lines[i])
            i += 1
            continue
        # skip this table and its sub-tables; keep comments and blank lines just before the next table
        j = i + 1
        while j < len(lines):
            p = _header(lines[j])
            if p is not None and _year_of(p) != year:
                break
            j += 1
        k = j
        while k > i + 1 and (not lines[k - 1].strip() or lines[k - 1].lstrip().startswith("#")):
            k -= 1
        kept = lines[k:j]
        if year not in placed:
            out.extend(tables[year].rstrip("\n").split("\n"))
            if (kept or j < len(lines)) and not (kept and not kept[0].strip()):
                out.append("")  # one blank line before what follows
            placed.add(year)
        out.extend(kept)
        i = j
    for year, table in tables.items():
        if year not in placed:
            while out and not out[-1].strip():
                out.pop()
            if out:
                out.append("")
            out.extend(table.rstrip("\n").split("\n"))
    return newline.join(out) + newline


def _year_of(path: list[str] | None) -> int | None:
    if path and len(path) >= 2 and path[0] == "calendar" and path[1].isdigit():
        return int(path[1])
    return None


# ------------------------------------------------------------------------------ writing the file
def write_years(path: Path, tables: Mapping[int, str], validate: Any = None) -> bool:
    """Write the ``[calendar.Y]`` tables into the TOML file at ``path`` (created when missing).

    ``validate(data)`` is called on the parsed result (raise to refuse). Returns True when the file
    was written, False when it already said exactly this. Raises :class:`CalendarFileError`."""
    target = Path(os.path.realpath(path))
    try:
        before = target.read_bytes() if target.exists() else b""
    except OSError as e:
        raise CalendarFileError(f"无法读取 {path}：{why(e)}", f"cannot read {path}: {e.strerror or e}") from None
    bom = before.startswith(b"\xef\xbb\xbf")
    try:
        text = before[3:].decode("utf-8") if bom else before.decode("utf-8")
        old = tomllib.loads(text)
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as e:
        raise CalendarFileError(f"{path} 不是有效的 UTF-8 TOML 文件，未改动：{e}",
                                f"{path} is not a valid UTF-8 TOML file; left unchanged: {e}") from None
    new_text = update_text(text, tables)
    try:
        new = tomllib.loads(new_text)
    except tomllib.TOMLDecodeError as e:
        raise _cannot(path, tables, str(e)) from None
    expected = dict(old)
    calendar = dict(old.get("calendar") or {}) if isinstance(old.get("calendar", {}), dict) else None
    if calendar is None:
        raise _cannot(path, tables, "calendar is not a table")
    for year, table in tables.items():
        calendar[str(year)] = tomllib.loads(table)["calendar"][str(year)]
    expected["calendar"] = calendar
    if new != expected:
        raise _cannot(path, tables, "the rewritten file would change other settings")
    if validate is not None:
        validate(new)
    data = (b"\xef\xbb\xbf" if bom else b"") + new_text.encode("utf-8")
    if data == before:
        return False
    mode = stat.S_IMODE(target.stat().st_mode) if target.exists() else 0o644

    def write(tmp: Path) -> None:
        tmp.write_bytes(data)
        # refuse when someone else changed the file while the clerk was reading the table
        now = target.read_bytes() if target.exists() else b""
        if now != before:
            raise CalendarFileError(f"{path} 在此期间被修改过，未写入；请重新运行",
                                    f"{path} changed meanwhile; nothing written, run again")

    try:
        atomic_write(target, write, mode=mode)
    except OSError as e:
        raise CalendarFileError(f"无法写入 {path}：{why(e)}", f"cannot write {path}: {e.strerror or e}") from None
    return True


def _cannot(path: Path, tables: Mapping[int, str], why: str) -> CalendarFileError:
    years = "、".join(f"[calendar.{y}]" for y in tables)
    return CalendarFileError(
        f"{path} 中的 calendar 写法无法自动改写（{why}），未改动。请删去其中 {years} 的内容后重新运行，"
        f"或按 certctl.example.toml 的格式手工填写。",
        f"cannot rewrite the calendar settings of {path} safely ({why}); left unchanged. Delete its "
        f"{', '.join(f'[calendar.{y}]' for y in tables)} content and run again, or edit it by hand.",
    )
