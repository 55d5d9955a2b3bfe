"""The validator's fast paths against their plain reference implementations (hypothesis):

- idcard.plain_ids (a whole ID column, a part at a time) against idcard.check_id, cell by cell;
- validate.columns.convert_column (distinct values once, plain names and numbers as they are)
  against validate.convert.convert_cell, cell by cell;
- validate.body.data_rows (only the rows that might not be data looked at) against
  data_rows_one_by_one (every row looked at);
- idcard's check character against the weighted sum written out;
- validate.columns.rows_where (each distinct value tested once) against testing every cell;
- validate.rules.duplicates.repeats (counted per sheet) against looking back row by row;
- validate.body.fill_in_hint (ideographs only: not cleaned) against fill_in_hint_plain;
- validate.header.names_some_column (ideographs or ASCII only: not cleaned) and names_three_columns
  (each line's texts made once, each join tested once) against their _plain references.
"""

from __future__ import annotations

import datetime as dt

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from certctl import forms as F
from certctl.idcard import check_char, check_id, make_id, plain_ids
from dataclasses import replace

from certctl.validate.body import Body, data_rows, data_rows_one_by_one, spread_merged
from certctl.validate.columns import IdColumns, convert_column, rows_where
from certctl.validate.rules.duplicates import Seen, repeats
from certctl.validate.convert import NO_ID, FormFacts, convert_cell

SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)

# ------------------------------------------------------------------------------ ID numbers
AREAS = ("320681", "320602", "611022", "610102", "110101", "999999", "710000", "910000", "320699")
valid_ids = st.builds(lambda area, birth, seq: make_id(area, birth, seq), st.sampled_from(AREAS),
                      st.dates(dt.date(1890, 1, 1), dt.date(2030, 12, 31)), st.integers(0, 999))


def _mutate(pid: str, how: int, where: int) -> object:
    where %= 18
    return [
        pid,
        pid[:where] + str((int(pid[where]) + 1) % 10 if pid[where].isdigit() else 0) + pid[where + 1:],
        pid.lower(),
        " " + pid,
        pid[:17],
        pid + "0",
        "'" + pid,
        pid.replace("0", "０"),
        int(pid[:17]) if pid[:17].isdigit() else pid,
        float(pid[:15]) if pid[:15].isdigit() else pid,
        pid[:6] + "20240230" + pid[14:],
        pid[:17] + "X",
    ][how % 12]


id_cells = st.one_of(
    st.builds(_mutate, valid_ids, st.integers(0, 11), st.integers(0, 17)),
    st.text(alphabet="0123456789Xx ", min_size=17, max_size=19),
    st.none(), st.just(""), st.booleans(), st.floats(), st.text(max_size=20),
)


@SETTINGS
@given(st.lists(id_cells, max_size=30))
@example(["32068119800517123X", "320681198005171234", 320681198005171234.0, "", None])
def test_plain_ids_agree_with_check_id(cells):
    for cell, fact in zip(cells, plain_ids(cells)):
        res = check_id(cell)
        clean = isinstance(cell, str) and res.problem is None and not res.changed and not res.area_unknown
        assert (fact is not None) == clean, cell
        if fact is not None:
            assert fact == (res.birth, res.male) and res.value == cell


@SETTINGS
@given(st.text(alphabet="0123456789", min_size=17, max_size=17))
def test_check_char_is_the_weighted_sum_mod_11(body):
    assert check_char(body) == "10X98765432"[sum(int(d) * w for d, w in zip(body, WEIGHTS)) % 11]


# ------------------------------------------------------------------------------ columns
def _cells(col: F.Column) -> st.SearchStrategy:
    """Values as a form's column holds them: a few repeated ones, the odd bad or unusual cell."""
    usual = {
        "name": st.sampled_from(["张伟", "李娜", "阿依古丽·买买提", "王 芳", "Tom Lee", "张3", "姓名"]),
        "cert": st.sampled_from(["32068112345678", "3206 8112345678", "abc123", "3.20681E+13", "行政执法证件号码"]),
        "unit": st.sampled_from(["启东市城市管理局", "启东市城市管理局 ", "所属主体", "#REF!"]),
        "enum": st.sampled_from(list(col.enum) + ["新增", "红色", "其它"]),
        "sex": st.sampled_from(["男", "女", "男性", "M", "性别"]),
        "date": st.one_of(st.dates(dt.date(2020, 1, 1), dt.date(2025, 1, 1)), st.sampled_from(["2024.6.3", "2024-02-30", "20240603"])),
        "number": st.sampled_from([64.0, 72, "24学时", "很多", -1.0]),
        "text": st.sampled_from(["调离", "备注", "＃N/A", "  "]),
        "id": id_cells,
    }[col.type]
    odd = st.one_of(st.none(), st.just(""), st.booleans(), st.sampled_from([0, 1, 1.0, 0.0, 45292.0]), st.text(max_size=8))
    return st.one_of(usual, usual, usual, odd)


