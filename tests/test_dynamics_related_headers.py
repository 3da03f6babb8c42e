"""Dynamics 365 opportunity views name the account's columns through the opportunity's
"Potential Customer": "Industry (Potential Customer) (Account)". They were left unmapped, so the
industry and size questions found no column in a standard Dynamics export until someone mapped
them by hand."""
from __future__ import annotations

import io

import pandas as pd

from workshop.definition import Criterion, Definition
from workshop.evaluate import evaluate
from workshop.mapping import auto_map
from workshop.pipeline import import_leads

EXPORT = (
    "Topic,Potential Customer,Status,Created On,Est. Revenue,"
    "Industry (Potential Customer) (Account),"
    "Number of Employees (Potential Customer) (Account),"
    "Annual Revenue (Potential Customer) (Account),"
    "Country/Region (Potential Customer) (Account)\n"
    "Robots,Acme Corp,Won,3/7/2025 9:05 AM,\"$12,000.00\",Manufacturing,420,\"$52,000,000.00\","
    "Germany\n"
    "Licences,Beta Ltd,Lost,3/9/2025 1:15 PM,\"$4,500.00\",Retail,35,\"$3,100,000.00\",France\n"
    "Pilot,Gamma GmbH,Open,4/2/2025 10:40 AM,\"$30,000.00\",Manufacturing,1800,"
    "\"$260,000,000.00\",Austria\n"
    "Renewal,Delta Inc,Won,4/21/2025 4:02 PM,\"$8,250.00\",Software,90,\"$9,800,000.00\","
    "United States\n"
)


def test_the_accounts_columns_map_through_the_potential_customer():
    headers = EXPORT.splitlines()[0].split(",")
    mapped = auto_map(headers)
    assert mapped["Industry (Potential Customer) (Account)"] == "industry"
    assert mapped["Number of Employees (Potential Customer) (Account)"] == "employees"
    assert mapped["Annual Revenue (Potential Customer) (Account)"] == "annual_revenue"
    assert mapped["Country/Region (Potential Customer) (Account)"] == "country"
    assert mapped["Potential Customer"] == "company"
    assert mapped.get("Est. Revenue") != "annual_revenue"  # the deal's worth, not the account's


def test_an_industry_and_revenue_rule_reads_the_accounts_columns():
    result = import_leads(EXPORT.encode(), "Open Opportunities.csv")
    raw = pd.read_csv(io.StringIO(EXPORT), dtype=str)
    revenue = pd.to_numeric(raw["Annual Revenue (Potential Customer) (Account)"]
                            .str.replace(r"[$,]", "", regex=True))
    definition = Definition(criteria=[
        Criterion(field="industry", op="in", values=["Manufacturing"]),
        Criterion(field="annual_revenue", op="at_least", low=50_000_000)])
    expected = (raw["Industry (Potential Customer) (Account)"] == "Manufacturing") & \
        (revenue >= 50_000_000)
    assert evaluate(result.leads, definition).frame["is_mql"].tolist() == expected.tolist()
    assert expected.sum() == 2
