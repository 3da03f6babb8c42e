"""Passing the agreed definition on, through the pages (AppTest, SQLite and PostgreSQL): the wall
link in step 4 (create, replace, stop; members only read it), the read-only wall page behind it,
the announcement e-mail, the two demo cards on the home page, and where the definition file
loader appears (and, since AppTest can drive a file uploader, what it does on step 3)."""
from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from streamlit.testing.v1 import AppTest

from tests.builders import C
from tests.test_own_devices import button, everything, new_app, texts
from workshop import demo, rules, store, versions, wall
from workshop.db import make_engine, session
from workshop.definition import Definition
from workshop.leads import load_sample_leads
from workshop.measure import measure
from workshop.settings import database_url as app_database_url
from workshop.text import escape_markdown

HOME, WALL = "views/home.py", "views/wall.py"
FACILITATOR, MY_DRAFT = "views/facilitator.py", "views/draft.py"
COMPARE, COMMUNICATE = "views/compare.py", "views/communicate.py"
COMPANY = "Acme <b>Bold</b>"
TITLE = "Ideal lead <script>alert(1)</script>"
HOSTILE_VALUES = ['=HYPERLINK("x")', "<script>alert(2)</script>", "Software"]
NOT_SHARED = "The facilitator has not shared a wall link yet."
CREATE, REPLACE, STOP = "🔗 Create the wall link", "Replace the link", "Stop sharing"
LOADER = "Start from a definition file (JSON)"
# Widgets that could change something; the wall page may have none of them.
INPUTS = ("text_input", "text_area", "number_input", "selectbox", "multiselect", "checkbox",
          "radio", "slider", "select_slider", "toggle", "date_input", "time_input",
          "color_picker", "chat_input", "file_uploader", "button")


