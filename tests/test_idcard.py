"""ID numbers (GB 11643-1999): normalisation, check character, birth date, area codes, stored-as-number."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings, strategies as st

from certctl.idcard import age_on, area_known, check_char, check_id, make_id

# Published example numbers from GB 11643-1999 / common references (synthetic, with valid check chars).
VALID = ["11010519491231002X", "320624196203090217"]


@pytest.mark.parametrize("v", VALID)
def test_known_valid_examples(v):
    r = check_id(v)
    assert r.problem is None and r.value == v and not r.changed


def test_check_char_examples():
    assert check_char("11010519491231002") == "X"
    assert check_char("44052418800101001") == "4"
    assert check_id("440524188001010014").problem == "birth"  # the standard's 1880 example: before 1900


@given(st.dates(dt.date(1920, 1, 1), dt.date(2006, 1, 1)), st.integers(0, 999),
       st.sampled_from(["320681", "611026", "110105", "320624"]))
@settings(max_examples=200, deadline=None)
def test_generated_ids_are_valid_and_sex_from_17th_digit(birth, seq, area):
    v = make_id(area, birth, seq)
    r = check_id(v)
    assert r.problem is None and r.birth == birth and r.male == (seq % 2 == 1)
    # one wrong digit anywhere in the body is always caught (MOD 11-2 detects single substitutions)
    i = seq % 17
    wrong = v[:i] + str((int(v[i]) + 1) % 10) + v[i + 1:]
    assert check_id(wrong).problem in ("checksum", "birth", "province")


@given(st.text(max_size=30))
@settings(max_examples=300, deadline=None)
def test_check_id_never_raises(text):
    check_id(text)


@pytest.mark.parametrize("typed", ["11010519491231002x", " 110105 19491231 002X ", "１１０１０５１９４９１２３１００２Ｘ",
                                   "\u00a011010519491231002X\u200b", "110105-19491231-002X", "11010519491231002X\t"])
def test_normalisation_changes_are_reported(typed):
    r = check_id(typed)
    assert r.problem is None and r.value == "11010519491231002X" and r.changed


@pytest.mark.parametrize("raw,problem", [
    (None, "empty"), ("", "empty"), ("   ", "empty"),
    (110105194912310020, "number"), (1.10105194912310e17, "number"), ("1.10105E+17", "number"),
    ("1.10105e17", "number"), (110105491231002, "legacy15"), ("110105491231002", "legacy15"),
    ("1101051949123100", "length"), ("11010519491231002Y", "chars"), ("990105194912310020", "province"),
    ("110105194902300021", "birth"), ("110105189912310020", "birth"), ("110105204912310020", "birth"),
    ("110105194912310021", "checksum"),
])
def test_problems(raw, problem):
    assert check_id(raw).problem == problem


def test_unknown_area_code_is_flag_not_problem():
    v = make_id("329999", dt.date(1980, 1, 1), 1)
    r = check_id(v)
    assert r.problem is None and r.area_unknown


@pytest.mark.parametrize("code", ["320624", "320683", "320681", "612301", "611026", "110105"])
def test_old_and_current_codes_known(code):
    assert area_known(code)


def test_age_on_birthday_boundary():
    b = dt.date(2006, 6, 3)
    assert age_on(b, dt.date(2024, 6, 2)) == 17
    assert age_on(b, dt.date(2024, 6, 3)) == 18
    assert age_on(dt.date(2000, 2, 29), dt.date(2018, 2, 28)) == 17
    assert age_on(dt.date(2000, 2, 29), dt.date(2018, 3, 1)) == 18
