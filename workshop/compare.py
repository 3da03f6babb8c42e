"""Compare several drafts question by question, by their criteria rather than their wording.

Similarity of two drafts on one question (0..1)
    * criteria questions: the mean, over every field either draft puts a criterion on, of
      how alike their rules on it are (a field only one draft uses scores 0). A draft may put
      several rules on one field: each rule of either draft scores its best match among the
      other's (value similarity × role factor), and the field the mean of those, whatever the
      order of the rules; a draft's must-have ranges on a field in one gate count as the one
      range they leave (see `rules_by_field`).
      - value similarity: Jaccard overlap of the value sets (case-insensitive) for *is one of* /
        *contains*, a value naming a catalog option holding each kind of it the other names
        ('Referral' holds 'Word of mouth', as its rule takes it in); overlap ÷ union of the
        two ranges on a log scale for numbers; 1 or 0 for yes/no; *is one of* against *is not
        one of* scores 0 if they share a value, else 0.5.
      - role factor: 1 for the same role (and gate); 0.75 for must-have in different gates;
        0.5 for must-have against nice-to-have; 0 when one side disqualifies what the other wants.
    * conversion actions: the mean of points similarity (1 − |a − b| ÷ max(a, b), averaged over
      the actions either draft scores) and threshold similarity (same formula).
Classification of a question, among the drafts that answered it with criteria
    * none answered: *not answered*; one: *only one answered*;
    * every pair at least 0.95: *agree*; some pair at most 0.2 and nothing shared by all of
      them: *conflict*; otherwise *overlap* (they share something: a value, a range all of them
      accept, the same yes/no, an action all of them score). The class names the row only; it
      changes neither the similarity nor the score.
What they share, per field (see `spread`): the values every answering draft has, the values only
some have (and whose), and for numbers the range all of them accept; an *is not one of* has every
value the others name that it does not exclude (it accepts them), and an *is one of* naming an
option every kind of it the others name.
Alignment score = 100 × the mean, over questions that two or more drafts answered, of the mean
pairwise similarity. Questions answered by fewer than two drafts do not count.
Who agrees with whom: for each pair of drafts, the similarity per question, and overall the mean
over the questions both answered.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from itertools import combinations

import pandas as pd

from workshop import catalog
from workshop.definition import BOOL_OPS, RANGE_OPS, VALUE_OPS, Criterion, Definition
from workshop.evaluate import fold_word, named_folds, value_key
from workshop.operators import operator

AGREE, PARTLY, CONFLICT, ONLY_ONE, UNANSWERED = (
    "agree", "overlap", "conflict", "only one answered", "not answered")
STATUS_ICONS = {AGREE: "✅", PARTLY: "🟡", CONFLICT: "❌", ONLY_ONE: "☝️", UNANSWERED: "—"}
AGREE_AT, CONFLICT_AT = 0.95, 0.2

# The module's rules told as the room reads them, under "How the alignment score is worked
# out": what a similarity counts, never how the code names it.
SCORE_EXPLAINED = f"""\
**The score.** On every question that two or more drafts answered, each pair of drafts gets a
similarity from 0 (nothing in common) to 1 (the same answer). The alignment score is 100 times
the average of those similarities. A question only one draft answered does not count.

**How alike two answers are**
- *A list of values* (industries, countries, job functions): the share of the values named that
  both name. A value covers the kinds of it a CRM keeps apart: *Referral* takes in *Word of
  mouth*, so a draft naming each shares that.
- *A range* (company size, revenue): how much of the two ranges overlaps, counted on a
  multiplying scale, so 50–500 and 100–1,000 count as close.
- *Yes or no*: alike or not.
- *The role* weighs on it: the same role counts in full; a must-have at another gate (MQL or
  SQL) three quarters; a must-have against a nice-to-have half; one draft ruling out what the
  other wants, nothing.
- *Conversion actions*: how close the points each draft gives an action are, and how close
  their thresholds are.

