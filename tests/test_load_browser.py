"""Load through real browsers: a real `streamlit run` server and Debian's Chromium, several
workshops whose facilitator, marketing and sales draft on their own devices at the same time
(the smaller, browser half of the load part of the reliability suite; tests/test_load.py is
the store half).

* Drafting at once: every person answers questions (a note each, typed and nothing pressed)
  and moves on; the people take turns action by action, so the server always has reruns of
  several sessions in flight. Afterwards every change shown on screen is in the database — with
  exactly one revision per change — and no page says "changed elsewhere" (nobody else edits
  these drafts) or shows an error.
* A change made while the previous one is still being saved: the previous save is held up in
  the database (another connection holds the lock the save needs), the person makes a second
  change meanwhile; both must end up in the database. This used to lose the second change with
  "This definition was changed elsewhere in the meantime" (see workshop/ui/definition_form.py:
  Streamlit may stop a callback for the newer rerun at any st.session_state access, and did so
  right after the save was committed, before the new revision was noted).

* A note typed without pressing anything (a draft's note, the facilitator's decision note on
  step 3), on a phone-sized page: after a pause the page says it is saved, and a reload shows
  it (SQLite and PostgreSQL).

The quick versions run on SQLite; the bigger ones, and PostgreSQL, are marked `long`.
Needs /usr/bin/chromium (without it these tests FAIL, see tests/test_restart.py).
"""
from __future__ import annotations

import sqlite3
import time
from datetime import UTC, datetime
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import expect, sync_playwright
from sqlmodel import select

from tests.builders import C, D
from tests.conftest import sqlalchemy_url
from tests.test_e2e_workshop import (
    SHOTS,
    add_industry,
    eventually,
    industries_of,
    job_titles_of,
)
from tests.test_load import REPORT
from tests.test_restart import (
    CHROMIUM,
    CHROMIUM_ARGS,
    Server,
    free_port,
    require_chromium,
    settle,
    wait_for,
)
from workshop import catalog, store, versions
from workshop.db import make_engine, session
from workshop.models import Draft

NOTE_LABEL = "Note: why, in your own words (optional)"
WARNINGS = ("changed elsewhere", "database is locked", "OperationalError", "Traceback",
            "could not serialize", "deadlock")
WAIT = 40_000  # ms, for a loaded machine; only matters when something is wrong


@pytest.fixture
def server(database_url, tmp_path):
    running = Server(database_url, free_port(), tmp_path)
    try:
        yield running
    finally:
        running.kill()


@pytest.fixture
def engine(database_url):
    made = make_engine(sqlalchemy_url(database_url))
    yield made
    made.dispose()


@pytest.fixture
def browser():
    """A browser context: every page in it is a person on their own device."""
    require_chromium()
    expect.set_options(timeout=WAIT)
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=[
            *CHROMIUM_ARGS, "--disable-background-timer-throttling",
            "--disable-renderer-backgrounding", "--disable-backgrounding-occluded-windows"])
        try:
            context = launched.new_context(viewport={"width": 1280, "height": 900})
            context.set_default_timeout(WAIT)
            yield context
        finally:
            launched.close()
            expect.set_options(timeout=5_000)  # Playwright's default


def current_question(person: Tab) -> int:
    """The question on screen, 1-based, from the URL the form keeps it in."""
    return int(parse_qs(urlsplit(person.page.url).query).get("q", ["0"])[0])


def draft_in_database(engine, person: Tab):
    with session(engine) as s:
        return store.my_draft(s, person.workshop_id, person.token)


class Tab:
    """One person's page. Everybody's pages share one browser context — each page is its own
    Streamlit session all the same — so the browser loads the app's scripts once, which
    matters on a loaded two-core machine."""

    def __init__(self, context, who: str, workshop_id: str, token: str) -> None:
        self.who, self.workshop_id, self.token = who, workshop_id, token
        self.page = context.new_page()

    @property
    def main(self):
        return self.page.get_by_test_id("stMain")

    def url(self, base: str, path: str) -> str:
        return f"{base}/{path}?ws={self.workshop_id}&key={self.token}"

    def text(self) -> str:
        settle(self.page)
        return self.main.inner_text()

    def shot(self, step: str) -> None:
        SHOTS.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=str(SHOTS / f"{step}-{self.who}.png"))


