"""Real-shaped CRM exports: the app's command line against a second, hand-written reading.

tests/exports/real/ holds exports shaped like the ones people bring to a workshop (written by
make_real_exports.py there: a Maven-style deal pipeline as CSV and XLSX, the X Education lead
export and its European re-save, the Olist marketing funnel with ISO and day-first dates,
Salesforce lead, report and opportunity exports, a HubSpot export, European files with decimal
commas, a home-grown CRM and a Latin-1 trade-fair file without outcomes) and one definition per
export in definitions/<export stem>.json.

For every export this module works the MQL, SQL and win figures out again in plain pandas: the
file read with explicit options (separator, decimal mark, thousands separator, encoding, date
format) and each rule of its definition written out as a pandas expression, following what the
app promises:

* MQL = no disqualifier, every MQL must-have met, points >= threshold; SQL = MQL and every SQL
  must-have met; points = met nice-to-haves + conversion actions done, each counted once;
* unknown (a blank cell or a placeholder word: Select, --None--, unknown, n/a, ...) never passes
  a must-have and never triggers a disqualifier, unless an `in`/`contains_any` criterion names
  the placeholder word itself; `not_in` is false for unknown values;
* text compares ignoring case, surrounding spaces and the difference between "_", "-" and " ";
* numbers are read with the file's decimal mark and thousands separator, currency signs ignored;
  the Maven-style `revenue` column is in millions of dollars;
* won / lost / open from the export's outcome column; open deals are left out of win rates, and
  a timestamp outcome (won_date, Became a Customer Date) means won when filled.

Nothing here imports the app's import, mapping or evaluation code: the two readings are
independent, so a difference is a bug in one of them.
"""
from __future__ import annotations

import calendar
import contextlib
import datetime as dt
import io
import json
import re
from collections.abc import Callable
from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from workshop.cli import main

REAL = Path(__file__).resolve().parent / "exports" / "real"
DEFINITIONS = REAL / "definitions"

PLACEHOLDERS = frozenset({"select", "--none--", "n/a", "na", "-", "--", "unknown", "none",
                          "null", "nan", "(blank)", "not set"})
TRUE_WORDS = frozenset({"true", "yes", "y", "1", "checked"})
FREE_MAIL = frozenset({"gmail.com", "yahoo.com", "hotmail.com", "outlook.com"})
COUNT_FIELDS = frozenset({"demo_requested", "pricing_page_visits", "webinars_attended",
                          "content_downloads", "form_submissions", "email_clicks", "page_views"})


# --- the rules, in plain pandas ----------------------------------------------------------------

def fold_text(value: str) -> str:
    return re.sub(r"[\s_\-]+", " ", value.casefold()).strip()


def words(column: pd.Series) -> pd.Series:
    """The cells as stripped text, blank cells as ""."""
    return column.astype("string").fillna("").str.strip()


def folded(column: pd.Series) -> pd.Series:
    return words(column).str.casefold().str.replace(r"[\s_\-]+", " ", regex=True).str.strip()


def is_placeholder(column: pd.Series) -> pd.Series:
    return words(column).str.casefold().isin(PLACEHOLDERS).astype(bool)


def known(column: pd.Series) -> pd.Series:
    """Neither blank nor a placeholder word."""
    return ((words(column) != "") & ~is_placeholder(column)).astype(bool)


def named_or_known(column: pd.Series, values: list[str]) -> pd.Series:
    """Known, or a placeholder word the criterion names itself."""
    named = {v.strip().casefold() for v in values}
    return (known(column) | words(column).str.casefold().isin(named)).astype(bool)


def one_of(column: pd.Series, values: list[str]) -> pd.Series:
    """`in`."""
    hit = folded(column).isin({fold_text(v) for v in values})
    return (hit & named_or_known(column, values)).astype(bool)


def none_of(column: pd.Series, values: list[str]) -> pd.Series:
    """`not_in`: only known values outside the list."""
    hit = folded(column).isin({fold_text(v) for v in values})
    return (~hit & known(column)).astype(bool)


def contains_any(column: pd.Series, values: list[str]) -> pd.Series:
    """`contains_any`: a substring of the folded text."""
    text = folded(column)
    hit = pd.Series(False, index=column.index)
    for value in values:
        hit |= text.str.contains(fold_text(value), regex=False).astype(bool)
    return (hit & named_or_known(column, values)).astype(bool)


def truthy(column: pd.Series) -> pd.Series:
    """`is_true`, or a yes/no conversion action done."""
    return words(column).str.casefold().isin(TRUE_WORDS).astype(bool)


