"""The benchmark's 15-criterion definition, as the app holds it and written by hand in Polars.

`realistic_definition` is what the app evaluates (`workshop.evaluate.evaluate`) and DuckDB runs
as the app's own SQL (`workshop.sql.SqlWriter`). `polars_stages` is the same definition in
Polars expressions, text rules run once per distinct value as the app runs them (folding every
row instead took Polars about 6 s on 1,000,000 leads), with the app's meaning spelled out: text
compared folded (case ignored, spaces, `_` and `-` left out) and searched with `_` and `-` read
as spaces; a missing value or a placeholder word is unknown, and unknown never passes a
must-have, never meets 'is not one of' and never triggers a disqualifier. The benchmark refuses
to report a time for it unless it gives the app's stage counts, and
`tests/test_bench_data.py` checks that on generated leads.
"""
from __future__ import annotations

from collections.abc import Callable

import polars as pl

from workshop.definition import Action, Criterion, Definition
from workshop.evaluate import PLACEHOLDER_FOLDS, fold_value, fold_word

TARGET_INDUSTRIES = ["Software", "Financial Services", "Healthcare", "Professional Services"]
TARGET_FUNCTIONS = ["Finance", "Executive"]
EXCLUDED_COUNTRIES = ["Other", "Brazil"]
SENIOR = ["C-level", "VP", "Director"]
TARGET_PAINS = ["Slow month-end close", "Manual reconciliation"]
GOOD_SOURCES = ["Referral", "Events"]
FINANCE_WORDS = ["cfo", "controller", "finance"]
BUYERS = ["Decision maker", "Budget holder"]
STUDENT_WORDS = ["student", "intern"]
COMPETITORS = ["Closewise", "LedgerLoop"]
ACTIONS = {"demo_requested": 30, "pricing_page_visits": 15, "webinars_attended": 10,
           "content_downloads": 5, "email_clicks": 2}
THRESHOLD = 25


def realistic_definition() -> Definition:
    """15 criteria over both gates, nice-to-haves and disqualifiers, plus points."""
    return Definition(criteria=[
        Criterion(field="industry", op="in", values=TARGET_INDUSTRIES),
        Criterion(field="employees", op="between", low=100, high=5000),
        Criterion(field="annual_revenue", op="at_least", low=5_000_000),
        Criterion(field="job_function", op="in", values=TARGET_FUNCTIONS),
        Criterion(field="country", op="not_in", values=EXCLUDED_COUNTRIES),
        Criterion(field="seniority", op="in", values=SENIOR, role="nice", points=10),
        Criterion(field="pain", op="in", values=TARGET_PAINS, role="nice", points=10),
        Criterion(field="lead_source", op="in", values=GOOD_SOURCES, role="nice", points=5),
        Criterion(field="job_title", op="contains_any", values=FINANCE_WORDS, role="nice",
                  points=5),
        Criterion(field="buying_role", op="in", values=BUYERS, gate="sql"),
        Criterion(field="budget", op="at_least", low=10_000, gate="sql"),
        Criterion(field="timeline_months", op="at_most", high=6, gate="sql"),
        Criterion(field="personal_email", op="is_true", role="disqualifier"),
        Criterion(field="job_title", op="contains_any", values=STUDENT_WORDS,
                  role="disqualifier"),
        Criterion(field="company", op="contains_any", values=COMPETITORS, role="disqualifier"),
    ], actions=[Action(field=field, points=points) for field, points in ACTIONS.items()],
        threshold=THRESHOLD)


def to_polars(leads) -> pl.DataFrame:
    """The app's leads table as Polars holds it (missing numbers as nulls, not NaN)."""
    frame = leads.copy()
    frame.attrs = {}
    return pl.from_pandas(frame, nan_to_null=True)


def _per_value(frame: pl.DataFrame, column: str, test: Callable[[pl.Expr], pl.Expr]
               ) -> pl.Expr:
    """True for the leads whose value passes `test`, which runs once per distinct value (as
    the app folds each distinct value once); a missing value never passes."""
    values = frame.select(pl.col(column).unique().cast(pl.String).alias("value"))
    passing = values.filter(test(pl.col("value")).fill_null(False))["value"]
    return pl.col(column).is_in(passing.implode()).fill_null(False)


