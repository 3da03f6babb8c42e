"""Column auto-mapping, the saved mapping, and the outcome question, as tables of cases."""
from __future__ import annotations

import json

import pandas as pd
import pytest

from workshop import catalog, leads, mapping
from workshop.mapping import (
    KNOWN_HEADERS,
    Mapping,
    apply_mapping,
    apply_outcome,
    auto_map,
    choice_problems,
    headers_signature,
    normalise_header,
    suggest_outcome,
    suggest_units,
    validate,
)

# --- header sets real exports carry (see /work/shared/reference/crm-export-headers.md) ----------

HUBSPOT_DEFAULT_VIEW = {
    "Record ID": "record_id",
    "First Name": None,
    "Last Name": None,
    "Email": "email",
    "Phone Number": None,
    "Contact owner": None,
    "Primary Associated Company ID": None,
    "Last Activity Date": None,
    "Lead Status": "lead_status",
    "Marketing contact status": None,
    "Create Date": "created",
    "Associated Company": "company",
}

HUBSPOT_ALL_PROPERTIES = {
    **HUBSPOT_DEFAULT_VIEW,
    "Associated Company": None,  # "Company Name" is the better company column
    "Annual Revenue": "annual_revenue",
    "Became a Lead Date": None,
    "Became a Marketing Qualified Lead Date": None,
    "Became a Sales Qualified Lead Date": None,
    "Became a Customer Date": None,
    "Buying Role": "buying_role",
    "City": None,
    "Company Name": "company",
    "Company size": None,  # "Number of Employees" is the better employees column
    "Country/Region": "country",
    "Industry": "industry",
    "Job function": "job_function",
    "Job Title": "job_title",
    "Lifecycle Stage": "lifecycle_stage",
    "Number of Employees": "employees",
    "Number of Form Submissions": "form_submissions",
    "Number of Pageviews": "page_views",
    "Number of Sessions": None,
    "Original Source": "lead_source",
    "Original Source Drill-Down 1": None,
    "Recent Conversion": None,
    "Seniority": "seniority",
    "State/Region": None,
    "Website URL": None,
    "Associated Deal IDs": None,
    "HubSpot Score": None,
}

HUBSPOT_INTERNAL_NAMES = {
    "email": "email",
    "firstname": None,
    "lastname": None,
    "company": "company",
    "jobtitle": "job_title",
    "website": None,
    "city": None,
    "state": None,
    "country": "country",
    "industry": "industry",
    "numemployees": "employees",
    "annualrevenue": "annual_revenue",
    "lifecyclestage": "lifecycle_stage",
    "hs_lead_status": "lead_status",
    "hubspot_owner_id": None,
    "createdate": "created",
    "hs_analytics_source": "lead_source",
}

SALESFORCE_API_NAMES = {
    "Id": "record_id",
    "LastName": None,
    "FirstName": None,
    "Salutation": None,
    "Name": None,
    "Title": "job_title",
    "Company": "company",
    "Street": None,
    "City": None,
    "State": None,
    "PostalCode": None,
    "Country": "country",
    "Phone": None,
    "MobilePhone": None,
    "Email": "email",
    "Website": None,
    "Description": None,
    "LeadSource": "lead_source",
    "Status": "lead_status",
    "Industry": "industry",
    "Rating": None,
    "AnnualRevenue": "annual_revenue",
    "NumberOfEmployees": "employees",
    "OwnerId": None,
    "IsConverted": "converted",
    "ConvertedDate": None,
    "ConvertedAccountId": None,
    "ConvertedContactId": None,
    "ConvertedOpportunityId": None,
    "CreatedDate": "created",
    "LastModifiedDate": None,
    "LastActivityDate": None,
    "HasOptedOutOfEmail": None,
    "DoNotCall": None,
}

