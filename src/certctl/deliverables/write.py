"""``certctl cleanup``'s files for a date: the revocation list, the cross-check roster and the draft summary,
each written to a temporary file beside it and renamed into place (a re-run for the same date replaces
that date's files and nothing else), with the mode of personal-data files."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import Any

from ..atomic import atomic_write
from ..outputs import write_text
from . import revocation, roster, summary
from .statistics import CleanupStats, cleanup_statistics

NAMES = ("待注销收回清单-{d}.xlsx", "身份核查名单-{d}.xlsx", "专项清理工作总结草稿-{d}.md")
TITLES = (revocation.TITLE, roster.TITLE)  # (zh, en) document titles of the two workbooks


def cleanup_paths(out_dir: str | os.PathLike[str], day: dt.date) -> list[Path]:
    """[revocation list, roster, draft summary] for ``day`` in ``out_dir``."""
    return [Path(out_dir) / n.format(d=day.isoformat()) for n in NAMES]


def write_cleanup(model: Any, ws: Any, cfg: Any, out_dir: str | os.PathLike[str], lang: str = "zh",
                  show_id: bool = False, calendar: Any = None, stats: CleanupStats | None = None) -> list[Path]:
    """Write the three files for ``model.as_of``; returns their paths."""
    stats = stats if stats is not None else cleanup_statistics(model, ws, cfg, calendar)
    rev, ros, draft = cleanup_paths(out_dir, model.as_of)
    atomic_write(rev, lambda p: revocation.render_revocation(stats.cases, p, lang, show_id))
    atomic_write(ros, lambda p: roster.render_roster(model, p, lang, show_id))
    write_text(draft, summary.render_summary(model, stats))
    return [rev, ros, draft]


def is_cleanup_output(sheets_props: tuple[list[str], dict[str, str]] | None, head: str | None) -> bool:
    """Whether an existing file is one of these outputs: a workbook certctl wrote under one of the titles,
    or the draft summary (its first line)."""
    if sheets_props is not None:
        props = sheets_props[1]
        return props.get("creator") == "certctl" and props.get("title", "") in {t for pair in TITLES for t in pair}
    if head is None:
        return False
    return head == "" or head.splitlines()[0] == f"# {summary.TITLE}"
