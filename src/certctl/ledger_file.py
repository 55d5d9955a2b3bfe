"""What a ledger file is, looked at as a file rather than as values — for :mod:`certctl.ledger_edits`,
which reads a clerk's ledger back before a merge replaces it:

- :func:`open_ledger`: the ledger opened by python-calamine by its content, told by the same function
  that tells a form's (an .xlsx, or the ledger 另存为 .xls / .ods and given back its name), or a
  :class:`certctl.reader.ReadError` saying what the file is in reader's words, told to the ledger's own
  clerk (:func:`for_the_ledger`);
- :func:`saved_as`: the format it was saved in when not .xlsx;
- :func:`comments` and :func:`formulas`: where it holds comments (批注) or formulas. certctl writes
  neither, so every one is the clerk's, and a ledger read as values would lose it; :func:`colours`, the
  fill and font colours it defines, to tell those a clerk gave cells from certctl's own;
- :func:`back_up`: the ledger copied aside beside itself (``台账.2024-06-05T0930.bak.xlsx``) before a merge
  replaces a ledger whose edits cannot be carried, and :func:`backup_pattern`, the names of such copies.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import re
import shutil
from pathlib import Path
from typing import Any, Iterator

from .pathnames import TEMP_ROOM, fit

__all__ = ["open_ledger", "for_the_ledger", "saved_as", "comments", "formulas", "colours", "hidden_sheets", "short", "back_up", "backup_pattern",
           "removed_on_failure"]


#: reader's advice to the unit that sent a form, and what the ledger's own clerk is told instead (zh, en)
_FOR_THE_LEDGER = (
    ("，请让报送单位取消密码后重新报送", "，请在 Excel/WPS 中取消打开密码后保存"),
    ("；请报送 .xlsx 表格", "（另存为其他格式后又改回了台账的名字？）"),
    ("，请让报送单位重新发送", ""),
    ("; ask the unit to remove the password", "; remove the password in Excel/WPS and save it"),
    ("; send the .xlsx form", " (saved in another format under the ledger's name?)"),
    ("; ask for it again", ""),
)


def open_ledger(p: Path) -> Any:
    """The ledger at ``p`` opened by python-calamine by its content, told as :mod:`certctl.reader` tells a
    form's (the same sniffing, zip-bomb and OLE checks): an .xlsx, or an Excel 97-2003 or OpenDocument
    workbook — the ledger 另存为 .xls or .ods and given back its .xlsx name.
    Anything else raises reader's :class:`certctl.reader.ReadError`, its words for the ledger's own clerk
    (:func:`for_the_ledger`): not advice to a unit to send the form again."""
    from .reader import ReadError, open_calamine, size_and_head, workbook_format

    try:
        _, head = size_and_head(p)
        return open_calamine(p, None, workbook_format(p, None, head))
    except ReadError as e:
        raise for_the_ledger(e) from None


def for_the_ledger(e: Any) -> Any:
    """reader's ReadError ``e`` about a form, said of the ledger: 台账文件… with no advice to a sending unit."""
    from .reader import ReadError

    zh, en = e.zh, e.en
    for theirs, ours in _FOR_THE_LEDGER:
        zh, en = zh.replace(theirs, ours), en.replace(theirs, ours)
    if not zh.startswith("这是"):
        zh = ("台账" if zh.startswith("文件") else "台账文件的" if zh.startswith("部件") else "台账文件") + zh
    return ReadError(e.code, zh, en)


def saved_as(p: Path) -> tuple[str, str] | None:
    """(zh, en) of the format the ledger at ``p`` was saved in, when it is not .xlsx but was read back
    (:func:`open_ledger`, the same detection): Excel 97-2003 or OpenDocument."""
    from .reader import ReadError, size_and_head, workbook_format

    try:
        fmt = workbook_format(p, None, size_and_head(p)[1])
    except (ReadError, OSError):
        return None
    return {"xls": ("Excel 97-2003 格式（.xls）", "Excel 97-2003 (.xls)"),
            "ods": ("OpenDocument 格式（.ods）", "OpenDocument (.ods)")}.get(fmt)


_REF = re.compile(rb'<(?:\w+:)?(?:comment|threadedComment)\b[^>]*?\sref="([A-Z]+[0-9]+)"')


