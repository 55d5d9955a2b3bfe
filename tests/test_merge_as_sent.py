"""Folders of submissions as clerks really send them (red team, issue redteam6-subs): file names
numbered by hand (最终版, 最终版2), a correction of a correction, a unit writing its name short in one
form and in full in the next. Every case is real .xlsx files merged by the ledger builder."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from certctl.ledger import build_ledger
from certctl.validate import Options
from certctl.workspace import load_workspace

from fixtures.builders import annex_row, build

AS_OF = dt.date(2024, 6, 20)
UNIT = "启东市城市管理局"


def _meta(day: int | None, unit: str = UNIT) -> dict:
    return {"unit": unit, "reporter": "张三", "phone": "0513-83123456", "date": dt.date(2024, 6, day) if day else None}


def _rows(first_name: str | None = None) -> list[dict]:
    rows = [annex_row("annex2", n, change_date=dt.date(2024, 5, 29)) for n in range(3)]
    if first_name:
        rows[0]["name"] = first_name
    return rows


def _ledger(forms: Path):
    return build_ledger(load_workspace(forms, Options()), None, AS_OF)


def _versions(tmp_path: Path, *sent: tuple[str, int | None, str | None]):
    """The ledger of a folder of one unit's annex 2 versions: (file name, day of June, the first holder's
    name as that version writes it)."""
    forms = tmp_path / "forms"
    forms.mkdir()
    for name, day, first_name in sent:
        build(forms, "annex2", _rows(first_name), meta=_meta(day), name=name)
    led = _ledger(forms)
    (acct,) = [a for a in led.accounts if a.cert == "320680000000"]
    return led, {f.path: f for f in led.files}, acct.name


def test_final_version_2_supersedes_final_version_sent_the_same_day(tmp_path: Path) -> None:
    """最终版 then 最终版2 the same day, one name corrected: the numbered one is the latest and replaces
    the other; the clerk is told which superseded which, and no person is counted twice."""
    led, files, name = _versions(tmp_path, ("城管局注销表6月3日.xlsx", 3, None),
                                 ("城管局注销表6月3日-最终版.xlsx", 4, "王五"), ("城管局注销表6月3日-最终版2.xlsx", 4, "王六"))
    assert files["城管局注销表6月3日-最终版.xlsx"].superseded_by == "城管局注销表6月3日-最终版2.xlsx"
    assert files["城管局注销表6月3日-最终版2.xlsx"].rows_merged == 3
    assert sum(f.rows_merged for f in led.files) == 3  # each person once
    assert not [f for f in led.findings if f.code == "X008"]
    assert name == "王六"


def test_final_version_numbers_count_as_numbers_not_as_names(tmp_path: Path) -> None:
    """最终版(2) sorts before 最终版 by name ('(' < '.'); 最终版10 before 最终版9: the number decides."""
    _, files, name = _versions(tmp_path, ("附件2最终版.xlsx", 4, "王五"), ("附件2最终版(2).xlsx", 4, "王六"))
    assert files["附件2最终版.xlsx"].superseded_by == "附件2最终版(2).xlsx" and name == "王六"


def test_mark_rank() -> None:
    from certctl.model.versions import mark_rank

    assert mark_rank("附件2.xlsx") == 0 and mark_rank("附件2最终版.xlsx") == 1
    assert mark_rank("附件2最终版(2).xlsx") == 2 and mark_rank("附件2最终版10.xlsx") == 10
    assert mark_rank("附件3（第三次）.xls") == 3 and mark_rank("附件2更正版6月5日.xlsx") == 1  # a date is no number


def test_a_correction_of_a_correction_raises_no_false_doubt(tmp_path: Path) -> None:
    """附件2, 附件2（更正版）, 附件2（第二次）: each replaces the one before; the third is not said to share
    no one with the first (X008) because the second already replaced the first's rows."""
    led, files, name = _versions(tmp_path, ("附件2.xlsx", 3, None), ("附件2（更正版）.xlsx", 4, "王五"),
                                 ("附件2（第二次）.xlsx", 5, "王六"))
    assert not [f for f in led.findings if f.code == "X008"], [f.params for f in led.findings if f.code == "X008"]
    assert files["附件2（更正版）.xlsx"].superseded_by == "附件2（第二次）.xlsx"
    assert sum(f.rows_merged for f in led.files) == 3 and name == "王六"


