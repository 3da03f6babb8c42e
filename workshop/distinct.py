"""Work on a column's distinct values instead of on every row.

Exports repeat the same few values thousands of times: a million leads have a dozen industries and
a hundred job titles. Cleaning each distinct value once and spreading the result back over the rows
is what keeps a million-row import interactive. Columns that hardly repeat (record IDs, e-mail
addresses, timestamps) are left whole: hashing them costs more than the clean-up it would save.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

# Whether a column repeats enough is judged on its first rows (hashing all of it is the cost
# we are trying to avoid); below MIN_ROWS there is nothing to save either way.
SAMPLE_ROWS = 10_000
MIN_ROWS = 2_000
FEW_VALUES = 1_000  # distinct values in the sample up to which rows are looked up among them


@dataclass
class Distinct:
    """A column as its distinct `values` and, per row, the position of its value.

    Positions are NumPy `codes` (-1: missing) or Arrow `indices` (null: missing), whichever the
    column came as; both are None when the column was left whole (`values` is the column).
    """

    column: pd.Series
    values: pd.Series
    codes: np.ndarray | None
    indices: pa.Array | None = None

    @property
    def whole(self) -> bool:
        return self.codes is None and self.indices is None

    @classmethod
    def of(cls, column: pd.Series, repeats_below: float = 0.5) -> Distinct:
        """Encode the column when at most `repeats_below` of its sampled values are distinct.
        A Categorical (a column the import read as repeating values) is encoded already."""
        if text_categories(column):
            values = pd.Series(column.cat.categories.astype("str"), dtype="str")
            return cls(column, values, column.array.codes)
        if len(column) < MIN_ROWS:
            return cls(column, column, None)
        sampled, seen = _sample_distinct(column)
        if len(seen) > repeats_below * sampled:
            return cls(column, column, None)
        arrow = arrow_text(column)
        if arrow is None:
            codes, uniques = pd.factorize(column, use_na_sentinel=True)
            return cls(column, pd.Series(uniques, dtype=column.dtype), codes)
        if len(seen) <= FEW_VALUES:
            dictionary, indices = _look_up(arrow, seen)
        else:
            dictionary, indices = _encode(arrow)
        values = pd.Series(dictionary.to_pandas().array, dtype=column.dtype)
        return cls(column, values, None, indices)

    def _codes(self) -> np.ndarray:
        """Positions as NumPy codes (-1: missing), made from the Arrow indices when needed."""
        if self.codes is None:
            self.codes = pc.fill_null(self.indices, -1).to_numpy(zero_copy_only=False)
        return self.codes

    def apply(self, clean: Callable[[pd.Series], pd.Series]) -> pd.Series:
        """`clean` run on the distinct values, as a column again."""
        return self.spread(clean(self.values))

    def spread(self, cleaned: pd.Series) -> pd.Series:
        """One result per distinct value (in `values` order) -> one per row."""
        if self.whole:
            return pd.Series(cleaned.array, index=self.column.index, name=self.column.name)
        if cleaned.dtype == self.column.dtype and cleaned.equals(self.values):
            return self.column  # nothing changed: no need to copy a million values
        if self.indices is not None:
            text = arrow_text(cleaned)
            if text is not None:  # text stays in Arrow: one pass, no Python objects
                spread = pc.take(text, self.indices).to_pandas().array
                return pd.Series(spread, index=self.column.index, name=self.column.name)
        spread = cleaned.array.take(self._codes(), allow_fill=True)
        return pd.Series(spread, index=self.column.index, name=self.column.name)

    def spread_array(self, cleaned: np.ndarray, missing) -> pd.Series:
        """Like `spread`, for NumPy results: rows without a value get `missing`, and the dtype
        stays (no upcasting to float or object for the missing rows)."""
        if self.whole:
            cleaned = np.where(self.column.isna().to_numpy(), missing, cleaned)
            return pd.Series(cleaned, index=self.column.index, name=self.column.name,
                             copy=False)
        with_missing = np.append(cleaned, np.array([missing], dtype=cleaned.dtype))
        return pd.Series(with_missing[self._codes()], index=self.column.index,
                         name=self.column.name, copy=False)

    def categorical(self, cleaned: pd.Series) -> pd.Series:
        """Like `spread`, as a pandas Categorical: a category column's few values are kept
        once, and each row holds only a code (no text copied per row)."""
        if cleaned is self.values and not self.whole:  # each value once already, none missing
            codes, categories = self._codes(), self.values
        else:
            positions, categories = pd.factorize(cleaned, use_na_sentinel=True)
            codes = positions if self.whole else np.append(positions, -1)[self._codes()]
        values = pd.Categorical.from_codes(codes, dtype=pd.CategoricalDtype(
            pd.Index(categories, dtype="str")), validate=False)
        return pd.Series(values, index=self.column.index, name=self.column.name, copy=False)


def text_categories(column: pd.Series) -> bool:
    """Whether the column is a Categorical of text: how the import reads a column of a few
    values repeated (see `workshop.importer.read_export`)."""
    return isinstance(column.dtype, pd.CategoricalDtype) and pd.api.types.is_string_dtype(
        column.cat.categories)


def per_distinct(column: pd.Series, clean: Callable[[pd.Series], pd.Series],
                 repeats_below: float = 0.5) -> pd.Series:
    """`clean` (a vectorised function of a Series) applied as if to every row."""
    return Distinct.of(column, repeats_below).apply(clean)


def _sample_distinct(column: pd.Series) -> tuple[int, pa.Array | pd.Index]:
    """How many values were sampled from the column's start, and the distinct ones among them
    (a missing value counts as one)."""
    sample = column.iloc[:SAMPLE_ROWS]
    arrow = arrow_text(sample)
    seen = pc.unique(arrow) if arrow is not None else pd.Index(sample.unique())
    return len(sample), seen


def arrow_text(column: pd.Series) -> pa.Array | pa.ChunkedArray | None:
    """The column's Arrow data when it is Arrow-backed text, else None. It may come in chunks
    (one per piece of the file read): Arrow's functions take either, without copying."""
    if not isinstance(column.array, pd.arrays.ArrowStringArray):
        return None
    return pa.array(column.array)


