"""Building the model from a validated workspace, once; everything else reads it.

``build_model(ws, cfg, as_of)`` is a pure function of the workspace (every form validated, the names
of the other files), the config and ``as_of`` (the day obligations and colours are judged on):

1. every file is classified — a form, a reference list (执法主体清单, 国家部委名单), a deliverable of the
   campaign (a training plan or cleanup report in any format: never an F002 error), unreadable —
   and every row of a form becomes events or is rejected (X006); for every file
   ``rows_read == rows_merged + rows_rejected``;
2. the events, sorted, are folded into one :class:`~certctl.model.accounts.Account` per certificate;
3. each event starts its clocks (:mod:`.clocks`), each bound unit owes the campaign's deliverables
   (:mod:`.campaign`), and every clock is judged on ``as_of``;
4. cross-form findings (X001–X004), the registry's (R001/R002), and the colour of each certificate
   from its state, facts and obligations; the unit's own colour on each survey row is compared with
   the model's on that row's date (S007, replacing the single-form judgement) and on ``as_of`` (X007);
5. per unit: holders, certificates by state and colour, what it sent, what it owes.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any, Iterable

from .. import rules as R
from ..findings import Finding
from ..gcpause import gc_paused  # ~10^5 small objects, no cycles
from ..normalize import compact
from .accounts import COLOUR_EN, GREEN, RED, YELLOW, Account, judge_colour, reason_text
from .campaign import Campaign, campaign_from_config
from ..jurisdiction import EVERYWHERE
from .clocks import KINDS, Action, Clock, ClockMaker, Counts, Obligation, judge, sort_key
from .docket import Docket, DocketEntry
from ..validate.results import release_records
from .events import (CERT_KINDS, IN_FORCE, REISSUED, REPLACED, STATUSES, Event, Slim, date_in_text, event_date,
                     events_of, reject_reason, source_text)
from .units import Registry, UnitAccount
from . import product
from .product import NeedRecords
from .versions import find_versions, touched_paths, version_findings, version_groups


@dataclass
class FileSummary:
    path: str  # relative to the workspace root
    sha256: str
    family: str
    unit: str  # 填报单位 as written (a deliverable: the unit that sent it)
    form_date: dt.date | None
    rows_read: int
    rows_merged: int
    rows_rejected: int  # rows read = merged + rejected + superseded
    status: str = "ok"  # ok | errors | unreadable | duplicate | reference | deliverable | output | superseded
    errors: int = 0
    warnings: int = 0
    duplicate_of: str = ""
    read_error: str = ""  # reason, Chinese
    read_error_en: str = ""
    deliverable: str = ""  # the deliverable's kind (training_plan, cleanup_report)
    superseded_by: str = ""  # the corrected version that replaces this file (model/versions.py)
    supersedes: str = ""  # the earlier version(s) this corrected file replaces
    rows_superseded: int = 0  # rows whose fact another version holds (corrected, or sent again)


@dataclass
class Model:
    """The one account of a workspace on a day: certificates, units, files, obligations, findings."""

    accounts: list[Account]  # by certificate number
    events: list[Event]  # oldest first
    findings: list[Finding]
    units: list[UnitAccount]
    files: list[FileSummary]
    obligations: list[Obligation]  # every obligation owed on as_of (person and campaign items)
    as_of: dt.date
    root: Path | None = None
    campaign: Campaign | None = None
    docket: Docket | None = None  # the same clocks before any day judges them (what the SQLite ledger keeps)
    # the lines of the surveys' 单位 sheets (deliverables.cases.survey_unit_lines), taken before the records go
    survey_units: list[tuple] = field(default_factory=list)

    @property
    def certificates(self) -> list[Account]:
        return self.accounts

    @property
    def forms(self) -> int:
        return forms_read(self.files)

    @property
    def errors(self) -> int:
        return sum(1 for f in self.findings if f.severity == R.ERROR)

    @property
    def warnings(self) -> int:
        return sum(1 for f in self.findings if f.severity == R.WARNING)

    def colours(self) -> dict[str, int]:
        """Certificates by colour (a closed certificate with nothing to do has none)."""
        out = {RED: 0, YELLOW: 0, GREEN: 0}
        for c in self.accounts:
            if c.colour:
                out[c.colour] += 1
        return out

    def states(self) -> dict[str, int]:
        out = {s: 0 for s in STATUSES}
        for c in self.accounts:
            out[c.status] += 1
        return out

    def by_cert(self) -> dict[str, Account]:
        return {c.cert: c for c in self.accounts}

    def rel(self, path: str) -> str:
        if self.root is None:
            return path
        from ..workspace import rel_path

        return rel_path(self.root, path)


class _Builder:
    def __init__(self, ws: Any, cfg: Any, as_of: dt.date, calendar: Any) -> None:
        from ..config import Config, make_calendar

        self.ws = ws
        self.cfg = cfg if cfg is not None else Config()
        self.as_of = as_of
        dl = self.cfg.deadlines
        self.report_days = dl.report_days
        self.entry_days = dl.system_entry_days
        self.due_soon = dl.due_soon_days
        self.annual_hours = self.cfg.training.annual_hours
        self.new_field_hours = self.cfg.training.new_field_hours
        self.disabled = frozenset(self.cfg.rules.disable or ())
        self.jur = self.cfg.jurisdiction() if hasattr(self.cfg, "jurisdiction") else EVERYWHERE
        self.path_unit: dict[str, str] = {}  # path -> 填报单位 (whose rule sets judge the file, SPEC 6)
        self.cal = calendar if calendar is not None else make_calendar(self.cfg)
        self.counts = Counts(self.cal)
        self.colmaps: dict[tuple[str, str], dict[str, int]] = {}
        self.findings: list[Finding] = []

    def add(self, code: str, path: str, sheet: str | None = None, row: int | None = None, col: int | None = None,
            fld: str | None = None, value: str | None = None, sensitive: bool = False, **params: Any) -> Finding | None:
        if code in self.disabled or not self.jur.applies(code, self.path_unit.get(path, ""), path):
            return None
        f = Finding(code, path, sheet, row, col, fld, value, params, sensitive)
        self.findings.append(f)
        return f

    def col(self, ev: Event, key: str) -> int | None:
        cm = self.colmaps.get((ev.path, ev.sheet))
        return cm.get(key) if cm else None

    def add_at(self, code: str, ev: Event, key: str | None, fld: str, value: str | None, sensitive: bool = False,
               **params: Any) -> Finding | None:
        return self.add(code, ev.path, ev.sheet, ev.row, self.col(ev, key) if key else None, fld, value, sensitive,
                        **params)

    def judge(self, clocks: Iterable[Clock], day: dt.date) -> list[Obligation]:
        return judge(clocks, day, self.counts, self.due_soon)


def build_model(ws: Any, cfg: Any = None, as_of: dt.date | None = None, *, calendar: Any = None,
                findings: bool = True, release: bool = False) -> Model:
    """Build the model of ``ws`` judged on ``as_of`` (default today). ``calendar``: the WorkCalendar to
    use (default ``make_calendar(cfg)``). ``findings=False`` leaves out the findings only the ledger
    lists (validation findings, R001/R002, each certificate's problems) — nothing else changes.
    ``release``: let go of each form's records once its rows are events (memory bounded by the
    certificates, not the rows: issue 15); ``ws`` then keeps only the rows its errors are on."""
    with gc_paused():
        return _build(ws, cfg, as_of or dt.date.today(), calendar, findings, release)


@dataclass
class _Read:
    """The workspace read once: the registry, every file's summary, the events (sorted) and what the
    units sent."""

    registry: Registry
    results: list[Any]
    events: list[Event]
    files: list[FileSummary]
    national: dict[str, tuple[str, str]]  # id -> (certificate, source)
    received: dict[str, dict[str, list[Action]]]  # unit -> deliverable kind -> receipts
    sent: dict[str, list[FileSummary]]  # unit -> files it sent
    meta_unit: dict[str, str]  # path -> 填报单位
    dropped: set[int]  # id() of validation findings the model replaces
    surveyed: set[tuple[str, str, int]]  # merged survey rows (their S007 is the model's)
    unit_cells: dict[str, list[tuple]]  # path -> the unit names R001/R002 check (taken before release)
    survey_units: list[tuple]  # the surveys' 单位 lines (taken before release)


def _build(ws: Any, cfg: Any, as_of: dt.date, calendar: Any, with_findings: bool, release: bool = False) -> Model:
    b = _Builder(ws, cfg, as_of, calendar)
    campaign = campaign_from_config(b.cfg)
    r = _read(ws, b, campaign, release and with_findings)
    clocks, unit_clocks = _start_clocks(r, b, campaign)
    accounts = _fold(r.events, b)

    # ---- every clock judged on as_of
    obligations: list[Obligation] = []
    for cert, acc in accounts.items():
        acc.clocks = clocks.get(cert, ())
        if acc.clocks:
            acc.obligations = b.judge(acc.clocks, as_of)
            obligations.extend(acc.obligations)
    unit_items = {unit: b.judge(owed, as_of) for unit, owed in unit_clocks.items()}
    for items in unit_items.values():
        obligations.extend(items)

    # ---- across certificates and persons
    _cross_person(b, accounts, r.national)
    docket = _docket(b, clocks, accounts, unit_clocks, r)
    if with_findings and r.registry.present:
        _registry_checks(b, r.results, r.registry, r.unit_cells)

    # ---- colours, and the unit's own colour against the model's
    for acc in accounts.values():
        acc.colour, codes = judge_colour(acc.status, acc.facts, acc.flags, acc.obligations, acc.incomplete(),
                                         b.annual_hours, b.new_field_hours)
        acc.colour_codes = codes or ()  # most have none: no empty list each (issue 15)
        for o in acc.obligations:
            o.status, o.colour = acc.status, acc.colour
        if acc.snapshots:
            _reported_colours(b, acc)

    if with_findings:
        for acc in accounts.values():
            _problems(acc)
    certificates = sorted(accounts.values(), key=lambda c: c.cert)
    units = _units(certificates, r.registry, r.sent, unit_items, campaign)
    obligations.sort(key=sort_key)
    if with_findings:
        rel = ws.rel
        keep = [f for res in r.results for f in res.findings
                if id(f) not in r.dropped and not (f.code == "S007" and (f.path, f.sheet, f.row) in r.surveyed)]
        all_findings = keep + list(getattr(ws, "findings", [])) + b.findings
        all_findings.sort(key=lambda f: (rel(f.path), f.sheet or "", f.row or 0, f.col if f.col is not None else -1,
                                         f.code))
    else:
        all_findings = b.findings
    return Model(certificates, r.events, all_findings, units, r.files, obligations, as_of,
                 getattr(ws, "root", None), campaign, docket, r.survey_units)


def _read(ws: Any, b: _Builder, campaign: Campaign, release: bool = False) -> _Read:
    """Every file classified, every row of a form placed as events or rejected (X006). ``release``: each
    form's records let go once read (but the rows its errors are on, whose names the terminal shows)."""
    rd = _Reading(ws, b, campaign)
    for res in rd.results:
        rd.file(res, release)
    rd.duplicates(getattr(ws, "duplicates", []))
    rd.not_spreadsheets(getattr(ws, "others", []))  # the campaign's plans, reports: .docx, .pdf …
    rd.files.sort(key=lambda f: f.path)
    rd.events.sort(key=Event.sort_key)
    return _Read(rd.registry, rd.results, rd.events, rd.files, rd.national, rd.received, rd.sent, rd.meta_unit,
                 rd.dropped, rd.surveyed, rd.unit_cells, rd.survey_units)


