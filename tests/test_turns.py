"""Taking turns at one shared screen: only people added there take turns, and a turn holds
nothing of the facilitator's.

Someone who joined on their own device is never handed to anyone: the facilitator cannot
continue, reopen or open their draft (before the reveal) nor act as them (after it). While a
person has the screen, the session holds their key only: every page shows what any participant
sees and nothing of the facilitator's draft, steps or controls; pressing Done hands the screen
back.
"""
from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from tests.builders import C, D
from tests.test_access_pages import FACILITATOR_ONLY, everything
from tests.test_pages import APP, texts
from tests.turn_pin import choose_pin
from workshop import store
from workshop.db import make_engine, session
from workshop.store import AccessDenied

SECRET = "Facilitatorsonlysecretindustry"


@pytest.fixture
def app_url(database_url, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", database_url)
    return database_url


def test_someone_who_joined_on_their_own_device_is_never_handed_over(session):
    workshop, fac = store.create_workshop(session, company="Acme", title="Q1",
                                          facilitator_name="Dana")
    secrets = store.invitations(session, workshop.id, fac).secrets
    _, sam = store.join_with_invite(session, secrets["sales"], "Sam")
    code = store.invitations(session, workshop.id, fac).join_code
    _, mia = store.join_with_code(session, code, "marketing", "Mia", client="room")
    store.save_draft(session, workshop.id, sam, D(C("industry", values=["Mining"])), 0)
    store.set_done(session, workshop.id, sam, True)
    for role, name in (("sales", "Sam"), ("sales", "sam "), ("marketing", "Mia")):
        for reopen in (False, True):
            with pytest.raises(AccessDenied, match="joined on their own device"):
                store.start_turn(session, workshop.id, fac, role=role, name=name,
                                 reopen=reopen)
    assert store.my_draft(session, workshop.id, sam)[2] is True  # still finished and covered
    statuses = {s.name: s for s in store.draft_statuses(session, workshop.id, fac)}
    assert not statuses["Sam"].at_screen and not statuses["Mia"].at_screen
    # Someone added at the screen takes turns, under any spelling of their name.
    lee = store.start_turn(session, workshop.id, fac, role="sales", name="Lee")
    assert store.start_turn(session, workshop.id, fac, role="sales", name=" LEE") == lee
    assert {s.name: s.at_screen for s in store.draft_statuses(session, workshop.id, fac)}[
        "Lee"] is True


def facilitator_with_a_team(url: str) -> tuple[str, str]:
    """A workshop whose facilitator wrote a recognisable draft; Sam joined on his device."""
    engine = make_engine(url)
    with session(engine) as s:
        workshop, fac = store.create_workshop(s, company="Acme", title="Q1",
                                              facilitator_name="Dana")
        store.save_draft(s, workshop.id, fac, D(C("industry", values=[SECRET])), 0)
        secret = store.invitations(s, workshop.id, fac).secrets["sales"]
        store.join_with_invite(s, secret, "Sam")
    engine.dispose()
    return workshop.id, fac


def test_the_turns_panel_offers_no_turn_of_someone_on_their_own_device(app_url):
    workshop_id, fac = facilitator_with_a_team(app_url)
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params.update({"ws": workshop_id, "key": fac})
    at.run()
    at.switch_page("views/teams.py").run()
    assert "Sam drafts on their own device." in texts(at)
    assert not [b for b in at.button if "Sam" in b.label]


def test_a_turn_holds_nothing_of_the_facilitators(app_url):
    workshop_id, fac = facilitator_with_a_team(app_url)
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params.update({"ws": workshop_id, "key": fac})
    at.run()
    at.switch_page("views/teams.py").run()
    next(t for t in at.text_input if "marketing" in t.label).input("Priya")
    next(b for b in at.button if b.label == "Start marketing's turn").click().run()
    assert not at.exception
    turn_key = at.query_params["key"]
    assert turn_key != fac and fac not in str(at.query_params)
    for page in ("draft", "facilitator", "teams", "compare", "evidence", "communicate",
                 "history", "home"):
        at.switch_page(f"views/{page}.py").run()
        assert not at.exception, page
        seen = everything(at)
        assert SECRET not in seen, f"the facilitator's draft shows on {page} during a turn"
        assert fac not in seen, f"the facilitator's key reaches {page} during a turn"
        for control in FACILITATOR_ONLY:
            assert control not in seen, f"{control!r} is offered on {page} during a turn"
    at.switch_page("views/draft.py").run()
    assert "Marketing's turn: Priya" in texts(at)
    assert turn_key not in texts(at)  # no personal link printed on the shared screen
    choose_pin(at)
    assert SECRET not in everything(at) and fac not in everything(at)
    next(b for b in at.button if b.label.startswith("✅ Done")).click().run()
    assert not at.exception
    assert at.query_params["key"] == fac  # the screen is the facilitator's again
    at.switch_page("views/teams.py").run()
    assert "Priya" in texts(at) and "✅ done" in texts(at)