def comments(p: Path) -> list[str]:
    """Where the ledger at ``p`` has comments (批注, notes or threaded comments): ``证件台账!B2`` … (the
    sheet's name when the workbook's relationships say it, else the cell alone)."""
    import zipfile

    try:
        with zipfile.ZipFile(p) as z:
            names = z.namelist()
            parts = [n for n in names if re.fullmatch(r"xl/(?:comments[^/]*|comments/[^/]+|threadedComments/[^/]+)\.xml", n)]
            if not parts:
                return []
            sheet_of = _sheets_by_part(z, names)
            refs: list[str] = []
            for part in sorted(parts):
                info = z.getinfo(part)
                if info.file_size > 64 << 20:  # (not a bomb: check_zip has looked at the ledger already)
                    refs.append(sheet_of.get(part, part))
                    continue
                sheet = sheet_of.get(part)
                for m in _REF.finditer(z.read(part)):
                    ref = m.group(1).decode("ascii")
                    refs.append(f"{sheet}!{ref}" if sheet else ref)
            return list(dict.fromkeys(refs))
    except (OSError, zipfile.BadZipFile, KeyError, ValueError):
        return []


_STYLE_SECTION = re.compile(rb"<(?:\w+:)?(fonts|fills)\b.*?</(?:\w+:)?\1>", re.S)
_COLOUR = re.compile(rb"<(?:\w+:)?(?:fgColor|color)\b([^>]*)>")
_COLOUR_ATTR = re.compile(rb'\b(rgb|theme|indexed|tint|auto)="([^"]*)"')
#: the colour of plain text, which Excel, WPS and LibreOffice may write into a font on saving: not the clerk's
_TEXT_COLOURS = {(("theme", "1"),), (("rgb", "FF000000"),), (("indexed", "64"),), (("indexed", "8"),), (("auto", "1"),)}


def colours(p: Path) -> set[tuple[tuple[str, str], ...]]:
    """The fill and font colours the workbook at ``p`` defines (``xl/styles.xml``), black text left out:
    a colour in an edited ledger that certctl's copy does not define is one a clerk gave cells, which a
    ledger written anew would lose. Empty for a workbook not in that format (.xls)."""
    import zipfile

    try:
        with zipfile.ZipFile(p) as z:
            if z.getinfo("xl/styles.xml").file_size > 32 << 20:
                return set()
            xml = z.read("xl/styles.xml")
    except (OSError, zipfile.BadZipFile, KeyError, ValueError):
        return set()
    found = set()
    for section in _STYLE_SECTION.finditer(xml):
        for m in _COLOUR.finditer(section.group(0)):
            c = tuple(sorted((k.decode("ascii"), v.decode("ascii", "replace").upper()) for k, v in _COLOUR_ATTR.findall(m.group(1))))
            if c and c not in _TEXT_COLOURS:
                found.add(c)
    return found


_FORMULA_CELL = re.compile(rb"<(?:\w+:)?c\b([^>]*)>\s*<(?:\w+:)?f[\s>/]")  # a cell's formula comes first in it
_CELL_REF = re.compile(rb'\br="([A-Z]+[0-9]+)"')


#: what a clerk may add to a sheet that certctl writes none of, and a ledger written anew loses (zh, en)
SHEET_RULES = {b"<conditionalFormatting": ("条件格式", "conditional formatting"),
               b"<dataValidation": ("数据有效性（下拉列表等）", "data validation (drop-down lists …)"),
               # a sheet a clerk protected (with or without a password) would be open to anyone in the new ledger
               b"<sheetProtection": ("工作表保护", "sheet protection")}


def formulas(p: Path, slice_size: int = 1 << 20,
             rules: dict[str, set[tuple[str, str]]] | None = None) -> tuple[int, list[str]]:
    """How many cells of the ledger at ``p`` hold a formula, and the first few (``证件台账!O2``) — each
    sheet's XML read a slice at a time, cut after a row's tag (no cell is cut in two); (0, []) for a
    workbook not in that format (.xls). ``rules``: filled, in the same reading, with each sheet's
    :data:`SHEET_RULES` (conditional formatting, data validation; after the rows, so never cut)."""
    import zipfile

    from .reader import sheet_parts

    count = 0
    cells: list[str] = []

    def look(sheet: str, xml: bytes) -> None:
        nonlocal count
        if rules is not None:
            for tag, said in SHEET_RULES.items():
                if tag in xml:
                    rules.setdefault(sheet, set()).add(said)
        # no formula at all (the usual slice: an "f" is rare in a sheet's XML, and looked for by memchr)
        if b"f" not in xml or (b"<f" not in xml and b":f" not in xml):
            return
        for m in _FORMULA_CELL.finditer(xml):
            count += 1
            ref = _CELL_REF.search(m.group(1))
            if ref and len(cells) < 3:
                cells.append(f"{sheet}!{ref.group(1).decode('ascii')}")

    try:
        with zipfile.ZipFile(p) as z:
            for sheet, part in sheet_parts(z).items():
                with z.open(part) as fh:
                    rest = b""
                    for chunk in iter(lambda: fh.read(slice_size), b""):
                        xml = rest + chunk
                        at = xml.rfind(b"row>")
                        cut = at + 4 if at >= 0 else 0
                        look(sheet, xml[:cut])
                        rest = xml[cut:]
                    look(sheet, rest)
    except (OSError, zipfile.BadZipFile, KeyError, ValueError):
        pass
    return count, cells