def points(*parts: tuple[int, pd.Series]) -> pd.Series:
    total = pd.Series(0, index=parts[0][1].index)
    for value, met in parts:
        total += value * met.fillna(False).astype(bool).astype(int)
    return total


def expected(mql: pd.Series, sql: pd.Series, outcome: pd.Series | None,
             created: pd.Series | None) -> pd.DataFrame:
    """One row per lead: is it an MQL / SQL, won / lost / open (NA for an export without
    outcomes), its created day and month (NA when undated)."""
    frame = pd.DataFrame({
        "mql": mql.fillna(False).astype(bool), "sql": sql.fillna(False).astype(bool),
        "outcome": pd.NA if outcome is None else outcome,
        "day": pd.NaT if created is None else created.dt.normalize(),
        "month": pd.NA if created is None else created.dt.strftime("%Y-%m"),
    })
    assert (frame["sql"] <= frame["mql"]).all()
    share = frame["mql"].mean()
    assert 0.03 <= share <= 0.80, f"the definition qualifies {share:.0%} of the leads"
    assert frame["sql"].sum() > 0
    if outcome is not None:
        assert frame["outcome"].isin(["won", "lost", "open"]).all(), "an outcome was not read"
        assert (frame["outcome"] == "won").sum() > 30, "too few wins to measure anything"
    return frame


def figures(frame: pd.DataFrame) -> dict:
    """What `evaluate` prints: the win figures only when the export has a win."""
    result = {"rows": len(frame), "mql": int(frame["mql"].sum()),
              "sql": int(frame["sql"].sum())}
    won = (frame["outcome"] == "won").fillna(False).astype(bool)
    if won.any():
        decided_mql = frame["mql"] & (frame["outcome"] != "open")
        result.update({
            "wins": int(won.sum()),
            "share_of_wins_caught": (frame["mql"] & won).sum() / won.sum(),
            "mql_win_rate": (frame["mql"] & won).sum() / decided_mql.sum(),
        })
    return result


def qualified_a_month(frame: pd.DataFrame) -> float:
    """MQLs over the months the created days span, each month counting for the share of its
    days from the first lead's day to the last lead's."""
    days = frame["day"].dropna()
    first, last = days.min().date(), days.max().date()
    covered, day = 0.0, first
    while day <= last:
        length = calendar.monthrange(day.year, day.month)[1]
        until = min(dt.date(day.year, day.month, length), last)
        covered += ((until - day).days + 1) / length
        day = until + dt.timedelta(days=1)
    return float(frame.loc[frame["day"].notna(), "mql"].sum()) / covered


def per_month(frame: pd.DataFrame) -> list[dict]:
    dated = frame[frame["month"].notna()]
    table = dated.groupby("month").agg(mql=("mql", "sum"), sql=("sql", "sum")).sort_index()
    return [{"month": month, "mql": int(row.mql), "sql": int(row.sql)}
            for month, row in table.iterrows()]


def read_csv(name: str, **options) -> pd.DataFrame:
    """Blank cells missing, every other text (placeholder words too) kept as written."""
    return pd.read_csv(REAL / name, keep_default_na=False, na_values=[""], **options)


def stage_outcome(stage: pd.Series, won: list[str], lost: list[str]) -> pd.Series:
    """A deal stage: the won and lost stages are decided, a blank stage counts as decided and
    not won, every other stage is open."""
    decided_lost = stage.isin(lost) | ~known(stage)
    return pd.Series(np.select([stage.isin(won), decided_lost], ["won", "lost"], "open"),
                     index=stage.index)


def filled_outcome(timestamp: pd.Series) -> pd.Series:
    """A timestamp whose presence means won: blank is not won."""
    return pd.Series(np.where(timestamp.notna(), "won", "lost"), index=timestamp.index)


# --- one expectation per export --------------------------------------------------------------

def read_b2b_pipeline_csv() -> pd.DataFrame:
    leads = read_csv("b2b_pipeline.csv", sep=",", decimal=".", encoding="utf-8",
                     dtype={"opportunity_id": str})
    leads["engage_date"] = pd.to_datetime(leads["engage_date"], format="%Y-%m-%d")
    return leads


def read_b2b_pipeline_xlsx() -> pd.DataFrame:
    return pd.read_excel(REAL / "b2b_pipeline.xlsx", engine="openpyxl",
                         keep_default_na=False, na_values=[""], dtype={"opportunity_id": str})


