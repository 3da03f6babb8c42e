"""Outcomes read from real-shaped exports: closed stages that are not won, Pipedrive's deal
status beside its pipeline stage, won dates written as zero dates, stages in other languages,
Freshsales' lead stage and Close's status label, a won flag beside a closed flag.

Each expected figure is worked out in the test from the CSV with plain pandas and a reading of
the stages written out by hand, not by the app's own rules.
"""
from __future__ import annotations

import io
import json

import numpy as np
import pandas as pd
import pytest

from tests.builders import C, D
from workshop.leads import outcome
from workshop.mapping import (
    Mapping,
    _distinct,
    _stage_outcome,
    apply_mapping,
    apply_outcome,
    auto_map,
    lost_by_default,
    suggest_closed,
    suggest_outcome,
    validate,
)
from workshop.measure import measure
from workshop.pipeline import import_leads

# A Salesforce opportunity report: closed stages of every kind, and open ones.
OPPORTUNITIES = """\
Opportunity Name,Account Name,Employees,Stage,Created Date
Renewal A,Acme,500,Closed Won,2026-01-05
New B,Beta,500,Closed - No Decision,2026-01-09
New C,Gamma,500,Closed - No Decision,2026-01-12
New D,Delta,500,Closed (no deal),2026-02-02
New E,Epsilon,20,Closed Won,2026-02-03
New F,Zeta,20,Closed Lost,2026-02-10
New G,Eta,20,Negotiation/Review,2026-02-11
New H,Theta,500,Closed - Not Won,2026-03-01
New I,Iota,500,Closed - Duplicate,2026-03-02
New J,Kappa,20,Proposal/Price Quote,2026-03-03
New K,Lambda,500,Not won,2026-03-04
"""
# The same stages read by a person: closed without a win is lost, anything else is open.
BY_HAND = {
    "Closed Won": "won", "Closed - No Decision": "lost", "Closed (no deal)": "lost",
    "Closed Lost": "lost", "Negotiation/Review": "open", "Closed - Not Won": "lost",
    "Closed - Duplicate": "lost", "Proposal/Price Quote": "open", "Not won": "lost",
}


def imported(csv: str, name: str = "export.csv"):
    return import_leads(csv.encode("utf-8"), name)


def by_hand(frame: pd.DataFrame, outcomes: pd.Series, qualified: pd.Series) -> dict:
    """Wins, and the share of them a definition catches, from plain pandas."""
    won = outcomes == "won"
    return {"wins": int(won.sum()),
            "wins_caught": float((qualified & won).sum() / won.sum()) if won.any() else None}


def test_closed_stages_without_a_win_are_lost_not_open():
    imp = imported(OPPORTUNITIES)
    raw = pd.read_csv(io.StringIO(OPPORTUNITIES), dtype=str)
    expected = raw["Stage"].map(BY_HAND)
    assert list(imp.leads["outcome"]) == list(expected)
    # The win rate among qualified leads counts the closed stages as decided.
    definition = D(C("employees", "at_least", low=100))
    figures = measure(imp.leads, definition)
    qualified = raw["Employees"].astype(int) >= 100
    assert {"wins": figures.wins, "wins_caught": figures.wins_caught} == by_hand(
        raw, expected, qualified)


def test_a_deal_stage_column_reads_the_same_with_or_without_the_suggestion():
    """The outcome a deal-stage column gives by itself (`leads.outcome`) and the one the
    import suggests for it (`mapping`) come from one reading of the stages."""
    stages = pd.Series(list(BY_HAND) + ["Gewonnen", "Verloren", "Perdido", "Ganado",
                                        "Gagné", "Perdu", "Closed", "Qualification",
                                        "Disqualified", "Closed - Converted"], dtype="str")
    own = outcome(stages)
    won, opened = _stage_outcome(_distinct(stages))
    suggested = apply_outcome(stages, won, opened)
    assert list(own) == list(suggested)
    assert list(own.iloc[len(BY_HAND):]) == ["won", "lost", "lost", "won", "won", "lost",
                                             "open", "open", "lost", "won"]


