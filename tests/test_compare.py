"""Comparing drafts question by question: similarity, agreement classes, alignment score."""
from __future__ import annotations

import math

import pytest

from tests.builders import C, D
from workshop import catalog
from workshop.compare import (
    AGREE,
    CONFLICT,
    ONLY_ONE,
    PARTLY,
    UNANSWERED,
    classify,
    compare,
    criterion_similarity,
    engagement_similarity,
    has_answer,
    question_similarity,
    range_similarity,
    role_factor,
    shares_ground,
    spread,
    value_similarity,
)
from workshop.definition import Action, Definition
from workshop.demo import facilitator_draft, marketing_draft, sales_draft

INF = math.inf


def _log(x: float) -> float:
    return math.log10(1 + x)


# --- agreement classes ----------------------------------------------------------------------
@pytest.mark.parametrize("drafts,status,similarity", [
    ({"a": D(C(values=["Software"])), "b": D(C(values=["software"]))}, AGREE, 1.0),
    ({"a": D(C(values=["Software", "Retail"])), "b": D(C(values=["Software"]))}, PARTLY, 0.5),
    ({"a": D(C(values=["Software"])), "b": D(C(values=["Retail"]))}, CONFLICT, 0.0),
    ({"a": D(C(values=["Software"])), "b": D()}, ONLY_ONE, None),
    ({"a": D(C(values=["Software"])), "b": D(notes={"industry": "Any, really"})}, ONLY_ONE, None),
    ({"a": D(), "b": D()}, UNANSWERED, None),
    ({"a": D(notes={"industry": "x"}), "b": D(notes={"industry": "y"})}, UNANSWERED, None),
    ({}, UNANSWERED, None),
    # boundaries: 19/20 = 0.95 agrees, 1/4 overlaps; 1/5 = 0.2 would conflict, but both
    # accept v0, so the row is an overlap (classify's own cases test the 0.2 boundary)
    ({"a": D(C(values=[f"v{i}" for i in range(20)])),
      "b": D(C(values=[f"v{i}" for i in range(19)]))}, AGREE, 0.95),
    ({"a": D(C(values=[f"v{i}" for i in range(5)])), "b": D(C(values=["v0"]))}, PARTLY, 0.2),
    # three drafts sharing one value with a low-similarity pair: overlap, not conflict
    ({"a": D(C(values=["Healthcare"])),
      "b": D(C(values=["Healthcare", "Software", "Retail", "Media", "Logistics"])),
      "c": D(C(values=["Healthcare", "Software"]))}, PARTLY, (0.2 + 0.5 + 0.4) / 3),

    ({"a": D(C(values=[f"v{i}" for i in range(4)])), "b": D(C(values=["v0"]))}, PARTLY, 0.25),
    # three drafts: one pair in conflict makes the row a conflict
    ({"a": D(C(values=["Software"])), "b": D(C(values=["Software"])), "c": D(C(values=["Media"]))},
     CONFLICT, 1 / 3),
    ({"a": D(C(values=["Software"])), "b": D(C(values=["Software"])),
      "c": D(C(values=["Software"]))}, AGREE, 1.0),
], ids=lambda value: value if isinstance(value, str) else None)
def test_industry_row(drafts, status, similarity):
    row = compare(drafts).row("industry")
    assert row.status == status
    if similarity is None:
        assert row.similarity is None
        assert row.pairs == {}
    else:
        assert row.similarity == pytest.approx(similarity)


def test_answered_by_lists_only_criteria_answers():
    drafts = {"a": D(C()), "b": D(notes={"industry": "note only"}), "c": D(C(values=["Media"]))}
    row = compare(drafts).row("industry")
    assert row.answered_by == ["a", "c"]
    assert set(row.pairs) == {("a", "c")}


