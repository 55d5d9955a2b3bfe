"""Value normalisers: whitespace, invisible characters, full-width forms, dates, phones, names.

Each normaliser is a pure function that never raises on any input; it returns the cleaned value and,
where useful, what went wrong, so rules can turn that into a finding.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from functools import lru_cache

# Characters that are invisible in Excel/WPS but break equality: NBSP, zero-width spaces/joiners,
# BOM, soft hyphen, ideographic space is handled by NFKC (-> ' ').
_INVISIBLE = dict.fromkeys(
    map(ord, "\u00a0\u200b\u200c\u200d\u2060\ufeff\u00ad\u2028\u2029\u202f\u3000\t\r\n\v\f"), " "
)
_WS_RE = re.compile(r"\s+")
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def cell_text(value: object) -> str:
    """Any cell value as text, the way a clerk would read it (floats that are whole print as ints)."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float):
        if value != value:  # NaN
            return ""
        if value.is_integer() and abs(value) < 1e16:
            return str(int(value))
        return repr(value)
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0, 0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


@lru_cache(maxsize=65536)
def clean_text(text: str) -> str:
    """NFKC (full-width -> half-width), invisible characters to spaces, runs of space collapsed, trimmed."""
    if not text:
        return ""
    # controls go before NFKC: removed after, they could leave e + U+0301 uncomposed (not idempotent)
    t = unicodedata.normalize("NFKC", _CONTROL_RE.sub("", text.translate(_INVISIBLE)))
    return _WS_RE.sub(" ", t).strip()


@lru_cache(maxsize=65536)
def header_key(text: str) -> str:
    """Key used to compare header texts: no whitespace or line breaks, half-width, no required-markers."""
    t = clean_text(text).replace(" ", "").lower()
    if not t.isascii():  # dropping spaces / lower-casing can leave letter + mark uncomposed: settle it
        for _ in range(3):
            u = unicodedata.normalize("NFKC", t).lower()
            if u == t:
                break
            t = u
    t = t.replace("*", "").replace("※", "")
    t = t.rstrip(":")  # a label typed with a colon (姓名：) names the same column
    t = t.replace("/", "、").replace(",", "、")  # 录入归集/注销/修改情况: the notice's 、 typed another way
    if t[:4].isdigit() and t[4:6] == "年度":  # 2024年度培训学时: this year's, named by its number
        t = t[4:]
    # Different bracket styles all mean the same in headers.
    t = t.replace("[", "(").replace("]", ")").replace("【", "(").replace("】", ")")
    t = t.replace("〔", "(").replace("〕", ")")
    return t


# ASCII letters/digits and CJK unified ideographs: NFKC leaves them alone, nothing to clean
_PLAIN_RE = re.compile(r"[0-9A-Za-z\u4e00-\u9fff]+")


def compact(text: str) -> str:
    """clean_text with every space removed (used for codes, names, enumerations)."""
    if _PLAIN_RE.fullmatch(text):  # the usual name, ID or code: skip the cleaning (and the cache)
        return text
    return clean_text(text).replace(" ", "")


# --------------------------------------------------------------------------------------- names
_DOT_VARIANTS = str.maketrans({c: "·" for c in "•・‧∙⋅●．.﹒"})
_NAME_BAD_RE = re.compile(r"[0-9A-Za-z]")


def normalise_name(value: object) -> tuple[str, bool]:
    """Return (name, has_latin_or_digit). Spaces inside Chinese names (typed for alignment) are dropped;
    every middle-dot variant becomes U+00B7 as used in minority and transliterated names."""
    t = clean_text(cell_text(value))
    if re.search(r"[A-Za-z]\s+[A-Za-z]", t):
        name = t  # a Latin-script name keeps its spaces
    else:
        name = t.replace(" ", "")
        if not name.isascii():  # dropping spaces can join a letter and a combining mark
            name = unicodedata.normalize("NFKC", name)
    name = name.translate(_DOT_VARIANTS).strip("· ")  # a dot typed before a Latin name leaves its space
    return name, bool(_NAME_BAD_RE.search(name))


