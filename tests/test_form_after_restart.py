"""After a server restart the browser hands the new session the last values of the widgets its
page still shows. The guided form of that old page may show a question as it was before a
change made since (open, before the facilitator merged an answer in step 3); the new session
must draw from the database and never save those values over it. It used to take them as a
change on its next rerun: the merged industry was wiped, logged as "Edited by hand", and the
proposal waiting for sign-off was withdrawn with it."""
from __future__ import annotations

import pytest

from tests.autosave_typing import autosave_box
from tests.builders import C, D
from tests.restarted import restarted
from tests.test_own_devices import new_app
from workshop import store
from workshop.db import make_engine, session


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


def draft(url: str, workshop_id: str, key: str):
    engine = make_engine(url)
    with session(engine) as s:
        definition, revision, _ = store.my_draft(s, workshop_id, key)
    engine.dispose()
    return definition, revision


def save(url: str, workshop_id: str, key: str, definition, revision: int) -> None:
    engine = make_engine(url)
    with session(engine) as s:
        store.save_draft(s, workshop_id, key, definition, revision)
    engine.dispose()


def test_a_new_session_never_saves_the_old_pages_form_values(app_url):
    workshop_id, key = marketing(app_url)
    params = {"ws": workshop_id, "key": key}
    before = new_app(params, "views/draft.py")  # the page the server lost: industry open
    handed = before._tree.get_widget_states()
    assert len(handed.widgets) > 3  # the form's widgets are among them

    # Meanwhile the draft gained an industry (another tab of the same person, say).
    _, revision = draft(app_url, workshop_id, key)
    save(app_url, workshop_id, key, D(C("industry", values=["Manufacturing"])), revision)
    _, saved_revision = draft(app_url, workshop_id, key)

    after = restarted(params, "views/draft.py", handed, reruns=2)  # the room's poll, too

    definition, revision = draft(app_url, workshop_id, key)
    assert [c.values for c in definition.criteria_for("industry")] == [["Manufacturing"]]
    assert revision == saved_revision
    shown = [m.value for m in after.multiselect if m.value]
    assert shown == [["Manufacturing"]]


def test_each_session_draws_the_form_under_keys_of_its_own(app_url):
    workshop_id, key = marketing(app_url)
    params = {"ws": workshop_id, "key": key}
    keys = [{w.key for w in new_app(params, "views/draft.py").multiselect} for _ in range(2)]
    assert keys[0] and keys[1] and not keys[0] & keys[1]


def test_the_note_box_keeps_typing_under_one_name_whatever_the_drawing(app_url):
    """The tab keeps an unsaved note under the box's name; a reload or a restart draws the form
    under new keys, and the new box must still find what was typed."""
    workshop_id, key = marketing(app_url)
    params = {"ws": workshop_id, "key": key}
    names = {autosave_box(new_app(params, "views/draft.py"), ":industry:note")["name"]
             for _ in range(2)}
    assert len(names) == 1
    assert "::" not in names.pop()
