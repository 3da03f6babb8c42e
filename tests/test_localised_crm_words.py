"""A German (or French, Spanish) Zoho export reads as its English twin: its lead status says
"Konvertiert" for converted, its headers are the German field names.

Before, no outcome was suggested for a German lead status (no value read as won), and "Titel",
"Lead-Quelle", "Unternehmen" and "Budget (EUR)" stayed unmapped.
"""
from __future__ import annotations

import io

import numpy as np
import pandas as pd
import pytest

from workshop.mapping import auto_map
from workshop.pipeline import import_leads

STATUSES = {  # Zoho's lead statuses in German, as an English reading of each
    "Konvertiert": "won", "Verlorener Lead": "lost", "Junk-Lead": "lost",
    "Nicht qualifiziert": "lost", "Kontaktiert": "open", "Vorqualifiziert": "open",
    "Versuchter Kontakt": "open", "Nicht kontaktiert": "open", "Kontakt in der Zukunft": "open",
}


def zoho_german(rows: int = 900, seed: int = 12) -> bytes:
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame({
        "Lead-ID": [f"zcrm_{5_000_000 + i}" for i in range(rows)],
        "E-Mail": [f"kontakt{i}@firma{i}.de" for i in range(rows)],
        "Unternehmen": [f"Firma {i} GmbH" for i in range(rows)],
        "Titel": rng.choice(["Leiter Einkauf", "Geschäftsführer", "Werkstudent"], rows),
        "Lead-Quelle": rng.choice(["Messe", "Empfehlung", "Website"], rows),
        "Budget (EUR)": [f"{v:,.2f}".replace(",", "X").replace(".", ",").replace("X", ".")
                         for v in rng.integers(5_000, 90_000, rows)],
        "Lead-Status": rng.choice(list(STATUSES), rows),
        "Erstellt am": (pd.Timestamp("2025-01-02")
                        + pd.to_timedelta(rng.integers(0, 360, rows), unit="D"))
        .strftime("%d.%m.%Y"),
    })
    return frame.to_csv(sep=";", index=False).encode("utf-8")


def test_german_field_names_are_mapped():
    mapped = auto_map(["Titel", "Lead-Quelle", "Unternehmen", "Budget (EUR)", "E-Mail"])
    assert mapped == {"Titel": "job_title", "Lead-Quelle": "lead_source",
                      "Unternehmen": "company", "Budget (EUR)": "budget", "E-Mail": "email"}


def test_a_german_lead_status_gives_the_outcome_its_english_twin_would():
    data = zoho_german()
    imported = import_leads(data, "zoho.csv")
    assert imported.mapping.outcome_column == "Lead-Status"
    assert imported.mapping.won_values == ["Konvertiert"]
    raw = pd.read_csv(io.BytesIO(data), sep=";", dtype=str)
    expected = raw["Lead-Status"].map(STATUSES)
    assert imported.leads["outcome"].value_counts().to_dict() == \
        expected.value_counts().to_dict()
    assert imported.currency == "EUR"
    budgets = pd.to_numeric(raw["Budget (EUR)"].str.replace(".", "", regex=False)
                            .str.replace(",", ".", regex=False))
    assert imported.leads["budget"].tolist() == pytest.approx(budgets.tolist())


@pytest.mark.parametrize(("status", "reading"), [
    ("Konvertiert", "won"), ("Nicht konvertiert", "lost"), ("Converti", "won"),
    ("Non converti", "lost"), ("Convertido", "won"), ("No convertido", "lost"),
    ("Convertito", "won"),
])
def test_converted_in_other_languages(status, reading):
    cycle = [status, "Kontaktiert", "Converted"]  # a won value makes it the outcome column
    rows = [f"p{i}@x.de,{cycle[i % 3]}" for i in range(60)]
    imported = import_leads(("Email,Lead Status\n" + "\n".join(rows) + "\n").encode(), "s.csv")
    assert imported.leads["outcome"].iloc[0] == reading
