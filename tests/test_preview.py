"""Evidence from real leads: volumes, capacity, outcomes, waterfall, overlap, sample table."""
from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from tests.builders import C, D
from workshop.definition import Action
from workshop.demo import facilitator_draft, marketing_draft, sales_draft
from workshop.evaluate import MQL, NOT_QUALIFIED, SQL, evaluate, reasons
from workshop.leads import load_sample_leads
from workshop.preview import (
    FITS,
    ID_COLUMNS,
    MIN_DECIDED,
    NO_CAPACITY,
    TOO_LOOSE,
    TOO_TIGHT,
    NoDates,
    average_per_month,
    capacity_verdict,
    headline,
    monthly_volume,
    outcome_metrics,
    overlap,
    sample_table,
    waterfall,
)

NA = None


def hand_leads() -> pd.DataFrame:
    """Nine leads whose stages are worked out by hand (see DEFINITION):

    0 SQL · 1 MQL (budget 0) · 2 small company · 3 Retail · 4 small, no demo · 5 personal
    e-mail · 6 Retail and small · 7 MQL (budget 20k) · 8 no demo (points short)."""
    return pd.DataFrame({
        "company": list("ABCDEFGHI"),
        "job_title": ["CFO", "Controller", "CFO", "CFO", "Clerk", "CFO", "Intern", "VP Finance",
                      "CFO"],
        "industry": ["Software", "Software", "Software", "Retail", "Software", "Software",
                     "Retail", "Software", "Software"],
        "employees": [100.0, 100, 10, 100, 10, 100, 10, 500, 100],
        "demo_requested": [1, 1, 1, 1, 0, 1, 0, 1, 0],
        "budget": [50_000.0, 0, 50_000, 50_000, 50_000, 50_000, np.nan, 20_000, 50_000],
        "personal_email": [False, False, False, False, False, True, False, False, False],
        "outcome": ["won", "lost", "open", "won", NA, "won", "lost", "open", NA],
        "created_month": ["2025-01", "2025-01", "2025-02", "2025-02", "2025-02", "2025-03",
                          "2025-03", "2025-03", "2025-03"],
    })


# industry is listed before employees on purpose: the waterfall must reorder them.
DEFINITION = D(
    C("industry", values=["Software"]),
    C("employees", op="at_least", low=50),
    C("budget", op="at_least", low=25_000, gate="sql"),
    C("personal_email", op="is_true", role="disqualifier"),
    actions=[Action(field="demo_requested", points=30)],
    threshold=30,
)


@pytest.fixture
def leads() -> pd.DataFrame:
    return hand_leads()


@pytest.fixture
def result(leads):
    return evaluate(leads, DEFINITION)


def test_hand_leads_stages_are_as_worked_out(result):
    assert result.stage.tolist() == [SQL, MQL, NOT_QUALIFIED, NOT_QUALIFIED, NOT_QUALIFIED,
                                     NOT_QUALIFIED, NOT_QUALIFIED, MQL, NOT_QUALIFIED]


# --- monthly volume ----------------------------------------------------------------------------

def test_monthly_volume_counts_per_month_including_empty_months(leads, result):
    table = monthly_volume(leads, result)
    assert list(table.columns) == ["month", "mql", "sql"]
    assert table.to_dict("records") == [
        {"month": "2025-01", "mql": 2, "sql": 1},
        {"month": "2025-02", "mql": 0, "sql": 0},
        {"month": "2025-03", "mql": 1, "sql": 0},
    ]
    assert average_per_month(table) == 1.0
    assert average_per_month(table, "sql") == pytest.approx(1 / 3)


def test_monthly_volume_from_created_dates_when_no_month_column(leads, result):
    dated = leads.drop(columns="created_month")
    dated["created"] = pd.to_datetime(
        ["2025-01-31 23:59", "2025-01-01", "2025-02-10", "2025-02-11", "2025-02-28",
         "2025-03-01", "2025-03-15", "2025-03-31", None], format="mixed")
    table = monthly_volume(dated, result)
    assert table["month"].tolist() == ["2025-01", "2025-02", "2025-03"]
    assert table["mql"].tolist() == [2, 0, 1]
    assert table["sql"].tolist() == [1, 0, 0]
    # lead 8 has no date and is left out: 9 leads, 8 counted (none of them qualified anyway)
    as_text = dated.assign(created=dated["created"].dt.strftime("%Y-%m-%d"))
    assert monthly_volume(as_text, result).equals(table)


