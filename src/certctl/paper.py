"""What every workbook certctl writes with openpyxl shares on paper (issue 14): A4 landscape, one page
wide and as many pages tall as needed, the header row repeated on each page, page numbers in the footer,
and row heights that show a wrapped cell whole (Excel and LibreOffice keep a stored row height; neither
grows a row for wrapped text when opening a file).

The ledger, written by its own streaming XML writer, puts the same setup into its XML
(:mod:`certctl.ledger_xlsx`).
"""

from __future__ import annotations

import unicodedata
from typing import Any

PAGE_TEXT = {"zh": "第 &P 页 共 &N 页", "en": "Page &P of &N"}
LINE_PT = 16.0  # points per line of 11-point text (LibreOffice's lines are taller than Excel's 14.25)


def page_text(lang: str) -> str:
    return PAGE_TEXT["en"] if lang == "en" else PAGE_TEXT["zh"]


def text_width(text: str) -> int:
    """Width in Excel columns: wide (CJK) and full-width characters count 2."""
    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in text)


def text_lines(text: Any, width: int) -> int:
    """Lines ``text`` takes in a wrapped cell ``width`` Excel columns wide."""
    width = max(width, 1)
    return sum(max(1, -(-text_width(part) // width)) for part in str(text).split("\n"))


def row_height(lines: int, size: float = 11) -> float:
    """Row height in points for ``lines`` lines of ``size``-point text (Excel stops at 409)."""
    return min(409.0, round(lines * LINE_PT * size / 11 + 4, 1))


def print_setup(ws: Any, title_rows: str | None, area: str | None, lang: str, *, side_margin: float = 0.4) -> None:
    """A4 landscape, one page wide and as many tall as needed, ``title_rows`` ("4:4") repeated on each
    page, ``area`` ("A1:I20") printed, page numbers centred in the footer (an existing footer is kept)."""
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_margins.left = ws.page_margins.right = side_margin
    ws.page_margins.top = ws.page_margins.bottom = 0.6
    ws.page_margins.header = ws.page_margins.footer = 0.3
    if title_rows:
        ws.print_title_rows = title_rows
    if area:
        ws.print_area = area
    if not ws.oddFooter.center.text:
        ws.oddFooter.center.text = page_text(lang)