PIPEDRIVE = (
    "Deal - Title,Deal - Status,Deal - Stage,Organization - Name,"
    "Organization - Number of employees,Deal - Deal created\n") + """\
Acme deal,won,Negotiations Started,Acme,120,2026-01-05
Beta deal,lost,Qualified,Beta,30,2026-01-09
Gamma deal,open,Proposal Made,Gamma,300,2026-02-10
Delta deal,won,Proposal Made,Delta,800,2026-02-11
Eps deal,lost,Contact Made,Eps,15,2026-03-01
Zeta deal,won,Contact Made,Zeta,40,2026-03-02
Eta deal,deleted,Qualified,Eta,400,2026-03-05
"""


def test_pipedrive_deal_status_is_the_outcome_not_the_pipeline_stage():
    imp = imported(PIPEDRIVE, "deals-export.csv")
    assert imp.mapping.outcome_column == "Deal - Status"
    raw = pd.read_csv(io.StringIO(PIPEDRIVE), dtype=str)
    status = raw["Deal - Status"]
    expected = status.where(status.isin(["won", "open"]), "lost")
    assert list(imp.leads["outcome"]) == list(expected)
    figures = measure(imp.leads, D(C("employees", "at_least", low=100)))
    qualified = raw["Organization - Number of employees"].astype(int) >= 100
    assert {"wins": figures.wins, "wins_caught": figures.wins_caught} == by_hand(
        raw, expected, qualified)


ZERO_DATES = """\
lead_id,created_at,industry,employees,converted_at
1,2026-01-03 10:00:00,software,120,2026-02-01 09:00:00
2,2026-01-05 10:00:00,retail,15,0000-00-00 00:00:00
3,2026-01-09 10:00:00,software,300,0000-00-00 00:00:00
4,2026-02-03 10:00:00,retail,40,2026-03-11 12:00:00
5,2026-02-13 10:00:00,software,800,0000-00-00 00:00:00
6,2026-02-20 10:00:00,software,90,
"""


def test_a_zero_date_is_no_conversion():
    imp = imported(ZERO_DATES, "leads.csv")
    assert imp.mapping.outcome_column == "converted_at" and imp.mapping.won_when_present
    raw = pd.read_csv(io.StringIO(ZERO_DATES), dtype=str)
    converted = raw["converted_at"].fillna("").str.match(r"[1-9]\d{3}-")
    assert list(imp.leads["outcome"] == "won") == list(converted)
    assert imp.leads["outcome"].isna().sum() == int((~converted).sum())  # no deal: not won
    figures = measure(imp.leads, D(C("employees", "at_least", low=100)))
    qualified = raw["employees"].astype(int) >= 100
    assert figures.wins == int(converted.sum())
    assert figures.wins_caught == pytest.approx((qualified & converted).sum() / converted.sum())


def test_a_won_date_column_of_zero_dates_only_says_nothing():
    csv = "Email,Employees,converted_at\n" + "".join(
        f"p{i}@corp{i}.com,{100 + i},0000-00-00 00:00:00\n" for i in range(5))
    imp = imported(csv, "leads.csv")
    assert imp.mapping.outcome_column != "converted_at"
    assert "outcome" not in imp.leads or not (imp.leads["outcome"] == "won").any()
    assert np.all(imp.leads["employees"].to_numpy() >= 100)


GERMAN_PIPEDRIVE = (
    "Deal - Titel,Deal - Status,Organisation - Name,Organisation - Anzahl Mitarbeiter\n") + """\
Acme Deal,Gewonnen,Acme,120
Beta Deal,Verloren,Beta,30
Gamma Deal,Offen,Gamma,300
Delta Deal,Gewonnen,Delta,800
Eps Deal,Verloren,Eps,15
Zeta Deal,Offen,Zeta,40
"""


