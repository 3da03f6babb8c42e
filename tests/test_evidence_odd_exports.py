"""The evidence page on exports that are not the demo company's: an export whose newest month
holds a week, one where every deal is still open, one in euros, a tiny one. Expected figures
come from plain pandas on the file written here."""
from __future__ import annotations

import random
from datetime import datetime, timedelta
from pathlib import Path

import pandas as pd
import pytest

from tests.builders import C, D
from tests.test_real_exports_pages import open_page, revealed_workshop, table_with, texts
from workshop import capacity, column_types
from workshop.db import session as make_session
from workshop.evaluate import evaluate
from workshop.learn import Holdout, split
from workshop.pipeline import import_leads
from workshop.preview import NO_CAPACITY, outcome_metrics, per_month_value
from workshop.scorecard import scorecards, short_held_back
from workshop.ui.won_deals import _too_few_missed

INDUSTRIES = ("Software", "Retail", "Logistics")
SOFTWARE = D(C("industry", values=["Software"]))


def export(first: datetime, days: int, rows: int, stages=("Won", "Lost", "Open"),
           seed: int = 4, revenue: str = "") -> str:
    """Leads created over `days` days from `first`, written day first ("07/12/2026 14:03")."""
    rng = random.Random(seed)
    header = "Email;Industry;Employees;Created;Deal Stage" + (";Annual Revenue (EUR)"
                                                            if revenue else "")
    lines = [header]
    for i in range(rows):
        when = first + timedelta(days=rng.randrange(days), minutes=rng.randrange(1440))
        line = (f"p{i}@co{i}.example;{rng.choice(INDUSTRIES)};{rng.randrange(5, 900)};"
                f"{when:%d/%m/%Y %H:%M};{rng.choice(stages)}")
        lines.append(line + (f";{rng.randrange(1, 90) * 100_000}" if revenue else ""))
    return "\n".join(lines) + "\n"


def plain(text: str) -> pd.DataFrame:
    from io import StringIO
    frame = pd.read_csv(StringIO(text), sep=";", dtype=str)
    frame["Created"] = pd.to_datetime(frame["Created"], format="%d/%m/%Y %H:%M")
    return frame


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, "utf-8")
    return path


# --- the newest month a week old -----------------------------------------------------------------

def test_a_week_of_held_back_leads_gives_no_month_figure_nor_verdict():
    text = export(datetime(2026, 11, 8), 30, 300)  # 8 Nov to 7 Dec: December is a week
    leads = import_leads(text.encode(), "week.csv").leads
    frame = plain(text)
    held = split(leads).held
    assert held.sum() == (frame["Created"] >= "2026-12-01").sum()  # December, held back
    cards = scorecards(leads, {"Shared": SOFTWARE}, capacity=200.0)
    figures = cards["Shared"].figures
    days = (frame.loc[frame["Created"] >= "2026-12-01", "Created"].dt.normalize().agg(
        ["min", "max"]).diff().iloc[-1].days) + 1
    assert figures.short_days == days <= 7
    assert figures.mql_per_month is None and cards["Shared"].verdict is None
    # The rest of the scorecard is still there, and right.
    december = frame[frame["Created"] >= "2026-12-01"]
    assert figures.mql == (december["Industry"] == "Software").sum()
    assert f"span only {days} days" in short_held_back(cards)


def test_a_whole_held_back_month_keeps_its_figure_as_plain_pandas_counts_it():
    text = export(datetime(2026, 9, 1), 91, 400)  # September to November, whole months
    leads = import_leads(text.encode(), "quarter.csv").leads
    frame = plain(text)
    cards = scorecards(leads, {"Shared": SOFTWARE}, capacity=200.0)
    figures = cards["Shared"].figures
    held_months = frame["Created"].dt.to_period("M") >= str(split(leads).since)
    qualified = (frame.loc[held_months, "Industry"] == "Software").sum()
    covered = frame.loc[held_months, "Created"].dt.to_period("M").nunique()
    assert figures.short_days is None and short_held_back(cards) == ""
    assert figures.mql_per_month == per_month_value(qualified / covered)


def test_the_page_leaves_the_week_out_and_says_why(database, tmp_path):
    path = write(tmp_path, "week.csv", export(datetime(2026, 11, 8), 30, 300))
    params = revealed_workshop(database, SOFTWARE, path)
    at = open_page(params, "views/evidence.py")
    cards = table_with(at, "Against capacity")
    assert cards["MQL a month"].isna().all() and cards["Against capacity"].isna().all()
    assert "too few to work out a month's leads from" in texts(at)


# --- every deal still open ---------------------------------------------------------------------

