"""Read the State Council's yearly holiday notice (国务院办公厅关于XXXX年部分节假日安排的通知).

Each November the General Office of the State Council publishes the next year's arrangement in a
fixed style::

    一、元旦：1月1日（周四）至3日（周六）放假调休，共3天。1月4日（周日）上班。
    二、春节：2月15日（农历腊月二十八、周日）至23日（农历正月初七、周一）放假调休，共9天。
    2月14日（周六）、2月28日（周六）上班。
    五、端午节：6月10日放假，与周末连休。

:func:`parse_notice` turns that text (pasted, saved as .txt or saved as the web page) into a
:class:`Schedule`: each numbered item with the days off it names, its makeup working days (上班)
and the total it states (共N天). The text is read, never guessed: every clause of every item must
be one of the shapes the notices use, every date must exist, a weekday in parentheses must be the
date's weekday, a stated total must equal the days of the range, a makeup day must be a weekend
day, "与周末连休" must touch a weekend, and the weekdays an item takes off must equal the statutory
days of that festival (《全国年节及纪念日放假办法》第二条) plus its makeup days — which is how a
missing "…上班" sentence is caught. Anything else raises :class:`NoticeError` naming the sentence.

Sentences of an item that encourage rather than decide (鼓励…休息) are kept as notes and do not
make a day off; sentences without dates (节假日期间，各地区…) are the notice's closing words.
"""

from __future__ import annotations

import datetime as _dt
import html.parser
import re
import unicodedata
from dataclasses import dataclass, field

from .workdays import YearSpec

__all__ = [
    "Festival",
    "NoticeError",
    "Schedule",
    "STATUTORY_SOURCE",
    "decode_notice",
    "parse_notice",
    "statutory_days",
]

WEEKDAYS = "一二三四五六日"
STATUTORY_SOURCE = "《全国年节及纪念日放假办法》第二条"
MAX_NOTICE_BYTES = 5 * 1024 * 1024


class NoticeError(ValueError):
    """Text that cannot be read as a notice. ``sentence`` is the sentence as written (None when the
    problem is not in one sentence); :meth:`message` gives the clerk's message."""

    def __init__(self, zh: str, en: str, sentence: str | None = None) -> None:
        super().__init__(en)
        self.zh = zh
        self.en = en
        self.sentence = sentence

    def message(self, lang: str = "zh") -> str:
        if lang == "en":
            where = f"in the sentence “{self.sentence}”: " if self.sentence else ""
            return f"cannot read the notice: {where}{self.en}"
        where = f"句子“{self.sentence}”：" if self.sentence else ""
        return f"无法读取通知：{where}{self.zh}"

    def __str__(self) -> str:
        return self.message("zh")


# ------------------------------------------------------------------------------ statutory days
# 《全国年节及纪念日放假办法》第二条: the festivals every citizen has off, in days. Revised by
# 国务院令第795号 (2024-11-10), in force from 2025-01-01: 春节 gains 除夕 and 劳动节 gains 5月2日.
# Before 2008 the festivals were different (no 清明、端午、中秋; 劳动节 3 days): not checked.
_STATUTORY_2008 = {"元旦": 1, "春节": 3, "清明节": 1, "劳动节": 1, "端午节": 1, "中秋节": 1, "国庆节": 3}
_STATUTORY_2025 = {**_STATUTORY_2008, "春节": 4, "劳动节": 2}


def statutory_days(name: str, year: int) -> int | None:
    """Days off the law gives the festival ``name`` in ``year``; None when not known."""
    if year < 2008:
        return None
    table = _STATUTORY_2025 if year >= 2025 else _STATUTORY_2008
    return table.get(name)


