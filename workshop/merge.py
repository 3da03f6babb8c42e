"""Build the shared definition from the drafts, one question (row) at a time.

Operations on a row: take one draft's answer, the union of the answers (what any of them
accepts: more leads), or their intersection (what all of them accept: fewer leads).
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import reduce
from statistics import median

import pandas as pd

from workshop import catalog
from workshop.compare import AGREE, AGREE_AT, ONLY_ONE, PARTLY, Comparison, compare, has_answer
from workshop.definition import RANGE_OPS, Action, Criterion, Definition
from workshop.evaluate import fold_word, holds_choices, named_folds
from workshop.measure import FEW_OUTCOMES, CannotMeasure, Figures, measure, percent
from workshop.models import possessive
from workshop.operators import operator

ROLE_STRICTNESS = {"nice": 0, "must": 1, "disqualifier": 2}


@dataclass(frozen=True)
class Suggestion:
    question: str
    how: str  # "agreed", "majority: A and B", "common ground", "middle ground", "open"
    sources: tuple[str, ...]


def take(shared: Definition, question: str, source: Definition) -> Definition:
    """The shared definition with this question answered as `source` answers it."""
    if question == catalog.ENGAGEMENT:
        return shared.with_engagement(list(source.actions), source.threshold,
                                      shared.notes.get(question) or source.notes.get(question))
    return shared.with_question(question, source.criteria_for(question),
                                shared.notes.get(question) or source.notes.get(question))


def clear(shared: Definition, question: str) -> Definition:
    if question == catalog.ENGAGEMENT:
        return shared.with_engagement([], 0)
    return shared.with_question(question, [])


def union(shared: Definition, question: str, sources: list[Definition],
          leads: pd.DataFrame | None = None) -> Definition:
    """`leads`: the workshop's leads, whose multiple-choice cells a rule may have to allow
    for (see `combined_rules`); None reads every cell as one value."""
    return _combine(shared, question, sources, widest=True, leads=leads)


def intersection(shared: Definition, question: str, sources: list[Definition],
                 leads: pd.DataFrame | None = None) -> Definition:
    return _combine(shared, question, sources, widest=False, leads=leads)


def common_ground(shared: Definition, question: str, sources: list[Definition],
                  leads: pd.DataFrame | None = None) -> Definition:
    """The intersection on the fields every answering draft has a rule on: what the drafts
    share, without the rules only some of them have (a suggestion to start from)."""
    return _combine(shared, question, sources, widest=False, shared_fields_only=True,
                    leads=leads)


class CannotCombine(ValueError):
    """The drafts' rules on one field have no union or intersection that one rule can say; the
    message says which field and what to do instead."""


class NoCommonGround(CannotCombine):
    """No lead meets every draft's rule on one field: their intersection would qualify none."""


def _combine(shared: Definition, question: str, sources: list[Definition],
             widest: bool, shared_fields_only: bool = False,
             leads: pd.DataFrame | None = None) -> Definition:
    """Union: a superset of what each answering draft accepts on the question; intersection:
    what all of them accept. Raises `CannotCombine` when one rule per field cannot say it."""
    answering = [s for s in sources if has_answer(s, question)]
    if question == catalog.ENGAGEMENT:
        actions, threshold = _combine_engagement(answering, widest)
        return shared.with_engagement(actions, threshold)
    by_field: dict[str, list[Criterion]] = {}
    users: dict[str, set[int]] = {}
    for number, source in enumerate(answering):
        for criterion in source.criteria_for(question):
            by_field.setdefault(criterion.field, []).append(criterion)
            users.setdefault(criterion.field, set()).add(number)
    combined = []
    for name, criteria in by_field.items():
        partial = len(users[name]) < len(answering)
        if partial and shared_fields_only:
            continue
        rules = combined_rules(criteria, widest, holds_choices(leads, name))
        if not rules:
            continue
        # A draft without a rule on the field accepts every lead on it: a must-have or a
        # disqualifier only some drafts have is no part of their union, and all of their
        # intersection; points only some drafts give go the other way.
        if partial and widest == (rules[0].role != "nice"):
            continue
        combined.extend(rules)
    return shared.with_question(question, combined)


