"""Import of a raw export into the normalised leads table, case by case."""
from __future__ import annotations

import math

import pandas as pd
import pytest

from workshop import catalog, leads
from workshop.definition import Action, Criterion, Definition
from workshop.evaluate import MQL, evaluate, unknown
from workshop.sample_data import TITLES


def one(parser, value, *args):
    """Parse a single raw value the way a column of text would be parsed."""
    return parser(pd.Series([value], dtype="str"), *args).iloc[0]


@pytest.mark.parametrize("raw, expected", [
    ("250", 250.0),
    (" 1,200 ", 1200.0),
    ("1-10", 5.5),
    ("51-200", 125.5),
    ("501-1,000", 750.5),
    ("1,001-5,000", 3000.5),
    ("10,001+", 10001.0),
    ("$1.5M", 1.5e6),
    ("1,500,000", 1.5e6),
    ("1.5e6", 1.5e6),
    ("10M-50M", 30e6),
    ("10-50M", 30e6),
    ("$850K", 850e3),
    ("€2bn", 2e9),
    ("USD 1.2M", 1.2e6),
    ("$ 25,000", 25e3),
    ("", None),
    ("N/A", None),
    ("lots", None),
    (None, None),
])
def test_parse_number(raw, expected):
    value = one(leads.parse_number, raw)
    if expected is None:
        assert math.isnan(value)
    else:
        assert value == pytest.approx(expected)


def test_parse_number_keeps_numeric_columns():
    parsed = leads.parse_number(pd.Series([5, None, 12.5]))
    assert parsed.dtype == "float64"
    assert parsed.iloc[0] == 5 and math.isnan(parsed.iloc[1]) and parsed.iloc[2] == 12.5


@pytest.mark.parametrize("raw, expected", [
    ("Yes", True), ("yes ", True), ("TRUE", True), ("true", True), ("1", True),
    ("checked", True), ("No", False), ("false", False), ("FALSE", False), ("0", False),
    ("maybe", None), ("", None), (None, None),
])
def test_parse_bool(raw, expected):
    value = one(leads.parse_bool, raw)
    if expected is None:
        assert value is pd.NA
    else:
        assert value is expected or value == expected


@pytest.mark.parametrize("raw, expected", [
    ("3", 3), ("0", 0), ("", 0), (None, 0), ("2.0", 2), ("1,200", 1200), ("Yes", 1),
    ("No", 0), ("checked", 1), ("-", 0),
])
def test_parse_count(raw, expected):
    assert one(leads.parse_count, raw) == expected


def test_parse_count_of_numbers_and_booleans():
    assert leads.parse_count(pd.Series([2.0, None, 3.6])).tolist() == [2, 0, 4]
    assert leads.parse_count(pd.Series([True, False])).tolist() == [1, 0]


@pytest.mark.parametrize("raw", ["Select", "--None--", "N/A", "n/a", "-", "unknown", "Unknown",
                                 "", "   ", "none", "NULL", None])
def test_placeholders_become_missing(raw):
    assert pd.isna(one(leads.blank_placeholders, raw))


@pytest.mark.parametrize("raw", ["Software", " Acme Corp ", "Selective Goods", "No Limits Ltd"])
def test_real_values_are_not_placeholders(raw):
    assert one(leads.blank_placeholders, raw) == raw.strip()


@pytest.mark.parametrize("raw, options, expected", [
    ("software", catalog.INDUSTRIES, "Software"),
    ("SOFTWARE", catalog.INDUSTRIES, "Software"),
    ("  financial   services ", catalog.INDUSTRIES, "Financial Services"),
    ("FINANCIAL_SERVICES", catalog.INDUSTRIES, "Financial Services"),
    ("ORGANIC_SEARCH", catalog.LEAD_SOURCES, "Organic search"),
    ("marketingqualifiedlead", catalog.LIFECYCLE_STAGES, "Marketing Qualified Lead"),
    ("decision MAKER", catalog.BUYING_ROLES, "Decision maker"),
    ("  technolgy  ", catalog.INDUSTRIES, "technolgy"),  # unknown: kept, stripped
    ("Crypto   Mining", catalog.INDUSTRIES, "Crypto Mining"),
    ("--None--", catalog.INDUSTRIES, "--None--"),  # a placeholder word: kept, unknown to rules
])
def test_canonical_category(raw, options, expected):
    value = one(leads.canonical_category, raw, options)
    if expected is None:
        assert pd.isna(value)
    else:
        assert value == expected