COLUMNS = [c for spec in F.SPECS for c in spec.columns if c.type != "seq"]
FACTS = (FormFacts(dt.date(2024, 6, 3), "zh"), FormFacts(None, "en"))


@st.composite
def column_and_cells(draw):
    col = draw(st.sampled_from(COLUMNS))
    return col, draw(st.lists(_cells(col), max_size=25)), draw(st.sampled_from(FACTS))


@SETTINGS
@given(column_and_cells())
def test_convert_column_agrees_with_convert_cell(case):
    col, cells, facts = case
    values, problems = convert_column(cells, col, facts)
    for k, cell in enumerate(cells):
        value, found = convert_cell(cell, col, facts)
        if isinstance(values, IdColumns):
            got = (values.ids[k], values.ok[k], values.birth[k], values.male[k])
            assert got == tuple(value if value is not None else NO_ID), cell
        else:
            assert values[k] == value and type(values[k]) is type(value), cell
        assert problems.get(k, ()) == found, cell


# ------------------------------------------------------------------------------ data rows
SPEC = F.ANNEX1
COLS = tuple((c.key, i) for i, c in enumerate(c for c in SPEC.columns if c.key != "sign_date"))  # 9 columns
BODY = Body(SPEC, COLS, tuple(i for (key, i) in COLS if key != "seq"), 3, 8, 0)
ROW_KINDS = {
    "data": lambda n: [n, "张伟", "启东市城市管理局", make_id("320681", dt.date(1980, 5, 17), n), "男",
                       "3206811234", "录入归集", dt.date(2024, 5, 20), ""],
    "blank": lambda n: [""] * 9,
    "seq only": lambda n: [n] + [""] * 8,
    "note": lambda n: ["注：报送表格时，领证单位应当将原证件同时交还。"] + [""] * 8,
    "signature": lambda n: ["", "审核人：", "", "填表人：张伟", "", "", "", "", ""],
    "date line": lambda n: ["", "", "", "", "", "", "", "2024年6月3日", ""],
    "header": lambda n: ["序\n号", "姓名", "所属主体（受委托组织）全称", "身份证号码", "性别", "", "", "", ""],
    "two names": lambda n: ["", "姓名", "", "", "性别", "", "", "", ""],
    "total": lambda n: ["合计", "", "", "", "", "", "", "", ""],
    "id after note": lambda n: ["", "王芳", "", make_id("320681", dt.date(1985, 1, 2), n), "女", "", "", "", ""],
    "short": lambda n: [n, "李娜"],
    "hints": lambda n: ["", "（必填）", "（全称）", "(18位)", "", "", "", "（年月日）", ""],
    "hint later": lambda n: ["", "", "", "（18位）", "", "", "", "", "(备注)"],
    "name in brackets": lambda n: [n, "（张伟）", "启东市城市管理局", "", "", "", "", "", ""],
    "nothing": lambda n: ["", "本期无变动", "", "", "", "", "", "", ""],
    "nothing in the unit": lambda n: [n, "", "无", "", "", "", "", "", ""],
    "numbered 无": lambda n: [n, "无", "", "", "", "", "", "", ""],
    "a name with 无": lambda n: [n, "王无忌", "启东市城市管理局", make_id("320681", dt.date(1980, 5, 17), n), "男",
                                "3206811234", "录入归集", dt.date(2024, 5, 20), ""],
    "remark alone": lambda n: ["", "", "", "", "", "", "", "", "新证待签收。"],
    "remark, blank 序号": lambda n: ["  ", "", "", "", "", "", "", "", "（原证件已交回）"],
    "没 and 有": lambda n: [n, ["张没", "有才"][n % 2], "启东市城市管理局", "", "", "", "", "", ""],
    "template placeholders": lambda n: [n, "", "", "", "男/女", "", "请选择", "", "/"],
    "slashed row": lambda n: ["", "/", "—", "/", "/", "/", "/", "/", "/"],
    "请选择 first": lambda n: [n, "请选择", "", "", "", "", "", "", ""],
    "date cell line": lambda n: ["", "", "", "", "", "", "", dt.datetime(2024, 6, 3), ""],
    "numbered date": lambda n: [n, "", "", "", "", "", "", "2024年6月3日", ""],
}