class _Reading:
    """What :func:`_read` gathers while it walks the files (the fields of :class:`_Read`)."""

    def __init__(self, ws: Any, b: _Builder, campaign: Campaign) -> None:
        self.b, self.campaign, self.rel = b, campaign, ws.rel
        self.results = list(getattr(ws, "results", []))
        self.registry = Registry()
        for res in self.results:  # reference lists first (every other row needs them)
            for s in res.sheets:
                if s.spec.kind == "registry":
                    for rec in s.records:
                        self.registry.add(rec, self.rel(res.path))
        self.events: list[Event] = []
        self.files: list[FileSummary] = []
        self.national: dict[str, tuple[str, str]] = {}
        self.received: dict[str, dict[str, list[Action]]] = {}
        self.sent: dict[str, list[FileSummary]] = {}
        self.meta_unit: dict[str, str] = {}
        self.dropped: set[int] = set()
        self.surveyed: set[tuple[str, str, int]] = set()
        self.unit_cells: dict[str, list[tuple]] = {}
        self.survey_units: list[tuple] = []
        self.slim = Slim()
        self.x006: list[tuple] | None = None  # the X006 of the form being read, when its product is kept
        # versions of one submission: corrected rows replaced, repeated rows once (model/versions.py)
        sender = lambda res: self.registry.sender(self.rel(res.path), res.meta.unit)  # noqa: E731
        # forms that came from the cache as the model's product (model/product.py), and where to keep them
        self.products: dict[str, Any] = getattr(ws, "products", None) or {}
        self.sink = getattr(ws, "product_sink", None)
        self.shared: dict[Any, Any] = {}
        # forms another version may replace rows of (model/versions.py): their records are needed
        self.grouped = {res.path for _, group in version_groups(self.results, sender, CERT_KINDS) for res in group}
        need = [res.sha256 for res in self.results if res.path in self.grouped and res.path in self.products]
        if need:
            raise NeedRecords(need)
        self.vers = find_versions(self.results, sender, self.rel, CERT_KINDS, getattr(ws, "duplicates", ()))
        self.touched = touched_paths(self.vers)
        self.dropped.update(version_findings(self.vers, self.results, b.add, self.rel))

    def receive(self, unit: str, kind: str, action: Action) -> None:
        if unit:
            self.received.setdefault(unit, {}).setdefault(kind, []).append(action)

    def deliverable(self, fs: FileSummary, kind: str) -> None:
        """A file the campaign asks for (a plan, a report), credited to the unit that sent it."""
        self.receive(fs.unit, kind, Action(fs.form_date, fs.path))
        self.sent.setdefault(fs.unit, []).append(fs)
        self.files.append(fs)

    def file(self, res: Any, release: bool) -> None:
        """One validated file: certctl's own output, a deliverable, unreadable, or a form whose rows are read."""
        rp = self.rel(res.path)
        name = PurePosixPath(rp).name
        from ..deliverables.cases import survey_unit_lines  # the cleanup's quota and posts, read before release

        self.survey_units.extend(survey_unit_lines(res, rp))
        fs = FileSummary(rp, res.sha256, res.family, res.meta.unit, res.meta.date, res.rows, 0, 0)
        if res.output:  # a ledger, report or annotated copy certctl wrote: not a form (F008 says so)
            fs.status, fs.family = "output", ""
            self.files.append(fs)
            return
        if res.read_error is not None or not res.sheets:
            d = self.campaign.named(name)
            refused = res.read_error is not None and getattr(res.read_error, "code", "F001") != "F001"
            if d is not None and not refused:  # a plan or report that is not a form: a deliverable
                fs.status, fs.deliverable, fs.family = "deliverable", d.kind, ""
                fs.unit = self.registry.sender(rp, "", by_name=True)
                fs.form_date = date_in_text(name)
                self.dropped.update(id(f) for f in res.findings)
                self.deliverable(fs, d.kind)
                return
        if res.read_error is not None:
            fs.status = "unreadable"
            fs.read_error = res.read_error.reason("zh")
            fs.read_error_en = res.read_error.reason("en")
            self.files.append(fs)
            return
        self.meta_unit[res.path] = self.b.path_unit[res.path] = res.meta.unit
        prod = self.products.get(res.path)
        if prod is not None:  # the model's product of this form, from the cache (model/product.py)
            if not release or res.path in self.touched:
                raise NeedRecords([res.sha256])
            self.placed(res, fs, rp, prod)
            return
        start, self.x006 = len(self.events), [] if (keep := release and self.sink is not None) else None
        for s in res.sheets:
            self.rows(res, s, fs, rp)
        assert fs.rows_read == fs.rows_merged + fs.rows_rejected + fs.rows_superseded, (fs.path, fs.rows_read)
        self.status(res, fs, rp)
        self.files.append(fs)
        if release:
            cells = _first_unit_cells(res) if self.registry.present or (keep and product.eligible(res)) else []
            if self.registry.present:
                self.unit_cells[res.path] = cells
            release_records(res, {(f.sheet, f.row) for f in res.findings if f.severity == R.ERROR})
            if keep and res.path not in self.grouped:  # kept for the next merge (the model's product)
                made = product.make(res, self.events[start:], fs.rows_merged, fs.rows_rejected, self.x006 or [], cells)
                if made is not None:
                    self.sink(res, made)
        self.x006 = None

    def placed(self, res: Any, fs: FileSummary, rp: str, prod: dict[str, Any]) -> None:
        """A form as :meth:`file` reads it, from its product instead of its records (the same events,
        counts and X006, the unit names; model/product.py)."""
        for s in res.sheets:
            self.b.colmaps[(res.path, s.sheet)] = s.colmap
        try:  # decoded now, one form at a time (memory: issue 15)
            events = product.unpack_events(product.events(prod["events"]), res.path, rp, self.shared, self.slim)
        except Exception:
            raise NeedRecords([res.sha256]) from None  # damaged or planted: the form is read again
        if fs.rows_read != prod["merged"] + prod["rejected"]:
            raise NeedRecords([res.sha256])
        for sheet, row, col, title, reason, reason_en in prod["x006"]:
            self.b.add("X006", res.path, sheet, row, col, title, None, reason=reason, reason_en=reason_en)
        self.events.extend(events)
        fs.rows_merged, fs.rows_rejected = prod["merged"], prod["rejected"]
        self.status(res, fs, rp)
        self.files.append(fs)
        if self.registry.present:
            self.unit_cells[res.path] = [tuple(c) for c in prod["cells"]]

    def rows(self, res: Any, s: Any, fs: FileSummary, rp: str) -> None:
        """A sheet's rows: each placed as events (or a national-list entry), superseded, or rejected (X006)."""
        kind = s.spec.kind
        self.b.colmaps[(res.path, s.sheet)] = s.colmap
        certs = kind in CERT_KINDS
        for rec in s.records:
            src = res
            if res.path in self.touched:
                at = (res.path, rec.sheet, rec.row)
                if self.vers.skipped(at):
                    fs.rows_superseded += 1
                    continue
                src = self.vers.dated(res, at)
            v = rec.values
            d = event_date(kind, rec, src) if certs else None
            # the usual row is placed at once; reject_reason says why another one is not
            if not (certs and d is not None and v.get("id_ok") and v.get("cert")
                    and (kind != "annex1" or v.get("action"))):
                why = reject_reason(kind, rec, src)
                if why is not None:
                    fs.rows_rejected += 1
                    key = why[2]
                    colspec = s.spec.column(key) if key else None
                    x006 = (rec.sheet, rec.row, s.colmap.get(key) if key else None, colspec.title if colspec else None,
                            why[0], why[1])
                    if self.x006 is not None:
                        self.x006.append(x006)
                    self.b.add("X006", res.path, *x006[:4], None, reason=why[0], reason_en=why[1])
                    continue
            fs.rows_merged += 1
            if certs:
                self.events.extend(events_of(kind, rec, src, rp, d, self.slim))
                if kind == "survey_people":
                    self.surveyed.add((res.path, rec.sheet, rec.row))
            elif kind == "national":
                self.national.setdefault(v["id"], (v["cert"], source_text(rp, rec.row, sheet=rec.sheet)))

    def status(self, res: Any, fs: FileSummary, rp: str) -> None:
        """A form's status and counts (a correction's retired findings no longer count), its sender, and a
        survey's receipt."""
        errors, warnings = res.errors, res.warnings
        if res.path in self.touched:  # findings a correction retired (model/versions.py) no longer count
            live = [f.severity for f in res.findings if id(f) not in self.dropped]
            errors, warnings = live.count(R.ERROR), live.count(R.WARNING)
        fs.errors, fs.warnings = errors, warnings
        fam = set(res.family.split("+"))
        if fam and fam <= {"registry", "national"}:
            fs.status = "reference"
            return
        fs.status = "errors" if errors else "ok"
        if res.path in self.vers.superseded_by:
            fs.status, fs.superseded_by = "superseded", self.rel(self.vers.superseded_by[res.path])
        fs.supersedes = "、".join(self.rel(p) for p, by in self.vers.superseded_by.items() if by == res.path)
        sender = self.registry.sender(rp, res.meta.unit)
        self.sent.setdefault(sender, []).append(fs)
        if "survey" in fam:
            when = res.meta.date
            if when is None:  # the 单位 sheet's 报送日期 of the sender's own row
                when = next((r.values.get("report_date") for r in res.records("survey_units")
                             if self.registry.canonical(r.values.get("unit") or "") == sender), None)
            self.receive(sender, "survey", Action(when, rp))

    def duplicates(self, pairs: Any) -> None:
        """Byte-identical copies: listed, pointing at the file read."""
        for dup, orig in pairs:
            fs = FileSummary(self.rel(dup), "", "", "", None, 0, 0, 0, status="duplicate", duplicate_of=self.rel(orig))
            for f in self.files:
                if f.path == fs.duplicate_of:
                    fs.sha256, fs.family, fs.unit, fs.form_date = f.sha256, f.family, f.unit, f.form_date
                    break
            self.files.append(fs)

    def not_spreadsheets(self, paths: Any) -> None:
        """Files that are not spreadsheets: the campaign's deliverables by name; anything else is not ours."""
        for path in paths:
            rp = self.rel(path)
            name = PurePosixPath(rp).name
            d = self.campaign.named(name)
            if d is None:
                continue
            fs = FileSummary(rp, _digest(path), "", self.registry.sender(rp, "", by_name=True), date_in_text(name),
                             0, 0, 0, status="deliverable", deliverable=d.kind)
            self.deliverable(fs, d.kind)


