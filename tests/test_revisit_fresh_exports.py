"""Revisiting an agreed version months later against fresh exports of a Zoho-style CRM (";"
separated, decimal commas): revenue written in thousands where the first export wrote whole
dollars, an export of one day, deals all still open or no outcome column at all, a version
compared with itself, one lead. The expected figures are read from the files here with plain
pandas, independently of the app."""
from __future__ import annotations

import calendar
import io
import json
import random
from datetime import datetime, timedelta
from pathlib import Path

import pandas as pd
import pytest

from tests.test_real_exports_pages import both_teams_sign, open_page, revealed_workshop, texts
from tests.widget_keys import own
from workshop import store, versions
from workshop.db import session as make_session
from workshop.definition import Definition
from workshop.importer import read_export
from workshop.mapping import Mapping, headers_signature, repeating_columns
from workshop.measure import (
    Figures,
    comparison_table,
    measure,
    volume_sentence,
    win_caveats,
)
from workshop.pipeline import map_with_saved
from workshop.ui.import_panel import unit_questions
from workshop.uploads import save_upload

FIRST_HEADERS = ["Record Id", "Deal Name", "Account Name", "Industry", "Employees",
                 "Annual Revenue", "Stage", "Created Time", "Country"]
# Three months later the CRM admin renamed a column: the saved mapping is carried over.
RENAMED_HEADERS = ["Record Id", "Deal Name", "Stage", "Created Time", "Account Name", "Country",
                   "Industry", "No. of Employees", "Annual Revenue"]
STAGES = ["Qualification", "Needs Analysis", "Proposal/Price Quote", "Negotiation",
          "Closed Won", "Closed Lost", "Closed Lost"]
OPEN_STAGES = ["Qualification", "Needs Analysis", "Proposal/Price Quote"]
INDUSTRIES = ["Logistics", "Transportation", "Manufacturing", "Retail"]
COUNTRIES = ["Germany", "Netherlands", "France", "United States"]


def logistics(smallest: int = 50) -> Definition:
    return Definition.from_dict({"criteria": [
        {"field": "industry", "op": "in", "values": ["Logistics", "Transportation"],
         "role": "must"},
        {"field": "employees", "op": "between", "low": smallest, "high": 5000, "role": "must"},
        {"field": "annual_revenue", "op": "at_least", "low": 5_000_000, "role": "must"},
        {"field": "country", "op": "in", "values": ["Germany", "Netherlands", "France"],
         "role": "must", "gate": "sql"}]})


LOGISTICS = logistics()


def de_number(value: float) -> str:
    """12.345.000,00: grouped by points, as a German Zoho account writes whole amounts."""
    return f"{value:,.2f}".replace(",", "X").replace(".", ",").replace("X", ".")


def zoho_export(rows: int, seed: int, start: datetime, days: int, *, thousands: bool = False,
                stages: list[str] = STAGES, headers: list[str] = FIRST_HEADERS,
                with_stage: bool = True) -> bytes:
    """Deals created over `days` from `start`; revenue in whole dollars (grouped) or, with
    `thousands`, in thousands written plainly ("59227,50")."""
    rng = random.Random(seed)
    lines = []
    for i in range(rows):
        employees = int(rng.choice([8, 60, 120, 300, 800, 1500, 12000]) * rng.uniform(0.8, 1.2))
        revenue = round(employees * rng.uniform(20_000, 150_000), -3)
        created = start + timedelta(days=rng.randrange(days), minutes=rng.randrange(1440))
        value = {
            "Record Id": f"zcrm_51230000{seed:03d}{i:05d}", "Deal Name": f"Deal {i}",
            "Account Name": f"Konto {i} GmbH", "Industry": rng.choice(INDUSTRIES),
            "Employees": str(employees), "No. of Employees": str(employees),
            "Annual Revenue": f"{revenue / 1000:.2f}".replace(".", ",") if thousands
            else de_number(revenue),
            "Stage": rng.choice(stages), "Created Time": created.strftime("%d/%m/%Y %H:%M"),
            "Country": rng.choice(COUNTRIES)}
        lines.append(";".join(value[h] for h in headers if with_stage or h != "Stage"))
    header = ";".join(h for h in headers if with_stage or h != "Stage")
    return ("\r\n".join([header, *lines]) + "\r\n").encode("utf-8-sig")


