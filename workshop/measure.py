"""The headline figures of one definition on one leads table, kept with a version so a team can
see, months later, whether its agreed definition still does what it did when it was signed."""
from __future__ import annotations

import json
from dataclasses import asdict, dataclass, fields

import pandas as pd

from workshop.definition import Definition
from workshop.evaluate import evaluate, missing_columns
from workshop.preview import average_per_month, monthly_volume, outcome_metrics


@dataclass(frozen=True)
class Figures:
    """What a definition did to a set of leads. Rates are None where the leads cannot say."""

    leads: int
    months: int
    qualified: int  # MQL or beyond
    sql: int
    qualified_per_month: float
    sql_per_month: float
    wins: int | None = None
    wins_caught: float | None = None  # share of past wins the definition qualifies
    win_rate_qualified: float | None = None
    win_rate_rest: float | None = None
    lift: float | None = None
    reliable: bool = False  # enough decided leads and wins to trust the rates

    @property
    def qualified_share(self) -> float:
        return self.qualified / self.leads if self.leads else 0.0

    def to_json(self) -> str:
        return json.dumps(asdict(self))

    @classmethod
    def from_json(cls, text: str | None) -> Figures | None:
        """Figures stored earlier; None for nothing stored. Unknown keys (a newer app) are
        ignored and missing ones (an older app) take their defaults."""
        if not text:
            return None
        data = json.loads(text)
        if not isinstance(data, dict):
            return None
        known = {f.name for f in fields(cls)}
        try:
            return cls(**{k: v for k, v in data.items() if k in known})
        except TypeError:  # a required figure is missing: nothing trustworthy to show
            return None


def measure(leads: pd.DataFrame, definition: Definition) -> Figures:
    """Volume per month and, where the leads carry outcomes, how well it caught past wins."""
    missing = missing_columns(leads, definition)
    if missing:
        raise KeyError(f"The leads have no column for: {', '.join(missing)}")
    evaluation = evaluate(leads, definition)
    frame = evaluation.frame
    volume = _volume(leads, evaluation)
    figures = {
        "leads": len(leads),
        "months": len(volume),
        "qualified": int(frame["is_mql"].sum()),
        "sql": int(frame["is_sql"].sum()),
        "qualified_per_month": round(average_per_month(volume, "mql"), 1),
        "sql_per_month": round(average_per_month(volume, "sql"), 1),
    }
    outcomes = outcome_metrics(leads, evaluation)
    if outcomes is not None:
        figures.update(wins=outcomes.wins, wins_caught=outcomes.wins_caught,
                       win_rate_qualified=outcomes.win_rate_qualified,
                       win_rate_rest=outcomes.win_rate_rest, lift=outcomes.lift,
                       reliable=outcomes.reliable)
    return Figures(**figures)


def _volume(leads: pd.DataFrame, evaluation) -> pd.DataFrame:
    """Monthly volume of the dated leads (undated ones are left out of per-month figures);
    when no lead has a date, the whole table counts as one month."""
    try:
        volume = monthly_volume(leads, evaluation)
    except KeyError:
        volume = None
    if volume is None or volume.empty:
        frame = evaluation.frame
        return pd.DataFrame({"month": ["all"], "mql": [int(frame["is_mql"].sum())],
                             "sql": [int(frame["is_sql"].sum())]})
    return volume


# Labels for showing figures side by side: (attribute, label, kind).
ROWS = (
    ("leads", "Leads in the export", "count"),
    ("qualified_per_month", "Qualified leads (MQL or SQL) per month", "number"),
    ("sql_per_month", "SQLs per month", "number"),
    ("qualified_share", "Share of leads qualified", "share"),
    ("wins_caught", "Share of past wins caught", "share"),
    ("win_rate_qualified", "Win rate of qualified leads", "share"),
    ("win_rate_rest", "Win rate of the rest", "share"),
    ("lift", "Lift (qualified ÷ rest)", "ratio"),
)


def formatted(value: float | int | None, kind: str) -> str:
    if value is None:
        return "–"
    if kind == "share":  # small shares keep a decimal: "0.4%", not "0%"
        return f"{value:.1%}" if 0 < abs(value) < 0.1 else f"{value:.0%}"
    if kind == "ratio":
        return f"{value:.1f}×"
    if kind == "count":
        return f"{int(value):,}"
    return f"{value:,.1f}"


def comparison_table(then: Figures | None, now: Figures) -> pd.DataFrame:
    """'When agreed' against 'now', a row per figure, with the change in words."""
    rows = []
    for attribute, label, kind in ROWS:
        current = getattr(now, attribute)
        before = getattr(then, attribute) if then is not None else None
        change = ""
        if before is not None and current is not None:
            delta = current - before
            if kind == "share":  # under one point, a decimal: "+0.5 points", not "+0 points"
                points = round(delta * 100, 6)
                change = (f"{points:+.1f} points" if 0 < abs(points) < 1
                          else f"{points:+.0f} points")
            elif kind == "ratio":
                change = f"{delta:+.1f}"
            else:
                change = f"{delta:+,.1f}" if kind == "number" else f"{int(delta):+,}"
        rows.append({"Figure": label, "When agreed": formatted(before, kind),
                     "Now": formatted(current, kind), "Change": change})
    return pd.DataFrame(rows)
