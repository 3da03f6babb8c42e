"""Phones and the projector: step 3 opens in the phone layout on a phone (its user agent, its
mobile hint, or a narrow window) and keeps the layout the person picks; links and the subject
line on step 4 wrap instead of running off a phone's screen; the wall page's heading stays a
few lines for a long company name on a phone, and its text is large on a projector.

AppTest where the page decides (the layout, the code blocks asked to wrap); Playwright driving
Debian's Chromium against `streamlit run` where only the browser can tell (see
test_restart.py)."""
from __future__ import annotations

from types import SimpleNamespace

import pytest
import streamlit.runtime.context as streamlit_context

from tests.test_own_devices import new_app, texts
from tests.test_restart import (  # noqa: F401
    page,
    require_chromium,
    server,
    settle,
    snap,
)
from tests.test_sharing_pages import (
    COMMUNICATE,
    COMPARE,
    agreed_definition,
    in_db,
    share,
    sign_next_version,
    signed_workshop,
)
from workshop import demo, store, versions
from workshop.ui.comparison_view import LAYOUT_KEY, PHONE, WIDE

IPHONE = ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 "
          "(KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1")
ANDROID_CHROME = ("Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) "
                  "Chrome/126.0.0.0 Mobile Safari/537.36")
DESKTOP = ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
           "Chrome/126.0.0.0 Safari/537.36")
LONG_COMPANY = ("<b>Nordlicht</b> Präzisionsteile 🥨 GmbH & Co. KG – Vertriebsregion Süd-Ost "
                "und Alpenraum")
PROJECTOR_TEXT_PX = 22  # body text on a 1920-wide wall, readable from the back of a room


@pytest.fixture
def app_url(database_url, monkeypatch, tmp_path):
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("UPLOAD_DIR", str(tmp_path / "uploads"))
    return database_url


@pytest.fixture
def browser_sends(monkeypatch):
    """Make the AppTest session's browser send these headers (AppTest has no client of its
    own, so st.context.headers is empty otherwise)."""
    def send(**headers: str) -> None:
        client = SimpleNamespace(headers=[(k.replace("_", "-"), v) for k, v in headers.items()],
                                 cookies={}, remote_ip=None)
        monkeypatch.setattr(streamlit_context, "_get_client_context", lambda: client)
    return send


def layout(at) -> str:
    return at.segmented_control(key=LAYOUT_KEY).value


def charts(at) -> int:
    return len(at.get("plotly_chart"))


# --- step 3's layout, chosen by the page -------------------------------------------------------

@pytest.mark.parametrize("headers, expected", [
    ({"User_Agent": IPHONE}, PHONE),
    ({"User_Agent": ANDROID_CHROME}, PHONE),
    ({"User_Agent": DESKTOP, "Sec_CH_UA_Mobile": "?1"}, PHONE),  # Chromium's mobile hint
    ({"User_Agent": DESKTOP, "Sec_CH_UA_Mobile": "?0"}, WIDE),
    ({"User_Agent": DESKTOP}, WIDE),
])
def test_step3_opens_in_the_layout_of_the_device(app_url, browser_sends, headers, expected):
    workshop_id, tokens = signed_workshop()
    browser_sends(**headers)
    at = new_app({"ws": workshop_id, "key": tokens["marketing"]}, COMPARE)
    assert layout(at) == expected
    if expected == PHONE:  # sentences instead of the heatmap, one question at a time
        assert charts(at) == 0 and "alike overall" in texts(at)
        assert any(b.label == "Next question ▶" for b in at.button)
    else:
        assert charts(at) > 0 and "alike overall" not in texts(at)


def test_the_picked_layout_stays_over_the_device_s(app_url, browser_sends):
    workshop_id, tokens = signed_workshop()
    browser_sends(User_Agent=IPHONE)
    at = new_app({"ws": workshop_id, "key": tokens["sales"]}, COMPARE)
    assert layout(at) == PHONE
    at.segmented_control(key=LAYOUT_KEY).set_value(WIDE).run()
    assert not at.exception and layout(at) == WIDE and charts(at) > 0
    for _ in range(2):  # further runs (the room's live updates, other clicks) keep it
        at.run()
        assert layout(at) == WIDE and charts(at) > 0
    at.segmented_control(key=LAYOUT_KEY).set_value(PHONE).run()
    at.run()
    assert layout(at) == PHONE and charts(at) == 0


