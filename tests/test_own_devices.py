"""Several people on their own devices, each in their own AppTest session, on one database.

The facilitator creates a workshop on the home page and reads the join code and the invite links
from step 2; marketing joins twice (once by link, once by code), sales once (by code); everyone
drafts something only they wrote, presses Done; the facilitator's board shows their progress;
until the reveal no screen (anyone's draft page, step 3, the facilitator's steps) shows anything
somebody else wrote; then step 3 shows every draft, person by person and team by team.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from streamlit.testing.v1 import AppTest

from tests.autosave_typing import autosave_box, type_into
from tests.test_real_exports_pages import upload
from workshop import catalog, store
from workshop.db import make_engine, session
from workshop.settings import database_url as app_database_url

APP = str(Path(__file__).resolve().parent.parent / "app.py")
SAMPLE = Path(__file__).resolve().parent.parent / "data" / "sample_leads.csv"
INDUSTRY = ":industry:industry:values"
QUESTIONS = len(catalog.QUESTIONS)


@pytest.fixture
def app_url(database_url, monkeypatch, tmp_path):
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("UPLOAD_DIR", str(tmp_path / "uploads"))
    return database_url


# --- driving the app ---------------------------------------------------------------------------

def new_app(params: dict | None = None, page: str | None = None) -> AppTest:
    """A new browser session: a new AppTest with these query parameters, opened on `page`."""
    at = AppTest.from_file(APP, default_timeout=60)
    for key, value in (params or {}).items():
        at.query_params[key] = value
    at.run()
    if page:
        at.switch_page(page).run()
    assert not at.exception, at.exception
    return at


def texts(at: AppTest) -> str:
    """Everything the page says in markdown, captions, titles, headers and alerts."""
    parts = []
    for kind in ("title", "header", "subheader", "markdown", "caption", "info", "success",
                 "warning", "error", "code"):
        parts += [str(element.value) for element in getattr(at, kind)]
    return "\n".join(parts).replace("\\", "")


def everything(at: AppTest) -> str:
    """All that reaches the browser: every element's message (labels, options, defaults,
    markdown, code, tables) and every widget's current value."""
    parts: list[str] = []

    def walk(node) -> None:
        proto = getattr(node, "proto", None)
        if proto is not None:
            parts.append(str(proto))
        try:
            parts.append(repr(node.value))
        except Exception:  # noqa: BLE001 - elements without a value
            pass
        for child in getattr(node, "children", {}).values():
            walk(child)

    walk(at.main)
    walk(at.sidebar)
    return "\n".join(parts) + "\n" + texts(at)


def stay_on(at: AppTest, page: str) -> None:
    """After the app switched pages by itself, keep reruns there, as the browser's URL would.

    (AppTest reruns the page last named in `at.switch_page`, not the one the app switched to.)"""
    at.switch_page(page)


def widget(elements, suffix: str):
    matches = [e for e in elements if str(e.key or "").endswith(suffix)]
    assert matches, f"no widget with key ending {suffix!r}"
    return matches[0]


def button(at: AppTest, starts_with: str):
    matches = [b for b in at.button if b.label.startswith(starts_with)]
    assert matches, f"no button starting {starts_with!r}: {[b.label for b in at.button]}"
    return matches[0]


def jump_to(at: AppTest, question_key: str) -> None:
    index = [q.key for q in catalog.QUESTIONS].index(question_key)
    widget(at.selectbox, ":jump").set_value(index).run()
    assert at.subheader[0].value.startswith(f"{index + 1}. ")


def progress_text(at: AppTest) -> str:
    return str(at.get("progress")[0].proto.text)


def stored_draft(token: str, workshop_id: str):
    engine = make_engine(app_database_url())
    try:
        with session(engine) as s:
            return store.my_draft(s, workshop_id, token)
    finally:
        engine.dispose()


# --- the people --------------------------------------------------------------------------------