SALESFORCE_REPORT_LABELS = {
    "Lead Owner": None,
    "First Name": None,
    "Last Name": None,
    "Title": "job_title",
    "Company / Account": "company",
    "Lead Source": "lead_source",
    "Rating": None,
    "Street": None,
    "Email": "email",
    "Lead Status": "lead_status",
    "Industry": "industry",
    "Annual Revenue": "annual_revenue",
    "Employees": "employees",
    "Converted": "converted",
    "Created Date": "created",
    "Email Opt Out": None,
    "Country": "country",
}

SAMPLE_FILE = {**dict.fromkeys(["First Name", "Last Name"]), **leads.SAMPLE_MAPPING}


def expected_mapping(table: dict[str, str | None]) -> dict[str, str]:
    return {header: key for header, key in table.items() if key}


@pytest.mark.parametrize("table", [
    HUBSPOT_DEFAULT_VIEW, HUBSPOT_ALL_PROPERTIES, HUBSPOT_INTERNAL_NAMES, SALESFORCE_API_NAMES,
    SALESFORCE_REPORT_LABELS, SAMPLE_FILE,
], ids=["hubspot-default-view", "hubspot-all-properties", "hubspot-internal-names",
        "salesforce-api-names", "salesforce-report-labels", "sample-file"])
def test_auto_map_real_exports(table):
    assert auto_map(list(table)) == expected_mapping(table)


def test_auto_map_reproduces_the_sample_mapping_in_file_order():
    raw = pd.read_csv(leads.SAMPLE_LEADS_PATH, dtype=str, keep_default_na=False, nrows=5)
    mapped = auto_map(list(raw.columns))
    assert mapped == leads.SAMPLE_MAPPING
    assert list(mapped) == [c for c in raw.columns if c in leads.SAMPLE_MAPPING]


@pytest.mark.parametrize("header, key", [
    ("Nr. of employees", "employees"),
    ("No. of Employees", "employees"),
    ("# of Employees", "employees"),
    ("Number of employes", "employees"),
    ("Company size", "employees"),
    ("Company Size (employees)", "employees"),
    ("Employees (approx.)", "employees"),
    ("Job-Title", "job_title"),
    ("JOB TITLE", "job_title"),
    ("job_title", "job_title"),
    ("Job Titel", "job_title"),
    ("annual revenue (USD)", "annual_revenue"),
    ("Annual_Revenue", "annual_revenue"),
    ("Anual Revenue", "annual_revenue"),
    ("Company Revenue", "annual_revenue"),
    ("Company Industry", "industry"),
    ("  Industry  ", "industry"),
    ("E-Mail", "email"),
    ("Lead source", "lead_source"),
    ("Lifecycle stage", "lifecycle_stage"),
    ("Months to purchase", "timeline_months"),
    ("Requested a demo", "demo_requested"),
    ("Deal stage", "deal_stage"),
    ("Is Converted", "converted"),
    ("created at", "created"),
])
def test_auto_map_near_misses(header, key):
    assert auto_map([header]) == {header: key}


@pytest.mark.parametrize("header", [
    "", "   ", "---", "(blank)", "#", "xyz", "Favourite colour", "Lead Score", "County",
    "Created By", "Company Phone", "Company ID", "Country Code", "Original Source Drill-Down 2",
    "ConvertedDate", "Email Opt Out", "Days to Close", "Notes",
])
def test_nonsense_and_lookalike_headers_stay_unmapped(header):
    assert auto_map([header]) == {}


def test_auto_map_never_maps_two_headers_to_one_key():
    headers = ["Employees", "Number of Employees", "Company size", "Nr. of employees",
               "Company Size (employees)", "numemployees", "Title", "Job Title", "jobtitle"]
    mapped = auto_map(headers)
    assert mapped == {"Number of Employees": "employees", "Job Title": "job_title"}


def test_auto_map_exact_beats_close_match_whatever_the_order():
    assert auto_map(["Nr. of employees", "Employees"]) == {"Employees": "employees"}
    assert auto_map(["Employees", "Nr. of employees"]) == {"Employees": "employees"}


