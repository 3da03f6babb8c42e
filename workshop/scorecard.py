"""A scorecard for every draft on the held-back leads: would we have caught our customers, and
does sales have the bandwidth?

For each draft (the people's and the data's own, see `workshop.learn`) on the newer leads that
learning never saw: its win rate with an interval, the share of wins it caught, its MQLs a month
against sales capacity, and the one change that would have caught the most extra wins per extra
lead ("adding Manufacturing to industry: +9% of wins (+4) for +3% more MQLs (+12)"). Only
loosening changes are tried (a value added, a must-have or disqualifier dropped, a range widened
to the next cut, a lower threshold): tightening never catches more wins.
"""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
import pandas as pd

from workshop.definition import RANGE_OPS, Criterion, Definition, format_amount
from workshop.evaluate import evaluate, fold, resolve, unknown
from workshop.lead_values import counted
from workshop.learn import (
    Holdout,
    Split,
    holdout_figures,
    interval,
    month_numbers,
    nice_number,
    outcomes,
    split,
)
from workshop.measure import FEW_OUTCOMES, formatted
from workshop.preview import (
    FITS,
    LOOSE_ABOVE,
    MIN_DECIDED,
    MIN_WINS,
    TIGHT_BELOW,
    TOO_LOOSE,
    TOO_TIGHT,
    cannot_evaluate,
    empty_warning,
)

MIN_HELD = 1  # leads held back, below which there is nothing to check on
MIN_EXTRA_WINS = 2  # a change must catch at least this many more held-back wins to be shown
VALUES_TRIED = 30  # the most frequent values of a column tried as an addition
CUTS = (0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95)


@dataclass(frozen=True)
class Change:
    """One change to a draft and what it would have done on the held-back leads."""

    what: str  # "adding Manufacturing to industry"
    definition: Definition  # the draft with the change made
    extra_mql: int
    extra_wins: int
    extra_decided: int
    wins_share: float  # extra wins / all held-back wins
    mql_growth: float | None  # extra MQLs / the draft's MQLs (None when it had none)

    @property
    def sentence(self) -> str:
        """'adding Manufacturing to industry: +9% of wins (+4) for +3% more MQLs (+12)'."""
        more = (f"+{formatted(self.mql_growth, 'share')} more MQLs (+{self.extra_mql:,})"
                if self.mql_growth is not None else f"{self.extra_mql:,} MQLs where there "
                                                     "were none")
        return (f"{self.what}: +{formatted(self.wins_share, 'share')} of wins "
                f"(+{self.extra_wins:,}) for {more}")


@dataclass(frozen=True)
class Scorecard:
    """A draft on the held-back leads. `problem` is set (and the rest empty) when the draft
    cannot run on these leads."""

    part: str  # which leads: "the leads created from July 2026 on"
    figures: Holdout | None
    capacity: float | None  # leads a month sales can work
    capacity_ratio: float | None  # MQLs a month / capacity
    verdict: str | None  # "too loose" / "fits" / "too tight" (None without capacity or dates)
    change: Change | None
    problem: str = ""

    def to_dict(self) -> dict:
        return {"part": self.part, "problem": self.problem or None,
                "figures": self.figures.to_dict() if self.figures else None,
                "capacity": self.capacity,
                "capacity_ratio": None if self.capacity_ratio is None
                else round(self.capacity_ratio, 3),
                "verdict": self.verdict,
                "best_change": self.change.sentence if self.change else None}


def scorecard(leads: pd.DataFrame, definition: Definition, *, capacity: float | None = None,
              seed: int = 0, parts: Split | None = None) -> Scorecard:
    """The draft's scorecard on the held-back part of `leads` (the same split as
    `workshop.learn.learn` with the same seed; pass `parts` to reuse one)."""
    parts = parts if parts is not None else split(leads, seed)
    held = int(np.count_nonzero(parts.held))
    problem = cannot_evaluate(leads, definition) or (
        f"Too few leads to check on: {held} of {len(leads):,} held back." if held < MIN_HELD
        else empty_warning(leads.iloc[np.flatnonzero(parts.held)], definition,
                           "the leads held back"))
    if problem:
        return Scorecard(part=parts.describe(), figures=None, capacity=capacity,
                         capacity_ratio=None, verdict=None, change=None, problem=problem)
    months = month_numbers(leads)
    figures = holdout_figures(leads, definition, parts.held, months)
    ratio = verdict = None
    if capacity and figures.mql_per_month is not None:
        ratio = figures.mql_per_month / capacity
        verdict = TOO_LOOSE if ratio > LOOSE_ABOVE else TOO_TIGHT if ratio < TIGHT_BELOW \
            else FITS
    return Scorecard(part=parts.describe(), figures=figures, capacity=capacity,
                     capacity_ratio=ratio, verdict=verdict,
                     change=best_change(leads.iloc[np.flatnonzero(parts.held)], definition))


