"""A fresh export on which the agreed version qualifies no lead: the industries it names are
gone (the CRM admin renamed them), or its points threshold is out of reach. The 0 is not a
finding about the definition's win figures ("from few decided leads", as the one-pager said
though the export held hundreds of wins): the versions page says why no lead qualifies, and
every sentence about wins says "no lead qualified". Expected figures: plain pandas."""
from __future__ import annotations

from datetime import datetime

from tests.test_real_exports_pages import open_page, texts
from tests.test_revisit_fresh_exports import FIRST as FIRST_EXPORT
from tests.test_revisit_fresh_exports import (
    LOGISTICS,
    STAGES,
    comparison,
    plain_reading,
    signed_on,
    store_upload,
    zoho_export,
)
from workshop.definition import Definition
from workshop.measure import (
    FEW_OUTCOMES,
    FEW_WINS,
    Figures,
    measure,
    win_caveats,
    wins_sentence,
)
from workshop.pipeline import import_leads
from workshop.preview import none_qualified_sentence


def renamed_industries(rows: int = 400, seed: int = 9) -> bytes:
    """The same CRM months later, its industries now "Freight & Logistics" and the like."""
    data = zoho_export(rows, seed, datetime(2024, 6, 1), 90, stages=STAGES)
    text = data.decode("utf-8-sig")
    for old, new in (("Logistics", "Freight & Logistics"),
                     ("Transportation", "Transport Services")):
        text = text.replace(f";{old};", f";{new};")
    return text.encode("utf-8-sig")


FRESH = renamed_industries()


def test_the_fresh_export_holds_wins_but_none_of_the_named_industries():
    truth = plain_reading(FRESH, 1.0)
    assert not truth.industry.isin(["Logistics", "Transportation"]).any()
    assert int((truth.stage == "Closed Won").sum()) > 20


def test_a_must_have_no_lead_meets_is_named():
    leads = import_leads(FRESH, "fresh.csv").leads
    figures = measure(leads, LOGISTICS)
    assert figures.qualified == 0
    sentence = none_qualified_sentence(leads, LOGISTICS)
    assert sentence.startswith("No lead qualifies because no lead at all meets")
    assert "“Industry is Logistics or Transportation”" in sentence
    assert "Employees" not in sentence  # met by some leads: not the reason


def test_a_threshold_out_of_reach_is_named_as_the_step_that_empties():
    leads = import_leads(FIRST_EXPORT, "first.csv").leads
    truth = plain_reading(FIRST_EXPORT, 1.0)
    reachable = Definition.from_dict({"criteria": [
        {"field": "industry", "op": "in", "values": ["Logistics"], "role": "nice",
         "points": 10}], "threshold": 500})
    assert truth.industry.eq("Logistics").any()
    assert measure(leads, reachable).qualified == 0
    assert none_qualified_sentence(leads, reachable) == \
        "No lead qualifies: after “At least 500 points (= MQL)” no lead is left."


def test_nothing_is_said_when_some_lead_qualifies():
    leads = import_leads(FIRST_EXPORT, "first.csv").leads
    assert measure(leads, LOGISTICS).qualified > 0
    assert none_qualified_sentence(leads, LOGISTICS) == ""


def test_win_sentences_say_no_lead_qualified_not_few_outcomes():
    leads = import_leads(FRESH, "fresh.csv").leads
    figures = measure(leads, LOGISTICS)
    wins = int((plain_reading(FRESH, 1.0).stage == "Closed Won").sum())
    assert figures.wins == wins
    assert wins_sentence(figures) == \
        f"It would have caught none of the {wins:,} past wins: no lead qualified."
    caveats = win_caveats({"when agreed": None, "now": figures})
    assert caveats == [f"No lead qualified among the leads measured now, so none of their "
                       f"{wins:,} wins is caught and qualified leads have no win rate."]
    assert not any(FEW_OUTCOMES in c for c in caveats)


def test_few_outcomes_is_still_said_when_leads_qualify_on_few_deals():
    figures = Figures(leads=40, months=3, qualified=5, sql=2, qualified_per_month=1.7,
                      sql_per_month=0.7, wins=3, wins_caught=2 / 3, win_rate_qualified=0.5,
                      win_rate_rest=0.1, lift=5.0, reliable=False)
    # three wins: counted, not a share or a rate (tests/test_few_wins_counted.py)
    assert wins_sentence(figures) == f"It would have caught 2 of the 3 past wins ({FEW_WINS})."
    assert win_caveats({"now": figures}) == [f"The win figures now are {FEW_OUTCOMES}."]


def test_the_versions_page_and_one_pager_say_why_no_lead_qualifies(database, tmp_path):
    params = signed_on(database, tmp_path, FIRST_EXPORT)
    store_upload(database, params, FRESH, "zoho_deals_2024Q3.csv")
    at = open_page(params, "views/history.py")
    table = comparison(at)
    assert table.at["Share of leads qualified", "Now"] in ("0%", "0.0%")
    page = texts(at)
    assert "No lead qualifies because no lead at all meets" in page
    assert FEW_OUTCOMES not in page
    wins = int((plain_reading(FRESH, 1.0).stage == "Closed Won").sum())
    one_pager = texts(open_page(params, "views/communicate.py"))
    assert f"none of the {wins:,} past wins: no lead qualified" in one_pager
    assert FEW_OUTCOMES not in one_pager
