"""Agreeing for real, through the pages: reveal -> suggested merge -> two edits -> propose ->
both teams sign on their own devices -> version 1 -> reopen -> one change -> version 2 -> the
diff of versions 1 and 2 shows exactly that change. Each person is their own AppTest session
on one database (SQLite and PostgreSQL)."""
from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.autosave_typing import autosave_box, type_into
from tests.builders import C, D
from tests.test_own_devices import new_app, texts
from tests.test_real_exports_pages import upload
from tests.widget_keys import own
from workshop import store, versions
from workshop.db import make_engine, session

COMPARE, HISTORY, COMMUNICATE = "views/compare.py", "views/history.py", "views/communicate.py"
SAMPLE = Path(__file__).resolve().parent.parent / "data" / "sample_leads.csv"


@pytest.fixture
def app_url(database_url, monkeypatch, tmp_path):
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("UPLOAD_DIR", str(tmp_path / "uploads"))
    return database_url


def open_as(workshop_id: str, token: str, page: str) -> AppTest:
    return new_app({"ws": workshop_id, "key": token}, page)


def click(at: AppTest, key: str) -> None:
    at.button(key=key).click().run()
    assert not at.exception, at.exception


def drafted_workshop(url: str) -> tuple[str, dict[str, str]]:
    """A workshop whose three drafts differ on industry, company size and decision role."""
    engine = make_engine(url)
    with session(engine) as s:
        workshop, facilitator = store.create_workshop(
            s, company="Northwind <i>Ledger</i>", title="Ideal lead", facilitator_name="Dana")
        secrets = store.invitations(s, workshop.id, facilitator).secrets
        _, marketing = store.join_with_invite(s, secrets["marketing"], "Priya")
        _, sales = store.join_with_invite(s, secrets["sales"], "Marcus")
        drafts = {
            facilitator: D(C("industry", values=["Software", "Financial Services"]),
                           C("employees", op="between", low=50, high=1000)),
            marketing: D(C("industry", values=["Software", "Retail"]),
                         C("employees", op="at_least", low=20)),
            sales: D(C("industry", values=["Software"]),
                     C("employees", op="between", low=200, high=5000),
                     C("buying_role", values=["Decision maker"], gate="sql")),
        }
        for token, definition in drafts.items():
            store.save_draft(s, workshop.id, token, definition, 0)
            store.set_done(s, workshop.id, token, True)
        upload(s, workshop.id, facilitator, SAMPLE, "northwind-leads.csv")  # its own export
    engine.dispose()
    return workshop.id, {"facilitator": facilitator, "marketing": marketing, "sales": sales}


def revealed(url: str) -> tuple[str, dict[str, str]]:
    """`drafted_workshop`, revealed."""
    workshop_id, tokens = drafted_workshop(url)
    engine = make_engine(url)
    with session(engine) as s:
        store.reveal(s, workshop_id, tokens["facilitator"])
    engine.dispose()
    return workshop_id, tokens


def proposed(url: str, note: str = "") -> tuple[str, dict[str, str], versions.ProposalState]:
    """`revealed`, with "Industry is Software" proposed (and, given, a decision note on it)."""
    workshop_id, tokens = revealed(url)
    fac = tokens["facilitator"]
    engine = make_engine(url)
    with session(engine) as s:
        revision = store.save_shared(s, workshop_id, fac, D(C("industry", values=["Software"])),
                                     store.shared_state(s, workshop_id, fac).revision)
        if note:
            versions.set_discussion(s, workshop_id, fac, "industry", open=False, note=note,
                                    expected_revision=0)
        versions.propose(s, workshop_id, fac, revision)
        proposal = versions.current_proposal(s, workshop_id, fac)
    engine.dispose()
    return workshop_id, tokens, proposal


def proposal_id(url: str, workshop_id: str, token: str) -> int:
    engine = make_engine(url)
    try:
        with session(engine) as s:
            return versions.current_proposal(s, workshop_id, token).id
    finally:
        engine.dispose()


def signed_versions(url: str, workshop_id: str, token: str) -> list[versions.VersionInfo]:
    engine = make_engine(url)
    try:
        with session(engine) as s:
            return versions.versions(s, workshop_id, token)
    finally:
        engine.dispose()


def change_log(at: AppTest):
    return next(d.value for d in at.dataframe if "What" in d.value.columns)


def sign(at: AppTest, team: str) -> None:
    at.run()
    assert f"✅ Sign off for {team}" in [b.label for b in at.button]
    click(at, "agree:sign")
    page = texts(at)
    assert f"{team}**: signed by" in page or "Every team has signed" in page


