"""The rules SQL on the CRM's own table when the definition names a field the app works out
itself: the job function and seniority from the job title, the personal e-mail from the address,
the created month from the created date. The export has no such column, so the SQL works each
out from the title, the address or the date as the app does, on DuckDB and PostgreSQL alike.

Each export is written here with a fixed seed, as a Zoho CRM writes one (titles in several
languages and scripts, addresses at free-mail and company domains, placeholders); each lead's
stage and points are worked out in the test with plain Python (the app's own keyword rules and
free-mail list read by Python's `re` and `str.casefold`), and the app, DuckDB and PostgreSQL
must all agree with them lead by lead."""
from __future__ import annotations

import csv
import io
import random
import re
import unicodedata

import duckdb
import pandas as pd
import pytest

from workshop import rules
from workshop.column_types import PLACEHOLDERS
from workshop.definition import Action, Criterion, Definition
from workshop.evaluate import evaluate
from workshop.leads import (
    FREE_EMAIL_DOMAINS,
    FREE_EMAIL_PROVIDERS,
    FUNCTION_RULES,
    SENIORITY_RULES,
    STUDENT_ONLY,
)
from workshop.pipeline import import_leads

ROWS = 240
TITLES = (
    "Chief Financial Officer", "CFO", "VP Sales", "Vice President of Marketing", "Head of IT",
    "Director of Engineering", "Finance Manager", "Senior Accountant", "Software Engineer",
    "Marketing Coordinator", "Executive Assistant to the CEO", "Product Owner", "Student",
    "Accounting Student", "Intern", "Geschäftsführer",
    unicodedata.normalize("NFD", "Geschäftsführer"), "GESCHÄFTSFÜHRER", "Leiterin Einkauf",
    "Teamleiter Vertrieb", "Directeur Général", "DIRECTRICE GÉNÉRALE", "Responsable des achats",
    "Jefe de Ventas", "Gerente General", "代表取締役社長", "営業部長",
    "マーケティング マネージャー", "销售总监", "首席财务官", "대표이사", "영업 팀장",
    unicodedata.normalize("NFD", "영업 팀장"), "Генеральный директор", "ГЕНЕРАЛЬНЫЙ ДИРЕКТОР",
    "Менеджер по продажам", "\ufb01nance director", "Co-Founder & CEO", "Owner", "Data Analyst",
    "エンジニア", "-None-", "", "  Head of Procurement  ",
    "n/a", "VP, Finance", "Treasurer", "HR Business Partner", "Buyer", "Ops Lead", "Presidente",
    "Président-directeur général", "Amministratore Delegato", "Sr. Mgr. IT",
    "Werkstudent Marketing", "Stagiaire", "Becario", "CHIEF TECHNOLOGY OFFICER", "Straßenbauleiter",
    "Head of Sales\u00a0", "Assistant Controller", "Accounts Payable Clerk",
)
DOMAINS = ("gmail.com", "Yahoo.co.uk", "hotmail.de", "outlook.fr", "GMX.AT", "web.de",
           "t-online.de", "yahoo.com.br", "firma.de", "acme.com", "company.co.uk",
           "mygmail.com", "gmail.com.example.org", "protonmail.ch")
CRITERION_MONTHS = ["2025-03", "2025-04"]


def _zoho_export() -> bytes:
    """A Zoho CRM lead export: day-first dates with a time, '-None-' for fields left empty."""
    rng = random.Random("zoho-derived-33")
    out = io.StringIO()
    writer = csv.writer(out, quoting=csv.QUOTE_ALL, lineterminator="\n")
    writer.writerow(["Record Id", "First Name", "Last Name", "Title", "Email", "Lead Source",
                     "Created Time"])
    for i in range(ROWS):
        title = TITLES[i % len(TITLES)] if i < len(TITLES) else rng.choice(TITLES)
        domain = rng.choice(DOMAINS)
        address = f"lead{i}@{domain}"
        shape = rng.random()
        if shape < 0.08:
            address = f"Lead {i} <{address}>"
        elif shape < 0.14:
            address = address.upper() + " "
        elif shape < 0.2:
            address = rng.choice(["", "-None-"])
        day, month = rng.randint(1, 28), rng.randint(1, 6)
        hour = rng.randint(8, 18)
        created = "" if rng.random() < 0.05 else f"{day:02d}/{month:02d}/2025 {hour}:05"
        writer.writerow([f"zcrm_{4876000000000 + i}", "Anna", f"Muster{i}", title, address,
                         rng.choice(["Trade Show", "Web Form", "-None-"]), created])
    return out.getvalue().encode()