**The labels.** *Agree* when every pair is at least {AGREE_AT:.0%} alike; *conflict* when some
pair is at most {CONFLICT_AT:.0%} alike and nothing is shared by all of them; *overlap*
otherwise. The label names the row only: it changes no score.
"""


@dataclass
class QuestionComparison:
    question: catalog.Question
    answered_by: list[str]
    status: str
    similarity: float | None  # mean pairwise similarity among those who answered
    pairs: dict[tuple[str, str], float] = field(default_factory=dict)


@dataclass
class Comparison:
    drafts: dict[str, Definition]
    rows: list[QuestionComparison]

    @property
    def score(self) -> float | None:
        """Alignment score, 0–100 (see the module docstring), None if nothing is comparable."""
        sims = [row.similarity for row in self.rows if row.similarity is not None]
        return round(100 * sum(sims) / len(sims), 1) if sims else None

    def row(self, question: str) -> QuestionComparison:
        return next(r for r in self.rows if r.question.key == question)

    def counts(self) -> dict[str, int]:
        counts = {status: 0 for status in (AGREE, PARTLY, CONFLICT, ONLY_ONE, UNANSWERED)}
        for row in self.rows:
            counts[row.status] += 1
        return counts


def has_answer(definition: Definition, question: str) -> bool:
    """Answered with something comparable: criteria, or actions/threshold for engagement."""
    if question == catalog.ENGAGEMENT:
        return bool(definition.actions) or definition.threshold > 0
    return bool(definition.criteria_for(question))


def compare(drafts: dict[str, Definition]) -> Comparison:
    rows = []
    for question in catalog.QUESTIONS:
        answered = [name for name, d in drafts.items() if has_answer(d, question.key)]
        pairs = {(a, b): question_similarity(drafts[a], drafts[b], question.key)
                 for a, b in combinations(answered, 2)}
        common = len(answered) >= 2 and shares_ground(
            spread({name: drafts[name] for name in answered}, question.key))
        rows.append(QuestionComparison(question, answered,
                                       classify(len(answered), pairs, common),
                                       sum(pairs.values()) / len(pairs) if pairs else None, pairs))
    return Comparison(drafts, rows)


def classify(answered: int, pairs: dict, common: bool = False) -> str:
    """The row's class; `common`: every answering draft shares something (see `spread`)."""
    if answered == 0:
        return UNANSWERED
    if answered == 1:
        return ONLY_ONE
    sims = list(pairs.values())
    if min(sims) >= AGREE_AT:
        return AGREE
    if min(sims) <= CONFLICT_AT and not common:
        return CONFLICT
    return PARTLY


@dataclass(frozen=True)
class RangeRule:
    """One range rule of a draft: its bounds, unit and how it counts ('Must have for an SQL')."""

    bounds: tuple[float, float]
    unit: str
    role: str


@dataclass(frozen=True)
class FieldSpread:
    """One field of one question across the drafts that answered the question.

    `shared`: the values every one of them has (first spelling kept; "not X" for an excluded
    value, "yes"/"no" for yes/no fields); `some`: each other value with the drafts that have it;
    `ranges`: each draft's numeric range, the one its must-have ranges on the field leave
    between them (both gates: 'at most 20,000' for an MQL and 'at least 2,500' for an SQL leave
    2,500 to 20,000, what a lead needs to pass all of them), or its one range rule of another
    role; `overlap`: the range all of them accept (None when not all of them have a range on
    this field, or when the ranges do not meet); `open_by`: the drafts that put nothing on this
    field; `units`: each range's unit, which for money is its currency's mark (ranges in
    different currencies have no overlap: the app never converts); `rules`: every range rule of
    each draft (see `rules_by_field`), so a summary can list each one.
    """

    field: str
    label: str
    unit: str
    shared: list[str]
    some: dict[str, list[str]]
    ranges: dict[str, tuple[float, float]]
    overlap: tuple[float, float] | None
    open_by: list[str]
    units: dict[str, str] = field(default_factory=dict)
    rules: dict[str, list[RangeRule]] = field(default_factory=dict)

    @property
    def mixed_currencies(self) -> bool:
        return len({r.unit for rules in self.rules.values() for r in rules}
                   | set(self.units.values())) > 1

    @property
    def has_common_ground(self) -> bool:
        return bool(self.shared) or self.overlap is not None


def _value_keys(criterion: Criterion) -> list[tuple[str, str]]:
    """(comparison key, display) for each value of a criterion; a condition that takes no
    values is one, in the operator's own words ("yes", "given", "last 90 days")."""
    if operator(criterion.op).takes in ("nothing", "days"):
        word = operator(criterion.op).short(criterion)
        return [(word, word)]
    if criterion.op == "not_in":
        return [(f"not {_key(criterion, v)}", f"not {v}") for v in criterion.values]
    return [(_key(criterion, v), v) for v in criterion.values]


def _key(criterion: Criterion, value: str) -> str:
    """A value as the criterion's rule reads it: 'COMPUTER_SOFTWARE' is 'Computer Software',
    'USA' on the country is 'United States', and 'Vice-President' is searched as 'vice
    president'."""
    if criterion.op == "contains_any":
        return fold_word(value)
    return value_key(value, criterion.field)


