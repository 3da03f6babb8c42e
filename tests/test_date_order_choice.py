"""Created dates whose values do not say whether they are day or month first (no day over 12):
a Zoho export with German numbers but month-first dates of 1-12 September, a European export of
1-12 January, a US one, monthly imports on the 1st. The order the import takes is said with
every figure per month, the facilitator can choose it in the column mapping, and a later export
whose values decide is read as they say. Expected figures are read from the files here with
plain pandas, in the order each file was written."""
from __future__ import annotations

import io
import json
import random
from dataclasses import replace
from datetime import datetime, timedelta

import duckdb
import pandas as pd
import pytest

from tests.test_real_exports_pages import open_page, texts
from tests.test_revisit_fresh_exports import (
    LOGISTICS,
    comparison,
    de_number,
    months_covered,
    signed_on,
    store_upload,
    zoho_export,
)
from tests.widget_keys import own
from workshop import rules, store, versions
from workshop.backup import export_workshop, restore_workshop
from workshop.db import session as make_session
from workshop.definition import Criterion, Definition
from workshop.importer import read_export
from workshop.leads import column_readings, likelier_order, unproven_date_order
from workshop.mapping import Mapping, carry_over, repeating_columns
from workshop.measure import Figures, measure, period_caveats, volume_sentence
from workshop.pipeline import map_leads, map_with_saved
from workshop.preview import period_sentence
from workshop.quality import quality_summary

HEADERS = ["Stage", "Created Time", "Record Id", "Country", "Deal Name", "Account Name",
           "Annual Revenue", "Employees", "Industry"]
INDUSTRIES = ["Logistics", "Transportation", "Manufacturing", "Retail"]
COUNTRIES = ["Germany", "Netherlands", "France", "United States"]
STAGES = ["Qualification", "Needs Analysis", "Closed Won", "Closed Lost", "Closed Lost"]
MONTH_FIRST = "%m/%d/%Y %H:%M"
DAY_FIRST = "%d/%m/%Y %H:%M"


def export(rows: int, seed: int, created: list[datetime], written: str, *, german: bool = True
           ) -> bytes:
    """Deals created at the given days (a random minute of each), dates written `written`;
    German numbers and ";" (Zoho in a German account) or US ones and ","."""
    rng = random.Random(seed)
    sep = ";" if german else ","
    lines = [sep.join(HEADERS)]
    for i in range(rows):
        employees = int(rng.choice([8, 60, 120, 300, 800, 1500, 12000]) * rng.uniform(0.8, 1.2))
        revenue = round(employees * rng.uniform(20_000, 150_000), -3)
        when = rng.choice(created) + timedelta(minutes=rng.randrange(1440))
        value = {"Stage": rng.choice(STAGES), "Created Time": when.strftime(written),
                 "Record Id": f"zcrm_{seed:03d}{i:05d}", "Country": rng.choice(COUNTRIES),
                 "Deal Name": f"Deal {i}", "Account Name": f"Konto {i}",
                 "Annual Revenue": de_number(revenue) if german else f"{revenue:.2f}",
                 "Employees": str(employees), "Industry": rng.choice(INDUSTRIES)}
        lines.append(sep.join(value[h] for h in HEADERS))
    return ("\r\n".join(lines) + "\r\n").encode("utf-8-sig")


def days(year: int, month: int, first: int, last: int) -> list[datetime]:
    return [datetime(year, month, day) for day in range(first, last + 1)]


ZOHO_SEPTEMBER = export(700, 1, days(2024, 9, 1, 12), MONTH_FIRST)
EUROPEAN_JANUARY = export(400, 2, days(2024, 1, 1, 12), DAY_FIRST)
US_SEPTEMBER = export(300, 3, days(2024, 9, 1, 12), MONTH_FIRST, german=False)
MONTHLY_ON_THE_1ST = export(360, 4, [datetime(2024, m, 1) for m in range(1, 13)], DAY_FIRST)
# A later export of the same CRM: 13-24 September, month first, which "09/13/2024" proves.
LATER_SEPTEMBER = export(300, 5, days(2024, 9, 13, 24), MONTH_FIRST)