def test_monthly_volume_without_any_date_says_so(leads, result):
    with pytest.raises(NoDates, match="no created date"):
        monthly_volume(leads.drop(columns="created_month"), result)
    undated = leads.assign(created=pd.NaT, created_month=None)
    with pytest.raises(NoDates, match="totals for the whole export"):
        monthly_volume(undated, result)


def test_average_of_an_empty_volume_is_zero():
    assert average_per_month(pd.DataFrame({"month": [], "mql": [], "sql": []})) == 0.0


# --- capacity ----------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("per_month", "reps", "per_rep", "verdict", "ratio", "capacity"),
    [
        (100, 2, 50, FITS, 1.0, 100),
        (110, 2, 50, FITS, 1.1, 100),      # exactly 110% still fits
        (111, 2, 50, TOO_LOOSE, 1.11, 100),
        (300, 3, 40, TOO_LOOSE, 2.5, 120),
        (50, 2, 50, FITS, 0.5, 100),       # exactly half still fits
        (49, 2, 50, TOO_TIGHT, 0.49, 100),
        (0, 1, 10, TOO_TIGHT, 0.0, 10),
        (12.5, 1, 20, FITS, 0.625, 20),
        # No capacity entered: no verdict, not "too loose" in a table read on its own.
        (5, 0, 20, NO_CAPACITY, None, 0),
        (5, 3, 0, NO_CAPACITY, None, 0),
        (0, 0, 0, NO_CAPACITY, None, 0),
    ],
)
def test_capacity_verdict_table(per_month, reps, per_rep, verdict, ratio, capacity):
    result = capacity_verdict(per_month, reps, per_rep)
    assert result.verdict == verdict
    assert result.capacity == capacity
    if ratio is None:
        assert result.ratio is None
    else:
        assert result.ratio == pytest.approx(ratio)
    assert verdict in result.sentence or capacity == 0


def test_capacity_sentences_are_plain():
    loose = capacity_verdict(300, 3, 40)
    assert loose.sentence.startswith("About 300 qualified leads a month against capacity for "
                                     "120 (3 reps × 40): 250% of capacity — too loose")
    assert "1 rep ×" in capacity_verdict(5, 1, 10).sentence
    zero = capacity_verdict(5, 0, 20)
    assert "No sales capacity entered" in zero.sentence and "5 qualified leads" in zero.sentence
    assert "nothing to compare" in capacity_verdict(0, 0, 5).sentence


@pytest.mark.parametrize(("per_month", "reps", "per_rep"),
                         [(-1, 1, 1), (math.nan, 1, 1), (math.inf, 1, 1), (1, -1, 1), (1, 1, -5)])
def test_capacity_verdict_rejects_impossible_inputs(per_month, reps, per_rep):
    with pytest.raises(ValueError):
        capacity_verdict(per_month, reps, per_rep)


# --- outcomes ----------------------------------------------------------------------------------

def test_outcome_metrics_leave_open_deals_out(leads, result):
    metrics = outcome_metrics(leads, result)
    # MQLs 0 (won), 1 (lost), 7 (open): 1 win in 2 decided. Counting open as lost would be 1/3.
    assert (metrics.qualified, metrics.qualified_decided, metrics.qualified_won) == (3, 2, 1)
    assert metrics.win_rate_qualified == 0.5
    # rest: 2 and 8... lead 2 is open (left out), 4 and 8 have no deal (not won): 2 wins in 5
    assert (metrics.rest_decided, metrics.rest_won) == (5, 2)
    assert metrics.win_rate_rest == pytest.approx(0.4)
    assert metrics.wins == 3 and metrics.open_excluded == 2
    assert metrics.wins_caught == pytest.approx(1 / 3)
    assert metrics.lift == pytest.approx(1.25)
    assert metrics.reliable is False
    assert "only 2 decided MQLs" in metrics.reason and "only 3 past wins" in metrics.reason