def test_auto_map_same_spelling_twice_goes_to_the_first_column():
    assert auto_map(["email", "E-mail"]) == {"email": "email"}
    assert auto_map(["E-mail", "email"]) == {"E-mail": "email"}
    # different spellings: the preferred one wins wherever it is
    assert auto_map(["Email Address", "Email"]) == {"Email": "email"}


def test_auto_map_ignores_non_text_headers_and_duplicates():
    assert auto_map([0, None, "Industry", "Industry"]) == {"Industry": "industry"}


def test_known_headers_are_consistent():
    keys_per_form: dict[str, set[str]] = {}
    for spelling, key in KNOWN_HEADERS.items():
        assert key in mapping.ALLOWED_KEYS, spelling
        keys_per_form.setdefault(normalise_header(spelling), set()).add(key)
    assert all(len(keys) == 1 for keys in keys_per_form.values())
    for header, key in leads.SAMPLE_MAPPING.items():
        assert KNOWN_HEADERS[header] == key
    # every catalog field that an export can carry has at least one usual spelling
    derived_only = {"personal_email"}
    assert set(catalog.FIELDS) - derived_only <= set(KNOWN_HEADERS.values())
    for source_key in ("email", "deal_stage", "amount", "record_id", "converted"):
        assert source_key in KNOWN_HEADERS.values()


@pytest.mark.parametrize("header, form", [
    ("Job-Title", "jobtitle"), ("Country/Region", "countryregion"), ("  E-Mail ", "email"),
    ("Purchase Timeline (Months)", "purchasetimelinemonths"), ("Société", "societe"),
    ("---", ""),
])
def test_normalise_header(header, form):
    assert normalise_header(header) == form


# --- signature ------------------------------------------------------------------------------------

def test_signature_is_stable_under_order_case_and_punctuation():
    headers = ["Record ID", "Email", "Job Title", "Industry"]
    signature = headers_signature(headers)
    assert signature == headers_signature(list(reversed(headers)))
    assert signature == headers_signature(["record id", "EMAIL", "job-title", " Industry "])
    assert signature == headers_signature(headers + ["Email"])
    assert signature != headers_signature(headers[:-1])
    assert signature != headers_signature(headers + ["Country"])
    assert len(signature) == 16 and int(signature, 16) >= 0


# --- the saved mapping ----------------------------------------------------------------------------

def test_mapping_json_round_trip():
    saved = Mapping(columns={"Numéro d'employés": "employees", "Deal Stage": "deal_stage"},
                    outcome_column="Deal Stage", won_values=["Closed Won"],
                    open_values=["Qualification", "Proposal"])
    text = saved.to_json()
    assert json.loads(text)["schema_version"] == mapping.MAPPING_SCHEMA_VERSION
    assert Mapping.from_json(text) == saved
    assert Mapping.from_json(text.encode()) == saved
    assert Mapping.from_json(Mapping().to_json()) == Mapping()


def test_mapping_from_json_fills_defaults():
    assert Mapping.from_json('{"columns": {"Email": "email"}}') == Mapping({"Email": "email"})


@pytest.mark.parametrize("text, message", [
    ("{not json", "not valid JSON"),
    ("", "not valid JSON"),
    ("[1, 2]", "must be a JSON object"),
    ('{"columns": ["Email"]}', '"columns"'),
    ('{"columns": {"Email": 3}}', '"columns"'),
    ('{"outcome_column": 5}', '"outcome_column"'),
    ('{"won_values": "Closed Won"}', '"won_values"'),
    ('{"open_values": [1]}', '"open_values"'),
    ('{"schema_version": 99}', "schema version 99"),
])
def test_mapping_from_bad_json(text, message):
    with pytest.raises(ValueError, match=message):
        Mapping.from_json(text)


# --- validate -------------------------------------------------------------------------------------

HEADERS = ["Email", "Industry", "Sector", "Employees", "Deal Stage", "Custom Score"]