def open_draft(context, who: str, path: str, workshop_id: str, token: str, base: str) -> Tab:
    person = Tab(context, who, workshop_id, token)
    person.page.goto(person.url(base, path), wait_until="commit", timeout=120_000)
    return person


def warm_up(context, server: Server) -> None:
    """The first page of a fresh server seeds the demo workshops: slow, so done once first."""
    page = context.new_page()
    page.goto(server.url)
    page.get_by_test_id("stMain").get_by_role("heading", name="Start a new workshop").wait_for(
        timeout=120_000)
    page.close()


def show_problems(people: list[Tab]) -> list[str]:
    found = []
    for person in people:
        text = person.main.inner_text()
        found += [f"{person.who}: {warning!r} on screen" for warning in WARNINGS
                  if warning in text]
    return found


# --- drafting at once ---------------------------------------------------------------------------

def drafting_at_once(database_url, server: Server, engine, browser, workshops: int,
                     questions: int) -> None:
    with session(engine) as s:
        plan = []
        for index in range(workshops):
            workshop, fac = store.create_workshop(s, company=f"Browser Co {index}",
                                                  title="Load", facilitator_name="Dana")
            invites = store.invitations(s, workshop.id, fac).secrets
            mkt = store.join_with_invite(s, invites["marketing"], f"Priya {index}")[1]
            sales = store.join_with_invite(s, invites["sales"], f"Marcus {index}")[1]
            plan += [(f"w{index}-facilitator", "facilitator", workshop.id, fac),
                     (f"w{index}-marketing", "draft", workshop.id, mkt),
                     (f"w{index}-sales", "draft", workshop.id, sales)]
    server.start()
    warm_up(browser, server)
    people = []
    for who, path, ws, token in plan:  # people arrive one after the other, then draft at once
        try:
            people.append(open_draft(browser, who, path, ws, token, server.url))
            expect(people[-1].page.get_by_label(NOTE_LABEL)).to_be_visible(timeout=90_000)
        except Exception:
            print(f"{who} did not open; server log:\n{server.log()}")
            raise
    typed: dict[str, dict[str, str]] = {person.who: {} for person in people}

    # Each person: a note on question 1, Next, a note on question 2, Next, ... Everybody takes
    # one action in turn without waiting for anyone's server run to finish, only for their own
    # page to show the question they are on. (Not for the app to be idle: with every page's
    # fragments polling every 2-3 s, a loaded server is hardly ever idle.)
    actions = [step for q in range(questions) for step in (("note", q), ("next", q))][:-1]
    started = time.perf_counter()
    for kind, q in actions:
        for person in people:
            heading = person.main.get_by_text(f"{q + 1}. {catalog.QUESTIONS[q].prompt}")
            expect(heading).to_be_visible()
            if kind == "next":
                person.page.get_by_role("button", name="Next ▶").click()
                continue
            note = f"{person.who} says q{q + 1} matters because of {time.time_ns() % 10**9}"
            # While the page runs, the last question's note box can still be shown (stale)
            # next to this one's: type into the current one.
            field = person.page.locator(
                "[data-testid='stElementContainer']:not([data-stale='true'])"
            ).get_by_label(NOTE_LABEL)
            field.fill(note)  # and nothing else: no Enter; Next (or the pause) saves it
            typed[person.who][catalog.QUESTIONS[q].key] = note

    def everything_saved() -> bool:
        return all(draft_in_database(engine, person)[0].notes == typed[person.who]
                   for person in people)

    eventually(everything_saved, 120)  # what is still missing then is reported below
    elapsed = time.perf_counter() - started

    # What each page shows is in the database: the last note still on screen, the number of
    # questions answered, and every note typed, each saved exactly once; no page warns.
    for person in people:
        expect(person.page.get_by_label(NOTE_LABEL)).to_have_value(
            typed[person.who][catalog.QUESTIONS[questions - 1].key])
        expect(person.main.get_by_text(f"{questions} of 12 questions answered")).to_be_visible()
    problems = show_problems(people)
    revisions = []
    for person in people:
        definition, revision, _ = draft_in_database(engine, person)
        revisions.append(revision)
        # One save per change: a callback fired again for a change already saved (a rerun
        # can do that) writes no revision.
        if definition.notes != typed[person.who] or revision != questions:
            problems.append(f"{person.who}: the database has revision {revision} with notes "
                            f"{definition.notes}, the page showed {typed[person.who]}")
    # A fresh session (a reload) shows what the database has.
    for person in people[:3]:
        person.page.reload()
        expect(person.page.get_by_label(NOTE_LABEL)).to_have_value(
            typed[person.who][catalog.QUESTIONS[questions - 1].key])
    for person in people:
        person.shot(f"load-browser-{person.who}")
    saves = len(people) * questions
    line = (f"{datetime.now(UTC):%Y-%m-%d %H:%M:%S} UTC  browsers engine="
            f"{'sqlite' if database_url.startswith('sqlite') else 'postgresql'}  "
            f"workshops={workshops}  people={len(people)}  saves={saves} and "
            f"{len(people) * (questions - 1)} page moves in {elapsed:.1f} s  "
            f"(revisions written: {sum(revisions)})  "
            f"throughput={saves / elapsed:.2f} saves/s")
    REPORT.parent.mkdir(parents=True, exist_ok=True)
    with REPORT.open("a", encoding="utf-8") as out:
        out.write(line + "\n")
    print("\n" + line)
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_people_drafting_at_once_in_browsers_lose_nothing(database_url, server, engine,
                                                          browser):
    """Quick: one workshop × 3 people, 2 questions each, on SQLite. (Two workshops' six pages,
    each polling the server every 2-3 s, take minutes to open on a loaded two-core machine.)"""
    drafting_at_once(database_url, server, engine, browser, workshops=1, questions=2)


