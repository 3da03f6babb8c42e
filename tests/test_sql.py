"""The SQL form of a definition gives every lead the same stage and points as evaluate()."""
from __future__ import annotations

import random

import duckdb
import pandas as pd
import pytest

from workshop import catalog, demo
from workshop.definition import Action, Criterion, Definition
from workshop.evaluate import evaluate
from workshop.leads import load_sample_leads
from workshop.sql import quote_identifier, quote_literal, to_sql, types_of, where_clause

LEADS = load_sample_leads()
USED = sorted({f for f in catalog.FIELDS if f in LEADS.columns} - {"created"})


def run_sql(leads: pd.DataFrame, definition: Definition, **kwargs) -> pd.DataFrame:
    connection = duckdb.connect()
    connection.register("leads", leads)
    sql = to_sql(definition, types=kwargs.pop("types", types_of(leads)), **kwargs)
    return connection.execute(f"SELECT lead_stage, lead_points FROM ({sql})").df()


def assert_same(leads: pd.DataFrame, definition: Definition, **kwargs) -> None:
    expected = evaluate(leads.rename(columns={v: k for k, v in
                                              kwargs.get("columns", {}).items()}), definition)
    got = run_sql(leads, definition, **kwargs)
    assert got["lead_stage"].tolist() == expected.frame["stage"].tolist()
    assert got["lead_points"].astype(int).tolist() == expected.frame["points"].tolist()


@pytest.mark.parametrize("draft", [demo.facilitator_draft, demo.marketing_draft,
                                   demo.sales_draft], ids=lambda d: d.__name__)
def test_demo_drafts_agree_on_the_sample_leads(draft):
    assert_same(LEADS, draft())


def random_criterion(rng: random.Random) -> Criterion:
    field = rng.choice(USED)
    kind = catalog.FIELDS[field].kind
    role = rng.choice(["must", "must", "nice", "disqualifier"])
    common = {"field": field, "role": role, "gate": rng.choice(["mql", "sql"]),
              "points": rng.randint(1, 40) if role == "nice" else 0}
    if kind == catalog.Kind.CATEGORY:
        values = rng.sample(list(catalog.FIELDS[field].options), rng.randint(1, 3))
        if rng.random() < 0.3:
            values = [v.upper() for v in values]
        return Criterion(op=rng.choice(["in", "not_in"]), values=values, **common)
    if kind in (catalog.Kind.NUMBER, catalog.Kind.COUNT):
        series = LEADS[field].dropna()
        low, high = sorted(float(series.sample(1, random_state=rng.randint(0, 10**6)).iloc[0])
                           for _ in range(2))
        op = rng.choice(["between", "at_least", "at_most"])
        return Criterion(op=op, low=low if op != "at_most" else None,
                         high=high if op != "at_least" else None, **common)
    if kind == catalog.Kind.TEXT:
        words = rng.sample(["finance", "cfo", "student", "inc", "ledger", "o'neil", "%", "_"],
                           2)
        return Criterion(op="contains_any", values=words, **common)
    return Criterion(op=rng.choice(["is_true", "is_false"]), **common)


@pytest.mark.parametrize("seed", range(40))
def test_random_definitions_agree(seed):
    rng = random.Random(seed)
    actions = [Action(field=f, points=rng.randint(0, 30))
               for f, _ in rng.sample(catalog.CONVERSION_ACTIONS, rng.randint(0, 4))]
    definition = Definition(criteria=[random_criterion(rng) for _ in range(rng.randint(1, 8))],
                            actions=actions, threshold=rng.choice([0, 5, 10, 20, 40]))
    assert_same(LEADS, definition)


def test_a_column_mapping_renames_what_the_sql_reads():
    crm = LEADS.rename(columns={"industry": "Industry", "employees": "NumberOfEmployees"})
    definition = Definition(criteria=[
        Criterion(field="industry", op="in", values=["Software"]),
        Criterion(field="employees", op="at_least", low=100)])
    mapping = {"industry": "Industry", "employees": "NumberOfEmployees"}
    assert_same(crm, definition, columns=mapping, types=types_of(LEADS))
    assert '"NumberOfEmployees"' in to_sql(definition, columns=mapping)


def test_typed_values_cannot_break_out_of_the_statement():
    hostile = "x'); DROP TABLE leads; --"
    leads = pd.DataFrame({"company": [hostile, "Acme", None], "industry": ["a", "b", "c"]})
    definition = Definition(criteria=[Criterion(field="company", op="contains_any",
                                                values=[hostile], role="disqualifier")])
    connection = duckdb.connect()
    connection.register("leads", leads)
    stages = connection.execute(f"SELECT lead_stage FROM ({to_sql(definition)})").df()
    assert stages["lead_stage"].tolist() == ["Not qualified", "SQL", "SQL"]  # no SQL gate
    assert connection.execute("SELECT count(*) FROM leads").fetchone()[0] == 3


@pytest.mark.parametrize("name, quoted", [("industry", '"industry"'),
                                          ('we"ird', '"we""ird"'),
                                          ("Lead Source", '"Lead Source"')])
def test_quote_identifier(name, quoted):
    assert quote_identifier(name) == quoted


@pytest.mark.parametrize("value, quoted", [("Software", "'Software'"), ("O'Neil", "'O''Neil'"),
                                           ("a\\b", "'a\\b'")])
def test_quote_literal(value, quoted):
    assert quote_literal(value) == quoted


def test_nul_characters_are_refused():
    with pytest.raises(ValueError):
        quote_literal("a\x00b")


def test_where_clause_selects_the_same_leads_as_the_stage():
    definition = demo.facilitator_draft()
    connection = duckdb.connect()
    connection.register("leads", LEADS)
    types = types_of(LEADS)
    mql = connection.execute(f"SELECT count(*) FROM leads WHERE "
                             f"{where_clause(definition, 'MQL', types=types)}").fetchone()[0]
    sql = connection.execute(f"SELECT count(*) FROM leads WHERE "
                             f"{where_clause(definition, 'SQL', types=types)}").fetchone()[0]
    result = evaluate(LEADS, definition)
    assert (mql, sql) == (result.count("MQL"), result.count("SQL"))
    with pytest.raises(ValueError):
        where_clause(definition, "Customer")
