"""A directory of submitted forms, read and validated once: the input of merge, overdue and report.

``load_workspace(root, opts)`` finds every spreadsheet below ``root`` (recursively, any mix of form
kinds), validates each with :func:`certctl.validate.validate_file` and returns a :class:`Workspace`:

- ``results``: one :class:`FormResult` per distinct file *content*, sorted by path (relative to the
  root, POSIX separators) so the order never depends on the file system or the working directory.
  Files that cannot be read are kept, with ``read_error`` set, so callers can report them.
- ``duplicates``: ``(duplicate path, original path)`` for every file whose bytes (sha256) equal an
  earlier file's; the duplicate is not validated or merged again. ``findings`` holds one X005 info
  finding per duplicate naming both paths.

Nothing here prints. ``progress(done, total, path)`` is called after each file when given; ``cache``
(an object with ``get(sha256, options_key)`` / ``put(sha256, options_key, result)``, e.g.
:class:`certctl.cache.FormCache`; ``get_many(sha256s, options_key)`` is used when it has one) is
consulted only when passed.

``scan_forms(root, exclude)`` lists and hashes the files without reading them (a :class:`Scan`);
``inputs_key(scan, opts, cfg, as_of, ...)`` digests everything a derived result (the ledger, the
obligations) depends on — every file's relative path and sha256, the options, the config, the as-of
date, the certctl version and source code — so a caller can tell "nothing changed" from one hash per
file. ``load_workspace(..., scan=scan)`` reuses the hashes instead of reading every file twice.
"""

from __future__ import annotations

import hashlib
import json
import os
from functools import lru_cache
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable

from .findings import Finding
from .gcpause import gc_paused
from .reader import file_hash, iter_form_files
from .validate import FormResult, Options, validate_file

Progress = Callable[[int, int, str], None]

#: bump when validation output changes shape, so cached results of an older certctl are not reused
CACHE_SCHEMA = "1"


@dataclass
class Workspace:
    root: Path
    results: list[FormResult] = field(default_factory=list)
    duplicates: list[tuple[str, str]] = field(default_factory=list)  # (duplicate path, original path)
    findings: list[Finding] = field(default_factory=list)  # X005 per duplicate
    paths: list[str] = field(default_factory=list)  # every file found, in order (duplicates included)
    others: list[str] = field(default_factory=list)  # files below the root that are not spreadsheets

    def rel(self, path: str | os.PathLike[str]) -> str:
        """``path`` relative to the root, with ``/`` separators (the path shown in the ledger)."""
        return rel_path(self.root, path)

    @property
    def readable(self) -> list[FormResult]:
        return [r for r in self.results if r.read_error is None]

    @property
    def unreadable(self) -> list[FormResult]:
        return [r for r in self.results if r.read_error is not None]

    def of_family(self, family: str) -> list[FormResult]:
        """Results whose form family is (or includes, for multi-kind workbooks) ``family``."""
        return [r for r in self.results if r.read_error is None and family in r.family.split("+")]


@lru_cache(maxsize=65536)
def rel_path(root: str | os.PathLike[str], path: str | os.PathLike[str]) -> str:
    p = Path(path)
    r = Path(root)
    try:
        return p.relative_to(r).as_posix()
    except ValueError:
        try:
            return p.resolve().relative_to(r.resolve()).as_posix()
        except (ValueError, OSError):
            return p.as_posix()


def options_key(opts: Options) -> str:
    """A short, stable digest of everything in ``opts`` that changes a validation result."""
    cal = opts.calendar
    extra = getattr(cal, "extra_years", None) or {}
    parts = {
        "schema": CACHE_SCHEMA,
        "lang": opts.lang,
        "form": opts.form,
        "annual_hours": opts.annual_hours,
        "new_field_hours": opts.new_field_hours,
        "min_age": opts.min_age,
        "warn_over_age": opts.warn_over_age,
        "report_days": opts.report_days,
        "due_soon_days": opts.due_soon_days,
        "disabled": sorted(opts.disabled),
        "cert_patterns": sorted(opts.cert_patterns.items()),
        "today": opts.today.isoformat() if opts.today else None,
        "calendar": sorted((int(y), repr(s)) for y, s in extra.items()),
    }
    try:
        from . import __version__ as ver  # type: ignore[attr-defined]
    except Exception:  # pragma: no cover
        ver = ""
    parts["version"] = ver
    parts["code"] = code_fingerprint()
    blob = json.dumps(parts, ensure_ascii=False, sort_keys=True, default=str)
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()[:16]


def _hash(path: Path) -> str | None:
    try:
        return file_hash(path)
    except OSError:
        return None


@lru_cache(maxsize=1)
def code_fingerprint() -> str:
    """A digest of certctl's own source files: results cached by one build of the code are never
    served to another (a version number is not bumped for every change)."""
    pkg = Path(__file__).resolve().parent
    h = hashlib.sha256()
    for f in sorted(pkg.rglob("*.py")):
        try:
            h.update(f.relative_to(pkg).as_posix().encode())
            h.update(f.read_bytes())
        except OSError:  # pragma: no cover
            h.update(b"?")
    return h.hexdigest()[:16]