@pytest.fixture
def app_url(database_url, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", database_url)
    return database_url


# --- the database ------------------------------------------------------------------------------

def in_db(action):
    """Run `action(session)` on the app's database with an engine of its own."""
    engine = make_engine(app_database_url())
    try:
        with session(engine) as s:
            return action(s)
    finally:
        engine.dispose()


def agreed_definition() -> Definition:
    """The demo facilitator's definition with hostile text in its industries."""
    return demo.facilitator_draft().with_question(
        "industry", [C("industry", values=HOSTILE_VALUES)])


def signed_workshop(definition: Definition | None = None,
                    notes: dict[str, str] | None = None,
                    measured: bool = True) -> tuple[str, dict[str, str]]:
    """A workshop with hostile text in its name, three drafts, revealed, and `definition`
    signed by marketing and sales as version 1, with the decision `notes` (question -> note)
    noted before it was proposed; `measured`: with figures on the sample leads, else none."""
    definition = definition or agreed_definition()

    def build(s):
        workshop, fac = store.create_workshop(s, company=COMPANY, title=TITLE,
                                              facilitator_name="Dana")
        secrets = store.invitations(s, workshop.id, fac).secrets
        _, marketing = store.join_with_invite(s, secrets["marketing"], "Priya")
        _, sales = store.join_with_invite(s, secrets["sales"], "Marcus")
        for token, draft in ((fac, demo.facilitator_draft()), (marketing, demo.marketing_draft()),
                             (sales, demo.sales_draft())):
            store.save_draft(s, workshop.id, token, draft, 0)
        store.reveal(s, workshop.id, fac)
        for question, note in (notes or {}).items():
            versions.set_discussion(s, workshop.id, fac, question, open=False, note=note)
        revision = store.save_shared(s, workshop.id, fac, definition, 0)
        tokens = {"facilitator": fac, "marketing": marketing, "sales": sales}
        sign_next_version(s, workshop.id, tokens, revision, definition, measured)
        return workshop.id, tokens

    return in_db(build)


def sign_next_version(s, workshop_id: str, tokens: dict[str, str], revision: int,
                      definition: Definition, measured: bool = True) -> None:
    if measured:
        versions.propose(s, workshop_id, tokens["facilitator"], revision,
                         measure(load_sample_leads(), definition), "the sample leads")
    else:
        versions.propose(s, workshop_id, tokens["facilitator"], revision)
    proposal = versions.current_proposal(s, workshop_id, tokens["facilitator"]).id
    versions.sign(s, workshop_id, tokens["marketing"], proposal, agrees=True)
    versions.sign(s, workshop_id, tokens["sales"], proposal, agrees=True)


def current_secret(workshop_id: str, token: str) -> str | None:
    return in_db(lambda s: wall.wall_link(s, workshop_id, token))


def share(workshop_id: str, token: str) -> str:
    return in_db(lambda s: wall.share(s, workshop_id, token))


def opens(secret: str) -> wall.Agreed | None:
    """What the wall link opens in the database, or None if it opens nothing."""
    def read(s):
        try:
            return wall.wall(s, secret)
        except store.NotFound:
            return None
    return in_db(read)


# --- the pages ---------------------------------------------------------------------------------

def open_as(workshop_id: str, token: str, page: str) -> AppTest:
    return new_app({"ws": workshop_id, "key": token}, page)


def open_wall(secret: str) -> AppTest:
    """The wall page as a browser opening the wall link: only `w` in the URL."""
    return new_app({"w": secret}, WALL)


def click(at: AppTest, label: str) -> None:
    button(at, label).click().run()
    assert not at.exception, at.exception


def labels(at: AppTest) -> list[str]:
    return [b.label for b in at.button]


def link_buttons(at: AppTest) -> dict[str, str]:
    """label -> URL of every link button on the page."""
    return {e.proto.label: e.proto.url for e in at.get("link_button")}


def codes(at: AppTest) -> list[str]:
    return [str(c.value) for c in at.code]


def one_spaced(text: str) -> str:
    return " ".join(text.split())


def wall_secret_of(url: str) -> str:
    parts = urlsplit(url)
    assert parts.path == "/wall", url
    query = parse_qs(parts.query)
    assert list(query) == ["w"], url  # the wall link carries nothing but its own secret
    return query["w"][0]


def mql_sentences(definition: Definition) -> list[str]:
    sentences = [c.sentence() for c in definition.gate("mql")]
    assert len(sentences) >= 3
    return sentences


def wall_urls(at: AppTest) -> list[str]:
    """The code blocks that are a wall link (the announcement's body contains it too)."""
    return [c for c in codes(at) if "/wall?w=" in c and not any(ch.isspace() for ch in c)]


def the_wall_url(at: AppTest) -> str:
    urls = wall_urls(at)
    assert len(urls) == 1, codes(at)
    return urls[0]


# --- 1. the wall link in step 4 ----------------------------------------------------------------

def test_the_facilitator_creates_replaces_and_stops_the_wall_link(app_url):
    workshop_id, tokens = signed_workshop()
    dana = open_as(workshop_id, tokens["facilitator"], COMMUNICATE)
    priya = open_as(workshop_id, tokens["marketing"], COMMUNICATE)

    # Nothing shared yet: the facilitator can create it; marketing is told it is not there.
    assert CREATE in labels(dana)
    assert REPLACE not in labels(dana) and STOP not in labels(dana)
    assert not wall_urls(dana)
    assert NOT_SHARED in texts(priya)
    assert not {CREATE, REPLACE, STOP} & set(labels(priya))
    assert current_secret(workshop_id, tokens["facilitator"]) is None

    click(dana, CREATE)
    first = current_secret(workshop_id, tokens["facilitator"])
    assert first
    url = the_wall_url(dana)
    assert wall_secret_of(url) == first
    assert link_buttons(dana)["🖼️ Open the wall page"] == url
    assert {REPLACE, STOP} <= set(labels(dana)) and CREATE not in labels(dana)
    shown = opens(first)
    assert shown is not None and shown.workshop_id == workshop_id and shown.number == 1

    # Marketing now sees the same link, and no button that changes it.
    priya.run()
    assert not priya.exception, priya.exception
    assert the_wall_url(priya) == url
    assert NOT_SHARED not in texts(priya)
    assert not {CREATE, REPLACE, STOP} & set(labels(priya))
    assert current_secret(workshop_id, tokens["marketing"]) == first

    # Replace: a new secret; the old one opens nothing any more.
    click(dana, REPLACE)
    second = current_secret(workshop_id, tokens["facilitator"])
    assert second and second != first
    assert wall_secret_of(the_wall_url(dana)) == second
    assert opens(first) is None
    assert opens(second).workshop_id == workshop_id
    priya.run()
    assert wall_secret_of(the_wall_url(priya)) == second

    # Stop sharing: no link at all; the facilitator can create one again.
    click(dana, STOP)
    assert current_secret(workshop_id, tokens["facilitator"]) is None
    assert opens(second) is None
    assert CREATE in labels(dana) and REPLACE not in labels(dana)
    assert not wall_urls(dana)
    priya.run()
    assert NOT_SHARED in texts(priya)
    assert not wall_urls(priya)


def test_sales_sees_no_wall_link_buttons_either(app_url):
    workshop_id, tokens = signed_workshop()
    secret = share(workshop_id, tokens["facilitator"])
    marcus = open_as(workshop_id, tokens["sales"], COMMUNICATE)
    assert wall_secret_of(the_wall_url(marcus)) == secret
    assert not {CREATE, REPLACE, STOP} & set(labels(marcus))


# --- 2. the wall page --------------------------------------------------------------------------

def test_the_wall_page_shows_the_signed_version_read_only(app_url):
    definition = agreed_definition()
    workshop_id, tokens = signed_workshop(definition)
    secret = share(workshop_id, tokens["facilitator"])
    at = open_wall(secret)
    page = texts(at)

    assert COMPANY in page and TITLE in page  # as typed (the page escapes them)
    assert "Version 1" in page
    for sentence in mql_sentences(definition):
        assert sentence in page, sentence
    assert "Priya for Marketing" in page and "Marcus for Sales" in page
    assert '=HYPERLINK("x")' in page and "<script>alert(2)</script>" in page
    assert "In figures" in page  # measured when proposed

    # Typed text is never HTML: no element allows HTML and every "<" reaches Markdown escaped.
    for element in [*at.markdown, *at.caption, *at.info]:
        assert not getattr(element.proto, "allow_html", False)
        # Only the wall link's own autolink (a plain web address, nothing typed) may open a
        # tag-like "<"; every typed "<" is escaped.
        text = re.sub(r"<https?://[A-Za-z0-9._~:/?#@!$&'*+,;=%-]+/wall\?w=[\w-]+>", "",
                      str(element.value))
        assert not re.search(r"(?<!\\)<", text), element.value
    raw = "\n".join(str(e.value) for e in at.markdown)
    assert r"\<b\>Bold\</b\>" in raw and r"\<script\>alert(2)\</script\>" in raw

    # Nothing on it changes anything: downloads and the paper choice only.
    for kind in INPUTS:
        assert not at.get(kind), f"the wall page has a {kind}: {at.get(kind)}"
    downloads = [b.proto.label for b in at.get("download_button")]
    assert downloads == ["⬇️ PDF (A4)", "⬇️ PNG image", "⬇️ HTML page", "⬇️ Markdown"]
    assert [e.proto.options for e in at.get("button_group")]  # the paper choice
    assert not at.get("link_button") and not at.get("page_link")
    # No key of the workshop reaches the page, and the URL stays as it came.
    seen = everything(at)
    for token in tokens.values():
        assert token not in seen
    assert dict(at.query_params) == {"w": secret}


def test_a_bad_or_revoked_wall_link_shows_only_the_error(app_url):
    workshop_id, tokens = signed_workshop()
    old = share(workshop_id, tokens["facilitator"])
    in_db(lambda s: wall.share(s, workshop_id, tokens["facilitator"], replace=True))
    for secret in ("not-a-secret", old, "x" * 500, ""):
        at = open_wall(secret)
        assert [e.value for e in at.error] == [escape_markdown(wall.UNKNOWN_LINK)], secret
        seen = everything(at)
        for leak in ("Acme", "Lumen Ledger", "Version", "Priya", "Software", "Industry"):
            assert leak not in seen, (secret, leak)
        assert not at.get("download_button") and not at.markdown and not at.code


def test_the_wall_page_follows_reopening_and_the_next_version(app_url):
    workshop_id, tokens = signed_workshop()
    secret = share(workshop_id, tokens["facilitator"])
    at = open_wall(secret)
    assert "Version 1" in texts(at) and "being drafted" not in texts(at)

    # Reopened, and the shared definition edited: the wall still shows version 1.
    second = demo.facilitator_draft().with_question(
        "industry", [C("industry", values=["Zorblax Foods"])])

    def reopen_and_edit(s):
        versions.reopen(s, workshop_id, tokens["facilitator"])
        revision = store.shared_state(s, workshop_id, tokens["facilitator"]).revision
        return store.save_shared(s, workshop_id, tokens["facilitator"], second, revision)

    revision = in_db(reopen_and_edit)
    at.run()
    assert not at.exception, at.exception
    page = texts(at)
    assert "Version 2 is being drafted" in page
    assert "version 1 below is the agreed definition" in page
    assert "*Version 1 ·" in page and "Zorblax" not in page
    assert '=HYPERLINK("x")' in page

    # Version 2 signed: the same link shows it, with no note.
    in_db(lambda s: sign_next_version(s, workshop_id, tokens, revision, second))
    at.run()
    assert not at.exception, at.exception
    page = texts(at)
    assert "*Version 2 ·" in page and "Industry is Zorblax Foods" in page
    assert "being drafted" not in page and "HYPERLINK" not in page
    assert opens(secret).number == 2


# --- 3. the announcement -----------------------------------------------------------------------

def announcement_parts(at: AppTest) -> tuple[str, str]:
    """The subject line (without 'Subject: ') and the body, from their code blocks."""
    subjects = [c for c in codes(at) if c.startswith("Subject: ")]
    assert len(subjects) == 1, codes(at)
    bodies = [c for c in codes(at) if "What changes for marketing" in c]
    assert len(bodies) == 1, codes(at)
    return subjects[0].removeprefix("Subject: "), bodies[0]


def test_the_announcement_names_the_version_its_rules_and_the_wall_link(app_url):
    definition = agreed_definition()
    workshop_id, tokens = signed_workshop(definition)
    dana = open_as(workshop_id, tokens["facilitator"], COMMUNICATE)
    assert "Announce it" in texts(dana)
    subject, body = announcement_parts(dana)
    assert subject == f"{COMPANY}: our ideal lead, version 1"
    lines = body.splitlines()
    assert "What changes for marketing" in lines and "What changes for sales" in lines
    flat = one_spaced(body)
    for sentence in mql_sentences(definition):
        assert one_spaced(sentence) in flat, sentence
    assert "signed by Priya for Marketing and Marcus for Sales" in flat
    assert "Compared with the marketing team's own draft:" in lines
    assert "Compared with the sales team's own draft:" in lines
    assert "/wall?w=" not in body  # nothing shared yet

    # The mail program gets the same subject and body.
    mailto = link_buttons(dana)["✉️ Open in your e-mail program"]
    parts = urlsplit(mailto)
    assert parts.scheme == "mailto"
    query = parse_qs(parts.query, keep_blank_values=True)
    assert query["subject"] == [subject]
    assert query["body"][0].replace("\r\n", "\n").strip() == body.strip()
    assert "\n" not in query["subject"][0]
    assert [b.proto.label for b in dana.get("download_button")
            if "text file" in b.proto.label] == ["⬇️ As a text file"]

    # With a wall link, the body says where the definition always is.
    click(dana, CREATE)
    url = the_wall_url(dana)
    subject, body = announcement_parts(dana)
    assert url in body.splitlines()[-3:] or url in body
    assert url in parse_qs(urlsplit(link_buttons(dana)["✉️ Open in your e-mail program"])
                           .query)["body"][0]

    # Reopened: no announcement of a version that is being changed.
    in_db(lambda s: versions.reopen(s, workshop_id, tokens["facilitator"]))
    dana.run()
    assert not dana.exception, dana.exception
    assert "Version 1 is reopened" in texts(dana)
    assert "Announce it" not in texts(dana)
    assert not [c for c in codes(dana) if c.startswith("Subject: ")]
    assert "✉️ Open in your e-mail program" not in link_buttons(dana)
    assert wall_secret_of(the_wall_url(dana)) == current_secret(workshop_id,
                                                                tokens["facilitator"])


# --- 4. home -----------------------------------------------------------------------------------

def test_home_shows_both_demos_and_opens_the_finished_one_at_step_four(app_url):
    at = new_app()
    cards = [m.value for m in at.markdown]
    about_to_start = next(i for i, text in enumerate(cards) if text.startswith("▶️ **Demo**"))
    finished = next(i for i, text in enumerate(cards) if text.startswith("🏁 **Finished demo**"))
    assert about_to_start < finished
    titles = [i for i, text in enumerate(cards) if "Lumen Ledger" in text]
    assert len(titles) == 2 and titles[0] < about_to_start < titles[1] < finished
    assert "(agreed)" in cards[titles[1]] and "(agreed)" not in cards[titles[0]]
    assert at.button(key=f"open:{demo.DEMO_ID}").label == "Open"
    assert at.button(key=f"open:{demo.FINISHED_ID}").label == "Open the result"

    wall_button = link_buttons(at)["🖼️ Wall page"]
    shown = opens(wall_secret_of(wall_button))
    assert shown is not None and shown.workshop_id == demo.FINISHED_ID and shown.number == 1
    assert len([u for u in link_buttons(at).values() if "/wall?w=" in u]) == 1

    at.button(key=f"open:{demo.FINISHED_ID}").click().run()
    assert not at.exception, at.exception
    page = texts(at)
    assert "Step 4 · Communicate the agreed definition" in page
    assert "Version 1" in page and "In figures" in page
    # The visitor's own copy, with a wall link of its own: the template's stays untouched.
    assert at.query_params["ws"].startswith(f"{demo.FINISHED_ID}-")
    assert wall_secret_of(the_wall_url(at)) != wall_secret_of(wall_button)


def test_the_demo_about_to_start_opens_at_step_one(app_url):
    at = new_app()
    at.button(key=f"open:{demo.DEMO_ID}").click().run()
    assert not at.exception, at.exception
    assert "Step 1 · The facilitator's ideal lead" in texts(at)
    assert at.query_params["ws"].startswith(f"{demo.DEMO_ID}-")


def test_no_visitor_can_change_the_demo_for_the_next_one(app_url):
    """A visitor reveals the drafts of their copy and reopens the finished one's version 1
    (a defacer would sign a version 2): the next visitor's copies are as new, the templates
    and the home page's wall page unchanged."""
    store_module = store
    first = new_app()
    first.button(key=f"open:{demo.DEMO_ID}").click().run()
    mine = dict(first.query_params)
    engine = make_engine(app_url)
    with session(engine) as s:
        store_module.reveal(s, mine["ws"], mine["key"])
        assert not store_module.is_revealed(s, demo.DEMO_ID)
    second = new_app()
    second.button(key=f"open:{demo.DEMO_ID}").click().run()
    theirs = dict(second.query_params)
    assert theirs["ws"] != mine["ws"]
    with session(engine) as s:
        assert not store_module.is_revealed(s, theirs["ws"])
        template = store_module.demo_facilitator_token(s, demo.FINISHED_ID)
        assert versions.versions(s, demo.FINISHED_ID, template)[-1].reopened_at is None
        with pytest.raises(store_module.AccessDenied):
            store_module.demo_facilitator_token(s, mine["ws"])  # a copy opens by its link
    engine.dispose()


def test_home_lists_only_this_devices_workshops(app_url):
    creator = new_app()
    creator.text_input[0].input("Northwind Trading")
    creator.text_input[1].input("Our ideal lead")
    creator.text_input[2].input("Fay")
    next(b for b in creator.button if b.label == "Create workshop").click().run()
    creator.switch_page("views/home.py").run()
    assert "Northwind Trading" in texts(creator)
    assert "You are its facilitator" in texts(creator)
    stranger = new_app()
    assert "Northwind Trading" not in texts(stranger)
    assert "nobody else's are" in texts(stranger)


# --- 5. the definition file loader -------------------------------------------------------------

def expanders(at: AppTest) -> list[str]:
    return [e.label for e in at.expander]


def new_workshop() -> tuple[str, dict[str, str]]:
    def build(s):
        workshop, fac = store.create_workshop(s, company="Loader Co", title="Files",
                                              facilitator_name="Dana")
        secrets = store.invitations(s, workshop.id, fac).secrets
        _, marketing = store.join_with_invite(s, secrets["marketing"], "Priya")
        return workshop.id, {"facilitator": fac, "marketing": marketing}
    return in_db(build)


def test_the_definition_file_loader_is_there_until_the_reveal(app_url):
    workshop_id, tokens = new_workshop()
    dana = open_as(workshop_id, tokens["facilitator"], FACILITATOR)
    priya = open_as(workshop_id, tokens["marketing"], MY_DRAFT)
    assert LOADER in expanders(dana)
    assert LOADER in expanders(priya)
    assert [u.label for u in dana.file_uploader] == ["A definition JSON exported from this app"]

    # Marketing hands in the draft: no loader until it is reopened.
    click(priya, "✅ Done")
    assert LOADER not in expanders(priya)
    click(priya, "Reopen my draft")
    assert LOADER in expanders(priya)

    in_db(lambda s: store.reveal(s, workshop_id, tokens["facilitator"]))
    dana.run()
    priya.run()
    assert "this draft is now locked" in texts(dana)
    assert LOADER not in expanders(dana) and not dana.file_uploader
    assert LOADER not in expanders(priya) and not priya.file_uploader
    # After the reveal only the facilitator's step 3 offers it, for the shared definition.
    dana.switch_page(COMPARE).run()
    assert LOADER in expanders(dana)
    priya.switch_page(COMPARE).run()
    assert LOADER not in expanders(priya)


def upload(at: AppTest, name: str, content: bytes) -> None:
    at.file_uploader[0].set_value((name, content, "application/json"))
    at.run()
    assert not at.exception, at.exception


def shared_definition(workshop_id: str, token: str) -> Definition:
    return in_db(lambda s: store.shared_state(s, workshop_id, token).definition)


def test_a_file_replaces_the_shared_definition_on_step_three(app_url):
    workshop_id, tokens = new_workshop()
    in_db(lambda s: store.reveal(s, workshop_id, tokens["facilitator"]))
    dana = open_as(workshop_id, tokens["facilitator"], COMPARE)
    before = shared_definition(workshop_id, tokens["facilitator"])
    assert before != demo.sales_draft()

    upload(dana, "sales.json", rules.definition_json(
        demo.sales_draft(), {"company": "Old Co", "version": 3}))
    page = texts(dana)
    assert "Old Co · version 3" in page
    assert demo.sales_draft().gate("mql")[0].sentence() in page
    click(dana, "Replace the shared definition with this definition")
    assert shared_definition(workshop_id, tokens["facilitator"]) == demo.sales_draft()
    assert "Edited by hand" in everything(dana)  # the change log names it

    # Too big, not JSON, too new: a sentence each, and the shared definition stays.
    for name, content, message in (
            ("huge.json", b" " * 1_000_001, "a definition file is a few kilobytes"),
            ("notes.json", b"this is not JSON", "The definition is not valid"),
            ("future.json", b'{"schema_version": 99}', "newer than this app reads")):
        upload(dana, name, content)
        assert message in "\n".join(e.value for e in dana.error).replace("\\", ""), name
        assert "Replace the shared definition with this definition" not in labels(dana)
        assert shared_definition(workshop_id, tokens["facilitator"]) == demo.sales_draft()


def test_a_signed_definition_takes_no_file_until_it_is_reopened(app_url):
    workshop_id, tokens = signed_workshop()
    fac = tokens["facilitator"]
    signed = shared_definition(workshop_id, fac)
    dana = open_as(workshop_id, fac, COMPARE)
    assert LOADER not in expanders(dana) and not dana.file_uploader

    in_db(lambda s: versions.reopen(s, workshop_id, fac))
    dana.run()
    assert LOADER in expanders(dana)
    upload(dana, "sales.json", rules.definition_json(demo.sales_draft()))
    use = "Replace the shared definition with this definition"
    assert use in labels(dana)

    # Version 2 is signed on another device before the click: the click changes nothing.
    def sign_as_it_stands(s):
        state = store.shared_state(s, workshop_id, fac)
        sign_next_version(s, workshop_id, tokens, state.revision, state.definition)

    in_db(sign_as_it_stands)
    click(dana, use)
    assert shared_definition(workshop_id, fac) == signed
    assert "Version 2 is signed" in texts(dana)
    assert LOADER not in expanders(dana)
    assert [v.definition == signed
            for v in in_db(lambda s: versions.versions(s, workshop_id, fac))] == [True, True]


# --- the poster: decision notes and the QR code, on step 4 --------------------------------------

NO_QR = "there is no wall link yet"
POSTER_QR = "🔳 Put a QR code on the poster"


def test_step_four_says_the_poster_has_no_qr_code_before_the_link_exists(app_url):
    workshop_id, tokens = signed_workshop()
    dana = open_as(workshop_id, tokens["facilitator"], COMMUNICATE)
    priya = open_as(workshop_id, tokens["marketing"], COMMUNICATE)
    warning = [w.value for w in dana.warning if NO_QR in w.value]
    assert len(warning) == 1
    assert any(NO_QR in i.value and "Ask the facilitator" in i.value for i in priya.info)
    assert POSTER_QR not in " ".join(labels(priya))

    click(dana, POSTER_QR)
    secret = current_secret(workshop_id, tokens["facilitator"])
    assert secret
    assert not [w.value for w in dana.warning if NO_QR in w.value]
    assert not any(b.startswith(POSTER_QR) for b in labels(dana))
    one_pager = one_spaced(texts(dana))
    assert wall_secret_of(the_wall_url(dana)) == secret
    assert f"w={secret}" in one_pager.split("The one-pager")[-1]  # the poster carries the link


def test_the_one_pager_on_step_four_carries_the_decision_notes_not_the_draft_notes(app_url):
    workshop_id, tokens = signed_workshop(notes={"pain": "Decided: the close must hurt"})
    draft_notes = demo.facilitator_draft().notes
    assert draft_notes  # the signed definition carries the facilitator's draft notes
    for role in ("facilitator", "marketing"):
        at = open_as(workshop_id, tokens[role], COMMUNICATE)
        said = one_spaced(texts(at))
        assert "Decided: the close must hurt" in said
        for note in draft_notes.values():
            assert one_spaced(note) not in said, role
    secret = share(workshop_id, tokens["facilitator"])
    shown = opens(secret).page()
    assert [n.text for n in shown.notes] == ["Decided: the close must hurt"]


def test_a_decision_note_changed_after_signing_leaves_the_signed_one_pager_as_signed(app_url):
    workshop_id, tokens = signed_workshop(notes={"pain": "Decided: the close must hurt"})
    in_db(lambda s: versions.set_discussion(s, workshop_id, tokens["facilitator"], "pain",
                                            open=False, note="Rewritten after signing",
                                            expected_revision=1))
    said = one_spaced(texts(open_as(workshop_id, tokens["marketing"], COMMUNICATE)))
    assert "Decided: the close must hurt" in said
    assert "Rewritten after signing" not in said
    shown = opens(share(workshop_id, tokens["facilitator"])).page()
    assert [n.text for n in shown.notes] == ["Decided: the close must hurt"]


@pytest.mark.parametrize("uploaded", [False, True])
def test_step4_says_what_the_one_pager_waits_for(app_url, tmp_path, monkeypatch, uploaded):
    """A version signed before any measurement: with no export, step 4 asks for one; with one
    uploaded, it asked for an upload too (beside the SQL naming that file's columns): now it
    says to measure the version on it."""
    from tests.test_evidence import record_sample

    monkeypatch.setenv("UPLOAD_DIR", str(tmp_path / "uploads"))
    workshop_id, tokens = signed_workshop(measured=False)
    fac = tokens["facilitator"]
    if uploaded:
        in_db(lambda s: record_sample(s, workshop_id, fac))
    text = texts(open_as(workshop_id, fac, COMMUNICATE))
    assert ("Upload a CRM export" in text) is not uploaded
    assert ("measure version 1 on sample_leads.csv" in text) is uploaded