@dataclass
class Person:
    name: str
    role: str
    industries: list[str]
    note: str
    seniority: list[str] = field(default_factory=list)
    budget_low: float | None = None
    at: AppTest | None = None

    @property
    def params(self) -> dict[str, str]:
        return {"ws": self.at.query_params["ws"], "key": self.at.query_params["key"]}

    @property
    def answered(self) -> int:
        return 1 + bool(self.seniority) + (self.budget_low is not None)

    @property
    def markers(self) -> list[str]:
        """What only this person wrote: a made-up industry and the words of their note."""
        return [self.industries[-1], self.note]


def cast() -> tuple[Person, Person, Person, Person]:
    """The facilitator, two marketing people and one sales person, each with made-up words."""
    return (Person("Sam Lee", "facilitator", ["Software", "Blorvian Shipyards"],
                   "facilitator-only-note-q7"),
            Person("Priya", "marketing", ["Healthcare", "Zorblax Foods"], "priya-note-webinar-k3",
                   seniority=["VP"]),
            Person("Mia", "marketing", ["Healthcare", "Quuxian Mining"], "mia-note-ebook-z8"),
            Person("Marcus", "sales", ["Energy", "Glorptech Utilities"],
                   "marcus-note-chequebook-p2", seniority=["C-level"], budget_low=50000.0))


def assert_private(at: AppTest, owner: Person | None, everyone: tuple[Person, ...],
                   where: str) -> None:
    """Nothing that anybody but `owner` wrote is on this screen."""
    shown = everything(at)
    for person in everyone:
        if person is owner:
            continue
        for marker in person.markers:
            assert marker not in shown, f"{where} shows {person.name}'s {marker!r}"


def draft(person: Person) -> None:
    """On the person's own draft page: answer industry (with a note), maybe more; each change
    lands in the database at once."""
    at = person.at
    widget(at.multiselect, INDUSTRY).set_value(person.industries).run()
    type_into(at, ":industry:note", person.note)
    if person.seniority:
        jump_to(at, "seniority")
        widget(at.multiselect, ":seniority:seniority:values").set_value(person.seniority).run()
    if person.budget_low is not None:
        jump_to(at, "budget")
        widget(at.number_input, ":budget:budget:low").set_value(person.budget_low).run()
    assert not at.exception, at.exception
    assert not at.error, [e.value for e in at.error]
    assert f"{person.answered} of {QUESTIONS} questions answered" in progress_text(at)
    definition, revision, done = stored_draft(person.params["key"], person.params["ws"])
    assert definition.criteria_for("industry")[0].values == person.industries
    assert definition.notes["industry"] == person.note
    assert definition.answered_count() == person.answered
    assert not done
    jump_to(at, "industry")
    shown = everything(at)  # the privacy checks below look at the same dump: it sees drafts
    assert all(marker in shown for marker in person.markers), shown


def join_by_invite(person: Person, invite_url: str, team_label: str,
                   everyone: tuple[Person, ...] = ()) -> None:
    invite = parse_qs(urlsplit(invite_url).query)["invite"][0]
    at = new_app({"invite": invite}, "views/join.py")
    assert f"You are joining as **{team_label}**" in texts(at)
    assert_private(at, None, everyone, "the join page")
    at.text_input[0].input(person.name)
    button(at, "Join").click().run()
    assert not at.exception, at.exception
    assert f"Your ideal lead: {person.name}" in texts(at)
    stay_on(at, "views/draft.py")
    person.at = at


def join_by_code(person: Person, code: str) -> None:
    at = new_app({}, "views/join.py")
    assert at.radio[0].value is None  # no team is picked for anyone
    assert button(at, "Join").label == "Join: pick your team above first"
    assert button(at, "Join").disabled
    at.radio[0].set_value(person.role).run()
    code_input = next(t for t in at.text_input if t.label == "Join code")
    code_input.input(code.lower().replace("-", " "))  # as someone would type it
    next(t for t in at.text_input if t.label == "Your name").input(person.name)
    assert button(at, "Join").label == f"Join {person.role}"
    button(at, "Join").click().run()
    assert not at.exception, at.exception
    assert not at.error, [e.value for e in at.error]
    assert f"Your ideal lead: {person.name}" in texts(at)
    stay_on(at, "views/draft.py")
    person.at = at


