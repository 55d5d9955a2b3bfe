"""The one working-day calendar of certctl (SPEC section 4).

A working day is a day the State Council's holiday schedule makes a working day: weekends are
off except the announced makeup days (调休上班), statutory holidays are off. The schedule comes
from ``chinese-calendar`` for the years it knows; a year it does not know comes from the
``[calendar.YYYY]`` table of certctl.toml when given, and otherwise falls back to Monday–Friday
with exactly one warning per year per calendar.

Counting (民法典 art. 201–203, 行政许可法 art. 82): the day of the event does not count; the
deadline of "N working days" is the Nth working day after the event; an action on the deadline
day is on time. "Late by k working days" means the action came on the kth working day after the
deadline, i.e. ``workdays_between(deadline, action) == k``.

Everything here is pure and cached per year: a year is turned into a table of flags, labels and
a running count of working days once, after which every query is a list index or a bisect.
"""

from __future__ import annotations

import datetime as _dt
import re
from bisect import bisect_left
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, NamedTuple

import chinese_calendar as _cc
from chinese_calendar import constants as _cc_constants

__all__ = [
    "CC_MIN_YEAR",
    "CC_MAX_YEAR",
    "Warn",
    "YearSpec",
    "WalkStep",
    "WorkCalendar",
    "default_calendar",
    "parse_date",
    "fallback_warning",
    "calendar_notice",
    "calendar_warning",
    "notice_year",
]

# The range chinese-calendar itself supports: it raises NotImplementedError outside the years of
# its holiday table, so take the range from that same table (never hardcode a year).
CC_MIN_YEAR: int = min(_cc_constants.holidays).year
CC_MAX_YEAR: int = max(_cc_constants.holidays).year
CC_VERSION: str = getattr(_cc, "__version__", "?")

# chinese_calendar.get_holiday_detail gives the English value of its Holiday enum.
_HOLIDAY_ZH: dict[str, str] = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "National Day": "国庆节",
    "Mid-autumn Festival": "中秋节",
    "National Day + Mid-autumn Festival": "国庆节、中秋节",
    "Mid-autumn Festival + National Day": "中秋节、国庆节",
    "Anti-Fascist 70th Day": "抗战胜利70周年纪念日",
}

_LABELS: dict[str, dict[str, str]] = {
    "zh": {
        "workday": "工作日",
        "weekend": "周末",
        "makeup": "调休上班",
        "holiday": "节假日",
    },
    "en": {
        "workday": "working day",
        "weekend": "weekend",
        "makeup": "makeup working day",
        "holiday": "public holiday",
    },
}

Warn = Callable[[str], Any]


def _lang(lang: str | None) -> str:
    return "en" if (lang or "zh").lower().startswith("en") else "zh"


def fallback_warning(year: int, lang: str = "zh") -> str:
    """The message given once per calendar for a year with no holiday data."""
    return _WARNING[_lang(lang)] + _fallback_text(year, lang)


_WARNING = {"zh": "警告：", "en": "warning: "}


def _fallback_text(year: int, lang: str) -> str:
    if _lang(lang) == "en":
        return (
            f"the built-in holiday schedule (chinese-calendar {CC_VERSION}, "
            f"{CC_MIN_YEAR}–{CC_MAX_YEAR}) does not cover {year}; working days in {year} are "
            f"counted Monday–Friday, without public holidays or makeup working days. Save the State "
            f"Council's notice on {year}'s holidays as a text file and run `certctl calendar import "
            f"FILE`, which writes a [calendar.{year}] table to certctl.toml (holidays = [...] days off, "
            f"workdays = [...] makeup working weekends), or upgrade chinese-calendar."
        )
    return (
        f"内置节假日安排（chinese-calendar {CC_VERSION}，{CC_MIN_YEAR}–{CC_MAX_YEAR} 年）"
        f"不含 {year} 年，{year} 年暂按周一至周五计算工作日，未计入法定节假日和调休上班。"
        f"请把国务院办公厅关于{year}年部分节假日安排的通知存为文本文件，运行 certctl calendar import 文件名，"
        f"写入 certctl.toml 的 [calendar.{year}]（holidays = [...] 放假日期，workdays = [...] 调休上班日期）；"
        f"或升级 chinese-calendar。"
    )