def _start_clocks(r: _Read, b: _Builder, campaign: Campaign) -> tuple[dict[str, list[Clock]], dict[str, list[Clock]]]:
    """The clocks every event starts (by certificate) and the campaign items every bound unit owes."""
    registry, meta_unit = r.registry, r.meta_unit

    def unit_of(ev: Event) -> str:
        v = ev.values
        return registry.canonical(v.get("unit") or v.get("reporting_unit") or meta_unit.get(ev.path, ""))

    runs = campaign.ruleset.key in b.jur.enabled
    maker = ClockMaker(r.events, b.cal, b.report_days, b.entry_days, unit_of, campaign if runs else None)
    clocks: dict[str, list[Clock]] = {}
    applies = b.jur.set_applies
    for ev in r.events:
        started = maker.clocks_of(ev)
        if started:  # an obligation of a rule set that does not judge the unit is never owed (SPEC 6)
            started = [c for c in started if applies(KINDS[c.kind].ruleset.key, c.unit, ev.path)]
            if started:
                clocks.setdefault(ev.cert, []).extend(started)
    units: dict[str, list[Clock]] = {}
    for full, must in registry.must.items():
        # owed only by the units the campaign binds: its rule set judges them (SPEC 6) and they match its units
        if must and runs and campaign.binds(full) and b.jur.set_applies(campaign.ruleset.key, full):
            rp, rec = registry.rows[full]
            units[full] = [Clock(d.kind, full, d.owed, d.owed_en, None, d.due, None,
                                 r.received.get(full, {}).get(d.kind, []), path=rp, sheet=rec.sheet, row=rec.row,
                                 until=campaign.end)
                           for d in campaign.deliverables]
    return clocks, units