def plain_reading(data: bytes, unit: float) -> pd.DataFrame:
    frame = pd.read_csv(io.BytesIO(data), sep=";", dtype=str, encoding="utf-8-sig")
    employees = frame["Employees" if "Employees" in frame else "No. of Employees"]
    revenue = frame["Annual Revenue"].str.replace(".", "", regex=False) \
        .str.replace(",", ".", regex=False).astype(float) * unit
    return pd.DataFrame({
        "industry": frame["Industry"], "employees": employees.astype(float),
        "revenue": revenue, "country": frame["Country"],
        "created": pd.to_datetime(frame["Created Time"], format="%d/%m/%Y %H:%M"),
        "stage": frame["Stage"] if "Stage" in frame else None})


def months_covered(created: pd.Series) -> float:
    """The share of each month from the first created day to the last that the days span."""
    first, last = created.min().normalize(), created.max().normalize()
    if (first.year, first.month) == (last.year, last.month):
        return ((last - first).days + 1) / calendar.monthrange(first.year, first.month)[1]
    total = 0.0
    month = first
    while (month.year, month.month) <= (last.year, last.month):
        length = calendar.monthrange(month.year, month.month)[1]
        from_day = first.day if month == first else 1
        to_day = last.day if (month.year, month.month) == (last.year, last.month) else length
        total += (to_day - from_day + 1) / length
        month = (month.replace(day=1) + pd.offsets.MonthBegin(1)).normalize()
    return total


def plain_figures(leads: pd.DataFrame) -> dict:
    mql = leads.industry.isin(["Logistics", "Transportation"]) \
        & leads.employees.between(50, 5000) & (leads.revenue >= 5_000_000)
    sql = mql & leads.country.isin(["Germany", "Netherlands", "France"])
    months = months_covered(leads.created)
    return {"qualified": int(mql.sum()), "qualified_per_month": round(mql.sum() / months, 1),
            "sql_per_month": round(sql.sum() / months, 1), "days": (
                leads.created.max().normalize() - leads.created.min().normalize()).days + 1}


def store_upload(engine, params: dict, data: bytes, filename: str):
    """What the evidence page's upload does with a fresh export (import_panel.upload_form)."""
    raw, export_format = read_export(data, filename, repeated=repeating_columns)
    signature = headers_signature(list(raw.columns))
    with make_session(engine) as s:
        known, same_headers = store.mapping_to_reuse(s, params["ws"], params["key"], signature)
        result = map_with_saved(raw, export_format, known, same_headers)
        store.record_upload(s, params["ws"], params["key"], sha256=save_upload(data),
                            filename=filename, rows=len(result.leads),
                            headers_signature=signature, mapping_json=result.mapping.to_json())
    return result


def signed_on(database, tmp_path: Path, first: bytes) -> dict:
    """A workshop whose version 1 was signed on `first` (uploaded automatically mapped)."""
    path = tmp_path / "zoho_deals_2024Q1.csv"
    path.write_bytes(first)
    params = revealed_workshop(database, LOGISTICS, path)
    open_page(params, "views/compare.py").button(key="agree:propose").click().run()
    both_teams_sign(database, params)
    return params


def comparison(at) -> pd.DataFrame:
    return next(d.value for d in at.dataframe if "When agreed" in d.value.columns) \
        .set_index("Figure")


FIRST = zoho_export(600, 1, datetime(2024, 1, 1), 90)


# --- 1. revenue in thousands in a fresh export ---------------------------------------------------

