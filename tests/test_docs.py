"""Documentation stays true to the code: every command is documented, every rule listed."""

from __future__ import annotations

import json
import re
from pathlib import Path

import typer.main
from typer.testing import CliRunner

from certctl import rules as R
from certctl.cli import app

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def _commands() -> list[str]:
    group = typer.main.get_command(app)
    return sorted(group.list_commands(typer.Context(group)))  # type: ignore[attr-defined]


def test_every_command_is_in_the_readme() -> None:
    missing = [c for c in _commands() if f"certctl {c}" not in README]
    assert not missing, f"commands not documented in README.md: {missing}"


def test_readme_shows_the_two_setup_commands() -> None:
    """make demo (install and run the main job on examples/) and make test, each a target of the Makefile."""
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    for target in ("demo", "test"):
        assert f"make {target}" in README, target
        assert f"\n{target}:" in makefile, target


def test_every_command_has_help() -> None:
    runner = CliRunner()
    for c in _commands():
        res = runner.invoke(app, [c, "--help"])
        assert res.exit_code == 0, (c, res.output)
        assert len(res.output.strip()) > 40


def test_rules_command_lists_the_catalogue() -> None:
    res = CliRunner().invoke(app, ["rules", "--json"])
    assert res.exit_code == 0
    listed = {r["code"] for r in json.loads(res.output)}
    assert listed == set(R.RULES)


def test_rule_codes_are_well_formed_and_complete() -> None:
    for code, rule in R.RULES.items():
        assert re.fullmatch(r"[A-Z]\d{3}", code)
        assert rule.severity in (R.ERROR, R.WARNING, R.INFO)
        assert rule.zh and rule.en and rule.source and rule.msg_zh and rule.msg_en


def test_json_contract_keys_documented() -> None:
    for key in ("files", "path", "form", "rows", "errors", "warnings", "findings", "code", "severity",
                "sheet", "row", "column", "cell", "field", "value", "message"):
        assert f'"{key}"' in README, key


# ---------------------------------------------------------------------- citations (SPEC 6, issue 11)
NOTICE_OF_SET = {R.QIDONG_SET: R.QD, R.ZHASHUI_SET: R.ZS}
CITATION = re.compile(r"(启依法办发〔2020〕15号|柞政司发〔2024〕52号|国办发〔2023〕27号|GB(/T)? \d+)")


def test_every_rule_cites_a_document_and_clause_never_spec() -> None:
    """A unit can look up every citation: a document number and clause, or, for certctl's own rules,
    a plain statement that they are certctl's own — never "SPEC n" or an internal policy."""
    bad = []
    for code, rule in R.RULES.items():
        src = rule.source
        if "SPEC" in src or "policy" in src or not src.strip():
            bad.append((code, src))
        elif rule.ruleset in NOTICE_OF_SET:
            notice = NOTICE_OF_SET[rule.ruleset]
            clause = src.split(notice, 1)[1] if notice in src else ""
            if not re.search(r"[一二三四五六七八九十]|附件", clause):
                bad.append((code, src))  # a notice's rule names its notice and a clause of it
        elif not (CITATION.search(src) or src.startswith(R.DQ)):
            bad.append((code, src))
    assert not bad, f"rules without a citation a unit can check: {bad}"


def test_every_rule_belongs_to_a_rule_set_and_the_list_shows_it() -> None:
    from certctl.jurisdiction import ALL_SETS

    assert all(r.ruleset in ALL_SETS for r in R.RULES.values())
    res = CliRunner().invoke(app, ["rules", "--json"])
    listed = {r["code"]: r for r in json.loads(res.output)}
    assert listed["X001"]["rule_set"] == "qidong2020" and listed["X001"]["source"] == "启依法办发〔2020〕15号 二"
    assert listed["A303"]["rule_set"] == "zhashui2024" and listed["A303"]["source"].startswith("柞政司发〔2024〕52号 三.3")
    assert listed["S004"]["source"].endswith("国办发〔2023〕27号")
    text = CliRunner().invoke(app, ["rules"], env={"COLUMNS": "250"}).output
    assert "启东 2020（江苏）" in text and "柞水 2024（陕西）" in text


def test_obligations_table_names_real_rules_and_tests() -> None:
    """docs/obligations.md: every rule of either notice is in it, and every test it names exists."""
    text = (ROOT / "docs" / "obligations.md").read_text(encoding="utf-8")
    notice_rules = {c for c, r in R.RULES.items() if r.ruleset in NOTICE_OF_SET}
    missing = sorted(c for c in notice_rules if c not in text)
    assert not missing, f"rules of the notices not in docs/obligations.md: {missing}"
    named = set(re.findall(r"`(test_\w+\.py)::(test_\w+)`", text))
    assert len(named) > 20
    for file, test in sorted(named):
        src = (ROOT / "tests" / file).read_text(encoding="utf-8")
        assert re.search(rf"^def {test}\(", src, re.M), f"{file}::{test} named in docs/obligations.md does not exist"


def _readme_commands() -> list[list[str]]:
    """Every `certctl …` command line in README's code blocks, split into words (comments dropped)."""
    out = []
    in_block = False
    for line in README.splitlines():
        if line.startswith("```"):
            in_block = not in_block
            continue
        text = line.strip().removeprefix("$ ")
        if in_block and text.startswith("certctl "):
            out.append(text.split("#")[0].split())
    return out


def test_readme_examples_use_real_options_and_paths() -> None:
    """Each option in a README example is one the command shows in its help (no old spellings), and
    every examples/ path it names exists."""
    group = typer.main.get_command(app)
    lines = _readme_commands()
    assert len(lines) > 15
    for words in lines:
        cmd = group.get_command(typer.Context(group), words[1])  # type: ignore[attr-defined]
        rest = words[2:]
        if getattr(cmd, "commands", None) and rest and rest[0] in cmd.commands:
            cmd = cmd.commands[rest[0]]
        shown = {o for p in cmd.params if not getattr(p, "hidden", False) for o in (*p.opts, *p.secondary_opts)}
        shown |= {"-h", "--help"}
        for w in rest:
            if w.startswith("-") and w != "-":
                assert w.split("=")[0] in shown, (" ".join(words), w)
            if w.startswith("examples/"):
                assert (ROOT / w).exists(), w
