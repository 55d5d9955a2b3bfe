"""The validation pipeline: read -> locate header -> normalise -> typed records -> rules -> findings.

``validate_file(path, options)`` returns a :class:`FormResult` holding every typed record and every
finding; nothing here prints. The CLI and the merge both call it.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable

from . import forms as F
from . import rules as R
from .findings import Finding, count
from .idcard import age_on, check_char, check_id
from .normalize import (
    cell_text,
    clean_text,
    compact,
    header_key,
    normalise_name,
    parse_date,
    parse_number,
    phone_ok,
)
from .reader import ReadError, SheetData, WorkbookData, read_workbook

HELD_DONE_WORDS = ("已注销", "已收回", "已上交", "已交回", "已办理注销", "已缴销")


# ----------------------------------------------------------------------------------- options
@dataclass
class Options:
    """Everything validation needs from the config file and the command line."""

    lang: str = "zh"
    form: str | None = None  # force a family: annex1 … annex4, survey, registry, national
    annual_hours: float = 60
    new_field_hours: float = 20
    min_age: int = 18
    warn_over_age: int = 65
    report_days: int = 3
    due_soon_days: int = 3
    disabled: frozenset[str] = frozenset()
    cert_patterns: dict[str, str] = field(default_factory=dict)
    calendar: Any = None  # workdays.WorkCalendar; created lazily when None
    today: dt.date | None = None

    @classmethod
    def from_config(cls, cfg: Any, **overrides: Any) -> "Options":
        """Build options from a :class:`certctl.config.Config` (or None for defaults)."""
        opts = cls()
        if cfg is not None:
            opts.lang = getattr(cfg, "lang", opts.lang)
            dl = getattr(cfg, "deadlines", None)
            if dl is not None:
                opts.report_days = getattr(dl, "report_days", opts.report_days)
                opts.due_soon_days = getattr(dl, "due_soon_days", opts.due_soon_days)
            tr = getattr(cfg, "training", None)
            if tr is not None:
                opts.annual_hours = getattr(tr, "annual_hours", opts.annual_hours)
                opts.new_field_hours = getattr(tr, "new_field_hours", opts.new_field_hours)
            age = getattr(cfg, "age", None)
            if age is not None:
                opts.min_age = getattr(age, "min", opts.min_age)
                opts.warn_over_age = getattr(age, "warn_over", opts.warn_over_age)
            rules = getattr(cfg, "rules", None)
            if rules is not None:
                opts.disabled = frozenset(getattr(rules, "disable", ()) or ())
            opts.cert_patterns = dict(getattr(cfg, "cert_patterns", None) or {})
            try:
                from .config import make_calendar

                opts.calendar = make_calendar(cfg)
            except Exception:
                opts.calendar = None
        for k, v in overrides.items():
            if v is not None:
                setattr(opts, k, v)
        return opts

    def get_calendar(self) -> Any:
        if self.calendar is None:
            from .workdays import WorkCalendar

            self.calendar = WorkCalendar()
        return self.calendar


# ----------------------------------------------------------------------------------- results
@dataclass(slots=True)
class Record:
    """One data row, typed. ``values`` holds normalised values by column key (None when empty or
    invalid); ``raw`` the cell text as read; ``cols`` the 0-based column of each key."""

    kind: str
    sheet: str
    row: int
    values: dict[str, Any]
    raw: dict[str, str]
    errors: int = 0
    warnings: int = 0
    codes: list[str] = field(default_factory=list)
    colour: str | None = None  # derived 红/黄/绿 (survey rows)
    colour_reasons: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.errors == 0


@dataclass(slots=True)
class Metadata:
    unit: str = ""
    reporter: str = ""
    phone: str = ""
    date: dt.date | None = None
    date_text: str = ""
    row: int | None = None  # Excel row of the metadata line
    found: bool = False


@dataclass
class SheetResult:
    sheet: str
    spec: F.FormSpec
    header_row: int  # Excel row number of the (last) header row
    header_rows: int  # 1 or 2
    colmap: dict[str, int]  # column key -> 0-based index
    records: list[Record] = field(default_factory=list)
    skipped: int = 0  # blank, footer and repeated-header rows


@dataclass
class FormResult:
    path: str
    family: str = "unknown"
    sha256: str = ""
    format: str = ""
    meta: Metadata = field(default_factory=Metadata)
    sheets: list[SheetResult] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    read_error: ReadError | None = None

    @property
    def rows(self) -> int:
        return sum(len(s.records) for s in self.sheets)

    @property
    def errors(self) -> int:
        return count(self.findings, R.ERROR)

    @property
    def warnings(self) -> int:
        return count(self.findings, R.WARNING)

    @property
    def infos(self) -> int:
        return count(self.findings, R.INFO)

    def records(self, kind: str | None = None) -> list[Record]:
        return [r for s in self.sheets if kind is None or s.spec.kind == kind for r in s.records]

    def sheet_of(self, kind: str) -> SheetResult | None:
        for s in self.sheets:
            if s.spec.kind == kind:
                return s
        return None


# ----------------------------------------------------------------------------------- header
_PAREN_RE = re.compile(r"\([^)]*\)")


def _strip_parens(key: str) -> str:
    return _PAREN_RE.sub("", key)


@dataclass(frozen=True)
class _Lookup:
    exact: dict[str, str]
    loose: dict[str, str]


_LOOKUPS: dict[str, _Lookup] = {}


def _lookup(spec: F.FormSpec) -> _Lookup:
    lk = _LOOKUPS.get(spec.kind)
    if lk is None:
        exact: dict[str, str] = {}
        loose: dict[str, str] = {}
        for col in spec.columns:
            for k in col.keys:
                exact.setdefault(k, col.key)
                loose.setdefault(_strip_parens(k), col.key)
        lk = _LOOKUPS[spec.kind] = _Lookup(exact, loose)
    return lk


def _match(spec: F.FormSpec, text: str) -> str | None:
    if not text:
        return None
    k = header_key(text)
    if not k:
        return None
    lk = _lookup(spec)
    hit = lk.exact.get(k)
    if hit is None:
        hit = lk.loose.get(_strip_parens(k))
    return hit


def _merged_fill(sheet: SheetData) -> dict[tuple[int, int], object]:
    """Cells covered by a merged range (other than its top-left) -> the top-left value."""
    fill: dict[tuple[int, int], object] = {}
    for r1, c1, r2, c2 in sheet.merged:
        if (r2 - r1 + 1) * (c2 - c1 + 1) > 4000:
            continue
        try:
            v = sheet.rows[r1][c1]
        except IndexError:
            continue
        for r in range(r1, r2 + 1):
            for c in range(c1, c2 + 1):
                if (r, c) != (r1, c1):
                    fill[(r, c)] = v
    return fill


def _cell(rows: list[list[object]], r: int, c: int, fill: dict[tuple[int, int], object] | None = None) -> object:
    try:
        v = rows[r][c]
    except IndexError:
        v = ""
    if (v == "" or v is None) and fill:
        v = fill.get((r, c), "")
    return v


@dataclass
class _Header:
    spec: F.FormSpec
    row: int  # 0-based index of the first header row
    nrows: int
    colmap: dict[str, int]
    dupes: dict[str, list[int]]
    unknown: list[tuple[int, str]]
    score: tuple


def _score_row(spec: F.FormSpec, rows: list[list[object]], r: int, two: bool,
               fill: dict[tuple[int, int], object]) -> tuple[dict[str, int], dict[str, list[int]], list[tuple[int, str]]]:
    width = max(len(rows[r]), len(rows[r + 1]) if two and r + 1 < len(rows) else 0)
    colmap: dict[str, int] = {}
    dupes: dict[str, list[int]] = {}
    unknown: list[tuple[int, str]] = []
    for c in range(width):
        top = cell_text(_cell(rows, r, c, fill))
        cands = [top]
        if two:
            sub = cell_text(_cell(rows, r + 1, c, None))
            cands = [sub, top + sub, top] if sub else [top]
        key = None
        for t in cands:
            key = _match(spec, t)
            if key:
                break
        if key is None:
            label = clean_text(cands[0])
            if label:
                unknown.append((c, label))
            continue
        if key in colmap:
            dupes.setdefault(key, [colmap[key]]).append(c)
        else:
            colmap[key] = c
    return colmap, dupes, unknown


_ANY_MEMO: dict[str, bool] = {}
_ASCII_KEYS: list[bool] = []


def _ascii_keys() -> bool:
    """Whether any header key is plain ASCII (then ASCII cell texts must be looked up too)."""
    if not _ASCII_KEYS:
        _ASCII_KEYS.append(any(k.isascii() for s in F.SPECS for lk in (_lookup(s),) for k in (*lk.exact, *lk.loose)))
    return _ASCII_KEYS[0]


_ALL_KEYS: list[tuple[frozenset[str], frozenset[str]]] = []


def _match_any(text: str) -> bool:
    """_match(spec, text) for some spec of the catalogue, in one lookup."""
    if not _ALL_KEYS:
        _ALL_KEYS.append((frozenset(k for s in F.SPECS for k in _lookup(s).exact),
                          frozenset(k for s in F.SPECS for k in _lookup(s).loose)))
    if not text:
        return False
    k = header_key(text)
    if not k:
        return False
    exact, loose = _ALL_KEYS[0]
    return k in exact or _strip_parens(k) in loose


def _could_be_header(rows: list[list[object]], r: int, fill: dict[tuple[int, int], object]) -> bool:
    """Exact pre-filter for locate_header: fewer than 3 columns whose text (this row, the next row or
    both joined, as _score_row tries them) names a column of any form means no form can score the
    row, as one header row or two. Data rows are ruled out in one cheap pass instead of 16."""
    two = r + 1 < len(rows)
    width = max(len(rows[r]), len(rows[r + 1]) if two else 0)
    ascii_ok = _ascii_keys()
    hits = 0
    for c in range(width):
        top = cell_text(_cell(rows, r, c, fill))
        sub = cell_text(_cell(rows, r + 1, c, None)) if two else ""
        if not ascii_ok and top.isascii() and sub.isascii():
            continue  # every header key has a Chinese character
        for t in ((sub, top + sub, top) if sub else (top,)):
            hit = _ANY_MEMO.get(t)
            if hit is None:
                if len(_ANY_MEMO) > 50_000:
                    _ANY_MEMO.clear()
                hit = _ANY_MEMO[t] = _match_any(t)
            if hit:
                hits += 1
                break
        if hits >= 3:
            return True
    return False


def _title_bonus(spec: F.FormSpec, rows: list[list[object]], upto: int, sheet_name: str) -> int:
    text = sheet_name + " " + " ".join(cell_text(v) for row in rows[: max(upto, 0)] for v in row if v != "")
    text = compact(text)
    return sum(1 for w in spec.signature_words if w in text) + (
        1 if spec.sheet_name and spec.sheet_name in sheet_name else 0
    )


def locate_header(sheet: SheetData, specs: Iterable[F.FormSpec], max_scan: int = 60) -> _Header | None:
    """Find the header row (or two rows) and the form it belongs to. Scans the first ``max_scan``
    non-empty rows, so title rows, metadata rows and long blank runs above the header are fine."""
    rows = sheet.rows
    fill = _merged_fill(sheet)
    specs = tuple(specs)
    known = all(s in F.SPECS for s in specs)  # the pre-filter knows the catalogue's keys only
    best: _Header | None = None
    scanned = 0
    for r in range(len(rows)):
        row = rows[r]
        nonempty = sum(1 for v in row if v != "" and v is not None)
        if nonempty == 0:
            continue
        scanned += 1
        if scanned > max_scan:
            break
        if nonempty < 2 and not any(fill.get((r, c)) for c in range(len(row))):
            continue
        if known and not _could_be_header(rows, r, fill):
            continue
        for spec in specs:
            mandatory = [c for c in spec.columns if not c.optional]
            for two in (False, True):
                if two and r + 1 >= len(rows):
                    continue
                colmap, dupes, unknown = _score_row(spec, rows, r, two, fill)
                n = len(colmap)
                need = sum(1 for c in mandatory if c.key in colmap)
                if n < 3 or need * 2 < len(mandatory):
                    continue
                frac = need / len(mandatory)
                score = (n + need, frac, -int(two), _title_bonus(spec, rows, r, sheet.name), -r)
                if best is None or score > best.score:
                    best = _Header(spec, r, 2 if two else 1, colmap, dupes, unknown, score)
    if best is not None and best.nrows == 1 and best.row > 0:
        # A one-row match that only works because vertical merges from the row above fill it in is
        # really a two-row header (group titles above, sub-titles below).
        r = best.row
        if any(r1 == r - 1 and r2 >= r and c1 <= ci <= c2
               for r1, c1, r2, c2 in sheet.merged for ci in best.colmap.values()):
            colmap, dupes, unknown = _score_row(best.spec, rows, r - 1, True, fill)
            if len(colmap) >= len(best.colmap):
                best = _Header(best.spec, r - 1, 2, colmap, dupes, unknown, best.score)
    return best


# ----------------------------------------------------------------------------------- metadata
_META_LABELS = (
    ("unit", r"填报单位(?:\((?:盖章|公章|签章|章)\))?"),
    ("reporter", r"填报人员|填报人|填表人"),
    ("phone", r"联系电话|联系方式|电话(?=\s*[:：])"),
    ("date", r"填报时间|填报日期|填表时间|填表日期"),
)
_META_RE = re.compile("|".join(f"(?P<{k}>{p})" for k, p in _META_LABELS))


def parse_metadata(rows: list[list[object]], upto: int) -> Metadata:
    meta = Metadata()
    for r in range(min(upto, len(rows))):
        cells = [cell_text(v) for v in rows[r] if v != "" and v is not None]
        if not cells:
            continue
        text = clean_text(" ".join(cells))
        matches = list(_META_RE.finditer(text))
        if not matches:
            continue
        meta.found = True
        meta.row = r + 1
        for i, m in enumerate(matches):
            key = m.lastgroup
            end = matches[i + 1].start() if i + 1 < len(matches) else len(text)
            val = text[m.end():end].strip().lstrip(":：").strip()
            if key == "date":
                meta.date_text = val
                probe = re.sub(r"\s+", "", val)
                if re.fullmatch(r"年?月?日?", probe):
                    meta.date_text = ""
                else:
                    d, _ = parse_date(probe)
                    meta.date = d
            elif key and not getattr(meta, key):
                setattr(meta, key, val)
    return meta


# ----------------------------------------------------------------------------------- rows
_FOOTER_RE = re.compile(r"^(注|备注|说明|填表说明|附注)\s*[:：]|审核人|负责人|填表人|制表人|签字|签名|盖章|^合计|^总计|^小计"
                        r"|^以下(空白|无内容|无)|^(单位)?(公章|印章)")


def _has_id(row: list[object], id_col: int | None) -> bool:
    if id_col is None or id_col >= len(row):
        return False
    v = row[id_col]
    if isinstance(v, (int, float)) and not isinstance(v, bool):
        return v >= 1e14
    idv = compact(cell_text(v))
    return len(idv) >= 15 and idv[:6].isdigit()


def _is_footer(row: list[object], id_col: int | None) -> bool:
    first = next((v for v in row if v != "" and v is not None), "")
    if not isinstance(first, str):  # a number, date or bool never reads as a note or signature line
        return False
    t = clean_text(first)
    if not _FOOTER_RE.search(t):
        return False
    return not _has_id(row, id_col)


_SYNONYMS = {"有": "是", "具有": "是", "已取得": "是", "Y": "是", "YES": "是", "√": "是", "无": "否", "没有": "否",
             "未取得": "否", "N": "否", "NO": "否", "×": "否", "红色": "红", "黄色": "黄", "绿色": "绿",
             "省": "省级", "国家": "国家部委", "部委": "国家部委", "新": "新版", "旧": "旧版", "离退休": "退休",
             "调出": "调离", "新增": "录入归集", "录入": "录入归集", "归集": "录入归集", "变更": "修改"}


def _suggest(value: str, allowed: tuple[str, ...], lang: str) -> str:
    best = _SYNONYMS.get(value.upper())
    if best not in allowed:
        best = None
    for a in allowed:
        if best is None and a and value and (a in value or value in a):
            best = a
            break
    if best is None:
        m = difflib.get_close_matches(value, allowed, n=1, cutoff=0.3)
        best = m[0] if m else None
    if not best:
        return ""
    return f" Did you mean '{best}'?" if lang == "en" else f"是否应为“{best}”？"


class _Ctx:
    """Collects findings for one file."""

    def __init__(self, path: str, opts: Options):
        self.path = path
        self.opts = opts
        self.findings: list[Finding] = []
        self.warned_years: set[int] = set()
        self.seen_id: dict[str, dict[str, tuple[str, int]]] = {}
        self.seen_cert: dict[str, dict[str, tuple[str, str, int]]] = {}

    def add(self, code: str, sheet: str | None = None, row: int | None = None, col: int | None = None,
            fld: str | None = None, value: str | None = None, rec: Record | None = None,
            sensitive: bool = False, sev: str | None = None, **params: Any) -> Finding | None:
        if code in self.opts.disabled:
            return None
        f = Finding(code, self.path, sheet, row, col, fld, value, params, sensitive,
                    sev if sev and sev != R.RULES[code].severity else None)
        self.findings.append(f)
        if rec is not None:
            rec.codes.append(code)
            sev = f.severity
            if sev == R.ERROR:
                rec.errors += 1
            elif sev == R.WARNING:
                rec.warnings += 1
        return f


def _why_date(problem: str, lang: str) -> str:
    if lang == "en":
        return "is not a real date" if problem == "impossible" else "cannot be read as a date"
    return "是不存在的日期" if problem == "impossible" else "无法识别为日期"


_HDR_MEMO: dict[tuple[str, str], str | None] = {}


def _header_again(spec: F.FormSpec, cols: list[tuple[F.Column, int]], row: list[object]) -> bool:
    """A header repeated on a new printed page: 3+ cells name their own column. Every header key
    has a non-ASCII (Chinese) character, so numbers, dates and ASCII text (IDs, codes) never match
    and are not looked up; other texts are memoised (names, units and enums repeat)."""
    n = 0
    width = len(row)
    for c, ci in cols:
        if ci >= width:
            continue
        v = row[ci]
        if not isinstance(v, str) or v.isascii():
            continue
        k = (spec.kind, v)
        hit = _HDR_MEMO.get(k, ...)
        if hit is ...:
            if len(_HDR_MEMO) > 50_000:
                _HDR_MEMO.clear()
            hit = _HDR_MEMO[k] = _match(spec, v)
        if hit == c.key:
            n += 1
    return n >= 3


def _process_sheet(ctx: _Ctx, sheet: SheetData, hdr: _Header, meta: Metadata) -> SheetResult:
    spec = hdr.spec
    lang = ctx.opts.lang
    rows = sheet.rows
    sname = sheet.name
    header_last = hdr.row + hdr.nrows - 1
    res = SheetResult(sname, spec, header_last + 1, hdr.nrows, dict(hdr.colmap))
    colmap = hdr.colmap
    hdr_excel = hdr.row + 1
    for col in spec.columns:
        if col.key not in colmap and not col.optional:
            # a sheet-level finding: no row or cell to point at (the header row is named in the message)
            ctx.add("F003", sname, None, None, col.title, column=col.title, header_row=hdr_excel)
    for key, cols in hdr.dupes.items():
        c = spec.column(key)
        from .findings import col_letter

        ctx.add("F004", sname, hdr_excel, cols[1], c.title if c else key,
                column=c.title if c else key, cells="、".join(f"{col_letter(i)}{hdr_excel}" for i in cols))
    cols = [(c, colmap[c.key]) for c in spec.columns if c.key in colmap]
    data_cols = [ci for c, ci in cols if c.type != "seq"]
    id_col = colmap.get("id")
    form_date = meta.date
    ref_date = form_date or ctx.opts.today or dt.date.today()
    # duplicates are looked for across every sheet of the same kind in the file
    seen_id: dict[str, tuple[str, int]] = ctx.seen_id.setdefault(spec.kind, {})
    seen_cert: dict[str, tuple[str, str, int]] = ctx.seen_cert.setdefault(spec.kind, {})
    pattern_cache: dict[str, re.Pattern[str] | None] = {}
    in_footer = False
    for r in range(header_last + 1, len(rows)):
        row = rows[r]
        if not any((row[ci] != "" and row[ci] is not None) for ci in data_cols if ci < len(row)):
            if any(v != "" and v is not None for v in row):
                res.skipped += 1
            continue
        if _is_footer(row, id_col):
            in_footer = True
            res.skipped += 1
            continue
        if in_footer and not _has_id(row, id_col):
            # below a note or signature line: dates, seals and names of signatories are not data
            res.skipped += 1
            continue
        # a header repeated on a new printed page
        if _header_again(spec, cols, row):
            res.skipped += 1
            continue
        excel_row = r + 1
        rec = Record(spec.kind, sname, excel_row, {}, {})
        vals = rec.values
        for col, ci in cols:
            raw = row[ci] if ci < len(row) else ""
            text = cell_text(raw)
            rec.raw[col.key] = text
            t = col.type
            if t == "seq":
                continue
            if is_error_value(raw):
                # a formula error (#REF!, #N/A …): say so, never "empty" or "bad checksum"
                vals[col.key] = None
                ctx.add("F007", sname, excel_row, ci, col.title, clean_text(text), rec,
                        sev=None if col.required else R.WARNING)
                continue
            empty = raw is None or raw == "" or (isinstance(raw, str) and not raw[:1].isalnum() and not clean_text(raw))
            if empty:
                vals[col.key] = None
                if col.required:
                    ctx.add(col.empty_code, sname, excel_row, ci, col.title, "", rec)
                continue
            if t == "id":
                quoted = isinstance(raw, str) and raw.lstrip()[:1] in ("'", "‘", "’", "`")
                res_id = check_id(raw.lstrip().lstrip("'‘’`") if quoted else raw)
                if quoted:  # a text marker typed in front (as in Excel's '320681…): accepted, I007
                    res_id.changed = True
                vals["id"] = res_id.value
                vals["id_ok"] = res_id.problem is None
                _id_findings(ctx, sname, excel_row, ci, col.title, text, res_id, rec)
                if res_id.problem is None:
                    vals["_birth"] = res_id.birth
                    vals["_male"] = res_id.male
            elif t == "name":
                name, bad = normalise_name(raw)
                vals["name"] = name
                if bad:
                    ctx.add("N002", sname, excel_row, ci, col.title, name, rec)
            elif t == "cert":
                vals[col.key] = _cert(ctx, sname, excel_row, ci, col, raw, text, rec)
            elif t in ("enum", "sex"):
                v = compact(text)
                if col.key == "sex":
                    v = {"男性": "男", "女性": "女"}.get(v, v)
                if v in col.enum:
                    vals[col.key] = v
                else:
                    vals[col.key] = None
                    ctx.add("V002", sname, excel_row, ci, col.title, text, rec,
                            allowed=" / ".join(col.enum), suggest=_suggest(v, col.enum, lang))
            elif t == "date":
                d, problem = parse_date(raw)
                vals[col.key] = d
                if d is None:
                    ctx.add("D001", sname, excel_row, ci, col.title, text, rec, why=_why_date(problem or "format", lang))
                elif form_date and d > form_date:
                    ctx.add("D002", sname, excel_row, ci, col.title, d.isoformat(), rec, form_date=form_date.isoformat())
            elif t == "number":
                n, problem = parse_number(raw)
                if n is None or n < 0:
                    vals[col.key] = None
                    ctx.add("V003", sname, excel_row, ci, col.title, text, rec)
                else:
                    vals[col.key] = n
            else:  # text, unit
                vals[col.key] = clean_text(text)
        # ---- row-level person rules
        if vals.get("id_ok"):
            male = vals.get("_male")
            sex = vals.get("sex")
            if sex and male is not None and (sex == "男") != male and "sex" in colmap:
                ctx.add("I010", sname, excel_row, colmap["sex"], "性别", sex, rec, expected="男" if male else "女")
            birth = vals.get("_birth")
            if birth and spec.kind not in ("national",):
                age = age_on(birth, ref_date)
                if age < ctx.opts.min_age:
                    ctx.add("I011", sname, excel_row, id_col, "身份证号码", vals["id"], rec, sensitive=True,
                            id=vals["id"], age=age, on=ref_date.isoformat(), min=ctx.opts.min_age)
                elif age > ctx.opts.warn_over_age:
                    ctx.add("I012", sname, excel_row, id_col, "身份证号码", vals["id"], rec, sensitive=True,
                            id=vals["id"], age=age, on=ref_date.isoformat(), max=ctx.opts.warn_over_age)
            pid = vals["id"]
            if pid in seen_id and spec.kind not in ("survey_units", "registry"):
                ctx.add("U001", sname, excel_row, id_col, "身份证号码", pid, rec, sensitive=True, id=pid,
                        other=_where(sname, *seen_id[pid], lang))
            else:
                seen_id.setdefault(pid, (sname, excel_row))
            cert = vals.get("cert")
            if cert:
                prev = seen_cert.get(cert)
                if prev and prev[0] != pid:
                    ctx.add("U002", sname, excel_row, colmap.get("cert"), "证件号码", cert, rec,
                            other=_where(sname, prev[1], prev[2], lang))
                elif not prev:
                    seen_cert[cert] = (pid, sname, excel_row)
        # certificate pattern per category
        cert = vals.get("cert")
        if cert and ctx.opts.cert_patterns:
            category = vals.get("category") or ("国家部委" if spec.kind == "national" else "省级")
            pat = pattern_cache.get(category, ...)
            if pat is ...:
                src = ctx.opts.cert_patterns.get(category)
                try:
                    pat = re.compile(src) if src else None
                except re.error:
                    pat = None
                pattern_cache[category] = pat
            if pat is not None and not pat.fullmatch(cert):
                ctx.add("C004", sname, excel_row, colmap.get("cert"), "证件号码", cert, rec,
                        category=category, pattern=pat.pattern)
        for code in spec.checks:
            fn = ROW_CHECKS.get(code)
            if fn is not None:
                fn(ctx, res, rec, meta)
        if spec.kind == "survey_people":
            _derive_colour(ctx, res, rec, meta)
        res.records.append(rec)
    return res


def _where(here: str, sheet: str, row: int, lang: str) -> str:
    """'第 5 行' on the same sheet, '工作表“第2页”第 5 行' on another one."""
    if lang == "en":
        return f"row {row}" if sheet == here else f"sheet '{sheet}' row {row}"
    return f"第 {row} 行" if sheet == here else f"工作表“{sheet}”第 {row} 行"


def _id_findings(ctx: _Ctx, sname: str, row: int, ci: int, title: str, text: str, res: Any, rec: Record) -> None:
    p = res.problem
    v = res.value
    if p is None:
        if res.changed:
            ctx.add("I007", sname, row, ci, title, text, rec, sensitive=True, id=v)
        if res.area_unknown:
            ctx.add("I009", sname, row, ci, title, v, rec, sensitive=True, id=v, area=v[:6])
        return
    if p == "number":
        ctx.add("I006", sname, row, ci, title, text, rec, sensitive=True, id=v)
    elif p == "legacy15":
        ctx.add("I003", sname, row, ci, title, v, rec, sensitive=True, id=v)
    elif p in ("length", "chars"):
        ctx.add("I002", sname, row, ci, title, v, rec, sensitive=True, id=v, length=len(v))
    elif p == "province":
        ctx.add("I008", sname, row, ci, title, v, rec, sensitive=True, id=v, prefix=v[:2])
    elif p == "birth":
        ctx.add("I005", sname, row, ci, title, v, rec, sensitive=True, id=v, birth=f"{v[6:10]}-{v[10:12]}-{v[12:14]}")
    elif p == "checksum":
        ctx.add("I004", sname, row, ci, title, v, rec, sensitive=True, id=v, expected=check_char(v[:17]))
    elif p == "empty":
        ctx.add("I001", sname, row, ci, title, "", rec)


_CERT_OK = re.compile(r"^[0-9A-Za-z]+$")
_CERT_ENOTATION = re.compile(r"\d(\.\d+)?E\+?\d+", re.I)


def _cert(ctx: _Ctx, sname: str, row: int, ci: int, col: F.Column, raw: object, text: str, rec: Record) -> str | None:
    if isinstance(raw, float) or isinstance(raw, int):
        if isinstance(raw, float) and (not raw.is_integer() or abs(raw) >= 1e15):
            ctx.add("C003", sname, row, ci, col.title, text, rec)
            return None
        return str(int(raw))
    v = text if text.isascii() and text.isalnum() else clean_text(text)  # plain codes need no cleaning
    if _CERT_ENOTATION.fullmatch(v):
        ctx.add("C003", sname, row, ci, col.title, text, rec)
        return None
    if not _CERT_OK.match(v):
        ctx.add("C002", sname, row, ci, col.title, text, rec)
        return None
    return v.upper()


# ----------------------------------------------------------------------------------- form checks
def _held(rec: Record) -> bool:
    """Survey: the holder still has the certificate (not already revoked per 处理意见)."""
    if not rec.values.get("cert") and not rec.raw.get("cert"):
        return False
    op = rec.values.get("opinion") or ""
    return not any(w in op for w in HELD_DONE_WORDS)


_SAME_UNIT_REASONS = ("旧版换新版", "旧版", "换新版", "损坏", "信息变更", "到期", "更正")


def _c_a302(ctx: _Ctx, res: SheetResult, rec: Record, meta: Metadata) -> None:
    a, b = rec.values.get("orig_unit"), rec.values.get("unit")
    reason = rec.values.get("reason") or ""
    # replacing an old-version, damaged or corrected card keeps the holder in the same unit
    if any(w in reason for w in _SAME_UNIT_REASONS):
        return
    if a and b and compact(a) == compact(b):
        ctx.add("A302", res.sheet, rec.row, res.colmap.get("unit"), "现所属主体（受委托组织）全称", b, rec)


def _c_a303(ctx: _Ctx, res: SheetResult, rec: Record, meta: Metadata) -> None:
    h = rec.values.get("new_field_hours")
    if h is not None and h < ctx.opts.new_field_hours:
        ctx.add("A303", res.sheet, rec.row, res.colmap.get("new_field_hours"), "新执法领域培训学时",
                _num(h), rec, min=_num(ctx.opts.new_field_hours))


def _num(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else str(x)


def _late(ctx: _Ctx, event: dt.date, until: dt.date) -> tuple[dt.date, int]:
    cal = ctx.opts.get_calendar()
    deadline = cal.add_workdays(event, ctx.opts.report_days)
    # only the years this check actually walked through
    for year in range(event.year, max(deadline, until).year + 1):
        if not cal.is_known(year) and year not in ctx.warned_years:
            ctx.warned_years.add(year)
            ctx.add("T005", year=year)
    late = cal.workdays_between(deadline, until) if until > deadline else 0
    return deadline, late


def _report_deadline(ctx: _Ctx, res: SheetResult, rec: Record, meta: Metadata, code: str, key: str, title: str) -> None:
    """T001/T002: a form filed more than report_days working days after its event date."""
    ev = rec.values.get(key)
    if ev and meta.date and ev <= meta.date:
        deadline, late = _late(ctx, ev, meta.date)
        if late > 0:
            ctx.add(code, res.sheet, rec.row, res.colmap.get(key), title, ev.isoformat(), rec,
                    event=ev.isoformat(), deadline=deadline.isoformat(), form_date=meta.date.isoformat(), late=late)


def _c_t001(ctx: _Ctx, res: SheetResult, rec: Record, meta: Metadata) -> None:
    _report_deadline(ctx, res, rec, meta, "T001", "lost_date", "证件遗失时间")


def _c_t002(ctx: _Ctx, res: SheetResult, rec: Record, meta: Metadata) -> None:
    _report_deadline(ctx, res, rec, meta, "T002", "change_date", "变动日期")


def _c_s001(ctx: _Ctx, res: SheetResult, rec: Record, meta: Metadata) -> None:
    pt = rec.values.get("person_type")
    if pt in F.NON_STAFF and _held(rec):
        ctx.add("S001", res.sheet, rec.row, res.colmap.get("person_type"), "人员身份", pt, rec)


def _c_s002(ctx: _Ctx, res: SheetResult, rec: Record, meta: Metadata) -> None:
    st = rec.values.get("status")
    if st and st != "在岗" and _held(rec):
        ctx.add("S002", res.sheet, rec.row, res.colmap.get("status"), "在岗状态", st, rec)


def _c_s003(ctx: _Ctx, res: SheetResult, rec: Record, meta: Metadata) -> None:
    if rec.values.get("version") == "旧版" and _held(rec):
        ctx.add("S003", res.sheet, rec.row, res.colmap.get("version"), "证件版本", "旧版", rec)


def _c_s004(ctx: _Ctx, res: SheetResult, rec: Record, meta: Metadata) -> None:
    h = rec.values.get("hours")
    if h is not None and h < ctx.opts.annual_hours and _held(rec) and rec.values.get("status") in (None, "在岗"):
        ctx.add("S004", res.sheet, rec.row, res.colmap.get("hours"), "本年度培训学时", _num(h), rec,
                min=_num(ctx.opts.annual_hours))


def _c_s005(ctx: _Ctx, res: SheetResult, rec: Record, meta: Metadata) -> None:
    h = rec.values.get("new_field_hours")
    if h is not None and h < ctx.opts.new_field_hours:
        ctx.add("S005", res.sheet, rec.row, res.colmap.get("new_field_hours"), "新执法领域培训学时", _num(h), rec,
                min=_num(ctx.opts.new_field_hours))


def _c_s008(ctx: _Ctx, res: SheetResult, rec: Record, meta: Metadata) -> None:
    st = rec.values.get("status")
    if st and st != "在岗" and rec.values.get("leave_date") is None and not rec.raw.get("leave_date"):
        ctx.add("S008", res.sheet, rec.row, res.colmap.get("leave_date", res.colmap.get("status")), "离岗日期", "", rec,
                status=st)


def _c_t004(ctx: _Ctx, res: SheetResult, rec: Record, meta: Metadata) -> None:
    st = rec.values.get("status")
    left = rec.values.get("leave_date")
    if st and st != "在岗" and left and _held(rec):
        until = meta.date or ctx.opts.today or dt.date.today()
        if left <= until:
            deadline, late = _late(ctx, left, until)
            if late > 0:
                ctx.add("T004", res.sheet, rec.row, res.colmap.get("leave_date"), "离岗日期", left.isoformat(), rec,
                        event=left.isoformat(), deadline=deadline.isoformat(), form_date=until.isoformat(), late=late)


ROW_CHECKS: dict[str, Callable[[_Ctx, SheetResult, Record, Metadata], None]] = {
    "A302": _c_a302, "A303": _c_a303, "T001": _c_t001, "T002": _c_t002,
    "S001": _c_s001, "S002": _c_s002, "S003": _c_s003, "S004": _c_s004, "S005": _c_s005, "S008": _c_s008,
    "T004": _c_t004,
}

_RED = ("S001", "S002", "S003", "T004")
_YELLOW = ("S004", "S005", "S008", "V001", "C001", "C002", "C003", "I001", "I002", "I003", "I004", "I005", "I006",
           "I008", "N001", "V002", "V003", "D001", "F007")


def _derive_colour(ctx: _Ctx, res: SheetResult, rec: Record, meta: Metadata) -> None:
    """红黄绿 by rule (Zhashui 三.3), then compare with the unit's own report (S007)."""
    red = [c for c in rec.codes if c in _RED]
    yellow = [c for c in rec.codes if c in _YELLOW]
    if not red:
        st, left = rec.values.get("status"), rec.values.get("leave_date")
        if st and st != "在岗" and left and _held(rec):
            yellow.append("T004")  # leaving deadline still running: due soon
    if red:
        rec.colour, rec.colour_reasons = "红", red
    elif yellow:
        rec.colour, rec.colour_reasons = "黄", yellow
    else:
        rec.colour, rec.colour_reasons = "绿", []
    reported = rec.values.get("colour")
    if reported and reported != rec.colour:
        lang = ctx.opts.lang
        reason = "、".join(dict.fromkeys(R.RULES[c].description(lang) for c in rec.colour_reasons)) or (
            "no problem found" if lang == "en" else "未发现问题")
        ctx.add("S007", res.sheet, rec.row, res.colmap.get("colour"), "证件状态", reported, rec,
                expected=rec.colour, reason=reason)