def test_outcome_metrics_for_sqls(leads, result):
    metrics = outcome_metrics(leads, result, stage=SQL)
    assert (metrics.qualified, metrics.qualified_decided, metrics.qualified_won) == (1, 1, 1)
    assert metrics.win_rate_qualified == 1.0
    assert (metrics.rest_decided, metrics.rest_won) == (6, 2)
    assert metrics.lift == pytest.approx(3.0)
    assert metrics.wins_caught == pytest.approx(1 / 3)
    with pytest.raises(ValueError):
        outcome_metrics(leads, result, stage="Customer")


def test_outcome_metrics_reliable_with_enough_leads():
    leads = pd.DataFrame({
        "industry": ["Software"] * 50 + ["Retail"] * 50,
        "outcome": ["won"] * 10 + ["lost"] * 40 + ["won"] * 5 + [NA] * 40 + ["open"] * 5,
    })
    result = evaluate(leads, D(C("industry", values=["Software"])))
    metrics = outcome_metrics(leads, result)
    assert metrics.reliable is True and metrics.reason == ""
    assert metrics.win_rate_qualified == pytest.approx(0.2)
    assert metrics.win_rate_rest == pytest.approx(5 / 45)
    assert metrics.lift == pytest.approx(0.2 / (5 / 45))
    assert metrics.wins_caught == pytest.approx(10 / 15)
    # drop to 29 decided Software leads: no longer reliable
    fewer = leads.drop(index=range(10, 10 + 50 - (MIN_DECIDED - 1)))
    small = outcome_metrics(fewer, evaluate(fewer, D(C("industry", values=["Software"]))))
    assert small.qualified_decided == MIN_DECIDED - 1 and small.reliable is False


def test_outcome_metrics_none_without_evidence(leads, result):
    assert outcome_metrics(leads.drop(columns="outcome"), result) is None
    only_open = leads.assign(outcome=["open", NA, NA, "open", NA, NA, NA, NA, NA])
    assert outcome_metrics(only_open, result) is None


def test_outcome_metrics_without_qualified_leads_has_no_rate(leads):
    nobody = evaluate(leads, D(C("industry", values=["Mining"])))
    metrics = outcome_metrics(leads, nobody)
    assert metrics.qualified == 0 and metrics.win_rate_qualified is None
    assert metrics.lift is None and metrics.wins_caught == 0.0


def test_no_share_of_wins_caught_without_wins(leads):
    """Only lost and open deals: a share of no wins is no figure, not 0%."""
    no_wins = leads.assign(outcome=leads["outcome"].replace("won", "lost"))
    everyone = evaluate(no_wins, D())
    metrics = outcome_metrics(no_wins, everyone)
    assert metrics.wins == 0 and metrics.wins_caught is None


# --- waterfall ---------------------------------------------------------------------------------

def test_waterfall_numbers_by_hand(leads, result):
    table = waterfall(leads, DEFINITION)
    assert list(table.columns[:3]) == ["step", "removed", "remaining"]
    assert table["step"].tolist() == [
        "All leads",
        "Not wanted: Uses a personal e-mail address: yes",
        "MQL must have: Company size is at least 50 employees",  # removes 3: goes first
        "MQL must have: Industry is Software",
        "At least 30 points (= MQL)",
        "SQL must have: Confirmed budget is at least $25,000 (= SQL)",
    ]
    assert table["removed"].tolist() == [0, 1, 3, 1, 1, 2]
    assert table["remaining"].tolist() == [9, 8, 5, 4, 3, 1]
    assert table["kind"].tolist() == ["start", "disqualifier", "mql", "mql", "points", "sql"]
    assert waterfall(leads, DEFINITION, evaluation=result).equals(table)


def assert_waterfall_adds_up(table, result):
    remaining = table["remaining"].to_numpy()
    assert (remaining[1:] == remaining[:-1] - table["removed"].to_numpy()[1:]).all()
    assert table.loc[table["kind"] == "points", "remaining"].item() == result.count(MQL)
    assert remaining[-1] == result.count(SQL)