@pytest.mark.parametrize("answered,pairs,status", [
    (0, {}, UNANSWERED),
    (1, {}, ONLY_ONE),
    (2, {("a", "b"): 0.95}, AGREE),
    (2, {("a", "b"): 0.9499}, PARTLY),
    (2, {("a", "b"): 0.2}, CONFLICT),
    (2, {("a", "b"): 0.2001}, PARTLY),
    (3, {("a", "b"): 1.0, ("a", "c"): 1.0, ("b", "c"): 0.1}, CONFLICT),
    (3, {("a", "b"): 1.0, ("a", "c"): 0.5, ("b", "c"): 0.96}, PARTLY),
])
def test_classify(answered, pairs, status):
    assert classify(answered, pairs) == status


@pytest.mark.parametrize("pairs,status", [
    ({("a", "b"): 0.1}, PARTLY),
    ({("a", "b"): 0.0}, PARTLY),
    ({("a", "b"): 0.96}, AGREE),
    ({("a", "b"): 0.5}, PARTLY),
])
def test_classify_with_common_ground(pairs, status):
    """Something shared by all turns a would-be conflict into an overlap, nothing else."""
    assert classify(2, pairs, common=True) == status


# --- role factor ----------------------------------------------------------------------------
@pytest.mark.parametrize("a,b,factor", [
    (C(), C(), 1.0),
    (C(gate="sql"), C(gate="sql"), 1.0),
    (C(gate="mql"), C(gate="sql"), 0.75),
    (C(), C(role="nice", points=5), 0.5),
    (C(gate="sql"), C(role="nice", points=5), 0.5),
    (C(role="nice", points=5), C(role="nice", points=50), 1.0),
    (C(role="nice", points=5, gate="sql"), C(role="nice", points=5), 1.0),
    (C(role="disqualifier"), C(role="disqualifier", gate="sql"), 1.0),
    (C(role="disqualifier"), C(), 0.0),
    (C(), C(role="disqualifier"), 0.0),
    (C(role="disqualifier"), C(role="nice", points=5), 0.0),
])
def test_role_factor(a, b, factor):
    assert role_factor(a, b) == factor
    assert role_factor(b, a) == factor
    # with identical values, criterion similarity is the role factor
    assert criterion_similarity(a, b) == factor


# --- value similarity -----------------------------------------------------------------------
@pytest.mark.parametrize("a,b,similarity", [
    # Jaccard, case-insensitive
    (C(values=["A", "B"]), C(values=["a", "b"]), 1.0),
    (C(values=["A", "B"]), C(values=["B", "C"]), 1 / 3),
    (C(values=["A", "B", "C"]), C(values=["A"]), 1 / 3),
    (C(values=["A"]), C(values=["B"]), 0.0),
    (C(op="not_in", values=["A", "B"]), C(op="not_in", values=["B"]), 0.5),
    (C(field="job_title", op="contains_any", values=["cfo", "vp"]),
     C(field="job_title", op="contains_any", values=["CFO"]), 0.5),
    (C(op="in", values=["A", "B"]), C(op="contains_any", values=["a"]), 0.5),
    # is one of against is not one of
    (C(op="in", values=["A"]), C(op="not_in", values=["A", "B"]), 0.0),
    (C(op="in", values=["A"]), C(op="not_in", values=["B"]), 0.5),
    (C(op="not_in", values=["a"]), C(op="in", values=["A"]), 0.0),
    (C(op="contains_any", values=["x"]), C(op="not_in", values=["y"]), 0.5),
    # values compare as the rules compare them
    (C(values=["Computer Software"]), C(values=["COMPUTER_SOFTWARE"]), 1.0),
    (C(values=["computer software", "Retail"]), C(values=["Computer-Software"]), 0.5),
    (C(field="country", values=["USA"]), C(field="country", values=["United States"]), 1.0),
    (C(field="country", values=["U.K.", "DE"]),
     C(field="country", values=["United Kingdom", "Germany"]), 1.0),
    (C(field="Region", values=["USA"]), C(field="Region", values=["United States"]), 0.0),
    (C(field="job_title", op="contains_any", values=["Vice-President"]),
     C(field="job_title", op="contains_any", values=["vice president"]), 1.0),
    # yes/no
    (C(field="f", op="is_true"), C(field="f", op="is_true"), 1.0),
    (C(field="f", op="is_false"), C(field="f", op="is_false"), 1.0),
    (C(field="f", op="is_true"), C(field="f", op="is_false"), 0.0),
    # different families never match
    (C(field="f", op="is_true"), C(field="f", op="in", values=["yes"]), 0.0),
    (C(field="f", op="at_least", low=1), C(field="f", op="in", values=["1"]), 0.0),
    (C(field="f", op="at_least", low=1), C(field="f", op="is_true"), 0.0),
])
def test_value_similarity(a, b, similarity):
    assert value_similarity(a, b) == pytest.approx(similarity)
    assert value_similarity(b, a) == pytest.approx(similarity)


