"""Run a definition over a leads table: stage (not qualified / MQL / SQL), points and reasons.

Everything is vectorised over pandas columns. A missing value never passes a must-have and never
triggers a disqualifier: unknown is not evidence.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from workshop.definition import Criterion, Definition
from workshop.distinct import Distinct

NOT_QUALIFIED, MQL, SQL = "Not qualified", "MQL", "SQL"


class MissingColumn(KeyError):
    """A criterion names a column the leads table does not have."""


class _TextValues:
    """A text column's distinct values, folded once, so text rules run once per distinct value
    (a few hundred) instead of once per lead (a million), then spread back to the leads."""

    def __init__(self, column: pd.Series):
        self.distinct = Distinct.of(column, repeats_below=1.0)
        self.folded = (self.distinct.values.astype("object").astype("string")
                       .str.casefold().reset_index(drop=True))

    def spread(self, hit_per_value: np.ndarray) -> pd.Series:
        return self.distinct.spread_array(np.asarray(hit_per_value, dtype=bool), False)


def _distinct(leads: pd.DataFrame, field: str, cache: dict | None) -> _TextValues:
    if cache is None:
        return _TextValues(leads[field])
    if field not in cache:
        cache[field] = _TextValues(leads[field])
    return cache[field]


def criterion_mask(leads: pd.DataFrame, criterion: Criterion,
                   cache: dict | None = None) -> pd.Series:
    """True where the lead meets the criterion's condition; False where not or unknown.

    `cache` lets several criteria on one text column share its distinct values."""
    if criterion.field not in leads.columns:
        raise MissingColumn(criterion.field)
    column = leads[criterion.field]
    op = criterion.op
    numeric = pd.api.types.is_numeric_dtype(column) and not pd.api.types.is_bool_dtype(column)
    if op in ("in", "not_in") and not numeric:
        distinct = _distinct(leads, criterion.field, cache)
        wanted = {v.casefold() for v in criterion.values}
        member = distinct.folded.str.strip().isin(wanted).to_numpy(dtype=bool)
        return distinct.spread(member if op == "in" else ~member)
    if op == "contains_any" and not numeric:
        distinct = _distinct(leads, criterion.field, cache)
        hit = np.zeros(len(distinct.folded), dtype=bool)
        for value in criterion.values:
            hit |= distinct.folded.str.contains(value.casefold(), regex=False) \
                .fillna(False).to_numpy(dtype=bool)
        return distinct.spread(hit)
    known = column.notna()
    if op in ("in", "not_in"):
        hit = _is_one_of(column, criterion.values)
        return hit & known if op == "in" else ~hit & known
    if op == "contains_any":
        text = column.astype("string").str.casefold()
        hit = pd.Series(False, index=leads.index)
        for value in criterion.values:
            hit |= text.str.contains(value.casefold(), regex=False).fillna(False).astype(bool)
        return hit & known
    if op in ("between", "at_least", "at_most"):
        numbers = pd.to_numeric(column, errors="coerce")
        hit = numbers.notna()
        if criterion.low is not None and op in ("between", "at_least"):
            hit &= numbers >= criterion.low
        if criterion.high is not None and op in ("between", "at_most"):
            hit &= numbers <= criterion.high
        return hit.fillna(False).astype(bool)
    truth = _as_bool(column)
    if op == "is_true":
        return (truth == True).fillna(False).astype(bool)  # noqa: E712 - nullable comparison
    return (truth == False).fillna(False).astype(bool)  # noqa: E712


def _is_one_of(column: pd.Series, values: list[str]) -> pd.Series:
    """Case-insensitive for text; numeric for number columns, where 2 matches 2.0."""
    if pd.api.types.is_numeric_dtype(column) and not pd.api.types.is_bool_dtype(column):
        numbers = pd.to_numeric(pd.Series(values, dtype="object"), errors="coerce").dropna()
        return column.isin(numbers.tolist()).fillna(False).astype(bool)
    folded = column.astype("string").str.strip().str.casefold()
    return folded.isin({v.casefold() for v in values}).fillna(False).astype(bool)


def _as_bool(column: pd.Series) -> pd.Series:
    if column.dtype == bool or str(column.dtype) == "boolean":
        return column.astype("boolean")
    numbers = pd.to_numeric(column, errors="coerce")
    if numbers.notna().sum() == column.notna().sum():
        return (numbers > 0).astype("boolean").where(numbers.notna(), pd.NA)
    text = column.astype("string").str.strip().str.casefold()
    mapping = {"true": True, "yes": True, "y": True, "1": True, "checked": True,
               "false": False, "no": False, "n": False, "0": False}
    return text.map(mapping).astype("boolean")


def action_done(leads: pd.DataFrame, field: str) -> pd.Series:
    """A conversion action counts once the lead did it at least once (count above zero or yes)."""
    if field not in leads.columns:
        raise MissingColumn(field)
    return (_as_bool(leads[field]) == True).fillna(False).astype(bool)  # noqa: E712


@dataclass
class Evaluation:
    """Per-lead outcome of one definition; `frame` has stage, points and the gate columns."""

    frame: pd.DataFrame

    @property
    def stage(self) -> pd.Series:
        return self.frame["stage"]

    def count(self, stage: str) -> int:
        """Leads at this stage or beyond (an SQL is also an MQL)."""
        if stage == MQL:
            return int(self.frame["is_mql"].sum())
        if stage == SQL:
            return int(self.frame["is_sql"].sum())
        return int((self.frame["stage"] == NOT_QUALIFIED).sum())

    def summary(self) -> dict[str, float]:
        total = len(self.frame)
        mql, sql = self.count(MQL), self.count(SQL)
        return {
            "leads": total,
            "mql": mql,
            "sql": sql,
            "mql_share": mql / total if total else 0.0,
            "sql_share": sql / total if total else 0.0,
            "disqualified": int(self.frame["disqualified"].sum()),
        }


def evaluate(leads: pd.DataFrame, definition: Definition) -> Evaluation:
    """Sort every lead into a stage.

    MQL = no disqualifier, every MQL must-have met, points >= threshold.
    SQL = MQL and every SQL must-have met.
    Points = nice-to-have points for each met nice-to-have + each conversion action done.
    """
    index = leads.index
    cache: dict = {}
    everyone = pd.Series(True, index=index)
    disqualified = pd.Series(False, index=index)
    for criterion in definition.disqualifiers:
        disqualified |= criterion_mask(leads, criterion, cache)
    mql_gate = everyone.copy()
    for criterion in definition.gate("mql"):
        mql_gate &= criterion_mask(leads, criterion, cache)
    sql_gate = everyone.copy()
    for criterion in definition.gate("sql"):
        sql_gate &= criterion_mask(leads, criterion, cache)
    points = pd.Series(0, index=index, dtype="int64")
    for criterion in definition.nice_to_haves:
        points += criterion_mask(leads, criterion, cache).astype("int64") * criterion.points
    for action in definition.actions:
        points += action_done(leads, action.field).astype("int64") * action.points
    is_mql = ~disqualified & mql_gate & (points >= definition.threshold)
    is_sql = is_mql & sql_gate
    stage = np.where(is_sql, SQL, np.where(is_mql, MQL, NOT_QUALIFIED))
    frame = pd.DataFrame({
        "stage": pd.Series(stage, index=index),
        "points": points,
        "disqualified": disqualified,
        "mql_gate": mql_gate,
        "sql_gate": sql_gate,
        "is_mql": is_mql,
        "is_sql": is_sql,
    })
    return Evaluation(frame)


def reasons(leads: pd.DataFrame, definition: Definition) -> pd.Series:
    """Why each lead got its stage, in plain language. Meant for the handful of leads shown."""
    evaluation = evaluate(leads, definition)
    parts: dict = {i: [] for i in leads.index}
    for criterion in definition.disqualifiers:
        for i in leads.index[criterion_mask(leads, criterion)]:
            parts[i].append(f"disqualified: {criterion.sentence()}")
    for gate in ("mql", "sql"):
        for criterion in definition.gate(gate):
            for i in leads.index[~criterion_mask(leads, criterion)]:
                parts[i].append(f"misses {gate.upper()} gate: {criterion.sentence()}")
    short = evaluation.frame["points"] < definition.threshold
    for i in leads.index[short]:
        parts[i].append(f"{evaluation.frame.at[i, 'points']} of {definition.threshold} points")
    for i in leads.index[evaluation.frame["is_mql"]]:
        if not parts[i]:
            parts[i].append(f"meets every rule ({evaluation.frame.at[i, 'points']} points)")
    return pd.Series({i: "; ".join(p) for i, p in parts.items()}, index=leads.index,
                     dtype="string")


def missing_columns(leads: pd.DataFrame, definition: Definition) -> list[str]:
    fields = [c.field for c in definition.criteria] + [a.field for a in definition.actions]
    return sorted({f for f in fields if f not in leads.columns})