@pytest.mark.parametrize("draft", [facilitator_draft, marketing_draft, sales_draft])
def test_waterfall_adds_up_on_sample_leads(draft):
    leads = load_sample_leads()
    definition = draft()
    table = waterfall(leads, definition)
    assert table.loc[0, "remaining"] == len(leads)
    assert_waterfall_adds_up(table, evaluate(leads, definition))
    # largest removal first within the MQL must-haves
    gates = table.loc[table["kind"] == "mql", "removed"].tolist()
    assert gates[0] == max(gates)
    assert len(table) == 2 + len(definition.disqualifiers) + len(definition.gate("mql")) \
        + len(definition.gate("sql"))


def test_waterfall_without_gates_or_sql_rules(leads):
    definition = D(actions=[Action(field="demo_requested", points=10)], threshold=10)
    table = waterfall(leads, definition)
    assert table["step"].tolist() == ["All leads", "At least 10 points (= MQL)"]
    assert table["remaining"].tolist() == [9, 6]
    assert_waterfall_adds_up(table, evaluate(leads, definition))


def test_waterfall_names_missing_columns(leads):
    with pytest.raises(KeyError, match="seniority"):
        waterfall(leads, D(C("seniority", values=["VP"])))


# --- overlap -----------------------------------------------------------------------------------

def test_overlap_of_three():
    a = pd.Series([1, 1, 1, 1, 0, 0, 0, 0, 1, 0], dtype=bool)
    b = pd.Series([1, 1, 0, 0, 1, 1, 0, 0, 0, 0], dtype=bool)
    c = pd.Series([1, 0, 1, 0, 1, 0, 1, 0, 0, 0], dtype=bool)
    table = overlap({"Marketing": a, "Sales": b, "Facilitator": c})
    assert dict(zip(table["region"], table["count"], strict=True)) == {
        "Marketing only": 2, "Sales only": 1, "Facilitator only": 1,
        "Marketing & Sales": 1, "Marketing & Facilitator": 1, "Sales & Facilitator": 1,
        "all three": 1, "none": 2,
    }
    assert table["count"].sum() == 10
    assert table.loc[table["region"] == "all three", "sets"].item() == \
        ("Marketing", "Sales", "Facilitator")


def test_overlap_of_two_with_missing_values():
    a = pd.Series([True, True, False, None], dtype="boolean")
    b = pd.Series([True, False, False, True])
    table = overlap({"Marketing": a, "Sales": b})
    assert table["region"].tolist() == ["Marketing only", "Sales only", "Marketing & Sales",
                                        "none"]
    assert table["count"].tolist() == [1, 1, 1, 1]


@pytest.mark.parametrize("count", [1, 4])
def test_overlap_needs_two_or_three(count):
    with pytest.raises(ValueError):
        overlap({str(i): pd.Series([True]) for i in range(count)})


def test_overlap_needs_the_same_leads():
    with pytest.raises(ValueError):
        overlap({"a": pd.Series([True]), "b": pd.Series([True, False])})


# --- sample table ------------------------------------------------------------------------------

def test_sample_table_mixes_qualified_and_not(leads, result):
    table = sample_table(leads, DEFINITION, n=4)
    assert sample_table(leads, DEFINITION, n=4, evaluation=result).equals(table)
    shown = [c for c in ID_COLUMNS if c in leads.columns]  # these hand leads have no record id
    assert list(table.columns) == shown + ["stage", "points", "reasons"]
    assert len(table) == 4
    assert (table["stage"] == NOT_QUALIFIED).sum() == 2
    assert table["stage"].isin([MQL, SQL]).sum() == 2
    # qualified first; the reasons and stages are those of the same leads
    assert table["stage"].iloc[-1] == NOT_QUALIFIED and table["stage"].iloc[0] != NOT_QUALIFIED
    expected = reasons(leads, DEFINITION)
    for index, row in table.iterrows():
        assert row["reasons"] == expected[index]
        assert row["stage"] == result.stage[index]
        assert row["company"] == leads.at[index, "company"]


def test_sample_table_fills_up_from_the_larger_group(leads):
    table = sample_table(leads, DEFINITION, n=8)
    assert len(table) == 8
    assert table["stage"].isin([MQL, SQL]).sum() == 3  # only three qualify
    everyone = sample_table(leads, DEFINITION, n=100)
    assert len(everyone) == 9 and set(everyone["company"]) == set("ABCDEFGHI")