@pytest.mark.parametrize("a,b,similarity", [
    ((10, 100), (10, 100), 1.0),
    ((10, INF), (10, INF), 1.0),
    ((-INF, 6), (-INF, 6), 1.0),
    ((10, 100), (200, 300), 0.0),
    ((10, INF), (-INF, 5), 0.0),
    ((10, 100), (100, 1000), 0.0),  # touching at a point: no width in common
    ((10, 1000), (10, 100), (_log(100) - _log(10)) / (_log(1000) - _log(10))),
    ((100, 2000), (200, 5000), (_log(2000) - _log(200)) / (_log(5000) - _log(100))),
    # open-ended: infinity stands for ten times the largest finite bound
    ((10, INF), (100, INF), (_log(1000) - _log(100)) / (_log(1000) - _log(10))),
    # and minus infinity for 0
    ((-INF, 6), (-INF, 3), _log(3) / _log(6)),
    ((-INF, 100), (50, INF), (_log(100) - _log(50)) / _log(1000)),
])
def test_range_similarity(a, b, similarity):
    assert range_similarity(a, b) == pytest.approx(similarity)
    assert range_similarity(b, a) == pytest.approx(similarity)
    assert 0.0 <= range_similarity(a, b) <= 1.0


def test_nested_range_is_partial():
    value = range_similarity((10, 1000), (100, 500))
    assert 0 < value < 1


@pytest.mark.parametrize("a,b,similarity", [
    (C(field="employees", op="between", low=50, high=1000),
     C(field="employees", op="between", low=50, high=1000), 1.0),
    (C(field="employees", op="at_least", low=20), C(field="employees", op="at_least", low=20), 1.0),
    (C(field="employees", op="between", low=10, high=100),
     C(field="employees", op="between", low=200, high=300), 0.0),
    (C(field="timeline_months", op="at_most", high=6),
     C(field="timeline_months", op="at_most", high=3), _log(3) / _log(6)),
    (C(field="employees", op="between", low=100, high=2000),
     C(field="employees", op="at_least", low=20),
     (_log(2000) - _log(100)) / (_log(20000) - _log(20))),
])
def test_value_similarity_ranges(a, b, similarity):
    assert value_similarity(a, b) == pytest.approx(similarity)


# --- question similarity --------------------------------------------------------------------
@pytest.mark.parametrize("a,b,question,similarity", [
    # a field only one draft uses scores 0
    (D(C(field="employees", op="between", low=50, high=1000)),
     D(C(field="employees", op="between", low=50, high=1000),
       C(field="annual_revenue", op="at_least", low=1e6)), "size", 0.5),
    # values × role, averaged over fields
    (D(C(field="employees", op="at_least", low=10),
       C(field="annual_revenue", op="at_least", low=5)),
     D(C(field="employees", op="at_least", low=10, gate="sql"),
       C(field="annual_revenue", op="at_least", low=5, role="nice", points=3)), "size",
     (0.75 + 0.5) / 2),
    (D(C(field="job_function", values=["Finance", "IT"])),
     D(C(field="job_function", values=["Finance"], role="nice", points=5)), "job_role", 0.25),
    (D(), D(), "industry", 1.0),
])
def test_question_similarity(a, b, question, similarity):
    assert question_similarity(a, b, question) == pytest.approx(similarity)
    assert question_similarity(b, a, question) == pytest.approx(similarity)