def combined_rules(criteria: list[Criterion], widest: bool, several: bool = False
                   ) -> list[Criterion]:
    """The union (widest) or intersection of criteria on one field as the rules that say it:
    one rule, none when the union accepts every lead, or, for the intersection of 'is one
    of' / 'is not one of' on a column of multiple-choice cells (`several`), each draft's
    rule that the others do not already imply, every one a must-have (a "Software;Retail"
    lead meets 'is Software or Finance' and 'is Software or Retail' but not 'is Software'
    AND 'is not Retail', so no one rule says what all of them accept)."""
    if several and not widest and {c.op for c in criteria} <= {"in", "not_in"} \
            and not _all_disqualifiers(criteria):
        return _choice_rules(criteria, _merged_role(criteria, widest))
    merged = combine_criteria(criteria, widest, several)
    return [] if merged is None else [merged]


def combine_criteria(criteria: list[Criterion], widest: bool, several: bool = False
                     ) -> Criterion | None:
    """Union (widest) or intersection of criteria on one field; None when the union accepts
    every lead. `several`: the field's column holds multiple-choice cells. Raises
    `NoCommonGround` when the intersection accepts none, and `CannotCombine` when one rule
    cannot say the result."""
    update = _merged_role(criteria, widest)
    if not _all_disqualifiers(criteria):
        return _combined_condition(criteria, widest, update, several)
    # A disqualifier accepts the leads its condition does not name: what all of them accept
    # is what none names, the union of their conditions; what any accepts, the leads not
    # named by every condition, their intersection.
    try:
        combined = _combined_condition(criteria, not widest, update, several)
    except NoCommonGround:  # no lead is named by every condition: some draft accepts each
        if widest:
            return None
        raise
    if combined is None and not widest:  # every lead is named by some condition
        raise NoCommonGround(_no_common_ground(criteria[0].field))
    return combined


def _all_disqualifiers(criteria: list[Criterion]) -> bool:
    return all(c.role == "disqualifier" for c in criteria)


def _combined_condition(criteria: list[Criterion], widest: bool, update: dict,
                        several: bool = False) -> Criterion | None:
    """The union (widest) or intersection of the criteria's conditions, as one rule."""
    first = criteria[0]
    ops = {c.op for c in criteria}
    if ops <= {"in", "not_in"}:
        return _combined_values(criteria, widest, update, several)
    if ops == {"contains_any"}:
        return _combined_words(criteria, widest, update)
    if ops <= set(RANGE_OPS):
        return _combined_ranges(criteria, widest, update)
    if len(ops) == 1 and operator(first.op).takes == "days":  # more days accept more leads
        days = (max if widest else min)(c.days for c in criteria)
        return _rebuilt(first, {**update, "days": days})
    if len(ops) == 1:
        return _rebuilt(first, update)
    if ops in ({"is_true", "is_false"}, {"is_known", "is_blank"}):  # yes against no
        if widest:
            return None
        raise NoCommonGround(_no_common_ground(first.field))
    raise CannotCombine(
        f"The drafts ask different things of {_label(first.field)} ("
        + "; ".join(sorted({operator(c.op).label for c in criteria}))
        + "), which one rule cannot combine. Take one draft's answer, or edit it by hand.")


def _merged_role(criteria: list[Criterion], widest: bool) -> dict:
    """The role, gate and points of the union (least strict) or intersection (most strict)."""
    first = criteria[0]
    role = (min if widest else max)((c.role for c in criteria), key=ROLE_STRICTNESS.get)
    gates = [c.gate for c in criteria if c.role == "must"] or [first.gate]
    # An MQL must-have blocks both stages, an SQL must-have only the second: MQL is stricter.
    gate = ("sql" if "sql" in gates else "mql") if widest else (
        "mql" if "mql" in gates else "sql")
    points = (max if widest else min)([c.points for c in criteria if c.role == "nice"] or [0])
    update = {"role": role, "gate": gate, "points": points if role == "nice" else 0}
    if role == "nice" and update["points"] <= 0:
        update["points"] = max(c.points for c in criteria) or 5
    return update


def _combined_values(criteria: list[Criterion], widest: bool, update: dict,
                     several: bool = False) -> Criterion | None:
    """'is one of' and 'is not one of', as sets of values compared as the rules compare them
    (`evaluate.named_folds`: 'COMPUTER_SOFTWARE' is 'Computer Software', 'USA' is 'United
    States'): on cells of one value each, a union or intersection of them is again one of the
    two. On multiple-choice cells (`several`) it is only where one draft's rule already says
    it, or the rules are all 'is one of' (union) or all 'is not one of' (intersection)."""
    field = criteria[0].field
    accepted = [(c.op == "in", named_folds(c.values, field)) for c in criteria]
    keeps, folds = reduce(lambda a, b: _joined(a, b, widest), accepted)
    if not keeps and not folds:
        return None  # nothing excluded: every lead
    if keeps and not folds:
        raise NoCommonGround(_no_common_ground(field))
    kinds = {keep for keep, _ in accepted}
    if several and kinds != {widest} and (len(kinds) > 1 or (keeps, folds) not in accepted):
        raise CannotCombine(_no_one_rule(field, widest))
    return _rebuilt(criteria[0], {**update, "op": "in" if keeps else "not_in",
                                  "values": _written(folds, _spellings(criteria))})


