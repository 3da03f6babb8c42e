"""A typed value no lead has gets a sentence and the nearest value (workshop/typed_values.py)."""
from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from tests.test_own_devices import INDUSTRY, new_app, widget
from tests.test_real_exports_pages import upload
from workshop import store
from workshop.db import make_engine, session
from workshop.definition import Criterion
from workshop.evaluate import criterion_mask
from workshop.typed_values import Unmatched, unmatched

SAMPLE = Path(__file__).resolve().parent.parent / "data" / "sample_leads.csv"

EXPORT = ["Healthcare", "Software", "Retail", "organic_search"]


@pytest.mark.parametrize(("typed", "expected"), [
    (["Healthcare"], []),
    (["health care", "HEALTHCARE", "Organic Search", "organic-search"], []),  # as rules compare
    (["Helthcare"], [Unmatched("Helthcare", "Healthcare")]),
    (["Sofware", "Retail"], [Unmatched("Sofware", "Software")]),
    (["Mining"], [Unmatched("Mining", None)]),  # nothing close: no guess
    (["", "  "], []),
])
def test_typed_values_against_the_export(typed, expected):
    assert unmatched(typed, EXPORT) == expected


def test_another_name_of_an_option_is_no_typo_on_a_catalog_category():
    """A rule naming 'USA' on the country counts the leads imported as United States (see
    tests/test_real_world_categories.py), so the form must not call it unmatched."""
    countries = ["United States", "Germany", "United Kingdom"]
    assert unmatched(["USA", "Deutschland", "U.K."], countries, "country") == []
    assert unmatched(["Referrals"], ["Referral", "Paid search"], "lead_source") == []
    # Off a catalog category the names stay as written: 'USA' is unmatched there
    assert unmatched(["USA"], countries, "Region") == [Unmatched("USA", None)]
    assert unmatched(["Atlantis"], countries, "country") == [Unmatched("Atlantis", None)]


def test_a_cell_of_several_known_choices_is_no_typo():
    """'Software;Retail' pasted from a CRM cell: the export's choices are listed one by one,
    and a rule naming the cell counts the leads that hold it (a probe's export: 151), so it
    was wrongly said to match no lead. A part nobody has is still said."""
    leads = pd.DataFrame({"industry": ["Software;Retail", "Software; Retail", "Retail", None]})
    rule = Criterion(field="industry", op="in", values=["Software;Retail"])
    assert criterion_mask(leads, rule).sum() == 2
    assert unmatched(["Software;Retail", "Software; Retail"], EXPORT, "industry") == []
    assert unmatched(["Software;Mining"], EXPORT, "industry") == [
        Unmatched("Software;Mining", None)]


def test_nothing_known_reports_nothing():
    assert unmatched(["Anything"], []) == []


def test_the_sentences():
    assert Unmatched("Helthcare", "Healthcare").sentence(True) == (
        "“Helthcare” matches no lead in your export; did you mean Healthcare?")
    assert Unmatched("Mining", None).sentence(True) == "“Mining” matches no lead in your export."
    assert Unmatched("Helthcare", "Healthcare").sentence(False, "Industry") == (
        "“Helthcare” is not one of the usual values for Industry; did you mean Healthcare?")
    assert Unmatched("Zeta", None).sentence(True, listed=200) == (
        "“Zeta” is not among the 200 most common values in your export.")


# --- on the draft page --------------------------------------------------------------------------

@pytest.fixture
def app_url(database_url, monkeypatch, tmp_path):
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("UPLOAD_DIR", str(tmp_path / "uploads"))
    return database_url


def drafting(url: str, with_export: bool):
    engine = make_engine(url)
    with session(engine) as s:
        workshop, fac = store.create_workshop(s, company="Acme", title="Q1",
                                              facilitator_name="Dana")
        link = store.invitations(s, workshop.id, fac).secrets["marketing"]
        key = store.join_with_invite(s, link, "Priya")[1]
        if with_export:
            upload(s, workshop.id, fac, SAMPLE, "acme-leads.csv")
    engine.dispose()
    return new_app({"ws": workshop.id, "key": key}, "views/draft.py")


def warnings_of(at) -> list[str]:
    return [w.value for w in at.warning]


@pytest.mark.parametrize("with_export", [False, True])
def test_a_misspelt_industry_gets_a_warning_naming_the_nearest(app_url, with_export):
    at = drafting(app_url, with_export)
    widget(at.multiselect, INDUSTRY).set_value(["Healthcare"]).run()
    assert not warnings_of(at)  # a value the leads (or the catalog) have: no warning
    widget(at.multiselect, INDUSTRY).set_value(["Healthcare", "Helthcare"]).run()
    assert not at.exception, at.exception
    where = ("matches no lead in your export" if with_export
             else "is not one of the usual values for Industry")
    assert warnings_of(at) == [f"“Helthcare” {where}; did you mean Healthcare?"]