# --- engagement -------------------------------------------------------------------------------
DEMO, CLICK, WEB = "demo_requested", "email_clicks", "webinars_attended"


@pytest.mark.parametrize("a,b,similarity", [
    (D(actions=[Action(field=DEMO, points=30)], threshold=30),
     D(actions=[Action(field=DEMO, points=30)], threshold=30), 1.0),
    (D(threshold=10), D(threshold=10), 1.0),
    (D(threshold=10), D(threshold=20), (1 + 0.5) / 2),
    (D(threshold=10), D(threshold=0), (1 + 0) / 2),
    # demo 30 vs 20 -> 2/3; clicks 2 vs none -> 0; thresholds 30 vs 10 -> 1/3
    (D(actions=[Action(field=DEMO, points=30), Action(field=CLICK, points=2)], threshold=30),
     D(actions=[Action(field=DEMO, points=20)], threshold=10), ((2 / 3 + 0) / 2 + 1 / 3) / 2),
    (D(actions=[Action(field=DEMO, points=10)], threshold=5),
     D(actions=[Action(field=WEB, points=10)], threshold=5), (0 + 1) / 2),
    (D(actions=[Action(field=DEMO, points=0)]), D(actions=[Action(field=DEMO, points=0)]), 1.0),
])
def test_engagement_similarity(a, b, similarity):
    assert engagement_similarity(a, b) == pytest.approx(similarity)
    assert engagement_similarity(b, a) == pytest.approx(similarity)
    assert question_similarity(a, b, catalog.ENGAGEMENT) == pytest.approx(similarity)


@pytest.mark.parametrize("definition,expected", [
    (D(), False),
    (D(notes={"engagement": "x"}), False),
    (D(threshold=1), True),
    (D(actions=[Action(field=DEMO, points=0)]), True),
])
def test_has_answer_engagement(definition, expected):
    assert has_answer(definition, catalog.ENGAGEMENT) is expected


# --- alignment score ------------------------------------------------------------------------
def _small_workshop() -> dict[str, Definition]:
    return {
        "A": D(C(values=["Software"]),
               C(field="seniority", values=["VP"]),
               C(field="budget", op="at_least", low=10_000, gate="sql"),
               actions=[Action(field=DEMO, points=30)], threshold=30),
        "B": D(C(values=["Software", "Retail"]),
               C(field="seniority", values=["VP"], role="nice", points=10),
               C(field="pain", values=["Spreadsheet errors"]),
               actions=[Action(field=DEMO, points=20)], threshold=10),
        "C": D(C(values=["Retail"]),
               C(field="budget", op="at_least", low=10_000, gate="sql"),
               notes={"engagement": "no points, just a note"}),
    }


def test_alignment_score_by_hand():
    comparison = compare(_small_workshop())
    expected_rows = {
        # industry: AB 1/2, AC 0, BC 1/2
        "industry": (CONFLICT, ["A", "B", "C"], 1 / 3),
        # seniority: must against nice-to-have
        "seniority": (PARTLY, ["A", "B"], 0.5),
        "budget": (AGREE, ["A", "C"], 1.0),
        "pain": (ONLY_ONE, ["B"], None),
        # demo 30 vs 20 -> 2/3, thresholds 30 vs 10 -> 1/3: (2/3 + 1/3) / 2
        "engagement": (PARTLY, ["A", "B"], 0.5),
    }
    for key, (status, answered_by, similarity) in expected_rows.items():
        row = comparison.row(key)
        assert (row.status, row.answered_by) == (status, answered_by), key
        assert row.similarity == pytest.approx(similarity) if similarity is not None \
            else row.similarity is None
    for key in ("job_role", "decision", "path", "size", "location", "disqualifiers"):
        assert comparison.row(key).status == UNANSWERED
    assert comparison.row("industry").pairs == pytest.approx(
        {("A", "B"): 0.5, ("A", "C"): 0.0, ("B", "C"): 0.5})
    assert comparison.score == round(100 * (1 / 3 + 0.5 + 1.0 + 0.5) / 4, 1) == 58.3
    assert comparison.counts() == {AGREE: 1, PARTLY: 2, CONFLICT: 1, ONLY_ONE: 1,
                                   UNANSWERED: len(catalog.QUESTIONS) - 5}


