"""Uploading a CRM export in a real browser: the facilitator picks a file on the evidence page,
sees it read, checked and mapped; a broken file gets a sentence, not a traceback, and the app
carries on. Streamlit's AppTest cannot drive a file uploader, so this runs `streamlit run` and
Debian's Chromium (see test_restart.py for the server and browser helpers)."""
from __future__ import annotations

import re

from tests.test_restart import page, require_chromium, server, settle, snap  # noqa: F401
from workshop import store
from workshop.db import make_engine, session
from workshop.sample_data import generate_leads
from workshop.settings import database_url as app_database_url

LEADS = 3_000


def test_an_export_uploaded_in_the_browser_becomes_the_workshops_leads(
        database_url, server, monkeypatch, request, tmp_path):  # noqa: F811
    require_chromium()
    monkeypatch.setenv("UPLOAD_DIR", str(tmp_path / "uploads"))
    monkeypatch.setenv("DATABASE_URL", database_url)
    engine = make_engine(app_database_url())
    with session(engine) as s:
        workshop, token = store.create_workshop(
            s, company="Acme Analytics", title="Upload drill", facilitator_name="Sam Lee")
    export = tmp_path / "hubspot-export.csv"
    generate_leads(LEADS, seed=7).to_csv(export, index=False)
    broken = tmp_path / "leads.xlsx"
    broken.write_bytes(b"\x00\x01binary garbage\xff" * 100)
    name = f"upload-{'sqlite' if database_url.startswith('sqlite') else 'postgresql'}"

    server.start()
    browser = request.getfixturevalue("page")
    browser.goto(f"{server.url}/evidence?ws={workshop.id}&key={token}")
    settle(browser)
    assert browser.get_by_text("Upload your company's CRM export").is_visible()
    assert "sample leads" not in browser.locator("[data-testid='stMain']").inner_text()
    uploader = browser.locator("[data-testid='stFileUploaderDropzoneInput']")

    uploader.set_input_files(str(export))
    browser.get_by_text(f"Read {LEADS:,} leads from hubspot-export.csv").wait_for()
    settle(browser)
    snap(browser, f"{name}-1-read")
    page_text = browser.locator("[data-testid='stMain']").inner_text()
    assert re.search(rf"hubspot-export\.csv\*?\*?: {LEADS:,} rows, 26 columns", page_text)
    assert "Data quality per field" in page_text
    assert "Column mapping and outcome" in page_text
    assert "Traceback" not in page_text
    with session(engine) as s:
        upload = store.current_upload(s, workshop.id, token)
    assert upload is not None and upload.rows == LEADS
    assert upload.filename == "hubspot-export.csv"

    # Other screens learn of the upload from the room's stamp; this one, too, redraws once
    # (within a second): the expander is opened after that.
    browser.wait_for_timeout(1_500)
    settle(browser)
    browser.get_by_text("Column mapping and outcome").click()
    settle(browser)
    assert browser.get_by_text("Column that says whether a lead was won").is_visible()
    snap(browser, f"{name}-2-mapping")

    uploader.set_input_files(str(broken))
    browser.get_by_text("This file cannot be used").wait_for()
    settle(browser)
    snap(browser, f"{name}-3-broken")
    page_text = browser.locator("[data-testid='stMain']").inner_text()
    assert "named like an Excel workbook but is not one" in page_text
    assert "Traceback" not in page_text
    # The broken file replaced nothing: the workshop still uses the good export.
    assert re.search(rf"hubspot-export\.csv\*?\*?: {LEADS:,} rows", page_text)
    with session(engine) as s:
        assert store.current_upload(s, workshop.id, token).id == upload.id
