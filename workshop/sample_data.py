"""A fictional CRM export of "Lumen Ledger" (finance-operations software) for the workshop.

The workshop needs evidence that different ideal-lead definitions really differ: in how many leads
they pass and in how often those leads were won. So the generator hides a plausible relationship
in the data — good fit plus strong buying intent wins, e-mail clicks alone rarely do, students,
personal e-mail addresses and competitors never do — and dresses it in the shapes real exports
take (size buckets, "$1.5M", placeholders, case variants, blanks), so that the import code is
exercised on the same file the demo shows.

Run `python -m workshop.sample_data` to rewrite `data/sample_leads.csv`.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from workshop.catalog import (
    BUYING_ROLES,
    COUNTRIES,
    INDUSTRIES,
    LEAD_SOURCES,
    LIFECYCLE_STAGES,
)

COLUMNS = (
    "Record ID", "First Name", "Last Name", "Email", "Company Name", "Industry",
    "Number of Employees", "Annual Revenue", "Country/Region", "Job Title", "Buying Role",
    "Budget Confirmed", "Purchase Timeline (Months)", "Primary Pain", "Original Source",
    "Lifecycle Stage", "Create Date", "Number of Pageviews", "Number of Form Submissions",
    "Demo Requested", "Pricing Page Visits", "Webinars Attended", "Content Downloads",
    "Email Clicks", "Deal Stage", "Amount",
)
START = pd.Timestamp("2025-11-01")
END = pd.Timestamp("2026-10-31 23:59")
OUTPUT_PATH = Path(__file__).resolve().parent.parent / "data" / "sample_leads.csv"

# Vendors in the same market: they request demos and read the pricing page, and never buy.
COMPETITORS = ("Closewise", "LedgerLoop", "Reconcilia", "TallyForge")
PERSONAL_DOMAINS = ("gmail.com", "yahoo.com", "outlook.com", "hotmail.com", "icloud.com",
                    "aol.com", "proton.me", "gmx.de")
PLACEHOLDERS = ("Select", "--None--", "N/A", "unknown", "-")
TARGET_INDUSTRIES = ("Software", "Financial Services", "Healthcare", "Professional Services")
# The demo company's own pains (finance-operations software), not the catalog's neutral list.
PAINS = (
    "Slow month-end close", "Manual reconciliation", "Poor cash visibility",
    "Audit and compliance risk", "Spreadsheet errors", "Scaling finance team",
)
TARGET_PAINS = ("Slow month-end close", "Manual reconciliation")
EMPLOYEE_BUCKETS = (  # LinkedIn-style company-size buckets: (label, upper bound)
    ("1-10", 10), ("11-50", 50), ("51-200", 200), ("201-500", 500), ("501-1,000", 1000),
    ("1,001-5,000", 5000), ("5,001-10,000", 10000), ("10,001+", np.inf),
)
OPEN_STAGES = ("Qualification", "Proposal", "Negotiation")

# Job title, function, seniority, weight. Function and seniority stay hidden in the export: the
# importer has to derive them from the title, as it would for a real file.
TITLES: tuple[tuple[str, str, str, float], ...] = (
    ("CFO", "Finance", "C-level", 2.5),
    ("Chief Financial Officer", "Finance", "C-level", 1.5),
    ("Chief Accounting Officer", "Finance", "C-level", 0.4),
    ("VP Finance", "Finance", "VP", 2.5),
    ("Vice President of Finance", "Finance", "VP", 0.8),
    ("Finance Director", "Finance", "Director", 2.5),
    ("Director of Finance", "Finance", "Director", 1.5),
    ("Financial Controller", "Finance", "Director", 3.5),
    ("Corporate Controller", "Finance", "Director", 1.2),
    ("Head of Accounting", "Finance", "Director", 1.8),
    ("Head of Finance", "Finance", "Director", 1.5),
    ("Finance Manager", "Finance", "Manager", 3.5),
    ("Accounting Manager", "Finance", "Manager", 2.5),
    ("FP&A Manager", "Finance", "Manager", 1.5),
    ("Treasury Manager", "Finance", "Manager", 1.0),
    ("Senior Accountant", "Finance", "Individual contributor", 3.0),
    ("Accountant", "Finance", "Individual contributor", 3.5),
    ("Accounts Payable Specialist", "Finance", "Individual contributor", 2.5),
    ("Accounts Receivable Clerk", "Finance", "Individual contributor", 1.2),
    ("Bookkeeper", "Finance", "Individual contributor", 1.5),
    ("Financial Analyst", "Finance", "Individual contributor", 2.0),
    ("Founder & CEO", "Executive", "C-level", 1.5),
    ("CEO", "Executive", "C-level", 1.5),
    ("Managing Director", "Executive", "C-level", 1.0),
    ("Owner", "Executive", "C-level", 0.8),
    ("COO", "Operations", "C-level", 0.8),
    ("VP Operations", "Operations", "VP", 0.8),
    ("Head of Operations", "Operations", "Director", 1.0),
    ("Operations Manager", "Operations", "Manager", 2.5),
    ("Business Operations Analyst", "Operations", "Individual contributor", 0.8),
    ("CIO", "IT", "C-level", 0.3),
    ("IT Director", "IT", "Director", 1.0),
    ("IT Manager", "IT", "Manager", 1.2),
    ("ERP Systems Analyst", "IT", "Individual contributor", 0.8),
    ("CTO", "Engineering", "C-level", 0.4),
    ("Software Engineer", "Engineering", "Individual contributor", 1.2),
    ("VP Sales", "Sales", "VP", 0.5),
    ("Sales Manager", "Sales", "Manager", 1.0),
    ("Account Executive", "Sales", "Individual contributor", 1.0),
    ("Revenue Operations Manager", "Sales", "Manager", 0.6),
    ("CMO", "Marketing", "C-level", 0.3),
    ("Marketing Manager", "Marketing", "Manager", 2.0),
    ("Marketing Coordinator", "Marketing", "Individual contributor", 1.2),
    ("Content Marketing Specialist", "Marketing", "Individual contributor", 0.8),
    ("HR Manager", "HR", "Manager", 0.8),
    ("People Operations Specialist", "HR", "Individual contributor", 0.4),
    ("Procurement Manager", "Procurement", "Manager", 0.8),
    ("Purchasing Specialist", "Procurement", "Individual contributor", 0.5),
    ("Consultant", "Other", "Individual contributor", 1.0),
    ("Office Administrator", "Other", "Individual contributor", 0.8),
    ("Student", "Other", "Student", 1.2),
    ("Accounting Student", "Finance", "Student", 0.6),
    ("MBA Student", "Other", "Student", 0.4),
    ("Intern", "Other", "Student", 0.8),
    ("Finance Intern", "Finance", "Student", 0.8),
)
SENIOR = ("C-level", "VP", "Director")

FIRST_NAMES = (
    "James", "Mary", "Robert", "Patricia", "John", "Jennifer", "Michael", "Linda", "David",
    "Elizabeth", "William", "Barbara", "Richard", "Susan", "Thomas", "Jessica", "Daniel", "Sarah",
    "Matthew", "Karen", "Anthony", "Nancy", "Mark", "Lisa", "Steven", "Emily", "Andrew", "Laura",
    "Joshua", "Rachel", "Kevin", "Hannah", "Brian", "Olivia", "Oliver", "Sophie", "Lukas", "Anna",
    "Maximilian", "Lea", "Lucas", "Chloe", "Hugo", "Camille", "Daan", "Sanne", "Liam", "Emma",
    "Noah", "Ava", "Ethan", "Mia", "Erik", "Astrid", "Pablo", "Lucia", "Javier", "Carmen",
    "Arjun", "Priya", "Rahul", "Ananya", "Vikram", "Neha", "Gabriel", "Mariana", "Rafael",
    "Beatriz", "Wei", "Mei", "Kenji", "Yuki", "Omar", "Fatima", "Samuel", "Grace", "Nathan", "Zoe",
)
LAST_NAMES = (
    "Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis", "Rodriguez",
    "Martinez", "Hernandez", "Lopez", "Wilson", "Anderson", "Thomas", "Taylor", "Moore",
    "Jackson", "Martin", "Lee", "Thompson", "White", "Harris", "Clark", "Lewis", "Walker", "Hall",
    "Young", "King", "Wright", "Scott", "Green", "Baker", "Adams", "Nelson", "Hill", "Campbell",
    "Mitchell", "Roberts", "Carter", "Evans", "Turner", "Collins", "Murphy", "Cook", "Morgan",
    "Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Dubois", "Moreau", "Laurent",
    "de Vries", "Jansen", "Bakker", "Andersson", "Johansson", "Lindqvist", "Fernández",
    "González", "Sánchez", "Patel", "Sharma", "Singh", "Iyer", "Reddy", "Silva", "Santos",
    "Oliveira", "Chen", "Wang", "Tanaka", "Sato", "Khan", "O'Brien", "MacLeod", "Novak", "Kowalski",
)
NAME_HEADS = (
    "North", "Blue", "Bright", "Cedar", "Silver", "Stone", "Harbor", "Summit", "Red", "Oak",
    "Iron", "Clear", "Green", "Pine", "Maple", "Golden", "River", "Sky", "Star", "Sun",
    "Crest", "West", "East", "High", "Swift", "True", "Bold", "Nova", "Alder", "Birch",
    "Copper", "Falcon", "Granite", "Lake", "Meadow", "Orbit", "Prairie", "Quarry", "Willow",
    "Atlas",
)
NAME_TAILS = (
    "wind", "peak", "water", "field", "line", "bridge", "gate", "point", "ridge", "wave",
    "stone", "light", "brook", "crest", "forge", "haven", "mark", "path", "ford", "wood",
    "view", "vale", "port", "well", "side", "spring", "hill", "core", "stack", "works",
)
INDUSTRY_SUFFIXES = {
    "Software": ("Software", "Labs", "Systems", "Cloud", "Technologies"),
    "Financial Services": ("Capital", "Financial", "Insurance", "Payments", "Bank"),
    "Healthcare": ("Health", "Medical", "Care", "Clinics", "Diagnostics"),
    "Manufacturing": ("Manufacturing", "Industries", "Components", "Fabrication", "Works"),
    "Retail": ("Retail", "Stores", "Goods", "Outfitters", "Market"),
    "Professional Services": ("Consulting", "Advisory", "Partners", "Legal", "Group"),
    "Education": ("Academy", "Learning", "Schools", "Education", "Institute"),
    "Logistics": ("Logistics", "Freight", "Transport", "Shipping", "Distribution"),
    "Media": ("Media", "Studios", "Publishing", "Broadcasting", "Creative"),
    "Public Sector": ("Council", "Authority", "Agency", "Services", "Trust"),
    "Telecommunications": ("Telecom", "Networks", "Connect", "Mobile", "Fiber"),
    "Energy": ("Energy", "Power", "Renewables", "Utilities", "Solar"),
}
UNIVERSITIES = (
    "State University", "Riverside Business School", "Northfield College",
    "University of Westbrook",
    "Eastgate University", "Lakeshore Community College", "Harbor School of Economics",
)
INDUSTRY_WEIGHTS = (0.16, 0.11, 0.09, 0.12, 0.09, 0.11, 0.06, 0.06, 0.05, 0.05, 0.04, 0.06)
REVENUE_PER_EMPLOYEE = (220e3, 350e3, 150e3, 250e3, 180e3, 160e3, 90e3, 200e3, 170e3, 120e3,
                        400e3, 600e3)
COUNTRY_WEIGHTS = (0.38, 0.13, 0.08, 0.05, 0.05, 0.07, 0.05, 0.03, 0.03, 0.06, 0.03, 0.04)
COUNTRY_TLDS = ("com", "co.uk", "de", "fr", "nl", "ca", "com.au", "es", "se", "in", "com.br", "io")
SOURCE_WEIGHTS = (0.24, 0.16, 0.12, 0.14, 0.09, 0.08, 0.11, 0.06)
PAIN_WEIGHTS = (0.24, 0.21, 0.18, 0.11, 0.15, 0.11)
ROLE_WEIGHTS = {  # per seniority, in BUYING_ROLES order
    "C-level": (0.60, 0.22, 0.08, 0.08, 0.02, 0.00),
    "VP": (0.35, 0.30, 0.18, 0.14, 0.02, 0.01),
    "Director": (0.15, 0.30, 0.28, 0.20, 0.05, 0.02),
    "Manager": (0.03, 0.08, 0.34, 0.33, 0.19, 0.03),
    "Individual contributor": (0.01, 0.01, 0.10, 0.30, 0.54, 0.04),
    "Student": (0.00, 0.00, 0.02, 0.18, 0.80, 0.00),
}


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))


def _pick(rng: np.random.Generator, options, weights, size: int) -> np.ndarray:
    weights = np.asarray(weights, dtype=float)
    return np.asarray(options, dtype=object)[rng.choice(len(options), size=size,
                                                        p=weights / weights.sum())]


def _companies(rng: np.random.Generator, count: int) -> pd.DataFrame:
    """A pool of fictional companies; several leads may come from the same one."""
    heads = np.asarray(NAME_HEADS, dtype=object)[rng.integers(len(NAME_HEADS), size=count * 3)]
    tails = np.asarray(NAME_TAILS, dtype=object)[rng.integers(len(NAME_TAILS), size=count * 3)]
    stems = pd.unique(pd.Series(heads + tails))[:count]
    count = len(stems)
    industry = _pick(rng, INDUSTRIES, INDUSTRY_WEIGHTS, count)
    suffix = np.array([INDUSTRY_SUFFIXES[i][k] for i, k in
                       zip(industry, rng.integers(5, size=count), strict=False)], dtype=object)
    employees = np.clip(np.round(np.exp(rng.normal(np.log(180), 1.6, count))), 2, 60000)
    per_employee = np.asarray(REVENUE_PER_EMPLOYEE)[[INDUSTRIES.index(i) for i in industry]]
    revenue = np.round(employees * per_employee * np.exp(rng.normal(0, 0.35, count)), -4)
    country_idx = rng.choice(len(COUNTRIES), size=count, p=np.asarray(COUNTRY_WEIGHTS))
    local_tld = rng.random(count) < 0.55
    tld = np.where(local_tld | (country_idx == COUNTRIES.index("Other")),
                   np.asarray(COUNTRY_TLDS, dtype=object)[country_idx], "com")
    domain = (pd.Series(stems).str.lower() + pd.Series(suffix).str.lower()
              .where(rng.random(count) < 0.5, "") + "." + pd.Series(tld))
    return pd.DataFrame({
        "company": pd.Series(stems) + " " + pd.Series(suffix),
        "domain": domain,
        "industry": industry,
        "employees": employees,
        "revenue": revenue,
        "country": np.asarray(COUNTRIES, dtype=object)[country_idx],
    })


def _create_dates(rng: np.random.Generator, n: int) -> pd.Series:
    """More leads later in the year (marketing grows), fewer at weekends and in December."""
    days = pd.date_range(START, END.normalize(), freq="D")
    trend = 1 + 0.35 * np.arange(len(days)) / len(days)
    weekday = np.where(days.day_of_week >= 5, 0.35, 1.0)
    season = np.where(days.month == 12, 0.8, np.where(days.month == 8, 0.85, 1.0))
    weights = trend * weekday * season
    day = days[rng.choice(len(days), size=n, p=weights / weights.sum())]
    hour = np.clip(np.round(rng.normal(13, 3.2, n)), 0, 23)
    minute = rng.integers(0, 60, n)
    stamps = (pd.Series(day) + pd.to_timedelta(hour, unit="h")
              + pd.to_timedelta(minute, unit="m"))
    return stamps.sort_values(ignore_index=True)


def _employee_text(employees: np.ndarray, rng: np.random.Generator) -> pd.Series:
    """Plain integers for most rows, LinkedIn buckets for ~30%, a few blanks."""
    labels = np.asarray([b[0] for b in EMPLOYEE_BUCKETS], dtype=object)
    bounds = np.asarray([b[1] for b in EMPLOYEE_BUCKETS[:-1]], dtype=float)
    bucket = labels[np.searchsorted(bounds, employees, side="left")]
    plain = pd.Series(employees.astype(np.int64)).astype(str)
    draw = rng.random(len(employees))
    return plain.where(draw >= 0.30, pd.Series(bucket)).where(draw < 0.97, "")


def _money_short(values: np.ndarray) -> pd.Series:
    """1_500_000 -> '$1.5M', 850_000 -> '$850K', as sales people type them."""
    series = pd.Series(values, dtype=float)
    millions = "$" + (series / 1e6).round(1).map("{:g}".format) + "M"
    billions = "$" + (series / 1e9).round(1).map("{:g}".format) + "B"
    thousands = "$" + (series / 1e3).round(0).map("{:g}".format) + "K"
    return thousands.where(series < 1e6, millions.where(series < 1e9, billions))


def _revenue_text(revenue: np.ndarray, rng: np.random.Generator) -> pd.Series:
    draw = rng.random(len(revenue))
    plain = pd.Series(revenue.astype(np.int64)).astype(str)
    return plain.where(draw < 0.68, _money_short(revenue).where(draw < 0.80, ""))


def _messy(values: np.ndarray, rng: np.random.Generator, share: float = 0.03) -> np.ndarray:
    """A small share of case variants, dropdown placeholders and blanks, as real exports have."""
    out = np.asarray(values, dtype=object).copy()
    n = len(out)
    hit = rng.random(n) < share
    kind = rng.integers(0, 4, n)
    text = pd.Series(out, dtype=object).fillna("").astype(str)
    lower, upper = text.str.lower().to_numpy(object), text.str.upper().to_numpy(object)
    placeholder = np.asarray(PLACEHOLDERS, dtype=object)[rng.integers(len(PLACEHOLDERS), size=n)]
    out = np.where(hit & (kind == 0), lower, out)
    out = np.where(hit & (kind == 1), upper, out)
    out = np.where(hit & (kind == 2), placeholder, out)
    out = np.where(hit & (kind == 3), "", out)
    return out


def generate_leads(n: int = 6000, seed: int = 20261101) -> pd.DataFrame:
    """A HubSpot-style "export all properties" of n leads, the same for the same seed."""
    rng = np.random.default_rng(seed)
    created = _create_dates(rng, n)

    # --- who: person, title, company -------------------------------------------------------
    title_idx = rng.choice(len(TITLES), size=n, p=_weights([t[3] for t in TITLES]))
    title = np.asarray([t[0] for t in TITLES], dtype=object)[title_idx]
    function = np.asarray([t[1] for t in TITLES], dtype=object)[title_idx]
    seniority = np.asarray([t[2] for t in TITLES], dtype=object)[title_idx]
    student = seniority == "Student"
    in_school = student & ~pd.Series(title).str.contains("Intern").to_numpy()

    pool = _companies(rng, max(50, int(n * 0.6)))
    popularity = np.exp(rng.normal(0, 1.0, len(pool)))
    company_idx = rng.choice(len(pool), size=n, p=popularity / popularity.sum())
    leads = pool.iloc[company_idx].reset_index(drop=True)

    # Students sign up from their university; competitors snoop on pricing and demos.
    uni = rng.integers(len(UNIVERSITIES), size=n)
    uni_names = np.asarray(UNIVERSITIES, dtype=object)[uni]
    uni_domains = pd.Series(uni_names).str.lower().str.replace(r"[^a-z]", "", regex=True) + ".edu"
    leads.loc[in_school, "company"] = uni_names[in_school]
    leads.loc[in_school, "domain"] = uni_domains[in_school].to_numpy()
    leads.loc[in_school, "industry"] = "Education"
    leads.loc[in_school, "employees"] = rng.integers(800, 12000, size=in_school.sum())
    competitor = ~student & (rng.random(n) < 0.008)
    rival = np.asarray(COMPETITORS, dtype=object)[rng.integers(len(COMPETITORS), size=n)]
    leads.loc[competitor, "company"] = rival[competitor]
    leads.loc[competitor, "domain"] = (pd.Series(rival).str.lower() + ".com")[competitor].to_numpy()
    leads.loc[competitor, "industry"] = "Software"
    leads.loc[competitor, "employees"] = rng.integers(40, 400, size=competitor.sum())
    employees = leads["employees"].to_numpy(dtype=float)
    revenue = leads["revenue"].to_numpy(dtype=float)
    revenue = np.where(in_school | competitor, np.round(employees * 150e3, -4), revenue)
    industry = leads["industry"].to_numpy(object)

    first = np.asarray(FIRST_NAMES, dtype=object)[rng.integers(len(FIRST_NAMES), size=n)]
    last = np.asarray(LAST_NAMES, dtype=object)[rng.integers(len(LAST_NAMES), size=n)]
    personal = np.where(student, rng.random(n) < 0.65,
                        rng.random(n) < np.where(employees < 20, 0.22, 0.065))
    personal &= ~competitor
    email = _emails(rng, first, last, leads["domain"].to_numpy(object), personal)

    # --- need: pain, readiness (hidden), BANT ----------------------------------------------
    pain = _pick(rng, PAINS, PAIN_WEIGHTS, n)
    target_industry = np.isin(industry, TARGET_INDUSTRIES)
    fit_size = (employees >= 100) & (employees <= 2000)
    finance = function == "Finance"
    senior = np.isin(seniority, SENIOR)
    target_pain = np.isin(pain, TARGET_PAINS)
    fit_count = (target_industry.astype(int) + fit_size + finance + senior + target_pain)
    p_active = np.where(student | competitor, 0.0, 0.01 + 0.022 * fit_count)
    draw = rng.random(n)
    readiness = np.where(draw < p_active, 2, np.where(draw < p_active + 0.40, 1, 0))
    active, ready = readiness == 2, readiness == 1

    role = np.empty(n, dtype=object)
    for level, weights in ROLE_WEIGHTS.items():
        rows = seniority == level
        role[rows] = _pick(rng, BUYING_ROLES, weights, int(rows.sum()))
    role = np.where((readiness == 0) & (rng.random(n) < 0.25), "", role)
    decider = np.isin(role, ("Decision maker", "Budget holder"))

    budget_known = rng.random(n) < np.where(active, 0.65, np.where(ready, 0.14, 0.02))
    budget = np.round(np.clip((12000 + 40 * np.minimum(employees, 4000))
                              * np.exp(rng.normal(0, 0.5, n)), 3000, 400000), -3)
    budget = np.where(budget_known & ~student, budget, np.nan)
    timeline_known = rng.random(n) < np.where(active, 0.8, np.where(ready, 0.45, 0.12))
    timeline = np.where(active, rng.integers(1, 8, n),
                        np.where(ready, rng.integers(3, 16, n), rng.integers(9, 25, n)))
    timeline = np.where(timeline_known, timeline, np.nan)

    # --- behaviour: conversion actions --------------------------------------------------------
    demo = rng.random(n) < np.select([competitor, student, active, ready], [0.3, 0.01, 0.5, 0.06],
                                     0.012)
    pricing = rng.poisson(np.select([competitor, active, ready], [3.0, 2.2, 0.5], 0.08))
    webinars = rng.poisson(np.where(active, 0.5, np.where(ready, 0.45, 0.15)))
    marketer = np.isin(function, ("Marketing", "Other")) | ~senior
    downloads = rng.poisson(np.where(student, 2.5, np.where(ready, 1.4, 0.9))
                            * (1 + 0.3 * marketer))
    clicks = rng.poisson(np.where(ready, 4.0, 2.5) * (1 + 0.5 * marketer))
    forms = (1 + rng.poisson(np.where(active, 1.5, np.where(ready, 0.8, 0.3))) + demo
             + (downloads > 0))
    page_views = (forms + pricing * 2 + rng.poisson(np.where(active, 14, np.where(ready, 8, 3))))

    # --- outcome: the hidden relationship ----------------------------------------------------
    score = (0.7 * target_industry + 0.6 * fit_size + 0.7 * finance + 0.5 * senior
             + 0.6 * decider + 0.6 * (budget >= 20000) + 0.5 * (timeline <= 6)
             + 0.4 * target_pain + 1.4 * demo + 0.6 * (pricing > 0)
             + 1.0 * active + 0.2 * ready)
    p_deal = _sigmoid(-3.1 + 0.72 * score) * np.where(personal, 0.4, 1.0)
    p_deal = np.where(competitor, 0.0, np.where(student, 0.01, p_deal))
    p_win = _sigmoid(-4.2 + 0.95 * score)
    p_win = np.where(student | personal | competitor, 0.0, p_win)
    has_deal = rng.random(n) < p_deal
    age_days = (END - created).dt.days.to_numpy()
    p_open = np.select([age_days < 30, age_days < 61, age_days < 120, age_days < 200],
                       [0.85, 0.65, 0.3, 0.08], 0.02)
    is_open = has_deal & (rng.random(n) < p_open)
    won = has_deal & ~is_open & (rng.random(n) < p_win)
    lost = has_deal & ~is_open & ~won
    open_stage = _pick(rng, OPEN_STAGES, (0.5, 0.3, 0.2), n)
    deal_stage = np.select([won, lost, is_open], ["Closed Won", "Closed Lost", open_stage], "")
    amount = np.round((9000 + 45 * np.minimum(employees, 5000)) * np.exp(rng.normal(0, 0.35, n)),
                      -2) // 500 * 500
    amount = np.where(has_deal & ~(is_open & (open_stage == "Qualification")
                                   & (rng.random(n) < 0.3)), amount, np.nan)

    lifecycle = _lifecycle(rng, n, won, lost, is_open, demo, pricing + webinars > 0, student,
                           customer=~has_deal & ~student & ~competitor & (fit_count >= 3)
                           & (rng.random(n) < 0.02))

    title_out = pd.Series(title)
    draw = rng.random(n)
    title_out = title_out.where(draw >= 0.015, title_out.str.lower())
    title_out = title_out.where((draw < 0.015) | (draw >= 0.025), "")

    frame = pd.DataFrame({
        "Record ID": 1_200_000 + np.cumsum(rng.integers(1, 40, n)),
        "First Name": first,
        "Last Name": last,
        "Email": email,
        "Company Name": leads["company"].to_numpy(object),
        "Industry": _messy(industry, rng),
        "Number of Employees": _employee_text(employees, rng),
        "Annual Revenue": _revenue_text(revenue, rng),
        "Country/Region": _messy(leads["country"].to_numpy(object), rng),
        "Job Title": title_out,
        "Buying Role": _messy(role, rng),
        "Budget Confirmed": pd.array(np.where(np.isnan(budget), None, budget), dtype="Int64"),
        "Purchase Timeline (Months)": pd.array(np.where(np.isnan(timeline), None, timeline),
                                               dtype="Int64"),
        "Primary Pain": _messy(np.where((readiness == 0) & (rng.random(n) < 0.15), "", pain),
                               rng),
        "Original Source": _messy(_pick(rng, LEAD_SOURCES, SOURCE_WEIGHTS, n), rng),
        "Lifecycle Stage": _messy(lifecycle, rng, share=0.02),
        "Create Date": created.dt.strftime("%Y-%m-%d %H:%M"),
        "Number of Pageviews": page_views,
        "Number of Form Submissions": forms,
        "Demo Requested": np.where(demo, "Yes", "No"),
        "Pricing Page Visits": pricing,
        "Webinars Attended": webinars,
        "Content Downloads": downloads,
        "Email Clicks": clicks,
        "Deal Stage": deal_stage,
        "Amount": pd.array(np.where(np.isnan(amount), None, amount), dtype="Int64"),
    }, columns=list(COLUMNS))
    return frame


def _weights(values) -> np.ndarray:
    weights = np.asarray(values, dtype=float)
    return weights / weights.sum()


def _emails(rng, first, last, domain, personal) -> np.ndarray:
    """first.last@company for most, a free-mail address for the personal ones."""
    def local(part: np.ndarray) -> pd.Series:
        return (pd.Series(part).str.lower()
                .str.normalize("NFKD").str.encode("ascii", "ignore").str.decode("ascii")
                .str.replace(r"[^a-z]", "", regex=True))

    f, surname = local(first), local(last)
    style = rng.integers(0, 4, len(f))
    work = np.select([style == 0, style == 1, style == 2],
                     [f + "." + surname, f.str[0] + surname, f], f + surname)
    digits = pd.Series(rng.integers(1, 99, len(f))).astype(str)
    free = np.asarray(PERSONAL_DOMAINS, dtype=object)[
        rng.choice(len(PERSONAL_DOMAINS), size=len(f),
                   p=_weights((0.45, 0.15, 0.14, 0.12, 0.06, 0.03, 0.03, 0.02)))]
    home = (f + "." + surname + digits.where(rng.random(len(f)) < 0.5, "")).to_numpy(object)
    return np.where(personal, home + "@" + free, np.asarray(work, dtype=object) + "@" + domain)


def _lifecycle(rng, n, won, lost, is_open, demo, engaged, student, customer) -> np.ndarray:
    """The stage a CRM would show: customers won, opportunities open, the rest by engagement."""
    stage = _pick(rng, ("Lead", "Subscriber", "Other"), (0.55, 0.40, 0.05), n)
    stage = np.where(engaged, _pick(rng, ("Marketing Qualified Lead", "Lead", "Subscriber"),
                                    (0.5, 0.4, 0.1), n), stage)
    stage = np.where(demo, _pick(rng, ("Sales Qualified Lead", "Marketing Qualified Lead",
                                       "Lead"), (0.35, 0.55, 0.10), n), stage)
    stage = np.where(student, _pick(rng, ("Subscriber", "Lead", "Other"), (0.6, 0.3, 0.1), n),
                     stage)
    stage = np.where(lost, _pick(rng, ("Opportunity", "Lead", "Other", "Sales Qualified Lead"),
                                 (0.4, 0.3, 0.15, 0.15), n), stage)
    stage = np.where(is_open, _pick(rng, ("Opportunity", "Sales Qualified Lead"), (0.8, 0.2), n),
                     stage)
    stage = np.where(won, _pick(rng, ("Customer", "Evangelist"), (0.93, 0.07), n), stage)
    stage = np.where(customer, "Customer", stage)
    assert set(np.unique(stage)) <= set(LIFECYCLE_STAGES)
    return stage


def main() -> None:
    """Rewrite the shipped sample file."""
    frame = generate_leads()
    OUTPUT_PATH.parent.mkdir(parents=True, exist_ok=True)
    frame.to_csv(OUTPUT_PATH, index=False, encoding="utf-8")
    print(f"wrote {len(frame)} leads to {OUTPUT_PATH}")


if __name__ == "__main__":
    main()
