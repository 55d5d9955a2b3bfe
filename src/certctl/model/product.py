"""What the model takes of one form, kept in the cache beside the form's records (issue 15).

A merge with the cache warm after one form changed used to decode every form's records from the cache
and turn their rows into events again. What :meth:`certctl.model.build._Reading.file` makes of a form's
rows depends on that form alone (its bytes and the validation options, the key of its cached records):
the events of its rows, how many were merged and rejected, the X006 of a rejected row (its arguments:
whether the finding is listed is the config's and is decided when it is replayed), and the unit names
R001/R002 check. Kept here as plain data, a warm merge reads that instead of the records, and does the
steps across forms (registry, versions, accounts, clocks …) as before.

Only a form the model reads without the others is kept: annex 1–4 sheets only (no registry, national
list or survey, which other forms read), no read error, not certctl's output, no error row whose record
the terminal needs. A kept form found in a group of versions (model/versions.py: two forms of one unit
and kind), whose rows another form may replace, needs its records: the model raises
:class:`NeedRecords` before it reads any row, the merge drops those products and reads the folder again
(a form in such a group is not kept as its product). So does a stored product that does not fit.

The plain reference is the model's own reading of the records (``events_of``); :func:`pack_events` /
:func:`unpack_events` is the one fast path, and tests/test_model_product.py checks they agree.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any, Callable

from .. import codec
from .events import Event

PRODUCT_KINDS = frozenset(("annex1", "annex2", "annex3", "annex4"))
# the cache's keys of a form's product: its records' key and these — the form's result and counts, read
# with the folder, and its events, read (decoded) only when the model comes to the form: memory, issue 15
OKEY_SUFFIX = "|model-product-1"
EVENTS_SUFFIX = "|model-events-1"
SUFFIXES = (OKEY_SUFFIX, EVENTS_SUFFIX)


class NeedRecords(Exception):
    """Forms came from the cache as their product, but the model needs their records (a version group):
    ``digests``, whose products the merge drops before it reads the folder again."""

    def __init__(self, digests: list[str]) -> None:
        super().__init__(digests)
        self.digests = digests


def eligible(res: Any) -> bool:
    """Can ``res``'s rows be kept as a product (read by the model without any other form)?"""
    return (res.read_error is None and not res.output and bool(res.sheets)
            and all(s.spec.kind in PRODUCT_KINDS for s in res.sheets))


def pack_events(events: list[Event]) -> dict[str, Any]:
    """The events of one form's rows as plain columns: repeated values (kinds, dates, units, names,
    sheets: str, date or None) by their place in one table, the values dicts and the codes once each."""
    for e in events:
        if e.record is not None or e.loss is not None:
            raise ValueError("only a slim annex event is kept")
    table: dict[Any, int] = {}

    def places(col: list[Any]) -> list[int]:
        return [table.setdefault(x, len(table)) for x in col]

    vid: dict[int, int] = {}
    cid: dict[tuple, int] = {}
    cols = {"k": places([e.kind for e in events]), "d": places([e.date for e in events]),
            "c": [e.cert for e in events], "i": [e.id for e in events], "n": places([e.name for e in events]),
            "u": places([e.unit for e in events]), "s": places([e.sheet for e in events]),
            "r": [e.row for e in events], "v": [vid.setdefault(id(e.values), len(vid)) for e in events],
            "f": places([e.family for e in events]), "fl": places([e.filed for e in events]),
            "sb": [e.sub for e in events], "sg": places([e.signed for e in events]),
            "cd": [cid.setdefault(e.codes, len(cid)) for e in events]}
    if any(type(x) not in _ATOMS for x in table):
        raise ValueError("an event's kind, date, name, unit or sheet is not a text or a date")
    values = {id(e.values): e.values for e in events}
    cols["atoms"] = list(table)
    cols["values"] = [dict(values[i]) for i in vid]
    cols["codes"] = [list(c) for c in cid]
    return cols


_ATOMS = frozenset((str, dt.date, type(None)))


def unpack_events(cols: dict[str, Any], path: str, rel: str, shared: dict[Any, Any],
                  share_values: Callable[[dict[str, Any]], dict[str, Any]]) -> list[Event]:
    """The events :func:`pack_events` was given, at ``path`` (shown as ``rel``): their repeated values
    and row numbers one object each through ``shared``, their values dicts through ``share_values``
    (model.events.Slim)."""
    atoms = [shared.setdefault(x, x) for x in cols["atoms"]]
    values = [share_values(d) for d in cols["values"]]
    codes = [tuple(c) for c in cols["codes"]]
    rows = list(map(shared.setdefault, cols["r"], cols["r"]))
    return [Event(atoms[k], atoms[d], c, i, atoms[n], atoms[u], path, rel, atoms[s], r, values[v], atoms[f],
                  atoms[fl], sb, None, atoms[sg], codes[cd], None)
            for k, d, c, i, n, u, s, r, v, f, fl, sb, sg, cd
            in zip(cols["k"], cols["d"], cols["c"], cols["i"], cols["n"], cols["u"], cols["s"], rows, cols["v"],
                   cols["f"], cols["fl"], cols["sb"], cols["sg"], cols["cd"])]


