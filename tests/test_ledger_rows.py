"""The ledger writer's rows (issue 15): :func:`certctl.ledger_xlsx._rows_xml`, a chunk of rows made into
XML a column at a time, writes what the plain cell-by-cell :func:`_row_xml_plain` writes of each row."""

from __future__ import annotations

import datetime as dt
import decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from certctl import ledger_xlsx
from certctl.ledger_xlsx import _Columns, _lines, _row_xml_plain, _rows_xml

HEADERS = ["证件号码", "姓名", "红黄绿", "问题", "来源", "最近变动日期", "行号", "处理情况"]
TITLES = st.lists(st.sampled_from(HEADERS + ["Status", "x"]), min_size=1, max_size=8)
TEXT = st.one_of(st.text(max_size=40), st.sampled_from(["红", "黄", "绿", "Red", "Green", "a&b", "<x>", '"q"',
                                                        "一\n二", "\x01", "甲" * 30]))
PLAIN_TEXT = st.text(st.characters(blacklist_characters="&<>\"\n", blacklist_categories=("Cc", "Cs", "Cn")),
                     max_size=40)
PLAIN = st.one_of(st.none(), st.just(""), PLAIN_TEXT, st.integers(-10**12, 10**12), st.floats(), st.dates(),
                  st.datetimes())
VALUE = st.one_of(PLAIN, TEXT, st.booleans(), st.decimals(allow_nan=False, places=2))
# a column of one kind, as the ledger's are (None and "" among them): made a column at a time
COLUMN_OF = [st.one_of(st.none(), st.just(""), TEXT, st.sampled_from(["红", "黄", "绿", "Red", "Green"])),
             st.one_of(st.none(), st.dates()), st.one_of(st.none(), st.integers(-10**15, 10**15), st.floats()),
             st.none(), VALUE]


def _cols(headers: list[str], widths: list[int], text: set[int], colour: int | None) -> _Columns:
    w = (widths * len(headers))[:len(headers)]
    return _Columns(headers, w, {i for i in text if i < len(headers)}, colour)


def _plain(rows: list[list], first: int, cols: _Columns) -> str:
    return "".join(_row_xml_plain(r, n, cols) for n, r in enumerate(rows, first))


@st.composite
def chunks(draw, kinds: list = COLUMN_OF) -> tuple[_Columns, list[list], int]:
    headers = draw(TITLES)
    cols = _cols(headers, draw(st.lists(st.integers(1, 60), min_size=1, max_size=8)), draw(st.sets(st.integers(0, 7))),
                 draw(st.one_of(st.none(), st.integers(0, 7))))
    width = draw(st.integers(0, len(headers)))
    column = [draw(st.sampled_from(kinds)) for _ in range(width)]
    rows = draw(st.lists(st.tuples(*column).map(list), max_size=12))
    return cols, rows, draw(st.integers(2, 1_048_576))


@given(chunks())
def test_rows_made_a_column_at_a_time_are_the_plain_ones(chunk) -> None:
    cols, rows, first = chunk
    assert _rows_xml(rows, first, cols) == _plain(rows, first, cols)


@given(TITLES, st.lists(st.integers(1, 60), min_size=1, max_size=8), st.sets(st.integers(0, 7)),
       st.one_of(st.none(), st.integers(0, 7)), st.lists(st.lists(VALUE, max_size=8), max_size=6),
       st.integers(2, 1_048_576))
def test_any_rows_are_the_plain_ones(headers, widths, text, colour, rows, first) -> None:
    """Rows of any values and lengths (the reference writes a chunk with a column of mixed kinds)."""
    cols = _cols(headers, widths, text, colour)
    rows = [r[:len(headers)] for r in rows]
    assert _rows_xml(rows, first, cols) == _plain(rows, first, cols)


def test_the_usual_columns_are_made_at_once_and_the_rest_by_the_reference(monkeypatch) -> None:
    calls: list[int] = []
    monkeypatch.setattr(ledger_xlsx, "_row_xml_plain", lambda r, n, cols: calls.append(n) or _row_xml_plain(r, n, cols))
    cols = _cols(HEADERS, [20], {0}, 2)
    usual = [["QD1", "张三", "红", "a&b\n<c>", "", dt.date(2024, 6, 5), 4, None],
             ["QD2", "", "绿", None, "甲" * 30, dt.date(2024, 6, 6), 5.5, None]]
    assert _rows_xml(usual, 7, cols) == _plain(usual, 7, cols) and calls == []
    for odd in (True, decimal.Decimal("1.20"), dt.datetime(2024, 6, 5, 9, 30)):
        rows = [list(usual[0]), list(usual[1])]
        rows[1][6] = odd
        assert _rows_xml(rows, 7, cols) == _plain(rows, 7, cols) and calls == [7, 8]
        calls.clear()
    ragged = [usual[0], usual[1][:5]]
    assert _rows_xml(ragged, 7, cols) == _plain(ragged, 7, cols) and calls == [7, 8]


@given(st.text(st.characters(blacklist_categories=("Cs",)), max_size=80), st.integers(-2, 40))
def test_lines_of_one_line_as_of_many(text: str, width: int) -> None:
    """A text without a line end is counted at once, as the lines of a longer text are."""
    w = max(width, 1)
    expect = sum(max(1, -(-(len(p) + (len(p.encode("utf-8")) - len(p)) // 2) // w)) for p in text.split("\n"))
    assert _lines(text, width) == expect


class _Sink:
    def __init__(self, fail_at: int | None = None) -> None:
        self.got: list[bytes] = []
        self.fail_at = fail_at

    def write(self, b: bytes) -> None:
        if self.fail_at is not None and len(self.got) == self.fail_at:
            raise OSError(28, "No space left on device")
        self.got.append(b)


@given(st.lists(st.text(max_size=20), max_size=30))
def test_chunks_written_beside_are_the_chunks_in_order(chunks: list[str]) -> None:
    """The deflate thread (:func:`certctl.write_beside.write_beside`) writes each chunk, encoded, in the order made."""
    from certctl.write_beside import write_beside

    sink = _Sink()
    write_beside(sink, iter(chunks))
    assert sink.got == [c.encode("utf-8") for c in chunks]


def test_a_failed_write_beside_is_raised_in_the_caller_and_a_failed_maker_too() -> None:
    import pytest

    from certctl.write_beside import write_beside

    with pytest.raises(OSError):  # the disk full in the writing thread, with many chunks still to come
        write_beside(_Sink(fail_at=2), (str(i) for i in range(100)))

    def maker():
        yield "a"
        raise RuntimeError("sheet rows: 1 written, 2 announced")

    sink = _Sink()
    with pytest.raises(RuntimeError):
        write_beside(sink, maker())
    assert sink.got == [b"a"]
