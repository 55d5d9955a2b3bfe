"""certctl — 行政执法证件管理表格工具 (validate, merge, deadlines).

The library is usable from Python; the CLI in :mod:`certctl.cli` is a thin layer over it.
"""

__version__ = "0.1.0"
