"""workshop.measure: the headline figures kept with a version, and 'when agreed' against 'now'.

The expected figures are worked out here from the leads themselves (counts by hand for the small
frames, plain pandas for the shipped sample), never copied from what `measure` returns.
"""
from __future__ import annotations

import json
from dataclasses import fields, replace

import pandas as pd
import pytest

from tests.builders import C, D
from workshop import demo
from workshop.definition import Action
from workshop.evaluate import evaluate
from workshop.leads import load_sample_leads
from workshop.measure import (
    ROWS,
    CannotMeasure,
    Figures,
    comparison_table,
    formatted,
    measure,
    volume_sentence,
)

# --- the shipped sample leads ------------------------------------------------------------------

SAMPLE_DRAFTS = {"facilitator": demo.facilitator_draft, "marketing": demo.marketing_draft,
                 "sales": demo.sales_draft}


@pytest.fixture(scope="module")
def sample():
    leads = load_sample_leads()
    assert leads["created_month"].notna().all(), "every sample lead has a month"
    return leads


@pytest.mark.parametrize("draft", list(SAMPLE_DRAFTS))
def test_measure_on_the_sample_leads(sample, draft):
    definition = SAMPLE_DRAFTS[draft]()
    figures = measure(sample, definition)
    frame = evaluate(sample, definition).frame
    mql, sql = frame["is_mql"].to_numpy(), frame["is_sql"].to_numpy()
    months = sample["created_month"].astype(str).nunique()
    assert (figures.leads, figures.months) == (len(sample), months) == (6000, 12)
    assert (figures.qualified, figures.sql) == (int(mql.sum()), int(sql.sum()))
    assert figures.qualified_per_month == round(mql.sum() / months, 1)
    assert figures.sql_per_month == round(sql.sum() / months, 1)
    # Outcomes: won / lost / open, and no deal at all (decided, not won).
    outcome = sample["outcome"].astype("string").str.strip().str.casefold()
    won = outcome.eq("won").fillna(False).to_numpy(dtype=bool)
    decided = ~outcome.eq("open").fillna(False).to_numpy(dtype=bool)
    wins = int(won.sum())
    rate_q = (won & mql).sum() / (decided & mql).sum()
    rate_r = (won & ~mql).sum() / (decided & ~mql).sum()
    assert figures.wins == wins == 211
    assert figures.wins_caught == pytest.approx((won & mql).sum() / wins)
    assert figures.win_rate_qualified == pytest.approx(rate_q)
    assert figures.win_rate_rest == pytest.approx(rate_r)
    assert figures.lift == pytest.approx(rate_q / rate_r)
    enough = (decided & mql).sum() >= 30 and (decided & ~mql).sum() >= 30 and wins >= 10
    assert figures.reliable is bool(enough)
    assert figures.qualified_share == pytest.approx(mql.sum() / 6000)


def test_the_sample_drafts_differ_as_the_story_says(sample):
    """Marketing qualifies far more leads than sales; the facilitator is in between."""
    qualified = {name: measure(sample, make()).qualified for name, make in SAMPLE_DRAFTS.items()}
    assert qualified["sales"] < qualified["facilitator"] < qualified["marketing"]
    assert measure(sample, demo.sales_draft()).reliable is False  # too few sales MQLs


# --- small frames, worked out by hand ------------------------------------------------------------

# Six leads over three months. MQL: industry Software. SQL: also a budget of at least 10,000.
#   lead  industry  month    budget  outcome  -> stage
#   1     Software  2025-01  20,000  won      -> SQL
#   2     Software  2025-01   5,000  lost     -> MQL
#   3     Retail    2025-02  50,000  won      -> not qualified
#   4     Software  2025-02       –  open     -> MQL (budget unknown: no SQL)
#   5     Software  2025-02  15,000  lost     -> SQL
#   6     Media     2025-03       0  –        -> not qualified
SIX = pd.DataFrame({
    "industry": ["Software", "Software", "Retail", "Software", "Software", "Media"],
    "created_month": ["2025-01", "2025-01", "2025-02", "2025-02", "2025-02", "2025-03"],
    "budget": [20000, 5000, 50000, None, 15000, 0],
    "outcome": ["won", "lost", "won", "open", "lost", None],
})
SOFTWARE_WITH_BUDGET = D(C("industry", values=["Software"]),
                         C("budget", "at_least", low=10000, gate="sql"))