@pytest.mark.parametrize("title, function, seniority", [
    ("CFO", "Finance", "C-level"),
    ("VP Finance", "Finance", "VP"),
    ("Vice President, Sales", "Sales", "VP"),
    ("Financial Controller", "Finance", "Director"),
    ("Assistant Controller", "Finance", "Manager"),
    ("Head of Accounting", "Finance", "Director"),
    ("Accounts Payable Specialist", "Finance", "Individual contributor"),
    ("Marketing Manager", "Marketing", "Manager"),
    ("IT Director", "IT", "Director"),
    ("Head of IT", "IT", "Director"),
    ("Operations Manager", "Operations", "Manager"),
    ("Founder & CEO", "Executive", "C-level"),
    ("Managing Director", "Executive", "C-level"),
    ("CTO", "Engineering", "C-level"),
    ("Sales Engineer", "Sales", "Individual contributor"),
    ("Revenue Operations Manager", "Sales", "Manager"),
    ("Student", "Other", "Student"),
    ("Intern", "Other", "Student"),
    ("Accounting Student", "Finance", "Student"),
    ("finance intern", "Finance", "Student"),
    ("Office Administrator", "Other", "Individual contributor"),
    ("  cfo ", "Finance", "C-level"),
    # German, French and Spanish titles
    ("Geschäftsführerin", "Executive", "C-level"),
    ("Geschäftsführer", "Executive", "C-level"),  # decomposed, as macOS may write it
    ("Vorstand Finanzen", "Finance", "C-level"),
    ("Inhaber", "Executive", "C-level"),
    ("Vertriebsleiter", "Sales", "Director"),
    ("Leiterin Einkauf", "Procurement", "Director"),
    ("Teamleiter Marketing", "Marketing", "Manager"),
    ("Directeur général", "Executive", "C-level"),
    ("PDG", "Executive", "C-level"),
    ("DAF", "Finance", "C-level"),
    ("Directeur commercial", "Sales", "Director"),
    ("Responsable marketing", "Marketing", "Manager"),
    ("Director de compras", "Procurement", "Director"),
    ("Sr. Dir. Finance", "Finance", "Director"),
    ("V.P. Operations", "Operations", "VP"),
    # what someone assists or owns is not their level or function
    ("Assistant to the CEO", "Other", "Individual contributor"),
    ("Executive Assistant to CFO", "Other", "Individual contributor"),
    ("Product Owner", "Other", "Individual contributor"),
    ("Lead Generation Specialist", "Marketing", "Individual contributor"),
])
def test_job_function_and_seniority_from_title(title, function, seniority):
    titles = pd.Series([title])
    assert leads.job_function(titles).iloc[0] == function
    assert leads.seniority(titles).iloc[0] == seniority


def test_derivation_agrees_with_every_title_the_sample_uses():
    titles = pd.Series([t[0] for t in TITLES])
    derived = pd.DataFrame({"function": leads.job_function(titles),
                            "seniority": leads.seniority(titles)})
    expected = pd.DataFrame({"function": [t[1] for t in TITLES],
                             "seniority": [t[2] for t in TITLES]})
    pd.testing.assert_frame_equal(derived, expected, check_dtype=False)


def test_missing_title_derives_nothing():
    titles = pd.Series([None, "", "N/A"], dtype="str")
    assert leads.job_function(titles).isna().all()
    assert leads.seniority(titles).isna().all()


@pytest.mark.parametrize("email, personal", [
    ("jane@gmail.com", True), ("Jane.Doe@GMAIL.COM ", True), ("x@hotmail.co.uk", True),
    ("bob@yahoo.com", True), ("cfo@acme.com", False), ("ana@gmail.company.com", False),
    ("not an address", False), (None, False),
])
def test_personal_email(email, personal):
    assert bool(one(leads.personal_email, email)) is personal


@pytest.mark.parametrize("stage, expected", [
    ("Closed Won", "won"), ("won", "won"), ("Won", "won"), ("closedwon", "won"),
    ("Closed Lost", "lost"), ("LOST", "lost"), ("closedlost", "lost"),
    ("Proposal", "open"), ("Negotiation", "open"), ("appointmentscheduled", "open"),
    ("", None), ("--None--", None), (None, None),
])
def test_outcome(stage, expected):
    value = one(leads.outcome, stage)
    if expected is None:
        assert pd.isna(value)
    else:
        assert value == expected