def _upcoming_text(year: int, lang: str) -> str:
    if _lang(lang) == "en":
        return (
            f"the {year} holiday schedule is not known yet (chinese-calendar {CC_VERSION} covers "
            f"{CC_MIN_YEAR}–{CC_MAX_YEAR}, certctl.toml has no [calendar.{year}]): deadlines that fall in "
            f"{year} are counted Monday–Friday for now. When the State Council publishes its notice on "
            f"{year}'s holidays (国务院办公厅关于{year}年部分节假日安排的通知, usually in November), save "
            f"its text and run `certctl calendar import FILE` to add it to certctl.toml."
        )
    return (
        f"{year} 年的节假日安排尚未导入（chinese-calendar {CC_VERSION} 只含 {CC_MIN_YEAR}–{CC_MAX_YEAR} 年，"
        f"certctl.toml 中也没有 [calendar.{year}]），落在 {year} 年的期限暂按周一至周五计算。"
        f"国务院办公厅关于{year}年部分节假日安排的通知发布后（一般在 11 月），请把通知全文存为文本文件，"
        f"运行 certctl calendar import 文件名 写入 certctl.toml。"
    )


def notice_year(as_of: _dt.date, calendar: "WorkCalendar") -> int | None:
    """The year whose schedule is missing as seen on ``as_of``: ``as_of``'s own year when unknown,
    else — from 1 November — the next year when unknown (the State Council publishes the coming
    year's arrangement in November); None when nothing is missing."""
    if isinstance(as_of, _dt.datetime):
        as_of = as_of.date()
    if not calendar.is_known(as_of.year):
        return as_of.year
    if as_of.month >= 11 and as_of.year < _dt.MAXYEAR and not calendar.is_known(as_of.year + 1):
        return as_of.year + 1
    return None


def calendar_notice(as_of: _dt.date, calendar: "WorkCalendar", lang: str | None = None) -> str | None:
    """One sentence for a report's summary when a year's holiday schedule is missing on ``as_of``
    (see :func:`notice_year`), saying how to add it; None when every needed year is known."""
    year = notice_year(as_of, calendar)
    if year is None:
        return None
    lg = lang or calendar.lang
    return _upcoming_text(year, lg) if year > as_of.year else _fallback_text(year, lg)


def calendar_warning(as_of: _dt.date, calendar: "WorkCalendar", lang: str | None = None) -> str | None:
    """:func:`calendar_notice` as a stderr warning ("警告：…" / "warning: …"), or None."""
    text = calendar_notice(as_of, calendar, lang)
    return None if text is None else _WARNING[_lang(lang or calendar.lang)] + text


@dataclass(frozen=True)
class YearSpec:
    """Holiday schedule of one year given by the user (``[calendar.YYYY]`` in certctl.toml).

    ``holidays``: days off (a weekday listed here is not a working day);
    ``workdays``: makeup working days (a weekend day listed here is a working day);
    ``names``: optional holiday name per date, shown by ``explain``.
    """

    holidays: frozenset[_dt.date] = field(default_factory=frozenset)
    workdays: frozenset[_dt.date] = field(default_factory=frozenset)
    names: Mapping[_dt.date, str] = field(default_factory=dict)

    @classmethod
    def of(cls, spec: Any) -> "YearSpec":
        """Accept a YearSpec, a mapping or any object with holidays/workdays attributes."""
        if isinstance(spec, YearSpec):
            return spec
        if isinstance(spec, Mapping):
            get = spec.get
        else:
            def get(key: str, default: Any = None) -> Any:
                return getattr(spec, key, default)
        return cls(
            holidays=frozenset(_as_date(x) for x in (get("holidays", None) or ())),
            workdays=frozenset(_as_date(x) for x in (get("workdays", None) or ())),
            names={_as_date(k): str(v) for k, v in dict(get("names", None) or {}).items()},
        )


class WalkStep(NamedTuple):
    """One day walked by :meth:`WorkCalendar.explain`."""

    date: _dt.date
    counted: bool
    label: str


