"""A real server, a real browser: a participant's answers survive the server being killed.

A participant joins by invite link in Chromium and drafts; after each change we wait until the
database has it; right after the last change the `streamlit run` process is killed with SIGKILL
(no shutdown, no flushing), started again on the same port, and the page is reloaded: every answer
is back on screen and in the database, and drafting goes on.

Needs Debian's Chromium at /usr/bin/chromium (Playwright cannot download browsers here); without
it this test FAILS (.ci/run installs it). Screenshots of each step go to test-artifacts/.
"""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from workshop import store
from workshop.db import make_engine, session
from workshop.definition import Definition
from workshop.settings import database_url as app_database_url

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
IDLE = "[data-testid='stApp'][data-test-script-state='notRunning']"
NOTE = "They run month-end close in spreadsheets and hate it"
TITLE_WORDS = "controller, head of finance"


# --- the server --------------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """`streamlit run app.py` on a loopback port, in its own process group so that nothing it
    starts outlives the test."""

    def __init__(self, database_url: str, port: int, log_dir: Path):
        self.database_url, self.port, self.log_dir = database_url, port, log_dir
        self.process: subprocess.Popen | None = None
        self.starts = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 60) -> None:
        self.starts += 1
        env = {**os.environ, "DATABASE_URL": self.database_url, "PYTHONUNBUFFERED": "1"}
        env.pop("PUBLIC_URL", None)
        log = open(self.log_dir / f"server-{self.starts}.log", "wb")  # noqa: SIM115
        self.process = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", "app.py",
             "--server.port", str(self.port), "--server.address", "127.0.0.1",
             "--server.headless", "true", "--server.fileWatcherType", "none",
             "--browser.gatherUsageStats", "false"],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        log.close()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                pytest.fail(f"streamlit exited with {self.process.returncode}:\n{self.log()}")
            try:
                with urllib.request.urlopen(f"{self.url}/_stcore/health", timeout=2) as answer:
                    if answer.read() == b"ok":
                        return
            except OSError:
                pass
            time.sleep(0.2)
        pytest.fail(f"streamlit did not answer on {self.url} within {timeout} s:\n{self.log()}")

    def kill(self) -> None:
        """SIGKILL the whole process group: a crash, not a shutdown."""
        if self.process is None:
            return
        if self.process.poll() is None:
            try:
                os.killpg(self.process.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        self.process.wait(timeout=30)
        self.process = None

    def log(self) -> str:
        path = self.log_dir / f"server-{self.starts}.log"
        return path.read_text(errors="replace")[-4000:] if path.exists() else ""


@pytest.fixture
def server(database_url, tmp_path) -> Iterator[Server]:
    running = Server(database_url, free_port(), tmp_path)
    try:
        yield running
    finally:
        running.kill()


# --- the browser -------------------------------------------------------------------------------

def require_chromium() -> None:
    """No skipping: without the browser this test fails, saying what to install."""
    if not os.access(CHROMIUM, os.X_OK):
        pytest.fail(f"{CHROMIUM} is missing: this browser test needs Debian's Chromium "
                    "(Playwright cannot download browsers here). Install it with "
                    "`apt-get install -y --no-install-recommends chromium` (.ci/run does).",
                    pytrace=False)


@pytest.fixture
def page():
    require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(viewport={"width": 1280, "height": 1000})
            context.set_default_timeout(20_000)
            yield context.new_page()
        finally:
            browser.close()


def settle(page) -> None:
    """Wait until the app has finished its run (fragment reruns included)."""
    page.wait_for_selector(IDLE, timeout=30_000)
    page.wait_for_timeout(150)
    page.wait_for_selector(IDLE, timeout=30_000)


def snap(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def chosen(multiselect) -> list[str]:
    """The values a multiselect shows as chosen (its tags)."""
    return [tag.get_attribute("aria-label") for tag in multiselect.locator("[data-tag]").all()]


def wait_for(condition: Callable[[], bool], what: str, timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    pytest.fail(f"timed out after {timeout} s waiting until {what}")


# --- the database ------------------------------------------------------------------------------

class Drafts:
    """Reads a participant's draft through the store, as the app does."""

    def __init__(self, database_url: str, monkeypatch):
        monkeypatch.setenv("DATABASE_URL", database_url)
        self.engine = make_engine(app_database_url())

    def read(self, workshop_id: str, token: str) -> Definition:
        with session(self.engine) as s:
            definition, _, _ = store.my_draft(s, workshop_id, token)
        return definition


def industries(definition: Definition) -> list[str]:
    found = definition.criteria_for("industry")
    return list(found[0].values) if found else []


def job_titles(definition: Definition) -> list[str]:
    return [v for c in definition.criteria_for("job_role") if c.field == "job_title"
            for v in c.values]


# --- the test ----------------------------------------------------------------------------------

