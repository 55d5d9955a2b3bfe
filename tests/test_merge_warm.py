"""A merge with the cache warm after one form changed writes, byte for byte, the ledger a ``--no-cache``
merge of the same folder writes (issue 15: the unchanged forms come from the cache, by columns —
``validate/results.py`` ``pack_records`` — and only the changed one is read). Every kind of change a
clerk makes: a cell, a row added or removed, a form added or removed, a corrected resubmission （更正版）
superseding a form, the config, ``--as-of``; and hypothesis over random small changes of the cells."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Callable

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from certctl.cli import app
from certctl.samples import write_form
from fixtures.builders import annex_row
from test_merge import AS_OF, A, B, P, a1, meta, survey_row

WRITTEN = "台账已写出"


def _merge(forms: Path, out: Path, *extra: str, as_of: str = AS_OF) -> str:
    r = CliRunner().invoke(app, ["merge", str(forms), "-o", str(out), "--as-of", as_of, "-q", *extra])
    assert r.exit_code in (0, 1), r.output
    return r.output


def _forms(root: Path, people: list[dict] | None = None) -> Path:
    """Forms of several kinds and units: annex 1 of two units (one person with two cards: X003), an
    annex 2 with its clock, a survey, an annex 4."""
    forms = root / "forms"
    rows = people or [a1(P[1], "QD0001"), a1(P[2], "QD0002"), a1(P[3], "QD0005", day=22)]
    write_form(forms / "镇A" / "附件1.xlsx", "annex1", rows, meta(A))
    write_form(forms / "镇B" / "附件1.xlsx", "annex1", [
        a1(P[1], "QD0003", unit=B, day=21), a1(P[4], "QD0004", unit=B),
        a1({**P[10], "id": P[10]["id"][:-1] + ("0" if P[10]["id"][-1] != "0" else "1")}, "QD0012", unit=B),  # rejected
        a1({**P[11], "name": "王五B"}, "QD0013", unit=B, remark="2024年5月28日签收"),
        a1(P[12], "QD0014", unit="启东市城管局", action="修改", day=31)], meta(B))
    write_form(forms / "镇A" / "附件2-注销申请表（6月）.xlsx", "annex2",
               [annex_row("annex2", n, change_date=dt.date(2024, 5, 29)) for n in range(3)], meta(A))
    write_form(forms / "镇A" / "附件4.xlsx", "annex4", [annex_row("annex4", 7)], meta(A))
    write_form(forms / "乾佑" / "摸排.xlsx", "survey",
               {"people": [survey_row(P[5], "6100000001"), survey_row(P[6], "6100000002", status="调离")]},
               {"unit": "柞水县乾佑街道办事处", "reporter": "李四", "phone": "0914-4321234", "date": dt.date(2024, 6, 3)})
    return forms


def _cell(forms: Path) -> None:  # a clerk's correction: one person's entry date
    write_form(forms / "镇A" / "附件1.xlsx", "annex1",
               [a1(P[1], "QD0001"), a1(P[2], "QD0002", day=27), a1(P[3], "QD0005", day=22)], meta(A))


def _row_added(forms: Path) -> None:
    write_form(forms / "镇A" / "附件1.xlsx", "annex1", [a1(P[1], "QD0001"), a1(P[2], "QD0002"),
                                                      a1(P[3], "QD0005", day=22), a1(P[8], "QD0008")], meta(A))


def _row_removed(forms: Path) -> None:
    write_form(forms / "镇A" / "附件1.xlsx", "annex1", [a1(P[1], "QD0001"), a1(P[3], "QD0005", day=22)], meta(A))


def _form_added(forms: Path) -> None:
    write_form(forms / "镇C" / "附件1.xlsx", "annex1", [a1(P[9], "QD0009", unit=B), a1(P[2], "QD0010", unit=B)],
               meta(B))


def _form_removed(forms: Path) -> None:
    (forms / "镇B" / "附件1.xlsx").unlink()


def _corrected(forms: Path) -> None:  # the unit sends the annex 2 again, one date corrected
    rows = [annex_row("annex2", n, change_date=dt.date(2024, 5, 29)) for n in range(3)]
    rows[1]["change_date"] = dt.date(2024, 5, 31)
    write_form(forms / "镇A" / "附件2-注销申请表（6月）（更正版）.xlsx", "annex2", rows,
               {**meta(A), "date": dt.date(2024, 6, 4)})


def _renamed(forms: Path) -> None:  # the same bytes under another name
    (forms / "镇B" / "附件1.xlsx").rename(forms / "镇B" / "附件1（6月）.xlsx")


CHANGES: list[Callable[[Path], None]] = [_cell, _row_added, _row_removed, _form_added, _form_removed, _corrected,
                                         _renamed]


def _same_as_no_cache(forms: Path, out: Path, tmp: Path, *extra: str, as_of: str = AS_OF) -> None:
    fresh = tmp / "fresh.xlsx"
    _merge(forms, fresh, "--no-cache", *extra, as_of=as_of)
    assert out.read_bytes() == fresh.read_bytes()


@pytest.mark.parametrize("change", CHANGES, ids=lambda c: c.__name__.strip("_"))
def test_warm_merge_after_a_change_is_the_no_cache_ledger(change: Callable[[Path], None], tmp_path: Path) -> None:
    forms = _forms(tmp_path)
    out = tmp_path / "台账.xlsx"
    _merge(forms, out)  # fills the cache
    before = out.read_bytes()
    change(forms)
    assert WRITTEN in _merge(forms, out)
    if change is not _renamed:
        assert out.read_bytes() != before  # the change shows
    _same_as_no_cache(forms, out, tmp_path)


def test_warm_merge_with_other_config_or_date_is_the_no_cache_ledger(tmp_path: Path) -> None:
    forms = _forms(tmp_path)
    out = tmp_path / "台账.xlsx"
    _merge(forms, out)
    _merge(forms, out, as_of="2024-07-02")  # --as-of changed: deadlines judged on another day
    _same_as_no_cache(forms, out, tmp_path, as_of="2024-07-02")
    cfg = tmp_path / "certctl.toml"
    cfg.write_text("[deadlines]\nreport_days = 5\n[training]\nannual_hours = 70\n", encoding="utf-8")
    _merge(forms, out, "-c", str(cfg))  # the config changed: the forms are judged again
    _same_as_no_cache(forms, out, tmp_path, "-c", str(cfg))
    cfg.write_text("[rules]\ndisable = [\"X003\"]\n", encoding="utf-8")
    _merge(forms, out, "-c", str(cfg))
    _same_as_no_cache(forms, out, tmp_path, "-c", str(cfg))


# random small changes: each cell of the annex 1 of unit A drawn anew
CERTS = st.sampled_from(["QD0001", "QD0002", "QD0003", "QD0005", "QD0011", "bad"])
ROWS = st.lists(st.tuples(st.integers(1, 9), CERTS, st.sampled_from(["录入归集", "注销", "修改", ""]),
                          st.integers(1, 31), st.sampled_from([A, B, "启东市城管局", ""])), min_size=0, max_size=4)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ROWS)
def test_warm_merge_after_random_changes_is_the_no_cache_ledger(tmp_path_factory: pytest.TempPathFactory,
                                                                 rows: list[tuple]) -> None:
    tmp = tmp_path_factory.mktemp("warm")
    forms = _forms(tmp)
    out = tmp / "台账.xlsx"
    _merge(forms, out)
    write_form(forms / "镇A" / "附件1.xlsx", "annex1",
               [a1(P[p], c, action=act, day=d, unit=u) for p, c, act, d, u in rows] or [a1(P[1], "QD0001")], meta(A))
    _merge(forms, out)
    _same_as_no_cache(forms, out, tmp)


# the unchanged forms come as the model's product (model/product.py): not their records
def _placed(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    from certctl.model import build

    placed: list[str] = []
    real = build._Reading.placed

    def spy(self: object, res: object, fs: object, rp: str, prod: dict) -> None:
        placed.append(rp)
        real(self, res, fs, rp, prod)  # type: ignore[arg-type]

    monkeypatch.setattr(build._Reading, "placed", spy)
    return placed


def test_a_warm_merge_takes_the_unchanged_forms_products(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    placed = _placed(monkeypatch)
    forms = _forms(tmp_path)
    out = tmp_path / "台账.xlsx"
    _merge(forms, out)
    assert placed == []  # the first merge reads every form
    _cell(forms)
    _merge(forms, out)
    # annex forms without error rows; not the changed one, not the survey (other forms read it), not
    # 镇B's annex 1 (an error row the terminal names)
    assert sorted(placed) == ["镇A/附件2-注销申请表（6月）.xlsx", "镇A/附件4.xlsx"]
    _same_as_no_cache(forms, out, tmp_path)
    placed.clear()
    _renamed(forms)
    _merge(forms, out)
    assert sorted(placed) == ["镇A/附件1.xlsx", "镇A/附件2-注销申请表（6月）.xlsx", "镇A/附件4.xlsx"]
    _same_as_no_cache(forms, out, tmp_path)
    placed.clear()
    _corrected(forms)  # the annex 2 is now one of two versions: its records are needed, read again
    _merge(forms, out)
    _same_as_no_cache(forms, out, tmp_path)
    placed.clear()
    _row_added(forms)  # and from then on its product is not kept: read as records, never twice
    _merge(forms, out)
    assert sorted(placed) == ["镇A/附件4.xlsx"]
    _same_as_no_cache(forms, out, tmp_path)


def test_warm_merges_with_the_registry_and_national_list_are_the_no_cache_ledger(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from test_merge import B as UNIT_B, build_dir

    placed = _placed(monkeypatch)
    forms = build_dir(tmp_path / "forms")
    out = tmp_path / "台账.xlsx"
    _merge(forms, out)
    write_form(forms / "B" / "附件1.xlsx", "annex1", [a1(P[1], "QD0007", unit=UNIT_B, day=22),
                                                     a1(P[13], "QD0008", unit="市场局", day=21)], meta(UNIT_B))
    _merge(forms, out)
    assert placed  # the registry's R001/R002 on the unit names the products keep
    _same_as_no_cache(forms, out, tmp_path)
    placed.clear()
    write_form(forms / "参考" / "执法主体清单.xlsx", "registry", [  # the registry changed: products still hold
        {"unit": A, "short": "城管局", "must_report": "是"}, {"unit": UNIT_B, "short": "市场局", "must_report": "否"}])
    _merge(forms, out)
    assert "B/附件1.xlsx" in placed
    _same_as_no_cache(forms, out, tmp_path)


def test_a_product_that_cannot_be_read_is_read_again_from_the_form(tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    import sqlite3

    from certctl.cache import default_cache_dir, DB_NAME

    placed = _placed(monkeypatch)
    forms = _forms(tmp_path)
    out = tmp_path / "台账.xlsx"
    _merge(forms, out)
    with sqlite3.connect(default_cache_dir() / DB_NAME) as db:  # products damaged (or planted): misses
        n = db.execute("UPDATE forms SET blob = ? WHERE okey LIKE '%|model-events-%'", (b"\x00not json",)).rowcount
    assert n == 3  # 镇A's three forms (镇B's annex 1 has an error row; the survey is not kept)
    _cell(forms)
    assert WRITTEN in _merge(forms, out)
    assert placed[0] == "镇A/附件2-注销申请表（6月）.xlsx"  # the model met the damage there: the folder read again
    _same_as_no_cache(forms, out, tmp_path)
    with sqlite3.connect(default_cache_dir() / DB_NAME) as db:
        n = db.execute("UPDATE forms SET blob = ? WHERE okey LIKE '%|model-product-%'", (b"\x00not json",)).rowcount
    assert n == 4  # and 镇A's annex 1 as it was before the change
    placed.clear()
    _row_added(forms)
    assert WRITTEN in _merge(forms, out)
    assert placed == []
    _same_as_no_cache(forms, out, tmp_path)
