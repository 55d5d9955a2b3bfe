"""Scenario 6 (issue 15): what keeping the previous merge's accounts could save — measured before built.

``cross_form.py FORMS [--repeat 3]`` reads a folder (no cache), builds its model in this process and
prints, as JSON, the CPU seconds of the model's work across forms (everything after the forms' rows are
events: ``_fold``, the clocks, the cross-person checks, colours and problems, units, sorting), and of
the two ways a merge can come by an ``Account`` for every certificate:

- ``fold``: the events folded, as every merge does now (``model.build._fold``);
- ``from_stored``: the lower bound of keeping the accounts as data — their fields (number, state,
  unit, colour) decoded from one JSON blob of columns (the cheapest form the cache stores), the events
  grouped by certificate, and an ``Account`` made from each with the fields set, nothing judged.

The writer, the units, the holders and the cross-person checks read an ``Account`` of every
certificate, so a merge that kept the accounts would still make one of each: if ``from_stored`` is not
cheaper than ``fold``, keeping them saves only the judging (colour, problems, clocks), measured here as
``judging``. The garbage collector is paused as ``build_model`` pauses it.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
import time
from pathlib import Path
from typing import Any


def measure(forms: Path, repeat: int = 3) -> dict[str, Any]:
    from certctl.config import Config
    from certctl.gcpause import gc_paused
    from certctl.model import build as B
    from certctl.model.accounts import Account, judge_colour
    from certctl.model.campaign import campaign_from_config
    from certctl.validate import Options
    from certctl.workspace import load_workspace

    cfg = Config()
    day = dt.date(2024, 6, 5)
    ws = load_workspace(forms, Options.from_config(cfg, lang="zh", today=day), slim=True)
    out: dict[str, Any] = {"certificates": 0}
    with gc_paused():
        t = time.process_time()
        model = B.build_model(ws, cfg, day)
        out["model"] = time.process_time() - t
        out["certificates"] = len(model.accounts)
        b = B._Builder(ws, cfg, day, None)
        r = B._read(ws, b, campaign_from_config(b.cfg))
        t = time.process_time()
        B._read(ws, b, campaign_from_config(b.cfg))
        out["model_reading_forms"] = time.process_time() - t
        out["model_across_forms"] = out["model"] - out["model_reading_forms"]
        events = r.events
        folds, stored, judging = [], [], []
        for _ in range(repeat):
            t = time.process_time()
            accounts = B._fold(events, b)
            folds.append(time.process_time() - t)
            blob = json.dumps([[a.cert for a in accounts.values()], [a.status for a in accounts.values()],
                               [a.unit for a in accounts.values()], [a.colour for a in model.accounts]],
                              ensure_ascii=False)
            t = time.process_time()
            certs, status, unit, colour = json.loads(blob)
            by: dict[str, list] = {}
            for ev in events:
                got = by.get(ev.cert)
                if got is None:
                    by[ev.cert] = [ev]
                else:
                    got.append(ev)
            made = {}
            for c, s, u, col in zip(certs, status, unit, colour):
                es = by[c]
                last = es[-1]
                made[c] = Account(c, last.name, last.id, last.values.get("sex") or "", u, "省级", s, col, (),
                                  last.kind, last.date, events=es)
            stored.append(time.process_time() - t)
            t = time.process_time()
            for acc in accounts.values():
                judge_colour(acc.status, acc.facts, acc.flags, acc.obligations, acc.incomplete(), b.annual_hours,
                             b.new_field_hours)
                B._problems(acc)
            B._start_clocks(r, b, campaign_from_config(b.cfg))
            judging.append(time.process_time() - t)
            del accounts, made, by
    out["fold"], out["from_stored"], out["judging"] = min(folds), min(stored), min(judging)
    return {k: round(v, 3) if isinstance(v, float) else v for k, v in out.items()}


def main() -> int:
    import argparse

    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("forms", type=Path)
    ap.add_argument("--repeat", type=int, default=3)
    a = ap.parse_args()
    print(json.dumps(measure(a.forms, a.repeat)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