@dataclass
class Scan:
    """The form files below a root, sorted by relative path, each with its sha256 (None: unreadable)."""

    root: Path  # the folder paths are relative to
    files: list[Path]
    digests: list[str | None]
    others: list[Path] = field(default_factory=list)  # not spreadsheets (plans, reports …): by name only

    def rels(self) -> list[str]:
        return [rel_path(self.root, p) for p in self.files]

    @property
    def complete(self) -> bool:
        """Every file could be hashed (otherwise nothing derived from them can be trusted)."""
        return all(d is not None for d in self.digests)

    def key(self) -> str:
        h = hashlib.sha256()
        for rel, d in zip(self.rels(), self.digests):
            h.update(f"{rel}\t{d}\n".encode("utf-8"))
        for p in self.others:  # deliverables count by name
            h.update(f"{rel_path(self.root, p)}\n".encode("utf-8"))
        return h.hexdigest()


def scan_forms(root: str | os.PathLike[str], exclude: Iterable[str | os.PathLike[str]] = (),
               files: list[Path] | None = None) -> Scan:
    """List (or take ``files``) and hash every form below ``root``, without reading them as forms."""
    root_p = Path(root)
    base = root_p if root_p.is_dir() else root_p.parent
    skip = {Path(e).resolve() for e in exclude}
    if files is None:
        files = iter_form_files([root_p])
    files = [p for p in files if not skip or p.resolve() not in skip]
    files.sort(key=lambda p: rel_path(base, p))
    return Scan(base, files, [_hash(p) for p in files], other_files(root_p) if root_p.is_dir() else [])


def other_files(root: Path) -> list[Path]:
    """Files below ``root`` that are not spreadsheets (hidden files, Office lock files and hidden
    folders such as the cache skipped), sorted by relative path."""
    from .reader import EXTENSIONS

    out = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for f in sorted(filenames):
            if not f.startswith((".", "~$")) and Path(f).suffix.lower() not in EXTENSIONS:
                out.append(Path(dirpath) / f)
    out.sort(key=lambda p: rel_path(root, p))
    return out


def config_digest(cfg: Any) -> str:
    """A stable text of a :class:`certctl.config.Config` (or None)."""
    if cfg is None:
        return ""
    dump = getattr(cfg, "model_dump_json", None)
    if dump is not None:
        try:
            return dump()
        except Exception:  # pragma: no cover
            pass
    return repr(cfg)


def inputs_key(scan: Scan, opts: Options, cfg: Any, as_of: Any, *extra: Any) -> str:
    """The digest of everything a result derived from the whole folder depends on."""
    parts = [
        "certctl-derived-1", scan.key(), options_key(opts), config_digest(cfg),
        as_of.isoformat() if hasattr(as_of, "isoformat") else str(as_of), str(scan.root.resolve()),
        *[str(x) for x in extra],
    ]
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()


def load_workspace(
    root: str | os.PathLike[str],
    opts: Options | None = None,
    *,
    cache: Any = None,
    progress: Progress | None = None,
    exclude: Iterable[str | os.PathLike[str]] = (),
    scan: Scan | None = None,
) -> Workspace:
    """Read and validate every form below ``root`` (or the single file ``root``). Files in
    ``exclude`` (e.g. the ledger itself when it is written inside the forms folder) are skipped.
    ``scan``: the files and hashes already found by :func:`scan_forms` (``exclude`` is then ignored)."""
    opts = opts or Options()
    if scan is None:
        scan = scan_forms(root, exclude)
    base = scan.root
    ws = Workspace(root=base, others=[str(p) for p in scan.others])
    files = scan.files
    total = len(files)
    key = options_key(opts) if cache is not None else ""
    pre: dict[str, Any] | None = None
    if cache is not None and hasattr(cache, "get_many"):
        with gc_paused():  # unpickling ~10^6 acyclic objects
            try:  # one query for every file instead of one per file
                pre = cache.get_many([d for d in dict.fromkeys(scan.digests) if d is not None], key)
            except Exception:
                pre = None
    seen: dict[str, str] = {}  # sha256 -> original path
    for i, (p, digest) in enumerate(zip(files, scan.digests), start=1):
        sp = str(p)
        ws.paths.append(sp)
        if digest is not None and digest in seen:
            orig = seen[digest]
            ws.duplicates.append((sp, orig))
            ws.findings.append(Finding("X005", sp, params={"other": ws.rel(orig)}, value=ws.rel(orig)))
            if progress is not None:
                progress(i, total, sp)
            continue
        result: FormResult | None = None
        if cache is not None and digest is not None:
            if pre is not None:
                result = pre.get(digest)
            else:
                try:
                    result = cache.get(digest, key)
                except Exception:
                    result = None
            if result is not None:
                result.path = sp  # the same content may have moved or been renamed
                for f in result.findings:
                    f.path = sp
        if result is None:
            result = validate_file(p, opts)
            if cache is not None and digest is not None and result.read_error is None:
                try:
                    cache.put(digest, key, result)
                except Exception:
                    pass
        if digest is not None:
            seen[digest] = sp
            if not result.sha256:
                result.sha256 = digest
        ws.results.append(result)
        if progress is not None:
            progress(i, total, sp)
    return ws