def _file_checks(ctx: _Ctx, result: FormResult) -> None:
    for s in result.sheets:
        n = len(s.records)
        kind = s.spec.kind
        if n and kind == "annex2" and "A201" in s.spec.checks:
            ctx.add("A201", s.sheet, rows=n)
        if n and kind == "annex3":
            ctx.add("A301", s.sheet, rows=n)
        if n and kind == "annex4":
            ctx.add("A402", s.sheet, rows=n)
        if n and kind in ("annex2", "annex3") and "change_date" not in s.colmap:
            ctx.add("T003", s.sheet)
        if kind == "survey_units":
            _unit_checks(ctx, result, s)


def _unit_checks(ctx: _Ctx, result: FormResult, units: SheetResult) -> None:
    people = result.records("survey_people")
    if not result.sheet_of("survey_people"):
        return
    by_reporting: dict[str, int] = {}
    by_body: dict[str, int] = {}
    for rec in people:
        if not _held(rec):
            continue
        for key, bucket in (("reporting_unit", by_reporting), ("unit", by_body)):
            u = rec.values.get(key)
            if u:
                bucket[compact(u)] = bucket.get(compact(u), 0) + 1
    for rec in units.records:
        u = rec.values.get("unit")
        if not u:
            continue
        k = compact(u)
        counted = by_reporting.get(k, by_body.get(k, 0))
        reported = rec.values.get("holders")
        holders = max(counted, int(reported or 0))
        for key, what_zh, what_en in (("establishment", "机构编制数", "establishment"), ("posts", "执法岗位数", "enforcement posts")):
            limit = rec.values.get(key)
            if limit is not None and holders > limit:
                ctx.add("S006", units.sheet, rec.row, units.colmap.get(key), what_zh, _num(limit), rec,
                        unit=u, holders=holders, what=what_en if ctx.opts.lang == "en" else what_zh, limit=_num(limit))
        if reported is not None and int(reported) != counted and counted:
            ctx.add("S009", units.sheet, rec.row, units.colmap.get("holders"), "持证人数", _num(reported), rec,
                    unit=u, reported=_num(reported), counted=counted)