def plain(data: bytes, written: str) -> pd.DataFrame:
    """The leads as the file means them: dates in the order they were written."""
    german = data.decode("utf-8-sig").splitlines()[0].count(";") > 0
    frame = pd.read_csv(io.BytesIO(data), sep=";" if german else ",", dtype=str,
                        encoding="utf-8-sig")
    revenue = frame["Annual Revenue"]
    if german:
        revenue = revenue.str.replace(".", "", regex=False).str.replace(",", ".", regex=False)
    return pd.DataFrame({"industry": frame["Industry"],
                         "employees": frame["Employees"].astype(float),
                         "revenue": revenue.astype(float), "country": frame["Country"],
                         "created": pd.to_datetime(frame["Created Time"], format=written)})


def expected(leads: pd.DataFrame) -> dict:
    """LOGISTICS's figures on the plain reading (as `measure` words them: one decimal)."""
    mql = leads.industry.isin(["Logistics", "Transportation"]) \
        & leads.employees.between(50, 5000) & (leads.revenue >= 5_000_000)
    sql = mql & leads.country.isin(["Germany", "Netherlands", "France"])
    covered = months_covered(leads.created)
    months = leads.created.dt.to_period("M")
    return {"qualified_per_month": round(mql.sum() / covered, 1),
            "sql_per_month": round(sql.sum() / covered, 1),
            "months": months.max().ordinal - months.min().ordinal + 1,
            "first": leads.created.min(), "last": leads.created.max()}


def imported(data: bytes, saved: Mapping | None = None, name: str = "deals.csv"):
    raw, export_format = read_export(data, name, repeated=repeating_columns)
    return map_with_saved(raw, export_format, saved.to_json() if saved else None)


def check_figures(leads: pd.DataFrame, data: bytes, written: str) -> Figures:
    truth = expected(plain(data, written))
    figures = measure(leads, LOGISTICS)
    assert truth["qualified_per_month"] > 0
    assert (figures.qualified_per_month, figures.sql_per_month, figures.months) == (
        truth["qualified_per_month"], truth["sql_per_month"], truth["months"])
    assert (leads["created"].min(), leads["created"].max()) == (truth["first"], truth["last"])
    return figures


CAVEAT = ("Created dates read {} (no date in the export says which): check the order in the "
          "column mapping.")


# --- what the import takes, and says -------------------------------------------------------------

def test_a_zoho_export_with_german_numbers_and_month_first_dates_is_read_as_september():
    """Read day first (the decimal commas' convention) its 700 leads fell on the 9th of twelve
    months: 10 qualified leads a month instead of 285. Month first is far likelier, taken,
    and said, with the caveat, as no date proves it."""
    result = imported(ZOHO_SEPTEMBER)
    assert result.format.decimal == ","
    figures = check_figures(result.leads, ZOHO_SEPTEMBER, MONTH_FIRST)
    wrong = expected(plain(ZOHO_SEPTEMBER, "%d/%m/%Y %H:%M"))
    assert wrong["months"] == 12 and figures.qualified_per_month > 20 * \
        wrong["qualified_per_month"]
    assert unproven_date_order(result.leads) == "month-first"
    assert figures.unproven_day_first is False
    assert CAVEAT.format("month first") in volume_sentence(figures)
    assert CAVEAT.format("month first") in period_sentence(result.leads)
    read_as = result.quality().field("created").read_as
    assert read_as.startswith("dates, month first: no value decides")
    assert "read day first, all 700 dates would fall on the 9th of 12 months" in read_as
    assert "month first is taken" in read_as


def test_a_european_export_of_1_to_12_january_stays_day_first_with_the_caveat():
    """Day first (decimal commas) gives 1-12 January, month first the 1st of twelve months:
    nothing makes the other order likelier, so the assumed one stays, and is said."""
    result = imported(EUROPEAN_JANUARY)
    figures = check_figures(result.leads, EUROPEAN_JANUARY, DAY_FIRST)
    assert figures.months == 1 and figures.unproven_day_first is True
    assert CAVEAT.format("day first") in volume_sentence(figures)
    assert CAVEAT.format("day first") in period_sentence(result.leads)
    assert result.quality().field("created").read_as == (
        "dates, day first: no value decides (every day is 12 or less), so day first is "
        "assumed")