def b2b_pipeline_rules(leads: pd.DataFrame) -> pd.DataFrame:
    assert leads["revenue"].median() < 10_000  # the export gives revenue in millions
    disqualified = one_of(leads["office_location"], ["Kenya", "Jordan", "Panama"])
    industry = one_of(leads["sector"],
                      ["technolgy", "Software", "telecommunications", "finance", "Medical"])
    revenue_dollars = leads["revenue"] * 1_000_000
    score = points(
        (10, leads["employees"].between(100, 20_000)),
        (15, one_of(leads["product"], ["GTX Pro", "GTX Plus Pro", "GTK 500", "MG Advanced"])))
    mql = ~disqualified & industry & (score >= 10)
    sql = mql & (revenue_dollars >= 1_000_000_000)
    assert (leads["sector"] == "technolgy").sum() > 0 and disqualified.sum() > 0
    outcome = stage_outcome(leads["deal_stage"], ["Won"], ["Lost"])
    assert set(leads.loc[outcome == "open", "deal_stage"]) == {"Prospecting", "Engaging"}
    return expected(mql, sql, outcome, leads["engage_date"])


def read_online_education(name: str) -> pd.DataFrame:
    if name.endswith("_eu.csv"):
        return read_csv(name, sep=";", decimal=",", encoding="latin-1")
    return read_csv(name, sep=",", decimal=".", encoding="utf-8")


def online_education_rules(leads: pd.DataFrame) -> pd.DataFrame:
    assert (leads["City"] == "Bogotá").sum() > 0
    assert leads["Page Views Per Visit"].dtype == float
    disqualified = (none_of(leads["Country"], ["India"])
                    | one_of(leads["Specialization"], ["Select"])
                    | truthy(leads["Do Not Email"]))
    source = one_of(leads["Lead Source"], ["Google", "Organic search", "Reference",
                                           "Welingak Website", "Direct traffic"])
    score = points(
        (10, leads["Page Views Per Visit"] >= 2.5),
        (10, leads["Total Time Spent on Website"] >= 600),
        (5, truthy(leads["A free copy of Mastering The Interview"])))
    mql = ~disqualified & source & (score >= 10)
    sql = mql & one_of(leads["Lead Quality"], ["High in Relevance", "Might be"])
    # the placeholder named by a criterion matches; elsewhere a placeholder is unknown
    assert one_of(leads["Specialization"], ["Select"]).sum() > 100
    assert (leads["Country"] == "unknown").sum() > 0
    assert not none_of(leads["Country"], ["India"])[leads["Country"] == "unknown"].any()
    assert (leads["Lead Source"] == "google").sum() > 0 and source[
        leads["Lead Source"] == "google"].all()
    outcome = leads["Converted"].map({1: "won", 0: "lost"})
    return expected(mql, sql, outcome, None)


def read_marketing_funnel(name: str) -> pd.DataFrame:
    leads = read_csv(name, sep=",", decimal=".", encoding="utf-8", dtype=str)
    if name.endswith("_dayfirst.csv"):
        leads["first_contact_date"] = pd.to_datetime(leads["first_contact_date"],
                                                     format="%d-%m-%Y")
        leads["won_date"] = pd.to_datetime(leads["won_date"], format="%d-%m-%Y %H:%M")
    else:
        leads["first_contact_date"] = pd.to_datetime(leads["first_contact_date"],
                                                     format="%Y-%m-%d")
        leads["won_date"] = pd.to_datetime(leads["won_date"], format="%Y-%m-%d %H:%M:%S")
    return leads


def marketing_funnel_rules(leads: pd.DataFrame) -> pd.DataFrame:
    source = one_of(leads["origin"], ["Organic search", "paid_search", "Social", "email",
                                      "referral", "direct_traffic", "unknown"])
    disqualified = one_of(leads["lead_type"], ["other", "online_beginner"])
    score = points(
        (20, one_of(leads["business_segment"], [
            "Health beauty", "home_decor", "Car accessories", "household_utilities",
            "audio video electronics", "computers", "construction_tools_house_garden"])),
        (10, one_of(leads["lead_type"], ["online_big", "online_top", "Industry"])))
    mql = ~disqualified & source & (score >= 15)
    sql = mql & one_of(leads["business_type"], ["reseller"])
    assert (source & (leads["origin"] == "unknown")).sum() > 0  # "unknown" named literally
    assert (mql & (leads["origin"] == "unknown")).sum() > 0
    assert (leads["origin"].isna()).sum() > 0 and not source[leads["origin"].isna()].any()
    outcome = filled_outcome(leads["won_date"])
    return expected(mql, sql, outcome, leads["first_contact_date"])


