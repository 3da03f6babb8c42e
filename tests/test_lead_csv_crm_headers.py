"""The leads CSV goes back into the CRM under the CRM's own headers.

RevOps re-imports the file to set each lead's stage: HubSpot matches records by "Record ID" and
Salesforce by "Lead ID", so a file that says record_id matches nothing. Columns the app worked
out itself (seniority, the outcome...) keep the app's names beside them.
"""
from __future__ import annotations

import io

import numpy as np
import pandas as pd

from tests.builders import C, D
from workshop.evaluate import evaluate
from workshop.lead_export import leads_csv
from workshop.pipeline import import_leads


def hubspot_export(rows: int = 300, seed: int = 4) -> bytes:
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame({
        "Record ID": [str(7_000_000_000 + i * 37) for i in range(rows)],
        "Email": [f"kontakt{i}@firma{i}.de" for i in range(rows)],
        "Job Title": rng.choice(["Leiter Einkauf", "CFO", "Werkstudent", "Head of IT"], rows),
        "Industry": rng.choice(["Logistics", "Retail", "Software"], rows),
        "Create Date": pd.Timestamp("2025-02-01")
        + pd.to_timedelta(rng.integers(0, 300, rows), unit="D"),
        "Fleet Size": rng.choice(["1-10", "11-50", "51-200", "200+"], rows),
    })
    frame["Create Date"] = frame["Create Date"].dt.strftime("%Y-%m-%d %H:%M")
    return frame.to_csv(index=False).encode("utf-8")


def test_the_file_uses_the_exports_headers_and_its_record_ids():
    data = hubspot_export()
    imported = import_leads(data, "hubspot.csv")
    definition = D(C("industry", values=["Logistics"]))
    evaluation = evaluate(imported.leads, definition)
    written = pd.read_csv(io.BytesIO(leads_csv(imported.leads, evaluation,
                                               definition=definition,
                                               headers=imported.mapping.headers)),
                          dtype=str, encoding="utf-8-sig")
    raw = pd.read_csv(io.BytesIO(data), dtype=str)
    for header in ("Record ID", "Email", "Industry", "Fleet Size"):
        assert header in written.columns
    assert not {"record_id", "email", "industry"} & set(written.columns)
    assert written["Record ID"].tolist() == raw["Record ID"].tolist()
    assert written["Email"].tolist() == raw["Email"].tolist()
    qualified = raw["Industry"].eq("Logistics")
    assert (written["lead_stage"] != "Not qualified").tolist() == qualified.tolist()


def test_without_headers_the_file_is_as_before():
    imported = import_leads(hubspot_export(), "hubspot.csv")
    definition = D(C("industry", values=["Logistics"]))
    written = pd.read_csv(io.BytesIO(leads_csv(imported.leads,
                                               evaluate(imported.leads, definition))),
                          dtype=str, encoding="utf-8-sig")
    assert "record_id" in written.columns and "Record ID" not in written.columns
