"""The rule catalogue: complete, bilingual, sourced, listed by `certctl rules`, and every rule that
validation can emit is emitted somewhere and exercised by at least one test."""

from __future__ import annotations

import json
import re
import string
from pathlib import Path

import pytest
from typer.testing import CliRunner

from certctl import rules as R
from certctl.cli import app

SRC = Path(__file__).resolve().parents[1] / "src" / "certctl"
TESTS = Path(__file__).resolve().parent
CODE_RE = re.compile(r'"([A-Z]\d{3})"')
# Modules whose code decides which validation findings exist (empty_code lives in forms.py).
EMITTERS = ("validate", "forms.py", "reader.py")


def _codes_in(*names: str) -> set[str]:
    out: set[str] = set()
    for n in names:
        files = sorted((SRC / n).rglob("*.py")) if (SRC / n).is_dir() else [SRC / n]
        for f in files:
            out |= set(CODE_RE.findall(f.read_text(encoding="utf-8")))
    return out


def _fields(tpl: str) -> set[str]:
    return {f for _, f, _, _ in string.Formatter().parse(tpl) if f}


@pytest.mark.parametrize("code", sorted(R.RULES))
def test_rule_is_complete(code):
    r = R.RULES[code]
    assert r.code == code and re.fullmatch(r"[FMINDCVUASTXR]\d{3}", code)
    assert r.severity in (R.ERROR, R.WARNING, R.INFO)
    assert r.scope in ("validate", "merge", "overdue")
    assert r.zh and r.en and r.source and r.msg_zh and r.msg_en and r.name
    assert any("\u4e00" <= ch <= "\u9fff" for ch in r.zh + r.msg_zh), "Chinese first"
    assert re.search(r"[A-Za-z]{3}", r.en) and re.search(r"[A-Za-z]{3}", r.msg_en)  # (may quote column names)
    assert bool(r.hint_zh) == bool(r.hint_en)
    # the English message uses the same parameters as the Chinese one
    assert _fields(r.msg_zh) == _fields(r.msg_en), code


def test_names_unique():
    names = [r.name for r in R.RULES.values()]
    assert len(names) == len(set(names))


def test_every_emitted_code_is_in_the_catalogue():
    assert _codes_in(*EMITTERS) - set(R.RULES) == set()


def test_every_validate_rule_is_emitted():
    validate_rules = {c for c, r in R.RULES.items() if r.scope == "validate"}
    assert validate_rules - _codes_in(*EMITTERS) == set()


def test_every_validate_rule_fires_in_some_test():
    """Each validate-scope code is asserted somewhere in the validate tests (as at(res, code),
    one(res, code), a codes(...) comparison or a JSON code)."""
    text = "".join(p.read_text(encoding="utf-8") for p in TESTS.glob("test_validate_*.py"))
    untested = [c for c, r in R.RULES.items() if r.scope == "validate" and f'"{c}"' not in text]
    assert untested == []


def test_rules_command_lists_every_rule():
    r = CliRunner().invoke(app, ["rules", "--json"])
    assert r.exit_code == 0
    listed = json.loads(r.stdout)
    assert [x["code"] for x in listed] == list(R.RULES)
    for x in listed:
        assert {"code", "name", "severity", "scope", "description", "source"} <= set(x)
        assert x["description"] and x["source"]


def test_rules_table_has_every_code(monkeypatch):
    monkeypatch.setenv("COLUMNS", "250")
    r = CliRunner().invoke(app, ["rules"])
    assert r.exit_code == 0
    for code in R.RULES:
        assert code in r.stdout, code
    r = CliRunner().invoke(app, ["rules", "--lang", "en"])
    assert "Holder is under 18" in r.stdout


def test_rules_one_code_and_unknown_code():
    r = CliRunner().invoke(app, ["rules", "i006"])
    assert r.exit_code == 0 and "I006" in r.stdout and "文本" in r.stdout
    r = CliRunner().invoke(app, ["rules", "Z999"])
    assert r.exit_code == 2 and "Z999" in r.output
    assert "没有规则" in r.output and "no rule" not in r.output  # one language: Chinese by default
    r = CliRunner().invoke(app, ["rules", "Z999", "--lang", "en"])
    assert r.exit_code == 2 and "no rule Z999" in r.output and not CJK.search(r.output), r.output


NOTICES = re.compile("|".join(re.escape(n) for n in (R.QD, R.ZS, R.HOURS)))
CJK = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")


@pytest.mark.parametrize("code", sorted(c for c, r in R.RULES.items() if r.source.startswith(R.DQ)))
def test_rules_source_in_english_is_english(code):
    """With --lang en, certctl's own wording in a rule's source is English; only the notices' names, their
    annexes and the 备注 column keep their Chinese."""
    r = CliRunner().invoke(app, ["rules", code, "--lang", "en"])
    assert r.exit_code == 0
    source = next(line for line in r.stdout.splitlines() if line.startswith("Source: "))
    rest = NOTICES.sub("", source).replace("附件1—4", "").replace("备注", "")
    assert not CJK.search(rest), source
    assert "certctl data-quality rule" in source
    zh = CliRunner().invoke(app, ["rules", code]).stdout
    assert R.RULES[code].source in zh  # Chinese mode: the source as written


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_rules_table_prints_brackets_as_written(monkeypatch, lang):
    """A source holding "[cert_patterns]" is text, not rich markup swallowed from the table."""
    monkeypatch.setenv("COLUMNS", "400")
    r = CliRunner().invoke(app, ["rules", "--lang", lang])
    assert r.exit_code == 0
    assert "[cert_patterns]" in r.stdout, r.stdout
