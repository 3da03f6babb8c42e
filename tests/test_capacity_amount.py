"""The capacity sentence names the qualified leads a month as the volume line beside it does:
to a decimal under ten a month. It said "About 1 qualified lead a month" for 0.6 (the volume
line: 0.6), and "About 2" for 2.5, while 0.45 kept its decimal."""
from __future__ import annotations

import re

import pytest

from workshop.measure import formatted
from workshop.preview import capacity_verdict


def amount_in(sentence: str) -> str:
    found = re.match(r"About ([\d.,]+) qualified leads? a month", sentence)
    assert found, sentence
    return found.group(1)


@pytest.mark.parametrize("per_month", [0.6, 1.4, 2.5, 0.45, 3.25, 9.94, 7.0])
def test_under_ten_a_month_the_sentence_says_what_the_volume_line_says(per_month):
    sentence = capacity_verdict(per_month, 5, 40).sentence
    assert float(amount_in(sentence)) == float(formatted(per_month, "number"))


@pytest.mark.parametrize("per_month, shown", [(12.4, "12"), (42.6, "43"), (1234.2, "1,234")])
def test_from_ten_a_month_whole_leads(per_month, shown):
    assert amount_in(capacity_verdict(per_month, 5, 40).sentence) == shown


def test_a_lead_in_three_years_is_not_rounded_away():
    assert amount_in(capacity_verdict(0.03, 5, 40).sentence) == "0.03"


@pytest.mark.parametrize("per_month, words", [(1.0, "About 1 qualified lead a month"),
                                              (0.6, "About 0.6 qualified leads a month"),
                                              (1.04, "About 1 qualified lead a month")])
def test_one_lead_is_singular(per_month, words):
    assert capacity_verdict(per_month, 5, 40).sentence.startswith(words)