def facilitator_creates_a_workshop(facilitator: Person | None = None) -> AppTest:
    at = new_app()
    at.text_input[0].input("Acme Analytics")
    at.text_input[1].input("Q1 lead workshop")
    at.text_input[2].input(facilitator.name if facilitator else "Sam Lee")
    button(at, "Create workshop").click().run()
    assert not at.exception, at.exception
    assert "Step 1" in texts(at)
    if facilitator:
        facilitator.at = at
    return at


def read_invitations(at: AppTest) -> tuple[str, dict[str, str]]:
    """The join code (the big title) and the invite link per team, as step 2 shows them."""
    assert at.title[0].value.startswith("Step 2")
    code = at.title[1].value
    assert store.normalise_join_code(code) == code, code
    invite_urls = [c.value for c in at.code if "/join?invite=" in c.value]
    assert len(invite_urls) == 2, [c.value for c in at.code]
    links = dict(zip(store.TEAM_ROLES, invite_urls, strict=True))  # one column per team
    return code, links


# --- the tests ---------------------------------------------------------------------------------

def test_three_people_draft_on_their_own_devices_and_nobody_sees_anyone_before_the_reveal(
        app_url):
    FACILITATOR, PRIYA, MIA, MARCUS = everyone = cast()
    facilitator = facilitator_creates_a_workshop(FACILITATOR)
    engine = make_engine(app_url)
    with session(engine) as s:  # the company's own export, for the figures after the reveal
        upload(s, facilitator.query_params["ws"], facilitator.query_params["key"], SAMPLE,
               "acme-leads.csv")
    engine.dispose()
    # Step 1: the facilitator's own definition, which nobody may see before the reveal either.
    widget(facilitator.multiselect, INDUSTRY).set_value(FACILITATOR.industries).run()
    type_into(facilitator, ":industry:note", FACILITATOR.note)
    assert "1 of" in progress_text(facilitator)

    facilitator.switch_page("views/teams.py").run()
    assert not facilitator.exception
    code, links = read_invitations(facilitator)
    assert "Nobody has joined yet" in texts(facilitator)

    join_by_invite(PRIYA, links["marketing"], "Marketing", everyone)
    join_by_code(MIA, code)
    join_by_code(MARCUS, code)
    people = (PRIYA, MIA, MARCUS)
    assert len({p.params["key"] for p in people}) == 3
    assert {p.params["ws"] for p in people} == {facilitator.query_params["ws"]}

    # Everyone drafts; after each change, nobody else's screen shows it.
    for person in people:
        draft(person)
        assert_private(person.at, person, everyone, f"{person.name}'s own draft page")
    for person in people:
        person.at.run()  # what their screen shows now that the others have drafted too
        assert_private(person.at, person, everyone, f"{person.name}'s draft page")
        assert f"{person.answered} of {QUESTIONS}" in progress_text(person.at)

    # The board shows who is drafting, and how far, but not what.
    facilitator.run()
    assert_private(facilitator, FACILITATOR, everyone, "the facilitator's step 2")
    board = texts(facilitator)
    for person in people:
        assert (f"**{person.name}**: ✏️ drafting · {person.answered} of {QUESTIONS} questions "
                "answered") in board

    # Everyone presses Done; their page says so and keeps the draft hidden.
    for person in people:
        button(person.at, "✅ Done").click().run()
        assert not person.at.exception
        assert "Done. Your draft is hidden" in texts(person.at)
        assert not person.at.multiselect  # the form is gone
        assert stored_draft(person.params["key"], person.params["ws"])[2] is True

    facilitator.run()
    board = texts(facilitator)
    for person in people:
        assert (f"**{person.name}**: ✅ done · {person.answered} of {QUESTIONS} questions "
                "answered") in board
    assert "3 of 3 team members done" in board
    assert_private(facilitator, FACILITATOR, everyone, "the facilitator's step 2 when all are done")

    # Before the reveal: every participant's draft and step 3, every facilitator step.
    for person in people:
        person.at.run()
        assert_private(person.at, person, everyone, f"{person.name}'s done page")
        person.at.switch_page("views/compare.py").run()
        assert not person.at.exception
        page = texts(person.at)
        assert "Waiting for the facilitator to reveal" in page
        assert not [b for b in person.at.button if "Reveal" in b.label]
        assert_private(person.at, person, everyone, f"{person.name}'s step 3 before the reveal")
        person.at.switch_page("views/communicate.py").run()
        assert_private(person.at, person, everyone, f"{person.name}'s step 4 before the reveal")
    for page in ("views/facilitator.py", "views/teams.py", "views/compare.py",
                 "views/communicate.py", "views/home.py"):
        facilitator.switch_page(page).run()
        assert not facilitator.exception, (page, facilitator.exception)
        assert_private(facilitator, FACILITATOR, everyone,
                       f"the facilitator's {page} before the reveal")

    # The reveal.
    facilitator.switch_page("views/compare.py").run()
    button(facilitator, "🔓 Reveal all drafts").click().run()
    button(facilitator, "🔓 Reveal now").click().run()  # it asks first
    assert not facilitator.exception, facilitator.exception

    # Several per team: the Teams view first (team by team), then Every person.
    view = facilitator.button_group(key="compare:view")
    assert view.value == "Teams"
    page = texts(facilitator)
    for label in ("Facilitator", "Marketing", "Sales"):
        assert f"**{label}**" in page
    assert "**Marketing · Priya**" not in page
    assert "Industry is Healthcare" in page  # what both marketing people agree on
    assert f"{PRIYA.note} / {MIA.note}" in page  # their notes side by side
    assert "Glorptech Utilities" in page  # sales has one person: the team view is the draft
    table = facilitator.dataframe[0].value
    # the shared definition is still empty: no figures of it (it would qualify every lead)
    assert list(table["Definition"]) == ["Facilitator", "Marketing", "Sales"]

    view.set_value("Every person").run()
    assert not facilitator.exception, facilitator.exception
    page = everything(facilitator)
    for label in ("Marketing · Priya", "Marketing · Mia", "Sales", "Facilitator"):
        assert f"**{label}**" in texts(facilitator), label
    for person in (FACILITATOR, *people):
        for marker in person.markers:
            assert marker in page, f"{person.name}'s {marker!r} is not shown after the reveal"
    table = facilitator.dataframe[0].value
    assert list(table["Definition"]) == ["Facilitator", "Marketing · Priya", "Marketing · Mia",
                                         "Sales"]

    # A participant's step 3 now shows the drafts (read only), and their draft page moves on.
    marcus = MARCUS.at
    marcus.switch_page("views/compare.py").run()
    assert not marcus.exception, marcus.exception
    page = texts(marcus)
    assert "Waiting for the facilitator" not in page
    assert "Alignment score" in [m.label for m in marcus.metric]
    assert PRIYA.note in page and FACILITATOR.note in page
    assert not [b for b in marcus.button if b.label in ("Apply", "Edit by hand")]
    assert not [b for b in marcus.button if "Propose" in b.label]
    priya = PRIYA.at
    priya.switch_page("views/draft.py").run()
    assert "The drafts are revealed" in texts(priya)
    assert "Zorblax Foods" in texts(priya)  # "What you wrote"


