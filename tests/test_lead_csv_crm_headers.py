"""The leads CSV goes back into the CRM as the CRM wrote it, with each lead's stage beside.

RevOps re-imports the file to set each lead's stage: HubSpot matches records by "Record ID" and
Salesforce by "Lead ID", so a file that says record_id matches nothing; and a German Zoho
re-import would overwrite "Deutschland" with "Germany" and "31.12.2025" with
"2025-12-31 00:00:00". The file holds the export's own columns and values, separated as the
export was (a German Excel opens a ';' file).
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
        "Email": [f"contact{i}@company{i}.com" for i in range(rows)],
        "Job Title": rng.choice(["Head of Procurement", "CFO", "Intern", "Head of IT"], rows),
        "Industry": rng.choice(["Logistics", "Retail", "Software"], rows),
        "Create Date": (pd.Timestamp("2025-02-01")
                        + pd.to_timedelta(rng.integers(0, 300, rows), unit="D"))
        .strftime("%Y-%m-%d %H:%M"),
        "Fleet Size": rng.choice(["1-10", "11-50", "51-200", "200+"], rows),
    })
    return frame.to_csv(index=False).encode("utf-8")


def zoho_german(rows: int = 300, seed: int = 9) -> bytes:
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame({
        "Lead-ID": [f"zcrm_{4_400_000 + i}" for i in range(rows)],
        "E-Mail": [f"kontakt{i}@firma{i}.de" for i in range(rows)],
        "Land": rng.choice(["Deutschland", "Österreich", "DE", "Schweiz"], rows),
        "Jahresumsatz": rng.choice(["3,6 Mio €", "850.000 €", "12 Mio €", "-"], rows),
        "Erstellt am": (pd.Timestamp("2025-01-02")
                        + pd.to_timedelta(rng.integers(0, 360, rows), unit="D"))
        .strftime("%d.%m.%Y"),
    })
    return frame.to_csv(sep=";", index=False).encode("utf-8")


def written(data: bytes, filename: str, definition) -> tuple[pd.DataFrame, pd.DataFrame, str]:
    imported = import_leads(data, filename)
    evaluation = evaluate(imported.leads, definition)
    delimiter = imported.format.delimiter
    text = leads_csv(imported.leads, evaluation, definition=definition,
                     exported=imported.raw, delimiter=delimiter)
    file = pd.read_csv(io.BytesIO(text), dtype=str, encoding="utf-8-sig", sep=delimiter,
                       keep_default_na=False)
    raw = pd.read_csv(io.BytesIO(data), dtype=str, sep=delimiter, keep_default_na=False)
    # a cell a spreadsheet would run as a formula gets its protective quote ("-" -> "'-")
    guarded = raw.apply(lambda column: column.mask(
        column.str.startswith(("=", "+", "-", "@")), "'" + column))
    return file, guarded, delimiter


def test_the_file_holds_the_exports_columns_as_written_and_each_leads_stage():
    definition = D(C("industry", values=["Logistics"]))
    file, raw, _ = written(hubspot_export(), "hubspot.csv", definition)
    assert list(file.columns) == [*raw.columns, "lead_stage", "lead_points", "lead_reasons"]
    assert file[list(raw.columns)].equals(raw)
    qualified = raw["Industry"].eq("Logistics")
    assert (file["lead_stage"] != "Not qualified").tolist() == qualified.tolist()


def test_a_german_export_comes_back_with_its_own_values_and_separator():
    definition = D(C("country", values=["Germany"]))
    file, raw, delimiter = written(zoho_german(), "zoho.csv", definition)
    assert delimiter == ";"
    assert file[list(raw.columns)].equals(raw)  # "Deutschland", "3,6 Mio €", "31.12.2025"
    germany = raw["Land"].isin(["Deutschland", "DE"])
    assert (file["lead_stage"] != "Not qualified").tolist() == germany.tolist()


def test_without_the_export_the_file_holds_the_leads_as_read():
    imported = import_leads(hubspot_export(), "hubspot.csv")
    definition = D(C("industry", values=["Logistics"]))
    text = leads_csv(imported.leads, evaluate(imported.leads, definition))
    file = pd.read_csv(io.BytesIO(text), dtype=str, encoding="utf-8-sig")
    assert "record_id" in file.columns and "Record ID" not in file.columns


def test_the_points_table_names_each_rules_column_as_the_export_does():
    """RevOps reading the points table looks for "Land", not country."""
    import csv

    from workshop.evaluate import export_headers
    from workshop.rules import points_csv
    imported = import_leads(zoho_german(), "zoho.csv")
    definition = D(C("country", values=["Germany"]),
                   C("employees", op="at_least", low=50, role="nice", points=10))
    rows = list(csv.DictReader(io.StringIO(points_csv(
        definition, leads=imported.leads,
        columns=export_headers(imported.leads, definition)).decode("utf-8-sig"))))
    assert [row["field"] for row in rows] == ["Land", "employees", ""]  # no such column: as is
