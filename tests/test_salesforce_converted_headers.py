"""Headers real exports write that were mapped wrong or not at all: Salesforce's
"Amount (converted)" (the amount in the org's currency) was read as the lead's converted flag,
and a yes/no rule would have read every amount as yes; an opportunity report's "Contact Title"
and Freshsales' "Emails" were left unmapped, so a job-title rule had no column."""
from __future__ import annotations

import io

import pandas as pd

from tests.builders import C, D
from workshop.evaluate import evaluate
from workshop.mapping import auto_map
from workshop.pipeline import import_leads


def test_a_converted_amount_is_an_amount_not_the_converted_flag():
    assert auto_map(["Opportunity Name", "Stage", "Amount (converted)", "Close Date"])[
        "Amount (converted)"] == "amount"
    assert auto_map(["Lead ID", "Annual Revenue (converted)"]) == {
        "Lead ID": "record_id", "Annual Revenue (converted)": "annual_revenue"}
    assert "Converted (converted)" not in auto_map(["Converted (converted)"])


def test_the_record_s_own_figure_comes_before_the_converted_one():
    mapped = auto_map(["Amount", "Amount (converted)", "Annual Revenue",
                       "Annual Revenue (converted)", "Converted", "Stage"])
    assert mapped == {"Amount": "amount", "Annual Revenue": "annual_revenue",
                      "Converted": "converted", "Stage": "deal_stage"}


def test_contact_title_and_emails_are_read():
    text = ("Opportunity Name,Contact Title,Emails,Stage\n"
            + "\n".join(f"Opp {n},{['CFO', 'Intern'][n % 2]},p{n}@firm{n}.com,"
                        f"{['Closed Won', 'Closed Lost'][n % 3 == 0]}" for n in range(60))
            + "\n")
    imported = import_leads(text.encode(), "opportunities.csv")
    assert imported.mapping.columns["Contact Title"] == "job_title"
    assert imported.mapping.columns["Emails"] == "email"
    cfo = D(C("job_title", "contains_any", values=["CFO"], role="must", gate="mql"))
    stages = evaluate(imported.leads, cfo).frame["stage"].astype(str)
    frame = pd.read_csv(io.StringIO(text))
    assert (stages != "Not qualified").tolist() == frame["Contact Title"].eq("CFO").tolist()