def test_a_refresh_brings_a_participants_draft_back(app_url):
    facilitator = facilitator_creates_a_workshop()
    facilitator.switch_page("views/teams.py").run()
    code, links = read_invitations(facilitator)
    person = Person("Priya", "marketing", ["Retail", "Zorblax Foods"], "priya-note-refresh",
                    seniority=["Director"])
    join_by_invite(person, links["marketing"], "Marketing")
    draft(person)

    # A refresh (or the bookmarked link on another tab) is a new session with the same URL.
    again = new_app(person.params, "views/draft.py")
    assert "Your ideal lead: Priya" in texts(again)
    assert widget(again.multiselect, INDUSTRY).value == person.industries
    assert autosave_box(again, ":industry:note")["value"] == person.note
    assert f"2 of {QUESTIONS} questions answered" in progress_text(again)
    jump_to(again, "seniority")
    assert widget(again.multiselect, ":seniority:seniority:values").value == ["Director"]

    # ...and drafting goes on from there, saved on top of what was there.
    jump_to(again, "location")
    widget(again.multiselect, ":location:country:values").set_value(["Canada"]).run()
    assert f"3 of {QUESTIONS} questions answered" in progress_text(again)
    definition, _, _ = stored_draft(person.params["key"], person.params["ws"])
    assert definition.criteria_for("location")[0].values == ["Canada"]
    assert definition.criteria_for("industry")[0].values == person.industries

    # The personal link on the page is the one that brings the draft back.
    personal = next(c.value for c in again.code if "key=" in c.value)
    query = parse_qs(urlsplit(personal).query)
    assert urlsplit(personal).path == "/draft"
    assert {k: v[0] for k, v in query.items()} == person.params

    # A refresh after Done keeps it done (and hidden), with a way to reopen.
    button(again, "✅ Done").click().run()
    after = new_app(person.params, "views/draft.py")
    assert "Done. Your draft is hidden" in texts(after)
    button(after, "Reopen my draft").click().run()
    assert widget(after.multiselect, INDUSTRY).value == person.industries


