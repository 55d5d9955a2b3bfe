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
    """The cyclic collector off inside the block, back as it was afterwards. What the block built
    and kept goes to the oldest generation, as it would after two collections, without them: those
    two would walk every object built (for a 100,000-row form, 0.1 s of walking; bench/README.md)
    only to find them alive. Garbage cycles, if any, are still found by the next full collection."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.freeze()  # into the permanent generation …
            gc.unfreeze()  # … and back into the oldest one (documented: gc.unfreeze)
            gc.enable()
