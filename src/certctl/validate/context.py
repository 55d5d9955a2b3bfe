"""The state of checking one file: its options, its metadata, and the findings gathered so far."""

from __future__ import annotations

import datetime as dt
from typing import Any

from .. import rules as R
from ..findings import Finding
from .options import Options
from .results import Metadata


class FileCheck:
    """Collects the findings of one file. A rule switched off in the config (``rules.disable``), or of
    a rule set that does not run for the file's unit (``[rulesets]``, SPEC 6), is never recorded."""

    def __init__(self, path: str, opts: Options):
        self.path = path
        self.opts = opts
        self.lang = opts.lang
        self.meta = Metadata()
        self.findings: list[Finding] = []
        self.warned_years: set[int] = set()  # T005 is said once per year per file
        # duplicates are looked for across every sheet of a kind: kind -> one entry per sheet read
        self.seen_ids: dict[str, list[Any]] = {}  # kind -> rules.duplicates.Seen of each sheet
        self.seen_certs: dict[str, list[Any]] = {}
        self._sets: dict[str, frozenset[str]] = {}  # unit -> the rule sets that judge it

    def add(self, code: str, sheet: str | None = None, row: int | None = None, col: int | None = None,
            fld: str | None = None, value: str | None = None, *, sensitive: bool = False,
            severity: str | None = None, **params: Any) -> Finding | None:
        """Record a finding (None when its rule is switched off). ``row`` is the Excel row, ``col``
        the 0-based column; ``severity`` overrides the rule's own."""
        if code in self.opts.disabled:
            return None
        jur = self.opts.jurisdiction
        if jur is not None and not jur.rule_runs(code, self._sets_judging(jur)):
            return None
        override = severity if severity and severity != R.RULES[code].severity else None
        f = Finding(code, self.path, sheet, row, col, fld, value, params, sensitive, override)
        self.findings.append(f)
        return f

    def _sets_judging(self, jur: Any) -> frozenset[str]:
        """The rule sets that judge this file's unit (asked once per unit, not once per finding)."""
        unit = self.meta.unit or ""
        sets = self._sets.get(unit)
        if sets is None:
            sets = self._sets[unit] = jur.sets_for(unit, self.path)
        return sets

    @property
    def reference_date(self) -> dt.date:
        """The day ages and running deadlines are judged on: the form's 填报时间, else today."""
        return self.meta.date or self.opts.today or dt.date.today()
