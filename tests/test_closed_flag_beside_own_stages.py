"""A Salesforce opportunity export with stages of the company's own ("Went with Competitor",
"Churned", "Signed") beside Salesforce's "Is Won" and "Is Closed": a stage the app does not
know was read as open, so 317 deals lost to a competitor counted as still open and the win
rate read 63.9% where the export's own flags give 45.6%. The closed flag now has the last word
beside a stage too. Expected outcomes come from the flags with plain pandas."""
from __future__ import annotations

import io
import random

import numpy as np
import pandas as pd
import pytest

from tests.builders import C, D
from workshop.evaluate import evaluate
from workshop.mapping import Mapping, refit
from workshop.pipeline import import_leads
from workshop.preview import outcome_metrics

# stage -> (is won, is closed), as the company set its pipeline up in Salesforce
STAGES = {"Discovery": (0, 0), "Demo": (0, 0), "Proposal Sent": (0, 0), "Signed": (1, 1),
          "Went with Competitor": (0, 1), "Churned": (0, 1), "No Decision": (0, 1)}


def opportunities(rows: int = 1200, seed: int = 3) -> str:
    rng = random.Random(seed)
    lines = ["Opportunity Name,Account Name,Employees,Stage,Amount,Is Won,Is Closed,Close Date"]
    for number in range(rows):
        stage = rng.choice(list(STAGES))
        won, closed = STAGES[stage]
        lines.append(f"Opp {number},Acct {number},{rng.randint(5, 4000)},{stage},"
                     f"{rng.randint(1, 90) * 1000},{won},{closed},"
                     f"2025-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}")
    return "\n".join(lines) + "\n"


def expected(text: str) -> pd.Series:
    frame = pd.read_csv(io.StringIO(text))
    return pd.Series(np.select([frame["Is Won"] == 1, frame["Is Closed"] == 1],
                               ["won", "lost"], "open"))


def test_a_stage_the_export_marks_closed_is_lost():
    text = opportunities()
    imported = import_leads(text.encode(), "opportunities.csv")
    assert imported.mapping.outcome_column == "Stage"
    assert imported.mapping.closed_column == "Is Closed"
    assert imported.leads["outcome"].astype(str).tolist() == expected(text).tolist()


def test_the_win_rate_is_the_flags_win_rate():
    text = opportunities()
    leads = import_leads(text.encode(), "opportunities.csv").leads
    big = D(C("employees", "at_least", low=500, role="must", gate="mql"))
    metrics = outcome_metrics(leads, evaluate(leads, big))
    frame = pd.read_csv(io.StringIO(text)).assign(outcome=expected(text))
    decided = frame[(frame["outcome"] != "open") & (frame["Employees"] >= 500)]
    assert metrics.win_rate_qualified == pytest.approx((decided["outcome"] == "won").mean())


def test_a_saved_mapping_keeps_reading_the_flag_on_a_re_export():
    first = import_leads(opportunities().encode(), "q1.csv")
    later_text = opportunities(seed=9)
    later = import_leads(later_text.encode(), "q2.csv")
    fitted = refit(Mapping.from_json(first.mapping.to_json()), later.raw)
    assert fitted.closed_column == "Is Closed"
    again = import_leads(later_text.encode(), "q2.csv", mapping=fitted)
    assert again.leads["outcome"].astype(str).tolist() == expected(later_text).tolist()


def test_the_mapping_lists_a_stage_always_closed_among_the_lost_ones():
    """The mapping panel listed "Went with Competitor" as a value meaning still open, with a
    caption saying the closed flag overrules it: the open values are now those the flag
    leaves open."""
    text = opportunities()
    mapping = import_leads(text.encode(), "opportunities.csv").mapping
    frame = pd.read_csv(io.StringIO(text))
    open_stages = set(frame.loc[frame["Is Closed"] == 0, "Stage"])
    assert set(mapping.open_values) == open_stages == {"Discovery", "Demo", "Proposal Sent"}
    assert {"Went with Competitor", "Churned"} <= set(mapping.lost_values)
    assert "Signed" in mapping.won_values
