"""A note box says when it is full, and a note stored longer than it holds can be typed in.

The note box holds 2,000 characters: a 5,000-character paste was cut to 2,000 with the box
saying "✓ Saved" and nothing else, and a 3,000-character note from a definition file blocked
every keystroke (the browser keeps a box at its limit), also saying "✓ Saved". Needs
/usr/bin/chromium (see tests/test_restart.py)."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.test_autosave_unsent_browser import _participant
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
from workshop.definition import MAX_NOTE

LONG = ("Der Einkauf entscheidet, die Technik prüft. " * 70)[:MAX_NOTE + 500]
TYPED = " Neu getippt."


def job_role_note(server, engine, browser, who: str, note: str = ""):  # noqa: F811
    """A sales person's draft, with `note` on the job role, open on a phone: (tab, its box)."""
    workshop_id, token = _participant(engine, note)
    server.start()
    warm_up(browser, server)
    person = Tab(browser, who, workshop_id, token)
    person.page.set_viewport_size(PHONE)
    person.page.goto(person.url(server.url, "draft") + "&q=2", timeout=120_000)
    settle(person.page)
    return person, note_box(person.page, ":job_role:note")


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_a_note_stored_longer_than_the_box_holds_takes_typing(
        database_url, server, engine, browser):  # noqa: F811
    person, box = job_role_note(server, engine, browser, "long-note", LONG)
    try:
        expect(box).to_have_value(LONG)
        box.click()
        box.press("Control+End")
        box.press_sequentially(TYPED, delay=10)
        box.blur()
        assert eventually(lambda: draft_in_database(engine, person)[0].notes.get("job_role")
                          == LONG + TYPED, 30)
    finally:
        person.shot("long-note-typed-in")


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_a_paste_beyond_the_limit_is_said_to_be_cut(
        database_url, server, engine, browser):  # noqa: F811
    person, box = job_role_note(server, engine, browser, "long-paste")
    try:
        box.click()
        person.page.keyboard.insert_text("x" * 5000)
        box.blur()
        assert eventually(lambda: len(draft_in_database(engine, person)[0].notes.get(
            "job_role", "")) == MAX_NOTE, 30)
        expect(person.page.get_by_text(
            f"{MAX_NOTE:,} characters, the most this box holds: anything beyond them was not "
            "kept")).to_be_visible(timeout=30_000)
    finally:
        person.shot("long-paste-cut")
