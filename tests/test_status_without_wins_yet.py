"""A recent Salesforce lead export whose statuses are all still open or "Closed - Not
Converted" has an outcome column with no win yet: the pages said the export had "no column
saying whether a lead was won". HubSpot's lead statuses, which never name a purchase, are
still no outcome."""
from __future__ import annotations

import io

import pandas as pd

from tests.builders import C, D
from workshop.measure import measure, win_caveats
from workshop.pipeline import import_leads

STATUSES = ["Open - Not Contacted", "Working - Contacted", "Closed - Not Converted"]


def export(statuses: list[str]) -> bytes:
    lines = ["Lead ID,Company,NumberOfEmployees,Created Date,Lead Status"]
    for i in range(95):
        lines.append(f"{i},C{i},{[20, 300][i % 2]},{1 + i % 10:02d}/12/2026,"
                     f"{statuses[i % len(statuses)]}")
    return ("\n".join(lines) + "\n").encode()


def test_a_status_with_no_conversion_yet_is_the_outcome_with_no_win():
    data = export(STATUSES)
    imported = import_leads(data, "last10days.csv")
    assert imported.mapping.outcome_column == "Lead Status"
    plain = pd.read_csv(io.BytesIO(data), dtype=str)["Lead Status"]
    expected = plain.map({"Closed - Not Converted": "lost"}).fillna("open")
    assert list(imported.leads["outcome"].astype(object)) == list(expected)
    figures = measure(imported.leads, D(C("employees", "at_least", low=100)))
    assert figures.has_outcome and figures.wins == 0
    said = " ".join(win_caveats({"now": figures}))
    assert "no outcome" not in said and "has no column" not in said


def test_hubspot_lead_statuses_stay_no_outcome():
    imported = import_leads(export(["NEW", "OPEN", "IN_PROGRESS", "UNQUALIFIED",
                                    "ATTEMPTED_TO_CONTACT", "BAD_TIMING"]), "contacts.csv")
    assert imported.mapping.outcome_column is None
    assert "outcome" not in imported.leads.columns