def test_from_reveal_to_version_two(app_url):
    workshop_id, tokens = drafted_workshop(app_url)
    dana = open_as(workshop_id, tokens["facilitator"], COMPARE)
    priya = open_as(workshop_id, tokens["marketing"], COMPARE)
    marcus = open_as(workshop_id, tokens["sales"], COMPARE)
    assert "Waiting for the facilitator to reveal" in texts(priya)
    assert "Retail" not in texts(marcus)  # marketing's draft stays hidden until the reveal

    # Reveal, then the suggested merge, then two edits, row by row.
    next(b for b in dana.button if "Reveal" in b.label).click().run()
    next(b for b in dana.button if b.label == "🔓 Reveal now").click().run()  # it asks first
    assert not dana.exception
    next(b for b in dana.button if "suggested" in b.label).click().run()
    dana.selectbox(key="op:industry").set_value("take:Marketing").run()
    click(dana, "apply:industry")
    dana.selectbox(key="op:decision").set_value("take:Sales").run()
    click(dana, "apply:decision")
    log = change_log(dana)
    assert list(log["What"])[:2] == ["Decision process: took Sales's answer",
                                     "Industry: took Marketing's answer"]  # newest first
    assert set(log["Who"]) == {"Dana"}
    assert "Change #3 by Dana" in texts(dana)  # the replay shows the latest change

    # The facilitator puts a row up for discussion; the teams see the flag and the note.
    own(dana.toggle, "discuss-open:size").set_value(True).run()
    type_into(dana, "discuss-note:size", "Sales wants 200+; revisit in Q3")
    assert not dana.exception, dana.exception
    assert autosave_box(dana, "discuss-note:size")["value"] == "Sales wants 200+; revisit in Q3"
    # A note typed over a revision someone saved after is refused with the sentence; the
    # box is told so and shows the latest note.
    type_into(dana, "discuss-note:size", "typed on a stale page", base=0)
    assert "changed elsewhere" in texts(dana)
    box = autosave_box(dana, "discuss-note:size")
    assert box["value"] == "Sales wants 200+; revisit in Q3" and box["refused"] == box["ack"]
    priya.run()
    assert "Up for discussion" in texts(priya) and "revisit in Q3" in texts(priya)

    # Propose; both teams sign on their own devices.
    click(dana, "agree:propose")
    assert "Version 1 is proposed" in texts(dana)
    priya.run()
    assert "The proposed version 1" in [e.label for e in priya.expander]
    assert "Industry is Software or Retail" in texts(priya)
    # A note changed after proposing is not what the teams sign, until proposed again.
    type_into(dana, "discuss-note:size", "Sales wants 250+")
    assert "decision notes changed since this was proposed" in texts(dana)
    priya.run()
    proposed = next(e for e in priya.expander if e.label == "The proposed version 1")
    assert "revisit in Q3" in texts(proposed) and "250+" not in texts(proposed)
    click(dana, "agree:repropose")
    assert "decision notes changed" not in texts(dana)
    priya.run()
    proposed = next(e for e in priya.expander if e.label == "The proposed version 1")
    assert "250+" in texts(proposed) and "revisit in Q3" not in texts(proposed)
    # An objection needs a reason, then counts until the team signs. The reason is kept as
    # it is typed: a reload shows it, and Object sends it.
    next(b for b in priya.button if b.label == "Object").click().run()
    assert "Say what your team objects to" in texts(priya)
    proposal = proposal_id(app_url, workshop_id, tokens["marketing"])
    type_into(priya, f"agree:reason:{proposal}", "Retail is too broad")
    dana.run()
    assert "Retail is too broad" not in texts(dana)  # typed, not sent
    priya = open_as(workshop_id, tokens["marketing"], COMPARE)
    priya.run()
    assert autosave_box(priya, f"agree:reason:{proposal}")["value"] == "Retail is too broad"
    next(b for b in priya.button if b.label == "Object").click().run()
    dana.run()
    assert "Marketing** objects (Priya): “Retail is too broad”" in texts(dana)
    sign(priya, "Marketing")
    assert signed_versions(app_url, workshop_id, tokens["facilitator"]) == []
    sign(marcus, "Sales")
    assert "this is version 1" in texts(marcus)
    assert len(marcus.get("balloons")) == 1
    # Another screen's change reruns the page: the message stays, the celebration does not
    # play again.
    marcus.run()
    assert "Every team has signed: this is version 1." in texts(marcus)
    assert len(marcus.get("balloons")) == 0

    first = signed_versions(app_url, workshop_id, tokens["facilitator"])
    assert [v.number for v in first] == [1]
    assert {s["name"] for s in first[0].signatories} == {"Priya", "Marcus"}
    version_one = first[0].definition
    assert [c.values for c in version_one.criteria if c.field == "industry"] == [
        ["Software", "Retail"]]

    # Signed: no more row operations; step 4 shows version 1 with its signatories.
    dana.run()
    assert "Version 1 is signed" in texts(dana)
    assert not [b for b in dana.button if b.label == "Apply"]
    dana.switch_page(COMMUNICATE).run()
    assert "Version 1" in texts(dana) and "Priya for Marketing" in texts(dana)
    assert "## In figures" in texts(dana)  # measured on its export when proposed
    assert "Measured on northwind-leads.csv (6,000 leads created from " in texts(dana)
    assert "leads) (" not in texts(dana)  # the count is said once
    assert "Northwind <i>Ledger</i>" in texts(dana)  # as typed, never as HTML

    # Reopen on the versions page, change one question, propose, both sign: version 2.
    dana.switch_page(HISTORY).run()
    assert not dana.exception, dana.exception
    click(dana, "history:reopen")
    marcus.run()
    assert "Every team has signed" not in texts(marcus)  # version 1 is reopened
    dana.switch_page(COMPARE).run()
    dana.selectbox(key="op:industry").set_value("take:Sales").run()
    click(dana, "apply:industry")
    click(dana, "agree:propose")
    assert "Version 2 is proposed" in texts(dana)
    sign(priya, "Marketing")
    sign(marcus, "Sales")

    both = signed_versions(app_url, workshop_id, tokens["marketing"])
    assert [v.number for v in both] == [1, 2]
    assert both[0].definition == version_one  # version 1 never changed

    # The diff of versions 1 and 2 shows exactly the industry change.
    priya.switch_page(HISTORY).run()
    assert not priya.exception, priya.exception
    page = texts(priya)
    headings = [line for line in page.splitlines() if line.startswith("### ")]
    assert headings == ["### 🟡 Industry"]  # the one question that changed, and only it
    assert "- Industry is Software or Retail (Must have for an MQL)" in page  # version 1
    assert "- Industry is Software (Must have for an MQL)" in page  # version 2
    assert not [b for b in priya.button if "Reopen" in b.label]  # only the facilitator reopens


