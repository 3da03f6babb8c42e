"""Every operator of the registry where drafts meet: compared side by side, merged, and the
agreed definition's changes announced. A draft saying "phone is given" must not read as
agreeing with one saying "phone: no", and "created in the last 30 days" changed to 90 must be
announced, not passed over as the same rule."""
from __future__ import annotations

import pytest

from tests.test_operators import criterion
from workshop import compare, merge
from workshop.announce import differences
from workshop.definition import Criterion, Definition
from workshop.operators import OPERATORS

COLUMN = {"values": "origin", "range": "employees", "days": "demo_booked_at"}


def example(name: str) -> Criterion:
    return criterion(name, COLUMN.get(OPERATORS[name].takes, "newsletter")) \
        .model_copy(update={"question": "other"})


def widened(c: Criterion) -> Criterion:
    """The same operator on the same column, taking something else."""
    takes = OPERATORS[c.op].takes
    if takes == "values":
        return c.model_copy(update={"values": [*c.values, "referral"]})
    if takes == "range":
        return c.model_copy(update={"low": 1 if c.low is not None else None,
                                    "high": 5000 if c.high is not None else None})
    if takes == "days":
        return c.model_copy(update={"days": c.days + 60})
    return c


@pytest.mark.parametrize("name", list(OPERATORS))
def test_a_criterion_is_fully_alike_to_itself_and_shares_its_condition(name):
    c = example(name)
    assert compare.criterion_similarity(c, c) == 1.0
    drafts = {"marketing": Definition(criteria=[c]), "sales": Definition(criteria=[c])}
    [spread] = compare.spread(drafts, "other")
    assert spread.shared or spread.overlap is not None


def test_conditions_that_take_nothing_are_told_apart_side_by_side():
    names = [name for name, op in OPERATORS.items() if op.takes == "nothing"]
    assert len(names) >= 4  # yes, no, given, blank
    for name in names:
        for other in names:
            if other == name:
                continue
            a, b = example(name), example(other).model_copy(update={"field": example(name).field})
            drafts = {"marketing": Definition(criteria=[a]), "sales": Definition(criteria=[b])}
            [spread] = compare.spread(drafts, "other")
            assert spread.shared == [], (name, other)
            assert compare.criterion_similarity(a, b) == 0.0, (name, other)


def test_given_reads_as_given_not_as_no():
    given = Criterion(field="phone", op="is_known", question="other")
    no = Criterion(field="phone", op="is_false", question="other")
    [spread] = compare.spread({"marketing": Definition(criteria=[given]),
                               "sales": Definition(criteria=[no])}, "other")
    assert spread.some == {"given": ["marketing"], "no": ["sales"]}


def test_more_days_are_partly_alike_and_shown_in_days():
    recent = Criterion(field="created", op="within_last", days=30, question="other")
    quarter = recent.model_copy(update={"days": 90})
    assert 0 < compare.criterion_similarity(recent, quarter) < 1
    [spread] = compare.spread({"marketing": Definition(criteria=[recent]),
                               "sales": Definition(criteria=[quarter])}, "other")
    assert spread.some == {"last 30 days": ["marketing"], "last 90 days": ["sales"]}


@pytest.mark.parametrize("name", list(OPERATORS))
def test_a_change_of_what_an_operator_takes_is_announced(name):
    before = example(name)
    after = widened(before)
    if after == before:
        assert differences(Definition(criteria=[before]), Definition(criteria=[after])) == []
        return
    [line] = differences(Definition(criteria=[before]), Definition(criteria=[after]))
    assert line == f"Changed: {before.sentence()} → {after.sentence()} (MQL must-have)"


def test_merging_recency_conditions_widest_takes_the_most_days_narrowest_the_fewest():
    recent = Criterion(field="created", op="within_last", days=30)
    quarter = recent.model_copy(update={"days": 90})
    assert merge.combine_criteria([recent, quarter], widest=True).days == 90
    assert merge.combine_criteria([quarter, recent], widest=False).days == 30


@pytest.mark.parametrize("name", list(OPERATORS))
def test_merging_a_criterion_with_itself_gives_it_back(name):
    c = example(name)
    assert merge.combine_criteria([c, c], widest=True) == c
    assert merge.combine_criteria([c, c], widest=False) == c
