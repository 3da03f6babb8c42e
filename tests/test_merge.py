"""Building the shared definition: take, union, intersection, clear, engagement, suggest."""
from __future__ import annotations

import pytest

from tests.builders import C, D
from workshop import catalog
from workshop.compare import compare
from workshop.definition import Action, Criterion, Definition
from workshop.demo import facilitator_draft, marketing_draft, sales_draft
from workshop.merge import (
    CannotCombine,
    NoCommonGround,
    Suggestion,
    apply_operation,
    changed_questions,
    clear,
    combine_criteria,
    common_ground,
    intersection,
    middle_engagement,
    suggest,
    take,
    union,
)

DEMO, CLICK, WEB, PRICING = ("demo_requested", "email_clicks", "webinars_attended",
                             "pricing_page_visits")


def _shape(criterion: Criterion | None):
    if criterion is None:
        return None
    return (criterion.field, criterion.op, criterion.values, criterion.low, criterion.high,
            criterion.role, criterion.gate, criterion.points)


def _assert_valid(definition: Definition) -> None:
    """A merged result is a valid Definition and survives a JSON round trip."""
    again = Definition.from_json(definition.to_json())
    assert again == definition
    # re-validating every criterion from its data gives the same criterion
    assert Definition.from_dict(definition.model_dump()) == definition


