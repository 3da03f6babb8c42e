"""The facilitator takes someone out of the workshop before the reveal (a join code found by
guessing, a person who joined by mistake or left): their draft is deleted unread, their link
stops working, and a reveal waiting only for them follows. Nobody else can; after the reveal, or
once they answered a proposal, they stay on record."""
from __future__ import annotations

import pytest
import sqlalchemy as sa
from streamlit.testing.v1 import AppTest

from tests.builders import C, D
from tests.test_pages import APP, texts
from workshop import store, versions
from workshop.db import make_engine, session
from workshop.models import Draft, Participant
from workshop.store import AccessDenied, Locked, NotFound


@pytest.fixture
def app_url(database_url, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", database_url)
    return database_url


def team(s) -> tuple[str, str, dict[str, str]]:
    """A workshop with Priya (marketing, by link), Sam (sales, by link) and Eve, who found the
    join code: (id, facilitator key, keys by name)."""
    workshop, fac = store.create_workshop(s, company="Acme", title="Q1", facilitator_name="Dana")
    secrets = store.invitations(s, workshop.id, fac).secrets
    keys = {"Priya": store.join_with_invite(s, secrets["marketing"], "Priya")[1],
            "Sam": store.join_with_invite(s, secrets["sales"], "Sam")[1]}
    code = store.invitations(s, workshop.id, fac).join_code
    keys["Eve"] = store.join_with_code(s, code, "sales", "Eve", client="203.0.113.9")[1]
    store.save_draft(s, workshop.id, keys["Eve"], D(C("industry", values=["Casinos"])), 0)
    return workshop.id, fac, keys


def person(s, workshop_id: str, fac: str, name: str) -> store.DraftStatus:
    return next(status for status in store.draft_statuses(s, workshop_id, fac)
                if status.name == name)


def test_the_facilitator_removes_someone_and_their_link_stops_working(session):
    workshop_id, fac, keys = team(session)
    eve = person(session, workshop_id, fac, "Eve")
    assert store.remove_participant(session, workshop_id, fac, eve.participant_id) == "Eve"
    assert "Eve" not in {status.name for status in
                         store.draft_statuses(session, workshop_id, fac)}
    for call in (lambda: store.authenticate(session, workshop_id, keys["Eve"]),
                 lambda: store.my_draft(session, workshop_id, keys["Eve"]),
                 lambda: store.save_draft(session, workshop_id, keys["Eve"], D(), 1)):
        with pytest.raises((NotFound, AccessDenied)):
            call()
    # the draft is gone, not kept aside: the reveal shows nothing of it
    assert session.exec(sa.select(sa.func.count()).select_from(Draft).where(
        Draft.participant_id == eve.participant_id)).scalar_one() == 0
    with pytest.raises(NotFound, match="removed already"):
        store.remove_participant(session, workshop_id, fac, eve.participant_id)
    store.reveal(session, workshop_id, fac)
    assert not any("Casinos" in d.to_json() for d in
                   store.revealed_drafts(session, workshop_id, fac).values())


def test_only_the_facilitator_removes_and_only_their_own_workshops_people(session):
    workshop_id, fac, keys = team(session)
    sam = person(session, workshop_id, fac, "Sam")
    for key in (keys["Priya"], keys["Eve"]):
        with pytest.raises(AccessDenied, match="Only the facilitator"):
            store.remove_participant(session, workshop_id, key, sam.participant_id)
    other_id, other_fac, _ = team(session)
    with pytest.raises(NotFound):  # a person of another workshop, through this one's key
        store.remove_participant(session, other_id, other_fac, sam.participant_id)
    facilitator = person(session, workshop_id, fac, "Dana")
    with pytest.raises(NotFound):  # the facilitator is not a team member to remove
        store.remove_participant(session, workshop_id, fac, facilitator.participant_id)
    assert session.get(Participant, sam.participant_id) is not None


def test_after_the_reveal_everyone_stays(session):
    workshop_id, fac, _ = team(session)
    store.reveal(session, workshop_id, fac)
    eve = person(session, workshop_id, fac, "Eve")
    with pytest.raises(Locked, match="Reopen the drafts first"):
        store.remove_participant(session, workshop_id, fac, eve.participant_id)
    store.reopen_drafts(session, workshop_id, fac)
    store.remove_participant(session, workshop_id, fac, eve.participant_id)


def test_someone_who_answered_a_proposal_stays_on_record(session):
    workshop_id, fac, keys = team(session)
    store.save_draft(session, workshop_id, fac, D(C("industry", values=["Software"])), 0)
    store.reveal(session, workshop_id, fac)
    shared = store.shared_state(session, workshop_id, fac)
    store.save_shared(session, workshop_id, fac, D(C("industry", values=["Software"])),
                      shared.revision)
    proposal = versions.propose(session, workshop_id, fac,
                                store.shared_state(session, workshop_id, fac).revision)
    assert proposal == 1
    open_proposal = versions.current_proposal(session, workshop_id, fac)
    versions.sign(session, workshop_id, keys["Sam"], open_proposal.id, agrees=False,
                  reason="Too broad")
    store.reopen_drafts(session, workshop_id, fac)
    sam = person(session, workshop_id, fac, "Sam")
    with pytest.raises(Locked, match="Sam answered a proposal for Sales"):
        store.remove_participant(session, workshop_id, fac, sam.participant_id)


def test_removing_the_last_one_not_done_sets_off_the_reveal_when_asked(session):
    workshop_id, fac, keys = team(session)
    store.set_auto_reveal(session, workshop_id, fac, True)
    for name in ("Priya", "Sam"):
        store.save_draft(session, workshop_id, keys[name], D(C("industry", values=["Retail"])),
                         0)
        store.set_done(session, workshop_id, keys[name], True)
    assert not store.is_revealed(session, workshop_id)  # Eve is still drafting
    store.remove_participant(session, workshop_id, fac,
                             person(session, workshop_id, fac, "Eve").participant_id)
    assert store.is_revealed(session, workshop_id)


def test_removing_a_whole_team_does_not_reveal(session):
    workshop_id, fac, keys = team(session)
    store.set_auto_reveal(session, workshop_id, fac, True)
    store.save_draft(session, workshop_id, keys["Priya"], D(C("industry", values=["Retail"])), 0)
    store.set_done(session, workshop_id, keys["Priya"], True)
    for name in ("Sam", "Eve"):
        store.remove_participant(session, workshop_id, fac,
                                 person(session, workshop_id, fac, name).participant_id)
    assert not store.is_revealed(session, workshop_id)  # sales has nobody: nothing to compare


def test_step_2_removes_someone_after_a_confirmation(app_url):
    engine = make_engine(app_url)
    with session(engine) as s:
        workshop_id, fac, keys = team(s)
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["ws"], at.query_params["key"] = workshop_id, fac
    at.switch_page("views/teams.py").run()
    assert not at.exception
    who = next(box for box in at.selectbox if box.key == "remove:who")
    assert set(who.options) == {"Priya · Marketing", "Sam · Sales", "Eve · Sales"}
    eve = next(p for p in who.options if p.startswith("Eve"))
    who.select(eve).run()
    remove = next(b for b in at.button if b.label == "Remove")
    assert remove.disabled  # not before the confirmation
    next(c for c in at.checkbox if c.key.startswith("remove:sure:")).check().run()
    next(b for b in at.button if b.label == "Remove").click().run()
    assert not at.exception
    with session(engine) as s:
        names = {status.name for status in store.draft_statuses(s, workshop_id, fac)}
    assert names == {"Dana", "Priya", "Sam"}
    assert "Eve" not in texts(at)
    # Eve's own page now only says her link is not valid
    gone = AppTest.from_file(APP, default_timeout=60)
    gone.query_params["ws"], gone.query_params["key"] = workshop_id, keys["Eve"]
    gone.switch_page("views/draft.py").run()
    assert not gone.exception and gone.error and not gone.text_input
    assert "Casinos" not in texts(gone)
