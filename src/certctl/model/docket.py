"""The docket: the model's obligations before any day judges them — what ``certctl overdue`` needs.

Every clock of the model (:mod:`.clocks`) is fixed by the forms: who owes what since which event, the
deadline, what discharged it and when. Only its state depends on the day. A :class:`Docket` holds, per
certificate with clocks, the clocks and what the certificate's colour is judged from (state, latest
survey facts, red flags, missing data), and per bound unit its campaign items; ``judge(day)`` gives
the obligations on that day, each certificate's that need attention carrying its 证件状态 and 红黄绿 —
the same objects, states and colours :func:`certctl.model.build_model` gives for that day, by the same
functions (:func:`.clocks.evaluate`, :func:`.accounts.judge_colour`).

Because it does not depend on the day, a docket can be kept (``certctl overdue`` keeps it in its cache,
:mod:`certctl.cache`, keyed by the forms folder, the forms, the options and the config): a new day's
run judges it again without reading a single form.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from .accounts import Facts, Reason, judge_colour
from .clocks import ATTENTION, Action, Clock, Counts, Obligation, judge, sort_key


@dataclass(slots=True)
class DocketEntry:
    clocks: list[Clock]
    status: str
    facts: Facts | None
    flags: list[Reason]
    incomplete: list[str]


_CLOCK_FIELDS = ("kind", "unit", "owed", "owed_en", "since", "deadline", "start", "actions", "name", "id", "cert",
                 "path", "sheet", "row", "until")
_FACT_FIELDS = ("held", "category", "version", "person_type", "post_status", "leave_date", "hours",
                "new_field_hours", "reported_colour", "hours_final")


@dataclass
class Docket:
    certs: dict[str, DocketEntry]  # certificate number -> its clocks and colour inputs
    units: dict[str, list[Clock]]  # bound unit -> its campaign items
    forms: int  # spreadsheets read as forms
    unreadable: list[tuple[str, str, str]]  # (path relative to the root, reason zh, reason en)
    due_soon_days: int
    annual_hours: float
    new_field_hours: float

    def judge(self, day: dt.date, cal: Any) -> list[Obligation]:
        """Every obligation owed on ``day``, sorted (overdue first)."""
        out: list[Obligation] = []
        cal = Counts(cal)
        for entry in self.certs.values():
            obs = judge(entry.clocks, day, cal, self.due_soon_days)
            if any(o.state in ATTENTION for o in obs):
                colour, _ = judge_colour(entry.status, entry.facts, entry.flags, obs, entry.incomplete,
                                         self.annual_hours, self.new_field_hours)
                for o in obs:
                    o.status, o.colour = entry.status, colour
            out.extend(obs)
        for clocks in self.units.values():
            out.extend(judge(clocks, day, cal, self.due_soon_days))
        out.sort(key=sort_key)
        return out

    def colours(self, day: dt.date, cal: Any) -> dict[str, str]:
        """Every certificate's 红黄绿 on ``day``, judged from its obligations on that day (as the model does)."""
        counts = Counts(cal)
        out = {}
        for cert, entry in self.certs.items():
            obs = judge(entry.clocks, day, counts, self.due_soon_days)
            out[cert], _ = judge_colour(entry.status, entry.facts, entry.flags, obs, entry.incomplete,
                                        self.annual_hours, self.new_field_hours)
        return out

    def unit_items(self, day: dt.date, cal: Any) -> dict[str, list[Obligation]]:
        """Each bound unit's campaign items on ``day``."""
        counts = Counts(cal)
        return {unit: judge(clocks, day, counts, self.due_soon_days) for unit, clocks in self.units.items()}

    # kept in the cache as plain tuples (the actions' places as text): 10^5 clocks load in a blink
    def __getstate__(self) -> dict[str, Any]:
        state = dict(self.__dict__)
        state["certs"] = {cert: ([_clock_tuple(c) for c in e.clocks], e.status,
                                 None if e.facts is None else tuple(getattr(e.facts, f) for f in _FACT_FIELDS),
                                 e.flags, e.incomplete)
                          for cert, e in self.certs.items()}
        state["units"] = {u: [_clock_tuple(c) for c in cs] for u, cs in self.units.items()}
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        state = dict(state)
        state["certs"] = {cert: DocketEntry([_clock(t) for t in clocks], status, None if facts is None else Facts(*facts),
                                            flags, incomplete)
                          for cert, (clocks, status, facts, flags, incomplete) in state["certs"].items()}
        state["units"] = {u: [_clock(t) for t in cs] for u, cs in state["units"].items()}
        self.__dict__.update(state)


def _clock_tuple(c: Clock) -> tuple:
    return tuple([(a.date, a.where) for a in c.actions] if f == "actions" else getattr(c, f) for f in _CLOCK_FIELDS)


def _clock(t: tuple) -> Clock:
    c = Clock(*t)
    c.actions = [Action(d, w) for d, w in c.actions]
    return c
