"""A fresh export whose pipeline renamed its stages ("Closed Won" → "Won") and added one
("Negotiation"), under the headers of the export the mapping was saved for. The import reads
the new values as the automatic mapping would (won, open), and the mapping editor must start
from that reading: it started from the saved lists, so "Save the mapping", clicked unchanged,
turned every win into a loss. Expected figures: plain pandas on the file."""
from __future__ import annotations

import io
from dataclasses import replace

import numpy as np
import pandas as pd

from tests.test_upload_same_name_and_size import open_evidence, revealed
from tests.widget_keys import own
from workshop import store
from workshop.db import session as make_session
from workshop.importer import read_export
from workshop.mapping import Mapping, lost_by_default, outcome_as_read, repeating_columns
from workshop.pipeline import import_leads, map_leads, map_with_saved


def _export(stages: list[str], seed: int, rows: int = 600) -> bytes:
    rng = np.random.default_rng(seed)
    return pd.DataFrame({
        "Record ID": np.arange(rows) + 10_000 * seed,
        "Email": [f"lead{seed}-{i}@company{i}.com" for i in range(rows)],
        "Industry": rng.choice(["Software", "Retail", "Healthcare"], rows),
        "Create Date": pd.Timestamp("2026-01-01")
        + pd.to_timedelta(rng.integers(0, 300, rows), "D"),
        "Deal Stage": rng.choice(stages, rows),
    }).to_csv(index=False).encode()


FIRST = _export(["Closed Won", "Closed Lost", "Qualification", "Contract Sent"], 1)
FRESH = _export(["Won", "Lost", "Negotiation", "Closed Won", "Qualification"], 2)


def _expected_wins(data: bytes) -> int:
    stage = pd.read_csv(io.BytesIO(data), dtype=str)["Deal Stage"]
    return int(stage.isin(["Won", "Closed Won"]).sum())


def _fresh_with_first_mapping():
    first = import_leads(FIRST, "first.csv")
    raw, fmt = read_export(FRESH, "fresh.csv", repeated=repeating_columns)
    return raw, fmt, map_with_saved(raw, fmt, first.mapping.to_json(), True)


def test_the_editor_starts_from_the_reading_of_the_new_stages():
    raw, _, fresh = _fresh_with_first_mapping()
    assert int((fresh.leads["outcome"] == "won").sum()) == _expected_wins(FRESH)
    mapping = fresh.mapping
    read, unseen = outcome_as_read(raw["Deal Stage"], mapping.won_values, mapping.open_values,
                                   mapping.lost_values)
    assert sorted(read.won_values) == ["Closed Won", "Won"]
    assert sorted(read.open_values) == ["Negotiation", "Qualification"]
    assert sorted(unseen) == ["Lost", "Negotiation", "Won"]


def test_saving_the_editor_unchanged_keeps_every_figure():
    raw, fmt, fresh = _fresh_with_first_mapping()
    mapping = fresh.mapping
    read, _ = outcome_as_read(raw["Deal Stage"], mapping.won_values, mapping.open_values,
                              mapping.lost_values)
    saved = replace(mapping, won_values=read.won_values, open_values=read.open_values,
                    lost_values=lost_by_default(raw["Deal Stage"], read.won_values,
                                                read.open_values))
    again = map_leads(raw, fmt, saved)
    pd.testing.assert_series_equal(again.leads["outcome"], fresh.leads["outcome"])
    assert int((again.leads["outcome"] == "won").sum()) == _expected_wins(FRESH)


def test_clicking_save_the_mapping_unchanged_on_the_page_keeps_the_wins(database):
    params = revealed(database)
    at = open_evidence(params)
    at.file_uploader(key="evidence:file").set_value(("first.csv", FIRST, "text/csv")).run()
    assert not at.exception, [e.value for e in at.exception]
    at.file_uploader(key="evidence:file").set_value(("fresh.csv", FRESH, "text/csv")).run()
    assert not at.exception, [e.value for e in at.exception]
    with make_session(database) as s:
        upload = store.current_upload(s, params["ws"], params["key"])
    won_box = next(m for m in at.multiselect if m.label == "Values that mean won")
    assert sorted(won_box.value) == ["Closed Won", "Won"]
    captions = " ".join(c.value for c in at.caption)
    assert "New since the mapping was saved" in captions and "“Won” (won)" in captions
    own(at.button, f"evidence:save:{upload.id}").click().run()
    assert not at.exception, [e.value for e in at.exception]
    with make_session(database) as s:
        saved = Mapping.from_json(store.current_upload(s, params["ws"], params["key"])
                                  .mapping_json)
    raw, fmt = read_export(FRESH, "fresh.csv", repeated=repeating_columns)
    leads = map_leads(raw, fmt, saved).leads
    assert int((leads["outcome"] == "won").sum()) == _expected_wins(FRESH)
    assert int((leads["outcome"] == "open").sum()) == int(
        pd.read_csv(io.BytesIO(FRESH), dtype=str)["Deal Stage"]
        .isin(["Negotiation", "Qualification"]).sum())
