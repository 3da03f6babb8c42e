"""The real-shaped exports of tests/exports/real through the pages a facilitator uses.

Each export is uploaded to a fresh workshop of a company that is not the demo, the drafts are
revealed, and the evidence page, step 3, step 4 and the versions page are opened as the
facilitator would. The figures they show must be the hand-worked ones of
`tests/test_real_exports.py` (plain pandas, independent of the app), and no page may show a
traceback. Then: a new company never sees the demo company's sample leads, its guided form
offers its own export's values once one is loaded, and a measurement on an export whose data
changed shape is flagged instead of stored as a silent 0.
"""
from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from tests.test_real_exports import (
    DEFINITIONS,
    EXPORTS,
    REAL,
    expectation,
    figures,
    qualified_a_month,
)
from workshop import store, versions
from workshop.db import session as make_session
from workshop.definition import Definition
from workshop.mapping import headers_signature
from workshop.pipeline import import_leads
from workshop.uploads import save_upload

APP = str(Path(__file__).resolve().parent.parent / "app.py")


def definition_of(name: str) -> Definition:
    return Definition.from_json((DEFINITIONS / f"{EXPORTS[name][0]}.json").read_text("utf-8"))


def upload(s, workshop_id: str, key: str, path: Path, filename: str | None = None) -> None:
    """What the evidence page's upload stores: the file, its automatic mapping."""
    data = path.read_bytes()
    result = import_leads(data, filename or path.name)
    store.record_upload(s, workshop_id, key, sha256=save_upload(data),
                        filename=filename or path.name, rows=len(result.leads),
                        headers_signature=headers_signature(list(result.raw.columns)),
                        mapping_json=result.mapping.to_json())


def revealed_workshop(engine, definition: Definition, export: Path | None) -> dict:
    """A new company's workshop: the facilitator's and marketing's drafts are `definition`,
    sales wrote nothing on its columns, the shared definition is `definition`, revealed."""
    with make_session(engine) as s:
        workshop, key = store.create_workshop(s, company="Northwind Trading", title="Leads",
                                              facilitator_name="Fay")
        if export is not None:
            upload(s, workshop.id, key, export)
        for token in (key, store.start_turn(s, workshop.id, key, role="marketing", name="Mia")):
            _, revision, _ = store.my_draft(s, workshop.id, token)
            store.save_draft(s, workshop.id, token, definition, revision)
        sales = store.start_turn(s, workshop.id, key, role="sales", name="Sol")
        _, revision, _ = store.my_draft(s, workshop.id, sales)
        store.save_draft(s, workshop.id, sales, Definition.from_dict({"criteria": [
            {"field": "no_such_column_anywhere", "op": "in", "values": ["x"]}]}), revision)
        store.reveal(s, workshop.id, key)
        shared = store.shared_state(s, workshop.id, key)
        store.save_shared(s, workshop.id, key, definition, shared.revision, {},
                          summary="agreed", questions=[])
    return {"ws": workshop.id, "key": key}


def both_teams_sign(engine, params: dict) -> versions.VersionInfo:
    """Marketing and sales sign the proposal in the room; the version that makes."""
    with make_session(engine) as s:
        proposal = versions.current_proposal(s, params["ws"], params["key"])
        for team, person in (("marketing", "Mia"), ("sales", "Sol")):
            versions.sign_in_room(s, params["ws"], params["key"], proposal.id, role=team,
                                  name=person, agrees=True, reason="")
        return versions.versions(s, params["ws"], params["key"])[-1]


