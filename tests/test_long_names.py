"""Long Chinese file names: every name certctl builds from a clerk's name (the ledger's temporary file,
its backups, its lock and note, the annotated copies) fits in 255 bytes (pathnames.fit); a name the
clerk chose that is itself too long still exits 2 with a clear reason."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from hypothesis import given, settings, strategies as st
from openpyxl import load_workbook
from openpyxl.comments import Comment

from certctl.pathnames import NAME_MAX, fit, fit_name
from fixtures.builders import annex_row, build

CERTCTL = str(Path(sys.executable).parent / "certctl")
AS_OF = "2024-06-05"
# real names run long: 80 Chinese characters (240 bytes of UTF-8), 84 characters with the year
LONG = ("某某镇人民政府关于报送年度行政执法证件清理工作摸排统计表的函附件注销证件信息表更正版"
        "县司法局行政执法监督科汇总各乡镇街道报送材料核对清单第二批次复核意见修改稿最终定稿")[:80]
assert len(LONG) == 80


def certctl(*args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "NO_COLOR": "1", "COLUMNS": "200"}
    return subprocess.run([CERTCTL, *args], capture_output=True, text=True, timeout=120, env=env)


def size(name: str) -> int:
    return len(os.fsencode(name))


def every_name(root: Path) -> list[str]:
    return [p.name for p in root.rglob("*")]


def test_ledger_with_an_80_character_name_merged_twice_with_a_clerks_edit(tmp_path: Path) -> None:
    forms = tmp_path / "forms"
    build(forms, "annex1", [annex_row("annex1", n) for n in range(4)], name="镇A/附件1.xlsx")
    out = tmp_path / f"{LONG}.xlsx"
    p = certctl("merge", str(forms), "-o", str(out), "--as-of", AS_OF)
    assert p.returncode == 0, p.stderr
    assert out.is_file() and "太长" not in p.stderr
    wb = load_workbook(out)  # a clerk's comment cannot be carried: the ledger is copied aside first
    wb["证件台账"].cell(3, 2).comment = Comment("已电话核实", "张三")
    wb.save(out)
    edited = out.read_bytes()
    build(forms, "annex1", [annex_row("annex1", 30)], name="镇C/附件1.xlsx")
    p = certctl("merge", str(forms), "-o", str(out), "--as-of", AS_OF)
    assert p.returncode == 0, p.stderr
    backups = [f for f in tmp_path.iterdir() if f.name.endswith(".bak.xlsx")]
    assert len(backups) == 1 and backups[0].read_bytes() == edited, p.stdout
    assert backups[0].name.startswith(LONG[:60]) and str(backups[0]) in p.stdout
    assert not [n for n in every_name(tmp_path) if n.endswith(".tmp")]
    assert all(size(n) <= NAME_MAX for n in every_name(tmp_path))
    # the next merge, nothing edited, makes no further copy and finds its own lock, note and temp names
    p = certctl("merge", str(forms), "-o", str(out), "--as-of", AS_OF)
    assert p.returncode == 0 and "另存为" not in p.stdout, p.stderr
    assert len([f for f in tmp_path.iterdir() if f.name.endswith(".bak.xlsx")]) == 1


def test_ledger_inside_the_forms_folder_its_long_backup_is_not_read_as_a_form(tmp_path: Path) -> None:
    forms = tmp_path / "forms"
    build(forms, "annex1", [annex_row("annex1", n) for n in range(3)], name="镇A/附件1.xlsx")
    out = forms / f"{LONG}.xlsx"
    assert certctl("merge", str(forms), "-o", str(out), "--as-of", AS_OF).returncode == 0
    wb = load_workbook(out)
    wb["证件台账"].cell(3, 2).comment = Comment("已电话核实", "张三")
    wb.save(out)
    p = certctl("merge", str(forms), "-o", str(out), "--as-of", AS_OF)
    assert p.returncode == 0, p.stderr
    bak = [f for f in forms.iterdir() if f.name.endswith(".bak.xlsx")]
    assert len(bak) == 1
    p = certctl("merge", str(forms), "-o", str(out), "--as-of", AS_OF)
    assert p.returncode == 0, p.stderr
    sources = [c for r in load_workbook(out, read_only=True)["来源文件"].iter_rows(values_only=True) for c in r]
    assert any("附件1.xlsx" in str(c) for c in sources)
    assert not any(".bak" in str(c) or LONG[:20] in str(c) for c in sources), sources  # never read as a form


def test_own_output_name_too_long_is_still_exit_2_with_the_reason(tmp_path: Path) -> None:
    forms = tmp_path / "forms"
    build(forms, "annex1", [annex_row("annex1", 0)], name="镇A/附件1.xlsx")
    out = tmp_path / ("长" * 84 + ".xlsx")  # 257 bytes: the clerk's own name cannot be shortened for them
    p = certctl("merge", str(forms), "-o", str(out), "--as-of", AS_OF)
    assert p.returncode == 2 and "太长" in p.stderr and "内部错误" not in p.stderr, p.stderr


FORM = LONG + "2024"  # 84 characters, 244 bytes: the form itself fits, "<form>.检查结果.xlsx" would not


def test_validate_annotate_a_form_with_an_84_character_name(tmp_path: Path) -> None:
    forms = tmp_path / "forms"
    src = build(forms, "annex1", [annex_row("annex1", 0)], name=f"{FORM}.xlsx")
    assert len(src.stem) == 84
    back = tmp_path / "退回"
    back.mkdir()
    p = certctl("validate", str(src), "--annotate", str(back))
    assert p.returncode in (0, 1), p.stderr
    [copy] = list(back.iterdir())
    assert copy.name.endswith(".检查结果.xlsx") and copy.name.startswith(FORM[:60]) and size(copy.name) <= NAME_MAX
    assert load_workbook(copy, read_only=True).sheetnames[0] == "问题清单"


def test_two_long_forms_sharing_their_start_give_two_annotated_copies(tmp_path: Path) -> None:
    forms = tmp_path / "forms"
    for tail in ("甲镇", "乙镇"):
        build(forms, "annex1", [annex_row("annex1", 0)], name=f"{LONG}{tail}.xlsx")
    back = tmp_path / "退回"
    p = certctl("validate", str(forms), "--annotate", str(back))
    assert p.returncode in (0, 1), p.stderr
    copies = sorted(back.iterdir())
    assert len(copies) == 2 and copies[0].name != copies[1].name, [c.name for c in copies]
    assert all(c.name.endswith(".检查结果.xlsx") and size(c.name) <= NAME_MAX for c in copies)


# ------------------------------------------------------------------------------------------ fit
# mostly characters of real names (1 to 4 bytes of UTF-8, 1 or 2 UTF-16 units), long enough to need cutting
chars = st.one_of(st.sampled_from("长关台账镇（）1a.-😀𠀀"),
                  st.characters(blacklist_categories=("Cs",), blacklist_characters="/\x00"))
names = st.builds(lambda c, n, t: c * n + t, st.sampled_from("长关a😀"), st.integers(0, 130), st.text(chars, max_size=60))
tails = st.sampled_from(["", ".xlsx", ".检查结果.xlsx", "-2.检查结果.xlsx", ".2024-06-05T0930.bak.xlsx", ".lock"])


def cost(s: str) -> int:
    return max(len(s.encode("utf-8")), len(s.encode("utf-16-le")) // 2)


@settings(max_examples=400, deadline=None)
@given(names, tails, st.integers(0, 40))
def test_fit_fits_keeps_the_tail_and_changes_only_what_does_not_fit(stem: str, tail: str, room: int) -> None:
    got = fit(stem, tail, head=".", room=room)
    got.encode("utf-8")  # valid UTF-8: no half of a character or lone surrogate
    assert got.startswith(".") and got.endswith(tail)
    if cost("." + stem + tail) <= NAME_MAX - room:
        assert got == "." + stem + tail
    else:
        assert cost(got) <= NAME_MAX - room
        assert stem.startswith(got[1: len(got) - len(tail) - 9])  # the start of the clerk's name, kept
    assert fit(stem, tail, head=".", room=room) == got  # the same name each run


@settings(max_examples=300, deadline=None)
@given(names, names, tails)
def test_fit_keeps_distinct_names_distinct(a: str, b: str, tail: str) -> None:
    prefix = "长" * 80
    if a != b:
        assert fit(prefix + a, tail) != fit(prefix + b, tail)


def test_fit_name_cuts_the_stem_and_keeps_the_extension() -> None:
    assert fit_name("台账.xlsx", room=16) == "台账.xlsx"
    got = fit_name("关" * 90 + ".xlsx", room=16)
    assert got.endswith(".xlsx") and size(got) <= NAME_MAX - 16 and got.startswith("关" * 70)
    emoji = fit_name("😀" * 130 + ".xlsx")  # 4 bytes, 2 UTF-16 units each: never a half
    assert emoji.endswith(".xlsx") and cost(emoji) <= NAME_MAX


def test_sqlite_ledger_with_an_80_character_name(tmp_path: Path) -> None:
    forms = tmp_path / "forms"
    build(forms, "annex1", [annex_row("annex1", n) for n in range(2)], name="镇A/附件1.xlsx")
    db = tmp_path / f"{LONG}.sqlite"
    p = certctl("merge", str(forms), "-o", str(tmp_path / "台账.xlsx"), "--sqlite", str(db), "--as-of", AS_OF)
    assert p.returncode == 0, p.stderr
    assert db.is_file() and not [n for n in every_name(tmp_path) if n.endswith(".tmp")]


def test_own_annotate_name_too_long_is_exit_2_with_the_reason(tmp_path: Path) -> None:
    src = build(tmp_path / "forms", "annex1", [annex_row("annex1", 0)], name="附件1.xlsx")
    p = certctl("validate", str(src), "--annotate", str(tmp_path / ("长" * 84 + ".xlsx")))
    assert p.returncode == 2 and "太长" in p.stderr and "内部错误" not in p.stderr, p.stderr


def test_fit_at_the_limit() -> None:
    assert fit("长" * 83 + "a", ".xlsx") == "长" * 83 + "a.xlsx"  # 255 bytes: fits, unchanged
    got = fit("长" * 83 + "ab", ".xlsx")  # 256 bytes: cut, marked, 255 or less
    assert got != "长" * 83 + "ab.xlsx" and size(got) <= NAME_MAX and got.endswith(".xlsx")
    assert fit("长" * 90, "长" * 90) == "长" * 180  # no room for the clerk's name at all: left to the OS to refuse
