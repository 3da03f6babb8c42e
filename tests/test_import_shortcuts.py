"""Shortcuts the import takes on a million-row export must give what the plain way gives:
counts read once per value of a repeated column, free-mail addresses judged without blanking
placeholders first, a column left unchanged kept as its own categories, ="…" cells unwrapped
piece by piece, and values only dropped rows had taken out of a repeated column, in order."""
from __future__ import annotations

import csv
import io
import random

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from workshop import csv_pieces, leads
from workshop.column_types import PLACEHOLDERS
from workshop.distinct import MIN_ROWS, Distinct
from workshop.importer import read_export
from workshop.mapping import repeating_columns


def _category(values: list, rows: int = MIN_ROWS * 2) -> pd.Series:
    rng = random.Random(len(values))
    return pd.Series([rng.choice(values) for _ in range(rows)], dtype="str").astype("category")


def _csv(rows: list[list[str]]) -> bytes:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    return out.getvalue().encode()


_COUNTS = st.sampled_from(["0", "1", "7", "12", " 3 ", "-2", "250", "+4", "1,5", "yes", "No",
                           "3.0", "14.10.2026", "n/a", "", "  "])


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(values=st.lists(st.one_of(_COUNTS, st.none()), min_size=1, max_size=8))
def test_a_repeated_count_column_reads_as_the_same_column_as_text(values):
    column = _category(values)
    as_text = column.astype("str").astype("str")
    for parser in (leads.parse_count, lambda c: leads._normalise_column(
            c.rename("page_views"), "page_views", ".", set())[0]["page_views"]):
        pd.testing.assert_series_equal(parser(column), parser(as_text), check_names=False)


def test_whole_counts_of_a_repeated_column_are_cast_once_per_value():
    column = _category(["3", "0", "12", None])
    counts = leads._plain_counts(column)
    assert counts is not None and counts.dtype == "int64"
    assert counts.tolist() == column.astype(object).map(
        lambda v: 0 if v is None or v != v else int(v)).tolist()
    assert leads._plain_counts(_category(["3", "1,5"])) is None  # a mark to decide: not here


def test_dates_in_a_repeated_count_column_are_still_dates():
    reading = leads._normalise_column(_category(["14.10.2026", "03.02.2025", None]).rename(
        "pricing_page_visits"), "pricing_page_visits", ".", set())
    parsed = reading[0]["pricing_page_visits"]
    assert pd.api.types.is_datetime64_any_dtype(parsed)
    assert set(parsed.dropna().dt.strftime("%Y-%m-%d")) == {"2026-10-14", "2025-02-03"}


def test_no_placeholder_word_could_be_a_free_mail_address():
    assert not any("@" in word for word in PLACEHOLDERS)
    emails = pd.Series(["anna@gmail.com", "N/A", "--None--", " bob@yahoo.com ", None, "",
                        "ceo@acme.io", "unknown", "x@GMX.de>", "Select"] * 300, dtype="str")
    pd.testing.assert_series_equal(leads.personal_email(emails),
                                   leads.personal_email(leads.blank_placeholders(emails)))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(values=st.lists(st.one_of(st.text(max_size=6), st.none()), min_size=1, max_size=30),
       repeated=st.booleans())
def test_a_column_kept_as_its_own_values_is_the_categorical_factorizing_gives(values, repeated):
    rng = random.Random(len(values))
    column = pd.Series([rng.choice(values) for _ in range(MIN_ROWS * 2)], dtype="str")
    if repeated:
        column = column.astype("category")
    encoded = Distinct.of(column, repeats_below=1.0)
    kept = encoded.categorical(encoded.values)  # the same object: taken as it is
    factorized = encoded.categorical(encoded.values.copy())  # an equal copy: factorized
    pd.testing.assert_series_equal(kept, factorized)
    assert kept.astype("str").tolist() == column.astype("str").tolist()


def test_excel_text_cells_are_unwrapped_in_every_piece_of_a_big_file(monkeypatch):
    """Pieces are cut every few kilobytes here, so the wrapped cells and a row of ="" cells fall
    in pieces other than the first."""
    monkeypatch.setattr(csv_pieces, "PIECE_BYTES", 4096)
    rows = [["Lead ID", "Industry", "Zip"]]
    for i in range(3000):
        rows.append([f'="{i:06d}"' if i % 3 else str(i), ["Retail", '="Retail"', "Energy"][i % 3],
                     f'="{i % 100:05d}"'])
    rows.insert(2001, ['=""', '=""', '=""'])
    data = _csv(rows)
    raw, _ = read_export(data, "leads.csv", repeated=repeating_columns)
    assert len(raw) == 3000
    assert raw["Lead ID"].tolist() == [f"{i:06d}" if i % 3 else str(i) for i in range(3000)]
    assert raw["Zip"].tolist() == [f"{i % 100:05d}" for i in range(3000)]
    assert raw["Industry"].astype("str").tolist() == [["Retail", "Retail", "Energy"][i % 3]
                                                      for i in range(3000)]


def test_values_only_dropped_rows_had_leave_a_repeated_column_in_first_seen_order():
    rows = [["Email", "Industry"]]
    industries = ["Retail", "Software", "Energy", "Mining"]
    for i in range(4000):
        rows.append([f"a{i}@x.com", industries[(i * 7) % 4]])
    rows.insert(10, ["", "   "])  # blank all the same: dropped, and its value with it
    raw, _ = read_export(_csv(rows), "leads.csv", repeated=repeating_columns)
    plain, _ = read_export(_csv(rows), "leads.csv")
    assert len(raw) == len(plain)
    categories = list(raw["Industry"].cat.categories)
    assert categories == list(pd.unique(plain["Industry"].dropna()))
    assert categories == ["Retail", "Mining", "Energy", "Software"]
    assert np.array_equal(raw["Industry"].astype("str").to_numpy(),
                          plain["Industry"].to_numpy())