def open_page(params: dict, page: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    for name, value in params.items():
        at.query_params[name] = value
    at.run()
    at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def texts(at: AppTest) -> str:
    parts = [str(e.value) for kind in ("title", "header", "subheader", "markdown", "caption",
                                       "info", "warning", "success", "error")
             for e in getattr(at, kind)]
    return "\n".join(parts).replace("\\", "")


def table_with(at: AppTest, column: str) -> pd.DataFrame:
    tables = [d.value for d in at.dataframe if column in d.value.columns]
    assert tables, f"no table with a {column!r} column"
    return tables[0]


@pytest.mark.parametrize("name", list(EXPORTS))
def test_the_evidence_page_shows_the_hand_worked_figures(database, name):
    params = revealed_workshop(database, definition_of(name), REAL / name)
    want = figures(expectation(name))
    at = open_page(params, "views/evidence.py")
    page = texts(at)
    assert "sample leads" not in page and "Traceback" not in page
    live = table_with(at, "MQL").set_index("Definition")
    for row in ("Facilitator", "Marketing", "Shared definition"):
        assert (live.at[row, "MQL"], live.at[row, "SQL"]) == (want["mql"], want["sql"]), row
    # The draft naming a column this export lacks says which, and hides nothing else.
    assert "no column for “no_such_column_anywhere”" in page
    assert pd.isna(live.at["Sales", "MQL"])
    if "wins" in want:
        wins = table_with(at, "Share of wins caught").set_index("Definition")
        assert wins.at["Shared definition", "Share of wins caught"] == pytest.approx(
            want["share_of_wins_caught"])
        assert wins.at["Shared definition", "Win rate of MQLs"] == pytest.approx(
            want["mql_win_rate"])
    else:
        assert "These leads have no outcome" in page
    months = expectation(name)["month"].dropna()
    if len(months):
        capacity = table_with(at, "MQL per month").set_index("Definition")
        assert capacity.at["Shared definition", "MQL per month"] == pytest.approx(
            round(qualified_a_month(expectation(name)), 1))
    else:
        assert "no created date" in page
        totals = table_with(at, "MQL (whole export)").set_index("Definition")
        assert totals.at["Shared definition", "MQL (whole export)"] == want["mql"]


@pytest.mark.parametrize("name", ["online_education_leads_eu.csv", "marketing_funnel.csv",
                                  "b2b_pipeline.xlsx"])
def test_sign_off_measures_the_export_and_the_one_pager_prints_it(database, name):
    """The figures kept with version 1 and printed on the one-pager are the export's own:
    per month where it has dates, totals where it has none, never a silent 0."""
    definition = definition_of(name)
    params = revealed_workshop(database, definition, REAL / name)
    at = open_page(params, "views/compare.py")
    assert "On " + name in texts(at)
    at.button(key="agree:propose").click().run()
    assert not at.exception
    signed = both_teams_sign(database, params)
    want = figures(expectation(name))
    assert signed.figures.qualified == want["mql"] and signed.figures.sql == want["sql"]
    months = expectation(name)["month"].dropna()
    if len(months):
        assert signed.figures.qualified_per_month == round(
            qualified_a_month(expectation(name)), 1)
    else:
        assert signed.figures.qualified_per_month is None and signed.figures.months == 0
    at = open_page(params, "views/communicate.py")
    page = texts(at)
    assert "sample leads" not in page
    if len(months):
        assert f"{signed.figures.qualified_per_month:,.1f} qualified leads a month" in page
    else:
        assert f"{want['mql']:,} of {want['rows']:,} leads qualified" in page
        assert "no monthly figure" in page
    at = open_page(params, "views/history.py")
    assert "No figures on these leads" not in texts(at)
    # win figures from too few decided leads or wins carry their caveat, others do not
    unsure = bool(signed.figures.wins) and not signed.figures.reliable
    assert ("are from few decided leads and wins, so only a rough guide" in texts(at)) == unsure


def test_a_new_company_never_sees_the_demo_sample(database):
    """No export yet: every page says figures need the company's own leads, and nothing of
    the sample leads shows or is kept (not in the version, not on the one-pager)."""
    definition = definition_of("marketing_funnel.csv")
    params = revealed_workshop(database, definition, None)
    for page in ("views/compare.py", "views/evidence.py", "views/history.py",
                 "views/communicate.py", "views/facilitator.py"):
        at = open_page(params, page)
        text = texts(at)
        assert "sample leads" not in text and "6,000" not in text, page
        assert not [d for d in at.dataframe if "MQL" in d.value.columns], page
    at = open_page(params, "views/compare.py")
    assert "No lead figures yet" in texts(at)
    assert "Upload" in texts(at) or any("Upload" in str(p.label) for p in at.get("page_link"))
    at.button(key="agree:propose").click().run()
    assert "signed without figures" in texts(at) or not at.exception
    with make_session(database) as s:
        proposal = versions.current_proposal(s, params["ws"], params["key"])
        assert proposal.figures is None
    at = open_page(params, "views/evidence.py")
    assert "Upload your company's CRM export" in texts(at)


def test_the_guided_form_offers_the_exports_own_values(database):
    """Before an export: the catalog's neutral lists (not the demo company's pains). After
    one: the export's values, with how many leads have each, for everyone drafting."""
    with make_session(database) as s:
        workshop, key = store.create_workshop(s, company="Northwind Trading", title="Leads",
                                              facilitator_name="Fay")
        _, sales = store.join_with_invite(s, store.invitations(s, workshop.id, key)
                                          .secrets["sales"], "Sol")
    params = {"ws": workshop.id, "key": key}
    at = open_page(params, "views/facilitator.py")
    industry = next(m for m in at.multiselect if str(m.key).endswith(":industry:values"))
    assert "Software" in industry.options and "home decor" not in industry.options
    at.selectbox(key=next(s.key for s in at.selectbox if s.key.endswith(":jump"))) \
        .set_value(6).run()  # question 7: pain
    pain = next(m for m in at.multiselect if str(m.key).endswith(":pain:values"))
    assert "Slow month-end close" not in pain.options  # the demo company's own pain
    with make_session(database) as s:
        upload(s, workshop.id, key, REAL / "marketing_funnel.csv")
    at = open_page(params, "views/facilitator.py")
    at.selectbox(key=next(s.key for s in at.selectbox if s.key.endswith(":jump"))) \
        .set_value(0).run()
    industry = next(m for m in at.multiselect if str(m.key).endswith(":industry:values"))
    raw = pd.read_csv(REAL / "marketing_funnel.csv", dtype=str)["business_segment"]
    top, count = raw.value_counts().index[0], int(raw.value_counts().iloc[0])
    assert industry.options[0] == f"{top} · {count:,} leads"  # shown with its lead count
    assert not [o for o in industry.options if o.startswith("Software")]  # not the neutral list
    industry.set_value([top]).run()  # the value itself is what is saved
    with make_session(database) as db_session:
        saved, _, _ = store.my_draft(db_session, workshop.id, key)
    assert saved.criteria[0].values == [top]
    # A participant drafting on their own device gets the same choices.
    at = open_page({"ws": workshop.id, "key": sales}, "views/draft.py")
    industry = next(m for m in at.multiselect if str(m.key).endswith(":industry:values"))
    assert industry.options[0] == f"{top} · {count:,} leads"


def test_a_measurement_on_an_export_that_changed_shape_is_flagged(database, tmp_path):
    """Version 1 uses the budget column; a fresh export leaves it blank. The versions page
    says so and keeps no measurement, instead of showing and storing 0 qualified leads."""
    name = "european_tab_no_thousands.tsv"
    definition = definition_of(name)
    assert any(c.field == "budget" for c in definition.criteria)
    params = revealed_workshop(database, definition, REAL / name)
    with make_session(database) as s:
        versions.propose(s, params["ws"], params["key"],
                         store.shared_state(s, params["ws"], params["key"]).revision)
        proposal = versions.current_proposal(s, params["ws"], params["key"]).id
        for team, person in (("marketing", "Mia"), ("sales", "Sol")):
            versions.sign_in_room(s, params["ws"], params["key"], proposal, role=team,
                                  name=person, agrees=True, reason="")
    frame = pd.read_csv(REAL / name, sep="\t", dtype=str, keep_default_na=False,
                        encoding="utf-8")
    frame["Budget"] = ""
    fresh = tmp_path / "fresh.tsv"
    frame.to_csv(fresh, sep="\t", index=False)
    with make_session(database) as s:
        upload(s, params["ws"], params["key"], fresh, "fresh.tsv")
    at = open_page(params, "views/history.py")
    assert "No figures on these leads" in texts(at) and "is empty" in texts(at)
    with make_session(database) as s:
        taken = versions.measurements(s, params["ws"], params["key"])
    assert not [m for m in taken if m.source == "fresh.tsv"]
    assert json.dumps(definition.model_dump())  # the definition itself is untouched


@pytest.mark.parametrize("mapping_json", ['{"columns": {"Industry": ', '{"columns": 7}',
                                          '{"units": {"Revenue": 3}}'])
def test_a_broken_stored_mapping_is_a_sentence_on_every_page(database, mapping_json):
    """A mapping row that cannot be read (typed into the database, or by an older app) makes
    no page fail: the pages say the export must be uploaded again."""
    from sqlmodel import update

    from workshop.models import LeadsUpload

    params = revealed_workshop(database, definition_of("marketing_funnel.csv"),
                               REAL / "marketing_funnel.csv")
    with make_session(database) as s:
        s.exec(update(LeadsUpload).values(mapping_json=mapping_json))
        s.commit()
    for page in ("views/communicate.py", "views/evidence.py", "views/compare.py"):
        at = open_page(params, page)  # no exception
        assert "Upload the export again" in texts(at), page
    open_page(params, "views/history.py")


def test_win_figures_of_a_small_export_carry_their_caveat_on_the_history_page(database,
                                                                            tmp_path):
    """Twelve leads, three wins: the revisit's win rates are shown with a sentence saying they
    come from too few decided leads and wins to trust."""
    export = tmp_path / "small.csv"
    export.write_text("Email,Industry,Deal Stage\n" + "".join(
        f"l{i}@acme.com,{('Software', 'Retail')[i % 2]},"
        f"{'Closed Won' if i % 4 == 0 else 'Closed Lost'}\n" for i in range(12)), "utf-8")
    software = Definition.from_dict({"criteria": [
        {"field": "industry", "op": "in", "values": ["Software"], "role": "must"}]})
    params = revealed_workshop(database, software, export)
    at = open_page(params, "views/compare.py")
    at.button(key="agree:propose").click().run()
    signed = both_teams_sign(database, params)
    assert (signed.figures.wins, signed.figures.reliable) == (3, False)
    at = open_page(params, "views/history.py")
    assert ("The win figures when agreed and now are from few decided leads and wins, so "
            "only a rough guide.") in texts(at)


def _signed_on_the_upload(database, name: str) -> tuple[dict, Definition]:
    """Version 1 signed as the page signs it: with its figures on the uploaded export."""
    from workshop.measure import measure

    definition = definition_of(name)
    params = revealed_workshop(database, definition, REAL / name)
    signed_figures = measure(import_leads((REAL / name).read_bytes(), name).leads, definition)
    with make_session(database) as s:
        versions.propose(s, params["ws"], params["key"],
                         store.shared_state(s, params["ws"], params["key"]).revision,
                         signed_figures, name)
        proposal = versions.current_proposal(s, params["ws"], params["key"]).id
        for team, person in (("marketing", "Mia"), ("sales", "Sol")):
            versions.sign_in_room(s, params["ws"], params["key"], proposal, role=team,
                                  name=person, agrees=True, reason="")
    return params, definition


def _taken(database, params: dict) -> list:
    with make_session(database) as s:
        return versions.measurements(s, params["ws"], params["key"])


def test_the_export_a_version_was_signed_on_is_not_measured_twice(database):
    """The sign-off's measurement kept no content hash, so opening the versions page on that
    same export stored it a second time: one export listed twice in every measurement."""
    params, _ = _signed_on_the_upload(database, "marketing_funnel.csv")
    assert [m.at_signoff for m in _taken(database, params)] == [True]
    for _ in range(2):
        open_page(params, "views/history.py")
        assert [m.at_signoff for m in _taken(database, params)] == [True]


def test_a_measurement_read_with_a_mapping_since_corrected_is_replaced(database, tmp_path):
    """A fresh export is measured, then its mapping corrected (the revenue unit): the kept
    measurement of that export becomes the corrected one, not a stale one beside it."""
    from sqlmodel import select

    from workshop.importer import read_export
    from workshop.mapping import Mapping, repeating_columns
    from workshop.measure import measure
    from workshop.models import LeadsUpload
    from workshop.pipeline import map_leads

    name = "marketing_funnel.csv"
    params, definition = _signed_on_the_upload(database, name)
    fresh = tmp_path / "fresh.csv"
    fresh.write_bytes((REAL / name).read_bytes())
    frame = pd.read_csv(fresh, dtype=str, keep_default_na=False)
    fresh.write_text(frame.iloc[: len(frame) // 2].to_csv(index=False), "utf-8")
    with make_session(database) as s:
        upload(s, params["ws"], params["key"], fresh, "fresh.csv")
    open_page(params, "views/history.py")
    first = [m for m in _taken(database, params) if m.source == "fresh.csv"]
    assert len(first) == 1
    # the facilitator corrects the mapping: the outcome column is dropped
    with make_session(database) as s:
        row = s.exec(select(LeadsUpload).where(LeadsUpload.filename == "fresh.csv")).one()
        corrected = Mapping.from_json(row.mapping_json)
        corrected.outcome_column, corrected.won_values = None, []
        store.update_upload_mapping(s, params["ws"], params["key"], row.id, corrected.to_json())
    open_page(params, "views/history.py")
    after = [m for m in _taken(database, params) if m.source == "fresh.csv"]
    raw, export_format = read_export(fresh.read_bytes(), "fresh.csv", repeated=repeating_columns)
    expected = measure(map_leads(raw, export_format, corrected).leads, definition)
    assert [m.id for m in after] == [first[0].id]
    assert after[0].figures == expected and after[0].figures != first[0].figures
    assert after[0].figures.wins is None
