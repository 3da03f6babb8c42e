"""How good is this export? Rows, missing values per mapped field, unreadable values, duplicates.

Shown right after the column mapping, so the user sees what an import will lose before trusting
the numbers built on it. Everything is vectorised (or works on distinct values only): it has to
stay quick on a million rows.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from workshop.catalog import FIELDS, Kind
from workshop.column_types import Reading
from workshop.evaluate import resolve
from workshop.leads import blank_placeholders, column_readings, header_columns, parse_bool
from workshop.mapping import key_label

MAX_EXAMPLES = 5

# Fields whose values are parsed, so a value can fail to parse. Counts and booleans are filled in
# by normalise (no record of an action is 0, no tick is False), so their failures are silent.
_PARSED_KINDS = {Kind.NUMBER: "number", Kind.DATE: "date", Kind.COUNT: "count",
                 Kind.BOOLEAN: "yes/no"}
_SOURCE_KINDS = {"amount": Kind.NUMBER}


@dataclass(frozen=True)
class FieldQuality:
    header: str  # the export's column
    key: str  # the field it is mapped to (its own header when unmapped)
    label: str
    missing: int  # rows with no usable value once read (an action's blank is: not done)
    missing_rate: float  # missing / rows (0 when there are no rows)
    unparsable: int  # rows with a value that could not be read as the field's kind
    unparsable_examples: tuple[str, ...] = ()  # the most frequent such values
    read_as: str = ""  # "dates, day first (20-10-2017)", "numbers (decimal comma)"…
    ambiguous: bool = False  # no value decided the convention: the file's was assumed


@dataclass(frozen=True)
class QualitySummary:
    rows: int
    fields: tuple[FieldQuality, ...]
    duplicates: int  # rows repeating an earlier row (by e-mail, or entirely)
    duplicates_by: str  # "email" or "all columns"
    duplicate_examples: tuple[str, ...] = ()

    def field(self, key: str) -> FieldQuality:
        for quality in self.fields:
            if quality.key == key:
                return quality
        raise KeyError(key)

    @property
    def duplicate_rate(self) -> float:
        return self.duplicates / self.rows if self.rows else 0.0

    def headline(self) -> str:
        by = "same e-mail address" if self.duplicates_by == "email" else "identical rows"
        ambiguous = sum(1 for f in self.fields if f.ambiguous)
        return (f"{self.rows:,} rows · {self.duplicates:,} duplicates ({by})"
                f" · {sum(1 for f in self.fields if f.unparsable):,} fields with unreadable "
                f"values" + (f" · {ambiguous:,} read by an assumed convention (see Read as)"
                             if ambiguous else ""))

    def as_table(self) -> pd.DataFrame:
        """One row per field, most missing first, for `st.dataframe`."""
        table = pd.DataFrame({
            "Field": [f.label for f in self.fields],
            "Column": [f.header for f in self.fields],
            "Missing": [f.missing for f in self.fields],
            "Missing (%)": [round(100 * f.missing_rate, 1) for f in self.fields],
            "Unreadable": [f.unparsable for f in self.fields],
            "Examples": [", ".join(f.unparsable_examples) for f in self.fields],
            "Read as": [f.read_as for f in self.fields],
        })
        return table.sort_values(["Missing (%)", "Unreadable"], ascending=False,
                                 kind="stable").reset_index(drop=True)


def quality_summary(raw: pd.DataFrame, mapping: dict[str, str],
                    normalised: pd.DataFrame, also: Iterable[str] = (),
                    answers: str | None = None) -> QualitySummary:
    """The data-quality summary of `raw` under `mapping` (header -> key), `normalised` being
    `leads.normalise(raw, mapping)` (same rows, same order).

    It covers every mapped column, every unmapped column read as numbers or dates, and the
    columns named in `also` (those a definition uses, by header or field). `answers`: the
    outcome column whose blanks are an answer (a conversion date left blank: not converted),
    never a gap to fill, so it is left out."""
    rows = len(raw)
    if len(normalised) != rows:
        raise ValueError("The normalised table must have the same rows as the export.")
    readings = column_readings(normalised)
    headers = header_columns(normalised) or {h: mapping.get(h) or h for h in raw.columns}
    wanted = {resolve(normalised, name) for name in also} - {None}
    fields = []
    for header, key in headers.items():
        if header not in raw.columns or key not in normalised.columns or header == answers:
            continue
        reading = readings.get(key)
        mapped = bool(mapping.get(header))
        typed = reading is not None and reading.kind in ("number", "date")
        if not (mapped or typed or key in wanted):
            continue
        fields.append(_field_quality(raw[header], normalised[key], header, key, rows,
                                     reading, mapped))
    duplicates, by, examples = _duplicates(raw, mapping, normalised)
    return QualitySummary(rows, tuple(fields), duplicates, by, examples)


def _field_quality(raw: pd.Series, value: pd.Series, header: str, key: str,
                   rows: int, reading: Reading | None = None,
                   mapped: bool = True) -> FieldQuality:
    if mapped:
        kind = FIELDS[key].kind if key in FIELDS else _SOURCE_KINDS.get(key)
    else:
        kind = {"number": Kind.NUMBER, "date": Kind.DATE}.get(
            reading.kind if reading else "", None)
    present = _present(raw)
    if kind == Kind.COUNT and reading is not None and reading.kind == "date":
        kind = Kind.DATE  # an action recorded by its date (see leads._normalise_column)
    read_as = reading.describe() if reading else ""
    if kind == Kind.COUNT:
        # no record of an action is the action not done (`leads.parse_count`): an answer, not
        # a gap ("x" or "checked" where a demo was asked for, blank where not)
        readable = _count_readable(raw, reading.decimal if reading else ".")
        failed = present & ~readable
        missing = failed
        if (~present).any():
            read_as = f"{read_as or 'counts'}; a blank is 0, not done"
    elif kind == Kind.BOOLEAN:
        failed = present & parse_bool(raw).isna().to_numpy(dtype=bool)
        missing = ~present | failed
    elif kind in (Kind.NUMBER, Kind.DATE):
        missing = value.isna().to_numpy(dtype=bool)
        failed = present & missing
    else:  # text: placeholder words count as missing, though rules may name them
        missing = ~present
        failed = np.zeros(rows, bool)
    count = int(failed.sum())
    examples: tuple[str, ...] = ()
    if count:
        text = _text(raw)[failed]
        examples = tuple(str(v) for v in text.value_counts(sort=True).index[:MAX_EXAMPLES])
    label = key_label(key) if mapped else key
    n_missing = int(missing.sum())
    return FieldQuality(header, key, label, n_missing, n_missing / rows if rows else 0.0,
                        count, examples, read_as, bool(reading and reading.ambiguous))


def _text(raw: pd.Series) -> pd.Series:
    """Stripped text, placeholders ("Select", "N/A", "-", blanks) missing."""
    if pd.api.types.is_object_dtype(raw) or pd.api.types.is_string_dtype(raw):
        return blank_placeholders(raw)
    return blank_placeholders(raw.astype("object").where(raw.notna(), None))


def _present(raw: pd.Series) -> np.ndarray:
    if pd.api.types.is_object_dtype(raw) or pd.api.types.is_string_dtype(raw):
        return blank_placeholders(raw).notna().to_numpy(dtype=bool)
    return raw.notna().to_numpy(dtype=bool)


def _count_readable(raw: pd.Series, decimal: str = ".") -> np.ndarray:
    """What `leads.parse_count` reads as a number or a yes/no (the rest silently becomes 0)."""
    if pd.api.types.is_numeric_dtype(raw) or pd.api.types.is_bool_dtype(raw):
        return raw.notna().to_numpy(dtype=bool)
    codes, uniques = pd.factorize(raw.astype("str"), use_na_sentinel=True)
    if len(uniques) == 0:
        return np.zeros(len(raw), dtype=bool)
    distinct = pd.Series(uniques, dtype="str").str.strip()
    if decimal == ",":
        distinct = distinct.str.replace(".", "", regex=False).str.replace(",", ".", regex=False)
    else:
        distinct = distinct.str.replace(",", "", regex=False)
    number = pd.to_numeric(distinct, errors="coerce").notna()
    readable = (number | parse_bool(pd.Series(uniques, dtype="str")).notna()).to_numpy(
        dtype=bool)
    return np.where(codes >= 0, readable[np.maximum(codes, 0)], False)


def _duplicates(raw: pd.DataFrame, mapping: dict[str, str],
                normalised: pd.DataFrame) -> tuple[int, str, tuple[str, ...]]:
    if "email" in mapping.values() and "email" in normalised.columns:
        email = normalised["email"]
        email = (email if pd.api.types.is_string_dtype(email) else _text(email)).str.casefold()
        repeated = email.duplicated(keep="first") & email.notna()
        count = int(repeated.sum())
        examples: tuple[str, ...] = ()
        if count:
            counts = email[email.isin(email[repeated].unique())].value_counts(sort=True)
            examples = tuple(f"{address} ({n} rows)"
                             for address, n in counts.iloc[:MAX_EXAMPLES].items())
        return count, "email", examples
    if raw.empty:
        return 0, "all columns", ()
    hashes = pd.util.hash_pandas_object(raw, index=False).to_numpy()
    codes, _ = pd.factorize(hashes)
    _, first = np.unique(codes, return_index=True)
    positions = np.arange(len(raw))
    repeated = positions != first[codes]
    count = int(repeated.sum())
    examples = tuple(f"row {p + 1} repeats row {first[codes[p]] + 1}"
                     for p in positions[repeated][:MAX_EXAMPLES])
    return count, "all columns", examples
