"""Units: the registry of enforcement bodies (执法主体清单), who sent a file, and each unit's account —
its holders and certificates by state and colour, the forms it sent and the campaign items it owes."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import Any

from ..normalize import compact
from .accounts import GREEN, RED, YELLOW
from .clocks import Obligation


class Registry:
    """Full names, 简称 and 是否需报送 of the registry's units."""

    def __init__(self) -> None:
        self.full: dict[str, str] = {}  # compact(full) -> full
        self.short: dict[str, str] = {}  # compact(short) -> full
        self.must: dict[str, bool] = {}  # full -> must report
        self.rows: dict[str, Any] = {}  # full -> (rel path, record) of its first row
        self.present = False
        self._memo: dict[str, str] = {}

    def add(self, rec: Any, rel: str) -> None:
        full = rec.values.get("unit")
        if not full:
            return
        self.present = True
        self._memo.clear()
        self.full.setdefault(compact(full), full)
        self.rows.setdefault(full, (rel, rec))
        self.must[full] = self.must.get(full, False) or rec.values.get("must_report") == "是"
        short = rec.values.get("short")
        if short:
            for s in str(short).replace("，", ",").replace("、", ",").split(","):
                if compact(s):
                    self.short.setdefault(compact(s), full)

    def known(self, name: str) -> str | None:
        """The registry's full name for ``name`` (full name or 简称), else None."""
        k = compact(name) if name else ""
        return (self.full.get(k) or self.short.get(k)) if k else None

    def canonical(self, name: str) -> str:
        """The registry's full name for ``name``, else ``name`` as written."""
        if not name:
            return ""
        hit = self._memo.get(name)
        if hit is None:
            hit = self._memo[name] = self.known(name) or name
        return hit

    def _in_text(self, text: str) -> str | None:
        """The unit whose full name or 简称 appears in ``text`` (longest match wins)."""
        text = compact(text)
        best: tuple[int, str] | None = None
        for table in (self.full, self.short):
            for key, full in table.items():
                if key and key in text and (best is None or len(key) > best[0]):
                    best = (len(key), full)
        return best[1] if best else None

    def sender(self, rel: str, reporting_unit: str = "", by_name: bool = False) -> str:
        """The unit that sent a file: its 填报单位, else the nearest folder that names a registry unit,
        else (``by_name``, for files that are not forms) a unit named in its file name."""
        if reporting_unit:
            return self.canonical(reporting_unit)
        p = PurePosixPath(rel)
        for folder in reversed(p.parts[:-1]):
            hit = self.known(folder) or self._in_text(folder)
            if hit:
                return hit
        if by_name:
            return self._in_text(p.name) or ""
        return ""


def abbreviates(a: str, b: str) -> bool:
    """One unit name is the other's 简称 as offices write it: 启东市城管局 for 启东市城市管理局, 启东市市监局 for
    启东市市场监督管理局 — the same place and the same last character (局, 镇 …), the short name's characters
    in the full name in order, left out in two places or more. One block left out is another unit, not a
    简称 (启东市人民政府 in 启东市汇龙镇人民政府, 启东市城市管理局 in 启东市城市管理局执法大队局)."""
    a, b = compact(a or ""), compact(b or "")
    if a == b or not a or not b:
        return bool(a) and a == b
    short, full = (a, b) if len(a) < len(b) else (b, a)
    if len(short) < 4 or short[:2] != full[:2] or short[-1] != full[-1]:
        return False
    blocks, i, gap = 0, 0, False
    for ch in full:
        if i < len(short) and ch == short[i]:
            i += 1
            gap = False
        elif not gap:
            blocks, gap = blocks + 1, True
    return i == len(short) and blocks >= 2


def part_of(a: str, b: str) -> bool:
    """One unit is named after the other, as a team after its department (启东市城市管理局执法二中队 of
    启东市城市管理局): a department collects its teams' forms in one file, a team corrects its own rows."""
    a, b = compact(a or ""), compact(b or "")
    short, full = (a, b) if len(a) < len(b) else (b, a)
    return len(short) >= 5 and len(full) > len(short) and full.startswith(short)


@dataclass
class UnitAccount:
    unit: str
    holders: int = 0  # people holding a card of the unit (or awaiting its replacement)
    certificates: int = 0  # every certificate of the unit
    red: int = 0
    yellow: int = 0
    green: int = 0
    states: dict[str, int] = field(default_factory=dict)  # certificates by 证件状态
    forms: int = 0  # forms and deliverables the unit sent
    last_form_date: dt.date | None = None
    must_report: bool = False  # registry says 是
    in_registry: bool = False
    items: list[Obligation] = field(default_factory=list)  # campaign items it owes, on the day
    missing: list[str] = field(default_factory=list)  # deliverables past due and not received (labels)
    missing_en: list[str] = field(default_factory=list)
    # what certctl report --ledger judges the colours on another day from: the colours of the certificates
    # with no clock (the same on every day) and the certificates with clocks (judged on the day)
    day_free: dict[str, int] = field(default_factory=dict)  # 红 / 黄 / 绿 -> certificates
    judged: list[str] = field(default_factory=list)  # certificate numbers

    def count(self, colour: str, n: int = 1) -> None:
        """``n`` more certificates of ``colour`` (none for a closed card with nothing to do)."""
        if colour == RED:
            self.red += n
        elif colour == YELLOW:
            self.yellow += n
        elif colour == GREEN:
            self.green += n

    def owes(self, items: list[Obligation], campaign: Any) -> None:
        """The campaign items the unit owes on the day, and the deliverables past due (overdue)."""
        self.items = items
        late = [campaign.of_kind(o.kind) for o in items if o.state == "overdue"]
        self.missing = [d.label for d in late]
        self.missing_en = [d.label_en for d in late]


def units_on(units: list[UnitAccount], docket: Any, day: dt.date, cal: Any, campaign: Any) -> list[UnitAccount]:
    """``units`` (a model's, of any day) on ``day``: each certificate's colour and each unit's campaign
    items judged from ``docket`` (:meth:`certctl.model.docket.Docket.colours`, :meth:`~.Docket.unit_items`),
    by the functions the model judges them with — what ``build_model(…, day).units`` gives."""
    colours = docket.colours(day, cal)
    items = docket.unit_items(day, cal)
    out = []
    for u in units:
        v = UnitAccount(u.unit, u.holders, u.certificates, states=dict(u.states), forms=u.forms,
                        last_form_date=u.last_form_date, must_report=u.must_report, in_registry=u.in_registry,
                        day_free=u.day_free, judged=u.judged)
        for colour, n in u.day_free.items():
            v.count(colour, n)
        for cert in u.judged:
            v.count(colours[cert])
        if u.unit in items:
            v.owes(items[u.unit], campaign)
        out.append(v)
    return out