def test_a_german_deal_status_reads_won_lost_and_open():
    """'Offen' deals are still open: read as lost they would pull every win rate down."""
    imp = imported(GERMAN_PIPEDRIVE, "deals-export.csv")
    assert imp.mapping.outcome_column == "Deal - Status"
    raw = pd.read_csv(io.StringIO(GERMAN_PIPEDRIVE), dtype=str)
    expected = raw["Deal - Status"].map({"Gewonnen": "won", "Verloren": "lost",
                                         "Offen": "open"})
    assert list(imp.leads["outcome"]) == list(expected)


# --- lead statuses: a custom pipeline, and Salesforce's IsConverted beside its Status ---------

CUSTOM_STATUSES = """\
Company,Employees,Lead Status,Create Date
A,500,Won,2025-11-03
B,500,Proposal Sent,2025-11-04
C,500,Meeting Booked,2025-11-05
D,500,Qualified,2025-11-06
E,500,Lost,2025-11-07
F,20,Won,2025-12-01
G,20,Not interested,2025-12-02
H,20,Junk,2025-12-03
I,20,Demo Scheduled,2025-12-04
J,20,Qualifiziert,2025-12-05
K,20,Closed - Not Converted,2025-12-06
"""
# Read by a person: won, ended without a sale, or still being worked.
STATUS_BY_HAND = {"Won": "won", "Lost": "lost", "Not interested": "lost", "Junk": "lost",
                  "Closed - Not Converted": "lost"}


def test_a_lead_status_still_being_worked_is_open_not_lost():
    imp = imported(CUSTOM_STATUSES)
    raw = pd.read_csv(io.StringIO(CUSTOM_STATUSES), dtype=str)
    expected = raw["Lead Status"].map(STATUS_BY_HAND).fillna("open")
    assert imp.mapping.outcome_column == "Lead Status"
    assert list(imp.leads["outcome"]) == list(expected)
    qualified = raw["Employees"].astype(int) >= 100
    figures = measure(imp.leads, D(C("employees", "at_least", low=100)))
    decided = expected != "open"
    won = expected == "won"
    assert figures.win_rate_qualified == (won & qualified).sum() / (decided & qualified).sum()
    assert figures.win_rate_rest == (won & ~qualified).sum() / (decided & ~qualified).sum()


SALESFORCE_LEADS = """\
Id,Company,NumberOfEmployees,Status,IsConverted,CreatedDate
00Q1,A,500,Closed - Converted,true,2025-11-01T10:00:00.000Z
00Q2,B,500,Working - Contacted,false,2025-11-02T10:00:00.000Z
00Q3,C,500,Open - Not Contacted,false,2025-11-03T10:00:00.000Z
00Q4,D,500,Closed - Not Converted,false,2025-11-04T10:00:00.000Z
00Q5,E,20,Closed - Converted,true,2025-11-05T10:00:00.000Z
00Q6,F,20,Working - Contacted,false,2025-11-06T10:00:00.000Z
00Q7,G,20,Closed - Not Converted,false,2025-11-07T10:00:00.000Z
"""


def test_salesforce_status_beside_is_converted_keeps_leads_being_worked_open():
    """IsConverted alone says false for a lead nobody has called yet, which counted it lost;
    its Status says it is open. With or without the IsConverted column, the same figures."""
    raw = pd.read_csv(io.StringIO(SALESFORCE_LEADS), dtype=str)
    expected = raw["Status"].map({"Closed - Converted": "won",
                                  "Closed - Not Converted": "lost"}).fillna("open")
    definition = D(C("employees", "at_least", low=100))
    qualified = raw["NumberOfEmployees"].astype(int) >= 100
    decided, won = expected != "open", expected == "won"
    without_flag = raw.drop(columns="IsConverted").to_csv(index=False)
    for csv in (SALESFORCE_LEADS, without_flag):
        imp = imported(csv)
        assert list(imp.leads["outcome"]) == list(expected)
        figures = measure(imp.leads, definition)
        assert figures.win_rate_qualified == (won & qualified).sum() / (decided & qualified).sum()
        assert figures.win_rate_rest == (won & ~qualified).sum() / (decided & ~qualified).sum()


