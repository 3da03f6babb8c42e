"""The won deals' draft in the workshop (issue 21): the facilitator adds it, it stays hidden until
the reveal like every draft (the facilitator included), then it stands beside the others in step
3 and its answers can be merged. Domain rules on both engines; the pages through AppTest."""
from __future__ import annotations

import pytest
from sqlmodel import select

from tests.builders import C, D
from tests.test_agree_walk import COMPARE, app_url, click, drafted_workshop, open_as  # noqa: F401
from tests.test_own_devices import everything, texts
from tests.widget_keys import own
from workshop import backup, compare, learn, merge, store
from workshop.db import make_engine, session
from workshop.leads import load_sample_leads
from workshop.models import DATA_ROLE, Participant

EVIDENCE = "views/evidence.py"


@pytest.fixture(scope="module")
def learned() -> learn.Learned:
    found = learn.learn(load_sample_leads(), capacity=200)
    assert found.found
    return found


def _workshop(s):
    workshop, fac = store.create_workshop(s, company="Acme", title="Leads", facilitator_name="Dana")
    secrets = store.invitations(s, workshop.id, fac).secrets
    _, mkt = store.join_with_invite(s, secrets["marketing"], "Priya")
    store.save_draft(s, workshop.id, mkt, D(C("industry", values=["Retail"])), 0)
    store.set_done(s, workshop.id, mkt, True)
    return workshop.id, fac, mkt


def _data_key(s, workshop_id: str) -> str:
    return s.exec(select(Participant.token).where(
        Participant.workshop_id == workshop_id, Participant.role == DATA_ROLE)).one()


def test_hidden_until_the_reveal_then_beside_the_others(session, learned):
    workshop_id, fac, mkt = _workshop(session)
    assert not store.has_data_draft(session, workshop_id, mkt)
    store.set_data_draft(session, workshop_id, fac, learned.definition)
    assert store.has_data_draft(session, workshop_id, mkt)
    statuses = store.draft_statuses(session, workshop_id, fac)
    data = [s for s in statuses if s.role == DATA_ROLE]
    assert [(s.name, s.done, s.started) for s in data] == [("Your won deals", True, True)]
    assert statuses[-1].role == DATA_ROLE  # after marketing and sales
    for token in (fac, mkt):  # nobody reads it before the reveal, the facilitator included
        with pytest.raises(store.Locked):
            store.revealed_people(session, workshop_id, token)
    # its marketing colleague's readiness is about people only
    assert not any(p.role == DATA_ROLE for p in store.draft_statuses(session, workshop_id, mkt)
                   if not p.done)
    store.reveal(session, workshop_id, fac)
    people = store.revealed_people(session, workshop_id, mkt)
    assert [p.label for p in people][-1] == "Won deals"
    assert people[-1].definition == learned.definition
    assert people[-1].definition.notes  # the evidence travels in its notes


def test_only_the_facilitator_adds_it_and_nobody_signs_in_as_it(session, learned):
    workshop_id, fac, mkt = _workshop(session)
    with pytest.raises(store.AccessDenied):
        store.set_data_draft(session, workshop_id, mkt, learned.definition)
    with pytest.raises(store.AccessDenied):
        store.remove_data_draft(session, workshop_id, mkt)
    store.set_data_draft(session, workshop_id, fac, learned.definition)
    key = _data_key(session, workshop_id)
    with pytest.raises(store.AccessDenied):
        store.authenticate(session, workshop_id, key)
    with pytest.raises(store.AccessDenied):
        store.my_draft(session, workshop_id, key)
    with pytest.raises(ValueError, match="no rule"):
        store.set_data_draft(session, workshop_id, fac, D())


def test_learned_again_before_the_reveal_and_locked_after_it(session, learned):
    workshop_id, fac, _ = _workshop(session)
    first = D(C("industry", values=["Software"]))
    store.set_data_draft(session, workshop_id, fac, first)
    store.set_data_draft(session, workshop_id, fac, learned.definition)  # replaces, one draft
    assert [s.role for s in store.draft_statuses(session, workshop_id, fac)].count(DATA_ROLE) == 1
    assert store.remove_data_draft(session, workshop_id, fac)
    assert not store.remove_data_draft(session, workshop_id, fac)
    store.set_data_draft(session, workshop_id, fac, first)
    store.reveal(session, workshop_id, fac)
    with pytest.raises(store.Locked):
        store.set_data_draft(session, workshop_id, fac, learned.definition)
    with pytest.raises(store.Locked):
        store.remove_data_draft(session, workshop_id, fac)
    assert store.revealed_drafts(session, workshop_id, fac)["Won deals"] == first
    # reopening the drafts reopens people's, not the data's: it never waits for a Done
    store.reopen_drafts(session, workshop_id, fac)
    data = [s for s in store.draft_statuses(session, workshop_id, fac) if s.role == DATA_ROLE]
    assert data[0].done


