"""The Turkish capital "İ" in a rule and in the leads: the app and the rules SQL agree.

Python's casefold() made "İnşaat" "i" plus a combining dot, which the databases' lower() never
writes: the SQL marked every İnşaat, İstanbul and İlaç lead Not qualified while the app
qualified it, and the app itself missed "inşaat" typed in lower case. Checked lead by lead in
DuckDB and PostgreSQL."""
from __future__ import annotations

import duckdb

from tests.builders import C, D
from workshop import rules
from workshop.evaluate import evaluate, fold_value
from workshop.pipeline import import_leads

CELLS = ["İNŞAAT", "İnşaat", "inşaat", "Inşaat", "Gıda", "İstanbul", "ISTANBUL", "STRASSE",
         "Straße", "İlaç Lojistik"]
# "Industry is one of İnşaat, İstanbul, Straße", case ignored: "İ" is "i" as in Turkish, and
# "I" is "i" too, as in every other language and in the databases' lower().
WANTED = [True, True, True, True, False, True, True, True, True, False]
RULE = D(C("industry", values=["İnşaat", "İstanbul", "Straße"]))
# A C-locale PostgreSQL (the test server's) lowers only A to Z: "Ş" in capitals stays, so a
# cell holding one is left out of its check; an en_US or ICU locale lowers it too.
C_LOCALE_CELLS = [i for i, cell in enumerate(CELLS) if "Ş" not in cell]


def _export() -> str:
    return "Company,Industry\n" + "".join(f"F{i},{cell}\n" for i, cell in enumerate(CELLS))


def test_the_app_reads_the_capital_i_as_lower_case_i():
    assert fold_value("İnşaat") == fold_value("inşaat") == "inşaat"
    leads = import_leads(_export().encode(), "firmalar.csv").leads
    assert evaluate(leads, RULE).frame["is_mql"].tolist() == WANTED


def _sql_stages(execute) -> list[bool]:
    imported = import_leads(_export().encode(), "firmalar.csv")
    sql = rules.definition_sql(RULE, leads=imported.leads, mapping=imported.mapping).decode()
    rows = execute(f"SELECT lead_stage FROM ({sql.rstrip().rstrip(';')}) AS s "
                   "ORDER BY CAST(substr(\"Company\", 2) AS INTEGER)")
    return [stage != "Not qualified" for (stage,) in rows]


def test_the_rules_sql_agrees_in_duckdb(tmp_path):
    path = tmp_path / "firmalar.csv"
    path.write_text(_export(), "utf-8")
    connection = duckdb.connect()
    connection.execute(f"CREATE TABLE leads AS SELECT * FROM read_csv('{path}', "
                       "all_varchar = true)")
    assert _sql_stages(lambda q: connection.execute(q).fetchall()) == WANTED


def test_the_rules_sql_agrees_in_postgresql(postgres_url):
    import psycopg

    with psycopg.connect(postgres_url, autocommit=True) as connection:
        connection.execute("DROP TABLE IF EXISTS leads")
        connection.execute('CREATE TABLE leads ("Company" text, "Industry" text)')
        with connection.cursor() as cursor:
            cursor.executemany("INSERT INTO leads VALUES (%s, %s)",
                               [(f"F{i}", cell) for i, cell in enumerate(CELLS)])
        got = _sql_stages(lambda q: connection.execute(q).fetchall())
        assert [got[i] for i in C_LOCALE_CELLS] == [WANTED[i] for i in C_LOCALE_CELLS]
