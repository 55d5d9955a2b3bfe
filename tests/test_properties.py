"""Property tests (hypothesis) for the normalisers and the working-day calendar: they never raise on
any input, normalising twice is normalising once, and what is accepted round-trips."""

from __future__ import annotations

import datetime as dt
import unicodedata

from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

from certctl.idcard import PROVINCES, check_char, check_id, make_id, normalise_id_text
from certctl.normalize import (
    cell_text,
    clean_text,
    header_key,
    mask_id,
    mask_ids_in_text,
    normalise_name,
    parse_date,
    parse_number,
    phone_ok,
)
from certctl.workdays import WorkCalendar, YearSpec

SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# anything a cell can hold, text biased towards the characters that cause trouble in real forms
TRICKY = "0123456789xX０１２３４５６７８９Ｘｘ \u00a0\u200b\u200c\u200d\u2060\ufeff\u3000\t\r\n\x00\x07\x1b\u202e年月日号.-/:·•・‧〇零一二三四五六七八九十e\u0301\u0308Ａａ"
texts = st.one_of(st.text(), st.text(alphabet=TRICKY, max_size=40))
cells = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True, allow_infinity=True), texts,
    st.dates(), st.datetimes(),
)


# ------------------------------------------------------------------------------ clean_text
@SETTINGS
@given(texts)
@example("e\x01\u0301")
@example("\u3000\u00a0x\u200b")
def test_clean_text_idempotent_and_tidy(s):
    t = clean_text(s)
    assert clean_text(t) == t
    assert t == t.strip()
    assert "  " not in t
    assert not any(unicodedata.category(c) == "Cc" for c in t)
    assert "\u200b" not in t and "\u00a0" not in t and "\u3000" not in t


@SETTINGS
@given(cells)
def test_cell_text_never_raises(v):
    assert isinstance(cell_text(v), str)


@SETTINGS
@given(texts)
def test_header_key_idempotent(s):
    k = header_key(s)
    assert header_key(k) == k
    assert " " not in k


# ------------------------------------------------------------------------------ ID numbers
@SETTINGS
@given(cells)
def test_check_id_never_raises(v):
    r = check_id(v)
    assert isinstance(r.value, str)
    assert r.problem in (None, "empty", "number", "legacy15", "length", "chars", "checksum", "birth", "province")


@SETTINGS
@given(texts)
def test_normalise_id_text_idempotent(s):
    t = normalise_id_text(s)
    assert normalise_id_text(t) == t
    assert t == t.upper()
    assert not any(c.isspace() for c in t)


valid_ids = st.builds(
    lambda prov, rest, birth, seq: make_id(prov + rest, birth, seq),
    st.sampled_from(sorted(p for p in PROVINCES if p not in ("71", "81", "82", "83", "91"))),
    st.from_regex(r"\A[0-9]{4}\Z"),
    st.dates(min_value=dt.date(1940, 1, 1), max_value=dt.date(2006, 12, 31)),
    st.integers(min_value=0, max_value=999),
)

FULL = str.maketrans("0123456789X", "０１２３４５６７８９Ｘ")


@st.composite
def mangled(draw, pid):
    """The ways an 18-digit ID arrives in a form: spaces and invisible characters anywhere,
    full-width digits, lowercase x, surrounding blanks."""
    s = pid
    if draw(st.booleans()):
        s = s.translate(FULL)
    if draw(st.booleans()):
        s = s.lower()
    junk = st.sampled_from([" ", "\u00a0", "\u200b", "\u3000", "\t", "\ufeff", "\u2060", "-"])
    chars = list(s)
    out = []
    for c in chars:
        if draw(st.integers(0, 5)) == 0:
            out.append(draw(junk))
        out.append(c)
    return draw(st.sampled_from(["", " ", "\n"])) + "".join(out) + draw(st.sampled_from(["", " ", "\t"]))


