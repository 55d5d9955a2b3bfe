"""The master ledger (合并台账, SPEC 5): the model of the workspace (:mod:`certctl.model`), as the
ledger's sheets show it.

``build_ledger(ws, cfg, as_of)`` is :func:`certctl.model.build_model` — one account per certificate
(events, state, unit, obligations, 红黄绿, problems), per unit, per file, and the findings. Nothing
about a certificate is derived here: ``overdue`` and ``report`` read the same model and give the same
answers. Writing the workbook is
in :mod:`certctl.ledger_xlsx`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Iterable

from . import rules as R
from .findings import Finding
from .model import build_model
from .model.accounts import COLOUR_EN, GREEN, REASONS, RED, YELLOW, Account
from .model.build import FileSummary, Model
from .model.events import (CERT_KINDS, E_ENTER, E_LOSS, E_MODIFY, E_REISSUE, E_REPLACE, E_REVOKE, E_SIGN, E_SURVEY,
                           EVENT_EN, EVENT_KINDS, IN_FORCE, LOST, REFERENCE_KINDS, REISSUED, REPLACED, REVOKED,
                           STATUS_EN, STATUSES, VALID, Event, source_text)
from .model.units import UnitAccount

# the ledger's names for the model's types
Ledger = Model
CertState = Account
UnitSummary = UnitAccount
ACTIVE = IN_FORCE

__all__ = [
    "build_ledger", "Ledger", "CertState", "UnitSummary", "FileSummary", "Event", "MergeSummary", "merge_summary",
    "finding_message", "source_text", "summarize", "totals_text", "split_tables", "split_text", "STATUSES",
    "STATUS_EN", "EVENT_KINDS",
    "EVENT_EN", "COLOUR_EN", "REASONS", "RED", "YELLOW", "GREEN", "VALID", "REVOKED", "REPLACED", "REISSUED", "LOST",
    "CERT_KINDS", "REFERENCE_KINDS", "E_SIGN", "E_ENTER", "E_MODIFY", "E_REVOKE", "E_REPLACE", "E_LOSS",
    "E_REISSUE", "E_SURVEY",
]


def build_ledger(ws: Any, cfg: Any = None, as_of: dt.date | None = None, *, calendar: Any = None,
                 release: bool = False) -> Model:
    """The model of ``ws`` on ``as_of`` (default today), with everything the ledger shows; ``release``:
    see :func:`certctl.model.build_model`."""
    return build_model(ws, cfg, as_of, calendar=calendar, release=release)


@dataclass
class MergeSummary:
    """What ``certctl merge`` prints about a ledger (small; kept in the cache so an unchanged folder
    can be reported without rebuilding): the files, the totals and the cross-form findings."""

    files: list[FileSummary]
    totals: dict[str, int]
    cross: list[tuple[str, Finding]]  # (path relative to the root, finding)
    # the errors of files with errors, for the terminal (issue 14): (path relative to the root, finding,
    # the name of the person on its row or ""), at most PROBLEMS_SHOWN a file
    problems: list[tuple[str, Finding, str]] = field(default_factory=list)
    split: list[list[Any]] = field(default_factory=list)  # [table, rows, [sheet names]] of each split table
    # the name of the person each cross-form finding's row is about ("" when the row names nobody), so
    # the clerk who phones the unit knows whom to ask about (issue 14); parallel to ``cross``
    cross_names: list[str] = field(default_factory=list)
    # errors on the terminal no longer counted because a corrected version retired them (the row it corrects
    # holds the fact; its deadline judged on the first version's date): shown apart, as ``problems``
    retired: list[tuple[str, Finding, str]] = field(default_factory=list)


CROSS_CODES = ("X001", "X002", "X003", "X004")
_STATE_KEYS = {VALID: "valid", REVOKED: "revoked", REPLACED: "replaced", REISSUED: "reissued", LOST: "lost"}


def merge_summary(ledger: Model) -> MergeSummary:
    colours = ledger.colours()
    files = ledger.files
    totals = {
        "files": len(files),
        "rows_read": sum(f.rows_read for f in files),
        "rows_merged": sum(f.rows_merged for f in files),
        "rows_rejected": sum(f.rows_rejected for f in files),
        "rows_superseded": sum(f.rows_superseded for f in files),
        "unreadable": sum(1 for f in files if f.status == "unreadable"),
        "duplicates": sum(1 for f in files if f.status == "duplicate"),
        "deliverables": sum(1 for f in files if f.status == "deliverable"),
        "certificates": len(ledger.certificates),
        "red": colours[RED], "yellow": colours[YELLOW], "green": colours[GREEN],
        "errors": ledger.errors, "warnings": ledger.warnings,
    }
    for state, n in ledger.states().items():
        totals[_STATE_KEYS[state]] = n
    cross = [(ledger.rel(f.path), f) for f in ledger.findings if f.code in CROSS_CODES]
    return MergeSummary(list(files), totals, cross, split=split_tables(ledger),
                        cross_names=_row_names(ledger, [f for _, f in cross]))


def _row_names(ledger: Model, findings: list[Finding]) -> list[str]:
    """The 姓名 on the row each finding points at, from the events read off those rows ("" when none)."""
    wanted = {(f.path, f.sheet, f.row) for f in findings if f.row is not None}
    names: dict[tuple[str, str | None, int], str] = {}
    if wanted:
        for ev in ledger.events:
            key = (ev.path, ev.sheet, ev.row)
            if key in wanted and ev.name and key not in names:
                names[key] = ev.name
    return [names.get((f.path, f.sheet, f.row), "") if f.row is not None else "" for f in findings]


def split_tables(ledger: Model, max_rows: int | None = None) -> list[list[Any]]:
    """[table, rows, [sheet names]] of each of the ledger's tables too long for one sheet (SPEC 5)."""
    from .ledger_xlsx import MAX_ROWS, sheet_parts

    counts = {"证件台账": len(ledger.accounts), "期限事项": len(ledger.obligations), "变动记录": len(ledger.events),
              "问题清单": len(ledger.findings), "单位汇总": len(ledger.units), "来源文件": len(ledger.files)}
    out = []
    for name, n in counts.items():
        parts = sheet_parts(name, n, max_rows or MAX_ROWS)
        if len(parts) > 1:
            out.append([name, n, [p for p, _ in parts]])
    return out