# --- the test's own reading, in plain Python ---------------------------------------------------

def _blank(cell: str) -> bool:
    return cell.strip() == "" or cell.strip().lower() in PLACEHOLDERS


def _classified(title: str, conditions: list[tuple[str, str]], default: str) -> str | None:
    if _blank(title):
        return None
    folded = unicodedata.normalize("NFC", title.strip()).casefold()
    for pattern, value in conditions:
        if re.search(pattern, folded, re.ASCII):  # Arrow's \b and \s are ASCII ones
            return value
    return default if re.search("[a-z\u00c0-\u024f]", folded) else None


def _seniority(title: str) -> str | None:
    return _classified(title, [(p, v) for v, p in SENIORITY_RULES], "Individual contributor")


def _function(title: str) -> str | None:
    conditions = [(STUDENT_ONLY, "Other"), *((p, v) for v, p in FUNCTION_RULES)]
    return _classified(title, conditions, "Other")


def _personal(address: str) -> bool:
    text = address.strip().rstrip(">").strip()
    if "@" not in text:
        return False
    domain = text.rsplit("@", 1)[1].lower()
    providers = "|".join(FREE_EMAIL_PROVIDERS)
    return domain in FREE_EMAIL_DOMAINS or bool(
        re.fullmatch(rf"(?:{providers})\.[a-z]{{2,3}}(?:\.[a-z]{{2}})?", domain))


def _month(created: str) -> str | None:
    if _blank(created):
        return None
    day, month, year = created.split(" ")[0].split("/")
    return f"{year}-{month}"


def _plain(data: bytes) -> pd.DataFrame:
    raw = pd.read_csv(io.BytesIO(data), dtype=str, keep_default_na=False)
    return pd.DataFrame({
        "seniority": raw["Title"].map(_seniority),
        "function": raw["Title"].map(_function),
        "personal": raw["Email"].map(_personal),
        "month": raw["Created Time"].map(_month),
    })


def _must_have_definition() -> Definition:
    """Seniority a must-have, the function a nice-to-have and the SQL gate, a personal address
    a disqualifier and an action."""
    return Definition(criteria=[
        Criterion(field="seniority", op="in", values=["C-level", "VP", "Director"]),
        Criterion(field="job_function", op="in", values=["Finance"], role="nice", points=20),
        Criterion(field="personal_email", op="is_true", role="disqualifier"),
        Criterion(field="job_function", op="in", values=["Finance", "Executive", "Sales"],
                  gate="sql"),
    ], actions=[Action(field="personal_email", points=5)], threshold=0)


def _expected_must_have(plain: pd.DataFrame) -> tuple[list[str], list[int]]:
    stages, points = [], []
    for row in plain.itertuples():
        score = (20 if row.function == "Finance" else 0) + (5 if row.personal else 0)
        mql = not row.personal and row.seniority in ("C-level", "VP", "Director")
        sql = mql and row.function in ("Finance", "Executive", "Sales")
        stages.append("SQL" if sql else "MQL" if mql else "Not qualified")
        points.append(score)
    return stages, points