def _fold(events: list[Event], b: _Builder, wanted: set[str] | None = None) -> dict[str, Account]:
    """The events (oldest first) folded into one account per certificate (``wanted``: only those)."""
    accounts: dict[str, Account] = {}
    for ev in events:
        if wanted is not None and ev.cert not in wanted:
            continue
        acc = accounts.get(ev.cert)
        if acc is None:
            acc = accounts[ev.cert] = Account(ev.cert)
        acc.apply(ev, b.add_at)
    for acc in accounts.values():
        if len(acc.events) == 1:  # most certificates: a list of one, not the four places append made
            acc.events = [acc.events[0]]
    return accounts


def build_docket(ws: Any, cfg: Any = None, *, calendar: Any = None) -> Docket:
    """What ``certctl overdue`` needs of the model, before any day judges it: every certificate's
    clocks with what its colour is judged from, and every bound unit's campaign items. Built by the
    same steps as :func:`build_model`; ``Docket.judge(day, calendar)`` gives the obligations of
    ``build_model(…, day)``, in the same order, with the same states — and the certificates' status and
    colour on every item of a certificate that has one needing attention (see :mod:`.docket`)."""
    with gc_paused():
        b = _Builder(ws, cfg, dt.date.today(), calendar)
        campaign = campaign_from_config(b.cfg)
        r = _read(ws, b, campaign)
        clocks, unit_clocks = _start_clocks(r, b, campaign)
        ids = {ev.id for ev in r.events if ev.cert in clocks}
        accounts = _fold(r.events, b, {ev.cert for ev in r.events if ev.id in ids})  # and their holders' other cards
        _cross_person(b, accounts, r.national)
        return _docket(b, clocks, accounts, unit_clocks, r)


