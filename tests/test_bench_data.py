"""The benchmark's data and its Polars contender, at a small size (no timing here).

`make bench` compares the app with other engines on generated leads; these checks keep the
leads realistic (cardinalities, placeholders, the upload limit) and the hand-written Polars
definition giving the app's very stage counts, so that neither can drift silently.
"""
from __future__ import annotations

import pytest

pl = pytest.importorskip("polars")

from benchmarks.data import csv_bytes, export_under_limit, realistic_export  # noqa: E402
from benchmarks.definition import polars_counts, realistic_definition, to_polars  # noqa: E402
from workshop.evaluate import evaluate  # noqa: E402
from workshop.importer import MAX_BYTES, MAX_ROWS  # noqa: E402
from workshop.pipeline import import_leads  # noqa: E402

ROWS = 20_000


@pytest.fixture(scope="module")
def export():
    return realistic_export(ROWS, seed=7)


@pytest.fixture(scope="module")
def leads(export):
    data = csv_bytes(export)
    return import_leads(data, "leads.csv").leads


def test_every_email_and_record_id_once(export):
    assert export["Email"].is_unique
    assert export["Record ID"].is_unique
    assert export["Email"].str.contains("@").all()


def test_many_distinct_titles_and_companies(export):
    # the plain generator has about 110 titles and 1,200 companies at any size
    assert export["Job Title"].nunique() > ROWS * 0.08
    assert export["Company Name"].nunique() > ROWS * 0.08
    assert export["Company Name"].str.contains("LedgerLoop|Closewise").any()


def test_placeholders_blanks_and_decimals(export):
    for column in ("Job Title", "Company Name", "Industry"):
        values = set(export[column].dropna())
        assert values & {"n/a", "Select", "unknown", "-", "N/A", "--None--"}, column
    assert (export["Job Title"].fillna("") == "").any()
    assert export["Amount"].dropna().str.fullmatch(r"\d+\.\d\d").any()
    assert export["Annual Revenue"].dropna().str.fullmatch(r"\d+\.\d\d").any()


def test_import_file_is_the_longest_under_the_limit(export):
    data = csv_bytes(export)
    limit = len(data) // 2
    cut, rows = export_under_limit(export, max_bytes=limit)
    assert len(cut) <= limit < len(cut) + len(data) // ROWS * 3
    assert cut.endswith(b"\n") and cut.count(b"\n") == rows + 1
    assert data.startswith(cut)
    cut, rows = export_under_limit(export, max_rows=1000)
    assert rows == 1000 and cut.count(b"\n") == 1001
    whole, rows = export_under_limit(export)
    assert (whole, rows) == (data, ROWS)  # 20,000 leads are far under MAX_BYTES, MAX_ROWS
    assert len(whole) < MAX_BYTES and rows <= MAX_ROWS


def test_polars_definition_counts_what_the_app_counts(leads):
    app = evaluate(leads, realistic_definition()).frame["stage"].value_counts()
    assert polars_counts(to_polars(leads)) == {str(k): int(v) for k, v in app.items()}
    assert app.get("MQL", 0) > 0 and app.get("SQL", 0) > 0  # every path is exercised


def test_polars_definition_on_a_slice_with_other_values(leads):
    part = leads.iloc[ROWS // 3: ROWS // 2]
    app = evaluate(part, realistic_definition()).frame["stage"].value_counts()
    assert polars_counts(to_polars(part)) == {str(k): int(v) for k, v in app.items()}


def test_a_company_sending_most_of_five_million_leads_gets_at_most_the_variants_there_are():
    import numpy as np
    import pandas as pd

    from benchmarks.data import MOST_COMPANY_VARIANTS, _company_variants

    # At 5,000,000 leads the biggest company sends about 90,000: more variants than the
    # lists make, were their number not capped.
    companies = pd.Series(["Northwind Software"] * 95_000 + ["Contoso"] * 50)
    varied = _company_variants(companies, np.random.default_rng(1))
    northwind = varied[:95_000]
    assert northwind.nunique() <= MOST_COMPANY_VARIANTS
    assert northwind.nunique() > 1_000
    assert northwind.str.startswith("Northwind Software").all()
    assert varied[95_000:].str.startswith("Contoso").all()


def test_duckdb_reads_company_names_and_titles_as_text_and_counts_what_the_app_counts(leads):
    import duckdb

    from benchmarks.bench import FEW_CATEGORIES, for_duckdb
    from workshop.sql import SqlWriter, types_of

    assert len(leads["company"].cat.categories) > FEW_CATEGORIES  # the app keeps categories
    as_text = for_duckdb(leads)
    assert str(as_text["company"].dtype) == "str" and str(as_text["job_title"].dtype) == "str"
    assert str(as_text["industry"].dtype) == "category"  # a few values: an ENUM, as fast
    assert as_text["company"].tolist() == leads["company"].astype("str").tolist()
    definition = realistic_definition()
    connection = duckdb.connect()
    connection.register("leads", as_text)
    counted = dict(connection.execute(
        f"SELECT {SqlWriter(types=types_of(as_text)).stage(definition)} AS stage, count(*) "
        "FROM leads GROUP BY 1").fetchall())
    app = evaluate(leads, definition).frame["stage"].value_counts()
    assert counted == {str(k): int(v) for k, v in app.items() if v}
