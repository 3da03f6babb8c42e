"""The screens, driven like a user would through Streamlit's AppTest."""
from __future__ import annotations

import os
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.turn_pin import choose_pin
from workshop import demo, store
from workshop.db import make_engine, session
from workshop.mapping import headers_signature
from workshop.models import Workshop
from workshop.pipeline import import_leads
from workshop.uploads import save_upload

APP = str(Path(__file__).resolve().parent.parent / "app.py")
SAMPLE = Path(__file__).resolve().parent.parent / "data" / "sample_leads.csv"
PAGES = ["views/home.py", "views/facilitator.py", "views/teams.py", "views/compare.py",
         "views/communicate.py", "views/evidence.py", "views/history.py"]


@pytest.fixture
def app_url(database_url, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", database_url)
    return database_url


def new_app(params: dict | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    for key, value in (params or {}).items():
        at.query_params[key] = value
    return at


def texts(at: AppTest) -> str:
    """Everything the page says in markdown, captions, titles, headers and alerts."""
    parts = []
    for kind in ("title", "header", "subheader", "markdown", "caption", "info", "success",
                 "warning", "error"):
        parts += [str(element.value) for element in getattr(at, kind)]
    return "\n".join(parts).replace("\\", "")


def by_key_suffix(elements, suffix: str):
    matches = [e for e in elements if str(e.key or "").endswith(suffix)]
    assert matches, f"no widget with key ending {suffix!r}"
    return matches[0]


def demo_key(url: str) -> str:
    with session(make_engine(url)) as s:
        demo.seed_demo(s)
        return s.get(Workshop, demo.DEMO_ID).facilitator_token


@pytest.mark.parametrize("page", PAGES)
def test_every_page_opens_without_a_workshop(app_url, page):
    at = new_app().run()
    at.switch_page(page).run()
    assert not at.exception
    if page != "views/home.py":
        assert "No workshop is open" in texts(at)


@pytest.mark.parametrize("page", PAGES)
def test_every_page_opens_on_the_demo(app_url, page):
    at = new_app({"ws": demo.DEMO_ID, "key": demo_key(app_url)}).run()
    at.switch_page(page).run()
    assert not at.exception
    assert "Lumen Ledger" in texts(at)


def test_a_wrong_key_is_refused_with_a_message(app_url):
    demo_key(app_url)
    at = new_app({"ws": demo.DEMO_ID, "key": "not-the-key"}).run()
    at.switch_page("views/compare.py").run()
    assert not at.exception
    assert "does not belong to this workshop" in texts(at)
    assert "Marcus" not in texts(at)


def test_home_lists_the_demo_and_refuses_an_empty_form(app_url):
    at = new_app().run()
    assert "Lumen Ledger" in texts(at)
    at.button[-1].click().run()  # Create workshop with nothing filled in
    assert not at.exception
    assert "Please enter the company name." in texts(at)


def upload_export(params: dict, folder: Path, monkeypatch) -> None:
    """The facilitator's upload on the evidence page, as it lands in the database."""
    monkeypatch.setenv("UPLOAD_DIR", str(folder))
    data = SAMPLE.read_bytes()
    result = import_leads(data, "acme-leads.csv")
    with session(make_engine(os.environ["DATABASE_URL"])) as s:
        store.record_upload(s, params["ws"], params["key"], sha256=save_upload(data),
                            filename="acme-leads.csv", rows=len(result.leads),
                            headers_signature=headers_signature(list(result.raw.columns)),
                            mapping_json=result.mapping.to_json())


def test_a_new_workshop_through_all_four_steps(app_url, tmp_path, monkeypatch):
    # Home: create the workshop.
    at = new_app().run()
    at.text_input[0].input("Acme <b>Analytics</b>")
    at.text_input[1].input("Q1 lead workshop")
    at.text_input[2].input("Sam Lee")
    next(b for b in at.button if b.label == "Create workshop").click().run()
    assert not at.exception
    params = {"ws": at.query_params["ws"], "key": at.query_params["key"]}
    assert "Step 1" in texts(at)
    assert "only way back into this workshop as facilitator" in texts(at)
    assert any(params["key"] in str(code.value) for code in at.code)

    # Step 1: the facilitator answers industry, company size and conversion actions.
    by_key_suffix(at.multiselect, ":industry:industry:values").set_value(["Software"]).run()
    at.selectbox(key=next(s.key for s in at.selectbox if s.key.endswith(":jump"))) \
        .set_value(7).run()  # question 8: company size and revenue
    by_key_suffix(at.number_input, ":size:employees:low").set_value(100.0).run()
    by_key_suffix(at.number_input, ":size:employees:high").set_value(2000.0).run()
    at.selectbox(key=next(s.key for s in at.selectbox if s.key.endswith(":jump"))) \
        .set_value(9).run()  # question 10: conversion actions
    by_key_suffix(at.number_input, ":engagement:demo_requested").set_value(30).run()
    by_key_suffix(at.number_input, ":engagement:threshold").set_value(20).run()
    assert not at.exception
    assert "3 of 12 questions answered" in str(at.get("progress")[0].proto.text)

    # A restart (new app, same database, same link) shows the answers again.
    at = new_app(params).run()
    at.switch_page("views/facilitator.py").run()
    assert by_key_suffix(at.multiselect, ":industry:industry:values").value == ["Software"]

    # Step 2: marketing takes a turn, presses Done; the draft is covered. (AppTest reruns the
    # page it was last sent to, so each page the app switches to is followed explicitly.)
    at.switch_page("views/teams.py").run()
    at.text_input[0].input("Priya (Marketing)")
    next(b for b in at.button if b.label == "Start marketing's turn").click().run()
    assert "Marketing's turn" in texts(at)
    # The turn has the screen with Priya's key only: the facilitator's draft is out of reach.
    assert at.query_params["key"] != params["key"]
    at.switch_page("views/facilitator.py").run()
    assert "This step is the facilitator's own draft." in texts(at)
    assert not at.multiselect  # no form, no answer of the facilitator's
    at.switch_page("views/teams.py").run()
    assert "This is the facilitator's screen." in texts(at)
    assert not [b for b in at.button if "Reveal" in b.label]
    at.switch_page("views/draft.py").run()
    assert "Marketing's turn" in texts(at)
    assert not at.multiselect  # first a PIN, before anything is typed
    choose_pin(at)
    by_key_suffix(at.multiselect, ":industry:industry:values") \
        .set_value(["Software", "Retail"]).run()
    next(b for b in at.button if b.label.startswith("✅ Done")).click().run()
    assert not at.exception
    assert at.query_params["key"] == params["key"]  # handed back to the facilitator
    at.switch_page("views/teams.py").run()
    assert "Priya (Marketing)**: ✅ done" in texts(at)
    assert "Retail" not in texts(at)

    # Sales takes a turn.
    sales_input = next(t for t in at.text_input if "sales" in t.label)
    sales_input.input("Marcus (Sales)")
    next(b for b in at.button if b.label == "Start sales's turn").click().run()
    at.switch_page("views/draft.py").run()
    choose_pin(at, "97531")
    by_key_suffix(at.multiselect, ":industry:industry:values").set_value(["Software"]).run()
    next(b for b in at.button if b.label.startswith("✅ Done")).click().run()
    at.switch_page("views/teams.py").run()
    assert texts(at).count("✅ done") == 2

    # Step 3: nothing shown before the reveal; reveal; side by side; suggested merge.
    at.switch_page("views/compare.py").run()
    assert "Retail" not in texts(at)
    next(b for b in at.button if "Reveal" in b.label).click().run()
    next(b for b in at.button if b.label == "🔓 Reveal now").click().run()  # it asks first
    assert not at.exception
    page = texts(at)
    assert "Industry is Software or Retail" in page  # marketing's draft, now revealed
    assert "Alignment score" in [m.label for m in at.metric]
    # A new company's workshop shows no lead figures before its own export is uploaded:
    # never the demo company's sample leads.
    assert "No lead figures yet" in page and "sample leads" not in page
    assert not [d for d in at.dataframe if "Definition" in d.value.columns]
    upload_export(params, tmp_path, monkeypatch)
    at.run()
    next(b for b in at.button if "suggested" in b.label).click().run()
    page = texts(at)
    assert "suggested (majority: Facilitator and Sales)" in page
    assert "On acme-leads.csv (6,000 leads)" in page
    table = at.dataframe[0].value
    assert list(table["Definition"]) == ["Facilitator", "Marketing", "Sales",
                                         "Shared definition"]
    shared_row = table.set_index("Definition").loc["Shared definition"]
    assert shared_row["MQL"] > 0

    # Take marketing's industry answer for the shared definition.
    at.selectbox(key="op:industry").set_value("take:Marketing").run()
    at.button(key="apply:industry").click().run()
    assert "took Marketing's answer" in texts(at)
    wider = at.dataframe[0].value.set_index("Definition").loc["Shared definition", "MQL"]
    assert wider > shared_row["MQL"]

    # Propose it; on one shared screen each team's answer is recorded as given in the room.
    at.button(key="agree:propose").click().run()
    assert not at.exception
    assert "Version 1 is proposed" in texts(at)
    for team, person in (("marketing", "Priya"), ("sales", "Marcus")):
        form_team = next(s for s in at.selectbox if s.label == "Team")
        form_team.set_value(team)
        next(t for t in at.text_input if t.label == "Name of the person answering").input(person)
        next(b for b in at.button if b.label == "Record the answer").click().run()
        assert not at.exception
    assert "this is version 1" in texts(at)

    at.switch_page("views/communicate.py").run()
    page = texts(at)
    assert "Step 4" in page
    assert "Industry is Software or Retail" in page
    assert "Priya for Marketing" in page and "Marcus for Sales" in page and "Version 1" in page
    assert "Acme <b>Analytics</b>" in page  # shown as typed, not as HTML

    # And after a restart, step 4 still shows the agreed definition.
    at = new_app(params).run()
    at.switch_page("views/communicate.py").run()
    assert "Industry is Software or Retail" in texts(at)
    assert "nobody has signed" not in texts(at)


def test_back_and_next_keep_the_question_list_in_step(app_url):
    at = new_app({"ws": demo.DEMO_ID, "key": demo_key(app_url)}).run()
    at.switch_page("views/facilitator.py").run()
    next_button = next(b for b in at.button if b.label == "Next ▶")
    next_button.click().run()
    next(b for b in at.button if b.label == "Next ▶").click().run()
    jump = next(s for s in at.selectbox if s.key.endswith(":jump"))
    assert jump.value == 2
    assert at.subheader[0].value == "3. How senior are they?"
    next(b for b in at.button if b.label == "◀ Back").click().run()
    assert next(s for s in at.selectbox if s.key.endswith(":jump")).value == 1
    assert at.subheader[0].value == "2. What is the job role of the person?"


@pytest.mark.parametrize(("stale", "shown"), [
    ("○ 3. Seniority", "3. How senior are they?"),  # a label from before it was answered
    ("✓ 2. Job role", "2. What is the job role of the person?"),
    ("something else", "1. What industry do they work in?"),
])
def test_a_stale_question_label_from_the_browser_picks_by_number_not_a_traceback(
        app_url, stale, shown):
    """The picker's labels change as questions get answered; a rerun carrying an old label
    hands it back as a string."""
    at = new_app({"ws": demo.DEMO_ID, "key": demo_key(app_url)}).run()
    at.switch_page("views/facilitator.py").run()
    prefix = next(s for s in at.selectbox if s.key.endswith(":jump")).key[:-len(":jump")]
    at.session_state[f"{prefix}:question"] = stale
    at.run()
    assert not at.exception
    assert at.subheader[0].value == shown


def test_a_finished_turn_can_be_reopened_and_shows_the_draft_again(app_url):
    at = new_app({"ws": demo.DEMO_ID, "key": demo_key(app_url)}).run()
    at.switch_page("views/teams.py").run()
    assert "Reopen Priya" in " ".join(b.label for b in at.button).replace("\\", "")
    assert "Webinars" not in texts(at)
    next(b for b in at.button if b.label.startswith("Reopen Priya")).click().run()
    assert not at.exception
    at.switch_page("views/draft.py").run()
    assert "Marketing's turn" in texts(at)
    choose_pin(at)  # the demo's turns were taken before PINs: it asks for one now
    industry = by_key_suffix(at.multiselect, ":industry:industry:values")
    assert "Manufacturing" in industry.value  # marketing's own draft, back on screen


def test_a_refresh_comes_back_to_the_same_question(app_url):
    params = {"ws": demo.DEMO_ID, "key": demo_key(app_url)}
    at = new_app(params).run()
    at.switch_page("views/facilitator.py").run()
    next(b for b in at.button if b.label == "Next ▶").click().run()
    next(b for b in at.button if b.label == "Next ▶").click().run()
    assert at.query_params["q"] == "3"
    refreshed = new_app({**params, "q": "3"}).run()
    refreshed.switch_page("views/facilitator.py").run()
    assert refreshed.subheader[0].value == "3. How senior are they?"
    odd = new_app({**params, "q": "99x"}).run()
    odd.switch_page("views/facilitator.py").run()
    assert not odd.exception and odd.subheader[0].value == "1. What industry do they work in?"


def _to_question(at: AppTest, number: int) -> AppTest:
    at.selectbox(key=next(s.key for s in at.selectbox if s.key.endswith(":jump"))) \
        .set_value(number - 1).run()
    return at


def _facilitator_draft(url: str):
    from workshop import store  # noqa: PLC0415

    with session(make_engine(url)) as s:
        token = s.get(Workshop, demo.DEMO_ID).facilitator_token
        return store.my_draft(s, demo.DEMO_ID, token)[0]


def test_a_condition_on_any_column_of_the_leads_is_added_and_removed(app_url):
    at = new_app({"ws": demo.DEMO_ID, "key": demo_key(app_url)}).run()
    at.switch_page("views/facilitator.py").run()
    _to_question(at, 12)
    assert at.subheader[0].value == "12. Does anything else in your leads mark a good lead?"
    column = by_key_suffix(at.selectbox, ":other:column")
    assert "Last Name" in column.options
    assert not any("industry" in option.casefold() for option in column.options)
    assert "Deal stage (deal_stage)" not in column.options  # the outcome: not a criterion
    column.set_value("Last Name").run()
    by_key_suffix(at.multiselect, ":other:values").set_value(["Smith"]).run()
    by_key_suffix(at.number_input, ":other:points").set_value(5).run()
    next(b for b in at.button if b.label == "Add this condition").click().run()
    assert not at.exception
    assert "Last Name is Smith · *+5 points*" in texts(at)
    added = [c for c in _facilitator_draft(app_url).criteria if c.question == "other"]
    assert [(c.field, c.op, c.values, c.role, c.points) for c in added] == \
        [("Last Name", "in", ["Smith"], "nice", 5)]
    assert by_key_suffix(at.selectbox, ":other:column").value is None  # ready for the next

    # A number column offers number conditions; a missing bound is refused in words.
    by_key_suffix(at.selectbox, ":other:column").set_value("amount").run()
    condition = by_key_suffix(at.radio, ":other:op")
    assert condition.options == ["is at least", "is at most", "is between"]
    condition.set_value("between").run()
    by_key_suffix(at.number_input, ":other:low").set_value(1000.0).run()
    next(b for b in at.button if b.label == "Add this condition").click().run()
    assert "'between' needs both a lower and an upper bound" in texts(at)
    assert len([c for c in _facilitator_draft(app_url).criteria if c.question == "other"]) == 1

    next(b for b in at.button if b.label == "Remove").click().run()
    assert not at.exception
    assert not [c for c in _facilitator_draft(app_url).criteria if c.question == "other"]


def test_step_4_offers_the_one_pager_as_pdf_on_the_chosen_paper(app_url):
    from workshop import store

    key = demo_key(app_url)
    with session(make_engine(app_url)) as s:
        store.reveal(s, demo.DEMO_ID, key)
    at = new_app({"ws": demo.DEMO_ID, "key": key}).run()
    at.switch_page("views/communicate.py").run()
    assert not at.exception

    def labels():
        return [str(b.proto.label) for b in at.get("download_button")]

    assert labels() == ["⬇️ PDF (A4)", "⬇️ PNG image", "⬇️ HTML page", "⬇️ Markdown",
                        "⬇️ Definition JSON", "⬇️ SQL", "⬇️ Points table (CSV)"]
    at.segmented_control(key="communicate:paper").set_value("Letter").run()
    assert not at.exception
    assert labels()[0] == "⬇️ PDF (Letter)"


def test_the_question_picker_callback_after_another_callback_reset_the_form():
    """Apply (on the compare page) resets the form's widgets; a question picked in the same
    rerun then finds its widget gone: nothing happens, rather than a KeyError on the page."""
    import streamlit as st

    from workshop.ui.definition_form import _jump, _move

    st.session_state.clear()
    st.session_state["shared:x:question"] = {"index": 3}
    _jump("shared:x:question", "shared:x:jump")
    assert st.session_state["shared:x:question"] == {"index": 3}
    st.session_state["shared:x:jump"] = "✓ 5. Pain"
    _jump("shared:x:question", "shared:x:jump")
    assert st.session_state["shared:x:question"] == {"index": 4}
    del st.session_state["shared:x:question"]  # reset by an earlier callback: nothing happens
    _jump("shared:x:question", "shared:x:jump")
    _move("shared:x:question", 1)
    assert "shared:x:question" not in st.session_state
    st.session_state.clear()
