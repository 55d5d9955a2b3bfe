"""Regenerate the bad-input corpus deterministically: ``python tests/corpus/make_corpus.py``.

Every file is built from code (synthetic people only, fixed seeds, fixed zip timestamps), so running
this twice gives byte-identical files. The expected outcome of each file is in ``manifest.json``
beside this script; ``tests/test_corpus.py`` checks both stay in step.

The real (inflating) zip bomb is not stored: ``make_real_bomb(path)`` builds it at test time.
"""

from __future__ import annotations

import datetime as dt
import io
import random
import struct
import sys
import zipfile
import zlib
from pathlib import Path
from typing import Callable
from xml.sax.saxutils import escape

HERE = Path(__file__).resolve().parent
FILES = HERE / "files"
FORM_DATE = dt.date(2024, 6, 3)
ZIP_DATE = (2024, 6, 3, 9, 0, 0)

try:  # importable both as tests.corpus.make_corpus and as a script
    from certctl.idcard import make_id
except ImportError:  # pragma: no cover
    sys.path.insert(0, str(HERE.parents[1] / "src"))
    from certctl.idcard import make_id

# ------------------------------------------------------------------------------ the valid base form
HEADERS = ["序号", "姓名", "所属主体（受委托组织）全称", "身份证号码", "性别", "行政执法（监督）证件号码",
           "数据录入归集、注销、修改情况", "数据录入时间", "备注"]
KEYS = ["seq", "name", "unit", "id", "sex", "cert", "action", "entry_date", "remark"]
TITLE = "附件1  人员数据录入归集、注销、修改备案表"
META = "填报单位（盖章）：启东市城市管理局   填报人员：张三   联系电话：0513-83123456   填报时间：2024年6月3日"
UNIT = "启东市城市管理局"


def people(n: int = 3) -> list[dict[str, object]]:
    rng = random.Random(20240603)
    out = []
    for i in range(n):
        male = i % 2 == 0
        birth = dt.date(1970 + rng.randint(0, 25), rng.randint(1, 12), rng.randint(1, 28))
        out.append({
            "seq": i + 1, "name": "王李张刘陈杨黄赵"[i % 8] + "伟芳"[i % 2] + "明",
            "unit": UNIT, "id": make_id("320681", birth, rng.randint(0, 400) * 2 + (1 if male else 0)),
            "sex": "男" if male else "女", "cert": f"3206810{i:05d}", "action": "录入归集",
            "entry_date": "2024-05-20", "remark": "",
        })
    return out


# ------------------------------------------------------------------------------ a minimal xlsx writer
# Hand-written parts so the corpus controls every byte: formulas with or without cached values, error
# cells, _xHHHH_ escapes, DOCTYPEs. Fixed timestamps make the output deterministic.

CT = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
      '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
      '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
      '<Default Extension="xml" ContentType="application/xml"/>'
      '<Override PartName="/xl/workbook.xml" ContentType="{wbtype}"/>'
      '{sheets}'
      '<Override PartName="/xl/sharedStrings.xml" '
      'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
      '{extra}</Types>')
WB_XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
WB_XLSM = "application/vnd.ms-excel.sheet.macroEnabled.main+xml"
ROOT_RELS = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
             '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
             '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
             'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>')
NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
RNS = 'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'


def col_letter(i: int) -> str:
    s, n = "", i + 1
    while n:
        n, r = divmod(n - 1, 26)
        s = chr(65 + r) + s
    return s


def xml_text(s: str) -> str:
    """Escape for XML, writing control characters the way Excel does (_xHHHH_)."""
    out = []
    for ch in s:
        o = ord(ch)
        if (o < 0x20 and ch not in "\t\n\r") or o in (0xFFFE, 0xFFFF):
            out.append(f"_x{o:04X}_")
        else:
            out.append(ch)
    return escape("".join(out))


Cell = object  # str | int | float | ("f", formula, cached or None) | ("e", "#REF!") | None


def cell_xml(ref: str, v: Cell) -> str:
    if v is None or v == "":
        return ""
    if isinstance(v, tuple):
        if v[0] == "f":
            _, formula, cached = v
            f = f"<f>{xml_text(formula)}</f>"
            if cached is None:
                return f'<c r="{ref}">{f}</c>'
            if isinstance(cached, (int, float)):
                return f'<c r="{ref}">{f}<v>{cached}</v></c>'
            if isinstance(cached, str) and cached.startswith("#"):
                return f'<c r="{ref}" t="e">{f}<v>{xml_text(cached)}</v></c>'
            return f'<c r="{ref}" t="str">{f}<v>{xml_text(cached)}</v></c>'
        if v[0] == "e":
            return f'<c r="{ref}" t="e"><v>{v[1]}</v></c>'
        raise ValueError(v)
    if isinstance(v, bool):
        return f'<c r="{ref}" t="b"><v>{int(v)}</v></c>'
    if isinstance(v, (int, float)):
        return f'<c r="{ref}"><v>{v!r}</v></c>' if isinstance(v, float) else f'<c r="{ref}"><v>{v}</v></c>'
    return f'<c r="{ref}" t="inlineStr"><is><t xml:space="preserve">{xml_text(str(v))}</t></is></c>'