_SHEET_TAG = re.compile(rb"<(?:\w+:)?sheet\b[^>]*>")


def hidden_sheets(p: Path) -> list[str]:
    """The sheets of the workbook at ``p`` a clerk hid (隐藏 or, by macro, very hidden): certctl hides none,
    and a ledger written anew shows them again (nothing is lost). Empty for a workbook not in that format."""
    import html
    import zipfile

    try:
        with zipfile.ZipFile(p) as z:
            xml = z.read("xl/workbook.xml") if z.getinfo("xl/workbook.xml").file_size < 16 << 20 else b""
    except (OSError, zipfile.BadZipFile, KeyError, ValueError):
        return []
    out = []
    for m in _SHEET_TAG.finditer(xml):
        state = re.search(rb'\sstate="([^"]*)"', m.group(0))
        name = re.search(rb'\sname="([^"]*)"', m.group(0))
        if state and name and state.group(1) in (b"hidden", b"veryHidden"):
            out.append(html.unescape(name.group(1).decode("utf-8", "replace")))
    return out


def _sheets_by_part(z: Any, names: list[str]) -> dict[str, str]:
    """comments part -> sheet name: each sheet's part (:func:`certctl.reader.sheet_parts`), then the
    parts its own relationships name."""
    import posixpath

    from .reader import sheet_parts

    out: dict[str, str] = {}
    for sheet, part in sheet_parts(z).items():
        d, f = posixpath.split(part)
        rp = f"{d}/_rels/{f}.rels"
        if rp not in names:
            continue
        for m in re.finditer(rb"<(?:\w+:)?Relationship\b[^>]*>", z.read(rp)):
            t = re.search(rb'\sTarget="([^"]+)"', m.group(0))
            if t:
                target = t.group(1).decode("utf-8", "replace")
                out[target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join(d, target))] = sheet
    return out


def short(e: Exception) -> str:
    text = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
    return text[:120]


@contextlib.contextmanager
def removed_on_failure(tmp: Path) -> Iterator[Path]:
    """``tmp``, a temporary file removed when the block fails or is stopped (SIGTERM, Ctrl-C): no half
    copy of a ledger, personal data, is left."""
    try:
        yield tmp
    except BaseException:
        try:
            tmp.unlink()
        except OSError:
            pass
        raise


# ------------------------------------------------------------------------------------------ backup
def backup_pattern(ledger: str | os.PathLike[str]) -> re.Pattern[str]:
    """The names :func:`back_up` gives copies of ``ledger`` (so a folder scan can leave them out)."""
    p = Path(ledger)
    return re.compile(re.escape(_backup_stem(p)) + r"\.\d{4}-\d{2}-\d{2}T\d{4}(\d{2})?(-\d+)?\.bak" + re.escape(p.suffix), re.I)


def _backup_stem(p: Path) -> str:
    """The ledger's stem in its backups' names, shortened when long so that the longest backup name
    (``<stem>.2024-06-05T093000-99.bak.xlsx``) and its temporary name fit in 255 bytes
    (:func:`certctl.pathnames.fit`)."""
    longest = ".2024-06-05T093000-99.bak" + p.suffix
    return fit(p.stem, longest, room=TEMP_ROOM)[: -len(longest)]


def back_up(ledger: str | os.PathLike[str], when: dt.datetime | None = None) -> Path:
    """Copy ``ledger`` aside in its folder, same permissions: ``台账.2024-06-05T0930.bak.xlsx``. OSError
    when it cannot be copied (the caller must then not replace the ledger)."""
    p = Path(ledger)
    when = when or dt.datetime.now()
    stem = _backup_stem(p)
    names = [f"{stem}.{when:%Y-%m-%dT%H%M}.bak{p.suffix}", f"{stem}.{when:%Y-%m-%dT%H%M%S}.bak{p.suffix}"]
    names += [f"{stem}.{when:%Y-%m-%dT%H%M%S}-{k}.bak{p.suffix}" for k in range(2, 100)]
    for name in names:
        target = p.with_name(name)
        if target.exists():
            continue
        with removed_on_failure(p.with_name(f".{name}.{os.getpid()}.tmp")) as tmp:  # fits: _backup_stem
            shutil.copy2(p, tmp)  # contents, permissions and times
            if target.exists():  # taken meanwhile
                tmp.unlink()
                continue
            os.replace(tmp, target)
        return target
    raise FileExistsError(f"no free backup name for {p}")