def test_a_correction_signed_with_the_units_short_name_still_corrects(tmp_path: Path) -> None:
    """The first form is signed 启东市城市管理局, its 更正版 启东市城管局 (no registry to join them): the
    correction replaces the first form's rows, each obligation once, the corrected rows' deadlines judged
    on the first form's date (no T002 for a form that was on time)."""
    forms = tmp_path / "forms"
    forms.mkdir()
    first = _rows()
    first[1]["cert"] = "320680000010"  # mistyped, corrected the next day
    build(forms, "annex2", first, meta=_meta(3), name="附件2.xlsx")
    build(forms, "annex2", _rows(), meta=_meta(4, "启东市城管局"), name="附件2（更正版）.xlsx")
    led = _ledger(forms)
    files = {f.path: f for f in led.files}
    assert files["附件2.xlsx"].superseded_by == "附件2（更正版）.xlsx"
    assert sorted(a.cert for a in led.accounts) == [f"32068{n:07d}" for n in range(3)]  # the typo gone
    assert not [f for f in led.findings if f.code in ("T001", "T002")]
    owed = [(o.cert, o.kind) for o in led.obligations]
    assert len(owed) == len(set(owed))


def test_short_names_of_units() -> None:
    from certctl.model.units import abbreviates

    assert abbreviates("启东市城管局", "启东市城市管理局") and abbreviates("启东市市场监督管理局", "启东市市监局")
    assert not abbreviates("启东市人民政府", "启东市汇龙镇人民政府")  # a town is not the city
    assert not abbreviates("启东市城市管理局", "启东市城市管理局执法大队")
    assert not abbreviates("启东市公安局", "启东市交通运输局") and not abbreviates("", "启东市公安局")


def test_a_team_corrects_its_row_in_the_departments_collected_form(tmp_path: Path) -> None:
    """启东市城市管理局 sends one annex 2 collecting its two teams' rows; the next day 执法二中队 sends its
    own 附件2（更正版） with its holder's 注销原因 corrected. The team's correction replaces that row (said:
    更正版 line, X009), the other team's row stays; the card is not revoked twice for two reasons."""
    forms = tmp_path / "forms"
    forms.mkdir()
    team1, team2 = "启东市城市管理局执法一中队", "启东市城市管理局执法二中队"
    build(forms, "annex2", [annex_row("annex2", 0, unit=team1, change_date=dt.date(2024, 5, 29)),
                            annex_row("annex2", 1, unit=team2, change_date=dt.date(2024, 5, 29))],
          meta=_meta(3), name="城管局汇总附件2.xlsx")
    build(forms, "annex2", [annex_row("annex2", 1, unit=team2, reason="辞职", change_date=dt.date(2024, 5, 29))],
          meta=_meta(4, team2), name="二中队附件2（更正版）.xlsx")
    led = _ledger(forms)
    files = {f.path: f for f in led.files}
    assert files["城管局汇总附件2.xlsx"].superseded_by == "二中队附件2（更正版）.xlsx"
    assert (files["城管局汇总附件2.xlsx"].rows_merged, files["城管局汇总附件2.xlsx"].rows_superseded) == (1, 1)
    assert sum(f.rows_merged for f in led.files) == 2
    (x9,) = [f for f in led.findings if f.code == "X009"]
    assert (x9.params["n"], x9.params["kept"]) == (1, 1)
    revoked = [e for e in led.events if e.cert == "320680000001"]
    assert len(revoked) == 1, revoked