def _docket(b: _Builder, clocks: dict[str, list[Clock]], accounts: dict[str, Account],
            unit_clocks: dict[str, list[Clock]], r: _Read) -> Docket:
    """The docket of the clocks (after the cross-person flags, before any day judges them)."""
    entries = {}
    for cert, cs in clocks.items():
        acc = accounts[cert]
        entries[cert] = DocketEntry(cs, acc.status, acc.facts, list(acc.flags), acc.incomplete())
    bad = [(f.path, f.read_error, f.read_error_en) for f in r.files if f.status == "unreadable"]
    return Docket(entries, unit_clocks, forms_read(r.files), bad, b.due_soon, b.annual_hours, b.new_field_hours)


def forms_read(files: list[FileSummary]) -> int:
    """Spreadsheets read as forms (readable or not; not duplicates, deliverables or certctl's outputs;
    a superseded version was read)."""
    return sum(1 for f in files if f.status not in ("duplicate", "deliverable", "output"))


def _problems(acc: Account) -> None:
    """The certificate's problems, one line each (the ledger's 问题 cell): the validation codes of its rows
    (warnings and errors) and the model's findings about it."""
    probs: dict[str, str] = {}
    for ev in acc.events:
        codes = ev.row_codes()
        if not codes:
            continue
        for c in codes:
            rule = R.RULES.get(c)
            if rule is None or rule.severity == R.INFO or c == "S007":  # S007: the model's, below
                continue
            probs.setdefault(c, f"{c} {rule.zh}（{ev.source}）")
    for f in acc.findings:
        if f.code == "X007":
            probs.setdefault("X007", f"X007 单位自报“{f.value}”，台账判定“{f.params.get('expected')}”")
        else:
            probs.setdefault(f.code, f"{f.code} {f.rule.zh}")
    if probs:
        acc.problem_codes = list(probs)
        acc.problems = list(probs.values())