# ------------------------------------------------------------------------------ reading the text
class _Text(html.parser.HTMLParser):
    """Text of a saved web page: block elements become line breaks, scripts and styles vanish."""

    _BLOCK = {"p", "div", "br", "li", "tr", "td", "h1", "h2", "h3", "h4", "h5", "h6", "section",
              "article", "table", "ul", "ol", "title"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self._skip += 1
        elif tag in self._BLOCK:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self._skip = max(0, self._skip - 1)
        elif tag in self._BLOCK:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def decode_notice(data: bytes) -> str:
    """The text of a notice file: UTF-8 (with or without BOM) or GB18030 as saved by Windows; a saved
    web page (.html) is reduced to its text."""
    if len(data) > MAX_NOTICE_BYTES:
        raise NoticeError(
            f"文件过大（{len(data)} 字节）；通知全文只有几千字，请只保存通知正文",
            f"the file is too large ({len(data)} bytes); a notice is a few thousand characters",
        )
    text = None
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    if text is None:
        raise NoticeError("文件既不是 UTF-8 也不是 GB18030 编码的文本", "the file is neither UTF-8 nor GB18030 text")
    if re.search(r"<\s*(html|body|p|div|br)\b", text, re.I):
        parser = _Text()
        parser.feed(text)
        parser.close()
        text = "".join(parser.parts)
    return text


class _Norm:
    """The text with full-width forms folded (NFKC: ：（），１ → :(),1) and all whitespace removed, and
    for every character the index of the character it came from, so messages quote the original."""

    def __init__(self, raw: str) -> None:
        self.raw = raw
        chars: list[str] = []
        origin: list[int] = []
        for i, ch in enumerate(raw):
            if ch.isspace():
                continue
            folded = unicodedata.normalize("NFKC", ch)
            for f in folded:
                if not f.isspace():
                    chars.append(f)
                    origin.append(i)
        self.text = "".join(chars)
        self.origin = origin

    def quote(self, start: int, end: int) -> str:
        """The original text of normalised span [start, end), whitespace collapsed."""
        if start >= end or start >= len(self.origin):
            return ""
        a = self.origin[start]
        b = self.origin[min(end, len(self.origin)) - 1] + 1
        return re.sub(r"\s+", " ", self.raw[a:b]).strip()


# ------------------------------------------------------------------------------ the schedule
@dataclass(frozen=True)
class Festival:
    """One numbered item of the notice (一、元旦：…)."""

    number: str
    name: str
    text: str = field(compare=False)  # the item as written (two spellings of one item compare equal)
    days_off: tuple[_dt.date, ...]  # the days the notice names as days off (ranges, single days, 补休)
    makeup: tuple[_dt.date, ...]  # the makeup working days (…上班)
    stated_total: int | None  # 共N天 / 放假N天
    joined_weekend: tuple[_dt.date, ...] = ()  # the weekend joined by 与周末连休 (already days off)
    statutory: int | None = None  # days the law gives these festivals; None: not checked

    @property
    def names(self) -> tuple[str, ...]:
        """The festivals of the item: 国庆节、中秋节 → (国庆节, 中秋节)."""
        return tuple(n for n in self.name.split("、") if n)

    @property
    def length(self) -> int:
        """Days of the whole break, the joined weekend included."""
        return len(self.days_off) + len(self.joined_weekend)

    @property
    def weekdays_off(self) -> int:
        return sum(1 for d in self.days_off if d.weekday() < 5)


@dataclass(frozen=True)
class Schedule:
    """A year's arrangement as read from the notice."""

    year: int
    festivals: tuple[Festival, ...]
    notes: tuple[str, ...] = field(default=(), compare=False)  # sentences deciding no day (鼓励…), as written
    reference: str = ""  # 国办发明电〔2024〕12号, when the text carries it
    title: str = field(default="")

    def holidays(self) -> dict[_dt.date, str]:
        """Every day the notice names as a day off, with its festival's name."""
        return {d: f.name for f in self.festivals for d in f.days_off}

    def workdays(self) -> dict[_dt.date, str]:
        """Every makeup working day, with the festival it belongs to."""
        return {d: f.name for f in self.festivals for d in f.makeup}

    def years(self) -> list[int]:
        """The years the notice touches (its own, and the previous one when 元旦 reaches back)."""
        return sorted({d.year for d in self.holidays()} | {d.year for d in self.workdays()} | {self.year})

    def year_spec(self, year: int | None = None) -> YearSpec:
        """The ``[calendar.YYYY]`` content for ``year`` (default: the notice's year)."""
        y = self.year if year is None else year
        hol = {d: n for d, n in self.holidays().items() if d.year == y}
        return YearSpec(
            holidays=frozenset(hol),
            workdays=frozenset(d for d in self.workdays() if d.year == y),
            names=dict(sorted(hol.items())),
        )


# ------------------------------------------------------------------------------ parsing
_ITEM = re.compile(r"(?:^|(?<=[。:;]))([一二三四五六七八九十]{1,3})、([\u4e00-\u9fff、]{1,16}?):")
_TITLE_YEAR = re.compile(r"关于(\d{4})年部分节假日安排的通知")
_PREAMBLE_YEAR = re.compile(r"现将(\d{4})年")
_REFERENCE = re.compile(r"国办发明电〔\d{4}〕\d+号")
_DATE = re.compile(r"(?:(\d{4})年)?(?:(\d{1,2})月)?(\d{1,2})日(?:\(([^()]*)\))?")
_ANY_DATE = re.compile(r"\d{1,2}月\d{1,2}日")
_WEEKDAY = re.compile(r"(?:周|星期)([一二三四五六日天])")
_LUNAR = re.compile(r"农历|除夕|腊月|正月|初[一二三四五六七八九十]")
_NUMERALS = "一二三四五六七八九十"

_RANGE = re.compile(r"D至D放假(?:调休)?")
_SINGLE = re.compile(r"D放假(?:调休)?(?:(\d+)天)?")
_BUXIU = re.compile(r"D补休")
_MAKEUP = re.compile(r"D(?:[、和及]D)*(?:调休)?上班")
_TOTAL = re.compile(r"共(\d+)天")
_NOSWAP = re.compile(r"不调休")
_JOIN = re.compile(r"与周末连休")


def _numeral(n: int) -> str:
    if n <= 10:
        return _NUMERALS[n - 1]
    if n < 20:
        return "十" + _NUMERALS[n - 11]
    return _NUMERALS[n // 10 - 1] + "十" + (_NUMERALS[n % 10 - 1] if n % 10 else "")


def _show(d: _dt.date, year: int) -> str:
    return f"{d.month}月{d.day}日" if d.year == year else f"{d.year}年{d.month}月{d.day}日"


def _span_text(days: list[_dt.date], year: int) -> str:
    return f"{_show(days[0], year)}至{_show(days[-1], year)}" if len(days) > 1 else _show(days[0], year)


@dataclass
class _Date:
    year: int | None
    month: int | None
    day: int
    remark: str | None
    written: str


class _Item:
    """Parses one numbered item into a :class:`Festival`."""

    def __init__(self, norm: _Norm, year: int, number: str, name: str, start: int, end: int) -> None:
        self.norm = norm
        self.year = year
        self.number = number
        self.name = name
        self.start = start
        self.end = end
        self.days_off: list[_dt.date] = []
        self.makeup: list[_dt.date] = []
        self.totals: list[tuple[int, str]] = []
        self.join: str | None = None  # the sentence saying 与周末连休
        self.notes: list[str] = []
        self.first_sentence: str = ""

    def fail(self, zh: str, en: str, sentence: str) -> NoticeError:
        return NoticeError(f"第{self.number}项（{self.name}）{zh}", f"item {self.number} ({self.name}): {en}", sentence)

    def parse(self, body_start: int) -> Festival:
        text = self.norm.text
        pos = body_start
        for piece in re.split(r"(?<=。)", text[body_start:self.end]):
            s, e = pos, pos + len(piece)
            pos = e
            sentence = piece.rstrip("。")
            if not sentence:
                continue
            quoted = self.norm.quote(s, e)
            if not self.first_sentence:
                self.first_sentence = quoted
            if "鼓励" in sentence:
                self.notes.append(quoted)
                continue
            if not re.search("放假|上班|补休", sentence):
                if _ANY_DATE.search(sentence):
                    raise self.fail("有日期，但没有说是放假还是上班", "it has a date but says neither 放假 nor 上班",
                                    quoted)
                continue  # the closing words (节假日期间…) have no dates
            for clause in re.split(r"[,;]", sentence):
                if clause:
                    self._clause(clause, quoted)
        return self._festival()

    # -------------------------------------------------------------- one clause
    def _dates(self, clause: str, quoted: str) -> tuple[str, list[_Date]]:
        dates: list[_Date] = []

        def sub(m: re.Match[str]) -> str:
            y, mo, da, remark = m.groups()
            written = m.group(0).split("(", 1)[0]  # the date without its remark, for messages
            dates.append(_Date(int(y) if y else None, int(mo) if mo else None, int(da), remark, written))
            return "D"

        return _DATE.sub(sub, clause), dates

    def _resolve(self, d: _Date, month: int | None, year: int, quoted: str) -> _dt.date:
        m = d.month if d.month is not None else month
        if m is None:
            raise self.fail(f"“{d.written}”没有写月份", f"“{d.written}” has no month", quoted)
        y = d.year if d.year is not None else year
        try:
            day = _dt.date(y, m, d.day)
        except ValueError:
            raise self.fail(f"日期“{d.written}”不存在（{y}年没有{m}月{d.day}日）",
                            f"“{d.written}” is not a real date ({y}-{m:02d}-{d.day:02d} does not exist)",
                            quoted) from None
        if d.remark is not None:
            self._check_remark(day, d, quoted)
        return day

    def _check_remark(self, day: _dt.date, d: _Date, quoted: str) -> None:
        for part in re.split(r"[、,]", d.remark or ""):
            if not part:
                continue
            wm = _WEEKDAY.fullmatch(part)
            if wm:
                said = "日" if wm.group(1) == "天" else wm.group(1)
                actual = WEEKDAYS[day.weekday()]
                if said != actual:
                    raise self.fail(
                        f"{_show(day, self.year)}是周{actual}，通知写的是“{part}”",
                        f"{day.isoformat()} is a {day.strftime('%A')}, the notice says “{part}”", quoted)
            elif _LUNAR.search(part):
                continue  # 农历 remarks: not checked
            else:
                raise self.fail(f"括号中的“{part}”无法识别", f"cannot read “{part}” in parentheses", quoted)

    def _default_year(self, d: _Date) -> int:
        # 元旦 of the notice's year can only reach back into the previous December
        if d.year is None and d.month == 12 and "元旦" in self.names():
            return self.year - 1
        return self.year

    def names(self) -> list[str]:
        return [n for n in self.name.split("、") if n]

    def _clause(self, clause: str, quoted: str) -> None:
        shape, dates = self._dates(clause, quoted)
        if _RANGE.fullmatch(shape):
            a, b = dates
            if a.year is None and b.year is None and a.month is not None and b.month is not None and a.month > b.month:
                ya, yb = self.year - 1, self.year  # 12月31日至1月2日: 元旦 across the new year
            else:
                ya = self._default_year(a)
                yb = b.year if b.year is not None else (ya if b.month is None else self._default_year(b))
            start = self._resolve(a, None, ya, quoted)
            end = self._resolve(b, start.month, yb, quoted)
            if end < start:
                raise self.fail(f"{_show(end, self.year)}早于{_show(start, self.year)}",
                                f"the range ends ({end}) before it starts ({start})", quoted)
            if (end - start).days > 31:
                raise self.fail("放假区间超过一个月", "the range is longer than a month", quoted)
            self._add_off([start + _dt.timedelta(days=i) for i in range((end - start).days + 1)], quoted)
            return
        m = _SINGLE.fullmatch(shape)
        if m:
            (a,) = dates
            self._add_off([self._resolve(a, None, self._default_year(a), quoted)], quoted)
            if m.group(1):
                self.totals.append((int(m.group(1)), quoted))
            return
        if _BUXIU.fullmatch(shape):
            (a,) = dates
            self._add_off([self._resolve(a, None, self._default_year(a), quoted)], quoted)
            return
        if _MAKEUP.fullmatch(shape):
            for a in dates:
                day = self._resolve(a, None, self._default_year(a), quoted)
                if day.weekday() < 5:
                    raise self.fail(f"调休上班日{_show(day, self.year)}是周{WEEKDAYS[day.weekday()]}，本来就是工作日",
                                    f"the makeup working day {day} is a weekday, a working day anyway", quoted)
                if day in self.makeup:
                    raise self.fail(f"{_show(day, self.year)}重复", f"{day} is listed twice", quoted)
                self.makeup.append(day)
            return
        m = _TOTAL.fullmatch(shape)
        if m:
            self.totals.append((int(m.group(1)), quoted))
            return
        if _NOSWAP.fullmatch(shape):
            return
        if _JOIN.fullmatch(shape):
            self.join = quoted
            return
        raise self.fail(f"无法识别“{clause}”", f"cannot read “{clause}”", quoted)

    def _add_off(self, days: list[_dt.date], quoted: str) -> None:
        for d in days:
            if d in self.days_off:
                raise self.fail(f"{_show(d, self.year)}重复", f"{d} is listed twice", quoted)
            self.days_off.append(d)

    # -------------------------------------------------------------- the checks of an item
    def _festival(self) -> Festival:
        item_text = self.norm.quote(self.start, self.end)
        if not self.days_off:
            raise self.fail("没有读到放假日期", "no days off found", self.first_sentence or item_text)
        days = sorted(self.days_off)
        for d in days + self.makeup:
            if d.year not in (self.year, self.year - 1) or (d.year == self.year - 1 and d.month != 12):
                raise self.fail(f"{d.isoformat()} 不在 {self.year} 年", f"{d} is not in {self.year}",
                                self.first_sentence or item_text)
        both = sorted(set(days) & set(self.makeup))
        if both:
            raise self.fail(f"{_show(both[0], self.year)}既放假又上班", f"{both[0]} is both a day off and a working day",
                            item_text)
        joined: list[_dt.date] = []
        if self.join is not None:
            first, last = days[0], days[-1]
            if last.weekday() == 4:
                joined = [last + _dt.timedelta(days=1), last + _dt.timedelta(days=2)]
            elif first.weekday() == 0:
                joined = [first - _dt.timedelta(days=2), first - _dt.timedelta(days=1)]
            else:
                raise self.fail(
                    f"写了“与周末连休”，但{_show(first, self.year)}是周{WEEKDAYS[first.weekday()]}，不挨着周末",
                    f"it says 与周末连休 but {first} is a {first.strftime('%A')}, next to no weekend", self.join)
        length = len(days) + len(joined)
        stated = None
        for total, quoted in self.totals:
            if stated is not None and total != stated:
                raise self.fail(f"前后写的天数不同（{stated}天、{total}天）", f"two different totals ({stated}, {total})",
                                quoted)
            stated = total
            if total != length:
                span = _span_text(days, self.year)
                raise self.fail(
                    f"写的是共{total}天，但{span}是 {length} 天",
                    f"it states {total} days but {days[0]}–{days[-1]} is {length} days", quoted)
        statutory = None
        parts = [statutory_days(n, self.year) for n in self.names()]
        if parts and all(p is not None for p in parts):
            statutory = sum(p for p in parts if p is not None)
            taken = sum(1 for d in days if d.weekday() < 5)
            owed = statutory + len(self.makeup)
            sentence = self.first_sentence or item_text
            if taken > owed:
                raise self.fail(
                    f"放假的 {taken} 个工作日中，法定假日 {statutory} 天（{STATUTORY_SOURCE}），"
                    f"调休上班只有 {len(self.makeup)} 天，还差 {taken - owed} 个调休上班日——"
                    f"是否漏了“……上班”一句？",
                    f"the break takes {taken} weekdays off: {statutory} statutory days ({STATUTORY_SOURCE}) and "
                    f"{len(self.makeup)} makeup working days leave {taken - owed} unaccounted for — "
                    f"is the sentence ending in 上班 missing?", sentence)
            if taken < owed:
                raise self.fail(
                    f"放假只占 {taken} 个工作日，少于法定假日 {statutory} 天加调休上班 {len(self.makeup)} 天",
                    f"the break takes only {taken} weekdays off, fewer than {statutory} statutory days plus "
                    f"{len(self.makeup)} makeup working days", sentence)
        return Festival(
            number=self.number,
            name=self.name,
            text=item_text,
            days_off=tuple(days),
            makeup=tuple(sorted(self.makeup)),
            stated_total=stated,
            joined_weekend=tuple(joined),
            statutory=statutory,
        )


def _find_year(norm: _Norm, head_end: int, year: int | None) -> int:
    head = norm.text[:head_end]
    found = sorted({int(y) for y in _TITLE_YEAR.findall(head)} | {int(y) for y in _PREAMBLE_YEAR.findall(head)})
    if len(found) > 1:
        raise NoticeError(f"通知中出现了不同的年份：{'、'.join(map(str, found))}",
                          f"the notice names different years: {', '.join(map(str, found))}")
    if year is not None:
        if found and found[0] != year:
            raise NoticeError(f"通知是 {found[0]} 年的，不是 {year} 年的", f"the notice is for {found[0]}, not {year}")
        return year
    if not found:
        raise NoticeError(
            "找不到通知的年份：请连同标题“国务院办公厅关于XXXX年部分节假日安排的通知”或“现将XXXX年……”一句一起复制，"
            "或用 --year 指定年份",
            "cannot find the year: copy the title (国务院办公厅关于XXXX年部分节假日安排的通知) or the sentence "
            "现将XXXX年… with the items, or give --year")
    return found[0]


def _check_complete(head: str, year: int, festivals: list[Festival]) -> None:
    """Every festival the notice announces (现将…元旦、春节…和国庆节放假调休日期…) — or, without that
    sentence, every festival of the law — must have its item: a text copied only in part is refused."""
    m = re.search(r"现将\d{4}年(.+?)放假调休日期", head)
    if m:
        wanted = [n for n in re.split(r"[、和及]", m.group(1)) if n]
    elif year >= 2008:
        wanted = list(_STATUTORY_2008)
    else:
        return
    have = {n for f in festivals for n in f.names}
    missing = [n for n in wanted if n not in have]
    if missing:
        raise NoticeError(
            f"没有读到“{'、'.join(missing)}”的安排——是否只复制了通知的一部分？请复制全文",
            f"no arrangement found for {', '.join(missing)} — was only part of the notice copied? Copy all of it")


def parse_notice(text: str, year: int | None = None) -> Schedule:
    """Read the notice's text into a :class:`Schedule`; raise :class:`NoticeError` naming the sentence
    that cannot be read. ``year``: the year of the notice, when the text does not carry its title."""
    norm = _Norm(text)
    t = norm.text
    marks = list(_ITEM.finditer(t))
    if not marks:
        raise NoticeError(
            "没有找到“一、元旦：……”这样的编号条目；请复制通知正文",
            "no numbered items such as “一、元旦：…” found; copy the body of the notice")
    y = _find_year(norm, marks[0].start(), year)
    # the notice ends at its signature (国务院办公厅 and the date); what a web page adds after is not read
    sign = t.find("国务院办公厅", marks[0].end())
    stop = sign if sign >= 0 else len(t)
    marks = [m for m in marks if m.start() < stop]
    festivals: list[Festival] = []
    notes: list[str] = []
    seen_off: dict[_dt.date, str] = {}
    seen_work: dict[_dt.date, str] = {}
    for i, m in enumerate(marks):
        number, name = m.group(1), m.group(2)
        expected = _numeral(i + 1)
        end = marks[i + 1].start() if i + 1 < len(marks) else stop
        if number != expected:
            raise NoticeError(
                f"条目编号应为“{expected}、”，这里是“{number}、”——是否漏复制了一项？",
                f"item number should be {expected}, found {number} — was an item left out?",
                norm.quote(m.start(), end))
        item = _Item(norm, y, number, name, m.start(), end)
        fest = item.parse(m.end())
        notes.extend(item.notes)
        for d in fest.days_off:
            if d in seen_off:
                raise NoticeError(f"{_show(d, y)}在“{seen_off[d]}”和“{name}”中都放假",
                                  f"{d} is a day off in both {seen_off[d]} and {name}", fest.text)
            if d in seen_work:
                raise NoticeError(f"{_show(d, y)}在“{seen_work[d]}”中是调休上班日，在“{name}”中又放假",
                                  f"{d} is a makeup working day of {seen_work[d]} and a day off of {name}", fest.text)
            seen_off[d] = name
        for d in fest.makeup:
            if d in seen_off or d in seen_work:
                other = seen_off.get(d) or seen_work.get(d)
                raise NoticeError(f"{_show(d, y)}在“{other}”中已出现，在“{name}”中又是调休上班日",
                                  f"{d} appears in {other} and again as a makeup working day of {name}", fest.text)
            seen_work[d] = name
        festivals.append(fest)
    _check_complete(t[:marks[0].start()], y, festivals)
    ref = _REFERENCE.search(t[:marks[0].start()])
    return Schedule(
        year=y,
        festivals=tuple(festivals),
        notes=tuple(notes),
        reference=ref.group(0) if ref else "",
        title=f"国务院办公厅关于{y}年部分节假日安排的通知",
    )
