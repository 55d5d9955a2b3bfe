"""The working-day calendar against the real State Council schedule (no mocks)."""

from __future__ import annotations

import datetime as dt

import chinese_calendar
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from certctl.workdays import CC_MAX_YEAR, CC_MIN_YEAR, WorkCalendar, YearSpec, parse_date

D = dt.date


@pytest.fixture()
def cal() -> WorkCalendar:
    return WorkCalendar()


def monday_to_friday(d: dt.date, n: int) -> dt.date:
    """The naive count a spreadsheet would do — what certctl must NOT do."""
    while n:
        d += dt.timedelta(days=1)
        if d.weekday() < 5:
            n -= 1
    return d


# ----------------------------------------------------------------- the library itself
def test_range_comes_from_chinese_calendar() -> None:
    assert CC_MIN_YEAR == 2004
    chinese_calendar.is_workday(D(CC_MAX_YEAR, 6, 1))  # known: no exception
    with pytest.raises(NotImplementedError):
        chinese_calendar.is_workday(D(CC_MAX_YEAR + 1, 6, 1))


def test_2024_may_day_schedule_as_in_chinese_calendar(cal: WorkCalendar) -> None:
    assert cal.is_workday(D(2024, 4, 28))  # Sunday, makeup working day
    assert not cal.is_workday(D(2024, 4, 27))  # Saturday
    for day in range(1, 6):
        assert not cal.is_workday(D(2024, 5, day))
    assert cal.is_workday(D(2024, 5, 11))  # Saturday, makeup working day
    assert not cal.is_workday(D(2024, 5, 12))
    for d in (D(2024, 4, 28), D(2024, 5, 1), D(2024, 5, 11), D(2024, 5, 12)):
        assert cal.is_workday(d) == chinese_calendar.is_workday(d)


def test_2026_national_day_schedule_as_in_chinese_calendar(cal: WorkCalendar) -> None:
    # chinese-calendar 1.11.0: 国庆节 10-01..10-07 off, 2026-09-20 (Sun) and 2026-10-10 (Sat) worked;
    # 中秋节 09-25..09-27 off.  (10-08 is a working day in the library.)
    assert cal.day_kind(D(2026, 9, 20)) == (True, "调休上班")
    assert cal.day_kind(D(2026, 10, 10)) == (True, "调休上班")
    for day in range(1, 8):
        assert cal.day_kind(D(2026, 10, day)) == (False, "国庆节")
    assert cal.day_kind(D(2026, 9, 25)) == (False, "中秋节")
    start, end = D(2026, 9, 1), D(2026, 10, 31)
    d = start
    while d <= end:
        assert cal.is_workday(d) == chinese_calendar.is_workday(d), d
        d += dt.timedelta(days=1)


def test_whole_known_range_matches_chinese_calendar(cal: WorkCalendar) -> None:
    d = D(CC_MIN_YEAR, 1, 1)
    end = D(CC_MAX_YEAR, 12, 31)
    while d <= end:
        assert cal.is_workday(d) == chinese_calendar.is_workday(d), d
        d += dt.timedelta(days=1)
    assert cal.warnings == []


# ----------------------------------------------------------------- labels
def test_day_kind_labels(cal: WorkCalendar) -> None:
    assert cal.day_kind(D(2024, 5, 6)) == (True, "工作日")
    assert cal.day_kind(D(2024, 5, 12)) == (False, "周末")
    assert cal.day_kind(D(2024, 5, 1)) == (False, "劳动节")
    assert cal.day_kind(D(2024, 4, 28)) == (True, "调休上班")
    assert cal.day_kind(D(2024, 2, 12))[1] == "春节"
    assert cal.day_kind(D(2024, 4, 4))[1] == "清明节"
    assert cal.day_kind(D(2024, 6, 10))[1] == "端午节"
    assert cal.day_kind(D(2024, 9, 17))[1] == "中秋节"
    assert cal.day_kind(D(2024, 1, 1))[1] == "元旦"
    assert cal.day_kind(D(2024, 5, 1), lang="en") == (False, "Labour Day")
    assert cal.day_kind(D(2024, 4, 28), lang="en") == (True, "makeup working day")
    assert cal.day_kind(D(2024, 5, 12), lang="en") == (False, "weekend")


# ----------------------------------------------------------------- deadlines
@pytest.mark.parametrize(
    ("event", "n", "due"),
    [
        # 2024 May Day: a plain Monday-Friday count gets every one of these wrong
        (D(2024, 4, 26), 3, D(2024, 4, 30)),  # Sun 04-28 is a working day
        (D(2024, 4, 30), 3, D(2024, 5, 8)),  # 05-01..05-05 off
        (D(2024, 4, 29), 10, D(2024, 5, 15)),  # 10-day system-entry deadline
        (D(2024, 5, 9), 2, D(2024, 5, 11)),  # Sat 05-11 is a working day
        # 2026 National Day / Mid-autumn
        (D(2026, 9, 18), 1, D(2026, 9, 20)),  # Sun 09-20 is a working day
        (D(2026, 9, 24), 3, D(2026, 9, 30)),  # 09-25 Mid-autumn, weekend off
        (D(2026, 9, 30), 3, D(2026, 10, 10)),  # 10-01..10-07 off, Sat 10-10 worked
        (D(2026, 9, 29), 10, D(2026, 10, 19)),
    ],
)
def test_deadlines_across_holidays(cal: WorkCalendar, event: dt.date, n: int, due: dt.date) -> None:
    assert cal.add_workdays(event, n) == due
    assert monday_to_friday(event, n) != due  # the naive count really is wrong here
    assert cal.workdays_between(event, due) == n


