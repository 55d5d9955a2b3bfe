"""The worked examples: clean forms validate with 0 errors, each mistakes form raises the codes it
was made to show, and generate.py reproduces the committed files exactly."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from pathlib import Path

import pytest

from certctl.config import Config
from certctl.validate import Options, validate_file

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
MANIFEST = json.loads((EXAMPLES / "manifest.json").read_text(encoding="utf-8"))
FILES = sorted(k for k in MANIFEST if k.endswith(".xlsx"))
OPTS = Options.from_config(Config(), today=dt.date(2024, 6, 5))  # what a clerk sees: the shipped rule sets


def test_every_family_has_a_clean_and_a_mistakes_form() -> None:
    fams = {(MANIFEST[k]["family"], MANIFEST[k]["clean"]) for k in FILES if k.startswith("forms/")}
    for f in ("annex1", "annex2", "annex3", "annex4", "survey", "registry", "national"):
        assert (f, True) in fams and (f, False) in fams, f
    ledger = {MANIFEST[k]["family"] for k in FILES if k.startswith("ledger/")}
    assert ledger == {"annex1", "annex2", "annex3", "annex4", "survey", "registry", "national"}


@pytest.mark.parametrize("rel", FILES)
def test_example_validates_as_described(rel: str) -> None:
    info = MANIFEST[rel]
    res = validate_file(EXAMPLES / rel, OPTS)
    assert res.read_error is None
    assert res.family == info["family"]
    codes = {f.code for f in res.findings}
    missing = set(info["codes"]) - codes
    assert not missing, (rel, sorted(missing), [(f.code, f.cell, f.message()) for f in res.findings])
    if info["clean"]:
        assert res.errors == 0 and res.warnings == 0, [(f.code, f.cell, f.message()) for f in res.findings]
        assert codes <= {"A201", "A301", "A402", "T003"}
    elif rel.startswith("forms/"):
        assert res.errors > 0


def test_no_real_looking_surplus_codes_in_ledger() -> None:
    """The ledger files show only the problems their stories are about (cross-form ones come from merge)."""
    for rel in FILES:
        if rel.startswith("ledger/"):
            res = validate_file(EXAMPLES / rel, OPTS)
            codes = {f.code for f in res.findings}
            assert codes <= set(MANIFEST[rel]["codes"]) | {"A201", "A301", "A402", "T003"}, (rel, codes)


def test_generate_reproduces_the_committed_examples(tmp_path: Path) -> None:
    proc = subprocess.run([sys.executable, str(EXAMPLES / "generate.py"), str(tmp_path)],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert json.loads((tmp_path / "manifest.json").read_text(encoding="utf-8")) == MANIFEST
    for rel in FILES:
        assert (tmp_path / rel).read_bytes() == (EXAMPLES / rel).read_bytes(), (
            f"{rel} differs from generate.py output: run `python examples/generate.py`")


def test_ids_are_synthetic_and_valid() -> None:
    """Every ID in a clean example passes the checksum (they come from make_id); none is masked."""
    for rel in FILES:
        if MANIFEST[rel]["clean"] or rel.startswith("ledger/"):
            res = validate_file(EXAMPLES / rel, OPTS)
            for rec in res.records():
                if "id" in rec.values:
                    assert rec.values.get("id_ok"), (rel, rec.row)