class _Year:
    """Table of one calendar year: working flag, label key and running count per day."""

    __slots__ = ("year", "start", "flags", "keys", "prefix", "total", "fallback")

    def __init__(self, year: int, flags: list[bool], keys: list[str], fallback: bool) -> None:
        self.year = year
        self.start = _dt.date(year, 1, 1).toordinal()
        self.flags = flags
        self.keys = keys
        prefix = [0] * (len(flags) + 1)
        running = 0
        for i, f in enumerate(flags):
            running += f
            prefix[i + 1] = running
        # prefix[i] = number of working days among the first i days of the year
        self.prefix = prefix
        self.total = running
        self.fallback = fallback


def _as_date(value: Any) -> _dt.date:
    if isinstance(value, _dt.datetime):
        return value.date()
    if isinstance(value, _dt.date):
        return value
    if isinstance(value, str):
        return parse_date(value)
    raise TypeError(f"not a date: {value!r}")


class WorkCalendar:
    """The working-day calendar. Build it once (``make_calendar(config)``) and share it.

    ``extra_years``: schedules from certctl.toml; a year given here is used as given (also for a
    year chinese-calendar knows, so a clerk can correct it). ``warn``: called once per year that
    falls back to Monday–Friday; the message is always also kept in ``self.warnings``.
    ``lang``: language of labels and warnings when a method is not told otherwise.
    ``as_of``: the day the command judges on; when given and a year's schedule is missing on that
    day (:func:`notice_year`: its own year, or from 1 November the next one), the calendar says so
    at once, through ``warn`` and ``warnings``, and that year's fallback warning is not repeated.
    """

    def __init__(
        self,
        extra_years: Mapping[int, Any] | None = None,
        warn: Warn | None = None,
        lang: str = "zh",
        as_of: _dt.date | None = None,
    ) -> None:
        self.extra_years: dict[int, YearSpec] = {
            int(y): YearSpec.of(s) for y, s in (extra_years or {}).items()
        }
        self.warn = warn
        self.lang = _lang(lang)
        self.warnings: list[str] = []
        self.fallback_years: list[int] = []
        self._years: dict[int, _Year] = {}
        self._told: set[int] = set()  # years already warned about
        if as_of is not None:
            year, message = notice_year(as_of, self), calendar_warning(as_of, self)
            if year is not None and message is not None:
                self._tell(year, message)

    def _tell(self, year: int, message: str) -> None:
        if year in self._told:
            return
        self._told.add(year)
        self.warnings.append(message)
        if self.warn is not None:
            self.warn(message)

    # ---------------------------------------------------------------- year tables
    def _year(self, year: int) -> _Year:
        table = self._years.get(year)
        if table is None:
            table = self._build(year)
            self._years[year] = table
            if table.fallback:
                self.fallback_years.append(year)
                self._tell(year, fallback_warning(year, self.lang))
        return table

    def _build(self, year: int) -> _Year:
        first = _dt.date(year, 1, 1)
        ndays = 366 if (year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)) else 365
        days = [first + _dt.timedelta(days=i) for i in range(ndays)]
        flags: list[bool] = []
        keys: list[str] = []
        spec = self.extra_years.get(year)
        if spec is not None:
            for d in days:
                if d in spec.workdays:
                    flags.append(True)
                    keys.append("makeup" if d.weekday() >= 5 else "workday")
                elif d in spec.holidays:
                    flags.append(False)
                    name = spec.names.get(d)
                    keys.append(f"name:{name}" if name else "holiday")
                elif d.weekday() >= 5:
                    flags.append(False)
                    keys.append("weekend")
                else:
                    flags.append(True)
                    keys.append("workday")
            return _Year(year, flags, keys, fallback=False)
        if CC_MIN_YEAR <= year <= CC_MAX_YEAR:
            for d in days:
                off, name = _cc.get_holiday_detail(d)
                if not off:
                    flags.append(True)
                    # a named working day is a makeup day; a weekday can only be named that way
                    # when a makeup day is a weekday, which is still a normal working day
                    keys.append("makeup" if (name and d.weekday() >= 5) else "workday")
                else:
                    flags.append(False)
                    keys.append(f"cc:{name}" if name else "weekend")
            return _Year(year, flags, keys, fallback=False)
        for d in days:
            work = d.weekday() < 5
            flags.append(work)
            keys.append("workday" if work else "weekend")
        return _Year(year, flags, keys, fallback=True)

    def _label(self, key: str, lang: str | None) -> str:
        lg = _lang(lang or self.lang)
        if key.startswith("cc:"):
            name = key[3:]
            return _HOLIDAY_ZH.get(name, name) if lg == "zh" else name
        if key.startswith("name:"):
            return key[5:]
        return _LABELS[lg][key]

    def is_known(self, year: int) -> bool:
        """True when the year's schedule comes from chinese-calendar or from the config."""
        return year in self.extra_years or CC_MIN_YEAR <= year <= CC_MAX_YEAR

    def source(self, year: int) -> str:
        """Where the year's schedule comes from: "config", "library" (chinese-calendar) or
        "fallback" (Monday–Friday)."""
        if year in self.extra_years:
            return "config"
        return "library" if CC_MIN_YEAR <= year <= CC_MAX_YEAR else "fallback"

    def year_spec(self, year: int) -> YearSpec:
        """The whole schedule of a year as a :class:`YearSpec` (what ``[calendar.YYYY]`` would say
        to give exactly this calendar): every day off that is not a plain weekend, every weekend
        day worked, and the holiday names (Chinese). Used to carry a known year into certctl.toml."""
        t = self._year(year)
        holidays: set[_dt.date] = set()
        workdays: set[_dt.date] = set()
        names: dict[_dt.date, str] = {}
        for i, (work, key) in enumerate(zip(t.flags, t.keys)):
            d = _dt.date.fromordinal(t.start + i)
            if work:
                if d.weekday() >= 5:
                    workdays.add(d)
            elif key != "weekend" or d.weekday() < 5:
                holidays.add(d)
                if key.startswith(("cc:", "name:")):
                    names[d] = self._label(key, "zh")
        return YearSpec(frozenset(holidays), frozenset(workdays), names)

    # ---------------------------------------------------------------- queries
    def is_workday(self, d: _dt.date) -> bool:
        """Whether ``d`` is a working day."""
        if isinstance(d, _dt.datetime):
            d = d.date()
        t = self._years.get(d.year) or self._year(d.year)
        return t.flags[d.toordinal() - t.start]

    def day_kind(self, d: _dt.date, lang: str | None = None) -> tuple[bool, str]:
        """(working?, reason): 工作日 / 周末 / 调休上班 / the holiday's name (劳动节, 国庆节…)."""
        if isinstance(d, _dt.datetime):
            d = d.date()
        t = self._years.get(d.year) or self._year(d.year)
        i = d.toordinal() - t.start
        return t.flags[i], self._label(t.keys[i], lang)

    def add_workdays(self, d: _dt.date, n: int) -> _dt.date:
        """The Nth working day after ``d`` (``d`` itself never counts).

        ``n == 0`` gives ``d``; a negative ``n`` gives the |n|th working day before ``d``.
        Raises OverflowError past year 9999 or before year 1.
        """
        if isinstance(d, _dt.datetime):
            d = d.date()
        n = int(n)
        if n == 0:
            return d
        # only the days walked are looked up, so an event on 31 December of a year with no data
        # does not raise that year's fallback warning (nor 1 January when counting back)
        if n > 0:
            if d.month == 12 and d.day == 31:
                year, done = d.year + 1, 0
                if year > _dt.MAXYEAR:
                    raise OverflowError("deadline falls after year 9999")
                t = self._year(year)
            else:
                year = d.year
                t = self._year(year)
                done = t.prefix[d.toordinal() - t.start + 1]
            target = done + n  # running count we need to reach
            while target > t.total:
                target -= t.total
                year += 1
                if year > _dt.MAXYEAR:
                    raise OverflowError("deadline falls after year 9999")
                t = self._year(year)
            # smallest j with prefix[j+1] >= target: that day is the target-th working day
            j = bisect_left(t.prefix, target) - 1
            return _dt.date.fromordinal(t.start + j)
        m = -n
        if d.month == 1 and d.day == 1:
            year = d.year - 1
            if year < _dt.MINYEAR:
                raise OverflowError("date falls before year 1")
            t = self._year(year)
            before = t.total
        else:
            year = d.year
            t = self._year(year)
            before = t.prefix[d.toordinal() - t.start]
        target = before - m + 1  # 1-based running count of the wanted day in this year
        while target < 1:
            year -= 1
            if year < _dt.MINYEAR:
                raise OverflowError("date falls before year 1")
            t = self._year(year)
            target += t.total
        j = bisect_left(t.prefix, target) - 1
        return _dt.date.fromordinal(t.start + j)

    def workdays_between(self, start: _dt.date, end: _dt.date) -> int:
        """Number of working days in (start, end]; negative (mirrored) when end < start.

        ``workdays_between(deadline, action)`` is how many working days late the action is:
        0 or less is on time.
        """
        if isinstance(start, _dt.datetime):
            start = start.date()
        if isinstance(end, _dt.datetime):
            end = end.date()
        if end < start:
            return -self.workdays_between(end, start)
        if end == start:
            return 0
        if start.month == 12 and start.day == 31:  # nothing of start's year is walked
            first_year, done_s = start.year + 1, 0
            ts = self._year(first_year)
        else:
            first_year = start.year
            ts = self._year(first_year)
            done_s = ts.prefix[start.toordinal() - ts.start + 1]  # working days in [Jan 1, start]
        if end.year == first_year:
            return ts.prefix[end.toordinal() - ts.start + 1] - done_s
        count = ts.total - done_s
        for y in range(first_year + 1, end.year):
            count += self._year(y).total
        te = self._year(end.year)
        return count + te.prefix[end.toordinal() - te.start + 1]

    def explain(self, d: _dt.date, n: int, lang: str | None = None) -> list[WalkStep]:
        """Every day walked from ``d`` (exclusive) to ``add_workdays(d, n)`` (inclusive), in
        walking order, each with whether it counted and why (周末, 劳动节, 调休上班…)."""
        if isinstance(d, _dt.datetime):
            d = d.date()
        n = int(n)
        if n == 0:
            return []
        step = _dt.timedelta(days=1 if n > 0 else -1)
        steps: list[WalkStep] = []
        counted = 0
        day = d
        while counted < abs(n):
            day = day + step
            work, label = self.day_kind(day, lang)
            counted += work
            steps.append(WalkStep(day, work, label))
        return steps

    def next_workday(self, d: _dt.date) -> _dt.date:
        """``d`` itself when it is a working day, else the first working day after it."""
        return d if self.is_workday(d) else self.add_workdays(d, 1)


