"""A re-export of the same leads (one header renamed, say) uploaded to see how version 1 does
now: the versions page stored a new measurement and showed every change at 0, without saying
that the export holds no lead newer than those the version was agreed on. It says so now, and
says nothing where the fresh export brings newer leads. Dates are read from the files with
plain pandas."""
from __future__ import annotations

import random

import pandas as pd

from tests.test_no_wins_yet import SOFTWARE
from tests.test_real_exports_pages import both_teams_sign, open_page, revealed_workshop, texts
from workshop import store
from workshop.db import session as make_session
from workshop.importer import read_export
from workshop.mapping import headers_signature, repeating_columns
from workshop.measure import MIN_NEWER_LEADS, no_newer_sentence, since_agreed
from workshop.pipeline import import_leads, map_with_saved
from workshop.uploads import save_upload


def export(rows: int, start: str, days: int, seed: int) -> str:
    rng = random.Random(seed)
    first = pd.Timestamp(start)
    lines = ["Email,Industry,Created,Deal Stage"]
    for i in range(rows):
        created = first + pd.Timedelta(days=rng.randrange(days))
        lines.append(f"l{seed}-{i}@firm{i % 53}.com,{rng.choice(['Software', 'Retail'])},"
                     f"{created:%Y-%m-%d},{rng.choice(['Closed Won', 'Closed Lost', 'Demo'])}")
    return "\n".join(lines) + "\n"


def sign_then_upload(database, tmp_path, fresh_text: str) -> str:
    first = tmp_path / "leads.csv"
    first.write_text(export(300, "2025-01-01", 180, 1))
    params = revealed_workshop(database, SOFTWARE, first)
    at = open_page(params, "views/compare.py")
    at.button(key="agree:propose").click().run()
    both_teams_sign(database, params)
    data = fresh_text.encode()
    with make_session(database) as s:  # as the evidence page stores a fresh export
        raw, export_format = read_export(data, "fresh.csv", repeated=repeating_columns)
        signature = headers_signature(list(raw.columns))
        known = store.saved_mapping(s, params["ws"], params["key"], signature)
        result = map_with_saved(raw, export_format, known)
        store.record_upload(s, params["ws"], params["key"], sha256=save_upload(data),
                            filename="fresh.csv", rows=len(result.leads),
                            headers_signature=signature, mapping_json=result.mapping.to_json())
    return texts(open_page(params, "views/history.py"))


def test_the_same_leads_again_are_said_to_be_the_same_period(database, tmp_path):
    same = export(300, "2025-01-01", 180, 1).replace("Deal Stage", "Stage")
    page = sign_then_upload(database, tmp_path, same)
    last = pd.read_csv(tmp_path / "leads.csv")["Created"].max()
    day = pd.Timestamp(last)
    assert (f"This export holds no lead created after {day:%-d %b %Y}, the last day of the "
            "leads version 1 was agreed on: the figures now are those of the same period"
            ) in page


def test_newer_leads_are_measured_without_that_sentence(database, tmp_path):
    newer = export(200, "2025-08-01", 90, 2)
    page = sign_then_upload(database, tmp_path, newer)
    assert "the figures now are those of the same period" not in page


def test_a_few_newer_leads_are_counted():
    older = export(300, "2025-01-01", 180, 1)
    few = older + export(MIN_NEWER_LEADS - 1, "2025-09-01", 30, 3).split("\n", 1)[1]
    agreed_leads = import_leads(older.encode(), "a.csv").leads
    from workshop.measure import measure
    agreed = measure(agreed_leads, SOFTWARE)
    leads = import_leads(few.encode(), "b.csv").leads
    sentence = no_newer_sentence(since_agreed(leads, agreed), agreed, 2)
    assert sentence.startswith(f"This export holds only {MIN_NEWER_LEADS - 1} leads (too few "
                               "to measure on their own) created after")
    fresh = import_leads(export(100, "2026-01-01", 30, 4).encode(), "c.csv").leads
    assert no_newer_sentence(since_agreed(fresh, agreed), agreed, 2) == ""