@pytest.mark.parametrize("headers", [FIRST_HEADERS, RENAMED_HEADERS])
def test_a_fresh_export_in_thousands_gets_the_unit_its_values_suggest(headers):
    first_raw, first_format = read_export(FIRST, "q1.csv", repeated=repeating_columns)
    saved = map_with_saved(first_raw, first_format, None).mapping
    assert "Annual Revenue" not in saved.units  # whole dollars, grouped: nobody was asked
    fresh = zoho_export(500, 2, datetime(2024, 4, 1), 91, thousands=True, headers=headers)
    raw, export_format = read_export(fresh, "q2.csv", repeated=repeating_columns)
    result = map_with_saved(raw, export_format, saved.to_json(), headers == FIRST_HEADERS)

    truth = plain_reading(fresh, 1000.0)
    assert result.mapping.units == {"Annual Revenue": 1000.0}
    assert result.leads["annual_revenue"].tolist() == pytest.approx(truth.revenue.tolist())
    questions = unit_questions(result)
    assert len(questions) == 1 and "holds small numbers" in questions[0]
    figures = measure(result.leads, LOGISTICS)
    want = plain_figures(truth)
    assert want["qualified"] > 20
    assert (figures.qualified, figures.qualified_per_month) == (want["qualified"],
                                                                want["qualified_per_month"])


def test_whole_dollars_the_facilitator_confirmed_are_kept_on_a_fresh_export():
    saved = Mapping(columns={"Industry": "industry", "Annual Revenue": "annual_revenue"},
                    units={"Annual Revenue": 1.0})
    assert json.loads(saved.to_json())["units"] == {"Annual Revenue": 1}
    fresh = zoho_export(300, 3, datetime(2024, 4, 1), 60, thousands=True)
    raw, export_format = read_export(fresh, "q2.csv", repeated=repeating_columns)
    result = map_with_saved(raw, export_format, saved.to_json())
    assert result.mapping.units == {"Annual Revenue": 1.0}
    assert unit_questions(result) == []
    assert result.leads["annual_revenue"].tolist() == pytest.approx(
        plain_reading(fresh, 1.0).revenue.tolist())


def new_workshop(engine) -> dict:
    with make_session(engine) as s:
        workshop, key = store.create_workshop(s, company="Freightline", title="ICP",
                                              facilitator_name="Fay")
    return {"ws": workshop.id, "key": key}


def test_the_mapping_editor_keeps_dollars_chosen_over_a_suggested_unit(database):
    """Dollars chosen against a suggested unit are saved as 1; dollars nobody was asked about
    are not saved at all, so a fresh export's values still decide."""
    thousands = zoho_export(200, 4, datetime(2024, 1, 1), 60, thousands=True)
    params = new_workshop(database)
    store_upload(database, params, thousands, "k.csv")
    with make_session(database) as s:
        upload = store.current_upload(s, params["ws"], params["key"])
    assert Mapping.from_json(upload.mapping_json).units == {"Annual Revenue": 1000.0}
    at = open_page(params, "views/evidence.py")
    own(at.selectbox, f"evidence:unit:{upload.id}:Annual Revenue").set_value(1.0).run()
    own(at.button, f"evidence:save:{upload.id}").click().run()
    assert not at.exception and not at.error
    with make_session(database) as s:
        saved = Mapping.from_json(store.current_upload(s, params["ws"], params["key"])
                                  .mapping_json)
    assert saved.units == {"Annual Revenue": 1.0}
    again = store_upload(database, params, thousands, "k-again.csv")  # the same headers
    assert again.mapping.units == {"Annual Revenue": 1.0}
    assert again.leads["annual_revenue"].tolist() == pytest.approx(
        plain_reading(thousands, 1.0).revenue.tolist())

    params = new_workshop(database)
    store_upload(database, params, FIRST, "dollars.csv")
    with make_session(database) as s:
        upload = store.current_upload(s, params["ws"], params["key"])
    at = open_page(params, "views/evidence.py")
    own(at.button, f"evidence:save:{upload.id}").click().run()
    with make_session(database) as s:
        saved = Mapping.from_json(store.current_upload(s, params["ws"], params["key"])
                                  .mapping_json)
    assert saved.columns["Annual Revenue"] == "annual_revenue"
    assert "Annual Revenue" not in saved.units


