"""The operator registry (workshop/operators.py): every renderer covers every operator.

For each operator in the registry, on every kind of column a real export has (text with
placeholder words and snake_case, numbers held as text, yes/no words, a date, a number): the
sentence, the points table, the form (its label, and a round trip through its widgets), the JSON
round trip, and the leads it matches in pandas, in DuckDB and in PostgreSQL — the same leads in
all three."""
from __future__ import annotations

import duckdb
import pandas as pd
import pytest

from tests.test_sql import MESSY, load_messy_into
from workshop import operators, rules
from workshop.definition import Criterion, Definition, DefinitionError
from workshop.evaluate import criterion_mask
from workshop.lead_values import OtherColumn
from workshop.operators import OPERATORS, Operator
from workshop.sql import SqlWriter, types_of
from workshop.ui.definition_form import OTHER_OPS, _add_other, _ops_for

VALUES = {"origin": ["Organic search", "unknown", "paid"], "score": ["80", "72"],
          "newsletter": ["Yes", "x"], "demo_booked_at": ["2025-07-01", "2025-06"],
          "employees": ["250", "40"]}
COLUMNS = list(VALUES)


def criterion(name: str, column: str) -> Criterion:
    takes = OPERATORS[name]
    if takes.takes == "values":
        return Criterion(field=column, op=name, values=VALUES[column])
    if takes.takes == "range":
        return Criterion(field=column, op=name, low=40 if takes.uses_low else None,
                         high=250 if takes.uses_high else None)
    if takes.takes == "days":
        return Criterion(field=column, op=name, days=40)
    return Criterion(field=column, op=name)


CASES = [(name, column) for name in OPERATORS for column in COLUMNS]


def sql_matches(connection, c: Criterion) -> list[bool]:
    condition = SqlWriter(types=types_of(MESSY)).condition(c)
    rows = connection.execute(f"SELECT {condition} FROM leads ORDER BY n").fetchall()
    return [bool(r[0]) for r in rows]


@pytest.fixture(scope="module")
def duck():
    connection = duckdb.connect()
    connection.register("leads", MESSY.assign(n=range(len(MESSY))))
    yield connection
    connection.close()


@pytest.mark.parametrize(("name", "column"), CASES)
def test_pandas_and_duckdb_match_the_same_leads(duck, name, column):
    c = criterion(name, column)
    expected = criterion_mask(MESSY, c).tolist()
    assert sql_matches(duck, c) == expected


def test_pandas_and_postgresql_match_the_same_leads(postgres_url):
    import psycopg

    with psycopg.connect(postgres_url, autocommit=True) as connection:
        load_messy_into(connection)
        for name, column in CASES:
            c = criterion(name, column)
            assert sql_matches(connection, c) == criterion_mask(MESSY, c).tolist(), \
                (name, column)


def test_every_operator_matches_something_and_not_everything_somewhere():
    """A mask that silently matched nothing (or everything) everywhere would pass the
    agreement tests above; each operator must tell leads apart on some column."""
    for name in OPERATORS:
        telling = [column for column in COLUMNS
                   if 0 < criterion_mask(MESSY, criterion(name, column)).sum() < len(MESSY)]
        assert telling, name


@pytest.mark.parametrize("name", list(OPERATORS))
def test_every_operator_has_a_sentence_a_points_cell_a_form_label_and_json(name):
    c = criterion(name, {"range": "employees", "days": "demo_booked_at"}.get(
        OPERATORS[name].takes, "origin"))
    others = {other: criterion(other, c.field).sentence() for other in OPERATORS
              if other != name and OPERATORS[other].takes == OPERATORS[name].takes}
    assert c.sentence() and c.sentence() not in others.values()  # says which operator
    assert rules._condition(c).startswith(name)
    assert OTHER_OPS[name] == OPERATORS[name].label
    definition = Definition(criteria=[c])
    assert Definition.from_json(definition.to_json()) == definition


KINDS = {"origin": OtherColumn(number=False, values=tuple(VALUES["origin"])),
         "score": OtherColumn(number=False), "newsletter": OtherColumn(number=False),
         "demo_booked_at": OtherColumn(number=False, date=True),
         "employees": OtherColumn(number=True)}


@pytest.mark.parametrize("name", list(OPERATORS))
def test_every_operator_goes_through_the_form_and_back(name):
    """The form's "Other signals" row offers the operator for a column of some kind, edits
    what it takes with the widget its kind asks for, and saves exactly that criterion."""
    import streamlit as st

    from tests.test_definition_form import Drafts, P

    offered = [column for column, kind in KINDS.items() if name in _ops_for(kind)]
    assert offered, f"the form offers {name} on no kind of column"
    expected = criterion(name, offered[0]).model_copy(
        update={"role": "nice", "points": 15, "question": "other"})
    widgets = {"values": {"values": expected.values},
               "range": {"low": expected.low, "high": expected.high},
               "days": {"days": expected.days}, "nothing": {}}[OPERATORS[name].takes]
    st.session_state.clear()
    try:
        drafts = Drafts(Definition())
        st.session_state[f"{P}:revision"] = {"revision": 3}
        st.session_state.update({f"{P}:other:{part}": value for part, value in {
            "column": expected.field, "op": name, "role": "nice", "points": 15,
            **widgets}.items()})
        _add_other(P, drafts.load, drafts.save)
        assert drafts.definition.criteria_for("other") == [expected]
        assert Definition.from_json(drafts.definition.to_json()) == drafts.definition
    finally:
        st.session_state.clear()


