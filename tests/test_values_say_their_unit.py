"""Revenue cells that say their own unit, and columns typed by people of both conventions.

A re-export's "Revenue ($M)" column wrote "2.8M": the header's millions multiplied the cell's
again, 2.8 trillion, and "at least $5M" excluded nobody, in the app and in the rules SQL. A
revenue column typed by hand held "€3,4 Mio." beside "1.2M", so its values decided both ways and
"€750.000" was read as 750. Expected figures are worked out here by hand; the SQL runs in DuckDB
and PostgreSQL."""
from __future__ import annotations

import io

import duckdb
import pandas as pd
import pytest

from tests.builders import C, D
from tests.rules_in_duckdb import sql_stages
from workshop import rules
from workshop.column_types import decimal_mark, written_both_ways
from workshop.leads import stage_outcomes
from workshop.pipeline import import_leads
from workshop.sql import number_reading

# cell -> what it is worth, under a header that names millions
IN_MILLIONS = {"2.8M": 2.8e6, "0.7M": 0.7e6, "24.1M": 24.1e6, "$5 mil.": 5e6, "1,5 MEUR": 1.5e6,
               "3.1": 3.1e6, "0.5": 0.5e6, "12": 12e6, "n/a": None}
# cell -> worth, in a column written with both decimal marks
BOTH_WAYS = {"€750.000": 750_000.0, "€3,4 Mio.": 3.4e6, "1,5 Mio. €": 1.5e6, "850K": 850_000.0,
             "1.2M": 1.2e6, "$1,500,000": 1.5e6, "€1.250.000": 1_250_000.0, "2.5": 2.5,
             "$640,000": 640_000.0, "4,75": 4.75}


def _export(header: str, cells: dict, stage: str = "Closed Won") -> str:
    lines = [f'Company,"{header}",Deal Stage']
    lines += [f'C{i},"{cell}",{stage}' for i, cell in enumerate(cells)]
    return "\n".join(lines) + "\n"


def _as_read(values: list) -> list:
    return [None if pd.isna(v) else round(float(v), 6) for v in values]


def _want(cells: dict) -> list:
    return [None if v is None else round(v, 6) for v in cells.values()]


def test_a_cell_that_says_millions_is_not_multiplied_by_the_headers():
    imported = import_leads(_export("Revenue ($M)", IN_MILLIONS).encode(), "re-export.csv")
    assert _as_read(imported.leads["annual_revenue"]) == _want(IN_MILLIONS)
    assert imported.mapping.units == {"Revenue ($M)": 1e6}  # the plain cells need it


def test_no_unit_is_taken_from_the_header_when_every_cell_says_its_own():
    cells = {cell: worth for cell, worth in IN_MILLIONS.items() if not cell[-1].isdigit()}
    imported = import_leads(_export("Revenue ($M)", cells).encode(), "re-export.csv")
    assert imported.mapping.units == {}
    assert _as_read(imported.leads["annual_revenue"]) == _want(cells)
    assert "in millions" not in imported.quality().field("annual_revenue").read_as


def test_a_column_written_both_ways_reads_each_value_by_its_own_marks():
    imported = import_leads(_export("Annual Revenue", BOTH_WAYS).encode(), "typed.csv")
    assert _as_read(imported.leads["annual_revenue"]) == _want(BOTH_WAYS)
    read_as = imported.quality().field("annual_revenue").read_as
    assert "written with both decimal marks" in read_as and "no value decides" not in read_as


def test_a_column_of_one_convention_is_read_as_before():
    cells = {"€750.000": 750.0, "850K": 850_000.0, "1.2M": 1.2e6}  # points only: 750.000 is 750
    mark, ambiguous, evidence = decimal_mark(pd.Series(list(cells)))
    assert (mark, written_both_ways(ambiguous, evidence)) == (".", False)
    imported = import_leads(_export("Annual Revenue", cells).encode(), "points.csv")
    assert _as_read(imported.leads["annual_revenue"]) == _want(cells)


def _sql_values(connection_execute, cells: dict, unit: float, both_ways: bool) -> list:
    rows = ", ".join(f"({i}, '{cell}')" for i, cell in enumerate(cells))
    expression = number_reading("v", ".", unit, False, both_ways)
    got = connection_execute(f"SELECT {expression} FROM (VALUES {rows}) AS t(n, v) ORDER BY n")
    return [None if v is None else round(float(v), 6) for (v,) in got]


@pytest.mark.parametrize(("cells", "unit", "both_ways"),
                         [(IN_MILLIONS, 1e6, False), (BOTH_WAYS, 1.0, True)])
def test_the_rules_sql_reads_each_cell_as_the_app_in_duckdb(cells, unit, both_ways):
    connection = duckdb.connect()
    assert _sql_values(lambda q: connection.execute(q).fetchall(), cells, unit,
                       both_ways) == _want(cells)


@pytest.mark.parametrize(("cells", "unit", "both_ways"),
                         [(IN_MILLIONS, 1e6, False), (BOTH_WAYS, 1.0, True)])
def test_the_rules_sql_reads_each_cell_as_the_app_in_postgresql(cells, unit, both_ways,
                                                                 postgres_url):
    import psycopg

    with psycopg.connect(postgres_url, autocommit=True) as connection:
        assert _sql_values(lambda q: connection.execute(q).fetchall(), cells, unit,
                           both_ways) == _want(cells)


@pytest.mark.parametrize(("header", "cells"), [("Revenue ($M)", IN_MILLIONS),
                                               ("Annual Revenue", BOTH_WAYS)])
def test_a_revenue_rule_qualifies_the_same_leads_in_the_app_and_the_sql(tmp_path, header, cells):
    text = _export(header, cells)
    imported = import_leads(text.encode(), "export.csv")
    definition = D(C("annual_revenue", "at_least", low=1_000_000, role="must", gate="mql"))
    expected = [worth is not None and worth >= 1_000_000 for worth in cells.values()]
    from workshop.evaluate import evaluate
    app = evaluate(imported.leads, definition).frame["stage"].astype(str) != "Not qualified"
    assert app.tolist() == expected
    path = tmp_path / "export.csv"
    path.write_text(text)
    sql = rules.definition_sql(definition, leads=imported.leads,
                               mapping=imported.mapping).decode()
    stages = sql_stages(path, sql, 'CAST(substr("Company", 2) AS INTEGER)')
    assert [stage != "Not qualified" for stage in stages] == expected
    assert len(pd.read_csv(io.StringIO(text))) == len(expected)


def test_no_decision_is_a_closed_deal():
    won, lost = stage_outcomes(pd.Series(["No Decision", "Closed - No Decision", "Negotiation",
                                          "Decision makers bought in"]))
    assert won.tolist() == [False] * 4
    assert lost.tolist() == [True, True, False, False]
