"""Columns whose values repeat (industries, countries, counts, yes/no) are read from a CSV as a
Categorical of their text, each value kept once. Everything that follows — the cleaned leads,
the mapping found, the data quality, the outcome values offered, the problems reported — must be
exactly what reading every cell as text gives."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from workshop import importer
from workshop.importer import ImportProblem, read_export
from workshop.mapping import Mapping, outcome_values, repeating_columns
from workshop.pipeline import map_leads

EXPORTS = Path(__file__).parent / "exports"
FILES = sorted(p for p in [*EXPORTS.glob("*.csv"), *EXPORTS.glob("*.tsv"),
                           *(EXPORTS / "real").glob("*.csv"), *(EXPORTS / "real").glob("*.tsv")])


def both(data: bytes, name: str = "leads.csv"):
    """The export read cell by cell as text, and with its repeating columns as Categoricals."""
    return read_export(data, name), read_export(data, name, repeated=repeating_columns)


def assert_same_import(plain, repeated, mapping: Mapping | None = None) -> None:
    (plain_raw, plain_format), (raw, found_format) = plain, repeated
    assert plain_format == found_format
    assert plain_raw.columns.tolist() == raw.columns.tolist()
    expected, got = map_leads(plain_raw, plain_format, mapping), map_leads(raw, found_format,
                                                                          mapping)
    pd.testing.assert_frame_equal(got.leads, expected.leads)
    assert got.mapping == expected.mapping
    assert got.quality(also=raw.columns.tolist()) == expected.quality(
        also=plain_raw.columns.tolist())
    for header in raw.columns:
        assert outcome_values(raw[header]) == outcome_values(plain_raw[header]), header
        if isinstance(raw[header].dtype, pd.CategoricalDtype):
            assert raw[header].astype("str").equals(plain_raw[header].astype("str")), header


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_every_export_reads_the_same_with_its_repeating_columns_kept_once(path):
    data = path.read_bytes()
    try:
        plain = read_export(data, path.name)
    except ImportProblem as problem:
        with pytest.raises(ImportProblem) as again:
            read_export(data, path.name, repeated=repeating_columns)
        assert str(again.value) == str(problem)
        return
    repeated = read_export(data, path.name, repeated=repeating_columns)
    assert_same_import(plain, repeated)


def test_the_usual_repeating_columns_are_the_ones_read_once():
    data = (EXPORTS / "real" / "hubspot_contacts_all.csv").read_bytes()
    raw, _ = read_export(data, "contacts.csv", repeated=repeating_columns)
    categorical = {h for h in raw.columns if isinstance(raw[h].dtype, pd.CategoricalDtype)}
    assert {"Industry", "Country/Region", "Lifecycle Stage", "Number of Pageviews"} <= categorical
    assert not categorical & {"Email", "Job Title", "Company Name", "Create Date"}


@pytest.fixture(scope="module")
def big_export() -> bytes:
    """20,000 realistic leads (enough for the per-distinct paths), with what real files add:
    blank rows, a value only a blank row has, padded and placeholder values, odd counts."""
    from benchmarks.data import csv_bytes, realistic_export

    frame = realistic_export(20_000, seed=11)
    rng = np.random.default_rng(5)
    frame = frame.astype(object)  # as the file has it: text
    frame.loc[rng.random(len(frame)) < 0.05, "Industry"] = " Software "
    frame.loc[rng.random(len(frame)) < 0.03, "Country/Region"] = "Select"
    frame.loc[rng.random(len(frame)) < 0.02, "Number of Pageviews"] = "1,5"
    frame.loc[rng.random(len(frame)) < 0.02, "Demo Requested"] = "yes"
    blank = pd.DataFrame([[None] * frame.shape[1]] * 3, columns=frame.columns)
    blank.loc[1, "Industry"] = "   "  # white space only: the row is blank all the same
    frame = pd.concat([frame.iloc[:7000], blank, frame.iloc[7000:]], ignore_index=True)
    return csv_bytes(frame)


def test_a_big_export_reads_the_same(big_export):
    plain, repeated = both(big_export)
    raw = repeated[0]
    assert isinstance(raw["Industry"].dtype, pd.CategoricalDtype)
    assert "   " not in raw["Industry"].cat.categories  # only a dropped row had it
    assert len(raw) == 20_000
    assert_same_import(plain, repeated)


def test_repeating_columns_mapped_otherwise_read_the_same(big_export):
    """A mapping saved for these headers may give a repeating column another kind of field,
    leave it unmapped, or take it as the outcome: read right all the same."""
    plain, repeated = both(big_export)
    mapping = map_leads(*plain).mapping
    columns = dict(mapping.columns)
    columns.update({"Industry": "job_title", "Number of Pageviews": "employees",
                    "Country/Region": "", "Demo Requested": "budget", "Job Title": "pain",
                    "Number of Employees": "", "Primary Pain": "", "Budget Confirmed": ""})
    chosen = Mapping(columns={h: k for h, k in columns.items() if k},
                     outcome_column="Lifecycle Stage", won_values=["Customer"],
                     open_values=["Opportunity"], units={"Number of Pageviews": 1000.0})
    assert_same_import(plain, repeated, chosen)


def test_a_huge_value_in_a_repeating_column_is_reported_at_its_row(monkeypatch):
    monkeypatch.setattr(importer, "MAX_CELL_BYTES", 1000)
    lines = ["Email,Industry"] + [f"a{i}@acme.com,Software" for i in range(50)]
    lines[31] = "a30@acme.com," + "x" * 1500
    data = ("\n".join(lines) + "\n").encode() * 1
    plain = pytest.raises(ImportProblem, read_export, data, "leads.csv")
    repeated = pytest.raises(ImportProblem, read_export, data, "leads.csv",
                             repeated=repeating_columns)
    assert str(repeated.value) == str(plain.value)
    assert "Row 32" in str(repeated.value) and "Industry" in str(repeated.value)