def _points_definition() -> Definition:
    """The created month a must-have, seniority and a company address points, students out,
    a function other than Other the SQL gate."""
    return Definition(criteria=[
        Criterion(field="created_month", op="in", values=CRITERION_MONTHS),
        Criterion(field="seniority", op="in", values=["Manager"], role="nice", points=10),
        Criterion(field="personal_email", op="is_false", role="nice", points=10),
        Criterion(field="seniority", op="in", values=["Student"], role="disqualifier"),
        Criterion(field="job_function", op="not_in", values=["Other"], gate="sql"),
    ], threshold=10)


def _expected_points(plain: pd.DataFrame) -> tuple[list[str], list[int]]:
    stages, points = [], []
    for row in plain.itertuples():
        score = (10 if row.seniority == "Manager" else 0) + (0 if row.personal else 10)
        mql = row.seniority != "Student" and row.month in CRITERION_MONTHS and score >= 10
        # an unknown function is not "not Other"
        sql = mql and not pd.isna(row.function) and row.function != "Other"
        stages.append("SQL" if sql else "MQL" if mql else "Not qualified")
        points.append(score)
    return stages, points


CASES = [(_must_have_definition, _expected_must_have), (_points_definition, _expected_points)]


def _case(make, expect):
    data = _zoho_export()
    imported = import_leads(data, "Leads_2025.csv")
    definition = make()
    expected = expect(_plain(data))
    app = evaluate(imported.leads, definition).frame
    # the app reads the titles, addresses and dates as the test's own reading does
    assert app["stage"].astype(str).tolist() == expected[0]
    assert app["points"].tolist() == expected[1]
    assert {"SQL", "MQL", "Not qualified"} <= set(expected[0])
    sql = rules.definition_sql(definition, leads=imported.leads).decode()
    return data, sql, expected


def _order(sql: str) -> str:
    return (f"SELECT lead_stage, lead_points FROM ({sql.rstrip().rstrip(';')}) AS s "
            f'ORDER BY "Record Id"')


def test_the_plain_reading_sees_every_kind_of_title_and_address():
    """The export holds what the rules must tell apart, so the comparisons below mean something."""
    plain = _plain(_zoho_export())
    assert {"C-level", "VP", "Director", "Manager", "Student", "Individual contributor"} \
        <= set(plain["seniority"].dropna())
    assert plain["seniority"].isna().any()  # blank titles and a Japanese one naming no rank
    assert {"Finance", "Sales", "Executive", "Other"} <= set(plain["function"].dropna())
    assert plain["personal"].any() and not plain["personal"].all()
    assert plain["month"].isin(CRITERION_MONTHS).any()


@pytest.mark.parametrize(("make", "expect"), CASES, ids=["must_have", "points"])
def test_duckdb_works_out_the_derived_fields_as_the_app(make, expect, tmp_path):
    data, sql, (stages, points) = _case(make, expect)
    path = tmp_path / "Leads_2025.csv"
    path.write_bytes(data)
    connection = duckdb.connect()
    connection.execute(f"CREATE TABLE leads AS SELECT * FROM read_csv('{path}', "
                       "all_varchar = true)")
    rows = connection.execute(_order(sql)).fetchall()
    assert [r[0] for r in rows] == stages
    assert [int(r[1]) for r in rows] == points


@pytest.mark.parametrize(("make", "expect"), CASES, ids=["must_have", "points"])
def test_the_sql_reads_the_source_columns_not_the_derived_names(make, expect):
    _, sql, _ = _case(make, expect)
    header = [line for line in sql.splitlines() if line.startswith("--")]
    listed = "\n".join(header)
    assert '"Title": seniority is worked out from it' in listed
    for name in ('"seniority"', '"job_function"', '"personal_email"', '"created_month"'):
        assert name not in sql