def test_the_versions_page_and_one_pager_read_a_fresh_export_in_thousands(database, tmp_path):
    params = signed_on(database, tmp_path, FIRST)
    fresh = zoho_export(500, 5, datetime(2024, 4, 1), 91, thousands=True)
    store_upload(database, params, fresh, "zoho_deals_2024Q2.csv")
    want = plain_figures(plain_reading(fresh, 1000.0))
    then = plain_figures(plain_reading(FIRST, 1.0))

    table = comparison(open_page(params, "views/history.py"))
    shown = table.at["Qualified leads (MQL or SQL) per month", "Now"]
    assert shown == f"{want['qualified_per_month']:,.1f}" != "0.0"
    assert table.at["Qualified leads (MQL or SQL) per month", "When agreed"] == \
        f"{then['qualified_per_month']:,.1f}"
    assert "holds small numbers" in texts(open_page(params, "views/evidence.py"))
    assert f"{want['qualified_per_month']:,.1f} qualified leads a month" in \
        texts(open_page(params, "views/communicate.py"))


# --- 2. an export of less than a month -----------------------------------------------------------

def one_day_export() -> bytes:
    """One lead that qualifies, created on one day."""
    header = ";".join(RENAMED_HEADERS)
    row = ";".join(["zcrm_1", "Deal 1", "Qualification", "12/09/2024 10:15", "Konto GmbH",
                    "Germany", "Logistics", "400", "40.000.000,00"])
    return f"{header}\r\n{row}\r\n".encode("utf-8-sig")


def test_figures_from_a_day_of_leads_say_so_wherever_printed():
    data = one_day_export()
    raw, export_format = read_export(data, "day.csv", repeated=repeating_columns)
    leads = map_with_saved(raw, export_format, None).leads
    figures = measure(leads, LOGISTICS)
    want = plain_figures(plain_reading(data, 1.0))
    assert (figures.qualified_per_month, figures.days) == (want["qualified_per_month"], 1)
    assert want["qualified_per_month"] == 30.0  # one lead over one day of September's 30
    assert "less than a month" in volume_sentence(figures)
    assert "from one day." in volume_sentence(figures)
    assert Figures.from_json(figures.to_json()).days == 1

    # Stored before the days were: no caveat, and the same figures as measured now.
    older = json.loads(figures.to_json())
    del older["days"], older["has_outcome"]
    stored = Figures.from_json(json.dumps(older))
    assert stored is not None and stored.days is None and stored == figures
    assert "less than a month" not in volume_sentence(stored)

    longer = measure(map_with_saved(*read_export(FIRST, "q1.csv", repeated=repeating_columns),
                                    None).leads, LOGISTICS)
    assert longer.days == plain_figures(plain_reading(FIRST, 1.0))["days"] >= 28
    assert "less than a month" not in volume_sentence(longer)


def test_the_versions_page_and_one_pager_caveat_a_day_of_leads(database, tmp_path):
    params = signed_on(database, tmp_path, FIRST)
    store_upload(database, params, one_day_export(), "one_day.csv")
    want = plain_figures(plain_reading(one_day_export(), 1.0))
    at = open_page(params, "views/history.py")
    assert comparison(at).at["Qualified leads (MQL or SQL) per month", "Now"] == \
        f"{want['qualified_per_month']:,.1f}"
    page = texts(at)
    assert "The per-month figures now come from leads created over 1 day, less than a month" \
        in page
    assert "per-month figures when agreed" not in page
    assert "of v1 on one_day.csv" in page  # under the table of every measurement
    assert "On **one_day.csv (1 lead)**" in page
    one_pager = texts(open_page(params, "views/communicate.py"))
    assert "Measured on one_day.csv (1 lead created on " in one_pager
    assert ("qualified leads a month, 30.0 of them sales-qualified. The export covers less "
            "than a month: every lead was created on the same day") in one_pager
    assert "so a month's leads are worked out from one day" in one_pager


# --- 3. a version compared with itself -----------------------------------------------------------