def _digest(path: str) -> str:
    from ..reader import file_hash

    try:
        return file_hash(path)
    except OSError:
        return ""


def _reported_colours(b: _Builder, acc: Account) -> None:
    """S007: the unit's colour on a survey row against the model's on that row's date; X007: the latest
    survey's colour against the model's on as_of (while the certificate is in force)."""
    dual = [f for f in acc.flags if f[0] == "dual"]
    for snap in acc.snapshots:
        ev = snap.event
        colour, codes = judge_colour(snap.status, snap.facts, [*snap.flags, *dual], b.judge(acc.clocks, ev.date),
                                     snap.incomplete, b.annual_hours, b.new_field_hours)
        reported = snap.facts.reported_colour
        if colour and reported != colour:
            acc.add_finding(b.add_at(
                "S007", ev, "colour", "证件状态", reported, expected=colour, expected_en=COLOUR_EN.get(colour, colour),
                reason="、".join(reason_text(k, p, "zh") for k, p in codes) or "未发现问题",
                reason_en=", ".join(reason_text(k, p, "en") for k, p in codes) or "no problem found"))
    last = acc.snapshots[-1]
    reported = last.facts.reported_colour
    if acc.in_force and acc.colour and acc.facts is last.facts and reported != acc.colour:
        f = b.add_at("X007", last.event, None, "证件状态", reported, cert=acc.cert, expected=acc.colour,
                     expected_en=COLOUR_EN.get(acc.colour, acc.colour), reason="、".join(acc.reasons("zh")) or "未发现问题",
                     reason_en=", ".join(acc.reasons("en")) or "no problem found")
        acc.add_finding(f)