@SETTINGS
@given(st.data(), valid_ids)
def test_valid_id_survives_mangling(data, pid):
    assert check_id(pid).problem is None
    raw = data.draw(mangled(pid))
    r = check_id(raw)
    assert r.problem is None, (raw, r)
    assert r.value == pid
    assert r.changed == (raw != pid)
    assert r.male == (int(pid[16]) % 2 == 1)


@SETTINGS
@given(valid_ids, st.integers(min_value=0, max_value=16), st.integers(min_value=0, max_value=9))
def test_one_digit_changed_is_caught(pid, pos, digit):
    assume(pid[pos] != str(digit))
    bad = pid[:pos] + str(digit) + pid[pos + 1:]
    assert check_id(bad).problem is not None or check_char(bad[:17]) == bad[17]


@SETTINGS
@given(valid_ids)
def test_id_typed_as_number_is_never_valid(pid):
    assume(pid[-1] != "X")
    assert check_id(float(pid)).problem == "number"
    assert check_id(int(pid)).problem == "number"


@SETTINGS
@given(valid_ids, texts)
def test_ids_masked_in_text(pid, around):
    assume(not any(c.isdigit() for c in around))
    masked = mask_ids_in_text(around + pid + around)
    assert pid not in masked
    assert mask_id(pid) in masked
    assert mask_id(pid)[:6] == pid[:6] and mask_id(pid)[-4:] == pid[-4:]


# ------------------------------------------------------------------------------ dates
@SETTINGS
@given(cells)
def test_parse_date_never_raises(v):
    d, problem = parse_date(v)
    assert (d is None) != (problem is None)
    assert problem in (None, "empty", "format", "impossible")


CN = "〇一二三四五六七八九"


def cn_number(n: int) -> str:
    if n < 10:
        return CN[n]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else CN[tens]) + "十" + (CN[ones] if ones else "")


STYLES = {
    "iso": lambda d: d.isoformat(),
    "slash": lambda d: f"{d.year}/{d.month}/{d.day}",
    "dot": lambda d: f"{d.year}.{d.month}.{d.day}",
    "cn": lambda d: f"{d.year}年{d.month}月{d.day}日",
    "cn_padded_hao": lambda d: f"{d.year}年{d.month:02d}月{d.day:02d}号",
    "cn_spaced": lambda d: f"{d.year} 年 {d.month} 月 {d.day} 日",
    "compact": lambda d: d.strftime("%Y%m%d"),
    "compact_int": lambda d: int(d.strftime("%Y%m%d")),
    "cn_numerals": lambda d: "".join(CN[int(c)] for c in str(d.year)) + f"年{cn_number(d.month)}月{cn_number(d.day)}日",
    "fullwidth": lambda d: d.isoformat().translate(str.maketrans("0123456789-", "０１２３４５６７８９－")),
    "serial": lambda d: (d - dt.date(1899, 12, 30)).days,
    "serial_float": lambda d: float((d - dt.date(1899, 12, 30)).days),
    "datetime": lambda d: dt.datetime(d.year, d.month, d.day, 0, 0),
    "iso_time": lambda d: d.isoformat() + " 00:00:00",
    "date": lambda d: d,
}


@SETTINGS
@given(st.dates(min_value=dt.date(1900, 3, 1), max_value=dt.date(2100, 12, 31)), st.sampled_from(sorted(STYLES)))
def test_date_round_trips_in_every_accepted_style(d, style):
    v = STYLES[style](d)
    got, problem = parse_date(v)
    assert problem is None and got == d, (style, v, got, problem)
    # and text as read back from a cell parses the same
    if isinstance(v, str):
        assert parse_date(clean_text(v)) == (d, None)


@SETTINGS
@given(st.integers(min_value=1900, max_value=2100), st.integers(1, 12), st.integers(29, 31))
def test_impossible_dates_are_impossible_not_shifted(y, m, day):
    try:
        dt.date(y, m, day)
        return
    except ValueError:
        pass
    for text in (f"{y}-{m:02d}-{day:02d}", f"{y}年{m}月{day}日", f"{y}{m:02d}{day:02d}"):
        assert parse_date(text) == (None, "impossible"), text


