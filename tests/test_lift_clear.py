"""A difference between win rates is said only where the leads hold one.

"Qualified leads won less often than the rest (0.9× as often)" came from 12 wins of 71
against 19 of 102, a difference chance gives often (Fisher's p = 0.84). `clear_difference`
is checked against Fisher's exact test written out here with math.comb, away from the border
where two sound tests may differ."""
from __future__ import annotations

import math
import random

import pytest

from workshop.measure import Figures, wins_sentence
from workshop.preview import clear_difference


def fisher_p(won: int, decided: int, other_won: int, other_decided: int) -> float:
    """Two-sided Fisher's exact p: the tables with the same margins no likelier than this."""
    wins, total = won + other_won, decided + other_decided

    def chance(k: int) -> float:
        return math.comb(decided, k) * math.comb(other_decided, wins - k) / math.comb(total,
                                                                                       wins)

    seen = chance(won)
    low, high = max(0, wins - other_decided), min(wins, decided)
    return sum(p for k in range(low, high + 1) if (p := chance(k)) <= seen * (1 + 1e-9))


CASES = [(12, 71, 19, 102), (0, 50, 10, 100), (5, 50, 0, 100), (83, 550, 2, 686),
         (3, 28, 34, 303), (30, 100, 20, 100), (0, 20, 3, 40), (40, 100, 10, 100)]


def random_cases(count: int = 300, seed: int = 2) -> list[tuple[int, int, int, int]]:
    rng = random.Random(seed)
    cases = []
    for _ in range(count):
        decided, other = rng.randint(5, 300), rng.randint(5, 300)
        cases.append((rng.randint(0, decided), decided, rng.randint(0, other), other))
    return cases


# near the border (0.01 < p < 0.2) two sound tests may differ: not this test's question
AWAY_FROM_BORDER = [case for case in CASES + random_cases()
                    if not 0.01 < fisher_p(*case) < 0.2]


@pytest.mark.parametrize("case", AWAY_FROM_BORDER)
def test_a_clear_difference_is_one_fishers_test_finds(case):
    p = fisher_p(*case)
    assert clear_difference(*case) == (p <= 0.01), p


def test_both_kinds_of_case_are_checked():
    found = [clear_difference(*case) for case in AWAY_FROM_BORDER]
    assert found.count(True) > 50 and found.count(False) > 20
    assert len(AWAY_FROM_BORDER) > 250


def test_no_difference_is_said_to_be_none():
    figures = Figures(leads=300, months=3, qualified=80, sql=40, qualified_per_month=26.7,
                      sql_per_month=13.3, wins=31, wins_caught=12 / 31,
                      win_rate_qualified=12 / 71, win_rate_rest=19 / 102,
                      lift=(12 / 71) / (19 / 102), reliable=True,
                      lift_clear=clear_difference(12, 71, 19, 102))
    assert wins_sentence(figures) == (
        "It would have caught 39% of past wins; qualified leads won about as often as the "
        "rest (0.9×: no clear difference in these leads).")
    clear = Figures(**{**figures.__dict__, "lift_clear": clear_difference(12, 71, 40, 102)})
    assert "less often than the rest" in wins_sentence(clear)