def sheet_xml(rows: list[list[Cell]], start_row: int = 1, merges: list[str] = (), prolog: str = "",
              blank_rows: int = 0) -> str:
    parts = []
    for i in range(blank_rows):  # rows that exist in the file (a height set) but hold nothing
        parts.append(f'<row r="{i + 1}" ht="15" customHeight="1"/>')
    for r, row in enumerate(rows, start=start_row + blank_rows):
        cells = "".join(cell_xml(f"{col_letter(c)}{r}", v) for c, v in enumerate(row))
        parts.append(f'<row r="{r}">{cells}</row>')
    merge = ""
    if merges:
        merge = f'<mergeCells count="{len(merges)}">' + "".join(f'<mergeCell ref="{m}"/>' for m in merges) + "</mergeCells>"
    return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n{prolog}'
            f'<worksheet {NS} {RNS}><sheetData>{"".join(parts)}</sheetData>{merge}</worksheet>')


def zip_write(path: Path, parts: dict[str, bytes | str], method: int = zipfile.ZIP_DEFLATED) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", method) as zf:
        for name, data in parts.items():
            info = zipfile.ZipInfo(name, ZIP_DATE)
            info.compress_type = method
            info.external_attr = 0o600 << 16
            zf.writestr(info, data.encode("utf-8") if isinstance(data, str) else data)
    path.write_bytes(buf.getvalue())
    return path


def xlsx_parts(sheets: list[tuple[str, str]], *, macro: bool = False, wb_prolog: str = "",
               shared: str | None = None) -> dict[str, bytes | str]:
    """Parts of a minimal workbook; ``sheets`` is (name, worksheet xml)."""
    over = "".join(
        f'<Override PartName="/xl/worksheets/sheet{i}.xml" '
        f'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        for i in range(1, len(sheets) + 1))
    extra = '<Default Extension="bin" ContentType="application/vnd.ms-office.vbaProject"/>' if macro else ""
    wb = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n{wb_prolog}<workbook {NS} {RNS}><sheets>'
          + "".join(f'<sheet name="{escape(n)}" sheetId="{i}" r:id="rId{i}"/>' for i, (n, _) in enumerate(sheets, 1))
          + "</sheets></workbook>")
    rels = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            + "".join(f'<Relationship Id="rId{i}" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
                      f'relationships/worksheet" Target="worksheets/sheet{i}.xml"/>' for i in range(1, len(sheets) + 1))
            + f'<Relationship Id="rId{len(sheets) + 1}" Type="http://schemas.openxmlformats.org/officeDocument/'
              f'2006/relationships/sharedStrings" Target="sharedStrings.xml"/>'
            + (f'<Relationship Id="rId{len(sheets) + 2}" Type="http://schemas.microsoft.com/office/2006/'
               f'relationships/vbaProject" Target="vbaProject.bin"/>' if macro else "")
            + "</Relationships>")
    parts: dict[str, bytes | str] = {
        "[Content_Types].xml": CT.format(wbtype=WB_XLSM if macro else WB_XLSX, sheets=over, extra=extra),
        "_rels/.rels": ROOT_RELS,
        "xl/workbook.xml": wb,
        "xl/_rels/workbook.xml.rels": rels,
        "xl/sharedStrings.xml": shared or f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<sst {NS} count="0" uniqueCount="0"/>',
    }
    for i, (_, xml) in enumerate(sheets, 1):
        parts[f"xl/worksheets/sheet{i}.xml"] = xml
    if macro:
        # a stand-in VBA project: certctl never runs or parses it, only must not choke on it
        parts["xl/vbaProject.bin"] = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504) + b"Attribute VB_Name = \"Module1\"\r\nSub AutoOpen()\r\nEnd Sub\r\n"
    return parts


def form_rows(data: list[dict[str, object]] | None = None, headers: list[str] = HEADERS,
              keys: list[str] = KEYS, title: bool = True, meta: bool = True) -> list[list[Cell]]:
    rows: list[list[Cell]] = []
    if title:
        rows.append([TITLE])
    if meta:
        rows.append([META])
    rows.append(list(headers))
    for p in people() if data is None else data:
        rows.append([p.get(k, "") for k in keys])
    return rows


