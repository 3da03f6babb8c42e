"""Grades keep their minus: Pardot's "A-" is not "A", nor a rating's "BBB-" "BBB".

Rules compare values with spaces, `_` and `-` left out ("Tier-1" is "Tier 1"), which made
"A-" the same value as "A": a rule naming "A" caught every A- lead too, and the form listed
the two as one. The expected figures are plain pandas over the file as written."""
from __future__ import annotations

import io
import random

import pandas as pd
import pytest

from tests.rules_in_duckdb import sql_stages
from workshop import rules
from workshop.definition import Criterion, Definition
from workshop.evaluate import evaluate, fold, fold_value
from workshop.lead_values import other_columns
from workshop.pipeline import import_leads
from workshop.sql import to_sql

GRADES = ["A+", "A", "A-", "B+", "B", "B-", "C+", "C", "C-", "D", "F"]


def pardot_export(rows: int = 1_100, seed: int = 3) -> str:
    rng = random.Random(seed)
    lines = ["Prospect Id,Email,Company,Score,Grade,Tier,Opted Out,Opportunity Stage"]
    for n in range(rows):
        grade = GRADES[n % len(GRADES)]
        tier = rng.choice(["Tier-1", "Tier 1", "tier_2", "Tier 3"])
        stage = rng.choice(["", "", "Closed Won", "Closed Lost", "Negotiation"])
        lines.append(f"{9000 + n},p{n}@corp{n}.com,Corp {n},{rng.randint(0, 300)},{grade},"
                     f"{tier},{rng.choice(['0', '1'])},{stage}")
    return "\n".join(lines) + "\n"


def written() -> pd.DataFrame:
    return pd.read_csv(io.StringIO(pardot_export()), dtype=str, keep_default_na=False)


def grade_rule(op: str, values: list[str]) -> Definition:
    return Definition(criteria=[Criterion(field="Grade", op=op, values=values)])


RULES = [("in", ["A"]), ("in", ["A-"]), ("in", ["B", "B+"]), ("in", ["a-", "b-"]),
         ("not_in", ["A"]), ("not_in", ["C-", "F"])]


def expected(frame: pd.DataFrame, op: str, values: list[str]) -> list[bool]:
    named = frame["Grade"].str.upper().isin([v.upper() for v in values])
    return (named if op == "in" else ~named).tolist()


@pytest.mark.parametrize("op, values", RULES)
def test_a_rule_naming_a_grade_takes_that_grade_alone(op, values):
    imported = import_leads(pardot_export().encode(), "prospects.csv")
    qualified = evaluate(imported.leads, grade_rule(op, values)).frame["is_mql"].tolist()
    assert qualified == expected(written(), op, values)
    assert 0 < sum(qualified) < len(qualified)


@pytest.mark.parametrize("op, values", RULES)
def test_the_rules_sql_takes_the_same_grades(tmp_path, op, values):
    text = pardot_export()
    imported = import_leads(text.encode(), "prospects.csv")
    path = tmp_path / "prospects.csv"
    path.write_text(text)
    definition = grade_rule(op, values)
    sql = rules.definition_sql(definition, leads=imported.leads,
                               mapping=imported.mapping).decode()
    stages = sql_stages(path, sql, 'CAST("Prospect Id" AS INTEGER)')
    assert [stage != "Not qualified" for stage in stages] == expected(written(), op, values)


def test_the_rules_sql_takes_the_same_grades_on_postgresql(postgres_url):
    import psycopg

    frame = written()
    with psycopg.connect(postgres_url, autocommit=True) as connection:
        connection.execute("DROP TABLE IF EXISTS leads")
        connection.execute('CREATE TABLE leads (n integer, "Grade" text)')
        with connection.cursor() as cursor:
            cursor.executemany("INSERT INTO leads VALUES (%s, %s)",
                               list(enumerate([*frame["Grade"], " a- ", "b-"])))
        for op, values in RULES:
            rows = connection.execute(f"SELECT lead_stage FROM ({to_sql(grade_rule(op, values))})"
                                      " AS s ORDER BY n").fetchall()
            grades = pd.Series([*frame["Grade"], "A-", "B-"])
            named = grades.str.upper().isin([v.upper() for v in values])
            assert [r[0] != "Not qualified" for r in rows] == (
                named if op == "in" else ~named).tolist()


def test_the_form_lists_each_grade_apart():
    imported = import_leads(pardot_export().encode(), "prospects.csv")
    listed = other_columns(imported.leads)["Grade"]
    counts = dict(zip(listed.values, listed.counts, strict=True))
    assert counts == written()["Grade"].value_counts().to_dict()


def test_separators_still_fold_between_words():
    """Only a grade keeps its '-': "Tier-1", "Tier 1" and "tier_1" stay one value, and a
    placeholder dash is still nothing."""
    values = pd.Series(["Tier-1", "Tier 1", "tier_1", "Non-profit", "A-", " b- ", "AAA-",
                        "ABCD-", "-", "--None--", "A+"])
    assert fold(values).tolist() == ["tier1", "tier1", "tier1", "nonprofit", "a-", "b-",
                                     "aaa-", "abcd", "", "none", "a+"]
    assert [fold_value(v) for v in values] == fold(values).tolist()
    imported = import_leads(pardot_export().encode(), "prospects.csv")
    tier = Definition(criteria=[Criterion(field="Tier", op="in", values=["Tier 1"])])
    assert evaluate(imported.leads, tier).frame["is_mql"].tolist() == (
        written()["Tier"].isin(["Tier-1", "Tier 1"]).tolist())
