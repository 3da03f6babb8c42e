"""Win figures measured on exports whose outcome comes from different columns: at sign-off a
deal stage ("Stage"), months later a lead status, because the fresh export has no deal stage.
A lead status's "Converted" is not a deal's "Closed Won", so the versions page says the win
figures are not comparable instead of showing "+1.0" on the lift as a change. Each figure keeps
the header its outcome was read from, through the database and backups."""
from __future__ import annotations

import json
import random
from datetime import datetime

import pandas as pd

from tests.test_backup import rich_workshop, uploads  # noqa: F401 - uploads is a fixture
from tests.test_real_exports_pages import open_page, texts
from tests.test_revisit_fresh_exports import (
    FIRST,
    LOGISTICS,
    signed_on,
    store_upload,
    zoho_export,
)
from workshop import versions
from workshop.backup import export_workshop, restore_workshop
from workshop.db import session
from workshop.measure import Figures, measure, win_caveats
from workshop.pipeline import import_leads

STATUSES = ["Converted", "Unqualified", "Working", "New"]


def lead_status_export(rows: int = 500, seed: int = 12) -> bytes:
    """The same CRM's leads without a deal stage: a "Lead Status" column says what became of
    each."""
    text = zoho_export(rows, seed, datetime(2024, 7, 1), 90, with_stage=False) \
        .decode("utf-8-sig")
    rng = random.Random(seed)
    lines = text.rstrip("\r\n").split("\r\n")
    lines = [lines[0] + ";Lead Status"] + [line + ";" + rng.choice(STATUSES)
                                            for line in lines[1:]]
    return ("\r\n".join(lines) + "\r\n").encode("utf-8-sig")


FRESH = lead_status_export()


def test_each_figure_keeps_the_header_its_outcome_came_from():
    then = measure(import_leads(FIRST, "q1.csv").leads, LOGISTICS)
    now = measure(import_leads(FRESH, "q3.csv").leads, LOGISTICS)
    plain = pd.read_csv(pd.io.common.BytesIO(FRESH), sep=";", dtype=str, encoding="utf-8-sig")
    assert (then.outcome_column, now.outcome_column) == ("Stage", "Lead Status")
    assert now.wins == int(plain["Lead Status"].eq("Converted").sum())
    assert Figures.from_json(now.to_json()).outcome_column == "Lead Status"
    assert Figures.from_json(now.to_json()) == now


def test_win_figures_from_different_columns_are_said_not_comparable():
    then = measure(import_leads(FIRST, "q1.csv").leads, LOGISTICS)
    now = measure(import_leads(FRESH, "q3.csv").leads, LOGISTICS)
    caveats = win_caveats({"when agreed": then, "now": now})
    assert any("read when agreed from “Stage” and now from “Lead Status”" in c
               and "not comparable" in c for c in caveats), caveats
    same = measure(import_leads(zoho_export(300, 4, datetime(2024, 4, 1), 60), "q2.csv").leads,
                   LOGISTICS)
    assert not any("not comparable" in c for c in win_caveats({"when agreed": then,
                                                                "now": same}))
    older = Figures(**{**json.loads(then.to_json()), "outcome_column": None})
    assert not any("not comparable" in c for c in win_caveats({"when agreed": older,
                                                                "now": now}))


def test_a_stored_outcome_column_that_is_not_text_is_no_figures():
    stored = json.loads(measure(import_leads(FIRST, "q1.csv").leads, LOGISTICS).to_json())
    assert Figures.from_json(json.dumps({**stored, "outcome_column": 3})) is None
    assert Figures.from_json(json.dumps({**stored, "outcome_column": "x" * 301})) is None


def test_the_versions_page_says_the_win_figures_are_not_comparable(database, tmp_path):
    params = signed_on(database, tmp_path, FIRST)
    store_upload(database, params, FRESH, "zoho_leads_2024Q3.csv")
    page = texts(open_page(params, "views/history.py"))
    assert "when agreed from “Stage” and now from “Lead Status”" in page
    assert "not comparable" in page


def test_a_backup_keeps_the_outcome_column_of_its_measurements(engine, uploads):  # noqa: F811
    figures = measure(import_leads(FRESH, "q3.csv").leads, LOGISTICS)
    with session(engine) as s:
        workshop_id, token = rich_workshop(s)
        latest = max(v.number for v in versions.versions(s, workshop_id, token))
        versions.record_measurement(s, workshop_id, token, version_number=latest,
                                    figures=figures, source="q3.csv")
        restored = restore_workshop(s, export_workshop(s, workshop_id, token))
        taken = versions.measurements(s, restored.workshop_id, restored.facilitator_token)
    assert [m.figures.outcome_column for m in taken if m.source == "q3.csv"] == ["Lead Status"]


def test_the_versions_page_says_a_fresh_export_writes_another_currency(database, tmp_path):
    """The version's revenue threshold is in dollars; the fresh export writes euros."""
    params = signed_on(database, tmp_path, FIRST)
    text = zoho_export(400, 21, datetime(2024, 7, 1), 90).decode("utf-8-sig")
    lines = text.rstrip("\r\n").split("\r\n")
    column = lines[0].split(";").index("Annual Revenue")

    def in_euros(line: str) -> str:
        cells = line.split(";")
        cells[column] += " €"
        return ";".join(cells)

    euros = "\r\n".join([lines[0], *map(in_euros, lines[1:])]) + "\r\n"
    store_upload(database, params, euros.encode("utf-8-sig"), "zoho_eur.csv")
    page = texts(open_page(params, "views/history.py"))
    assert "This export writes its amounts in EUR" in page
    assert "Version 1 in USD" in page
