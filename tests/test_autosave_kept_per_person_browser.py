"""A tab's kept copy of unsent typing goes back only to the person who typed it.

The copy was named by the box alone: the objection box of a proposal ("agree:reason:7") and a
draft note by the participant's row number. A tab that opened another person's link showed
them the first person's objection and saved it as theirs; and as SQLite gives a deleted row's
number to the next row, a person removed while typing at the shared screen left their words
to the next person to join, saved into that person's draft. Needs /usr/bin/chromium.
"""
from __future__ import annotations

import json

import pytest
from playwright.sync_api import expect

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
from workshop import store, versions
from workshop.db import session
from workshop.definition import Definition

SECRET = "Nur für uns: Globex ist das eigentliche Ziel."


def keep_unsent(tab: Tab, box_name: str, text: str) -> None:
    """What the tab keeps while `text`, typed over an empty box, has not been sent yet."""
    name = note_box(tab.page, box_name).get_attribute("data-autosave")
    tab.page.evaluate("([key, kept]) => sessionStorage.setItem(key, kept)", [
        f"autosave:{name}", json.dumps({"text": text, "shown": "", "sent": None})])


def open_in(tab: Tab, url: str) -> None:
    tab.page.goto(url, timeout=120_000)
    settle(tab.page)
    tab.page.wait_for_timeout(1_500)  # a restored copy is sent at once: give it the time
    settle(tab.page)


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_a_removed_persons_typing_is_not_handed_to_the_next_to_join(
        database_url, server, engine, browser):  # noqa: F811
    server.start()
    warm_up(browser, server)  # the demos are in: Anna's is the last row
    with session(engine) as s:
        workshop, fac = store.create_workshop(s, company="Turns AG", title="One screen",
                                              facilitator_name="Dana")
        wid = workshop.id
        invites = store.invitations(s, wid, fac).secrets
        anna = store.join_with_invite(s, invites["marketing"], "Anna")[1]
        anna_id = store.authenticate(s, wid, anna).participant_id
    tab = Tab(browser, "shared-screen", wid, anna)
    tab.page.set_viewport_size(PHONE)
    try:
        open_in(tab, tab.url(server.url, "draft") + "&q=1")
        keep_unsent(tab, ":industry:note", SECRET)
        with session(engine) as s:
            store.remove_participant(s, wid, fac, anna_id)
            ben = store.join_with_invite(s, invites["marketing"], "Ben")[1]
            assert store.authenticate(s, wid, ben).participant_id == anna_id  # the number again
        tab.token = ben
        open_in(tab, tab.url(server.url, "draft") + "&q=1")
        expect(note_box(tab.page, ":industry:note")).to_have_value("")
        assert SECRET not in tab.text()
        with session(engine) as s:
            assert store.my_draft(s, wid, ben)[0].notes == {}
    finally:
        tab.shot("kept-not-handed-on")


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_an_objection_typed_under_one_link_stays_with_it(
        database_url, server, engine, browser):  # noqa: F811
    with session(engine) as s:
        workshop, fac = store.create_workshop(s, company="Links GmbH", title="Sign-off",
                                              facilitator_name="Dana")
        wid = workshop.id
        invites = store.invitations(s, wid, fac).secrets
        mia = store.join_with_invite(s, invites["marketing"], "Mia")[1]
        sam = store.join_with_invite(s, invites["sales"], "Sam")[1]
        store.reveal(s, wid, fac)
        revision = store.save_shared(s, wid, fac, Definition().with_note("industry", "agreed"),
                                     store.shared_state(s, wid, fac).revision)
        proposal = versions.propose(s, wid, fac, revision)
    server.start()
    warm_up(browser, server)
    tab = Tab(browser, "one-tab", wid, mia)
    try:
        open_in(tab, tab.url(server.url, "compare"))
        keep_unsent(tab, f"agree:reason:{proposal}", SECRET)
        tab.token = sam
        open_in(tab, tab.url(server.url, "compare"))
        expect(note_box(tab.page, f"agree:reason:{proposal}")).to_have_value("")
        with session(engine) as s:
            assert versions.objection_draft(s, wid, sam, proposal)[0] == ""
        # Mia's own link still finds what she typed, and saves it as hers.
        tab.token = mia
        open_in(tab, tab.url(server.url, "compare"))
        expect(note_box(tab.page, f"agree:reason:{proposal}")).to_have_value(SECRET)
    finally:
        tab.shot("objection-stays-with-its-link")
