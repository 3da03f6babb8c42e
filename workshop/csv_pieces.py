"""Cut a CSV body into pieces that each start at a record, so they can be parsed in parallel.

pyarrow parses blocks of a file in parallel, but as soon as a quoted value may hold a line break
it has to find the block boundaries by reading the whole file quote by quote on one core, which
costs a million-row import about as much as the parsing itself. The quotes themselves tell where
records start, provided the file quotes the standard way (RFC 4180): every quote opens a value,
closes one, or is doubled inside one. Then a line break is between records exactly when an even
number of quotes precedes it. Files quoted any other way get no pieces, and are read whole.
"""
from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor

import numpy as np

PIECE_BYTES = 2 * 1024 * 1024
_SCAN_BYTES = 16 * 1024 * 1024  # quotes are looked for this much at a time, to bound memory
_MAX_PROBES = 10_000  # line breaks tried per cut before giving up (values full of line breaks)
_QUOTE, _LF, _CR = ord('"'), ord("\n"), ord("\r")


def record_pieces(text: bytes, start: int, delimiter: str, piece_bytes: int = PIECE_BYTES,
                  quotes: np.ndarray | None = None) -> list[tuple[int, int]] | None:
    """(begin, end) offsets into `text` of consecutive pieces covering text[start:], each a run of
    whole records about `piece_bytes` long; None when the quoting leaves record starts unsure.
    `quotes` are the `quote_positions` when already known."""
    if quotes is None:
        quotes = quote_positions(text, start, delimiter)
    if quotes is None:
        return None
    cuts = [start]
    while len(text) - cuts[-1] > piece_bytes:
        cut = _next_record_start(text, cuts[-1] + piece_bytes, quotes)
        if cut is None:
            return None
        if cut >= len(text):
            break
        cuts.append(cut)
    cuts.append(len(text))
    return list(zip(cuts, cuts[1:], strict=False))


def quote_positions(text: bytes, start: int, delimiter: str) -> np.ndarray | None:
    """Where the quotes in text[start:] are, if they all sit where standard quoting puts them."""
    data = np.frombuffer(text, dtype=np.uint8)

    def scan(at: int) -> np.ndarray:
        return at + np.flatnonzero(data[at:at + _SCAN_BYTES] == _QUOTE)

    with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:  # NumPy frees the GIL
        found = list(pool.map(scan, range(start, len(text), _SCAN_BYTES)))
    quotes = np.concatenate(found) if found else np.empty(0, dtype=np.int64)
    if len(quotes) % 2:
        return None  # a quote opened and never closed: let the full reader say where
    if not len(quotes):
        return quotes
    delimiter_code = ord(delimiter)
    edge = np.zeros(256, dtype=bool)
    edge[[delimiter_code, _LF, _CR]] = True
    before = np.where(quotes > start, data[np.maximum(quotes - 1, 0)], _LF)
    after = np.where(quotes < len(text) - 1, data[np.minimum(quotes + 1, len(data) - 1)], _LF)
    doubled = np.diff(quotes) == 1
    after_quote = np.concatenate(([False], doubled))
    before_quote = np.concatenate((doubled, [False]))
    opening = np.arange(len(quotes)) % 2 == 0
    # An opening quote starts a value (or is the second of a doubled quote); a closing one ends
    # a value (or is the first of a doubled quote). Anything else, e.g. 5'10" in an unquoted
    # value, is read literally by pyarrow and would throw the count off.
    standard = np.where(opening, edge[before] | after_quote, edge[after] | before_quote)
    return quotes if standard.all() else None


def _next_record_start(text: bytes, target: int, quotes: np.ndarray) -> int | None:
    """The first offset at or after `target` that follows a line break outside quotes."""
    at = target
    for _ in range(_MAX_PROBES):
        line_break = text.find(b"\n", at)
        if line_break == -1:
            return len(text)
        if np.searchsorted(quotes, line_break) % 2 == 0:
            return line_break + 1
        at = line_break + 1
    return None
