"""Presentation mode and the keyboard, in a real browser at projector size: Alt+P turns it on
(large type, no sidebar), Alt+N and Alt+B move the room between steps, Tab and Enter reach the
facilitator's main buttons, and the participant's phone follows. Runs `streamlit run` and Debian's
Chromium (see test_restart.py)."""
from __future__ import annotations

import pytest

from tests.test_restart import (  # noqa: F401
    CHROMIUM,
    CHROMIUM_ARGS,
    page,
    require_chromium,
    server,
    settle,
    snap,
    wait_for,
)
from workshop import agenda, store
from workshop.db import make_engine, session
from workshop.settings import database_url as app_database_url


def root_font_px(browser) -> float:
    return browser.evaluate("parseFloat(getComputedStyle(document.documentElement).fontSize)")


def focus_the_page(browser) -> None:
    """Click the page's title, so keys go to the page and not to a field."""
    browser.get_by_test_id("stMain").locator("h1").first.click()


def labels_cut(browser) -> list[str]:
    """The page links in the main area whose label does not fit its box."""
    return browser.get_by_test_id("stMain").evaluate("""main => Array.from(
        main.querySelectorAll('[data-testid="stPageLink-NavLink"] span'))
        .filter(label => label.scrollWidth > label.clientWidth + 1)
        .map(label => label.innerText)""")


def sidebar_visible(browser) -> bool:
    return browser.get_by_test_id("stSidebar").is_visible()


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_presentation_mode_and_keyboard_moves_on_the_projector(
        database_url, server, monkeypatch, request):  # noqa: F811
    require_chromium()
    monkeypatch.setenv("DATABASE_URL", database_url)
    engine = make_engine(app_database_url())
    with session(engine) as s:
        workshop, token = store.create_workshop(s, company="Acme Analytics", title="Projector",
                                                facilitator_name="Sam Lee")
        secrets = store.invitations(s, workshop.id, token).secrets
        _, priya = store.join_with_invite(s, secrets["marketing"], "Priya")

    def room_step() -> int:
        with session(engine) as s:
            return agenda.agenda(s, workshop.id, token).current

    server.start()
    browser = request.getfixturevalue("page")
    browser.set_viewport_size({"width": 1920, "height": 1080})
    browser.goto(f"{server.url}/facilitator?ws={workshop.id}&key={token}")
    settle(browser)
    plain_font = root_font_px(browser)
    assert sidebar_visible(browser)
    # Beside the sidebar at 1280 wide, each step's link shows its whole label (it wraps; it
    # was cut to "Step 1 · Facilitator's definiti").
    browser.set_viewport_size({"width": 1280, "height": 800})
    settle(browser)
    assert labels_cut(browser) == []
    browser.set_viewport_size({"width": 1920, "height": 1080})
    settle(browser)

    focus_the_page(browser)
    browser.keyboard.press("Alt+P")
    browser.wait_for_url("**present=1**")
    settle(browser)
    assert root_font_px(browser) >= plain_font * 1.5  # readable from the back of the room
    assert not sidebar_visible(browser)
    main = browser.get_by_test_id("stMain")
    assert "Leave presentation mode" in main.inner_text()
    assert "Facilitator prompts" not in main.inner_text()
    snap(browser, "presentation-step-1-projector")
    # A 1280×720 projector: type still large, and the margins stay margins (Streamlit's
    # would grow with the type to a fifth of the width, cutting labels and tables).
    browser.set_viewport_size({"width": 1280, "height": 720})
    settle(browser)
    assert 1.2 * plain_font <= root_font_px(browser) < 28
    margin = browser.get_by_test_id("stMainBlockContainer").evaluate(
        "box => parseFloat(getComputedStyle(box).paddingLeft)")
    assert margin <= 40
    snap(browser, "presentation-step-1-projector-1280")
    browser.set_viewport_size({"width": 1920, "height": 1080})
    settle(browser)

    browser.reload()  # a refresh keeps it
    settle(browser)
    assert root_font_px(browser) >= plain_font * 1.5 and not sidebar_visible(browser)

    # Keyboard only: Alt+N takes the room on (the page follows), Alt+B back.
    focus_the_page(browser)
    browser.keyboard.press("Alt+N")
    wait_for(lambda: room_step() == 2, "the room is on step 2")
    browser.wait_for_url("**/teams?**")
    settle(browser)
    assert "present=1" in browser.url
    assert "Step 2 · Marketing and sales" in main.inner_text()
    snap(browser, "presentation-step-2-projector")
    focus_the_page(browser)
    browser.keyboard.press("Alt+B")
    wait_for(lambda: room_step() == 1, "the room is back on step 1")
    browser.wait_for_url("**/facilitator?**")
    settle(browser)

    # Tab reaches "On to step 2" and Enter presses it, like any other main action.
    on = main.get_by_role("button", name="On to step 2")
    focus_the_page(browser)
    for _ in range(60):
        browser.keyboard.press("Tab")
        if on.evaluate("button => button === document.activeElement"):
            break
    else:
        pytest.fail("Tab never reached the 'On to step 2' button")
    browser.keyboard.press("Enter")
    wait_for(lambda: room_step() == 2, "Enter on the focused button moved the room")
    browser.wait_for_url("**/teams?**")
    settle(browser)

    # Marketing's phone opened on step 3 follows the room back to drafting by itself.
    phone = browser.context.browser.new_context(viewport={"width": 390, "height": 844})
    try:
        priya_page = phone.new_page()
        priya_page.goto(f"{server.url}/compare?ws={workshop.id}&key={priya}")
        settle(priya_page)
        with session(engine) as s:
            agenda.move_to(s, workshop.id, token, 1)
        priya_page.wait_for_url("**/draft?**", timeout=20_000)
        settle(priya_page)
        # the new page may still be drawing when the address has changed: wait for its title
        priya_page.get_by_test_id("stMain").get_by_text("Your ideal lead").first.wait_for(
            timeout=20_000)
        assert "Your ideal lead" in priya_page.get_by_test_id("stMain").inner_text()
        snap(priya_page, "presentation-participant-follows-phone")
    finally:
        phone.close()

    # the projector followed the room back to step 1 meanwhile: its page is drawn again
    browser.get_by_test_id("stMain").locator("h1").first.wait_for(timeout=60_000)
    settle(browser)
    focus_the_page(browser)
    browser.keyboard.press("Alt+P")  # and out again
    browser.wait_for_url(lambda url: "present=1" not in url)
    settle(browser)
    assert sidebar_visible(browser) and root_font_px(browser) == plain_font