def test_validate_accepts_a_good_mapping():
    good = Mapping({"Email": "email", "Industry": "industry", "Employees": "employees",
                    "Deal Stage": "deal_stage", "Custom Score": ""},
                   outcome_column="Deal Stage", won_values=["Closed Won"])
    assert validate(good, HEADERS) == []
    assert validate(good.columns, HEADERS) == []


@pytest.mark.parametrize("columns, fragment", [
    ({"Phone": "email"}, 'Column "Phone" is not in this export'),
    ({"Industry": "industry", "Sector": "industry"},
     'Industry is mapped from several columns: "Industry", "Sector"'),
    ({"Custom Score": "lead_score"}, '"lead_score", which is not a lead field'),
    ({"Custom Score": "outcome"}, '"outcome", which is not a lead field'),
])
def test_validate_reports_problems(columns, fragment):
    problems = validate(columns, HEADERS)
    assert len(problems) == 1
    assert fragment in problems[0]


def test_validate_allows_source_keys():
    columns = {"Email": "email", "Deal Stage": "deal_stage", "Employees": "amount",
               "Sector": "record_id", "Custom Score": "converted"}
    assert validate(columns, HEADERS) == []


def test_validate_warns_when_a_column_would_be_replaced():
    problems = validate({"Sector": "industry"}, ["Sector", "industry"])
    assert problems == ['Column "industry" will be replaced by "Sector", which is mapped to '
                        'industry.']


def test_validate_checks_the_outcome():
    problems = validate(Mapping({}, outcome_column="Stage", won_values=["Won"],
                                open_values=["won ", "Open"]), HEADERS)
    assert any('outcome column "Stage" is not in this export' in p for p in problems)
    assert any("both won and open: won" in p for p in problems)
    # how the column says won is the person's choice to make, not a question of fit: a
    # mapping read from an export whose deals are all open still fits the next export
    assert validate(Mapping({}, outcome_column="Deal Stage"), HEADERS) == []
    assert choice_problems(Mapping({}, outcome_column="Deal Stage")) == [
        "Say which values of the outcome column mean won (or still open), or that any value "
        "means won."]
    for chosen in (Mapping({}, outcome_column="Deal Stage", won_when_present=True),
                   Mapping({}, outcome_column="Deal Stage", open_values=["Proposal"]),
                   Mapping({}, outcome_column="Deal Stage", won_values=["Won"])):
        assert choice_problems(chosen) == []


# --- outcome --------------------------------------------------------------------------------------

def frame(**columns) -> pd.DataFrame:
    return pd.DataFrame({name.replace("_", " "): values for name, values in columns.items()},
                        dtype="str")


def test_suggest_outcome_from_deal_stage():
    raw = frame(Deal_Stage=["Closed Won", "Closed Lost", "Negotiation", "", "Proposal",
                            "Closed Won", "Qualification", "--None--"])
    column, won, opened, _ = suggest_outcome(raw, {"Deal Stage": "deal_stage"})
    assert column == "Deal Stage"
    assert won == ["Closed Won"]
    assert sorted(opened) == ["Negotiation", "Proposal", "Qualification"]


def test_suggest_outcome_from_hubspot_internal_deal_stages():
    raw = frame(dealstage=["closedwon", "closedlost", "appointmentscheduled",
                           "contractsent", "closedwon"])
    assert suggest_outcome(raw, {})[:3] == ("dealstage", ["closedwon"],
                                        ["appointmentscheduled", "contractsent"])


@pytest.mark.parametrize("values, won", [
    (["true", "false", "true"], ["true"]),
    (["TRUE", "FALSE"], ["TRUE"]),
    (["1", "0", "0"], ["1"]),
    (["Yes", "No", ""], ["Yes"]),
])
def test_suggest_outcome_from_is_converted(values, won):
    raw = frame(IsConverted=values, Status=["Open - Not Contacted"] * len(values))
    assert suggest_outcome(raw, {})[:3] == ("IsConverted", won, [])


