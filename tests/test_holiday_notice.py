"""The State Council's holiday notices, read by certctl.holiday_notice.

The published notices (tests/fixtures/holiday_notices/) must give exactly the days chinese-calendar
has for their years. What "the same" means, day by day over the whole year:

- working status: certctl's calendar built from the notice alone says a day is a working day
  exactly when chinese-calendar does (so every deadline agrees);
- every day the notice names as a day off is a named holiday in chinese-calendar, of one of the
  item's festivals (国庆节、中秋节: either), and every weekday chinese-calendar has off is one the
  notice names — weekend days inside a run are named by both; the weekend joined by 与周末连休 is
  not named by the notice, and chinese-calendar is not consistent there (2023-12-30/31 named 元旦,
  2024-06-08/09 not named 端午节), so those days are compared on status only;
- every makeup day of the notice is a working weekend day that chinese-calendar ties to the same
  festival, and every working weekend day of chinese-calendar is a makeup day of the notice.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from pathlib import Path

import chinese_calendar as cc
import pytest

from certctl.holiday_notice import NoticeError, decode_notice, parse_notice, statutory_days
from certctl.workdays import _HOLIDAY_ZH, WorkCalendar

FIXTURES = Path(__file__).parent / "fixtures" / "holiday_notices"
D = dt.date


def notice(name: str) -> str:
    """The notice text of a fixture, without its '#' header."""
    text = (FIXTURES / name).read_text(encoding="utf-8")
    return "\n".join(line for line in text.splitlines() if not line.startswith("#"))


def days_of(year: int) -> list[dt.date]:
    first = D(year, 1, 1)
    return [first + dt.timedelta(days=i) for i in range((D(year + 1, 1, 1) - first).days)]


def library_festivals(d: dt.date) -> set[str]:
    """The Chinese festival names chinese-calendar gives a day (empty when none)."""
    _off, name = cc.get_holiday_detail(d)
    if not name:
        return set()
    return set(_HOLIDAY_ZH.get(name, name).split("、"))


def compare_with_library(text: str, year: int) -> int:
    """Assert the notice gives exactly chinese-calendar's year; the number of days compared."""
    s = parse_notice(text)
    assert s.year == year
    mine = WorkCalendar({y: s.year_spec(y) for y in s.years()})
    holidays, workdays = s.holidays(), s.workdays()
    compared = 0
    for d in days_of(year) + sorted(d for d in holidays if d.year != year):
        off, _name = cc.get_holiday_detail(d)
        assert mine.is_workday(d) == (not off), d
        if d in holidays:
            assert off and library_festivals(d) & set(holidays[d].split("、")), (d, holidays[d], _name)
        if d in workdays:
            assert not off and d.weekday() >= 5, d
            assert library_festivals(d) & set(workdays[d].split("、")), (d, workdays[d], _name)
        if off and d.weekday() < 5:
            assert d in holidays, f"{d}: a weekday off in chinese-calendar that the notice does not name"
        if not off and d.weekday() >= 5:
            assert d in workdays, f"{d}: a working weekend day in chinese-calendar that the notice does not name"
        compared += 1
    return compared


@pytest.mark.parametrize("year", [2024, 2025, 2026])
def test_published_notice_gives_the_library_year_day_by_day(year: int) -> None:
    assert compare_with_library(notice(f"{year}.txt"), year) == len(days_of(year))


@pytest.mark.parametrize("year", [2017, 2023])
def test_older_styles_补休_and_across_the_new_year(year: int) -> None:
    # 2017: 1月1日放假，1月2日（星期一）补休; 2023: 2022年12月31日至2023年1月2日
    assert compare_with_library(notice(f"{year}.txt"), year) >= 365


@pytest.mark.parametrize("year", [2017, 2023, 2024, 2025, 2026])
def test_half_width_punctuation_reads_the_same(year: int) -> None:
    text = notice(f"{year}.txt")
    folded = unicodedata.normalize("NFKC", text)
    assert folded != text
    assert parse_notice(folded) == parse_notice(text)


def test_one_line_paste_and_星期_or_周_read_the_same() -> None:
    text = notice("2026.txt")
    one_line = " ".join(text.split())
    assert parse_notice(one_line) == parse_notice(text)
    assert parse_notice(text.replace("（周", "（星期")) == parse_notice(text)


