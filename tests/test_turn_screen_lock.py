"""While someone has a turn at the facilitator's shared screen, the screen opens no other key:
not the facilitator's (the home page lists it, the browser's Back button goes to it) and not
an earlier turn's (Back goes there too), also in a session begun by a refresh during the turn.
A draft finished at the screen stays covered to its own key: only the facilitator reopens it.
Each test takes the path a participant at the screen took in a real browser to read drafts
before the reveal."""
from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from streamlit.testing.v1 import AppTest

from tests.builders import C, D
from tests.test_access_pages import everything
from tests.test_home_browser import main_text
from tests.test_pages import APP, texts
from tests.test_restart import (  # noqa: F401 - fixtures
    CHROMIUM,
    CHROMIUM_ARGS,
    require_chromium,
    server,
    settle,
)
from tests.turn_pin import PIN, asks_for_a_pin, choose_pin
from workshop import store
from workshop.db import make_engine, session
from workshop.store import Locked

SECRET = "Facilitatorsonlysecretindustry"
ALEX_SECRET = "Alexsecretnoteforsales"
LOCKED = "This screen is in someone's turn at drafting"


@pytest.fixture
def app_url(database_url, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", database_url)
    return database_url


def facilitators_workshop(url: str) -> tuple[str, str]:
    engine = make_engine(url)
    with session(engine) as s:
        workshop, fac = store.create_workshop(s, company="Acme", title="Q1",
                                              facilitator_name="Dana")
        store.save_draft(s, workshop.id, fac, D(C("industry", values=[SECRET])), 0)
    engine.dispose()
    return workshop.id, fac


def start_turn(at: AppTest, role: str, name: str) -> str:
    at.switch_page("views/teams.py").run()
    next(t for t in at.text_input if role in t.label).input(name)
    next(b for b in at.button if b.label == f"Start {role}'s turn").click().run()
    assert not at.exception
    return at.query_params["key"]


def press_done(at: AppTest) -> None:
    at.switch_page("views/draft.py").run()
    if asks_for_a_pin(at):
        choose_pin(at)
    next(b for b in at.button if b.label.startswith("✅ Done")).click().run()
    assert not at.exception


def back_to(at: AppTest, workshop_id: str, key: str, page: str) -> str:
    """What the browser's Back button does: the same session, an earlier address."""
    at.query_params.update({"ws": workshop_id, "key": key})
    at.switch_page(f"views/{page}.py").run()
    assert not at.exception, page
    return everything(at)


def test_during_a_turn_the_facilitators_key_opens_nothing(app_url):
    workshop_id, fac = facilitators_workshop(app_url)
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params.update({"ws": workshop_id, "key": fac})
    at.run()
    turn = start_turn(at, "marketing", "Alex")

    at.switch_page("views/home.py").run()  # "Your workshops" would list the facilitator's
    seen = everything(at)
    assert LOCKED in seen and "Your workshops" not in seen
    assert not [b for b in at.button if b.label == "Open" and "mine:" in str(b.key)]
    for page in ("facilitator", "teams", "draft", "compare", "evidence", "history"):
        seen = back_to(at, workshop_id, fac, page)
        assert SECRET not in seen and LOCKED in seen, page
        assert not [b for b in at.button if "turn" in b.label and "Start" in b.label], page
    # The way back is the turn itself, whose page works as before.
    at.query_params.update({"ws": workshop_id, "key": turn})
    at.switch_page("views/draft.py").run()
    assert "Marketing's turn: Alex" in texts(at)
    press_done(at)
    assert at.query_params["key"] == fac
    at.switch_page("views/facilitator.py").run()
    assert LOCKED not in everything(at)  # the screen is the facilitator's again


def test_an_earlier_turns_key_opens_nothing_and_its_draft_stays_covered(app_url):
    workshop_id, fac = facilitators_workshop(app_url)
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params.update({"ws": workshop_id, "key": fac})
    at.run()
    alex = start_turn(at, "marketing", "Alex")
    engine = make_engine(app_url)
    with session(engine) as s:
        store.save_draft(s, workshop_id, alex, D(C("industry", values=[ALEX_SECRET])), 0)
    press_done(at)
    start_turn(at, "sales", "Sam")

    for page in ("draft", "teams", "compare"):  # Sam presses Back until Alex's address
        seen = back_to(at, workshop_id, alex, page)
        assert ALEX_SECRET not in seen and LOCKED in seen, page
        assert "Reopen my draft" not in seen
    press_done_of_sam = AppTest.from_file(APP, default_timeout=60)  # a fresh screen
    press_done_of_sam.query_params.update({"ws": workshop_id, "key": alex})
    press_done_of_sam.run()
    press_done_of_sam.switch_page("views/draft.py").run()
    seen = everything(press_done_of_sam)
    # Outside a turn, a key of someone drafting at the screen opens none of their draft.
    assert ALEX_SECRET not in seen and "Reopen my draft" not in seen
    assert "drafts in turns at the facilitator's shared screen" in seen
    with session(engine) as s, pytest.raises(Locked, match="finished at the shared screen"):
        store.set_done(s, workshop_id, alex, False)
    with session(engine) as s:
        assert store.my_draft(s, workshop_id, alex)[2] is True  # still covered
        # The facilitator reopening the turn, with Alex typing his PIN, is the one way back.
        with pytest.raises(store.AccessDenied, match="Alex types their PIN"):
            store.start_turn(s, workshop_id, fac, role="marketing", name="Alex", reopen=True)
        assert store.start_turn(s, workshop_id, fac, role="marketing", name="Alex",
                                reopen=True, pin=PIN) == alex
    engine.dispose()


def test_a_session_begun_by_a_refresh_during_a_turn_keeps_to_it(app_url, monkeypatch):
    """A refresh starts a new session: the device's mark of the turn (a cookie the turn page
    writes) keeps the screen to it until Done, after which the facilitator opens their link."""
    import workshop.ui.context as context

    workshop_id, fac = facilitators_workshop(app_url)
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params.update({"ws": workshop_id, "key": fac})
    at.run()
    turn = start_turn(at, "marketing", "Alex")
    monkeypatch.setattr(context, "marked_turn", lambda: (workshop_id, turn))

    refreshed = AppTest.from_file(APP, default_timeout=60)
    refreshed.query_params.update({"ws": workshop_id, "key": fac})
    refreshed.run()
    refreshed.switch_page("views/facilitator.py").run()
    seen = everything(refreshed)
    assert SECRET not in seen and LOCKED in seen
    refreshed.query_params.update({"ws": workshop_id, "key": turn})
    refreshed.switch_page("views/draft.py").run()
    assert "Marketing's turn: Alex" in texts(refreshed)
    choose_pin(refreshed)
    next(b for b in refreshed.button if b.label.startswith("✅ Done")).click().run()
    assert not refreshed.exception
    # Done ended the turn; this session now opens the facilitator's own link again.
    refreshed.query_params.update({"ws": workshop_id, "key": fac})
    refreshed.switch_page("views/facilitator.py").run()
    assert LOCKED not in everything(refreshed)


def test_in_a_real_browser_back_and_home_during_a_turn_reach_no_other_key(app_url, server):  # noqa: F811
    """The probe's path: the facilitator starts Alex's turn; Alex presses Back, and opens the
    home page in a new tab of the same browser (its cookies: the device's workshops)."""
    require_chromium()
    from playwright.sync_api import sync_playwright

    workshop_id, fac = facilitators_workshop(app_url)
    server.start()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            context = browser.new_context()
            page = context.new_page()
            page.goto(f"{server.url}/facilitator?ws={workshop_id}&key={fac}")
            settle(page)
            page.goto(f"{server.url}/teams?ws={workshop_id}&key={fac}")
            settle(page)
            page.get_by_text("One screen only? Take turns at this screen instead").click()
            settle(page)
            page.get_by_label("Name of the marketing person").fill("Alex")
            page.get_by_role("button", name="Start marketing's turn").click()
            page.get_by_text("Marketing's turn: Alex").wait_for(timeout=60_000)
            settle(page)
            turn = parse_qs(urlsplit(page.url).query)["key"][0]
            for _ in range(3):
                page.go_back()
                page.wait_for_timeout(1500)
                text = main_text(page)
                assert SECRET not in text
                if fac in page.url:
                    assert LOCKED in text
            home = context.new_page()  # a refresh or a new tab: a new session
            home.goto(server.url)
            home.get_by_text(LOCKED).wait_for(timeout=60_000)
            text = main_text(home)
            assert "Acme" not in text and "You are its facilitator" not in text
            home.goto(f"{server.url}/facilitator?ws={workshop_id}&key={fac}")
            home.get_by_text(LOCKED).wait_for(timeout=60_000)
            assert SECRET not in main_text(home)
            home.get_by_role("link", name="Back to the turn").click()
            home.get_by_text("Marketing's turn: Alex").wait_for(timeout=60_000)
            assert parse_qs(urlsplit(home.url).query)["key"][0] == turn
        finally:
            browser.close()
