"""Kinds of a lead source a CRM keeps apart ("Word of mouth", "Employee Referral", "Trade Show")
are kept as written: a rule naming the catalog's option ("Referral", "Events") takes every kind
of it in, and a rule naming one kind only that kind — in the app and in the rules SQL alike.
The import used to read every kind as the option, so "Lead source is Word of mouth" also
matched both kinds of referral: a disqualifier removed 235 leads too many from a Dynamics
export, and the SQL handed to the CRM did the same."""
from __future__ import annotations

import duckdb
import pandas as pd
import pytest

from tests.builders import C, D
from workshop.evaluate import evaluate
from workshop.lead_values import lead_values
from workshop.pipeline import import_leads
from workshop.sql import to_sql, types_of

SOURCES = ["Word of mouth", "Employee Referral", "External Referral", "Referrals", "Web",
           "Trade Show", "Conference", "Event", "Partner", ""]
REFERRAL = {"Word of mouth", "Employee Referral", "External Referral", "Referrals"}
EVENTS = {"Trade Show", "Conference", "Event"}


def export() -> tuple[bytes, pd.DataFrame]:
    rows = [(f"Lead {i}", SOURCES[i % len(SOURCES)], 10 + i) for i in range(200)]
    raw = pd.DataFrame(rows, columns=["Company", "Lead Source", "Employees"])
    return raw.to_csv(index=False).encode(), raw.fillna("")


def by_hand(raw: pd.DataFrame, op: str, values: set[str]) -> pd.Series:
    known = raw["Lead Source"].ne("")
    inside = raw["Lead Source"].isin(values)
    return known & (inside if op == "in" else ~inside)


def sql_stages(raw: pd.DataFrame, definition) -> list[bool]:
    table = raw.rename(columns={"Lead Source": "lead_source", "Company": "company",
                                "Employees": "employees"})
    connection = duckdb.connect()
    connection.register("leads", table)
    sql = to_sql(definition, types=types_of(table))
    stages = connection.execute(f"SELECT lead_stage FROM ({sql})").df()["lead_stage"]
    return (stages != "Not qualified").tolist()


@pytest.mark.parametrize("op", ["in", "not_in"])
@pytest.mark.parametrize("values, meant", [
    (["Word of mouth"], {"Word of mouth"}),
    (["Employee Referral"], {"Employee Referral"}),
    (["Referral"], REFERRAL),
    (["REFERRALS"], REFERRAL),
    (["Trade Show"], {"Trade Show"}),
    (["Events"], EVENTS),
    (["Word of mouth", "Events"], {"Word of mouth"} | EVENTS),
], ids=str)
def test_a_rule_matches_what_it_names_in_the_app_and_in_sql(op, values, meant):
    data, raw = export()
    leads = import_leads(data, "leads.csv").leads
    definition = D(C("lead_source", op, values))
    expected = by_hand(raw, op, meant)
    assert evaluate(leads, definition).frame["is_mql"].tolist() == expected.tolist()
    assert sql_stages(raw, definition) == expected.tolist()


def test_the_form_offers_each_kind_as_the_export_writes_it():
    data, raw = export()
    leads = import_leads(data, "leads.csv").leads
    offered = dict(lead_values(leads).fields["lead_source"])
    for kind in ("Word of mouth", "Employee Referral", "External Referral", "Trade Show",
                 "Conference"):
        assert offered[kind] == raw["Lead Source"].eq(kind).sum()
    assert offered["Referral"] == raw["Lead Source"].eq("Referrals").sum()  # the same option
    assert offered["Events"] == raw["Lead Source"].eq("Event").sum()
