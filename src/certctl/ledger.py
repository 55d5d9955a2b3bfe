"""The master ledger (合并台账, SPEC 5): every accepted row of every form folded into one state per
certificate, with its history, its problems and its 红黄绿.

``build_ledger(ws, cfg, as_of)`` is a pure function of the workspace (and ``as_of``, the day
deadlines are judged on): rows are turned into :class:`Event` objects, sorted by (date, same-day rank,
file, sheet, row) — on one day an entry comes first, then annex 2/3/4, then annex 1 注销/修改 filings,
then surveys — and folded per certificate number:

=============================  ====================================
event                          status of the certificate afterwards
=============================  ====================================
annex 1 录入归集 / 修改          有效 (修改 keeps the status it had)
annex 1 注销, annex 2           已注销
annex 3 (old certificate)      已换发
annex 4 (loss, then reissue)   挂失, then 已补发 (no 填报时间: stays 挂失)
survey row (摸排)               facts updated (unit, category, version, colour …)
=============================  ====================================

Rows of the reference lists (执法主体清单, 国家部委名单) and of the survey's 单位 sheet are merged as
reference data, not as certificate events. A row that cannot be placed (no valid ID, no valid
certificate number, no usable action or date) is rejected with an X006 finding; for every file
``rows_read == rows_merged + rows_rejected``. Writing the workbook is in :mod:`certctl.ledger_xlsx`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

from . import forms as F
from . import rules as R
from .findings import Finding
from .normalize import compact
from .validate import HELD_DONE_WORDS, FormResult, Record
from .workspace import Workspace

# statuses
VALID, REVOKED, REPLACED, REISSUED, LOST = "有效", "已注销", "已换发", "已补发", "挂失"
STATUSES = (VALID, REVOKED, REPLACED, REISSUED, LOST)
ACTIVE = frozenset((VALID, REISSUED, LOST))  # the holder still has (a right to) the certificate
RED, YELLOW, GREEN = "红", "黄", "绿"

# event kinds (最近变动)
E_ENTER, E_MODIFY, E_REVOKE, E_REPLACE, E_LOSS, E_REISSUE, E_SURVEY = (
    "录入归集", "修改", "注销", "换发", "挂失", "补发", "摸排")
EVENT_KINDS = (E_ENTER, E_MODIFY, E_REVOKE, E_REPLACE, E_LOSS, E_REISSUE, E_SURVEY)
EVENT_EN = {E_ENTER: "entered", E_MODIFY: "modified", E_REVOKE: "revoked", E_REPLACE: "replaced",
            E_LOSS: "lost", E_REISSUE: "reissued", E_SURVEY: "surveyed"}
STATUS_EN = {VALID: "valid", REVOKED: "revoked", REPLACED: "replaced", REISSUED: "reissued", LOST: "lost"}
COLOUR_EN = {RED: "red", YELLOW: "yellow", GREEN: "green"}

CERT_KINDS = ("annex1", "annex2", "annex3", "annex4", "survey_people")
REFERENCE_KINDS = ("registry", "national", "survey_units")

# codes on a row that make the certificate's data incomplete (yellow)
_INCOMPLETE = frozenset(("V001", "N001", "V002", "V003", "D001", "S008", "I010"))

# colour reasons: code -> (zh, en)
REASONS: dict[str, tuple[str, str]] = {
    "non_staff": ("非在编人员持证（{value}）", "non-staff holder ({value})"),
    "left_post": ("已离岗仍持证（{value}）", "left post but still holds it ({value})"),
    "old_version": ("旧版证件仍持有", "old-version certificate still held"),
    "dual": ("同时持有省级和国家部委证件", "holds both a provincial and a national-ministry certificate"),
    "shared": ("证件号码对应两个身份证号码", "certificate number shared by two people"),
    "revoked_active": ("已注销仍报告为持有", "revoked but still reported as held"),
    "training": ("本年度培训学时不足（{value}）", "annual training below requirement ({value} h)"),
    "new_field": ("新执法领域培训不足（{value}）", "new-field training below requirement ({value} h)"),
    "due_soon": ("{what}期限 {value} 将至", "{what} due on {value}"),
    "incomplete": ("资料不完整（{value}）", "data incomplete ({value})"),
    "lost": ("挂失待补发", "lost, awaiting reissue"),
}
_RED_REASONS = ("non_staff", "left_post", "old_version", "dual", "shared", "revoked_active")


@dataclass(slots=True)
class Event:
    kind: str  # one of EVENT_KINDS
    date: dt.date
    cert: str
    id: str
    name: str
    unit: str
    path: str  # file path as read
    sheet: str
    row: int  # Excel row
    values: dict[str, Any]  # the record's normalised values
    family: str = ""  # form kind of the row (annex1 … survey_people)
    source: str = ""  # "file 第N行" (path relative to the workspace root)
    sub: int = 0  # order of two events from one row (loss 0, reissue 1)
    record: Record | None = None

    def sort_key(self) -> tuple:
        return (self.date, _RANK.get(self.kind, 1) if self.family != "annex1" or self.kind == E_ENTER else 2,
                self.path, self.sheet, self.row, self.sub)


# same-day order: entry first, then the paper forms of a change, then annex 1 filings of it, then surveys
_RANK = {E_ENTER: 0, E_SURVEY: 3}


@dataclass
class CertState:
    cert: str
    name: str = ""
    id: str = ""
    sex: str = ""
    unit: str = ""
    category: str = "省级"
    status: str = VALID
    colour: str = GREEN
    colour_reasons: list[str] = field(default_factory=list)  # Chinese
    last_event: str = ""
    last_event_date: dt.date | None = None
    source: str = ""  # every source of the certificate, "file 第N行", joined with "；"
    problems: list[str] = field(default_factory=list)  # Chinese, one per problem
    # facts and bookkeeping
    version: str | None = None
    person_type: str | None = None
    post_status: str | None = None
    leave_date: dt.date | None = None
    hours: float | None = None
    new_field_hours: float | None = None
    reported_colour: str | None = None
    revoked_on: dt.date | None = None
    revoked_source: str = ""
    new_unit: str = ""  # annex 3: the unit the holder moved to
    colour_codes: list[tuple[str, dict[str, Any]]] = field(default_factory=list)  # (reason key, params)
    problem_codes: list[str] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)  # cross-form findings about it
    events: list[Event] = field(default_factory=list)
    ids: dict[str, str] = field(default_factory=dict)  # every ID seen -> first source

    @property
    def active(self) -> bool:
        return self.status in ACTIVE

    def reasons(self, lang: str = "zh") -> list[str]:
        out = []
        for key, params in self.colour_codes:
            zh, en = REASONS[key]
            tpl = en if lang == "en" else zh
            try:
                out.append(tpl.format(**params))
            except (KeyError, IndexError):
                out.append(tpl)
        return out


@dataclass
class UnitSummary:
    unit: str
    holders: int = 0  # active certificates
    red: int = 0
    yellow: int = 0
    green: int = 0
    certificates: int = 0
    forms: int = 0  # forms received (by 填报单位)
    last_form_date: dt.date | None = None
    must_report: bool = False  # registry says 是
    missing: bool = False  # must report and sent nothing
    in_registry: bool = False


@dataclass
class FileSummary:
    path: str  # relative to the workspace root
    sha256: str
    family: str
    unit: str
    form_date: dt.date | None
    rows_read: int
    rows_merged: int
    rows_rejected: int
    status: str = "ok"  # ok | errors | unreadable | duplicate | reference
    errors: int = 0
    warnings: int = 0
    duplicate_of: str = ""
    read_error: str = ""  # reason, Chinese
    read_error_en: str = ""


@dataclass
class Ledger:
    certificates: list[CertState]
    events: list[Event]
    findings: list[Finding]
    units: list[UnitSummary]
    files: list[FileSummary]
    as_of: dt.date
    root: Path | None = None

    @property
    def errors(self) -> int:
        return sum(1 for f in self.findings if f.severity == R.ERROR)

    @property
    def warnings(self) -> int:
        return sum(1 for f in self.findings if f.severity == R.WARNING)

    def colours(self) -> dict[str, int]:
        out = {RED: 0, YELLOW: 0, GREEN: 0}
        for c in self.certificates:
            out[c.colour] = out.get(c.colour, 0) + 1
        return out

    def by_cert(self) -> dict[str, CertState]:
        return {c.cert: c for c in self.certificates}

    def rel(self, path: str) -> str:
        if self.root is None:
            return path
        from .workspace import rel_path

        return rel_path(self.root, path)


@dataclass
class MergeSummary:
    """What ``certctl merge`` prints about a ledger (small; kept in the cache so an unchanged folder
    can be reported without rebuilding): the files, the totals and the cross-form findings."""

    files: list[FileSummary]
    totals: dict[str, int]
    cross: list[tuple[str, Finding]]  # (path relative to the root, finding)


CROSS_CODES = ("X001", "X002", "X003", "X004")


def merge_summary(ledger: Ledger) -> MergeSummary:
    colours = ledger.colours()
    files = ledger.files
    totals = {
        "files": len(files),
        "rows_read": sum(f.rows_read for f in files),
        "rows_merged": sum(f.rows_merged for f in files),
        "rows_rejected": sum(f.rows_rejected for f in files),
        "unreadable": sum(1 for f in files if f.status == "unreadable"),
        "duplicates": sum(1 for f in files if f.status == "duplicate"),
        "certificates": len(ledger.certificates),
        "red": colours[RED], "yellow": colours[YELLOW], "green": colours[GREEN],
        "errors": ledger.errors, "warnings": ledger.warnings,
    }
    cross = [(ledger.rel(f.path), f) for f in ledger.findings if f.code in CROSS_CODES]
    return MergeSummary(list(files), totals, cross)


# ------------------------------------------------------------------------------------ messages
def finding_message(f: Finding, lang: str = "zh", show_id: bool = False) -> str:
    """Finding.message, with merge findings' language-specific parameters (``*_en``) honoured."""
    if lang == "en" and any(k.endswith("_en") for k in f.params):
        p = dict(f.params)
        for k in list(p):
            if k.endswith("_en"):
                p[k[:-3]] = p[k]
        f = Finding(f.code, f.path, f.sheet, f.row, f.col, f.field, f.value, p, f.sensitive, f.severity_override)
    return f.message(lang, show_id)


