"""A fresh export whose headers differ from the first one's: in case or punctuation only (the
saved mapping must still fit), or by a renamed column (the corrections for the columns the two
share carry over, and none lands on a column it was not made for). Uploads go through the
functions the evidence page uses; the expected figures are read with plain pandas."""
from __future__ import annotations

import io

import numpy as np
import pandas as pd
import pytest

from workshop import store
from workshop.definition import Definition
from workshop.evaluate import MQL, evaluate
from workshop.importer import read_export
from workshop.mapping import (
    Mapping,
    headers_signature,
    lost_by_default,
    matching_headers,
    repeating_columns,
)
from workshop.pipeline import map_with_saved, reuse_note
from workshop.uploads import save_upload

WON = ["Customer", "Churned"]
OPEN = ["Prospect", "Negotiating"]
INDUSTRIES = ["Technology", "Finance"]


def export(seed: int, rows: int = 500, renamed: dict[str, str] | None = None) -> bytes:
    """A Zoho-like leads export; its revenue is written in thousands, but its median is too
    large for the app to guess so (the facilitator says it)."""
    rng = np.random.default_rng(seed)
    table = pd.DataFrame({
        "Record Id": [f"zcrm_{seed}{i:06d}" for i in range(rows)],
        "Lead Owner": rng.choice(["Ben Ortiz", "Anna Park"], rows),
        "Company": [f"Company {i}" for i in range(rows)],
        "Email": [f"p{i}@co{i}.com" for i in range(rows)],
        "Lead Source": rng.choice(["Cold Call", "Web Form", "Partner"], rows),
        "Lead Status": rng.choice(["Not Contacted", "Pre-Qualified", "Contacted"], rows),
        "Status": rng.choice(WON + OPEN + ["Disqualified"], rows),
        "Industry": rng.choice(INDUSTRIES + ["Healthcare", "Retail"], rows),
        "No. of Employees": rng.integers(5, 20_000, rows),
        "Annual Revenue": rng.integers(150_000, 2_000_000, rows),
        "Created Time": [f"2025-{m:02d}-{d:02d} 10:00:00" for m, d in zip(
            rng.integers(1, 13, rows), rng.integers(1, 29, rows), strict=True)],
        "Country": rng.choice(["United States", "Canada", "Germany"], rows),
    })
    return table.rename(columns=renamed or {}).to_csv(index=False).encode()


DEFINITION = Definition.from_dict({"threshold": 0, "criteria": [
    {"field": "industry", "op": "in", "values": INDUSTRIES, "role": "must", "gate": "mql"},
    {"field": "employees", "op": "between", "low": 50, "high": 5000, "role": "must",
     "gate": "mql"},
    {"field": "annual_revenue", "op": "at_least", "low": 500_000_000, "role": "must",
     "gate": "mql"},
]})


def expected(data: bytes, headers: dict[str, str], unit: float) -> dict[str, float]:
    """MQL, wins and the revenue median under the facilitator's reading, in plain pandas;
    `headers` names this export's industry, employees, revenue and status columns."""
    table = pd.read_csv(io.BytesIO(data), dtype=str, keep_default_na=False)
    revenue = pd.to_numeric(table[headers["revenue"]]) * unit
    employees = pd.to_numeric(table[headers["employees"]])
    mql = (table[headers["industry"]].isin(INDUSTRIES) & employees.between(50, 5000)
           & (revenue >= 500_000_000))
    wins = int(table[headers["status"]].isin(WON).sum()) if headers.get("status") else None
    return {"mql": int(mql.sum()), "wins": wins, "revenue median": float(revenue.median())}


def figures(result) -> dict[str, float]:
    leads = result.leads
    wins = int((leads["outcome"] == "won").sum()) if "outcome" in leads else None
    return {"mql": evaluate(leads, DEFINITION).count(MQL), "wins": wins,
            "revenue median": float(leads["annual_revenue"].median())}


def upload(session, workshop_id: str, key: str, data: bytes, name: str):
    """What the evidence page's upload form does with a file."""
    raw, export_format = read_export(data, name, repeated=repeating_columns)
    signature = headers_signature(list(raw.columns))
    known, same_headers = store.mapping_to_reuse(session, workshop_id, key, signature)
    result = map_with_saved(raw, export_format, known, same_headers)
    store.record_upload(session, workshop_id, key, sha256=save_upload(data), filename=name,
                        rows=len(result.leads), headers_signature=signature,
                        mapping_json=result.mapping.to_json())
    return result


@pytest.fixture
def corrected(session, tmp_path, monkeypatch):
    """A workshop whose first export's mapping the facilitator corrected on the page: won is
    Customer or Churned, open Prospect or Negotiating, revenue in thousands."""
    monkeypatch.setenv("UPLOAD_DIR", str(tmp_path))
    workshop, key = store.create_workshop(session, company="Fabrikam", title="Leads",
                                          facilitator_name="Fay")
    first = export(1)
    result = upload(session, workshop.id, key, first, "leads-a.csv")
    assert result.mapping.units.get("Annual Revenue", 1.0) == 1.0  # the correction matters
    raw = result.raw
    chosen = Mapping(columns={h: result.mapping.columns.get(h, "") for h in raw.columns},
                     outcome_column="Status", won_values=WON, open_values=OPEN,
                     units={"Annual Revenue": 1000.0},
                     lost_values=lost_by_default(raw["Status"], WON, OPEN))
    upload_id = store.current_upload(session, workshop.id, key).id
    store.update_upload_mapping(session, workshop.id, key, upload_id, chosen.to_json())
    return session, workshop.id, key