# --- combine_criteria: union and intersection on one field -----------------------------------
# (criteria, union result, intersection result); results as _shape tuples or None (dropped)
COMBINE_CASES = [
    pytest.param([C(values=["A", "B"]), C(values=["b", "C"])],
                 ("industry", "in", ["A", "B", "C"], None, None, "must", "mql", 0),
                 ("industry", "in", ["B"], None, None, "must", "mql", 0), id="values"),
    pytest.param([C(values=["A"]), C(values=["B"])],
                 ("industry", "in", ["A", "B"], None, None, "must", "mql", 0),
                 NoCommonGround, id="values-disjoint"),
    # values compare as the rules compare them: spellings and other names are one value
    pytest.param([C(values=["Computer Software", "Retail"]), C(values=["computer software"]),
                  C(values=["COMPUTER_SOFTWARE", "Insurance"])],
                 ("industry", "in", ["Computer Software", "Retail", "Insurance"], None, None,
                  "must", "mql", 0),
                 ("industry", "in", ["Computer Software"], None, None, "must", "mql", 0),
                 id="values-spellings"),
    pytest.param([C(field="country", values=["USA", "Canada"]),
                  C(field="country", values=["United States"])],
                 ("country", "in", ["USA", "Canada"], None, None, "must", "mql", 0),
                 ("country", "in", ["USA"], None, None, "must", "mql", 0), id="values-aliases"),
    pytest.param([C(values=["A", "B", "C"]), C(values=["c", "b", "D"]), C(values=["B", "C", "E"])],
                 ("industry", "in", ["A", "B", "C", "D", "E"], None, None, "must", "mql", 0),
                 ("industry", "in", ["B", "C"], None, None, "must", "mql", 0), id="values-three"),
    pytest.param([C(field="job_title", op="contains_any", values=["cfo"]),
                  C(field="job_title", op="contains_any", values=["CFO", "controller"])],
                 ("job_title", "contains_any", ["cfo", "controller"], None, None, "must", "mql", 0),
                 ("job_title", "contains_any", ["cfo"], None, None, "must", "mql", 0),
                 id="contains"),
    pytest.param([C(field="employees", op="between", low=10, high=100),
                  C(field="employees", op="between", low=50, high=500)],
                 ("employees", "between", [], 10, 500, "must", "mql", 0),
                 ("employees", "between", [], 50, 100, "must", "mql", 0), id="ranges-overlap"),
    pytest.param([C(field="employees", op="between", low=10, high=100),
                  C(field="employees", op="between", low=200, high=500)],
                 ("employees", "between", [], 10, 500, "must", "mql", 0),
                 NoCommonGround, id="ranges-disjoint"),
    pytest.param([C(field="employees", op="between", low=100, high=2000),
                  C(field="employees", op="at_least", low=20)],
                 ("employees", "at_least", [], 20, None, "must", "mql", 0),
                 ("employees", "between", [], 100, 2000, "must", "mql", 0), id="ranges-open"),
    pytest.param([C(field="employees", op="at_least", low=10),
                  C(field="employees", op="at_most", high=1000)],
                 None,  # anything goes
                 ("employees", "between", [], 10, 1000, "must", "mql", 0), id="ranges-halves"),
    pytest.param([C(field="timeline_months", op="at_most", high=6),
                  C(field="timeline_months", op="at_most", high=3)],
                 ("timeline_months", "at_most", [], None, 6, "must", "mql", 0),
                 ("timeline_months", "at_most", [], None, 3, "must", "mql", 0), id="at-most"),
    pytest.param([C(field="employees", op="between", low=10, high=100),
                  C(field="employees", op="between", low=100, high=500)],
                 ("employees", "between", [], 10, 500, "must", "mql", 0),
                 ("employees", "between", [], 100, 100, "must", "mql", 0), id="ranges-touch"),
    # roles: union least strict, intersection most strict; points max / min
    pytest.param([C(), C(role="nice", points=10)],
                 ("industry", "in", ["Software"], None, None, "nice", "mql", 10),
                 ("industry", "in", ["Software"], None, None, "must", "mql", 0), id="must-nice"),
    pytest.param([C(role="nice", points=5), C(role="nice", points=20)],
                 ("industry", "in", ["Software"], None, None, "nice", "mql", 20),
                 ("industry", "in", ["Software"], None, None, "nice", "mql", 5), id="nice-points"),
    pytest.param([C(role="disqualifier"), C()],
                 ("industry", "in", ["Software"], None, None, "must", "mql", 0),
                 ("industry", "in", ["Software"], None, None, "disqualifier", "mql", 0),
                 id="disqualifier-must"),
    pytest.param([C(role="disqualifier"), C(role="nice", points=7)],
                 ("industry", "in", ["Software"], None, None, "nice", "mql", 7),
                 ("industry", "in", ["Software"], None, None, "disqualifier", "mql", 0),
                 id="disqualifier-nice"),
    pytest.param([C(field="personal_email", op="is_true", role="disqualifier"),
                  C(field="personal_email", op="is_true", role="disqualifier")],
                 ("personal_email", "is_true", [], None, None, "disqualifier", "mql", 0),
                 ("personal_email", "is_true", [], None, None, "disqualifier", "mql", 0),
                 id="bool-same"),
    pytest.param([C(field="is_customer", op="is_true"), C(field="is_customer", op="is_false")],
                 None, NoCommonGround, id="bool-yes-no"),
    # 'is one of' with 'is not one of': one of the two again
    pytest.param([C(op="in", values=["A", "B"]), C(op="not_in", values=["b", "C"])],
                 ("industry", "not_in", ["C"], None, None, "must", "mql", 0),
                 ("industry", "in", ["A"], None, None, "must", "mql", 0), id="in-not-in"),
    pytest.param([C(op="not_in", values=["A", "B"]), C(op="not_in", values=["B", "C"])],
                 ("industry", "not_in", ["B"], None, None, "must", "mql", 0),
                 ("industry", "not_in", ["A", "B", "C"], None, None, "must", "mql", 0),
                 id="not-in-not-in"),
    pytest.param([C(op="in", values=["A"]), C(op="not_in", values=["A"])],
                 None, NoCommonGround, id="in-not-in-same"),
    # what one rule cannot say is refused in a sentence, not replaced by the first draft's
    pytest.param([C(field="f", op="at_least", low=5), C(field="f", op="in", values=["x"])],
                 CannotCombine, CannotCombine, id="families"),
    pytest.param([C(field="created", op="within_last", days=30),
                  C(field="created", op="is_blank")],
                 CannotCombine, CannotCombine, id="days-and-blank"),
    pytest.param([C(field="job_title", op="contains_any", values=["cfo"]),
                  C(field="job_title", op="contains_any", values=["controller"])],
                 ("job_title", "contains_any", ["cfo", "controller"], None, None, "must", "mql",
                  0),
                 CannotCombine, id="contains-disjoint"),
]


@pytest.mark.parametrize("criteria,union_result,intersection_result", COMBINE_CASES)
def test_combine_criteria(criteria, union_result, intersection_result):
    for widest, expected in ((True, union_result), (False, intersection_result)):
        if isinstance(expected, type):
            with pytest.raises(expected) as refused:
                combine_criteria(criteria, widest=widest)
            assert "Take one draft's answer" in str(refused.value)
        else:
            assert _shape(combine_criteria(criteria, widest=widest)) == expected


