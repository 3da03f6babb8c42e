"""What a change to the shared definition notes and logs (workshop.shared_edits): a hand edit
names exactly the questions it changed, a row operation its question, a suggested start every
question it decided."""
from __future__ import annotations

import pytest

from workshop import compare
from workshop.definition import Action, Criterion, Definition
from workshop.shared_edits import HAND_EDIT, hand_edit, row_operation, suggested_start

SOFTWARE = Criterion(field="industry", op="in", values=["Software"])
RETAIL = Criterion(field="industry", op="in", values=["Retail"])
US = Criterion(field="country", op="in", values=["United States"])
MID = Criterion(field="employees", op="between", low=50, high=1000)


def test_a_hand_edit_notes_and_names_only_the_questions_it_changed():
    before = Definition(criteria=[SOFTWARE, US])
    after = Definition(criteria=[RETAIL, US, MID], notes={"pain": "slow reporting"})
    decisions = {"industry": "took Sales's answer", "location": "agreed"}
    edit = hand_edit(before, after, decisions)
    assert edit.definition == after
    assert edit.questions == ["industry", "pain", "size"]  # in the questions' order
    assert edit.summary == "Edited by hand: Industry, Pain, Company size and revenue"
    assert edit.decisions == {"industry": HAND_EDIT, "location": "agreed", "pain": HAND_EDIT,
                              "size": HAND_EDIT}
    assert decisions == {"industry": "took Sales's answer", "location": "agreed"}  # untouched


def test_a_hand_edit_of_the_engagement_points_names_the_conversion_actions():
    before = Definition(actions=[Action(field="demo_requested", points=30)], threshold=30)
    after = Definition(actions=[Action(field="demo_requested", points=30)], threshold=40)
    edit = hand_edit(before, after, {})
    assert (edit.questions, edit.summary) == (["engagement"],
                                             "Edited by hand: Conversion actions")


def test_a_save_that_changes_nothing_is_logged_without_names_and_keeps_the_decisions():
    same = Definition(criteria=[SOFTWARE])
    edit = hand_edit(same, same, {"industry": "agreed"})
    assert (edit.questions, edit.summary, edit.decisions) == ([], "Edited by hand",
                                                              {"industry": "agreed"})


@pytest.mark.parametrize(("operation", "how", "industries"), [
    ("take:Sales", "took Sales's answer", ["Retail"]),
    ("union", "union of the drafts", ["Retail", "Software"]),
    ("clear", None, None),
])
def test_a_row_operation_notes_how_its_question_was_decided(operation, how, industries):
    drafts = {"Marketing": Definition(criteria=[SOFTWARE]),
              "Sales": Definition(criteria=[RETAIL])}
    edit = row_operation(Definition(criteria=[US]), {"location": "agreed"}, "industry",
                         operation, drafts)
    assert edit.questions == ["industry"]
    noted = edit.decisions["industry"]
    assert edit.summary == f"Industry: {noted}"
    assert edit.decisions["location"] == "agreed"
    assert edit.definition.criteria_for("location") == [US]  # other questions as they were
    if how is not None:
        assert noted == how
    rules = edit.definition.criteria_for("industry")
    assert (sorted(rules[0].values) if rules else None) == industries


def test_a_suggested_start_notes_each_question_it_decided():
    drafts = {"Marketing": Definition(criteria=[SOFTWARE, US]),
              "Sales": Definition(criteria=[SOFTWARE, MID])}
    edit = suggested_start(compare.compare(drafts))
    assert edit.summary == "Started from the suggested definition"
    assert edit.decisions["industry"] == "suggested (agreed)"
    assert edit.definition.criteria_for("industry") == [SOFTWARE]
    assert set(edit.questions) == set(edit.decisions)
    assert all(note.startswith("suggested (") for note in edit.decisions.values())