def _choice_rules(criteria: list[Criterion], update: dict) -> list[Criterion]:
    """What every 'is one of' / 'is not one of' rule accepts on multiple-choice cells: no
    excluded choice (one 'is not one of' with every excluded value) and, for each 'is one of'
    rule, one of its other values; a rule whose values hold another's is implied by it."""
    field = criteria[0].field
    excluded = set().union(*(named_folds(c.values, field) for c in criteria
                             if c.op == "not_in"))
    wanted: list[frozenset[str]] = []
    for criterion in criteria:
        if criterion.op == "in":
            folds = frozenset(named_folds(criterion.values, field) - excluded)
            if not folds:
                raise NoCommonGround(_no_common_ground(field))
            if folds not in wanted:
                wanted.append(folds)
    kept = [(True, folds) for folds in wanted if not any(other < folds for other in wanted)]
    rules = kept + ([(False, excluded)] if excluded else [])
    if len(rules) > 1 and update["role"] != "must":
        raise CannotCombine(
            f"Some leads name several values of {_label(field)} in one cell (separated by "
            "“;”), so what every draft accepts takes one rule per draft, which only a "
            "must-have can say. Take one draft's answer, or edit it by hand.")
    shown = _spellings(criteria)
    return [_rebuilt(criteria[0], {**update, "op": "in" if keeps else "not_in",
                                   "values": _written(folds, shown)})
            for keeps, folds in rules]


def _spellings(criteria: list[Criterion]) -> dict[str, str]:
    """Folded value -> as a draft wrote it, the first draft first."""
    shown: dict[str, str] = {}
    for criterion in criteria:
        for value in criterion.values:
            for folded in named_folds([value], criterion.field):
                shown.setdefault(folded, value)
    return shown


def _no_one_rule(field: str, widest: bool) -> str:
    what = "any draft accepts" if widest else "every draft accepts"
    return (f"Some leads name several values of {_label(field)} in one cell (separated by "
            f"“;”), so no one rule on it accepts exactly what {what}. Take one draft's "
            "answer, or edit it by hand.")


def _joined(a: tuple[bool, set[str]], b: tuple[bool, set[str]], widest: bool
            ) -> tuple[bool, set[str]]:
    """The union (widest) or intersection of two sets of values, each given as (True, the
    values accepted) or (False, the values excluded)."""
    (a_in, a_values), (b_in, b_values) = a, b
    if a_in and b_in:
        return True, (a_values | b_values) if widest else (a_values & b_values)
    if not a_in and not b_in:
        return False, (a_values & b_values) if widest else (a_values | b_values)
    kept, dropped = (a_values, b_values) if a_in else (b_values, a_values)
    return (False, dropped - kept) if widest else (True, kept - dropped)


def _written(folds: set[str], shown: dict[str, str]) -> list[str]:
    """The drafts' own spellings of `folds`, once each, in the order the drafts wrote them."""
    seen, values = set(), []
    for folded, value in shown.items():
        if folded in folds and value not in seen:
            seen.add(value)
            values.append(value)
    return values


def _combined_words(criteria: list[Criterion], widest: bool, update: dict) -> Criterion:
    """'contains': any draft's words (union), or the words every draft searches for."""
    spelled: dict[str, str] = {}
    for criterion in criteria:
        for word in criterion.values:
            spelled.setdefault(fold_word(word), word)
    sets = [{fold_word(word) for word in c.values} for c in criteria]
    wanted = set.union(*sets) if widest else set.intersection(*sets)
    if not wanted:
        raise CannotCombine(
            f"The drafts search {_label(criteria[0].field)} for different words: a lead "
            "containing one of each would meet all of them, which one rule cannot say. Take "
            "one draft's answer, or edit it by hand.")
    return _rebuilt(criteria[0], {**update, "values": [spelled[w] for w in spelled
                                                       if w in wanted]})


