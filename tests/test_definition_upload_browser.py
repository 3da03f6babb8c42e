"""Starting a draft from a definition file, in a real browser: the facilitator of a new workshop
uploads a definition JSON in step 1 (a current file with its "about" block, then an old
schema-1 file), sees what it holds, replaces the draft with it, and finds it in the form after a
reload; a file from a newer app and a file that is not JSON get a sentence, not a traceback, and
change nothing. Runs `streamlit run` and Debian's Chromium (see test_restart.py)."""
from __future__ import annotations

from pathlib import Path

import pytest

from tests.test_restart import (  # noqa: F401
    chosen,
    page,
    require_chromium,
    server,
    settle,
    snap,
    wait_for,
)
from tests.test_sharing_pages import COMPANY, share, signed_workshop
from workshop import demo, rules, store
from workshop.db import make_engine, session
from workshop.definition import Definition
from workshop.settings import database_url as app_database_url

LOADER = "Start from a definition file (JSON)"
USE = "Replace your draft with this definition"
SCHEMA_1 = (Path(__file__).resolve().parent / "definitions"
            / "lumen-ledger-facilitator.schema-1.json")


def industries(definition: Definition) -> list[str]:
    return [v for c in definition.criteria_for("industry") for v in c.values]


def test_a_definition_file_becomes_the_facilitators_draft(
        database_url, server, monkeypatch, request, tmp_path):  # noqa: F811
    require_chromium()
    monkeypatch.setenv("DATABASE_URL", database_url)
    engine = make_engine(app_database_url())
    with session(engine) as s:
        workshop, token = store.create_workshop(
            s, company="Acme Analytics", title="File drill", facilitator_name="Sam Lee")

    def draft() -> Definition:
        with session(engine) as s:
            return store.my_draft(s, workshop.id, token)[0]

    current = tmp_path / "sales-v3.json"
    current.write_bytes(rules.definition_json(demo.sales_draft(),
                                              {"company": "Old Co", "version": 3}))
    future = tmp_path / "future.json"
    future.write_text('{"schema_version": 99}', encoding="utf-8")
    not_json = tmp_path / "notes.json"
    not_json.write_bytes(b"Meeting notes, not a definition\n\x00\xff")
    name = f"definition-upload-{'sqlite' if database_url.startswith('sqlite') else 'postgresql'}"
    assert draft().is_empty()

    server.start()
    browser = request.getfixturevalue("page")
    browser.goto(f"{server.url}/facilitator?ws={workshop.id}&key={token}")
    settle(browser)
    main = browser.locator("[data-testid='stMain']")

    def loader():
        """The expander, opened; its file input."""
        expander = browser.get_by_test_id("stExpander").filter(has_text=LOADER)
        if not expander.locator("details").evaluate("details => details.open"):
            expander.get_by_text(LOADER).click()
            settle(browser)
        return expander.get_by_test_id("stFileUploaderDropzoneInput")

    def upload(path: Path, shown: str) -> str:
        loader().set_input_files(str(path))
        main.get_by_text(shown).first.wait_for()
        settle(browser)
        text = main.inner_text()
        assert "Traceback" not in text and "Error:" not in text
        return text

    # A current file: what it holds and where it comes from, then the draft becomes it.
    text = upload(current, "Old Co · version 3")
    snap(browser, f"{name}-1-read")
    for criterion in demo.sales_draft().gate("mql"):
        assert criterion.sentence() in text
    assert "Threshold: 30 points" in text
    assert "Written in schema version" not in text
    assert draft().is_empty()  # nothing changes before the button
    browser.get_by_role("button", name=USE).click()
    wait_for(lambda: draft() == demo.sales_draft(), "the draft is the file's definition")
    settle(browser)
    snap(browser, f"{name}-2-replaced")
    assert "Traceback" not in main.inner_text()
    browser.reload()
    settle(browser)
    industry = browser.get_by_test_id("stMultiSelect").first
    assert chosen(industry) == industries(demo.sales_draft())

    # An old file (schema 1): read with the same rules, and it replaces the draft too.
    text = upload(SCHEMA_1, "Written in schema version 1")
    snap(browser, f"{name}-3-schema-1")
    assert "read as version 2, with the same rules" in text
    browser.get_by_role("button", name=USE).click()
    wait_for(lambda: draft() == demo.facilitator_draft(), "the draft is the schema-1 file's")
    settle(browser)
    browser.reload()
    settle(browser)
    assert chosen(browser.get_by_test_id("stMultiSelect").first) == demo.TARGET_INDUSTRIES

    # Files it cannot use: a sentence each, no button, and the draft stays as it is.
    for path, message, shot in ((future, "newer than this app reads", "4-future"),
                                (not_json, "The definition is not valid", "5-not-json")):
        text = upload(path, message)
        snap(browser, f"{name}-{shot}")
        # waited for: a rerun of the page may redraw the alert just after it first showed
        browser.get_by_test_id("stAlertContentError").filter(has_text=message).first.wait_for(
            state="visible", timeout=15_000)
        assert browser.get_by_role("button", name=USE).count() == 0
        assert draft() == demo.facilitator_draft()
    engine.dispose()



