"""The mark certctl leaves on the workbooks it writes, and how it recognises them among the forms.

A ledger, a report or an annotated copy saved next to the forms must not be read back as a form (its
rows would double). Each carries a hidden workbook-level defined name, ``certctl.output``, whose value
is the kind of output (``"ledger"``, ``"report"``, ``"annotated"``, ``"cleanup"``: 待注销收回清单 and
身份核查名单 of ``certctl cleanup``). A defined name lives in
``xl/workbook.xml``, which Excel, WPS, LibreOffice and openpyxl all keep when they save the file again,
and the reader already opens that part. A ledger written before the mark existed is recognised by its
sheets (证件台账 … 来源文件 together).
"""

from __future__ import annotations

import re
from typing import Any

NAME = "certctl.output"
KINDS = {"ledger": ("台账", "ledger"), "report": ("报告", "report"), "annotated": ("标注副本", "annotated copy"),
         "cleanup": ("专项清理材料", "cleanup document")}
_MARK = re.compile(rb'<(?:\w+:)?definedName\b[^>]*\bname="certctl\.output"[^>]*>\s*(?:&quot;|")(\w+)(?:&quot;|")\s*<')


def defined_name_xml(kind: str) -> str:
    """The ``<definedName>`` element of the mark, for a workbook.xml written by hand (the ledger)."""
    return f'<definedName name="{NAME}" hidden="1">&quot;{kind}&quot;</definedName>'


def mark_openpyxl(wb: Any, kind: str) -> None:
    """Put the mark on an openpyxl workbook before it is saved (the report, the annotated copy)."""
    from openpyxl.workbook.defined_name import DefinedName

    dn = DefinedName(NAME, attr_text=f'"{kind}"', hidden=True)
    try:
        wb.defined_names[NAME] = dn  # openpyxl >= 3.1
    except TypeError:  # pragma: no cover - older openpyxl
        wb.defined_names.append(dn)


def mark_in(workbook_xml: bytes) -> str | None:
    """The kind of certctl output a workbook.xml is marked as, or None."""
    if b"certctl.output" not in workbook_xml:
        return None
    m = _MARK.search(workbook_xml)
    return m.group(1).decode() if m and m.group(1).decode() in KINDS else None


def kind_label(kind: str, lang: str) -> str:
    zh, en = KINDS.get(kind, (kind, kind))
    return en if lang == "en" else zh
