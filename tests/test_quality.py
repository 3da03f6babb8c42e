"""The data-quality summary on hand-built exports with known problems."""
from __future__ import annotations

import time

import pandas as pd
import pytest

from workshop.evaluate import unknown
from workshop.leads import SAMPLE_LEADS_PATH, SAMPLE_MAPPING, normalise
from workshop.quality import FieldQuality, QualitySummary, quality_summary

MAPPING = {
    "Email": "email",
    "Industry": "industry",
    "Employees": "employees",
    "Created": "created",
    "Demo": "demo_requested",
    "Customer": "is_customer",
    "Amount": "amount",
}

RAW = pd.DataFrame({
    "Email": ["a@acme.com", "B@acme.com ", "b@acme.com", "c@beta.io", "", "a@acme.com",
              "d@gamma.org", "N/A"],
    "Industry": ["Software", "software", "Select", "", "Retail", "Software", "Banking", "-"],
    "Employees": ["250", "lots", "1-10", "", "N/A", "lots", "many", "$1.5M"],
    "Created": ["2025-01-03", "yesterday", "2025-02-30", "", "2025-03-01 10:00", "soon",
                "2025-04-01", "Unknown"],
    "Demo": ["Yes", "No", "", "maybe", "2", "1", "often", "0"],
    "Customer": ["true", "false", "", "perhaps", "yes", "no", "-", "1"],
    "Amount": ["1,000", "", "ten", "$5k", "", "", "", ""],
    "Notes": ["x", "y", "z", "w", "v", "u", "t", "s"],
}, dtype="str")


@pytest.fixture(scope="module")
def summary() -> QualitySummary:
    return quality_summary(RAW, MAPPING, normalise(RAW, MAPPING))


def test_rows_and_fields(summary):
    assert summary.rows == 8
    assert [f.key for f in summary.fields] == list(MAPPING.values())
    assert summary.field("employees").header == "Employees"
    assert summary.field("employees").label == "Employees"
    assert summary.field("amount").label == "Deal amount"
    with pytest.raises(KeyError):
        summary.field("country")


@pytest.mark.parametrize("key, missing", [
    ("email", 2),  # "" and "N/A"
    ("industry", 3),  # "Select", "", "-"; "Banking" is kept as written
    ("employees", 5),  # "", "N/A" and the unreadable "lots" (twice) and "many"
    ("created", 5),  # "", "Unknown" and "yesterday", "2025-02-30", "soon"
    ("demo_requested", 2),  # the unreadable "maybe", "often" ("" is the demo not asked for)
    ("is_customer", 3),  # "", "-" and the unreadable "perhaps"
    ("amount", 6),  # five blanks and "ten"
])
def test_missing_rates(summary, key, missing):
    quality = summary.field(key)
    assert quality.missing == missing
    assert quality.missing_rate == pytest.approx(missing / 8)


@pytest.mark.parametrize("key, examples", [
    ("employees", ("lots", "many")),  # most frequent first
    ("created", ("2025-02-30", "soon", "yesterday")),
    ("demo_requested", ("maybe", "often")),
    ("is_customer", ("perhaps",)),
    ("amount", ("ten",)),
    ("email", ()),
    ("industry", ()),
])
def test_unparsable_values(summary, key, examples):
    quality = summary.field(key)
    assert quality.unparsable == {"employees": 3}.get(key, len(examples))
    if key == "created":
        assert sorted(quality.unparsable_examples) == list(examples)
    else:
        assert quality.unparsable_examples == examples


def test_placeholders_are_missing_not_unparsable(summary):
    for quality in summary.fields:
        assert not {"N/A", "Unknown", "-", "Select", ""} & set(quality.unparsable_examples)


def test_examples_are_capped_at_five():
    values = [f"bad{i}" for i in range(12)] + ["7"]
    raw = pd.DataFrame({"Employees": values}, dtype="str")
    mapping = {"Employees": "employees"}
    quality = quality_summary(raw, mapping, normalise(raw, mapping)).field("employees")
    assert quality.unparsable == 12
    assert len(quality.unparsable_examples) == 5
    assert set(quality.unparsable_examples) <= set(values[:-1])