def test_teams_are_named_after_their_department() -> None:
    from certctl.model.units import part_of

    assert part_of("启东市城市管理局", "启东市城市管理局执法二中队")
    assert not part_of("启东市城市管理局执法一中队", "启东市城市管理局执法二中队")
    assert not part_of("启东市", "启东市城市管理局")  # a place is not a department


def _zip(path: Path, members: dict[str, bytes], gbk: bool = False) -> Path:
    """A .zip as WinRAR or Windows' 发送到压缩文件夹 makes it; ``gbk``: names in GBK without the UTF-8 flag
    (Chinese Windows), which Python's zipfile never writes itself: written under ASCII stand-ins of the
    same length, then the bytes put back."""
    import zipfile

    swaps = {}
    with zipfile.ZipFile(path, "w") as z:
        for i, (name, data) in enumerate(members.items()):
            raw = name.encode("gbk")
            stand_in = f"{i:0{len(raw)}d}" if gbk else name
            swaps[stand_in.encode()] = raw
            z.writestr(stand_in, data)
    if gbk:
        blob = path.read_bytes()
        for a, b in swaps.items():
            blob = blob.replace(a, b)
        path.write_bytes(blob)
    return path


def _unreadable(led) -> dict[str, str]:
    return {f.path: f.status for f in led.files if f.status not in ("ok", "errors", "superseded", "duplicate")}


def test_forms_sent_in_a_zip_are_said_until_unpacked(tmp_path: Path) -> None:
    """汇龙镇 sends its annex 2 in 汇龙镇报送材料.zip (names in GBK, as Chinese Windows writes them): its rows are
    not in the ledger, and the clerk is told which archive and which forms in it; once unpacked beside it,
    nothing more is said and the rows are merged once."""
    forms = tmp_path / "forms"
    forms.mkdir()
    build(forms, "annex2", _rows(), meta=_meta(3), name="城管局附件2.xlsx")
    town = tmp_path / "town"
    town.mkdir()
    sent = build(town, "annex2", [annex_row("annex2", 7)], meta=_meta(3, "启东市汇龙镇人民政府"), name="汇龙镇附件2.xlsx")
    _zip(forms / "汇龙镇报送材料.zip", {"汇龙镇报送材料/汇龙镇附件2.xlsx": sent.read_bytes(), "盖章页.jpg": b"\xff\xd8"},
         gbk=True)
    led = _ledger(forms)
    assert list(_unreadable(led)) == ["汇龙镇报送材料.zip"]
    (f1,) = [f for f in led.findings if f.code == "F001"]
    assert "压缩包" in f1.params["reason"] and "汇龙镇附件2.xlsx" in f1.params["reason"]
    (forms / "汇龙镇报送材料").mkdir()
    (forms / "汇龙镇报送材料" / "汇龙镇附件2.xlsx").write_bytes(sent.read_bytes())
    led = _ledger(forms)
    assert _unreadable(led) == {} and not [f for f in led.findings if f.code == "F001"]
    assert sum(f.rows_merged for f in led.files) == 4


def test_a_rar_is_said_unless_unpacked_into_its_folder_and_a_zip_of_photos_is_no_form(tmp_path: Path) -> None:
    forms = tmp_path / "forms"
    forms.mkdir()
    build(forms, "annex2", _rows(), meta=_meta(3), name="城管局附件2.xlsx")
    (forms / "近海镇.rar").write_bytes(b"Rar!\x1a\x07\x01\x00" + bytes(40))
    _zip(forms / "培训照片.zip", {"照片1.jpg": b"\xff\xd8"})
    led = _ledger(forms)
    assert list(_unreadable(led)) == ["近海镇.rar"]
    (forms / "近海镇").mkdir()
    build(forms / "近海镇", "annex2", [annex_row("annex2", 8)], meta=_meta(3, "启东市近海镇人民政府"))
    assert _unreadable(_ledger(forms)) == {}


