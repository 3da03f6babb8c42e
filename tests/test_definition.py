"""The definition model: validation, JSON round trip, plain-language sentences and views."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from workshop import catalog
from workshop.definition import (
    MAX_VALUES,
    SCHEMA_VERSION,
    UPGRADES,
    Action,
    Criterion,
    Definition,
    DefinitionError,
    format_amount,
    read_file,
)


def _full_definition() -> Definition:
    """Every operator, every role, both gates, actions, threshold and notes."""
    return Definition(
        criteria=[
            Criterion(field="industry", op="in", values=["Software", "Healthcare"]),
            Criterion(field="country", op="not_in", values=["India"], role="nice", points=5),
            Criterion(field="employees", op="between", low=50, high=1000),
            Criterion(field="budget", op="at_least", low=25_000, gate="sql"),
            Criterion(field="timeline_months", op="at_most", high=6, gate="sql"),
            Criterion(field="job_title", op="contains_any", values=["student", "intern"],
                      role="disqualifier"),
            Criterion(field="personal_email", op="is_true", role="disqualifier"),
            Criterion(field="is_customer", op="is_false", role="nice", points=7),
            Criterion(field="arr_band", op="between", low=0.5, high=2.25),
        ],
        actions=[Action(field="demo_requested", points=30), Action(field="email_clicks", points=2),
                 Action(field="custom_count", points=0)],
        threshold=25,
        notes={"pain": "Month-end close takes too long — «quotes» and ünïcödé",
               "engagement": "Demo requests matter most.\nSecond line."},
    )


# --- JSON round trip ------------------------------------------------------------------------
def test_json_round_trip_full_definition():
    definition = _full_definition()
    text = definition.to_json()
    again = Definition.from_json(text)
    assert again == definition
    assert again.notes == definition.notes
    assert again.actions == definition.actions
    assert {c.op for c in again.criteria} == {
        "in", "not_in", "between", "at_least", "at_most", "contains_any", "is_true", "is_false"}
    # and the JSON itself carries the schema version
    assert json.loads(text)["schema_version"] == SCHEMA_VERSION
    # round trip of bytes as well as str
    assert Definition.from_json(text.encode()) == definition
    # a second round trip is stable text
    assert again.to_json() == text


@pytest.mark.parametrize("criterion", [
    Criterion(field="industry", op="in", values=["Software"]),
    Criterion(field="industry", op="not_in", values=["Retail", "Media"], role="disqualifier"),
    Criterion(field="employees", op="between", low=10, high=10),
    Criterion(field="budget", op="at_least", low=0.5, gate="sql"),
    Criterion(field="timeline_months", op="at_most", high=0),
    Criterion(field="job_title", op="contains_any", values=["cfo"], role="nice", points=1000),
    Criterion(field="personal_email", op="is_true", role="disqualifier"),
    Criterion(field="is_customer", op="is_false", question="other"),
], ids=lambda c: c.op)
def test_json_round_trip_every_op(criterion):
    definition = Definition(criteria=[criterion])
    assert Definition.from_json(definition.to_json()) == definition
    assert Definition.from_dict(json.loads(definition.to_json())) == definition


def test_empty_definition_round_trip():
    definition = Definition()
    assert Definition.from_json(definition.to_json()) == definition
    assert definition.is_empty()


# --- broken input -> DefinitionError with a readable message ---------------------------------
DEEP_LIST = "[" * 5000 + "]" * 5000
DEEP_OBJECT = '{"notes": ' + '{"a":' * 3000 + "1" + "}" * 3000 + "}"


@pytest.mark.parametrize("text,expected", [
    ("{", "Invalid JSON"),
    ("", "Invalid JSON"),
    ("not json", "Invalid JSON"),
    (b"\xff\xfe", "Invalid JSON"),
    ("[]", "Input should be an object"),
    ("null", "Input should be an object"),
    ('"a string"', "Input should be an object"),
    ('{"threshold": "abc"}', "threshold"),
    ('{"threshold": 1.5}', "threshold"),
    ('{"threshold": -1}', "threshold"),
    ('{"criteria": {"field": "x"}}', "criteria"),
    ('{"criteria": [{"field": "x", "op": "nope"}]}', "op"),
    ('{"criteria": [{"field": "x", "op": "in", "values": [1, 2]}]}', "values"),
    ('{"criteria": [{"op": "in", "values": ["a"]}]}', "field"),
    ('{"criteria": [{"field": "", "op": "in", "values": ["a"]}]}', "field"),
    ('{"criteria": [{"field": "x", "op": "in", "values": ["a"], "role": "maybe"}]}', "role"),
    ('{"criteria": [{"field": "x", "op": "in", "values": ["a"], "gate": "xql"}]}', "gate"),
    ('{"criteria": [{"field": "x", "op": "in", "values": ["a"], "points": 100000}]}', "points"),
    ('{"actions": [{"field": "demo_requested"}]}', "points"),
    ('{"actions": [{"field": "demo_requested", "points": -5}]}', "points"),
    ('{"notes": {"pain": 3}}', "notes"),
    ('{"notes": ["pain"]}', "notes"),
    ('{"colour": "red"}', "colour"),
    ('{"criteria": [{"field": "x", "op": "in", "values": ["a"], "colour": 1}]}', "colour"),
    ('{"actions": [{"field": "x", "points": 1, "extra": true}]}', "extra"),
    ('{"schema_version": 3}', "schema version 3 is newer than this app reads"),
    ('{"schema_version": 99}', "Update Ideal Lead Workshop"),
    ('{"schema_version": 0}', "schema version 0 is not one this app knows"),
    ('{"schema_version": -1}', "schema version -1 is not one this app knows"),
    ('{"schema_version": "2"}', "schema version '2' is not one this app knows"),
    ('{"schema_version": 1.5}', "schema version 1.5 is not one this app knows"),
    ('{"schema_version": true}', "schema version True is not one this app knows"),
    ('{"schema_version": 1, "about": {"company": "Acme"}}', "schema version 1 has no"),
    ('{"schema_version": 2, "about": "Acme"}', "about: should be an object"),
    ("[1, 2]", "should be an object"),
    ("", "Invalid JSON"),
    ('{"criteria": [{"field": "x", "op": "between", "low": NaN, "high": 3}]}', "ordinary numbers"),
    ('{"criteria": [{"field": "x", "op": "at_least", "low": 1e400}]}', "ordinary numbers"),
    (DEEP_LIST, "Invalid JSON"),
    (DEEP_OBJECT, "Invalid JSON"),
    ('{"criteria": ' + DEEP_LIST + "}", "Invalid JSON"),
], ids=lambda value: value[:30] if isinstance(value, str) else repr(value)[:30])
def test_from_json_rejects_broken_input(text, expected):
    with pytest.raises(DefinitionError) as raised:
        Definition.from_json(text)
    message = str(raised.value)
    assert message.startswith("The definition is not valid: ")
    assert expected in message
    assert "pydantic" not in message.lower()
    assert "http" not in message
    assert "errors.pydantic.dev" not in message
    assert "[type=" not in message
    assert len(message) < 1000


def test_from_json_rejects_boolean_threshold():
    with pytest.raises(DefinitionError):
        Definition.from_json('{"threshold": true}')


def test_error_message_lists_at_most_five_problems():
    data = {"criteria": [{"field": "x", "op": "in", "values": [i]} for i in range(20)]}
    with pytest.raises(DefinitionError) as raised:
        Definition.from_dict(data)
    assert str(raised.value).count("Input should be a valid string") == 5


def test_error_location_is_readable():
    with pytest.raises(DefinitionError) as raised:
        Definition.from_json('{"criteria": [{"field": "x", "op": "in", "values": ["a"]},'
                             ' {"field": "y", "op": "nope"}]}')
    assert "criteria › 1 › op" in str(raised.value)


# --- validation of criteria ----------------------------------------------------------------
@pytest.mark.parametrize("criterion,expected", [
    ({"field": "industry", "op": "in"}, "Industry: choose at least one value."),
    ({"field": "industry", "op": "not_in", "values": ["  ", ""]},
     "Industry: choose at least one value."),
    ({"field": "job_title", "op": "contains_any", "values": []},
     "Job title: choose at least one value."),
    ({"field": "employees", "op": "between", "low": 5},
     "Employees: 'between' needs both a lower and an upper bound."),
    ({"field": "employees", "op": "between", "high": 5},
     "Employees: 'between' needs both a lower and an upper bound."),
    ({"field": "employees", "op": "between", "low": 50, "high": 5},
     "Employees: the lower bound is above the upper bound."),
    ({"field": "budget", "op": "at_least"}, "Budget: 'at least' needs a number."),
    ({"field": "budget", "op": "at_least", "high": 5}, "Budget: 'at least' needs a number."),
    ({"field": "timeline_months", "op": "at_most"},
     "Months to purchase: 'at most' needs a number."),
    ({"field": "employees", "op": "between", "low": float("nan"), "high": 5},
     "Employees: bounds must be ordinary numbers."),
    ({"field": "employees", "op": "at_least", "low": float("inf")},
     "Employees: bounds must be ordinary numbers."),
    ({"field": "employees", "op": "at_most", "high": float("-inf")},
     "Employees: bounds must be ordinary numbers."),
    ({"field": "industry", "op": "in", "values": ["Software"], "role": "nice"},
     "Industry: a nice-to-have needs points above zero."),
    ({"field": "industry", "op": "in", "values": ["Software"], "role": "nice", "points": 0},
     "Industry: a nice-to-have needs points above zero."),
    ({"field": "custom", "op": "in", "values": [str(i) for i in range(MAX_VALUES + 1)]},
     f"custom: at most {MAX_VALUES} values."),
    ({"field": "industry", "op": "in", "values": ["Software"], "points": -1}, "points"),
    ({"field": "industry", "op": "in", "values": ["Software"], "points": 1001}, "points"),
], ids=lambda value: str(value)[:50])
def test_invalid_criterion(criterion, expected):
    with pytest.raises(DefinitionError) as raised:
        Definition.from_dict({"criteria": [criterion]})
    assert expected in str(raised.value)
    # direct construction fails too (a ValueError subclass)
    with pytest.raises(ValueError):
        Criterion(**criterion)


def test_max_values_counts_after_deduplication():
    values = [str(i) for i in range(MAX_VALUES)] + ["0", " 1 ", "199"]
    criterion = Criterion(field="custom", op="in", values=values)
    assert len(criterion.values) == MAX_VALUES


@pytest.mark.parametrize("criterion", [
    {"field": "employees", "op": "between", "low": 5, "high": 5},
    {"field": "employees", "op": "at_least", "low": 0},
    {"field": "employees", "op": "at_most", "high": -3},
    {"field": "industry", "op": "in", "values": ["Software"], "role": "nice", "points": 1},
    {"field": "personal_email", "op": "is_true", "role": "disqualifier"},
    {"field": "industry", "op": "in", "values": ["Software"], "role": "disqualifier",
     "points": 0},
], ids=lambda value: str(value)[:50])
def test_valid_edge_criteria(criterion):
    assert Definition.from_dict({"criteria": [criterion]}).criteria[0].field == criterion["field"]


@pytest.mark.parametrize("actions,expected", [
    ([{"field": "demo_requested", "points": 30}, {"field": "demo_requested", "points": 10}],
     "Requested a demo is listed twice among the conversion actions."),
    ([{"field": "my_count", "points": 1}, {"field": "my_count", "points": 1}],
     "My count is listed twice among the conversion actions."),
])
def test_duplicate_action(actions, expected):
    with pytest.raises(DefinitionError) as raised:
        Definition.from_dict({"actions": actions})
    assert expected in str(raised.value)


@pytest.mark.parametrize("values,expected", [
    ([" Software ", "software", "SOFTWARE", "Healthcare"], ["Software", "Healthcare"]),
    (["a  b", "A B", "a\nb", "a\tb"], ["a b"]),
    (["", "  ", "x"], ["x"]),
    (["Straße", "STRASSE"], ["Straße"]),  # casefold: ß == ss
    ([" " + "x" * 200 + " "], ["x" * 200]),  # the longest value, kept whole (longer: refused)
    (["b", "a", "B"], ["b", "a"]),  # first occurrence kept, order kept
])
def test_values_trimmed_and_deduplicated(values, expected):
    assert Criterion(field="custom", op="in", values=values).values == expected


def test_values_cleaned_through_json_too():
    definition = Definition.from_json(
        '{"criteria": [{"field": "industry", "op": "in", "values": [" Software", "software "]}]}')
    assert definition.criteria[0].values == ["Software"]


def test_notes_blank_dropped():
    definition = Definition(notes={"pain": "  ", "path": "", "budget": "Real note"})
    assert definition.notes == {"budget": "Real note"}


# --- sentences --------------------------------------------------------------------------------
@pytest.mark.parametrize("criterion,expected", [
    (Criterion(field="employees", op="between", low=50, high=1000),
     "Company size is between 50 and 1,000 employees"),
    (Criterion(field="employees", op="at_least", low=1000),
     "Company size is at least 1,000 employees"),
    (Criterion(field="budget", op="at_least", low=25_000), "Confirmed budget is at least $25,000"),
    (Criterion(field="budget", op="at_least", low=1_500_000), "Confirmed budget is at least $1.5M"),
    (Criterion(field="budget", op="at_most", high=2_000_000), "Confirmed budget is at most $2M"),
    (Criterion(field="budget", op="between", low=10_000, high=1_500_000),
     "Confirmed budget is between $10,000 and $1.5M"),
    (Criterion(field="annual_revenue", op="between", low=10_000_000, high=2_000_000_000),
     "Annual revenue is between $10M and $2B"),
    (Criterion(field="annual_revenue", op="at_least", low=2_500_000_000),
     "Annual revenue is at least $2.5B"),
    (Criterion(field="timeline_months", op="at_most", high=6),
     "Expected time to purchase is at most 6 months"),
    (Criterion(field="timeline_months", op="at_most", high=2.5),
     "Expected time to purchase is at most 2.5 months"),
    (Criterion(field="timeline_months", op="between", low=1, high=3),
     "Expected time to purchase is between 1 and 3 months"),
    (Criterion(field="industry", op="in", values=["Software"]), "Industry is Software"),
    (Criterion(field="industry", op="in", values=["Software", "Healthcare"]),
     "Industry is Software or Healthcare"),
    (Criterion(field="industry", op="in", values=["Software", "Healthcare", "Retail"]),
     "Industry is Software, Healthcare or Retail"),
    (Criterion(field="country", op="not_in", values=["India"]), "Country is not India"),
    (Criterion(field="country", op="not_in", values=["India", "Brazil"]),
     "Country is none of India, Brazil"),
    (Criterion(field="buying_role", op="in", values=["Decision maker"]),
     "Role in the buying decision is Decision maker"),
    (Criterion(field="job_title", op="contains_any", values=["student"]),
     "Job title contains “student”"),
    (Criterion(field="job_title", op="contains_any", values=["student", "intern"]),
     "Job title contains “student” or “intern”"),
    (Criterion(field="personal_email", op="is_true"), "Uses a personal e-mail address: yes"),
    (Criterion(field="is_customer", op="is_false"), "Is already a customer: no"),
    (Criterion(field="arr_band", op="between", low=1, high=5), "Arr band is between 1 and 5"),
    (Criterion(field="ARR_band", op="at_least", low=1000), "ARR band is at least 1,000"),
    (Criterion(field="custom_flag", op="is_true"), "Custom flag: yes"),
], ids=lambda value: value.op if isinstance(value, Criterion) else None)
def test_sentence(criterion, expected):
    assert criterion.sentence() == expected


@pytest.mark.parametrize("value,unit,bare,expected", [
    (None, "$", False, "any"),
    (25_000, "$", False, "$25,000"),
    (1_500_000, "$", False, "$1.5M"),
    (1_000_000, "$", False, "$1M"),
    (10_000_000, "$", False, "$10M"),
    (3_000_000_000, "$", False, "$3B"),
    (500, "$", True, "$500"),  # $ stays even bare
    (1000, "employees", False, "1,000 employees"),
    (1000, "employees", True, "1,000"),
    (2.5, "months", False, "2.5 months"),
    (12345, "", False, "12,345"),
])
def test_format_amount(value, unit, bare, expected):
    assert format_amount(value, unit, bare=bare) == expected


@pytest.mark.parametrize("criterion,expected", [
    (Criterion(field="industry", op="in", values=["Software"]), "Must have for an MQL"),
    (Criterion(field="budget", op="at_least", low=1, gate="sql"), "Must have for an SQL"),
    (Criterion(field="industry", op="in", values=["Software"], role="nice", points=15),
     "+15 points"),
    (Criterion(field="personal_email", op="is_true", role="disqualifier"), "Disqualifies"),
    (Criterion(field="personal_email", op="is_true", role="disqualifier", gate="sql"),
     "Disqualifies"),
])
def test_role_phrase(criterion, expected):
    assert criterion.role_phrase() == expected


@pytest.mark.parametrize("action,label,sentence", [
    (Action(field="demo_requested", points=30), "Requested a demo", "Requested a demo: +30 points"),
    (Action(field="trial_signups", points=4), "Trial signups", "Trial signups: +4 points"),
])
def test_action_label_and_sentence(action, label, sentence):
    assert action.label == label
    assert action.sentence() == sentence


# --- questions and views ------------------------------------------------------------------
@pytest.mark.parametrize("criterion,question", [
    (Criterion(field="industry", op="in", values=["Software"]), "industry"),
    (Criterion(field="job_title", op="contains_any", values=["cfo"]), "job_role"),
    (Criterion(field="employees", op="at_least", low=5), "size"),
    (Criterion(field="annual_revenue", op="at_least", low=5), "size"),
    (Criterion(field="timeline_months", op="at_most", high=5), "path"),
    (Criterion(field="country", op="in", values=["Germany"]), "location"),
    (Criterion(field="company", op="contains_any", values=["x"]), "other"),
    (Criterion(field="arr_band", op="in", values=["x"]), "other"),
    (Criterion(field="job_title", op="contains_any", values=["student"], role="disqualifier"),
     "disqualifiers"),
    (Criterion(field="country", op="in", values=["India"], role="disqualifier"), "disqualifiers"),
    (Criterion(field="industry", op="in", values=["Retail"], role="disqualifier",
               question="industry"), "industry"),
    (Criterion(field="industry", op="in", values=["Retail"], question="pain"), "pain"),
])
def test_question_defaults(criterion, question):
    assert criterion.question == question


def test_views():
    definition = _full_definition()
    assert [c.field for c in definition.gate("mql")] == ["industry", "employees", "arr_band"]
    assert [c.field for c in definition.gate("sql")] == ["budget", "timeline_months"]
    assert [c.field for c in definition.nice_to_haves] == ["country", "is_customer"]
    assert [c.field for c in definition.disqualifiers] == ["job_title", "personal_email"]
    assert [c.field for c in definition.criteria_for("disqualifiers")] == [
        "job_title", "personal_email"]
    assert [c.field for c in definition.criteria_for("size")] == ["employees"]
    assert definition.criteria_for("seniority") == []


@pytest.mark.parametrize("definition,expected", [
    (Definition(), 0),
    (Definition(notes={"pain": "x"}), 1),
    (Definition(threshold=10), 1),
    (Definition(actions=[Action(field="demo_requested", points=1)]), 1),
    (Definition(notes={"engagement": "x"}), 1),
    (Definition(criteria=[Criterion(field="industry", op="in", values=["a"]),
                          Criterion(field="seniority", op="in", values=["VP"])],
                notes={"industry": "also a note"}), 2),
    (Definition(criteria=[Criterion(field="arr_band", op="in", values=["a"])]), 1),  # other signals
    (_full_definition(), 9),  # arr_band and is_customer answer other signals
])
def test_answered_count(definition, expected):
    assert definition.answered_count() == expected
    assert definition.is_empty() == (expected == 0)


def test_answered_count_full_catalog():
    keys = [q.key for q in catalog.QUESTIONS]
    definition = Definition(notes={k: "x" for k in keys})
    assert definition.answered_count() == len(keys)


def test_with_question_replaces_only_that_question():
    definition = _full_definition()
    new = [Criterion(field="seniority", op="in", values=["VP"])]
    changed = definition.with_question("industry", new, note="Only VPs")
    assert [c.field for c in changed.criteria_for("industry")] == ["seniority"]
    assert changed.criteria_for("industry")[0].question == "industry"
    assert changed.notes["industry"] == "Only VPs"
    assert changed.notes["pain"] == definition.notes["pain"]
    for question in ("size", "path", "budget", "disqualifiers", "location"):
        assert changed.criteria_for(question) == definition.criteria_for(question)
    assert changed.actions == definition.actions and changed.threshold == definition.threshold
    # value semantics: the original is untouched
    assert [c.field for c in definition.criteria_for("industry")] == ["industry"]


def test_with_question_empty_and_note_none_keeps_note():
    definition = _full_definition()
    cleared = definition.with_question("pain", [])
    assert cleared.criteria_for("pain") == []
    assert cleared.notes["pain"] == definition.notes["pain"]
    blanked = definition.with_question("pain", [], note="")
    assert "pain" not in blanked.notes


def test_with_engagement():
    definition = _full_definition()
    changed = definition.with_engagement([Action(field="webinars_attended", points=10)], 40,
                                         note="Webinars only")
    assert changed.actions == [Action(field="webinars_attended", points=10)]
    assert changed.threshold == 40
    assert changed.notes["engagement"] == "Webinars only"
    assert changed.criteria == definition.criteria
    assert definition.threshold == 25
    kept = definition.with_engagement([], 0)
    assert kept.notes["engagement"] == definition.notes["engagement"]
    assert kept.actions == [] and kept.threshold == 0


def test_with_engagement_validates():
    with pytest.raises(ValueError, match="listed twice"):
        Definition().with_engagement([Action(field="x", points=1), Action(field="x", points=2)], 0)


# --- schema versions --------------------------------------------------------------------------
DEFINITIONS = Path(__file__).parent / "definitions"


def test_a_file_exported_at_schema_1_is_upgraded_to_the_same_definition():
    from workshop.demo import facilitator_draft

    read = read_file((DEFINITIONS / "lumen-ledger-facilitator.schema-1.json").read_bytes())
    assert read.written_in == 1 and read.upgraded
    assert read.definition == facilitator_draft()
    assert read.definition.schema_version == SCHEMA_VERSION
    assert json.loads(read.definition.to_json())["schema_version"] == SCHEMA_VERSION


def test_a_file_without_a_schema_version_is_read_as_the_first():
    read = read_file('{"criteria": [{"field": "industry", "op": "in", "values": ["Retail"]}]}')
    assert read.written_in == 1
    assert read.definition.criteria[0].sentence() == "Industry is Retail"


def test_every_older_schema_has_an_upgrade_step():
    assert set(UPGRADES) == set(range(1, SCHEMA_VERSION))


@pytest.mark.parametrize("about", [
    {"company": "Acme", "version": 2, "agreed_by": ["Ann for Sales"], "agreed_at": "2026-01-02"},
    {"company": "<script>alert(1)</script>", "title": "**bold** \\textbf{x} =SUM(A1)"},
    {},
])
def test_the_about_block_round_trips_and_is_not_part_of_the_definition(about):
    definition = _full_definition()
    text = definition.to_file_json(about)
    read = read_file(text)
    assert read.definition == definition
    assert read.about == about
    assert ("about" in json.loads(text)) == bool(about)


def test_a_draft_stored_at_schema_1_is_read_upgraded(session):
    """Rows written by an older app hold schema 1 JSON: they read as the same definition."""
    from sqlmodel import select

    from workshop import store
    from workshop.demo import facilitator_draft
    from workshop.models import Draft

    workshop, token = store.create_workshop(session, company="Old Co", title="t",
                                            facilitator_name="Dana")
    row = session.exec(select(Draft).where(Draft.workshop_id == workshop.id)).one()
    row.definition_json = (DEFINITIONS / "lumen-ledger-facilitator.schema-1.json").read_text()
    session.add(row)
    session.commit()
    definition, _, _ = store.my_draft(session, workshop.id, token)
    assert definition == facilitator_draft()
