"""What one question's choice does to the shared definition's figures, and the per-condition
cache that lets the merge evaluate only what changed."""
import pandas as pd
import pytest

from tests.builders import C, D
from workshop import merge
from workshop.definition import Action
from workshop.demo import facilitator_draft, marketing_draft, sales_draft
from workshop.evaluate import evaluate
from workshop.leads import load_sample_leads
from workshop.measure import measure


@pytest.fixture(scope="module")
def leads():
    return load_sample_leads()


@pytest.mark.parametrize("definition", [facilitator_draft(), marketing_draft(), sales_draft(),
                                        D(), D(actions=[Action(field="demo_requested",
                                                               points=5)], threshold=5)])
def test_evaluation_with_masks_is_the_same(leads, definition):
    masks: dict = {}
    plain = evaluate(leads, definition).frame
    pd.testing.assert_frame_equal(evaluate(leads, definition, masks).frame, plain)
    # again from the cache, and the cached masks are left as they were
    copies = {k: v.copy() for k, v in masks.items()}
    pd.testing.assert_frame_equal(evaluate(leads, definition, masks).frame, plain)
    for key, value in copies.items():
        pd.testing.assert_series_equal(masks[key], value)


def test_one_changed_criterion_computes_one_mask(leads):
    masks: dict = {}
    shared = facilitator_draft()
    evaluate(leads, shared, masks)
    seen = len(masks)
    changed = shared.with_question("industry", [C(values=["Retail"])])
    evaluate(leads, changed, masks)
    assert len(masks) == seen + 1
    # the role and points do not change the condition: no new mask
    evaluate(leads, shared.with_question("industry", [
        C(values=["Retail"], role="nice", points=5)]), masks)
    assert len(masks) == seen + 1


def test_choice_impact_before_and_after(leads):
    shared = facilitator_draft()
    candidate, _ = merge.apply_operation(shared, "industry", "take:m",
                                         {"m": marketing_draft()})
    impact = merge.choice_impact(leads, shared, candidate, {})
    assert impact.before == measure(leads, shared)
    assert impact.after == measure(leads, candidate)
    assert impact.after.qualified > impact.before.qualified  # marketing accepts more industries
    lines = merge.impact_lines(impact)
    assert lines[0] == (f"MQL: {impact.before.qualified:,} → {impact.after.qualified:,} "
                        f"({impact.after.qualified - impact.before.qualified:+,})")
    assert lines[1].startswith("SQL: ")
    assert lines[2].startswith("Wins caught: ")
    assert not impact.unchanged


def test_choice_that_changes_nothing_says_so(leads):
    shared = facilitator_draft()
    impact = merge.choice_impact(leads, shared, shared)
    assert impact.unchanged
    assert merge.impact_lines(impact)[0] == f"MQL: {impact.before.qualified:,} (no change)"


def test_leads_without_the_column_give_a_sentence(leads):
    shared = D(C(field="industry", values=["Software"]))
    candidate = shared.with_question("size", [C(field="employees", op="at_least", low=10)])
    impact = merge.choice_impact(leads.drop(columns=["employees"]), shared, candidate)
    assert isinstance(impact, str) and "employees" in impact.lower()


def test_wins_caught_is_written_as_everywhere_else_and_says_when_few(leads):
    """249 of 250 wins is 99.6%, not "100% → 100% (no change)"; from 5 wins, a rough guide."""
    from dataclasses import replace

    base = measure(leads, facilitator_draft())
    many = replace(base, wins=250, reliable=True)
    impact = merge.ChoiceImpact(before=replace(many, wins_caught=249 / 250),
                                after=replace(many, wins_caught=1.0))
    assert merge.impact_lines(impact)[2] == "Wins caught: 99.6% → 100%"
    few = replace(base, wins=5, reliable=False)
    impact = merge.ChoiceImpact(before=replace(few, wins_caught=0.2),
                                after=replace(few, wins_caught=0.6))
    assert merge.impact_lines(impact)[2] == f"Wins caught: 20% → 60% ({merge.FEW_OUTCOMES})"
