"""Uploaded exports: kept on disk by content, recorded per workshop, shown as evidence."""
from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from workshop import demo, store
from workshop.db import make_engine
from workshop.db import session as make_session
from workshop.definition import Definition
from workshop.mapping import Mapping, headers_signature
from workshop.models import Workshop
from workshop.pipeline import import_leads
from workshop.uploads import load_upload, save_upload

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "app.py")
SAMPLE = ROOT / "data" / "sample_leads.csv"


def test_uploads_are_stored_once_by_content(tmp_path):
    first = save_upload(b"a,b\n1,2\n", tmp_path)
    again = save_upload(b"a,b\n1,2\n", tmp_path)
    other = save_upload(b"a,b\n3,4\n", tmp_path)
    assert first == again != other and len(first) == 64
    assert load_upload(first, tmp_path) == b"a,b\n1,2\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted({first, other})


@pytest.mark.parametrize("reference", ["../../etc/passwd", "ABC", "0" * 63])
def test_only_hashes_name_an_upload(tmp_path, reference):
    with pytest.raises(ValueError):
        load_upload(reference, tmp_path)


@pytest.mark.parametrize("reference", ["0" * 64, ""])  # "": restored without its file
def test_a_missing_upload_says_what_to_do(tmp_path, reference):
    with pytest.raises(FileNotFoundError, match="upload the export again"):
        load_upload(reference, tmp_path)


def record_sample(s, workshop_id: str, token: str, mapping: Mapping | None = None) -> int:
    data = SAMPLE.read_bytes()
    result = import_leads(data, SAMPLE.name, mapping)
    return store.record_upload(
        s, workshop_id, token, sha256=save_upload(data), filename=SAMPLE.name,
        rows=len(result.leads), headers_signature=headers_signature(list(result.raw.columns)),
        mapping_json=result.mapping.to_json())


def test_uploads_belong_to_the_facilitator_until_the_reveal(session, tmp_path, monkeypatch):
    monkeypatch.setenv("UPLOAD_DIR", str(tmp_path))
    workshop, fac = store.create_workshop(session, company="Acme", title="T",
                                          facilitator_name="Fay")
    sales = store.start_turn(session, workshop.id, fac, role="sales", name="Sam")
    with pytest.raises(store.AccessDenied):
        record_sample(session, workshop.id, sales)
    upload_id = record_sample(session, workshop.id, fac)
    assert store.current_upload(session, workshop.id, fac).id == upload_id
    assert store.current_upload(session, workshop.id, sales) is None  # not before the reveal
    store.reveal(session, workshop.id, fac)
    assert store.current_upload(session, workshop.id, sales).rows == 6000
    other, other_fac = store.create_workshop(session, company="B", title="T",
                                             facilitator_name="Bo")
    assert store.current_upload(session, other.id, other_fac) is None
    with pytest.raises(store.NotFound):
        store.update_upload_mapping(session, other.id, other_fac, upload_id, "{}")
    store.delete_workshop(session, workshop.id, fac)
    assert store.current_upload(session, other.id, other_fac) is None


def test_a_mapping_is_reused_for_the_same_headers(session, tmp_path, monkeypatch):
    monkeypatch.setenv("UPLOAD_DIR", str(tmp_path))
    workshop, fac = store.create_workshop(session, company="Acme", title="T",
                                          facilitator_name="Fay")
    upload_id = record_sample(session, workshop.id, fac)
    upload = store.current_upload(session, workshop.id, fac)
    edited = Mapping.from_json(upload.mapping_json)
    edited.columns.pop("Industry")
    store.update_upload_mapping(session, workshop.id, fac, upload_id, edited.to_json())
    saved = store.saved_mapping(session, workshop.id, fac, upload.headers_signature)
    assert "Industry" not in Mapping.from_json(saved).columns
    assert store.saved_mapping(session, workshop.id, fac, "0" * 16) is None