def test_duplicates_by_email_ignore_case_spaces_and_blanks(summary):
    # "b@acme.com" repeats "B@acme.com ", "a@acme.com" repeats itself; "" and "N/A" are no address
    assert summary.duplicates_by == "email"
    assert summary.duplicates == 2
    assert summary.duplicate_rate == pytest.approx(2 / 8)
    assert sorted(summary.duplicate_examples) == ["a@acme.com (2 rows)", "b@acme.com (2 rows)"]


def test_duplicates_by_all_columns_without_email():
    raw = pd.DataFrame({
        "Company": ["Acme", "Beta", "Acme", "Acme", "Beta", "Acme"],
        "Industry": ["Software", "Retail", "Software", "Retail", "Retail", "Software"],
    }, dtype="str")
    mapping = {"Industry": "industry"}
    summary = quality_summary(raw, mapping, normalise(raw, mapping))
    assert summary.duplicates_by == "all columns"
    assert summary.duplicates == 3
    assert summary.duplicate_examples == ("row 3 repeats row 1", "row 5 repeats row 2",
                                          "row 6 repeats row 1")


def test_no_duplicates():
    raw = pd.DataFrame({"Email": ["a@x.com", "b@x.com"], "Industry": ["Software", "Retail"]},
                       dtype="str")
    by_email = quality_summary(raw, {"Email": "email"}, normalise(raw, {"Email": "email"}))
    by_rows = quality_summary(raw, {}, normalise(raw, {}))
    assert (by_email.duplicates, by_email.duplicate_examples) == (0, ())
    assert (by_rows.duplicates, by_rows.duplicates_by, by_rows.fields) == (0, "all columns", ())


def test_empty_export():
    raw = pd.DataFrame({"Employees": pd.Series([], dtype="str")})
    summary = quality_summary(raw, {"Employees": "employees"},
                              normalise(raw, {"Employees": "employees"}))
    assert summary.rows == 0 and summary.duplicates == 0
    assert summary.field("employees") == FieldQuality("Employees", "employees", "Employees",
                                                      0, 0.0, 0, (), "whole numbers")


def test_numeric_columns_are_read_as_they_are():
    raw = pd.DataFrame({"Employees": [10.0, None, 30.0], "Demo": [1, 0, 1]})
    mapping = {"Employees": "employees", "Demo": "demo_requested"}
    summary = quality_summary(raw, mapping, normalise(raw, mapping))
    assert summary.field("employees").missing == 1
    assert summary.field("employees").unparsable == 0
    assert summary.field("demo_requested").missing == 0


def test_unmapped_and_absent_columns_are_left_out():
    mapping = {**MAPPING, "Phone": "record_id", "Notes": ""}
    summary = quality_summary(RAW, mapping, normalise(RAW, MAPPING))
    assert "Notes" not in [f.header for f in summary.fields]
    assert "record_id" not in [f.key for f in summary.fields]


def test_rows_must_line_up():
    with pytest.raises(ValueError, match="same rows"):
        quality_summary(RAW, MAPPING, normalise(RAW.iloc[:3], MAPPING))


def test_as_table(summary):
    table = summary.as_table()
    assert list(table.columns) == ["Field", "Column", "Missing", "Missing (%)", "Unreadable",
                                   "Examples", "Read as"]
    assert len(table) == len(MAPPING)
    assert table.iloc[0].to_dict() == {"Field": "Deal amount", "Column": "Amount", "Missing": 6,
                                       "Missing (%)": 75.0, "Unreadable": 1, "Examples": "ten",
                                       "Read as": "numbers (decimal point assumed: no value "
                                                  "decides)"}
    assert table["Missing (%)"].is_monotonic_decreasing
    employees = table.set_index("Field").loc["Employees"]
    assert employees["Examples"] == "lots, many"
    assert employees["Missing (%)"] == 62.5
    # "1,000" is a thousand in a file written with decimal points, and 1.0 in one written with
    # decimal commas: nothing else in the column decides, so that is said.
    assert summary.headline() == ("8 rows · 2 duplicates (same e-mail address) · "
                                  "5 fields with unreadable values · 1 read by an assumed "
                                  "convention (see Read as)")