def default_calendar(warn: Warn | None = None, lang: str = "zh", as_of: _dt.date | None = None) -> WorkCalendar:
    """A calendar with no configured years (chinese-calendar plus Monday–Friday fallback)."""
    return WorkCalendar({}, warn=warn, lang=lang, as_of=as_of)


# ------------------------------------------------------------------------ dates
_DATE_RES = (
    re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})"),
    re.compile(r"(\d{4})/(\d{1,2})/(\d{1,2})"),
    re.compile(r"(\d{4})\.(\d{1,2})\.(\d{1,2})"),
    re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日?"),
    re.compile(r"(\d{4})(\d{2})(\d{2})"),
)
_FULLWIDTH = str.maketrans(
    "０１２３４５６７８９－／．",
    "0123456789-/.",
)


def parse_date(text: str) -> _dt.date:
    """Parse 2024-06-03, 2024/6/3, 2024.6.3, 2024年6月3日 or 20240603 (full-width digits too).

    Raises ValueError for any other shape and for impossible dates (2024-02-30).
    """
    s = str(text).strip().translate(_FULLWIDTH)
    for rx in _DATE_RES:
        m = rx.fullmatch(s)
        if m:
            y, mo, da = (int(g) for g in m.groups())
            try:
                return _dt.date(y, mo, da)
            except ValueError:
                raise ValueError(f"impossible date: {text!r}") from None
    raise ValueError(f"unrecognised date: {text!r}")
