"""What is worked out once per leads table and kept while the table lives: the distinct values
of its text columns, each condition's per-lead result, the cleaned outcome, the month of each
lead. Every panel, scorecard and measurement on the same table then shares them, so a step 3 edit
computes only the criterion that changed.

A leads table is never changed in place once made (the import builds it, everything after only
reads it), which is what makes keeping results by the table's identity safe. A table's entries
go when the table is garbage-collected. Condition results are kept up to a memory budget per
table and dropped oldest first beyond it.
"""
from __future__ import annotations

import threading
import weakref
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import TypeVar

import pandas as pd

T = TypeVar("T")

MASK_BUDGET_BYTES = 256 * 2**20  # per-lead condition results kept per table (1 byte per lead)

_lock = threading.Lock()
_tables: dict[int, _Kept] = {}


class _Kept:
    """One table's derived values, and its condition results in the order last used."""

    def __init__(self, rows: int):
        self.rows = rows
        self.values: dict[Hashable, object] = {}
        self.masks: OrderedDict[Hashable, object] = OrderedDict()
        self.lock = threading.Lock()

    def mask_limit(self) -> int:
        return max(16, MASK_BUDGET_BYTES // max(self.rows, 1))


def _kept(leads: pd.DataFrame) -> _Kept:
    key = id(leads)
    with _lock:
        kept = _tables.get(key)
        if kept is None:
            kept = _tables[key] = _Kept(len(leads))
            weakref.finalize(leads, _tables.pop, key, None)
    return kept


def derived(leads: pd.DataFrame, key: Hashable, make: Callable[[], T]) -> T:
    """`make()`, worked out once per table and `key`."""
    kept = _kept(leads)
    found = kept.values.get(key, _MISSING)
    if found is _MISSING:
        found = make()
        with kept.lock:
            found = kept.values.setdefault(key, found)
    return found  # type: ignore[return-value]


class TableMasks:
    """A table's condition results as a mapping `evaluate` reads and fills (`get`, item
    assignment, `len`, `clear`), bounded by `MASK_BUDGET_BYTES`."""

    def __init__(self, kept: _Kept):
        self._kept = kept

    def get(self, key: Hashable, default=None):
        kept = self._kept
        with kept.lock:
            found = kept.masks.get(key, _MISSING)
            if found is _MISSING:
                return default
            kept.masks.move_to_end(key)
            return found

    def __setitem__(self, key: Hashable, value) -> None:
        kept = self._kept
        with kept.lock:
            kept.masks[key] = value
            kept.masks.move_to_end(key)
            while len(kept.masks) > kept.mask_limit():
                kept.masks.popitem(last=False)

    def __len__(self) -> int:
        return len(self._kept.masks)

    def clear(self) -> None:
        with self._kept.lock:
            self._kept.masks.clear()


def masks(leads: pd.DataFrame) -> TableMasks:
    """The condition results kept for this very table."""
    return TableMasks(_kept(leads))


def forget(leads: pd.DataFrame) -> None:
    """Drop everything kept for this table (for a caller that did change it in place)."""
    with _lock:
        _tables.pop(id(leads), None)


_MISSING = object()