def test_event_day_not_counted_and_weekend_event(cal: WorkCalendar) -> None:
    assert cal.add_workdays(D(2024, 6, 3), 1) == D(2024, 6, 4)  # Monday event -> Tuesday
    assert cal.add_workdays(D(2024, 6, 1), 1) == D(2024, 6, 3)  # Saturday event -> Monday
    assert cal.add_workdays(D(2024, 6, 3), 0) == D(2024, 6, 3)


def test_on_deadline_day_is_on_time(cal: WorkCalendar) -> None:
    due = cal.add_workdays(D(2024, 4, 30), 3)  # 2024-05-08
    assert cal.workdays_between(due, due) == 0  # on the day: not late
    assert cal.workdays_between(due, D(2024, 5, 7)) < 0  # early
    assert cal.workdays_between(due, D(2024, 5, 9)) == 1  # first working day after: 1 late
    # late by 3: the 3rd working day after the deadline; 05-11 (Sat) is worked
    assert cal.workdays_between(due, D(2024, 5, 11)) == 3
    assert cal.workdays_between(due, D(2024, 5, 12)) == 3  # Sunday adds nothing


def test_workdays_between_spans_years(cal: WorkCalendar) -> None:
    a, b = D(2023, 12, 29), D(2024, 1, 3)  # 12-30/31 weekend, 01-01 元旦
    assert cal.workdays_between(a, b) == 2
    assert cal.workdays_between(b, a) == -2
    assert cal.add_workdays(a, 2) == b
    assert cal.add_workdays(b, -2) == a


def test_negative_n_counts_backwards(cal: WorkCalendar) -> None:
    assert cal.add_workdays(D(2024, 5, 6), -1) == D(2024, 4, 30)
    assert cal.add_workdays(D(2024, 5, 6), -3) == D(2024, 4, 28)


def test_explain_walks_every_day(cal: WorkCalendar) -> None:
    steps = cal.explain(D(2024, 4, 30), 3)
    assert [(s.date, s.counted, s.label) for s in steps] == [
        (D(2024, 5, 1), False, "劳动节"),
        (D(2024, 5, 2), False, "劳动节"),
        (D(2024, 5, 3), False, "劳动节"),
        (D(2024, 5, 4), False, "劳动节"),
        (D(2024, 5, 5), False, "劳动节"),
        (D(2024, 5, 6), True, "工作日"),
        (D(2024, 5, 7), True, "工作日"),
        (D(2024, 5, 8), True, "工作日"),
    ]
    steps = cal.explain(D(2024, 4, 26), 1, lang="en")
    assert steps == [(D(2024, 4, 27), False, "weekend"), (D(2024, 4, 28), True, "makeup working day")]
    assert cal.explain(D(2024, 4, 26), 0) == []


def test_datetime_accepted(cal: WorkCalendar) -> None:
    assert cal.add_workdays(dt.datetime(2024, 4, 30, 15, 0), 3) == D(2024, 5, 8)
    assert cal.is_workday(dt.datetime(2024, 4, 28, 9, 0))


# ----------------------------------------------------------------- unknown years
def test_unknown_year_falls_back_to_monday_to_friday_with_one_warning() -> None:
    seen: list[str] = []
    cal = WorkCalendar(warn=seen.append)
    assert cal.add_workdays(D(2026, 12, 30), 3) == D(2027, 1, 4)  # 2027-01-01 counted (Fri)
    assert cal.is_workday(D(2027, 10, 1))  # would be 国庆节, unknown: Friday works
    assert not cal.is_workday(D(2027, 10, 2))
    assert cal.workdays_between(D(2027, 1, 1), D(2027, 12, 31)) > 0
    assert cal.day_kind(D(2027, 5, 1)) == (False, "周末")
    for _ in range(50):
        cal.is_workday(D(2027, 3, 3))
    assert len(seen) == 1
    assert cal.warnings == seen
    assert "2027" in seen[0]
    assert "certctl.toml" in seen[0]
    assert "[calendar.2027]" in seen[0]
    assert "周一至周五" in seen[0]


def test_fallback_warning_default_collects_and_english() -> None:
    cal = WorkCalendar(lang="en")
    cal.is_workday(D(2027, 1, 4))
    cal.is_workday(D(2028, 1, 4))
    cal.is_workday(D(2027, 6, 4))
    assert len(cal.warnings) == 2
    assert "2027" in cal.warnings[0] and "Monday" in cal.warnings[0]
    assert "2028" in cal.warnings[1]
    assert cal.fallback_years == [2027, 2028]