def source_text(rel: str, row: int | None, sheet: str | None = None, lang: str = "zh") -> str:
    if row is None:
        return rel
    return f"{rel} row {row}" if lang == "en" else f"{rel} 第{row}行"


# ------------------------------------------------------------------------------------ building
class _Registry:
    def __init__(self) -> None:
        self.full: dict[str, str] = {}  # compact(full) -> full
        self.short: dict[str, str] = {}  # compact(short) -> full
        self.must: dict[str, bool] = {}  # full -> must report
        self.present = False

    def add(self, rec: Record) -> None:
        full = rec.values.get("unit")
        if not full:
            return
        self.present = True
        self.full.setdefault(compact(full), full)
        self.must[full] = self.must.get(full, False) or rec.values.get("must_report") == "是"
        short = rec.values.get("short")
        if short:
            for s in str(short).replace("，", ",").replace("、", ",").split(","):
                if compact(s):
                    self.short.setdefault(compact(s), full)

    def canonical(self, name: str) -> str:
        k = compact(name)
        return self.full.get(k) or self.short.get(k) or name


def _reject_reason(kind: str, rec: Record, res: FormResult) -> tuple[str, str, str | None] | None:
    """(zh, en, column key) when the row cannot be placed in the ledger."""
    v = rec.values
    if kind in CERT_KINDS or kind == "national":
        if not v.get("id_ok"):
            if not rec.raw.get("id"):
                return "身份证号码为空", "the ID number is empty", "id"
            return "身份证号码无效", "the ID number is invalid", "id"
        if not v.get("cert"):
            if not rec.raw.get("cert"):
                return "证件号码为空", "the certificate number is empty", "cert"
            return "证件号码无效", "the certificate number is invalid", "cert"
    if kind == "annex1" and not v.get("action"):
        return "“数据录入归集、注销、修改情况”为空或无效", "the entry/revocation/modification action is empty or invalid", "action"
    if kind in ("registry", "survey_units") and not v.get("unit"):
        return "单位全称为空", "the unit's full name is empty", "unit"
    if kind in CERT_KINDS and _event_date(kind, rec, res) is None:
        return "没有可用的日期（行内日期和填报时间都缺失或无效）", "no usable date (neither the row's date nor the form's 填报时间)", None
    return None


