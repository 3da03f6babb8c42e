"""Someone removed while it is their turn at the shared screen: the screen goes back to the
facilitator, with a sentence, and nothing more of theirs is saved.

The facilitator removed a turn-taker from their phone while the turn-taker typed: the shared
screen showed a traceback (`AccessDenied` out of the form's save), and then stayed locked to a
turn whose key no longer opened anything ("nothing else opens here until they press Done")
until the browser was quit.
"""
from __future__ import annotations

from streamlit.testing.v1 import AppTest

from tests.test_pages import texts
from tests.test_turn_pins import _facilitator_screen as facilitator_screen
from tests.test_turns import app_url  # noqa: F401 - fixture
from tests.turn_pin import choose_pin
from workshop import store
from workshop.db import make_engine, session


def turn_of_alex(database_url: str) -> tuple[AppTest, str, str, str]:
    """The facilitator's screen in Alex's turn, the PIN chosen: (the page, workshop, the
    facilitator's key, Alex's)."""
    at, workshop_id, fac = facilitator_screen(database_url)
    choose_pin(at)
    return at, workshop_id, fac, at.query_params["key"]


def remove(database_url: str, workshop_id: str, fac: str, token: str) -> None:
    engine = make_engine(database_url)
    with session(engine) as s:
        person = store.authenticate(s, workshop_id, token).participant_id
        store.remove_participant(s, workshop_id, fac, person)
    engine.dispose()


def test_a_change_after_the_removal_is_not_saved_and_the_screen_goes_back(app_url):  # noqa: F811
    at, workshop_id, fac, alex = turn_of_alex(app_url)
    assert at.multiselect  # her draft's first question
    remove(app_url, workshop_id, fac, alex)
    at.multiselect[0].select(at.multiselect[0].options[0]).run()
    assert not at.exception
    assert at.query_params["key"] == fac  # the facilitator's screen again
    said = texts(at)
    assert "its person was removed from the workshop" in said
    assert "nothing else opens here" not in said
    at.switch_page("views/compare.py").run()  # no page is locked to the turn any more
    assert not at.exception and "nothing else opens here" not in texts(at)


def test_the_next_run_after_the_removal_hands_the_screen_back(app_url):  # noqa: F811
    at, workshop_id, fac, alex = turn_of_alex(app_url)
    remove(app_url, workshop_id, fac, alex)
    at.run()
    assert not at.exception
    assert at.query_params["key"] == fac
    assert "its person was removed from the workshop" in texts(at)