def _cross_person(b: _Builder, accounts: dict[str, Account], national: dict[str, tuple[str, str]],
                  every: bool = False) -> None:
    """X001 (a Jiangsu card and a ministry card) and X003 (in force under two units), per person: a
    person holding one card in force and not on the ministry list has neither (only the others are
    indexed: issue 15; ``every``: index every person, the plain reference the tests compare with)."""
    in_force = [acc for acc in accounts.values() if acc.in_force]
    several = {acc.id for acc in in_force} if every else _repeated([acc.id for acc in in_force])
    by_id: dict[str, list[Account]] = {}
    for acc in in_force:
        if acc.id in several or acc.id in national:
            by_id.setdefault(acc.id, []).append(acc)
    del in_force
    for pid in sorted(set(by_id) | set(national)):
        held = sorted(by_id.get(pid, []), key=lambda c: c.cert)
        # Qidong 二 forbids a ministry-card holder the *Jiangsu* card: a card of a unit the Qidong set
        # judges, never one known only from a Shaanxi survey (SPEC 3, 6)
        prov = [c for c in held if c.category != "国家部委" and _jiangsu(b, c)]
        nat = [c for c in held if c.category == "国家部委"]
        if prov and (nat or pid in national):
            p = prov[0]
            last = p.events[-1]
            other_cert, other_src = (nat[0].cert, nat[0].events[-1].source) if nat else national[pid]
            f = b.add("X001", last.path, last.sheet, last.row, None, "身份证号码", pid, True,
                      id=pid, cert=p.cert, cert2=other_cert, other=other_src)
            for c in prov + nat:
                c.add_finding(f)
                c.add_flag("dual")
        units: dict[str, Account] = {}
        for c in prov:
            if c.unit:
                units.setdefault(compact(c.unit), c)
        if len(units) > 1:
            first, *rest = list(units.values())
            for c in rest:
                last = c.events[-1]
                f = b.add("X003", last.path, last.sheet, last.row, None, "身份证号码", pid, True,
                          id=pid, unit=first.unit, unit2=c.unit, other=first.events[-1].source)
                first.add_finding(f)
                c.add_finding(f)


def _repeated(keys: list[str]) -> set[str]:
    """The keys found more than once (sorted in place: no dict of them all)."""
    keys.sort()
    return {a for a, b in zip(keys, keys[1:]) if a == b}


def _jiangsu(b: _Builder, c: Account) -> bool:
    """Is ``c`` a card the Qidong notice governs (a unit it judges; not only a Zhashui survey row)?"""
    if all(ev.family == "survey" for ev in c.events):
        return False
    last = c.events[-1]
    return b.jur.applies("X001", c.unit or b.path_unit.get(last.path, ""), last.path)