def _raw() -> pd.DataFrame:
    return pd.DataFrame({
        "Company": ["Acme", "Globex", "Initech"],
        "Sector": ["software", "Select", "HEALTHCARE"],
        "Headcount": ["51-200", "1200", ""],
        "Title": ["CFO", "Student", "Marketing Manager"],
        "E-mail": ["a@acme.com", "s@gmail.com", None],
        "Stage": ["Customer", "lead", "--None--"],
        "Created": ["2026-03-04 10:00", "2026-04-30 23:59", "garbage"],
        "Demo?": ["Yes", "No", ""],
        "Opportunity": ["Closed Won", "", "Proposal"],
        "Favourite colour": ["red", "N/A", "blue"],
    })


RAW_MAPPING = {
    "Company": "company", "Sector": "industry", "Headcount": "employees", "Title": "job_title",
    "E-mail": "email", "Stage": "lifecycle_stage", "Created": "created",
    "Demo?": "demo_requested", "Opportunity": "deal_stage", "Missing column": "country",
}


def test_normalise_renames_cleans_and_derives():
    table = leads.normalise(_raw(), RAW_MAPPING)
    assert table["industry"].tolist()[0] == "Software" and unknown(table["industry"]).iloc[1]
    assert table["industry"].iloc[2] == "Healthcare"
    assert table["employees"].iloc[0] == 125.5 and table["employees"].iloc[1] == 1200
    assert pd.isna(table["employees"].iloc[2])
    assert table["job_function"].tolist() == ["Finance", "Other", "Marketing"]
    assert table["seniority"].tolist() == ["C-level", "Student", "Manager"]
    assert table["personal_email"].tolist() == [False, True, False]
    assert table["personal_email"].dtype == bool
    # Row 0 became a customer through its own won deal: not "already a customer" on arrival.
    assert table["is_customer"].tolist() == [False, False, False]
    assert table["lifecycle_stage"].iloc[1] == "Lead"
    assert table["demo_requested"].tolist() == [1, 0, 0]
    assert table["created"].iloc[0] == pd.Timestamp("2026-03-04 10:00")
    assert pd.isna(table["created"].iloc[2])
    assert table["created_month"].iloc[1] == "2026-04" and pd.isna(table["created_month"].iloc[2])
    assert table["outcome"].iloc[0] == "won" and pd.isna(table["outcome"].iloc[1])
    assert table["outcome"].iloc[2] == "open"
    # unmapped columns stay, under their own header; placeholder words are kept, unknown
    assert "Favourite colour" in table.columns and unknown(table["Favourite colour"]).iloc[1]
    assert "country" not in table.columns and "Sector" not in table.columns


def test_normalise_does_not_change_its_input():
    raw = _raw()
    leads.normalise(raw, RAW_MAPPING)
    pd.testing.assert_frame_equal(raw, _raw())


def test_supplied_function_and_seniority_win_over_derivation():
    raw = _raw().assign(Function=["operations", "HR", "Marketing"])
    table = leads.normalise(raw, {**RAW_MAPPING, "Function": "job_function"})
    assert table["job_function"].tolist() == ["Operations", "HR", "Marketing"]
    assert table["seniority"].tolist() == ["C-level", "Student", "Manager"]  # still derived


def test_two_columns_for_one_field_is_an_error():
    with pytest.raises(ValueError, match="industry"):
        leads.normalise(_raw(), {**RAW_MAPPING, "Favourite colour": "industry"})


def test_unmapped_target_name_clash_keeps_the_mapped_column():
    raw = _raw().assign(industry=["x", "y", "z"])
    table = leads.normalise(raw, RAW_MAPPING)
    assert list(table.columns).count("industry") == 1
    assert table["industry"].iloc[0] == "Software"


def test_sample_mapping_covers_every_sample_header_but_names():
    from workshop.sample_data import COLUMNS
    assert set(COLUMNS) - set(leads.SAMPLE_MAPPING) == {"First Name", "Last Name"}
    assert set(leads.SAMPLE_MAPPING) <= set(COLUMNS)


# --- the shipped sample ----------------------------------------------------------------------

@pytest.fixture(scope="module")
def sample() -> pd.DataFrame:
    return leads.load_sample_leads()


