"""The evidence on a small or lopsided export, as small companies' exports are: a number shown
is right or absent. An export of won deals only (or whose lost deals are marked elsewhere) has
no win rate; an export whose deals are all open is told so, not sent to fix its mapping; one
qualifying lead in three years is not "0.0 a month"; one lead dated 2099 in an export of 40
does not spread the per-month figures over 75 years. Expected figures with plain pandas."""
from __future__ import annotations

import io
import random
from datetime import date, timedelta
from pathlib import Path

import pandas as pd
from streamlit.testing.v1 import AppTest

from tests.builders import C, D
from workshop import store
from workshop.db import session as make_session
from workshop.definition import Definition
from workshop.evaluate import evaluate
from workshop.mapping import headers_signature
from workshop.measure import formatted, measure, volume_sentence, wins_sentence
from workshop.pipeline import import_leads
from workshop.preview import NO_LOSS, capacity_verdict, outcome_metrics
from workshop.uploads import save_upload

APP = str(Path(__file__).resolve().parent.parent / "app.py")
SOFTWARE = D(C("industry", "in", values=["Software"], role="must"))


def export(rows: int, stages: list[str], start: date = date(2024, 1, 15), days: int = 170,
           seed: int = 5, dates: list[str] | None = None) -> bytes:
    rng = random.Random(seed)
    frame = pd.DataFrame({
        "Email": [f"p{i}@firm{i}.com" for i in range(rows)],
        "Company Name": [f"Firm {i}" for i in range(rows)],
        "Industry": [rng.choice(["Software", "Retail", "Logistics"]) for _ in range(rows)],
        "Create Date": dates or [(start + timedelta(days=rng.randint(0, days))).isoformat()
                                 for _ in range(rows)],
        "Deal Stage": [rng.choice(stages) for _ in range(rows)],
    })
    buffer = io.StringIO()
    frame.to_csv(buffer, index=False)
    return buffer.getvalue().encode()


def written(data: bytes) -> pd.DataFrame:
    return pd.read_csv(io.BytesIO(data), dtype=str, keep_default_na=False)


def test_an_export_of_won_deals_only_has_no_win_rate_but_its_wins_caught():
    data = export(300, ["Closed Won"])
    leads = import_leads(data, "won.csv").leads
    metrics = outcome_metrics(leads, evaluate(leads, SOFTWARE))
    software = written(data)["Industry"].eq("Software")
    assert metrics.wins == 300
    assert metrics.wins_caught == software.sum() / 300
    assert (metrics.win_rate_qualified, metrics.win_rate_rest, metrics.lift) == (None,) * 3
    assert not metrics.reliable and metrics.reason == NO_LOSS
    sentence = wins_sentence(measure(leads, SOFTWARE))
    assert "no win rate can be worked out" in sentence and "as often" not in sentence


def test_won_and_open_deals_without_a_lost_one_have_no_win_rate_either():
    """Odoo archives a lost opportunity and leaves its stage as it was."""
    data = export(400, ["New", "Qualified", "Proposition", "Won"])
    leads = import_leads(data, "odoo.csv").leads
    metrics = outcome_metrics(leads, evaluate(leads, SOFTWARE))
    stages = written(data)["Deal Stage"]
    assert metrics.wins == int(stages.eq("Won").sum())
    assert metrics.open_excluded == int((~stages.eq("Won")).sum())
    assert metrics.win_rate_qualified is None and metrics.reason == NO_LOSS


def test_a_lost_deal_or_a_lead_without_a_deal_brings_the_rates_back():
    data = export(400, ["Closed Won", "Closed Won", "Closed Lost", ""])
    leads = import_leads(data, "usual.csv").leads
    metrics = outcome_metrics(leads, evaluate(leads, SOFTWARE))
    frame = written(data)
    software, won = frame["Industry"].eq("Software"), frame["Deal Stage"].eq("Closed Won")
    assert metrics.win_rate_qualified == won[software].mean()
    assert metrics.win_rate_rest == won[~software].mean()


def test_one_qualifying_lead_in_three_years_is_not_none_a_month():
    rows = 40
    dates = [(date(2021, 6, 1) + timedelta(days=27 * i)).isoformat() for i in range(rows)]
    data = export(rows, ["Closed Lost", ""], dates=dates)
    leads = import_leads(data, "small.csv").leads
    one = D(C("Company Name", "in", values=["Firm 7"], role="must"))
    figures = measure(leads, one)
    assert figures.qualified == 1
    assert 0 < figures.qualified_per_month < 0.05
    assert formatted(figures.qualified_per_month, "number") not in ("0.0", "0")
    assert "0.0 qualified" not in volume_sentence(figures)
    verdict = capacity_verdict(figures.qualified_per_month, 2, 20).sentence
    assert verdict.startswith(f"About {figures.qualified_per_month:g} qualified leads a month")
    assert "under 1% of capacity" in verdict


