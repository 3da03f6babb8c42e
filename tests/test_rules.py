"""Rules RevOps can run: the definition JSON, the SQL and the points table."""
from __future__ import annotations

import csv
import io
import json

import duckdb
import pandas as pd
import pytest

from workshop import rules
from workshop.definition import SCHEMA_VERSION, Action, Criterion, Definition, read_file
from workshop.demo import facilitator_draft, marketing_draft, sales_draft
from workshop.evaluate import evaluate
from workshop.leads import load_sample_leads


def read_csv(data: bytes) -> list[dict[str, str]]:
    assert data.startswith("\ufeff".encode())  # Excel reads UTF-8 with a BOM
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))


def test_the_points_table_has_a_row_per_rule_and_the_threshold():
    definition = Definition(
        criteria=[Criterion(field="industry", op="in", values=["Software", "Retail"]),
                  Criterion(field="budget", op="at_least", low=10000, gate="sql"),
                  Criterion(field="seniority", op="in", values=["VP"], role="nice", points=10),
                  Criterion(field="employees", op="between", low=50, high=500, role="nice",
                            points=5),
                  Criterion(field="personal_email", op="is_true", role="disqualifier")],
        actions=[Action(field="demo_requested", points=30)], threshold=25)
    rows = read_csv(rules.points_csv(definition))
    assert [(r["field"], r["condition"], r["points"], r["role"], r["gate"]) for r in rows] == [
        ("industry", "in: Software | Retail", "0", "must have", "MQL"),
        ("budget", "at_least: 10000", "0", "must have", "SQL"),
        ("seniority", "in: VP", "10", "nice to have", ""),
        ("employees", "between: 50 and 500", "5", "nice to have", ""),
        ("personal_email", "is_true", "0", "disqualifier", ""),
        ("demo_requested", "at_least: 1", "30", "conversion action", ""),
        ("", "points at least", "25", "threshold", "MQL"),
    ]
    assert rows[0]["criterion"] == "Industry is Software or Retail"
    assert rows[-1]["criterion"] == "MQL threshold: at least 25 points"


@pytest.mark.parametrize("payload", ["=HYPERLINK(\"http://evil\")", "+1+1", "-2", "@SUM(A1)"])
def test_typed_values_in_the_points_table_never_run_as_formulas(payload):
    definition = Definition(criteria=[Criterion(field="industry", op="in", values=[payload])])
    rows = read_csv(rules.points_csv(definition))
    assert rows[0]["condition"] == f"in: {payload}"  # does not start with the payload
    assert rows[0]["criterion"].startswith("Industry is")
    cells = [cell for row in rows for cell in row.values()]
    assert not any(cell.startswith(("=", "+", "-", "@")) for cell in cells)


@pytest.mark.parametrize("definition", [facilitator_draft(), marketing_draft(), sales_draft()])
def test_the_json_imports_back_to_the_same_definition(definition):
    data = rules.definition_json(definition)
    assert json.loads(data)["schema_version"] == SCHEMA_VERSION
    assert "about" not in json.loads(data)
    assert Definition.from_json(data) == definition


def test_the_json_says_where_it_comes_from_and_still_imports_the_same():
    about = {"company": "Acme <b>", "title": "Q1", "version": 3,
             "agreed_by": ["Priya for Marketing", "=cmd|' /C calc'!A0"],
             "agreed_at": "2026-11-23", "token": "secret", "empty": ""}
    data = rules.definition_json(facilitator_draft(), about)
    read = read_file(data)
    assert read.definition == facilitator_draft()
    assert read.about == {k: v for k, v in about.items() if k not in ("token", "empty")}
    assert read.written_in == SCHEMA_VERSION and not read.upgraded


@pytest.mark.parametrize("definition", [facilitator_draft(), marketing_draft(), sales_draft()],
                         ids=["facilitator", "marketing", "sales"])