# --- step 4's code blocks ----------------------------------------------------------------------

def test_links_and_the_subject_line_wrap_on_step4(app_url):
    workshop_id, tokens = signed_workshop()
    secret = share(workshop_id, tokens["facilitator"])
    at = new_app({"ws": workshop_id, "key": tokens["sales"]}, COMMUNICATE)
    assert not at.exception
    blocks = {str(c.value): c.proto.wrap_lines for c in at.code}
    wall_links = [text for text in blocks if text.endswith(f"/wall?w={secret}")]
    subjects = [text for text in blocks if text.startswith("Subject: ")]
    assert len(wall_links) == 1 and len(subjects) == 1, list(blocks)
    assert len(blocks) >= 3  # the announcement's body too
    assert all(blocks.values()), blocks


@pytest.mark.parametrize("page_file, role", [("views/draft.py", "marketing"),
                                             ("views/facilitator.py", "facilitator")])
def test_the_personal_link_wraps(app_url, page_file, role):
    workshop_id, tokens = signed_workshop()
    at = new_app({"ws": workshop_id, "key": tokens[role]}, page_file)
    at.session_state["created"] = workshop_id  # the facilitator's page shows it after creating
    at.run()
    mine = [c for c in at.code if f"key={tokens[role]}" in str(c.value)]
    assert len(mine) == 1 and mine[0].proto.wrap_lines


# --- in the browser ----------------------------------------------------------------------------

def long_named_workshop() -> tuple[str, dict[str, str], str]:
    """A signed workshop whose company name runs to a sentence, with its wall link shared:
    (id, tokens, wall secret)."""
    definition = agreed_definition()

    def build(s):
        workshop, fac = store.create_workshop(s, company=LONG_COMPANY, title="Idealer Lead 2026",
                                              facilitator_name="Dana Weiß")
        secrets = store.invitations(s, workshop.id, fac).secrets
        _, marketing = store.join_with_invite(s, secrets["marketing"], "Priya Raman-Oberhuber")
        _, sales = store.join_with_invite(s, secrets["sales"], "Marcus Kowalczyk-Lindqvist")
        for token, draft in ((fac, demo.facilitator_draft()), (marketing, demo.marketing_draft()),
                             (sales, demo.sales_draft())):
            store.save_draft(s, workshop.id, token, draft, 0)
        store.reveal(s, workshop.id, fac)
        revision = store.save_shared(s, workshop.id, fac, definition, 0)
        tokens = {"facilitator": fac, "marketing": marketing, "sales": sales}
        sign_next_version(s, workshop.id, tokens, revision, definition)
        assert versions.versions(s, workshop.id, fac)
        return workshop.id, tokens

    workshop_id, tokens = in_db(build)
    return workshop_id, tokens, share(workshop_id, tokens["facilitator"])


# Elements of the page whose right edge is past the window's (text cut off on a phone).
PAST_THE_EDGE = """() => {
  const width = document.documentElement.clientWidth;
  return [...document.querySelectorAll('[data-testid="stMain"] *')]
    .filter(e => { const r = e.getBoundingClientRect();
                   return r.width > 0 && r.height > 0 && r.right > width + 1; })
    .map(e => e.tagName + ' ' + (e.innerText || '').slice(0, 50));
}"""


