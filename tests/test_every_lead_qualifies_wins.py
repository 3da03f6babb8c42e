"""When every lead qualifies (an empty shared definition, the usual start of step 3), the share
of wins caught is 100% exactly, not "from few decided leads and wins": nothing is left outside
to compare with, which is no reason to doubt it. A few decided leads outside still are."""
import numpy as np
import pandas as pd

from tests.builders import C, D
from workshop.measure import FEW_OUTCOMES, measure, wins_sentence


def leads(rows: int, won_every: int) -> pd.DataFrame:
    outcome = np.where(np.arange(rows) % won_every == 0, "won", "lost")
    return pd.DataFrame({"employees": np.arange(rows, dtype=float) + 1,
                         "outcome": pd.array(outcome, dtype="str")})


def test_everyone_qualifying_catches_every_win_without_a_caveat():
    table = leads(3000, 7)
    wins = int((table["outcome"] == "won").sum())  # by hand: 429
    figures = measure(table, D())
    assert figures.wins == wins and figures.wins_caught == 1.0
    assert figures.reliable
    assert FEW_OUTCOMES not in wins_sentence(figures)


def test_a_few_decided_leads_outside_still_get_the_caveat():
    table = leads(3000, 7)
    figures = measure(table, D(C("employees", "at_least", low=2990)))  # 2,989 outside
    assert figures.reliable is False  # 11 decided inside
    figures = measure(table, D(C("employees", "at_most", high=2990)))  # 10 outside
    assert figures.reliable is False
    assert FEW_OUTCOMES in wins_sentence(figures)
