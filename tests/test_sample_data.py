"""The demo export: shaped like a real HubSpot export, and hiding a relationship worth finding."""
from __future__ import annotations

import io
import re

import pandas as pd
import pytest

from workshop import catalog, sample_data
from workshop.sample_data import COMPETITORS, OUTPUT_PATH, PERSONAL_DOMAINS, TITLES, generate_leads

HEADERS = [
    "Record ID", "First Name", "Last Name", "Email", "Company Name", "Industry",
    "Number of Employees", "Annual Revenue", "Country/Region", "Job Title", "Buying Role",
    "Budget Confirmed", "Purchase Timeline (Months)", "Primary Pain", "Original Source",
    "Lifecycle Stage", "Create Date", "Number of Pageviews", "Number of Form Submissions",
    "Demo Requested", "Pricing Page Visits", "Webinars Attended", "Content Downloads",
    "Email Clicks", "Deal Stage", "Amount",
]
PLACEHOLDERS = {"Select", "--None--", "N/A", "unknown", "-", ""}
COUNTS = ["Number of Pageviews", "Number of Form Submissions", "Pricing Page Visits",
          "Webinars Attended", "Content Downloads", "Email Clicks"]


@pytest.fixture(scope="module")
def leads() -> pd.DataFrame:
    return generate_leads()


@pytest.fixture(scope="module")
def won(leads) -> pd.Series:
    return leads["Deal Stage"].eq("Closed Won")


def test_same_seed_same_leads_other_seed_other_leads():
    first, again = generate_leads(400, seed=7), generate_leads(400, seed=7)
    pd.testing.assert_frame_equal(first, again)
    assert not first.equals(generate_leads(400, seed=8))


def test_headers_and_row_count(leads):
    assert list(leads.columns) == HEADERS
    assert len(leads) == 6000
    assert len(generate_leads(250)) == 250
    assert leads["Record ID"].is_unique


def test_create_dates_cover_the_twelve_months_in_iso_format(leads):
    text = leads["Create Date"]
    assert text.str.fullmatch(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}").all()
    dates = pd.to_datetime(text, format="%Y-%m-%d %H:%M")
    assert dates.min() >= pd.Timestamp("2025-11-01")
    assert dates.max() <= pd.Timestamp("2026-10-31 23:59")
    assert dates.dt.to_period("M").nunique() == 12


@pytest.mark.parametrize("column, options", [
    ("Industry", catalog.INDUSTRIES),
    ("Buying Role", catalog.BUYING_ROLES),
    ("Primary Pain", sample_data.PAINS),
    ("Country/Region", catalog.COUNTRIES),
    ("Original Source", catalog.LEAD_SOURCES),
    ("Lifecycle Stage", catalog.LIFECYCLE_STAGES),
])
def test_categories_are_catalog_values_with_a_little_mess(leads, column, options):
    values = leads[column]
    folded = {o.casefold() for o in options}
    assert (values.isin(options) | values.isin(PLACEHOLDERS)
            | values.str.casefold().isin(folded)).all()
    case_variants = ~values.isin(options) & values.str.casefold().isin(folded)
    placeholders = values.isin(PLACEHOLDERS - {""})
    assert case_variants.sum() > 0 and placeholders.sum() > 0
    assert (case_variants | placeholders).mean() < 0.05
    assert values.isin(options).mean() > 0.75


def test_company_size_and_revenue_take_the_shapes_real_exports_take(leads):
    employees = leads["Number of Employees"]
    buckets = employees.str.fullmatch(r"[\d,]+-[\d,]+|10,001\+")
    plain = employees.str.fullmatch(r"\d+")
    assert 0.25 < buckets.mean() < 0.35
    assert plain.mean() > 0.6
    assert set(employees[buckets]) <= {"1-10", "11-50", "51-200", "201-500", "501-1,000",
                                       "1,001-5,000", "5,001-10,000", "10,001+"}
    revenue = leads["Annual Revenue"]
    assert revenue.str.fullmatch(r"\$[\d.]+[KMB]").sum() > 100
    assert revenue.eq("").sum() > 100
    assert revenue.str.fullmatch(r"\d+").mean() > 0.5


def test_budget_and_timeline_are_known_for_few_and_plausible(leads):
    timeline = leads["Purchase Timeline (Months)"].dropna()
    assert timeline.between(1, 24).all()
    assert leads["Purchase Timeline (Months)"].isna().mean() > 0.4
    assert leads["Budget Confirmed"].isna().mean() > 0.6
    assert (leads["Budget Confirmed"].dropna() > 0).all()