def test_added_after_the_reveal_it_is_on_the_table_at_once(session, learned):
    workshop_id, fac, mkt = _workshop(session)
    store.reveal(session, workshop_id, fac)
    store.set_data_draft(session, workshop_id, fac, learned.definition)
    assert "Won deals" in store.revealed_drafts(session, workshop_id, mkt)


def test_a_backup_keeps_it_and_hands_out_no_key_for_it(session, learned, tmp_path, monkeypatch):
    monkeypatch.setenv("UPLOAD_DIR", str(tmp_path / "uploads"))
    workshop_id, fac, _ = _workshop(session)
    store.set_data_draft(session, workshop_id, fac, learned.definition)
    store.reveal(session, workshop_id, fac)
    text = backup.export_workshop(session, workshop_id, fac)
    restored = backup.restore_workshop(session, text)
    assert {role for role, _ in restored.people} == {"facilitator", "marketing"}
    drafts = store.revealed_drafts(session, restored.workshop_id, restored.facilitator_token)
    assert drafts["Won deals"] == learned.definition
    twice = text.replace('"people": [', '"people": [' + _person_json(text), 1)
    with pytest.raises(backup.BackupError, match="more than one draft of the won deals"):
        backup.read_backup(twice)


def _person_json(text: str) -> str:
    """The backup's data person, once more, as the first of its people."""
    import json

    people = json.loads(text)["people"]
    data = next(p for p in people if p["role"] == DATA_ROLE)
    return json.dumps({**data, "name": "Your won deals again"}) + ", "


def test_its_answer_is_taken_as_the_won_deals_answer(learned):
    drafts = {"Marketing": D(C("industry", values=["Retail"])), "Won deals": learned.definition}
    question = learned.definition.criteria[0].question
    shared, said = merge.apply_operation(D(), question, "take:Won deals", drafts)
    assert said == "took the won deals' answer"
    assert shared.criteria_for(question) == learned.definition.criteria_for(question)
    assert "Won deals" in compare.compare(drafts).drafts


# --- through the pages ------------------------------------------------------------------------

def test_the_facilitator_adds_it_reveals_and_merges_one_of_its_answers(app_url):  # noqa: F811
    workshop_id, tokens = drafted_workshop(app_url)
    fac = open_as(workshop_id, tokens["facilitator"], EVIDENCE)
    assert not fac.exception
    assert "What your won deals say" in texts(fac)
    click(fac, "won-deals:add")
    said = texts(fac)
    assert "The won deals' draft is added" in said
    engine = make_engine(app_url)
    with session(engine) as s:
        learned_draft = next(
            d for d in _drafts_in_database(s, workshop_id) if d[0] == DATA_ROLE)[1]
    assert not learned_draft.is_empty()
    # Nothing of it shows before the reveal: not on the evidence page, not on step 3.
    secret_values = {v for c in learned_draft.criteria for v in c.values} - _people_values(
        engine, workshop_id)
    assert secret_values
    marketing = open_as(workshop_id, tokens["marketing"], COMPARE)
    for page in (fac, open_as(workshop_id, tokens["facilitator"], COMPARE), marketing):
        shown = everything(page)
        assert not [v for v in secret_values if v in shown]
    assert "won deals' draft is in too" in texts(open_as(workshop_id, tokens["facilitator"],
                                                         COMPARE))
    # The reveal: four drafts side by side; take one of its answers.
    dana = open_as(workshop_id, tokens["facilitator"], COMPARE)
    next(b for b in dana.button if "Reveal" in b.label).click().run()
    next(b for b in dana.button if b.label == "🔓 Reveal now").click().run()
    assert not dana.exception
    assert any(v in everything(dana) for v in secret_values)
    question = learned_draft.criteria[0].question
    options = dana.selectbox(key=f"op:{question}").options
    assert "Take the won deals' answer" in options
    dana.selectbox(key=f"op:{question}").set_value("take:Won deals").run()
    next(b for b in dana.button if b.key == f"apply:{question}").click().run()
    assert not dana.exception
    with session(engine) as s:
        shared = store.shared_state(s, workshop_id, tokens["facilitator"]).definition
    engine.dispose()
    assert shared.criteria_for(question) == learned_draft.criteria_for(question)
    # Every draft's scorecard on the newer leads, the won deals' among them.
    fac = open_as(workshop_id, tokens["facilitator"], EVIDENCE)
    assert not fac.exception
    assert "Checked on the newer leads" in texts(fac)
    table = next(t.value for t in fac.dataframe if "95% interval" in t.value.columns)
    assert "Won deals" in table["Draft"].tolist()
    # Four drafts: the overlap diagram takes the two or three the room picks.
    picker = fac.multiselect(key="evidence:overlap-drafts")
    assert picker.value == ["Facilitator", "Marketing", "Sales"]
    picker.set_value(["Marketing", "Won deals"]).run()
    assert not fac.exception
    charts = [c.proto.spec for c in fac.get("plotly_chart")]
    assert any("Won deals" in spec and "Sales" not in spec for spec in charts)


