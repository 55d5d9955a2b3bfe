"""The cache's data format: JSON with a few tagged values, never code.

A cache entry must not be able to run anything when it is read back: a file that someone else could
write (a shared forms folder, a stolen cache) is then at worst a wrong answer that is thrown away, not
a way in. So results are stored as JSON, and only these kinds of value come back out of it:

- ``str``, ``int``, ``float``, ``bool``, ``None``, lists, and dicts with string keys (as JSON has them);
- ``{"$t": [...]}`` a tuple, ``{"$fs": [...]}`` a frozenset, ``{"$set": [...]}`` a set,
  ``{"$m": [[k, v], ...]}`` a dict whose keys are not all plain strings;
- ``{"$d": "2024-06-05"}`` a date, ``{"$dt": "2024-06-05T09:30:00"}`` a datetime;
- ``{"$spec": "annex2"}`` a form spec (:data:`certctl.forms.BY_KIND` — the module's own object);
- ``{"$err": [code, zh, en]}`` a :class:`certctl.reader.ReadError`;
- ``{"$os": "certctl.module:Class", "k": [field, ...], "v": [[value, ...], ...]}`` a list of them, the
  field names written once;
- ``{"$o": "certctl.module:Class", "f": {field: value, ...}}`` a dataclass defined in certctl, rebuilt
  through its constructor from its fields (found by :func:`dataclasses.fields`, so a field added or
  renamed needs no change here); ``{"$o": ..., "s": {...}}`` one that defines its own
  ``__getstate__``/``__setstate__`` (``SheetResult`` keeps its records, not its column tables: the
  records by columns, plain lists — ``validate/results.py`` ``pack_records`` —, which a list of only
  ``str``/``int``/``float``/``bool``/``None`` is stored as it is, without a call a value: issue 15).

Anything else is refused: :func:`dumps` raises :class:`CodecError` for a value it does not know, and
:func:`loads` raises :class:`CodecError` for a tag it does not know, a class outside certctl or not a
dataclass, a field the class does not have, or a blob that is not zlib-compressed JSON. The cache treats
any such error as a miss.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import importlib
import json
import operator
import sys
import zlib
from typing import Any

from . import forms as F
from .gcpause import gc_paused
from .reader import ReadError

__all__ = ["CodecError", "dumps", "loads", "encode", "decode"]

_PACKAGE = __name__.split(".")[0]  # "certctl"


class CodecError(ValueError):
    """A value that cannot be stored, or a stored blob that cannot be trusted or understood."""


# ------------------------------------------------------------------------------------------ encode
def encode(value: Any) -> Any:
    """``value`` as plain JSON data (see the module doc); CodecError for anything else."""
    t = type(value)
    if t is str or t is int or t is float or t is bool or value is None:
        return value
    if t is dict:
        out = {}
        for k, v in value.items():
            if type(k) is not str or k[:1] == "$":
                return {"$m": [[encode(k), encode(v)] for k, v in value.items()]}
            tv = type(v)
            out[k] = v if (tv is str or v is None or tv is int or tv is bool or tv is float) else encode(v)
        return out
    if t is list:
        if value:
            first = type(value[0])
            rows = _ROWS.get(first)
            if rows is None and first not in _ENCODERS and dataclasses.is_dataclass(first):
                _ENCODERS[first] = _encoder(first)
                rows = _ROWS.get(first)
            if rows is not None and all(type(x) is first for x in value):
                return rows(value)
            if _SCALARS.issuperset(map(type, value)):  # plain data (a packed column): as it is
                return value
        return [x if type(x) is str else encode(x) for x in value]
    if t is tuple:
        return {"$t": [encode(x) for x in value]}
    if t is dt.date:
        return {"$d": value.isoformat()}
    if t is dt.datetime:
        return {"$dt": value.isoformat()}
    if t is frozenset:
        return {"$fs": [encode(x) for x in value]}
    if t is set:
        return {"$set": [encode(x) for x in value]}
    if t is F.FormSpec:
        if F.BY_KIND.get(value.kind) is not value:
            raise CodecError(f"form spec {value.kind!r} is not one of certctl's own")
        return {"$spec": value.kind}
    if t is ReadError:
        return {"$err": [value.code, value.zh, value.en]}
    enc = _ENCODERS.get(t)
    if enc is None:
        enc = _ENCODERS[t] = _encoder(t)
    return enc(value)


_SCALARS = frozenset((str, int, float, bool, type(None)))
_ENCODERS: dict[type, Any] = {}
_ROWS: dict[type, Any] = {}  # lists of one dataclass stored by fields: one row of values per item


def _encoder(t: type) -> Any:
    """How instances of the dataclass ``t`` are stored (made once per class)."""
    if not (isinstance(t, type) and dataclasses.is_dataclass(t)):
        raise CodecError(f"cannot store a value of type {t.__module__}.{t.__qualname__}")
    name = _class_name(t)
    getstate = _own(t, "__getstate__")
    if getstate is not None and _own(t, "__setstate__") is not None:
        def by_state(value: Any) -> Any:
            state = getstate(value)
            if type(state) is not dict:
                raise CodecError(f"{name}.__getstate__ returned {type(state).__name__}, not a dict")
            return {"$o": name, "s": {k: encode(v) for k, v in state.items()}}
        return by_state
    names = tuple(f.name for f in dataclasses.fields(t))
    get = operator.attrgetter(*names) if len(names) > 1 else (lambda v, _g=operator.attrgetter(*names): (_g(v),))

    def by_fields(value: Any) -> Any:
        return {"$o": name, "f": dict(zip(names, map(encode, get(value))))}

    def rows(values: list[Any]) -> Any:  # a list of them: the field names once ("$os")
        return {"$os": name, "k": list(names), "v": [list(map(encode, get(v))) for v in values]}
    _ROWS[t] = rows
    return by_fields


def dumps(value: Any, level: int = 1) -> bytes:
    """``value`` as zlib-compressed UTF-8 JSON."""
    with gc_paused():  # entries are large trees of acyclic objects
        text = json.dumps(encode(value), ensure_ascii=False, separators=(",", ":"))
    return zlib.compress(text.encode("utf-8"), level)


def _class_name(cls: type) -> str:
    mod = cls.__module__
    if (mod != _PACKAGE and not mod.startswith(_PACKAGE + ".")) or "<" in cls.__qualname__:
        raise CodecError(f"cannot store {mod}.{cls.__qualname__}: only certctl's own dataclasses are stored")
    return f"{mod}:{cls.__qualname__}"


def _own(cls: type, name: str) -> Any:
    """``cls.<name>`` when a certctl class defines it itself (not object's default, nor the one a
    frozen slots dataclass is given)."""
    for klass in cls.__mro__:
        if klass is object:
            return None
        fn = klass.__dict__.get(name)
        if fn is not None:
            return None if getattr(fn, "__name__", "").startswith("_dataclass_") else fn
    return None


# ------------------------------------------------------------------------------------------ decode
def loads(blob: bytes) -> Any:
    """The value stored by :func:`dumps`. CodecError for anything that is not exactly that."""
    try:
        text = zlib.decompress(blob)
    except (zlib.error, TypeError) as e:
        raise CodecError(f"not a compressed entry: {e}") from None
    return decode(text)


def decode(text: str | bytes) -> Any:
    try:
        with gc_paused():
            return json.loads(text, object_hook=_hook)
    except CodecError:
        raise
    except (ValueError, TypeError, KeyError, AttributeError, IndexError, RecursionError) as e:
        raise CodecError(f"unreadable entry: {type(e).__name__}: {e}") from None


def _hook(d: dict[str, Any]) -> Any:
    for tag in d:
        break
    else:
        return d
    if tag[:1] != "$":
        return d  # a plain dict: the encoder never writes a "$" key in one
    n = len(d)
    if tag == "$o" and n == 2:
        return _object(d["$o"], d)
    if tag == "$os" and n == 3:
        keys = _list(d["k"])
        rows = _list(d["v"])
        cls = _resolve(d["$os"])
        init, _ = _FIELDS[cls]
        if set(keys) <= init and len(set(keys)) == len(keys):  # the common case: one constructor call a row
            try:
                return [cls(**dict(zip(keys, _list(row)))) for row in rows]
            except TypeError as e:
                raise CodecError(f"{d['$os']}: {e}") from None
        return [_object(d["$os"], {"f": dict(zip(keys, _list(row)))}) for row in rows]
    if n != 1:
        raise CodecError(f"malformed tagged value {sorted(d)!r}")
    v = d[tag]
    if tag == "$t":
        return tuple(_list(v))
    if tag == "$d":
        return dt.date.fromisoformat(_str(v))
    if tag == "$dt":
        return dt.datetime.fromisoformat(_str(v))
    if tag == "$m":
        out = {}
        for pair in _list(v):
            k, val = _list(pair)
            out[k] = val
        return out
    if tag == "$spec":
        spec = F.BY_KIND.get(_str(v))
        if spec is None:
            raise CodecError(f"unknown form kind {v!r}")
        return spec
    if tag == "$err":
        code, zh, en = (_str(x) for x in _list(v))
        return ReadError(code, zh, en)
    if tag == "$fs":
        return frozenset(_list(v))
    if tag == "$set":
        return set(_list(v))
    raise CodecError(f"unknown tag {tag!r}")


def _list(v: Any) -> list[Any]:
    if type(v) is not list:
        raise CodecError(f"expected a list, got {type(v).__name__}")
    return v


def _str(v: Any) -> str:
    if type(v) is not str:
        raise CodecError(f"expected a string, got {type(v).__name__}")
    return v


_CLASSES: dict[str, type] = {}
_FIELDS: dict[type, tuple[frozenset[str], frozenset[str]]] = {}


def _resolve(name: Any) -> type:
    """The certctl dataclass called ``name`` ("certctl.module:Qual.Name"); nothing else."""
    cls = _CLASSES.get(name)  # type: ignore[arg-type]
    if cls is not None:
        return cls
    mod_name, sep, qual = _str(name).partition(":")
    if not sep or not qual or (mod_name != _PACKAGE and not mod_name.startswith(_PACKAGE + ".")):
        raise CodecError(f"refusing class {name!r}: not one of certctl's")
    if not all(part.isidentifier() and not part.startswith("__") for part in (*mod_name.split("."), *qual.split("."))):
        raise CodecError(f"refusing class {name!r}")
    try:
        obj: Any = sys.modules.get(mod_name) or importlib.import_module(mod_name)
        for part in qual.split("."):
            obj = getattr(obj, part)
    except (ImportError, AttributeError):
        raise CodecError(f"unknown class {name!r}") from None
    if not isinstance(obj, type) or not dataclasses.is_dataclass(obj) or obj.__module__ != mod_name:
        raise CodecError(f"refusing {name!r}: not a certctl dataclass")
    fields = dataclasses.fields(obj)
    _FIELDS[obj] = (frozenset(f.name for f in fields if f.init), frozenset(f.name for f in fields if not f.init))
    _CLASSES[name] = obj
    return obj


def _object(name: Any, d: dict[str, Any]) -> Any:
    cls = _resolve(name)
    if "s" in d:
        setstate = _own(cls, "__setstate__")
        state = d["s"]
        if setstate is None or type(state) is not dict:
            raise CodecError(f"{name}: stored state it cannot take")
        obj = cls.__new__(cls)
        try:
            setstate(obj, state)
        except (TypeError, ValueError, KeyError, AttributeError) as e:
            raise CodecError(f"{name}: stored state it cannot take ({e})") from None
        init, other = _FIELDS[cls]
        have = getattr(obj, "__dict__", None)
        if have is not None and have.keys() != init | other:  # a field missing (or one it never has) would
            raise CodecError(f"{name}: stored state is not its fields")  # fail later, in some caller
        return obj
    values = d.get("f")
    if type(values) is not dict:
        raise CodecError(f"{name}: no fields")
    init, other = _FIELDS[cls]
    if values.keys() <= init:
        try:
            return cls(**values)
        except TypeError as e:  # a required field missing
            raise CodecError(f"{name}: {e}") from None
    unknown = [k for k in values if k not in init and k not in other]
    if unknown:
        raise CodecError(f"{name} has no field {unknown[0]!r}")
    try:
        obj = cls(**{k: v for k, v in values.items() if k in init})
    except TypeError as e:
        raise CodecError(f"{name}: {e}") from None
    for k, v in values.items():
        if k in other:
            object.__setattr__(obj, k, v)
    return obj
