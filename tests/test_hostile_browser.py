"""The server keeps serving other users while one of them uploads a hostile file.

A real `streamlit run` server and two browser sessions (Debian's Chromium, see test_restart.py):
the facilitator uploads a CSV with one enormous cell (10 MB; 100 MB in the long set) and then
an XLSX zip bomb (2 GB unpacked; 12 GB in the long set) on the evidence page, while a
participant, in a browser session of their own, keeps drafting and their answers land in the
database. The facilitator gets a sentence for each file, the participant's page keeps
answering, the server process is still the same one and its peak memory stays bounded.
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests import hostile_files as hf
from tests.test_restart import (  # noqa: F401
    CHROMIUM,
    CHROMIUM_ARGS,
    IDLE,
    require_chromium,
    server,
    snap,
    wait_for,
)
from workshop import store
from workshop.db import make_engine, session
from workshop.settings import database_url as app_database_url

NOTE_LABEL = "Note: why, in your own words (optional)"
NOTES = ("Finance teams that close the month in spreadsheets",
         "Controllers who hate month-end",
         "Anyone with more than three entities")
MB = 1024 * 1024
# The server's own memory (streamlit, pandas, pyarrow, plotly) plus a few copies of the upload;
# a zip bomb that unpacked, or a reader that padded a sheet to a million wide rows, goes past.
SERVER_CEILING_MB = 1536
COPIES_OF_THE_UPLOAD = 8


def settle(page) -> None:
    """As test_restart.settle, with room for a machine busy reading a hostile file."""
    page.wait_for_selector(IDLE, timeout=180_000)
    page.wait_for_timeout(150)
    page.wait_for_selector(IDLE, timeout=180_000)


def peak_rss_mb(pid: int) -> int:
    status = Path(f"/proc/{pid}/status").read_text()
    return int(re.search(r"^VmHWM:\s+(\d+) kB", status, re.MULTILINE).group(1)) // 1024


def run_drill(database_url: str, server, monkeypatch, tmp_path, size: str) -> None:  # noqa: F811
    require_chromium()
    from playwright.sync_api import sync_playwright

    monkeypatch.setenv("UPLOAD_DIR", str(tmp_path / "uploads"))
    monkeypatch.setenv("DATABASE_URL", database_url)
    engine = make_engine(app_database_url())
    with session(engine) as s:
        workshop, fac = store.create_workshop(s, company="Acme Analytics", title="Hostile drill",
                                              facilitator_name="Sam Lee")
        secret = store.invitations(s, workshop.id, fac).secrets["marketing"]
        _, member = store.join_with_invite(s, secret, "Priya")

    def note() -> str | None:
        with session(engine) as s:
            return store.my_draft(s, workshop.id, member)[0].notes.get("industry")

    files = []
    for make in (hf.csv_huge_cell, hf.xlsx_sheet_bomb):
        filename, data = make(size)
        path = tmp_path / f"{make.__name__}-{filename}"
        path.write_bytes(data)
        files.append((path, hf.BY_NAME[make.__name__].expect, len(data)))
        del data
    name = f"hostile-{size}-{'sqlite' if database_url.startswith('sqlite') else 'postgresql'}"

    server.start()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            facilitator = browser.new_context(viewport={"width": 1280, "height": 1000})
            participant = browser.new_context(viewport={"width": 1280, "height": 1000})
            for context in (facilitator, participant):
                context.set_default_timeout(60_000)
            uploads, drafting = facilitator.new_page(), participant.new_page()
            drafting.goto(f"{server.url}/draft?ws={workshop.id}&key={member}")
            settle(drafting)
            drafting.get_by_text("Your ideal lead: Priya").wait_for()
            uploads.goto(f"{server.url}/evidence?ws={workshop.id}&key={fac}")
            settle(uploads)
            dropzone = uploads.locator("[data-testid='stFileUploaderDropzoneInput']")

            for (path, message, size_bytes), text in zip(files, NOTES, strict=False):
                dropzone.set_input_files(str(path))
                # Meanwhile the participant types a note; it must land in the database.
                field = drafting.get_by_label(NOTE_LABEL)
                field.fill(text)  # nothing pressed: saved after a short pause
                wait_for(lambda t=text: note() == t, f"the participant's note {text!r} is saved",
                         timeout=120)
                uploads.get_by_text("This file cannot be used").wait_for(timeout=300_000)
                settle(uploads)
                shown = uploads.locator("[data-testid='stMain']").inner_text()
                assert message in shown, shown[-2000:]
                assert "Traceback" not in shown
                snap(uploads, f"{name}-{path.stem}")
                assert server.process.poll() is None, server.log()
                peak = peak_rss_mb(server.process.pid)
                assert peak <= SERVER_CEILING_MB + COPIES_OF_THE_UPLOAD * size_bytes / MB, (
                    peak, path.name)
                # A new file needs a fresh uploader: the page keeps the last one's error.
                uploads.reload()
                settle(uploads)
                dropzone = uploads.locator("[data-testid='stFileUploaderDropzoneInput']")

            # The participant's session answered throughout and still does after a reload.
            drafting.reload()
            settle(drafting)
            drafting.get_by_text("Your ideal lead: Priya").wait_for()
            assert drafting.get_by_label(NOTE_LABEL).input_value() == NOTES[len(files) - 1]
            snap(drafting, f"{name}-participant")
            with session(engine) as s:
                assert store.current_upload(s, workshop.id, fac) is None  # nothing was taken
        finally:
            browser.close()
    engine.dispose()


def test_the_server_keeps_serving_while_a_hostile_file_is_uploaded(
        database_url, server, monkeypatch, tmp_path):  # noqa: F811
    run_drill(database_url, server, monkeypatch, tmp_path, "quick")


@pytest.mark.long
def test_the_server_keeps_serving_while_a_full_size_hostile_file_is_uploaded(
        database_url, server, monkeypatch, tmp_path):  # noqa: F811
    run_drill(database_url, server, monkeypatch, tmp_path, "long")