def test_score_is_mean_of_row_similarities():
    comparison = compare({"f": facilitator_draft(), "m": marketing_draft(), "s": sales_draft()})
    sims = [row.similarity for row in comparison.rows if len(row.answered_by) >= 2]
    assert all(s is not None for s in sims)
    for row in comparison.rows:
        if row.pairs:
            assert row.similarity == pytest.approx(sum(row.pairs.values()) / len(row.pairs))
    assert comparison.score == round(100 * sum(sims) / len(sims), 1)


@pytest.mark.parametrize("drafts,score", [
    ({}, None),
    ({"a": facilitator_draft()}, None),
    ({"a": D(C()), "b": D()}, None),
    ({"a": facilitator_draft(), "b": facilitator_draft()}, 100.0),
    ({"a": D(C(values=["Software"])), "b": D(C(values=["Retail"]))}, 0.0),
])
def test_score_edge_cases(drafts, score):
    assert compare(drafts).score == score


def test_rows_follow_the_catalog():
    comparison = compare({"a": D()})
    assert [row.question.key for row in comparison.rows] == [q.key for q in catalog.QUESTIONS]
    assert sum(comparison.counts().values()) == len(catalog.QUESTIONS)


def test_demo_drafts_disagree():
    drafts = {"facilitator": facilitator_draft(), "marketing": marketing_draft(),
              "sales": sales_draft()}
    comparison = compare(drafts)
    counts = comparison.counts()
    assert counts[CONFLICT] >= 1
    assert 0 < comparison.score < 100
    assert counts[AGREE] < len(catalog.QUESTIONS)
    # the demo is meant to show real disagreement on engagement: marketing scores every click
    assert comparison.row("engagement").status in (PARTLY, CONFLICT)
    assert comparison.row("engagement").answered_by == ["facilitator", "marketing", "sales"]


# --- who agrees with whom --------------------------------------------------------------------

def test_pair_matrix_has_a_row_per_pair_and_a_cell_per_question():
    from workshop.compare import pair_matrix
    drafts = {"A": D(C(values=["Software"]), C("seniority", values=["VP"])),
              "B": D(C(values=["Software", "Retail"])),
              "C": D(C(values=["Media"]), C("seniority", values=["VP"]))}
    matrix = pair_matrix(compare(drafts))
    assert list(matrix.index) == ["A ↔ B", "A ↔ C", "B ↔ C"]
    assert matrix.loc["A ↔ B", "Industry"] == 0.5
    assert matrix.loc["A ↔ C", "Industry"] == 0.0 and matrix.loc["A ↔ C", "Seniority"] == 1.0
    assert math.isnan(matrix.loc["A ↔ B", "Seniority"])  # B left it open
    assert matrix.loc["A ↔ C", "Overall"] == 0.5  # mean over the questions both answered
    assert matrix.loc["A ↔ B", "Overall"] == 0.5
    assert list(matrix.columns)[-1] == "Overall" and len(matrix.columns) == 13


def test_pair_matrix_of_one_draft_is_empty():
    from workshop.compare import pair_matrix
    assert pair_matrix(compare({"A": D(C(values=["Software"]))})).empty


# --- what the drafts share, field by field ---------------------------------------------------