def test_suggest_outcome_from_a_won_column_with_bool_dtype():
    raw = pd.DataFrame({"Name": ["a", "b", "c"], "Won": [True, False, True]})
    column, won, opened, _ = suggest_outcome(raw, {})
    assert (column, won, opened) == ("Won", ["True"], [])
    assert apply_outcome(raw["Won"], won, opened).tolist() == ["won", "lost", "won"]


def test_suggest_outcome_from_a_zero_one_column_named_converted():
    raw = frame(Converted_to_Customer=["0", "1", "0", ""], Notes=["x", "y", "won", "z"])
    assert suggest_outcome(raw, {})[:3] == ("Converted to Customer", ["1"], [])


def test_a_column_named_won_with_text_values_is_not_an_outcome():
    raw = frame(Reason_Won=["price", "features"])
    assert suggest_outcome(raw, {})[:3] == (None, [], [])


def test_suggest_outcome_from_lifecycle_stage():
    raw = frame(Lifecycle_Stage=["Lead", "customer", "OPPORTUNITY", "Subscriber", "Customer",
                                 "Evangelist", "Unknown"])
    column, won, opened, _ = suggest_outcome(raw, {"Lifecycle Stage": "lifecycle_stage"})
    assert column == "Lifecycle Stage"
    assert sorted(won) == ["Customer", "Evangelist", "customer"]
    assert opened == ["OPPORTUNITY"]


def test_suggest_outcome_from_salesforce_lead_status():
    raw = frame(Status=["Open - Not Contacted", "Working - Contacted", "Closed - Converted",
                        "Closed - Not Converted", "Closed - Converted"])
    assert suggest_outcome(raw, {})[:3] == ("Status", ["Closed - Converted"],
                                        ["Open - Not Contacted", "Working - Contacted"])


def test_hubspot_lead_status_alone_is_no_outcome():
    raw = frame(Lead_Status=["NEW", "OPEN_DEAL", "UNQUALIFIED", "IN_PROGRESS"])
    assert suggest_outcome(raw, {})[:3] == (None, [], [])


def test_deal_stage_is_preferred_to_lifecycle_and_a_column_with_wins_to_one_without():
    raw = frame(Lifecycle_Stage=["Customer", "Lead"], Deal_Stage=["Closed Won", "Proposal"])
    assert suggest_outcome(raw, {})[0] == "Deal Stage"
    raw = frame(Lifecycle_Stage=["Customer", "Lead"], Deal_Stage=["Closed Lost", "Proposal"])
    assert suggest_outcome(raw, {})[0] == "Lifecycle Stage"
    raw = frame(Deal_Stage=["Closed Lost", "Proposal"])
    assert suggest_outcome(raw, {})[:3] == ("Deal Stage", [], ["Proposal"])


def test_suggest_outcome_follows_the_users_mapping():
    raw = frame(Phase=["Won", "Lost", "Pitch"], Deal_Stage=["", "", ""])
    assert suggest_outcome(raw, Mapping({"Phase": "deal_stage"}))[:3] == ("Phase", ["Won"],
                                                                      ["Pitch"])


def test_no_outcome_column():
    raw = frame(Email=["a@x.com"], Industry=["Software"])
    assert suggest_outcome(raw, auto_map(raw.columns))[:3] == (None, [], [])
    assert suggest_outcome(frame(Deal_Stage=["", "N/A"]), {})[:3] == (None, [], [])


@pytest.mark.parametrize("value, expected", [
    ("Closed Won", "won"),
    (" closed won ", "won"),
    ("CLOSED WON", "won"),
    ("Proposal", "open"),
    ("negotiation", "open"),
    ("Closed Lost", "lost"),
    ("On hold", "lost"),
    ("", None),
    ("   ", None),
    ("N/A", None),
    ("--None--", None),
    (None, None),
])
def test_apply_outcome(value, expected):
    result = apply_outcome(pd.Series([value], dtype="str"), ["Closed Won"],
                           ["Proposal", "Negotiation"])
    assert result.dtype == "str"
    if expected is None:
        assert pd.isna(result.iloc[0])
    else:
        assert result.iloc[0] == expected


