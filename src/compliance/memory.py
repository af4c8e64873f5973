"""Bulk steps and Python's cyclic garbage collector.

Imports, evaluations and runs hold hundreds of thousands to millions of rows, findings and texts
alive until the step ends; the collector kept re-traversing them (profiled: more than half the
staging time of a national import, ~5–6 s of a national run) and found nothing to free.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def gc_paused() -> Iterator[None]:
    """Python's cyclic garbage collector off for a bulk step, back on (if it was) afterwards.

    Reference counting still frees everything else at once; only
    reference cycles made inside the step wait for the next collection. Nested uses are safe:
    only the outermost one turns the collector back on. Concurrent ones (threads) are safe too,
    but the first to finish turns it back on for the others: they only lose the speed-up.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
