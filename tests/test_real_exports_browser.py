"""A new company in a real browser: a `streamlit run` server and Debian's Chromium.

The facilitator creates a workshop on the home page. Before any export is uploaded no page
shows a lead figure, and nothing of the demo company's sample leads. Then three real-shaped
exports (tests/exports/real: a European re-save with decimal commas in Latin-1, a marketing
funnel with day-first dates and a won-date outcome, a deal pipeline as an Excel workbook) are
uploaded on the evidence page one after the other: each is read, no page shows an exception,
and the guided form offers the export's own values with their lead counts.
"""
from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

from tests.test_real_exports import DEFINITIONS, REAL, expectation
from tests.test_restart import page, require_chromium, server, settle, snap  # noqa: F401
from workshop import store
from workshop.db import make_engine, session
from workshop.definition import Definition
from workshop.settings import database_url as app_database_url

EXPORTS = ("online_education_leads_eu.csv", "marketing_funnel_dayfirst.csv",
           "b2b_pipeline.xlsx")
PAGES = ("facilitator", "compare", "evidence", "history", "communicate")


def main_text(browser) -> str:
    settle(browser)
    return browser.locator("[data-testid='stMain']").inner_text()


def no_exception(browser) -> None:
    assert browser.locator("[data-testid='stException']").count() == 0
    assert "Traceback" not in main_text(browser)


def test_a_new_company_uploads_its_own_exports(database_url, server, monkeypatch,  # noqa: F811
                                               request, tmp_path):
    require_chromium()
    monkeypatch.setenv("UPLOAD_DIR", str(tmp_path / "uploads"))
    monkeypatch.setenv("DATABASE_URL", database_url)
    engine = make_engine(app_database_url())
    name = f"real-{'sqlite' if database_url.startswith('sqlite') else 'postgresql'}"

    server.start()
    browser = request.getfixturevalue("page")
    browser.goto(server.url)
    browser.get_by_role("heading", name="Start a new workshop").wait_for(timeout=60_000)
    browser.get_by_label("Company name").fill("Northwind Trading")
    browser.get_by_label("Workshop title").fill("Our ideal lead")
    browser.get_by_label("Facilitator's name").fill("Fay Olsen")
    browser.get_by_role("button", name="Create workshop").click()
    browser.get_by_role("heading", name="Step 1 · The facilitator's ideal lead").wait_for()
    settle(browser)
    query = parse_qs(urlsplit(browser.url).query)
    workshop_id, key = query["ws"][0], query["key"][0]

    # Drafts written and revealed (the drafting itself is test_e2e_workshop's subject); each
    # draft is written for one of the exports, so on any export the others lack columns.
    drafts = [Definition.from_json((DEFINITIONS / f"{stem}.json").read_text("utf-8"))
              for stem in ("marketing_funnel_dayfirst", "online_education_leads_eu",
                           "b2b_pipeline")]
    with session(engine) as s:
        tokens = (key, store.start_turn(s, workshop_id, key, role="marketing", name="Mia"),
                  store.start_turn(s, workshop_id, key, role="sales", name="Sol"))
        for token, draft in zip(tokens, drafts, strict=True):
            _, revision, _ = store.my_draft(s, workshop_id, token)
            store.save_draft(s, workshop_id, token, draft, revision)
        store.reveal(s, workshop_id, key)

    for path in PAGES:
        browser.goto(f"{server.url}/{path}?ws={workshop_id}&key={key}")
        text = main_text(browser)
        no_exception(browser)
        assert "sample leads" not in text and "6,000" not in text, path
        snap(browser, f"{name}-before-{path}")
    browser.goto(f"{server.url}/compare?ws={workshop_id}&key={key}")
    assert "No lead figures yet" in main_text(browser)

    browser.goto(f"{server.url}/evidence?ws={workshop_id}&key={key}")
    settle(browser)
    assert "Upload your company's CRM export" in main_text(browser)
    uploader = browser.locator("[data-testid='stFileUploaderDropzoneInput']")
    for export in EXPORTS:
        rows = len(expectation(export))
        uploader.set_input_files(str(REAL / export))
        browser.get_by_text(f"Read {rows:,} leads from {export}").wait_for(timeout=60_000)
        text = main_text(browser)
        no_exception(browser)
        assert re.search(rf"{re.escape(export)}\*?\*?: {rows:,} rows", text), export
        assert "Past wins" in text and "sample leads" not in text
        assert "Figures on " + export in text
        assert text.count("These leads have no column for") == 2  # the other two drafts
        # (some leads without a date are said beside the figures per month; no date at all,
        # instead of them)
        if expectation(export)["month"].notna().any():
            assert "These leads have no created date" not in text
        else:
            assert "These leads have no created date" in text
        snap(browser, f"{name}-{export.replace('.', '-')}")
        for path in ("compare", "history", "communicate"):
            browser.goto(f"{server.url}/{path}?ws={workshop_id}&key={key}")
            settle(browser)
            no_exception(browser)
            assert "No lead figures yet" not in main_text(browser), (export, path)
        browser.goto(f"{server.url}/evidence?ws={workshop_id}&key={key}")
        settle(browser)
        uploader = browser.locator("[data-testid='stFileUploaderDropzoneInput']")

    # The guided form (here on the shared definition, in step 3) now offers the last
    # export's own industries, with their lead counts.
    browser.goto(f"{server.url}/compare?ws={workshop_id}&key={key}")
    settle(browser)
    browser.get_by_text("Open the guided form on the shared definition").click()
    settle(browser)
    form = browser.get_by_test_id("stExpander").filter(
        has_text="Open the guided form on the shared definition")
    field = form.get_by_test_id("stMultiSelect").first
    field.click()
    options = browser.get_by_role("option")
    options.first.wait_for()
    offered = " | ".join(options.all_inner_texts())
    assert re.search(r"technolgy · [\d,]+ leads", offered), offered
    assert "Manufacturing" not in offered  # the catalog's neutral list gave way to the export's
    browser.keyboard.press("Escape")
    snap(browser, f"{name}-form-values")