def test_measure_a_small_frame_by_hand():
    figures = measure(SIX, SOFTWARE_WITH_BUDGET)
    assert (figures.leads, figures.months, figures.qualified, figures.sql) == (6, 3, 4, 2)
    assert (figures.qualified_per_month, figures.sql_per_month) == (1.3, 0.7)  # 4/3, 2/3
    # Wins: leads 1 and 3; the definition catches lead 1 only.
    assert (figures.wins, figures.wins_caught) == (2, 0.5)
    # Decided (not open): qualified 1, 2, 5 (one won); the rest 3, 6 (one won).
    assert figures.win_rate_qualified == pytest.approx(1 / 3)
    assert figures.win_rate_rest == pytest.approx(1 / 2)
    assert figures.lift == pytest.approx((1 / 3) / (1 / 2))
    assert figures.reliable is False  # six leads are an anecdote
    assert figures.qualified_share == pytest.approx(4 / 6)


def test_counts_equal_evaluate_and_per_month_is_total_over_months():
    definition = D(C("industry", values=["Software", "Retail"]))
    figures = measure(SIX, definition)
    frame = evaluate(SIX, definition).frame
    assert figures.qualified == int(frame["is_mql"].sum()) == 5
    assert figures.sql == int(frame["is_sql"].sum()) == 5  # no SQL must-have: every MQL
    assert figures.qualified_per_month == round(5 / 3, 1) == 1.7


@pytest.mark.parametrize("outcomes", [
    pytest.param(None, id="no-outcome-column"),
    pytest.param(["open", "open", None, "open", None, None], id="no-won-or-lost"),
])
def test_wins_figures_are_none_without_outcomes(outcomes):
    leads = SIX.drop(columns="outcome")
    if outcomes is not None:
        leads = leads.assign(outcome=outcomes)
    figures = measure(leads, SOFTWARE_WITH_BUDGET)
    assert (figures.qualified, figures.sql, figures.months) == (4, 2, 3)
    assert (figures.wins, figures.wins_caught, figures.win_rate_qualified,
            figures.win_rate_rest, figures.lift, figures.reliable) == (
        None, None, None, None, None, False)


def test_months_come_from_the_created_date_too():
    leads = SIX.drop(columns="created_month").assign(created=pd.to_datetime(
        ["2025-01-03", "2025-01-30", "2025-02-01", "2025-02-14", "2025-02-28", "2025-03-31"]))
    by_days, by_months = measure(leads, SOFTWARE_WITH_BUDGET), measure(SIX, SOFTWARE_WITH_BUDGET)
    # The days say more than the months: the export starts on 3 January, so it covers 29 of
    # January's 31 days, then all of February and March.
    covered = 29 / 31 + 1 + 1
    assert by_days.qualified_per_month == round(4 / covered, 1) == 1.4
    assert by_days.sql_per_month == round(2 / covered, 1)
    assert replace(by_days, qualified_per_month=None, sql_per_month=None) == replace(
        by_months, qualified_per_month=None, sql_per_month=None)


def test_leads_without_any_date_have_no_figure_per_month():
    """The total is not a month: without dates the per-month figures are absent, and the
    totals and rates are still measured."""
    figures = measure(SIX.drop(columns="created_month"), SOFTWARE_WITH_BUDGET)
    assert (figures.months, figures.qualified_per_month, figures.sql_per_month) == (0, None, None)
    assert (figures.qualified, figures.sql) == (4, 2)
    assert "no monthly figure" in volume_sentence(figures)
    assert "4 of 6 leads qualified" in volume_sentence(figures)


def test_points_and_threshold_count():
    """Demo request 30 + pricing page 15, threshold 40: only both together make an MQL."""
    leads = pd.DataFrame({
        "created_month": ["2025-01"] * 4 + ["2025-02"] * 4,
        "demo_requested": [1, 1, 0, 2, 0, 1, 0, 3],
        "pricing_page_visits": [4, 0, 2, 1, 0, 1, 0, 0],
    })
    definition = D(actions=[Action(field="demo_requested", points=30),
                            Action(field="pricing_page_visits", points=15)], threshold=40)
    figures = measure(leads, definition)
    assert (figures.qualified, figures.months, figures.qualified_per_month) == (3, 2, 1.5)