def few_outcomes_held_back(cards: dict[str, Scorecard]) -> str:
    """The caveat for scorecards of held-back leads with too few decided deals or wins to
    trust their rates (as `preview.outcome_metrics` judges the whole table); empty when
    there are enough, or no win to judge by (said on its own)."""
    held = next((card.figures for card in cards.values() if card.figures is not None), None)
    if held is None or held.wins == 0:
        return ""
    if held.decided >= MIN_DECIDED and held.wins >= MIN_WINS:
        return ""
    return (f"The leads held back hold {held.decided:,} decided deal"
            f"{'' if held.decided == 1 else 's'} and {held.wins:,} win"
            f"{'' if held.wins == 1 else 's'}: the scorecards' win rates and wins caught are "
            f"{FEW_OUTCOMES}.")


def short_held_back(cards: dict[str, Scorecard]) -> str:
    """Why the scorecards show no MQLs a month and no capacity verdict, when the held-back
    leads span too few days to work out a month's (see `Holdout.short_days`); else empty."""
    days = next((card.figures.short_days for card in cards.values()
                 if card.figures is not None and card.figures.short_days), None)
    if days is None:
        return ""
    return ("The scorecards leave out MQLs a month and the verdict against capacity: the "
            f"newer leads they are checked on span only {days:,} day{'' if days == 1 else 's'}, "
            "too few to work out a month's leads from.")


def scorecards(leads: pd.DataFrame, definitions: dict[str, Definition], *,
               capacity: float | None = None, seed: int = 0) -> dict[str, Scorecard]:
    """A scorecard per named draft, all on the same held-back leads."""
    parts = split(leads, seed)
    return {name: scorecard(leads, definition, capacity=capacity, parts=parts)
            for name, definition in definitions.items()}


def best_change(leads: pd.DataFrame, definition: Definition) -> Change | None:
    """The loosening change that catches the most extra wins per extra decided lead on
    `leads` (ranked by the lower end of the extra leads' win-rate interval, so three wins in
    three leads do not beat thirty in a hundred), with at least `MIN_EXTRA_WINS` more wins
    and, for a draft that qualifies some leads, extra leads that clearly win more often than
    these leads do on the whole; None when no change does."""
    try:
        result = outcomes(leads)
    except ValueError:
        return None
    won, decided = result.won & result.decided, result.decided
    total_wins = int(won.sum())
    if not total_wins:
        return None
    base_rate = total_wins / max(int(decided.sum()), 1)
    masks: dict = {}
    before = evaluate(leads, definition, masks).frame["is_mql"].to_numpy(bool)
    mql, caught = int(before.sum()), int((before & won).sum())
    best, best_score = None, -1.0
    for what, changed in _loosenings(leads, definition, masks):
        after = evaluate(leads, changed, masks).frame["is_mql"].to_numpy(bool)
        extra_wins = int((after & won).sum()) - caught
        if extra_wins < MIN_EXTRA_WINS:
            continue
        extra_mql = int(after.sum()) - mql
        extra_decided = int((after & decided).sum()) - int((before & decided).sum())
        if extra_mql <= 0 or extra_decided <= 0:
            continue
        # Leads added that do not clearly win more often than the leads held back on the
        # whole (the lower end of their win rate's interval above it) are no better than any
        # others, as far as these leads tell: loosening for them only adds work (a draft
        # qualifying nobody still learns which change gives it leads at all).
        low, _ = interval(extra_wins, extra_decided)
        if mql and float(low) <= base_rate:
            continue
        if float(low) > best_score:
            best_score = float(low)
            best = Change(what=what, definition=changed, extra_mql=extra_mql,
                          extra_wins=extra_wins, extra_decided=extra_decided,
                          wins_share=extra_wins / total_wins,
                          mql_growth=extra_mql / mql if mql else None)
    return best