def _event_date(kind: str, rec: Record, res: FormResult) -> dt.date | None:
    v = rec.values
    form_date = res.meta.date
    if kind == "annex1":
        return v.get("entry_date") or form_date
    if kind in ("annex2", "annex3"):
        return v.get("change_date") or form_date
    if kind == "annex4":
        return v.get("lost_date") or form_date
    return form_date


def _held(rec: Record) -> bool:
    op = rec.values.get("opinion") or ""
    return not any(w in op for w in HELD_DONE_WORDS)


def _events_of(kind: str, rec: Record, res: FormResult, rel: str) -> list[Event]:
    v = rec.values
    d = _event_date(kind, rec, res)
    assert d is not None
    src = source_text(rel, rec.row)
    unit = v.get("unit") or ""
    common = dict(cert=v["cert"], id=v["id"], name=v.get("name") or "", path=res.path, sheet=rec.sheet,
                  row=rec.row, values=v, family=kind, source=src, record=rec)
    if kind == "annex1":
        act = v["action"]
        k = {"录入归集": E_ENTER, "注销": E_REVOKE, "修改": E_MODIFY}[act]
        return [Event(k, d, unit=unit, **common)]
    if kind == "annex2":
        return [Event(E_REVOKE, d, unit=unit, **common)]
    if kind == "annex3":
        return [Event(E_REPLACE, d, unit=v.get("orig_unit") or "", **common)]
    if kind == "annex4":
        out = [Event(E_LOSS, d, unit=unit, sub=0, **common)]
        if res.meta.date is not None:
            out.append(Event(E_REISSUE, max(res.meta.date, d), unit=unit, sub=1, **common))
        return out
    return [Event(E_SURVEY, d, unit=unit, **common)]


