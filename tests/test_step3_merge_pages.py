"""Step 3 through the page: each question shows what its drafts share, what the chosen answer
does to the shared definition's figures, and edits by hand inline, staying open."""
from __future__ import annotations

from tests.builders import C
from tests.test_agree_walk import COMPARE, app_url, click, drafted_workshop, open_as  # noqa: F401
from tests.test_own_devices import texts
from workshop import store
from workshop.db import make_engine, session


def _revealed(url: str, sizes: dict | None = None, answers: dict | None = None):
    """The drafted workshop revealed; `sizes`: role -> the size rule its draft has instead;
    `answers`: role -> (question, its criteria) the draft has besides."""
    workshop_id, tokens = drafted_workshop(url)
    engine = make_engine(url)
    with session(engine) as s:
        for role, bound in (sizes or {}).items():
            draft, revision, _ = store.my_draft(s, workshop_id, tokens[role])
            sized = draft.with_question("size", [C("employees", **bound)])
            store.save_draft(s, workshop_id, tokens[role], sized, revision)
        for role, (question, criteria) in (answers or {}).items():
            draft, revision, _ = store.my_draft(s, workshop_id, tokens[role])
            store.save_draft(s, workshop_id, tokens[role],
                             draft.with_question(question, criteria), revision)
    engine.dispose()
    dana = open_as(workshop_id, tokens["facilitator"], COMPARE)
    next(b for b in dana.button if "Reveal" in b.label).click().run()
    next(b for b in dana.button if b.label == "🔓 Reveal now").click().run()  # it asks first
    assert not dana.exception
    return workshop_id, tokens, dana


def test_rows_mark_the_shared_value_and_the_choice_s_figures(app_url):  # noqa: F811
    workshop_id, tokens, dana = _revealed(app_url)
    page = texts(dana)
    assert "✓ **Software** (all three)" in page  # every draft has Software
    assert "Retail (only" in page
    dana.selectbox(key="op:industry").set_value("take:Marketing").run()
    assert not dana.exception
    impact = next(str(m.value) for m in dana.markdown
                  if str(m.value).startswith("**Take Marketing"))
    # the shared definition is still empty: before is every lead, after only what
    # marketing's industries accept, on the workshop's own export
    shown = impact.replace("\\", "")  # as rendered: the escapes of typed text do not show
    assert "MQL: " in shown and "→" in shown
    participant = open_as(workshop_id, tokens["marketing"], COMPARE)
    assert not [m for m in participant.markdown if str(m.value).startswith("**Take ")]


def test_edit_by_hand_opens_in_the_question_and_stays_open(app_url):  # noqa: F811
    workshop_id, tokens, dana = _revealed(app_url)
    click(dana, "edit:industry")
    assert [b for b in dana.button if b.label == "Close the form"]
    assert not [e for e in dana.expander
                if e.label == "Open the guided form on the shared definition"]
    values = next(w for w in dana.multiselect if w.key.endswith(":industry:industry:values"))
    values.set_value(["Software"]).run()
    assert not dana.exception
    engine = make_engine(app_url)
    with session(engine) as s:
        shared = store.shared_state(s, workshop_id, tokens["facilitator"])
    engine.dispose()
    assert [c.values for c in shared.definition.criteria_for("industry")] == [["Software"]]
    # still open after the saved value, in the same place
    assert [b for b in dana.button if b.label == "Close the form"]
    assert any(w.key.endswith(":industry:industry:values") for w in dana.multiselect)
    click(dana, "edit:industry")
    assert not [b for b in dana.button if b.label == "Close the form"]


def test_an_intersection_of_nothing_is_refused_in_a_sentence(app_url):  # noqa: F811
    """Sizes 'at most 49' and 'at least 500': no lead meets both, and Intersection ('fewer
    leads') used to drop the rule and qualify every lead. The row says so and Apply is off."""
    workshop_id, tokens, dana = _revealed(app_url, {"marketing": {"op": "at_most", "high": 49},
                                                    "sales": {"op": "at_least", "low": 500}})
    engine = make_engine(app_url)
    with session(engine) as s:
        before = store.shared_state(s, workshop_id, tokens["facilitator"])
    dana.selectbox(key="op:size").set_value("intersection").run()
    assert not dana.exception
    assert ("Intersection: what all of them accept (fewer leads): No lead meets every draft's "
            "rule on Employees, so their intersection would qualify none."
            ) in texts(dana).replace("**", "")
    assert next(b for b in dana.button if b.key == "apply:size").disabled
    with session(engine) as s:
        after = store.shared_state(s, workshop_id, tokens["facilitator"])
    engine.dispose()
    assert after.revision == before.revision


def _shared(url: str, workshop_id: str, token: str):
    engine = make_engine(url)
    with session(engine) as s:
        state = store.shared_state(s, workshop_id, token)
    engine.dispose()
    return state


def _number_box(at, field: str, part: str):
    return next(w for w in at.number_input if w.key.endswith(f":{field}:{part}"))


def test_a_number_typed_by_hand_and_an_apply_in_one_rerun_both_save(app_url):  # noqa: F811
    """A number typed in the open form reaches the server with the click on another row's
    Apply (the box is left by clicking Apply). Both are saved, whichever of their callbacks
    Streamlit runs first: the row above the form (industry) and the row below it (location)."""
    workshop_id, tokens, dana = _revealed(app_url, answers={
        "sales": ("location", [C("country", values=["Germany"])])})
    click(dana, "edit:size")
    dana.selectbox(key="op:industry").set_value("take:Marketing").run()
    dana.selectbox(key="op:location").set_value("take:Sales").run()
    for row, typed in (("industry", 120), ("location", 340)):
        _number_box(dana, "employees", "low").set_value(typed)
        dana.button(key=f"apply:{row}").click().run()
        assert not dana.exception
        shared = _shared(app_url, workshop_id, tokens["facilitator"])
        assert [c.low for c in shared.definition.criteria_for("size")
                if c.field == "employees"] == [typed], row
        assert shared.decisions.get(row, "").startswith("took "), row
        assert not [w for w in dana.warning if "changed elsewhere" in str(w.value)], row


def test_a_draft_that_left_a_question_blank_offers_no_answer_to_take(app_url):  # noqa: F811
    """"Take Sales's answer" was offered on rows Sales left blank (and cleared the row)."""
    _, _, dana = _revealed(app_url)
    size = dana.selectbox(key="op:size").options  # every draft answered the size
    assert {"Take Facilitator's answer", "Take Marketing's answer",
            "Take Sales's answer"} <= set(size)
    decision = dana.selectbox(key="op:decision").options  # Sales alone answered it
    assert "Take Sales's answer" in decision
    assert not {"Take Facilitator's answer", "Take Marketing's answer"} & set(decision)
    assert "Leave open (no rule)" in decision
