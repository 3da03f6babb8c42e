"""Every draft's wins caught and win rates in one table, on a small company's export: with few
won or lost deals the table says its win figures are a rough guide ("Wins caught 100%" of two
wins was shown bare); with enough, or with no win at all (said on its own), it says nothing."""
from __future__ import annotations

import io
import random

import pandas as pd
import pytest

from workshop.leads import load_sample_leads
from workshop.measure import FEW_OUTCOMES, few_outcomes_note
from workshop.pipeline import import_leads


def pipedrive(deals: int, seed: int, statuses: list[str]) -> bytes:
    rng = random.Random(seed)
    lines = ["Deal ID,Employees,Deal created,Status"]
    for i in range(deals):
        lines.append(f"{i},{rng.choice([10, 80, 250])},2025-{1 + i % 12:02d}-03,"
                     f"{rng.choice(statuses)}")
    return ("\n".join(lines) + "\n").encode()


@pytest.mark.parametrize("deals, seed", [(40, 1), (25, 2)])
def test_few_decided_deals_are_said_beside_the_win_figures(deals, seed):
    data = pipedrive(deals, seed, ["won", "lost", "lost", "lost", "open"])
    rows = pd.read_csv(io.BytesIO(data))
    wins = int((rows["Status"] == "won").sum())
    decided = int(rows["Status"].isin(["won", "lost"]).sum())
    note = few_outcomes_note(import_leads(data, "deals.csv").leads)
    assert note == (f"The leads hold {decided:,} leads no longer open (won, lost or never a "
                    f"deal), {wins:,} of them won: wins caught and win rates are "
                    f"{FEW_OUTCOMES}.")


def test_leads_that_never_became_a_deal_count_as_decided_as_the_win_rates_count_them():
    """A conversion date filled for won leads and blank otherwise: 3 of 40 won, and the win
    rates count all 40 as decided; the note said "3 won or lost deals"."""
    lines = ["Lead ID,Employees,Created Date,ConvertedDate"]
    for i in range(40):
        lines.append(f"{i},{[10, 80, 250][i % 3]},2025-{1 + i % 12:02d}-03,"
                     + ("2025-12-01" if i in (4, 17, 29) else ""))
    data = ("\n".join(lines) + "\n").encode()
    imported = import_leads(data, "leads.csv")
    assert imported.mapping.outcome_column == "ConvertedDate"
    rows = pd.read_csv(io.BytesIO(data))
    wins = int(rows["ConvertedDate"].notna().sum())
    assert (wins, len(rows)) == (3, 40)
    assert few_outcomes_note(imported.leads) == (
        f"The leads hold 40 leads no longer open (won, lost or never a deal), {wins} of them "
        f"won: wins caught and win rates are {FEW_OUTCOMES}.")
    from tests.builders import C, D
    from workshop.measure import measure

    figures = measure(imported.leads, D(C("employees", "at_least", low=50)))
    qualified = rows["Employees"] >= 50
    won = rows["ConvertedDate"].notna()
    assert figures.win_rate_qualified == pytest.approx((qualified & won).sum() / qualified.sum())
    assert figures.win_rate_rest == pytest.approx((~qualified & won).sum() / (~qualified).sum())


def test_enough_deals_or_no_win_need_no_note():
    assert few_outcomes_note(load_sample_leads()) == ""
    no_win = pipedrive(50, 3, ["lost", "open"])
    assert few_outcomes_note(import_leads(no_win, "deals.csv").leads) == ""