def test_apply_outcome_keeps_the_index_and_reads_numbers():
    raw = pd.Series([1, 0, None, 1], index=[10, 11, 12, 13], dtype="float64")
    result = apply_outcome(raw, ["1.0"], [])
    assert result.index.tolist() == [10, 11, 12, 13]
    assert result.tolist()[:2] == ["won", "lost"] and pd.isna(result.iloc[2])
    assert result.iloc[3] == "won"
    assert apply_outcome(pd.Series([], dtype="str"), ["x"]).empty


def test_suggested_outcome_on_the_sample_matches_normalise():
    raw = pd.read_csv(leads.SAMPLE_LEADS_PATH, dtype=str, keep_default_na=False)
    column, won, opened, _ = suggest_outcome(raw, auto_map(raw.columns))
    assert column == "Deal Stage" and won == ["Closed Won"]
    ours = apply_outcome(raw[column], won, opened)
    theirs = leads.normalise(raw, leads.SAMPLE_MAPPING)["outcome"]
    assert ours.fillna("-").tolist() == theirs.fillna("-").tolist()
    assert set(ours.dropna()) == {"won", "lost", "open"}


def test_apply_mapping_uses_the_chosen_outcome_and_keeps_past_wins_out_of_customers():
    raw = frame(Email=["a@x.com", "b@y.com", "c@z.com", "d@w.com"],
                Lifecycle_Stage=["Customer", "Customer", "Lead", "Opportunity"],
                IsConverted=["true", "false", "false", ""])
    chosen = Mapping(auto_map(raw.columns), *suggest_outcome(raw, auto_map(raw.columns)))
    assert chosen.outcome_column == "IsConverted"
    table = apply_mapping(raw, chosen)
    assert table["outcome"].fillna("-").tolist() == ["won", "lost", "lost", "-"]
    # lead 1 became a customer through its own conversion; lead 2 already was one
    assert table["is_customer"].tolist() == [False, True, False, False]
    assert table["lifecycle_stage"].tolist() == ["Customer", "Customer", "Lead", "Opportunity"]
    assert table["converted"].fillna("-").tolist() == ["true", "false", "false", "-"]


def test_apply_mapping_without_outcome_is_normalise():
    raw = frame(Deal_Stage=["Closed Won", "Proposal"], Employees=["1-10", "250"])
    table = apply_mapping(raw, Mapping(auto_map(raw.columns)))
    assert table["outcome"].tolist() == ["won", "open"]
    assert table["employees"].tolist() == [5.5, 250.0]


# --- real exports' headers, outcomes and units ----------------------------------------------

@pytest.mark.parametrize("header, key", [
    ("sector", "industry"), ("Business Segment", "industry"), ("vertical", "industry"),
    ("office_location", "country"), ("BillingCountry", "country"),
    ("engage_date", "created"), ("first_contact_date", "created"), ("Created On", "created"),
    ("opportunity_id", "record_id"), ("Prospect ID", "record_id"), ("mql_id", "record_id"),
    ("account", "company"), ("Account Name", "company"),
    ("close_value", "amount"), ("Deal Value", "amount"),
    ("origin", "lead_source"), ("Lead Channel", "lead_source"),
    ("Pipeline Stage", "deal_stage"), ("headcount", "employees"), ("Turnover", "annual_revenue"),
])
def test_the_usual_names_of_real_exports_are_mapped(header, key):
    assert auto_map([header]) == {header: key}


@pytest.mark.parametrize("header", [
    "Page Views Per Visit", "Avg. Page Views", "Average Deal Size", "Win Rate",
    "Email Click Rate", "Pageviews per session", "Revenue Growth", "has_company",
    "is_customer_flag_avg",
])
def test_a_ratio_or_a_flag_is_never_mapped_onto_a_field(header):
    assert auto_map([header]) == {}