def test_what_the_2026_notice_says() -> None:
    s = parse_notice(notice("2026.txt"))
    spring = s.festivals[1]
    assert (spring.number, spring.name, spring.stated_total, spring.statutory) == ("二", "春节", 9, 4)
    assert spring.days_off == tuple(D(2026, 2, 15) + dt.timedelta(days=i) for i in range(9))
    assert spring.makeup == (D(2026, 2, 14), D(2026, 2, 28))
    assert [f.name for f in s.festivals] == ["元旦", "春节", "清明节", "劳动节", "端午节", "中秋节", "国庆节"]
    assert s.notes and s.notes[0].startswith("鼓励单位和个人")
    spec = s.year_spec()
    assert len(spec.holidays) == 33 and len(spec.workdays) == 6
    assert spec.names[D(2026, 10, 7)] == "国庆节"


def test_2024_与周末连休_and_the_encouraged_除夕_is_not_a_day_off() -> None:
    s = parse_notice(notice("2024.txt"))
    new_year, spring, dragon = s.festivals[0], s.festivals[1], s.festivals[4]
    assert new_year.days_off == (D(2024, 1, 1),) and new_year.joined_weekend == (D(2023, 12, 30), D(2023, 12, 31))
    assert dragon.days_off == (D(2024, 6, 10),) and dragon.joined_weekend == (D(2024, 6, 8), D(2024, 6, 9))
    assert D(2024, 2, 9) not in s.holidays()
    assert any("除夕" in n and "2月9日" in n for n in s.notes)
    assert spring.makeup == (D(2024, 2, 4), D(2024, 2, 18))
    assert s.reference == "国办发明电〔2023〕7号"
    assert s.years() == [2024]  # the joined weekend is not written anywhere


def test_2023_range_across_the_new_year_touches_2022() -> None:
    s = parse_notice(notice("2023.txt"))
    assert s.festivals[0].days_off == (D(2022, 12, 31), D(2023, 1, 1), D(2023, 1, 2))
    assert s.years() == [2022, 2023]
    assert s.year_spec(2023).holidays >= {D(2023, 1, 1), D(2023, 1, 2)}
    assert s.year_spec(2022).holidays == frozenset({D(2022, 12, 31)})


def test_range_across_the_new_year_without_years() -> None:
    text = notice("2023.txt").replace("2022年12月31日至2023年1月2日", "12月31日至1月2日")
    assert parse_notice(text) == parse_notice(notice("2023.txt"))


def test_range_across_months() -> None:
    s = parse_notice(notice("2023.txt"))
    autumn = s.festivals[5]
    assert autumn.name == "中秋节、国庆节" and autumn.names == ("中秋节", "国庆节")
    assert autumn.days_off[0] == D(2023, 9, 29) and autumn.days_off[-1] == D(2023, 10, 6) and autumn.length == 8


def test_saved_web_page_gbk_and_bom() -> None:
    text = notice("2025.txt")
    body = "".join(f"<p>{line}</p>" for line in text.splitlines())
    page = f"<html><head><title>x</title><script>var a='1月1日放假';</script></head><body>{body}</body></html>"
    expected = parse_notice(text)
    assert parse_notice(decode_notice(page.encode("utf-8"))) == expected
    assert parse_notice(decode_notice(text.encode("gb18030"))) == expected
    assert parse_notice(decode_notice(b"\xef\xbb\xbf" + text.encode("utf-8"))) == expected


def test_year_from_the_option_when_the_title_is_missing() -> None:
    items = notice("2026.txt").split("如下。", 1)[1]
    with pytest.raises(NoticeError) as e:
        parse_notice(items)
    assert "年份" in str(e.value) and "--year" in str(e.value)
    assert parse_notice(items, year=2026).holidays() == parse_notice(notice("2026.txt")).holidays()
    with pytest.raises(NoticeError) as e:
        parse_notice(notice("2026.txt"), year=2027)
    assert "2026" in str(e.value)


def test_statutory_days_follow_the_2024_revision() -> None:
    assert statutory_days("春节", 2024) == 3 and statutory_days("春节", 2025) == 4
    assert statutory_days("劳动节", 2024) == 1 and statutory_days("劳动节", 2025) == 2
    assert statutory_days("国庆节", 2026) == 3 and statutory_days("抗战胜利纪念日", 2026) is None


# ------------------------------------------------------------------------------ refused
def refused(text: str, year: int | None = None) -> NoticeError:
    with pytest.raises(NoticeError) as e:
        parse_notice(text, year)
    return e.value


def test_missing_上班_sentence_is_refused_naming_the_sentence() -> None:
    text = notice("2026.txt").replace("2月14日（周六）、2月28日（周六）上班。", "")
    err = refused(text)
    assert err.sentence is not None and err.sentence.startswith("2月15日（农历腊月二十八、周日）至23日")
    assert "春节" in err.zh and "上班" in err.zh and "差 2 个" in err.zh
    assert "2月15日（农历腊月二十八、周日）至23日" in err.message("zh")
    assert "makeup" in err.message("en")


