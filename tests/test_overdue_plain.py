"""`certctl overdue` off a terminal (cron, pipes): plain lines grouped by unit; on a terminal: a table
capped per section; a second run on an unchanged folder is served from the cache, a change is not."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from certctl.cli import app
from certctl.cli import overdue as cli_overdue
from certctl.samples import write_form
from test_overdue import P_LOST, B, META, P_RETIRED, build_campaign

import datetime as dt

from certctl.cache import default_cache_dir


@pytest.fixture()
def campaign_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    build_campaign(tmp_path)  # tmp_path/ledger, the default forms_dir
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("TTY_COMPATIBLE", raising=False)
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    monkeypatch.delenv("CERTCTL_CACHE_DIR", raising=False)
    return tmp_path


def run(*args: str, env: dict | None = None):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(app, ["overdue", *args], env=env)


def test_plain_lines_when_not_a_terminal(campaign_dir: Path) -> None:
    r = run("--as-of", "2024-06-05")
    assert r.exit_code == 1, r.output
    lines = r.stdout.splitlines()
    assert not any(c in r.stdout for c in "│┃━─")  # no table drawing
    assert lines[0] == "截至 2024-06-05 逾期事项（1 项）"
    assert lines[1].split("\t") == ["姓名", "身份证号码", "证件号码", "应办事项", "起算日期", "期限", "逾期工作日", "来源"]
    doc = json.loads(run("--as-of", "2024-06-05", "--format", "json").stdout)
    # one line per item: the overdue section holds exactly the JSON's overdue items, grouped by unit
    section = lines[2:lines.index("")]
    items = [x.split("\t") for x in section if not x.startswith("【")]
    headings = [x for x in section if x.startswith("【")]
    assert len(items) == len(doc["overdue"]) == 1 and all(len(x) == 8 for x in items)
    assert [(x[0], x[1], x[5], x[6]) for x in items] == [
        (o["name"], o["id"], o["deadline"], str(o["late"])) for o in doc["overdue"]]
    units = [o["unit"] for o in doc["overdue"]]
    assert headings == [f"【{u}】{units.count(u)} 项" for u in dict.fromkeys(units)]
    assert P_LOST["id"] not in r.stdout and "610933********" in r.stdout  # masked
    # the due-soon section after a blank line, with 今日到期 in the count column, then the totals
    assert any(x.startswith("即将到期（") for x in lines) and "今日到期" in r.stdout
    assert lines[-1].startswith("截至 2024-06-05：逾期 1 项，即将到期 ")
    # --show-id prints the full number; --quiet only the overdue section
    assert P_LOST["id"] in run("--as-of", "2024-06-05", "--show-id").stdout
    q = run("--as-of", "2024-06-05", "-q").stdout.splitlines()
    assert q[0] == lines[0] and q == lines[:len(q)] and not any(x.startswith("即将到期") for x in q)


def test_plain_english(campaign_dir: Path) -> None:
    r = run("--as-of", "2024-06-05", "--lang", "en")
    lines = r.stdout.splitlines()
    assert lines[0] == "Overdue on 2024-06-05 (1)"
    assert lines[1].split("\t")[0] == "name" and any(x.startswith("[") and x.endswith(("item", "items")) for x in lines)


def test_terminal_table_is_capped(campaign_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cli_overdue, "TABLE_ROWS", 1)
    r = run("--as-of", "2024-06-11", env={"TTY_COMPATIBLE": "1"})
    assert r.exit_code == 1
    assert "│" in r.stdout or "┃" in r.stdout  # a table
    assert "截至 2024-06-11 逾期事项（3 项）" in r.stdout  # the title keeps the full count
    assert "……另有 2 项未显示；加 --all 显示全部，或用 --format csv 导出全部。" in r.stdout
    full = run("--as-of", "2024-06-11", "--all", env={"TTY_COMPATIBLE": "1"})
    assert "未显示" not in full.stdout and "执法主体清单!3:3" in full.stdout and "执法主体清单!3:3" not in r.stdout


def _outputs(*args: str) -> tuple[str, str]:
    """(output with the cache, output without it), stdout and stderr together."""
    a = run("--as-of", "2024-06-05", *args)
    b = run("--as-of", "2024-06-05", "--no-cache", *args)
    assert a.exit_code == b.exit_code
    return a.output, b.output


def test_cached_run_equals_a_fresh_one_after_each_change(campaign_dir: Path) -> None:
    forms = campaign_dir / "ledger"
    first = run("--as-of", "2024-06-05").output
    assert (default_cache_dir() / "cache.sqlite3").exists()  # the user's cache folder, not the forms share
    assert not any(p.name.startswith(".certctl") for p in campaign_dir.rglob("*"))
    cached, fresh = _outputs()
    assert cached == fresh == first
    # a plan file counts by its name: renaming it changes what is owed
    plan = next(forms.rglob("*培训计划*"))
    plan.rename(plan.with_name("乾佑街道2024年度培训计划-20240610.docx"))
    cached, fresh = _outputs("--format", "json")
    assert cached == fresh != run("--as-of", "2024-06-04", "--format", "json").output
    # a new form (annex 2 for the retired holder): that revocation is no longer overdue
    write_form(forms / B / "附件2-补.xlsx", "annex2", [
        dict(P_RETIRED, unit=B, cert="61000003", reason="退休", destination="退休", change_date=dt.date(2024, 5, 27)),
    ], dict(META, unit=B, date=dt.date(2024, 5, 29)))
    cached, fresh = _outputs()
    assert cached == fresh and "逾期事项（1 项）" in cached
    # removed again; another date; another language
    (forms / B / "附件2-补.xlsx").unlink()
    assert _outputs()[0] == _outputs()[1]
    a = run("--as-of", "2024-06-20").output
    assert a == run("--as-of", "2024-06-20", "--no-cache").output and a != first
    assert run("--as-of", "2024-06-05", "--lang", "en").output.startswith("Overdue on")


def test_a_new_day_is_judged_from_the_kept_docket(campaign_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A cron run on a new day does not read the forms again: the model's docket (its obligations before
    any day judges them) is kept in the cache and judged on the new day — with the same answers."""
    import certctl.workspace as W

    run("--as-of", "2024-06-05")  # reads the forms; keeps the day's result and the docket
    days = ("2024-06-06", "2024-06-11", "2024-07-29")

    def no_reading(*_a: object, **_k: object) -> None:
        raise AssertionError("the forms were read again")

    with monkeypatch.context() as m:
        m.setattr(W, "load_workspace", no_reading)
        kept = [run("--as-of", d, "--format", "json").output for d in days]
    assert kept == [run("--as-of", d, "--format", "json", "--no-cache").output for d in days]
    assert json.loads(kept[1])["counts"]["overdue"] == 3


