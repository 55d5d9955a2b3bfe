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
:class:`certctl.cache.FormCache`) is consulted only when passed.
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
    blob = json.dumps(parts, ensure_ascii=False, sort_keys=True, default=str)
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()[:16]


def _hash(path: Path) -> str | None:
    try:
        return file_hash(path)
    except OSError:
        return None


def load_workspace(
    root: str | os.PathLike[str],
    opts: Options | None = None,
    *,
    cache: Any = None,
    progress: Progress | None = None,
    exclude: Iterable[str | os.PathLike[str]] = (),
) -> Workspace:
    """Read and validate every form below ``root`` (or the single file ``root``). Files in
    ``exclude`` (e.g. the ledger itself when it is written inside the forms folder) are skipped."""
    opts = opts or Options()
    root_p = Path(root)
    base = root_p if root_p.is_dir() else root_p.parent
    ws = Workspace(root=base)
    skip = {Path(e).resolve() for e in exclude}
    files = [p for p in iter_form_files([root_p]) if not skip or p.resolve() not in skip]
    files.sort(key=lambda p: rel_path(base, p))
    total = len(files)
    key = options_key(opts) if cache is not None else ""
    seen: dict[str, str] = {}  # sha256 -> original path
    for i, p in enumerate(files, start=1):
        sp = str(p)
        ws.paths.append(sp)
        digest = _hash(p)
        if digest is not None and digest in seen:
            orig = seen[digest]
            ws.duplicates.append((sp, orig))
            ws.findings.append(Finding("X005", sp, params={"other": ws.rel(orig)}, value=ws.rel(orig)))
            if progress is not None:
                progress(i, total, sp)
            continue
        result: FormResult | None = None
        if cache is not None and digest is not None:
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
