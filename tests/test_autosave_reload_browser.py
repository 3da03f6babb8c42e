"""Typing, then reloading at once, on a phone: nothing typed is lost.

The text box saves after a pause, on leaving it and when the page is hidden. A reload within
the pause used to lose what was typed last: the page is torn down before its last save leaves
(seen at 0 and 300 ms after the last key). The box now keeps what is typed in the tab until it
is saved, and the reloaded box saves it. Needs /usr/bin/chromium (see tests/test_restart.py).
"""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.test_e2e_workshop import eventually
from tests.test_load_browser import (  # noqa: F401 - fixtures
    PHONE,
    Tab,
    browser,
    draft_in_database,
    engine,
    note_box,
    server,
    warm_up,
)
from tests.test_restart import settle
from workshop import store
from workshop.db import session


def typed_then_reloaded(page, box, text: str) -> None:
    box.click()
    box.press_sequentially(text, delay=10)
    page.reload()  # at once: no pause, nothing left, nothing pressed


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_a_note_and_job_titles_typed_just_before_a_reload_are_saved(
        database_url, server, engine, browser):  # noqa: F811
    with session(engine) as s:
        workshop, fac = store.create_workshop(s, company="Pocket GmbH", title="Typing",
                                              facilitator_name="Dana")
        invites = store.invitations(s, workshop.id, fac).secrets
        token = store.join_with_invite(s, invites["sales"], "Jörg")[1]
    server.start()
    warm_up(browser, server)
    person = Tab(browser, "joerg-phone", workshop.id, token)
    person.page.set_viewport_size(PHONE)
    person.page.goto(person.url(server.url, "draft") + "&q=2", timeout=120_000)
    settle(person.page)
    try:
        titles = "Leiter Einkauf, Einkaufsleiter, CFO"
        box = note_box(person.page, ":job_role:job_title:text-box")
        typed_then_reloaded(person.page, box, titles)
        expect(box).to_have_value(titles)
        assert eventually(lambda: [c.values for c in draft_in_database(engine, person)[0]
                                   .criteria if c.field == "job_title"]
                          == [["Leiter Einkauf", "Einkaufsleiter", "CFO"]], 30)
        note = "Einkauf entscheidet, die Technik prüft nur"
        box = note_box(person.page, ":job_role:note")
        typed_then_reloaded(person.page, box, note)
        expect(box).to_have_value(note)
        assert eventually(lambda: draft_in_database(engine, person)[0].notes.get("job_role")
                          == note, 30)
        # Typed on after the restored text was saved, and reloaded again: still all there.
        box.click()
        box.press("End")
        typed_then_reloaded(person.page, box, " (Stand März)")
        expect(box).to_have_value(note + " (Stand März)")
        assert eventually(lambda: draft_in_database(engine, person)[0].notes.get("job_role")
                          == note + " (Stand März)", 30)
    finally:
        person.shot("typed-then-reloaded")
