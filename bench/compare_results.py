"""Dump the validation results of every workbook in the repository, to check a speed change is
behaviour-preserving: run with ``dump OUT.json`` before the change and ``check OUT.json`` after.

For every file (tests/corpus, tests/fixtures, examples/, templates/, and the generated bench forms
under bench/work/ when present) it records the family, metadata, sheets (header, colmap, skipped),
every record (row, values with their types, raw texts, errors, warnings, codes, colour) and every
finding (code, sheet, row, col, field, value, params, sensitive, severity, message in zh and en).
Each file is validated twice: default options (zh) and English with a certificate pattern set, so
the C004 path is exercised too. Files are compared by a digest of their canonical JSON; on a
mismatch the first differing lines are shown.

    .venv/bin/python bench/compare_results.py dump /tmp/before.json
    .venv/bin/python bench/compare_results.py check /tmp/before.json

``roundtrip`` compares, for every file and both option sets, the fresh result with the same result
stored in the cache and loaded back (certctl.codec, as merge, overdue and report get it), and with a
validation of the bytes read beforehand (certctl.workspace.validate_once):

    .venv/bin/python bench/compare_results.py roundtrip
"""

from __future__ import annotations

import datetime as dt
import difflib
import hashlib
import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT / "src"))

from certctl.reader import EXTENSIONS  # noqa: E402
from certctl.validate import Options, validate_file  # noqa: E402

TODAY = dt.date(2024, 6, 10)  # forms without a date use "today": pin it so dumps compare across days


def files() -> list[Path]:
    out: list[Path] = []
    # bench/work holds generated inputs (forms, big) and outputs other runs rewrite (ledgers): inputs only
    for d in ("tests", "examples", "templates", "bench/work/quick/forms", "bench/work/quick/big", "bench/work/full/big"):
        base = ROOT / d
        if base.exists():
            out += [p for p in base.rglob("*") if p.is_file() and p.suffix.lower() in EXTENSIONS]
    return sorted(out)


def _val(v: object) -> object:
    if isinstance(v, (dt.date, dt.datetime)):
        return {type(v).__name__: v.isoformat()}
    if isinstance(v, float):
        return {"float": repr(v)}
    if v is None or isinstance(v, (str, bool, int)):
        return v
    return {type(v).__name__: repr(v)}


def dump_result(res) -> list:
    m = res.meta
    lines: list = [["file", res.family, res.format, res.sha256, res.read_error.code if res.read_error else None,
                    [m.unit, m.reporter, m.phone, _val(m.date), m.date_text, m.row, m.found]]]
    for s in res.sheets:
        lines.append(["sheet", s.sheet, s.spec.kind, s.header_row, s.header_rows, sorted(s.colmap.items()), s.skipped,
                      len(s.records)])
        for r in s.records:
            lines.append(["rec", r.kind, r.sheet, r.row, sorted((k, _val(v)) for k, v in r.values.items()),
                          sorted(r.raw.items()), r.errors, r.warnings, r.codes, r.colour, r.colour_reasons])
    for f in res.findings:
        lines.append(["finding", f.code, f.sheet, f.row, f.col, f.field, f.value,
                      sorted((k, _val(v)) for k, v in f.params.items()), f.sensitive, f.severity, f.cell,
                      f.message("zh"), f.message("en", True), f.hint("zh")])
    return lines


VARIANTS = {
    "zh": Options(today=TODAY),
    "en": Options(lang="en", today=TODAY, cert_patterns={"省级": r"[0-9]{10}", "国家部委": r"[A-Z0-9]{8,12}"}),
}


def run() -> dict[str, dict]:
    out = {}
    variants = VARIANTS
    for p in files():
        rel = str(p.relative_to(ROOT))
        for name, opts in variants.items():
            lines = dump_result(validate_file(p, opts))
            text = "\n".join(json.dumps(x, ensure_ascii=False, sort_keys=True) for x in lines)
            out[f"{rel} [{name}]"] = {"sha": hashlib.sha256(text.encode()).hexdigest(),
                                      "lines": text if len(lines) < 20000 else None, "n": len(lines)}
    return out


def roundtrip() -> int:
    """Fresh results against cached ones and ones validated from bytes already read; 1 on a difference."""
    from certctl import codec
    from certctl.workspace import validate_once

    bad = n = 0
    for p in files():
        rel = str(p.relative_to(ROOT))
        for name, opts in VARIANTS.items():
            fresh = dump_result(validate_file(p, opts))
            r = validate_file(p, opts)
            if r.read_error is None:  # the cache keeps readable results only
                others = {"cached": codec.loads(codec.dumps(r)), "read once": validate_once(p, opts)[0]}
            else:
                others = {"read once": validate_once(p, opts)[0]}
            for how, other in others.items():
                n += 1
                got = dump_result(other)
                if got != fresh:
                    bad += 1
                    print(f"DIFFERENT ({how}): {rel} [{name}]")
                    a = [json.dumps(x, ensure_ascii=False, sort_keys=True) for x in fresh]
                    b = [json.dumps(x, ensure_ascii=False, sort_keys=True) for x in got]
                    for line in list(difflib.unified_diff(a, b, lineterm="", n=0))[:12]:
                        print("   ", line[:300])
    print(f"{n} results compared with the fresh ones, {bad} different")
    return 1 if bad else 0


def main(argv: list[str]) -> int:
    if argv == ["roundtrip"]:
        return roundtrip()
    if len(argv) != 2 or argv[0] not in ("dump", "check"):
        print(__doc__)
        return 2
    cmd, path = argv
    now = run()
    if cmd == "dump":
        Path(path).write_text(json.dumps(now, ensure_ascii=False))
        print(f"{len(now)} results written to {path}")
        return 0
    before = json.loads(Path(path).read_text())
    bad = 0
    for k in sorted(set(before) | set(now)):
        a, b = before.get(k), now.get(k)
        if b is None:
            print(f"not compared now (no longer in the file list): {k}")
        elif a is None:
            print(f"only after: {k}")
            bad += 1
        elif a["sha"] != b["sha"]:
            bad += 1
            print(f"DIFFERENT: {k} ({a['n']} -> {b['n']} lines)")
            if a["lines"] and b["lines"]:
                for line in list(difflib.unified_diff(a["lines"].splitlines(), b["lines"].splitlines(), lineterm="",
                                                      n=0))[:12]:
                    print("   ", line[:300])
    print(f"{len(now)} results compared, {bad} different")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