def test_no_won_deals_button_when_every_deal_is_open(database, tmp_path):
    path = write(tmp_path, "open.csv", export(datetime(2026, 9, 1), 91, 200,
                                               stages=("Discovery", "Proposal", "Negotiation")))
    params = revealed_workshop(database, SOFTWARE, path)
    at = open_page(params, "views/evidence.py")
    assert not [b for b in at.button if "won deals" in str(b.label)]
    assert "No lead in this export was won or lost yet" in texts(at)


# --- capacity not entered ----------------------------------------------------------------------

def test_no_capacity_gives_no_verdict_in_the_table(database, tmp_path):
    path = write(tmp_path, "quarter.csv", export(datetime(2026, 9, 1), 91, 200))
    params = revealed_workshop(database, SOFTWARE, path)
    with make_session(database) as s:
        capacity.set_capacity(s, params["ws"], params["key"], 0, 40)
    at = open_page(params, "views/evidence.py")
    verdicts = table_with(at, "Verdict")["Verdict"]
    assert set(verdicts) == {NO_CAPACITY}
    assert "No sales capacity entered" in texts(at)


# --- a currency warning names each draft once -------------------------------------------------

def test_the_currency_warning_names_the_facilitators_draft_once(database, tmp_path):
    path = write(tmp_path, "euros.csv", export(datetime(2026, 9, 1), 91, 200, revenue="EUR"))
    in_dollars = D(C("annual_revenue", "at_least", low=1_000_000, currency="USD"))
    params = revealed_workshop(database, in_dollars, path)
    page = texts(open_page(params, "views/evidence.py"))
    warning = next(line for line in page.splitlines() if "writes its amounts in EUR" in line)
    assert "Facilitator in USD" in warning and "Your draft" not in warning


# --- a tiny export: what the scorecards say of a change ----------------------------------------

def _held(wins: int, won_mql: int) -> Holdout:
    return Holdout(leads=3, decided=2, wins=wins, months=1, mql=2, mql_per_month=None,
                   won_mql=won_mql, win_rate=None, win_rate_low=None, win_rate_high=None,
                   wins_caught=None, lift=None, base_rate=None)


@pytest.mark.parametrize(("wins", "caught", "said"), [
    (1, 1, "catches the one held-back win: no change is needed"),
    (3, 3, "catches all 3 held-back wins"),
    (1, 0, "misses the one held-back win, so no change could catch 2 or more"),
    (4, 3, "misses 1 of the 4 held-back wins, so no change could catch 2 or more"),
])
def test_too_few_missed_wins_are_named_not_searched(wins, caught, said):
    assert said in _too_few_missed(_held(wins, caught))


def test_the_tiny_exports_scorecards_say_what_they_miss(database, tmp_path):
    text = ("Email,Industry,Created,Deal Stage\n"
            "a@a.example,Software,2026-09-03,Won\nb@b.example,Retail,2026-09-20,Lost\n"
            "c@c.example,Software,2026-10-02,Won\nd@d.example,Retail,2026-10-15,Open\n"
            "e@e.example,Software,2026-10-30,Lost\nf@f.example,Software,2026-11-02,Won\n"
            "g@g.example,Retail,2026-11-07,Lost\nh@h.example,Software,2026-11-12,Open\n")
    params = revealed_workshop(database, SOFTWARE, write(tmp_path, "tiny.csv", text))
    page = texts(open_page(params, "views/evidence.py"))
    assert "catches the one held-back win" in page
    assert "no single change would have caught" not in page


# --- small words -------------------------------------------------------------------------------

def test_one_decided_lead_is_singular():
    text = ("Email,Industry,Deal Stage\n" + "".join(
        f"p{i}@x.example,Software,{'Won' if i % 2 else 'Lost'}\n" for i in range(6))
        + "q@x.example,Retail,Lost\n")
    leads = import_leads(text.encode(), "t.csv").leads
    reason = outcome_metrics(leads, evaluate(leads, SOFTWARE)).reason
    assert "only 1 decided lead outside the MQLs" in reason
    assert "only 6 decided MQLs" in reason


def test_a_day_first_example_is_a_date_that_exists():
    values = pd.Series(["31/02/2026 10:00", "05/11/2026 09:00", "17/11/2026 10:00", ""])
    order, ambiguous, evidence = column_types.date_order(values)
    assert (order, ambiguous, evidence) == (column_types.DAY_FIRST, False, "17/11/2026 10:00")
    only = pd.Series(["31/02/2026 10:00", "05/11/2026 09:00"])  # the only deciding value
    assert column_types.date_order(only)[2] == "31/02/2026 10:00"