def _loosenings(leads: pd.DataFrame, definition: Definition, masks: dict
                ) -> Iterator[tuple[str, Definition]]:
    criteria = definition.criteria

    def replaced(index: int, criterion: Criterion | None) -> Definition:
        kept = [*criteria[:index], *([criterion] if criterion else []), *criteria[index + 1:]]
        return definition.model_copy(update={"criteria": kept})

    for index, criterion in enumerate(criteria):
        subject = _lower(criterion.subject)
        if criterion.role != "disqualifier" and criterion.op == "in":
            for value in _other_values(leads, criterion):
                yield (f"adding {value} to {subject}",
                       replaced(index, criterion.model_copy(
                           update={"values": [*criterion.values, value]})))
        if criterion.role == "must" and criterion.op == "not_in":
            for value in criterion.values:
                rest = [v for v in criterion.values if v != value]
                yield (f"no longer excluding {value} from {subject}",
                       replaced(index, criterion.model_copy(update={"values": rest})
                                if rest else None))
        if criterion.role == "disqualifier" and criterion.op in ("in", "contains_any") \
                and len(criterion.values) > 1:
            for value in criterion.values:
                rest = [v for v in criterion.values if v != value]
                yield (f"no longer disqualifying {value} ({subject})",
                       replaced(index, criterion.model_copy(update={"values": rest})))
        if criterion.role != "nice" and criterion.op in RANGE_OPS:
            for what, wider in _widened(leads, criterion):
                yield what, replaced(index, wider)
        if criterion.role == "must":
            yield f"dropping the must-have “{criterion.sentence()}”", replaced(index, None)
        if criterion.role == "disqualifier":
            yield f"dropping the disqualifier “{criterion.sentence()}”", replaced(index, None)
    if definition.threshold > 0:
        points = evaluate(leads, definition, masks).frame["points"].to_numpy()
        lower = points[points < definition.threshold]
        if len(lower):
            level = int(lower.max())
            yield (f"lowering the threshold from {definition.threshold} to {level} points",
                   definition.model_copy(update={"threshold": level}))


def _lower(subject: str) -> str:
    """'Industry' -> 'industry', but 'CRM region' stays as typed."""
    if len(subject) > 1 and subject[1].isupper():
        return subject
    return subject[:1].lower() + subject[1:]


def _other_values(leads: pd.DataFrame, criterion: Criterion) -> list[str]:
    """The column's most frequent known values that the criterion does not name yet, as the
    form lists them (`lead_values.counted`: each choice of a multiple-choice cell, such as a
    tag, on its own, never the cell "trial;webinar")."""
    name = resolve(leads, criterion.field)
    if name is None:
        return []
    values = pd.Series([value for value, _ in counted(leads[name])], dtype="string")
    named = {v for v in fold(pd.Series(criterion.values, dtype="string")).tolist()}
    keep = ~unknown(values).to_numpy(bool) & ~fold(values).isin(named).to_numpy(bool)
    return [str(value) for value in values[keep]][:VALUES_TRIED]


def _widened(leads: pd.DataFrame, criterion: Criterion) -> Iterator[tuple[str, Criterion]]:
    """The range with one bound moved to the next cut point outward (or dropped)."""
    name = resolve(leads, criterion.field)
    if name is None:
        return
    numbers = pd.to_numeric(leads[name], errors="coerce").dropna()
    if numbers.empty:
        return
    cuts = sorted({nice_number(q) for q in np.quantile(numbers.to_numpy(float), CUTS)})
    subject = _lower(criterion.subject)
    unit = criterion.unit
    if criterion.lower is not None:
        lower = [c for c in cuts if c < criterion.low]
        if lower:
            yield (f"lowering {subject} from {format_amount(criterion.low, unit)} to "
                   f"{format_amount(lower[-1], unit)}",
                   criterion.model_copy(update={"low": lower[-1]}))
    if criterion.upper is not None:
        higher = [c for c in cuts if c > criterion.high]
        if higher:
            yield (f"raising {subject} from {format_amount(criterion.high, unit)} to "
                   f"{format_amount(higher[0], unit)}",
                   criterion.model_copy(update={"high": higher[0]}))