def test_known_years_give_no_warning(cal: WorkCalendar) -> None:
    cal.add_workdays(D(2004, 1, 5), 300)
    assert cal.warnings == []


def test_before_known_range_also_falls_back() -> None:
    cal = WorkCalendar()
    assert cal.add_workdays(D(2003, 12, 31), 1) == D(2004, 1, 2)  # 2004-01-01 元旦
    assert cal.warnings == []
    assert cal.add_workdays(D(2003, 12, 26), 1) == D(2003, 12, 29)
    assert len(cal.warnings) == 1 and "2003" in cal.warnings[0]


def test_configured_year_is_used_without_warning() -> None:
    spec = YearSpec(
        holidays=frozenset({D(2027, 1, 1), D(2027, 10, 1), D(2027, 10, 4), D(2027, 10, 5)}),
        workdays=frozenset({D(2027, 9, 26)}),
        names={D(2027, 10, 1): "国庆节"},
    )
    seen: list[str] = []
    cal = WorkCalendar({2027: spec}, warn=seen.append)
    assert cal.add_workdays(D(2026, 12, 31), 1) == D(2027, 1, 4)  # 01-01 off
    assert cal.day_kind(D(2027, 9, 26)) == (True, "调休上班")  # a Sunday, worked
    assert cal.day_kind(D(2027, 10, 1)) == (False, "国庆节")
    assert cal.day_kind(D(2027, 10, 4)) == (False, "节假日")
    assert cal.add_workdays(D(2027, 9, 30), 1) == D(2027, 10, 6)
    assert cal.add_workdays(D(2027, 9, 24), 1) == D(2027, 9, 26)
    assert seen == [] and cal.warnings == []


def test_configured_year_accepts_plain_mappings() -> None:
    cal = WorkCalendar({2027: {"holidays": ["2027-01-01"], "workdays": []}})
    assert not cal.is_workday(D(2027, 1, 1))
    assert cal.warnings == []


def test_config_overrides_known_year() -> None:
    cal = WorkCalendar({2024: YearSpec(holidays=frozenset({D(2024, 6, 3)}))})
    assert not cal.is_workday(D(2024, 6, 3))
    assert cal.is_workday(D(2024, 5, 1))  # config year replaces the library's 2024


# ----------------------------------------------------------------- properties
dates = st.dates(min_value=D(2004, 1, 1), max_value=D(2030, 12, 31))


@settings(max_examples=400, deadline=None)
@given(d=dates, n=st.integers(min_value=1, max_value=400))
def test_property_add_then_count(d: dt.date, n: int) -> None:
    cal = WorkCalendar(warn=lambda _m: None)
    due = cal.add_workdays(d, n)
    assert due > d
    assert cal.is_workday(due)
    assert cal.workdays_between(d, due) == n
    # the day before the deadline has one working day fewer
    assert cal.workdays_between(d, due - dt.timedelta(days=1)) == n - 1
    assert cal.add_workdays(due, -n) <= d or not cal.is_workday(d)
    if cal.is_workday(d):
        assert cal.add_workdays(due, -n) == d


@settings(max_examples=200, deadline=None)
@given(a=dates, b=dates)
def test_property_between_matches_walk(a: dt.date, b: dt.date) -> None:
    cal = WorkCalendar(warn=lambda _m: None)
    lo, hi = min(a, b), max(a, b)
    if (hi - lo).days > 800:
        hi = lo + dt.timedelta(days=800)
    walked = sum(cal.is_workday(lo + dt.timedelta(days=i)) for i in range(1, (hi - lo).days + 1))
    assert cal.workdays_between(lo, hi) == walked
    assert cal.workdays_between(hi, lo) == -walked


@settings(max_examples=100, deadline=None)
@given(d=dates, n=st.integers(min_value=1, max_value=60))
def test_property_explain_agrees(d: dt.date, n: int) -> None:
    cal = WorkCalendar(warn=lambda _m: None)
    steps = cal.explain(d, n)
    assert steps[-1].date == cal.add_workdays(d, n)
    assert sum(s.counted for s in steps) == n
    assert steps[-1].counted
    assert [s.date for s in steps] == [d + dt.timedelta(days=i + 1) for i in range(len(steps))]


# ----------------------------------------------------------------- dates
@pytest.mark.parametrize("text", ["2024-06-03", "2024/6/3", "2024.6.3", "2024年6月3日", "20240603",
                                  " 2024-6-3 ", "２０２４－０６－０３"])
def test_parse_date_formats(text: str) -> None:
    assert parse_date(text) == D(2024, 6, 3)


@pytest.mark.parametrize("text", ["2024-02-30", "2024/13/1", "tomorrow", "", "2024-06", "6/3/2024"])
def test_parse_date_rejects(text: str) -> None:
    with pytest.raises(ValueError):
        parse_date(text)