def test_union_of_not_in_accepts_more_leads():
    merged = combine_criteria([C(op="not_in", values=["Retail"]),
                               C(op="not_in", values=["Media"])], widest=True)
    assert merged is None or set(merged.values) <= {"Retail", "Media"} and len(merged.values) < 2


def test_union_gate_is_the_less_strict_one():
    criteria = [C(field="budget", op="at_least", low=10, gate="mql"),
                C(field="budget", op="at_least", low=10, gate="sql")]
    assert combine_criteria(criteria, widest=True).gate == "sql"


def test_combine_gates_union_sql_intersection_mql():
    criteria = [C(gate="mql"), C(gate="sql")]
    assert combine_criteria(criteria, widest=True).gate == "sql"
    assert combine_criteria(criteria, widest=False).gate == "mql"
    assert combine_criteria([C(gate="sql"), C(gate="sql")], widest=True).gate == "sql"


# --- union / intersection on a question --------------------------------------------------------
# Two size answers: employees both, a revenue must-have only the second.
SIZE_A = D(C(field="employees", op="between", low=50, high=1000))
SIZE_B = D(C(field="employees", op="between", low=200, high=5000),
           C(field="annual_revenue", op="at_least", low=20e6))


def test_union_leaves_out_a_must_have_only_some_drafts_have():
    """A draft without a revenue rule accepts every revenue: the union cannot require one."""
    merged = union(D(), "size", [SIZE_A, SIZE_B])
    assert [_shape(c) for c in merged.criteria_for("size")] == [
        ("employees", "between", [], 50, 5000, "must", "mql", 0)]
    _assert_valid(merged)


def test_intersection_keeps_a_must_have_only_some_drafts_have():
    """What all drafts accept meets every draft's must-haves, the revenue one included."""
    merged = intersection(D(), "size", [SIZE_A, SIZE_B])
    assert [_shape(c) for c in merged.criteria_for("size")] == [
        ("employees", "between", [], 200, 1000, "must", "mql", 0),
        ("annual_revenue", "at_least", [], 20e6, None, "must", "mql", 0)]
    _assert_valid(merged)


def test_points_only_some_drafts_give_go_to_the_union_only():
    a = D(C(field="employees", op="at_least", low=50, role="nice", points=10))
    b = D(C(field="employees", op="at_least", low=100, role="nice", points=5),
          C(field="annual_revenue", op="at_least", low=20e6, role="nice", points=10))
    assert [c.field for c in union(D(), "size", [a, b]).criteria_for("size")] == [
        "employees", "annual_revenue"]
    assert [c.field for c in intersection(D(), "size", [a, b]).criteria_for("size")] == [
        "employees"]


def test_union_and_intersection_ignore_drafts_that_did_not_answer():
    a = D(C(values=["Software", "Retail"]))
    b = D(C(values=["Software"]))
    silent = D(C(field="seniority", values=["VP"]))
    assert intersection(D(), "industry", [a, b, silent]).criteria_for("industry")[0].values == [
        "Software"]
    assert union(D(), "industry", [a, silent, b]).criteria_for("industry")[0].values == [
        "Software", "Retail"]


@pytest.mark.parametrize("operation", [union, intersection])
def test_combine_keeps_other_questions(operation):
    shared = D(C(field="seniority", values=["VP"]), actions=[Action(field=DEMO, points=30)],
               threshold=30, notes={"industry": "Shared note"})
    merged = operation(shared, "industry", [D(C()), D(C())])
    assert merged.criteria_for("seniority") == shared.criteria_for("seniority")
    assert merged.actions == shared.actions and merged.threshold == 30
    assert merged.notes == {"industry": "Shared note"}
    assert [c.values for c in merged.criteria_for("industry")] == [["Software"]]


def test_an_intersection_of_nothing_is_refused_not_every_lead():
    """Disjoint answers have no common ground: dropping the rule would accept every lead."""
    shared = D(C(values=["Old"]))
    with pytest.raises(NoCommonGround, match="Industry"):
        intersection(shared, "industry", [D(C(values=["A"])), D(C(values=["B"]))])
    with pytest.raises(NoCommonGround):
        apply_operation(shared, "industry", "intersection",
                        {"a": D(C(values=["A"])), "b": D(C(values=["B"]))})


