"""The ledger writer's rows (issue 15): :func:`certctl.ledger_xlsx._row_xml`, each cell's XML from its
column's pieces, writes what the plain cell-by-cell :func:`_row_xml_plain` writes, or leaves the row to it."""

from __future__ import annotations

import datetime as dt
import decimal

from hypothesis import given
from hypothesis import strategies as st

from certctl.ledger_xlsx import _Columns, _lines, _row_xml, _row_xml_plain

HEADERS = ["证件号码", "姓名", "红黄绿", "问题", "来源", "最近变动日期", "行号", "处理情况"]
TITLES = st.lists(st.sampled_from(HEADERS + ["Status", "x"]), min_size=1, max_size=8)
TEXT = st.one_of(st.text(max_size=40), st.sampled_from(["红", "黄", "绿", "Red", "Green", "a&b", "<x>", '"q"',
                                                        "一\n二", "\x01", "甲" * 30]))
PLAIN = st.one_of(st.none(), st.just(""), st.text(st.characters(blacklist_characters="&<>\"\n",
                                                                 blacklist_categories=("Cc", "Cs", "Cn")), max_size=40),
                  st.integers(-10**12, 10**12), st.floats(), st.dates(), st.datetimes())
VALUE = st.one_of(PLAIN, TEXT, st.booleans(), st.decimals(allow_nan=False, places=2))


def _cols(headers: list[str], widths: list[int], text: set[int], colour: int | None) -> _Columns:
    w = (widths * len(headers))[:len(headers)]
    return _Columns(headers, w, {i for i in text if i < len(headers)}, colour)


@given(TITLES, st.lists(st.integers(1, 60), min_size=1, max_size=8), st.sets(st.integers(0, 7)),
       st.one_of(st.none(), st.integers(0, 7)), st.lists(VALUE, max_size=8), st.integers(2, 1_048_576))
def test_row_xml_is_the_plain_one(headers, widths, text, colour, row, n) -> None:
    cols = _cols(headers, widths, text, colour)
    row = (row + [None] * len(headers))[:len(headers)]
    fast = _row_xml(row, n, cols)
    assert fast is None or fast == _row_xml_plain(row, n, cols)


@given(TITLES, st.lists(st.integers(1, 60), min_size=1, max_size=8), st.sets(st.integers(0, 7)),
       st.one_of(st.none(), st.integers(0, 7)), st.lists(PLAIN, max_size=8))
def test_the_usual_row_is_written_by_the_fast_one(headers, widths, text, colour, row) -> None:
    cols = _cols(headers, widths, text, colour)
    row = (row + [None] * len(headers))[:len(headers)]
    assert _row_xml(row, 7, cols) == _row_xml_plain(row, 7, cols)


def test_a_row_to_escape_or_of_other_types_is_left_to_the_plain_one() -> None:
    cols = _cols(HEADERS, [20], {0}, 2)
    for odd in ("a&b", True, decimal.Decimal("1.20"), "\x01"):
        row = ["QD1", odd, "红", None, "", dt.date(2024, 6, 5), 4, None]
        assert _row_xml(row, 3, cols) is None
        assert "<row r=\"3\">" in _row_xml_plain(row, 3, cols)


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
