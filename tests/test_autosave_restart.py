"""A note typed just before the server restarts: the box's change was on its way, the server
went, and the browser hands the box's last value to the new session as it reconnects, without
its change callback. The new session saves it and draws the box from what is saved; it used to
take the value as handled ("✓ Saved"), and the note was lost on the next reload."""
from __future__ import annotations

import json

import pytest
from streamlit.proto.WidgetStates_pb2 import WidgetState, WidgetStates
from streamlit.testing.v1 import AppTest

from tests.autosave_typing import _proto, autosave_box
from tests.test_own_devices import APP, new_app
from workshop import store
from workshop.db import make_engine, session

NOTE = ":industry:note"


@pytest.fixture
def app_url(database_url, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", database_url)
    return database_url


def marketing(url: str) -> tuple[str, str]:
    engine = make_engine(url)
    with session(engine) as s:
        workshop, fac = store.create_workshop(s, company="Acme", title="Q1",
                                              facilitator_name="Dana")
        secret = store.invitations(s, workshop.id, fac).secrets["marketing"]
        key = store.join_with_invite(s, secret, "Priya")[1]
    engine.dispose()
    return workshop.id, key


def saved_note(url: str, workshop_id: str, key: str) -> str | None:
    engine = make_engine(url)
    with session(engine) as s:
        definition, _, _ = store.my_draft(s, workshop_id, key)
    engine.dispose()
    return definition.notes.get("industry")


def test_a_change_handed_to_a_new_session_is_saved(app_url):
    workshop_id, key = marketing(app_url)
    params = {"ws": workshop_id, "key": key}
    before = new_app(params, "views/draft.py")  # the session the server lost
    box = _proto(before, NOTE)
    shown = json.loads(box.json)
    typed = {"text": "Hospitals renew in spring", "base": shown["revision"], "seq": 1}

    after = AppTest.from_file(APP, default_timeout=60)  # the restarted server's new session
    for name, value in params.items():
        after.query_params[name] = value
    after.run()
    after.switch_page("views/draft.py")
    states = WidgetStates()
    states.widgets.append(WidgetState(id=box.id, json_value=json.dumps({"typed": typed})))
    after._run(states)
    assert not after.exception, after.exception

    assert saved_note(app_url, workshop_id, key) == "Hospitals renew in spring"
    drawn = autosave_box(after, NOTE)
    assert drawn["value"] == "Hospitals renew in spring"
    assert drawn["ack"] == 1 and drawn["refused"] is None
    assert drawn["revision"] > shown["revision"]