def test_engagement_counts_are_integers_and_demo_is_yes_no(leads):
    for column in COUNTS:
        assert pd.api.types.is_integer_dtype(leads[column]), column
        assert (leads[column] >= 0).all()
    assert set(leads["Demo Requested"]) == {"Yes", "No"}


def test_emails_are_mostly_company_domains(leads):
    domain = leads["Email"].str.split("@").str[1]
    assert leads["Email"].str.fullmatch(r"[a-z0-9.]+@[a-z0-9.]+\.[a-z]+").all()
    assert 0.07 < domain.isin(PERSONAL_DOMAINS).mean() < 0.14


def test_titles_and_competitors_are_present(leads):
    titles = set(leads["Job Title"])
    for title in ("CFO", "VP Finance", "Financial Controller", "Student", "Intern",
                  "Founder & CEO", "Accounts Payable Specialist"):
        assert title in titles
    assert leads["Company Name"].isin(COMPETITORS).sum() >= 20


def test_deal_stages_and_amounts(leads, won):
    stages = leads["Deal Stage"]
    assert set(stages) == {"", "Closed Won", "Closed Lost", "Qualification", "Proposal",
                           "Negotiation"}
    assert 0.02 <= won.mean() <= 0.06
    assert 0.15 <= stages.ne("").mean() <= 0.25
    assert leads.loc[stages.eq(""), "Amount"].isna().all()
    assert leads.loc[won, "Amount"].notna().all()
    customer = leads["Lifecycle Stage"].str.casefold().isin(["customer", "evangelist"])
    assert customer[won].mean() > 0.9


def _hidden_profile(leads: pd.DataFrame) -> pd.DataFrame:
    """Function and seniority as the generator meant them (the export only has the title)."""
    by_title = {t.casefold(): (f, s) for t, f, s, _ in TITLES}
    pair = leads["Job Title"].str.casefold().map(by_title)
    return pd.DataFrame({"function": pair.str[0], "seniority": pair.str[1]}, index=leads.index)


def test_good_fit_with_intent_wins_several_times_as_often(leads, won):
    profile = _hidden_profile(leads)
    segment = (leads["Demo Requested"].eq("Yes") & profile["function"].eq("Finance")
               & leads["Buying Role"].isin(["Decision maker", "Budget holder"])
               & leads["Industry"].isin(["Software", "Financial Services", "Healthcare",
                                         "Professional Services"]))
    assert segment.sum() >= 20
    assert won[segment].mean() > 5 * won.mean()


def test_engagement_alone_wins_rarely(leads, won):
    engaged_only = ((leads["Email Clicks"] > 0) | (leads["Content Downloads"] > 0)) \
        & leads["Demo Requested"].eq("No") & leads["Pricing Page Visits"].eq(0)
    assert engaged_only.mean() > 0.5  # plentiful...
    assert won[engaged_only].mean() < 0.5 * won.mean()  # ...but rarely won
    demo = leads["Demo Requested"].eq("Yes")
    assert won[demo].mean() > 4 * won.mean()


def test_students_personal_emails_and_competitors_never_win(leads, won):
    profile = _hidden_profile(leads)
    student = profile["seniority"].eq("Student")
    personal = leads["Email"].str.split("@").str[1].isin(PERSONAL_DOMAINS)
    competitor = leads["Company Name"].isin(COMPETITORS)
    assert student.sum() > 100 and personal.sum() > 300
    assert not won[student | personal | competitor].any()
    assert won.sum() > 100


def test_recent_leads_more_often_have_open_deals(leads):
    created = pd.to_datetime(leads["Create Date"])
    open_deal = leads["Deal Stage"].isin(["Qualification", "Proposal", "Negotiation"])
    recent = created >= pd.Timestamp("2026-09-01")
    assert open_deal[recent].mean() > 5 * open_deal[~recent].mean()


def test_shipped_csv_is_the_generated_export():
    buffer = io.StringIO()
    generate_leads().to_csv(buffer, index=False)
    shipped = OUTPUT_PATH.read_text(encoding="utf-8")
    assert shipped.splitlines()[0] == ",".join(f'"{h}"' if re.search(r"[,\"]", h) else h
                                               for h in HEADERS)
    assert shipped == buffer.getvalue(), "data/sample_leads.csv is stale: run main()"
    assert len(shipped.splitlines()) == 6001
