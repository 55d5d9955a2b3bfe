"""Person rules: what a row says about its holder must agree with the holder's ID number, and the
certificate number must have the configured shape.

I010 性别 against the ID · I011/I012 age at the form date · C004 certificate-number pattern.
(The ID number itself, the name, dates and listed values are checked cell by cell: convert.py.)
"""

from __future__ import annotations

import re

from ...idcard import age_on
from ..table import Table


def sex_matches_id(t: Table) -> None:
    """I010 (GB 11643-1999): 性别 must agree with the ID's 17th digit — odd 男, even 女."""
    if t.ids is None or t.col("sex") is None or "sex" not in t.values:
        return
    for k, (ok, male, sex) in enumerate(zip(t.ids.ok, t.ids.male, t.values["sex"])):
        if ok and sex and male is not None and (sex == "男") != male:
            t.flag("I010", k, t.col("sex"), "性别", sex, expected="男" if male else "女")


def age_in_range(t: Table) -> None:
    """I011/I012: the holder's age from the ID at the form's 填报时间 — under 18 is an error, over 65
    a warning (both configurable). A 国家部委 list is not checked. Ages are worked out once per birth
    date."""
    if t.ids is None or t.kind == "national":
        return
    on = t.check.reference_date
    young, old = t.check.opts.min_age, t.check.opts.warn_over_age
    ages = {birth: age_on(birth, on) for birth in set(t.ids.birth) if birth}
    outside = {birth: age for birth, age in ages.items() if not young <= age <= old}
    leaving = _card_ends(t)
    for k in [k for k, birth in enumerate(t.ids.birth) if birth in outside]:  # (only valid IDs have one)
        age, pid = outside[t.ids.birth[k]], t.ids.ids[k]
        code, limit = ("I011", {"min": young}) if age < young else ("I012", {"max": old})
        if code == "I012" and leaving[k]:
            continue  # "still in post? if retired, revoke the card" — the row already says so
        t.flag(code, k, t.col("id"), "身份证号码", pid, sensitive=True, id=pid, age=age, on=on.isoformat(), **limit)


def _card_ends(t: Table) -> list[bool]:
    """The rows that themselves end the card or say the holder left: every annex 2 row (注销), an annex 1
    注销, a survey row whose 在岗状态 is not 在岗. The over-65 question (I012) is answered there."""
    if t.kind == "annex2":
        return [True] * len(t)
    if t.kind == "annex1":
        return [action == "注销" for action in t.value("action")]
    if t.kind == "survey_people":
        return [bool(status) and status != "在岗" for status in t.value("status")]
    return [False] * len(t)


def certificate_pattern(t: Table) -> None:
    """C004: a certificate number not of the pattern configured for its category (证件类别 省级 or
    国家部委; a form without that column holds 省级 numbers, a 国家部委 list 国家部委 ones). No pattern
    is built in: none is published."""
    patterns = t.check.opts.cert_patterns
    if not patterns or "cert" not in t.values:
        return
    usual = "国家部委" if t.kind == "national" else "省级"
    compiled: dict[str, re.Pattern[str] | None] = {}
    for k, (cert, category) in enumerate(zip(t.values["cert"], t.value("category"))):
        if not cert:
            continue
        category = category or usual
        if category not in compiled:
            compiled[category] = _compile(patterns.get(category))
        pattern = compiled[category]
        if pattern is not None and not pattern.fullmatch(cert):
            t.flag("C004", k, t.col("cert"), "证件号码", cert, category=category, pattern=pattern.pattern)


def _compile(source: str | None) -> re.Pattern[str] | None:
    try:
        return re.compile(source) if source else None
    except re.error:  # config validation reports a bad pattern; here it only checks nothing
        return None
