"""A small company with one or two won deals: the poster said "It would have caught 0% of past
wins; qualified leads won less often than the rest (0.0× as often)". One win carries no share
and no ratio; under ten wins the sentence counts them. Expected counts come from the file with
plain pandas."""
from __future__ import annotations

import io
import random

import pandas as pd
import pytest

from tests.builders import C, D
from workshop.measure import FEW_WINS, measure, wins_sentence
from workshop.pipeline import import_leads

SOFTWARE = D(C("industry", values=["Software"], role="must", gate="mql"))


def small_export(wins: list[str], rows: int = 60, seed: int = 2) -> str:
    """`rows` leads, the first len(wins) won in the industries given, the rest lost or open."""
    rng = random.Random(seed)
    lines = ["Email,Industry,Created,Deal Stage"]
    for number in range(rows):
        industry = wins[number] if number < len(wins) else rng.choice(["Software", "Retail"])
        stage = "Closed Won" if number < len(wins) else rng.choice(["Closed Lost", "Demo"])
        lines.append(f"p{number}@co{number}.com,{industry},2025-{number % 12 + 1:02d}-03,{stage}")
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize(("wins", "said"), [
    (["Retail"], "It would not have caught the one past win"),
    (["Software"], "It would have caught the one past win"),
    (["Retail", "Software"], "It would have caught 1 of the 2 past wins"),
    (["Retail"] * 5 + ["Software"] * 4, "It would have caught 4 of the 9 past wins"),
])
def test_few_wins_are_counted(wins, said):
    text = small_export(wins)
    frame = pd.read_csv(io.StringIO(text))
    won = frame["Deal Stage"] == "Closed Won"
    caught = int((won & (frame["Industry"] == "Software")).sum())
    figures = measure(import_leads(text.encode(), "small.csv").leads, SOFTWARE)
    assert (figures.wins, round(figures.wins_caught * figures.wins)) == (int(won.sum()), caught)
    sentence = wins_sentence(figures)
    assert sentence == f"{said} ({FEW_WINS})."
    assert "%" not in sentence and "as often" not in sentence


def test_ten_wins_give_the_share():
    text = small_export(["Software"] * 6 + ["Retail"] * 4)
    figures = measure(import_leads(text.encode(), "small.csv").leads, SOFTWARE)
    assert figures.wins == 10
    assert wins_sentence(figures).startswith("It would have caught 60% of past wins")