# --- Freshsales' lead stage, Close's status label ----------------------------------------------

FRESHSALES_LEADS = """\
First name,Company name,Number of employees,Lead stage,Created at
Ann,A,500,Won,2025-11-01
Bob,B,500,Interested,2025-11-02
Cat,C,500,Lost,2025-11-03
Dan,D,20,Demo,2025-11-04
Eve,E,20,Won,2025-11-05
Fay,F,20,Lost,2025-11-06
Gus,G,500,New,2025-11-07
"""


def test_freshsales_lead_stage_with_won_and_lost_is_the_outcome():
    """Won is won, Lost is lost, a lead still at New, Interested or Demo is open."""
    imp = imported(FRESHSALES_LEADS)
    raw = pd.read_csv(io.StringIO(FRESHSALES_LEADS), dtype=str)
    expected = raw["Lead stage"].map({"Won": "won", "Lost": "lost"}).fillna("open")
    assert imp.mapping.outcome_column == "Lead stage"
    assert list(imp.leads["outcome"]) == list(expected)
    qualified = raw["Number of employees"].astype(int) >= 100
    figures = measure(imp.leads, D(C("employees", "at_least", low=100)))
    decided, won = expected != "open", expected == "won"
    assert figures.win_rate_qualified == (won & qualified).sum() / (decided & qualified).sum()
    assert figures.win_rate_rest == (won & ~qualified).sum() / (decided & ~qualified).sum()


def test_close_status_label_customer_is_won():
    """Close's default statuses: Customer is won, Bad Fit lost, Potential and Qualified open."""
    csv = ("display_name,status_label\nA,Customer\nB,Potential\nC,Bad Fit\nD,Qualified\n"
           "E,Customer\n")
    imp = imported(csv)
    raw = pd.read_csv(io.StringIO(csv), dtype=str)
    assert imp.mapping.outcome_column == "status_label"
    assert list(imp.leads["outcome"]) == list(
        raw["status_label"].map({"Customer": "won", "Bad Fit": "lost"}).fillna("open"))


# --- a won flag beside a closed flag -----------------------------------------------------------

DEALS_WITH_FLAGS = """\
Deal Name,Number of Employees,{won},{closed},Create Date
A,500,true,true,2025-11-01
B,500,false,false,2025-11-02
C,500,false,false,2025-11-03
D,500,false,true,2025-11-04
E,20,true,true,2025-11-05
F,20,false,true,2025-11-06
G,20,false,,2025-11-07
"""


@pytest.mark.parametrize(("won_header", "closed_header"), [
    ("Is Closed Won", "Is closed"), ("IsWon", "IsClosed")], ids=["hubspot", "salesforce"])
def test_a_deal_neither_won_nor_closed_is_open(won_header, closed_header):
    """HubSpot's and Salesforce's deal exports without a stage: not won and not closed is a
    deal still open, not a loss; a blank closed flag says nothing, so not won stays lost."""
    csv = DEALS_WITH_FLAGS.format(won=won_header, closed=closed_header)
    raw = pd.read_csv(io.StringIO(csv), dtype=str, keep_default_na=False)
    won = raw[won_header] == "true"
    expected = np.where(won, "won", np.where(raw[closed_header] == "false", "open", "lost"))
    columns = auto_map(raw.columns)
    guess = suggest_outcome(raw, columns)
    assert guess.column == won_header
    assert suggest_closed(raw, guess) == closed_header
    mapping = Mapping(columns, guess.column, guess.won_values, guess.open_values,
                      closed_column=suggest_closed(raw, guess),
                      lost_values=lost_by_default(raw[guess.column], guess.won_values,
                                                  guess.open_values))
    saved = Mapping.from_json(mapping.to_json())
    assert saved == mapping
    imp = import_leads(csv.encode(), "deals.csv", mapping=saved)
    assert list(imp.leads["outcome"]) == list(expected)
    automatic = import_leads(csv.encode(), "deals.csv")  # the upload's own reading
    assert automatic.mapping == mapping
    assert list(automatic.leads["outcome"]) == list(expected)
    qualified = raw["Number of Employees"].astype(int) >= 100
    decided, is_won = pd.Series(expected) != "open", pd.Series(expected) == "won"
    figures = measure(imp.leads, D(C("employees", "at_least", low=100)))
    assert figures.win_rate_qualified == (is_won & qualified).sum() / (decided & qualified).sum()
    assert figures.win_rate_qualified == 0.5  # A won, D lost; B and C still open
    # The flags as real booleans (a workbook's TRUE/FALSE read as such) read the same.
    flags = raw.assign(**{won_header: won, closed_header: raw[closed_header].map(
        {"true": True, "false": False})})
    assert list(apply_outcome(flags[won_header], ["True"], closed=flags[closed_header])) == \
        list(expected)