@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_a_used_file_is_not_offered_again(
        database_url, server, monkeypatch, request, tmp_path):  # noqa: F811
    require_chromium()
    monkeypatch.setenv("DATABASE_URL", database_url)
    engine = make_engine(app_database_url())
    with session(engine) as s:
        workshop, token = store.create_workshop(
            s, company="Acme Analytics", title="File drill", facilitator_name="Sam Lee")
    engine.dispose()
    current = tmp_path / "sales-v3.json"
    current.write_bytes(rules.definition_json(demo.sales_draft(), {"company": "Old Co"}))
    server.start()
    browser = request.getfixturevalue("page")
    browser.goto(f"{server.url}/facilitator?ws={workshop.id}&key={token}")
    settle(browser)
    main = browser.locator("[data-testid='stMain']")
    expander = browser.get_by_test_id("stExpander").filter(has_text=LOADER)
    expander.get_by_text(LOADER).click()
    settle(browser)
    expander.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(str(current))
    main.get_by_text("Old Co").wait_for()
    settle(browser)
    browser.get_by_role("button", name=USE).click()
    browser.get_by_role("button", name=USE).wait_for(state="detached")
    settle(browser)
    # The next click anywhere (here: on to question 2) must not bring the used file back.
    browser.get_by_role("button", name="Next ▶").click()
    main.get_by_text("2. What is the job role of the person?").wait_for()
    browser.wait_for_timeout(500)
    settle(browser)
    snap(browser, "definition-upload-used-file-offered-again")
    assert browser.get_by_role("button", name=USE).count() == 0
    assert "Old Co" not in main.inner_text()



@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_the_wall_link_opens_a_read_only_page_in_the_browser(
        database_url, server, monkeypatch, request):  # noqa: F811
    """The wall link as a person opens it: its own URL path, no menu, typed text as text, and
    nothing to click but the paper choice and the downloads."""
    require_chromium()
    monkeypatch.setenv("DATABASE_URL", database_url)
    workshop_id, tokens = signed_workshop()
    secret = share(workshop_id, tokens["facilitator"])
    server.start()
    browser = request.getfixturevalue("page")
    browser.goto(f"{server.url}/wall?w={secret}")
    settle(browser)
    main = browser.locator("[data-testid='stMain']")
    main.get_by_text("Version 1 · Facilitated by Dana").wait_for()
    browser.get_by_test_id("stExpander").get_by_text("Download it").click()
    settle(browser)
    snap(browser, "wall-page")
    text = main.inner_text()
    assert f"{COMPANY} · read-only" in text and '=HYPERLINK("x")' in text
    # read across a room: the caption is not faded (Streamlit's grey was 3.9:1 on white)
    caption = browser.get_by_test_id("stCaptionContainer").filter(has_text="read-only").first
    style = caption.evaluate("e => { const s = getComputedStyle(e.querySelector('p') || e);"
                             " return [s.color, getComputedStyle(e).opacity]; }")
    assert style == ["rgb(51, 51, 51)", "1"], style
    assert "Agreed by Priya for Marketing and Marcus for Sales" in text
    assert main.locator("b", has_text="Bold").count() == 0  # shown, not applied
    assert browser.get_by_test_id("stSidebarNav").count() == 0
    hrefs = [a.get_attribute("href") or "" for a in browser.locator("a").all()]
    assert not [h for h in hrefs if "key=" in h or "ws=" in h], hrefs
    assert main.locator("input, textarea, select, [contenteditable='true']").count() == 0
    assert sorted(b.inner_text().strip() for b in main.locator("button").all()) == sorted(
        ["A4", "Letter", "⬇️ PDF (A4)", "⬇️ PNG image", "⬇️ HTML page", "⬇️ Markdown"])
    for token in tokens.values():
        assert token not in browser.content()

    browser.goto(f"{server.url}/wall?w=not-{secret}")
    settle(browser)
    main.get_by_text("This wall link does not work").wait_for()
    snap(browser, "wall-page-unknown-link")
    assert "Acme" not in main.inner_text() and main.locator("button").count() == 0


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_the_wall_url_on_the_page_links_to_the_wall(
        database_url, server, monkeypatch, request):  # noqa: F811
    require_chromium()
    monkeypatch.setenv("DATABASE_URL", database_url)
    workshop_id, tokens = signed_workshop()
    secret = share(workshop_id, tokens["facilitator"])
    server.start()
    browser = request.getfixturevalue("page")
    url = f"{server.url}/wall?w={secret}"
    browser.goto(url)
    settle(browser)
    main = browser.locator("[data-testid='stMain']")
    line = main.locator("p", has_text="The full definition, always current:")
    line.wait_for()
    assert url in line.inner_text()
    # Either plain text, or a link to the whole address: never a link to somewhere else.
    hrefs = [a.get_attribute("href") for a in line.locator("a").all()]
    assert hrefs in ([], [url]), hrefs
