"""The rules downloaded from step 4, run where RevOps runs them: on the CRM's export and on the
app's own lead CSV loaded as a table in DuckDB, they give every lead the stage and points the
app gives (`workshop.evaluate`), with and without the workshop's leads at hand."""
from __future__ import annotations

import csv
import io

import duckdb
import pandas as pd
import pytest

from workshop import formats, rules
from workshop.definition import Action, Criterion, Definition
from workshop.evaluate import evaluate, unknown
from workshop.export import one_pager
from workshop.lead_export import leads_csv
from workshop.pipeline import import_leads

# A CRM export: a date column, a number column and a yes/no column outside the catalog,
# placeholders, a German company name.
CRM = """Email,Company,Industry,Demo Booked At,Seats,Newsletter
a@acme.com,Straße AG,Software,2025-03-10,100,Yes
b@acme.com,STRASSE AG,--None--,2025-02-20,250,No
c@acme.com,Acme,Software,,100,Yes
d@acme.com,Großhandel Süd GmbH,-,2024-11-02,99.5,
e@acme.com,Beta,Retail,2025-03-01,,No
f@acme.com,Gamma,Software,2025-01-15,100,Yes
""".encode()

DEFINITIONS = {
    "recent demo": Definition(criteria=[
        Criterion(field="Demo Booked At", op="within_last", days=30)]),
    "demo booked (a date is a yes)": Definition(criteria=[
        Criterion(field="Demo Booked At", op="is_true")]),
    "demo action": Definition(actions=[Action(field="Demo Booked At", points=10),
                                       Action(field="Newsletter", points=5)], threshold=10),
    "seats is 100": Definition(criteria=[Criterion(field="Seats", op="in", values=["100"])]),
    "seats is not 100": Definition(criteria=[
        Criterion(field="Seats", op="not_in", values=["100"])]),
    "sharp s": Definition(criteria=[
        Criterion(field="Company", op="in", values=["Straße AG"], role="nice", points=10),
        Criterion(field="Company", op="contains_any", values=["großhandel"], role="nice",
                  points=10)], threshold=10),
    "not retail, placeholders unknown": Definition(criteria=[
        Criterion(field="industry", op="not_in", values=["Retail"])]),
}


@pytest.fixture(scope="module")
def leads() -> pd.DataFrame:
    return import_leads(CRM, "crm.csv").leads


def body(sql: bytes) -> str:
    return sql.decode().rstrip().rstrip(";")


def lead_csv_table(leads: pd.DataFrame, definition: Definition, tmp_path,
                   keep_stage: bool = False) -> duckdb.DuckDBPyConnection:
    """The app's lead CSV, as DuckDB reads it, as the table `leads`."""
    path = tmp_path / "leads.csv"
    path.write_bytes(leads_csv(leads, evaluate(leads, definition), definition=definition))
    connection = duckdb.connect()
    dropped = "" if keep_stage else "EXCLUDE (lead_stage, lead_points, lead_reasons)"
    connection.execute(f"CREATE TABLE leads AS SELECT * {dropped} FROM read_csv('{path}')")
    return connection


def crm_table(tmp_path) -> duckdb.DuckDBPyConnection:
    """The CRM's own export, as DuckDB reads it, as the table `leads`."""
    path = tmp_path / "crm.csv"
    path.write_bytes(CRM)
    connection = duckdb.connect()
    connection.execute(f"CREATE TABLE leads AS SELECT * FROM read_csv('{path}')")
    return connection


def stages(connection, sql: str) -> tuple[list[str], list[int]]:
    rows = connection.execute(f"SELECT lead_stage, lead_points FROM ({sql}) AS s").fetchall()
    return [r[0] for r in rows], [int(r[1]) for r in rows]


def expected(leads: pd.DataFrame, definition: Definition) -> tuple[list[str], list[int]]:
    frame = evaluate(leads, definition).frame
    return frame["stage"].astype(str).tolist(), frame["points"].astype(int).tolist()


@pytest.mark.parametrize("name", DEFINITIONS)
def test_the_download_with_the_workshop_leads_agrees_on_the_lead_csv(leads, name, tmp_path):
    definition = DEFINITIONS[name]
    connection = lead_csv_table(leads, definition, tmp_path)
    sql = body(rules.definition_sql(definition, leads=leads))
    assert stages(connection, sql) == expected(leads, definition)


@pytest.mark.parametrize("name", DEFINITIONS)
def test_the_download_with_the_workshop_leads_agrees_on_the_crm_export(leads, name, tmp_path):
    definition = DEFINITIONS[name]
    page = one_pager(definition, company="", title="", facilitator="", agreed_by=[],
                     agreed_at=None)
    data = formats.render(definition, "sql", page, leads=leads).data
    assert stages(crm_table(tmp_path), body(data)) == expected(leads, definition)


