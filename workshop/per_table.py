"""What is worked out once per leads table and kept while the table lives: the distinct values
of its text columns, each condition's per-lead result, the cleaned outcome, the month of each
lead. Every panel, scorecard and measurement on the same table then shares them, so a step 3 edit
computes only the criterion that changed.

A leads table is never changed in place once made (the import builds it, everything after only
reads it), which is what makes keeping results by the table's identity safe. A table's entries
go when the table is garbage-collected. Condition results are kept up to one memory budget for
all tables together (the server may hold several workshops' exports), the least recently used
dropped first beyond it.
"""
from __future__ import annotations

import threading
import weakref
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import TypeVar

import pandas as pd

T = TypeVar("T")

MASK_BUDGET_BYTES = 256 * 2**20  # per-lead condition results kept, all tables together

_lock = threading.Lock()  # guards everything below and every table's `masks`
_tables: dict[int, _Kept] = {}
_recent: OrderedDict[tuple[int, Hashable], int] = OrderedDict()  # (table, condition) -> bytes
_kept_bytes = 0


class _Kept:
    """One table's derived values and its condition results."""

    def __init__(self, key: int):
        self.key = key
        self.values: dict[Hashable, object] = {}
        self.masks: dict[Hashable, object] = {}
        self.lock = threading.Lock()


def _kept(leads: pd.DataFrame) -> _Kept:
    key = id(leads)
    with _lock:
        kept = _tables.get(key)
        if kept is None:
            kept = _tables[key] = _Kept(key)
            weakref.finalize(leads, _drop_table, key)
    return kept


def _drop_table(key: int) -> None:
    global _kept_bytes
    with _lock:
        kept = _tables.pop(key, None)
        if kept is None:
            return
        for condition in kept.masks:
            _kept_bytes -= _recent.pop((key, condition), 0)


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
    assignment, `len`, `clear`); all tables' together stay within `MASK_BUDGET_BYTES`."""

    def __init__(self, kept: _Kept):
        self._kept = kept

    def get(self, key: Hashable, default=None):
        with _lock:
            found = self._kept.masks.get(key, _MISSING)
            if found is _MISSING:
                return default
            _recent.move_to_end((self._kept.key, key))
            return found

    def __setitem__(self, key: Hashable, value) -> None:
        global _kept_bytes
        size = int(getattr(value, "nbytes", 0)) or 1
        with _lock:
            if _tables.get(self._kept.key) is not self._kept:
                return  # the table is gone (or forgotten): nothing to keep it for
            self._kept.masks[key] = value
            _kept_bytes += size - _recent.pop((self._kept.key, key), 0)
            _recent[(self._kept.key, key)] = size
            while _kept_bytes > MASK_BUDGET_BYTES and len(_recent) > 1:
                (table, condition), dropped = _recent.popitem(last=False)
                _kept_bytes -= dropped
                owner = _tables.get(table)
                if owner is not None:
                    owner.masks.pop(condition, None)

    def __len__(self) -> int:
        return len(self._kept.masks)

    def clear(self) -> None:
        global _kept_bytes
        with _lock:
            for condition in list(self._kept.masks):
                _kept_bytes -= _recent.pop((self._kept.key, condition), 0)
            self._kept.masks.clear()


def kept_bytes() -> int:
    """Bytes of condition results kept, all tables together."""
    return _kept_bytes


def masks(leads: pd.DataFrame) -> TableMasks:
    """The condition results kept for this very table."""
    return TableMasks(_kept(leads))


def forget(leads: pd.DataFrame) -> None:
    """Drop everything kept for this table (for a caller that did change it in place)."""
    _drop_table(id(leads))


_MISSING = object()
