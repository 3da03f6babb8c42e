"""Recording an answer given in the room never replaces a team's own answer by accident: the
form starts on the first team still to answer, and an answer a team already gave (an objection
typed on its own device, say) is replaced only when the facilitator ticks that it should be.
It used to be replaced at once, the Team box already on Marketing."""
from __future__ import annotations

from tests.test_agree_walk import COMPARE, app_url, open_as, proposed  # noqa: F401
from tests.test_own_devices import texts
from workshop import versions
from workshop.db import make_engine, session

REPLACE = "Replace the answer this team already gave"


def proposed_with_an_objection(url: str) -> tuple[str, dict[str, str], int]:
    workshop_id, tokens, proposal = proposed(url)
    engine = make_engine(url)
    with session(engine) as s:
        versions.sign(s, workshop_id, tokens["marketing"], proposal.id, agrees=False,
                      reason="Healthcare belongs in it")
    engine.dispose()
    return workshop_id, tokens, proposal.id


def answers(url: str, workshop_id: str, token: str) -> dict[str, versions.Answer]:
    engine = make_engine(url)
    with session(engine) as s:
        proposal = versions.current_proposal(s, workshop_id, token)
    engine.dispose()
    return proposal.answers


def record(at, team: str, name: str, replace: bool) -> None:
    next(s for s in at.selectbox if s.label == "Team").set_value(team)
    next(t for t in at.text_input if t.label == "Name of the person answering").input(name)
    next(c for c in at.checkbox if c.label == REPLACE).set_value(replace)
    next(b for b in at.button if b.label == "Record the answer").click().run()
    assert not at.exception, at.exception


def test_a_team_s_own_objection_is_replaced_only_on_purpose(app_url):  # noqa: F811
    workshop_id, tokens, _ = proposed_with_an_objection(app_url)
    dana = open_as(workshop_id, tokens["facilitator"], COMPARE)
    assert next(s for s in dana.selectbox if s.label == "Team").value == "sales"

    record(dana, "marketing", "Sam", replace=False)
    assert "Marketing has already answered: objected (Priya): “Healthcare belongs in it”" \
        in texts(dana)
    kept = answers(app_url, workshop_id, tokens["facilitator"])["marketing"]
    assert (kept.name, kept.agrees, kept.in_room) == ("Priya", False, False)

    dana = open_as(workshop_id, tokens["facilitator"], COMPARE)
    record(dana, "marketing", "Priya", replace=True)
    given = answers(app_url, workshop_id, tokens["facilitator"])["marketing"]
    assert (given.name, given.agrees, given.in_room) == ("Priya", True, True)


def test_a_team_still_to_answer_is_recorded_at_once(app_url):  # noqa: F811
    workshop_id, tokens, _ = proposed_with_an_objection(app_url)
    dana = open_as(workshop_id, tokens["facilitator"], COMPARE)
    record(dana, "sales", "Marcus", replace=False)
    given = answers(app_url, workshop_id, tokens["facilitator"])["sales"]
    assert (given.name, given.agrees, given.in_room) == ("Marcus", True, True)
