"""A column ticked or left blank ("X" where true, nothing where not), as spreadsheets and some
CRMs export a checkbox: the form offers "is yes" and "is blank", each with the leads its rule
selects, not an "is no" that no lead can meet. Expected figures from the CSV read with plain
pandas."""
from __future__ import annotations

import io
import random

import pandas as pd

from tests.builders import C
from workshop.evaluate import criterion_mask
from workshop.lead_values import lead_values
from workshop.pipeline import import_leads
from workshop.ui.definition_form import _op_counts, _ops_for


def export(ticked: str = "X", unticked: str = "", seed: int = 3) -> bytes:
    rng = random.Random(seed)
    rows = [{"Email": f"l{i}@co{i % 90}.com", "Company": f"Co {i % 90}",
             "Attended Trade Show": ticked if rng.random() < 0.3 else unticked,
             "Deal Stage": rng.choice(["Closed Won", "Closed Lost", ""])} for i in range(500)]
    buffer = io.StringIO()
    pd.DataFrame(rows).to_csv(buffer, index=False)
    return buffer.getvalue().encode()


def test_a_ticked_or_blank_column_is_offered_yes_and_blank_with_their_leads():
    data = export()
    written = pd.read_csv(io.BytesIO(data), dtype=str, keep_default_na=False)
    ticked = written["Attended Trade Show"].eq("X")
    leads = import_leads(data, "show.csv").leads
    column = lead_values(leads).columns["Attended Trade Show"]
    assert _ops_for(column) == ["is_true", "is_blank"]
    counts = _op_counts(column)
    assert (counts["is_true"], counts["is_blank"]) == (int(ticked.sum()), int((~ticked).sum()))
    for op in _ops_for(column):
        selected = criterion_mask(leads, C("Attended Trade Show", op)).to_numpy()
        assert (selected == (ticked if op == "is_true" else ~ticked).to_numpy()).all(), op


def test_a_column_of_yes_and_no_with_blanks_keeps_every_condition():
    data = export(ticked="Yes", unticked="No")
    frame = pd.read_csv(io.BytesIO(data), dtype=str, keep_default_na=False)
    frame.loc[::7, "Attended Trade Show"] = ""
    buffer = io.StringIO()
    frame.to_csv(buffer, index=False)
    column = lead_values(import_leads(buffer.getvalue().encode(), "show.csv").leads) \
        .columns["Attended Trade Show"]
    assert _ops_for(column) == ["is_true", "is_false", "is_known", "is_blank"]