# --- engagement ------------------------------------------------------------------------------
ENGAGEMENT_A = D(actions=[Action(field=DEMO, points=30), Action(field=CLICK, points=2)],
                 threshold=30)
ENGAGEMENT_B = D(actions=[Action(field=DEMO, points=20), Action(field=WEB, points=15)],
                 threshold=10)
ENGAGEMENT_C = D(actions=[Action(field=DEMO, points=25), Action(field=CLICK, points=5),
                          Action(field=PRICING, points=15)], threshold=20)


@pytest.mark.parametrize("operation,sources,actions,threshold", [
    (union, [ENGAGEMENT_A, ENGAGEMENT_B], {DEMO: 30, CLICK: 2, WEB: 15}, 10),
    (intersection, [ENGAGEMENT_A, ENGAGEMENT_B], {DEMO: 20}, 30),
    (union, [ENGAGEMENT_A, ENGAGEMENT_B, ENGAGEMENT_C],
     {DEMO: 30, CLICK: 5, WEB: 15, PRICING: 15}, 10),
    (intersection, [ENGAGEMENT_A, ENGAGEMENT_B, ENGAGEMENT_C], {DEMO: 20}, 30),
    (intersection, [ENGAGEMENT_A, ENGAGEMENT_C], {DEMO: 25, CLICK: 2}, 30),
    # a draft without engagement answer does not count
    (union, [ENGAGEMENT_A, D()], {DEMO: 30, CLICK: 2}, 30),
    (intersection, [ENGAGEMENT_A, D()], {DEMO: 30, CLICK: 2}, 30),
    (union, [D(), D()], {}, 0),
    # middle ground: median points with 0 for a draft that does not score the action
    (middle_engagement, [ENGAGEMENT_A, ENGAGEMENT_B], {DEMO: 25, CLICK: 1, WEB: 7}, 20),
    (middle_engagement, [ENGAGEMENT_A, ENGAGEMENT_B, ENGAGEMENT_C],
     {DEMO: 25, CLICK: 2, WEB: 0, PRICING: 0}, 20),
])
def test_engagement_operations(operation, sources, actions, threshold):
    shared = D(C(), notes={"engagement": "keep me"})
    if operation is middle_engagement:
        merged = middle_engagement(shared, sources)
        actions = {k: v for k, v in actions.items() if v > 0}  # zero-point actions are dropped
    else:
        merged = operation(shared, catalog.ENGAGEMENT, sources)
    assert {a.field: a.points for a in merged.actions} == actions
    assert merged.threshold == threshold
    assert merged.criteria == shared.criteria
    assert merged.notes == {"engagement": "keep me"}
    _assert_valid(merged)


# --- take and clear ------------------------------------------------------------------------
def test_take_copies_criteria_and_note():
    source = D(C(values=["Software", "Retail"]), C(field="seniority", values=["VP"]),
               notes={"industry": "Where we win", "seniority": "ignored"})
    shared = D(C(values=["Media"]), C(field="employees", op="at_least", low=10))
    merged = take(shared, "industry", source)
    assert merged.criteria_for("industry") == source.criteria_for("industry")
    assert merged.criteria_for("size") == shared.criteria_for("size")
    assert merged.criteria_for("seniority") == []
    assert merged.notes == {"industry": "Where we win"}
    _assert_valid(merged)


def test_take_keeps_the_shared_note_first():
    merged = take(D(notes={"industry": "Ours"}), "industry",
                  D(C(), notes={"industry": "Theirs"}))
    assert merged.notes["industry"] == "Ours"


def test_take_engagement():
    merged = take(D(C()), catalog.ENGAGEMENT,
                  D(actions=[Action(field=DEMO, points=30)], threshold=25,
                    notes={"engagement": "Demos"}))
    assert merged.actions == [Action(field=DEMO, points=30)]
    assert merged.threshold == 25
    assert merged.notes == {"engagement": "Demos"}
    assert merged.criteria == [C()]


def test_take_an_unanswered_question_empties_it():
    merged = take(D(C()), "industry", D())
    assert merged.criteria_for("industry") == []


