"""The rules SQL works out "Existing customer" as the app does: a customer's lifecycle stage
(any case, accents and spacing, as a category value meets its option), unless the lead's own
deal was won (its outcome read from the deal stage's own words), on DuckDB and PostgreSQL.

The HubSpot-like export is written here with a fixed seed; each lead's stage is worked out in
the test with plain pandas and Python (casefold, NFKD and the app's won words read by `re`),
and the app, DuckDB and PostgreSQL must agree with it lead by lead. The demo's sample leads are
loaded as the CRM holds them (text columns) and run with the demo's own definition."""
from __future__ import annotations

import csv
import io
import random
import re
import unicodedata
from dataclasses import replace

import duckdb
import pandas as pd
import pytest

from workshop import demo, rules
from workshop.definition import Criterion, Definition
from workshop.evaluate import evaluate
from workshop.leads import (
    NOT_WON_STAGE,
    SAMPLE_LEADS_PATH,
    SAMPLE_MAPPING,
    WON_STAGE,
    load_sample_leads,
)
from workshop.mapping import Mapping, apply_mapping
from workshop.pipeline import import_leads

LIFECYCLES = ("customer", "Customer", "CUSTOMER", "  Customer ", "Cüstomer", "C.U.S.T.O.M.E.R",
              "lead", "Lead", "opportunity", "Opportunity", "Marketing Qualified Lead",
              "Customer;Lead", "Customers", "Kunde", "", "unknown", "Evangelist")
DEALS = ("closedwon", "Closed Won", "CLOSED WON", " closed won ", "closedlost", "Closed Lost",
         "appointmentscheduled", "qualifiedtobuy", "contractsent", "Won't proceed", "Not won",
         "", "Gewonnen", "Gagnée", "GAGNÉE", "contractsigned", "Closed - Signed", "Not signed",
         "Contrat signé", "To be signed", "Gesloten - Geconverteerd",
         "Gesloten - Niet geconverteerd", "Vunnen", "Nicht gewonnen", "Wygrana")