def _unit_cells(res: Any) -> Iterable[tuple]:
    """The unit names of a form R001/R002 check, in order: (path, sheet, row, col, field, name)."""
    if res.read_error is not None or not res.sheets:
        return
    if set(res.family.split("+")) & {"registry", "national"}:
        return
    if res.meta.unit and res.meta.found:
        yield res.path, res.sheets[0].sheet, res.meta.row, 0, "填报单位", res.meta.unit
    for s in res.sheets:
        for key in ("unit", "orig_unit"):
            if key not in s.colmap:
                continue
            col = s.spec.column(key)
            title = col.title if col else key
            for rec in s.records:
                yield res.path, rec.sheet, rec.row, s.colmap[key], title, rec.values.get(key) or ""


def _first_unit_cells(res: Any) -> list[tuple]:
    """:func:`_unit_cells`, each name once per field: the only ones :func:`_registry_checks` reports."""
    out: dict[tuple[str, str], tuple] = {}
    for cell in _unit_cells(res):
        if cell[5]:
            out.setdefault((cell[4], compact(cell[5])), cell)
    return list(out.values())


def _registry_checks(b: _Builder, results: list[Any], reg: Registry, taken: dict[str, list[tuple]]) -> None:
    """R001 (a 简称 where the full name is required) and R002 (a unit not in the registry); ``taken``:
    the unit names of forms whose records were let go (:func:`_first_unit_cells`)."""
    seen: set[tuple[str, str, str]] = set()
    for res in results:
        cells = taken.get(res.path)
        for path, sheet, row, col, fld, name in (cells if cells is not None else _unit_cells(res)):
            if not name:
                continue
            k = compact(name)
            key = (path, fld, k)
            if key in seen:
                continue
            seen.add(key)
            if k in reg.full:
                continue
            if k in reg.short:
                b.add("R001", path, sheet, row, col, fld, name, expected=reg.short[k])
            else:
                b.add("R002", path, sheet, row, col, fld, name)


HOLDING = frozenset((*IN_FORCE, REPLACED, REISSUED))


def _holders(certs: list[Account], every: bool = False) -> dict[str, int]:
    """unit -> how many holders: a person holds where a card of theirs is in force; a person without
    one whose latest change is a replacement or reissue is a holder of that certificate's unit (the new
    card is on its way: an annex 3 moves the holder to the new unit at once). A person with one card is
    counted at once; only those with several are indexed (issue 15; ``every``: index every person, the
    plain reference the tests compare with)."""
    several = {c.id for c in certs} if every else _repeated([c.id for c in certs])
    count: dict[str, int] = {}
    by_id: dict[str, list[Account]] = {}
    for c in certs:
        if c.id in several:
            by_id.setdefault(c.id, []).append(c)
        elif c.status in HOLDING and c.unit:  # the usual case: one card
            count[c.unit] = count.get(c.unit, 0) + 1
    out: dict[str, set[str]] = {}
    for pid, accs in by_id.items():
        if len(accs) == 1:  # the usual case: one card
            live = accs if accs[0].status in HOLDING else []
        else:
            live = [c for c in accs if c.in_force]
        if not live and len(accs) > 1:
            latest = max(accs, key=lambda c: c.events[-1].sort_key())
            if latest.status in (REPLACED, REISSUED):
                live = [latest]
        for c in live:
            if c.unit:
                out.setdefault(c.unit, set()).add(pid)
    for unit, pids in out.items():
        count[unit] = count.get(unit, 0) + len(pids)
    return count


def _units(certs: list[Account], reg: Registry, sent: dict[str, list[FileSummary]],
           items: dict[str, list[Obligation]], campaign: Campaign) -> list[UnitAccount]:
    out: dict[str, UnitAccount] = {}

    def get(name: str) -> UnitAccount:
        full = reg.canonical(name)
        u = out.get(full)
        if u is None:
            u = out[full] = UnitAccount(full)
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
        u.states[c.status] = u.states.get(c.status, 0) + 1
        u.count(c.colour)
        if c.clocks:  # judged again on another day (units_on)
            u.judged.append(c.cert)
        elif c.colour:
            u.day_free[c.colour] = u.day_free.get(c.colour, 0) + 1
    for unit, n in _holders(certs).items():
        get(unit).holders += n
    for unit, fss in sent.items():
        if not unit:
            continue
        u = get(unit)
        for fs in fss:
            u.forms += 1
            if fs.form_date and (u.last_form_date is None or fs.form_date > u.last_form_date):
                u.last_form_date = fs.form_date
    for unit, obs in items.items():
        get(unit).owes(obs, campaign)
    return sorted(out.values(), key=lambda u: u.unit)


__all__ = ["Model", "FileSummary", "build_model", "build_docket"]