@pytest.mark.parametrize("question", ["industry", "disqualifiers", catalog.ENGAGEMENT])
def test_clear(question):
    shared = D(C(), C(field="personal_email", op="is_true", role="disqualifier"),
               C(field="seniority", values=["VP"]),
               actions=[Action(field=DEMO, points=30)], threshold=30,
               notes={question: "note stays"})
    cleared = clear(shared, question)
    assert changed_questions(shared, cleared) == [question]
    if question == catalog.ENGAGEMENT:
        assert cleared.actions == [] and cleared.threshold == 0
        assert cleared.criteria == shared.criteria
    else:
        assert cleared.criteria_for(question) == []
        assert cleared.actions == shared.actions
    assert cleared.criteria_for("seniority") == shared.criteria_for("seniority")
    assert cleared.notes == {question: "note stays"}


# --- apply_operation -------------------------------------------------------------------------
DRAFTS = {"a": D(C(values=["Software", "Retail"])), "b": D(C(values=["software", "Media"]))}


@pytest.mark.parametrize("operation,values,how", [
    ("take:a", [["Software", "Retail"]], "took a's answer"),
    ("take:b", [["software", "Media"]], "took b's answer"),
    ("union", [["Software", "Retail", "Media"]], "union of the drafts"),
    ("intersection", [["Software"]], "intersection of the drafts"),
    ("clear", [], "left open"),
])
def test_apply_operation(operation, values, how):
    shared = D(C(values=["Old"]))
    merged, said = apply_operation(shared, "industry", operation, DRAFTS)
    assert said == how
    assert [c.values for c in merged.criteria_for("industry")] == values
    _assert_valid(merged)


@pytest.mark.parametrize("operation", ["merge", "", "TAKE:a", "union ", "take"])
def test_apply_operation_unknown(operation):
    with pytest.raises(ValueError, match="Unknown operation"):
        apply_operation(D(), "industry", operation, DRAFTS)


def test_apply_operation_take_unknown_draft():
    with pytest.raises(ValueError, match="no draft called"):
        apply_operation(D(), "industry", "take:nobody", DRAFTS)


# --- changed_questions ------------------------------------------------------------------------
@pytest.mark.parametrize("before,after,expected", [
    (D(), D(), []),
    (D(C()), D(C()), []),
    (D(), D(C()), ["industry"]),
    (D(C()), D(C(values=["Retail"])), ["industry"]),
    (D(C()), D(C(role="nice", points=5)), ["industry"]),
    (D(), D(notes={"pain": "x"}), ["pain"]),
    (D(notes={"pain": "x"}), D(notes={"pain": "y"}), ["pain"]),
    (D(), D(threshold=5), [catalog.ENGAGEMENT]),
    (D(actions=[Action(field=DEMO, points=1)]), D(actions=[Action(field=DEMO, points=2)]),
     [catalog.ENGAGEMENT]),
    (D(C(), C(field="personal_email", op="is_true", role="disqualifier")),
     D(C(field="employees", op="at_least", low=1)), ["industry", "size", "disqualifiers"]),
    # a criterion on a column outside the catalog belongs to "other signals"
    (D(), D(C(field="arr_band", values=["x"])), [catalog.OTHER]),
])
def test_changed_questions(before, after, expected):
    assert changed_questions(before, after) == expected
    assert sorted(changed_questions(after, before)) == sorted(expected)


# --- suggest -----------------------------------------------------------------------------------
def _suggestion(suggestions: list[Suggestion], key: str) -> Suggestion:
    return next(s for s in suggestions if s.question == key)


def test_suggest_table():
    drafts = {
        "A": D(C(values=["Software"]),                       # industry: all agree
               C(field="seniority", values=["VP"]),            # seniority: A and B agree
               C(field="job_function", values=["Finance", "IT"]),  # job role: partly
               C(field="country", values=["Germany"]),         # location: conflict
               C(field="pain", values=["Spreadsheet errors"]),  # pain: only one
               actions=[Action(field=DEMO, points=30)], threshold=30,
               notes={"industry": "A's note"}),
        "B": D(C(values=["software"]),
               C(field="seniority", values=["vp"]),
               C(field="job_function", values=["Finance", "Sales"]),
               C(field="country", values=["France"]),
               actions=[Action(field=DEMO, points=20)], threshold=10),
        "C": D(C(values=["SOFTWARE"]),
               C(field="seniority", values=["C-level"]),
               actions=[Action(field=DEMO, points=25), Action(field=CLICK, points=4)],
               threshold=20),
    }
    comparison = compare(drafts)
    shared, suggestions = suggest(comparison)
    assert [s.question for s in suggestions] == [q.key for q in catalog.QUESTIONS]
    table = {s.question: (s.how, s.sources) for s in suggestions}
    assert table["industry"] == ("agreed", ("A", "B", "C"))
    assert table["seniority"] == ("majority: A and B", ("A", "B"))
    assert table["job_role"] == ("common ground", ("A", "B"))
    assert table["location"] == ("open", ())
    assert table["pain"] == ("open", ())
    assert table["engagement"] == ("middle ground", ("A", "B", "C"))
    for key in ("decision", "budget", "path", "size", "disqualifiers"):
        assert table[key] == ("open", ())

    assert shared.criteria_for("industry") == drafts["A"].criteria_for("industry")
    assert shared.notes == {"industry": "A's note"}
    assert shared.criteria_for("seniority") == drafts["A"].criteria_for("seniority")
    assert [c.values for c in shared.criteria_for("job_role")] == [["Finance"]]
    assert shared.criteria_for("location") == []
    assert shared.criteria_for("pain") == []
    assert {a.field: a.points for a in shared.actions} == {DEMO: 25}  # clicks: median(0,0,4)
    assert shared.threshold == 20
    _assert_valid(shared)