@pytest.mark.long
@pytest.mark.parametrize("database_url", ["sqlite", "postgresql"], indirect=True)
def test_two_workshops_drafting_at_once_in_browsers_lose_nothing(database_url, server,
                                                                 engine, browser):
    drafting_at_once(database_url, server, engine, browser, workshops=2, questions=3)


# --- a change made while the previous one is still being saved ---------------------------------

class HeldDraft:
    """Another connection holds what saving the draft needs — on SQLite the database's write
    lock, on PostgreSQL the draft's row — until `release`; the app's save waits meanwhile."""

    def __init__(self, database_url: str, engine, workshop_id: str, token: str) -> None:
        with session(engine) as s:
            participant = store.authenticate(s, workshop_id, token).participant_id
            self.draft_id = s.exec(select(Draft.id).where(
                Draft.participant_id == participant)).one()
        self.database_url = database_url
        self.connection = None

    def hold(self) -> None:
        if self.database_url.startswith("sqlite"):
            self.connection = sqlite3.connect(self.database_url.split("///", 1)[1],
                                              isolation_level=None)
            self.connection.execute("BEGIN IMMEDIATE")
        else:
            import psycopg

            self.connection = psycopg.connect(self.database_url)
            self.connection.execute("SELECT id FROM draft WHERE id = %s FOR UPDATE",
                                    (self.draft_id,))

    def release(self) -> None:
        self.connection.rollback()
        self.connection.close()