def write_xlsx(path: Path, rows: list[list[Cell]], *, sheet: str = "附件1", macro: bool = False,
               blank_rows: int = 0, prolog: str = "", wb_prolog: str = "", extra_sheets: list[tuple[str, str]] = (),
               merges: list[str] = ()) -> Path:
    sheets = [(sheet, sheet_xml(rows, merges=merges, prolog=prolog, blank_rows=blank_rows)), *extra_sheets]
    return zip_write(path, xlsx_parts(sheets, macro=macro, wb_prolog=wb_prolog))


def good_bytes() -> bytes:
    buf = FILES / ".good.tmp"
    write_xlsx(buf, form_rows(people(6)))
    data = buf.read_bytes()
    buf.unlink()
    return data


# ------------------------------------------------------------------------------ OLE (compound file)
def ole_file(streams: dict[str, bytes]) -> bytes:
    """A minimal, valid OLE2 compound file (v3, 512-byte sectors) holding the given root streams,
    each stored in regular sectors (padded to 4096 bytes so the mini-stream is never needed)."""
    SEC = 512
    ENDOFCHAIN, FREESECT, FATSECT = 0xFFFFFFFE, 0xFFFFFFFF, 0xFFFFFFFD
    datas = [d + bytes(max(4096, len(d)) - len(d)) for d in streams.values()]
    sizes = [len(d) for d in streams.values()]
    sectors: list[bytes] = []
    starts = []
    fat: list[int] = []
    for d in datas:
        d += bytes(-len(d) % SEC)
        n = len(d) // SEC
        starts.append(len(sectors))
        for i in range(n):
            sectors.append(d[i * SEC:(i + 1) * SEC])
            fat.append(len(sectors) if i < n - 1 else ENDOFCHAIN)
    # directory: root + one entry per stream, 4 entries per sector
    def direntry(name: str, typ: int, start: int, size: int, child: int = 0xFFFFFFFF, right: int = 0xFFFFFFFF) -> bytes:
        raw = name.encode("utf-16-le") + b"\x00\x00"
        e = raw + bytes(64 - len(raw))
        e += struct.pack("<HBB", len(raw), typ, 1)  # name length, type, colour black
        e += struct.pack("<III", 0xFFFFFFFF, right, child)  # left, right, child
        e += bytes(16) + struct.pack("<I", 0) + bytes(16)  # clsid, state, times
        e += struct.pack("<IQ", start, size)
        return e
    names = list(streams)
    # streams as a right-linked chain below the root (valid red-black tree: all black, unbalanced ok)
    entries = [direntry("Root Entry", 5, ENDOFCHAIN, 0, child=1)]
    for i, name in enumerate(names):
        right = i + 2 if i + 1 < len(names) else 0xFFFFFFFF
        entries.append(direntry(name, 2, starts[i], sizes[i], right=right))
    while len(entries) % 4:
        entries.append(bytes(64) + struct.pack("<HBB", 0, 0, 0) + struct.pack("<III", 0xFFFFFFFF, 0xFFFFFFFF, 0xFFFFFFFF) + bytes(36) + struct.pack("<IQ", 0, 0))
    dir_start = len(sectors)
    dirdata = b"".join(entries)
    nd = len(dirdata) // SEC
    for i in range(nd):
        sectors.append(dirdata[i * SEC:(i + 1) * SEC])
        fat.append(len(sectors) if i < nd - 1 else ENDOFCHAIN)
    # FAT sectors
    nfat = 1
    while (len(sectors) + nfat) > nfat * (SEC // 4):
        nfat += 1
    fat_start = len(sectors)
    fat += [FATSECT] * nfat
    fat += [FREESECT] * (nfat * (SEC // 4) - len(fat))
    fatbytes = struct.pack(f"<{len(fat)}I", *fat)
    for i in range(nfat):
        sectors.append(fatbytes[i * SEC:(i + 1) * SEC])
    difat = [fat_start + i for i in range(nfat)] + [FREESECT] * (109 - nfat)
    header = (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(16) + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6)
              + bytes(6) + struct.pack("<IIIIIIIII", 0, nfat, dir_start, 0, 4096, ENDOFCHAIN, 0, ENDOFCHAIN, 0)
              + struct.pack("<109I", *difat))
    assert len(header) == SEC
    return header + b"".join(sectors)


def encryption_info() -> bytes:
    """An ECMA-376 Agile EncryptionInfo stream (version 4.4), as Office writes for a password."""
    xml = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n<encryption xmlns='
           '"http://schemas.microsoft.com/office/2006/encryption"><keyData saltSize="16" blockSize="16" '
           'keyBits="256" hashSize="64" cipherAlgorithm="AES" cipherChaining="ChainingModeCBC" '
           'hashAlgorithm="SHA512" saltValue="AAAAAAAAAAAAAAAAAAAAAA=="/></encryption>')
    return struct.pack("<HHI", 4, 4, 0x40) + xml.encode()


# ------------------------------------------------------------------------------ zip bombs
def _flushed_zeros(n: int) -> bytes:
    co = zlib.compressobj(9, zlib.DEFLATED, -15)
    return co.compress(bytes(n)) + co.flush(zlib.Z_FULL_FLUSH)


def deflate_bomb(total: int, chunk: int = 1 << 24) -> bytes:
    """Raw deflate data that inflates to ``total`` bytes of b'0'-free zeros, built without inflating
    anything: one full-flushed chunk repeated (each chunk starts a fresh block), then a final block."""
    piece = _flushed_zeros(chunk)
    n, rest = divmod(total, chunk)
    co = zlib.compressobj(9, zlib.DEFLATED, -15)
    tail = co.compress(bytes(rest)) + co.flush(zlib.Z_FINISH)
    return piece * n + tail


def zip_with_raw(path: Path, parts: dict[str, bytes | str], raw_name: str, raw_deflate: bytes,
                 declared: int, crc: int = 0) -> Path:
    """A workbook zip where ``raw_name`` holds pre-deflated data and declares ``declared`` bytes
    (Zip64 when above 4 GiB). Other parts are written normally."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as zf:
        for name, data in parts.items():
            if name == raw_name:
                continue
            info = zipfile.ZipInfo(name, ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(info, data.encode("utf-8") if isinstance(data, str) else data)
    # append the raw member by hand: rebuild with our own central directory entry
    base = zipfile.ZipFile(io.BytesIO(buf.getvalue()))
    out = io.BytesIO()
    entries = []
    for info in base.infolist():
        data = base.read(info.filename)
        c = zlib.compressobj(9, zlib.DEFLATED, -15)
        comp = c.compress(data) + c.flush()
        entries.append((info.filename.encode(), comp, len(data), zlib.crc32(data)))
    entries.append((raw_name.encode(), raw_deflate, declared, crc))
    central = []
    for name, comp, usize, ccrc in entries:
        offset = out.tell()
        z64 = usize >= 0xFFFFFFFF or len(comp) >= 0xFFFFFFFF
        extra = struct.pack("<HHQQ", 1, 16, usize, len(comp)) if z64 else b""
        csize32 = 0xFFFFFFFF if z64 else len(comp)
        usize32 = 0xFFFFFFFF if z64 else usize
        ver = 45 if z64 else 20
        out.write(struct.pack("<IHHHHHIIIHH", 0x04034B50, ver, 0, 8, 0x4800, 0x58C3, ccrc, csize32, usize32,
                              len(name), len(extra)) + name + extra)
        out.write(comp)
        cextra = struct.pack("<HHQQ", 1, 16, usize, len(comp)) if z64 else b""
        central.append(struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, ver, ver, 0, 8, 0x4800, 0x58C3, ccrc,
                                   csize32, usize32, len(name), len(cextra), 0, 0, 0, 0, offset) + name + cextra)
    cd_off = out.tell()
    cd = b"".join(central)
    out.write(cd)
    out.write(struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(entries), len(entries), len(cd), cd_off, 0))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(out.getvalue())
    return path


def make_real_bomb(path: Path, total: int = 2 << 30) -> Path:
    """A genuine bomb: the sheet part really inflates to ``total`` bytes (2 GiB by default), ~2 MB on
    disk, declaring its true size. Built at test time, never stored."""
    parts = xlsx_parts([("附件1", sheet_xml(form_rows()))])
    return zip_with_raw(path, parts, "xl/worksheets/sheet1.xml", deflate_bomb(total), total)


def make_lying_bomb(path: Path, total: int = 2 << 30) -> Path:
    """The sneaky bomb: the part inflates to ``total`` bytes but declares only 4 KB."""
    parts = xlsx_parts([("附件1", sheet_xml(form_rows()))])
    raw = deflate_bomb(total)
    first = zlib.decompressobj(-15).decompress(raw, 4096)  # the CRC matches the declared 4 KB
    return zip_with_raw(path, parts, "xl/worksheets/sheet1.xml", raw, 4096, zlib.crc32(first))


# ------------------------------------------------------------------------------ the corpus
Builder = Callable[[Path], object]
CORPUS: dict[str, Builder] = {}


def corpus(name: str) -> Callable[[Builder], Builder]:
    def deco(fn: Builder) -> Builder:
        CORPUS[name] = fn
        return fn
    return deco


# --- containers that are broken
@corpus("good_baseline.xlsx")
def _(p: Path) -> None:
    p.write_bytes(good_bytes())


@corpus("truncated.xlsx")
def _(p: Path) -> None:
    data = good_bytes()
    p.write_bytes(data[: len(data) // 2])


@corpus("truncated_tail.xlsx")
def _(p: Path) -> None:  # only the end-of-central-directory record cut off
    p.write_bytes(good_bytes()[:-10])


@corpus("bad_crc.xlsx")
def _(p: Path) -> None:
    data = bytearray(good_bytes())
    zf = zipfile.ZipFile(io.BytesIO(bytes(data)))
    info = zf.getinfo("xl/worksheets/sheet1.xml")
    # flip the stored CRC in the local header and in the central directory
    bad = (info.CRC ^ 0xDEADBEEF).to_bytes(4, "little")
    old = info.CRC.to_bytes(4, "little")
    p.write_bytes(bytes(data).replace(old, bad))


@corpus("garbage_middle.xlsx")
def _(p: Path) -> None:
    data = bytearray(good_bytes())
    zf = zipfile.ZipFile(io.BytesIO(bytes(data)))
    info = zf.getinfo("xl/worksheets/sheet1.xml")
    start = info.header_offset + 30 + len(info.filename) + 8
    rng = random.Random(7)
    for i in range(start, min(start + 64, start + info.compress_size - 1)):
        data[i] = rng.randrange(256)
    p.write_bytes(bytes(data))


@corpus("not_a_zip_binary.xlsx")
def _(p: Path) -> None:
    rng = random.Random(11)
    p.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(rng.randrange(256) for _ in range(2000)))


@corpus("empty_0_bytes.xlsx")
def _(p: Path) -> None:
    p.write_bytes(b"")


@corpus("zip_no_workbook.xlsx")
def _(p: Path) -> None:
    zip_write(p, {"readme.txt": "hello", "data/a.xml": "<a/>"})


@corpus("xlsb_renamed.xlsx")
def _(p: Path) -> None:
    zip_write(p, {"[Content_Types].xml": "<Types/>", "xl/workbook.bin": b"\x83\x01\x00", "_rels/.rels": ROOT_RELS})


@corpus("missing_sheet_part.xlsx")
def _(p: Path) -> None:
    parts = xlsx_parts([("附件1", sheet_xml(form_rows()))])
    del parts["xl/worksheets/sheet1.xml"]
    zip_write(p, parts)


@corpus("malformed_sheet_xml.xlsx")
def _(p: Path) -> None:
    parts = xlsx_parts([("附件1", sheet_xml(form_rows()))])
    parts["xl/worksheets/sheet1.xml"] = str(parts["xl/worksheets/sheet1.xml"])[:-200] + "<row r=\"9\"><c"
    zip_write(p, parts)


# --- the wrong kind of file under an Excel name
@corpus("html_saved_as.xlsx")
def _(p: Path) -> None:
    p.write_text('<html xmlns:o="urn:schemas-microsoft-com:office:office"><head><meta charset="utf-8"></head>'
                 "<body><table><tr><td>姓名</td><td>身份证号码</td></tr><tr><td>王伟</td><td>320681</td></tr>"
                 "</table></body></html>", encoding="utf-8")


@corpus("html_export.xls")
def _(p: Path) -> None:  # what many web systems export as "Excel"
    p.write_bytes("\ufeff<table border=1><tr><th>姓名</th></tr><tr><td>王伟</td></tr></table>".encode("utf-8"))


@corpus("csv_renamed.xlsx")
def _(p: Path) -> None:
    lines = [",".join(HEADERS)] + [",".join(str(r[k]) for k in KEYS) for r in people()]
    p.write_bytes(("\n".join(lines) + "\n").encode("gbk"))


@corpus("pickle_renamed.xlsx")
def _(p: Path) -> None:  # a Python pickle that would run print('pwned') if anything unpickled it (issue 13)
    p.write_bytes(b"\x80\x04\x95\x1c\x00\x00\x00\x00\x00\x00\x00\x8c\x08builtins\x94\x8c\x05print\x94\x93\x94"
                  b"\x8c\x05pwned\x94\x85\x94R\x94.")


@corpus("word_renamed.xlsx")
def _(p: Path) -> None:
    zip_write(p, {
        "[Content_Types].xml": '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                               '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-'
                               'officedocument.wordprocessingml.document.main+xml"/></Types>',
        "_rels/.rels": ROOT_RELS.replace("xl/workbook.xml", "word/document.xml"),
        "word/document.xml": '<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/'
                             'wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>关于报送证件注销表的通知</w:t>'
                             "</w:r></w:p></w:body></w:document>",
    })


@corpus("pdf_renamed.xlsx")
def _(p: Path) -> None:
    p.write_bytes(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n")


@corpus("encrypted_password.xlsx")
def _(p: Path) -> None:
    rng = random.Random(3)
    p.write_bytes(ole_file({"EncryptionInfo": encryption_info(),
                            "EncryptedPackage": struct.pack("<Q", 9000) + bytes(rng.randrange(256) for _ in range(9008))}))


@corpus("ole_not_a_workbook.xls")
def _(p: Path) -> None:  # a Word 97 .doc renamed .xls: an OLE file without a Workbook stream
    p.write_bytes(ole_file({"WordDocument": b"\xec\xa5\xc1\x00" + bytes(600)}))


# --- real workbooks with an unusual name or extension (must be read fine, told apart by content)
@corpus("really_xlsx.xls")
def _(p: Path) -> None:
    p.write_bytes(good_bytes())


@corpus("wps_table.et")
def _(p: Path) -> None:
    p.write_bytes(good_bytes())


@corpus("macro_enabled.xlsm")
def _(p: Path) -> None:
    write_xlsx(p, form_rows(), macro=True)


@corpus("macro_in_xlsx_name.xlsx")
def _(p: Path) -> None:
    write_xlsx(p, form_rows(), macro=True)


@corpus("附件1 启东市 城市管理局（第二批）.xlsx")
def _(p: Path) -> None:
    p.write_bytes(good_bytes())


@corpus("folder_named_like.xlsx")
def _(p: Path) -> None:
    p.mkdir(exist_ok=True)
    (p / "note.txt").write_text("a folder, not a workbook\n", encoding="utf-8")


# --- structure
@corpus("empty_workbook.xlsx")
def _(p: Path) -> None:
    write_xlsx(p, [])


@corpus("title_only.xlsx")
def _(p: Path) -> None:
    write_xlsx(p, [[TITLE]], merges=["A1:I1"])


@corpus("header_no_rows.xlsx")
def _(p: Path) -> None:
    write_xlsx(p, form_rows([]))


@corpus("headers_reordered.xlsx")
def _(p: Path) -> None:
    order = [1, 3, 0, 8, 5, 2, 7, 4, 6]
    write_xlsx(p, form_rows(headers=[HEADERS[i] for i in order], keys=[KEYS[i] for i in order]))


@corpus("headers_variants.xlsx")
def _(p: Path) -> None:  # line breaks, full-width brackets, spaces, required-markers
    hdr = ["序\n号", "姓  名", "所属主体(受委托组织)\n全称", "*身份证号码", "性 别", "行政执法（监督）\r\n证件号码",
           "数据录入归集、注销、修改情况", "数据录入\n时间", "备　注"]
    write_xlsx(p, form_rows(headers=hdr))


@corpus("duplicate_column.xlsx")
def _(p: Path) -> None:
    write_xlsx(p, form_rows(headers=HEADERS + ["姓名"], keys=KEYS + ["name"]))


@corpus("missing_column.xlsx")
def _(p: Path) -> None:
    keep = [i for i, k in enumerate(KEYS) if k != "sex"]
    write_xlsx(p, form_rows(headers=[HEADERS[i] for i in keep], keys=[KEYS[i] for i in keep]))


@corpus("blank_rows_10000_before.xlsx")
def _(p: Path) -> None:
    write_xlsx(p, form_rows(), blank_rows=10000)


@corpus("blank_rows_10000_inside.xlsx")
def _(p: Path) -> None:
    rows = form_rows()
    rows = rows[:4] + [[""] * 9 for _ in range(10000)] + rows[4:]
    # blank rows written as rows with styled-but-empty cells, as Excel leaves them after deleting data
    xml = sheet_xml(rows).replace("<row r=\"5\">", "<row r=\"5\" ht=\"15\">")
    zip_write(p, xlsx_parts([("附件1", xml)]))


@corpus("two_sheets_notes_first.xlsx")
def _(p: Path) -> None:  # a 填表说明 sheet before the form
    notes = sheet_xml([["填表说明"], ["1. 身份证号码列请设为文本格式"], ["2. 日期请写成 2024年6月3日"]])
    write_xlsx(p, [["说明见第二页"]], sheet="说明",
               extra_sheets=[("附件1", sheet_xml(form_rows())), ("Sheet3", notes)])


# --- cell contents
@corpus("formulas_cached.xlsx")
def _(p: Path) -> None:
    rows = form_rows()
    for r in rows[3:]:
        for c, v in enumerate(r):
            r[c] = ("f", f'T("{v}")' if not isinstance(v, int) else f"{v}+0", v if v != "" else "")
    write_xlsx(p, rows)


@corpus("formulas_uncached.xlsx")
def _(p: Path) -> None:
    rows = form_rows()
    for r in rows[3:]:
        for c, v in enumerate(r):
            r[c] = ("f", f'T("{v}")' if not isinstance(v, int) else f"{v}+0", None)
    write_xlsx(p, rows)


@corpus("error_cells.xlsx")
def _(p: Path) -> None:
    rows = form_rows()
    rows[3][1] = ("f", "#REF!", "#REF!")
    rows[4][3] = ("e", "#N/A")
    rows[5][7] = ("f", "1/0", "#DIV/0!")
    write_xlsx(p, rows)


@corpus("dates_as_text_8_styles.xlsx")
def _(p: Path) -> None:
    styles = ["2024-05-20", "2024/5/20", "2024.5.20", "2024年5月20日", "20240520", "2024年05月20号",
              "二〇二四年五月二十日", "2024 年 5 月 20 日"]
    data = people(8)
    for d, s in zip(data, styles):
        d["entry_date"] = s
    rows = form_rows(data)
    rows[1] = [META.replace("2024年6月3日", "2024.6.3")]
    write_xlsx(p, rows)


@corpus("dates_real_and_serial.xlsx")
def _(p: Path) -> None:
    data = people(3)
    data[0]["entry_date"] = 45432  # 2024-05-20 as a serial
    data[1]["entry_date"] = 45432.0
    data[2]["entry_date"] = "45432"
    write_xlsx(p, form_rows(data))


@corpus("dates_impossible.xlsx")
def _(p: Path) -> None:
    data = people(3)
    data[0]["entry_date"] = "2024-02-30"
    data[1]["entry_date"] = "下周一"
    data[2]["entry_date"] = "2024-13-01"
    write_xlsx(p, form_rows(data))


@corpus("ids_as_numbers.xlsx")
def _(p: Path) -> None:
    data = people(3)
    for d in data:
        s = str(d["id"])
        d["id"] = float(s) if s.isdigit() else float(s[:-1] + "0")
    write_xlsx(p, form_rows(data))


@corpus("ids_messy_text.xlsx")
def _(p: Path) -> None:  # full-width digits, spaces, NBSP, zero-width space, lowercase x: all accepted (I007)
    data = people(3)
    full = str.maketrans("0123456789X", "０１２３４５６７８９Ｘ")
    data[0]["id"] = str(data[0]["id"]).translate(full)
    s = str(data[1]["id"])
    data[1]["id"] = s[:6] + " " + s[6:14] + "\u00a0" + s[14:]
    s = str(data[2]["id"])
    data[2]["id"] = "\u200b" + s.lower() + "\t"
    write_xlsx(p, form_rows(data))


@corpus("ids_legacy_and_bad.xlsx")
def _(p: Path) -> None:
    data = people(4)
    data[0]["id"] = "320681800517123"  # 15-digit legacy
    s = str(data[1]["id"])
    data[1]["id"] = s[:17] + ("0" if s[17] != "0" else "1")  # wrong check character
    data[2]["id"] = "3206811980051712"  # 16 characters
    data[3]["id"] = "32068119800230123X"  # 30 February
    write_xlsx(p, form_rows(data))


@corpus("cell_100k_chars.xlsx")
def _(p: Path) -> None:
    data = people(3)
    data[0]["remark"] = ("备注很长" * 25000)[:100000]
    write_xlsx(p, form_rows(data))


@corpus("id_cell_100k_chars.xlsx")
def _(p: Path) -> None:
    data = people(3)
    data[1]["id"] = "3" * 100000
    write_xlsx(p, form_rows(data))


@corpus("columns_16384.xlsx")
def _(p: Path) -> None:
    rows = form_rows()
    for r in rows[2:]:
        r.extend([""] * (16384 - len(r)))
        r[16383] = "XFD"
    write_xlsx(p, rows)


@corpus("emoji_and_control_chars.xlsx")
def _(p: Path) -> None:
    data = people(3)
    data[0]["name"] = "王😀明"
    data[1]["unit"] = "启东市\x07城市管理局\x1b"
    data[2]["remark"] = "👍🏽 已核对\u202e反向文本\u202c"
    data[2]["name"] = "阿依古丽•买买提"
    write_xlsx(p, form_rows(data))


@corpus("formula_injection_text.xlsx")
def _(p: Path) -> None:  # text cells that look like formulas: stay text everywhere
    data = people(4)
    data[0]["remark"] = '=HYPERLINK("http://x","y")'
    data[1]["remark"] = "=cmd|' /C calc'!A0"
    data[2]["remark"] = "+1+1"
    data[3]["remark"] = "@SUM(1)"
    write_xlsx(p, form_rows(data))


@corpus("many_sheets_200.xlsx")
def _(p: Path) -> None:
    extra = [(f"Sheet{i}", sheet_xml([["空白"]])) for i in range(2, 201)]
    write_xlsx(p, form_rows(), extra_sheets=extra)


# --- hostile XML and zip tricks
@corpus("xxe_passwd.xlsx")
def _(p: Path) -> None:
    write_xlsx(p, form_rows() + [["&xxe;"]],
               prolog='<!DOCTYPE worksheet [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n')
    # sheet_xml escaped the & : put the entity reference back in
    z = zipfile.ZipFile(p)
    parts = {n: z.read(n) for n in z.namelist()}
    z.close()
    parts["xl/worksheets/sheet1.xml"] = parts["xl/worksheets/sheet1.xml"].replace(b"&amp;xxe;", b"&xxe;")
    zip_write(p, parts)


@corpus("xxe_in_shared_strings.xlsx")
def _(p: Path) -> None:
    parts = xlsx_parts([("附件1", sheet_xml(form_rows()))])
    parts["xl/sharedStrings.xml"] = ('<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE sst [<!ENTITY x SYSTEM '
                                     '"file:///etc/passwd">]>' f'<sst {NS} count="1" uniqueCount="1"><si><t>&x;</t></si></sst>')
    zip_write(p, parts)


@corpus("billion_laughs.xlsx")
def _(p: Path) -> None:
    ents = '<!ENTITY lol "lol">' + "".join(
        f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">' for i in range(1, 10))
    parts = xlsx_parts([("附件1", sheet_xml(form_rows()))])
    parts["xl/sharedStrings.xml"] = (f'<?xml version="1.0"?>\n<!DOCTYPE lolz [{ents}]>'
                                     f'<sst {NS} count="1" uniqueCount="1"><si><t>&lol9;</t></si></sst>')
    zip_write(p, parts)


@corpus("doctype_late_in_part.xlsx")
def _(p: Path) -> None:  # DOCTYPE pushed past the first 4 KB by a long comment
    ents = '<!ENTITY lol "lol">' + "".join(
        f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">' for i in range(1, 10))
    parts = xlsx_parts([("附件1", sheet_xml(form_rows()))])
    parts["xl/sharedStrings.xml"] = (f'<?xml version="1.0"?>\n<!--{"x" * 9000}--><!DOCTYPE lolz [{ents}]>'
                                     f'<sst {NS} count="1" uniqueCount="1"><si><t>&lol9;</t></si></sst>')
    zip_write(p, parts)


@corpus("zip_bomb_declared.xlsx")
def _(p: Path) -> None:  # tiny on disk, declares 8 GiB for the sheet (Zip64)
    parts = xlsx_parts([("附件1", sheet_xml(form_rows()))])
    zip_with_raw(p, parts, "xl/worksheets/sheet1.xml", deflate_bomb(1 << 20), 8 << 30)


@corpus("zip_bomb_lying_small.xlsx")
def _(p: Path) -> None:  # declares 4 KB for a part that really inflates to 64 MiB (64 KB on disk)
    make_lying_bomb(p, 64 << 20)


@corpus("zip_slip_names.xlsx")
def _(p: Path) -> None:  # path traversal member names: never extracted, must not matter
    parts = xlsx_parts([("附件1", sheet_xml(form_rows()))])
    parts["../../../../tmp/evil.txt"] = "x"
    parts["/etc/cron.d/evil"] = "x"
    zip_write(p, parts)


def build(dest: Path = FILES) -> list[Path]:
    dest.mkdir(parents=True, exist_ok=True)
    out = []
    for name, fn in CORPUS.items():
        p = dest / name
        if p.is_dir() and name != "folder_named_like.xlsx":
            continue
        fn(p)
        out.append(p)
    return out


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else FILES
    paths = build(target)
    print(f"{len(paths)} corpus files written to {target}")
