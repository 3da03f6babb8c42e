"""The whole workshop, end to end, on three devices at once: a real `streamlit run` server and
Debian's Chromium with three browser contexts — the facilitator on the projector (1920×1080),
marketing on a laptop and sales on a phone (390×844).

1. The facilitator creates a workshop on the home page and drafts alone.
2. Marketing joins by the invite link read off the shared screen; sales types the join code.
3. Both draft (two questions each, with a distinctive note and job titles) and press Done
   (the facilitator's draft has no Done); the shared screen shows their progress.
4. Before the reveal, nobody's page holds anyone else's draft: not after a reload, not on the
   compare page opened by URL, not on the shared screen either.
5. The facilitator takes the room to step 3 (the participants' screens follow) and reveals;
   every draft shows side by side, on the facilitator's screen and on the participants'.
6. The facilitator uploads the CRM export the app ships (data/sample_leads.csv).
7. The drafts are merged into one shared definition, proposed, signed by marketing and sales on
   their own devices, and the one-page PDF is downloaded in step 4.

Screenshots of every person's page at every step go to test-artifacts/e2e/; the time each step
took is printed (shown with -s, or on a failure). Every change is waited for in the database
(change_and_wait); one shown on the page and not saved fails the test.
"""
from __future__ import annotations

import csv
import io
import re
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Page, expect, sync_playwright
from pypdf import PdfReader

from tests.test_restart import (
    ARTIFACTS,
    CHROMIUM,
    CHROMIUM_ARGS,
    ROOT,
    Server,
    chosen,
    free_port,
    require_chromium,
    settle,
)
from workshop import store, versions
from workshop.db import make_engine, session
from workshop.settings import database_url as app_database_url

SHOTS = ARTIFACTS / "e2e"
EXPORT = ROOT / "data" / "sample_leads.csv"
COMPANY = "Northwind Robotics"
TITLE = "E2E: what is a good lead?"
MKT_TITLES = "marketing manager, demand generation"
SALES_TITLES = "procurement, plant manager"
# Generous, for a loaded machine (they only matter when something is wrong):
WAIT = 30_000  # ms: a step that needs the server to react (a rerun, a fragment's next tick)
FOLLOW = 40_000  # ms: participants' screens follow the room every 3 s, the reveal every 2 s


class Person:
    """One browser context: a person on their own device."""

    def __init__(self, browser, who: str, **context_options):
        self.who = who
        self.context = browser.new_context(**context_options)
        self.context.set_default_timeout(WAIT)
        self.page: Page = self.context.new_page()
        self.workshop_id = self.token = ""
        self.console: list[str] = []  # the browser's errors, for a failure's report
        self.page.on("pageerror", lambda error: self.console.append(f"page error: {error}"))
        self.page.on("console", lambda message: self.console.append(
            f"{message.type}: {message.text}") if message.type == "error" else None)

    @property
    def main(self):
        return self.page.get_by_test_id("stMain")

    def text(self) -> str:
        settle(self.page)
        return self.main.inner_text()

    def shot(self, step: str, focus=None) -> None:
        """A screenshot of what the person sees (Streamlit scrolls inside the page, so this is
        the viewport), scrolled to `focus` if given."""
        settle(self.page)  # not half-way through a rerun, with stale parts greyed out
        if focus is not None:
            focus.scroll_into_view_if_needed()
        SHOTS.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=str(SHOTS / f"{step}-{self.who}.png"))

    def remember_place(self) -> None:
        query = parse_qs(urlsplit(self.page.url).query)
        self.workshop_id, self.token = query["ws"][0], query["key"][0]

    def url(self, base: str, path: str) -> str:
        return f"{base}/{path}?ws={self.workshop_id}&key={self.token}"

    def assert_never_shows(self, *secrets: str) -> None:
        """Neither on screen nor anywhere in the page's HTML."""
        settle(self.page)
        html, text = self.page.content(), self.main.inner_text()
        for secret in secrets:
            assert secret not in html and secret not in text, \
                f"{self.who}'s page shows {secret!r} before the reveal"