@pytest.mark.parametrize(("definition", "missing"), [
    (D(C("country", values=["Germany"])), "country"),
    (D(C("industry"), C("employees", "at_least", low=50)), "employees"),
    (D(actions=[Action(field="webinars_attended", points=10)], threshold=10),
     "webinars_attended"),
])
def test_a_column_the_leads_lack_cannot_be_measured(definition, missing):
    with pytest.raises(CannotMeasure, match=missing):
        measure(SIX, definition)


def test_a_column_that_is_empty_in_these_leads_cannot_be_measured():
    """A budget column that a fresh export left blank (or filled with placeholders) would make
    every budget rule unknown: that is said, not stored as 0 qualified leads."""
    blank = SIX.assign(budget=[None] * len(SIX))
    with pytest.raises(CannotMeasure, match=r"“Budget” \(budget\) is empty"):
        measure(blank, SOFTWARE_WITH_BUDGET)
    placeholders = SIX.assign(industry=["Select", "unknown", "--None--", "N/A", "-", ""])
    with pytest.raises(CannotMeasure, match=r"“Industry” \(industry\) is empty"):
        measure(placeholders, SOFTWARE_WITH_BUDGET)


# --- Figures as stored JSON --------------------------------------------------------------------

FULL = Figures(leads=6000, months=12, qualified=334, sql=17, qualified_per_month=27.8,
               sql_per_month=1.4, wins=211, wins_caught=0.256, win_rate_qualified=0.183,
               win_rate_rest=0.029, lift=6.4, reliable=True)
BARE = Figures(leads=10, months=1, qualified=2, sql=1, qualified_per_month=2.0,
               sql_per_month=1.0)


@pytest.mark.parametrize("figures", [FULL, BARE], ids=["with-outcomes", "without"])
def test_figures_json_round_trip(figures):
    text = figures.to_json()
    assert set(json.loads(text)) == {f.name for f in fields(Figures)}
    assert json.loads(text)["leads"] == figures.leads
    assert Figures.from_json(text) == figures


def test_figures_from_json_ignores_unknown_keys_and_defaults_missing_ones():
    newer = {**json.loads(FULL.to_json()), "median_deal_size": 12000, "notes": "later app"}
    assert Figures.from_json(json.dumps(newer)) == FULL
    older = {"leads": 10, "months": 1, "qualified": 2, "sql": 1, "qualified_per_month": 2.0,
             "sql_per_month": 1.0}
    assert Figures.from_json(json.dumps(older)) == BARE
    assert (BARE.wins, BARE.lift, BARE.reliable) == (None, None, False)


@pytest.mark.parametrize("stored", ["", None, "null", "[]", "[1, 2]", "7"])
def test_figures_from_nothing_is_none(stored):
    assert Figures.from_json(stored) is None


@pytest.mark.parametrize(("qualified", "leads", "share"), [(25, 100, 0.25), (0, 0, 0.0),
                                                            (3, 3, 1.0)])
def test_qualified_share(qualified, leads, share):
    figures = Figures(leads=leads, months=1, qualified=qualified, sql=0,
                      qualified_per_month=0.0, sql_per_month=0.0)
    assert figures.qualified_share == share


# --- when agreed against now ---------------------------------------------------------------------

@pytest.mark.parametrize(("value", "kind", "text"), [
    (None, "share", "–"), (None, "count", "–"),
    (0.256, "share", "26%"), (0, "share", "0%"), (1.0, "share", "100%"), (0.1, "share", "10%"),
    # below 10% a share keeps a decimal, so a small share does not read as none at all
    (0.004, "share", "0.4%"), (0.08, "share", "8.0%"), (0.0949, "share", "9.5%"),
    (6.376, "ratio", "6.4×"), (0.5, "ratio", "0.5×"),
    (6000, "count", "6,000"), (6000.0, "count", "6,000"), (7, "count", "7"),
    (27.8, "number", "27.8"), (1234.56, "number", "1,234.6"), (3, "number", "3.0"),
])
def test_formatted(value, kind, text):
    assert formatted(value, kind) == text


LABELS = ["Leads in the export", "Qualified leads (MQL or SQL) per month", "SQLs per month",
          "Share of leads qualified", "Share of past wins caught", "Win rate of qualified leads",
          "Win rate of the rest", "Lift (qualified ÷ rest)"]

