"""Pausing Python's cyclic garbage collector around work that builds many objects and no cycles.

Reading and validating a 100,000-row form, or unpickling a thousand cached results, allocates
millions of small objects (cells, records, findings) that never refer back to each other. The cyclic
collector runs every few hundred allocations and, as the heap grows, walks all of it again and again
for nothing: measured on the benchmark's forms, about a tenth of the validation time (bench/README.md).
Reference counting still frees everything as usual; only the cycle search waits.
"""

from __future__ import annotations

import gc
from contextlib import contextmanager
from typing import Iterator


@contextmanager
def gc_paused() -> Iterator[None]:
    """The cyclic collector off inside the block, back as it was afterwards."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()