def test_comparing_a_version_with_itself_says_it_is_the_same(database, tmp_path):
    params = signed_on(database, tmp_path, FIRST)
    with make_session(database) as s:
        versions.reopen(s, params["ws"], params["key"])
        shared = store.shared_state(s, params["ws"], params["key"])
        store.save_shared(s, params["ws"], params["key"], logistics(100), shared.revision, {},
                          summary="v2", questions=["size"])
    open_page(params, "views/compare.py").button(key="agree:propose").click().run()
    assert both_teams_sign(database, params).number == 2

    at = open_page(params, "views/history.py")
    assert "only one answered" not in texts(at).lower()
    at.selectbox(key="history:a").set_value(2).run()
    page = texts(at)
    assert not at.exception
    assert "Both sides are version 2, the same version" in page
    assert "only one answered" not in page.lower() and "agree" not in page.split(
        "How version")[0].split("What changed")[1]


# --- 4. no win figures on a fresh export ---------------------------------------------------------

@pytest.mark.parametrize(("fresh", "reason"), [
    (zoho_export(300, 6, datetime(2024, 9, 1), 30, thousands=True, stages=OPEN_STAGES),
     "No lead among the leads measured now is won or lost yet (every deal is still open)"),
    (zoho_export(300, 7, datetime(2024, 9, 1), 30, thousands=True, with_stage=False),
     "The leads measured now have no outcome (the export has no column saying whether a "
     "lead was won)"),
])
def test_the_versions_page_says_why_a_fresh_export_has_no_win_figures(database, tmp_path,
                                                                        fresh, reason):
    truth = plain_reading(fresh, 1000.0)
    assert truth.stage is None or not truth.stage.isin(["Closed Won", "Closed Lost"]).any()
    params = signed_on(database, tmp_path, FIRST)
    store_upload(database, params, fresh, "fresh.csv")
    at = open_page(params, "views/history.py")
    table = comparison(at)
    assert table.at["Win rate of qualified leads", "Now"] == "–"
    assert table.at["Win rate of qualified leads", "When agreed"] != "–"
    page = texts(at)
    assert reason in page and "there are no win figures" in page
    assert "measured when agreed" not in page


def test_win_caveats_tell_no_outcome_from_no_decided_lead_and_from_older_figures():
    def figures(wins, has_outcome):
        return Figures(leads=50, months=1, qualified=5, sql=2, qualified_per_month=5.0,
                       sql_per_month=2.0, wins=wins, has_outcome=has_outcome)

    assert win_caveats({"now": figures(None, True)})[0].startswith(
        "No lead among the leads measured now is won or lost yet")
    assert win_caveats({"now": figures(None, False)})[0].startswith(
        "The leads measured now have no outcome")
    assert win_caveats({"now": figures(None, None)}) == []  # stored by an older app
    assert win_caveats({"now": figures(3, True)}) != []  # few wins: said as before


# --- 5. wording ----------------------------------------------------------------------------------

def test_a_change_that_rounds_away_has_no_sign():
    def figures(lift, per_month, share_qualified):
        return Figures(leads=100, months=3, qualified=share_qualified, sql=5,
                       qualified_per_month=per_month, sql_per_month=1.0, wins=40,
                       wins_caught=0.5, win_rate_qualified=0.3, win_rate_rest=0.33,
                       lift=lift, reliable=True)

    then, now = figures(0.94, 6.0, 20), figures(0.906, 6.0, 20)
    assert f"{then.lift:.1f}×" == f"{now.lift:.1f}×"  # both read 0.9×
    table = comparison_table(then, now).set_index("Figure")
    assert table.at["Lift (qualified ÷ rest)", "Change"] == "0"
    assert table.at["Qualified leads (MQL or SQL) per month", "Change"] == "0"
    assert table.at["Share of leads qualified", "Change"] == "0 points"
    assert table.at["Leads in the export", "Change"] == "0"
    lower = comparison_table(then, figures(0.81, 5.2, 15)).set_index("Figure")
    assert lower.at["Lift (qualified ÷ rest)", "Change"] == "-0.1"
    assert lower.at["Qualified leads (MQL or SQL) per month", "Change"] == "-0.8"