def test_sample_table_survives_a_repeated_index(leads):
    twice = pd.concat([leads, leads])
    table = sample_table(twice, DEFINITION, n=6, seed=3)
    assert len(table) == 6
    assert table["reasons"].str.len().gt(0).all()
    expected = dict(zip(leads["company"], reasons(leads, DEFINITION), strict=True))
    assert [expected[c] for c in table["company"]] == table["reasons"].tolist()


@pytest.mark.parametrize("seed", range(5))
def test_sample_reasons_measure_recency_from_the_whole_export_not_the_sample(seed):
    """Nobody qualifies (no lead is in Software), so the sample holds only older leads: a
    lead 35 days before the export's latest misses "the last 30 days" even when it is the
    newest of the sample, as its stage says."""
    days = np.random.default_rng(seed).permutation(200)
    leads = pd.DataFrame({"company": [f"Lead {d}" for d in days], "industry": "Retail",
                          "created": pd.Timestamp("2025-01-01") + pd.to_timedelta(days, "D")})
    recent = C("created", op="within_last", days=30)
    table = sample_table(leads, D(recent, C("industry", values=["Software"])), n=6, seed=seed)
    for company, why in zip(table["company"], table["reasons"], strict=True):
        missed = f"misses MQL gate: {recent.sentence()}" in why
        assert missed == (int(company.split()[1]) < 199 - 30), (company, why)


def test_sample_table_keeps_only_present_id_columns(leads):
    table = sample_table(leads.drop(columns=["job_title", "employees"]),
                         D(C("industry", values=["Software"])), n=3)
    assert list(table.columns) == ["company", "industry", "stage", "points", "reasons"]


# --- the demo drafts on the sample leads --------------------------------------------------------

def test_demo_drafts_on_sample_leads_are_plausible():
    leads = load_sample_leads()
    marketing, sales = marketing_draft(), sales_draft()
    m_result, s_result = evaluate(leads, marketing), evaluate(leads, sales)
    assert m_result.count(MQL) > 20 * s_result.count(MQL) > 0
    m_metrics = outcome_metrics(leads, m_result)
    s_metrics = outcome_metrics(leads, s_result)
    assert s_metrics.win_rate_qualified > 2 * m_metrics.win_rate_qualified
    assert m_metrics.wins_caught > s_metrics.wins_caught
    assert m_metrics.reliable and not s_metrics.reliable  # sales' 15 MQLs are too few
    assert m_metrics.lift > 1 and s_metrics.lift > 1
    # the live panel's headline figures follow the same rule (open deals left out)
    assert headline(leads, marketing)["mql_win_rate"] == m_metrics.win_rate_qualified
    won = (leads["outcome"] == "won") & m_result.frame["is_mql"]
    assert m_metrics.win_rate_qualified > won.sum() / m_result.count(MQL)  # open = not won
    volume = monthly_volume(leads, m_result)
    assert volume["mql"].sum() == m_result.count(MQL)
    assert volume["month"].is_monotonic_increasing and volume["month"].is_unique
    drafts = {"Facilitator": facilitator_draft(), "Marketing": marketing, "Sales": sales}
    table = overlap({name: evaluate(leads, d).frame["is_mql"] for name, d in drafts.items()})
    assert table["count"].sum() == len(leads)
    counts = dict(zip(table["region"], table["count"], strict=True))
    assert counts["Sales only"] == 0  # every sales MQL is also a marketing MQL
    sample = sample_table(leads, sales, n=10)
    assert sample["stage"].isin([MQL, SQL]).sum() == 5


# --- agreement on real leads -------------------------------------------------------------------

def test_pairwise_agreement_counts_the_leads_both_and_either_qualify():
    from workshop.preview import pairwise_agreement
    table = pairwise_agreement({
        "A": pd.Series([True, True, False, False]),
        "B": pd.Series([True, False, True, False]),
        "C": pd.Series([False, False, False, False]),
    }).set_index("pair")
    assert list(table.index) == ["A ↔ B", "A ↔ C", "B ↔ C"]
    assert table.loc["A ↔ B", ["both", "either"]].tolist() == [1, 3]
    assert table.loc["A ↔ B", "both_share"] == 0.25
    assert table.loc["A ↔ B", "agreement"] == pytest.approx(1 / 3)
    assert table.loc["A ↔ C", "agreement"] == 0.0


