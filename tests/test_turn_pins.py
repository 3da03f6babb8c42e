"""Nobody peeks through a turn: a draft typed at the shared screen opens there again only with
its author's PIN, chosen before they typed anything. Before, the facilitator could press
"Reopen Alex's turn" (or "Continue") while Alex was out of the room and read Alex's draft.

The domain through plain calls on both engines; the teams and draft pages through AppTest."""
from __future__ import annotations

import pytest
from sqlmodel import select
from streamlit.testing.v1 import AppTest

from tests.builders import C, D
from tests.test_access_pages import everything
from tests.test_pages import APP, texts
from tests.turn_pin import PIN, asks_for_a_pin, choose_pin
from workshop import pins, store
from workshop.db import make_engine, session
from workshop.models import Participant
from workshop.store import AccessDenied, Locked

ALEX_SECRET = "Alexsownsecretindustry"


@pytest.fixture
def app_url(database_url, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", database_url)
    return database_url


def _turn(s, pin: str | None = PIN) -> tuple[str, str, str]:
    workshop, fac = store.create_workshop(s, company="Acme", title="Q1",
                                          facilitator_name="Dana")
    alex = store.start_turn(s, workshop.id, fac, role="marketing", name="Alex")
    if pin is not None:
        store.set_turn_pin(s, workshop.id, alex, pin)
    store.save_draft(s, workshop.id, alex, D(C("industry", values=[ALEX_SECRET])), 0)
    store.set_done(s, workshop.id, alex, True)
    return workshop.id, fac, alex


def _stored_pin(s, token: str) -> tuple[str | None, int]:
    row = s.exec(select(Participant).where(Participant.token == token)).one()
    return row.turn_pin, row.turn_pin_misses


def test_a_finished_turn_reopens_only_with_its_pin(session):
    workshop_id, fac, alex = _turn(session)
    with pytest.raises(AccessDenied, match="Alex types their PIN"):
        store.start_turn(session, workshop_id, fac, role="marketing", name="Alex", reopen=True)
    with pytest.raises(AccessDenied, match="That is not Alex's PIN"):
        store.start_turn(session, workshop_id, fac, role="marketing", name="Alex", reopen=True,
                         pin="1357")
    assert store.my_draft(session, workshop_id, alex)[2] is True  # still finished, covered
    assert _stored_pin(session, alex)[1] == 1  # the wrong PIN is counted
    assert store.start_turn(session, workshop_id, fac, role="marketing", name="Alex",
                            reopen=True, pin=PIN) == alex
    assert store.my_draft(session, workshop_id, alex)[2] is False
    assert _stored_pin(session, alex)[1] == 0  # the right one clears the count


def test_a_turn_left_unfinished_continues_only_with_its_pin(session):
    workshop, fac = store.create_workshop(session, company="Acme", title="Q1",
                                          facilitator_name="Dana")
    alex = store.start_turn(session, workshop.id, fac, role="marketing", name="Alex")
    store.set_turn_pin(session, workshop.id, alex, PIN)
    store.save_draft(session, workshop.id, alex, D(C("industry", values=[ALEX_SECRET])), 0)
    with pytest.raises(AccessDenied, match="Alex types their PIN"):
        store.start_turn(session, workshop.id, fac, role="marketing", name="alex ")
    assert store.start_turn(session, workshop.id, fac, role="marketing", name="Alex",
                            pin=PIN) == alex


def test_guessing_stops_after_a_few_wrong_pins_and_removing_starts_afresh(session):
    workshop_id, fac, alex = _turn(session)
    for guess in range(pins.MAX_MISSES):
        with pytest.raises(AccessDenied):
            store.start_turn(session, workshop_id, fac, role="marketing", name="Alex",
                             reopen=True, pin=f"{guess:04d}")
    with pytest.raises(Locked, match="Too many wrong PINs"):  # even the right one, now
        store.start_turn(session, workshop_id, fac, role="marketing", name="Alex", reopen=True,
                         pin=PIN)
    assert store.my_draft(session, workshop_id, alex)[2] is True
    # Forgotten or guessed at: the facilitator removes Alex, unread, and adds him again.
    alex_id = next(s.participant_id for s in store.draft_statuses(session, workshop_id, fac)
                   if s.name == "Alex")
    store.remove_participant(session, workshop_id, fac, alex_id)
    again = store.start_turn(session, workshop_id, fac, role="marketing", name="Alex")
    assert again != alex and store.my_draft(session, workshop_id, again)[0].is_empty()


def test_the_pin_is_chosen_once_by_the_turns_author_and_stored_hashed(session):
    workshop_id, fac, alex = _turn(session)
    stored, _ = _stored_pin(session, alex)
    assert stored and PIN not in stored.split("$") and pins.matches(PIN, stored)
    assert stored.startswith("pbkdf2-sha256$")
    with pytest.raises(Locked, match="has its PIN already"):
        store.set_turn_pin(session, workshop_id, alex, "9999")
    assert pins.matches(PIN, _stored_pin(session, alex)[0])
    with pytest.raises(AccessDenied, match="taking turns at the shared screen"):
        store.set_turn_pin(session, workshop_id, fac, "9999")
    secrets = store.invitations(session, workshop_id, fac).secrets
    _, sam = store.join_with_invite(session, secrets["sales"], "Sam")
    with pytest.raises(AccessDenied, match="taking turns at the shared screen"):
        store.set_turn_pin(session, workshop_id, sam, "9999")
    lee = store.start_turn(session, workshop_id, fac, role="sales", name="Lee")
    for bad in ("123", "123456789", "12a4", "", " 1234", "١٢٣٤"):
        with pytest.raises(ValueError, match="4 to 8 digits"):
            store.set_turn_pin(session, workshop_id, lee, bad)
    assert {s.name: s.pinned for s in store.draft_statuses(session, workshop_id, fac)} == {
        "Dana": False, "Alex": True, "Sam": False, "Lee": False}


@pytest.mark.parametrize("stored", ["", "1234", "pbkdf2-sha256$x$y$z", "pbkdf2-sha256$5$s$d",
                                    "md5$1$2$3", "pbkdf2-sha256$60000$salt"])
def test_a_damaged_stored_pin_opens_nothing(stored):
    assert not pins.matches(PIN, stored) and not pins.matches("1234", stored)


# --- through the pages ------------------------------------------------------------------------

def _facilitator_screen(url: str) -> tuple[AppTest, str, str]:
    engine = make_engine(url)
    with session(engine) as s:
        workshop, fac = store.create_workshop(s, company="Acme", title="Q1",
                                              facilitator_name="Dana")
    engine.dispose()
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params.update({"ws": workshop.id, "key": fac})
    at.run()
    at.switch_page("views/teams.py").run()
    next(t for t in at.text_input if "marketing" in t.label).input("Alex")
    next(b for b in at.button if b.label == "Start marketing's turn").click().run()
    at.switch_page("views/draft.py").run()
    assert not at.exception
    return at, workshop.id, fac


def test_a_turn_asks_for_its_pin_before_anything_is_typed(app_url):
    at, _, fac = _facilitator_screen(app_url)
    assert "Marketing's turn: Alex" in texts(at)
    assert asks_for_a_pin(at) and not at.multiselect
    assert not [b for b in at.button if b.label.startswith("✅ Done")]
    assert all(t.proto.type == t.proto.PASSWORD for t in at.text_input if "PIN" in t.label)
    choose_pin(at, "2468", again="2469")
    assert "The two PINs differ" in texts(at) and not at.multiselect
    choose_pin(at, "12")
    assert "4 to 8 digits" in texts(at) and not at.multiselect
    choose_pin(at)
    assert at.multiselect and not asks_for_a_pin(at)
    assert at.query_params["key"] != fac


def test_not_now_hands_the_screen_back_and_the_turn_starts_again_later(app_url):
    at, _, fac = _facilitator_screen(app_url)
    next(b for b in at.button if b.label == "Not now: hand the screen back").click().run()
    assert not at.exception and at.query_params["key"] == fac
    at.switch_page("views/teams.py").run()
    next(b for b in at.button if b.label == "Continue Alex's turn").click().run()
    at.switch_page("views/draft.py").run()
    assert asks_for_a_pin(at)  # nothing was typed: no PIN yet, the turn asks again


def test_the_facilitator_cannot_reopen_a_finished_turn_without_its_author(app_url):
    at, workshop_id, fac = _facilitator_screen(app_url)
    choose_pin(at)
    engine = make_engine(app_url)
    with session(engine) as s:
        alex = at.query_params["key"]
        _, revision, _ = store.my_draft(s, workshop_id, alex)
        store.save_draft(s, workshop_id, alex, D(C("industry", values=[ALEX_SECRET])),
                         revision)
    engine.dispose()
    at.switch_page("views/draft.py").run()
    next(b for b in at.button if b.label.startswith("✅ Done")).click().run()
    assert at.query_params["key"] == fac
    at.switch_page("views/teams.py").run()
    assert not [b for b in at.button if b.key == f"reopen:{_alex_id(app_url, workshop_id)}"]
    pin_box = next(t for t in at.text_input if t.label == "Alex, type your PIN")
    assert pin_box.proto.type == pin_box.proto.PASSWORD
    for typed, said in (("", "Alex types their PIN"), ("1111", "That is not Alex's PIN")):
        # the facilitator alone: nothing typed, or a guess
        pin_box = next(t for t in at.text_input if t.label == "Alex, type your PIN")
        pin_box.input(typed)
        next(b for b in at.button if b.label == "Reopen Alex's turn").click().run()
        assert not at.exception
        assert at.query_params["key"] == fac  # the screen stays the facilitator's
        assert ALEX_SECRET not in everything(at)
        assert said in texts(at)
    next(t for t in at.text_input if t.label == "Alex, type your PIN").input(PIN)
    next(b for b in at.button if b.label == "Reopen Alex's turn").click().run()
    at.switch_page("views/draft.py").run()
    assert "Marketing's turn: Alex" in texts(at)
    assert ALEX_SECRET in everything(at)  # Alex, at the screen, has his draft back


def _alex_id(url: str, workshop_id: str) -> int:
    engine = make_engine(url)
    with session(engine) as s:
        row = s.exec(select(Participant).where(Participant.workshop_id == workshop_id,
                                               Participant.name == "Alex")).one()
    engine.dispose()
    return row.id


def test_tries_sent_at_the_same_moment_are_counted_before_they_are_checked(session):
    """Each request reads the person's row before the slow PIN hash; 200 guesses sent at once
    had 24 checked. Every try now takes its place under the limit first, whatever the row it
    read said."""
    workshop_id, fac, alex = _turn(session)
    stale = session.exec(select(Participant).where(Participant.token == alex)).one()
    outcomes = []
    for guess in range(pins.MAX_MISSES + 5):
        session.expunge_all()  # every request read the row when nobody had tried yet
        try:
            store._check_turn_pin(session, stale, f"{guess:04d}")
        except (AccessDenied, Locked) as error:
            outcomes.append(type(error).__name__)
    assert outcomes == ["AccessDenied"] * pins.MAX_MISSES + ["Locked"] * 5
    with pytest.raises(Locked):
        store._check_turn_pin(session, stale, PIN)


def test_reopening_the_drafts_after_the_reveal_lifts_a_lock(session):
    workshop_id, fac, alex = _turn(session)
    for guess in range(pins.MAX_MISSES):
        with pytest.raises(AccessDenied):
            store.start_turn(session, workshop_id, fac, role="marketing", name="Alex",
                             reopen=True, pin=f"{guess:04d}")
    store.reveal(session, workshop_id, fac)
    store.reopen_drafts(session, workshop_id, fac)  # every draft has been read by now
    assert store.start_turn(session, workshop_id, fac, role="marketing", name="Alex",
                            reopen=True, pin=PIN) == alex


def test_a_session_that_has_not_seen_the_pin_asks_for_it_before_the_draft(app_url,
                                                                           monkeypatch):
    """The turn's address from the browser's history, opened in a new session with the
    device's mark of the turn written by hand (a cookie the browser lets anyone write): the
    draft showed, and could be changed and handed in, without the PIN."""
    import workshop.ui.context as context

    at, workshop_id, fac = _facilitator_screen(app_url)
    choose_pin(at)
    alex = at.query_params["key"]
    engine = make_engine(app_url)
    with session(engine) as s:
        _, revision, _ = store.my_draft(s, workshop_id, alex)
        store.save_draft(s, workshop_id, alex, D(C("industry", values=[ALEX_SECRET])),
                         revision)
    engine.dispose()
    monkeypatch.setattr(context, "marked_turn", lambda: (workshop_id, alex))
    forged = AppTest.from_file(APP, default_timeout=60)
    forged.query_params.update({"ws": workshop_id, "key": alex})
    forged.run()
    forged.switch_page("views/draft.py").run()
    assert not forged.exception
    assert "Alex, type your PIN" in texts(forged)
    assert ALEX_SECRET not in everything(forged) and not forged.multiselect
    assert not [b for b in forged.button if b.label.startswith("✅ Done")]
    next(t for t in forged.text_input if t.label == "Your PIN").input("1111")
    next(b for b in forged.button if b.label == "Carry on").click().run()
    assert "That is not Alex's PIN" in texts(forged) and ALEX_SECRET not in everything(forged)
    next(t for t in forged.text_input if t.label == "Your PIN").input(PIN)
    next(b for b in forged.button if b.label == "Carry on").click().run()
    assert ALEX_SECRET in everything(forged)  # Alex, back at the refreshed screen
    # the screen that chose the PIN carries on as it was
    at.switch_page("views/draft.py").run()
    assert ALEX_SECRET in everything(at)
