"""Object sends the reason the box shows. Typed on a phone and saved, then changed on a laptop
and saved, the phone's box shows the laptop's reason after its next run — and Object used to
send the phone's own older text, which it still held as the last it had sent."""
from __future__ import annotations

import json

from tests.autosave_typing import _proto, autosave_box, type_into
from tests.test_agree_walk import COMPARE, app_url, open_as, proposed  # noqa: F401
from workshop import versions
from workshop.db import make_engine, session


def answer_of(url: str, workshop_id: str, token: str) -> versions.Answer | None:
    engine = make_engine(url)
    with session(engine) as s:
        proposal = versions.current_proposal(s, workshop_id, token)
    engine.dispose()
    return proposal.answers.get("marketing")


def test_object_sends_what_the_box_shows_after_another_device_saved(app_url):  # noqa: F811
    workshop_id, tokens, proposal = proposed(app_url)
    box = f"agree:reason:{proposal.id}"
    phone = open_as(workshop_id, tokens["marketing"], COMPARE)
    laptop = open_as(workshop_id, tokens["marketing"], COMPARE)

    type_into(phone, box, "R1 from the phone")
    assert autosave_box(phone, box)["value"] == "R1 from the phone"
    laptop.run()  # shows the phone's reason, then changes it
    type_into(laptop, box, "R2 from the laptop")
    assert autosave_box(laptop, box)["value"] == "R2 from the laptop"

    phone.run()  # the room moved: the phone's box shows the laptop's reason
    assert autosave_box(phone, box)["value"] == "R2 from the laptop"
    phone.button(key="agree:object").click().run()
    assert not phone.exception, phone.exception
    answer = answer_of(app_url, workshop_id, tokens["facilitator"])
    assert answer is not None and not answer.agrees
    assert answer.reason == "R2 from the laptop"


def test_object_right_after_typing_sends_the_text_just_typed(app_url):  # noqa: F811
    """Leaving the box to click Object sends its text in the same run as the click: the click
    objects with it, whichever of the two is handled first."""
    workshop_id, tokens, proposal = proposed(app_url)
    box = f"agree:reason:{proposal.id}"
    phone = open_as(workshop_id, tokens["marketing"], COMPARE)
    proto = _proto(phone, box)
    shown = json.loads(proto.json)
    states = phone._tree.get_widget_states()
    from streamlit.proto.WidgetStates_pb2 import WidgetState

    typed = {"text": "Healthcare belongs in it", "base": shown["revision"], "seq": 1}
    states.widgets.append(WidgetState(id=proto.id, json_value=json.dumps({"typed": typed})))
    button = phone.button(key="agree:object")
    states.widgets.append(WidgetState(id=button.id, trigger_value=True))
    phone._run(states)
    assert not phone.exception, phone.exception
    answer = answer_of(app_url, workshop_id, tokens["facilitator"])
    assert answer is not None and answer.reason == "Healthcare belongs in it"
