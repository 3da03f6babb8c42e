"""A column named for the outcome alone ("Outcome", "Result", "Win/Loss") is the outcome.

A team's own spreadsheet, or a report with a summary column, names it so; the app found only
deal stages, deal statuses, lead statuses and won flags, so such an export had no win figures
at all until someone mapped the column by hand. Expected figures: plain pandas on the file."""
from __future__ import annotations

import io
import random

import pandas as pd
import pytest

from workshop.definition import Criterion, Definition
from workshop.evaluate import evaluate
from workshop.pipeline import import_leads
from workshop.preview import outcome_metrics

DRAFT = Definition(criteria=[Criterion(field="employees", op="at_least", low=200)])


def export(header: str, won: str = "Won", lost: str = "Lost", rows: int = 600) -> str:
    rng = random.Random(11)
    lines = [f"Email,Company,Employees,{header}"]
    for n in range(rows):
        employees = rng.choice([20, 80, 250, 900, 4000])
        chance = 0.45 if employees >= 200 else 0.15
        outcome = rng.choice(["Open", ""]) if rng.random() < 0.3 else (
            won if rng.random() < chance else lost)
        lines.append(f"p{n}@corp{n}.com,Corp {n},{employees},{outcome}")
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("header", ["Outcome", "Result", "Win/Loss", "Ergebnis", "outcome"])
def test_the_outcome_column_is_found_by_its_name(header):
    text = export(header)
    imported = import_leads(text.encode(), "leads.csv")
    assert imported.mapping.outcome_column == header
    metrics = outcome_metrics(imported.leads, evaluate(imported.leads, DRAFT))
    frame = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    qualified = frame["Employees"].astype(int) >= 200
    decided = frame[header] != "Open"
    won = frame[header] == "Won"
    assert metrics.wins == int(won.sum())
    assert metrics.win_rate_qualified == pytest.approx(
        (won & qualified).sum() / (decided & qualified).sum())
    assert metrics.win_rate_rest == pytest.approx(
        (won & ~qualified).sum() / (decided & ~qualified).sum())
    assert metrics.wins_caught == pytest.approx((won & qualified).sum() / won.sum())


def test_a_result_that_names_no_win_is_not_an_outcome():
    """A "Result" of a lead-scoring check (Pass / Fail) says nothing about a purchase."""
    text = export("Result", won="Pass", lost="Fail")
    imported = import_leads(text.encode(), "leads.csv")
    assert imported.mapping.outcome_column is None
    assert "outcome" not in imported.leads.columns