def test_the_sql_gives_every_lead_the_stage_and_points_the_app_gives(definition):
    leads = load_sample_leads()
    connection = duckdb.connect()
    connection.register("leads", leads)
    query = rules.definition_sql(definition).decode()
    assert query.startswith("-- Ideal lead definition") and query.rstrip().endswith(";")
    result = connection.execute(query.rstrip().rstrip(";")).df()
    expected = evaluate(leads, definition).frame
    assert result["lead_stage"].tolist() == expected["stage"].astype(str).tolist()
    assert result["lead_points"].astype(int).tolist() == expected["points"].astype(int).tolist()


def test_the_sql_uses_the_export_s_column_names():
    definition = Definition(criteria=[Criterion(field="industry", op="in",
                                                values=["O'Reilly \"Media\""])])
    query = rules.definition_sql(definition, table="crm leads",
                                 columns={"industry": "Industry (HubSpot)"}).decode()
    assert '"Industry (HubSpot)"' in query and 'FROM "crm leads"' in query
    assert "'O''Reilly \"Media\"'" in query or "o''reilly" in query.lower()


def test_an_action_s_condition_follows_how_its_column_is_read():
    """A count counts from 1, a yes/no at a yes, a date column once a date is there: the
    condition is the operator that means that on the column (no 'at_least 1' on a date)."""
    leads = pd.DataFrame({
        "Newsletter": pd.Series(["Yes", "No", None], dtype="str"),
        "Demo Booked At": pd.to_datetime(["2025-03-01", None, "2025-01-02"]),
        "Trial": [True, False, True],
        "demo_requested": [2, 0, 1]})
    definition = Definition(actions=[Action(field=f, points=5) for f in leads.columns])
    rows = read_csv(rules.points_csv(definition, leads=leads))
    assert [(r["field"], r["condition"]) for r in rows[:-1]] == [
        ("Newsletter", "is_true"), ("Demo Booked At", "is_known"), ("Trial", "is_true"),
        ("demo_requested", "at_least: 1")]
    # as criteria on the same columns, the conditions pick the leads the actions count for
    for row in rows[:-1]:
        op, _, low = row["condition"].partition(": ")
        rule = Definition(criteria=[Criterion(field=row["field"], op=op,
                                              low=float(low) if low else None)])
        action = Definition(actions=[Action(field=row["field"], points=1)], threshold=1)
        assert evaluate(leads, rule).frame["is_mql"].tolist() == \
            evaluate(leads, action).frame["is_mql"].tolist()


def test_the_sql_file_says_what_it_is_written_for():
    """Which engines (it uses strpos() and SIMILAR TO, which SQLite lacks), which table and
    which columns, read how: a column name cannot end the comment it is named in."""
    definition = Definition(criteria=[
        Criterion(field="industry", op="in", values=["Software"]),
        Criterion(field="Seats", op="at_least", low=10),
        Criterion(field="Booked\nDROP TABLE leads; --", op="is_true")])
    leads = pd.DataFrame({"industry": ["Software"], "Seats": [12.0],
                          "Booked\nDROP TABLE leads; --": pd.to_datetime(["2025-01-01"])})
    query = rules.definition_sql(definition, table="crm", leads=leads).decode()
    header = [line for line in query.splitlines() if line.startswith("--")]
    text = "\n".join(header)
    assert "DuckDB and PostgreSQL" in text and "not SQLite" in text
    assert '"crm"' in text and "lead_stage and lead_points" in text
    assert '"industry": text' in text and '"Seats": a number' in text
    assert '"Booked\\nDROP TABLE leads; --": a date' in text
    statement = query[len("\n".join(header)) + 1:]
    assert statement.startswith("SELECT") and "--" not in statement.replace(
        '"Booked\nDROP TABLE leads; --"', "")
    connection = duckdb.connect()
    connection.register("crm", leads)
    assert connection.execute(query.rstrip().rstrip(";")).df()["lead_stage"].tolist() == ["SQL"]