@pytest.mark.parametrize("name", [n for n in DEFINITIONS if n != "recent demo"])
def test_without_the_leads_the_download_still_agrees_where_it_can(leads, name, tmp_path):
    """A number column's '100.0' is 100, a date present is a yes, even untold; only a window
    of days needs to know the column holds dates."""
    definition = DEFINITIONS[name]
    connection = lead_csv_table(leads, definition, tmp_path)
    assert stages(connection, body(rules.definition_sql(definition))) == \
        expected(leads, definition)


def test_the_download_replaces_the_stage_of_a_lead_csv_imported_back(leads, tmp_path):
    definition = DEFINITIONS["seats is 100"]
    first = leads_csv(leads, evaluate(leads, DEFINITIONS["recent demo"]),
                      definition=DEFINITIONS["recent demo"])
    again = import_leads(first, "leads.csv").leads
    assert {"lead_stage", "lead_points"} <= set(again.columns)
    connection = lead_csv_table(again, DEFINITIONS["recent demo"], tmp_path, keep_stage=True)
    sql = body(rules.definition_sql(definition, leads=again))
    names = [d[0] for d in connection.execute(f"SELECT * FROM ({sql}) AS s").description]
    assert names.count("lead_stage") == names.count("lead_points") == 1
    assert stages(connection, sql) == expected(again, definition)


def test_the_app_reads_its_own_lead_csv_back_with_the_same_counts(leads):
    """Placeholders ('--None--', '-') stay placeholders in the lead CSV: importing it back
    gives every definition the same counts."""
    for definition in DEFINITIONS.values():
        before = evaluate(leads, definition)
        back = import_leads(leads_csv(leads, before, definition=definition), "leads.csv").leads
        after = evaluate(back, definition)
        assert after.frame["stage"].tolist() == before.frame["stage"].tolist()
        assert unknown(back["industry"]).tolist() == unknown(leads["industry"]).tolist()


def test_the_points_table_says_when_each_action_counts(leads):
    definition = Definition(actions=[Action(field="Demo Booked At", points=20),
                                     Action(field="Newsletter", points=5),
                                     Action(field="Seats", points=1)], threshold=20)
    rows = list(csv.DictReader(io.StringIO(
        rules.points_csv(definition, leads=leads).decode("utf-8-sig"))))
    conditions = {r["field"]: r["condition"] for r in rows if r["role"] == "conversion action"}
    assert conditions == {"Demo Booked At": "is_known", "Newsletter": "is_true",
                          "Seats": "at_least: 1"}
    # each condition, as a criterion on its column, picks the leads whose action counts
    done = evaluate(leads, definition).frame["points"]
    for field, condition in conditions.items():
        op, _, bound = condition.partition(": ")
        criterion = Criterion(field=field, op=op, low=float(bound) if bound else None,
                              role="nice", points=1)
        met = evaluate(leads, Definition(criteria=[criterion])).frame["points"] == 1
        action = evaluate(leads, Definition(actions=[Action(field=field, points=1)])) \
            .frame["points"] == 1
        assert met.tolist() == action.tolist(), field
    assert done.tolist() == [26, 21, 6, 21, 20, 26]


COUNTRIES = """Email,Country
a@x.com,Germany
b@x.com,Deutschland
c@x.com,DE
d@x.com,Allemagne
e@x.com,USA
f@x.com,États-Unis
g@x.com,Etats-Unis
h@x.com,France
i@x.com,
""".encode()
# Read by a person: which of those cells name each country.
NAMING = {"Germany": {"Germany", "Deutschland", "DE", "Allemagne"},
          "United States": {"USA", "États-Unis", "Etats-Unis"}}


@pytest.mark.parametrize("op", ["in", "not_in"])
@pytest.mark.parametrize("country", NAMING)
def test_a_country_rule_meets_every_spelling_in_the_crm_table(country, op, tmp_path):
    """The SQL runs on the CRM's own table, whose cells the import never rewrote: a rule
    naming Germany meets "Deutschland" and "DE" there as the app's counts do."""
    path = tmp_path / "countries.csv"
    path.write_bytes(COUNTRIES)
    connection = duckdb.connect()
    connection.execute(f"CREATE TABLE leads AS SELECT * FROM read_csv('{path}', all_varchar=true)")
    cells = pd.read_csv(io.BytesIO(COUNTRIES), dtype=str)["Country"]
    named = cells.isin(NAMING[country])
    by_hand = named if op == "in" else ~named & cells.notna()
    definition = Definition(criteria=[Criterion(field="country", op=op, values=[country])])
    leads = import_leads(COUNTRIES, "countries.csv").leads
    sql = body(rules.definition_sql(definition, leads=leads))
    got, _ = stages(connection, sql)
    assert [stage != "Not qualified" for stage in got] == by_hand.tolist()
    assert evaluate(leads, definition).count("MQL") == by_hand.sum()