@SETTINGS
@given(st.lists(st.sampled_from(sorted(ROW_KINDS)), max_size=30))
@example(["data", "note", "id after note", "date line"])
@example(["data", "header", "data", "total", "signature"])
@example(["data", "nothing", "a name with 无", "没 and 有", "没 and 有", "numbered 无"])
@example(["data", "请选择 first", "没 and 有", "template placeholders", "slashed row"])
@example(["data", "date line", "date cell line", "numbered date"])
@example(["remark alone", "data", "remark alone", "remark, blank 序号", "blank", "remark alone", "header", "remark alone"])
def test_data_rows_agree_with_one_by_one(kinds):
    rows = [ROW_KINDS[k](n) for n, k in enumerate(kinds, start=1)]
    if not rows:
        return
    width = 9
    columns = [[row[c] if c < len(row) else "" for row in rows] for c in range(width)]
    assert data_rows(rows, columns, BODY) == data_rows_one_by_one(rows, BODY)


@SETTINGS
@given(st.lists(st.sampled_from(sorted(ROW_KINDS)), min_size=1, max_size=20),
       st.lists(st.tuples(st.integers(0, 19), st.integers(0, 3), st.integers(0, 8), st.integers(0, 2)), max_size=4))
@example(["data", "blank", "remark alone"], [(0, 1, 0, 8)])
@example(["remark, blank 序号"], [(0, 1, 0, 1)])  # 序号's blank "  " merged over 姓名: a whitespace first data cell
def test_data_rows_agree_with_one_by_one_under_merged_ranges(kinds, ranges):
    """Ranges merged down (a unit over several people, a 备注 over two rows, a person two rows high):
    the rows they fill are looked at too, and both ways agree."""
    rows = [ROW_KINDS[k](n) for n, k in enumerate(kinds, start=1)]
    rows = [list(r) + [""] * (9 - len(r)) for r in rows]
    merged = [(r, c, min(r + down, len(rows) - 1), min(c + right, 8)) for r, down, c, right in ranges if r < len(rows)]
    below: dict[int, set[int]] = {}
    spread_merged(rows, merged, 0, below)
    body = replace(BODY, spread={r: frozenset(cs) for r, cs in below.items()})
    columns = [[row[c] for row in rows] for c in range(9)]
    assert data_rows(rows, columns, body) == data_rows_one_by_one(rows, body)


# ------------------------------------------------------------------------------ rows_where
@SETTINGS
@given(st.lists(st.one_of(st.none(), st.sampled_from(["在岗", "退休", "调离", "", "旧版"]), st.floats(0, 100),
                          st.integers(0, 100)), max_size=40),
       st.lists(st.booleans(), max_size=40), st.booleans())
def test_rows_where_agrees_with_testing_every_cell(cells, held, use_where):
    """rows_where tests each distinct value once; the reference tests every cell."""
    where = (held + [True] * len(cells))[:len(cells)] if use_where else None

    def test(v: object) -> bool:
        return v is not None and v != "在岗" and bool(v)

    expected = [k for k, v in enumerate(cells) if test(v) and (where is None or where[k])]
    assert rows_where(cells, test, where) == expected


# ------------------------------------------------------------------------------ duplicates
@SETTINGS
@given(st.lists(st.lists(st.sampled_from("ABCDE"), max_size=12), min_size=1, max_size=4))
def test_repeats_agree_with_looking_back_row_by_row(sheets):
    """duplicates.repeats (a Counter per sheet, only repeated values looked at) against looking back
    over every earlier row for each row."""
    seen = [Seen(f"s{n}", values, [10 * n + i for i in range(len(values))], values) for n, values in enumerate(sheets)]
    here, earlier = seen[-1], seen[:-1]
    everything = [(s, j) for s in seen for j in range(len(s.values))]
    expected = []
    for i, value in enumerate(here.values):
        before = [(s, j) for s, j in everything[:everything.index((here, i))] if s.values[j] == value]
        if before:
            expected.append((i, before[0][0].sheet, before[0][1]))
    assert [(i, first.sheet, j) for i, first, j in repeats(earlier, here)] == expected