@pytest.fixture
def demo_with_upload(database_url, tmp_path, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("UPLOAD_DIR", str(tmp_path))
    engine = make_engine(database_url)
    with make_session(engine) as s:
        demo.seed_demo(s)
        key = s.get(Workshop, demo.DEMO_ID).facilitator_token
        upload_id = record_sample(s, demo.DEMO_ID, key)
    yield {"ws": demo.DEMO_ID, "key": key}, engine, upload_id
    engine.dispose()


def open_evidence(params: dict) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    for name, value in params.items():
        at.query_params[name] = value
    at.run()
    at.switch_page("views/evidence.py").run()
    assert not at.exception
    return at


def page_text(at: AppTest) -> str:
    parts = [str(e.value) for kind in ("title", "header", "subheader", "markdown", "caption",
                                       "info", "warning", "success")
             for e in getattr(at, kind)]
    return "\n".join(parts).replace("\\", "")


def test_before_the_reveal_only_the_data_shows(demo_with_upload):
    params, _, _ = demo_with_upload
    at = open_evidence(params)
    text = page_text(at)
    assert "sample_leads.csv" in text and "6,000 rows" in text
    assert "after the reveal" in text
    assert not any("Definition" in df.value.columns for df in at.dataframe)


@pytest.mark.parametrize("uploaded", [True, False])
def test_a_participant_before_the_reveal_is_told_the_figures_wait_for_it(
        database_url, tmp_path, monkeypatch, uploaded):
    """A company's own export, uploaded: the page told a participant it waited for one."""
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("UPLOAD_DIR", str(tmp_path))
    engine = make_engine(database_url)
    with make_session(engine) as s:
        workshop, fac = store.create_workshop(s, company="Nordlicht", title="T",
                                              facilitator_name="Fay")
        if uploaded:
            record_sample(s, workshop.id, fac)
        invite = store.invitations(s, workshop.id, fac).secrets["sales"]
        _, token = store.join_with_invite(s, invite, "Sam")
    engine.dispose()
    text = page_text(open_evidence({"ws": workshop.id, "key": token}))
    assert "after the reveal" in text
    assert "uploads" not in text


def test_after_the_reveal_every_draft_has_figures(demo_with_upload):
    params, engine, _ = demo_with_upload
    with make_session(engine) as s:
        store.reveal(s, demo.DEMO_ID, params["key"])
    at = open_evidence(params)
    tables = [df.value for df in at.dataframe]
    figures = next(t for t in tables if "MQL share" in t.columns)
    assert list(figures["Definition"]) == ["Facilitator", "Marketing", "Sales"]
    assert figures.set_index("Definition").loc["Marketing", "MQL"] > \
        figures.set_index("Definition").loc["Sales", "MQL"]
    verdicts = next(t for t in tables if "Verdict" in t.columns)
    assert set(verdicts["Verdict"]) <= {"too loose", "fits", "too tight"}
    wins = next(t for t in tables if "Share of wins caught" in t.columns)
    assert (wins["Share of wins caught"] > 0).all()
    assert "sample_leads.csv" in page_text(at)


def test_criteria_survive_a_column_left_unmapped(demo_with_upload):
    """Industry unmapped: the drafts' industry rules use the export's own "Industry" column,
    and every figure stays what it was."""
    params, engine, upload_id = demo_with_upload
    with make_session(engine) as s:
        store.reveal(s, demo.DEMO_ID, params["key"])
    def figures(at: AppTest) -> pd.DataFrame:
        return next(d.value for d in at.dataframe if "MQL" in d.value.columns)

    before = figures(open_evidence(params))
    with make_session(engine) as s:
        upload = store.current_upload(s, demo.DEMO_ID, params["key"])
        mapping = Mapping.from_json(upload.mapping_json)
        mapping.columns.pop("Industry")
        store.update_upload_mapping(s, demo.DEMO_ID, params["key"], upload_id,
                                    mapping.to_json())
    at = open_evidence(params)
    assert "no column for" not in page_text(at)
    pd.testing.assert_frame_equal(figures(at), before)


def test_figures_are_kept_between_reruns_and_follow_a_changed_definition(demo_with_upload,
                                                                        monkeypatch):
    import streamlit as st  # noqa: PLC0415

    from workshop import preview  # noqa: PLC0415

    calls: list[str] = []
    for name in ("monthly_volume", "waterfall", "sample_table"):
        original = getattr(preview, name)

        def counted(*args, _original=original, _name=name, **kwargs):
            calls.append(_name)
            return _original(*args, **kwargs)

        monkeypatch.setattr(preview, name, counted)
    st.cache_data.clear()
    params, engine, _ = demo_with_upload
    with make_session(engine) as s:
        store.reveal(s, demo.DEMO_ID, params["key"])
    at = open_evidence(params)
    first = list(calls)
    assert first.count("monthly_volume") == 3 and "waterfall" in first
    at.run()  # a rerun, as any widget change causes
    assert calls == first, "figures were computed again for unchanged definitions"

    at.selectbox(key="evidence:closer").set_value("Sales").run()
    assert calls.count("waterfall") == 2 and calls.count("monthly_volume") == 3


def empty_budget_export() -> bytes:
    """60 leads over six months whose Budget column is blank throughout."""
    rows = ["Email,Company,Industry,Budget,Created Date,Lifecycle Stage"]
    rows += [f"p{i}@firm{i}.com,Firm {i},{('Software', 'Retail')[i % 2]},,"
             f"2025-0{1 + i % 6}-1{i % 9}T09:15:00Z,{('Lead', 'Customer', 'Lead')[i % 3]}"
             for i in range(60)]
    return ("\n".join(rows) + "\n").encode()


def test_a_draft_whose_column_is_empty_gets_no_capacity_or_wins_figures(database_url, tmp_path,
                                                                       monkeypatch):
    """A must-have on the blank Budget: no lead can meet it, so its capacity verdict ("too
    tight: loosen a must-have"), its 0% of wins caught and its scorecard would be invented. It
    is left out of them, the live table says why, and the other draft keeps its figures."""
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("UPLOAD_DIR", str(tmp_path))
    software = {"field": "industry", "op": "in", "values": ["Software"], "role": "must"}
    budget = {"field": "Budget", "op": "at_least", "low": 1000, "role": "must"}
    drafts = {"marketing": [software, budget], "sales": [software]}
    engine = make_engine(database_url)
    data = empty_budget_export()
    with make_session(engine) as s:
        workshop, key = store.create_workshop(s, company="Northwind", title="Leads",
                                              facilitator_name="Fay")
        imported = import_leads(data, "hubspot.csv")
        store.record_upload(s, workshop.id, key, sha256=save_upload(data),
                            filename="hubspot.csv", rows=len(imported.leads),
                            headers_signature=headers_signature(list(imported.raw.columns)),
                            mapping_json=imported.mapping.to_json())
        for role, criteria in drafts.items():
            token = store.start_turn(s, workshop.id, key, role=role, name=role.title())
            _, revision, _ = store.my_draft(s, workshop.id, token)
            store.save_draft(s, workshop.id, token, Definition.from_dict(
                {"criteria": criteria, "actions": [], "threshold": 0}), revision)
        store.reveal(s, workshop.id, key)
    engine.dispose()
    at = open_evidence({"ws": workshop.id, "key": key})
    assert "“Budget” is empty in these leads" in page_text(at)
    assert "**Marketing** cannot run on these leads (the figures above say why)" in \
        page_text(at)
    assert page_text(at).count("“Budget” is empty") == 1  # said once, by the live panel
    tables = [d.value for d in at.dataframe]
    capacity = next(t for t in tables if "MQL per month" in t.columns)
    wins = next(t for t in tables if "Share of wins caught" in t.columns)
    card = next(t for t in tables if "MQL a month" in t.columns)
    for table in (capacity, wins, card):
        names = set(table[table.columns[0]])
        assert "Sales" in names and "Marketing" not in names, table
    software_leads = 30  # every other lead, from 10 January to 18 June
    covered = (31 - 10 + 1) / 31 + 4 + 18 / 30  # part of January, February to May, part of June
    assert capacity.set_index(capacity.columns[0]).at["Sales", "MQL per month"] == \
        round(software_leads / covered, 1)
