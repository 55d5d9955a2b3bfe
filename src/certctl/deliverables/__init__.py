"""The bureau's own deliverables in the cleanup campaign (issue 18), all read from the model.

- :mod:`.cases` — every problem the Zhashui survey looks for (柞政司发〔2024〕52号 三.2: non-staff holders,
  left post but not revoked, over the staffing quota or enforcement posts, old-version cards; 三.4:
  training short), one :class:`~.cases.Case` each, with its source cell, deadline and state;
- :mod:`.statistics` — the cases counted per unit and category (pandas pivot): found, resolved, still
  open, overdue, with holders, quota and posts — a sheet and a section of ``certctl report``;
- :mod:`.revocation` — 待注销/收回清单, one printable sheet per unit;
- :mod:`.roster` — the cross-check roster for 编办 / 组织部 / 人社局 (四.2);
- :mod:`.summary` — the draft campaign summary in Chinese (二 第三阶段), every figure computed here.

``certctl cleanup`` writes the list, the roster and the draft; ``certctl report`` carries the statistics.
"""

from .cases import CATEGORIES, Case, Category, CleanupCases, collect_cases
from .statistics import CleanupStats, cleanup_statistics

__all__ = ["CATEGORIES", "Case", "Category", "CleanupCases", "collect_cases", "CleanupStats", "cleanup_statistics"]
