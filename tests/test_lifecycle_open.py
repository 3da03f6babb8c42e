"""A HubSpot contacts export whose outcome is its lifecycle stage: customers are won, and a
contact sales is working (an opportunity, or a sales-qualified lead) is still open, not a past
loss. Counting sales-qualified leads as lost put every win rate at a fraction of the real one,
beside "open deals are left out" on the same panel. The expected rates are worked out with
plain pandas from the file."""
from __future__ import annotations

import io
import random

import pandas as pd
import pytest

from workshop.definition import Criterion, Definition
from workshop.evaluate import evaluate
from workshop.pipeline import import_leads
from workshop.preview import outcome_metrics

STAGES = ["subscriber", "lead", "marketingqualifiedlead", "salesqualifiedlead", "opportunity",
          "customer", "other"]


def contacts(rows: int = 600, seed: int = 5) -> bytes:
    rng = random.Random(seed)
    lines = ["Record ID,Email,Industry,Lifecycle Stage,Create Date"]
    for i in range(rows):
        industry = rng.choice(["computer_software", "retail", "hospital_health_care"])
        stage = rng.choices(STAGES, weights=[5, 20, 15, 15, 10, 25, 2])[0]
        lines.append(f"{900 + i},c{i}@firm{i}.com,{industry},{stage},"
                     f"2025-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d} 10:00")
    return ("\n".join(lines) + "\n").encode()


def test_sales_qualified_contacts_are_open_not_lost():
    data = contacts()
    imported = import_leads(data, "hubspot-contacts.csv")
    assert imported.mapping.outcome_column == "Lifecycle Stage"
    definition = Definition(criteria=[Criterion(field="industry", op="in",
                                                values=["Computer Software"])])
    metrics = outcome_metrics(imported.leads, evaluate(imported.leads, definition))

    raw = pd.read_csv(io.BytesIO(data), dtype=str)
    won = raw["Lifecycle Stage"].eq("customer")
    decided = ~raw["Lifecycle Stage"].isin(["salesqualifiedlead", "opportunity"])
    software = raw["Industry"].eq("computer_software")
    assert metrics.wins == int(won.sum())
    assert metrics.win_rate_qualified == pytest.approx(won[software & decided].mean())
    assert metrics.win_rate_rest == pytest.approx(won[~software & decided].mean())
    assert metrics.wins_caught == pytest.approx(won[software].sum() / won.sum())