@SETTINGS
@given(st.one_of(st.text(alphabet="张伟（）()﹙﹚⑴[]必填 \u3000\u200b\t\n18位年月日0aＡ\uf900\u2f00", max_size=8),
                 st.text(max_size=8), st.none(), st.integers(), st.floats()))
@example("（必填）")
@example("张伟")
def test_fill_in_hint_agrees_with_the_plain_one(v):
    from certctl.validate.body import fill_in_hint, fill_in_hint_plain

    assert fill_in_hint(v) == fill_in_hint_plain(v)


def _title_pieces() -> list[str]:
    """The catalogue's header titles, whole and cut in two or three (a title printed over header rows)."""
    out = set()
    for spec in F.SPECS:
        for col in spec.columns:
            for k in col.keys:
                out.update({k, k[: len(k) // 2], k[len(k) // 2:], k[: len(k) // 3], k[len(k) // 3:]})
    out.update({"原证件信息", "现证件信息", "原", "现"})  # group titles over annex 3's pairs of columns
    return sorted(t for t in out if t)


HEADER_CELLS = st.one_of(st.sampled_from(_title_pieces()), st.just(""), st.none(), st.integers(0, 9),
                         st.floats(0, 2), st.dates(dt.date(2024, 1, 1), dt.date(2024, 1, 3)),
                         st.text(alphabet="张伟姓名号码（）() *\n\u3000aA1", max_size=5))


@SETTINGS
@given(st.one_of(HEADER_CELLS.filter(lambda v: isinstance(v, str)), st.text(max_size=6)))
@example("姓名")
@example("")
@example("ID")
def test_names_some_column_agrees_with_the_plain_one(text):
    from certctl.validate.header import names_some_column, names_some_column_plain

    assert names_some_column(text) == names_some_column_plain(text)


TITLES = sorted({k for spec in F.SPECS for col in spec.columns for k in col.keys})


@st.composite
def header_grids(draw):
    """A few rows, each column a catalogue title printed whole or cut over 2 or 3 rows from some row on,
    or any cells; merged cells' values (fill) anywhere."""
    height, width = draw(st.integers(1, 5)), draw(st.integers(1, 6))
    rows = [[draw(HEADER_CELLS) for _ in range(width)] for _ in range(height)]
    for c in range(width):
        if draw(st.booleans()):
            title = draw(st.sampled_from(TITLES))
            cuts = sorted(draw(st.lists(st.integers(1, max(len(title) - 1, 1)), max_size=2, unique=True)))
            parts = [title[a:b] for a, b in zip([0, *cuts], [*cuts, len(title)])]
            at = draw(st.integers(0, height - 1))
            for k, part in enumerate(parts[: height - at]):
                rows[at + k][c] = part
    fill = {(r, c): draw(st.sampled_from(TITLES + [""])) for r, c in
            draw(st.lists(st.tuples(st.integers(0, height - 1), st.integers(0, width)), max_size=4))}
    return rows, fill


@SETTINGS
@given(header_grids())
@example(([["原所属", "身份", "姓"], ["主体", "证号", "名"], ["全称", "码", ""]], {}))
@example(([["", "", ""], ["", "", "x"], ["", "", ""]], {(1, 0): "姓名", (1, 1): "性别", (1, 2): "身份证号码"}))
@example(([["原证件信息", "现证件信息", "现"], ["单位", "单位", "单位"]], {}))  # only 原/现 + 单位 names a column
def test_names_three_columns_agrees_with_the_plain_one(grid):
    """Rows of header titles (whole or cut over rows), data and blanks, merged cells' values filled in:
    each row, read with the texts made once, names three columns exactly when the plain one says so."""
    from certctl.validate.header import Lines, names_three_columns, names_three_columns_plain

    rows, fill = grid
    lines = Lines(rows, fill)  # one for the whole sheet, as locate_header has
    for r in range(len(rows)):
        assert names_three_columns(rows, r, fill, lines) == names_three_columns_plain(rows, r, fill)