class _Builder:
    def __init__(self, ws: Workspace, cfg: Any, as_of: dt.date):
        self.ws = ws
        self.cfg = cfg
        self.as_of = as_of
        self.findings: list[Finding] = []
        dl = getattr(cfg, "deadlines", None)
        self.report_days = getattr(dl, "report_days", 3)
        self.entry_days = getattr(dl, "system_entry_days", 10)
        self.due_soon = getattr(dl, "due_soon_days", 3)
        tr = getattr(cfg, "training", None)
        self.annual_hours = getattr(tr, "annual_hours", 60)
        self.new_field_hours = getattr(tr, "new_field_hours", 20)
        rules = getattr(cfg, "rules", None)
        self.disabled = frozenset(getattr(rules, "disable", ()) or ())
        self._cal = None
        self.colmaps: dict[tuple[str, str], dict[str, int]] = {}

    @property
    def cal(self) -> Any:
        if self._cal is None:
            from .config import make_calendar

            self._cal = make_calendar(self.cfg)
        return self._cal

    def add(self, code: str, path: str, sheet: str | None = None, row: int | None = None, col: int | None = None,
            fld: str | None = None, value: str | None = None, sensitive: bool = False, **params: Any) -> Finding | None:
        if code in self.disabled:
            return None
        f = Finding(code, path, sheet, row, col, fld, value, params, sensitive)
        self.findings.append(f)
        return f


