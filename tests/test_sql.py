"""The SQL form of a definition gives every lead the same stage and points as evaluate()."""
from __future__ import annotations

import random

import duckdb
import pandas as pd
import pytest

from workshop import catalog, demo
from workshop.definition import Action, Criterion, Definition
from workshop.evaluate import evaluate, export_headers
from workshop.leads import load_sample_leads, normalise
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


# Text as real exports write it: snake_case and placeholder words kept, yes/no words, numbers
# held as text, a date column a conversion action is recorded in.
MESSY = pd.DataFrame({
    "origin": pd.Series(["organic_search", "Organic search", "unknown", "Select", None,
                         "paid_search", " PAID-SEARCH ", "--None--", "referral", ""] * 30,
                        dtype="str"),
    "score": pd.Series(["72,5", "80", "n/a", None, "55", "90", "abc", "0", "100", "-"] * 30,
                       dtype="str"),
    "newsletter": pd.Series(["Yes", "no", "TRUE", "0", "2", "Select", None, "x", "off",
                             "1"] * 30, dtype="str"),
    "demo_booked_at": pd.to_datetime(pd.Series(["2025-06-03 08:00", None, "2025-07-01 00:00",
                                                None, "2025-01-31 12:00"] * 60)),
    "employees": [10.0, 250.0, None, 1200.0, 40.0, 75.0] * 50,
})


@pytest.mark.parametrize("seed", range(30))
def test_rules_on_messy_text_and_dates_agree(seed):
    rng = random.Random(seed)
    origin = ["Organic search", "paid_search", "unknown", "Select", "referral", "search"]
    choices = [
        lambda role: Criterion(field="origin", op=rng.choice(["in", "not_in", "contains_any"]),
                               values=rng.sample(origin, rng.randint(1, 3)), **role),
        lambda role: Criterion(field="score", op="at_least", low=rng.choice([0, 55, 80]),
                               **role),
        lambda role: Criterion(field="newsletter", op=rng.choice(["is_true", "is_false"]),
                               **role),
        lambda role: Criterion(field="demo_booked_at", op=rng.choice(["is_true", "is_false"]),
                               **role),
        lambda role: Criterion(field="demo_booked_at", op="in", values=["2025-07-01"], **role),
        lambda role: Criterion(field="employees", op="between", low=20, high=500, **role),
    ]
    roles = [{"role": "must", "gate": "mql"}, {"role": "must", "gate": "sql"},
             {"role": "nice", "points": 10}, {"role": "disqualifier"}]
    criteria = [rng.choice(choices)(rng.choice(roles)) for _ in range(rng.randint(1, 5))]
    actions = [Action(field=f, points=rng.randint(1, 30))
               for f in rng.sample(["demo_booked_at", "newsletter", "score"], rng.randint(0, 2))]
    definition = Definition(criteria=criteria, actions=actions,
                            threshold=rng.choice([0, 10, 20]))
    assert_same(MESSY, definition)


def test_placeholders_and_spellings_in_sql():
    named = Definition(criteria=[Criterion(field="origin", op="in",
                                           values=["unknown", "Organic search"])])
    stages = run_sql(MESSY, named)["lead_stage"]
    assert (stages != "Not qualified").sum() == 3 * 30  # organic_search, Organic search, unknown


def test_another_name_of_an_option_reads_alike_in_sql():
    """'USA' and 'Referrals' name the options the import read them as (workshop.categories),
    in the SQL as in evaluate(), for 'is one of' and 'is not one of' alike."""
    leads = normalise(pd.DataFrame({
        "country": ["USA", "United States", "Germany", "Deutschland", "DE", None, "unknown"],
        "lead_source": ["Referrals", "Referral", "Webinar", "Trade Show", "Events", "Partner",
                        None],
    }), {"country": "country", "lead_source": "lead_source"})
    for op in ("in", "not_in"):
        for role in ("must", "disqualifier"):
            definition = Definition(criteria=[
                Criterion(field="country", op=op, values=["USA", "Deutschland"], role=role),
                Criterion(field="lead_source", op=op, values=["Referrals"], role="nice",
                          points=10)], threshold=0)
            assert_same(leads, definition)
    qualified = evaluate(leads, Definition(criteria=[
        Criterion(field="country", op="in", values=["USA"], role="must")]))
    assert qualified.frame["is_mql"].tolist() == [True, True, False, False, False, False, False]