def test_of_two_identical_files_the_copy_is_the_duplicate(tmp_path: Path) -> None:
    """附件2.xlsx saved again by WeChat as 附件2(1).xlsx and by Windows as 附件2 - 副本.xlsx: the plain name
    is merged, the copies are the duplicates (X005 names the plain one) — not the other way round because
    '(' and ' ' sort before '.'."""
    from typer.testing import CliRunner

    from certctl.cli import app
    from certctl.workspace import find_forms

    forms = tmp_path / "forms"
    forms.mkdir()
    sent = build(forms, "annex2", _rows(), meta=_meta(3), name="附件2.xlsx")
    for copy in ("附件2(1).xlsx", "附件2 - 副本.xlsx"):
        (forms / copy).write_bytes(sent.read_bytes())
    led = _ledger(forms)
    status = {f.path: f.status for f in led.files}
    assert status == {"附件2.xlsx": "ok", "附件2(1).xlsx": "duplicate", "附件2 - 副本.xlsx": "duplicate"}, status
    assert [p.name for p in find_forms([forms]).files][0] == "附件2.xlsx"
    out = CliRunner().invoke(app, ["merge", str(forms), "-o", str(tmp_path / "台账.xlsx"), "--as-of", "2024-06-20",
                                   "--verbose"])
    assert "重复（同 附件2.xlsx）" in out.output and "（同 附件2(1).xlsx）" not in out.output, out.output


def test_a_correction_without_its_date_still_comes_after_the_form_it_corrects(tmp_path: Path) -> None:
    """附件2（更正版）.xlsx with 填报时间 left blank (M004 says so): still the later version — its rows replace the
    first form's, rather than the first form being said to be an unmarked correction of its own 更正版."""
    led, files, name = _versions(tmp_path, ("附件2.xlsx", 3, None), ("附件2（更正版）.xlsx", None, "王五"))
    assert files["附件2.xlsx"].superseded_by == "附件2（更正版）.xlsx" and name == "王五"
    assert not [f for f in led.findings if f.code == "X008"]
    assert "M004" in {f.code for f in led.findings if f.path.endswith("（更正版）.xlsx")}


def test_an_annex1_correction_of_the_wrong_action_replaces_it(tmp_path: Path) -> None:
    """附件1 filed 王伟明 as 录入归集 by mistake; 附件1（更正版） says 注销. The corrected row replaces the
    mistaken one: the card was never entered again, only revoked (X009: all 3 rows corrected, none kept)."""
    forms = tmp_path / "forms"
    forms.mkdir()
    rows = [annex_row("annex1", n, entry_date=dt.date(2024, 5, 29)) for n in range(3)]
    build(forms, "annex1", rows, meta=_meta(3), name="附件1.xlsx")
    build(forms, "annex1", [{**rows[0], "action": "注销"}, *rows[1:]], meta=_meta(4), name="附件1（更正版）.xlsx")
    led = _ledger(forms)
    (x9,) = [f for f in led.findings if f.code == "X009"]
    assert (x9.params["n"], x9.params["kept"]) == (3, 0)
    kinds = [e.kind for e in led.events if e.cert == "320680000000"]
    assert kinds == ["注销"], kinds


def test_an_annex1_correction_keeps_a_person_revoked_and_entered_again(tmp_path: Path) -> None:
    """One person revoked and entered again in one form (two rows): a correction of one of them is matched by
    情况, the other row stands."""
    forms = tmp_path / "forms"
    forms.mkdir()
    row = annex_row("annex1", 0, entry_date=dt.date(2024, 5, 29))
    build(forms, "annex1", [{**row, "action": "注销"}, {**row, "cert": "320680000009"}], meta=_meta(3), name="附件1.xlsx")
    build(forms, "annex1", [{**row, "action": "注销", "name": "王伟民"}], meta=_meta(4), name="附件1（更正版）.xlsx")
    led = _ledger(forms)
    (x9,) = [f for f in led.findings if f.code == "X009"]
    assert (x9.params["n"], x9.params["kept"]) == (1, 1)
    assert sorted(e.kind for e in led.events) == ["录入归集", "注销"]
