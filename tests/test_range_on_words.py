"""A range rule on a column that holds words and no number ("Lead Score at least 50" where the
export writes High / Medium / Low) qualified nobody without a word: a silent 0 in the live
panel, the scorecards and the measurements. It is said now, as an empty column is."""
from __future__ import annotations

import pytest

from tests.builders import C, D
from workshop.evaluate import evaluate
from workshop.measure import CannotMeasure, measure
from workshop.pipeline import import_leads
from workshop.preview import empty_warning


def export(score: str) -> bytes:
    lines = ["Record ID,Industry,Lead Score,Deal Stage"]
    for i in range(60):
        value = score.split("|")[i % len(score.split("|"))]
        lines.append(f"{i},Software,{value},{'closedwon' if i % 5 == 0 else 'closedlost'}")
    return ("\n".join(lines) + "\n").encode()


def test_a_range_on_words_is_said_beside_its_zero():
    leads = import_leads(export("High|Medium|Low"), "leads.csv").leads
    definition = D(C("Lead Score", "at_least", low=50, role="must", gate="mql"))
    assert evaluate(leads, definition).frame["is_mql"].sum() == 0
    said = empty_warning(leads, definition)
    assert said == (f"“Lead Score” holds words and no number in these leads, so no lead can "
                    f"meet “{definition.criteria[0].sentence()}”.")
    with pytest.raises(CannotMeasure, match="holds words and no number"):
        measure(leads, definition)  # no figure of 0 is stored or printed


def test_numbers_or_an_empty_column_are_not_called_words():
    numbers = import_leads(export("70|20|55"), "leads.csv").leads
    definition = D(C("Lead Score", "at_least", low=50, role="must", gate="mql"))
    assert empty_warning(numbers, definition) == ""
    assert measure(numbers, definition).qualified == 40
    mixed = import_leads(export("70|High|n/a"), "leads.csv").leads
    assert empty_warning(mixed, definition) == ""  # some lead has a number: no silent 0
    empty = import_leads(export("n/a|-|"), "leads.csv").leads
    assert empty_warning(empty, definition).startswith("“Lead Score” is empty in these leads")
    assert "holds words" not in empty_warning(empty, definition)
    words = import_leads(export("High|Low"), "leads.csv").leads
    assert empty_warning(words, D(C("Lead Score", values=["High"]))) == ""  # not a range