def _meta_checks(ctx: _Ctx, result: FormResult, sheet_name: str | None) -> None:
    m = result.meta
    row = m.row
    if not m.unit:
        ctx.add("M001", sheet_name, row, 0 if row else None, "填报单位", "")
    if not m.reporter:
        ctx.add("M002", sheet_name, row, 0 if row else None, "填报人员", "")
    if not m.phone:
        ctx.add("M003", sheet_name, row, 0 if row else None, "联系电话", "")
    elif not phone_ok(m.phone):
        ctx.add("M005", sheet_name, row, 0, "联系电话", m.phone)
    if not m.date_text and m.date is None:
        ctx.add("M004", sheet_name, row, 0 if row else None, "填报时间", "")
    elif m.date is None:
        ctx.add("M006", sheet_name, row, 0, "填报时间", m.date_text)


# ----------------------------------------------------------------------------------- entry points
def validate_workbook(wb: WorkbookData, opts: Options | None = None) -> FormResult:
    opts = opts or Options()
    ctx = _Ctx(wb.path, opts)
    result = FormResult(wb.path, sha256=wb.sha256, format=wb.format)
    specs = F.specs_for_family(opts.form) if opts.form else F.SPECS
    located: list[tuple[SheetData, _Header]] = []
    for sheet in wb.sheets:
        hdr = locate_header(sheet, specs)
        if hdr is not None:
            located.append((sheet, hdr))
    # Every sheet with a recognised header is read: a unit may continue a long list on a second sheet
    # ("第2页"), and dropping it would lose rows. Kinds in catalogue order, sheets in workbook order.
    order = {s.kind: i for i, s in enumerate(F.SPECS)}
    picked = [sh for _, sh in sorted(enumerate(located), key=lambda ish: (order[ish[1][1].spec.kind], ish[0]))]
    if not picked:
        if opts.form:
            what = F.family_label(opts.form, opts.lang)
        else:
            what = ("annex 1-4, the survey or a reference list" if opts.lang == "en"
                    else "附件1—4、摸排统计表或参考名单")
        ctx.add("F002", what=what, sheets=len(wb.sheets))
        result.findings = ctx.findings
        return result
    families = list(dict.fromkeys(h.spec.family for _, h in picked))
    result.family = families[0] if len(families) == 1 else "+".join(families)
    # metadata from the first sheet that has it above its header
    for sheet, hdr in picked:
        if hdr.spec.metadata or True:
            m = parse_metadata(sheet.rows, hdr.row)
            if m.found:
                result.meta = m
                meta_sheet = sheet.name
                break
    else:
        meta_sheet = picked[0][0].name
    for sheet, hdr in picked:
        result.sheets.append(_process_sheet(ctx, sheet, hdr, result.meta))
    if any(h.spec.metadata for _, h in picked):
        _meta_checks(ctx, result, meta_sheet)
    _file_checks(ctx, result)
    if result.rows == 0:
        ctx.add("F005", picked[0][0].name)
    result.findings = sorted(ctx.findings, key=Finding.sort_key)
    return result