def salesforce_leads() -> pd.DataFrame:
    leads = read_csv("salesforce_leads.csv", sep=",", decimal=".", encoding="utf-8",
                     dtype={"Id": str, "Phone": str, "IsConverted": str})
    assert leads["AnnualRevenue"].dtype == float  # 2.5E7 and 20250000 alike
    domain = words(leads["Email"]).str.split("@").str[-1].str.casefold()
    disqualified = (contains_any(leads["Title"], ["student", "intern"])
                    | domain.isin(FREE_MAIL))
    title = contains_any(leads["Title"], ["CFO", "Finance", "Controller", "Treasurer",
                                          "Accounting", "Accounts Payable"])
    score = points(
        (10, leads["AnnualRevenue"].between(10_000_000, 1_000_000_000)),
        (10, one_of(leads["LeadSource"], ["Web", "Partner referral"])),
        (10, one_of(leads["Rating"], ["Hot", "Warm"])))
    mql = ~disqualified & title & (score >= 10)
    sql = mql & none_of(leads["Industry"], ["Education", "Government", "Not For Profit"])
    assert (leads["Industry"] == "--None--").sum() > 50 and domain.isin(FREE_MAIL).sum() > 30
    # The Status tells the leads still being worked (open) from those closed without a sale;
    # IsConverted, beside it, only says converted or not.
    outcome = leads["Status"].map({"Closed - Converted": "won",
                                   "Closed - Not Converted": "lost"}).fillna("open")
    assert ((outcome == "won") == (leads["IsConverted"] == "true")).all()
    assert ((outcome == "won") == leads["ConvertedDate"].notna()).all()
    assert leads["Status"].str.startswith(("Open", "Working")).sum() > 400
    created = pd.to_datetime(leads["CreatedDate"], format="%Y-%m-%dT%H:%M:%S.%fZ")
    return expected(mql, sql, outcome, created)


def salesforce_report() -> pd.DataFrame:
    leads = read_csv("salesforce_report.csv", sep=",", decimal=".", thousands=",",
                     encoding="utf-8", dtype={"Annual Revenue": str})
    assert leads["Employees"].max() > 1_000  # "1,200" read as 1200
    revenue = pd.to_numeric(words(leads["Annual Revenue"]).str.replace("$", "", regex=False)
                            .str.replace(",", "", regex=False), errors="coerce")
    disqualified = (one_of(leads["Lead Source"], ["--None--"])
                    | none_of(leads["Country"], ["United States", "Canada"]))
    score = points(
        (10, revenue >= 5_000_000),
        (10, one_of(leads["Industry"], ["Technology", "Banking", "Insurance", "Healthcare"])))
    mql = ~disqualified & leads["Employees"].between(50, 5_000) & (score >= 10)
    sql = mql & contains_any(leads["Title"], ["Chief", "VP", "Director", "Head", "Controller",
                                              "CFO"])
    assert one_of(leads["Lead Source"], ["--None--"]).sum() > 50
    assert (leads["Industry"] == "--None--").sum() > 50  # unknown to the Industry rule
    created = pd.to_datetime(leads["Create Date"], format="%m/%d/%Y")
    assert (created.dt.day > 12).sum() > 0
    # Salesforce's newer statuses name no conversion; "Converted" says which leads did, the
    # status which of the rest are closed ("Unqualified") or still being worked (open).
    converted = leads["Converted"] == 1
    assert (converted == (leads["Lead Status"] == "Qualified")).all()
    outcome = pd.Series(np.select([converted, leads["Lead Status"] == "Unqualified"],
                                  ["won", "lost"], "open"), index=leads.index)
    assert (outcome == "open").sum() > 400
    return expected(mql, sql, outcome, created)


def hubspot_contacts_all() -> pd.DataFrame:
    leads = read_csv("hubspot_contacts_all.csv", sep=",", decimal=".", encoding="utf-8",
                     dtype={"Record ID": str, "Phone Number": str})
    disqualified = one_of(leads["Lead Status"], ["UNQUALIFIED"])
    industry = one_of(leads["Industry"], ["COMPUTER_SOFTWARE", "Financial services",
                                          "INFORMATION_TECHNOLOGY_AND_SERVICES", "Accounting"])
    score = points(
        (10, one_of(leads["Original Source"], ["ORGANIC_SEARCH", "Referrals", "Paid search"])),
        (5, leads["Number of Sessions"] >= 5),
        (10, leads["Number of Form Submissions"] > 0))
    mql = ~disqualified & industry & (score >= 10)
    sql = mql & (leads["Number of Employees"] >= 50)
    assert (leads["Industry"] == "FINANCIAL_SERVICES").sum() > 0 and industry[
        leads["Industry"] == "FINANCIAL_SERVICES"].all()
    became_customer = pd.to_datetime(leads["Became a Customer Date"], format="%Y-%m-%d %H:%M")
    outcome = filled_outcome(became_customer)
    created = pd.to_datetime(leads["Create Date"], format="%Y-%m-%d %H:%M")
    return expected(mql, sql, outcome, created)