SAME = {"industry": "Industry", "employees": "No. of Employees", "revenue": "Annual Revenue",
        "status": "Status"}


@pytest.mark.parametrize("renamed", [
    {"Created Time": "Created time"},
    {"Annual Revenue": "Annual revenue", "No. of Employees": "No of Employees"},
    {"Created Time": "Created time", "Annual Revenue": "ANNUAL_REVENUE", "Status": "status"},
])
def test_headers_differing_in_case_or_punctuation_keep_every_correction(corrected, renamed):
    session, workshop_id, key = corrected
    fresh = export(2, 400, renamed)
    result = upload(session, workshop_id, key, fresh, "leads-b.csv")

    headers = {field: renamed.get(header, header) for field, header in SAME.items()}
    assert figures(result) == expected(fresh, headers, 1000)
    assert result.mapping.outcome_column == headers["status"]
    assert reuse_note(result) == "with the mapping used last time for these columns"


def test_a_renamed_outcome_column_keeps_the_other_corrections(corrected):
    session, workshop_id, key = corrected
    fresh = export(3, 400, {"Status": "Account Status"})
    result = upload(session, workshop_id, key, fresh, "leads-c.csv")

    assert result.mapping.units == {"Annual Revenue": 1000.0}  # kept: the column is there
    assert result.mapping.columns["Lead Status"] == ""  # left unmapped, as chosen
    want = expected(fresh, {**SAME, "status": None}, 1000)
    got = figures(result)
    assert (got["mql"], got["revenue median"]) == (want["mql"], want["revenue median"])
    # The saved won values were chosen for "Status": never applied to another column.
    assert result.mapping.outcome_column is None or result.mapping.won_values != WON
    note = reuse_note(result)
    assert note.startswith("with the mapping used last time for the columns it shares with "
                           "this export; “Account Status” is new, and “Status” is not in this "
                           "export")


def test_a_renamed_revenue_column_is_not_given_the_saved_unit(corrected):
    session, workshop_id, key = corrected
    renamed = {"Annual Revenue": "Revenue", "Record Id": "Lead Id"}
    fresh = export(4, 400, renamed)
    result = upload(session, workshop_id, key, fresh, "leads-d.csv")

    # "Revenue" is new: mapped automatically, its values whole dollars as written.
    assert result.mapping.columns["Revenue"] == "annual_revenue"
    assert result.mapping.units == {}
    assert figures(result) == expected(fresh, {**SAME, "revenue": "Revenue"}, 1)
    assert result.mapping.outcome_column == "Status"
    assert reuse_note(result) == (
        "with the mapping used last time for the columns it shares with this export; "
        "“Lead Id” and “Revenue” are new, and “Record Id” and “Annual Revenue” are not in "
        "this export")


def test_a_later_export_with_the_first_headers_again_reuses_their_mapping(corrected):
    session, workshop_id, key = corrected
    upload(session, workshop_id, key, export(5, 300, {"Status": "Account Status"}), "c.csv")
    again = export(6, 300)
    result = upload(session, workshop_id, key, again, "a-again.csv")

    assert figures(result) == expected(again, SAME, 1000)


def test_saved_headers_match_the_same_header_once():
    headers = ["Email", "E-mail", "Created time", "Lead  Status", "lead status"]
    assert matching_headers(["Email", "Created Time", "Lead Status", "Country"], headers) == {
        "Email": "Email", "Created Time": "Created time"}
    # Two saved spellings of one export header: only the exact one keeps its reading.
    assert matching_headers(["Created time", "CREATED TIME"], headers) == {
        "Created time": "Created time"}
    assert matching_headers(["CreatedTime", "CREATED TIME"], headers) == {}


def test_an_automatic_mapping_carried_over_names_only_what_it_now_reads(session, tmp_path,
                                                                         monkeypatch):
    """An automatic mapping names only the columns it mapped: a header it leaves out may have
    been in the earlier export, so it is not called new."""
    monkeypatch.setenv("UPLOAD_DIR", str(tmp_path))
    workshop, key = store.create_workshop(session, company="Fabrikam", title="Leads",
                                          facilitator_name="Fay")
    upload(session, workshop.id, key, export(7, 300), "a.csv")
    fresh = export(8, 300, {"Status": "Account Status"})
    result = upload(session, workshop.id, key, fresh, "c.csv")

    assert result.mapping.columns["Lead Status"] == "lead_status"  # "Status" no longer takes it
    assert reuse_note(result).startswith(
        "with the mapping used last time for the columns it shares with this export; "
        "“Lead Status” is mapped automatically, and “Status” is not in this export")
    assert figures(result)["mql"] == expected(fresh, {**SAME, "status": None}, 1)["mql"]