def build_ledger(ws: Workspace, cfg: Any = None, as_of: dt.date | None = None) -> Ledger:
    """Fold the workspace into the ledger. ``as_of`` (default today) is the day deadlines are judged on."""
    import gc

    was = gc.isenabled()
    gc.disable()  # ~10^5 small objects, no cycles: GC passes would cost more than the fold
    try:
        return _build_ledger(ws, cfg, as_of)
    finally:
        if was:
            gc.enable()


def _build_ledger(ws: Workspace, cfg: Any, as_of: dt.date | None) -> Ledger:
    as_of = as_of or dt.date.today()
    b = _Builder(ws, cfg, as_of)
    registry = _Registry()
    national: dict[str, Event] = {}  # id -> national-list row (as an event-like source)
    events: list[Event] = []
    files: list[FileSummary] = []
    rel = ws.rel

    # ---- pass 1: reference lists first (needed for every other row)
    for res in ws.results:
        for s in res.sheets:
            if s.spec.kind == "registry":
                for rec in s.records:
                    registry.add(rec)

    # ---- pass 2: rows -> events / rejections, per file
    for res in ws.results:
        rp = rel(res.path)
        fs = FileSummary(rp, res.sha256, res.family, res.meta.unit, res.meta.date, res.rows, 0, 0)
        if res.read_error is not None:
            fs.status = "unreadable"
            fs.read_error = res.read_error.reason("zh")
            fs.read_error_en = res.read_error.reason("en")
            files.append(fs)
            continue
        for s in res.sheets:
            kind = s.spec.kind
            b.colmaps[(res.path, s.sheet)] = s.colmap
            for rec in s.records:
                why = _reject_reason(kind, rec, res)
                if why is not None:
                    fs.rows_rejected += 1
                    key = why[2]
                    colspec = s.spec.column(key) if key else None
                    b.add("X006", res.path, rec.sheet, rec.row, s.colmap.get(key) if key else None,
                          colspec.title if colspec else None, None, reason=why[0], reason_en=why[1])
                    continue
                fs.rows_merged += 1
                if kind in CERT_KINDS:
                    events.extend(_events_of(kind, rec, res, rp))
                elif kind == "national":
                    national.setdefault(rec.values["id"], Event(
                        "国家部委名单", res.meta.date or dt.date.min, rec.values["cert"], rec.values["id"],
                        rec.values.get("name") or "", rec.values.get("issuer") or "", res.path, rec.sheet, rec.row,
                        rec.values, kind, source_text(rp, rec.row)))
        assert fs.rows_read == fs.rows_merged + fs.rows_rejected, (fs.path, fs.rows_read, fs.rows_merged, fs.rows_rejected)
        fam = set(res.family.split("+"))
        if fam and fam <= {"registry", "national"}:
            fs.status = "reference"
        else:
            fs.status = "errors" if res.errors else "ok"
        fs.errors, fs.warnings = res.errors, res.warnings
        files.append(fs)
    for dup, orig in ws.duplicates:
        files.append(FileSummary(rel(dup), "", "", "", None, 0, 0, 0, status="duplicate", duplicate_of=rel(orig)))
        # sha256 of a duplicate is its original's
        for f in files:
            if f.path == rel(orig):
                files[-1].sha256, files[-1].family = f.sha256, f.family
                files[-1].unit, files[-1].form_date = f.unit, f.form_date
                break
    files.sort(key=lambda f: f.path)

    # ---- pass 3: fold events per certificate, oldest first
    events.sort(key=Event.sort_key)
    certs: dict[str, CertState] = {}
    for ev in events:
        st = certs.get(ev.cert)
        if st is None:
            st = certs[ev.cert] = CertState(ev.cert)
        _apply(b, st, ev)

    # ---- pass 4: cross-form rules across certificates
    _cross_person(b, certs, national)

    # ---- pass 5: registry checks on unit names
    if registry.present:
        _registry_checks(b, ws, registry)

    # ---- pass 6: colours and problems
    for st in certs.values():
        _colour(b, st)

    certificates = sorted(certs.values(), key=lambda c: (c.cert,))
    units = _units(ws, certificates, registry, files)
    all_findings = [f for r in ws.results for f in r.findings] + list(ws.findings) + b.findings
    all_findings.sort(key=lambda f: (rel(f.path), f.sheet or "", f.row or 0, f.col if f.col is not None else -1,
                                     f.code))
    return Ledger(certificates, events, all_findings, units, files, as_of, ws.root)


