"""A note typed just before the server restarts: the box's change was on its way, the server
went, and the browser hands the box's last value to the new session as it reconnects, without
its change callback. The new session saves it and draws the box from what is saved; it used to
take the value as handled ("✓ Saved"), and the note was lost on the next reload.

This holds for the boxes whose key is the same in every session: step 3's decision notes and
the reasons to object. The guided form's boxes are drawn under keys of each session's own (see
tests/test_form_after_restart.py): the new page's box finds what was typed in the tab."""
from __future__ import annotations

import json

import pytest
from streamlit.proto.WidgetStates_pb2 import WidgetState, WidgetStates

from tests.autosave_typing import _proto, autosave_box
from tests.conftest import sqlalchemy_url
from tests.restarted import restarted
from tests.test_crash_browser import revealed_workshop
from tests.test_own_devices import new_app
from workshop import versions
from workshop.db import make_engine, session

NOTE = "discuss-note:industry"


@pytest.fixture
def app_url(database_url, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", database_url)
    return database_url


def saved_note(url: str, room) -> str | None:
    engine = make_engine(sqlalchemy_url(url))
    with session(engine) as s:
        point = versions.discussion(s, room.workshop_id, room.tokens["facilitator"]).get(
            "industry")
    engine.dispose()
    return None if point is None else point.note


def handed_over(box_id: str, typed: dict) -> WidgetStates:
    """The box's last change, as the browser hands it to the new session."""
    states = WidgetStates()
    states.widgets.append(WidgetState(id=box_id, json_value=json.dumps({"typed": typed})))
    return states


def test_a_change_handed_to_a_new_session_is_saved(app_url):
    room = revealed_workshop(app_url)
    params = {"ws": room.workshop_id, "key": room.tokens["facilitator"]}
    before = new_app(params, "views/compare.py")  # the session the server lost
    box = _proto(before, NOTE)
    shown = json.loads(box.json)
    typed = {"text": "Hospitals renew in spring", "base": shown["revision"], "seq": 1}

    after = restarted(params, "views/compare.py", handed_over(box.id, typed))

    assert saved_note(app_url, room) == "Hospitals renew in spring"
    drawn = autosave_box(after, NOTE)
    assert drawn["value"] == "Hospitals renew in spring"
    assert drawn["ack"] == 1 and drawn["refused"] is None
    assert drawn["revision"] > shown["revision"]


def test_a_change_saved_before_the_restart_is_not_sent_again(app_url):
    """The box hands over its last change, which was saved before the server went: sent again
    with the revision it was typed over, it was refused, and the page told the facilitator to
    redo a note nobody had changed."""
    room = revealed_workshop(app_url)
    params = {"ws": room.workshop_id, "key": room.tokens["facilitator"]}
    before = new_app(params, "views/compare.py")
    box = _proto(before, NOTE)
    shown = json.loads(box.json)
    typed = {"text": "Hospitals renew in spring", "base": shown["revision"], "seq": 1}
    states = before._tree.get_widget_states()
    states.widgets.append(WidgetState(id=box.id, json_value=json.dumps({"typed": typed})))
    before._run(states)  # saved, before the restart
    saved = autosave_box(before, NOTE)
    assert saved["value"] == "Hospitals renew in spring" and saved["ack"] == 1

    after = restarted(params, "views/compare.py", handed_over(box.id, typed))

    assert saved_note(app_url, room) == "Hospitals renew in spring"
    assert not [w.value for w in after.warning], [w.value for w in after.warning]
    drawn = autosave_box(after, NOTE)
    assert drawn["value"] == "Hospitals renew in spring"
    assert drawn["revision"] == saved["revision"]
    assert drawn["ack"] == 1 and drawn["refused"] is None
