"""Joining picks no team for anyone, and a participant who picked the wrong one moves to the
other before the reveal, with their draft; never onto a name the team already has, never
after the reveal, never the facilitator."""
from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from tests.builders import C, D
from tests.test_pages import APP, texts
from workshop import store
from workshop.db import make_engine, session
from workshop.store import AccessDenied, Locked


def team(s) -> tuple[str, str, dict[str, str]]:
    workshop, fac = store.create_workshop(s, company="Acme", title="Q1", facilitator_name="Dana")
    links = store.invitations(s, workshop.id, fac).secrets
    keys = {"Priya": store.join_with_invite(s, links["marketing"], "Priya")[1],
            "Sam": store.join_with_invite(s, links["sales"], "Sam")[1]}
    return workshop.id, fac, keys


def role_of(s, workshop_id: str, key: str) -> str:
    return store.authenticate(s, workshop_id, key).role


def test_a_participant_moves_to_the_other_team_with_their_draft(session):
    workshop_id, fac, keys = team(session)
    store.save_draft(session, workshop_id, keys["Sam"], D(C("industry", values=["Retail"])), 0)
    store.switch_team(session, workshop_id, keys["Sam"], "marketing")
    assert role_of(session, workshop_id, keys["Sam"]) == "marketing"
    definition, revision, _ = store.my_draft(session, workshop_id, keys["Sam"])
    assert (definition, revision) == (D(C("industry", values=["Retail"])), 1)
    statuses = {st.name: st.role for st in store.draft_statuses(session, workshop_id, fac)}
    assert statuses == {"Dana": "facilitator", "Priya": "marketing", "Sam": "marketing"}
    store.switch_team(session, workshop_id, keys["Sam"], "sales")  # and back
    assert role_of(session, workshop_id, keys["Sam"]) == "sales"


def test_a_name_the_other_team_has_is_refused_and_nothing_moves(session):
    workshop_id, fac, keys = team(session)
    code = store.invitations(session, workshop_id, fac).join_code
    other = store.join_with_code(session, code, "sales", "priya", client="203.0.113.9")[1]
    with pytest.raises(ValueError, match="Someone called Priya has already joined sales"):
        store.switch_team(session, workshop_id, keys["Priya"], "sales")
    assert role_of(session, workshop_id, keys["Priya"]) == "marketing"
    assert role_of(session, workshop_id, other) == "sales"


def test_no_move_after_the_reveal_for_the_facilitator_or_to_no_team(session):
    workshop_id, fac, keys = team(session)
    with pytest.raises(AccessDenied):
        store.switch_team(session, workshop_id, fac, "sales")
    with pytest.raises(ValueError, match="Pick marketing or sales"):
        store.switch_team(session, workshop_id, keys["Priya"], "facilitator")
    with pytest.raises(AccessDenied):
        store.switch_team(session, workshop_id, "not-a-key-of-this-workshop-000000", "sales")
    store.reveal(session, workshop_id, fac)
    with pytest.raises(Locked):
        store.switch_team(session, workshop_id, keys["Priya"], "sales")
    assert role_of(session, workshop_id, keys["Priya"]) == "marketing"


def test_a_move_that_completes_both_teams_all_done_reveals_when_asked_to(session):
    workshop, fac = store.create_workshop(session, company="Acme", title="Q1",
                                          facilitator_name="Dana")
    code = store.invitations(session, workshop.id, fac).join_code
    a = store.join_with_code(session, code, "marketing", "Ann", client="203.0.113.9")[1]
    b = store.join_with_code(session, code, "marketing", "Bob", client="203.0.113.9")[1]
    store.set_auto_reveal(session, workshop.id, fac, True)
    store.set_done(session, workshop.id, a, True)
    store.set_done(session, workshop.id, b, True)
    assert not store.is_revealed(session, workshop.id)  # nobody in sales yet
    store.switch_team(session, workshop.id, b, "sales")
    assert store.is_revealed(session, workshop.id)


@pytest.fixture
def app_url(database_url, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", database_url)
    return database_url


def test_the_draft_page_moves_a_participant_to_the_other_team(app_url):
    engine = make_engine(app_url)
    with session(engine) as s:
        workshop_id, _, keys = team(s)
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params.update({"ws": workshop_id, "key": keys["Sam"]})
    at.switch_page("views/draft.py").run()
    assert "Wrong team? You are in sales" in [e.label for e in at.expander]
    at.button(key="draft:switch-team").click().run()
    assert not at.exception, at.exception
    assert "Marketing · bookmark" in texts(at)
    with session(engine) as s:
        assert role_of(s, workshop_id, keys["Sam"]) == "marketing"
    engine.dispose()