def _folded(values: pl.Expr) -> pl.Expr:
    return values.cast(pl.String).str.to_lowercase().str.replace_all(r"[ _\-]", "")


def _named(values: pl.Expr, wanted: list[str]) -> pl.Expr:
    return _folded(values).is_in(sorted({fold_value(v) for v in wanted})).fill_null(False)


def _unknown(values: pl.Expr) -> pl.Expr:
    return values.is_null() | _folded(values).is_in(sorted(PLACEHOLDER_FOLDS)).fill_null(True)


def _one_of(frame: pl.DataFrame, column: str, wanted: list[str]) -> pl.Expr:
    return _per_value(frame, column, lambda values: _named(values, wanted))


def _none_of(frame: pl.DataFrame, column: str, excluded: list[str]) -> pl.Expr:
    """Unknown is never 'not one of'."""
    return _per_value(frame, column, lambda values: ~_named(values, excluded) & ~_unknown(values))


def _contains_any(frame: pl.DataFrame, column: str, words: list[str]) -> pl.Expr:
    """A placeholder is searched only when named."""
    def test(values: pl.Expr) -> pl.Expr:
        searched = values.cast(pl.String).str.to_lowercase().str.replace_all(r"[_\-]", " ")
        hit = pl.lit(False)
        for word in sorted({fold_word(w) for w in words} - {""}):
            hit = hit | searched.str.contains(word, literal=True).fill_null(False)
        unknown = _unknown(values)
        return (hit & ~unknown) | (_named(values, words) & unknown)
    return _per_value(frame, column, test)


def _in_range(column: str, low: float | None = None, high: float | None = None) -> pl.Expr:
    hit = pl.col(column).is_not_null()
    if low is not None:
        hit = hit & (pl.col(column) >= low)
    if high is not None:
        hit = hit & (pl.col(column) <= high)
    return hit.fill_null(False)


def polars_stages(frame: pl.DataFrame) -> pl.Series:
    """Each lead's stage under `realistic_definition`, in Polars."""
    disqualified = (pl.col("personal_email").fill_null(False)
                    | _contains_any(frame, "job_title", STUDENT_WORDS)
                    | _contains_any(frame, "company", COMPETITORS))
    mql_gate = (_one_of(frame, "industry", TARGET_INDUSTRIES)
                & _in_range("employees", 100, 5000)
                & _in_range("annual_revenue", low=5_000_000)
                & _one_of(frame, "job_function", TARGET_FUNCTIONS)
                & _none_of(frame, "country", EXCLUDED_COUNTRIES))
    sql_gate = (_one_of(frame, "buying_role", BUYERS)
                & _in_range("budget", low=10_000)
                & _in_range("timeline_months", high=6))
    nice = ((_one_of(frame, "seniority", SENIOR).cast(pl.Int64) * 10)
            + (_one_of(frame, "pain", TARGET_PAINS).cast(pl.Int64) * 10)
            + (_one_of(frame, "lead_source", GOOD_SOURCES).cast(pl.Int64) * 5)
            + (_contains_any(frame, "job_title", FINANCE_WORDS).cast(pl.Int64) * 5))
    actions = sum(((pl.col(field) > 0).fill_null(False).cast(pl.Int64) * points
                   for field, points in ACTIONS.items()), pl.lit(0, dtype=pl.Int64))
    is_mql = ~disqualified & mql_gate & ((nice + actions) >= THRESHOLD)
    stage = (pl.when(is_mql & sql_gate).then(pl.lit("SQL"))
             .when(is_mql).then(pl.lit("MQL")).otherwise(pl.lit("Not qualified")))
    return frame.select(stage.alias("stage")).to_series()


def polars_counts(frame: pl.DataFrame) -> dict[str, int]:
    """Leads per stage, as `evaluate(...).frame["stage"].value_counts()` gives them."""
    counts = polars_stages(frame).value_counts()
    return {str(stage): int(n) for stage, n in counts.iter_rows()}
