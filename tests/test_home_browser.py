"""The home page in a real browser lists the workshops this device created or joined — kept in
a cookie of the app's address across reloads and new sessions — and nobody else's.
Opening a demo gives each visitor a copy of their own."""
from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from tests.test_restart import (  # noqa: F401 - fixtures
    CHROMIUM,
    CHROMIUM_ARGS,
    require_chromium,
    server,
    settle,
    snap,
)


def main_text(page) -> str:
    settle(page)
    return page.locator("[data-testid='stMain']").inner_text()


def test_home_lists_this_devices_workshops_only(database_url, server):  # noqa: F811
    require_chromium()
    from playwright.sync_api import sync_playwright

    server.start()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            mine, theirs = browser.new_context(), browser.new_context()
            page = mine.new_page()
            page.goto(server.url)
            page.get_by_role("heading", name="Start a new workshop").wait_for(timeout=60_000)
            page.get_by_label("Company name").fill("Northwind Trading")
            page.get_by_label("Workshop title").fill("Our ideal lead")
            page.get_by_label("Facilitator's name").fill("Fay Olsen")
            page.get_by_role("button", name="Create workshop").click()
            page.get_by_role("heading", name="Step 1 · The facilitator's ideal lead").wait_for()
            settle(page)
            workshop_id = parse_qs(urlsplit(page.url).query)["ws"][0]
            # A new session on this device (the address typed again): the cookie brings it.
            again = mine.new_page()
            again.goto(server.url)
            again.get_by_role("heading", name="Your workshops").wait_for(timeout=60_000)
            text = main_text(again)
            assert "Northwind Trading" in text and "You are its facilitator" in text
            snap(again, "home-this-device")
            again.get_by_role("button", name="Open", exact=True).last.click()
            again.get_by_role("heading", name="Step 1 · The facilitator's ideal lead").wait_for()
            assert parse_qs(urlsplit(again.url).query)["ws"][0] == workshop_id
            # Another device sees the demos and nothing of it.
            stranger = theirs.new_page()
            stranger.goto(server.url)
            stranger.get_by_role("heading", name="Your workshops").wait_for(timeout=60_000)
            text = main_text(stranger)
            assert "Northwind Trading" not in text and "Lumen Ledger" in text
            stranger.get_by_role("button", name="Open", exact=True).first.click()
            stranger.get_by_role("heading", name="Step 1 · The facilitator's ideal lead") \
                .wait_for()
            copy = parse_qs(urlsplit(stranger.url).query)["ws"][0]
            assert copy.startswith("demo-") and copy not in ("demo", "demo-agreed")
        finally:
            browser.close()