def test_monthly_imports_on_the_1st_are_not_turned_into_twelve_days_of_january():
    """Imports on the 1st of each month read right look like 1-12 January read the wrong way
    round: the assumed order stays (and is said)."""
    result = imported(MONTHLY_ON_THE_1ST)
    figures = check_figures(result.leads, MONTHLY_ON_THE_1ST, DAY_FIRST)
    assert figures.months == 12
    assert CAVEAT.format("day first") in volume_sentence(figures)
    assert likelier_order(result.leads["created"]) == ""


def test_a_us_export_of_1_to_12_september_is_month_first_with_the_caveat():
    result = imported(US_SEPTEMBER)
    assert result.format.decimal == "."
    figures = check_figures(result.leads, US_SEPTEMBER, MONTH_FIRST)
    assert figures.months == 1 and figures.unproven_day_first is False
    assert CAVEAT.format("month first") in volume_sentence(figures)


def test_dates_that_decide_their_order_carry_no_caveat():
    result = imported(LATER_SEPTEMBER)
    figures = check_figures(result.leads, LATER_SEPTEMBER, MONTH_FIRST)
    assert figures.unproven_day_first is None
    assert "no date in the export says which" not in volume_sentence(figures)
    assert "no date" not in period_sentence(result.leads)


# --- the facilitator's choice -----------------------------------------------------------------

def test_a_chosen_order_is_saved_applied_and_read_as_chosen():
    result = imported(EUROPEAN_JANUARY)
    chosen = replace(result.mapping, date_orders={"Created Time": "month-first"})
    saved = json.loads(chosen.to_json())
    assert saved["date_orders"] == {"Created Time": "month-first"}
    assert "date_orders" not in json.loads(result.mapping.to_json())  # written only when chosen
    again = Mapping.from_json(chosen.to_json())
    assert again.date_orders == {"Created Time": "month-first"}
    read = map_leads(result.raw, result.format, again)
    figures = check_figures(read.leads, EUROPEAN_JANUARY, MONTH_FIRST)  # as chosen, though wrong
    assert figures.months == 12
    reading = column_readings(read.leads)["created"]
    assert (reading.date_order, reading.chosen, reading.ambiguous) == ("month-first", True, False)
    assert reading.describe() == ("dates, month first, as chosen in the column mapping (no "
                                  "value decides: every day is 12 or less)")
    assert figures.unproven_day_first is None and "no date" not in volume_sentence(figures)
    summary = quality_summary(read.raw, again.columns, read.leads)
    assert "read by an assumed convention" not in summary.headline()


@pytest.mark.parametrize("bad", [{"Created Time": "year-first"}, {"Created Time": 1}, ["x"]])
def test_a_saved_date_order_that_is_not_one_gets_a_sentence(bad):
    with pytest.raises(ValueError, match='"date_orders" in the saved column mapping must map'):
        Mapping.from_json(json.dumps({"columns": {}, "date_orders": bad}))


def test_the_chosen_order_is_kept_for_the_next_export_and_yields_to_values_that_decide():
    first = imported(ZOHO_SEPTEMBER)
    chosen = replace(first.mapping, date_orders={"Created Time": "month-first"})
    # the next export of 1-12 September, with the same headers: read as chosen
    fresh = export(500, 6, days(2024, 9, 1, 12), MONTH_FIRST)
    result = imported(fresh, chosen)
    assert result.mapping.date_orders == {"Created Time": "month-first"}
    assert column_readings(result.leads)["created"].chosen
    check_figures(result.leads, fresh, MONTH_FIRST)
    # one whose dates decide (13-24 September): read as they say, the choice kept but unused
    wrongly = replace(first.mapping, date_orders={"Created Time": "day-first"})
    result = imported(LATER_SEPTEMBER, wrongly)
    assert result.mapping.date_orders == {"Created Time": "day-first"}
    reading = column_readings(result.leads)["created"]
    assert (reading.date_order, reading.chosen, reading.ambiguous) == (
        "month-first", False, False)
    check_figures(result.leads, LATER_SEPTEMBER, MONTH_FIRST)
    # a renamed header carries the choice over
    carried = carry_over(chosen, ["Stage", "Created time", *HEADERS[2:]]).mapping
    assert carried.date_orders == {"Created time": "month-first"}