def test_pairwise_agreement_of_two_empty_sets_is_unknown_and_sizes_must_match():
    from workshop.preview import pairwise_agreement
    table = pairwise_agreement({"A": pd.Series([False]), "B": pd.Series([False])})
    assert table.loc[0, "agreement"] is None or math.isnan(table.loc[0, "agreement"])
    with pytest.raises(ValueError, match="same leads"):
        pairwise_agreement({"A": pd.Series([True]), "B": pd.Series([True, False])})


def test_pairwise_agreement_on_the_demo_drafts_matches_evaluate():
    from workshop.preview import pairwise_agreement
    leads = load_sample_leads()
    drafts = {"F": facilitator_draft(), "M": marketing_draft(), "S": sales_draft()}
    qualified = {n: evaluate(leads, d).frame["is_mql"] for n, d in drafts.items()}
    row = pairwise_agreement(qualified).set_index("pair").loc["M ↔ S"]
    both = int((qualified["M"] & qualified["S"]).sum())
    either = int((qualified["M"] | qualified["S"]).sum())
    assert (row["both"], row["either"]) == (both, either) and either > both > 0


def test_a_definition_that_cannot_run_keeps_its_row_and_hides_nothing_else():
    from workshop.definition import Criterion, Definition
    from workshop.preview import headline_table

    leads = load_sample_leads()
    lacking = Definition(criteria=[Criterion(field="Region", op="in", values=["EMEA"])])
    table = headline_table(leads, {"Marketing": marketing_draft(), "Sales": lacking,
                                   "Shared": sales_draft()}).set_index("Definition")
    assert table.at["Marketing", "MQL"] == evaluate(leads, marketing_draft()).count(MQL)
    assert table.at["Shared", "MQL"] == evaluate(leads, sales_draft()).count(MQL)
    assert pd.isna(table.at["Sales", "MQL"])
    assert "no column for “Region”" in table.at["Sales", "Note"]
    assert table.at["Marketing", "Note"] == ""


def test_leads_without_dates_say_which_date_columns_could_serve():
    leads = load_sample_leads()
    undated = leads.drop(columns=["created", "created_month"]).assign(
        engaged=pd.to_datetime(["2025-01-02 00:00"] * len(leads)))
    with pytest.raises(NoDates, match="map it to “Created date”") as caught:
        monthly_volume(undated, evaluate(undated, sales_draft()))
    assert "engaged" in str(caught.value)


def test_sample_table_shows_employees_as_whole_numbers_and_a_missing_one_as_blank(leads):
    odd = leads.copy()
    odd["employees"] = odd["employees"].astype(float)
    odd.loc[odd.index[0], "employees"] = 3000.5
    odd.loc[odd.index[1], "employees"] = float("nan")
    table = sample_table(odd, DEFINITION, n=len(odd))
    shown = table["employees"]
    assert str(shown.dtype) == "Int64"
    assert shown.loc[odd.index[0]] in (3000, 3001)  # never 3000.5
    assert shown.isna().loc[odd.index[1]]  # blank (the table's placeholder), not "None"/"nan"
    assert [str(v) for v in shown.dropna()] == [str(int(v)) for v in shown.dropna()]


def test_waterfall_without_a_points_threshold_says_no_points_are_needed(leads):
    """A definition of must-haves only: the step where the MQLs are counted removes no lead,
    and says why rather than "At least 0 points"."""
    definition = D(C("industry", values=["Software"]))
    assert definition.threshold == 0
    table = waterfall(leads, definition)
    assert table["step"].tolist()[-1] == "No points needed (= MQL)"
    assert int(table["removed"].iloc[-1]) == 0
    expected = int(leads["industry"].eq("Software").sum())
    assert int(table["remaining"].iloc[-1]) == expected
    assert_waterfall_adds_up(table, evaluate(leads, definition))
