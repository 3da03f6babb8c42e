"""Two screens of the facilitator on the evidence page: one saves a change to the column
mapping, the other, drawn before, then changes something else and saves. The other screen's
form is drawn afresh from the mapping as saved (saying so), and its stale Save saves nothing:
it used to save every box as it was drawn, and put the first screen's change back without a
word. The room's stamp follows the mapping, so other screens rerun by themselves."""
from __future__ import annotations

from tests.test_mapping_editor_outcome_switch import (  # noqa: F401
    current,
    open_evidence,
    page,
    won_box,
)
from tests.widget_keys import own
from workshop import room
from workshop.db import make_engine, session
from workshop.mapping import Mapping


def test_a_stale_screen_never_saves_over_another_screens_mapping(page):  # noqa: F811
    _, params, url = page
    uid = current(url, params).id
    laptop, projector = open_evidence(params), open_evidence(params)
    assert won_box(laptop).value == ["Closed Won"]

    won_box(laptop).set_value(["Closed Won", "Closed Lost"]).run()
    own(laptop.button, f"evidence:save:{uid}").click().run()
    assert not laptop.exception and not laptop.error
    saved = Mapping.from_json(current(url, params).mapping_json)
    assert sorted(saved.won_values) == ["Closed Lost", "Closed Won"]
    assert not [i.value for i in laptop.info if "another screen" in i.value]  # its own save

    # The projector, drawn before, changes the outcome column and presses Save.
    own(projector.selectbox, f"evidence:outcome:{uid}").set_value("Lifecycle Stage")
    own(projector.button, f"evidence:save:{uid}").click().run()
    assert not projector.exception, projector.exception
    assert Mapping.from_json(current(url, params).mapping_json) == saved
    assert any("changed on another screen" in i.value for i in projector.info)
    assert sorted(won_box(projector).value) == ["Closed Lost", "Closed Won"]  # as saved now

    own(projector.button, f"evidence:save:{uid}").click().run()  # saved again as shown
    again = Mapping.from_json(current(url, params).mapping_json)
    assert again.outcome_column == "Deal Stage"
    assert sorted(again.won_values) == ["Closed Lost", "Closed Won"]


def test_the_rooms_stamp_moves_with_the_mapping(page):  # noqa: F811
    _, params, url = page
    uid = current(url, params).id
    engine = make_engine(url)
    with session(engine) as s:
        before = room.stamp(s, params["ws"])
    laptop = open_evidence(params)
    won_box(laptop).set_value(["Closed Won", "Closed Lost"]).run()
    own(laptop.button, f"evidence:save:{uid}").click().run()
    with session(engine) as s:
        after = room.stamp(s, params["ws"])
    engine.dispose()
    assert [field for field in room.FIELDS
            if getattr(before, field) != getattr(after, field)] == ["uploads"]
    assert after.uploads[0] == before.uploads[0] == uid