def a_change_while_saving(database_url, server: Server, engine, browser) -> None:
    """The note on question 1 is being saved (held up in the database) when the person moves
    on to question 2; there they type job titles. Both must be saved, with no warning."""
    with session(engine) as s:
        workshop, fac = store.create_workshop(s, company="Slow Disk Ltd", title="Load",
                                              facilitator_name="Dana")
        invite = store.invitations(s, workshop.id, fac).secrets["marketing"]
        token = store.join_with_invite(s, invite, "Priya")[1]
    held = HeldDraft(database_url, engine, workshop.id, token)
    server.start()
    warm_up(browser, server)
    person = open_draft(browser, "priya", "draft", workshop.id, token, server.url)
    page = person.page
    expect(page.get_by_label(NOTE_LABEL)).to_be_visible()
    settle(page)
    note, titles = "Budget is signed off before they talk to us", "controller, cfo"
    saved = lambda: draft_in_database(engine, person)[0]  # noqa: E731
    add_industry(page, "Software")
    wait_for(lambda: industries_of(saved()) == ["Software"], "the industry is saved", timeout=30)
    settle(page)
    held.hold()
    try:
        field = page.get_by_label(NOTE_LABEL)
        field.fill(note)  # saved after a short pause, which now waits for the held lock
        page.wait_for_selector("[data-test-script-state='running']")
        page.wait_for_timeout(1500)  # ordering only: let the save reach the database
        page.get_by_role("button", name="Next ▶").click()  # while the note is being saved
        page.wait_for_timeout(1000)  # ordering only: the click reaches the server
        assert "industry" not in saved().notes  # really held up
    finally:
        held.release()
    try:
        settle(page)
        expect(person.main.get_by_text("2. What is the job role of the person?")
               ).to_be_visible()
        field = page.get_by_label("Job title contains any of")
        field.fill(titles)
        field.press("Enter")
        wait_for(lambda: saved().notes.get("industry") == note
                 and job_titles_of(saved()) == ["controller", "cfo"],
                 "both changes are saved", timeout=30)
        settle(page)
        assert industries_of(saved()) == ["Software"], "the industry chosen first was lost"
        assert not show_problems([person])
    except BaseException:
        person.shot("load-browser-change-while-saving")
        print(f"on screen:\n{person.text()}\nin the database: {saved()}\n"
              f"server log:\n{server.log()}")
        raise
    # What the page shows is what is saved, also after a reload.
    page.reload()
    expect(page.get_by_label("Job title contains any of")).to_have_value(titles)
    expect(person.main.get_by_text("2 of 12 questions answered")).to_be_visible()


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_a_change_made_while_the_last_one_is_saving_is_saved_too(database_url, server,
                                                                   engine, browser):
    a_change_while_saving(database_url, server, engine, browser)


@pytest.mark.long
@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_a_change_made_while_the_last_one_is_saving_is_saved_too_on_postgresql(
        database_url, server, engine, browser):
    a_change_while_saving(database_url, server, engine, browser)


# --- a note typed and nothing pressed survives a reload -----------------------------------------

PHONE = {"width": 390, "height": 844}


def note_box(page, name: str):  # by the end of its key
    """workshop/ui/autosave.py's text box (inside the component's shadow root)."""
    return page.locator(f"[data-autosave$='{name}']")


def into_view(box) -> None:
    """Scroll the box into view for the screenshot that records the step. Only a picture: the
    page may be drawing the box afresh at that moment (a rerun re-mounts it), which must not
    fail a test whose checks all passed."""
    try:
        box.scroll_into_view_if_needed(timeout=5_000)
    except PlaywrightError:
        pass


def type_and_reload(page, box, text: str) -> None:
    """Type `text` key by key, press nothing, pause; the page must say it is saved (and be
    right about it: the reload shows what the database has)."""
    box.click()
    box.press_sequentially(text, delay=20)
    page.wait_for_timeout(1500)  # ordering only: the pause after the last keystroke
    expect(page.get_by_text("✓ Saved")).to_be_visible()
    page.reload()
    expect(box).to_have_value(text)