def validate_file(path: str | Path, opts: Options | None = None) -> FormResult:
    """Validate one file. Never raises for bad input: an unreadable file gives a result with
    ``read_error`` set and one F001/F006 finding."""
    opts = opts or Options()
    try:
        wb = read_workbook(path)
    except ReadError as e:
        res = FormResult(str(path), read_error=e)
        f = Finding(e.code, str(path), params={"reason": e.reason(opts.lang)})
        res.findings = [f]
        return res
    if wb.format == "xlsx":
        restore_error_cells(wb)
    return validate_workbook(wb, opts)


# ----------------------------------------------------------------------------------- error cells
ERROR_VALUES = frozenset({
    "#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A", "#GETTING_DATA", "#SPILL!",
    "#CALC!", "#FIELD!", "#BLOCKED!", "#CONNECT!", "#BUSY!", "#UNKNOWN!", "#EXTERNAL!", "#PYTHON!",
})
_ERR_CELL_RE = re.compile(rb'<(?:\w+:)?c\b([^>]*?\bt="e"[^>]*)>(.*?)</(?:\w+:)?c>', re.S)
_REF_RE = re.compile(rb'\br="([A-Z]{1,3})(\d+)"')
_V_RE = re.compile(rb"<(?:\w+:)?v>([^<]*)</(?:\w+:)?v>")