def test_another_date_column_that_decides_wins_over_a_chosen_order():
    """A "Last Activity" of 13/09/2024 proves the file day first: its created dates are read
    so, whatever was chosen for them."""
    data = "Created Time;Last Activity;Industry\r\n" + "\r\n".join(
        f"{d:02d}/09/2024 10:00;{d + 12:02d}/09/2024 11:00;Retail" for d in range(1, 13))
    raw, export_format = read_export(data.encode(), "x.csv", repeated=repeating_columns)
    mapping = Mapping(columns={"Created Time": "created", "Industry": "industry"},
                      date_orders={"Created Time": "month-first"})
    leads = map_leads(raw, export_format, mapping).leads
    reading = column_readings(leads)["created"]
    assert (reading.date_order, reading.decided_by, reading.chosen) == (
        "day-first", "Last Activity", False)
    assert leads["created"].dt.month.unique().tolist() == [9]


def test_the_sql_reads_the_chosen_order_as_the_app(tmp_path):
    """The SQL download reads a date column's order from the column's reading: run in
    DuckDB on the raw file, it qualifies the leads the app does, in the order chosen."""
    definition = Definition(criteria=[Criterion(field="created", op="within_last", days=4),
                                      Criterion(field="industry", op="in",
                                                values=["Logistics"])])
    path = tmp_path / "zoho.csv"
    path.write_bytes(ZOHO_SEPTEMBER)
    base = imported(ZOHO_SEPTEMBER)
    for order, written in (("month-first", MONTH_FIRST), ("day-first", DAY_FIRST)):
        mapping = replace(base.mapping, date_orders={"Created Time": order})
        leads = map_leads(base.raw, base.format, mapping).leads
        truth = plain(ZOHO_SEPTEMBER, written)
        latest = truth.created.max().normalize()
        want = ((truth.created.dt.normalize() >= latest - pd.Timedelta(days=4))
                & (truth.industry == "Logistics")).tolist()
        assert sum(want) > 0
        sql = rules.definition_sql(definition, leads=leads).decode().rstrip().rstrip(";")
        connection = duckdb.connect()
        connection.execute(f"CREATE TABLE leads AS SELECT * FROM read_csv('{path}', "
                           "delim = ';', all_varchar = true)")
        rows = connection.execute(f'SELECT "Record Id", lead_stage FROM ({sql}) AS s').fetchall()
        stages = dict(rows)
        got = [stages[record] != "Not qualified" for record in
               pd.read_csv(path, sep=";", dtype=str, encoding="utf-8-sig")["Record Id"]]
        assert got == want, order


# --- the pages ----------------------------------------------------------------------------------