def test_suggest_majority_needs_more_than_half():
    drafts = {"A": D(C(values=["Software"])), "B": D(C(values=["Software"])),
              "C": D(C(values=["Retail"])), "E": D(C(values=["Media"]))}
    shared, suggestions = suggest(compare(drafts))
    assert _suggestion(suggestions, "industry") == Suggestion("industry", "open", ())
    assert shared.criteria_for("industry") == []


def test_suggest_two_drafts_conflict_stays_open():
    shared, suggestions = suggest(compare({"A": D(C(values=["Software"])),
                                           "B": D(C(values=["Retail"]))}))
    assert _suggestion(suggestions, "industry").how == "open"
    assert shared.is_empty()


def test_suggest_demo_drafts():
    drafts = {"facilitator": facilitator_draft(), "marketing": marketing_draft(),
              "sales": sales_draft()}
    shared, suggestions = suggest(compare(drafts))
    table = {s.question: s for s in suggestions}
    assert table["seniority"].how == "open"  # the demo's conflict
    assert table["industry"].how == "common ground"
    assert [c.values for c in shared.criteria_for("industry")] == [
        ["Software", "Financial Services"]]
    assert table["engagement"].how == "middle ground"
    for suggestion in suggestions:
        if suggestion.how == "open":
            assert suggestion.sources == ()
            assert shared.criteria_for(suggestion.question) == []
        else:
            assert suggestion.sources
    _assert_valid(shared)


# --- every operation on the demo drafts gives a valid definition --------------------------------
@pytest.mark.parametrize("question", [q.key for q in catalog.QUESTIONS])
@pytest.mark.parametrize("operation", ["take:facilitator", "take:marketing", "take:sales",
                                       "union", "intersection", "clear"])
def test_operations_on_demo_drafts_are_valid(question, operation):
    drafts = {"facilitator": facilitator_draft(), "marketing": marketing_draft(),
              "sales": sales_draft()}
    start = facilitator_draft()
    try:
        merged, _ = apply_operation(start, question, operation, drafts)
    except CannotCombine as refused:  # a sentence naming the question's field instead
        assert operation in ("union", "intersection")
        assert "Take one draft's answer" in str(refused)
        assert any(catalog.FIELDS[c.field].label in str(refused)
                   for d in drafts.values() for c in d.criteria_for(question))
        return
    _assert_valid(merged)
    assert set(changed_questions(start, merged)) <= {question}
    for criterion in merged.criteria_for(question):
        assert criterion.question == question
        if criterion.role == "nice":
            assert criterion.points > 0


def test_the_suggested_common_ground_keeps_only_what_every_draft_has_a_rule_on():
    """A suggestion to start from: the rules the drafts share, narrowed to what all accept; a
    must-have only one draft has is for the room to decide, not slipped in."""
    merged = common_ground(D(), "size", [SIZE_A, SIZE_B])
    assert [_shape(c) for c in merged.criteria_for("size")] == [
        ("employees", "between", [], 200, 1000, "must", "mql", 0)]
    shared, suggestions = suggest(compare({"a": SIZE_A, "b": SIZE_B}))
    assert shared.criteria_for("size") == merged.criteria_for("size")
    assert [s.how for s in suggestions if s.question == "size"] == ["common ground"]