def test_sample_loads_with_every_field_the_questions_and_actions_use(sample):
    assert len(sample) == 6000
    needed = {f for q in catalog.QUESTIONS for f in q.fields}
    needed |= {field for field, _ in catalog.CONVERSION_ACTIONS}
    assert needed <= set(sample.columns), needed - set(sample.columns)
    for extra in ("created_month", "outcome", "amount", "record_id"):
        assert extra in sample.columns


@pytest.mark.parametrize("key", [k for k, f in catalog.FIELDS.items()
                                 if f.kind == catalog.Kind.CATEGORY and k != "pain"])
def test_sample_categories_are_canonical_after_normalising(sample, key):
    values = sample[key][~unknown(sample[key])]
    assert set(values) <= set(catalog.FIELDS[key].options)
    assert values.nunique() >= 4


def test_sample_types(sample):
    for key, lead_field in catalog.FIELDS.items():
        if lead_field.kind == catalog.Kind.COUNT:
            assert sample[key].dtype == "int64", key
        if lead_field.kind == catalog.Kind.NUMBER:
            assert sample[key].dtype == "float64", key
        if lead_field.kind == catalog.Kind.BOOLEAN:
            assert sample[key].dtype == bool, key
    assert pd.api.types.is_datetime64_any_dtype(sample["created"])
    assert set(sample["outcome"].dropna()) == {"won", "lost", "open"}
    assert set(sample["demo_requested"]) == {0, 1}
    assert sample["employees"].max() >= 10001  # buckets and big companies survived


def test_load_sample_leads_returns_a_private_copy(sample):
    mine = leads.load_sample_leads()
    mine["industry"] = "changed"
    del mine["outcome"]
    fresh = leads.load_sample_leads()
    assert "outcome" in fresh.columns
    assert (fresh["industry"] != "changed").all()


def test_a_definition_runs_on_the_sample_and_finds_better_leads(sample):
    definition = Definition(
        criteria=[
            Criterion(field="job_function", op="in", values=["Finance"]),
            Criterion(field="industry", op="in",
                      values=["Software", "Financial Services", "Healthcare",
                              "Professional Services"]),
            Criterion(field="personal_email", op="is_true", role="disqualifier"),
            Criterion(field="seniority", op="in", values=["Student"], role="disqualifier"),
        ],
        actions=[Action(field="demo_requested", points=30),
                 Action(field="pricing_page_visits", points=15),
                 Action(field="email_clicks", points=2)],
        threshold=30,
    )
    result = evaluate(sample, definition)
    mql = result.frame["is_mql"]
    assert 0 < result.count(MQL) < len(sample) * 0.2
    assert not sample.loc[mql, "personal_email"].any()
    assert set(sample.loc[mql, "job_function"]) == {"Finance"}
    won = sample["outcome"].eq("won")
    assert won[mql].mean() > 3 * won.mean()


def test_a_customer_without_a_won_deal_of_its_own_is_already_a_customer():
    raw = pd.DataFrame({"Stage": ["Customer", "Customer", "Lead"],
                        "Opportunity": ["Closed Won", "", "Closed Won"]})
    table = leads.normalise(raw, {"Stage": "lifecycle_stage", "Opportunity": "deal_stage"})
    assert table["is_customer"].tolist() == [False, True, False]


@pytest.mark.parametrize("raw, expected", [
    ("1,5", 1.5), ("12500,50", 12500.5), ("1.234.567,89", 1234567.89), ("1,5M", 1.5e6),
    ("501-1.000", 750.5), ("€ 2.000", 2000.0), ("", None)])
def test_parse_number_with_decimal_commas(raw, expected):
    parsed = leads.parse_number(pd.Series([raw], dtype="str"), decimal=",").iloc[0]
    assert (pd.isna(parsed) and expected is None) or parsed == pytest.approx(expected)


def test_normalise_reads_european_numbers_when_told_the_decimal_mark():
    raw = pd.DataFrame({"Revenue": ["1.500.000,00", "2,5M"], "Headcount": ["1.200", "51-200"]})
    table = leads.normalise(raw, {"Revenue": "annual_revenue", "Headcount": "employees"},
                            decimal=",")
    assert table["annual_revenue"].tolist() == [1_500_000.0, 2_500_000.0]
    assert table["employees"].tolist() == [1200.0, 125.5]


# --- every column judged by its own values -----------------------------------------------