def load_messy_into(connection) -> None:
    """The messy columns as a PostgreSQL table `leads`, numbered in their order by `n`."""
    connection.execute("DROP TABLE IF EXISTS leads")
    connection.execute("CREATE TABLE leads (n integer, origin text, score text, "
                       "newsletter text, demo_booked_at timestamp, "
                       "employees double precision)")
    with connection.cursor() as cursor:
        cursor.executemany(
            "INSERT INTO leads VALUES (%s, %s, %s, %s, %s, %s)",
            [(i, *(None if pd.isna(v) else v for v in row))
             for i, row in enumerate(MESSY.itertuples(index=False))])


def test_the_same_rules_run_on_postgresql(postgres_url):
    """RevOps may run the SQL on PostgreSQL: the messy columns as a PostgreSQL table give the
    same stages and points as the app."""
    import psycopg

    rng = random.Random(7)
    definitions = [Definition(
        criteria=[Criterion(field="origin", op=op, values=["Organic search", "unknown"],
                            role="nice", points=10),
                  Criterion(field="score", op="at_least", low=55, role="must"),
                  Criterion(field="newsletter", op="is_false", role="disqualifier"),
                  Criterion(field="demo_booked_at", op="in", values=["2025-07-01"],
                            role="nice", points=5)],
        actions=[Action(field="demo_booked_at", points=rng.randint(1, 20)),
                 Action(field="newsletter", points=3)],
        threshold=10) for op in ("in", "not_in", "contains_any")]
    with psycopg.connect(postgres_url, autocommit=True) as connection:
        load_messy_into(connection)
        for definition in definitions:
            sql = to_sql(definition, types=types_of(MESSY))
            rows = connection.execute(
                f"SELECT lead_stage, lead_points FROM ({sql}) AS s ORDER BY n").fetchall()
            expected = evaluate(MESSY, definition).frame
            assert [r[0] for r in rows] == expected["stage"].tolist()
            assert [int(r[1]) for r in rows] == expected["points"].tolist()


def test_the_sql_reads_the_exports_own_headers_whatever_the_rule_names():
    """Rules naming a catalog field, the export's header of a mapped column, or a catalog
    field whose column was left unmapped all read the CRM table's own columns."""
    raw = pd.DataFrame({"Sector": ["software", "retail", "Select"],
                        "Country/Region": ["Germany", "France", "Germany"],
                        "Headcount": ["250", "40", "900"]}, dtype="str")
    table = normalise(raw, {"Country/Region": "country", "Headcount": "employees"})
    definition = Definition(criteria=[
        Criterion(field="industry", op="in", values=["Software"]),  # "Sector", unmapped
        Criterion(field="Country/Region", op="in", values=["Germany"]),  # mapped, by header
        Criterion(field="employees", op="at_least", low=100)])  # mapped, by field
    names = export_headers(table, definition)
    assert names == {"industry": "Sector", "Country/Region": "Country/Region",
                     "employees": "Headcount"}
    crm = raw.assign(Headcount=pd.to_numeric(raw["Headcount"]))
    connection = duckdb.connect()
    connection.register("leads", crm)
    stages = connection.execute(
        f"SELECT lead_stage FROM ({to_sql(definition, columns=names)})").df()["lead_stage"]
    assert stages.tolist() == evaluate(table, definition).frame["stage"].tolist()


# Cells where str.casefold() (the app's folding) and SQL's lower() differ: 'ß' is 'ss', the
# final 'ς' is 'σ', in either spelling of the rule.
FOLDS = pd.DataFrame({"company": pd.Series(
    ["Straße AG", "STRASSE AG", "strasse ag", "Großhandel Süd GmbH", "GROSSHANDEL NORD",
     "ΟΔΟΣ", "οδος", "Acme", "Select", None], dtype="str")})
SHARP_S_RULES = [(op, values) for op in ("in", "not_in", "contains_any")
                 for values in (["Straße AG"], ["STRASSE AG"], ["großhandel", "Οδος"])]


@pytest.mark.parametrize("op, values", SHARP_S_RULES)
def test_sharp_s_and_final_sigma_match_as_in_the_app(op, values):
    definition = Definition(criteria=[Criterion(field="company", op=op, values=values)])
    assert_same(FOLDS, definition)
    # the rule matches both spellings, as casefold() reads them
    hits = evaluate(FOLDS, definition).frame["is_mql"].tolist()
    if op == "in" and values == ["Straße AG"]:
        assert hits[:3] == [True, True, True] and not any(hits[3:])


