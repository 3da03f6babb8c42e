"""A revisit compares the leads of the day a version was signed with a fresh export's: the
versions page names the leads each side was measured on (how many, created from which day to
which), and so does every row of the measurements table. Each figure keeps its first and last
created day, through the database and backups; figures stored before they were kept fall back
to the number of days."""
from __future__ import annotations

import io
import json
from datetime import datetime

import pandas as pd

from tests.test_backup import rich_workshop, uploads  # noqa: F401 - uploads is a fixture
from tests.test_real_exports_pages import open_page, texts
from tests.test_revisit_fresh_exports import FIRST, LOGISTICS, signed_on, store_upload, zoho_export
from workshop import versions
from workshop.backup import export_workshop, restore_workshop
from workshop.db import session
from workshop.definition import Criterion, Definition
from workshop.measure import Figures, compared_leads, leads_measured, measure
from workshop.pipeline import import_leads
from workshop.version_tables import measurements_table

FRESH = zoho_export(400, 7, datetime(2024, 7, 1), 90)


def created_days(data: bytes) -> tuple[pd.Timestamp, pd.Timestamp]:
    """The first and last created day, read with plain pandas (day first, as Zoho writes)."""
    frame = pd.read_csv(io.BytesIO(data), sep=";", dtype=str, encoding="utf-8-sig")
    created = pd.to_datetime(frame["Created Time"], format="%d/%m/%Y %H:%M").dt.normalize()
    return created.min(), created.max()


def said(day: pd.Timestamp) -> str:
    return f"{day.day} {day:%b %Y}"


def test_figures_keep_the_first_and_last_created_day():
    figures = measure(import_leads(FRESH, "q3.csv").leads, LOGISTICS)
    first, last = created_days(FRESH)
    assert (figures.first_created, figures.last_created) == (f"{first:%Y-%m-%d}",
                                                             f"{last:%Y-%m-%d}")
    assert leads_measured(figures) == f"400 leads created from {said(first)} to {said(last)}"
    assert Figures.from_json(figures.to_json()).last_created == figures.last_created


def test_leads_without_dates_and_figures_stored_before_the_days_were_kept():
    export = "Industry,Stage\nLogistics,Closed Won\nRetail,Closed Lost\nLogistics,Open\n"
    logistics = Definition(criteria=[Criterion(field="industry", op="in", values=["Logistics"])])
    undated = measure(import_leads(export.encode(), "deals.csv").leads, logistics)
    assert (undated.first_created, undated.last_created) == (None, None)
    assert leads_measured(undated) == "3 leads without created dates"
    stored = json.loads(measure(import_leads(FIRST, "q1.csv").leads, LOGISTICS).to_json())
    del stored["first_created"], stored["last_created"]
    older = Figures.from_json(json.dumps(stored))
    assert leads_measured(older) == f"600 leads created over {older.days} days"


def test_a_stored_day_that_is_no_date_is_no_figures():
    stored = json.loads(measure(import_leads(FIRST, "q1.csv").leads, LOGISTICS).to_json())
    for bad in ("2024-13-40", "yesterday", 20240101, "2024-01-01T00:00"):
        assert Figures.from_json(json.dumps({**stored, "first_created": bad})) is None, bad


def test_the_comparison_names_both_periods():
    then = measure(import_leads(FIRST, "q1.csv").leads, LOGISTICS)
    now = measure(import_leads(FRESH, "q3.csv").leads, LOGISTICS)
    (a, b), (c, d) = created_days(FIRST), created_days(FRESH)
    assert compared_leads({"when agreed": then, "now": now}) == (
        f"Leads compared: when agreed, 600 leads created from {said(a)} to {said(b)}; "
        f"now, 400 leads created from {said(c)} to {said(d)}.")
    assert compared_leads({"when agreed": None, "now": now}).startswith("Leads compared: now, ")


def test_the_versions_page_names_the_leads_of_each_side(database, tmp_path):
    params = signed_on(database, tmp_path, FIRST)
    store_upload(database, params, FRESH, "zoho_leads_2024Q3.csv")
    page = texts(open_page(params, "views/history.py"))
    (a, b), (c, d) = created_days(FIRST), created_days(FRESH)
    assert (f"when agreed, 600 leads created from {said(a)} to {said(b)}; "
            f"now, 400 leads created from {said(c)} to {said(d)}") in page


def test_a_backup_keeps_the_days_and_the_table_shows_them(engine, uploads):  # noqa: F811
    figures = measure(import_leads(FRESH, "q3.csv").leads, LOGISTICS)
    with session(engine) as s:
        workshop_id, token = rich_workshop(s)
        latest = max(v.number for v in versions.versions(s, workshop_id, token))
        versions.record_measurement(s, workshop_id, token, version_number=latest,
                                    figures=figures, source="q3.csv")
        restored = restore_workshop(s, export_workshop(s, workshop_id, token))
        taken = versions.measurements(s, restored.workshop_id, restored.facilitator_token)
    fresh = [m for m in taken if m.source == "q3.csv"]
    assert [(m.figures.first_created, m.figures.last_created) for m in fresh] == [
        (figures.first_created, figures.last_created)]
    table = measurements_table(taken)
    row = table[table["Export"] == "q3.csv"].iloc[0]
    assert row["Leads"] == leads_measured(figures)