def _reach(criterion: Criterion) -> set[str]:
    """The keys a criterion's values take in: each value's own and, on a catalog category, the
    kinds of the option it names ('Referral' takes 'Word of mouth' in, as the rule does)."""
    keys = {_key(criterion, v) for v in criterion.values}
    if criterion.op not in ("in", "not_in"):
        return keys
    return keys | named_folds(criterion.values, criterion.field)


def _with_kinds(criterion: Criterion, keys: set[str], others: set[str]) -> set[str]:
    """`keys` with each of `others` the criterion takes in as a kind of an option it names."""
    return keys | (others & _reach(criterion))


def _add_accepted(criteria: dict[str, list[Criterion]], holders: dict[str, list[str]]) -> None:
    """An 'is not one of' accepts every value it does not name: it holds each value another
    draft's 'is one of' names, unless it excludes it. An 'is one of' naming an option holds
    each kind of it another draft names ('Referral' holds 'Word of mouth'). A draft whose own
    must-have 'is one of' bounds the same leads holds only what that list names: its 'is not
    Manufacturing' for an SQL adds nothing beside 'Software or Finance' for an MQL."""
    named = {_key(c, v) for rules in criteria.values() for c in rules if c.op == "in"
             for v in c.values}
    for name, rules in criteria.items():
        for criterion in rules:
            if criterion.op not in ("in", "not_in"):
                continue
            if criterion.op == "not_in" and any(_bounds_leads_of(other, criterion)
                                                for other in rules):
                continue
            reach = _reach(criterion)
            for key, who in holders.items():
                if name in who:
                    continue
                if criterion.op == "not_in" and key in named and key not in reach:
                    who.append(name)
                elif criterion.op == "in" and key in reach:
                    who.append(name)


def _bounds_leads_of(rule: Criterion, excluding: Criterion) -> bool:
    """Whether `rule` is a must-have list every lead `excluding` judges must be on: one for
    an MQL, or for the same gate."""
    return (rule.op == "in" and rule.role == "must"
            and rule.gate in ("mql", excluding.gate))


_ROLE_ORDER = {"must": 0, "nice": 1, "disqualifier": 2}


def _rule_order(criterion: Criterion) -> tuple:
    low, high = bounds(criterion)
    return (_ROLE_ORDER.get(criterion.role, 3), criterion.gate, criterion.op,
            [_key(criterion, v) for v in criterion.values], low, high, criterion.days or 0,
            criterion.currency or "", criterion.points)


def rules_by_field(definition: Definition, question: str) -> dict[str, list[Criterion]]:
    """A draft's rules on each field of a question, in one order whatever order it wrote them
    in. Its must-have ranges on a field in one gate (and currency) read as the one range they
    leave: 'at least 10' and 'at most 100' for an MQL are '10 to 100' for an MQL; ranges that
    leave nothing stay apart. Every other rule stays as written."""
    by_field: dict[str, list[Criterion]] = {}
    for criterion in definition.criteria_for(question):
        by_field.setdefault(criterion.field, []).append(criterion)
    return {name: sorted(_combined_ranges(rules), key=_rule_order)
            for name, rules in by_field.items()}


def _combined_ranges(rules: list[Criterion]) -> list[Criterion]:
    groups: dict[tuple, list[Criterion]] = {}
    kept = []
    for criterion in rules:
        if criterion.op in RANGE_OPS and criterion.role == "must":
            groups.setdefault((criterion.gate, criterion.currency), []).append(criterion)
        else:
            kept.append(criterion)
    for group in groups.values():
        left = _range_left(group)
        if len(group) == 1 or left is None:
            kept.extend(group)
            continue
        low, high = left
        op = ("between" if math.isfinite(low) and math.isfinite(high)
              else "at_least" if math.isfinite(low) else "at_most")
        kept.append(group[0].model_copy(update={
            "op": op, "low": low if math.isfinite(low) else None,
            "high": high if math.isfinite(high) else None}))
    return kept


