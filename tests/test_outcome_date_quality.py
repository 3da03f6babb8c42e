"""A conversion date read as the outcome (filled: won; blank: not converted) is no gap in the
data: the data-quality table listed it as "Missing 87.5%", inviting the room to fix correct
data. Other date columns still show what is missing."""
from __future__ import annotations

import io

import pandas as pd

from workshop.pipeline import import_leads


def export() -> bytes:
    lines = ["Lead ID,Employees,Created Date,ConvertedDate,Last Activity"]
    for i in range(80):
        lines.append(f"{i},{[10, 80, 250][i % 3]},2025-{1 + i % 12:02d}-03,"
                     + ("2025-12-01" if i % 8 == 0 else "") + ","
                     + ("" if i % 4 == 0 else "2025-11-20"))
    return ("\n".join(lines) + "\n").encode()


def test_the_outcome_dates_blanks_are_answers_not_gaps():
    imported = import_leads(export(), "leads.csv")
    assert imported.mapping.outcome_column == "ConvertedDate"
    assert imported.mapping.won_when_present
    rows = {f.header: f for f in imported.quality().fields}
    assert "ConvertedDate" not in rows
    plain = pd.read_csv(io.BytesIO(export()), dtype=str)
    assert rows["Last Activity"].missing == int(plain["Last Activity"].isna().sum()) == 20
    assert (imported.leads["outcome"] == "won").sum() == plain["ConvertedDate"].notna().sum()
