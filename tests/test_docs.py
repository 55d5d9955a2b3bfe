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
    return sorted(group.commands)  # type: ignore[attr-defined]


def test_every_command_is_in_the_readme() -> None:
    missing = [c for c in _commands() if f"certctl {c}" not in README]
    assert not missing, f"commands not documented in README.md: {missing}"


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
        cmd = group.commands[words[1]]  # type: ignore[attr-defined]
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