def make(res: Any, events: list[Event], merged: int, rejected: int, x006: list[tuple], cells: list[tuple]) -> Any:
    """The product of a form whose records were let go (release_records, none kept), as plain data;
    None when it cannot be kept."""
    if not eligible(res) or any(s.built for s in res.sheets):
        return None
    try:
        packed = pack_events(events)
    except ValueError:
        return None
    bare = dataclasses.replace(res, path="", sheets=[dataclasses.replace(s, built=[], table=None, released=0)
                                                     for s in res.sheets])
    return {"result": bare, "released": [s.released for s in res.sheets], "events": packed,  # (kept apart)
            "merged": merged, "rejected": rejected, "x006": [list(x) for x in x006],
            "cells": [list(c[1:]) for c in cells]}


def split(made: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """(what is stored under OKEY_SUFFIX, what under EVENTS_SUFFIX) of a product :func:`make` made."""
    head = dict(made)
    return head, head.pop("events")


def events(blob: bytes) -> dict[str, Any]:
    """The events' columns of a product stored apart (:func:`split`); CodecError for anything else."""
    cols = codec.loads(blob)
    if type(cols) is not dict or not all(type(cols.get(k)) is list for k in _COLUMNS):
        raise codec.CodecError("not a model product's events")
    n = len(cols["k"])
    if any(len(cols[k]) != n for k in _COLUMNS[:14]):
        raise codec.CodecError("a model product's columns of unequal lengths")
    atoms, values, codes = cols["atoms"], cols["values"], cols["codes"]
    fits = (all(type(x) in _ATOMS for x in atoms)  # each column's places in the table, of the column's type
            and all(type(i) is int and 0 <= i < len(atoms) and type(atoms[i]) in types
                    for k, types in _TYPED.items() for i in set(cols[k]))
            and set(map(type, cols["c"])) | set(map(type, cols["i"])) <= {str}  # (a call a column, not a value)
            and set(map(type, cols["r"])) | set(map(type, cols["sb"])) <= {int}
            and all(type(d) is dict for d in values) and all(type(i) is int and 0 <= i < len(values) for i in set(cols["v"]))
            and all(type(c) is list and all(type(x) is str for x in c) for c in codes)
            and all(type(i) is int and 0 <= i < len(codes) for i in set(cols["cd"])))
    if not fits:
        raise codec.CodecError("a model product's events do not fit")
    return cols


_TYPED = {"k": (str,), "d": (dt.date,), "n": (str,), "u": (str,), "s": (str,), "f": (str,),
          "fl": (dt.date, type(None)), "sg": (dt.date, type(None))}


def _rows_of(x: Any, n: int) -> bool:
    return type(x) is list and all(type(r) is list and len(r) == n for r in x)


_COLUMNS = ("k", "d", "c", "i", "n", "u", "s", "r", "v", "f", "fl", "sb", "sg", "cd", "atoms", "values", "codes")


def loads(blob: bytes, path: str) -> tuple[Any, dict[str, Any]]:
    """(the form's result, its records let go, at ``path``; the product without its events) of a stored
    product; ValueError (a miss) for anything else."""
    p = codec.loads(blob)
    from ..validate import FormResult

    if type(p) is not dict or type(p.get("result")) is not FormResult:
        raise codec.CodecError("not a model product")
    res = p["result"]
    released = p["released"]
    if (type(released) is not list or len(released) != len(res.sheets) or not eligible(res)
            or not all(type(n) is int and n >= 0 for n in released)
            or type(p.get("merged")) is not int or type(p.get("rejected")) is not int
            or not _rows_of(p.get("x006"), 6) or not _rows_of(p.get("cells"), 5)):
        raise codec.CodecError("not a model product")
    res.path = path
    for f in res.findings:
        f.path = path
    for s, n in zip(res.sheets, released):
        s.built, s.table, s.released = [], None, int(n)
    p["cells"] = [(path, *c) for c in p["cells"]]
    return res, p


__all__ = ["NeedRecords", "eligible", "pack_events", "unpack_events", "make", "split", "events", "loads", "SUFFIXES"]
