"""A team's combined view when several people of one team draft on their own devices
(merge.team_view) and the per-team grouping the comparison screen uses (merge.drafts_by_team).
Plain Python: no database."""
from __future__ import annotations

import pytest

from tests.builders import C, D
from workshop import merge
from workshop.definition import Action

TEAM_LABELS = {"facilitator": "Facilitator", "marketing": "Marketing", "sales": "Sales"}


def industries(definition, question="industry") -> list[list[str]]:
    return [c.values for c in definition.criteria_for(question)]


# --- team_view ---------------------------------------------------------------------------------

def test_a_single_member_is_the_team_view_unchanged():
    draft = D(C(values=["Retail"]), C("employees", "at_least", low=50),
              actions=[Action(field="demo_requested", points=30)], threshold=30,
              notes={"pain": "only mine", "industry": "shops"})
    assert merge.team_view([draft]) == draft


def test_two_members_who_agree_give_their_answer():
    first = D(C(values=["Software", "Healthcare"]), C("employees", "between", low=50, high=500),
              actions=[Action(field="demo_requested", points=30)], threshold=30)
    second = D(C(values=["Healthcare", "software"]),  # same set, other order and case
               C("employees", "between", low=50, high=500),
               actions=[Action(field="demo_requested", points=30)], threshold=30)
    view = merge.team_view([first, second])
    assert industries(view) == [["Software", "Healthcare"]]
    assert [(c.op, c.low, c.high) for c in view.criteria_for("size")] == [("between", 50, 500)]
    assert (view.actions, view.threshold) == (first.actions, 30)
    assert view.notes == {}


def test_members_who_partly_agree_get_their_common_ground():
    first = D(C(values=["Software", "Retail"]), C("employees", "between", low=50, high=500))
    second = D(C(values=["Software", "Media"]), C("employees", "between", low=100, high=2000))
    view = merge.team_view([first, second])
    assert industries(view) == [["Software"]]  # what both accept
    assert [(c.op, c.low, c.high) for c in view.criteria_for("size")] == [
        ("between", 100, 500)]


def test_members_who_conflict_leave_the_question_open():
    first = D(C(values=["Retail"]), C("employees", "at_least", low=50))
    second = D(C(values=["Media"]), C("employees", "at_least", low=50))
    view = merge.team_view([first, second])
    assert view.criteria_for("industry") == []  # no shared value: nothing to agree on
    assert [(c.op, c.low) for c in view.criteria_for("size")] == [("at_least", 50)]


def test_two_of_three_members_carry_a_question():
    retail = D(C(values=["Retail"]))
    view = merge.team_view([retail, D(C(values=["Media"])), D(C(values=["Retail"]))])
    assert industries(view) == [["Retail"]]


def test_notes_of_all_members_are_kept_side_by_side():
    first = D(C(values=["Retail"]), notes={"pain": "slow close", "path": "reads guides"})
    second = D(C(values=["Media"]), notes={"pain": "manual matching", "budget": "small"})
    third = D(notes={"pain": "audits"})
    view = merge.team_view([first, second, third])
    assert view.notes == {"pain": "slow close / manual matching / audits",
                          "path": "reads guides", "budget": "small"}
    # The conflicting industry is left open, but everyone's note survives the merge.
    assert view.criteria_for("industry") == []


def test_team_view_does_not_change_the_members_drafts():
    first = D(C(values=["Software", "Retail"]), notes={"pain": "a"})
    second = D(C(values=["Software"]), notes={"pain": "b"})
    before = (first.model_copy(deep=True), second.model_copy(deep=True))
    merge.team_view([first, second])
    assert (first, second) == before


# --- drafts_by_team ----------------------------------------------------------------------------

def test_drafts_by_team_groups_people_by_role_under_the_team_label():
    fac = D(C(values=["Healthcare"]), notes={"pain": "facilitator"})
    priya = D(C(values=["Software", "Retail"]), notes={"pain": "priya"})
    lena = D(C(values=["Software", "Media"]), notes={"pain": "lena"})
    marcus = D(C(values=["Financial Services"]), notes={"pain": "marcus"})
    people = [("facilitator", "Facilitator", fac), ("marketing", "Marketing · Priya", priya),
              ("sales", "Sales", marcus), ("marketing", "Marketing · Lena", lena)]
    teams = merge.drafts_by_team(people, TEAM_LABELS)
    assert list(teams) == ["Facilitator", "Marketing", "Sales"]  # first appearance order
    assert teams["Facilitator"] == fac and teams["Sales"] == marcus  # one person each
    assert industries(teams["Marketing"]) == [["Software"]]
    assert teams["Marketing"].notes == {"pain": "priya / lena"}


def test_drafts_by_team_uses_the_role_when_it_has_no_label():
    draft = D(C(values=["Retail"]))
    assert merge.drafts_by_team([("partners", "Partners", draft)], TEAM_LABELS) == {
        "partners": draft}
    assert merge.drafts_by_team([], TEAM_LABELS) == {}


@pytest.mark.parametrize("labels", [{"marketing": "Marketing team", "sales": "Sales team"},
                                    {"marketing": "Demand gen", "sales": "Account execs"}])
def test_drafts_by_team_labels_come_from_the_mapping(labels):
    people = [("sales", "x", D(C(values=["Retail"]))), ("marketing", "y", D(C(values=["Media"])))]
    teams = merge.drafts_by_team(people, labels)
    assert list(teams) == [labels["sales"], labels["marketing"]]
    assert industries(teams[labels["marketing"]]) == [["Media"]]