# --------------------------------------------------------------------------------------- phones
_MOBILE_RE = re.compile(r"^1[3-9]\d{9}$")
_LANDLINE_RE = re.compile(r"^0\d{2,3}\d{7,8}$")
_LOCAL_RE = re.compile(r"^[2-8]\d{6,7}$")
DASHES = "\u2010-\u2015\u2212"  # ‐ ‑ ‒ – — ― −, a character-class range: what a Chinese IME types for "-" (NFKC keeps them)
_DASHES_RE = re.compile(f"[{DASHES}]+")


def phone_ok(value: object) -> bool:
    """A mainland mobile (11 digits, 1[3-9]...) or a landline with area code; several numbers may be
    separated by / 、 , ; or spaces. Extensions (转 / - after 7-8 digits) are allowed."""
    t = clean_text(cell_text(value))
    if not t:
        return False
    if _one_phone(t):  # one number typed in groups: 138 1234 5678, +86 138 1234 5678
        return True
    parts = [p for p in re.split(r"[/、,;，；]|\s{1,}(?=[01(（+])", t) if p.strip()]
    if not parts:
        return False
    return all(_one_phone(p) for p in parts)


_PHONE_WORDS_RE = re.compile(r"\([^)\d]*\)|^[^\d(+]+|[^\d)]+$")  # (手机) (办) 电话： 办公室… : words around a number


def _one_phone(p: str) -> bool:
    p = re.sub(r"(转|ext\.?|分机)\s*\d+$", "", p.strip(), flags=re.I)
    p = _PHONE_WORDS_RE.sub("", p)
    p = _DASHES_RE.sub("", p).replace("(", "").replace(")", "").replace(" ", "").replace("-", "")
    if p.startswith("+86"):
        p = p[3:]
    elif p.startswith("86") and len(p) == 13:
        p = p[2:]
    return bool(_MOBILE_RE.match(p) or _LANDLINE_RE.match(p) or (len(p) > 12 and _LANDLINE_RE.match(p[:12])))


# --------------------------------------------------------------------------------------- dates
_EXCEL_EPOCH = dt.date(1899, 12, 30)
_YMD_RE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:\s*(?:T|\s)\s*\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$")
_COMPACT_RE = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_CN_DIGITS = {"〇": "0", "零": "0", "一": "1", "二": "2", "三": "3", "四": "4", "五": "5", "六": "6",
              "七": "7", "八": "8", "九": "9", "十": "10"}


class DateProblem(str):
    """Why a value is not a date: 'empty', 'format' (unreadable), 'impossible' (e.g. 2024-02-30)."""


QUOTES = "'‘’`"  # typed or exported in front of a value to keep it as text, as Excel's '320681…


def unquoted(text: str) -> str:
    """``text`` without the quote a system export or a paste left in front of it ('2024-05-20, '64,
    '320680000001: the mark that keeps a value as text in Excel, which Excel itself does not store)."""
    return text.lstrip(QUOTES).lstrip() if text[:1] in QUOTES else text


def parse_date(value: object) -> tuple[dt.date | None, str | None]:
    """Parse a cell into a date. Returns (date, None) or (None, problem) with problem one of
    'empty', 'format', 'impossible'. Never raises."""
    try:
        return _parse_date(value)
    except Exception:  # pragma: no cover - defensive: a normaliser must never raise
        return None, "format"