def open_page(browser, url: str) -> None:
    browser.goto(url)
    settle(browser)
    browser.wait_for_timeout(500)  # charts and code blocks lay themselves out after the run
    settle(browser)


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_a_phone_shows_step4_and_the_wall_within_its_width(
        database_url, server, monkeypatch, request):  # noqa: F811
    require_chromium()
    monkeypatch.setenv("DATABASE_URL", database_url)
    workshop_id, tokens, secret = long_named_workshop()
    server.start()
    browser = request.getfixturevalue("page")
    browser.set_viewport_size({"width": 360, "height": 740})
    open_page(browser, f"{server.url}/communicate?ws={workshop_id}&key={tokens['sales']}")
    assert browser.evaluate(PAST_THE_EDGE) == []
    code_blocks = browser.locator("[data-testid='stMain'] [data-testid='stCode']")
    assert code_blocks.count() >= 3  # the wall link, the subject line, the body
    shown = browser.locator("[data-testid='stMain']").inner_text()
    assert f"/wall?w={secret}" in shown.replace("\n", "")
    assert "Subject: " in shown
    for n in range(code_blocks.count()):  # each keeps its copy button
        block = code_blocks.nth(n)
        block.hover()
        assert block.locator("button").count() >= 1
    snap(browser, "phone360-communicate")

    open_page(browser, f"{server.url}/wall?w={secret}")
    assert browser.evaluate(PAST_THE_EDGE) == []
    heading = browser.locator("[data-testid='stMain'] h1").first
    assert "Präzisionsteile" in heading.inner_text()
    assert "<b>Nordlicht</b>" in heading.inner_text()  # shown as typed, not as markup
    # A few lines, not the whole first screen (it took 540 px of 740 at the usual size).
    assert heading.bounding_box()["height"] <= 740 * 0.3
    body = browser.evaluate("""() => parseFloat(getComputedStyle(document.querySelector(
        '[data-testid="stMain"] li')).fontSize)""")
    assert 14 <= body <= 20  # the phone keeps the usual reading size
    snap(browser, "phone360-wall")


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_a_narrow_window_opens_step3_in_the_phone_layout(
        database_url, server, monkeypatch, request):  # noqa: F811
    """A browser at phone width that does not say it is a phone (Playwright's own, a phone
    asking for the desktop site) still gets the phone layout; a wide one the wide layout."""
    require_chromium()
    monkeypatch.setenv("DATABASE_URL", database_url)
    workshop_id, tokens, _ = long_named_workshop()
    server.start()
    browser = request.getfixturevalue("page")
    assert "Mobile" not in browser.evaluate("navigator.userAgent")
    url = f"{server.url}/compare?ws={workshop_id}&key={tokens['marketing']}"
    main = browser.get_by_test_id("stMain")
    browser.set_viewport_size({"width": 390, "height": 844})
    open_page(browser, url)
    assert main.locator("[data-testid='stPlotlyChart']").count() == 0
    assert "alike overall" in main.inner_text()
    assert browser.evaluate(PAST_THE_EDGE) == []
    browser.locator(".st-key-compare-layout button", has_text="Wide").click()
    settle(browser)
    assert main.locator("[data-testid='stPlotlyChart']").count() > 0
    browser.get_by_text("How the alignment score is worked out").click()  # another rerun
    settle(browser)
    assert main.locator("[data-testid='stPlotlyChart']").count() > 0  # the pick stays

    browser.set_viewport_size({"width": 1920, "height": 1080})
    open_page(browser, url)
    assert main.locator("[data-testid='stPlotlyChart']").count() > 0


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_the_wall_reads_from_across_the_room(
        database_url, server, monkeypatch, request):  # noqa: F811
    require_chromium()
    monkeypatch.setenv("DATABASE_URL", database_url)
    _, _, secret = long_named_workshop()
    server.start()
    browser = request.getfixturevalue("page")
    browser.set_viewport_size({"width": 1920, "height": 1080})
    open_page(browser, f"{server.url}/wall?w={secret}")
    sizes = browser.evaluate("""() => [...document.querySelectorAll(
        '.st-key-one-pager-long li, .st-key-one-pager-long p, .st-key-one-pager-long td')]
        .filter(e => e.innerText.trim()).map(e => parseFloat(getComputedStyle(e).fontSize))""")
    assert len(sizes) > 10
    assert min(sizes) >= PROJECTOR_TEXT_PX, sizes
    assert browser.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth") <= 0
    heading = browser.locator("[data-testid='stMain'] h1").first
    assert heading.bounding_box()["height"] <= 1080 * 0.3
    snap(browser, "projector-wall")
