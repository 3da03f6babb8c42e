"""A corrected re-export with the same file name and the same size is read, not ignored.

The evidence page reads each upload once (the uploader hands the same file to every rerun). It
used to know an upload by its name and size: a facilitator who replaced a wrong export by a
corrected one of the same name and row count kept seeing, proposing and signing the first
file's figures, with nothing stored for the second.
"""
from __future__ import annotations

import hashlib
import io
from pathlib import Path

import numpy as np
import pandas as pd
from streamlit.testing.v1 import AppTest

from tests.builders import C, D
from workshop import store
from workshop.db import session as make_session

APP = str(Path(__file__).resolve().parent.parent / "app.py")
WANTED = ["Software", "Healthcare"]


def export(seed: int) -> bytes:
    """A Salesforce-style lead export; every seed writes the same values in another order, so
    every file has the same size."""
    rng = np.random.default_rng(0)
    rows = 400
    industries = rng.choice(["Software", "Healthcare", "Retail", "Hardware"], rows)
    statuses = rng.choice(["Closed - Converted", "Closed - Not Converted", "Working"], rows)
    shuffle = np.random.default_rng(seed).permutation(rows)
    frame = pd.DataFrame({
        "Lead ID": [f"00Q{i:07d}" for i in range(rows)],
        "Email": [f"lead{i}@company{i}.com" for i in range(rows)],
        "Industry": industries[shuffle],
        "Lead Status": statuses,
        "Created Date": "2025-03-01",
    })
    return frame.to_csv(index=False).encode("utf-8")


def qualified(data: bytes) -> int:
    return int(pd.read_csv(io.BytesIO(data), dtype=str)["Industry"].isin(WANTED).sum())


def revealed(engine) -> dict:
    definition = D(C("industry", values=WANTED))
    with make_session(engine) as s:
        workshop, key = store.create_workshop(s, company="Echo Co", title="Leads",
                                              facilitator_name="Fay")
        _, revision, _ = store.my_draft(s, workshop.id, key)
        store.save_draft(s, workshop.id, key, definition, revision)
        store.reveal(s, workshop.id, key)
        shared = store.shared_state(s, workshop.id, key)
        store.save_shared(s, workshop.id, key, definition, shared.revision, {},
                          summary="agreed", questions=[])
    return {"ws": workshop.id, "key": key}


def open_evidence(params: dict) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    for name, value in params.items():
        at.query_params[name] = value
    at.run()
    at.switch_page("views/evidence.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def shared_mql(at: AppTest) -> int:
    table = next(d.value for d in at.dataframe if "Definition" in d.value.columns)
    return int(table.set_index("Definition").at["Shared definition", "MQL"])


def current_sha(engine, params: dict) -> str | None:
    with make_session(engine) as s:
        upload = store.current_upload(s, params["ws"], params["key"])
        return upload.sha256 if upload else None


def test_a_second_file_of_the_same_name_and_size_replaces_the_first(database):
    first, corrected = export(1), export(2)
    assert len(first) == len(corrected) and first != corrected
    assert qualified(first) == qualified(corrected)  # the same leads... but not the same rows
    params = revealed(database)
    at = open_evidence(params)
    at.file_uploader(key="evidence:file").set_value(("leads.csv", first, "text/csv")).run()
    assert current_sha(database, params) == hashlib.sha256(first).hexdigest()
    at.file_uploader(key="evidence:file").set_value(("leads.csv", corrected, "text/csv")).run()
    assert not at.exception, [e.value for e in at.exception]
    assert current_sha(database, params) == hashlib.sha256(corrected).hexdigest()
    assert any("leads.csv" in str(m.value) for m in at.success)


def test_the_figures_are_the_corrected_files(database):
    """A correction that changes the count: the page shows the corrected file's MQLs."""
    first = export(1)
    frame = pd.read_csv(io.BytesIO(first), dtype=str)
    swapped = frame["Industry"].map({"Software": "Hardware", "Hardware": "Software",
                                     "Healthcare": "Healthcare", "Retail": "Retail"})
    corrected = frame.assign(Industry=swapped).to_csv(index=False).encode("utf-8")
    assert len(corrected) == len(first) and qualified(corrected) != qualified(first)
    params = revealed(database)
    at = open_evidence(params)
    at.file_uploader(key="evidence:file").set_value(("leads.csv", first, "text/csv")).run()
    at = open_evidence(params)
    assert shared_mql(at) == qualified(first)
    at.file_uploader(key="evidence:file").set_value(("leads.csv", first, "text/csv")).run()
    at.file_uploader(key="evidence:file").set_value(("leads.csv", corrected, "text/csv")).run()
    at.run()
    assert shared_mql(at) == qualified(corrected)