def test_postgresql_works_out_the_derived_fields_as_the_app(postgres_url):
    """A C-locale PostgreSQL lowers only A to Z: 'ГЕНЕРАЛЬНЫЙ ДИРЕКТОР' and 'GESCHÄFTSFÜHRER'
    still read as the app reads them."""
    import psycopg

    with psycopg.connect(postgres_url, autocommit=True) as connection:
        for make, expect in CASES:
            data, sql, (stages, points) = _case(make, expect)
            headers = next(csv.reader(io.StringIO(data.decode())))
            connection.execute("DROP TABLE IF EXISTS leads")
            connection.execute("CREATE TABLE leads ("
                               + ", ".join(f'"{h}" text' for h in headers) + ")")
            with connection.cursor() as cursor:
                with cursor.copy("COPY leads FROM STDIN WITH (FORMAT csv, HEADER true)") as copy:
                    copy.write(data)
            rows = connection.execute(_order(sql)).fetchall()
            assert [r[0] for r in rows] == stages, make.__name__
            assert [int(r[1]) for r in rows] == points, make.__name__


def _hubspot_export() -> tuple[bytes, list[str]]:
    """A HubSpot export carrying its own seniority, which disagrees with the titles."""
    rng = random.Random("hubspot-derived-33")
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["Record ID", "Email", "Job Title", "Seniority"])
    given = []
    for i in range(120):
        seniority = rng.choice(["executive", "director", "manager", "employee", ""])
        given.append(seniority)
        writer.writerow([str(1000 + i), f"p{i}@{rng.choice(DOMAINS)}",
                         rng.choice(TITLES), seniority])
    return out.getvalue().encode(), given


def test_an_exports_own_seniority_column_is_read_as_it_is(tmp_path):
    data, given = _hubspot_export()
    imported = import_leads(data, "hubspot-contacts.csv")
    definition = Definition(criteria=[
        Criterion(field="seniority", op="is_known"),
    ], threshold=0)
    app = evaluate(imported.leads, definition).frame
    expected = ["SQL" if cell else "Not qualified" for cell in given]
    assert app["stage"].astype(str).tolist() == expected
    sql = rules.definition_sql(definition, leads=imported.leads).decode()
    assert '"Seniority"' in sql and '"Job Title"' not in sql
    path = tmp_path / "hubspot-contacts.csv"
    path.write_bytes(data)
    connection = duckdb.connect()
    connection.execute(f"CREATE TABLE leads AS SELECT * FROM read_csv('{path}', "
                       "all_varchar = true)")
    rows = connection.execute(
        f'SELECT lead_stage FROM ({sql.rstrip().rstrip(";")}) AS s '
        'ORDER BY CAST("Record ID" AS INTEGER)').fetchall()
    assert [r[0] for r in rows] == expected


def test_a_field_the_sql_cannot_work_out_is_named_not_run(tmp_path):
    """Existing customers are read from the lifecycle stage and the deals' outcome, which the
    SQL is not told how the app read: the file says in one sentence that it cannot run that
    rule, and holds no query that would fail."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["Record ID", "Email", "Lifecycle Stage", "Deal Stage"])
    rng = random.Random("customers-33")
    for i in range(60):
        writer.writerow([str(i), f"c{i}@acme.com", rng.choice(["Lead", "Customer"]),
                         rng.choice(["Closed Won", "Closed Lost", ""])])
    imported = import_leads(out.getvalue().encode(), "contacts.csv")
    assert "is_customer" in imported.leads.columns
    definition = Definition(criteria=[
        Criterion(field="is_customer", op="is_true", role="disqualifier"),
        Criterion(field="personal_email", op="is_true", role="disqualifier"),
    ], threshold=0)
    sql = rules.definition_sql(definition, leads=imported.leads).decode()
    assert "SELECT" not in sql
    refusals = [line for line in sql.splitlines() if "cannot run the rule" in line]
    assert refusals == ["-- The SQL cannot run the rule on “Existing customer”: the app works it "
                        "out from the lifecycle stage and each lead's outcome, and the SQL is not "
                        "told whether that outcome was read from the deal stage's own words."]
    assert all(line.startswith("--") for line in sql.splitlines() if line.strip())
    path = tmp_path / "refused.sql"
    path.write_text(sql)
    duckdb.connect().execute(sql)  # comments only: nothing runs, nothing fails
