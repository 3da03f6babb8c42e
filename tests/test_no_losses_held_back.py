"""An export whose decided leads were all won (an export of won and open deals, the lost ones
kept elsewhere): the scorecards on the newer leads withheld the win rate ("—") and still
showed its 95% interval (34%–100%), and said no change would catch "leads that win more
often", as if one had been looked for. The interval goes with the rate, and the sentence says
why no change is judged. Expected counts are read from the file with plain pandas."""
from __future__ import annotations

import io
import random

import pandas as pd

from tests.test_no_wins_yet import SOFTWARE
from tests.test_real_exports_pages import open_page, revealed_workshop, texts
from workshop.learn import holdout_figures, split
from workshop.pipeline import import_leads
from workshop.scorecard import scorecards
from workshop.ui.won_deals import scorecard_rows


def won_and_open(rows: int = 300, seed: int = 5) -> str:
    rng = random.Random(seed)
    first = pd.Timestamp("2025-01-01")
    lines = ["Email,Industry,Created,Deal Stage"]
    for i in range(rows):
        created = first + pd.Timedelta(days=rng.randrange(300))
        lines.append(f"p{i}@co{i % 41}.com,{rng.choice(['Software', 'Retail'])},"
                     f"{created:%Y-%m-%d},{rng.choice(['Closed Won', 'Qualification'])}")
    return "\n".join(lines) + "\n"


def test_no_interval_where_the_win_rate_is_withheld():
    text = won_and_open()
    leads = import_leads(text.encode(), "deals.csv").leads
    parts = split(leads)
    held = holdout_figures(leads, SOFTWARE, parts.held)
    frame = pd.read_csv(io.StringIO(text))
    assert set(frame["Deal Stage"]) == {"Closed Won", "Qualification"}
    assert held.wins == int((leads["outcome"][parts.held] == "won").sum()) > 0
    assert held.base_rate == 1
    assert held.win_rate is None and held.win_rate_low is None and held.win_rate_high is None

    row = scorecard_rows(scorecards(leads, {"Marketing": SOFTWARE})).iloc[0]
    assert row["Win rate of MQLs"] is None and row["95% interval"] is None
    software_wins = int(((leads["industry"] == "Software") & (leads["outcome"] == "won")
                         & parts.held).sum())
    assert row["Wins caught"] == software_wins / held.wins


def test_the_evidence_page_says_why_no_change_is_judged(database, tmp_path):
    path = tmp_path / "deals.csv"
    path.write_text(won_and_open())
    said = texts(open_page(revealed_workshop(database, SOFTWARE, path), "views/evidence.py"))
    assert "every decided lead held back was won, none lost" in said
    assert "no single change would have caught" not in said
    assert "%–100%" not in said