def _drafts_in_database(s, workshop_id: str):
    from workshop.definition import Definition
    from workshop.models import Draft

    rows = s.exec(select(Participant.role, Draft.definition_json)
                  .join(Draft, Draft.participant_id == Participant.id)
                  .where(Participant.workshop_id == workshop_id)).all()
    return [(role, Definition.from_json(text)) for role, text in rows]


def _people_values(engine, workshop_id: str) -> set[str]:
    with session(engine) as s:
        return {v for role, d in _drafts_in_database(s, workshop_id) if role != DATA_ROLE
                for c in d.criteria for v in c.values}


def test_before_the_reveal_the_capacity_it_keeps_to_is_set_beside_it(app_url):  # noqa: F811
    from tests.test_agree_walk import SAMPLE
    from workshop.pipeline import import_leads_file

    workshop_id, tokens = drafted_workshop(app_url)
    fac = open_as(workshop_id, tokens["facilitator"], EVIDENCE)
    own(fac.number_input, "evidence:reps").set_value(1).run()
    own(fac.number_input, "evidence:per-rep").set_value(10).run()
    assert "sales capacity: 10 leads a month" in texts(fac)
    click(fac, "won-deals:add")
    imported = import_leads_file(SAMPLE)
    expected = learn.learn(imported.leads, mapping=imported.mapping, capacity=10).definition
    roomy = learn.learn(imported.leads, mapping=imported.mapping, capacity=200).definition
    assert expected.threshold > roomy.threshold  # the capacity makes a difference here
    engine = make_engine(app_url)
    with session(engine) as s:
        stored = next(d for role, d in _drafts_in_database(s, workshop_id) if role == DATA_ROLE)
    engine.dispose()
    assert stored == expected


def test_a_draft_that_cannot_run_is_named_once_and_left_out_of_the_scorecard_table(learned):
    """The live panel says why a draft cannot run on these leads; the scorecards name it
    without repeating the sentence, and their table holds the drafts that can run."""
    from workshop.scorecard import scorecards
    from workshop.ui.won_deals import scorecard_rows

    leads = load_sample_leads()
    cards = scorecards(leads, {"Won deals": learned.definition,
                               "Sales": D(C("Headcount band", values=["Large"]))})
    assert cards["Sales"].problem.startswith("These leads have no column for")
    rows = scorecard_rows(cards)
    assert rows["Draft"].tolist() == ["Won deals"]
    assert rows["Wins caught"].notna().all()


def test_a_missing_column_is_named_as_the_mapping_names_it_and_the_way_on_said():
    """After the reveal nobody can change a draft: the sentence says what can be done (map the
    column, or leave the rule out of the shared definition), and names a catalog field by its
    label and its key, as the column mapping lists it."""
    from tests.builders import C, D
    from workshop.pipeline import import_leads
    from workshop.preview import cannot_evaluate

    leads = import_leads(b"Email,Industry\na@x.com,Software\n", "a.csv").leads
    said = cannot_evaluate(leads, D(C("webinars_attended", "at_least", low=1, role="nice",
                                      points=5)))
    assert said.startswith("These leads have no column for “Attended a webinar” "
                           "(webinars_attended), which a rule of this definition uses")
    assert "“Column mapping and outcome”" in said and "step 3" in said
    assert "change the rule" not in said
