"""The facilitator's "Reveal by itself as soon as everyone is done" shows what is stored: turned
on on the laptop, it is on on the projector after its next run (it stayed off there until a
reload), and it is drawn under a key of each session's own (see workshop.ui.own_keys)."""
from __future__ import annotations

from tests.restarted import restarted
from tests.test_agree_walk import app_url, drafted_workshop  # noqa: F401
from tests.test_own_devices import new_app
from tests.widget_keys import own
from workshop import store
from workshop.db import make_engine, session

TEAMS = "views/teams.py"


def drafting(url: str) -> tuple[str, dict[str, str]]:
    """Sales still drafting: turning the switch on reveals nothing yet."""
    workshop_id, tokens = drafted_workshop(url)
    engine = make_engine(url)
    with session(engine) as s:
        store.set_done(s, workshop_id, tokens["sales"], False)
    engine.dispose()
    return workshop_id, tokens


def auto_reveal(url: str, workshop_id: str) -> bool:
    engine = make_engine(url)
    with session(engine) as s:
        on = store.get_workshop(s, workshop_id).auto_reveal
    engine.dispose()
    return on


def test_the_switch_follows_another_screen(app_url):  # noqa: F811
    workshop_id, tokens = drafting(app_url)
    params = {"ws": workshop_id, "key": tokens["facilitator"]}
    laptop, projector = new_app(params, TEAMS), new_app(params, TEAMS)
    assert own(projector.toggle, "auto-reveal").value is False

    own(laptop.toggle, "auto-reveal").set_value(True).run()
    assert not laptop.exception, laptop.exception
    assert auto_reveal(app_url, workshop_id) is True
    assert own(laptop.toggle, "auto-reveal").value is True
    projector.run()
    assert own(projector.toggle, "auto-reveal").value is True

    own(projector.toggle, "auto-reveal").set_value(False).run()
    assert auto_reveal(app_url, workshop_id) is False
    laptop.run()
    assert own(laptop.toggle, "auto-reveal").value is False


def test_a_page_from_before_a_restart_does_not_turn_it_back(app_url):  # noqa: F811
    workshop_id, tokens = drafting(app_url)
    params = {"ws": workshop_id, "key": tokens["facilitator"]}
    old = new_app(params, TEAMS)  # drawn with it off
    handed = old._tree.get_widget_states()
    engine = make_engine(app_url)
    with session(engine) as s:
        store.set_auto_reveal(s, workshop_id, tokens["facilitator"], True)
    engine.dispose()

    after = restarted(params, TEAMS, handed, reruns=2)
    assert auto_reveal(app_url, workshop_id) is True
    assert own(after.toggle, "auto-reveal").value is True
