"""The SQL for RevOps is written with the columns of the latest export; when that export has no
column for a field a rule uses, the file holds no query that would fail on the CRM's table, and
the page says why beside the button. HubSpot's renamed source column is read as the lead
source."""
import duckdb
import pandas as pd
import pytest

from workshop import rules
from workshop.definition import Definition
from workshop.evaluate import export_headers
from workshop.pipeline import import_leads

CSV = ("Record ID,Original Traffic Source,Number of Employees,Create Date\n"
       "1,ORGANIC_SEARCH,120,2025-01-02\n2,REFERRALS,300,2025-01-05\n"
       "3,PAID_SEARCH,50,2025-02-01\n4,ORGANIC_SEARCH,800,2025-02-03\n")

DEFINITION = Definition.from_dict({"criteria": [
    {"field": "employees", "op": "at_least", "low": 100, "role": "must"},
    {"field": "lead_source", "op": "in", "values": ["Organic search"], "role": "nice",
     "points": 10}], "threshold": 0})


@pytest.mark.parametrize("header", ["Original Traffic Source", "Latest Traffic Source"])
def test_hubspot_traffic_source_is_the_lead_source(header):
    imported = import_leads(CSV.replace("Original Traffic Source", header).encode(), "d.csv")
    assert imported.mapping.columns[header] == "lead_source"
    assert rules.sql_refusal(DEFINITION, imported.leads, imported.mapping) == ""


def _run(sql: str, path) -> pd.DataFrame:
    con = duckdb.connect()
    con.execute(f"create table leads as select * from read_csv('{path}', all_varchar=true)")
    return con.execute(sql).df()


def test_the_sql_runs_where_the_export_has_every_column(tmp_path):
    path = tmp_path / "d.csv"
    path.write_text(CSV)
    imported = import_leads(CSV.encode(), "d.csv")
    sql = rules.definition_sql(DEFINITION, leads=imported.leads,
                               mapping=imported.mapping).decode()
    stages = _run(sql, path)
    raw = pd.read_csv(path)
    mql = raw["Number of Employees"] >= 100  # the only must-have; the threshold is 0
    assert list(stages["lead_stage"] != "Not qualified") == list(mql)


def test_no_query_and_a_sentence_when_the_export_lacks_a_column(tmp_path):
    fresh = CSV.replace("Original Traffic Source", "First Touch")  # a name no map knows
    path = tmp_path / "fresh.csv"
    path.write_text(fresh)
    imported = import_leads(fresh.encode(), "fresh.csv")
    assert "lead_source" not in imported.mapping.columns.values()
    said = rules.sql_refusal(DEFINITION, imported.leads, imported.mapping)
    assert "no column for “Lead source”" in said
    sql = rules.definition_sql(DEFINITION, columns=export_headers(imported.leads, DEFINITION),
                               leads=imported.leads, mapping=imported.mapping).decode()
    assert "SELECT" not in sql.upper().replace("SELECTS", "")
    assert said in sql  # the file says it too
    assert all(line.startswith("--") for line in sql.strip().splitlines())
    # what DuckDB is handed is only comments: nothing runs, nothing fails on a missing column
    con = duckdb.connect()
    con.execute(f"create table leads as select * from read_csv('{path}', all_varchar=true)")
    con.execute(sql)