def test_the_proposal_a_team_is_asked_to_sign_carries_the_decision_notes(app_url):
    """What a team signs reads as its one-pager will: the notes agreed in step 3 are on it."""
    workshop_id, tokens = drafted_workshop(app_url)
    fac = tokens["facilitator"]
    engine = make_engine(app_url)
    with session(engine) as s:
        store.reveal(s, workshop_id, fac)
        shared = store.shared_state(s, workshop_id, fac)
        revision = store.save_shared(s, workshop_id, fac, D(C("industry", values=["Software"])),
                                     shared.revision)
        versions.set_discussion(s, workshop_id, fac, "industry", open=False,
                                note="Software only: <b>our</b> best wins")
        versions.propose(s, workshop_id, fac, revision)
    engine.dispose()
    priya = open_as(workshop_id, tokens["marketing"], "views/compare.py")
    preview = next(e for e in priya.expander if e.label.startswith("The proposed version"))
    shown = " ".join(str(m.value) for m in preview.markdown)
    assert "Software only\\:" in shown and "best wins" in shown  # the Markdown source
    assert "<b>" not in shown.replace("\\<b\\>", "")  # escaped, not markup


def shared_now(url: str, workshop_id: str, token: str) -> store.SharedState:
    engine = make_engine(url)
    try:
        with session(engine) as s:
            return store.shared_state(s, workshop_id, token)
    finally:
        engine.dispose()


def test_a_rerun_sent_with_the_form_as_drawn_before_never_undoes_an_applied_suggestion(
        app_url):
    """The browser holds the hand-edit form's values as last drawn until the new drawing
    arrives, and sends them with any rerun it asks for meanwhile (the live poll): they must
    not be saved over the suggestion just applied (see also test_definition_form's
    test_a_value_of_a_form_drawn_before_a_reset_is_never_saved)."""
    workshop_id, tokens = drafted_workshop(app_url)
    engine = make_engine(app_url)
    with session(engine) as s:
        store.reveal(s, workshop_id, tokens["facilitator"])
    engine.dispose()
    dana = open_as(workshop_id, tokens["facilitator"], COMPARE)
    dana.session_state["compare:guided"] = True  # the guided form opened
    dana.run()
    as_drawn = dana._tree.get_widget_states()  # the empty shared definition's form
    next(b for b in dana.button if "suggested" in b.label).click().run()
    applied = shared_now(app_url, workshop_id, tokens["facilitator"])
    assert applied.definition.criteria_for("industry")  # the common ground: Software
    dana._run(as_drawn)  # the poll's rerun, carrying the old form's values
    assert not dana.exception
    after = shared_now(app_url, workshop_id, tokens["facilitator"])
    assert (after.revision, after.definition) == (applied.revision, applied.definition)
    assert "edited by hand" not in after.decisions.values()
    # the form shows the suggestion, and a change made on it is saved as ever
    dana.run()
    values = next(m for m in dana.multiselect if str(m.key).endswith("industry:industry:values"))
    assert values.value == ["Software"]
    values.set_value(["Software", "Retail"]).run()
    assert shared_now(app_url, workshop_id, tokens["facilitator"]).definition.criteria_for(
        "industry")[0].values == ["Software", "Retail"]
