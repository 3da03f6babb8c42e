"""Back up and restore through the pages, in a real browser: the facilitator downloads the
backup from step 1, restores it on the home screen, gets everyone's new links, and the restored
workshop opens with the same shared definition; a file that is not a backup gets a sentence.
Runs `streamlit run` and Debian's Chromium (see test_restart.py)."""
from __future__ import annotations

import json

import pytest

from tests.test_restart import (  # noqa: F401
    page,
    require_chromium,
    server,
    settle,
)
from workshop import backup, demo, store
from workshop.db import make_engine, session
from workshop.leads import load_sample_leads
from workshop.models import Workshop
from workshop.settings import database_url as app_database_url


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_download_a_backup_and_restore_it_as_a_new_workshop(
        database_url, server, monkeypatch, request, tmp_path):  # noqa: F811
    require_chromium()
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("UPLOAD_DIR", str(tmp_path / "uploads"))
    engine = make_engine(app_database_url())
    with session(engine) as s:
        demo.seed_finished_demo(s, load_sample_leads())
        token = s.get(Workshop, demo.FINISHED_ID).facilitator_token
        before = {w.id for w in store.list_workshops(s)}
    server.start()
    browser = request.getfixturevalue("page")
    browser.goto(f"{server.url}/facilitator?ws={demo.FINISHED_ID}&key={token}")
    settle(browser)
    browser.get_by_text("💾 Back up this workshop").click()
    with browser.expect_download() as downloading:
        browser.get_by_role("button", name="Download the backup").click()
    saved = tmp_path / downloading.value.suggested_filename
    downloading.value.save_as(saved)
    assert saved.name == "lumen-ledger-backup.json"
    text = saved.read_text(encoding="utf-8")
    assert json.loads(text)["format"] == backup.FORMAT and token not in text

    browser.goto(server.url)
    settle(browser)
    dropzone = browser.get_by_test_id("stFileUploaderDropzoneInput").last
    not_backup = tmp_path / "notes.json"
    not_backup.write_text('{"company": "Acme"}', encoding="utf-8")
    dropzone.set_input_files(str(not_backup))
    browser.get_by_text("notes.json").wait_for()
    settle(browser)
    browser.get_by_role("button", name="Restore it as a new workshop").click()
    browser.get_by_text("This is not a workshop backup").wait_for()
    assert "Traceback" not in browser.inner_text("body")

    browser.goto(server.url)  # a fresh page, as after putting the wrong file away
    settle(browser)
    dropzone.set_input_files(str(saved))
    browser.get_by_text("backup.json").wait_for()  # the uploader holds it (name shortened)
    settle(browser)
    browser.get_by_role("button", name="Restore it as a new workshop").click()
    browser.get_by_text("The workshop is restored, with new links").wait_for()
    settle(browser)
    with session(engine) as s:
        new = {w.id for w in store.list_workshops(s) if not w.is_demo} - before
        assert len(new) == 1
        restored_id = new.pop()
        new_token = s.get(Workshop, restored_id).facilitator_token
    links = browser.locator("[data-testid='stCode']").all_inner_texts()
    assert len(links) == 3 and f"key={new_token}" in links[0] and token not in " ".join(links)
    browser.get_by_role("button", name="Open the restored workshop").click()
    browser.wait_for_url(lambda url: f"ws={restored_id}" in url)
    settle(browser)
    with session(engine) as s:
        assert backup.export_workshop(s, restored_id, new_token) == text
