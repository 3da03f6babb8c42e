"""Two screens on the evidence page: one changes the leads one rep can work, the other, drawn
before, then changes the number of reps. Each box keeps what was typed in it, beside the other
box as stored: the second screen used to save both of its boxes, and put the first screen's
figure back without a word. The capacity is part of the room's stamp, so the other screens
follow it by themselves."""
from __future__ import annotations

from tests.test_agree_walk import app_url, drafted_workshop, open_as  # noqa: F401
from tests.widget_keys import own
from workshop import room
from workshop.capacity import Capacity, capacity, set_capacity
from workshop.db import make_engine, session

EVIDENCE = "views/evidence.py"


def stored(url: str, workshop_id: str, token: str) -> Capacity:
    engine = make_engine(url)
    with session(engine) as s:
        found = capacity(s, workshop_id, token)
    engine.dispose()
    return found


def test_a_stale_screen_keeps_only_the_box_it_changed(app_url):  # noqa: F811
    workshop_id, tokens = drafted_workshop(app_url)
    first = open_as(workshop_id, tokens["facilitator"], EVIDENCE)
    second = open_as(workshop_id, tokens["facilitator"], EVIDENCE)  # another screen, 5 × 40

    own(first.number_input, "evidence:per-rep").set_value(60).run()
    assert stored(app_url, workshop_id, tokens["facilitator"]) == Capacity(5, 60)

    own(second.number_input, "evidence:reps").set_value(33).run()
    assert not second.exception, second.exception
    assert stored(app_url, workshop_id, tokens["facilitator"]) == Capacity(33, 60)
    assert own(second.number_input, "evidence:per-rep").value == 60  # and it shows it

    first.run()  # the first screen's next run shows the other box's change
    assert own(first.number_input, "evidence:reps").value == 33
    assert own(first.number_input, "evidence:per-rep").value == 60


def test_the_rooms_stamp_moves_with_the_capacity(app_url):  # noqa: F811
    workshop_id, tokens = drafted_workshop(app_url)
    engine = make_engine(app_url)
    with session(engine) as s:
        before = room.stamp(s, workshop_id)
        set_capacity(s, workshop_id, tokens["marketing"], 12, 25)
    with session(engine) as s:
        after = room.stamp(s, workshop_id)
    engine.dispose()
    assert after.capacity == (12, 25) != before.capacity
    assert [field for field in room.FIELDS
            if getattr(before, field) != getattr(after, field)] == ["capacity"]