def _hubspot_export() -> bytes:
    rng = random.Random("existing-customer-34")
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["Record ID", "Email", "Lifecycle Stage", "Deal Stage", "Industry"])
    for i in range(300):
        lifecycle = LIFECYCLES[i % len(LIFECYCLES)] if i < 60 else rng.choice(LIFECYCLES)
        deal = DEALS[(i // len(LIFECYCLES)) % len(DEALS)] if i < 60 else rng.choice(DEALS)
        writer.writerow([str(1000 + i), f"p{i}@acme.com", lifecycle, deal,
                         rng.choice(["Software", "Retail"])])
    return out.getvalue().encode()


def _plain_customer(lifecycle: pd.Series, deal: pd.Series) -> list[bool]:
    """Independent reading: the stage folded (case, accents, punctuation, spaces) is
    'customer', and the trimmed, case-folded deal stage holds no won word."""
    def customer(value) -> bool:
        if not isinstance(value, str):
            return False
        folded = unicodedata.normalize("NFKD", value.casefold().replace("&", "and"))
        # HubSpot in German, French, Spanish, Dutch writes "Kunde", "Client", "Cliente", "Klant"
        return re.sub(r"[^0-9a-z]", "", folded) in ("customer", "kunde", "client", "cliente",
                                                    "klant")

    def won(value) -> bool:
        if not isinstance(value, str) or not value.strip():
            return False
        text = value.strip().casefold()
        return bool(re.search(WON_STAGE, text)) and not re.search(NOT_WON_STAGE, text)

    return [customer(c) and not won(d) for c, d in zip(lifecycle, deal, strict=True)]


def _definitions() -> dict[str, Definition]:
    software = Criterion(field="industry", op="in", values=["Software"], role="nice", points=10)
    return {
        "disqualifier": Definition(criteria=[
            Criterion(field="is_customer", op="is_true", role="disqualifier"), software],
            threshold=0),
        "must_have": Definition(criteria=[
            Criterion(field="is_customer", op="is_true", role="must", gate="sql"), software],
            threshold=0),
        "must_not_be": Definition(criteria=[
            Criterion(field="is_customer", op="is_false", role="must", gate="mql")],
            threshold=0),
    }


def _expected(kind: str, customer: list[bool], software: list[bool]) -> list[str]:
    if kind == "disqualifier":
        return ["Not qualified" if c else "SQL" for c in customer]
    if kind == "must_have":
        return ["SQL" if c else "MQL" for c in customer]
    return ["Not qualified" if c else "SQL" for c in customer]


def _hubspot_case():
    data = _hubspot_export()
    imported = import_leads(data, "hubspot-contacts.csv")
    # no outcome column chosen: the outcome is read from the deal stage's own words
    mapping = Mapping(columns=dict(imported.mapping.columns))
    leads = apply_mapping(imported.raw, mapping, imported.format.decimal)
    raw = pd.read_csv(io.BytesIO(data), dtype=str, keep_default_na=False)
    customer = _plain_customer(raw["Lifecycle Stage"], raw["Deal Stage"])
    software = (raw["Industry"] == "Software").tolist()
    return data, leads, mapping, customer, software


def _order(sql: str, key: str) -> str:
    return (f"SELECT lead_stage FROM ({sql.rstrip().rstrip(';')}) AS s "
            f'ORDER BY CAST("{key}" AS INTEGER)')


def test_the_export_holds_what_must_be_told_apart():
    _, leads, _, customer, _ = _hubspot_case()
    assert any(customer) and not all(customer)
    # customers whose own deal was won are no existing customers, in the app and the test
    assert leads["is_customer"].tolist() == customer
    won_customers = (leads["outcome"] == "won").fillna(False) \
        & leads["lifecycle_stage"].astype(str).str.casefold().eq("customer")
    assert won_customers.sum() >= 5


@pytest.mark.parametrize("kind", list(_definitions()))
def test_duckdb_works_out_existing_customers_as_the_app(kind, tmp_path):
    data, leads, mapping, customer, software = _hubspot_case()
    definition = _definitions()[kind]
    expected = _expected(kind, customer, software)
    assert evaluate(leads, definition).frame["stage"].astype(str).tolist() == expected
    sql = rules.definition_sql(definition, leads=leads, mapping=mapping).decode()
    assert '"Lifecycle Stage" and "Deal Stage": is_customer is worked out from them' in sql
    path = tmp_path / "hubspot.csv"
    path.write_bytes(data)
    stages = _duckdb_stages(path, sql)
    assert stages == expected


def _duckdb_stages(path, sql: str) -> list[str]:
    """Each lead's stage from `sql` run in DuckDB on the CSV at `path`, held as text, by
    Record ID."""
    connection = duckdb.connect()
    connection.execute(f"CREATE TABLE leads AS SELECT * FROM read_csv('{path}', "
                       "all_varchar = true)")
    return [row[0] for row in connection.execute(_order(sql, "Record ID")).fetchall()]


def _postgres_table(connection, data: bytes) -> None:
    headers = next(csv.reader(io.StringIO(data.decode())))
    connection.execute("DROP TABLE IF EXISTS leads")
    connection.execute("CREATE TABLE leads (" + ", ".join(f'"{h}" text' for h in headers) + ")")
    with connection.cursor() as cursor:
        with cursor.copy("COPY leads FROM STDIN WITH (FORMAT csv, HEADER true)") as copy:
            copy.write(data)


def test_postgresql_works_out_existing_customers_as_the_app(postgres_url):
    """A C-locale PostgreSQL lowers only A to Z: 'GAGNÉE' and 'Cüstomer' read as in the app."""
    import psycopg

    data, leads, mapping, customer, software = _hubspot_case()
    with psycopg.connect(postgres_url, autocommit=True) as connection:
        _postgres_table(connection, data)
        for kind, definition in _definitions().items():
            sql = rules.definition_sql(definition, leads=leads, mapping=mapping).decode()
            rows = connection.execute(_order(sql, "Record ID")).fetchall()
            assert [r[0] for r in rows] == _expected(kind, customer, software), kind


def _demo_case():
    """The demo's definition on the sample leads, but for its employees rule: the SQL reads a
    size bucket ('1,001-5,000') as no number where the app reads its middle."""
    leads = load_sample_leads()
    definition = demo.sales_draft()
    definition = Definition(criteria=[c for c in definition.criteria if c.field != "employees"],
                            actions=definition.actions, threshold=definition.threshold)
    mapping = Mapping(columns=dict(SAMPLE_MAPPING))
    sql = rules.definition_sql(definition, leads=leads, mapping=mapping).decode()
    app = evaluate(leads, definition).frame["stage"].astype(str)
    raw = pd.read_csv(SAMPLE_LEADS_PATH, dtype=str, keep_default_na=False)
    expected = dict(zip(raw["Record ID"], app, strict=True))
    # the plain reading says who is an existing customer; none of them qualifies
    customers = _plain_customer(raw["Lifecycle Stage"], raw["Deal Stage"])
    assert leads["is_customer"].tolist() == customers
    assert sum(customers) > 0
    assert all(expected[r] == "Not qualified"
               for r, c in zip(raw["Record ID"], customers, strict=True) if c)
    assert set(app) == {"SQL", "MQL", "Not qualified"}
    return sql, expected


def test_the_demo_definition_runs_on_the_sample_leads_in_duckdb():
    sql, expected = _demo_case()
    assert "cannot run" not in sql
    connection = duckdb.connect()
    connection.execute(f"CREATE TABLE leads AS SELECT * FROM read_csv('{SAMPLE_LEADS_PATH}', "
                       "all_varchar = true)")
    rows = connection.execute(f'SELECT "Record ID", lead_stage FROM '
                              f'({sql.rstrip().rstrip(";")}) AS s').fetchall()
    assert dict(rows) == expected


def test_the_demo_definition_runs_on_the_sample_leads_in_postgresql(postgres_url):
    import psycopg

    sql, expected = _demo_case()
    with psycopg.connect(postgres_url, autocommit=True) as connection:
        _postgres_table(connection, SAMPLE_LEADS_PATH.read_bytes())
        rows = connection.execute(f'SELECT "Record ID", lead_stage FROM '
                                  f'({sql.rstrip().rstrip(";")}) AS s').fetchall()
    assert dict(rows) == expected


def _refusals(sql: str) -> list[str]:
    assert "SELECT" not in sql
    return [line for line in sql.splitlines() if "cannot run the rule" in line]


def test_the_deal_stage_chosen_as_the_outcome_reads_as_its_own_words(tmp_path):
    """The automatic mapping chooses HubSpot's Deal Stage as the outcome, with the won values
    its own words say: the SQL runs, and agrees with the app lead by lead."""
    data = _hubspot_export()
    imported = import_leads(data, "hubspot-contacts.csv")
    assert imported.mapping.outcome_column == "Deal Stage"
    definition = _definitions()["disqualifier"]
    assert rules.sql_refusal(definition, imported.leads, imported.mapping) == ""
    sql = rules.definition_sql(definition, leads=imported.leads,
                               mapping=imported.mapping).decode()
    path = tmp_path / "hubspot.csv"
    path.write_bytes(data)
    stages = _duckdb_stages(path, sql)
    app = evaluate(imported.leads, definition).frame["stage"].astype(str).tolist()
    assert stages == app
    assert "Not qualified" in app and len(set(app)) > 1


def test_an_outcome_read_otherwise_than_the_stage_words_is_named_not_guessed():
    """The facilitator counted "contractsent" as won: the SQL, reading the stage's own words,
    would not, so it says so (on the page too) instead of counting differently."""
    data = _hubspot_export()
    automatic = import_leads(data, "hubspot-contacts.csv").mapping
    chosen = replace(automatic, won_values=[*automatic.won_values, "contractsent"],
                     open_values=[v for v in automatic.open_values if v != "contractsent"],
                     lost_values=[v for v in (automatic.lost_values or [])
                                  if v != "contractsent"])
    imported = import_leads(data, "hubspot-contacts.csv", chosen)
    definition = _definitions()["disqualifier"]
    sentence = ("The SQL cannot run the rule on “Existing customer”: the app works it out from "
                "the lifecycle stage and each lead's outcome, which it reads from “Deal Stage”, "
                "and the SQL reads that outcome only from the deal stage's own words.")
    sql = rules.definition_sql(definition, leads=imported.leads, mapping=chosen).decode()
    assert _refusals(sql) == [f"-- {sentence}"]
    assert "Columns it reads" not in sql and "is_customer" not in sql  # no query, no columns
    assert rules.sql_refusal(definition, imported.leads, chosen) == sentence
    untold = rules.definition_sql(definition, leads=imported.leads).decode()
    assert _refusals(untold) == [
        "-- The SQL cannot run the rule on “Existing customer”: the app works it out from the "
        "lifecycle stage and each lead's outcome, and the SQL is not told whether that outcome "
        "was read from the deal stage's own words."]
    duckdb.connect().execute(untold)  # comments only


def test_without_an_outcome_the_lifecycle_stage_alone_decides(tmp_path):
    """An export without deal stages: nobody's deal was won, and the SQL needs no mapping."""
    data = _hubspot_export()
    raw = pd.read_csv(io.BytesIO(data), dtype=str, keep_default_na=False)
    trimmed = raw.drop(columns=["Deal Stage"])
    data = trimmed.to_csv(index=False, lineterminator="\n").encode()
    imported = import_leads(data, "contacts.csv")
    # the automatic mapping reads the outcome from the lifecycle stage; here nobody chose one
    leads = apply_mapping(imported.raw, Mapping(columns=dict(imported.mapping.columns)))
    assert "outcome" not in leads.columns
    definition = _definitions()["disqualifier"]
    customer = _plain_customer(raw["Lifecycle Stage"], pd.Series([""] * len(raw)))
    expected = _expected("disqualifier", customer, [])
    assert evaluate(leads, definition).frame["stage"].astype(str).tolist() == expected
    sql = rules.definition_sql(definition, leads=leads).decode()
    assert '"Lifecycle Stage": is_customer is worked out from it' in sql
    path = tmp_path / "contacts.csv"
    path.write_bytes(data)
    assert _duckdb_stages(path, sql) == expected


def test_the_command_line_runs_existing_customers_on_the_export_it_is_given(tmp_path, capsys):
    """`python -m workshop export --format sql --leads`: the export's automatic mapping goes
    with its leads, so the SQL works the rule out as the step 4 download does."""
    from workshop.cli import main

    data = _hubspot_export()
    (tmp_path / "hubspot.csv").write_bytes(data)
    definition = _definitions()["disqualifier"]
    (tmp_path / "definition.json").write_text(definition.to_json())
    out = tmp_path / "rules.sql"
    code = main(["export", "--format", "sql", "--definition", str(tmp_path / "definition.json"),
                 "--leads", str(tmp_path / "hubspot.csv"), "--out", str(out)])
    assert code == 0, capsys.readouterr().err
    stages = _duckdb_stages(tmp_path / "hubspot.csv", out.read_text())
    leads = import_leads(data, "hubspot.csv").leads
    assert stages == evaluate(leads, definition).frame["stage"].astype(str).tolist()