def _parse_date(value: object) -> tuple[dt.date | None, str | None]:
    if value is None or value == "":
        return None, "empty"
    if isinstance(value, dt.datetime):
        return value.date(), None
    if isinstance(value, dt.date):
        return value, None
    if isinstance(value, bool):
        return None, "format"
    if isinstance(value, (int, float)):
        if value != value:
            return None, "empty"
        v = float(value)
        if 1 <= v < 2958466 and not (19000101 <= v <= 21001231):
            return _EXCEL_EPOCH + dt.timedelta(days=int(v)), None
        return _from_parts_compact(str(int(v))) if v.is_integer() else (None, "format")
    text = unquoted(clean_text(str(value)))
    if not text:
        return None, "empty"
    text = text.replace("号", "日").replace("。", ".").rstrip(".")  # 2024。6。3: "." typed in a Chinese IME
    text = _DASHES_RE.sub("-", text)  # 2024—6—3: "-" typed in a Chinese IME, as in a phone number
    if any(c in text for c in "〇零一二三四五六七八九十") and "年" in text:
        text = _cn_numerals(text)
    m = _YMD_RE.match(text)
    if m:
        return _mk(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    m = _COMPACT_RE.match(text)
    if m:
        return _mk(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    if re.fullmatch(r"\d{5}(\.\d+)?", text):  # a serial typed or exported as text
        return _EXCEL_EPOCH + dt.timedelta(days=int(float(text))), None
    return None, "format"


def _from_parts_compact(s: str) -> tuple[dt.date | None, str | None]:
    m = _COMPACT_RE.match(s)
    if not m:
        return None, "format"
    return _mk(int(m.group(1)), int(m.group(2)), int(m.group(3)))


def _mk(y: int, m: int, d: int) -> tuple[dt.date | None, str | None]:
    if not (1900 <= y <= 2100) or not (1 <= m <= 12) or not (1 <= d <= 31):
        return None, "impossible" if 1900 <= y <= 2100 else "format"
    try:
        return dt.date(y, m, d), None
    except ValueError:
        return None, "impossible"


def _cn_numerals(text: str) -> str:
    """二〇二四年六月三日 -> 2024年6月3日 (digits one by one; 十 handled for months/days)."""
    def conv(seg: str) -> str:
        if "十" in seg:
            left, _, right = seg.partition("十")
            tens = int(_CN_DIGITS.get(left, "1")) if left else 1
            ones = int(_CN_DIGITS.get(right, "0")) if right else 0
            return str(tens * 10 + ones)
        return "".join(_CN_DIGITS.get(c, c) for c in seg)
    return re.sub(r"[〇零一二三四五六七八九十]+", lambda m: conv(m.group(0)), text)


# --------------------------------------------------------------------------------------- numbers
def parse_number(value: object) -> tuple[float | None, str | None]:
    """Hours and counts: numbers, or text like '24', '24.5', '24学时', '24小时'. ('empty'|'format')."""
    if value is None or value == "":
        return None, "empty"
    if isinstance(value, bool):
        return None, "format"
    if isinstance(value, (int, float)):
        if value != value:
            return None, "empty"
        return float(value), None
    t = unquoted(clean_text(str(value)))
    if not t:
        return None, "empty"
    m = re.fullmatch(r"(-?\d+(?:\.\d+)?)\s*(学时|小时|课时|个|人|h)?", t)
    if not m:
        return None, "format"
    return float(m.group(1)), None


# --------------------------------------------------------------------------------------- masking
def mask_id(value: str | None) -> str:
    """Hide the birth date and sequence of an ID number: 320681********123X style (first 6 + last 4)."""
    if not value:
        return value or ""
    s = str(value)
    if len(s) >= 15:
        return s[:6] + "*" * (len(s) - 10) + s[-4:]
    if len(s) > 4:
        return s[:2] + "*" * (len(s) - 4) + s[-2:]
    return "*" * len(s)


_ID_IN_TEXT = re.compile(r"(?<![0-9])(\d{6})(\d{8})(\d{3}[0-9Xx])(?![0-9])|(?<![0-9])(\d{6})(\d{6})(\d{3})(?![0-9])")


def mask_ids_in_text(text: str) -> str:
    """Mask every 18- or 15-digit ID number appearing inside free text."""
    if not text:
        return text

    def rep(m: re.Match[str]) -> str:
        s = m.group(0)
        return mask_id(s)

    return _ID_IN_TEXT.sub(rep, text)
