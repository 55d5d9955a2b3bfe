"""A sheet's XML deflated in a second thread while the next chunks are made (issue 15: wall time).

zlib and the CRC let go of the GIL while they work, so on two cores the deflate runs beside the making of
the XML. One thread writes, in order, so the bytes are those of writing each chunk in turn
(tests/test_ledger_rows.py says so, and that a failure on either side is raised in the caller)."""

from __future__ import annotations

import queue
import threading
from typing import Any, Iterable


def write_beside(fh: Any, chunks: Iterable[str]) -> None:
    """Write a sheet's XML ``chunks`` to ``fh`` (a zip entry: CRC and deflate) in a second thread while
    this one makes the next chunks. zlib and the CRC let go of the GIL while they work, so on two cores the
    deflate runs beside the XML (wall time, not CPU: issue 15); one thread writes, in order, so the bytes
    are those of writing each chunk in turn."""
    q: queue.Queue[bytes | None] = queue.Queue(maxsize=1)  # one chunk of 2,000 rows in hand (memory: issue 15)
    failed: list[BaseException] = []

    def drain() -> None:
        try:
            while (b := q.get()) is not None:
                fh.write(b)
        except BaseException as e:  # the disk full …: said in the calling thread
            failed.append(e)
            while q.get() is not None:  # the maker never waits on a full queue
                pass

    t = threading.Thread(target=drain, name="certctl-deflate", daemon=True)
    t.start()
    try:
        for chunk in chunks:
            if failed:
                break
            data = chunk.encode("utf-8")
            del chunk  # not held while the next one is made
            q.put(data)
            del data
    finally:
        q.put(None)
        t.join()
    if failed:
        raise failed[0]
