"""Declared dependencies are the ones certctl needs: defusedxml guards openpyxl's XML parsing, and the
packages nothing imports (xlrd, python-dateutil) are no longer declared (issue 18)."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _declared() -> set[str]:
    deps = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["dependencies"]
    return {re.split(r"[<>=!~ \[]", d, maxsplit=1)[0].lower() for d in deps}


def test_openpyxl_parses_xml_through_defusedxml() -> None:
    import openpyxl.xml

    assert openpyxl.xml.DEFUSEDXML is True
    from openpyxl.xml.functions import fromstring

    assert fromstring.__module__.startswith("defusedxml")


def test_a_billion_laughs_workbook_part_is_refused() -> None:
    from defusedxml import EntitiesForbidden
    from openpyxl.xml.functions import fromstring

    bomb = ('<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>'
            '<x>&b;</x>')
    try:
        fromstring(bomb)
    except EntitiesForbidden:
        return
    raise AssertionError("openpyxl parsed an entity declaration")


def test_no_unused_dependency_is_declared() -> None:
    declared = _declared()
    assert "xlrd" not in declared and "python-dateutil" not in declared
    assert "defusedxml" in declared and "pandas" in declared
    src = "\n".join(p.read_text(encoding="utf-8") for p in (ROOT / "src" / "certctl").rglob("*.py"))
    assert re.search(r"^\s*import pandas|^\s*from pandas", src, re.M), "pandas is declared: something must use it"
    for unused in ("xlrd", "dateutil"):
        assert not re.search(rf"^\s*(import|from) {unused}\b", src, re.M), unused


def test_the_bench_writers_are_an_extra_certctl_never_imports() -> None:
    """The bare writers bench scenario 5 times (issue 15) are installed by `make bench` only."""
    extras = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["optional-dependencies"]
    bench = {re.split(r"[<>=!~ \[]", d, maxsplit=1)[0].lower() for d in extras["bench"]}
    assert {"rustpy-xlsxwriter", "pyexcelerate", "xlsxwriter"} <= bench
    assert not bench & _declared()
    src = "\n".join(p.read_text(encoding="utf-8") for p in (ROOT / "src" / "certctl").rglob("*.py"))
    for mod in ("rustpy_xlsxwriter", "pyexcelerate", "xlsxwriter"):
        assert not re.search(rf"^\s*(import|from) {mod}\b", src, re.M), mod
    assert "[test,bench]" in (ROOT / "Makefile").read_text(encoding="utf-8")