def test_sample_leads_summary_is_clean_and_matches_normalise():
    raw = pd.read_csv(SAMPLE_LEADS_PATH, dtype=str, keep_default_na=False)
    table = normalise(raw, SAMPLE_MAPPING)
    summary = quality_summary(raw, SAMPLE_MAPPING, table)
    assert summary.rows == len(raw)
    for key in ("industry", "employees", "annual_revenue", "country", "created", "budget"):
        assert summary.field(key).missing == int(unknown(table[key]).sum())
        assert summary.field(key).unparsable == 0
    assert summary.duplicates == int(table["email"].str.casefold().duplicated().sum())


def test_a_million_rows_is_quick():
    raw = pd.read_csv(SAMPLE_LEADS_PATH, dtype=str, keep_default_na=False)
    raw.loc[raw.index[:5], "Number of Employees"] = "lots"
    big = pd.concat([raw] * (1_000_000 // len(raw) + 1), ignore_index=True).iloc[:1_000_000]
    mapping = {h: k for h, k in SAMPLE_MAPPING.items()
               if k in ("employees", "created", "industry", "demo_requested")}
    table = normalise(big, mapping)
    start = time.perf_counter()
    summary = quality_summary(big, mapping, table)
    elapsed = time.perf_counter() - start
    assert summary.rows == 1_000_000
    lots = int((big["Number of Employees"] == "lots").sum())
    assert summary.field("employees").unparsable == lots
    assert summary.field("employees").unparsable_examples == ("lots",)
    assert summary.duplicates > 990_000  # the same 6,000 rows again and again
    assert elapsed < 15, f"quality_summary took {elapsed:.1f}s on a million rows"


def test_every_column_a_rule_uses_is_covered_mapped_or_not():
    rows = 40
    raw = pd.DataFrame({
        "Email": [f"{i}@x.com" for i in range(rows)],
        "Lead Score": ["72,5", "lots", ""] + ["55"] * (rows - 3),  # numbers, one unreadable
        "first_contact": ["01-02-2018", "03-04-2018", ""] + ["05-06-2018"] * (rows - 3),
        "Specialization": ["Finance", "Select", ""] + ["IT"] * (rows - 3),  # text a rule names
        "Notes": ["x"] * rows,
    }, dtype="str")
    mapping = {"Email": "email"}
    table = normalise(raw, mapping, decimal=",")
    summary = quality_summary(raw, mapping, table, also=["specialization"])
    by_header = {f.header: f for f in summary.fields}
    assert set(by_header) == {"Email", "Lead Score", "first_contact", "Specialization"}
    score = by_header["Lead Score"]
    assert (score.missing, score.unparsable, score.unparsable_examples) == (2, 1, ("lots",))
    assert score.read_as == "numbers (decimal comma)"
    dates = by_header["first_contact"]
    assert dates.ambiguous and "no value decides" in dates.read_as and "day first" in \
        dates.read_as  # a European file: day-first assumed, and said
    assert by_header["Specialization"].missing == 2  # "Select" and blank: nothing said
    assert "1 read by an assumed convention" in summary.headline()


def test_a_checkbox_action_left_blank_is_not_missing():
    """"x" or "checked" where a lead asked for a demo, blank where it did not: the blanks are
    the answer no, which the definitions score as not done, not gaps in the data."""
    raw = pd.DataFrame({"Requested Demo": ["x", "", "", "x", ""] * 4,
                        "Attended Webinar": ["checked", "", "", "", "checked"] * 4,
                        "Email": [f"p{n}@firm{n}.com" for n in range(20)]}, dtype="str")
    mapping = {"Requested Demo": "demo_requested", "Attended Webinar": "webinars_attended",
               "Email": "email"}
    leads = normalise(raw, mapping)
    assert leads["demo_requested"].tolist() == [1, 0, 0, 1, 0] * 4
    summary = quality_summary(raw, mapping, leads)
    for key in ("demo_requested", "webinars_attended"):
        assert summary.field(key).missing == 0
        assert summary.field(key).read_as.endswith("a blank is 0, not done")