def european_deals() -> pd.DataFrame:
    leads = read_csv("european_deals.csv", sep=";", decimal=",", thousands=".",
                     encoding="utf-8-sig",
                     dtype={"Deal ID": str, "Create Date": str, "Close Date": str})
    assert leads["Employees"].max() > 1_000 and leads["Amount"].dtype == float
    disqualified = one_of(leads["Industry"], ["Public sector"])
    score = points(
        (15, leads["Amount"] >= 25_000),
        (10, one_of(leads["Industry"], ["Manufacturing", "Logistics", "Software"])),
        (5, one_of(leads["Country"], ["Germany", "Austria", "Switzerland", "Netherlands"])))
    mql = ~disqualified & leads["Employees"].between(200, 5_000) & (score >= 15)
    sql = mql & (leads["Annual Revenue"] >= 10_000_000)
    outcome = stage_outcome(leads["Deal Stage"], ["Closed Won"], ["Closed Lost"])
    assert leads["Deal Stage"].isna().sum() > 0  # no stage: decided, not won
    created = pd.to_datetime(leads["Create Date"], format="%d.%m.%Y")
    return expected(mql, sql, outcome, created)


def european_tab_no_thousands() -> pd.DataFrame:
    leads = read_csv("european_tab_no_thousands.tsv", sep="\t", decimal=",", encoding="utf-8",
                     dtype={"Lead ID": str, "Lead Score": str})
    assert leads["Budget"].dtype == float
    # "n/a" among the scores: not a number, so unknown
    assert (leads["Lead Score"] == "n/a").sum() > 0
    leads["Lead Score"] = pd.to_numeric(leads["Lead Score"].str.replace(",", ".", regex=False),
                                        errors="coerce")
    disqualified = leads["Headcount"] <= 5
    score = points(
        (10, one_of(leads["Sector"], ["Software", "Financial services", "Healthcare"])),
        (10, leads["Headcount"].between(20, 2_000)))
    mql = ~disqualified & (leads["Lead Score"] >= 70) & (score >= 10)
    sql = mql & (leads["Budget"] >= 10_000)
    outcome = leads["Won"].map({"yes": "won", "no": "lost"})
    created = pd.to_datetime(leads["Created"], format="%Y-%m-%d")
    return expected(mql, sql, outcome, created)


def opportunities_open_stages() -> pd.DataFrame:
    leads = read_csv("opportunities_open_stages.csv", sep=",", decimal=".", encoding="utf-8",
                     dtype={"Id": str})
    disqualified = leads["NumberOfEmployees"] <= 10
    score = points(
        (10, leads["Amount"] >= 20_000),
        (10, one_of(leads["LeadSource"], ["Partner referral", "Web"])))
    mql = (~disqualified & contains_any(leads["Type"], ["New Customer", "Upgrade"])
           & none_of(leads["Industry"], ["Government", "Education", "Not For Profit"])
           & (score >= 10))
    sql = mql & (leads["Probability"] >= 50)
    outcome = stage_outcome(leads["StageName"], ["Closed Won"], ["Closed Lost"])
    assert 0.3 < (outcome == "open").mean() < 0.7
    created = pd.to_datetime(leads["CreatedDate"], format="%Y-%m-%dT%H:%M:%S.%fZ")
    return expected(mql, sql, outcome, created)


