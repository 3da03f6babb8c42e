"""Exports of CRMs beyond the big ones, as they write them: Insightly's opportunity state,
Close's status type, SugarCRM's field names and caret-wrapped multi-select choices, Odoo's
French headers. Each is mapped so the figures come out as a plain pandas reading of the file
says. (Written here from each CRM's documented export shape.)"""
from __future__ import annotations

import io
import random
from datetime import date, timedelta

import pandas as pd

from tests.builders import C
from workshop.evaluate import criterion_mask
from workshop.pipeline import import_leads


def csv_bytes(rows: list[dict]) -> bytes:
    buffer = io.StringIO()
    pd.DataFrame(rows).to_csv(buffer, index=False)
    return buffer.getvalue().encode()


def written(data: bytes) -> pd.DataFrame:
    return pd.read_csv(io.BytesIO(data), dtype=str, keep_default_na=False)


def test_insightly_reads_won_and_lost_from_the_opportunity_state():
    """Its pipeline stage is blank once a deal is closed: the state says how it ended, and an
    abandoned opportunity is lost, a suspended one still open."""
    rng = random.Random(1)
    rows = []
    for i in range(600):
        state = rng.choice(["Open", "Won", "Lost", "Abandoned", "Suspended"])
        rows.append({"Opportunity ID": 900 + i, "Opportunity Name": f"Deal {i}",
                     "Organization Name": f"Org {i % 150}", "Industry": rng.choice(
                         ["Software", "Retail"]),
                     "Pipeline Stage": rng.choice(["Discovery", "Proposal"])
                     if state in ("Open", "Suspended") else "",
                     "Opportunity State": state, "Bid Amount": str(rng.randint(1, 50) * 1000),
                     "Date Created": f"{rng.randint(1, 12)}/{rng.randint(1, 28)}/2025"})
    data = csv_bytes(rows)
    result = import_leads(data, "insightly.csv")
    assert result.mapping.outcome_column == "Opportunity State"
    assert result.mapping.columns.get("Bid Amount") == "amount"
    state = written(data)["Opportunity State"]
    outcome = result.leads["outcome"].astype("string")
    assert int(outcome.eq("won").sum()) == int(state.eq("Won").sum())
    assert int(outcome.eq("lost").sum()) == int(state.isin(["Lost", "Abandoned"]).sum())
    assert int(outcome.eq("open").sum()) == int(state.isin(["Open", "Suspended"]).sum())


def test_close_reads_its_status_type_not_a_won_date_that_calls_active_deals_lost():
    rng = random.Random(2)
    start = date(2025, 3, 1)
    rows = []
    for i in range(500):
        kind = rng.choice(["won", "lost", "active"])
        day = (start + timedelta(days=rng.randint(0, 200))).isoformat()
        rows.append({"id": f"oppo_{i}", "lead_name": f"Firm {i}", "status_type": kind,
                     "status_label": {"won": "Closed - Signed", "lost": "Went Dark",
                                      "active": "Demo Booked"}[kind],
                     "date_created": day, "date_won": day if kind == "won" else "",
                     "date_lost": day if kind == "lost" else "",
                     "value": str(rng.randint(1, 90) * 100_00)})
    data = csv_bytes(rows)
    result = import_leads(data, "close.csv")
    assert result.mapping.outcome_column == "status_type"
    kinds = written(data)["status_type"]
    outcome = result.leads["outcome"].astype("string")
    for kind, word in (("won", "won"), ("lost", "lost"), ("active", "open")):
        assert int(outcome.eq(word).sum()) == int(kinds.eq(kind).sum()), kind


def sugar_export() -> bytes:
    rng = random.Random(3)
    start = date(2024, 1, 10)
    rows = []
    for i in range(800):
        picks = rng.sample(["Software", "Retail", "Education", "Healthcare"], rng.choice([1, 2]))
        created = start + timedelta(days=rng.randint(0, 400), minutes=rng.randint(0, 1439))
        rows.append({"id": f"{i:08d}-0000-4a1b", "date_entered": created.strftime("%d.%m.%Y %H:%M"),
                     "first_name": f"F{i}", "last_name": f"L{i}", "title": "Controller",
                     "account_name": f"Account {i} GmbH", "email1": f"lead{i}@firm{i}.de",
                     "status": rng.choice(["New", "In Process", "Converted", "Dead"]),
                     "industry_c": ",".join(f"^{p}^" for p in picks)})
    return csv_bytes(rows)


def test_sugarcrm_field_names_are_mapped_and_its_multi_select_choices_each_count():
    data = sugar_export()
    result = import_leads(data, "sugar.csv")
    columns = result.mapping.columns
    assert columns.get("date_entered") == "created" and columns.get("email1") == "email"
    frame = written(data)
    days = pd.to_datetime(frame["date_entered"], format="%d.%m.%Y %H:%M")
    assert (result.leads["created"].to_numpy() == days.to_numpy()).all()
    for industry in ("Software", "Education"):
        expected = int(frame["industry_c"].str.contains(f"^{industry}^", regex=False).sum())
        hit = criterion_mask(result.leads, C("industry", "in", values=[industry]))
        assert int(hit.sum()) == expected, industry


def test_odoo_in_french_maps_its_created_date_and_job_title():
    rows = [{"Opportunité": f"Affaire {i}", "Client": f"Société {i}",
             "Poste": "Directeur financier",
             "Créé le": f"{(i % 27) + 1:02d}/03/2025 10:00:00", "Étape": "Nouveau"}
            for i in range(60)]
    result = import_leads(csv_bytes(rows), "odoo.csv")
    assert result.mapping.columns.get("Créé le") == "created"
    assert result.mapping.columns.get("Poste") == "job_title"
    assert result.leads["created"].notna().all()