def test_answers_survive_a_killed_server(database_url, server, monkeypatch, request):
    require_chromium()
    page = request.getfixturevalue("page")
    name = f"restart-{'sqlite' if database_url.startswith('sqlite') else 'postgresql'}"
    drafts = Drafts(database_url, monkeypatch)
    with session(drafts.engine) as s:
        workshop, facilitator_token = store.create_workshop(
            s, company="Acme Analytics", title="Restart drill", facilitator_name="Sam Lee")
        invite = store.invitations(s, workshop.id, facilitator_token).secrets["marketing"]
    try:
        server.start()

        # Join by the marketing invite link.
        page.goto(f"{server.url}/join?invite={invite}")
        settle(page)
        assert "You are joining as Marketing" in page.inner_text("body")
        page.get_by_label("Your name").fill("Priya")
        page.get_by_role("button", name="Join").click()
        page.wait_for_url("**/draft?**")
        settle(page)
        page.get_by_text("Your ideal lead: Priya").wait_for()
        query = parse_qs(urlsplit(page.url).query)
        workshop_id, token = query["ws"][0], query["key"][0]
        assert workshop_id == workshop.id and token != facilitator_token
        snap(page, f"{name}-1-joined")

        # Question 1: two industries from the list, and a note.
        industry = page.get_by_test_id("stMultiSelect").first
        for value in ("Healthcare", "Manufacturing"):
            industry.locator("input").click()
            industry.locator("input").fill(value)
            page.keyboard.press("Enter")
            page.keyboard.press("Escape")
            wait_for(lambda v=value: v in industries(drafts.read(workshop_id, token)),
                     f"{value} is saved")
            settle(page)
        assert chosen(industry) == ["Healthcare", "Manufacturing"]
        note = page.get_by_label("Note: why, in your own words (optional)")
        note.fill(NOTE)  # nothing pressed: saved after a short pause
        wait_for(lambda: drafts.read(workshop_id, token).notes.get("industry") == NOTE,
                 "the note is saved")
        settle(page)
        snap(page, f"{name}-2-industry-answered")

        # Question 2: job title keywords; the server dies right after this change lands.
        page.get_by_role("button", name="Next ▶").click()
        settle(page)
        page.get_by_text("2. What is the job role of the person?").wait_for()
        titles = page.get_by_label("Job title contains any of")
        titles.fill(TITLE_WORDS)
        titles.press("Enter")
        wait_for(lambda: job_titles(drafts.read(workshop_id, token)) == ["controller",
                                                                         "head of finance"],
                 "the job titles are saved")
        server.kill()
        snap(page, f"{name}-3-server-killed")

        saved = drafts.read(workshop_id, token)
        assert industries(saved) == ["Healthcare", "Manufacturing"]
        assert saved.notes == {"industry": NOTE}
        assert saved.answered_count() == 2

        # Same port, fresh process; the participant reloads their page.
        server.start()
        page.reload()
        settle(page)
        page.get_by_text("Your ideal lead: Priya").wait_for()
        assert parse_qs(urlsplit(page.url).query)["key"] == [token]
        # Wait for the text rather than read it at once: a loaded machine renders late.
        page.get_by_text("2 of 12 questions answered").wait_for(timeout=30_000)
        # The page comes back on the question the participant was on (?q=2) ...
        page.get_by_text("2. What is the job role of the person?").wait_for()
        assert page.get_by_label("Job title contains any of").input_value() == TITLE_WORDS
        snap(page, f"{name}-4-after-restart")
        # ... and question 1 still holds the earlier answers.
        page.get_by_role("button", name="◀ Back").click()
        settle(page)
        page.get_by_text("1. What industry do they work in?").wait_for()
        industry = page.get_by_test_id("stMultiSelect").first
        assert chosen(industry) == ["Healthcare", "Manufacturing"]
        note = page.get_by_label("Note: why, in your own words (optional)")
        # Question 2's box stays on the page until the run that replaced it has finished.
        note.and_(page.locator("[data-autosave$=':industry:note']")).wait_for()
        from playwright.sync_api import expect

        expect(note).to_have_count(1)
        assert note.input_value() == NOTE
        page.get_by_role("button", name="Next ▶").click()
        settle(page)

        # Drafting goes on: question 3, seniority.
        page.get_by_role("button", name="Next ▶").click()
        settle(page)
        page.get_by_text("3. How senior are they?").wait_for()
        seniority = page.get_by_test_id("stMultiSelect").first
        seniority.locator("input").click()
        seniority.locator("input").fill("Director")
        page.keyboard.press("Enter")
        page.keyboard.press("Escape")
        wait_for(lambda: bool(drafts.read(workshop_id, token).criteria_for("seniority")),
                 "the seniority is saved after the restart")
        settle(page)
        assert chosen(seniority) == ["Director"]
        page.get_by_text("3 of 12 questions answered").wait_for(timeout=30_000)
        final = drafts.read(workshop_id, token)
        assert final.criteria_for("seniority")[0].values == ["Director"]
        assert industries(final) == ["Healthcare", "Manufacturing"]
        assert job_titles(final) == ["controller", "head of finance"]
        assert final.notes == {"industry": NOTE}
        snap(page, f"{name}-5-drafting-again")
    except BaseException:
        try:
            snap(page, f"{name}-failure")
        except Exception:  # noqa: BLE001 - the original failure matters more
            pass
        print(f"server log:\n{server.log()}")
        raise
    finally:
        server.kill()
        drafts.engine.dispose()