def _combined_ranges(criteria: list[Criterion], widest: bool, update: dict
                     ) -> Criterion | None:
    currencies = sorted({c.currency_code for c in criteria})
    if len(currencies) > 1:  # €10M and $5M have no union or intersection the app can write
        raise CannotCombine(
            f"The drafts put amounts on {_label(criteria[0].field)} in different currencies "
            f"({', '.join(currencies)}), and the app never converts them. Take one draft's "
            "answer, or edit it by hand.")
    lows = [c.lower for c in criteria]
    highs = [c.upper for c in criteria]
    if widest:
        low = None if None in lows else min(lows)
        high = None if None in highs else max(highs)
    else:
        low = max((x for x in lows if x is not None), default=None)
        high = min((x for x in highs if x is not None), default=None)
        if low is not None and high is not None and low > high:
            raise NoCommonGround(_no_common_ground(criteria[0].field))
    if low is None and high is None:
        return None
    op = "between" if low is not None and high is not None else (
        "at_least" if low is not None else "at_most")
    return _rebuilt(criteria[0], {**update, "op": op, "low": low, "high": high})


def _label(field: str) -> str:
    known = catalog.FIELDS.get(field)
    return known.label if known else f"“{field}”"


def _no_common_ground(field: str) -> str:
    return (f"No lead meets every draft's rule on {_label(field)}, so their intersection "
            "would qualify none. Take one draft's answer or the union, or edit it by hand.")


def _combine_engagement(sources: list[Definition], widest: bool) -> tuple[list[Action], int]:
    if not sources:
        return [], 0
    points: dict[str, list[int]] = {}
    for source in sources:
        for action in source.actions:
            points.setdefault(action.field, []).append(action.points)
    thresholds = [s.threshold for s in sources]
    if widest:
        actions = [Action(field=f, points=max(p)) for f, p in points.items()]
        return actions, min(thresholds)
    actions = [Action(field=f, points=min(p)) for f, p in points.items() if len(p) == len(sources)]
    return actions, max(thresholds)


def middle_engagement(shared: Definition, sources: list[Definition]) -> Definition:
    """Median points per action (0 where a draft does not score it) and the median threshold:
    the intersection of engagement rules is usually too strict for anyone to reach."""
    fields = list(dict.fromkeys(a.field for s in sources for a in s.actions))
    actions = []
    for name in fields:
        points = int(median([next((a.points for a in s.actions if a.field == name), 0)
                             for s in sources]))
        if points > 0:
            actions.append(Action(field=name, points=points))
    return shared.with_engagement(actions, int(median([s.threshold for s in sources])))


def suggest(comparison: Comparison, leads: pd.DataFrame | None = None
            ) -> tuple[Definition, list[Suggestion]]:
    """A starting point: agreed rows as they are, a majority's answer where two agree,
    the common ground (intersection) where answers partly overlap, conflicts left open.
    `leads`: the workshop's leads (see `union`)."""
    drafts = comparison.drafts
    shared = Definition()
    suggestions = []
    for row in comparison.rows:
        key = row.question.key
        if row.status == AGREE:
            shared = take(shared, key, drafts[row.answered_by[0]])
            suggestions.append(Suggestion(key, "agreed", tuple(row.answered_by)))
            continue
        majority = _majority(row.pairs, len(drafts))
        if majority:
            shared = take(shared, key, drafts[majority[0]])
            suggestions.append(Suggestion(key, "majority: " + " and ".join(majority), majority))
            continue
        if row.status == PARTLY and key == catalog.ENGAGEMENT:
            shared = middle_engagement(shared, [drafts[n] for n in row.answered_by])
            suggestions.append(Suggestion(key, "middle ground", tuple(row.answered_by)))
            continue
        if row.status == PARTLY:
            try:
                candidate = common_ground(shared, key, [drafts[n] for n in row.answered_by],
                                          leads)
            except CannotCombine:  # no common ground: left open for the room
                candidate = shared
            if candidate.answered(key):
                shared = candidate
                suggestions.append(Suggestion(key, "common ground", tuple(row.answered_by)))
                continue
        suggestions.append(Suggestion(key, "open", ()))
    return shared, suggestions


def _majority(pairs: dict[tuple[str, str], float], voters: int) -> tuple[str, ...]:
    """Two drafts that agree, when they are more than half of all drafts."""
    for (a, b), similarity in sorted(pairs.items(), key=lambda item: -item[1]):
        if similarity >= AGREE_AT and 2 > voters / 2:
            return (a, b)
    return ()


def _rebuilt(criterion: Criterion, update: dict) -> Criterion:
    """A validated copy (model_copy skips validation, and with it de-duplication of values)."""
    return Criterion(**{**criterion.model_dump(), **update})