def test_a_participant_key_does_not_open_the_facilitator_steps(app_url):
    facilitator = facilitator_creates_a_workshop()
    widget(facilitator.multiselect, INDUSTRY).set_value(["Software", "Blorvian Shipyards"]).run()
    facilitator.switch_page("views/teams.py").run()
    code, links = read_invitations(facilitator)
    person = Person("Marcus", "sales", ["Energy", "Glorptech Utilities"], "marcus-note")
    join_by_code(person, code)

    at = person.at
    at.switch_page("views/facilitator.py").run()
    assert not at.exception
    assert "This step is the facilitator's own draft." in texts(at)
    assert not at.multiselect and not at.text_area
    assert "Blorvian Shipyards" not in everything(at)

    at.switch_page("views/teams.py").run()
    assert not at.exception
    assert "This is the facilitator's screen." in texts(at)
    shown = everything(at)
    assert code not in shown
    for url in links.values():
        assert parse_qs(urlsplit(url).query)["invite"][0] not in shown
    assert facilitator.query_params["key"] not in shown
    assert not [b for b in at.button if "Reveal" in b.label]

    at.switch_page("views/compare.py").run()
    assert not [b for b in at.button if "Reveal" in b.label]
    # The step links offer a participant their draft and steps 3-4 only.
    links_shown = {str(link.proto.page) for link in at.get("page_link")}
    assert "draft" in links_shown and links_shown <= {"draft", "compare", "communicate"}, \
        links_shown


@pytest.mark.parametrize("case", ["wrong key", "facilitator of another workshop",
                                  "unknown workshop", "no key", "bad invite"])
def test_a_bad_link_gets_a_clear_message_and_no_exception(app_url, case):
    marcus = cast()[3]
    engine = make_engine(app_database_url())
    with session(engine) as s:
        workshop, facilitator_key = store.create_workshop(s, company="Acme", title="Q1",
                                                          facilitator_name="Sam Lee")
        code = store.invitations(s, workshop.id, facilitator_key).join_code
        workshop_id, token = store.join_with_code(s, code, "sales", marcus.name, client="test")
        definition, revision, _ = store.my_draft(s, workshop_id, token)
        store.save_draft(s, workshop_id, token, definition.with_question(
            "industry", [], marcus.note), revision)
        _, other_key = store.create_workshop(s, company="Other Co", title="Other",
                                             facilitator_name="Olga")
    engine.dispose()
    params, page, message = {
        "wrong key": ({"ws": workshop_id, "key": "x" * 43}, "views/draft.py",
                      "This key does not belong to this workshop."),
        "facilitator of another workshop": (
            {"ws": workshop_id, "key": other_key}, "views/compare.py",
            "This key does not belong to this workshop."),
        "unknown workshop": ({"ws": "nosuchws00", "key": token},
                             "views/draft.py", "This workshop does not exist"),
        "no key": ({"ws": workshop_id}, "views/draft.py", "No workshop is open"),
        "bad invite": ({"invite": "not-a-real-invite"}, "views/join.py",
                       "This join link is not valid"),
    }[case]
    at = new_app(params, page)
    assert not at.exception, at.exception
    assert message in texts(at)
    shown = everything(at)
    assert marcus.note not in shown
    assert not at.multiselect and not at.text_area  # no form to type into
    assert not [b for b in at.button if b.label.startswith(("✅ Done", "Join"))]