def is_error_value(value: object) -> bool:
    return isinstance(value, str) and 2 <= len(value) <= 16 and value[:1] in "#＃" and clean_text(value).upper() in ERROR_VALUES


def _col_index(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + (ch - 64)
    return n - 1


def restore_error_cells(wb: WorkbookData) -> int:
    """python-calamine reads a cell holding a formula error (#REF!, #N/A …) as empty, which would turn
    it into a misleading "required cell is empty". Put the error text back from the sheet XML.
    The container was already checked for bombs and entities by the reader. Returns cells restored."""
    import zipfile

    restored = 0
    try:
        with zipfile.ZipFile(wb.path) as zf:
            names = set(zf.namelist())
            wbxml = zf.read("xl/workbook.xml") if "xl/workbook.xml" in names else b""
            rels = zf.read("xl/_rels/workbook.xml.rels") if "xl/_rels/workbook.xml.rels" in names else b""
            targets: dict[bytes, str] = {}
            for m in re.finditer(rb"<(?:\w+:)?Relationship\b[^>]*>", rels):
                tag = m.group(0)
                i = re.search(rb'\bId="([^"]+)"', tag)
                t = re.search(rb'\bTarget="([^"]+)"', tag)
                if i and t:
                    tgt = t.group(1).decode("utf-8", "replace").lstrip("/")
                    targets[i.group(1)] = tgt if tgt.startswith("xl/") else "xl/" + tgt
            by_name = {sh.name: sh for sh in wb.sheets}
            for m in re.finditer(rb"<(?:\w+:)?sheet\b[^>]*>", wbxml):
                tag = m.group(0)
                nm = re.search(rb'\bname="([^"]*)"', tag)
                rid = re.search(rb'\br:id="([^"]+)"|\bid="([^"]+)"', tag)
                if not nm or not rid:
                    continue
                import html

                name = html.unescape(nm.group(1).decode("utf-8", "replace"))
                part = targets.get(rid.group(1) or rid.group(2))
                sheet = by_name.get(name)
                if sheet is None or part not in names:
                    continue
                data = zf.read(part)
                if b't="e"' not in data:
                    continue
                for cm in _ERR_CELL_RE.finditer(data):
                    ref = _REF_RE.search(cm.group(1))
                    v = _V_RE.search(cm.group(2))
                    if not ref or not v:
                        continue
                    r, c = int(ref.group(2)) - 1, _col_index(ref.group(1))
                    text = v.group(1).decode("utf-8", "replace").strip()
                    if r >= 100000 or c >= 2000:
                        continue
                    while len(sheet.rows) <= r:
                        sheet.rows.append([])
                    row = sheet.rows[r]
                    if len(row) <= c:
                        row.extend([""] * (c + 1 - len(row)))
                    if row[c] in ("", None):
                        row[c] = text
                        restored += 1
    except Exception:  # best effort: never let this break validation
        return restored
    return restored