def test_spread_names_shared_values_and_who_has_the_rest():
    drafts = {"M": D(C(values=["Healthcare", "Software", "Retail"])),
                "S": D(C(values=["healthcare", "Software"])),
                "F": D(C(values=["Healthcare", "Media"])),
                "X": D()}  # did not answer: left out entirely
    (industry,) = spread(drafts, "industry")
    assert industry.shared == ["Healthcare"]
    assert industry.some == {"Software": ["M", "S"], "Retail": ["M"], "Media": ["F"]}
    assert industry.open_by == []
    assert industry.has_common_ground
    assert compare(drafts).row("industry").status == PARTLY


def test_spread_sees_spellings_of_one_value_as_one():
    """Three drafts naming computer software three ways agree on it (step 3 called it a
    conflict, with 'COMPUTER_SOFTWARE (only Sales)')."""
    drafts = {"F": D(C(values=["Computer Software"])),
              "M": D(C(values=["computer software", "Retail"])),
              "S": D(C(values=["COMPUTER_SOFTWARE", "Insurance"]))}
    (industry,) = spread(drafts, "industry")
    assert industry.shared == ["Computer Software"]
    assert industry.some == {"Retail": ["M"], "Insurance": ["S"]}
    assert compare(drafts).row("industry").status == PARTLY


def test_spread_of_ranges_is_the_range_all_accept():
    drafts = {"a": D(C(field="employees", op="between", low=100, high=2000)),
              "b": D(C(field="employees", op="at_least", low=20)),
              "c": D(C(field="employees", op="between", low=200, high=5000))}
    (size,) = spread(drafts, "size")
    assert size.overlap == (200, 2000)
    assert size.ranges["b"] == (20, INF)
    assert size.shared == [] and size.some == {}
    disjoint = {"a": D(C(field="employees", op="at_most", high=50)),
                "b": D(C(field="employees", op="at_least", low=51))}
    assert spread(disjoint, "size")[0].overlap is None
    assert not shares_ground(spread(disjoint, "size"))
    assert compare(disjoint).row("size").status == CONFLICT


def test_spread_field_left_open_by_some_is_not_shared():
    drafts = {"a": D(C(field="employees", op="at_least", low=10),
                     C(field="annual_revenue", op="at_least", low=1e6)),
              "b": D(C(field="employees", op="at_least", low=50))}
    by_field = {s.field: s for s in spread(drafts, "size")}
    assert by_field["annual_revenue"].overlap is None
    assert by_field["annual_revenue"].open_by == ["b"]
    assert by_field["employees"].overlap == (50, INF)


def test_spread_excluded_and_yes_no_values():
    drafts = {"a": D(C(op="not_in", values=["Retail"], role="disqualifier")),
              "b": D(C(op="not_in", values=["retail", "Media"], role="disqualifier"))}
    (industry,) = spread(drafts, "disqualifiers")
    assert industry.shared == ["not Retail"]
    assert industry.some == {"not Media": ["b"]}
    yes_no = {"a": D(C(field="personal_email", op="is_true", role="disqualifier")),
              "b": D(C(field="personal_email", op="is_false", role="disqualifier"))}
    (email,) = spread(yes_no, "disqualifiers")
    assert email.shared == [] and email.some == {"yes": ["a"], "no": ["b"]}


def test_spread_of_engagement_is_the_actions_scored():
    drafts = {"a": D(actions=[Action(field=DEMO, points=30),
                              Action(field=WEB, points=5)], threshold=30),
              "b": D(actions=[Action(field=DEMO, points=10)], threshold=10)}
    (actions,) = spread(drafts, "engagement")
    assert actions.shared == [Action(field=DEMO, points=1).label]
    assert actions.some == {Action(field=WEB, points=1).label: ["a"]}


def test_demo_industry_shares_values_and_is_not_a_conflict():
    drafts = {"f": facilitator_draft(), "m": marketing_draft(), "s": sales_draft()}
    (industry,) = spread(drafts, "industry")
    assert industry.shared  # the demo drafts have industries in common
    assert compare(drafts).row("industry").status == PARTLY
