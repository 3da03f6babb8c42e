"""Typing that has not reached the server yet is never dropped by the text box itself.

A server restarted while a note's first part was being saved stored that part, drew the box
again from it, and the tab's kept copy of what was typed after it was thrown away (kept over
the value from before that save), the box saying "✓ Saved": 5 of 5 tries lost the end. And a
tab closed within the pause lost what was typed last (4 of 9 tries): the browser now asks
before a tab with unsent typing goes. Needs /usr/bin/chromium (see tests/test_restart.py).
"""
from __future__ import annotations

import json

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

SAVED_FIRST = "Einkauf entscheidet."
TYPED_AFTER = " Die Technik prüft nur."

# Whether the page would ask before it is left: a beforeunload the box cancels.
WOULD_ASK = """() => { const e = new Event("beforeunload", { cancelable: true });
                      window.dispatchEvent(e); return e.defaultPrevented; }"""


def _participant(database, note: str = ""):
    with session(database) as s:
        workshop, fac = store.create_workshop(s, company="Pocket GmbH", title="Typing",
                                              facilitator_name="Dana")
        invites = store.invitations(s, workshop.id, fac).secrets
        token = store.join_with_invite(s, invites["sales"], "Jörg")[1]
        if note:
            definition, revision, _ = store.my_draft(s, workshop.id, token)
            store.save_draft(s, workshop.id, token, definition.with_note("job_role", note),
                             revision)
    return workshop.id, token


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_typing_after_a_save_the_server_restart_cut_short_is_kept_and_saved(
        database_url, server, engine, browser):  # noqa: F811
    workshop_id, token = _participant(engine, SAVED_FIRST)  # the save that did land
    server.start()
    warm_up(browser, server)
    person = Tab(browser, "joerg-restart", workshop_id, token)
    person.page.set_viewport_size(PHONE)
    person.page.goto(person.url(server.url, "draft") + "&q=2", timeout=120_000)
    settle(person.page)
    try:
        box = note_box(person.page, ":job_role:note")
        expect(box).to_have_value(SAVED_FIRST)
        name = box.get_attribute("data-autosave")
        # What the tab kept when the server went: the whole text, typed over the value saved
        # before (empty), with the first part on its way.
        person.page.evaluate("([key, kept]) => sessionStorage.setItem(key, kept)", [
            f"autosave:{name}", json.dumps({"text": SAVED_FIRST + TYPED_AFTER, "shown": "",
                                            "sent": SAVED_FIRST})])
        person.page.reload()
        settle(person.page)
        box = note_box(person.page, ":job_role:note")
        expect(box).to_have_value(SAVED_FIRST + TYPED_AFTER)
        assert eventually(lambda: draft_in_database(engine, person)[0].notes.get("job_role")
                          == SAVED_FIRST + TYPED_AFTER, 30)
    finally:
        person.shot("kept-over-the-save-on-its-way")


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_the_page_asks_before_it_is_left_with_typing_unsent(
        database_url, server, engine, browser):  # noqa: F811
    workshop_id, token = _participant(engine)
    server.start()
    warm_up(browser, server)
    person = Tab(browser, "joerg-close", workshop_id, token)
    person.page.set_viewport_size(PHONE)
    person.page.goto(person.url(server.url, "draft") + "&q=2", timeout=120_000)
    settle(person.page)
    try:
        box = note_box(person.page, ":job_role:note")
        assert person.page.evaluate(WOULD_ASK) is False  # nothing typed: leaves freely
        box.click()
        box.press_sequentially(SAVED_FIRST, delay=10)
        assert person.page.evaluate(WOULD_ASK) is True  # within the pause: asks, and sends
        assert eventually(lambda: draft_in_database(engine, person)[0].notes.get("job_role")
                          == SAVED_FIRST, 30)
        expect(person.page.get_by_text("✓ Saved")).to_be_visible(timeout=30_000)
        assert person.page.evaluate(WOULD_ASK) is False  # saved: leaves freely again
    finally:
        person.shot("asks-before-leaving")