def _apply(b: _Builder, st: CertState, ev: Event) -> None:
    v = ev.values
    st.events.append(ev)
    if ev.id not in st.ids:
        if st.ids:
            # X002: one certificate number, two different ID numbers
            first_id, first_src = next(iter(st.ids.items()))
            f = b.add("X002", ev.path, ev.sheet, ev.row, _col(b, ev, "cert"), "证件号码", ev.cert,
                      cert=ev.cert, id=first_id, id2=ev.id, other=first_src)
            if f is not None:
                st.findings.append(f)
            st.colour_codes.append(("shared", {}))
        st.ids[ev.id] = ev.source
    st.id = ev.id
    if ev.name:
        st.name = ev.name
    if v.get("sex"):
        st.sex = v["sex"]
    k = ev.kind
    if k == E_SURVEY:
        held = _held(ev.record) if ev.record is not None else True
        if v.get("unit"):
            st.unit = v["unit"]
        for attr, key in (("category", "category"), ("version", "version"), ("person_type", "person_type"),
                          ("post_status", "status"), ("hours", "hours"), ("new_field_hours", "new_field_hours"),
                          ("reported_colour", "colour")):
            if v.get(key) is not None:
                setattr(st, attr, v[key])
        st.leave_date = v.get("leave_date")
        if held and st.status == REVOKED and st.revoked_on is not None and ev.date > st.revoked_on:
            f = b.add("X004", ev.path, ev.sheet, ev.row, _col(b, ev, "cert"), "证件号码", ev.cert,
                      cert=ev.cert, date=st.revoked_on.isoformat(), other=st.revoked_source)
            if f is not None:
                st.findings.append(f)
            st.colour_codes.append(("revoked_active", {}))
        elif not st.events[:-1]:
            st.status = VALID if held else REVOKED
    else:
        if ev.unit:
            st.unit = ev.unit
        if k == E_ENTER:
            st.status = VALID
        elif k == E_MODIFY:
            if len(st.events) == 1:
                st.status = VALID
        elif k == E_REVOKE:
            st.status = REVOKED
            st.revoked_on = ev.date
            st.revoked_source = ev.source
        elif k == E_REPLACE:
            st.status = REPLACED
            st.new_unit = v.get("unit") or ""
        elif k == E_LOSS:
            st.status = LOST
        elif k == E_REISSUE:
            st.status = REISSUED
    st.last_event = k
    st.last_event_date = ev.date


def _col(b: _Builder, ev: Event, key: str) -> int | None:
    cm = b.colmaps.get((ev.path, ev.sheet))
    return cm.get(key) if cm else None


