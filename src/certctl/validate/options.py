"""What validation needs from the config file and the command line."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from ..workdays import WorkCalendar


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
    jurisdiction: Any = None  # certctl.jurisdiction.Jurisdiction: which rule sets run where (None: all, everywhere)
    followup_due: dt.date = dt.date(2024, 6, 30)  # the campaign's end of 自查自纠 (T004; config [campaign])
    campaign_end: dt.date | None = dt.date(2024, 7, 31)  # the campaign's end (T004 for a holder who left after 自查自纠)
    cert_patterns: dict[str, str] = field(default_factory=dict)
    calendar: Any = None  # workdays.WorkCalendar; created on first use when None
    today: dt.date | None = None

    @classmethod
    def from_config(cls, cfg: Any, **overrides: Any) -> "Options":
        """Build options from a :class:`certctl.config.Config` (or None for defaults)."""
        opts = cls()
        if cfg is not None:
            opts.lang = getattr(cfg, "lang", opts.lang)
            _copy(getattr(cfg, "deadlines", None), opts, report_days="report_days", due_soon_days="due_soon_days")
            _copy(getattr(cfg, "training", None), opts, annual_hours="annual_hours", new_field_hours="new_field_hours")
            _copy(getattr(cfg, "age", None), opts, min_age="min", warn_over_age="warn_over")
            rules = getattr(cfg, "rules", None)
            if rules is not None:
                opts.disabled = frozenset(getattr(rules, "disable", ()) or ())
            if hasattr(cfg, "jurisdiction"):
                opts.jurisdiction = cfg.jurisdiction()
            camp = getattr(cfg, "campaign", None)
            if camp is not None:
                opts.followup_due = getattr(camp, "followup_due", opts.followup_due)
                opts.campaign_end = getattr(camp, "end", opts.campaign_end)
            opts.cert_patterns = dict(getattr(cfg, "cert_patterns", None) or {})
            opts.calendar = _calendar_of(cfg)
        for k, v in overrides.items():
            if v is not None:
                setattr(opts, k, v)
        return opts

    def get_calendar(self) -> Any:
        if self.calendar is None:
            self.calendar = WorkCalendar()
        return self.calendar


def _copy(section: Any, opts: Options, **names: str) -> None:
    """opts.<option> = section.<name> for each option=name given, where the section has it."""
    if section is None:
        return
    for option, name in names.items():
        setattr(opts, option, getattr(section, name, getattr(opts, option)))


def _calendar_of(cfg: Any) -> Any:
    # certctl.config (and with it pydantic, ~80 ms) is imported only by a caller that holds a config
    # already; `import certctl.validate` alone does not pull it in.
    from ..config import make_calendar

    try:
        return make_calendar(cfg)
    except Exception:
        return None
