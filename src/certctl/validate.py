"""The validation pipeline: read -> locate header -> normalise -> typed records -> rules -> findings.

``validate_file(path, options)`` returns a :class:`FormResult` holding every typed record and every
finding; nothing here prints. The CLI and the merge both call it.
"""

from __future__ import annotations

import datetime as dt
import gc
import re
from dataclasses import dataclass, field
from itertools import compress, repeat
from operator import add, is_, itemgetter, ne, not_
from pathlib import Path
from typing import Any, Callable, Iterable

from . import forms as F
from . import rules as R
from .findings import Finding, count
from .idcard import _CHECK, PROVINCES, age_on, area_known, check_char, check_id
from .normalize import (
    _PLAIN_RE,
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

    # ``records`` is built on first use. Validating a form needs a Record only for the rows that get
    # a finding; the others are kept as converted columns until something reads ``records`` (the
    # merge, annotate, a test) — then the list is built once and is an ordinary list from then on.
    # ``validate -q`` on a clean 100,000-row form never builds them. Pickles (the cache) hold the
    # built list, under the same "records" key as always.

    @property
    def record_count(self) -> int:
        """len(records), without building them."""
        pending = self.__dict__.get("_pending")
        return pending[0] if pending is not None else len(self.__dict__["_records"])

    def __getstate__(self) -> dict[str, Any]:
        state = {k: v for k, v in self.__dict__.items() if k not in ("_records", "_pending")}
        state["records"] = self.records
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        state = dict(state)
        records = state.pop("records", [])
        self.__dict__.update(state)
        self.__dict__["_records"] = records


def _get_records(self: SheetResult) -> list[Record]:
    pending = self.__dict__.pop("_pending", None)
    if pending is not None:
        was = gc.isenabled()
        gc.disable()  # ~5 objects per row and no cycles: see validate_file
        try:
            self.__dict__["_records"] = pending[1]()
        finally:
            if was:
                gc.enable()
    return self.__dict__["_records"]


def _set_records(self: SheetResult, value: list[Record]) -> None:
    self.__dict__.pop("_pending", None)
    self.__dict__["_records"] = value


SheetResult.records = property(_get_records, _set_records)  # type: ignore[assignment]


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
        return sum(s.record_count for s in self.sheets)

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
        import difflib  # only for a value not in its list

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
        # per kind, one layer per sheet: (sheet, {ID: Excel row where it first occurs})
        self.seen_id: dict[str, list[tuple[str, dict[str, int]]]] = {}
        # per kind, one layer per sheet: (sheet, {certificate: position}, IDs, Excel rows by position)
        self.seen_cert: dict[str, list[tuple[str, dict[str, int], Any, Any]]] = {}

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


class _Memo(dict):
    """Cell value -> outcome, computed once per distinct value of a column (units, enums, sex, dates
    and hours repeat on every row). Strings, dates and None are keys as they are; other values
    (numbers, booleans) under (type, value), because 1, 1.0 and True are one dict key but read
    differently. ``bad`` says some outcome carries findings."""

    __slots__ = ("fn", "bad", "complete")

    def __init__(self, fn: Callable[[Any], tuple]):
        super().__init__()
        self.fn = fn
        self.bad = False
        self.complete = True  # every value mapped is a key

    def __missing__(self, k: Any) -> tuple:
        if k.__class__ in _PLAIN_KEYS:
            out = self[k] = self.fn(k)
        else:
            tk = (k.__class__, k)
            out = dict.get(self, tk)
            if out is None:
                out = self[tk] = self.fn(k)
        if out[2]:
            self.bad = True
        return out

    def map(self, values: list[object]) -> list[tuple]:
        try:
            return list(map(self.__getitem__, values))
        except TypeError:  # an unhashable cell value (never from a reader; a hand-built grid)
            fn = self.fn
            outs = [fn(v) for v in values]
            self.bad = self.bad or any(o[2] for o in outs)
            self.complete = False
            return outs


_PLAIN_KEYS = frozenset({str, dt.date, dt.datetime, type(None)})
_Spec = tuple  # a finding to add for a cell: (code, value, severity override, sensitive, params)


def _cell_fn(col: F.Column, form_date: dt.date | None, lang: str) -> Callable[[object], tuple]:
    """The outcome of one cell of this column: (text as read, normalised value, finding specs or None).
    The value is what goes into Record.values[col.key] (for the ID column: None when empty, else
    (id, id_ok, birth, male))."""
    t = col.type
    required = col.required
    empty_code = col.empty_code
    enum = col.enum
    is_sex = col.key == "sex"

    def fn(raw: object) -> tuple:
        text = cell_text(raw)
        if t == "seq":
            return text, None, None
        if is_error_value(raw):
            # a formula error (#REF!, #N/A …): say so, never "empty" or "bad checksum"
            return text, None, (("F007", clean_text(text), None if required else R.WARNING, False, {}),)
        empty = raw is None or raw == "" or (isinstance(raw, str) and not raw[:1].isalnum() and not clean_text(raw))
        if empty:
            return text, None, (((empty_code, "", None, False, {}),) if required else None)
        if t == "id":
            quoted = isinstance(raw, str) and raw.lstrip()[:1] in ("'", "‘", "’", "`")
            res_id = check_id(raw.lstrip().lstrip("'‘’`") if quoted else raw)  # type: ignore[union-attr]
            if quoted:  # a text marker typed in front (as in Excel's '320681…): accepted, I007
                res_id.changed = True
            ok = res_id.problem is None
            return (text, (res_id.value, ok, res_id.birth if ok else None, res_id.male if ok else None),
                    _id_specs(text, res_id))
        if t == "name":
            name, bad = normalise_name(raw)
            return text, name, (("N002", name, None, False, {}),) if bad else None
        if t == "cert":
            return (text, *_cert(raw, text))
        if t in ("enum", "sex"):
            v = compact(text)
            if is_sex:
                v = {"男性": "男", "女性": "女"}.get(v, v)
            if v in enum:
                return text, v, None
            return text, None, (("V002", text, None, False,
                                 {"allowed": " / ".join(enum), "suggest": _suggest(v, enum, lang)}),)
        if t == "date":
            d, problem = parse_date(raw)
            if d is None:
                return text, None, (("D001", text, None, False, {"why": _why_date(problem or "format", lang)}),)
            if form_date and d > form_date:
                return text, d, (("D002", d.isoformat(), None, False, {"form_date": form_date.isoformat()}),)
            return text, d, None
        if t == "number":
            n, problem = parse_number(raw)
            if n is None or n < 0:
                return text, None, (("V003", text, None, False, {}),)
            return text, n, None
        return text, clean_text(text), None  # text, unit

    return fn


_CJK_RE = re.compile(r"[\u4e00-\u9fff]+")


_Col = tuple  # a converted column: (texts, values, finding specs per row or None when there are none)


def _split(outs: list[tuple], bad: bool) -> _Col:
    return (list(map(itemgetter(0), outs)), list(map(itemgetter(1), outs)),
            list(map(itemgetter(2), outs)) if bad else None)


def _generic_column(values: Any, fn: Callable[[object], tuple]) -> _Col:
    memo = _Memo(fn)
    return _generic_finish(memo, memo.map(values), values)


def _generic_finish(memo: _Memo, outs: list[tuple], values: Any) -> _Col:
    if memo.bad or len(memo) > 64:
        return _split(outs, memo.bad)
    # a column of a few values that read as themselves (units, sex, enums; dates as values): no
    # per-row pass to take texts or values out of the outcomes
    same_text = all(o[0] is k for k, o in memo.items())
    same_value = all(o[1] is k for k, o in memo.items())
    return (list(values) if same_text else list(map(itemgetter(0), outs)),
            list(values) if same_value else list(map(itemgetter(1), outs)), None)


def _all_str(values: Any) -> str | None:
    """The values joined, when every one is a non-empty str (else None): one C-level pass to tell a
    column needs no per-cell look."""
    if not all(values):
        return None
    try:
        return "".join(values)
    except TypeError:
        return None


class _PartMemo(dict):
    """digits -> their share of the ID check sum (_BIG when not plain ASCII digits or not acceptable)."""

    __slots__ = ("fn",)

    def __init__(self, fn: Callable[[str], Any]):
        super().__init__()
        self.fn = fn

    def __missing__(self, k: str) -> Any:
        out = self[k] = self.fn(k)
        return out


def _part(piece: str, offset: int) -> int:
    """The digits at ``offset`` of an ID: their weighted sum mod 11 (GB 11643 weights, 2^(17-i) mod
    11; read in base 13, since 13 = 2 mod 11), or _BIG when they are not plain ASCII digits."""
    if not (piece.isascii() and piece.isdigit()):
        return _BIG
    return (int(piece, 13) << (18 - offset - len(piece))) % 11


_BIG = 10 ** 6  # the check-sum share of a part that is not acceptable: no total can then pass
_RESIDUE = {c: r for r, c in enumerate(_CHECK)}  # check character -> weighted sum mod 11
_OK_TOTALS = frozenset((0, 11, 22))  # area + birth + (sequence - check residue), each part mod 11
_BAD_ID = "?" * 18
_S_AREA, _S_BIRTH, _S_TAIL = itemgetter(slice(0, 6)), itemgetter(slice(6, 14)), itemgetter(slice(14, 18))
_FIRST, _SECOND = itemgetter(0), itemgetter(1)


def _id_column(values: Any, fn: Callable[[object], tuple], joined: str | None) -> _Col:
    """The ID column. IDs are unique, so no memo of whole values: the usual cell (an ASCII
    18-character text: known area code, real birth date, valid check character) is checked from its
    three parts — area code, birth date, sequence number + check character — each memoised with its
    share of the check sum (they repeat), in C-level passes over the whole column; a valid ID's
    weighted sum minus its check character's residue is a multiple of 11. Any other cell goes
    through ``fn`` (check_id and its findings). Values are four columns (id, id_ok, birth, male) and
    the rows whose Record.values lose keys: {row: 1 (invalid: no _birth/_male), 2 (empty: "id" only)}."""
    today = dt.date.today()

    def area(p: str) -> int:
        if not (p[:2] in PROVINCES and area_known(p)):  # an unknown code is a warning: slow path
            return _BIG
        return _part(p, 0)

    def birth(p: str) -> tuple[int, dt.date | None]:
        s = _part(p, 6)
        if s == _BIG:
            return _BIG, None
        try:
            d = dt.date(int(p[:4]), int(p[4:6]), int(p[6:8]))
        except ValueError:
            return _BIG, None
        if d.year < 1900 or d > today:
            return _BIG, None
        return s, d

    def tail(p: str) -> tuple[int, bool]:
        s = _part(p[:3], 14)
        r = _RESIDUE.get(p[3])
        if s == _BIG or r is None:
            return _BIG, False
        return s - r, p[2] in "13579"

    areas, births, tails = _PartMemo(area), _PartMemo(birth), _PartMemo(tail)
    plain = joined is not None and len(joined) == 18 * len(values) and set(map(len, values)) == {18}
    ids = values if plain else [v if v.__class__ is str and len(v) == 18 else _BAD_ID for v in values]
    b = list(map(births.__getitem__, map(_S_BIRTH, ids)))
    t = list(map(tails.__getitem__, map(_S_TAIL, ids)))
    totals = map(add, map(add, map(areas.__getitem__, map(_S_AREA, ids)), map(_FIRST, b)), map(_FIRST, t))
    ok = list(map(_OK_TOTALS.__contains__, totals))
    texts = list(values)
    cols: list[list[Any]] = [list(values), [True] * len(ok), list(map(_SECOND, b)), list(map(_SECOND, t))]
    specs: list[Any] | None = None
    fix: dict[int, int] = {}
    if not all(ok):
        for k in compress(range(len(ok)), map(not_, ok)):
            texts[k], value, sp = fn(values[k])
            if value is None:  # empty: Record.values gets "id" only
                value, fix[k] = _NO_ID, 2
            elif not value[1]:  # not valid: no birth date or sex from it
                fix[k] = 1
            for col, v in zip(cols, value):
                col[k] = v
            if sp:
                if specs is None:
                    specs = [None] * len(ok)
                specs[k] = sp
    return texts, (cols, fix), specs


def _name_column(values: Any, fn: Callable[[object], tuple], joined: str | None) -> _Col:
    """The name column: names of CJK ideographs only are already normalised (nothing for NFKC,
    spaces or dots to change, no Latin letter or digit) — checked for the whole column at once."""
    if joined is not None and _CJK_RE.fullmatch(joined):
        return list(values), list(values), None
    cjk = _CJK_RE.fullmatch
    outs = [(v, v, None) if v.__class__ is str and cjk(v) else fn(v) for v in values]
    return _split(outs, True)


def _cert_column(values: Any, fn: Callable[[object], tuple], joined: str | None) -> _Col:
    """A certificate-number column: texts of ASCII digits are the number as it is."""
    if joined is not None and joined.isascii() and joined.isdigit():
        return list(values), list(values), None
    outs = [(v, v, None) if v.__class__ is str and v.isascii() and v.isdigit() else fn(v) for v in values]
    return _split(outs, True)


class _SeqTexts:
    """The texts of the sequence column, made on demand (one row, or all at once)."""

    __slots__ = ("values",)

    def __init__(self, values: Any):
        self.values = values

    def __getitem__(self, k: int) -> str:
        v = self.values[k]
        return v if v.__class__ is str else cell_text(v)

    def all(self) -> list[str]:
        return _seq_column(self.values, _no_fn, None)[0]


def _no_fn(v: object) -> tuple:
    raise AssertionError("the sequence column has no per-cell outcome")


def _seq_column(values: Any, fn: Callable[[object], tuple], joined: str | None) -> _Col:
    """The sequence column: only its text is kept. Whole numbers (the usual 1, 2, 3 …) in C."""
    try:
        if all(map(float.is_integer, values)) and max(map(abs, values)) < 1e16:
            return list(map(str, map(int, values))), None, None
    except (TypeError, ValueError):  # not all floats
        pass
    return [v if v.__class__ is str else cell_text(v) for v in values], None, None


def _id_specs(text: str, res: Any) -> tuple[_Spec, ...] | None:
    """The findings of one ID cell (I001–I009), as specs."""
    p = res.problem
    v = res.value
    if p is None:
        out = []
        if res.changed:
            out.append(("I007", text, None, True, {"id": v}))
        if res.area_unknown:
            out.append(("I009", v, None, True, {"id": v, "area": v[:6]}))
        return tuple(out) or None
    if p == "number":
        return (("I006", text, None, True, {"id": v}),)
    if p == "legacy15":
        return (("I003", v, None, True, {"id": v}),)
    if p in ("length", "chars"):
        return (("I002", v, None, True, {"id": v, "length": len(v)}),)
    if p == "province":
        return (("I008", v, None, True, {"id": v, "prefix": v[:2]}),)
    if p == "birth":
        return (("I005", v, None, True, {"id": v, "birth": f"{v[6:10]}-{v[10:12]}-{v[12:14]}"}),)
    if p == "checksum":
        return (("I004", v, None, True, {"id": v, "expected": check_char(v[:17])}),)
    if p == "empty":
        return (("I001", "", None, False, {}),)
    return None


def _header_hit_fn(spec: F.FormSpec, key: str) -> Callable[[object], bool]:
    """Whether a cell names its own column (as _header_again tests it). A plain text of ASCII letters,
    digits and CJK ideographs is its own header_key (lower-cased), so names and units are looked up
    directly instead of through the cleaning functions."""
    lk = _lookup(spec)
    exact, loose = lk.exact, lk.loose

    def fn(v: object) -> bool:
        if not isinstance(v, str) or v.isascii():
            return False
        if _PLAIN_RE.fullmatch(v):
            k = v.lower()
            hit = exact.get(k)
            if hit is None:
                hit = loose.get(k)
            return hit == key
        hit = _HDR_MEMO.get((spec.kind, v), ...)
        if hit is ...:
            if len(_HDR_MEMO) > 50_000:
                _HDR_MEMO.clear()
            hit = _HDR_MEMO[(spec.kind, v)] = _match(spec, v)
        return hit == key

    return fn


_PLAIN_KEYS_OF: dict[tuple[str, str], frozenset[str]] = {}


def _plain_keys(spec: F.FormSpec, key: str) -> frozenset[str]:
    """The texts of CJK ideographs only that _match(spec, text) maps to column ``key``: such a text
    is its own header_key, looked up in the exact keys and then (when absent there) the loose ones."""
    out = _PLAIN_KEYS_OF.get((spec.kind, key))
    if out is None:
        lk = _lookup(spec)
        out = frozenset([k for k, v in lk.exact.items() if v == key]
                        + [k for k, v in lk.loose.items() if v == key and k not in lk.exact])
        _PLAIN_KEYS_OF[(spec.kind, key)] = out
    return out


_NONTEXT = frozenset({int, float, bool, dt.date, dt.datetime, dt.time, dt.timedelta})


def _flag_rows(rows: set[int], column: Any, test: Callable[[object], bool]) -> None:
    """Add to ``rows`` the index of every cell for which ``test`` holds, testing each distinct value
    once. The tests here hold only for texts and None, so other values (numbers, dates: often all
    distinct) are not tested at all."""
    if set(map(type, column)) <= _NONTEXT:  # numbers and dates only (a "序号" column, dates)
        return
    try:
        distinct = set(column)
    except TypeError:  # an unhashable value in a hand-built grid
        rows.update(i for i, v in enumerate(column) if test(v))
        return
    hits = {v for v in distinct if (v is None or isinstance(v, str)) and test(v)}
    if hits:
        rows.update(i for i, v in enumerate(column) if (v is None or isinstance(v, str)) and v in hits)


def _is_blank(v: object) -> bool:
    return v == "" or v is None


def _maybe_footer(v: object) -> bool:
    """Whether a row whose first cell is ``v`` may be blank-led or a note/signature line."""
    if v == "" or v is None:
        return True
    return isinstance(v, str) and bool(_FOOTER_RE.search(clean_text(v)))


def _columns(body: list[list[object]], width: int) -> list[tuple[object, ...]] | list[list[object]]:
    """The first ``width`` columns of the body, column-major; short rows padded with ""."""
    if not body:
        return [[] for _ in range(width)]
    if min(map(len, body)) >= width:
        return list(zip(*body))[:width] if width else []
    return [[row[c] if c < len(row) else "" for row in body] for c in range(width)]


def _process_sheet(ctx: _Ctx, sheet: SheetData, hdr: _Header, meta: Metadata) -> SheetResult:
    """Type every data row of a located sheet and apply the cell and row rules.

    Column-wise: each column is converted once per distinct value (a memo per column; the ID column
    has its own fast path), then rows are assembled from the converted columns. Rows that might be
    blank, a footer or a repeated header are picked out column-wise too and decided one by one with
    the row-wise tests; every other row is data. Findings are added row by row, in column order, so
    their order (and each record's codes) is what a row-by-row pass gives."""
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
    for key, dcols in hdr.dupes.items():
        c = spec.column(key)
        from .findings import col_letter

        ctx.add("F004", sname, hdr_excel, dcols[1], c.title if c else key,
                column=c.title if c else key, cells="、".join(f"{col_letter(i)}{hdr_excel}" for i in dcols))
    cols = [(c, colmap[c.key]) for c in spec.columns if c.key in colmap]
    data_cols = [ci for c, ci in cols if c.type != "seq"]
    id_col = colmap.get("id")
    form_date = meta.date
    ref_date = form_date or ctx.opts.today or dt.date.today()
    kind = spec.kind
    # duplicates are looked for across every sheet of the same kind in the file

    first = header_last + 1
    body = rows[first:]
    n = len(body)
    if n == 0:
        return res
    width = max([ci for _, ci in cols] + [0]) + 1
    columns = _columns(body, width)

    # ---- which rows are data. Rows that might be blank, a note/signature line or a repeated header
    # are found column-wise and decided one by one as a row-by-row pass would; the rest are data.
    joins: dict[int, str | None] = {}

    def joined_of(ci: int) -> str | None:
        if ci not in joins:
            joins[ci] = _all_str(columns[ci])
        return joins[ci]

    special: set[int] = set()
    _flag_rows(special, columns[0], _maybe_footer)  # blank-led rows, notes, signatures
    if not all(columns[data_cols[0]]):  # a blank row is blank in its first data column
        _flag_rows(special, columns[data_cols[0]], _is_blank)
    pre: dict[int, tuple[_Memo, list[tuple]]] = {}  # columns of few values: converted already
    for col, ci in cols:  # a header repeated on a new printed page
        column = columns[ci]
        if col.type not in _FAST:  # convert now, then test each distinct value (the memo's keys)
            memo = _Memo(_cell_fn(col, form_date, lang))
            pre[ci] = (memo, memo.map(column))
            hit = _header_hit_fn(spec, col.key)
            if not memo.complete:
                _flag_rows(special, column, hit)
                continue
            hits = {v for v in (k[1] if k.__class__ is tuple else k for k in memo) if isinstance(v, str) and hit(v)}
            if hits:
                special.update(i for i, v in enumerate(column) if isinstance(v, str) and v in hits)
            continue
        joined = joined_of(ci)
        if joined is not None:
            if joined.isascii():  # every header key has a Chinese character
                continue
            if _CJK_RE.fullmatch(joined):  # names, units: plain texts are their own header key
                keys = _plain_keys(spec, col.key)
                if not any(k in joined for k in keys):
                    continue
                hits = {k for k in keys if k in column}
                if hits:
                    special.update(i for i, v in enumerate(column) if v in hits)
                continue
        _flag_rows(special, column, _header_hit_fn(spec, col.key))
    if special:
        keep: list[int] = []
        in_footer = False
        for i in range(n):
            if not in_footer and i not in special:
                keep.append(i)
                continue
            row = body[i]
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
            if _header_again(spec, cols, row):  # a header repeated on a new printed page
                res.skipped += 1
                continue
            keep.append(i)
        if len(keep) < n:
            columns = [[c[i] for i in keep] for c in columns]
            joins.clear()
        excel_rows: Any = [first + i + 1 for i in keep]
    else:
        excel_rows = range(first + 1, first + n + 1)
    m = len(excel_rows)
    if m == 0:
        return res

    # ---- every cell, converted column by column
    tcols: list[Any] = []  # text as read, per column (Record.raw)
    vcols: list[Any] = []  # normalised values (Record.values)
    vkeys: list[str] = []
    rkeys: list[str] = []
    fcols: list[tuple[int, F.Column, list[Any]]] = []  # columns with findings in some row: their specs
    attn: set[int] = set()  # rows that get a finding or need a second look
    id_fix: dict[int, int] = {}  # row -> 1 (ID invalid: no _birth/_male) or 2 (empty: no id_ok either)
    for col, ci in cols:
        rkeys.append(col.key)
        if col.type == "seq":  # only its text is kept (Record.raw): made with the records
            tcols.append(_SeqTexts(columns[ci]))
            continue
        fast = _FAST.get(col.type)
        if fast is not None:
            texts, values, specs = fast(columns[ci], _cell_fn(col, form_date, lang), joined_of(ci))
        else:
            memo, outs = pre[ci]
            if len(outs) != m:  # rows were dropped (blank, notes, repeated headers)
                outs = [outs[i] for i in keep]
            texts, values, specs = _generic_finish(memo, outs, columns[ci])
        tcols.append(texts)
        if specs is not None and any(specs):
            fcols.append((ci, col, specs))
            attn.update(compress(range(m), specs))
        if col.type == "id":  # four value columns: id, id_ok, _birth, _male
            id_cols, id_fix = values
            attn.update(id_fix)
            vkeys += ("id", "id_ok", "_birth", "_male")
            vcols += id_cols
        else:
            vkeys.append("name" if col.type == "name" else col.key)
            vcols.append(values)

    # ---- row-level rules: which rows can get a finding, found column-wise
    row_fns = [fn for fn in (ROW_CHECKS.get(code) for code in spec.checks) if fn is not None]
    survey = kind == "survey_people"
    patterns = ctx.opts.cert_patterns
    min_age, max_age = ctx.opts.min_age, ctx.opts.warn_over_age
    dup_ids = kind not in ("survey_units", "registry")
    check_age = kind not in ("national",)
    sex_col = colmap.get("sex")
    id_layers = ctx.seen_id.setdefault(kind, [])
    cert_layers = ctx.seen_cert.setdefault(kind, [])
    u001: set[int] = set()  # rows whose ID came before (this sheet or an earlier one of the kind)
    u002: set[int] = set()  # rows whose certificate number came before
    if "id" in vkeys:
        j = vkeys.index("id")
        ids, oks, births, males = vcols[j], vcols[j + 1], vcols[j + 2], vcols[j + 3]
        if sex_col is not None and "sex" in vkeys:  # I010 (male is None unless the ID is valid)
            sexes = vcols[vkeys.index("sex")]
            # the sexes written on rows whose ID says male, and on rows whose ID says female
            said_male = set(compress(sexes, males))
            said_female = set(compress(sexes, map(is_, males, repeat(False))))
            if any(sx and sx != "男" for sx in said_male) or "男" in said_female:
                attn.update(k for k, (sx, ml) in enumerate(zip(sexes, males))
                            if sx and ml is not None and (sx == "男") != ml)
        if check_age:  # I011 / I012, once per birth date
            bad_births = {b for b in set(births) if b and not (min_age <= age_on(b, ref_date) <= max_age)}
            if bad_births:
                attn.update(k for k, b in enumerate(births) if b in bad_births)
        # U001 / U002: every valid row's ID and certificate is registered up front where it first
        # occurs (one layer per sheet: earlier sheets of the kind win), as a row-by-row pass would
        # have left them; only later occurrences get a finding, and only they are looked at again.
        if all(oks):
            ok_pos, ok_ids, ok_rows = range(m), ids, excel_rows
        else:
            ok_pos, ok_ids, ok_rows = (list(compress(range(m), oks)), list(compress(ids, oks)),
                                       list(compress(excel_rows, oks)))
        first_at = dict(zip(reversed(ok_ids), reversed(ok_rows)))
        if len(first_at) < len(ok_ids):
            u001.update(compress(ok_pos, map(ne, map(first_at.__getitem__, ok_ids), ok_rows)))
        earlier = set().union(*(d.keys() & first_at.keys() for _, d in id_layers))
        if earlier:
            u001.update(k for k, pid in zip(ok_pos, ok_ids) if pid in earlier)
        id_layers.append((sname, first_at))
        if "cert" in vkeys:
            certs = vcols[vkeys.index("cert")]
            ok_certs = certs if isinstance(ok_pos, range) else list(compress(certs, oks))
            if all(ok_certs):
                c_pos, c_vals = ok_pos, ok_certs
            else:  # rows with a certificate number
                c_pos, c_vals = list(compress(ok_pos, ok_certs)), list(compress(ok_certs, ok_certs))
            cert_first = dict(zip(reversed(c_vals), reversed(c_pos)))
            if len(cert_first) < len(c_vals):
                u002.update(compress(c_pos, map(ne, map(cert_first.__getitem__, c_vals), c_pos)))
            earlier = set().union(*(layer[1].keys() & cert_first.keys() for layer in cert_layers))
            if earlier:
                u002.update(k for k, c in zip(c_pos, c_vals) if c in earlier)
            cert_layers.append((sname, cert_first, ids, excel_rows))
        attn.update(u001, u002)

    # ---- records: built in bulk from the columns — all of them now when every row is visited by
    # a rule below, else only those of rows with a finding, the rest when ``records`` is first read
    make_v = _dict_maker(tuple(vkeys))
    make_r = _dict_maker(tuple(rkeys))

    def build_all() -> list[Record]:
        vdicts = map(make_v, *vcols) if vkeys else ({} for _ in range(m))
        texts = [c.all() if isinstance(c, _SeqTexts) else c for c in tcols]
        return list(map(Record, repeat(kind, m), repeat(sname, m), excel_rows, vdicts, map(make_r, *texts)))

    if patterns or row_fns or survey:
        records: Any = build_all()
        visit: Any = range(m)
    else:
        visit = sorted(attn)
        records = {k: Record(kind, sname, excel_rows[k], make_v(*[c[k] for c in vcols]),
                             make_r(*[c[k] for c in tcols])) for k in visit}

    # ---- findings, row by row in order (cell findings in column order, then the row rules)
    add = ctx.add
    pattern_cache: dict[str, re.Pattern[str] | None] = {}
    for k in visit:
        rec = records[k]
        vals = rec.values
        excel_row = rec.row
        fix = id_fix.get(k)
        if fix:
            del vals["_birth"], vals["_male"]
            if fix == 2:
                del vals["id_ok"]
        for ci, col, col_specs in fcols:
            specs = col_specs[k]
            if specs:
                for code, value, sev, sensitive, params in specs:
                    add(code, sname, excel_row, ci, col.title, value, rec, sensitive, sev, **params)
        # ---- row-level person rules
        if vals.get("id_ok"):
            male = vals.get("_male")
            sex = vals.get("sex")
            if sex and male is not None and (sex == "男") != male and sex_col is not None:
                add("I010", sname, excel_row, sex_col, "性别", sex, rec, expected="男" if male else "女")
            birth = vals.get("_birth")
            if birth and check_age:
                age = age_on(birth, ref_date)
                if age < min_age:
                    add("I011", sname, excel_row, id_col, "身份证号码", vals["id"], rec, sensitive=True,
                        id=vals["id"], age=age, on=ref_date.isoformat(), min=min_age)
                elif age > max_age:
                    add("I012", sname, excel_row, id_col, "身份证号码", vals["id"], rec, sensitive=True,
                        id=vals["id"], age=age, on=ref_date.isoformat(), max=max_age)
            pid = vals["id"]
            if dup_ids and k in u001:
                add("U001", sname, excel_row, id_col, "身份证号码", pid, rec, sensitive=True, id=pid,
                    other=_where(sname, *_first_id(id_layers, pid), lang))
            cert = vals.get("cert")
            if cert and k in u002:
                prev = _first_cert(cert_layers, cert)
                if prev[0] != pid:
                    add("U002", sname, excel_row, colmap.get("cert"), "证件号码", cert, rec,
                        other=_where(sname, prev[1], prev[2], lang))
        # certificate pattern per category
        if patterns:
            cert = vals.get("cert")
            if cert:
                category = vals.get("category") or ("国家部委" if kind == "national" else "省级")
                pat = pattern_cache.get(category, ...)
                if pat is ...:
                    src = patterns.get(category)
                    try:
                        pat = re.compile(src) if src else None
                    except re.error:
                        pat = None
                    pattern_cache[category] = pat
                if pat is not None and not pat.fullmatch(cert):
                    add("C004", sname, excel_row, colmap.get("cert"), "证件号码", cert, rec,
                        category=category, pattern=pat.pattern)
        for fn in row_fns:
            fn(ctx, res, rec, meta)
        if survey:
            _derive_colour(ctx, res, rec, meta)
    if isinstance(records, list):
        res.records = records
    else:
        def build() -> list[Record]:
            out = build_all()
            for k, rec in records.items():  # the rows with findings: the very objects findings counted on
                out[k] = rec
            return out

        res.__dict__["_pending"] = (m, build)
    return res


_NO_ID = (None, None, None, None)
_MAKERS: dict[tuple[str, ...], Callable[..., dict[str, Any]]] = {}


def _dict_maker(keys: tuple[str, ...]) -> Callable[..., dict[str, Any]]:
    """A function building {keys[0]: a0, keys[1]: a1, …} from positional values: a dict display
    with constant keys, faster than dict(zip(keys, values)) on every row."""
    fn = _MAKERS.get(keys)
    if fn is None:
        args = ", ".join(f"a{j}" for j in range(len(keys)))
        body = ", ".join(f"{k!r}: a{j}" for j, k in enumerate(keys))
        fn = _MAKERS[keys] = eval(f"lambda {args}: {{{body}}}")  # keys are the catalogue's column keys
    return fn


_FAST: dict[str, Callable[[Any, Callable[[object], tuple], str | None], _Col]] = {
    "id": _id_column, "name": _name_column, "cert": _cert_column, "seq": _seq_column}


def _first_id(layers: list[tuple[str, dict[str, int]]], pid: str) -> tuple[str, int]:
    """(sheet, Excel row) where an ID first occurs among the sheets of a kind read so far."""
    for sheet, first in layers:
        row = first.get(pid)
        if row is not None:
            return sheet, row
    raise KeyError(pid)


def _first_cert(layers: list[tuple[str, dict[str, int], Any, Any]], cert: str) -> tuple[str, str, int]:
    """(ID, sheet, Excel row) of the first row with a certificate number."""
    for sheet, first, ids, rows in layers:
        k = first.get(cert)
        if k is not None:
            return ids[k], sheet, rows[k]
    raise KeyError(cert)


def _where(here: str, sheet: str, row: int, lang: str) -> str:
    """'第 5 行' on the same sheet, '工作表“第2页”第 5 行' on another one."""
    if lang == "en":
        return f"row {row}" if sheet == here else f"sheet '{sheet}' row {row}"
    return f"第 {row} 行" if sheet == here else f"工作表“{sheet}”第 {row} 行"


_CERT_OK = re.compile(r"^[0-9A-Za-z]+$")
_CERT_ENOTATION = re.compile(r"\d(\.\d+)?E\+?\d+", re.I)


def _cert(raw: object, text: str) -> tuple[str | None, tuple[_Spec, ...] | None]:
    """A certificate number cell: (value, findings)."""
    if isinstance(raw, float) or isinstance(raw, int):
        if isinstance(raw, float) and (not raw.is_integer() or abs(raw) >= 1e15):
            return None, (("C003", text, None, False, {}),)
        return str(int(raw)), None
    v = text if text.isascii() and text.isalnum() else clean_text(text)  # plain codes need no cleaning
    if _CERT_ENOTATION.fullmatch(v):
        return None, (("C003", text, None, False, {}),)
    if not _CERT_OK.match(v):
        return None, (("C002", text, None, False, {}),)
    return v.upper(), None


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
        n = s.record_count
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
    # metadata from the first sheet that has it above its header (any sheet: a survey's 单位 sheet
    # may carry the line its 人员 sheet lacks)
    for sheet, hdr in picked:
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
    # Reading and validating build ~10 objects per row and no reference cycles: with the cyclic GC on,
    # its repeated passes over the growing heap cost more than the validation itself (1.2 s of 3.1 s
    # on 100,000 rows). Paused here, restored on the way out.
    was = gc.isenabled()
    gc.disable()
    try:
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
    finally:
        if was:
            gc.enable()


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


_ERR_MARK = b't="e"'


def _has_error_cell(zf: Any, part: str) -> bool:
    """Whether a worksheet part holds a cell of type "e", streamed in slices (a 100,000-row sheet is
    ~50 MB of XML: never held whole). The deflated bytes are inflated straight from the file: the CRC
    was already checked when the sheet was read. Any oddity: use zipfile (with its checks)."""
    import struct
    import zlib

    info = zf.getinfo(part)
    keep = len(_ERR_MARK) - 1
    tail = b""
    try:
        if info.compress_type not in (zipfile_STORED, zipfile_DEFLATED) or info.flag_bits & 0x1:
            raise ValueError("not plain stored/deflated")
        fh = zf.fp
        fh.seek(info.header_offset)
        head = fh.read(30)
        if head[:4] != b"PK\x03\x04":
            raise ValueError("no local header")
        name_len, extra_len = struct.unpack("<HH", head[26:30])
        fh.seek(info.header_offset + 30 + name_len + extra_len)
        inflate = zlib.decompressobj(-15) if info.compress_type == zipfile_DEFLATED else None
        left = info.compress_size
        while left > 0:
            chunk = fh.read(min(1 << 18, left))
            if not chunk:
                break
            left -= len(chunk)
            out = inflate.decompress(chunk) if inflate is not None else chunk
            if _ERR_MARK in tail + out[:keep] or _ERR_MARK in out:
                return True
            tail = out[-keep:]
        return False
    except Exception:
        tail = b""
        with zf.open(part) as member:
            while True:
                out = member.read(1 << 20)
                if not out:
                    return False
                if _ERR_MARK in tail + out[:keep] or _ERR_MARK in out:
                    return True
                tail = out[-keep:]


zipfile_STORED, zipfile_DEFLATED = 0, 8  # zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED


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
                if not _has_error_cell(zf, part):
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