def _cross_person(b: _Builder, certs: dict[str, CertState], national: dict[str, Event]) -> None:
    by_id: dict[str, list[CertState]] = {}
    for st in certs.values():
        if st.active:
            by_id.setdefault(st.id, []).append(st)
    for pid in sorted(set(by_id) | set(national)):
        held = sorted(by_id.get(pid, []), key=lambda c: c.cert)
        prov = [c for c in held if c.category != "国家部委"]
        nat = [c for c in held if c.category == "国家部委"]
        # X001: provincial + national-ministry
        if prov and (nat or pid in national):
            p = prov[0]
            last = p.events[-1]
            if nat:
                other_cert, other_src = nat[0].cert, nat[0].events[-1].source
            else:
                ne = national[pid]
                other_cert, other_src = ne.cert, ne.source
            f = b.add("X001", last.path, last.sheet, last.row, None, "身份证号码", pid, True,
                      id=pid, cert=p.cert, cert2=other_cert, other=other_src)
            for c in prov + nat:
                if f is not None:
                    c.findings.append(f)
                c.colour_codes.append(("dual", {}))
        # X003: active (provincial) certificates under two units
        units: dict[str, CertState] = {}
        for c in prov:
            if c.unit:
                units.setdefault(compact(c.unit), c)
        if len(units) > 1:
            first, *rest = list(units.values())
            for c in rest:
                last = c.events[-1]
                f = b.add("X003", last.path, last.sheet, last.row, None, "身份证号码", pid, True,
                          id=pid, unit=first.unit, unit2=c.unit, other=first.events[-1].source)
                if f is not None:
                    first.findings.append(f)
                    c.findings.append(f)


def _registry_checks(b: _Builder, ws: Workspace, reg: _Registry) -> None:
    seen: set[tuple[str, str, str]] = set()

    def check(path: str, sheet: str | None, row: int | None, col: int | None, fld: str, name: str) -> None:
        if not name:
            return
        key = (path, fld, compact(name))
        if key in seen:
            return
        seen.add(key)
        k = compact(name)
        if k in reg.full:
            return
        if k in reg.short:
            b.add("R001", path, sheet, row, col, fld, name, expected=reg.short[k])
        else:
            b.add("R002", path, sheet, row, col, fld, name)

    for res in ws.results:
        if res.read_error is not None:
            continue
        fams = set(res.family.split("+"))
        if fams & {"registry", "national"}:
            continue
        if res.meta.unit and res.meta.found:
            check(res.path, res.sheets[0].sheet if res.sheets else None, res.meta.row, 0, "填报单位", res.meta.unit)
        for s in res.sheets:
            for key in ("unit", "orig_unit"):
                if key not in s.colmap:
                    continue
                col = s.spec.column(key)
                title = col.title if col else key
                for rec in s.records:
                    check(res.path, rec.sheet, rec.row, s.colmap[key], title, rec.values.get(key) or "")