def apply_operation(shared: Definition, question: str, operation: str,
                    drafts: dict[str, Definition], leads: pd.DataFrame | None = None
                    ) -> tuple[Definition, str]:
    """Run a named row operation ('take:<draft>', 'union', 'intersection', 'clear');
    returns the new shared definition and how the row was decided, in words."""
    if operation.startswith("take:"):
        source = operation.removeprefix("take:")
        if source not in drafts:
            raise ValueError(f"There is no draft called {source!r}.")
        return take(shared, question, drafts[source]), f"took {possessive(source)} answer"
    if operation == "union":
        return union(shared, question, list(drafts.values()), leads), "union of the drafts"
    if operation == "intersection":
        return (intersection(shared, question, list(drafts.values()), leads),
                "intersection of the drafts")
    if operation == "clear":
        return clear(shared, question), "left open"
    raise ValueError(f"Unknown operation {operation!r}.")


def changed_questions(before: Definition, after: Definition) -> list[str]:
    """The questions whose rules or note differ between two definitions."""
    def view(definition: Definition, question: str):
        if question == catalog.ENGAGEMENT:
            return (definition.actions, definition.threshold, definition.notes.get(question))
        return (definition.criteria_for(question), definition.notes.get(question))
    return [q.key for q in catalog.QUESTIONS if view(before, q.key) != view(after, q.key)]


def team_view(definitions: list[Definition], leads: pd.DataFrame | None = None) -> Definition:
    """A team's combined view: what its members agree on (or two of three, or their common
    ground on `leads`, see `union`), with their notes side by side. One member's draft is the
    team's view as it is."""
    if len(definitions) == 1:
        return definitions[0]
    members = {str(i): d for i, d in enumerate(definitions)}
    comparison = compare(members)
    combined, _ = suggest(comparison, leads)
    for row in comparison.rows:  # nobody in the team disagrees with a lone answer
        if row.status == ONLY_ONE:
            combined = take(combined, row.question.key, members[row.answered_by[0]])
    notes: dict[str, list[str]] = {}
    for definition in definitions:
        for question, note in definition.notes.items():
            if note not in notes.setdefault(question, []):
                notes[question].append(note)
    return combined.model_copy(update={"notes": {q: " / ".join(n) for q, n in notes.items()}})


def drafts_by_team(people: list[tuple[str, str, Definition]],
                   team_labels: dict[str, str], leads: pd.DataFrame | None = None
                   ) -> dict[str, Definition]:
    """(role, person label, draft) rows -> one definition per role, labelled by team."""
    by_role: dict[str, list[Definition]] = {}
    for role, _, definition in people:
        by_role.setdefault(role, []).append(definition)
    return {team_labels.get(role, role): team_view(definitions, leads)
            for role, definitions in by_role.items()}


@dataclass(frozen=True)
class ChoiceImpact:
    """What one question's choice does to the shared definition on a set of leads."""

    before: Figures  # the shared definition as it is
    after: Figures  # with the candidate answer for that question

    @property
    def unchanged(self) -> bool:
        return (self.before.qualified, self.before.sql, self.before.wins_caught) == \
            (self.after.qualified, self.after.sql, self.after.wins_caught)


def choice_impact(leads: pd.DataFrame, shared: Definition, candidate: Definition,
                  masks: dict | None = None) -> ChoiceImpact | str:
    """The shared definition's figures without and with a candidate answer; a sentence
    instead when the leads cannot measure one of them. `masks`: see `evaluate.evaluate`, so
    only the criteria the candidate changes are computed again."""
    try:
        return ChoiceImpact(measure(leads, shared, masks), measure(leads, candidate, masks))
    except CannotMeasure as error:
        return str(error)


def _arrow(before: int, after: int) -> str:
    if before == after:
        return f"{after:,} (no change)"
    return f"{before:,} → {after:,} ({after - before:+,})"


def impact_lines(impact: ChoiceImpact) -> list[str]:
    """'MQL: 1,204 → 980 (−224)', 'SQL: …', 'Wins caught: 61% → 55%' (when the leads
    carry outcomes)."""
    lines = [f"MQL: {_arrow(impact.before.qualified, impact.after.qualified)}",
             f"SQL: {_arrow(impact.before.sql, impact.after.sql)}"]
    before, after = impact.before.wins_caught, impact.after.wins_caught
    if impact.after.wins and before is not None and after is not None:
        # as every other figure of wins is written: 249 of 250 is 99.6%, never 100%
        was, now = percent(before), percent(after)
        line = f"Wins caught: {was} → {now}" if was != now else f"Wins caught: {now} (no change)"
        lines.append(line + ("" if impact.after.reliable else f" ({FEW_OUTCOMES})"))
    return lines