@pytest.mark.parametrize("header", ["won_date", "ConvertedDate", "Became a Customer Date",
                                    "converted_at", "Date Converted", "Customer Since"])
def test_a_date_a_lead_converted_on_is_an_outcome_when_filled(header):
    raw = frame(Name=["a", "b", "c", "d"])
    raw[header] = ["2018-03-12 11:34", "", "12.03.2018", None]
    guess = suggest_outcome(raw, auto_map(raw.columns))
    assert guess == (header, [], [], True)
    assert apply_outcome(raw[header], [], [], won_when_present=True).fillna("-").tolist() == [
        "won", "-", "won", "-"]


def test_a_boolean_converted_column_beats_the_conversion_date():
    raw = frame(IsConverted=["true", "false"], ConvertedDate=["2025-01-02", ""])
    assert suggest_outcome(raw, auto_map(raw.columns))[:3] == ("IsConverted", ["true"], [])


def test_a_won_date_that_is_not_a_date_is_no_outcome():
    raw = frame(won_date=["soon", "later"])
    assert suggest_outcome(raw, {}).column is None


@pytest.mark.parametrize("header, key, values, unit", [
    ("revenue", "annual_revenue", ["1118.27", "4.54", "11698.03", "2500"], 1e6),  # not $1,118
    ("Annual Revenue", "annual_revenue", ["25000", "48000", "80000"], 1e3),
    ("Annual Revenue", "annual_revenue", ["1500000", "25000000"], None),
    ("Revenue ($M)", "annual_revenue", ["1500"], 1e6),  # the header says so ($1.5B)
    # not over whole dollars ($1.5 trillion): Excel shows 1,500,000 as "$1.5" by a format
    ("Revenue ($M)", "annual_revenue", ["1500000"], None),
    ("Revenue (000s)", "annual_revenue", ["1200", "5400"], 1e3),
    ("revenue_musd", "annual_revenue", ["12"], 1e6),
    ("Budget (k)", "budget", ["25", "40"], 1e3),
    ("Budget", "budget", ["25", "40"], None),  # only revenue is judged by its values
    ("Deal size in millions", "amount", ["1.5"], 1e6),
])
def test_money_written_in_thousands_or_millions(header, key, values, unit):
    raw = frame(X=["a"] * len(values))
    raw[header] = values
    assert suggest_units(raw, {header: key}).get(header) == unit


def test_a_unit_multiplies_the_column_and_is_kept_with_the_mapping():
    raw = frame(Company=["A", "B"], revenue=["1118,27", "4,54"])
    mapping = Mapping({"Company": "company", "revenue": "annual_revenue"},
                      units={"revenue": 1e6})
    table = apply_mapping(raw, mapping, decimal=",")
    assert table["annual_revenue"].tolist() == [1_118_270_000.0, 4_540_000.0]
    again = Mapping.from_json(mapping.to_json())
    assert again == mapping and '"revenue": 1000000' in mapping.to_json()


def test_a_mapping_without_the_new_keys_reads_as_before():
    plain = Mapping({"Industry": "industry"}, "Deal Stage", ["Won"], ["Open"])
    assert "won_when_present" not in plain.to_json() and "units" not in plain.to_json()
    assert Mapping.from_json(plain.to_json()) == plain


@pytest.mark.parametrize("text, message", [
    ('{"won_when_present": "yes"}', "must be true or false"),
    ('{"units": {"Revenue": 7}}', "1, 1000, 1000000 or 1000000000"),
    ('{"units": ["Revenue"]}', "1, 1000, 1000000 or 1000000000"),
])
def test_a_broken_saved_mapping_says_what_is_wrong(text, message):
    with pytest.raises(ValueError, match=message):
        Mapping.from_json(text)


def test_a_unit_for_a_column_the_export_lacks_is_reported():
    problems = validate(Mapping({}, units={"Revenue": 1e6}), HEADERS)
    assert problems == ['Column "Revenue" (given a unit) is not in this export.']
