"""The mapping editor's outcome widgets follow the chosen column, a saved unit is dropped on
amounts written out in full, and a chosen "(none)" outcome means no outcome at all."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from tests.widget_keys import own
from workshop import store
from workshop.db import make_engine
from workshop.db import session as make_session
from workshop.importer import read_export
from workshop.mapping import Mapping, headers_signature, repeating_columns
from workshop.pipeline import import_leads, map_with_saved
from workshop.ui.import_panel import unit_questions
from workshop.uploads import save_upload

APP = str(Path(__file__).resolve().parent.parent / "app.py")
STAGES = ["Closed Won", "Closed Lost", "Negotiation"]
LIFECYCLE = ["Customer", "Lead", "Opportunity", "Subscriber"]


def two_outcome_export(rows: int = 240, seed: int = 31) -> bytes:
    """Leads with a deal stage (read automatically) and a lifecycle stage whose values share
    nothing with it."""
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame({
        "Email": [f"p{i}@firm{i}.com" for i in range(rows)],
        "Company": [f"Firm {i}" for i in range(rows)],
        "Industry": rng.choice(["Software", "Retail", "Finance"], rows),
        "Deal Stage": rng.choice(STAGES, rows),
        "Lifecycle Stage": rng.choice(LIFECYCLE, rows),
    })
    return frame.to_csv(index=False).encode()


def upload(database_url: str, data: bytes, filename: str = "crm.csv") -> dict:
    engine = make_engine(database_url)
    with make_session(engine) as s:
        workshop, key = store.create_workshop(s, company="Fabrikam", title="Leads",
                                              facilitator_name="Fay")
        result = import_leads(data, filename)
        store.record_upload(s, workshop.id, key, sha256=save_upload(data), filename=filename,
                            rows=len(result.leads),
                            headers_signature=headers_signature(list(result.raw.columns)),
                            mapping_json=result.mapping.to_json())
    engine.dispose()
    return {"ws": workshop.id, "key": key}


def current(database_url: str, params: dict):
    engine = make_engine(database_url)
    with make_session(engine) as s:
        upload = store.current_upload(s, params["ws"], params["key"])
    engine.dispose()
    return upload


def open_evidence(params: dict) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    for name, value in params.items():
        at.query_params[name] = value
    at.run()
    at.switch_page("views/evidence.py").run()
    assert not at.exception
    return at


def won_box(at: AppTest):
    return next(box for box in at.multiselect if box.label == "Values that mean won")


@pytest.fixture
def page(database_url, tmp_path, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("UPLOAD_DIR", str(tmp_path))
    data = two_outcome_export()
    return data, upload(database_url, data), database_url


def test_switching_the_outcome_column_saves_that_columns_values(page):
    data, params, url = page
    uid = current(url, params).id
    before = Mapping.from_json(current(url, params).mapping_json)
    assert before.outcome_column == "Deal Stage"
    at = open_evidence(params)
    own(at.selectbox, f"evidence:outcome:{uid}").set_value("Lifecycle Stage").run()
    own(at.button, f"evidence:save:{uid}").click().run()
    assert not at.exception and not at.error
    saved = Mapping.from_json(current(url, params).mapping_json)
    assert saved.outcome_column == "Lifecycle Stage"
    assert saved.won_values == ["Customer"] and saved.open_values == ["Opportunity"]

    raw = pd.read_csv(pd.io.common.BytesIO(data), dtype=str)
    stage = raw["Lifecycle Stage"]
    leads = import_leads(data, "crm.csv", saved).leads
    assert int((leads["outcome"] == "won").sum()) == int((stage == "Customer").sum()) > 0
    assert int((leads["outcome"] == "open").sum()) == int((stage == "Opportunity").sum())

    reopened = open_evidence(params)
    assert won_box(reopened).value == ["Customer"]


def test_an_outcome_column_without_a_won_value_is_not_saved_with_the_old_values(page):
    data, params, url = page
    uid = current(url, params).id
    before = current(url, params).mapping_json
    at = open_evidence(params)
    own(at.selectbox, f"evidence:outcome:{uid}").set_value("Industry").run()
    assert won_box(at).value == []
    own(at.button, f"evidence:save:{uid}").click().run()
    assert not at.exception and len(at.error) == 1
    assert current(url, params).mapping_json == before


def test_choosing_no_outcome_beside_a_deal_stage_means_no_outcome(page):
    data, params, url = page
    uid = current(url, params).id
    at = open_evidence(params)
    own(at.selectbox, f"evidence:outcome:{uid}").set_value("").run()
    own(at.button, f"evidence:save:{uid}").click().run()
    assert not at.exception and not at.error
    saved = Mapping.from_json(current(url, params).mapping_json)
    assert saved.outcome_column is None and saved.columns["Deal Stage"] == "deal_stage"
    assert "outcome" not in import_leads(data, "crm.csv", saved).leads.columns

    # Nobody chose: the deal stage still says who was won.
    automatic = Mapping(columns=dict(saved.columns))
    outcome = import_leads(data, "crm.csv", automatic).leads["outcome"]
    raw = pd.read_csv(pd.io.common.BytesIO(data), dtype=str)
    assert int((outcome == "won").sum()) == int((raw["Deal Stage"] == "Closed Won").sum()) > 0


def amount_exports(rows: int = 300, seed: int = 9) -> tuple[bytes, bytes, np.ndarray]:
    """The same leads with Amount and Budget in thousands, then written out in full."""
    rng = np.random.default_rng(seed)
    amounts = np.round(np.exp(rng.normal(np.log(12_500), 0.8, rows)), 2)
    base = pd.DataFrame({"Email": [f"p{i}@firm{i}.com" for i in range(rows)],
                         "Company": [f"Firm {i}" for i in range(rows)]})
    thousands = base.assign(Amount=(amounts / 1000).round(1), Budget=(amounts / 1000).round(1))
    full = base.assign(Amount=[f"${v:,.2f}" for v in amounts],
                       Budget=[f"${v:,.2f}" for v in amounts])
    return (thousands.to_csv(index=False).encode(), full.to_csv(index=False).encode(), amounts)


@pytest.mark.parametrize("header", ["Amount", "Budget"])
def test_a_saved_unit_is_not_applied_to_amounts_written_out(header):
    earlier, fresh, amounts = amount_exports()
    mapping = import_leads(earlier, "k.csv").mapping
    key = mapping.columns[header]
    mapping.units[header] = 1000.0
    raw, export_format = read_export(fresh, "full.csv", repeated=repeating_columns)
    result = map_with_saved(raw, export_format, mapping.to_json())
    assert header not in result.mapping.units
    truth = pd.read_csv(pd.io.common.BytesIO(fresh), dtype=str)[header] \
        .str.replace(r"[$,]", "", regex=True).astype(float)
    assert result.leads[key].median() == pytest.approx(truth.median())
    assert truth.median() == pytest.approx(float(np.median(amounts)))


def test_a_chosen_unit_on_large_numbers_is_not_called_small():
    _, _, amounts = amount_exports()
    data = pd.DataFrame({"Email": [f"p{i}@f{i}.com" for i in range(len(amounts))],
                         "Amount": amounts.round(0)}).to_csv(index=False).encode()
    automatic = import_leads(data, "a.csv").mapping
    chosen = Mapping(columns=automatic.columns, units={"Amount": 1000.0})
    questions = unit_questions(import_leads(data, "a.csv", chosen))
    assert len(questions) == 1 and "small numbers" not in questions[0]
    assert "thousands" in questions[0]
