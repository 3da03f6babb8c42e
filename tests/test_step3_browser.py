"""Step 3 in a real browser on a copy of the demo with the sample leads: the time from a click
on Apply to the updated figures (recorded, never asserted: test-artifacts/apply-latency.json),
and the phone at 390×844 without horizontal scroll. Runs `streamlit run` and Debian's Chromium
(see test_restart.py)."""
from __future__ import annotations

import json
import statistics
import time

import pytest
from sqlmodel import select

from tests.test_restart import (  # noqa: F401
    ARTIFACTS,
    IDLE,
    page,
    require_chromium,
    server,
    settle,
    snap,
)
from workshop import demo, store
from workshop.db import make_engine, session
from workshop.models import Participant
from workshop.settings import database_url as app_database_url

CHOICES = ("Union: what any of them accepts (more leads)",
           "Intersection: what all of them accept (fewer leads)")
DECIDED = {CHOICES[0]: "union of the drafts", CHOICES[1]: "intersection of the drafts"}
APPLIES = 8
IPHONE = ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 "
          "(KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1")


def revealed_demo_copy() -> tuple[str, dict[str, str]]:
    """A fresh copy of the demo (three drafts, the sample leads), revealed: (id, tokens)."""
    engine = make_engine(app_database_url())
    with session(engine) as s:
        demo.seed_demo(s)
        workshop_id, facilitator = demo.copy_demo(s, demo.DEMO_ID)
        store.reveal(s, workshop_id, facilitator)
        tokens = {p.role: p.token for p in s.exec(select(Participant).where(
            Participant.workshop_id == workshop_id)).all()}
    engine.dispose()
    return workshop_id, tokens


def choose(browser, key: str, option: str) -> None:
    """Pick an option of the selectbox with this key (its list sometimes stays shut on the
    first click while the page settles: open it again)."""
    for _ in range(5):
        browser.locator(f".st-key-{key} button[aria-label='Open']").click()
        target = browser.get_by_role("option", name=option)
        try:
            target.wait_for(state="visible", timeout=2000)
        except Exception:  # noqa: BLE001 - playwright's timeout: try once more
            browser.keyboard.press("Escape")
            continue
        target.click()
        return
    pytest.fail(f"the list of {key} did not open")


def horizontal_overflow(browser) -> int:
    return browser.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth")


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_apply_latency_is_measured(database_url, server, monkeypatch, request):  # noqa: F811
    require_chromium()
    monkeypatch.setenv("DATABASE_URL", database_url)
    workshop_id, tokens = revealed_demo_copy()
    server.start()
    browser = request.getfixturevalue("page")
    browser.set_viewport_size({"width": 1920, "height": 1080})
    browser.goto(f"{server.url}/compare?ws={workshop_id}&key={tokens['facilitator']}")
    settle(browser)
    main = browser.get_by_test_id("stMain")
    timings = []
    for n in range(APPLIES):
        choice = CHOICES[n % 2]
        choose(browser, "op-industry", choice)
        settle(browser)
        before = main.inner_text()
        assert f"{choice.split(':')[0]}:" in before  # the figures for this choice are shown
        start = time.perf_counter()
        browser.locator(".st-key-apply-industry button").click()
        browser.wait_for_function(
            """([idle, decided]) => document.querySelector(idle) !== null &&
                   [...document.querySelectorAll('[data-testid="stCaptionContainer"]')]
                       .some(e => e.innerText.includes('Shared answer: ' + decided))""",
            arg=[IDLE, DECIDED[choice]], timeout=30_000)
        timings.append((time.perf_counter() - start) * 1000)
        settle(browser)
        # the figures by the question now start from the shared definition just applied
        assert main.inner_text() != before
    result = {"apply_ms_median": round(statistics.median(timings)),
              "apply_ms_max": round(max(timings)), "n": len(timings)}
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "apply-latency.json").write_text(json.dumps(result) + "\n")
    print(f"\nApply → updated figures on the sample leads: {result}")
    snap(browser, "step3-projector")


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
@pytest.mark.parametrize("role", ["facilitator", "marketing"])
def test_step3_on_a_phone_has_no_horizontal_scroll(
        database_url, server, monkeypatch, request, role):  # noqa: F811
    require_chromium()
    monkeypatch.setenv("DATABASE_URL", database_url)
    workshop_id, tokens = revealed_demo_copy()
    server.start()
    browser = request.getfixturevalue("page")
    browser.set_viewport_size({"width": 390, "height": 844})
    browser.set_extra_http_headers({"User-Agent": IPHONE})
    browser.goto(f"{server.url}/compare?ws={workshop_id}&key={tokens[role]}")
    settle(browser)
    browser.wait_for_timeout(500)  # charts lay themselves out after the run
    main = browser.get_by_test_id("stMain")
    assert horizontal_overflow(browser) <= 0
    assert main.evaluate("e => e.scrollWidth - e.clientWidth") <= 0
    # the phone layout: sentences instead of charts, one question at a time
    assert main.locator("[data-testid='stPlotlyChart']").count() == 0
    assert "alike overall" in main.inner_text()
    assert main.get_by_text("Next question ▶").count() == 1
    snap(browser, f"step3-phone-{role}")
    # the wide layout, picked on the phone, still does not scroll sideways
    browser.locator(".st-key-compare-layout button", has_text="Wide").click()
    settle(browser)
    browser.wait_for_timeout(500)
    assert main.locator("[data-testid='stPlotlyChart']").count() > 0
    assert horizontal_overflow(browser) <= 0
    assert main.evaluate("e => e.scrollWidth - e.clientWidth") <= 0
