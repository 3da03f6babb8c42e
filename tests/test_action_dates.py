"""A conversion action an export records by its date ("Pricing page visited: 14.10.2026"),
mapped onto an engagement count: read as dates, never as a count."""
from __future__ import annotations

import pandas as pd
import pytest

from workshop.definition import Action, Definition
from workshop.evaluate import evaluate
from workshop.pipeline import import_leads_file

# Day-first dates as a European CRM writes them; the latest is 15.10.2026. 15.09.2026 is
# exactly 30 days before it, 14.09.2026 is 31.
EXPORT = (
    "Email;Created;Pricing page visited;Country\n"
    "ana@clinic.example;15.10.2026 09:12;14.10.2026;DE\n"
    "bo@shop.example;15.09.2026 23:59;;FR\n"
    "cy@plant.example;14.09.2026 00:01;01.08.2026;DE\n"
    "di@bank.example;02.01.2026 10:00;n/a;NL\n"
    "ed@agency.example;;15.09.2026;DE\n"
    "fa@labs.example;30.09.2026 12:00;-;AT\n"
)


@pytest.fixture
def export(tmp_path):
    path = tmp_path / "crm.csv"
    path.write_text(EXPORT, encoding="utf-8")
    return path


def test_an_action_recorded_by_its_date_is_read_as_dates_never_as_a_count(export):
    """"Pricing page visited: 14.10.2026" mapped onto the pricing-page visits is when, not
    how often: never 14,102,026 visits. A date present counts as the action done."""
    imported = import_leads_file(str(export))
    visited = imported.leads["pricing_page_visits"]
    assert pd.api.types.is_datetime64_any_dtype(visited)
    raw = pd.read_csv(export, sep=";", dtype=str)["Pricing page visited"]
    expected = pd.to_datetime(raw, dayfirst=True, errors="coerce")
    assert visited.tolist() == expected.tolist()
    quality = {f.key: f for f in imported.quality().fields}["pricing_page_visits"]
    assert (quality.unparsable, quality.missing) == (0, 3)  # "n/a", "-", blank: no date
    assert quality.read_as.startswith("dates")
    done = evaluate(imported.leads, Definition(actions=[Action(field="pricing_page_visits",
                                                               points=10)], threshold=10))
    assert done.count("MQL") == int(expected.notna().sum()) == 3
