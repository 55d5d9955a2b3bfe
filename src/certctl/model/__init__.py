"""One account of each certificate (issue 19): the model every reader of the forms shares.

``build_model(ws, cfg, as_of)`` reads a validated :class:`certctl.workspace.Workspace` once and gives
a :class:`Model`: per certificate an :class:`Account` — its dated events with their sources, its state
and unit, its obligations judged on ``as_of`` and its 红黄绿 with reasons — per unit a
:class:`UnitAccount` (holders, certificates by state and colour, what it sent, the campaign items it
owes), the files with their rows, and the cross-form findings. ``certctl merge`` writes it as the
ledger, ``certctl report`` sums it, ``certctl overdue`` judges its :class:`Docket` (the same clocks
before any day judges them, built by the same steps); none derives any of it again. See docs/model.md.
"""

from .accounts import COLOUR_EN, COLOURS, GREEN, RED, REASONS, YELLOW, Account, Facts, judge_colour
from .build import FileSummary, Model, build_docket, build_model
from .campaign import Campaign, Deliverable, campaign_from_config
from .docket import Docket
from .clocks import (KINDS, PENDING_STATES, STATE_LABELS, STATES, Action, Clock, Kind, Obligation, evaluate,
                     sort_key)
from .events import (EVENT_EN, EVENT_KINDS, IN_FORCE, STATUS_EN, STATUSES, Event, date_in_text, source_text)
from .rulesets import CERTCTL, CROSS_RULES, QIDONG_2020, RULESETS, ZHASHUI_2024, RuleSet
from .units import Registry, UnitAccount

__all__ = [
    "build_model", "build_docket", "Docket", "Model", "Account", "Facts", "UnitAccount", "FileSummary", "Event", "Obligation", "Clock",
    "Action", "Kind", "KINDS", "STATES", "PENDING_STATES", "STATE_LABELS", "evaluate", "sort_key", "judge_colour",
    "Campaign", "Deliverable", "campaign_from_config", "RuleSet", "RULESETS", "QIDONG_2020", "ZHASHUI_2024",
    "CERTCTL", "CROSS_RULES", "Registry", "STATUSES", "STATUS_EN", "IN_FORCE", "EVENT_KINDS", "EVENT_EN",
    "COLOURS", "COLOUR_EN", "RED", "YELLOW", "GREEN", "REASONS", "date_in_text", "source_text",
]
