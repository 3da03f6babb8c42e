"""A definition file is read as the form shows it: the same rule listed twice counts once (its
points were counted twice while the form showed one), a rule under a question key no form knows
goes under its field's own question (it was counted but shown nowhere and could not be removed),
and a bound written as text is refused ("1.500" from a German file was read as 1.5)."""
import json

import pandas as pd
import pytest

from workshop.definition import Definition, DefinitionError
from workshop.evaluate import evaluate

LEADS = pd.DataFrame({"industry": ["Software", "Software", "Retail"],
                      "employees": [50.0, 500.0, 5000.0]})


def test_a_rule_listed_twice_counts_once():
    rule = {"field": "industry", "op": "in", "values": ["Software"], "role": "nice",
            "points": 30}
    definition = Definition.from_dict({"criteria": [rule, rule], "threshold": 50})
    assert len(definition.criteria) == 1
    # by hand: one +30 rule never reaches 50 points
    assert (evaluate(LEADS, definition).stage == "Not qualified").all()
    definition = Definition.from_dict({"criteria": [rule, {**rule, "points": 20}],
                                       "threshold": 50})
    assert len(definition.criteria) == 2  # two different rules stay two
    assert list(evaluate(LEADS, definition).stage != "Not qualified") == [True, True, False]


def test_a_rule_under_an_unknown_question_is_shown_under_its_fields_question():
    definition = Definition.from_dict({"criteria": [
        {"field": "employees", "op": "at_least", "low": 100, "role": "must",
         "question": "bogus"},
        {"field": "industry", "op": "in", "values": ["Retail"], "role": "disqualifier",
         "question": "nonsense"}]})
    assert [c.question for c in definition.criteria] == ["size", "disqualifiers"]
    assert definition.answered("size") and definition.answered("disqualifiers")


@pytest.mark.parametrize("bound", ["1.500", "100", "1e9", True])
def test_a_bound_written_as_text_is_refused(bound):
    with pytest.raises(DefinitionError, match="low"):
        Definition.from_dict({"criteria": [{"field": "employees", "op": "at_least",
                                            "low": bound, "role": "must"}]})


def test_numbers_are_read_as_numbers():
    definition = Definition.from_dict({"criteria": [
        {"field": "employees", "op": "between", "low": 100, "high": 2000.5, "role": "must"}]})
    assert (definition.criteria[0].low, definition.criteria[0].high) == (100.0, 2000.5)


def test_a_note_longer_than_the_form_holds_is_refused_with_its_question():
    """The form's note box holds MAX_NOTE characters; a file's longer note could be stored but
    never typed in again, so the file is refused, naming the question."""
    from workshop.definition import MAX_NOTE, DefinitionError, read_file, read_upload

    text = json.dumps({"schema_version": 2, "criteria": [], "actions": [], "threshold": 0,
                       "notes": {"industry": "x" * (MAX_NOTE + 1000)}})
    with pytest.raises(DefinitionError, match=r"The note on “Industry” is 3,000 characters "
                                              r"long; a note holds at most 2,000\."):
        read_upload(text)
    exact = json.dumps({"schema_version": 2, "notes": {"industry": "x" * MAX_NOTE}})
    assert len(read_upload(exact).definition.notes["industry"]) == MAX_NOTE
    # a draft stored so by an older app stays readable
    assert len(read_file(text).definition.notes["industry"]) == MAX_NOTE + 1000