def split_text(split: list[list[Any]], lang: str = "zh") -> str:
    """One line saying which tables went on several sheets ('' when none did)."""
    if not split:
        return ""
    if lang == "en":
        return ("Sheets hold at most 1,048,576 rows (Excel, WPS, LibreOffice): "
                + "; ".join(f"{name} ({n:,} rows) continues on {', '.join(parts[1:])}" for name, n, parts in split) + ".")
    return ("一个工作表最多 1,048,576 行（Excel、WPS、LibreOffice 均如此）："
            + "；".join(f"{name}（{n:,} 行）分在 {'、'.join(parts)} {len(parts)} 个工作表中" for name, n, parts in split) + "。")


def totals_text(t: dict[str, int], lang: str = "zh") -> str:
    """The merge's one-line summary of the files, rows, certificates (by state and colour) and findings."""
    if lang == "en":
        from .render import counted

        states = ", ".join(f"{_STATE_KEYS[s]} {t.get(_STATE_KEYS[s], 0)}" for s in STATUSES if t.get(_STATE_KEYS[s]))
        return (f"{t['files']} files ({t['unreadable']} unreadable, {t['duplicates']} duplicates, "
                f"{t.get('deliverables', 0)} deliverables); rows read {t['rows_read']} = merged {t['rows_merged']} + "
                f"rejected {t['rows_rejected']}"
                + (f" + sent again or superseded by a correction {t['rows_superseded']}" if t.get("rows_superseded") else "")
                + f"; {t['certificates']} certificates" + (f" ({states})" if states else "") + f": red {t['red']}, "
                f"yellow {t['yellow']}, green {t['green']}; {counted(t['errors'], 'error')}, {counted(t['warnings'], 'warning')}.")
    states = "，".join(f"{s} {t.get(_STATE_KEYS[s], 0)}" for s in STATUSES if t.get(_STATE_KEYS[s]))
    return (f"共 {t['files']} 个文件（无法读取 {t['unreadable']}，重复 {t['duplicates']}，交付材料 {t.get('deliverables', 0)}）；"
            f"读取 {t['rows_read']} 行 = 并入 {t['rows_merged']} + 未并入 {t['rows_rejected']}"
            + (f" + 重复报送或被更正版取代 {t['rows_superseded']}" if t.get("rows_superseded") else "") + "；"
            f"证件 {t['certificates']} 本" + (f"（{states}）" if states else "") + f"：红 {t['red']}，黄 {t['yellow']}，绿 {t['green']}；"
            f"错误 {t['errors']}，警告 {t['warnings']}。")


# ------------------------------------------------------------------------------------ messages
def superseded_note(fs: Any, lang: str = "zh") -> str:
    """What a merged file's status adds when some of its rows were not counted because another version
    from the unit holds their fact (sent again, or corrected): rows read = merged + rejected + these."""
    n = getattr(fs, "rows_superseded", 0)
    if not n or fs.status not in ("ok", "errors"):
        return ""
    if lang == "en":
        return f"; {n} rows the same as, or corrected by, another version from the unit: not counted twice"
    return f"；另有 {n} 行与本单位另一版本相同或已被其更正，不重复计入"


def finding_message(f: Finding, lang: str = "zh", show_id: bool = False) -> str:
    """Finding.message, with merge findings' language-specific parameters (``*_en``) honoured."""
    if lang == "en" and any(k.endswith("_en") for k in f.params):
        p = dict(f.params)
        for k in list(p):
            if k.endswith("_en"):
                p[k[:-3]] = p[k]
        f = Finding(f.code, f.path, f.sheet, f.row, f.col, f.field, f.value, p, f.sensitive, f.severity_override)
    return f.message(lang, show_id)


def summarize(findings: Iterable[Finding]) -> dict[str, int]:
    out = {R.ERROR: 0, R.WARNING: 0, R.INFO: 0}
    for f in findings:
        out[f.severity] += 1
    return out
