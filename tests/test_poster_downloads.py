"""The one-pager's downloads on step 4: each has its own key, file name and type, none reruns the
page when clicked (a rerun after the PDF left the PNG's file gone: `MediaFileStorageError`, an
endless spinner or a file named by its hash), and in a real browser the PNG clicked right after
the PDF arrives, under its own name."""
from __future__ import annotations

import pytest

from tests.test_access_pages import recording_downloads
from tests.test_own_devices import app_url  # noqa: F401
from tests.test_restart import page, require_chromium, server, settle  # noqa: F401
from tests.test_sharing_pages import COMMUNICATE, open_as, signed_workshop

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
EXPECTED = {"pdf": "application/pdf", "png": "image/png", "html": "text/html",
            "md": "text/markdown"}


def test_every_one_pager_download_has_its_name_and_type_and_reruns_nothing(app_url):  # noqa: F811
    workshop_id, tokens = signed_workshop()
    with recording_downloads() as seen:
        at = open_as(workshop_id, tokens["facilitator"], COMMUNICATE)
    buttons = {b.proto.label: b.proto for b in at.get("download_button")}
    poster = {label: proto for label, proto in buttons.items()
              if label.startswith(("⬇️ PDF", "⬇️ PNG", "⬇️ HTML page", "⬇️ Markdown"))}
    assert len(poster) == 4, list(buttons)
    for label, proto in poster.items():
        assert proto.ignore_rerun, label  # a click downloads and leaves the page as it is
    files = {name: (mime, data) for name, mime, data in seen}
    for extension, mime in EXPECTED.items():
        name = f"ideal-lead-{workshop_id}.{extension}"
        assert name in files, (name, list(files))
        assert files[name][0] == mime
    png = files[f"ideal-lead-{workshop_id}.png"][1]
    png = png() if callable(png) else png
    assert bytes(png).startswith(PNG_MAGIC)
    pdf_bytes = files[f"ideal-lead-{workshop_id}.pdf"][1]
    assert bytes(pdf_bytes).startswith(b"%PDF")


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_png_clicked_right_after_the_pdf_downloads_both(  # noqa: F811
        database_url, server, monkeypatch, request, tmp_path):  # noqa: F811
    require_chromium()
    monkeypatch.setenv("DATABASE_URL", database_url)
    workshop_id, tokens = signed_workshop()
    server.start()
    browser = request.getfixturevalue("page")
    browser.goto(f"{server.url}/communicate?ws={workshop_id}&key={tokens['facilitator']}")
    settle(browser)
    pdf_button = browser.get_by_role("button", name="⬇️ PDF (A4)")
    png_button = browser.get_by_role("button", name="⬇️ PNG image")
    with browser.expect_download(timeout=30_000) as pdf_download:
        pdf_button.click()
    with browser.expect_download(timeout=60_000) as png_download:
        png_button.click()  # at once, no waiting for the page
    pdf_file, png_file = pdf_download.value, png_download.value
    assert pdf_file.suggested_filename == f"ideal-lead-{workshop_id}.pdf"
    assert png_file.suggested_filename == f"ideal-lead-{workshop_id}.png"
    assert png_file.failure() is None and pdf_file.failure() is None
    pdf_path, png_path = tmp_path / "one.pdf", tmp_path / "one.png"
    pdf_file.save_as(pdf_path)
    png_file.save_as(png_path)
    assert pdf_path.read_bytes().startswith(b"%PDF")
    assert png_path.read_bytes().startswith(PNG_MAGIC)
    assert not browser.get_by_test_id("stException").count()