def _colour(b: _Builder, st: CertState) -> None:
    codes = st.colour_codes
    fin = list(codes)  # cross-form reasons gathered while folding
    survey = next((e for e in reversed(st.events) if e.kind == E_SURVEY), None)
    last_survey_is_current = survey is not None and st.active
    if last_survey_is_current:
        held = _held(survey.record) if survey.record is not None else True
        if held:
            if st.person_type in F.NON_STAFF:
                fin.append(("non_staff", {"value": st.person_type}))
            if st.post_status and st.post_status != "在岗":
                fin.append(("left_post", {"value": st.post_status}))
            if st.version == "旧版":
                fin.append(("old_version", {}))
            if st.hours is not None and st.hours < b.annual_hours and st.post_status in (None, "在岗"):
                fin.append(("training", {"value": _num(st.hours)}))
            if st.new_field_hours is not None and st.new_field_hours < b.new_field_hours:
                fin.append(("new_field", {"value": _num(st.new_field_hours)}))
            if st.post_status and st.post_status != "在岗" and st.leave_date:
                _due(b, fin, st.leave_date, b.report_days, "注销", "revocation")
    if st.status == LOST:
        fin.append(("lost", {}))
    # system entry (annex 1) after a revocation / replacement signed on paper
    if st.status in (REVOKED, REPLACED) and st.events and st.events[-1].family in ("annex2", "annex3"):
        _due(b, fin, st.events[-1].date, b.entry_days, "系统录入", "system entry")
    # incomplete data
    missing = [w for w, v in (("姓名", st.name), ("性别", st.sex), ("所属主体", st.unit)) if not v]
    last_rec = st.events[-1].record if st.events else None
    if last_rec is not None:
        bad = [c for c in last_rec.codes if c in _INCOMPLETE]
        if bad:
            missing += [R.RULES[c].zh for c in dict.fromkeys(bad)]
    if missing:
        fin.append(("incomplete", {"value": "、".join(dict.fromkeys(missing))}))
    # dedupe, red first
    uniq: dict[str, dict[str, Any]] = {}
    for k, p in fin:
        uniq.setdefault(k, p)
    reds = [(k, p) for k, p in uniq.items() if k in _RED_REASONS]
    yellows = [(k, p) for k, p in uniq.items() if k not in _RED_REASONS]
    if reds:
        st.colour, st.colour_codes = RED, reds
    elif yellows:
        st.colour, st.colour_codes = YELLOW, yellows
    else:
        st.colour, st.colour_codes = GREEN, []
    st.colour_reasons = st.reasons("zh")
    # problems: validation codes of its rows (warnings and errors), cross-form findings, colour mismatch
    probs: dict[str, str] = {}
    for ev in st.events:
        rec = ev.record
        if rec is None:
            continue
        for c in rec.codes:
            rule = R.RULES.get(c)
            if rule is None or rule.severity == R.INFO:
                continue
            probs.setdefault(c, f"{c} {rule.zh}（{ev.source}）")
    for f in st.findings:
        probs.setdefault(f.code, f"{f.code} {f.rule.zh}")
    reported = st.reported_colour
    if reported and st.active and survey is not None and reported != st.colour:
        reason = "、".join(st.colour_reasons) or "未发现问题"
        reason_en = ", ".join(st.reasons("en")) or "no problem found"
        f = b.add("X007", survey.path, survey.sheet, survey.row, None, "证件状态", reported,
                  cert=st.cert, expected=st.colour, reason=reason, reason_en=reason_en,
                  expected_en=st.colour)
        if f is not None:
            st.findings.append(f)
            probs.setdefault("X007", f"X007 单位自报“{reported}”，台账判定“{st.colour}”")
    st.problem_codes = list(probs)
    st.problems = list(probs.values())
    st.source = "；".join(dict.fromkeys(e.source for e in st.events))


def _due(b: _Builder, fin: list, event: dt.date, days: int, what_zh: str, what_en: str) -> None:
    try:
        deadline = b.cal.add_workdays(event, days)
    except (OverflowError, ValueError):
        return
    if deadline < b.as_of:
        return  # overdue: reported by the overdue command (and red reasons here)
    if b.cal.workdays_between(b.as_of, deadline) <= b.due_soon:
        fin.append(("due_soon", {"what": what_zh, "value": deadline.isoformat()}))


def _num(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else str(x)


def _units(ws: Workspace, certs: list[CertState], reg: _Registry, files: list[FileSummary]) -> list[UnitSummary]:
    out: dict[str, UnitSummary] = {}

    def get(name: str) -> UnitSummary:
        full = reg.canonical(name) if reg.present else name
        u = out.get(full)
        if u is None:
            u = out[full] = UnitSummary(full)
        return u

    for full, must in reg.must.items():
        u = get(full)
        u.must_report = must
        u.in_registry = True
    for c in certs:
        if not c.unit:
            continue
        u = get(c.unit)
        u.certificates += 1
        if c.active:
            u.holders += 1
        if c.colour == RED:
            u.red += 1
        elif c.colour == YELLOW:
            u.yellow += 1
        else:
            u.green += 1
    for fs in files:
        if fs.status in ("unreadable", "duplicate", "reference") or not fs.unit:
            continue
        u = get(fs.unit)
        u.forms += 1
        if fs.form_date and (u.last_form_date is None or fs.form_date > u.last_form_date):
            u.last_form_date = fs.form_date
    for u in out.values():
        u.missing = u.must_report and u.forms == 0
    return sorted(out.values(), key=lambda u: u.unit)


def summarize(findings: Iterable[Finding]) -> dict[str, int]:
    out = {R.ERROR: 0, R.WARNING: 0, R.INFO: 0}
    for f in findings:
        out[f.severity] += 1
    return out