def spread(drafts: dict[str, Definition], question: str) -> list[FieldSpread]:
    """Field by field, what the drafts that answered `question` share and where they differ.
    Engagement counts each scored action as a value (the points may still differ)."""
    answering = {name: d for name, d in drafts.items() if has_answer(d, question)}
    names = list(answering)
    if question == catalog.ENGAGEMENT:
        holders: dict[str, list[str]] = {}
        display: dict[str, str] = {}
        for name, definition in answering.items():
            for action in definition.actions:
                holders.setdefault(action.field, []).append(name)
                display[action.field] = action.label
        if not holders:
            return []
        shared = [display[f] for f, who in holders.items() if len(who) == len(names)]
        some = {display[f]: who for f, who in holders.items() if len(who) < len(names)}
        return [FieldSpread("actions", "Actions scored", "", shared, some, {}, None, [])]
    by_field: dict[str, dict[str, list[Criterion]]] = {}
    for name, definition in answering.items():
        for field_name, rules in rules_by_field(definition, question).items():
            by_field.setdefault(field_name, {})[name] = rules
    spreads = []
    for field_name in sorted(by_field, key=_field_order):
        criteria = by_field[field_name]
        lead_field = catalog.FIELDS.get(field_name)
        first = next(iter(criteria.values()))[0]
        label = lead_field.label if lead_field else first.subject
        holders = {}
        display = {}
        ranges = {}
        units = {}
        range_rules: dict[str, list[RangeRule]] = {}
        for name, rules in criteria.items():
            for criterion in rules:
                if criterion.op in RANGE_OPS:
                    range_rules.setdefault(name, []).append(
                        RangeRule(bounds(criterion), criterion.unit, criterion.role_phrase()))
                    continue
                for key, shown in _value_keys(criterion):
                    if name not in holders.setdefault(key, []):
                        holders[key].append(name)
                    display.setdefault(key, shown)
            accepted = _accepted_range(rules)
            if accepted is not None:
                ranges[name], units[name] = accepted
        _add_accepted(criteria, holders)
        shared = [display[k] for k, who in holders.items() if len(who) == len(names)]
        some = {display[k]: who for k, who in holders.items() if len(who) < len(names)}
        overlap = None
        all_units = {r.unit for rules in range_rules.values() for r in rules}
        unit = first.unit if len(all_units) <= 1 else ""
        # Among the drafts with a rule on this field, two or more: one that left it open
        # (answering the question on another field) accepts any range, and is listed as
        # leaving it open.
        if len(ranges) == len(criteria) >= 2 and len(all_units) <= 1:
            low = max(r[0] for r in ranges.values())
            high = min(r[1] for r in ranges.values())
            overlap = (low, high) if low <= high else None
        spreads.append(FieldSpread(field_name, label, unit, shared, some, ranges, overlap,
                                   [n for n in names if n not in criteria], units,
                                   range_rules))
    return spreads


def _field_order(field_name: str) -> tuple:
    """Catalog fields in the catalog's order, then the CRM's own columns by name: the same
    order whichever draft named a field first."""
    if field_name in catalog.FIELDS:
        return (0, list(catalog.FIELDS).index(field_name), "")
    return (1, 0, field_name.casefold())


def _accepted_range(rules: list[Criterion]) -> tuple[tuple[float, float], str] | None:
    """The range a draft's rules on a field accept, and its unit: what its must-have ranges
    leave between them (None when they leave nothing or are in different currencies), else its
    one range rule; None when it has none, or several that are not must-haves."""
    ranged = [c for c in rules if c.op in RANGE_OPS]
    musts = [c for c in ranged if c.role == "must"] or (ranged if len(ranged) == 1 else [])
    if not musts or len({c.unit for c in musts}) > 1:
        return None
    left = _range_left(musts)
    return None if left is None else (left, musts[0].unit)


def _range_left(rules: list[Criterion]) -> tuple[float, float] | None:
    """The range every one of `rules` accepts (their bounds' intersection), or None."""
    low = max(bounds(c)[0] for c in rules)
    high = min(bounds(c)[1] for c in rules)
    return (low, high) if low <= high else None


def shares_ground(spreads: list[FieldSpread]) -> bool:
    """Whether the answering drafts share anything at all on the question."""
    return any(s.has_common_ground for s in spreads)


def question_similarity(a: Definition, b: Definition, question: str) -> float:
    if question == catalog.ENGAGEMENT:
        return engagement_similarity(a, b)
    by_field_a = rules_by_field(a, question)
    by_field_b = rules_by_field(b, question)
    fields = by_field_a.keys() | by_field_b.keys()
    if not fields:
        return 1.0
    total = 0.0
    for name in sorted(fields):
        if name in by_field_a and name in by_field_b:
            total += rules_similarity(by_field_a[name], by_field_b[name])
    return total / len(fields)