THEN = Figures(leads=1000, months=10, qualified=200, sql=50, qualified_per_month=20.0,
               sql_per_month=5.0, wins=40, wins_caught=0.5, win_rate_qualified=0.10,
               win_rate_rest=0.02, lift=5.0, reliable=True)
NOW = Figures(leads=12345, months=12, qualified=3086, sql=60, qualified_per_month=1257.3,
              sql_per_month=5.0, wins=50, wins_caught=0.55, win_rate_qualified=0.08,
              win_rate_rest=0.03, lift=2.7, reliable=True)


def test_comparison_table_rows_and_changes():
    table = comparison_table(THEN, NOW)
    assert list(table.columns) == ["Figure", "When agreed", "Now", "Change"]
    assert [label for _, label, _ in ROWS] == LABELS
    # share qualified: 200 of 1,000 = 20%; 3,086 of 12,345 = 25.0% (+5 points)
    assert table.values.tolist() == [
        ["Leads in the export", "1,000", "12,345", "+11,345"],
        ["Qualified leads (MQL or SQL) per month", "20.0", "1,257.3", "+1,237.3"],
        ["SQLs per month", "5.0", "5.0", "0"],
        ["Share of leads qualified", "20%", "25%", "+5 points"],
        ["Share of past wins caught", "50%", "55%", "+5 points"],
        ["Win rate of qualified leads", "10%", "8.0%", "-2 points"],
        ["Win rate of the rest", "2.0%", "3.0%", "+1 point"],
        ["Lift (qualified ÷ rest)", "5.0×", "2.7×", "-2.3"],
    ]


def test_a_share_change_agrees_with_the_shares_shown():
    """126 of 800 (15.75%) and 156 of 900 (17.33%) show as 16% and 17%: their change is
    1.58 points, which read "+2 points" beside them."""
    then = Figures(leads=800, months=3, qualified=126, sql=100, qualified_per_month=42.0,
                   sql_per_month=33.3)
    now = Figures(leads=900, months=3, qualified=156, sql=120, qualified_per_month=52.0,
                  sql_per_month=40.0)
    row = comparison_table(then, now).set_index("Figure").loc["Share of leads qualified"]
    assert row.tolist() == ["16%", "17%", f"+{(156 / 900 - 126 / 800) * 100:.1f} points"]


def test_comparison_table_without_figures_from_when_it_was_agreed():
    table = comparison_table(None, NOW)
    assert table["Figure"].tolist() == LABELS
    assert table["When agreed"].tolist() == ["–"] * 8
    assert table["Change"].tolist() == [""] * 8
    assert table["Now"].tolist() == ["12,345", "1,257.3", "5.0", "25%", "55%", "8.0%", "3.0%",
                                     "2.7×"]


def test_comparison_table_where_only_one_side_has_outcomes():
    """Then had outcomes, the fresh export has none: those rows show '–' and no change."""
    table = comparison_table(THEN, BARE).set_index("Figure")
    for label in LABELS[4:]:
        assert (table.at[label, "Now"], table.at[label, "Change"]) == ("–", ""), label
    assert table.at["Share of past wins caught", "When agreed"] == "50%"
    assert table.at["Leads in the export", "Change"] == "-990"
    assert table.at["Share of leads qualified", "Change"] == "0 points"  # 20% both times


def test_a_fresh_export_without_wins_has_no_share_of_wins_caught():
    """Deals so far lost or open, none won: the share of wins caught is 0 of 0, no figure; the
    revisit shows '–' and no change, and a figure stored as 0% by an older app reads the same."""
    leads = pd.DataFrame({"industry": ["Software", "Software", "Retail", "Software"],
                          "outcome": ["lost", "lost", "open", "lost"]})
    figures = measure(leads, D(C("industry", values=["Software"])))
    assert (figures.wins, figures.wins_caught) == (0, None)
    table = comparison_table(THEN, figures).set_index("Figure")
    assert table.at["Share of past wins caught", "When agreed"] == "50%"
    assert (table.at["Share of past wins caught", "Now"],
            table.at["Share of past wins caught", "Change"]) == ("–", "")
    stored = json.loads(figures.to_json()) | {"wins_caught": 0.0}
    assert Figures.from_json(json.dumps(stored)).wins_caught is None
