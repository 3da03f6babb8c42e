"""`within_last`: a date within the last N days of the column's own latest date, inclusive —
"visited pricing in the last 30 days", "created in the last quarter". Measured back from the
export's latest date, not from today, so a months-old export gives the same answer tomorrow.
Checked on a day-first export against a plain-pandas count."""
from __future__ import annotations

import json

import duckdb
import pandas as pd
import pytest

from tests.test_action_dates import EXPORT, export  # noqa: F401 - a day-first export
from tests.test_cli import run
from workshop.definition import Criterion, Definition, DefinitionError
from workshop.evaluate import evaluate
from workshop.pipeline import import_leads_file
from workshop.sql import to_sql, types_of


def by_hand(path, column: str, days: int) -> int:
    raw = pd.read_csv(path, sep=";", dtype=str)
    dates = pd.to_datetime(raw[column], dayfirst=True, errors="coerce").dt.normalize()
    return int(((dates.max() - dates).dt.days <= days).sum())


@pytest.mark.parametrize(("column", "field", "days", "expected"), [
    ("Created", "created", 30, 3),  # 15.10, 15.09 (the 30th day back, included) and 30.09
    ("Created", "created", 29, 2),
    ("Created", "created", 31, 4),
    ("Pricing page visited", "Pricing page visited", 60, 2),  # measured from its own 14.10
])
def test_within_last_counts_back_from_the_columns_own_latest_date(
        capsys, tmp_path, export, column, field, days, expected):  # noqa: F811
    assert by_hand(export, column, days) == expected
    definition = Definition(criteria=[Criterion(field=field, op="within_last", days=days)])
    path = tmp_path / "recent.json"
    path.write_text(definition.to_json(), encoding="utf-8")
    code, out, _ = run(capsys, "evaluate", "--leads", str(export), "--definition", str(path))
    assert code == 0
    assert json.loads(out)["mql"] == expected


def test_the_sql_gives_the_same_leads_on_the_imported_table(export):  # noqa: F811
    leads = import_leads_file(str(export)).leads
    definition = Definition(criteria=[Criterion(field="created", op="within_last", days=30,
                                                role="nice", points=20)], threshold=20)
    connection = duckdb.connect()
    connection.register("leads", leads)
    rows = connection.execute(
        f"SELECT lead_stage FROM ({to_sql(definition, types=types_of(leads))})").fetchall()
    assert [r[0] for r in rows] == evaluate(leads, definition).frame["stage"].tolist()


def test_within_last_reads_as_a_sentence_and_as_the_issue_s_json():
    recent = Criterion(field="created", op="within_last", days=90)
    assert recent.sentence() == "Created date is within the last 90 days of the export"
    assert Criterion(field="Last visit", op="within_last", days=1).sentence() == \
        "Last visit is within the last 1 day of the export"
    stored = json.loads(Definition(criteria=[recent]).to_json())["criteria"][0]
    assert (stored["field"], stored["op"], stored["days"]) == ("created", "within_last", 90)
    assert "days" not in json.loads(Definition(criteria=[
        Criterion(field="industry", values=["Software"], op="in")]).to_json())["criteria"][0]
    with pytest.raises(DefinitionError, match="needs a number of days"):
        Definition.from_json('{"criteria": [{"field": "created", "op": "within_last"}]}')
    with pytest.raises(DefinitionError):
        Definition.from_json('{"criteria": [{"field": "created", "op": "within_last", '
                             '"days": 0}]}')



# The latest lead came in late on 1 July; whole days count, whatever the time of day.
TIMES = pd.DataFrame({"n": range(6), "created": pd.to_datetime([
    "2025-07-01 23:30", "2025-06-01 00:10", "2025-06-01 23:59", "2025-05-31 23:59",
    None, "2025-06-30 08:00"])})
WITHIN_30 = [True, True, True, False, False, True]  # 1 June is the 30th day back, 31 May not


def _stages_in_sql(connection) -> list[bool]:
    recent = Criterion(field="created", op="within_last", days=30)
    query = to_sql(Definition(criteria=[recent]), types=types_of(TIMES))
    rows = connection.execute(f"SELECT lead_stage FROM ({query}) AS s ORDER BY n").fetchall()
    return [r[0] != "Not qualified" for r in rows]


def test_the_boundary_day_counts_whatever_the_time_of_day_in_pandas_and_duckdb():
    recent = Definition(criteria=[Criterion(field="created", op="within_last", days=30)])
    assert evaluate(TIMES, recent).frame["is_mql"].tolist() == WITHIN_30
    connection = duckdb.connect()
    connection.register("leads", TIMES)
    assert _stages_in_sql(connection) == WITHIN_30


def test_the_boundary_day_counts_whatever_the_time_of_day_in_postgresql(postgres_url):
    import psycopg

    with psycopg.connect(postgres_url, autocommit=True) as connection:
        connection.execute("DROP TABLE IF EXISTS leads")
        connection.execute("CREATE TABLE leads (n integer, created timestamp)")
        with connection.cursor() as cursor:
            cursor.executemany("INSERT INTO leads VALUES (%s, %s)",
                               [(int(n), None if pd.isna(t) else t.to_pydatetime())
                                for n, t in TIMES.itertuples(index=False)])
        assert _stages_in_sql(connection) == WITHIN_30
