"""A wall screen follows the room: `wall.wall_stamp` moves with what the wall link shows (a
reopened or new version, a measurement, a decision note, the link replaced or stopped) and not
on reads; in a real browser the wall page shows a reopening by itself, without a reload (how
soon is printed: the aim is 3 seconds)."""
from __future__ import annotations

import os
import time

from tests.test_restart import (  # noqa: F401 - fixtures
    CHROMIUM,
    CHROMIUM_ARGS,
    require_chromium,
    server,
    settle,
)
from tests.test_sharing_pages import app_url, in_db, share, signed_workshop  # noqa: F401
from workshop import versions, wall


def stamp_of(secret: str):
    return in_db(lambda s: wall.wall_stamp(s, secret))


def test_the_wall_stamp_moves_with_what_the_wall_shows_and_not_on_reads(app_url):  # noqa: F811
    workshop_id, tokens = signed_workshop()
    fac = tokens["facilitator"]
    secret = share(workshop_id, fac)
    first = stamp_of(secret)
    assert first is not None
    in_db(lambda s: wall.wall(s, secret))  # reading it
    assert stamp_of(secret) == first
    in_db(lambda s: versions.set_discussion(s, workshop_id, fac, "industry", open=False,
                                            note="Software first"))
    noted = stamp_of(secret)
    assert noted != first
    in_db(lambda s: versions.reopen(s, workshop_id, fac))
    reopened = stamp_of(secret)
    assert reopened not in (first, noted)
    replaced = in_db(lambda s: wall.share(s, workshop_id, fac, replace=True))
    assert stamp_of(secret) is None  # the old link opens nothing any more
    assert stamp_of(replaced) not in (None, reopened)
    in_db(lambda s: wall.stop_sharing(s, workshop_id, fac))
    assert stamp_of(replaced) is None
    assert stamp_of("not a secret") is None and stamp_of(None) is None


def test_a_wall_screen_shows_a_reopening_by_itself(app_url, server):  # noqa: F811
    require_chromium()
    from playwright.sync_api import sync_playwright

    server.start()
    workshop_id, tokens = signed_workshop()
    secret = share(workshop_id, tokens["facilitator"])
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page()
            page.goto(f"{server.url}/wall?w={secret}")
            main = page.locator("[data-testid='stMain']")
            main.get_by_text("read-only · the agreed definition").wait_for(timeout=60_000)
            settle(page)
            assert "being drafted" not in main.inner_text()
            in_db(lambda s: versions.reopen(s, workshop_id, tokens["facilitator"]))
            started = time.monotonic()
            # by itself, no reload; how soon is reported (aim: 3 s, a 2-second poll and a
            # redraw), never asserted: a busy machine delays a redraw
            main.get_by_text("Version 2 is being drafted").wait_for(timeout=30_000)
            print(f"the wall screen followed in {time.monotonic() - started:.2f} s "
                  f"(load average {os.getloadavg()[0]:.1f})")
        finally:
            browser.close()