@SETTINGS
@given(cells)
def test_parse_number_and_phone_never_raise(v):
    n, problem = parse_number(v)
    assert (n is None) != (problem is None)
    assert isinstance(phone_ok(v), bool)


# ------------------------------------------------------------------------------ names
@SETTINGS
@given(cells)
@example("阿依古丽•买买提")
@example(" ·王 伟· ")
@example("・ A A")
@example("John  Smith")
def test_normalise_name_never_raises_and_is_idempotent(v):
    name, bad = normalise_name(v)
    again, bad2 = normalise_name(name)
    assert again == name, (v, name, again)
    assert bad2 == bad
    assert name == name.strip() and not name.startswith("·") and not name.endswith("·")


@SETTINGS
@given(st.text(alphabet="王李张伟芳娜秀英阿依古丽买提", min_size=1, max_size=4),
       st.text(alphabet="王李张伟芳娜秀英阿依古丽买提", min_size=1, max_size=6),
       st.sampled_from(["·", "•", "・", "‧", ".", "．", "∙"]),
       st.sampled_from(["", " ", "\u3000", "\u00a0"]))
def test_minority_names_normalise_to_one_spelling(a, b, dot, pad):
    name, bad = normalise_name(pad + a + dot + b + pad)
    assert name == a + "·" + b
    assert not bad


@SETTINGS
@given(st.text(alphabet="王李张伟芳娜秀英", min_size=2, max_size=4), st.sampled_from([" ", "  ", "\u3000", "\u00a0", "\u200b"]))
def test_alignment_spaces_inside_chinese_names_dropped(name, pad):
    spaced = pad.join(name)
    assert normalise_name(spaced)[0] == name


# ------------------------------------------------------------------------------ working days
CAL = WorkCalendar(warn=lambda _m: None)
any_dates = st.dates(min_value=dt.date(1901, 1, 1), max_value=dt.date(2098, 12, 31))


@SETTINGS
@given(any_dates, st.integers(min_value=-300, max_value=300))
def test_calendar_never_raises_in_range(d, n):
    due = CAL.add_workdays(d, n)
    if n > 0:
        assert due > d and CAL.is_workday(due)
        assert CAL.workdays_between(d, due) == n
    elif n < 0:
        assert due < d and CAL.is_workday(due)
    else:
        assert due == d


@SETTINGS
@given(any_dates, st.integers(min_value=1, max_value=60), st.integers(min_value=1, max_value=60))
def test_add_workdays_is_monotone_and_additive(d, a, b):
    assert CAL.add_workdays(d, a) < CAL.add_workdays(d, a + b)
    assert CAL.add_workdays(CAL.add_workdays(d, a), b) == CAL.add_workdays(d, a + b)


@SETTINGS
@given(st.sets(st.dates(min_value=dt.date(2031, 1, 1), max_value=dt.date(2031, 12, 31)), max_size=20),
       st.sets(st.dates(min_value=dt.date(2031, 1, 1), max_value=dt.date(2031, 12, 31)), max_size=5),
       st.dates(min_value=dt.date(2030, 12, 1), max_value=dt.date(2031, 12, 31)),
       st.integers(min_value=1, max_value=30))
def test_configured_year_is_obeyed(holidays, makeup, d, n):
    makeup = makeup - holidays
    cal = WorkCalendar({2031: YearSpec(holidays=frozenset(holidays), workdays=frozenset(makeup))}, warn=lambda _m: None)
    for h in holidays:
        assert not cal.is_workday(h)
    for w in makeup:
        assert cal.is_workday(w)
    due = cal.add_workdays(d, n)
    assert due not in holidays
    assert cal.workdays_between(d, due) == n


def test_unknown_year_falls_back_once_with_warning():
    seen: list[str] = []
    cal = WorkCalendar(warn=seen.append)
    for i in range(5):
        cal.add_workdays(dt.date(2099, 3, 1 + i), 3)
    assert len(seen) == 1 and "2099" in seen[0]