def test_a_closed_flag_beside_stages_it_agrees_with_changes_nothing():
    """Beside a stage the closed flag is read too (a stage of the company's own it marks
    closed is lost: tests/test_closed_flag_beside_own_stages.py); where it agrees with the
    stages, every lead reads as the stage says. A flag of words is no flag."""
    raw = pd.DataFrame({"Stage": ["Closed Won", "Proposal", "Closed Lost"],
                        "IsClosed": ["true", "false", "true"]})
    guess = suggest_outcome(raw, auto_map(raw.columns))
    assert guess.column == "Stage" and suggest_closed(raw, guess) == "IsClosed"
    assert list(apply_outcome(raw["Stage"], guess.won_values, guess.open_values,
                              closed=raw["IsClosed"])) == ["won", "open", "lost"]
    words = pd.DataFrame({"IsWon": ["true", "false"], "IsClosed": ["soon", "later"]})
    assert suggest_closed(words, suggest_outcome(words, {})) is None


def test_a_mapping_saved_before_the_closed_flag_reads_as_before():
    """Its JSON has no closed column and comes back byte for byte; a closed column must be a
    header, and must be in the export."""
    old = json.dumps({"schema_version": 1, "columns": {"Amount": "amount"},
                      "outcome_column": "IsWon", "won_values": ["true"], "open_values": [],
                      "lost_values": ["false"]}, ensure_ascii=False, indent=2)
    mapping = Mapping.from_json(old)
    assert mapping.closed_column is None and mapping.to_json() == old
    raw = pd.DataFrame({"Amount": ["1", "2"], "IsWon": ["true", "false"],
                        "IsClosed": ["true", "false"]})
    assert list(apply_mapping(raw, mapping)["outcome"]) == ["won", "lost"]
    with pytest.raises(ValueError, match="closed_column"):
        Mapping.from_json(json.dumps({**json.loads(old), "closed_column": 3}))
    gone = Mapping(outcome_column="IsWon", won_values=["true"], closed_column="IsClosed")
    assert any("IsClosed" in p for p in validate(gone, ["IsWon"]))


def test_a_status_saying_the_lead_won_t_buy_is_lost_not_won():
    csv = "Company,Employees,Lead Status\nA,500,Converted\nB,500,Won't buy\nC,20,Working\n"
    imp = imported(csv)
    assert list(imp.leads["outcome"]) == ["won", "lost", "open"]


def test_a_second_converted_status_leaves_the_outcome_to_is_converted():
    """An org that converts leads from "Qualified" as well as "Closed - Converted": the status
    does not call every converted lead won, so IsConverted (which does) is the outcome."""
    csv = ("Company,Status,IsConverted\nA,New,0\nB,Closed - Converted,1\nC,Qualified,1\n"
           "D,Working,0\n")
    raw = pd.read_csv(io.StringIO(csv), dtype=str)
    imp = imported(csv)
    assert imp.mapping.outcome_column == "IsConverted"
    assert list(imp.leads["outcome"]) == list(raw["IsConverted"].map({"1": "won", "0": "lost"}))