def rules_similarity(a: list[Criterion], b: list[Criterion]) -> float:
    """Two drafts' rules on one field (0..1), whatever their order: each rule of either draft
    scores its best match among the other's rules, and the field scores the mean over all of
    them, so a rule only one draft adds pulls the field down; one rule each is
    `criterion_similarity`."""
    best_a = [max(criterion_similarity(x, y) for y in b) for x in a]
    best_b = [max(criterion_similarity(x, y) for x in a) for y in b]
    return (sum(best_a) + sum(best_b)) / (len(a) + len(b))


def criterion_similarity(a: Criterion, b: Criterion) -> float:
    return value_similarity(a, b) * role_factor(a, b)


def role_factor(a: Criterion, b: Criterion) -> float:
    if a.role == b.role:
        return 1.0 if a.role != "must" or a.gate == b.gate else 0.75
    if "disqualifier" in (a.role, b.role):
        return 0.0
    return 0.5


def value_similarity(a: Criterion, b: Criterion) -> float:
    if a.op in VALUE_OPS and b.op in VALUE_OPS:
        keys_a = {_key(a, v) for v in a.values}
        keys_b = {_key(b, v) for v in b.values}
        set_a, set_b = _with_kinds(a, keys_a, keys_b), _with_kinds(b, keys_b, keys_a)
        if (a.op == "not_in") != (b.op == "not_in"):
            return 0.0 if set_a & set_b else 0.5
        return len(set_a & set_b) / len(set_a | set_b)
    if a.op in RANGE_OPS and b.op in RANGE_OPS:
        if a.currency != b.currency:  # €10M is not $10M: the app never converts
            return 0.0
        return range_similarity(bounds(a), bounds(b))
    if a.op in BOOL_OPS and b.op in BOOL_OPS:
        return 1.0 if a.op == b.op else 0.0
    if a.op == b.op and operator(a.op).takes == "days":  # the last 30 against 90 days
        return range_similarity((0, a.days), (0, b.days))
    return 0.0


def bounds(criterion: Criterion) -> tuple[float, float]:
    low, high = criterion.lower, criterion.upper
    return (-math.inf if low is None else low, math.inf if high is None else high)


def range_similarity(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Overlap ÷ union of two ranges, measured on log10(1 + x) so 10–100 weighs like 100–1,000."""
    if a == b:
        return 1.0
    finite = [x for x in (*a, *b) if math.isfinite(x)]
    top = max(finite) * 10 if finite else 1.0

    def scaled(x: float) -> float:
        x = 0.0 if x == -math.inf else (top if x == math.inf else x)
        return math.copysign(math.log10(1 + abs(x)), x)

    low_a, high_a, low_b, high_b = (scaled(x) for x in (*a, *b))
    overlap = min(high_a, high_b) - max(low_a, low_b)
    union = max(high_a, high_b) - min(low_a, low_b)
    if overlap < 0 or (overlap == 0 and not (a[0] <= b[1] and b[0] <= a[1])):
        return 0.0
    return overlap / union if union > 0 else 1.0


def _ratio_similarity(x: float, y: float) -> float:
    return 1.0 if x == y else 1 - abs(x - y) / max(abs(x), abs(y))


def engagement_similarity(a: Definition, b: Definition) -> float:
    points_a = {act.field: act.points for act in a.actions}
    points_b = {act.field: act.points for act in b.actions}
    fields = points_a.keys() | points_b.keys()
    actions = (sum(_ratio_similarity(points_a.get(f, 0), points_b.get(f, 0)) for f in fields)
               / len(fields)) if fields else 1.0
    return (actions + _ratio_similarity(a.threshold, b.threshold)) / 2


def pair_matrix(comparison: Comparison) -> pd.DataFrame:
    """Who agrees with whom on what: a row per pair of drafts ("A ↔ B"), a column per question
    (its title) plus "Overall" (the mean over the questions both answered); similarity 0–1,
    missing where one of the two did not answer."""
    names = list(comparison.drafts)
    rows = {}
    for a, b in combinations(names, 2):
        cells = {}
        for row in comparison.rows:
            similarity = row.pairs.get((a, b), row.pairs.get((b, a)))
            cells[row.question.title] = similarity
        answered = [v for v in cells.values() if v is not None]
        cells["Overall"] = sum(answered) / len(answered) if answered else None
        rows[f"{a} ↔ {b}"] = cells
    columns = [row.question.title for row in comparison.rows] + ["Overall"]
    return pd.DataFrame.from_dict(rows, orient="index", columns=columns, dtype="float64")