def custom_crm() -> pd.DataFrame:
    leads = read_csv("custom_crm.csv", sep=",", decimal=".", encoding="utf-8",
                     dtype={"created_at": str, "demo_booked_at": str, "webinar_attended": str})
    demo_booked = pd.to_datetime(leads["demo_booked_at"], format="%Y-%m-%dT%H:%M:%S%z",
                                 utc=True)
    disqualified = one_of(leads["country_code"], ["US", "CA"])
    score = points(
        (30, demo_booked.notna()),  # a date column as an action: done when a date is there
        (10, truthy(leads["webinar_attended"])),
        (15, leads["pricing_page_views"] > 0))
    mql = (~disqualified & one_of(leads["vertical"], ["Financial services", "healthcare",
                                                      "Software"])
           & leads["headcount"].between(50, 2_000) & (score >= 25))
    sql = mql & (leads["headcount"] >= 200)
    outcome = leads["status"].map({"won": "won", "lost": "lost", "disqualified": "lost",
                                   "new": "open", "working": "open", "nurturing": "open"})
    local = pd.to_datetime(leads["created_at"].str[:19], format="%Y-%m-%dT%H:%M:%S")
    utc = pd.to_datetime(leads["created_at"], format="%Y-%m-%dT%H:%M:%S%z", utc=True)
    assert (local.dt.strftime("%Y-%m") == utc.dt.strftime("%Y-%m")).all()  # no edge cases
    return expected(mql, sql, outcome, local)


def trade_fair_leads_latin1() -> pd.DataFrame:
    leads = read_csv("trade_fair_leads_latin1.csv", skiprows=1, sep=";", decimal=",",
                     thousands=".", encoding="latin-1", dtype={"Created": str})
    assert leads["Employees"].max() > 1_000 and leads["Annual Revenue"].dtype == float
    disqualified = (none_of(leads["Country"], ["Germany", "Austria", "Switzerland"])
                    | contains_any(leads["Job Title"], ["Student"]))
    score = points(
        (10, leads["Booth Visits"] >= 2),
        (10, leads["Annual Revenue"] >= 5_000_000),
        (20, truthy(leads["Demo Requested"])))
    mql = (~disqualified & one_of(leads["Industry"], ["Manufacturing", "Software", "Logistics"])
           & (score >= 20))
    sql = mql & (leads["Budget"] >= 10_000)
    dash = leads["Country"] == "-"  # a placeholder: unknown, so not outside the list
    assert dash.sum() > 0 and not none_of(leads["Country"], ["Germany"])[dash].any()
    created = pd.to_datetime(leads["Created"], format="%d.%m.%Y")
    return expected(mql, sql, None, created)


# export file -> (definition stem, expected rows)
EXPORTS: dict[str, tuple[str, Callable[[], pd.DataFrame]]] = {
    "b2b_pipeline.csv": ("b2b_pipeline", lambda: b2b_pipeline_rules(read_b2b_pipeline_csv())),
    "b2b_pipeline.xlsx": ("b2b_pipeline",
                          lambda: b2b_pipeline_rules(read_b2b_pipeline_xlsx())),
    "online_education_leads.csv": ("online_education_leads", lambda: online_education_rules(
        read_online_education("online_education_leads.csv"))),
    "online_education_leads_eu.csv": ("online_education_leads_eu", lambda: (
        online_education_rules(read_online_education("online_education_leads_eu.csv")))),
    "marketing_funnel.csv": ("marketing_funnel", lambda: marketing_funnel_rules(
        read_marketing_funnel("marketing_funnel.csv"))),
    "marketing_funnel_dayfirst.csv": ("marketing_funnel_dayfirst", lambda: (
        marketing_funnel_rules(read_marketing_funnel("marketing_funnel_dayfirst.csv")))),
    "salesforce_leads.csv": ("salesforce_leads", salesforce_leads),
    "salesforce_report.csv": ("salesforce_report", salesforce_report),
    "hubspot_contacts_all.csv": ("hubspot_contacts_all", hubspot_contacts_all),
    "european_deals.csv": ("european_deals", european_deals),
    "european_tab_no_thousands.tsv": ("european_tab_no_thousands", european_tab_no_thousands),
    "opportunities_open_stages.csv": ("opportunities_open_stages", opportunities_open_stages),
    "custom_crm.csv": ("custom_crm", custom_crm),
    "trade_fair_leads_latin1.csv": ("trade_fair_leads_latin1", trade_fair_leads_latin1),
}
DATED = [name for name in EXPORTS if not name.startswith("online_education")]


@cache
def expectation(name: str) -> pd.DataFrame:
    return EXPORTS[name][1]()


# --- the app's command line ------------------------------------------------------------------

def run(capsys, *argv: str) -> tuple[int, str, str]:
    try:
        code = main(list(argv))
    except SystemExit as stop:  # argparse refusing an option
        code = stop.code
    out, err = capsys.readouterr()
    return code, out, err


def evaluate(capsys, name: str, *options: str) -> dict:
    definition = DEFINITIONS / f"{EXPORTS[name][0]}.json"
    code, out, err = run(capsys, "evaluate", "--leads", str(REAL / name), "--definition",
                         str(definition), *options)
    assert code == 0, err
    return json.loads(out)