def test_sharp_s_matches_as_in_the_app_on_postgresql(postgres_url):
    """The test server's database is in the C locale, whose lower() leaves capitals outside
    ASCII ('ΟΔΟΣ') as they are: ß and ς, already small, are respelled all the same."""
    import psycopg

    folds = FOLDS[FOLDS["company"] != "ΟΔΟΣ"].reset_index(drop=True)
    with psycopg.connect(postgres_url, autocommit=True) as connection:
        connection.execute("DROP TABLE IF EXISTS leads")
        connection.execute("CREATE TABLE leads (n integer, company text)")
        with connection.cursor() as cursor:
            cursor.executemany("INSERT INTO leads VALUES (%s, %s)",
                               [(i, None if pd.isna(v) else v)
                                for i, v in enumerate(folds["company"])])
        for op, values in SHARP_S_RULES:
            definition = Definition(criteria=[Criterion(field="company", op=op, values=values)])
            rows = connection.execute(f"SELECT lead_stage FROM ({to_sql(definition)}) AS s "
                                      f"ORDER BY n").fetchall()
            assert [r[0] for r in rows] == evaluate(folds, definition).frame["stage"].tolist()


# A table whose column kinds nobody told the SQL (not in the catalog, no leads at hand).
UNTOLD = pd.DataFrame({
    "Seats": [100.0, 99.5, None, 100.0, 250.0, 0.0],
    "Booked": pd.to_datetime(["2025-03-10", None, "2025-02-01 08:30", None, "2025-01-01",
                              "2024-12-31"], format="ISO8601"),
    "Code": pd.Series(["0100", "100", "1e2", "abc", None, "-"], dtype="str"),
})


@pytest.mark.parametrize("definition", [
    Definition(criteria=[Criterion(field="Seats", op="in", values=["100"])]),
    Definition(criteria=[Criterion(field="Seats", op="not_in", values=["100", "250"])]),
    Definition(criteria=[Criterion(field="Seats", op="in", values=["99.5", "0"])]),
    Definition(criteria=[Criterion(field="Booked", op="is_true")]),
    Definition(actions=[Action(field="Booked", points=10)], threshold=10),
    Definition(criteria=[Criterion(field="Seats", op="in", values=["100"], role="nice",
                                   points=10),
                         Criterion(field="Code", op="in", values=["100"], role="nice",
                                   points=5)], threshold=5),
    Definition(criteria=[Criterion(field="Seats", op="not_in", values=["100"], role="nice",
                                   points=10),
                         Criterion(field="Code", op="not_in", values=["0100"], role="nice",
                                   points=5)], threshold=5),
], ids=["in", "not_in", "in-fraction", "is_true-date", "action-date", "number-and-text-in",
        "number-and-text-not_in"])
def test_untold_number_and_date_columns_read_as_in_the_app(definition):
    """Without types, DuckDB's number cells read as text '100.0' and its dates as
    '2025-03-10 00:00:00': the SQL still compares numbers and counts a date as done. A
    text column ("0100", "1e2") compares as text, as in the app (only a text cell with a
    decimal point, "100.0", would count as 100 there)."""
    connection = duckdb.connect()
    connection.register("leads", UNTOLD)
    got = connection.execute(f"SELECT lead_stage, lead_points FROM ({to_sql(definition)})").df()
    frame = evaluate(UNTOLD, definition).frame
    assert got["lead_stage"].tolist() == frame["stage"].tolist()
    assert got["lead_points"].astype(int).tolist() == frame["points"].tolist()


def test_a_table_holding_a_stage_already_gets_the_fresh_one_only():
    """A lead CSV imported back into the CRM holds lead_stage and lead_points: told the
    table's columns, the SELECT lists the others, and its own replace them."""
    table = pd.DataFrame({"industry": ["Software", "Retail"], "lead_stage": ["Not qualified",
                                                                             "SQL"],
                          "lead_points": [0, 40]})
    definition = Definition(criteria=[Criterion(field="industry", op="in", values=["Software"])])
    connection = duckdb.connect()
    connection.register("leads", table)
    sql = to_sql(definition, table_columns=list(table.columns))
    result = connection.execute(sql).df()
    assert result.columns.tolist() == ["industry", "lead_stage", "lead_points"]
    assert result["lead_stage"].tolist() == \
        evaluate(table, definition).frame["stage"].tolist() == ["SQL", "Not qualified"]
    assert to_sql(definition, table_columns=["industry"]).startswith("SELECT *,")