def test_the_mapping_editor_chooses_the_order_and_every_page_follows(database, tmp_path):
    # Agreed on the year before: either order puts every fresh lead after the agreed ones,
    # so "now" measures all of them (`measure.since_agreed`).
    first = zoho_export(600, 1, datetime(2023, 1, 1), 90)
    params = signed_on(database, tmp_path, first)
    store_upload(database, params, EUROPEAN_JANUARY, "eu_january.csv")
    with make_session(database) as s:
        upload = store.current_upload(s, params["ws"], params["key"])
    day_first = expected(plain(EUROPEAN_JANUARY, DAY_FIRST))
    month_first = expected(plain(EUROPEAN_JANUARY, MONTH_FIRST))
    assert day_first["qualified_per_month"] != month_first["qualified_per_month"]

    at = open_page(params, "views/evidence.py")
    page = texts(at)
    assert CAVEAT.format("day first") in page  # beside the figures per month
    assert "No date in “Created Time” says whether it is written day or month first" in page
    assert "“Created Time” is read as dates, day first: no value decides" in page
    box = own(at.selectbox, f"evidence:date-order:{upload.id}:Created Time")
    assert box.value == ""
    assert "Month first (" in box.format_func("month-first")
    # each option reads its example differently: "01/01/2025" would say the same twice
    day_said, month_said = (box.format_func(order).split(" is ")[-1]
                            for order in ("day-first", "month-first"))
    assert day_said != month_said
    history = open_page(params, "views/history.py")
    assert comparison(history).at["Qualified leads (MQL or SQL) per month", "Now"] == \
        f"{day_first['qualified_per_month']:,.1f}"
    assert ("The per-month figures now rest on created dates read day first (no date in the "
            "export says which): check the order in the column mapping.") in texts(history)
    assert CAVEAT.format("day first") in texts(open_page(params, "views/communicate.py"))
    with make_session(database) as s:  # the measurement's caveat survives a backup
        restored = restore_workshop(s, export_workshop(s, params["ws"], params["key"]))
        taken = versions.measurements(s, restored.workshop_id, restored.facilitator_token)
    assert [m.figures.unproven_day_first for m in taken if not m.at_signoff] == [True]

    box.set_value("month-first").run()
    own(at.button, f"evidence:save:{upload.id}").click().run()
    assert not at.exception and not at.error
    with make_session(database) as s:
        saved = Mapping.from_json(store.current_upload(s, params["ws"], params["key"])
                                  .mapping_json)
    assert saved.date_orders == {"Created Time": "month-first"}
    page = texts(open_page(params, "views/evidence.py"))
    assert "no date in the export says which" not in page
    assert "No date in “Created Time” says" not in page
    assert "as chosen in the column mapping" in page
    history = open_page(params, "views/history.py")
    assert comparison(history).at["Qualified leads (MQL or SQL) per month", "Now"] == \
        f"{month_first['qualified_per_month']:,.1f}"
    assert "read day first" not in texts(history).split("Every measurement")[0]
    one_pager = texts(open_page(params, "views/communicate.py"))
    assert f"{month_first['qualified_per_month']:,.1f} qualified leads a month" in one_pager
    assert "no date in the export says which" not in one_pager

    # the next export with these headers keeps the choice; so does a backup
    again = store_upload(database, params, EUROPEAN_JANUARY, "eu_january_again.csv")
    assert again.mapping.date_orders == {"Created Time": "month-first"}
    with make_session(database) as s:
        restored = restore_workshop(s, export_workshop(s, params["ws"], params["key"]))
        upload = store.current_upload(s, restored.workshop_id, restored.facilitator_token)
    assert Mapping.from_json(upload.mapping_json).date_orders == {"Created Time": "month-first"}


def test_stored_figures_keep_the_caveat_and_older_ones_have_none():
    figures = measure(imported(EUROPEAN_JANUARY).leads, LOGISTICS)
    stored = Figures.from_json(figures.to_json())
    assert stored.unproven_day_first is True
    assert period_caveats({"now": stored})[-1] == (
        "The per-month figures now rest on created dates read day first (no date in the "
        "export says which): check the order in the column mapping.")
    older = json.loads(figures.to_json())
    del older["unproven_day_first"]
    assert Figures.from_json(json.dumps(older)).unproven_day_first is None
    assert "no date" not in volume_sentence(Figures.from_json(json.dumps(older)))
    assert Figures.from_json(json.dumps({**older, "unproven_day_first": "yes"})) is None


def test_the_order_options_show_a_date_each_order_reads_differently():
    """The probe's export began with "03/03/2025 18:54": both options read "3 March 2025"."""
    from workshop.ui.import_panel import _telling_example

    column = pd.Series(["03/03/2025 18:54", "-None-", "03/05/2025 09:10", "04/05/2025"])
    example, meaning = _telling_example(column)
    assert example == "03/05/2025 09:10"
    assert (meaning["day-first"].month, meaning["month-first"].month) == (5, 3)
    assert _telling_example(pd.Series(["01/01/2025", None]))[0] == "01/01/2025"