def test_every_operator_reaches_the_one_pager_and_the_points_table():
    """They read the criteria's sentences and points cells: a criterion of every operator, in
    every role, is printed on the wall and configured in the CRM."""
    import html

    from workshop import export
    from workshop.text import md_inline

    roles = [{"role": "must"}, {"role": "must", "gate": "sql"}, {"role": "nice", "points": 5},
             {"role": "disqualifier"}]
    criteria = [criterion(name, column).model_copy(update=role)
                for name in OPERATORS for column in COLUMNS[:1] + COLUMNS[3:4]
                for role in roles]
    definition = Definition(criteria=criteria, threshold=5)
    page = export.one_pager(definition, company="Acme", title="Ideal lead", facilitator="Ana",
                            agreed_by=[], agreed_at=None)
    markdown, page_html = export.to_markdown(page), export.to_html(page)
    rows = rules.points_rows(definition)
    assert len(rows) == len(criteria) + 1  # and the threshold
    for c, row in zip(criteria, rows, strict=False):
        assert md_inline(c.sentence()) in markdown, c  # a colon escaped, as every user text
        assert html.escape(c.sentence(), quote=False) in page_html, c
        assert (row["criterion"], row["condition"]) == (c.sentence(), rules._condition(c))


def test_bounds_are_read_through_the_operator():
    wide = Criterion(field="employees", op="at_least", low=40, high=250)  # high unused
    assert (wide.lower, wide.upper) == (40, None)
    assert "250" not in wide.sentence()
    assert Criterion(field="employees", op="between", low=40, high=250).upper == 250


def test_an_operator_no_one_knows_is_refused_when_the_definition_is_read():
    with pytest.raises(DefinitionError, match="There is no operator 'is_maybe'"):
        Definition.from_json('{"criteria": [{"field": "x", "op": "is_maybe"}]}')


def test_an_operator_missing_a_meaning_says_so_instead_of_matching_nothing():
    half_done = Operator("is_half", "is half done", "nothing")
    with pytest.raises(NotImplementedError):
        half_done.sentence("Industry", criterion("is_true", "origin"), "")
    with pytest.raises(NotImplementedError):
        half_done.sql(None, criterion("is_true", "origin"))


def test_one_list_of_yes_and_no_words():
    from workshop import leads, sql

    assert leads.TRUE_WORDS is operators.TRUE_WORDS and sql.TRUE_WORDS is operators.TRUE_WORDS
    assert not set(operators.TRUE_WORDS) & set(operators.FALSE_WORDS)


def random_definition(seed: int) -> Definition:
    """A definition using every operator of the registry, in random roles and columns."""
    import random

    rng = random.Random(seed)
    roles = [{"role": "must", "gate": "mql"}, {"role": "must", "gate": "sql"},
             {"role": "nice", "points": 10}, {"role": "nice", "points": 25},
             {"role": "disqualifier"}]
    criteria = []
    for name in OPERATORS:
        c = criterion(name, rng.choice(COLUMNS))
        criteria.append(c.model_copy(update=rng.choice(roles)))
    picked = rng.sample(criteria, rng.randint(2, 5))
    return Definition(criteria=picked, threshold=rng.choice([0, 10, 20]))


@pytest.mark.parametrize("seed", range(25))
def test_random_definitions_of_every_operator_agree_in_duckdb(seed):
    from tests.test_sql import assert_same

    assert_same(MESSY, random_definition(seed))


def test_random_definitions_of_every_operator_agree_in_postgresql(postgres_url):
    import psycopg

    from workshop.evaluate import evaluate
    from workshop.sql import to_sql

    with psycopg.connect(postgres_url, autocommit=True) as connection:
        load_messy_into(connection)
        for seed in range(10):
            definition = random_definition(seed)
            rows = connection.execute(
                f"SELECT lead_stage, lead_points FROM ({to_sql(definition, types=types_of(MESSY))}"
                f") AS s ORDER BY n").fetchall()
            expected = evaluate(MESSY, definition).frame
            assert [r[0] for r in rows] == expected["stage"].tolist(), seed
            assert [int(r[1]) for r in rows] == expected["points"].tolist(), seed


YES_NO = pd.DataFrame({"n": range(5),
                       "is_customer": [True, False, True, False, True],
                       "newsletter": pd.array([True, False, None, True, False], dtype="boolean")})


@pytest.mark.parametrize("values", [["true"], ["True"], ["Yes"], ["ja"], ["1"], ["false"],
                                    ["No"], ["0"], ["true", "false"]])
@pytest.mark.parametrize("op", ["in", "not_in"])
@pytest.mark.parametrize("column", ["is_customer", "newsletter"])
def test_one_of_on_a_yes_no_column_reads_yes_no_words(column, op, values):
    """"is one of True" on a column of booleans matches its yes leads (the form offers the
    values as True / False; Yes, Ja and 1 say the same), in pandas and in DuckDB alike; a
    lead with no value is neither one of them nor not."""
    words = {v.casefold() for v in values}
    yes = bool(words & {"true", "yes", "ja", "1"})
    no = bool(words & {"false", "no", "0"})
    cells = YES_NO[column].astype(object)
    known = cells.notna()
    named = cells.map(lambda v: (v is True and yes) or (v is False and no))
    expected = (named if op == "in" else ~named.astype(bool)) & known
    c = Criterion(field=column, op=op, values=values)
    assert criterion_mask(YES_NO, c).tolist() == expected.astype(bool).tolist()
    connection = duckdb.connect()
    connection.register("leads", YES_NO)
    condition = SqlWriter(types=types_of(YES_NO)).condition(c)
    rows = connection.execute(f"SELECT {condition} FROM leads ORDER BY n").fetchall()
    assert [bool(r[0]) for r in rows] == expected.astype(bool).tolist()