def test_unmapped_columns_of_numbers_and_dates_become_numbers_and_dates():
    raw = pd.DataFrame({
        "Lead Score": ["72,5", "80", "n/a", "", "55,25"],
        "Visits per day": ["1.5", "2", "0.25", "3", "-"],
        "Zip": ["01234", "99999", "10115", "", "20095"],
        "demo_booked_at": ["03.06.2025", "", "31.07.2025", "01.08.2025", "Select"],
        "Notes": ["called twice", "", "2", "x", "y"],
    }, dtype="str")
    table = leads.normalise(raw, {}, decimal=",")
    assert table["Lead Score"].tolist()[:2] == [72.5, 80.0]
    assert table["Lead Score"].isna().tolist() == [False, False, True, True, False]
    assert table["Visits per day"].tolist()[:3] == [1.5, 2.0, 0.25]  # its own decimal point
    assert table["Zip"].dtype == "float64"
    assert table["demo_booked_at"].tolist()[:3] == [pd.Timestamp("2025-06-03"), pd.NaT,
                                                   pd.Timestamp("2025-07-31")]
    assert table["Notes"].fillna("-").tolist() == ["called twice", "-", "2", "x", "y"]  # text
    readings = leads.column_readings(table)
    assert readings["Lead Score"].decimal == "," and readings["Visits per day"].decimal == "."
    assert readings["demo_booked_at"].date_order == "day-first"
    assert readings["Notes"].kind == "text"
    assert leads.header_columns(table)["Lead Score"] == "Lead Score"


def test_mapped_counts_and_numbers_read_decimal_commas():
    raw = pd.DataFrame({"Visits": ["2,5", "1.200", "3"], "Revenue": ["1.234,5", "12,75", "7"]},
                       dtype="str")
    table = leads.normalise(raw, {"Visits": "page_views", "Revenue": "annual_revenue"},
                            decimal=",")
    assert table["page_views"].tolist() == [2, 1200, 3]  # 2.5 rounds to 2, never 25
    assert table["annual_revenue"].tolist() == [1234.5, 12.75, 7.0]


def test_day_first_created_dates_give_the_right_months():
    raw = pd.DataFrame({"Created": ["20-10-2017", "01-02-2018", "05-02-2018", "31-12-2017"]},
                       dtype="str")
    table = leads.normalise(raw, {"Created": "created"})
    assert table["created_month"].tolist() == ["2017-10", "2018-02", "2018-02", "2017-12"]


def test_placeholder_words_are_kept_as_written_and_unknown_to_rules():
    raw = pd.DataFrame({"Origin": ["unknown", "organic_search", "Select", ""]}, dtype="str")
    table = leads.normalise(raw, {"Origin": "lead_source"})
    assert table["lead_source"].tolist()[:3] == ["unknown", "Organic search", "Select"]
    assert pd.isna(table["lead_source"].iloc[3])
    assert unknown(table["lead_source"]).tolist() == [True, False, True, True]


def test_a_money_unit_multiplies_mapped_and_unmapped_numbers():
    raw = pd.DataFrame({"revenue": ["1118.27", "4.54"], "Deal (k)": ["12", "7.5"]},
                       dtype="str")
    table = leads.normalise(raw, {"revenue": "annual_revenue"},
                            units={"revenue": 1e6, "Deal (k)": 1e3})
    assert table["annual_revenue"].tolist() == pytest.approx([1_118_270_000, 4_540_000])
    assert table["Deal (k)"].tolist() == [12_000.0, 7_500.0]
    assert leads.column_readings(table)["annual_revenue"].unit == 1e6


def test_how_the_columns_were_read_follows_every_slice_without_being_copied():
    """The provenance travels with slices and derived series (so `column_readings` works on
    them), and is never deep-copied: pandas copies `attrs` into everything derived, and plain
    dicts of readings made a scorecard on the sample leads 12 times slower."""
    from workshop.leads import column_readings, header_columns, load_sample_leads

    leads = load_sample_leads()
    part = leads.iloc[100:200]
    derived = (leads["employees"] > 50) & leads["industry"].notna()
    assert column_readings(part) == column_readings(leads) != {}
    assert header_columns(part) == header_columns(leads) != {}
    for copy in (part.attrs, derived.attrs, leads.copy(deep=True).attrs):
        assert [id(v) for v in copy.values()] == [id(v) for v in leads.attrs.values()]
