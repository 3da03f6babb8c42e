"""Job roles as HubSpot's API writes them ("vp_sales", "c_level", "director_marketing") read as
the words they join: before, the rules' word boundaries never matched across the underscore,
so every such lead was an individual contributor in function Other, and "Seniority is VP or
C-level" counted 0 leads, in the app and in the rules SQL alike.

The expected seniority and function of each role are read by hand; the SQL runs in DuckDB on
the file as the CRM holds it."""
from __future__ import annotations

import io

import duckdb
import pandas as pd

from tests.builders import C, D
from workshop import rules
from workshop.evaluate import evaluate
from workshop.pipeline import import_leads

BY_HAND = {  # role -> (seniority, job function)
    "vp_sales": ("VP", "Sales"), "c_level": ("C-level", "Other"),
    "director_marketing": ("Director", "Marketing"), "manager_it": ("Manager", "IT"),
    "individual_contributor": ("Individual contributor", "Other"),
    "head_of_finance": ("Director", "Finance"), "cfo": ("C-level", "Finance"),
    "C-Level Executive": ("C-level", "Other"), "Sales_Manager": ("Manager", "Sales"),
}


def export() -> str:
    lines = ["Record ID,Email,Job Role,Industry"]
    for i, role in enumerate(list(BY_HAND) * 5):
        lines.append(f"{100 + i},p{i}@acme{i}.com,{role},computer_software")
    return "\n".join(lines) + "\n"


def test_snake_case_roles_read_as_their_words():
    text = export()
    leads = import_leads(text.encode(), "contacts.csv").leads
    roles = pd.read_csv(io.StringIO(text), dtype=str)["Job Role"]
    assert list(leads["seniority"].astype(object)) == [BY_HAND[r][0] for r in roles]
    assert list(leads["job_function"].astype(object)) == [BY_HAND[r][1] for r in roles]


def test_a_seniority_rule_counts_them_in_the_app_and_the_sql(tmp_path):
    text = export()
    imported = import_leads(text.encode(), "contacts.csv")
    definition = D(C("seniority", values=["VP", "C-level"], role="must", gate="mql"))
    roles = pd.read_csv(io.StringIO(text), dtype=str)["Job Role"]
    expected = [BY_HAND[r][0] in ("VP", "C-level") for r in roles]
    assert sum(expected) == 20
    stages = evaluate(imported.leads, definition).frame["stage"].astype(str)
    assert (stages != "Not qualified").tolist() == expected
    sql = rules.definition_sql(definition, leads=imported.leads,
                               mapping=imported.mapping).decode()
    path = tmp_path / "contacts.csv"
    path.write_text(text)
    connection = duckdb.connect()
    connection.execute(f"CREATE TABLE leads AS SELECT * FROM read_csv('{path}', "
                       "all_varchar = true)")
    rows = connection.execute(f"SELECT lead_stage FROM ({sql.rstrip().rstrip(';')}) AS s "
                              'ORDER BY CAST("Record ID" AS INTEGER)').fetchall()
    assert [row[0] != "Not qualified" for row in rows] == expected


def test_a_definition_no_lead_meets_says_so_not_that_too_few_were_decided():
    """The probe's page said "only 0 decided MQLs (need 30)": a zero read as too little data."""
    from workshop.preview import outcome_metrics

    lines = ["Record ID,Job Role,Deal Stage"]
    for i in range(120):
        lines.append(f"{i},individual_contributor,{'closedwon' if i % 4 == 0 else 'closedlost'}")
    leads = import_leads(("\n".join(lines) + "\n").encode(), "contacts.csv").leads
    definition = D(C("seniority", values=["VP"], role="must", gate="mql"))
    metrics = outcome_metrics(leads, evaluate(leads, definition))
    assert metrics.qualified == 0 and metrics.wins == 30 and metrics.wins_caught == 0
    assert metrics.reason == ("No lead is an MQL under this definition, so it has no win rate "
                              "of its own and catches no win.")
    assert "decided" not in metrics.reason and not metrics.reliable