@pytest.mark.parametrize("database_url", ["sqlite", "postgresql"], indirect=True)
def test_notes_typed_without_pressing_anything_survive_a_reload_on_a_phone(
        database_url, server, engine, browser):
    with session(engine) as s:
        workshop, fac = store.create_workshop(s, company="Pocket Ltd", title="Typing",
                                              facilitator_name="Dana")
        invites = store.invitations(s, workshop.id, fac).secrets
        token = store.join_with_invite(s, invites["marketing"], "Priya")[1]
    server.start()
    warm_up(browser, server)
    person = Tab(browser, "priya-phone", workshop.id, token)
    person.page.set_viewport_size(PHONE)
    person.page.goto(person.url(server.url, "draft"), timeout=120_000)
    note = "Hospitals first: they renew, and their budgets are set in spring"
    box = note_box(person.page, ":industry:note")
    expect(box).to_be_visible()
    settle(person.page)
    try:
        type_and_reload(person.page, box, note)
        assert draft_in_database(engine, person)[0].notes == {"industry": note}
    finally:
        into_view(box)
        person.shot("typing-draft-note")

    with session(engine) as s:  # step 3: the drafts are revealed
        definition = store.my_draft(s, workshop.id, token)[0]
        store.save_draft(s, workshop.id, token, definition.with_question("industry", [
            C(values=["Healthcare"], question="industry")]), 1)
        store.reveal(s, workshop.id, fac)
    dana = Tab(browser, "dana-phone", workshop.id, fac)
    dana.page.set_viewport_size(PHONE)
    dana.page.goto(dana.url(server.url, "compare"), timeout=120_000)
    decided = "Healthcare only; retail waits until the pilot ends"
    box = note_box(dana.page, "discuss-note:industry")
    expect(box).to_be_visible()
    settle(dana.page)
    try:
        type_and_reload(dana.page, box, decided)
        with session(engine) as s:
            points = versions.discussion(s, workshop.id, fac)
        assert points["industry"].note == decided
        assert not show_problems([person, dana])
    finally:
        into_view(box)
        dana.shot("typing-decision-note")


@pytest.mark.parametrize("database_url", ["sqlite", "postgresql"], indirect=True)
def test_a_reason_to_object_typed_on_a_phone_survives_a_reload_and_object_sends_it(
        database_url, server, engine, browser):
    with session(engine) as s:
        workshop, fac = store.create_workshop(s, company="Pocket Ltd", title="Objecting",
                                              facilitator_name="Dana")
        invites = store.invitations(s, workshop.id, fac).secrets
        token = store.join_with_invite(s, invites["marketing"], "Priya")[1]
        store.reveal(s, workshop.id, fac)
        revision = store.save_shared(s, workshop.id, fac, D(C(values=["Healthcare"],
                                                                    question="industry")), 0)
        versions.propose(s, workshop.id, fac, revision)
        proposal = versions.current_proposal(s, workshop.id, fac).id
    server.start()
    warm_up(browser, server)
    priya = Tab(browser, "priya-phone", workshop.id, token)
    priya.page.set_viewport_size(PHONE)
    priya.page.goto(priya.url(server.url, "compare"), timeout=120_000)
    box = note_box(priya.page, f"agree:reason:{proposal}")
    expect(box).to_be_visible(timeout=WAIT)
    settle(priya.page)
    try:
        type_and_reload(priya.page, box, "Healthcare alone is too narrow")
        with session(engine) as s:  # kept, and nobody else sees it: it is not sent
            assert versions.objection_draft(s, workshop.id, token, proposal)[0] == \
                "Healthcare alone is too narrow"
            assert versions.current_proposal(s, workshop.id, fac).answers == {}
        # Typed on, and Object pressed at once: the click sends what the box shows.
        box.click()
        box.press("End")
        box.press_sequentially(" for a quarter", delay=20)
        priya.page.get_by_role("button", name="Object", exact=True).click()
        reason = "Healthcare alone is too narrow for a quarter"
        assert eventually(lambda: _answer_of(engine, workshop.id, fac) == (False, reason), 30), \
            _answer_of(engine, workshop.id, fac)
        assert not show_problems([priya])
    finally:
        into_view(box)
        priya.shot("typing-objection")


def _answer_of(engine, workshop_id: str, token: str):
    with session(engine) as s:
        answer = versions.current_proposal(s, workshop_id, token).answers.get("marketing")
    return None if answer is None else (answer.agrees, answer.reason)