def button(person: Person, name: str):
    return person.page.get_by_role("button", name=name)


def click(person: Person, name: str) -> None:
    button(person, name).click()
    settle(person.page)


def industries_of(definition) -> list[str]:
    return [v for c in definition.criteria_for("industry") for v in c.values]


def job_titles_of(definition) -> list[str]:
    return [v for c in definition.criteria_for("job_role") if c.field == "job_title"
            for v in c.values]


def draft_of(engine, person: Person):
    with session(engine) as s:
        return store.my_draft(s, person.workshop_id, person.token)


def eventually(condition: Callable[[], bool], seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return condition()


def change_and_wait(person: Person, what: str, change: Callable[[], None],
                    saved: Callable[[], bool]) -> None:
    """Make a change on the page and wait until the database has it.

    This used to be lost now and then on a loaded machine (the page showed the new value and
    nothing was saved, or a later callback wiped it) and was worked around by making the
    change a second time; each widget now saves only what it shows (see
    tests/test_definition_form.py), so a change that is not saved fails."""
    change()
    if not eventually(saved, 30):
        person.shot(f"lost-{re.sub(r'[^A-Za-z0-9]+', '-', what)}")
        pytest.fail(f"{person.who}'s {what} shows on the page but is not saved (see "
                    f"{SHOTS}/lost-…-{person.who}.png)")


def add_industry(page, value: str) -> None:
    """Add `value` to question 1's industries (the first multiselect on a draft page)."""
    field = page.get_by_test_id("stMultiSelect").first.locator("input")
    field.click()
    field.fill(value)
    page.keyboard.press("Enter")
    page.keyboard.press("Escape")


def answer_two_questions(engine, person: Person, industries: list[str], note: str,
                         titles: str) -> None:
    """Question 1 (industries and a note), then question 2 (job title keywords); each change
    is waited for in the database before the next one.

    A question's first answer renames its entry in the "Question" selectbox (○ → ✓); a rerun
    that reaches the server with the old name in the meantime used to crash the page (the form
    now reads the label's number, tested in test_pages.py). A reload after the first answer
    also checks that the answer survives a fresh session."""
    page = person.page
    draft = lambda: draft_of(engine, person)[0]  # noqa: E731
    expect(person.main.get_by_text("1. What industry do they work in?")).to_be_visible()
    settle(page)

    for position, value in enumerate(industries):
        change_and_wait(person, f"industry {value}", lambda v=value: add_industry(page, v),
                        lambda v=value: v in industries_of(draft()))
        if position == 0:
            page.reload()  # a fresh session keeps the answer
            expect(person.main.get_by_text("1 of 12 questions answered")).to_be_visible()
        settle(page)
    assert chosen(page.get_by_test_id("stMultiSelect").first) == industries

    def type_into(label: str, text: str, commit: str | None) -> Callable[[], None]:
        def typing() -> None:
            field = page.get_by_label(label)
            field.fill(text)
            if commit:
                field.press(commit)
        return typing

    note_label = "Note: why, in your own words (optional)"
    change_and_wait(person, "note", type_into(note_label, note, None),  # nothing pressed
                    lambda: draft().notes.get("industry") == note)
    settle(page)
    click(person, "Next ▶")
    expect(person.main.get_by_text("2. What is the job role of the person?")).to_be_visible()
    titles_label = "Job title contains any of"
    change_and_wait(person, "job titles", type_into(titles_label, titles, "Enter"),
                    lambda: job_titles_of(draft()) == [t.strip() for t in titles.split(",")])
    # The address names the question (q=2) once the page has drawn it; a reload before the
    # browser has the new address would test the browser's timing, not the app.
    expect(page).to_have_url(re.compile(r"[?&]q=2(&|$)"))
    page.reload()  # comes back on question 2, with everything answered so far
    expect(person.main.get_by_text("2 of 12 questions answered")).to_be_visible()
    expect(page.get_by_label(titles_label)).to_have_value(titles)
    saved = draft()
    assert saved.answered_count() == 2
    assert industries_of(saved) == industries and saved.notes == {"industry": note}


def question_row(person: Person, title: str):
    """The first bordered block of the compare page's question `title` (under "Question by
    question"; the change log further down has blocks with the same headings)."""
    heading = person.page.get_by_role("heading", name=re.compile(rf"{re.escape(title)}$"))
    blocks = person.page.get_by_test_id("stVerticalBlock")
    return person.main.get_by_test_id("stVerticalBlock").filter(has=heading).filter(
        has_not=blocks.filter(has=heading)).first


def choose(person: Person, selectbox, option: str) -> None:
    """Pick an option of a Streamlit selectbox. A rerun that lands just after the click (a
    fragment's tick, the page after a restart) draws the box again, closed: open it again."""
    settle(person.page)
    wanted = person.page.get_by_role("option", name=option, exact=True)
    for _ in range(5):
        selectbox.click()
        try:
            wanted.wait_for(timeout=5_000)
            break
        except Exception:  # noqa: BLE001 - closed by a rerun; the click below reports it
            person.page.keyboard.press("Escape")
            settle(person.page)
    wanted.click()
    settle(person.page)


def test_a_whole_workshop_on_three_devices(tmp_path, monkeypatch, request):
    require_chromium()
    run = uuid.uuid4().hex[:8].upper()
    fac_secret, mkt_secret, sales_secret = (f"{who}-SECRET-{run}"
                                            for who in ("FAC", "MKT", "SALES"))
    database_url = f"sqlite:///{tmp_path / 'workshop.db'}"
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("UPLOAD_DIR", str(tmp_path / "uploads"))
    with EXPORT.open(encoding="utf-8", newline="") as handle:
        export_rows = sum(1 for _ in csv.DictReader(handle))
    SHOTS.mkdir(parents=True, exist_ok=True)
    for old in SHOTS.glob("*.png"):
        old.unlink()

    started = time.monotonic()

    laps = ["started"]

    def lap(what: str) -> None:
        """Where the time goes (printed; pytest shows it with -s or on a failure)."""
        laps.append(what)
        print(f"{time.monotonic() - started:6.1f} s  {what}", flush=True)

    server = Server(database_url, free_port(), tmp_path)
    request.addfinalizer(server.kill)  # also when it fails to start
    server.start()
    engine = None
    expect.set_options(timeout=WAIT)
    request.addfinalizer(lambda: expect.set_options(timeout=5_000))  # Playwright's default
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        fac = Person(browser, "facilitator", viewport={"width": 1920, "height": 1080})
        mkt = Person(browser, "marketing", viewport={"width": 1366, "height": 900})
        sales = Person(browser, "sales", viewport={"width": 390, "height": 844},
                       is_mobile=True, has_touch=True)
        people = (fac, mkt, sales)
        try:
            lap("server up")
            # --- 1. The facilitator creates a workshop on the home page, and drafts alone ---
            fac.page.goto(server.url)  # the first page of a fresh server seeds the demos: slow
            expect(fac.main.get_by_role("heading", name="Start a new workshop")
                   ).to_be_visible(timeout=60_000)
            fac.page.get_by_label("Company name").fill(COMPANY)
            fac.page.get_by_label("Workshop title").fill(TITLE)
            fac.page.get_by_label("Facilitator's name").fill("Fran Okafor")
            fac.shot("1a-home")
            click(fac, "Create workshop")
            expect(fac.main.get_by_role("heading", name="Step 1 · The facilitator's ideal lead")
                   ).to_be_visible()
            expect(fac.main.get_by_text("Keep this link")).to_be_visible()
            fac.remember_place()
            engine = make_engine(app_database_url())
            with session(engine) as s:
                workshop = store.get_workshop(s, fac.workshop_id)
                assert store.authenticate(s, fac.workshop_id, fac.token).is_facilitator
            assert (workshop.company, workshop.title) == (COMPANY, TITLE)
            assert not workshop.is_demo
            assert f"{COMPANY} · {TITLE}" in fac.text()
            answer_two_questions(engine, fac, ["Software"], fac_secret, "finance director")
            fac.shot("1b-facilitator-drafted")
            lap("step 1 done")

            # --- 2. The room moves to step 2; marketing joins by link, sales by code --------
            click(fac, "On to step 2 ▶")
            expect(fac.main.get_by_role(
                "heading", name="Step 2 · Marketing and sales define their ideal lead")
                   ).to_be_visible()
            expect(fac.main.get_by_text("Nobody has joined yet.")).to_have_count(2)
            # The facilitator's own draft is not on the shared screen.
            fac.assert_never_shows(fac_secret)
            code = fac.main.get_by_role("heading", name=re.compile(
                r"^[A-Z0-9]{3}-[A-Z0-9]{3}$")).inner_text().strip()
            cards = {}
            for team in ("Marketing", "Sales"):
                card = fac.main.get_by_test_id("stVerticalBlock").filter(
                    has=fac.page.get_by_text(f"{team}: scan or open the link", exact=True)).last
                cards[team] = card.get_by_test_id("stCode").inner_text().strip()
            with session(engine) as s:
                invitations = store.invitations(s, fac.workshop_id, fac.token)
            assert code == invitations.join_code
            assert cards == {
                "Marketing": f"{server.url}/join?invite={invitations.secrets['marketing']}",
                "Sales": f"{server.url}/join?invite={invitations.secrets['sales']}"}
            fac.shot("2a-invitations")

            mkt.page.goto(cards["Marketing"])
            expect(mkt.main.get_by_text("You are joining as Marketing")).to_be_visible()
            mkt.page.get_by_label("Your name").fill("Priya")
            mkt.shot("2a-invite-link")
            click(mkt, "Join")
            expect(mkt.main.get_by_role("heading", name="Your ideal lead: Priya")).to_be_visible()
            mkt.remember_place()

            sales.page.goto(f"{server.url}/join")
            expect(sales.main.get_by_role("heading", name="Join a workshop")).to_be_visible()
            sales.page.get_by_label("Join code").fill(code.lower().replace("-", ""))
            sales.main.get_by_test_id("stRadio").get_by_text("Sales", exact=True).click()
            sales.page.get_by_label("Your name").fill("Marcus")
            sales.shot("2a-join-code")
            click(sales, "Join")
            expect(sales.main.get_by_role("heading", name="Your ideal lead: Marcus")
                   ).to_be_visible()
            sales.remember_place()
            assert mkt.workshop_id == sales.workshop_id == fac.workshop_id
            assert len({fac.token, mkt.token, sales.token}) == 3
            for person, team in ((mkt, "Marketing"), (sales, "Sales")):
                assert f"{team} · bookmark this page" in person.text()
                assert "1. What industry do they work in?" in person.text()

            expect(fac.main).to_contain_text("Priya: 🙋 joined · 0 of 12 questions answered",
                                             timeout=FOLLOW)
            expect(fac.main).to_contain_text("Marcus: 🙋 joined · 0 of 12 questions answered",
                                             timeout=FOLLOW)
            expect(fac.main.get_by_text("Nobody has joined yet.")).to_have_count(0)
            for person in people:
                person.shot("2b-joined")
            lap("step 2 done")

            # --- 3. Marketing and sales draft alone, and press Done --------------------------
            answer_two_questions(engine, mkt, ["Software", "Healthcare"], mkt_secret, MKT_TITLES)
            answer_two_questions(engine, sales, ["Manufacturing"], sales_secret, SALES_TITLES)
            for person in (mkt, sales):
                person.shot("3a-drafted")
                click(person, "✅ Done: hand in my draft")
                expect(person.main.get_by_text("Done. Your draft is hidden until the "
                                               "facilitator reveals all drafts.")).to_be_visible()
                assert draft_of(engine, person)[2] is True
            expect(fac.main).to_contain_text("Priya: ✅ done · 2 of 12 questions answered",
                                             timeout=FOLLOW)
            expect(fac.main).to_contain_text("Marcus: ✅ done · 2 of 12 questions answered",
                                             timeout=FOLLOW)
            expect(fac.main).to_contain_text("2 of 2 team members done", timeout=FOLLOW)
            for person in people:
                person.shot("3b-done")
            lap("step 3 done")

            # --- 4. Before the reveal nobody sees anyone else's draft ------------------------
            # Each draft's note, and a job title nobody else wrote.
            mkt_private = (mkt_secret, "demand generation")
            sales_private = (sales_secret, "plant manager")
            fac_private = (fac_secret, "finance director")
            fac.assert_never_shows(*mkt_private, *sales_private, *fac_private)
            hidden_from = {mkt: (*sales_private, *fac_private),
                           sales: (*mkt_private, *fac_private)}
            for person, others in hidden_from.items():
                person.assert_never_shows(*others)
            for person in hidden_from:  # both reload at once; then each is checked
                person.page.reload()
            for person, others in hidden_from.items():
                expect(person.main.get_by_text("Done. Your draft is hidden")).to_be_visible()
                person.assert_never_shows(*others)
            for person in hidden_from:
                person.page.goto(person.url(server.url, "compare"))
            for person, others in hidden_from.items():
                expect(person.main.get_by_text("Waiting for the facilitator to reveal the "
                                               "drafts")).to_be_visible()
                person.assert_never_shows(*others)
                person.shot("4a-compare-before-reveal")
            fac.shot("4a-shared-screen-before-reveal")
            # Marketing goes back to its draft; sales stays on the compare page.
            mkt.page.goto(mkt.url(server.url, "draft"))
            expect(mkt.main.get_by_text("Done. Your draft is hidden")).to_be_visible()
            lap("step 4 done")

            # --- 5. Step 3: the room follows the facilitator; the reveal ---------------------
            click(fac, "On to step 3 ▶")
            expect(fac.main.get_by_role("heading", name="Step 3 · Compare and agree")
                   ).to_be_visible()
            expect(fac.main.get_by_role("button", name="🔓 Reveal all drafts")).to_be_visible()
            expect(fac.main.get_by_text("Not everyone has pressed Done")).to_have_count(0)
            fac.assert_never_shows(*mkt_private, *sales_private, *fac_private)
            # Marketing's screen follows the room from its draft to the compare page.
            expect(mkt.page).to_have_url(re.compile(r"/compare\?"), timeout=FOLLOW)
            expect(mkt.main.get_by_text("Waiting for the facilitator")).to_be_visible()
            mkt.assert_never_shows(*sales_private, *fac_private)
            sales.assert_never_shows(*mkt_private, *fac_private)
            for person in people:
                person.shot("5a-before-reveal")

            click(fac, "🔓 Reveal all drafts")
            expect(fac.main.get_by_text("Everyone is done")).to_be_visible()  # it asks first
            click(fac, "🔓 Reveal now")
            expect(fac.main.get_by_role("heading", name="Question by question")).to_be_visible()
            for secret in (*fac_private, *mkt_private, *sales_private):
                expect(fac.main).to_contain_text(secret)
            industry_row = question_row(fac, "Industry")
            row_text = industry_row.inner_text()
            for label in ("Facilitator", "Marketing", "Sales", "Shared definition"):
                assert label in row_text
            assert "Manufacturing" in row_text and "Healthcare" in row_text
            assert re.search(r"\b(Conflict|Overlap)\b", row_text), row_text
            role_row = question_row(fac, "Job role").inner_text()
            assert "Conflict" in role_row
            for words in ("finance director", "demand generation", "plant manager"):
                assert words in role_row
            assert "Alignment score" in fac.text()
            # The participants' compare pages move on by themselves and show every draft.
            for person in (mkt, sales):
                if person is sales:  # a phone opens step 3 in its phone layout: no charts
                    expect(person.main.get_by_text("alike overall").first).to_be_visible(
                        timeout=FOLLOW)
                    expect(person.main.locator("[data-testid='stPlotlyChart']")
                           ).to_have_count(0, timeout=FOLLOW)
                    person.page.locator(".st-key-compare-layout button", has_text="Wide"
                                        ).click()  # and shows every question side by side
                    settle(person.page)
                for secret in (*fac_private, *mkt_private, *sales_private):
                    expect(person.main).to_contain_text(secret, timeout=FOLLOW)
                expect(person.main.get_by_role("heading", name="Question by question")
                       ).to_be_visible()
                # Only the facilitator builds the shared definition; nothing to sign yet.
                expect(person.main.get_by_text("The facilitator has not put the shared "
                                               "definition to sign-off yet.")).to_be_visible()
                assert button(person, "Apply").count() == 0
            for person in people:
                person.shot("5b-revealed", focus=person.main.get_by_text(sales_secret).first)
            lap("step 5 done")

            # --- 6. The facilitator uploads the CRM export -----------------------------------
            # Until then a new company sees no lead figures at all: not the demo's sample.
            expect(fac.main.get_by_text("No lead figures yet")).to_be_visible()
            expect(sales.main.get_by_text("No lead figures yet")).to_be_visible()
            for person in people:
                assert "sample leads" not in person.text()
            fac.page.get_by_role("link", name=re.compile("Upload your CRM export")).click()
            expect(fac.main.get_by_role("heading", name="Evidence from your leads")
                   ).to_be_visible()
            fac.page.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(str(EXPORT))
            expect(fac.main.get_by_text(f"Read {export_rows:,} leads from sample_leads.csv")
                   ).to_be_visible(timeout=60_000)
            expect(fac.main.get_by_role("heading", name="Past wins")).to_be_visible()
            expect(fac.main).to_contain_text(
                f"Figures on sample_leads.csv ({export_rows:,} leads).")
            with session(engine) as s:
                upload = store.current_upload(s, fac.workshop_id, fac.token)
            assert upload.filename == "sample_leads.csv" and upload.rows == export_rows
            for person in people:
                person.shot("6-export-uploaded")
            lap("step 6 done")

            # --- 7. Merge, sign off, and the one-pager ---------------------------------------
            fac.main.get_by_role("link", name="Step 3 · Compare and agree").click()
            expect(fac.main.get_by_role("heading", name="Step 3 · Compare and agree")
                   ).to_be_visible()
            click(fac, "✨ Start from the suggested definition")
            industry_row = question_row(fac, "Industry")
            # The drafts conflict on the industry: the suggestion leaves it open.
            expect(industry_row).to_contain_text("Shared answer: suggested (open)")
            with session(engine) as s:
                log = versions.changes(s, fac.workshop_id, fac.token)
            assert [c.summary for c in log] == ["Started from the suggested definition"]
            choose(fac, industry_row.get_by_test_id("stSelectbox"), "Take Sales's answer")
            industry_row.get_by_role("button", name="Apply").click()
            settle(fac.page)
            expect(industry_row).to_contain_text("Shared answer: took Sales's answer")
            shared_column = industry_row.get_by_test_id("stColumn").filter(
                has_text="Shared definition").last
            expect(shared_column).to_contain_text("Industry is Manufacturing")
            with session(engine) as s:
                shared = store.shared_state(s, fac.workshop_id, fac.token)
            assert industries_of(shared.definition) == ["Manufacturing"]
            assert not shared.definition.is_empty()
            assert "sample_leads.csv" in fac.text()  # the figures use the uploaded export
            fac.shot("7a-merged", focus=industry_row)

            lap("merged")
            click(fac, "📜 Propose this definition for sign-off")
            expect(fac.main.get_by_text("Version 1 is proposed.")).to_be_visible()
            expect(fac.main).to_contain_text("⏳ Marketing: waiting")
            expect(fac.main).to_contain_text("⏳ Sales: waiting")
            fac.shot("7b-proposed")

            # Their pages follow by themselves (tests/test_live_browser.py); a reload must work too.
            for person in (mkt, sales):
                person.page.reload()
            for person, team in ((mkt, "Marketing"), (sales, "Sales")):
                sign = button(person, f"✅ Sign off for {team}")
                expect(sign).to_be_enabled()
                expect(person.main.get_by_text("The proposed version 1")).to_be_visible()
                person.shot("7c-asked-to-sign", focus=sign)
                sign.click()
                settle(person.page)
            expect(sales.main.get_by_text("Every team has signed: this is version 1."
                                          )).to_be_visible()
            expect(sales.main).to_contain_text("Version 1 is signed.")
            # Marketing signed first; its page follows the room to the signed version by itself.
            expect(mkt.main).to_contain_text("Version 1 is signed.", timeout=FOLLOW)
            with session(engine) as s:
                signed = versions.versions(s, fac.workshop_id, fac.token)
            assert [v.number for v in signed] == [1]
            assert versions.signed_by(signed[0].signatories) == [
                "Priya for Marketing", "Marcus for Sales"]
            for person in people:
                person.shot("7d-signed")

            lap("signed")
            # The facilitator's page has not heard of the signatures yet: moving on reruns it.
            click(fac, "On to step 4 ▶")
            expect(fac.main.get_by_role(
                "heading", name="Step 4 · Communicate the agreed definition")).to_be_visible()
            agreed = "Agreed by Priya for Marketing and Marcus for Sales"
            expect(fac.main).to_contain_text(agreed)
            lap("step 4 on the projector")
            for person in (mkt, sales):
                expect(person.page).to_have_url(re.compile(r"/communicate\?"), timeout=FOLLOW)
                lap(f"{person.who} followed to step 4")
                expect(person.main).to_contain_text(agreed, timeout=FOLLOW)
                lap(f"{person.who} sees the agreed version")
            pdf_button = button(fac, "⬇️ PDF (A4)")
            expect(pdf_button).to_be_enabled(timeout=60_000)
            with fac.page.expect_download() as download:
                pdf_button.click()
            data = Path(download.value.path()).read_bytes()
            assert download.value.suggested_filename == f"ideal-lead-{fac.workshop_id}.pdf"
            assert data.startswith(b"%PDF")
            reader = PdfReader(io.BytesIO(data))
            assert len(reader.pages) == 1
            printed = reader.pages[0].extract_text()
            assert COMPANY.upper() in printed.upper()
            assert "Industry is Manufacturing" in printed
            assert f"{agreed} on " in printed
            for person in people:
                person.shot("7e-step-4", focus=person.main.get_by_text(agreed).first)
            lap("step 7 done")
        except BaseException as error:
            for person in people:
                said = list(dict.fromkeys(person.console))  # each once, the first first
                if said:
                    print(f"--- {person.who}'s browser said:", *said[:12], sep="\n  ")
                try:
                    SHOTS.mkdir(parents=True, exist_ok=True)  # as it is, even mid-run
                    person.page.screenshot(path=str(SHOTS / f"failure-{person.who}.png"))
                    print(f"--- {person.who}'s page ({person.page.url}):\n"
                          f"{person.main.inner_text(timeout=5_000)[:3000]}")
                except Exception:  # noqa: BLE001 - the original failure matters more
                    pass
            print(f"server log:\n{server.log()}")
            if isinstance(error, AssertionError | PlaywrightError):
                # The summary line shows the start of the message: say where it failed there,
                # before Playwright's page snapshot.
                first = str(error).strip().splitlines()[:3]
                raise AssertionError(f"after '{laps[-1]}' ({time.monotonic() - started:.0f} s): "
                                     + " | ".join(first)) from error
            raise
        finally:
            browser.close()
            server.kill()
            if engine is not None:
                engine.dispose()