def test_one_makeup_day_too_few_is_refused() -> None:
    err = refused(notice("2024.txt").replace("9月29日（星期日）、10月12日（星期六）上班", "9月29日（星期日）上班"))
    assert "国庆节" in err.zh and "差 1 个" in err.zh


def test_total_that_does_not_match_the_range() -> None:
    err = refused(notice("2025.txt").replace("放假调休，共8天。1月26日", "放假调休，共7天。1月26日"))
    assert err.sentence == "1月28日（农历除夕、周二）至2月4日（农历正月初七、周二）放假调休，共7天。"
    assert "共7天" in err.zh and "8 天" in err.zh


def test_date_that_does_not_exist() -> None:
    err = refused(notice("2026.txt").replace("2月28日（周六）上班", "2月30日（周六）上班"))
    assert "2月30日" in err.zh and "不存在" in err.zh
    assert err.sentence is not None and "2月30日" in err.sentence
    # the corrupted copy of the 2017 notice found on the web: "0月1日至8日"
    err = refused(notice("2017.txt").replace("10月1日至8日", "0月1日至8日"))
    assert "0月1日" in err.zh and "不存在" in err.zh


def test_weekday_that_contradicts_the_date() -> None:
    err = refused(notice("2026.txt").replace("1月4日（周日）上班", "1月4日（周六）上班"))
    assert "1月4日是周日" in err.zh and "周六" in err.zh
    assert err.sentence == "1月4日（周六）上班。"
    err = refused(notice("2024.txt").replace("9月14日（星期六）", "9月14日（星期五）"))
    assert "9月14日是周六" in err.zh


def test_makeup_day_on_a_weekday_is_refused() -> None:
    err = refused(notice("2026.txt").replace("5月9日（周六）上班", "5月11日（周一）上班"))
    assert "本来就是工作日" in err.zh


def test_与周末连休_away_from_a_weekend_is_refused() -> None:
    err = refused(notice("2024.txt").replace("6月10日放假，与周末连休", "6月12日放假，与周末连休"))
    assert "不挨着周末" in err.zh and err.sentence is not None and "6月12日" in err.sentence


def test_unreadable_clause_is_refused_not_guessed() -> None:
    err = refused(notice("2026.txt").replace("放假，共3天。\n\n  四", "放假，大约3天。\n\n  四"))
    assert "大约3天" in err.zh and err.sentence is not None and "4月4日" in err.sentence
    err = refused(notice("2026.txt").replace("（周四）至3日", "（下周四）至3日"))
    assert "下周四" in err.zh


def test_a_date_that_is_neither_off_nor_on_is_refused() -> None:
    err = refused(notice("2026.txt").replace("5月9日（周六）上班", "5月9日（周六）照常"))
    assert "既没有说是放假还是上班" in err.zh or "没有说是放假还是上班" in err.zh


def test_an_item_left_out_is_refused() -> None:
    text = notice("2026.txt")
    start, end = text.index("  三、清明节"), text.index("  四、劳动节")
    err = refused(text[:start] + text[end:])
    assert "“三、”" in err.zh and "四" in err.zh


def test_a_notice_copied_in_part_is_refused() -> None:
    text = notice("2026.txt")
    err = refused(text[:text.index("  五、端午节")])
    assert "端午节、中秋节、国庆节" in err.zh and "一部分" in err.zh
    items = text.split("如下。", 1)[1]  # without the sentence listing the festivals: the law's list
    err = refused(items[:items.index("  七、国庆节")], year=2026)
    assert "国庆节" in err.zh


def test_no_items_and_other_years_are_refused() -> None:
    assert "编号条目" in str(refused("国务院办公厅关于2027年部分节假日安排的通知\n今年的安排另行通知。"))
    err = refused(notice("2026.txt").replace("5月9日（周六）上班", "2027年5月8日（周六）上班"))
    assert "不在 2026 年" in err.zh


def test_same_day_in_two_items_is_refused() -> None:
    err = refused(notice("2026.txt").replace("9月25日（周五）至27日（周日）放假，共3天", "10月2日（周五）放假，共1天"))
    assert "10月2日" in err.zh and "中秋节" in err.zh and "国庆节" in err.zh


def test_year_spec_of_every_library_year_gives_the_same_calendar() -> None:
    # what certctl writes for a December that 元旦 reaches back into: the library year as a table
    lib = WorkCalendar()
    for year in range(2004, 2027):
        spec = lib.year_spec(year)
        copy = WorkCalendar({year: spec})
        assert copy.source(year) == "config" and lib.source(year) == "library"
        for d in days_of(year):
            assert copy.day_kind(d) == lib.day_kind(d), d
