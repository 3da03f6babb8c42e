"""After a server restart the browser hands the new session the widget values its page still
shows, and asks for reruns with them. Widgets drawn from the database that save as soon as they
change (sales capacity, "Up for discussion") are drawn under keys of each session's own, so a
value the old page showed from before another screen's change is never saved over the room's."""
from __future__ import annotations

from tests.restarted import restarted
from tests.test_agree_walk import COMPARE, app_url, drafted_workshop, open_as  # noqa: F401
from tests.widget_keys import own
from workshop import store, versions
from workshop.capacity import Capacity, capacity, set_capacity
from workshop.db import make_engine, session

EVIDENCE = "views/evidence.py"


def test_the_capacity_another_screen_set_is_kept(app_url):  # noqa: F811
    workshop_id, tokens = drafted_workshop(app_url)
    fac = tokens["facilitator"]
    old = open_as(workshop_id, fac, EVIDENCE)  # drawn with 5 × 40
    handed = old._tree.get_widget_states()
    engine = make_engine(app_url)
    with session(engine) as s:
        set_capacity(s, workshop_id, tokens["sales"], 12, 25)

    after = restarted({"ws": workshop_id, "key": fac}, EVIDENCE, handed, reruns=2)
    with session(engine) as s:
        assert capacity(s, workshop_id, fac) == Capacity(12, 25)
    engine.dispose()
    assert own(after.number_input, "evidence:reps").value == 12
    assert own(after.number_input, "evidence:per-rep").value == 25


def test_a_question_put_up_for_discussion_on_another_screen_stays_up(app_url):  # noqa: F811
    workshop_id, tokens = drafted_workshop(app_url)
    fac = tokens["facilitator"]
    engine = make_engine(app_url)
    with session(engine) as s:
        store.reveal(s, workshop_id, fac)
    old = open_as(workshop_id, fac, COMPARE)  # every question drawn as not up
    handed = old._tree.get_widget_states()
    with session(engine) as s:
        versions.set_discussion(s, workshop_id, fac, "industry", open=True, note="",
                                expected_revision=0)

    after = restarted({"ws": workshop_id, "key": fac}, COMPARE, handed, reruns=2)
    with session(engine) as s:
        point = versions.discussion(s, workshop_id, fac)["industry"]
        assert point.open and point.revision == 1
        assert [c.summary for c in versions.changes(s, workshop_id, fac)] == []
    engine.dispose()
    assert own(after.toggle, "discuss-open:industry").value is True