@cache
def inspect(name: str) -> dict:
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()) as err:
        code = main(["inspect", "--leads", str(REAL / name)])
    assert code == 0, err.getvalue()
    return json.loads(out.getvalue())


def headline(summary: dict) -> dict:
    return {key: summary.get(key) for key in ("rows", "mql", "sql", "wins",
                                              "share_of_wins_caught", "mql_win_rate")}


# --- the tests ---------------------------------------------------------------------------------

def test_the_corpus_is_complete_and_small():
    for name, (stem, _) in EXPORTS.items():
        path = REAL / name
        assert path.stat().st_size < 400_000, name
        assert (DEFINITIONS / f"{stem}.json").is_file(), stem
    for name in EXPORTS:
        rows = len(expectation(name))
        assert 300 <= rows <= 2_000, (name, rows)


@pytest.mark.parametrize("name", list(EXPORTS))
def test_evaluate_gives_the_hand_worked_figures(capsys, name):
    want = figures(expectation(name))
    got = evaluate(capsys, name)
    assert (got["rows"], got["mql"], got["sql"]) == (want["rows"], want["mql"], want["sql"])
    assert got.get("wins") == want.get("wins")
    if "wins" not in want:  # no outcome column: no win figures at all
        assert "share_of_wins_caught" not in got and "mql_win_rate" not in got
        return
    assert got["share_of_wins_caught"] == pytest.approx(want["share_of_wins_caught"], abs=1e-4)
    assert got["mql_win_rate"] == pytest.approx(want["mql_win_rate"], abs=1e-4)


@pytest.mark.parametrize("original, resaved", [
    ("online_education_leads.csv", "online_education_leads_eu.csv"),
    ("marketing_funnel.csv", "marketing_funnel_dayfirst.csv"),
    ("b2b_pipeline.csv", "b2b_pipeline.xlsx"),
])
def test_a_resaved_copy_gives_the_same_figures(capsys, original, resaved):
    assert figures(expectation(original)) == figures(expectation(resaved))
    assert headline(evaluate(capsys, resaved)) == headline(evaluate(capsys, original))


def test_day_first_copy_gives_the_same_months(capsys):
    months = per_month(expectation("marketing_funnel.csv"))
    assert months == per_month(expectation("marketing_funnel_dayfirst.csv"))
    days = pd.read_csv(REAL / "marketing_funnel_dayfirst.csv", usecols=["first_contact_date"],
                       dtype=str)["first_contact_date"].str[:2].astype(int)
    assert (days <= 12).mean() >= 0.3 and (days > 12).any()
    iso = evaluate(capsys, "marketing_funnel.csv", "--by-month")["by_month"]
    day_first = evaluate(capsys, "marketing_funnel_dayfirst.csv", "--by-month")["by_month"]
    assert day_first == iso == months


@pytest.mark.parametrize("name", DATED)
def test_by_month_counts_on_the_created_date(capsys, name):
    want = per_month(expectation(name))
    assert len(want) >= 8 and sum(m["mql"] for m in want) > 0
    summary = evaluate(capsys, name, "--by-month")
    assert summary["by_month"] == want
    assert (summary["mql"], summary["sql"]) == (expectation(name)["mql"].sum(),
                                                expectation(name)["sql"].sum())


def test_by_month_without_a_date_column_says_so(capsys):
    summary = evaluate(capsys, "online_education_leads.csv", "--by-month")
    assert summary["by_month"] is None
    assert isinstance(summary.get("by_month_note"), str) and summary["by_month_note"].strip()


def test_a_column_the_file_lacks_is_named(capsys, tmp_path):
    definition = json.loads((DEFINITIONS / "custom_crm.json").read_text(encoding="utf-8"))
    definition["criteria"].append({"field": "Budget Approved", "op": "is_true",
                                   "role": "must", "gate": "sql"})
    path = tmp_path / "definition.json"
    path.write_text(json.dumps(definition), encoding="utf-8")
    code, out, err = run(capsys, "evaluate", "--leads", str(REAL / "custom_crm.csv"),
                         "--definition", str(path))
    assert code == 2 and out == ""
    assert "Budget Approved" in err and "Traceback" not in err


# --- automatic mapping (`inspect`): one test per column, so each wrong mapping shows --------