def needs_trimming(arrow: pa.Array | pa.ChunkedArray) -> bool:
    """Whether trimming could change the text: some value is empty, or starts or ends with
    whitespace or with a character beyond ASCII (which may be a space, as a no-break space is).

    Read off the first and last byte of each value in Arrow's buffers: a glance where trimming
    copies every value, and most exported columns have nothing to trim."""
    chunks = arrow.chunks if isinstance(arrow, pa.ChunkedArray) else [arrow]
    for chunk in chunks:
        if chunk.type not in (pa.string(), pa.large_string()):
            return True
        if len(chunk) == 0:
            continue
        _, offsets_buffer, data_buffer = chunk.buffers()
        width = np.int64 if chunk.type == pa.large_string() else np.int32
        offsets = np.frombuffer(offsets_buffer, dtype=width)[
            chunk.offset:chunk.offset + len(chunk) + 1]
        starts, ends = offsets[:-1], offsets[1:]
        filled = ends > starts
        empty = ~filled
        if chunk.null_count:  # a missing value's slot says nothing
            empty &= pc.is_valid(chunk).to_numpy(zero_copy_only=False)
        if empty.any():
            return True
        if data_buffer is None:
            continue
        data = np.frombuffer(data_buffer, dtype=np.uint8)
        for edge in (data[starts[filled]], data[ends[filled] - 1]):
            if ((edge <= 0x20) | (edge >= 0x80)).any():
                return True
    return False


def _look_up(arrow: pa.Array | pa.ChunkedArray, seen: pa.Array
             ) -> tuple[pa.Array, pa.Array | pa.ChunkedArray]:
    """Like `_encode`, for a column whose start showed few values: looking each row up among
    those costs less than building a hash table of the whole column. Values first met further
    down are added, and the rows looked up once more."""
    dictionary = pc.drop_null(seen).cast(arrow.type)
    indices = pc.index_in(arrow, value_set=dictionary)
    unseen = pc.and_(pc.is_null(indices), pc.is_valid(arrow))
    if pc.any(unseen).as_py():
        if isinstance(arrow, pa.ChunkedArray):  # replace_with_mask wants whole arrays
            arrow, indices, unseen = (a.combine_chunks() for a in (arrow, indices, unseen))
        more = pc.dictionary_encode(pc.filter(arrow, unseen))
        indices = pc.replace_with_mask(
            indices, unseen, pc.add(more.indices, len(dictionary)).cast(indices.type))
        dictionary = pa.concat_arrays([dictionary, more.dictionary])
    return dictionary, indices


def _encode(arrow: pa.Array | pa.ChunkedArray) -> tuple[pa.Array, pa.Array]:
    """The distinct values and, per row, the index of its value (null where missing)."""
    if isinstance(arrow, pa.ChunkedArray):
        # Many values: one hash table for the whole column costs less than merging many.
        arrow = arrow.combine_chunks()
    encoded = pc.dictionary_encode(arrow)
    return encoded.dictionary, encoded.indices
