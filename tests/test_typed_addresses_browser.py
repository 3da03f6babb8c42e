"""A typed web or e-mail address is shown as text, never as a link.

Escaping ("http\\://", "www\\.", "x\\@y") did not stop the browser: Streamlit links bare
addresses in the text it has already unescaped, so a company, a title or a name holding
"https://…", "www.…" or "x@y.z" became a link (target _blank) on every page. Only a real
browser draws those links (AppTest does not). Needs /usr/bin/chromium.
"""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.test_load_browser import Tab, browser, engine, server, warm_up  # noqa: F401
from tests.test_restart import settle
from workshop import store
from workshop.db import session
from workshop.text import WORD_JOINER

COMPANY = "Acme see https://evil.example/pay"
TITLE = "Leads for www.evil.example"
FACILITATOR = "dana@evil.example"
MEMBER = "Priya HTTP://EVIL.EXAMPLE"


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_no_typed_address_becomes_a_link(database_url, server, engine, browser):  # noqa: F811
    with session(engine) as s:
        workshop, fac = store.create_workshop(s, company=COMPANY, title=TITLE,
                                              facilitator_name=FACILITATOR)
        invites = store.invitations(s, workshop.id, fac).secrets
        store.join_with_invite(s, invites["marketing"], MEMBER)
    server.start()
    warm_up(browser, server)
    tab = Tab(browser, "addresses", workshop.id, fac)
    try:
        for page in ("teams", "facilitator"):
            tab.page.goto(tab.url(server.url, page), timeout=120_000)
            settle(tab.page)
            expect(tab.main).to_contain_text("Priya" if page == "teams" else "Step 1")
            shown = tab.main.inner_text().replace(WORD_JOINER, "")
            for typed in (COMPANY, TITLE, MEMBER)[:3 if page == "teams" else 2]:
                assert typed in shown, (page, typed)  # as typed, once the joiner is dropped
            links = tab.page.locator("a[href*='evil' i]")
            assert links.count() == 0, (page, [links.nth(i).get_attribute("href")
                                               for i in range(links.count())])
    finally:
        tab.shot("typed-addresses")