def test_one_lead_dated_2099_in_an_export_of_40_is_set_aside():
    rng = random.Random(2)
    dates = [(date(2024, 1, 1) + timedelta(days=rng.randint(0, 180))).isoformat()
             for _ in range(39)] + ["2099-03-14"]
    data = export(40, ["Closed Lost", "Closed Won", ""], dates=dates)
    leads = import_leads(data, "typo.csv").leads
    assert leads["created"].isna().sum() == 1
    assert leads["created"].max() < pd.Timestamp("2025-01-01")
    figures = measure(leads, SOFTWARE)
    frame = written(data)
    kept = frame[frame["Create Date"] != "2099-03-14"]
    qualified = int(kept["Industry"].eq("Software").sum())
    assert figures.qualified_per_month > qualified / 12  # months of the body, not 903


def evidence_page(database, data: bytes, draft: Definition | None = SOFTWARE) -> AppTest:
    """The evidence page of a workshop on this export, revealed with the facilitator's `draft`
    (None: revealed before anyone wrote one), as its facilitator sees it."""
    with make_session(database) as s:
        workshop, key = store.create_workshop(s, company="Smallco", title="Leads",
                                              facilitator_name="Fay")
        result = import_leads(data, "leads.csv")
        store.record_upload(s, workshop.id, key, sha256=save_upload(data), filename="leads.csv",
                            rows=len(result.leads),
                            headers_signature=headers_signature(list(result.raw.columns)),
                            mapping_json=result.mapping.to_json())
        if draft is not None:
            _, revision, _ = store.my_draft(s, workshop.id, key)
            store.save_draft(s, workshop.id, key, draft, revision)
        store.reveal(s, workshop.id, key)  # the drafts' figures show from the reveal on
    at = AppTest.from_file(APP, default_timeout=120)
    at.query_params["ws"], at.query_params["key"] = workshop.id, key
    at.run()
    at.switch_page("views/evidence.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_the_evidence_page_says_every_deal_is_still_open(database):
    data = export(300, ["Qualification", "Proposal", "Negotiation"])
    assert import_leads(data, "open.csv").mapping.outcome_column == "Deal Stage"
    said = " ".join(i.value for i in evidence_page(database, data).info)
    assert "No lead here is a won or lost deal yet" in said
    assert "These leads have no outcome" not in said


def test_drafts_revealed_before_anyone_wrote_one_show_a_sentence_not_a_traceback(database):
    at = evidence_page(database, export(300, ["Closed Won", "Closed Lost"]), draft=None)
    assert any("Nobody had written a draft" in i.value for i in at.info)


def test_leads_all_created_on_one_day_carry_the_caveat_into_every_verdict(database):
    data = export(300, ["Closed Won", "Closed Lost"], dates=["2024-05-15"] * 300)
    at = evidence_page(database, data)
    capacity = next(d.value for d in at.dataframe if "Verdict" in d.value.columns)
    in_words = next(m.value for m in at.markdown if "leads a month each" in m.value)
    said = [line.split(":** ", 1)[1].replace("\\", "") for line in in_words.split("\n")
            if line.startswith("- ")]
    assert len(said) == len(capacity) and all(s.startswith(
        "The export covers less than a month: every lead was created on the same day")
        for s in said)
    assert capacity["Verdict"].str.endswith("(from a short export)").all()


def test_an_export_without_a_win_says_so_instead_of_a_table_of_zeros(database):
    at = evidence_page(database, export(300, ["Closed Lost", "Proposal", ""]))
    assert any(i.value.startswith("No lead here was won (yet)") for i in at.info)
    assert not [d for d in at.dataframe if "Reliable" in d.value.columns]


def test_the_capacity_advice_is_written_out_below_the_table_with_the_capacity_it_assumes(
        database):
    """In a table cell the advice was cut off on a projector ("…too tight: reps would"); the
    capacity it rests on (5 reps × 40 unless set) was not said."""
    at = evidence_page(database, export(300, ["Closed Won", "Closed Lost"]))
    assert not [d for d in at.dataframe if "In words" in d.value.columns]
    in_words = next(m.value for m in at.markdown if "leads a month each" in m.value)
    assert in_words.startswith("Against 5 reps × 40 leads a month each = 200 leads a month")
    advice = [line for line in in_words.split("\n") if line.startswith("- ")]
    assert advice and all(line.rstrip().endswith(")") or line.rstrip().endswith(".")
                          for line in advice)