def test_unreadable_file_warned_on_every_run(campaign_dir: Path) -> None:
    forms = campaign_dir / "ledger"
    (forms / "坏文件.xlsx").write_bytes(b"not a zip")
    for _ in range(2):  # the second run comes from the cache
        r = run("--as-of", "2024-06-05")
        assert "警告：无法读取 ledger/坏文件.xlsx" in r.stderr, r.stderr
        assert r.exit_code == 1
    shutil.rmtree(default_cache_dir())
    assert "警告：无法读取 ledger/坏文件.xlsx" in run("--as-of", "2024-06-05").stderr


def test_plain_line_fields_never_split() -> None:
    from certctl.overdue import Obligation

    o = Obligation("revocation", "overdue", "某局", "办理\t注销", "revoke", dt.date(2024, 5, 30),
                   since=dt.date(2024, 5, 27), late=4, name="王\n伟", id="610933199001010049", cert="61\r01",
                   path="a.xlsx", sheet="人员", row=3)
    lines = cli_overdue.plain_lines("T", [o], "zh", False, True)
    assert lines[2] == "【某局】1 项"
    assert lines[3].split("\t") == ["王 伟", "610933********0049", "61 01", "办理 注销", "2024-05-27", "2024-05-30",
                                    "4", "a.xlsx 人员!3:3"]