MAPPED = [
    ("b2b_pipeline.csv", "opportunity_id", "record_id"),
    ("b2b_pipeline.csv", "account", "company"),
    ("b2b_pipeline.csv", "deal_stage", "deal_stage"),
    ("b2b_pipeline.csv", "engage_date", "created"),
    ("b2b_pipeline.csv", "close_value", "amount"),
    ("b2b_pipeline.csv", "sector", "industry"),
    ("b2b_pipeline.csv", "revenue", "annual_revenue"),
    ("b2b_pipeline.csv", "employees", "employees"),
    ("b2b_pipeline.csv", "office_location", "country"),
    ("online_education_leads.csv", "Prospect ID", "record_id"),
    ("online_education_leads.csv", "Lead Source", "lead_source"),
    ("online_education_leads.csv", "Country", "country"),
    ("marketing_funnel.csv", "mql_id", "record_id"),
    ("marketing_funnel.csv", "first_contact_date", "created"),
    ("marketing_funnel.csv", "origin", "lead_source"),
    ("marketing_funnel.csv", "business_segment", "industry"),
    ("salesforce_leads.csv", "Id", "record_id"),
    ("salesforce_leads.csv", "Company", "company"),
    ("salesforce_leads.csv", "Title", "job_title"),
    ("salesforce_leads.csv", "Email", "email"),
    ("salesforce_leads.csv", "LeadSource", "lead_source"),
    ("salesforce_leads.csv", "Status", "lead_status"),
    ("salesforce_leads.csv", "Industry", "industry"),
    ("salesforce_leads.csv", "AnnualRevenue", "annual_revenue"),
    ("salesforce_leads.csv", "NumberOfEmployees", "employees"),
    ("salesforce_leads.csv", "Country", "country"),
    ("salesforce_leads.csv", "CreatedDate", "created"),
]


@pytest.mark.parametrize("name, header, key", MAPPED)
def test_column_is_mapped_automatically(name, header, key):
    assert inspect(name)["mapping"]["columns"].get(header) == key


def test_maven_revenue_is_read_as_millions():
    assert inspect("b2b_pipeline.csv")["mapping"].get("units") == {"revenue": 1_000_000}


def test_maven_outcome_is_the_deal_stage_with_open_stages():
    mapping = inspect("b2b_pipeline.csv")["mapping"]
    assert mapping["outcome_column"] == "deal_stage"
    assert {v.casefold() for v in mapping["won_values"]} == {"won"}
    assert {v.casefold() for v in mapping["open_values"]} == {"prospecting", "engaging"}
    assert mapping.get("won_when_present", False) is False


def test_x_education_outcome_is_converted():
    mapping = inspect("online_education_leads.csv")["mapping"]
    assert mapping["outcome_column"] == "Converted"
    assert mapping["won_values"] and {v.casefold() for v in mapping["won_values"]} <= {
        "1", "1.0", "true"}
    assert mapping.get("won_when_present", False) is False


def test_page_views_per_visit_is_not_a_count():
    columns = inspect("online_education_leads.csv")["mapping"]["columns"]
    assert columns.get("Page Views Per Visit") not in COUNT_FIELDS


def test_olist_outcome_is_the_won_date():
    mapping = inspect("marketing_funnel.csv")["mapping"]
    assert mapping["outcome_column"] == "won_date"
    assert mapping.get("won_when_present") is True


def test_salesforce_outcome_is_the_status_beside_is_converted():
    """The Status names the conversions IsConverted flags, and also the leads still being
    worked: it is the outcome, with those open."""
    mapping = inspect("salesforce_leads.csv")["mapping"]
    assert mapping["outcome_column"] == "Status"
    assert mapping["won_values"] == ["Closed - Converted"]
    assert sorted(mapping["open_values"]) == ["Open - Not Contacted", "Working - Contacted"]


def test_hubspot_outcome_is_the_customer_date():
    mapping = inspect("hubspot_contacts_all.csv")["mapping"]
    assert mapping["outcome_column"] == "Became a Customer Date"
    assert mapping.get("won_when_present") is True


@pytest.mark.parametrize("name, header, order", [
    ("marketing_funnel.csv", "first_contact_date", "year-first"),
    ("marketing_funnel_dayfirst.csv", "first_contact_date", "day-first"),
    ("marketing_funnel_dayfirst.csv", "won_date", "day-first"),
    ("salesforce_report.csv", "Create Date", "month-first"),
    ("european_deals.csv", "Create Date", "day-first"),
    ("trade_fair_leads_latin1.csv", "Created", "day-first"),
])
def test_date_order_is_detected(name, header, order):
    dates = inspect(name).get("dates") or {}
    assert dates.get(header, {}).get("order") == order
    assert dates[header].get("ambiguous") is False
